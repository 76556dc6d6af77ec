"""The README's pictures of the volunteers' remote: the page on a phone (Debian's Chromium,
headless, at a phone's size, paired with the code as a volunteer would) and the host's
window that pairs it (its QR code). The kiosk runs in this process on the built-in event in
the break at 19:58 Moscow time, so the hall sees the slides.

Usage: python scripts/make-remote-screens.py OUTPUT_FOLDER (run by make-screenshots.sh, with
the config, state and cache folders pointed at temporary ones).
"""

from __future__ import annotations

import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from kiosk.app import Kiosk
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.eventlog import EventLog
from kiosk.core.remote import Kind, Settings, save_settings
from kiosk.operator.remotepanel import RemoteDialog
from kiosk.remote.service import Remote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "remote"))

from browser import Phone, until  # noqa: E402

# 19:58 in Moscow: the break, the slides up.
AT = datetime(2021, 2, 6, 16, 58, tzinfo=UTC)
# An address of a hall's network for the QR code (the picture shows where a phone goes).
HALL_ADDRESS = "192.168.1.20"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(["watchparty-kiosk"])
    out.mkdir(parents=True, exist_ok=True)
    config = config_module.load(paths.builtin_config())
    kiosk = Kiosk(config, lambda: AT, rehearsal=True, event_log=EventLog(None))
    kiosk.stage.resize(960, 540)
    folder = paths.config_dir()
    save_settings(folder, Settings(enabled=True, port=free_port()))
    # The server listens on the loopback (and would on the hall's address, were it here).
    remote = Remote(kiosk, folder=folder, addresses=lambda: ["127.0.0.1"])
    if not remote.enabled:
        raise SystemExit(f"the remote did not start: {remote.problem}")

    def pump(ms: int) -> None:
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    phone = Phone()
    try:
        phone.open(f"http://127.0.0.1:{remote.port}/")
        until(pump, lambda: phone.visible("#pair-form"), what="the pairing form")
        phone.screenshot(out / "remote-pair.png")
        print(out / "remote-pair.png")
        phone.find("#code").send_keys(remote.code(Kind.CONTROL))
        phone.find("#name").send_keys("Anna at the door")
        phone.tap("#pair-button")
        until(pump, lambda: phone.visible("#remote"), what="the remote")
        until(pump, lambda: phone.driver.execute_script(
            "return document.getElementById('thumbnail').naturalWidth") > 0,
            what="the thumbnail")
        pump(300)
        phone.screenshot(out / "remote-phone.png")
        print(out / "remote-phone.png")
    finally:
        phone.quit()

    # The host's side: what pairs the next phone. Its address is the hall's one, as a host
    # would see it on a PC on the hall's Wi-Fi.
    remote.addresses = lambda: (HALL_ADDRESS,)  # type: ignore[method-assign]
    dialog = RemoteDialog(remote)
    dialog.show()
    dialog.refresh()
    app.processEvents()
    dialog.grab().save(str(out / "remote-host.png"))
    print(out / "remote-host.png")
    remote.stop()
    kiosk.request_quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screens")))
