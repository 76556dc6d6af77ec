"""Feed benchmarks: what following an organisers' feed costs the kiosk, how soon a change on
the organisers' server reaches the stage, and whether the GUI thread ever waits for a poll.

Prints tables; asserts nothing. Targets (issue 5): a poll of an unchanged feed is one
conditional request and no parsing; a change is painted on the stage within one poll
interval plus 1 s; the GUI event loop never stalls 16 ms or more, not even while a 1 MB feed
is parsed on the feed worker thread. The kiosk runs offscreen at 1280x720 at 18:10 Moscow
time (mid-event) and follows one feed on the loopback feed server of the tests, which runs
in a process of its own so that the CPU measured here is the kiosk's alone.
Run with ./dev bench.
"""

from __future__ import annotations

import collections
import dataclasses
import gc
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "feeds"))

from feedserver import FeedServer, http_date  # noqa: E402

POLLS = 50  # per kind of poll in run 1
CHANGES = 10  # server-side changes in run 2
BIG_POLLS = 4  # polls of the 1 MB feed in run 3
EVERY = 2.0  # the feed's poll interval, seconds
PATH = "/running-order.yaml"
STALL_TICK_MS = 5
LABELS = {"etag": "unchanged, ETag", "last-modified": "unchanged, Last-Modified only",
          "changed": "changed every poll (ETag)"}
# 18:10 in Moscow: the opening is on, the rest of the evening still to come.
AT = datetime(2021, 2, 6, 15, 10, tzinfo=UTC)

# The organisers' running order: title, kind, speaker, subtitle, start, duration.
PROGRAMME = [
    ("Opening", "session", "Belarusians Abroad",
     "Welcome, and the evening's running order", "18:00", "30m"),
    ("Address by the National Leader of Belarus", "session", "Sviatlana Tsikhanouskaya",
     "Six months since the protests began", None, "20m"),
    ("The People's Anti-Crisis Management", "session", "Pavel Latushka",
     "Leader of the People's Anti-Crisis Management", None, "20m"),
    ("Discussion: How the world can help Belarus", "session", "Moderated by Belarusians Abroad",
     "Politicians and statesmen on the next steps of international support", None, "40m"),
    ("Break", "break", None, None, None, "15m"),
    ("Launch of new People's Embassies", "session", "Representatives of the diaspora",
     "New embassies in Europe, the Americas and Asia", None, "30m"),
    ("Messages of solidarity", "session", "Guests from abroad",
     "Video greetings from the friends of Belarus", None, "10m"),
    ("BAUM Human Rights Awards 2021", "awards", "BAUM",
     "The laureates are named for the first time", None, "40m"),
    ("Belarusian Solidarity Award", "awards", "The Belarusian Solidarity Centre", None, None,
     "25m"),
    ("Break", "break", None, None, None, "10m"),
    ("Solidarity Concert", "concert", None,
     "Musicians from Minsk, Vilnius, Warsaw and Kyiv", "22:00", None),
]
AWARDS = [
    ("BAUM Human Rights Awards 2021", ("Laureates 2021", "Special mention")),
    ("Belarusian Solidarity Award", ("Laureates",)),
]


def feed(opening: str, laureates: int = 4) -> bytes:
    """A feed document (YAML): the full running order with ``opening`` as the first item's
    title, an announcement, a delay and the awards with ``laureates`` per category (not yet
    announced). About 4 kB with 4 laureates a category; 1700 make it about 1 MB."""
    out = ["schema_version: 1",
           "announcement: Doors open at 17:30; the concert starts at 22:00",
           "delay:", "  by: 0m", "programme:"]
    for i, (title, kind, speaker, subtitle, start, duration) in enumerate(PROGRAMME):
        out.append(f"  - title: {json.dumps(opening if i == 0 else title)}")
        if kind != "session":
            out.append(f"    kind: {kind}")
        if speaker:
            out.append(f"    speaker: {json.dumps(speaker)}")
        if subtitle:
            out.append(f"    subtitle: {json.dumps(subtitle)}")
        if start:
            out.append(f'    start: "{start}"')
        if duration:
            out.append(f"    duration: {duration}")
    out.append("awards:")
    for award, categories in AWARDS:
        out += [f"  - name: {json.dumps(award)}", "    categories:"]
        for category in categories:
            out += [f"      - name: {json.dumps(category)}", "        laureates:"]
            for k in range(1, laureates + 1):
                out += [f'          - name: "{category.split()[0]} laureate {k}"',
                        "            citation: \"For years of work documenting the cases of "
                        f"political prisoners and supporting their families ({k})\"",
                        "            announced: false"]
    return ("\n".join(out) + "\n").encode()


class ServerProcess(BaseManager):
    """The tests' FeedServer in a child process (its CPU is not the kiosk's)."""


ServerProcess.register("FeedServer", FeedServer)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


# --------------------------------------------------------------------------- Qt helpers
# Imported inside main(): the server's child process imports this module too.


def build_probe() -> Any:
    from PySide6.QtCore import QObject, Qt, QTimer

    class StallProbe(QObject):
        """The GUI event loop's gaps: time between 5 ms timer ticks, minus 5 ms, per phase;
        and the garbage collector's pauses (any thread's: each holds the GIL throughout)."""

        def __init__(self) -> None:
            super().__init__()
            self.phase: str | None = None
            self.gaps: dict[str, list[float]] = collections.defaultdict(list)
            self.gc_ms: dict[str, list[float]] = collections.defaultdict(list)
            self._gc_started = 0.0
            gc.callbacks.append(self._on_gc)
            self._last = time.perf_counter()
            self._timer = QTimer(self)
            self._timer.setTimerType(Qt.TimerType.PreciseTimer)
            self._timer.setInterval(STALL_TICK_MS)
            self._timer.timeout.connect(self._on_tick)
            self._timer.start()

        def _on_tick(self) -> None:
            now = time.perf_counter()
            gap = (now - self._last) * 1000 - STALL_TICK_MS
            self._last = now
            if self.phase is not None:
                self.gaps[self.phase].append(max(0.0, gap))

        def _on_gc(self, stage: str, info: dict[str, int]) -> None:
            if stage == "start":
                self._gc_started = time.perf_counter()
            elif self.phase is not None:
                self.gc_ms[self.phase].append((time.perf_counter() - self._gc_started) * 1000)

        def stop(self) -> None:
            self._timer.stop()
            gc.callbacks.remove(self._on_gc)

    return StallProbe()


def wait_signal(signal: Any, accept: Callable[..., bool], timeout: float,
                start: Callable[[], object] | None = None) -> float:
    """Run the event loop until ``signal`` fires with arguments ``accept`` likes; the
    perf_counter time it did. ``start`` is called once the slot is connected."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    hit: list[float] = []

    def slot(*args: object) -> None:
        if not hit and accept(*args):
            hit.append(time.perf_counter())
            loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    signal.connect(slot)
    try:
        if start is not None:
            start()
        timer.start(int(timeout * 1000))
        if not hit:
            loop.exec()
    finally:
        timer.stop()
        signal.disconnect(slot)
    if not hit:
        raise TimeoutError(f"no awaited signal within {timeout} s")
    return hit[0]


def spin(seconds: float) -> None:
    """Run the event loop, otherwise idle, for ``seconds``."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(max(0, round(seconds * 1000)))
    loop.exec()


# --------------------------------------------------------------------------- the runs


@dataclasses.dataclass
class PollRun:
    name: str
    cpu_ms: float  # process CPU per poll
    wall_ms: float  # look() → looked, per poll
    fetch_ms: float  # the HTTP fetch alone, median (Outcome.seconds)
    received: float  # body bytes the client read per poll (Outcome.bytes_received)
    sent: float  # body bytes the server wrote per poll
    conditional: int
    not_modified: int
    results: collections.Counter[str]


def idle_cpu_rate() -> float:
    """Process CPU seconds per second of idle event-loop waits (the stall probe and the
    kiosk's once-a-second refresh still run), over POLLS short waits."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(POLLS):
        spin(0.02)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def look(service: Any) -> Any:
    """Look at the feed now; its outcome, once the GUI thread has it."""
    outcome: list[Any] = []

    def accept(index: int, result: Any) -> bool:
        if index == 0:
            outcome.append(result)
        return index == 0

    wait_signal(service.looked, accept, 30.0, start=lambda: service.look(0))
    return outcome[0]


def poll_run(name: str, server: Any, service: Any, probe: Any, *, body: bytes,
             validator: str, change: Callable[[int], bytes] | None = None) -> PollRun:
    """POLLS looks at the feed, one after the other, each waited for on the event loop."""
    route: dict[str, object] = dict(body=body, content_type="application/yaml")
    if validator == "etag":
        route["etag"] = f'"{name}-0"'
    else:
        route["last_modified"] = http_date(time.time() - 3600)
    server.route(PATH, **route)
    probe.phase = "run 1 warm-up"
    for _ in range(2):  # the first look fetches the new body; the second has validators
        look(service)
    probe.phase = f"run 1 {name}"
    first = len(server.requests(PATH))
    outcomes = []
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(POLLS):
        if change is not None:
            server.change(PATH, body=change(i), etag=f'"{name}-{i + 1}"')
        outcomes.append(look(service))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    probe.phase = None
    log = server.wait_for(first + POLLS, PATH, finished=True)[first:first + POLLS]
    return PollRun(
        name=name, cpu_ms=cpu / POLLS * 1000, wall_ms=wall / POLLS * 1000,
        fetch_ms=statistics.median(o.seconds for o in outcomes) * 1000,
        received=statistics.mean(o.bytes_received for o in outcomes),
        sent=statistics.mean(r.sent for r in log),
        conditional=sum(r.conditional for r in log),
        not_modified=sum(r.status == 304 for r in log),
        results=collections.Counter(o.result.value for o in outcomes))


def change_to_stage(server: Any, service: Any, kiosk: Any, probe: Any, rng: random.Random
                    ) -> tuple[list[float], list[float], collections.Counter[str]]:
    """With the service's own timers: CHANGES changes at random moments; for each, seconds
    from the change to the kiosk's view having the new title, and to it being painted."""
    server.route(PATH, body=feed("Opening, as the organisers now call it"),
                 content_type="application/yaml", etag='"live-0"')
    results: collections.Counter[str] = collections.Counter()

    def count(index: int, outcome: Any) -> None:
        if index == 0:
            results[outcome.result.value] += 1

    service.looked.connect(count)
    views: list[tuple[float, str]] = []

    def on_view(view: Any) -> None:
        views.append((time.perf_counter(), getattr(view.overlay, "now_title", "")))

    kiosk.view_changed.connect(on_view)
    probe.phase = "run 2"
    service.start()
    wait_signal(service.looked, lambda i, o: i == 0, 10.0)
    results.clear()
    to_view, to_paint = [], []
    for k in range(1, CHANGES + 1):
        spin(rng.uniform(0, EVERY * 1.1))
        title = f"Opening, take {k}"
        views.clear()
        server.change(PATH, body=feed(title), etag=f'"live-{k}"')
        changed = time.perf_counter()
        painted = wait_signal(
            kiosk.stage.painted,
            lambda scene, t=title: getattr(getattr(kiosk.stage.view, "overlay", None),
                                           "now_title", "") == t,
            EVERY * 3 + 5)
        viewed = next(t for t, shown in views if shown == title)
        to_view.append(viewed - changed)
        to_paint.append(painted - changed)
    probe.phase = None
    kiosk.view_changed.disconnect(on_view)
    service.looked.disconnect(count)
    return to_view, to_paint, results


def big_feed(server: Any, service: Any, probe: Any) -> tuple[list[float], float, float, int]:
    """A 1 MB feed that changes after every look, polled by the service's timers: seconds
    from each look to its outcome, the process CPU per poll, the longest change() call (the
    bench's own work on the GUI thread, in ms) and the size of the body."""
    bodies = [feed(f"Opening ({k})", laureates=1700) for k in range(BIG_POLLS + 2)]
    server.route(PATH, body=bodies[0], content_type="application/yaml", etag='"big-0"')
    started: list[float] = []
    original = service.look

    def timed_look(index: int) -> None:
        started.append(time.perf_counter())
        original(index)

    service.look = timed_look  # the timers call service.look(i) by name
    ended: list[float] = []
    change_ms = [0.0]

    def on_looked(index: int, outcome: Any) -> None:
        if index != 0:
            return
        ended.append(time.perf_counter())
        t = time.perf_counter()
        n = len(ended)
        server.change(PATH, body=bodies[n % len(bodies)], etag=f'"big-{n}"')
        change_ms.append((time.perf_counter() - t) * 1000)

    service.looked.connect(on_looked)
    probe.phase = "run 3"
    timed_look(0)
    wait_signal(service.looked, lambda i, o: i == 0, 30.0)  # the first 1 MB download
    del started[:], ended[:]
    cpu = time.process_time()
    for _ in range(BIG_POLLS):
        wait_signal(service.looked, lambda i, o: i == 0 and o.result.value == "updated",
                    EVERY * 2 + 30)
    cpu = time.process_time() - cpu
    probe.phase = None
    service.looked.disconnect(on_looked)
    seconds = [e - s for s, e in zip(started, ended, strict=False)]
    return seconds, cpu / BIG_POLLS * 1000, max(change_ms), len(bodies[0])


# --------------------------------------------------------------------------- main


def main() -> None:
    from kiosk.core.clock import RehearsalClock
    from kiosk.core.config import FeedSource, load
    from kiosk.core.paths import builtin_config

    ctx = multiprocessing.get_context("spawn")  # before Qt and its threads exist
    manager = ServerProcess(ctx=ctx)
    manager.start()
    server = manager.FeedServer()  # type: ignore[attr-defined]

    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk.app import Kiosk
    from kiosk.feedservice import FeedService

    app = QApplication.instance() or QApplication([])
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="feed-bench-") as folder:
        url = server.route(PATH, body=feed("Opening"), content_type="application/yaml")
        base = load(builtin_config())
        config = dataclasses.replace(base, feeds=(
            FeedSource(url, timedelta(seconds=EVERY), "auto"),))
        service = FeedService(config, Path(folder) / "cache", rng=rng, autostart=False)
        kiosk = Kiosk(config, RehearsalClock(AT), rehearsal=True, feeds=service,
                      state_dir=Path(folder) / "state")
        kiosk.stage.resize(1280, 720)
        kiosk.stage.show()
        QTest.qWaitForWindowExposed(kiosk.stage)
        gc.freeze()  # as `watchparty-kiosk run` does once the kiosk is built
        probe = build_probe()
        try:
            probe.phase = "idle"
            idle_rate = idle_cpu_rate()
            probe.phase = None
            polls = [
                poll_run("etag", server, service, probe, body=feed("Opening (ETag)"),
                         validator="etag"),
                poll_run("last-modified", server, service, probe, body=feed("Opening (LM)"),
                         validator="last-modified"),
                poll_run("changed", server, service, probe, body=feed("Opening (changed)"),
                         validator="etag", change=lambda i: feed(f"Opening ({i})")),
            ]
            to_view, to_paint, live_results = change_to_stage(server, service, kiosk, probe,
                                                              rng)
            big_seconds, big_cpu, change_ms, big_size = big_feed(server, service, probe)
        finally:
            probe.stop()
            kiosk.request_quit()  # stops the service too
            kiosk.stage.close()
            app.processEvents()
            server.close()
            manager.shutdown()

    report(polls, idle_rate, to_view, to_paint, live_results, probe,
           (big_seconds, big_cpu, change_ms, big_size))


def report(polls: list[PollRun], idle_rate: float, to_view: list[float],
           to_paint: list[float], live_results: collections.Counter[str], probe: Any,
           big: tuple[list[float], float, float, int]) -> None:
    print(f"\nPolls of one feed ({len(feed('Opening'))} B of YAML), {POLLS} of each kind one "
          "after the other\n(target: an unchanged feed costs a conditional request and no "
          "parsing)")
    print(f"{'feed':<29} {'CPU ms':>6} {'idle':>5} {'wall ms':>7} {'fetch':>6} {'rx B':>6} "
          f"{'sent B':>6} {'cond':>4} {'304':>4}  results")
    for r in polls:
        results = ", ".join(f"{k} {v}" for k, v in sorted(r.results.items()))
        print(f"{LABELS[r.name]:<29} {r.cpu_ms:6.2f} {idle_rate * r.wall_ms:5.2f} "
              f"{r.wall_ms:7.2f} {r.fetch_ms:6.2f} {r.received:6.0f} {r.sent:6.0f} "
              f"{r.conditional:4d} {r.not_modified:4d}  {results}")
    print("CPU ms: the whole kiosk process per poll (look → outcome on the GUI thread, the "
          "stage's\nrepaint included); idle: the same process over an idle event-loop wait "
          "as long as one poll;\nfetch: the HTTP request alone, median; rx B: body bytes "
          "the client read per poll\n(Outcome.bytes_received); sent B: body bytes the server "
          "wrote per poll; cond: requests with\nIf-None-Match or If-Modified-Since; 304: "
          "answers 304 Not Modified; results: Outcome.result.")

    live = ", ".join(f"{k} {v}" for k, v in sorted(live_results.items()))
    print(f"\nA change on the server → the stage: {CHANGES} changes at random moments, the "
          f"service's own\ntimers polling every {EVERY:g} s ±10 % (target: within "
          f"{EVERY + 1:g} s, one poll interval plus 1 s)")
    print(f"{'measure':<38} {'median':>7} {'min':>7} {'max':>7}")
    for name, values in (("change → the view has the new title (s)", to_view),
                         ("change → painted on the stage (s)", to_paint)):
        print(f"{name:<38} {statistics.median(values):7.3f} {min(values):7.3f} "
              f"{max(values):7.3f}")
    print(f"(outcomes of the looks meanwhile: {live})")

    big_seconds, big_cpu, change_ms, big_size = big
    gaps, gc_ms = probe.gaps, probe.gc_ms
    both = [name for name in gaps if name.startswith(("run 1", "run 2"))]
    rows = [("idle event loop, no polls (reference)", ["idle"]),
            ("run 1: two warm-up looks before each kind", ["run 1 warm-up"]),
            *((f"run 1: {LABELS[r.name]}", [f"run 1 {r.name}"]) for r in polls),
            ("run 2: timers, changes at random moments", ["run 2"]),
            ("runs 1 and 2", both),
            (f"run 3: a {big_size / 1e6:.1f} MB feed changing every poll", ["run 3"])]
    print(f"\nGUI event-loop stalls: gaps between {STALL_TICK_MS} ms timer ticks, minus "
          f"{STALL_TICK_MS} ms (target: under 16 ms)")
    print(f"{'during':<44} {'ticks':>6} {'p99 ms':>7} {'worst ms':>9} {'GC max ms':>10}")
    for name, phases in rows:
        values = [g for p in phases for g in gaps[p]]
        pauses = [g for p in phases for g in gc_ms[p]]
        print(f"{name:<44} {len(values):6d} {percentile(values, 99):7.2f} "
              f"{max(values):9.2f} {max(pauses, default=0.0):10.2f}")
    print(f"GC max: the longest garbage collection in that time, in any thread (it holds the "
          f"GIL).\nRun 3: {BIG_POLLS} polls on the timers, look → outcome median "
          f"{statistics.median(big_seconds):.2f} s (max {max(big_seconds):.2f} s), "
          f"{big_cpu:.0f} ms of process CPU\nper poll; the bench's own server.change() "
          f"on the GUI thread took at most {change_ms:.1f} ms.")
    print(f"(1280x720 stage, {os.environ.get('QT_QPA_PLATFORM')} platform, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
