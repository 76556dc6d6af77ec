"""The kiosk following a real feed server on 127.0.0.1: updates reach the stage, every fault
keeps the last good state on screen and tells the host, and the GUI thread never waits."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import struct
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer
from PySide6.QtCore import QBuffer, QByteArray, QElapsedTimer, QIODevice, QObject, QTimer
from PySide6.QtGui import QColor, QImage

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.config import Config, FeedSource
from kiosk.core.eventlog import EventLog
from kiosk.core.feedcache import FeedCache
from kiosk.core.feedpoll import Result
from kiosk.core.fetch import Limits
from kiosk.feedservice import PICTURES, FeedService

MSK = timedelta(hours=3)
# The GUI event loop may pause this long at most during a look (a fetch or a parse on the GUI
# thread would take the fetch limits, 1 s and more; the benchmark measures the real figure).
STALL_MS = 250
# Short limits so that a hung or dripping server costs the test about a second.
LIMITS = Limits(connect_timeout=0.5, read_timeout=0.5, total_timeout=1.0, max_bytes=20_000,
                max_image_bytes=200_000)


def moscow(text: str) -> datetime:
    return datetime.fromisoformat(f"2021-02-06T{text}").replace(tzinfo=UTC) - MSK


class SteppedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def feed(title: str = "Opening, as the organisers now call it", *, extra: str = "") -> bytes:
    return (f"""\
announcement: Doors open at 17:30
programme:
  - title: {json.dumps(title)}
    start: "18:00"
    duration: 30m
  - title: Concert
    kind: concert
{extra}""").encode()


class StallProbe(QObject):
    """Measures the GUI event loop: the longest gap between 5 ms timer ticks."""

    def __init__(self) -> None:
        super().__init__()
        self.worst_ms = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._on_tick)

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def _on_tick(self) -> None:
        gap = self._clock.nsecsElapsed() / 1e6
        self._clock.restart()
        self.worst_ms = max(self.worst_ms, gap - 5)


@pytest.fixture
def base() -> Config:
    return config_module.load(paths.builtin_config())


@pytest.fixture
def follow(qtbot, base, tmp_path):
    """A kiosk following ``url`` (polled every ``every`` s) at 18:10 Moscow time."""
    made: list[tuple[Kiosk, FeedService]] = []

    def make(url: str, *, every: float = 30.0, at: str = "18:10", fmt: str = "auto",
             cache: Path | None = None, log: Path | None = None,
             config: Config | None = None) -> tuple[Kiosk, FeedService, StallProbe]:
        cfg = dataclasses.replace(config or base, feeds=(
            FeedSource(url, timedelta(seconds=every), fmt),))
        service = FeedService(cfg, cache or tmp_path / "cache", limits=LIMITS,
                              autostart=False, watchdog_margin=0.5)
        # English only: the built-in event's bar would take turns with Belarusian.
        kiosk = Kiosk(cfg, SteppedClock(moscow(at)), rehearsal=True, feeds=service,
                      event_log=EventLog(log), lang=("en",))
        qtbot.addWidget(kiosk.stage)
        kiosk.stage.resize(960, 540)
        probe = StallProbe()
        probe.start()
        made.append((kiosk, service))
        return kiosk, service, probe

    yield make
    for kiosk, _ in made:
        kiosk.request_quit()


def look(qtbot, service: FeedService, *, timeout: int = 5000):
    """Look now and wait for the outcome (the signal carries it)."""
    with qtbot.waitSignal(service.looked, timeout=timeout,
                          check_params_cb=lambda i, o: i == 0) as blocker:
        service.look(0)
    return blocker.args[1]


def now_title(kiosk: Kiosk) -> str:
    return kiosk.view.overlay.now_title


def cached_body(service: FeedService, url: str) -> bytes | None:
    cached = service.cache.load(url)
    return cached.body if cached else None


# --------------------------------------------------------------------------- updates


def test_a_feed_update_reaches_the_stage(qtbot, follow, feed_server: FeedServer):
    url = feed_server.route("/feed.yaml", body=feed(), content_type="application/yaml",
                            etag='"v1"')
    kiosk, service, probe = follow(url)
    assert now_title(kiosk) == "Opening of the conference"  # the config's own, before
    outcome = look(qtbot, service)
    assert outcome.result is Result.UPDATED
    assert now_title(kiosk) == "Opening, as the organisers now call it"
    assert kiosk.config.announcement == "Doors open at 17:30"
    # The next look is conditional: the server answers 304 and nothing is parsed.
    outcome = look(qtbot, service)
    assert outcome.result is Result.UNCHANGED
    assert outcome.bytes_received < 200
    assert feed_server.requests("/feed.yaml")[-1].headers.get("If-None-Match") == '"v1"'
    feed_server.change("/feed.yaml", body=feed("Opening, now with music"), etag='"v2"')
    assert look(qtbot, service).result is Result.UPDATED
    assert now_title(kiosk) == "Opening, now with music"
    assert probe.worst_ms < STALL_MS, f"the GUI thread stalled {probe.worst_ms:.0f} ms"


def test_the_timer_follows_the_feed_without_a_nudge(qtbot, follow, feed_server: FeedServer):
    url = feed_server.route("/feed.yaml", body=feed("First version"))
    kiosk, service, _ = follow(url, every=0.3)
    service.start()
    qtbot.waitUntil(lambda: now_title(kiosk) == "First version", timeout=5000)
    feed_server.change("/feed.yaml", body=feed("Second version"))
    # By itself, on the service's own timer (bench/feeds.py measures how soon).
    qtbot.waitUntil(lambda: now_title(kiosk) == "Second version", timeout=5000)


def test_an_etag_that_changes_over_the_same_content_is_not_a_change(qtbot, follow,
                                                                     feed_server: FeedServer):
    url = feed_server.route("/feed.yaml", body=feed(), rotate_etag=True)
    _, service, _ = follow(url)
    assert look(qtbot, service).result is Result.UPDATED
    with qtbot.assertNotEmitted(service.config_changed):
        for _ in range(3):
            assert look(qtbot, service).result is Result.UNCHANGED


def test_a_feed_that_flips_between_two_versions_follows_each(qtbot, follow,
                                                              feed_server: FeedServer,
                                                              tmp_path):
    url = feed_server.route("/feed.yaml", body=feed("Version A"))
    kiosk, service, probe = follow(url, log=tmp_path / "events.jsonl")
    for n in range(6):
        title = "Version A" if n % 2 == 0 else "Version B"
        feed_server.change("/feed.yaml", body=feed(title))
        assert look(qtbot, service).result is Result.UPDATED
        assert now_title(kiosk) == title
        assert cached_body(service, url) == feed(title)
    kiosk.log.close()
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert sum(1 for e in events if e.get("event") == "config") == 6
    assert probe.worst_ms < STALL_MS


# --------------------------------------------------------------------------- faults

GOOD = "Opening, as the organisers now call it"

FAULTS = {
    "refused": None,
    "no answer": dict(delay=3.0),
    "slow drip": dict(drip=20.0),
    "HTTP 500": dict(status=500, body=b"oops"),
    "HTTP 404": dict(status=404, body=b"gone"),
    "over the size limit": dict(body=b"# " + b"x" * 30_000 + b"\n"),
    "over the size limit, no length": dict(body=b"# " + b"x" * 30_000 + b"\n",
                                           framing="close"),
    "truncated": dict(body=feed("Cut short") + b"# " + b"y" * 2000, cut_after=300),
    "invalid YAML": dict(body=b"programme: [\n  - title: 'unclosed\n"),
    "invalid JSON": dict(body=b'{"programme": [{"title": "x",}]', content_type="application/json"),
    "invalid CSV": dict(body=b"start,title,kind\n18:00,Opening,keynote\n",
                        content_type="text/csv"),
    "wrong types": dict(body=b"programme:\n  - title: Late\n    duration: soon\n"),
    "unknown time zone": dict(
        body=b'programme:\n  - title: Late\n    start: "19:00 Mars/Olympus"\n'),
    "times outside the event": dict(body=b'programme:\n  - title: Late\n    start: "23:50"\n'),
    "not UTF-8": dict(body=b"programme:\n  - title: \xff\xfe\n"),
    "an HTML error page": dict(body=b"<html><body>Sign in</body></html>",
                               content_type="text/html"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_keeps_the_last_good_state_and_tells_the_host(qtbot, follow, fault,
                                                               feed_server: FeedServer):
    url = feed_server.route("/feed.yaml", body=feed(GOOD))
    kiosk, service, probe = follow(url)
    assert look(qtbot, service).result is Result.UPDATED
    good_config = kiosk.config
    if FAULTS[fault] is None:
        feed_server.close()  # nothing listens there any more: connection refused
    else:
        feed_server.route("/feed.yaml", **FAULTS[fault])
    outcome = look(qtbot, service)
    assert outcome.result in (Result.FAILED, Result.REJECTED), outcome
    assert outcome.reason
    # The hall still sees the last good running order; the host is told why.
    assert now_title(kiosk) == GOOD
    assert kiosk.config == good_config
    problems = kiosk.problems_now()
    assert problems and outcome.reason in problems[0]
    word = "offline since" if outcome.result is Result.FAILED else "rejected"
    assert word in problems[0] and kiosk.view.notice.startswith("Feed ")
    # The cache keeps the good document.
    assert cached_body(service, url) == feed(GOOD)
    # The GUI thread never waited on the network or the parser.
    assert probe.worst_ms < STALL_MS, f"the GUI thread stalled {probe.worst_ms:.0f} ms"


def test_a_rejected_document_names_where_and_what(qtbot, follow, feed_server: FeedServer):
    url = feed_server.route("/feed.yaml",
                            body=b"programme:\n  - title: Late\n    duration: soon\n")
    _, service, _ = follow(url)
    outcome = look(qtbot, service)
    assert outcome.result is Result.REJECTED
    assert outcome.errors[0].startswith(f"{url}:3:15: programme[0].duration:")
    # Served again unchanged: not parsed again, still rejected, still shown.
    again = look(qtbot, service)
    assert again.result is Result.REJECTED and again.reason == outcome.reason


def test_a_document_that_unfolds_through_aliases_is_refused(qtbot, follow,
                                                            feed_server: FeedServer):
    # 8 kB that would unfold into 60,000 laureates if aliases were followed.
    names = "".join(f"  - name: Laureate {i}\n" for i in range(300))
    body = (f"x-names: &names\n{names}"
            "awards:\n  - name: A\n    categories:\n"
            + "".join(f"      - name: C{i}\n        laureates: *names\n" for i in range(200)))
    url = feed_server.route("/feed.yaml", body=body.encode())
    _, service, probe = follow(url)
    started = time.monotonic()
    outcome = look(qtbot, service)
    assert outcome.result is Result.REJECTED
    assert "YAML alias" in outcome.reason
    assert time.monotonic() - started < 2.0
    assert probe.worst_ms < STALL_MS


def test_a_server_that_drips_its_headers_is_given_up_and_followed_again(
        qtbot, follow, feed_server: FeedServer):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        stop = threading.Event()

        def drip() -> None:
            connection, _ = listener.accept()
            with connection:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 1000:
                    if stop.wait(0.2):
                        return
                    with contextlib.suppress(OSError):
                        connection.sendall(bytes([byte]))

        threading.Thread(target=drip, daemon=True).start()
        slow = f"http://127.0.0.1:{listener.getsockname()[1]}/feed.yaml"
        kiosk, service, probe = follow(slow)
        try:
            started = time.monotonic()
            outcome = look(qtbot, service, timeout=8000)
            took = time.monotonic() - started
        finally:
            stop.set()
    assert outcome.result is Result.FAILED
    assert outcome.reason == "no complete answer within 2 s"  # total 1 + read 0.5 + 0.5
    assert took < 2.0 + 1.0
    assert "offline since" in kiosk.problems_now()[0]
    assert service._timers[0].isActive()  # still followed: the next look is scheduled
    assert probe.worst_ms < STALL_MS


def test_a_304_with_no_kept_document_is_parsed_again(qtbot, follow, feed_server: FeedServer,
                                                     tmp_path):
    url = feed_server.route("/feed.yaml", body=feed(GOOD), etag='"v1"')
    cache = tmp_path / "cache"
    kiosk, service, _ = follow(url, cache=cache)
    look(qtbot, service)
    kiosk.request_quit()
    service.cache.document_path(url).unlink()  # lost: deleted, or a disk that was full
    kiosk, service, _ = follow(url, cache=cache)
    assert now_title(kiosk) == "Opening of the conference"  # nothing kept: the config's own
    outcome = look(qtbot, service)
    assert feed_server.requests("/feed.yaml")[-1].status == 304  # the HTTP cache answered
    assert outcome.result is Result.UPDATED
    assert now_title(kiosk) == GOOD
    assert cached_body(service, url) == feed(GOOD)


def test_a_kept_copy_that_no_longer_fits_is_judged_again_not_called_updated(
        qtbot, follow, base, feed_server: FeedServer, tmp_path):
    late = feed(GOOD).replace(b'  - title: Concert\n    kind: concert\n',
                              b'  - title: Concert\n    kind: concert\n    start: "23:00"\n')
    url = feed_server.route("/feed.yaml", body=late, etag='"v1"')
    cache = tmp_path / "cache"
    _, service, _ = follow(url, cache=cache)
    look(qtbot, service)
    # The host moves the event's end before the concert in the feed; the kiosk restarts.
    shorter = dataclasses.replace(base, event=dataclasses.replace(
        base.event, end=base.event.end - timedelta(hours=1)))
    shorter = dataclasses.replace(shorter, programme=dataclasses.replace(
        shorter.programme, end=shorter.event.end, items=()))
    kiosk, service, _ = follow(url, cache=cache, config=shorter)
    assert "no longer fits" in kiosk.problems_now()[0]
    outcome = look(qtbot, service)
    assert outcome.result is Result.REJECTED
    assert "the event's end" in outcome.reason
    assert "rejected" in kiosk.problems_now()[0]
    # The host fixes the config: the same version is judged again and now applies.
    service.rebase(dataclasses.replace(service.base, event=base.event,
                                       programme=base.programme))
    assert look(qtbot, service).result is Result.UPDATED
    assert now_title(kiosk) == GOOD


def test_markup_in_a_feed_is_shown_as_literal_text(qtbot, follow, feed_server: FeedServer):
    title = "<b>Bold</b> &amp; <font color=red>red</font>"
    url = feed_server.route("/feed.yaml", body=feed(title))
    kiosk, service, _ = follow(url)
    look(qtbot, service)
    assert now_title(kiosk) == title
    # Painted as typed: the tags take room on screen (as markup they would vanish).
    literal = _ink_width(kiosk, title)
    plain = _ink_width(kiosk, "Bold & red")
    assert literal > 2 * plain


def _ink_width(kiosk: Kiosk, title: str) -> int:
    view = kiosk.view
    overlay = dataclasses.replace(view.overlay, now_title=title, now_detail="", next_title="")
    kiosk.stage.set_view(dataclasses.replace(view, overlay=overlay, notice="", badges=(),
                                             announcement=""))
    image = kiosk.stage.render_image(kiosk.stage.size()).convertToFormat(
        QImage.Format.Format_RGB32)
    blank_view = dataclasses.replace(view, overlay=dataclasses.replace(overlay, now_title=""),
                                     notice="", badges=(), announcement="")
    kiosk.stage.set_view(blank_view)
    blank = kiosk.stage.render_image(kiosk.stage.size()).convertToFormat(
        QImage.Format.Format_RGB32)
    columns = [x for x in range(image.width())
               if any(image.pixel(x, y) != blank.pixel(x, y)
                      for y in range(0, image.height(), 2))]
    return (max(columns) - min(columns)) if columns else 0


# --------------------------------------------------------------------------- offline


def test_a_kiosk_that_starts_offline_shows_the_cached_running_order(
        qtbot, follow, feed_server: FeedServer, tmp_path):
    url = feed_server.route("/feed.yaml", body=feed(GOOD))
    kiosk, service, _ = follow(url, cache=tmp_path / "cache")
    look(qtbot, service)
    kiosk.request_quit()
    feed_server.close()  # the hall's internet is down at the next start
    kiosk, service, _ = follow(url, cache=tmp_path / "cache")
    assert now_title(kiosk) == GOOD  # before any answer: the cached copy is in force
    outcome = look(qtbot, service)
    assert outcome.result is Result.FAILED
    assert now_title(kiosk) == GOOD
    line = kiosk.problems_now()[0]
    assert "offline since" in line and "showing the copy from" in line


def test_a_delay_from_the_feed_moves_every_later_boundary_at_once(qtbot, follow,
                                                                   feed_server: FeedServer):
    url = feed_server.route("/feed.yaml", body=b"announcement: on time\n")
    kiosk, service, _ = follow(url, at="18:10")
    look(qtbot, service)
    before = kiosk.running()
    kiosk.trigger(kiosk_action("slides"))  # a volunteer's choice, until the next boundary
    assert kiosk.state.hold.until == before.items[0].end
    feed_server.change("/feed.yaml", body=b'delay:\n  by: 10m\n  since: "18:05"\n')
    look(qtbot, service)
    after = kiosk.running()
    assert [i.start - j.start for i, j in zip(after.items[1:], before.items[1:], strict=True)
            ] == [timedelta(minutes=10)] * (len(before.items) - 1)
    assert kiosk.state.hold.until == after.items[0].end == before.items[0].end + timedelta(
        minutes=10)
    assert kiosk.view.overlay.next_title == before.items[1].title


def kiosk_action(name: str):
    from kiosk.core.actions import Action

    return Action(name)


# --------------------------------------------------------------------------- awards


AWARDS = """\
awards:
  - name: BAUM Human Rights Awards 2021
    categories:
      - name: Laureates 2021
        laureates:
          - name: Ales Bialiatski
            announced: {announced}
"""


BREAK_AT_18_30 = """\
programme:
  - title: Opening
    start: "18:00"
    duration: 30m
  - title: Break
    kind: break
    duration: 30m
  - title: Concert
    kind: concert
"""


def test_a_laureate_the_feed_announces_is_revealed_on_the_board(qtbot, follow,
                                                                 feed_server: FeedServer):
    body = BREAK_AT_18_30 + AWARDS
    url = feed_server.route("/feed.yaml", body=body.format(announced="false").encode())
    kiosk, service, _ = follow(url, at="18:40")  # a break: the slides and awards loop
    look(qtbot, service)
    assert kiosk.view.scene == "slides"
    assert kiosk.view.slide.kind != "board"
    assert kiosk.state.revealed == ()
    feed_server.change("/feed.yaml", body=body.format(announced="true").encode())
    look(qtbot, service)
    laureate = ("baum human rights awards 2021", "laureates 2021", "ales bialiatski")
    assert laureate in kiosk.state.revealed
    # The loop jumps to that award's board, where the new name glows in.
    board = kiosk.view.board
    assert board is not None and board.reveal_age is not None
    names = [(lv.name, lv.highlight) for a in board.awards for c in a.categories
             for lv in c.laureates]
    assert ("Ales Bialiatski", True) in names


# --------------------------------------------------------------------------- pictures


def _picture(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, fmt)
    buffer.close()
    return bytes(data.data())


def _png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose header claims a huge size (its pixel data is a stub)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


def _slides(url: str) -> str:
    return f"slides:\n  - image: {url}\n    caption: Poster\n  - text: Welcome\n"


def look_with_pictures(qtbot, service: FeedService):
    """Look at the feed, then wait for the picture job that follows a new version."""
    with qtbot.waitSignal(service.looked, timeout=10000,
                          check_params_cb=lambda i, o: i == PICTURES) as pictures:
        outcome = look(qtbot, service)
    return outcome, pictures.args[1]


def test_a_remote_picture_is_downloaded_checked_and_cached(qtbot, follow,
                                                            feed_server: FeedServer):
    png = feed_server.route("/poster.png", body=_picture("PNG"), content_type="image/png")
    url = feed_server.route("/feed.yaml", body=feed(extra=_slides(png)))
    kiosk, service, _ = follow(url)
    outcome, pictures = look_with_pictures(qtbot, service)
    assert outcome.result is Result.UPDATED and pictures.warnings == ()
    slide = kiosk.config.slides[0]
    assert slide.image is not None and slide.image.read_bytes() == _picture("PNG")
    assert service.cache.has_image(png)


def test_a_huge_picture_is_kept_no_larger_than_a_4k_screen(qtbot, follow,
                                                           feed_server: FeedServer):
    png = feed_server.route("/poster.png", body=_picture("PNG", (7680, 4320)),
                            content_type="image/png")
    url = feed_server.route("/feed.yaml", body=feed(extra=_slides(png)))
    kiosk, service, _ = follow(url)
    look_with_pictures(qtbot, service)
    kept = QImage(str(kiosk.config.slides[0].image))
    assert (kept.width(), kept.height()) == (3840, 2160)


@pytest.mark.parametrize(("name", "route", "phrase"), [
    ("html", dict(body=b"<html>login</html>", content_type="text/html"), "not a picture"),
    ("corrupt", dict(body=b"\x89PNG\r\n\x1a\n" + b"\0" * 500, content_type="image/png"),
     "broken picture"),
    ("truncated", "truncated", "broken picture"),
    ("huge file", dict(body=b"\x89PNG" + b"\0" * 300_000, content_type="image/png"),
     "larger than"),
    ("huge picture", "bomb", "too large"),
    ("missing", dict(status=404), "HTTP 404"),
])
def test_a_bad_remote_picture_is_left_out_and_the_host_told(qtbot, follow, name, route,
                                                             phrase, feed_server: FeedServer):
    if route == "bomb":
        # A small file whose header promises 20000 x 20000 pixels (1.6 GB unpacked).
        route = dict(body=_png_claiming(20000, 20000), content_type="image/png")
    elif route == "truncated":
        whole = _picture("JPEG", (640, 480))
        route = dict(body=whole[: len(whole) // 2], content_type="image/jpeg")
    png = feed_server.route("/poster.png", **route)
    url = feed_server.route("/feed.yaml", body=feed(GOOD, extra=_slides(png)))
    kiosk, service, probe = follow(url)
    outcome, pictures = look_with_pictures(qtbot, service)
    # The document applies; the picture's slide waits out of the loop.
    assert outcome.result is Result.UPDATED
    assert now_title(kiosk) == GOOD
    assert len(pictures.warnings) == 1 and phrase in pictures.warnings[0], pictures.warnings
    assert kiosk.config.slides[0].image is None
    assert not service.cache.has_image(png)
    assert any(phrase in p for p in kiosk.problems_now())
    assert probe.worst_ms < STALL_MS


def test_a_picture_that_failed_is_tried_again_after_the_next_look(qtbot, follow,
                                                                   feed_server: FeedServer):
    png = feed_server.route("/poster.png", status=404)
    url = feed_server.route("/feed.yaml", body=feed(extra=_slides(png)), etag='"v1"')
    kiosk, service, _ = follow(url)
    look_with_pictures(qtbot, service)
    assert kiosk.config.slides[0].image is None
    feed_server.route("/poster.png", body=_picture("PNG"), content_type="image/png")
    outcome, pictures = look_with_pictures(qtbot, service)  # the feed itself is unchanged
    assert outcome.result is Result.UNCHANGED and pictures.warnings == ()
    assert kiosk.config.slides[0].image is not None
    assert not any("404" in p for p in kiosk.problems_now())


def test_an_earlier_copy_of_a_picture_stays_when_the_new_one_is_bad(qtbot, follow,
                                                                      feed_server: FeedServer):
    png = feed_server.route("/poster.png", body=_picture("PNG"), content_type="image/png")
    url = feed_server.route("/feed.yaml", body=feed(extra=_slides(png)))
    kiosk, service, _ = follow(url)
    look_with_pictures(qtbot, service)
    feed_server.route("/poster.png", body=b"<html>oops</html>", content_type="text/html")
    feed_server.change("/feed.yaml", body=feed("Changed", extra=_slides(png)))
    _, pictures = look_with_pictures(qtbot, service)
    assert "the copy from before stays" in pictures.warnings[0]
    assert kiosk.config.slides[0].image.read_bytes() == _picture("PNG")


def test_a_new_picture_at_the_same_address_replaces_the_old(qtbot, follow,
                                                            feed_server: FeedServer):
    png = feed_server.route("/poster.png", body=_picture("PNG"), content_type="image/png")
    url = feed_server.route("/feed.yaml", body=feed(extra=_slides(png)))
    kiosk, service, _ = follow(url)
    look_with_pictures(qtbot, service)
    blue = _picture("PNG", (80, 60))
    feed_server.route("/poster.png", body=blue, content_type="image/png")
    feed_server.change("/feed.yaml", body=feed("New poster", extra=_slides(png)))
    look_with_pictures(qtbot, service)
    assert kiosk.config.slides[0].image.read_bytes() == blue


def test_a_slow_picture_server_does_not_hold_up_the_running_order(qtbot, follow,
                                                                   feed_server: FeedServer):
    png = feed_server.route("/poster.png", delay=3.0)
    url = feed_server.route("/feed.yaml", body=feed("Fresh order", extra=_slides(png)))
    kiosk, service, _ = follow(url)
    started = time.monotonic()
    assert look(qtbot, service).result is Result.UPDATED
    assert now_title(kiosk) == "Fresh order"
    assert time.monotonic() - started < LIMITS.total_timeout  # no wait for the picture


def test_the_cache_is_on_disk_where_the_service_says(qtbot, follow, feed_server, tmp_path):
    url = feed_server.route("/feed.yaml", body=feed(GOOD))
    _, service, _ = follow(url, cache=tmp_path / "c")
    look(qtbot, service)
    assert FeedCache(tmp_path / "c" / "documents").load(url).body == feed(GOOD)


def test_a_version_that_came_while_the_disk_was_full_is_kept_once_there_is_room(
        qtbot, follow, feed_server, tmp_path):
    """The copy kept for offline starts must be the version in force: one that could not be
    written when it came (a full disk; here a file where the cache's folder goes) is written
    at the next look that finds room, and never replaced by the older copy."""
    url = feed_server.route("/feed.yaml", body=feed("First"), etag='"v1"')
    cache = tmp_path / "c"
    kiosk, service, _ = follow(url, cache=cache)
    look(qtbot, service)
    documents = cache / "documents"
    assert FeedCache(documents).load(url).body == feed("First")
    moved = tmp_path / "documents-aside"
    documents.rename(moved)
    documents.write_text("in the way")  # nothing can be written there now
    feed_server.change("/feed.yaml", body=feed("Second"), etag='"v2"')
    outcome = look(qtbot, service)
    assert outcome.result is Result.UPDATED and not outcome.saved
    assert now_title(kiosk) == "Second"
    assert any("could not keep a copy" in p for p in kiosk.problems_now())
    documents.unlink()
    moved.rename(documents)  # room again; the old copy is still there
    assert FeedCache(documents).load(url).body == feed("First")
    outcome = look(qtbot, service)
    assert outcome.result is Result.UNCHANGED and outcome.saved
    assert FeedCache(documents).load(url).body == feed("Second")
    assert not any("could not keep a copy" in p for p in kiosk.problems_now())
    # Confirmations from now on touch the right copy.
    look(qtbot, service)
    assert FeedCache(documents).load(url).body == feed("Second")
