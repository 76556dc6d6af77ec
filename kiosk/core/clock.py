"""Clocks: the only things that read time. Everything else takes ``now`` as a parameter."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]

# A rehearsal of an event already over starts this long before the event's start.
REHEARSAL_LEAD = timedelta(minutes=3)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class RehearsalClock:
    """Time that starts at ``start`` and runs ``speed`` times faster than real time."""

    start: datetime
    speed: float = 1.0
    monotonic: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("a rehearsal must start at an aware instant")
        if not self.speed > 0:
            raise ValueError("speed must be above zero")
        self._origin = self.monotonic()

    def __call__(self) -> datetime:
        elapsed = (self.monotonic() - self._origin) * self.speed
        return self.start + timedelta(seconds=elapsed)


def parse_instant(text: str, zone: object) -> datetime:
    """``2021-02-06T17:55`` (in ``zone``) or with an offset (``…+03:00``, ``…Z``) → aware UTC.

    Raises ValueError for text that is no such instant, or one outside 1970–2200.
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "T", 1))
    if not 1970 <= value.year <= 2200:
        raise ValueError(f"{text!r}: the year must be between 1970 and 2200")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)  # type: ignore[arg-type]
    return value.astimezone(UTC)
