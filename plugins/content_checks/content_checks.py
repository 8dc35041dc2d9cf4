"""Gather the readers' findings, run the cross-file checks, stop the build on errors.

Runs at ``all_generators_finalized``: every file has been read, nothing written yet.
"""

from __future__ import annotations

import logging

from pelican import signals

from toasoan.checks import check_site
from toasoan.findings import ContentRejected, Finding, format_text, has_errors
from toasoan.model import ContentFile
from toasoan.settings import plugin_enabled
from toasoan.signals import content_patched
from toasoan.tracker import tracker_settings

logger = logging.getLogger(__name__)


def _newsroom_readers(generators: list) -> list:
    seen: dict[int, object] = {}
    for generator in generators:
        readers = getattr(generator, "readers", None)
        for reader in getattr(readers, "readers", {}).values():
            if hasattr(reader, "documents") and hasattr(reader, "findings"):
                seen.setdefault(id(reader), reader)
    return list(seen.values())


def collect(generators: list) -> tuple[list[ContentFile], list[Finding]]:
    """Documents and findings from every newsroom reader, each once."""
    documents: dict[str, ContentFile] = {}
    findings: dict[Finding, None] = {}
    for reader in _newsroom_readers(generators):
        for document in reader.documents:
            documents.setdefault(document.source, document)
        findings.update(dict.fromkeys(reader.findings))
    return list(documents.values()), list(findings)


def check_build(generators: list) -> None:
    settings = generators[0].settings if generators else {}
    if not plugin_enabled(settings, "content_checks"):
        return
    documents, findings = collect(generators)
    readers = _newsroom_readers(generators)
    findings += check_site(documents, readers[0].rules if readers else None,
                           today=tracker_settings(settings)["today"])
    if has_errors(findings):
        raise ContentRejected(findings)
    if findings:
        logger.warning("Cảnh báo nội dung:\n%s", format_text(findings))


def check_patched(_pelican, contents: list, generators: list) -> None:
    """``content_patched``: check again after a resident preview read bodies anew."""
    check_build(generators)


def register() -> None:
    signals.all_generators_finalized.connect(check_build)
    content_patched.connect(check_patched)
