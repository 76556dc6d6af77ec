"""Small form parts of the host's setup and event editor: a field with its own problem line,
texts in the hall's languages, a searchable time-zone box, and the look of it all."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import zones
from kiosk.core.i18n import KNOWN

FORM_STYLE = """
QWidget#host-form, QWidget#host-form QWidget { background-color: #10151f; color: #e8ecf2; }
QWidget#host-form QTabWidget::pane { border: 1px solid #34405a; }
QWidget#host-form QLabel { color: #e8ecf2; }
QWidget#host-form QLabel[role="problem"] { color: #ff8a80; }
QWidget#host-form QLabel[role="verdict"] { color: #9fd3a8; }
QWidget#host-form QLabel[role="hint"] { color: #8d99ad; }
QWidget#host-form QLabel[role="heading"] { color: #8d99ad; font-weight: 600; }
QWidget#host-form QLineEdit, QWidget#host-form QDateEdit, QWidget#host-form QComboBox,
QWidget#host-form QSpinBox, QWidget#host-form QDoubleSpinBox, QWidget#host-form QPlainTextEdit {
    background: #1b2332; color: #e8ecf2; border: 1px solid #34405a; border-radius: 4px;
    padding: 4px; }
QWidget#host-form QLineEdit[bad="true"] { border: 2px solid #ff5252; }
QWidget#host-form QPushButton { background: #222b3b; color: #e8ecf2; border: 1px solid #34405a;
    border-radius: 5px; padding: 6px 12px; }
QWidget#host-form QPushButton:hover { background: #2c3850; }
QWidget#host-form QPushButton[primary="true"] { background: #c8313e; border-color: #c8313e;
    font-weight: 700; }
QWidget#host-form QTableWidget, QWidget#host-form QTreeWidget, QWidget#host-form QListWidget {
    background: #151c29; color: #e8ecf2; gridline-color: #34405a; }
QWidget#host-form QHeaderView::section { background: #222b3b; color: #e8ecf2; padding: 4px; }
QWidget#host-form QTabBar::tab { background: #222b3b; color: #e8ecf2; padding: 8px 14px; }
QWidget#host-form QTabBar::tab:selected { background: #34405a; }
QWidget#host-form QCheckBox::indicator, QWidget#host-form QRadioButton::indicator {
    width: 16px; height: 16px; border: 2px solid #8d99ad; background: #1b2332; }
QWidget#host-form QRadioButton::indicator { border-radius: 10px; }
QWidget#host-form QCheckBox::indicator:checked, QWidget#host-form QRadioButton::indicator:checked {
    background: #c8313e; border-color: #e8ecf2; }
"""


def language_name(code: str) -> str:
    """A language as the host reads it: in itself, with its code (Беларуская, be)."""
    info = KNOWN.get(code)
    return f"{info.name} ({code})" if info is not None else code


def set_bad(widget: QWidget, bad: bool) -> None:
    """Mark a field as refused (a red frame), or clear the mark."""
    widget.setProperty("bad", "true" if bad else "false")
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class Problem(QLabel):
    """The line under a field that says why a value was refused; empty when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "problem")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class Field(QWidget):
    """A line edit with its problem line; ``committed`` when the host finishes typing
    (Enter or leaving the field) and the text changed."""

    committed = Signal(str)

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.problem = Problem()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        self._last = ""
        self.edit.editingFinished.connect(self._on_edit_editing_finished)

    def text(self) -> str:
        return self.edit.text()

    def set_text(self, text: str) -> None:
        self._last = text
        self.edit.setText(text)
        self.refuse("")

    def refuse(self, message: str) -> None:
        """Say why the value is not taken (or clear it with "")."""
        self.problem.say(message)
        set_bad(self.edit, bool(message))

    def _on_edit_editing_finished(self) -> None:
        text = self.edit.text()
        if text != self._last:
            self._last = text
            self.committed.emit(text)


class Texts(QWidget):
    """One text in each of the hall's languages (a field per language)."""

    committed = Signal(dict)

    def __init__(self, languages: Sequence[str], placeholder: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, Field] = {}
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = placeholder
        self.set_languages(languages)

    def set_languages(self, languages: Sequence[str]) -> None:
        values = self.values()
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self.fields = {}
        for code in languages or ("en",):
            field = Field(self.placeholder)
            field.set_text(values.get(code, ""))
            field.committed.connect(lambda _text: self.committed.emit(self.values()))
            self.fields[code] = field
            self._layout.addRow(language_name(code) if len(languages) > 1 else "", field)

    def values(self) -> dict[str, str]:
        return {code: field.text() for code, field in getattr(self, "fields", {}).items()}

    def set_values(self, value: object) -> None:
        """A config text: plain (the first language's) or by language."""
        if isinstance(value, dict):
            for code, field in self.fields.items():
                field.set_text(str(value.get(code, "")))
        else:
            first = True
            for field in self.fields.values():
                field.set_text(str(value or "") if first else "")
                first = False

    def refuse(self, message: str) -> None:
        for n, field in enumerate(self.fields.values()):
            field.refuse(message if n == 0 else "")


class ZoneBox(QWidget):
    """A time zone found by typing a city, a country or a zone's name, in the host's
    language; ``chosen`` gives the IANA name."""

    chosen = Signal(str)

    def __init__(self, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = zones.zone_choices(language)
        self._by_label = {c.label: c.zone for c in self.choices}
        self._by_zone = {c.zone: c.label for c in self.choices}
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Type a city or a country, e.g. Minsk, Warsaw, Canada")
        self.model = QStringListModel([c.label for c in self.choices])
        self.completer = QCompleter(self.model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.problem = Problem()
        self.zone = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.completer.activated.connect(self._on_completer_activated)
        self.edit.editingFinished.connect(self._on_edit_editing_finished)

    def set_zone(self, zone: str) -> None:
        self.zone = zone
        self.edit.setText(self._by_zone.get(zone, zone))
        self.problem.say("")
        set_bad(self.edit, False)

    def matches(self, query: str) -> list[str]:
        return [c.label for c in zones.search_zones(self.choices, query)]

    def _on_edit_text_edited(self, text: str) -> None:
        self.model.setStringList(self.matches(text) if text.strip() else
                                 [c.label for c in self.choices])
        self.completer.complete()

    def _on_completer_activated(self, label: str) -> None:
        self._take(label)

    def _on_edit_editing_finished(self) -> None:
        text = self.edit.text().strip()
        if not text or self._by_zone.get(self.zone) == text:
            return
        self._take(text)

    def _take(self, text: str) -> None:
        zone = self._by_label.get(text)
        if zone is None:
            found = zones.search_zones(self.choices, text, limit=2)
            if len(found) == 1 or (found and text in (found[0].zone,)):
                zone = found[0].zone
            elif text in self._by_zone:
                zone = text
        if zone is None:
            self.problem.say(f'"{text}": no time zone found by that name; type a city '
                             "and pick it from the list")
            set_bad(self.edit, True)
            return
        self.set_zone(zone)
        self.chosen.emit(zone)


class LanguagePair(QObject):
    """The hall's language and an optional second one, as two lists to choose from;
    ``chosen`` when the host picks either."""

    chosen = Signal()

    def __init__(self, codes: Sequence[str] = ("en",), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.first = QComboBox()
        self.second = QComboBox()
        self.second.addItem("—", "")
        for code, info in KNOWN.items():
            self.first.addItem(f"{info.name} ({code})", code)
            self.second.addItem(f"{info.name} ({code})", code)
        self.set_codes(codes)
        self.first.activated.connect(lambda _i: self.chosen.emit())
        self.second.activated.connect(lambda _i: self.chosen.emit())

    def set_codes(self, codes: Sequence[str]) -> None:
        codes = list(codes) or ["en"]
        self.first.setCurrentIndex(max(0, self.first.findData(codes[0])))
        self.second.setCurrentIndex(max(0, self.second.findData(codes[1] if len(codes) > 1
                                                                 else "")))

    def codes(self) -> tuple[str, ...]:
        first, second = self.first.currentData(), self.second.currentData()
        return (first, second) if second and second != first else (first,)


def row(*widgets: QWidget, stretch: int | None = None) -> QWidget:
    """Widgets side by side."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for n, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if stretch == n else 0)
    return holder


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


Callback = Callable[[], None]
