"""The supervisor's decisions, without processes: restart, safe mode, back off, stop; hangs."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from kiosk import supervisor
from kiosk.supervisor import (
    Ending,
    Exit,
    HeartbeatWatch,
    OutputGate,
    Policy,
    Restarts,
    describe_exit,
)

POLICY = Policy()  # the defaults the installed builds run with


def crash(at: float, uptime: float = 5.0, *, safe: bool = False,
          ending: Ending = Ending.CRASH) -> Exit:
    return Exit(ending, at - uptime, at, safe, "signal SIGSEGV")


def test_a_clean_quit_stops_the_supervisor_with_success():
    decision = Restarts().after(crash(100, ending=Ending.CLEAN))
    assert not decision.restart
    assert decision.exit_code == 0


def test_wrong_arguments_stop_instead_of_restarting_forever():
    decision = Restarts().after(crash(100, ending=Ending.USAGE))
    assert not decision.restart
    assert decision.exit_code == 2


def test_a_crash_or_a_hang_restarts_at_once_in_normal_mode():
    restarts = Restarts()
    for ending in (Ending.CRASH, Ending.HANG):
        decision = restarts.after(crash(1000 + 500 * len(restarts.crashes), ending=ending))
        assert decision.restart and not decision.safe_mode
        assert decision.wait == POLICY.restart_after <= 1.0


def test_the_third_crash_within_two_minutes_starts_safe_mode():
    restarts = Restarts()
    assert not restarts.after(crash(100)).safe_mode
    assert not restarts.after(crash(150)).safe_mode
    third = restarts.after(crash(219))
    assert third.restart and third.safe_mode
    assert third.wait == POLICY.restart_after
    assert "3 crashes within 120 s" in third.reason


def test_crashes_spread_wider_than_the_window_never_reach_safe_mode():
    restarts = Restarts()
    for n in range(10):
        decision = restarts.after(crash(100 + 61 * n))
        assert not decision.safe_mode, n
    assert len(restarts.crashes) == 2


def test_safe_mode_crashing_too_backs_off_doubling_up_to_a_minute():
    restarts = Restarts()
    for at in (100, 101, 102):
        restarts.after(crash(at, 0.5))
    waits = []
    at = 103.0
    for _ in range(8):
        decision = restarts.after(crash(at, 0.5, safe=True))
        assert decision.restart and decision.safe_mode
        waits.append(decision.wait)
        at += decision.wait + 1
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]


def test_a_stable_run_forgets_the_crashes_and_goes_back_to_normal_mode():
    restarts = Restarts()
    for at in (100, 101, 102):
        restarts.after(crash(at, 0.5))
    restarts.after(crash(110, 0.5, safe=True))  # backing off now
    decision = restarts.after(crash(2000, POLICY.stable_after, safe=True))
    assert decision.restart and not decision.safe_mode
    assert decision.wait == POLICY.restart_after
    assert restarts.crashes == [2000] and restarts.safe_failures == 0
    # and it takes three fresh crashes to go back to safe mode
    assert not restarts.after(crash(2001, 0.5)).safe_mode
    assert restarts.after(crash(2002, 0.5)).safe_mode


def test_forget_is_what_the_supervisor_calls_while_a_run_is_stable():
    restarts = Restarts()
    for at in (100, 101, 102):
        restarts.after(crash(at, 0.5))
    restarts.forget()
    assert not restarts.after(crash(103, 0.5)).safe_mode


def test_a_kiosk_that_beats_is_not_hung_until_it_stops_for_hang_after():
    watch = HeartbeatWatch(POLICY, started=0.0)
    assert watch.look(None, 0.2) is None
    assert watch.look(b"1", 1.0) is None
    assert watch.first_beat == 1.0
    for t in range(2, 20):
        assert watch.look(str(t).encode(), float(t)) is None
    # then silence, looked at as often as the supervisor looks
    t = 19.0
    while t < 19.0 + POLICY.hang_after - 0.3:
        t += 0.2
        assert watch.look(b"19", t) is None, t
    assert watch.look(b"19", 19.0 + POLICY.hang_after) == "hang: no heartbeat for 10 s"


def test_a_kiosk_gets_the_grace_period_for_its_first_beat():
    watch = HeartbeatWatch(POLICY, started=0.0)
    t = 0.0
    while t < POLICY.grace - 1:
        t += 1.0
        assert watch.look(None, t) is None
    assert watch.look(b"", POLICY.grace) == "hang: no heartbeat within 30 s of the start"


def test_a_supervisor_that_did_not_run_for_a_while_gives_the_kiosk_a_fresh_chance():
    """A laptop that slept: the gap is nobody's fault (Windows' monotonic clock counts
    sleep), so the hang clock starts again."""
    watch = HeartbeatWatch(POLICY, started=0.0)
    watch.look(b"1", 1.0)
    assert watch.look(b"1", 300.0) is None  # back from sleep
    assert watch.look(b"1", 300.0 + POLICY.hang_after - 0.5) is None
    assert watch.look(b"2", 300.0 + POLICY.hang_after) is None


def test_exit_statuses_read_as_a_person_would():
    assert describe_exit(-signal.SIGKILL) == "signal SIGKILL"
    assert describe_exit(-signal.SIGSEGV) == "signal SIGSEGV"
    assert describe_exit(1) == "exit code 1"
    assert describe_exit(0xC0000005) == "exit code 0xC0000005 (access violation)"


def test_the_policy_reads_its_timings_from_the_environment():
    policy, problems = Policy.from_env({"WATCHPARTY_KIOSK_HANG_AFTER": "2.5",
                                        "WATCHPARTY_KIOSK_GRACE": "soon",
                                        "WATCHPARTY_KIOSK_STABLE_AFTER": "-1",
                                        "WATCHPARTY_KIOSK_BACKOFF": "0.5"})
    assert policy.hang_after == 2.5 and policy.backoff_first == 0.5
    assert policy.grace == POLICY.grace and policy.stable_after == POLICY.stable_after
    assert len(problems) == 2 and "WATCHPARTY_KIOSK_GRACE='soon'" in problems[0]


def test_the_kiosk_command_from_a_checkout_and_from_a_bundle(monkeypatch: pytest.MonkeyPatch):
    args = ["--config", "x.yaml", "--windowed"]
    assert supervisor.kiosk_command(args) == [sys.executable, "-m", "kiosk", "run", *args]
    assert supervisor.kiosk_command(["run", *args], safe_mode=True) == [
        sys.executable, "-m", "kiosk", "run", "--safe-mode", *args]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/watchparty-kiosk/watchparty-kiosk")
    assert supervisor.kiosk_command(args, safe_mode=True) == [
        "/opt/watchparty-kiosk/watchparty-kiosk", "run", "--safe-mode", *args]


def test_the_supervisor_loads_no_qt():
    """It must survive whatever took the kiosk down, Qt included."""
    code = ("import sys, kiosk.cli, kiosk.supervisor; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'vlc')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_a_kiosk_that_fails_while_quitting_is_not_restarted():
    decision = Restarts().after(crash(100, ending=Ending.QUITTING))
    assert not decision.restart
    assert decision.exit_code == 0


def test_a_beat_says_when_the_kiosk_is_quitting():
    watch = HeartbeatWatch(POLICY, started=0.0)
    watch.look(b"000000000001 000000000012.500 0000004242 running \n", 1.0)
    assert not watch.quitting
    watch.look(b"000000000002 000000000013.100 0000004242 quitting\n", 1.6)
    assert watch.quitting


class Minutes:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_childs_chatter_reaches_our_stderr_bounded_and_repeats_said_once():
    clock = Minutes()
    gate = OutputGate(per_minute=5, clock=clock)
    out: list[str] = []
    for i in range(1000):  # ALSA with no sound card: eight different lines, fifty times a second
        out += gate.lines(f"ALSA lib pcm.c:{2666 + i % 8}: cannot find card '0'")
    assert len(out) == 5
    clock.now = 61.0
    out = gate.lines("kiosk: back")
    assert out[0].startswith("supervisor: 995 more lines from the kiosk left out")
    assert out[-1] == "kiosk: back"
    for _ in range(300):
        out += gate.lines("the same line")
    out += gate.lines("another line")
    assert out[-3:] == ["the same line", "(the line above came 299 times more)", "another line"]
