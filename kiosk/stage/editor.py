"""The message editor: a one-line prompt over the stage where a volunteer types for the hall."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from kiosk.core.view import PROMPT
from kiosk.stage import fonts, text, theme
from kiosk.stage.frame import SAFE_MARGIN, unit
from kiosk.stage.marks import panel

MAX_LENGTH = 300


class MessageEditor(QWidget):
    """Hidden until ``open``; Enter emits ``submitted``, Esc ``cancelled``; either closes it."""

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._prompt = PROMPT
        self._field = QLineEdit(self)
        self._field.setMaxLength(MAX_LENGTH)
        self._field.setFrame(False)
        self._take_colours()
        # The stage hides the pointer; a text field would bring back its I-beam.
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._field.setCursor(Qt.CursorShape.BlankCursor)
        self._field.returnPressed.connect(self._on_field_return_pressed)
        self._field.installEventFilter(self)
        parent.installEventFilter(self)  # to follow the stage's size
        self.hide()

    def open(self, initial: str = "", prompt: str = PROMPT) -> None:
        """Show ``prompt`` (the View's, in the hall's language) over a field holding ``initial``
        (selected, so typing replaces it), and focus it."""
        self._prompt = prompt
        self._take_colours()  # the theme may have changed since (a config edit)
        self._field.setText(initial[:MAX_LENGTH])
        self._field.selectAll()
        self.place()
        self.show()
        self.raise_()
        self._field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _take_colours(self) -> None:
        palette = self._field.palette()
        palette.setColor(QPalette.ColorRole.Base, theme.BACKGROUND_BOTTOM)
        palette.setColor(QPalette.ColorRole.Text, theme.TEXT)
        palette.setColor(QPalette.ColorRole.Highlight, theme.ACCENT)
        palette.setColor(QPalette.ColorRole.HighlightedText, theme.ON_ACCENT)
        self._field.setPalette(palette)

    def text(self) -> str:
        return self._field.text()

    @property
    def line_edit(self) -> QLineEdit:
        """The text field itself (for tests that type into it)."""
        return self._field

    def place(self) -> None:
        """Fill the bottom third of the parent, inside the TV's safe area."""
        parent = self.parentWidget()
        if parent is None:
            return
        width, height = parent.width(), parent.height()
        # The stage's own overscan margin (the config's display.overscan).
        share = parent.safe_margin() if hasattr(parent, "safe_margin") else SAFE_MARGIN
        margin_x, margin_y = width * share, height * share
        panel_h = height * 0.2
        self.setGeometry(round(margin_x), round(height - margin_y - panel_h),
                         round(width - 2 * margin_x), round(panel_h))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.place()
        elif watched is self._field:
            if event.type() == QEvent.Type.ShortcutOverride:
                # While typing, every key is text or editing: none may fire a stage shortcut
                # (B for blackout, Esc for automatic...).
                event.accept()
                return True
            if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                    and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)):
                return True  # Tab would move the keyboard off the field and strand it
            if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                    and event.key() == Qt.Key.Key_Escape):
                self._cancel()
                return True
            if event.type() == QEvent.Type.FocusOut and self.isVisible():
                # A click elsewhere (or another window taking the keyboard) must not leave
                # the prompt up with every volunteer key switched off: give up the message.
                self._cancel()
        return super().eventFilter(watched, event)

    def _cancel(self) -> None:
        if not self.isVisible():
            return
        self._finish()
        self.cancelled.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        u = self._unit()
        self._field.setFont(fonts.font(round(4.2 * u)))
        pad = 2.6 * u
        field_h = round(4.2 * u * 1.6)
        self._field.setGeometry(round(pad), round(self.height() - pad - field_h),
                                round(self.width() - 2 * pad), field_h)
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        u = self._unit()
        painter = QPainter(self)
        box = QRectF(self.rect())
        # Opaque: the overlay bar it covers must not show through the prompt.
        panel(painter, box, 1.4 * u, QColor(theme.CARD.rgb()))
        painter.fillRect(QRectF(0, 1.6 * u, 0.6 * u, box.height() - 3.2 * u), theme.ACCENT)
        prompt = text.block(self._prompt, 2.6 * u, box.width() - 5.2 * u)
        painter.setPen(theme.AMBER)
        text.draw(painter, prompt, 2.6 * u, 2.2 * u, box.width() - 5.2 * u)
        painter.end()

    def _unit(self) -> float:
        parent = self.parentWidget()
        if parent is None:
            return self.height() * 5 / 100
        return unit(parent.width(), parent.height())

    def _on_field_return_pressed(self) -> None:
        message = self._field.text()
        self._finish()
        self.submitted.emit(message)

    def _finish(self) -> None:
        self.hide()  # first: the focus change that follows must find the prompt closed
        # Give the keyboard back to the stage so the volunteers' keys work again.
        parent = self.parentWidget()
        if parent is not None:
            parent.setFocus(Qt.FocusReason.OtherFocusReason)
