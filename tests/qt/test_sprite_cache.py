"""The stage's sprite cache lets go of what is no longer drawn: over a six-hour event day,
texts and panels the hall stopped seeing must not pile up until the budget is reached."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPainter

from kiosk.stage import sprites


@pytest.fixture
def clock(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(sprites.time, "monotonic", lambda: now[0])
    sprites.clear()
    yield now
    sprites.clear()


def paint(painter: QPainter) -> None:
    painter.fillRect(0, 0, 10, 10, QColor("#2a7ab0"))


def keys() -> set[str]:
    return {key[0] for key in sprites._cache}


def test_a_sprite_not_drawn_for_a_while_goes_when_the_next_is_made(qapp, clock):
    sprites.sprite("countdown 00:05", 200, 100, 1.0, paint)
    sprites.sprite("title", 400, 100, 1.0, paint)
    clock[0] = 500.0
    sprites.sprite("title", 400, 100, 1.0, paint)  # still on the TV, drawn every frame
    clock[0] = 700.0
    sprites.sprite("countdown 00:04", 200, 100, 1.0, paint)
    assert keys() == {"title", "countdown 00:04"}
    assert sprites._cache_bytes == (400 * 100 + 200 * 100) * 4
    # Nothing goes while it is drawn, however long the event.
    for minute in range(1, 400):
        clock[0] = 700.0 + 60 * minute
        sprites.sprite("title", 400, 100, 1.0, paint)
    assert "title" in keys()


def test_the_budget_still_holds_for_sprites_in_use(qapp, clock, monkeypatch):
    monkeypatch.setattr(sprites, "BUDGET_BYTES", 3 * 100 * 100 * 4)
    for n in range(5):
        sprites.sprite(f"panel {n}", 100, 100, 1.0, paint)
    assert keys() == {"panel 2", "panel 3", "panel 4"}
