"""Keeping the screen awake and the computer out of sleep while the kiosk runs.

- Windows: ``SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED | ES_DISPLAY_REQUIRED)``.
  The state belongs to the calling thread, so ``start`` and ``stop`` are called from the GUI
  thread, which lives as long as the kiosk; Windows drops it when the thread ends.
- macOS: an IOKit power assertion (``PreventUserIdleDisplaySleep``), released on ``stop``;
  macOS drops it when the process ends.
- Linux and other freedesktop systems: ``Inhibit`` on the session bus, on every one of
  ``org.freedesktop.ScreenSaver`` (screen blanking and locking), ``org.freedesktop.
  PowerManagement`` (sleep; KDE, Xfce) and ``org.gnome.SessionManager`` (idle and suspend) that
  is there. Each inhibition lasts as long as the kiosk's bus connection, so a crash cannot leave
  the desktop inhibited.

Nothing here raises: what cannot be done becomes one line for the host, and the kiosk runs on.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

APP_NAME = "watchparty-kiosk"

# Windows: winbase.h
ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001
ES_DISPLAY_REQUIRED = 0x00000002

# macOS: IOPMLib.h, CFString.h
ASSERTION_DISPLAY = b"PreventUserIdleDisplaySleep"  # kIOPMAssertionTypePreventUserIdleDisplaySleep
ASSERTION_LEVEL_ON = 255  # kIOPMAssertionLevelOn
CF_UTF8 = 0x08000100  # kCFStringEncodingUTF8
IOKIT = "/System/Library/Frameworks/IOKit.framework/IOKit"
CORE_FOUNDATION = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"

# GNOME: gsm-inhibitor-flag.h
GNOME_INHIBIT_SUSPEND = 4
GNOME_INHIBIT_IDLE = 8

DBUS_TIMEOUT_MS = 3000


@dataclass(frozen=True)
class _Service:
    """One freedesktop inhibit interface: where it lives and how its methods are spelled."""

    name: str
    path: str
    interface: str
    uninhibit: str
    gnome: bool = False  # Inhibit(app_id, toplevel_xid, reason, flags) instead of (app, reason)


SERVICES = (
    _Service("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
             "org.freedesktop.ScreenSaver", "UnInhibit"),
    _Service("org.freedesktop.PowerManagement", "/org/freedesktop/PowerManagement/Inhibit",
             "org.freedesktop.PowerManagement.Inhibit", "UnInhibit"),
    _Service("org.gnome.SessionManager", "/org/gnome/SessionManager",
             "org.gnome.SessionManager", "Uninhibit", gnome=True),
)


class SleepInhibitor:
    """Asks the system not to sleep or blank the screen from ``start`` until ``stop``.

    Both are idempotent and never raise. The keyword arguments stand in for the system's
    libraries (``kernel32``, ``iokit`` + ``corefoundation``) or pick a D-Bus connection
    (``bus``) and ``platform`` (``sys.platform`` by default).
    """

    def __init__(self, *, platform: str | None = None, kernel32: Any = None, iokit: Any = None,
                 corefoundation: Any = None, bus: Any = None, app_name: str = APP_NAME) -> None:
        self._platform = platform if platform is not None else sys.platform
        self._kernel32 = kernel32
        self._iokit = iokit
        self._cf = corefoundation
        self._bus = bus
        self._app_name = app_name
        self._started = False
        self._problem = ""
        self._windows_thread: int | None = None
        self._assertion: int | None = None
        self._cookies: list[tuple[Any, _Service, int]] = []  # (interface, service, cookie)

    @property
    def active(self) -> bool:
        """True while the system has been asked to stay awake."""
        return bool(self._windows_thread is not None or self._assertion is not None
                    or self._cookies)

    def start(self, reason: str) -> str:
        """Ask the system not to sleep or blank the screen; returns a problem or ""."""
        if self._started:
            return self._problem
        self._started = True
        try:
            if self._platform.startswith("win"):
                problem = self._start_windows()
            elif self._platform == "darwin":
                problem = self._start_macos(reason)
            else:
                problem = self._start_dbus(reason)
        except Exception as exc:  # a broken system library must not stop the show
            log.exception("sleep inhibit failed")
            problem = f"the screen may go to sleep: {type(exc).__name__}: {exc}"
        self._problem = problem
        if problem:
            log.warning("%s", problem)
        return problem

    def stop(self) -> None:
        """Let the system sleep again."""
        self._started = False
        self._problem = ""
        try:
            self._stop_windows()
        except Exception:
            log.exception("releasing the Windows execution state failed")
        try:
            self._stop_macos()
        except Exception:
            log.exception("releasing the macOS power assertion failed")
        self._stop_dbus()

    # ------------------------------------------------------------------ Windows

    def _start_windows(self) -> str:
        kernel32 = self._kernel32 if self._kernel32 is not None else _load_kernel32()
        self._kernel32 = kernel32
        previous = kernel32.SetThreadExecutionState(
            ES_CONTINUOUS | ES_SYSTEM_REQUIRED | ES_DISPLAY_REQUIRED)
        if not previous:  # NULL: the call failed
            return "the screen may go to sleep: Windows refused SetThreadExecutionState"
        self._windows_thread = threading.get_ident()
        return ""

    def _stop_windows(self) -> None:
        if self._windows_thread is None:
            return
        if threading.get_ident() != self._windows_thread:
            # The state is the starting thread's; Windows drops it when that thread ends.
            log.warning("sleep inhibit stopped from another thread than it started on")
        else:
            self._kernel32.SetThreadExecutionState(ES_CONTINUOUS)
        self._windows_thread = None

    # ------------------------------------------------------------------ macOS

    def _start_macos(self, reason: str) -> str:
        if self._iokit is None or self._cf is None:
            self._iokit, self._cf = _load_iokit()
        iokit, cf = self._iokit, self._cf
        kind = cf.CFStringCreateWithCString(None, ASSERTION_DISPLAY, CF_UTF8)
        name = cf.CFStringCreateWithCString(None, (reason or self._app_name).encode("utf-8"),
                                            CF_UTF8)
        try:
            if not kind or not name:
                return "the screen may go to sleep: CoreFoundation could not make a string"
            assertion = ctypes.c_uint32(0)
            result = iokit.IOPMAssertionCreateWithName(kind, ASSERTION_LEVEL_ON, name,
                                                       ctypes.pointer(assertion))
        finally:
            # The assertion keeps its own references to both strings.
            for text in (kind, name):
                if text:
                    cf.CFRelease(text)
        if result != 0:
            return (f"the screen may go to sleep: macOS refused the power assertion "
                    f"(IOReturn {result & 0xFFFFFFFF:#x})")
        self._assertion = assertion.value
        return ""

    def _stop_macos(self) -> None:
        if self._assertion is None:
            return
        assertion, self._assertion = self._assertion, None
        result = self._iokit.IOPMAssertionRelease(assertion)
        if result != 0:
            log.warning("IOPMAssertionRelease returned %#x", result & 0xFFFFFFFF)

    # ------------------------------------------------------------------ freedesktop (D-Bus)

    def _start_dbus(self, reason: str) -> str:
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return ("the screen may go to sleep: this build of the kiosk lacks Qt's D-Bus "
                    "module (PySide6.QtDBus)")

        bus = self._bus if self._bus is not None else QDBusConnection.sessionBus()
        self._bus = bus
        if not bus.isConnected():
            error = bus.lastError().message() or "no address"
            return f"the screen may go to sleep: no D-Bus session bus ({error})"
        registered = bus.interface()
        tried = []
        for service in SERVICES:
            answer = registered.isServiceRegistered(service.name)
            if not answer.isValid() or not answer.value():
                continue
            tried.append(service.name)
            cookie = self._inhibit(bus, service, reason)
            if cookie is not None:
                self._cookies.append(cookie)
        if self._cookies:
            names = ", ".join(s.name for _, s, _ in self._cookies)
            log.info("sleep inhibited through %s", names)
            return ""
        if tried:
            return ("the screen may go to sleep: the screensaver service did not accept "
                    f"the request ({', '.join(tried)})")
        return ("the screen may go to sleep: no screensaver service answered on the session "
                "bus (org.freedesktop.ScreenSaver, org.freedesktop.PowerManagement, "
                "org.gnome.SessionManager); turn off screen blanking and sleep in the "
                "system's settings")

    def _inhibit(self, bus: Any, service: _Service,
                 reason: str) -> tuple[Any, _Service, int] | None:
        from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, Qt
        from PySide6.QtDBus import QDBusInterface

        # Through an introspected interface, so the uint arguments go out as D-Bus "u": a
        # plain QDBusMessage would send Python ints as "i", which the services reject.
        interface = QDBusInterface(service.name, service.path, service.interface, bus)
        if not interface.isValid():
            log.warning("%s: %s", service.name, interface.lastError().message())
            return None
        interface.setTimeout(DBUS_TIMEOUT_MS)
        direct = Qt.ConnectionType.DirectConnection
        if service.gnome:
            cookie = QMetaObject.invokeMethod(
                interface, "Inhibit", direct, Q_RETURN_ARG("uint"), Q_ARG(str, self._app_name),
                Q_ARG("uint", 0), Q_ARG(str, reason),
                Q_ARG("uint", GNOME_INHIBIT_SUSPEND | GNOME_INHIBIT_IDLE))
        else:
            cookie = QMetaObject.invokeMethod(
                interface, "Inhibit", direct, Q_RETURN_ARG("uint"), Q_ARG(str, self._app_name),
                Q_ARG(str, reason))
        error = interface.lastError()
        if error.isValid() or not isinstance(cookie, int):
            log.warning("%s Inhibit: %s", service.name, error.message() or "no answer")
            return None
        return interface, service, cookie

    def _stop_dbus(self) -> None:
        cookies, self._cookies = self._cookies, []
        for interface, service, cookie in cookies:
            try:
                from PySide6.QtCore import Q_ARG, QMetaObject, Qt

                QMetaObject.invokeMethod(interface, service.uninhibit,
                                         Qt.ConnectionType.DirectConnection, Q_ARG("uint", cookie))
                error = interface.lastError()
                if error.isValid():
                    log.warning("%s %s: %s", service.name, service.uninhibit, error.message())
            except Exception:
                log.exception("%s %s failed", service.name, service.uninhibit)


def _load_kernel32() -> Any:
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.SetThreadExecutionState.argtypes = [ctypes.c_uint32]
    kernel32.SetThreadExecutionState.restype = ctypes.c_uint32
    return kernel32


def _load_iokit() -> tuple[Any, Any]:
    iokit = ctypes.CDLL(IOKIT)
    cf = ctypes.CDLL(CORE_FOUNDATION)
    cf.CFStringCreateWithCString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32]
    cf.CFStringCreateWithCString.restype = ctypes.c_void_p
    cf.CFRelease.argtypes = [ctypes.c_void_p]
    cf.CFRelease.restype = None
    iokit.IOPMAssertionCreateWithName.argtypes = [
        ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32)]
    iokit.IOPMAssertionCreateWithName.restype = ctypes.c_int32
    iokit.IOPMAssertionRelease.argtypes = [ctypes.c_uint32]
    iokit.IOPMAssertionRelease.restype = ctypes.c_int32
    return iokit, cf
