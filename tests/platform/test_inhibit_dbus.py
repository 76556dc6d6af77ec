"""Sleep inhibit on Linux, for real: QtDBus on a private session bus with a stand-in desktop."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection

from kiosk.platform.inhibit import SleepInhibitor

_CONNECTIONS = itertools.count()


@pytest.fixture
def connect(qapp):
    names = []

    def connect(address: str) -> QDBusConnection:
        names.append(f"inhibit-test-{next(_CONNECTIONS)}")
        return QDBusConnection.connectToBus(address, names[-1])

    yield connect
    for name in names:
        QDBusConnection.disconnectFromBus(name)


def test_the_screensaver_is_asked_with_the_reason_and_released_with_its_cookie(
        session_bus, start_desktop, connect):
    desktop = start_desktop("screensaver")
    inhibitor = SleepInhibitor(bus=connect(session_bus))

    assert inhibitor.start("Solidarity night is being shown") == ""
    assert inhibitor.active
    assert desktop.calls() == [
        ["ScreenSaver", "Inhibit", "watchparty-kiosk", "Solidarity night is being shown"]]

    inhibitor.stop()
    assert not inhibitor.active
    assert desktop.calls()[1:] == [["ScreenSaver", "UnInhibit", 7001]]


def test_start_and_stop_twice_ask_and_release_once(session_bus, start_desktop, connect):
    desktop = start_desktop("screensaver")
    inhibitor = SleepInhibitor(bus=connect(session_bus))
    assert inhibitor.start("shown") == ""
    assert inhibitor.start("shown") == ""
    inhibitor.stop()
    inhibitor.stop()
    assert [call[1] for call in desktop.calls()] == ["Inhibit", "UnInhibit"]


def test_every_inhibit_service_there_is_asked_and_released(session_bus, start_desktop, connect):
    desktop = start_desktop("screensaver,power,gnome")
    inhibitor = SleepInhibitor(bus=connect(session_bus))
    assert inhibitor.start("shown") == ""
    inhibitor.stop()
    assert desktop.calls() == [
        ["ScreenSaver", "Inhibit", "watchparty-kiosk", "shown"],
        ["PowerManagement", "Inhibit", "watchparty-kiosk", "shown"],
        # No window id; suspend (4) and idle (8).
        ["SessionManager", "Inhibit", "watchparty-kiosk", 0, "shown", 12],
        ["ScreenSaver", "UnInhibit", 7001],
        ["PowerManagement", "UnInhibit", 8001],
        ["SessionManager", "Uninhibit", 9001],
    ]


def test_gnome_alone_is_enough(session_bus, start_desktop, connect):
    desktop = start_desktop("gnome")
    inhibitor = SleepInhibitor(bus=connect(session_bus))
    assert inhibitor.start("shown") == ""
    inhibitor.stop()
    assert [call[:2] for call in desktop.calls()] == [["SessionManager", "Inhibit"],
                                                      ["SessionManager", "Uninhibit"]]


def test_a_bus_without_a_screensaver_is_a_problem_for_the_host(session_bus, connect):
    inhibitor = SleepInhibitor(bus=connect(session_bus))
    problem = inhibitor.start("shown")
    assert problem.startswith("the screen may go to sleep: no screensaver service answered")
    assert "org.freedesktop.ScreenSaver" in problem
    assert not inhibitor.active
    inhibitor.stop()


def test_a_refusal_is_a_problem_for_the_host(session_bus, start_desktop, connect):
    desktop = start_desktop("refuse")
    inhibitor = SleepInhibitor(bus=connect(session_bus))
    problem = inhibitor.start("shown")
    assert problem == ("the screen may go to sleep: the screensaver service did not accept the "
                       "request (org.freedesktop.ScreenSaver)")
    inhibitor.stop()
    assert [call[1] for call in desktop.calls()] == ["Inhibit"]  # nothing to release


def test_no_session_bus_is_a_problem_not_an_error(tmp_path, connect):
    inhibitor = SleepInhibitor(bus=connect(f"unix:path={tmp_path / 'no-bus'}"))
    problem = inhibitor.start("shown")
    assert problem.startswith("the screen may go to sleep: no D-Bus session bus (")
    inhibitor.stop()


CHECKOUT = Path(__file__).resolve().parents[2]


def test_the_kiosk_inhibits_while_it_runs_and_releases_when_it_quits(
        session_bus, start_desktop, tmp_path):
    """The real command line on the session bus from the environment."""
    desktop = start_desktop("screensaver")
    log = tmp_path / "events.jsonl"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WATCHPARTY_KIOSK_NO_VLC="1",
               DBUS_SESSION_BUS_ADDRESS=session_bus)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--windowed", "--exit-after", "1", "--event-log",
         str(log)], env=env, cwd=CHECKOUT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = desktop.calls()
    title = "Solidarity Conference With the Belarusian People"
    assert calls == [["ScreenSaver", "Inhibit", "watchparty-kiosk", f"{title} is being shown"],
                     ["ScreenSaver", "UnInhibit", 7001]]
    problems = [e for e in map(json.loads, log.read_text(encoding="utf-8").splitlines())
                if e.get("event") == "problem"]
    assert not any("sleep" in json.dumps(p) for p in problems)
