"""Follows the organisers' feeds in the background and says when what the hall sees changes.

Each feed is looked at on its own timer; the look itself (``kiosk.core.feedpoll.poll``: the
HTTP request, parsing, pictures, the cache) runs on a worker thread, and its outcome comes
back to the GUI thread as a queued signal. The GUI thread only folds documents together.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kiosk.core import feedpoll
from kiosk.core.config import Config
from kiosk.core.feedcache import FeedCache
from kiosk.core.feedpoll import DEFAULT_LIMITS, Outcome, Result
from kiosk.core.fetch import Limits, make_session, poll_delay
from kiosk.stage.images import check_image_bytes

# The first look, soon after start-up (the cached copies are already in force by then).
FIRST_LOOK_MS = 200
# The index ``looked`` carries for the config's own remote pictures.
CONFIG_IMAGES = -1


class FeedService(QObject):
    """The feeds of one config: their statuses, and the config as they update it."""

    # (index, outcome): a look at feed ``index`` ended; statuses are updated before it fires.
    looked = Signal(int, object)
    # The config as the feeds now make it (emitted only when it changed).
    config_changed = Signal(object)
    # A worker thread's outcome, delivered on the GUI thread (queued).
    _done = Signal(int, int, object)  # generation, index, outcome

    def __init__(self, base: Config, cache_dir: Path, *, limits: Limits = DEFAULT_LIMITS,
                 session_factory: Callable[[], requests.Session] | None = None,
                 rng: random.Random | None = None,
                 autostart: bool = True) -> None:
        """``session_factory()`` makes one requests.Session per feed (default: a caching
        session whose HTTP cache lives in ``cache_dir``)."""
        super().__init__()
        self.base = base
        self.limits = limits
        self.cache = FeedCache(cache_dir / "documents")
        self._http_dir = cache_dir / "http"
        self._make_session = session_factory or (lambda: make_session(self._http_dir))
        self._sessions: dict[int, requests.Session] = {}
        self._rng = rng or random.Random()
        self.statuses = [feedpoll.cached_status(s, base, self.cache) for s in base.feeds]
        self.config = feedpoll.effective(base, self.statuses, self.cache)
        self._busy: set[int] = set()
        self._sources = base.feeds
        self._generation = 0  # bumped when the feeds are rearranged (see rebase)
        self.image_warnings: tuple[str, ...] = ()  # the config's own pictures
        self._stopped = False
        self._timers: list[QTimer] = []
        self._make_timers()
        self._done.connect(self._on_worker_done, Qt.ConnectionType.QueuedConnection)
        if autostart:
            self.start()

    def start(self) -> None:
        """First looks soon after start-up; the config's own remote pictures too."""
        for timer in self._timers:
            timer.start(FIRST_LOOK_MS)
        self._images_for(self.base)

    def rebase(self, base: Config) -> None:
        """The host edited the config: fold the feeds over the new one. Feeds it still
        names keep their documents and timers; new ones are looked at soon."""
        old = {s.source.url: s for s in self.statuses}
        known = {s.url for s in self.base.feeds}
        self.base = base
        self.statuses = [
            dataclasses.replace(old[s.url], source=s) if s.url in old
            else feedpoll.cached_status(s, base, self.cache)
            for s in base.feeds
        ]
        if [s.url for s in base.feeds] != [s.url for s in self._sources]:
            for timer in self._timers:
                timer.stop()
                timer.deleteLater()
            self._timers = []
            self._busy.clear()  # a look under way reports for an index that moved: ignored
            self._generation += 1
            self._make_timers()
            if not self._stopped:
                for index, source in enumerate(base.feeds):
                    self._timers[index].start(
                        int(source.every.total_seconds() * 1000) if source.url in known
                        else FIRST_LOOK_MS)
        self._sources = base.feeds
        self._set_config(feedpoll.effective(base, self.statuses, self.cache))
        self._images_for(base)

    def look(self, index: int) -> None:
        """Look at feed ``index`` now (unless a look is already under way)."""
        if self._stopped or index in self._busy:
            return
        self._busy.add(index)
        self._timers[index].stop()
        source = self.base.feeds[index]
        if index not in self._sessions:
            self._sessions[index] = self._make_session()
        session = self._sessions[index]
        known = self.statuses[index]
        base, cache, limits = self.base, self.cache, self.limits

        def work() -> Outcome:
            return feedpoll.poll(source, base, session, cache, known, limits=limits,
                                 check_image=check_image_bytes)

        self._spawn(index, work)

    def stop(self) -> None:
        """No more looks; a look under way finishes on its thread and is ignored (its
        thread is a daemon: a hung server never holds up quitting)."""
        self._stopped = True
        for timer in self._timers:
            timer.stop()

    def problems(self, zone: Any) -> tuple[str, ...]:
        """Lines the host must see: feeds offline or rejected, pictures not used."""
        return (*feedpoll.problem_lines(self.statuses, zone), *self.image_warnings)

    def lines(self, zone: Any) -> tuple[str, ...]:
        return tuple(feedpoll.status_line(s, zone) for s in self.statuses)

    # ------------------------------------------------------------------ worker side

    def _make_timers(self) -> None:
        for index in range(len(self.base.feeds)):
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda i=index: self.look(i))
            self._timers.append(timer)

    def _spawn(self, index: int, work: Callable[[], Outcome]) -> None:
        """Run ``work`` on a thread of its own; its outcome comes back as ``_done``.

        One daemon thread per look (at most one per feed at a time, see ``look``): a look
        takes at most the fetch limits, and a thread stuck on a hung server must not keep
        the process alive once the kiosk quits, as a pool's worker would.
        """
        generation = self._generation

        def run() -> None:
            try:
                outcome = work()
            except Exception as error:  # a bug must not leave the feed "busy" for ever
                outcome = Outcome(Result.FAILED, datetime.now(UTC),
                                  reason=f"internal error: {error!r}")
            with contextlib.suppress(RuntimeError):  # the service is gone (quitting)
                self._done.emit(generation, index, outcome)

        threading.Thread(target=run, name=f"feed-{index}", daemon=True).start()

    # ------------------------------------------------------------------ GUI side

    def _on_worker_done(self, generation: int, index: int, outcome: Outcome) -> None:
        if generation != self._generation:
            return  # the feeds were rearranged since this look began
        self._busy.discard(index)
        if self._stopped:
            return
        if index == CONFIG_IMAGES:
            self.image_warnings = outcome.warnings
            self._set_config(feedpoll.effective(self.base, self.statuses, self.cache))
            self.looked.emit(index, outcome)
            return
        status = self.statuses[index].after(outcome)
        self.statuses[index] = status
        if outcome.result is Result.UPDATED:
            self._set_config(feedpoll.effective(self.base, self.statuses, self.cache))
        self.looked.emit(index, outcome)
        every = self.base.feeds[index].every.total_seconds()
        delay = poll_delay(every, status.failures, self._rng)
        self._timers[index].start(int(delay * 1000))

    def _set_config(self, config: Config) -> None:
        if config != self.config:
            self.config = config
            self.config_changed.emit(config)

    def _images_for(self, config: Config) -> None:
        """The config's own remote pictures (a feed's come with its document)."""
        urls = feedpoll.image_urls(config)
        if not urls or self._stopped:
            return
        session = self._make_session()

        def run() -> list[str]:
            return feedpoll.fetch_images(urls, session, self.cache, limits=self.limits,
                                         check_image=check_image_bytes)

        self._spawn(CONFIG_IMAGES, lambda: Outcome(Result.UNCHANGED, datetime.now(UTC),
                                                    warnings=tuple(run())))
