"""What the host typed → what libVLC should open: source kinds, yt-dlp info → Resolution, timing.

Pure: no Qt, no libVLC, no subprocess, no network. The yt-dlp side lives in kiosk.resolver; this
module only reads the (sanitised) info dictionary it prints, so it is tested with recorded ones.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "Resolution",
    "SourceKind",
    "Status",
    "classify",
    "describe",
    "interpret",
    "normalise",
    "poll_delay",
    "refresh_at",
]


class SourceKind(Enum):
    FILE = "file"  # a local path or file:// URL
    HTTP = "http"  # plain http(s) media or an HLS .m3u8, handed to libVLC as is
    YOUTUBE = "youtube"  # resolved through yt-dlp
    OTHER = "other"  # rtmp://, rtsp://, srt://, udp:// … handed to libVLC as is


class Status(Enum):
    LIVE = "live"
    UPCOMING = "upcoming"  # scheduled live stream or premiere, not started
    POST_LIVE = "post_live"  # was live; now a recording (being processed or done)
    NOT_LIVE = "not_live"  # a normal video, or a channel with nothing live
    UNAVAILABLE = "unavailable"  # private, removed, geo-blocked, needs login …: see reason


@dataclass(frozen=True)
class Resolution:
    """The answer for one source at one moment."""

    status: Status
    url: str | None = None  # what libVLC should open; None when there is nothing to play
    options: tuple[str, ...] = ()  # libVLC media options, e.g. ":http-user-agent=…"
    expires_at: float | None = None  # unix seconds after which ``url`` stops working
    release_at: float | None = None  # scheduled start (UPCOMING), unix seconds
    title: str = ""
    height: int | None = None  # chosen height, or the cap's best height for a manifest
    is_manifest: bool = False  # an HLS/DASH manifest (libVLC's adaptive module picks variants)
    reason: str = ""  # why there is no URL (UNAVAILABLE, or nothing playable), host-readable


# --------------------------------------------------------------------------- classify

_YOUTUBE_HOSTS = ("youtube.com", "youtu.be", "youtube-nocookie.com")
_PASS_THROUGH_SCHEMES = frozenset(
    {"rtmp", "rtmps", "rtmpe", "rtmpt", "rtsp", "rtsps", "rtp", "srt", "udp", "mms", "mmsh",
     "sftp", "ftp", "smb", "dvb", "v4l2", "screen"}
)
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def _is_youtube_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in _YOUTUBE_HOSTS)


def normalise(source: str) -> str:
    """``source`` trimmed; a scheme-less YouTube address (``youtu.be/x``) gets ``https://``."""
    text = source.strip()
    if "://" not in text and not _WINDOWS_DRIVE.match(text):
        host = text.split("/", 1)[0].split("?", 1)[0]
        if _is_youtube_host(host):
            return "https://" + text
    return text


def classify(source: str) -> SourceKind:
    """What kind of thing the host typed (see SourceKind)."""
    text = normalise(source)
    if not text:
        return SourceKind.OTHER
    if _WINDOWS_DRIVE.match(text) or text.startswith(("/", "\\", "~", ".")):
        return SourceKind.FILE
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if _is_youtube_host(parts.hostname or ""):
            return SourceKind.YOUTUBE
        return SourceKind.HTTP
    if scheme == "file" or not scheme:
        return SourceKind.FILE
    return SourceKind.OTHER


# --------------------------------------------------------------------------- interpret

# yt-dlp protocols libVLC cannot open from one URL (generated fragment lists, chat, storyboards).
_UNPLAYABLE_PROTOCOLS = frozenset(
    {"mhtml", "http_dash_segments_generator", "youtube_live_chat", "youtube_live_chat_replay",
     "websocket_frag", "f4m", "ism", "niconico_dmc", "niconico_live"}
)
# The playability messages yt-dlp reports when a video cannot be watched at all.
_UNAVAILABLE_TEXT = re.compile(
    r"private video|video unavailable|unavailable|has been removed|been terminated|"
    r"available in your country|geo.?restrict|sign in|log ?in|members|join this channel|"
    r"premium|age.?restrict|copyright|isn't available|not available|drm protected|"
    r"http error 4\d\d|unsupported url",
    re.IGNORECASE,
)
# yt-dlp's generic follow-ups: true, but never the reason a host needs to read.
_NOISE_TEXT = re.compile(
    r"^(No video formats found|Requested format is not available|Extractor failed to obtain|"
    r"Falling back on generic information extractor|URL could be a direct video link)",
    re.IGNORECASE,
)
_LOCKED_AVAILABILITY = frozenset({"private", "premium_only", "subscriber_only", "needs_auth"})
_EXPIRE_PATH = re.compile(r"/expire/(\d{9,})(?:/|$)")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _int(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number > 0 else None


def _messages(info: Mapping[str, Any]) -> list[str]:
    """Warnings/errors the resolver captured next to the info (``_messages``), newest last,
    without yt-dlp's generic follow-ups."""
    raw = info.get("_messages")
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    texts = [m.strip() for m in raw if isinstance(m, str) and m.strip()]
    return [m for m in texts if not _NOISE_TEXT.match(m)]


def _status_of(info: Mapping[str, Any]) -> Status:
    live_status = info.get("live_status")
    if live_status == "is_live":
        return Status.LIVE
    if live_status == "is_upcoming":
        return Status.UPCOMING
    if live_status in ("post_live", "was_live"):
        return Status.POST_LIVE
    if live_status == "not_live":
        return Status.NOT_LIVE
    # live_status None (unknown) or a value newer than this code: fall back on the booleans.
    if info.get("is_live") is True:
        return Status.LIVE
    if info.get("was_live") is True:
        return Status.POST_LIVE
    return Status.NOT_LIVE


def _formats(info: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = info.get("formats")
    formats = [f for f in raw if isinstance(f, Mapping)] if isinstance(raw, list) else []
    if not formats and isinstance(info.get("url"), str):
        formats = [info]  # a single-format result (yt-dlp puts the format at the top level)
    return formats


def _playable(fmt: Mapping[str, Any]) -> bool:
    url = fmt.get("url")
    if not isinstance(url, str) or not url:
        return False
    if fmt.get("protocol") in _UNPLAYABLE_PROTOCOLS or fmt.get("has_drm") is True:
        return False
    # Storyboards and other picture-only entries say "none" for both codecs.
    return not (fmt.get("vcodec") == "none" and fmt.get("acodec") == "none")


def _is_hls(fmt: Mapping[str, Any]) -> bool:
    return str(fmt.get("protocol") or "").startswith("m3u8")


def _has_video(fmt: Mapping[str, Any]) -> bool:
    return fmt.get("vcodec") != "none"  # None means unknown (yt-dlp's generic extractor)


def _has_audio(fmt: Mapping[str, Any]) -> bool:
    return fmt.get("acodec") != "none"


def _codec_rank(fmt: Mapping[str, Any]) -> int:
    """Cheaper to decode ranks higher: H.264 is hardware- and CPU-friendly; VP9/AV1 are not."""
    codec = str(fmt.get("vcodec") or "").lower()
    if codec.startswith(("avc", "h264")):
        return 2
    if codec.startswith(("vp9", "vp09", "av01", "av1", "hev", "hvc", "h265")):
        return 0
    return 1  # unknown or other


def _rank(fmt: Mapping[str, Any]) -> tuple[int, int, float, float]:
    # Height first; at equal height the cheaper codec, then higher fps, then bitrate.
    return (_int(fmt.get("height")) or 0, _codec_rank(fmt), _number(fmt.get("fps")) or 0.0,
            _number(fmt.get("tbr")) or 0.0)


def _fits(fmt: Mapping[str, Any], max_height: int) -> bool:
    height = _int(fmt.get("height"))
    return height is None or height <= max_height


def _best(formats: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return max(formats, key=_rank, default=None)


def _headers(fmt: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, str]:
    raw = fmt.get("http_headers")
    if not isinstance(raw, Mapping):
        raw = info.get("http_headers")
    if not isinstance(raw, Mapping):
        return {}
    return {str(k).lower(): v for k, v in raw.items() if isinstance(v, str)}


def _options(headers: Mapping[str, str], manifest: bool, max_height: int) -> tuple[str, ...]:
    """libVLC media options. VLC's adaptive (HLS/DASH) module honours both headers on every
    playlist and segment request (verified, notes §4). Cookies have no libVLC 3 media option
    (its http-cookies is a cookie-jar pointer, not a string), so they are not passed."""
    options: list[str] = []
    if agent := headers.get("user-agent", "").strip():
        options.append(f":http-user-agent={agent}")
    if referrer := headers.get("referer", "").strip():
        options.append(f":http-referrer={referrer}")
    if manifest:
        options.append(f":adaptive-maxheight={max_height}")
    return tuple(options)


def _expiry(url: str, *fields: Mapping[str, Any]) -> float | None:
    """googlevideo's ``/expire/<unix>/`` path segment, an ``expire=`` query, or a field."""
    parts = urlsplit(url)
    if match := _EXPIRE_PATH.search(parts.path):
        return float(match.group(1))
    for value in parse_qs(parts.query).get("expire", []):
        if value.isdigit():
            return float(value)
    for source in fields:
        for key in ("expire", "expires", "expires_at"):
            if (number := _number(source.get(key))) is not None and number > 0:
                return number
    return None


def _release(info: Mapping[str, Any]) -> float | None:
    for key in ("release_timestamp", "scheduled_start"):
        if (number := _number(info.get(key))) is not None and number > 0:
            return number
    return None


def _reason_from(info: Mapping[str, Any]) -> str:
    """The most telling message: an unavailability text if there is one, else the last."""
    messages = _messages(info)
    for message in reversed(messages):
        if _UNAVAILABLE_TEXT.search(message):
            return message
    return messages[-1] if messages else ""


def _clean_title(info: Mapping[str, Any]) -> str:
    return _text(info.get("title")) or _text(info.get("fulltitle"))


def _choose(info: Mapping[str, Any], status: Status, max_height: int) -> Resolution | None:
    """The playable URL for a LIVE / POST_LIVE / NOT_LIVE info, or None if there is none."""
    formats = [f for f in _formats(info) if _playable(f)]
    title = _clean_title(info)
    release = _release(info)

    def build(fmt: Mapping[str, Any], url: str, manifest: bool, height: int | None) -> Resolution:
        return Resolution(
            status=status, url=url,
            options=_options(_headers(fmt, info), manifest, max_height),
            expires_at=_expiry(url, fmt, info), release_at=release, title=title,
            height=height, is_manifest=manifest,
        )

    # 1. A live HLS stream: hand libVLC the master playlist and let its adaptive module cap
    #    the height. yt-dlp's generic extractor gives a media playlist with no manifest_url;
    #    that playlist is then the thing to open.
    hls = [f for f in formats if _is_hls(f)]
    if status is Status.LIVE and hls:
        ranked = _best([f for f in hls if _fits(f, max_height)]) or min(hls, key=_rank)
        url = _text(ranked.get("manifest_url")) or _text(ranked.get("url"))
        heights = [h for f in hls if (h := _int(f.get("height"))) and h <= max_height]
        return build(ranked, url, True, max(heights, default=None))

    # 2. The best muxed (video + audio) format at or under the cap. Never a video-only or
    #    audio-only format while a muxed one exists.
    muxed = [f for f in formats if _has_video(f) and _has_audio(f)]
    if chosen := _best(f for f in muxed if _fits(f, max_height)):
        url = _text(chosen.get("url"))
        return build(chosen, url, _is_hls(chosen), _int(chosen.get("height")))

    # 3. Only separate video and audio (or only streams above the cap): a DASH/HLS manifest
    #    lets libVLC mux and cap itself. Manifest URLs of generated-fragment formats count:
    #    the manifest is a real MPD even when yt-dlp's own download path is a generator.
    manifested = [
        f for f in _formats(info)
        if isinstance(f.get("manifest_url"), str) and f.get("manifest_url")
        and f.get("protocol") not in ("mhtml", "youtube_live_chat", "youtube_live_chat_replay")
        and _has_video(f) and f.get("has_drm") is not True
    ]
    if manifested:
        ranked = _best([f for f in manifested if _fits(f, max_height)]) or min(manifested,
                                                                              key=_rank)
        heights = [h for f in manifested if (h := _int(f.get("height"))) and h <= max_height]
        return build(ranked, _text(ranked.get("manifest_url")), True,
                     max(heights, default=None))
    return None


def _from_error(info: Mapping[str, Any]) -> Resolution:
    reason = _text(info.get("error")) or "the resolver reported an error"
    return Resolution(status=Status.UNAVAILABLE, title=_clean_title(info), reason=reason)


def _from_playlist(info: Mapping[str, Any], max_height: int) -> Resolution:
    """A channel or playlist page: the first live entry, else the soonest upcoming one."""
    raw = info.get("entries")
    entries = [e for e in raw if isinstance(e, Mapping)] if isinstance(raw, list) else []
    resolved = [interpret(entry, max_height=max_height) for entry in entries]
    for resolution in resolved:
        if resolution.status is Status.LIVE:
            return resolution
    upcoming = [r for r in resolved if r.status is Status.UPCOMING]
    if upcoming:
        return min(upcoming, key=lambda r: r.release_at if r.release_at is not None else math.inf)
    reason = _reason_from(info) or "nothing on this page is live"
    return Resolution(status=Status.NOT_LIVE, title=_clean_title(info), reason=reason)


def interpret(info: Mapping[str, Any], *, max_height: int) -> Resolution:
    """A yt-dlp info dictionary (sanitised, possibly trimmed) → what to play, or why not.

    Tolerant of missing keys and of the resolver's error envelope (``{"error": …}``).
    """
    if not isinstance(info, Mapping):
        return Resolution(status=Status.UNAVAILABLE, reason="the resolver gave no information")
    if "error" in info and "formats" not in info and "_type" not in info:
        return _from_error(info)
    if info.get("_type") in ("playlist", "multi_video"):
        return _from_playlist(info, max_height)

    status = _status_of(info)
    title = _clean_title(info)
    release = _release(info)
    if status is Status.UPCOMING:
        return Resolution(status=status, release_at=release, title=title,
                          reason=_reason_from(info))

    locked = info.get("availability") in _LOCKED_AVAILABILITY
    chosen = None if locked else _choose(info, status, max_height)
    if chosen is not None:
        return chosen

    reason = _reason_from(info)
    if locked or (reason and _UNAVAILABLE_TEXT.search(reason)):
        return Resolution(status=Status.UNAVAILABLE, title=title, release_at=release,
                          reason=reason or f"this video is {info.get('availability')}")
    if status is Status.LIVE:
        # Live, but nothing libVLC can open (e.g. YouTube withheld the formats this session).
        return Resolution(status=Status.UNAVAILABLE, title=title,
                          reason=reason or "the stream is live but offered no playable format")
    if not reason and status is Status.POST_LIVE:
        reason = "the live stream has ended; its recording is not playable yet"
    elif not reason and _formats(info):
        reason = f"no playable format at or below {max_height}p"
    return Resolution(status=status, title=title, release_at=release, reason=reason)


# --------------------------------------------------------------------------- timing

MIN_POLL = 10.0  # seconds; never poll YouTube faster than this
UPCOMING_POLL = 60.0
UPCOMING_SOON_POLL = 15.0
UPCOMING_SOON_WINDOW = 600.0  # within this many seconds of release_at, poll faster
UPCOMING_LATE_WINDOW = 900.0  # …and for this long after it (streamers start late), no longer
NOT_LIVE_POLL = (60.0, 120.0)
UNAVAILABLE_POLL = 300.0  # YouTube rate limits last "up to an hour": keep well away
JITTER = 0.2


def refresh_at(resolution: Resolution, now: float, *, margin: float = 600.0) -> float | None:
    """When to re-resolve a playing URL before it expires (None: it does not expire)."""
    if resolution.expires_at is None:
        return None
    return max(resolution.expires_at - margin, now + 60.0)


def _jittered(base: float, rng: random.Random) -> float:
    return base * rng.uniform(1.0 - JITTER, 1.0 + JITTER)


def poll_delay(resolution: Resolution, now: float, rng: random.Random) -> float:
    """Seconds until the next look at a source that is not playing yet (never under 10 s).

    UPCOMING: ~60 s; ~15 s from 10 minutes before release_at until 15 minutes after it
    (streamers start late), then ~60 s again; NOT_LIVE / POST_LIVE: 60–120 s; UNAVAILABLE:
    ~5 minutes; all with jitter.
    """
    status = resolution.status
    if status is Status.UPCOMING:
        release = resolution.release_at
        if release is not None and -UPCOMING_LATE_WINDOW <= release - now <= UPCOMING_SOON_WINDOW:
            delay = _jittered(UPCOMING_SOON_POLL, rng)
        else:
            delay = _jittered(UPCOMING_POLL, rng)
            if release is not None and release - now > UPCOMING_SOON_WINDOW:
                # do not sleep past the start of the fast window
                delay = min(delay, release - UPCOMING_SOON_WINDOW - now)
    elif status is Status.UNAVAILABLE:
        delay = _jittered(UNAVAILABLE_POLL, rng)
    else:
        delay = rng.uniform(*NOT_LIVE_POLL)
    return max(delay, MIN_POLL)


def describe(resolution: Resolution) -> str:
    """One host-readable line for logs and the operator window."""
    parts = [resolution.status.value]
    if resolution.title:
        parts.append(repr(resolution.title))
    if resolution.height:
        parts.append(f"{resolution.height}p")
    if resolution.reason:
        parts.append(resolution.reason)
    return " · ".join(parts)
