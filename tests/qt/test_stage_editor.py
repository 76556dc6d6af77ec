"""The message editor: a volunteer types, Enter shows it, Esc cancels; no key leaks to the stage."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit

from kiosk.stage.editor import MAX_LENGTH, MessageEditor
from kiosk.stage.window import Stage


@pytest.fixture
def stage(qtbot):
    stage = Stage()
    qtbot.addWidget(stage)
    stage.resize(960, 540)
    with qtbot.waitExposed(stage):
        stage.show()
    stage.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is not None)
    return stage


@pytest.fixture
def editor(stage):
    return MessageEditor(stage)


def field() -> QLineEdit:
    widget = QApplication.focusWidget()
    assert isinstance(widget, QLineEdit)
    return widget


def test_open_shows_the_prompt_in_the_bottom_third_and_focuses_it(editor, stage, qtbot):
    assert not editor.isVisible()
    editor.open("We will be back")
    assert editor.isVisible()
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    assert editor.text() == "We will be back"
    assert editor.geometry().top() >= stage.height() * 2 / 3 - 1
    assert stage.rect().contains(editor.geometry())


def test_enter_submits_the_typed_text_and_closes(editor, qtbot):
    editor.open("")
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    # QTest.keyClicks only knows Latin-1; a Belarusian letter comes as a plain key event.
    for letter in "Жыве":
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(field(), QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                      letter))
    qtbot.keyClicks(field(), " at 19:30 <b>!</b>")
    with qtbot.waitSignal(editor.submitted) as blocker:
        qtbot.keyClick(field(), Qt.Key.Key_Return)
    assert blocker.args == ["Жыве at 19:30 <b>!</b>"]
    assert not editor.isVisible()


def test_escape_cancels_and_closes(editor, qtbot):
    editor.open("draft")
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    with qtbot.waitSignal(editor.cancelled), qtbot.assertNotEmitted(editor.submitted):
        qtbot.keyClick(field(), Qt.Key.Key_Escape)
    assert not editor.isVisible()


def test_text_is_limited_to_300_characters(editor):
    editor.open("x" * 400)
    assert len(editor.text()) == MAX_LENGTH == 300


def test_stage_shortcuts_do_not_fire_while_typing(editor, stage, qtbot):
    fired: list[str] = []
    for key in ("B", "Esc"):
        shortcut = QShortcut(QKeySequence(key), stage)
        shortcut.activated.connect(lambda key=key: fired.append(key))
    editor.open("")
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    qtbot.keyClicks(field(), "b")
    with qtbot.waitSignal(editor.cancelled):
        qtbot.keyClick(field(), Qt.Key.Key_Escape)
    assert fired == []
