"""Pixmaps drawn once and blitted after: panels, glows, big text, the background.

Software rasterising is what costs on the stage: an antialiased rounded panel or a glyph above
64 px (Qt's glyph cache stops there) is redrawn from its outline every frame. Blitting a
finished pixmap instead keeps a 1080p frame to a few milliseconds.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPixmap, QTransform

from kiosk.stage import drawn

# Enough for a few full-screen layers plus many small ones; oldest unused go first.
BUDGET_BYTES = 96 * 1024 * 1024

_cache: OrderedDict[Hashable, QPixmap] = OrderedDict()
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
    pixmap = _cache.get(full_key)
    if pixmap is not None:
        _cache.move_to_end(full_key)
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
    _cache_bytes += _size(pixmap)
    while _cache_bytes > BUDGET_BYTES and len(_cache) > 1:
        _, old = _cache.popitem(last=False)
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
    _texts.clear()
    _cache_bytes = 0


def _size(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * 4
