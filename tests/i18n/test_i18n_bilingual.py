"""Two languages on the programme bar: taking turns every few seconds, or stacked."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import config as config_module
from kiosk.core import director, paths
from kiosk.core.director import Health, Scene, State
from kiosk.core.i18n import ALTERNATE_SECONDS, Languages, choose, language
from kiosk.core.programme import at
from kiosk.core.view import compose

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(scope="module")
def builtin():
    config = config_module.load(paths.builtin_config(), system_zone=ZoneInfo("Europe/Berlin"))
    return dataclasses.replace(config, languages=("be", "de"))


def view_at(config, now: datetime, languages: Languages):
    moment = at(config.running(), now)
    state = State(overlay=True)
    decision = director.decide(state, moment, Health.PLAYING)
    return compose(config, moment, decision, state, loop_since=now, languages=languages)


def turn_start(now: datetime, turn: int) -> datetime:
    """The first instant at or after ``now`` at which the bar shows language ``turn``."""
    seconds = int(now.timestamp())
    while (seconds // ALTERNATE_SECONDS) % 2 != turn:
        seconds += 1
    return datetime.fromtimestamp(seconds, MSK)


def test_alternate_is_the_default_with_two_languages(builtin):
    assert builtin.bilingual == "alternate"
    assert choose(builtin.languages, (), builtin.bilingual).mode == "alternate"


def test_alternating_bars_take_turns_every_few_seconds(builtin):
    languages = choose(("be", "de"))
    first = turn_start(datetime(2021, 2, 6, 18, 20, tzinfo=MSK), 0)
    second = first + timedelta(seconds=ALTERNATE_SECONDS)
    be = view_at(builtin, first, languages).overlay
    de = view_at(builtin, second, languages).overlay
    assert (be.language, be.now_label, be.next_label) == ("be", "ЦЯПЕР", "ДАЛЕЙ")
    assert be.now_title == "Зварот Нацыянальнага лідара Беларусі"
    assert be.countdown.startswith("праз 1")
    assert be.event_clock == "Масква 18:20"
    assert (de.language, de.now_label, de.next_label) == ("de", "JETZT", "DANACH")
    # No German title in the config: the first one given (English) stands in.
    assert de.now_title == "Address by the National Leader of Belarus"
    assert de.event_clock == "Moskau 18:20"
    assert view_at(builtin, first + timedelta(seconds=ALTERNATE_SECONDS - 1),
                   languages).overlay.language == "be"  # a whole turn each
    assert view_at(builtin, second + timedelta(seconds=ALTERNATE_SECONDS),
                   languages).overlay.language == "be"


def test_only_the_bar_alternates(builtin):
    """The rest of the screen (badges, scenes) stays in the kiosk's own language."""
    languages = choose(("be", "de"))
    now = turn_start(datetime(2021, 2, 6, 17, 50, tzinfo=MSK), 1)
    view = view_at(builtin, now, languages)
    assert view.scene is Scene.COUNTDOWN
    assert view.overlay.language == "de"
    assert view.countdown.starts_venue.startswith("Пачатак: ")
    assert view.countdown.first_label == "НАПАЧАТКУ"
    assert view.languages == ("be", "de")


@pytest.mark.parametrize("turn", [0, 1])
def test_stacked_bars_show_both_languages_at_once(builtin, turn):
    languages = Languages(language("be"), language("en"), "stacked")
    now = turn_start(datetime(2021, 2, 6, 18, 20, tzinfo=MSK), turn)
    overlay = view_at(builtin, now, languages).overlay
    assert overlay.language == "be"
    assert overlay.now_label == "ЦЯПЕР · NOW"
    assert overlay.next_label == "ДАЛЕЙ · NEXT"
    assert overlay.now_title == "Зварот Нацыянальнага лідара Беларусі"
    assert overlay.now_title_2 == "Address by the National Leader of Belarus"
    assert overlay.next_title == "Народнае антыкрызіснае ўпраўленне"
    assert overlay.next_title_2 == "The People's Anti-Crisis Management"
    assert overlay.now_detail == "Святлана Ціханоўская"
    assert overlay.countdown.startswith("праз 1")


def test_stacked_titles_without_a_second_version_are_not_repeated(builtin):
    plain = dataclasses.replace(builtin, programme=dataclasses.replace(
        builtin.programme, items=tuple(dataclasses.replace(i, title=str(i.title))
                                       for i in builtin.programme.items)))
    languages = Languages(language("be"), language("de"), "stacked")
    overlay = view_at(plain, datetime(2021, 2, 6, 18, 20, tzinfo=MSK), languages).overlay
    assert overlay.now_title == "Address by the National Leader of Belarus"
    assert (overlay.now_title_2, overlay.next_title_2) == ("", "")
    assert overlay.now_label == "ЦЯПЕР · JETZT"


def test_stacked_is_chosen_in_the_config(tmp_path):
    text = paths.builtin_config().read_text(encoding="utf-8").replace(
        "\nlanguages: [en, be]\n", "\nlanguages: [be, en]\nbilingual: stacked\n")
    config = config_module.loads(text, "stacked.yaml", base_dir=paths.builtin_config().parent)
    languages = choose(config.languages, (), config.bilingual)
    assert (languages.codes, languages.mode) == (("be", "en"), "stacked")
    overlay = view_at(config, datetime(2021, 2, 6, 19, 0, tzinfo=MSK), languages).overlay
    assert overlay.now_label == "ЦЯПЕР · NOW"
    assert overlay.now_title_2 == "Discussion: How the world can help Belarus"


def test_one_language_has_no_second_lines(builtin):
    overlay = view_at(builtin, datetime(2021, 2, 6, 18, 20, tzinfo=MSK),
                      Languages(language("be"))).overlay
    assert overlay.now_label == "ЦЯПЕР"
    assert (overlay.now_title_2, overlay.next_title_2) == ("", "")
