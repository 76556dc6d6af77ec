"""The remote's server: aiohttp on its own thread and asyncio loop, never the GUI thread's.

Why aiohttp in a thread (bench/server_choice.py measures the candidates under 50 live pages,
22 requests/s and slowloris clients): on the stage they all tie in the steady state (GUI
stall p99 about 1 ms). Qt's own QHttpServer/QWebSocketServer are only in the PySide6-Addons
wheel (167 MB, against about 3 MB of wheels for aiohttp), froze the GUI thread for about
80 ms at the first connection (Qt loads its TLS backend there), held slowloris connections
for ever, and PySide6 6.11's ``QHttpServer.route`` keeps no reference to its callback (a
lambda route crashes). The standard library's ThreadingHTTPServer with ``websockets`` also
holds slowloris connections and takes a thread per connection. aiohttp cuts a dripping
client after ``REQUEST_SECONDS``. Here the stage never waits on a client: an action reaches
the GUI thread as a queued call (``Bridge.act``) and the GUI thread hands the server each
new state with ``publish``, which returns at once.

Safe by default: every route but the page itself and the pairing answer needs a session;
a connection from outside the hall's network is refused; bodies are small and capped;
a request must be complete within ``REQUEST_SECONDS`` (the slowloris client is cut off);
a WebSocket must come from the page's own origin; a client that does not read its updates
is dropped, never waited for; nothing a client sends is logged, and no token or code is
ever written anywhere (only SHA-256 digests are kept).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from aiohttp import WSMsgType, web

from kiosk.core.actions import Action
from kiosk.core.remote import (
    REMOTE_ACTIONS,
    Kind,
    Paired,
    Pairing,
    Refused,
    Sessions,
    allowed_source,
    now_utc,
    origin_allowed,
)

PAGE_DIR = Path(__file__).with_name("page")
COOKIE = "wpk_session"
# The largest request body taken (a message for the hall, a pairing code).
MAX_BODY = 16 * 1024
MAX_MESSAGE = 500
# A request's headers must be in within this; an idle keep-alive connection ends after it.
REQUEST_SECONDS = 5.0
# More live connections than this are refused (a hall has a few volunteers and screens).
MAX_SOCKETS = 200
# Open connections of any kind, in all and from one address of the hall's network (this PC
# itself is not counted per address): more are closed as they come, before a byte is read,
# so no client can use up the descriptors libVLC, the logs and the settings need.
MAX_CONNECTIONS = 300
MAX_PER_SOURCE = 24
# A WebSocket client that has not taken an update within this is dropped.
SEND_SECONDS = 5.0
HEARTBEAT_SECONDS = 20.0
MAX_FRAME = 4096
STATIC = {"/remote.js": ("remote.js", "text/javascript"),
          "/remote.css": ("remote.css", "text/css"),
          "/icon.svg": ("icon.svg", "image/svg+xml")}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
SESSION_KINDS = (Kind.CONTROL, Kind.OBSERVE)
ACTING_KINDS = (Kind.CONTROL, Kind.API)

log = logging.getLogger(__name__)
# aiohttp's own loggers quote a malformed request's raw header lines (a cookie, a bearer
# token) when they report it: their records lose those details here, and a client that
# keeps sending them cannot fill the logs.
AIOHTTP_LOGGERS = ("aiohttp.server", "aiohttp.web", "aiohttp.websocket", "aiohttp.access",
                   "aiohttp.internal")
WITHHELD_PER_MINUTE = 10


class Bridge(Protocol):
    """What the server asks of the kiosk; called on the server's thread, so each must only
    queue the work for the GUI thread (a Qt signal does)."""

    def act(self, action: Action, who: Paired) -> None: ...

    def say(self, text: str, who: Paired) -> None: ...

    def changed(self) -> None: ...


@dataclass(eq=False)
class _Client:
    socket: web.WebSocketResponse
    who: Paired
    queue: asyncio.Queue[str]


class RemoteServer:
    """The remote, served on ``addresses`` at ``port`` until ``stop``."""

    def __init__(self, bridge: Bridge, sessions: Sessions, pairing: Pairing, *,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self.bridge = bridge
        self.sessions = sessions
        self.pairing = pairing
        self.clock = clock
        self.lock = threading.Lock()  # sessions and pairing, shared with the GUI thread
        self.listening: tuple[str, ...] = ()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._clients: set[_Client] = set()
        self._tasks: set[asyncio.Future[None]] = set()
        self._state: dict[str, Any] = {}
        self._thumbnail = b""
        self._thumbnail_version = 0
        self._language = "en"
        self._words: dict[str, str] = {}
        self._page = ""
        self._stopped = threading.Event()

    # ---------------------------------------------------------------- the GUI thread's side

    def start(self, addresses: Iterable[str], port: int) -> list[str]:
        """Listen on each of ``addresses`` at ``port``; the problems (an address or the port
        taken). Returns once the server listens (or has failed to)."""
        self._page = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
        ready = threading.Event()
        problems: list[str] = []
        wanted = tuple(addresses)

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                problems.extend(loop.run_until_complete(self._serve(wanted, port)))
            except Exception as error:  # any failure is the host's to read
                problems.append(f"the remote could not start: {error}")
            ready.set()
            if self.listening:
                loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()
            self._stopped.set()

        self._thread = threading.Thread(target=run, name="remote", daemon=True)
        self._thread.start()
        ready.wait(10.0)
        return problems

    def stop(self) -> None:
        """Stop listening and close every connection (waits up to a few seconds)."""
        loop = self._loop
        if loop is None or self._thread is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.stop)
        self._thread.join(5.0)
        self._loop = None
        self.listening = ()

    @property
    def running(self) -> bool:
        return bool(self.listening) and self._loop is not None

    def publish(self, state: dict[str, Any]) -> None:
        """A new state for every client (returns at once)."""
        self._call(self._set_state, state)

    def publish_thumbnail(self, jpeg: bytes) -> None:
        """A new picture of what the hall sees (JPEG bytes; returns at once)."""
        self._call(self._set_thumbnail, jpeg)

    def publish_words(self, language: str, words: dict[str, str]) -> None:
        """The page's words in the kiosk's language (before ``start`` too)."""
        if self._loop is None:
            self._set_words(language, words)  # no server thread yet: nothing to race
        else:
            self._call(self._set_words, language, words)

    def clients(self) -> int:
        """How many pages are connected for live updates."""
        return len(self._clients)

    def code(self, kind: Kind) -> str:
        with self.lock:
            return self.pairing.code(kind, self.clock())

    def paired(self) -> tuple[Paired, ...]:
        with self.lock:
            return self.sessions.all()

    def new_token(self, kind: Kind, name: str) -> tuple[str, Paired]:
        """A session made in the host's window (a controller's bearer token)."""
        with self.lock:
            return self.sessions.new(kind, name, self.clock())

    def revoke(self, entry_id: str) -> Paired | None:
        """End a session at once: its requests get 401 and its live connections close."""
        with self.lock:
            gone = self.sessions.revoke(entry_id)
        if gone is not None:
            self._call(self._drop_sessions, gone.hashed)
        return gone

    def _call(self, function: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # closing
                loop.call_soon_threadsafe(function, *args)

    # ---------------------------------------------------------------- the server's thread

    async def _serve(self, addresses: tuple[str, ...], port: int) -> list[str]:
        app = web.Application(client_max_size=MAX_BODY,
                              middlewares=[self._guard])
        app.router.add_get("/", self._index)
        for route in STATIC:
            app.router.add_get(route, self._static)
        app.router.add_post("/api/pair", self._pair)
        app.router.add_post("/api/logout", self._logout)
        app.router.add_get("/api/state", self._get_state)
        app.router.add_post("/api/actions/{action}", self._action)
        app.router.add_post("/api/message", self._message)
        app.router.add_get("/api/thumbnail", self._get_thumbnail)
        app.router.add_get("/ws", self._socket)
        # No access log: nothing a client sends (a cookie, a code) is ever written down.
        self._runner = web.AppRunner(app, access_log=None, keepalive_timeout=REQUEST_SECONDS,
                                     handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        assert self._runner.server is not None
        _cap_connections(self._runner.server)
        problems, listening = [], []
        for address in addresses:
            site = web.TCPSite(self._runner, address, port)
            try:
                await site.start()
            except OSError as error:
                problems.append(f"{address}:{port}: {error.strerror or error}")
                continue
            listening.append(address)
        self.listening = tuple(listening)
        self.port = port
        return problems

    async def _shutdown(self) -> None:
        for client in list(self._clients):
            with contextlib.suppress(Exception):
                await client.socket.close()
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await self._runner.cleanup()

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not allowed_source(request.remote):
            # Not from the hall's network: no page, no hint of what is here.
            raise web.HTTPForbidden(text="")
        if request.path == "/ws":
            # A live connection lasts; it is checked by its heartbeat instead.
            return await handler(request)
        try:
            async with asyncio.timeout(REQUEST_SECONDS * 2):
                response = await handler(request)
        except TimeoutError:
            return _error(408, "the request took too long")
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "too large")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _session(self, request: web.Request, kinds: Iterable[Kind]) -> Paired | None:
        """The session a request carries: a phone's cookie, or a controller's bearer token
        (each only as its own kind)."""
        wanted = set(kinds)
        cookie = request.cookies.get(COOKIE)
        bearer = request.headers.get("Authorization", "")
        token: str | None = None
        accept: set[Kind] = set()
        if bearer.startswith("Bearer "):
            token, accept = bearer[7:].strip(), wanted & {Kind.API}
        elif cookie and (request.method == "GET"
                         or origin_allowed(request.headers.get("Origin"), request.host)):
            # A browser sends its cookie with a form another page posts here; it also says
            # which page that was: only the remote's own page may act with a phone's cookie.
            token, accept = cookie, wanted & set(SESSION_KINDS)
        if not token or not accept:
            return None
        now = self.clock()
        with self.lock:
            who = self.sessions.check(token, accept, now)
            if who is not None:
                self.sessions.seen(who, now)
        return who

    async def _index(self, request: web.Request) -> web.Response:
        words = json.dumps(self._words, ensure_ascii=False).replace("</", "<\\/")
        text = self._page.replace("{{LANG}}", self._language).replace("{{WORDS}}", words)
        return web.Response(text=text, content_type="text/html", charset="utf-8")

    async def _static(self, request: web.Request) -> web.Response:
        name, kind = STATIC[request.path]
        path = PAGE_DIR / name
        if not path.is_file():
            raise web.HTTPNotFound()
        return web.Response(body=path.read_bytes(), content_type=kind,
                            charset="utf-8" if kind.startswith("text") else None)

    async def _pair(self, request: web.Request) -> web.Response:
        origin = request.headers.get("Origin")
        if request.content_type != "application/json" or (
                origin is not None and not origin_allowed(origin, request.host)):
            # Another site's page can post a form here without asking (JSON it cannot), to
            # lock the hall's phones out or wear the codes down: only the remote's own page,
            # or a program that says it sends JSON, pairs.
            return _error(415 if origin is None else 403, "not from the remote's own page")
        body = await _json_body(request)
        code = str(body.get("code", ""))
        name = str(body.get("name", ""))
        now = self.clock()
        with self.lock:
            codes = self.pairing.generation
            outcome = self.pairing.redeem(code, request.remote or "", now)
            if isinstance(outcome, Refused):
                paired = None
            else:
                token, paired = self.sessions.new(outcome, name, now)
            renewed = self.pairing.generation != codes
        if paired is not None or renewed:
            # The host's window redraws for a new phone or new codes, not for each wrong try.
            self.bridge.changed()
        if isinstance(outcome, Refused):
            if outcome.reason == "locked":
                return _error(429, self._words.get("pair_locked", "Too many wrong codes"),
                              retry_after=outcome.retry_after)
            return _error(403, self._words.get("pair_wrong", "That code is not right"),
                          tries_left=outcome.tries_left)
        assert paired is not None
        response = web.json_response({"kind": paired.kind.value, "name": paired.name})
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/",
                            max_age=2 * 24 * 3600)
        return response

    async def _logout(self, request: web.Request) -> web.Response:
        who = self._session(request, SESSION_KINDS)
        if who is None:
            return _error(401, "not paired")
        self.revoke(who.id)
        self.bridge.changed()
        response = web.json_response({"ok": True})
        response.del_cookie(COOKIE, path="/")
        return response

    async def _get_state(self, request: web.Request) -> web.Response:
        who = self._session(request, (*SESSION_KINDS, Kind.API))
        if who is None:
            return _error(401, "not paired")
        return web.json_response(self._state_for(who))

    async def _action(self, request: web.Request) -> web.Response:
        who = self._session(request, (*SESSION_KINDS, Kind.API))
        if who is None:
            return _error(401, "not paired")
        if who.kind not in ACTING_KINDS:
            return _error(403, "this screen only watches")
        try:
            action = Action(request.match_info["action"])
        except ValueError:
            return _error(404, "no such action")
        if action not in REMOTE_ACTIONS:
            return _error(404, "no such action")
        self.bridge.act(action, who)
        return web.json_response({"ok": True, "action": action.value})

    async def _message(self, request: web.Request) -> web.Response:
        who = self._session(request, (*SESSION_KINDS, Kind.API))
        if who is None:
            return _error(401, "not paired")
        if who.kind not in ACTING_KINDS:
            return _error(403, "this screen only watches")
        body = await _json_body(request)
        text = body.get("text", "")
        if not isinstance(text, str) or len(text) > MAX_MESSAGE:
            return _error(400, f"a message is text of at most {MAX_MESSAGE} characters")
        self.bridge.say(" ".join(text.split()), who)
        return web.json_response({"ok": True})

    async def _get_thumbnail(self, request: web.Request) -> web.Response:
        who = self._session(request, (*SESSION_KINDS, Kind.API))
        if who is None:
            return _error(401, "not paired")
        if not self._thumbnail:
            return _error(404, "no picture yet")
        return web.Response(body=self._thumbnail, content_type="image/jpeg")

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        who = self._session(request, SESSION_KINDS)
        if who is None:
            return _error(401, "not paired")
        if not origin_allowed(request.headers.get("Origin"), request.host):
            return _error(403, "not from the remote's own page")
        if len(self._clients) >= MAX_SOCKETS:
            return _error(503, "too many connections")
        socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=MAX_FRAME,
                                       compress=False)
        await socket.prepare(request)
        if not self._still_good(who):
            # Revoked while the connection was being opened: told, and closed.
            with contextlib.suppress(Exception):
                await socket.send_str(_message("revoked"))
                await socket.close()
            return socket
        client = _Client(socket, who, asyncio.Queue(maxsize=4))
        self._clients.add(client)
        sender = asyncio.create_task(self._send_loop(client))
        self._offer(client, _message("state", state=self._state_for(who)))
        try:
            async for message in socket:
                if message.type is not WSMsgType.TEXT or not _is_ping(message.data):
                    break
        finally:
            self._clients.discard(client)
            sender.cancel()
            with contextlib.suppress(Exception):
                await socket.close()
        return socket

    async def _send_loop(self, client: _Client) -> None:
        try:
            while True:
                text = await client.queue.get()
                async with asyncio.timeout(SEND_SECONDS):
                    await client.socket.send_str(text)
        except (TimeoutError, ConnectionError, RuntimeError):
            self._clients.discard(client)
            with contextlib.suppress(Exception):
                await client.socket.close()

    def _offer(self, client: _Client, text: str) -> None:
        """Queue ``text`` for ``client``; one that has fallen behind loses its oldest
        update (the newest state is what matters), never the server's time."""
        if client.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                client.queue.get_nowait()
        client.queue.put_nowait(text)

    def _state_for(self, who: Paired) -> dict[str, Any]:
        state = dict(self._state)
        state["kind"] = who.kind.value
        state["thumbnail"] = self._thumbnail_version
        if who.kind is Kind.OBSERVE:
            state["actions"] = []
        state.setdefault("actions", [])
        return state

    def _still_good(self, who: Paired) -> bool:
        with self.lock:
            return who.hashed in self.sessions.live(self.clock())

    def _set_state(self, state: dict[str, Any]) -> None:
        self._state = state
        with self.lock:
            live = self.sessions.live(self.clock())
        # One message per kind of session, not per page: fifty pages cost one encoding.
        texts: dict[Kind, str] = {}
        for client in list(self._clients):
            if client.who.hashed not in live:
                # Revoked or expired since it connected: it hears no more.
                self._drop_sessions(client.who.hashed)
                continue
            kind = client.who.kind
            if kind not in texts:
                texts[kind] = _message("state", state=self._state_for(client.who))
            self._offer(client, texts[kind])

    def _set_thumbnail(self, jpeg: bytes) -> None:
        self._thumbnail = jpeg
        self._thumbnail_version += 1
        text = _message("thumbnail", version=self._thumbnail_version)
        for client in list(self._clients):
            self._offer(client, text)

    def _set_words(self, language: str, words: dict[str, str]) -> None:
        self._language, self._words = language, words

    def _drop_sessions(self, hashed: str) -> None:
        for client in list(self._clients):
            if client.who.hashed == hashed:
                self._clients.discard(client)
                task = asyncio.ensure_future(self._revoked(client))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _revoked(self, client: _Client) -> None:
        with contextlib.suppress(Exception):
            await client.socket.send_str(_message("revoked"))
            await client.socket.close()


def _message(kind: str, **fields: Any) -> str:
    return json.dumps({"type": kind, **fields}, ensure_ascii=False)


def _error(status: int, text: str, **more: Any) -> web.Response:
    return web.json_response({"error": text, **more}, status=status)


async def _json_body(request: web.Request) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY,
                                            actual_size=request.content_length)
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _is_ping(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("type") == "ping"


def _cap_connections(server: web.Server) -> None:
    """Close a connection as it is made when it is from outside the hall's network, or
    beyond ``MAX_CONNECTIONS`` in all or ``MAX_PER_SOURCE`` from one address."""
    made, lost = server.connection_made, server.connection_lost
    sources: dict[Any, str] = {}
    per_source: dict[str, int] = {}

    def connection_made(handler: Any, transport: asyncio.Transport) -> None:
        peer = transport.get_extra_info("peername")
        source = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        counted = source not in ("127.0.0.1", "::1")
        if (not allowed_source(source) or len(sources) >= MAX_CONNECTIONS
                or (counted and per_source.get(source, 0) >= MAX_PER_SOURCE)):
            transport.abort()
            return
        sources[handler] = source
        if counted:
            per_source[source] = per_source.get(source, 0) + 1
        made(handler, transport)

    def connection_lost(handler: Any, exc: BaseException | None = None) -> None:
        source = sources.pop(handler, None)
        if source is not None and source in per_source:
            per_source[source] -= 1
            if per_source[source] <= 0:
                del per_source[source]
        lost(handler, exc)

    server.connection_made = connection_made  # type: ignore[method-assign]
    server.connection_lost = connection_lost  # type: ignore[method-assign]


class _Withheld(logging.Filter):
    """What aiohttp says about a bad request, without the request's own bytes (they may
    hold a session) and at most ``WITHHELD_PER_MINUTE`` times a minute."""

    def __init__(self) -> None:
        super().__init__()
        self._minute = 0
        self._count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        minute = int(record.created // 60)
        if minute != self._minute:
            self._minute, self._count = minute, 0
        self._count += 1
        if self._count > WITHHELD_PER_MINUTE:
            return False
        kind = type(record.exc_info[1]).__name__ if record.exc_info and record.exc_info[1] \
            else "a problem"
        record.msg = "the remote turned away a request it could not read (%s; details withheld)"
        record.args = (kind,)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def withhold_aiohttp_details() -> None:
    """Put ``_Withheld`` on aiohttp's loggers (once)."""
    for name in AIOHTTP_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Withheld) for f in logger.filters):
            logger.addFilter(_Withheld())


withhold_aiohttp_details()
