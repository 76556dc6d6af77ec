"""Every character the kiosk can put on the TV is drawn by the fonts it ships (Noto Sans):
every text of every shipped config in every language it gives, every translated word, and
the dates and city names Babel writes in each language. No empty boxes in any hall."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
import yaml
from babel.messages.pofile import read_po
from PySide6.QtGui import QRawFont

from kiosk.core import paths
from kiosk.core.i18n import DOMAIN, KNOWN, LOCALE_DIR, catalogue_path, language
from kiosk.doctor import needs_glyph

ROOT = Path(__file__).resolve().parents[2]
FONTS = sorted((paths.assets() / "fonts").glob("*.ttf"))


@pytest.fixture(scope="module")
def fonts(qapp) -> list[QRawFont]:
    assert {f.name for f in FONTS} == {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"}
    raws = [QRawFont(str(path), 32.0) for path in FONTS]
    assert all(raw.isValid() for raw in raws)
    return raws


def undrawable(texts: Iterator[tuple[str, str]], fonts: list[QRawFont]) -> dict[str, str]:
    """Each character some bundled font cannot draw, with the first text that uses it."""
    missing: dict[str, str] = {}
    seen: set[str] = set()
    for where, text in texts:
        for character in text:
            if character in seen or not needs_glyph(character):
                continue
            seen.add(character)
            if not all(font.supportsCharacter(ord(character)) for font in fonts):
                missing[character] = f"U+{ord(character):04X} in {where}: {text[:60]!r}"
    return missing


def _strings(value: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, f"{where}[{n}]")


def config_texts() -> Iterator[tuple[str, str]]:
    shipped = sorted((ROOT / "config").glob("*.yaml"))
    assert any(p.name == "solidarity-conference-2021.yaml" for p in shipped)
    for path in shipped:
        yield from _strings(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    for path in sorted((ROOT / "config").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as rows:
            for n, row in enumerate(csv.reader(rows)):
                for cell in row:
                    yield f"{path.name}:{n + 1}", cell


def catalogue_texts() -> Iterator[tuple[str, str]]:
    paths_ = [LOCALE_DIR / f"{DOMAIN}.pot"]
    paths_ += [catalogue_path(info.directory) for code, info in KNOWN.items() if code != "en"]
    for path in paths_:
        with path.open("rb") as po:
            for message in read_po(po):
                for text in (*_tuple(message.id), *_tuple(message.string)):
                    yield f"{path.parent.parent.name}: {_tuple(message.id)[0]!r}", text


def _tuple(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def babel_texts() -> Iterator[tuple[str, str]]:
    """What Babel writes: every month and weekday, clocks, and the city of every zone."""
    start = datetime(2021, 1, 1, 12, tzinfo=UTC)
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    for code in KNOWN:
        lang = language(code)
        for n in range(0, 372, 3):
            yield f"{code} day", lang.day(start + timedelta(days=n), UTC)
        yield f"{code} time", lang.time(start, UTC, seconds=True)
        for zone in zones:
            yield f"{code} city {zone}", lang.city(ZoneInfo(zone))


def test_every_shipped_config_text_is_drawn(fonts):
    assert undrawable(config_texts(), fonts) == {}


def test_every_word_of_every_catalogue_is_drawn(fonts):
    assert undrawable(catalogue_texts(), fonts) == {}


def test_every_date_time_and_city_babel_writes_is_drawn(fonts):
    assert undrawable(babel_texts(), fonts) == {}


def test_the_check_itself_finds_a_missing_glyph(fonts):
    assert set(undrawable(iter([("test", "Цяпер ✈ 😀")]), fonts)) == {"✈", "😀"}
