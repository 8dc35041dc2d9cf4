"""Build the site with Pelican into a staging folder; only a successful build reaches ``output/``.

A *full* build renders everything into the staging folder and swaps it in for
``OUTPUT_PATH``. An *incremental* build (the default once a previous build left its
manifest) renders into the staging folder only the outputs whose inputs changed (see
:mod:`toasoan.build.outputs`), then moves them into ``OUTPUT_PATH`` and deletes the outputs
that no longer exist. Either way a failed build leaves the previous output untouched.

When nothing a build reads has changed since the last one (:func:`input_state`) and its
outputs are as it left them, an incremental build has nothing to do and does not run
Pelican at all.

This module is one build (:class:`BuildPlan`), and :func:`build_site`, which runs one
(``invoke build``). A preview's session (:mod:`toasoan.build.session`) runs its builds too,
and patches the run it keeps instead when only bodies changed; this module never imports it.
"""

from __future__ import annotations

import dataclasses
import datetime
import filecmp
import functools
import gc
import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ..content import local_cache
from ..findings import ContentRejected, Finding
from ..git import find_repository
from ..parsing import code_fingerprint
from ..publication import publication
from ..tracker import vietnam_today
from . import outputs
from .memory import map_large_blocks, release_free_memory
from .run import BuildRun
from .share import SETTING as RENDER_PROCESSES

# Settings that are not inputs of any output: where it goes, how many processes render it
# (the same bytes either way: tests/test_render_share.py).
SHAPE_NO_OUTPUT = frozenset({"OUTPUT_PATH", RENDER_PROCESSES})

logger = logging.getLogger("toasoan.build")

MANIFEST_FORMAT = 3
MANIFEST_SLICE = 1000  # files per slice of the manifest as it is written
# Libraries whose upgrade can change what a page looks like.
RENDERING_PACKAGES = ("pelican", "jinja2", "markdown", "nh3", "babel", "feedgenerator", "icalendar",
                      "pagefind", "pyyaml")
CODE = Path(__file__).resolve().parent.parent


@dataclass
class BuildResult:
    ok: bool
    output: Path
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    rendered: int = 0  # outputs written by this build
    kept: int = 0  # outputs an incremental build kept from the previous one
    unchanged: bool = False  # nothing had changed: Pelican did not run
    patched: tuple[str, ...] = ()  # files whose new body a resident preview patched in (toasoan.build.session)


def load_settings(settings_file: str | Path, **overrides: object) -> dict:
    """Pelican settings from a settings file, with overrides (e.g. ``OUTPUT_PATH``)."""
    from pelican.settings import read_settings

    return read_settings(str(settings_file), override=overrides or None)


def run_pelican(pelican) -> None:
    """``pelican.run()``, sparing the garbage collector what it has read.

    What Pelican reads lives until the build ends. Once everything is read
    (``all_generators_finalized``) it is frozen for the collector, which otherwise scans it
    all again on every full collection while the pages are written (≈ 0.8 s of an edit
    rebuild at 5 000 articles). It is given back to the collector when the run ends.
    """
    from pelican import signals

    def freeze(_generators: list) -> None:
        gc.freeze()
        release_free_memory()  # what reading freed, before a helper is forked to render

    map_large_blocks()
    gc.freeze()  # what came before: modules, settings, the content cache Pelican loaded
    try:
        with signals.all_generators_finalized.connected_to(freeze):
            pelican.run()
    finally:
        gc.unfreeze()


def build_site(settings_file: str | Path = "pelicanconf.py", *, incremental: bool = True,
               **overrides: object) -> BuildResult:
    """Run Pelican into a staging folder; on success its outputs reach ``OUTPUT_PATH``.

    An incremental build (``invoke build``) does nothing when nothing it reads changed, and
    otherwise renders only the pages whose keys changed; ``incremental=False`` renders
    everything. A failed build leaves the previous output exactly as it was and never raises.
    """
    from pelican import Pelican

    plan = BuildPlan.make(settings_file, incremental=incremental, **overrides)
    if nothing_to_do := plan.unchanged():
        return nothing_to_do
    return plan.run(BuildRun(plan.ledger()), lambda: run_pelican(Pelican(plan.settings)))


@dataclass
class BuildInputs:
    """Everything a build reads, cheaply (see :func:`input_state`), in parts."""

    key: str  # the build key
    settings: str  # the plain values of the settings, as JSON
    files: dict[str, list[int] | None]  # every file under the content folder: size, times, inode
    refs: bytes  # the git refs of the repository around the content
    _digest: str | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, settings: dict, key: str) -> BuildInputs:
        content = Path(settings["PATH"])
        repository = find_repository(content)
        refs = repository.run("show-ref", "--head", check=False).stdout if repository else b""
        plain = {k: _plain(v) for k, v in settings.items() if k not in SHAPE_NO_OUTPUT}
        return cls(key, json.dumps(plain, sort_keys=True, default=str), dict(_file_states(content)), refs)

    def digest(self) -> str:
        if self._digest is None:
            self._digest = outputs.digest(self.key, self.settings, json.dumps(sorted(self.files.items())),
                                          self.refs)
        return self._digest

    def changed_files(self, later: BuildInputs) -> set[str] | None:
        """The content files ``later`` finds changed; None when anything else changed too
        (code, settings, git refs, a file added or deleted)."""
        if (self.key, self.settings, self.refs) != (later.key, later.settings, later.refs):
            return None
        if self.files.keys() != later.files.keys():
            return None
        return {path for path, state in later.files.items() if self.files[path] != state}


def input_state(settings: dict, key: str) -> str:
    """Everything a build reads, cheaply: the build key, the plain values of the settings
    (an environment variable may set one), every file under the content folder by path,
    size, times and inode (a rewrite changes its ctime), and the git refs of the repository
    around it (the provenance plugin reads its history)."""
    return BuildInputs.of(settings, key).digest()


class PluginNotLoaded(Exception):
    """A plugin in the settings that Pelican could not import or register."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(
            f"Không nạp được plugin {', '.join(names)} (lỗi của Pelican ở trên nói vì sao); trang không được "
            "dựng thiếu plugin. Gợi ý: cài lại môi trường (script/bootstrap) hoặc sửa lỗi trong thư mục plugins/.")


@dataclass
class BuildPlan:
    """One build, before it runs: its settings, staging folder, inputs and the last build."""

    settings: dict  # OUTPUT_PATH is the staging folder
    output: Path
    staging: Path
    manifest: Manifest
    key: str
    inputs: BuildInputs
    previous: PreviousBuild | None
    plugins: tuple[str, ...] = ()  # the settings' PLUGINS (Pelican puts those it loaded in their place)

    @classmethod
    def make(cls, settings_file: str | Path, *, incremental: bool = True, **overrides: object) -> BuildPlan:
        """A build into a new staging folder (a kept run's build is :meth:`restaged`)."""
        settings = load_settings(settings_file, **overrides)
        publication(settings)  # the clock is read once, here: the key and the readers share it
        output = Path(settings["OUTPUT_PATH"]).resolve()
        staging = output.with_name(f".output-staging-{uuid.uuid4().hex[:8]}")
        manifest = Manifest.for_output(settings, output)
        key = build_key(settings_file, settings, overrides)
        inputs = BuildInputs.of(settings, key)
        previous = manifest.load() if incremental and output.is_dir() else None
        if previous is not None and previous.released_since(publication(settings).now):
            previous = None  # a scheduled article's time has come: its pages change (a full build)
        settings["OUTPUT_PATH"] = str(staging)
        return cls(settings, output, staging, manifest, key, inputs, previous, tuple(settings.get("PLUGINS") or ()))

    def ledger(self, kind: type[outputs.OutputLedger] = outputs.OutputLedger) -> outputs.OutputLedger:
        """A ledger of ``kind`` over the last build's outputs (a full build's when there is none)."""
        if self.previous is None:
            return outputs.FullBuild(self.output, self.staging, self.key)
        return kind(self.output, self.staging, self.key, previous=self.previous.files,
                    previous_trees=self.previous.trees)

    def unchanged(self) -> BuildResult | None:
        """The result of a build with nothing to do — nothing read has changed since the last
        build, and its outputs are as it left them — or None."""
        if (self.previous is not None and self.previous.inputs == self.inputs.digest()
                and self.ledger().all_intact()):
            return BuildResult(True, self.output, kept=len(self.previous.files), unchanged=True)
        return None

    def restaged(self, staging: Path) -> BuildPlan:
        """This build, rendering into ``staging`` (a kept run's: its objects write there)."""
        return dataclasses.replace(self, staging=staging, settings={**self.settings, "OUTPUT_PATH": str(staging)})

    def run(self, build: BuildRun, render: Callable[[], object], *, run: str | None = None) -> BuildResult:
        """``render()`` into the staging folder, ``build`` driving this build's settings; on
        success move the outputs into place and save the manifest (``run``: the id of the
        Pelican run the outputs come from, when it is kept for a patch). A failure leaves the
        output untouched."""
        ledger = build.ledger
        try:
            with build.driving(self.settings):
                render()
            self._check_plugins()
        except ContentRejected as rejected:
            self._discard(ledger)
            return BuildResult(False, self.output, findings=rejected.findings)
        except Exception as error:
            self._discard(ledger)
            logger.debug("build failed", exc_info=True)
            return BuildResult(False, self.output, error=f"{type(error).__name__}: {error}")
        self.manifest.remove()  # until the new one is written: an interrupted swap means a full build next
        if ledger.incremental:
            entries, moved = merge_into(self.staging, self.output, ledger)
            listing: Iterable[tuple[str, outputs.Entry]] = entries.items()
        else:
            swap_in(self.staging, self.output)
            moved, listing = None, _stat_all(self.output, ledger)  # stat as the manifest is written
        listed = self.manifest.save(listing, ledger.trees, self.inputs.digest(), run, self._release())
        moved = listed if moved is None else moved
        return BuildResult(True, self.output, rendered=moved, kept=listed - moved)

    def _check_plugins(self) -> None:
        """Pelican logs a plugin it cannot import or register and builds without it: a site
        without its sanitizing reader or its search index must not be published."""
        loaded = self.settings.get("PLUGINS") or ()
        missing = [name for name in self.plugins if isinstance(name, str) and name not in loaded]
        if missing:
            raise PluginNotLoaded(missing)

    def _release(self) -> str | None:
        """When the outputs of this build go stale: the soonest scheduled time its readers saw,
        or the last build's (a patch reads only the edited files)."""
        clock = publication(self.settings)
        times = [t for t in (clock.next_release(), self.previous and self.previous.release_time()) if t]
        times = [t for t in times if t > clock.now]
        return min(times).isoformat() if times else None

    def _discard(self, ledger: outputs.OutputLedger) -> None:
        """A failed build: its staging folder goes, once nothing writes into it any more."""
        ledger.settle()
        shutil.rmtree(self.staging, ignore_errors=True)


def build_key(settings_file: str | Path, settings: dict, overrides: dict) -> str:
    """What every output depends on: code, theme, plugins, settings, libraries and the date.

    Today's date is part of it because the tracker counts overdue items as of the build;
    a public build's time too, because scheduled articles appear at theirs
    (:meth:`toasoan.publication.Publication.key`).
    """
    files: list[Path] = [*CODE.rglob("*.py"), Path(settings_file)]
    for folder in [*settings.get("PLUGIN_PATHS", ()), settings.get("THEME", "")]:
        if folder and Path(folder).is_dir():
            files += [p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    overridden = sorted((k, repr(v)) for k, v in overrides.items() if k not in SHAPE_NO_OUTPUT)
    return code_fingerprint(f"format {MANIFEST_FORMAT}", vietnam_today().isoformat(),
                            publication(settings).key(), overridden,
                            modules=files, packages=RENDERING_PACKAGES)


def _tree(folder: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file under ``folder`` as ``os.walk`` finds them (a link to a folder is neither
    walked nor a file; a folder that cannot be read is passed over), with its path relative
    to ``folder`` in ``/`` form: one ``scandir`` per folder and strings, not Paths — a preview
    stats every content file each time, a full build every output (18 000 at 5 000 articles)."""
    folders = [("", str(folder))]
    while folders:
        prefix, path = folders.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            relpath = prefix + entry.name
            if not entry.is_dir():
                yield relpath, entry
            elif not entry.is_symlink():
                folders.append((relpath + "/", entry.path))


def _file_states(folder: Path) -> Iterator[tuple[str, list[int] | None]]:
    for _, entry in _tree(folder):
        try:
            stat = entry.stat()
        except OSError:  # a dangling link: the build reports it
            yield entry.path, None
            continue
        yield entry.path, [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _plain(value: object) -> object:
    """A setting as JSON-able data; code (filters, functions) is in the build key already."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_plain(v)) for v in value)
    if isinstance(value, dict):
        return [[repr(k), _plain(v)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]
    return type(value).__qualname__


def swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` with ``staging`` by renames on the same file system."""
    retired = output.with_name(f".output-old-{uuid.uuid4().hex[:8]}")
    if output.exists():
        os.replace(output, retired)
    os.replace(staging, output)
    shutil.rmtree(retired, ignore_errors=True)


def merge_into(staging: Path, output: Path, ledger: outputs.OutputLedger) -> tuple[dict[str, outputs.Entry], int]:
    """Move the staged outputs into ``output`` and delete the ones no build makes any more;
    every output's manifest entry, and how many were moved.

    A staged file with the very bytes of the file the last build left is not moved: the
    output keeps its file and its time (static files Pelican copies on every build, search
    fragments named by their content)."""
    entries = dict(ledger.kept)
    moved = 0
    ready: set[Path] = {output}  # folders made ready for the files moved into them
    for relpath, staged in list(_tree(staging)):
        source = Path(staged.path)
        target = output / relpath
        if not (relpath in ledger.previous and _same_bytes(source, target)):
            moved += 1
            if target.parent not in ready:
                _make_room(target.parent, output)
                ready.add(target.parent)
            if target.is_dir() and not target.is_symlink():  # a folder where a file now goes
                shutil.rmtree(target)
            os.replace(source, target)
        entries[relpath] = _entry(target.stat(), ledger, relpath)
    for relpath in ledger.previous.keys() - entries.keys():
        target = output / relpath
        target.unlink(missing_ok=True)
        _prune_empty(target.parent, output)
    shutil.rmtree(staging, ignore_errors=True)
    return entries, moved


def _same_bytes(staged: Path, target: Path) -> bool:
    try:
        return (not target.is_symlink() and staged.stat().st_size == target.stat().st_size
                and filecmp.cmp(staged, target, shallow=False))
    except OSError:
        return False


def _make_room(folder: Path, output: Path) -> None:
    """``folder`` (under ``output``) and its parents; a file in the way (a renamed output) goes."""
    below = folder.relative_to(output)
    for parent in [*reversed(below.parents[:-1]), below]:
        path = output / parent
        if path.is_file() or path.is_symlink():
            path.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def _prune_empty(folder: Path, output: Path) -> None:
    while folder != output and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _stat_all(output: Path, ledger: outputs.OutputLedger) -> Iterator[tuple[str, outputs.Entry]]:
    """The manifest entry of every file of a new ``output``."""
    for relpath, entry in _tree(output):
        yield relpath, _entry(entry.stat(), ledger, relpath)


def _lines_hash(data: bytes = b"") -> hashlib.blake2b:
    """The hash a manifest's head keeps of its ``files`` lines."""
    return hashlib.blake2b(data, digest_size=16)


def _entry(stat: os.stat_result, ledger: outputs.OutputLedger, relpath: str) -> outputs.Entry:
    """The manifest entry of an output file ``ledger`` wrote, as it is now on disk (``stat``)."""
    return outputs.Entry(ledger.written.get(relpath), stat.st_size, stat.st_mtime_ns, ledger.reads.get(relpath))


@dataclass
class PreviousBuild:
    """What the manifest says of the last successful build. Its ``files`` are read from the
    manifest's lines when first asked: an edit's build starts Pagefind before it needs them."""

    trees: dict[str, str]
    inputs: str  # its input_state()
    run: str | None = None  # the kept Pelican run its outputs come from (toasoan.build.session)
    lines: str = field(default="", repr=False)  # the manifest's ``files`` lines, until read
    release: str | None = None  # when a scheduled article it left out or marked goes live
    reads: list[outputs.Reads] = field(default_factory=list, repr=False)  # the sets of names pages read

    def release_time(self) -> datetime.datetime | None:
        return datetime.datetime.fromisoformat(self.release) if self.release else None

    def released_since(self, now: datetime.datetime) -> bool:
        """Whether a scheduled article of this build has gone live by ``now``."""
        release = self.release_time()
        return release is not None and release <= now

    @functools.cached_property
    def files(self) -> dict[str, outputs.Entry]:
        """Every output file of the last build, its key and its stat."""
        files: dict[str, outputs.Entry] = {}
        for line in self.lines.splitlines():
            for rel, (key, size, mtime_ns, reads) in json.loads(line).items():
                files[rel] = outputs.Entry(key, size, mtime_ns, None if reads is None else self.reads[reads])
        self.lines = ""
        return files


@dataclass
class Manifest:
    """What the last successful build wrote into an output folder (kept beside the content).

    JSON lines: the output files a slice per line (``{relpath: [key, size, mtime_ns, reads]}``,
    ``reads`` the index of the names the page read in the head's ``reads``, or null), then the
    head (format, inputs, run, trees, the sets of names pages read — thousands of pages share
    a few — and a hash of the lines above it, so that a manifest damaged anywhere is refused
    at once, not when its files are read).
    """

    path: Path

    @classmethod
    def for_output(cls, settings: dict, output: Path) -> Manifest:
        cache = local_cache(Path(settings["PATH"]).resolve().parent, "outputs")
        return cls(cache / f"{outputs.digest(str(output))}.json")

    def load(self) -> PreviousBuild | None:
        try:
            text = self.path.read_text(encoding="utf-8")
            start = text.rfind("\n", 0, len(text) - 1) + 1  # of the last line, the head
            head = json.loads(text[start:])
            lines = text[:start]
            if (head.get("format") != MANIFEST_FORMAT
                    or head.get("files") != _lines_hash(lines.encode("utf-8")).hexdigest()):
                return None
            previous = PreviousBuild(dict(head.get("trees", {})), str(head.get("inputs", "")), head.get("run"),
                                     lines, head.get("release"), [tuple(map(str, names)) for names in head["reads"]])
            previous.release_time()  # a damaged time: no previous build
            return previous
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            return None

    def save(self, entries: Iterable[tuple[str, outputs.Entry]], trees: dict[str, str], inputs: str,
             run: str | None = None, release: str | None = None) -> int:
        """Write the manifest a slice at a time as ``entries`` come (a full build stats its
        outputs as they are written here: holding the entries of 18 000 files would add
        ≈ 4 MiB at 5 000 articles, and the whole text ≈ 8 MiB), then its head; how many
        files it lists."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_suffix(".tmp")
        written = _lines_hash()
        reads: dict[outputs.Reads, int] = {}
        listed = 0
        pending = iter(entries)
        with scratch.open("w", encoding="utf-8", newline="\n") as out:
            while part := {rel: [e.key, e.size, e.mtime_ns,
                                 None if e.reads is None else reads.setdefault(e.reads, len(reads))]
                           for rel, e in islice(pending, MANIFEST_SLICE)}:
                line = json.dumps(part, ensure_ascii=False) + "\n"
                written.update(line.encode("utf-8"))
                out.write(line)
                listed += len(part)
            head = {"format": MANIFEST_FORMAT, "inputs": inputs, "run": run, "trees": trees,
                    "release": release, "reads": list(reads), "files": written.hexdigest()}
            out.write(json.dumps(head, ensure_ascii=False) + "\n")
        os.replace(scratch, self.path)
        return listed

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
