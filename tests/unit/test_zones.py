"""Time zones found by city and country in the host's language, for the editor's zone box."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import zones
from kiosk.core.zones import ZoneChoice, computer_zone, search_zones, zone_choices

WINTER = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
LANGUAGES = ("en", "be", "be-Latn", "ru", "uk", "de", "lt", "pl")


def by_zone(language: str, now: datetime = WINTER) -> dict[str, ZoneChoice]:
    return {c.zone: c for c in zone_choices(language, now)}


def found(language: str, query: str, limit: int = 50) -> list[str]:
    return [c.zone for c in search_zones(zone_choices(language, WINTER), query, limit)]


@pytest.mark.parametrize(("language", "label"), [
    ("en", "Minsk — Belarus (UTC+03:00)"),
    ("be", "Мінск — Беларусь (UTC+03:00)"),
    ("be-Latn", "Minsk — Biełaruś (UTC+03:00)"),
    ("ru", "Минск — Беларусь (UTC+03:00)"),
    ("uk", "Мінськ — Білорусь (UTC+03:00)"),
    ("de", "Minsk — Belarus (UTC+03:00)"),
    ("lt", "Minskas — Baltarusija (UTC+03:00)"),
    ("pl", "Mińsk — Białoruś (UTC+03:00)"),
])
def test_minsk_in_every_language(language: str, label: str) -> None:
    minsk = by_zone(language)["Europe/Minsk"]
    assert minsk.label == label
    assert minsk.label == f"{minsk.city} — {minsk.country} ({minsk.offset})"
    assert minsk.offset == "UTC+03:00"


@pytest.mark.parametrize(("language", "zone", "city", "country"), [
    ("en", "Europe/Vilnius", "Vilnius", "Lithuania"),
    ("be", "Europe/Vilnius", "Вільнюс", "Літва"),
    ("be-Latn", "Europe/Warsaw", "Varšava", "Polšča"),
    ("ru", "Europe/Kyiv", "Киев", "Украина"),
    ("uk", "Europe/Kyiv", "Київ", "Україна"),
    ("de", "Europe/Zurich", "Zürich", "Schweiz"),
    ("lt", "Europe/Warsaw", "Varšuva", "Lenkija"),
    ("pl", "Europe/Vilnius", "Wilno", "Litwa"),
    ("en", "America/New_York", "New York", "United States"),
])
def test_cities_and_countries_in_the_hosts_language(language: str, zone: str, city: str,
                                                     country: str) -> None:
    choice = by_zone(language)[zone]
    assert (choice.city, choice.country) == (city, country)


def test_a_language_by_another_spelling_of_its_code() -> None:
    assert zone_choices("be@latin", WINTER) == zone_choices("be-Latn", WINTER)
    assert zone_choices("EN", WINTER) == zone_choices("en", WINTER)
    with pytest.raises(KeyError):
        zone_choices("xx")


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_choice_per_zone_with_a_city_and_no_legacy_names(language: str) -> None:
    choices = zone_choices(language, WINTER)
    names = [c.zone for c in choices]
    assert len(names) == len(set(names)) > 400
    assert len({c.label for c in choices}) == len(choices)  # the box looks zones up by label
    for left_out in ("US/Eastern", "Europe/Kiev", "Asia/Calcutta", "Etc/GMT+3", "Etc/UTC",
                     "UTC", "EST5EDT", "CET", "posix/Europe/Minsk", "right/Europe/Minsk"):
        assert left_out not in names
    assert not [n for n in names if n.startswith(("Etc/", "posix/", "right/")) or "/" not in n]
    for choice in choices:
        assert choice.city and choice.country
        ZoneInfo(choice.zone)  # every choice is a zone the config takes


@pytest.mark.parametrize("language", LANGUAGES)
def test_sorted_by_label_alphabetically(language: str) -> None:
    labels = [c.label for c in zone_choices(language, WINTER)]
    folded = [unicodedata.normalize("NFKD", label).casefold() for label in labels]
    # First letters in order, accents aside (Ürümqi among the U's, not after Zurich).
    firsts = [f[0] for f in folded]
    if language not in ("be", "be-Latn", "uk"):  # і, ї, є, ґ stand elsewhere in the alphabet
        assert firsts == sorted(firsts)


def test_belarusian_i_sorts_between_z_and_k() -> None:
    firsts = [c.label[0] for c in zone_choices("be", WINTER)]
    assert firsts.index("І") > max(i for i, f in enumerate(firsts) if f == "З")
    assert max(i for i, f in enumerate(firsts) if f == "І") < firsts.index("К")


def test_english_sorting_keeps_accented_cities_among_their_letter() -> None:
    labels = [c.label for c in zone_choices("en", WINTER)]
    assert labels[-1].startswith("Zurich")
    urumqi = labels.index("Ürümqi — China (UTC+06:00)")
    assert labels[urumqi - 1][0] == "U"


def test_offsets_at_the_time_asked() -> None:
    winter, summer = by_zone("en", WINTER), by_zone("en", SUMMER)
    assert winter["Europe/Vilnius"].offset == "UTC+02:00"
    assert summer["Europe/Vilnius"].offset == "UTC+03:00"
    assert summer["Europe/Vilnius"].label == "Vilnius — Lithuania (UTC+03:00)"
    assert winter["America/New_York"].offset == "UTC-05:00"
    assert winter["Asia/Kolkata"].offset == "UTC+05:30"
    assert winter["Asia/Kathmandu"].offset == "UTC+05:45"
    assert winter["Africa/Abidjan"].offset == "UTC+00:00"
    assert winter["Europe/Minsk"] == summer["Europe/Minsk"]


def test_a_naive_time_is_utc_and_the_default_is_now() -> None:
    assert zone_choices("en", datetime(2026, 7, 15, 12, 0)) == zone_choices("en", SUMMER)
    moscow = ZoneInfo("Europe/Moscow").utcoffset(datetime.now(UTC))
    assert moscow == timedelta(hours=3)
    assert by_zone("en", datetime.now(UTC))["Europe/Moscow"] == \
        {c.zone: c for c in zone_choices("en")}["Europe/Moscow"]


def test_choices_are_cached_per_language() -> None:
    assert zone_choices("lt", WINTER) is zone_choices("lt", WINTER)


# ---------------------------------------------------------------- search


@pytest.mark.parametrize(("language", "query", "zone"), [
    ("en", "minsk", "Europe/Minsk"),
    ("en", "MINSK", "Europe/Minsk"),
    ("be", "Мінск", "Europe/Minsk"),
    ("be", "мінск", "Europe/Minsk"),
    ("be", "minsk", "Europe/Minsk"),  # the English name too
    ("be", "belarus", "Europe/Minsk"),
    ("be", "беларусь", "Europe/Minsk"),
    ("be", "vilnius", "Europe/Vilnius"),
    ("be", "europe/vilnius", "Europe/Vilnius"),
    ("en", "EUROPE/VILNIUS", "Europe/Vilnius"),
    ("ru", "Минск", "Europe/Minsk"),
    ("uk", "Мінськ", "Europe/Minsk"),
    ("uk", "Білорусь", "Europe/Minsk"),
    ("pl", "Wilno", "Europe/Vilnius"),
    ("pl", "minsk", "Europe/Minsk"),  # Mińsk, accent aside
    ("lt", "minskas", "Europe/Minsk"),
    ("lt", "baltarusija", "Europe/Minsk"),
    ("de", "weissrussland", None),  # not CLDR's German name (Belarus): found nothing
    ("de", "zurich", "Europe/Zurich"),
    ("de", "Zürich", "Europe/Zurich"),
    ("de", "kiew", "Europe/Kyiv"),
    ("de", "kyiv", "Europe/Kyiv"),
    ("be-Latn", "biełaruś", "Europe/Minsk"),
    ("be-Latn", "bielarus", "Europe/Minsk"),  # ł typed as l
    ("en", "sao paulo", "America/Sao_Paulo"),
    ("en", "São Paulo", "America/Sao_Paulo"),
    ("en", "new york", "America/New_York"),
    ("en", "new_york", "America/New_York"),
    ("en", "  new   york ", "America/New_York"),
])
def test_search_finds(language: str, query: str, zone: str | None) -> None:
    results = found(language, query)
    if zone is None:
        assert results == []
    else:
        assert zone in results


@pytest.mark.parametrize(("language", "query"), [
    ("be", "Минск"),  # Russian spelling: Belarusian names it Мінск
    ("uk", "Минск"),
    ("en", "Минск"),
    ("en", "Wilno"),  # only Polish names Vilnius so
    ("en", "nowhere at all"),
])
def test_search_does_not_find(language: str, query: str) -> None:
    assert "Europe/Minsk" not in found(language, query)
    assert "Europe/Vilnius" not in found(language, query)


@pytest.mark.parametrize(("query", "offsets"), [
    ("utc+3", {"UTC+03:00", "UTC+03:30"}),  # Tehran too
    ("UTC+03:00", {"UTC+03:00"}),
    ("utc +3", {"UTC+03:00", "UTC+03:30"}),
    ("+3", {"UTC+03:00", "UTC+03:30"}),
    ("gmt+1", {"UTC+01:00"}),
    ("utc-5", {"UTC-05:00"}),
    ("utc−5", {"UTC-05:00"}),  # the minus sign
    ("utc+5", {"UTC+05:00", "UTC+05:30", "UTC+05:45"}),  # the half hours too
    ("utc+5:30", {"UTC+05:30"}),
    ("utc+0", {"UTC+00:00"}),
    ("utc-0", {"UTC+00:00"}),
])
def test_search_by_offset(query: str, offsets: set[str]) -> None:
    results = search_zones(zone_choices("en", WINTER), query, limit=500)
    assert {c.offset for c in results} == offsets
    assert len(results) >= 2


def test_utc_plus_3_finds_minsk_and_moscow_before_tehran() -> None:
    results = search_zones(zone_choices("be", WINTER), "utc+3", limit=500)
    assert {"Europe/Minsk", "Europe/Moscow"} <= {c.zone for c in results}
    offsets = [c.offset for c in results]
    assert offsets == sorted(offsets)  # +03:00, then +03:30
    assert offsets[-1] == "UTC+03:30"


def test_cities_that_begin_with_the_query_come_first() -> None:
    results = search_zones(zone_choices("en", WINTER), "am", limit=500)
    zones_found = [c.zone for c in results]
    assert zones_found[:2] == ["Asia/Amman", "Europe/Amsterdam"]
    assert "America/New_York" in zones_found  # in its zone's name
    starts = [any(city.casefold().startswith("am") for city in (c.city,)) for c in results]
    assert starts == sorted(starts, reverse=True)  # every city match before the others
    # Each group keeps the list's order.
    labels = [c.label for c in zone_choices("en", WINTER)]
    rest = [labels.index(c.label) for c in results[2:]]
    assert rest == sorted(rest)


def test_a_city_prefix_outranks_a_country_match() -> None:
    results = found("en", "belarus")
    assert results == ["Europe/Minsk"]
    assert found("en", "be")[0] == "Asia/Beirut"  # Beirut, Belem, … before Minsk (Belarus)
    assert found("en", "be", limit=500).index("Europe/Minsk") > found("en", "be").index(
        "Europe/Berlin")


def test_search_limit_and_an_empty_query() -> None:
    choices = zone_choices("en", WINTER)
    assert len(search_zones(choices, "a", limit=5)) == 5
    assert len(search_zones(choices, "a")) == 50
    assert search_zones(choices, "a", limit=0) == ()
    assert search_zones(choices, "", limit=3) == choices[:3]
    assert search_zones(choices, "   ", limit=3) == choices[:3]
    assert search_zones((), "minsk") == ()


# ---------------------------------------------------------------- this computer's zone


@pytest.mark.parametrize(("zone", "name"), [
    (ZoneInfo("Europe/Minsk"), "Europe/Minsk"),
    (ZoneInfo("Europe/Kiev"), "Europe/Kyiv"),  # an old name, as the choices give it
    (ZoneInfo("UTC"), "UTC"),
    (ZoneInfo("Etc/UTC"), "UTC"),
    (UTC, "UTC"),  # a zone with no IANA name
])
def test_computer_zone(monkeypatch: pytest.MonkeyPatch, zone: object, name: str) -> None:
    monkeypatch.setattr(zones, "local_zone", lambda: zone)
    assert computer_zone() == name


def test_computer_zone_on_this_computer() -> None:
    ZoneInfo(computer_zone())


# ---------------------------------------------------------------- time


def test_first_call_is_quick() -> None:
    # A sanity bound only (the editor opens with it): measured in a fresh interpreter, so the
    # caches are empty; the real figure is about 0.06 s.
    code = ("import time\nfrom kiosk.core.zones import zone_choices\n"
            "t = time.perf_counter()\nzone_choices('be')\nprint(time.perf_counter() - t)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert float(out.stdout) < 3.0
