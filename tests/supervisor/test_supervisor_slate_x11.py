"""The slate on a real screen: an X server in memory (Xvfb) under a window manager from Debian
(openbox), the kiosk and its slate on Qt's xcb platform, and a watcher that follows the X
server's events (tests/supervisor/xscreen.py) to tell at every moment what covers the TV.

What is measured is exact, not sampled: the watcher's model changes only with the server's
own events, so a window that went and came back between two looks would still be seen.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import xscreen
from PySide6.QtGui import QImage, QPainter
from supervised import event_now, wait_until
from xscreen import CoverWatcher, Watch

from kiosk import slate as slate_module
from kiosk.core.screens import STAGE_SCREEN_ENV, StageScreen
from kiosk.core.slate import slate_text

pytestmark = pytest.mark.skipif(os.name != "posix",
                                reason="kills and stops the kiosk with POSIX signals")

TV_ONLY = (0, 0, 1920, 1080)
LAPTOP = ("LAPTOP", "1920/340x1080/190+0+0")
TV = ("TV", "1920/1020x1080/570+1920+0")
# The window manager takes a killed stage's frame down within this (measured: 1-3 ms on one
# screen, 20-70 ms beside a laptop screen; the bound leaves room for a busy machine);
# meanwhile that frame, not the desktop, is over the slate.
FRAME_TEARDOWN = 1.0


def _x_or_skip() -> None:
    absent = xscreen.missing()
    if absent:
        message = (f"needs {', '.join(absent)} (apt: xvfb x11-xserver-utils openbox; "
                   "pip: python-xlib)")
        if os.environ.get("CI"):
            pytest.fail(message)  # bootstrap installs them for the tests: missing is a bug
        pytest.skip(message)


@pytest.fixture
def tv():
    """One 1920x1080 TV under openbox."""
    _x_or_skip()
    with xscreen.x_server() as server:
        yield server


@pytest.fixture(params=["tv-only", "laptop-and-tv"])
def venue(request):
    """The TV alone, or a laptop (the main screen, with the host's window) and the TV beside
    it; yields the X server and the TV's rectangle."""
    _x_or_skip()
    if request.param == "tv-only":
        with xscreen.x_server() as server:
            yield server, TV_ONLY
    else:
        with xscreen.x_server(3840, 1080, monitors=(LAPTOP, TV)) as server:
            yield server, (1920, 0, 1920, 1080)


def x_env(server: xscreen.XServer) -> dict[str, str]:
    return {k: server.env[k] for k in ("DISPLAY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS")}


def on_top(what: str) -> object:
    return lambda watch: watch.shown[-1].what == what


def test_a_killed_kiosk_uncovers_its_slate_never_the_desktop(venue, tmp_path, supervise):
    """Four SIGKILLs: three restarts, the third into safe mode, and safe mode killed too, so
    the fifth start waits out a backoff (1 s here, 2 s and more in the field)."""
    server, screen = venue
    watcher = CoverWatcher(server.name, screen)
    try:
        kiosk = supervise("--config", str(event_now(tmp_path)), windowed=False,
                          WATCHPARTY_KIOSK_BACKOFF="1", **x_env(server))
        kiosk.running(1)
        watcher.wait_for(on_top("stage"), 20, "the first stage on the TV")
        watch = watcher.snapshot()
        start = next(s.at for s in watch.shown if s.kiosk)
        # The slate was there first, alone, and the stage mapped over it.
        assert [s.what for s in watch.shown if s.kiosk][:1] == ["slate"]
        assert watch.shown[-1].covering[:1] == ("stage",)
        assert "slate" in watch.shown[-1].covering
        kills = []
        for n in (1, 2, 3, 4):
            pid = kiosk.running(n)
            kills.append(time.monotonic())
            os.kill(pid, signal.SIGKILL)
            kiosk.running(n + 1)
            watcher.wait_for(lambda w: [s for s in w.shown if s.at > kills[-1]
                                        and s.what == "stage"], 20,
                             f"kiosk {n + 1}'s stage on the TV")
        end = time.monotonic()
        watch = watcher.snapshot()
    finally:
        watcher.close()
    gaps = watch.uncovered(start, end)
    timeline = _timeline(watch, start, kills)
    print(f"\n{len(kills)} SIGKILL restarts under {xscreen.WINDOW_MANAGER}: longest time with "
          f"no kiosk window over the TV {watch.longest_gap(start, end) * 1000:.1f} ms; "
          f"longest with another window on top {watch.longest_not_on_top(start, end) * 1000:.1f}"
          f" ms; {_story(watch, kills)}")
    # Safe mode failed too: the fifth start waited out the backoff, with the slate on the TV
    # all along (the checks below hold for that wait as for the others).
    back = next(s.at for s in watch.shown if s.at > kills[-1] and s.what == "stage")
    assert back - kills[-1] >= 1.0
    assert gaps == [], timeline
    assert "start 4: pid" in kiosk.log() and "safe mode failed too (once): next start in 1 s" \
        in kiosk.log()
    assert all(s.kiosk for s in watch.shown if start <= s.at <= end)
    # After each kill the slate shows (once the window manager took the dead stage's frame
    # down), until the next stage covers it; while a stage ran, the slate stayed under it.
    for killed in kills:
        after = [s.what for s in watch.shown if s.at > killed and s.what != "wm"]
        turns = [w for i, w in enumerate(after) if i == 0 or w != after[i - 1]]
        assert turns[:2] == ["slate", "stage"], timeline
    assert watch.longest_not_on_top(start, end) < FRAME_TEARDOWN
    # From each stage's first frame (its first drawing, XDamage) to its kill, nothing but the
    # stage on top. (With two screens, openbox restacks a stage that is being mapped under
    # the slate for about a millisecond before that first frame: the TV still showed the
    # slate's picture then, which is what the stage's window held.)
    for up, killed in zip([start, *kills], [*kills, end], strict=True):
        first = next(t for t, _w, title in watch.first_frames
                     if t >= up and not title.startswith(xscreen.SLATE_TITLE))
        over = [s for s in watch.shown if first <= s.at < killed and s.what != "stage"]
        assert over == [], timeline


def _timeline(watch: Watch, start: float, kills: list[float]) -> str:
    """What the TV showed, the kills and the first frames, in seconds from ``start``."""
    lines = [f"{s.at - start:8.4f} {s.what or '(desktop)':9} {s.window:#x} {s.covering}"
             for s in watch.shown]
    lines.append(f"kills at {[round(k - start, 4) for k in kills]}")
    frames = [(round(t - start, 4), n[:24]) for t, _w, n in watch.first_frames]
    lines.append(f"first frames at {frames}")
    return "\n".join(lines)


def _story(watch: Watch, kills: list[float]) -> str:
    parts = []
    for killed in kills:
        after = [s for s in watch.shown if s.at > killed]
        stage = next((s.at for s in after if s.what == "stage"), None)
        if stage is not None:
            parts.append(f"stage back {stage - killed:.2f} s after the kill")
    return "; ".join(parts)


def test_after_the_hosts_quit_no_slate_is_left_over_the_desktop(tv, tmp_path, supervise):
    watcher = CoverWatcher(tv.name, TV_ONLY)
    try:
        kiosk = supervise("--config", str(event_now(tmp_path)), "--exit-after", "4",
                          windowed=False, **x_env(tv))
        watcher.wait_for(on_top("stage"), 20, "the stage on the TV")
        assert kiosk.process.wait(30) == 0
        # The supervisor ended its slate before it exited: the TV is the desktop's again.
        watcher.wait_for(lambda w: not w.shown[-1].covering, 3, "nothing of the kiosk left")
    finally:
        watcher.close()
    assert "supervisor done (exit code 0)" in kiosk.log()


def test_the_slate_lies_on_the_stages_screen_and_follows_it(tmp_path):
    """Two screens: the stage goes to the TV by the shared rule and the kiosk says so; the
    slate goes there by the same rule before any kiosk, and moves wherever the kiosk says the
    stage went."""
    _x_or_skip()
    config = str(event_now(tmp_path))
    told = tmp_path / "stage-screen.json"
    with xscreen.x_server(3840, 1080, monitors=(LAPTOP, TV)) as server:
        env = {**server.env, STAGE_SCREEN_ENV: str(told), "WATCHPARTY_KIOSK_NO_VLC": "1",
               "WATCHPARTY_KIOSK_AUDIO": "dummy"}
        on_laptop = CoverWatcher(server.name, (0, 0, 1920, 1080))
        on_tv = CoverWatcher(server.name, (1920, 0, 1920, 1080))
        kiosk = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", config,
                                  "--exit-after", "60"], env=env, stderr=subprocess.DEVNULL)
        try:
            on_tv.wait_for(on_top("stage"), 20, "the stage on the TV")
            said = wait_until(lambda: told.is_file() and StageScreen.from_json(
                told.read_text(encoding="utf-8")), 5, "the kiosk saying where its stage is")
            assert said == StageScreen("TV", 1920, 0, 1920, 1080)
        finally:
            kiosk.terminate()
            kiosk.wait(20)
        told.unlink()

        slate = subprocess.Popen([sys.executable, "-m", "kiosk", "--slate", "--config", config],
                                 env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        try:
            on_tv.wait_for(on_top("slate"), 20, "the slate on the TV by the stage's rule")
            assert not on_laptop.now().covering
            told.write_text(StageScreen("LAPTOP", 0, 0, 1920, 1080).to_json(),
                            encoding="utf-8")
            on_laptop.wait_for(on_top("slate"), 5, "the slate following the stage")
            on_tv.wait_for(lambda w: not w.shown[-1].covering, 5, "the slate off the TV")
            told.write_text(json.dumps({"name": "TV", "x": 1920, "y": 0, "width": 1920,
                                        "height": 1080}), encoding="utf-8")
            on_tv.wait_for(on_top("slate"), 5, "the slate back on the TV")
            assert slate.stdin is not None
            slate.stdin.close()  # as the supervisor ends it
            assert slate.wait(5) == 0
            on_tv.wait_for(lambda w: not w.shown[-1].covering, 3, "the slate gone")
        finally:
            if slate.poll() is None:
                slate.kill()
                slate.wait()
            on_laptop.close()
            on_tv.close()


def test_the_slate_paints_the_tv_with_its_picture_not_black(tv, tmp_path, qapp):
    """What the X server shows where the slate is: the slate's own picture (its backdrop in the
    theme's colours, compared away from the text), never a black or empty window."""
    config = event_now(tmp_path)
    config.write_text(config.read_text(encoding="utf-8")
                      + "theme:\n  background: '#1d3557'\n", encoding="utf-8")
    reference = QImage(1920, 1080, QImage.Format.Format_RGB32)
    painter = QPainter(reference)
    try:
        slate_module.paint(painter, 1920, 1080, slate_text(config))
    finally:
        painter.end()
    watcher = CoverWatcher(tv.name, TV_ONLY)
    slate = subprocess.Popen([sys.executable, "-m", "kiosk", "--slate", "--config",
                              str(config)], env=tv.env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    try:
        assert slate.stdout is not None
        assert slate.stdout.readline().strip() == b"shown"  # its first picture is up
        watcher.wait_for(on_top("slate"), 5, "the slate on the TV")
        for x, y in ((8, 8), (1900, 1070), (960, 1070), (20, 540)):
            shown = xscreen.pixel(tv.name, x, y)
            wanted = reference.pixelColor(x, y)
            assert shown != (0, 0, 0)
            assert all(abs(a - b) <= 3 for a, b in zip(
                shown, (wanted.red(), wanted.green(), wanted.blue()), strict=True)), (x, y)
    finally:
        watcher.close()
        slate.kill()
        slate.wait()
