"""The libVLC player for real: clips through the stage, a live server that fails, resolution
changes, adaptive variants, many start/stop cycles, and the null player."""

from __future__ import annotations

import contextlib
import gc
import os
import random
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from mediakit import BLUE, Clips, HlsServer
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPainter

from kiosk.core.director import Health, Scene
from kiosk.core.health import Backoff
from kiosk.core.media import Placement, PlayableMedia
from kiosk.core.startup import choose_config
from kiosk.player import NO_VLC_ENV, NullPlayer, make_player
from kiosk.snapshot import snapshot_view
from kiosk.stage.window import Stage

SIZE = QSize(640, 360)
FAST = {"backoff": Backoff(0.5, 2.0, rng=random.Random(1))}  # retries within seconds
START_MS = 15_000  # to PLAYING from a cold start (about 1-2 s here)
LEAVE_S = 8.0  # a fault must take the player out of PLAYING within this
BACK_MS = 15_000  # to PLAYING again once the server is back


def rgb(image: QImage, x: int, y: int) -> tuple[int, int, int]:
    colour = QColor(image.pixel(x, y))
    return colour.red(), colour.green(), colour.blue()


def near(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 14) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


def os_threads() -> int:
    task = Path("/proc/self/task")
    return len(list(task.iterdir())) if task.is_dir() else threading.active_count()


class Recorder:
    """Health changes with the time they happened."""

    def __init__(self, player) -> None:
        self.seen: list[tuple[float, str]] = []
        self.expired = 0
        player.health_changed.connect(lambda h: self.seen.append((time.monotonic(), h)))
        player.source_expired.connect(self._on_expired)

    def _on_expired(self) -> None:
        self.expired += 1


# ------------------------------------------------------------------ through the stage


def test_a_clip_plays_through_the_stage_under_the_overlay(qtbot, clips: Clips, make_vlc_player):
    config = choose_config(None).config
    view = snapshot_view(config, config.running().start + timedelta(minutes=10),
                         scene=Scene.LIVE)
    assert view.scene is Scene.LIVE and view.overlay is not None
    stage = Stage()
    qtbot.addWidget(stage)
    stage.resize(SIZE)
    stage.set_view(view)
    player = make_vlc_player(SIZE)
    player.frame_ready.connect(lambda: stage.set_frame(player.frame()))
    with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                          check_params_cb=lambda h: h == Health.PLAYING):
        player.play(PlayableMedia(str(clips.blue), title="blue"))

    frame = player.frame()
    assert frame is not None and frame.size() == SIZE
    picture = stage.grab().toImage()
    assert picture.size() == SIZE
    # The picture area shows the clip's colour…
    assert near(rgb(picture, 320, 150), BLUE), rgb(picture, 320, 150)
    # …and the overlay's bar is painted on top of it: dark, yet with the video showing
    # through (the same view over a red frame differs there).
    in_bar = (37, 306)
    over_blue = rgb(picture, *in_bar)
    assert sum(over_blue) < 150, over_blue
    red = QImage(SIZE, QImage.Format.Format_RGB32)
    red.fill(QColor(255, 0, 0))
    stage.set_frame(red)
    over_red = stage.render_image(SIZE)
    assert near(rgb(over_red, 320, 150), (255, 0, 0), 2)
    assert rgb(over_red, *in_bar) != over_blue


def test_a_4_3_clip_is_pillarboxed_in_a_frame_of_the_render_size(qtbot, clips: Clips,
                                                                  make_vlc_player):
    player = make_vlc_player(SIZE)
    with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                          check_params_cb=lambda h: h == Health.PLAYING):
        player.play(PlayableMedia(str(clips.blue_43)))
    qtbot.waitUntil(lambda: player.frame() is not None, timeout=2000)
    frame = player.frame()
    assert frame.size() == SIZE
    assert frame.format() == QImage.Format.Format_RGB32
    assert near(rgb(frame, 320, 180), BLUE)
    for x in (0, 40, 79, 560, 600, 639):  # the bars: 80 px each side, opaque black
        assert frame.pixel(x, 180) == 0xFF000000, (x, hex(frame.pixel(x, 180)))
    assert near(rgb(frame, 84, 180), BLUE) and near(rgb(frame, 555, 180), BLUE)


def test_non_square_pixels_are_shown_at_their_true_shape(qtbot, clips: Clips, make_vlc_player):
    """720x576 with 16:15 pixels is 4:3 on screen. libVLC 3 only tells the format callback
    the padded size (which looks 5:4); the player learns the truth and renegotiates once."""
    player = make_vlc_player(SIZE)
    with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                          check_params_cb=lambda h: h == Health.PLAYING):
        player.play(PlayableMedia(str(clips.blue_pal), loop=True))
    qtbot.waitUntil(lambda: player.frame() is not None, timeout=2000)
    assert player._engine.current.frames.placement == Placement(80, 0, 480, 360)
    assert player._engine.current.ident == 2  # one restart, not a loop of them
    frame = player.frame()
    assert frame.pixel(70, 180) == 0xFF000000 and near(rgb(frame, 90, 180), BLUE)
    assert player.stats().reconnects == 0  # a renegotiation is not a failure


# ------------------------------------------------------------------ a live server that fails


@pytest.mark.parametrize("fault", ["refuse", "404", "freeze", "hang"])
def test_a_failing_live_server_is_noticed_and_recovered_from(qtbot, hls: HlsServer,
                                                             make_vlc_player, fault):
    player = make_vlc_player(SIZE, **FAST)
    record = Recorder(player)
    with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                          check_params_cb=lambda h: h == Health.PLAYING):
        player.play(PlayableMedia(hls.url, live=True))
    qtbot.wait(500)  # steady for a moment
    assert player.health() is Health.PLAYING

    broke = time.monotonic()
    hls.fault(fault)
    qtbot.waitUntil(lambda: player.health() is not Health.PLAYING, timeout=int(LEAVE_S * 1000))
    noticed = time.monotonic() - broke
    qtbot.waitUntil(lambda: player.health() in (Health.RECONNECTING, Health.OFFLINE),
                    timeout=5000)
    assert player.frame() is None  # nothing stale painted while the stream is down
    qtbot.wait(1000)  # it keeps failing while the fault lasts
    assert player.health() is not Health.PLAYING

    fixed = time.monotonic()
    hls.recover()
    qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=BACK_MS)
    back = time.monotonic() - fixed
    qtbot.waitUntil(lambda: player.frame() is not None, timeout=2000)
    assert player.stats().reconnects >= 1
    print(f"\n{fault}: left PLAYING after {noticed:.2f} s, back {back:.2f} s after the "
          f"server; health {[h for _, h in record.seen]}")


def test_failures_ask_for_a_fresh_source_and_go_offline_after_a_long_outage(
        qtbot, hls: HlsServer, make_vlc_player):
    player = make_vlc_player(SIZE, offline_after=4.0, fresh_retries=2, **FAST)
    record = Recorder(player)
    hls.fault("404")
    player.play(PlayableMedia(hls.url, live=True))
    qtbot.waitUntil(lambda: record.expired >= 1, timeout=8000)
    assert player.health() in (Health.RECONNECTING, Health.OFFLINE)
    qtbot.waitUntil(lambda: player.health() is Health.OFFLINE, timeout=8000)
    # The owner resolves the source again and hands it over: it plays once the server is up.
    hls.recover()
    player.play(PlayableMedia(hls.url, live=True, title="re-resolved"))
    qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=BACK_MS)
    assert [h for _, h in record.seen][-1] == "playing"


# ------------------------------------------------------------------ shapes and variants


def test_a_resolution_change_mid_stream_keeps_frames_coming_at_the_render_size(
        qtbot, hls: HlsServer, make_vlc_player):
    player = make_vlc_player(SIZE)
    placements: list[Placement] = []
    sizes: set[tuple[int, int]] = set()

    def on_frame() -> None:
        frame = player.frame()
        attempt = player._engine.current
        if frame is not None and attempt is not None:
            sizes.add((frame.width(), frame.height()))
            placement = attempt.frames.placement
            if not placements or placements[-1] != placement:
                placements.append(placement)

    player.frame_ready.connect(on_frame)
    player.play(PlayableMedia(hls.static_url("reschange.m3u8")))
    wide, narrow = Placement(0, 0, 640, 360), Placement(80, 0, 480, 360)
    qtbot.waitUntil(lambda: narrow in placements, timeout=15_000)
    delivered = player.stats().frames_delivered
    qtbot.waitUntil(lambda: player.stats().frames_delivered >= delivered + 20, timeout=5000)
    assert placements[0] == wide
    assert sizes == {(640, 360)}
    frame = player.frame()
    assert frame is not None
    assert near(rgb(frame, 320, 180), BLUE) and frame.pixel(20, 180) == 0xFF000000


@pytest.mark.parametrize(("logic", "variant"), [("highest", "hi"), ("lowest", "lo")])
def test_both_variants_of_an_adaptive_master_play(qtbot, hls: HlsServer, make_vlc_player,
                                                   logic, variant):
    player = make_vlc_player(SIZE)
    with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                          check_params_cb=lambda h: h == Health.PLAYING):
        player.play(PlayableMedia(hls.static_url("abr/master.m3u8"),
                                  options=(f":adaptive-logic={logic}",)))
    qtbot.waitUntil(lambda: player.frame() is not None, timeout=2000)
    assert player.frame().size() == SIZE
    assert near(rgb(player.frame(), 320, 180), BLUE)
    segments = {path.rsplit("/", 1)[-1][:2] for _, path, status in hls.requests
                if path.endswith(".ts") and status == 200}
    assert variant in segments, hls.requests


# ------------------------------------------------------------------ sources that end


def test_a_file_that_ends_goes_offline_and_a_loop_clip_does_not(qtbot, clips: Clips,
                                                                 make_vlc_player):
    once = make_vlc_player(SIZE)
    looped = make_vlc_player(SIZE)
    for player, loop in ((once, False), (looped, True)):
        with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                              check_params_cb=lambda h: h == Health.PLAYING):
            player.play(PlayableMedia(str(clips.blue), loop=loop))
    qtbot.waitUntil(lambda: once.health() is Health.OFFLINE, timeout=8000)  # a 3 s clip
    assert once.frame() is None
    # The loop clip has 90 pictures; libVLC's count pauses for about a second at each loop.
    qtbot.waitUntil(lambda: looped.stats().frames_displayed >= 130, timeout=8000)
    assert looped.health() is Health.PLAYING
    assert looped.stats().reconnects == 0


def test_volume_and_mute_are_kept_and_clamped(qtbot, clips: Clips, make_vlc_player):
    player = make_vlc_player(SIZE)
    player.set_volume(140)
    assert player.volume() == 100
    player.set_volume(-3)
    assert player.volume() == 0
    player.set_volume(35)
    player.set_muted(True)
    with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                          check_params_cb=lambda h: h == Health.PLAYING):
        player.play(PlayableMedia(str(clips.blue)))
    assert (player.volume(), player.muted()) == (35, True)
    player.set_muted(False)
    assert not player.muted()


# ------------------------------------------------------------------ lifetime


def test_close_is_idempotent_and_a_held_frame_stays_paintable(qtbot, clips: Clips,
                                                              make_vlc_player):
    player = make_vlc_player(SIZE)
    with qtbot.waitSignal(player.health_changed, timeout=START_MS,
                          check_params_cb=lambda h: h == Health.PLAYING):
        player.play(PlayableMedia(str(clips.blue)))
    frame = player.frame()
    assert frame is not None
    player.close()
    player.close()
    assert player.health() is Health.OFFLINE and player.frame() is None
    player.play(PlayableMedia(str(clips.blue)))  # ignored after close
    player.stop()
    target = QImage(SIZE, QImage.Format.Format_RGB32)
    painter = QPainter(target)
    painter.drawImage(0, 0, frame)  # the stage may still hold it: its memory is alive
    painter.end()
    assert near(rgb(target, 320, 180), BLUE)


def test_start_play_stop_and_quit_fifty_times(qtbot, clips: Clips):
    def cycle() -> None:
        player = make_player(SIZE)
        try:
            with qtbot.waitSignal(player.frame_ready, timeout=10_000):
                player.play(PlayableMedia(str(clips.blue)))
            assert player.frame() is not None
            player.stop()
        finally:
            player.close()

    cycle()  # the first one loads libVLC's plugins and Qt's bits
    python_threads, native_threads = threading.active_count(), os_threads()
    for _ in range(49):
        cycle()
    qtbot.wait(100)
    assert threading.active_count() <= python_threads + 1
    assert os_threads() <= native_threads + 3


def test_each_attempt_is_freed_when_it_ends_not_at_a_garbage_collection(
        qtbot, hls: HlsServer, make_vlc_player):
    """Every attempt's libVLC player and media wrappers, event trampoline and frame buffers
    (three pictures of the screen's size: 25 MB at 1080p) go as soon as it is stopped and
    released, by reference counting alone. Were any of them in a reference cycle, they would
    wait for a full collection, which a kiosk's steady GUI loop may not run for hours."""
    import vlc

    from kiosk.player.frames import FrameBuffers
    from kiosk.player.vlcplayer import _Attempt

    kinds = (FrameBuffers, _Attempt, vlc.MediaPlayer, vlc.Media, vlc.EventManager)

    def alive() -> dict[str, int]:
        # With the collector off, garbage in cycles stays listed here.
        counts = dict.fromkeys((k.__name__ for k in kinds), 0)
        for thing in gc.get_objects():
            if isinstance(thing, kinds):
                counts[type(thing).__name__] += 1
        return counts

    def descriptors() -> int:
        fds = Path("/proc/self/fd")
        return len(list(fds.iterdir())) if fds.is_dir() else 0

    player = make_vlc_player(SIZE, **FAST)
    media = PlayableMedia(hls.url, live=True)
    # One attempt first: libVLC's plugins and threads that stay for good are loaded.
    with qtbot.waitSignal(player.frame_ready, timeout=START_MS):
        player.play(media)
    player.stop()
    qtbot.waitUntil(lambda: alive()["_Attempt"] == 0, timeout=10_000)
    gc.collect()
    gc.disable()
    try:
        before, fds, threads = alive(), descriptors(), os_threads()
        for cycle in range(12):
            with qtbot.waitSignal(player.frame_ready, timeout=START_MS):
                player.play(media)
            if cycle % 4 == 3:  # the stream fails: the player's own retry, not a stop
                qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=START_MS)
                hls.fault("404")
                qtbot.waitUntil(lambda: player.health() is not Health.PLAYING,
                                timeout=int(LEAVE_S * 1000))
                hls.recover()
                qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=BACK_MS)
            player.stop()
        assert player.stats().reconnects >= 3
        with contextlib.suppress(qtbot.TimeoutError):  # the reapers stop them meanwhile
            qtbot.waitUntil(lambda: alive() == before, timeout=10_000)
        assert alive() == before
        assert descriptors() <= fds + 2
        assert os_threads() <= threads + 3
    finally:
        gc.enable()


def test_the_null_player_is_offline_and_says_how_to_get_vlc(qtbot, monkeypatch, clips: Clips):
    monkeypatch.setenv(NO_VLC_ENV, "1")
    player = make_player(SIZE)
    assert isinstance(player, NullPlayer)
    assert player.health() is Health.OFFLINE
    assert "VLC" in player.problem and "install" in player.problem.lower()
    with qtbot.assertNotEmitted(player.frame_ready):
        player.play(PlayableMedia(str(clips.blue)))
    assert player.frame() is None and player.media is not None
    assert player.stats().health == "offline"
    player.set_volume(50)
    assert player.volume() == 50
    player.close()


def test_a_broken_libvlc_gives_the_null_player(tmp_path):
    """python-vlc exits the process on a bad PYTHON_VLC_LIB_PATH: the kiosk must not."""
    import subprocess
    import sys

    code = ("import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from PySide6.QtCore import QSize\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from kiosk.player import make_player\n"
            "p = make_player(QSize(64, 36))\n"
            "print(type(p).__name__, p.health().value)\n"
            "print(p.problem)\n")
    env = {**os.environ, "PYTHON_VLC_LIB_PATH": str(tmp_path / "no-libvlc.so")}
    env.pop(NO_VLC_ENV, None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    kind, health = result.stdout.splitlines()[0].split()
    assert (kind, health) == ("NullPlayer", "offline")
    assert "VLC" in result.stdout.splitlines()[1]


def test_frames_are_painted_without_per_frame_allocation(qtbot, clips: Clips, make_vlc_player):
    """The GUI gets one of three preallocated QImages, never a new buffer per frame."""
    player = make_vlc_player(SIZE)
    images: set[int] = set()
    keys: set[int] = set()

    def on_frame() -> None:
        frame = player.frame()
        if frame is not None:
            images.add(id(frame))
            keys.add(frame.cacheKey())

    player.frame_ready.connect(on_frame)
    player.play(PlayableMedia(str(clips.blue), loop=True))
    qtbot.waitUntil(lambda: player.stats().frames_shown >= 45, timeout=START_MS)
    assert len(images) <= 3 and len(keys) <= 3
