"""The kiosk's side of the supervisor: a heartbeat from the GUI thread, and crash dumps.

The supervisor (kiosk.supervisor) names two files in the environment of the kiosk it starts.
``WATCHPARTY_KIOSK_HEARTBEAT``: a timer on the GUI thread rewrites it every second, so the
supervisor sees the event loop turning; when the content stops changing the GUI thread is
stuck. A kiosk that is quitting says so there (``quitting()``), so that a slow or failed quit
is not taken for a crash and undone. ``WATCHPARTY_KIOSK_FAULT_FILE``: a fatal error in libVLC
or Qt (a segfault) leaves every thread's Python stack there, and so does a hang: the
supervisor asks for the stacks (SIGUSR1, POSIX) before it kills a kiosk that stopped beating.
Windows has no such signal: there the supervisor sets ``WATCHPARTY_KIOSK_STACKS_AFTER`` and
each beat re-arms faulthandler's own watchdog, which writes the stacks when the beats stop.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import sys
import time
from typing import IO

from PySide6.QtCore import QObject, QTimer

HEARTBEAT_ENV = "WATCHPARTY_KIOSK_HEARTBEAT"
FAULT_FILE_ENV = "WATCHPARTY_KIOSK_FAULT_FILE"
STACKS_AFTER_ENV = "WATCHPARTY_KIOSK_STACKS_AFTER"
BEAT_MS = 1000
# The supervisor sends this before killing a hung kiosk; the kiosk answers with its stacks.
DUMP_SIGNAL = getattr(signal, "SIGUSR1", None)

RUNNING = "running"
QUITTING = "quitting"  # the last word of a beat; the supervisor reads it

# Open for the whole life of the process: faulthandler writes to its file descriptor from a
# signal handler, when nothing else can run.
_fault_file: IO[str] | None = None
# The one heartbeat of this process, for quitting().
_heartbeat: Heartbeat | None = None


class Heartbeat(QObject):
    """Rewrites one small file in place every second from the GUI thread.

    Rewritten in place (same size, one write), not replaced: a rename over a file that the
    supervisor has open fails on Windows, and an overwrite of bytes already on disk needs
    no new space on a full disk. The supervisor only looks for the content to change.
    """

    def __init__(self, path: str, parent: QObject) -> None:
        super().__init__(parent)
        self._count = 0
        self.state = RUNNING
        self._file: IO[bytes] | None = None
        try:
            self._file = open(path, "wb")  # noqa: SIM115 - kept open while the kiosk runs
        except OSError as exc:
            print(f"heartbeat: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
            return
        self._stacks_after = _seconds(os.environ.get(STACKS_AFTER_ENV, ""))
        self._timer = QTimer(self)
        self._timer.setInterval(BEAT_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self.beat()

    def beat(self) -> None:
        if self._file is None:
            return
        self._count += 1
        line = (f"{self._count:012d} {time.monotonic():018.3f} {os.getpid():010d} "
                f"{self.state:<8}\n")
        with contextlib.suppress(OSError):  # a missed beat is the supervisor's to judge
            self._file.seek(0)
            self._file.write(line.encode("ascii"))
            self._file.flush()
        if self._stacks_after and _fault_file is not None:
            # Cancels the previous one: the stacks are written only if no beat follows.
            faulthandler.dump_traceback_later(self._stacks_after, file=_fault_file)

    def _on_timer_timeout(self) -> None:
        self.beat()


def start_from_env(parent: QObject) -> None:
    """Beat every second while the GUI thread runs, when a supervisor asked for it."""
    global _heartbeat
    path = os.environ.get(HEARTBEAT_ENV)
    if path and _heartbeat is None:
        _heartbeat = Heartbeat(path, parent)  # owned by ``parent`` on the Qt side


def quitting() -> None:
    """The host asked the kiosk to quit: from now on its end is not a crash, and a quit that
    hangs (libVLC not letting go) is ended by the supervisor rather than restarted."""
    if _heartbeat is not None:
        _heartbeat.state = QUITTING
        _heartbeat.beat()


def enable_crash_dump_from_env() -> None:
    """Dump every thread's stack on a fatal error (and, on POSIX, on the supervisor's
    SIGUSR1 before it kills a hung kiosk) into the file a supervisor named."""
    global _fault_file
    path = os.environ.get(FAULT_FILE_ENV)
    if not path or _fault_file is not None:
        return
    try:
        _fault_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - for the process's life
    except OSError as exc:
        print(f"crash dumps: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return
    faulthandler.enable(file=_fault_file, all_threads=True)
    if DUMP_SIGNAL is not None:
        faulthandler.register(DUMP_SIGNAL, file=_fault_file, all_threads=True)


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 < value < 1e6 else None
