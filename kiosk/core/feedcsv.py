"""Spreadsheet feeds: a running order or award results as CSV ("publish to web" exports).

Rows become the same node tree a YAML feed makes, with each cell's row and column as its
line and column, so the config's own schema validates them and every problem is reported as
``file:row:column: header: what``. Header names are matched without regard to case or spacing;
an empty cell means the value is absent; a leading byte-order mark is ignored.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import yaml
from yaml.error import Mark

from kiosk.core.config import award_key
from kiosk.core.errors import ConfigError, ConfigInvalid
from kiosk.core.feeds import FeedDocument, document_from_node
from kiosk.core.schema import _nearest

# The running order: one item per row, the same keys as a programme item in the config.
PROGRAMME_COLUMNS = ("start", "duration", "title", "kind", "speaker", "subtitle")
# Award results: one laureate per row; rows of one award (and one category) are grouped by
# name. A row without a laureate declares the award or category ("to be announced").
AWARDS_COLUMNS = ("award", "organiser", "category", "laureate", "citation", "announced")
ANNOUNCED_WORDS = {"yes": True, "true": True, "1": True, "x": True,
                   "no": False, "false": False, "0": False}

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class _Cell:
    row: int
    column: int
    text: str


@dataclass
class _Line:
    """A CSV record as read: its cells by column number."""

    number: int
    cells: dict[int, _Cell]


@dataclass
class _Row:
    """A record of the body: its non-empty cells by column name (the required one always)."""

    number: int
    cells: dict[str, _Cell]


@dataclass
class _Sheet:
    name: str
    errors: list[ConfigError] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    def error(self, row: int, column: int, label: str, message: str) -> None:
        self.errors.append(ConfigError(self.name, row, column, label, message))


def parse_csv(text: str, name: str) -> FeedDocument:
    """Validate a running-order or awards CSV (told apart by its header); raises ConfigInvalid."""
    sheet = _Sheet(name)
    rows = _read(text, sheet)
    if not rows:
        raise ConfigInvalid(sheet.errors or [ConfigError(name, 1, 1, "", "the file is empty")])
    header, body = rows[0], rows[1:]
    names = [c.text.strip().lower() for c in header.cells.values()]
    if "award" in names:
        columns, required, build = AWARDS_COLUMNS, "award", _awards_node
    elif "title" in names:
        columns, required, build = PROGRAMME_COLUMNS, "title", _programme_node
    else:
        raise ConfigInvalid([ConfigError(
            name, header.number, 1, "", "the first row must name the columns: a running "
            f"order needs {', '.join(PROGRAMME_COLUMNS)} (title at least); award results need "
            f"{', '.join(AWARDS_COLUMNS)} (award at least)")])
    headers = _headers(header, columns, sheet)
    if required not in headers.values():
        sheet.error(header.number, 1, "", f"no {required!r} column")
        raise ConfigInvalid(sheet.errors)
    required_column = next(n for n, title in headers.items() if title == required)
    table = []
    for r in body:
        cells = {headers[c.column]: c for c in r.cells.values()
                 if c.column in headers and c.text.strip()}
        if cells:
            # An empty required cell stays (as empty text) so it is reported at its place.
            cells.setdefault(required, _Cell(r.number, required_column, ""))
            table.append(_Row(r.number, cells))
    for r in body:
        for cell in r.cells.values():
            if cell.column not in headers and cell.text.strip():
                sheet.error(cell.row, cell.column, "",
                            f"a value in column {cell.column}, which has no header")
    if sheet.errors:
        raise ConfigInvalid(sheet.errors)
    node = build(table, sheet)
    try:
        document = document_from_node(node, name, labels=sheet.labels)
    except ConfigInvalid as invalid:
        raise ConfigInvalid([*sheet.errors, *invalid.errors]) from None
    if sheet.errors:
        raise ConfigInvalid(sheet.errors)
    return document


def _read(text: str, sheet: _Sheet) -> list[_Line]:
    rows: list[_Line] = []
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    last = 0
    try:
        for record in reader:
            # A quoted cell may span lines: a row is numbered by the line it starts on.
            number, last = last + 1, reader.line_num
            cells = {i + 1: _Cell(number, i + 1, value) for i, value in enumerate(record)}
            if rows or any(c.text.strip() for c in cells.values()):
                rows.append(_Line(number, cells))
    except csv.Error as exc:
        sheet.error(reader.line_num or 1, 1, "", f"not valid CSV: {exc}")
        return []
    return rows


def _headers(header: _Line, columns: tuple[str, ...], sheet: _Sheet) -> dict[int, str]:
    """Column number → known column name."""
    found: dict[int, str] = {}
    for cell in header.cells.values():
        title = cell.text.strip().lower()
        if not title:
            continue
        if title not in columns:
            sheet.error(header.number, cell.column, "",
                        f"unknown column {cell.text.strip()!r}{_nearest(title, columns)}; "
                        f"expected {', '.join(columns)}")
        elif title in found.values():
            sheet.error(header.number, cell.column, "", f"column {title!r} is given twice")
        else:
            found[cell.column] = title
    return found


def _mark(sheet: _Sheet, row: int, column: int) -> Mark:
    return Mark(sheet.name, 0, row - 1, column - 1, None, 0)


def _scalar(sheet: _Sheet, cell: _Cell, path: str, label: str) -> yaml.ScalarNode:
    sheet.labels[path] = label
    # Quoted style: a cell is always text, never YAML's null, number or boolean.
    return yaml.ScalarNode(_STR, cell.text, _mark(sheet, cell.row, cell.column), None, '"')


def _mapping(sheet: _Sheet, row: int, pairs: list[tuple[str, yaml.Node]]) -> yaml.MappingNode:
    mark = _mark(sheet, row, 1)
    return yaml.MappingNode(_MAP, [(yaml.ScalarNode(_STR, k, mark, None, None), v)
                                   for k, v in pairs], mark, None, None)


def _sequence(sheet: _Sheet, row: int, nodes: list[yaml.Node]) -> yaml.SequenceNode:
    mark = _mark(sheet, row, 1)
    return yaml.SequenceNode(_SEQ, nodes, mark, None, None)


def _programme_node(rows: list[_Row], sheet: _Sheet) -> yaml.Node:
    items: list[yaml.Node] = []
    for i, row in enumerate(rows):
        path = f"programme[{i}]"
        cells = row.cells
        pairs: list[tuple[str, yaml.Node]] = [
            (key, _scalar(sheet, cells[key], f"{path}.{key}", key))
            for key in PROGRAMME_COLUMNS if key in cells
        ]
        items.append(_mapping(sheet, row.number, pairs))
    return _mapping(sheet, 1, [("programme", _sequence(sheet, 1, items))])


@dataclass
class _Category:
    cell: _Cell
    laureates: list[_Row] = field(default_factory=list)


@dataclass
class _Award:
    cell: _Cell
    organiser: _Cell | None = None
    categories: dict[str, _Category] = field(default_factory=dict)


def _awards_node(rows: list[_Row], sheet: _Sheet) -> yaml.Node:
    awards: dict[str, _Award] = {}
    for row in rows:
        cells = row.cells
        if not cells["award"].text.strip():
            cell = cells["award"]
            sheet.error(cell.row, cell.column, "award", "expected text, got an empty string")
            continue
        award = awards.setdefault(award_key(cells["award"].text), _Award(cells["award"]))
        organiser = cells.get("organiser")
        if organiser is not None:
            if award.organiser is None:
                award.organiser = organiser
            elif award.organiser.text.strip() != organiser.text.strip():
                sheet.error(organiser.row, organiser.column, "organiser",
                            f"row {award.organiser.row} gives this award's organiser as "
                            f"{award.organiser.text.strip()!r}")
        if "laureate" not in cells:
            for extra in ("citation", "announced"):
                if extra in cells:
                    sheet.error(row.number, cells[extra].column, extra,
                                "needs a laureate in the same row")
        if "category" not in cells:
            if "laureate" in cells:
                sheet.error(row.number, cells["laureate"].column, "category",
                            "a laureate needs a category in the same row")
            continue
        category = award.categories.setdefault(award_key(cells["category"].text),
                                               _Category(cells["category"]))
        if "laureate" in cells:
            category.laureates.append(row)
    nodes: list[yaml.Node] = []
    for a, award in enumerate(awards.values()):
        path = f"awards[{a}]"
        pairs: list[tuple[str, yaml.Node]] = [
            ("name", _scalar(sheet, award.cell, f"{path}.name", "award"))]
        if award.organiser is not None:
            pairs.append(("organiser", _scalar(sheet, award.organiser, f"{path}.organiser",
                                               "organiser")))
        categories = [
            _category_node(category, f"{path}.categories[{c}]", sheet)
            for c, category in enumerate(award.categories.values())
        ]
        if categories:
            pairs.append(("categories", _sequence(sheet, award.cell.row, categories)))
        nodes.append(_mapping(sheet, award.cell.row, pairs))
    return _mapping(sheet, 1, [("awards", _sequence(sheet, 1, nodes))])


def _category_node(category: _Category, path: str, sheet: _Sheet) -> yaml.Node:
    laureates: list[yaml.Node] = []
    for n, row in enumerate(category.laureates):
        here = f"{path}.laureates[{n}]"
        pairs: list[tuple[str, yaml.Node]] = [
            ("name", _scalar(sheet, row.cells["laureate"], f"{here}.name", "laureate"))]
        if "citation" in row.cells:
            pairs.append(("citation", _scalar(sheet, row.cells["citation"], f"{here}.citation",
                                              "citation")))
        announced = row.cells.get("announced")
        if announced is not None:
            word = ANNOUNCED_WORDS.get(announced.text.strip().lower())
            if word is None:
                sheet.error(announced.row, announced.column, "announced",
                            f"expected yes, no, true, false, 1, 0 or x, got "
                            f"{announced.text.strip()!r}")
            else:
                sheet.labels[f"{here}.announced"] = "announced"
                pairs.append(("announced", yaml.ScalarNode(
                    _BOOL, "true" if word else "false",
                    _mark(sheet, announced.row, announced.column), None, None)))
        laureates.append(_mapping(sheet, row.number, pairs))
    pairs = [("name", _scalar(sheet, category.cell, f"{path}.name", "category"))]
    if laureates:
        pairs.append(("laureates", _sequence(sheet, category.cell.row, laureates)))
    return _mapping(sheet, category.cell.row, pairs)
