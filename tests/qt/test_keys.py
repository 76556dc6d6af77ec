"""Volunteers' keys on the real stage: scenes switch, holds expire, nothing quits by accident."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.eventlog import EventLog


class SteppedClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


MSK = timedelta(hours=3)


def moscow(text: str) -> datetime:
    return datetime.fromisoformat(f"2021-02-06T{text}").replace(tzinfo=UTC) - MSK


@pytest.fixture
def config():
    return config_module.load(paths.builtin_config())


@pytest.fixture
def make_kiosk(qtbot, config, tmp_path):
    made = []

    def make(at: str, cfg=None, log: Path | None = None) -> tuple[Kiosk, SteppedClock]:
        clock = SteppedClock(moscow(at))
        # English only: the built-in event's bar would take turns with Belarusian.
        kiosk = Kiosk(cfg or config, clock, rehearsal=True, event_log=EventLog(log),
                      lang=("en",))
        qtbot.addWidget(kiosk.stage)
        kiosk.stage.resize(960, 540)
        with qtbot.waitExposed(kiosk.stage):
            kiosk.stage.show()
        kiosk.stage.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWindow() is not None)
        made.append(kiosk)
        return kiosk, clock

    yield make
    for kiosk in made:
        kiosk.request_quit()
        kiosk.stage.close()


def press(qtbot, kiosk: Kiosk, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(kiosk.stage, key, modifier)


@pytest.mark.parametrize(
    ("key", "modifier", "scene"),
    [
        (Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier, "slides"),
        (Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "awards"),
        (Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier, "countdown"),
        (Qt.Key.Key_B, Qt.KeyboardModifier.NoModifier, "blackout"),
        (Qt.Key.Key_Period, Qt.KeyboardModifier.NoModifier, "blackout"),
    ],
)
def test_a_key_switches_the_scene_and_holds_it_as_manual(qtbot, make_kiosk, key, modifier,
                                                          scene):
    kiosk, _ = make_kiosk("18:20")
    assert kiosk.view.scene == "live"
    press(qtbot, kiosk, key, modifier)
    assert kiosk.view.scene == scene
    assert kiosk.stage.view == kiosk.view


def test_clicker_keys_start_the_show_and_hand_back(qtbot, make_kiosk):
    kiosk, _ = make_kiosk("20:00")  # a break: slides
    assert kiosk.view.scene == "slides"
    press(qtbot, kiosk, Qt.Key.Key_F5)
    assert kiosk.view.scene == "live" and kiosk.view.manual
    assert "MANUAL" in [b.text for b in kiosk.view.badges]
    press(qtbot, kiosk, Qt.Key.Key_Escape)
    assert kiosk.view.scene == "slides" and not kiosk.view.manual


def test_a_manual_choice_ends_at_the_next_programme_boundary(qtbot, make_kiosk):
    kiosk, clock = make_kiosk("18:20")  # Tsikhanouskaya's address, until 18:35
    press(qtbot, kiosk, Qt.Key.Key_A)
    clock.now = moscow("18:34:59")
    kiosk.refresh()
    assert kiosk.view.scene == "awards"
    clock.now = moscow("18:35:00")
    kiosk.refresh()
    assert kiosk.view.scene == "live" and not kiosk.view.manual


def test_blackout_toggles_and_outlasts_a_boundary(qtbot, make_kiosk):
    kiosk, clock = make_kiosk("18:20")
    press(qtbot, kiosk, Qt.Key.Key_B)
    clock.now = moscow("19:00")
    kiosk.refresh()
    assert kiosk.view.scene == "blackout" and kiosk.view.overlay is None
    press(qtbot, kiosk, Qt.Key.Key_B)
    assert kiosk.view.scene == "live"


def test_page_down_moves_the_slides_on(qtbot, make_kiosk):
    kiosk, _ = make_kiosk("20:00")
    first = kiosk.view.slide.index
    press(qtbot, kiosk, Qt.Key.Key_PageDown)
    assert kiosk.view.slide.index == first + 1
    press(qtbot, kiosk, Qt.Key.Key_PageUp)
    press(qtbot, kiosk, Qt.Key.Key_PageUp)
    assert kiosk.view.slide.index == (first - 1) % kiosk.view.slide.count


def test_the_overlay_shows_now_next_and_countdown_and_toggles(qtbot, make_kiosk):
    kiosk, clock = make_kiosk("18:20")
    overlay = kiosk.view.overlay
    assert overlay.now_title == "Address by the National Leader of Belarus"
    assert overlay.now_detail == "Sviatlana Tsikhanouskaya"
    assert overlay.next_title == "The People's Anti-Crisis Management"
    assert overlay.countdown == "in 15:00"
    clock.now = moscow("18:34:01")
    kiosk.refresh()
    assert kiosk.view.overlay.countdown == "in 00:59"
    press(qtbot, kiosk, Qt.Key.Key_O)
    assert kiosk.view.overlay is None
    press(qtbot, kiosk, Qt.Key.Key_O)
    assert kiosk.view.overlay is not None


def test_delay_keys_move_the_rest_of_the_programme(qtbot, make_kiosk):
    kiosk, _ = make_kiosk("18:20")
    press(qtbot, kiosk, Qt.Key.Key_D)
    press(qtbot, kiosk, Qt.Key.Key_D)
    assert kiosk.view.overlay.countdown == "in 25:00"
    assert "DELAY +10 min" in [b.text for b in kiosk.view.badges]
    press(qtbot, kiosk, Qt.Key.Key_D, Qt.KeyboardModifier.ShiftModifier)
    assert kiosk.view.overlay.countdown == "in 20:00"


def test_help_card_lists_the_keys(qtbot, make_kiosk):
    kiosk, _ = make_kiosk("18:20")
    press(qtbot, kiosk, Qt.Key.Key_F1)
    rows = dict((desc, keys) for keys, desc in kiosk.view.help.rows)
    assert rows["Black screen on / off"] == "B / ."
    assert rows["Quit the kiosk"] == "Ctrl+Shift+Q"
    press(qtbot, kiosk, Qt.Key.Key_F1)
    assert kiosk.view.help is None


def test_no_single_key_quits_only_the_chord(qtbot, make_kiosk):
    kiosk, _ = make_kiosk("18:20")
    keys = [Qt.Key.Key_Q, Qt.Key.Key_Escape, Qt.Key.Key_X, Qt.Key.Key_F4, Qt.Key.Key_F10,
            Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Backspace, Qt.Key.Key_Delete]
    with qtbot.assertNotEmitted(kiosk.quit_requested):
        for key in keys:
            press(qtbot, kiosk, key)
        kiosk.stage.close()
    assert kiosk.stage.isVisible(), "closing the window must not end the event"
    with qtbot.waitSignal(kiosk.quit_requested, timeout=1000):
        press(qtbot, kiosk, Qt.Key.Key_Q,
              Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_a_typed_message_goes_up_as_plain_text(qtbot, make_kiosk):
    kiosk, _ = make_kiosk("20:00")
    press(qtbot, kiosk, Qt.Key.Key_T)
    assert kiosk.editor.isVisible()
    # While typing, letters are text, not shortcuts: "b" must not black the screen out.
    editor_line = kiosk.editor.line_edit
    editor_line.clear()
    # (qtbot.keyClicks types Latin-1 only; the em dash goes in as text.)
    qtbot.keyClicks(editor_line, "<b>Break</b> - back at 20:15")
    editor_line.insert(" —")
    assert kiosk.view.scene == "slides"
    qtbot.keyClick(editor_line, Qt.Key.Key_Return)
    assert kiosk.view.scene == "message"
    assert kiosk.view.message == "<b>Break</b> - back at 20:15 —"


def test_reveal_shows_the_awards_board_with_the_next_laureate(qtbot, make_kiosk, tmp_path):
    text = paths.builtin_config().read_text(encoding="utf-8").replace(
        "      - name: {en: Laureates 2021, be: Лаўрэаты 2021}\n        laureates: []",
        "      - name: Laureates 2021\n        laureates:\n"
        "          - name: First Laureate\n          - name: Second Laureate")
    cfg = config_module.loads(text, "awards.yaml", base_dir=paths.builtin_config().parent)
    kiosk, _ = make_kiosk("20:45", cfg)
    press(qtbot, kiosk, Qt.Key.Key_R)
    board = kiosk.view.board
    assert kiosk.view.scene == "awards"
    names = [lau.name for lau in board.awards[0].categories[0].laureates]
    assert names == ["First Laureate"]
    assert board.awards[0].categories[0].laureates[0].highlight
    press(qtbot, kiosk, Qt.Key.Key_R)
    names = [lau.name for lau in kiosk.view.board.awards[0].categories[0].laureates]
    assert names == ["First Laureate", "Second Laureate"]


def test_every_scene_change_and_action_is_logged(qtbot, make_kiosk, tmp_path):
    log = tmp_path / "events.jsonl"
    kiosk, _ = make_kiosk("18:20", log=log)
    press(qtbot, kiosk, Qt.Key.Key_S)
    press(qtbot, kiosk, Qt.Key.Key_Escape)
    kiosk.log.close()
    import json

    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    scenes = [(r["scene"], r["manual"]) for r in records if r["event"] == "scene"]
    assert scenes == [("live", False), ("slides", True), ("live", False)]
    actions = [r["action"] for r in records if r["event"] == "action"]
    assert actions == ["slides", "automatic"]


@pytest.mark.parametrize("key", [Qt.Key.Key_Question, Qt.Key.Key_H, Qt.Key.Key_F1])
def test_the_help_card_opens_on_every_help_key(qtbot, make_kiosk, key):
    kiosk, _ = make_kiosk("18:20")
    press(qtbot, kiosk, key)
    assert kiosk.view.help is not None


def test_the_cursor_is_hidden_over_the_stage(make_kiosk):
    kiosk, _ = make_kiosk("18:20")
    assert kiosk.stage.cursor().shape() == Qt.CursorShape.BlankCursor


def test_volume_keys_show_a_badge_and_are_remembered(qtbot, config, tmp_path):
    from kiosk.core import sound

    clock = SteppedClock(moscow("18:20"))
    kiosk = Kiosk(config, clock, rehearsal=True, state_dir=tmp_path)
    qtbot.addWidget(kiosk.stage)
    with qtbot.waitExposed(kiosk.stage):
        kiosk.stage.show()
    kiosk.stage.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is not None)
    try:
        press(qtbot, kiosk, Qt.Key.Key_Up)
        assert "VOLUME 85%" in [b.text for b in kiosk.view.badges]
        press(qtbot, kiosk, Qt.Key.Key_Minus)
        press(qtbot, kiosk, Qt.Key.Key_Minus)
        assert "VOLUME 75%" in [b.text for b in kiosk.view.badges]
        press(qtbot, kiosk, Qt.Key.Key_M)
        assert "MUTED" in [b.text for b in kiosk.view.badges]
        assert sound.load(tmp_path) == sound.Sound(volume=75, muted=True)
        # The volume badge goes away by itself; MUTED stays while muted.
        press(qtbot, kiosk, Qt.Key.Key_M)
        qtbot.waitUntil(lambda: not any(b.text.startswith("VOLUME")
                                        for b in kiosk.view.badges), timeout=5000)
    finally:
        kiosk.request_quit()
        kiosk.stage.close()


def test_diagnostics_key_shows_the_stream_figures(qtbot, make_kiosk):
    kiosk, _ = make_kiosk("18:20")
    press(qtbot, kiosk, Qt.Key.Key_I)
    rows = dict(kiosk.view.diagnostics)
    assert rows["Health"] == "playing"
    assert "placeholder" in rows["Stream"]
    press(qtbot, kiosk, Qt.Key.Key_I)
    assert kiosk.view.diagnostics is None


@pytest.mark.parametrize("how", ["tab", "click"])
def test_leaving_the_message_prompt_gives_the_keys_back(qtbot, make_kiosk, how):
    kiosk, _ = make_kiosk("20:00")
    press(qtbot, kiosk, Qt.Key.Key_T)
    line = kiosk.editor.line_edit
    qtbot.keyClicks(line, "half-typed")
    if how == "tab":
        qtbot.keyClick(line, Qt.Key.Key_Tab)
        assert line.hasFocus(), "Tab must not move the keyboard off the prompt"
        qtbot.keyClick(line, Qt.Key.Key_Escape)
    else:
        qtbot.mouseClick(kiosk.stage, Qt.MouseButton.LeftButton)
        kiosk.stage.setFocus()  # what a click on the stage does on a real screen
    qtbot.waitUntil(lambda: not kiosk.editor.isVisible())
    press(qtbot, kiosk, Qt.Key.Key_B)
    assert kiosk.view.scene == "blackout"
    with qtbot.waitSignal(kiosk.quit_requested, timeout=1000):
        press(qtbot, kiosk, Qt.Key.Key_Q,
              Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_a_restarted_kiosk_comes_back_as_the_volunteers_left_it(qtbot, make_kiosk, tmp_path):
    log = tmp_path / "events.jsonl"
    kiosk, _ = make_kiosk("20:45")  # the BAUM awards are on
    press(qtbot, kiosk, Qt.Key.Key_D)  # five minutes late
    press(qtbot, kiosk, Qt.Key.Key_A)  # the awards board, held
    press(qtbot, kiosk, Qt.Key.Key_B)  # blackout on top
    before = kiosk.state
    kiosk.request_quit()
    again, _ = make_kiosk("20:46", log=log)
    assert again.view.scene == "blackout"
    assert again.state.hold == before.hold and again.state.delays == before.delays
    assert again.state.revealed == before.revealed
    press(qtbot, again, Qt.Key.Key_B)
    assert again.view.scene == "awards" and again.view.manual
    again.log.close()
    assert '"event": "restored"' in log.read_text(encoding="utf-8")


def test_what_could_not_be_saved_is_saved_once_it_can_be(qtbot, config, tmp_path):
    """A full disk (here: a file where the state folder goes) must not cost the volunteers
    a delay or the volume they set meanwhile: the host is told, and it is saved as soon as
    it can be, with no further key."""
    from kiosk.core import session, sound

    state_dir = tmp_path / "state"
    state_dir.write_text("in the way")
    log = tmp_path / "events.jsonl"
    clock = SteppedClock(moscow("18:20"))
    kiosk = Kiosk(config, clock, rehearsal=True, state_dir=state_dir, event_log=EventLog(log),
                  lang=("en",))
    qtbot.addWidget(kiosk.stage)
    with qtbot.waitExposed(kiosk.stage):
        kiosk.stage.show()
    kiosk.stage.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWindow() is not None)
    try:
        press(qtbot, kiosk, Qt.Key.Key_D)  # five minutes late
        press(qtbot, kiosk, Qt.Key.Key_Minus)  # volume 75
        problems = " ".join(kiosk.problems_now())
        assert "could not save the kiosk's state" in problems
        assert "could not remember the volume" in problems
        assert "PROBLEM: F1" in [b.text for b in kiosk.view.badges]
        state_dir.unlink()  # room again
        qtbot.waitUntil(lambda: session.load(state_dir, config, datetime.now(UTC)) is not None
                        and sound.load(state_dir).volume == 75, timeout=5000)
        saved = session.load(state_dir, config, datetime.now(UTC))
        assert saved is not None and saved.delays == kiosk.state.delays
        qtbot.waitUntil(lambda: not any("could not" in p for p in kiosk.problems_now()),
                        timeout=3000)
    finally:
        kiosk.request_quit()
        kiosk.stage.close()
        kiosk.log.close()
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    told = [r["text"] for r in records if r["event"] == "problem" and r.get("source")
            == "saving"]
    assert told[-1] == [
        f"could not save the kiosk's state in {state_dir}: File exists",
        f"could not remember the volume in {state_dir}: File exists"]
    assert len(told) == len({tuple(t) for t in told}), "each change told once, not at each try"
    assert [r["event"] for r in records if r.get("source") == "saving"][-1] == "saved"


def test_a_jump_of_the_computers_clock_is_logged_and_the_programme_follows(qtbot, config,
                                                                          tmp_path):
    """The wall clock put an hour forward (by hand, NTP, a wrong time zone fixed): the hall
    follows the programme at the new time, and the event log says the clock jumped."""
    log = tmp_path / "events.jsonl"
    clock = SteppedClock(moscow("18:20"))
    kiosk = Kiosk(config, clock, rehearsal=False, event_log=EventLog(log), lang=("en",))
    qtbot.addWidget(kiosk.stage)
    try:
        kiosk.refresh()
        clock.now += timedelta(hours=1)
        kiosk.refresh()
        assert kiosk.moment.now == moscow("19:20")
        clock.now += timedelta(seconds=1)
        kiosk.refresh()
    finally:
        kiosk.request_quit()
        kiosk.log.close()
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    jumps = [r for r in records if r["event"] == "clock"]
    assert len(jumps) == 1 and 3590 <= jumps[0]["jumped_seconds"] <= 3600
    assert jumps[0]["at"].startswith("2021-02-06T16:20")  # 19:20 Moscow time


def test_a_rehearsal_clock_running_fast_is_no_jump(qtbot, config, tmp_path):
    log = tmp_path / "events.jsonl"
    clock = SteppedClock(moscow("18:20"))
    kiosk = Kiosk(config, clock, rehearsal=True, event_log=EventLog(log), lang=("en",))
    qtbot.addWidget(kiosk.stage)
    try:
        kiosk.refresh()
        clock.now += timedelta(hours=1)
        kiosk.refresh()
    finally:
        kiosk.request_quit()
        kiosk.log.close()
    assert '"event": "clock"' not in log.read_text(encoding="utf-8")
