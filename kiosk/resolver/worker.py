"""``python -m kiosk.resolver.worker URL --max-height N``: run yt-dlp once, print one JSON object.

Runs in its own process (never in the GUI process: yt-dlp is heavy Python and would starve the
video callbacks, and it can hang). Prints exactly one JSON object on stdout:

- exit 0: the info dictionary, sanitised and trimmed to what ``kiosk.core.resolve.interpret``
  reads, plus ``_messages`` (yt-dlp's warnings, e.g. why a private video has no formats);
  a channel whose /live page has nothing on (yt-dlp's UserNotLive) is reported here as
  ``live_status: "not_live"``;
- exit 3: ``{"error": …, "kind": "unavailable"}`` (private, removed, 4xx, unsupported …);
- exit 4: ``{"error": …, "kind": "network" | "other"}`` (worth another try).

Nothing else reaches stdout: while yt-dlp runs, file descriptor 1 points at stderr (child
processes such as deno included), and every exception is turned into the JSON above.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Mapping
from typing import Any, NoReturn

from kiosk.resolver.outcome import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    KIND_NETWORK,
    KIND_NOT_LIVE,
    KIND_OTHER,
    KIND_UNAVAILABLE,
    classify_message,
    clean_message,
    not_live_info,
)

# What interpret() reads; everything else (thumbnails, subtitles, fragments…) is dropped.
TOP_KEYS = (
    "_type", "id", "title", "fulltitle", "live_status", "is_live", "was_live", "media_type",
    "release_timestamp", "availability", "webpage_url", "extractor_key", "duration",
    "url", "manifest_url", "protocol", "height", "width", "fps", "vcodec", "acodec",
    "format_id", "http_headers", "expire",
)
FORMAT_KEYS = (
    "format_id", "url", "manifest_url", "protocol", "height", "width", "fps", "vcodec",
    "acodec", "tbr", "ext", "has_drm", "format_note", "http_headers", "available_at",
)
MAX_ENTRIES = 5
MAX_MESSAGES = 20


class _Collector:
    """yt-dlp logger: keeps warnings and errors for the answer, prints nothing."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def debug(self, message: str) -> None:
        pass

    def info(self, message: str) -> None:
        pass

    def warning(self, message: str) -> None:
        self._keep(message)

    def error(self, message: str) -> None:
        self._keep(message)

    def _keep(self, message: str) -> None:
        text = clean_message(message)
        if text and text not in self.messages and len(self.messages) < MAX_MESSAGES:
            self.messages.append(text)


def trim_format(fmt: Mapping[str, Any], max_height: int) -> dict[str, Any] | None:
    """The keys interpret() reads; None for a format far above the cap (never chosen).

    HLS formats are always kept: their manifest_url is the thing to play and libVLC caps it.
    """
    height = fmt.get("height")
    is_hls = str(fmt.get("protocol") or "").startswith("m3u8")
    if isinstance(height, int) and height > max_height and not is_hls and not fmt.get(
            "manifest_url"):
        return None
    return {key: fmt[key] for key in FORMAT_KEYS if key in fmt}


def trim_info(info: Mapping[str, Any], max_height: int, depth: int = 0) -> dict[str, Any]:
    """A sanitised info dictionary cut down to what interpret() needs (entries included)."""
    out = {key: info[key] for key in TOP_KEYS if key in info}
    formats = info.get("formats")
    if isinstance(formats, list):
        trimmed = (trim_format(f, max_height) for f in formats if isinstance(f, Mapping))
        out["formats"] = [f for f in trimmed if f is not None]
    entries = info.get("entries")
    if isinstance(entries, list) and depth < 2:
        out["entries"] = [trim_info(e, max_height, depth + 1) for e in entries[:MAX_ENTRIES]
                          if isinstance(e, Mapping)]
    return out


def _deno_runtime() -> dict[str, dict[str, str]]:
    """yt-dlp ≥ 2025.11 solves YouTube's JS challenges with an external runtime; the `deno`
    PyPI package ships one. Its path is given explicitly (yt-dlp's `js_runtimes` param);
    when the package is missing yt-dlp still looks for deno on PATH."""
    try:
        import deno  # optional; only the worker process needs it

        return {"deno": {"path": deno.find_deno_bin()}}
    except (ImportError, OSError):
        return {"deno": {}}


def ytdlp_params(args: argparse.Namespace, logger: _Collector) -> dict[str, Any]:
    params: dict[str, Any] = {
        "quiet": True,
        "no_warnings": True,
        "skip_download": True,
        "ignore_no_formats_error": True,  # upcoming streams come back as data, not errors
        "noplaylist": False,
        "playlist_items": f"1-{MAX_ENTRIES}",
        "extract_flat": False,
        "noprogress": True,
        "logger": logger,
        "socket_timeout": max(5.0, min(args.timeout / 2, 30.0)),
        "js_runtimes": _deno_runtime(),
        # yt-dlp[default] installs the EJS challenge solver (yt-dlp-ejs), so nothing needs
        # fetching at run time; "ejs:github"/"ejs:npm" would download it.
        "remote_components": [],
    }
    if args.cookies:
        params["cookiefile"] = args.cookies
    return params


def _root_cause(exc: BaseException) -> BaseException:
    """The exception yt-dlp wrapped (DownloadError.exc_info, ExtractorError.cause)."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "exc_info", None)
        if (isinstance(inner, tuple) and len(inner) > 1
                and isinstance(inner[1], BaseException) and inner[1] is not exc):
            exc = inner[1]
            continue
        cause = getattr(exc, "cause", None)
        if isinstance(cause, BaseException) and not isinstance(cause, str):
            exc = cause
            continue
        break
    return exc


def classify_exception(exc: BaseException) -> str:
    """unavailable / network / not_live / other, by exception type first, then by text."""
    from yt_dlp.networking.exceptions import HTTPError, TransportError
    from yt_dlp.utils import GeoRestrictedError, UserNotLive

    chain = [exc, _root_cause(exc)]
    for item in chain:
        if isinstance(item, UserNotLive):
            return KIND_NOT_LIVE
        if isinstance(item, GeoRestrictedError):
            return KIND_UNAVAILABLE
        if isinstance(item, HTTPError):
            status = getattr(item, "status", 0) or 0
            return KIND_UNAVAILABLE if 400 <= status < 500 and status != 429 else KIND_NETWORK
        if isinstance(item, (TransportError, TimeoutError, ConnectionError)):
            return KIND_NETWORK
    kind = classify_message(str(exc))
    if kind != KIND_OTHER:
        return kind
    root = _root_cause(exc)
    if getattr(root, "expected", False) or getattr(exc, "expected", False):
        return KIND_UNAVAILABLE  # yt-dlp's "expected" errors are facts about the video
    return KIND_OTHER


class _Stdout:
    """Holds the real stdout aside while yt-dlp runs; exactly one answer gets written."""

    def __init__(self) -> None:
        sys.stdout.flush()
        self._fd = os.dup(1)
        os.dup2(2, 1)  # anything (yt-dlp, deno) writing to fd 1 lands on stderr
        sys.stdout = sys.stderr
        self._lock = threading.Lock()
        self._done = False

    def answer(self, payload: Mapping[str, Any], code: int) -> NoReturn:
        with self._lock:
            if not self._done:
                self._done = True
                data = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
                view = memoryview(data)
                while view:
                    written = os.write(self._fd, view)
                    view = view[written:]
        sys.stderr.flush()
        os._exit(code)  # no atexit/finalisers: nothing else may reach stdout


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kiosk.resolver.worker",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url")
    parser.add_argument("--max-height", type=int, default=1080)
    parser.add_argument("--cookies", default=None, help="a Netscape cookies.txt file")
    parser.add_argument("--timeout", type=float, default=45.0,
                        help="give up (exit 4) after this many seconds")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> NoReturn:
    args = _parse(argv)
    out = _Stdout()
    # A hard stop of our own, in case yt-dlp hangs below its socket timeout (a stalled read
    # loop, a JS challenge). The Qt side kills us anyway; this gives it a readable reason.
    timer = threading.Timer(args.timeout, lambda: out.answer(
        {"error": f"yt-dlp did not answer within {args.timeout:g} s", "kind": KIND_NETWORK},
        EXIT_FAILED))
    timer.daemon = True
    timer.start()
    logger = _Collector()
    try:
        import yt_dlp  # a second or so of imports; only here

        with yt_dlp.YoutubeDL(ytdlp_params(args, logger)) as ydl:
            info = ydl.extract_info(args.url, download=False)
            clean = ydl.sanitize_info(info)
    except BaseException as exc:  # every failure becomes an answer
        kind = classify_exception(exc)
        message = clean_message(str(exc)) or type(exc).__name__
        print(f"kiosk-resolver: {kind}: {message}", file=sys.stderr)
        if kind == KIND_NOT_LIVE:
            out.answer(not_live_info(args.url, message), EXIT_OK)
        code = EXIT_UNAVAILABLE if kind == KIND_UNAVAILABLE else EXIT_FAILED
        out.answer({"error": message, "kind": kind}, code)
    if not isinstance(clean, Mapping):
        out.answer({"error": "yt-dlp returned no information", "kind": KIND_OTHER}, EXIT_FAILED)
    answer = trim_info(clean, args.max_height)
    answer["_messages"] = logger.messages
    out.answer(answer, EXIT_OK)


if __name__ == "__main__":
    main()
