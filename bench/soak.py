"""Soak benchmark: the whole built-in event at rehearsal speed, or hours of live video in real
time, with the stream dropping, the feed changing and volunteers pressing keys at random,
watched for leaks, errors and stalls.

Prints tables; asserts nothing. Targets (issue 6): memory growth under 5 MB per simulated hour
(the slope of a least-squares fit of the kiosk's RSS over the second half of the run, after
warm-up), 0 exceptions logged, 0 crashes; the longest GUI stall is reported (bench/feeds.py
holds the event loop to 16 ms). In real time (issue 14): after the first 30 minutes, growth
under 5 MB per real hour and under 20 MB over 200 reconnects.

The kiosk runs in a child process, built as `watchparty-kiosk run` builds it (kiosk.cli:
player, stream controller, feed service, operator window, displays), on the built-in event
from 17:50 to 23:50 Moscow time: six hours of programme in --minutes of real time (default 5,
so 72x). The only addition is a driver (DRIVER below) that presses a random volunteer key
about every 1.5 s (Kiosk.trigger, as the keys' shortcuts do) and measures the gaps of the GUI
event loop with a 5 ms timer. The stream is the demo clip cut into one-second HLS segments and
served live from 127.0.0.1 by the media tests' server, which this bench switches to 404, a
frozen playlist, refused connections or a hung server for 5-10 real seconds about every 45 s.
The organisers' feed (the feed tests' server, polled every 10 s, the least a config may ask)
changes every 20-40 s: announcements, a title, laureates named or announced, a delay, and once
a broken version the kiosk must refuse.

Memory is the child's VmRSS from /proc/<pid>/status every 0.5 s (Linux only). The video, the
feed polls and the stream drops run in real time while the programme runs 72x faster: the
per-simulated-hour slope covers what grows with the programme (scenes, refreshes, presses),
the per-real-minute slope what grows with time on the air. --no-video runs the same without
libVLC, to tell the video path's share apart. Run with ./dev bench, or
`python bench/soak.py --minutes 1` for a quick look (the same event, 360x).

Real time: `--real-hours H` runs the kiosk at speed 1 for H hours on the built-in event with
a running order made for the run: its talks back to back from 18:00 (earlier if the run would
end after 23:20), so live video plays under the overlay all along, with its slides, awards
and look. Volunteers press a key about every 20 s, the feed changes every 2-6 minutes, and the
stream drops as --drops says: `real` one drop every 10-20 minutes lasting 5-30 s (a venue's
bad evening), `stress` one a minute (5-10 s), `fast` one every 10-15 s (4-6 s: reconnects
above all, about 200 in 45 minutes; pair it with --warm-up 10). The faults take turns (404,
frozen playlist, refused, hung). Every 10 s the bench reads the child's RSS, its USS (private
pages, /proc/<pid>/smaps_rollup), threads, file descriptors and CPU time; every minute the
driver writes the GUI loop's gaps and the player's reconnect count. A row is printed every
10 minutes as the run goes (RSS at the end of the window and its range, USS, threads, fds,
reconnects and drops so far, stall p99 and longest, CPU), then the slopes after --warm-up
(30 min): RSS and USS per real hour, and RSS against the reconnect count, per 200 reconnects
(given at least 100 after the warm-up: --drops fast).
For a long run, in the background: `nohup python bench/soak.py --real-hours 2.2 --drops real
> realtime.txt 2>&1 &`. bench/reconnects.py reconnects the player alone, faster, and shows
glibc's heap.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["WATCHPARTY_KIOSK_AUDIO"] = "dummy"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "media"))
sys.path.insert(0, str(ROOT / "tests" / "feeds"))

from feedserver import FeedServer  # noqa: E402
from mediakit import HlsServer, demo_segments  # noqa: E402

EVENT_ZONE = "Europe/Moscow"
FROM = "2021-02-06T17:50"  # ten minutes of countdown before the 18:00 start
SPAN = timedelta(hours=6)  # to 23:50: the closing screen, even if the evening ran late
FEED_PATH = "/running-order.yaml"
FEED_EVERY = "10s"
PRESS_EVERY = 1.5  # mean real seconds between volunteer presses
SAMPLE_EVERY = 0.5  # real seconds between RSS samples
FLOOR_WINDOW = 10.0  # real seconds
DROP_EVERY = 45.0  # about one stream drop per this many real seconds
DROP_SECONDS = (5.0, 10.0)  # shorter ones the player's buffer may hide
FAULTS = ("404", "freeze", "refuse", "hang")
FEED_GAP = (20.0, 40.0)  # real seconds between feed changes
TARGET_MB_PER_HOUR = 5.0

# Real time (--real-hours): the kiosk at speed 1 on a running order made for the run.
REAL_DROPS = {  # --drops: real seconds between the starts of two drops, how long one lasts
    "real": ((600.0, 1200.0), (5.0, 30.0)),  # one every 10-20 minutes, as a venue may see
    "stress": ((60.0, 60.0), (5.0, 10.0)),  # one a minute
    "fast": ((10.0, 15.0), (4.0, 6.0)),  # reconnects above all: 200 in about 45 minutes
}
REAL_PRESS_EVERY = 20.0  # mean real seconds between volunteer presses
REAL_FEED_GAP = (120.0, 360.0)  # real seconds between feed changes
REAL_RSS_EVERY = 1.0  # real seconds between samples of RSS
REAL_SAMPLE_EVERY = 10.0  # real seconds between samples of USS, threads, fds, CPU
REAL_WINDOW = 600.0  # real seconds: a row of the table
PROGRESS_EVERY = 60.0  # real seconds between the driver's progress lines
WARM_UP = 1800.0  # real seconds left out of the slopes
TARGET_MB_PER_200 = 20.0  # growth over 200 reconnects
# Fewer reconnects than this after the warm-up and the slope per reconnect is not scaled up to
# 200: with real-world drops they come with time, so that slope carries what grows with time
# too, and a two-hour run's 4.6 MB over 22 reconnects, times nine, read as +41.6 MB "per 200".
# --drops fast (or bench/reconnects.py) measures that target.
LEAST_RECONNECTS = 100
LATEST_END = (23, 20)  # a real-time run ends before the built-in event's 23:30
GAP_BUCKET_MS = 0.1  # the driver's histogram step (BUCKET_MS there)
DROPS_LISTED = 30  # more drops (or feed changes) than this are summed up, not listed

# The child: `watchparty-kiosk run ARGS` through kiosk.cli.main, with a driver attached to the
# Kiosk that _run builds. argv: report path, seed, mean seconds between presses, progress
# path ("" for none) and seconds between its lines, kiosk args.
DRIVER = r'''
import collections, gc, json, random, sys, time
from PySide6.QtCore import QObject, Qt, QTimer
import kiosk.app
from kiosk import cli
from kiosk.core.actions import Action
from kiosk.stage import sprites

def sprite_bytes():
    """What the stage's sprite cache holds (a private figure: None if it is gone)."""
    return getattr(sprites, "_cache_bytes", None)

REPORT, SEED, PRESS_EVERY = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
PROGRESS, PROGRESS_EVERY = sys.argv[4], float(sys.argv[5])
TICK_MS = 5
BUCKET_MS = 0.1
BUCKETS = 3000  # gaps of 0-300 ms in 0.1 ms steps; longer ones land in the last bucket
WORST = 8
# What volunteers press, how often, and for toggles how many real seconds until it is
# pressed again. Not QUIT, not MESSAGE (its editor would take every key from then on).
KEYS = {
    Action.AUTOMATIC: (24, None), Action.LIVE: (8, None), Action.SLIDES: (8, None),
    Action.AWARDS: (6, None), Action.COUNTDOWN: (3, None), Action.NEXT_SLIDE: (8, None),
    Action.PREVIOUS_SLIDE: (4, None), Action.REVEAL: (5, None),
    Action.BLACKOUT: (3, (1, 4)), Action.OVERLAY: (3, (2, 8)), Action.MUTE: (2, (1, 5)),
    Action.DIAGNOSTICS: (3, (3, 10)), Action.HELP: (2, (2, 6)), Action.OPERATOR: (2, (2, 6)),
    Action.DELAY_MORE: (3, None), Action.DELAY_LESS: (3, None),
    Action.VOLUME_UP: (4, None), Action.VOLUME_DOWN: (4, None),
}


class Driver(QObject):
    """Random volunteer presses, and the GUI event loop's gaps (a histogram: the driver's
    own memory must not grow with the run)."""

    def __init__(self, kiosk):
        super().__init__(kiosk)
        self.kiosk = kiosk
        self.rng = random.Random(SEED)
        self.histogram = [0] * BUCKETS
        self.ticks = 0
        self.worst = []  # [gap ms, real s since begin, programme time, what happened in it]
        self.gc_max = 0.0
        self.gc_started = 0.0
        self.presses = dict.fromkeys((a.value for a in KEYS), 0)
        self.toggled = set()
        self.delay_steps = 0
        self.views = 0
        self.scene = ""
        self.happened = {}  # kind → (perf_counter, text): the latest key, scene, feed change
        self.stats = None
        self.t0 = self.sim0 = None
        self.stopped = False
        self.last = 0.0
        self.sprites_full = None  # [real s, programme time] the sprite cache reached 90 %
        self.tick = QTimer(self)
        self.tick.setTimerType(Qt.TimerType.PreciseTimer)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.on_tick)
        # The progress lines: each covers the gaps since the one before (a sparse histogram)
        # and tells the player's figures so far.
        self.window = collections.Counter()
        self.window_max = 0.0
        self.progress = QTimer(self)
        self.progress.setInterval(int(PROGRESS_EVERY * 1000))
        self.progress.timeout.connect(self.on_progress)
        self.press_timer = QTimer(self)
        self.press_timer.setSingleShot(True)
        self.press_timer.timeout.connect(self.on_press)
        kiosk.view_changed.connect(self.on_view)
        if kiosk.feeds is not None:
            kiosk.feeds.config_changed.connect(self.on_feed_config)
        kiosk.quit_requested.connect(self.on_quit)  # before the kiosk's own teardown
        QTimer.singleShot(0, self.begin)  # once app.exec() runs

    def begin(self):
        self.t0, self.sim0 = time.monotonic(), self.kiosk.clock().timestamp()
        gc.callbacks.append(self.on_gc)
        self.last = time.perf_counter()
        self.tick.start()
        if PROGRESS:
            self.progress.start()
        self.schedule()

    def on_view(self, view):
        self.views += 1
        scene = str(getattr(view, "scene", ""))
        if scene != self.scene:
            self.scene = scene
            self.happened["scene"] = (time.perf_counter(), f"to {scene}")

    def on_feed_config(self, config):
        self.happened["feed"] = (time.perf_counter(), "feed applied")

    def on_gc(self, phase, info):
        if phase == "start":
            self.gc_started = time.perf_counter()
        else:
            self.gc_max = max(self.gc_max, (time.perf_counter() - self.gc_started) * 1000)

    def on_tick(self):
        now, before = time.perf_counter(), self.last
        gap = max(0.0, (now - before) * 1000 - TICK_MS)
        self.last = now
        self.ticks += 1
        bucket = min(int(gap / BUCKET_MS), BUCKETS - 1)
        self.histogram[bucket] += 1
        if PROGRESS:
            self.window[bucket] += 1
            self.window_max = max(self.window_max, gap)
        if (self.sprites_full is None and self.ticks % 200 == 0
                and (sprite_bytes() or 0) > 0.9 * getattr(sprites, "BUDGET_BYTES", 1e12)):
            self.sprites_full = [time.monotonic() - self.t0,
                                 self.kiosk.clock().isoformat(timespec="seconds")]
        if len(self.worst) < WORST or gap > self.worst[-1][0]:
            during = ", ".join(text for at, text in self.happened.values() if at >= before)
            self.worst.append([gap, time.monotonic() - self.t0,
                               self.kiosk.clock().isoformat(timespec="seconds"),
                               during or f"nothing of these; on {self.scene}"])
            self.worst.sort(key=lambda w: -w[0])
            del self.worst[WORST:]

    def on_progress(self):
        player = self.kiosk.player
        stats = player.stats() if player is not None else None
        line = {"mono": time.monotonic(), "presses": sum(self.presses.values()),
                "views": self.views, "gaps": dict(self.window), "max": self.window_max,
                "reconnects": None if stats is None else stats.reconnects,
                "shown": None if stats is None else stats.frames_shown,
                "displayed": None if stats is None else stats.frames_displayed}
        self.window.clear()
        self.window_max = 0.0
        with open(PROGRESS, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    def schedule(self):
        self.press_timer.start(int(self.rng.expovariate(1 / PRESS_EVERY) * 1000) + 50)

    def on_press(self):
        if self.stopped:
            return
        choices = [a for a in KEYS if a not in self.toggled
                   and not (a is Action.DELAY_MORE and self.delay_steps >= 2)
                   and not (a is Action.DELAY_LESS and self.delay_steps <= 0)]
        action = self.rng.choices(choices, [KEYS[a][0] for a in choices])[0]
        self.press(action)
        undo = KEYS[action][1]
        if undo is not None:
            self.toggled.add(action)
            QTimer.singleShot(int(self.rng.uniform(*undo) * 1000),
                              lambda a=action: self.undo(a))
        self.schedule()

    def undo(self, action):
        self.toggled.discard(action)
        if not self.stopped:
            self.press(action)

    def press(self, action):
        self.presses[action.value] += 1
        self.happened["key"] = (time.perf_counter(), f"key {action.value}")
        if action is Action.DELAY_MORE:
            self.delay_steps += 1
        elif action is Action.DELAY_LESS:
            self.delay_steps -= 1
        self.kiosk.trigger(action)

    def on_quit(self):
        self.stopped = True
        self.tick.stop()
        self.press_timer.stop()
        self.progress.stop()
        player = self.kiosk.player
        if player is not None:
            self.stats = player.stats()
        self.write()

    def write(self):
        done, ticks = 0, max(1, self.ticks)
        cuts = {50: None, 99: None, 99.9: None}
        for i, n in enumerate(self.histogram):
            done += n
            for p in cuts:
                if cuts[p] is None and done >= p / 100 * ticks:
                    cuts[p] = (i + 1) * BUCKET_MS
        stats = self.stats
        report = {
            "t0": self.t0, "sim0": self.sim0, "quit": time.monotonic(), "ticks": self.ticks,
            "p50": cuts[50], "p99": cuts[99], "p999": cuts[99.9], "worst": self.worst,
            "gc_max": self.gc_max, "presses": self.presses, "views": self.views,
            "sprites": None if sprite_bytes() is None else [
                sprite_bytes(), len(sprites._cache), sprites.BUDGET_BYTES],
            "sprites_full": self.sprites_full,
            "frames": None if stats is None else {
                "displayed": stats.frames_displayed, "lost": stats.frames_lost,
                "delivered": stats.frames_delivered, "shown": stats.frames_shown,
                "reconnects": stats.reconnects},
        }
        with open(REPORT, "w", encoding="utf-8") as out:
            json.dump(report, out)


class SoakKiosk(kiosk.app.Kiosk):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.soak_driver = Driver(self)


kiosk.app.Kiosk = SoakKiosk  # cli._run imports Kiosk from kiosk.app when it runs
sys.exit(cli.main(sys.argv[6:]))
'''


# --------------------------------------------------------------------------- the feed


def feed_versions(count: int, rng: random.Random,
                  programme: list[dict[str, Any]] | None = None) -> list[tuple[str, bytes]]:
    """What the organisers publish over the evening: version 0 (the built-in config's running
    order, or ``programme``, no laureates yet) and ``count`` changes, each (what changed, the
    YAML document). Laureates are named one at a time, some announced at once (the kiosk
    reveals them), some not (the host reveals them with R). One version is broken on
    purpose."""
    import yaml

    base = yaml.safe_load((ROOT / "config" / "solidarity-conference-2021.yaml")
                          .read_text(encoding="utf-8"))
    if programme is not None:
        base["programme"] = programme
    # The config's two awards (their names as the config writes them: the feed's must match)
    # and the laureates the feed names for each; illustrative, not the real results.
    people = [["Viasna Human Rights Centre", "The Belarusian Association of Journalists",
               "Independent medics of Belarus"],
              ["The strike committees", "The courtyard communities"]]
    laureates = [(award["name"], award["categories"][0]["name"], names)
                 for award, names in zip(base["awards"], people, strict=True)]
    named: dict[str, bool] = {}  # laureate → announced
    state: dict[str, Any] = {"announcement": "", "title": 0, "delay": 0}

    def document() -> dict[str, Any]:
        programme = [dict(item) for item in base["programme"]]
        if state["title"]:
            suffix = f" (as now announced, v{state['title']})"
            title = programme[1]["title"]  # text, or {language: text}
            programme[1]["title"] = ({k: v + suffix for k, v in title.items()}
                                     if isinstance(title, dict) else title + suffix)
        awards = [{"name": award, "categories": [{"name": category, "laureates": [
                      {"name": name, "citation": f"For their work in 2020 ({name}).",
                       "announced": named[name]} for name in names if name in named]}]}
                  for award, category, names in laureates]
        return {"schema_version": 1, "announcement": state["announcement"],
                "programme": programme,
                "delay": {"by": f"{state['delay']}m", "since": "20:00"}, "awards": awards}

    class Plain(yaml.SafeDumper):
        # A feed may not use YAML aliases (the kiosk refuses them): a text shared by two
        # items is written out twice.
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def dump(doc: dict[str, Any]) -> bytes:
        return yaml.dump(doc, Dumper=Plain, allow_unicode=True, sort_keys=False).encode()

    pending = [name for _, _, names in laureates for name in names]
    kinds = ["announcement", "announced", "title", "delay", "named", "withdrawn",
             "broken", "announced", "title", "delay", "named", "announcement", "announced"]
    versions = [("version 0", dump(document()))]
    for k in range(count):
        kind = kinds[k % len(kinds)]
        if kind in ("announced", "named") and not pending:
            kind = "title"
        if kind == "announcement":
            state["announcement"] = rng.choice([
                "Doors open at 17:30; the concert starts at 22:00",
                "The discussion runs a little late; thank you for your patience",
                "Donations for the families of political prisoners: see the slides"])
            what = "announcement"
        elif kind == "withdrawn":
            state["announcement"] = ""
            what = "announcement withdrawn"
        elif kind in ("announced", "named"):
            name = pending.pop(0)
            named[name] = kind == "announced"
            what = f"laureate {kind}: {name}"
        elif kind == "title":
            state["title"] += 1
            what = "a title changed"
        elif kind == "delay":
            state["delay"] = 5 - state["delay"]
            what = f"delay from 20:00 now {state['delay']} min"
        else:
            broken = document()
            broken["programme"][2]["duraton"] = broken["programme"][2].pop("duration")
            versions.append(("broken (a misspelt key)", dump(broken)))
            continue
        versions.append((what, dump(document())))
    return versions


# --------------------------------------------------------------------------- set-up


def write_config(folder: Path, feed_url: str) -> Path:
    """The built-in event as it is, its picture's path made absolute, plus the feed."""
    text = (ROOT / "config" / "solidarity-conference-2021.yaml").read_text(encoding="utf-8")
    text = text.replace("../assets/", (ROOT / "assets").as_posix() + "/")
    text += f"\nfeeds:\n  - url: {feed_url}\n    every: {FEED_EVERY}\n    format: yaml\n"
    path = folder / "soak-event.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def real_start(hours: float) -> datetime:
    """Where a real-time run's programme starts: 18:00 on the built-in event's day, or
    earlier that day so that the run ends before 23:20."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(EVENT_ZONE)
    start = datetime.fromisoformat(FROM[:10] + "T18:00").replace(tzinfo=zone)
    latest = start.replace(hour=LATEST_END[0], minute=LATEST_END[1])
    if start + timedelta(hours=hours, minutes=2) > latest:
        start = (latest - timedelta(hours=hours, minutes=2)).replace(second=0, microsecond=0)
    if start.date() != latest.date():
        raise ValueError("--real-hours: at most 23 hours")
    return start


def minutes_of(duration: str) -> int:
    """A config duration such as 15m, 1h or 1h30m, in minutes."""
    hours = re.search(r"(\d+)h", duration)
    mins = re.search(r"(\d+)m", duration)
    return (int(hours.group(1)) * 60 if hours else 0) + (int(mins.group(1)) if mins else 0)


def write_real_config(folder: Path, feed_url: str, start: datetime, hours: float
                      ) -> tuple[Path, list[dict[str, Any]]]:
    """The built-in event for a real-time run: its look, slides, awards and overlay, with a
    running order of its talks back to back from ``start`` to past the run's end (live video
    under the overlay all along, no breaks), plus the feed. Also the running order."""
    import yaml

    text = (ROOT / "config" / "solidarity-conference-2021.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text.replace("../assets/", (ROOT / "assets").as_posix() + "/"))
    talks = [{k: v for k, v in item.items() if k != "start"}
             for item in data["programme"] if "kind" not in item]
    # To half an hour past the run, but not past the event's end at 23:30.
    latest = start.replace(hour=23, minute=30)
    wanted = int(min(hours * 60 + 30, (latest - start).total_seconds() / 60))
    programme: list[dict[str, Any]] = []
    total = 0
    while total < wanted:
        item = dict(talks[len(programme) % len(talks)])
        length = min(minutes_of(item["duration"]), wanted - total)
        item["duration"] = f"{length}m"
        programme.append(item)
        total += length
    programme[0] = {"start": start.strftime("%H:%M"), **programme[0]}
    data["event"]["start"] = start.strftime("%Y-%m-%d %H:%M")
    data["programme"] = programme
    data["feeds"] = [{"url": feed_url, "every": FEED_EVERY, "format": "yaml"}]
    path = folder / "soak-event.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path, programme


# --------------------------------------------------------------------------- the run


@dataclass
class Drop:
    mode: str
    at: float  # real seconds after the child started
    seconds: float
    began: datetime | None = None
    ended: datetime | None = None


class Usage(NamedTuple):
    """A sample of the child's figures (Linux /proc)."""

    mono: float
    uss_kb: int  # private pages (they drop when another process maps the same libraries)
    anon_kb: int  # anonymous memory: the heaps, libVLC's buffers
    threads: int
    fds: int
    ticks: int  # CPU time, user and system, in clock ticks


@dataclass
class Run:
    speed: float
    seconds: float
    samples: list[tuple[float, int]] = field(default_factory=list)  # (monotonic, RSS kB)
    peak_kb: int = 0  # the kernel's high-water mark, VmHWM
    started: float = 0.0
    returncode: int | None = None
    killed: bool = False
    cpu: float = 0.0
    drops: list[Drop] = field(default_factory=list)
    feeds: list[tuple[float, str]] = field(default_factory=list)  # (real s, what changed)
    report: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""
    # Real time only: what --drops asked for, the table's step; the child's usage samples,
    # the driver's progress lines, the table's rows.
    drops_kind: str | None = None
    row_every: float = REAL_WINDOW
    usage: list[Usage] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in kB (Linux /proc); {} once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.MULTILINE)}


def proc_usage(pid: int, now: float) -> Usage | None:
    """A process's USS, anonymous memory, threads, file descriptors and CPU time (Linux
    /proc); None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        threads = len(os.listdir(f"/proc/{pid}/task"))
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    kb = {m.group(1): int(m.group(2))
          for m in re.finditer(r"^(Private_Clean|Private_Dirty|Anonymous):\s+(\d+) kB", text,
                               re.MULTILINE)}
    return Usage(now, kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0),
                 kb.get("Anonymous", 0), threads, fds, int(stat[11]) + int(stat[12]))


def soak(folder: Path, minutes: float, seed: int, *, video: bool = True,
         real_hours: float | None = None, drops: str = "real",
         row_every: float = REAL_WINDOW) -> Run:
    """The run: set-up, the kiosk's child process with its schedule of faults and feed
    changes, and what it left behind. The child and the servers are stopped whatever
    happens (Ctrl+C included). With ``real_hours``, the real-time run instead: speed 1,
    ``drops`` as REAL_DROPS says."""
    rng = random.Random(seed)
    real = real_hours is not None
    seconds = real_hours * 3600 if real_hours is not None else minutes * 60
    run = Run(speed=1.0 if real else SPAN.total_seconds() / seconds, seconds=seconds,
              drops_kind=drops if real else None, row_every=row_every)
    segments = demo_segments(folder / "hls")
    start = real_start(seconds / 3600) if real else None
    programme = None
    if start is not None:
        # The running order the feed publishes must be the config's.
        _, programme = write_real_config(folder, "http://127.0.0.1/", start, seconds / 3600)
    gap = REAL_FEED_GAP if real else FEED_GAP
    versions = feed_versions(int(seconds / sum(gap) * 2) + 1, rng, programme)
    hls = HlsServer(segments)
    feeds = FeedServer()
    try:
        feed_url = feeds.route(FEED_PATH, body=versions[0][1],
                               content_type="application/yaml", etag='"v0"')
        if start is not None:
            config, _ = write_real_config(folder, feed_url, start, seconds / 3600)
            at = (start - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
        else:
            config, at = write_config(folder, feed_url), FROM
        # The kiosk's state, cache, logs and single-instance name of its own: the user's
        # are left alone, and a kiosk the user runs meanwhile does not count.
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [
                   os.environ.get("PYTHONPATH")])]),
               "WATCHPARTY_KIOSK_STATE": str(folder / "state"),
               "WATCHPARTY_KIOSK_CACHE": str(folder / "cache"),
               "WATCHPARTY_KIOSK_LOGS": str(folder / "logs"),
               "WATCHPARTY_KIOSK_CONFIG_DIR": str(folder / "config"),
               "WATCHPARTY_KIOSK_INSTANCE": f"watchparty-kiosk-soak-{os.getpid()}"}
        check = subprocess.run([sys.executable, "-m", "kiosk", "check", str(config)],
                               env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        if check.returncode != 0:
            raise RuntimeError(f"the soak config is not valid:\n{check.stdout}{check.stderr}")
        plan = schedule_real(run, versions, rng) if real else schedule(run, versions, rng)
        if not video:
            env["WATCHPARTY_KIOSK_NO_VLC"] = "1"
        args = ["run", "--windowed", "--config", str(config), "--at", at,
                "--speed", f"{run.speed:.3f}", "--stream", hls.url,
                "--event-log", str(folder / "events.jsonl"), "--exit-after", f"{seconds:g}"]
        before = os.times()
        with (folder / "stdout.txt").open("w") as out, \
                (folder / "stderr.txt").open("w") as err:
            child = subprocess.Popen(
                [sys.executable, "-c", DRIVER, str(folder / "driver.json"), str(seed),
                 str(REAL_PRESS_EVERY if real else PRESS_EVERY),
                 str(folder / "progress.jsonl") if real else "", str(PROGRESS_EVERY),
                 *args], env=env, cwd=ROOT, stdout=out, stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True)  # Ctrl+C goes to this process, which stops it
            try:
                watch(run, child, plan, hls, feeds, folder)
            finally:
                if child.poll() is None:
                    child.terminate()
                    try:
                        child.wait(5)
                    except subprocess.TimeoutExpired:
                        child.kill()
                        child.wait()
        after = os.times()
    finally:
        hls.close()
        feeds.close()
    run.cpu = (after.children_user - before.children_user
               + after.children_system - before.children_system)
    collect(run, folder)
    return run


def schedule(run: Run, versions: list[tuple[str, bytes]], rng: random.Random
             ) -> list[tuple[float, str, Any]]:
    """What happens when, in real seconds after the kiosk started: the stream drops, one in
    each slot of the run, and the feed's changes."""
    plan: list[tuple[float, str, Any]] = []
    count = max(2, round(run.seconds / DROP_EVERY))
    slot = (run.seconds - 30) / count
    modes = [FAULTS[i % len(FAULTS)] for i in range(count)]
    rng.shuffle(modes)
    for i, mode in enumerate(modes):
        length = rng.uniform(*DROP_SECONDS)
        drop = Drop(mode, 15 + i * slot + rng.uniform(0, max(0.0, slot - length - 15)), length)
        run.drops.append(drop)
        plan += [(drop.at, "fault", drop), (drop.at + length, "recover", drop)]
    t = 0.0
    for what, body in versions[1:]:
        t += rng.uniform(*FEED_GAP) * min(1.0, run.seconds / 300)
        if t > run.seconds - 10:
            break
        plan.append((t, "feed", (what, body)))
    return sorted(plan, key=lambda p: p[0])


def schedule_real(run: Run, versions: list[tuple[str, bytes]], rng: random.Random
                  ) -> list[tuple[float, str, Any]]:
    """The real-time run's plan: drops as REAL_DROPS[run.drops_kind] says (the faults in
    turn; the first after a whole gap for "real", after a minute otherwise), and the feed's
    changes every REAL_FEED_GAP."""
    plan: list[tuple[float, str, Any]] = []
    gap, lengths = REAL_DROPS[run.drops_kind or "real"]
    t = rng.uniform(*gap) if run.drops_kind == "real" else 60.0
    while True:
        length = rng.uniform(*lengths)
        if t + length > run.seconds - 30:
            break
        drop = Drop(FAULTS[len(run.drops) % len(FAULTS)], t, length)
        run.drops.append(drop)
        plan += [(drop.at, "fault", drop), (drop.at + length, "recover", drop)]
        t += max(length + 5, rng.uniform(*gap))
    t = 0.0
    for what, body in versions[1:]:
        t += rng.uniform(*REAL_FEED_GAP)
        if t > run.seconds - 10:
            break
        plan.append((t, "feed", (what, body)))
    return sorted(plan, key=lambda p: p[0])


def fmt(value: float | None, form: str = ".1f") -> str:
    """A figure for the tables: "-" when there is none."""
    return "-" if value is None else format(value, form)


def percentile(gaps: dict[int, int], share: float) -> float | None:
    """The gap (ms) below which ``share`` of a sparse histogram's ticks fall."""
    total = sum(gaps.values())
    done = 0
    for bucket in sorted(gaps):
        done += gaps[bucket]
        if done >= share * total:
            return (bucket + 1) * GAP_BUCKET_MS
    return None


class RealTable:
    """The real-time run's table, a row per ``window`` real seconds, printed as it goes."""

    def __init__(self, run: Run, progress: Path, window: float = REAL_WINDOW) -> None:
        self.run = run
        self.window = window
        self.progress = progress
        self.read = 0  # bytes of the progress file read so far
        self.done = 0  # windows printed
        print(f"{'min':>5} {'RSS MB':>7} {'(min-max)':>11} {'USS MB':>7} {'anon':>6} "
              f"{'thr':>4} {'fds':>4} {'reconn':>6} {'drops':>5} {'stall p99/max ms':>17} "
              f"{'CPU %':>6}", flush=True)

    def poll(self, now: float) -> None:
        """Print every window that has ended by ``now``."""
        while now - self.run.started >= (self.done + 1) * self.window:
            self.row(self.run.started + (self.done + 1) * self.window)

    def finish(self, now: float) -> None:
        """The last, shorter window, if there is one worth a row."""
        if now - self.run.started - self.done * self.window >= 60:
            self.row(now)

    def row(self, end: float) -> None:
        run = self.run
        begin = run.started + self.done * self.window
        self.done += 1
        try:
            with self.progress.open("rb") as lines:
                lines.seek(self.read)
                for line in lines:
                    if line.endswith(b"\n"):
                        self.read += len(line)
                        run.progress.append(json.loads(line))
        except OSError:
            pass
        # Not the first seconds, while the child is still loading.
        rss = [kb / 1024 for t, kb in run.samples if max(begin, run.started + 20) <= t < end]
        usage = [u for u in run.usage if begin <= u.mono < end]
        lines_in = [p for p in run.progress if begin <= p["mono"] < end]
        gaps: dict[int, int] = collections.Counter()
        for p in lines_in:
            gaps.update({int(k): v for k, v in p["gaps"].items()})
        before = [u for u in run.usage if u.mono < begin]
        cpu = None
        if usage and (before or len(usage) > 1):
            first = before[-1] if before else usage[0]
            cpu = 100 * (usage[-1].ticks - first.ticks) / os.sysconf("SC_CLK_TCK") / max(
                1.0, usage[-1].mono - first.mono)
        reconnects = next((p["reconnects"] for p in reversed(run.progress)
                           if p["mono"] < end and p["reconnects"] is not None), None)
        row = {"minutes": (end - run.started) / 60, "end": end,
               "rss": rss[-1] if rss else None,
               "rss_min": min(rss) if rss else None, "rss_max": max(rss) if rss else None,
               "uss": usage[-1].uss_kb / 1024 if usage else None,
               "anon": usage[-1].anon_kb / 1024 if usage else None,
               "threads": usage[-1].threads if usage else None,
               "fds": usage[-1].fds if usage else None, "reconnects": reconnects,
               "drops": sum(1 for d in run.drops
                            if d.began is not None and d.at < end - run.started),
               "p99": percentile(gaps, 0.99) if gaps else None,
               "max": max((p["max"] for p in lines_in), default=None), "cpu": cpu}
        run.rows.append(row)

        spread = (f"({row['rss_min']:.0f}-{row['rss_max']:.0f})"
                  if row["rss_min"] is not None else "-")
        print(f"{row['minutes']:5.0f} {fmt(row['rss']):>7} {spread:>11} {fmt(row['uss']):>7} "
              f"{fmt(row['anon']):>6} {fmt(row['threads'], 'd'):>4} {fmt(row['fds'], 'd'):>4} "
              f"{fmt(row['reconnects'], 'd'):>6} {row['drops']:5d} "
              f"{fmt(row['p99']) + ' / ' + fmt(row['max']):>17} {fmt(row['cpu'], '.0f'):>6}",
              flush=True)


def watch(run: Run, child: subprocess.Popen[bytes], plan: list[tuple[float, str, Any]],
          hls: HlsServer, feeds: FeedServer, folder: Path) -> None:
    """Sample the child's memory and carry out the plan until the child exits; in real
    time, print the table as it goes."""
    run.started = time.monotonic()
    etag = 0
    next_sample = next_usage = run.started
    table = (RealTable(run, folder / "progress.jsonl", run.row_every) if run.drops_kind
             else None)
    while child.poll() is None:
        now = time.monotonic()
        if now >= next_sample:
            status = proc_status(child.pid)
            if "VmRSS" in status:
                run.samples.append((now, status["VmRSS"]))
                run.peak_kb = max(run.peak_kb, status.get("VmHWM", 0))
            next_sample += REAL_RSS_EVERY if table is not None else SAMPLE_EVERY
        if table is not None and now >= next_usage:
            usage = proc_usage(child.pid, now)
            if usage is not None:
                run.usage.append(usage)
            next_usage += REAL_SAMPLE_EVERY
        if table is not None:
            table.poll(now)
        while plan and plan[0][0] <= now - run.started:
            _, kind, what = plan.pop(0)
            if kind == "fault":
                what.began = datetime.now(UTC)
                hls.fault(what.mode)
            elif kind == "recover":
                hls.recover()
                what.ended = datetime.now(UTC)
            else:
                etag += 1
                feeds.change(FEED_PATH, body=what[1], etag=f'"v{etag}"')
                run.feeds.append((now - run.started, what[0]))
        if now - run.started > run.seconds + 90 and not run.killed:
            child.kill()  # it did not quit by itself: counted as a crash
            run.killed = True
        time.sleep(0.02)
    run.returncode = child.returncode
    if table is not None:
        table.finish(time.monotonic())


def collect(run: Run, folder: Path) -> None:
    """The driver's report, the event log, and stderr with the kiosk's own log."""
    report = folder / "driver.json"
    if report.is_file():
        run.report = json.loads(report.read_text(encoding="utf-8"))
    event_log = folder / "events.jsonl"
    if event_log.is_file():
        run.events = [json.loads(line) for line in
                      event_log.read_text(encoding="utf-8").splitlines() if line.strip()]
    run.stderr = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    logs = folder / "logs"
    if logs.is_dir():
        run.stderr += "".join(p.read_text(encoding="utf-8", errors="replace")
                              for p in sorted(logs.glob("*.log*")))


# --------------------------------------------------------------------------- the report


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of y over x."""
    if len(points) < 3:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def when(record: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(record["wall"])


def outcome(run: Run, driver: dict[str, Any]) -> tuple[list[tuple[str, str, str]],
                                                         list[dict[str, Any]], int]:
    """What both reports end with (exceptions, crashes, how it ended, stalls, CPU) as rows
    of (measure, value, target); and the errors and the tracebacks counted for the details."""
    errors = [e for e in run.events if e.get("event") == "error"]
    tracebacks = run.stderr.count("Traceback (most recent call last)")
    crashed = run.killed or run.returncode not in (0, None)
    ended = ("killed: it had not quit 90 s after it should have" if run.killed
             else f"signal {-(run.returncode or 0)}" if (run.returncode or 0) < 0
             else f"exit code {run.returncode}")
    worst = driver.get("worst") or []
    return [
        ("exceptions logged (event log \"error\")", str(len(errors)), "0"),
        ("tracebacks (stderr and the kiosk's log)", str(tracebacks), "0"),
        ("crashes", "1" if crashed else "0", "0"),
        ("how the kiosk ended", ended, ""),
        ("longest GUI stall (ms)", fmt(worst[0][0] if worst else None), "reported"),
        ("GUI stall p99 / p99.9 (ms)",
         f"{fmt(driver.get('p99'))} / {fmt(driver.get('p999'))}", ""),
        ("longest garbage collection (ms)", fmt(driver.get("gc_max")), ""),
        ("kiosk CPU, all threads (% of one core)", f"{100 * run.cpu / run.seconds:.0f}", ""),
    ], errors, tracebacks


def report(run: Run, minutes: float, seed: int, video: bool) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(EVENT_ZONE)
    start = datetime.fromisoformat(FROM).replace(tzinfo=zone)
    driver = run.report or {}
    # Programme time of a monotonic instant: from the driver's reading of the kiosk's clock,
    # or (the kiosk crashed before it wrote it) from the speed and the child's start.
    t0 = driver.get("t0") or run.started
    sim0 = driver.get("sim0") or start.timestamp()

    def sim_hours(t: float) -> float:
        return (sim0 + (t - t0) * run.speed - start.timestamp()) / 3600

    def local(iso: str) -> str:
        return datetime.fromisoformat(iso).astimezone(zone).strftime("%H:%M:%S")

    samples = [(t, kb / 1024) for t, kb in run.samples if t >= t0]
    middle = t0 + ((samples[-1][0] if samples else t0) - t0) / 2
    per_hour = slope([(sim_hours(t), mb) for t, mb in samples if t >= middle])
    per_hour_first = slope([(sim_hours(t), mb) for t, mb in samples if t < middle])
    per_minute = slope([((t - t0) / 60, mb) for t, mb in samples if t >= middle])
    # The video path swings RSS by tens of MB as stream attempts come and go; the floor (the
    # lowest sample of each FLOOR_WINDOW real seconds) shows what stays.
    floors: dict[int, tuple[float, float]] = {}
    for t, mb in samples:
        if t >= middle:
            key = int((t - middle) // FLOOR_WINDOW)
            floors[key] = min(floors.get(key, (t, mb)), (t, mb), key=lambda p: p[1])
    per_hour_floor = slope([(sim_hours(t), mb) for t, mb in floors.values()])

    ending, errors, tracebacks = outcome(run, driver)

    print(f"\nSoak: the built-in event, {FROM[-5:]}-"
          f"{(start + SPAN).strftime('%H:%M')} Moscow time ({SPAN} of programme), in "
          f"{minutes:g} min of real time: speed {run.speed:.1f}x, seed {seed}"
          + ("" if video else ", WITHOUT libVLC (--no-video)"))
    print(f"{'measure':<46} {'value':>12}  target")
    rows = [
        ("RSS once the event loop runs (MB)", fmt(samples[0][1] if samples else None), ""),
        ("peak RSS, VmHWM (MB)", fmt(run.peak_kb / 1024), ""),
        ("final RSS, last sample (MB)",
         fmt(run.samples[-1][1] / 1024 if run.samples else None), ""),
        ("growth per simulated hour, 2nd half (MB)", fmt(per_hour, "+.2f"),
         f"under {TARGET_MB_PER_HOUR:g}"),
        ("growth per simulated hour, 2nd half, floor (MB)", fmt(per_hour_floor, "+.2f"), ""),
        ("growth per simulated hour, 1st half (MB)", fmt(per_hour_first, "+.2f"), ""),
        ("growth per real minute, 2nd half (MB)", fmt(per_minute, "+.2f"), ""),
        *ending,
    ]
    for name, value, target in rows:
        print(f"{name:<46} {value:>12}  {target}")
    print(f"RSS: /proc/<pid>/status every {SAMPLE_EVERY:g} s (Linux only); slopes: "
          "least-squares fits over each half of the run;\nfloor: over the lowest sample of "
          f"each {FLOOR_WINDOW:g} real seconds.\nStalls: gaps between 5 ms timer "
          f"ticks on the GUI thread, minus 5 ms ({driver.get('ticks', 0)} ticks).")

    marks = []
    for hour in range(int(SPAN.total_seconds() // 3600) + 1):
        near = [mb for t, mb in samples if abs(sim_hours(t) - hour) * 3600 < run.speed]
        if near:
            marks.append(f"{(start + timedelta(hours=hour)).strftime('%H:%M')} {near[0]:.0f}")
    print("RSS (MB) at programme time: " + ", ".join(marks))
    if driver.get("sprites"):
        held, count, budget = driver["sprites"]
        full = driver.get("sprites_full")
        print(f"Sprite cache (kiosk.stage.sprites) at the end: {held / 2**20:.0f} MB in {count} "
              f"pictures, budget {budget / 2**20:.0f} MB; "
              + (f"90 % full at {local(full[1])}, {full[0]:.0f} s into the run" if full
                 else "never 90 % full"))

    report_details(run, driver, local, errors, tracebacks)


def report_real(run: Run, seed: int, video: bool, warm_up: float) -> None:
    """The real-time run's figures after its table: slopes after the warm-up, per real hour
    and per 200 reconnects, threads and descriptors, stalls, and what went wrong."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(EVENT_ZONE)
    driver = run.report or {}

    def local(iso: str) -> str:
        return datetime.fromisoformat(iso).astimezone(zone).strftime("%H:%M:%S")

    end = run.samples[-1][0] if run.samples else run.started
    if end - run.started < 1.5 * warm_up:  # a short look: the second half only
        warm_up = (end - run.started) / 2
    warm = run.started + warm_up
    hours = [((t - run.started) / 3600, kb / 1024) for t, kb in run.samples if t >= warm]
    per_hour = slope(hours)
    per_hour_uss = slope([((u.mono - run.started) / 3600, u.uss_kb / 1024)
                          for u in run.usage if u.mono >= warm])
    per_hour_anon = slope([((u.mono - run.started) / 3600, u.anon_kb / 1024)
                           for u in run.usage if u.mono >= warm])
    # A stream attempt's working set (libVLC's decoder and picture pools, the frame buffers)
    # comes and goes with it: the RSS swings by tens of MB with every drop. The highest
    # sample of each minute (an attempt playing) and the lowest (mostly between attempts)
    # are each comparable over the run.
    minute: dict[int, list[tuple[float, float]]] = {}
    for h, mb in hours:
        minute.setdefault(int(h * 60), []).append((h, mb))
    ceilings = [max(points, key=lambda p: p[1]) for points in minute.values()]
    floors = [min(points, key=lambda p: p[1]) for points in minute.values()]
    per_hour_ceiling, per_hour_floor = slope(ceilings), slope(floors)

    # RSS in the minute before each progress line, against the reconnects so far.
    minutes_rss: list[tuple[float, list[float]]] = []
    for p in run.progress:
        if p["mono"] < warm or p["reconnects"] is None:
            continue
        near = [kb / 1024 for t, kb in run.samples if p["mono"] - 60 <= t <= p["mono"]]
        if near:
            minutes_rss.append((float(p["reconnects"]), near))
    span = int(minutes_rss[-1][0] - minutes_rss[0][0]) if minutes_rss else 0

    def per_reconnects(extreme: Callable[[list[float]], float]) -> float | None:
        """RSS (the minute's extreme) per reconnect; None over too few reconnects."""
        if span < LEAST_RECONNECTS:
            return None
        return slope([(count, extreme(near)) for count, near in minutes_rss])

    per_200_ceiling, per_200_floor = per_reconnects(max), per_reconnects(min)
    after = [u for u in run.usage if u.mono >= warm]
    threads = [u.threads for u in after]
    fds = [u.fds for u in after]
    reconnects = next((p["reconnects"] for p in reversed(run.progress)
                       if p["reconnects"] is not None), None)
    final = (driver.get("frames") or {}).get("reconnects")
    ending, errors, tracebacks = outcome(run, driver)
    gap, lengths = REAL_DROPS[run.drops_kind or "real"]
    minutes = warm_up / 60
    print(f"\nSoak in real time: {run.seconds / 3600:g} h at speed 1, drops "
          f"{run.drops_kind!r} (one every {gap[0]:g}-{gap[1]:g} s, lasting "
          f"{lengths[0]:g}-{lengths[1]:g} s), seed {seed}"
          + ("" if video else ", WITHOUT libVLC (--no-video)"))
    print(f"{'measure':<52} {'value':>12}  target")
    first = hours[0][1] if hours else None
    rows = [
        (f"RSS at {minutes:g} min -> at the end (MB)",
         f"{fmt(first, '.0f')} -> {fmt(hours[-1][1] if hours else None, '.0f')}", ""),
        ("peak RSS, VmHWM (MB)", fmt(run.peak_kb / 1024), ""),
        (f"growth per real hour after {minutes:g} min, RSS (MB)", fmt(per_hour, "+.2f"),
         f"under {TARGET_MB_PER_HOUR:g}"),
        ("  the same, USS (MB)", fmt(per_hour_uss, "+.2f"), ""),
        ("  the same, anonymous memory (MB)", fmt(per_hour_anon, "+.2f"), ""),
        ("  the same, RSS ceiling (highest of each minute) (MB)",
         fmt(per_hour_ceiling, "+.2f"), ""),
        ("  the same, RSS floor (lowest of each minute) (MB)", fmt(per_hour_floor, "+.2f"),
         ""),
        (f"growth per 200 reconnects after {minutes:g} min, ceiling (MB)",
         fmt(None if per_200_ceiling is None else per_200_ceiling * 200, "+.1f"),
         f"under {TARGET_MB_PER_200:g}" if per_200_ceiling is not None
         else f"needs {LEAST_RECONNECTS}+ reconnects (--drops fast)"),
        ("  the same, floor (MB)",
         fmt(None if per_200_floor is None else per_200_floor * 200, "+.1f"), ""),
        (f"reconnects after {minutes:g} min / in all", f"{span} / {fmt(final or reconnects, 'd')}",
         ""),
        (f"threads after {minutes:g} min (min-max)",
         f"{min(threads)}-{max(threads)}" if threads else "-", "flat"),
        (f"file descriptors after {minutes:g} min (min-max)",
         f"{min(fds)}-{max(fds)}" if fds else "-", "flat"),
        *ending,
    ]
    for name, value, target in rows:
        print(f"{name:<52} {value:>12}  {target}")
    print(f"RSS: /proc/<pid>/status every {REAL_RSS_EVERY:g} s; USS (private pages: they drop "
          "while another process maps the same\nlibraries) and anonymous memory: "
          f"/proc/<pid>/smaps_rollup every {REAL_SAMPLE_EVERY:g} s. Slopes: least-squares fits "
          f"over the samples\nafter {minutes:g} min; per 200 reconnects: the highest (lowest) "
          "RSS of each minute against the player's reconnect\ncount at its end. Reconnects: "
          "the player's failed attempts, each followed by a fresh libVLC player.")
    report_details(run, driver, local, errors, tracebacks)


def report_details(run: Run, driver: dict[str, Any], local: Callable[[str], str],
                   errors: list[dict[str, Any]], tracebacks: int) -> None:
    """What both kinds of run print after their figures: the longest stalls, scenes and
    presses, the drops, the feed, and what went wrong."""
    worst = driver.get("worst") or []
    if worst:
        print("\nLongest GUI stalls: ms, real s into the run, programme time, what happened "
              "during it\n(a key pressed, a scene change, a feed's new config applied)")
        for gap, t, at, key in worst[:5]:
            print(f"  {gap:6.1f}  {t:6.1f} s  {local(at)}  {key}")

    scenes = collections.Counter(e["scene"] + (" (manual)" if e.get("manual") else "")
                                 for e in run.events if e.get("event") == "scene")
    items = [e.get("item") or e.get("phase") for e in run.events if e.get("event") == "status"]
    presses = {k: v for k, v in (driver.get("presses") or {}).items() if v}
    print("\nScenes the kiosk switched to (event log): " + ", ".join(
        f"{name} {n}" for name, n in sorted(scenes.items())))
    print(f"Programme statuses passed: {len(items)}, the last: {items[-1] if items else '-'}")
    print(f"Volunteer presses: {sum(presses.values())}: " + ", ".join(
        f"{k} {v}" for k, v in sorted(presses.items(), key=lambda kv: -kv[1])))
    frames = driver.get("frames")
    print(f"Views composed: {driver.get('views', '-')}" + (
        f"; frames: {frames['displayed']} displayed by libVLC, {frames['lost']} lost, "
        f"{frames['shown']} taken by the GUI, {frames['reconnects']} reconnects"
        if frames else ""))

    health = [(when(e), e["health"]) for e in run.events if e.get("event") == "health"]
    print(f"\nStream drops: {len(run.drops)} (the player's defaults: a stall after 3 s, "
          "retries after 1-5 s, the address asked for again at most every 30 s)")
    noticed_count = back_count = 0
    listed = len(run.drops) <= DROPS_LISTED
    if listed:
        print(f"{'fault':<7} {'at s':>6} {'for s':>6} {'health left playing':>22} "
              f"{'playing again after recovery':>29}")
    by_mode: dict[str, list[int]] = {}  # fault → [drops, noticed, back]
    backs: list[float] = []
    for drop in run.drops:
        if drop.began is None:
            if listed:
                print(f"{drop.mode:<7} {drop.at:6.1f} {drop.seconds:6.1f}  (after the run)")
            continue
        counts = by_mode.setdefault(drop.mode, [0, 0, 0])
        counts[0] += 1
        over = drop.ended or drop.began + timedelta(seconds=drop.seconds)
        left = next(((t, h) for t, h in health if t >= drop.began and h != "playing"), None)
        if left is None or left[0] > over + timedelta(seconds=10):
            noticed, back = "no", "-"
        else:
            noticed_count += 1
            counts[1] += 1
            noticed = f"after {(left[0] - drop.began).total_seconds():.1f} s ({left[1]})"
            again = next((t for t, h in health if t >= left[0] and h == "playing"), None)
            back = "never" if again is None else f"{(again - over).total_seconds():.1f} s"
            back_count += again is not None
            if again is not None:
                counts[2] += 1
                backs.append((again - over).total_seconds())
        if listed:
            print(f"{drop.mode:<7} {drop.at:6.1f} {drop.seconds:6.1f} {noticed:>22} {back:>29}")
    if not listed:
        print(f"{'fault':<7} {'drops':>6} {'noticed':>8} {'playing again':>14}")
        for mode, (count, noticed_n, back_n) in sorted(by_mode.items()):
            print(f"{mode:<7} {count:6d} {noticed_n:8d} {back_n:14d}")
        if backs:
            backs.sort()
            print(f"Playing again after recovery: median {backs[len(backs) // 2]:.1f} s, "
                  f"longest {backs[-1]:.1f} s")
    print(f"Health went back to playing after {back_count} of the {noticed_count} drops the "
          "kiosk noticed.")

    looks = collections.Counter(e.get("result") for e in run.events
                                if e.get("event") == "feed" and "result" in e)
    configs = [e for e in run.events if e.get("event") == "config"]
    revealed = [a for e in configs for a in e.get("announced", ())]
    print(f"\nFeed: {len(run.feeds)} changes published, polled every {FEED_EVERY}; looks: "
          + ", ".join(f"{k} {v}" for k, v in sorted(looks.items()))
          + f".\nConfigs applied (event log \"config\"): {len(configs)}; laureates the feed "
          f"revealed: {len(revealed)}.")
    for t, what in run.feeds[:DROPS_LISTED]:
        print(f"  {t:6.1f} s  {what}")
    if len(run.feeds) > DROPS_LISTED:
        print(f"  ... and {len(run.feeds) - DROPS_LISTED} more")

    if errors:
        print("\nExceptions in the event log:")
        for text, n in collections.Counter(e.get("error", "") for e in errors).most_common(5):
            print(f"  {n} x {text}")
    if tracebacks:
        last = run.stderr.rsplit("Traceback (most recent call last)", 1)[1]
        print("\nThe last traceback:\nTraceback (most recent call last)" + last[:2000])
    logged = [e for e in run.events if e.get("event") == "log"
              and e.get("level") in ("error", "critical")]
    if logged:
        print(f"\nError-level lines the kiosk logged: {len(logged)}")
        for text, n in collections.Counter(e.get("message", "")[:110]
                                           for e in logged).most_common(6):
            print(f"  {n} x {text}")
    print(f"(1280x720 window, {os.environ.get('QT_QPA_PLATFORM')} platform, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0,
                        help="real minutes the whole event takes (default 5)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--no-video", action="store_true",
                        help="the kiosk without libVLC, to tell the video path's share apart")
    parser.add_argument("--real-hours", type=float, metavar="H",
                        help="run in real time for H hours instead (speed 1, live video "
                             "all along), printing a row every 10 minutes")
    parser.add_argument("--drops", choices=sorted(REAL_DROPS), default="real",
                        help="with --real-hours: a stream drop every 10-20 min (real, the "
                             "default), one a minute (stress), or every 10-15 s (fast)")
    parser.add_argument("--warm-up", type=float, default=WARM_UP / 60, metavar="MINUTES",
                        help="with --real-hours: minutes left out of the slopes (default 30)")
    parser.add_argument("--row-minutes", type=float, default=REAL_WINDOW / 60,
                        metavar="MINUTES", help="with --real-hours: a row every this many "
                        "minutes (default 10)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the event log, stderr, the driver's report and the RSS "
                             "samples (real s, kB) here")
    options = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("bench/soak.py: reads the kiosk's memory from /proc; Linux only")
        return
    if shutil.which("ffmpeg") is None:
        print("bench/soak.py: ffmpeg is missing")
        return
    real = options.real_hours is not None
    if real:
        gap, lengths = REAL_DROPS[options.drops]
        print(f"bench/soak.py: {options.real_hours:g} h in real time from "
              f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, drops {options.drops!r} "
              f"(every {gap[0]:g}-{gap[1]:g} s, lasting {lengths[0]:g}-{lengths[1]:g} s), "
              f"a row every {options.row_minutes:g} min", flush=True)
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp:
        try:
            run = soak(Path(tmp), options.minutes, options.seed,
                       video=not options.no_video, real_hours=options.real_hours,
                       drops=options.drops, row_every=options.row_minutes * 60)
        except KeyboardInterrupt:
            print("bench/soak.py: interrupted; the kiosk and the servers are stopped")
            return
        if options.keep is not None:
            shutil.copytree(tmp, options.keep, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("hls"))
            (options.keep / "rss.tsv").write_text("".join(
                f"{t - run.started:.2f}\t{kb}\n" for t, kb in run.samples))
            if real:
                (options.keep / "usage.tsv").write_text("".join(
                    f"{u.mono - run.started:.2f}\t{u.uss_kb}\t{u.anon_kb}\t{u.threads}\t"
                    f"{u.fds}\t{u.ticks}\n" for u in run.usage))
    if real:
        report_real(run, options.seed, not options.no_video, options.warm_up * 60)
    else:
        report(run, options.minutes, options.seed, not options.no_video)


if __name__ == "__main__":
    main()
