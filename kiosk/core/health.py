"""Stream health from delivered frames, and when to try again after a failure.

Pure: no Qt, no libVLC, no clock. Every method takes ``now`` in seconds from a monotonic clock.
libVLC's own events are not enough: a hung server gives no event at all and the state stays
Playing (notes/vlc-and-youtube.md §3), so health is judged by frames actually delivered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from kiosk.core.director import Health

Jitter = Literal["full", "decorrelated"]


class Watchdog:
    """Turns "frames delivered so far" into STARTING, PLAYING or STALLED.

    - STARTING after ``reset`` until frames flow steadily: at least ``steady_frames`` frames
      over at least ``steady_for`` seconds with no gap longer than ``max_gap``.
    - PLAYING from then on while frames keep coming; a hiccup shorter than ``stall_after``
      does not count.
    - STALLED when no new frame came for ``stall_after`` seconds; before the first frame,
      when the player has said Playing for ``stall_after`` seconds without a frame, or when
      nothing at all came within ``start_timeout`` of ``reset``.

    Call ``update`` often (at least every ``max_gap`` / 2 seconds). A stall ends only when
    frames flow steadily again.
    """

    def __init__(self, *, stall_after: float = 3.0, start_timeout: float = 10.0,
                 steady_frames: int = 10, steady_for: float = 1.0, max_gap: float = 1.0) -> None:
        if min(stall_after, start_timeout, steady_for, max_gap) <= 0 or steady_frames < 1:
            raise ValueError("watchdog times must be positive and steady_frames at least 1")
        self.stall_after = stall_after
        self.start_timeout = start_timeout
        self.steady_frames = steady_frames
        self.steady_for = steady_for
        self.max_gap = max_gap
        self._started_at: float | None = None
        self._frames = 0
        self._last_frame_at: float | None = None
        self._run_start = 0.0
        self._run_frames = 0
        self._steady = False
        self._playing_since: float | None = None
        self._health = Health.STARTING

    @property
    def health(self) -> Health:
        """The result of the latest ``update``."""
        return self._health

    @property
    def last_frame_at(self) -> float | None:
        """When the latest new frame was seen (None: none since ``reset``)."""
        return self._last_frame_at

    @property
    def started_at(self) -> float | None:
        return self._started_at

    def reset(self, now: float, frames: int = 0) -> None:
        """A fresh attempt starts at ``now``; ``frames`` is the counter's value at that moment."""
        self._started_at = now
        self._frames = frames
        self._last_frame_at = None
        self._run_start = now
        self._run_frames = 0
        self._steady = False
        self._playing_since = None
        self._health = Health.STARTING

    def update(self, now: float, frames: int, playing: bool) -> Health:
        """The health at ``now``, given the frame counter and whether libVLC says Playing."""
        if self._started_at is None:
            self.reset(now, frames)
        new = frames - self._frames if frames > self._frames else 0
        self._frames = frames  # a counter that went backwards is a new baseline
        if new:
            if self._last_frame_at is None or now - self._last_frame_at > self.max_gap:
                self._run_start = now
                self._run_frames = 0
            self._run_frames += new
            self._last_frame_at = now
        if not playing:
            self._playing_since = None
        elif self._playing_since is None:
            self._playing_since = now
        self._health = self._judge(now)
        return self._health

    def _judge(self, now: float) -> Health:
        assert self._started_at is not None
        last = self._last_frame_at
        if last is None:
            said_playing = (self._playing_since is not None
                            and now - self._playing_since >= self.stall_after)
            if said_playing or now - self._started_at >= self.start_timeout:
                return Health.STALLED
            return Health.STARTING
        if now - last >= self.stall_after:
            self._steady = False
            return Health.STALLED
        if not self._steady and (self._run_frames >= self.steady_frames
                                 and last - self._run_start >= self.steady_for):
            self._steady = True
        return Health.PLAYING if self._steady else Health.STARTING


class Backoff:
    """Exponential backoff with jitter: how long to wait before the next attempt.

    ``full``: uniform in [0, min(cap, base·2^n)]. ``decorrelated`` (the default): uniform in
    [base, 3 × the previous delay], capped; it never retries sooner than ``base``.
    """

    def __init__(self, base: float = 1.0, cap: float = 30.0, *, rng: random.Random | None = None,
                 jitter: Jitter = "decorrelated") -> None:
        if not 0 < base <= cap:
            raise ValueError("backoff needs 0 < base <= cap")
        if jitter not in ("full", "decorrelated"):
            raise ValueError(f"unknown jitter {jitter!r}")
        self.base = base
        self.cap = cap
        self.jitter: Jitter = jitter
        self._rng = rng if rng is not None else random.Random()
        self._attempts = 0
        self._previous = base

    @property
    def attempts(self) -> int:
        """Delays handed out since the last ``reset``."""
        return self._attempts

    def next_delay(self) -> float:
        if self.jitter == "full":
            ceiling = self.cap if self._attempts >= 64 else min(self.cap,
                                                                  self.base * 2 ** self._attempts)
            delay = self._rng.uniform(0.0, ceiling)
        else:
            delay = min(self.cap, self._rng.uniform(self.base, self._previous * 3))
        self._previous = max(self.base, delay)
        self._attempts += 1
        return delay

    def reset(self) -> None:
        """Playback is steady again: the next failure starts from the base delay."""
        self._attempts = 0
        self._previous = self.base


@dataclass(frozen=True)
class Retry:
    """What to do after a failed attempt."""

    delay: float  # seconds to wait before the next attempt with a fresh media
    source_expired: bool  # ask for the source to be resolved again (its URL may have expired)
    failures: int  # failed attempts in this outage


class Recovery:
    """The reconnect ladder around a source.

    Each failure waits a backoff delay, then tries again with a fresh media. Every
    ``fresh_retries`` failures of one source, the source is declared expired so its owner
    can resolve it again (a new ``begin`` resets that count), but not again within
    ``expire_every`` seconds of the last time: retries may be quick and cheap, asking
    YouTube again is neither. An outage that has lasted ``offline_after`` seconds is OFFLINE
    rather than RECONNECTING; retrying never stops.
    """

    def __init__(self, backoff: Backoff | None = None, *, fresh_retries: int = 2,
                 offline_after: float = 60.0, expire_every: float = 0.0) -> None:
        if fresh_retries < 1 or offline_after <= 0 or expire_every < 0:
            raise ValueError("fresh_retries must be at least 1, offline_after positive and "
                             "expire_every not negative")
        self.backoff = backoff if backoff is not None else Backoff()
        self.fresh_retries = fresh_retries
        self.offline_after = offline_after
        self.expire_every = expire_every
        self._outage_since: float | None = None
        self._failures = 0
        self._source_failures = 0
        self._expired_at: float | None = None

    @property
    def in_outage(self) -> bool:
        return self._outage_since is not None

    @property
    def outage_since(self) -> float | None:
        return self._outage_since

    def begin(self) -> None:
        """A new (or newly resolved) source: it gets its own ``fresh_retries`` attempts.

        An outage in progress goes on: its clock and its backoff are kept.
        """
        self._source_failures = 0

    def failed(self, now: float, since: float | None = None) -> Retry:
        """An attempt failed at ``now``; ``since`` is when frames were last seen, if ever."""
        if self._outage_since is None:
            self._outage_since = min(now, since) if since is not None else now
        self._failures += 1
        self._source_failures += 1
        expired = (self._source_failures >= self.fresh_retries
                   and (self._expired_at is None or now - self._expired_at >= self.expire_every))
        if expired:
            self._expired_at = now
            self._source_failures = 0
        return Retry(self.backoff.next_delay(), expired, self._failures)

    def succeeded(self) -> None:
        """Frames flow steadily again: the outage is over."""
        self._outage_since = None
        self._failures = 0
        self._source_failures = 0
        self._expired_at = None
        self.backoff.reset()

    def health(self, now: float) -> Health | None:
        """RECONNECTING or OFFLINE during an outage; None outside one."""
        if self._outage_since is None:
            return None
        if now - self._outage_since >= self.offline_after:
            return Health.OFFLINE
        return Health.RECONNECTING
