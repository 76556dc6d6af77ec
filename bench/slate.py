"""The slate under the stage, measured: N SIGKILL restarts of the supervised kiosk on a real X
screen (Xvfb) under a window manager from Debian (openbox), watched through the X server's own
events (tests/supervisor/xscreen.py), on the TV alone and on a TV beside a laptop screen.

    python bench/slate.py [--restarts 10] [--screens one|two|both]

Per restart: the longest time with no kiosk window over the TV (the target is 0: the slate is
under the stage before the kill), the longest time with any other window on top (the window
manager's frame of the killed stage, taken down after the kill), how long until the new
stage's window is on top and until its first frame is drawn (XDamage), and the slate's own
memory (resident, and unshared: what it alone costs). Prints a table; never fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "supervisor"))

import xscreen  # noqa: E402
from supervised import event_now, start_supervisor, stop_supervisor  # noqa: E402

SETUPS = {
    "one": dict(width=1920, height=1080, monitors=(), tv=(0, 0, 1920, 1080)),
    "two": dict(width=3840, height=1080,
                monitors=(("LAPTOP", "1920/340x1080/190+0+0"),
                          ("TV", "1920/1020x1080/570+1920+0")),
                tv=(1920, 0, 1920, 1080)),
}


def memory(pid: int) -> tuple[float, float]:
    """Resident and unshared (private) memory of ``pid``, in MB."""
    fields: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    except OSError:
        return float("nan"), float("nan")
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
            fields[parts[0][:-1]] = int(parts[1])
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return fields.get("Rss", 0) / 1024, private / 1024


def run(setup: str, restarts: int, folder: Path) -> list[dict[str, float]]:
    spec = SETUPS[setup]
    rows = []
    with xscreen.x_server(spec["width"], spec["height"], monitors=spec["monitors"]) as server:
        watcher = xscreen.CoverWatcher(server.name, spec["tv"])
        env = {k: server.env[k] for k in ("DISPLAY", "QT_QPA_PLATFORM",
                                          "DBUS_SESSION_BUS_ADDRESS")}
        # Every restart a normal one: crashes this close together would otherwise mean safe
        # mode and its backoff (the slate shows through those too: tests/supervisor).
        env["WATCHPARTY_KIOSK_LOOP_WINDOW"] = "0.01"
        kiosk = start_supervisor(folder, ("--config", str(event_now(folder))), windowed=False,
                                 env=env)
        try:
            kiosk.running(1)
            watcher.wait_for(lambda w: w.shown[-1].what == "stage", 30, "the first stage")
            for n in range(1, restarts + 1):
                pid = kiosk.running(n)
                time.sleep(0.5)  # the stage settled, as in a hall
                slate_pid = kiosk.slate_pids()[-1]
                rss, private = memory(slate_pid)
                killed = time.monotonic()
                os.kill(pid, signal.SIGKILL)
                kiosk.running(n + 1)
                watcher.wait_for(lambda w, k=killed: [
                    t for t, _w, title in w.first_frames
                    if t > k and not title.startswith(xscreen.SLATE_TITLE)], 30,
                    f"stage {n + 1}'s first frame")
                watch = watcher.snapshot()
                on_top = next(s.at for s in watch.shown if s.at > killed and s.what == "stage")
                frame = next(t for t, _w, title in watch.first_frames
                             if t > killed and not title.startswith(xscreen.SLATE_TITLE))
                rows.append({
                    "gap_ms": watch.longest_gap(killed, frame) * 1000,
                    "other_on_top_ms": watch.longest_not_on_top(killed, on_top) * 1000,
                    "stage_on_top_s": on_top - killed,
                    "first_frame_s": frame - killed,
                    "slate_rss_mb": rss,
                    "slate_private_mb": private,
                })
        finally:
            stop_supervisor(kiosk)
            watcher.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=10)
    parser.add_argument("--screens", choices=["one", "two", "both"], default="both")
    args = parser.parse_args(argv)
    absent = xscreen.missing()
    if absent or os.name != "posix":
        print(f"bench/slate.py: skipped, needs {', '.join(absent) or 'POSIX'} "
              "(bash scripts/bootstrap.sh --test installs them)")
        return 0
    with tempfile.TemporaryDirectory(prefix="slate-bench-") as tmp:
        for name in ("STATE", "CACHE", "CONFIG_DIR"):
            folder = Path(tmp) / name.lower()
            folder.mkdir()
            os.environ[f"WATCHPARTY_KIOSK_{name}"] = str(folder)
        os.environ["WATCHPARTY_KIOSK_INSTANCE"] = f"watchparty-kiosk-slate-bench-{os.getpid()}"
        setups = ["one", "two"] if args.screens == "both" else [args.screens]
        for setup in setups:
            folder = Path(tmp) / setup
            (folder / "logs").mkdir(parents=True)
            os.environ["WATCHPARTY_KIOSK_LOGS"] = str(folder / "logs")  # its own supervisor.log
            rows = run(setup, args.restarts, folder)
            title = "the TV alone" if setup == "one" else "a TV beside a laptop screen"
            print(f"\n{len(rows)} SIGKILL restarts, {title}, window manager "
                  f"{xscreen.WINDOW_MANAGER} on Xvfb (times from the kill)")
            header = (f"{'#':>3} {'no kiosk window':>16} {'other on top':>13} "
                      f"{'stage on top':>13} {'first frame':>12} {'slate RSS':>10} "
                      f"{'unshared':>9}")
            print(header)
            print("-" * len(header))
            for i, row in enumerate(rows, 1):
                print(f"{i:>3} {row['gap_ms']:>13.1f} ms {row['other_on_top_ms']:>10.1f} ms "
                      f"{row['stage_on_top_s']:>11.2f} s {row['first_frame_s']:>10.2f} s "
                      f"{row['slate_rss_mb']:>7.1f} MB {row['slate_private_mb']:>6.1f} MB")
            print(f"longest with no kiosk window: {max(r['gap_ms'] for r in rows):.1f} ms; "
                  f"median to the new stage's first frame: "
                  f"{statistics.median(r['first_frame_s'] for r in rows):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
