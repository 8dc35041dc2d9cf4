"""Public provenance: each article shows who approved it, when, and links to its history."""

from .provenance import attach_provenance, register

__all__ = ["attach_provenance", "register"]
