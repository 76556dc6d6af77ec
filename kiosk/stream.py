"""The stream controller: from what the host typed to pictures, and back again when it breaks.

It turns the configured source into something the player can open (through the resolver for
YouTube), waits and polls while a YouTube stream is upcoming or over, re-resolves before a
signed address expires and whenever the player gives up on one, and reports one ``Health``
for the director. All waiting is done with timers on the GUI thread; nothing here blocks.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.core import paths
from kiosk.core.config import Config
from kiosk.core.director import Health
from kiosk.core.i18n import N_, Words
from kiosk.core.media import PlayableMedia
from kiosk.core.resolve import Resolution, SourceKind, Status, classify, poll_delay, refresh_at

# After the resolver has given up, try again this long later (plus jitter).
RESOLVE_RETRY = 60.0
# A QTimer takes a 32-bit millisecond count; a wait longer than this is re-checked when due.
LONGEST_WAIT = 6 * 3600.0
# While the backup stream plays, the main one is tried again this often (at least).
PROBE_EVERY = 30.0


def demo_clip() -> Path:
    return paths.assets() / "demo" / "demo-stream.mp4"


class StreamController(QObject):
    """Keeps the player fed with a playable address for the configured source.

    With a backup stream in the config (``stream.backup``): when the stream has been down
    (reconnecting or offline) for ``stream.failover_after`` seconds, the other one is played;
    while the backup plays, the main one is tried beside it every so often and takes over
    (the player's seamless hand-over) once it plays steadily again.
    """

    health_changed = Signal(object)  # Health
    # One line for the host: what the stream is doing (Words: said in the kiosk's language).
    status_changed = Signal(object)

    def __init__(
        self,
        config: Config,
        player: Any,
        resolver: Any,
        *,
        source: str | None = None,
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        probe_every: float | None = None,
    ) -> None:
        """``probe_every``: seconds between tries of the main stream while the backup plays
        (default: 30, or twice ``stream.failover_after`` if that is longer)."""
        super().__init__()
        self.config = config
        self.player = player
        self.resolver = resolver
        self.source = source or config.event.stream or str(demo_clip())
        self.main = self.source  # the source to come back to from the backup
        self.kind = classify(self.source)
        self.demo = source is None and config.event.stream is None
        self._overridden = source is not None
        self.wall = wall
        self.rng = rng or random.Random()
        self._probe_seconds = probe_every
        self.health = Health.STARTING
        self.status: str = Words("starting")
        self.resolution: Resolution | None = None
        self._player_health = Health.STARTING
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._waiting = False  # the stream is not live yet (or any more): the player is idle
        # A new address from a config edit: the current stream plays on until the new one
        # shows steady pictures (the player's hand-over), or until it turns out not playable.
        self._switching = False
        # What the status says of the source asked for, once it is the one playing.
        self._source_status: str = self.status
        # The backup: on it, and trying the main one beside it; which source the resolver
        # is working on (a try of the main one and the backup's renewal share it).
        self._on_backup = False
        self._probing = False
        self._resolving: str | None = None
        # The try of the main stream beside the backup: what the player was given, and the
        # address's resolution (its renewal is due from when it takes over).
        self._probe_media: PlayableMedia | None = None
        self._probe_resolution: Resolution | None = None
        self._down = QTimer(self)
        self._down.setSingleShot(True)
        self._probe = QTimer(self)
        self._probe.setSingleShot(True)

        self._timer.timeout.connect(self._on_timer_timeout)
        self._down.timeout.connect(self._on_down_timeout)
        self._probe.timeout.connect(self._on_probe_timeout)
        self.player.health_changed.connect(self._on_player_health_changed)
        self.player.source_expired.connect(self._on_player_source_expired)
        self.player.switched.connect(self._on_player_switched)
        self.player.handover_failed.connect(self._on_player_handover_failed)
        self.resolver.resolved.connect(self._on_resolver_resolved)
        self.resolver.failed.connect(self._on_resolver_failed)

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        problem = getattr(self.player, "problem", "")
        if problem:
            # No libVLC: nothing will ever play. Say so at once rather than "starting…".
            self._waiting = True
            self._set(problem, Health.OFFLINE)
            return
        if self.kind is SourceKind.YOUTUBE:
            self._set(Words("resolving the YouTube address"), self._meanwhile())
            self._resolve(self.source)
            return
        self._play(self._direct(self.source), Words("demo clip") if self.demo
                   else Words("playing {source}", source=self.source), Health.STARTING)

    def set_config(self, config: Config) -> None:
        """The config was edited: new stream settings; a new stream address is played
        (unless --stream chose the source), the current one on the TV until it takes over."""
        before, backup = self.config.event.stream, self.config.stream.backup
        self.config = config
        if self._on_backup and config.stream.backup != backup:
            # The backup was changed or taken away: back to the main stream.
            self._use(self.main, None)
        if config.event.stream == before or self._overridden:
            return
        self.main = config.event.stream or str(demo_clip())
        if self._on_backup:
            if self._probing:
                self._end_probe()  # a try of the old main address in flight is forgotten
            self._probe.start(1000)  # the new main address is tried beside the backup
            return
        self._timer.stop()
        self.resolver.cancel()
        self._resolving = None
        self.source = self.main
        self.kind = classify(self.source)
        self.demo = config.event.stream is None
        self._switching = self._still_playing()
        self._waiting = False
        self.start()

    def stop(self) -> None:
        for timer in (self._timer, self._down, self._probe):
            timer.stop()
        self.resolver.cancel()
        self._resolving = None
        self._switching = self._probing = False
        self.player.stop()

    # ------------------------------------------------------------------ slots

    def _on_resolver_resolved(self, resolution: Resolution) -> None:
        source, self._resolving = self._resolving, None
        if self._probing and source == self.main:
            self._probe_resolved(resolution)
            return
        self.resolution = resolution
        now = self.wall()
        status = resolution.status
        playable = resolution.url is not None and (
            status in (Status.LIVE, Status.NOT_LIVE)  # NOT_LIVE with an address: a video
            or (status is Status.POST_LIVE and self.config.stream.allow_recording))
        if not playable and self._still_playing() and not self._switching:
            # A renewal came back without an address (a rate limit, a bot check) while the
            # current one still plays: keep the hall on the stream and ask again soon.
            self._set(Words("could not renew the address ({reason}); still playing the "
                            "current one", reason=resolution.reason or status.name),
                      Health.PLAYING)
            self._wait(min(RESOLVE_RETRY, poll_delay(resolution, now, self.rng)))
            return
        if playable:
            assert resolution.url is not None
            self._waiting = False
            what = {Status.LIVE: N_("YouTube: live, {height}p"),
                    Status.POST_LIVE: N_("YouTube: the recording, {height}p")}.get(
                        status, N_("YouTube: a video, {height}p"))
            self._play(PlayableMedia(url=resolution.url, options=resolution.options,
                                     live=status is Status.LIVE, loop=False,
                                     title=resolution.title),
                       Words(what, height=resolution.height or "?"), self._player_health)
            when = refresh_at(resolution, now)
            if when is not None:
                self._wait(when - now)
            return
        self._waiting = True
        self._switching = False
        self.player.stop()
        ended = (Words("YouTube: the live stream has ended (playing its recording is switched "
                       "off)")
                 if not self.config.stream.allow_recording
                 else Words("YouTube: the live stream has ended; its recording is not playable "
                            "yet"))
        reasons = {
            Status.UPCOMING: Words("YouTube: the stream has not started yet"),
            Status.POST_LIVE: ended,
            Status.NOT_LIVE: Words("YouTube: nothing is live at this address yet"),
            Status.UNAVAILABLE: Words("YouTube: unavailable ({reason})",
                                      reason=resolution.reason or Words("no reason given")),
        }
        health = Health.STARTING if status is Status.UPCOMING else Health.OFFLINE
        self._set(reasons.get(status, Words("YouTube: not playable")), health)
        self._wait(poll_delay(resolution, now, self.rng))

    def _on_resolver_failed(self, reason: str) -> None:
        source, self._resolving = self._resolving, None
        if self._probing and source == self.main:
            self._probe_failed()
            return
        if self._still_playing() and not self._switching:
            self._set(Words("could not renew the address ({reason}); still playing the "
                            "current one", reason=reason), Health.PLAYING)
            self._wait(RESOLVE_RETRY * self.rng.uniform(0.8, 1.2))
            return
        self._waiting = True
        self._switching = False
        self.player.stop()
        self._set(Words("cannot resolve the stream: {reason}", reason=reason), Health.OFFLINE)
        self._wait(RESOLVE_RETRY * self.rng.uniform(0.8, 1.2))

    def _on_timer_timeout(self) -> None:
        # Time to poll an upcoming stream, or to refresh an address before it expires.
        if self.kind is SourceKind.YOUTUBE:
            self._resolve(self.source)
        else:
            self.start()

    def _on_player_source_expired(self) -> None:
        if self.kind is SourceKind.YOUTUBE:
            self._set(Words("the stream stopped; asking YouTube for a fresh address"),
                      Health.RECONNECTING)
            self._resolve(self.source)

    def _on_player_switched(self, media: object) -> None:
        self._switching = False
        if self._probing and media == self._probe_media:
            # The main stream plays again: it has taken over from the backup.
            self._probing = self._on_backup = False
            self._probe_media = None
            self.source, self.kind, self.demo = self.main, classify(self.main), False
            self._source_status = Words("the main stream is back")
            self._timer.stop()  # the backup's renewal, if any; the main one's is due now
            self.resolution, self._probe_resolution = self._probe_resolution, None
            if self.resolution is not None:
                now = self.wall()
                when = refresh_at(self.resolution, now)
                if when is not None:
                    self._wait(when - now)
        self._set(self._source_status, Health.PLAYING)

    def _on_player_handover_failed(self, reason: str) -> None:
        if self._probing:
            self._probe_failed()
            return
        # The player tries again by itself; the hall keeps the stream it has.
        self._set(Words("the next address does not play yet ({reason}); still showing the "
                        "current one", reason=reason), self._player_health)

    def _on_player_health_changed(self, value: str) -> None:
        self._player_health = Health(value)
        if not self._waiting:
            self._set(self.status, self._player_health)

    # ------------------------------------------------------------------ helpers

    def _still_playing(self) -> bool:
        return not self._waiting and self._player_health is Health.PLAYING

    def _on_down_timeout(self) -> None:
        backup = self.config.stream.backup
        if backup is None or self.health not in (Health.RECONNECTING, Health.OFFLINE):
            return
        seconds = self.config.stream.failover_after
        if self._on_backup:
            self._use(self.main, Words("the backup stream has been down for {seconds} s: "
                                       "trying the main stream", seconds=seconds))
        else:
            self._use(backup, Words("the stream has been down for {seconds} s: playing the "
                                    "backup stream", seconds=seconds))

    def _on_probe_timeout(self) -> None:
        """On the backup, playing: try the main stream beside it."""
        if not self._on_backup or self._probing:
            return
        if not self._still_playing() or self._resolving is not None:
            self._probe.start(self._probe_every())
            return
        self._probing = True
        if classify(self.main) is SourceKind.YOUTUBE:
            self._resolve(self.main)
        else:
            self._probe_play(self._direct(self.main))

    def _probe_resolved(self, resolution: Resolution) -> None:
        if resolution.url is None or resolution.status not in (Status.LIVE, Status.NOT_LIVE):
            self._probe_failed()
            return
        self._probe_resolution = resolution
        self._probe_play(PlayableMedia(url=resolution.url, options=resolution.options,
                                       live=resolution.status is Status.LIVE, loop=False,
                                       title=resolution.title))

    def _probe_play(self, media: PlayableMedia) -> None:
        shown = self.player.shown_media()
        self._probe_media = media
        self.player.play(media)
        if not self.player.switching() and shown is not None and self._probing:
            # It failed at once; the backup's source is the player's again.
            self._probe_failed()

    def _probe_failed(self) -> None:
        """The main stream does not play yet: the backup stays; try again later."""
        self._end_probe()
        self._probe.start(self._probe_every())

    def _end_probe(self) -> None:
        """Forget a try of the main stream: the backup, on the TV, is what the player keeps."""
        if self._resolving is not None and self._resolving != self.source:
            # (The backup's own renewal, if it is being resolved, goes on.)
            self.resolver.cancel()
            self._resolving = None
        self._probing = False
        self._probe_media = self._probe_resolution = None
        shown = self.player.shown_media()
        if shown is not None:
            self.player.play(shown)  # what plays is what the player keeps to

    def _use(self, source: str, why: str | None) -> None:
        """Play ``source`` (the main stream or the backup) from a fresh start."""
        for timer in (self._timer, self._down, self._probe):
            timer.stop()
        self.resolver.cancel()
        self._resolving = None
        self._switching = self._probing = False
        self._probe_media = self._probe_resolution = None
        self._on_backup = source != self.main
        self.source, self.kind, self.demo = source, classify(source), False
        self._waiting = False
        self.player.stop()
        if why is not None:
            self._set(why, Health.STARTING)
        self.start()
        if self._on_backup:
            self._probe.start(self._probe_every())

    def _probe_every(self) -> int:
        seconds = self._probe_seconds or max(PROBE_EVERY, 2.0 * self.config.stream.failover_after)
        return int(seconds * 1000)

    def _resolve(self, source: str) -> None:
        if self._probing and source != self.main and self._resolving == self.main:
            # The backup's own renewal comes first; the main one is tried again later.
            self._probing = False
            self._probe.start(self._probe_every())
        self._resolving = source
        self.resolver.resolve(source)

    def _direct(self, source: str) -> PlayableMedia:
        """What the player opens for an address or file that needs no resolving."""
        demo = self.demo and source == self.source
        return PlayableMedia(url=source, options=(), live=classify(source) is not SourceKind.FILE,
                             loop=demo, title="demo clip" if demo else source)

    def _meanwhile(self) -> Health:
        """The health to show while the next source is being found: PLAYING while a stream
        plays on until it takes over, else STARTING."""
        return Health.PLAYING if self._still_playing() else Health.STARTING

    def _play(self, media: PlayableMedia, status: str, health: Health) -> None:
        """Hand ``media`` to the player and say what it is (``status``, with ``health``);
        while another stream plays on until the new one takes over, say that it is being
        switched to."""
        self._source_status = status
        if self._probing and media != self._probe_media:
            # The backup's own renewal replaces a try of the main stream in the player:
            # that try is over, and made again later.
            self._probing = False
            self._probe_media = self._probe_resolution = None
            self._probe.start(self._probe_every())
        if not self._still_playing():
            self._set(status, health)
            self.player.play(media)
            return
        self.player.play(media)
        if self.player.switching():
            self._set(Words("switching to: {source}", source=status), Health.PLAYING)
        elif self.player.shown_media() == media:
            self._set(status, Health.PLAYING)
        # else: the hand-over failed at once, and its own words stand

    def _wait(self, seconds: float) -> None:
        self._timer.start(int(min(LONGEST_WAIT, max(1.0, seconds)) * 1000))

    def _set(self, status: str, health: Health) -> None:
        if status != self.status:
            self.status = status
            self.status_changed.emit(status)
        if health is not self.health:
            self.health = health
            self.health_changed.emit(health)
        if self.config.stream.backup is None or getattr(self.player, "problem", ""):
            self._down.stop()
        elif health in (Health.RECONNECTING, Health.OFFLINE):
            if not self._down.isActive():
                self._down.start(self.config.stream.failover_after * 1000)
        else:
            self._down.stop()
