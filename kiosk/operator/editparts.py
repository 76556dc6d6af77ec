"""What the event editor's tabs share: a config text shown in a field, and pictures copied
into the event's own folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from kiosk.core.newevent import edited_text

IMAGE_FILTER = "Pictures (*.png *.jpg *.jpeg *.gif *.webp *.bmp *.svg)"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg"}


def is_picture(path: Path) -> bool:
    """Whether ``path`` is a picture the stage can draw: its kind by name, and its content
    read by Qt as that (an empty or broken file, or a renamed document, is not)."""
    from PySide6.QtGui import QImageReader

    return path.suffix.lower() in IMAGE_SUFFIXES and QImageReader(str(path)).canRead()


def copy_into_event(source: Path, event_dir: Path) -> str:
    """Copy a picture into the event's ``media`` folder (a stick gets unplugged); returns
    the path to write in the config, relative to it. The same picture twice is one file."""
    media = event_dir / "media"
    media.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    stem, suffix = source.stem or "picture", source.suffix.lower()
    target = media / f"{stem}{suffix}"
    n = 1
    while target.exists() and target.read_bytes() != data:
        n += 1
        target = media / f"{stem}-{n}{suffix}"
    if not target.exists():
        shutil.copyfile(source, target)
    return f"media/{target.name}"


def plain_text(value: Any) -> str:
    """A config text for one field: the first language's when it has several."""
    if isinstance(value, dict):
        return str(next(iter(value.values()), ""))
    return "" if value is None else str(value)


def edited_shown_text(value: Any, text: str, first: str) -> Any:
    """``value`` with the text ``plain_text`` shows replaced by ``text``; its other
    languages kept (``first``: the hall's first language, for a plain text)."""
    code = str(next(iter(value), first)) if isinstance(value, dict) and value else first
    return edited_text(value, {code: text}, first)


def language_text(value: Any, code: str, first: bool) -> str:
    """A config text in language ``code``; a plain text counts as the ``first`` language's."""
    if isinstance(value, dict):
        return str(value.get(code, ""))
    return ("" if value is None else str(value)) if first else ""
