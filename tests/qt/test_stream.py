"""The stream controller with the real resolver: YouTube answers come from recorded yt-dlp
info dicts, handed over by a stand-in yt-dlp program (the one thing that cannot run here)."""

from __future__ import annotations

import json
import random
import stat
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.actions import Action
from kiosk.core.director import Health
from kiosk.core.eventlog import EventLog
from kiosk.core.resolve import Status, interpret
from kiosk.operator.panel import OperatorPanel
from kiosk.player import NullPlayer
from kiosk.resolver.resolver import Resolver
from kiosk.stream import StreamController

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ytdlp"
WATCH = "https://www.youtube.com/watch?v=abcdefghijk"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stand-in yt-dlp uses a shebang")


class StandInPlayer(NullPlayer):
    """The null player without its "no libVLC" problem: it takes what it is asked to play
    and plays nothing, so the controller's choices can be read off ``media``."""

    def __init__(self) -> None:
        super().__init__()
        self.problem = ""


def stand_in_ytdlp(tmp_path: Path, fixture: str | Path) -> tuple[Path, Path]:
    """A program that answers like `yt-dlp -J` with a recorded info dict, counting its calls."""
    calls = tmp_path / "calls.txt"
    program = tmp_path / "yt-dlp"
    program.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys
        with open({str(calls)!r}, "a") as log:
            log.write(" ".join(sys.argv[1:]) + "\\n")
        sys.stdout.write(open({str(FIXTURES / fixture)!r}, encoding="utf-8").read())
    """), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program, calls


@pytest.fixture
def config():
    return config_module.load(paths.builtin_config())


def make(config, tmp_path, fixture, *, wall=1_600_000_000.0, **stream_settings):
    """A controller on the real resolver, the stand-in yt-dlp and the null player; ``wall``
    is the real time it believes it is (unix seconds)."""
    program, calls = stand_in_ytdlp(tmp_path, fixture)
    if stream_settings:
        config = replace(config, stream=replace(config.stream, **stream_settings))
    player = StandInPlayer()
    resolver = Resolver(ytdlp=str(program), timeout=20, attempts=1, rng=random.Random(1))
    stream = StreamController(config, player, resolver, source=WATCH, wall=lambda: wall,
                              rng=random.Random(2))
    return stream, player, resolver, calls


def wait_resolved(qtbot, resolver, stream):
    with qtbot.waitSignal(resolver.resolved, timeout=20000):
        stream.start()


def test_a_live_stream_is_played_with_yt_dlps_headers_and_renewed_before_it_expires(
        qtbot, config, tmp_path):
    info = json.loads((FIXTURES / "youtube_live_hls.json").read_text(encoding="utf-8"))
    expiry = interpret(info, max_height=1080).expires_at
    assert expiry is not None
    now = expiry - 5 * 3600  # five hours before the signed address expires
    stream, player, resolver, calls = make(config, tmp_path, "youtube_live_hls.json", wall=now)
    try:
        wait_resolved(qtbot, resolver, stream)
        media = player.media
        assert media is not None and media.live and not media.loop
        assert stream.resolution.status is Status.LIVE
        assert media.url == stream.resolution.url
        assert "googlevideo.com" in media.url or "youtube.com" in media.url
        agents = {f["http_headers"]["User-Agent"] for f in info["formats"]
                  if "User-Agent" in f.get("http_headers", {})}
        assert agents, "the recorded formats carry yt-dlp's headers"
        assert any(f":http-user-agent={agent}" in media.options for agent in agents)
        assert stream._timer.isActive(), "a renewal before the address expires is scheduled"
        expires = stream.resolution.expires_at
        assert expires is not None
        expected = expires - 600 - now
        assert abs(stream._timer.interval() / 1000 - expected) < 2
        assert calls.read_text(encoding="utf-8").count("\n") == 1
    finally:
        stream.stop()


def test_an_upcoming_stream_waits_on_the_slides_and_polls(qtbot, config, tmp_path):
    stream, player, resolver, _ = make(config, tmp_path, "youtube_upcoming.json")
    try:
        wait_resolved(qtbot, resolver, stream)
        assert stream.resolution.status is Status.UPCOMING
        assert stream.health is Health.STARTING
        assert "not started" in stream.status
        assert player.media is None
        assert stream._timer.isActive()
        assert 10 <= stream._timer.interval() / 1000 <= 130
    finally:
        stream.stop()


@pytest.mark.parametrize("allow", [False, True])
def test_a_finished_stream_without_a_recording_yet_waits(qtbot, config, tmp_path, allow):
    stream, player, resolver, _ = make(config, tmp_path, "youtube_post_live.json",
                                       allow_recording=allow)
    try:
        wait_resolved(qtbot, resolver, stream)
        assert stream.resolution.status is Status.POST_LIVE
        assert player.media is None
        assert stream.health is Health.OFFLINE
        assert "ended" in stream.status
        assert stream._timer.isActive()
    finally:
        stream.stop()


@pytest.mark.parametrize(("allow", "plays"), [(False, False), (True, True)])
def test_a_recording_plays_only_when_the_host_allows_it(qtbot, config, tmp_path, allow,
                                                          plays):
    # A recorded video's info dict, marked as a finished live stream.
    info = json.loads((FIXTURES / "youtube_normal_video.json").read_text(encoding="utf-8"))
    info["live_status"] = "was_live"
    (tmp_path / "was_live.json").write_text(json.dumps(info), encoding="utf-8")
    stream, player, resolver, _ = make(config, tmp_path, tmp_path / "was_live.json",
                                       allow_recording=allow)
    try:
        wait_resolved(qtbot, resolver, stream)
        assert stream.resolution.status is Status.POST_LIVE
        assert (player.media is not None) is plays
        if plays:
            assert not player.media.live and "the recording" in stream.status
    finally:
        stream.stop()


def test_a_channel_with_nothing_live_keeps_polling(qtbot, config, tmp_path):
    stream, player, resolver, _ = make(config, tmp_path, "youtube_channel_not_live.json")
    try:
        wait_resolved(qtbot, resolver, stream)
        assert stream.health is Health.OFFLINE
        assert player.media is None
        assert stream._timer.isActive()
    finally:
        stream.stop()


def test_the_player_giving_up_asks_youtube_again(qtbot, config, tmp_path):
    stream, player, resolver, calls = make(config, tmp_path, "youtube_live_hls.json")
    try:
        wait_resolved(qtbot, resolver, stream)
        with qtbot.waitSignal(resolver.resolved, timeout=20000):
            player.source_expired.emit()
        assert stream.health is not Health.PLAYING
        assert calls.read_text(encoding="utf-8").count("\n") == 2
    finally:
        stream.stop()


def test_a_file_or_the_demo_clip_needs_no_resolver(qtbot, config, tmp_path):
    player = StandInPlayer()
    resolver = Resolver()
    stream = StreamController(config, player, resolver)
    with qtbot.assertNotEmitted(resolver.resolved):
        stream.start()
    media = player.media
    assert media.url.endswith("demo-stream.mp4") and media.loop
    assert not resolver.busy
    stream.stop()


class PlayingPlayer(StandInPlayer):
    """Also reports that its stream plays (the health a real player would send)."""

    def play(self, media):
        super().play(media)
        self.health_changed.emit("playing")


@pytest.mark.parametrize("answer", ["youtube_private_video.json", "crash"])
def test_a_failed_renewal_keeps_a_playing_stream_on_screen(qtbot, config, tmp_path, answer):
    live, _ = stand_in_ytdlp(tmp_path, "youtube_live_hls.json")
    player = PlayingPlayer()
    resolver = Resolver(ytdlp=str(live), timeout=20, attempts=1, rng=random.Random(1))
    stream = StreamController(config, player, resolver, source=WATCH, wall=lambda: 1.6e9,
                              rng=random.Random(2))
    try:
        wait_resolved(qtbot, resolver, stream)
        assert stream.health is Health.PLAYING
        playing = player.media
        # The renewal now meets a refusal (an unavailable answer, or yt-dlp crashing).
        if answer == "crash":
            live.write_text(f"#!{sys.executable}\nimport sys\nsys.exit(1)\n", encoding="utf-8")
            signal = resolver.failed
        else:
            stand_in_ytdlp(tmp_path, answer)
            signal = resolver.resolved
        with qtbot.waitSignal(signal, timeout=20000):
            stream._on_timer_timeout()  # the renewal timer fires
        assert stream.health is Health.PLAYING
        assert player.media is playing, "the stream that still plays was stopped"
        assert "still playing" in stream.status
        assert 10 <= stream._timer.interval() / 1000 <= 75, "it asks again soon"
    finally:
        stream.stop()


def test_without_libvlc_the_stream_is_offline_at_once_and_says_why(qtbot, config):
    player = NullPlayer(problem="No video: install VLC")
    stream = StreamController(config, player, Resolver())
    with qtbot.waitSignal(stream.health_changed, timeout=1000):
        stream.start()
    assert stream.health is Health.OFFLINE
    assert "install VLC" in stream.status


def test_the_streams_state_reaches_the_host_in_the_kiosk_language(qtbot, config, tmp_path):
    """The status goes from the controller to the kiosk as Words (a queued signal of an
    object): the diagnostics card and the host panel say it in Belarusian."""
    stream, player, resolver, _ = make(config, tmp_path, "youtube_upcoming.json")
    kiosk = Kiosk(config, lambda: datetime(2021, 2, 6, 14, 50, tzinfo=UTC), rehearsal=True,
                  event_log=EventLog(None), state_dir=tmp_path, player=player, stream=stream,
                  lang=("be",))
    qtbot.addWidget(kiosk.stage)
    try:
        wait_resolved(qtbot, resolver, stream)
        assert kiosk.stream_status == "YouTube: the stream has not started yet"
        kiosk.trigger(Action.DIAGNOSTICS)
        rows = dict(kiosk.view.diagnostics)
        assert rows["Трансляцыя"] == "YouTube: трансляцыя яшчэ не пачалася"
        assert rows["Стан"] == "запуск"
        panel = OperatorPanel(kiosk)
        qtbot.addWidget(panel)
        panel.refresh()
        assert panel.stream.text() == "запуск · YouTube: трансляцыя яшчэ не пачалася"
    finally:
        stream.stop()
        kiosk.request_quit()


class HandOverPlayer(StandInPlayer):
    """Plays like the real player as the controller sees it: a source asked for while one
    plays is pending beside it until the test lets it take over (``switched``)."""

    def __init__(self) -> None:
        super().__init__()
        self.shown = None
        self.pending = None

    def play(self, media):
        self._media = media
        if self.shown is not None and self.health() is Health.PLAYING and media != self.shown:
            self.pending = media
            return
        self.pending = None
        self.shown = media
        self._set_health(Health.PLAYING)

    def stop(self):
        super().stop()
        self.shown = self.pending = None

    def shown_media(self):
        return self.shown

    def switching(self):
        return self.pending is not None

    def take_over(self, media=None):
        """The pending source's pictures are steady (or ``media`` took over instead)."""
        media = media if media is not None else self.pending
        self.shown, self.pending = media, None
        self.switched.emit(media)


MAIN = "https://www.youtube.com/watch?v=mainmainmai"
BACKUP = "https://www.youtube.com/watch?v=backupbacku"


def per_address_ytdlp(tmp_path: Path, fixture: str) -> tuple[Path, Path]:
    """Like ``stand_in_ytdlp``, but each watch address gets addresses of its own (the
    recorded ones, marked with the video's id), as two streams would."""
    calls = tmp_path / "calls.txt"
    program = tmp_path / "yt-dlp"
    program.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import json, sys
        with open({str(calls)!r}, "a") as log:
            log.write(" ".join(sys.argv[1:]) + "\\n")
        video = sys.argv[-1].rsplit("=", 1)[-1]
        info = json.load(open({str(FIXTURES / fixture)!r}, encoding="utf-8"))
        for place in [info, *info.get("formats", [])]:
            for key in ("url", "manifest_url"):
                if key in place:
                    place[key] += "&for=" + video
        json.dump(info, sys.stdout)
    """), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program, calls


def on_the_backup(qtbot, config, tmp_path):
    """A controller playing the backup (the main stream was down), trying the main one."""
    info = json.loads((FIXTURES / "youtube_live_hls.json").read_text(encoding="utf-8"))
    now = interpret(info, max_height=1080).expires_at - 5 * 3600
    program, calls = per_address_ytdlp(tmp_path, "youtube_live_hls.json")
    config = replace(config, event=replace(config.event, stream=MAIN),
                     stream=replace(config.stream, backup=BACKUP, failover_after=5))
    player = HandOverPlayer()
    resolver = Resolver(ytdlp=str(program), timeout=20, attempts=1, rng=random.Random(1))
    stream = StreamController(config, player, resolver, wall=lambda: now,
                              rng=random.Random(2), probe_every=3600)
    with qtbot.waitSignal(resolver.resolved, timeout=20000):
        stream._use(BACKUP, None)
    assert stream._on_backup and player.shown is not None
    return stream, player, resolver, calls, config, now


def test_the_main_stream_back_from_the_backup_is_the_one_only_its_own_switch_brings(
        qtbot, config, tmp_path):
    stream, player, resolver, _, _, now = on_the_backup(qtbot, config, tmp_path)
    try:
        backup_media = player.shown
        with qtbot.waitSignal(resolver.resolved, timeout=20000):
            stream._on_probe_timeout()  # time to try the main stream beside the backup
        assert stream._probing and player.pending is not None
        probe = player.pending
        # Another source taking over meanwhile (a silent copy of the backup, its picture
        # shape put right) is not the main stream coming back.
        player.take_over(backup_media)
        assert stream._on_backup and stream.source == BACKUP
        player.take_over(probe)
        assert not stream._on_backup and stream.source == MAIN
        assert "main stream is back" in stream.status
        # The main address's renewal is due before it expires, from its own resolution.
        assert stream.resolution is not None and stream.resolution.url == probe.url
        expected = stream.resolution.expires_at - 600 - now
        assert stream._timer.isActive() and abs(stream._timer.interval() / 1000 - expected) < 2
    finally:
        stream.stop()


def test_a_new_main_address_during_a_try_of_the_old_one_is_tried_instead(
        qtbot, config, tmp_path):
    stream, player, resolver, calls, config, _ = on_the_backup(qtbot, config, tmp_path)
    try:
        stream._on_probe_timeout()  # the old main address is being resolved
        assert stream._probing and stream._resolving == MAIN
        new_main = "https://www.youtube.com/watch?v=newmainaddr"
        stream.set_config(replace(config, event=replace(config.event, stream=new_main)))
        # The try of the old address is forgotten; the new one is tried in a second.
        assert not stream._probing and stream._resolving is None
        assert player.pending is None and stream._probe.isActive()
        assert stream._probe.interval() == 1000
        with qtbot.waitSignal(resolver.resolved, timeout=20000):
            stream._probe.timeout.emit()
        assert new_main in calls.read_text(encoding="utf-8").splitlines()[-1]
        assert stream._probing and player.pending is not None
        player.take_over()
        assert stream.source == new_main and not stream._on_backup
    finally:
        stream.stop()
