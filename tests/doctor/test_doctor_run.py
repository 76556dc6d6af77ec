"""``watchparty-kiosk doctor`` against a healthy set-up and against each broken one.

Every run is the real doctor in this process: libVLC plays a clip made with ffmpeg, feeds
come from loopback servers, the resolver runs its process. Only the seconds of counting
pictures are shortened (``play_seconds``) where the stream is not what a test is about.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from datetime import UTC, datetime

import pytest
from doctorkit import SkewedServer, standin_ytdlp, write_config

from kiosk.cli import main
from kiosk.core import lastgood, paths
from kiosk.core.feedcache import CachedDocument, FeedCache
from kiosk.doctor import run_doctor

LINE = re.compile(r"^(PASS|WARN|FAIL)  (\S+)\s+(.*)$")
FEED = b"announcement: Doors open at 17:30\n"
QUICK = 0.5  # seconds of pictures counted where the stream is not the point


def findings(out: str) -> dict[str, list[tuple[str, str]]]:
    """The report's lines by check name: [(status, the rest of the line)]."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in out.splitlines():
        match = LINE.match(line)
        if match:
            found.setdefault(match[2], []).append((match[1], match[3]))
    return found


def run(capsys, config, *, play=QUICK, bundle=None) -> tuple[int, dict, str]:
    code = run_doctor(config, bundle=bundle, play_seconds=play)
    out = capsys.readouterr().out
    return code, findings(out), out


def status(lines: dict, name: str) -> str:
    assert len(lines[name]) == 1, lines[name]
    return lines[name][0][0]


def text(lines: dict, name: str) -> str:
    return " | ".join(rest for _, rest in lines[name])


# ---------------------------------------------------------------------- healthy


def test_a_healthy_setup_passes(tmp_path, capsys, media, feed_server):
    feed = feed_server.route("/feed.yaml", body=FEED, content_type="application/yaml")
    config = write_config(tmp_path, stream=str(media.clip), feeds=(feed,))
    code = main(["doctor", "--config", str(config)])
    out = capsys.readouterr().out
    lines = findings(out)
    assert code == 0, out
    expected = {"config": "PASS", "libvlc": "PASS", "js-runtime": "PASS", "stream": "PASS",
                "feeds": "PASS", "fonts": "PASS", "screens": "WARN", "clock": "PASS",
                "logs": "PASS", "remote": "PASS", "versions": "PASS"}
    assert {name: status(lines, name) for name in expected} == expected, out
    # yt-dlp warns once the installed release is two months old: never a failure.
    assert status(lines, "yt-dlp") in ("PASS", "WARN")
    assert set(lines) == {*expected, "yt-dlp"}
    stream = text(lines, "stream")
    pictures = int(re.search(r"then (\d+) in 3\.\d s", stream)[1])
    assert pictures >= 30, stream  # a 25 fps clip for three seconds
    assert "valid (an announcement;" in text(lines, "feeds")
    assert "127.0.0.1" in text(lines, "clock")
    assert "offscreen" in text(lines, "screens")
    assert "libVLC 3." in text(lines, "libvlc")
    assert "0 failures" in out.splitlines()[-1]
    assert len(feed_server.requests("/feed.yaml")) >= 1
    # The kiosk's own feed cache is left alone.
    assert not (paths.cache_dir() / "feeds" / "documents").exists()


def test_an_hls_address_plays(tmp_path, capsys, media, feed_server):
    for path in sorted(media.hls.iterdir()):
        kind = "video/mp2t" if path.suffix == ".ts" else "application/vnd.apple.mpegurl"
        feed_server.route(f"/hls/{path.name}", body=path.read_bytes(), content_type=kind)
    config = write_config(tmp_path, stream=feed_server.url("/hls/index.m3u8"))
    code, lines, out = run(capsys, config)
    assert code == 0, out
    assert status(lines, "stream") == "PASS"
    assert re.search(r"index\.m3u8: first picture after [\d.]+ s, then [1-9]\d* in",
                     text(lines, "stream")), out
    assert status(lines, "clock") == "PASS"


def test_the_built_in_event_plays_the_demo_clip(capsys):
    code, lines, out = run(capsys, None)
    assert code == 0, out
    assert status(lines, "config") == "PASS"
    assert "the built-in event: valid" in text(lines, "config")
    assert status(lines, "stream") == "WARN"
    assert "the demo clip (no stream in the config)" in text(lines, "stream")
    assert "set event.stream" in text(lines, "stream")
    assert text(lines, "feeds") == "none configured"
    assert status(lines, "clock") == "WARN"
    assert "could not compare" in text(lines, "clock")


# ---------------------------------------------------------------------- broken


def test_a_broken_config_fails_with_its_line_and_column(tmp_path, capsys):
    config = write_config(tmp_path, extra="overlay:\n  position: middle\n")
    code, lines, _ = run(capsys, config)
    assert code == 1
    assert status(lines, "config") == "FAIL"
    line = text(lines, "config")
    assert re.search(rf"^{re.escape(str(config))}:13:13: overlay\.position: ", line), line
    assert "(1 problem; `watchparty-kiosk check" in line
    assert "until then the kiosk shows the built-in event" in line
    # The rest is checked on what the kiosk would show: the built-in event.
    assert "the demo clip" in text(lines, "stream")


def test_a_broken_config_with_a_last_good_copy(tmp_path, capsys):
    config = write_config(tmp_path)
    assert lastgood.remember(config, paths.state_dir()) == ""
    write_config(tmp_path, extra="overlay:\n  position: middle\n")
    code, lines, _ = run(capsys, config)
    assert code == 1
    assert "the kiosk shows its last good copy" in text(lines, "config")


def test_missing_files_are_a_warning(tmp_path, capsys, media):
    config = write_config(tmp_path, stream=str(media.clip),
                          extra="slides:\n  - image: pictures/gone.png\n")
    code, lines, out = run(capsys, config)
    assert status(lines, "config") == "WARN"
    assert "1 file it names is missing" in text(lines, "config")
    assert "gone.png" in text(lines, "config")
    assert code == 0, out


def test_without_libvlc(tmp_path, capsys, media, monkeypatch):
    monkeypatch.setenv("WATCHPARTY_KIOSK_NO_VLC", "1")
    config = write_config(tmp_path, stream=str(media.clip))
    code, lines, _ = run(capsys, config)
    assert code == 1
    assert status(lines, "libvlc") == "FAIL"
    line = text(lines, "libvlc")
    assert "VLC could not be loaded (WATCHPARTY_KIOSK_NO_VLC is set)" in line
    assert "→ Install VLC" in line
    assert status(lines, "stream") == "WARN"
    assert "not played, libVLC is missing" in text(lines, "stream")


def test_a_stream_that_answers_404(tmp_path, capsys, feed_server):
    address = feed_server.url("/gone/index.m3u8")
    config = write_config(tmp_path, stream=address)
    code, lines, _ = run(capsys, config)
    assert code == 1
    assert status(lines, "stream") == "FAIL"
    assert text(lines, "stream").startswith(f"{address}: HTTP 404 ")
    assert "check the address in event.stream" in text(lines, "stream")


def test_a_missing_video_file(tmp_path, capsys):
    config = write_config(tmp_path, stream=str(tmp_path / "clip.mp4"))
    (tmp_path / "clip.mp4").write_bytes(b"")  # there when the config is read …
    config_text = config.read_text()
    (tmp_path / "clip.mp4").unlink()  # … and gone since (lenient: a warning)
    assert str(tmp_path / "clip.mp4") in config_text
    code, lines, _ = run(capsys, config)
    assert code == 1
    assert status(lines, "stream") == "FAIL"
    assert f"no video file at {tmp_path / 'clip.mp4'}" in text(lines, "stream")


def test_feeds_that_fail_or_are_invalid(tmp_path, capsys, media, feed_server):
    down = feed_server.route("/down.yaml", status=500, body=b"oops")
    broken = feed_server.route("/broken.yaml", content_type="application/yaml",
                               body=b"announcement: fine\nprogramme:\n  - titel: Opening\n")
    good = feed_server.route("/good.yaml", body=FEED, content_type="application/yaml")
    config = write_config(tmp_path, stream=str(media.clip), feeds=(down, broken, good))
    code, lines, out = run(capsys, config)
    assert code == 1
    assert [s for s, _ in lines["feeds"]] == ["FAIL", "FAIL", "PASS"], out
    first, second, third = (rest for _, rest in lines["feeds"])
    assert first.startswith("127.0.0.1/down.yaml: HTTP 500 Internal Server Error")
    assert "check the address under feeds:" in first
    assert re.search(r"127\.0\.0\.1/broken\.yaml: rejected: http://127\.0\.0\.1:\d+/broken"
                     r"\.yaml:3:5: programme\[0\]", second), second
    assert "tell the organisers" in second
    assert third.startswith("127.0.0.1/good.yaml: valid")


def test_a_character_no_font_has(tmp_path, capsys, media):
    config = write_config(tmp_path, stream=str(media.clip),
                          title="Opening \U0010fffd night")
    code, lines, out = run(capsys, config)
    assert status(lines, "fonts") == "WARN"
    line = text(lines, "fonts")
    assert "1 character no font here can draw: '\U0010fffd' U+10FFFD in event.title" in line
    assert "empty boxes" in line
    assert code == 0, out


@pytest.mark.parametrize(("skew", "verdict", "words"), [
    (600, "FAIL", "10 min 0 s behind"),
    (-90, "WARN", "1 min 30 s ahead of"),
])
def test_a_clock_that_is_off(tmp_path, capsys, media, skew, verdict, words):
    server = SkewedServer({"/feed.yaml": (200, FEED, "application/yaml")}, skew=skew)
    try:
        config = write_config(tmp_path, stream=str(media.clip), feeds=(server.url("/feed.yaml"),))
        code, lines, out = run(capsys, config)
    finally:
        server.close()
    assert status(lines, "clock") == verdict, out
    assert f"this computer's clock is {words} 127.0.0.1:{server.port}" in text(lines, "clock")
    assert "set its clock from the internet" in text(lines, "clock")
    assert status(lines, "feeds") == "PASS"
    assert code == (1 if verdict == "FAIL" else 0)


# ---------------------------------------------------------------------- YouTube, stood in


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the stand-in is a #! script")
def test_a_youtube_stream_not_started_yet(tmp_path, capsys):
    answer = json.dumps({"id": "abc", "title": "", "formats": [], "live_status": "is_upcoming",
                         "release_timestamp": 1_796_320_800, "availability": "public",
                         "webpage_url": "https://www.youtube.com/watch?v=abc",
                         "extractor_key": "Youtube"})
    program = standin_ytdlp(tmp_path, answer)
    config = write_config(tmp_path, stream="https://www.youtube.com/watch?v=abc",
                          extra=f"stream:\n  yt_dlp: {program.name}\n"
                                "venue:\n  timezone: Europe/Warsaw\n")
    _, lines, out = run(capsys, config)
    assert status(lines, "yt-dlp") in ("PASS", "WARN")
    assert f"yt-dlp program {program} (stream.yt_dlp) 2026.11.20" in text(lines, "yt-dlp")
    assert status(lines, "stream") == "WARN", out
    line = text(lines, "stream")
    assert ("YouTube: the stream has not started yet (scheduled for 2026-12-03 19:00 venue "
            "time)") in line
    assert "plays it once it is live" in line


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the stand-in is a #! script")
def test_a_live_youtube_stream(tmp_path, capsys, media, feed_server):
    for path in sorted(media.hls.iterdir()):
        feed_server.route(f"/hls/{path.name}", body=path.read_bytes())
    manifest = feed_server.url("/hls/index.m3u8")
    answer = json.dumps({
        "id": "abc", "title": "Live", "live_status": "is_live", "is_live": True,
        "extractor_key": "Youtube", "webpage_url": "https://www.youtube.com/watch?v=abc",
        "formats": [{"format_id": "93", "url": manifest, "manifest_url": manifest,
                     "protocol": "m3u8_native", "width": 320, "height": 180,
                     "vcodec": "avc1.4d400c", "acodec": "mp4a.40.2", "ext": "mp4"}]})
    program = standin_ytdlp(tmp_path, answer)
    config = write_config(tmp_path, stream="https://www.youtube.com/watch?v=abc",
                          extra=f"stream:\n  yt_dlp: {program.name}\n")
    _, lines, out = run(capsys, config)
    assert status(lines, "stream") == "PASS", out
    assert re.search(r"watch\?v=abc \(YouTube: live, 180p, resolved in [\d.]+ s\): first "
                     r"picture", text(lines, "stream")), out


# ---------------------------------------------------------------------- the bundle


def test_the_bundle_holds_the_report_logs_and_config_but_no_cookies(tmp_path, capsys, media):
    (tmp_path / "cookies.txt").write_text("# Netscape HTTP Cookie File\nSECRET-SESSION\n")
    config = write_config(tmp_path, stream=str(media.clip),
                          extra="stream:\n  cookies: cookies.txt\n")
    assert lastgood.remember(config, paths.state_dir()) == ""
    logs = paths.log_dir()
    logs.mkdir(parents=True, exist_ok=True)
    for name in ("watchparty-kiosk.log", "watchparty-kiosk.log.1", "supervisor.log",
                 "crash-20261128-101500.txt", "hall.jsonl"):
        (logs / name).write_text(f"{name}\n")
    (logs / "cookies.txt").write_text("SECRET-SESSION\n")  # a copy someone left there
    cache = FeedCache(paths.cache_dir() / "feeds" / "documents")
    cache.save(CachedDocument(url="https://example.org/feed.yaml", body=b"SECRET-BODY",
                              content_type="application/yaml",
                              fetched_at=datetime(2026, 11, 28, 12, tzinfo=UTC), etag='"v7"'))
    target = tmp_path / "out" / "diag.zip"

    code = main(["doctor", "--config", str(config), "--bundle", str(target)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert re.search(rf"Diagnostics bundle: {re.escape(str(target))} \([\d.]+ kB\); no "
                     r"cookies files are in it", out)
    assert sorted(p.name for p in target.parent.iterdir()) == ["diag.zip"]  # no temp left
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        members = {name: archive.read(name) for name in names}
    assert names == {
        "README.txt", "doctor.txt", "versions.json", "feed-cache.json",
        "config/event.yaml", "config/last-good-copy-of-event.yaml",
        "logs/watchparty-kiosk.log", "logs/watchparty-kiosk.log.1", "logs/supervisor.log",
        "logs/crash-20261128-101500.txt", "logs/hall.jsonl",
    }
    assert not any(b"SECRET" in data for data in members.values())
    assert b"Never included: cookies files" in members["README.txt"]
    report = members["doctor.txt"].decode()
    assert "PASS  stream" in report
    assert report.rstrip().splitlines()[-1].startswith("doctor: 0 failures")
    versions = json.loads(members["versions.json"])
    assert versions["watchparty-kiosk"] and versions["libVLC"].startswith("3.")
    assert {"Python", "PySide6", "Qt", "python-vlc", "yt-dlp", "deno", "OS"} <= set(versions)
    index = json.loads(members["feed-cache.json"])
    assert [(e["url"], e["etag"], e["length"]) for e in index] == [
        ("https://example.org/feed.yaml", '"v7"', 11)]
    assert members["config/event.yaml"] == config.read_bytes()


def test_a_bundle_that_cannot_be_written(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code = main(["doctor", "--bundle", str(blocker / "diag.zip")])
    captured = capsys.readouterr()
    assert code == 1
    assert f"cannot write the bundle {blocker / 'diag.zip'}" in captured.err
