"""``watchparty-kiosk doctor``: a preflight of this computer, the stream, the feeds and the config.

One line per check, ``PASS``, ``WARN`` or ``FAIL`` with a hint, then a summary; the exit code
is 1 when anything failed (warnings alone still give 0). The checks run the kiosk's own
parts: the config loader, ``make_player`` (libVLC with the kiosk's arguments), the stream
controller with the resolver (yt-dlp in its worker process), one look at every feed through
``feedpoll.poll``, the stage's fonts, and the screen choice of ``run``. The system clock is
compared with the HTTP ``Date`` of the feed and stream servers, since a wrong clock breaks
every countdown. Whatever needs the network runs on daemon threads with short timeouts, so
the whole doctor finishes within about half a minute even offline.

``--bundle ZIP`` also writes a diagnostics bundle for the organisers: this report, the
versions, the config (and its last good copy), the log folder's logs, crash reports and
event logs, and the index of the feed cache. Cookies files are never put in it.

The pure parts (the result type, the report's lines, the clock verdict, yt-dlp's age, the
texts a config puts on screen and which of their characters a font lacks) import neither
Qt nor libVLC; the checks import them when they run.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk import __version__
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.config import Config, FeedSource
from kiosk.core.errors import ConfigInvalid
from kiosk.core.fetch import format_size

EXIT_OK = 0
EXIT_FAILED = 1
NAME_WIDTH = 10
# Pictures counted after the first one arrives; long enough to see a stream keep going.
PLAY_SECONDS = 3.0
FIRST_PICTURE_TIMEOUT = 8.0
# One yt-dlp attempt (the kiosk itself tries four times, 45 s each).
RESOLVE_TIMEOUT = 15.0
PROBE_TIMEOUT = (3.0, 4.0)  # connect, read: one HTTP answer's headers
PROBE_DEADLINE = 6.0  # a probe's whole wait, DNS included (which no socket timeout bounds)
FEED_DEADLINE = 15.0  # from the doctor's start: every feed looked at once
CLOCK_WARN = 30.0  # seconds
CLOCK_FAIL = 300.0
YTDLP_OLD_DAYS = 60  # YouTube changes often; older yt-dlp releases stop working
DEADLINE_S = 90.0  # a hung part (libVLC, a worker) still ends with a report
KIOSK_WORDS = "the kiosk's own words"
MAX_LOG_BYTES = 5_000_000  # per file in a bundle: the newest part of a longer one
OWN_ORDER = "the config's own running order"


# ---------------------------------------------------------------------- the report (pure)


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    """One check's answer: a status, one line saying what was found, and what to do."""

    status: Status
    name: str
    detail: str
    hint: str = ""

    def line(self) -> str:
        text = f"{self.status.value.upper():<4}  {self.name:<{NAME_WIDTH}}  {self.detail}"
        if self.hint and self.status is not Status.PASS:
            text += f"  → {self.hint}"
        return " ".join(text.splitlines())


def summary(findings: Sequence[Finding], seconds: float | None = None) -> str:
    """The last line: how many of each, and whether the kiosk is ready."""
    counts = {s: sum(1 for f in findings if f.status is s) for s in Status}
    parts = [_plural(counts[Status.FAIL], "failure"), _plural(counts[Status.WARN], "warning"),
             f"{counts[Status.PASS]} passed"]
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    verdict = ("NOT READY: fix the FAIL lines." if counts[Status.FAIL] else
               "Ready, but read the WARN lines." if counts[Status.WARN] else "Ready.")
    return f"doctor: {', '.join(parts)}{took}. {verdict}"


def exit_code(findings: Iterable[Finding]) -> int:
    return EXIT_FAILED if any(f.status is Status.FAIL for f in findings) else EXIT_OK


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------- the clock (pure)


@dataclass(frozen=True)
class ClockSample:
    """What one server's HTTP ``Date`` says: ``offset`` is the server's time minus this
    computer's, in seconds (None when it gave no usable answer: see ``problem``)."""

    server: str
    offset: float | None = None
    problem: str = ""


def server_offset(date_header: str, sent_at: float, received_at: float) -> float | None:
    """The server's clock minus ours, from a ``Date`` header and the Unix times the request
    left and its answer arrived; None for a missing or unreadable date.

    ``Date`` has whole seconds, cut down: the true instant is on average half a second later.
    """
    try:
        when = parsedate_to_datetime(date_header.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp() + 0.5 - (sent_at + received_at) / 2


def clock_finding(samples: Sequence[ClockSample], platform_name: str | None = None) -> Finding:
    """The verdict on this computer's clock: the server that agrees best decides (one server
    with a wrong clock must not make a right one look wrong)."""
    usable = [s for s in samples if s.offset is not None]
    if not usable:
        if not samples:
            return Finding(Status.WARN, "clock", "could not compare: no feed or stream server "
                                                 "to ask", _clock_hint(platform_name))
        reasons = "; ".join(f"{s.server}: {s.problem or 'no Date header'}" for s in samples)
        return Finding(Status.WARN, "clock", f"could not compare: no server answered "
                                             f"({reasons})", _clock_hint(platform_name))
    best = min(usable, key=lambda s: abs(s.offset or 0.0))
    offset = best.offset or 0.0
    others = f" (and {len(usable) - 1} more)" if len(usable) > 1 else ""
    if abs(offset) <= CLOCK_WARN:
        return Finding(Status.PASS, "clock", f"within {_span(abs(offset))} of {best.server}"
                                             f"{others} (HTTP Date)")
    way = "behind" if offset > 0 else "ahead of"
    detail = (f"this computer's clock is {_span(abs(offset))} {way} {best.server}{others} "
              "(HTTP Date): countdowns and the programme would be off by as much")
    status = Status.FAIL if abs(offset) > CLOCK_FAIL else Status.WARN
    return Finding(status, "clock", detail, _clock_hint(platform_name))


def _clock_hint(platform_name: str | None = None) -> str:
    name = platform_name if platform_name is not None else sys.platform
    if name.startswith("win"):
        how = "Settings → Time & language → Date & time: 'Set time automatically', 'Sync now'"
    elif name == "darwin":
        how = "System Settings → General → Date & Time: 'Set time and date automatically'"
    else:
        how = "sudo timedatectl set-ntp true"
    return f"let the computer set its clock from the internet ({how})"


def _span(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return (f"{hours} h {minutes} min" if hours else f"{minutes} min {secs} s")


# ---------------------------------------------------------------------- yt-dlp's age (pure)


def ytdlp_age(version: str, today: date) -> int | None:
    """Days since the yt-dlp release ``version`` (2025.11.12, 2025.11.12.1, nightly
    2025.11.12.232701); None when the version says no date."""
    found = re.match(r"^\s*(\d{4})\.(\d{1,2})\.(\d{1,2})", version)
    if not found:
        return None
    try:
        released = date(*(int(g) for g in found.groups()))
    except ValueError:
        return None
    return (today - released).days


# ---------------------------------------------------------------------- texts and glyphs (pure)


def config_texts(config: Config) -> list[tuple[str, str]]:
    """Every text a config (with its feeds folded in) puts on the stage, with where it is
    (each language's, for a text that gives several)."""
    from kiosk.core.i18n import all_texts

    found: list[tuple[str, str]] = []

    def add(where: str, text: str) -> None:
        found.extend((where, version) for version in all_texts(text))

    event = config.event
    add("event.title", event.title)
    add("event.subtitle", event.subtitle)
    add("event.organiser", event.organiser)
    for i, item in enumerate(config.running().items):
        add(f"programme[{i}].title", item.title)
        add(f"programme[{i}].speaker", item.speaker)
        add(f"programme[{i}].subtitle", item.subtitle)
    for i, slide in enumerate(config.slides):
        add(f"slides[{i}].title", slide.title)
        add(f"slides[{i}].{slide.kind if slide.kind in ('text', 'quote') else 'text'}",
            slide.body)
        add(f"slides[{i}].author", slide.author)
        add(f"slides[{i}].caption", slide.caption)
    for a, award in enumerate(config.awards):
        add(f"awards[{a}].name", award.name)
        add(f"awards[{a}].organiser", award.organiser)
        add(f"awards[{a}].description", award.description)
        for c, category in enumerate(award.categories):
            add(f"awards[{a}].categories[{c}].name", category.name)
            for n, laureate in enumerate(category.laureates):
                where = f"awards[{a}].categories[{c}].laureates[{n}]"
                add(f"{where}.name", laureate.name)
                add(f"{where}.citation", laureate.citation)
    add("message", config.message)
    add("announcement (from a feed)", config.announcement)
    return found


def kiosk_words(config: Config) -> list[str]:
    """The texts the kiosk itself puts up for this config: labels, badges, the countdown and
    closing screens, the key card; found by composing its views at every stage of the event,
    in each of its languages."""
    from kiosk.core.director import Health, Hold, Scene, State, decide
    from kiosk.core.i18n import Languages, choose
    from kiosk.core.programme import at
    from kiosk.core.sound import Sound
    from kiosk.core.view import compose

    running = config.running()
    instants = [running.start - timedelta(minutes=5),
                *(item.start + (item.end - item.start) / 2 for item in running.items),
                running.end + timedelta(minutes=5)]
    words: dict[str, None] = {}

    def collect(value: Any) -> None:
        if isinstance(value, str):
            if value:
                words[value] = None
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)

    chosen = choose(config.languages, (), config.bilingual)
    for lang in (chosen.primary, *((chosen.second,) if chosen.second else ())):
        languages = Languages(lang)
        for n, instant in enumerate(instants):
            moment = at(running, instant)
            for scene in (None, *Scene):
                hold = Hold(scene, instant, None) if scene is not None else None
                state = State(hold=hold, help=scene is None and n == 0)
                healths = tuple(Health) if scene is None else (Health.PLAYING,)
                for health in healths:
                    view = compose(config, moment, decide(state, moment, health), state,
                                   loop_since=instant, rehearsal=True, problems=("…",),
                                   sound=Sound(70, muted=n == 0).badge(lang),
                                   languages=languages)
                    collect(view.to_json())
    return list(words)


def needs_glyph(character: str) -> bool:
    """Whether a character is drawn at all (spaces, controls, joiners and variation
    selectors are not)."""
    if unicodedata.category(character) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
        return False
    code = ord(character)
    return not (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF)


def uncovered(texts: Iterable[tuple[str, str]], can_draw: Callable[[str], bool]
              ) -> dict[str, list[str]]:
    """Each character ``can_draw`` refuses, in order of first use, with where it is used.

    Texts named ``KIOSK_WORDS`` only add characters no configured text has (a title shown
    by the kiosk is the config's to fix, not the kiosk's)."""
    missing: dict[str, list[str]] = {}
    verdicts: dict[str, bool] = {}
    for where, text in texts:
        for character in text:
            if not needs_glyph(character):
                continue
            if character not in verdicts:
                verdicts[character] = can_draw(character)
            if verdicts[character]:
                continue
            places = missing.setdefault(character, [])
            if where == KIOSK_WORDS and places:
                continue
            if where not in places:
                places.append(where)
    return missing


def describe_characters(missing: dict[str, list[str]], limit: int = 6) -> str:
    """``'😀' U+1F600 in programme[2].title; …`` for the first ``limit`` characters."""
    parts = []
    for character, places in list(missing.items())[:limit]:
        where = ", ".join(places[:3]) + (f" (+{len(places) - 3})" if len(places) > 3 else "")
        parts.append(f"'{character}' U+{ord(character):04X} in {where}")
    more = len(missing) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


# ---------------------------------------------------------------------- running the checks


@dataclass
class _Run:
    """What one check leaves for the next, and what the report and the bundle need."""

    config_path: Path | None
    play_seconds: float
    started: float = field(default_factory=time.monotonic)
    config: Config | None = None
    effective: Config | None = None
    findings: list[Finding] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    no_display: bool = False
    app: Any = None
    player: Any = None
    feeds: list[tuple[FeedSource, _Background]] = field(default_factory=list)
    probes: dict[str, _Background] = field(default_factory=dict)
    feed_cache: tempfile.TemporaryDirectory[str] | None = None
    current: str = "start"

    def emit(self, line: str) -> None:
        self.lines.append(line)
        _print(line)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)
        self.emit(finding.line())

    def report(self) -> str:
        return "\n".join(self.lines) + "\n"


def run_doctor(config: Path | None, *, bundle: Path | None = None,
               play_seconds: float = PLAY_SECONDS) -> int:
    """Run every check, print the report; write the bundle if asked. 0 when nothing failed."""
    run = _Run(config, play_seconds)
    run.no_display = _choose_platform()
    done = threading.Event()
    threading.Thread(target=_give_up, args=(run, done), name="doctor-deadline",
                     daemon=True).start()
    try:
        _check_all(run)
    finally:
        done.set()
        _close(run)
    run.emit(summary(run.findings, time.monotonic() - run.started))
    code = exit_code(run.findings)
    if bundle is not None:
        try:
            size = write_bundle(bundle, report=run.report(), versions=run.versions,
                                config_path=config, config=run.config)
        except OSError as exc:
            _print(f"cannot write the bundle {bundle}: {exc.strerror or exc}", error=True)
            return EXIT_FAILED
        _print(f"Diagnostics bundle: {bundle} ({format_size(size)}); no cookies files are in it. "
               "Send it to the organisers.")
    return code


def _check_all(run: _Run) -> None:
    run.emit(f"watchparty-kiosk {__version__} doctor, "
             f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    run.emit(f"config: {run.config_path or paths.builtin_config()}")
    steps: tuple[tuple[str, Callable[[_Run], Iterable[Finding]]], ...] = (
        ("config", _check_config),
        ("qt", _start_qt),
        ("network", _start_network),
        ("libvlc", _check_libvlc),
        ("yt-dlp", _check_ytdlp),
        ("js-runtime", _check_js_runtime),
        ("stream", _check_stream),
        ("feeds", _check_feeds),
        ("fonts", _check_fonts),
        ("screens", _check_screens),
        ("clock", _check_clock),
        ("logs", _check_logs),
        ("remote", _check_remote),
        ("versions", _check_versions),
    )
    for name, step in steps:
        run.current = name
        try:
            for finding in step(run):
                run.add(finding)
        except Exception as exc:  # a broken check is a finding, never a traceback
            logging.getLogger(__name__).debug("doctor check %s failed", name, exc_info=True)
            run.add(Finding(Status.FAIL, name, f"the check itself failed: "
                                               f"{type(exc).__name__}: {exc}",
                            "send the organisers a bundle (doctor --bundle diag.zip)"))


def _give_up(run: _Run, done: threading.Event) -> None:
    if done.wait(DEADLINE_S):
        return
    run.add(Finding(Status.FAIL, run.current, f"no answer within {DEADLINE_S:g} s; the "
                                              "doctor gave up"))
    run.emit(summary(run.findings, time.monotonic() - run.started))
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    os._exit(EXIT_FAILED)


def _close(run: _Run) -> None:
    if run.player is not None:
        with contextlib.suppress(Exception):
            run.player.close()
        run.player = None
    if run.feed_cache is not None:
        run.feed_cache.cleanup()


# ---------------------------------------------------------------------- 1. config


def _check_config(run: _Run) -> Iterator[Finding]:
    from kiosk.core.startup import choose_config

    path = run.config_path
    target = path or paths.builtin_config()
    shown = "the built-in event" if path is None else str(path)
    try:
        config = config_module.load(target)  # strictly, as `check` does
    except ConfigInvalid:
        warnings: list[str] = []
        try:
            config = config_module.load(target, lenient=True, warnings=warnings)
        except ConfigInvalid as exc:
            chosen = choose_config(path, remember=False)
            run.config = chosen.config
            stand_in = ("its last good copy" if chosen.config.source.endswith("(last good copy)")
                        else "the built-in event")
            n = len(exc.errors)
            yield Finding(Status.FAIL, "config",
                          f"{exc.errors[0]} ({_plural(n, 'problem')}; "
                          f"`watchparty-kiosk check {target}` lists them)",
                          f"fix the file; until then the kiosk shows {stand_in}, and the "
                          "checks below are about that")
            return
        run.config = config
        missing = "; ".join(warnings[:2]) + (f"; +{len(warnings) - 2} more"
                                             if len(warnings) > 2 else "")
        yield Finding(Status.WARN, "config",
                      f"{shown}: valid, but {_plural(len(warnings), 'file')} it names "
                      f"{'is' if len(warnings) == 1 else 'are'} missing: {missing}",
                      "the kiosk runs without them (a slide shows a placeholder; no cookies "
                      "for YouTube); put them back before the event")
        return
    run.config = config
    yield Finding(Status.PASS, "config",
                  f"{shown}: valid ({config.event.title}; "
                  f"{_plural(len(config.running().items), 'item')}, "
                  f"{_plural(len(config.slides), 'slide')}, "
                  f"{_plural(len(config.awards), 'award')}, "
                  f"{_plural(len(config.feeds), 'feed')})")


# ---------------------------------------------------------------------- Qt and the network


def _choose_platform() -> bool:
    """Qt's platform; True when there is no display (Linux without X or Wayland), so the
    doctor runs offscreen and says it could not see the screens."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return False
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return True
    return False


def _start_qt(run: _Run) -> Iterator[Finding]:
    from PySide6.QtWidgets import QApplication

    run.app = QApplication.instance() or QApplication([sys.argv[0] or "watchparty-kiosk"])
    yield from ()


def _start_network(run: _Run) -> Iterator[Finding]:
    """Feeds and clock probes start now, on threads, while libVLC and the stream are checked."""
    config = run.config
    assert config is not None
    from kiosk.core import feedpoll
    from kiosk.core.feedcache import FeedCache
    from kiosk.core.fetch import Limits, make_session
    from kiosk.stage.images import check_image_bytes

    # The doctor leaves the kiosk's own cache alone: what it fetches goes to a folder of
    # its own, removed at the end.
    run.feed_cache = tempfile.TemporaryDirectory(prefix="watchparty-doctor-",
                                                 ignore_cleanup_errors=True)
    cache = FeedCache(Path(run.feed_cache.name))
    kept = FeedCache(paths.cache_dir() / "feeds" / "documents")
    limits = Limits(connect_timeout=4.0, read_timeout=5.0, total_timeout=10.0)
    for source in config.feeds:
        known = feedpoll.cached_status(source, config, kept)

        def look(source: FeedSource = source, known: feedpoll.FeedStatus = known
                 ) -> tuple[feedpoll.FeedStatus, feedpoll.Outcome, list[str]]:
            session = make_session(None)
            outcome = feedpoll.poll(source, config, session, cache, known, limits=limits)
            pictures = []
            if outcome.document is not None:
                pictures = feedpoll.fetch_images(feedpoll.image_urls(outcome.document),
                                                 session, cache, limits=limits,
                                                 check_image=check_image_bytes)
            return known, outcome, pictures

        run.feeds.append((source, _Background(look, "doctor-feed")))
    for url in _servers(config):
        run.probes[url] = _Background(functools.partial(probe, url), "doctor-probe")
    yield from ()


def _servers(config: Config) -> list[str]:
    """One address per server the kiosk talks to: the stream's (when on the web) and the
    feeds'."""
    urls = [config.event.stream] if config.event.stream else []
    urls += [f.url for f in config.feeds]
    by_origin: dict[str, str] = {}
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            by_origin.setdefault(f"{parts.scheme.lower()}://{parts.netloc.lower()}", url)
    return list(by_origin.values())


class _Background:
    """A call on a daemon thread, awaited with a deadline: a DNS lookup can outlast every
    socket timeout, and a daemon thread left behind does not keep the process alive."""

    def __init__(self, call: Callable[[], Any], name: str) -> None:
        self._call = call
        self._value: Any = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        threading.Thread(target=self._work, name=name, daemon=True).start()

    def _work(self) -> None:
        try:
            self._value = self._call()
        except BaseException as exc:
            self._error = exc
        finally:
            self._done.set()

    def result(self, timeout: float) -> tuple[bool, Any]:
        """(True, value) once done (raising what the call raised); (False, None) on timeout."""
        if not self._done.wait(max(0.0, timeout)):
            return False, None
        if self._error is not None:
            raise self._error
        return True, self._value


@dataclass(frozen=True)
class Probe:
    """One HTTP answer's headers (the body is never read)."""

    url: str
    status: int | None = None  # None: no answer; see ``reason``
    reason: str = ""
    date: str = ""
    sent_at: float = 0.0
    received_at: float = 0.0

    @property
    def server(self) -> str:
        parts = urlsplit(self.url)
        return parts.netloc or self.url


def probe(url: str, timeout: tuple[float, float] = PROBE_TIMEOUT) -> Probe:
    """GET ``url`` for its status and ``Date`` header only; never raises for the network."""
    import requests

    from kiosk.core.fetch import USER_AGENT, Limits
    from kiosk.core.fetch import _reason as network_reason

    sent = time.time()
    try:
        with requests.get(url, stream=True, timeout=timeout, allow_redirects=True,
                          headers={"User-Agent": USER_AGENT}) as response:
            received = time.time()
            dates = response.raw.headers.getlist("Date") if response.raw is not None else []
            return Probe(response.url or url, response.status_code,
                         response.reason or "", dates[0] if dates else "", sent, received)
    except (requests.RequestException, OSError, ValueError) as exc:
        limits = Limits(connect_timeout=timeout[0], read_timeout=timeout[1])
        return Probe(url, None, network_reason(exc, url, limits))


# ---------------------------------------------------------------------- 2. libVLC

# Plugins the kiosk cannot play without, by file name (lib<name>_plugin.so/.dll/.dylib).
KEY_PLUGINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("adaptive (HLS and DASH)", ("adaptive",)),
    ("avcodec (decoding)", ("avcodec",)),
    ("http", ("http",)),
    ("https", ("https",)),
    ("TLS", ("gnutls", "securetransport")),
    ("swscale (picture conversion)", ("swscale",)),
    ("ts (MPEG-TS)", ("ts",)),
    ("mp4", ("mp4",)),
)
_PLUGIN_FILE = re.compile(r"^(?:lib)?(.+)_plugin\.(?:so|dll|dylib)$", re.IGNORECASE)


def _check_libvlc(run: _Run) -> Iterator[Finding]:
    from PySide6.QtCore import QSize

    from kiosk.player import NullPlayer, make_player
    from kiosk.player.null import install_hint
    from kiosk.selftest import _module_path

    # Silently: the check must not sound through the hall (nor wait for a sound card).
    player = make_player(QSize(640, 360), vlc_args=("--aout=dummy",))
    if isinstance(player, NullPlayer):
        hint = install_hint()
        reason = player.problem.replace(hint, "").strip()
        run.versions["libVLC"] = "missing"
        yield Finding(Status.FAIL, "libvlc", reason, hint)
        return
    player.set_muted(True)
    run.player = player
    vlc = sys.modules["vlc"]
    raw = vlc.libvlc_get_version()
    version = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    run.versions["libVLC"] = version
    run.versions["python-vlc"] = str(getattr(vlc, "__version__", "unknown"))
    library = _module_path(vlc.dll) or str(getattr(vlc.dll, "_name", "") or "")
    folder = _plugin_folder(vlc, library)
    where = f"libVLC {version} from {library or '?'}"
    if folder is None:
        yield Finding(Status.WARN, "libvlc", f"{where}; its plugin folder was not found",
                      "the stream line below shows whether it plays")
        return
    plugins = {m.group(1).lower() for p in folder.rglob("*") if (m := _PLUGIN_FILE.match(p.name))}
    missing = [what for what, names in KEY_PLUGINS if not plugins & set(names)]
    if missing:
        yield Finding(Status.FAIL, "libvlc",
                      f"{where}: {len(plugins)} plugins in {folder}, but not "
                      f"{', '.join(missing)}", _plugin_hint())
        return
    yield Finding(Status.PASS, "libvlc", f"{where}; {len(plugins)} plugins in {folder}, "
                                         "HLS/DASH, decoding, http(s) and TLS among them")


def _plugin_folder(vlc: Any, library: str) -> Path | None:
    """Where this libVLC loads its plugins from: a bundle's own, VLC_PLUGIN_PATH, python-vlc's
    guess, or next to the library (Linux ``…/vlc/plugins``, Windows ``plugins``, macOS
    ``Contents/MacOS/plugins``)."""
    from kiosk.platform import vlcenv

    candidates: list[Path] = []
    root = vlcenv.bundle_root()
    if root is not None:
        candidates.append(vlcenv.layout(root).plugins)
    candidates += [Path(p) for p in os.environ.get("VLC_PLUGIN_PATH", "").split(os.pathsep) if p]
    if getattr(vlc, "plugin_path", None):
        candidates.append(Path(vlc.plugin_path))
    if library:
        lib = Path(library).parent
        candidates += [lib / "vlc" / "plugins", lib / "plugins", lib.parent / "plugins"]
    for folder in candidates:
        with contextlib.suppress(OSError):
            if folder.is_dir() and any(_PLUGIN_FILE.match(p.name) for p in folder.rglob("*")):
                return folder
    return None


def _plugin_hint() -> str:
    if getattr(sys, "frozen", False) or not sys.platform.startswith("linux"):
        from kiosk.player.null import install_hint

        return install_hint()
    return "install VLC's plugins: sudo apt install vlc-plugin-base (or the whole vlc)"


# ---------------------------------------------------------------------- 3. yt-dlp and deno


def _youtube(run: _Run) -> bool:
    from kiosk.core.resolve import SourceKind, classify

    stream = run.config.event.stream if run.config is not None else None
    return bool(stream) and classify(stream or "") is SourceKind.YOUTUBE


def _check_ytdlp(run: _Run) -> Iterator[Finding]:
    from kiosk.selftest import _child_environment, _dist_version

    assert run.config is not None
    external = run.config.stream.yt_dlp
    needed = Status.FAIL if _youtube(run) else Status.WARN
    if external is not None:
        try:
            proc = subprocess.run([str(external), "--version"], capture_output=True, text=True,
                                  timeout=15, check=False, stdin=subprocess.DEVNULL,
                                  env=_child_environment(),
                                  creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
            version = proc.stdout.strip().splitlines()[0] if proc.returncode == 0 and \
                proc.stdout.strip() else ""
            problem = "" if version else f"exited {proc.returncode}: {proc.stderr.strip()[:120]}"
        except (OSError, subprocess.SubprocessError) as exc:
            version, problem = "", str(exc)
        what = f"yt-dlp program {external} (stream.yt_dlp)"
        if not version:
            yield Finding(needed, "yt-dlp", f"{what} does not run: {problem}",
                          "point stream.yt_dlp at a working yt-dlp, or remove it to use the "
                          "built-in one")
            return
    else:
        version = _dist_version("yt-dlp")
        if version == "unknown":
            with contextlib.suppress(ImportError):
                from yt_dlp.version import (  # type: ignore[import-untyped,no-redef]
                    __version__ as version,
                )
        what = "yt-dlp"
        if version == "unknown":
            yield Finding(needed, "yt-dlp", "yt-dlp is not installed: YouTube addresses "
                                            "cannot be played", _reinstall_hint("yt-dlp[default]"))
            return
    run.versions["yt-dlp"] = version
    age = ytdlp_age(version, datetime.now(UTC).date())
    if age is None:
        yield Finding(Status.WARN, "yt-dlp", f"{what} {version}: cannot tell how old it is",
                      "YouTube changes often: keep yt-dlp up to date")
    elif age > YTDLP_OLD_DAYS:
        yield Finding(Status.WARN, "yt-dlp",
                      f"{what} {version} is {age} days old: YouTube changes often and old "
                      "versions stop working", _ytdlp_update_hint(external is not None))
    else:
        yield Finding(Status.PASS, "yt-dlp", f"{what} {version} ({age} days old)")


def _ytdlp_update_hint(external: bool) -> str:
    if external:
        return "update that program (yt-dlp -U)"
    if getattr(sys, "frozen", False):
        return ("install the newest kiosk release, or set stream.yt_dlp to a newer yt-dlp "
                "program")
    return "pip install -U 'yt-dlp[default]' in the kiosk's environment"


def _reinstall_hint(package: str) -> str:
    if getattr(sys, "frozen", False):
        return "install the kiosk again (its settings are kept)"
    return f"pip install '{package}' in the kiosk's environment"


def _check_js_runtime(run: _Run) -> Iterator[Finding]:
    from importlib import resources

    from kiosk.selftest import _child_environment, _dist_version

    needed = Status.FAIL if _youtube(run) else Status.WARN
    binary, origin = "", ""
    try:
        import deno  # type: ignore[import-untyped]

        binary, origin = str(deno.find_deno_bin()), "the deno package"
    except (ImportError, OSError, ValueError):
        found = shutil.which("deno")
        if found:
            binary, origin = found, "PATH"
    if not binary:
        yield Finding(needed, "js-runtime", "no JavaScript runtime (deno): yt-dlp cannot "
                                            "solve YouTube's challenges",
                      _reinstall_hint("deno"))
        return
    try:
        proc = subprocess.run([binary, "--version"], capture_output=True, text=True,
                              timeout=15, check=False, stdin=subprocess.DEVNULL,
                              env=_child_environment(),
                              creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        first = (proc.stdout or proc.stderr).strip().splitlines()[:1]
        version = first[0] if proc.returncode == 0 and first else ""
        problem = "" if version else f"exited {proc.returncode}"
    except (OSError, subprocess.SubprocessError) as exc:
        version, problem = "", str(exc)
    if not version:
        yield Finding(needed, "js-runtime", f"deno at {binary} does not run: {problem}",
                      _reinstall_hint("deno"))
        return
    version = version.split(" (")[0]
    run.versions["deno"] = version.removeprefix("deno ")
    try:
        solver = resources.files("yt_dlp_ejs.yt.solver")
        scripts = all((solver / name).is_file() for name in ("core.min.js", "lib.min.js"))
    except (ImportError, OSError):
        scripts = False
    if not scripts:
        yield Finding(needed, "js-runtime", f"{version} ({origin}), but yt-dlp's challenge "
                                            "solver (yt-dlp-ejs) is missing",
                      _reinstall_hint("yt-dlp[default]"))
        return
    run.versions["yt-dlp-ejs"] = _dist_version("yt-dlp-ejs")
    yield Finding(Status.PASS, "js-runtime", f"{version} from {origin} ({binary}); yt-dlp-ejs "
                                             f"{run.versions['yt-dlp-ejs']} solver present")


# ---------------------------------------------------------------------- 4. the stream


class _Notes(logging.Handler):
    """What the player and the resolver log while the stream is tried: the reasons."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.lines.append(record.getMessage())


@contextlib.contextmanager
def _noted() -> Iterator[_Notes]:
    logger = logging.getLogger("kiosk")
    notes, level = _Notes(), logger.level
    logger.addHandler(notes)
    if level == logging.NOTSET or level > logging.INFO:
        logger.setLevel(logging.INFO)
    try:
        yield notes
    finally:
        logger.removeHandler(notes)
        logger.setLevel(level)


def _check_stream(run: _Run) -> Iterator[Finding]:
    from kiosk.core.resolve import SourceKind, classify
    from kiosk.stream import demo_clip

    config = run.config
    assert config is not None
    source = config.event.stream
    target = source or str(demo_clip())
    kind = classify(target)
    name = "the demo clip (no stream in the config)" if source is None else target
    if run.player is None:
        yield Finding(Status.WARN, "stream", f"{name}: not played, libVLC is missing (see "
                                             "libvlc)", "install VLC, then run doctor again")
        return
    if kind is SourceKind.FILE and "://" not in target and not Path(
            target).expanduser().is_file():
        yield Finding(Status.FAIL, "stream", f"no video file at {target}",
                      "correct event.stream in the config, or plug in the drive holding it")
        return
    if kind is SourceKind.HTTP:
        answer = run.probes.get(target)
        done, result = (answer.result(PROBE_DEADLINE) if answer is not None
                        else (True, probe(target)))
        if not done:
            yield Finding(Status.FAIL, "stream", f"{target}: no answer within "
                                                 f"{PROBE_DEADLINE:g} s", _stream_hint(kind))
            return
        if result.status is None:
            yield Finding(Status.FAIL, "stream", f"{target}: {result.reason}",
                          _stream_hint(kind))
            return
        # A server that refuses this request (401, 403, 429 …) may still let libVLC in;
        # one that has no such address, or is broken, will not.
        if result.status in (404, 410) or result.status >= 500:
            yield Finding(Status.FAIL, "stream", f"{target}: HTTP {result.status} "
                                                 f"{result.reason}".rstrip(),
                          _stream_hint(kind))
            return
    yield _play(run, name, kind)


def _stream_hint(kind: Any) -> str:
    from kiosk.core.resolve import SourceKind

    if kind is SourceKind.YOUTUBE:
        return ("check this computer's internet connection and the address in event.stream; "
                "if YouTube changed, a newer yt-dlp helps (see yt-dlp)")
    return ("check the address in event.stream (does it open in VLC?) and this computer's "
            "internet connection")


def _play(run: _Run, name: str, kind: Any) -> Finding:
    """Through the kiosk's own stream controller: resolve (YouTube), play, count pictures."""
    from kiosk.core.resolve import SourceKind
    from kiosk.core.resolve import Status as Live
    from kiosk.resolver.resolver import Resolver
    from kiosk.selftest import _wait_until
    from kiosk.stream import StreamController

    config, player = run.config, run.player
    assert config is not None
    settings = config.stream
    resolver = Resolver(max_height=settings.max_height, timeout=RESOLVE_TIMEOUT, attempts=1,
                        ytdlp=str(settings.yt_dlp) if settings.yt_dlp else None,
                        cookies=str(settings.cookies) if settings.cookies else None)
    controller = StreamController(config, player, resolver)
    answers: dict[str, Any] = {}
    resolver.resolved.connect(lambda resolution: answers.setdefault("resolved", resolution))
    resolver.failed.connect(lambda reason: answers.setdefault("failed", reason))

    def delivered() -> int:
        return int(player.stats().frames_delivered)

    with _noted() as notes:
        try:
            started = time.monotonic()
            controller.start()
            resolution = None
            if kind is SourceKind.YOUTUBE:
                _wait_until(lambda: bool(answers), RESOLVE_TIMEOUT + 2.0)
                if "failed" in answers:
                    return Finding(Status.FAIL, "stream", f"{answers['failed']}",
                                   _stream_hint(kind))
                if "resolved" not in answers:
                    return Finding(Status.FAIL, "stream", f"{name}: yt-dlp did not answer "
                                                          f"within {RESOLVE_TIMEOUT:g} s",
                                   _stream_hint(kind))
                resolution = answers["resolved"]
                if player.media is None:  # the controller found nothing to play yet
                    return _not_playing(controller.status, resolution, config)
            first = time.monotonic()
            if not _wait_until(lambda: delivered() > 0, FIRST_PICTURE_TIMEOUT):
                stats = player.stats()
                why = notes.lines[-1] if notes.lines else f"libVLC state {stats.state}"
                return Finding(Status.FAIL, "stream", f"{name}: no picture within "
                                                      f"{FIRST_PICTURE_TIMEOUT:g} s ({why})",
                               _stream_hint(kind))
            ready = time.monotonic()
            before = delivered()
            _wait_until(lambda: False, run.play_seconds)
            stats = player.stats()
            pictures = stats.frames_delivered - before
            seconds = max(0.001, time.monotonic() - ready)
        finally:
            controller.stop()
            resolver.cancel()
    what = name
    if resolution is not None:
        state = {Live.LIVE: "live", Live.POST_LIVE: "the recording"}.get(resolution.status,
                                                                         "a video")
        what = (f"{name} (YouTube: {state}, {resolution.height or '?'}p, resolved in "
                f"{first - started:.1f} s)")
    rate = pictures / seconds
    network = f", {stats.input_kbps:.0f} kb/s" if stats.input_kbps > 0 else ""
    detail = (f"{what}: first picture after {ready - first:.1f} s, then {pictures} in "
              f"{seconds:.1f} s ({rate:.0f} per second{network})")
    if stats.reconnects:
        return Finding(Status.WARN, "stream", f"{detail}; it broke off and reconnected",
                       _stream_hint(kind))
    if pictures == 0:
        return Finding(Status.FAIL, "stream", f"{detail}: the pictures stopped",
                       _stream_hint(kind))
    if config.event.stream is None:
        return Finding(Status.WARN, "stream", detail, "set event.stream in the config to "
                                                      "the event's YouTube or HLS address")
    return Finding(Status.PASS, "stream", detail)


def _not_playing(status: str, resolution: Any, config: Config) -> Finding:
    """YouTube answered, but there is nothing to play yet (upcoming, over, private …)."""
    from kiosk.core.resolve import Status as Live

    if resolution.status is Live.UNAVAILABLE:
        return Finding(Status.FAIL, "stream", status, "check the address in event.stream; "
                                                      "a private or members-only stream "
                                                      "needs stream.cookies")
    if resolution.status is Live.UPCOMING and resolution.release_at:
        starts = datetime.fromtimestamp(resolution.release_at, config.venue.timezone)
        status = f"{status} (scheduled for {starts:%Y-%m-%d %H:%M} venue time)"
    hint = ("the kiosk keeps asking and plays it once it is live; run doctor again "
            "after the start to see the picture")
    if resolution.status is Live.POST_LIVE:
        hint = ("is this the right address? to play the recording set "
                "stream.allow_recording: true")
    return Finding(Status.WARN, "stream", status, hint)


# ---------------------------------------------------------------------- 5. feeds


def _check_feeds(run: _Run) -> Iterator[Finding]:
    from kiosk.core import feedpoll
    from kiosk.core.feedpoll import Result

    config = run.config
    assert config is not None
    run.effective = config
    if not config.feeds:
        yield Finding(Status.PASS, "feeds", "none configured")
        return
    statuses = []
    zone = config.venue.timezone
    for source, look in run.feeds:
        name = feedpoll.feed_name(source)
        try:
            done, answer = look.result(FEED_DEADLINE - (time.monotonic() - run.started))
        except Exception as exc:
            yield Finding(Status.FAIL, "feeds", f"{name}: {type(exc).__name__}: {exc}")
            continue
        if not done:
            yield Finding(Status.FAIL, "feeds", f"{name}: no answer within "
                                                f"{FEED_DEADLINE:g} s", _feed_hint(None))
            continue
        known, outcome, pictures = answer
        status = known.after(outcome)
        statuses.append(status)
        kept = (f"its copy from {known.updated_at.astimezone(zone):%Y-%m-%d %H:%M}"
                if known.document is not None and known.updated_at is not None else None)
        if outcome.result is Result.UPDATED:
            detail = (f"{name}: valid ({_document_summary(outcome.document)}; "
                      f"{format_size(outcome.bytes_received)} in {outcome.seconds:.1f} s)")
            problems = [*pictures, *outcome.warnings]
            if problems:
                yield Finding(Status.WARN, "feeds", f"{detail}; {problems[0]}"
                              + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                              "tell the organisers; the slides show without those pictures")
            else:
                yield Finding(Status.PASS, "feeds", detail)
        elif outcome.result is Result.UNCHANGED:
            yield Finding(Status.PASS, "feeds", f"{name}: valid, the same as the copy the "
                                                "kiosk keeps")
        elif outcome.result is Result.REJECTED:
            more = len(outcome.errors) - 1
            yield Finding(Status.FAIL, "feeds", f"{name}: rejected: {outcome.reason}"
                          + (f" (+{_plural(more, 'more problem')})" if more > 0 else ""),
                          f"tell the organisers; the kiosk keeps "
                          f"{kept or OWN_ORDER} until it is fixed")
        else:
            yield Finding(Status.FAIL, "feeds", f"{name}: {outcome.reason}", _feed_hint(kept))
    run.effective = feedpoll.effective(config, statuses)


def _feed_hint(kept: str | None) -> str:
    return ("check the address under feeds: and this computer's internet connection; the "
            f"kiosk shows {kept or OWN_ORDER} meanwhile")


def _document_summary(document: Any) -> str:
    parts = []
    if document is None:
        return "empty"
    if document.programme is not None:
        parts.append(_plural(len(document.programme), "item"))
    if document.delay is not None:
        parts.append("a delay")
    if document.awards is not None:
        parts.append(_plural(len(document.awards), "award"))
    if document.slides is not None:
        parts.append(_plural(len(document.slides), "slide"))
    if document.announcement is not None:
        parts.append("an announcement" if document.announcement else "no announcement")
    return ", ".join(parts) or "names nothing"


# ---------------------------------------------------------------------- 6. fonts


def _check_fonts(run: _Run) -> Iterator[Finding]:
    from PySide6.QtGui import QFontMetrics, QRawFont

    from kiosk.stage import fonts
    from kiosk.stage.editor import PROMPT

    config = run.effective or run.config
    assert config is not None
    family = fonts.family()
    regular, bold = fonts.font(48), fonts.font(48, bold=True)
    raws = [QRawFont.fromFont(regular), QRawFont.fromFont(bold)]
    metrics = QFontMetrics(regular)  # with Qt's fallback to this computer's fonts
    texts = config_texts(config)
    texts += [(KIOSK_WORDS, text) for text in (*kiosk_words(config), PROMPT)]
    not_bundled = uncovered(texts, lambda ch: all(r.supportsCharacter(ord(ch)) for r in raws))
    missing = {ch: where for ch, where in not_bundled.items()
               if not metrics.inFontUcs4(ord(ch))}
    elsewhere = "".join(ch for ch in not_bundled if ch not in missing)
    if "Noto Sans" not in family:
        yield Finding(Status.WARN, "fonts", f"the bundled Noto Sans did not load; the stage "
                                            f"draws in {family}",
                      _reinstall_hint("watchparty-kiosk") if getattr(sys, "frozen", False)
                      else f"put the fonts back into {paths.assets() / 'fonts'}")
    also = (f"; {len(elsewhere)} only with this computer's fonts, not {family}: {elsewhere}"
            if elsewhere else "")
    if missing:
        yield Finding(Status.WARN, "fonts", f"{_plural(len(missing), 'character')} no font "
                                            f"here can draw: {describe_characters(missing)}"
                                            f"{also}",
                      "the hall would see empty boxes: change those texts, or install a "
                      "font that has them")
        return
    yield Finding(Status.PASS, "fonts", f"every character of {len(texts)} texts can be drawn "
                                        f"({family}){also}")


# ---------------------------------------------------------------------- 7. screens


def _check_screens(run: _Run) -> Iterator[Finding]:
    from kiosk.display import placement as place_windows

    app = run.app
    wanted = getattr(run.config.venue, "screen", "") if run.config is not None else ""
    # The very choice `run` makes: the TV, and where the operator window goes.
    screens, placement = place_windows(app, wanted)
    primary = app.primaryScreen()

    def describe(i: int, screen: Any) -> str:
        size = screen.size()
        mark = ", primary" if screen is primary else ""
        return (f"{i}: {screen.name() or '?'} {size.width()}x{size.height()} "
                f"@{screen.refreshRate():.0f} Hz{mark}")

    listed = "; ".join(describe(i, s) for i, s in enumerate(screens))
    if run.no_display:
        yield Finding(Status.WARN, "screens", "no display to look at (neither DISPLAY nor "
                                              "WAYLAND_DISPLAY is set)",
                      "run doctor from the kiosk's desktop session to check the screens")
        return
    platform_name = app.platformName()
    if platform_name in ("offscreen", "minimal"):
        yield Finding(Status.WARN, "screens", f"Qt platform '{platform_name}': no real "
                                              f"screens ({listed})",
                      "run doctor on the kiosk's desktop to check the TV")
        return
    if placement.stage < 0:
        yield Finding(Status.FAIL, "screens", "no screen found",
                      "connect the TV and switch it on, then run doctor again")
        return
    stage = screens[placement.stage]
    named = (f"; venue.screen {wanted!r} is not connected"
             if wanted and not _names_screen(wanted, screens, placement.stage) else "")
    if placement.operator is None:
        yield Finding(Status.WARN, "screens", f"one screen ({listed}); the stage fills "
                                              f"it{named}",
                      "the operator window will share the TV: connect the TV as a second "
                      "screen (extend, not mirror)")
        return
    operator = screens[placement.operator]
    detail = (f"{len(screens)} screens ({listed}); the stage goes to screen "
              f"{placement.stage} ({stage.name() or '?'}), the operator window to screen "
              f"{placement.operator} ({operator.name() or '?'}){named}")
    if named:
        yield Finding(Status.WARN, "screens", detail, "switch the TV on, or correct "
                                                      "venue.screen (a number or a name above)")
        return
    yield Finding(Status.PASS, "screens", detail)


def _names_screen(wanted: str, screens: list[Any], index: int) -> bool:
    text = wanted.strip()
    if text.isdigit():
        return int(text) == index
    return bool(screens[index].name().casefold() == text.casefold())


# ---------------------------------------------------------------------- 8. the clock


def _check_clock(run: _Run) -> Iterator[Finding]:
    samples = []
    for url, answer in run.probes.items():
        server = urlsplit(url).netloc
        try:
            done, result = answer.result(PROBE_DEADLINE - (time.monotonic() - run.started))
        except Exception as exc:
            samples.append(ClockSample(server, problem=f"{type(exc).__name__}: {exc}"))
            continue
        if not done:
            samples.append(ClockSample(server, problem=f"no answer within "
                                                       f"{PROBE_DEADLINE:g} s"))
        elif result.status is None:
            samples.append(ClockSample(server, problem=result.reason))
        else:
            offset = (server_offset(result.date, result.sent_at, result.received_at)
                      if result.date else None)
            samples.append(ClockSample(result.server, offset,
                                       "" if offset is not None else "no Date header"))
    yield clock_finding(samples)


# ---------------------------------------------------------------------- logs and versions


def _check_logs(run: _Run) -> Iterator[Finding]:
    from kiosk.platform.logs import log_files

    folder = paths.log_dir()
    if not folder.exists():
        yield Finding(Status.PASS, "logs", f"{folder} (made at the kiosk's first start)")
        return
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        yield Finding(Status.WARN, "logs", f"{folder} cannot be written: the kiosk will run "
                                           "without a log file",
                      "give this user write access to that folder")
        return
    files = log_files(folder)
    crashes = [p for p in files if p.name.startswith("crash-")]
    detail = f"{folder}: {_plural(len(files), 'file')}"
    if crashes:
        newest = max(p.stat().st_mtime for p in crashes)
        when = datetime.fromtimestamp(newest).astimezone()
        detail += f", {_plural(len(crashes), 'crash report')} (newest {when:%Y-%m-%d %H:%M})"
        if time.time() - newest < 24 * 3600:
            yield Finding(Status.WARN, "logs", detail, "the kiosk crashed in the last day: "
                                                       "send the organisers a bundle "
                                                       "(doctor --bundle diag.zip)")
            return
    yield Finding(Status.PASS, "logs", detail)


def _check_remote(run: _Run) -> Iterator[Finding]:
    """Whether the volunteers' remote is on and its port can be reached (or taken) here."""
    from PySide6.QtNetwork import QNetworkInterface

    from kiosk.core import remote

    settings, problem = remote.load_settings(paths.config_dir())
    if problem:
        yield Finding(Status.WARN, "remote", problem, "switch the remote on again in the "
                                                      "host's window and pair the phones")
        return
    if not settings.enabled:
        yield Finding(Status.PASS, "remote", "off (switched on in the host's window)")
        return
    found = [a.toString() for a in QNetworkInterface.allAddresses()]
    lan = remote.phone_addresses(remote.listen_addresses(found))
    yield remote_finding(settings.port, lan)


def remote_finding(port: int, lan: Sequence[str]) -> Finding:
    """The remote's port on this computer's addresses: a running kiosk answering there, a
    port free for it, or another program holding it."""
    if not lan:
        return Finding(Status.WARN, "remote", f"on (port {port}), but this computer is on no "
                                              "local network: no phone can reach it",
                       "connect the PC to the hall's Wi-Fi or network cable")
    places = ", ".join(f"http://{a}:{port}" for a in lan)
    answers = [_remote_answers(a, port) for a in ("127.0.0.1", *lan)]
    if all(a == "kiosk" for a in answers):
        return Finding(Status.PASS, "remote", f"on, the kiosk answers at {places} (a phone "
                                              "also needs the firewall to let it in)")
    if any(a == "other" for a in answers):
        return Finding(Status.FAIL, "remote", f"port {port} is used by another program",
                       "the kiosk takes the next free port; or close that program")
    if all(a == "nothing" for a in answers):
        return Finding(Status.PASS, "remote", f"on, port {port} is free: phones reach "
                                              f"{places} while the kiosk runs")
    return Finding(Status.WARN, "remote", f"on, but the kiosk answers on only some of "
                                          f"{places}", "restart the kiosk")


def _remote_answers(address: str, port: int) -> str:
    """"kiosk" (the remote's own refusal of a stranger), "other" or "nothing"."""
    import socket
    import urllib.error
    import urllib.request

    try:
        with socket.create_connection((address, port), timeout=1.0):
            pass
    except OSError:
        return "nothing"
    try:
        with urllib.request.urlopen(f"http://{address}:{port}/api/state", timeout=2.0):
            pass
    except urllib.error.HTTPError as error:
        with error:
            try:
                body = json.loads(error.read().decode("utf-8", "replace"))
            except ValueError:
                return "other"
        return "kiosk" if error.code == 401 and body.get("error") == "not paired" else "other"
    except OSError:
        return "other"
    return "other"


def versions(known: dict[str, str]) -> dict[str, str]:
    """watchparty-kiosk, Python, Qt, libVLC, yt-dlp, deno and the OS, as far as known."""
    from kiosk.selftest import _dist_version

    found = {"watchparty-kiosk": __version__, "Python": platform.python_version()}
    with contextlib.suppress(ImportError):
        import PySide6
        from PySide6.QtCore import qVersion

        found["PySide6"] = PySide6.__version__
        found["Qt"] = qVersion()
    found["python-vlc"] = known.get("python-vlc") or _dist_version("python-vlc")
    found["libVLC"] = known.get("libVLC", "not loaded")
    found["yt-dlp"] = known.get("yt-dlp") or _dist_version("yt-dlp")
    found["yt-dlp-ejs"] = known.get("yt-dlp-ejs") or _dist_version("yt-dlp-ejs")
    found["deno"] = known.get("deno", "not found")
    found["OS"] = _os_name()
    found["frozen"] = "yes" if getattr(sys, "frozen", False) else "no"
    return found


def _check_versions(run: _Run) -> Iterator[Finding]:
    run.versions = versions(run.versions)
    shown = {k: v for k, v in run.versions.items() if k not in ("Qt", "frozen", "yt-dlp-ejs")}
    qt = f" (Qt {run.versions['Qt']})" if "Qt" in run.versions else ""
    parts = [f"{k} {v}{qt if k == 'PySide6' else ''}" if k != "OS" else v
             for k, v in shown.items()]
    yield Finding(Status.PASS, "versions", ", ".join(parts))


def _os_name() -> str:
    if sys.platform.startswith("win"):
        return f"Windows {platform.release()} ({platform.version()}, {platform.machine()})"
    if sys.platform == "darwin":
        return f"macOS {platform.mac_ver()[0]} ({platform.machine()})"
    name = ""
    with contextlib.suppress(OSError, AttributeError):
        name = platform.freedesktop_os_release().get("PRETTY_NAME", "")
    return f"{name or platform.system()} (Linux {platform.release()}, {platform.machine()})"


# ---------------------------------------------------------------------- the bundle


README = """\
watchparty-kiosk diagnostics bundle
made {made} by watchparty-kiosk {version} on {os}
config: {config}

doctor.txt        what `watchparty-kiosk doctor` found, line by line
versions.json     the versions of the kiosk and of everything it uses
config/           the config file, and the last copy of it that loaded cleanly (if any)
logs/             the kiosk's logs, the supervisor's log, crash reports and event logs
                  from {logs}
feed-cache.json   which organisers' feeds this kiosk keeps for offline starts, and when it
                  last had them (addresses and times only, not their contents or pictures)

Never included: cookies files (the config's stream.cookies, which could sign anyone in to
the YouTube account), pictures, and anything outside the kiosk's own folders.
"""


def write_bundle(target: Path, *, report: str, versions: dict[str, str],
                 config_path: Path | None, config: Config | None = None) -> int:
    """Write the diagnostics zip to ``target`` atomically; returns its size. Raises OSError."""
    from kiosk.core import atomic, lastgood
    from kiosk.platform.logs import log_files

    log_dir = paths.log_dir()
    source = config_path or paths.builtin_config()
    secret = {_resolved(config.stream.cookies)} if config and config.stream.cookies else set()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(
            made=datetime.now().astimezone().isoformat(timespec="seconds"),
            version=__version__, os=versions.get("OS", _os_name()), config=source,
            logs=log_dir))
        archive.writestr("doctor.txt", report)
        archive.writestr("versions.json", json.dumps(versions, indent=2, ensure_ascii=False)
                         + "\n")
        names: set[str] = set()

        def add(path: Path, folder: str, name: str | None = None) -> None:
            if _resolved(path) in secret or "cookie" in path.name.lower():
                return
            member = f"{folder}/{name or path.name}"
            if member in names:
                return
            with contextlib.suppress(OSError):
                archive.writestr(member, _tail(path, MAX_LOG_BYTES))
                names.add(member)

        if source.is_file():
            add(source, "config")
        text_name, _ = lastgood._names(source)
        copy = paths.state_dir() / text_name
        if copy.is_file():
            add(copy, "config", f"last-good-copy-of-{source.name}")
        for path in log_files(log_dir):
            add(path, "logs")
        archive.writestr("feed-cache.json", json.dumps(_feed_index(), indent=2,
                                                       ensure_ascii=False) + "\n")
    data = buffer.getvalue()
    target = target.expanduser()
    if target.parent != Path():
        target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(target, data)
    return len(data)


def _feed_index() -> list[dict[str, Any]]:
    """The header of every kept feed document (address, type, when, validators, length)."""
    from kiosk.core.feedcache import DOCUMENT_SUFFIX

    folder = paths.cache_dir() / "feeds" / "documents"
    index: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*" + DOCUMENT_SUFFIX)) if folder.is_dir() else []:
        try:
            with path.open("rb") as handle:
                head = json.loads(handle.readline(64 * 1024))
        except (OSError, ValueError):
            index.append({"file": path.name, "problem": "unreadable"})
            continue
        if isinstance(head, dict):
            index.append({"file": path.name, **{k: head.get(k) for k in (
                "url", "content_type", "fetched_at", "etag", "last_modified", "length",
                "sha256")}})
    return index


def _tail(path: Path, limit: int) -> bytes:
    """The file, or its last ``limit`` bytes when it is longer (the newest lines)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size <= limit:
            handle.seek(0)
            return handle.read()
        handle.seek(size - limit)
        return b"[... the first %d bytes are left out ...]\n" % (size - limit) + handle.read()


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path



def _print(line: str, *, error: bool = False) -> None:
    """Print a line; a console that cannot show a character gets a '?' instead, and a
    windowed build without a console gets nothing."""
    stream = sys.stderr if error else sys.stdout
    if stream is None:
        return
    try:
        print(line, file=stream, flush=True)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        with contextlib.suppress(OSError, ValueError):
            print(line.encode(encoding, "replace").decode(encoding), file=stream, flush=True)
    except (OSError, ValueError):
        pass
