"""`doctor` on the remote: whether a phone can reach it, another program holds its port, or
the port is free for the kiosk; and the whole check on a config folder with the remote on."""

from __future__ import annotations

import http.server
import json
import re
import threading

from hallkit import free_port

from kiosk.cli import main
from kiosk.core import paths
from kiosk.core.remote import SETTINGS_FILE
from kiosk.doctor import Status, remote_finding


def test_a_running_kiosks_remote_answers(hall):
    h = hall()
    finding = remote_finding(h.remote.port, ["127.0.0.1"])
    assert finding.status is Status.PASS and "the kiosk answers" in finding.detail


def test_another_program_on_the_port_is_a_failure(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        finding = remote_finding(server.server_address[1], ["127.0.0.1"])
    finally:
        server.shutdown()
        server.server_close()
    assert finding.status is Status.FAIL and "another program" in finding.detail


def test_a_free_port_passes_and_no_network_warns():
    port = free_port()
    free = remote_finding(port, ["127.0.0.1"])
    assert free.status is Status.PASS and f"port {port} is free" in free.detail
    lonely = remote_finding(port, [])
    assert lonely.status is Status.WARN and "no local network" in lonely.detail


def test_doctor_says_the_remote_is_off_by_default_and_checks_its_port_once_on(capsys):
    main(["doctor"])
    assert re.search(r"^PASS\s+remote\s+off ", capsys.readouterr().out, re.M)
    port = free_port()
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SETTINGS_FILE).write_text(json.dumps({"enabled": True, "port": port}))
    main(["doctor"])
    # Free here; on a machine on no network, a warning that no phone can reach it.
    line = re.search(r"^(PASS|WARN)\s+remote\s+(.*)$", capsys.readouterr().out, re.M)
    assert line is not None and f"port {port}" in line.group(2)
