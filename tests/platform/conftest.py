"""A private D-Bus session bus, and a stand-in desktop on it, for the sleep-inhibit tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def session_bus() -> Iterator[str]:
    """The address of a fresh session bus (dbus-daemon, from Debian's ``dbus-daemon``)."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed (apt-get install dbus-daemon)")
    process = subprocess.Popen([daemon, "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        assert address.startswith("unix:"), address
        yield address
    finally:
        process.kill()
        process.wait()


class Desktop:
    """The stand-in desktop's services and what they were asked."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def calls(self) -> list[list[object]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def start_desktop(session_bus: str, tmp_path: Path) -> Iterator:
    """``start_desktop("screensaver,power,gnome")`` runs screensaver_service.py on the bus."""
    processes: list[subprocess.Popen] = []

    def start(services: str = "screensaver") -> Desktop:
        log = tmp_path / f"desktop-{len(processes)}.jsonl"
        process = subprocess.Popen(
            [sys.executable, str(HERE / "screensaver_service.py"), session_bus, str(log),
             services], stdout=subprocess.PIPE, text=True)
        processes.append(process)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        return Desktop(log)

    yield start
    for process in processes:
        process.kill()
        process.wait()
