"""Editing the config while the kiosk runs: a valid edit applies at once, a broken one is
refused with where and what, and the running config stays on screen."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.app import Kiosk
from kiosk.cli import follow_config
from kiosk.core import config as config_module
from kiosk.core.eventlog import EventLog
from kiosk.feedservice import FeedService

CONFIG = """\
event:
  title: {title}
  timezone: Europe/Moscow
  start: 2021-02-06 18:00
  end: "23:30"
venue:
  timezone: Europe/Moscow
programme:
  - title: Opening of the conference
    duration: 30m
  - title: Concert
    kind: concert
keys:
  blackout: {blackout}
"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2021, 2, 6, 15, 10, tzinfo=UTC)  # 18:10 in Moscow

    def __call__(self) -> datetime:
        return self.now


def write(path: Path, text: str) -> None:
    """As an editor saves: a new file renamed over the old one."""
    temp = path.with_suffix(".swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


@pytest.fixture
def running(qtbot, tmp_path):
    path = tmp_path / "venue.yaml"
    path.write_text(CONFIG.format(title="Solidarity", blackout="B"), encoding="utf-8")
    config = config_module.load(path)
    feeds = FeedService(config, tmp_path / "cache", autostart=False)
    kiosk = Kiosk(config, Clock(), rehearsal=True, feeds=feeds, event_log=EventLog(None))
    qtbot.addWidget(kiosk.stage)
    watcher = follow_config(kiosk, path)
    yield kiosk, watcher, path
    kiosk.request_quit()


def test_a_valid_edit_applies_at_once(qtbot, running):
    kiosk, watcher, path = running
    assert kiosk.view.overlay.now_title == "Opening of the conference"
    with qtbot.waitSignal(watcher.reloaded, timeout=5000):
        write(path, CONFIG.format(title="Solidarity", blackout="B").replace(
            "Opening of the conference", "Welcome, everyone"))
    assert kiosk.view.overlay.now_title == "Welcome, everyone"
    assert kiosk.problems_now() == ()


def test_a_broken_edit_is_refused_and_the_running_config_stays(qtbot, running):
    kiosk, watcher, path = running
    before = kiosk.config
    with qtbot.waitSignal(watcher.rejected, timeout=5000) as blocker:
        write(path, CONFIG.format(title="Solidarity", blackout="B").replace(
            "duration: 30m", "duration: half an hour"))
    lines = blocker.args[0]
    assert "the kiosk keeps running the config it had" in lines[0]
    assert lines[1].startswith(f"{path}:10:15: programme[0].duration:")
    assert kiosk.config is before
    assert kiosk.view.overlay.now_title == "Opening of the conference"
    assert kiosk.view.notice.startswith(f"{path}: the edit has 1 problem")
    # Fixed: the notice goes, the edit applies.
    with qtbot.waitSignal(watcher.reloaded, timeout=5000):
        write(path, CONFIG.format(title="Solidarity, fixed", blackout="B"))
    assert kiosk.config.event.title == "Solidarity, fixed"
    assert kiosk.view.notice == ""


def test_an_edited_key_table_takes_effect(qtbot, running):
    kiosk, watcher, path = running
    with qtbot.waitSignal(watcher.reloaded, timeout=5000):
        write(path, CONFIG.format(title="Solidarity", blackout="K"))
    keys = sorted(s.key().toString() for s in kiosk.shortcuts if s.isEnabled())
    assert "K" in keys and "B" not in keys


def test_an_edit_that_changes_the_times_moves_a_volunteers_hold(qtbot, running):
    kiosk, watcher, path = running
    from kiosk.core.actions import Action

    kiosk.trigger(Action.SLIDES)
    assert kiosk.state.hold.until == datetime(2021, 2, 6, 15, 30, tzinfo=UTC)
    with qtbot.waitSignal(watcher.reloaded, timeout=5000):
        write(path, CONFIG.format(title="Solidarity", blackout="B").replace(
            "duration: 30m", "duration: 45m"))
    assert kiosk.state.hold.until == datetime(2021, 2, 6, 15, 45, tzinfo=UTC)
    assert kiosk.view.scene == "slides" and kiosk.view.manual


def test_a_file_gone_for_a_moment_is_not_an_error(qtbot, running):
    kiosk, watcher, path = running
    with qtbot.assertNotEmitted(watcher.rejected, wait=600):
        path.unlink()
    with qtbot.waitSignal(watcher.reloaded, timeout=5000):
        path.write_text(CONFIG.format(title="Back again", blackout="B"), encoding="utf-8")
    assert kiosk.config.event.title == "Back again"


def test_a_deleted_config_keeps_running_tells_the_host_and_comes_back(qtbot, running,
                                                                        monkeypatch):
    """Deleted (not a save in progress): the kiosk keeps the config it has, the host hears
    of it, and the file is taken up when it is back."""
    kiosk, watcher, path = running
    before = kiosk.config
    with qtbot.waitSignal(watcher.gone, timeout=10_000, check_params_cb=bool):
        path.unlink()
    assert kiosk.config is before
    told = [p for p in kiosk.problems_now() if "is gone" in p]
    assert told and str(path) in told[0] and "keeps running the config it had" in told[0]
    assert "PROBLEM: F1" in [b.text for b in kiosk.view.badges]
    # Back unchanged: nothing to apply, and the host's line goes.
    with qtbot.waitSignal(watcher.gone, timeout=5000, check_params_cb=lambda g: not g):
        path.write_text(CONFIG.format(title="Solidarity", blackout="B"), encoding="utf-8")
    assert kiosk.config is before
    assert not any("is gone" in p for p in kiosk.problems_now())
    # Gone again, then back with changes: applied.
    with qtbot.waitSignal(watcher.gone, timeout=10_000, check_params_cb=bool):
        path.unlink()
    with qtbot.waitSignal(watcher.reloaded, timeout=5000):
        path.write_text(CONFIG.format(title="Back again", blackout="B"), encoding="utf-8")
    assert kiosk.config.event.title == "Back again"
    assert not any("is gone" in p for p in kiosk.problems_now())


def test_a_whole_event_folder_replaced_is_followed(qtbot, tmp_path):
    """Opening a pack or a new setup moves the event's folder aside and puts a new one in
    its place; the running kiosk must follow the new file, not the moved one."""
    folder = tmp_path / "config" / "event"
    folder.mkdir(parents=True)
    path = folder / "event.yaml"
    path.write_text(CONFIG.format(title="Solidarity", blackout="B"), encoding="utf-8")
    config = config_module.load(path)
    kiosk = Kiosk(config, Clock(), rehearsal=True, event_log=EventLog(None))
    qtbot.addWidget(kiosk.stage)
    watcher = follow_config(kiosk, path)
    (tmp_path / "config" / "replaced").mkdir()
    folder.replace(tmp_path / "config" / "replaced" / "old")
    fresh = tmp_path / "config" / "event.new"
    fresh.mkdir()
    (fresh / "event.yaml").write_text(CONFIG.format(title="Another evening", blackout="B"),
                                      encoding="utf-8")
    with qtbot.waitSignal(watcher.reloaded, timeout=5000):
        fresh.replace(folder)
    assert kiosk.config.event.title == "Another evening"
    kiosk.request_quit()
