"""Before the start: the event's title and a countdown readable across the hall."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter

from kiosk.core.view import CountdownView
from kiosk.stage import text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.marks import chip, chip_width
from kiosk.stage.scenes.stack import Piece, gap, lines, paint_stack, ribbon_piece


def paint(painter: QPainter, fr: Frame, cd: CountdownView) -> None:
    box = fr.content
    x, width = box.left(), box.width()

    def build(scale: float) -> list[Piece]:
        u = fr.u * scale
        pieces = [lines(text.block(cd.title, theme.TITLE * u, width * 0.94, bold=True,
                                   max_lines=2), x, width, theme.TEXT)]
        if cd.subtitle:
            pieces.append(gap(0.6 * u))
            pieces.append(lines(text.block(cd.subtitle, theme.SUBTITLE * u, width * 0.9,
                                           max_lines=2), x, width, theme.TEXT_DIM))
        pieces.append(gap(3.0 * u))
        pieces.append(_digits(cd.countdown, x, width, theme.COUNTDOWN * u))
        pieces.append(gap(2.2 * u))
        pieces.append(ribbon_piece(x, width, 12 * u, 1.2 * u))
        pieces.append(gap(2.6 * u))
        pieces.append(lines(text.block(cd.starts_venue, 3.4 * u, width, bold=True), x, width,
                            theme.TEXT))
        if cd.starts_event:
            pieces.append(gap(0.4 * u))
            pieces.append(lines(text.block(cd.starts_event, 2.7 * u, width), x, width,
                                theme.TEXT_DIM))
        if cd.first_item:
            pieces.append(gap(2.8 * u))
            pieces.append(_first(cd.first_label, cd.first_item, x, width, u))
        return pieces

    paint_stack(painter, box, build)


def _digits(countdown: str, x: float, width: float, px: float) -> Piece:
    # "2 days 03:04:05" is much wider than "03:00": shrink to the width rather than cut.
    natural = text.advance(countdown, px, bold=True)
    if natural > width * 0.98:
        px *= width * 0.98 / natural
    # Digits have no descenders: a line box of one font size hugs them.
    return lines(text.block(countdown, px, width * 2, bold=True, leading=1.0), x, width,
                 theme.TEXT)


def _first(label: str, title: str, x: float, width: float, u: float) -> Piece:
    px = 3.0 * u
    label_px = 1.8 * u
    space = 1.4 * u
    label_w = chip_width(label, label_px)
    line = text.block(title, px, width * 0.8 - label_w - space)
    total = label_w + space + line.width
    height = max(line.height, 1.9 * label_px)

    def paint(painter: QPainter, top: float) -> None:
        left = x + (width - total) / 2
        mid = top + height / 2
        chip(painter, left, mid, label, label_px, theme.ACCENT, theme.TEXT)
        painter.setPen(QColor(theme.TEXT))
        text.draw(painter, line, left + label_w + space, mid - line.height / 2, line.width + 1)

    return Piece(height, paint)
