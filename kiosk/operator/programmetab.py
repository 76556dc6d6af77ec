"""The event editor's running order: a table, times typed as people type them, rows pasted
from a spreadsheet or imported from CSV."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import sheet, typed
from kiosk.core.newevent import edited_text
from kiosk.core.programme import Kind
from kiosk.core.yamledit import Document, KeyPath
from kiosk.operator.editparts import (
    edited_shown_text,
    language_text,
    plain_text,
)
from kiosk.operator.fields import Problem, hint

if TYPE_CHECKING:
    from kiosk.operator.eventeditor import EventEditor

KINDS = [k.value for k in Kind]

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
                    text = language_text(raw.get("title"), code or "",
                                          code == self.editor.languages[0])
                elif key == "kind":
                    text = str(raw.get("kind", "session"))
                else:
                    text = plain_text(raw.get(key, ""))
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
                # This column's language; the others, shown or not, are kept.
                raw = self.editor.document.get(("programme", r, "title"))
                first = self.editor.languages[0]
                value = edited_text(raw, {code or first: text}, first)
            else:
                raw = self.editor.document.get(("programme", r, key))
                value = edited_shown_text(raw, text, self.editor.languages[0]) \
                    if isinstance(raw, dict) else (text or None)
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
