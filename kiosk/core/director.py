"""The one place that decides which scene the hall sees.

The schedule drives. A volunteer's choice holds until the next programme boundary or until
they hand control back. Blackout is a toggle that only a volunteer ends. A live scene never
shows a stream that is not playing: the slides stand in, with a badge saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.core.actions import Action
from kiosk.core.config import LaureateId
from kiosk.core.programme import Delay, Moment, Phase, Programme


class Scene(StrEnum):
    COUNTDOWN = "countdown"
    LIVE = "live"
    SLIDES = "slides"
    AWARDS = "awards"
    MESSAGE = "message"
    BLACKOUT = "blackout"
    CLOSING = "closing"


class Health(StrEnum):
    """What the player says about the stream."""

    PLAYING = "playing"
    STARTING = "starting"
    STALLED = "stalled"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"


DELAY_STEP = timedelta(minutes=5)
MANUAL_SCENES = {
    Action.LIVE: Scene.LIVE,
    Action.SLIDES: Scene.SLIDES,
    Action.AWARDS: Scene.AWARDS,
    Action.COUNTDOWN: Scene.COUNTDOWN,
}


@dataclass(frozen=True)
class Hold:
    """A volunteer's choice of scene, in force until ``until`` (None: until handed back)."""

    scene: Scene
    since: datetime
    until: datetime | None


@dataclass(frozen=True)
class State:
    """Everything the volunteers have changed; the rest comes from the programme."""

    hold: Hold | None = None
    blackout: bool = False
    overlay: bool = True
    help: bool = False
    diagnostics: bool = False
    message: str = ""
    # Each press of the delay key, in order; each applies to the programme as it then ran.
    delays: tuple[Delay, ...] = ()
    revealed: tuple[LaureateId, ...] = ()
    revealed_at: datetime | None = None
    # The slide loop restarts from ``loop_first`` at ``loop_since`` (None: at the scene's start).
    loop_first: int = 0
    loop_since: datetime | None = None

    @property
    def late(self) -> timedelta:
        """How much the volunteers have delayed the programme in all."""
        return sum((d.by for d in self.delays), timedelta(0))

    def running(self, programme: Programme) -> Programme:
        """``programme`` with the volunteers' delays applied, in the order they were made."""
        for delay in self.delays:
            programme = programme.delayed(delay)
        return programme

    def holding(self, now: datetime) -> Hold | None:
        if self.hold is not None and (self.hold.until is None or now < self.hold.until):
            return self.hold
        return None


@dataclass(frozen=True)
class Decision:
    scene: Scene
    manual: bool
    # Set when the live scene was wanted but the stream cannot be shown.
    fallback: Health | None = None


def automatic_scene(moment: Moment) -> Scene:
    """What the schedule alone asks for."""
    match moment.phase:
        case Phase.BEFORE:
            return Scene.COUNTDOWN
        case Phase.ITEM:
            return Scene.LIVE
        case Phase.BREAK:
            return Scene.SLIDES
        case Phase.AFTER:
            return Scene.CLOSING


def decide(state: State, moment: Moment, health: Health) -> Decision:
    """The scene to show now."""
    if state.blackout:
        return Decision(Scene.BLACKOUT, manual=True)
    hold = state.holding(moment.now)
    scene = hold.scene if hold is not None else automatic_scene(moment)
    if scene is Scene.LIVE and health is not Health.PLAYING:
        return Decision(Scene.SLIDES, manual=hold is not None, fallback=health)
    return Decision(scene, manual=hold is not None)


def expire(state: State, now: datetime) -> State:
    """Drop a volunteer's choice whose programme boundary has passed."""
    if state.hold is not None and state.holding(now) is None:
        return replace(state, hold=None)
    return state


def apply(state: State, action: Action, programme: Programme, now: datetime,
          laureates: tuple[LaureateId, ...] = ()) -> State:
    """The state after a volunteer's action at ``now``.

    ``programme`` is the config's programme (its own delay applied, not the volunteers');
    holds end at the next boundary of it as it runs. ``laureates`` lists every
    laureate not yet announced by the config, in board order, for the reveal key.
    """
    base, programme = programme, state.running(programme)
    if action in MANUAL_SCENES:
        return _hold(state, MANUAL_SCENES[action], programme, now)
    match action:
        case Action.AUTOMATIC:
            # Esc: back to the programme, and any card a stray key opened closes too.
            return replace(state, hold=None, blackout=False, help=False, diagnostics=False)
        case Action.BLACKOUT:
            return replace(state, blackout=not state.blackout)
        case Action.OVERLAY:
            return replace(state, overlay=not state.overlay)
        case Action.HELP:
            return replace(state, help=not state.help)
        case Action.DIAGNOSTICS:
            return replace(state, diagnostics=not state.diagnostics)
        case Action.DELAY_MORE:
            # From now on, on top of the programme as it runs: what already ran stays put.
            return rehold(replace(state, delays=(*state.delays, Delay(DELAY_STEP, now))),
                           base)
        case Action.DELAY_LESS:
            # Takes back the latest press (the config's own delay is the organisers').
            return rehold(replace(state, delays=state.delays[:-1]), base)
        case Action.REVEAL:
            hidden = [i for i in laureates if i not in state.revealed]
            held = _hold(state, Scene.AWARDS, programme, now)
            if not hidden:
                return held
            return replace(held, revealed=(*state.revealed, hidden[0]), revealed_at=now)
    return state


def show_message(state: State, text: str, programme: Programme, now: datetime) -> State:
    """Put a volunteer's typed message up; empty text takes it down."""
    programme = state.running(programme)
    text = text.strip()
    if not text:
        if state.hold is not None and state.hold.scene is Scene.MESSAGE:
            return replace(state, hold=None, message="")
        return replace(state, message="")
    return replace(_hold(state, Scene.MESSAGE, programme, now), message=text)


def move_slide(state: State, step: int, current_index: int, now: datetime) -> State:
    """Restart the slide loop ``step`` slides on from the one showing."""
    return replace(state, loop_first=current_index + step, loop_since=now)


def rehold(state: State, base: Programme) -> State:
    """A volunteer's choice ends at the boundary that follows it in the programme as it
    now runs: a delay pressed after the choice moves its end too."""
    if state.hold is None:
        return state
    until = state.running(base).next_boundary(state.hold.since)
    return replace(state, hold=replace(state.hold, until=until))


def _hold(state: State, scene: Scene, programme: Programme, now: datetime) -> State:
    return replace(state, hold=Hold(scene, now, programme.next_boundary(now)), blackout=False)
