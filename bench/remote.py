"""Remote benchmark: a volunteer's button on a phone → the new scene painted on the stage,
through the real remote on the loopback, while 50 pages get live updates; and the GUI
thread's stalls with and without the remote, side by side in the same run.

Prints tables; asserts nothing. Targets (issue 13): action → scene painted p99 ≤ 50 ms with
50 clients connected for 10 minutes of rehearsal; the GUI stall p99 with the remote beside
the one without it.

One kiosk (the built-in event as a rehearsal from 18:00 Moscow time, its stage at 1920x1080
offscreen, as `watchparty-kiosk run` builds the stage and its programme) runs in this
process. First, for --baseline-minutes, a volunteer's keys switch scenes every --every
seconds (Kiosk.trigger, as the shortcuts do) with the remote off. Then the remote is switched
on and a second process (this script with --client) plays the hall's phones: --clients pages
on the live connection (each fetching the thumbnail when told of a new one, as the page does)
and one phone pressing the same buttons at the same pace with POST /api/actions/… (cookie and
Origin, as the page sends them), for --minutes. Times are CLOCK_MONOTONIC on both sides (one
clock for every process on Linux): from just before the phone sends to the stage's first
paint of the asked-for scene. GUI stalls come from a 5 ms timer on the GUI thread (the gap
beyond 5 ms).

Run with ./dev bench, or `python bench/remote.py --minutes 1 --baseline-minutes 0.5` for a
quick look.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
# The scenes the buttons cycle through: each press asks for another scene than the last.
CYCLE = ("slides", "awards", "countdown", "live")


# ---------------------------------------------------------------------- the phones' process

async def phones(port: int, cookies: list[str], presser: str, minutes: float,
                 every: float) -> dict:
    import aiohttp

    base = f"http://127.0.0.1:{port}"
    headers = {"Origin": base}
    received = [0] * len(cookies)
    pictures = [0] * len(cookies)
    errors: list[str] = []
    presses: list[tuple[float, str]] = []
    stop = asyncio.Event()
    opened = [0]
    everyone = asyncio.Event()

    async def page(index: int, cookie: str) -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base, cookie_jar=jar, headers=headers) as http:
            http.cookie_jar.update_cookies({"wpk_session": cookie})
            try:
                async with http.ws_connect("/ws", heartbeat=20) as ws:
                    opened[0] += 1
                    if opened[0] == len(cookies):
                        everyone.set()
                    while not stop.is_set():
                        try:
                            message = await asyncio.wait_for(ws.receive(), 0.5)
                        except TimeoutError:
                            continue
                        if message.type != aiohttp.WSMsgType.TEXT:
                            errors.append(f"page {index}: {message.type.name}")
                            return
                        received[index] += 1
                        data = json.loads(message.data)
                        if data.get("type") == "thumbnail":
                            async with http.get(f"/api/thumbnail?v={data['version']}") as got:
                                await got.read()
                                pictures[index] += got.status == 200
            except (aiohttp.ClientError, OSError) as error:
                errors.append(f"page {index}: {error}")

    async def press() -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base, cookie_jar=jar, headers=headers) as http:
            http.cookie_jar.update_cookies({"wpk_session": presser})
            # A hall's phones are connected before anyone presses (at most 20 s to get there).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(everyone.wait(), 20)
            started = time.monotonic()
            n = 0
            while time.monotonic() - started < minutes * 60:
                scene = CYCLE[n % len(CYCLE)]
                n += 1
                sent = time.monotonic()
                async with http.post(f"/api/actions/{scene}", json={}) as answer:
                    if answer.status != 200:
                        errors.append(f"press {scene}: HTTP {answer.status}")
                presses.append((sent, scene))
                await asyncio.sleep(every)
            stop.set()

    await asyncio.gather(press(), *(page(i, c) for i, c in enumerate(cookies)))
    return {"presses": presses, "received": received, "pictures": pictures,
            "errors": errors[:20], "error_count": len(errors)}


def client_main(port: int, minutes: float, every: float) -> None:
    tokens = json.loads(sys.stdin.read())
    result = asyncio.run(phones(port, tokens["pages"], tokens["presser"], minutes, every))
    print(json.dumps(result))


# ---------------------------------------------------------------------- the kiosk's process

def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def latencies(presses: list[tuple[float, str]], painted: list[tuple[float, str]]) -> list[float]:
    """For each press, ms until the stage first painted the asked-for scene after it."""
    found = []
    for sent, scene in presses:
        hit = next((t for t, s in painted if s == scene and t >= sent), None)
        if hit is not None:
            found.append((hit - sent) * 1000)
    return found


def kiosk_main(args: argparse.Namespace) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.app import Kiosk
    from kiosk.core import config as config_module
    from kiosk.core import paths
    from kiosk.core.actions import Action
    from kiosk.core.clock import RehearsalClock
    from kiosk.core.eventlog import EventLog
    from kiosk.core.remote import Kind, Settings, save_settings
    from kiosk.remote.service import Remote

    app = QApplication.instance() or QApplication(["watchparty-kiosk"])
    config = config_module.load(paths.builtin_config())
    clock = RehearsalClock(config.event.start - timedelta(seconds=30), args.speed)
    kiosk = Kiosk(config, clock, rehearsal=True, event_log=EventLog(None))
    stage = kiosk.stage
    stage.resize(1920, 1080)
    stage.show()
    painted: list[tuple[float, str]] = []
    stage.painted.connect(lambda scene: painted.append((time.monotonic(), scene)))

    gaps: list[float] = []
    last = [time.monotonic()]

    def probe() -> None:
        now = time.monotonic()
        gaps.append(max(0.0, (now - last[0]) * 1000 - 5))
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(probe)

    def run_for(seconds: float) -> None:
        QTimer.singleShot(int(seconds * 1000), lambda: app.exit(0))
        last[0] = time.monotonic()
        ticker.start()
        app.exec()
        ticker.stop()

    # Without the remote: the same presses from the keyboard's path.
    keys: list[tuple[float, str]] = []
    pressed = [0]

    def key() -> None:
        scene = CYCLE[pressed[0] % len(CYCLE)]
        pressed[0] += 1
        keys.append((time.monotonic(), scene))
        kiosk.trigger(Action(scene))

    presser = QTimer()
    presser.setInterval(int(args.every * 1000))
    presser.timeout.connect(key)
    presser.start()
    run_for(args.baseline_minutes * 60)
    presser.stop()
    baseline_gaps, gaps[:] = list(gaps), []
    key_latency = latencies(keys, painted)

    # With the remote on, its pages connected, a phone pressing.
    folder = Path(tempfile.mkdtemp(prefix="wpk-remote-bench-"))
    save_settings(folder, Settings(enabled=True, port=free_port()))
    remote = Remote(kiosk, folder=folder, addresses=lambda: ["127.0.0.1"])
    if not remote.enabled:
        raise SystemExit(f"the remote did not start: {remote.problem}")
    assert remote.server is not None
    with remote.server.lock:
        pages = [remote.sessions.new(Kind.CONTROL, f"Page {i}", remote.server.clock())[0]
                 for i in range(args.clients)]
        presser_token = remote.sessions.new(Kind.CONTROL, "Presser", remote.server.clock())[0]
    child = subprocess.Popen(
        [sys.executable, __file__, "--client", str(remote.port), "--minutes", str(args.minutes),
         "--every", str(args.every)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdin is not None
    child.stdin.write(json.dumps({"pages": pages, "presser": presser_token}))
    child.stdin.close()
    connected: list[int] = []
    watch = QTimer()
    watch.setInterval(1000)
    watch.timeout.connect(lambda: connected.append(remote.server.clients() if remote.server
                                                   else 0))
    watch.start()
    painted.clear()
    run_for(args.minutes * 60 + 2)
    watch.stop()
    # Let the phones' process finish while the kiosk keeps answering.
    deadline = time.monotonic() + 30
    while child.poll() is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    assert child.stdout is not None
    out = child.stdout.read()
    child.wait(30)
    result = json.loads(out.strip().splitlines()[-1])
    remote_gaps = list(gaps)
    remote_latency = latencies([(t, s) for t, s in result["presses"]], painted)
    remote.stop()
    kiosk.request_quit()
    if os.environ.get("BENCH_REMOTE_DUMP"):
        Path(os.environ["BENCH_REMOTE_DUMP"]).write_text(json.dumps(
            {"key": key_latency, "remote": remote_latency}))

    def row(name: str, values: list[float], target: str = "") -> str:
        if not values:
            return f"{name:<46} {'-':>8} {'-':>8} {'-':>8} {'-':>6}  {target}"
        return (f"{name:<46} {statistics.median(values):>8.2f} {percentile(values, 99):>8.2f} "
                f"{max(values):>8.2f} {len(values):>6}  {target}")

    print(f"{'measure (ms)':<46} {'median':>8} {'p99':>8} {'max':>8} {'n':>6}  target")
    print(row("key → scene painted, remote off", key_latency))
    print(row(f"phone → scene painted, {args.clients} pages live", remote_latency, "p99 ≤ 50"))
    print(row("GUI stall beyond 5 ms, remote off", baseline_gaps))
    print(row(f"GUI stall beyond 5 ms, remote on ({args.clients} pages)", remote_gaps))
    received = result["received"]
    print()
    print(f"pages connected (kiosk's count, sampled each second): min {min(connected or [0])},"
          f" max {max(connected or [0])}")
    print(f"updates per page: min {min(received)}, median {statistics.median(received):g}, "
          f"max {max(received)}; thumbnails fetched per page: median "
          f"{statistics.median(result['pictures']):g}")
    if remote_latency:
        slowest = max(range(len(remote_latency)), key=remote_latency.__getitem__)
        print(f"slowest press: #{slowest + 1} of {len(remote_latency)}, "
              f"{remote_latency[slowest]:.1f} ms")
    print(f"presses: {len(result['presses'])} by the phone, {len(remote_latency)} painted; "
          f"errors on the phones' side: {result['error_count']} {result['errors'][:3]}")
    print(f"({args.baseline_minutes:g} min without and {args.minutes:g} min with the remote, "
          f"rehearsal at {args.speed:g}x, a press every {args.every:g} s, stage 1920x1080, "
          f"{os.environ.get('QT_QPA_PLATFORM')} platform, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="real minutes with the remote on (default 10)")
    parser.add_argument("--baseline-minutes", type=float, default=3.0,
                        help="real minutes with the remote off first (default 3)")
    parser.add_argument("--clients", type=int, default=50, help="pages connected (default 50)")
    parser.add_argument("--every", type=float, default=1.5, help="seconds between presses")
    parser.add_argument("--speed", type=float, default=1.0, help="rehearsal speed (default 1)")
    parser.add_argument("--client", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client_main(args.client, args.minutes, args.every)
    else:
        kiosk_main(args)


if __name__ == "__main__":
    main()
