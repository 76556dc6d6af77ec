"""The event editor's keys: each volunteer action and the keys that do it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.actions import Action
from kiosk.core.yamledit import KeyPath
from kiosk.operator.fields import Problem

if TYPE_CHECKING:
    from kiosk.operator.eventeditor import EventEditor


class KeysTab(QWidget):
    """Each volunteer action and its keys (a clicker's keys too); empty: the defaults."""

    name = "keys"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.table = QTableWidget(len(Action), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys (comma between them)"])
        self.problem = Problem()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        self._loading = False
        self.table.itemChanged.connect(self._on_table_item_changed)

    def load(self) -> None:
        self._loading = True
        keys = self.editor.config.keys
        for r, action in enumerate(Action):
            name = QTableWidgetItem(action.value.replace("_", " "))
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, QTableWidgetItem(", ".join(keys.get(action, ()))))
        self.table.resizeColumnsToContents()
        self._loading = False

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != 1:
            return
        action = list(Action)[item.row()]
        keys = [k.strip() for k in item.text().split(",") if k.strip()]
        path: KeyPath = ("keys", action.value)
        value: Any = keys if keys else None
        if len(keys) == 1:
            value = keys[0]
        self.editor.apply(lambda d: d.with_value(path, value), refuse=self.problem.say,
                          about=path)
        self.load()
