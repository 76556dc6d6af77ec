"""A real screen for the slate's tests and its benchmark: an X server in memory (Xvfb) with a
window manager from Debian (openbox), and a watcher that follows, from the X server's own
events, whether a kiosk-owned window covers the TV at every moment.

The watcher keeps a model of the top-level windows from the events alone (CreateNotify,
ReparentNotify, MapNotify, UnmapNotify, ConfigureNotify, CirculateNotify, DestroyNotify on
the root and on every window), so a window that vanishes and comes back between two looks is
still seen: no polling interval hides a gap. After each event it works out what the TV shows:
the topmost viewable window whose rectangle covers the TV's. Windows are kiosk-owned when
their WM_CLASS class is watchparty-kiosk (the stage, the host's window and the slate); the
slate is the one titled "watchparty-kiosk slate". The first drawing into each window after it
maps (XDamage) is its first frame.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

WINDOW_MANAGER = "openbox"
TOOLS = ("Xvfb", "xrandr", WINDOW_MANAGER)
KIOSK_CLASS = b"watchparty-kiosk"
SLATE_TITLE = "watchparty-kiosk slate"


def missing() -> list[str]:
    """What is missing for a real X screen with a window manager ([] when all is there)."""
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    try:
        import Xlib  # noqa: F401
    except ImportError:
        absent.append("python-xlib")
    return absent


@dataclass
class XServer:
    """Xvfb with openbox running on it."""

    env: dict[str, str]
    server: subprocess.Popen[bytes]
    manager: subprocess.Popen[bytes]
    name: str

    def stop(self) -> None:
        for process in (self.manager, self.server):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@contextlib.contextmanager
def x_server(width: int = 1920, height: int = 1080,
             monitors: tuple[tuple[str, str], ...] = ()) -> Iterator[XServer]:
    """An X server of ``width`` × ``height`` with openbox managing its windows; ``monitors``
    splits it into RandR monitors (name, xrandr geometry such as 1920/510x1080/290+0+0),
    the first one primary. Yields once the window manager has taken the screen."""
    read, write = os.pipe()
    # -noreset: the monitors must outlive the xrandr clients that set them.
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
                              pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    name = f":{number}"
    env = {**os.environ, "DISPLAY": name, "QT_QPA_PLATFORM": "xcb",
           # No session bus here: do not let Qt try to start one.
           "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    for i, (monitor, geometry) in enumerate(monitors):
        subprocess.run(["xrandr", "--setmonitor", monitor, geometry,
                        "screen" if i == 0 else "none"], env=env, check=True, timeout=10,
                       capture_output=True)
    manager = subprocess.Popen([WINDOW_MANAGER, "--sm-disable"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    running = XServer(env, server, manager, name)
    try:
        _wait_for_window_manager(name, manager)
        yield running
    finally:
        running.stop()


def _wait_for_window_manager(name: str, manager: subprocess.Popen[bytes]) -> None:
    import Xlib.display

    display = Xlib.display.Display(name)
    try:
        check = display.intern_atom("_NET_SUPPORTING_WM_CHECK")
        deadline = time.monotonic() + 20
        while display.screen().root.get_full_property(check, 0) is None:
            if manager.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{WINDOW_MANAGER} did not take the screen")
            time.sleep(0.05)
    finally:
        display.close()


# ---------------------------------------------------------------------- the watcher


@dataclass
class Window:
    wid: int
    parent: int
    mapped: bool = False
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0
    owned: bool | None = None  # None: not read yet
    title: str = ""
    damage: int | None = None


@dataclass(frozen=True)
class Shown:
    """From ``at`` on (time.monotonic()): whether a kiosk window covered the TV (``kiosk``),
    and what was on top: "slate", "stage" (any other kiosk window), "wm" (a window of the
    window manager's own frame, such as the frame of a window going away), "other" (another
    program's), or "" (nothing covers it: the desktop)."""

    at: float
    what: str
    window: int = 0
    kiosk: bool = False
    covering: tuple[str, ...] = ()  # what covers the TV, from the top down


@dataclass
class Watch:
    """What the watcher saw: each change of what the TV shows, and each window's first
    frame (first drawing after it became viewable) by title."""

    shown: list[Shown] = field(default_factory=list)
    first_frames: list[tuple[float, int, str]] = field(default_factory=list)

    def spans(self, start: float, end: float,
              bare: Callable[[Shown], bool]) -> list[tuple[float, float]]:
        """The intervals within [start, end] when ``bare`` held for what the TV showed."""
        spans, since = [], None
        before = [s for s in self.shown if s.at <= start]
        if before and bare(before[-1]):
            since = start
        for s in self.shown:
            if not start < s.at <= end:
                continue
            if bare(s) and since is None:
                since = s.at
            elif not bare(s) and since is not None:
                spans.append((since, s.at))
                since = None
        if since is not None:
            spans.append((since, end))
        return spans

    def uncovered(self, start: float, end: float) -> list[tuple[float, float]]:
        """The intervals within [start, end] when no kiosk window covered the TV."""
        return self.spans(start, end, lambda s: not s.kiosk)

    def longest_gap(self, start: float, end: float) -> float:
        """The longest interval with no kiosk window covering the TV."""
        return max((b - a for a, b in self.uncovered(start, end)), default=0.0)

    def longest_not_on_top(self, start: float, end: float) -> float:
        """The longest interval when the window on top was not the kiosk's (a window
        manager's frame of a window being taken down counts here, not in the gap)."""
        spans = self.spans(start, end, lambda s: s.what not in ("slate", "stage"))
        return max((b - a for a, b in spans), default=0.0)

    def what_at(self, instant: float) -> str:
        before = [s for s in self.shown if s.at <= instant]
        return before[-1].what if before else ""


class CoverWatcher:
    """Follows the X server's windows from its events and records what covers ``rect``
    (x, y, width, height: the TV)."""

    def __init__(self, display_name: str, rect: tuple[int, int, int, int]) -> None:
        import Xlib.display
        from Xlib import X
        from Xlib.ext import damage

        self._X = X
        self._damage = damage
        self.rect = rect
        self.display = Xlib.display.Display(display_name)
        # Windows vanish while they are looked at (a killed kiosk's): their BadWindow errors
        # are expected, and the events that follow say what happened.
        self.display.set_error_handler(lambda *_: None)
        self.display.damage_query_version()
        self.root = self.display.screen().root
        self.atoms = {name: self.display.intern_atom(name)
                      for name in ("WM_CLASS", "_NET_WM_NAME", "UTF8_STRING")}
        self.watch = Watch()
        self.windows: dict[int, Window] = {}
        self.stack: list[int] = []  # the root's children, bottom to top
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self.display.sync()
        for child in self.root.query_tree().children:  # bottom to top
            self.stack.append(child.id)
            self._adopt(child.id, self.root.id)
        self._evaluate()
        self._thread = threading.Thread(target=self._run, name="x-watch", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        with contextlib.suppress(Exception):
            self.display.close()

    def now(self) -> Shown:
        with self._lock:
            return self.watch.shown[-1]

    def snapshot(self) -> Watch:
        with self._lock:
            return Watch(list(self.watch.shown), list(self.watch.first_frames))

    def wait_for(self, predicate: Callable[[Watch], object], timeout: float,
                 what: str) -> object:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self.snapshot())
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout:g} s: {what}; the TV showed "
                                     f"{self.snapshot().shown[-8:]}")
            time.sleep(0.02)

    # ------------------------------------------------------------------ the model

    def _adopt(self, wid: int, parent: int) -> None:
        """Start following ``wid``: its own structure events, then its state as it is now
        (events from here on keep it up to date)."""
        X = self._X
        window = self.display.create_resource_object("window", wid)
        known = Window(wid, parent)
        self.windows[wid] = known
        try:
            window.change_attributes(event_mask=X.StructureNotifyMask
                                     | X.SubstructureNotifyMask)
            attributes = window.get_attributes()
            geometry = window.get_geometry()
        except Exception:  # gone already
            known.mapped = False
            return
        known.mapped = attributes.map_state != X.IsUnmapped
        known.x, known.y = geometry.x, geometry.y
        known.width, known.height = geometry.width, geometry.height
        if parent != self.root.id:
            return
        try:
            children = window.query_tree().children
        except Exception:
            return
        for child in children:
            if child.id not in self.windows:
                self._adopt(child.id, wid)

    def _properties(self, known: Window) -> None:
        if known.owned is not None:
            return
        window = self.display.create_resource_object("window", known.wid)
        try:
            wm_class = window.get_full_property(self.atoms["WM_CLASS"], 0)
            name = window.get_full_property(self.atoms["_NET_WM_NAME"], 0)
        except Exception:
            return
        if wm_class is None:
            return  # not set yet: read again at the next event
        value = wm_class.value
        raw = value if isinstance(value, bytes) else bytes(value)
        known.owned = KIOSK_CLASS in raw.split(b"\0")
        if name is not None:
            title = name.value
            known.title = title.decode("utf-8", "replace") if isinstance(title, bytes) \
                else str(title)
        if known.owned:
            with contextlib.suppress(Exception):
                known.damage = window.damage_create(self._damage.DamageReportNonEmpty)

    def _viewable(self, known: Window) -> bool:
        if not known.mapped:
            return False
        if known.parent == self.root.id:
            return True
        parent = self.windows.get(known.parent)
        return parent is not None and parent.mapped and parent.parent == self.root.id

    def _absolute(self, known: Window) -> tuple[int, int, int, int]:
        x, y = known.x, known.y
        parent = self.windows.get(known.parent)
        if parent is not None and known.parent != self.root.id:
            x, y = x + parent.x, y + parent.y
        return x, y, known.width, known.height

    def _covers(self, known: Window) -> bool:
        x, y, w, h = self._absolute(known)
        tx, ty, tw, th = self.rect
        return x <= tx and y <= ty and x + w >= tx + tw and y + h >= ty + th

    def _evaluate(self) -> None:
        """What the TV shows now; recorded when it changed."""
        now = time.monotonic()
        shows, window = "", 0
        kiosk, covering = False, []
        for top in reversed(self.stack):
            # A frame's client says whose it is; a window without children speaks for itself.
            inside = [k for k in self.windows.values() if k.parent == top]
            frame_or_window = self.windows.get(top)
            here = [k for k in inside or ([frame_or_window] if frame_or_window else [])
                    if self._viewable(k) and self._covers(k)]
            for known in here:
                self._properties(known)
            # In a frame, the client lies over the frame's own background windows.
            for known in sorted(here, key=lambda k: not k.owned):
                if known.owned:
                    kiosk = True
                    what = "slate" if known.title.startswith(SLATE_TITLE) else "stage"
                else:
                    what = "wm" if inside else "other"
                covering.append(what)
                if not shows:
                    shows, window = what, known.wid
        with self._lock:
            last = self.watch.shown[-1] if self.watch.shown else None
            seen = Shown(now, shows, window, kiosk, tuple(covering))
            if last is None or (last.what, last.window, last.kiosk, last.covering) != (
                    seen.what, seen.window, seen.kiosk, seen.covering):
                self.watch.shown.append(seen)

    def _run(self) -> None:
        X = self._X
        display = self.display
        while not self._stop.is_set():
            if not display.pending_events():
                with contextlib.suppress(Exception):
                    display.flush()
                time.sleep(0.001)  # only while nothing is pending: no event waits on this
                continue
            event = display.next_event()
            kind = event.type
            now = time.monotonic()
            if kind == X.CreateNotify and event.parent.id == self.root.id:
                wid = event.window.id
                if wid not in self.stack:
                    self.stack.append(wid)
                self._adopt(wid, self.root.id)
            elif kind == X.ReparentNotify:
                wid, parent = event.window.id, event.parent.id
                known = self.windows.get(wid) or Window(wid, parent)
                self.windows[wid] = known
                known.parent = parent
                known.x, known.y = event.x, event.y
                if wid in self.stack:
                    self.stack.remove(wid)
                if parent == self.root.id:
                    self.stack.append(wid)
            elif kind == X.MapNotify:
                known = self.windows.get(event.window.id)
                if known is not None:
                    known.mapped = True
            elif kind == X.UnmapNotify:
                known = self.windows.get(event.window.id)
                if known is not None:
                    known.mapped = False
            elif kind == X.ConfigureNotify and not event.send_event:
                # (A window manager's synthetic ConfigureNotify gives root coordinates to its
                # client, ICCCM 4.1.5: the real ones, relative to the parent, follow it.)
                wid = event.window.id
                known = self.windows.get(wid)
                if known is not None:
                    known.x, known.y = event.x, event.y
                    known.width, known.height = event.width, event.height
                if wid in self.stack and event.event.id == self.root.id:
                    self.stack.remove(wid)
                    sibling = event.above_sibling.id if event.above_sibling else 0
                    at = self.stack.index(sibling) + 1 if sibling in self.stack else 0
                    self.stack.insert(at, wid)
            elif kind == X.CirculateNotify and event.window.id in self.stack:
                wid = event.window.id
                self.stack.remove(wid)
                if event.place == X.PlaceOnTop:
                    self.stack.append(wid)
                else:
                    self.stack.insert(0, wid)
            elif kind == X.DestroyNotify:
                wid = event.window.id
                self.windows.pop(wid, None)
                if wid in self.stack:
                    self.stack.remove(wid)
            elif getattr(event, "damage", None) is not None:  # DamageNotify
                wid = event.drawable.id
                known = self.windows.get(wid)
                if known is not None and known.damage is not None and self._viewable(known):
                    with self._lock:
                        self.watch.first_frames.append((now, wid, known.title))
                    with contextlib.suppress(Exception):
                        display.damage_destroy(known.damage)
                    known.damage = None
                continue
            self._evaluate()


def pixel(display_name: str, x: int, y: int) -> tuple[int, int, int]:
    """The colour the X server shows at ``x``, ``y`` of the root window (24-bit TrueColor)."""
    import Xlib.display
    from Xlib import X

    display = Xlib.display.Display(display_name)
    try:
        data = display.screen().root.get_image(x, y, 1, 1, X.ZPixmap, 0xFFFFFFFF).data
    finally:
        display.close()
    blue, green, red = data[0], data[1], data[2]  # little-endian BGRX
    return red, green, blue
