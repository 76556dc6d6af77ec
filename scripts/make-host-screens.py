"""The README's pictures of the host's side: the first start's welcome, the setup, the event
editor's tabs and its timeline preview, made by driving the real widgets offscreen.

Usage: python scripts/make-host-screens.py OUTPUT_FOLDER (run by make-screenshots.sh, with
the config, state and cache folders pointed at temporary ones).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDate
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app import Kiosk
from kiosk.cli import adopt_event
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.clock import RehearsalClock
from kiosk.core.eventlog import EventLog
from kiosk.operator.hostevent import HostEvent
from kiosk.operator.window import OperatorController

ROOT = Path(__file__).resolve().parents[1]
RUNNING_ORDER = ("Start\tDuration\tTitle (en)\tTitle (be)\tKind\tSpeaker\r\n"
                 "18:00\t15m\tWelcome\tВітаем\tsession\tThe hosts\r\n"
                 "18:15\t45m\tHow the world can help Belarus\tЯк свет можа дапамагчы Беларусі"
                 "\tsession\t\r\n"
                 "19:00\t15m\tBreak\tПерапынак\tbreak\t\r\n"
                 "19:15\t30m\tSolidarity Award\tПрэмія салідарнасці\tawards\t\r\n"
                 "19:45\t1h15m\tSolidarity Concert\tКанцэрт салідарнасці\tconcert\t\r\n")


def save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not save {path}")
    print(path)


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(["watchparty-kiosk"])
    out.mkdir(parents=True, exist_ok=True)
    builtin = config_module.load(paths.builtin_config())
    kiosk = Kiosk(builtin, RehearsalClock(builtin.event.start - timedelta(minutes=3), 1.0),
                  rehearsal=True, event_log=EventLog(None))
    operator = OperatorController(kiosk)
    operator.arrange(QGuiApplication.primaryScreen())
    operator.window.resize(1280, 800)
    host = HostEvent(operator.panel, following=None,
                     adopt=lambda path: adopt_event(kiosk, path))
    save(operator.window, out / "host-welcome.png")

    form = host.start_setup()
    form.resize(1100, 760)
    form.hall_languages.set_codes(("en", "be"))
    form.title.set_languages(form.languages())
    form.title.fields["en"].set_text("Belarusian evening in Leeds")
    form.title.fields["be"].set_text("Беларускі вечар у Лідсе")
    form.day.setDate(QDate(2031, 2, 7))
    form.start.set_text("18:00")
    form.end.set_text("21:00")
    form.zone.set_zone("Europe/London")
    form.stream_verdict.setText("No stream: the demo clip plays where it would.")
    save(form, out / "host-setup.png")
    form.create_button.click()
    editor = host.editor
    editor.resize(1400, 820)
    QGuiApplication.clipboard().setText(RUNNING_ORDER)
    editor.tabs.setCurrentWidget(editor.programme_tab)
    editor.programme_tab.paste.click()
    save(editor, out / "host-editor-programme.png")
    editor.tabs.setCurrentWidget(editor.event_tab)
    save(editor, out / "host-editor-event.png")
    start = editor.config.event.start
    editor.timeline.show_at(start + timedelta(minutes=20))
    editor.tabs.setCurrentWidget(editor.slides_tab)
    editor.slides_tab.add_pictures([ROOT / "assets" / "images" / "white-red-white.svg"]) \
        if (ROOT / "assets" / "images" / "white-red-white.svg").exists() else None
    save(editor, out / "host-editor-slides.png")
    save(editor.timeline, out / "host-timeline.png")
    kiosk.request_quit()
    operator.shutdown()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screens"))
