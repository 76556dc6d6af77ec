"""One look at an organisers' feed (fetch, validate, cache), its pictures, and the host's view.

``poll`` and ``fetch_images`` are synchronous and run off the GUI thread (the app's feed
service) or inline (``check --refresh``, ``snapshot --refresh``). They never raise for a
network or document problem: the ``Outcome`` (or the list of warnings) says what happened.
``FeedStatus`` is what the kiosk knows about one feed; ``effective`` folds the good documents
over the config; ``status_line`` and ``problem_lines`` are the words the host sees.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from pathlib import PurePosixPath
from urllib.parse import urlparse

import requests

from kiosk.core.config import Config, FeedSource, Slide
from kiosk.core.errors import ConfigInvalid
from kiosk.core.feedcache import CachedDocument, FeedCache
from kiosk.core.feeds import FeedDocument, merge, parse_feed
from kiosk.core.fetch import Fetched, FetchError, Limits, fetch, sniff_image
from kiosk.core.i18n import At, Words

# Checks a downloaded picture by decoding it; returns None when it is good, else the reason.
ImageCheck = Callable[[bytes], "str | None"]
DEFAULT_LIMITS = Limits()
# Remote pictures the kiosk will draw: raster formats only (an SVG can pull in other files).
RASTER = ("png", "jpeg", "gif", "webp", "bmp")


class Result(StrEnum):
    UPDATED = "updated"  # a new good document
    UNCHANGED = "unchanged"  # the server said 304, or sent the very same bytes again
    REJECTED = "rejected"  # the document is broken; the last good one stays
    FAILED = "failed"  # no document at all (network, HTTP status, size)


@dataclass(frozen=True)
class Outcome:
    result: Result
    at: datetime
    document: FeedDocument | None = None
    digest: str = ""  # sha256 of the body this outcome is about ("" when none arrived)
    reason: str = ""  # one line for the host (FAILED, REJECTED)
    errors: tuple[str, ...] = ()  # every problem found in a REJECTED document
    warnings: tuple[str, ...] = ()  # a copy that could not be kept, and the like
    saved: bool = False  # the cache on disk was written (a new document, or a confirmation)
    bytes_received: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class FeedStatus:
    """What the kiosk knows about one feed."""

    source: FeedSource
    document: FeedDocument | None = None  # the last good document, in force
    digest: str = ""  # its body's sha256
    updated_at: datetime | None = None  # when it was last fetched or confirmed unchanged
    saved_at: datetime | None = None  # when the cache on disk last said so
    offline_since: datetime | None = None  # the first failure since the last answer
    reason: str = ""  # why the latest look failed
    rejected_digest: str = ""  # the broken body the server still serves
    rejected_reason: str = ""  # what is wrong with it (its first error)
    warnings: tuple[str, ...] = ()
    failures: int = 0  # failed looks in a row (for the backoff)
    # The sha256 of the body the cache on disk holds ("" when none): not ``digest`` when the
    # version in force could not be written (a full disk); the next look writes it then.
    cached_digest: str = ""

    def after(self, outcome: Outcome) -> FeedStatus:
        """The status once ``outcome`` is known."""
        saved_at = outcome.at if outcome.saved else self.saved_at
        cached = outcome.digest if outcome.saved else self.cached_digest
        match outcome.result:
            case Result.UPDATED:
                return dataclasses.replace(
                    self, document=outcome.document, digest=outcome.digest,
                    updated_at=outcome.at, saved_at=saved_at, offline_since=None, reason="",
                    rejected_digest="", rejected_reason="", warnings=outcome.warnings,
                    failures=0, cached_digest=cached)
            case Result.UNCHANGED:
                # The good version is served again: any broken one in between is over. A
                # copy written at last clears the warning that it could not be.
                warnings = (outcome.warnings if outcome.warnings or outcome.saved
                            else self.warnings)
                return dataclasses.replace(self, updated_at=outcome.at, saved_at=saved_at,
                                           offline_since=None, reason="", rejected_digest="",
                                           rejected_reason="", failures=0,
                                           warnings=warnings, cached_digest=cached)
            case Result.REJECTED:
                return dataclasses.replace(self, rejected_digest=outcome.digest,
                                           rejected_reason=outcome.reason, reason="",
                                           offline_since=None, failures=0)
            case Result.FAILED:
                return dataclasses.replace(self, reason=outcome.reason,
                                           offline_since=self.offline_since or outcome.at,
                                           failures=self.failures + 1)


# A 304 rewrites the cached copy's "confirmed at" time at most this often (disk wear).
CONFIRM_EVERY = timedelta(minutes=10)


def poll(source: FeedSource, base: Config, session: requests.Session, cache: FeedCache,
         known: FeedStatus, *, limits: Limits = DEFAULT_LIMITS,
         now: Callable[[], datetime] | None = None) -> Outcome:
    """Look at one feed once. A good new document is cached before it is returned; the
    document in force, served again, costs a conditional request and no parsing. Its
    pictures are another step (``fetch_images``), so that a slow picture server never
    holds up a new running order."""
    clock = now or (lambda: datetime.now(UTC))
    try:
        fetched = fetch(session, source.url, limits=limits)
    except FetchError as exc:
        return Outcome(Result.FAILED, clock(), reason=exc.reason)

    def counted(outcome: Outcome) -> Outcome:
        return dataclasses.replace(outcome, bytes_received=fetched.bytes_received,
                                   seconds=fetched.seconds)

    digest = hashlib.sha256(fetched.body).hexdigest()
    # Unchanged only if it is the very document in force: the HTTP cache's copy (a 304) and
    # the kept document can disagree (a copy deleted, or set aside as no longer fitting).
    if digest == known.digest and known.document is not None:
        when = clock()
        if known.cached_digest != digest:
            # The copy on disk is not this version (the disk was full when it came): keep
            # this one now, and never confirm the older one as if it were.
            saved, warnings = _keep(cache, source, fetched, when)
            return counted(Outcome(Result.UNCHANGED, when, digest=digest, saved=saved,
                                   warnings=warnings))
        saved = known.saved_at is None or when - known.saved_at >= CONFIRM_EVERY
        if saved:
            saved = _touch(cache, source.url, when)
        return counted(Outcome(Result.UNCHANGED, when, digest=digest, saved=saved))
    if digest == known.rejected_digest:
        return counted(Outcome(Result.REJECTED, clock(), digest=digest,
                               reason=known.rejected_reason))
    try:
        document = parse(fetched.body, source, fetched.content_type)
        merge(base, document)  # the times must fit the event too
    except ConfigInvalid as exc:
        lines = tuple(str(e) for e in exc.errors)
        return counted(Outcome(Result.REJECTED, clock(), digest=digest, reason=lines[0],
                               errors=lines))
    saved, warnings = _keep(cache, source, fetched, clock())
    return counted(Outcome(Result.UPDATED, clock(), document=document, digest=digest,
                           warnings=warnings, saved=saved))


def _keep(cache: FeedCache, source: FeedSource, fetched: Fetched, when: datetime
          ) -> tuple[bool, tuple[str, ...]]:
    """Write ``fetched`` as the copy kept for offline starts: (saved, warnings)."""
    try:
        cache.save(CachedDocument(url=source.url, body=fetched.body,
                                  content_type=fetched.content_type, fetched_at=when,
                                  etag=fetched.etag, last_modified=fetched.last_modified))
    except OSError as exc:
        return False, (f"could not keep a copy for offline use: {exc.strerror or exc}",)
    return True, ()


def parse(body: bytes, source: FeedSource, content_type: str = "") -> FeedDocument:
    """A feed body as a validated document; raises ConfigInvalid saying where and what."""
    name = source.url
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from kiosk.core.errors import ConfigError

        raise ConfigInvalid([ConfigError(name, 1, 1, "", f"not UTF-8 text (byte {exc.start})")]
                            ) from None
    if feed_format(source, content_type) == "csv":
        from kiosk.core.feedcsv import parse_csv

        return parse_csv(text, name)
    return parse_feed(text, name)


def feed_format(source: FeedSource, content_type: str = "") -> str:
    """csv or yaml (JSON is YAML to the parser): the config says, else the address or type."""
    if source.format != "auto":
        return "csv" if source.format == "csv" else "yaml"
    address = urlparse(source.url)
    if (content_type in ("text/csv", "application/csv")
            or PurePosixPath(address.path).suffix.lower() == ".csv"
            or "output=csv" in address.query or "format=csv" in address.query):
        return "csv"
    return "yaml"


def image_urls(document: FeedDocument | Config) -> tuple[str, ...]:
    """Every remote picture a document's (or a config's) slides name, once each."""
    slides = document.slides or ()
    urls = [s.image_url if isinstance(s, Slide) else s.get("image") for s in slides]
    if isinstance(document, Config):  # the theme's logo and background picture
        urls += [document.theme.logo_url, document.theme.background_image_url]
    return tuple(dict.fromkeys(u for u in urls if isinstance(u, str) and u))


def missing_images(config: Config, cache: FeedCache) -> tuple[str, ...]:
    """The config's remote pictures that have no cached copy yet."""
    return tuple(u for u in image_urls(config) if not cache.has_image(u))


def fetch_images(urls: Iterable[str], session: requests.Session, cache: FeedCache, *,
                 limits: Limits = DEFAULT_LIMITS, check_image: ImageCheck | None = None,
                 shrink: Callable[[bytes], bytes] | None = None) -> list[str]:
    """Download and cache each picture that decodes; returns a line per one that could not be
    used (a copy cached earlier stays in use). ``shrink`` may make a picture smaller than
    any TV needs before it is kept (decoding it later then costs the screen less)."""
    problems: list[str] = []
    for url in urls:
        problem = _fetch_image(url, session, cache, limits, check_image, shrink)
        if problem:
            problems.append(
                Words("picture {url}: {problem} (the copy from before stays)", url=url,
                      problem=problem) if cache.has_image(url)
                else Words("picture {url}: {problem}", url=url, problem=problem))
    return problems


def _fetch_image(url: str, session: requests.Session, cache: FeedCache, limits: Limits,
                 check_image: ImageCheck | None, shrink: Callable[[bytes], bytes] | None
                 ) -> str:
    try:
        fetched = fetch(session, url, limits=limits, max_bytes=limits.max_image_bytes)
    except FetchError as exc:
        return exc.reason
    if fetched.not_modified and cache.has_image(url):
        return ""
    kind = sniff_image(fetched.body)
    if kind is None:
        return Words("not a picture ({what})",
                     what=fetched.content_type or Words("unknown content"))
    if kind not in RASTER:
        return Words("{kind} pictures must be local files; publish a PNG or JPEG",
                     kind=kind.upper())
    if check_image is not None:
        problem = check_image(fetched.body)
        if problem:
            return problem
    try:
        cache.save_image(url, shrink(fetched.body) if shrink is not None else fetched.body)
    except OSError as exc:
        return Words("could not be cached: {error}", error=exc.strerror or exc)
    return ""


def _touch(cache: FeedCache, url: str, when: datetime) -> bool:
    # On failure only the "confirmed at" time is lost; the document itself is intact.
    try:
        cache.touch(url, when)
    except OSError:
        return False
    return True


# --------------------------------------------------------------------------- start-up, merge


def cached_status(source: FeedSource, base: Config, cache: FeedCache) -> FeedStatus:
    """The feed as the cache left it: its last good document, so a kiosk that starts offline
    shows the latest known running order. A cached copy that no longer fits is set aside."""
    cached = cache.load(source.url)
    if cached is None:
        return FeedStatus(source)
    try:
        document = parse(cached.body, source, cached.content_type)
        merge(base, document)
    except ConfigInvalid as exc:
        return FeedStatus(source, reason=Words("the saved copy no longer fits: {error}",
                                               error=exc.errors[0]))
    digest = hashlib.sha256(cached.body).hexdigest()
    return FeedStatus(source, document=document, digest=digest,
                      updated_at=cached.fetched_at, saved_at=cached.fetched_at,
                      cached_digest=digest)


def statuses(base: Config, cache: FeedCache, *, session: requests.Session | None = None,
             limits: Limits = DEFAULT_LIMITS) -> list[FeedStatus]:
    """Every feed of ``base`` as the cache has it; with a ``session``, looked at once first,
    so that the cache holds what the servers publish now."""
    found = [cached_status(source, base, cache) for source in base.feeds]
    if session is not None:
        found = [status.after(poll(status.source, base, session, cache, status, limits=limits))
                 for status in found]
    return found


def effective(base: Config, statuses: Iterable[FeedStatus], cache: FeedCache | None = None
              ) -> Config:
    """The config with every good feed document folded over it, in the config's order, and
    remote pictures pointing at their cached copies."""
    config = base
    for status in statuses:
        if status.document is not None:
            try:
                config = merge(config, status.document)
            except ConfigInvalid:
                continue  # checked against the same event when it arrived; cannot happen
    if cache is not None:
        config = with_cached_images(config, cache)
    return config


def with_cached_images(config: Config, cache: FeedCache) -> Config:
    slides = tuple(
        dataclasses.replace(s, image=cache.image_path(s.image_url))
        if s.image_url and s.image is None and cache.has_image(s.image_url) else s
        for s in config.slides
    )
    theme = config.theme
    for path_key, url_key in (("logo", "logo_url"),
                              ("background_image", "background_image_url")):
        url = getattr(theme, url_key)
        if url and getattr(theme, path_key) is None and cache.has_image(url):
            theme = dataclasses.replace(theme, **{path_key: cache.image_path(url)})  # type: ignore[arg-type]
    if slides == config.slides and theme == config.theme:
        return config
    return dataclasses.replace(config, slides=slides, theme=theme)


def status_line(status: FeedStatus, zone: tzinfo, now: datetime | None = None) -> str:
    """``updated 18:42`` or ``offline since 18:40`` (venue time; with the day when it was not
    today), plus why, for the host: ``Words``, said in the kiosk's language where shown."""
    name = feed_name(status.source)
    today = now or datetime.now(UTC)

    def when(instant: datetime) -> At:
        return At(instant, zone, today)

    # When the copy still in force was fetched (None: no copy is in force).
    kept = (when(status.updated_at) if status.updated_at is not None
            and status.document is not None else None)
    if status.offline_since is not None:
        if kept is not None:
            return Words("{name}: offline since {time} ({reason}); showing the copy from "
                         "{kept}", name=name, time=when(status.offline_since),
                         reason=status.reason, kept=kept)
        return Words("{name}: offline since {time} ({reason})", name=name,
                     time=when(status.offline_since), reason=status.reason)
    if status.rejected_digest:
        if kept is not None:
            return Words("{name}: new version rejected: {reason}; the copy from {kept} stays",
                         name=name, reason=status.rejected_reason, kept=kept)
        return Words("{name}: new version rejected: {reason}", name=name,
                     reason=status.rejected_reason)
    if status.updated_at is not None:
        return Words("{name}: updated {time}", name=name, time=when(status.updated_at))
    if status.reason:
        return Words("{name}: {reason}", name=name, reason=status.reason)
    return Words("{name}: waiting for the first answer", name=name)


def problem_lines(statuses: Iterable[FeedStatus], zone: tzinfo,
                  now: datetime | None = None) -> tuple[str, ...]:
    """What the host must be told: offline or rejected feeds, and pictures not used."""
    lines: list[str] = []
    for status in statuses:
        if status.offline_since is not None or status.rejected_digest or (
                status.reason and status.updated_at is None):
            # TRANSLATORS: {line} is a feed's state, "example.org/feed.yaml: offline since…".
            lines.append(Words("Feed {line}", line=status_line(status, zone, now)))
        lines.extend(Words("Feed {line}", line=Words("{name}: {reason}",
                                                     name=feed_name(status.source), reason=w))
                     for w in status.warnings)
    return tuple(lines)


def feed_name(source: FeedSource) -> str:
    """A short name for a feed: its host and file name."""
    address = urlparse(source.url)
    file = PurePosixPath(address.path).name
    return f"{address.hostname or source.url}/{file}" if file else (address.hostname or "")

