"""glibc's heap under libVLC: keep large blocks in mappings of their own (Linux only).

glibc serves a request of at least its mmap threshold (128 KiB at start) with a mapping of
its own, which goes back to the system when freed. But that threshold is dynamic: whenever a
mapped block larger than it is freed, glibc raises it to that block's size (up to 32 MiB)
and its trim threshold to twice that, so from then on blocks of that size come from the heap
arenas, and once freed they stay there as free memory of the process.

libVLC allocates its decoder's and video output's picture pools (about 45 MB for a 720p
stream, plus the kiosk's own frame buffers) afresh for every media player, and the player
starts a fresh one for every attempt to play (kiosk.player.vlcplayer). Measured with
bench/reconnects.py on a 720p loopback stream: once the first attempt had freed its
pictures, every later attempt's pools landed in the arenas of libVLC's threads; with the
live memory flat (87 MB), the arenas held 50-200 MB more free memory, so the resident size
swung and climbed by up to 200 MB over 60 reconnects, and crept up by 14 MB in three minutes
of steady playback. Setting the threshold explicitly turns the adjustment off (mallopt(3)):
with it fixed at glibc's own starting value, big blocks stay mapped and are returned when
freed, the resident size stayed within a few MB over the same reconnects, and playback cost
no more CPU (a few hundred more page faults a second).

Windows' and macOS's allocators already hand large blocks back to the system; nothing to do
there. Left alone too when the environment tunes glibc's malloc itself.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Mapping

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # <malloc.h>
MMAP_THRESHOLD = 128 * 1024  # glibc's starting value, now kept
# Environment that tunes glibc's malloc: the host's choice wins.
TUNING_ENV = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_",
              "MALLOC_MMAP_MAX_")


def tuned_by_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """True when the environment sets glibc's malloc thresholds itself."""
    return (any(name in environ for name in TUNING_ENV)
            or "glibc.malloc." in environ.get("GLIBC_TUNABLES", ""))


def keep_large_blocks_mapped() -> bool:
    """Fix glibc's mmap threshold, so large blocks are returned when freed; True if set.

    Linux with glibc only, and only when the environment does not tune malloc. Idempotent;
    safe from any thread, at any time (blocks already in the arenas stay there).
    """
    if not sys.platform.startswith("linux") or tuned_by_environment():
        return False
    try:
        libc = ctypes.CDLL(None)  # the process's own C library
        if not hasattr(libc, "gnu_get_libc_version"):
            return False  # not glibc (musl has no such threshold)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    done = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    if not done:
        log.warning("could not fix glibc's mmap threshold")
    return done
