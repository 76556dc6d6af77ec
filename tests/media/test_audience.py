"""What the hall sees while the stream's server fails: the whole kiosk (director, stream
controller, real libVLC player, stage) on a loopback live HLS. Never black, never a frozen
picture: the slides with a badge within seconds, and the stream again once it is back."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from mediakit import HlsServer
from PySide6.QtCore import QSize

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.eventlog import EventLog
from kiosk.core.health import Backoff
from kiosk.resolver.resolver import Resolver
from kiosk.stream import StreamController

# 18:20 in Moscow: Tsikhanouskaya's address, a live item for the next 15 minutes.
AT = datetime(2021, 2, 6, 15, 20, tzinfo=UTC)


@pytest.mark.parametrize("fault", ["hang", "404"])
def test_the_hall_sees_slides_while_the_server_fails_and_the_stream_when_it_is_back(
        qtbot, hls: HlsServer, make_vlc_player, tmp_path, fault):
    config = config_module.load(paths.builtin_config())
    # Retries within seconds, as in the player's own fault tests.
    player = make_vlc_player(QSize(640, 360), backoff=Backoff(0.5, 2.0, rng=random.Random(1)))
    stream = StreamController(config, player, Resolver(), source=hls.url)
    start = time.monotonic()
    kiosk = Kiosk(config, lambda: AT + timedelta(seconds=time.monotonic() - start),
                  rehearsal=True, player=player, stream=stream, state_dir=tmp_path,
                  event_log=EventLog(tmp_path / "events.jsonl"))
    qtbot.addWidget(kiosk.stage)
    try:
        stream.start()
        qtbot.waitUntil(lambda: kiosk.view.scene == "live", timeout=15_000)
        qtbot.waitUntil(lambda: kiosk.stage._video is not None, timeout=5000)

        broke = time.monotonic()
        hls.fault(fault)
        qtbot.waitUntil(lambda: kiosk.view.scene == "slides", timeout=10_000)
        noticed = time.monotonic() - broke
        badges = [b.text for b in kiosk.view.badges]
        assert "Stream reconnecting…" in badges or "Stream offline" in badges, badges
        assert kiosk.view.overlay is not None  # the programme bar stays up
        image = kiosk.stage.render_image(QSize(640, 360))
        assert len({image.pixel(x, y) for x in range(0, 640, 40) for y in range(0, 360, 40)}) > 3

        fixed = time.monotonic()
        hls.recover()
        qtbot.waitUntil(lambda: kiosk.view.scene == "live", timeout=20_000)
        back = time.monotonic() - fixed
        print(f"\n{fault}: slides after {noticed:.2f} s, live again {back:.2f} s after the "
              "server came back")
    finally:
        kiosk.request_quit()
        kiosk.stage.close()
    records = (tmp_path / "events.jsonl").read_text(encoding="utf-8")
    assert '"health": "reconnecting"' in records and '"fallback": "reconnecting"' in records
