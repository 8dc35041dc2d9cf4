"""Jinja's compiled templates, kept on disk between builds (``.cache/toasoan/templates``).

Every build is a new process, which would compile each template of the theme again (about
0.1 s for an article page and what it includes). Jinja's own bytecode cache keeps them,
checked against each template's source; this one also makes its folder, keeps code compiled
by another code generator apart (:mod:`toasoan.build.reads` records what a page reads), and a
cache that cannot be written (a read-only checkout) only means compiling again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

logger = logging.getLogger(__name__)


class TemplateCache(FileSystemBytecodeCache):
    """:class:`jinja2.FileSystemBytecodeCache` in ``folder``, made when first written."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError as error:
            logger.debug("template cache not written: %s", error)

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        tag = getattr(environment.code_generator_class, "cache_tag", "")
        return super().get_bucket(environment, f"{name}\x00{tag}" if tag else name, filename, source)
