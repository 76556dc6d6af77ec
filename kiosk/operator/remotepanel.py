"""The volunteers' remote in the host's window: a line that says whether it is on and how
many phones are paired, and a window to switch it on, pair a phone from its QR code (or a
watch-only screen for a speaker), see and revoke paired ones, and make a controller token
for a Stream Deck."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.remote import Kind, Paired
from kiosk.operator.fields import FORM_STYLE
from kiosk.stage.images import qr_image

QR_SIDE = 280
KIND_WORDS = {Kind.CONTROL: "phone", Kind.OBSERVE: "watch only", Kind.API: "controller"}
# What a Windows host must allow, said in the window (the installer adds no rule of its
# own: the remote is off until the host turns it on).
FIREWALL = ("Windows may ask whether watchparty-kiosk may use the network: choose "
            "\"Private networks\" and Allow. If no phone can connect, allow watchparty-kiosk "
            "(TCP port {port}, private networks) in Windows Defender Firewall.")


def companion_settings(address: str, port: int, token: str) -> str:
    """How Bitfocus Companion's generic HTTP module drives the kiosk, ready to copy."""
    base = f"http://{address}:{port}" if address else f"http://<this PC's address>:{port}"
    return (f"Bitfocus Companion: add a connection \"Generic: HTTP Requests\", Base URL "
            f"{base}\n"
            f"A button: action \"POST\", URI /api/actions/live (or slides, awards, countdown, "
            "blackout, automatic, reveal, next_slide, delay_more, mute …), Body {}, "
            "Content Type application/json,\n"
            f"header input (JSON): {{\"Authorization\": \"Bearer {token}\"}}")


class RemoteLine(QObject):
    """The remote's line in the host's panel: its state and the button to its window."""

    def __init__(self, panel: Any, remote: Any) -> None:
        super().__init__(panel)
        self.remote = remote
        self.dialog: RemoteDialog | None = None
        self.row = QWidget()
        self.button = QPushButton("Volunteers' remote…")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet("color: #8d99ad;")
        layout = QHBoxLayout(self.row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.status, 1)
        panel.top.addWidget(self.row)
        self.button.clicked.connect(self.open)
        remote.changed.connect(self._update)
        self._update()

    def open(self) -> RemoteDialog:
        if self.dialog is None:
            self.dialog = RemoteDialog(self.remote, self.row.window())
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _update(self) -> None:
        self.status.setText(status_line(self.remote))


def status_line(remote: Any) -> str:
    """One line for the panel: off, or on with its address and what is paired."""
    if not remote.enabled:
        return "Remote: off" + (f" — {remote.problem}" if remote.problem else "")
    places = remote.addresses()
    phones = [p for p in remote.paired() if p.kind is not Kind.API]
    where = f"http://{places[0]}:{remote.port}" if places else "no network found"
    text = f"Remote: on, {where} · {len(phones)} paired"
    return text + (f" — {remote.problem}" if remote.problem else "")


class RemoteDialog(QDialog):
    """Switch, pairing code and QR, the paired list, controller tokens."""

    def __init__(self, remote: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.remote = remote
        self.setWindowTitle("Volunteers' remote")
        self.setObjectName("host-form")
        self.setStyleSheet(FORM_STYLE)
        self.switch = QCheckBox("Let volunteers' phones run the hall over this network")
        self.switch.setChecked(remote.enabled)
        self.where = _label(wrap=True)
        self.phone_kind = QRadioButton("A volunteer's phone (sees and acts)")
        self.screen_kind = QRadioButton("A watch-only screen (a speaker's timer)")
        self.phone_kind.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.phone_kind)
        kinds.addButton(self.screen_kind)
        self.qr = QLabel()
        self.qr.setFixedSize(QR_SIDE, QR_SIDE)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code = _label()
        self.code.setStyleSheet("font-size: 34px; font-weight: 600; letter-spacing: 6px;")
        self.code_hint = _label(wrap=True)
        self.paired_list = QTreeWidget()
        self.paired_list.setHeaderLabels(["Name", "Kind", "Paired", "Last seen"])
        self.paired_list.setRootIsDecorated(False)
        self.paired_list.setColumnWidth(0, 260)
        self.revoke_button = QPushButton("Revoke")
        self.token_button = QPushButton("Make a controller token (Stream Deck)…")
        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.token.setVisible(False)
        self.companion = _label(wrap=True)
        self.companion.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = _label(wrap=True)
        self.problem.setStyleSheet("color: #e0a030;")
        self.firewall = _label(wrap=True)
        self.firewall.setVisible(sys.platform == "win32")

        grid = QGridLayout()
        pairing = QVBoxLayout()
        pairing.addWidget(self.phone_kind)
        pairing.addWidget(self.screen_kind)
        pairing.addWidget(self.code)
        pairing.addWidget(self.code_hint)
        pairing.addStretch(1)
        grid.addWidget(self.qr, 0, 0)
        grid.addLayout(pairing, 0, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        buttons.addWidget(self.token_button)
        layout = QVBoxLayout(self)
        for widget in (self.switch, self.where, self.problem, self.firewall):
            layout.addWidget(widget)
        layout.addLayout(grid)
        layout.addWidget(_label("Paired phones, screens and controllers"))
        layout.addWidget(self.paired_list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.token)
        layout.addWidget(self.companion)

        self.switch.toggled.connect(self._on_switch_toggled)
        kinds.buttonToggled.connect(self._on_kinds_button_toggled)
        self.revoke_button.clicked.connect(self._on_revoke_button_clicked)
        self.token_button.clicked.connect(self._on_token_button_clicked)
        remote.changed.connect(self.refresh)
        # A code lasts ten minutes and is renewed once used: the window keeps up.
        self._shown: tuple[str, str] = ("", "")
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._refresh_code)
        self._timer.start()
        self.resize(720, 760)
        self.refresh()

    @property
    def kind(self) -> Kind:
        return Kind.OBSERVE if self.screen_kind.isChecked() else Kind.CONTROL

    def refresh(self) -> None:
        remote = self.remote
        on = remote.enabled
        if self.switch.isChecked() != on:
            self.switch.blockSignals(True)
            self.switch.setChecked(on)
            self.switch.blockSignals(False)
        places = remote.addresses()
        if not on:
            self.where.setText("The remote is off: nothing listens on the network.")
        elif places:
            self.where.setText("On this network at " + ", ".join(
                f"http://{a}:{remote.port}" for a in places)
                + ". Phones must be on the same Wi-Fi as this PC.")
        else:
            self.where.setText("On, but this PC is on no local network yet: connect it to "
                               "the hall's Wi-Fi or network cable.")
        self.problem.setText(remote.problem)
        self.problem.setVisible(bool(remote.problem))
        self.firewall.setText(FIREWALL.format(port=remote.port))
        self.token_button.setEnabled(on)
        self.paired_list.clear()
        for entry in remote.paired():
            item = QTreeWidgetItem([entry.name, KIND_WORDS[entry.kind], _when(entry.created),
                                    _when(entry.last_seen)])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
            self.paired_list.addTopLevelItem(item)
        self.revoke_button.setEnabled(self.paired_list.topLevelItemCount() > 0)
        self._shown = ("", "")
        self._refresh_code()

    def _refresh_code(self) -> None:
        remote = self.remote
        if not remote.enabled or not remote.addresses():
            self.qr.clear()
            self.qr.setText("")
            self.code.setText("")
            self.code_hint.setText("Switch the remote on to pair a phone."
                                   if not remote.enabled else "")
            return
        code, url = remote.code(self.kind), remote.url(self.kind)
        if (code, url) == self._shown:
            return
        self._shown = (code, url)
        image = qr_image(url, QR_SIDE)
        if image is not None:
            self.qr.setPixmap(QPixmap.fromImage(image))
        self.code.setText(f"{code[:3]} {code[3:]}")
        self.code_hint.setText(f"Scan the code with the phone's camera, or open {url.split('#')[0]}"
                               " and type this code. A code pairs one phone, then a new one "
                               "is shown.")

    def paired_item(self, entry_id: str) -> QTreeWidgetItem | None:
        for index in range(self.paired_list.topLevelItemCount()):
            item = self.paired_list.topLevelItem(index)
            if item.data(0, Qt.ItemDataRole.UserRole) == entry_id:
                return item
        return None

    def revoke(self, entry: Paired) -> None:
        self.remote.revoke(entry.id)

    def make_token(self, name: str) -> str:
        token: str = self.remote.new_controller_token(name)
        self.token.setText(token)
        self.token.setVisible(True)
        places = self.remote.addresses()
        self.companion.setText("Copy the token now: it is shown only this once.\n\n"
                               + companion_settings(places[0] if places else "",
                                                    self.remote.port, token))
        QGuiApplication.clipboard().setText(token)
        return token

    def _on_switch_toggled(self, on: bool) -> None:
        self.remote.set_enabled(on)

    def _on_kinds_button_toggled(self, *_args: object) -> None:
        self._shown = ("", "")
        self._refresh_code()

    def _on_revoke_button_clicked(self) -> None:
        item = self.paired_list.currentItem()
        if item is not None:
            self.remote.revoke(item.data(0, Qt.ItemDataRole.UserRole))

    def _on_token_button_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, "Controller token",
                                        "A name for the controller (for the list):",
                                        text="Stream Deck")
        if ok:
            self.make_token(name)


def _label(text: str = "", *, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M") if moment is not None else "—"
