"""Stops the build before anything is written when the content has errors."""

from .content_checks import check_build, register

__all__ = ["check_build", "register"]
