"""The event editor's slides: thumbnails drawn by the stage, pictures dropped or chosen and
copied in, texts, quotations and QR codes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import typed
from kiosk.core.config import Config
from kiosk.core.programme import Kind
from kiosk.core.yamledit import Document, KeyPath
from kiosk.operator.editparts import (
    IMAGE_FILTER,
    copy_into_event,
    edited_shown_text,
    is_picture,
    plain_text,
)
from kiosk.operator.fields import Field, Problem, hint
from kiosk.operator.timeline import render_view

if TYPE_CHECKING:
    from kiosk.operator.eventeditor import EventEditor

THUMBNAIL = QSize(192, 108)
SLIDE_KINDS = ("text", "quote", "image", "qr")

class SlideList(QListWidget):
    """The slides as thumbnails; pictures dropped on it become image slides."""

    dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(THUMBNAIL)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setAcceptDrops(True)
        self.setSpacing(8)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.dropped.emit(files)
        else:
            super().dropEvent(event)


class SlidesTab(QWidget):
    """Slides: pictures, texts, quotations and QR codes, each drawn by the stage itself."""

    name = "slides"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.list = SlideList()
        self.problem = Problem()
        self.add_image = QPushButton("Add pictures…")
        self.add_text = QPushButton("Add text")
        self.add_quote = QPushButton("Add quotation")
        self.add_qr = QPushButton("Add QR code")
        self.remove = QPushButton("Remove")
        self.up = QPushButton("Earlier")
        self.down = QPushButton("Later")
        self.title = Field("A heading (optional)")
        self.body = Field("The text, the quotation, or the QR code's address")
        self.author = Field("Who said it / a line under the picture (optional)")
        self.duration = Field("12s")
        buttons = QHBoxLayout()
        for button in (self.add_image, self.add_text, self.add_quote, self.add_qr,
                       self.remove, self.up, self.down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Heading", self.title)
        form.addRow("Content", self.body)
        form.addRow("Author / caption", self.author)
        form.addRow("On screen for", self.duration)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(hint("Drop pictures here from a folder or a USB stick: they are "
                              "copied into the event's folder, so the stick can go."))
        self.list.currentRowChanged.connect(lambda _r: self._show_selected())
        self.list.dropped.connect(self.add_pictures)
        self.add_image.clicked.connect(self._on_add_image_clicked)
        self.add_text.clicked.connect(lambda: self._add({"text": "New text"}))
        self.add_quote.clicked.connect(lambda: self._add({"quote": "A quotation",
                                                          "author": "Its author"}))
        self.add_qr.clicked.connect(lambda: self._add({"qr": "https://example.org/"}))
        self.remove.clicked.connect(self._on_remove_clicked)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.title.committed.connect(lambda t: self._field("title", t))
        self.body.committed.connect(self._on_body_committed)
        self.author.committed.connect(self._on_author_committed)
        self.duration.committed.connect(self._on_duration_committed)

    def load(self) -> None:
        current = max(0, self.list.currentRow())
        self.list.blockSignals(True)
        self.list.clear()
        config = self.editor.config
        for n, slide in enumerate(config.slides):
            item = QListWidgetItem(QIcon(QPixmap.fromImage(slide_thumbnail(config, n))),
                                   f"{n + 1}. {slide.kind}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(min(current, self.list.count() - 1))
        self._show_selected()

    def _raw(self) -> tuple[int, dict[str, Any]]:
        index = self.list.currentRow()
        raw = self.editor.document.get(("slides", index)) if index >= 0 else None
        return index, raw if isinstance(raw, dict) else {}

    def _kind(self, raw: dict[str, Any]) -> str:
        return next((k for k in SLIDE_KINDS if k in raw), "text")

    def _show_selected(self) -> None:
        index, raw = self._raw()
        kind = self._kind(raw)
        self.title.set_text(plain_text(raw.get("title")))
        self.body.set_text(plain_text(raw.get(kind)) if kind != "image" else
                           str(raw.get("image", "")))
        self.body.edit.setReadOnly(kind == "image")
        self.author.set_text(plain_text(raw.get("author" if kind == "quote" else "caption")))
        self.duration.set_text(plain_text(raw.get("duration")))
        for field in (self.title, self.body, self.author, self.duration):
            field.setEnabled(index >= 0)

    def _field(self, key: str, text: str, field: Field | None = None) -> None:
        index, raw = self._raw()
        if index < 0:
            return
        path: KeyPath = ("slides", index, key)
        value: Any = text.strip() or None
        if key != "duration":  # a text: the languages not shown here are kept
            value = edited_shown_text(raw.get(key), text, self.editor.languages[0])
        if self.editor.apply(lambda d: d.with_value(path, value),
                             refuse=(field or self.title).refuse, about=path):
            self.load()

    def _on_body_committed(self, text: str) -> None:
        _index, raw = self._raw()
        kind = self._kind(raw)
        if kind != "image":
            self._field(kind, text, self.body)

    def _on_author_committed(self, text: str) -> None:
        _index, raw = self._raw()
        self._field("author" if self._kind(raw) == "quote" else "caption", text, self.author)

    def _on_duration_committed(self, text: str) -> None:
        if text.strip():
            try:
                text = typed.format_duration(typed.parse_duration(text))
            except ValueError as exc:
                self.duration.refuse(str(exc))
                return
        self._field("duration", text, self.duration)

    def _add(self, slide: dict[str, Any]) -> None:
        index = self.list.currentRow() + 1 if self.list.count() else 0
        if self.editor.apply(lambda d: d.with_inserted(("slides",), index, slide),
                             refuse=self.problem.say):
            self.list.setCurrentRow(index)
            self.load()
            self.list.setCurrentRow(index)

    def _on_add_image_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Add pictures", str(Path.home()),
                                                IMAGE_FILTER)
        self.add_pictures([Path(n) for n in names])

    def add_pictures(self, files: list[Path]) -> bool:
        """Picture files become image slides after the selected one (copied in first)."""
        pictures = [f for f in files if is_picture(f)]
        refused = [f.name for f in files if f not in pictures]
        if refused:
            self.problem.say(f"Not a picture the kiosk shows: {', '.join(refused)} "
                             "(use PNG, JPEG, GIF, WebP, BMP or SVG)")
        if not pictures:
            return False
        try:
            written = [copy_into_event(f, self.editor.path.parent) for f in pictures]
        except OSError as exc:
            self.problem.say(f"Cannot copy the picture: {exc}")
            return False
        index = self.list.currentRow() + 1 if self.list.count() else 0

        def edit(doc: Document) -> Document:
            for n, name in enumerate(written):
                doc = doc.with_inserted(("slides",), index + n, {"image": name})
            return doc

        if self.editor.apply(edit, refuse=self.problem.say):
            if not refused:
                self.problem.say("")
            self.load()
            self.list.setCurrentRow(index)
            return True
        return False

    def _on_remove_clicked(self) -> None:
        index = self.list.currentRow()
        if index >= 0 and self.editor.apply(lambda d: d.without(("slides", index)),
                                            refuse=self.problem.say):
            self.load()

    def _move(self, step: int) -> None:
        index = self.list.currentRow()
        target = index + step
        if index < 0 or not 0 <= target < self.list.count():
            return
        if self.editor.apply(lambda d: d.with_moved(("slides",), index, target),
                             refuse=self.problem.say):
            self.list.setCurrentRow(target)
            self.load()
            self.list.setCurrentRow(target)


def slide_thumbnail(config: Config, index: int, size: QSize = THUMBNAIL) -> Any:
    """Slide ``index`` as the stage paints it, small."""
    from dataclasses import replace

    from kiosk.core.config import Overlay, Slideshow
    from kiosk.core.programme import Item, Programme
    from kiosk.snapshot import snapshot_view

    # A programme that is one long break: the slide shows as the loop shows it, without
    # the programme bar or a volunteer's MANUAL mark.
    start, end = config.programme.start, config.programme.end
    one = replace(config, slides=(config.slides[index],), delay=None,
                  programme=Programme(start, end, (Item("", Kind.BREAK, start, end),)),
                  overlay=Overlay(visible=False),
                  slideshow=Slideshow(duration=config.slideshow.duration, awards=False,
                                      transition="none"))
    view = snapshot_view(one, start)
    return render_view(one, view, size)
