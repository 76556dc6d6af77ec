"""The loopback HLS server's own fault switches (those the player tests do not cover)."""

from __future__ import annotations

import threading
import time
import urllib.request

from mediakit import SEGMENT_SECONDS


def fetch(url: str) -> tuple[bytes, float]:
    began = time.monotonic()
    with urllib.request.urlopen(url, timeout=30) as answer:
        body = answer.read()
    return body, time.monotonic() - began


def test_slow_sends_segments_at_a_share_of_their_playing_rate(hls):
    segment = hls.url.replace("live.m3u8", "seg/0.ts")
    body, quick = fetch(segment)
    assert body == hls.segments[0] and quick < 0.5
    hls.fault("slow", throughput=0.5)
    playlist, took = fetch(hls.url)
    assert playlist.startswith(b"#EXTM3U") and took < 0.5, "the playlist is not slowed"
    slow_body, slow = fetch(segment)
    assert slow_body == body
    # Half the rate it plays at: a one-second segment takes about two seconds.
    assert 1.6 * SEGMENT_SECONDS < slow < 3.0 * SEGMENT_SECONDS
    hls.recover()
    assert fetch(segment)[1] < 0.5


def test_a_slow_segment_under_way_finishes_at_once_on_recovery(hls):
    segment = hls.url.replace("live.m3u8", "seg/1.ts")
    hls.fault("slow", throughput=0.1)  # ten seconds for a one-second segment
    threading.Timer(0.5, hls.recover).start()
    body, took = fetch(segment)
    assert body == hls.segments[1]
    assert took < 3.0
