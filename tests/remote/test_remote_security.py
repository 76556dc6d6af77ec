"""The remote is safe by default: nothing without a session, pairing codes used once and
locked out when guessed, revoking takes effect at once, a foreign page cannot open the live
connection, a controller's token and a phone's cookie never stand in for each other, and a
hostile client (huge body, slowloris, garbage frames) is cut off while the stage keeps
running. All against the real server on 127.0.0.1, driving a real kiosk."""

from __future__ import annotations

import base64
import json
import os
import socket
import time

import pytest
import requests

from kiosk.core.actions import Action
from kiosk.core.director import Scene
from kiosk.core.remote import (
    REMOTE_ACTIONS,
    TRIES_PER_SOURCE,
    Kind,
)
from kiosk.remote.server import COOKIE, MAX_BODY, REQUEST_SECONDS

PROTECTED = [("GET", "/api/state"), ("POST", "/api/actions/live"), ("POST", "/api/message"),
             ("GET", "/api/thumbnail"), ("GET", "/ws"), ("POST", "/api/logout")]
PUBLIC = ["/", "/remote.js", "/remote.css"]


class Socket:
    """A raw WebSocket client connection: just enough to test what the server does with
    what a browser would never send."""

    def __init__(self, port: int, cookie: str | None, origin: str | None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET /ws HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                 "Sec-WebSocket-Version: 13"]
        if origin:
            lines.append(f"Origin: {origin}")
        if cookie:
            lines.append(f"Cookie: {COOKIE}={cookie}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buffer += chunk
        self.head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")

    def opened(self) -> bool:
        return self.head.startswith(b"HTTP/1.1 101")

    def status(self) -> int:
        return int(self.head.split(b" ", 2)[1]) if self.head else 0

    def _exactly(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def frame(self) -> tuple[int, bytes]:
        """One unmasked server frame: (opcode, payload)."""
        first, second = self._exactly(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(self._exactly(2), "big")
        elif length == 127:
            length = int.from_bytes(self._exactly(8), "big")
        return first & 0x0F, self._exactly(length)

    def frames_until_closed(self) -> list[tuple[int, bytes]]:
        frames: list[tuple[int, bytes]] = []
        try:
            while True:
                frames.append(self.frame())
                if frames[-1][0] == 8:
                    break
        except (ConnectionError, TimeoutError, OSError):
            pass
        return frames

    def close(self) -> None:
        self.sock.close()


def test_without_a_session_every_route_but_the_page_and_pairing_is_401(hall):
    h = hall()
    phone = h.phone()
    for method, path in PROTECTED:
        answer = phone.request(method, h.url(path), json={}, timeout=5)
        assert answer.status_code == 401, (method, path, answer.status_code)
    for path in PUBLIC:
        answer = phone.get(h.url(path), timeout=5)
        assert answer.status_code == 200, path
        assert answer.headers["X-Frame-Options"] == "DENY"
    # A made-up cookie or bearer token is no session either.
    phone.cookies.set(COOKIE, "made-up")
    assert phone.get(h.url("/api/state"), timeout=5).status_code == 401
    assert requests.get(h.url("/api/state"), headers={"Authorization": "Bearer made-up"},
                        timeout=5).status_code == 401


def test_a_paired_phone_switches_the_scene_and_the_log_says_it_came_from_the_remote(
        qtbot, hall):
    h = hall("18:10")
    phone = h.paired()
    state = phone.get(h.url("/api/state"), timeout=5).json()
    assert state["kind"] == "control" and state["scene"] == "live"
    assert [a["name"] for a in state["actions"]] == [a.value for a in REMOTE_ACTIONS]
    assert phone.post(h.url("/api/actions/slides"), timeout=5).status_code == 200
    qtbot.waitUntil(lambda: h.kiosk.view.scene is Scene.SLIDES, timeout=3000)
    assert any(r["action"] == "slides" and r.get("by") == "remote"
               for r in h.events("action"))
    assert phone.post(h.url("/api/message"), json={"text": "Tea in the foyer"},
                      timeout=5).status_code == 200
    qtbot.waitUntil(lambda: h.kiosk.view.scene is Scene.MESSAGE, timeout=3000)
    assert h.kiosk.state.message == "Tea in the foyer"
    # What a phone may not do from the hall: quit the kiosk, for one.
    for name in ("quit", "operator", "nonsense"):
        assert phone.post(h.url(f"/api/actions/{name}"), timeout=5).status_code == 404
    assert not h.kiosk._quitting


def test_a_code_pairs_once(hall):
    h = hall()
    code = h.remote.code(Kind.CONTROL)
    first = h.phone().post(h.url("/api/pair"), json={"code": code}, timeout=5)
    assert first.status_code == 200 and COOKIE in first.cookies
    again = h.phone().post(h.url("/api/pair"), json={"code": code}, timeout=5)
    assert again.status_code == 403
    assert h.remote.code(Kind.CONTROL) != code


def test_wrong_codes_lock_the_sender_out_even_for_the_right_code(hall):
    h = hall()
    right = h.remote.code(Kind.CONTROL)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    phone = h.phone()
    answers = [phone.post(h.url("/api/pair"), json={"code": wrong}, timeout=5)
               for _ in range(TRIES_PER_SOURCE)]
    assert [a.status_code for a in answers] == [403] * (TRIES_PER_SOURCE - 1) + [429]
    assert [a.json().get("tries_left") for a in answers[:-1]] == list(
        range(TRIES_PER_SOURCE - 1, 0, -1))
    assert answers[-1].json()["retry_after"] >= 60
    locked = phone.post(h.url("/api/pair"), json={"code": h.remote.code(Kind.CONTROL)},
                        timeout=5)
    assert locked.status_code == 429
    assert phone.get(h.url("/api/state"), timeout=5).status_code == 401


def test_a_revoked_phone_stops_at_once_and_its_live_connection_is_told_and_closed(qtbot, hall):
    h = hall()
    phone = h.paired(name="Back of the hall")
    cookie = phone.cookies[COOKIE]
    ws = Socket(h.remote.port, cookie, h.base)
    assert ws.opened(), ws.head
    opcode, payload = ws.frame()
    assert opcode == 1 and json.loads(payload)["type"] == "state"
    entry = next(p for p in h.remote.paired() if p.name == "Back of the hall")
    h.remote.revoke(entry.id)
    assert phone.get(h.url("/api/state"), timeout=5).status_code == 401
    assert phone.post(h.url("/api/actions/live"), timeout=5).status_code == 401
    frames = ws.frames_until_closed()
    ws.close()
    texts = [json.loads(p) for op, p in frames if op == 1]
    assert {"type": "revoked"} in texts
    assert frames and frames[-1][0] == 8  # a close frame


def test_a_live_connection_from_another_sites_page_is_refused(hall):
    h = hall()
    cookie = h.paired().cookies[COOKIE]
    for origin in ("http://evil.example", f"http://127.0.0.1:{h.remote.port + 1}", None,
                   "null"):
        ws = Socket(h.remote.port, cookie, origin)
        ws.close()
        assert ws.status() == 403, (origin, ws.head[:40])
    ws = Socket(h.remote.port, cookie, h.base)
    ws.close()
    assert ws.opened()


def test_a_controllers_token_and_a_phones_cookie_never_stand_in_for_each_other(qtbot, hall):
    h = hall()
    token = h.remote.new_controller_token("Stream Deck")
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(h.url("/api/state"), headers=bearer, timeout=5).status_code == 200
    assert requests.post(h.url("/api/actions/blackout"), headers=bearer,
                         timeout=5).status_code == 200
    qtbot.waitUntil(lambda: h.kiosk.view.scene is Scene.BLACKOUT, timeout=3000)
    # The token as a cookie: no page session; and no live connection with it.
    as_cookie = h.phone()
    as_cookie.cookies.set(COOKIE, token)
    assert as_cookie.get(h.url("/api/state"), timeout=5).status_code == 401
    ws = Socket(h.remote.port, token, h.base)
    ws.close()
    assert ws.status() == 401
    # A phone's cookie as a bearer token: refused.
    cookie = h.paired().cookies[COOKIE]
    assert requests.get(h.url("/api/state"), headers={"Authorization": f"Bearer {cookie}"},
                        timeout=5).status_code == 401


def test_a_watch_only_screen_sees_but_cannot_act(qtbot, hall):
    h = hall()
    screen = h.paired(Kind.OBSERVE, name="Speaker")
    state = screen.get(h.url("/api/state"), timeout=5).json()
    assert state["kind"] == "observe" and state["actions"] == []
    assert screen.post(h.url("/api/actions/blackout"), timeout=5).status_code == 403
    assert screen.post(h.url("/api/message"), json={"text": "hi"}, timeout=5).status_code == 403
    qtbot.wait(200)
    assert h.kiosk.view.scene is Scene.LIVE


def test_no_token_or_code_is_written_anywhere(qtbot, hall, tmp_path):
    """Not in the remote's settings, not in the event log, not in the diagnostics bundle."""
    import zipfile

    from kiosk.doctor import write_bundle

    h = hall()
    code = h.remote.code(Kind.CONTROL)
    phone = h.phone()
    phone.post(h.url("/api/pair"), json={"code": code}, timeout=5)
    cookie = phone.cookies[COOKIE]
    token = h.remote.new_controller_token("Deck")
    requests.post(h.url("/api/actions/slides"), headers={"Authorization": f"Bearer {token}"},
                  timeout=5)
    qtbot.waitUntil(lambda: h.kiosk.view.scene is Scene.SLIDES, timeout=3000)
    written = "".join(p.read_text(encoding="utf-8", errors="replace")
                      for p in [*h.folder.rglob("*"), h.log_path] if p.is_file())
    assert written and "sha256" in written
    target = tmp_path / "diag.zip"
    write_bundle(target, report="doctor", versions={}, config_path=None)
    with zipfile.ZipFile(target) as archive:
        assert f"logs/{h.log_path.name}" in archive.namelist()
        bundled = b"".join(archive.read(name) for name in archive.namelist())
    assert b'"by": "remote"' in bundled or b'"by":"remote"' in bundled
    for secret in (code, cookie, token):
        assert secret not in written and secret.encode() not in bundled


def test_phones_stay_paired_over_a_restart_and_the_remote_stays_on(qtbot, hall):
    from kiosk.remote.service import Remote

    h = hall()
    cookie = h.paired().cookies[COOKIE]
    port = h.remote.port
    h.remote.stop()
    again = Remote(h.kiosk, folder=h.folder, addresses=lambda: ["127.0.0.1"])
    try:
        assert again.enabled and again.port == port
        phone = requests.Session()
        phone.cookies.set(COOKIE, cookie)
        assert phone.get(f"http://127.0.0.1:{port}/api/state", timeout=5).status_code == 200
    finally:
        again.stop()


def test_an_oversized_body_is_refused_and_the_stage_keeps_running(qtbot, hall):
    h = hall()
    phone = h.paired()
    answer = phone.post(h.url("/api/message"), data=b"x" * (MAX_BODY * 4),
                        headers={"Content-Type": "application/json"}, timeout=5)
    assert answer.status_code == 413
    too_long = phone.post(h.url("/api/message"), json={"text": "x" * 5000}, timeout=5)
    assert too_long.status_code == 400
    assert phone.get(h.url("/api/state"), timeout=5).status_code == 200


def test_a_slowloris_client_is_cut_off_and_the_stage_never_waits(qtbot, hall):
    h = hall()
    ticks = []
    h.kiosk.view_changed.connect(lambda _view: ticks.append(time.monotonic()))
    sock = socket.create_connection(("127.0.0.1", h.remote.port), timeout=1)
    sock.sendall(b"GET /api/state HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    closed_after = None
    while time.monotonic() - started < REQUEST_SECONDS * 3:
        qtbot.wait(500)
        try:
            sock.sendall(b"X-Slow: 1\r\n")
            sock.setblocking(False)
            try:
                if sock.recv(1024) == b"":
                    closed_after = time.monotonic() - started
                    break
            except BlockingIOError:
                pass
            finally:
                sock.setblocking(True)
        except OSError:
            closed_after = time.monotonic() - started
            break
    sock.close()
    assert closed_after is not None and closed_after <= REQUEST_SECONDS + 1.5
    # The kiosk refreshed about every second while the client dripped.
    assert len(ticks) >= int(closed_after) - 1
    assert h.paired().get(h.url("/api/state"), timeout=5).status_code == 200


@pytest.mark.parametrize("garbage", [
    b"\xff\xff\xff\xff\xff\xff",                      # a reserved opcode, unmasked
    b"\x81\x7f" + (2**40).to_bytes(8, "big"),         # a 1 TB frame announced
    b"\x81\x05hello",                                # a client frame without a mask
])
def test_malformed_frames_close_the_connection_and_nothing_else(qtbot, hall, garbage):
    h = hall()
    phone = h.paired()
    ws = Socket(h.remote.port, phone.cookies[COOKIE], h.base)
    assert ws.opened()
    ws.frame()  # the state
    ws.sock.sendall(garbage)
    started = time.monotonic()
    ws.frames_until_closed()
    ws.close()
    # Closed by the server, not by the client's five-second timeout.
    assert time.monotonic() - started < 4
    assert phone.post(h.url("/api/actions/slides"), timeout=5).status_code == 200
    qtbot.waitUntil(lambda: h.kiosk.view.scene is Scene.SLIDES, timeout=3000)
    assert Action.SLIDES in REMOTE_ACTIONS


def test_a_phones_cookie_acts_only_from_the_remotes_own_page(qtbot, hall):
    """A page on another site (or another port of this PC) that posts to the kiosk gets the
    phone's cookie sent along by the browser, but not its say."""
    h = hall("18:10")
    cookie = h.paired().cookies[COOKIE]
    for origin in ("http://evil.example", f"http://127.0.0.1:{h.remote.port + 1}", "null",
                   None):
        stranger = requests.Session()
        stranger.cookies.set(COOKIE, cookie)
        headers = {"Origin": origin} if origin else {}
        answer = stranger.post(h.url("/api/actions/blackout"), headers=headers, timeout=5)
        assert answer.status_code == 401, origin
    qtbot.wait(200)
    assert h.kiosk.view.scene is Scene.LIVE
    # Reading the state is harmless and allowed (the page loads it before any action).
    reader = requests.Session()
    reader.cookies.set(COOKIE, cookie)
    assert reader.get(h.url("/api/state"), timeout=5).status_code == 200


async def _guarded(address: str) -> int:
    """What the remote's guard answers a request from ``address`` (aiohttp's own request
    object, the peer address as the operating system would give it)."""
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    from kiosk.core.remote import Pairing, Sessions
    from kiosk.remote.server import RemoteServer

    server = RemoteServer(mock.Mock(), Sessions(), Pairing())
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (address, 50000) if name == "peername" else default)
    request = make_mocked_request("GET", "/api/state", transport=transport)

    async def handler(request):
        return await server._get_state(request)

    try:
        response = await server._guard(request, handler)
    except Exception as refused:  # an HTTP exception is aiohttp's way to answer
        return int(getattr(refused, "status", 0))
    return response.status


@pytest.mark.parametrize("address, status", [
    ("8.8.8.8", 403), ("2001:4860::8888", 403), ("100.64.0.1", 403),
    ("192.168.1.7", 401), ("10.0.0.3", 401), ("::ffff:192.168.1.7", 401), ("127.0.0.1", 401),
])
def test_a_request_from_outside_the_halls_network_is_refused_before_anything_else(
        address, status):
    import asyncio

    assert asyncio.run(_guarded(address)) == status
