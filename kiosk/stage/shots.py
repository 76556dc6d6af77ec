"""Periodic pictures of the stage for benchmarks: what the hall saw, second by second.

Opt-in, for benches and diagnostics only: with ``WATCHPARTY_KIOSK_SHOTS=DIR`` the running
kiosk saves the stage (exactly as painted: video, overlay, a fade in progress) as
``DIR/shot-PID-NNNNNN.png`` every ``WATCHPARTY_KIOSK_SHOTS_EVERY`` seconds (default 1),
scaled to at most 480 pixels wide; a kiosk restarted by its supervisor adds its own. A
shot's file time says when it was taken (the file system's clock, not the kiosk's, so a
faked clock does not move it). At most ``MAX_SHOTS`` per process are kept: the oldest go
first. A folder that cannot be written stops the shots with one line on stderr;
the kiosk runs on.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import deque
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

SHOTS_ENV = "WATCHPARTY_KIOSK_SHOTS"
EVERY_ENV = "WATCHPARTY_KIOSK_SHOTS_EVERY"
DEFAULT_EVERY = 1.0
WIDTH = 480
MAX_SHOTS = 3600  # an hour at one a second; a few hundred kB each at most


class StageShots(QObject):
    """Saves ``widget`` as a PNG in ``folder`` every ``every`` seconds (GUI thread)."""

    def __init__(self, widget: QWidget, folder: Path, every: float = DEFAULT_EVERY,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        self.folder = folder
        self.count = 0
        self.problem = ""
        self._kept: deque[Path] = deque()
        self._timer = QTimer(self)
        self._timer.setInterval(max(50, int(every * 1000)))
        self._timer.timeout.connect(self._on_timer_timeout)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._stop(f"stage shots: cannot write {folder}: {exc.strerror or exc}")
            return
        self._timer.start()

    def take(self) -> Path | None:
        """Save one picture now; its path, or None when it could not be saved."""
        if self.problem:
            return None
        picture = self.widget.grab()
        if picture.width() > WIDTH:
            picture = picture.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
        self.count += 1
        path = self.folder / f"shot-{os.getpid()}-{self.count:06d}.png"
        if not picture.save(str(path), "PNG"):
            self._stop(f"stage shots: cannot write {path}")
            return None
        self._kept.append(path)
        while len(self._kept) > MAX_SHOTS:
            with contextlib.suppress(OSError):
                self._kept.popleft().unlink()
        return path

    def stop(self) -> None:
        self._timer.stop()

    def _stop(self, problem: str) -> None:
        self.problem = problem
        self._timer.stop()
        print(problem, file=sys.stderr)

    def _on_timer_timeout(self) -> None:
        self.take()


def start_from_env(widget: QWidget, parent: QObject | None = None) -> StageShots | None:
    """Start taking shots of ``widget`` when ``WATCHPARTY_KIOSK_SHOTS`` names a folder."""
    folder = os.environ.get(SHOTS_ENV, "").strip()
    if not folder:
        return None
    every = DEFAULT_EVERY
    text = os.environ.get(EVERY_ENV, "").strip()
    if text:
        try:
            every = float(text)
            if not 0.05 <= every <= 3600:
                raise ValueError
        except ValueError:
            print(f"{EVERY_ENV}={text!r} is not a number of seconds from 0.05 to 3600; "
                  f"using {DEFAULT_EVERY:g}", file=sys.stderr)
            every = DEFAULT_EVERY
    return StageShots(widget, Path(folder), every, parent)
