"""``watchparty-kiosk --slate``: the fullscreen slate that lies under the stage while the
kiosk is supervised, so a kiosk that dies uncovers the slate, never the desktop.

The supervisor starts it once, before the first kiosk, and keeps it for the whole supervised
session. It is shown first, so every stage window the kiosk maps later stacks above it; it
never raises itself and takes no focus (a fullscreen window with the focus would rise to the
window manager's fullscreen layer). When a kiosk dies the slate is already there, with no
reaction time; the next kiosk's stage covers it again. It follows the stage's screen: the
kiosk writes where it placed the stage (kiosk.core.screens.StageScreen), and until it has
said so the slate places itself by the same rule as the stage (kiosk.core.screens.place).

It goes away with the supervisor: its standard input is a pipe from the supervisor, closed
when the supervisor ends (a clean quit, or the supervisor killed); on POSIX it also watches
its parent's pid. Qt's GUI module only (no widgets): it is small and starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QRasterWindow,
    QScreen,
    QWindow,
)

from kiosk.core import slate as slate_words
from kiosk.core.i18n import parse_codes
from kiosk.core.screens import (
    STAGE_SCREEN_ENV,
    ScreenInfo,
    StageScreen,
    place,
    stage_screen_index,
)
from kiosk.core.slate import SlateText
from kiosk.stage import drawn, sprites, text, theme
from kiosk.stage.frame import frame
from kiosk.stage.scenes import backdrop

TITLE = "watchparty-kiosk slate"
LOOK_MS = 500  # how often it looks at the stage's screen, its parent and (every 4th) the config
CONFIG_EVERY = 4
SETTLE_MS = 400  # screens come and go in bursts, as for the stage (kiosk.display)
WINDOWED = QSize(1280, 720)


def paint(painter: QPainter, width: float, height: float, said: SlateText) -> None:
    """The slate: the theme's backdrop, the event's title, "back in a moment" under it."""
    theme.use(said.palette)
    fr = frame(width, height, None)
    backdrop.paint(painter, fr)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    u, box = fr.u, fr.safe
    blocks: list[tuple[text.Block, object]] = []
    if said.title:
        blocks.append((text.fit(said.title, box.width(), 3 * 1.22 * theme.TITLE * 1.3 * u,
                                max_px=theme.TITLE * 1.3 * u, min_px=theme.TITLE * 0.6 * u,
                                bold=True), theme.TEXT))
    for i, words in enumerate(said.words):
        colour = theme.ACCENT_TEXT if i == 0 else theme.TEXT_DIM
        blocks.append((text.block(words, theme.BODY * 1.2 * u, box.width(), max_lines=2),
                       colour))
    gap = 3.0 * u
    total = sum(b.height for b, _ in blocks) + gap * max(0, len(blocks) - 1)
    top = box.center().y() - total / 2
    with drawn.part("slate"):
        for block, colour in blocks:
            painter.setPen(colour)
            text.draw(painter, block, box.left(), top, box.width(),
                      Qt.AlignmentFlag.AlignHCenter)
            top += block.height + gap


class SlateWindow(QRasterWindow):
    """The slate's window: fullscreen, no focus, no cursor, never raised by itself."""

    def __init__(self, said: SlateText) -> None:
        super().__init__()
        self.said = said
        self.setFlags(Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                      | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setTitle(TITLE)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._shown = False

    def set_text(self, said: SlateText) -> None:
        if said != self.said:
            self.said = said
            sprites.clear()  # the backdrop's sprite holds the old colours
            self.update()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            event.ignore()  # a stray close must not uncover the desktop: the supervisor ends it
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            paint(painter, self.width(), self.height(), self.said)
        finally:
            painter.end()
        if not self._shown:
            self._shown = True
            QTimer.singleShot(0, _say_shown)  # once this first picture has reached the screen


class Slate(QObject):
    """Keeps the slate's window on the stage's screen and its words in step with the config."""

    def __init__(self, app: QGuiApplication, options: argparse.Namespace,
                 stage_screen_file: Path | None) -> None:
        super().__init__()
        self.app = app
        self.options = options
        self.stage_screen_file = stage_screen_file
        self.parent_pid = os.getppid() if os.name == "posix" else None
        self.told: StageScreen | None = None
        self._told_text = ""
        self._config_key: object = None
        self._looks = 0
        said = self._read_config()
        self.window = SlateWindow(said)
        self._placed: tuple[str, QRect] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(LOOK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.place)
        app.screenAdded.connect(self._on_app_screens_changed)
        app.screenRemoved.connect(self._on_app_screens_changed)
        app.primaryScreenChanged.connect(self._on_app_screens_changed)

    def start(self) -> None:
        self._read_told()
        self.place()
        self._timer.start()

    def wanted(self) -> str:
        """The stage's screen by the kiosk's own rule: ``--screen``, else venue.screen."""
        if self.options.screen is not None:
            return str(self.options.screen)
        return self.window.said.screen

    def target(self) -> QScreen | None:
        """The screen the kiosk said the stage is on, else where the shared rule puts it."""
        screens = list(self.app.screens())
        if not screens:
            return None
        primary = self.app.primaryScreen()
        infos = [ScreenInfo(s.name(), s is primary) for s in screens]
        geometries = [(g.x(), g.y(), g.width(), g.height()) for g in
                      (s.geometry() for s in screens)]
        index = stage_screen_index(infos, geometries, self.told)
        if index is None:
            index = place(infos, self.wanted()).stage
        return screens[index] if index >= 0 else None

    def place(self) -> None:
        """Show the slate on the stage's screen (once more only when that screen changed)."""
        screen = self.target()
        if screen is None:
            return  # no screen at all for a moment
        key = (screen.name(), screen.geometry())
        if key == self._placed:
            return
        first = self._placed is None
        self._placed = key
        window = self.window
        if self.options.windowed:
            window.setScreen(screen)
            window.setGeometry(QRect(screen.availableGeometry().topLeft(), WINDOWED))
            window.show()
        else:
            # Leaving fullscreen first lets the window manager move it to the other output.
            if window.visibility() == QWindow.Visibility.FullScreen:
                window.setWindowStates(Qt.WindowState.WindowNoState)
            window.setScreen(screen)
            window.setGeometry(screen.geometry())
            # Not showFullScreen(): that also asks for the focus, which the slate never takes.
            window.setWindowStates(Qt.WindowState.WindowFullScreen)
            window.setVisible(True)
        if not first and QGuiApplication.platformName() != "offscreen":
            # Moved while a stage may be up: whatever the window manager did with it, the
            # slate belongs under the stage.
            window.lower()

    # ------------------------------------------------------------------ what it follows

    def _read_told(self) -> bool:
        """Whether the kiosk's word on the stage's screen changed."""
        if self.stage_screen_file is None:
            return False
        try:
            content = self.stage_screen_file.read_text(encoding="utf-8")
        except OSError:
            return False
        if content == self._told_text:
            return False
        self._told_text = content
        told = StageScreen.from_json(content)
        if told is None or told == self.told:
            return False
        self.told = told
        return True

    def _read_config(self) -> SlateText:
        path = slate_words.config_path(self.options.config)
        self._config_key = _file_key(path)
        return slate_words.slate_text(self.options.config, self.options.lang)

    def _on_timer_timeout(self) -> None:
        if self.parent_pid is not None and os.getppid() != self.parent_pid:
            self.app.exit(0)  # the supervisor is gone, and with it the reason for a slate
            return
        if self._read_told():
            self.place()
        self._looks += 1
        if self._looks % CONFIG_EVERY == 0:
            path = slate_words.config_path(self.options.config)
            if _file_key(path) != self._config_key:
                self.window.set_text(self._read_config())

    def _on_app_screens_changed(self, *_: object) -> None:
        self._settle.start()


def _file_key(path: Path | None) -> object:
    """What changes when a config file is edited, replaced or appears."""
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _say_shown() -> None:
    """Tell the supervisor the slate is on screen: only then does it start a kiosk, whose
    stage must map after the slate to stack above it."""
    stream = sys.stdout
    if stream is not None:
        try:
            stream.write(f"{slate_words.SHOWN}\n")
            stream.flush()
        except (OSError, ValueError):
            pass


def _watch_supervisor() -> None:
    """The supervisor holds the other end of our standard input: at its end (it closed the
    pipe, or it died) the slate goes at once, from this thread."""
    try:
        while os.read(0, 512):
            pass
    except OSError:
        return  # no pipe here (a windowed build may have none): the parent's pid is watched
    os._exit(0)


def options(argv: list[str]) -> argparse.Namespace:
    """The kiosk's run arguments that matter to the slate; the rest are left alone."""
    parser = argparse.ArgumentParser(prog="watchparty-kiosk --slate", add_help=False,
                                     allow_abbrev=False)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--lang", default="")
    parser.add_argument("--screen", type=int)
    parser.add_argument("--windowed", action="store_true")
    known, _rest = parser.parse_known_args(argv)
    try:
        known.lang = parse_codes(known.lang) if known.lang else ()
    except ValueError:
        known.lang = ()  # the kiosk says what is wrong with it; the slate takes the config's
    return known


def main(argv: list[str]) -> int:
    """Show the slate until the supervisor goes; ``slate.CANNOT_RUN`` where it cannot."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if (sys.platform.startswith("linux") and platform in ("", "xcb", "wayland")
            and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))):
        print("slate: no display to show it on (neither DISPLAY nor WAYLAND_DISPLAY)",
              file=sys.stderr)
        return slate_words.CANNOT_RUN
    try:
        chosen = options(argv)
    except SystemExit:
        return slate_words.CANNOT_RUN
    threading.Thread(target=_watch_supervisor, name="slate-supervisor", daemon=True).start()
    app = QGuiApplication([sys.argv[0]])
    app.setApplicationName("watchparty-kiosk")
    app.setApplicationDisplayName("watchparty-kiosk")
    told = os.environ.get(STAGE_SCREEN_ENV)
    slate = Slate(app, chosen, Path(told) if told else None)
    slate.start()
    return int(app.exec())
