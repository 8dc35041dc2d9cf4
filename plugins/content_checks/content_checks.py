"""Gather the readers' findings, run the cross-file checks, stop the build on errors.

Runs at ``all_generators_finalized``: every file has been read, nothing written yet; and on
``content_patched``, when a resident preview has read bodies anew.
"""

from __future__ import annotations

import logging

from pelican import signals

from toasoan.checks import check_site_links, check_site_model
from toasoan.content import unsafe_files
from toasoan.findings import ContentRejected, Finding, format_text, has_errors
from toasoan.kept_run import RunMemory, by_first_generator
from toasoan.model import ContentFile
from toasoan.settings import plugin_enabled
from toasoan.signals import content_patched
from toasoan.tracker import tracker_settings

logger = logging.getLogger(__name__)

# A run's first generator → the findings of check_site_model at its last check.
_MODEL_FINDINGS = RunMemory("content_checks", by_first_generator)


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


def check_build(generators: list, *, patched: bool = False) -> None:
    """Readers' findings and the site-wide checks; ContentRejected on errors.

    ``patched``: only bodies changed since the last check of this run (a resident preview):
    the model's site-wide findings are the last check's, links are checked again.
    """
    settings = generators[0].settings if generators else {}
    if not plugin_enabled(settings, "content_checks"):
        return
    documents, findings = collect(generators)
    readers = _newsroom_readers(generators)
    if readers:
        findings += check_site_links(documents, readers[0].rules)
        findings += unsafe_files(readers[0].rules.content_root)
    model = _MODEL_FINDINGS.get(generators[0]) if patched else None
    if model is None:
        model = check_site_model(documents, today=tracker_settings(settings)["today"])
        _MODEL_FINDINGS.keep(generators[0], model)
    findings += model
    if has_errors(findings):
        raise ContentRejected(findings)
    if findings:
        logger.warning("Cảnh báo nội dung:\n%s", format_text(findings))


def check_patched(_pelican, contents: list, generators: list) -> None:
    """``content_patched``: check again after a resident preview read bodies anew."""
    check_build(generators, patched=True)


def register() -> None:
    signals.all_generators_finalized.connect(check_build)
    content_patched.connect(check_patched)
