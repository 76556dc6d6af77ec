"""The kiosk's own log files (not yet written)."""

from __future__ import annotations

from pathlib import Path


def setup(log_dir: Path) -> str:
    """Send the kiosk's log to rotating files in ``log_dir``; returns a problem or ""."""
    return ""
