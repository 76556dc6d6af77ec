"""Start-up of the frozen bundle against the source install, measured the same way.

    python packaging/startup.py [--bundle dist/watchparty-kiosk/watchparty-kiosk] [--runs 5]

Runs ``--self-test`` alternately with the bundle's executable and with this environment's
``watchparty-kiosk`` (the source install), offscreen. Each run gets ``WATCHPARTY_KIOSK_T0``,
the instant it was started, so the self-test's timings count from the same moment for both:
the first stage frame (Qt up, the built-in event's live scene painted), the first decoded
video frame, that frame painted by the stage, and the whole self-test. Prints the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
KEYS = ("first_stage_frame", "first_video_frame", "first_video_stage_frame", "total")


def run(command: list[str], scratch: Path) -> dict[str, float]:
    report = scratch / "report.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WATCHPARTY_KIOSK_AUDIO="dummy",
               WATCHPARTY_KIOSK_STATE=str(scratch / "state"))
    env["WATCHPARTY_KIOSK_T0"] = repr(time.time())
    started = time.monotonic()
    proc = subprocess.run([*command, "--self-test", "--self-test-report", str(report)],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    wall = time.monotonic() - started
    data = json.loads(report.read_text(encoding="utf-8"))
    if proc.returncode != 0 or not data["ok"]:
        raise SystemExit(f"{command[0]}: self-test failed\n{proc.stdout}\n{proc.stderr}")
    return {**{k: float(data["timings_s"][k]) for k in KEYS}, "process_exit": wall}


def main(argv: list[str] | None = None) -> int:
    exe_name = "watchparty-kiosk.exe" if sys.platform.startswith("win") else "watchparty-kiosk"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path,
                        default=CHECKOUT / "dist" / "watchparty-kiosk" / exe_name)
    parser.add_argument("--source", default=shutil.which(
        "watchparty-kiosk", path=str(Path(sys.executable).parent)) or "")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.bundle.is_file():
        raise SystemExit(f"no bundle at {args.bundle}: ./dev bundle first")
    commands = {"frozen bundle": [str(args.bundle)],
                "source install": [args.source] if args.source else [
                    sys.executable, "-m", "kiosk"]}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        for command in commands.values():  # warm the page cache once each
            run(command, Path(tmp))
        for _ in range(args.runs):
            for name, command in commands.items():
                results[name].append(run(command, Path(tmp)))
    columns = (*KEYS, "process_exit")
    print(f"median of {args.runs} runs, seconds from process start")
    print(f"{'':<16}" + "".join(f"{c:>25}" for c in columns))
    for name, runs in results.items():
        print(f"{name:<16}" + "".join(
            f"{statistics.median(r[c] for r in runs):>25.3f}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
