"""What the doctor tests serve and play: a short clip and an HLS copy made with ffmpeg, a
loopback server whose clock is off, configs written at test time, and stand-ins for yt-dlp."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Media:
    clip: Path  # 320x180, 25 fps, 6 s, H.264 + AAC in MP4
    hls: Path  # a folder: index.m3u8 (VOD, ENDLIST) and its one-second .ts segments


def make_media(root: Path) -> Media:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.fail("ffmpeg is needed to make the test clips (apt install ffmpeg)")
    source = ["-f", "lavfi", "-i", "color=c=0x2080ff:s=320x180:r=25",
              "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "6"]
    codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
              "-c:a", "aac", "-b:a", "32k"]
    clip = root / "clip.mp4"
    hls = root / "hls"
    hls.mkdir()
    for out in ([str(clip)],
                ["-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
                 "-hls_segment_filename", str(hls / "seg%02d.ts"), str(hls / "index.m3u8")]):
        subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                        *source, *codecs, *out], check=True, timeout=60)
    return Media(clip, hls)


class SkewedServer:
    """A loopback HTTP server whose ``Date`` header is ``skew`` seconds off the real time.

    ``routes`` maps a path to (status, body, content type); other paths answer 404.
    """

    def __init__(self, routes: dict[str, tuple[int, bytes, str]], skew: float) -> None:
        class Handler(BaseHTTPRequestHandler):
            def date_time_string(self, timestamp: float | None = None) -> str:
                return formatdate((timestamp or time.time()) + skew, usegmt=True)

            def do_GET(self) -> None:
                status, body, kind = routes.get(self.path, (404, b"not found", "text/plain"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="skewed-server")
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def write_config(folder: Path, *, stream: str | None = None, feeds: tuple[str, ...] = (),
                 title: str = "Doctor test event", extra: str = "",
                 name: str = "event.yaml") -> Path:
    """A small valid config (one hour, two items), with what a test adds."""
    lines = ["event:", f"  title: {json.dumps(title, ensure_ascii=False)}",
             "  timezone: Europe/Warsaw", "  start: 2026-12-05 18:00", '  end: "19:00"']
    if stream is not None:
        lines.append(f"  stream: {stream}")
    lines += ["programme:", "  - title: Opening", "    speaker: Anna Nowak", "    duration: 20m",
              "  - title: Concert", "    kind: concert"]
    if feeds:
        lines.append("feeds:")
        lines += [f"  - url: {url}" for url in feeds]
    path = folder / name
    path.write_text("\n".join(lines) + "\n" + textwrap.dedent(extra), encoding="utf-8")
    return path


def standin_ytdlp(folder: Path, answer: str, version: str = "2026.11.20") -> Path:
    """An executable standing in for yt-dlp (``stream.yt_dlp``): ``--version`` prints
    ``version``; ``-J …`` prints ``answer``."""
    path = folder / "yt-dlp-standin"
    path.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys
        if "--version" in sys.argv:
            print({version!r})
        else:
            sys.stdout.write({answer!r})
        """), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
