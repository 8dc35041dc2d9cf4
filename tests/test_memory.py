"""A build hands the memory it freed back to the system (toasoan.build.memory)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A heap of 60 MB freed but for one small object every 50 KB, which keeps glibc from giving
# it back by itself; the resident size in MiB after the free, then after the release.
FRAGMENTED = """
from toasoan.build.memory import release_free_memory

def resident():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))

kept, freed = [], []
for n in range(60_000):
    freed.append(bytes(1000))
    if n % 50 == 0:
        kept.append(bytes(1000))
del freed
before = resident()
release_free_memory()
print(before, resident())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux only")
def test_freed_memory_goes_back_to_the_system() -> None:
    done = subprocess.run([sys.executable, "-c", FRAGMENTED], cwd=ROOT, capture_output=True, text=True, check=True)
    before, after = map(int, done.stdout.split())
    assert before - after > 30, (before, after)
