"""The host's YAML edited in place: every untouched line stays byte for byte."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml

from kiosk.core import config as config_module
from kiosk.core.errors import ConfigInvalid
from kiosk.core.eventedit import EventEdit, path_text
from kiosk.core.yamledit import Document, carry_over

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "config").glob("*.yaml"))

# Written the way people write by hand: four-space indents, dashes at the key's column,
# spaces lined up before values, comments everywhere, a flow mapping, a folded block.
HAND_WRITTEN = """\
# Our hall's evening  -- edited by Ala, do not lose this line
schema_version:   1   # always 1

event:
    title:    {be: Вечар, en: Evening}     # both languages
    timezone: Europe/Warsaw
    start:    2027-03-25 18:00
    end:      "21:30"
    note: >-
        Ask Ihar about the projector
        before six.

# ---- the running order ----
programme:
- title: Opening        # short
  start: "18:00"
  duration: 15m
- title: Keynote
  speaker: A guest
  duration: 45m

# trailing words about slides
slides:
- text: Welcome!
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                    lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_config_is_rendered_back_to_the_same_bytes(path):
    doc = Document.read(path)
    title = doc.get(("event", "title"))
    same = doc.with_value(("event", "title"), title)
    assert same.text == path.read_text(encoding="utf-8")


def test_changing_one_value_changes_that_line_only_and_keeps_its_comment():
    doc = Document(HAND_WRITTEN, name="hall.yaml")
    new = doc.with_value(("programme", 1, "speaker"), "Sviatlana")
    assert changed_lines(HAND_WRITTEN, new.text) == ["-  speaker: A guest",
                                                     "+  speaker: Sviatlana"]
    new = doc.with_value(("programme", 0, "title"), "Welcome")
    assert changed_lines(HAND_WRITTEN, new.text) == [
        "-- title: Opening        # short", "+- title: Welcome        # short"]


def test_the_hosts_spacing_elsewhere_survives_an_edit_that_ruamel_would_not_write_so():
    doc = Document(HAND_WRITTEN, name="hall.yaml")
    new = doc.with_value(("event", "end"), "22:00")
    # ruamel would write "timezone: Europe/Warsaw" with one space; the host's stays.
    assert changed_lines(HAND_WRITTEN, new.text) == ['-    end:      "21:30"',
                                                     '+    end: "22:00"']
    assert "    timezone: Europe/Warsaw" in new.text
    assert "schema_version:   1   # always 1" in new.text


def test_a_new_key_goes_where_the_shape_puts_it_in_the_files_own_indentation():
    doc = Document(HAND_WRITTEN, name="hall.yaml")
    new = doc.with_value(("programme", 1, "start"), "18:15")
    assert changed_lines(HAND_WRITTEN, new.text) == ['+  start: "18:15"']
    lines = new.text.splitlines()
    assert lines.index('  start: "18:15"') == lines.index("  speaker: A guest") + 1
    new = doc.with_value(("event", "subtitle"), "Live from Vilnius")
    assert changed_lines(HAND_WRITTEN, new.text) == ["+    subtitle: Live from Vilnius"]
    assert new.text.splitlines()[5] == "    subtitle: Live from Vilnius"


def test_an_appended_item_keeps_the_next_sections_comment_after_the_list():
    doc = Document(HAND_WRITTEN, name="hall.yaml")
    new = doc.with_inserted(("programme",), 2, {"title": "Concert", "kind": "concert",
                                                  "duration": "1h"})
    assert changed_lines(HAND_WRITTEN, new.text) == [
        "+- title: Concert", "+  kind: concert", "+  duration: 1h"]
    lines = new.text.splitlines()
    assert lines.index("# trailing words about slides") > lines.index("  duration: 1h")
    config = new.check()
    assert [i.title for i in config.programme.items] == ["Opening", "Keynote", "Concert"]


def test_removing_the_last_item_keeps_the_comments_after_it():
    doc = Document(HAND_WRITTEN, name="hall.yaml")
    new = doc.without(("programme", 1))
    assert changed_lines(HAND_WRITTEN, new.text) == [
        "-- title: Keynote", "-  speaker: A guest", "-  duration: 45m"]
    assert "# ---- the running order ----" in new.text
    assert "# trailing words about slides" in new.text


def test_moving_items_keeps_their_own_comments_with_them():
    doc = Document(HAND_WRITTEN, name="hall.yaml")
    new = doc.with_moved(("programme",), 1, 0)
    assert new.get(("programme", 0, "title")) == "Keynote"
    assert "- title: Opening        # short" in new.text
    assert new.text.index("# trailing words about slides") > new.text.index("Opening")


@pytest.mark.parametrize("text", ["18:30", "no", "yes", "on", "2021", "1.5", "~", "null",
                                  "2021-02-06", "a: b", "#hashtag", "- dash", "  padded ",
                                  "line\nbreak", "Беларусь 🇧🇾", "'quoted'", '"double"'])
def test_any_text_is_read_back_as_that_text_by_the_kiosks_own_reader(text):
    doc = Document(HAND_WRITTEN, name="hall.yaml").with_value(("programme", 1, "subtitle"),
                                                             text)
    node = config_module.compose(doc.text, "hall.yaml")
    assert yaml.safe_load(doc.text)["programme"][1]["subtitle"] == text
    assert node is not None
    if text.strip():  # the kiosk trims the spaces around a text, as it does for any file
        assert doc.check().programme.items[1].subtitle == text.strip()


def test_a_languages_mapping_is_written_on_one_line_and_read_as_languages():
    doc = Document(HAND_WRITTEN, name="hall.yaml")
    new = doc.with_value(("programme", 1, "title"), {"be": "Даклад", "en": "Keynote"})
    assert "- title: {be: Даклад, en: Keynote}" in new.text
    assert new.check().programme.items[1].title == "Даклад"


def test_carry_over_keeps_original_lines_where_the_rendering_differs():
    original = "a:   1\nb: 2\nc:    3\n"
    before = "a: 1\nb: 2\nc: 3\n"
    after = "a: 1\nb: 5\nc: 3\n"
    assert carry_over(original, before, after) == "a:   1\nb: 5\nc:    3\n"


def test_path_text_is_the_checkers_own_notation():
    assert path_text(("programme", 3, "start")) == "programme[3].start"
    assert path_text(("event", "title")) == "event.title"


# ------------------------------------------------------------------ the editing session


def write(tmp_path: Path, text: str = HAND_WRITTEN) -> Path:
    path = tmp_path / "hall.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_invalid_change_is_refused_with_checks_message_and_nothing_is_written(tmp_path):
    path = write(tmp_path)
    before = path.read_bytes()
    session = EventEdit(path)
    refused = session.change(lambda d: d.with_value(("programme", 1, "start"), "18:05"))
    assert refused is not None
    assert "before programme[0] ('Opening') ends" in refused.about(("programme", 1, "start"))
    with pytest.raises(ConfigInvalid) as caught:  # the very words check prints
        config_module.loads(session.document.with_value(
            ("programme", 1, "start"), "18:05").text, str(path), base_dir=tmp_path)
    assert refused.errors == caught.value.errors
    assert path.read_bytes() == before
    assert not session.can_undo


def test_a_valid_change_is_written_and_undone_and_redone(tmp_path):
    path = write(tmp_path)
    session = EventEdit(path)
    assert session.change(lambda d: d.with_value(("event", "end"), "22:30")) is None
    assert '    end: "22:30"' in path.read_text(encoding="utf-8")
    assert session.config.event.end.hour == 21  # 22:30 in Warsaw before summer time
    assert session.undo() is None
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert session.redo() is None
    assert '    end: "22:30"' in path.read_text(encoding="utf-8")


def test_an_edit_made_meanwhile_in_a_text_editor_is_never_overwritten(tmp_path):
    path = write(tmp_path)
    session = EventEdit(path)
    by_hand = HAND_WRITTEN.replace("A guest", "Pavel")
    path.write_text(by_hand, encoding="utf-8")
    refused = session.change(lambda d: d.with_value(("event", "end"), "22:30"))
    assert refused is not None and refused.conflict
    assert path.read_text(encoding="utf-8") == by_hand
    assert session.document.get(("programme", 1, "speaker")) == "Pavel"
    assert session.change(lambda d: d.with_value(("event", "end"), "22:30")) is None
    assert "Pavel" in path.read_text(encoding="utf-8")


def test_a_problem_the_file_already_had_does_not_block_other_changes(tmp_path):
    path = write(tmp_path, HAND_WRITTEN.replace("- text: Welcome!", "- image: gone.png"))
    session = EventEdit(path)
    assert session.known and "gone.png" in str(session.known[0])
    assert session.change(lambda d: d.with_value(("event", "end"), "22:00")) is None
    refused = session.change(lambda d: d.with_value(("event", "timezone"), "Europe/Warsa"))
    assert refused is not None and "Europe/Warsaw" in refused.message


def test_an_outside_edit_that_leaves_the_file_invalid_is_neither_overwritten_nor_undone(
        tmp_path):
    path = write(tmp_path)
    session = EventEdit(path)
    assert session.change(lambda d: d.with_value(("event", "end"), "22:30")) is None
    assert session.can_undo
    # Meanwhile, in a text editor: a note and a mistake.
    by_hand = path.read_text(encoding="utf-8").replace(
        '"22:30"', '"25:00"  # projector off at 23').replace("A guest", "Pavel")
    path.write_text(by_hand, encoding="utf-8")
    refused = session.change(lambda d: d.with_value(("programme", 0, "title"), "Welcome"))
    assert refused is not None and refused.conflict
    assert "not a valid config now" in refused.message and "nothing was written" in \
        refused.message
    assert not session.can_undo, "undo would write back what came before the outside edit"
    assert session.undo() is None
    assert path.read_text(encoding="utf-8") == by_hand
    # Still invalid: still refused, still not written.
    assert session.change(lambda d: d.with_value(("event", "end"), "23:00")).conflict
    assert path.read_text(encoding="utf-8") == by_hand
    # Put right in the text editor: the editor takes it up and goes on from there.
    path.write_text(by_hand.replace('"25:00"', '"23:00"'), encoding="utf-8")
    assert session.change(lambda d: d.with_value(("event", "end"), "23:30")).conflict
    assert session.change(lambda d: d.with_value(("event", "end"), "23:30")) is None
    text = path.read_text(encoding="utf-8")
    assert "Pavel" in text and "# projector off at 23" in text


def test_an_outside_edit_in_another_encoding_is_refused_not_raised(tmp_path):
    path = write(tmp_path)
    session = EventEdit(path)
    path.write_bytes(HAND_WRITTEN.replace("Вечар", "Vecar").encode("utf-8")
                     .replace(b"A guest", b"J\xfcrgen"))
    refused = session.change(lambda d: d.with_value(("event", "end"), "22:30"))
    assert refused is not None and refused.conflict and "UTF-8" in refused.message
    assert b"J\xfcrgen" in path.read_bytes()


def test_a_file_saved_with_windows_line_ends_keeps_them(tmp_path):
    path = tmp_path / "hall.yaml"
    path.write_bytes(HAND_WRITTEN.replace("\n", "\r\n").encode("utf-8"))
    session = EventEdit(path)
    assert session.change(lambda d: d.with_value(("event", "end"), "22:30")) is None
    data = path.read_bytes()
    assert b'"22:30"' in data and data.count(b"\r\n") == data.count(b"\n")
    assert data.replace(b"\r\n", b"\n").decode("utf-8") == session.document.text


def test_a_slide_whose_picture_was_already_missing_can_still_be_moved_and_removed(tmp_path):
    path = write(tmp_path, HAND_WRITTEN.replace("- text: Welcome!",
                                                "- image: gone.png\n- text: Welcome!"))
    session = EventEdit(path)
    assert session.known and "gone.png" in str(session.known[0])
    assert session.change(lambda d: d.with_moved(("slides",), 0, 1)) is None
    assert session.change(lambda d: d.with_inserted(("slides",), 0, {"text": "Hi"})) is None
    assert session.document.get(("slides", 2, "image")) == "gone.png"
    assert session.change(lambda d: d.without(("slides", 2))) is None


def test_removing_the_only_item_of_a_list_keeps_the_next_sections_comment():
    text = HAND_WRITTEN + "# ---- awards after the slides ----\nawards:\n- name: Prize\n"
    doc = Document(text, name="hall.yaml")
    new = doc.without(("slides", 0))
    assert "# ---- awards after the slides ----" in new.text
    assert "Welcome!" not in new.text and new.get(("awards", 0, "name")) == "Prize"
    assert new.check().slides == ()
    # And a whole section in the middle of the file: the comment over the next one stays.
    new = doc.without(("programme",))
    assert "# trailing words about slides" in new.text and "Keynote" not in new.text


def test_removing_an_entry_in_the_middle_keeps_the_comment_over_the_next_one():
    text = HAND_WRITTEN.replace("- title: Keynote", "# the guest's slot\n- title: Keynote")
    text = text.replace("  duration: 15m\n", "  duration: 15m\n- title: Coffee\n  duration: 5m\n")
    doc = Document(text, name="hall.yaml")
    assert doc.get(("programme", 1, "title")) == "Coffee"
    new = doc.without(("programme", 1))
    assert "# the guest's slot" in new.text and "Coffee" not in new.text
    assert new.text.index("# the guest's slot") < new.text.index("Keynote")
