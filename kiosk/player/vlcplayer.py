"""The libVLC player: video callbacks into fixed buffers, health from a frame watchdog, and
self-healing reconnects. The only module that imports ``vlc``.

Threads. libVLC runs its own; its video callbacks live in ``frames.FrameBuffers`` and its
events only append to a deque. Every decision and nearly every libVLC call happens on the
GUI thread, in a ~60 Hz timer: libVLC must not be called from its own callbacks
(python-vlc#77). The exception is stopping: libVLC 3's ``stop()`` waits for the HLS
downloader, which does not give up on a server that accepted the connection and never
answers (measured: ``stop()`` returned only when the server let go, 20–45 s later). So each
attempt gets its own media player and buffers, and a finished attempt is detached on the GUI
thread, then stopped and released on a short-lived reaper thread while the next attempt
starts on a fresh player.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import vlc
from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtGui import QImage

from kiosk.core.director import Health
from kiosk.core.health import Backoff, Recovery, Watchdog
from kiosk.core.i18n import Words
from kiosk.core.media import PlayableMedia, place, visible_slack
from kiosk.core.media import render_size as render_box
from kiosk.platform.heap import keep_large_blocks_mapped
from kiosk.player.base import PlayerBase, PlayerStats
from kiosk.player.frames import AspectHints, CleanupCb, FormatCb, FrameBuffers
from kiosk.player.vlclog import VlcLog, silence_alsa

log = logging.getLogger(__name__)

AUDIO_ENV = "WATCHPARTY_KIOSK_AUDIO"
BASE_ARGS = ("--no-xlib", "--quiet", "--no-video-title-show", "--no-snapshot-preview",
             "--no-osd")
EVENTS = {
    "playing": vlc.EventType.MediaPlayerPlaying,
    "vout": vlc.EventType.MediaPlayerVout,
    "buffering": vlc.EventType.MediaPlayerBuffering,
    "error": vlc.EventType.MediaPlayerEncounteredError,
    "end": vlc.EventType.MediaPlayerEndReached,
    "stopped": vlc.EventType.MediaPlayerStopped,
}
TICK_MS = 16
# A dropped stream is tried again within this many seconds (one request to its server each
# time: cheap), so the hall is back on the stream soon after it returns; its address is
# asked for afresh (yt-dlp, YouTube: not cheap) at most every EXPIRE_EVERY seconds.
RETRY_CAP = 5.0
EXPIRE_EVERY = 30.0
STATS_EVERY = 1.0
# How long after a Vout event the true picture size is looked for.
ASPECT_CHECK_FOR = 3.0
# Restarts to fix a wrongly guessed aspect, per source: the hint makes one enough.
ASPECT_RESTARTS = 2
# A loop clip that ends sooner than this after starting is failing, not looping.
LOOP_MIN_RUN = 2.0
# Attempts still being stopped (a hung server can hold one for minutes); beyond this many,
# no new attempt starts until one is gone, so a long hang cannot pile up players.
MAX_RETIRING = 3
# close() waits this long for libVLC to stop; a hung stop is left to finish on its own.
CLOSE_WAIT = 3.0
# No sound device: this many failed tries to open an audio output within a check (libVLC
# tries about fifty times a second) mean there is none; the picture plays on silent, and
# sound is tried again this often, for this long beside the silent picture.
AUDIO_FAILS = 3
AUDIO_CHECK_EVERY = 1.0
AUDIO_RETRY = 60.0
AUDIO_PROBE_FOR = 2.0
NO_SOUND = Words("No sound: this computer has no working audio output. The picture plays "
                 "on; sound is tried again every minute.")


class PlayerUnavailable(RuntimeError):
    """libVLC is there but cannot make an instance or a player."""


def instance_args(extra: Sequence[str] = ()) -> list[str]:
    args = list(BASE_ARGS)
    if os.environ.get(AUDIO_ENV, "").strip().lower() == "dummy":
        args.append("--aout=dummy")
    args.extend(extra)
    return args


# The trampoline's user data is an event's place in EVENTS, plus one (never NULL).
EVENT_NAMES = tuple(EVENTS)
_EventCb = ctypes.CFUNCTYPE(None, ctypes.POINTER(vlc.Event), ctypes.c_void_p)


def _event_trampoline(queue: collections.deque[tuple[int, str]], ident: int) -> Any:
    """libVLC's event callback for one attempt (any libVLC thread): only note which attempt
    saw what. A closure over the queue and the number only: nothing refers back to it, so it
    goes as soon as the attempt drops it (python-vlc's EventManager keeps itself in a cycle,
    and ``MediaPlayer.event_manager()`` keeps every player it was asked about for good)."""

    def on_event(event: object, data: int | None) -> None:
        try:
            if data:
                queue.append((ident, EVENT_NAMES[data - 1]))
        except BaseException:
            pass

    return _EventCb(on_event)


# ------------------------------------------------------------------ track info


class _VideoTrack(ctypes.Structure):
    """The head of libvlc_video_track_t (libVLC 3)."""

    _fields_ = (("height", ctypes.c_uint), ("width", ctypes.c_uint),
                ("sar_num", ctypes.c_uint), ("sar_den", ctypes.c_uint))


class _Track(ctypes.Structure):
    """libvlc_media_track_t (libVLC 3). python-vlc's MediaTrack declares the audio, video and
    subtitle pointers as three fields, but in C they are one union: reading its ``video``
    dereferences garbage and crashes, so the tracks are read through this declaration."""

    _fields_ = (("codec", ctypes.c_uint32), ("original_fourcc", ctypes.c_uint32),
                ("id", ctypes.c_int), ("type", ctypes.c_int), ("profile", ctypes.c_int),
                ("level", ctypes.c_int), ("detail", ctypes.c_void_p),
                ("bitrate", ctypes.c_uint), ("language", ctypes.c_char_p),
                ("description", ctypes.c_char_p))


_TrackArray = ctypes.POINTER(ctypes.POINTER(_Track))
_tracks_get = vlc.dll.libvlc_media_tracks_get
_tracks_get.argtypes = (ctypes.c_void_p, ctypes.POINTER(_TrackArray))
_tracks_get.restype = ctypes.c_uint
_tracks_release = vlc.dll.libvlc_media_tracks_release
_tracks_release.argtypes = (_TrackArray, ctypes.c_uint)
_tracks_release.restype = None
TRACK_VIDEO = 1  # libvlc_track_video

# python-vlc declares the format callback's chroma as c_char_p, which cannot be written
# (python-vlc#294); this prototype takes ours. (A ctypes.cast to python-vlc's type would do,
# but a cast's result and its source share one _objects dict that holds the source: a
# reference cycle that kept every attempt's buffers until a full garbage collection.)
_set_format_callbacks = ctypes.CFUNCTYPE(None, ctypes.c_void_p, FormatCb, CleanupCb)(
    ("libvlc_video_set_format_callbacks", vlc.dll))


def _video_track(media: Any) -> tuple[int, int, float] | None:
    """(width, height, sample aspect) of the media's first sized video track."""
    tracks = _TrackArray()
    count = _tracks_get(media._as_parameter_, ctypes.byref(tracks))
    try:
        for i in range(count):
            track = tracks[i].contents
            if track.type != TRACK_VIDEO or not track.detail:
                continue
            video = ctypes.cast(track.detail, ctypes.POINTER(_VideoTrack)).contents
            if video.width and video.height:
                sar = video.sar_num / video.sar_den if video.sar_num and video.sar_den else 1.0
                return int(video.width), int(video.height), sar
        return None
    finally:
        if count:
            _tracks_release(tracks, count)


# ------------------------------------------------------------------ one attempt


class _Attempt:
    """One libVLC media player playing one fresh Media into one set of buffers.

    Made and used on the GUI thread; ``dispose`` (stop and release) runs on a reaper thread
    after ``detach``. The buffers outlive it for as long as a QImage of theirs is held.
    """

    def __init__(self, ident: int, instance: Any, media: PlayableMedia, frames: FrameBuffers,
                 events: collections.deque[tuple[int, str]], watchdog: Watchdog, *,
                 sound: bool = True) -> None:
        self.ident = ident
        self.source = media
        self.sound = sound  # without: no audio output is even tried
        self.frames = frames
        self.watchdog = watchdog  # judges this attempt's pictures alone
        self.started = 0.0
        self.vlc_playing = False  # libVLC said Playing
        self.aspect_since: float | None = None  # when its video output appeared
        self.media: Any = None
        self.event_manager: Any = None
        self.attached: list[Any] = []
        self._on_event: Any = _event_trampoline(events, ident)  # until the player is released
        self._stats = vlc.MediaStats()  # reused: read on every tick
        self.player: Any = instance.media_player_new()
        if self.player is None:
            raise PlayerUnavailable("libVLC could not make a media player")
        player = self.player
        try:  # whatever fails from here on, the player is released
            player.video_set_key_input(False)
            player.video_set_mouse_input(False)
            # The lock and display prototypes are python-vlc's own (ctypes caches them); the
            # format one is ours (see _set_format_callbacks). No unlock callback: NULL is
            # allowed. All four are kept alive by ``frames`` until the player is released.
            player.video_set_callbacks(frames.lock_cb, None, frames.display_cb, None)
            _set_format_callbacks(player._as_parameter_, frames.format_cb, frames.cleanup_cb)
            # Not player.event_manager(): python-vlc memoizes it in a dict on the class,
            # which would keep this player's wrapper and event manager for the life of the
            # process.
            self.event_manager = vlc.libvlc_media_player_event_manager(player)
            options = (*media.vlc_options(), *(() if sound else (":no-audio",)))
            self.media = instance.media_new(media.url, *options)
            if self.media is not None:
                player.set_media(self.media)
            for index, kind in enumerate(EVENTS.values(), 1):
                if vlc.libvlc_event_attach(self.event_manager, kind, self._on_event,
                                           index) == 0:
                    self.attached.append((kind, index))
        except Exception:
            self.detach()
            self.dispose()  # nothing plays yet: stopping cannot hang
            raise

    def play(self) -> bool:
        return self.media is not None and self.player.play() == 0

    def displayed(self) -> int:
        """Pictures of this media libVLC has displayed: new ones only.

        Not the display callback's count: libVLC 3 re-displays the last picture every
        ~80 ms when no new one comes (a hung server still gives ~15 callbacks a second),
        while this counter stops. libVLC updates it about every 250 ms.
        """
        if self.media is None or not self.media.get_stats(self._stats):
            return 0
        return int(self._stats.displayed_pictures)

    def stats(self) -> tuple[float, int, int]:
        """(input kb/s, displayed, lost) of this media so far."""
        if self.media is None or not self.media.get_stats(self._stats):
            return 0.0, 0, 0
        # libVLC's input bitrate is in bytes per microsecond: ×8000 gives kilobits per second
        # (checked against a file's size and duration).
        return (max(0.0, float(self._stats.input_bitrate)) * 8000.0,
                int(self._stats.displayed_pictures), int(self._stats.lost_pictures))

    def state(self) -> str:
        state = self.player.get_state()
        return str(state).rsplit(".", 1)[-1] if state is not None else "none"

    def picture_size(self) -> tuple[int, int, float] | None:
        """The visible picture size and its sample aspect, once libVLC knows them."""
        if self.media is None:
            return None
        try:
            return _video_track(self.media)
        except Exception:
            return None

    def apply_audio(self, volume: int, muted: bool) -> None:
        self.player.audio_set_volume(volume)
        self.player.audio_set_mute(muted)

    def detach(self) -> None:
        """GUI thread: no more events from this attempt."""
        for kind, index in self.attached:
            vlc.libvlc_event_detach(self.event_manager, kind, self._on_event, index)
        self.attached = []

    def dispose(self) -> None:
        """Reaper thread: stop (joins libVLC's threads; may wait on a hung server), release."""
        if self.player is None:
            return
        self.player.stop()
        if self.media is not None:
            self.media.release()
        self.player.release()  # also ends a vout libVLC kept for reuse: no callback after this
        self.player = self.media = self.event_manager = self._on_event = None
        self.frames.unbind()


class _Engine:
    """The libVLC instance and every attempt still alive; shut down once, safely.

    ``shutdown`` runs from ``close()``, from garbage collection or at interpreter exit
    (weakref.finalize): every player is stopped, which joins libVLC's threads, before the
    callbacks they might call go away.
    """

    def __init__(self, args: Sequence[str]) -> None:
        # libVLC makes its picture pools afresh for every attempt: on glibc they must be
        # mapped blocks, returned when an attempt ends, or the heap keeps them (kiosk.platform
        # .heap).
        keep_large_blocks_mapped()
        silence_alsa()
        self.instance: Any = vlc.Instance(list(args))
        if self.instance is None:
            raise PlayerUnavailable("libVLC refused to start (libvlc_new failed)")
        self.log = VlcLog()
        self.log.attach(self.instance)
        self.current: _Attempt | None = None
        # The next source, started beside the current one until its pictures are steady.
        self.pending: _Attempt | None = None
        self.retiring: dict[int, threading.Thread] = {}
        self.reaped: collections.deque[int] = collections.deque()
        self.closed = False

    def retire(self, attempt: _Attempt) -> None:
        """Detach now; stop and release on a thread of its own."""
        attempt.detach()
        thread = threading.Thread(target=self._reap, args=(attempt,), daemon=True,
                                  name=f"vlc-reaper-{attempt.ident}")
        self.retiring[attempt.ident] = thread
        thread.start()

    def _reap(self, attempt: _Attempt) -> None:
        try:
            attempt.dispose()
        except Exception:
            log.exception("stopping libVLC failed")
        self.reaped.append(attempt.ident)

    def collect(self) -> None:
        """Forget reapers that have finished (GUI thread)."""
        while self.reaped:
            thread = self.retiring.pop(self.reaped.popleft(), None)
            if thread is not None:
                thread.join()

    def shutdown(self, wait: float = CLOSE_WAIT) -> None:
        """Stop everything; idempotent; safe at interpreter exit."""
        if self.closed:
            return
        self.closed = True
        for attempt in (self.current, self.pending):
            if attempt is not None:
                self.retire(attempt)
        self.current = self.pending = None
        deadline = time.monotonic() + wait
        for ident, thread in list(self.retiring.items()):
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                log.warning("libVLC attempt %d is still stopping (a hung server?)", ident)
        self.collect()
        # Players still stopping hold their own reference to the instance; the log callback
        # goes before it (a player still stopping logs into nothing).
        self.log.detach()
        self.instance.release()
        self.instance = None


# ------------------------------------------------------------------ the player


class VlcPlayer(PlayerBase):
    """Plays one source at a time through libVLC into buffers of ``render_size``.

    ``frame()`` is a QImage of the render size: the picture at its true aspect, centred,
    with black bars, wrapping the buffer the GUI holds (no copy). Hand it to
    ``Stage.set_frame`` on every ``frame_ready``. Give a render size equal to the stage's
    size in device pixels, so the stage paints it 1:1 without scaling.

    Health: STARTING until frames flow steadily, PLAYING, then on a stall (no new picture
    for ``stall_after`` s, whatever libVLC says), a libVLC error, or the end of a live source:
    RECONNECTING, retrying with a fresh Media after a backoff delay, ``source_expired``
    every ``fresh_retries`` failures, OFFLINE once the outage has lasted ``offline_after`` s
    (retrying goes on). A loop clip that ends simply restarts; a plain file that ends is
    OFFLINE. ``stop()`` and ``close()`` are OFFLINE too.

    A new source while one plays (a renewed address, another stream) is a hand-over: it
    starts on a second libVLC player, silent and unseen, while the current one goes on; at
    its first steady pictures it takes over (``switched``) and the old one is retired, so the
    hall sees no slide and no black between them. If it fails first, the current one plays
    on (``handover_failed``), and it is tried again after a backoff delay.

    No sound device (or one that went away): libVLC's log says so; the picture goes on
    without sound (a silent copy of the source takes over the same way), ``audio_changed``
    tells why once, and sound is tried again every ``AUDIO_RETRY`` seconds beside the silent
    picture, taking over once it opens without an error.
    """

    def __init__(
        self,
        render_size: QSize,
        *,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        stall_after: float = 3.0,
        start_timeout: float = 10.0,
        offline_after: float = 60.0,
        fresh_retries: int = 2,
        backoff: Backoff | None = None,
        tick_ms: int = TICK_MS,
        vlc_args: Sequence[str] = (),
        audio_retry: float = AUDIO_RETRY,
    ) -> None:
        super().__init__(parent)
        self._audio_retry_ms = int(audio_retry * 1000)
        self._clock = clock
        self._size = QSize(*render_box(render_size.width(), render_size.height()))
        self._hints = AspectHints()  # learnt aspects, kept across attempts
        self._events: collections.deque[tuple[int, str]] = collections.deque()
        self._engine = _Engine(instance_args(vlc_args))
        self._finalizer = weakref.finalize(self, _Engine.shutdown, self._engine)
        self._stall_after = stall_after
        self._start_timeout = start_timeout
        self._recovery = Recovery(backoff if backoff is not None else Backoff(cap=RETRY_CAP),
                                  fresh_retries=fresh_retries, offline_after=offline_after,
                                  expire_every=EXPIRE_EVERY)
        # A hand-over that failed is tried again after a delay of its own (the current
        # source plays on meanwhile, so it is no outage).
        self._handover_backoff = Backoff(base=2.0, cap=60.0)
        self._idents = 0
        self._aspect_restarts = 0
        self._reconnects = 0
        self._totals = [0, 0, 0, 0]  # displayed, lost, delivered, shown by finished attempts
        self._next_stats = 0.0
        self._waiting = False  # an attempt is due but too many are still stopping
        self._closed = False
        self._no_audio = False  # no audio output could be made: attempts play silent
        self._audio_seen = 0  # the log's failure count at the last check
        self._audio_next = 0.0
        self._audio_probe: _Attempt | None = None  # a pending attempt trying sound again
        self._audio_probe_base = 0
        # A source asked for while another played, started afresh instead of beside it (the
        # old one failed or restarted meanwhile): ``switched`` once its pictures are steady.
        self._announce: PlayableMedia | None = None

        self._tick = QTimer(self)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick_timeout)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._on_retry_timeout)
        self._handover_retry = QTimer(self)
        self._handover_retry.setSingleShot(True)
        self._handover_retry.timeout.connect(self._on_handover_retry_timeout)
        self._audio_retry = QTimer(self)
        self._audio_retry.setSingleShot(True)
        self._audio_retry.timeout.connect(self._on_audio_retry_timeout)

    # ------------------------------------------------------------------ public

    @property
    def render_size(self) -> QSize:
        return QSize(self._size)

    def frame(self) -> QImage | None:
        attempt = self._engine.current
        return attempt.frames.image() if attempt is not None else None

    def shown_media(self) -> PlayableMedia | None:
        attempt = self._engine.current
        return attempt.source if attempt is not None else None

    def switching(self) -> bool:
        return self._engine.pending is not None

    def play(self, media: PlayableMedia) -> None:
        """Play ``media``: beside the current source until it is steady (a hand-over), or a
        fresh attempt now, or at the pending retry during an outage.

        The source already being played (or tried) is left alone, but counts as newly
        resolved: it gets its own ``fresh_retries`` before ``source_expired`` again. To
        restart a source on purpose, ``stop()`` first.
        """
        if self._closed:
            return
        self._media = media
        self._recovery.begin()
        if self._no_audio and not self._audio_retry.isActive():
            self._audio_retry.start(self._audio_retry_ms)  # (stopped with the last source)
        current, pending = self._engine.current, self._engine.pending
        if pending is not None and pending.source == media:
            return  # already taking over
        if current is not None and current.source == media:
            if pending is not None:
                self._drop_pending("another source was asked for")
            self._handover_retry.stop()
            return
        self._aspect_restarts = 0
        self._handover_backoff.reset()
        if current is not None and self._health is Health.PLAYING:
            self._start_pending(media)
            return
        if self._retry.isActive() or self._waiting:
            return  # in an outage: the scheduled attempt picks the new source up
        self._start_attempt()

    def stop(self) -> None:
        """Stop playing and forget the source; health OFFLINE, ``frame()`` None."""
        if self._closed:
            return
        self._media = None
        self._announce = None
        for timer in (self._retry, self._handover_retry, self._audio_retry):
            timer.stop()
        self._waiting = False
        self._drop_pending("stopped")
        self._end_attempt()
        self._recovery.succeeded()
        self._set_health(Health.OFFLINE)
        if not self._engine.retiring:
            self._tick.stop()

    def close(self) -> None:
        """Stop libVLC and release it. Idempotent; emits nothing; frames stay paintable.

        Waits up to a few seconds for libVLC to stop; safe to call at interpreter exit,
        and run by itself then if nobody did.
        """
        if self._closed:
            return
        self._closed = True
        self._media = None
        for timer in (self._tick, self._retry, self._handover_retry, self._audio_retry):
            # RuntimeError: the C++ timer is already gone (application teardown).
            with contextlib.suppress(RuntimeError):
                timer.stop()
        self._finalizer()
        self._events.clear()
        self._health = Health.OFFLINE

    def set_volume(self, volume: int) -> None:
        super().set_volume(volume)
        self._apply_audio()

    def set_muted(self, muted: bool) -> None:
        super().set_muted(muted)
        self._apply_audio()

    def stats(self) -> PlayerStats:
        attempt = None if self._closed else self._engine.current
        kbps, displayed, lost = attempt.stats() if attempt is not None else (0.0, 0, 0)
        frames = attempt.frames if attempt is not None else None
        shown = attempt.source if attempt is not None else self._media
        return PlayerStats(
            health=self._health.value,
            state=attempt.state() if attempt is not None else "none",
            host=shown.host if shown is not None else "",
            input_kbps=round(kbps, 1),
            frames_displayed=self._totals[0] + displayed,
            frames_lost=self._totals[1] + lost,
            frames_delivered=self._totals[2] + (frames.delivered if frames else 0),
            frames_shown=self._totals[3] + (frames.shown if frames else 0),
            reconnects=self._reconnects,
        )

    # ------------------------------------------------------------------ attempts

    def _new_attempt(self, media: PlayableMedia, now: float, *,
                     sound: bool | None = None) -> _Attempt | None:
        """A fresh libVLC player on ``media`` (not playing yet; silent while there is no
        sound device, unless ``sound`` says), or None when too many old ones are still
        stopping. Raises what libVLC raises."""
        if not self._tick.isActive():
            self._tick.start()
        self._engine.collect()
        if len(self._engine.retiring) >= MAX_RETIRING:
            return None
        self._idents += 1
        frames = FrameBuffers(self._size.width(), self._size.height(), self._hints)
        # libVLC updates its picture count about every 250 ms, but pauses up to a second
        # where an input loops: a gap that long must not break a steady run.
        watchdog = Watchdog(stall_after=self._stall_after, start_timeout=self._start_timeout,
                            max_gap=1.5)
        attempt = _Attempt(self._idents, self._engine.instance, media, frames, self._events,
                           watchdog, sound=not self._no_audio if sound is None else sound)
        attempt.started = now
        watchdog.reset(now, 0)  # a fresh media counts its pictures from 0
        return attempt

    def _start_attempt(self) -> None:
        media = self._media
        if media is None or self._closed:
            return
        now = self._clock()
        pending, current = self._engine.pending, self._engine.current
        if pending is not None and pending.source == media and (
                current is None or current.source != media):
            self._announce = media
        self._drop_pending("the current source starts again")
        self._end_attempt()
        try:
            attempt = self._new_attempt(media, now)
        except Exception as exc:  # libVLC or memory trouble: treat it as a failed attempt
            log.exception("could not start libVLC on %s", media.host)
            self._schedule_retry(now, f"libVLC could not start: {exc}", now)
            return
        if attempt is None:
            self._waiting = True  # the tick starts it once a reaper is done
            return
        self._waiting = False
        self._engine.current = attempt
        self._set_health(self._recovery.health(now) or Health.STARTING)
        if not attempt.play():
            self._fail(now, "libVLC refused the media")

    def _start_pending(self, media: PlayableMedia, *, sound: bool | None = None,
                       audio_probe: bool = False) -> None:
        """Start ``media`` beside the current attempt, unheard, to take over once steady.
        (A try of sound that cannot start is no failed hand-over: its caller tries later.)"""
        now = self._clock()
        self._drop_pending("another source was asked for")
        self._handover_retry.stop()
        failed = (lambda reason: None) if audio_probe else self._handover_failed
        try:
            attempt = self._new_attempt(media, now, sound=sound)
        except Exception as exc:
            log.exception("could not start libVLC on %s", media.host)
            failed(f"libVLC could not start: {exc}")
            return
        if attempt is None:
            failed("the previous players are still stopping")
            return
        self._engine.pending = attempt
        attempt.apply_audio(0, True)
        log.info("starting %s beside the current stream", media.host)
        if not attempt.play():
            self._drop_pending("libVLC refused the media")
            failed("libVLC refused the media")

    def _take_over(self, now: float) -> None:
        """The pending attempt's pictures are steady: it becomes the current one."""
        pending = self._engine.pending
        if pending is None:
            return
        self._engine.pending = None
        old = self._engine.current
        if old is not None:
            self._retire(old, announce=False)
        self._engine.current = pending
        if pending is self._audio_probe:
            self._audio_probe = None
            self._no_audio = False
            log.info("an audio output opens again: sound is back")
            self.audio_changed.emit("")
        self._handover_backoff.reset()
        self._handover_retry.stop()
        self._recovery.succeeded()
        self._apply_audio()
        pending.frames.take()
        self.frame_ready.emit()  # its picture replaces the old one's in the same paint
        log.info("%s took over", pending.source.host)
        self._set_health(Health.PLAYING)
        self.switched.emit(pending.source)

    def _drop_pending(self, reason: str) -> None:
        pending = self._engine.pending
        if pending is None:
            return
        self._engine.pending = None
        log.info("%s dropped before it took over: %s", pending.source.host, reason)
        self._retire(pending, announce=False)
        if pending is self._audio_probe:
            self._audio_probe = None
            if self._no_audio:
                self._audio_retry.start(self._audio_retry_ms)

    def _handover_failed(self, reason: str) -> None:
        """The next source did not come: the current one plays on; try again later."""
        delay = self._handover_backoff.next_delay()
        log.info("the next source failed (%s); the current one plays on; again in %.1f s",
                 reason, delay)
        if self._media is not None:
            self._handover_retry.start(max(0, int(delay * 1000)))
        self.handover_failed.emit(reason)

    def _end_attempt(self) -> None:
        """Retire the current attempt (stopped off the GUI thread); stop showing its frame."""
        attempt = self._engine.current
        if attempt is None:
            return
        self._engine.current = None
        self._retire(attempt, announce=True)

    def _retire(self, attempt: _Attempt, *, announce: bool) -> None:
        """Count its pictures, drop its frame and stop it (off the GUI thread); with
        ``announce``, say ``frame_ready`` when its frame was the one on screen."""
        kbps, displayed, lost = attempt.stats()
        del kbps
        for i, value in enumerate((displayed, lost, attempt.frames.delivered,
                                   attempt.frames.shown)):
            self._totals[i] += value
        shown = attempt.frames.image() is not None
        attempt.frames.drop()
        with contextlib.suppress(Exception):
            attempt.apply_audio(0, True)  # not heard while it stops
        self._engine.retire(attempt)
        if shown and announce:
            self.frame_ready.emit()

    def _fail(self, now: float, reason: str) -> None:
        attempt = self._engine.current
        if attempt is None:
            return
        since = attempt.watchdog.last_frame_at
        pending = self._engine.pending
        if pending is not None:
            # The next source is already on its way: it takes the current one's place.
            if pending.watchdog.update(now, pending.displayed(),
                                       pending.vlc_playing) is Health.PLAYING:
                log.info("stream failed (%s); %s, already steady, takes over", reason,
                         pending.source.host)
                self._take_over(now)  # as a hand-over: no outage, no gap
                return
            self._engine.pending = None
            self._engine.current = pending
            taken = pending.frames.take()  # its first pictures, if any, replace the old one
            self._retire(attempt, announce=not taken)
            if taken:
                self.frame_ready.emit()
            if pending is self._audio_probe:
                self._audio_probe = None  # it plays with sound; a failure says so again
                self._audio_retry.start(self._audio_retry_ms)
            self._recovery.failed(now, since if since is not None else attempt.started)
            self._reconnects += 1
            self._apply_audio()
            log.info("stream failed (%s); %s, already starting, takes over", reason,
                     pending.source.host)
            self._set_health(self._recovery.health(now) or Health.STARTING)
            self.switched.emit(pending.source)
            return
        self._end_attempt()
        self._schedule_retry(now, reason, since if since is not None else attempt.started)

    def _schedule_retry(self, now: float, reason: str, since: float) -> None:
        retry = self._recovery.failed(now, since)
        self._reconnects += 1
        self._set_health(self._recovery.health(now) or Health.RECONNECTING)
        log.info("stream failed (%s); attempt %d in %.1f s", reason, retry.failures + 1,
                 retry.delay)
        self._retry.start(max(0, int(retry.delay * 1000)))
        if retry.source_expired:
            self.source_expired.emit()

    def _on_end(self, now: float) -> None:
        media, attempt = self._media, self._engine.current
        if media is None or attempt is None:
            return
        if attempt.source.loop and now - attempt.started >= LOOP_MIN_RUN:
            self._start_attempt()  # the clip is over: again from the start
        elif attempt.source.live or attempt.source.loop:
            self._fail(now, "the stream ended")
        else:
            self._end_attempt()
            self._set_health(Health.OFFLINE)

    # ------------------------------------------------------------------ the tick

    def _on_tick_timeout(self) -> None:
        try:
            self._step(self._clock())
        except Exception:  # a slot must not throw into Qt; the next tick tries again
            log.exception("player tick failed")

    def _on_retry_timeout(self) -> None:
        self._start_attempt()

    def _on_handover_retry_timeout(self) -> None:
        media, current = self._media, self._engine.current
        if media is None or self._closed:
            return
        if current is not None and current.source != media and self._health is Health.PLAYING:
            self._start_pending(media)

    def _step(self, now: float) -> None:
        self._engine.collect()
        if self._waiting and len(self._engine.retiring) < MAX_RETIRING:
            self._start_attempt()
        self._drain_events(now)
        self._check_audio(now)
        pending = self._engine.pending
        if pending is not None:
            self._watch_pending(now, pending)
        attempt = self._engine.current
        if attempt is not None:
            if attempt.frames.take():
                self.frame_ready.emit()
            self._watch(now, attempt)
            if self._engine.current is attempt:
                self._check_aspect(now, attempt)
        elif self._recovery.in_outage:
            self._set_health(self._recovery.health(now) or Health.RECONNECTING)
        elif not (self._waiting or self._retry.isActive() or self._engine.retiring
                  or self._engine.pending or self._handover_retry.isActive()
                  or self._audio_retry.isActive()):
            self._tick.stop()  # nothing playing, nothing due, nothing left to stop
        if now >= self._next_stats and self._media is not None:
            self._next_stats = now + STATS_EVERY
            self.stats_changed.emit(self.stats())

    def _drain_events(self, now: float) -> None:
        while self._events:
            ident, name = self._events.popleft()
            pending = self._engine.pending
            if pending is not None and ident == pending.ident:
                self._on_pending_event(now, pending, name)
                continue
            attempt = self._engine.current
            if attempt is None or ident != attempt.ident:
                continue  # from an attempt already retired
            if name == "playing":
                attempt.vlc_playing = True
                self._apply_audio()
            elif name == "vout":
                attempt.aspect_since = now
            elif name == "error":
                self._fail(now, "libVLC reported an error")
            elif name == "end":
                self._on_end(now)
            elif name == "stopped":
                self._fail(now, "libVLC stopped")

    def _on_pending_event(self, now: float, pending: _Attempt, name: str) -> None:
        if name == "playing":
            pending.vlc_playing = True
            pending.apply_audio(0, True)  # unheard until it takes over
        elif name == "vout":
            pending.aspect_since = now
        elif name in ("error", "end", "stopped") and pending is self._audio_probe:
            self._drop_pending(f"libVLC: {name}")
        elif name in ("error", "end", "stopped"):
            self._drop_pending(f"libVLC: {name}")
            self._handover_failed({"error": "libVLC reported an error",
                                   "end": "the stream ended",
                                   "stopped": "libVLC stopped"}[name])

    def _watch_pending(self, now: float, pending: _Attempt) -> None:
        health = pending.watchdog.update(now, pending.displayed(), pending.vlc_playing)
        if pending is self._audio_probe:
            if self._engine.log.audio_failures() > self._audio_probe_base:
                self._drop_pending("still no audio output")
            elif health is Health.STALLED:
                self._drop_pending("no steady pictures")
            elif health is Health.PLAYING and now - pending.started >= AUDIO_PROBE_FOR:
                self._take_over(now)
            return
        if health is Health.PLAYING:
            self._take_over(now)
        elif health is Health.STALLED:
            self._drop_pending("no steady pictures")
            self._handover_failed(f"no steady pictures within {self._start_timeout:g} s")

    def _check_audio(self, now: float) -> None:
        """About once a second: has libVLC failed to open an audio output again and again?
        Then play on silent (a silent copy of the source takes over) and say so once."""
        if now < self._audio_next:
            return
        self._audio_next = now + AUDIO_CHECK_EVERY
        count = self._engine.log.audio_failures()
        new, self._audio_seen = count - self._audio_seen, count
        current, pending = self._engine.current, self._engine.pending
        if new < AUDIO_FAILS or current is None or not current.sound:
            return  # (a try of sound beside a silent picture is judged in _watch_pending)
        if pending is not None and not pending.sound:
            return  # a silent copy is on its way
        if not self._no_audio:
            self._no_audio = True
            log.warning("no audio output could be opened (%d tries in %.0f s): the picture "
                        "plays on without sound", new, AUDIO_CHECK_EVERY)
            self.audio_changed.emit(NO_SOUND)
            self._audio_retry.start(self._audio_retry_ms)
        if self._health is Health.PLAYING:
            # Silent, and seamless; of the source wanted now (a renewal or a try of the main
            # stream on its way is not lost: it comes silent instead).
            self._start_pending(self._media or current.source)
        else:
            self._start_attempt()  # not on the TV yet: start again, silent

    def _on_audio_retry_timeout(self) -> None:
        current = self._engine.current
        if not self._no_audio or self._closed:
            return
        if current is None or self._health is not Health.PLAYING or self._engine.pending:
            self._audio_retry.start(self._audio_retry_ms)
            return
        self._audio_probe_base = self._engine.log.audio_failures()
        self._start_pending(current.source, sound=True, audio_probe=True)
        self._audio_probe = self._engine.pending
        if self._audio_probe is None:  # could not even start: the next try in a minute
            self._audio_retry.start(self._audio_retry_ms)

    def _watch(self, now: float, attempt: _Attempt) -> None:
        health = attempt.watchdog.update(now, attempt.displayed(), attempt.vlc_playing)
        if health is Health.STALLED:
            self._fail(now, f"no new picture for {self._stall_after:g} s")
        elif health is Health.PLAYING:
            if self._health is not Health.PLAYING:
                self._recovery.succeeded()
                self._apply_audio()
                self._set_health(Health.PLAYING)
            if self._announce is not None:
                announce, self._announce = self._announce, None
                if announce == attempt.source:
                    self.switched.emit(announce)
        else:
            self._set_health(self._recovery.health(now) or Health.STARTING)

    def _check_aspect(self, now: float, attempt: _Attempt) -> None:
        """After a Vout event: if the picture's true shape differs from the guess, restart.

        libVLC 3 tells the format callback only the padded size; the buffers guess the
        visible one. libVLC knows the truth a moment later, on this thread. A restart while
        the picture plays is a hand-over to a fresh attempt of the same source: no black.
        """
        if attempt.aspect_since is None:
            return
        if now - attempt.aspect_since > ASPECT_CHECK_FOR:
            attempt.aspect_since = None
            return
        frames = attempt.frames
        coded = frames.coded_size
        size = attempt.picture_size()
        if coded is None or size is None:
            return
        width, height, sar = size
        if not (0 <= coded[0] - width <= 64 and 0 <= coded[1] - height <= 64):
            return  # libVLC's answer is about an older picture size; ask again next tick
        attempt.aspect_since = None
        aspect = width * sar / height
        truth = place(aspect, frames.width, frames.height)
        if truth.near(frames.placement, visible_slack(frames.width)):
            return  # the guess is as good as the truth, give or take the 8-pixel grid
        self._hints.set((width, height), aspect)
        if self._aspect_restarts < ASPECT_RESTARTS:
            self._aspect_restarts += 1
            log.info("picture is %dx%d (sar %.3f), not as guessed: restarting", width, height,
                     sar)
            if self._health is Health.PLAYING and self._engine.pending is None:
                self._start_pending(attempt.source)
            else:
                self._start_attempt()

    def _apply_audio(self) -> None:
        attempt = self._engine.current
        if attempt is not None and not self._closed:
            attempt.apply_audio(self._volume, self._muted)
