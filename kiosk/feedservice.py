"""Follows the organisers' feeds in the background and says when what the hall sees changes.

Each feed is looked at on its own timer; the look itself (``kiosk.core.feedpoll.poll``: the
HTTP request, parsing, the cache) runs on a worker thread, and its outcome comes back to the
GUI thread as a queued signal. Pictures are fetched after the document is in force, by one
picture job at a time: a slow picture server never holds up a new running order, and a
picture that failed is tried again after every look. The GUI thread only folds documents
together. A look that outlives its time limits (a server dripping its headers, say) is
given up by a watchdog, so no feed ever stops being followed.
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
from kiosk.core.i18n import Words
from kiosk.stage.images import check_image_bytes, shrink_image_bytes

# The first look, soon after start-up (the cached copies are already in force by then).
FIRST_LOOK_MS = 200
# The index ``looked`` carries for a picture job.
PICTURES = -1
# A look still running this long after its limits allow is given up.
WATCHDOG_MARGIN_S = 5.0


class FeedService(QObject):
    """The feeds of one config: their statuses, and the config as they update it."""

    # (index, outcome): a look at feed ``index`` ended (PICTURES: a picture job); the
    # statuses are updated before it fires.
    looked = Signal(int, object)
    # The config as the feeds now make it (emitted only when it changed).
    config_changed = Signal(object)
    # A worker thread's outcome, delivered on the GUI thread (queued): job id, outcome.
    _done = Signal(int, object)

    def __init__(self, base: Config, cache_dir: Path, *, limits: Limits = DEFAULT_LIMITS,
                 session_factory: Callable[[], requests.Session] | None = None,
                 rng: random.Random | None = None, autostart: bool = True,
                 watchdog_margin: float = WATCHDOG_MARGIN_S) -> None:
        """``session_factory()`` makes a requests.Session (default: a caching session whose
        HTTP cache lives in ``cache_dir``); each feed has its own, used by one look at a
        time."""
        super().__init__()
        self.base = base
        self.limits = limits
        self.watchdog_margin = watchdog_margin
        self.cache = FeedCache(cache_dir / "documents")
        self._http_dir = cache_dir / "http"
        self._make_session = session_factory or (lambda: make_session(self._http_dir))
        self._sessions: dict[str, requests.Session] = {}  # by feed address
        self._rng = rng or random.Random()
        self.statuses = [feedpoll.cached_status(s, base, self.cache) for s in base.feeds]
        self.config = feedpoll.effective(base, self.statuses, self.cache)
        self.picture_warnings: tuple[str, ...] = ()
        self._stopped = False
        self._jobs: dict[int, tuple[int, QTimer]] = {}  # job id → (feed index, watchdog)
        self._next_job = 0
        self._pictures_job: int | None = None
        self._pictures_again: set[str] = set()  # addresses to fetch again (a new document)
        self._timers: list[QTimer] = []
        self._make_timers()
        self._done.connect(self._on_worker_done, Qt.ConnectionType.QueuedConnection)
        if autostart:
            self.start()

    # ------------------------------------------------------------------ control

    def start(self) -> None:
        """First looks soon after start-up; pictures not cached yet too."""
        for timer in self._timers:
            timer.start(FIRST_LOOK_MS)
        self._fetch_pictures()

    def rebase(self, base: Config) -> None:
        """The host edited the config: fold the feeds over the new one. Feeds it still
        names keep their documents; new ones are looked at soon."""
        old = {s.source.url: s for s in self.statuses}
        known = {s.url for s in self.base.feeds}
        self.base = base
        # A version rejected against the old config may fit the new one: judge it again.
        self.statuses = [
            dataclasses.replace(old[s.url], source=s, rejected_digest="", rejected_reason="")
            if s.url in old else feedpoll.cached_status(s, base, self.cache)
            for s in base.feeds
        ]
        for timer in self._timers:
            timer.stop()
            timer.deleteLater()
        self._timers = []
        # Looks under way report for feeds that may have moved: they are ignored.
        for job in list(self._jobs):
            self._forget(job)
        self._make_timers()
        if not self._stopped:
            for index, source in enumerate(base.feeds):
                self._timers[index].start(int(source.every.total_seconds() * 1000)
                                          if source.url in known else FIRST_LOOK_MS)
        self._set_config(feedpoll.effective(base, self.statuses, self.cache))
        self._fetch_pictures()

    def look(self, index: int) -> None:
        """Look at feed ``index`` now (unless a look at it is already under way)."""
        if self._stopped or index in (i for i, _ in self._jobs.values()):
            return
        self._timers[index].stop()
        source = self.base.feeds[index]
        session = self._session(source.url)
        known, base, cache, limits = self.statuses[index], self.base, self.cache, self.limits
        self._spawn(index, lambda: feedpoll.poll(source, base, session, cache, known,
                                                 limits=limits))

    def stop(self) -> None:
        """No more looks; a look under way finishes on its thread and is ignored (its
        thread is a daemon: a hung server never holds up quitting)."""
        self._stopped = True
        for timer in self._timers:
            timer.stop()
        for job in list(self._jobs):
            self._forget(job)

    def problems(self, zone: Any) -> tuple[str, ...]:
        """Lines the host must see: feeds offline or rejected, pictures not used."""
        return (*feedpoll.problem_lines(self.statuses, zone),
                *self.picture_warnings)

    def lines(self, zone: Any) -> tuple[str, ...]:
        return tuple(feedpoll.status_line(s, zone) for s in self.statuses)

    # ------------------------------------------------------------------ worker side

    def _make_timers(self) -> None:
        for index in range(len(self.base.feeds)):
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda i=index: self.look(i))
            self._timers.append(timer)

    def _session(self, key: str) -> requests.Session:
        if key not in self._sessions:
            self._sessions[key] = self._make_session()
        return self._sessions[key]

    def _spawn(self, index: int, work: Callable[[], Outcome], *, limit: float | None = None
               ) -> int:
        """Run ``work`` on a thread of its own; its outcome comes back as ``_done``.

        One daemon thread per job: a thread stuck on a hung server must not keep the
        process alive once the kiosk quits, as a pool's worker would. A watchdog gives the
        job up after ``limit`` seconds (default: what the fetch limits allow, and a margin).
        """
        job = self._next_job
        self._next_job += 1
        watchdog = QTimer(self)
        watchdog.setSingleShot(True)
        watchdog.timeout.connect(lambda: self._on_watchdog_timeout(job))
        seconds = limit if limit is not None else self._request_time() + self.watchdog_margin
        watchdog.start(int(seconds * 1000))
        self._jobs[job] = (index, watchdog)

        def run() -> None:
            try:
                outcome = work()
            except Exception as error:  # a bug must not leave the feed "busy" for ever
                outcome = Outcome(Result.FAILED, datetime.now(UTC),
                                  reason=f"internal error: {error!r}")
            with contextlib.suppress(RuntimeError):  # the service is gone (quitting)
                self._done.emit(job, outcome)

        threading.Thread(target=run, name=f"feed-{index}", daemon=True).start()
        return job

    def _forget(self, job: int) -> tuple[int, QTimer] | None:
        entry = self._jobs.pop(job, None)
        if entry is not None:
            entry[1].stop()
            entry[1].deleteLater()
        if job == self._pictures_job:
            self._pictures_job = None
        return entry

    # ------------------------------------------------------------------ GUI side

    def _on_watchdog_timeout(self, job: int) -> None:
        entry = self._jobs.get(job)
        if entry is None:
            return
        index, watchdog = entry
        seconds = round(watchdog.interval() / 1000, 1)
        # The stuck thread keeps its session; the next job gets a fresh one.
        self._sessions.pop(self.base.feeds[index].url if index >= 0 else "pictures", None)
        self._on_worker_done(job, Outcome(Result.FAILED, datetime.now(UTC),
                                          reason=Words("no complete answer within {seconds} s",
                                                       seconds=format(seconds, "g"))))

    def _on_worker_done(self, job: int, outcome: Outcome) -> None:
        entry = self._forget(job)
        if entry is None or self._stopped:
            return  # given up by the watchdog, or from before a rebase, or quitting
        index = entry[0]
        if index == PICTURES:
            self.picture_warnings = outcome.warnings or (
                (Words("the pictures: {reason}", reason=outcome.reason),) if outcome.reason else ())
            self._set_config(feedpoll.effective(self.base, self.statuses, self.cache))
            self.looked.emit(index, outcome)
            return
        try:
            status = self.statuses[index].after(outcome)
            self.statuses[index] = status
            if outcome.result is Result.UPDATED:
                document = outcome.document
                if document is not None:
                    # A new version may put a new picture at an old address: ask again.
                    self._pictures_again.update(feedpoll.image_urls(document))
                self._set_config(feedpoll.effective(self.base, self.statuses, self.cache))
            self.looked.emit(index, outcome)
        finally:
            # Whatever went wrong above, the feed stays followed.
            every = self.base.feeds[index].every.total_seconds()
            delay = poll_delay(every, self.statuses[index].failures, self._rng)
            self._timers[index].start(int(delay * 1000))
            self._fetch_pictures()

    def _set_config(self, config: Config) -> None:
        if config != self.config:
            self.config = config
            self.config_changed.emit(config)

    def _fetch_pictures(self) -> None:
        """Fetch the pictures the config in force lacks (and those a new version named),
        one job at a time."""
        if self._stopped or self._pictures_job is not None:
            return
        wanted = set(feedpoll.image_urls(self.config))
        urls = tuple(u for u in feedpoll.image_urls(self.config)
                     if not self.cache.has_image(u) or u in self._pictures_again)
        self._pictures_again &= wanted
        if not urls:
            return
        self._pictures_again -= set(urls)
        session, cache, limits = self._session("pictures"), self.cache, self.limits

        def work() -> Outcome:
            warnings = feedpoll.fetch_images(urls, session, cache, limits=limits,
                                             check_image=check_image_bytes,
                                             shrink=shrink_image_bytes)
            return Outcome(Result.UNCHANGED, datetime.now(UTC), warnings=tuple(warnings))

        self._pictures_job = self._spawn(
            PICTURES, work, limit=self._request_time() * len(urls) + self.watchdog_margin)

    def _request_time(self) -> float:
        """The longest one request may take under the fetch limits (a read may start just
        before the total timeout and run its whole read timeout)."""
        return self.limits.total_timeout + self.limits.read_timeout
