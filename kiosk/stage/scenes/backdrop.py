"""The calm background behind every scene, rendered once per screen size: the theme's colour
in a gentle gradient, or its picture dimmed until every text reads on it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImageReader, QLinearGradient, QPainter, QRadialGradient

from kiosk.stage import sprites, theme
from kiosk.stage.frame import Frame


def paint(painter: QPainter, fr: Frame, picture: Path | None = None) -> None:
    """The gradient with a faint accent glow (or the picture under a scrim); kept as a pixmap,
    as a copy beats a gradient (the picture is scaled once, into it)."""

    def render(sprite_painter: QPainter) -> None:
        vertical = QLinearGradient(0, 0, 0, fr.height)
        vertical.setColorAt(0, theme.BACKGROUND_TOP)
        vertical.setColorAt(1, theme.BACKGROUND_BOTTOM)
        sprite_painter.fillRect(fr.full, vertical)
        if picture is not None and _paint_picture(sprite_painter, fr, picture):
            return
        # A faint warm light from the upper left keeps large empty areas from looking flat.
        glow = QRadialGradient(QPointF(fr.width * 0.1, -fr.height * 0.15), fr.height * 0.9)
        accent = QColor(theme.ACCENT)
        accent.setAlpha(20)
        glow.setColorAt(0, accent)
        accent.setAlpha(0)
        glow.setColorAt(1, accent)
        sprite_painter.fillRect(fr.full, glow)

    pixmap = sprites.sprite(("backdrop", str(picture)), fr.width, fr.height,
                            painter.device().devicePixelRatioF(), render, opaque=True)
    painter.drawPixmap(0, 0, pixmap)


def _paint_picture(painter: QPainter, fr: Frame, picture: Path) -> bool:
    """The picture filling the screen (cropped, not stretched), under the theme's scrim."""
    reader = QImageReader(str(picture))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        return False
    dpr = painter.device().devicePixelRatioF()
    size = image.size().scaled(round(fr.width * dpr), round(fr.height * dpr),
                               Qt.AspectRatioMode.KeepAspectRatioByExpanding)
    image = image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    shown = QRectF(0, 0, size.width() / dpr, size.height() / dpr)
    shown.moveCenter(fr.full.center())
    painter.drawImage(shown, image)
    painter.fillRect(fr.full, theme.SCRIM)
    return True
