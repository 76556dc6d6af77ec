"""Before the start: the event's title and a countdown readable across the hall."""

from __future__ import annotations

import re

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from kiosk.core.view import CountdownView
from kiosk.stage import text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.marks import chip, chip_width
from kiosk.stage.scenes.logo import Logo
from kiosk.stage.scenes.stack import Piece, gap, lines, paint_stack, ribbon_piece

# The last ten seconds pulse: each new second's digits start this much larger and settle
# over PULSE_S seconds, in the accent colour.
FINAL = 10
PULSE_S = 0.6
PULSE_SCALE = 0.16
_MINUTES_SECONDS = re.compile(r"^\s*(\d+):(\d{2})\s*$")


def final_seconds(countdown: str) -> int | None:
    """The seconds left when ``countdown`` (``00:09``) is in its last ten, else None."""
    match = _MINUTES_SECONDS.match(countdown)
    if match is None or int(match.group(1)) != 0 or int(match.group(2)) > FINAL:
        return None
    return int(match.group(2))


def paint(painter: QPainter, fr: Frame, cd: CountdownView, *, pulse: float | None = None,
          motion: bool = True, logo: Logo | None = None) -> None:
    """The title, the countdown and when it starts; ``pulse``: seconds into one of the last
    ten seconds (they are drawn larger, settling, in the accent colour)."""
    box = fr.content
    x, width = box.left(), box.width()

    def build(scale: float) -> list[Piece]:
        u = fr.u * scale
        pieces: list[Piece] = []
        mark = logo.piece(x, width, 9 * u) if logo is not None else None
        if mark is not None:
            pieces += [mark, gap(3.0 * u)]
        # Long titles wrap (the stack shrinks as a whole to make room), never cut.
        pieces.append(lines(text.block(cd.title, theme.TITLE * u, width * 0.94, bold=True,
                                       max_lines=text.MANY), x, width, theme.TEXT))
        if cd.subtitle:
            pieces.append(gap(0.6 * u))
            pieces.append(lines(text.block(cd.subtitle, theme.SUBTITLE * u, width * 0.9,
                                           max_lines=text.MANY), x, width, theme.TEXT_DIM))
        pieces.append(gap(3.0 * u))
        if cd.countdown_label:
            pieces.append(lines(text.block(cd.countdown_label, 3.2 * u, width,
                                           max_lines=text.MANY), x, width, theme.TEXT_DIM))
            pieces.append(gap(0.8 * u))
        pieces.append(_digits(cd.countdown, x, width, theme.COUNTDOWN * u,
                              pulse if final_seconds(cd.countdown) is not None else None,
                              motion))
        pieces.append(gap(2.2 * u))
        pieces.append(ribbon_piece(x, width, 12 * u, 1.2 * u))
        pieces.append(gap(2.6 * u))
        pieces.append(lines(text.block(cd.starts_venue, 3.4 * u, width, bold=True,
                                       max_lines=text.MANY), x, width, theme.TEXT))
        if cd.starts_event:
            pieces.append(gap(0.4 * u))
            pieces.append(lines(text.block(cd.starts_event, 2.7 * u, width,
                                           max_lines=text.MANY), x, width, theme.TEXT_DIM))
        if cd.first_item:
            pieces.append(gap(2.8 * u))
            pieces.append(_first(cd.first_label, cd.first_item, x, width, u))
        return pieces

    paint_stack(painter, box, build)


def _digits(countdown: str, x: float, width: float, px: float, pulse: float | None,
            motion: bool) -> Piece:
    # "2 days 03:04:05" is much wider than "03:00": shrink to the width rather than cut.
    grow = 1 + PULSE_SCALE if pulse is not None and motion else 1.0
    natural = text.advance(countdown, px, bold=True) * grow
    if natural > width * 0.98:
        px *= width * 0.98 / natural
    # Digits have no descenders: a line box of one font size hugs them.
    block = text.block(countdown, px, width * 2, bold=True, leading=1.0)
    if pulse is None:
        return lines(block, x, width, theme.TEXT)

    def paint(painter: QPainter, top: float) -> None:
        painter.setPen(theme.ACCENT_TEXT)
        t = min(1.0, max(0.0, pulse / PULSE_S))
        scale = 1 + PULSE_SCALE * (1 - t) ** 3 if motion else 1.0
        if scale == 1.0:
            text.draw(painter, block, x, top, width, Qt.AlignmentFlag.AlignHCenter)
            return
        # A scaled copy of the digits' sprite: cheap, and sharp again once it settles.
        centre = QRectF(x, top, width, block.height).center()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.translate(centre)
        painter.scale(scale, scale)
        painter.translate(-centre)
        text.draw(painter, block, x, top, width, Qt.AlignmentFlag.AlignHCenter)
        painter.restore()

    return Piece(block.height, paint)


def _first(label: str, title: str, x: float, width: float, u: float) -> Piece:
    px = 3.0 * u
    label_px = 2.2 * u
    space = 1.4 * u
    label_w = chip_width(label, label_px)
    line = text.block(title, px, width * 0.8 - label_w - space, max_lines=text.MANY)
    total = label_w + space + line.width
    height = max(line.height, 1.9 * label_px)

    def paint(painter: QPainter, top: float) -> None:
        left = x + (width - total) / 2
        mid = top + height / 2
        chip(painter, left, mid, label, label_px, theme.ACCENT, theme.ON_ACCENT)
        painter.setPen(QColor(theme.TEXT))
        text.draw(painter, line, left + label_w + space, mid - line.height / 2, line.width + 1)

    return Piece(height, paint)
