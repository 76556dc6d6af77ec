"""A finished resolver process (exit code, stdout, stderr) → an answer, or a reason to retry.

No Qt here: the Qt driver (resolver.py) and the tests both use it. Two kinds of process:
our own worker (``python -m kiosk.resolver.worker``, one JSON object, exit 0/3/4) and an
external ``yt-dlp -J`` (JSON on success, ``ERROR: …`` on stderr and exit 1 on failure).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from kiosk.core.resolve import Resolution, Status, interpret

EXIT_OK = 0
EXIT_UNAVAILABLE = 3
EXIT_FAILED = 4  # network trouble or anything else worth another try

KIND_UNAVAILABLE = "unavailable"
KIND_NETWORK = "network"
KIND_OTHER = "other"
KIND_NOT_LIVE = "not_live"

_MAX_REASON = 300
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# yt-dlp appends this to unexpected errors; the host does not need it.
_BUG_REPORT = re.compile(r";?\s*please report this issue on\s.*$", re.IGNORECASE | re.DOTALL)
# "… HTTP Error 404: Not Found (caused by <HTTPError 404: Not Found>)": the cause repeats it.
_CAUSED_BY = re.compile(r"\s*\(caused by .*\)\s*$", re.DOTALL)
_HTTP_CLIENT_ERROR = re.compile(r"HTTP Error (4(?!29)\d\d)")
_NETWORK_TEXT = re.compile(
    r"timed? ?out|connection (refused|reset|aborted)|failed to establish|name resolution|"
    r"name or service not known|network is unreachable|no route to host|HTTP Error (5\d\d|429)|"
    r"temporary failure|remote end closed|\bssl\b|certificate|getaddrinfo|unable to connect|"
    r"TransportError|IncompleteRead",
    re.IGNORECASE,
)
_NOT_LIVE_TEXT = re.compile(r"not currently live", re.IGNORECASE)
_UNAVAILABLE_TEXT = re.compile(
    r"private video|video unavailable|this video is (private|unavailable)|has been removed|"
    r"been terminated|available in your country|geo.?restrict|sign in to confirm your age|"
    r"members|join this channel|premium|copyright|unsupported url|drm protected|"
    r"does not exist|is not a valid url|no video formats found|This video is not available",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Outcome:
    """Either a final ``resolution`` (emit it) or a ``retry_reason`` (try again, then fail)."""

    resolution: Resolution | None = None
    retry_reason: str = ""


def clean_message(text: str) -> str:
    """One tidy, bounded line: no ANSI colours, no ``ERROR:`` prefix, no bug-report plea."""
    text = _ANSI.sub("", text).strip()
    text = re.sub(r"^(ERROR|WARNING):\s*", "", text)
    text = _BUG_REPORT.sub("", text).strip()
    text = _CAUSED_BY.sub("", text).strip()
    text = " ".join(text.split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def classify_message(message: str) -> str:
    """The kind of a yt-dlp error, from its text alone (used for an external yt-dlp)."""
    if _HTTP_CLIENT_ERROR.search(message):
        return KIND_UNAVAILABLE  # 403/404/410: the address is wrong or gone
    if _NETWORK_TEXT.search(message):
        return KIND_NETWORK
    if _NOT_LIVE_TEXT.search(message):
        return KIND_NOT_LIVE
    if _UNAVAILABLE_TEXT.search(message):
        return KIND_UNAVAILABLE
    return KIND_OTHER


def not_live_info(url: str, message: str) -> dict[str, Any]:
    """What a channel's /live page with nothing on means: not live (yt-dlp raises UserNotLive)."""
    return {"_type": "video", "live_status": "not_live", "formats": [], "title": "",
            "webpage_url": url, "_messages": [message]}


def _json_object(stdout: bytes) -> dict[str, Any] | None:
    text = stdout.decode("utf-8", "replace").strip()
    candidates = [text, *reversed(text.splitlines())] if text else []
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _stderr_lines(stderr: bytes, prefix: str) -> list[str]:
    lines = _ANSI.sub("", stderr.decode("utf-8", "replace")).splitlines()
    return [clean_message(line) for line in lines if line.startswith(prefix)]


def from_worker(code: int, stdout: bytes, stderr: bytes, *, max_height: int) -> Outcome:
    """Our worker's answer: exit 0 + info, 3 + unavailable envelope, 4 + failure envelope."""
    answer = _json_object(stdout)
    if answer is None:
        if code == EXIT_OK:
            return Outcome(retry_reason="the resolver's answer was not JSON")
        return Outcome(retry_reason=f"the resolver stopped with exit code {code}")
    if "error" in answer and "formats" not in answer and "_type" not in answer:
        message = clean_message(str(answer.get("error") or "")) or "no details"
        kind = answer.get("kind")
        if code == EXIT_UNAVAILABLE or kind == KIND_UNAVAILABLE:
            return Outcome(resolution=interpret({"error": message}, max_height=max_height))
        label = "network trouble" if kind == KIND_NETWORK else "resolver error"
        return Outcome(retry_reason=f"{label}: {message}")
    if code != EXIT_OK:
        return Outcome(retry_reason=f"the resolver stopped with exit code {code}")
    return Outcome(resolution=interpret(answer, max_height=max_height))


def from_external(code: int, stdout: bytes, stderr: bytes, *, url: str,
                  max_height: int) -> Outcome:
    """An external ``yt-dlp -J`` run: JSON on success; ``ERROR:`` lines on failure."""
    warnings = _stderr_lines(stderr, "WARNING:")
    if code == EXIT_OK:
        answer = _json_object(stdout)
        if answer is None:
            return Outcome(retry_reason="yt-dlp's answer was not JSON")
        if warnings and not answer.get("_messages"):
            answer["_messages"] = warnings
        return Outcome(resolution=interpret(answer, max_height=max_height))
    errors = _stderr_lines(stderr, "ERROR:")
    if not errors:
        return Outcome(retry_reason=f"yt-dlp stopped with exit code {code}")
    message = errors[-1]
    kind = classify_message(message)
    if kind == KIND_NOT_LIVE:
        return Outcome(resolution=interpret(not_live_info(url, message), max_height=max_height))
    if kind == KIND_UNAVAILABLE:
        return Outcome(resolution=Resolution(status=Status.UNAVAILABLE, reason=message))
    label = "network trouble" if kind == KIND_NETWORK else "yt-dlp error"
    return Outcome(retry_reason=f"{label}: {message}")


def worker_arguments(url: str, *, max_height: int, timeout: float,
                     cookies: str | None = None) -> list[str]:
    """Arguments after ``python``: run our worker as a module."""
    args = ["-m", "kiosk.resolver.worker", url, "--max-height", str(max_height),
            "--timeout", f"{timeout:g}"]
    if cookies:
        args += ["--cookies", cookies]
    return args


def external_arguments(url: str, *, timeout: float, cookies: str | None = None) -> list[str]:
    """Arguments for an external yt-dlp. Warnings are kept (they go to stderr, not stdout):
    for a private or removed video they are the only place the reason appears."""
    socket_timeout = max(5.0, min(timeout / 2, 30.0))
    args = ["-J", "--ignore-no-formats-error", "--no-progress", "--playlist-items", "1-5",
            "--socket-timeout", f"{socket_timeout:g}"]
    if cookies:
        args += ["--cookies", cookies]
    return [*args, "--", url]

