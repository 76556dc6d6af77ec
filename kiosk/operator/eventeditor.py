"""The host's event editor: the event, its running order, slides, awards, keys and look,
with a timeline preview of what the hall will see. No YAML in sight.

Every change goes through ``kiosk.core.eventedit``: validated as ``check`` validates, written
atomically into the host's own file (comments and layout kept), undoable. The running kiosk
follows the file, so a saved change is on the TV within a second.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import sheet, typed
from kiosk.core.actions import Action
from kiosk.core.config import Config
from kiosk.core.errors import ConfigInvalid
from kiosk.core.eventedit import EventEdit, Refusal
from kiosk.core.i18n import KNOWN
from kiosk.core.newevent import text_value
from kiosk.core.programme import Kind
from kiosk.core.yamledit import Document, KeyPath
from kiosk.operator.fields import FORM_STYLE, Field, Problem, Texts, ZoneBox, hint, row
from kiosk.operator.timeline import Timeline, render_view

IMAGE_FILTER = "Pictures (*.png *.jpg *.jpeg *.gif *.webp *.bmp)"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}
THUMBNAIL = QSize(192, 108)
KINDS = [k.value for k in Kind]
SLIDE_KINDS = ("text", "quote", "image", "qr")


def copy_into_event(source: Path, event_dir: Path) -> str:
    """Copy a picture into the event's ``media`` folder (a stick gets unplugged); returns
    the path to write in the config, relative to it. The same picture twice is one file."""
    media = event_dir / "media"
    media.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    stem, suffix = source.stem or "picture", source.suffix.lower()
    target = media / f"{stem}{suffix}"
    n = 1
    while target.exists() and target.read_bytes() != data:
        n += 1
        target = media / f"{stem}-{n}{suffix}"
    if not target.exists():
        shutil.copyfile(source, target)
    return f"media/{target.name}"


def _plain_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _language_text(value: Any, code: str, first: bool) -> str:
    if isinstance(value, dict):
        return str(value.get(code, ""))
    return ("" if value is None else str(value)) if first else ""


class EventEditor(QWidget):
    """The editor over one config file; ``saved`` carries the new valid config."""

    saved = Signal(object)

    def __init__(self, path: Path, *, language: str = "en", parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("host-form")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(FORM_STYLE)
        self.setWindowTitle("watchparty-kiosk — event editor")
        self.language = language
        self.session = EventEdit(path)
        self.clicks = 0  # buttons pressed and fields committed, for the setup's own figures
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.undo_button = QPushButton("Undo")
        self.redo_button = QPushButton("Redo")
        self.where = hint(f"The event's file: {path}")
        self.tabs = QTabWidget()
        self.event_tab = EventTab(self)
        self.programme_tab = ProgrammeTab(self)
        self.slides_tab = SlidesTab(self)
        self.awards_tab = AwardsTab(self)
        self.keys_tab = KeysTab(self)
        self.look_tab = LookTab(self)
        for tab, name in ((self.event_tab, "Event"), (self.programme_tab, "Running order"),
                          (self.slides_tab, "Slides"), (self.awards_tab, "Awards"),
                          (self.keys_tab, "Keys"), (self.look_tab, "Look and screen")):
            self.tabs.addTab(tab, name)
        self.timeline = Timeline()
        split = QSplitter()
        split.addWidget(self.tabs)
        split.addWidget(self.timeline)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([780, 520])
        bar = QHBoxLayout()
        bar.addWidget(self.undo_button)
        bar.addWidget(self.redo_button)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.where)
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.redo_button.clicked.connect(self._on_redo_clicked)
        self.load()

    @property
    def path(self) -> Path:
        return self.session.path

    @property
    def config(self) -> Config:
        return self.session.config

    @property
    def document(self) -> Document:
        return self.session.document

    @property
    def languages(self) -> tuple[str, ...]:
        return self.config.languages or ("en",)

    def load(self) -> None:
        """Show the file's values in every tab."""
        for tab in self._tabs():
            tab.load()
        self.timeline.set_config(self.config)
        self._update_undo()

    def apply(self, edit: Callable[[Document], Document], *,
              refuse: Callable[[str], None] | None = None, about: KeyPath = ()) -> bool:
        """Make a change; a refusal goes to ``refuse`` (the field) and the status line."""
        self.clicks += 1
        refused = self.session.change(edit)
        return self._after(refused, refuse, about)

    def _after(self, refused: Refusal | None, refuse: Callable[[str], None] | None,
               about: KeyPath) -> bool:
        if refused is not None:
            message = refused.about(about) if about else refused.message
            if refuse is not None:
                refuse(message)
            self.status.setText(f"Not saved: {message}")
            self.status.setStyleSheet("color: #ff8a80;")
            if refused.conflict:
                self.load()
            return False
        if refuse is not None:
            refuse("")
        self.status.setText(f"Saved at {datetime.now():%H:%M:%S}: the kiosk shows it now.")
        self.status.setStyleSheet("color: #9fd3a8;")
        self.timeline.set_config(self.config)
        self._update_undo()
        self.saved.emit(self.config)
        return True

    def reload_tabs(self, *names: str) -> None:
        for tab in self._tabs():
            if not names or tab.name in names:
                tab.load()

    def _tabs(self) -> tuple[Any, ...]:
        return (self.event_tab, self.programme_tab, self.slides_tab, self.awards_tab,
                self.keys_tab, self.look_tab)

    def _update_undo(self) -> None:
        self.undo_button.setEnabled(self.session.can_undo)
        self.redo_button.setEnabled(self.session.can_redo)

    def _on_undo_clicked(self) -> None:
        self.clicks += 1
        if self._after(self.session.undo(), None, ()):
            self.load()

    def _on_redo_clicked(self) -> None:
        self.clicks += 1
        if self._after(self.session.redo(), None, ()):
            self.load()


# --------------------------------------------------------------------------- the event


class EventTab(QScrollArea):
    """Title, times, zones, the stream, the languages and the organisers' feed."""

    name = "event"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.setWidgetResizable(True)
        body = QWidget()
        form = QFormLayout(body)
        languages = editor.languages
        self.title = Texts(languages, "The event's name")
        self.subtitle = Texts(languages, "A second line on the countdown (optional)")
        self.organiser = Texts(languages, "Who runs it (optional)")
        self.zone = ZoneBox(editor.language)
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.start = Field("18:00")
        self.end = Field("21:30")
        self.when_problem = Problem()
        self.stream = Field("Paste the YouTube or stream address; empty: the demo clip")
        self.first_language = QComboBox()
        self.second_language = QComboBox()
        self.second_language.addItem("—", "")
        for code, info in KNOWN.items():
            self.first_language.addItem(f"{info.name} ({code})", code)
            self.second_language.addItem(f"{info.name} ({code})", code)
        self.feed = Field("The organisers' feed address (optional)")
        self.venue = Field("The hall's name")
        self.venue_zone = ZoneBox(editor.language)
        form.addRow("Title", self.title)
        form.addRow("Subtitle", self.subtitle)
        form.addRow("Organiser", self.organiser)
        form.addRow("Event's time zone", self.zone)
        form.addRow("Date", self.day)
        form.addRow("Starts", self.start)
        form.addRow("Ends", self.end)
        form.addRow("", self.when_problem)
        form.addRow("Stream", self.stream)
        form.addRow("Hall's language", self.first_language)
        form.addRow("Second language", self.second_language)
        form.addRow("Organisers' feed", self.feed)
        form.addRow("Hall", self.venue)
        form.addRow("Hall's time zone", self.venue_zone)
        form.addRow("", hint("Times are the event's own (where the organisers are); the "
                             "TV shows them in the hall's time zone."))
        self.setWidget(body)
        self.title.committed.connect(lambda v: self._text(("event", "title"), v, self.title))
        self.subtitle.committed.connect(
            lambda v: self._text(("event", "subtitle"), v, self.subtitle))
        self.organiser.committed.connect(
            lambda v: self._text(("event", "organiser"), v, self.organiser))
        self.zone.chosen.connect(lambda z: self._set(("event", "timezone"), z,
                                                     self.zone.problem.say))
        self.venue_zone.chosen.connect(lambda z: self._set(("venue", "timezone"), z,
                                                           self.venue_zone.problem.say))
        self.day.dateChanged.connect(lambda _d: self._start())
        self.start.committed.connect(lambda _t: self._start())
        self.end.committed.connect(self._on_end_committed)
        self.stream.committed.connect(
            lambda t: self._set(("event", "stream"), t.strip() or None, self.stream.refuse))
        self.feed.committed.connect(self._on_feed_committed)
        self.venue.committed.connect(
            lambda t: self._set(("venue", "name"), t.strip() or None, self.venue.refuse))
        self.first_language.activated.connect(lambda _i: self._languages())
        self.second_language.activated.connect(lambda _i: self._languages())

    def load(self) -> None:
        doc = self.editor.document
        config = self.editor.config
        for texts in (self.title, self.subtitle, self.organiser):
            texts.set_languages(self.editor.languages)
        self.title.set_values(doc.get(("event", "title")))
        self.subtitle.set_values(doc.get(("event", "subtitle")))
        self.organiser.set_values(doc.get(("event", "organiser")))
        self.zone.set_zone(config.event.timezone.key)
        self.venue_zone.set_zone(getattr(config.venue.timezone, "key", "UTC"))
        start = config.event.start.astimezone(config.event.timezone)
        end = config.event.end.astimezone(config.event.timezone)
        self.day.blockSignals(True)
        self.day.setDate(QDate(start.year, start.month, start.day))
        self.day.blockSignals(False)
        self.start.set_text(f"{start:%H:%M}")
        self.end.set_text(f"{end:%H:%M}")
        self.stream.set_text(str(doc.get(("event", "stream")) or ""))
        self.feed.set_text(str(doc.get(("feeds", 0, "url")) or ""))
        self.venue.set_text(str(doc.get(("venue", "name")) or ""))
        codes = list(self.editor.languages)
        self.first_language.setCurrentIndex(max(0, self.first_language.findData(codes[0])))
        self.second_language.setCurrentIndex(
            max(0, self.second_language.findData(codes[1] if len(codes) > 1 else "")))

    def _set(self, path: KeyPath, value: Any, refuse: Callable[[str], None]) -> bool:
        return self.editor.apply(lambda d: d.with_value(path, value), refuse=refuse,
                                 about=path)

    def _text(self, path: KeyPath, values: dict[str, str], field: Texts) -> None:
        value = text_value(values)
        self._set(path, value or None, field.refuse)

    def _start(self) -> None:
        try:
            start = typed.parse_clock(self.start.text())
        except ValueError as exc:
            self.start.refuse(str(exc))
            return
        self.start.set_text(typed.format_clock(start))
        day = self.day.date()
        value = f"{day.year():04d}-{day.month():02d}-{day.day():02d} {start:%H:%M}"
        self._set(("event", "start"), value, self.when_problem.say)

    def _on_end_committed(self, text: str) -> None:
        try:
            end = typed.parse_clock(text)
        except ValueError as exc:
            self.end.refuse(str(exc))
            return
        self.end.set_text(typed.format_clock(end))
        self._set(("event", "end"), f"{end:%H:%M}", self.when_problem.say)

    def _on_feed_committed(self, text: str) -> None:
        url = text.strip()
        if not url:
            self._set(("feeds",), None, self.feed.refuse)
        elif self.editor.document.length(("feeds",)):
            self._set(("feeds", 0, "url"), url, self.feed.refuse)
        else:
            self._set(("feeds",), [{"url": url}], self.feed.refuse)

    def _languages(self) -> None:
        first = self.first_language.currentData()
        second = self.second_language.currentData()
        codes = [first] + ([second] if second and second != first else [])
        if self._set(("languages",), codes, lambda _m: None):
            self.editor.reload_tabs("event", "programme")


# --------------------------------------------------------------------------- the running order


class ProgrammeTab(QWidget):
    """The running order as a table; times typed as people type them; rows pasted from a
    spreadsheet or imported from the feed's CSV columns."""

    name = "programme"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problem = Problem()
        self.add = QPushButton("Add item")
        self.remove = QPushButton("Remove")
        self.up = QPushButton("Up")
        self.down = QPushButton("Down")
        self.paste = QPushButton("Paste rows from a spreadsheet")
        self.import_csv = QPushButton("Import CSV…")
        buttons = QHBoxLayout()
        for button in (self.add, self.remove, self.up, self.down, self.paste, self.import_csv):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addWidget(hint("Start and duration: 18:00, 18.00, 6pm or 18h; 45m, 1h30 or "
                              "1:30. An item without a start begins when the one before "
                              "ends. Copy rows in Excel, LibreOffice or Google Sheets and "
                              "press Paste (or Ctrl+V in the table)."))
        self._loading = False
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.add.clicked.connect(self._on_add_clicked)
        self.remove.clicked.connect(self._on_remove_clicked)
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.paste.clicked.connect(self._on_paste_clicked)
        self.import_csv.clicked.connect(self._on_import_clicked)

    def columns(self) -> list[tuple[str, str | None]]:
        """(key, language) per column: start, duration, a title per language, kind, speaker."""
        languages = self.editor.languages
        titles = [("title", code) for code in languages]
        return [("when", None), ("start", None), ("duration", None), *titles,
                ("kind", None), ("speaker", None)]

    def load(self) -> None:
        self._loading = True
        columns = self.columns()
        items = self.editor.document.get(("programme",)) or []
        config_items = self.editor.config.programme.items
        zone = self.editor.config.event.timezone
        self.table.clear()
        self.table.setColumnCount(len(columns))
        heads = []
        for key, code in columns:
            label = {"when": "Runs (event time)", "start": "Start", "duration": "Duration",
                     "title": "Title", "kind": "Kind", "speaker": "Speaker"}[key]
            heads.append(f"{label} ({code})" if code and len(self.editor.languages) > 1
                         else label)
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(items))
        for r, raw in enumerate(items):
            for c, (key, code) in enumerate(columns):
                if key == "when":
                    text = ""
                    if r < len(config_items):
                        it = config_items[r]
                        text = (f"{it.start.astimezone(zone):%H:%M}–"
                                f"{it.end.astimezone(zone):%H:%M}")
                elif key == "title":
                    text = _language_text(raw.get("title"), code or "",
                                          code == self.editor.languages[0])
                elif key == "kind":
                    text = str(raw.get("kind", "session"))
                else:
                    text = _plain_text(raw.get(key, ""))
                item = QTableWidgetItem(text)
                if key == "when":
                    # Worked out from the starts and durations; not typed here.
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    item.setForeground(QColor("#8d99ad"))
                elif key == "start" and not text:
                    item.setToolTip("Empty: it begins when the item before it ends")
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._loading = False

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        r, c = item.row(), item.column()
        key, code = self.columns()[c]
        if key == "when":
            return
        text = item.text().strip()
        path: KeyPath = ("programme", r, key)
        value: Any
        try:
            if key == "start":
                value = typed.format_clock(typed.parse_clock(text)) if text else None
            elif key == "duration":
                value = typed.format_duration(typed.parse_duration(text)) if text else None
            elif key == "kind":
                if text and text not in KINDS:
                    raise ValueError(f'"{text}" is not a kind: use {", ".join(KINDS)}')
                value = text or None
            elif key == "title":
                raw = self.editor.document.get(("programme", r, "title"))
                texts = {c2: _language_text(raw, c2, c2 == self.editor.languages[0])
                         for c2 in self.editor.languages}
                texts[code or self.editor.languages[0]] = text
                value = text_value(texts) or None
            else:
                value = text or None
        except ValueError as exc:
            self._mark(item, str(exc))
            return
        if self.editor.apply(lambda d: d.with_value(path, value),
                             refuse=lambda m: self._mark(item, m), about=path):
            self.load()

    def _mark(self, item: QTableWidgetItem, message: str) -> None:
        self.problem.say(message)
        if message:
            self._loading = True
            item.setBackground(QColor("#5c1f24"))
            item.setToolTip(message)
            self._loading = False

    def _selected(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else self.table.rowCount() - 1

    def _on_add_clicked(self) -> None:
        index = self._selected() + 1
        title = "New item"
        if self.editor.apply(lambda d: d.with_inserted(("programme",), index,
                                                       {"title": title, "duration": "30m"}),
                             refuse=self.problem.say):
            self.load()
            self.table.selectRow(index)

    def _on_remove_clicked(self) -> None:
        index = self._selected()
        if index < 0:
            return
        if self.editor.apply(lambda d: d.without(("programme", index)),
                             refuse=self.problem.say):
            self.load()

    def _move(self, step: int) -> None:
        index = self._selected()
        target = index + step
        if index < 0 or not 0 <= target < self.table.rowCount():
            return
        if self.editor.apply(lambda d: d.with_moved(("programme",), index, target),
                             refuse=self.problem.say):
            self.load()
            self.table.selectRow(target)

    def keyPressEvent(self, event: Any) -> None:
        from PySide6.QtGui import QKeySequence

        if event.matches(QKeySequence.StandardKey.Paste):
            self._on_paste_clicked()
            return
        super().keyPressEvent(event)

    def _on_paste_clicked(self) -> None:
        self.add_rows(QGuiApplication.clipboard().text())

    def _on_import_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import a running order",
                                              str(Path.home()), "CSV (*.csv *.tsv *.txt)")
        if name:
            try:
                text = Path(name).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                self.problem.say(f"{name} cannot be read: {exc}")
                return
            self.add_rows(text)

    def add_rows(self, text: str) -> bool:
        """Rows from a spreadsheet's clipboard or a CSV file, added after the last item as
        one change (undo takes them all back)."""
        self.editor.clicks += 1
        if not text.strip():
            self.problem.say("The clipboard holds no rows: copy them in the spreadsheet first")
            return False
        parsed = sheet.parse_rows(text)
        # A column the kiosk has no place for (notes, say) is left out, and the host told;
        # a cell it cannot read stops the paste.
        notes = [p for p in parsed.problems if "left out" in p.message]
        problems = [p for p in parsed.problems if p not in notes]
        if problems or not parsed.rows:
            shown = "; ".join(str(p) for p in problems[:3]) or "no rows with a title"
            more = len(problems) - 3
            self.problem.say(f"Not added: {shown}" + (f" (and {more} more)" if more > 0
                                                       else ""))
            return False
        start = self.editor.document.length(("programme",))
        entries = [_row_entry(r) for r in parsed.rows]

        def edit(doc: Document) -> Document:
            for n, entry in enumerate(entries):
                doc = doc.with_inserted(("programme",), start + n, entry)
            return doc

        if self.editor.apply(edit, refuse=self.problem.say):
            self.problem.say("; ".join(str(n) for n in notes))
            self.load()
            return True
        return False


def _row_entry(found: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": found.title}
    if found.start is not None:
        entry["start"] = typed.format_clock(found.start)
    if found.duration is not None:
        entry["duration"] = typed.format_duration(found.duration)
    elif found.end is not None and found.start is not None:
        minutes = (found.end.hour * 60 + found.end.minute
                   - found.start.hour * 60 - found.start.minute) % (24 * 60)
        if minutes:
            entry["duration"] = typed.format_duration(timedelta(minutes=minutes))
    if found.kind and found.kind != "session":
        entry["kind"] = found.kind
    for key in ("speaker", "subtitle"):
        value = getattr(found, key)
        if value:
            entry[key] = value
    return entry


# --------------------------------------------------------------------------- slides


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
        self.title.set_text(_plain_text(raw.get("title")))
        self.body.set_text(_plain_text(raw.get(kind)) if kind != "image" else
                           str(raw.get("image", "")))
        self.body.edit.setReadOnly(kind == "image")
        self.author.set_text(_plain_text(raw.get("author" if kind == "quote" else "caption")))
        self.duration.set_text(_plain_text(raw.get("duration")))
        for field in (self.title, self.body, self.author, self.duration):
            field.setEnabled(index >= 0)

    def _field(self, key: str, text: str, field: Field | None = None) -> None:
        index, _raw = self._raw()
        if index < 0:
            return
        path: KeyPath = ("slides", index, key)
        if self.editor.apply(lambda d: d.with_value(path, text.strip() or None),
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
        pictures = [f for f in files if f.suffix.lower() in IMAGE_SUFFIXES]
        refused = [f.name for f in files if f not in pictures]
        if refused:
            self.problem.say(f"Not a picture the kiosk shows: {', '.join(refused)} "
                             "(use PNG, JPEG, GIF, WebP or BMP)")
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


# --------------------------------------------------------------------------- awards


class AwardsTab(QWidget):
    """Awards → categories → laureates, each with its citation and whether it is
    announced (else a volunteer reveals it with R)."""

    name = "awards"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "Citation / organiser", "Announced"])
        self.problem = Problem()
        self.add_award = QPushButton("Add award")
        self.add_category = QPushButton("Add category")
        self.add_laureate = QPushButton("Add laureate")
        self.remove = QPushButton("Remove")
        buttons = QHBoxLayout()
        for button in (self.add_award, self.add_category, self.add_laureate, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.problem)
        layout.addWidget(hint("Double-click a name to change it. A laureate not yet "
                              "announced stays hidden until a volunteer presses R."))
        self._loading = False
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        self.add_award.clicked.connect(self._on_add_award_clicked)
        self.add_category.clicked.connect(self._on_add_category_clicked)
        self.add_laureate.clicked.connect(self._on_add_laureate_clicked)
        self.remove.clicked.connect(self._on_remove_clicked)

    def load(self) -> None:
        self._loading = True
        self.tree.clear()
        awards = self.editor.document.get(("awards",)) or []
        for a, award in enumerate(awards):
            top = self._item(None, ("awards", a), award, "organiser")
            for c, category in enumerate(award.get("categories") or []):
                middle = self._item(top, ("awards", a, "categories", c), category, None)
                for n, laureate in enumerate(category.get("laureates") or []):
                    self._item(middle, ("awards", a, "categories", c, "laureates", n),
                               laureate, "citation", announced=True)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self._loading = False

    def _item(self, parent: QTreeWidgetItem | None, path: KeyPath, raw: dict[str, Any],
              second: str | None, *, announced: bool = False) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree if parent is None else parent)
        item.setText(0, _plain_text(raw.get("name")))
        if second:
            item.setText(1, _plain_text(raw.get(second)))
        item.setData(0, Qt.ItemDataRole.UserRole, (path, second))
        flags = item.flags() | Qt.ItemFlag.ItemIsEditable
        if announced:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setCheckState(2, Qt.CheckState.Checked if raw.get("announced") is True
                               else Qt.CheckState.Unchecked)
        item.setFlags(flags)
        return item

    def _on_tree_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._loading:
            return
        path, second = item.data(0, Qt.ItemDataRole.UserRole)
        value: Any
        if column == 0:
            key, value = "name", item.text(0).strip() or None
        elif column == 1 and second:
            key, value = second, item.text(1).strip() or None
        elif column == 2:
            key = "announced"
            value = True if item.checkState(2) == Qt.CheckState.Checked else None
        else:
            return
        target = (*path, key)
        self.editor.apply(lambda d: d.with_value(target, value), refuse=self.problem.say,
                          about=target)
        self.load()

    def _selected_path(self) -> KeyPath:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole)[0] if item is not None else ()

    def _insert(self, where: KeyPath, entry: dict[str, Any]) -> None:
        length = self.editor.document.length(where)
        if self.editor.apply(lambda d: d.with_inserted(where, length, entry),
                             refuse=self.problem.say):
            self.load()

    def _on_add_award_clicked(self) -> None:
        self._insert(("awards",), {"name": "New award"})

    def _on_add_category_clicked(self) -> None:
        path = self._selected_path()
        if len(path) < 2:
            self.problem.say("Choose the award to add a category to")
            return
        self._insert((*path[:2], "categories"), {"name": "New category"})

    def _on_add_laureate_clicked(self) -> None:
        path = self._selected_path()
        if len(path) < 4:
            self.problem.say("Choose the category to add a laureate to")
            return
        self._insert((*path[:4], "laureates"), {"name": "New laureate"})

    def _on_remove_clicked(self) -> None:
        path = self._selected_path()
        if path and self.editor.apply(lambda d: d.without(path), refuse=self.problem.say):
            self.load()


# --------------------------------------------------------------------------- keys


class KeysTab(QWidget):
    """Each volunteer action and its keys (a clicker's keys too); empty: the defaults."""

    name = "keys"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.table = QTableWidget(len(Action), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys (comma between them)"])
        self.problem = Problem()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        self._loading = False
        self.table.itemChanged.connect(self._on_table_item_changed)

    def load(self) -> None:
        self._loading = True
        keys = self.editor.config.keys
        for r, action in enumerate(Action):
            name = QTableWidgetItem(action.value.replace("_", " "))
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, QTableWidgetItem(", ".join(keys.get(action, ()))))
        self.table.resizeColumnsToContents()
        self._loading = False

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != 1:
            return
        action = list(Action)[item.row()]
        keys = [k.strip() for k in item.text().split(",") if k.strip()]
        path: KeyPath = ("keys", action.value)
        value: Any = keys if keys else None
        if len(keys) == 1:
            value = keys[0]
        self.editor.apply(lambda d: d.with_value(path, value), refuse=self.problem.say,
                          about=path)
        self.load()


# --------------------------------------------------------------------------- look


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
            try:
                written = copy_into_event(Path(name), self.editor.path.parent)
            except OSError as exc:
                self.problem.say(f"Cannot copy the picture: {exc}")
                return
            self._set(("theme", key), written)


def open_editor(path: Path, *, language: str = "en") -> EventEditor | None:
    """The editor over ``path``, or None when the file cannot be edited (it is broken:
    the host is told where, by the caller, from ConfigInvalid)."""
    try:
        return EventEditor(path, language=language)
    except ConfigInvalid:
        return None

