"""kiosk.core.resolve: source kinds, recorded yt-dlp answers → Resolution, re-resolve timing."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from kiosk.core.resolve import (
    Resolution,
    SourceKind,
    Status,
    classify,
    describe,
    interpret,
    normalise,
    poll_delay,
    refresh_at,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ytdlp"
UA90 = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/90.0.4430.85 Safari/537.36")


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def all_fixtures() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.json"))


# --------------------------------------------------------------------------- classify

@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("https://www.youtube.com/watch?v=jfKfPfyJRdk", SourceKind.YOUTUBE),
        ("https://youtube.com/watch?v=jfKfPfyJRdk&t=30s", SourceKind.YOUTUBE),
        ("https://m.youtube.com/watch?v=jfKfPfyJRdk", SourceKind.YOUTUBE),
        ("https://youtu.be/jfKfPfyJRdk", SourceKind.YOUTUBE),
        ("youtu.be/jfKfPfyJRdk", SourceKind.YOUTUBE),
        ("www.youtube.com/@LofiGirl/live", SourceKind.YOUTUBE),
        ("https://www.youtube.com/live/jfKfPfyJRdk?si=abc", SourceKind.YOUTUBE),
        ("https://www.youtube.com/@LofiGirl/live", SourceKind.YOUTUBE),
        ("https://www.youtube.com/channel/UCSJ4gkVC6NrvII8umztf0Ow/live", SourceKind.YOUTUBE),
        ("https://www.youtube.com/c/LofiGirl/live", SourceKind.YOUTUBE),
        ("https://www.youtube.com/user/ChilledCow/live", SourceKind.YOUTUBE),
        ("https://www.youtube.com/shorts/tjjjtzRLHvA", SourceKind.YOUTUBE),
        ("https://www.youtube-nocookie.com/embed/jfKfPfyJRdk", SourceKind.YOUTUBE),
        ("  HTTPS://WWW.YOUTUBE.COM/watch?v=jfKfPfyJRdk  ", SourceKind.YOUTUBE),
        ("https://example.org/live/index.m3u8", SourceKind.HTTP),
        ("http://127.0.0.1:8080/stream.m3u8?token=x", SourceKind.HTTP),
        ("https://cdn.example.org/clip.mp4", SourceKind.HTTP),
        ("https://notyoutube.com/watch?v=x", SourceKind.HTTP),
        ("https://youtube.com.evil.example/watch?v=x", SourceKind.HTTP),
        ("rtmp://live.example.org/app/key", SourceKind.OTHER),
        ("rtsp://192.0.2.10:554/stream", SourceKind.OTHER),
        ("srt://192.0.2.10:9000?mode=caller", SourceKind.OTHER),
        ("udp://@239.0.0.1:1234", SourceKind.OTHER),
        ("", SourceKind.OTHER),
        ("/srv/media/demo.mp4", SourceKind.FILE),
        ("./assets/demo.mp4", SourceKind.FILE),
        ("~/Videos/demo.mkv", SourceKind.FILE),
        ("demo.mp4", SourceKind.FILE),
        ("file:///srv/media/demo.mp4", SourceKind.FILE),
        (r"C:\Users\host\Videos\demo.mp4", SourceKind.FILE),
        ("D:/videos/demo.mp4", SourceKind.FILE),
    ],
)
def test_classify(source, kind):
    assert classify(source) is kind


def test_normalise_adds_https_to_bare_youtube_addresses_only():
    assert normalise(" youtu.be/abc ") == "https://youtu.be/abc"
    assert normalise("www.youtube.com/@x/live") == "https://www.youtube.com/@x/live"
    assert normalise("https://youtu.be/abc") == "https://youtu.be/abc"
    assert normalise("example.org/x.m3u8") == "example.org/x.m3u8"
    assert normalise(r"C:\v.mp4") == r"C:\v.mp4"


# --------------------------------------------------------------------------- fixtures

EXPECTED_STATUS = {
    "youtube_live_hls": Status.LIVE,
    "youtube_live_dash_only": Status.LIVE,
    "youtube_upcoming": Status.UPCOMING,
    "youtube_post_live": Status.POST_LIVE,
    "youtube_channel_not_live": Status.NOT_LIVE,
    "youtube_normal_video": Status.NOT_LIVE,
    "youtube_private_video": Status.UNAVAILABLE,
    "youtube_removed_error": Status.UNAVAILABLE,
    "youtube_channel_playlist": Status.LIVE,
}


def test_every_fixture_has_an_expectation():
    assert set(all_fixtures()) == set(EXPECTED_STATUS)


@pytest.mark.parametrize("name", sorted(EXPECTED_STATUS))
def test_fixture_status(name):
    assert interpret(fixture(name), max_height=720).status is EXPECTED_STATUS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_STATUS))
@pytest.mark.parametrize("max_height", [144, 360, 480, 720, 1080, 2160])
def test_a_chosen_format_never_exceeds_the_cap(name, max_height):
    info = fixture(name)
    result = interpret(info, max_height=max_height)
    assert result.height is None or result.height <= max_height
    if result.url and not result.is_manifest:
        chosen = [f for f in info.get("formats", []) if f.get("url") == result.url]
        assert chosen, "a progressive URL comes from one of the formats"
        assert all((f.get("height") or 0) <= max_height for f in chosen)
    if result.is_manifest:
        assert f":adaptive-maxheight={max_height}" in result.options


def test_live_hls_plays_the_master_playlist_capped_by_libvlc():
    result = interpret(fixture("youtube_live_hls"), max_height=720)
    assert result.status is Status.LIVE
    assert result.url is not None
    assert result.url.startswith("https://manifest.googlevideo.com/api/manifest/hls_variant/")
    assert result.url.endswith("/file/index.m3u8")
    assert result.is_manifest
    assert result.expires_at == 1662280238.0  # from /expire/<n>/ in the master's path
    assert result.height == 480  # the best variant under 720p (the 1080p one is above the cap)
    assert result.options == (
        ":http-user-agent=Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/92.0.4515.43 Safari/537.36",
        ":adaptive-maxheight=720",
    )


def test_live_hls_with_a_high_cap_reports_the_top_variant():
    assert interpret(fixture("youtube_live_hls"), max_height=1080).height == 1080


def test_live_dash_only_uses_the_manifest_not_a_video_only_stream():
    result = interpret(fixture("youtube_live_dash_only"), max_height=720)
    assert result.status is Status.LIVE
    assert result.url is not None and "/api/manifest/dash/expire/1695928670/" in result.url
    assert result.is_manifest
    assert result.height == 720
    assert result.expires_at == 1695928670.0
    assert result.title == "Webcam Zürich HB"
    assert result.release_at == 1657917672.0
    assert result.options == (f":http-user-agent={UA90}", ":adaptive-maxheight=720")


def test_normal_video_prefers_the_muxed_format_over_better_video_only_ones():
    info = fixture("youtube_normal_video")
    result = interpret(info, max_height=720)
    assert result.status is Status.NOT_LIVE
    muxed = next(f for f in info["formats"] if f["format_id"] == "18")
    assert result.url == muxed["url"]  # not the 720p AV1 or the 360p H.264 video-only ones
    assert result.height == 360
    assert not result.is_manifest
    assert result.expires_at == 1754492779.0  # the expire= query parameter
    assert result.options == (
        ":http-user-agent=Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/94.0.4606.41 Safari/537.36",
    )


def test_normal_video_under_a_cap_below_every_muxed_format_falls_back_to_the_manifest():
    result = interpret(fixture("youtube_normal_video"), max_height=240)
    assert result.is_manifest
    assert result.url is not None and "/hls_variant/expire/1754492780/" in result.url
    assert result.height == 240
    assert ":adaptive-maxheight=240" in result.options


def test_upcoming_carries_the_release_time_and_the_reason():
    result = interpret(fixture("youtube_upcoming"), max_height=720)
    assert result.status is Status.UPCOMING
    assert result.url is None
    assert result.release_at == 1790000000.0
    assert "will begin in 3 hours" in result.reason  # not yt-dlp's "No video formats found!"


def test_post_live_has_nothing_to_play_and_says_why():
    result = interpret(fixture("youtube_post_live"), max_height=720)
    assert result.status is Status.POST_LIVE
    assert result.url is None  # separate video/audio fragments, no manifest
    assert "ended" in result.reason


def test_channel_with_nothing_live():
    result = interpret(fixture("youtube_channel_not_live"), max_height=720)
    assert (result.status, result.url) == (Status.NOT_LIVE, None)
    assert "not currently live" in result.reason


def test_private_video_is_unavailable_with_youtubes_reason():
    result = interpret(fixture("youtube_private_video"), max_height=720)
    assert result.status is Status.UNAVAILABLE
    assert result.url is None
    assert result.reason.endswith("Private video. Sign in if you've been granted access to "
                                  "this video")


def test_the_workers_error_answer_is_unavailable():
    result = interpret(fixture("youtube_removed_error"), max_height=720)
    assert result == Resolution(status=Status.UNAVAILABLE,
                                reason="[youtube] XyHm0BmtLHg: Video unavailable")


def test_a_channel_page_takes_its_live_entry():
    result = interpret(fixture("youtube_channel_playlist"), max_height=720)
    assert result.status is Status.LIVE
    assert result.title == "Webcam Zürich HB"


def test_a_channel_page_without_live_takes_the_soonest_upcoming():
    later = {**fixture("youtube_upcoming"), "release_timestamp": 1790009999}
    sooner = {**fixture("youtube_upcoming"), "release_timestamp": 1790000001}
    playlist = {"_type": "playlist", "entries": [later, None, sooner]}
    assert interpret(playlist, max_height=720).release_at == 1790000001.0


def test_an_empty_channel_page_is_not_live():
    result = interpret({"_type": "playlist", "title": "x", "entries": []}, max_height=720)
    assert result.status is Status.NOT_LIVE


# --------------------------------------------------------------------------- format choice

def fmt(fid, height, vcodec="avc1.4d401f", acodec="mp4a.40.2", fps=30, protocol="https",
        **extra):
    return {"format_id": fid, "url": f"https://cdn.example/{fid}", "height": height,
            "vcodec": vcodec, "acodec": acodec, "fps": fps, "protocol": protocol, **extra}


def chosen(formats, max_height=720, live_status="not_live", **info):
    result = interpret({"live_status": live_status, "formats": formats, **info},
                       max_height=max_height)
    return result.url.rsplit("/", 1)[-1] if result.url else None


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        # height first, under the cap
        ([fmt("a", 480), fmt("b", 720), fmt("c", 1080)], "b"),
        # at equal height H.264 beats VP9 and AV1 (CPU), even at a higher bitrate for VP9
        ([fmt("vp9", 720, "vp9", tbr=9000), fmt("avc", 720, "avc1.64001f"),
          fmt("av1", 720, "av01.0.05M.08")], "avc"),
        # higher fps only at equal height and codec
        ([fmt("f30", 720, fps=30), fmt("f60", 720, fps=60)], "f60"),
        ([fmt("f60_480", 480, fps=60), fmt("f30_720", 720, fps=30)], "f30_720"),
        # never video-only or audio-only while a muxed format exists
        ([fmt("vonly", 720, acodec="none"), fmt("aonly", None, vcodec="none"),
          fmt("muxed", 360)], "muxed"),
        # storyboards, DRM and fragment generators are never chosen
        ([fmt("sb", 90, "none", "none", protocol="mhtml"), fmt("drm", 720, has_drm=True),
          fmt("gen", 720, protocol="http_dash_segments_generator"), fmt("ok", 240)], "ok"),
        # unknown codecs (yt-dlp's generic extractor) count as muxed
        ([fmt("generic", None, vcodec=None, acodec=None)], "generic"),
        # only formats above the cap and no manifest: nothing
        ([fmt("big", 1080)], None),
    ],
)
def test_format_choice(formats, expected):
    assert chosen(formats) == expected


def test_referrer_and_user_agent_become_media_options():
    headers = {"User-Agent": "UA/1", "Referer": "https://example.org/", "Cookie": "a=b"}
    result = interpret({"live_status": "not_live",
                        "formats": [fmt("a", 360, http_headers=headers)]}, max_height=720)
    # libVLC 3 has no media option for cookies; they are not passed
    assert result.options == (":http-user-agent=UA/1", ":http-referrer=https://example.org/")


def test_headers_fall_back_to_the_top_level():
    result = interpret({"formats": [fmt("a", 360)], "http_headers": {"User-Agent": "Top/2"}},
                       max_height=720)
    assert result.options == (":http-user-agent=Top/2",)


def test_generic_live_hls_without_manifest_url_opens_the_playlist_itself():
    info = {"live_status": "is_live", "title": "index", "formats": [
        {"format_id": "0", "url": "http://127.0.0.1:1/live/index.m3u8", "protocol": "m3u8_native"}]}
    result = interpret(info, max_height=720)
    assert (result.status, result.url, result.is_manifest) == (
        Status.LIVE, "http://127.0.0.1:1/live/index.m3u8", True)


def test_live_with_no_playable_format_is_unavailable_with_a_reason():
    info = {"live_status": "is_live", "formats": [fmt("v", 720, acodec="none")],
            "_messages": ["[youtube] x: Only images are available for download"]}
    result = interpret(info, max_height=720)
    assert result.status is Status.UNAVAILABLE
    assert "Only images" in result.reason


@pytest.mark.parametrize(
    ("info", "status"),
    [
        ({"live_status": "is_live"}, Status.UNAVAILABLE),  # live, but no formats at all
        ({"live_status": "was_live", "formats": [fmt("a", 360)]}, Status.POST_LIVE),
        ({"live_status": "post_live"}, Status.POST_LIVE),
        ({"live_status": None, "is_live": True, "formats": [fmt("a", 360)]}, Status.LIVE),
        ({"live_status": None, "was_live": True}, Status.POST_LIVE),
        ({"live_status": "something_new", "formats": [fmt("a", 360)]}, Status.NOT_LIVE),
        ({}, Status.NOT_LIVE),
        ({"availability": "subscriber_only", "formats": [fmt("a", 360)]}, Status.UNAVAILABLE),
        ({"formats": "garbage", "title": 7, "release_timestamp": "soon"}, Status.NOT_LIVE),
    ],
)
def test_tolerant_of_odd_and_missing_keys(info, status):
    assert interpret(info, max_height=720).status is status


def test_a_recording_with_a_muxed_format_is_playable():
    result = interpret({"live_status": "was_live", "formats": [fmt("a", 360)]}, max_height=720)
    assert result.url == "https://cdn.example/a"


def test_not_a_mapping_is_unavailable():
    assert interpret([], max_height=720).status is Status.UNAVAILABLE  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "expires"),
    [
        ("https://x.googlevideo.com/api/manifest/hls_variant/expire/1700000000/ei/x/file/i.m3u8",
         1700000000.0),
        ("https://x.googlevideo.com/videoplayback/expire/1700000001/", 1700000001.0),
        ("https://x.googlevideo.com/videoplayback?expire=1700000002&ei=x", 1700000002.0),
        ("https://example.org/a.m3u8?expire=soon", None),
        ("https://example.org/expire/12/a.m3u8", None),  # too short to be a unix time
        ("https://example.org/a.mp4", None),
    ],
)
def test_expiry_is_read_from_the_chosen_url(url, expires):
    info = {"formats": [{"url": url, "height": 360, "vcodec": "avc1", "acodec": "mp4a"}]}
    assert interpret(info, max_height=720).expires_at == expires


def test_expiry_falls_back_to_a_field():
    info = {"formats": [fmt("a", 360, expire=1700000003)]}
    assert interpret(info, max_height=720).expires_at == 1700000003.0


def test_describe_is_one_line():
    line = describe(interpret(fixture("youtube_live_dash_only"), max_height=720))
    assert line == "live · 'Webcam Zürich HB' · 720p"


# --------------------------------------------------------------------------- timing

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("expires_at", "margin", "expected"),
    [
        (None, 600.0, None),
        (NOW + 6 * 3600, 600.0, NOW + 6 * 3600 - 600),
        (NOW + 6 * 3600, 1800.0, NOW + 6 * 3600 - 1800),
        (NOW + 300, 600.0, NOW + 60),  # about to expire: soon, but not in a tight loop
        (NOW - 100, 600.0, NOW + 60),  # already expired
    ],
)
def test_refresh_at(expires_at, margin, expected):
    resolution = Resolution(status=Status.LIVE, url="u", expires_at=expires_at)
    assert refresh_at(resolution, NOW, margin=margin) == expected


def test_refresh_at_default_margin_is_ten_minutes():
    resolution = Resolution(status=Status.LIVE, url="u", expires_at=NOW + 3600)
    assert refresh_at(resolution, NOW) == NOW + 3000


class FixedRng(random.Random):
    """uniform(a, b) returns a + fraction × (b − a): the jitter's ends and middle, exactly."""

    def __init__(self, fraction: float) -> None:
        super().__init__(0)
        self.fraction = fraction

    def uniform(self, a: float, b: float) -> float:
        return a + self.fraction * (b - a)


def upcoming(release_in: float | None) -> Resolution:
    release = None if release_in is None else NOW + release_in
    return Resolution(status=Status.UPCOMING, release_at=release)


@pytest.mark.parametrize(
    ("resolution", "fraction", "expected"),
    [
        (upcoming(None), 0.5, 60.0),
        (upcoming(None), 0.0, 48.0),  # −20 %
        (upcoming(None), 1.0, 72.0),  # +20 %
        (upcoming(3 * 3600), 0.5, 60.0),
        (upcoming(660), 0.5, 60.0),  # 11 minutes out: the slow rhythm still fits
        (upcoming(630), 1.0, 30.0),  # but never sleeps past the start of the fast window
        (upcoming(600), 0.5, 15.0),  # within 10 minutes of release: faster
        (upcoming(60), 0.0, 12.0),
        (upcoming(60), 1.0, 18.0),
        (upcoming(-900), 0.5, 15.0),  # past the scheduled time: streamers start late…
        (upcoming(-901), 0.5, 60.0),  # …but not for ever: back to the slow rhythm
        (upcoming(605), 0.5, 10.0),  # 5 s before the window: floored, never hammering
        (Resolution(status=Status.NOT_LIVE), 0.0, 60.0),
        (Resolution(status=Status.NOT_LIVE), 0.5, 90.0),
        (Resolution(status=Status.NOT_LIVE), 1.0, 120.0),
        (Resolution(status=Status.POST_LIVE), 0.5, 90.0),
        (Resolution(status=Status.UNAVAILABLE), 0.5, 300.0),
    ],
)
def test_poll_delay(resolution, fraction, expected):
    assert poll_delay(resolution, NOW, FixedRng(fraction)) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(50))
@pytest.mark.parametrize("release_in", [None, -60.0, 0.0, 30.0, 599.0, 601.0, 615.0, 7200.0])
def test_poll_delay_stays_in_bounds(seed, release_in):
    delay = poll_delay(upcoming(release_in), NOW, random.Random(seed))
    assert 10.0 <= delay <= 72.0
    if release_in is not None and -900 <= release_in <= 600:
        assert delay <= 18.0


@pytest.mark.parametrize(
    "message",
    [
        "[youtube] x: The uploader has not made this video available in your country",
        "[youtube] x: Join this channel to get access to members-only content like this video",
        "[youtube] x: Sign in to confirm your age. This video may be inappropriate for some users.",
        "[youtube] x: Video unavailable. This video has been removed by the uploader",
    ],
)
def test_no_formats_with_an_unavailability_message_is_unavailable(message):
    info = {"live_status": "not_live", "formats": [],
            "_messages": [message, "No video formats found!"]}
    result = interpret(info, max_height=720)
    assert (result.status, result.reason) == (Status.UNAVAILABLE, message)
