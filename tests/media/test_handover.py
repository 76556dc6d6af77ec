"""A new stream address while one plays (a config edit, a renewed YouTube address): the
whole kiosk (director, stream controller, real libVLC player, stage) on two loopback live
HLS servers, one blue and one red. What the stage paints is read off every paint: the hall
sees blue, then red, and never a slide or a black picture between them. A new address that
does not play leaves the old one on the TV until it does."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from mediakit import LIVE_SEGMENTS, HlsServer, hls_segments
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.director import Health
from kiosk.core.eventlog import EventLog
from kiosk.core.health import Backoff
from kiosk.resolver.resolver import Resolver
from kiosk.stream import StreamController

# 18:20 in Moscow: Tsikhanouskaya's address, a live item for the next 15 minutes.
AT = datetime(2021, 2, 6, 15, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def red_segments(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    folder = tmp_path_factory.mktemp("red")
    return tuple(hls_segments(folder, "640x360", LIVE_SEGMENTS, colour="0xe02020"))


@pytest.fixture
def red(red_segments):
    server = HlsServer(red_segments)
    yield server
    server.close()


def colour(image: QImage | None) -> str:
    """What the middle of a painted video frame is: blue, red, black, or none."""
    if image is None or image.isNull():
        return "none"
    pixel = image.pixelColor(image.width() // 2, image.height() // 2)
    r, g, b = pixel.red(), pixel.green(), pixel.blue()
    if max(r, g, b) < 40:
        return "black"
    if b > r + 60:
        return "blue"
    if r > b + 60:
        return "red"
    return f"other({r},{g},{b})"


class Hall:
    """The kiosk on the blue server, and every paint of its stage from now on."""

    def __init__(self, qtbot, make_vlc_player, tmp_path, address: str) -> None:
        builtin = config_module.load(paths.builtin_config())
        self.config = replace(builtin, event=replace(builtin.event, stream=address))
        self.player = make_vlc_player(QSize(640, 360))
        self.stream = StreamController(self.config, self.player, Resolver())
        start = time.monotonic()
        self.kiosk = Kiosk(self.config, lambda: AT + timedelta(seconds=time.monotonic() - start),
                           rehearsal=True, player=self.player, stream=self.stream,
                           state_dir=tmp_path, event_log=EventLog(tmp_path / "events.jsonl"))
        qtbot.addWidget(self.kiosk.stage)
        self.kiosk.stage.resize(640, 360)
        self.kiosk.stage.show()
        self.healths: list[str] = []
        self.stream.health_changed.connect(lambda health: self.healths.append(health.value))
        self.seen: list[tuple[str, str]] = []
        self.kiosk.stage.painted.connect(
            lambda scene: self.seen.append((scene, colour(self.kiosk.stage._video))))
        self.stream.start()
        qtbot.waitUntil(lambda: self.player.health() is Health.PLAYING, timeout=20_000)
        qtbot.waitUntil(lambda: self.kiosk.view.scene == "live"
                        and colour(self.kiosk.stage._video) == "blue", timeout=10_000)
        self.seen.clear()
        self.healths.clear()

    def edit(self, address: str) -> None:
        """The host saves the config with another stream address (the hot-reload path)."""
        self.kiosk.apply_config(replace(self.config, event=replace(self.config.event,
                                                                   stream=address)))

    def close(self) -> None:
        self.kiosk.request_quit()
        self.kiosk.stage.close()


def runs(colours: list[str]) -> list[str]:
    """The colours in the order seen, repeats folded: blue, blue, red → blue, red."""
    folded: list[str] = []
    for c in colours:
        if not folded or folded[-1] != c:
            folded.append(c)
    return folded


def test_a_new_address_takes_over_with_no_slide_and_no_black_between(
        qtbot, hls: HlsServer, red: HlsServer, make_vlc_player, tmp_path):
    hall = Hall(qtbot, make_vlc_player, tmp_path, hls.url)
    try:
        asked = time.monotonic()
        with qtbot.waitSignal(hall.player.switched, timeout=20_000):
            hall.edit(red.url)
            assert hall.player.switching()
            assert "switching to" in hall.stream.status
        took = time.monotonic() - asked
        qtbot.waitUntil(lambda: len(hall.seen) > 0 and hall.seen[-1][1] == "red", timeout=5000)
        qtbot.wait(500)  # and a few more pictures of the new stream
        scenes = {scene for scene, _ in hall.seen}
        assert scenes == {"live"}, f"the hall saw {scenes}"
        assert runs([c for _, c in hall.seen]) == ["blue", "red"], runs(
            [c for _, c in hall.seen])
        assert hall.healths == [], "the stream's health changed during the hand-over"
        assert hall.player.shown_media().url == red.url
        assert "switching" not in hall.stream.status
        print(f"\nnew address: took over after {took:.2f} s, {len(hall.seen)} paints, "
              f"all live, blue then red")
    finally:
        hall.close()


def test_a_new_address_that_does_not_play_leaves_the_old_one_on_until_it_does(
        qtbot, hls: HlsServer, red: HlsServer, make_vlc_player, tmp_path):
    hall = Hall(qtbot, make_vlc_player, tmp_path, hls.url)
    red.fault("404")
    try:
        with qtbot.waitSignal(hall.player.handover_failed, timeout=20_000):
            hall.edit(red.url)
        assert "does not play yet" in hall.stream.status
        assert hall.kiosk.view.scene == "live" and hall.stream.health is Health.PLAYING
        red.recover()
        # The player tries the new address again by itself, and it takes over.
        qtbot.waitSignal(hall.player.switched, timeout=60_000).wait()
        qtbot.waitUntil(lambda: hall.seen[-1][1] == "red", timeout=5000)
        assert {scene for scene, _ in hall.seen} == {"live"}
        assert runs([c for _, c in hall.seen]) == ["blue", "red"]
        assert hall.healths == []
    finally:
        hall.close()


def test_the_current_stream_failing_during_a_hand_over_lets_the_new_one_take_its_place(
        qtbot, hls: HlsServer, red: HlsServer, make_vlc_player, tmp_path):
    hall = Hall(qtbot, make_vlc_player, tmp_path, hls.url)
    switched: list[str] = []
    hall.player.switched.connect(lambda media: switched.append(media.url))
    try:
        red.fault("hang")  # the new one is slow to come
        hall.edit(red.url)
        assert hall.player.switching()
        hls.fault("404")  # and the old one goes
        red.recover()
        qtbot.waitUntil(lambda: hall.player.shown_media() is not None
                        and hall.player.shown_media().url == red.url
                        and hall.player.health() is Health.PLAYING, timeout=30_000)
        qtbot.waitUntil(lambda: hall.kiosk.view.scene == "live"
                        and colour(hall.kiosk.stage._video) == "red", timeout=10_000)
        # Never black or empty: a scene other than live is the slides, never a blank stage.
        live = [c for scene, c in hall.seen if scene == "live"]
        assert "black" not in live and "none" not in live, runs(live)
        # The controller knows the new address is the one on the TV: no "switching to" left,
        # and the next renewal is a renewal, not a switch that could stop the stream.
        assert switched == [red.url]
        assert "switching" not in hall.stream.status
        assert not hall.stream._switching
    finally:
        hall.close()


def test_the_backup_stream_stands_in_while_the_main_one_is_down_and_gives_way_seamlessly(
        qtbot, hls: HlsServer, red: HlsServer, make_vlc_player, tmp_path):
    """The organisers' backup (red) in the config: the main stream (blue) down for five
    seconds brings the backup on; once the main one plays again, it takes over from the
    backup with no slide and no black between them."""
    builtin = config_module.load(paths.builtin_config())
    config = replace(builtin, event=replace(builtin.event, stream=hls.url),
                     stream=replace(builtin.stream, backup=red.url, failover_after=5))
    player = make_vlc_player(QSize(640, 360), backoff=Backoff(0.5, 2.0, rng=random.Random(1)))
    stream = StreamController(config, player, Resolver(), probe_every=3.0)
    start = time.monotonic()
    kiosk = Kiosk(config, lambda: AT + timedelta(seconds=time.monotonic() - start),
                  rehearsal=True, player=player, stream=stream, state_dir=tmp_path,
                  event_log=EventLog(tmp_path / "events.jsonl"))
    qtbot.addWidget(kiosk.stage)
    kiosk.stage.resize(640, 360)
    kiosk.stage.show()
    seen: list[tuple[str, str]] = []
    kiosk.stage.painted.connect(lambda scene: seen.append((scene, colour(kiosk.stage._video))))
    try:
        stream.start()
        qtbot.waitUntil(lambda: kiosk.view.scene == "live"
                        and colour(kiosk.stage._video) == "blue", timeout=20_000)
        down = time.monotonic()
        hls.fault("404")
        qtbot.waitUntil(lambda: kiosk.view.scene == "slides", timeout=10_000)
        qtbot.waitUntil(lambda: kiosk.view.scene == "live"
                        and colour(kiosk.stage._video) == "red", timeout=30_000)
        backup_after = time.monotonic() - down
        assert "playing the backup stream" in (tmp_path / "events.jsonl").read_text()
        assert backup_after >= 5

        seen.clear()
        back = time.monotonic()
        hls.recover()
        qtbot.waitSignal(player.switched, timeout=30_000).wait()
        qtbot.waitUntil(lambda: seen and seen[-1][1] == "blue", timeout=5000)
        main_after = time.monotonic() - back
        assert {scene for scene, _ in seen} == {"live"}, "the hall saw slides on the way back"
        assert runs([c for _, c in seen]) == ["red", "blue"]
        assert stream.source == hls.url and "main stream is back" in stream.status
        print(f"\nbackup: on the TV {backup_after:.1f} s after the main stream went down; the "
              f"main one back on {main_after:.1f} s after it returned, seamlessly")
    finally:
        kiosk.request_quit()
        kiosk.stage.close()
