"""The running kiosk speaks the hall's language: the stage, its badges, the message prompt,
the host's panel and the diagnostics card; --lang wins over the config, and an edit of the
config's languages applies."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.actions import Action
from kiosk.core.eventlog import EventLog
from kiosk.core.i18n import language
from kiosk.operator.panel import OperatorPanel
from kiosk.player.null import problem_text


class Clock:
    def __init__(self, hhmm: str) -> None:
        self.now = (datetime.fromisoformat(f"2021-02-06T{hhmm}").replace(tzinfo=UTC)
                    - timedelta(hours=3))

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def make(qtbot, tmp_path):
    made: list[Kiosk] = []

    def make_kiosk(hhmm: str = "18:20", *, lang: tuple[str, ...] = (), languages=None,
                   problems: tuple[str, ...] = ()):
        config = config_module.load(paths.builtin_config(), system_zone=ZoneInfo("Europe/Moscow"))
        if languages is not None:
            config = dataclasses.replace(config, languages=languages)
        kiosk = Kiosk(config, Clock(hhmm), rehearsal=True, event_log=EventLog(None),
                      state_dir=tmp_path, lang=lang, problems=problems)
        qtbot.addWidget(kiosk.stage)
        made.append(kiosk)
        return kiosk

    yield make_kiosk
    for kiosk in made:
        kiosk.request_quit()


def test_lang_wins_over_the_config(make):
    kiosk = make(lang=("pl",))
    view = kiosk.view
    assert view.languages == ("pl",)
    assert (view.overlay.now_label, view.overlay.next_label) == ("TERAZ", "DALEJ")
    assert [b.text for b in view.badges] == ["PRÓBA"]
    kiosk.trigger(Action.MUTE)
    assert kiosk.view.badges[-1].text == "DŹWIĘK WYŁĄCZONY"


def test_the_config_languages_apply_and_follow_an_edit(make):
    kiosk = make(languages=("uk",))
    assert kiosk.view.overlay.now_label == "ЗАРАЗ"
    kiosk.apply_config(dataclasses.replace(kiosk.config, languages=("lt",)))
    kiosk.refresh()
    assert kiosk.view.overlay.now_label == "DABAR"
    assert kiosk.view.overlay.now_title == "Address by the National Leader of Belarus"


def test_the_message_prompt_and_text_are_in_the_hall_language(make, qtbot):
    kiosk = make(lang=("be",))
    with qtbot.waitExposed(kiosk.stage):
        kiosk.stage.show()
    kiosk.trigger(Action.MESSAGE)
    assert kiosk.editor.isVisible()
    assert kiosk.editor.text() == "Вернемся праз некалькі хвілін"
    assert kiosk.editor._prompt == "Паведамленне для залы — Enter: паказаць, Esc: скасаваць"
    kiosk.editor.line_edit.returnPressed.emit()
    assert kiosk.view.message == "Вернемся праз некалькі хвілін"


def test_the_host_panel_speaks_the_kiosk_language(make, qtbot):
    kiosk = make(lang=("de",))
    panel = OperatorPanel(kiosk)
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.buttons[Action.BLACKOUT].text().startswith("Schwarzbild · ")
    assert panel.headings["WHAT THE HALL SEES"].text() == "WAS DER SAAL SIEHT"
    assert panel.delay.text() == "Im Zeitplan"
    assert panel.mode.text() == "AUTOMATIK: Live"
    assert panel.next.text().startswith("18:35  The People's Anti-Crisis Management  (in 15 ")
    kiosk.trigger(Action.DELAY_MORE)
    panel.refresh()
    assert panel.delay.text() == "5 Min. Verspätung"


def test_the_host_panel_in_english_by_default(make, qtbot):
    kiosk = make()
    panel = OperatorPanel(kiosk)
    qtbot.addWidget(panel)
    panel.refresh()
    assert panel.buttons[Action.BLACKOUT].text().startswith("Blackout · ")
    assert panel.mode.text() == "AUTOMATIC: live"


@pytest.mark.parametrize(("code", "labels", "stream"), [
    ("en", ["Stream", "Health", "Sound"], "no stream (placeholder)"),
    ("be", ["Трансляцыя", "Стан", "Гук"], "няма трансляцыі (застаўка)"),
    ("lt", ["Transliacija", "Būsena", "Garsas"], "transliacijos nėra (laikinas vaizdas)"),
])
def test_the_diagnostics_card_is_in_the_kiosk_language(make, code, labels, stream):
    kiosk = make(lang=(code,))
    kiosk.trigger(Action.DIAGNOSTICS)
    rows = kiosk.view.diagnostics
    assert [label for label, _ in rows] == labels
    lang = language(code)
    assert rows[0][1] == stream
    assert rows[1][1] == lang.gettext("playing") and (code == "en" or rows[1][1] != "playing")
    assert rows[2][1] == lang.gettext("VOLUME {volume}%").format(volume=kiosk.sound.volume
                                                                   ).lower()


def test_a_missing_libvlc_is_told_to_the_host_in_the_kiosk_language(make):
    problem = problem_text("libvlc.so.5: cannot open shared object file", "linux")
    kiosk = make(lang=("uk",), problems=(problem,))
    assert kiosk.view.notice.startswith("Немає відео: не вдалося завантажити VLC (libvlc.so.5")
    assert "Встановіть VLC: sudo apt install vlc" in kiosk.view.notice
    # The event log keeps the English, for whoever helps the host.
    assert kiosk.problems[0].startswith("No video: VLC could not be loaded")
