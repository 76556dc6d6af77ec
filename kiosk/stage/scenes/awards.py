"""The awards board: each award with its categories, laureates and a reveal that glows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from kiosk.core.view import AwardView, BoardView, CategoryView, LaureateView
from kiosk.stage import sprites, text, theme
from kiosk.stage.marks import panel, ribbon
from kiosk.stage.scenes.stack import Piece, fit, gap, paint_pieces, total_height

# The newest laureate fades and grows in over INTRO seconds; its glow is gone by GLOW_END.
INTRO = 1.5
GLOW_END = 12.0
COLUMN_GAP = 7.0  # in percent of the height
MAX_COLUMNS = 3
MIN_COLUMN = 42.0  # narrower columns (a screen turned to portrait) make fewer of them
SINGLE_COLUMN = 110.0


@dataclass(frozen=True)
class Reveal:
    opacity: float
    scale: float
    glow: float


def reveal(age: float | None) -> Reveal:
    """How far the newest laureate's entrance has got, ``age`` seconds after the reveal."""
    if age is None:
        return Reveal(1.0, 1.0, 0.0)
    t = min(1.0, max(0.0, age / INTRO))
    eased = 1 - (1 - t) ** 3
    fade = min(1.0, max(0.0, (age - INTRO) / (GLOW_END - INTRO)))
    return Reveal(eased, 0.8 + 0.2 * eased, eased * (1 - fade) ** 2)


def paint(painter: QPainter, box: QRectF, board: BoardView, u: float,
          age: float | None) -> None:
    """Every award of ``board`` in up to three columns, shrunk as a whole to fit ``box``."""
    awards = board.awards
    if not awards:
        return
    fitting = int((box.width() + COLUMN_GAP * u) / ((MIN_COLUMN + COLUMN_GAP) * u))
    count = max(1, min(len(awards), MAX_COLUMNS, fitting))
    columns = [awards[i::count] for i in range(count)]
    width = (box.width() - COLUMN_GAP * u * (count - 1)) / count
    left = box.left()
    if count == 1:
        # One award alone (as in the slide loop): a centred column, not a page-wide one.
        width = min(width, SINGLE_COLUMN * u)
        left = box.center().x() - width / 2
    heading = 5.0 if count == 1 else 4.2
    entrance = reveal(age)

    def build(scale: float) -> list[list[Piece]]:
        return [_column(column, width, u * scale, heading * u * scale, entrance)
                for column in columns]

    def tallest(laid: list[list[Piece]]) -> float:
        return max(total_height(pieces) for pieces in laid)

    laid = fit(box.height(), build, tallest)
    height = min(box.height(), tallest(laid))
    top = box.top() + (box.height() - height) / 2
    for i, pieces in enumerate(laid):
        x = left + i * (width + COLUMN_GAP * u)
        if i:
            painter.fillRect(QRectF(x - COLUMN_GAP * u / 2, top, max(1.0, 0.12 * u), height),
                             theme.PANEL_LINE)
        painter.save()
        painter.translate(x, 0)
        paint_pieces(painter, pieces, top, box.bottom())
        painter.restore()


def _column(awards: tuple[AwardView, ...], width: float, u: float, heading: float,
            entrance: Reveal) -> list[Piece]:
    rows: list[Piece] = []
    for n, award in enumerate(awards):
        if n:
            rows.append(gap(5 * u))
        rows.append(_text(award.name, heading, width, theme.TEXT, bold=True,
                          max_lines=text.MANY))
        if award.organiser:
            rows.append(_text(award.organiser, 2.6 * u, width, theme.TEXT_DIM,
                              max_lines=text.MANY))
        if award.description:
            rows.append(gap(0.4 * u))
            rows.append(_text(award.description, 2.2 * u, width, theme.TEXT_FAINT,
                              max_lines=text.MANY))
        rows.append(Piece(4.2 * u, _ribbon_row(u)))
        for c, category in enumerate(award.categories):
            if c:
                rows.append(gap(3.0 * u))
            rows += _category(category, width, u, entrance)
    return rows


def _category(category: CategoryView, width: float, u: float, entrance: Reveal) -> list[Piece]:
    rows = [_text(category.name, 2.4 * u, width, theme.ACCENT_TEXT, bold=True,
                  max_lines=text.MANY),
            gap(0.8 * u)]
    if category.pending or not category.laureates:
        rows.append(_pending(category.pending_text, width, u))
        return rows
    for n, laureate in enumerate(category.laureates):
        if n:
            rows.append(gap(1.4 * u))
        rows.append(_laureate(laureate, width, u, entrance))
    return rows


def _laureate(laureate: LaureateView, width: float, u: float, entrance: Reveal) -> Piece:
    indent = 2.2 * u
    name = text.block(laureate.name, 3.6 * u, width - indent, bold=True, max_lines=text.MANY)
    citation = (text.block(laureate.citation, 2.3 * u, width - indent, max_lines=text.MANY)
                if laureate.citation else None)
    height = name.height + (citation.height + 0.3 * u if citation else 0.0)
    highlight = laureate.highlight

    def content(painter: QPainter, top: float) -> None:
        painter.fillRect(QRectF(0, top + name.leading * 0.22, 0.5 * u, name.leading * 0.56),
                         theme.ACCENT)
        painter.setPen(theme.TEXT)
        text.draw(painter, name, indent, top, width - indent)
        if citation is not None:
            painter.setPen(theme.TEXT_DIM)
            text.draw(painter, citation, indent, top + name.height + 0.3 * u, width - indent)

    def paint(painter: QPainter, top: float) -> None:
        box = QRectF(0, top, width, height)
        if highlight and entrance.glow > 0:
            _glow(painter, box.adjusted(-0.8 * u, -0.5 * u, 0.8 * u, 0.5 * u), u, entrance.glow)
        if not highlight or entrance.opacity >= 1:
            content(painter, top)
            return
        # Growing text would be re-rasterised from outlines every frame; a scaled copy of a
        # sprite is much cheaper, and a little softness while it moves goes unnoticed.
        pad = u
        pixmap = sprites.sprite(("laureate", laureate, round(u, 3)), width + 2 * pad,
                                height + 2 * pad, painter.device().devicePixelRatioF(),
                                lambda sprite_painter: content(sprite_painter, pad))
        painter.save()
        painter.setOpacity(entrance.opacity)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        centre = box.center()
        painter.translate(centre)
        painter.scale(entrance.scale, entrance.scale)
        painter.translate(-centre)
        painter.drawPixmap(QPointF(-pad, top - pad), pixmap)
        painter.restore()

    return Piece(height, paint)


def _glow(painter: QPainter, box: QRectF, u: float, strength: float) -> None:
    """A soft amber halo (widening translucent outlines, cheaper than a blur), drawn once
    and then only faded."""
    spread = 4 * 0.45 * u

    def paint(sprite_painter: QPainter) -> None:
        inner = QRectF(spread, spread, box.width(), box.height())
        sprite_painter.setBrush(Qt.BrushStyle.NoBrush)
        halo = QColor(theme.AMBER)
        halo.setAlphaF(0.1)
        for step in range(4, 0, -1):
            width = step * 0.45 * u
            sprite_painter.setPen(QPen(halo, width))
            sprite_painter.drawRoundedRect(
                inner.adjusted(-width / 2, -width / 2, width / 2, width / 2), u, u)
        fill = QColor(theme.AMBER)
        fill.setAlphaF(0.16)
        sprite_painter.setPen(QPen(QColor(242, 179, 61, 230), max(1.0, 0.2 * u)))
        sprite_painter.setBrush(fill)
        sprite_painter.drawRoundedRect(inner, u, u)

    pixmap = sprites.sprite(("glow", round(u, 3)), box.width() + 2 * spread,
                            box.height() + 2 * spread, painter.device().devicePixelRatioF(),
                            paint)
    painter.setOpacity(strength)
    sprites.blit(painter, box.left() - spread, box.top() - spread, pixmap)
    painter.setOpacity(1.0)


def _pending(label: str, width: float, u: float) -> Piece:
    line = text.block(label, 3.0 * u, width - 4 * u)
    height = line.height + 2 * u

    def paint(painter: QPainter, top: float) -> None:
        panel(painter, QRectF(0, top, width, height), u, QColor(255, 255, 255, 8),
              theme.TEXT_FAINT, max(1.0, 0.18 * u), dashed=True)
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, line, 2 * u, top + u, width - 4 * u)

    return Piece(height, paint)


def _text(value: str, px: float, width: float, colour: QColor, *, bold: bool = False,
          max_lines: int = 1) -> Piece:
    block = text.block(value, px, width, bold=bold, max_lines=max_lines)

    def paint(painter: QPainter, top: float) -> None:
        painter.setPen(colour)
        text.draw(painter, block, 0, top, width)

    return Piece(block.height, paint)


def _ribbon_row(u: float) -> Callable[[QPainter, float], None]:
    def paint(painter: QPainter, top: float) -> None:
        ribbon(painter, QRectF(0, top + 1.6 * u, 8 * u, 0.9 * u))

    return paint

