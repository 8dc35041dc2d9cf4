"""A finished Pelican run, saved to disk so the next build in a new process can patch it.

``invoke livereload`` keeps its last run in memory (:mod:`toasoan.build.session`). ``invoke build``
starts a new process each time, so an incremental build saves the run it made beside the
output manifest (``.cache/toasoan/outputs/<hash of the output path>.run``) and the next
``invoke build`` takes it up: when only bodies changed it patches them in as the preview
does, instead of running Pelican over every file again.

The file has three parts: a small :class:`SavedRunHeader` (which run, its staging folder, the
inputs it read, each file's content model apart from its body, as a digest), read first to
decide whether the run can be used at all; the HTML bodies of the run's articles and pages,
one after another in UTF-8; then, as one pickle, the attributes of every article and page
(flat: an article is a reference wherever it is met, so no chain of neighbours makes the
pickle deep), the run's generators (and so its context), its incremental writer and what
plugins keep of it for a patch (:attr:`toasoan.build.run.BuildRun.memory`). A run taken up
reads a body from the file only when something asks for it (:class:`KeptBody`): a patch
reads a few hundred of the thousands of bodies, and a run that holds none loads in less
memory. What belongs to a process — Jinja environments and templates, the ``Pelican``
object — is not saved: a run taken up gets the new process's (Jinja environments made by
generators of the same classes, from the same settings). Like everything under
``.cache/``, the file is the build's own; it is read only when the code, settings and
content it was made from are unchanged.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import logging
import os
import pickle
import threading
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .generators import body_of, generator_contents

logger = logging.getLogger(__name__)

FORMAT = 3


@dataclass
class SavedRunHeader:
    """What a saved run is, readable without loading the run."""

    format: int
    run: str  # the run's id: the manifest of every build it led to names it
    staging: Path  # the run's OUTPUT_PATH: a patch renders there again
    inputs: object  # toasoan.build.plan.BuildInputs the run read
    # source path → a digest of its content model apart from the body (toasoan.build.session): a
    # file whose front matter changed rules out a patch before the run is loaded.
    without_bodies: dict[str, str]


@dataclass
class SavedRun:
    """The saved run of one output folder (a file beside its manifest)."""

    path: Path

    def header(self) -> SavedRunHeader | None:
        try:
            with open(self.path, "rb") as file:
                header = pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception:  # a damaged or older file: the build runs Pelican
            logger.debug("saved run unreadable", exc_info=True)
            return None
        return header if isinstance(header, SavedRunHeader) and header.format == FORMAT else None

    def save(self, header: SavedRunHeader, pelican: object, generators: list, writer: object,
             memory: dict[str, object]) -> None:
        """Save the run and what plugins keep of it (``memory``), atomically; a run that
        cannot be saved leaves no file."""
        scratch = self.path.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(scratch, "wb") as file:
                pickle.dump(header, file, protocol=pickle.HIGHEST_PROTOCOL)
                contents = _contents(generators)
                pickler = _RunPickler(file, pelican, generators, contents)
                pickler.dump((pickler.states(_write_bodies(file, contents)), generators, writer, memory))
            os.replace(scratch, self.path)
        except Exception as error:  # saving is an optimisation: the next build runs Pelican
            logger.warning("Không lưu được lần dựng này để lần sau dựng nhanh hơn: %s", error)
            logger.debug("saving the run failed", exc_info=True)
            scratch.unlink(missing_ok=True)
            self.remove()

    def load(self, pelican: object) -> tuple[list, object, dict[str, object]] | None:
        """The run's generators, writer and plugins' memory, taken up by ``pelican`` (a new
        Pelican object over the same settings); None when the file cannot be read."""
        try:  # millions of new objects, none of them garbage: no collection meanwhile
            with collector_off(), open(self.path, "rb") as file, _loading(pelican):
                pickle.load(file)  # the header
                size = int.from_bytes(file.read(_SIZE), "little")
                _LOADING.shelf = BodyShelf(self.path, file.tell())
                file.seek(size, os.SEEK_CUR)
                states, generators, writer, memory = pickle.load(file)
                _fill(states)
        except Exception:  # a damaged file: the build runs Pelican
            logger.debug("saved run unreadable", exc_info=True)
            return None
        gc.freeze()  # as toasoan.build.plan.run_pelican does with a run: the build keeps it to the end
        pelican.settings = generators[0].settings  # the run's settings object, as in the run
        pelican.writer = writer
        return generators, writer, memory

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """Python's cyclic garbage collector off while the block runs, then as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# ---------------------------------------------------------------------- bodies, read when asked
_SIZE = 8  # bytes of the length of the bodies part


class BodyShelf:
    """The bodies part of a run file, open for as long as the run that was loaded from it
    lives (a build saving a new run meanwhile replaces the file, not what is open)."""

    def __init__(self, path: Path, start: int) -> None:
        self.start = start
        self._file = open(path, "rb")  # noqa: SIM115 - open while the run lives, closed with it
        self._lock = threading.Lock()  # the search index reads bodies from its thread too
        weakref.finalize(self, self._file.close)

    def read(self, offset: int, size: int) -> str:
        with self._lock:  # seek and read, not os.pread: Windows has no pread
            self._file.seek(self.start + offset)
            return self._file.read(size).decode("utf-8")


class KeptBody:
    """The body of an article or page of a loaded run, where it is in the run file. It is
    the article's ``_get_content``, which Pelican asks for the body when it has one."""

    __slots__ = ("offset", "shelf", "size")

    def __init__(self, shelf: BodyShelf | None, offset: int, size: int) -> None:
        self.shelf, self.offset, self.size = shelf, offset, size

    def __call__(self) -> str:
        return self.shelf.read(self.offset, self.size)

    def __reduce__(self) -> tuple:
        return _kept_body, (self.offset, self.size)


def _kept_body(offset: int, size: int) -> KeptBody:
    return KeptBody(_LOADING.shelf, offset, size)


def _contents(generators: list) -> list:
    """The run's articles and pages, each once."""
    found: dict[int, object] = {}
    for generator in generators:
        for content in generator_contents(generator):
            found.setdefault(id(content), content)
    return list(found.values())


def _write_bodies(file, contents: list) -> dict[int, tuple[int, int]]:
    """Write the bodies of ``contents`` (length first); where each one is, by the id of its
    article or page."""
    placed: dict[int, tuple[int, int]] = {}
    start = file.tell()
    file.write(bytes(_SIZE))
    offset = 0
    for content in contents:
        if body := body_of(content):  # an empty one stays as it is
            data = body.encode("utf-8")
            file.write(data)
            placed[id(content)] = (offset, len(data))
            offset += len(data)
    file.seek(start)
    file.write(offset.to_bytes(_SIZE, "little"))
    file.seek(0, os.SEEK_END)
    return placed


# ---------------------------------------------------------------------- what stays with the process
class _RunPickler(pickle.Pickler):
    """Pickles a run; its Pelican object and Jinja objects are named, not saved, and its
    articles and pages are saved flat, without the bodies :func:`_write_bodies` wrote.

    Pickle follows references depth first, and an article links its neighbours: saved
    where it is first met, the chain of every article would be one path thousands of objects
    deep. So each article or page is saved as a *reference* (its number) wherever it is met,
    and its attributes once, in a list of their own (:meth:`states`, saved first), which
    :func:`_fill` gives back to the objects once everything is loaded.
    """

    def __init__(self, file, pelican: object, generators: list, contents: list) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._contents = contents
        numbers = {id(content): n for n, content in enumerate(contents)}
        owners = {id(g.env): type(g) for g in generators if hasattr(g, "env")}

        def environment(env: jinja2.Environment) -> tuple:
            return _environment, (owners[id(env)],)

        def template(template: jinja2.Template) -> tuple:
            return _template, (owners[id(template.environment)], template.name)

        def reference(content: object) -> tuple:
            number = numbers.get(id(content))
            if number is None:  # not one of the run's articles and pages: saved where it is met
                return copyreg.__newobj__, (type(content),), dict(vars(content))
            return _content, (number, type(content))

        self.dispatch_table = copyreg.dispatch_table.copy()
        self.dispatch_table[jinja2.Environment] = environment
        self.dispatch_table[jinja2.environment.Template] = template
        self.dispatch_table[type(pelican)] = lambda _: (_pelican, ())
        for kind in {type(content) for content in contents}:
            self.dispatch_table[kind] = reference

    def states(self, bodies: dict[int, tuple[int, int]]) -> list[dict]:
        """The attributes of each article and page, its body replaced by where it is in the file."""
        states = []
        for content in self._contents:
            state = dict(vars(content))
            where = bodies.get(id(content))
            if where is not None:
                state.pop("_content", None)
                state["_get_content"] = KeptBody(None, *where)
            states.append(state)
        return states


_LOADING = threading.local()


@contextlib.contextmanager
def _loading(pelican: object):
    _LOADING.pelican, _LOADING.environments, _LOADING.shelf, _LOADING.contents = pelican, {}, None, {}
    try:
        yield
    finally:
        _LOADING.pelican = _LOADING.environments = _LOADING.shelf = _LOADING.contents = None


def _content(number: int, kind: type) -> object:
    """Article or page ``number`` of the run being loaded: made empty when first met, its
    attributes given by :func:`_fill`."""
    found = _LOADING.contents.get(number)
    if found is None:
        found = _LOADING.contents[number] = kind.__new__(kind)
    return found


def _fill(states: list[dict]) -> None:
    """Each loaded article and page gets its attributes (the unpickled dict itself: pickle's
    memo would keep a copy alive until the whole run is loaded)."""
    for number, state in enumerate(states):
        content = _LOADING.contents.get(number)
        if content is not None:
            content.__dict__ = state


def _pelican() -> object:
    return _LOADING.pelican


def _environment(generator_class: type) -> jinja2.Environment:
    """The Jinja environment a generator of ``generator_class`` makes in this process."""
    found = _LOADING.environments.get(generator_class)
    if found is None:
        pelican = _LOADING.pelican
        generator = generator_class(context={}, settings=pelican.settings, path=pelican.path,
                                    theme=pelican.theme, output_path=pelican.output_path)
        found = _LOADING.environments[generator_class] = generator.env
    return found


def _template(generator_class: type, name: str) -> jinja2.Template:
    return _environment(generator_class).get_template(name)
