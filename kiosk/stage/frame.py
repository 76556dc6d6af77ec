"""Where things go on a screen of a given size: the safe area, the overlay bar, the content."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF

# TVs crop up to 5% of each edge (overscan); nothing that matters goes there. The config's
# display.overscan sets it from 0% (a monitor) to 10% (an old TV).
SAFE_MARGIN = 0.05
BAR_HEIGHT = 20.0  # in units (percent of the height); the bar grows when its text needs it
BADGE_ROW = 6.4  # the badges, or the host's two-line notice
GAP = 2.4


@dataclass(frozen=True)
class Frame:
    """The layout of one screen; every length derives from one unit, so all sizes match."""

    width: float
    height: float
    safe: QRectF
    content: QRectF  # where a scene draws, clear of the bar and the badges
    bar: QRectF | None  # the overlay's now/next bar
    badges_top: float

    @property
    def u(self) -> float:
        """One percent of the screen's shorter side: the height of a TV, the width of a screen
        turned to portrait (whose height-based type would not fit across it)."""
        return unit(self.width, self.height)

    @property
    def full(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)


def unit(width: float, height: float) -> float:
    return min(width, height) / 100


def frame(width: float, height: float, bar_position: str | None, *,
          margin: float = SAFE_MARGIN, bar_height: float = BAR_HEIGHT) -> Frame:
    """The layout for a ``width`` × ``height`` screen; ``bar_position`` is None without a bar,
    ``margin`` the share of each edge the TV may crop, ``bar_height`` in units."""
    u = unit(width, height)
    safe = QRectF(width * margin, height * margin,
                  width * (1 - 2 * margin), height * (1 - 2 * margin))
    bar = None
    badges_top = safe.top()
    top, bottom = safe.top(), safe.bottom()
    if bar_position == "top":
        bar = QRectF(safe.left(), safe.top(), safe.width(), bar_height * u)
        badges_top = bar.bottom() + GAP * u
        top = badges_top
    elif bar_position is not None:
        bar = QRectF(safe.left(), safe.bottom() - bar_height * u, safe.width(), bar_height * u)
        bottom = bar.top() - GAP * u
    top += BADGE_ROW * u
    content = QRectF(safe.left(), top, safe.width(), max(0.0, bottom - top))
    return Frame(width, height, safe, content, bar, badges_top)
