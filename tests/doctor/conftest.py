"""The doctor's tests: media made with ffmpeg once, and loopback servers (feeds/feedserver.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "feeds"))

from doctorkit import Media, make_media
from feedserver import FeedServer


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Media:
    return make_media(tmp_path_factory.mktemp("doctor-media"))


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _sound_into_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHPARTY_KIOSK_AUDIO", "dummy")
    monkeypatch.delenv("WATCHPARTY_KIOSK_NO_VLC", raising=False)
