"""Config texts in several languages: read with their places, picked per language, published
in the JSON Schema; and choosing the hall's languages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml

from kiosk.core import director
from kiosk.core.config import json_schema, loads
from kiosk.core.director import Health, Hold, Scene, State
from kiosk.core.errors import ConfigInvalid
from kiosk.core.feeds import merge, parse_feed
from kiosk.core.i18n import ENGLISH, Languages, Translated, choose, language, parse_codes
from kiosk.core.programme import at
from kiosk.core.view import compose

MSK = ZoneInfo("Europe/Moscow")

CONFIG = """\
event:
  title:
    be: Канферэнцыя салідарнасці
    en: Solidarity Conference
  timezone: Europe/Moscow
  start: 2021-02-06 18:00
  end: "23:30"
venue:
  timezone: Europe/London
languages: [pl]
programme:
  - title: {be: Адкрыццё, en: Opening, pl: Otwarcie}
    speaker: Sviatlana Tsikhanouskaya
    duration: 30m
  - title: {en: Break}
    kind: break
    duration: 15m
  - title: {be: Канцэрт, de: Konzert}
slides:
  - title: {be: 7 лютага, en: 7 February}
    text: {be: Дзень салідарнасці, en: Solidarity Day}
awards:
  - name: {en: BAUM Awards, be: Прэміі BAUM}
    categories:
      - name: {en: Laureates, be: Лаўрэаты}
        laureates:
          - name: {en: Ihar Losik, be: Ігар Лосік}
            citation: {en: Blogger, be: Блогер}
            announced: true
message: {en: Back soon, be: Хутка вернемся}
"""


def read(text: str = CONFIG):
    return loads(text, "venue.yaml", system_zone=ZoneInfo("UTC"))


def view_at(config, when: str, languages: Languages, scene: Scene | None = None):
    now = datetime.fromisoformat(f"2021-02-06T{when}").replace(tzinfo=MSK)
    moment = at(config.running(), now)
    hold = Hold(scene, now, None) if scene is not None else None
    state = State(hold=hold)
    decision = director.decide(state, moment, Health.PLAYING)
    return compose(config, moment, decision, state, loop_since=now, languages=languages)


def test_a_text_in_several_languages_reads_as_its_first_one():
    config = read()
    title = config.event.title
    assert isinstance(title, Translated)
    assert title == "Канферэнцыя салідарнасці"  # the first one given
    assert dict(title.texts) == {"be": "Канферэнцыя салідарнасці",
                                 "en": "Solidarity Conference"}
    assert config.programme.items[0].speaker == "Sviatlana Tsikhanouskaya"  # plain text
    assert config.languages == ("pl",)


@pytest.mark.parametrize(
    ("code", "title", "first", "concert"),
    [
        ("en", "Solidarity Conference", "Opening", "Канцэрт"),  # no English: the first
        ("be", "Канферэнцыя салідарнасці", "Адкрыццё", "Канцэрт"),
        ("pl", "Канферэнцыя салідарнасці", "Otwarcie", "Канцэрт"),  # falls back to the first
        ("de", "Канферэнцыя салідарнасці", "Адкрыццё", "Konzert"),
        # Łacinka without its own text: the Cyrillic Belarusian, transliterated.
        ("be-Latn", "Kanfierencyja salidarnasci", "Adkryccio", "Kancert"),
    ],
)
def test_the_view_picks_each_text_in_the_hall_language(code, title, first, concert):
    config = read()
    languages = Languages(language(code))
    before = view_at(config, "17:00", languages)
    assert before.countdown.title == title
    assert before.countdown.first_item == first
    assert view_at(config, "18:50", languages).overlay.now_title == concert


def test_slides_awards_and_the_message_are_picked_too():
    config = read()
    be = Languages(language("be"))
    slide = view_at(config, "18:35", be).slide
    assert (slide.title, slide.body) == ("7 лютага", "Дзень салідарнасці")
    board = view_at(config, "18:10", be, Scene.AWARDS).board
    award = board.awards[0]
    assert award.name == "Прэміі BAUM"
    assert award.categories[0].name == "Лаўрэаты"
    assert (award.categories[0].laureates[0].name,
            award.categories[0].laureates[0].citation) == ("Ігар Лосік", "Блогер")
    assert view_at(config, "18:10", be, Scene.MESSAGE).message == "Хутка вернемся"
    assert view_at(config, "18:10", ENGLISH, Scene.MESSAGE).message == "Back soon"


def test_a_feed_announcement_may_carry_languages_too():
    config = read()
    feed = parse_feed("announcement: {en: Doors open at 18:00, be: Дзверы адчыняюцца а 18:00}\n",
                      "feed.yaml")
    merged = merge(config, feed)
    assert view_at(merged, "17:00", Languages(language("be"))).announcement == \
        "Дзверы адчыняюцца а 18:00"
    assert view_at(merged, "17:00", ENGLISH).announcement == "Doors open at 18:00"


def test_an_edit_of_one_language_is_a_change_of_the_config():
    edited = read(CONFIG.replace("en: Solidarity Conference", "en: Solidarity Day"))
    assert str(edited.event.title) == str(read().event.title)  # the first text is the same…
    assert edited != read()  # …but the config changed


# id, text, line, column, key path, phrase
ERRORS = [
    ("an unknown language", CONFIG.replace("    en: Solidarity Conference",
                                           "    eng: Solidarity Conference"),
     4, 5, "event.title.eng", "unknown language 'eng' (did you mean 'en'?)"),
    ("a language twice", CONFIG.replace("    en: Solidarity Conference",
                                        "    be: Solidarity Conference"),
     4, 5, "event.title.be", "'be' is given twice"),
    ("an empty mapping", CONFIG.replace("  - title: {en: Break}", "  - title: {}"),
     15, 12, "programme[1].title", "got an empty mapping"),
    ("an empty text", CONFIG.replace("{be: Канцэрт, de: Konzert}", '{be: Канцэрт, de: ""}'),
     18, 30, "programme[2].title.de", "expected text, got an empty string"),
    ("a list for a language", CONFIG.replace("{en: Break}", "{en: [Break]}"),
     15, 17, "programme[1].title.en", "expected text, got a list"),
    ("too long in one language", CONFIG.replace("en: Back soon", "en: " + "x" * 301),
     30, 15, "message.en", "at most 300 fit"),
    ("a mapping where one text goes", CONFIG.replace("  timezone: Europe/London",
                                                     "  name: {en: Hall}"),
     9, 9, "venue.name", "expected text, got a mapping"),
    ("an unknown language for the screens", CONFIG.replace("languages: [pl]",
                                                           "languages: [pl, by]"),
     10, 17, "languages[1]", "unknown language 'by'"),
]


@pytest.mark.parametrize(("text", "line", "column", "path", "phrase"),
                         [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_a_bad_text_mapping_is_reported_where_it_is(text, line, column, path, phrase):
    with pytest.raises(ConfigInvalid) as caught:
        read(text)
    error = caught.value.errors[0]
    assert (error.line, error.column, error.path) == (line, column, path), str(error)
    assert phrase in error.message, str(error)
    assert str(error).startswith(f"venue.yaml:{line}:{column}: {path}: ")


def test_the_json_schema_takes_a_text_or_its_languages():
    schema = json_schema()
    title = schema["properties"]["event"]["properties"]["title"]
    plain, by_language = title["oneOf"]
    assert plain["type"] == "string"
    assert by_language["type"] == "object"
    assert set(by_language["propertyNames"]["enum"]) == {"be", "be-Latn", "ru", "uk", "en",
                                                         "pl", "lt", "de"}
    assert schema["properties"]["languages"]["anyOf"][0]["enum"][0] == "be"
    assert schema["properties"]["bilingual"]["enum"] == ["alternate", "stacked"]
    jsonschema.validate(yaml.safe_load(CONFIG), schema)
    bad = yaml.safe_load(CONFIG.replace("    en: Solidarity Conference", "    xx: Nope"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_every_shipped_config_validates_against_the_schema():
    schema = json_schema()
    for path in (Path(__file__).resolve().parents[2] / "config").glob("*.yaml"):
        if path.name.startswith("feed"):
            continue
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize(
    ("configured", "cli", "codes"),
    [
        ((), (), ("en",)),
        (("be", "de"), (), ("be", "de")),
        (("be", "de"), ("pl",), ("pl",)),  # --lang wins over the config
        (("en",), ("be-Latn", "en"), ("be-Latn", "en")),
        (("be", "be", "ru", "uk"), (), ("be", "ru")),  # the first two different ones
    ],
)
def test_choose(configured, cli, codes):
    assert choose(configured, cli).codes == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [("be", ("be",)), ("be,de", ("be", "de")), ("BE-latn", ("be-Latn",)),
     ("be@latin, en", ("be-Latn", "en")), ("uk,uk", ("uk",))],
)
def test_lang_codes_from_the_command_line(text, codes):
    assert parse_codes(text) == codes


@pytest.mark.parametrize("text", ["xx", "be,fr", "", ","])
def test_unknown_lang_codes_are_refused_with_the_known_ones(text):
    with pytest.raises(ValueError, match="known: be, be-Latn, ru, uk, en, pl, lt, de"):
        parse_codes(text)


def test_the_builtin_event_speaks_english_and_belarusian():
    from kiosk.core import config as config_module
    from kiosk.core import paths

    config = config_module.load(paths.builtin_config())
    assert choose(config.languages, (), config.bilingual).codes == ("en", "be")
    assert config.event.title == "Solidarity Conference With the Belarusian People"
    assert Languages(language("be")).primary.pick(config.event.title) == \
        "Канферэнцыя салідарнасці з беларускім народам"
    assert language("be-Latn").pick(config.event.title) == \
        "Kanfierencyja salidarnasci z biełaruskim narodam"
