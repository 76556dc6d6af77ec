"""The kiosk's own log files: rotating text logs in the user's log folder, and what to collect.

``setup`` sends the ``kiosk`` loggers (INFO and up), Python's warnings and every other
library's warnings to ``watchparty-kiosk.log`` in the log folder, rotated at 1 MB with five
old files kept, so a kiosk that runs for weeks never fills the disk. ``log_files`` lists what
a diagnostics bundle takes from that folder: these logs, the supervisor's log, crash reports
and event logs kept there.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
from pathlib import Path

from kiosk import __version__

LOG_NAME = "watchparty-kiosk.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Written there by others: the supervisor (kiosk.supervisor) and the crash dump.
SUPERVISOR_LOG = "supervisor.log"
CRASH_PATTERN = "crash-*.txt"
EVENT_LOG_PATTERNS = ("*.jsonl", "events*.log")

_handler: logging.handlers.RotatingFileHandler | None = None


def setup(log_dir: Path) -> str:
    """Send the kiosk's log to rotating files in ``log_dir``; returns a problem or "".

    Idempotent: a second call for the same folder changes nothing; for another folder the
    log moves there. Never raises: a folder that cannot be made or a file that cannot be
    opened is a one-line problem for the host, and the kiosk runs on without a log file.
    """
    global _handler
    path = log_dir / LOG_NAME
    if _handler is not None and _handler.baseFilename == os.path.abspath(path):
        return ""
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                       backupCount=BACKUPS, encoding="utf-8")
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return f"no log file: {path} cannot be written ({reason})"
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(logging.INFO)
    stop()
    # One handler on the root: the kiosk's own records arrive by propagation (INFO and up,
    # as the kiosk logger lets them through), everything else at WARNING and up.
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    kiosk = logging.getLogger("kiosk")
    if kiosk.level == logging.NOTSET or kiosk.level > logging.INFO:
        kiosk.setLevel(logging.INFO)
    logging.captureWarnings(True)
    _handler = handler
    logging.getLogger("kiosk.logs").info(
        "watchparty-kiosk %s started (pid %d, Python %s, %s)", __version__, os.getpid(),
        platform.python_version(), f"{platform.system()} {platform.release()}"
        + (" frozen" if getattr(sys, "frozen", False) else ""))
    return ""


def stop() -> None:
    """Detach and close the log file (tests; a second ``setup`` for another folder)."""
    global _handler
    handler, _handler = _handler, None
    if handler is None:
        return
    logging.getLogger().removeHandler(handler)
    handler.close()


def current_file() -> Path | None:
    """The log file being written, if any."""
    return Path(_handler.baseFilename) if _handler is not None else None


def log_files(log_dir: Path, event_log: Path | None = None) -> list[Path]:
    """What a diagnostics bundle takes from ``log_dir``: the rotating logs (newest first),
    the supervisor's log, crash reports (newest first), event logs kept there, and
    ``event_log`` when it lies inside ``log_dir``."""
    if not log_dir.is_dir():
        return []
    found: list[Path] = []

    def add(paths: list[Path]) -> None:
        found.extend(p for p in paths if p.is_file() and p not in found)

    add([log_dir / LOG_NAME, *(log_dir / f"{LOG_NAME}.{n}" for n in range(1, BACKUPS + 1))])
    add([log_dir / SUPERVISOR_LOG, *sorted(log_dir.glob(SUPERVISOR_LOG + ".*"))])
    add(sorted(log_dir.glob(CRASH_PATTERN), key=_modified, reverse=True))
    for pattern in EVENT_LOG_PATTERNS:
        add(sorted(log_dir.glob(pattern)))
    if event_log is not None and _inside(event_log, log_dir):
        add([event_log])
    return found


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
