"""One kiosk at a time (not yet written)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class SingleInstance(QObject):
    activated = Signal()

    def claim(self) -> bool:
        """True when this is the only kiosk running."""
        return True
