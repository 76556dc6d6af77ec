"""The host's panel: its preview is the stage's picture, its buttons are the keys, the keys work
whichever window has the focus, and with one screen it lies over the TV on its key."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.actions import Action
from kiosk.core.eventlog import EventLog
from kiosk.operator.window import OVERLAY_SHARE, OperatorController

MSK = timedelta(hours=3)


class Clock:
    def __init__(self, hhmm: str) -> None:
        self.now = datetime.fromisoformat(f"2021-02-06T{hhmm}").replace(tzinfo=UTC) - MSK

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def setup(qtbot):
    made = []

    def make(hhmm: str = "18:10", config=None, *, own_screen: bool = True):
        cfg = config or builtin()
        kiosk = Kiosk(cfg, Clock(hhmm), rehearsal=True, event_log=EventLog(None))
        qtbot.addWidget(kiosk.stage)
        kiosk.stage.resize(960, 540)
        with qtbot.waitExposed(kiosk.stage):
            kiosk.stage.show()
        operator = OperatorController(kiosk)
        kiosk.view_changed.connect(lambda _view: operator.refresh())
        kiosk.operator_requested.connect(operator.toggle)
        qtbot.addWidget(operator.window)
        if own_screen:
            with qtbot.waitExposed(operator.window):
                operator.arrange(QApplication.primaryScreen())
        else:
            operator.arrange(None)
        made.append(kiosk)
        return kiosk, operator

    yield make
    for kiosk in made:
        kiosk.request_quit()


def builtin():
    """The built-in event, watched in Moscow (venue times equal event times)."""
    return config_module.load(paths.builtin_config(), system_zone=ZoneInfo("Europe/Moscow"))


def _same(a, b) -> bool:
    return a.size() == b.size() and a.convertToFormat(b.format()) == b


def test_the_preview_is_what_the_stage_shows_and_follows_it(qtbot, setup):
    kiosk, operator = setup("18:10")
    panel = operator.panel
    panel.refresh_preview()
    size = panel.preview.render_size()
    assert size.width() >= 320 and abs(size.width() * 9 - size.height() * 16) < 16
    live = panel.preview.image
    assert _same(live, kiosk.stage.render_image(size))
    kiosk.trigger(Action.SLIDES)  # the panel hears of it through view_changed
    slides = kiosk.stage.render_image(size)
    assert not _same(slides, live)
    assert _same(panel.preview.image, slides)


def test_a_button_does_what_its_key_does(qtbot, setup):
    kiosk, operator = setup("18:10")
    button = operator.panel.buttons[Action.AWARDS]
    assert button.text() == "Awards · A"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert kiosk.view.scene == "awards" and kiosk.view.manual
    assert operator.panel.mode.text() == "MANUAL: awards until 18:15 (Esc: automatic)"
    assert button.property("current") is True
    qtbot.mouseClick(operator.panel.buttons[Action.AUTOMATIC], Qt.MouseButton.LeftButton)
    assert operator.panel.mode.text() == "AUTOMATIC: live"


def test_the_keys_work_from_the_host_window(qtbot, setup):
    kiosk, operator = setup("18:10")
    operator.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is operator.window)
    qtbot.keyClick(operator.window, Qt.Key.Key_S)
    assert kiosk.view.scene == "slides"
    qtbot.keyClick(operator.window, Qt.Key.Key_D)
    assert operator.panel.delay.text() == "Running 5 min late"


def test_now_next_stream_and_the_latest_events(qtbot, setup):
    kiosk, operator = setup("18:10")
    panel = operator.panel
    assert panel.now.text() == "Opening of the conference"
    assert panel.now_detail.text() == "18:00–18:15 · Belarusians Abroad"
    assert panel.next.text() == ("18:15  Address by the National Leader of Belarus  "
                                 "(in 5 min)")
    assert panel.stream.text() == "playing · placeholder"
    assert panel.feeds.text() == "none configured"
    kiosk.trigger(Action.BLACKOUT)
    assert panel.mode.text() == "BLACKOUT"
    assert "action blackout" in panel.log.text()
    assert "scene blackout (manual)" in panel.log.text()


def test_config_texts_are_shown_as_written_not_as_markup(qtbot, setup):
    config = builtin()
    first = dataclasses.replace(config.programme.items[0], title="<b>Opening</b> &amp; more")
    programme = dataclasses.replace(config.programme,
                                    items=(first, *config.programme.items[1:]))
    _, operator = setup("18:10", dataclasses.replace(config, programme=programme))
    label = operator.panel.now
    assert label.text() == "<b>Opening</b> &amp; more"
    assert label.textFormat() is Qt.TextFormat.PlainText


def test_with_one_screen_the_panel_key_lays_it_over_the_stage(qtbot, setup):
    kiosk, operator = setup("18:10", own_screen=False)
    assert not operator.window.isVisible() and not operator.overlaid
    qtbot.keyClick(kiosk.stage, Qt.Key.Key_F3)
    assert operator.overlaid
    geometry = operator.panel.geometry()
    assert geometry.right() == kiosk.stage.width() - 1
    assert geometry.width() == int(kiosk.stage.width() * OVERLAY_SHARE)
    # The stage keeps the keys: scene keys still work with the panel up.
    qtbot.keyClick(kiosk.stage, Qt.Key.Key_S)
    assert kiosk.view.scene == "slides"
    qtbot.keyClick(kiosk.stage, Qt.Key.Key_P)
    assert not operator.overlaid
    # A second screen turns up: the panel moves into its own window there.
    with qtbot.waitExposed(operator.window):
        operator.arrange(QApplication.primaryScreen())
    assert operator.panel.parent() is operator.window and operator.panel.isVisible()


def test_closing_the_host_window_only_hides_it(qtbot, setup):
    kiosk, operator = setup("18:10")
    operator.window.close()
    assert not operator.window.isVisible()
    kiosk.trigger(Action.OPERATOR)
    assert operator.window.isVisible()
