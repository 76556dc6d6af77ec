"""Keeps the stage on the TV and the host's window on the laptop, through screens coming and
going (a TV switched off and on, a cable replugged) without a crash.

Qt reports screens added and removed; after each change (and a short settle) the placement
is worked out again (kiosk.core.screens.place) and the windows moved. Under the supervisor,
each placement of the stage is also written where the slate under it reads it
(kiosk.core.screens.StageScreen), so the slate follows the stage from screen to screen.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication, QScreen

from kiosk.core import atomic
from kiosk.core.screens import Placement, ScreenInfo, StageScreen, place
from kiosk.platform.windows import bring_to_front

# Screens come and go in bursts (an output off, then its mode set): act once it settles.
SETTLE_MS = 400


def placement(app: QGuiApplication, wanted: str = "") -> tuple[list[QScreen], Placement]:
    """The application's screens and where the stage and the host's window go on them."""
    screens = list(app.screens())
    primary = app.primaryScreen()
    return screens, place([ScreenInfo(s.name(), s is primary) for s in screens], wanted)


class Displays(QObject):
    """Places ``stage`` (fullscreen unless ``windowed``) and the operator controller."""

    def __init__(self, app: QGuiApplication, stage: Any, operator: Any, *, wanted: str = "",
                 windowed: bool = False, log: Any = None,
                 stage_screen_file: Path | None = None) -> None:
        super().__init__()
        self.app = app
        self.stage = stage
        self.operator = operator
        self.wanted = wanted
        self.windowed = windowed
        self.log = log  # called with (kind, **fields)
        self.stage_screen_file = stage_screen_file  # where the slate reads the stage's screen
        self.stage_screen: QScreen | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.arrange)
        app.screenAdded.connect(self._on_app_screens_changed)
        app.screenRemoved.connect(self._on_app_screens_changed)
        app.primaryScreenChanged.connect(self._on_app_screens_changed)

    def arrange(self) -> None:
        """Put the stage and the host's window where they belong now."""
        screens, where = placement(self.app, self.wanted)
        if where.stage < 0:
            return  # no screen at all for a moment: wait for one to come back
        target = screens[where.stage]
        operator = screens[where.operator] if where.operator is not None else None
        moved = target is not self.stage_screen
        self.stage_screen = target
        if self.operator is not None:
            self.operator.arrange(operator)
        self._show_stage(target, moved)
        if moved:
            self._tell_slate(target)
        if self.log is not None:
            self.log("screens", screens=[s.name() for s in screens], stage=target.name(),
                     operator=operator.name() if operator is not None else None)

    def _show_stage(self, screen: QScreen, moved: bool) -> None:
        stage = self.stage
        if self.windowed:
            if moved:
                stage.setScreen(screen)
                stage.move(screen.availableGeometry().topLeft())
            stage.show()
            return
        if moved or not stage.isFullScreen():
            # Leaving fullscreen first lets the window manager move it to the other output.
            if stage.isFullScreen():
                stage.showNormal()
            stage.setScreen(screen)
            stage.setGeometry(screen.geometry())
            stage.showFullScreen()
        bring_to_front(stage)

    def _tell_slate(self, screen: QScreen) -> None:
        if self.stage_screen_file is None:
            return
        g = screen.geometry()
        told = StageScreen(screen.name(), g.x(), g.y(), g.width(), g.height())
        try:
            atomic.write_text(self.stage_screen_file, told.to_json())
        except OSError as exc:  # the slate then keeps to its own placement: no harm done
            print(f"cannot tell the slate the stage's screen ({self.stage_screen_file}): "
                  f"{exc.strerror or exc}", file=sys.stderr)

    def _on_app_screens_changed(self, *_: object) -> None:
        self._settle.start()
