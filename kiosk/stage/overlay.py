"""The overlay: the now/next bar, the status badges and the host's notice."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from kiosk.core.view import Badge, OverlayView, View
from kiosk.stage import text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.marks import chip, chip_width, panel

# Row heights inside the bar, in percent of the height.
_TITLE_ROW = 5.2
_DETAIL_ROW = 3.3
_NEXT_ROW = 3.5
_ROW_GAP = 0.8
_PROGRESS = 0.5


def paint(painter: QPainter, fr: Frame, view: View, *, notice: bool = True) -> None:
    """Everything painted over a scene: the bar, the badges and (if wanted) the notice."""
    if view.overlay is not None and fr.bar is not None:
        paint_bar(painter, fr, view.overlay)
        if view.announcement:
            paint_announcement(painter, fr, view.announcement)
    left = paint_badges(painter, fr, view.badges)
    if view.diagnostics is not None:
        paint_diagnostics(painter, fr, view.diagnostics)
    elif notice and view.notice:
        paint_notice(painter, fr, view.notice, left - 2 * fr.u)


def paint_bar(painter: QPainter, fr: Frame, ov: OverlayView) -> None:
    """The lower (or upper) third: what is on now, its progress, what is next, the clocks."""
    assert fr.bar is not None
    u = fr.u
    bar = fr.bar
    panel(painter, bar, 1.2 * u, theme.PANEL)
    painter.fillRect(QRectF(bar.left(), bar.top() + 2 * u, 0.5 * u, bar.height() - 4 * u),
                     theme.ACCENT)
    inner = bar.adjusted(2.6 * u, 1.8 * u, -2.6 * u, -1.8 * u)  # 16.4% tall: rows fit

    left_end = inner.right()
    clock_px, event_px = 5.0 * u, 2.3 * u
    right_w = max(text.advance(ov.clock, clock_px, True) if ov.clock else 0.0,
                  text.advance(ov.event_clock, event_px) if ov.event_clock else 0.0)
    if right_w:
        left_end = inner.right() - right_w - 5 * u
        _paint_clocks(painter, QRectF(inner.right() - right_w, inner.top(), right_w,
                                      inner.height()), ov, clock_px, event_px)
        painter.fillRect(QRectF(left_end + 2.4 * u, inner.top() + u, max(1.0, 0.12 * u),
                                inner.height() - 2 * u), theme.PANEL_LINE)

    # Two languages stacked: the second one's title leads the line under the title.
    detail_text = " · ".join(p for p in (ov.now_title_2, ov.now_detail) if p)
    rows = [_TITLE_ROW]
    if detail_text:
        rows.append(_DETAIL_ROW)
    if ov.progress is not None:
        rows.append(_PROGRESS + 1.0)
    if ov.next_label or ov.next_title:
        rows.append(_NEXT_ROW)
    total = (sum(rows) + _ROW_GAP * (len(rows) - 1)) * u
    y = inner.top() + max(0.0, (inner.height() - total) / 2)
    x, width = inner.left(), left_end - inner.left()

    # NOW / BREAK label and the title.
    label_px = 2.0 * u
    title_px = 4.4 * u
    mid = y + _TITLE_ROW * u / 2
    offset = 0.0
    if ov.now_label:
        fill = theme.ACCENT if ov.now_tone == "now" else QColor("#3a4760")
        offset = chip(painter, x, mid, ov.now_label, label_px, fill, theme.TEXT) + 1.6 * u
    title = text.block(ov.now_title, title_px, width - offset, bold=True)
    painter.setPen(theme.TEXT)
    text.draw(painter, title, x + offset, mid - title.height / 2, width - offset)
    y += (_TITLE_ROW + _ROW_GAP) * u

    if detail_text:
        detail = text.block(detail_text, 2.7 * u, width)
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, detail, x, y + (_DETAIL_ROW * u - detail.height) / 2, width)
        y += (_DETAIL_ROW + _ROW_GAP) * u

    if ov.progress is not None:
        done = min(1.0, max(0.0, ov.progress))
        track = QRectF(x, y + 0.5 * u, width, _PROGRESS * u)
        painter.fillRect(track, QColor(255, 255, 255, 48))
        painter.fillRect(QRectF(track.left(), track.top(), width * done, track.height()),
                         theme.ACCENT_TEXT)
        y += (_PROGRESS + 1.0 + _ROW_GAP) * u

    if ov.next_label or ov.next_title:
        _paint_next(painter, x, y, width, ov, u)


def _paint_next(painter: QPainter, x: float, y: float, width: float, ov: OverlayView,
                u: float) -> None:
    mid = y + _NEXT_ROW * u / 2
    px = 2.8 * u
    end = x + width
    if ov.countdown:
        count = text.block(ov.countdown, px, width / 3, bold=True)
        painter.setPen(theme.AMBER)
        text.draw(painter, count, end - count.width, mid - count.height / 2, count.width)
        end -= count.width + 2 * u
    if ov.next_label:
        x += chip(painter, x, mid, ov.next_label, 1.8 * u, theme.TEXT, theme.TEXT,
                  outline=theme.TEXT_DIM) + 1.4 * u
    if ov.next_time:
        time = text.block(ov.next_time, px, max(1.0, end - x), bold=True)
        painter.setPen(theme.TEXT)
        text.draw(painter, time, x, mid - time.height / 2, time.width)
        x += time.width + 1.4 * u
    if ov.next_title and end > x:
        title = text.block(" · ".join(p for p in (ov.next_title, ov.next_title_2) if p), px,
                           end - x)
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, title, x, mid - title.height / 2, end - x)


def _paint_clocks(painter: QPainter, box: QRectF, ov: OverlayView, clock_px: float,
                  event_px: float) -> None:
    clock = text.block(ov.clock, clock_px, box.width() + 1, bold=True) if ov.clock else None
    event = text.block(ov.event_clock, event_px, box.width() + 1) if ov.event_clock else None
    height = (clock.height if clock else 0) + (event.height if event else 0)
    y = box.top() + (box.height() - height) / 2
    if clock is not None:
        painter.setPen(theme.TEXT)
        text.draw(painter, clock, box.left(), y, box.width(), Qt.AlignmentFlag.AlignRight)
        y += clock.height
    if event is not None:
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, event, box.left(), y, box.width(), Qt.AlignmentFlag.AlignRight)


def paint_badges(painter: QPainter, fr: Frame, badges: tuple[Badge, ...]) -> float:
    """Status pills in the top-right corner, right to left; returns the left edge of the row."""
    u = fr.u
    px = 2.1 * u
    x = fr.safe.right()
    mid = fr.badges_top + 1.9 * u
    for badge in reversed(badges):
        fill, ink = theme.TONES.get(badge.tone, theme.TONES["info"])
        x -= chip_width(badge.text, px)
        chip(painter, x, mid, badge.text, px, fill, ink)
        x -= 1.0 * u
    return x


def paint_announcement(painter: QPainter, fr: Frame, announcement: str) -> None:
    """The organisers' announcement: one line on the accent colour, against the bar."""
    assert fr.bar is not None
    u = fr.u
    px = 2.6 * u
    width = fr.bar.width() * 0.7
    lines = text.block(announcement, px, width - 3.6 * u, bold=True, max_lines=1)
    height = lines.height + 1.2 * u
    top = (fr.bar.top() - height + 0.6 * u if fr.bar.top() > fr.height / 2
           else fr.bar.bottom() - 0.6 * u)
    box = QRectF(fr.bar.left() + 2.6 * u, top, lines.width + 3.6 * u, height)
    panel(painter, box, 0.8 * u, theme.ACCENT)
    painter.setPen(theme.TEXT)
    text.draw(painter, lines, box.left() + 1.8 * u, box.top() + 0.6 * u, width)


def paint_notice(painter: QPainter, fr: Frame, notice: str, right: float) -> None:
    """The host's notice: small, amber, top-left, at most two lines."""
    u = fr.u
    left = fr.safe.left()
    width = min(right, fr.safe.left() + fr.safe.width() * 0.6) - left - 3 * u
    if width < 10 * u:
        return
    # Two lines of this size fit the badge row (frame.BADGE_ROW), clear of the scene below.
    lines = text.block(notice, 2.0 * u, width, max_lines=2)
    box = QRectF(left, fr.badges_top, lines.width + 3 * u, lines.height + 0.9 * u)
    panel(painter, box, 0.8 * u, QColor(0, 0, 0, 150))
    painter.fillRect(QRectF(box.left(), box.top(), 0.5 * u, box.height()), theme.AMBER)
    painter.setPen(theme.AMBER)
    text.draw(painter, lines, left + 1.8 * u, box.top() + 0.45 * u, width)


def paint_diagnostics(painter: QPainter, fr: Frame, rows: tuple[tuple[str, str], ...]) -> None:
    """The host's stream figures: a small two-column panel in the top-left corner."""
    u = fr.u
    px = 2.0 * u
    lines = rows or (("Stream", "no figures yet"),)
    label_w = max(text.advance(label, px, True) for label, _ in lines) + 2 * u
    value_w = min(fr.safe.width() * 0.45,
                  max(text.advance(value, px) for _, value in lines) + u)
    row_h = 1.45 * px
    box = QRectF(fr.safe.left(), fr.badges_top, label_w + value_w + 3.6 * u,
                 row_h * len(lines) + 1.6 * u)
    panel(painter, box, 0.8 * u, QColor(0, 0, 0, 190))
    y = box.top() + 0.8 * u
    for label, value in lines:
        name = text.block(label, px, label_w, bold=True)
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, name, box.left() + 1.8 * u, y, label_w)
        figure = text.block(value, px, value_w)
        painter.setPen(theme.TEXT)
        text.draw(painter, figure, box.left() + 1.8 * u + label_w, y, value_w)
        y += row_h
