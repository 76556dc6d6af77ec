"""Time zones to choose from by city and country, named in the host's language (Babel's CLDR)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel.core import Locale, get_global
from babel.dates import get_timezone_location

from kiosk.core.config import local_zone
from kiosk.core.i18n import KNOWN, SOURCE, canonical, to_lacinka


@dataclass(frozen=True)
class ZoneChoice:
    zone: str  # the IANA name the config writes: Europe/Minsk
    city: str  # in the host's language: Мінск
    country: str  # in the host's language: Беларусь
    offset: str  # from UTC at the time asked: UTC+03:00
    label: str  # what the list shows: Мінск — Беларусь (UTC+03:00)


# utc+3, UTC+03:00, gmt-5, +5:30: an offset typed into the search.
_OFFSET_QUERY = re.compile(r"(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?")
# Letters with no combining mark to strip, typed without it in a search (Łódź is typed lodz).
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe",
                       "þ": "th", "’": "'", "ʼ": "'", "−": "-"})
# A rough alphabetical order for the Cyrillic letters outside Russian's block order: each sorts
# with the letter it stands beside in its alphabet (no collation library is a dependency).
_ORDER = str.maketrans({"і": "и", "є": "е", "ґ": "г"})


def zone_choices(language: str, now: datetime | None = None) -> tuple[ZoneChoice, ...]:
    """Every time zone named after a city, in ``language`` (any code ``canonical`` knows;
    KeyError if none), with its offset at ``now`` (default: now), sorted by label."""
    code = canonical(language)
    if code is None:
        raise KeyError(language)
    when = datetime.now(UTC) if now is None else now
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return _choices(code, _offsets(when))


def search_zones(choices: tuple[ZoneChoice, ...], query: str,
                 limit: int = 50) -> tuple[ZoneChoice, ...]:
    """The choices ``query`` finds, in the city, the country, the zone's name or their English
    names (case and accents ignored), or an offset (utc+3); cities it begins (or the offset
    to the hour) come first, each part in the choices' order."""
    wanted = _search_text(query)
    if limit <= 0:
        return ()
    if not wanted:
        return choices[:limit]
    offset = _OFFSET_QUERY.fullmatch(wanted)
    first: list[ZoneChoice] = []
    then: list[ZoneChoice] = []
    for choice in choices:
        keys = _keys(choice)
        if offset is not None:
            matches = _offset_matches(choice.offset, offset)
            if matches:
                (first if matches == "exact" else then).append(choice)
        elif any(city.startswith(wanted) for city in keys.cities):
            first.append(choice)
        elif any(wanted in text for text in (*keys.cities, *keys.others)):
            then.append(choice)
        if len(first) >= limit:
            break
    return tuple([*first, *then][:limit])


def computer_zone() -> str:
    """This computer's IANA time zone (as the config names it), "UTC" when it is unknown."""
    name = str(getattr(local_zone(), "key", "") or "UTC")
    # An old name (Europe/Kiev) is given by its current one, the one the choices list.
    name = get_global("zone_aliases").get(name, name)
    return "UTC" if name in ("Etc/UTC", "Etc/GMT") else name


@dataclass(frozen=True)
class _Keys:
    cities: tuple[str, ...]  # the city as shown and in English, folded for search
    others: tuple[str, ...]  # the country, both ways, and the zone's name


def _search_text(text: str) -> str:
    """Case and accents ignored: NFKD, combining marks dropped, casefolded."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_FOLD)


@lru_cache(maxsize=8192)
def _keys(choice: ZoneChoice) -> _Keys:
    english = _english().get(choice.zone, (choice.city, choice.country))
    zone = choice.zone.casefold()
    return _Keys(
        tuple(dict.fromkeys(_search_text(c) for c in (choice.city, english[0]))),
        tuple(dict.fromkeys((*(_search_text(c) for c in (choice.country, english[1])),
                             zone, zone.replace("_", " ")))))


def _offset_matches(offset: str, query: re.Match[str]) -> str:
    """"exact", "hour" or "": "utc+5" finds +05:00 first, then India's +05:30 and Nepal's
    +05:45 (hosts rarely know the half hour)."""
    sign = "+" if query["sign"] == "+" or int(query["h"]) == 0 else "-"
    hours = f"utc{sign}{int(query['h']):02d}:"
    written = offset.casefold()
    if written == f"{hours}{query['m'] or '00'}":
        return "exact"
    return "hour" if query["m"] is None and written.startswith(hours) else ""


def _offset_text(offset: timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _offsets(when: datetime) -> tuple[str, ...]:
    return tuple(_offset_text(when.astimezone(tz).utcoffset() or timedelta())
                 for tz in _tzinfos())


@cache
def _tzinfos() -> tuple[ZoneInfo, ...]:
    # Held here: ZoneInfo's own cache is weak, and reading 418 zone files again costs 30 ms.
    return tuple(ZoneInfo(zone) for zone, _ in _zones())


@lru_cache(maxsize=len(KNOWN) * 2)
def _choices(code: str, offsets: tuple[str, ...]) -> tuple[ZoneChoice, ...]:
    names = _names(code)
    choices = [
        ZoneChoice(zone, city, country, offset, f"{city} — {country} ({offset})")
        for (zone, city, country), offset in zip(names, offsets, strict=True)
    ]
    for choice in choices:
        _keys(choice)  # now, so that the host's first keystroke in the search does not wait
    return tuple(sorted(choices, key=lambda c: (_search_text(c.label).translate(_ORDER),
                                                c.label)))


@cache
def _zones() -> tuple[tuple[str, str], ...]:
    """The zones with a city, each with its country's territory code, by name."""
    territories: Mapping[str, str] = get_global("zone_territories")
    found = []
    # Babel knows current names only; zoneinfo adds the old ones (US/Eastern, Europe/Kiev)
    # and the folders posix/ and right/, which the intersection leaves out.
    for zone in sorted(available_timezones() & territories.keys()):
        territory = territories[zone]
        if zone.startswith("Etc/") or "/" not in zone:
            continue  # Etc/GMT+3 and EST5EDT name no city
        if len(territory) != 2 or not territory.isalpha():
            if not zone.startswith("Antarctica/"):
                continue
            territory = "AQ"  # Troll, a station Babel puts in the world at large ("001")
        found.append((zone, territory))
    return tuple(found)


@cache
def _names(code: str) -> tuple[tuple[str, str, str], ...]:
    """(zone, city, country) in the language ``code``, in ``_zones`` order."""
    info = KNOWN[code]
    # Łacinka has no CLDR data of its own: Babel's Belarusian, transliterated.
    locale = Locale.parse(info.locale)
    spell = to_lacinka if info.latin else str
    names = []
    for zone, territory in _zones():
        fallback = zone.rsplit("/", 1)[-1].replace("_", " ")
        try:
            city = get_timezone_location(zone, locale=locale, return_city=True) or fallback
        except (LookupError, ValueError):
            city = fallback
        country = locale.territories.get(territory, territory)
        names.append((zone, spell(city), spell(country)))
    return tuple(names)


@cache
def _english() -> dict[str, tuple[str, str]]:
    """Zone → its city and country in English: what a search may also be typed in."""
    return {zone: (city, country) for zone, city, country in _names(SOURCE)}
