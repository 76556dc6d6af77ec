"""The event log: one JSON object per line for every scene, status and volunteer action."""

from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

RECENT = 200


class EventLog:
    """Appends JSON lines; ``wall`` is real time, ``at`` the programme clock (they differ in a
    rehearsal). A log that cannot be written is switched off, never fatal."""

    def __init__(self, path: Path | None, wall: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self.problem = ""
        self._wall = wall or (lambda: datetime.now(UTC))
        self._file: IO[str] | None = None
        # The player's log lines arrive from libVLC's and the reaper's threads too.
        self._lock = threading.Lock()
        # The latest records, for the host's operator window (kept even without a file).
        self._recent: deque[dict[str, Any]] = deque(maxlen=RECENT)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._file = path.open("a", encoding="utf-8")
            except OSError as exc:
                self.problem = f"event log {path} cannot be written: {exc.strerror}"

    def write(self, kind: str, at: datetime, **fields: Any) -> None:
        record = {"wall": self._wall().isoformat(timespec="milliseconds"),
                  "at": at.isoformat(timespec="seconds"), "event": kind, **fields}
        with self._lock:
            self._recent.append(record)
        if self._file is None:
            return
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            if self._file is None:
                return
            try:
                self._file.write(line)
                self._file.flush()
            except OSError as exc:
                self.problem = f"event log {self.path} stopped: {exc.strerror}"
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None

    def recent(self, count: int = 10) -> list[dict[str, Any]]:
        """The latest ``count`` records, oldest first."""
        with self._lock:
            return list(self._recent)[-count:] if count > 0 else []

    def close(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
