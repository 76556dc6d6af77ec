"""The overlay: the now/next bar, the status badges and the host's notice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from kiosk.core.palette import Palette
from kiosk.core.view import Badge, OverlayView, View
from kiosk.stage import drawn, text, theme
from kiosk.stage.frame import Frame
from kiosk.stage.marks import chip, chip_height, chip_width, panel

# Sizes inside the bar, in units (percent of the screen's shorter side). Everything the hall
# reads here (the bar, the badges, the announcement) is at least TEXT_MIN: readable from the
# back of a hall.
TEXT_MIN = 3.6  # 3.5 % and a little more, so rounding to whole pixels never goes below
_TITLE_PX = 4.6
_LABEL_PX = TEXT_MIN
_ROW_PX = TEXT_MIN  # the detail line, what is next, the event's clock
_CLOCK_PX = 5.0
_PAD_X = 2.6
_PAD_Y = 1.6
_ROW_GAP = 0.7
_PROGRESS = 0.5
_PROGRESS_ROW = _PROGRESS + 1.0
_CLOCK_GAP = 5.0  # between the rows and the clocks (a thin line in the middle)
_SPACE = 1.4
_NARROW = 100.0  # a bar narrower than this puts the clocks above the rows, not beside them


def paint(painter: QPainter, fr: Frame, view: View, *, notice: bool = True) -> list[QRectF]:
    """Everything painted over a scene: the bar, the badges and (if wanted) the notice.
    Returns where it painted (the stage copies only those parts over moving video)."""
    areas: list[QRectF] = []
    if view.overlay is not None and fr.bar is not None:
        paint_bar(painter, fr, view.overlay)
        areas.append(fr.bar)
        if view.announcement:
            areas.append(paint_announcement(painter, fr, view.announcement))
    left, bottom = paint_badges(painter, fr, view.badges)
    if view.badges:
        areas.append(QRectF(left, fr.badges_top, fr.safe.right() - left,
                            bottom - fr.badges_top))
    with drawn.part("host"):
        if view.diagnostics is not None:
            areas.append(paint_diagnostics(painter, fr, view.diagnostics, left - 2 * fr.u,
                                           bottom if view.badges else fr.badges_top))
        elif notice and view.notice:
            areas.append(paint_notice(painter, fr, view.notice, left - 2 * fr.u))
    return [area for area in areas if not area.isEmpty()]


@dataclass(frozen=True)
class _Row:
    """One row of the bar: its height, and how to paint it from its top."""

    height: float
    paint: Callable[[QPainter, float], None]


@dataclass(frozen=True)
class _Bar:
    rows: tuple[_Row, ...]
    height: float  # of the whole bar, padding included, in pixels
    rows_width: float
    clocks: tuple[text.Block | None, text.Block | None]
    clocks_width: float


def bar_height(fr: Frame, ov: OverlayView) -> float:
    """How tall the bar must be (in units) for its text, every line of it, at full size."""
    assert fr.bar is not None
    return _layout(ov, fr.bar.width(), fr.u, theme.current().palette).height / fr.u


def paint_bar(painter: QPainter, fr: Frame, ov: OverlayView) -> None:
    """The lower (or upper) third: what is on now, its progress, what is next, the clocks."""
    assert fr.bar is not None
    u = fr.u
    bar = fr.bar
    laid = _layout(ov, bar.width(), u, theme.current().palette)
    panel(painter, bar, 1.2 * u, theme.PANEL)
    painter.fillRect(QRectF(bar.left(), bar.top() + 2 * u, 0.5 * u, bar.height() - 4 * u),
                     theme.ACCENT)
    inner = bar.adjusted(_PAD_X * u, _PAD_Y * u, -_PAD_X * u, -_PAD_Y * u)
    if laid.clocks_width:
        right_w = laid.clocks_width
        _paint_clocks(painter, QRectF(inner.right() - right_w, inner.top(), right_w,
                                      inner.height()), laid.clocks)
        line_x = inner.left() + laid.rows_width + _CLOCK_GAP * u / 2
        painter.fillRect(QRectF(line_x, inner.top() + u, max(1.0, 0.12 * u),
                                inner.height() - 2 * u), theme.PANEL_LINE)
    total = sum(r.height for r in laid.rows) + _ROW_GAP * u * (len(laid.rows) - 1)
    y = inner.top() + max(0.0, (inner.height() - total) / 2)
    painter.save()
    painter.translate(inner.left(), 0)
    for row in laid.rows:
        row.paint(painter, y)
        y += row.height + _ROW_GAP * u
    painter.restore()


@lru_cache(maxsize=32)
def _layout(ov: OverlayView, bar_width: float, u: float, palette: Palette) -> _Bar:
    """The bar's rows for ``ov``; ``palette`` keys the cache (rows hold their colours)."""
    del palette
    inner_w = bar_width - 2 * _PAD_X * u
    clock = text.block(ov.clock, _CLOCK_PX * u, inner_w, bold=True) if ov.clock else None
    event = (text.block(ov.event_clock, _ROW_PX * u, inner_w * 0.4, max_lines=text.MANY)
             if ov.event_clock else None)
    rows: list[_Row] = []
    width = inner_w
    if inner_w < _NARROW * u:
        # A narrow screen (turned to portrait): the clocks on a row of their own, on top.
        if clock is not None or event is not None:
            rows.append(_clocks_row(clock, event, width))
        clock = event = None
    clocks_w = max(clock.width if clock else 0.0, event.width if event else 0.0)
    if clocks_w:
        width = inner_w - clocks_w - _CLOCK_GAP * u
    rows += _title_rows(ov, width, u)
    # Two languages stacked: the second one's title leads the line under the title.
    detail = " · ".join(p for p in (ov.now_title_2, ov.now_detail) if p)
    if detail:
        rows.append(_lines_row(text.block(detail, _ROW_PX * u, width, max_lines=text.MANY),
                               0, width, "TEXT_DIM"))
    if ov.progress is not None:
        rows.append(_progress_row(ov.progress, width, u))
    if ov.next_label or ov.next_title or ov.countdown:
        rows += _next_rows(ov, width, u)
    content = sum(r.height for r in rows) + _ROW_GAP * u * max(0, len(rows) - 1)
    clocks_h = (clock.height if clock else 0.0) + (event.height if event else 0.0)
    height = max(content, clocks_h) + 2 * _PAD_Y * u
    return _Bar(tuple(rows), height, width, (clock, event), clocks_w)


def _title_rows(ov: OverlayView, width: float, u: float) -> list[_Row]:
    """NOW / BREAK and the title; a title too long for one line wraps under itself."""
    label_w = chip_width(ov.now_label, _LABEL_PX * u, tight=True) if ov.now_label else 0.0
    own_row = label_w > width * 0.35  # a narrow screen: the label above the title
    offset = 0.0 if own_row or not label_w else label_w + 1.6 * u
    title = text.block(ov.now_title, _TITLE_PX * u, width - offset, bold=True,
                       max_lines=text.MANY)
    if len(title.lines) > 2:
        title = text.block(ov.now_title, TEXT_MIN * u, width - offset, bold=True,
                           max_lines=text.MANY)
    fill, ink = ((theme.ACCENT, theme.ON_ACCENT) if ov.now_tone == "now"
                 else (theme.BREAK, theme.ON_BREAK))
    label_h = chip_height(_LABEL_PX * u, tight=True)
    rows: list[_Row] = []
    if label_w and own_row:
        rows.append(_chip_row(ov.now_label, _LABEL_PX * u, fill, ink))
    elif label_w:
        def paint(painter: QPainter, top: float) -> None:
            chip(painter, 0, top + title.leading / 2, ov.now_label, _LABEL_PX * u, fill, ink,
                 tight=True)
            painter.setPen(theme.TEXT)
            text.draw(painter, title, offset, top, width - offset)

        rows.append(_Row(max(title.height, label_h), paint))
        return rows
    rows.append(_lines_row(title, 0, width, "TEXT"))
    return rows


def _next_rows(ov: OverlayView, width: float, u: float) -> list[_Row]:
    """NEXT, its time and title, and how long until it; the title wraps under itself, or
    goes to a line of its own when the row has too little room left."""
    px = _ROW_PX * u
    label_w = (chip_width(ov.next_label, _LABEL_PX * u, tight=True) + _SPACE * u
               if ov.next_label else 0.0)
    time = text.block(ov.next_time, px, width, bold=True) if ov.next_time else None
    time_w = time.width + _SPACE * u if time is not None else 0.0
    count = text.block(ov.countdown, px, width, bold=True) if ov.countdown else None
    count_w = count.width + 2 * u if count is not None else 0.0
    title_text = " · ".join(p for p in (ov.next_title, ov.next_title_2) if p)
    left = label_w + time_w
    room = width - left - count_w
    below = bool(title_text) and room < width * 0.3
    title = None
    if title_text:
        title_w = width if below else room
        title = text.block(title_text, px, title_w, max_lines=text.MANY)
    line_h = max(text.LEADING * px, chip_height(_LABEL_PX * u, tight=True))
    first_h = line_h if below or title is None else max(line_h, title.height)

    def paint(painter: QPainter, top: float) -> None:
        mid = top + line_h / 2
        x = 0.0
        if ov.next_label:
            chip(painter, x, mid, ov.next_label, _LABEL_PX * u, theme.TEXT, theme.TEXT,
                 outline=theme.TEXT_DIM, tight=True)
            x += label_w
        if time is not None:
            painter.setPen(theme.TEXT)
            text.draw(painter, time, x, mid - time.height / 2, time.width)
            x += time_w
        if count is not None:
            painter.setPen(theme.AMBER)
            text.draw(painter, count, width - count.width, mid - count.height / 2,
                      count.width)
        if title is not None and not below:
            painter.setPen(theme.TEXT_DIM)
            text.draw(painter, title, x, mid - title.leading / 2, room)

    rows = [_Row(first_h, paint)]
    if title is not None and below:
        rows.append(_lines_row(title, 0, width, "TEXT_DIM"))
    return rows


def _lines_row(block: text.Block, x: float, width: float, colour: str) -> _Row:
    def paint(painter: QPainter, top: float) -> None:
        painter.setPen(getattr(theme, colour))
        text.draw(painter, block, x, top, width)

    return _Row(block.height, paint)


def _chip_row(label: str, px: float, fill: QColor, ink: QColor) -> _Row:
    height = chip_height(px, tight=True)

    def paint(painter: QPainter, top: float) -> None:
        chip(painter, 0, top + height / 2, label, px, fill, ink, tight=True)

    return _Row(height, paint)


def _progress_row(progress: float, width: float, u: float) -> _Row:
    done = min(1.0, max(0.0, progress))

    def paint(painter: QPainter, top: float) -> None:
        track = QRectF(0, top + 0.5 * u, width, _PROGRESS * u)
        painter.fillRect(track, QColor(255, 255, 255, 48))
        painter.fillRect(QRectF(track.left(), track.top(), width * done, track.height()),
                         theme.ACCENT_TEXT)

    return _Row(_PROGRESS_ROW * u, paint)


def _clocks_row(clock: text.Block | None, event: text.Block | None, width: float) -> _Row:
    """The event's clock on the left, the hall's on the right, on one line."""
    height = max(clock.height if clock else 0.0, event.height if event else 0.0)

    def paint(painter: QPainter, top: float) -> None:
        if event is not None:
            painter.setPen(theme.TEXT_DIM)
            text.draw(painter, event, 0, top + (height - event.height) / 2, width)
        if clock is not None:
            painter.setPen(theme.TEXT)
            text.draw(painter, clock, 0, top + (height - clock.height) / 2, width,
                      Qt.AlignmentFlag.AlignRight)

    return _Row(height, paint)


def _paint_clocks(painter: QPainter, box: QRectF,
                  clocks: tuple[text.Block | None, text.Block | None]) -> None:
    clock, event = clocks
    height = (clock.height if clock else 0) + (event.height if event else 0)
    y = box.top() + (box.height() - height) / 2
    if clock is not None:
        painter.setPen(theme.TEXT)
        text.draw(painter, clock, box.left(), y, box.width(), Qt.AlignmentFlag.AlignRight)
        y += clock.height
    if event is not None:
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, event, box.left(), y, box.width(), Qt.AlignmentFlag.AlignRight)


def paint_badges(painter: QPainter, fr: Frame, badges: tuple[Badge, ...]
                 ) -> tuple[float, float]:
    """Status pills in the top-right corner, right to left (a row that runs out of room goes
    on below); returns the left edge of the first row and the bottom of the last."""
    u = fr.u
    px = TEXT_MIN * u
    height = chip_height(px, tight=True)
    x = fr.safe.right()
    mid = fr.badges_top + height / 2
    first_left = left = x
    for badge in reversed(badges):
        fill, ink = theme.TONES.get(badge.tone, theme.TONES["info"])
        width = chip_width(badge.text, px, tight=True)
        if x - width < fr.safe.left() and x < fr.safe.right():
            x, mid = fr.safe.right(), mid + height + 0.8 * u
        x -= width
        chip(painter, x, mid, badge.text, px, fill, ink, tight=True)
        if mid == fr.badges_top + height / 2:
            first_left = x
        left = min(left, x)
        x -= 1.0 * u
    return min(first_left, left) - 1.0 * u, mid + height / 2


def paint_announcement(painter: QPainter, fr: Frame, announcement: str) -> QRectF:
    """The organisers' announcement on the accent colour, against the bar; it wraps."""
    assert fr.bar is not None
    u = fr.u
    px = TEXT_MIN * u
    width = fr.bar.width() * 0.7
    lines = text.block(announcement, px, width - 3.6 * u, bold=True, max_lines=text.MANY)
    height = lines.height + 1.2 * u
    top = (fr.bar.top() - height + 0.6 * u if fr.bar.top() > fr.height / 2
           else fr.bar.bottom() - 0.6 * u)
    box = QRectF(fr.bar.left() + 2.6 * u, top, lines.width + 3.6 * u, height)
    panel(painter, box, 0.8 * u, theme.ACCENT)
    painter.setPen(theme.ON_ACCENT)
    text.draw(painter, lines, box.left() + 1.8 * u, box.top() + 0.6 * u, width - 3.6 * u)
    return box


def paint_notice(painter: QPainter, fr: Frame, notice: str, right: float) -> QRectF:
    """The host's notice: small, amber, top-left, at most two lines."""
    u = fr.u
    left = fr.safe.left()
    width = min(right, fr.safe.left() + fr.safe.width() * 0.6) - left - 3 * u
    if width < 10 * u:
        return QRectF()
    # Two lines of this size fit the badge row (frame.BADGE_ROW), clear of the scene below.
    lines = text.block(notice, 2.0 * u, width, max_lines=2)
    box = QRectF(left, fr.badges_top, lines.width + 3 * u, lines.height + 0.9 * u)
    panel(painter, box, 0.8 * u, theme.NOTICE)
    painter.fillRect(QRectF(box.left(), box.top(), 0.5 * u, box.height()), theme.AMBER)
    painter.setPen(theme.AMBER)
    text.draw(painter, lines, left + 1.8 * u, box.top() + 0.45 * u, width)
    return box


def paint_diagnostics(painter: QPainter, fr: Frame, rows: tuple[tuple[str, str], ...],
                      beside: float | None = None, below: float | None = None) -> QRectF:
    """The host's stream figures: a two-column panel in the top-left corner, left of the
    badges (whose row ends at ``beside``) or, when that leaves it too narrow, under them
    (from ``below``). A long value (a feed offline, and why) wraps, never cut."""
    u = fr.u
    px = 2.0 * u
    pad = 1.8 * u
    safe = fr.safe
    lines = rows or (("Stream", "no figures yet"),)
    label_w = min(safe.width() * 0.3,
                  max(text.advance(label, px, True) for label, _ in lines) + 2 * u)
    natural = max(text.advance(value, px) for _, value in lines) + u
    room = (safe.right() if beside is None else beside) - safe.left()
    top = fr.badges_top
    if label_w + natural + 2 * pad > room and room < 0.6 * safe.width():
        room, top = safe.width(), (fr.badges_top if below is None else below + 0.8 * u)
    # Wide enough to read, as wide as the longest value needs, never over the badges.
    value_w = max(0.0, min(natural, room - label_w - 2 * pad, safe.width() * 0.6))
    blocks = [(text.block(label, px, label_w - 2 * u, bold=True, max_lines=2),
               text.block(value, px, value_w, max_lines=text.MANY)) for label, value in lines]
    gap = 0.23 * px  # one line per row: 1.45 px, as the card always had
    height = sum(max(name.height, figure.height) + gap for name, figure in blocks)
    box = QRectF(safe.left(), top, label_w + value_w + 2 * pad, height - gap + 1.6 * u)
    panel(painter, box, 0.8 * u, theme.DIAGNOSTICS)
    y = box.top() + 0.8 * u
    for name, figure in blocks:
        painter.setPen(theme.TEXT_DIM)
        text.draw(painter, name, box.left() + pad, y, label_w - 2 * u)
        painter.setPen(theme.TEXT)
        text.draw(painter, figure, box.left() + pad + label_w, y, value_w)
        y += max(name.height, figure.height) + gap
    return box
