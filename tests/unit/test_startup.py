"""What the kiosk starts on: the config it falls back to, the clock it runs, the event log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import paths
from kiosk.core.clock import RehearsalClock, parse_instant, system_clock
from kiosk.core.config import load
from kiosk.core.errors import ConfigInvalid
from kiosk.core.eventlog import EventLog
from kiosk.core.startup import choose_clock, choose_config

LONDON = ZoneInfo("Europe/London")
GOOD = paths.data_root() / "config" / "venue-example.yaml"


def broken_copy(tmp_path: Path) -> Path:
    path = tmp_path / "venue.yaml"
    path.write_text(GOOD.read_text(encoding="utf-8").replace("Europe/Vilnius", "Vilnius"),
                    encoding="utf-8")
    return path


def test_no_config_means_the_built_in_event(tmp_path):
    chosen = choose_config(None, state_dir=tmp_path, system_zone=LONDON)
    assert chosen.config.event.title == "Solidarity Conference With the Belarusian People"
    assert chosen.problems == ()
    assert chosen.config.venue.timezone == LONDON


def test_a_good_config_is_remembered(tmp_path):
    path = tmp_path / "venue.yaml"
    path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    chosen = choose_config(path, state_dir=tmp_path / "state", system_zone=LONDON)
    assert chosen.problems == ()
    copies = list((tmp_path / "state").glob("last-good-*.yaml"))
    assert [c.read_text(encoding="utf-8") for c in copies] == [path.read_text("utf-8")]


def test_a_broken_config_falls_back_to_the_built_in_event_and_says_where(tmp_path):
    chosen = choose_config(broken_copy(tmp_path), state_dir=tmp_path / "state")
    assert chosen.config.event.title == "Solidarity Conference With the Belarusian People"
    assert "showing the built-in event" in chosen.problems[0]
    line = GOOD.read_text(encoding="utf-8").splitlines().index(
        next(t for t in GOOD.read_text(encoding="utf-8").splitlines()
             if "timezone: Europe/Vilnius" in t)) + 1
    assert any(f":{line}:13: event.timezone: unknown time zone 'Vilnius'" in p
               for p in chosen.problems[1:])


def test_a_broken_edit_falls_back_to_the_last_good_copy(tmp_path):
    path = tmp_path / "venue.yaml"
    path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    choose_config(path, state_dir=tmp_path / "state")
    broken_copy(tmp_path)  # the host's edit breaks the same file
    chosen = choose_config(path, state_dir=tmp_path / "state")
    assert chosen.config.event.title == "Our community watch party"
    assert "showing its last good copy" in chosen.problems[0]
    # The broken file is not remembered over the good one.
    (copy,) = (tmp_path / "state").glob("last-good-*.yaml")
    assert "Europe/Vilnius" in copy.read_text("utf-8")


def test_another_events_copy_never_stands_in(tmp_path):
    state = tmp_path / "state"
    other = tmp_path / "other.yaml"
    other.write_text(GOOD.read_text(encoding="utf-8").replace(
        "Our community watch party", "Another event"), encoding="utf-8")
    choose_config(other, state_dir=state)
    chosen = choose_config(broken_copy(tmp_path), state_dir=state)
    assert chosen.fell_back
    assert chosen.config.event.title == "Solidarity Conference With the Belarusian People"


def test_a_snapshot_does_not_replace_the_last_good_copy(tmp_path):
    path = tmp_path / "venue.yaml"
    path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    choose_config(path, state_dir=tmp_path / "state", remember=False)
    assert not list((tmp_path / "state").glob("last-good-*"))


def test_a_missing_image_is_a_warning_and_the_event_stays(tmp_path):
    (tmp_path / "usb").mkdir()
    (tmp_path / "usb" / "poster.svg").write_text(
        (paths.assets() / "images" / "white-red-white.svg").read_text("utf-8"), "utf-8")
    path = tmp_path / "venue.yaml"
    path.write_text(GOOD.read_text(encoding="utf-8").replace(
        "  # - image: pictures/poster.png   # a path relative to this file",
        "  - image: usb/poster.svg"), encoding="utf-8")
    state = tmp_path / "state"
    assert choose_config(path, state_dir=state).problems == ()
    (tmp_path / "usb" / "poster.svg").unlink()  # the stick is unplugged
    chosen = choose_config(path, state_dir=state)
    assert not chosen.fell_back
    assert chosen.config.event.title == "Our community watch party"
    assert "image not found" in chosen.problems[0] and "shown without it" in chosen.problems[0]
    assert any(s.kind == "image" for s in chosen.config.slides)
    # check stays strict about it.
    with pytest.raises(ConfigInvalid):
        load(path)
    # The complete copy is not replaced by the one with a hole in it.
    (copy,) = state.glob("last-good-*.yaml")
    assert "usb/poster.svg" in copy.read_text("utf-8")


def test_an_unwritable_state_folder_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "venue.yaml"
    path.write_text(GOOD.read_text(encoding="utf-8"), encoding="utf-8")
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    chosen = choose_config(path, state_dir=blocker)
    assert chosen.config.event.title == "Our community watch party"
    assert "could not keep a copy" in chosen.problems[0]


@pytest.fixture
def conference():
    return load(paths.builtin_config(), system_zone=LONDON)


def test_a_past_event_runs_as_a_rehearsal_three_minutes_before_its_start(conference):
    timing = choose_clock(conference, at=None, speed=None,
                          now=datetime(2026, 11, 28, tzinfo=UTC))
    assert timing.rehearsal
    assert timing.start == datetime(2021, 2, 6, 14, 57, tzinfo=UTC)


def test_a_coming_event_runs_on_the_real_clock(conference):
    timing = choose_clock(conference, at=None, speed=None,
                          now=datetime(2021, 2, 1, tzinfo=UTC))
    assert not timing.rehearsal
    assert timing.clock is system_clock


def test_at_is_read_in_the_event_zone_unless_it_has_an_offset(conference):
    timing = choose_clock(conference, at="2021-02-06T17:55", speed=None)
    assert timing.rehearsal and timing.start == datetime(2021, 2, 6, 14, 55, tzinfo=UTC)
    timing = choose_clock(conference, at="2021-02-06T17:55Z", speed=None)
    assert timing.start == datetime(2021, 2, 6, 17, 55, tzinfo=UTC)
    assert parse_instant("2021-02-06 18:00+03:00", LONDON) == datetime(2021, 2, 6, 15,
                                                                        tzinfo=UTC)
    with pytest.raises(ValueError):
        choose_clock(conference, at="yesterday", speed=None)


def test_speed_alone_rehearses_from_now_faster(conference):
    now = datetime(2021, 2, 1, tzinfo=UTC)
    timing = choose_clock(conference, at=None, speed=4.0, now=now)
    assert timing.rehearsal and timing.start == now


def test_the_rehearsal_clock_runs_at_its_speed():
    ticks = iter([100.0, 100.0, 101.5, 160.0])
    clock = RehearsalClock(datetime(2021, 2, 6, 15, tzinfo=UTC), 10.0, lambda: next(ticks))
    assert clock() == datetime(2021, 2, 6, 15, tzinfo=UTC)
    assert clock() == datetime(2021, 2, 6, 15, 0, 15, tzinfo=UTC)
    assert clock() == datetime(2021, 2, 6, 15, 10, tzinfo=UTC)
    with pytest.raises(ValueError):
        RehearsalClock(datetime(2021, 2, 6, 15), 1.0)
    with pytest.raises(ValueError):
        RehearsalClock(datetime(2021, 2, 6, 15, tzinfo=UTC), 0.0)


def test_the_event_log_writes_one_json_object_a_line(tmp_path):
    wall = datetime(2026, 11, 28, 12, tzinfo=UTC)
    log = EventLog(tmp_path / "logs" / "events.jsonl", wall=lambda: wall)
    at = datetime(2021, 2, 6, 15, tzinfo=UTC)
    log.write("scene", at, scene="live", manual=False)
    log.write("action", at + timedelta(seconds=1), action="blackout")
    log.close()
    lines = (tmp_path / "logs" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first == {"wall": "2026-11-28T12:00:00.000+00:00", "at": "2021-02-06T15:00:00+00:00",
                     "event": "scene", "scene": "live", "manual": False}
    assert second["action"] == "blackout"


def test_an_event_log_that_cannot_be_written_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    log = EventLog(tmp_path / "file" / "events.jsonl")
    assert "cannot be written" in log.problem
    log.write("scene", datetime(2021, 2, 6, tzinfo=UTC), scene="live")  # does nothing


def test_a_restart_just_after_an_overrun_stays_on_the_real_clock(conference):
    end = conference.running().end
    timing = choose_clock(conference, at=None, speed=None, now=end + timedelta(hours=2))
    assert not timing.rehearsal
    timing = choose_clock(conference, at=None, speed=None, now=end + timedelta(hours=13))
    assert timing.rehearsal


@pytest.mark.parametrize("text", ["0001-01-01T00:00", "9999-12-31T23:59:59Z"])
def test_an_instant_far_outside_any_event_is_refused_cleanly(conference, text):
    with pytest.raises(ValueError, match="year"):
        choose_clock(conference, at=text, speed=None)
