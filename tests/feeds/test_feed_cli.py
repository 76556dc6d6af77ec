"""`check` and `snapshot` show what the hall will see after a feed update: the cached copy,
or with --refresh what the server publishes now."""

from __future__ import annotations

import json

import pytest
from feedserver import FeedServer

from kiosk.cli import EXIT_OK, main

CONFIG = """\
event:
  title: Solidarity Conference
  timezone: Europe/Moscow
  start: 2021-02-06 18:00
  end: "23:30"
venue:
  timezone: Europe/Berlin
programme:
  - title: Opening of the conference
    duration: 30m
  - title: Concert
    kind: concert
feeds:
  - url: {url}
    every: 30s
"""

FEED = """\
announcement: Ten minutes late
programme:
  - title: {title}
    start: "18:00"
    duration: 40m
  - title: Concert
    kind: concert
"""


@pytest.fixture
def venue(tmp_path, feed_server: FeedServer):
    url = feed_server.route("/feed.yaml", body=FEED.format(title="Opening, fed").encode(),
                            etag='"a"')
    path = tmp_path / "venue.yaml"
    path.write_text(CONFIG.format(url=url), encoding="utf-8")
    return path, url


def test_check_uses_the_cache_and_refresh_fetches(venue, feed_server: FeedServer, capsys):
    path, _ = venue
    assert main(["check", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "waiting for the first answer" in out and "--refresh fetches" in out
    assert "Opening of the conference" in out  # no copy yet: the config's own
    assert not feed_server.requests("/feed.yaml")  # check alone never goes online

    assert main(["check", "--refresh", str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "127.0.0.1/feed.yaml: updated" in out
    assert "Opening, fed" in out and "Opening of the conference" not in out

    feed_server.close()  # offline now: the cached copy still answers
    assert main(["check", str(path)]) == EXIT_OK
    assert "Opening, fed" in capsys.readouterr().out


def test_check_refresh_tells_of_a_rejected_feed(venue, feed_server: FeedServer, capsys):
    path, _ = venue
    assert main(["check", "--refresh", str(path)]) == EXIT_OK
    capsys.readouterr()
    feed_server.change("/feed.yaml", body=b"programme:\n  - title: x\n    start: soon\n",
                       etag='"b"')
    assert main(["check", "--refresh", str(path)]) == EXIT_OK
    captured = capsys.readouterr()
    assert "new version rejected" in captured.out
    assert ":3:12: programme[0].start:" in captured.err
    assert "Opening, fed" in captured.out  # the last good copy stays in force


def test_snapshot_shows_the_feed(venue, tmp_path, capsys):
    path, _ = venue
    state = tmp_path / "state.json"
    args = ["snapshot", "--config", str(path), "--at", "2021-02-06T18:10",
            "-o", str(tmp_path / "shot.png"), "--size", "640x360", "--state", str(state)]
    assert main(args) == EXIT_OK
    assert json.loads(state.read_text())["overlay"]["now_title"] == "Opening of the conference"
    assert main([*args, "--refresh"]) == EXIT_OK
    shown = json.loads(state.read_text())
    assert shown["overlay"]["now_title"] == "Opening, fed"
    assert shown["announcement"] == "Ten minutes late"
    assert (tmp_path / "shot.png").stat().st_size > 1000


def test_check_refresh_fetches_a_configs_own_pictures_and_decodes_them(
        tmp_path, feed_server: FeedServer, capsys):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG")
    whole = bytes(data.data())
    good = feed_server.route("/good.jpg", body=whole, content_type="image/jpeg")
    cut = feed_server.route("/cut.jpg", body=whole[: len(whole) // 2],
                            content_type="image/jpeg")
    path = tmp_path / "venue.yaml"
    config = CONFIG.split("feeds:")[0] + f"slides:\n  - image: {good}\n  - image: {cut}\n"
    path.write_text(config, encoding="utf-8")
    assert main(["check", str(path)]) == EXIT_OK
    err = capsys.readouterr().err
    assert f"picture {good} is not downloaded yet" in err and "--refresh fetches it" in err
    assert main(["check", "--refresh", str(path)]) == EXIT_OK
    err = capsys.readouterr().err
    assert f"picture {cut}: broken picture" in err
    assert f"picture {good}" not in err
    from kiosk.core import paths
    from kiosk.core.feedcache import FeedCache

    cache = FeedCache(paths.cache_dir() / "feeds" / "documents")
    assert cache.has_image(good) and not cache.has_image(cut)
