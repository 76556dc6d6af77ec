"""One kiosk at a time, as a host meets it: real ``watchparty-kiosk`` processes, offscreen."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def environment() -> dict[str, str]:
    # The conftest's WATCHPARTY_KIOSK_INSTANCE is in os.environ: these kiosks meet under it.
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", WATCHPARTY_KIOSK_NO_VLC="1")


def start(log: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--windowed", "--event-log", str(log), *extra],
        env=environment(), cwd=CHECKOUT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


def kinds(log: Path) -> list[str]:
    if not log.exists():
        return []
    text = log.read_text(encoding="utf-8")
    complete = text[:text.rfind("\n") + 1]  # a line being written is not read yet
    return [json.loads(line)["event"] for line in complete.splitlines()]


def wait_for_start(process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while "start" not in kinds(log):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the kiosk did not start"
        time.sleep(0.05)


def test_a_second_start_steps_aside_and_a_crash_does_not_block_the_restart(tmp_path):
    first_log, second_log, third_log = (tmp_path / f"{n}.jsonl" for n in ("1", "2", "3"))
    first = start(first_log, "--exit-after", "120")  # never outlives a broken test for long
    try:
        wait_for_start(first, first_log)

        began = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "kiosk", "--windowed", "--event-log", str(second_log)],
            env=environment(), cwd=CHECKOUT, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stderr
        assert time.monotonic() - began < 15
        assert "start" not in kinds(second_log)  # it never built a stage
        time.sleep(0.3)
        assert first.poll() is None  # the first runs on

        # The supervisor's case: the kiosk dies without a word and is started again at once.
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        third = start(third_log, "--exit-after", "0.5")
        _, err = third.communicate(timeout=60)
        assert third.returncode == 0, err
        assert "already running" not in err
        assert kinds(third_log)[0] == "start" and kinds(third_log)[-1] == "quit"
    finally:
        first.kill()
        first.communicate()
