"""What the kiosk knows about a feed after each look, and the words the host sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.config import FeedSource
from kiosk.core.feedpoll import (
    FeedStatus,
    Outcome,
    Result,
    feed_format,
    feed_name,
    problem_lines,
    status_line,
)
from kiosk.core.feeds import parse_feed

BERLIN = ZoneInfo("Europe/Berlin")
SOURCE = FeedSource("https://example.org/solidarity/feed.yaml")
DOC = parse_feed("announcement: hello\n", SOURCE.url)
NOW = datetime(2021, 2, 6, 19, 0, tzinfo=UTC)


def at(hhmm: str) -> datetime:
    hours, minutes = (int(p) for p in hhmm.split(":"))
    return datetime(2021, 2, 6, hours - 1, minutes, tzinfo=UTC)  # Berlin is UTC+1 in February


def test_a_good_look_then_failures_then_recovery():
    status = FeedStatus(SOURCE).after(Outcome(Result.UPDATED, at("18:42"), document=DOC,
                                              digest="d1"))
    assert status_line(status, BERLIN, NOW) == "example.org/feed.yaml: updated 18:42"
    assert problem_lines([status], BERLIN, NOW) == ()
    down = status.after(Outcome(Result.FAILED, at("18:50"), reason="no answer within 20 s"))
    down = down.after(Outcome(Result.FAILED, at("18:51"), reason="connection refused"))
    assert down.failures == 2 and down.document is DOC
    assert status_line(down, BERLIN, NOW) == (
        "example.org/feed.yaml: offline since 18:50 (connection refused); "
        "showing the copy from 18:42")
    assert problem_lines([down], BERLIN, NOW) == ("Feed " + status_line(down, BERLIN, NOW),)
    back = down.after(Outcome(Result.UNCHANGED, at("18:55"), digest="d1"))
    assert (back.failures, back.offline_since, back.document) == (0, None, DOC)
    assert status_line(back, BERLIN, NOW) == "example.org/feed.yaml: updated 18:55"


def test_a_rejected_version_keeps_the_good_one_in_force():
    good = FeedStatus(SOURCE).after(Outcome(Result.UPDATED, at("18:42"), document=DOC,
                                            digest="d1"))
    bad = good.after(Outcome(Result.REJECTED, at("18:45"), digest="d2",
                             reason="feed.yaml:3:12: programme[0].start: expected a time"))
    assert bad.document is DOC and bad.rejected_digest == "d2"
    assert status_line(bad, BERLIN, NOW) == (
        "example.org/feed.yaml: new version rejected: feed.yaml:3:12: programme[0].start: "
        "expected a time; the copy from 18:42 stays")
    fixed = bad.after(Outcome(Result.UPDATED, at("18:47"), document=DOC, digest="d3"))
    assert fixed.rejected_digest == "" and fixed.reason == ""


def test_before_any_answer():
    assert status_line(FeedStatus(SOURCE), BERLIN, NOW) == (
        "example.org/feed.yaml: waiting for the first answer")
    assert problem_lines([FeedStatus(SOURCE)], BERLIN) == ()


def test_picture_warnings_reach_the_host():
    status = FeedStatus(SOURCE).after(Outcome(
        Result.UPDATED, at("18:42"), document=DOC, digest="d",
        warnings=("picture https://example.org/a.png: not a picture (text/html)",)))
    assert problem_lines([status], BERLIN, NOW) == (
        "Feed example.org/feed.yaml: picture https://example.org/a.png: not a picture "
        "(text/html)",)


@pytest.mark.parametrize(("url", "fmt", "content_type", "expected"), [
    ("https://example.org/feed.yaml", "auto", "", "yaml"),
    ("https://example.org/feed.json", "auto", "application/json", "yaml"),
    ("https://example.org/order.CSV", "auto", "", "csv"),
    ("https://docs.google.com/spreadsheets/d/e/X/pub?gid=0&single=true&output=csv", "auto",
     "", "csv"),
    ("https://example.org/export", "auto", "text/csv", "csv"),
    ("https://example.org/export", "csv", "text/plain", "csv"),
    ("https://example.org/order.csv", "json", "", "yaml"),
])
def test_the_format_follows_the_config_then_the_address_then_the_type(url, fmt, content_type,
                                                                       expected):
    assert feed_format(FeedSource(url, timedelta(minutes=1), fmt), content_type) == expected


def test_feed_names_are_short():
    assert feed_name(FeedSource("https://example.org/a/b/feed.yaml")) == "example.org/feed.yaml"
    assert feed_name(FeedSource("https://example.org/")) == "example.org"


def test_the_good_version_served_again_ends_a_rejection():
    good = FeedStatus(SOURCE).after(Outcome(Result.UPDATED, at("18:42"), document=DOC,
                                            digest="d1"))
    bad = good.after(Outcome(Result.REJECTED, at("18:45"), digest="d2", reason="broken"))
    back = bad.after(Outcome(Result.UNCHANGED, at("18:46"), digest="d1"))
    assert (back.rejected_digest, back.rejected_reason) == ("", "")
    assert problem_lines([back], BERLIN, NOW) == ()


def test_a_failure_after_a_rejection_keeps_each_reason_its_own():
    good = FeedStatus(SOURCE).after(Outcome(Result.UPDATED, at("18:42"), document=DOC,
                                            digest="d1"))
    bad = good.after(Outcome(Result.REJECTED, at("18:45"), digest="d2", reason="broken"))
    down = bad.after(Outcome(Result.FAILED, at("18:46"), reason="HTTP 404 Not Found"))
    assert "offline since 18:46 (HTTP 404 Not Found)" in status_line(down, BERLIN, NOW)
    again = down.after(Outcome(Result.REJECTED, at("18:47"), digest="d2", reason="broken"))
    assert status_line(again, BERLIN, NOW).endswith(
        "new version rejected: broken; the copy from 18:42 stays")


def test_a_time_from_another_day_says_which_day():
    status = FeedStatus(SOURCE).after(Outcome(Result.UPDATED, at("18:42"), document=DOC,
                                              digest="d1"))
    next_day = NOW + timedelta(days=1)
    assert status_line(status, BERLIN, next_day) == (
        "example.org/feed.yaml: updated Sat 6 Feb 18:42")
