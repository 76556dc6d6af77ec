"""Small shapes the scenes and the overlay share: panels, label chips and the flag ribbon."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from kiosk.stage import sprites, text, theme


def panel(painter: QPainter, box: QRectF, radius: float, fill: QColor | None,
          outline: QColor | None = None, line: float = 0.0, *, dashed: bool = False) -> None:
    """A rounded rectangle, rasterised once per size and colour and blitted after."""
    def paint(sprite_painter: QPainter) -> None:
        shape = QRectF(0, 0, box.width(), box.height())
        if outline is not None and line > 0:
            pen = QPen(outline, line, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            sprite_painter.setPen(pen)
            shape = shape.adjusted(line / 2, line / 2, -line / 2, -line / 2)
        else:
            sprite_painter.setPen(Qt.PenStyle.NoPen)
        sprite_painter.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
        sprite_painter.drawRoundedRect(shape, radius, radius)

    key = ("panel", round(radius, 2), fill.rgba() if fill is not None else None,
           outline.rgba() if outline is not None else None, round(line, 2), dashed)
    pixmap = sprites.sprite(key, box.width(), box.height(), painter.device().devicePixelRatioF(),
                            paint)
    sprites.blit(painter, box.left(), box.top(), pixmap)


def chip_width(label: str, px: float, *, tight: bool = False) -> float:
    return text.advance(label, px, bold=True) + (1.0 if tight else 1.6) * px


def chip_height(px: float, *, tight: bool = False) -> float:
    return (1.55 if tight else 1.9) * px


def chip(painter: QPainter, x: float, centre_y: float, label: str, px: float, fill: QColor,
         ink: QColor, *, outline: QColor | None = None, tight: bool = False) -> float:
    """A rounded label (NOW, NEXT, a badge) with its left edge at ``x``; returns its width.
    ``tight``: less room around the label (for large labels in a crowded row)."""
    width = chip_width(label, px, tight=tight)
    height = chip_height(px, tight=tight)
    box = QRectF(x, centre_y - height / 2, width, height)
    if outline is not None:
        panel(painter, box, height * 0.3, None, outline, max(1.0, px * 0.12))
    else:
        panel(painter, box, height * 0.3, fill)
    painter.setPen(ink)
    line = text.block(label, px, width * 2, bold=True)
    text.draw(painter, line, x, centre_y - line.height / 2, width, Qt.AlignmentFlag.AlignHCenter)
    return width


def ribbon(painter: QPainter, box: QRectF) -> None:
    """The white-red-white flag as a small horizontal band: the stage's one emblem."""
    third = box.height() / 3
    painter.fillRect(QRectF(box.left(), box.top(), box.width(), third), theme.TEXT)
    painter.fillRect(QRectF(box.left(), box.top() + third, box.width(), third), theme.ACCENT)
    painter.fillRect(QRectF(box.left(), box.top() + 2 * third, box.width(), third), theme.TEXT)
