"""What a hall's network may throw at the remote beyond the obvious: the remote switched off
and on again, another site's page posting to the pairing route, a malformed request quoting a
session in its headers, codes the pairing never made, and more connections than a hall has
phones. Against the real server on 127.0.0.1, driving a real kiosk."""

from __future__ import annotations

import logging
import re
import socket

import requests

from kiosk.core.remote import TRIES_PER_SOURCE, Kind
from kiosk.remote import server as server_module
from kiosk.remote.server import COOKIE


def _page_language(h) -> tuple[str, str]:
    page = requests.get(h.url("/"), timeout=5).text
    lang = re.search(r'<html lang="([^"]*)"', page)
    words = re.search(r'<script id="words" type="application/json">(.*?)</script>', page)
    return (lang.group(1) if lang else "", words.group(1) if words else "")


def test_switched_off_and_on_again_the_page_keeps_the_halls_language(hall):
    h = hall(lang=("be",))
    lang, words = _page_language(h)
    assert lang == "be" and len(words) > 100
    h.remote.set_enabled(False)
    h.remote.set_enabled(True)
    assert h.remote.enabled
    assert _page_language(h) == (lang, words)


def test_another_sites_page_cannot_wear_the_codes_down_or_lock_phones_out(qtbot, hall):
    h = hall()
    code = h.remote.code(Kind.CONTROL)
    for _ in range(3 * TRIES_PER_SOURCE):
        # What a form on any page can post here without asking: no JSON, a foreign Origin.
        answer = requests.post(h.url("/api/pair"), data='{"code": "000000"}',
                               headers={"Origin": "http://evil.example",
                                        "Content-Type": "text/plain"}, timeout=5)
        assert answer.status_code == 403
        answer = requests.post(h.url("/api/pair"), data={"code": "000000"}, timeout=5)
        assert answer.status_code == 415
    # Nothing counted: the code is the same and the phone next to it pairs at once.
    assert h.remote.code(Kind.CONTROL) == code
    phone = h.paired()
    assert COOKIE in phone.cookies


def test_wrong_codes_do_not_redraw_the_hosts_window_each_time(qtbot, hall):
    h = hall()
    redraws: list[int] = []
    h.remote.changed.connect(lambda: redraws.append(1))
    phone = h.phone()
    for typed in ("000000", "١٢٣٤٥٦", "12 34 5x"):  # wrong, Arabic-Indic digits, letters
        answer = phone.post(h.url("/api/pair"), json={"code": typed}, timeout=5)
        assert answer.status_code == 403 and "tries_left" in answer.json(), answer.text
    qtbot.wait(100)
    assert redraws == []
    h.paired()
    qtbot.waitUntil(lambda: len(redraws) >= 1, timeout=2000)


def test_a_malformed_request_never_puts_a_session_in_the_log(qtbot, hall, caplog):
    h = hall()
    token = h.remote.new_controller_token("Deck")
    cookie = h.paired().cookies[COOKIE]
    caplog.set_level(logging.DEBUG)
    for header in (f"Authorization: Bearer {token}\x01", f"Cookie: {COOKIE}={cookie}\x7f"):
        with socket.create_connection(("127.0.0.1", h.remote.port), timeout=5) as raw:
            raw.sendall(f"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n\r\n"
                        .encode("latin-1"))
            assert raw.recv(4096).split(b"\r\n", 1)[0].endswith(b" 400 Bad Request")
    qtbot.waitUntil(lambda: any(r.name.startswith("aiohttp") for r in caplog.records),
                    timeout=3000)
    said = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "details withheld" in said
    assert token not in said and cookie not in said


def _hold(port: int, source: str) -> socket.socket:
    held = socket.socket()
    held.bind((source, 0))
    held.settimeout(5)
    held.connect(("127.0.0.1", port))
    return held


def _cut_at_once(held: socket.socket) -> bool:
    """Whether the server closed the connection without reading a request."""
    held.settimeout(2)
    try:
        return held.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_one_address_cannot_hold_more_than_its_share_of_connections(hall):
    h = hall()
    port = h.remote.port
    held = [_hold(port, "127.0.0.2") for _ in range(server_module.MAX_PER_SOURCE)]
    try:
        extra = _hold(port, "127.0.0.2")
        assert _cut_at_once(extra)
        extra.close()
        # The kiosk's own address and the phones of the hall are served as ever.
        assert requests.get(h.url("/"), timeout=5).status_code == 200
    finally:
        for one in held:
            one.close()


def _serves(h) -> bool:
    try:
        return requests.get(h.url("/"), timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


def test_more_connections_than_a_hall_needs_are_closed_as_they_come(qtbot, hall, monkeypatch):
    h = hall()
    monkeypatch.setattr(server_module, "MAX_CONNECTIONS", 5)
    port = h.remote.port
    held = [_hold(port, "127.0.0.1") for _ in range(5)]
    extra = _hold(port, "127.0.0.1")
    assert _cut_at_once(extra)
    extra.close()
    assert not _cut_at_once(held[0])  # the ones let in are kept
    for one in held:
        one.close()
    # The closed ones are counted out as the server sees them go.
    qtbot.waitUntil(lambda: _serves(h), timeout=3000)
