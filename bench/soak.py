"""Soak benchmark: the whole built-in event at rehearsal speed, with the stream dropping, the
feed changing and volunteers pressing keys at random, watched for leaks, errors and stalls.

Prints tables; asserts nothing. Targets (issue 6): memory growth under 5 MB per simulated hour
(the slope of a least-squares fit of the kiosk's RSS over the second half of the run, after
warm-up), 0 exceptions logged, 0 crashes; the longest GUI stall is reported (bench/feeds.py
holds the event loop to 16 ms).

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["WATCHPARTY_KIOSK_AUDIO"] = "dummy"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "media"))
sys.path.insert(0, str(ROOT / "tests" / "feeds"))

from feedserver import FeedServer  # noqa: E402
from mediakit import HlsServer, ffmpeg  # noqa: E402

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

# The child: `watchparty-kiosk run ARGS` through kiosk.cli.main, with a driver attached to the
# Kiosk that _run builds. argv: report path, seed, mean seconds between presses, kiosk args.
DRIVER = r'''
import gc, json, random, sys, time
from PySide6.QtCore import QObject, Qt, QTimer
import kiosk.app
from kiosk import cli
from kiosk.core.actions import Action
from kiosk.stage import sprites

def sprite_bytes():
    """What the stage's sprite cache holds (a private figure: None if it is gone)."""
    return getattr(sprites, "_cache_bytes", None)

REPORT, SEED, PRESS_EVERY = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
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
        self.histogram[min(int(gap / BUCKET_MS), BUCKETS - 1)] += 1
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
sys.exit(cli.main(sys.argv[4:]))
'''


# --------------------------------------------------------------------------- the feed


def feed_versions(count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """What the organisers publish over the evening: version 0 (the built-in config's running
    order, no laureates yet) and ``count`` changes, each (what changed, the YAML document).
    Laureates are named one at a time, some announced at once (the kiosk reveals them), some
    not (the host reveals them with R). One version is broken on purpose."""
    import yaml

    base = yaml.safe_load((ROOT / "config" / "solidarity-conference-2021.yaml")
                          .read_text(encoding="utf-8"))
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

    def dump(doc: dict[str, Any]) -> bytes:
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()

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


def demo_segments(folder: Path) -> tuple[Path, ...]:
    """The demo clip as one-second HLS segments (a key frame each second), looped live by
    the media tests' server."""
    folder.mkdir(parents=True, exist_ok=True)
    ffmpeg("-i", str(ROOT / "assets" / "demo" / "demo-stream.mp4"), "-c:v", "libx264",
           "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "30", "-keyint_min", "30",
           "-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*1)",
           "-c:a", "aac", "-b:a", "96k", "-f", "hls", "-hls_time", "1",
           "-hls_list_size", "0", "-hls_segment_filename", str(folder / "d%03d.ts"),
           str(folder / "demo.m3u8"))
    return tuple(sorted(folder.glob("d[0-9][0-9][0-9].ts")))


def write_config(folder: Path, feed_url: str) -> Path:
    """The built-in event as it is, its picture's path made absolute, plus the feed."""
    text = (ROOT / "config" / "solidarity-conference-2021.yaml").read_text(encoding="utf-8")
    text = text.replace("../assets/", (ROOT / "assets").as_posix() + "/")
    text += f"\nfeeds:\n  - url: {feed_url}\n    every: {FEED_EVERY}\n    format: yaml\n"
    path = folder / "soak-event.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the run


@dataclass
class Drop:
    mode: str
    at: float  # real seconds after the child started
    seconds: float
    began: datetime | None = None
    ended: datetime | None = None


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


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in kB (Linux /proc); {} once it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.MULTILINE)}


def soak(folder: Path, minutes: float, seed: int, *, video: bool = True) -> Run:
    """The run: set-up, the kiosk's child process with its schedule of faults and feed
    changes, and what it left behind. The child and the servers are stopped whatever
    happens (Ctrl+C included)."""
    rng = random.Random(seed)
    seconds = minutes * 60
    run = Run(speed=SPAN.total_seconds() / seconds, seconds=seconds)
    segments = demo_segments(folder / "hls")
    versions = feed_versions(int(seconds / sum(FEED_GAP) * 2) + 1, rng)
    hls = HlsServer(segments)
    feeds = FeedServer()
    try:
        feed_url = feeds.route(FEED_PATH, body=versions[0][1],
                               content_type="application/yaml", etag='"v0"')
        config = write_config(folder, feed_url)
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
        plan = schedule(run, versions, rng)
        if not video:
            env["WATCHPARTY_KIOSK_NO_VLC"] = "1"
        args = ["run", "--windowed", "--config", str(config), "--at", FROM,
                "--speed", f"{run.speed:.3f}", "--stream", hls.url,
                "--event-log", str(folder / "events.jsonl"), "--exit-after", f"{seconds:g}"]
        before = os.times()
        with (folder / "stdout.txt").open("w") as out, \
                (folder / "stderr.txt").open("w") as err:
            child = subprocess.Popen(
                [sys.executable, "-c", DRIVER, str(folder / "driver.json"), str(seed),
                 str(PRESS_EVERY), *args], env=env, cwd=ROOT, stdout=out, stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True)  # Ctrl+C goes to this process, which stops it
            try:
                watch(run, child, plan, hls, feeds)
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


def watch(run: Run, child: subprocess.Popen[bytes], plan: list[tuple[float, str, Any]],
          hls: HlsServer, feeds: FeedServer) -> None:
    """Sample the child's memory and carry out the plan until the child exits."""
    run.started = time.monotonic()
    etag = 0
    next_sample = run.started
    while child.poll() is None:
        now = time.monotonic()
        if now >= next_sample:
            status = proc_status(child.pid)
            if "VmRSS" in status:
                run.samples.append((now, status["VmRSS"]))
                run.peak_kb = max(run.peak_kb, status.get("VmHWM", 0))
            next_sample += SAMPLE_EVERY
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

    errors = [e for e in run.events if e.get("event") == "error"]
    tracebacks = run.stderr.count("Traceback (most recent call last)")
    crashed = run.killed or run.returncode not in (0, None)
    ended = ("killed: it had not quit 90 s after it should have" if run.killed
             else f"signal {-run.returncode}" if (run.returncode or 0) < 0
             else f"exit code {run.returncode}")

    def fmt(value: float | None, form: str = ".1f") -> str:
        return "-" if value is None else format(value, form)

    worst = driver.get("worst") or []
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
        ("exceptions logged (event log \"error\")", str(len(errors)), "0"),
        ("tracebacks (stderr and the kiosk's log)", str(tracebacks), "0"),
        ("crashes", "1" if crashed else "0", "0"),
        ("how the kiosk ended", ended, ""),
        ("longest GUI stall (ms)", fmt(worst[0][0] if worst else None), "reported"),
        ("GUI stall p99 / p99.9 (ms)",
         f"{fmt(driver.get('p99'))} / {fmt(driver.get('p999'))}", ""),
        ("longest garbage collection (ms)", fmt(driver.get("gc_max")), ""),
        ("kiosk CPU, all threads (% of one core)", f"{100 * run.cpu / run.seconds:.0f}", ""),
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
          "retries after 1-30 s)")
    print(f"{'fault':<7} {'at s':>6} {'for s':>6} {'health left playing':>22} "
          f"{'playing again after recovery':>29}")
    noticed_count = back_count = 0
    for drop in run.drops:
        if drop.began is None:
            print(f"{drop.mode:<7} {drop.at:6.1f} {drop.seconds:6.1f}  (after the run)")
            continue
        over = drop.ended or drop.began + timedelta(seconds=drop.seconds)
        left = next(((t, h) for t, h in health if t >= drop.began and h != "playing"), None)
        if left is None or left[0] > over + timedelta(seconds=10):
            noticed, back = "no", "-"
        else:
            noticed_count += 1
            noticed = f"after {(left[0] - drop.began).total_seconds():.1f} s ({left[1]})"
            again = next((t for t, h in health if t >= left[0] and h == "playing"), None)
            back = "never" if again is None else f"{(again - over).total_seconds():.1f} s"
            back_count += again is not None
        print(f"{drop.mode:<7} {drop.at:6.1f} {drop.seconds:6.1f} {noticed:>22} {back:>29}")
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
    for t, what in run.feeds:
        print(f"  {t:6.1f} s  {what}")

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
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp:
        try:
            run = soak(Path(tmp), options.minutes, options.seed,
                       video=not options.no_video)
        except KeyboardInterrupt:
            print("bench/soak.py: interrupted; the kiosk and the servers are stopped")
            return
        if options.keep is not None:
            shutil.copytree(tmp, options.keep, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("hls"))
            (options.keep / "rss.tsv").write_text("".join(
                f"{t - run.started:.2f}\t{kb}\n" for t, kb in run.samples))
    report(run, options.minutes, options.seed, not options.no_video)


if __name__ == "__main__":
    main()
