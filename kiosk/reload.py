"""Watches the config file while the kiosk runs: a valid edit applies at once, a broken one
is refused with where and what, and the running config stays; so it does when the file is
deleted, and the host is told until it is back."""

from __future__ import annotations

import hashlib
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from kiosk.core import config as config_module
from kiosk.core import lastgood, paths
from kiosk.core.errors import ConfigInvalid

# Editors save in bursts (truncate, write, rename): wait for the file to settle.
SETTLE_MS = 300
# A file missing this long is gone (deleted, moved, its stick pulled), not being saved.
GONE_MS = 3000


class ConfigWatcher(QObject):
    """Re-reads ``path`` whenever it (or its folder: editors often replace the file) changes."""

    # A valid new config, and what the host should still hear about it (missing files).
    reloaded = Signal(object, tuple)
    # The edit is broken: the host's lines (a summary, then every error with its line).
    rejected = Signal(tuple)
    # True: the file has been missing for a while (the running config stays); False: back.
    gone = Signal(bool)

    def __init__(self, path: Path, *, system_zone: tzinfo | None = None,
                 state_dir: Path | None = None, settle_ms: int = SETTLE_MS,
                 gone_ms: int = GONE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._zone = system_zone
        self._state_dir = state_dir if state_dir is not None else paths.state_dir()
        self._digest = self._read_digest()
        self._watcher = QFileSystemWatcher(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self.missing = False  # gone for longer than a save takes
        self._gone = QTimer(self)
        self._gone.setSingleShot(True)
        self._gone.setInterval(gone_ms)
        self._watch()
        self._watcher.fileChanged.connect(self._on_watcher_changed)
        self._watcher.directoryChanged.connect(self._on_watcher_changed)
        self._settle.timeout.connect(self._on_settle_timeout)
        self._gone.timeout.connect(self._on_gone_timeout)

    def check(self) -> None:
        """Read the file now; emits ``reloaded`` or ``rejected`` if its content changed."""
        self._watch()  # a file replaced by an editor must be watched anew
        digest = self._read_digest()
        if digest is None:
            # Gone for a moment mid-save, or for good: the host hears of it if it stays so.
            if not self.missing and not self._gone.isActive():
                self._gone.start()
            return
        self._gone.stop()
        if self.missing:
            self.missing = False
            self.gone.emit(False)
        if digest == self._digest:
            return  # unchanged (another file in the folder, or back as it was)
        self._digest = digest
        warnings: list[str] = []
        try:
            config = config_module.load(self.path, system_zone=self._zone, lenient=True,
                                        warnings=warnings)
        except ConfigInvalid as exc:
            count = len(exc.errors)
            summary = (f"{self.path}: the edit has {count} problem{'s' if count != 1 else ''}; "
                       "the kiosk keeps running the config it had")
            self.rejected.emit((summary, *(str(e) for e in exc.errors)))
            return
        if not warnings:
            lastgood.remember(self.path, self._state_dir)
        self.reloaded.emit(config, tuple(warnings))

    def _read_digest(self) -> str | None:
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return None

    def _watch(self) -> None:
        # The folder above too: opening a pack or a new setup puts a whole new event folder
        # where the old one was (the watch on the old folder goes with it).
        for item in (self.path, self.path.parent, self.path.parent.parent):
            if item.exists() and str(item) not in (*self._watcher.files(),
                                                    *self._watcher.directories()):
                self._watcher.addPath(str(item))

    def _on_watcher_changed(self, _changed: str) -> None:
        self._settle.start()

    def _on_settle_timeout(self) -> None:
        self.check()

    def _on_gone_timeout(self) -> None:
        self._watch()
        if self._read_digest() is None:
            self.missing = True
            self.gone.emit(True)
        else:
            self.check()  # it came back without the folder saying so
