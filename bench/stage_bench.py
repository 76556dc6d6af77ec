"""Stage benchmarks: cold start to the first painted frame, and keypress to the new scene painted.

Prints a table; asserts nothing. Targets (issue 2): first frame under 1.0 s; scene switch p99
under one frame at 60 Hz (16.7 ms). Run with ./dev bench.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COLD_RUNS = 5
SWITCHES = 200

# The child does what `watchparty-kiosk --windowed` does, and reports when the first frame of
# the stage has been painted, measured from just before the parent started the process.
COLD_CHILD = """
import os, sys, time
t0 = float(os.environ["BENCH_T0"])
from kiosk.core.startup import choose_clock, choose_config
from PySide6.QtWidgets import QApplication
from kiosk.app import Kiosk
chosen = choose_config(None)
timing = choose_clock(chosen.config, at=None, speed=None)
app = QApplication([])
kiosk = Kiosk(chosen.config, timing.clock, rehearsal=timing.rehearsal)
def first(scene):
    print(f"{time.time() - t0:.4f}", flush=True)
    kiosk.request_quit()
    app.exit(0)
kiosk.stage.painted.connect(first)
kiosk.stage.resize(1920, 1080)
kiosk.stage.show()
app.exec()
"""


def cold_start() -> list[float]:
    times = []
    for _ in range(COLD_RUNS):
        env = dict(os.environ, BENCH_T0=repr(time.time()))
        out = subprocess.run([sys.executable, "-c", COLD_CHILD], env=env, capture_output=True,
                             text=True, timeout=60, check=True).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return times


def scene_switches() -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk.app import Kiosk
    from kiosk.core.startup import choose_clock, choose_config

    app = QApplication.instance() or QApplication([])
    chosen = choose_config(None)
    timing = choose_clock(chosen.config, at="2021-02-06T19:00", speed=None)
    kiosk = Kiosk(chosen.config, timing.clock, rehearsal=True)
    stage = kiosk.stage
    stage.resize(1920, 1080)
    stage.show()
    stage.activateWindow()
    QTest.qWaitForWindowExposed(stage)
    painted: list[tuple[float, str]] = []
    stage.painted.connect(lambda scene: painted.append((time.perf_counter(), scene)))
    keys = [(Qt.Key.Key_S, "slides"), (Qt.Key.Key_A, "awards"), (Qt.Key.Key_C, "countdown"),
            (Qt.Key.Key_L, "live")]
    latencies = []
    for i in range(SWITCHES):
        key, scene = keys[i % len(keys)]
        painted.clear()
        start = time.perf_counter()
        QTest.keyClick(stage, key)
        deadline = start + 2.0
        while time.perf_counter() < deadline:
            app.processEvents()
            hit = next((t for t, s in painted if s == scene), None)
            if hit is not None:
                latencies.append((hit - start) * 1000)
                break
        else:
            raise RuntimeError(f"scene {scene} was never painted")
        # Let the cross-fade finish so every switch starts from a settled stage.
        settle = time.perf_counter() + 0.5
        while stage.transition_active() and time.perf_counter() < settle:
            app.processEvents()
    kiosk.request_quit()
    return latencies


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    cold = cold_start()
    switches = scene_switches()
    rows = [
        ("cold start → first stage frame (s)", statistics.median(cold), min(cold), max(cold),
         "< 1.0"),
        ("keypress → new scene painted (ms), median", statistics.median(switches),
         min(switches), max(switches), ""),
        ("keypress → new scene painted (ms), p99", percentile(switches, 99), min(switches),
         max(switches), "< 16.7"),
    ]
    print(f"{'measure':<44} {'value':>9} {'min':>9} {'max':>9}  target")
    for name, value, low, high, target in rows:
        print(f"{name:<44} {value:>9.3f} {low:>9.3f} {high:>9.3f}  {target}")
    print(f"({COLD_RUNS} cold starts, {len(switches)} scene switches at 1920x1080, "
          f"{os.environ.get('QT_QPA_PLATFORM')} platform, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
