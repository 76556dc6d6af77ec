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


def demo_clip() -> Path:
    return paths.assets() / "demo" / "demo-stream.mp4"


class StreamController(QObject):
    """Keeps the player fed with a playable address for the configured source."""

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
    ) -> None:
        super().__init__()
        self.config = config
        self.player = player
        self.resolver = resolver
        self.source = source or config.event.stream or str(demo_clip())
        self.kind = classify(self.source)
        self.demo = source is None and config.event.stream is None
        self._overridden = source is not None
        self.wall = wall
        self.rng = rng or random.Random()
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

        self._timer.timeout.connect(self._on_timer_timeout)
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
            self.resolver.resolve(self.source)
            return
        live = self.kind is not SourceKind.FILE
        media = PlayableMedia(url=self.source, options=(), live=live, loop=self.demo,
                              title="demo clip" if self.demo else self.source)
        self._play(media, Words("demo clip") if self.demo
                   else Words("playing {source}", source=self.source), Health.STARTING)

    def set_config(self, config: Config) -> None:
        """The config was edited: new stream settings; a new stream address is played
        (unless --stream chose the source), the current one on the TV until it takes over."""
        before = self.config.event.stream
        self.config = config
        if config.event.stream == before or self._overridden:
            return
        self._timer.stop()
        self.resolver.cancel()
        self.source = config.event.stream or str(demo_clip())
        self.kind = classify(self.source)
        self.demo = config.event.stream is None
        self._switching = self._still_playing()
        self._waiting = False
        self.start()

    def stop(self) -> None:
        self._timer.stop()
        self.resolver.cancel()
        self._switching = False
        self.player.stop()

    # ------------------------------------------------------------------ slots

    def _on_resolver_resolved(self, resolution: Resolution) -> None:
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
            self.resolver.resolve(self.source)
        else:
            self.start()

    def _on_player_source_expired(self) -> None:
        if self.kind is SourceKind.YOUTUBE:
            self._set(Words("the stream stopped; asking YouTube for a fresh address"),
                      Health.RECONNECTING)
            self.resolver.resolve(self.source)

    def _on_player_switched(self) -> None:
        self._switching = False
        self._set(self._source_status, Health.PLAYING)

    def _on_player_handover_failed(self, reason: str) -> None:
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

    def _meanwhile(self) -> Health:
        """The health to show while the next source is being found: PLAYING while a stream
        plays on until it takes over, else STARTING."""
        return Health.PLAYING if self._still_playing() else Health.STARTING

    def _play(self, media: PlayableMedia, status: str, health: Health) -> None:
        """Hand ``media`` to the player and say what it is (``status``, with ``health``);
        while another stream plays on until the new one takes over, say that it is being
        switched to."""
        self._source_status = status
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
