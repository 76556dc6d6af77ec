"""kiosk.resolver.outcome: exit code + stdout + stderr → an answer or a reason to retry."""

from __future__ import annotations

import json

import pytest

from kiosk.core.resolve import Status
from kiosk.resolver.outcome import (
    classify_message,
    clean_message,
    external_arguments,
    from_external,
    from_worker,
    worker_arguments,
)

LIVE_INFO = {"live_status": "is_live", "title": "t", "formats": [
    {"url": "http://127.0.0.1:9/live.m3u8", "protocol": "m3u8_native"}]}


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("[generic] x: Unable to download webpage: HTTP Error 404: Not Found", "unavailable"),
        ("[generic] x: Unable to download webpage: HTTP Error 403: Forbidden", "unavailable"),
        ("[generic] x: Unable to download webpage: HTTP Error 503: Service Unavailable",
         "network"),
        ("[youtube] x: HTTP Error 429: Too Many Requests", "network"),
        ("[generic] x: Unable to download webpage: <urlopen error [Errno -3] Temporary failure "
         "in name resolution>", "network"),
        ("[generic] x: Unable to download webpage: The read operation timed out", "network"),
        ("[youtube:tab] @LofiGirl: The channel is not currently live", "not_live"),
        ("[youtube] lwUI5-fWv4U: Private video. Sign in if you've been granted access to this "
         "video", "unavailable"),
        ("[youtube] XyHm0BmtLHg: Video unavailable", "unavailable"),
        ("[youtube] x: The uploader has not made this video available in your country",
         "unavailable"),
        ("[youtube] x: Join this channel to get access to members-only content", "unavailable"),
        ("Unsupported URL: https://example.org/page", "unavailable"),
        ("[youtube] x: nsig extraction failed: Some formats may be missing", "other"),
    ],
)
def test_classify_message(message, kind):
    assert classify_message(message) == kind


def test_clean_message():
    raw = ("\x1b[0;31mERROR:\x1b[0m [youtube] x: boom; please report this issue on "
           "https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue "
           "template. Confirm you are on the latest version using  yt-dlp -U")
    assert clean_message(raw) == "[youtube] x: boom"
    assert clean_message("HTTP Error 404: Not Found (caused by <HTTPError 404: Not Found>)") == (
        "HTTP Error 404: Not Found")
    assert len(clean_message("x" * 1000)) == 300


def dumps(value: object) -> bytes:
    return (json.dumps(value) + "\n").encode()


def test_worker_success():
    outcome = from_worker(0, dumps(LIVE_INFO), b"", max_height=720)
    assert outcome.resolution is not None and outcome.resolution.status is Status.LIVE


def test_worker_unavailable_is_an_answer_not_a_retry():
    outcome = from_worker(3, dumps({"error": "HTTP Error 404: Not Found", "kind": "unavailable"}),
                          b"", max_height=720)
    assert outcome.resolution is not None
    assert outcome.resolution.status is Status.UNAVAILABLE
    assert outcome.resolution.reason == "HTTP Error 404: Not Found"


@pytest.mark.parametrize(
    ("code", "stdout", "reason"),
    [
        (4, dumps({"error": "Connection refused", "kind": "network"}),
         "network trouble: Connection refused"),
        (4, dumps({"error": "KeyError: 'x'", "kind": "other"}), "resolver error: KeyError: 'x'"),
        (0, b"not json {", "the resolver's answer was not JSON"),
        (0, b"", "the resolver's answer was not JSON"),
        (1, b"Traceback (most recent call last):\n  File ...\nValueError: x\n",
         "the resolver stopped with exit code 1"),
        (0, dumps([1, 2]), "the resolver's answer was not JSON"),
    ],
)
def test_worker_failures_are_retried_with_a_readable_reason(code, stdout, reason):
    outcome = from_worker(code, stdout, b"", max_height=720)
    assert outcome.resolution is None
    assert outcome.retry_reason == reason


def test_worker_answer_survives_stray_lines_before_it():
    outcome = from_worker(0, b"some stray print\n" + dumps(LIVE_INFO), b"", max_height=720)
    assert outcome.resolution is not None


def test_external_success_keeps_warnings_as_messages():
    info = {"live_status": None, "formats": [], "title": "youtube video #x"}
    stderr = (b"WARNING: [youtube] x: Private video. Sign in if you've been granted access to "
              b"this video\nWARNING: No video formats found!\n")
    outcome = from_external(0, dumps(info), stderr, url="u", max_height=720)
    assert outcome.resolution is not None
    assert outcome.resolution.status is Status.UNAVAILABLE
    assert "Private video" in outcome.resolution.reason


@pytest.mark.parametrize(
    ("stderr", "status", "retry"),
    [
        (b"ERROR: [youtube:tab] @x: The channel is not currently live\n", Status.NOT_LIVE, ""),
        (b"ERROR: [youtube] x: Video unavailable\n", Status.UNAVAILABLE, ""),
        (b"ERROR: [generic] x: Unable to download webpage: HTTP Error 404: Not Found\n",
         Status.UNAVAILABLE, ""),
        (b"ERROR: [generic] x: Unable to download webpage: timed out\n", None,
         "network trouble: [generic] x: Unable to download webpage: timed out"),
        (b"Traceback (most recent call last):\nKeyError: 'formats'\n", None,
         "yt-dlp stopped with exit code 1"),
        (b"", None, "yt-dlp stopped with exit code 1"),
    ],
)
def test_external_failures(stderr, status, retry):
    outcome = from_external(1, b"", stderr, url="https://www.youtube.com/@x/live", max_height=720)
    if status is None:
        assert outcome.resolution is None and outcome.retry_reason == retry
    else:
        assert outcome.resolution is not None and outcome.resolution.status is status


def test_command_lines():
    assert worker_arguments("https://youtu.be/x", max_height=720, timeout=45) == [
        "-m", "kiosk.resolver.worker", "https://youtu.be/x", "--max-height", "720",
        "--timeout", "45"]
    assert worker_arguments("u", max_height=1080, timeout=2.5, cookies="c.txt")[-2:] == [
        "--cookies", "c.txt"]
    args = external_arguments("-x", timeout=45, cookies="c.txt")
    assert args[:2] == ["-J", "--ignore-no-formats-error"]
    assert args[-2:] == ["--", "-x"]  # a URL can never be read as an option
    assert "--cookies" in args and "--no-warnings" not in args
