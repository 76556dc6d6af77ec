"""Render exactly what the hall would see at one instant, offscreen, to a PNG."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from kiosk.core import director
from kiosk.core.config import Config
from kiosk.core.director import Health, Hold, Scene, State
from kiosk.core.i18n import Languages, choose
from kiosk.core.programme import at
from kiosk.core.view import View, compose, hidden_laureates
from kiosk.stage.window import Stage


def snapshot_view(config: Config, instant: datetime, *, scene: Scene | None = None,
                  rehearsal: bool = False, languages: Languages | None = None,
                  reveal: float | None = None, key_card: bool = False) -> View:
    """The View at ``instant``; ``scene`` forces a scene as a volunteer's key would;
    ``languages`` (default: the config's) are the hall's; ``reveal``: the next hidden
    laureate was revealed that many seconds before; ``key_card``: the key card is up."""
    running = config.running()
    moment = at(running, instant)
    state = State(overlay=config.overlay.visible, message=config.message)
    if scene is Scene.BLACKOUT:
        state = State(overlay=config.overlay.visible, blackout=True)
    elif scene is not None:
        state = State(overlay=config.overlay.visible, message=config.message,
                      hold=Hold(scene, instant, None))
    hidden = hidden_laureates(config)
    if reveal is not None and hidden:
        state = replace(state, revealed=hidden[:1],
                        revealed_at=instant - timedelta(seconds=reveal))
    if key_card:
        state = replace(state, help=True)
    decision = director.decide(state, moment, Health.PLAYING)
    # The slide loop started at the last programme boundary (or the instant itself).
    since = max((b for b in running.boundaries() if b <= instant), default=instant)
    if languages is None:
        languages = choose(config.languages, (), config.bilingual)
    return compose(config, moment, decision, state, loop_since=since, rehearsal=rehearsal,
                   languages=languages)


def render_snapshot(config: Config, instant: datetime, output: Path, size: tuple[int, int],
                    *, scene: Scene | None = None, languages: Languages | None = None,
                    reveal: float | None = None, key_card: bool = False) -> View:
    """Write the PNG; returns the View it shows. Raises OSError when the file cannot be saved."""
    _ = QApplication.instance() or QApplication(["watchparty-kiosk"])
    view = snapshot_view(config, instant, scene=scene, languages=languages, reveal=reveal,
                         key_card=key_card)
    stage = Stage()
    stage.set_look(config.theme, config.display)
    stage.set_view(view)
    image = stage.render_image(QSize(*size))
    output.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(output), "PNG"):
        raise OSError(f"could not save a PNG to {output}")
    return view
