"""What the kiosk starts on: which config (never none) and which clock (real or rehearsal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from kiosk.core import config as config_module
from kiosk.core import lastgood, paths
from kiosk.core.clock import REHEARSAL_LEAD, Clock, RehearsalClock, parse_instant, system_clock
from kiosk.core.config import Config
from kiosk.core.errors import ConfigInvalid

# How long after its end an event without --at runs as a rehearsal rather than in real time.
REHEARSE_AFTER = timedelta(hours=12)


@dataclass(frozen=True)
class Chosen:
    config: Config
    # Host-facing problems: why this is not the config that was asked for, or what in it
    # could not be found.
    problems: tuple[str, ...] = ()
    # True when the asked-for config was broken and another one stands in for it.
    fell_back: bool = False


def choose_config(path: Path | None, *, state_dir: Path | None = None,
                  system_zone: tzinfo | None = None, remember: bool = True) -> Chosen:
    """The asked-for config; when it is broken, its last good copy, else the built-in event.

    Files a config names but cannot find (an image on an unplugged stick) do not make it
    broken here: the kiosk runs on it and tells the host; ``check`` is the strict one.
    ``remember`` keeps a copy of a config that loaded (the kiosk run does; a snapshot not).
    """
    if path is None:
        return Chosen(config_module.load(paths.builtin_config(), system_zone=system_zone))
    state = state_dir if state_dir is not None else paths.state_dir()
    warnings: list[str] = []
    try:
        config = config_module.load(path, system_zone=system_zone, lenient=True,
                                    warnings=warnings)
    except ConfigInvalid as exc:
        problems = [str(e) for e in exc.errors]
        fallback = lastgood.recall(path, state, system_zone)
        if fallback is not None:
            problems.insert(0, f"{path} has {_count(exc)}; showing its last good copy")
            return Chosen(fallback, tuple(problems), fell_back=True)
        problems.insert(0, f"{path} has {_count(exc)}; showing the built-in event")
        builtin = config_module.load(paths.builtin_config(), system_zone=system_zone)
        return Chosen(builtin, tuple(problems), fell_back=True)
    # A config with files missing is not remembered over a complete one.
    kept = lastgood.remember(path, state) if remember and not warnings else ""
    return Chosen(config, (*warnings, *((kept,) if kept else ())))


@dataclass(frozen=True)
class Timing:
    clock: Clock
    rehearsal: bool
    start: datetime


def choose_clock(config: Config, *, at: str | None, speed: float | None,
                 now: datetime | None = None) -> Timing:
    """Real time for a live event; a rehearsal clock for ``--at``/``--speed`` or a past event.

    A bare ``--at`` instant is read in the event's own time zone.
    """
    real_now = now if now is not None else system_clock()
    if at is not None:
        start = parse_instant(at, config.event.timezone)
        return Timing(RehearsalClock(start, speed or 1.0), True, start)
    running = config.running()
    # Long over: a rehearsal. Just over (a restart after an overrun): the real clock, so the
    # hall sees the closing screen, not a countdown to what it has just watched.
    if real_now >= running.end + REHEARSE_AFTER:
        start = running.start - REHEARSAL_LEAD
        return Timing(RehearsalClock(start, speed or 1.0), True, start)
    if speed is not None and speed != 1.0:
        return Timing(RehearsalClock(real_now, speed), True, real_now)
    return Timing(system_clock, False, real_now)


def _count(exc: ConfigInvalid) -> str:
    n = len(exc.errors)
    return f"{n} problem{'s' if n != 1 else ''}"
