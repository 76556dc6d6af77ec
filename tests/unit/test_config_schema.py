"""The built-in config, the published JSON Schema, key tables and key names."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import yaml

from kiosk.core.actions import DEFAULT_KEYS, DESCRIPTIONS, Action, conflicts, key_table
from kiosk.core.config import json_schema, loads
from kiosk.core.errors import ConfigInvalid
from kiosk.core.keynames import normalise_key
from kiosk.core.programme import Kind

# --------------------------------------------------------------------------- the built-in event


def test_builtin_config_loads(builtin):
    config = builtin("Europe/London")
    assert config.event.title == "Solidarity Conference With the Belarusian People"
    assert config.event.organiser == "Belarusians Abroad"
    assert config.event.timezone == ZoneInfo("Europe/Moscow")
    assert config.event.stream is None
    assert config.venue.name == "Your hall"
    assert config.venue.timezone == ZoneInfo("Europe/London")
    assert config.languages == ("en", "be")
    assert len(config.programme.items) == 10
    assert [i.kind for i in config.programme.items].count(Kind.BREAK) == 2
    assert config.delay is None
    assert [s.kind for s in config.slides] == ["text", "image", "quote", "text", "quote", "text"]
    assert config.slides[1].image.is_file()
    assert config.slides[2].duration == timedelta(seconds=20)
    assert config.slides[0].duration == timedelta(seconds=12)
    assert [a.name for a in config.awards] == ["BAUM Human Rights Awards 2021",
                                                "Belarusian Solidarity Award"]
    assert all(c.laureates == () for a in config.awards for c in a.categories)
    assert config.message == "We will be back in a few minutes"
    assert dict(config.keys) == dict(DEFAULT_KEYS)


# --------------------------------------------------------------------------- the JSON Schema


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_committed_schema_is_not_stale(schema_path):
    committed = json.loads(schema_path.read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        f"{schema_path.name} is stale: run `make schema` and commit the result")


def test_committed_schema_is_formatted_as_written(schema_path, tmp_path):
    from kiosk.core.config import write_json_schema

    fresh = tmp_path / "schema.json"
    write_json_schema(fresh)
    assert schema_path.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        f"{schema_path.name} differs from the generated file: run `make schema`")


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft202012Validator(json_schema())


def _problems(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(document)]


def test_builtin_yaml_validates_against_the_schema(validator, builtin_path):
    # What an editor or a CI check sees: plain yaml.safe_load, YAML 1.1 rules included.
    document = yaml.safe_load(builtin_path.read_text(encoding="utf-8"))
    assert _problems(validator, document) == []


MINIMAL = {
    "schema_version": 1,
    "event": {
        "title": "Watch party",
        "timezone": "Europe/Moscow",
        "start": "2021-02-06 18:00",
        "end": "23:30",
    },
    "programme": [
        {"title": "Opening", "start": "18:00", "duration": "15m"},
        {"title": "Break", "kind": "break", "duration": "15m"},
        {"title": "Concert", "kind": "concert"},
    ],
    "slides": [{"text": "Hello"}, {"quote": "Be free", "author": "Someone"}],
    "keys": {"blackout": ["B", "Space"], "live": "L"},
    "languages": "en",
}


def _broken(change):
    document = copy.deepcopy(MINIMAL)
    change(document)
    return document


BROKEN = {
    "unknown top-level key": _broken(lambda d: d.update(programe=[])),
    "missing event.timezone": _broken(lambda d: d["event"].pop("timezone")),
    "a mapping as a title": _broken(lambda d: d["event"].update(title={"text": "x"})),
    "an empty title": _broken(lambda d: d["event"].update(title="")),
    "a date-less event start": _broken(lambda d: d["event"].update(start="18:00")),
    "duration as a number": _broken(lambda d: d["programme"][0].update(duration=90)),
    "an unknown kind": _broken(lambda d: d["programme"][1].update(kind="brake")),
    "text and quote on one slide": _broken(lambda d: d["slides"][0].update(quote="x")),
    "a slide with nothing": _broken(lambda d: d["slides"][0].pop("text")),
    "an unknown action": _broken(lambda d: d["keys"].update(lives="L")),
    "schema version 2": _broken(lambda d: d.update(schema_version=2)),
    "text as a boolean": _broken(lambda d: d.update(overlay={"visible": "maybe"})),
}


def test_minimal_document_is_valid_for_both(validator, tmp_path):
    assert _problems(validator, MINIMAL) == []
    loads(yaml.safe_dump(MINIMAL, allow_unicode=True), "minimal.yaml", base_dir=tmp_path,
          system_zone=ZoneInfo("UTC"))


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_documents_fail_the_schema_and_the_loader(validator, tmp_path, name):
    document = BROKEN[name]
    assert _problems(validator, document), f"the JSON schema accepts {name}"
    with pytest.raises(ConfigInvalid):
        loads(yaml.safe_dump(document, allow_unicode=True), "broken.yaml", base_dir=tmp_path,
              system_zone=ZoneInfo("UTC"))


# --------------------------------------------------------------------------- key tables


def test_no_overrides_is_the_default_table_without_conflicts():
    table = key_table({})
    assert table == dict(DEFAULT_KEYS)
    assert set(table) == set(Action)
    assert conflicts(table) == []


def test_every_action_is_described_and_has_a_key():
    assert set(DESCRIPTIONS) == set(Action)
    assert all(DEFAULT_KEYS[a] for a in Action)


@pytest.mark.parametrize("key", sorted({k for keys in DEFAULT_KEYS.values() for k in keys}))
def test_default_keys_are_already_normalised(key):
    assert normalise_key(key) == key


def test_an_override_replaces_the_actions_keys_whole():
    table = key_table({"live": ("F9",)})
    assert table[Action.LIVE] == ("F9",)
    assert table[Action.SLIDES] == DEFAULT_KEYS[Action.SLIDES]


def test_an_override_takes_a_key_away_from_a_default_action():
    table = key_table({"live": ("B",)})
    assert table[Action.LIVE] == ("B",)
    assert table[Action.BLACKOUT] == (".",)
    assert conflicts(table) == []
    table = key_table({"help": ("Esc", "F1")})
    assert table[Action.AUTOMATIC] == ("Home",)
    assert table[Action.HELP] == ("Esc", "F1")
    assert conflicts(table) == []


def test_two_overrides_with_one_key_are_a_conflict():
    table = key_table({"live": ("B",), "blackout": ("B",)})
    assert conflicts(table) == [("B", [Action.LIVE, Action.BLACKOUT])]


def test_keys_from_a_config_are_normalised_and_override(config_from):
    config = config_from("""\
        event:
          title: Keys
          timezone: Europe/Moscow
          start: 2021-02-06 18:00
          end: "23:30"
        keys:
          blackout: space
          next_slide: [pgdn, ctrl+right]
          quit: shift+ctrl+x
          slides: 1
    """)
    assert config.keys[Action.BLACKOUT] == ("Space",)
    assert config.keys[Action.NEXT_SLIDE] == ("PgDown", "Ctrl+Right")
    assert config.keys[Action.QUIT] == ("Ctrl+Shift+X",)
    assert config.keys[Action.SLIDES] == ("1",)
    assert config.keys[Action.LIVE] == DEFAULT_KEYS[Action.LIVE]
    assert conflicts(config.keys) == []


# --------------------------------------------------------------------------- key names


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("b", "B"),
        ("B", "B"),
        (" q ", "Q"),
        ("1", "1"),
        (".", "."),
        ("?", "?"),
        ("+", "+"),
        ("ctrl+shift+q", "Ctrl+Shift+Q"),
        ("Shift+Ctrl+Q", "Ctrl+Shift+Q"),
        ("shift+alt+ctrl+meta+x", "Ctrl+Alt+Shift+Meta+X"),
        ("ctrl + shift + q", "Ctrl+Shift+Q"),
        ("control+a", "Ctrl+A"),
        ("cmd+q", "Ctrl+Q"),
        ("command+q", "Ctrl+Q"),
        ("option+a", "Alt+A"),
        ("ctrl+ctrl+a", "Ctrl+A"),
        ("Ctrl++", "Ctrl++"),
        ("escape", "Esc"),
        ("ESC", "Esc"),
        ("spacebar", "Space"),
        ("return", "Return"),
        ("enter", "Enter"),
        ("del", "Del"),
        ("insert", "Ins"),
        ("pageup", "PgUp"),
        ("page up", "PgUp"),
        ("prior", "PgUp"),
        ("pgdn", "PgDown"),
        ("page down", "PgDown"),
        ("next", "PgDown"),
        ("f5", "F5"),
        ("shift+f5", "Shift+F5"),
        ("F24", "F24"),
        ("left", "Left"),
        ("media play", "Media Play"),
        ("volume mute", "Volume Mute"),
        ("ctrl+alt+del", "Ctrl+Alt+Del"),
        ("shift+/", "Shift+/"),
        ("é", "É"),
    ],
)
def test_normalise_key(text, canonical):
    assert normalise_key(text) == canonical


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "empty key name"),
        ("   ", "empty key name"),
        ("F25", "unknown key 'F25'"),
        ("Hyper+X", "unknown modifier 'Hyper'"),
        ("Ctrl+Foo", "unknown key 'Foo'"),
        ("Ctrl+", "unknown key ''"),
        ("Ctrl+Shift", "unknown key 'Shift'"),
        ("ab", "unknown key 'ab'"),
        ("pagedn", "unknown key 'pagedn'"),
    ],
)
def test_normalise_key_rejects(text, phrase):
    with pytest.raises(ValueError, match=phrase):
        normalise_key(text)


def test_a_letter_stays_one_key():
    # "ß".upper() is "SS", which names no key at all; Qt spells this key "ß".
    assert normalise_key("ß") == "ß"
