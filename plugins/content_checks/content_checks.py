"""Gather the readers' findings, run the cross-file checks, stop the build on errors.

A recipe that owns no file (:class:`toasoan.build.run.Recipe`), made at
``all_generators_finalized`` — every file has been read, nothing written yet — and made
again when a build patches bodies into the run.
"""

from __future__ import annotations

import logging

from pelican import signals

from toasoan.build.run import BuildRun, Recipe, run_of
from toasoan.checks import check_site_links, check_site_model
from toasoan.content import unsafe_files
from toasoan.findings import ContentRejected, Finding, format_text, has_errors
from toasoan.model import ContentFile
from toasoan.settings import plugin_enabled
from toasoan.tracker import tracker_settings

logger = logging.getLogger(__name__)

PLUGIN_NAME = "content_checks"
MODEL = f"{PLUGIN_NAME}.model"  # the run keeps the findings of check_site_model at its last check


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


def check_build(run: BuildRun) -> None:
    """The recipe: readers' findings and the site-wide checks; ContentRejected on errors.

    When only bodies changed since the last check (``run.edited``), the model's site-wide
    findings are the last check's; links are checked again.
    """
    settings = run.settings
    generators = run.memory.get(PLUGIN_NAME)
    if generators is None:
        return
    documents, findings = collect(generators)
    readers = _newsroom_readers(generators)
    if readers:
        findings += check_site_links(documents, readers[0].rules)
        findings += unsafe_files(readers[0].rules.content_root)
    model = run.memory.get(MODEL) if run.edited else None
    if model is None:
        model = run.memory[MODEL] = check_site_model(documents, today=tracker_settings(settings)["today"])
    findings += model
    if has_errors(findings):
        raise ContentRejected(findings)
    if findings:
        logger.warning("Cảnh báo nội dung:\n%s", format_text(findings))


def declare(pelican) -> None:
    """``initialized``: the checks' recipe."""
    if plugin_enabled(pelican.settings, PLUGIN_NAME):
        run_of(pelican.settings).declare(Recipe(PLUGIN_NAME, (), check_build))


def all_read(generators: list) -> None:
    """``all_generators_finalized``: every file is read; the checks run."""
    if generators:
        run = run_of(generators[0].settings)
        run.memory[PLUGIN_NAME] = generators
        run.make(PLUGIN_NAME)


def register() -> None:
    signals.initialized.connect(declare)
    signals.all_generators_finalized.connect(all_read)
