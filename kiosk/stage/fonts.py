"""The stage's typeface: the bundled Noto Sans when present, else the default sans."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

from kiosk.core.paths import assets

FONT_SUFFIXES = (".ttf", ".otf")


def register(folder: Path) -> str:
    """Register every font file in ``folder``; the family to use (the default sans if none)."""
    families: list[str] = []
    # A missing or empty folder is normal in a bare checkout: fall back quietly.
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in files:
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    if families:
        # Prefer the plain family over extras such as "Noto Sans Display".
        return min(families, key=len)
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()


@cache
def family() -> str:
    """The family every stage text is drawn in (registers the bundled fonts on first use)."""
    return register(assets() / "fonts")


@cache
def font(px: int, bold: bool = False) -> QFont:
    """A font ``px`` pixels tall; shared, so callers must not change it."""
    result = QFont(family())
    result.setStyleHint(QFont.StyleHint.SansSerif)
    result.setPixelSize(max(1, px))
    result.setWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
    return result
