"""Real libVLC on media made with ffmpeg at test time, served from 127.0.0.1 with fault switches."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator

import pytest
from mediakit import Clips, HlsServer, make_clips
from PySide6.QtCore import QSize

os.environ["WATCHPARTY_KIOSK_AUDIO"] = "dummy"


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    return make_clips(tmp_path_factory.mktemp("media"))


@pytest.fixture
def hls(clips: Clips) -> Iterator[HlsServer]:
    server = HlsServer(clips.live, clips.static)
    yield server
    server.close()


# ------------------------------------------------------------------ players and hygiene


@pytest.fixture
def make_vlc_player(qtbot):
    """A real VlcPlayer (failing, not skipping, when libVLC is missing), closed afterwards."""
    from kiosk.player import make_player
    from kiosk.player.vlcplayer import VlcPlayer

    made = []

    def make(size: QSize | None = None, **options) -> VlcPlayer:
        player = make_player(size or QSize(640, 360), **options)
        assert isinstance(player, VlcPlayer), getattr(player, "problem", player)
        made.append(player)
        return player

    yield make
    for player in made:
        player.close()


@pytest.fixture(autouse=True)
def no_stray_exceptions(capfd) -> Iterator[list[str]]:
    """Nothing may escape: not from threads, not from ctypes callbacks, not at collection."""
    caught: list[str] = []
    old_unraisable, old_thread = sys.unraisablehook, threading.excepthook

    def unraisable(info) -> None:
        caught.append(f"unraisable: {info.exc_type.__name__}: {info.exc_value} "
                      f"in {info.object!r}")
        old_unraisable(info)

    def thread(args) -> None:
        caught.append(f"thread {args.thread.name if args.thread else '?'}: "
                      f"{args.exc_type.__name__}: {args.exc_value}")
        old_thread(args)

    sys.unraisablehook, threading.excepthook = unraisable, thread
    try:
        yield caught
    finally:
        sys.unraisablehook, threading.excepthook = old_unraisable, old_thread
    out, err = capfd.readouterr()
    sys.stdout.write(out)
    sys.stderr.write(err)
    assert "Exception ignored" not in out + err, err
    assert "Traceback" not in err, err
    assert not caught, caught
