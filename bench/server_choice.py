"""Remote server benchmark: which HTTP + WebSocket server the volunteers' remote should run on.

Prints tables; asserts nothing. The issue asks for the remote's server to be chosen by
measurement: a slow or hostile client must never block the stage, and actions must reach the
GUI thread as queued signals. Each candidate below serves the same tiny JSON state on
``GET``, takes an action on ``POST`` and hands it to the GUI thread (a queued signal to a
QObject there, or a direct call when the server already is on the GUI thread), and pushes
the state to every WebSocket client every 200 ms, as the kiosk does:

  aiohttp-thread   aiohttp on a thread of its own with its own asyncio loop (a bare server)
  kiosk-remote     the kiosk's own kiosk.remote.server.RemoteServer (aiohttp in a thread,
                   with its sessions, guards and per-client send queues)
  qt-gui           Qt's QHttpServer + QWebSocketServer on the GUI thread (PySide6-Addons;
                   the kiosk ships PySide6-Essentials only, so this runs only where the
                   Addons wheel is installed)
  stdlib-threads   http.server.ThreadingHTTPServer + the websockets library's threaded sync
                   server (a thread per connection)

Each candidate runs in a process of its own (so its RSS is its own) under a Qt application,
offscreen, with a 5 ms QTimer on the GUI thread as the stall probe. The load comes from
another process (so the load generator never holds the server's GIL): N WebSocket clients,
a steady stream of GETs and POSTs (open loop: a slow server gets late answers, not less
work), and a few slowloris connections that drip one header byte every half second. Action
latency is client send -> slot run on the GUI thread, on time.monotonic (system-wide on
Linux). The footprint is what each option adds to an install, from the installed files of
its distributions (RECORD) in this environment's site-packages.

Run with the project's venv; for qt-gui, in a venv that also has PySide6-Addons:
  python bench/server_choice.py [--seconds 20] [--clients 50] [--only qt-gui,aiohttp-thread]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, Qt, QTimer, Signal

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = ("aiohttp-thread", "kiosk-remote", "qt-gui", "stdlib-threads")
LABELS = {
    "aiohttp-thread": "aiohttp, own thread + loop",
    "kiosk-remote": "kiosk RemoteServer (aiohttp)",
    "qt-gui": "QHttpServer+QWebSocketServer, GUI",
    "stdlib-threads": "ThreadingHTTPServer+websockets",
}
PROBE_MS = 5
FRAME_MS = 16.7  # a frame at 60 Hz: a stall this long is a frame the stage did not paint
MAX_BODY = 16 * 1024
KEEPALIVE_SECONDS = 5  # the kiosk's REQUEST_SECONDS: an idle or unfinished request ends
SEND_SECONDS = 5.0  # a WebSocket client that has not taken an update within this is dropped
BACKLOG_BYTES = 64 * 1024  # Qt: a client this far behind is dropped (Qt would buffer it all)
DRIP_SECONDS = 0.5
# What the kiosk's remote is sent: a small state, about the size of the real one.
ACTIONS = ["automatic", "live", "slides", "awards", "countdown", "blackout", "previous_slide",
           "next_slide", "reveal", "overlay", "delay_more", "delay_less", "volume_down",
           "volume_up", "mute", "diagnostics"]


def state(seq: int) -> dict[str, Any]:
    return {"seq": seq, "t": time.monotonic(), "scene": "live", "automatic": True,
            "title": "Address by the National Leader of Belarus",
            "next": "The People's Anti-Crisis Management", "left_seconds": 1200 - seq // 5,
            "stream": "playing", "health": "ok", "volume": 70, "muted": False,
            "blackout": False, "overlay": True, "actions": ACTIONS}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"p50": statistics.median(values), "p99": percentile(values, 99),
            "max": max(values), "n": len(values)}


# ============================================================== the server under test


class Meter:
    """Counts kept by whichever threads the server runs on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: collections.Counter[str] = collections.Counter()

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def take(self) -> dict[str, int]:
        with self.lock:
            counts = dict(self.counts)
            self.counts.clear()
        return counts


class Stage(QObject):
    """What lives on the GUI thread: the stall probe, the slot actions reach, the timer that
    publishes the state, and the commands read from the parent."""

    acted = Signal(float)  # the client's send time (monotonic), or -1 when not known
    command = Signal(str)

    def __init__(self, push_ms: int) -> None:
        super().__init__()
        self.publish: Callable[[dict[str, Any]], None] = lambda _: None
        self.go: Callable[[], None] = lambda: None
        self.finish: Callable[[], None] = lambda: None
        self.gaps: list[float] = []
        self.worst = (0.0, 0.0)  # the longest gap (ms), and when it ended (monotonic)
        self.latencies: list[float] = []
        self.arrivals: list[float] = []
        self.seq = 0
        self._last = time.monotonic()
        self.probe = QTimer(self)
        self.probe.setTimerType(Qt.TimerType.PreciseTimer)
        self.probe.setInterval(PROBE_MS)
        self.probe.timeout.connect(self._on_probe_timeout)
        self.pusher = QTimer(self)
        self.pusher.setTimerType(Qt.TimerType.PreciseTimer)
        self.pusher.setInterval(push_ms)
        self.pusher.timeout.connect(self._on_pusher_timeout)
        # Emitted on the server's thread(s): queued to this object's (the GUI) thread.
        self.acted.connect(self.on_acted, Qt.ConnectionType.QueuedConnection)
        self.command.connect(self._on_command, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        self._last = time.monotonic()
        self.probe.start()
        self.pusher.start()
        self._on_pusher_timeout()

    def on_acted(self, sent: float) -> None:
        now = time.monotonic()
        self.arrivals.append(now)
        if sent > 0:
            self.latencies.append((now - sent) * 1000)

    def _on_probe_timeout(self) -> None:
        now = time.monotonic()
        gap = (now - self._last) * 1000 - PROBE_MS
        self.gaps.append(gap)
        if gap > self.worst[0]:
            self.worst = (gap, now)
        self._last = now

    def _on_pusher_timeout(self) -> None:
        self.seq += 1
        self.publish(state(self.seq))

    def _on_command(self, word: str) -> None:
        if word == "go":
            self.gaps.clear()
            self.worst = (0.0, 0.0)
            self.latencies.clear()
            self.arrivals.clear()
            self.go()
        elif word == "stop":
            self.finish()


class AiohttpThread:
    """aiohttp on its own thread and asyncio loop; the GUI thread only hands it states."""

    def __init__(self, stage: Stage, meter: Meter) -> None:
        self.stage, self.meter = stage, meter
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.runner: Any = None
        self.port = 0
        self.text = "{}"
        self.clients: set[tuple[Any, asyncio.Queue[str]]] = set()

    def start(self) -> dict[str, Any]:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self.loop = loop
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.runner.cleanup())
            loop.close()

        self.thread = threading.Thread(target=run, name="server", daemon=True)
        self.thread.start()
        ready.wait(10.0)
        return {"http": f"http://127.0.0.1:{self.port}", "get": "/api/state",
                "post": "/api/action", "ws": f"ws://127.0.0.1:{self.port}/ws"}

    async def _serve(self) -> None:
        from aiohttp import web

        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get("/api/state", self._get)
        app.router.add_post("/api/action", self._post)
        app.router.add_get("/ws", self._socket)
        self.runner = web.AppRunner(app, access_log=None, keepalive_timeout=KEEPALIVE_SECONDS,
                                    handle_signals=False, shutdown_timeout=1.0)
        await self.runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self.runner, sock).start()

    async def _get(self, request: Any) -> Any:
        from aiohttp import web

        self.meter.add("get")
        return web.Response(text=self.text, content_type="application/json")

    async def _post(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.json()
        self.stage.acted.emit(float(body.get("sent", -1)))
        self.meter.add("post")
        return web.json_response({"ok": True})

    async def _socket(self, request: Any) -> Any:
        from aiohttp import web

        ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=4096, compress=False)
        await ws.prepare(request)
        client = (ws, asyncio.Queue[str](maxsize=4))
        self.clients.add(client)
        sender = asyncio.create_task(self._send_loop(client))
        try:
            async for _ in ws:
                pass
        finally:
            self.clients.discard(client)
            sender.cancel()
        return ws

    async def _send_loop(self, client: tuple[Any, asyncio.Queue[str]]) -> None:
        ws, queue = client
        try:
            while True:
                text = await queue.get()
                async with asyncio.timeout(SEND_SECONDS):
                    await ws.send_str(text)
                self.meter.add("ws")
        except (TimeoutError, ConnectionError, RuntimeError):
            self.clients.discard(client)
            with contextlib.suppress(Exception):
                await ws.close()

    def publish(self, data: dict[str, Any]) -> None:  # the GUI thread: returns at once
        if self.loop is not None:
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self._set, data)

    def _set(self, data: dict[str, Any]) -> None:
        self.text = json.dumps(data)
        message = json.dumps({"type": "state", "state": data})
        for _, queue in list(self.clients):
            if queue.full():  # a client behind loses its oldest update, never our time
                queue.get_nowait()
            queue.put_nowait(message)

    def stop(self) -> None:
        if self.loop is not None and self.thread is not None:
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5.0)


class KioskBridge:
    """The kiosk's Bridge, as kiosk.remote.service has it: each call only queues a signal."""

    def __init__(self, stage: Stage, meter: Meter) -> None:
        self.stage, self.meter = stage, meter

    def act(self, action: Any, who: Any) -> None:
        self.meter.add("post")
        self.stage.acted.emit(-1.0)  # the send time is matched by order in the parent

    def say(self, text: str, who: Any) -> None:
        pass

    def changed(self) -> None:
        pass


class KioskRemote:
    """The kiosk's own server, with a controller's token and an observing screen's cookie."""

    def __init__(self, stage: Stage, meter: Meter) -> None:
        if str(ROOT) not in sys.path:
            sys.path.append(str(ROOT))  # the checkout's kiosk, where it is not installed
        from kiosk.core.remote import Kind, Pairing, Sessions, now_utc
        from kiosk.remote.server import COOKIE, RemoteServer

        self.meter = meter
        sessions = Sessions()
        self.token, _ = sessions.new(Kind.API, "bench", now_utc())
        self.cookie, _ = sessions.new(Kind.OBSERVE, "bench screen", now_utc())
        self.cookie_name = COOKIE
        self.server = RemoteServer(KioskBridge(stage, meter), sessions, Pairing())
        get_state = self.server._get_state

        async def counted(request: Any) -> Any:  # routes are taken from the instance at start
            meter.add("get")
            return await get_state(request)

        self.server._get_state = counted  # type: ignore[method-assign]

    def start(self) -> dict[str, Any]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        problems = self.server.start(["127.0.0.1"], port)
        if problems:
            raise RuntimeError("; ".join(problems))
        origin = f"http://127.0.0.1:{port}"
        return {"http": origin, "get": "/api/state", "post": "/api/actions/mute",
                "ws": f"ws://127.0.0.1:{port}/ws", "origin": origin,
                "headers": {"Authorization": f"Bearer {self.token}"},
                "ws_headers": {"Cookie": f"{self.cookie_name}={self.cookie}"}}

    def publish(self, data: dict[str, Any]) -> None:
        self.server.publish(data)

    def stop(self) -> None:
        self.server.stop()


class QtGui:
    """QHttpServer and QWebSocketServer on the GUI thread: every request is handled there."""

    def __init__(self, stage: Stage, meter: Meter) -> None:
        from PySide6.QtHttpServer import QHttpServer  # noqa: F401  (not installed: skipped)
        from PySide6.QtWebSockets import QWebSocketServer  # noqa: F401

        self.stage, self.meter = stage, meter
        self.text = "{}"
        self.message = "{}"
        self.clients: set[Any] = set()

    def start(self) -> dict[str, Any]:
        from PySide6.QtHttpServer import QHttpServer, QHttpServerConfiguration
        from PySide6.QtNetwork import QHostAddress, QHttpHeaders, QTcpServer
        from PySide6.QtWebSockets import QWebSocketServer

        local = QHostAddress(QHostAddress.SpecialAddress.LocalHost)
        self.http = QHttpServer()
        config = QHttpServerConfiguration()
        config.setKeepAliveTimeout(KEEPALIVE_SECONDS)
        config.setMaximumBodySize(MAX_BODY)
        self.http.setConfiguration(config)
        # PySide6 6.11 takes a route's answer as str (a QHttpServerResponse or a dict is not
        # converted back to C++), so the JSON content type is set after the request. It also
        # keeps no reference to a route's callable: one only the route holds (a lambda, a
        # bound method) is freed and the next request calls freed memory (a segfault), so
        # every handler is kept here.
        json_type = QHttpHeaders.WellKnownHeader.ContentType

        def after(request: Any, response: Any) -> None:
            headers = response.headers()
            headers.replaceOrAppend(json_type, "application/json")
            response.setHeaders(headers)

        self.handlers = (self._get, self._post, after)
        self.http.route("/api/state", self.handlers[0])
        self.http.route("/api/action", self.handlers[1])
        self.http.addAfterRequestHandler(self.http, self.handlers[2])
        self.tcp = QTcpServer()
        self.tcp.listen(local, 0)
        self.http.bind(self.tcp)
        self.ws = QWebSocketServer("bench", QWebSocketServer.SslMode.NonSecureMode)
        self.ws.listen(local, 0)
        self.ws.newConnection.connect(self._on_ws_new_connection)
        return {"http": f"http://127.0.0.1:{self.tcp.serverPort()}", "get": "/api/state",
                "post": "/api/action", "ws": f"ws://127.0.0.1:{self.ws.serverPort()}/ws"}

    def _get(self, request: Any) -> str:
        self.meter.add("get")
        return self.text

    def _post(self, request: Any) -> str:
        body = json.loads(bytes(request.body().data()) or b"{}")
        self.stage.on_acted(float(body.get("sent", -1)))  # already on the GUI thread
        self.meter.add("post")
        return '{"ok": true}'

    def _on_ws_new_connection(self) -> None:
        while self.ws.hasPendingConnections():
            client = self.ws.nextPendingConnection()
            self.clients.add(client)
            client.disconnected.connect(lambda c=client: self._gone(c))
            client.textMessageReceived.connect(lambda _: None)
            client.sendTextMessage(self.message)

    def _gone(self, client: Any) -> None:
        if client in self.clients:
            self.clients.discard(client)
            client.deleteLater()

    def publish(self, data: dict[str, Any]) -> None:  # on the GUI thread, as is all of it
        self.text = json.dumps(data)
        self.message = json.dumps({"type": "state", "state": data})
        for client in list(self.clients):
            if client.bytesToWrite() > BACKLOG_BYTES:
                client.abort()
                continue
            client.sendTextMessage(self.message)
            self.meter.add("ws")

    def stop(self) -> None:
        for client in list(self.clients):
            client.abort()
        self.ws.close()
        self.tcp.close()


class StdlibThreads:
    """http.server's ThreadingHTTPServer and websockets' sync server: a thread a connection."""

    def __init__(self, stage: Stage, meter: Meter) -> None:
        import websockets.sync.server  # noqa: F401  (not installed: skipped)

        self.stage, self.meter = stage, meter
        self.text = "{}"
        self.message = "{}"
        self.version = 0
        self.closing = False
        self.changed = threading.Condition()

    def start(self) -> dict[str, Any]:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from websockets.sync.server import serve

        bench = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = KEEPALIVE_SECONDS  # a socket read's; a drip of bytes never trips it

            def do_GET(self) -> None:
                bench.meter.add("get")
                self._reply(bench.text.encode())

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.send_error(413)
                    return
                body = json.loads(self.rfile.read(length) or b"{}")
                bench.stage.acted.emit(float(body.get("sent", -1)))
                bench.meter.add("post")
                self._reply(b'{"ok": true}')

            def _reply(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, name="http", daemon=True).start()
        self.wsd = serve(self._socket, "127.0.0.1", 0, compression=None, max_size=4096,
                         open_timeout=KEEPALIVE_SECONDS)
        threading.Thread(target=self.wsd.serve_forever, name="ws", daemon=True).start()
        http_port = self.httpd.server_address[1]
        ws_port = self.wsd.socket.getsockname()[1]
        return {"http": f"http://127.0.0.1:{http_port}", "get": "/api/state",
                "post": "/api/action", "ws": f"ws://127.0.0.1:{ws_port}/ws"}

    def _socket(self, connection: Any) -> None:
        from websockets.exceptions import ConnectionClosed

        with self.changed:
            version, message = self.version, self.message
        try:
            while not self.closing:
                connection.send(message)
                self.meter.add("ws")
                with self.changed:
                    self.changed.wait_for(
                        lambda seen=version: self.version != seen or self.closing, timeout=1.0)
                    version, message = self.version, self.message
        except (ConnectionClosed, OSError, TimeoutError):
            pass

    def publish(self, data: dict[str, Any]) -> None:  # the GUI thread: wakes the senders
        text = json.dumps(data)
        message = json.dumps({"type": "state", "state": data})
        with self.changed:
            self.text, self.message = text, message
            self.version += 1
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()
        self.httpd.shutdown()
        self.wsd.shutdown()


SERVERS: dict[str, Callable[[Stage, Meter], Any]] = {
    "aiohttp-thread": AiohttpThread, "kiosk-remote": KioskRemote, "qt-gui": QtGui,
    "stdlib-threads": StdlibThreads,
}


def proc_status() -> dict[str, int]:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM", "Threads"):
                fields[name] = int(value.split()[0])
    return fields


def serve(name: str, push_ms: int) -> None:
    """The server process: says READY (with where to connect) on stdout, starts measuring at
    "go" on stdin and says RESULT at "stop"."""
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    meter = Meter()
    stage = Stage(push_ms)
    try:
        server = SERVERS[name](stage, meter)
    except ImportError as error:
        reason = ("not installed (PySide6-Addons)" if name == "qt-gui"
                  else f"not installed ({error.name})")
        print(f"UNAVAILABLE {reason}", flush=True)
        return
    target = server.start()
    window = {"start": time.monotonic(), "cpu": sum(os.times()[:2])}

    def go() -> None:
        meter.take()
        window.update(start=time.monotonic(), cpu=sum(os.times()[:2]))

    def finish() -> None:
        seconds = time.monotonic() - window["start"]
        cpu = sum(os.times()[:2]) - window["cpu"]
        status = proc_status()
        result = {"seconds": seconds, "counts": meter.take(), "stall": summary(stage.gaps),
                  "long": sum(1 for gap in stage.gaps if gap >= FRAME_MS),
                  "worst_at": stage.worst[1] - window["start"],
                  "latency": summary(stage.latencies), "arrivals": stage.arrivals,
                  "cpu": 100 * cpu / seconds, "rss_kb": status["VmRSS"],
                  "hwm_kb": status["VmHWM"], "threads": status["Threads"]}
        stage.probe.stop()
        stage.pusher.stop()
        server.stop()
        print("RESULT " + json.dumps(result), flush=True)
        app.quit()

    stage.go = go
    stage.finish = finish
    stage.publish = server.publish

    def read_commands() -> None:
        for line in sys.stdin:
            stage.command.emit(line.strip())
        stage.command.emit("stop")

    threading.Thread(target=read_commands, name="commands", daemon=True).start()
    stage.start()
    print("READY " + json.dumps(target), flush=True)
    app.exec()


# ============================================================== the load (another process)


async def load(target: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    import aiohttp

    out: dict[str, Any] = {"get_ms": [], "get_failed": 0, "posted": [], "post_failed": 0,
                           "ws_connected": 0, "ws_failed": 0, "ws_messages": 0, "push_ms": [],
                           "slow_cut": [], "slow_open": [], "slow_refused": 0}
    headers = target.get("headers", {})
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=20),
                                 timeout=aiohttp.ClientTimeout(total=10))
    sockets = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    print("GO", flush=True)
    start = time.monotonic()
    end = start + args.seconds

    async def get_one() -> None:
        began = time.monotonic()
        try:
            async with http.get(target["http"] + target["get"], headers=headers) as response:
                data = json.loads(await response.read())
                if response.status != 200 or "seq" not in data:
                    raise ValueError(response.status)
        except Exception:
            out["get_failed"] += 1
            return
        out["get_ms"].append((time.monotonic() - began) * 1000)

    async def gets() -> None:
        pending: set[asyncio.Task[None]] = set()
        i = 0
        while (at := start + i / args.get_rate) < end:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            task = asyncio.create_task(get_one())
            pending.add(task)
            task.add_done_callback(pending.discard)
            i += 1
        await asyncio.gather(*pending)

    async def posts() -> None:  # one at a time, so the kiosk's arrivals match by order
        i = 0
        while (at := start + i / args.post_rate) < end:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            i += 1
            sent = time.monotonic()
            try:
                async with http.post(target["http"] + target["post"], json={"sent": sent},
                                     headers=headers) as response:
                    await response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            if ok:
                out["posted"].append(sent)
            else:
                out["post_failed"] += 1

    async def watcher() -> None:
        try:
            async with sockets.ws_connect(target["ws"], origin=target.get("origin"),
                                          headers=target.get("ws_headers", {}),
                                          timeout=aiohttp.ClientWSTimeout(ws_close=1.0)) as ws:
                out["ws_connected"] += 1
                async for message in ws:
                    if message.type is not aiohttp.WSMsgType.TEXT:
                        continue
                    now = time.monotonic()
                    out["ws_messages"] += 1
                    sent = json.loads(message.data).get("state", {}).get("t")
                    if sent:
                        out["push_ms"].append((now - sent) * 1000)
        except asyncio.CancelledError:
            raise
        except Exception:
            out["ws_failed"] += 1

    async def slowloris() -> None:
        host, port = target["http"].removeprefix("http://").split(":")
        while time.monotonic() < end:
            opened = time.monotonic()
            try:
                reader, writer = await asyncio.open_connection(host, int(port))
            except OSError:
                out["slow_refused"] += 1
                await asyncio.sleep(1.0)
                continue
            writer.write(f"GET {target['get']} HTTP/1.1\r\nHost: {host}\r\nX-Drip: ".encode())
            answered = asyncio.ensure_future(reader.read(65536))
            cut = False
            try:
                while time.monotonic() < end and not cut:
                    writer.write(b"a")
                    await writer.drain()
                    await asyncio.wait({answered}, timeout=DRIP_SECONDS)
                    cut = answered.done()  # the server answered or closed
            except OSError:
                cut = True
            out["slow_cut" if cut else "slow_open"].append(time.monotonic() - opened)
            answered.cancel()
            with contextlib.suppress(Exception):
                answered.exception()
            writer.close()

    watchers = [asyncio.create_task(watcher()) for _ in range(args.clients)]
    drips = [asyncio.create_task(slowloris()) for _ in range(args.slowloris)]
    await asyncio.gather(gets(), posts())
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    out["seconds"] = time.monotonic() - start
    for task in watchers:
        task.cancel()
    await asyncio.gather(*watchers, *drips, return_exceptions=True)
    await http.close()
    await sockets.close()
    return out


def client(target: dict[str, Any], args: argparse.Namespace) -> None:
    out = asyncio.run(load(target, args))
    print("LOAD " + json.dumps(out), flush=True)


# ============================================================== the parent: runs and tables


def run(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """One candidate: its server process, then the load's, then both results."""
    with tempfile.TemporaryFile("w+") as errors:
        return run_with(name, args, errors)


def run_with(name: str, args: argparse.Namespace, errors: Any) -> dict[str, Any]:
    me = [sys.executable, str(Path(__file__).resolve())]
    common = ["--seconds", str(args.seconds), "--push-ms", str(args.push_ms)]
    server = subprocess.Popen([*me, "--serve", name, *common], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=errors, text=True)
    assert server.stdin is not None and server.stdout is not None
    try:
        first = server.stdout.readline().strip()
        if first.startswith("UNAVAILABLE "):
            return {"skipped": first.removeprefix("UNAVAILABLE ")}
        if not first.startswith("READY "):
            errors.seek(0)
            return {"skipped": "failed: " + (errors.read().strip().splitlines() or ["?"])[-1]}
        target = first.removeprefix("READY ")
        loader = subprocess.Popen(
            [*me, "--client", target, *common, "--clients", str(args.clients),
             "--get-rate", str(args.get_rate), "--post-rate", str(args.post_rate),
             "--slowloris", str(args.slowloris)],
            stdout=subprocess.PIPE, stderr=errors, text=True)
        assert loader.stdout is not None
        got: dict[str, Any] = {}
        for line in loader.stdout:
            if line.strip() == "GO":
                server.stdin.write("go\n")
                server.stdin.flush()
            elif line.startswith("LOAD "):
                got["load"] = json.loads(line.removeprefix("LOAD "))
        loader.wait(30)
        server.stdin.write("stop\n")
        server.stdin.flush()
        for line in server.stdout:
            if line.startswith("RESULT "):
                got["server"] = json.loads(line.removeprefix("RESULT "))
                break
        server.wait(15)
        if "load" not in got or "server" not in got:
            errors.seek(0)
            return {"skipped": "failed: " + (errors.read().strip().splitlines() or ["?"])[-1]}
        return got
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def installed(name: str) -> metadata.Distribution | None:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


def closure(root: str) -> list[metadata.Distribution]:
    """``root`` and what it needs here (installed requirements, extras left out)."""
    found: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        dist = installed(todo.pop())
        if dist is None or dist.metadata["Name"].lower() in found:
            continue
        found[dist.metadata["Name"].lower()] = dist
        for requirement in dist.requires or []:
            match = re.match(r"[A-Za-z0-9._-]+", requirement)
            if match and not re.search(r"extra\s*==", requirement):
                todo.append(match.group())
    return list(found.values())


def size_on_disk(dists: list[metadata.Distribution], only: str | None = None) -> int:
    total = 0
    for dist in dists:
        for file in dist.files or []:
            if only is not None and not re.search(only, str(file)):
                continue
            with contextlib.suppress(OSError):
                total += Path(str(file.locate())).stat().st_size
    return total


# The files QtHttpServer and QtWebSockets need beyond Essentials (what a frozen bundle takes).
QT_MODULE_FILES = r"(QtHttpServer|QtWebSockets)\.abi3\.so|libQt6(HttpServer|WebSockets)\.so"


def footprints() -> dict[str, str]:
    mb = 1024 * 1024
    notes: dict[str, str] = {}
    if installed("aiohttp") is not None:
        dists = closure("aiohttp")
        names = ", ".join(sorted(d.metadata["Name"] for d in dists))
        text = f"{size_on_disk(dists) / mb:.1f} MB installed ({names})"
        notes["aiohttp-thread"] = notes["kiosk-remote"] = text
    else:
        notes["aiohttp-thread"] = notes["kiosk-remote"] = "not installed (aiohttp)"
    addons = installed("PySide6-Addons")
    if addons is not None:
        notes["qt-gui"] = (f"{size_on_disk([addons]) / mb:.1f} MB installed (PySide6-Addons; "
                           f"the 2 modules + their 2 Qt libs alone: "
                           f"{size_on_disk([addons], QT_MODULE_FILES) / mb:.2f} MB)")
    else:
        notes["qt-gui"] = "not installed (PySide6-Addons)"
    if installed("websockets") is not None:
        dists = closure("websockets")
        notes["stdlib-threads"] = f"{size_on_disk(dists) / mb:.1f} MB installed (websockets)"
    else:
        notes["stdlib-threads"] = "not installed (websockets)"
    return notes


def cells(name: str, got: dict[str, Any], args: argparse.Namespace) -> list[str]:
    server, load = got["server"], got["load"]
    stall = server["stall"] or {"p50": 0.0, "p99": 0.0, "max": 0.0}
    latency = server["latency"]
    if name == "kiosk-remote":  # the kiosk's bridge has no send time: match POSTs by order
        pairs = zip(load["posted"], server["arrivals"], strict=False)
        latency = summary([(arrived - sent) * 1000 for sent, arrived in pairs])
    seconds = server["seconds"]
    counts = server["counts"]
    served = (counts.get("get", 0) + counts.get("post", 0)) / seconds
    asked = args.get_rate + args.post_rate
    get_ms = summary(load["get_ms"])
    expected = args.clients * load["seconds"] * 1000 / args.push_ms
    push = summary(load["push_ms"])
    if load["slow_cut"]:
        slow = f"cut {statistics.median(load['slow_cut']):.1f}s"
    elif load["slow_open"]:
        slow = f"held {max(load['slow_open']):.0f}s+"
    else:
        slow = "-"
    failed = load["get_failed"] + load["post_failed"] + load["ws_failed"]
    return [
        f"{stall['p50']:.2f}/{stall['p99']:.2f}/{stall['max']:.1f}",
        f"{server['long']} (worst at {server['worst_at']:.1f}s)",
        "-" if latency is None else f"{latency['p50']:.2f}/{latency['p99']:.2f}",
        f"{served:.1f}/{asked:g}",
        "-" if get_ms is None else f"{get_ms['p50']:.1f}/{get_ms['p99']:.1f}",
        f"{load['ws_connected']}/{args.clients}",
        f"{100 * load['ws_messages'] / expected:.0f}%" if expected else "-",
        "-" if push is None else f"{push['p50']:.1f}/{push['p99']:.1f}",
        slow,
        str(failed),
        f"{server['cpu']:.0f}",
        f"{server['rss_kb'] / 1024:.0f}/{server['hwm_kb'] / 1024:.0f}",
        str(server["threads"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="load per candidate")
    parser.add_argument("--clients", type=int, default=50, help="WebSocket clients")
    parser.add_argument("--get-rate", type=float, default=20.0, help="GET state per second")
    parser.add_argument("--post-rate", type=float, default=2.0, help="POST action per second")
    parser.add_argument("--slowloris", type=int, default=3, help="dripping connections")
    parser.add_argument("--push-ms", type=int, default=200, help="state pushed every (ms)")
    parser.add_argument("--only", default=",".join(CANDIDATES),
                        help="candidates, comma-separated: " + ", ".join(CANDIDATES))
    parser.add_argument("--serve", choices=CANDIDATES, help=argparse.SUPPRESS)
    parser.add_argument("--client", metavar="TARGET", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.push_ms)
        return
    if args.client:
        client(json.loads(args.client), args)
        return

    names = [n for n in args.only.split(",") if n]
    unknown = set(names) - set(CANDIDATES)
    if unknown:
        parser.error(f"unknown candidates: {', '.join(sorted(unknown))}")
    heads = ["stage stall ms p50/p99/max", "stalls>=16.7ms", "action ms p50/p99",
             "req/s served/asked", "GET ms p50/p99", "WS up", "WS msgs", "push ms p50/p99",
             "slowloris", "failed", "CPU %", "RSS/peak MB", "thr"]
    rows: list[tuple[str, list[str] | str]] = []
    for name in names:
        got = run(name, args)
        rows.append((name, got["skipped"] if "skipped" in got else cells(name, got, args)))
        time.sleep(1.0)
    widths = [max(len(h), *(len(r[i]) for _, r in rows if isinstance(r, list)))
              for i, h in enumerate(heads)]
    print(f"{'candidate':<15} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths,
                                                                      strict=True)))
    for name, row in rows:
        if isinstance(row, str):
            print(f"{name:<15} {row}")
        else:
            print(f"{name:<15} " + " ".join(f"{c:>{w}}" for c, w in zip(row, widths,
                                                                      strict=True)))
    print()
    print(f"{'candidate':<15} {'what it is':<34} footprint")
    notes = footprints()
    for name in names:
        print(f"{name:<15} {LABELS[name]:<34} {notes[name]}")
    print()
    import PySide6

    aiohttp = installed("aiohttp")
    print(f"(load per candidate: {args.seconds:g} s, {args.clients} WebSocket clients, a state "
          f"pushed every {args.push_ms} ms, {args.get_rate:g} GET/s + {args.post_rate:g} "
          f"POST/s open loop, {args.slowloris} slowloris connections dripping a byte every "
          f"{DRIP_SECONDS:g} s, from another process; stall = gaps of a {PROBE_MS} ms QTimer "
          f"on the GUI thread minus {PROBE_MS} ms; action = client send -> slot on the GUI "
          f"thread; WS msgs = delivered / clients x seconds / push interval; slowloris = when the "
          f"server cut a dripping connection, or how long it held it; CPU, RSS (at the end "
          f"and peak) and threads are the server process's)")
    print(f"({os.cpu_count()} cores, {len(os.sched_getaffinity(0))} usable, "
          f"{platform.platform()}, {os.environ.get('QT_QPA_PLATFORM')} platform, "
          f"Python {sys.version.split()[0]}, PySide6 {PySide6.__version__}, aiohttp "
          f"{aiohttp.version if aiohttp is not None else 'not installed'})")


if __name__ == "__main__":
    main()
