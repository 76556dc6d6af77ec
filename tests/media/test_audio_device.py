"""No sound device, or one that comes back: the real libVLC with ALSA pointed at a device
that a config file of the test's own defines or not (ALSA reads its config again when it
changes). Without one, the picture plays on silent, the host is told once, libVLC stops
trying fifty times a second and nothing of ALSA's reaches stderr; once the device is there,
sound comes back by itself, with no gap in the picture."""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSize

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.director import Health
from kiosk.core.eventlog import EventLog
from kiosk.core.health import Backoff
from kiosk.core.media import PlayableMedia
from kiosk.player.vlcplayer import AUDIO_FAILS, NO_SOUND

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA")

DEVICE = "wpk-test-device"
HERE = f"pcm.{DEVICE} {{ type null }}\n"  # a sound device that takes sound and drops it
AT = datetime(2021, 2, 6, 15, 20, tzinfo=UTC)  # 18:20 Moscow time: live


@pytest.fixture
def alsa(tmp_path, monkeypatch):
    """ALSA's whole configuration is this file: empty, there is no device at all."""
    conf = tmp_path / "asound.conf"
    conf.write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(conf))
    return conf


def player_on(make_vlc_player, audio_retry: float = 2.0):
    return make_vlc_player(QSize(640, 360), audio_retry=audio_retry,
                           vlc_args=["--aout=alsa", f"--alsa-audio-device={DEVICE}"])


def demo() -> PlayableMedia:
    return PlayableMedia(url=str(paths.assets() / "demo" / "demo-stream.mp4"), options=(),
                         live=False, loop=True, title="demo clip")


def test_without_a_sound_device_the_picture_plays_on_silent_and_libvlc_stops_trying(
        qtbot, alsa, make_vlc_player, capfd):
    player = player_on(make_vlc_player, audio_retry=60.0)
    said: list[str] = []
    player.audio_changed.connect(said.append)
    started = time.monotonic()
    player.play(demo())
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    noticed = time.monotonic() - started
    assert said == [NO_SOUND]
    qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=10_000)
    # Silent now: libVLC no longer tries to open a device for every block of sound.
    before = player._engine.log.audio_failures()
    delivered = player.stats().frames_delivered
    qtbot.wait(1500)
    assert player._engine.log.audio_failures() - before < AUDIO_FAILS
    assert player.stats().frames_delivered > delivered + 20, "the picture stopped"
    assert player.health() is Health.PLAYING
    assert said == [NO_SOUND], "the host is told once"
    err = capfd.readouterr().err
    assert "ALSA lib" not in err, err[-500:]
    print(f"\nno sound device: noticed after {noticed:.2f} s; {before} failed tries in all, "
          f"then none while silent")


def test_sound_comes_back_by_itself_when_the_device_is_there_again(
        qtbot, alsa, make_vlc_player):
    player = player_on(make_vlc_player)
    said: list[str] = []
    player.audio_changed.connect(said.append)
    player.play(demo())
    qtbot.waitUntil(lambda: said == [NO_SOUND], timeout=5000)
    qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=10_000)
    healths: list[str] = []
    player.health_changed.connect(healths.append)
    alsa.write_text(HERE)  # the TV is switched on again
    back = time.monotonic()
    qtbot.waitUntil(lambda: said == [NO_SOUND, ""], timeout=15_000)
    print(f"\nsound back {time.monotonic() - back:.1f} s after the device came back")
    assert player._engine.current.sound
    assert healths == [], "the picture stopped while sound came back"
    # With a device, no more failed tries.
    before = player._engine.log.audio_failures()
    qtbot.wait(1500)
    assert player._engine.log.audio_failures() == before


def test_a_device_that_went_away_is_noticed_when_the_output_opens_again(
        qtbot, alsa, make_vlc_player, hls):
    """A TV switched off takes its HDMI sound device away; the next time libVLC opens an
    output (here: the live stream reconnecting after its server failed) finds none."""
    alsa.write_text(HERE)
    player = make_vlc_player(QSize(640, 360), audio_retry=60.0,
                             backoff=Backoff(0.5, 1.0, rng=random.Random(1)),
                             vlc_args=["--aout=alsa", f"--alsa-audio-device={DEVICE}"])
    said: list[str] = []
    player.audio_changed.connect(said.append)
    player.play(PlayableMedia(url=hls.url, options=(), live=True, loop=False, title="live"))
    qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=15_000)
    qtbot.wait(500)
    assert said == [] and player._engine.log.audio_failures() == 0
    alsa.write_text("")  # the TV is switched off: its device goes
    hls.fault("404")
    qtbot.waitUntil(lambda: player.health() is not Health.PLAYING, timeout=10_000)
    hls.recover()
    qtbot.waitUntil(lambda: said == [NO_SOUND], timeout=15_000)
    qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=15_000)


def test_the_host_is_told_once_in_the_kiosks_problems_and_it_clears(
        qtbot, alsa, make_vlc_player, tmp_path):
    config = config_module.load(paths.builtin_config())
    player = player_on(make_vlc_player)
    start = time.monotonic()
    kiosk = Kiosk(config, lambda: AT + timedelta(seconds=time.monotonic() - start),
                  rehearsal=True, player=player, state_dir=tmp_path,
                  event_log=EventLog(tmp_path / "events.jsonl"))
    qtbot.addWidget(kiosk.stage)
    try:
        player.play(demo())
        qtbot.waitUntil(lambda: NO_SOUND in kiosk.problems_now(), timeout=5000)
        assert any(b.text.startswith("PROBLEM") for b in kiosk.view.badges)
        alsa.write_text(HERE)
        qtbot.waitUntil(lambda: NO_SOUND not in kiosk.problems_now(), timeout=15_000)
        problems = [line for line in (tmp_path / "events.jsonl").read_text().splitlines()
                    if '"problem"' in line and "audio" in line]
        assert len(problems) == 1, problems
    finally:
        kiosk.request_quit()


def test_a_renewal_on_its_way_when_the_device_goes_comes_silent_and_is_not_lost(
        qtbot, alsa, make_vlc_player, hls, tmp_path):
    """The TV switched off just as the address is renewed: the renewed address is the one
    whose output finds no device. It takes over silent; the old address is not kept on
    until it expires."""
    alsa.write_text(HERE)
    player = make_vlc_player(QSize(640, 360), audio_retry=60.0,
                             vlc_args=["--aout=alsa", f"--alsa-audio-device={DEVICE}"])
    said: list[str] = []
    player.audio_changed.connect(said.append)
    switched: list[str] = []
    player.switched.connect(lambda media: switched.append(media.url))
    old = PlayableMedia(url=hls.url, options=(), live=True, loop=False, title="live")
    player.play(old)
    qtbot.waitUntil(lambda: player.health() is Health.PLAYING, timeout=15_000)
    assert said == []
    alsa.write_text("")  # the TV is switched off: its device goes
    renewed = PlayableMedia(url=hls.url + "?renewed=1", options=(), live=True, loop=False,
                            title="live")
    player.play(renewed)
    assert player.switching()
    qtbot.waitUntil(lambda: said == [NO_SOUND], timeout=15_000)
    qtbot.waitUntil(lambda: player.shown_media() == renewed, timeout=20_000)
    assert switched[-1] == renewed.url
    assert not player._engine.current.sound and player.health() is Health.PLAYING
