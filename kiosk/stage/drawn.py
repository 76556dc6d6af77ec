"""A record of every text the stage draws and where, kept only while a test asks for it.

The TV tests check layout against what was really drawn (each line's box, its size, its
colour, whether it was cut) rather than guessing from pixels. Off by default: drawing then
costs one ``is None`` check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QTransform


@dataclass(frozen=True)
class Drawn:
    """One text block as it reached the picture."""

    lines: tuple[str, ...]
    rect: QRectF  # the lines' own boxes, united (line height × advance), in picture pixels
    box: QRectF  # the box it was laid out for: where it may go
    px: float  # the font size, in picture pixels
    colour: QColor
    cut: bool  # the text did not fit and was shortened with an ellipsis
    overflow: bool  # a line is wider than the box it was given
    part: str  # scene, overlay (the now/next bar, badges, announcement), host, help

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Dropped:
    """A piece of a stack left out because it would not fit, even shrunk."""

    height: float
    part: str


@dataclass
class Record:
    texts: list[Drawn]
    dropped: list[Dropped]


_record: Record | None = None
_hide_text = False
_part = "scene"
_captures: list[list[Drawn]] = []


def active() -> bool:
    return _record is not None


def hidden() -> bool:
    """Whether text is recorded but not drawn (to see what lies behind it)."""
    return _hide_text


@contextmanager
def recording(*, hide_text: bool = False) -> Iterator[Record]:
    """Record what is drawn inside the block (sprites are drawn afresh, so their text too);
    ``hide_text``: everything but the text is drawn, to measure what each text stands on."""
    global _record, _hide_text
    from kiosk.stage import sprites  # sprites records through this module

    sprites.clear()
    _record, _hide_text = Record([], []), hide_text
    try:
        yield _record
    finally:
        _record, _hide_text = None, False
        sprites.clear()


@contextmanager
def part(name: str) -> Iterator[None]:
    """What the text drawn inside the block belongs to."""
    global _part
    before, _part = _part, name
    try:
        yield
    finally:
        _part = before


def text(painter: QPainter, lines: tuple[str, ...], widths: tuple[float, ...], leading: float,
         px: float, x: float, top: float, width: float, dx: tuple[float, ...],
         cut: bool) -> None:
    """A text block about to be drawn at ``x``, ``top`` in ``width`` (painter coordinates)."""
    if _record is None:
        return
    rect = QRectF()
    for i, (line_width, shift) in enumerate(zip(widths, dx, strict=True)):
        if lines[i]:
            rect = rect.united(QRectF(x + shift, top + i * leading, line_width, leading))
    transform = painter.transform()
    drawn = Drawn(
        lines=lines, rect=transform.mapRect(rect),
        box=transform.mapRect(QRectF(x, top, width, leading * len(lines))),
        px=px * transform.m22(), colour=QColor(painter.pen().color()), cut=cut,
        # (text.block rounds a width up to whole pixels: a line may be that much wider.)
        overflow=any(w > width + 1.0 for w in widths), part=_part)
    (_captures[-1] if _captures else _record.texts).append(drawn)


def dropped(height: float) -> None:
    if _record is not None:
        _record.dropped.append(Dropped(height, _part))


@contextmanager
def capture() -> Iterator[list[Drawn]]:
    """Collect the text drawn into a sprite, to be placed when the sprite is."""
    captured: list[Drawn] = []
    _captures.append(captured)
    try:
        yield captured
    finally:
        _captures.pop()


def place(painter: QPainter, x: float, y: float, captured: list[Drawn]) -> None:
    """A sprite holding ``captured`` text was drawn at ``x``, ``y``."""
    if _record is None or not captured:
        return
    transform = QTransform().translate(x, y) * painter.transform()
    target = _captures[-1] if _captures else _record.texts
    for drawn in captured:
        target.append(replace(drawn, rect=transform.mapRect(drawn.rect),
                              box=transform.mapRect(drawn.box),
                              px=drawn.px * transform.m22()))
