"""Loopback media for the resolver tests: an ffmpeg live HLS window, served on 127.0.0.1.

The playlist is a real sliding window made by ffmpeg's HLS muxer (``hls_list_size`` with
``delete_segments``, and ``omit_endlist``: no #EXT-X-ENDLIST), so yt-dlp's generic extractor
sees a live stream. Routes: ``/live/index.m3u8`` (the stream), anything missing → 404,
``/hang/…`` → accepts and never answers (until the server shuts down; bounded).
"""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

HANG_LIMIT = 60.0  # seconds a /hang/ request is held at most, should teardown not come


@dataclass
class Loopback:
    base: str  # http://127.0.0.1:PORT
    live_url: str
    missing_url: str
    hang_url: str


def _make_live_hls(folder: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is needed to make the loopback HLS stream")
    (folder / "live").mkdir(parents=True)
    subprocess.run(
        [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
         "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-t", "5",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-keyint_min", "10",
         "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "32k",
         "-f", "hls", "-hls_time", "1", "-hls_list_size", "3",
         "-hls_flags", "delete_segments+omit_endlist+independent_segments",
         "-hls_segment_filename", str(folder / "live" / "seg_%05d.ts"),
         str(folder / "live" / "index.m3u8")],
        check=True, timeout=60,
    )


class _Handler(SimpleHTTPRequestHandler):
    release: threading.Event

    def do_GET(self) -> None:
        if self.path.startswith("/hang/"):
            self.release.wait(HANG_LIMIT)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="session")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    root = tmp_path_factory.mktemp("loopback")
    _make_live_hls(root)
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="loopback-http", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield Loopback(base=base, live_url=f"{base}/live/index.m3u8",
                       missing_url=f"{base}/missing/index.m3u8",
                       hang_url=f"{base}/hang/index.m3u8")
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (connection refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/live/index.m3u8"


@pytest.fixture
def make_script(tmp_path: Path) -> Callable[[str, str], Path]:
    """An executable Python script written at test time, standing in for yt-dlp.

    Each run appends its pid to ``<name>.pids`` and its arguments to ``<name>.args``.
    """

    def _make(name: str, body: str) -> Path:
        path = tmp_path / name
        prologue = textwrap.dedent(f"""\
            #!{sys.executable}
            import json, os, sys, time
            with open({str(path) + '.pids'!r}, "a") as _f:
                _f.write(f"{{os.getpid()}}\\n")
            with open({str(path) + '.args'!r}, "a") as _f:
                _f.write(json.dumps(sys.argv[1:]) + "\\n")
            """)
        path.write_text(prologue + textwrap.dedent(body), encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path

    return _make
