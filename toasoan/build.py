"""Build the site with Pelican into a staging folder; only a successful build reaches ``output/``.

A *full* build renders everything into the staging folder and swaps it in for
``OUTPUT_PATH``. An *incremental* build (the default once a previous build left its
manifest) renders into the staging folder only the outputs whose inputs changed (see
:mod:`toasoan.outputs`), then moves them into ``OUTPUT_PATH`` and deletes the outputs
that no longer exist. Either way a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import outputs
from .findings import ContentRejected, Finding
from .parsing import code_fingerprint
from .tracker import vietnam_today

logger = logging.getLogger("toasoan.build")

MANIFEST_FORMAT = 1
# Libraries whose upgrade can change what a page looks like.
RENDERING_PACKAGES = ("pelican", "jinja2", "markdown", "nh3", "babel", "feedgenerator", "icalendar",
                      "pagefind", "pyyaml")
CODE = Path(__file__).resolve().parent


@dataclass
class BuildResult:
    ok: bool
    output: Path
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    rendered: int = 0  # outputs written by this build
    kept: int = 0  # outputs an incremental build kept from the previous one


def load_settings(settings_file: str | Path, **overrides: object) -> dict:
    """Pelican settings from a settings file, with overrides (e.g. ``OUTPUT_PATH``)."""
    from pelican.settings import read_settings

    return read_settings(str(settings_file), override=overrides or None)


def build_site(settings_file: str | Path = "pelicanconf.py", *, incremental: bool = True,
               **overrides: object) -> BuildResult:
    """Run Pelican into a staging folder; on success its outputs reach ``OUTPUT_PATH``.

    ``incremental=False`` renders everything. A failed build leaves the previous output
    exactly as it was and never raises.
    """
    from pelican import Pelican

    settings = load_settings(settings_file, **overrides)
    output = Path(settings["OUTPUT_PATH"]).resolve()
    staging = output.with_name(f".output-staging-{uuid.uuid4().hex[:8]}")
    settings["OUTPUT_PATH"] = str(staging)
    manifest = Manifest.for_output(settings, output)
    key = build_key(settings_file, settings, overrides)
    previous = manifest.load() if incremental and output.is_dir() else None
    if previous:
        ledger = outputs.OutputLedger(output, staging, key, previous=previous[0], previous_trees=previous[1])
    else:
        ledger = outputs.FullBuild(output, staging, key)
    try:
        with outputs.using(ledger):
            Pelican(settings).run()
    except ContentRejected as rejected:
        shutil.rmtree(staging, ignore_errors=True)
        return BuildResult(False, output, findings=rejected.findings)
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        logger.debug("build failed", exc_info=True)
        return BuildResult(False, output, error=f"{type(error).__name__}: {error}")
    manifest.remove()  # until the new one is written: an interrupted swap means a full build next
    if ledger.incremental:
        entries = merge_into(staging, output, ledger)
    else:
        swap_in(staging, output)
        entries = dict(_stat_all(output, ledger.written))
    manifest.save(entries, ledger.trees)
    return BuildResult(True, output, rendered=len(entries) - len(ledger.kept), kept=len(ledger.kept))


def build_key(settings_file: str | Path, settings: dict, overrides: dict) -> str:
    """What every output depends on: code, theme, plugins, settings, libraries and the date.

    Today's date is part of it because the tracker counts overdue items as of the build.
    """
    files: list[Path] = [*CODE.rglob("*.py"), Path(settings_file)]
    for folder in [*settings.get("PLUGIN_PATHS", ()), settings.get("THEME", "")]:
        if folder and Path(folder).is_dir():
            files += [p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    overridden = sorted((k, repr(v)) for k, v in overrides.items() if k != "OUTPUT_PATH")
    return code_fingerprint(f"format {MANIFEST_FORMAT}", vietnam_today().isoformat(), overridden,
                            modules=files, packages=RENDERING_PACKAGES)


def swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` with ``staging`` by renames on the same file system."""
    retired = output.with_name(f".output-old-{uuid.uuid4().hex[:8]}")
    if output.exists():
        os.replace(output, retired)
    os.replace(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


def merge_into(staging: Path, output: Path, ledger: outputs.OutputLedger) -> dict[str, outputs.Entry]:
    """Move the staged outputs into ``output`` and delete the ones no build makes any more."""
    entries = dict(ledger.kept)
    for root, _, names in os.walk(staging):
        for name in names:
            source = Path(root) / name
            relpath = source.relative_to(staging).as_posix()
            target = output / relpath
            _make_room(target, output)
            os.replace(source, target)
            entries[relpath] = _entry(target, ledger.written.get(relpath))
    for relpath in ledger.previous.keys() - entries.keys():
        target = output / relpath
        target.unlink(missing_ok=True)
        _prune_empty(target.parent, output)
    shutil.rmtree(staging, ignore_errors=True)
    return entries


def _make_room(target: Path, output: Path) -> None:
    """Parent folders for ``target``; a file or folder in the way (a renamed output) goes."""
    for parent in reversed(target.relative_to(output).parents[:-1]):
        folder = output / parent
        if folder.is_file() or folder.is_symlink():
            folder.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)


def _prune_empty(folder: Path, output: Path) -> None:
    while folder != output and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _stat_all(output: Path, keys: dict[str, str | None]):
    for root, _, names in os.walk(output):
        for name in names:
            relpath = (Path(root) / name).relative_to(output).as_posix()
            yield relpath, _entry(output / relpath, keys.get(relpath))


def _entry(path: Path, key: str | None) -> outputs.Entry:
    """The manifest entry of an output file as it is now on disk."""
    stat = path.stat()
    return outputs.Entry(key, stat.st_size, stat.st_mtime_ns)


@dataclass
class Manifest:
    """What the last successful build wrote into an output folder (kept beside the content)."""

    path: Path

    @classmethod
    def for_output(cls, settings: dict, output: Path) -> Manifest:
        cache = Path(settings["PATH"]).resolve().parent / ".cache" / "toasoan" / "outputs"
        return cls(cache / f"{outputs.digest(str(output))}.json")

    def load(self) -> tuple[dict[str, outputs.Entry], dict[str, str]] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") != MANIFEST_FORMAT:
                return None
            files = {rel: outputs.Entry(*values) for rel, values in data["files"].items()}
            return files, dict(data.get("trees", {}))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def save(self, entries: dict[str, outputs.Entry], trees: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": MANIFEST_FORMAT, "trees": trees,
                "files": {rel: list(asdict(e).values()) for rel, e in sorted(entries.items())}}
        scratch = self.path.with_suffix(".tmp")
        scratch.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(scratch, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
