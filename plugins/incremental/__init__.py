"""Incremental build: a writer that renders only the pages whose inputs changed."""

from .incremental import register

__all__ = ["register"]
