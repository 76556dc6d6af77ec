"""The volunteers' state survives a restart: same scene, delays and reveals; only this event's."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from kiosk.core import session
from kiosk.core.director import Hold, Scene, State
from kiosk.core.programme import Delay

NOW = datetime(2021, 2, 6, 15, 40, tzinfo=UTC)
STATE = State(
    hold=Hold(Scene.SLIDES, NOW - timedelta(minutes=2), NOW + timedelta(minutes=15)),
    blackout=True, overlay=False, help=True, diagnostics=True, message="Back soon",
    delays=(Delay(timedelta(minutes=5), NOW - timedelta(minutes=30)),
            Delay(timedelta(minutes=5), NOW - timedelta(minutes=3))),
    revealed=(("baum awards", "laureates", "a. laureate"),), revealed_at=NOW,
    loop_first=3, loop_since=NOW)


def test_a_saved_state_comes_back_without_what_is_momentary(builtin, tmp_path):
    config = builtin()
    assert session.save(tmp_path, STATE, config, NOW) == ""
    back = session.load(tmp_path, config, NOW + timedelta(minutes=1))
    assert back == dataclasses.replace(STATE, help=False, diagnostics=False, revealed_at=None,
                                       loop_first=0, loop_since=None)
    assert back.late == timedelta(minutes=10)


def test_a_hold_until_handed_back_survives(builtin, tmp_path):
    config = builtin()
    state = State(hold=Hold(Scene.AWARDS, NOW, None))
    session.save(tmp_path, state, config, NOW)
    assert session.load(tmp_path, config, NOW).hold == Hold(Scene.AWARDS, NOW, None)


def test_another_events_state_or_an_old_one_is_ignored(builtin, config_from, tmp_path):
    config = builtin()
    session.save(tmp_path, STATE, config, NOW)
    other = config_from("event:\n  title: Other\n  timezone: UTC\n"
                        "  start: 2021-02-06 18:00\n  end: '20:00'\n")
    assert session.load(tmp_path, other, NOW) is None
    assert session.load(tmp_path, config, NOW + session.MAX_AGE + timedelta(seconds=1)) is None
    # Saved more than MAX_AGE "ahead" of now: a clock far off, not a clock put right.
    assert session.load(tmp_path, config, NOW - session.MAX_AGE - timedelta(seconds=1)) is None


def test_a_state_saved_while_the_clock_was_ahead_survives_the_clock_put_right(builtin,
                                                                            tmp_path):
    """Volunteers pressed keys while the computer's clock was an hour ahead; the clock was
    put right (by hand, or NTP), then the kiosk restarted: their state comes back."""
    config = builtin()
    session.save(tmp_path, STATE, config, NOW + timedelta(hours=1))
    back = session.load(tmp_path, config, NOW + timedelta(minutes=1))
    assert back is not None and back.delays == STATE.delays and back.revealed == STATE.revealed


def test_a_broken_file_is_ignored(builtin, tmp_path):
    config = builtin()
    for text in ("", "{", "[]", '{"event": 1}', '{"event": "x", "saved_at": "soon"}'):
        (tmp_path / session.FILE).write_text(text, encoding="utf-8")
        assert session.load(tmp_path, config, NOW) is None, text
    session.save(tmp_path, STATE, config, NOW)
    text = (tmp_path / session.FILE).read_text(encoding="utf-8")
    (tmp_path / session.FILE).write_text(text.replace('"slides"', '"dancing"'),
                                         encoding="utf-8")
    assert session.load(tmp_path, config, NOW) is None


def test_a_folder_that_cannot_be_written_is_a_problem_not_a_crash(builtin, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    problem = session.save(blocker / "state", STATE, builtin(), NOW)
    assert "could not save the kiosk's state" in problem
