"""The remote as the running kiosk knows it: switched on and off from the host's window,
its server fed with the kiosk's state and a small picture of the stage, and what phones and
controllers ask for brought to the GUI thread as queued signals."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtNetwork import QNetworkInterface

from kiosk.core import paths
from kiosk.core.actions import Action
from kiosk.core.remote import (
    Kind,
    Paired,
    Pairing,
    Seen,
    Sessions,
    Settings,
    changed_beyond_time,
    listen_addresses,
    load_settings,
    now_utc,
    pairing_url,
    phone_addresses,
    save_settings,
    snapshot,
)
from kiosk.remote.server import RemoteServer
from kiosk.remote.words import WORDS

# The thumbnail the page shows: its size, how often it is renewed while a page is connected
# (live video changes; other scenes are redrawn when they change), and its JPEG quality.
THUMBNAIL = QSize(480, 270)
THUMBNAIL_MS = 1000
THUMBNAIL_QUALITY = 70
# After a scene change the picture is taken once the stage has painted it and its
# cross-fade is over: the pages' fetches never compete with the hall's own frames.
THUMBNAIL_SETTLE_MS = 500
# The state is sent again at least this often, so a page's ticking clock stays right.
RESYNC_SECONDS = 10.0
# Ports tried, from the settings' one up, when another program has it.
PORT_TRIES = 5


class _Bridge(QObject):
    """The server thread's calls, as signals: each reaches the GUI thread queued."""

    acted = Signal(str, str)
    said = Signal(str, str)
    touched = Signal()

    def act(self, action: Action, who: Paired) -> None:
        self.acted.emit(action.value, who.name)

    def say(self, text: str, who: Paired) -> None:
        self.said.emit(text, who.name)

    def changed(self) -> None:
        self.touched.emit()


class Remote(QObject):
    """The volunteers' remote of one kiosk; off until the host switches it on."""

    # The host's window redraws its part (on/off, addresses, code, paired list, problems).
    changed = Signal()
    # The paired list changed (on either thread, under the server's lock): saved on the GUI
    # thread once the lock is free, so no disk write ever holds up the host's window.
    _paired_to_save = Signal()

    def __init__(self, kiosk: Any, folder: Path | None = None,
                 addresses: Any = None) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.folder = folder if folder is not None else paths.config_dir()
        self._addresses = addresses or _computer_addresses
        self.settings, self.problem = load_settings(self.folder)
        self._unsaved = False
        self.sessions = Sessions(self.settings.paired, changed=self._paired_changed)
        self.pairing = Pairing()
        self.bridge = _Bridge()
        self.server: RemoteServer | None = None
        self._sent: dict[str, Any] | None = None
        self._sent_at = 0.0
        self._language = ""
        self._scene: object = None
        self._pictured: object = None  # the view the latest thumbnail shows
        self.bridge.acted.connect(self._on_bridge_acted)
        self.bridge.said.connect(self._on_bridge_said)
        self.bridge.touched.connect(self.changed)
        self._paired_to_save.connect(self._save_paired, Qt.ConnectionType.QueuedConnection)
        kiosk.view_changed.connect(self._on_kiosk_view_changed)
        self._thumbnail_timer = QTimer(self)
        self._thumbnail_timer.setInterval(THUMBNAIL_MS)
        self._thumbnail_timer.timeout.connect(self._on_thumbnail_timer_timeout)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(THUMBNAIL_SETTLE_MS)
        self._settle_timer.timeout.connect(self._send_thumbnail)
        if self.settings.enabled:
            self.set_enabled(True)

    # ---------------------------------------------------------------- for the host's window

    @property
    def enabled(self) -> bool:
        return self.server is not None and self.server.running

    def set_enabled(self, on: bool) -> None:
        """Switch the remote on or off (and remember it for the next start)."""
        if on and not self.enabled:
            self._start()
        elif not on and self.server is not None:
            self._thumbnail_timer.stop()
            self._settle_timer.stop()
            self.server.stop()
            self.server = None
        if on != self.settings.enabled:
            self.settings = Settings(enabled=on, port=self.settings.port,
                                     paired=self.paired())
            self._save()
        self.changed.emit()

    def addresses(self) -> tuple[str, ...]:
        """Where a phone on the hall's network finds the remote."""
        if self.server is None:
            return ()
        return phone_addresses(self.server.listening)

    @property
    def port(self) -> int:
        return self.server.port if self.server is not None else self.settings.port

    def code(self, kind: Kind = Kind.CONTROL) -> str:
        with self._lock():
            return self.pairing.code(kind, now_utc())

    def url(self, kind: Kind = Kind.CONTROL) -> str:
        """What the QR code holds ("" while the remote is off or no network is there)."""
        places = self.addresses()
        return pairing_url(places[0], self.port, self.code(kind)) if places else ""

    def paired(self) -> tuple[Paired, ...]:
        with self._lock():
            return self.sessions.all()

    def revoke(self, entry_id: str) -> None:
        if self.server is not None:
            self.server.revoke(entry_id)
        else:
            self.sessions.revoke(entry_id)
        self.changed.emit()

    def new_controller_token(self, name: str) -> str:
        """A bearer token for a controller (shown to the host once, kept hashed)."""
        with self._lock():
            token, _ = self.sessions.new(Kind.API, name, now_utc())
        self.changed.emit()
        return token

    def stop(self) -> None:
        """End serving (the kiosk is quitting); the settings stay as they are."""
        self._thumbnail_timer.stop()
        self._settle_timer.stop()
        if self.server is not None:
            self.server.stop()
            self.server = None
        self._save_paired()  # a pairing or revoke just before quitting is kept

    # ---------------------------------------------------------------- inside

    def _lock(self) -> Any:
        return self.server.lock if self.server is not None else contextlib.nullcontext()

    def _start(self) -> None:
        listening = listen_addresses(self._addresses())
        problems: list[str] = []
        self._language = ""  # the new server is given the page's words below
        for port in range(self.settings.port, self.settings.port + PORT_TRIES):
            server = RemoteServer(self.bridge, self.sessions, self.pairing)
            server.publish_words(*self._words())
            problems = server.start(listening, port)
            if server.running and "127.0.0.1" in server.listening:
                self.server = server
                break
            server.stop()
        # Said even when the remote runs: an address of the hall's network it could not
        # listen on means phones there cannot reach it.
        self.problem = "; ".join(problems)
        if self.server is not None and self.server.port != self.settings.port:
            self.problem = "; ".join([f"port {self.settings.port} is taken by another "
                                      f"program: the remote is on port {self.server.port}",
                                      *problems])
        self._sent = None
        self._publish()
        self._thumbnail_timer.start()
        self._send_thumbnail()

    def _words(self) -> tuple[str, dict[str, str]]:
        lang = self.kiosk.languages.primary
        return lang.code, {key: lang.gettext(text) for key, text in WORDS.items()}

    def _publish(self) -> None:
        kiosk = self.kiosk
        if self.server is None or kiosk.view is None or kiosk.moment is None:
            return
        lang = kiosk.languages.primary
        if lang.code != self._language:
            self._language = lang.code
            self.server.publish_words(*self._words())
            self._sent = None
        state = snapshot(Seen(config=kiosk.config, view=kiosk.view, moment=kiosk.moment,
                              state=kiosk.state, health=kiosk.health,
                              stream_status=kiosk.stream_status, volume=kiosk.sound.volume,
                              muted=kiosk.sound.muted, reveal_left=kiosk.laureates_to_reveal,
                              lang=lang))
        now = time.monotonic()
        if changed_beyond_time(self._sent, state) or now - self._sent_at >= RESYNC_SECONDS:
            self._sent, self._sent_at = state, now
            self.server.publish(state)

    def _send_thumbnail(self) -> None:
        if self.server is None:
            return
        self._pictured = self.kiosk.view
        image = self.kiosk.stage.render_image(THUMBNAIL)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "JPEG", THUMBNAIL_QUALITY)
        buffer.close()
        self.server.publish_thumbnail(bytes(data.data()))

    def _paired_changed(self, paired: tuple[Paired, ...]) -> None:
        # Called with the server's lock held, on either thread: saved soon after on the GUI
        # thread (and at stop), so a restart keeps the phones paired and a revoked one
        # stays revoked.
        self._unsaved = True
        self._paired_to_save.emit()

    def _save_paired(self) -> None:
        if not self._unsaved:
            return
        self._unsaved = False  # cleared before reading: a change after it is saved again
        paired = self.paired()
        self.settings = Settings(enabled=self.settings.enabled, port=self.settings.port,
                                 paired=paired)
        self._save()

    def _save(self) -> None:
        problem = save_settings(self.folder, self.settings)
        if problem:
            self.problem = problem

    # ---------------------------------------------------------------- slots

    def _on_bridge_acted(self, name: str, who: str) -> None:
        self.kiosk.trigger(Action(name), by="remote")

    def _on_bridge_said(self, text: str, who: str) -> None:
        self.kiosk.show_message(text, by="remote")

    def _on_kiosk_view_changed(self, view: Any) -> None:
        self._publish()
        if view is not None and view.scene != self._scene:
            self._scene = view.scene
            self._settle_timer.start()

    def _on_thumbnail_timer_timeout(self) -> None:
        # Only while someone looks; live video changes without a new view.
        if self.server is None or self.server.clients() == 0:
            return
        view = self.kiosk.view
        if view is not None and (view.scene.value == "live" or view != self._pictured):
            self._send_thumbnail()


def _computer_addresses() -> list[str]:
    return [a.toString() for a in QNetworkInterface.allAddresses()]
