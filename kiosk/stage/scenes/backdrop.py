"""The calm navy background behind every scene, rendered once per screen size."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QRadialGradient

from kiosk.stage import sprites, theme
from kiosk.stage.frame import Frame


def paint(painter: QPainter, fr: Frame) -> None:
    """A navy gradient with a faint red glow; kept as a pixmap, as a copy beats a gradient."""
    def render(sprite_painter: QPainter) -> None:
        vertical = QLinearGradient(0, 0, 0, fr.height)
        vertical.setColorAt(0, theme.BACKGROUND_TOP)
        vertical.setColorAt(1, theme.BACKGROUND_BOTTOM)
        sprite_painter.fillRect(fr.full, vertical)
        # A faint warm light from the upper left keeps large empty areas from looking flat.
        glow = QRadialGradient(QPointF(fr.width * 0.1, -fr.height * 0.15), fr.height * 0.9)
        glow.setColorAt(0, QColor(200, 49, 62, 20))
        glow.setColorAt(1, QColor(200, 49, 62, 0))
        sprite_painter.fillRect(fr.full, glow)

    pixmap = sprites.sprite("backdrop", fr.width, fr.height,
                            painter.device().devicePixelRatioF(), render, opaque=True)
    painter.drawPixmap(0, 0, pixmap)
