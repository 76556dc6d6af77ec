"""Motion: cross-fades between scenes and slides, the countdown's last ten seconds, the
awards' reveal; and with ``display: {motion: false}`` none of it: every change is a cut."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from tvcases import Case, load_config, scene_cases

from kiosk.core.config import Display, Theme
from kiosk.stage import drawn, theme
from kiosk.stage.window import Stage

SIZE = QSize(640, 360)


@pytest.fixture(scope="module")
def cases(qapp) -> dict[str, Case]:
    del qapp
    return scene_cases(load_config())


@pytest.fixture
def shown(qtbot):
    def make(motion: bool) -> Stage:
        stage = Stage()
        qtbot.addWidget(stage)
        stage.set_look(Theme(), Display(motion=motion))
        stage.resize(SIZE)
        with qtbot.waitExposed(stage):
            stage.show()
        return stage

    return make


def on_screen(stage: Stage) -> QImage:
    stage.repaint()
    return stage.screen().grabWindow(stage.winId()).toImage().convertToFormat(
        QImage.Format.Format_RGB32)


def settled(stage: Stage) -> QImage:
    return stage.render_image(SIZE).convertToFormat(QImage.Format.Format_RGB32)


def differing(a: QImage, b: QImage) -> float:
    """The share of pixels that differ visibly (glyphs drawn from outlines on a window and
    on an image may differ in a few edge pixels)."""
    bad = total = 0
    for y in range(0, a.height(), 2):
        for x in range(0, a.width(), 2):
            p, q = a.pixel(x, y), b.pixel(x, y)
            total += 1
            if max(abs((p >> s & 255) - (q >> s & 255)) for s in (0, 8, 16)) > 48:
                bad += 1
    return bad / total


def same(a: QImage, b: QImage) -> bool:
    return differing(a, b) < 0.002


@pytest.mark.parametrize(("before", "after"), [
    ("slides-text", "countdown"),  # a scene change
    ("slides-text", "slides-quote"),  # the next slide
    ("live", "awards-reveal"),
])
def test_without_motion_the_stage_switches_in_one_paint(shown, cases, before, after):
    stage = shown(motion=False)
    stage.set_view(cases[before].view)
    on_screen(stage)
    stage.set_view(cases[after].view)
    assert not stage.transition_active()
    # The very next paint is the new picture, whole: no fade, no entrance.
    assert same(on_screen(stage), settled(stage))


@pytest.mark.parametrize(("before", "after"), [
    ("slides-text", "countdown"),
    ("slides-text", "slides-quote"),
])
def test_with_motion_the_stage_fades_then_settles(shown, cases, qtbot, before, after):
    stage = shown(motion=True)
    stage.set_view(cases[before].view)
    on_screen(stage)
    stage.set_view(cases[after].view)
    assert stage.transition_active()
    assert differing(on_screen(stage), settled(stage)) > 0.01  # the old picture shows through
    qtbot.waitUntil(lambda: not stage.transition_active(), timeout=3000)
    assert same(on_screen(stage), settled(stage))


def test_the_countdowns_last_ten_seconds_pulse_and_settle(shown, cases, qtbot):
    stage = shown(motion=True)
    final = cases["countdown-final"].view
    stage.set_view(final)
    first = on_screen(stage)  # the new second's digits, grown
    qtbot.wait(700)  # longer than the pulse
    later = on_screen(stage)
    assert differing(first, later) > 0.001
    assert same(later, settled(stage))


def test_the_last_ten_seconds_look_special_even_without_motion(shown, cases):
    stage = shown(motion=False)

    def digits_colour(view) -> str:
        stage.set_view(view)
        with drawn.recording() as record:
            stage.render_image(SIZE)
        digits = max((t for t in record.texts if t.part == "scene"), key=lambda t: t.px)
        return digits.colour.name()

    calm, final = cases["countdown"].view, cases["countdown-final"].view
    assert final.countdown is not None and final.countdown.countdown == "00:07"
    assert digits_colour(calm) == theme.TEXT.name()
    assert digits_colour(final) == theme.ACCENT_TEXT.name()
    assert not stage._reveal_timer.isActive()  # and nothing animates


def test_without_motion_a_reveal_is_shown_at_once_and_nothing_animates(shown, cases):
    stage = shown(motion=False)
    board = cases["awards-reveal"].view
    assert board.board is not None
    entering = replace(board, board=replace(board.board, reveal_age=0.1))
    stage.set_view(entering)
    assert not stage._reveal_timer.isActive()
    picture = on_screen(stage)
    stage.set_view(replace(board, board=replace(board.board, reveal_age=1.4)))
    assert same(on_screen(stage), picture)  # no entrance: the laureate is there, whole


def test_the_pulse_starts_with_each_new_second_only(shown, cases, qtbot):
    stage = shown(motion=True)
    final = cases["countdown-final"].view
    stage.set_view(final)
    assert stage._reveal_timer.isActive()  # pulsing
    qtbot.waitUntil(lambda: not stage._reveal_timer.isActive(), timeout=2000)
    # Something else changes within the same second (a badge): no second pulse.
    stage.set_view(replace(final, badges=()))
    assert not stage._reveal_timer.isActive()
    assert final.countdown is not None
    stage.set_view(replace(final, countdown=replace(final.countdown, countdown="00:06")))
    assert stage._reveal_timer.isActive()
