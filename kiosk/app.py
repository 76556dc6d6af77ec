"""The composition root: builds the kiosk's parts and makes every signal connection."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut

from kiosk.core import director, paths, session
from kiosk.core import sound as sound_store
from kiosk.core.actions import Action
from kiosk.core.clock import Clock
from kiosk.core.config import Config, award_key, laureate_ids
from kiosk.core.director import Decision, Health, Scene, State
from kiosk.core.eventlog import EventLog
from kiosk.core.i18n import Languages, choose
from kiosk.core.programme import Moment, Programme, at
from kiosk.core.view import (
    PROMPT,
    View,
    compose,
    diagnostic_rows,
    hidden_laureates,
    loop_entries,
    loop_position,
)
from kiosk.stage.editor import MessageEditor
from kiosk.stage.window import Stage

# A fixed instant for comparing saved states (the real save time is not part of them).
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# While a reveal animates, the stage needs fresh views often; otherwise once a second.
ANIMATION_TICK_MS = 33
# How long a volume change shows on screen, in real seconds.
SOUND_BADGE_SECONDS = 2.5
# What could not be saved (a full disk) is tried again this often, in real seconds.
SAVE_RETRY_SECONDS = 1.0
# The wall clock moving this much more (or less) than real time between two refreshes has
# jumped (set by hand, by NTP, a time zone fixed): the event log says so.
CLOCK_JUMP_SECONDS = 30.0


class Kiosk(QObject):
    """One running kiosk: the clock, the director's state, the stage and the keys."""

    quit_requested = Signal()
    view_changed = Signal(object)
    # The host's panel key: to the front (two screens) or on / off over the TV (one).
    operator_requested = Signal()

    def __init__(
        self,
        config: Config,
        clock: Clock,
        *,
        rehearsal: bool = False,
        problems: tuple[str, ...] = (),
        event_log: EventLog | None = None,
        stage: Stage | None = None,
        player: Any = None,
        stream: Any = None,
        state_dir: Path | None = None,
        feeds: Any = None,
        lang: tuple[str, ...] = (),
    ) -> None:
        """``player`` and ``stream`` (kiosk.player, kiosk.stream) are optional: without them
        the live scene shows its placeholder and the stream counts as playing. With
        ``feeds`` (kiosk.feedservice) the config is the one the feeds make, updated live.
        ``lang`` (``--lang``) overrides the config's languages."""
        super().__init__()
        self.lang = lang
        self.feeds = feeds
        if feeds is not None:
            config = feeds.config
        self.config = config
        self.clock = clock
        self.rehearsal = rehearsal
        self.problems = problems
        self.log = event_log or EventLog(None)
        self.player = player
        self.stream = stream
        # Without a player the placeholder stands in for the stream and "plays".
        self.health = Health.PLAYING if stream is None else stream.health
        self.state_dir = state_dir if state_dir is not None else paths.state_dir()
        # After a crash or a restart, back to the volunteers' scene, delays and reveals.
        restored = session.load(self.state_dir, config, _wall_now())
        self.state = restored or State(overlay=config.overlay.visible)
        self._saved = session.to_json(self.state, config, _EPOCH)
        self.sound = sound_store.load(self.state_dir)
        self._sound_saved = self.sound
        self._save_failed: tuple[object, float] | None = None  # (what, when) it last failed
        self._ticked: tuple[datetime, float] | None = None  # (clock, monotonic) last refresh
        self._sound_shown_until = 0.0
        self._stats: Any = None
        self.last_note = ""  # the latest line the player or resolver logged, for diagnostics
        self._stream_status = stream.status if stream is not None else ""
        self.stage = stage or Stage()
        self.stage.set_look(config.theme, config.display)
        self.editor = MessageEditor(self.stage)
        self.view: View | None = None
        self.moment: Moment | None = None  # where the programme stood at the latest refresh
        self._decision: Decision | None = None
        self._scene_since: datetime | None = None
        self._status: tuple[str, str] | None = None
        self._laureates = hidden_laureates(config)
        self._shown_problems: tuple[str, ...] = ()
        self._more_problems: dict[str, tuple[str, ...]] = {}
        self._quitting = False

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.shortcuts: list[QShortcut] = []
        self._install_shortcuts()
        self.timer.timeout.connect(self._on_timer_timeout)
        self.editor.submitted.connect(self._on_editor_submitted)
        self.editor.cancelled.connect(self._on_editor_cancelled)
        self.stage.installEventFilter(self)
        if player is not None:
            player.frame_ready.connect(self._on_player_frame_ready)
            player.stats_changed.connect(self._on_player_stats_changed)
            player.audio_changed.connect(self._on_player_audio_changed)
            player.set_volume(self.sound.volume)
        if stream is not None:
            stream.health_changed.connect(self._on_stream_health_changed)
            stream.status_changed.connect(self._on_stream_status_changed)
        if feeds is not None:
            feeds.config_changed.connect(self._on_feeds_config_changed)
            feeds.looked.connect(self._on_feeds_looked)

        now = self.clock()
        self.log.write("start", now, config=config.source, rehearsal=rehearsal,
                       problems=list(problems))
        if restored is not None:
            self.log.write("restored", now, scene=restored.hold.scene.value
                           if restored.hold else None, blackout=restored.blackout,
                           delay_minutes=int(restored.late.total_seconds() // 60))
        if feeds is not None:
            for line in feeds.lines(config.venue.timezone):
                self.log.write("feed", now, status=line)
        self.refresh()

    # ------------------------------------------------------------------ running

    @property
    def stream_status(self) -> str:
        """What the stream is doing, in one line for the host ("" without a stream)."""
        return self._stream_status

    @property
    def laureates_to_reveal(self) -> int:
        """How many laureates the reveal key has still to show."""
        return sum(1 for laureate in self._laureates if laureate not in self.state.revealed)

    @property
    def languages(self) -> Languages:
        """The hall's languages: ``--lang``, else the config's (which an edit may change)."""
        return choose(self.config.languages, self.lang, self.config.bilingual)

    def running(self) -> Programme:
        """The programme as it runs now: the config's delay and the volunteers' delay."""
        return self.state.running(self.config.running())

    def trigger(self, action: Action, *, by: str = "") -> None:
        """Do what a key asks for (``by``: who, when not the keyboard: "remote", …)."""
        if self.editor.isVisible():
            return
        now = self.clock()
        if by:
            self.log.write("action", now, action=action.value, by=by)
        else:
            self.log.write("action", now, action=action.value)
        if action is Action.QUIT:
            self.request_quit()
            return
        if action is Action.OPERATOR:
            self.operator_requested.emit()
            return
        if action in (Action.VOLUME_UP, Action.VOLUME_DOWN, Action.MUTE):
            self._change_sound(action)
            self.refresh()
            return
        if action is Action.MESSAGE:
            self._set_shortcuts_enabled(False)
            lang = self.languages.primary
            self.editor.open(self.state.message or lang.pick(self.config.message),
                             prompt=self.view.prompt if self.view is not None else PROMPT)
            return
        if action in (Action.NEXT_SLIDE, Action.PREVIOUS_SLIDE):
            if self._decision is None or self._decision.scene is not Scene.SLIDES:
                return
            step = 1 if action is Action.NEXT_SLIDE else -1
            self.state = director.move_slide(self.state, step, self._slide_index(now), now)
        else:
            before = self.state.late
            self.state = director.apply(self.state, action, self.config.running(), now,
                                        self._laureates)
            if self.state.late != before:
                self.log.write("delay", now, minutes=int(self.state.late.total_seconds() // 60))
        self.refresh()

    def refresh(self) -> View:
        """Recompute what the hall sees now and hand it to the stage."""
        now = self.clock()
        self._note_clock_jump(now)
        expired = director.expire(self.state, now)
        if expired is not self.state:
            self.log.write("hold_ended", now, scene=self.state.hold.scene.value
                           if self.state.hold else "")
            self.state = expired
        moment = self.moment = at(self.running(), now)
        decision = director.decide(self.state, moment, self.health)
        if self._decision is None or decision.scene is not self._decision.scene:
            self._scene_since = now
            self.state = replace(self.state, loop_first=0, loop_since=None)
            self._apply_mute(decision.scene)
            if decision.scene is Scene.LIVE and self.player is not None:
                self.stage.set_frame(self.player.frame())
        if decision != self._decision:
            self.log.write("scene", now, scene=decision.scene.value, manual=decision.manual,
                           fallback=decision.fallback.value if decision.fallback else None)
            self._decision = decision
        self._log_status(moment)
        self._save_changes()
        self._shown_problems = self.problems_now()
        view = compose(self.config, moment, decision, self.state,
                       loop_since=self._scene_since or now, rehearsal=self.rehearsal,
                       problems=self._shown_problems, sound=self._sound_badge(),
                       diagnostics=self._diagnostics() if self.state.diagnostics else (),
                       languages=self.languages)
        self.view = view
        self.stage.set_view(view)
        self.view_changed.emit(view)
        self._schedule(now, view)
        return view

    def apply_config(self, config: Config) -> None:
        """Take a new config (a feed changed it) without losing what the volunteers did.

        Laureates the new config announces for the first time are revealed as a volunteer's
        key would (animated); in the slide loop the hall is taken to that award's board.
        A volunteer's choice now ends at the next boundary of the new running order.
        """
        now = self.clock()
        before = set(laureate_ids(self.config.awards, announced=True))
        newly = [i for i in laureate_ids(config.awards, announced=True)
                 if i not in before and i not in self.state.revealed]
        keys_changed = config.keys != self.config.keys
        self.config = config
        self.stage.set_look(config.theme, config.display)
        if keys_changed:
            self._install_shortcuts()
        if self.stream is not None:
            self.stream.set_config(config)
        self._laureates = hidden_laureates(config)
        state = director.rehold(self.state, config.running())
        if newly:
            state = replace(state, revealed=(*state.revealed, *newly), revealed_at=now)
            if self._decision is not None and self._decision.scene is Scene.SLIDES:
                board = _board_entry(config, newly[-1][0])
                if board is not None:
                    state = replace(state, loop_first=board, loop_since=now)
        self.state = state
        self.log.write("config", now, source=config.source,
                       announced=["/".join(i) for i in newly],
                       items=len(config.programme.items),
                       delay_minutes=int(config.delay.by.total_seconds() // 60)
                       if config.delay else 0)
        self.refresh()

    def set_clock(self, clock: Clock, *, rehearsal: bool) -> None:
        """Another event was taken up (the host's own, after the built-in rehearsal): its
        clock, real time for an event still to come."""
        self.clock = clock
        self.rehearsal = rehearsal
        self._ticked = None
        self.log.write("clock", clock(), rehearsal=rehearsal)

    def set_problems(self, source: str, lines: tuple[str, ...]) -> None:
        """What one part of the kiosk (``source``: the config watcher, the sleep inhibitor…)
        now needs the host to know; an empty tuple clears it."""
        if self._more_problems.get(source, ()) == lines:
            return
        self._more_problems[source] = lines
        if lines:
            self.log.write("problem", self.clock(), source=source, text=list(lines))
        self.refresh()

    def problems_now(self) -> tuple[str, ...]:
        """What the host must be told: start-up problems, the other parts', the feeds'."""
        lines = (*self.problems, *(p for ps in self._more_problems.values() for p in ps))
        if self.feeds is None:
            return lines
        return (*lines, *self.feeds.problems(self.config.venue.timezone))

    def set_health(self, health: Health) -> None:
        if health is not self.health:
            self.health = health
            self.log.write("health", self.clock(), health=health.value)
            self.refresh()

    def request_quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self.timer.stop()
        # Application-wide shortcuts of a stage that is going away must not shadow another's.
        self._set_shortcuts_enabled(False)
        self.log.write("quit", self.clock())
        if self.feeds is not None:
            self.feeds.stop()
        # Listeners (a --screenshot) still see the last picture; then the stream goes.
        self.quit_requested.emit()
        if self.stream is not None:
            self.stream.stop()
        if self.player is not None:
            self.stage.set_frame(None)
            # Stopped before its frame buffers and callbacks are released.
            self.player.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Closing the stage window (Alt+F4, a stray click on a close button) must not end
        # the event; only the deliberate quit chord does.
        if watched is self.stage and event.type() == QEvent.Type.Close and not self._quitting:
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ slots

    def _on_timer_timeout(self) -> None:
        self.refresh()

    def _on_player_frame_ready(self) -> None:
        if self._decision is not None and self._decision.scene is Scene.LIVE:
            self.stage.set_frame(self.player.frame())

    def _on_player_stats_changed(self, stats: object) -> None:
        self._stats = stats

    def _on_stream_health_changed(self, health: Health) -> None:
        self.set_health(health)

    def _on_stream_status_changed(self, status: str) -> None:
        self._stream_status = status
        self.log.write("stream", self.clock(), status=status)
        if self.state.diagnostics:
            self.refresh()

    def _on_feeds_config_changed(self, config: Config) -> None:
        self.apply_config(config)

    def _on_feeds_looked(self, index: int, outcome: Any) -> None:
        now = self.clock()
        fields: dict[str, Any] = {"feed": index, "result": outcome.result.value,
                                  "bytes": outcome.bytes_received,
                                  "seconds": round(outcome.seconds, 3)}
        if outcome.reason:
            fields["reason"] = outcome.reason
        if outcome.errors:
            fields["errors"] = list(outcome.errors)
        if outcome.warnings:
            fields["warnings"] = list(outcome.warnings)
        self.log.write("feed", now, **fields)
        if (self.problems_now() != self._shown_problems or self.state.diagnostics
                or self.state.help):
            self.refresh()

    def show_message(self, text: str, *, by: str = "") -> None:
        """Put ``text`` up for the hall as the message editor would ("" takes it down)."""
        now = self.clock()
        self.state = director.show_message(self.state, text, self.config.running(), now)
        if by:
            self.log.write("message", now, text=self.state.message, by=by)
        else:
            self.log.write("message", now, text=self.state.message)
        self.refresh()

    def _on_player_audio_changed(self, problem: str) -> None:
        # No sound device, or one back: the host hears of it once (badge, key card, panel).
        self.set_problems("audio", (problem,) if problem else ())

    def _on_editor_submitted(self, text: str) -> None:
        self._set_shortcuts_enabled(True)
        self.stage.setFocus()
        self.show_message(text)

    def _on_editor_cancelled(self) -> None:
        self._set_shortcuts_enabled(True)
        self.stage.setFocus()

    # ------------------------------------------------------------------ helpers

    def _save_changes(self) -> None:
        """Keep the volunteers' state and the volume on disk whenever they changed
        (atomically). What could not be saved (a full disk) is tried again at the next
        refreshes until it is, and the host is told meanwhile."""
        snapshot = session.to_json(self.state, self.config, _EPOCH)
        pending = (snapshot, self.sound)
        if snapshot == self._saved and self.sound == self._sound_saved:
            self._set_save_problems(())
            return
        failed = self._save_failed
        if (failed is not None and failed[0] == pending
                and time.monotonic() - failed[1] < SAVE_RETRY_SECONDS):
            return  # the same thing failed a moment ago
        problems = []
        if snapshot != self._saved:
            problem = session.save(self.state_dir, self.state, self.config, _wall_now())
            if problem:
                problems.append(problem)
            else:
                self._saved = snapshot
        if self.sound != self._sound_saved:
            problem = sound_store.save(self.state_dir, self.sound)
            if problem:
                problems.append(problem)
            else:
                self._sound_saved = self.sound
        self._save_failed = (pending, time.monotonic()) if problems else None
        self._set_save_problems(tuple(problems))

    def _set_save_problems(self, lines: tuple[str, ...]) -> None:
        """What could not be saved, for the host; logged once, not at every retry."""
        if lines == self._more_problems.get("saving", ()):
            return
        if lines:
            self.log.write("problem", self.clock(), source="saving", text=list(lines))
        elif self._more_problems.get("saving"):
            self.log.write("saved", self.clock(), source="saving")
        self._more_problems["saving"] = lines

    def _note_clock_jump(self, now: datetime) -> None:
        """The computer's clock jumped since the last refresh: the programme simply follows
        it (it is the time the hall lives in); the event log says how far it jumped."""
        mono = time.monotonic()
        last, self._ticked = self._ticked, (now, mono)
        if last is None or self.rehearsal:
            return
        jumped = (now - last[0]).total_seconds() - (mono - last[1])
        if abs(jumped) >= CLOCK_JUMP_SECONDS:
            self.log.write("clock", now, rehearsal=False, jumped_seconds=round(jumped))

    def _slide_index(self, now: datetime) -> int:
        entries = loop_entries(self.config)
        since = self.state.loop_since or self._scene_since or now
        return loop_position(entries, self.state.loop_first, since, now)

    def _change_sound(self, action: Action) -> None:
        if action is Action.VOLUME_UP:
            self.sound = self.sound.louder()
        elif action is Action.VOLUME_DOWN:
            self.sound = self.sound.quieter()
        else:
            self.sound = self.sound.toggled()
        self._sound_shown_until = time.monotonic() + SOUND_BADGE_SECONDS
        if self.player is not None:
            self.player.set_volume(self.sound.volume)
        if self._decision is not None:
            self._apply_mute(self._decision.scene)
        # Saved by the refresh that follows (and again later if the disk is full).

    def _apply_mute(self, scene: Scene) -> None:
        """The stream is heard on the live scene, and under the slides if the config says so."""
        if self.player is None:
            return
        heard = scene is Scene.LIVE or (scene in (Scene.SLIDES, Scene.AWARDS)
                                        and self.config.stream.audio_under_slides)
        self.player.set_muted(self.sound.muted or not heard)

    def _sound_badge(self) -> str:
        if self.sound.muted or time.monotonic() < self._sound_shown_until:
            return self.sound.badge(self.languages.primary)
        return ""

    def _diagnostics(self) -> tuple[tuple[str, str], ...]:
        """The diagnostics card's rows, in the kiosk's language."""
        lang = self.languages.primary
        feeds = self.feeds.lines(self.config.venue.timezone) if self.feeds is not None else ()
        return diagnostic_rows(lang, stream=self._stream_status, health=self.health,
                               figures=self._stats, last_note=self.last_note, feeds=feeds,
                               sound=self.sound.badge(lang).lower())

    def _install_shortcuts(self) -> None:
        """One application-wide shortcut per key of the config's key table: the keys work
        whichever of the kiosk's windows has the focus."""
        for shortcut in self.shortcuts:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        self.shortcuts = []
        for action, keys in self.config.keys.items():
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self.stage)
                shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
                shortcut.activated.connect(lambda a=action: self.trigger(a))
                self.shortcuts.append(shortcut)

    def _set_shortcuts_enabled(self, enabled: bool) -> None:
        for shortcut in self.shortcuts:
            shortcut.setEnabled(enabled)

    def _log_status(self, moment: Moment) -> None:
        item = moment.current.title if moment.current is not None else ""
        status = (moment.phase.value, item)
        if status != self._status:
            self._status = status
            self.log.write("status", moment.now, phase=moment.phase.value, item=item,
                           next=moment.next.title if moment.next else "")

    def _schedule(self, now: datetime, view: View) -> None:
        if self._quitting:
            return
        animating = (view.board is not None and view.board.reveal_age is not None)
        if animating:
            self.timer.start(ANIMATION_TICK_MS)
            return
        left = self._sound_shown_until - time.monotonic()
        if 0 < left < 1.0:
            self.timer.start(max(10, int(left * 1000) + 5))  # take the volume badge down
            return
        # Wake just after the programme clock's next whole second, so countdowns tick on time.
        speed = getattr(self.clock, "speed", 1.0)
        to_next_second = 1.0 - now.microsecond / 1_000_000
        self.timer.start(max(10, int(to_next_second * 1000 / speed) + 5))


def _board_entry(config: Config, award: str) -> int | None:
    """The slide loop's entry showing the board of the award named ``award`` (an award_key)."""
    for index, entry in enumerate(loop_entries(config)):
        if entry.award is not None and award_key(config.awards[entry.award].name) == award:
            return index
    return None


def _wall_now() -> datetime:
    return datetime.now(UTC)
