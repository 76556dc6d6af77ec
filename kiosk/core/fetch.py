"""Fetching feeds and pictures over HTTP: time and size limits, revalidation, short reasons.

Conditional requests come from CacheControl (an HTTP cache for requests): it keeps the last
answer with its validators and asks If-None-Match / If-Modified-Since, turning a 304 into the
kept body. Every fetch sends ``Cache-Control: max-age=0``, so a server's ``max-age`` never
stops a poll from reaching it. The body is streamed and bounded here: at most ``max_bytes``
(decoded), within ``total_timeout`` even when the server drips, and a body that fails on the
way (too large, cut off, too slow) leaves nothing in the HTTP cache.
"""

from __future__ import annotations

import contextlib
import http.client
import random
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import urllib3
from cachecontrol import CacheControlAdapter
from cachecontrol.cache import BaseCache, DictCache
from cachecontrol.caches import FileCache
from cachecontrol.heuristics import BaseHeuristic
from cachecontrol.serialize import Serializer

from kiosk import __version__
from kiosk.core.i18n import Words

if TYPE_CHECKING:
    from requests import PreparedRequest

# Organisers see this in their server logs: which program polls them, and which version.
USER_AGENT = f"watchparty-kiosk/{__version__} (a community watch-party kiosk)"
CHUNK = 64 * 1024
# Whatever goes wrong on the way, below requests' own exceptions.
_NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError,
                   http.client.HTTPException, OSError)


@dataclass(frozen=True)
class Limits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0  # per socket read, and for the answer's headers
    total_timeout: float = 20.0  # the whole body, even a slow drip; enforced while reading
    max_bytes: int = 2_000_000  # feed documents
    max_image_bytes: int = 8_000_000

    def __post_init__(self) -> None:
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ValueError("fetch timeouts must be positive")
        if min(self.max_bytes, self.max_image_bytes) < 1:
            raise ValueError("fetch size limits must be positive")


class FetchError(Exception):
    """A fetch that brought nothing usable; ``reason`` (and ``str()``) is a short reason for
    the host (``Words``, said in the kiosk's language where it is shown)."""

    @property
    def reason(self) -> str:
        first = self.args[0] if self.args else ""
        return first if isinstance(first, str) else str(first)


@dataclass(frozen=True)
class Fetched:
    url: str  # the address that answered (after any redirects)
    body: bytes
    content_type: str  # lowercased media type without parameters, "" if none
    not_modified: bool  # the server said 304: ``body`` is the copy kept from before
    etag: str
    last_modified: str
    bytes_received: int  # body bytes read off the wire (before decompression); 0 on a 304
    seconds: float


def make_session(cache_dir: Path | None, *, user_agent: str = USER_AGENT) -> requests.Session:
    """A session that revalidates what it fetched before, its HTTP cache in ``cache_dir``
    (kept between runs) or in memory when None.

    Use one session from one thread at a time (one per worker thread); each ``fetch`` on it
    is self-contained.
    """
    cache: BaseCache = DictCache() if cache_dir is None else _QuietFileCache(cache_dir)
    adapter = CacheControlAdapter(cache=cache, heuristic=_KeepLastModified(),
                                  serializer=_QuietSerializer())
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    return session


def fetch(session: requests.Session, url: str, *, limits: Limits = Limits(),
          max_bytes: int | None = None) -> Fetched:
    """GET ``url`` within ``limits`` (``max_bytes`` overrides ``limits.max_bytes``).

    Raises FetchError for every network, HTTP or size problem, and nothing else for those.
    """
    limit = limits.max_bytes if max_bytes is None else max_bytes
    _check_address(url)
    started = time.monotonic()
    deadline = started + limits.total_timeout
    try:
        # max-age=0: revalidate what is kept, whatever freshness the server granted it.
        response = session.get(url, stream=True, headers={"Cache-Control": "max-age=0"},
                               timeout=(limits.connect_timeout, limits.read_timeout))
    except _NETWORK_ERRORS as exc:
        raise FetchError(_reason(exc, url, limits)) from exc
    with response:
        _check_status(response)
        try:
            body = _read_body(response, limit, limits, deadline)
        except FetchError:
            # Whatever of the body got into the HTTP cache on the way must not come back
            # on a later 304; the next fetch of this address asks without validators.
            _forget(session, response.url or url)
            raise
        not_modified = bool(getattr(response, "from_cache", False))
        headers = response.headers
        return Fetched(
            url=response.url or url,
            body=body,
            content_type=headers.get("Content-Type", "").split(";", 1)[0].strip().lower(),
            not_modified=not_modified,
            etag=headers.get("ETag", ""),
            last_modified=headers.get("Last-Modified", ""),
            bytes_received=0 if not_modified else _wire_bytes(response),
            seconds=time.monotonic() - started,
        )


def sniff_image(body: bytes) -> str | None:
    """The picture format by its first bytes: "png", "jpeg", "gif", "webp", "bmp" or "svg";
    None for anything else (an HTML error page, text, nothing)."""
    if body.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if body.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if body.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "webp"
    # "BM" alone is too common a start for text; the DIB header size must be a known one.
    if body[:2] == b"BM" and len(body) >= 26 and int.from_bytes(body[14:18], "little") in (
            12, 40, 52, 56, 64, 108, 124):
        return "bmp"
    if _SVG_START.match(body[:1024]):
        return "svg"
    return None


def poll_delay(interval: float, failures: int, rng: random.Random) -> float:
    """Seconds until the next look at a feed polled every ``interval`` seconds.

    After a success (``failures`` == 0): ``interval`` ± 10 %, so many kiosks started together
    drift apart instead of polling in lockstep. After ``failures`` failures in a row: a
    ceiling of ``min(interval, 5)`` seconds doubling with each failure up to
    ``max(interval, 300)``, and a delay drawn between half the ceiling and the ceiling
    ("equal jitter"): never sooner than half the first step, never later than the cap.
    """
    if interval <= 0 or failures < 0:
        raise ValueError("poll_delay needs a positive interval and failures >= 0")
    if failures == 0:
        return interval * rng.uniform(0.9, 1.1)
    first, cap = min(interval, 5.0), max(interval, 300.0)
    ceiling = min(cap, first * 2.0 ** min(failures - 1, 64))
    return rng.uniform(ceiling / 2, ceiling)


# --------------------------------------------------------------------------- reading the answer


def _check_status(response: requests.Response) -> None:
    status = response.status_code
    if status == 304:
        # A 304 to a request without validators (or the kept copy vanished in between):
        # there is nothing to reuse.
        raise FetchError(Words("HTTP 304 Not Modified, but no copy is kept"))
    if not 200 <= status < 300:
        phrase = response.reason or _phrase(status)
        raise FetchError(f"HTTP {status} {phrase}".rstrip())


def _read_body(response: requests.Response, limit: int, limits: Limits,
               deadline: float) -> bytes:
    declared = _declared_length(response)
    if declared is not None and declared > limit:
        raise FetchError(Words("larger than {size}", size=format_size(limit)))
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    watch = _Deadline(raw, deadline)
    try:
        while True:
            # Never more than limit + 1 bytes: one byte over tells "too large".
            data = raw.read(min(CHUNK, limit + 1 - size), decode_content=True)
            if watch.expired or time.monotonic() > deadline:
                break
            if not data:
                break
            size += len(data)
            if size > limit:
                raise FetchError(Words("larger than {size}", size=format_size(limit)))
            chunks.append(data)
    except _NETWORK_ERRORS as exc:
        if not (watch.expired or time.monotonic() > deadline):
            raise FetchError(_cut_off(response, declared, exc, limits)) from exc
    finally:
        watch.cancel()
    if watch.expired or time.monotonic() > deadline:
        raise FetchError(Words("too slow: not complete within {seconds} s",
                               seconds=format(limits.total_timeout, "g")))
    return b"".join(chunks)


class _Deadline:
    """Shuts the socket's reading side at the deadline, so a read blocked on a server that
    drips a byte now and then returns (urllib3's HTTPResponse.shutdown is made for this)."""

    def __init__(self, raw: Any, deadline: float) -> None:
        self._raw = raw
        self._lock = threading.Lock()
        self._over = False
        self.expired = False
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            if self._over:
                return
            self.expired = True
            # A kept copy or a connection already released has no socket to stop.
            with contextlib.suppress(ValueError, RuntimeError, OSError, AttributeError):
                self._raw.shutdown()

    def cancel(self) -> None:
        with self._lock:
            self._over = True
        self._timer.cancel()


def _declared_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length", "").strip()
    return int(value) if value.isdigit() else None


def _wire_bytes(response: requests.Response) -> int:
    try:
        return int(response.raw.tell())
    except (AttributeError, TypeError, ValueError, OSError):
        return 0


def _cut_off(response: requests.Response, declared: int | None, exc: BaseException,
             limits: Limits) -> str:
    causes = list(_chain(exc))
    if any(isinstance(c, (TimeoutError, urllib3.exceptions.TimeoutError)) for c in causes):
        return Words("stalled: no data for {seconds} s", seconds=format(limits.read_timeout, "g"))
    if any(isinstance(c, urllib3.exceptions.DecodeError) for c in causes):
        packing = response.headers.get("Content-Encoding", "").strip().lower()
        return Words("could not unpack the answer ({packing})", packing=packing)
    # Bytes of completed reads, plus what the failing read got (http.client hands it over).
    received = _wire_bytes(response) + max(
        (len(c.partial) for c in causes
         if isinstance(c, http.client.IncompleteRead) and isinstance(c.partial, bytes)),
        default=0)
    if declared is not None:
        return Words("cut off after {received} of {declared} bytes", received=received,
                     declared=declared)
    return Words("cut off after {received} bytes", received=received)


def _forget(session: requests.Session, url: str) -> None:
    try:
        adapter = session.get_adapter(url)
    except requests.exceptions.InvalidSchema:
        return
    if isinstance(adapter, CacheControlAdapter):
        # An entry that cannot be deleted cannot be read either.
        with contextlib.suppress(OSError, ValueError):
            adapter.cache.delete(adapter.controller.cache_url(url))


# --------------------------------------------------------------------------- reasons


def _check_address(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise FetchError(Words("not a web address")) from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FetchError(Words("not a web address"))


def _reason(exc: BaseException, url: str, limits: Limits) -> str:
    where = _host(url)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Words("no connection within {seconds} s ({where})",
                     seconds=format(limits.connect_timeout, "g"), where=where)
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Words("no answer within {seconds} s", seconds=format(limits.read_timeout, "g"))
    if isinstance(exc, requests.exceptions.SSLError):
        return Words("secure connection failed ({where})", where=where)
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return Words("too many redirects")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
                        requests.exceptions.MissingSchema)):
        return Words("not a web address")
    causes = list(_chain(exc))
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return Words("connection refused ({where})", where=where)
    if any(isinstance(c, (socket.gaierror, urllib3.exceptions.NameResolutionError))
           for c in causes):
        return Words("no such host ({host})", host=_host(url, port=False))
    if any(isinstance(c, (ConnectionResetError, http.client.RemoteDisconnected))
           for c in causes):
        return Words("the server closed the connection ({where})", where=where)
    if any(isinstance(c, (TimeoutError, urllib3.exceptions.TimeoutError)) for c in causes):
        return Words("no answer within {seconds} s", seconds=format(limits.read_timeout, "g"))
    return Words("could not fetch ({where}): {error}", where=where,
                 error=type(causes[-1]).__name__)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (urllib3 and requests nest them deeply)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [e for e in (current.__cause__, current.__context__,
                             getattr(current, "reason", None))
                 if isinstance(e, BaseException)]
        todo += [a for a in current.args if isinstance(a, BaseException)]


def _host(url: str, *, port: bool = True) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if not port:
        return host
    number = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{host}:{number}"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def format_size(count: int) -> str:
    """A byte count as a host reads it: 2.0 MB, 10.0 kB, 300 bytes."""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    if count >= 1_000:
        return f"{count / 1_000:.1f} kB"
    return f"{count} bytes"


# An SVG document: an optional byte-order mark, XML declaration, processing instructions,
# comments and doctype, then the <svg element.
_SVG_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*"
    rb"(?:(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[[^\]]*\])?\s*>)\s*)*"
    rb"<svg[\s>/]",
    re.DOTALL,
)


# --------------------------------------------------------------------------- the HTTP cache


class _KeepLastModified(BaseHeuristic):
    """Keep an answer that has only Last-Modified, so the next fetch asks If-Modified-Since.

    CacheControl stores an answer only with an ETag or an explicit lifetime (max-age,
    Expires); its own LastModified heuristic also wants the document to be old. Every fetch
    revalidates anyway, so an Expires equal to Date (stale at once) is all it needs.
    """

    def update_headers(self, response: Any) -> dict[str, str]:
        headers = response.headers
        if (response.status != 200 or "last-modified" not in headers or "etag" in headers
                or "expires" in headers
                or "no-store" in headers.get("cache-control", "").lower()):
            return {}
        date = headers.get("date") or formatdate(usegmt=True)
        return {"Date": date, "Expires": date}

    def warning(self, response: Any) -> str | None:
        return None


class _QuietSerializer(Serializer):
    """A damaged cache entry is a miss, never an error (the library catches only some)."""

    def loads(self, request: PreparedRequest, data: bytes,
              body_file: IO[bytes] | None = None) -> Any:
        try:
            return super().loads(request, data, body_file)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


class _QuietFileCache(FileCache):
    """The HTTP cache on disk only saves bytes: a disk problem never fails a fetch."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))

    def get(self, key: str) -> bytes | None:
        try:
            return super().get(key)
        except OSError:
            return None

    def set(self, key: str, value: bytes, expires: Any = None) -> None:
        with contextlib.suppress(OSError):
            super().set(key, value, expires)

    def delete(self, key: str) -> None:
        with contextlib.suppress(OSError):
            super().delete(key)
