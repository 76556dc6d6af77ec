"""The setup form's background look at a stream address (verdict and preview) and a feed address."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import requests
from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage

from kiosk.core import feedpoll
from kiosk.core.config import Config, FeedSource, local_zone
from kiosk.core.director import Health
from kiosk.core.errors import ConfigInvalid
from kiosk.core.feeds import FeedDocument, merge
from kiosk.core.fetch import FetchError, Limits, fetch, format_size, make_session
from kiosk.core.i18n import SOURCE, At, Language, Words, language
from kiosk.core.media import PlayableMedia
from kiosk.core.resolve import Resolution, SourceKind, Status, classify, normalise
from kiosk.player import make_player
from kiosk.resolver.resolver import Resolver

__all__ = [
    "FeedProbe",
    "FeedVerdict",
    "StreamKind",
    "StreamProbe",
    "StreamVerdict",
    "feed_verdict",
    "stream_verdict",
]

PREVIEW_WIDTH, PREVIEW_HEIGHT = 320, 180
PREVIEW_TIMEOUT = 15.0  # seconds from the start of a preview to giving up on a picture
# A probe answers a host who is waiting at the form: fewer, shorter tries than the kiosk's.
RESOLVE_TIMEOUT = 30.0
RESOLVE_ATTEMPTS = 2
# The preview player makes no sound in the hall and draws no subtitles.
PREVIEW_VLC_ARGS = ("--no-audio", "--no-spu")
# A steady picture that is all black (a fade-in, a slate not drawn yet) is passed over for
# this long in the hope of a better one; after that it is what the stream shows.
BLACK_GRACE = 3.0
BLACK_LEVEL = 24  # no channel of any sampled pixel above this: black
BLACK_GRID = 12  # pixels sampled per row and per column
# A plain web address is also fetched once, only to say why libVLC could not open it (libVLC
# itself gives no reason) and to tell a web page from a stream at once. A body larger than
# this is a video or a live transport stream, not something to read.
CHECK_BYTES = 256_000
CHECK_LIMITS = Limits(connect_timeout=5.0, read_timeout=10.0, total_timeout=10.0)
_WEB_PAGE_TYPES = ("text/html", "application/xhtml+xml")
# A feed look still running this long after its fetch limits allow is given up.
FEED_WATCHDOG_MARGIN = 5.0
# How many of a rejected feed's problems the one line names.
PROBLEMS_SHOWN = 2


# --------------------------------------------------------------------------- words


@dataclass(frozen=True)
class _Count:
    """A number and its noun, said in each language's plural form."""

    singular: str
    plural: str
    n: int

    @classmethod
    def ngettext(cls, singular: str, plural: str, n: int) -> _Count:
        # Named ngettext so that the catalogue extraction (-k ngettext:1,2) finds the texts.
        return cls(singular, plural, n)

    def in_language(self, lang: Language) -> str:
        return lang.ngettext(self.singular, self.plural, self.n).format(n=self.n)

    def __str__(self) -> str:
        return self.in_language(language(SOURCE))


@dataclass(frozen=True)
class _City:
    """A time zone by its city (``Moscow``), said in each language."""

    zone: tzinfo

    def in_language(self, lang: Language) -> str:
        return lang.city(self.zone)

    def __str__(self) -> str:
        return self.in_language(language(SOURCE))


def _listed(parts: list[str]) -> str:
    """``a, b and c``, each joint a text of its own for the translators."""
    if len(parts) == 1:
        return parts[0]
    joined = parts[0]
    for part in parts[1:-1]:
        joined = Words("{first}, {then}", first=joined, then=part)
    return Words("{first} and {last}", first=joined, last=parts[-1])


# --------------------------------------------------------------------------- stream verdicts


class StreamKind(Enum):
    LIVE = "live"  # YouTube, live now
    UPCOMING = "upcoming"  # YouTube, scheduled (or a channel with nothing live yet)
    RECORDING = "recording"  # YouTube, a live stream that has ended
    PRIVATE_OR_UNAVAILABLE = "private_or_unavailable"  # YouTube says it cannot be watched
    NOT_A_STREAM = "not_a_stream"  # no address, a web page, a folder, no such file …
    UNREACHABLE = "unreachable"  # the server refused, failed, or did not answer
    FILE = "file"  # a video file on this computer
    PLAYS = "plays"  # a plain address (HLS, HTTP, rtmp …) libVLC plays; or a YouTube video


@dataclass(frozen=True)
class StreamVerdict:
    """What a stream address is, for the host at the setup form.

    ``words``: one line (``Words``: English as a str, said in the host's language where
    shown). ``playable_url``: what libVLC opens for it (None: nothing to play now).
    ``starts_at``: an upcoming stream's announced start (aware, UTC).
    """

    address: str  # as probed (trimmed; a scheme-less YouTube address gets https://)
    kind: StreamKind
    words: str
    title: str = ""
    starts_at: datetime | None = None
    playable_url: str | None = None


def stream_verdict(address: str, resolution: Resolution, zone: tzinfo,
                   today: datetime | None = None) -> StreamVerdict:
    """The verdict for a resolver's answer about a YouTube ``address`` (times in ``zone``)."""
    title, url = resolution.title, resolution.url
    status = resolution.status
    if status is Status.LIVE and url:
        words = Words("Live now: {title}", title=title) if title else Words("Live now")
        return StreamVerdict(address, StreamKind.LIVE, words, title, playable_url=url)
    if status is Status.UPCOMING:
        release = resolution.release_at
        starts_at = datetime.fromtimestamp(release, UTC) if release is not None else None
        if starts_at is None:
            words = Words("Upcoming: the start time is not announced yet")
        else:
            words = Words("Upcoming: starts at {time} ({city} time)",
                          time=At(starts_at, zone, today), city=_City(zone))
        return StreamVerdict(address, StreamKind.UPCOMING, words, title, starts_at=starts_at)
    if status is Status.POST_LIVE:
        words = (Words("A recording, not a live stream: the kiosk plays it only if 'play the "
                       "recording' is on") if url
                 else Words("A live stream that has ended; its recording is not playable yet"))
        return StreamVerdict(address, StreamKind.RECORDING, words, title, playable_url=url)
    if status is Status.NOT_LIVE and url:
        # The kiosk plays an ordinary video as it is (no setting needed), from the start.
        words = (Words("A video, not a live stream: the kiosk plays it from the start: "
                       "{title}", title=title) if title
                 else Words("A video, not a live stream: the kiosk plays it from the start"))
        return StreamVerdict(address, StreamKind.PLAYS, words, title, playable_url=url)
    if status is Status.NOT_LIVE:
        # A channel's /live address with nothing on: a good address to give, and the kiosk
        # waits on it as on a scheduled stream.
        return StreamVerdict(address, StreamKind.UPCOMING,
                             Words("Nothing is live here yet: the kiosk keeps looking and "
                                   "plays the stream once it starts"), title)
    reason = resolution.reason or Words("no reason given")
    return StreamVerdict(address, StreamKind.PRIVATE_OR_UNAVAILABLE,
                         Words("Private or unavailable: {reason}", reason=reason), title)


def _local_path(text: str) -> Path:
    if text.lower().startswith("file:"):
        parts = urlsplit(text)
        return Path(url2pathname(parts.path))
    return Path(text).expanduser()


def _looks_like_web_address(text: str) -> bool:
    """``www.example.org`` or ``example.org/live.m3u8``, not ``clip.mp4``."""
    if text.startswith((".", "/", "\\", "~")):
        return False
    first = text.split("/", 1)[0]
    return text.lower().startswith("www.") or ("/" in text and "." in first
                                               and ":" not in first)


@dataclass(frozen=True)
class _Checked:
    """A plain web address fetched once: did it answer, and with what."""

    ok: bool
    reason: str = ""
    content_type: str = ""
    web_page: bool = False


def _check(url: str) -> _Checked:
    """Worker thread: one bounded GET with the kiosk's own fetch."""
    session = make_session(None)
    too_large = Words("larger than {size}", size=format_size(CHECK_BYTES))
    try:
        fetched = fetch(session, url, limits=CHECK_LIMITS, max_bytes=CHECK_BYTES)
    except FetchError as exc:
        if exc.reason == too_large:
            return _Checked(ok=True)  # a body this big is media, not a page or an error
        return _Checked(ok=False, reason=exc.reason)
    finally:
        session.close()
    start = fetched.body.lstrip()[:15].lower()
    page = (fetched.content_type in _WEB_PAGE_TYPES
            or start.startswith((b"<!doctype html", b"<html")))
    return _Checked(ok=True, content_type=fetched.content_type, web_page=page)


def _looks_black(image: QImage) -> bool:
    width, height = image.width(), image.height()
    for row in range(BLACK_GRID):
        y = (2 * row + 1) * height // (2 * BLACK_GRID)
        for column in range(BLACK_GRID):
            pixel = image.pixel((2 * column + 1) * width // (2 * BLACK_GRID), y)
            if max((pixel >> 16) & 0xFF, (pixel >> 8) & 0xFF, pixel & 0xFF) > BLACK_LEVEL:
                return False
    return True


class _Run:
    """One probe's state; a newer probe replaces it, and what arrives for an old one is
    dropped."""

    def __init__(self, generation: int, address: str, zone: tzinfo) -> None:
        self.generation = generation
        self.address = address
        self.zone = zone
        self.verdict_sent = False
        self.youtube = False
        self.direct = False  # a plain address: libVLC's answer is the verdict
        self.checking = False
        self.check: _Checked | None = None
        self.previewing = False
        self.steady_at: float | None = None
        self.vlc_failed = False
        self.vlc_reason = ""


class StreamProbe(QObject):
    """Says what a stream address is, as the kiosk would play it, and shows a frame of it.

    ``probe(address)`` cancels any earlier probe; only the latest one's signals are emitted,
    all on the GUI thread:

    - ``probed(StreamVerdict)``: once per probe. Empty text: NOT_A_STREAM, "No address: the
      kiosk plays its demo clip instead" (the kiosk's own rule), at once. A file: FILE at
      once when it exists. YouTube: from the kiosk's resolver (its worker process). A plain
      address (HLS, HTTP, rtmp …) is handed to libVLC as the kiosk would: PLAYS once libVLC
      shows pictures steadily, else UNREACHABLE or NOT_A_STREAM with the reason a one-off
      fetch of it gave. Without libVLC a plain address that answers is PLAYS, "not tried".
    - ``previewed(QImage)``: after a verdict with a ``playable_url``, the first steady,
      not-black frame (``preview_size``, RGB32), played on a player of the probe's own with
      no sound; the player is then stopped and released off the GUI thread.
    - ``preview_failed(str)``: libVLC could not play the playable address, or no picture
      came within ``preview_timeout`` seconds. Neither preview signal comes without libVLC
      (``make_player`` gives a NullPlayer: WATCHPARTY_KIOSK_NO_VLC=1 or no VLC installed).
    """

    probed = Signal(object)  # StreamVerdict
    previewed = Signal(QImage)
    preview_failed = Signal(str)  # host-readable reason (Words)
    # A plain address's fetch, from its worker thread (queued): generation, _Checked.
    _checked = Signal(int, object)

    def __init__(self, parent: QObject | None = None, *, zone: tzinfo | None = None,
                 resolver: Resolver | None = None,
                 preview_size: QSize | None = None, preview_timeout: float = PREVIEW_TIMEOUT,
                 now: Callable[[], datetime] | None = None) -> None:
        """``zone``: the venue's, for an upcoming stream's start (default: this computer's).
        ``resolver``: the kiosk's Resolver to use (default: one of the probe's own, with a
        shorter timeout and fewer attempts)."""
        super().__init__(parent)
        self.zone = zone or local_zone()
        self.preview_size = QSize(preview_size or QSize(PREVIEW_WIDTH, PREVIEW_HEIGHT))
        self.preview_timeout = preview_timeout
        self._now = now or (lambda: datetime.now(UTC))
        self._resolver = resolver or Resolver(self, timeout=RESOLVE_TIMEOUT,
                                              attempts=RESOLVE_ATTEMPTS)
        self._resolver.resolved.connect(self._on_resolver_resolved)
        self._resolver.failed.connect(self._on_resolver_failed)
        self._player: Any = None  # made at the first preview: VlcPlayer or NullPlayer
        self._generation = 0
        self._run: _Run | None = None
        self._closed = False
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._on_deadline_timeout)
        self._checked.connect(self._on_checked, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ public

    @property
    def busy(self) -> bool:
        """A verdict or a preview is still to come."""
        run = self._run
        return run is not None and (not run.verdict_sent or run.previewing)

    def probe(self, address: str, *, zone: tzinfo | None = None) -> None:
        """Look at ``address`` (``zone``: the venue's for this probe, else the probe's)."""
        if self._closed:
            return
        self.cancel()
        self._generation += 1
        text = normalise(address)
        run = self._run = _Run(self._generation, text, zone or self.zone)
        if not text:
            self._say(run, StreamKind.NOT_A_STREAM,
                      Words("No address: the kiosk plays its demo clip instead"))
            return
        kind = classify(text)
        if kind is SourceKind.YOUTUBE:
            run.youtube = True
            self._resolver.resolve(text)
        elif kind is SourceKind.FILE:
            self._probe_file(run, text)
        else:
            self._probe_direct(run, text, kind)

    def cancel(self) -> None:
        """Stop the probe under way; nothing more is emitted for it."""
        run, self._run = self._run, None
        if run is not None and run.youtube:
            self._resolver.cancel()
        if run is not None:
            self._end_preview(run)

    def close(self) -> None:
        """Cancel, and release libVLC. Returns at once unless a stream server hung a stop
        (then libVLC's own close waits a few seconds at most)."""
        if self._closed:
            return
        self.cancel()
        self._closed = True
        self._resolver.cancel()
        if self._player is not None:
            self._player.close()

    # ------------------------------------------------------------------ kinds of address

    def _probe_file(self, run: _Run, text: str) -> None:
        path = _local_path(text)
        if path.is_file():
            self._say(run, StreamKind.FILE,
                      Words("A video file on this computer: {name}", name=path.name),
                      title=path.name, playable_url=str(path))
            # Looped: a clip shorter than the watchdog's steady second still gives a frame.
            self._start_preview(run, PlayableMedia(url=str(path), loop=True, title=path.name))
        elif path.is_dir():
            self._say(run, StreamKind.NOT_A_STREAM,
                      Words("Not a stream: {path} is a folder, not a video file",
                            path=str(path)))
        elif _looks_like_web_address(text):
            self._say(run, StreamKind.NOT_A_STREAM,
                      Words("Not a stream: no video file at {path}; a web address starts "
                            "with https://", path=str(path)))
        else:
            self._say(run, StreamKind.NOT_A_STREAM,
                      Words("Not a stream: no video file at {path}", path=str(path)))

    def _probe_direct(self, run: _Run, text: str, kind: SourceKind) -> None:
        run.direct = True
        if kind is SourceKind.HTTP:
            run.checking = True
            generation = run.generation

            def work() -> None:
                try:
                    checked = _check(text)
                except Exception as error:  # a bug must not leave the probe waiting
                    checked = _Checked(ok=False, reason=f"internal error: {error!r}")
                with contextlib.suppress(RuntimeError):  # the probe is gone (quitting)
                    self._checked.emit(generation, checked)

            threading.Thread(target=work, name="stream-probe-check", daemon=True).start()
        # The kiosk gives a plain address to libVLC as it is, live.
        if not self._start_preview(run, PlayableMedia(url=text, live=True)):
            self._decide_direct(run)

    def _decide_direct(self, run: _Run) -> None:
        """A plain address's verdict, once the fetch or libVLC (or both) have answered."""
        if run.verdict_sent or run is not self._run:
            return
        check = run.check
        if check is not None and not check.ok:
            self._end_preview(run)
            self._say(run, StreamKind.UNREACHABLE,
                      Words("Cannot be reached: {reason}", reason=check.reason))
            return
        if check is not None and check.web_page:
            self._end_preview(run)
            self._say(run, StreamKind.NOT_A_STREAM,
                      Words("Not a stream: the address gives a web page ({what}), not a video "
                            "or a stream", what=check.content_type or "HTML"))
            return
        if run.checking:
            return  # its reason says more than libVLC's failure, and it comes soon
        problem = self._player_problem()
        if problem:
            words = (Words("Answers, but it was not tried: {problem}", problem=problem)
                     if check is not None
                     else Words("Not tried: {problem}", problem=problem))
            self._say(run, StreamKind.PLAYS, words, playable_url=run.address)
            return
        if not run.vlc_failed:
            return  # libVLC is still trying
        if check is not None:
            what = check.content_type or Words("something")
            self._say(run, StreamKind.NOT_A_STREAM,
                      Words("Not a stream: the address answers ({what}), but {reason}",
                            what=what, reason=run.vlc_reason))
        else:
            self._say(run, StreamKind.UNREACHABLE,
                      Words("Cannot be reached: {reason}", reason=run.vlc_reason))

    # ------------------------------------------------------------------ answers

    def _on_resolver_resolved(self, resolution: Resolution) -> None:
        run = self._run
        if run is None or not run.youtube or run.verdict_sent:
            return
        verdict = stream_verdict(run.address, resolution, run.zone, self._now())
        run.verdict_sent = True
        self.probed.emit(verdict)
        if verdict.playable_url is not None:
            self._start_preview(run, PlayableMedia(
                url=verdict.playable_url, options=resolution.options,
                live=resolution.status is Status.LIVE, title=resolution.title))

    def _on_resolver_failed(self, reason: str) -> None:
        run = self._run
        if run is None or not run.youtube or run.verdict_sent:
            return
        self._say(run, StreamKind.UNREACHABLE, Words("Cannot be reached: {reason}",
                                                     reason=reason))

    def _on_checked(self, generation: int, checked: _Checked) -> None:
        run = self._run
        if run is None or run.generation != generation:
            return  # from a probe since replaced
        run.checking = False
        run.check = checked
        self._decide_direct(run)

    # ------------------------------------------------------------------ the preview

    def _player_problem(self) -> str:
        player = self._preview_player()
        return str(getattr(player, "problem", "") or "")

    def _preview_player(self) -> Any:
        if self._player is None:
            # Made on first use: libVLC costs nothing to a host who never gives an address.
            player = make_player(self.preview_size, vlc_args=PREVIEW_VLC_ARGS)
            player.setParent(self)
            player.health_changed.connect(self._on_player_health_changed)
            player.frame_ready.connect(self._on_player_frame_ready)
            self._player = player
        return self._player

    def _start_preview(self, run: _Run, media: PlayableMedia) -> bool:
        """Play ``media`` for a frame; False when there is no libVLC to do it."""
        if self._player_problem():
            return False
        run.previewing = True
        run.steady_at = None
        self._deadline.start(int(self.preview_timeout * 1000))
        self._player.play(media)
        return True

    def _end_preview(self, run: _Run) -> None:
        if not run.previewing:
            return
        run.previewing = False
        self._deadline.stop()
        # Its signals from here on (OFFLINE at once) are about this stop: ignored. The
        # player stops and releases libVLC's media player on a reaper thread.
        self._player.stop()

    def _on_player_health_changed(self, value: str) -> None:
        run = self._run
        if run is None or not run.previewing:
            return
        health = Health(value)
        if health is Health.PLAYING:
            if run.steady_at is None:
                run.steady_at = time.monotonic()
                if run.direct and not run.verdict_sent:
                    self._say(run, StreamKind.PLAYS,
                              Words("Plays: a stream from {host}", host=_host(run.address)),
                              playable_url=run.address)
            self._consider_frame(run)
        elif health in (Health.RECONNECTING, Health.STALLED, Health.OFFLINE):
            self._preview_lost(run, Words("VLC could not play it"))

    def _on_player_frame_ready(self) -> None:
        run = self._run
        if run is not None and run.previewing and run.steady_at is not None:
            self._consider_frame(run)

    def _consider_frame(self, run: _Run) -> None:
        frame = self._player.frame()
        if frame is None or frame.isNull() or run.steady_at is None:
            return
        if _looks_black(frame) and time.monotonic() - run.steady_at < BLACK_GRACE:
            return
        image = frame.copy()  # the frame wraps a buffer libVLC writes again
        self._end_preview(run)
        self.previewed.emit(image)

    def _on_deadline_timeout(self) -> None:
        run = self._run
        if run is None or not run.previewing:
            return
        reason = Words("no picture within {seconds} s",
                       seconds=format(self.preview_timeout, "g"))
        if run.checking:  # the fetch has not answered either
            run.checking = False
            run.check = _Checked(ok=False, reason=Words(
                "no answer within {seconds} s", seconds=format(self.preview_timeout, "g")))
        self._preview_lost(run, reason)

    def _preview_lost(self, run: _Run, reason: str) -> None:
        self._end_preview(run)
        if run.verdict_sent:
            self.preview_failed.emit(reason)
            return
        run.vlc_failed = True
        run.vlc_reason = reason
        self._decide_direct(run)

    # ------------------------------------------------------------------ helpers

    def _say(self, run: _Run, kind: StreamKind, words: str, *, title: str = "",
             playable_url: str | None = None) -> None:
        run.verdict_sent = True
        self.probed.emit(StreamVerdict(run.address, kind, words, title,
                                       playable_url=playable_url))


def _host(address: str) -> str:
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or address
    return f"{host}:{port}" if port else host


# --------------------------------------------------------------------------- feeds


@dataclass(frozen=True)
class FeedVerdict:
    """Whether the kiosk would take a feed, for the host at the setup form.

    ``words``: one line (``Words``). ``problems``: every problem found, file:line:column
    first (empty when the feed is good or could not be fetched). ``document``: the validated
    feed (None unless ``ok``).
    """

    url: str
    ok: bool
    words: str
    document: FeedDocument | None = None
    problems: tuple[str, ...] = ()


def _brings(document: FeedDocument) -> str:
    parts: list[str] = []
    if document.programme is not None:
        parts.append(_Count.ngettext("a running order of {n} item",
                                     "a running order of {n} items", len(document.programme)))
    if document.delay is not None:
        minutes = int(document.delay["by"].total_seconds() // 60)
        parts.append(_Count.ngettext("a delay of {n} minute", "a delay of {n} minutes",
                                     minutes))
    if document.awards is not None:
        laureates = sum(len(c.laureates) for a in document.awards for c in a.categories)
        parts.append(Words("{awards} ({laureates})",
                           awards=_Count.ngettext("{n} award", "{n} awards",
                                                  len(document.awards)),
                           laureates=_Count.ngettext("{n} laureate", "{n} laureates",
                                                     laureates)))
    if document.slides is not None:
        parts.append(_Count.ngettext("{n} slide", "{n} slides", len(document.slides)))
    if document.announcement:
        parts.append(Words("an announcement"))
    if not parts:
        return Words("Good, but it brings nothing yet: no running order, awards, slides or "
                     "announcement")
    return Words("Brings {what}", what=_listed(parts))


def _rejected(problems: tuple[str, ...]) -> str:
    shown = "; ".join(problems[:PROBLEMS_SHOWN])
    more = len(problems) - PROBLEMS_SHOWN
    if more > 0:
        return Words("Not usable: {problems} ({more})", problems=shown,
                     more=_Count.ngettext("and {n} more problem", "and {n} more problems",
                                          more))
    return Words("Not usable: {problems}", problems=shown)


def feed_verdict(url: str, base: Config, session: requests.Session, *,
                 limits: Limits = feedpoll.DEFAULT_LIMITS, fmt: str = "auto") -> FeedVerdict:
    """Fetch ``url`` once and judge it as the kiosk would: parsed as its format, then merged
    over ``base`` (so times outside the event count). Blocking: run it off the GUI thread.
    Never raises for a network or document problem."""
    source = FeedSource(url, format=fmt)
    try:
        fetched = fetch(session, url, limits=limits)
    except FetchError as exc:
        return FeedVerdict(url, False, Words("Cannot be reached: {reason}", reason=exc.reason))
    try:
        document = feedpoll.parse(fetched.body, source, fetched.content_type)
        merge(base, document)
    except ConfigInvalid as exc:
        problems = tuple(str(e) for e in exc.errors)
        return FeedVerdict(url, False, _rejected(problems), problems=problems)
    return FeedVerdict(url, True, _brings(document), document)


class FeedProbe(QObject):
    """Fetches a feed address once in the background and says whether the kiosk would take it.

    ``probe(url, base)`` cancels any earlier probe; ``probed(FeedVerdict)`` comes once, on the
    GUI thread, for the latest probe only. An empty address is good: "No feed: the kiosk shows
    the event's own running order", at once. A look that outlives the fetch limits (a server
    dripping its headers) is given up by a watchdog.
    """

    probed = Signal(object)  # FeedVerdict
    # A worker thread's verdict, delivered on the GUI thread (queued): generation, verdict.
    _done = Signal(int, object)

    def __init__(self, parent: QObject | None = None, *,
                 limits: Limits = feedpoll.DEFAULT_LIMITS,
                 session_factory: Callable[[], requests.Session] | None = None,
                 watchdog_margin: float = FEED_WATCHDOG_MARGIN) -> None:
        """``session_factory()``: a requests.Session per look (default: the kiosk's own,
        with its HTTP cache in memory)."""
        super().__init__(parent)
        self.limits = limits
        self._make_session = session_factory or (lambda: make_session(None))
        self._generation = 0
        self._url = ""
        self._waiting = False
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog_timeout)
        self._watchdog_ms = int((limits.total_timeout + limits.read_timeout
                                 + watchdog_margin) * 1000)
        self._done.connect(self._on_worker_done, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        return self._waiting

    def probe(self, url: str, base: Config, *, fmt: str = "auto") -> None:
        """Look at ``url`` (``fmt``: auto, yaml, json or csv, as a feed in the config says)."""
        self.cancel()
        url = url.strip()
        if not url:
            self.probed.emit(FeedVerdict(url, True, Words(
                "No feed: the kiosk shows the event's own running order")))
            return
        generation = self._generation
        self._url = url
        self._waiting = True
        self._watchdog.start(self._watchdog_ms)
        make_session, limits = self._make_session, self.limits

        def work() -> None:
            session: requests.Session | None = None
            try:
                session = make_session()
                verdict = feed_verdict(url, base, session, limits=limits, fmt=fmt)
            except Exception as error:  # a bug must not leave the form waiting for ever
                verdict = FeedVerdict(url, False, Words("Could not check it: {error}",
                                                        error=repr(error)))
            finally:
                if session is not None:
                    session.close()
            with contextlib.suppress(RuntimeError):  # the probe is gone (quitting)
                self._done.emit(generation, verdict)

        threading.Thread(target=work, name="feed-probe", daemon=True).start()

    def cancel(self) -> None:
        """Forget the look under way (its thread ends on its own); nothing is emitted for it."""
        self._generation += 1
        self._waiting = False
        self._watchdog.stop()

    def _on_worker_done(self, generation: int, verdict: FeedVerdict) -> None:
        if generation != self._generation or not self._waiting:
            return  # from a probe since replaced, cancelled or given up
        self._waiting = False
        self._watchdog.stop()
        self.probed.emit(verdict)

    def _on_watchdog_timeout(self) -> None:
        if not self._waiting:
            return
        url = self._url
        seconds = format(round(self._watchdog_ms / 1000, 1), "g")
        self.cancel()
        self.probed.emit(FeedVerdict(url, False, Words(
            "Cannot be reached: no complete answer within {seconds} s", seconds=seconds)))
