"""Words for the whole hall: a volunteer's message, and the closing screen."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from kiosk.stage import text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.marks import ribbon
from kiosk.stage.scenes.logo import Logo
from kiosk.stage.scenes.stack import Piece, gap, lines, paint_stack, ribbon_piece


def paint_message(painter: QPainter, fr: Frame, message: str) -> None:
    """The message as large as it fits: up to 9% of the height, word-wrapped."""
    u = fr.u
    box = fr.content
    width = box.width() * 0.92
    mark = 1.4 * u + 4 * u
    block = text.fit(message, width, box.height() - mark, max_px=9 * u, min_px=2.6 * u,
                     bold=True, leading=1.18)
    x = box.left() + (box.width() - width) / 2
    top = box.top() + (box.height() - block.height - mark) / 2
    ribbon(painter, QRectF(box.center().x() - 7 * u, top, 14 * u, 1.4 * u))
    painter.setPen(theme.TEXT)
    text.draw(painter, block, x, top + mark, width, Qt.AlignmentFlag.AlignHCenter)


def paint_closing(painter: QPainter, fr: Frame, closing: tuple[str, str], *,
                  logo: Logo | None = None) -> None:
    box = fr.content
    x, width = box.left(), box.width()
    first, second = closing

    def build(scale: float) -> list[Piece]:
        u = fr.u * scale
        mark = logo.piece(x, width, 10 * u) if logo is not None else None
        return [
            *([mark, gap(4 * u)] if mark is not None else []),
            lines(text.block(first, 6.4 * u, width * 0.92, bold=True, max_lines=text.MANY), x,
                  width, theme.TEXT),
            gap(3 * u),
            ribbon_piece(x, width, 14 * u, 1.4 * u),
            gap(3 * u),
            lines(text.block(second, 3.4 * u, width * 0.85, max_lines=text.MANY), x, width,
                  theme.TEXT_DIM),
        ]

    paint_stack(painter, box, build)

