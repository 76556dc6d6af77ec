"""The config's side of feeds: feed sources, times that name their zone, remote pictures,
and laureates known by name across config and feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.config import laureate_ids
from kiosk.core.errors import ConfigInvalid
from kiosk.core.feeds import merge, parse_feed
from kiosk.core.view import loop_entries

EVENT = """\
event:
  title: Solidarity
  timezone: Europe/Moscow
  start: 2021-02-06 18:00
  end: "23:30"
"""


def test_feed_sources_with_defaults(config_from):
    config = config_from(EVENT + """\
feeds:
  - url: https://example.org/feed.yaml
  - url: https://example.org/order.csv
    every: 30s
    format: csv
""")
    first, second = config.feeds
    assert (first.url, first.every, first.format) == (
        "https://example.org/feed.yaml", timedelta(minutes=1), "auto")
    assert (second.every, second.format) == (timedelta(seconds=30), "csv")


@pytest.mark.parametrize(("entry", "line", "column", "path", "phrase"), [
    ("  - url: ftp://example.org/feed.yaml\n", 7, 10, "feeds[0].url", "an http(s) address"),
    ("  - url: https://example.org/f\n    every: 2s\n", 8, 12, "feeds[0].every",
     "at least 10s"),
    ("  - url: https://example.org/f\n    format: xml\n", 8, 13, "feeds[0].format", "csv"),
    ("  - every: 1m\n", 7, 5, "feeds[0]", "url"),
])
def test_bad_feed_sources_say_where(config_from, entry, line, column, path, phrase):
    with pytest.raises(ConfigInvalid) as caught:
        config_from(EVENT + "feeds:\n" + entry)
    error = caught.value.errors[0]
    assert (error.line, error.column, error.path) == (line, column, path), str(error)
    assert phrase in str(error)


@pytest.mark.parametrize(("start", "utc"), [
    ('"18:30"', datetime(2021, 2, 6, 15, 30, tzinfo=UTC)),  # the event's zone
    ('"17:30 Europe/Vilnius"', datetime(2021, 2, 6, 15, 30, tzinfo=UTC)),
    ('"2021-02-06 15:30 UTC"', datetime(2021, 2, 6, 15, 30, tzinfo=UTC)),
    ('"2021-02-06T10:30 America/Toronto"', datetime(2021, 2, 6, 15, 30, tzinfo=UTC)),
])
def test_a_time_may_name_its_zone(config_from, start, utc):
    config = config_from(EVENT + f"programme:\n  - title: First\n    start: {start}\n")
    assert config.programme.items[0].start == utc


def test_an_unknown_zone_is_an_error_with_a_hint(config_from):
    with pytest.raises(ConfigInvalid) as caught:
        config_from(EVENT + 'programme:\n  - title: First\n    start: "18:30 Europe/Minskk"\n')
    error = caught.value.errors[0]
    assert (error.line, error.column, error.path) == (8, 12, "programme[0].start")
    assert "unknown time zone 'Europe/Minskk'" in error.message
    assert "did you mean 'Europe/Minsk'" in error.message


def test_a_feed_item_in_another_zone_lands_on_the_event_line(config_from):
    config = config_from(EVENT)
    feed = parse_feed('programme:\n  - title: Concert\n    start: "19:00 Europe/Warsaw"\n',
                      "feed.yaml")
    merged = merge(config, feed)
    assert merged.programme.items[0].start == datetime(2021, 2, 6, 18, 0, tzinfo=UTC)


def test_a_remote_picture_waits_for_its_download(config_from):
    config = config_from(EVENT + """\
slides:
  - text: Welcome
  - image: https://example.org/poster.png
    caption: Poster
""")
    slide = config.slides[1]
    assert (slide.kind, slide.image, slide.image_url) == (
        "image", None, "https://example.org/poster.png")
    # Not downloaded yet: the loop skips it rather than show an empty frame.
    assert [e.slide.kind for e in loop_entries(config) if e.slide] == ["text"]


def test_laureates_are_known_by_name(config_from):
    config = config_from(EVENT + """\
awards:
  - name: BAUM  Human Rights Awards
    categories:
      - name: Laureates
        laureates:
          - name: A. Laureate
            announced: true
          - name: B. Laureate
""")
    assert laureate_ids(config.awards) == (
        ("baum human rights awards", "laureates", "a. laureate"),
        ("baum human rights awards", "laureates", "b. laureate"))
    assert laureate_ids(config.awards, announced=False) == (
        ("baum human rights awards", "laureates", "b. laureate"),)
