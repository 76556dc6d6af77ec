"""The stage's look: colours and type sizes, as fractions of the screen's height."""

from __future__ import annotations

from PySide6.QtGui import QColor

# Deep navy background; white text; the white-red-white flag's red as the accent.
BACKGROUND_TOP = QColor("#10151f")
BACKGROUND_BOTTOM = QColor("#1b2333")
TEXT = QColor("#ffffff")
# Secondary text stays above 7:1 contrast on the background so it reads from the back row.
TEXT_DIM = QColor("#c3ccda")
TEXT_FAINT = QColor("#8d99ad")
ACCENT = QColor("#c8313e")
# The accent red is too dark for small text on navy; this lighter red is for text.
ACCENT_TEXT = QColor("#ff7a85")
AMBER = QColor("#f2b33d")
PANEL = QColor(12, 16, 25, 226)
PANEL_LINE = QColor(255, 255, 255, 34)
CARD = QColor(14, 19, 29, 248)

# Badge tones: fill, text.
TONES = {
    "info": (QColor("#2f5f9e"), QColor("#ffffff")),
    "warn": (QColor("#f2b33d"), QColor("#1d1400")),
    "error": (QColor("#e0243a"), QColor("#ffffff")),
}

# Type sizes in percent of the height (``Frame.u`` is one percent).
TITLE = 5.6
COUNTDOWN = 20.0
SUBTITLE = 3.1
BODY = 4.2
