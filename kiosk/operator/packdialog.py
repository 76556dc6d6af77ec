"""Asking and telling the host about an event pack opened by a double-click: no terminal."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

TITLE = "watchparty-kiosk"
# Platforms with no screen a person looks at: a dialog there would wait for ever.
_UNSEEN = ("offscreen", "minimal")
Button = QMessageBox.StandardButton


def ask_replace(current: str, new: str) -> bool:
    """Whether the host wants the event ``current`` replaced by the pack's ``new``; False
    when nobody can be asked."""
    if not _visible():
        return False
    answer = _box(QMessageBox.Icon.Question,
                  f"Replace “{current}” with “{new}”?\n\n"
                  "The current event is kept in the “replaced” folder, so nothing is lost.",
                  Button.Yes | Button.No, Button.No)
    return answer == Button.Yes


def tell(message: str) -> None:
    """Show ``message`` (why a pack was not opened) in a box the host closes."""
    if _visible():
        _box(QMessageBox.Icon.Warning, message, Button.Ok, Button.Ok)


def _box(icon: QMessageBox.Icon, text: str, buttons: Button, default: Button) -> Button:
    box = QMessageBox(icon, TITLE, text, buttons)
    # Titles come from the pack: shown as written, never read as markup.
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(default)
    return Button(box.exec())


def _visible() -> bool:
    """Make the application when there is none; whether a dialog would be seen."""
    if QApplication.instance() is None:
        app = QApplication([sys.argv[0] if sys.argv else TITLE])
        app.setApplicationName(TITLE)
    return QGuiApplication.platformName() not in _UNSEEN
