"""What a volunteer can do, and the keys that do it by default."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from kiosk.core.i18n import N_


class Action(StrEnum):
    LIVE = "live"
    SLIDES = "slides"
    AWARDS = "awards"
    COUNTDOWN = "countdown"
    MESSAGE = "message"
    BLACKOUT = "blackout"
    AUTOMATIC = "automatic"
    NEXT_SLIDE = "next_slide"
    PREVIOUS_SLIDE = "previous_slide"
    REVEAL = "reveal"
    OVERLAY = "overlay"
    DELAY_MORE = "delay_more"
    DELAY_LESS = "delay_less"
    VOLUME_UP = "volume_up"
    VOLUME_DOWN = "volume_down"
    MUTE = "mute"
    DIAGNOSTICS = "diagnostics"
    OPERATOR = "operator"
    HELP = "help"
    QUIT = "quit"


# What each key does, in the words of the on-screen cheat sheet (English: the help card
# shows them in the hall's language).
DESCRIPTIONS: Mapping[Action, str] = {
    Action.LIVE: N_("Show the live stream"),
    Action.SLIDES: N_("Show the solidarity slides"),
    Action.AWARDS: N_("Show the awards board"),
    Action.COUNTDOWN: N_("Show the countdown to the start"),
    Action.MESSAGE: N_("Type a message for the hall"),
    Action.BLACKOUT: N_("Black screen on / off"),
    Action.AUTOMATIC: N_("Back to automatic (follow the programme)"),
    Action.NEXT_SLIDE: N_("Next slide"),
    Action.PREVIOUS_SLIDE: N_("Previous slide"),
    Action.REVEAL: N_("Reveal the next award laureate"),
    Action.OVERLAY: N_("Programme bar on / off"),
    Action.DELAY_MORE: N_("Running late: delay the rest by 5 minutes"),
    Action.DELAY_LESS: N_("Take 5 minutes of delay back"),
    Action.VOLUME_UP: N_("Louder"),
    Action.VOLUME_DOWN: N_("Quieter"),
    Action.MUTE: N_("Sound off / on"),
    Action.DIAGNOSTICS: N_("Stream diagnostics on / off"),
    Action.OPERATOR: N_("The host's panel: to the front, or on / off over the TV (one screen)"),
    Action.HELP: N_("This help"),
    Action.QUIT: N_("Quit the kiosk"),
}

# The buttons of the host's panel and the volunteers' remote, in the order a host looks for
# them, with their short names (English; shown in the kiosk's language). Keys, panel and
# remote all act through this one table.
BUTTONS: tuple[tuple[Action, str], ...] = (
    (Action.AUTOMATIC, N_("Automatic")), (Action.LIVE, N_("Live")),
    (Action.SLIDES, N_("Slides")), (Action.AWARDS, N_("Awards")),
    (Action.COUNTDOWN, N_("Countdown")), (Action.MESSAGE, N_("Message")),
    (Action.BLACKOUT, N_("Blackout")), (Action.REVEAL, N_("Reveal")),
    (Action.PREVIOUS_SLIDE, N_("‹ Slide")), (Action.NEXT_SLIDE, N_("Slide ›")),
    (Action.DELAY_MORE, N_("+5 min late")), (Action.DELAY_LESS, N_("–5 min")),
    (Action.VOLUME_DOWN, N_("Quieter")), (Action.VOLUME_UP, N_("Louder")),
    (Action.MUTE, N_("Mute")), (Action.OVERLAY, N_("Programme bar")),
    (Action.DIAGNOSTICS, N_("Diagnostics")), (Action.HELP, N_("Help")),
)

# Presentation clickers send PgUp/PgDown, F5 / Shift+F5 ("start show"), Esc and B or "."
# ("black screen"); the rest are first letters a volunteer can guess (T: type a message).
DEFAULT_KEYS: Mapping[Action, tuple[str, ...]] = {
    Action.LIVE: ("L", "F5", "Shift+F5"),
    Action.SLIDES: ("S",),
    Action.AWARDS: ("A",),
    Action.COUNTDOWN: ("C",),
    Action.MESSAGE: ("T",),
    Action.BLACKOUT: ("B", "."),
    Action.AUTOMATIC: ("Esc", "Home"),
    Action.NEXT_SLIDE: ("PgDown", "Right"),
    Action.PREVIOUS_SLIDE: ("PgUp", "Left"),
    Action.REVEAL: ("R",),
    Action.OVERLAY: ("O",),
    Action.DELAY_MORE: ("D",),
    Action.DELAY_LESS: ("Shift+D",),
    # As on YouTube: arrows up/down and M; the +/- keys and keyboards' media keys too.
    Action.VOLUME_UP: ("Up", "+", "=", "Volume Up"),
    Action.VOLUME_DOWN: ("Down", "-", "Volume Down"),
    Action.MUTE: ("M", "Volume Mute"),
    Action.DIAGNOSTICS: ("I", "F2"),
    Action.OPERATOR: ("F3", "P"),
    Action.HELP: ("F1", "?", "H"),
    # A chord, so that no single stray key (or clicker button) closes the kiosk.
    Action.QUIT: ("Ctrl+Shift+Q",),
}


def key_table(overrides: Mapping[str, tuple[str, ...]]) -> dict[Action, tuple[str, ...]]:
    """The default table with the config's overrides applied, each action replaced whole.

    A key taken by an override is removed from any other action that had it by default, so a
    volunteer's binding always wins over a default one.
    """
    table = dict(DEFAULT_KEYS)
    for name, keys in overrides.items():
        table[Action(name)] = tuple(keys)
    claimed = {k for name in overrides for k in overrides[name]}
    for action, keys in table.items():
        if action.value not in overrides:
            table[action] = tuple(k for k in keys if k not in claimed)
    return table


def conflicts(table: Mapping[Action, tuple[str, ...]]) -> list[tuple[str, list[Action]]]:
    """Keys bound to more than one action."""
    seen: dict[str, list[Action]] = {}
    for action, keys in table.items():
        for key in keys:
            seen.setdefault(key, []).append(action)
    return [(key, actions) for key, actions in seen.items() if len(actions) > 1]
