"""The host's own event, from the host's window: the first start's welcome, the setup, the
event editor and event packs (open one the organisers sent, export one to send)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from kiosk.core import paths
from kiosk.core.errors import ConfigInvalid
from kiosk.operator.setup import PACK_FILTER, SetupForm, Welcome

WINDOW_SIZE = (1280, 800)


class HostEvent(QObject):
    """Puts the welcome strip and the event buttons in the host's panel and opens the
    setup and the editor; ``adopt(path)`` makes the kiosk run the config at ``path``."""

    def __init__(self, panel: Any, *, following: Path | None,
                 adopt: Callable[[Path], None], language: str = "en") -> None:
        super().__init__(panel)
        self.panel = panel
        self.following = following
        self.adopt = adopt
        self.language = language
        self.setup: SetupForm | None = None
        self.editor: Any = None
        self.welcome = Welcome()
        self.bar = QWidget()
        self.edit_button = QPushButton("Edit event…")
        self.new_button = QPushButton("New event…")
        self.open_button = QPushButton("Open event pack…")
        self.export_button = QPushButton("Export event pack…")
        self.where = QLabel()
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.where.setStyleSheet("color: #8d99ad;")
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(0, 0, 0, 0)
        for button in (self.edit_button, self.new_button, self.open_button,
                       self.export_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            bar.addWidget(button)
        bar.addWidget(self.where, 1)
        panel.top.addWidget(self.welcome)
        panel.top.addWidget(self.bar)
        self.welcome.rehearse_chosen.connect(self._on_welcome_rehearse_chosen)
        self.welcome.setup_chosen.connect(self.start_setup)
        self.welcome.pack_chosen.connect(self.open_pack)
        self.edit_button.clicked.connect(self.edit)
        self.new_button.clicked.connect(self.start_setup)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self._awaiting: Any = None
        if following is None:
            self._await_host_event()
        self._update()

    def _await_host_event(self) -> None:
        """While the kiosk shows the built-in event, an event of the host's own appearing
        (``watchparty-kiosk open`` from a double-click while it runs) is taken up at once."""
        from kiosk.reload import ConfigWatcher

        try:
            paths.config_dir().mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # nowhere to look: the setup says why when it cannot save either
        self._awaiting = ConfigWatcher(paths.host_event(), parent=self)
        self._awaiting.reloaded.connect(self._on_awaiting_reloaded)

    def _on_awaiting_reloaded(self, _config: object, _warnings: tuple[str, ...]) -> None:
        if self.following is None:
            self._take(paths.host_event())

    def _take(self, path: Path) -> None:
        """From now on the kiosk runs ``path``."""
        if self._awaiting is not None:
            self._awaiting.deleteLater()
            self._awaiting = None
        self.following = path
        self.adopt(path)
        self._update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """macOS hands a double-clicked pack to the running app as a file-open event."""
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            name = event.file()
            if name.lower().endswith(".wpk"):
                self.open_pack(Path(name))
                return True
        return super().eventFilter(watched, event)

    def _update(self) -> None:
        own = self.following is not None
        self.welcome.setVisible(not own and not paths.host_event().exists())
        self.edit_button.setEnabled(own)
        self.export_button.setEnabled(own)
        self.where.setText(f"Event file: {self.following}" if own else
                           "Showing the built-in example event")

    # ------------------------------------------------------------------ setup

    def start_setup(self) -> SetupForm:
        """The setup form in a window of its own."""
        if self.setup is None:
            self.setup = SetupForm(language=self.language)
            self.setup.resize(*WINDOW_SIZE)
            self.setup.created.connect(self._on_setup_created)
            self.setup.cancelled.connect(self._on_setup_cancelled)
            # Asked when Create is clicked, so the current event stays until then (a Back,
            # or a pack opened meanwhile, loses nothing).
            self.setup.confirm_replace = lambda: self._confirm_replace("this new event")
        self.setup.show()
        self.setup.raise_()
        return self.setup

    def _confirm_replace(self, what: str) -> bool:
        answer = QMessageBox.question(
            self.panel, "Replace your event?",
            f"You already have an event of your own ({paths.host_event()}). Replace it "
            f"with {what}? The old one is kept in {paths.replaced_events_dir()}.")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._set_aside()

    def _set_aside(self) -> bool:
        """Move the current event out of the way (never deleted)."""
        from datetime import datetime

        folder = paths.host_event_dir()
        if not folder.exists():
            return True
        target = paths.replaced_events_dir() / datetime.now().strftime("%Y%m%d-%H%M%S")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            n = 1
            while target.exists():
                n += 1
                target = target.with_name(f"{target.name.split('~')[0]}~{n}")
            folder.replace(target)
        except OSError as exc:
            QMessageBox.warning(self.panel, "Cannot replace the event",
                                f"The current event could not be moved aside: {exc}")
            return False
        return True

    def _on_setup_created(self, path: Path) -> None:
        assert self.setup is not None
        self.setup.hide()
        self._forget_editor()  # it showed the event that was set aside
        self._take(path)
        self.edit()  # on to the running order, slides and the rest

    def _forget_editor(self) -> None:
        if self.editor is not None:
            self.editor.close()
            self.editor = None

    def _on_setup_cancelled(self) -> None:
        if self.setup is not None:
            self.setup.hide()

    def _on_welcome_rehearse_chosen(self) -> None:
        self.welcome.hide()

    # ------------------------------------------------------------------ editor

    def edit(self) -> Any:
        """The event editor over the followed config, in a window of its own."""
        if self.following is None:
            return self.start_setup()
        from kiosk.operator.eventeditor import EventEditor

        if self.editor is None or self.editor.path != self.following:
            try:
                self.editor = EventEditor(self.following, language=self.language)
            except ConfigInvalid as exc:
                QMessageBox.warning(
                    self.panel, "The event file has problems",
                    "The editor opens once these are fixed (in a text editor):\n\n"
                    + "\n".join(str(e) for e in exc.errors[:8]))
                return None
            self.editor.resize(*WINDOW_SIZE)
        self.editor.show()
        self.editor.raise_()
        return self.editor

    # ------------------------------------------------------------------ packs

    def _on_open_button_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.panel, "Open an event pack",
                                              str(Path.home()), PACK_FILTER)
        if name:
            self.open_pack(Path(name))

    def open_pack(self, pack: Path) -> bool:
        """Open the organisers' pack as the host's event (asking before replacing one)."""
        from kiosk.core.pack import PackError, PackReplaceNeeded, open_pack

        try:
            open_pack(pack, paths.host_event_dir())
        except PackReplaceNeeded as exc:
            answer = QMessageBox.question(self.panel, "Replace your event?", str(exc))
            if answer != QMessageBox.StandardButton.Yes:
                return False
            try:
                open_pack(pack, paths.host_event_dir(), replace=True)
            except PackError as again:
                QMessageBox.warning(self.panel, "The pack was not opened", str(again))
                return False
        except PackError as exc:
            QMessageBox.warning(self.panel, "The pack was not opened", str(exc))
            return False
        self._forget_editor()
        self._take(paths.host_event())
        return True

    def _on_export_button_clicked(self) -> None:
        if self.following is None:
            return
        name, _ = QFileDialog.getSaveFileName(self.panel, "Export an event pack",
                                              str(Path.home() / "event.wpk"), PACK_FILTER)
        if name:
            self.export_pack(Path(name if name.endswith(".wpk") else name + ".wpk"))

    def export_pack(self, target: Path) -> bool:
        from kiosk.core.pack import PackError, export_pack

        assert self.following is not None
        try:
            export_pack(self.following, target)
        except (PackError, OSError) as exc:
            QMessageBox.warning(self.panel, "The pack was not made", str(exc))
            return False
        return True
