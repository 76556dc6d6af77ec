"""A vertical stack of pieces, centred in a box and shrunk as a whole when it would not fit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from kiosk.stage import drawn, text
from kiosk.stage.marks import ribbon

# Shrinking further than this would make the text unreadable from the back of a hall. Only
# what would otherwise be left out (the longest texts the config allows, all at once) shrinks
# further, down to LAST_RESORT; what still does not fit is left out (the last pieces first)
# rather than drawn over the overlay.
MIN_SCALE = 0.55
LAST_RESORT = 0.35

T = TypeVar("T")


@dataclass(frozen=True)
class Piece:
    height: float
    paint: Callable[[QPainter, float], None] | None = None  # called with the piece's top


def gap(height: float) -> Piece:
    return Piece(height)


def lines(block: text.Block, x: float, width: float, colour: QColor,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter) -> Piece:
    def paint(painter: QPainter, top: float) -> None:
        painter.setPen(colour)
        text.draw(painter, block, x, top, width, align)

    return Piece(block.height, paint)


def ribbon_piece(x: float, width: float, length: float, thickness: float) -> Piece:
    """The flag ribbon, centred in ``width``."""
    def paint(painter: QPainter, top: float) -> None:
        ribbon(painter, QRectF(x + (width - length) / 2, top, length, thickness))

    return Piece(thickness, paint)


def fit(limit: float, build: Callable[[float], T], measure: Callable[[T], float]) -> T:
    """``build(scale)`` at the largest scale (down to MIN_SCALE) whose ``measure`` fits."""
    scale = 1.0
    laid = build(scale)
    for floor in (MIN_SCALE, LAST_RESORT):
        for _ in range(8):  # text rewraps as it shrinks: the first estimate can be off a bit
            size = measure(laid)
            if size <= limit or scale <= floor:
                break
            scale = max(floor, min(scale * limit / size * 0.98, scale * 0.97))
            laid = build(scale)
    return laid


def total_height(pieces: list[Piece]) -> float:
    return sum(p.height for p in pieces)


def fit_pieces(height: float, build: Callable[[float], list[Piece]]) -> list[Piece]:
    """``build(scale)`` at the largest scale (up to 1) whose pieces fit in ``height``."""
    return fit(height, build, total_height)


def paint_pieces(painter: QPainter, pieces: list[Piece], top: float, bottom: float) -> None:
    """Paint from ``top`` down; a piece that would cross ``bottom`` and those after it are left
    out, never drawn over what lies below."""
    y = top
    for piece in pieces:
        if y + piece.height > bottom + 0.5:
            if drawn.active():
                for left_out in pieces[pieces.index(piece):]:
                    if left_out.paint is not None:
                        drawn.dropped(left_out.height)
            break
        if piece.paint is not None:
            piece.paint(painter, y)
        y += piece.height


def paint_stack(painter: QPainter, box: QRectF, build: Callable[[float], list[Piece]]) -> None:
    """Lay out ``build(scale)`` at the largest scale that fits ``box``, centred in it."""
    pieces = fit_pieces(box.height(), build)
    total = total_height(pieces)
    paint_pieces(painter, pieces, box.top() + max(0.0, (box.height() - total) / 2), box.bottom())
