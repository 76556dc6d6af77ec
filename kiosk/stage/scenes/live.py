"""The live scene: the player's latest frame, or a calm placeholder until one arrives."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from kiosk.stage import sprites, text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.scenes.stack import Piece, gap, lines, paint_stack


def paint_video(painter: QPainter, fr: Frame, image: QImage) -> None:
    """The frame letterboxed: scaled to fit, centred, black bars where the shapes differ."""
    size = QSizeF(image.size()).scaled(QSizeF(fr.width, fr.height),
                                       Qt.AspectRatioMode.KeepAspectRatio)
    target = QRectF(QPointF((fr.width - size.width()) / 2, (fr.height - size.height()) / 2),
                    size)
    if target != fr.full:
        painter.fillRect(fr.full, Qt.GlobalColor.black)
    dpr = painter.device().devicePixelRatioF()
    # The player renders at the screen's size, so the common case is a 1:1 copy; smoothing
    # only matters (and only costs) when the frame really is scaled.
    scaled = abs(target.width() * dpr - image.width()) > 0.5
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scaled)
    painter.drawImage(target, image)


def paint_placeholder(painter: QPainter, fr: Frame, title: str, waiting: str) -> None:
    box = fr.content
    x, width = box.left(), box.width()

    def build(scale: float) -> list[Piece]:
        u = fr.u * scale
        pieces = [_play_mark(x, width, 11 * u), gap(3.4 * u),
                  lines(text.block(waiting, 4.2 * u, width * 0.9, bold=True, max_lines=2),
                        x, width, theme.TEXT)]
        if title:
            pieces += [gap(1.2 * u), lines(text.block(title, 3.0 * u, width * 0.85,
                                                      max_lines=text.MANY), x, width,
                                           theme.TEXT_DIM)]
        return pieces

    paint_stack(painter, box, build)


def _play_mark(x: float, width: float, side: float) -> Piece:
    def render(painter: QPainter) -> None:
        centre = QPointF(side / 2, side / 2)
        painter.setPen(QPen(QColor(255, 255, 255, 90), side * 0.045))
        painter.setBrush(QColor(255, 255, 255, 14))
        painter.drawEllipse(centre, side / 2 * 0.95, side / 2 * 0.95)
        triangle = QPainterPath()
        r = side * 0.2
        triangle.moveTo(centre + QPointF(-r * 0.6, -r))
        triangle.lineTo(centre + QPointF(r * 1.05, 0))
        triangle.lineTo(centre + QPointF(-r * 0.6, r))
        triangle.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.ACCENT)
        painter.drawPath(triangle)

    def paint(painter: QPainter, top: float) -> None:
        pixmap = sprites.sprite("play-mark", side, side, painter.device().devicePixelRatioF(),
                                render)
        sprites.blit(painter, x + (width - side) / 2, top, pixmap)

    return Piece(side, paint)
