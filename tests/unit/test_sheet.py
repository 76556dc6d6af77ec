"""Running-order rows pasted from a spreadsheet or read from CSV, as the editor takes them."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from kiosk.core.sheet import SHEET_COLUMNS, SheetProblem, SheetRow, SheetRows, parse_rows

BOM = b"\xef\xbb\xbf"


def pasted(data: bytes) -> str:
    # The clipboard's bytes as the editor receives them: UTF-8, the BOM (if any) kept.
    return data.decode("utf-8")


def problems(rows: SheetRows) -> list[str]:
    return [str(p) for p in rows.problems]


# ---------------------------------------------------------------- what spreadsheets put there


def test_excel_clipboard_with_a_header_a_bom_and_a_cell_over_two_lines() -> None:
    # Excel on Windows: CRLF between rows, LF alone inside a quoted cell, quotes doubled, a
    # tab inside a cell quoted too, empty cells at the ends of rows, a blank row.
    data = (BOM + b"Start\tDURATION\t Title \tspeaker\t\t\r\n"
            b"18:00\t45m\tOpening\tAnna Ivanova\t\t\r\n"
            b'18:45\t15\t"Coffee\nand ""cake"""\t\t\t\r\n'
            b"\t\t\t\t\t\r\n"
            b'25:00\t1h\t"Key\tnote"\tBob\t\t\r\n')
    rows = parse_rows(pasted(data))
    assert rows.columns == ("start", "duration", "title", "speaker")
    assert rows.rows == (
        SheetRow(start=time(18, 0), duration=timedelta(minutes=45), title="Opening",
                 speaker="Anna Ivanova", line=2),
        SheetRow(start=time(18, 45), duration=timedelta(minutes=15),
                 title='Coffee\nand "cake"', line=3),
        SheetRow(start=None, duration=timedelta(hours=1), title="Key\tnote", speaker="Bob",
                 line=5),
    )
    # The spreadsheet's row 5: the two-line cell is one row, the blank row is one too.
    assert problems(rows) == ['row 5, start: "25:00" is not a time of day: hours go from 0 to 23']
    assert rows.problems == (SheetProblem(5, "start", '"25:00" is not a time of day: hours go '
                                                      "from 0 to 23"),)


def test_a_cell_over_several_lines_does_not_shift_the_rows_after_it() -> None:
    data = (b"start\ttitle\tsubtitle\r\n"
            b'18:00\tOpening\t"one\ntwo\nthree\nfour"\r\n'
            b"18:30\t\t\r\n"
            b'"18:75"\tTalk\t"a\r\nb"\r\n'
            b"19:00\tEnd\r\n")
    rows = parse_rows(pasted(data))
    assert [r.line for r in rows.rows] == [2, 3, 4, 5]
    assert problems(rows) == ["row 3, title: no title: every row needs one",
                              'row 4, start: "18:75": minutes go from 00 to 59']
    assert rows.rows[0].subtitle == "one\ntwo\nthree\nfour"
    assert rows.rows[2].subtitle == "a\nb"
    assert rows.rows[3] == SheetRow(start=time(19, 0), title="End", line=5)


def test_libreoffice_clipboard_lf_and_no_final_newline() -> None:
    data = (b"Start\tEnd\tTitle\tKind\tSpeaker\tSubtitle\n"
            b"18:00\t18:45\tOpening\tsession\tAnna\tWelcome\n"
            b"18:45\t19:00\tCoffee\tBreak\t\t\n"
            b"19:00\t20:30\tConcert\tCONCERT\t\tLive")
    rows = parse_rows(pasted(data))
    assert rows.problems == ()
    assert rows.columns == ("start", "end", "title", "kind", "speaker", "subtitle")
    assert rows.rows[0] == SheetRow(start=time(18), end=time(18, 45), title="Opening",
                                    speaker="Anna", subtitle="Welcome", line=2)
    assert [r.kind for r in rows.rows] == ["session", "break", "concert"]
    assert rows.rows[2].subtitle == "Live"


def test_google_sheets_clipboard_without_a_header() -> None:
    data = (b"18:00\t45m\tOpening\tAnna\tWelcome words\n"
            b"18:45\t15m\tBreak\t\t\n"
            b"19:00\t1h 30m\tKeynote\tBob\t\n")
    rows = parse_rows(pasted(data))
    assert rows.columns == ("start", "duration", "title", "speaker", "subtitle")
    assert rows.problems == ()
    assert rows.rows == (
        SheetRow(start=time(18), duration=timedelta(minutes=45), title="Opening",
                 speaker="Anna", subtitle="Welcome words", line=1),
        SheetRow(start=time(18, 45), duration=timedelta(minutes=15), title="Break", line=2),
        SheetRow(start=time(19), duration=timedelta(hours=1, minutes=30), title="Keynote",
                 speaker="Bob", line=3),
    )


def test_per_language_headers_in_every_spelling() -> None:
    data = (b"Start\tTitle (be)\tTITLE [en]\tspeaker:be\tSubtitle.de\r\n"
            b"18:00\t\xd0\x90\xd0\xb4\xd0\xba\xd1\x80\xd1\x8b\xd1\x86\xd1\x86\xd1\x91\tOpening"
            b"\t\xd0\x93\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0\tEr\xc3\xb6ffnung\r\n"
            b"18:30\t\tTalk\t\t\r\n")
    rows = parse_rows(pasted(data))
    assert rows.problems == ()
    assert rows.columns == ("start", "title (be)", "title (en)", "speaker (be)",
                            "subtitle (de)")
    first, second = rows.rows
    assert first.title == {"be": "Адкрыццё", "en": "Opening"}
    assert list(first.title) == ["be", "en"]  # header order
    assert first.speaker == {"be": "Ганна"}
    assert first.subtitle == {"de": "Eröffnung"}
    # A language left empty is left out; nothing given at all is plain empty text.
    assert second.title == {"en": "Talk"}
    assert second.speaker == ""
    assert second.subtitle == ""


def test_language_headers_in_the_other_order_and_other_spellings_of_a_code() -> None:
    rows = parse_rows("title (EN)\ttitle (be@latin)\tstart\nOpening\tAdkryccio\t18:00\n")
    assert rows.problems == ()
    assert rows.rows[0].title == {"en": "Opening", "be-Latn": "Adkryccio"}
    assert rows.rows[0].start == time(18)


def test_a_row_with_no_title_in_any_language_is_a_problem() -> None:
    rows = parse_rows("start\ttitle (be)\ttitle (en)\n18:00\t\t\n")
    assert problems(rows) == ["row 2, title: no title: every row needs one"]
    assert rows.rows[0].title == ""


def test_semicolon_csv_from_a_german_excel() -> None:
    # "CSV UTF-8" from a German Excel: a BOM, semicolons (the comma is the decimal point),
    # CRLF, a quoted cell holding a semicolon, decimal commas in durations.
    data = (BOM + b"Start;Duration;Title;Speaker\r\n"
            b"18:00;45;Er\xc3\xb6ffnung, Begr\xc3\xbc\xc3\x9fung;Anna\r\n"
            b'18:45;1,5h;"Vortrag; mit Diskussion";Bob\r\n'
            b"20:15;15 Min.;Pause;\r\n")
    rows = parse_rows(pasted(data))
    assert rows.problems == ()
    assert rows.columns == ("start", "duration", "title", "speaker")
    assert [r.title for r in rows.rows] == ["Eröffnung, Begrüßung", "Vortrag; mit Diskussion",
                                            "Pause"]
    assert [r.duration for r in rows.rows] == [timedelta(minutes=45),
                                               timedelta(hours=1, minutes=30),
                                               timedelta(minutes=15)]


def test_a_header_in_words_not_known_is_left_out_and_columns_read_by_content() -> None:
    data = (BOM + b"Beginn;Dauer;Titel\r\n18:00;45;Er\xc3\xb6ffnung\r\n18:45;15;Pause\r\n")
    rows = parse_rows(pasted(data))
    assert rows.problems == ()
    assert rows.columns == ("start", "duration", "title")
    assert [(r.line, r.start, r.title) for r in rows.rows] == [(2, time(18), "Eröffnung"),
                                                                (3, time(18, 45), "Pause")]


def test_comma_csv_with_quoted_commas_and_the_feeds_columns() -> None:
    data = (b"start,duration,title,kind,speaker,subtitle\n"
            b'18:00,30m,"Opening, with music",session,"Ivanova, Anna",\n'
            b"18:30,15m,Coffee,break,,\n")
    rows = parse_rows(pasted(data))
    assert rows.problems == ()
    assert rows.columns == ("start", "duration", "title", "kind", "speaker", "subtitle")
    assert rows.rows[0].title == "Opening, with music"
    assert rows.rows[0].speaker == "Ivanova, Anna"
    assert rows.rows[1].kind == "break"


def test_one_column_of_titles() -> None:
    rows = parse_rows("Opening\nKeynote\nClosing\n")
    assert rows.columns == ("title",)
    assert [r.title for r in rows.rows] == ["Opening", "Keynote", "Closing"]
    assert rows.problems == ()


@pytest.mark.parametrize("text", ["", "\ufeff", "\r\n\r\n", "\t\t\n \t \n"])
def test_nothing_pasted(text: str) -> None:
    assert parse_rows(text) == SheetRows((), (), ())


# ---------------------------------------------------------------- columns by what they hold


def test_start_and_end_columns_without_a_header() -> None:
    rows = parse_rows("18:00\t18:45\tOpening\n18:45\t19:00\tBreak\n")
    assert rows.columns == ("start", "end", "title")
    assert rows.rows[0].end == time(18, 45)
    assert rows.rows[0].duration is None


def test_durations_written_as_h_mm_are_not_taken_for_end_times() -> None:
    rows = parse_rows("18:00\t0:45\tOpening\n18:45\t0:15\tBreak\n19:00\t1:00\tTalk\n")
    assert rows.columns == ("start", "duration", "title")
    assert [r.duration for r in rows.rows] == [timedelta(minutes=45), timedelta(minutes=15),
                                               timedelta(hours=1)]


def test_start_end_and_duration_all_given() -> None:
    rows = parse_rows("6pm\t45 min\t6:45pm\tOpening\n6:45pm\t15 min\t7pm\tBreak\n")
    assert rows.columns == ("start", "duration", "end", "title")
    assert rows.rows[1] == SheetRow(start=time(18, 45), duration=timedelta(minutes=15),
                                    end=time(19), title="Break", line=2)


def test_the_sheets_own_row_numbers_are_left_out() -> None:
    rows = parse_rows("1\t18:00\t45\tOpening\n2\t18:45\t15\tBreak\n3\t19:00\t60\tTalk\n")
    assert rows.columns == ("", "start", "duration", "title")
    assert rows.problems == ()
    assert rows.rows[2].duration == timedelta(hours=1)


def test_bare_numbers_are_minutes_when_they_cannot_be_hours() -> None:
    rows = parse_rows("18:00\t45\tOpening\n18:45\t15\tBreak\n")
    assert rows.columns == ("start", "duration", "title")


def test_a_kind_column_is_recognised_beside_the_title() -> None:
    rows = parse_rows("18:00\tOpening\tAnna\tsession\n18:45\tCoffee\t\tBreak\n"
                      "19:00\tPrizes\tJury\tawards\n")
    assert rows.columns == ("start", "title", "speaker", "kind")
    assert [r.kind for r in rows.rows] == ["session", "break", "awards"]
    assert [r.speaker for r in rows.rows] == ["Anna", "", "Jury"]


def test_a_lone_break_is_a_title_not_a_kind() -> None:
    rows = parse_rows("18:45\tBreak\n")
    assert rows.columns == ("start", "title")
    assert rows.rows == (SheetRow(start=time(18, 45), title="Break", line=1),)


def test_a_mistyped_time_does_not_turn_its_column_into_text() -> None:
    rows = parse_rows("18:00\t45m\tOpening\n25:00\t1h\tKeynote\n19:00\t1h\tClosing\n")
    assert rows.columns == ("start", "duration", "title")
    assert problems(rows) == ['row 2, start: "25:00" is not a time of day: hours go from 0 to 23']
    assert rows.rows[1] == SheetRow(duration=timedelta(hours=1), title="Keynote", line=2)


def test_a_mistyped_duration_is_reported_at_its_row() -> None:
    rows = parse_rows("18:00\t45m\tOpening\n18:45\t-15\tBreak\n19:00\t1h\tTalk\n")
    assert problems(rows) == ['row 2, duration: "-15": a duration must be longer than zero']


def test_a_last_item_titled_end_is_a_row_not_a_header() -> None:
    rows = parse_rows("22:00\tEnd\n")
    assert rows.columns == ("start", "title")
    assert rows.rows == (SheetRow(start=time(22), title="End", line=1),)


def test_text_columns_past_the_subtitle_are_said_to_be_left_out() -> None:
    rows = parse_rows("18:00\tOpening\tAnna\tWelcome\tnote for the crew\n")
    assert rows.columns == ("start", "title", "speaker", "subtitle", "")
    assert problems(rows) == ["row 1: column 5 left out: without a header row, only start, end, "
                              "duration, title, kind, speaker and subtitle are recognised"]


# ---------------------------------------------------------------- headers and cells refused


def test_unknown_and_misspelt_headers() -> None:
    rows = parse_rows("Start\tTitel\tNotes\n18:00\tOpening\tmic check\n")
    assert problems(rows) == [
        "row 1, Titel: unknown column (did you mean 'title'?); expected start, duration, "
        "title, kind, speaker, subtitle, end",
        "row 1, Notes: unknown column; expected start, duration, title, kind, speaker, "
        "subtitle, end",
        "row 2, title: no title: every row needs one",
    ]
    assert rows.columns == ("start", "", "")


def test_headers_with_odd_spacing_and_case() -> None:
    rows = parse_rows("  START \tSub title\tTitle\n18:00\tsecond line\tOpening\n")
    assert rows.problems == ()
    assert rows.columns == ("start", "subtitle", "title")
    assert rows.rows[0].subtitle == "second line"


@pytest.mark.parametrize(("header", "message"), [
    ("start (be)", "row 1, start (be): 'start' is not a text, so it takes no language; name it "
                   "just 'start'"),
    ("title (xx)", "row 1, title (xx): unknown language 'xx'; known: be, be-Latn, ru, uk, en, "
                   "pl, lt, de"),
    ("title ()", "row 1, title (): no language given (write it like 'title (be)'); known: be, "
                 "be-Latn, ru, uk, en, pl, lt, de"),
])
def test_language_headers_refused(header: str, message: str) -> None:
    rows = parse_rows(f"start\ttitle (en)\t{header}\n18:00\tOpening\tx\n")
    assert problems(rows) == [message]
    assert rows.rows[0].title == {"en": "Opening"}


def test_a_column_given_twice() -> None:
    rows = parse_rows("title\tstart\tTitle\nOpening\t18:00\tagain\n")
    assert problems(rows) == ["row 1, Title: 'title' is given twice, so this column is left out"]
    assert rows.rows[0].title == "Opening"


def test_a_plain_text_column_beside_the_same_by_language() -> None:
    rows = parse_rows("start\ttitle\ttitle (be)\n18:00\tOpening\tАдкрыццё\n")
    assert problems(rows) == ["row 1, title: 'title' is also given by language ('title (be)'): "
                              "name this column's language too, or it is left out"]
    assert rows.rows[0].title == {"be": "Адкрыццё"}


def test_cells_under_no_header() -> None:
    rows = parse_rows("start\ttitle\t\n18:00\tOpening\tstray\n18:30\tTalk\n")
    assert problems(rows) == ["row 1: column 3 has no header, so its cells are left out"]
    assert rows.columns == ("start", "title", "")


def test_a_kind_not_known() -> None:
    rows = parse_rows("start\ttitle\tkind\n18:00\tCoffee\tbrake\n18:30\tTalk\tSession\n")
    assert problems(rows) == ['row 2, kind: "brake": expected session, break, awards or concert']
    assert [r.kind for r in rows.rows] == ["session", "session"]


def test_an_end_not_a_time() -> None:
    rows = parse_rows("start\tend\ttitle\n18:00\tlater\tOpening\n")
    assert problems(rows) == ['row 2, end: "later" is not a time: write it like 18:30 or 6:30pm']
    assert rows.rows[0].end is None


def test_every_kind_of_time_the_host_types_is_taken() -> None:
    rows = parse_rows("start\tduration\ttitle\n6.30 p.m.\t1h30\tA\n1800\t1:30\tB\n18h\t90\tC\n")
    assert rows.problems == ()
    assert [r.start for r in rows.rows] == [time(18, 30), time(18), time(18)]
    assert {r.duration for r in rows.rows} == {timedelta(hours=1, minutes=30)}


def test_problems_are_in_row_order_and_a_rows_in_column_order() -> None:
    rows = parse_rows("start\tduration\ttitle\n25:00\t0\t\n18:00\t45m\tFine\nsoon\t1h\tX\n")
    assert problems(rows) == [
        'row 2, start: "25:00" is not a time of day: hours go from 0 to 23',
        'row 2, duration: "0": a duration must be longer than zero',
        "row 2, title: no title: every row needs one",
        'row 4, start: "soon" is not a time: write it like 18:30 or 6:30pm',
    ]
    # Rows with problems are kept, their bad cells empty, for the editor to mark.
    assert [r.line for r in rows.rows] == [2, 3, 4]


def test_sheet_problem_text() -> None:
    assert str(SheetProblem(3, "start", "x")) == "row 3, start: x"
    assert str(SheetProblem(1, "", "y")) == "row 1: y"


def test_the_known_columns_are_the_feeds_and_an_end() -> None:
    assert SHEET_COLUMNS == ("start", "duration", "title", "kind", "speaker", "subtitle", "end")


@pytest.mark.parametrize("garbage", ["1\n2\n²", "9" * 5000, "Opening\t18:00\t" + "7" * 5000,
                                     "³\t½\t٣", "\t\t\n\t\n"])
def test_whatever_is_pasted_gives_rows_or_problems_never_an_error(garbage: str) -> None:
    parsed = parse_rows(garbage)  # a slot that raised would leave the host's paste undone
    assert isinstance(parsed.rows, tuple) and isinstance(parsed.problems, tuple)
