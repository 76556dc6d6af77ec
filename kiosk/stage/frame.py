"""Where things go on a screen of a given size: the safe area, the overlay bar, the content."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF

# TVs crop up to 5% of each edge (overscan); nothing that matters goes there.
SAFE_MARGIN = 0.05
BAR_HEIGHT = 20.0  # in percent of the height
BADGE_ROW = 6.4  # the badges, or the host's two-line notice
GAP = 2.4


@dataclass(frozen=True)
class Frame:
    """The layout of one screen; every length derives from the height, so all sizes match."""

    width: float
    height: float
    safe: QRectF
    content: QRectF  # where a scene draws, clear of the bar and the badges
    bar: QRectF | None  # the overlay's now/next bar
    badges_top: float

    @property
    def u(self) -> float:
        """One percent of the height: the unit of every size on the stage."""
        return self.height / 100

    @property
    def full(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)


def frame(width: float, height: float, bar_position: str | None) -> Frame:
    """The layout for a ``width`` × ``height`` screen; ``bar_position`` is None without a bar."""
    u = height / 100
    safe = QRectF(width * SAFE_MARGIN, height * SAFE_MARGIN,
                  width * (1 - 2 * SAFE_MARGIN), height * (1 - 2 * SAFE_MARGIN))
    bar = None
    badges_top = safe.top()
    top, bottom = safe.top(), safe.bottom()
    if bar_position == "top":
        bar = QRectF(safe.left(), safe.top(), safe.width(), BAR_HEIGHT * u)
        badges_top = bar.bottom() + GAP * u
        top = badges_top
    elif bar_position is not None:
        bar = QRectF(safe.left(), safe.bottom() - BAR_HEIGHT * u, safe.width(), BAR_HEIGHT * u)
        bottom = bar.top() - GAP * u
    top += BADGE_ROW * u
    content = QRectF(safe.left(), top, safe.width(), max(0.0, bottom - top))
    return Frame(width, height, safe, content, bar, badges_top)
