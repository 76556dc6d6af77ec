"""The real kiosk under the real supervisor: killed, hung, crashing in a loop, quitting.

Each test starts ``python -m kiosk --supervise`` (offscreen, without libVLC) on an event that
is happening now, so the kiosk runs on the real clock, and reads what happened from the
kiosk's event log and the supervisor's log. The volunteers' state is written beforehand with
kiosk.core.session, as the kiosk writes it after a key press (the kiosk has no remote
control to press keys in another process).
"""

from __future__ import annotations

import os
import re
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from supervised import event_now, wait_until

from kiosk.core import config as config_module
from kiosk.core import paths, session
from kiosk.core.director import Hold, Scene, State
from kiosk.core.programme import Delay

pytestmark = pytest.mark.skipif(os.name != "posix",
                                reason="kills and stops the kiosk with POSIX signals")


def volunteers_chose(config_path: Path, *, blackout: bool = False) -> None:
    """The state the kiosk saves after a volunteer pressed A (awards, held until Esc),
    D (5 minutes late) and, with ``blackout``, B."""
    config = config_module.load(config_path)
    now = datetime.now(UTC)
    state = State(hold=Hold(Scene.AWARDS, now - timedelta(seconds=30), None),
                  blackout=blackout, delays=(Delay(timedelta(minutes=5), now),))
    assert session.save(paths.state_dir(), state, config, now) == ""


def wall(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["wall"]).timestamp()


def first(events: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((e for e in events if e["event"] == kind), None)


def test_a_killed_kiosk_comes_back_in_the_saved_scene_within_seconds(tmp_path, supervise):
    config = event_now(tmp_path)
    volunteers_chose(config)
    kiosk = supervise("--config", str(config))
    pid = kiosk.running(1)
    before = kiosk.run(1)
    assert first(before, "start")["rehearsal"] is False
    assert first(before, "scene") == {**first(before, "scene"), "scene": "awards",
                                      "manual": True}

    killed = time.time()
    os.kill(pid, signal.SIGKILL)
    after = wait_until(lambda: first(kiosk.run(2), "scene") and kiosk.run(2), 15,
                       "the kiosk started again", kiosk.show)
    started, scene = first(after, "start"), first(after, "scene")
    kiosk.running(2)
    print(f"\nSIGKILL → new kiosk's start event {wall(started) - killed:.2f} s, "
          f"its first scene {wall(scene) - killed:.2f} s; {kiosk.timings(2)}")
    assert first(after, "restored") == {**first(after, "restored"), "scene": "awards",
                                        "blackout": False, "delay_minutes": 5}
    assert (scene["scene"], scene["manual"]) == ("awards", True)
    assert wall(scene) - killed < 5.0

    (report,) = wait_until(kiosk.reports, 5, "a crash report", kiosk.show)
    assert "What:     signal SIGKILL" in report
    assert "--config" in report and "--event-log" in report
    assert "No video: VLC could not be loaded" in report  # the kiosk's stderr, kept
    assert "No video: VLC could not be loaded" in kiosk.output.read_text(encoding="utf-8")

    # Asked to stop, the supervisor ends the kiosk with it and does not restart it.
    second = kiosk.pid(2)
    kiosk.process.send_signal(signal.SIGTERM)
    assert kiosk.process.wait(15) == 0
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)
    assert kiosk.pid(3) is None


def test_a_hung_kiosk_is_killed_reported_and_restarted_in_the_saved_scene(tmp_path,
                                                                          supervise):
    config = event_now(tmp_path)
    volunteers_chose(config, blackout=True)
    kiosk = supervise("--config", str(config), WATCHPARTY_KIOSK_HANG_AFTER="2")
    pid = kiosk.running(1)
    assert first(kiosk.run(1), "scene")["scene"] == "blackout"

    stopped = time.time()
    os.kill(pid, signal.SIGSTOP)  # its GUI thread stops, and with it the heartbeat
    after = wait_until(lambda: first(kiosk.run(2), "scene") and kiosk.run(2), 20,
                       "the hung kiosk replaced", kiosk.show)
    scene = first(after, "scene")
    kiosk.running(2)
    print(f"\nSIGSTOP → new kiosk's start event {wall(first(after, 'start')) - stopped:.2f} s,"
          f" its first scene {wall(scene) - stopped:.2f} s (hang_after 2 s); "
          f"{kiosk.timings(2)}")
    assert f"pid {pid}: hang: no heartbeat for 2 s" in kiosk.log()
    assert first(after, "restored") == {**first(after, "restored"), "scene": "awards",
                                        "blackout": True, "delay_minutes": 5}
    assert (scene["scene"], scene["manual"]) == ("blackout", True)
    assert 2.0 <= wall(scene) - stopped < 8.0
    (report,) = kiosk.reports()
    assert "What:     hang: no heartbeat for 2 s" in report
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_crash_loop_goes_to_safe_mode_backs_off_and_recovers_after_a_stable_run(
        tmp_path, supervise):
    config = event_now(tmp_path)
    kiosk = supervise("--config", str(config), WATCHPARTY_KIOSK_BACKOFF="1",
                      WATCHPARTY_KIOSK_STABLE_AFTER="8")
    # Three crashes in quick succession, one of them a segfault.
    for n, how in ((1, signal.SIGKILL), (2, signal.SIGSEGV), (3, signal.SIGKILL)):
        os.kill(kiosk.running(n), how)
    safe = kiosk.running(4)
    log = kiosk.log()
    assert f"start 4: pid {safe}, safe mode" in log
    assert "3 crashes within 120 s: restarting in safe mode" in log
    for n in (1, 2, 3):
        assert not any("SAFE MODE" in p for p in first(kiosk.run(n), "start")["problems"])
    problems = first(wait_until(lambda: kiosk.run(4), 5, "kiosk 4's log"), "start")["problems"]
    assert any(p.startswith("SAFE MODE after repeated crashes") for p in problems)

    segfault = next(r for r in kiosk.reports() if "signal SIGSEGV" in r)
    assert "Fatal Python error: Segmentation fault" in segfault
    assert "kiosk/cli.py" in segfault  # the kiosk's own stack, from faulthandler

    # Safe mode crashes too: the next start waits (1 s here, 2 s in the field).
    os.kill(safe, signal.SIGKILL)
    kiosk.running(5)
    log = kiosk.log()
    assert "safe mode failed too (once): next start in 1 s" in log
    gap = float(re.search(r"start 5: pid \d+, safe mode, ([\d.]+) s after", log).group(1))
    assert gap >= 1.0

    # Once safe mode has run stably, the old crashes are forgotten: the next start is normal.
    wait_until(lambda: "earlier crashes forgotten" in kiosk.log(), 15, "a stable run",
               kiosk.show)
    os.kill(kiosk.pid(5), signal.SIGKILL)
    normal = kiosk.running(6)
    assert f"start 6: pid {normal}, normal mode" in kiosk.log()
    problems = first(wait_until(lambda: kiosk.run(6), 5, "kiosk 6's log"), "start")["problems"]
    assert not any("SAFE MODE" in p for p in problems)
    assert len(kiosk.reports()) == 5


def test_a_kiosk_that_quits_ends_the_supervisor_without_a_restart(tmp_path, supervise):
    kiosk = supervise("--config", str(event_now(tmp_path)), "--exit-after", "1")
    assert kiosk.process.wait(20) == 0
    assert [e["event"] for e in kiosk.events()].count("start") == 1
    assert "quit normally" in kiosk.log()
    assert kiosk.reports() == []
