"""Plain-text layout for the stage: wrapping, eliding and shrinking to fit, cached.

Config text is plain text: it is laid out with QTextLayout and drawn with
``QPainter.drawText(QPointF, str)``, which never interprets markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QTextLayout, QTextOption

from kiosk.stage import drawn, sprites
from kiosk.stage.fonts import font

# Distance between baselines, in font sizes: tight enough for big type, loose enough for
# Cyrillic capitals with a breve (Ў) not to touch the line above.
LEADING = 1.22
ELLIPSIS = "…"
# As many lines as a text needs: the longest a config allows wraps into fewer than this.
MANY = 40
# Qt's raster engine caches glyphs only below this size (QT_MAX_CACHED_GLYPH_SIZE).
GLYPH_CACHE_LIMIT = 64


@dataclass(frozen=True)
class Block:
    """Lines of text laid out for one font size and width."""

    lines: tuple[str, ...]
    widths: tuple[float, ...]
    px: int
    bold: bool
    leading: float  # distance between baselines, in pixels
    cut: bool = False  # shortened with an ellipsis: the text did not fit its lines

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading

    @property
    def width(self) -> float:
        return max(self.widths, default=0.0)


def block(text: str, px: float, width: float, *, bold: bool = False, max_lines: int = 1,
          leading: float = LEADING) -> Block:
    """``text`` wrapped at ``width``; a line beyond ``max_lines`` is cut with an ellipsis."""
    # Rounding the width up: a box sized to a text's own advance must not elide that text.
    return _block(text, max(1, round(px)), max(1, math.ceil(width)), bold, max(1, max_lines),
                  leading)


def fit(text: str, width: float, height: float, *, max_px: float, min_px: float,
        bold: bool = False, leading: float = LEADING) -> Block:
    """The largest size (down to ``min_px``) at which ``text`` fits the box without cuts."""
    return _fit(text, max(1, int(width)), max(1, int(height)), max(1, round(max_px)),
                max(1, round(min_px)), bold, leading)


def advance(text: str, px: float, bold: bool = False) -> float:
    """The width of ``text`` on one line."""
    return _advance(text, max(1, round(px)), bold)


def draw(painter: QPainter, text_block: Block, x: float, top: float, width: float,
         align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
    """Draw the block's lines from ``top`` in the pen's colour, aligned inside ``width``."""
    if drawn.active():
        drawn.text(painter, text_block.lines, text_block.widths, text_block.leading,
                   text_block.px, x, top, width,
                   tuple(_shift(w, width, align) for w in text_block.widths), text_block.cut)
        if drawn.hidden():
            return
    dpr = painter.device().devicePixelRatioF()
    if text_block.px * dpr < GLYPH_CACHE_LIMIT:
        _draw_lines(painter, text_block, x, top, width, align)
        return
    # Big type is drawn from outlines every time; draw it once into a sprite instead.
    colour = painter.pen().color()
    pad = math.ceil(text_block.px * 0.3)
    inner = text_block.width

    def paint(sprite_painter: QPainter) -> None:
        sprite_painter.setPen(colour)
        _draw_lines(sprite_painter, text_block, pad, pad, inner, align)

    pixmap = sprites.sprite(("text", text_block, colour.rgba(), int(align)), inner + 2 * pad,
                            text_block.height + 2 * pad, dpr, paint)
    dx = 0.0
    if align & Qt.AlignmentFlag.AlignHCenter:
        dx = (width - inner) / 2
    elif align & Qt.AlignmentFlag.AlignRight:
        dx = width - inner
    sprites.blit(painter, x + dx - pad, top - pad, pixmap)


def _draw_lines(painter: QPainter, text_block: Block, x: float, top: float, width: float,
                align: Qt.AlignmentFlag) -> None:
    painter.setFont(font(text_block.px, text_block.bold))
    cap = _cap_height(text_block.px, text_block.bold)
    lead = text_block.leading
    for i, (line, line_width) in enumerate(zip(text_block.lines, text_block.widths,
                                                strict=True)):
        dx = _shift(line_width, width, align)
        # Centre the capitals in each line box, so a one-line block centres optically.
        baseline = top + i * lead + (lead + cap) / 2
        painter.drawText(QPointF(x + dx, baseline), line)


def _shift(line_width: float, width: float, align: Qt.AlignmentFlag) -> float:
    if align & Qt.AlignmentFlag.AlignHCenter:
        return (width - line_width) / 2
    if align & Qt.AlignmentFlag.AlignRight:
        return width - line_width
    return 0.0


@lru_cache(maxsize=64)
def _cap_height(px: int, bold: bool) -> float:
    return QFontMetricsF(font(px, bold)).capHeight()


@lru_cache(maxsize=4096)
def _advance(text: str, px: int, bold: bool) -> float:
    return QFontMetricsF(font(px, bold)).horizontalAdvance(text)


@lru_cache(maxsize=2048)
def _block(text: str, px: int, width: int, bold: bool, max_lines: int,
           leading: float) -> Block:
    lines = _wrap(text, px, width, bold)
    cut = len(lines) > max_lines
    if cut:
        rest = " ".join(line for line in lines[max_lines - 1:] if line)
        lines = [*lines[:max_lines - 1], _elide(rest + ELLIPSIS, px, width, bold)]
    return Block(tuple(lines), tuple(_advance(line, px, bold) for line in lines), px, bold,
                 leading * px, cut)


@lru_cache(maxsize=512)
def _fit(text: str, width: int, height: int, max_px: int, min_px: int, bold: bool,
         leading: float) -> Block:
    def fits(px: int) -> bool:
        lines = _wrap(text, px, width, bold)
        return len(lines) * leading * px <= height and all(
            _advance(line, px, bold) <= width for line in lines)

    low, high = min_px, max(min_px, max_px)
    if fits(high):
        low = high
    else:
        while high - low > 1:  # binary search: fits(low) is assumed, fits(high) is false
            middle = (low + high) // 2
            if fits(middle):
                low = middle
            else:
                high = middle
    max_lines = max(1, int(height // (leading * low)))
    return _block(text, low, width, bold, max_lines, leading)


def _elide(text: str, px: int, width: int, bold: bool) -> str:
    return QFontMetricsF(font(px, bold)).elidedText(text, Qt.TextElideMode.ElideRight, width)


def _wrap(text: str, px: int, width: int, bold: bool) -> list[str]:
    """Lines as QTextLayout breaks them: at word boundaries, inside a word only if it must."""
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            lines.append("")
            continue
        layout = QTextLayout(paragraph, font(px, bold))
        layout.setTextOption(option)
        # Qt counts UTF-16 code units; slice in the same units so emoji do not shift lines.
        units = paragraph.encode("utf-16-le")
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            piece = units[2 * start: 2 * (start + length)].decode("utf-16-le", "replace")
            lines.append(piece.strip())
        layout.endLayout()
    # Leading or trailing blank lines (from stray newlines) only push the text off centre.
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines or [""]
