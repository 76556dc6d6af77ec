"""Dates, times and city names as each language writes them, and Belarusian in Łacinka."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.i18n import KNOWN, language, to_lacinka
from kiosk.core.programme import clock_text, day_text

START = datetime(2021, 2, 6, 15, 0, 7, tzinfo=UTC)  # 18:00:07 in Moscow
MOSCOW = ZoneInfo("Europe/Moscow")

# language: (the day, the Moscow city name, the Warsaw one)
FORMATS = {
    "en": ("Sat 6 Feb", "Moscow", "Warsaw"),
    "be": ("сб, 6 лютага", "Масква", "Варшава"),
    "be-Latn": ("sb, 6 lutaha", "Maskva", "Varšava"),
    "ru": ("сб, 6 февраля", "Москва", "Варшава"),
    "uk": ("сб, 6 лютого", "Москва", "Варшава"),
    "pl": ("sob., 6 lutego", "Moskwa", "Warszawa"),
    "lt": ("vasario 6 d., št", "Maskva", "Varšuva"),
    "de": ("Sa., 6. Februar", "Moskau", "Warschau"),
}


def test_every_shipped_language_has_its_formats_checked():
    assert set(FORMATS) == set(KNOWN)


@pytest.mark.parametrize("code", sorted(FORMATS))
def test_the_day_and_city_in_each_language(code):
    lang = language(code)
    day, moscow, warsaw = FORMATS[code]
    assert day_text(START, MOSCOW, lang) == day
    assert lang.city(MOSCOW) == moscow
    assert lang.city(ZoneInfo("Europe/Warsaw")) == warsaw


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_every_language_the_kiosk_speaks_writes_a_24_hour_clock(code):
    lang = language(code)
    assert clock_text(START, MOSCOW, lang=lang) == "18:00"
    assert clock_text(START, ZoneInfo("America/Toronto"), lang=lang) == "10:00"
    assert clock_text(START, ZoneInfo("Asia/Tokyo"), seconds=True, lang=lang) == "00:00:07"


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_every_month_and_weekday_has_a_name(code):
    lang = language(code)
    names = {day_text(START + timedelta(days=n), MOSCOW, lang) for n in range(0, 365, 5)}
    assert len(names) == 73  # no two days the same: each month and weekday is named
    for name in names:
        assert name.strip() and "?" not in name


def test_a_zone_without_a_city_keeps_its_name():
    assert language("be").city(ZoneInfo("UTC")) == "UTC"
    assert language("de").city(UTC) == "UTC"


def test_the_english_default_is_what_the_kiosk_always_wrote():
    assert day_text(START, MOSCOW) == "Sat 6 Feb"
    assert clock_text(START, MOSCOW) == "18:00"


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Цяпер", "Ciapier"),
        ("Далей", "Dalej"),
        ("Пачатак праз", "Pačatak praz"),
        ("ЦЯПЕР", "CIAPIER"),
        ("Беларусь", "Biełaruś"),
        ("Святлана Ціханоўская", "Sviatłana Cichanoŭskaja"),
        ("сям’я", "siamja"),
        ("З'езд", "Zjezd"),
        ("лютага", "lutaha"),
        ("Люблін", "Lublin"),
        ("ўсё", "ŭsio"),
        ("Хлеб", "Chleb"),
        ("дзень", "dzień"),
        ("Вялікае Княства Літоўскае", "Vialikaje Kniastva Litoŭskaje"),
        ("18:00 (Масква), сб", "18:00 (Maskva), sb"),
        ("Latin stays: Warszawa", "Latin stays: Warszawa"),
    ],
)
def test_lacinka(cyrillic, latin):
    assert to_lacinka(cyrillic) == latin


def test_lacinka_uses_its_own_letters_only():
    words = " ".join(language("be-Latn").gettext(m) for m in ("NOW", "NEXT", "BREAK",
                                                             "Thank you for watching together"))
    assert words == "CIAPIER DALEJ PIERAPYNAK Dziakuj, što hladzieli razam"
    allowed = set("abcćčdefghijklłmnńoprsśštuŭvyzźžABCĆČDEFGHIJKLŁMNŃOPRSŚŠTUŬVYZŹŽ")
    assert {c for c in words if c.isalpha()} <= allowed
