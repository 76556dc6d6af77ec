"""Broken configs: every problem is reported with file:line:column, key path and a clear message."""

from __future__ import annotations

import textwrap
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.config import load, loads
from kiosk.core.errors import ConfigError, ConfigInvalid

# Five lines every case below builds on; line numbers in the table count from here.
HEAD = """\
event:
  title: Watch party
  timezone: Europe/Moscow
  start: 2021-02-06 18:00
  end: "23:30"
"""


def read(text: str, tmp_path: Path, zone: str = "UTC"):
    return loads(text, "venue.yaml", base_dir=tmp_path, system_zone=ZoneInfo(zone))


def errors_of(text: str, tmp_path: Path) -> tuple[ConfigError, ...]:
    with pytest.raises(ConfigInvalid) as caught:
        read(text, tmp_path)
    errors = caught.value.errors
    assert errors, "ConfigInvalid without any error"
    return errors


def assert_where(error: ConfigError, line: int, column: int, path: str, phrase: str) -> None:
    assert (error.line, error.column, error.path) == (line, column, path), str(error)
    assert phrase in error.message, str(error)
    assert str(error).startswith(f"{error.file}:{line}:{column}: "), str(error)


# id, text, line, column, key path, phrase of the message
CASES = [
    # --- not YAML at all
    ("bad indentation",
     "event:\n  title: T\n timezone: Europe/Moscow\n",
     3, 2, "", "not valid YAML"),
    ("a tab for indentation",
     "event:\n\ttitle: T\n",
     2, 1, "", "not valid YAML"),
    ("unclosed quote",  # reported where the quote opens, not at the end of the file
     'event:\n  title: "Solidarity Conference\n  timezone: Europe/Moscow\n'
     "  start: 2021-02-06 18:00\n  end: 23:30\nvenue:\n  name: Hall\n",
     2, 10, "", "not valid YAML"),
    ("empty file", "", 1, 1, "", "empty"),
    ("only comments", "# nothing yet\n\n", 1, 1, "", "empty"),
    ("two documents",
     HEAD + "---\nevent:\n  title: Again\n",
     7, 1, "", "more than one YAML document"),
    # --- the wrong shape
    ("a list at the top",
     "- event: Watch party\n",
     1, 1, "", "expected a mapping (config)"),
    ("a list as the event",
     "event:\n  - title: T\n",
     2, 3, "event", "expected a mapping (event)"),
    ("a mapping as a title",  # a mapping names languages (issue 7)
     HEAD.replace("title: Watch party", "title: {text: Watch party}"),
     2, 11, "event.title.text", "unknown language 'text'"),
    ("an empty title",
     HEAD.replace("title: Watch party", 'title: ""'),
     2, 10, "event.title", "expected text, got an empty string"),
    ("no title value",
     HEAD.replace("title: Watch party", "title:"),
     2, 9, "event.title", "expected a value, got nothing"),
    ("a title too long",
     HEAD.replace("title: Watch party", "title: " + "x" * 161),
     2, 10, "event.title", "161 characters long; at most 160"),
    ("text as a boolean",
     HEAD + "overlay:\n  visible: maybe\n",
     7, 12, "overlay.visible", "expected true or false, got 'maybe'"),
    ("duration as a bare number",
     HEAD + "programme:\n  - title: A\n    duration: 90\n",
     8, 15, "programme[0].duration", "expected a duration like 45m, 1h30m or 20s, got '90'"),
    ("duration as base-60",
     HEAD + "programme:\n  - title: A\n    duration: 1:30\n",
     8, 15, "programme[0].duration", "got '1:30'"),
    ("a zero duration",
     HEAD + "programme:\n  - title: A\n    duration: 0s\n",
     8, 15, "programme[0].duration", "at least 1s"),
    ("an absurd duration",
     HEAD + "programme:\n  - title: A\n    duration: 99999999999h\n",
     8, 15, "programme[0].duration", ""),
    ("a negative delay",
     HEAD + "delay:\n  by: -5m\n",
     7, 7, "delay.by", "got '-5m'"),
    ("languages as a mapping",
     HEAD + "languages: {en: 1}\n",
     6, 12, "languages", "expected a list of language codes"),
    ("an unknown kind",
     HEAD + "programme:\n  - title: A\n    kind: brake\n",
     8, 11, "programme[0].kind", "did you mean 'break'?"),
    ("schema version 2",
     HEAD + "schema_version: 2\n",
     6, 17, "schema_version", "expected a whole number from 1 to 1"),
    ("schema version 1.5",
     HEAD + "schema_version: 1.5\n",
     6, 17, "schema_version", "expected a whole number from 1 to 1"),
    # --- unknown and missing keys
    ("titel",
     HEAD.replace("title:", "titel:"),
     2, 3, "event.titel", "unknown key 'titel' (did you mean 'title'?)"),
    ("programe",
     HEAD + "programe:\n  - title: A\n",
     6, 1, "programe", "unknown key 'programe' (did you mean 'programme'?)"),
    ("missing event.timezone",
     HEAD.replace("  timezone: Europe/Moscow\n", ""),
     2, 3, "event", "missing required key 'timezone'"),
    ("missing event",
     "venue:\n  name: Hall\n",
     1, 1, "(top level)", "missing required key 'event'"),
    ("missing delay.by",
     HEAD + "delay:\n  since: 19:00\n",
     7, 3, "delay", "missing required key 'by'"),
    # --- time zones and times
    ("Europe/Moskow",
     HEAD.replace("Europe/Moscow", "Europe/Moskow"),
     3, 13, "event.timezone", "unknown time zone 'Europe/Moskow' (did you mean 'Europe/Moscow'?)"),
    ("a time zone folder",
     HEAD.replace("Europe/Moscow", "America/Argentina"),
     3, 13, "event.timezone", "unknown time zone 'America/Argentina'"),
    ("an event start without a date",
     HEAD.replace("start: 2021-02-06 18:00", 'start: "18:00"'),
     4, 10, "event.start", "expected a date and time like 2021-02-06 18:30, got '18:00'"),
    ("hour 25, unquoted",
     HEAD.replace('end: "23:30"', "end: 25:30"),
     5, 8, "event.end", "'25:30' is not a real date or time"),
    ("30 February",
     HEAD.replace("2021-02-06 18:00", "2021-02-30 18:00"),
     4, 10, "event.start", "is not a real date or time"),
    ("end before start",
     HEAD.replace('end: "23:30"', "end: 2021-02-06 17:00"),
     5, 8, "event.end", "ends at 2021-02-06 17:00, not after its start 2021-02-06 18:00"),
    # --- the running order
    ("overlapping items",
     HEAD + "programme:\n  - title: A\n    start: 18:00\n    duration: 1h\n"
            "  - title: B\n    start: 18:30\n",
     11, 12, "programme[1].start", "items overlap"),
    ("an item before the event",
     HEAD + "programme:\n  - title: A\n    start: 17:00\n    duration: 1h\n",
     8, 12, "programme[0].start", "before the event starts at 2021-02-06 18:00"),
    ("an item ending after the event",
     HEAD + "programme:\n  - title: A\n    start: 23:00\n    duration: 1h\n",
     9, 15, "programme[0].duration", "ends at 2021-02-07 00:00, after the event ends at "
                                     "2021-02-06 23:30"),
    ("an item starting after the end",
     HEAD + "programme:\n  - title: A\n    start: 23:45\n",
     8, 12, "programme[0].start", "at or after the event's end"),
    ("an open-ended item followed by one without a start",
     HEAD + "programme:\n  - title: A\n    start: 18:00\n  - title: B\n",
     7, 12, "programme[0].title", "needs a duration, or the item after it needs a start"),
    # --- slides
    ("a missing image",
     HEAD + "slides:\n  - image: missing.png\n",
     7, 12, "slides[0].image", "image not found"),
    ("not an image",
     HEAD + "slides:\n  - image: notes.txt\n",
     7, 12, "slides[0].image", "is not the path of a PNG, JPEG or SVG image"),
    ("a slide with text and quote",
     HEAD + "slides:\n  - text: Hello\n    quote: World\n",
     7, 5, "slides[0]", "needs exactly one of text, quote, image, qr (got text, quote)"),
    ("a slide with nothing to show",
     HEAD + "slides:\n  - caption: Hello\n",
     7, 5, "slides[0]", "(got none)"),
    ("a QR code that is not a web address",
     HEAD + "slides:\n  - qr: ftp://example.org/x\n",
     7, 9, "slides[0].qr", "expected an http(s) address"),
    ("a stream file that is not there",
     HEAD + "  stream: clips/demo.mp4\n",
     6, 11, "event.stream", "no video file at"),
    # --- keys
    ("an unknown action",
     HEAD + "keys:\n  lives: L\n",
     7, 3, "keys.lives", "unknown action 'lives' (did you mean 'live'?)"),
    ("a bad key name",
     HEAD + "keys:\n  live: Ctrl+Foo\n",
     7, 9, "keys.live[0]", "unknown key 'Foo'"),
    ("a bad modifier in a list",
     HEAD + "keys:\n  live: [L, Hyper+X]\n",
     7, 13, "keys.live[1]", "unknown modifier 'Hyper'"),
    # --- duplicates
    ("a duplicate key",
     HEAD + "venue:\n  name: Hall A\n  name: Hall B\n",
     8, 3, "venue.name", "'name' is given twice"),
    ("a duplicate section",
     HEAD + "venue:\n  name: Hall A\nvenue:\n  name: Hall B\n",
     8, 1, "venue", "'venue' is given twice"),
    ("a duplicate action in keys",
     HEAD + "keys:\n  live: L\n  live: F5\n",
     8, 3, "keys.live", "given twice"),
    ("two actions on one key",
     HEAD + "keys:\n  live: X\n  slides: X\n",
     8, 11, "keys.slides", "key X is bound to both live and slides"),
    ("quit on a single key",
     HEAD + "keys:\n  quit: Q\n",
     7, 9, "keys.quit", "Q alone would let one stray key close the kiosk"),
    ("quit's chord taken by another action",
     HEAD + "keys:\n  live: Ctrl+Shift+Q\n",
     7, 9, "keys.live", "the quit action is left without a key"),
    # --- an end time that rolls over by a typo
    ("end before start read as the next day",
     HEAD.replace('end: "23:30"', 'end: "17:30"'),
     5, 8, "event.end", "write the date too, e.g. 2021-02-07 17:30"),
]


@pytest.mark.parametrize(("text", "line", "column", "path", "phrase"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_first_error(tmp_path, text, line, column, path, phrase):
    errors = errors_of(text, tmp_path)
    assert_where(errors[0], line, column, path, phrase)
    assert errors[0].file == "venue.yaml"
    for error in errors:
        assert str(error).startswith(f"venue.yaml:{error.line}:{error.column}:"), str(error)
        assert error.line >= 1 and error.column >= 1


def test_several_errors_are_all_reported_sorted_by_line(tmp_path):
    text = textwrap.dedent("""\
        event:
          titel: Watch party
          timezone: Europe/Moskow
          start: 2021-02-06 18:00
          end: "23:30"
        overlay:
          visible: maybe
        slides:
          - text: a
            quote: b
        keys:
          lives: L
    """)
    errors = errors_of(text, tmp_path)
    assert [(e.line, e.column, e.path) for e in errors] == [
        (2, 3, "event.titel"),      # not also "missing 'title'": the hint says it
        (3, 13, "event.timezone"),
        (7, 12, "overlay.visible"),
        (9, 5, "slides[0]"),
        (12, 3, "keys.lives"),
    ]
    assert "did you mean 'title'?" in errors[0].message


def test_error_text_of_the_exception_lists_every_error(tmp_path):
    with pytest.raises(ConfigInvalid) as caught:
        read(HEAD + "overlay:\n  visible: maybe\n  clock: sometimes\n", tmp_path)
    lines = str(caught.value).splitlines()
    assert lines == [str(e) for e in caught.value.errors]
    assert lines[0].startswith("venue.yaml:7:12: overlay.visible: ")
    assert lines[1].startswith("venue.yaml:8:10: overlay.clock: ")


# --------------------------------------------------------------------------- files


def test_a_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(ConfigInvalid) as caught:
        load(path)
    (error,) = caught.value.errors
    assert (error.file, error.line, error.column, error.path) == (str(path), 1, 1, "")
    assert "file not found" in error.message
    assert str(error).startswith(f"{path}:1:1: ")


def test_a_folder_instead_of_a_file(tmp_path):
    with pytest.raises(ConfigInvalid) as caught:
        load(tmp_path)
    (error,) = caught.value.errors
    assert (error.file, error.line, error.column) == (str(tmp_path), 1, 1)
    assert "is a folder" in error.message


def test_non_utf8_bytes_are_located(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.replace("Watch party", "Caf\xe9").encode("latin-1"))
    with pytest.raises(ConfigInvalid) as caught:
        load(path)
    (error,) = caught.value.errors
    assert "not UTF-8" in error.message
    # "  title: Caf" is 12 characters: the bad byte is on line 2, column 13.
    assert (error.line, error.column) == (2, 13), str(error)


def test_a_file_error_names_the_file(tmp_path):
    path = tmp_path / "hall.yaml"
    path.write_text(HEAD + "overlay:\n  visible: maybe\n", encoding="utf-8")
    with pytest.raises(ConfigInvalid) as caught:
        load(path)
    assert str(caught.value.errors[0]).startswith(f"{path}:7:12: overlay.visible: ")


def test_relative_paths_are_read_next_to_the_file(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "flag.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    path = tmp_path / "hall.yaml"
    path.write_text(HEAD + "slides:\n  - image: images/flag.svg\n", encoding="utf-8")
    config = load(path, system_zone=ZoneInfo("Europe/London"))
    assert config.slides[0].image == tmp_path / "images" / "flag.svg"
    assert config.slides[0].kind == "image"
    assert config.source == str(path)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "notepad.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + HEAD.encode("utf-8"))
    assert load(path, system_zone=ZoneInfo("UTC")).event.title == "Watch party"


# --------------------------------------------------------------------------- YAML 1.1 surprises


@pytest.mark.parametrize("spelling", ["18:30", '"18:30"', "'18:30'", "18:30:00"])
def test_an_unquoted_time_is_a_time_not_base_60(tmp_path, spelling):
    config = read(HEAD + f"programme:\n  - title: A\n    start: {spelling}\n", tmp_path)
    (item,) = config.programme.items
    moscow = ZoneInfo("Europe/Moscow")
    assert item.start.astimezone(moscow).time() == time(18, 30)
    assert item.start == datetime(2021, 2, 6, 18, 30, tzinfo=moscow)


def test_an_unquoted_event_end_is_a_time(tmp_path):
    config = read(HEAD.replace('end: "23:30"', "end: 23:30"), tmp_path)
    assert config.event.end == datetime(2021, 2, 6, 23, 30, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.mark.parametrize(
    ("spelling", "languages"),
    [
        ("[be, en]", ("be", "en")),
        ("de", ("de",)),
        ("[be@latin, EN, be]", ("be-Latn", "en", "be")),
    ],
)
def test_languages_are_codes_the_kiosk_speaks(tmp_path, spelling, languages):
    assert read(HEAD + f"languages: {spelling}\n", tmp_path).languages == languages


@pytest.mark.parametrize("spelling", ["[no]", "no", "[en, off]"])
def test_languages_stay_text_and_unknown_ones_are_named(tmp_path, spelling):
    # YAML 1.1 would read no/off as false: the error names the word as written.
    error = errors_of(HEAD + f"languages: {spelling}\n", tmp_path)[0]
    assert "unknown language 'no'" in error.message or "unknown language 'off'" in error.message


@pytest.mark.parametrize(("spelling", "value"), [("true", True), ("yes", True), ("false", False),
                                                 ("off", False)])
def test_booleans(tmp_path, spelling, value):
    assert read(HEAD + f"overlay:\n  clock: {spelling}\n", tmp_path).overlay.clock is value


@pytest.mark.parametrize(
    ("spelling", "value"),
    [("45m", timedelta(minutes=45)), ("1h30m", timedelta(hours=1, minutes=30)),
     ("1h 30m", timedelta(hours=1, minutes=30)), ("20s", timedelta(seconds=20)),
     ("90 min", timedelta(minutes=90)), ("2H", timedelta(hours=2))],
)
def test_durations(tmp_path, spelling, value):
    config = read(HEAD + f"programme:\n  - title: A\n    duration: {spelling}\n", tmp_path)
    assert config.programme.items[0].duration == value


def test_a_numeric_title_is_text(tmp_path):
    assert read(HEAD.replace("Watch party", "2021"), tmp_path).event.title == "2021"
