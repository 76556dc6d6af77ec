"""Running-order rows pasted from a spreadsheet or read from a CSV file, for the event editor."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time, timedelta

from kiosk.core.feedcsv import PROGRAMME_COLUMNS, TEXT_COLUMNS, split_header
from kiosk.core.i18n import KNOWN, canonical
from kiosk.core.programme import Kind
from kiosk.core.schema import _nearest
from kiosk.core.typed import TypedError, parse_clock, parse_duration

# The organisers' feed columns, and an end time, which a pasted running order often has
# instead of (or as well as) a duration.
SHEET_COLUMNS = (*PROGRAMME_COLUMNS, "end")
KINDS = tuple(k.value for k in Kind)
_SNIFFED = 64 * 1024  # enough lines for csv.Sniffer to see the pattern, not a whole file


@dataclass(frozen=True, kw_only=True)
class SheetRow:
    """One row of the running order as pasted; a cell that was refused is None or empty
    (its problem is in ``SheetRows.problems``)."""

    start: time | None = None
    end: time | None = None
    duration: timedelta | None = None
    # A dict (language code → text, in header order) when the sheet has a column per language.
    title: str | dict[str, str] = ""
    kind: str = Kind.SESSION.value
    speaker: str | dict[str, str] = ""
    subtitle: str | dict[str, str] = ""
    line: int = 0  # the row's number in the pasted text, 1 for its first row


@dataclass(frozen=True)
class SheetProblem:
    line: int
    column: str  # the column as the host knows it (start, title (be), a header as written)
    message: str

    def __str__(self) -> str:
        where = f"row {self.line}, {self.column}" if self.column else f"row {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SheetRows:
    rows: tuple[SheetRow, ...]
    problems: tuple[SheetProblem, ...]
    # What each pasted column was read as, left to right: a column name, "title (be)" for a
    # language's column, "" for a column that was left out.
    columns: tuple[str, ...]


@dataclass(frozen=True)
class _Column:
    name: str  # one of SHEET_COLUMNS
    language: str | None = None

    @property
    def label(self) -> str:
        return self.name if self.language is None else f"{self.name} ({self.language})"


# A record of the pasted text: its row number and its cells (trailing empty ones dropped).
_Record = tuple[int, list[str]]


def parse_rows(text: str) -> SheetRows:
    """Rows copied from Excel, LibreOffice or Google Sheets (tab-separated), or a CSV file
    (comma- or semicolon-separated); columns by their header, or by what their cells hold."""
    problems: list[SheetProblem] = []
    records = _records(text.removeprefix("\ufeff"), problems)
    if not records:
        return SheetRows((), tuple(problems), ())
    width = max(len(cells) for _, cells in records)
    if _is_header(records[0][1]):
        columns = _by_header(records[0], problems)
        body = records[1:]
        unheaded = sorted({i for _, cells in body for i, cell in enumerate(cells)
                           if cell.strip() and not _written(_at(records[0][1], i))})
        for i in unheaded:
            problems.append(SheetProblem(records[0][0], "", f"column {i + 1} has no header, "
                                                            "so its cells are left out"))
    else:
        columns, body = _by_content(records, problems)
    rows = [_row(number, cells, columns, problems) for number, cells in body]
    names = tuple(c.label if c is not None else "" for c in columns)
    names += ("",) * (width - len(names))
    problems.sort(key=lambda p: p.line)  # stable: a row's problems keep their column order
    return SheetRows(tuple(rows), tuple(problems), names[:width])


def _records(text: str, problems: list[SheetProblem]) -> list[_Record]:
    """The non-blank records, numbered as the spreadsheet numbers its rows: a quoted cell that
    spans lines is still one row, and a blank row counts."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel",
                        delimiter=_delimiter(text))
    records: list[_Record] = []
    number = 0
    try:
        for record in reader:
            number += 1
            # Excel ends rows with CRLF but a line inside a quoted cell with LF alone.
            cells = [cell.replace("\r\n", "\n") for cell in record]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                records.append((number, cells))
    except csv.Error as exc:
        problems.append(SheetProblem(number + 1, "", f"not readable as a table: {exc}"))
    return records


def _delimiter(text: str) -> str:
    if "\t" in text:
        return "\t"  # a spreadsheet's clipboard
    try:
        return csv.Sniffer().sniff(text[:_SNIFFED], delimiters=",;").delimiter
    except csv.Error:
        # One column, or too few lines to tell: the more frequent of the two.
        return ";" if text.count(";") > text.count(",") else ","


def _written(text: str) -> str:
    return " ".join(text.split())


def _at(cells: Sequence[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _key(name: str) -> str:
    """A header's column name with its spacing ignored: ``Sub title`` is ``subtitle``."""
    return name.replace(" ", "")


def _is_value(cell: str) -> bool:
    return _parses(parse_clock, cell) or _parses(parse_duration, cell)


def _parses(parse: Callable[[str], object], cell: str) -> bool:
    try:
        parse(cell)
    except ValueError:  # TypedError, or numbers no time or duration is made of
        return False
    return True


def _is_header(cells: Sequence[str]) -> bool:
    # A header names its columns and holds no times: a last item titled "End" at 22:00 is a
    # row, not a header.
    names = [_key(split_header(_written(c))[0]) for c in cells if c.strip()]
    return any(n in SHEET_COLUMNS for n in names) and not any(_is_value(c) for c in cells)


def _by_header(header: _Record, problems: list[SheetProblem]) -> list[_Column | None]:
    number, cells = header
    columns: list[_Column | None] = []
    for cell in cells:
        columns.append(None)
        written = _written(cell)
        if not written:
            continue
        name, code = split_header(written)
        key = _key(name)
        if key not in SHEET_COLUMNS:
            problems.append(SheetProblem(number, written, f"unknown column"
                                         f"{_nearest(key, SHEET_COLUMNS)}; expected "
                                         f"{', '.join(SHEET_COLUMNS)}"))
            continue
        language = None if code is None else canonical(code)
        if code is not None and key not in TEXT_COLUMNS:
            problems.append(SheetProblem(number, written, f"{key!r} is not a text, so it takes "
                                                          f"no language; name it just {key!r}"))
            continue
        if code is not None and language is None:
            what = f"unknown language {code!r}{_nearest(code, list(KNOWN))}" if code else \
                f"no language given (write it like '{key} (be)')"
            problems.append(SheetProblem(number, written, f"{what}; known: {', '.join(KNOWN)}"))
            continue
        found = _Column(key, language)
        if found in columns:
            problems.append(SheetProblem(number, written, f"{found.label!r} is given twice, "
                                                          "so this column is left out"))
            continue
        columns[-1] = found
    # A plain text column beside the same text by language: which language would it be?
    for i, column in enumerate(columns):
        if column is None or column.language is not None:
            continue
        by_language = next((c for c in columns if c is not None and c.name == column.name
                            and c.language is not None), None)
        if by_language is not None:
            problems.append(SheetProblem(number, _written(cells[i]), f"{column.name!r} is also "
                                         f"given by language ({by_language.label!r}): name "
                                         "this column's language too, or it is left out"))
            columns[i] = None
    return columns


@dataclass
class _Traits:
    """What a column's non-empty cells could be."""

    cells: list[str]
    clock: bool
    duration: bool
    kind: bool
    counting: bool  # 1, 2, 3, …: the sheet's own row numbers


def _traits(cells: list[str]) -> _Traits:
    numbers = [int(c) for c in cells if c.isascii() and c.isdigit() and len(c) < 10]
    counting = (len(cells) > 1 and len(numbers) == len(cells)
                and numbers == list(range(numbers[0], numbers[0] + len(numbers))))
    return _Traits(cells, _mostly(parse_clock, cells), _mostly(parse_duration, cells),
                   bool(cells) and all(c.lower() in KINDS for c in cells), counting)


def _mostly(parse: Callable[[str], object], cells: list[str]) -> bool:
    """At least half the cells parse, and the others look like a mistyped number ("25:00"),
    so one typo does not turn a column of times into text."""
    parsed = 0
    for cell in cells:
        if _parses(parse, cell):
            parsed += 1
        elif not any(ch.isdigit() for ch in cell):
            return False
    return parsed > 0 and parsed * 2 >= len(cells)


def _assign(records: Sequence[_Record], width: int) -> list[_Column | None]:
    """Columns by content: the first column of times is the start, a column of durations the
    duration, a second column of times the end; then title, speaker, subtitle (and kind)."""
    traits = [_traits([c.strip() for _, cells in records if (c := _at(cells, i)).strip()])
              for i in range(width)]
    columns: list[_Column | None] = [None] * width
    used = [not t.cells or t.counting for t in traits]
    start = next((i for i, t in enumerate(traits) if not used[i] and t.clock), None)
    if start is not None:
        columns[start], used[start] = _Column("start"), True
    taken: set[str] = set()
    for i, t in enumerate(traits):
        if used[i] or not (t.clock or t.duration):
            continue
        if t.clock and t.duration:
            # 1:30 is both an hour and a half and half past one: an end comes after the start.
            later = start is not None and _later(records, i, start)
            name = "end" if later and "end" not in taken else \
                "duration" if "duration" not in taken else "end"
        else:
            name = "end" if t.clock else "duration"
        if name in taken:
            continue
        columns[i], used[i] = _Column(name), True
        taken.add(name)
    free = [i for i in range(width) if not used[i]]
    # A lone "Break" is a title: kind is only a column beside the title.
    title = next((i for i in free if not traits[i].kind), free[0] if free else None)
    kind = next((i for i in free if traits[i].kind and i != title), None)
    texts = [i for i in free if i not in (title, kind)]
    for at, name in zip([title, *texts], ("title", "speaker", "subtitle"), strict=False):
        if at is not None:
            columns[at] = _Column(name)
    if kind is not None:
        columns[kind] = _Column("kind")
    return columns


def _later(records: Sequence[_Record], column: int, start: int) -> bool:
    pairs = 0
    for _, cells in records:
        try:
            begin, end = parse_clock(_at(cells, start)), parse_clock(_at(cells, column))
        except TypedError:
            continue
        if end <= begin:
            return False
        pairs += 1
    return pairs > 0


def _has_times(columns: Sequence[_Column | None]) -> bool:
    return any(c is not None and c.name in ("start", "end", "duration") for c in columns)


def _by_content(records: list[_Record], problems: list[SheetProblem],
                ) -> tuple[list[_Column | None], list[_Record]]:
    width = max(len(cells) for _, cells in records)
    columns = _assign(records, width)
    body = records
    if not _has_times(columns) and len(records) > 1:
        # A header in words the kiosk does not know ("Beginn; Dauer; Titel") hides the
        # columns of times under it: without it they show, and it is left out.
        rest = _assign(records[1:], width)
        first = records[0][1]
        if _has_times(rest) and not any(_is_value(c) for c in first) and all(
                _at(first, i).strip() for i, c in enumerate(rest) if c is not None):
            columns, body = rest, records[1:]
    left_out = [i + 1 for i, c in enumerate(columns)
                if c is None and any(_at(cells, i).strip() and not _at(cells, i).isdigit()
                                     for _, cells in body)]
    if left_out and body:
        which = ", ".join(str(n) for n in left_out)
        problems.append(SheetProblem(body[0][0], "", f"column{'s' if len(left_out) > 1 else ''} "
                                     f"{which} left out: without a header row, only "
                                     "start, end, duration, title, kind, speaker and subtitle "
                                     "are recognised"))
    return columns, body


def _row(number: int, cells: list[str], columns: Sequence[_Column | None],
         problems: list[SheetProblem]) -> SheetRow:
    given: dict[str, dict[str | None, str]] = {}
    for i, written in enumerate(cells):
        column = columns[i] if i < len(columns) else None
        if column is not None and written.strip():
            given.setdefault(column.name, {})[column.language] = written.strip()

    def text(name: str) -> str | dict[str, str]:
        texts = given.get(name, {})
        if None in texts:
            return texts[None]
        return {code: value for code, value in texts.items() if code is not None}

    def cell(name: str) -> str | None:
        return given.get(name, {}).get(None)

    def refused(name: str, exc: TypedError) -> None:
        problems.append(SheetProblem(number, name, str(exc)))

    start = end = None
    duration = None
    if (value := cell("start")) is not None:
        try:
            start = parse_clock(value)
        except TypedError as exc:
            refused("start", exc)
    if (value := cell("end")) is not None:
        try:
            end = parse_clock(value)
        except TypedError as exc:
            refused("end", exc)
    if (value := cell("duration")) is not None:
        try:
            duration = parse_duration(value)
        except TypedError as exc:
            refused("duration", exc)
    kind = Kind.SESSION.value
    written_kind = cell("kind")
    if written_kind is not None:
        if written_kind.lower() in KINDS:
            kind = written_kind.lower()
        else:
            problems.append(SheetProblem(number, "kind", f'"{written_kind}": expected '
                                         f"{', '.join(KINDS[:-1])} or {KINDS[-1]}"))
    title = text("title")
    if not title:
        problems.append(SheetProblem(number, "title", "no title: every row needs one"))
    return SheetRow(start=start, end=end, duration=duration, title=title or "", kind=kind,
                    speaker=text("speaker") or "", subtitle=text("subtitle") or "", line=number)
