"""A stand-in desktop for the sleep-inhibit tests: the freedesktop and GNOME inhibit services on
a private session bus, recording every call as a JSON line.

    python screensaver_service.py BUS_ADDRESS LOG [screensaver,power,gnome,refuse]

Prints "ready" once its names are on the bus. Cookies start at 7001 (GNOME's at 9001), so a
test can tell them apart. "refuse" makes ScreenSaver.Inhibit answer with a D-Bus error.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import ClassInfo, QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusConnection, QDBusContext

ADDRESS, LOG = sys.argv[1], sys.argv[2]
WANTED = set((sys.argv[3] if len(sys.argv) > 3 else "screensaver").split(","))


def record(service: str, method: str, *args: object) -> None:
    with open(LOG, "a", encoding="utf-8") as file:
        file.write(json.dumps([service, method, *args]) + "\n")


@ClassInfo(**{"D-Bus Interface": "org.freedesktop.ScreenSaver"})
class ScreenSaver(QObject, QDBusContext):
    def __init__(self) -> None:
        QObject.__init__(self)
        QDBusContext.__init__(self)
        self.next = 7001

    @Slot(str, str, result="uint")
    def Inhibit(self, application: str, reason: str) -> int:
        record("ScreenSaver", "Inhibit", application, reason)
        if "refuse" in WANTED:
            self.sendErrorReply("org.freedesktop.DBus.Error.AccessDenied", "not today")
            return 0
        self.next += 1
        return self.next - 1

    @Slot("uint")
    def UnInhibit(self, cookie: int) -> None:
        record("ScreenSaver", "UnInhibit", cookie)


@ClassInfo(**{"D-Bus Interface": "org.freedesktop.PowerManagement.Inhibit"})
class PowerManagement(QObject):
    @Slot(str, str, result="uint")
    def Inhibit(self, application: str, reason: str) -> int:
        record("PowerManagement", "Inhibit", application, reason)
        return 8001

    @Slot("uint")
    def UnInhibit(self, cookie: int) -> None:
        record("PowerManagement", "UnInhibit", cookie)


@ClassInfo(**{"D-Bus Interface": "org.gnome.SessionManager"})
class SessionManager(QObject):
    @Slot(str, "uint", str, "uint", result="uint")
    def Inhibit(self, app_id: str, toplevel_xid: int, reason: str, flags: int) -> int:
        record("SessionManager", "Inhibit", app_id, toplevel_xid, reason, flags)
        return 9001

    @Slot("uint")
    def Uninhibit(self, cookie: int) -> None:
        record("SessionManager", "Uninhibit", cookie)


def main() -> None:
    app = QCoreApplication([])
    bus = QDBusConnection.connectToBus(ADDRESS, "desktop")
    if not bus.isConnected():
        sys.exit(f"no bus at {ADDRESS}: {bus.lastError().message()}")
    slots = QDBusConnection.RegisterOption.ExportAllSlots
    keep = []
    for wanted, service, path, cls in (
        ("screensaver", "org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
         ScreenSaver),
        ("power", "org.freedesktop.PowerManagement", "/org/freedesktop/PowerManagement/Inhibit",
         PowerManagement),
        ("gnome", "org.gnome.SessionManager", "/org/gnome/SessionManager", SessionManager),
    ):
        if wanted in WANTED or (wanted == "screensaver" and "refuse" in WANTED):
            obj = cls()
            keep.append(obj)
            if not (bus.registerObject(path, obj, slots) and bus.registerService(service)):
                sys.exit(f"cannot register {service}: {bus.lastError().message()}")
    print("ready", flush=True)
    app.exec()


if __name__ == "__main__":
    main()
