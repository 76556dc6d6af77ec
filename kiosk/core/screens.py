"""Which screen shows the hall's stage and which the host's operator window.

With two screens the stage goes to the TV (the one that is not the main screen, usually the
laptop's own) and the operator window to the laptop; with one, the stage takes it and the
operator panel waits for its key. ``--screen`` or the config's ``venue.screen`` names the TV
by number or name; when that screen is missing (a TV switched off), the rule above applies
until it comes back.

Under the supervisor a slate (kiosk.slate) lies under the stage; the kiosk tells it which
screen the stage is on (``StageScreen``), so the slate is where the stage is.
"""

from __future__ import annotations

import json
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


# The supervised kiosk tells its slate (kiosk.slate) where the stage is: a small JSON file
# that the supervisor names in both processes' environment.
STAGE_SCREEN_ENV = "WATCHPARTY_KIOSK_STAGE_SCREEN"


@dataclass(frozen=True)
class StageScreen:
    """The screen the stage was last placed on: its name and its geometry."""

    name: str
    x: int
    y: int
    width: int
    height: int

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "x": self.x, "y": self.y, "width": self.width,
                           "height": self.height}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> StageScreen | None:
        """The screen ``text`` describes; None for anything else (a half-written file)."""
        try:
            data = json.loads(text)
            screen = cls(str(data["name"]), *(int(data[k]) for k in
                                                  ("x", "y", "width", "height")))
        except (ValueError, TypeError, KeyError):
            return None
        return screen if screen.width > 0 and screen.height > 0 else None


def stage_screen_index(screens: list[ScreenInfo], geometries: list[tuple[int, int, int, int]],
                       told: StageScreen | None) -> int | None:
    """Which of ``screens`` the kiosk said its stage is on: the one of that name, else the one
    at that geometry; None when none matches (the slate then places itself by ``place``)."""
    if told is None:
        return None
    for i, screen in enumerate(screens):
        if screen.name == told.name:
            return i
    wanted = (told.x, told.y, told.width, told.height)
    return next((i for i, g in enumerate(geometries) if tuple(g) == wanted), None)
