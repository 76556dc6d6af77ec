"""The event editor's awards: awards, their categories and laureates, as a tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.yamledit import KeyPath
from kiosk.operator.editparts import (
    edited_shown_text,
    plain_text,
)
from kiosk.operator.fields import Problem, hint

if TYPE_CHECKING:
    from kiosk.operator.eventeditor import EventEditor


class AwardsTab(QWidget):
    """Awards → categories → laureates, each with its citation and whether it is
    announced (else a volunteer reveals it with R)."""

    name = "awards"

    def __init__(self, editor: EventEditor) -> None:
        super().__init__()
        self.editor = editor
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "Citation / organiser", "Announced"])
        self.problem = Problem()
        self.add_award = QPushButton("Add award")
        self.add_category = QPushButton("Add category")
        self.add_laureate = QPushButton("Add laureate")
        self.remove = QPushButton("Remove")
        buttons = QHBoxLayout()
        for button in (self.add_award, self.add_category, self.add_laureate, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.problem)
        layout.addWidget(hint("Double-click a name to change it. A laureate not yet "
                              "announced stays hidden until a volunteer presses R."))
        self._loading = False
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        self.add_award.clicked.connect(self._on_add_award_clicked)
        self.add_category.clicked.connect(self._on_add_category_clicked)
        self.add_laureate.clicked.connect(self._on_add_laureate_clicked)
        self.remove.clicked.connect(self._on_remove_clicked)

    def load(self) -> None:
        self._loading = True
        self.tree.clear()
        awards = self.editor.document.get(("awards",)) or []
        for a, award in enumerate(awards):
            top = self._item(None, ("awards", a), award, "organiser")
            for c, category in enumerate(award.get("categories") or []):
                middle = self._item(top, ("awards", a, "categories", c), category, None)
                for n, laureate in enumerate(category.get("laureates") or []):
                    self._item(middle, ("awards", a, "categories", c, "laureates", n),
                               laureate, "citation", announced=True)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self._loading = False

    def _item(self, parent: QTreeWidgetItem | None, path: KeyPath, raw: dict[str, Any],
              second: str | None, *, announced: bool = False) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree if parent is None else parent)
        item.setText(0, plain_text(raw.get("name")))
        if second:
            item.setText(1, plain_text(raw.get(second)))
        item.setData(0, Qt.ItemDataRole.UserRole, (path, second))
        flags = item.flags() | Qt.ItemFlag.ItemIsEditable
        if announced:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setCheckState(2, Qt.CheckState.Checked if raw.get("announced") is True
                               else Qt.CheckState.Unchecked)
        item.setFlags(flags)
        return item

    def _on_tree_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._loading:
            return
        path, second = item.data(0, Qt.ItemDataRole.UserRole)
        value: Any
        raw = self.editor.document.get(path)
        raw = raw if isinstance(raw, dict) else {}
        first = self.editor.languages[0]
        value: Any
        if column == 0:  # texts: the languages not shown here are kept
            key, value = "name", edited_shown_text(raw.get("name"), item.text(0), first)
        elif column == 1 and second:
            key, value = second, edited_shown_text(raw.get(second), item.text(1), first)
        elif column == 2:
            key = "announced"
            value = True if item.checkState(2) == Qt.CheckState.Checked else None
        else:
            return
        target = (*path, key)
        self.editor.apply(lambda d: d.with_value(target, value), refuse=self.problem.say,
                          about=target)
        self.load()

    def _selected_path(self) -> KeyPath:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole)[0] if item is not None else ()

    def _insert(self, where: KeyPath, entry: dict[str, Any]) -> None:
        length = self.editor.document.length(where)
        if self.editor.apply(lambda d: d.with_inserted(where, length, entry),
                             refuse=self.problem.say):
            self.load()

    def _on_add_award_clicked(self) -> None:
        self._insert(("awards",), {"name": "New award"})

    def _on_add_category_clicked(self) -> None:
        path = self._selected_path()
        if len(path) < 2:
            self.problem.say("Choose the award to add a category to")
            return
        self._insert((*path[:2], "categories"), {"name": "New category"})

    def _on_add_laureate_clicked(self) -> None:
        path = self._selected_path()
        if len(path) < 4:
            self.problem.say("Choose the category to add a laureate to")
            return
        self._insert((*path[:4], "laureates"), {"name": "New laureate"})

    def _on_remove_clicked(self) -> None:
        path = self._selected_path()
        if path and self.editor.apply(lambda d: d.without(path), refuse=self.problem.say):
            self.load()
