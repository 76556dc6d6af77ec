"""The help card: which key does what, and any problem with the config, over the scene."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from kiosk.core.palette import Palette
from kiosk.core.view import HelpView
from kiosk.stage import sprites, text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.marks import panel
from kiosk.stage.scenes.stack import Piece, fit_pieces, gap, lines, paint_pieces, total_height


def paint(painter: QPainter, fr: Frame, help_view: HelpView) -> None:
    """A dark card in the middle of the screen; shrinks as a whole to stay on screen."""
    safe = fr.safe
    card_w = min(safe.width(), 132 * fr.u)
    pieces, height = _layout(help_view, card_w, safe.height(), fr.u, theme.current().palette)
    card = QRectF(safe.center().x() - card_w / 2, safe.center().y() - height / 2, card_w, height)
    radius = 1.6 * fr.u
    line = max(1.0, 0.12 * fr.u)

    def render(sprite_painter: QPainter) -> None:
        sprite_painter.setPen(QPen(theme.PANEL_LINE, line))
        sprite_painter.setBrush(theme.CARD)
        sprite_painter.drawRoundedRect(QRectF(0, 0, card_w, height).adjusted(
            line / 2, line / 2, -line / 2, -line / 2), radius, radius)
        paint_pieces(sprite_painter, pieces, 0, height)

    # Dim the scene so the card reads as being on top and the text behind does not compete.
    painter.fillRect(fr.full, QColor(0, 0, 0, 120))
    # The card changes only with the config: drawn once, then copied (30 lines of text).
    pixmap = sprites.sprite(("help", help_view, round(fr.u, 3)), card_w, height,
                            painter.device().devicePixelRatioF(), render)
    sprites.blit(painter, card.left(), card.top(), pixmap)


@lru_cache(maxsize=8)
def _layout(help_view: HelpView, card_w: float, max_h: float, unit: float,
            palette: Palette) -> tuple[list[Piece], float]:
    """The card's pieces; ``palette`` keys the cache (the pieces hold their colours)."""
    del palette
    def build(scale: float) -> list[Piece]:
        u = unit * scale
        pad = 3.4 * u
        inner = card_w - 2 * pad
        title = text.block(help_view.title, 3.6 * u, inner, bold=True)
        pieces = [gap(pad), lines(title, pad, inner, theme.TEXT, Qt.AlignmentFlag.AlignLeft),
                  gap(1.6 * u)]
        keys_w = min(inner * 0.4, max((text.advance(k, 2.3 * u, True)
                                       for k, _ in help_view.rows), default=0.0))
        for keys, description in help_view.rows:
            pieces.append(_row(keys, description, pad, inner, keys_w, u))
        if help_view.problems:
            pieces += [gap(2.4 * u), _problems(help_view.problems, help_view.problems_title,
                                               pad, inner, u)]
        pieces.append(gap(pad))
        return pieces

    pieces = fit_pieces(max_h, build)
    return pieces, min(max_h, total_height(pieces))


def _row(keys: str, description: str, x: float, width: float, keys_w: float,
         u: float) -> Piece:
    px = 2.3 * u
    key = text.block(keys, px, keys_w, bold=True)
    # Up to four lines: a long description in a narrow (portrait) card wraps, never cut.
    said = text.block(description, px, width - keys_w - 3 * u, max_lines=4)
    height = max(key.height, said.height) + 0.9 * u

    def paint(painter: QPainter, top: float) -> None:
        painter.fillRect(QRectF(x, top, width, max(1.0, 0.08 * u)), theme.PANEL_LINE)
        painter.setPen(theme.AMBER)
        text.draw(painter, key, x, top + 0.45 * u, keys_w)
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, said, x + keys_w + 3 * u, top + 0.45 * u, width - keys_w - 3 * u)

    return Piece(height, paint)


def _problems(problems: tuple[str, ...], title: str, x: float, width: float,
              u: float) -> Piece:
    pad = 1.6 * u
    inner = width - 2 * pad
    header = text.block(title, 2.4 * u, inner, bold=True)
    blocks = [text.block(p, 2.1 * u, inner, max_lines=3) for p in problems]
    height = 2 * pad + header.height + sum(b.height + 0.6 * u for b in blocks)

    def paint(painter: QPainter, top: float) -> None:
        box = QRectF(x, top, width, height)
        panel(painter, box, u, QColor(200, 49, 62, 48), theme.ACCENT, max(1.0, 0.2 * u))
        painter.setPen(theme.ACCENT_TEXT)
        y = top + pad
        text.draw(painter, header, x + pad, y, inner)
        y += header.height
        painter.setPen(theme.TEXT)
        for block in blocks:
            y += 0.6 * u
            text.draw(painter, block, x + pad, y, inner)
            y += block.height

    return Piece(height, paint)
