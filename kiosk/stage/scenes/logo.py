"""The organisers' logo from the theme, as a piece of a scene's stack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter

from kiosk.stage import sprites
from kiosk.stage.images import ImageCache
from kiosk.stage.scenes.stack import Piece


@dataclass(frozen=True)
class Logo:
    path: Path
    images: ImageCache

    def piece(self, x: float, width: float, height: float) -> Piece | None:
        """The logo at most ``height`` tall, centred in ``width``; None if it cannot be read
        (the scene then goes without it, rather than showing a hole)."""
        def paint(painter: QPainter, top: float) -> None:
            dpr = painter.device().devicePixelRatioF()
            pixmap = self.images.image(str(self.path),
                                       QSize(int(width * 0.6 * dpr), int(height * dpr)))
            if pixmap is None:
                return
            pixmap.setDevicePixelRatio(dpr)
            shown = pixmap.size().toSizeF() / dpr
            sprites.blit(painter, x + (width - shown.width()) / 2,
                         top + (height - shown.height()) / 2, pixmap)

        return Piece(height, paint) if self.path.is_file() else None
