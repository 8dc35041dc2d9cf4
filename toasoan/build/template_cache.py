"""Jinja's compiled templates, kept on disk between builds (``.cache/toasoan/templates``).

Every build is a new process, which would compile each template of the theme again (about
0.1 s for an article page and what it includes). Jinja's own bytecode cache keeps them,
checked against each template's source; this one also makes its folder, and a cache that
cannot be written (a read-only checkout) only means compiling again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
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
