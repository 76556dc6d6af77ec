"""The editor's timeline preview: drag along the event's time and see what the hall sees then.

The picture is the stage's own painting of the snapshot view (the same as ``snapshot``),
so what the host checks here is what the TV will show.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QSlider, QVBoxLayout, QWidget

from kiosk.core.config import Config
from kiosk.core.programme import at, clock_text, countdown_text, day_text
from kiosk.core.view import View
from kiosk.operator.picture import Picture
from kiosk.snapshot import snapshot_view
from kiosk.stage.window import Stage

# The slider runs from this long before the start to this long after the end, by minutes.
MARGIN = timedelta(minutes=30)
PREVIEW_SIZE = QSize(960, 540)


def render_view(config: Config, view: View, size: QSize) -> QImage:
    """The stage's picture of ``view`` at ``size``, offscreen."""
    stage = Stage()
    stage.set_look(config.theme, config.display)
    stage.set_view(view)
    image = stage.render_image(size)
    stage.deleteLater()
    return image


class Timeline(QWidget):
    """A slider over the event's time, the hall's picture at that instant, now/next."""

    moved = Signal(object)  # the instant shown (an aware datetime)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config: Config | None = None
        self.instant: datetime | None = None
        self.view: View | None = None
        self.image = QImage()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setSingleStep(1)
        self.slider.setPageStep(15)
        self.when = QLabel()
        self.when.setProperty("role", "heading")
        self.picture = Picture()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("WHAT THE HALL SEES AT")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        layout.addWidget(self.when)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.slider)
        layout.addWidget(self.status)
        self.slider.valueChanged.connect(self._on_slider_value_changed)

    def set_config(self, config: Config) -> None:
        """A new config (each saved change): the same instant, drawn again."""
        first = self.config is None
        self.config = config
        running = config.running()
        minutes = int((running.end - running.start + 2 * MARGIN).total_seconds() // 60)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(1, minutes))
        if first or self.instant is None:
            self.slider.setValue(int((MARGIN - timedelta(minutes=5)).total_seconds() // 60))
        self.slider.blockSignals(False)
        self._show(self._instant(self.slider.value()))

    def show_at(self, instant: datetime) -> None:
        """Move the slider to ``instant`` (clamped to its range)."""
        if self.config is None:
            return
        start = self.config.running().start - MARGIN
        self.slider.setValue(int((instant - start).total_seconds() // 60))
        self._show(self._instant(self.slider.value()))

    def _instant(self, value: int) -> datetime:
        assert self.config is not None
        return self.config.running().start - MARGIN + timedelta(minutes=value)

    def _on_slider_value_changed(self, value: int) -> None:
        self._show(self._instant(value))

    def _show(self, instant: datetime) -> None:
        config = self.config
        if config is None:
            return
        self.instant = instant
        self.view = snapshot_view(config, instant)
        # Drawn at TV proportions and a fixed size, then scaled to the widget.
        self.image = render_view(config, self.view, PREVIEW_SIZE)
        self.picture.set_image(self.image)
        venue, event = config.venue.timezone, config.event.timezone
        text = f"{day_text(instant, venue)} {clock_text(instant, venue)} in the hall"
        if getattr(venue, "key", None) != event.key:
            text += f" · {clock_text(instant, event)} event time"
        self.when.setText(text)
        self.status.setText(moment_words(config, instant))
        self.moved.emit(instant)


def moment_words(config: Config, instant: datetime) -> str:
    """Now, next and the countdown at ``instant``, as the host reads them."""
    moment = at(config.running(), instant)
    zone = config.venue.timezone
    parts = []
    if moment.until_start is not None:
        parts.append(f"Starts in {countdown_text(moment.until_start)}")
    if moment.current is not None:
        parts.append(f"Now: {moment.current.title}")
    if moment.next is not None:
        parts.append(f"Next: {moment.next.title} at {clock_text(moment.next.start, zone)}")
        if moment.until_next is not None and moment.until_start is None:
            parts.append(f"in {countdown_text(moment.until_next)}")
    if moment.current is None and moment.next is None:
        parts.append("After the end: the closing screen")
    return " · ".join(parts)
