"""kiosk.core.fetch against a real loopback server: every fault, revalidation, the HTTP cache."""

from __future__ import annotations

import base64
import gzip
import random
import struct
import threading
import time
import zlib
from pathlib import Path

import pytest
from feedserver import FeedServer, http_date, refused_url

import kiosk
from kiosk.core.fetch import (
    USER_AGENT,
    FetchError,
    Limits,
    fetch,
    make_session,
    poll_delay,
    sniff_image,
)

# Short limits keep the suite fast; the drip and silence tests wait about this long.
LIMITS = Limits(connect_timeout=1.0, read_timeout=0.5, total_timeout=1.5, max_bytes=10_000,
                max_image_bytes=50_000)
FEED = b'{"programme": [{"title": "Opening"}]}\n' * 20
PATH = "/feed.json"


@pytest.fixture
def session():
    with make_session(None) as made:
        yield made


def get(session, url, **kwargs):
    return fetch(session, url, limits=LIMITS, **kwargs)


def failure(session, url, **kwargs) -> str:
    with pytest.raises(FetchError) as caught:
        get(session, url, **kwargs)
    return str(caught.value)


# --------------------------------------------------------------------------- a good answer


def test_a_document_arrives_with_what_the_caller_needs(session, feed_server: FeedServer):
    modified = http_date(time.time() - 3600)
    url = feed_server.route(PATH, body=FEED, content_type="Application/JSON; charset=UTF-8",
                            etag='"v1"', last_modified=modified)
    got = get(session, url)
    assert got.body == FEED
    assert got.content_type == "application/json"
    assert not got.not_modified
    assert (got.etag, got.last_modified) == ('"v1"', modified)
    assert got.bytes_received == len(FEED)
    assert got.url == url
    assert 0 <= got.seconds < LIMITS.total_timeout


def test_the_server_sees_the_kiosk_and_its_version(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED)
    get(session, url)
    assert USER_AGENT.startswith(f"watchparty-kiosk/{kiosk.__version__} ")
    assert feed_server.requests(PATH)[0].header("User-Agent") == USER_AGENT


def test_redirects_are_followed(session, feed_server: FeedServer):
    new = feed_server.route("/new.json", body=FEED)
    old = feed_server.route("/old.json", status=302, headers=(("Location", new),))
    got = get(session, old)
    assert (got.url, got.body) == (new, FEED)


def test_a_body_at_the_limit_is_fine(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=b"x" * LIMITS.max_bytes)
    assert len(get(session, url).body) == LIMITS.max_bytes
    # The caller's own limit (a picture's) replaces the feed's.
    url = feed_server.route("/poster.png", body=b"x" * 30_000)
    assert len(get(session, url, max_bytes=LIMITS.max_image_bytes).body) == 30_000


# --------------------------------------------------------------------------- faults


def test_connection_refused():
    url = refused_url()
    port = url.split(":")[2].split("/")[0]
    with make_session(None) as session:
        assert failure(session, url) == f"connection refused (127.0.0.1:{port})"


def test_no_answer(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, delay=30)
    started = time.monotonic()
    assert failure(session, url) == "no answer within 0.5 s"
    assert time.monotonic() - started < LIMITS.read_timeout + 1.0


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_slow_drip_gives_up_at_the_total_timeout(session, feed_server: FeedServer, framing):
    # 20 bytes a second: every socket read gets something well within the read timeout,
    # so only the total timeout can end it.
    url = feed_server.route(PATH, body=FEED, drip=20.0, framing=framing)
    started = time.monotonic()
    reason = failure(session, url)
    took = time.monotonic() - started
    assert reason == "too slow: not complete within 1.5 s"
    assert LIMITS.total_timeout <= took < LIMITS.total_timeout + LIMITS.read_timeout + 0.5
    assert feed_server.requests(PATH)[0].sent > 0  # it did drip


def test_a_server_that_stops_sending_mid_body(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=b"x" * 1000, drip=0.2)  # one byte, then 5 s of silence
    assert failure(session, url) == "stalled: no data for 0.5 s"


@pytest.mark.parametrize(("status", "reason"), [(500, "HTTP 500 Internal Server Error"),
                                                (404, "HTTP 404 Not Found"),
                                                (403, "HTTP 403 Forbidden")])
def test_an_http_error(session, feed_server: FeedServer, status, reason):
    url = feed_server.route(PATH, body=b"<html>oops</html>", status=status)
    assert failure(session, url) == reason


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_a_body_over_the_limit(session, feed_server: FeedServer, framing):
    url = feed_server.route(PATH, body=b"x" * 300_000, framing=framing)
    assert failure(session, url) == "larger than 10.0 kB"
    assert len(get(session, url, max_bytes=2_000_000).body) == 300_000  # a larger limit


def test_one_byte_over_the_limit(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=b"x" * (LIMITS.max_bytes + 1), framing="chunked")
    assert failure(session, url) == "larger than 10.0 kB"


def test_the_limit_counts_unpacked_bytes(session, feed_server: FeedServer):
    packed = gzip.compress(b"a" * 1_000_000)  # about 1 kB on the wire, 1 MB unpacked
    url = feed_server.route(PATH, body=packed, headers=(("Content-Encoding", "gzip"),))
    assert len(packed) < LIMITS.max_bytes
    assert failure(session, url) == "larger than 10.0 kB"


def test_a_body_that_does_not_unpack(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, headers=(("Content-Encoding", "gzip"),))
    assert failure(session, url) == "could not unpack the answer (gzip)"


def test_a_truncated_body(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=b"x" * 1000, cut_after=300)
    assert failure(session, url) == "cut off after 300 of 1000 bytes"


def test_a_chunked_body_cut_short(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=b"x" * 1000, cut_after=300, framing="chunked")
    assert failure(session, url) == "cut off after 300 bytes"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.json",
                                 "feed.json", "http://", "https:///feed.json",
                                 "http://127.0.0.1:99999/feed.json", "javascript:alert(1)"])
def test_only_web_addresses(session, url):
    assert failure(session, url) == "not a web address"


def test_a_304_to_a_plain_request(session, feed_server: FeedServer):
    url = feed_server.route(PATH, status=304)
    assert failure(session, url) == "HTTP 304 Not Modified, but no copy is kept"


# --------------------------------------------------------------------------- revalidation


def test_an_unchanged_etag_costs_a_304(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"')
    first = get(session, url)
    second = get(session, url)
    requests = feed_server.wait_for(2, PATH, finished=True)
    assert requests[1].header("If-None-Match") == '"v1"'
    assert (requests[1].status, requests[1].sent) == (304, 0)
    assert second.not_modified and not first.not_modified
    assert second.body == FEED and second.bytes_received == 0
    assert second.etag == '"v1"' and second.content_type == "application/json"


@pytest.mark.parametrize("age", [0, 3600], ids=["modified just now", "modified an hour ago"])
def test_last_modified_alone_costs_a_304(session, feed_server: FeedServer, age):
    # CacheControl keeps such an answer only when it is old enough to look fresh; the
    # kiosk keeps it anyway, to ask If-Modified-Since next time.
    modified = http_date(time.time() - age)
    url = feed_server.route(PATH, body=FEED, last_modified=modified)
    get(session, url)
    second = get(session, url)
    requests = feed_server.wait_for(2, PATH, finished=True)
    assert requests[1].header("If-Modified-Since") == modified
    assert requests[1].header("If-None-Match") is None
    assert (requests[1].status, requests[1].sent) == (304, 0)
    assert second.not_modified and second.body == FEED and second.bytes_received == 0
    assert second.last_modified == modified


def test_an_outage_keeps_the_copy_for_revalidation(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"')
    get(session, url)
    feed_server.change(PATH, status=500)
    failure(session, url)
    feed_server.change(PATH, status=200)
    assert get(session, url).not_modified
    assert feed_server.requests(PATH)[2].header("If-None-Match") == '"v1"'


def test_a_server_that_went_down_is_followed_back_on_its_port(session,
                                                             feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"')
    get(session, url)
    feed_server.stop_listening()
    assert "refused" in failure(session, url).lower()
    feed_server.listen_again()
    assert feed_server.url(PATH) == url
    assert get(session, url).not_modified
    assert [r.status for r in feed_server.requests(PATH)] == [200, 304]


def test_a_changed_document_comes_whole(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"')
    get(session, url)
    feed_server.change(PATH, body=b"{}", etag='"v2"')
    got = get(session, url)
    assert feed_server.requests(PATH)[1].header("If-None-Match") == '"v1"'
    assert (got.body, got.etag, got.not_modified) == (b"{}", '"v2"', False)
    assert get(session, url).not_modified  # and v2 is what is kept now


def test_max_age_never_stops_a_poll(session, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"', max_age=300)
    results = [get(session, url) for _ in range(3)]
    requests = feed_server.wait_for(3, PATH, finished=True)
    assert len(requests) == 3  # every poll reached the server
    assert [r.header("Cache-Control") for r in requests] == ["max-age=0"] * 3
    assert [r.status for r in requests] == [200, 304, 304]
    assert [r.not_modified for r in results] == [False, True, True]


def test_a_rotating_etag_brings_the_body_each_time(session, feed_server: FeedServer):
    # The caller compares a hash of the body to see that nothing changed.
    url = feed_server.route(PATH, body=FEED, rotate_etag=True)
    first, second = get(session, url), get(session, url)
    requests = feed_server.wait_for(2, PATH, finished=True)
    assert requests[1].conditional and requests[1].status == 200
    assert not second.not_modified and second.body == first.body == FEED
    assert first.etag != second.etag and second.bytes_received == len(FEED)


def test_the_http_cache_on_disk_outlives_the_session(tmp_path: Path, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"')
    with make_session(tmp_path / "http") as first_run:
        get(first_run, url)
    with make_session(tmp_path / "http") as second_run:
        got = get(second_run, url)
    assert got.not_modified and got.body == FEED
    assert feed_server.requests(PATH)[1].header("If-None-Match") == '"v1"'


def test_a_damaged_http_cache_is_a_miss(tmp_path: Path, feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"')
    with make_session(tmp_path / "http") as session:
        get(session, url)
        files = [p for p in (tmp_path / "http").rglob("*") if p.is_file()
                 and not p.name.endswith(".lock")]
        assert files
        for path in files:
            path.write_bytes(b"cc=4," + b"\xc1 not msgpack" * 10)
        got = get(session, url)
    assert got.body == FEED and not got.not_modified
    assert not feed_server.requests(PATH)[1].conditional


FAULTS = {
    "one byte over, with a length": dict(body=b"x" * (LIMITS.max_bytes + 1)),
    # Small on the wire: the library sees the whole of it, and would keep it.
    "over, packed": dict(body=gzip.compress(b"x" * 300_000),
                         headers=(("Content-Encoding", "gzip"),)),
    "over, chunked": dict(body=b"x" * 300_000, framing="chunked"),
    "over, no length": dict(body=b"x" * 300_000, framing="close"),
    "cut off": dict(body=b"x" * 1000, cut_after=300),
    "slow drip, no length": dict(body=FEED, drip=20.0, framing="close"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failed_body_is_never_served_from_the_cache(session, feed_server: FeedServer, fault):
    url = feed_server.route(PATH, body=FEED, etag='"good"')
    get(session, url)
    feed_server.route(PATH, etag='"bad"', **FAULTS[fault])
    failure(session, url)
    # Were the bad body kept, this would be a conditional request for "bad", and the
    # server's 304 would hand it back.
    feed_server.change(PATH, body=FEED, cut_after=None, drip=None, framing="length",
                       headers=())
    got = get(session, url)
    assert not got.not_modified and got.body == FEED
    assert feed_server.requests(PATH)[-1].header("If-None-Match") != '"bad"'
    # Nor is the good copy from before kept: after a failure the next fetch asks plainly.
    assert not feed_server.requests(PATH)[-1].conditional


def test_one_session_per_thread(feed_server: FeedServer):
    url = feed_server.route(PATH, body=FEED, etag='"v1"')
    results: list[bool] = []

    def worker() -> None:
        with make_session(None) as session:
            results.extend(get(session, url).not_modified for _ in range(5))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results.count(False) == 4 and results.count(True) == 16


# --------------------------------------------------------------------------- poll schedule


@pytest.mark.parametrize("interval", [2.0, 30.0, 60.0, 600.0])
def test_polls_after_a_success_spread_around_the_interval(interval):
    rng = random.Random(7)
    delays = [poll_delay(interval, 0, rng) for _ in range(2000)]
    assert all(0.9 * interval <= d <= 1.1 * interval for d in delays)
    assert max(delays) - min(delays) > 0.15 * interval  # they do spread


@pytest.mark.parametrize("interval", [2.0, 30.0, 60.0, 600.0])
def test_backoff_after_failures_doubles_up_to_its_cap(interval):
    rng = random.Random(11)
    first, cap = min(interval, 5.0), max(interval, 300.0)
    for failures in range(1, 40):
        ceiling = min(cap, first * 2 ** (failures - 1))
        delays = [poll_delay(interval, failures, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), (failures, ceiling)
    assert poll_delay(interval, 10**6, rng) <= cap
    first_retry = [poll_delay(interval, 1, rng) for _ in range(200)]
    assert min(first_retry) >= first / 2 and max(first_retry) <= first


def test_poll_delay_refuses_nonsense():
    with pytest.raises(ValueError):
        poll_delay(0, 0, random.Random())
    with pytest.raises(ValueError):
        poll_delay(60, -1, random.Random())


# --------------------------------------------------------------------------- sniffing


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _bmp() -> bytes:
    pixels = b"\x00\x00\xff\x00"  # one red pixel, its row padded to four bytes
    header = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + header + pixels


GIF = base64.b64decode("R0lGODlhAQABAIAAAP8AAAAAACH5BAAAAAAALAAAAAABAAEAAAICRAEAOw==")
# A 2x2 picture as ffmpeg writes it (JPEG and WebP need an encoder the stdlib lacks).
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcI"
    "CAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xABMAAEBAAAAAAAAAAAAAAAAAAAABgEBAQAAAAAAAAAAAAAA"
    "AAAABgcQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAACAAIDASIAAhEAAxEA/9oADAMBAAIRAxEA"
    "PwCLAFF/f//Z")
WEBP = bytes.fromhex(
    "524946463c000000574542505650382030000000d001009d012a0200020002003425a00274ba01f80003b000fef0"
    "e8f7ff20b96175c8d7ff203fe407fc80fff8f2000000")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


@pytest.mark.parametrize(("body", "kind"), [
    (_png(), "png"), (JPEG, "jpeg"), (GIF, "gif"), (WEBP, "webp"), (_bmp(), "bmp"),
    (SVG, "svg"),
    (b"\xef\xbb\xbf  \n" + SVG, "svg"),
    (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + SVG, "svg"),
    (b'<?xml version="1.0"?>\n<!-- Made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG'
     b' 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG, "svg"),
    (b"<svg>\n<rect/></svg>", "svg"),
])
def test_pictures_are_told_apart_by_their_first_bytes(body, kind):
    assert sniff_image(body) == kind


@pytest.mark.parametrize("body", [
    b"", b"\x00" * 64, bytes(range(256)), b"<html><body>Sign in</body></html>",
    b"<!DOCTYPE html>\n<html><svg></svg></html>",
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>',
    b"BMW owners' club programme, 2021\n" * 3,
    b'{"programme": []}', b"RIFF\x24\x00\x00\x00WAVEfmt ", b"\x89PN", b"GIF8",
    b"<svgalt>not svg</svgalt>", b" " * 1100 + SVG,
])
def test_anything_else_is_no_picture(body):
    assert sniff_image(body) is None
