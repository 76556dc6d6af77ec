"""The command line, run as a host would run it: a real process, real files, offscreen Qt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

CHECKOUT = Path(__file__).resolve().parents[2]


def kiosk(*args: str, tmp_path: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TZ="Europe/London",
               WATCHPARTY_KIOSK_STATE=str(tmp_path / "state"))
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=tmp_path)


BROKEN = textwrap.dedent("""\
    event:
      title: Broken night
      timezone: Europe/Moskow
      start: 2021-02-06 18:00
      end: "23:30"
    programme:
      - titel: Opening
""")


def test_check_prints_the_running_order_in_venue_and_event_time(tmp_path):
    result = kiosk("check", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Solidarity Conference With the Belarusian People" in out
    assert "Venue time: Europe/London" in out and "Event time: Europe/Moscow" in out
    # 18:00 in Moscow is 15:00 in London on 6 February 2021.
    assert "Sat 6 Feb 15:00–15:15  18:00–18:15" in out
    assert "Sviatlana Tsikhanouskaya" in out and "Solidarity Concert" in out


def test_check_reports_each_problem_with_its_place_and_exits_2(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = kiosk("check", str(path), tmp_path=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert f"{path}:3:13: event.timezone: unknown time zone 'Europe/Moskow'" in lines[0]
    assert "did you mean 'Europe/Moscow'?" in lines[0]
    assert lines[1].startswith(f"{path}:7:5: programme[0].titel: unknown key 'titel'")
    assert "did you mean 'title'?" in lines[1]
    assert "Traceback" not in result.stderr


def test_check_of_a_missing_file_exits_2(tmp_path):
    result = kiosk("check", "nowhere.yaml", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "nowhere.yaml:1:1: file not found" in result.stderr


def test_init_writes_a_starter_that_passes_check_and_never_overwrites(tmp_path):
    result = kiosk("init", "mine.yaml", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "mine.yaml").read_text(encoding="utf-8")
    assert text.count("\n#") > 10, "the starter config should explain itself in comments"
    assert kiosk("check", "mine.yaml", tmp_path=tmp_path).returncode == 0
    (tmp_path / "mine.yaml").write_text("# mine\n", encoding="utf-8")
    again = kiosk("init", "mine.yaml", tmp_path=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize(
    ("instant", "scene", "now_title", "next_title", "countdown"),
    [
        ("2021-02-06T17:50", "countdown", "Solidarity Conference With the Belarusian People",
         "Opening of the conference", "in 10:00"),
        ("2021-02-06T18:20", "live", "Address by the National Leader of Belarus",
         "The People's Anti-Crisis Management", "in 15:00"),
        ("2021-02-06T20:00", "slides", "Break", "Launch of new People's Embassies", "in 10:00"),
        ("2021-02-06T23:45", "closing", "Solidarity Conference With the Belarusian People", "",
         ""),
    ],
)
def test_snapshot_renders_the_instant_and_states_its_texts(tmp_path, instant, scene, now_title,
                                                           next_title, countdown):
    # English only: the built-in event's bar would take turns with Belarusian.
    result = kiosk("snapshot", "--at", instant, "--size", "960x540", "-o", "shot.png",
                   "--state", "shot.json", "--lang", "en", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(tmp_path / "shot.png"))
    assert (image.width(), image.height()) == (960, 540)
    state = json.loads((tmp_path / "shot.json").read_text(encoding="utf-8"))
    assert state["scene"] == scene
    assert state["overlay"]["now_title"] == now_title
    assert state["overlay"]["next_title"] == next_title
    assert state["overlay"]["countdown"] == countdown
    # London is 3 hours behind Moscow in February.
    hour, minute = instant[11:13], instant[14:16]
    assert state["overlay"]["clock"] == f"{int(hour) - 3:02d}:{minute}"


def test_snapshot_can_force_a_scene(tmp_path):
    result = kiosk("snapshot", "--at", "2021-02-06T18:20", "--scene", "awards", "--size",
                   "640x360", "-o", "a.png", "--state", "a.json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    state = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert state["scene"] == "awards"
    assert state["board"]["awards"][0]["name"] == "BAUM Human Rights Awards 2021"
    assert state["board"]["awards"][0]["categories"][0]["pending"] is True
    assert any(b["text"] == "MANUAL" for b in state["badges"])


def test_run_shows_the_rehearsal_logs_events_and_saves_a_screenshot(tmp_path):
    result = kiosk("--windowed", "--at", "2021-02-06T17:59:58", "--speed", "2",
                   "--exit-after", "2.5", "--screenshot", "end.png", "--event-log", "log.jsonl",
                   tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert QImage(str(tmp_path / "end.png")).width() > 0
    records = [json.loads(line) for line in
               (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = [r["event"] for r in records]
    assert kinds[0] == "start" and kinds[-1] == "quit"
    scenes = [(r["scene"], r["fallback"]) for r in records if r["event"] == "scene"]
    # Two real seconds at double speed cross the 18:00 start: countdown, then live, or the
    # slides standing in while the demo stream is still starting.
    assert scenes[0] == ("countdown", None)
    assert scenes[1] in (("live", None), ("slides", "starting"))
    statuses = [r for r in records if r["event"] == "status"]
    assert statuses[0]["phase"] == "before" and statuses[1]["item"] == "Opening of the conference"
    assert all("wall" in r and "at" in r for r in records)


def test_run_with_a_broken_config_starts_on_the_built_in_event_and_says_why(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = kiosk("--config", str(path), "--windowed", "--exit-after", "1",
                   "--screenshot", "end.png", "--event-log", "log.jsonl", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "showing the built-in event" in result.stderr
    records = [json.loads(line) for line in
               (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records[0]["event"] == "start"
    assert records[0]["config"].endswith("solidarity-conference-2021.yaml")
    told = next(r for r in records if r["event"] == "problem" and r["source"] == "config")
    assert any("3:13" in p for p in told["text"])
    assert QImage(str(tmp_path / "end.png")).width() > 0


def test_run_with_a_broken_edit_keeps_the_last_good_config(tmp_path):
    path = tmp_path / "venue.yaml"
    assert kiosk("init", str(path), tmp_path=tmp_path).returncode == 0
    first = kiosk("--config", str(path), "--windowed", "--exit-after", "0.5",
                  "--event-log", "first.jsonl", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    path.write_text(path.read_text(encoding="utf-8").replace("timezone: Europe/Vilnius",
                                                             "timezone: Vilnius"),
                    encoding="utf-8")
    second = kiosk("--config", str(path), "--windowed", "--exit-after", "0.5",
                   "--event-log", "second.jsonl", tmp_path=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "showing its last good copy" in second.stderr
    start = json.loads((tmp_path / "second.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "last good copy" in start["config"]


def test_run_plays_the_demo_stream_under_the_overlay(tmp_path):
    result = kiosk("--windowed", "--at", "2021-02-06T18:05", "--exit-after", "8",
                   "--screenshot", "live.png", "--event-log", "log.jsonl", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in
               (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    health = [r["health"] for r in records if r["event"] == "health"]
    assert "playing" in health, records
    scenes = [(r["scene"], r["fallback"]) for r in records if r["event"] == "scene"]
    # Never black: the slides stand in until the first frames, then the stream.
    assert scenes[0] == ("slides", "starting") and scenes[-1] == ("live", None)
    image = QImage(str(tmp_path / "live.png"))
    # The demo clip's red stripe runs across the picture at 63 % of its height...
    row = int(image.height() * 0.638)
    reds = [image.pixelColor(x, row) for x in range(0, image.width(), 16)]
    red = [c for c in reds if c.red() > 120 and c.green() < 90 and c.blue() < 100]
    assert len(red) > len(reds) * 0.6, [c.name() for c in reds]
    # ...and the overlay bar (near-black panel) is painted over the bottom of it.
    # (Sampled in the bar's left margin, between its red edge and its text.)
    bar = image.pixelColor(int(image.width() * 0.05 + image.height() * 0.015),
                           int(image.height() * 0.92))
    assert max(bar.red(), bar.green(), bar.blue()) < 40, bar.name()
