"""The kiosk's side of the supervisor: a heartbeat from the GUI thread, and crash dumps."""

from __future__ import annotations

from PySide6.QtCore import QObject


def start_from_env(parent: QObject) -> None:
    """Beat while the GUI thread runs, when a supervisor asked for it (not yet written)."""


def enable_crash_dump_from_env() -> None:
    """Dump every thread's stack on a fatal error, for the supervisor (not yet written)."""
