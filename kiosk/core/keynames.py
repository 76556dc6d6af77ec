"""Key names as the config spells them, checked without Qt.

The canonical spelling is Qt's portable text (``QKeySequence.PortableText``), so the stage can
hand a normalised name straight to ``QKeySequence``.
"""

from __future__ import annotations

import string

MODIFIERS = {"ctrl": "Ctrl", "control": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta",
             "cmd": "Ctrl", "command": "Ctrl", "option": "Alt"}
_MODIFIER_ORDER = ("Ctrl", "Alt", "Shift", "Meta")

_NAMED = {
    "esc": "Esc", "escape": "Esc",
    "space": "Space", "spacebar": "Space",
    "return": "Return", "enter": "Enter",
    "tab": "Tab", "backspace": "Backspace",
    "del": "Del", "delete": "Del", "ins": "Ins", "insert": "Ins",
    "home": "Home", "end": "End",
    "pgup": "PgUp", "pageup": "PgUp", "page up": "PgUp", "prior": "PgUp",
    "pgdown": "PgDown", "pagedown": "PgDown", "page down": "PgDown", "pgdn": "PgDown",
    "next": "PgDown",
    "left": "Left", "right": "Right", "up": "Up", "down": "Down",
    "media play": "Media Play", "media pause": "Media Pause", "media next": "Media Next",
    "media previous": "Media Previous", "media stop": "Media Stop",
    "volume up": "Volume Up", "volume down": "Volume Down", "volume mute": "Volume Mute",
}
_NAMED.update({f"f{n}": f"F{n}" for n in range(1, 25)})
_PUNCTUATION = set(string.punctuation) - {"+"}


def normalise_key(text: str) -> str:
    """``ctrl+shift+q`` → ``Ctrl+Shift+Q``; raises ValueError naming what is wrong."""
    raw = text.strip()
    if not raw:
        raise ValueError("empty key name")
    # "+" alone, or a chord ending in "+" (Ctrl++), names the plus key itself.
    if raw == "+":
        return "+"
    parts = raw.split("+")
    if raw.endswith("++"):
        parts = [*raw[:-2].split("+"), "+"]
    *mods, key = parts
    modifiers = []
    for mod in mods:
        canon = MODIFIERS.get(mod.strip().lower())
        if canon is None:
            raise ValueError(f"unknown modifier {mod.strip()!r} in {raw!r} (use Ctrl, Alt, Shift)")
        if canon not in modifiers:
            modifiers.append(canon)
    name = key.strip()
    if len(name) == 1 and (name.isalnum() or name in _PUNCTUATION or name == "+"):
        # "ß".upper() is "SS": keep letters whose capital is not one character as they are.
        canon_key = name.upper() if len(name.upper()) == 1 else name
    elif name.lower() in _NAMED:
        canon_key = _NAMED[name.lower()]
    else:
        raise ValueError(f"unknown key {name!r}")
    ordered = [m for m in _MODIFIER_ORDER if m in modifiers]
    return "+".join([*ordered, canon_key])
