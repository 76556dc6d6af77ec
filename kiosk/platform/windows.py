"""Bringing a window to the front, on every platform Qt runs the kiosk on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def bring_to_front(widget: QWidget) -> None:
    """Out of a minimised state, shown, on top and with the keyboard."""
    if widget.isMinimized():
        widget.setWindowState(widget.windowState() & ~Qt.WindowState.WindowMinimized)
    if not widget.isVisible():
        widget.show()
    # The offscreen platform (tests, snapshots) has no stacking and warns about raise().
    if QGuiApplication.platformName() != "offscreen":
        widget.raise_()
    widget.activateWindow()
