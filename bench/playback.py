"""Playback benchmarks: the CPU of the kiosk's video path against libVLC's own decoding, and
how fast a hung stream server is noticed and healed.

Prints tables; asserts nothing. Targets: kiosk CPU at most 1.25x the decode-only floor, no
lost frames at 1080p30 and 1080p60. Each measurement runs in a child process of its own, so
CPU time (all threads: time.process_time) and peak RSS belong to that measurement alone.
Run with ./dev bench; BENCH_SECONDS sets the clips' length (default 10).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["WATCHPARTY_KIOSK_AUDIO"] = "dummy"

ROOT = Path(__file__).resolve().parents[1]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
RATES = (30, 60)
HANG_RUNS = 3

# Plays the clip set up above to its end and prints the figures; DELIVERED is how the
# child counts pictures handed to it.
PLAY_TO_END = """
media = instance.media_new(clip)
player.set_media(media)
cpu, wall = time.process_time(), time.monotonic()
player.play()
while player.get_state() not in (vlc.State.Ended, vlc.State.Error):
    time.sleep(0.02)
cpu, wall = time.process_time() - cpu, time.monotonic() - wall
stats = vlc.MediaStats()
media.get_stats(stats)
player.stop()
print(json.dumps({"cpu": cpu, "wall": wall, "displayed": stats.displayed_pictures,
                  "lost": stats.lost_pictures, "delivered": DELIVERED, "shown": 0,
                  "painted": 0, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

# libVLC alone: decode to a dummy video output, as fast as the clock plays it.
FLOOR_CHILD = """
import json, resource, sys, time
import vlc
clip = sys.argv[1]
instance = vlc.Instance(["--no-xlib", "--quiet", "--aout=dummy", "--vout=dummy"])
player = instance.media_player_new()
""" + PLAY_TO_END.replace("DELIVERED", "stats.displayed_pictures")

# libVLC's video callbacks alone, no Qt: RV32 at 1920x1080 into rotating buffers, the least
# any design built on libVLC 3's memory output can cost (conversion and copy included).
VMEM_CHILD = """
import ctypes, json, resource, sys, time
import vlc
clip = sys.argv[1]
W, H, N = 1920, 1080, 3
arrays = [(ctypes.c_ubyte * (W * 4 * H + 32))() for _ in range(N)]
planes_at = [ctypes.addressof(a) + (-ctypes.addressof(a)) % 32 for a in arrays]
count = [0, 0]
@vlc.CallbackDecorators.VideoLockCb
def lock(opaque, planes):
    count[0] = (count[0] + 1) % N
    planes[0] = planes_at[count[0]]
    return count[0] + 1
@vlc.CallbackDecorators.VideoDisplayCb
def display(opaque, picture):
    count[1] += 1
instance = vlc.Instance(["--no-xlib", "--quiet", "--aout=dummy"])
player = instance.media_player_new()
player.video_set_callbacks(lock, None, display, None)
player.video_set_format("RV32", W, H, W * 4)
""" + PLAY_TO_END.replace("DELIVERED", "count[1]")

# The kiosk: video callbacks at 1920x1080 into a real Stage with the overlay on, every frame
# painted offscreen.
KIOSK_CHILD = """
import json, os, resource, sys, time
from datetime import timedelta
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kiosk.core.director import Health, Scene
from kiosk.core.media import PlayableMedia
from kiosk.core.startup import choose_config
from kiosk.player import make_player
from kiosk.snapshot import snapshot_view
from kiosk.stage.window import Stage
clip, options = sys.argv[1], json.loads(sys.argv[2])
if options.get("switch"):
    sys.setswitchinterval(options["switch"])
config = choose_config(None).config
view = snapshot_view(config, config.running().start + timedelta(minutes=10), scene=Scene.LIVE)
if not options.get("overlay", True):
    from dataclasses import replace
    view = replace(view, overlay=None, badges=())
stage = Stage()
stage.resize(1920, 1080)
stage.set_view(view)
stage.show()
player = make_player(QSize(1920, 1080), tick_ms=options.get("tick_ms", 16))
assert type(player).__name__ == "VlcPlayer", player.problem
painted = [0]
stage.painted.connect(lambda scene: painted.__setitem__(0, painted[0] + 1))
if options.get("paint", True):
    player.frame_ready.connect(lambda: stage.set_frame(player.frame()))
result = {}
def on_health(health):
    if health == Health.OFFLINE and "cpu" not in result:
        result["cpu"] = time.process_time() - start[0]
        result["wall"] = time.monotonic() - start[1]
        app.quit()
player.health_changed.connect(on_health)
start = (time.process_time(), time.monotonic())
player.play(PlayableMedia(clip))
app.exec()
stats = player.stats()
player.close()
result.update(displayed=stats.frames_displayed, lost=stats.frames_lost,
              delivered=stats.frames_delivered, shown=stats.frames_shown, painted=painted[0],
              rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(json.dumps(result))
"""


def make_clip(folder: Path, rate: int) -> Path:
    """A 1080p H.264 clip with a moving pattern (the decoder has real work), x264 ultrafast."""
    clip = folder / f"1080p{rate}.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=1920x1080:rate={rate}", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=48000", "-t", str(SECONDS),
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-g", str(rate * 2), "-b:v", "6M", "-c:a", "aac", "-b:a", "96k",
                    str(clip)], check=True, timeout=600)
    return clip


def child(code: str, *args: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=SECONDS * 6 + 60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip()[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def cpu_table(folder: Path, variants: dict[str, dict[str, float]]) -> None:
    print(f"\n{'clip':<10} {'mode':<26} {'CPU s':>6} {'%core':>6} {'x floor':>7} "
          f"{'shown':>6} {'lost':>5} {'deliv':>6} {'GUI':>5} {'paint':>6} {'RSS MB':>7}")
    for rate in RATES:
        clip = make_clip(folder, rate)
        floor = child(FLOOR_CHILD, str(clip))
        rows = [("floor (vout=dummy)", floor), ("libVLC vmem only, no Qt", child(VMEM_CHILD,
                                                                             str(clip)))]
        rows += [(name, child(KIOSK_CHILD, str(clip), json.dumps(options)))
                 for name, options in variants.items()]
        for name, r in rows:
            print(f"1080p{rate:<5} {name:<26} {r['cpu']:6.2f} {100 * r['cpu'] / r['wall']:5.0f}% "
                  f"{r['cpu'] / floor['cpu']:6.2f}x {r['displayed']:6.0f} {r['lost']:5.0f} "
                  f"{r['delivered']:6.0f} {r['shown']:5.0f} {r['painted']:6.0f} "
                  f"{r['rss'] / 1024:7.0f}")
    print("shown/lost: libVLC's displayed and lost pictures; deliv: display callbacks; "
          "GUI: frames the GUI took; paint: stage paints")


def hang_table(folder: Path) -> None:
    """Stall (server accepts, never answers) → health leaves PLAYING; server back → PLAYING."""
    sys.path.insert(0, str(ROOT / "tests" / "media"))
    sys.path.insert(0, str(ROOT))
    from mediakit import hls_segments
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    segments = tuple(hls_segments(folder / "live", "640x360", 6))
    print(f"\n{'run':<4} {'hang -> not PLAYING':>20} {'server back -> PLAYING':>23}  "
          "(default settings: stall_after 3 s, retries after 1-5 s)")
    stalls, backs = [], []
    for run in range(1, HANG_RUNS + 1):
        stall, back = hang_once(app, segments)
        print(f"{run:<4} {fmt(stall):>20} {fmt(back):>23}")
        stalls += [stall] if stall is not None else []
        backs += [back] if back is not None else []
    if stalls and backs:
        print(f"{'med':<4} {fmt(statistics.median(stalls)):>20} "
              f"{fmt(statistics.median(backs)):>23}")


def hang_once(app, segments: tuple[Path, ...]) -> tuple[float | None, float | None]:
    from mediakit import HlsServer
    from PySide6.QtCore import QEventLoop, QSize

    from kiosk.core.director import Health
    from kiosk.core.media import PlayableMedia
    from kiosk.player import make_player

    def wait(predicate, limit: float) -> float | None:
        began = time.monotonic()
        while time.monotonic() - began < limit:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
            if predicate():
                return time.monotonic() - began
            time.sleep(0.002)  # a benchmark's polling loop, not the player's
        return None

    server = HlsServer(segments)
    player = make_player(QSize(640, 360))
    try:
        player.play(PlayableMedia(server.url, live=True))
        wait(lambda: player.health() is Health.PLAYING, 20)
        wait(lambda: False, 2)
        server.fault("hang")
        stall = wait(lambda: player.health() is not Health.PLAYING, 30)
        wait(lambda: False, 3)
        server.recover()
        back = wait(lambda: player.health() is Health.PLAYING, 60)
    finally:
        player.close()
        server.close()
    return stall, back


def fmt(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.2f} s"


def main() -> None:
    if shutil.which("ffmpeg") is None:
        print("bench/playback.py: ffmpeg is missing")
        return
    variants = {
        "kiosk player, no painting": {"paint": False},
        "kiosk + stage, no overlay": {"overlay": False},
        "kiosk + stage + overlay": {},
    }
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        folder = Path(tmp)
        print(f"Playback CPU, {SECONDS} s clips, 1920x1080 render, overlay on, "
              f"{os.cpu_count()} cores")
        cpu_table(folder, variants)
        hang_table(folder)


if __name__ == "__main__":
    main()
