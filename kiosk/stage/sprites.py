"""Pixmaps drawn once and blitted after: panels, glows, big text, the background.

Software rasterising is what costs on the stage: an antialiased rounded panel or a glyph above
64 px (Qt's glyph cache stops there) is redrawn from its outline every frame. Blitting a
finished pixmap instead keeps a 1080p frame to a few milliseconds.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPixmap, QTransform

from kiosk.stage import drawn

# Enough for a few full-screen layers plus many small ones; oldest unused go first.
BUDGET_BYTES = 96 * 1024 * 1024
# A sprite not drawn for this long is let go when the next one is made: what is on the TV
# is drawn every frame, while yesterday's countdown digits, a title the feed has since
# changed or a panel of a size no longer used would otherwise sit in memory until the
# budget is full (tens of MB over an event day).
IDLE_SECONDS = 600.0

_cache: OrderedDict[Hashable, QPixmap] = OrderedDict()
_used: dict[Hashable, float] = {}  # when each was last drawn (time.monotonic)
_cache_bytes = 0
# While text is recorded (kiosk.stage.drawn): the text each sprite holds, by cacheKey.
_texts: dict[int, list[drawn.Drawn]] = {}


def sprite(key: Hashable, width: float, height: float, dpr: float,
           paint: Callable[[QPainter], None], *, opaque: bool = False) -> QPixmap:
    """The pixmap for ``key``, made by ``paint`` (in logical units) on first use.

    An ``opaque`` sprite has no alpha channel, so blitting it is a plain copy.
    """
    global _cache_bytes
    full_key = (key, round(width * dpr), round(height * dpr), dpr, opaque)
    now = time.monotonic()
    pixmap = _cache.get(full_key)
    if pixmap is not None:
        _cache.move_to_end(full_key)
        _used[full_key] = now
        return pixmap
    pixmap = QPixmap(max(1, math.ceil(width * dpr)), max(1, math.ceil(height * dpr)))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.black if opaque else Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if drawn.active():
            with drawn.capture() as captured:
                paint(painter)
            _texts[pixmap.cacheKey()] = captured
        else:
            paint(painter)
    finally:
        painter.end()
    _cache[full_key] = pixmap
    _used[full_key] = now
    _cache_bytes += _size(pixmap)
    # Least recently drawn first: over the budget, or idle too long.
    while len(_cache) > 1:
        oldest = next(iter(_cache))
        if _cache_bytes <= BUDGET_BYTES and now - _used[oldest] < IDLE_SECONDS:
            break
        old = _cache.pop(oldest)
        del _used[oldest]
        _texts.pop(old.cacheKey(), None)
        _cache_bytes -= _size(old)
    return pixmap


def blit(painter: QPainter, x: float, y: float, pixmap: QPixmap) -> None:
    """Draw at (x, y) snapped to whole device pixels, so the copy stays sharp."""
    if drawn.active():
        drawn.place(painter, x, y, _texts.get(pixmap.cacheKey(), []))
    transform = painter.transform()
    if transform.type().value > QTransform.TransformationType.TxTranslate.value:
        painter.drawPixmap(QPointF(x, y), pixmap)  # an animation is scaling: sharpness can wait
        return
    dpr = painter.device().devicePixelRatioF()
    device = transform.map(QPointF(x, y)) * dpr
    snapped = QPointF(round(device.x()), round(device.y())) / dpr
    painter.drawPixmap(snapped - QPointF(transform.dx(), transform.dy()), pixmap)


def clear() -> None:
    """Forget every sprite (the theme changed, or text is to be recorded afresh)."""
    global _cache_bytes
    _cache.clear()
    _used.clear()
    _texts.clear()
    _cache_bytes = 0


def _size(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * 4
