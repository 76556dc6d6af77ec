"""glibc's mmap threshold: once fixed, a large block freed does not send later large blocks
into the heap (where, freed, they would stay). In a fresh process each: the setting is global."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.platform import heap

ROOT = Path(__file__).resolve().parents[2]

# Frees a mapped 8 MiB block, which raises glibc's threshold to 8 MiB unless it is fixed,
# then asks for 1 MiB: mapped (reported in mallinfo2's hblkhd) or taken from the heap.
PROBE = r"""
import ctypes, sys
from kiosk.platform import heap

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
libc.mallinfo2.restype = MallInfo2

def mapped_after_a_big_free():
    libc.free(libc.malloc(8 << 20))
    before = libc.mallinfo2().hblkhd
    block = libc.malloc(1 << 20)
    mapped = libc.mallinfo2().hblkhd - before >= 1 << 20
    libc.free(block)
    return mapped

fixed = heap.keep_large_blocks_mapped() if sys.argv[1] == "fix" else None
print(fixed, mapped_after_a_big_free())
"""


def probe(mode: str, **env: str) -> tuple[str, str]:
    environ = {k: v for k, v in os.environ.items()
               if k not in heap.TUNING_ENV and k != "GLIBC_TUNABLES"}
    result = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=ROOT, text=True,
                            capture_output=True, timeout=60, env={**environ, **env})
    assert result.returncode == 0, result.stderr
    fixed, mapped = result.stdout.split()
    return fixed, mapped


pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
    reason="glibc only")


def test_glibc_moves_large_blocks_into_the_heap_once_a_larger_one_is_freed():
    assert probe("leave") == ("None", "False")


def test_a_fixed_threshold_keeps_large_blocks_mapped():
    assert probe("fix") == ("True", "True")


def test_the_environment_s_own_tuning_is_left_alone():
    assert probe("fix", MALLOC_ARENA_MAX="2") == ("True", "True")  # not a threshold
    assert probe("fix", MALLOC_TRIM_THRESHOLD_="1048576")[0] == "False"
    assert probe("fix", GLIBC_TUNABLES="glibc.malloc.mmap_threshold=65536")[0] == "False"
    assert heap.tuned_by_environment({"MALLOC_MMAP_THRESHOLD_": "131072"})
    assert not heap.tuned_by_environment({"GLIBC_TUNABLES": "glibc.rtld.nns=4"})
