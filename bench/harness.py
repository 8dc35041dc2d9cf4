"""Benchmark Tòa soạn against stock Pelican on generated corpora: ``invoke bench``.

For each size the harness writes a corpus (:mod:`bench.corpus`) into a throwaway newsroom
repository (``site/``: the project's real ``pelicanconf.py``, ``content/``, ``editorial/``,
the theme and plugins linked in, one git commit on ``main`` and a branch that edits one
article) and a stock site (``stock/``: Pelican 4.12 + ``pelican-yaml-metadata`` + Pelican's
default theme, with a minimal settings file written here). Every build runs in a fresh
subprocess, measured with ``os.wait4`` (wall time, CPU time, peak RSS). Stock and Tòa soạn
alternate within each run, so both see the same machine load; medians go to RESULTS.md.

Measures: cold build (no output, no cache) — against stock Pelican alone and against stock
Pelican followed by the Pagefind CLI on its output (what a Pelican user runs for the same
result: a site with search) —, no-change rebuild, one-article-edit rebuild
(stock with ``CACHE_CONTENT``/``LOAD_CONTENT_CACHE`` on and its cache primed),
``invoke check`` of the whole corpus and ``invoke review`` of the one-article branch; and,
after each cold build, the two parts of it :mod:`bench.floor` times alone (Pagefind's
indexing, Python-Markdown), from which the report gives the cold build's lower bound.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.corpus import DEFAULT_SEED, Corpus, generate
from toasoan.content import shared_cache

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_WORKDIR = REPO / "bench" / "corpus"
DEFAULT_RESULTS = REPO / "bench" / "RESULTS.md"
HISTORY_MARK = "<!-- history: kept by the harness, written by people -->"
REVIEW_BRANCH = "gui-duyet/bench-sua-mot-bai"
TRASH = ".trash"  # under the workdir: what the bench is done with, deleted when it ends
STOCK, TOASOAN = "stock", "toasoan"
TOOLS = {STOCK: "Pelican 4.12 gốc + pelican-yaml-metadata", TOASOAN: "Tòa soạn"}

# What each measure is called in RESULTS.md, and its target (ratio to stock, or seconds).
MEASURES = {
    "cold": ("Dựng lần đầu (cold build)", "≤ 1.0×"),
    "cold_search": ("Dựng lần đầu có tìm kiếm: Pelican gốc rồi Pagefind CLI trên output của nó "
                    "(Tòa soạn: như dòng trên)", "≤ 0.5×"),
    "primed": ("Dựng lần đầu, bật cache của Pelican", ""),
    "nochange": ("Dựng lại, không đổi gì", ""),
    "edit": ("Dựng lại sau khi sửa một bài (`invoke build`, tiến trình mới)", "≤ 0.15×"),
    "edit_preview": ("Sửa thân một bài khi đang xem trước (`invoke livereload`, tiến trình thường trú)",
                     "< 1 s"),
    "check": ("`invoke check` toàn bộ kho", ""),
    "review": ("`invoke review` nhánh sửa một bài, sau `invoke check`", "≤ 2 s"),
    "review_cold": ("`invoke review` nhánh sửa một bài, chưa có bộ nhớ đệm", ""),
    "search_alone": ("Chỉ lập chỉ mục tìm kiếm (Pagefind, bản ghi của lần dựng đầu, không gì chạy bên cạnh)", ""),
    "markdown_alone": ("Chỉ chuyển Markdown (Python-Markdown, thân mọi tệp nội dung)", ""),
}
# Parts of a cold build timed alone (bench/floor.py) after each cold build.
FLOOR_PARTS = {"search_alone": "search", "markdown_alone": "markdown"}

# The builds both tools make: the peak RSS of each is compared, against this target.
BUILDS = {"cold": "≤ 1.5×", "nochange": "≤ 1×", "edit": "≤ 1×", "edit_preview": "≤ 1×"}
# The build machinery whose size RESULTS.md reports (issue 27: its line count before and after).
MACHINERY = ("toasoan/build", "plugins/incremental")
PREVIEW_EDITS = 3  # body edits measured in each resident process

STOCK_SETTINGS = '''"""Stock Pelican + pelican-yaml-metadata, default theme (written by bench/harness.py)."""
AUTHOR = "Ban biên tập"
SITENAME = "Trang thông tin điện tử Học viện Dân tộc"
SITEURL = ""
PATH = {path!r}
OUTPUT_PATH = "output"
CACHE_PATH = "cache"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
ARTICLE_PATHS = ["articles", "meetings"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
PLUGINS = ["yaml_metadata"]
RELATIVE_URLS = True
CACHE_CONTENT = {cache}
LOAD_CONTENT_CACHE = {cache}
# The same pages as Tòa soạn writes: its URLs, pagination and feed choices.
{shared}
'''
# Settings copied from the project's pelicanconf.py into the stock settings.
SHARED_SETTINGS = ("ARTICLE_URL", "ARTICLE_SAVE_AS", "PAGE_URL", "PAGE_SAVE_AS", "CATEGORY_URL",
                   "CATEGORY_SAVE_AS", "TAG_URL", "TAG_SAVE_AS", "AUTHOR_URL", "AUTHOR_SAVE_AS",
                   "DEFAULT_PAGINATION", "FEED_ALL_ATOM", "CATEGORY_FEED_ATOM",
                   "TRANSLATION_FEED_ATOM", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "FEED_ALL_RSS",
                   "CATEGORY_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS", "FEED_MAX_ITEMS")


class BenchError(Exception):
    """A measured command failed; the message names its log file."""


@dataclass(frozen=True)
class Sample:
    """One measured subprocess."""

    wall: float  # seconds
    cpu: float  # user + system seconds
    rss: float  # peak resident set size, MiB


def compile_project(root: Path = REPO) -> None:
    """Byte-compile Tòa soạn's own Python, as pip did stock Pelican's when it installed it.

    The builds run with ``PYTHONDONTWRITEBYTECODE`` (nothing is written beside the sources
    while they are measured), and Python only reads bytecode that exists: without this, each
    build of ours would compile its ≈ 70 modules again (≈ 0.08 s), which no user's second
    build does.
    """
    import compileall

    for folder in ("toasoan", "plugins", "bench"):
        compileall.compile_dir(root / folder, quiet=1)
    compileall.compile_file(root / "tasks.py", quiet=1)


def measure(command: Sequence[str], cwd: Path, log: Path, ok_codes: tuple[int, ...] = (0,)) -> Sample:
    """Run ``command`` to completion in a fresh process; its output goes to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in ok_codes:
        raise BenchError(f"{' '.join(command)} → mã thoát {code}; xem {log}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True)


def review_available() -> bool:
    """``invoke review`` exists in tasks.py and its package is importable."""
    return "def review(" in (REPO / "tasks.py").read_text(encoding="utf-8") and \
        importlib.util.find_spec("toasoan.editorial.cli") is not None


def shared_settings() -> str:
    from toasoan.build.plan import load_settings

    ours = load_settings(REPO / "pelicanconf.py")
    return "\n".join(f"{name} = {ours[name]!r}" for name in SHARED_SETTINGS if name in ours)


class Trash:
    """Folders the bench is done with, moved aside now and deleted when the bench ends.

    On ext4 without a journal (the bench machine's disk), making a file checks the inodes
    freed in the last few minutes (the kernel's ``recently_deleted``). A build that starts
    right after thousands of files were deleted spends seconds of system time creating its
    own: a cold build at 5 000 articles took 23–27 s after ``rm -rf`` of the last output,
    20.4–21 s after moving it aside. Moving is a rename; no measure follows a deletion.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def discard(self, path: Path) -> None:
        """Move ``path`` (if it exists) into the trash; delete it at once on another disk."""
        if not path.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            path.rename(self.folder / f"{len(list(self.folder.iterdir()))}-{path.name}")
        except OSError:
            shutil.rmtree(path, ignore_errors=True)

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Bench:
    """One corpus size: the newsroom repository, the stock site and their measured commands."""

    def __init__(self, workdir: Path, size: int, trash: Trash, seed: int = DEFAULT_SEED,
                 without: Sequence[str] = ()) -> None:
        self.size = size
        self.without = tuple(without)
        self.root = workdir / f"n{size}"
        self.site = self.root / "site"
        self.stock = self.root / "stock"
        self.logs = self.root / "logs"
        self.seed = seed
        self.corpus: Corpus | None = None
        self.pristine = b""
        self.trash = trash  # where what it clears goes (the bench's, emptied when it ends)

    # ---------------------------------------------------------------- setup
    def prepare(self, with_review: bool) -> None:
        self.trash.discard(self.root)
        self.site.mkdir(parents=True)
        self.corpus = generate(self.site / "content", self.size, self.seed)
        settings = (REPO / "pelicanconf.py").read_text(encoding="utf-8")
        if self.without:  # measure the site without some plugins (e.g. to see what one costs)
            settings += f"\nPLUGINS = [p for p in PLUGINS if p not in {self.without!r}]\n"
        (self.site / "pelicanconf.py").write_text(settings, encoding="utf-8")
        for name in ("theme", "plugins"):
            (self.site / name).symlink_to(REPO / name, target_is_directory=True)
        (self.site / ".gitignore").write_text("output/\n.output-*/\n.cache/\ntheme\nplugins\n", encoding="utf-8")
        if (REPO / "editorial").is_dir():
            shutil.copytree(REPO / "editorial", self.site / "editorial")
        self.pristine = self.target.read_bytes()
        if with_review:
            _git(self.site, "init", "-q", "-b", "main")
            _git(self.site, "add", "-A")
            _git(self.site, "commit", "-q", "-m", "Kho bài viết để đo hiệu năng")
            _git(self.site, "checkout", "-q", "-b", REVIEW_BRANCH)
            self.edit(0)
            _git(self.site, "commit", "-q", "-am", "Sửa một câu trong một bài")
            _git(self.site, "checkout", "-q", "main")
        self.stock.mkdir(parents=True)
        for name, cache in (("stockconf.py", True), ("stockconf_nocache.py", False)):
            (self.stock / name).write_text(STOCK_SETTINGS.format(
                path=str(self.site / "content"), cache=cache, shared=shared_settings()), encoding="utf-8")

    @property
    def target(self) -> Path:
        assert self.corpus is not None
        return self.site / "content" / self.corpus.edit_target

    def edit(self, number: int) -> None:
        """A writer's edit: one more sentence at the end of one article's body."""
        self.target.write_bytes(self.pristine + f"\nBài viết được bổ sung thông tin lần {number + 1}.\n"
                                .encode())

    def restore(self) -> None:
        self.target.write_bytes(self.pristine)

    # ---------------------------------------------------------------- commands
    def stock_build(self, cache: bool, name: str) -> Sample:
        conf = "stockconf.py" if cache else "stockconf_nocache.py"
        sample = measure([str(VENV_BIN / "pelican"), "-s", conf], self.stock, self.logs / f"stock-{name}.log")
        _expect_site(self.stock / "output")
        return sample

    def stock_search(self) -> Sample:
        """The Pagefind CLI over stock Pelican's output, as a Pelican user adds search."""
        from pagefind_bin import get_executable

        sample = measure([str(get_executable()), "--site", "output"], self.stock,
                         self.logs / "stock-pagefind.log")
        if not (self.stock / "output" / "pagefind" / "pagefind.js").is_file():
            raise BenchError(f"Pagefind CLI không ghi output/pagefind; xem {self.logs / 'stock-pagefind.log'}")
        return sample

    def clean_stock(self) -> None:
        for name in ("output", "cache"):
            self.trash.discard(self.stock / name)

    def invoke(self, name: str, *args: str, ok_codes: tuple[int, ...] = (0,)) -> Sample:
        return measure([str(VENV_BIN / "invoke"), "-r", str(REPO), *args], self.site,
                       self.logs / f"toasoan-{name}.log", ok_codes)

    def toasoan_build(self, name: str) -> Sample:
        sample = self.invoke(name, "build")
        _expect_site(self.site / "output")
        return sample

    def clean_toasoan(self) -> None:
        for name in ("output", ".cache"):
            self.trash.discard(self.site / name)

    def preview(self, tool: str) -> list[Sample]:
        """Body edits of the edited article in one resident process (bench/preview.py): a
        Tòa soạn preview session, or stock Pelican running again as ``--autoreload`` does."""
        log = self.logs / f"{tool}-preview.log"
        arguments = [tool, str(self.target), str(PREVIEW_EDITS), *(["stockconf.py"] if tool == STOCK else [])]
        code, lines = _run_bench_module("bench.preview", arguments, self.stock if tool == STOCK else self.site, log)
        patched = tool == STOCK or all(x["patched"] for x in lines)
        if code != 0 or len(lines) != PREVIEW_EDITS or not patched:
            raise BenchError(f"xem trước ({tool}): mã thoát {code} hoặc không vá được bài sửa; xem {log}")
        return [Sample(x["wall"], x["cpu"], x["rss"]) for x in lines]

    def floor(self, part: str) -> Sample:
        """One part of the cold build just made, timed alone (:mod:`bench.floor`)."""
        log = self.logs / f"toasoan-floor-{part}.log"
        code, lines = _run_bench_module("bench.floor", [part], self.site, log)
        if code != 0 or len(lines) != 1 or not lines[0]["count"]:
            raise BenchError(f"đo riêng {part}: mã thoát {code}; xem {log}")
        return Sample(lines[0]["wall"], lines[0]["cpu"], lines[0]["rss"])

    def check(self) -> Sample:
        return self.invoke("check", "check")  # exit 0: the generated corpus has no error

    def review(self, cold: bool = False) -> Sample:
        """``invoke review`` of the one-article branch: after ``invoke check`` has filled the
        parse cache the two share, or (``cold``) with that cache removed first."""
        name = "review_cold" if cold else "review"
        if cold:
            self.trash.discard(shared_cache(self.site / ".git"))
        # Exit 1 is expected: nobody approved the branch; a crash would print a traceback.
        sample = self.invoke(name, "review", REVIEW_BRANCH, ok_codes=(0, 1))
        text = (self.logs / f"toasoan-{name}.log").read_text(encoding="utf-8")
        if "Traceback" in text or self.corpus.edit_target not in text:  # type: ignore[union-attr]
            raise BenchError(f"invoke review không nêu bài đã sửa; xem {self.logs / 'toasoan-review.log'}")
        return sample


def chained(*samples: Sample) -> Sample:
    """Commands run one after the other: their times add up, the peak RSS is the largest."""
    return Sample(sum(s.wall for s in samples), sum(s.cpu for s in samples), max(s.rss for s in samples))


def machinery_lines(root: Path = REPO) -> int:
    """Lines of the build machinery's Python (:data:`MACHINERY`), tests beside it excluded."""
    files = [f for folder in MACHINERY for f in (root / folder).rglob("*.py") if not f.name.startswith("test_")]
    return sum(len(f.read_text(encoding="utf-8").splitlines()) for f in files)


def _run_bench_module(module: str, arguments: list[str], cwd: Path, log: Path) -> tuple[int, list[dict]]:
    """Run ``python -m <module>`` in ``cwd``, its output into ``log``: its exit code and the
    JSON lines it printed (each one measurement it made of itself)."""
    done = subprocess.run([sys.executable, "-m", module, *arguments], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    log.write_text(done.stdout + done.stderr, encoding="utf-8")
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _expect_site(output: Path) -> None:
    if not (output / "index.html").is_file():
        raise BenchError(f"{output}/index.html không được ghi")


@dataclass
class SizeResult:
    size: int
    samples: dict[str, dict[str, list[Sample]]] = field(default_factory=dict)  # measure → tool → runs
    notes: list[str] = field(default_factory=list)

    def add(self, measure_name: str, tool: str, sample: Sample) -> None:
        self.samples.setdefault(measure_name, {}).setdefault(tool, []).append(sample)

    def median(self, measure_name: str, tool: str, attr: str = "wall") -> float | None:
        runs = self.samples.get(measure_name, {}).get(tool)
        return statistics.median(getattr(s, attr) for s in runs) if runs else None

    def cold_floor(self, cores: int) -> float | None:
        """The least wall time a cold build of this site can take on ``cores`` cores: the CPU
        of what it cannot leave out — Pagefind's indexing and Python-Markdown, timed alone,
        and what stock Pelican spends rendering every page again from its cache — all cores
        busy throughout. Our theme, plugins, tracker and checks count for nothing here."""
        parts = [self.median(name, TOASOAN, "cpu") for name in FLOOR_PARTS]
        parts.append(self.median("nochange", STOCK, "cpu"))
        return None if None in parts else sum(parts) / cores  # type: ignore[arg-type]


def run_size(bench: Bench, runs: int, with_review: bool, progress: Callable[[str], None]) -> SizeResult:
    """Alternate stock and Tòa soạn on every measure, ``runs`` times."""
    result = SizeResult(bench.size)
    if not with_review:
        result.notes.append("`invoke review` chưa có trong tasks.py lúc đo: không đo.")

    def both(name: str, stock: Callable[[], Sample], ours: Callable[[], Sample], flip: bool) -> None:
        order = [(TOASOAN, ours), (STOCK, stock)] if flip else [(STOCK, stock), (TOASOAN, ours)]
        for tool, action in order:
            sample = action()
            result.add(name, tool, sample)
            progress(f"  n={bench.size} {name:<8} {tool:<8} {sample.wall:7.2f} s  cpu {sample.cpu:7.2f} s  "
                     f"rss {sample.rss:6.0f} MiB")

    for run in range(runs):
        flip = run % 2 == 1
        bench.restore()
        bench.clean_stock()
        bench.clean_toasoan()
        both("cold", lambda: bench.stock_build(False, "cold"), lambda: bench.toasoan_build("cold"), flip)
        result.add("cold_search", STOCK, chained(result.samples["cold"][STOCK][-1], bench.stock_search()))
        result.add("cold_search", TOASOAN, result.samples["cold"][TOASOAN][-1])
        for name, part in FLOOR_PARTS.items():
            result.add(name, TOASOAN, bench.floor(part))
        sample = bench.stock_build(True, "primed")
        result.add("primed", STOCK, sample)
        both("nochange", lambda: bench.stock_build(True, "nochange"), lambda: bench.toasoan_build("nochange"), flip)
        bench.edit(run)
        both("edit", lambda: bench.stock_build(True, "edit"), lambda: bench.toasoan_build("edit"), flip)
        for tool in ([TOASOAN, STOCK] if flip else [STOCK, TOASOAN]):
            for sample in bench.preview(tool):
                result.add("edit_preview", tool, sample)
            progress(f"  n={bench.size} preview  {tool:<8} {result.median('edit_preview', tool):7.2f} s (trung vị)")
        result.add("check", TOASOAN, bench.check())
        if with_review:
            try:
                result.add("review", TOASOAN, bench.review())
                result.add("review_cold", TOASOAN, bench.review(cold=True))
            except BenchError as error:  # the review is someone else's work in progress
                result.notes.append(f"`invoke review` không đo được: {error}")
                with_review = False
    bench.restore()
    return result


# --------------------------------------------------------------------------- report
def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")), 0)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True, check=False).stdout.strip()
    return {
        "Ngày đo": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "CPU": f"{cpu} × {os.cpu_count()} (nproc)",
        "RAM": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "Hệ điều hành": platform.platform(),
        "Python": platform.python_version(),
        "Pelican": importlib.metadata.version("pelican"),
        "pelican-yaml-metadata": importlib.metadata.version("pelican-yaml-metadata"),
        "PyYAML (libyaml)": f"{importlib.metadata.version('pyyaml')} "
                            f"({'có' if _has_libyaml() else 'không'} libyaml)",
        "Commit của Tòa soạn": commit or "?",
        "Số dòng của bộ máy dựng": f"{machinery_lines()} ({', '.join(MACHINERY)}, không kể test)",
        "Pagefind": importlib.metadata.version("pagefind_bin"),
        "Tải máy (load average 1/5/15 phút) lúc bắt đầu": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _has_libyaml() -> bool:
    import yaml

    return hasattr(yaml, "CSafeLoader")


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _cell(wall: float | None, cpu: float | None) -> str:
    return "—" if wall is None else f"{wall:.2f} ({_seconds(cpu)})"


def _ratio(ours: float | None, stock: float | None) -> str:
    return "—" if ours is None or stock is None or stock == 0 else f"{ours / stock:.3f}×"


def size_table(result: SizeResult, runs: int, cores: int) -> list[str]:
    lines = [f"### {result.size:,} bài".replace(",", " "), "",
             f"Trung vị của {runs} lần chạy xen kẽ; thời gian thực (wall), trong ngoặc là thời gian CPU.", "",
             "| Phép đo | Pelican gốc (s) | Tòa soạn (s) | Tỉ lệ wall (CPU) | Mục tiêu |",
             "|---|---:|---:|---:|---|"]
    for key, (label, target) in MEASURES.items():
        if key not in result.samples:
            continue
        stock_w, ours_w = result.median(key, STOCK), result.median(key, TOASOAN)
        stock_c, ours_c = result.median(key, STOCK, "cpu"), result.median(key, TOASOAN, "cpu")
        ratio = _ratio(ours_w, stock_w)
        if ratio != "—":
            ratio += f" ({_ratio(ours_c, stock_c)})"
        lines.append(f"| {label} | {_cell(stock_w, stock_c)} | {_cell(ours_w, ours_c)} | {ratio} | {target} |")
    if (floor := result.cold_floor(cores)) is not None:
        lines.append(f"| Giới hạn dưới của dựng lần đầu trên máy này: CPU của hai dòng trên và của Pelican gốc "
                     f"dựng lại không đổi, chia cho {cores} nhân | — | {floor:.2f} | "
                     f"{_ratio(floor, result.median('cold', STOCK))}; so với Pelican gốc + Pagefind: "
                     f"{_ratio(floor, result.median('cold_search', STOCK))} | |")
    for key, target in BUILDS.items():  # peak RSS of each build, for each tool (the largest of its runs)
        if key in result.samples:
            stock_rss, ours_rss = (max(s.rss for s in result.samples[key][tool]) for tool in (STOCK, TOASOAN))
            build = MEASURES[key][0]
            lines.append(f"| RSS đỉnh (MiB): {build[:1].lower()}{build[1:]} | "
                         f"{stock_rss:.0f} | {ours_rss:.0f} | {_ratio(ours_rss, stock_rss)} | {target} |")
    lines += [f"- {note}" for note in result.notes]
    return [*lines, ""]


def scaling_table(results: list[SizeResult]) -> list[str]:
    lines = ["### Tăng theo số bài (ms mỗi bài, dựng lần đầu, wall)", "",
             "| Số bài | Pelican gốc | Tòa soạn |", "|---:|---:|---:|"]
    for result in results:
        cells = [f"{(result.median('cold', tool) or 0) * 1000 / result.size:.2f}" for tool in (STOCK, TOASOAN)]
        lines.append(f"| {result.size} | {cells[0]} | {cells[1]} |")
    return [*lines, ""]


def report(results: list[SizeResult], runs: int, info: dict[str, str], elapsed: float,
           without: Sequence[str] = ()) -> str:
    plugins = f" trừ plugin {', '.join(without)}" if without else ""
    lines = ["# Kết quả đo hiệu năng (bench/RESULTS.md)", "",
             "Sinh bởi `invoke bench` (bench/harness.py); phần dưới dấu lịch sử do người viết.", "",
             "## Máy đo", "", *(f"- **{k}**: {v}" for k, v in info.items()),
             f"- **Thời gian chạy bench**: {elapsed / 60:.1f} phút", "",
             "## Cách đo", "",
             f"- (a) {TOOLS[STOCK]} với giao diện mặc định, tệp cấu hình tối thiểu do harness viết "
             "(cùng URL, phân trang và lựa chọn feed như pelicanconf.py); (b) Tòa soạn: `invoke build` "
             f"với pelicanconf.py thật của dự án{plugins}.",
             "- Mỗi lần dựng là một tiến trình mới; đo bằng `os.wait4` (thời gian thực, CPU, RSS đỉnh).",
             "- Mã Python của Tòa soạn (toasoan/, plugins/) được biên dịch sẵn thành bytecode trước khi đo, "
             "như pip đã làm với Pelican gốc khi cài; các lần dựng chạy với `PYTHONDONTWRITEBYTECODE=1`.",
             "- Lần đầu: không có output/ và cache (chuyển sang thư mục rác, chỉ xoá khi bench kết thúc: trên "
             "ext4 không có journal, tạo tệp ngay sau khi xoá hàng nghìn tệp tốn thêm hàng giây CPU hệ thống). "
             "Pelican gốc dựng lần đầu khi tắt cache; sau đó một lần "
             "\"bật cache\" để nạp cache (`CACHE_CONTENT`, `LOAD_CONTENT_CACHE`), rồi mới đo dựng lại.",
             "- Dựng lần đầu có tìm kiếm: Pelican gốc không lập chỉ mục tìm kiếm; người dùng Pelican có "
             "tìm kiếm như trang này chạy thêm Pagefind CLI (`pagefind --site output`) sau khi dựng. Dòng "
             "này cộng thời gian của hai lệnh (RSS đỉnh: lệnh lớn hơn) và so với một lần dựng lần đầu của "
             "Tòa soạn, vốn đã lập chỉ mục.",
             "- Sửa một bài: thêm một câu vào cuối thân một bài viết ở giữa kho.",
             f"- Xem trước: một tiến trình thường trú dựng một lần rồi đo {PREVIEW_EDITS} lần sửa thân bài "
             "đó (bench/preview.py): Tòa soạn bằng `BuildSession` như `invoke livereload` (lần dựng đầu "
             "chạy Pelican, không phải vẽ lại trang nào sau `invoke build`, và giữ lần chạy đó trong bộ nhớ; "
             "các lần sửa được vá vào nó), Pelican gốc chạy lại `Pelican.run()` trong cùng tiến trình, có cache (như "
             "`pelican --autoreload`).",
             "- Trong mỗi lần chạy, hai công cụ chạy xen kẽ (đảo thứ tự ở lần chạy chẵn).",
             "- Sau mỗi lần dựng lần đầu, hai phần của nó được đo riêng, mỗi phần một tiến trình (bench/floor.py): "
             "Pagefind lập chỉ mục lại mọi bản ghi mà lần dựng đã lưu, và Python-Markdown chuyển thân mọi tệp. "
             "Lần dựng nào của trang này cũng phải làm hai việc đó, và phải vẽ các trang bằng Pelican "
             "(ít nhất là phần Pelican gốc làm khi dựng lại không đổi). Cộng CPU của ba việc, chia cho số nhân, "
             "là giới hạn dưới của dựng lần đầu trên máy này, dù giao diện, plugin và trang theo dõi không tốn gì.", "",
             "## Số liệu", "", *(line for r in results for line in size_table(r, runs, os.cpu_count() or 1)),
             *scaling_table(results)]
    return "\n".join(lines) + "\n"


def write_results(path: Path, text: str) -> None:
    """Replace the generated part of RESULTS.md, keep the history below the mark."""
    history = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if HISTORY_MARK in old:
            history = old[old.index(HISTORY_MARK):]
    path.write_text(text + "\n" + (history or HISTORY_MARK + "\n"), encoding="utf-8")


def run_bench(sizes: Sequence[int], runs: int, workdir: Path = DEFAULT_WORKDIR,
              results_file: Path | None = DEFAULT_RESULTS, progress: Callable[[str], None] = print,
              seed: int = DEFAULT_SEED, without: Sequence[str] = ()) -> list[SizeResult]:
    """Measure every size; write RESULTS.md (when ``results_file``) and a JSON dump in ``workdir``."""
    started = time.perf_counter()
    info = machine()
    compile_project()
    with_review = review_available()
    results = []
    trash = Trash(workdir / TRASH)
    try:
        for size in sizes:
            progress(f"n={size}: sinh kho bài viết…")
            bench = Bench(workdir, size, trash, seed, without)
            bench.prepare(with_review)
            results.append(run_size(bench, runs, with_review, progress))
    finally:
        trash.empty()
    info["Tải máy lúc kết thúc"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(results, runs, info, time.perf_counter() - started, without)
    (workdir / "results.json").write_text(json.dumps(
        {"machine": info, "runs": runs, "results": [
            {"size": r.size, "notes": r.notes, "samples": {m: {t: [asdict(s) for s in ss] for t, ss in tools.items()}
                                                           for m, tools in r.samples.items()}}
            for r in results]}, ensure_ascii=False, indent=1), encoding="utf-8")
    if results_file:
        write_results(results_file, text)
    return results


# What the bench runs beside Tòa soạn's own dependencies: stock Pelican's YAML front matter
# and the Pagefind CLI (script/bootstrap --test installs both).
BENCH_PACKAGES = ("pelican-yaml-metadata", "pagefind_bin")


def missing_packages(names: Sequence[str]) -> list[str]:
    """The packages among ``names`` that are not installed."""
    missing = []
    for name in names:
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def parse_sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in str(text).split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Đo Tòa soạn so với Pelican gốc.")
    parser.add_argument("--sizes", default="1000,5000", help="số bài, cách nhau bằng dấu phẩy (20000: chạy lâu)")
    parser.add_argument("--runs", type=int, default=3, help="số lần chạy mỗi cỡ")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_RESULTS, help="tệp kết quả (RESULTS.md)")
    parser.add_argument("--without", default="", help="bỏ các plugin này khỏi Tòa soạn khi đo (phẩy)")
    args = parser.parse_args(argv)
    without = [name.strip() for name in args.without.split(",") if name.strip()]
    if missing := missing_packages(BENCH_PACKAGES):
        print(f"Thiếu gói để đo: {', '.join(missing)}. Hãy chạy script/bootstrap --test (cài các công cụ "
              "đo và kiểm thử) rồi chạy lại invoke bench.", file=sys.stderr)
        return 2
    try:
        run_bench(parse_sizes(args.sizes), args.runs, args.workdir, args.out, without=without)
    except BenchError as error:
        print(f"Đo thất bại: {error}", file=sys.stderr)
        return 1
    print(f"Đã ghi {args.out}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
