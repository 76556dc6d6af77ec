"""Media for the player tests: tiny clips made with ffmpeg, and a loopback HLS server.

Clips are small (640x360 or less, a few seconds). The live server builds a sliding-window
HLS playlist (no ENDLIST) from wall time over pre-made one-second segments, looping them
with EXT-X-DISCONTINUITY, and can refuse connections, answer 404, freeze the playlist,
accept and never answer, or send segments slower than they play.
"""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"
BLUE = (0x20, 0x80, 0xFF)  # the clips' colour, RGB
SEGMENT_SECONDS = 1.0
LIVE_SEGMENTS = 6  # one-second segments, looped
LIVE_WINDOW = 3  # segments in the sliding playlist
HANG_LIMIT = 60.0  # a hung request gives up after this, even if nobody releases it


def ffmpeg(*args: str) -> None:
    """Run ffmpeg quietly; a failure shows its stderr."""
    result = subprocess.run([FFMPEG, "-loglevel", "error", "-y", *args], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def colour_source(size: str, rate: int = 30, colour: str = "0x2080ff") -> list[str]:
    return ["-f", "lavfi", "-i", f"color=c={colour}:s={size}:r={rate}",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]


H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt",
        "yuv420p", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "64k"]


def hls_segments(folder: Path, size: str, seconds: int, prefix: str = "s",
                 colour: str = "0x2080ff") -> list[Path]:
    """One-second HLS segments of a plain clip (blue unless ``colour`` says otherwise) at
    ``size``; their paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    ffmpeg(*colour_source(size, colour=colour), "-t", str(seconds), *H264, "-f", "hls",
           "-hls_time", "1",
           "-hls_list_size", "0", "-hls_segment_filename", str(folder / f"{prefix}%02d.ts"),
           str(folder / f"{prefix}.m3u8"))
    return sorted(folder.glob(f"{prefix}[0-9][0-9].ts"))


def demo_segments(folder: Path) -> tuple[Path, ...]:
    """The kiosk's demo clip as one-second HLS segments (a key frame each second), for the
    live server to loop (the benches' stream)."""
    folder.mkdir(parents=True, exist_ok=True)
    demo = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo-stream.mp4"
    ffmpeg("-i", str(demo), "-c:v", "libx264",
           "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "30", "-keyint_min", "30",
           "-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*1)",
           "-c:a", "aac", "-b:a", "96k", "-f", "hls", "-hls_time", "1",
           "-hls_list_size", "0", "-hls_segment_filename", str(folder / "d%03d.ts"),
           str(folder / "demo.m3u8"))
    return tuple(sorted(folder.glob("d[0-9][0-9][0-9].ts")))


# ------------------------------------------------------------------ clips


@dataclass(frozen=True)
class Clips:
    root: Path
    blue: Path  # 640x360, 3 s, mp4
    blue_43: Path  # 320x240, 3 s, mp4
    blue_pal: Path  # 720x576 with 16:15 pixels (4:3 on screen), 3 s, mp4
    live: tuple[Path, ...]  # 640x360 one-second segments for the live server
    static: Path  # served as /static/: reschange.m3u8, abr/master.m3u8


def make_clips(root: Path) -> Clips:
    """Every clip the tests use, made under ``root`` (about a second of ffmpeg)."""
    blue = root / "blue.mp4"
    ffmpeg(*colour_source("640x360"), "-t", "3", *H264, str(blue))
    blue_43 = root / "blue43.mp4"
    ffmpeg(*colour_source("320x240"), "-t", "3", *H264, str(blue_43))
    blue_pal = root / "bluepal.mp4"
    ffmpeg(*colour_source("720x576"), "-t", "3", "-vf", "setsar=16/15", *H264, str(blue_pal))
    live = tuple(hls_segments(root / "live", "640x360", LIVE_SEGMENTS))

    static = root / "static"
    # A resolution change mid-stream: 640x360 then 320x240, marked as a discontinuity.
    wide = hls_segments(static, "640x360", 3, "a")
    narrow = hls_segments(static, "320x240", 3, "b")
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1",
             "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"]
    for i, segment in enumerate([*wide, *narrow]):
        if i == len(wide):
            lines.append("#EXT-X-DISCONTINUITY")
        lines += [f"#EXTINF:{SEGMENT_SECONDS:.6f},", segment.name]
    lines.append("#EXT-X-ENDLIST")
    (static / "reschange.m3u8").write_text("\n".join(lines) + "\n")
    # An adaptive master with two variants, 640x360 and 320x180.
    abr = static / "abr"
    hls_segments(abr, "640x360", 4, "hi")
    hls_segments(abr, "320x180", 4, "lo")
    (abr / "master.m3u8").write_text(
        "#EXTM3U\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2"\n'
        "hi.m3u8\n"
        '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180,CODECS="avc1.42c00d,mp4a.40.2"\n'
        "lo.m3u8\n")
    return Clips(root, blue, blue_43, blue_pal, live, static)


# ------------------------------------------------------------------ the loopback HLS server


class HlsServer:
    """A loopback HTTP server: a live sliding-window playlist, its segments, static files.

    ``/live.m3u8``   the newest ``window`` segments by wall time; no ENDLIST
    ``/seg/<n>.ts``  live segment number n (the clip's segment n mod its length)
    ``/static/…``    files under ``static``

    Faults (``fault(name)``, ``recover()``): ``refuse`` closes the listening socket,
    ``404`` answers 404 to everything, ``freeze`` stops the playlist advancing, ``hang``
    accepts and never answers (until ``recover``), ``slow`` sends each segment at
    ``throughput`` times the rate it plays at (0.5: a one-second segment takes two seconds;
    a segment under way when ``recover`` comes is finished at full speed).
    """

    def __init__(self, segments: tuple[Path, ...], static: Path | None = None, *,
                 window: int = LIVE_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        self.segments = [p.read_bytes() for p in segments]
        self.static = static
        self.window = window
        self.clock = clock
        self.epoch = clock() - window * SEGMENT_SECONDS  # the window is full from the start
        self.requests: list[tuple[float, str, int]] = []
        self.mode: str | None = None
        self.frozen_at: int | None = None
        self.throughput = 1.0
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/live.m3u8"

    def static_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/static/{name}"

    # ------------------------------------------------------------------ faults

    def fault(self, mode: str, *, throughput: float = 0.5) -> None:
        assert mode in ("refuse", "404", "freeze", "hang", "slow"), mode
        assert throughput > 0, throughput
        with self._lock:
            self.mode = mode
            self.throughput = throughput
            if mode == "freeze":
                self.frozen_at = self.newest()
            if mode == "hang":
                self._release = threading.Event()
        if mode == "refuse":
            self._close_listener()

    def recover(self) -> None:
        with self._lock:
            mode, self.mode, self.frozen_at = self.mode, None, None
            self._release.set()
        if mode == "refuse":
            self._listen(self.port)

    def close(self) -> None:
        self._release.set()
        self._close_listener()

    # ------------------------------------------------------------------ playlist

    def newest(self) -> int:
        return int((self.clock() - self.epoch) / SEGMENT_SECONDS) - 1

    def playlist(self) -> str:
        newest = self.newest() if self.frozen_at is None else self.frozen_at
        first = max(0, newest - self.window + 1)
        count = len(self.segments)
        lines = ["#EXTM3U", "#EXT-X-VERSION:3",
                 f"#EXT-X-TARGETDURATION:{int(SEGMENT_SECONDS)}",
                 f"#EXT-X-MEDIA-SEQUENCE:{first}",
                 f"#EXT-X-DISCONTINUITY-SEQUENCE:{first // count}"]
        for n in range(first, newest + 1):
            if n and n % count == 0:
                lines.append("#EXT-X-DISCONTINUITY")  # the clip starts over
            lines += [f"#EXTINF:{SEGMENT_SECONDS:.6f},", f"seg/{n}.ts"]
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ plumbing

    def _listen(self, port: int = 0) -> None:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        server.daemon_threads = True
        server.hls = self  # type: ignore[attr-defined]
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, name="hls-server",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def _close_listener(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _answer(self, handler: _Handler) -> None:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            mode, release = self.mode, self._release
        if mode == "hang":
            self.requests.append((self.clock(), path, 0))
            release.wait(HANG_LIMIT)
            handler.close_connection = True
            return  # never a byte of answer
        if mode == "404":
            self._send(handler, path, 404, b"gone", "text/plain")
            return
        if path == "/live.m3u8":
            self._send(handler, path, 200, self.playlist().encode(),
                       "application/vnd.apple.mpegurl")
            return
        match = re.fullmatch(r"/seg/(\d+)\.ts", path)
        if match:
            body = self.segments[int(match.group(1)) % len(self.segments)]
            rate = (len(body) / SEGMENT_SECONDS * self.throughput if mode == "slow"
                    else None)
            self._send(handler, path, 200, body, "video/mp2t", rate=rate)
            return
        if path.startswith("/static/") and self.static is not None:
            file = (self.static / path[len("/static/"):]).resolve()
            if file.is_relative_to(self.static.resolve()) and file.is_file():
                kind = ("application/vnd.apple.mpegurl" if file.suffix == ".m3u8"
                        else "video/mp2t")
                self._send(handler, path, 200, file.read_bytes(), kind)
                return
        self._send(handler, path, 404, b"no such file", "text/plain")

    def _send(self, handler: _Handler, path: str, status: int, body: bytes, kind: str, *,
              rate: float | None = None) -> None:
        """Answer with ``body``; at ``rate`` bytes per second if given (the ``slow`` fault)."""
        self.requests.append((self.clock(), path, status))
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(body)))
            handler.send_header("Cache-Control", "no-cache")
            handler.end_headers()
            if rate is None:
                handler.wfile.write(body)
                return
            began, sent, piece = time.monotonic(), 0, max(512, int(rate / 20))
            while sent < len(body):
                if self.mode != "slow":  # recovered: the rest at once
                    handler.wfile.write(body[sent:])
                    return
                handler.wfile.write(body[sent:sent + piece])
                handler.wfile.flush()
                sent += piece
                time.sleep(max(0.0, began + sent / rate - time.monotonic()))
        except (BrokenPipeError, ConnectionResetError):
            pass  # libVLC hung up (a stop, a reconnect): not the test's business


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "hls-test/1"

    def do_GET(self) -> None:
        self.server.hls._answer(self)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:
        pass


