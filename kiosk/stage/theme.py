"""The stage's look: colours (from the theme's palette) and type sizes, in frame units.

The colours are those of the palette in force (``use``), read as ``theme.TEXT`` and so on:
the stage paints on the GUI thread only, one screen's theme at a time, so the scenes need not
pass a palette through every drawing function.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from kiosk.core.palette import DEFAULT, Palette


@dataclass(frozen=True)
class Colours:
    """A palette as QColors, under the names the scenes use."""

    BACKGROUND_TOP: QColor
    BACKGROUND_BOTTOM: QColor
    TEXT: QColor
    # Secondary text; the palette keeps it at 4.5:1 or more on everything it is drawn on.
    TEXT_DIM: QColor
    TEXT_FAINT: QColor
    ACCENT: QColor  # fills and marks; text on it is ON_ACCENT
    ACCENT_TEXT: QColor  # the accent lightened (or darkened) until it reads as text
    ON_ACCENT: QColor
    AMBER: QColor
    BREAK: QColor
    ON_BREAK: QColor
    PANEL: QColor
    PANEL_LINE: QColor
    CARD: QColor
    NOTICE: QColor
    DIAGNOSTICS: QColor
    SCRIM: QColor
    TONES: dict[str, tuple[QColor, QColor]]  # badge tone: fill, text
    palette: Palette


def colours(palette: Palette) -> Colours:
    def alpha(colour: str, value: int) -> QColor:
        result = QColor(colour)
        result.setAlpha(value)
        return result

    line = QColor(palette.text)
    line.setAlpha(34)
    return Colours(
        BACKGROUND_TOP=QColor(palette.background_top),
        BACKGROUND_BOTTOM=QColor(palette.background_bottom),
        TEXT=QColor(palette.text), TEXT_DIM=QColor(palette.text_dim),
        TEXT_FAINT=QColor(palette.text_faint), ACCENT=QColor(palette.accent),
        ACCENT_TEXT=QColor(palette.accent_text), ON_ACCENT=QColor(palette.on_accent),
        AMBER=QColor(palette.amber), BREAK=QColor(palette.break_fill),
        ON_BREAK=QColor(palette.on_break),
        PANEL=alpha(palette.panel, palette.panel_alpha), PANEL_LINE=line,
        CARD=alpha(palette.card, palette.card_alpha),
        NOTICE=alpha(palette.panel, palette.notice_alpha),
        DIAGNOSTICS=alpha(palette.panel, palette.diagnostics_alpha),
        SCRIM=alpha(palette.background_top, palette.scrim_alpha),
        TONES={name: (QColor(fill), QColor(ink)) for name, fill, ink in palette.tones},
        palette=palette,
    )


_current = colours(DEFAULT)


def use(palette: Palette) -> bool:
    """Paint with ``palette`` from now on; whether that changed anything."""
    global _current
    if palette == _current.palette:
        return False
    _current = colours(palette)
    return True


def current() -> Colours:
    return _current


def __getattr__(name: str) -> QColor:
    # theme.TEXT and the like: the colour of the palette in force.
    try:
        return getattr(_current, name)  # type: ignore[no-any-return]
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

# Type sizes in percent of the height (``Frame.u`` is one percent).
TITLE = 5.6
COUNTDOWN = 20.0
SUBTITLE = 3.1
BODY = 4.2
