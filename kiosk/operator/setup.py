"""The host's first start: rehearse the built-in event, set up their own, or open a pack.

The setup asks only what it must: the event's title, its date, start and end, its time
zone, the stream's address (looked at in the background, as the kiosk will play it), the
hall's languages and, if the organisers have one, their feed. Where the file goes is chosen
for the host (their config folder) and shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import paths, typed, zones
from kiosk.core.errors import ConfigInvalid
from kiosk.core.i18n import KNOWN
from kiosk.core.newevent import Answers, create, validate
from kiosk.operator.fields import (
    FORM_STYLE,
    Field,
    LanguagePair,
    Problem,
    Texts,
    ZoneBox,
    hint,
)

PACK_FILTER = "Event packs (*.wpk)"


class Welcome(QWidget):
    """The strip the host's window shows while the kiosk runs the built-in event and the
    host has no event of their own yet."""

    rehearse_chosen = Signal()
    setup_chosen = Signal()
    pack_chosen = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("host-form")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(FORM_STYLE + "QWidget#host-form { border: 1px solid #c8313e; "
                                        "border-radius: 6px; }")
        title = QLabel("Welcome! The TV shows the built-in example event as a rehearsal.")
        title.setStyleSheet("font-size: 14pt; font-weight: 700;")
        self.rehearse = QPushButton("Rehearse the built-in event")
        self.setup = QPushButton("Set up my event")
        self.setup.setProperty("primary", "true")
        self.open_pack = QPushButton("Open an event pack…")
        buttons = QHBoxLayout()
        for button in (self.setup, self.open_pack, self.rehearse):
            button.setMinimumHeight(40)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint("Set up your own event in a few fields, or open the pack the "
                              "organisers sent (a .wpk file). Nothing to type in files."))
        layout.addLayout(buttons)
        self.rehearse.clicked.connect(self.rehearse_chosen)
        self.setup.clicked.connect(self.setup_chosen)
        self.open_pack.clicked.connect(self._on_open_pack_clicked)

    def _on_open_pack_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open an event pack", str(Path.home()),
                                              PACK_FILTER)
        if name:
            self.pack_chosen.emit(Path(name))


class SetupForm(QScrollArea):
    """A new event in a few fields; ``created`` carries the new config file's path."""

    created = Signal(Path)
    cancelled = Signal()

    def __init__(self, *, language: str = "en", target: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setWindowTitle("watchparty-kiosk — set up my event")
        self.target = target or paths.host_event()
        # Asked at Create when an event is already there: may it be set aside (True) or is
        # it kept (False)? Nothing is moved before the new event is known to be valid.
        self.confirm_replace: Callable[[], bool] = lambda: False
        self.language = language if language in KNOWN else "en"
        self.clicks = 0  # committed fields and pressed buttons, for the setup's figures
        self.filled: set[str] = set()
        body = QWidget()
        body.setObjectName("host-form")
        body.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        body.setStyleSheet(FORM_STYLE)
        form = QFormLayout(body)
        self.hall_languages = LanguagePair((self.language,), self)
        self.title = Texts([self.language], "The event's name, as the hall should see it")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        soon = date.today() + timedelta(days=7)
        self.day.setDate(QDate(soon.year, soon.month, soon.day))
        self.start = Field("18:00")
        self.end = Field("21:00")
        self.zone = ZoneBox(self.language)
        self.zone.set_zone(zones.computer_zone())
        self.stream = Field("Paste the YouTube (or other stream) address here")
        self.stream_verdict = QLabel()
        self.stream_verdict.setProperty("role", "verdict")
        self.stream_verdict.setWordWrap(True)
        self.stream_verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = QLabel()
        self.preview.setFixedSize(320, 180)
        self.preview.setStyleSheet("background: #000;")
        self.preview.hide()
        self.feed = Field("Optional: the organisers' feed address")
        self.feed_verdict = QLabel()
        self.feed_verdict.setProperty("role", "verdict")
        self.feed_verdict.setWordWrap(True)
        self.feed_verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.problem = Problem()
        self.create_button = QPushButton("Create my event")
        self.create_button.setProperty("primary", "true")
        self.create_button.setMinimumHeight(40)
        self.back = QPushButton("Back")
        heading = QLabel("Your event")
        heading.setStyleSheet("font-size: 16pt; font-weight: 700;")
        form.addRow(heading)
        form.addRow("Hall's language", self.hall_languages.first)
        form.addRow("Second language", self.hall_languages.second)
        form.addRow("Title", self.title)
        form.addRow("Date", self.day)
        form.addRow("Starts", self.start)
        form.addRow("Ends", self.end)
        form.addRow("Event's time zone", self.zone)
        form.addRow("", hint("The time zone of the organisers (where the event happens); "
                             "the TV shows every time in this computer's zone too."))
        form.addRow("Stream", self.stream)
        form.addRow("", self.stream_verdict)
        form.addRow("", self.preview)
        form.addRow("Organisers' feed", self.feed)
        form.addRow("", self.feed_verdict)
        form.addRow("", hint(f"Saved in {self.target}. You can change everything later in "
                             "the event editor."))
        form.addRow("", self.problem)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        form.addRow(buttons)
        self.setWidget(body)
        self.stream_probe: Any = None
        self.feed_probe: Any = None
        self.hall_languages.chosen.connect(self._on_hall_languages_chosen)
        self.title.committed.connect(lambda _v: self._filled("title"))
        self.start.committed.connect(self._on_start_committed)
        self.end.committed.connect(self._on_end_committed)
        self.zone.chosen.connect(lambda _z: self._filled("zone"))
        self.day.dateChanged.connect(lambda _d: self._filled("date"))
        self.stream.committed.connect(self._on_stream_committed)
        self.feed.committed.connect(self._on_feed_committed)
        self.create_button.clicked.connect(self._on_create_clicked)
        self.back.clicked.connect(self.cancelled)

    def languages(self) -> tuple[str, ...]:
        return self.hall_languages.codes()

    def _filled(self, name: str) -> None:
        self.clicks += 1
        self.filled.add(name)

    def _on_hall_languages_chosen(self) -> None:
        self._filled("languages")
        self.title.set_languages(self.languages())

    def _time(self, field: Field) -> Any:
        try:
            value = typed.parse_clock(field.text() or field.edit.placeholderText())
        except ValueError as exc:
            field.refuse(str(exc))
            return None
        field.refuse("")
        return value

    def _on_start_committed(self, _text: str) -> None:
        self._filled("start")
        value = self._time(self.start)
        if value is not None:
            self.start.set_text(typed.format_clock(value))

    def _on_end_committed(self, _text: str) -> None:
        self._filled("end")
        value = self._time(self.end)
        if value is not None:
            self.end.set_text(typed.format_clock(value))

    def _on_stream_committed(self, text: str) -> None:
        self._filled("stream")
        self.preview.hide()
        address = text.strip()
        if not address:
            self.stream_verdict.setText("No stream: the demo clip plays where it would.")
            return
        self.stream_verdict.setText("Looking at the address…")
        if self.stream_probe is None:
            from kiosk.operator.probe import StreamProbe

            self.stream_probe = StreamProbe(self)
            self.stream_probe.probed.connect(self._on_stream_probe_probed)
            self.stream_probe.previewed.connect(self._on_stream_probe_previewed)
        self.stream_probe.probe(address)

    def _on_stream_probe_probed(self, verdict: Any) -> None:
        self.stream_verdict.setText(str(verdict.words))

    def _on_stream_probe_previewed(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self.preview.show()

    def _on_feed_committed(self, text: str) -> None:
        self._filled("feed")
        url = text.strip()
        if not url:
            self.feed_verdict.setText("")
            return
        answers = self.answers()
        if answers is None:
            self.feed_verdict.setText("The feed is checked once the date and times are set.")
            return
        from kiosk.core.newevent import document

        try:
            base = document(_without_feed(answers)).check()
        except ConfigInvalid as exc:
            self.feed_verdict.setText(f"Fix the event first: {exc.errors[0].message}")
            return
        self.feed_verdict.setText("Fetching the feed…")
        if self.feed_probe is None:
            from kiosk.operator.probe import FeedProbe

            self.feed_probe = FeedProbe(self)
            self.feed_probe.probed.connect(self._on_feed_probe_probed)
        self.feed_probe.probe(url, base)

    def _on_feed_probe_probed(self, verdict: Any) -> None:
        self.feed_verdict.setText(str(verdict.words))

    def answers(self) -> Answers | None:
        """The answers as given, or None when a time cannot be read (the field says why)."""
        start = self._time(self.start)
        end = self._time(self.end)
        if start is None or end is None:
            return None
        day = self.day.date()
        return Answers(title=self.title.values(), timezone=self.zone.zone or "UTC",
                       day=date(day.year(), day.month(), day.day()), start=start, end=end,
                       languages=self.languages(), stream=self.stream.text(),
                       feed=self.feed.text(), venue_timezone=zones.computer_zone())

    def _on_create_clicked(self) -> None:
        self.clicks += 1
        answers = self.answers()
        if answers is None:
            self.problem.say("A time above cannot be read; see the field in red.")
            return
        if not any(t.strip() for t in answers.title.values()):
            self.title.refuse("The event needs a title: the hall sees it on the countdown.")
            return
        try:
            validate(self.target, answers)
        except ConfigInvalid as exc:
            self._show_errors(exc)
            return
        if self.target.exists() and not self.confirm_replace():
            self.problem.say("Not created: your current event is kept as it is.")
            return
        try:
            create(self.target, answers)
        except ConfigInvalid as exc:
            self._show_errors(exc)
            return
        except FileExistsError:
            self.problem.say(f"Not created: there is an event in {self.target} already, and "
                             "it was not replaced.")
            return
        except OSError as exc:
            self.problem.say(f"Cannot save in {self.target.parent}: {exc.strerror}")
            return
        self.problem.say("")
        self.created.emit(self.target)

    def _show_errors(self, exc: ConfigInvalid) -> None:
        fields: dict[str, Any] = {"event.title": self.title, "event.start": self.start,
                                  "event.end": self.end, "event.stream": self.stream,
                                  "event.timezone": self.zone, "feeds[0].url": self.feed}
        shown = False
        for error in exc.errors:
            field = fields.get(error.path)
            if field is not None:
                if isinstance(field, ZoneBox):
                    field.problem.say(error.message)
                else:
                    field.refuse(error.message)
                shown = True
        self.problem.say("Not created: " + "; ".join(e.message for e in exc.errors[:3])
                         if not shown else "Not created: see the fields in red.")


def _without_feed(answers: Answers) -> Answers:
    return replace(answers, feed="")
