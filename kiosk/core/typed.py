"""Times of day and durations as hosts type them into the event editor (18.00, 6:30pm, 1h30)."""

from __future__ import annotations

import re
import unicodedata
from datetime import time, timedelta

from kiosk.core.schema import format_duration

__all__ = ["TypedError", "format_clock", "format_duration", "parse_clock", "parse_duration"]

# A typed value is quoted back in the message under its field: long pastes are cut.
_SHOWN = 30
_CLOCK_EXAMPLE = "write it like 18:30 or 6:30pm"
_DURATION_EXAMPLE = "write it like 45m, 1h30 or 1:30"
MAX_DURATION = timedelta(hours=24)

# "6pm", "6 pm", "6.30 p.m.": the am/pm half of the day, after the clock part.
_HALF = re.compile(r"(?P<body>.*?)\s*(?P<half>[ap])\.?\s*m\.?")
# 18, 18h, 18:00, 18.00, 18,00, 18h30, 18 h 30, 18:00:30, and a trailing "h" or "Uhr" as
# French and German hosts write it (18:00 h, 18 Uhr).
_CLOCK = re.compile(
    r"(?P<h>\d{1,2})"
    r"(?:\s*(?:[:.,]|h)\s*(?P<m>\d{2})(?:\s*[:.,]\s*(?P<s>\d{2}))?)?"
    r"(?:\s*(?:h|uhr))?")
# 1800, 930: hours and minutes run together, as timetables print them.
_COMPACT = re.compile(r"(?P<hm>\d{3,4})(?:\s*(?:h|uhr))?")

# h:mm or h:mm:ss: a duration written as a clock face shows it.
_CLOCK_DURATION = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?")
# One number and its unit (if any) of a duration: "1h", "30 min", "1,5 Std.".
_PART = re.compile(r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>[^\W\d_]+\.?)?\s*")
# The unit words hosts write, English and the short forms of the kiosk's other languages;
# a trailing dot (мин., Std.) is dropped before the look-up.
_UNITS: dict[str, int] = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "ч", "час", "гадз", "год", "godz",
                     "val", "std", "stunde", "stunden"), 3600),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "мин", "мін", "хв"), 60),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds", "с", "сек", "sek"), 1),
}


# Longer than this, what was typed is no time or duration (and is not read as numbers).
LONGEST_TYPED = 40


class TypedError(ValueError):
    """A typed value that is not understood; its text is a short sentence for the host."""


def parse_clock(text: str) -> time:
    """A time of day as people type it: 18:00, 18.00, 1800, 18h30, 6pm, 6:30 p.m., 12am."""
    value = _normal(text)
    shown = _shown(text)
    if not value:
        raise TypedError(f"no time given: {_CLOCK_EXAMPLE}")
    if len(value) > LONGEST_TYPED:
        raise TypedError(f'"{shown}" is not a time: {_CLOCK_EXAMPLE}')
    half = _HALF.fullmatch(value)
    body = half["body"] if half else value
    match = _CLOCK.fullmatch(body)
    if match:
        hours, minutes, seconds = (int(match[g] or 0) for g in ("h", "m", "s"))
    elif (compact := _COMPACT.fullmatch(body)) is not None:
        hours, minutes = divmod(int(compact["hm"]), 100)
        seconds = 0
    else:
        raise TypedError(f'"{shown}" is not a time: {_CLOCK_EXAMPLE}')
    if half:
        if not 1 <= hours <= 12:
            raise TypedError(f'"{shown}": with am/pm, hours go from 1 to 12')
        # 12am is midnight and 12pm noon: the twelve comes before one in each half.
        hours = hours % 12 + (12 if half["half"] == "p" else 0)
    elif hours > 23:
        midnight = " (midnight is 00:00)" if (hours, minutes, seconds) == (24, 0, 0) else ""
        raise TypedError(f'"{shown}" is not a time of day: hours go from 0 to 23{midnight}')
    if minutes > 59:
        raise TypedError(f'"{shown}": minutes go from 00 to 59')
    if seconds > 59:
        raise TypedError(f'"{shown}": seconds go from 00 to 59')
    return time(hours, minutes, seconds)


def parse_duration(text: str) -> timedelta:
    """A duration as people type it: 45m, 45 min, 45 (minutes), 1h30, 1h 30m, 1:30, 1.5h, 90s;
    longer than zero and at most 24 hours."""
    value = _normal(text)
    shown = _shown(text)
    if not value:
        raise TypedError(f"no duration given: {_DURATION_EXAMPLE}")
    if len(value) > LONGEST_TYPED:  # (a cell of thousands of digits is no duration)
        raise TypedError(f'"{shown}" is not a duration: {_DURATION_EXAMPLE}')
    if value[0] in "-−":  # ASCII hyphen-minus and the minus sign
        raise TypedError(f'"{shown}": a duration must be longer than zero')
    value = value.removeprefix("+").lstrip()
    seconds = _clock_duration(value, shown)
    if seconds is None:
        seconds = _unit_duration(value, shown)
    if seconds > MAX_DURATION.total_seconds():
        raise TypedError(f'"{shown}": a duration can be at most 24 hours')
    whole = round(seconds)
    if whole <= 0:
        raise TypedError(f'"{shown}": a duration must be longer than zero')
    return timedelta(seconds=whole)


def format_clock(t: time) -> str:
    """18:30, or 18:30:15 when the seconds are not zero: as the config writes a time."""
    if t.second:
        return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
    return f"{t.hour:02d}:{t.minute:02d}"


def _clock_duration(value: str, shown: str) -> float | None:
    match = _CLOCK_DURATION.fullmatch(value)
    if match is None:
        return None
    hours, minutes, seconds = (int(match[g] or 0) for g in ("h", "m", "s"))
    if minutes > 59:
        raise TypedError(f'"{shown}": minutes go from 00 to 59')
    if seconds > 59:
        raise TypedError(f'"{shown}": seconds go from 00 to 59')
    return float(hours * 3600 + minutes * 60 + seconds)


def _unit_duration(value: str, shown: str) -> float:
    parts: list[tuple[str, str | None]] = []
    at = 0
    while at < len(value):
        match = _PART.match(value, at)
        if match is None:
            raise TypedError(f'"{shown}" is not a duration: {_DURATION_EXAMPLE}')
        parts.append((match["n"], match["unit"]))
        at = match.end()
    if len(parts) == 1 and parts[0][1] is None:
        number = parts[0][0]
        if not number.isdigit():
            # "1.5" could be hours or minutes, and "1.30" is likely h.mm: ask, not guess.
            raise TypedError(f'"{shown}": say which unit, like 1.5h or 90m')
        return int(number) * 60.0  # a bare number is minutes, as a running order counts
    total = 0.0
    last = 3600 * 60  # each unit must be smaller than the one before: 1h30m, not 30m1h
    for n, (number, unit) in enumerate(parts):
        if unit is None:
            # "1h30": a bare number right after the hours is the minutes, and ends it.
            if n != len(parts) - 1 or last != 3600 or not number.isdigit():
                raise TypedError(f'"{shown}" is not a duration: {_DURATION_EXAMPLE}')
            if int(number) > 59:
                raise TypedError(f'"{shown}": minutes go from 00 to 59')
            size = 60
        else:
            found = _UNITS.get(unit.removesuffix("."))
            if found is None or found >= last:
                raise TypedError(f'"{shown}" is not a duration: {_DURATION_EXAMPLE}')
            size = found
        last = size
        total += float(number.replace(",", ".")) * size
    return total


def _normal(text: str) -> str:
    # NFKC turns full-width digits and colons into plain ones and no-break spaces into spaces.
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def _shown(text: str) -> str:
    shown = " ".join(text.split())
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"
