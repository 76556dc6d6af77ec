"""Keeping the screen awake while the kiosk runs (not yet written)."""

from __future__ import annotations


class SleepInhibitor:
    def start(self, reason: str) -> str:
        """Ask the system not to sleep or blank the screen; returns a problem or ""."""
        return ""

    def stop(self) -> None:
        """Let the system sleep again."""
