"""Where the host's panel lives: its own window on the laptop screen, or over the TV.

With two screens the panel is a window of its own, on the screen the stage does not use.
With one screen there is no room for it: the panel key (F3 / P) lays it over the right of
the stage, and again takes it away. Closing the window only hides it; the key brings it back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QScreen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.operator.panel import OperatorPanel
from kiosk.platform.windows import bring_to_front

# Over the TV, the panel takes this share of the stage's width.
OVERLAY_SHARE = 0.46


class OperatorWindow(QWidget):
    """The laptop screen's window: just the panel."""

    def __init__(self) -> None:
        super().__init__()
        self.closing = False  # set when the kiosk quits: then the window may close
        self.setWindowTitle("watchparty-kiosk — host")
        self.setMinimumSize(900, 560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.closing:
            event.accept()
            return
        # The panel key brings it back; closing it must never end anything.
        event.ignore()
        self.hide()


class OperatorController(QObject):
    """Puts the one panel where it belongs and shows, raises or hides it."""

    def __init__(self, kiosk: Any) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.panel = OperatorPanel(kiosk)
        self.window = OperatorWindow()
        self.screen: QScreen | None = None  # the operator window's screen; None: overlay mode
        self._dock_in_window()
        kiosk.stage.installEventFilter(self)

    @property
    def overlaid(self) -> bool:
        """Whether the panel lies over the stage (one screen) and is showing."""
        return self.panel.parent() is self.kiosk.stage and self.panel.isVisible()

    def arrange(self, screen: QScreen | None) -> None:
        """The laptop screen for the window, or None when the stage has the only screen."""
        self.screen = screen
        if screen is None:
            self.window.hide()
            self._dock_over_stage(visible=False)
            return
        self._dock_in_window()
        self.window.setScreen(screen)
        self.window.setGeometry(screen.availableGeometry())
        self.window.showMaximized()
        self.panel.refresh()

    def toggle(self) -> None:
        """The panel key."""
        if self.screen is not None:
            self.window.showMaximized()
            bring_to_front(self.window)
            return
        self._dock_over_stage(visible=not self.overlaid)

    def shutdown(self) -> None:
        """The kiosk quits: the window goes too."""
        self.window.closing = True
        self.window.close()

    def refresh(self) -> None:
        if self.panel.isVisible():
            self.panel.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.kiosk.stage and event.type() == QEvent.Type.Resize:
            self._fit_overlay()
        return super().eventFilter(watched, event)

    def _dock_in_window(self) -> None:
        if self.panel.parent() is not self.window:
            self.panel.setParent(self.window)
            layout = self.window.layout()
            assert layout is not None
            layout.addWidget(self.panel)
        self.panel.show()

    def _dock_over_stage(self, *, visible: bool) -> None:
        stage = self.kiosk.stage
        if self.panel.parent() is not stage:
            self.panel.setParent(stage)
        self._fit_overlay()
        self.panel.setVisible(visible)
        if visible:
            self.panel.raise_()  # above its sibling widgets on the stage (not a window)
            self.panel.refresh()
        # The keys stay with the stage.
        stage.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_overlay(self) -> None:
        stage = self.kiosk.stage
        if self.panel.parent() is stage:
            width = int(stage.width() * OVERLAY_SHARE)
            self.panel.setGeometry(stage.width() - width, 0, width, stage.height())
