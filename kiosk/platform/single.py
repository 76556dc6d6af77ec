"""One kiosk at a time: a second start brings the running kiosk forward and exits.

The running kiosk listens on a local socket (a named pipe on Windows) named per user,
``watchparty-kiosk-<user>``; ``WATCHPARTY_KIOSK_INSTANCE`` overrides the name (the tests give
each test its own). A second start connects, sends ``activate`` and steps aside; the first
emits ``activated``.

On Linux and macOS the socket is a file, which a crashed kiosk leaves behind. Who owns the
name is therefore decided by an exclusive ``flock`` on ``<name>.lock`` next to it: the system
drops that lock the moment its holder dies, however it dies, so the supervisor's restart right
after a crash always wins, and the socket file it finds is known to be stale and is replaced.
A Windows pipe disappears with its process, so there the pipe alone decides.

A start that cannot tell (no lock file possible, no socket possible) runs anyway: a second kiosk
is a lesser harm than none on the night.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import re
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

NAME_ENV = "WATCHPARTY_KIOSK_INSTANCE"
MESSAGE = b"activate\n"
CONNECT_MS = 500
# How long a second start keeps knocking while the first, holding the lock, is still starting
# up and not yet listening.
KNOCK_SECONDS = 5.0

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


def instance_name() -> str:
    """The name this user's kiosks meet under."""
    override = os.environ.get(NAME_ENV, "").strip()
    if override:
        return override
    try:
        user = getpass.getuser()
    except Exception:  # no login name in the environment nor in the user database
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return "watchparty-kiosk-" + (re.sub(r"[^A-Za-z0-9._-]", "_", user) or "user")


class SingleInstance(QObject):
    """``claim()`` once at start; ``activated`` fires when a later start asks for this kiosk."""

    activated = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None, *,
                 patience: float = KNOCK_SECONDS) -> None:
        super().__init__(parent)
        self.name = name or instance_name()
        self._patience = patience
        self._server: QLocalServer | None = None
        self._unlock: weakref.finalize | None = None  # gives the lock up, at the latest on GC
        self._owner = False

    def claim(self) -> bool:
        """True when this is the only kiosk running (then it listens for later starts); False
        when another one runs (it has been asked to come forward)."""
        if self._owner:
            return True
        try:
            import PySide6.QtNetwork  # noqa: F401
        except ImportError as exc:  # a build without Qt's network module
            log.warning("one kiosk at a time is not enforced: %s", exc)
            self._owner = True
            return True
        lock = self._take_lock()
        if lock is False:  # another kiosk holds it: alive, though maybe not listening yet
            if not self._knock(self._patience):
                log.warning("the running kiosk did not answer on %s", self.name)
            return False
        if lock is None and self._knock(0):  # no lock here (Windows): the pipe decides
            return False
        self._owner = True
        self._listen()
        return True

    def release(self) -> None:
        """Stop listening and give the name up (the system does it too when the kiosk ends)."""
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        if self._unlock is not None:
            self._unlock()
            self._unlock = None
        self._owner = False

    # ------------------------------------------------------------------ the lock

    def _take_lock(self) -> bool | None:
        """True: this process holds the name's lock; False: another process does;
        None: no lock on this system (or it could not be made)."""
        if fcntl is None:
            return None
        path = _lock_path(self.name)
        try:
            while True:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    return False
                except OSError:
                    os.close(fd)
                    raise
                # The previous owner unlinks the file on release while holding the lock; if it
                # did so after we opened it, we locked a file nobody else will see: try again.
                try:
                    same = os.fstat(fd).st_ino == os.stat(path).st_ino
                except FileNotFoundError:
                    same = False
                if same:
                    self._unlock = weakref.finalize(self, _unlock, fd, path)
                    return True
                os.close(fd)
        except OSError as exc:
            log.warning("cannot lock %s (%s); deciding by the socket alone", path, exc.strerror)
            return None

    # ------------------------------------------------------------------ the second start

    def _knock(self, patience: float) -> bool:
        """Ask the kiosk listening on the name to come forward; True when it was told."""
        from PySide6.QtNetwork import QLocalSocket

        deadline = time.monotonic() + patience
        while True:
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(CONNECT_MS):
                socket.write(MESSAGE)
                told = socket.waitForBytesWritten(CONNECT_MS)
                socket.disconnectFromServer()
                if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
                    socket.waitForDisconnected(CONNECT_MS)
                return told
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)

    # ------------------------------------------------------------------ the first start

    def _listen(self) -> None:
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # Holding the lock (or nobody having answered), any socket file under the name is a
        # crashed kiosk's.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            log.warning("cannot listen on %s (%s); a second start will open a second kiosk",
                        self.name, server.errorString())
            server.deleteLater()
            return
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server

    def _on_server_new_connection(self) -> None:
        server = self._server
        if server is None:
            return
        while server.hasPendingConnections():
            socket = server.nextPendingConnection()
            socket.readyRead.connect(self._on_socket_ready_read)
            socket.disconnected.connect(self._on_socket_disconnected)
            self._read(socket)

    # The slots find their socket with sender(): a lambda holding the socket's wrapper made
    # PySide delete it a second time when its server went (a crash in ~QLocalSocket).

    def _on_socket_ready_read(self) -> None:
        socket = self.sender()
        if socket is not None:
            self._read(socket)  # type: ignore[arg-type]

    def _on_socket_disconnected(self) -> None:
        socket = self.sender()
        if socket is not None:
            socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        """One line (the socket buffers a partial one); anything else closes the connection."""
        if socket.canReadLine():
            if bytes(socket.readLine(64).data()) == MESSAGE:
                self.activated.emit()
        elif socket.bytesAvailable() < len(MESSAGE):
            return  # the rest of the line is on its way
        socket.disconnectFromServer()


def _unlock(fd: int, path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)  # while still holding the lock: see _take_lock
    os.close(fd)


def _lock_path(name: str) -> Path:
    """``<name>.lock`` where QLocalServer puts the socket: a full path as given, else the
    temporary folder (per user on macOS; the name carries the user on Linux)."""
    if os.path.isabs(name):
        return Path(name + ".lock")
    return Path(QDir.tempPath()) / f"{name}.lock"
