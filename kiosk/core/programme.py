"""The running order: items on the time line, phases, now/next, countdowns and delays.

Every instant here is an aware datetime in UTC. Arithmetic in UTC is elapsed time, so a
programme that crosses a daylight-saving change keeps its real durations; time zones only
matter when a time is shown to people (see ``clock_text``), in the hall's language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from kiosk.core.i18n import ENGLISH, Language


class Kind(StrEnum):
    SESSION = "session"
    BREAK = "break"
    AWARDS = "awards"
    CONCERT = "concert"


class Phase(StrEnum):
    BEFORE = "before"
    ITEM = "item"
    BREAK = "break"
    AFTER = "after"


@dataclass(frozen=True)
class Item:
    title: str
    kind: Kind
    start: datetime
    end: datetime
    speaker: str = ""
    subtitle: str = ""

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Delay:
    """Everything from ``since`` on happens ``by`` later (``by`` may not be negative)."""

    by: timedelta
    since: datetime


@dataclass(frozen=True)
class Programme:
    start: datetime
    end: datetime
    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        for instant in (self.start, self.end, *(i.start for i in self.items)):
            if instant.tzinfo is None:
                raise ValueError("programme instants must be time-zone aware")

    def boundaries(self) -> tuple[datetime, ...]:
        """Every instant at which the phase or the current item can change, sorted."""
        points = {self.start, self.end}
        for item in self.items:
            points.add(item.start)
            points.add(item.end)
        return tuple(sorted(points))

    def next_boundary(self, now: datetime) -> datetime | None:
        for point in self.boundaries():
            if point > now:
                return point
        return None

    def delayed(self, delay: Delay | None) -> Programme:
        """The programme as it runs with ``delay``.

        An item under way at ``since`` runs longer; items (and the event's start and end) at or
        after ``since`` move later. Nothing before ``since`` changes.
        """
        if delay is None or not delay.by:
            return self
        if delay.by < timedelta(0):
            raise ValueError("a delay cannot be negative")

        def shift(instant: datetime) -> datetime:
            return instant + delay.by if instant >= delay.since else instant

        items = tuple(replace(i, start=shift(i.start), end=shift(i.end)) for i in self.items)
        return Programme(shift(self.start), shift(self.end), items)


@dataclass(frozen=True)
class Moment:
    """Where the programme stands at one instant."""

    now: datetime
    phase: Phase
    current: Item | None
    next: Item | None
    # Time left until the next item starts, and until the event starts (None once passed).
    until_next: timedelta | None
    until_start: timedelta | None
    # The next instant at which any of this can change.
    next_boundary: datetime | None
    # Time left in the current item, when there is one.
    remaining: timedelta | None


def at(programme: Programme, now: datetime) -> Moment:
    """The phase, current and next item at ``now`` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    now = now.astimezone(UTC)
    current = next((i for i in programme.items if i.start <= now < i.end), None)
    upcoming = next((i for i in programme.items if i.start > now), None)
    if now < programme.start:
        phase = Phase.BEFORE
    elif now >= programme.end:
        phase = Phase.AFTER
        current = None
        upcoming = None
    elif current is not None and current.kind is not Kind.BREAK:
        phase = Phase.ITEM
    else:
        phase = Phase.BREAK
    return Moment(
        now=now,
        phase=phase,
        current=current,
        next=upcoming,
        until_next=(upcoming.start - now) if upcoming is not None else None,
        until_start=(programme.start - now) if now < programme.start else None,
        next_boundary=programme.next_boundary(now),
        remaining=(current.end - now) if current is not None else None,
    )


def countdown_text(left: timedelta, lang: Language | None = None) -> str:
    """``1:02:03`` / ``02:03`` / ``2 days 03:04:05``; seconds round up so 0 shows only at zero."""
    seconds = max(0, int(-(-left.total_seconds() // 1)))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    if days:
        clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
        lang = lang or ENGLISH.primary
        # TRANSLATORS: a countdown longer than a day, e.g. "2 days 03:04:05".
        return lang.ngettext("{days} day {clock}", "{days} days {clock}", days).format(
            days=days, clock=clock)
    return clock


def clock_text(instant: datetime, zone: tzinfo, *, seconds: bool = False,
               lang: Language | None = None) -> str:
    """The wall-clock time of ``instant`` in ``zone``, as ``lang`` writes it (24-hour in
    every language the kiosk speaks)."""
    return (lang or ENGLISH.primary).time(instant, zone, seconds=seconds)


def day_text(instant: datetime, zone: tzinfo, lang: Language | None = None) -> str:
    """``Sat 6 Feb`` in ``zone``, as ``lang`` writes it."""
    return (lang or ENGLISH.primary).day(instant, zone)
