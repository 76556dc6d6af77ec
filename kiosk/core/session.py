"""The volunteers' state, saved on every change, so a restarted kiosk comes back as it was.

After a crash, a hang or a power cut, the kiosk must show the same scene, keep the same
manual choice and delays, and not forget which laureates were revealed. What is only
momentary (an open help card, the reveal's glow, where the slide loop stood) is not kept.
The file belongs to one event: another event, or a copy saved more than ``MAX_AGE`` ago
(by the wall clock, so rehearsals restart as they began), is ignored. A copy saved up to
``MAX_AGE`` "ahead" of now is kept: the computer's clock was put right since (by hand or by
NTP), and the volunteers' work of that hour must not go with it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.core import atomic
from kiosk.core.config import Config
from kiosk.core.director import Hold, Scene, State
from kiosk.core.programme import Delay

FILE = "session.json"
MAX_AGE = timedelta(hours=12)


def event_key(config: Config) -> str:
    """Which event a saved state belongs to."""
    return f"{config.event.title}|{config.event.start.isoformat()}"


def to_json(state: State, config: Config, saved_at: datetime) -> dict[str, Any]:
    hold = state.hold
    return {
        "event": event_key(config),
        "saved_at": saved_at.isoformat(),
        "hold": None if hold is None else {
            "scene": hold.scene.value, "since": hold.since.isoformat(),
            "until": hold.until.isoformat() if hold.until else None},
        "blackout": state.blackout,
        "overlay": state.overlay,
        "message": state.message,
        "delays": [{"by": d.by.total_seconds(), "since": d.since.isoformat()}
                   for d in state.delays],
        "revealed": [list(i) for i in state.revealed],
    }


def from_json(data: dict[str, Any], config: Config, now: datetime) -> State | None:
    """The saved state if it is this event's and recent; None otherwise (or if unreadable)."""
    try:
        if data["event"] != event_key(config):
            return None
        saved_at = datetime.fromisoformat(data["saved_at"])
        if abs(now - saved_at) > MAX_AGE:
            return None
        raw_hold = data["hold"]
        hold = None if raw_hold is None else Hold(
            Scene(raw_hold["scene"]), datetime.fromisoformat(raw_hold["since"]),
            datetime.fromisoformat(raw_hold["until"]) if raw_hold["until"] else None)
        return State(
            hold=hold,
            blackout=bool(data["blackout"]),
            overlay=bool(data["overlay"]),
            message=str(data["message"]),
            delays=tuple(Delay(timedelta(seconds=float(d["by"])),
                               datetime.fromisoformat(d["since"])) for d in data["delays"]),
            revealed=tuple((str(a), str(c), str(n)) for a, c, n in data["revealed"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def save(state_dir: Path, state: State, config: Config, now: datetime) -> str:
    """Write the state; returns a problem for the host ("" when saved)."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        atomic.write_text(state_dir / FILE,
                          json.dumps(to_json(state, config, now), ensure_ascii=False))
    except OSError as exc:
        return f"could not save the kiosk's state in {state_dir}: {exc.strerror or exc}"
    return ""


def load(state_dir: Path, config: Config, now: datetime) -> State | None:
    try:
        data = json.loads((state_dir / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return from_json(data, config, now) if isinstance(data, dict) else None
