"""The host's panel: what the hall sees, what is on and next, the stream, the feeds, the mode,
the delay, the latest events, and a button for every volunteer key.

Everything here reads the running kiosk; every button does exactly what its key does
(``Kiosk.trigger``), so the keyboard and the panel can never disagree. Texts that come from
configs and feeds are shown as plain text, never as markup.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.actions import BUTTONS, Action
from kiosk.core.director import Scene
from kiosk.core.i18n import N_, Language
from kiosk.core.view import HEALTH_WORDS, SCENE_NAMES
from kiosk.operator.picture import Picture

# The preview refreshes this often while it shows live video (else on every view change).
PREVIEW_MS = 200
HEADINGS = (N_("WHAT THE HALL SEES"), N_("NOW"), N_("NEXT"), N_("STREAM"), N_("FEEDS"),
            N_("KEYS"), N_("LATEST"))
# The buttons whose scene is on the stage are marked.
BUTTON_SCENES = {Action.LIVE: Scene.LIVE, Action.SLIDES: Scene.SLIDES,
                 Action.AWARDS: Scene.AWARDS, Action.COUNTDOWN: Scene.COUNTDOWN,
                 Action.BLACKOUT: Scene.BLACKOUT}
RECENT_LINES = 8
STYLE = """
QWidget#operator { background: #10151f; color: #e8ecf2; }
QLabel { color: #e8ecf2; }
QLabel[role="heading"] { color: #8d99ad; font-size: 11pt; font-weight: 600; }
QLabel[role="big"] { font-size: 16pt; font-weight: 700; }
QLabel[role="mode-auto"] { background: #1f6f43; border-radius: 4px; padding: 4px 8px;
                            font-weight: 700; }
QLabel[role="mode-manual"] { background: #b8860b; color: #10151f; border-radius: 4px;
                              padding: 4px 8px; font-weight: 700; }
QLabel[role="mode-blackout"] { background: #000; border: 1px solid #c8313e;
                                border-radius: 4px; padding: 4px 8px; font-weight: 700; }
QLabel[role="log"] { font-family: monospace; font-size: 9pt; color: #c3ccda; }
QPushButton { background: #222b3b; color: #e8ecf2; border: 1px solid #34405a;
              border-radius: 5px; padding: 6px; }
QPushButton:hover { background: #2c3850; }
QPushButton[current="true"] { border: 2px solid #c8313e; }
QFrame#preview-frame { background: #000; border: 1px solid #34405a; }
"""


class Preview(Picture):
    """The stage's picture, scaled to the panel; 16:9, black bars as needed."""

    def render_size(self) -> QSize:
        """The largest 16:9 size that fits the widget, in device pixels."""
        ratio = self.devicePixelRatioF()
        width = max(16, int(self.width() * ratio))
        height = max(9, int(self.height() * ratio))
        if width * 9 > height * 16:
            width = height * 16 // 9
        else:
            height = width * 9 // 16
        return QSize(width, height)


class OperatorPanel(QWidget):
    """The panel itself; a window holds it on the laptop screen, or the stage over the TV."""

    def __init__(self, kiosk: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kiosk = kiosk
        self.setObjectName("operator")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.preview = Preview()
        self.mode = _label(role="mode-auto")
        self.delay = _label()
        self.now = _label(role="big", wrap=True)
        self.now_detail = _label(wrap=True)
        self.next = _label(wrap=True)
        self.stream = _label(wrap=True)
        self.feeds = _label(wrap=True)
        self.notice = _label(wrap=True)
        self.notice.setStyleSheet("color: #f2b33d;")
        self.log = _label(role="log", wrap=True)
        self.buttons: dict[Action, QPushButton] = {}
        self.headings = {text: _label(text, role="heading") for text in HEADINGS}
        self._language = ""

        frame = QFrame()
        frame.setObjectName("preview-frame")
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        frame_layout.addWidget(self.preview)

        left = QVBoxLayout()
        left.addWidget(self.headings["WHAT THE HALL SEES"])
        left.addWidget(frame, 1)
        status = QHBoxLayout()
        status.addWidget(self.mode)
        status.addWidget(self.delay, 1)
        left.addLayout(status)
        left.addWidget(self.notice)

        right = QVBoxLayout()
        right.addWidget(self.headings["NOW"])
        right.addWidget(self.now)
        right.addWidget(self.now_detail)
        right.addWidget(self.headings["NEXT"])
        right.addWidget(self.next)
        right.addWidget(self.headings["STREAM"])
        right.addWidget(self.stream)
        right.addWidget(self.headings["FEEDS"])
        right.addWidget(self.feeds)
        grid = QGridLayout()
        for n, (action, _) in enumerate(BUTTONS):
            button = QPushButton()
            button.setMinimumHeight(34)
            # The keys stay with the kiosk's shortcuts, wherever the mouse was last.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, a=action: self.kiosk.trigger(a))
            self.buttons[action] = button
            grid.addWidget(button, n // 3, n % 3)
        right.addWidget(self.headings["KEYS"])
        right.addLayout(grid)
        right.addWidget(self.headings["LATEST"])
        right.addWidget(self.log)
        right.addStretch(1)

        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        # The host's own event: the first start's welcome, and the editor's buttons.
        self.top = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addLayout(self.top)
        layout.addLayout(columns, 1)

        self._preview_timer = QTimer(self)
        self._preview_timer.setInterval(PREVIEW_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._set_button_texts()
        self.refresh()

    def refresh(self) -> None:
        """Read everything again from the kiosk (it calls this on every view change)."""
        kiosk = self.kiosk
        view, moment = kiosk.view, kiosk.moment
        if view is None or moment is None:
            return
        now: datetime = moment.now
        zone = kiosk.config.venue.timezone
        state = kiosk.state
        lang = self._lang()
        if lang.code != self._language:
            self._set_button_texts()
        if view.scene is Scene.BLACKOUT:
            self._set_mode(lang.gettext("BLACKOUT"), "mode-blackout")
        elif view.manual and state.hold is not None:
            scene = lang.gettext(SCENE_NAMES[state.hold.scene])
            if state.hold.until is not None:
                text = lang.gettext("MANUAL: {scene} until {time} (Esc: automatic)").format(
                    scene=scene, time=lang.time(state.hold.until, zone))
            else:
                text = lang.gettext("MANUAL: {scene} (Esc: automatic)").format(scene=scene)
            self._set_mode(text, "mode-manual")
        else:
            self._set_mode(lang.gettext("AUTOMATIC: {scene}").format(
                scene=lang.gettext(SCENE_NAMES[view.scene])), "mode-auto")
        late = state.late + (kiosk.config.delay.by if kiosk.config.delay else timedelta(0))
        late_minutes = int(late.total_seconds() // 60)
        self.delay.setText(lang.ngettext("Running {minutes} min late",
                                         "Running {minutes} min late",
                                         late_minutes).format(minutes=late_minutes)
                           if late_minutes >= 1 else lang.gettext("On time"))
        overlay = view.overlay
        current, upcoming = moment.current, moment.next
        scene_name = lang.gettext(SCENE_NAMES[view.scene])
        self.now.setText(lang.pick(current.title) if current else
                         scene_name[:1].upper() + scene_name[1:])
        detail = []
        if current is not None:
            detail.append(f"{lang.time(current.start, zone)}–{lang.time(current.end, zone)}")
            if current.speaker:
                detail.append(lang.pick(current.speaker))
        self.now_detail.setText(" · ".join(detail))
        if upcoming is not None:
            left = upcoming.start - now
            minutes = max(0, int(left.total_seconds() // 60))
            wait = (lang.gettext("(in {hours} h {minutes} min)").format(
                        hours=minutes // 60, minutes=f"{minutes % 60:02d}")
                    if minutes >= 60 else
                    lang.ngettext("(in {minutes} min)", "(in {minutes} min)", minutes).format(
                        minutes=minutes))
            self.next.setText(f"{lang.time(upcoming.start, zone)}  "
                              f"{lang.pick(upcoming.title)}  {wait}")
        else:
            self.next.setText(overlay.next_title if overlay is not None else "—")
        # TRANSLATORS: the stream's state when there is no stream: the live scene's stand-in.
        status = lang.say(kiosk.stream_status) or lang.gettext("placeholder")
        self.stream.setText(f"{lang.gettext(HEALTH_WORDS[kiosk.health])} · {status}")
        feeds = tuple(lang.say(line) for line in kiosk.feeds.lines(zone)) if (
            kiosk.feeds is not None) else ()
        self.feeds.setText("\n".join(feeds) if feeds else lang.gettext("none configured"))
        problems = tuple(lang.say(p) for p in kiosk.problems_now())
        more = len(problems) - 4
        self.notice.setText("\n".join(problems[:4]) + (
            "\n" + lang.ngettext("(+{n} more)", "(+{n} more)", more).format(n=more)
            if more > 0 else ""))
        self.notice.setVisible(bool(problems))
        self.log.setText("\n".join(_log_line(r, zone) for r in kiosk.log.recent(RECENT_LINES)))
        for action, button in self.buttons.items():
            shown = BUTTON_SCENES.get(action) is view.scene
            if button.property("current") != shown:
                button.setProperty("current", shown)
                button.style().unpolish(button)
                button.style().polish(button)
        if self.isVisible():
            self.refresh_preview()
            live = view.scene is Scene.LIVE
            if live and not self._preview_timer.isActive():
                self._preview_timer.start()
            elif not live:
                self._preview_timer.stop()

    def refresh_preview(self) -> None:
        """The stage's current picture at the preview's size (the same painting code)."""
        if not self.isVisible():
            self._preview_timer.stop()
            return
        image = self.kiosk.stage.render_image(self.preview.render_size())
        image.setDevicePixelRatio(self.preview.devicePixelRatioF())
        self.preview.set_image(image)

    def keys_changed(self) -> None:
        self._set_button_texts()

    def _lang(self) -> Language:
        """The host's language: the kiosk's own (the first of the hall's)."""
        lang: Language = self.kiosk.languages.primary
        return lang

    def _set_button_texts(self) -> None:
        lang = self._lang()
        self._language = lang.code
        for action, msgid in BUTTONS:
            keys = self.kiosk.config.keys.get(action, ())
            text = lang.gettext(msgid)
            self.buttons[action].setText(f"{text} · {' / '.join(keys[:2])}" if keys else text)
        for msgid, heading in self.headings.items():
            heading.setText(lang.gettext(msgid))

    def _set_mode(self, text: str, role: str) -> None:
        self.mode.setText(text)
        if self.mode.property("role") != role:
            self.mode.setProperty("role", role)
            self.mode.style().unpolish(self.mode)
            self.mode.style().polish(self.mode)


def _label(text: str = "", *, role: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # feed and config texts are never markup
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    return label


def _log_line(record: dict[str, Any], zone: Any) -> str:
    """One event-log record as the host reads it: time, what, the most telling detail."""
    try:
        wall = datetime.fromisoformat(record["wall"]).astimezone(zone).strftime("%H:%M:%S")
    except (KeyError, ValueError):
        wall = "--:--:--"
    kind = record.get("event", "")
    detail = ""
    for key in ("scene", "action", "status", "result", "health", "text", "phase"):
        if key in record and record[key] not in (None, "", []):
            value = record[key]
            detail = " ".join(map(str, value)) if isinstance(value, list) else str(value)
            break
    if kind == "scene" and record.get("manual"):
        detail += " (manual)"
    return f"{wall}  {kind} {detail}"[:120]
