"""What the host reads on the TV is in the hall's language too (Words: English until a
language says them): the feeds' state and why a fetch failed, the key card's "and N more";
and the countdown says "Starts in" over its digits. The diagnostics card and a missing
libVLC in the running kiosk: test_i18n_kiosk.py."""

from __future__ import annotations

import copy
import pickle
import socket
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from PySide6.QtCore import QSize

from kiosk.core import config as config_module
from kiosk.core import director, feedpoll, paths
from kiosk.core.config import FeedSource
from kiosk.core.director import Health, Hold, Scene, State
from kiosk.core.feedcache import FeedCache
from kiosk.core.fetch import Limits
from kiosk.core.i18n import KNOWN, At, Languages, Translated, Words, language
from kiosk.core.programme import at
from kiosk.core.view import MAX_PROBLEMS, STARTS_IN, compose
from kiosk.stage import drawn
from kiosk.stage.window import Stage

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(scope="module")
def builtin():
    return config_module.load(paths.builtin_config(), system_zone=MSK)


# --------------------------------------------------------------------------- Words


def test_words_read_as_english_until_a_language_says_them():
    hint = Words("Install VLC: {command} (or just {packages}), then start the kiosk again.",
                 command="sudo apt install vlc", packages="libvlc5")
    words = Words("No video: VLC could not be loaded ({reason}). {hint}",
                  reason="libvlc.so.5: no such file", hint=hint)
    assert words == ("No video: VLC could not be loaded (libvlc.so.5: no such file). Install "
                     "VLC: sudo apt install vlc (or just libvlc5), then start the kiosk again.")
    assert language("be").say(words) == (
        "Няма відэа: не ўдалося загрузіць VLC (libvlc.so.5: no such file). Усталюйце VLC: "
        "sudo apt install vlc (ці толькі libvlc5), потым запусціце кіёск зноў.")
    # Łacinka has its own catalogue; a plain text is said as it is.
    assert language("be-Latn").say(words).startswith("Niama videa: nie ŭdałosia zahruzić VLC")
    assert language("de").say("venue.yaml:3:1: a problem") == "venue.yaml:3:1: a problem"


def test_a_field_may_be_a_config_text_or_a_time():
    instant = datetime(2021, 2, 6, 15, 40, tzinfo=UTC)
    title = Translated("Concert", {"en": "Concert", "be": "Канцэрт"})
    words = Words("{name}: updated {time}", name=title, time=At(instant, MSK, instant))
    assert words == "Concert: updated 18:40"
    assert language("be").say(words) == "Канцэрт: абноўлена 18:40"
    # Another day than today: the day is said too, in the language's own words.
    yesterday = Words("{name}: updated {time}", name="f",
                      time=At(instant, MSK, instant + timedelta(days=1)))
    assert yesterday == "f: updated Sat 6 Feb 18:40"
    assert language("ru").say(yesterday) == "f: обновлено сб, 6 февраля 18:40"


def test_words_survive_a_copy_and_a_pickle():
    words = Words("connection refused ({where})", where="127.0.0.1:9")
    for again in (copy.deepcopy(words), pickle.loads(pickle.dumps(words))):
        assert again == words
        assert language("pl").say(again) == "połączenie odrzucone (127.0.0.1:9)"


# --------------------------------------------------------------------------- feeds


def _refusing_address() -> str:
    """An address on 127.0.0.1 where nothing listens (the port was just free)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.yaml"


@pytest.mark.parametrize(("code", "said"), [
    ("en", "127.0.0.1/feed.yaml: offline since 18:40 (connection refused (127.0.0.1:{port}))"),
    ("be", "127.0.0.1/feed.yaml: няма сувязі з 18:40 (злучэнне адхілена (127.0.0.1:{port}))"),
    ("de", "127.0.0.1/feed.yaml: offline seit 18:40 (Verbindung abgelehnt (127.0.0.1:{port}))"),
])
def test_a_feed_that_refuses_is_reported_in_the_hall_language(builtin, tmp_path, code, said):
    url = _refusing_address()
    source = FeedSource(url=url, every=timedelta(minutes=1), format="auto")
    cache = FeedCache(tmp_path)
    at_ = datetime(2021, 2, 6, 15, 40, tzinfo=UTC)
    known = feedpoll.FeedStatus(source)
    with requests.Session() as session:
        outcome = feedpoll.poll(source, builtin, session, cache, known, limits=Limits(),
                                now=lambda: at_)
    status = known.after(outcome)
    line = feedpoll.status_line(status, MSK, at_)
    port = url.split(":")[2].split("/")[0]
    assert language(code).say(line) == said.format(port=port)
    problem = feedpoll.problem_lines([status], MSK, at_)[0]
    assert language("be").say(problem).startswith("Стужка 127.0.0.1/feed.yaml: няма сувязі")


# --------------------------------------------------------------------------- the key card


@pytest.mark.parametrize(("code", "count", "last"), [
    ("en", 8, "… and 2 more"),
    ("be", 8, "… і яшчэ 2"),
    ("de", 7, "… und 1 weiteres"),
    ("de", 9, "… und 3 weitere"),
    ("pl", MAX_PROBLEMS, None),
])
def test_the_key_card_says_how_many_more_problems_in_the_language(builtin, code, count,
                                                                   last):
    now = datetime(2021, 2, 6, 18, 20, tzinfo=MSK)
    moment = at(builtin.running(), now)
    state = State(help=True)
    problems = tuple(Words("no such host ({host})", host=f"feed{i}.example")
                     for i in range(count))
    view = compose(builtin, moment, director.decide(state, moment, Health.PLAYING), state,
                   loop_since=now, problems=problems, languages=Languages(language(code)))
    shown = view.help.problems
    assert shown[:MAX_PROBLEMS] == tuple(language(code).say(p)
                                         for p in problems[:MAX_PROBLEMS])
    assert len(shown) == MAX_PROBLEMS + (last is not None)
    if last is not None:
        assert shown[-1] == last


# --------------------------------------------------------------------------- the countdown


def _countdown_texts(config, instant: datetime, state: State, code: str):
    moment = at(config.running(), instant)
    decision = director.decide(state, moment, Health.PLAYING)
    view = compose(config, moment, decision, state, loop_since=instant,
                   languages=Languages(language(code)))
    stage = Stage()
    stage.set_view(view)
    with drawn.recording() as record:
        stage.render_image(QSize(1920, 1080))
    return view, [d for d in record.texts if d.part == "scene"]


@pytest.mark.parametrize("code", list(KNOWN))
def test_the_countdown_says_starts_in_over_its_digits(builtin, qapp, code):
    start = builtin.running().start
    view, texts = _countdown_texts(builtin, start - timedelta(minutes=12), State(), code)
    label = language(code).gettext(STARTS_IN)
    assert view.countdown.countdown_label == label
    assert code == "en" or label != "Starts in"
    said = [d for d in texts if d.text == label]
    digits = [d for d in texts if d.text == view.countdown.countdown]
    assert len(said) == 1 and len(digits) == 1, [d.text for d in texts]
    # Just above the digits, centred with them, and smaller.
    assert said[0].rect.bottom() <= digits[0].rect.top()
    assert digits[0].rect.top() - said[0].rect.bottom() < 0.05 * 1080
    assert abs(said[0].rect.center().x() - digits[0].rect.center().x()) < 2
    assert said[0].px < digits[0].px / 3


def test_a_countdown_held_after_the_start_does_not_say_starts_in(builtin, qapp):
    instant = builtin.running().start + timedelta(minutes=5)
    state = State(hold=Hold(Scene.COUNTDOWN, instant, None))
    view, texts = _countdown_texts(builtin, instant, state, "be")
    assert view.scene is Scene.COUNTDOWN
    assert view.countdown.countdown_label == ""
    assert language("be").gettext(STARTS_IN) not in [d.text for d in texts]

