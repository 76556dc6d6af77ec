"""python -m kiosk.resolver.worker: one JSON object on stdout, exit 0/3/4, against loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.core.resolve import Status, interpret
from kiosk.resolver import worker

ROOT = Path(__file__).resolve().parents[2]


def run_worker(url: str, *extra: str, timeout: float = 60) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-m", "kiosk.resolver.worker", url, *extra],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT)
    return done.returncode, done.stdout, done.stderr


def only_json(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"exactly one line of JSON on stdout, got {stdout!r}"
    value = json.loads(lines[0])
    assert isinstance(value, dict)
    return value


def test_a_loopback_live_hls_is_live_m3u8_native(loopback):
    code, stdout, stderr = run_worker(loopback.live_url, "--max-height", "720")
    assert code == 0, stderr
    info = only_json(stdout)
    assert info["live_status"] == "is_live"
    assert info["extractor_key"] == "Generic"
    assert [f["protocol"] for f in info["formats"]] == ["m3u8_native"]
    assert info["formats"][0]["url"] == loopback.live_url
    assert "thumbnails" not in info and "_messages" in info
    result = interpret(info, max_height=720)
    assert (result.status, result.url, result.is_manifest) == (Status.LIVE, loopback.live_url,
                                                                True)


def test_a_404_is_unavailable_exit_3(loopback):
    code, stdout, _ = run_worker(loopback.missing_url, "--timeout", "20")
    assert code == 3
    answer = only_json(stdout)
    assert answer["kind"] == "unavailable"
    assert "HTTP Error 404" in answer["error"]
    assert "caused by" not in answer["error"] and "Traceback" not in stdout


def test_connection_refused_is_network_exit_4(closed_port_url):
    code, stdout, _ = run_worker(closed_port_url, "--timeout", "20")
    assert code == 4
    answer = only_json(stdout)
    assert answer["kind"] == "network"
    assert "Connection refused" in answer["error"]


def test_a_hanging_server_hits_the_workers_own_deadline(loopback):
    code, stdout, _ = run_worker(loopback.hang_url, "--timeout", "2")
    assert code == 4
    answer = only_json(stdout)
    assert answer == {"error": "yt-dlp did not answer within 2 s", "kind": "network"}


def test_bad_arguments_print_usage_on_stderr_only():
    code, stdout, stderr = run_worker("--max-height", timeout=30)
    assert code == 2
    assert stdout == ""
    assert "usage" in stderr


def test_trim_keeps_what_interpret_reads_and_drops_far_above_cap():
    info = {
        "id": "x", "title": "t", "live_status": "not_live", "thumbnails": [{"url": "u"}],
        "formats": [
            {"format_id": "18", "url": "u18", "height": 360, "vcodec": "avc1", "acodec": "mp4a",
             "fragments": [{"url": "f"}], "filesize": 1},
            {"format_id": "137", "url": "u137", "height": 1080, "vcodec": "avc1",
             "acodec": "none"},
            {"format_id": "96", "url": "u96", "height": 1080, "protocol": "m3u8_native",
             "manifest_url": "master"},
        ],
        "entries": [{"id": "e", "formats": [], "description": "long"}],
    }
    trimmed = worker.trim_info(info, 720)
    assert trimmed["formats"] == [
        {"format_id": "18", "url": "u18", "height": 360, "vcodec": "avc1", "acodec": "mp4a"},
        {"format_id": "96", "url": "u96", "height": 1080, "protocol": "m3u8_native",
         "manifest_url": "master"},
    ]
    assert trimmed["entries"] == [{"id": "e", "formats": []}]
    assert "thumbnails" not in trimmed


def test_the_deno_runtime_comes_from_the_deno_package():
    runtime = worker._deno_runtime()
    assert set(runtime) == {"deno"}
    path = runtime["deno"].get("path")
    assert path is None or Path(path).name.startswith("deno")


def test_ytdlp_params_use_current_option_names():
    import argparse

    import yt_dlp

    args = argparse.Namespace(timeout=45.0, cookies="/nonexistent/cookies.txt")
    params = worker.ytdlp_params(args, worker._Collector())
    assert params["ignore_no_formats_error"] is True
    assert params["cookiefile"] == "/nonexistent/cookies.txt"
    # yt-dlp validates both: an unknown runtime or component would be dropped with a warning.
    logger = worker._Collector()
    with yt_dlp.YoutubeDL({**params, "logger": logger, "cookiefile": None}) as ydl:
        assert set(ydl.params["js_runtimes"]) == {"deno"}
        assert ydl.params["remote_components"] == set()
    assert not [m for m in logger.messages if "runtime" in m.lower() or "component" in m.lower()]
