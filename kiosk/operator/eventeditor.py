"""The host's event editor: the event, its running order, slides, awards, keys and look,
with a timeline preview of what the hall will see. No YAML in sight.

Every change goes through ``kiosk.core.eventedit``: validated as ``check`` validates, written
atomically into the host's own file (comments and layout kept), undoable. The running kiosk
follows the file, so a saved change is on the TV within a second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import typed
from kiosk.core.config import Config
from kiosk.core.eventedit import EventEdit, Refusal
from kiosk.core.newevent import edited_text
from kiosk.core.yamledit import Document, KeyPath
from kiosk.operator.awardstab import AwardsTab
from kiosk.operator.fields import (
    FORM_STYLE,
    Field,
    LanguagePair,
    Problem,
    Texts,
    ZoneBox,
    hint,
)
from kiosk.operator.keystab import KeysTab
from kiosk.operator.looktab import LookTab
from kiosk.operator.programmetab import ProgrammeTab
from kiosk.operator.slidestab import SlidesTab
from kiosk.operator.timeline import Timeline


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
    """Title, times, zones, the stream and its backup, the languages and the organisers'
    feed."""

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
        self.backup = Field("The organisers' backup stream, if they have one (optional)")
        self.hall_languages = LanguagePair(editor.languages, self)
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
        form.addRow("Backup stream", self.backup)
        form.addRow("Hall's language", self.hall_languages.first)
        form.addRow("Second language", self.hall_languages.second)
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
        self.backup.committed.connect(
            lambda t: self._set(("stream", "backup"), t.strip() or None, self.backup.refuse))
        self.feed.committed.connect(self._on_feed_committed)
        self.venue.committed.connect(
            lambda t: self._set(("venue", "name"), t.strip() or None, self.venue.refuse))
        self.hall_languages.chosen.connect(self._on_languages_chosen)

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
        self.start.set_text(typed.format_clock(start.time()))
        self.end.set_text(typed.format_clock(end.time()))
        self.stream.set_text(str(doc.get(("event", "stream")) or ""))
        self.backup.set_text(str(doc.get(("stream", "backup")) or ""))
        self.feed.set_text(str(doc.get(("feeds", 0, "url")) or ""))
        self.venue.set_text(str(doc.get(("venue", "name")) or ""))
        self.hall_languages.set_codes(self.editor.languages)

    def _set(self, path: KeyPath, value: Any, refuse: Callable[[str], None]) -> bool:
        return self.editor.apply(lambda d: d.with_value(path, value), refuse=refuse,
                                 about=path)

    def _text(self, path: KeyPath, values: dict[str, str], field: Texts) -> None:
        # The languages shown are set (a blank one taken out); any other the text has, kept.
        value = edited_text(self.editor.document.get(path), values, self.editor.languages[0])
        self._set(path, value, field.refuse)

    def _start(self) -> None:
        try:
            start = typed.parse_clock(self.start.text())
        except ValueError as exc:
            self.start.refuse(str(exc))
            return
        self.start.set_text(typed.format_clock(start))
        day = self.day.date()
        value = f"{day.year():04d}-{day.month():02d}-{day.day():02d} " \
            f"{typed.format_clock(start)}"
        self._set(("event", "start"), value, self.when_problem.say)

    def _on_end_committed(self, text: str) -> None:
        try:
            end = typed.parse_clock(text)
        except ValueError as exc:
            self.end.refuse(str(exc))
            return
        self.end.set_text(typed.format_clock(end))
        self._set(("event", "end"), typed.format_clock(end), self.when_problem.say)

    def _on_feed_committed(self, text: str) -> None:
        url = text.strip()
        if not url:
            self._set(("feeds",), None, self.feed.refuse)
        elif self.editor.document.length(("feeds",)):
            self._set(("feeds", 0, "url"), url, self.feed.refuse)
        else:
            self._set(("feeds",), [{"url": url}], self.feed.refuse)

    def _on_languages_chosen(self) -> None:
        if self._set(("languages",), list(self.hall_languages.codes()), lambda _m: None):
            self.editor.reload_tabs("event", "programme")


