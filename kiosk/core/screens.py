"""Which screen shows the hall's stage and which the host's operator window.

With two screens the stage goes to the TV (the one that is not the main screen, usually the
laptop's own) and the operator window to the laptop; with one, the stage takes it and the
operator panel waits for its key. ``--screen`` or the config's ``venue.screen`` names the TV
by number or name; when that screen is missing (a TV switched off), the rule above applies
until it comes back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenInfo:
    name: str
    primary: bool = False


@dataclass(frozen=True)
class Placement:
    stage: int  # index into the screens; -1 when there is no screen at all
    operator: int | None  # None: no screen of its own (one screen)


def place(screens: list[ScreenInfo], wanted: str = "") -> Placement:
    """Where the stage and the operator window go on ``screens``."""
    if not screens:
        return Placement(-1, None)
    stage = _wanted(screens, wanted)
    if stage is None:
        others = [i for i, s in enumerate(screens) if not s.primary]
        stage = others[0] if others and len(screens) > 1 else _primary(screens)
    rest = [i for i in range(len(screens)) if i != stage]
    if not rest:
        return Placement(stage, None)
    primary = _primary(screens)
    return Placement(stage, primary if primary != stage else rest[0])


def _wanted(screens: list[ScreenInfo], wanted: str) -> int | None:
    text = wanted.strip()
    if not text:
        return None
    if text.isdigit():
        index = int(text)
        return index if index < len(screens) else None
    for i, screen in enumerate(screens):
        if screen.name.casefold() == text.casefold():
            return i
    return None


def _primary(screens: list[ScreenInfo]) -> int:
    return next((i for i, s in enumerate(screens) if s.primary), 0)
