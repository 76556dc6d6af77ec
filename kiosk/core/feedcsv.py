"""Spreadsheet feeds: a running order or award results as CSV ("publish to web" exports).

Rows become the same node tree a YAML feed makes, with each cell's row and column as its
line and column, so the config's own schema validates them and every problem is reported as
``file:row:column: header: what``. Header names are matched without regard to case or spacing;
an empty cell means the value is absent; a leading byte-order mark is ignored.

A text column may be given once per language, the language named in its header (``title (be)``,
``title [be]``, ``title:be`` or ``title.be``): a row's texts in those columns become the same
``{be: …, en: …}`` mapping a YAML feed writes, in header order, so the first language column
holds the plain text.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import yaml
from yaml.error import Mark

from kiosk.core.config import award_key
from kiosk.core.errors import ConfigError, ConfigInvalid
from kiosk.core.feeds import FeedDocument, document_from_node
from kiosk.core.i18n import KNOWN, canonical
from kiosk.core.schema import _nearest

# The running order: one item per row, the same keys as a programme item in the config.
PROGRAMME_COLUMNS = ("start", "duration", "title", "kind", "speaker", "subtitle")
# Award results: one laureate per row; rows of one award (and one category) are grouped by
# name. A row without a laureate declares the award or category ("to be announced").
AWARDS_COLUMNS = ("award", "organiser", "category", "laureate", "citation", "announced")
# The columns that hold text, and so may be given once per language.
TEXT_COLUMNS = frozenset({"title", "speaker", "subtitle",
                          "award", "organiser", "category", "laureate", "citation"})
ANNOUNCED_WORDS = {"yes": True, "true": True, "1": True, "x": True,
                   "no": False, "false": False, "0": False}

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# `title (be)`, `title [be]`, `title:be`, `title.be`: a column name and a language.
_LANGUAGE_HEADER = re.compile(
    r"(?P<name>[^(\[:.]*?)\s*(?:\((?P<round>[^()]*)\)|\[(?P<square>[^\[\]]*)\]|[:.](?P<plain>.*))")


@dataclass(frozen=True)
class _Cell:
    row: int
    column: int
    text: str


# One column's non-empty cells in a row (or an award's, across rows): by language, None for a
# column that names none.
_Cells = dict[str | None, _Cell]


@dataclass(frozen=True)
class _Column:
    """A header cell that names a known column."""

    number: int
    name: str  # the known column name: title, start, award, …
    language: str | None  # the known language code its header names, if any
    label: str  # how errors name it: the column name, or the header as written with a language


@dataclass
class _Line:
    """A CSV record as read: its cells by column number."""

    number: int
    cells: dict[int, _Cell]


@dataclass
class _Row:
    """A record of the body: its non-empty cells by column name (the required one always)."""

    number: int
    cells: dict[str, _Cells]


@dataclass
class _Sheet:
    name: str
    errors: list[ConfigError] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    columns: dict[int, _Column] = field(default_factory=dict)

    def error(self, row: int, column: int, label: str, message: str) -> None:
        self.errors.append(ConfigError(self.name, row, column, label, message))

    def label(self, cell: _Cell) -> str:
        found = self.columns.get(cell.column)
        return found.label if found is not None else ""


def parse_csv(text: str, name: str) -> FeedDocument:
    """Validate a running-order or awards CSV (told apart by its header); raises ConfigInvalid."""
    sheet = _Sheet(name)
    rows = _read(text, sheet)
    if not rows:
        raise ConfigInvalid(sheet.errors or [ConfigError(name, 1, 1, "", "the file is empty")])
    header, body = rows[0], rows[1:]
    names = [split_header(_written(c.text))[0] for c in header.cells.values()]
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
    sheet.columns = headers
    if not any(c.name == required for c in headers.values()):
        if required not in names:  # else its header was reported already
            sheet.error(header.number, 1, "", f"no {required!r} column")
        raise ConfigInvalid(sheet.errors)
    required_column = next(n for n, c in headers.items() if c.name == required)
    table = []
    for r in body:
        cells: dict[str, _Cells] = {}
        for c in r.cells.values():
            column = headers.get(c.column)
            if column is not None and c.text.strip():
                cells.setdefault(column.name, {})[column.language] = c
        if cells:
            # An empty required cell (in every language) stays, as empty text in its first
            # column, so it is reported at its place.
            cells.setdefault(required, {None: _Cell(r.number, required_column, "")})
            table.append(_Row(r.number, cells))
    titled = {c.column for c in header.cells.values() if c.text.strip()}
    for r in body:
        for cell in r.cells.values():
            # A column whose header was not understood was reported at its header.
            if cell.column not in titled and cell.text.strip():
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


def _written(text: str) -> str:
    """A header as written, its spacing made single."""
    return " ".join(text.split())


def split_header(written: str) -> tuple[str, str | None]:
    """``Title (BE)`` → ``("title", "BE")``; ``Start`` → ``("start", None)``."""
    match = _LANGUAGE_HEADER.fullmatch(written)
    if match is None:
        return written.lower(), None
    code = next(g for g in (match["round"], match["square"], match["plain"]) if g is not None)
    return match["name"].strip().lower(), code.strip()


def _headers(header: _Line, columns: tuple[str, ...], sheet: _Sheet) -> dict[int, _Column]:
    """Column number → the known column (and language) its header names."""
    found: dict[int, _Column] = {}
    for cell in header.cells.values():
        written = _written(cell.text)
        if not written:
            continue
        name, code = split_header(written)
        here = (header.number, cell.column)
        if name not in columns:
            sheet.error(*here, "", f"unknown column {written!r}{_nearest(name, columns)}; "
                                   f"expected {', '.join(columns)}")
            continue
        language = None if code is None else canonical(code)
        if code is not None and name not in TEXT_COLUMNS:
            sheet.error(*here, written, f"{name!r} is not a text, so it takes no language; "
                                        f"name the column just {name!r}")
            continue
        if code is not None and language is None:
            what = f"unknown language {code!r}{_nearest(code, list(KNOWN))}" if code else \
                f"no language given (write it like '{name} (be)')"
            sheet.error(*here, written, f"{what}; known: {', '.join(KNOWN)}")
            continue
        twin = next((c for c in found.values() if (c.name, c.language) == (name, language)),
                    None)
        if twin is not None:
            if language is None:
                sheet.error(*here, "", f"column {name!r} is given twice")
            else:
                sheet.error(*here, written, f"{name!r} in {language!r} is given twice (column "
                                            f"{twin.number}, {twin.label!r}, has it too)")
            continue
        found[cell.column] = _Column(cell.column, name, language,
                                     name if language is None else written)
    # A plain column next to language columns of the same text: which language would it be?
    for column in found.values():
        if column.language is not None or column.name not in TEXT_COLUMNS:
            continue
        given = [c for c in found.values() if c.name == column.name and c.language]
        if given:
            spare = next(k for k in ("en", "be", *KNOWN) if all(c.language != k for c in given))
            sheet.error(header.number, column.number, column.name,
                        f"{column.name!r} is also given by language ({given[0].label!r} in "
                        f"column {given[0].number}): name this column's language too, like "
                        f"'{column.name} ({spare})', or drop it")
    return found


def _mark(sheet: _Sheet, row: int, column: int) -> Mark:
    return Mark(sheet.name, 0, row - 1, column - 1, None, 0)


def _scalar(sheet: _Sheet, cell: _Cell, path: str) -> yaml.ScalarNode:
    sheet.labels[path] = sheet.label(cell)
    # Quoted style: a cell is always text, never YAML's null, number or boolean.
    return yaml.ScalarNode(_STR, cell.text, _mark(sheet, cell.row, cell.column), None, '"')


def _first(cells: _Cells) -> _Cell:
    """The cell of the first column (in header order) that is given."""
    return min(cells.values(), key=lambda c: c.column)


def _text(sheet: _Sheet, cells: _Cells, path: str) -> yaml.Node:
    """One value: a cell's text, or a mapping of language codes to texts as YAML writes it
    (``{be: …, en: …}``) in header order, located and labelled at its first cell."""
    ordered = sorted(cells.items(), key=lambda item: item[1].column)
    code, first = ordered[0]
    if code is None:
        return _scalar(sheet, first, path)
    sheet.labels[path] = sheet.label(first)
    pairs: list[tuple[yaml.Node, yaml.Node]] = [
        (yaml.ScalarNode(_STR, str(code), _mark(sheet, cell.row, cell.column), None, None),
         _scalar(sheet, cell, f"{path}.{code}"))
        for code, cell in ordered
    ]
    return yaml.MappingNode(_MAP, pairs, _mark(sheet, first.row, first.column), None, None)


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
            (key, _text(sheet, cells[key], f"{path}.{key}"))
            for key in PROGRAMME_COLUMNS if key in cells
        ]
        items.append(_mapping(sheet, row.number, pairs))
    return _mapping(sheet, 1, [("programme", _sequence(sheet, 1, items))])


@dataclass
class _Named:
    """An award, or a category of one: the rows that name it, and its name in each language
    as first given."""

    row: int
    names: _Cells
    organiser: _Cells = field(default_factory=dict)
    categories: _Index = field(default_factory=lambda: _Index("category"))
    laureates: list[_Row] = field(default_factory=list)


class _Index:
    """Awards (or one award's categories) in the order first named. A row belongs to the one it
    names alike (case and spacing ignored) in any language; its other languages must agree."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.found: list[_Named] = []
        self._by_name: dict[tuple[str | None, str], _Named] = {}

    def add(self, sheet: _Sheet, names: _Cells) -> _Named:
        match = next(((cell, self._by_name[(code, award_key(cell.text))])
                      for code, cell in names.items()
                      if (code, award_key(cell.text)) in self._by_name), None)
        if match is None:
            named = _Named(_first(names).row, dict(names))
            self.found.append(named)
            self._by_name.update({(code, award_key(c.text)): named for code, c in names.items()})
            return named
        because, named = match
        for code, cell in names.items():
            key = (code, award_key(cell.text))
            earlier = named.names.get(code)
            owner = self._by_name.get(key)
            if earlier is not None and award_key(earlier.text) != key[1]:
                sheet.error(cell.row, cell.column, sheet.label(cell),
                            f"row {earlier.row} names this {self.what} "
                            f"{earlier.text.strip()!r} (the {self.what} this row names "
                            f"{because.text.strip()!r} in {sheet.label(because)!r})")
            elif owner is not None and owner is not named:
                sheet.error(cell.row, cell.column, sheet.label(cell),
                            f"row {owner.row} gives this name to another {self.what}")
            elif earlier is None:
                named.names[code] = cell
                self._by_name[key] = named
        return named


def _agree(sheet: _Sheet, known: _Cells, given: _Cells, what: str) -> None:
    """Add the languages ``given`` has to ``known``; one both have must say the same."""
    for code, cell in given.items():
        earlier = known.get(code)
        if earlier is None:
            known[code] = cell
        elif earlier.text.strip() != cell.text.strip():
            sheet.error(cell.row, cell.column, sheet.label(cell),
                        f"row {earlier.row} gives {what} as {earlier.text.strip()!r}")


def _awards_node(rows: list[_Row], sheet: _Sheet) -> yaml.Node:
    awards = _Index("award")
    for row in rows:
        cells = row.cells
        name = _first(cells["award"])
        if not name.text.strip():
            sheet.error(name.row, name.column, sheet.label(name),
                        "expected text, got an empty string")
            continue
        award = awards.add(sheet, cells["award"])
        if "organiser" in cells:
            _agree(sheet, award.organiser, cells["organiser"], "this award's organiser")
        if "laureate" not in cells:
            for extra in ("citation", "announced"):
                if extra in cells:
                    cell = _first(cells[extra])
                    sheet.error(row.number, cell.column, sheet.label(cell),
                                "needs a laureate in the same row")
        if "category" not in cells:
            if "laureate" in cells:
                sheet.error(row.number, _first(cells["laureate"]).column, "category",
                            "a laureate needs a category in the same row")
            continue
        category = award.categories.add(sheet, cells["category"])
        if "laureate" in cells:
            category.laureates.append(row)
    nodes: list[yaml.Node] = []
    for a, award in enumerate(awards.found):
        path = f"awards[{a}]"
        pairs: list[tuple[str, yaml.Node]] = [("name", _text(sheet, award.names, f"{path}.name"))]
        if award.organiser:
            pairs.append(("organiser", _text(sheet, award.organiser, f"{path}.organiser")))
        categories = [
            _category_node(category, f"{path}.categories[{c}]", sheet)
            for c, category in enumerate(award.categories.found)
        ]
        if categories:
            pairs.append(("categories", _sequence(sheet, award.row, categories)))
        nodes.append(_mapping(sheet, award.row, pairs))
    return _mapping(sheet, 1, [("awards", _sequence(sheet, 1, nodes))])


def _category_node(category: _Named, path: str, sheet: _Sheet) -> yaml.Node:
    laureates: list[yaml.Node] = []
    for n, row in enumerate(category.laureates):
        here = f"{path}.laureates[{n}]"
        pairs: list[tuple[str, yaml.Node]] = [
            ("name", _text(sheet, row.cells["laureate"], f"{here}.name"))]
        if "citation" in row.cells:
            pairs.append(("citation", _text(sheet, row.cells["citation"], f"{here}.citation")))
        if "announced" in row.cells:
            announced = _first(row.cells["announced"])
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
    pairs = [("name", _text(sheet, category.names, f"{path}.name"))]
    if laureates:
        pairs.append(("laureates", _sequence(sheet, category.row, laureates)))
    return _mapping(sheet, category.row, pairs)
