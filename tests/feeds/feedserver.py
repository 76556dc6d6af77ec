"""A loopback HTTP server for feed tests: routes whose behaviour a test switches at any time.

    server = FeedServer()                                 # 127.0.0.1, a port of its own
    url = server.route("/feed.json", body=b"{}", etag='"v1"')   # returns the route's URL
    server.route("/feed.json", status=500)                # replace a route's behaviour whole
    server.change("/feed.json", body=b"[]")               # or change some of it
    server.requests("/feed.json")                         # what arrived so far: [Request]
    server.wait_for(2, "/feed.json", finished=True)       # block until two were answered
    server.stop_listening()                               # connections refused on its port…
    server.listen_again()                                 # …until it listens there again
    server.close()                                        # prompt, even mid-drip or mid-delay
    refused_url()                                         # an address where nothing listens

A route (``Route``) answers GET with ``status`` and ``body`` (``content_type``), with an
``etag`` and/or ``last_modified`` validator, honouring If-None-Match and If-Modified-Since
with a real 304 (``rotate_etag``: a new ETag on every answer, same body); ``max_age`` sends
Cache-Control: max-age=N; ``headers`` adds any others. Faults: ``delay`` seconds before
answering at all, ``drip`` body bytes per second, ``cut_after`` bytes then the connection
closes (Content-Length still says the whole body), ``framing`` "length" (Content-Length),
"chunked" or "close" (no length: the body ends when the connection closes). An unknown path
answers 404. Every request is logged as a ``Request``: method, path, headers, the status
answered and the body bytes sent. The ``feed_server`` fixture (conftest.py) makes one per test.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

HOST = "127.0.0.1"
SOCKET_TIMEOUT = 5.0  # a handler never waits longer than this on a silent client
CLOSE_WAIT = 5.0  # close() waits at most this long for handlers to finish

Framing = Literal["length", "chunked", "close"]


def http_date(seconds: float) -> str:
    """An HTTP date (as in Last-Modified) for a Unix time."""
    return formatdate(seconds, usegmt=True)


def refused_url(path: str = "/feed.json") -> str:
    """An address on 127.0.0.1 where nothing listens (a port just bound and released)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    return f"http://{HOST}:{port}{path}"


@dataclass(frozen=True)
class Route:
    body: bytes = b""
    content_type: str = "application/json"
    status: int = 200
    etag: str | None = None  # with its quotes: '"v1"'
    rotate_etag: bool = False  # a new ETag on every answer, the body unchanged
    last_modified: str | None = None  # an HTTP date, see http_date()
    max_age: int | None = None  # Cache-Control: max-age=N
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before answering anything (close() cuts it short)
    drip: float | None = None  # body bytes per second
    cut_after: int | None = None  # send this many body bytes, then close the connection
    framing: Framing = "length"


@dataclass
class Request:
    """One request as the server saw it. ``status`` and ``sent`` are final once ``finished``."""

    method: str
    path: str
    headers: dict[str, str]
    status: int = 0
    sent: int = 0  # body bytes written to the socket
    finished: bool = False

    def header(self, name: str) -> str | None:
        """A request header, by case-insensitive name."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    @property
    def conditional(self) -> bool:
        return bool(self.header("If-None-Match") or self.header("If-Modified-Since"))


class FeedServer:
    """See the module docstring."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._log: list[Request] = []
        self._lock = threading.Condition()
        self._etag_counter = 0
        self.stopping = threading.Event()
        self.port = 0
        self._listen()

    def _listen(self) -> None:
        self._server = _Server((HOST, self.port), _Handler)
        self._server.feeds = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="feed-server",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.listening = True

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, **behaviour: Any) -> str:
        """Answer ``path`` as ``Route(**behaviour)`` from now on; returns its URL."""
        with self._lock:
            self._routes[path] = Route(**behaviour)
        return self.url(path)

    def change(self, path: str, **changes: Any) -> None:
        """Change some of a route's behaviour, keeping the rest."""
        with self._lock:
            self._routes[path] = dataclasses.replace(self._routes[path], **changes)

    def requests(self, path: str | None = None) -> list[Request]:
        """The requests received so far (for ``path``, or all), oldest first."""
        with self._lock:
            return [r for r in self._log if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, *, finished: bool = False,
                 timeout: float = 10.0) -> list[Request]:
        """Block until ``count`` requests (for ``path``) arrived, or were answered; all of them."""
        def ready() -> bool:
            seen = [r for r in self._log if path is None or r.path == path]
            return len(seen) >= count and (not finished or all(r.finished for r in seen))

        with self._lock:
            if not self._lock.wait_for(ready, timeout):
                raise TimeoutError(f"{count} requests for {path} not seen in {timeout} s: "
                                   f"{self._log}")
            return [r for r in self._log if path is None or r.path == path]

    def stop_listening(self) -> None:
        """The server goes down: its port refuses connections (answers under way are cut)
        until ``listen_again``. The routes and the request log stay."""
        if not self.listening or self.stopping.is_set():
            return
        self.listening = False
        self._server.shutdown()
        self._server.server_close()
        self._server.drop_connections()
        self._server.join_handlers(CLOSE_WAIT)

    def listen_again(self) -> None:
        """Back up, on the same port."""
        if not self.listening and not self.stopping.is_set():
            self._listen()

    def close(self) -> None:
        """Stop listening, wake every delayed or dripping handler and wait for them.

        Idempotent: a test may close early (connection refused from then on)."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        if self.listening:
            self._server.shutdown()
            self._server.server_close()
        self._server.drop_connections()
        self._server.join_handlers(CLOSE_WAIT)

    # ------------------------------------------------------------------ used by the handler

    def _received(self, request: Request) -> Route | None:
        with self._lock:
            self._log.append(request)
            self._lock.notify_all()
            return self._routes.get(request.path)

    def _next_etag(self) -> str:
        with self._lock:
            self._etag_counter += 1
            return f'"rotating-{self._etag_counter}"'

    def _update(self, request: Request, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(request, name, value)
            self._lock.notify_all()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    feeds: FeedServer

    def __init__(self, *args: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._handlers: set[threading.Thread] = set()
        self._track = threading.Lock()
        super().__init__(*args)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self._serve, args=(request, client_address),
                                  name="feed-server-handler", daemon=True)
        with self._track:
            self._connections.add(request)
            self._handlers.add(thread)
        thread.start()

    def _serve(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except OSError:
            pass  # the client went away; nothing to report
        finally:
            self.shutdown_request(request)
            with self._track:
                self._connections.discard(request)
                self._handlers.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-answer is what these tests are about

    def drop_connections(self) -> None:
        with self._track:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._track:
            handlers = list(self._handlers)
        for thread in handlers:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked answers, as real servers do
    timeout = SOCKET_TIMEOUT
    # Headers and body go out in separate writes; without this Nagle's algorithm meets the
    # client's delayed ACK and every full answer waits ~40 ms on loopback.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        feeds = self.server.feeds
        request = Request("GET", self.path.split("?", 1)[0], dict(self.headers.items()))
        route = feeds._received(request)
        if route is None:
            route = Route(body=b"not found", content_type="text/plain", status=404)
        if route.delay and feeds.stopping.wait(route.delay):
            self.close_connection = True
            feeds._update(request, finished=True)
            return
        try:
            self._answer(route, request)
        finally:
            feeds._update(request, finished=True)

    def _answer(self, route: Route, request: Request) -> None:
        feeds = self.server.feeds
        etag = feeds._next_etag() if route.rotate_etag else route.etag
        status = route.status
        if status == 200 and _not_modified(request, etag, route.last_modified):
            status = 304
        feeds._update(request, status=status)
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        if route.max_age is not None:
            self.send_header("Cache-Control", f"max-age={route.max_age}")
        for name, value in route.headers:
            self.send_header(name, value)
        if status == 304:
            self.end_headers()
            return
        body = route.body
        self.send_header("Content-Type", route.content_type)
        if route.framing == "length":
            self.send_header("Content-Length", str(len(body)))
        elif route.framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if route.cut_after is not None:
            body = body[:route.cut_after]
            self.close_connection = True
        for piece in _pieces(body, route.drip, feeds.stopping):
            data = b"%x\r\n%s\r\n" % (len(piece), piece) if route.framing == "chunked" else piece
            self.wfile.write(data)
            self.wfile.flush()
            feeds._update(request, sent=request.sent + len(piece))
        if feeds.stopping.is_set() and route.drip:
            self.close_connection = True
        elif route.framing == "chunked" and route.cut_after is None:
            self.wfile.write(b"0\r\n\r\n")


def _pieces(body: bytes, drip: float | None, stopping: threading.Event) -> Any:
    """The body in pieces: 64 KiB at once, or ``drip`` bytes per second until stopped."""
    if drip is None:
        for start in range(0, len(body), 65536):
            yield body[start:start + 65536]
        return
    tick = max(1.0 / drip, 0.05)
    size = max(1, round(drip * tick))
    for start in range(0, len(body), size):
        if start and stopping.wait(tick):
            return
        yield body[start:start + size]


def _not_modified(request: Request, etag: str | None, last_modified: str | None) -> bool:
    if_none_match = request.header("If-None-Match")
    if if_none_match is not None:  # it takes precedence over If-Modified-Since (RFC 9110)
        tags = [t.strip() for t in if_none_match.split(",")]
        return etag is not None and ("*" in tags or etag in tags)
    since = request.header("If-Modified-Since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
