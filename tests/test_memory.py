"""A build hands the memory it freed back to the system (toasoan.build.memory); builds,
checks and reviews load the site with the cyclic collector paused (toasoan.collector)."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from toasoan import commands
from toasoan.collector import collector_off
from toasoan.content import read_content

ROOT = Path(__file__).resolve().parents[1]

# What the snippets below share: the resident size of the process running one, in MiB, and a
# heap of 60 MB made and freed but for one small object every 50 KB (added to ``kept``),
# which keeps glibc from giving it back by itself.
RESIDENT = """
def resident():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))

def fragment(kept):
    freed = []
    for n in range(60_000):
        freed.append(bytes(1000))
        if n % 50 == 0:
            kept.append(bytes(1000))
"""

# A fragmented heap; the resident size in MiB after the free, then after the release.
FRAGMENTED = RESIDENT + """
from toasoan.build.memory import release_free_memory

kept = []
fragment(kept)
before = resident()
release_free_memory()
print(before, resident())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux only")
def test_freed_memory_goes_back_to_the_system() -> None:
    done = subprocess.run([sys.executable, "-c", FRAGMENTED], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after = map(int, done.stdout.split())
    assert before - after > 30, (before, after)


# Large blocks freed between small ones that stay: glibc, having raised its mapping
# threshold once a 4 MB block was freed, takes the 2 MB blocks from the heap, where they
# stay resident once freed. The resident size in MiB the freed blocks still hold.
LARGE_BLOCKS = RESIDENT + """
import sys
from toasoan.build.memory import map_large_blocks

if sys.argv[1] == "mapped":
    map_large_blocks()
first = b"x" * (4 << 20)
del first
start = resident()
kept, blocks = [], []
for n in range(30):
    blocks.append(b"x" * (2 << 20))
    kept.append(bytes(1000))
del blocks
print(resident() - start)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_large_blocks_freed_go_back_to_the_system_at_once() -> None:
    held = {}
    for how in ("mapped", "default"):
        done = subprocess.run([sys.executable, "-c", LARGE_BLOCKS, how], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        held[how] = int(done.stdout)
    assert held["default"] > 40 and held["mapped"] < 10, held  # 60 MB of blocks freed either way


# Work beside the pages that leaves its temporaries freed between objects that stay (as the
# tracker's exports do), run as the pages begin; the resident size in MiB after it.
BESIDE = RESIDENT + """
import sys
from pathlib import Path
from toasoan.build.run import BuildRun

kept = []

def exports():
    fragment(kept)

run = BuildRun.writing_all(Path(sys.argv[2]))
start = resident()
if sys.argv[1] == "beside":
    run.when_pages_begin(exports)
    run.pages_begin()
else:
    exports()
print(resident() - start)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux only")
def test_what_the_work_beside_the_pages_freed_goes_back_before_the_pages(tmp_path: Path) -> None:
    held = {}
    for how in ("beside", "alone"):
        done = subprocess.run([sys.executable, "-c", BESIDE, how, str(tmp_path)], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        held[how] = int(done.stdout)
    assert held["alone"] > 30 and held["beside"] < 10, held  # 60 MB made and freed either way


# A build of the sample site, its pages rendered in this process with the collector off (as
# `invoke build` runs), the writer releasing its garbage after every page or never; once the
# pages are written, the objects in reference cycles left unreachable (a page whose
# templates define macros leaves its Jinja context in one: the context holds the macros,
# which hold it).
PAGE_CYCLES = """
import gc, os, sys
gc.disable()
from pelican import signals
from toasoan.build import writer
from toasoan.build.plan import build_site

writer.TRIM_EVERY = 1
if sys.argv[1] == "never":
    writer.release_page_garbage = lambda: None
left = []
signals.finalized.connect(lambda pelican: left.append(gc.collect()), weak=False)
os.chdir(sys.argv[2])
result = build_site("pelicanconf.py", incremental=False, RENDER_PROCESSES=1)
assert result.ok, result
print(*left)
"""


def test_the_cycles_a_page_leaves_are_freed_as_the_pages_go(sample_project) -> None:
    left = {}
    for how in ("each page", "never"):
        done = subprocess.run([sys.executable, "-c", PAGE_CYCLES, how, str(sample_project.root)], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        left[how] = int(done.stdout.split()[-1])
    assert left["each page"] * 10 < left["never"], left


def test_a_page_goes_to_its_file_as_its_template_makes_it(sample_project, monkeypatch) -> None:
    """No page is held whole (``/tracker/`` at 5 000 articles is 3.5 MB of HTML, and its
    pieces more): by the time a page's template has made its last piece, all but the write
    buffer's worth of the page is already in its file."""
    from toasoan.build.plan import build_site
    from toasoan.build.run import run_of

    in_file: dict[str, int] = {}  # page → bytes in its file when its template made its last piece
    made = jinja2.Template.generate

    def generate(template, context):
        yield from made(template, context)
        target = run_of(context).ledger.staging / context["output_file"]
        in_file[context["output_file"]] = target.stat().st_size if target.exists() else 0

    monkeypatch.setattr(jinja2.Template, "generate", generate)
    monkeypatch.chdir(sample_project.root)
    result = build_site("pelicanconf.py", incremental=False, RENDER_PROCESSES=1)
    assert result.ok, result
    whole = {page: (sample_project.output / page).stat().st_size for page in in_file}
    large = {page: (written, whole[page]) for page, written in in_file.items() if whole[page] > 32_768}
    assert "tracker/index.html" in large, sorted(in_file)
    assert all(written >= whole - 16_384 for written, whole in large.values()), large


def test_the_collector_is_paused_and_left_as_it_was() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_off():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()  # on again, even when the block failed
    gc.disable()
    try:
        with collector_off():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def test_check_reads_the_content_with_the_collector_off(sample_project, monkeypatch) -> None:
    seen = []

    def reading(rules):
        seen.append(gc.isenabled())
        return read_content(rules)

    monkeypatch.setattr(commands, "read_content", reading)
    monkeypatch.chdir(sample_project.root)
    assert commands.check() == 0
    assert seen == [False]
    assert gc.isenabled()
