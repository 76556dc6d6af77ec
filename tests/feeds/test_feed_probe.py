"""The setup's look at a pasted feed address: fetched once from a real loopback server and
checked as the kiosk would, with what it brings or what is wrong said to the host."""

from __future__ import annotations

from feedserver import refused_url

from kiosk.core import config as config_module
from kiosk.operator.probe import FeedProbe

BASE = config_module.loads("""\
event:
  title: Solidarity evening
  timezone: Europe/Warsaw
  start: 2030-03-25 18:00
  end: "22:00"
""", "event.yaml")

GOOD = """\
programme:
  - title: Welcome
    start: "18:00"
    duration: 15m
  - title: Speeches
    duration: 1h
awards:
  - name: Solidarity Award
    categories:
      - name: Journalism
        laureates:
          - name: A laureate
announcement: Doors open at 17:30
"""


def probed(qtbot, url):
    probe = FeedProbe()
    with qtbot.waitSignal(probe.probed, timeout=20000) as verdict:
        probe.probe(url, BASE)
    return verdict.args[0]


def test_a_good_feed_says_what_it_brings(qtbot, feed_server):
    url = feed_server.route("/feed.yaml", body=GOOD.encode(), content_type="text/yaml")
    verdict = probed(qtbot, url)
    assert verdict.ok and verdict.document is not None
    words = str(verdict.words)
    assert "2 items" in words and "announcement" in words and "award" in words


def test_a_csv_running_order_is_read_as_the_kiosk_reads_it(qtbot, feed_server):
    body = "start,duration,title\r\n18:00,30m,Opening\r\n18:30,1h,Concert\r\n"
    url = feed_server.route("/order.csv", body=body.encode(), content_type="text/csv")
    verdict = probed(qtbot, url)
    assert verdict.ok and "2 items" in str(verdict.words)


def test_a_feed_with_a_mistake_names_its_line(qtbot, feed_server):
    url = feed_server.route("/feed.yaml", body=GOOD.replace("duration: 1h", "duration: soon")
                            .encode(), content_type="text/yaml")
    verdict = probed(qtbot, url)
    assert not verdict.ok
    assert ":6:" in str(verdict.words) or "line 6" in str(verdict.words) or \
        any(":6:" in p for p in verdict.problems)


def test_a_server_error_and_a_refused_port_are_said(qtbot, feed_server):
    url = feed_server.route("/feed.yaml", status=500, body=b"oops")
    verdict = probed(qtbot, url)
    assert not verdict.ok and "500" in str(verdict.words)
    verdict = probed(qtbot, refused_url())
    assert not verdict.ok and "refused" in str(verdict.words).lower()
