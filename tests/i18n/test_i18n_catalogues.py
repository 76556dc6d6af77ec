"""The translation catalogues: complete for every shipped language, in step with the code,
placeholders kept, plural forms right; and the words they give at run time."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from kiosk.core import i18n
from kiosk.core.i18n import KNOWN, SOURCE, catalogue_path, language

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [code for code in KNOWN if code != SOURCE]
# What scripts/update-translations.sh tells pybabel to look for.
KEYWORDS = {"N_": None, "Words": None, "gettext": None, "ngettext": (1, 2),
            "pgettext": ((1, "c"), 2)}


def _catalogue(code: str) -> Catalog:
    with catalogue_path(KNOWN[code].directory).open("rb") as po:
        return read_po(po)


def _template() -> Catalog:
    with (i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot").open("rb") as pot:
        return read_po(pot)


def _key(message_id: str | tuple[str, ...], context: str | None) -> tuple[str, str | None]:
    return (message_id if isinstance(message_id, str) else message_id[0], context)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_shipped_language_has_a_catalogue():
    assert set(TRANSLATED) >= {"be", "be-Latn", "ru", "uk", "pl", "lt", "de"}
    for code in TRANSLATED:
        assert catalogue_path(KNOWN[code].directory).is_file(), code


def test_the_template_holds_every_word_the_code_marks():
    """scripts/update-translations.sh was run after the last change of a marked word."""
    found = {
        _key(message, context)
        for _, _, message, _, context in extract_from_dir(
            ROOT / "kiosk", method_map=[("**.py", "python")], keywords=KEYWORDS)
    }
    template = {_key(m.id, m.context) for m in _template() if m.id}
    assert found - template == set(), "words missing from the template: re-extract"
    assert template - found == set(), "words no longer in the code: re-extract"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_is_complete(code):
    catalogue = _catalogue(code)
    template = {_key(m.id, m.context) for m in _template() if m.id}
    messages = {_key(m.id, m.context): m for m in catalogue if m.id}
    assert set(messages) == template, f"{code}: merge the template (update-translations.sh)"
    assert not catalogue.obsolete, f"{code}: obsolete entries: {list(catalogue.obsolete)}"
    for key, message in messages.items():
        assert not message.fuzzy, f"{code}: {key} is fuzzy"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{code}: {key} is not translated"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_are_kept(code):
    for message in _catalogue(code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(_fields(i) for i in ids))
        for text in strings:
            assert _fields(text) == wanted, f"{code}: {message.id!r} → {text!r}"
            # And it formats: no stray brace.
            text.format(**{name: "1" for name in wanted})


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_forms_fit_the_language(code):
    catalogue = _catalogue(code)
    rule = get_plural(KNOWN[code].locale)
    assert catalogue.num_plurals == rule.num_plurals, code
    assert catalogue.plural_expr == rule.plural_expr, code
    plurals = [m for m in catalogue if m.id and m.pluralizable]
    assert plurals, "the countdown's days at least need plural forms"
    for message in plurals:
        assert len(message.string) == rule.num_plurals, f"{code}: {message.id}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_words_are_really_translated(code):
    """Most words differ from the English (a few, like "PROBLEM: F1", may not)."""
    lang = language(code)
    template = [m for m in _template() if m.id and not m.pluralizable and not m.context]
    same = [m.id for m in template if lang.gettext(m.id) == m.id]
    assert len(same) <= len(template) // 8, f"{code}: untranslated at run time: {same}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_date_skeleton_is_one_babel_knows(code):
    lang = language(code)
    skeleton = lang.pgettext("date skeleton: weekday, day, month", "MMMEd")
    assert re.fullmatch(r"[EMd]+", skeleton), skeleton


# The countdown past a day, in each language's plural forms.
DAYS = {
    "en": {1: "1 day", 2: "2 days", 5: "5 days", 11: "11 days", 21: "21 days"},
    "be": {1: "1 дзень", 2: "2 дні", 5: "5 дзён", 11: "11 дзён", 21: "21 дзень", 22: "22 дні"},
    "be-Latn": {1: "1 dzień", 3: "3 dni", 5: "5 dzion", 12: "12 dzion", 21: "21 dzień"},
    "ru": {1: "1 день", 2: "2 дня", 5: "5 дней", 11: "11 дней", 21: "21 день", 24: "24 дня"},
    "uk": {1: "1 день", 2: "2 дні", 5: "5 днів", 11: "11 днів", 21: "21 день"},
    "pl": {1: "1 dzień", 2: "2 dni", 5: "5 dni", 12: "12 dni", 22: "22 dni"},
    "lt": {1: "1 diena", 2: "2 dienos", 9: "9 dienos", 10: "10 dienų", 11: "11 dienų",
           21: "21 diena"},
    "de": {1: "1 Tag", 2: "2 Tage", 21: "21 Tage"},
}


@pytest.mark.parametrize("code", sorted(DAYS))
def test_a_countdown_of_days_reads_naturally(code):
    from datetime import timedelta

    from kiosk.core.programme import countdown_text

    for days, words in DAYS[code].items():
        text = countdown_text(timedelta(days=days, hours=3, minutes=4, seconds=5),
                              language(code))
        assert text == f"{words} 03:04:05", code


def test_english_needs_no_catalogue_and_shows_the_source_words():
    english = language("en")
    assert english.gettext("NOW") == "NOW"
    assert english.ngettext("{days} day {clock}", "{days} days {clock}", 2) == \
        "{days} days {clock}"


def test_a_missing_catalogue_falls_back_to_english(monkeypatch, tmp_path):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._translations.cache_clear()
    try:
        assert i18n._translations("pl").gettext("NOW") == "NOW"
    finally:
        monkeypatch.undo()
        i18n._translations.cache_clear()


def test_fuzzy_entries_are_not_used(tmp_path, monkeypatch):
    """A word a merge marked fuzzy (its English changed) shows in English until checked."""
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / f"{i18n.DOMAIN}.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "NOW"\nmsgstr "TERAZ"\n\n#, fuzzy\nmsgid "NEXT"\nmsgstr "DALEJ"\n',
        encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._translations.cache_clear()
    try:
        words = i18n._translations("xx")
        assert (words.gettext("NOW"), words.gettext("NEXT")) == ("TERAZ", "NEXT")
    finally:
        monkeypatch.undo()
        i18n._translations.cache_clear()
