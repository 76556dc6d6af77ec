"""The heartbeat from a real Qt event loop, watched as the supervisor watches the kiosk: a GUI
thread stuck in a slot, a quit that hangs, a segfault."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time

import pytest

from kiosk.supervisor import Child, Ending, Log, Policy, Restarts, watch_child

# A Qt program with the kiosk's heartbeat and crash dumps. After ``delay`` seconds its GUI
# thread gets stuck in a slot ("hang"), or it starts quitting as the host's chord makes the
# kiosk quit and then gets stuck ("quit-hang"), or it does nothing ("run").
STAND_IN = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QCoreApplication, QTimer
    from kiosk.platform import heartbeat

    def stuck_in_a_slot():
        time.sleep(600)

    def stuck_while_quitting():
        heartbeat.quitting()
        stuck_in_a_slot()

    mode, delay = sys.argv[1], float(sys.argv[2])
    app = QCoreApplication([])
    heartbeat.enable_crash_dump_from_env()
    if mode != "run":
        then = stuck_in_a_slot if mode == "hang" else stuck_while_quitting
        QTimer.singleShot(int(delay * 1000), then)
    heartbeat.start_from_env(app)
    app.exec()
""")
POLICY = Policy(hang_after=1.5, grace=20)


def stand_in(tmp_path, mode: str, delay: float = 2.5, **options) -> Child:
    return Child([sys.executable, "-c", STAND_IN, mode, str(delay)], 1, tmp_path, False,
                 time.monotonic(), **options)


def test_the_gui_thread_beats_and_a_stuck_one_is_killed_with_its_stacks(tmp_path):
    child = stand_in(tmp_path, "hang")
    log = Log(tmp_path)
    try:
        ended = watch_child(child, POLICY, Restarts(POLICY), log, lambda: False)
    finally:
        child.kill()
    _tail, dump = child.finish()
    assert ended is not None and ended.ending is Ending.HANG
    assert ended.what == "hang: no heartbeat for 2 s"
    text = log.path.read_text(encoding="utf-8")
    first_beat = float(text.split("first heartbeat ")[1].split()[0])
    # Beats at 0, 1 and 2 s, stuck at 2.5 s: hung from 2 + hang_after = 3.5 s on (the first
    # beat is seen up to one look, 0.2 s, late).
    killed = ended.uptime - first_beat
    print(f"\nstuck 2.5 s after the first beat, killed {killed:.2f} s after it "
          f"(last beat + hang_after = 3.5 s)")
    assert 2 + POLICY.hang_after - 0.25 <= killed < 2 + POLICY.hang_after + 1.0
    if os.name == "posix":  # Windows has no signal to ask a live process for its stacks
        assert "stuck_in_a_slot" in dump, dump
    assert not child.heartbeat.exists() and not child.fault_file.exists()


def test_where_no_signal_can_ask_for_stacks_the_kiosk_writes_them_when_it_stops_beating(
        tmp_path):
    """What Windows does: faulthandler's watchdog, re-armed by every beat, fires when the
    beats stop, before the supervisor kills the kiosk."""
    child = stand_in(tmp_path, "hang", 2.5, stacks_after=1.4)
    try:
        ended = watch_child(child, POLICY, Restarts(POLICY), Log(tmp_path), lambda: False)
    finally:
        child.kill()
    _tail, dump = child.finish()
    assert ended is not None and ended.ending is Ending.HANG
    assert dump.startswith("Timeout (0:00:01.4"), dump
    assert "stuck_in_a_slot" in dump
    assert dump.count("Timeout") == 1  # nothing while it was beating


def test_each_beat_changes_the_file(tmp_path):
    child = stand_in(tmp_path, "run")
    beats: list[bytes] = []
    try:
        deadline = time.monotonic() + 20
        while len(beats) < 3 and time.monotonic() < deadline:
            beat = child.beat()
            if beat and beat not in beats:
                beats.append(beat)
            time.sleep(0.05)
    finally:
        child.kill()
    child.finish()
    assert len(beats) == 3
    for n, beat in enumerate(beats, 1):
        count, stamp, pid, state = beat.decode("ascii").split()
        assert (int(count), int(pid), state) == (n, child.pid, "running")
        assert float(stamp) > 0
    assert len({len(b) for b in beats}) == 1  # rewritten in place, always the same size


def test_a_quit_that_hangs_is_ended_not_restarted(tmp_path):
    child = stand_in(tmp_path, "quit-hang", 1.0)
    log = Log(tmp_path)
    restarts = Restarts(POLICY)
    try:
        ended = watch_child(child, POLICY, restarts, log, lambda: False)
    finally:
        child.kill()
    child.finish()
    assert ended is not None and ended.ending is Ending.QUITTING
    assert ended.what == "hang: no heartbeat for 2 s while quitting"
    decision = restarts.after(ended)
    assert not decision.restart and decision.exit_code == 0
    assert f"pid {child.pid} is quitting" in log.path.read_text(encoding="utf-8")


@pytest.mark.skipif(os.name != "posix", reason="kills with a POSIX signal")
def test_a_fatal_signal_leaves_every_threads_stack(tmp_path):
    child = stand_in(tmp_path, "run")
    deadline = time.monotonic() + 20
    while child.beat() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGSEGV)
    ended = watch_child(child, POLICY, Restarts(POLICY), Log(tmp_path), lambda: False)
    _tail, dump = child.finish()
    assert ended is not None and ended.ending is Ending.CRASH
    assert ended.what == "signal SIGSEGV"
    assert "Fatal Python error: Segmentation fault" in dump
    assert "app.exec()" in dump or "<module>" in dump
