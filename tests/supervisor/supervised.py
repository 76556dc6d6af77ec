"""Running the real supervisor on the real kiosk in tests: an event happening now, the
supervisor started as the installers start it, and what it and its kiosks wrote."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from kiosk.core import paths

T = TypeVar("T")


def wait_until(predicate: Callable[[], T], timeout: float, what: str,
               show: Callable[[], str] = lambda: "") -> T:
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}\n{show()}")
        time.sleep(0.05)


def event_now(folder: Path) -> Path:
    """A config whose event started half an hour ago and runs four more hours (UTC)."""
    now = datetime.now(UTC)
    path = folder / "event-now.yaml"
    path.write_text(
        "schema_version: 1\n"
        "event:\n"
        "  title: Supervised watch party\n"
        "  timezone: UTC\n"
        f"  start: {now - timedelta(minutes=30):%Y-%m-%d %H:%M}\n"
        f"  end: {now + timedelta(hours=4):%Y-%m-%d %H:%M}\n"
        "venue:\n"
        "  name: Test hall\n"
        "  timezone: UTC\n"
        "programme:\n"
        "  - title: Live now\n"
        "awards:\n"
        "  - name: Community Award\n"
        "    categories:\n"
        "      - name: Volunteer of the year\n"
        "        laureates: []\n",
        encoding="utf-8")
    return path


@dataclass
class Supervised:
    """A supervisor running the kiosk, and what it and its kiosks have written."""

    process: subprocess.Popen[bytes]
    events_path: Path
    log_dir: Path
    output: Path

    def log(self) -> str:
        try:
            return (self.log_dir / "supervisor.log").read_text(encoding="utf-8")
        except OSError:
            return ""

    def events(self) -> list[dict[str, Any]]:
        try:
            text = self.events_path.read_text(encoding="utf-8")
        except OSError:
            return []
        return [json.loads(line) for line in text.splitlines(keepends=True)
                if line.endswith("\n")]

    def run(self, n: int) -> list[dict[str, Any]]:
        """The event log of the ``n``-th kiosk (1-based): from its start to the next one."""
        runs: list[list[dict[str, Any]]] = []
        for event in self.events():
            if event["event"] == "start":
                runs.append([])
            if runs:
                runs[-1].append(event)
        return runs[n - 1] if len(runs) >= n else []

    def pid(self, n: int) -> int | None:
        found = re.search(rf"start {n}: pid (\d+)", self.log())
        return int(found.group(1)) if found else None

    def running(self, n: int) -> int:
        """Wait until the ``n``-th kiosk beats (its event loop turns); its pid."""
        def beating() -> int | None:
            pid = self.pid(n)
            return pid if pid and f"pid {pid} is running" in self.log() else None
        return wait_until(beating, 30, f"kiosk {n} running", self.show)

    def timings(self, n: int) -> str:
        """How the supervisor saw the ``n``-th start: the pause before it, the first beat."""
        log = self.log()
        gap = re.search(rf"start {n}: pid (\d+), [a-z ]+, ([\d.]+) s after", log)
        beat = gap and re.search(rf"pid {gap.group(1)} is running: first heartbeat ([\d.]+) s",
                                 log)
        if not gap or not beat:
            return "(no timings in the supervisor's log)"
        return (f"started {gap.group(2)} s after the last one ended, "
                f"first heartbeat {beat.group(1)} s after its start")

    def reports(self) -> list[str]:
        return [p.read_text(encoding="utf-8") for p in sorted(self.log_dir.glob("crash-*.txt"))]

    def show(self) -> str:
        output = self.output.read_text(encoding="utf-8", errors="replace")
        return f"--- supervisor.log\n{self.log()}\n--- its output\n{output[-4000:]}"

    def slate_pids(self) -> list[int]:
        """Every slate the supervisor started, in order."""
        return [int(p) for p in re.findall(r"slate: pid (\d+)$", self.log(), re.MULTILINE)]


def start_supervisor(folder: Path, args: tuple[str, ...], *, windowed: bool = True,
                     env: dict[str, str] | None = None) -> Supervised:
    """``python -m kiosk --supervise ARGS`` (offscreen, without libVLC, unless ``env`` says
    otherwise), with its event log and output in ``folder``."""
    events = folder / "events.jsonl"
    output = folder / "supervisor-output.txt"
    environ = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "WATCHPARTY_KIOSK_NO_VLC": "1", "WATCHPARTY_KIOSK_AUDIO": "dummy",
               **(env or {})}
    shown = ("--windowed",) if windowed else ()
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--supervise", *args, *shown,
             "--event-log", str(events)],
            env=environ, stdout=sink, stderr=subprocess.STDOUT)
    return Supervised(process, events, paths.log_dir(), output)


def stop_supervisor(supervised: Supervised) -> None:
    """End a supervisor still running, and whatever it left (kiosks, slates)."""
    if supervised.process.poll() is None:
        supervised.process.send_signal(signal.SIGTERM)
        try:
            supervised.process.wait(15)
        except subprocess.TimeoutExpired:
            supervised.process.kill()
            supervised.process.wait()
    for pid in re.findall(r"start \d+: pid (\d+)", supervised.log()):
        with contextlib.suppress(OSError):
            os.killpg(int(pid), signal.SIGKILL)
    for pid in supervised.slate_pids():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
