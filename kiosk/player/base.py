"""What every player offers the app: the signals, the stats and the volume, whatever plays."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from kiosk.core.director import Health
from kiosk.core.media import PlayableMedia


@dataclass(frozen=True)
class PlayerStats:
    """The player's figures for the host's diagnostics, published about once a second."""

    health: str
    state: str  # libVLC's own state ("Playing", "Opening", …), or "none"/"unavailable"
    host: str  # the current source's host ("file" for a local file, "" for none)
    input_kbps: float  # what the network delivers, kilobits per second
    frames_displayed: int  # libVLC's displayed pictures, all attempts together
    frames_lost: int  # pictures libVLC dropped (late or corrupt)
    frames_delivered: int  # pictures that reached the kiosk's buffers
    frames_shown: int  # pictures the GUI picked up (at most one per tick)
    reconnects: int  # attempts started after a failure


class PlayerBase(QObject):
    """Signals and state common to ``VlcPlayer`` and ``NullPlayer``.

    - ``health_changed(str)``: a ``Health`` value.
    - ``stats_changed(PlayerStats)``: about once a second while a source is set.
    - ``frame_ready()``: ``frame()`` has changed (a new picture, or None); hand it to the stage.
    - ``source_expired()``: fresh attempts keep failing: resolve the source again and call
      ``play`` with the result (the player keeps retrying the old one meanwhile).
    - ``switched(PlayableMedia)``: a source given to ``play`` while another played is now
      the one shown (a hand-over, or the next source taking the place of a failed one).
    - ``handover_failed(str)``: it failed before it could; the other one plays on (why).
    - ``audio_changed(str)``: no sound device (what to tell the host), or "" once sound is
      back.
    """

    health_changed = Signal(str)
    stats_changed = Signal(object)
    frame_ready = Signal()
    source_expired = Signal()
    switched = Signal(object)  # the PlayableMedia now shown
    handover_failed = Signal(str)
    audio_changed = Signal(object)  # Words, or ""

    # Why there is no video, for the host (empty when the player works).
    problem: str = ""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._health = Health.OFFLINE
        self._volume = 100
        self._muted = False
        self._media: PlayableMedia | None = None

    # ------------------------------------------------------------------ state

    def health(self) -> Health:
        return self._health

    @property
    def media(self) -> PlayableMedia | None:
        """The source asked for (None after ``stop``)."""
        return self._media

    def frame(self) -> QImage | None:
        """The picture to paint now (None: none yet). Valid until the next ``frame_ready``."""
        return None

    def shown_media(self) -> PlayableMedia | None:
        """The source whose pictures ``frame()`` gives (None: none)."""
        return None

    def switching(self) -> bool:
        """A source asked for is starting beside the one shown, to take over once steady."""
        return False

    def volume(self) -> int:
        return self._volume

    def muted(self) -> bool:
        return self._muted

    def set_volume(self, volume: int) -> None:
        """0 (silent) to 100 (full); kept across sources and reconnects."""
        self._volume = max(0, min(100, int(volume)))

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)

    # ------------------------------------------------------------------ helpers

    def _set_health(self, health: Health) -> None:
        if health is not self._health:
            self._health = health
            self.health_changed.emit(health.value)
