"""Reconnect benchmark: the real libVLC player reconnecting to a loopback live HLS stream
over and over, and what each reconnect leaves behind in memory.

Prints a table per --every reconnects; asserts nothing. Target (issue 14): under 20 MB of
growth over 200 reconnects (RSS, the median slope between samples after the first --warm-up
reconnects: a sample caught between two players, tens of MB lower, cannot tip it).

One process: a VlcPlayer at --size (1280x720, as bench/soak.py's window) plays the demo
clip, cut into one-second segments and served live from 127.0.0.1 by the media tests'
server; a QImage of the newest frame is held as the stage holds it. A reconnect is either
stop-and-play (--how restart, the default: about 2.5 s each with --play 1.5) or the
server failing for a moment (--how fault: 404, a refused connection or a frozen playlist
in turn, until the player leaves PLAYING, then back; its own retry, about 5 s each).
--steady MINUTES plays that long with no reconnect instead, sampling every minute.

Columns: RSS, USS and anon from /proc/self/smaps_rollup (USS: private pages, which drop
when another process maps the same libraries; anon: anonymous memory, the heaps); the process's
threads and file descriptors; glibc's heap (mallinfo2: bytes in use and free in the
arenas, bytes in blocks mapped on their own, and the number of arenas from malloc_info);
the libVLC attempts' Python objects still alive (frame buffers, python-vlc MediaPlayer
wrappers), counted among all objects the garbage collector tracks, collected or not;
the process's CPU seconds. --glibc-default runs the player without fixing glibc's mmap
threshold (kiosk.platform.heap), as it ran before; --gc-disable turns the garbage collector
off, so whatever only a collection would free shows up. Linux only.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["WATCHPARTY_KIOSK_AUDIO"] = "dummy"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "media"))

from mediakit import HlsServer, demo_segments  # noqa: E402

TARGET_MB_PER_200 = 20.0
FAULTS = ("404", "refuse", "freeze")


# --------------------------------------------------------------------------- measures


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _libc() -> ctypes.CDLL | None:
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "mallinfo2"):
        return None  # not glibc 2.33 or later
    libc.mallinfo2.restype = MallInfo2
    libc.open_memstream.restype = ctypes.c_void_p
    libc.open_memstream.argtypes = (ctypes.POINTER(ctypes.c_void_p),
                                    ctypes.POINTER(ctypes.c_size_t))
    libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
    libc.fclose.argtypes = (ctypes.c_void_p,)
    libc.free.argtypes = (ctypes.c_void_p,)
    return libc


LIBC = _libc()


def arenas() -> int:
    """glibc's arenas: the main one and one per thread that needed its own."""
    if LIBC is None:
        return 0
    buffer, size = ctypes.c_void_p(), ctypes.c_size_t()
    stream = LIBC.open_memstream(ctypes.byref(buffer), ctypes.byref(size))
    LIBC.malloc_info(0, stream)
    LIBC.fclose(stream)
    text = ctypes.string_at(buffer, size.value).decode()
    LIBC.free(buffer)
    return len(re.findall(r"<heap nr=", text))


def measure(kinds: tuple[type, ...]) -> dict[str, float]:
    text = Path("/proc/self/smaps_rollup").read_text()
    kb = {m.group(1): int(m.group(2))
          for m in re.finditer(r"^(\w+):\s+(\d+) kB", text, re.MULTILINE)}
    times = os.times()
    row = {"rss": kb["Rss"] / 1024,
           "uss": (kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024,
           "anon": kb.get("Anonymous", 0) / 1024,
           "threads": len(os.listdir("/proc/self/task")),
           "fds": len(os.listdir("/proc/self/fd")),
           "cpu": times.user + times.system}
    if LIBC is not None:
        info = LIBC.mallinfo2()
        row.update(used=info.uordblks / 2**20, free=info.fordblks / 2**20,
                   mapped=info.hblkhd / 2**20, arenas=arenas())
    counts = dict.fromkeys(kinds, 0)
    for thing in gc.get_objects():
        for kind in kinds:
            if isinstance(thing, kind):
                counts[kind] += 1
    row.update({kind.__name__: n for kind, n in counts.items()})
    return row


# --------------------------------------------------------------------------- the run


def run(options: argparse.Namespace, folder: Path) -> None:
    from PySide6.QtCore import QEventLoop, QSize, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import vlc

    from kiosk.core.director import Health
    from kiosk.core.health import Backoff
    from kiosk.core.media import PlayableMedia
    from kiosk.player import vlcplayer
    from kiosk.player.frames import FrameBuffers

    if options.glibc_default:
        vlcplayer.keep_large_blocks_mapped = lambda: False
    if options.gc_disable:
        gc.disable()
    kinds = (FrameBuffers, vlc.MediaPlayer)

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if condition():
                return True
            wait(20)
        return False

    hls = HlsServer(demo_segments(folder / "hls"))
    width, height = (int(n) for n in options.size.split("x"))
    player = vlcplayer.VlcPlayer(QSize(width, height), backoff=Backoff(0.3, 1.0))
    held: list[object] = []
    player.frame_ready.connect(lambda: held.__setitem__(slice(None), [player.frame()]))
    media = PlayableMedia(hls.url, live=True)
    rows: list[tuple[float, dict[str, float]]] = []
    failed = 0

    def sample(at: float, label: str) -> None:
        row = measure(kinds)
        rows.append((at, row))
        heap = (f"{row['used']:6.1f} {row['free']:6.1f} {row['mapped']:6.1f} "
                f"{row['arenas']:3d}" if "used" in row else "     -      -      -   -")
        print(f"{label:>10} {row['rss']:7.1f} {row['uss']:7.1f} {row['anon']:7.1f} "
              f"{row['threads']:4d} "
              f"{row['fds']:4d}  {heap}  {row['FrameBuffers']:4d} {row['MediaPlayer']:4d} "
              f"{row['cpu']:7.1f}", flush=True)

    try:
        player.play(media)
        if not wait_until(lambda: player.health() is Health.PLAYING, 30):
            print("bench/reconnects.py: the stream never played")
            return
        wait(3000)
        started = time.monotonic()
        print(f"{'reconnects' if not options.steady else 'minutes':>10} {'RSS':>7} "
              f"{'USS':>7} {'anon':>7} {'thr':>4} {'fds':>4}  {'heap':>6} {'free':>6} "
              f"{'mapped':>6} {'ar':>3}  {'bufs':>4} {'plrs':>4} {'cpu s':>7}")
        sample(0, "0")
        if options.steady:
            for minute in range(1, int(options.steady) + 1):
                wait_until(lambda m=minute: time.monotonic() - started >= m * 60,
                           options.steady * 60)
                sample(minute, str(minute))
        else:
            for n in range(1, options.count + 1):
                if options.how == "restart":
                    player.stop()
                    player.play(media)
                else:
                    hls.fault(FAULTS[n % len(FAULTS)])
                    wait_until(lambda: player.health() is not Health.PLAYING, 15)
                    hls.recover()
                failed += not wait_until(lambda: player.health() is Health.PLAYING, 30)
                wait(int(options.play * 1000))
                if n % options.every == 0:
                    sample(n, str(n))
        elapsed = time.monotonic() - started
    finally:
        player.close()
        hls.close()
        del app

    unit = "minute" if options.steady else "reconnect"
    after = [(at, row) for at, row in rows if at >= (0 if options.steady else options.warm_up)]
    print(f"\n{'steady playback' if options.steady else options.how}, {options.size}, "
          f"{elapsed / 60:.1f} min"
          + (", glibc's default mmap threshold" if options.glibc_default else "")
          + (", garbage collector off" if options.gc_disable else "")
          + (f"; {failed} reconnects never got back to PLAYING" if failed else ""))
    scale, what = ((60, "hour, from the start") if options.steady else
                   (200, f"200 reconnects, after the first {options.warm_up}"))
    for key in ("rss", "uss", "anon"):
        per = robust_slope([(at, row[key]) for at, row in after])
        print(f"{key.upper()} growth per {what}: "
              + ("-" if per is None else f"{per * scale:+.1f} MB")
              + (f"  (target under {TARGET_MB_PER_200:g})"
                 if key == "rss" and not options.steady else ""))
    first, last = rows[0][1], rows[-1][1]
    print(f"RSS {first['rss']:.1f} -> {last['rss']:.1f} MB, USS {first['uss']:.1f} -> "
          f"{last['uss']:.1f} MB, anonymous {first['anon']:.1f} -> {last['anon']:.1f} MB\n"
          f"over {rows[-1][0]:g} {unit}s; threads {first['threads']} -> "
          f"{last['threads']}, fds {first['fds']} -> {last['fds']}")


def robust_slope(points: list[tuple[float, float]]) -> float | None:
    """The median of the slopes between every two samples (Theil-Sen): one sample taken
    while a player's buffers were between attempts (tens of MB lower) cannot tip it the way
    it tips a least-squares fit."""
    pairs = [(y2 - y1) / (x2 - x1) for i, (x1, y1) in enumerate(points)
             for x2, y2 in points[i + 1:] if x2 != x1]
    return statistics.median(pairs) if len(points) >= 3 and pairs else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="reconnects (default 200)")
    parser.add_argument("--how", choices=("restart", "fault"), default="restart")
    parser.add_argument("--play", type=float, default=1.5,
                        help="seconds of playing after each reconnect (default 1.5)")
    parser.add_argument("--every", type=int, default=20, help="a row every this many")
    parser.add_argument("--warm-up", type=int, default=20,
                        help="reconnects left out of the slope (default 20)")
    parser.add_argument("--steady", type=float, metavar="MINUTES",
                        help="play this long with no reconnect instead")
    parser.add_argument("--size", default="1280x720", help="render size (default 1280x720)")
    parser.add_argument("--glibc-default", action="store_true",
                        help="leave glibc's mmap threshold dynamic, as before the fix")
    parser.add_argument("--gc-disable", action="store_true",
                        help="turn Python's garbage collector off")
    options = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("bench/reconnects.py: reads /proc; Linux only")
        return
    if shutil.which("ffmpeg") is None:
        print("bench/reconnects.py: ffmpeg is missing")
        return
    with tempfile.TemporaryDirectory(prefix="kiosk-reconnects-") as tmp:
        run(options, Path(tmp))


if __name__ == "__main__":
    main()
