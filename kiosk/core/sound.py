"""The hall's volume, remembered between runs (the host sets it once for the room)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.core import atomic
from kiosk.core.i18n import ENGLISH, Language

STEP = 5
_FILE = "sound.json"


@dataclass(frozen=True)
class Sound:
    volume: int = 80
    muted: bool = False

    def louder(self) -> Sound:
        return replace(self, volume=min(100, self.volume + STEP), muted=False)

    def quieter(self) -> Sound:
        return replace(self, volume=max(0, self.volume - STEP))

    def toggled(self) -> Sound:
        return replace(self, muted=not self.muted)

    def badge(self, lang: Language | None = None) -> str:
        """What the hall's badge says (in ``lang``, English by default)."""
        lang = lang or ENGLISH.primary
        if self.muted:
            return lang.gettext("MUTED")
        return lang.gettext("VOLUME {volume}%").format(volume=self.volume)


def load(state_dir: Path) -> Sound:
    """The remembered sound, or the default when there is none or it is unreadable."""
    try:
        data = json.loads((state_dir / _FILE).read_text(encoding="utf-8"))
        volume = int(data["volume"])
        return Sound(volume=min(100, max(0, volume)), muted=bool(data.get("muted", False)))
    except (OSError, ValueError, KeyError, TypeError):
        return Sound()


def save(state_dir: Path, sound: Sound) -> str:
    """Remember ``sound``; returns a problem text, or "" on success."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        atomic.write_text(state_dir / _FILE, json.dumps({"volume": sound.volume,
                                                    "muted": sound.muted}))
    except OSError as exc:
        return f"could not remember the volume in {state_dir}: {exc.strerror}"
    return ""
