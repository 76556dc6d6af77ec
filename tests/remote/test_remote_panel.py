"""The remote in the host's window: off by default, switched on and off there (and
remembered), the QR code and the code that pair a phone, the list of paired phones with
revoke, and a controller token with Bitfocus Companion's settings beside it."""

from __future__ import annotations

import json

import pytest
import requests
from PySide6.QtCore import Qt

from kiosk.core.director import Scene
from kiosk.core.remote import SETTINGS_FILE, Kind
from kiosk.operator.remotepanel import RemoteDialog, RemoteLine
from kiosk.operator.window import OperatorController
from kiosk.remote.service import Remote

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")


def test_the_remote_is_off_until_the_host_switches_it_on_and_that_is_remembered(
        qtbot, hall, tmp_path):
    h = hall()
    h.remote.set_enabled(False)
    operator = OperatorController(h.kiosk)
    qtbot.addWidget(operator.window)
    line = RemoteLine(operator.panel, h.remote)
    assert line.status.text() == "Remote: off"
    dialog = line.open()
    qtbot.addWidget(dialog)
    assert not dialog.switch.isChecked() and dialog.code.text() == ""
    assert dialog.qr.pixmap().isNull()
    port = h.remote.port
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)
        raise AssertionError("something still answers while the remote is off")
    except requests.ConnectionError:
        pass

    dialog.switch.click()
    assert h.remote.enabled
    assert json.loads((h.folder / SETTINGS_FILE).read_text())["enabled"] is True
    assert line.status.text().startswith("Remote: on")
    assert requests.get(f"http://127.0.0.1:{h.remote.port}/", timeout=5).status_code == 200

    dialog.switch.click()
    assert not h.remote.enabled
    assert json.loads((h.folder / SETTINGS_FILE).read_text())["enabled"] is False
    assert line.status.text() == "Remote: off"


def test_the_dialog_shows_the_code_and_its_qr_and_a_phone_it_pairs_can_be_revoked(
        qtbot, hall, monkeypatch):
    h = hall()
    # A PC on the hall's network (the server listens on it too; here only on the loopback):
    # the QR code sends phones to that address.
    monkeypatch.setattr(h.remote, "addresses", lambda: ("192.168.1.20",))
    dialog = RemoteDialog(h.remote)
    qtbot.addWidget(dialog)
    code = h.remote.code(Kind.CONTROL)
    assert dialog.code.text() == f"{code[:3]} {code[3:]}"
    assert not dialog.qr.pixmap().isNull()
    assert h.remote.url(Kind.CONTROL) == f"http://192.168.1.20:{h.remote.port}/#pair={code}"
    assert f"http://192.168.1.20:{h.remote.port}/" in dialog.code_hint.text()
    # The watch-only kind has a code of its own.
    dialog.screen_kind.setChecked(True)
    assert dialog.code.text().replace(" ", "") == h.remote.code(Kind.OBSERVE) != code

    phone = h.paired(name="Usher")
    qtbot.waitUntil(lambda: dialog.paired_list.topLevelItemCount() == 1, timeout=3000)
    # Used up: a new code is shown for the next phone.
    qtbot.waitUntil(lambda: dialog.code.text().replace(" ", "") != code, timeout=3000)
    item = dialog.paired_list.topLevelItem(0)
    assert item.text(0) == "Usher" and item.text(1) == "phone"
    dialog.paired_list.setCurrentItem(item)
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    assert dialog.paired_list.topLevelItemCount() == 0
    assert phone.get(h.url("/api/state"), timeout=5).status_code == 401


def test_a_controller_token_is_shown_once_with_companions_settings_and_works(qtbot, hall):
    h = hall("18:10")
    dialog = RemoteDialog(h.remote)
    qtbot.addWidget(dialog)
    token = dialog.make_token("Stream Deck")
    text = dialog.companion.text()
    assert f"\"Authorization\": \"Bearer {token}\"" in text and "/api/actions/live" in text
    assert token not in (h.folder / SETTINGS_FILE).read_text()
    answer = requests.post(h.url("/api/actions/slides"),
                           headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert answer.status_code == 200
    qtbot.waitUntil(lambda: h.kiosk.view.scene is Scene.SLIDES, timeout=3000)
    assert [p.kind for p in h.remote.paired()] == [Kind.API]


def test_a_broken_settings_file_is_said_and_means_off(qtbot, hall, tmp_path):
    h = hall()
    h.remote.stop()
    (h.folder / SETTINGS_FILE).write_text("{not json")
    again = Remote(h.kiosk, folder=h.folder, addresses=lambda: ["127.0.0.1"])
    assert not again.enabled
    assert "could not be read" in again.problem and SETTINGS_FILE in again.problem
