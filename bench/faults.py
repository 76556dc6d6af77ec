"""Fault matrix in real time: the real kiosk, one fault at a time, each case repeated and timed.

Prints one table row per case; asserts nothing. For every repeat the kiosk is started afresh
as a host starts it (``python -m kiosk run``, or ``--supervise`` where the case needs the
supervisor; windowed, offscreen) in folders of its own (state, cache, logs, config: the
WATCHPARTY_KIOSK_* variables), on a config written for the repeat: its programme is live
now (an opening session until 45 minutes from now, then a break, then a closing session),
its stream is a loopback HLS server (the demo clip, live, tests/media/mediakit.py) and its
feed a loopback feed server (tests/feeds/feedserver.py), polled every 10 s. The volunteers'
remote is paired with a controller token in the repeat's config folder, so the bench presses
keys as a Stream Deck would (a delay, a reveal, the volume), and the kiosk saves a picture of
its stage every second (WATCHPARTY_KIOSK_SHOTS).

Each repeat: wait for the stream to play, press the keys, note what is saved (the
volunteers' state, the volume, the last good config, the feed's cached copy, the config),
inject the fault at a known instant, remove it after a known time where it is removable,
wait for the recovery, and compare what is saved with what should be. From the event log
(JSON lines) and the stage's pictures:

- what the hall saw: the scenes in order (a fallback in brackets: ``slides(reconnecting)``),
  ``[no kiosk N s]`` while no kiosk process ran (``[slate N s]`` when the supervisor's slate
  covered the TV meanwhile), and any picture mostly black or flat;
- time to recover: from the fault's removal (from the fault itself where nothing removes
  it: a kill, a stop) to the stream PLAYING again, the feed's new version applied, the
  kiosk back, the programme following the clock put right (how soon it followed the jump
  is in the notes), what could not be saved saved;
- data lost: anything saved before the fault (or changed during it) that is not there after.

Needs ffmpeg and libVLC; root for the disk-full case (a 1 MB tmpfs; else "not run"); for
the clock cases the ``faketime`` package (``apt install faketime``; else "not run"): the wall
clock of the kiosk's processes only is moved, its monotonic clock left alone. Debian 12's
libfaketime 0.9.10 breaks sleeps on the monotonic clock when told to leave it alone (libVLC
then spins both cores), so where a probe finds that, the bench builds and uses a small
CLOCK_REALTIME-only preload instead (needs cc; see ClockFaker). Linux only. About 40 minutes
with the default 3 repeats; ``--quick`` runs each case once; ``--case NAME`` (repeatable, a
prefix is enough) picks cases; ``--keep DIR`` keeps every repeat's folder (event log,
stderr, logs, pictures).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import hashlib
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable
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

FEED_PATH = "/running-order.yaml"
FEED_EVERY = "10s"
YOUTUBE = "https://www.youtube.com/watch?v=FaultBench01"
READY_TIMEOUT = 45.0  # the stream must play this soon after the start
RECOVERY_TIMEOUT = 100.0  # longer than the player's backoff cap and offline_after
SHOT_EVERY = 1.0
SHOT_GAP = 2.5  # seconds between two pictures beyond which the hall saw none of ours
DARK = 0.85  # a picture with this share of near-black pixels is "mostly black"
FLASH = 0.25  # a scene decided and replaced within this many seconds is not seen
HANG_AFTER = 10.0  # the supervisor's default: a stopped kiosk is killed after this
FAKETIME_GLOBS = ("/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1",
                  "/usr/local/lib/faketime/libfaketime.so.1")
TMPFS_SIZE = "1m"

STAND_IN = '''#!{python}
"""A stand-in for yt-dlp (bench/faults.py): the kiosk's own resolver worker (real yt-dlp,
its generic extractor) on the loopback stream, whatever address it is given, after the
delay the bench sets in its control file (and with an expiry in the address if it says)."""
import json, sys, time
sys.path.insert(0, {root!r})
control = json.loads(open({control!r}, encoding="utf-8").read())
time.sleep(float(control.get("delay", 0)))
url = control["url"]
if control.get("expire_in"):  # a signed address that expires, as YouTube's do
    url += "?expire=%d" % (time.time() + control["expire_in"])
from kiosk.resolver import worker
worker.main([url, "--max-height", "720", "--timeout", "30"])
'''


# --------------------------------------------------------------------------- helpers


def now() -> datetime:
    return datetime.now(UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()[:12]


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.append(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            "utf-8", "replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def faketime_library() -> str | None:
    for pattern in FAKETIME_GLOBS:
        for path in sorted(glob.glob(pattern)):
            return path
    return None


# Only CLOCK_REALTIME moved, by the number of seconds in the file $WALL_OFFSET_FILE (read
# again at most five times a second): what libfaketime cannot do without breaking sleeps
# on the monotonic clock (see ClockFaker).
REALTIME_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int (*real_gettime)(clockid_t, struct timespec *);
static long long offset_ns, next_read_ns;

static void look(void) {
    struct timespec m;
    char text[64];
    const char *path = getenv("WALL_OFFSET_FILE");
    if (!path) return;
    real_gettime(CLOCK_MONOTONIC, &m);
    long long now = m.tv_sec * 1000000000LL + m.tv_nsec;
    if (now < __atomic_load_n(&next_read_ns, __ATOMIC_RELAXED)) return;
    __atomic_store_n(&next_read_ns, now + 200000000LL, __ATOMIC_RELAXED);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return;
    text[n] = 0;
    __atomic_store_n(&offset_ns, (long long)(strtod(text, NULL) * 1e9), __ATOMIC_RELAXED);
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    if (!real_gettime) real_gettime = dlsym(RTLD_NEXT, "clock_gettime");
    int result = real_gettime(id, ts);
    if (result == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
        look();
        long long t = ts->tv_sec * 1000000000LL + ts->tv_nsec
                      + __atomic_load_n(&offset_ns, __ATOMIC_RELAXED);
        ts->tv_sec = t / 1000000000LL;
        ts->tv_nsec = t % 1000000000LL;
    }
    return result;
}

int gettimeofday(struct timeval *tv, void *tz) {
    struct timespec ts;
    (void)tz;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    if (tv) { tv->tv_sec = ts.tv_sec; tv->tv_usec = ts.tv_nsec / 1000; }
    return 0;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}
"""


class ClockFaker:
    """Moves the wall clock (CLOCK_REALTIME) of the kiosk's processes only, leaving the
    monotonic clock (the watchdog's, Qt's timers', libVLC's) alone.

    libfaketime (``apt install faketime``) is the tool for this, with its offset in a file
    and FAKETIME_DONT_FAKE_MONOTONIC=1. But libfaketime 0.9.10 (Debian 12) then fails
    clock_nanosleep on the monotonic clock with EINVAL: Python's time.sleep raises (the
    supervisor dies of it) and libVLC, whose waits no longer wait, spins both cores (190 %
    CPU against 13 % for the same run without it). So the bench probes libfaketime and,
    when it has that fault and a C compiler is here, uses a tiny preload of its own that
    fakes CLOCK_REALTIME only (REALTIME_SHIM); without either, the clock cases are not run.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.library = faketime_library()
        self.shim: str | None = None
        self.why = ""
        if self.library is None:
            self.why = "not run (apt install faketime)"
            return
        if self._sleeps_under(self.library, {"FAKETIME": "+0",
                                             "FAKETIME_DONT_FAKE_MONOTONIC": "1"}):
            return
        compiler = shutil.which("cc") or shutil.which("gcc")
        if compiler is None:
            self.why = ("not run (libfaketime breaks sleeps on the monotonic clock here, and "
                        "no C compiler for a CLOCK_REALTIME-only preload)")
            return
        source, shim = folder / "realtime-shim.c", folder / "realtime-shim.so"
        source.write_text(REALTIME_SHIM, encoding="utf-8")
        built = subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(shim),
                                str(source), "-ldl"], capture_output=True, text=True)
        if built.returncode != 0:
            self.why = f"not run (the CLOCK_REALTIME preload did not build: {built.stderr[:80]})"
            return
        self.shim = str(shim)

    @property
    def how(self) -> str:
        if self.shim:
            return ("the wall clock moved by a CLOCK_REALTIME-only preload (libfaketime "
                    "0.9.10 breaks monotonic sleeps: see ClockFaker)")
        return "the wall clock moved by libfaketime (monotonic clock not faked)"

    @staticmethod
    def _sleeps_under(library: str, env: dict[str, str]) -> bool:
        """Whether Python's time.sleep works under ``library`` with ``env``."""
        probe = subprocess.run(
            [sys.executable, "-c", "import time; time.sleep(0.01)"], capture_output=True,
            env={**os.environ, "LD_PRELOAD": library, **env}, timeout=30)
        return probe.returncode == 0

    def env(self, offset: Path) -> dict[str, str]:
        """The kiosk's environment: its wall clock follows ``offset`` (see ``set``)."""
        self.set(offset, 0)
        if self.shim:
            return {"LD_PRELOAD": self.shim, "WALL_OFFSET_FILE": str(offset)}
        return {"LD_PRELOAD": str(self.library), "FAKETIME_TIMESTAMP_FILE": str(offset),
                "FAKETIME_CACHE_DURATION": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1"}

    def set(self, offset: Path, hours: float) -> None:
        seconds = int(hours * 3600)
        offset.write_text(f"{seconds}\n" if self.shim else f"{seconds:+d}\n",
                          encoding="utf-8")


def demo_segments(folder: Path) -> tuple[Path, ...]:
    """The demo clip at 640x360 as one-second HLS segments, looped live by the server."""
    folder.mkdir(parents=True, exist_ok=True)
    ffmpeg("-i", str(ROOT / "assets" / "demo" / "demo-stream.mp4"), "-vf", "scale=640:360",
           "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "30",
           "-keyint_min", "30", "-sc_threshold", "0",
           "-force_key_frames", "expr:gte(t,n_forced*1)", "-c:a", "aac", "-b:a", "96k",
           "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
           "-hls_segment_filename", str(folder / "d%03d.ts"), str(folder / "demo.m3u8"))
    return tuple(sorted(folder.glob("d[0-9][0-9][0-9].ts")))


def feed_body(version: int) -> bytes:
    """The organisers' feed, version ``version``: an announcement and two slides (about
    675 bytes, so a drip at 15 bytes a second takes longer than the kiosk waits)."""
    slides = "".join(
        f"  - title: Notice {n} (v{version})\n    text: >-\n      "
        + "Thank you for watching together. " * 8 + "\n"
        for n in (1, 2))
    return (f"schema_version: 1\nannouncement: \"Feed version {version}\"\nslides:\n{slides}"
            ).encode()


# --------------------------------------------------------------------------- one repeat


@dataclass
class Result:
    """What one repeat found."""

    recovered: bool = False
    seconds: float | None = None  # time to recover
    hall: str = ""
    lost: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: int = 0  # exceptions in the event log and tracebacks on stderr
    dark: int = 0  # pictures mostly black
    flat: int = 0  # pictures of (nearly) one colour
    gap: float = 0.0  # the longest time without a picture of ours
    skipped: str = ""  # why the case could not run here


class Trial:
    """One repeat of one case: its folders, servers, kiosk process and measurements."""

    def __init__(self, bench: Bench, case: Case, number: int) -> None:
        self.bench = bench
        self.case = case
        self.folder = Path(tempfile.mkdtemp(prefix=f"kiosk-fault-{case.name}-",
                                            dir=bench.folder))
        self.result = Result()
        self.events_path = self.folder / "events.jsonl"
        self.shots = self.folder / "shots"
        self.state = self.folder / "state"
        self.cache = self.folder / "cache"
        self.logs = self.folder / "logs"
        self.config_dir = self.folder / "config"
        self.config_path = self.folder / "event.yaml"
        self.hls = HlsServer(bench.segments)
        self.feeds = FeedServer()
        self.feed_version = 1
        self.feed_url = self.feeds.route(FEED_PATH, body=feed_body(1), etag='"v1"',
                                         content_type="application/yaml")
        self.process: subprocess.Popen[bytes] | None = None
        self.pids: set[int] = set()
        self.stderr_path = self.folder / "stderr.txt"
        self._events: list[dict[str, Any]] = []
        self._offset = 0
        self.started = now()
        self.fault_at: datetime | None = None
        self.removed_at: datetime | None = None
        self.recovered_at: datetime | None = None
        self.gone_at: datetime | None = None  # a stopped kiosk was killed by its supervisor
        self.expected: dict[str, Any] = {}
        self.before: dict[str, Any] = {}
        self.token = secrets.token_urlsafe(24)
        self.remote_port = free_port()
        self.extra_env: dict[str, str] = {}
        self.stream = self.hls.url
        self.yt_dlp: Path | None = None
        self.expire_in: float | None = None
        self.control = self.folder / "stand-in.json"
        self.number = number
        self.config_text = ""
        self.finished = False

    # ------------------------------------------------------------------ set-up

    def write_config(self, *, stream: str | None = None, title: str = "Opening session"
                     ) -> None:
        """A programme live now: opening session (now-10 min … now+45 min), a break until
        now+75 min, a closing session until now+100 min (all UTC)."""
        start = self.started.replace(second=0, microsecond=0) - timedelta(minutes=10)
        end = start + timedelta(minutes=110)
        stream_settings = (f"stream:\n  yt_dlp: {self.yt_dlp}\n  max_height: 720\n"
                           if self.yt_dlp else "stream:\n  max_height: 720\n")
        self.config_text = textwrap.dedent(f"""\
            schema_version: 1
            event:
              title: Fault bench night
              timezone: UTC
              start: {start:%Y-%m-%d %H:%M}
              end: {end:%Y-%m-%d %H:%M}
              stream: {stream or self.stream}
            {{stream}}venue:
              name: Bench hall
              timezone: UTC
            languages: [en]
            programme:
              - title: {title}
                duration: 55m
              - title: Break
                kind: break
                duration: 30m
              - title: Closing session
                duration: 25m
            slides:
              - title: Welcome
                text: Thank you for watching together.
            awards:
              - name: Bench Award
                categories:
                  - name: Volunteer of the year
                    laureates:
                      - name: Ales
                        announced: false
            feeds:
              - url: {self.feed_url}
                every: {FEED_EVERY}
                format: yaml
            """).replace("{stream}", stream_settings)
        self.config_path.write_text(self.config_text, encoding="utf-8")

    def make_stand_in(self, delay: float, expire_in: float | None = None) -> None:
        """The config's yt-dlp: the kiosk's worker on the loopback stream (see STAND_IN)."""
        self.yt_dlp = self.folder / "yt-dlp-stand-in"
        self.yt_dlp.write_text(STAND_IN.format(python=sys.executable, root=str(ROOT),
                                               control=str(self.control)), encoding="utf-8")
        self.yt_dlp.chmod(0o755)
        self.expire_in = expire_in
        self.set_stand_in(delay)
        self.stream = YOUTUBE

    def set_stand_in(self, delay: float) -> None:
        self.control.write_text(json.dumps({"delay": delay, "url": self.hls.url,
                                            "expire_in": self.expire_in}), encoding="utf-8")

    def workers(self) -> list[int]:
        """The stand-in yt-dlp processes the kiosk runs now."""
        pid = self.kiosk_pid()
        found = [c for c in (children(pid) if pid else []) if str(self.yt_dlp) in cmdline(c)]
        self.pids.update(found)
        return found

    def seed_remote(self) -> None:
        """A controller paired through the remote, as the host's window would pair one."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(self.token.encode()).hexdigest()
        (self.config_dir / "remote.json").write_text(json.dumps({
            "enabled": True, "port": self.remote_port,
            "paired": [{"id": digest[:10], "kind": "api", "name": "fault bench",
                        "created": now().isoformat(), "sha256": digest,
                        "last_seen": None}]}), encoding="utf-8")

    def env(self) -> dict[str, str]:
        return {**os.environ,
                "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [
                    os.environ.get("PYTHONPATH")])]),
                "QT_QPA_PLATFORM": "offscreen",
                "WATCHPARTY_KIOSK_AUDIO": "dummy",
                "WATCHPARTY_KIOSK_STATE": str(self.state),
                "WATCHPARTY_KIOSK_CACHE": str(self.cache),
                "WATCHPARTY_KIOSK_LOGS": str(self.logs),
                "WATCHPARTY_KIOSK_CONFIG_DIR": str(self.config_dir),
                "WATCHPARTY_KIOSK_INSTANCE": f"watchparty-kiosk-faults-{os.getpid()}",
                "WATCHPARTY_KIOSK_SHOTS": str(self.shots),
                "WATCHPARTY_KIOSK_SHOTS_EVERY": f"{SHOT_EVERY:g}",
                **self.extra_env}

    def start(self, *, supervised: bool = False) -> None:
        if not self.config_text:
            self.write_config()
        self.seed_remote()
        args = ["run", "--windowed", "--config", str(self.config_path),
                "--event-log", str(self.events_path)]
        command = [sys.executable, "-m", "kiosk", *(["--supervise"] if supervised else []),
                   *args]
        with self.stderr_path.open("ab") as err:
            self.process = subprocess.Popen(command, env=self.env(), cwd=ROOT,
                                            stdout=subprocess.DEVNULL, stderr=err,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self.pids.add(self.process.pid)

    def kiosk_pid(self) -> int | None:
        """The kiosk's own process: the one started, or the supervisor's current child."""
        if self.process is None:
            return None
        if not self.case.supervised:
            return self.process.pid
        for pid in children(self.process.pid):
            if " -m kiosk run" in cmdline(pid) and alive(pid):
                self.pids.add(pid)
                return pid
        return None

    def stop(self) -> None:
        """End the kiosk (SIGTERM, as the supervisor and a system shutdown do) and every
        process it left (a stand-in yt-dlp, a supervisor's child)."""
        if self.process is None:
            return
        for pid in children(self.process.pid):
            self.pids.add(pid)
        with contextlib.suppress(OSError):
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in self.pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        self.stop()
        self.hls.close()
        self.feeds.close()

    # ------------------------------------------------------------------ watching

    def events(self) -> list[dict[str, Any]]:
        """The event log so far (read on from where the last call stopped)."""
        try:
            with self.events_path.open("rb") as log:
                log.seek(self._offset)
                data = log.read()
        except OSError:
            return self._events
        end = data.rfind(b"\n") + 1
        self._offset += end
        for line in data[:end].splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                record["_wall"] = self.real(record.get("wall", ""))
                self._events.append(record)
        return self._events

    def real(self, text: str) -> datetime:
        """A record's wall time, undone of a faked clock's whole hours."""
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return now()
        hours = round((when - now()).total_seconds() / 3600)
        return when - timedelta(hours=hours) if hours else when

    def wait_for(self, test: Callable[[dict[str, Any]], bool], *, since: datetime | None = None,
                 timeout: float = RECOVERY_TIMEOUT) -> dict[str, Any] | None:
        """The first record at or after ``since`` that passes ``test``, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for record in self.events():
                if (since is None or record["_wall"] >= since) and test(record):
                    return record
            if time.monotonic() > deadline or (self.process is not None
                                               and self.process.poll() is not None):
                return None
            time.sleep(0.1)

    def health(self, at: datetime | None = None) -> str:
        """The stream's health as the kiosk last logged it (before ``at``)."""
        found = "starting"
        for record in self.events():
            if record.get("event") == "start":
                found = "starting"
            if record.get("event") == "health" and (at is None or record["_wall"] <= at):
                found = record["health"]
        return found

    def playing(self, since: datetime, timeout: float = RECOVERY_TIMEOUT) -> datetime | None:
        """When the stream was next PLAYING at or after ``since``: ``since`` itself if it
        was playing then and nothing has changed since."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.events()
            found = next((r for r in events if r.get("event") == "health"
                          and r.get("health") == "playing" and r["_wall"] >= since), None)
            if found is not None:
                return found["_wall"]
            changed = any(r.get("event") in ("health", "start") and r["_wall"] >= since
                          for r in events)
            if not changed and self.health(since) == "playing":
                return since
            if time.monotonic() > deadline or (self.process is not None
                                               and self.process.poll() is not None):
                return None
            time.sleep(0.1)

    def ready(self) -> bool:
        """The stream plays (the first picture flowing steadily)."""
        found = self.wait_for(lambda r: r.get("event") == "health"
                              and r.get("health") == "playing", timeout=READY_TIMEOUT)
        return found is not None

    def set_going(self, *, feed: bool = False) -> bool:
        """Start the kiosk, wait for the stream to play (and with ``feed``, the feed's first
        version in its cache), and have the volunteers press their keys; False (and said)
        when the stream never played."""
        self.start()
        if not self.ready():
            self.result.notes.append("the stream never played")
            return False
        if feed:
            self.wait_for(lambda r: r.get("event") == "feed" and r.get("result") == "updated",
                          timeout=20)
            self.expected["feed"] = sha(feed_body(1))
        self.volunteer()
        return True

    # ------------------------------------------------------------------ the remote

    def act(self, action: str, *, expect: bool = True) -> bool:
        """Press a key through the remote, as a controller does; updates what should be
        saved."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.remote_port}/api/actions/{action}", data=b"{}",
            method="POST", headers={"Authorization": f"Bearer {self.token}",
                                    "Content-Type": "application/json"})
        for _ in range(50):
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    answer.read()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        else:
            self.result.notes.append(f"the remote did not take {action}")
            return False
        if expect:
            if action == "delay_more":
                self.expected["delay_minutes"] = self.expected.get("delay_minutes", 0) + 5
            elif action == "volume_down":
                self.expected["volume"] = self.expected.get("volume", 80) - 5
            elif action == "reveal":
                self.expected["revealed"] = self.expected.get("revealed", 0) + 1
        return True

    def volunteer(self) -> None:
        """What volunteers did before the fault: a delay, a reveal, the volume down; waits
        until the kiosk has saved it."""
        time.sleep(1.0)
        for action in ("delay_more", "reveal", "volume_down", "automatic"):
            self.act(action)
            time.sleep(0.3)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not self.unsaved():
                break
            time.sleep(0.2)
        self.before = self.saved()
        time.sleep(2.0)  # the hall back on the automatic scene, steady

    # ------------------------------------------------------------------ what is saved

    def saved(self) -> dict[str, Any]:
        """What the kiosk has on disk now."""
        found: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            data = json.loads((self.state / "session.json").read_text(encoding="utf-8"))
            found["delay_minutes"] = int(sum(d["by"] for d in data["delays"]) // 60)
            found["revealed"] = len(data["revealed"])
            found["hold"] = data["hold"]["scene"] if data["hold"] else None
            found["blackout"] = data["blackout"]
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            data = json.loads((self.state / "sound.json").read_text(encoding="utf-8"))
            found["volume"], found["muted"] = int(data["volume"]), bool(data["muted"])
        found["config"] = sha(read(self.config_path))
        copies = sorted(self.state.glob("last-good-*.yaml"))
        found["last_good"] = sha(read(copies[0])) if copies else None
        found["feed"] = self.cached_feed()
        return found

    def cached_feed(self) -> str | None:
        """The feed's cached copy: the digest of its body, or "damaged"; None if none."""
        from kiosk.core.feedcache import FeedCache

        cache = FeedCache(self.cache / "feeds" / "documents")
        if not cache.document_path(self.feed_url).exists():
            return None
        document = cache.load(self.feed_url)
        return "damaged" if document is None else sha(document.body)

    def unsaved(self) -> list[str]:
        """What should be on disk and is not (compared with ``expected``)."""
        have = self.saved()
        missing = []
        for key in ("delay_minutes", "revealed", "volume"):
            if key in self.expected and have.get(key) != self.expected[key]:
                missing.append(f"{key} {have.get(key)} not {self.expected[key]}")
        if "feed" in self.expected and have.get("feed") != self.expected["feed"]:
            missing.append("the feed's cached copy "
                           + ("is damaged" if have.get("feed") == "damaged"
                              else "is not the version in force"))
        if have.get("config") != sha(self.config_text.encode()):
            missing.append("the config file")
        if have.get("last_good") != sha(self.config_text.encode()):
            missing.append("the last good copy of the config")
        return missing

    def publish_feed(self) -> None:
        """The organisers publish a new version."""
        self.feed_version += 1
        body = feed_body(self.feed_version)
        self.feeds.change(FEED_PATH, body=body, etag=f'"v{self.feed_version}"')
        self.expected["feed"] = sha(body)

    # ------------------------------------------------------------------ the fault

    def fault(self) -> None:
        self.fault_at = now()

    def remove(self) -> None:
        self.removed_at = now()

    def recovered(self, when: datetime | None, origin: datetime | None = None) -> None:
        """The recovery instant; measured from ``origin`` (default: the fault's removal)."""
        origin = origin or self.removed_at or self.fault_at
        if when is None or origin is None:
            self.result.recovered = False
            return
        self.recovered_at = when
        self.result.recovered = True
        self.result.seconds = max(0.0, (when - origin).total_seconds())

    def noticed(self) -> None:
        """How soon the stream's health left PLAYING after the fault (a note)."""
        left = next((r for r in self.events() if r.get("event") == "health"
                     and r.get("health") != "playing" and r["_wall"] >= (self.fault_at or now())
                     and r["_wall"] <= (self.removed_at or now())), None)
        self.result.notes.append(
            "not noticed during the fault" if left is None else
            f"noticed after {(left['_wall'] - (self.fault_at or now())).total_seconds():.1f} s")

    def hold(self, seconds: float) -> None:
        time.sleep(seconds)

    # ------------------------------------------------------------------ the findings

    def finish(self) -> None:
        """Wait a little, compare what is saved, stop, and read the log and the pictures."""
        if self.finished:
            return
        self.finished = True
        time.sleep(2.0)
        if not self.result.recovered:
            self.result.notes.append("no recovery within "
                                     f"{RECOVERY_TIMEOUT:g} s")
        deadline = time.monotonic() + 5
        missing = self.unsaved()
        while missing and time.monotonic() < deadline:
            time.sleep(0.5)
            missing = self.unsaved()
        self.result.lost.extend(missing)
        end = now()
        self.stop()
        self.events()
        self.hall(end)
        errors = [r for r in self._events if r.get("event") == "error"]
        stderr = (read(self.stderr_path) or b"").decode("utf-8", "replace")
        self.result.errors = len(errors) + stderr.count("Traceback (most recent call last)")
        if errors:
            self.result.notes.append(f"exception: {errors[0].get('error', '')[:80]}")

    def slate_shown(self) -> bool:
        """Whether the supervisor's slate was on screen (under the stage) in this run."""
        log = read(self.logs / "supervisor.log") or b""
        return b"slate: on screen" in log

    def hall(self, end: datetime) -> None:
        """What the hall saw from just before the fault to just after the recovery: the
        scenes in order; one shown for less than FLASH seconds (the next decision came at
        once) is left out and counted."""
        begin = (self.fault_at or self.started) - timedelta(seconds=1)
        until = min(end, (self.recovered_at or end) + timedelta(seconds=2))
        shown: list[tuple[datetime, str]] = []  # (since, what)
        for record in self._events:
            kind, at = record.get("event"), record["_wall"]
            if at > until:
                break
            if kind == "start" and at >= begin:
                origin = self.fault_at or at
                if self.gone_at is not None and self.gone_at > origin:
                    frozen = (self.gone_at - origin).total_seconds()
                    shown.append((origin, f"[frozen {frozen:.1f} s]"))
                    origin = self.gone_at
                # The kiosk's own start record comes as its window is about to show; until
                # then the supervisor's slate covers the TV, if it showed.
                cover = "slate" if self.slate_shown() else "no kiosk"
                shown.append((origin, f"[{cover} {(at - origin).total_seconds():.1f} s]"))
            elif kind == "scene":
                label = record["scene"] + (f"({record['fallback']})" if record.get("fallback")
                                           else "")
                shown.append((max(at, begin), label))
        # Only the last scene before the window's start counts from there.
        first = max((i for i, (at, _) in enumerate(shown) if at <= begin), default=0)
        shown = shown[first:]
        scenes: list[str] = []
        flashes = 0
        for i, (at, label) in enumerate(shown):
            following = shown[i + 1][0] if i + 1 < len(shown) else until
            if (following - at).total_seconds() < FLASH and i + 1 < len(shown) \
                    and not label.startswith("["):
                flashes += 1
                continue
            if not scenes or scenes[-1] != label:
                scenes.append(label)
        self.result.hall = " → ".join(scenes)
        if flashes:
            self.result.notes.append(f"{flashes} scene(s) decided for under {FLASH:g} s left out")
        self.pictures(begin, until)

    def pictures(self, begin: datetime, until: datetime) -> None:
        """Mostly black or flat pictures, and the longest time without one."""
        from PySide6.QtGui import QImage

        times = []
        for path in sorted(self.shots.glob("shot-*.png"), key=lambda p: p.stat().st_mtime):
            taken = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if not begin <= taken <= until:
                continue
            times.append(taken)
            image = QImage(str(path))
            if image.isNull():
                continue
            dark, colours, total = 0, set(), 0
            for y in range(0, image.height(), 6):
                for x in range(0, image.width(), 6):
                    colour = image.pixel(x, y)
                    r, g, b = (colour >> 16) & 255, (colour >> 8) & 255, colour & 255
                    total += 1
                    dark += (r * 299 + g * 587 + b * 114) // 1000 < 24
                    colours.add((r >> 4, g >> 4, b >> 4))
            if dark >= DARK * total:
                self.result.dark += 1
            if len(colours) <= 2:
                self.result.flat += 1
        edges = [begin, *times, until]
        self.result.gap = max((b - a).total_seconds() for a, b in itertools.pairwise(edges))


# --------------------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str
    what: str
    run: Callable[[Trial], None]
    supervised: bool = False
    needs: Callable[[Bench], str] = lambda bench: ""  # why it cannot run ("" if it can)


def stream_fault(mode: str, hold: float, **options: Any) -> Callable[[Trial], None]:
    def run(t: Trial) -> None:
        if not t.set_going():
            return
        t.fault()
        t.hls.fault(mode, **options)
        t.hold(hold)
        t.hls.recover()
        t.remove()
        t.noticed()
        t.recovered(t.playing(t.removed_at or now()))
    return run


def dns_failure(t: Trial) -> None:
    """The host edits the stream's address to a name that does not resolve, then back."""
    if not t.set_going():
        return
    good = t.config_text
    t.fault()
    t.write_config(stream=t.hls.url.replace("127.0.0.1", "stream.fault-bench.invalid"))
    t.hold(12)
    t.config_text = good
    t.config_path.write_text(good, encoding="utf-8")
    t.remove()
    t.noticed()
    status = next((r.get("status") for r in reversed(t.events())
                   if r.get("event") == "stream" and "invalid" in str(r.get("status"))), None)
    if status is None:
        t.result.notes.append("the new address was not taken up")
    t.recovered(t.playing(t.removed_at or now()))


def feed_fault(kind: str, hold: float) -> Callable[[Trial], None]:
    def run(t: Trial) -> None:
        if not t.set_going(feed=True):  # the first version cached before anything else
            return
        t.fault()
        if kind == "down":
            t.feeds.stop_listening()
        elif kind == "500":
            t.feeds.change(FEED_PATH, status=500)
        elif kind == "drip":
            t.publish_feed()
            t.feeds.change(FEED_PATH, drip=15.0)
        elif kind == "torn":
            t.publish_feed()
            body = feed_body(t.feed_version)
            t.feeds.change(FEED_PATH, cut_after=len(body) // 2)
            t.expected["feed"] = sha(feed_body(t.feed_version - 1))
        t.hold(hold)
        failed = [r for r in t.events() if r.get("event") == "feed" and r.get("result")
                  == "failed" and r["_wall"] >= (t.fault_at or now())]
        if not failed:
            t.result.notes.append("no failed look during the fault")
        else:
            t.result.notes.append(f"{len(failed)} failed looks ({failed[0].get('reason')})")
        if kind == "down":
            t.feeds.listen_again()
        t.feeds.change(FEED_PATH, status=200, drip=None, cut_after=None)
        t.publish_feed()
        t.remove()
        applied = t.wait_for(lambda r: r.get("event") == "feed"
                             and r.get("result") == "updated", since=t.removed_at)
        t.recovered(applied["_wall"] if applied else None)
        if t.health(now()) != "playing" or any(
                r.get("event") == "health" and r["_wall"] >= (t.fault_at or now())
                for r in t.events()):
            t.result.notes.append("the stream's health changed")
    return run


def mount_tmpfs(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return "not run (needs root to mount a tmpfs)"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        return f"not run (mount failed: {done.stderr.strip()[:60]})"
    return ""


def disk_full(t: Trial) -> None:
    """State and cache on a 1 MB tmpfs, filled while volunteers press keys and the feed
    changes; then space comes back."""
    disk = t.folder / "disk"
    problem = mount_tmpfs(disk)
    if problem:
        t.result.skipped = problem
        return
    try:
        t.state, t.cache = disk / "state", disk / "cache"
        if not t.set_going(feed=True):
            return
        t.fault()
        filler = disk / "filler"
        with filler.open("wb") as out, contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        # Changes while the disk is full: keys, and a new version of the feed.
        t.act("delay_more")
        t.act("volume_down")
        t.publish_feed()
        t.wait_for(lambda r: r.get("event") == "feed" and r.get("result") == "updated",
                   since=t.fault_at, timeout=30)
        t.hold(3)
        told = [r for r in t.events() if r.get("event") in ("problem", "feed")
                and r["_wall"] >= (t.fault_at or now())
                and ("could not" in json.dumps(r, default=str)
                     or "space" in json.dumps(r, default=str).lower())]
        t.result.notes.append("host told" if told else "host NOT told")
        filler.unlink()
        t.remove()
        deadline = time.monotonic() + 40
        saved: dict[str, float] = {}
        while time.monotonic() < deadline:
            missing = " ".join(t.unsaved())
            for what, words in (("state and volume", ("delay", "volume")),
                                ("feed copy", ("feed",))):
                if what not in saved and not any(w in missing for w in words):
                    saved[what] = (now() - (t.removed_at or now())).total_seconds()
            if not missing:
                break
            time.sleep(0.2)
        for what, seconds in saved.items():
            t.result.notes.append(f"{what} saved {seconds:.1f} s after space came back")
        # Atomic writes: nothing half-written left behind, every copy whole (t.saved reads
        # them: a torn one shows as data lost).
        leftovers = [p.name for p in disk.rglob("*.tmp")]
        if leftovers:
            t.result.notes.append(f"{len(leftovers)} temporary files left: {leftovers[:3]}")
        t.recovered(now() if not t.unsaved() else None)
        if t.health(now()) != "playing":
            t.result.notes.append("the stream stopped")
        t.finish()  # before the tmpfs goes
    finally:
        t.stop()
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def clock_jump(hours: int) -> Callable[[Trial], None]:
    def run(t: Trial) -> None:
        faker = t.bench.clock_faker
        offset = t.folder / "wall-offset"
        t.extra_env = faker.env(offset)
        if not t.set_going():
            return
        t.fault()
        faker.set(offset, hours)
        expect = "break" if hours > 0 else "before"
        moved = t.wait_for(lambda r: r.get("event") == "status" and r.get("phase") == expect,
                           since=t.fault_at, timeout=15)
        jump = t.wait_for(lambda r: r.get("event") == "clock" and "jumped_seconds" in r,
                          since=t.fault_at, timeout=5)
        t.result.notes.append(f"logged a jump of {jump['jumped_seconds']:+d} s" if jump
                              else "no clock jump logged")
        if moved is None:
            t.result.notes.append(f"the programme did not follow ({expect} expected)")
        else:
            took = (moved["_wall"] - (t.fault_at or now())).total_seconds()
            shift = (datetime.fromisoformat(moved["at"]) - moved["_wall"]).total_seconds()
            t.result.notes.append(f"followed in {took:.1f} s (programme {shift / 3600:+.2f} h)")
        t.hold(15)
        faker.set(offset, 0)
        t.remove()
        back = t.wait_for(lambda r: r.get("event") == "status" and r.get("phase") == "item",
                          since=t.removed_at, timeout=30)
        live = t.wait_for(lambda r: r.get("event") == "scene" and r.get("scene") == "live",
                          since=t.removed_at, timeout=30)
        t.recovered(max(back["_wall"], live["_wall"]) if back and live else None)
        stalls = [r for r in t.events() if r.get("event") == "health"
                  and r.get("health") != "playing" and r["_wall"] >= (t.fault_at or now())]
        if stalls:
            t.result.notes.append(f"watchdog fired: {stalls[0]['health']}")
        else:
            t.result.notes.append("no false watchdog")
        # The volume and the delays are not lost with the jump; the delay badge was
        # kept. (What a later restart makes of a state saved in the "future" is not
        # part of this case.)
    return run


def clock_then_restart(t: Trial) -> None:
    """Volunteers press keys while the wall clock is an hour ahead (saved then), the clock
    is put right, and the kiosk crashes: it must come back as they left it."""
    faker = t.bench.clock_faker
    offset = t.folder / "wall-offset"
    t.extra_env = faker.env(offset)
    t.start(supervised=True)
    if not t.ready():
        t.result.notes.append("the stream never played")
        return
    t.volunteer()
    faker.set(offset, 1)
    time.sleep(2.0)
    t.act("delay_more")  # saved an hour "ahead"
    time.sleep(1.0)
    faker.set(offset, 0)
    time.sleep(2.0)
    pid = t.kiosk_pid()
    if pid is None:
        t.result.notes.append("no kiosk process found")
        return
    t.fault()
    os.kill(pid, signal.SIGKILL)
    back = t.wait_for(lambda r: r.get("event") == "start", since=t.fault_at)
    if back is None:
        return
    restored = t.wait_for(lambda r: r.get("event") == "restored", since=back["_wall"],
                          timeout=5)
    if restored is None:
        t.result.notes.append("state NOT restored")
        t.result.lost.append("the volunteers' state after the restart (delay, reveal)")
    elif restored.get("delay_minutes") != t.expected.get("delay_minutes"):
        t.result.notes.append(f"restored delay {restored.get('delay_minutes')} min, not "
                              f"{t.expected.get('delay_minutes')}")
    else:
        t.result.notes.append("state restored")
    t.recovered(t.playing(back["_wall"]), origin=t.fault_at)


def config_deleted(t: Trial) -> None:
    if not t.set_going():
        return
    t.fault()
    t.config_path.unlink()
    t.hold(10)
    told = [r for r in t.events() if r.get("event") == "problem"
            and str(r.get("source", "")).startswith("config")
            and r["_wall"] >= (t.fault_at or now())]
    t.result.notes.append(
        f"host told after {(told[0]['_wall'] - (t.fault_at or now())).total_seconds():.1f} s"
        if told else "host NOT told")
    if t.health(now()) != "playing":
        t.result.notes.append("the stream stopped")
    t.write_config(title="Opening session (config back)")
    t.remove()
    applied = t.wait_for(lambda r: r.get("event") == "status"
                         and "config back" in str(r.get("item")), since=t.removed_at,
                         timeout=30)
    t.recovered(applied["_wall"] if applied else None)


def kill_kiosk(sig: signal.Signals) -> Callable[[Trial], None]:
    def run(t: Trial) -> None:
        t.start(supervised=True)
        if not t.ready():
            t.result.notes.append("the stream never played")
            return
        t.volunteer()
        pid = t.kiosk_pid()
        if pid is None:
            t.result.notes.append("no kiosk process found")
            return
        t.fault()
        os.kill(pid, sig)
        if sig == signal.SIGSTOP:
            deadline = time.monotonic() + RECOVERY_TIMEOUT
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
            t.gone_at = now()
        back = t.wait_for(lambda r: r.get("event") == "start", since=t.fault_at,
                          timeout=RECOVERY_TIMEOUT)
        if back is None:
            return
        t.result.notes.append(
            f"kiosk back after {(back['_wall'] - (t.fault_at or now())).total_seconds():.1f} s")
        restored = t.wait_for(lambda r: r.get("event") == "restored", since=back["_wall"],
                              timeout=5)
        if restored is None:
            t.result.notes.append("state NOT restored")
        elif restored.get("delay_minutes") == t.expected.get("delay_minutes"):
            t.result.notes.append("state restored")
        elif restored.get("delay_minutes") != t.expected.get("delay_minutes"):
            t.result.notes.append(f"restored delay {restored.get('delay_minutes')} min, not "
                                  f"{t.expected.get('delay_minutes')}")
        t.recovered(t.playing(back["_wall"]), origin=t.fault_at)
    return run


def worker_fault(sig: signal.Signals, during: str) -> Callable[[Trial], None]:
    """The yt-dlp worker killed or stopped while it resolves: at the kiosk's start (the
    hall waits for the stream), or while it renews a playing stream's address (the stand-in's
    addresses expire; the kiosk renews them a minute after each resolution at the soonest)."""
    def run(t: Trial) -> None:
        renewal = during == "renewal"
        t.make_stand_in(delay=0.0 if renewal else 8.0, expire_in=30.0 if renewal else None)
        t.start()
        if renewal:
            if not t.ready():
                t.result.notes.append("the stream never played")
                return
            t.volunteer()
            t.set_stand_in(delay=8.0)  # the renewal's worker takes its time
            seen = set(t.workers())
            deadline = time.monotonic() + 100
            worker = None
            while worker is None and time.monotonic() < deadline:
                worker = next((w for w in t.workers() if w not in seen), None)
                time.sleep(0.1)
        else:
            deadline = time.monotonic() + 30
            worker = None
            while worker is None and time.monotonic() < deadline:
                worker = next(iter(t.workers()), None)
                time.sleep(0.1)
        if worker is None:
            t.result.notes.append("no yt-dlp process seen")
            return
        time.sleep(2.0)  # it is working (here: waiting before it reads the stream)
        t.set_stand_in(delay=0.0)  # the next attempt answers at once
        t.fault()
        os.kill(worker, sig)
        if renewal:
            # Renewed: the resolver's next attempt has answered (its process is done).
            deadline = time.monotonic() + RECOVERY_TIMEOUT
            retry = None
            while retry is None and time.monotonic() < deadline:
                retry = next((w for w in t.workers() if w != worker and w not in seen), None)
                time.sleep(0.1)
            while retry is not None and alive(retry) and time.monotonic() < deadline:
                time.sleep(0.1)
            done = now()
            time.sleep(1.0)  # the new address handed to the player
            t.recovered(t.playing(done) if retry is not None else None, origin=t.fault_at)
            if any(r.get("event") == "health" and r["_wall"] >= (t.fault_at or now())
                   for r in t.events()):
                t.result.notes.append("the renewed address restarted the picture")
        else:
            t.recovered(t.playing(t.fault_at or now()), origin=t.fault_at)
        t.result.notes.append("the stopped worker is still there" if alive(worker)
                              else "worker ended by the kiosk")
        told = next((r for r in t.events() if r.get("event") == "log"
                     and r["_wall"] >= (t.fault_at or now())
                     and str(r.get("message", "")).startswith("resolving ")), None)
        if told is None:
            t.result.notes.append("host NOT told of the failed attempt")
        else:
            after = (told["_wall"] - (t.fault_at or now())).total_seconds()
            why = str(told["message"]).split(": ", 1)[-1].split(";")[0]
            t.result.notes.append(f"host's log after {after:.1f} s: {why}")
        if not renewal:
            time.sleep(2.5)  # after the window the hall is judged on
            t.volunteer()
    return run


def needs_faketime(bench: Bench) -> str:
    return bench.clock_faker.why


CASES = [
    Case("stream-refuse", "stream server refuses connections, 12 s", stream_fault("refuse", 12)),
    Case("stream-404", "stream server answers 404, 12 s", stream_fault("404", 12)),
    Case("stream-hang", "stream server accepts and never answers, 12 s",
         stream_fault("hang", 12)),
    Case("stream-freeze", "playlist frozen, 12 s", stream_fault("freeze", 12)),
    Case("stream-slow", "segments at half their bitrate, 25 s",
         stream_fault("slow", 25, throughput=0.5)),
    Case("stream-dns", "stream address edited to an unresolvable name, 12 s", dns_failure),
    Case("feed-down", "feed server down (port closed), 25 s", feed_fault("down", 25)),
    Case("feed-500", "feed answers 500, 25 s", feed_fault("500", 25)),
    Case("feed-drip", "feed drips 15 bytes/s (the whole body would take 45 s), 35 s",
         feed_fault("drip", 35)),
    Case("feed-torn", "feed body cut in half (length says whole), 25 s",
         feed_fault("torn", 25)),
    Case("disk-full", "state and cache on a full 1 MB tmpfs, keys and a feed change",
         disk_full),
    Case("clock-forward", "wall clock +1 h for 15 s", clock_jump(+1), needs=needs_faketime),
    Case("clock-back", "wall clock -1 h for 15 s", clock_jump(-1), needs=needs_faketime),
    Case("clock-then-restart", "keys pressed at +1 h, clock put right, then SIGKILL "
         "(supervised)", clock_then_restart, supervised=True, needs=needs_faketime),
    Case("config-deleted", "config file deleted for 10 s, then a new one", config_deleted),
    Case("kill-kiosk", "SIGKILL of the kiosk (supervised)", kill_kiosk(signal.SIGKILL),
         supervised=True),
    Case("stop-kiosk", "SIGSTOP of the kiosk (supervised)", kill_kiosk(signal.SIGSTOP),
         supervised=True),
    Case("kill-worker", "SIGKILL of the yt-dlp worker resolving at the start",
         worker_fault(signal.SIGKILL, "start")),
    Case("stop-worker", "SIGSTOP of the yt-dlp worker resolving at the start",
         worker_fault(signal.SIGSTOP, "start")),
    Case("kill-worker-renewal", "SIGKILL of the yt-dlp worker renewing a playing address",
         worker_fault(signal.SIGKILL, "renewal")),
    Case("stop-worker-renewal", "SIGSTOP of the yt-dlp worker renewing a playing address",
         worker_fault(signal.SIGSTOP, "renewal")),
]


# --------------------------------------------------------------------------- the bench


class Bench:
    def __init__(self, folder: Path, repeats: int, keep: Path | None) -> None:
        self.folder = folder
        self.repeats = repeats
        self.keep = keep
        self.segments = demo_segments(folder / "hls")
        self.clock_faker = ClockFaker(folder)

    def run(self, case: Case) -> list[Result]:
        results = []
        reason = case.needs(self)
        if reason:
            return [Result(skipped=reason)]
        for number in range(1, self.repeats + 1):
            trial = Trial(self, case, number)
            try:
                case.run(trial)
                if not trial.result.skipped:
                    trial.finish()
            except Exception as error:  # the bench's own trouble: a note, the next repeat
                trial.result.notes.append(f"bench error: {error!r}"[:100])
            finally:
                trial.close()
            results.append(trial.result)
            if trial.result.skipped:
                break
            print(f"  {case.name} #{number}: "
                  + ("recovered" if trial.result.recovered else "NOT recovered")
                  + (f" in {trial.result.seconds:.1f} s" if trial.result.seconds is not None
                     else "")
                  + f"; hall: {trial.result.hall}; lost: {trial.result.lost or 'none'}; "
                  f"{'; '.join(trial.result.notes)}", flush=True)
            if self.keep is not None:
                shutil.copytree(trial.folder, self.keep / f"{case.name}-{number}",
                                dirs_exist_ok=True)
            shutil.rmtree(trial.folder, ignore_errors=True)
        return results


NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def merge_notes(notes: list[list[str]]) -> list[str]:
    """The repeats' notes, once each: the same words with other figures become one note
    with each figure's range ("followed in 0.8-1.6 s"), and a count when not every repeat
    has it."""
    groups: dict[str, list[list[str]]] = {}
    for one in notes:
        for note in one:
            groups.setdefault(NUMBER.sub("#", note), []).append(NUMBER.findall(note))
    merged = []
    for shape, figures in groups.items():
        text = shape
        for column in zip(*figures, strict=True):
            values = sorted(set(column), key=float)
            text = text.replace("#", values[0] if len(values) == 1
                                else f"{values[0]}…{values[-1]}", 1)
        if len(figures) < len(notes):
            text += f" ({len(figures)} of {len(notes)})"
        merged.append(text)
    return merged


def row(case: Case, results: list[Result]) -> list[str]:
    if results and results[0].skipped:
        return [case.name, "-", results[0].skipped, "-", "-", "-", "-", case.what]
    times = [r.seconds for r in results if r.recovered and r.seconds is not None]
    hall = " / ".join(merge_notes([[r.hall] for r in results]))
    pictures = []
    dark, flat = sum(r.dark for r in results), sum(r.flat for r in results)
    if dark:
        pictures.append(f"{dark} mostly black")
    if flat:
        pictures.append(f"{flat} flat")
    gap = max((r.gap for r in results), default=0.0)
    if gap > SHOT_GAP:
        pictures.append(f"no picture for up to {gap:.1f} s")
    lost = sorted({item for r in results for item in r.lost})
    errors = sum(r.errors for r in results)
    text = "; ".join(merge_notes([r.notes for r in results]))
    if errors:
        text = f"{errors} exceptions; " + text
    return [case.name, str(len(results)), f"{len(times)}/{len(results)}",
            f"{statistics.median(times):.1f}" if times else "-",
            f"{max(times):.1f}" if times else "-",
            hall + (f" [pictures: {', '.join(pictures)}]" if pictures else ""),
            ", ".join(lost) if lost else "none", f"{case.what}; {text}"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats per case (default 3)")
    parser.add_argument("--quick", action="store_true", help="each case once")
    parser.add_argument("--case", action="append", default=[], metavar="NAME",
                        help="only the cases whose name starts with NAME (repeatable)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each repeat's folder (event log, stderr, pictures) here")
    options = parser.parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("bench/faults.py: Linux only (/proc, signals, tmpfs, libfaketime)")
        return
    if shutil.which("ffmpeg") is None:
        print("bench/faults.py: ffmpeg is missing")
        return
    repeats = 1 if options.quick else max(1, options.repeats)
    cases = [c for c in CASES if not options.case
             or any(c.name.startswith(p) for p in options.case)]
    with tempfile.TemporaryDirectory(prefix="kiosk-faults-") as tmp:
        bench = Bench(Path(tmp), repeats, options.keep)
        rows = []
        began = time.monotonic()
        try:
            for case in cases:
                print(f"{case.name}: {case.what}", flush=True)
                rows.append(row(case, bench.run(case)))
        except KeyboardInterrupt:
            print("bench/faults.py: interrupted; the table so far")
    headers = ["case", "n", "recovered", "median s", "max s", "what the hall saw",
               "data lost", "notes"]
    print(f"\nFault matrix: {repeats} repeat(s) per case, "
          f"{(time.monotonic() - began) / 60:.0f} min; recovery timed from the fault's removal "
          "(the clock put right, the space back, the server back, the config file back), or "
          "from the fault itself for kills and stops\n")
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for cells in rows:
        print("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    if any(c.needs is needs_faketime for c in cases):
        faker = bench.clock_faker
        print(f"\nClock cases: {faker.why or faker.how}.")
    print(f"(1280x720 window, {os.environ.get('QT_QPA_PLATFORM')} platform, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
