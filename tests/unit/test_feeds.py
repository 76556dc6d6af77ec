"""Organisers' feeds: validated with the config's own schema, merged over the local config."""

from __future__ import annotations

import ast
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from kiosk.core.config import SCHEMA, Award, Category, Config, Laureate, award_key
from kiosk.core.errors import ConfigError, ConfigInvalid
from kiosk.core.feedcsv import AWARDS_COLUMNS, PROGRAMME_COLUMNS, parse_csv
from kiosk.core.feeds import FEED_SCHEMA, load_feed, merge, merge_awards, parse_feed
from kiosk.core.i18n import Translated, language
from kiosk.core.programme import Kind

MOSCOW_18 = datetime(2021, 2, 6, 15, 0, tzinfo=UTC)  # the built-in event's start

FEED = """\
announcement: Running ten minutes late
programme:
  - title: Opening
    start: "18:00"
    duration: 30m
  - title: Concert
    kind: concert
    speaker: The band
delay:
  by: 10m
  since: "19:00"
awards:
  - name: BAUM Human Rights Awards 2021
    categories:
      - name: Laureates 2021
        laureates:
          - name: A. Laureate
            citation: For courage
            announced: true
          - name: B. Laureate
"""


def errors_of(call, *args) -> tuple[ConfigError, ...]:
    with pytest.raises(ConfigInvalid) as caught:
        call(*args)
    assert caught.value.errors, "ConfigInvalid without any error"
    return caught.value.errors


def assert_where(error: ConfigError, line: int, column: int, path: str, phrase: str) -> None:
    assert (error.line, error.column, error.path) == (line, column, path), str(error)
    assert phrase in error.message, str(error)
    assert str(error).startswith(f"{error.file}:{line}:{column}: "), str(error)


def assert_merged(config: Config, merged: Config) -> None:
    """What FEED says, applied to the built-in event."""
    items = merged.programme.items
    assert [i.title for i in items] == ["Opening", "Concert"]
    assert items[0].start == MOSCOW_18
    assert items[0].end == items[1].start == MOSCOW_18 + timedelta(minutes=30)
    assert items[1].kind is Kind.CONCERT and items[1].speaker == "The band"
    assert items[1].end == config.event.end
    assert merged.delay is not None
    assert merged.delay.by == timedelta(minutes=10)
    assert merged.delay.since == MOSCOW_18 + timedelta(hours=1)
    assert merged.running().end == config.event.end + timedelta(minutes=10)
    baum, solidarity = merged.awards
    laureates = baum.categories[0].laureates
    assert laureates == (Laureate("A. Laureate", "For courage", True), Laureate("B. Laureate"))
    assert solidarity == config.awards[1]  # not in the feed: kept
    assert merged.slides == config.slides  # not in the feed: kept
    assert merged.announcement == "Running ten minutes late"
    assert merged.event == config.event and merged.keys == config.keys


def test_a_yaml_feed_overrides_what_it_names(builtin):
    config = builtin("UTC")
    merged = merge(config, parse_feed(FEED, "feed.yaml"))
    assert isinstance(merged, Config)
    assert_merged(config, merged)
    assert config.programme.items[0].title == "Opening of the conference"  # untouched


def test_a_json_feed_is_the_same_document(builtin):
    config = builtin("UTC")
    as_json = json.dumps(yaml.safe_load(FEED), ensure_ascii=False)
    assert_merged(config, merge(config, parse_feed(as_json, "feed.json")))


def test_a_json_feed_may_be_indented_with_tabs(builtin):
    config = builtin("UTC")
    text = '{\n\t"announcement": "Hello",\n\t"delay": {\n\t\t"by": "5m"\n\t}\n}\n'
    merged = merge(config, parse_feed(text, "feed.json"))
    assert merged.announcement == "Hello"
    assert merged.delay is not None and merged.delay.since == config.event.start
    (error,) = errors_of(parse_feed, text.replace('"5m"', '"5 parsecs"'), "feed.json")
    assert_where(error, 4, 9, "delay.by", "expected a duration")


def test_an_empty_feed_changes_nothing_but_adds_no_announcement(builtin):
    config = builtin("UTC")
    merged = merge(config, parse_feed("{}", "feed.json"))
    assert merged.programme == config.programme
    assert merged.awards == config.awards and merged.delay == config.delay
    assert merged.announcement == ""


def test_feeds_apply_one_after_another(builtin):
    config = builtin("UTC")
    first = merge(config, parse_feed(FEED, "feed.yaml"))
    second = merge(first, parse_feed("delay: {by: 0m}\n", "feed.yaml"))
    assert second.announcement == "Running ten minutes late"  # omitted: stays
    assert second.programme == first.programme
    assert second.delay is not None and second.delay.by == timedelta(0)
    third = merge(second, parse_feed('announcement: ""\n', "feed.yaml"))
    assert third.announcement == ""


def test_slides_in_a_feed_replace_the_slides(builtin):
    config = builtin("UTC")
    merged = merge(config, parse_feed(
        "slides:\n  - text: Doors close at midnight\n  - qr: https://example.org\n"
        "    duration: 5s\n", "feed.yaml"))
    assert [s.kind for s in merged.slides] == ["text", "qr"]
    assert merged.slides[0].duration == config.slideshow.duration
    assert merged.slides[1].duration == timedelta(seconds=5)


def test_awards_merge_by_name_and_new_ones_follow():
    local = (Award("One"), Award("Two", organiser="Local"))
    fed = (Award("New"), Award("  two ", organiser="Feed"))
    assert merge_awards(local, fed) == (Award("One"), Award("  two ", organiser="Feed"),
                                        Award("New"))


def test_the_feed_schema_reuses_the_config_fields():
    for name in ("programme", "delay", "awards", "slides"):
        assert FEED_SCHEMA.fields[name] is SCHEMA.fields[name]
    assert "announcement" in FEED_SCHEMA.json_schema()["properties"]


# id, text, line, column, key path, phrase of the message
BROKEN = [
    ("not YAML", "programme:\n  - title: A\n speaker: B\n", 3, 2, "", "not valid YAML"),
    ("not JSON", '{"programme": [}\n', 1, 16, "", "not valid YAML"),
    ("a list at the top", "- title: Opening\n", 1, 1, "", "expected a mapping (feed)"),
    ("config section", "event:\n  title: X\n", 1, 1, "event", "unknown key 'event'"),
    ("misspelt section", "programe: []\n", 1, 1, "programe", "did you mean 'programme'"),
    ("misspelt item key", "programme:\n  - title: A\n    speker: B\n", 3, 5,
     "programme[0].speker", "did you mean 'speaker'"),
    ("wrong kind", "programme:\n  - title: A\n    kind: sesion\n", 3, 11,
     "programme[0].kind", "did you mean 'session'"),
    ("announced not a boolean",
     "awards:\n  - name: X\n    categories:\n      - name: C\n        laureates:\n"
     "          - name: L\n            announced: maybe\n",
     7, 24, "awards[0].categories[0].laureates[0].announced", "expected true or false"),
    ("an award twice", "awards:\n  - name: X\n  - name: ' x'\n", 3, 11, "awards[1].name",
     "already awards[0]"),
    ("announcement too long", "announcement: " + "a" * 301 + "\n", 1, 15, "announcement",
     "at most 300"),
    ("JSON with a wrong type", '{\n  "delay": {"by": 10}\n}\n', 2, 19, "delay.by",
     "expected a duration"),
]


@pytest.mark.parametrize(("text", "line", "column", "path", "phrase"),
                         [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_a_broken_feed_says_where(text, line, column, path, phrase):
    errors = errors_of(parse_feed, text, "feed.yaml")
    assert_where(errors[0], line, column, path, phrase)
    assert errors[0].file == "feed.yaml"


@pytest.mark.parametrize(
    ("text", "line", "column", "path", "phrase"),
    [
        ("programme:\n  - title: A\n    start: '23:00'\n    duration: 1h\n", 4, 15,
         "programme[0].duration", "after the event ends"),
        ("programme:\n  - title: A\n    duration: 1h\n  - title: B\n    start: '18:30'\n",
         5, 12, "programme[1].start", "items overlap"),
        ("programme:\n  - title: A\n  - title: B\n", 2, 12, "programme[0].title",
         "needs a duration"),
    ],
    ids=["past the end", "overlap", "no duration"],
)
def test_a_feed_that_does_not_fit_the_event_is_not_merged(builtin, text, line, column, path,
                                                          phrase):
    document = parse_feed(text, "feed.yaml")
    (error,) = errors_of(merge, builtin("UTC"), document)
    assert_where(error, line, column, path, phrase)


# --------------------------------------------------------------------------- CSV


def programme_csv(config: Config) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PROGRAMME_COLUMNS)
    zone = config.event.timezone
    for item in config.programme.items:
        minutes = int(item.duration.total_seconds()) // 60
        writer.writerow([item.start.astimezone(zone).strftime("%H:%M"), f"{minutes}m",
                         item.title, item.kind.value, item.speaker, item.subtitle])
    return out.getvalue()


def awards_csv(awards: tuple[Award, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AWARDS_COLUMNS)
    for award in awards:
        for category in award.categories:
            rows = [[lau.name, lau.citation, "yes" if lau.announced else "no"]
                    for lau in category.laureates] or [["", "", ""]]
            for row in rows:
                writer.writerow([award.name, award.organiser, category.name, *row])
    return out.getvalue()


def test_a_running_order_round_trips_through_csv(builtin):
    config = builtin("UTC")
    text = programme_csv(config)
    merged = merge(config, parse_csv(text, "order.csv"))
    assert merged.programme == config.programme


def test_award_results_round_trip_through_csv(builtin):
    config = builtin("UTC")
    awards = (
        Award("BAUM Human Rights Awards 2021", categories=(
            Category("Laureates 2021", (Laureate("A", "For courage", True), Laureate("B"))),
            Category("Journalism", ()),
        )),
        Award("New award", organiser="Someone", categories=(Category("C", (Laureate("D"),)),)),
    )
    merged = merge(config, parse_csv(awards_csv(awards), "awards.csv"))
    assert merged.awards == (awards[0], config.awards[1], awards[1])
    assert merged.awards[0].categories[0].laureates[0].announced


def test_csv_with_a_bom_crlf_and_loose_headers(builtin):
    text = ("\ufeff Title ,START,Duration\r\nOpening,18:00,30m\r\n\r\n"
            '"Concert, with\r\nfriends",,\r\n,,\r\n')
    document = parse_csv(text, "order.csv")
    items = merge(builtin("UTC"), document).programme.items
    assert [i.title for i in items] == ["Opening", "Concert, with\r\nfriends"]
    assert items[0].start == MOSCOW_18


@pytest.mark.parametrize("word", ["yes", "TRUE", "1", "x", " X "])
def test_announced_words(word):
    text = f"award,category,laureate,announced\nA,C,L,{word}\n"
    (award,) = parse_csv(text, "awards.csv").awards or ()
    assert award.categories[0].laureates[0].announced


CSV_BROKEN = [
    ("bad start", "title,start\nA,18:00\nB,25:00\n", 3, 2, "start", "not a real date or time"),
    ("bad duration", "start,duration,title\n18:00,soon,A\n", 2, 2, "duration",
     "expected a duration"),
    ("empty title", "start,title,speaker\n18:00,,Someone\n", 2, 2, "title",
     "got an empty string"),
    ("unknown column", "title,speker\nA,B\n", 1, 2, "", "did you mean 'speaker'"),
    ("no header", "18:00,Opening\n", 1, 1, "", "must name the columns"),
    ("header after blank lines", "\n,,\ntitle,spaeker\n", 3, 2, "", "did you mean 'speaker'"),
    ("no title column", "speaker,start\nA,18:00\n", 1, 1, "", "must name the columns"),
    ("an awards column in a running order", "category,title\nA,B\n", 1, 1, "",
     "unknown column 'category'"),
    ("a column twice", "title,Title\nA,B\n", 1, 2, "", "given twice"),
    ("a cell outside the header", "title\nA,B\n", 2, 2, "", "no header"),
    ("bad kind", "title,kind\nA,brake\n", 2, 2, "kind", "did you mean 'break'"),
    ("announced not a word", "award,category,laureate,announced\nA,C,L,maybe\n", 2, 4,
     "announced", "expected yes, no"),
    ("laureate without category", "award,category,laureate\nA,,L\n", 2, 3, "category",
     "needs a category"),
    ("citation without laureate", "award,category,laureate,citation\nA,C,,Why\n", 2, 4,
     "citation", "needs a laureate"),
    ("no award name", "laureate,award,category\nL,,C\n", 2, 2, "award",
     "got an empty string"),
    ("two organisers", "award,organiser\nA,X\nA,Y\n", 3, 2, "organiser", "row 2 gives"),
    ("laureate too long", "award,category,laureate\nA,C," + "n" * 121 + "\n", 2, 3,
     "laureate", "at most 120"),
]


@pytest.mark.parametrize(("text", "line", "column", "path", "phrase"),
                         [case[1:] for case in CSV_BROKEN], ids=[c[0] for c in CSV_BROKEN])
def test_a_broken_csv_says_row_column_and_header(text, line, column, path, phrase):
    errors = errors_of(parse_csv, text, "sheet.csv")
    assert_where(errors[0], line, column, path, phrase)


def test_a_csv_running_order_that_does_not_fit_names_the_row(builtin):
    text = "title,duration,start\nA,1h,18:00\nB,,18:30\n"
    (error,) = errors_of(merge, builtin("UTC"), parse_csv(text, "order.csv"))
    assert_where(error, 3, 3, "start", "items overlap")


def test_an_empty_csv():
    (error,) = errors_of(parse_csv, "\ufeff\r\n", "order.csv")
    assert_where(error, 1, 1, "", "empty")


# --------------------------------------------------------------------------- CSV in languages

BE, EN, LATN = language("be"), language("en"), language("be-Latn")
T = Translated


def in_language(text: str, code: str, first: str) -> str:
    """What a spreadsheet's ``code`` column holds for a config text."""
    if isinstance(text, Translated):
        return text.texts.get(code, "")
    return text if code == first else ""


def bilingual_programme_csv(config: Config, codes: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    texts = ("title", "speaker", "subtitle")
    writer.writerow(["start", "duration", "kind",
                     *(f"{key} ({code})" for key in texts for code in codes)])
    zone = config.event.timezone
    for item in config.programme.items:
        minutes = int(item.duration.total_seconds()) // 60
        writer.writerow([item.start.astimezone(zone).strftime("%H:%M"), f"{minutes}m",
                         item.kind.value,
                         *(in_language(getattr(item, key), code, codes[0])
                           for key in texts for code in codes)])
    return out.getvalue()


def test_a_running_order_in_two_languages_round_trips_through_csv(builtin):
    config = builtin("UTC")
    text = bilingual_programme_csv(config, ("en", "be"))
    assert text.startswith("start,duration,kind,title (en),title (be),speaker (en)")
    items = merge(config, parse_csv(text, "order.csv")).programme.items
    # Translated texts compare whole: every language of every text came through.
    assert items == config.programme.items
    first = items[0]
    assert isinstance(first.title, Translated) and list(first.title.texts) == ["en", "be"]
    assert (EN.pick(first.title), BE.pick(first.title)) == ("Opening of the conference",
                                                            "Адкрыццё канферэнцыі")
    assert BE.pick(first.speaker) == "Беларусы Замежжа"
    assert [BE.pick(i.title) for i in items][-1] == "Канцэрт салідарнасці"


def test_a_running_order_with_belarusian_first(builtin):
    config = builtin("UTC")
    text = bilingual_programme_csv(config, ("be", "en"))
    items = merge(config, parse_csv(text, "order.csv")).programme.items
    # The first language column gives the plain text: the fallback, and what logs show.
    assert [str(i.title) for i in items] == [BE.pick(i.title) for i in config.programme.items]
    assert [EN.pick(i.title) for i in items] == [EN.pick(i.title) for i in config.programme.items]


def test_language_headers_are_spelt_loosely():
    text = ("Start, Title (BE) ,title [en],SPEAKER:be, speaker . EN ,Subtitle(be@latin)\n"
            "18:00,Перапынак,Break,Хтосьці,Someone,Pierapynak\n")
    (item,) = parse_csv(text, "order.csv").programme or ()
    title, speaker, subtitle = item["title"], item["speaker"], item["subtitle"]
    assert title == T("Перапынак", {"be": "Перапынак", "en": "Break"})
    assert list(title.texts) == ["be", "en"] and str(title) == "Перапынак"
    assert (EN.pick(title), BE.pick(title), LATN.pick(title)) == ("Break", "Перапынак",
                                                                  "Pierapynak")
    assert speaker.texts == {"be": "Хтосьці", "en": "Someone"}
    assert subtitle == T("Pierapynak", {"be-Latn": "Pierapynak"})
    # A column without a language stays a plain text.
    (plain,) = parse_csv("title\nBreak\n", "order.csv").programme or ()
    assert type(plain["title"]) is str


def test_a_row_may_fill_some_languages(builtin):
    text = ("title (en),title (be),duration\nOpening,Адкрыццё,30m\nBreak,,15m\n"
            ",Канцэрт,\n")
    items = merge(builtin("UTC"), parse_csv(text, "order.csv")).programme.items
    opening, pause, concert = (i.title for i in items)
    assert opening.texts == {"en": "Opening", "be": "Адкрыццё"}
    assert pause == T("Break", {"en": "Break"})
    assert (EN.pick(pause), BE.pick(pause)) == ("Break", "Break")  # shown in the one it has
    assert concert == T("Канцэрт", {"be": "Канцэрт"})
    assert (EN.pick(concert), LATN.pick(concert)) == ("Канцэрт", "Kancert")


AWARDS_IN_TWO_LANGUAGES = """\
award (en),award (be),organiser (en),organiser (be),category (en),category (be),\
laureate (en),laureate (be),citation (en),citation (be),announced
BAUM Human Rights Awards 2021,Праваабарончыя прэміі BAUM 2021,,,Laureates 2021,Лаўрэаты 2021,\
A. Laureate,А. Лаўрэат,For courage,За мужнасць,yes
baum human rights awards  2021,,,,Laureates 2021,,B. Laureate,,,,no
,Праваабарончыя прэміі BAUM 2021,,,Journalism,Журналістыка,,,,,
New award,Новая прэмія,Someone,,C,,D,Д,,,x
New award,,,Нехта,c,Ц,E,,,,
"""


def test_awards_in_two_languages_are_grouped_across_rows(builtin):
    config = builtin("UTC")
    merged = merge(config, parse_csv(AWARDS_IN_TWO_LANGUAGES, "awards.csv"))
    baum = Award(
        T("BAUM Human Rights Awards 2021", {"en": "BAUM Human Rights Awards 2021",
                                            "be": "Праваабарончыя прэміі BAUM 2021"}),
        categories=(
            Category(T("Laureates 2021", {"en": "Laureates 2021", "be": "Лаўрэаты 2021"}), (
                Laureate(T("A. Laureate", {"en": "A. Laureate", "be": "А. Лаўрэат"}),
                         T("For courage", {"en": "For courage", "be": "За мужнасць"}), True),
                Laureate(T("B. Laureate", {"en": "B. Laureate"})),
            )),
            Category(T("Journalism", {"en": "Journalism", "be": "Журналістыка"}), ()),
        ))
    new = Award(
        T("New award", {"en": "New award", "be": "Новая прэмія"}),
        organiser=T("Someone", {"en": "Someone", "be": "Нехта"}),
        categories=(Category(T("C", {"en": "C", "be": "Ц"}), (
            Laureate(T("D", {"en": "D", "be": "Д"}), announced=True),
            Laureate(T("E", {"en": "E"})),
        )),))
    # The fed award replaces the config's of the same (first-language) name, in place.
    assert merged.awards == (baum, config.awards[1], new)
    assert award_key(merged.awards[0].name) == award_key(config.awards[0].name)
    laureate = merged.awards[0].categories[0].laureates[0]
    assert (BE.pick(laureate.name), BE.pick(laureate.citation)) == ("А. Лаўрэат", "За мужнасць")
    assert BE.pick(merged.awards[2].organiser) == "Нехта"


# id, text, line, column, header, phrase of the message
CSV_LANGUAGES_BROKEN = [
    ("unknown language", "title (bee),start\nA,18:00\n", 1, 1, "title (bee)",
     "unknown language 'bee' (did you mean 'be'?); known: be, be-Latn, ru"),
    ("no language in the brackets", "title [ ]\nA\n", 1, 1, "title [ ]",
     "no language given (write it like 'title (be)'); known: be,"),
    ("no language after the colon", "award,laureate:\nA,B\n", 1, 2, "laureate:",
     "no language given (write it like 'laureate (be)')"),
    ("a language twice", "title (be),title [BE]\nA,B\n", 1, 2, "title [BE]",
     "'title' in 'be' is given twice (column 1, 'title (be)', has it too)"),
    ("a language twice, spelt otherwise", "speaker (be-Latn),title,speaker:be@latin\nA,B,C\n",
     1, 3, "speaker:be@latin", "'speaker' in 'be-Latn' is given twice"),
    ("a plain column after a language", "title (en),title\nA,Б\n", 1, 2, "title",
     "name this column's language too, like 'title (be)', or drop it"),
    ("a plain column before a language", "award,award (be)\nA,Б\n", 1, 1, "award",
     "'award' is also given by language ('award (be)' in column 2)"),
    ("a language on start", "title,start (be)\nA,18:00\n", 1, 2, "start (be)",
     "'start' is not a text, so it takes no language; name the column just 'start'"),
    ("a language on duration", "title,duration.en\nA,5m\n", 1, 2, "duration.en",
     "takes no language"),
    ("a language on announced", "award,category,laureate,announced [en]\nA,C,L,yes\n",
     1, 4, "announced [en]", "takes no language"),
    ("an unknown column with a language", "title,titel (be)\nA,B\n", 1, 2, "",
     "unknown column 'titel (be)' (did you mean 'title'?)"),
    ("no title in any language", "start,title (be),title (en)\n18:00,,\n", 2, 2,
     "title (be)", "expected text, got an empty string"),
    ("no award in any language", "category,award (en),award (be)\nC,,\n", 2, 2, "award (en)",
     "expected text, got an empty string"),
    ("too long in one language", "title (en),title (be)\nA," + "я" * 161 + "\n", 2, 2,
     "title (be)", "at most 160"),
    ("an award named otherwise in another language", "award (en),award (be)\nA,Б\nB,Б\n",
     3, 1, "award (en)", "row 2 names this award 'A' (the award this row names 'Б' in "
     "'award (be)')"),
    ("a category named otherwise in another language",
     "award,category (be),category (en),laureate\nX,Лаўрэаты,Laureates,L\nX,лаўрэаты,Winners,M\n",
     3, 3, "category (en)", "row 2 names this category 'Laureates'"),
    ("a name of another award", "award (en),award (be)\nA,\nB,В\nA,В\n", 4, 2, "award (be)",
     "row 3 gives this name to another award"),
    ("an organiser otherwise in one language",
     "award,organiser (en),organiser (be)\nA,X,Х\nA,X,Y\n", 3, 3, "organiser (be)",
     "row 2 gives this award's organiser as 'Х'"),
]


@pytest.mark.parametrize(("text", "line", "column", "path", "phrase"),
                         [case[1:] for case in CSV_LANGUAGES_BROKEN],
                         ids=[c[0] for c in CSV_LANGUAGES_BROKEN])
def test_a_csv_in_languages_says_row_column_and_header(text, line, column, path, phrase):
    (error,) = errors_of(parse_csv, text, "sheet.csv")
    assert_where(error, line, column, path, phrase)


@pytest.mark.parametrize(("text", "column", "path"), [
    ("title (en),title (be)\nA,Б\nC,D\n", 1, "title (en)"),
    ("title (en),title (be)\n,Б\nC,D\n", 2, "title (be)"),
], ids=["both languages", "the second only"])
def test_a_merge_error_names_the_language_column_given(builtin, text, column, path):
    (error,) = errors_of(merge, builtin("UTC"), parse_csv(text, "order.csv"))
    assert_where(error, 2, column, path, "needs a duration")



# --------------------------------------------------------------------------- the examples


@pytest.mark.parametrize("name", ["feed-example.yaml", "feed-programme-example.csv",
                                  "feed-awards-example.csv"])
def test_the_example_feeds_validate_and_merge(builtin, repo_root: Path, name):
    config = builtin("UTC")
    merged = merge(config, load_feed(repo_root / "config" / name))
    assert merged.programme.items
    assert any(lau.announced for a in merged.awards for c in a.categories
               for lau in c.laureates) or name == "feed-programme-example.csv"


def test_the_programme_example_is_in_english_and_belarusian(builtin, repo_root: Path):
    config = builtin("UTC")
    feed = load_feed(repo_root / "config" / "feed-programme-example.csv")
    items = merge(config, feed).programme.items
    assert all(list(i.title.texts) == ["en", "be"] for i in items)
    assert (str(items[0].title), BE.pick(items[0].title)) == ("Opening of the conference",
                                                              "Адкрыццё канферэнцыі")
    assert BE.pick(items[1].speaker) == "Святлана Ціханоўская"


def test_a_missing_feed_file(tmp_path):
    (error,) = errors_of(load_feed, tmp_path / "nope.yaml")
    assert "not found" in error.message


@pytest.mark.parametrize("module", ["feeds.py", "feedcsv.py"])
def test_feeds_stay_free_of_network_code(repo_root: Path, module):
    tree = ast.parse((repo_root / "kiosk" / "core" / module).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not imported & {"requests", "urllib3", "http", "socket", "PySide6", "vlc"}
