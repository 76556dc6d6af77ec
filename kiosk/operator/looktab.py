"""The event editor's look: the theme's colours and pictures, the TV's overscan and screen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.core.yamledit import KeyPath
from kiosk.operator.editparts import (
    IMAGE_FILTER,
    copy_into_event,
    is_picture,
)
from kiosk.operator.fields import Field, Problem, row

if TYPE_CHECKING:
    from kiosk.operator.eventeditor import EventEditor


class LookTab(QScrollArea):
    """The theme's colours, logo and background picture; the TV's overscan and screen."""

    name = "look"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.setWidgetResizable(True)
        body = QWidget()
        form = QFormLayout(body)
        self.colours = {key: QPushButton() for key in ("accent", "background", "text")}
        self.logo = QPushButton("Choose a logo…")
        self.logo_clear = QPushButton("No logo")
        self.picture = QPushButton("Choose a background picture…")
        self.picture_clear = QPushButton("No picture")
        self.overscan = QDoubleSpinBox()
        self.overscan.setRange(0, 10)
        self.overscan.setSuffix(" %")
        self.overscan.setDecimals(1)
        self.motion = QCheckBox("Fades and animations (off for a slow computer)")
        self.screen = Field("empty: the screen that is not the laptop's; or 0, 1, …")
        self.problem = Problem()
        form.addRow("Accent colour", self.colours["accent"])
        form.addRow("Background colour", self.colours["background"])
        form.addRow("Text colour", self.colours["text"])
        form.addRow("Logo", row(self.logo, self.logo_clear))
        form.addRow("Background picture", row(self.picture, self.picture_clear))
        form.addRow("TV's overscan", self.overscan)
        form.addRow("", self.motion)
        form.addRow("TV screen", self.screen)
        form.addRow("", self.problem)
        self.setWidget(body)
        for key, button in self.colours.items():
            button.clicked.connect(lambda _=False, k=key: self._choose_colour(k))
        self.logo.clicked.connect(lambda: self._choose_picture("logo"))
        self.picture.clicked.connect(lambda: self._choose_picture("background_image"))
        self.logo_clear.clicked.connect(lambda: self._set(("theme", "logo"), None))
        self.picture_clear.clicked.connect(
            lambda: self._set(("theme", "background_image"), None))
        self.overscan.editingFinished.connect(
            lambda: self._set(("display", "overscan"), f"{self.overscan.value():g}%"))
        self.motion.toggled.connect(lambda on: self._set(("display", "motion"),
                                                         None if on else False))
        self.screen.committed.connect(lambda t: self._set(("venue", "screen"),
                                                          t.strip() or None))

    def load(self) -> None:
        theme, display = self.editor.config.theme, self.editor.config.display
        for key, button in self.colours.items():
            colour = getattr(theme, key)
            button.setText(colour)
            button.setStyleSheet(f"background: {colour}; color: "
                                 f"{'#000' if QColor(colour).lightness() > 128 else '#fff'};")
        self.logo.setText(theme.logo.name if theme.logo else "Choose a logo…")
        self.picture.setText(theme.background_image.name if theme.background_image
                             else "Choose a background picture…")
        self.overscan.blockSignals(True)
        self.overscan.setValue(display.overscan * 100)
        self.overscan.blockSignals(False)
        self.motion.blockSignals(True)
        self.motion.setChecked(display.motion)
        self.motion.blockSignals(False)
        self.screen.set_text(self.editor.config.venue.screen)

    def _set(self, path: KeyPath, value: Any) -> None:
        if self.editor.apply(lambda d: d.with_value(path, value), refuse=self.problem.say,
                             about=path):
            self.load()

    def _choose_colour(self, key: str) -> None:
        colour = QColorDialog.getColor(QColor(getattr(self.editor.config.theme, key)), self,
                                       f"The {key} colour")
        if colour.isValid():
            self._set(("theme", key), colour.name())

    def _choose_picture(self, key: str) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose a picture", str(Path.home()),
                                              IMAGE_FILTER)
        if name:
            if not is_picture(Path(name)):
                self.problem.say(f"Not a picture the kiosk shows: {Path(name).name} "
                                 "(use PNG, JPEG, GIF, WebP, BMP or SVG)")
                return
            try:
                written = copy_into_event(Path(name), self.editor.path.parent)
            except OSError as exc:
                self.problem.say(f"Cannot copy the picture: {exc}")
                return
            self._set(("theme", key), written)
