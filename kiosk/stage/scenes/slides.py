"""The slides between sessions: text, quotes, images, QR codes (a board goes to awards)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from kiosk.core.view import SlideView
from kiosk.stage import sprites, text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.images import ImageCache
from kiosk.stage.marks import panel, ribbon
from kiosk.stage.scenes.stack import (
    Piece,
    fit,
    gap,
    lines,
    paint_pieces,
    paint_stack,
    ribbon_piece,
    total_height,
)

# A slide's text column: wider lines than this are hard to follow from far away.
COLUMN = 150.0  # in percent of the height
QUOTE_MARK = "“"


def paint_text(painter: QPainter, fr: Frame, slide: SlideView) -> None:
    """A heading over a paragraph, the paragraph shrunk until it fits."""
    u = fr.u
    box = fr.content
    width = min(box.width(), COLUMN * u)
    title = (text.block(slide.title, theme.TITLE * u, width, bold=True, max_lines=text.MANY)
             if slide.title else None)
    head = title.height + 5.2 * u if title is not None else 0.0
    body = (text.fit(slide.body, width, box.height() - head, max_px=theme.BODY * u * 1.15,
                     min_px=2.6 * u) if slide.body else None)
    used = max(title.width if title else 0.0, body.width if body else 0.0)
    x = box.left() + (box.width() - used) / 2
    y = box.top() + (box.height() - head - (body.height if body else 0.0)) / 2
    if title is not None:
        painter.setPen(theme.TEXT)
        text.draw(painter, title, x, y, used)
        ribbon(painter, QRectF(x, y + title.height + 1.6 * u, 10 * u, 1.1 * u))
        y += head
    if body is not None:
        painter.setPen(theme.TEXT if title is None else theme.TEXT_DIM)
        text.draw(painter, body, x, y, used)


def paint_quote(painter: QPainter, fr: Frame, slide: SlideView) -> None:
    """A quotation under a big red quotation mark, with who said it."""
    u = fr.u
    box = fr.content
    width = min(box.width(), COLUMN * u)
    indent = 11.5 * u
    title = (text.block(slide.title, theme.SUBTITLE * u, width - indent, bold=True,
                        max_lines=text.MANY) if slide.title else None)
    author = (text.block("— " + slide.author, 3.0 * u, width - indent, bold=True,
                         max_lines=text.MANY) if slide.author else None)
    head = title.height + 2.4 * u if title is not None else 0.0
    tail = author.height + 2.8 * u if author is not None else 0.0
    body = text.fit(slide.body, width - indent, box.height() - head - tail,
                    max_px=theme.TITLE * u, min_px=2.6 * u)
    used = indent + max(body.width, author.width if author else 0.0,
                        title.width if title else 0.0)
    x = box.left() + (box.width() - used) / 2
    y = box.top() + (box.height() - head - body.height - tail) / 2
    if title is not None:
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, title, x + indent, y, used - indent)
        y += head
    mark_px = 22 * u
    painter.setPen(theme.ACCENT)
    painter.setFont(text.font(round(mark_px), True))
    # The mark's ink hangs from the cap line: put its top level with the first line's.
    painter.drawText(QPointF(x - 0.6 * u, y + mark_px * 0.78), QUOTE_MARK)
    painter.setPen(theme.TEXT)
    text.draw(painter, body, x + indent, y, used - indent)
    if author is not None:
        painter.setPen(theme.ACCENT_TEXT)
        text.draw(painter, author, x + indent, y + body.height + 2.8 * u, used - indent)


def paint_image(painter: QPainter, fr: Frame, slide: SlideView, images: ImageCache) -> None:
    """The image as large as fits, with its title above and caption below."""
    u = fr.u
    box = fr.content
    title = (text.block(slide.title, 4.2 * u, box.width(), bold=True, max_lines=text.MANY)
             if slide.title else None)
    caption = (text.block(slide.caption, 3.2 * u, box.width() * 0.9, max_lines=text.MANY)
               if slide.caption else None)
    top = box.top() + (title.height + 2 * u if title else 0.0)
    bottom = box.bottom() - (caption.height + 2 * u if caption else 0.0)
    area = QRectF(box.left(), top, box.width(), max(1.0, bottom - top))
    dpr = painter.device().devicePixelRatioF()
    pixmap = images.image(slide.image, QSize(int(area.width() * dpr), int(area.height() * dpr)))
    if pixmap is not None:
        size = pixmap.size().toSizeF() / dpr
        shown = QRectF(area.left() + (area.width() - size.width()) / 2,
                       area.top() + (area.height() - size.height()) / 2,
                       size.width(), size.height())
        pixmap.setDevicePixelRatio(dpr)
        sprites.blit(painter, shown.left(), shown.top(), pixmap)
    else:
        shown = _placeholder(painter, area, Path(slide.image).name or "image", u)
    # Title and caption hug the picture rather than the screen's edges.
    if title is not None:
        painter.setPen(theme.TEXT)
        text.draw(painter, title, box.left(), shown.top() - title.height - 2 * u, box.width(),
                  Qt.AlignmentFlag.AlignHCenter)
    if caption is not None:
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, caption, box.left(), shown.bottom() + 2 * u, box.width(),
                  Qt.AlignmentFlag.AlignHCenter)


def _placeholder(painter: QPainter, area: QRectF, name: str, u: float) -> QRectF:
    """A neutral frame naming the file, where an image could not be read."""
    width = min(area.width(), area.height() * 16 / 9)
    height = min(area.height(), width * 9 / 16)
    box = QRectF(area.left() + (area.width() - width) / 2,
                 area.top() + (area.height() - height) / 2, width, height)
    panel(painter, box.adjusted(u, u, -u, -u), 1.2 * u, QColor(255, 255, 255, 10),
          theme.TEXT_FAINT, max(1.0, 0.2 * u), dashed=True)
    # A simple picture symbol: a frame with a mountain and a sun.
    side = min(box.height() * 0.3, 14 * u)
    icon = QRectF(box.center().x() - side * 0.65, box.center().y() - side * 0.8, side * 1.3,
                  side)
    painter.setPen(QPen(theme.TEXT_FAINT, max(1.0, 0.35 * u)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(icon, 0.8 * u, 0.8 * u)
    painter.drawPolyline([QPointF(icon.left() + side * 0.15, icon.bottom() - side * 0.15),
                          QPointF(icon.left() + side * 0.5, icon.top() + side * 0.4),
                          QPointF(icon.left() + side * 0.8, icon.bottom() - side * 0.35),
                          QPointF(icon.left() + side * 0.95, icon.top() + side * 0.55),
                          QPointF(icon.right() - side * 0.1, icon.bottom() - side * 0.15)])
    painter.drawEllipse(QPointF(icon.right() - side * 0.3, icon.top() + side * 0.28),
                        side * 0.09, side * 0.09)
    label = text.block(name, 2.8 * u, box.width() - 4 * u, max_lines=2)
    painter.setPen(theme.TEXT_DIM)
    text.draw(painter, label, box.left() + 2 * u, icon.bottom() + 2.4 * u, box.width() - 4 * u,
              Qt.AlignmentFlag.AlignHCenter)
    return box


def paint_qr(painter: QPainter, fr: Frame, slide: SlideView, images: ImageCache) -> None:
    """A QR code with its address under it; the title and caption beside it (on a screen
    turned to portrait: above and below it)."""
    if fr.content.width() < fr.content.height():
        _paint_qr_column(painter, fr, slide, images)
        return
    u = fr.u
    box = fr.content
    has_words = bool(slide.title or slide.caption)
    url_w = box.width() * (0.4 if has_words else 0.8)
    url = text.block(slide.url, 2.4 * u, url_w, max_lines=text.MANY)
    url_h = url.height + 1.6 * u
    side = min(box.height() - url_h, box.width() * (0.42 if has_words else 0.8))
    code_side = _code_side(painter, slide.url, side, images)
    words_w = min(box.width() - code_side - 8 * u, 90 * u) if has_words else 0.0

    def words(scale: float) -> list[Piece]:
        su = u * scale
        pieces: list[Piece] = []
        if slide.title:
            pieces += [lines(text.block(slide.title, theme.TITLE * su, words_w, bold=True,
                                        max_lines=text.MANY), 0, words_w, theme.TEXT,
                             Qt.AlignmentFlag.AlignLeft),
                       gap(1.6 * su), ribbon_piece(0, 10 * su, 10 * su, 1.1 * su)]
            if slide.caption:
                pieces.append(gap(2.3 * su))
        if slide.caption:
            pieces.append(lines(text.block(slide.caption, 3.4 * su, words_w,
                                           max_lines=text.MANY), 0, words_w, theme.TEXT_DIM,
                                Qt.AlignmentFlag.AlignLeft))
        return pieces

    column = fit(box.height(), words, total_height) if has_words else []
    total_w = code_side + (8 * u + words_w if has_words else 0.0)
    left = box.left() + (box.width() - total_w) / 2
    top = box.top() + (box.height() - code_side - url_h) / 2
    card = QRectF(left, top, code_side, code_side)
    _paint_code(painter, card, slide.url, images, u)
    # The address under the code, kept on screen however wide it is.
    url_left = min(max(card.center().x() - url_w / 2, box.left()), box.right() - url_w)
    painter.setPen(theme.TEXT_DIM)
    text.draw(painter, url, url_left, card.bottom() + 1.6 * u, url_w,
              Qt.AlignmentFlag.AlignHCenter)
    if column:
        x = card.right() + 8 * u
        height = total_height(column)
        y = max(box.top(), card.center().y() - height / 2)
        painter.save()
        painter.translate(x, 0)
        paint_pieces(painter, column, y, box.bottom())
        painter.restore()


def _paint_qr_column(painter: QPainter, fr: Frame, slide: SlideView,
                     images: ImageCache) -> None:
    box = fr.content
    x, width = box.left(), box.width()

    def build(scale: float) -> list[Piece]:
        u = fr.u * scale
        pieces: list[Piece] = []
        if slide.title:
            pieces += [lines(text.block(slide.title, theme.TITLE * u, width, bold=True,
                                        max_lines=text.MANY), x, width, theme.TEXT),
                       gap(1.6 * u), ribbon_piece(x, width, 10 * u, 1.1 * u), gap(3 * u)]
        side = width * 0.8

        def code(painter: QPainter, top: float) -> None:
            shown = _code_side(painter, slide.url, side, images)
            _paint_code(painter, QRectF(x + (width - shown) / 2, top + (side - shown) / 2,
                                        shown, shown), slide.url, images, u)

        pieces += [Piece(side, code), gap(1.6 * u),
                   lines(text.block(slide.url, 2.4 * u, width, max_lines=text.MANY), x, width,
                         theme.TEXT_DIM)]
        if slide.caption:
            pieces += [gap(2.4 * u), lines(text.block(slide.caption, 3.4 * u, width,
                                                      max_lines=text.MANY), x, width,
                                           theme.TEXT_DIM)]
        return pieces

    paint_stack(painter, box, build)


def _code_side(painter: QPainter, url: str, side: float, images: ImageCache) -> float:
    dpr = painter.device().devicePixelRatioF()
    pixmap = images.qr(url, int(side * dpr))
    return pixmap.width() / dpr if pixmap is not None else side


def _paint_code(painter: QPainter, card: QRectF, url: str, images: ImageCache,
                u: float) -> None:
    dpr = painter.device().devicePixelRatioF()
    pixmap = images.qr(url, round(card.width() * dpr))
    if pixmap is not None:
        panel(painter, card.adjusted(-0.6 * u, -0.6 * u, 0.6 * u, 0.6 * u), u, QColor("white"))
        pixmap.setDevicePixelRatio(dpr)
        sprites.blit(painter, card.left(), card.top(), pixmap)
    else:
        panel(painter, card, u, None, theme.TEXT_FAINT, max(1.0, 0.2 * u), dashed=True)
