"""Build the site with Pelican into a staging folder and swap it in only on success."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .findings import ContentRejected, Finding

logger = logging.getLogger("toasoan.build")


@dataclass
class BuildResult:
    ok: bool
    output: Path
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


def load_settings(settings_file: str | Path, **overrides: object) -> dict:
    """Pelican settings from a settings file, with overrides (e.g. ``OUTPUT_PATH``)."""
    from pelican.settings import read_settings

    return read_settings(str(settings_file), override=overrides or None)


def build_site(settings_file: str | Path = "pelicanconf.py", **overrides: object) -> BuildResult:
    """Run Pelican into a staging folder; on success it replaces ``OUTPUT_PATH``.

    A failed build leaves the previous output exactly as it was and never raises.
    """
    from pelican import Pelican

    settings = load_settings(settings_file, **overrides)
    output = Path(settings["OUTPUT_PATH"])
    staging = output.with_name(f".output-staging-{uuid.uuid4().hex[:8]}")
    settings["OUTPUT_PATH"] = str(staging)
    try:
        Pelican(settings).run()
    except ContentRejected as rejected:
        shutil.rmtree(staging, ignore_errors=True)
        return BuildResult(False, output, findings=rejected.findings)
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        logger.debug("build failed", exc_info=True)
        return BuildResult(False, output, error=f"{type(error).__name__}: {error}")
    swap_in(staging, output)
    return BuildResult(True, output)


def swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` with ``staging`` by renames on the same file system."""
    retired = output.with_name(f".output-old-{uuid.uuid4().hex[:8]}")
    if output.exists():
        os.replace(output, retired)
    os.replace(staging, output)
    shutil.rmtree(retired, ignore_errors=True)
