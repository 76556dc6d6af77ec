"""The director (which scene, volunteers' actions) and the view (what the hall sees)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.actions import Action
from kiosk.core.config import Slide
from kiosk.core.director import (
    DELAY_STEP,
    Decision,
    Health,
    Hold,
    Scene,
    State,
    apply,
    automatic_scene,
    decide,
    expire,
    move_slide,
    show_message,
)
from kiosk.core.programme import Delay, Phase, at
from kiosk.core.view import (
    Badge,
    LoopEntry,
    compose,
    hidden_laureates,
    loop_entries,
    loop_position,
)

MSK = ZoneInfo("Europe/Moscow")
MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)
NOT_PLAYING = [h for h in Health if h is not Health.PLAYING]


def msk(text: str) -> datetime:
    if len(text) <= 10:
        text = f"2021-02-06 {text}"
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


@pytest.fixture
def conference(builtin):
    return builtin("Europe/Moscow")


@pytest.fixture
def programme(conference):
    return conference.running()


# --------------------------------------------------------------------------- automatic scenes


@pytest.mark.parametrize(
    ("when", "phase", "scene"),
    [
        ("17:00", Phase.BEFORE, Scene.COUNTDOWN),
        ("18:02", Phase.ITEM, Scene.LIVE),
        ("20:00", Phase.BREAK, Scene.SLIDES),
        ("20:41", Phase.ITEM, Scene.LIVE),   # an awards item is watched live
        ("22:30", Phase.ITEM, Scene.LIVE),   # the concert
        ("23:30", Phase.AFTER, Scene.CLOSING),
    ],
)
def test_automatic_scene_per_phase(programme, when, phase, scene):
    moment = at(programme, msk(when))
    assert moment.phase is phase
    assert automatic_scene(moment) is scene
    assert decide(State(), moment, Health.PLAYING) == Decision(scene, manual=False)


# --------------------------------------------------------------------------- holds


def test_a_hold_lasts_until_the_next_boundary_then_expires(programme):
    state = apply(State(), Action.SLIDES, programme, msk("18:02"))
    assert state.hold == Hold(Scene.SLIDES, msk("18:02"), msk("18:15"))
    for when in ("18:02", "18:10", "18:14:59"):
        moment = at(programme, msk(when))
        assert state.holding(moment.now) == state.hold
        assert decide(state, moment, Health.PLAYING) == Decision(Scene.SLIDES, manual=True)
        assert expire(state, moment.now) is state
    boundary = at(programme, msk("18:15"))
    assert state.holding(boundary.now) is None
    assert decide(state, boundary, Health.PLAYING) == Decision(Scene.LIVE, manual=False)
    expired = expire(state, boundary.now)
    assert expired.hold is None
    assert expired == State()


@pytest.mark.parametrize(
    ("action", "scene"),
    [(Action.LIVE, Scene.LIVE), (Action.SLIDES, Scene.SLIDES),
     (Action.AWARDS, Scene.AWARDS), (Action.COUNTDOWN, Scene.COUNTDOWN)],
)
def test_scene_keys_hold_their_scene(programme, action, scene):
    now = msk("20:00")  # in the break
    state = apply(State(), action, programme, now)
    assert state.hold == Hold(scene, now, msk("20:10"))
    assert decide(state, at(programme, now), Health.PLAYING) == Decision(scene, manual=True)


def test_automatic_hands_back_at_once(programme):
    held = apply(State(), Action.AWARDS, programme, msk("18:02"))
    state = apply(held, Action.AUTOMATIC, programme, msk("18:05"))
    assert state.hold is None
    assert decide(state, at(programme, msk("18:05")), Health.PLAYING) == Decision(
        Scene.LIVE, manual=False)


def test_a_hold_after_the_end_lasts_until_handed_back(programme):
    state = apply(State(), Action.SLIDES, programme, msk("23:40"))
    assert state.hold.until is None
    later = msk("2021-02-07 03:00")
    assert expire(state, later) is state
    assert decide(state, at(programme, later), Health.PLAYING).scene is Scene.SLIDES


def test_a_new_hold_replaces_the_old_one(programme):
    state = apply(State(), Action.SLIDES, programme, msk("18:02"))
    state = apply(state, Action.AWARDS, programme, msk("18:20"))
    assert state.hold == Hold(Scene.AWARDS, msk("18:20"), msk("18:35"))


# --------------------------------------------------------------------------- blackout


def test_blackout_toggles_and_survives_a_boundary(programme):
    state = apply(State(), Action.BLACKOUT, programme, msk("18:02"))
    assert state.blackout
    for when in ("18:02", "18:15", "20:00", "23:45"):
        moment = at(programme, msk(when))
        state = expire(state, moment.now)
        assert decide(state, moment, Health.OFFLINE) == Decision(Scene.BLACKOUT, manual=True)
    state = apply(state, Action.BLACKOUT, programme, msk("18:20"))
    assert not state.blackout
    assert decide(state, at(programme, msk("18:20")), Health.PLAYING).scene is Scene.LIVE


def test_blackout_wins_over_a_hold_and_a_scene_key_ends_it(programme):
    state = apply(State(), Action.SLIDES, programme, msk("18:02"))
    state = apply(state, Action.BLACKOUT, programme, msk("18:03"))
    assert decide(state, at(programme, msk("18:04")), Health.PLAYING).scene is Scene.BLACKOUT
    state = apply(state, Action.LIVE, programme, msk("18:05"))
    assert not state.blackout
    assert decide(state, at(programme, msk("18:05")), Health.PLAYING) == Decision(
        Scene.LIVE, manual=True)


def test_automatic_ends_a_blackout(programme):
    state = apply(State(), Action.BLACKOUT, programme, msk("18:02"))
    state = apply(state, Action.AUTOMATIC, programme, msk("18:03"))
    assert not state.blackout
    assert decide(state, at(programme, msk("18:03")), Health.PLAYING).scene is Scene.LIVE


# --------------------------------------------------------------------------- stream health


@pytest.mark.parametrize("health", NOT_PLAYING)
def test_live_by_schedule_falls_back_to_slides(programme, health):
    moment = at(programme, msk("18:02"))
    assert decide(State(), moment, health) == Decision(Scene.SLIDES, manual=False,
                                                       fallback=health)


@pytest.mark.parametrize("health", NOT_PLAYING)
def test_live_by_hand_falls_back_to_slides(programme, health):
    state = apply(State(), Action.LIVE, programme, msk("20:00"))  # live held in a break
    assert decide(state, at(programme, msk("20:01")), health) == Decision(
        Scene.SLIDES, manual=True, fallback=health)


@pytest.mark.parametrize("health", NOT_PLAYING)
def test_no_fallback_when_live_is_not_wanted(programme, health):
    assert decide(State(), at(programme, msk("20:00")), health) == Decision(
        Scene.SLIDES, manual=False)
    assert decide(State(), at(programme, msk("17:00")), health) == Decision(
        Scene.COUNTDOWN, manual=False)


def test_a_playing_stream_is_shown(programme):
    assert decide(State(), at(programme, msk("18:02")), Health.PLAYING) == Decision(
        Scene.LIVE, manual=False, fallback=None)


# --------------------------------------------------------------------------- delays


def test_delay_more_and_less_arithmetic(programme):
    first = msk("18:10")
    state = apply(State(), Action.DELAY_MORE, programme, first)
    assert state.delays == (Delay(DELAY_STEP, first),)
    assert DELAY_STEP == 5 * MIN
    state = apply(state, Action.DELAY_MORE, programme, msk("18:12"))
    assert state.late == 10 * MIN
    state = apply(state, Action.DELAY_LESS, programme, msk("18:13"))
    assert state.late == 5 * MIN
    assert state.delays == (Delay(DELAY_STEP, first),)
    state = apply(state, Action.DELAY_LESS, programme, msk("18:14"))
    assert state.delays == ()
    again = apply(state, Action.DELAY_LESS, programme, msk("18:15"))
    assert again == state
    assert again.late == timedelta(0)


def test_delay_more_extends_the_item_under_way(programme):
    state = apply(State(), Action.DELAY_MORE, programme, msk("18:10"))
    moment = at(state.running(programme), msk("18:16"))
    assert moment.current.title == "Opening of the conference"
    assert moment.remaining == 4 * MIN
    assert moment.next.start == msk("18:20")


def test_a_second_delay_press_does_not_rewrite_what_already_ran(programme):
    """Pressing D again later must not bring back an item that is already over."""
    state = apply(State(), Action.DELAY_MORE, programme, msk("18:10"))
    now = msk("18:41")
    before = at(state.running(programme), now)
    assert before.current.title == "The People's Anti-Crisis Management"
    state = apply(state, Action.DELAY_MORE, programme, now)
    after = at(state.running(programme), now)
    assert after.current.title == "The People's Anti-Crisis Management"
    assert after.remaining == before.remaining + DELAY_STEP


# --------------------------------------------------------------------------- reveal

AWARDS_CONFIG = """\
    event:
      title: Awards night
      timezone: Europe/Moscow
      start: 2021-02-06 18:00
      end: "20:00"
    venue:
      timezone: Europe/Moscow
    programme:
      - title: Welcome
        duration: 30m
      - title: Awards
        kind: awards
    awards:
      - name: Award A
        organiser: Org A
        categories:
          - name: Category 1
            laureates:
              - name: Alice
              - name: Bob
                announced: true
              - name: Carol
                citation: For courage
          - name: Category 2
            laureates: []
      - name: Award B
        categories:
          - name: Only
            laureates:
              - name: Dan
"""


@pytest.fixture
def awards_night(config_from):
    return config_from(AWARDS_CONFIG)


def test_hidden_laureates_in_board_order(awards_night):
    assert hidden_laureates(awards_night) == (
        ("award a", "category 1", "alice"), ("award a", "category 1", "carol"),
        ("award b", "only", "dan"))


def test_reveal_in_order_then_nothing_more(awards_night):
    programme = awards_night.running()
    hidden = hidden_laureates(awards_night)
    state = State()
    for n, when in enumerate(("18:31", "18:32", "18:33"), start=1):
        state = apply(state, Action.REVEAL, programme, msk(when), hidden)
        assert state.revealed == hidden[:n]
        assert state.revealed_at == msk(when)
        assert decide(state, at(programme, msk(when)), Health.PLAYING) == Decision(
            Scene.AWARDS, manual=True)
    done = apply(state, Action.REVEAL, programme, msk("18:40"), hidden)
    assert done.revealed == hidden
    assert done.revealed_at == msk("18:33")
    assert done.hold.scene is Scene.AWARDS


def test_reveal_with_nobody_to_reveal_shows_the_board(programme):
    state = apply(State(), Action.REVEAL, programme, msk("20:41"), ())
    assert state.revealed == ()
    assert state.revealed_at is None
    assert state.hold == Hold(Scene.AWARDS, msk("20:41"), msk("21:20"))


# --------------------------------------------------------------------------- messages and slides


def test_show_message_holds_the_message_scene(programme):
    state = show_message(State(), "  Back at 20:10, stay with us  ", programme, msk("20:00"))
    assert state.message == "Back at 20:10, stay with us"
    assert state.hold == Hold(Scene.MESSAGE, msk("20:00"), msk("20:10"))
    assert decide(state, at(programme, msk("20:05")), Health.PLAYING) == Decision(
        Scene.MESSAGE, manual=True)
    cleared = show_message(state, "   ", programme, msk("20:06"))
    assert cleared.message == ""
    assert cleared.hold is None


def test_empty_message_keeps_another_hold(programme):
    state = apply(State(message="old"), Action.SLIDES, programme, msk("18:02"))
    cleared = show_message(state, "", programme, msk("18:03"))
    assert cleared.message == ""
    assert cleared.hold == state.hold


def test_move_slide_restarts_the_loop_from_a_slide(programme):
    state = move_slide(State(), +1, 3, msk("20:00"))
    assert (state.loop_first, state.loop_since) == (4, msk("20:00"))
    back = move_slide(state, -1, 0, msk("20:01"))
    assert (back.loop_first, back.loop_since) == (-1, msk("20:01"))


# --------------------------------------------------------------------------- the slide loop

T0 = msk("20:00")


def _entries(*seconds: int) -> tuple[LoopEntry, ...]:
    return tuple(LoopEntry(Slide(kind="text", duration=s * SEC, body=f"slide {i}"), None, s * SEC)
                 for i, s in enumerate(seconds))


@pytest.mark.parametrize(
    ("first", "elapsed", "index"),
    [
        (0, 0, 0),
        (0, 11.999, 0),
        (0, 12, 1),
        (0, 19.5, 1),
        (0, 20, 2),
        (0, 39.9, 2),
        (0, 40, 0),        # a full cycle
        (0, 52, 1),
        (0, 40 * 25 + 21, 2),
        (1, 0, 1),
        (1, 8, 2),
        (1, 28, 0),
        (1, 40, 1),
        (2, 19, 2),
        (2, 20, 0),
        (-1, 0, 2),        # one back from the first
        (4, 0, 1),         # past the end wraps round
        (0, -5, 0),        # a clock before ``since`` shows the first
    ],
)
def test_loop_position(first, elapsed, index):
    entries = _entries(12, 8, 20)
    assert loop_position(entries, first, T0, T0 + timedelta(seconds=elapsed)) == index


def test_loop_position_without_entries():
    assert loop_position((), 3, T0, T0 + MIN) == 0


def test_builtin_loop_has_the_slides_then_the_boards(conference):
    entries = loop_entries(conference)
    assert [e.duration.total_seconds() for e in entries] == [12, 8, 20, 12, 12, 12, 15, 15]
    assert [e.award for e in entries] == [None] * 6 + [0, 1]
    # 12+8+20+12+12+12 = 76 s of slides: the first board comes up then.
    assert loop_position(entries, 0, T0, T0 + 76 * SEC) == 6
    assert loop_position(entries, 0, T0, T0 + 91 * SEC) == 7
    assert loop_position(entries, 0, T0, T0 + 106 * SEC) == 0


def test_loop_without_boards(config_from):
    config = config_from(AWARDS_CONFIG + "    slideshow:\n      awards: false\n"
                         "    slides:\n      - text: One\n"
                         "      - text: Two\n        duration: 5s\n")
    assert [(e.award, e.duration) for e in loop_entries(config)] == [(None, 12 * SEC),
                                                                    (None, 5 * SEC)]


# --------------------------------------------------------------------------- compose


def _view(config, when, state=None, health=Health.PLAYING, **kwargs):
    state = State() if state is None else state
    moment = at(config.running(), when)
    decision = decide(state, moment, health)
    kwargs.setdefault("loop_since", when)
    return compose(config, moment, decision, state, **kwargs)


@pytest.mark.parametrize(
    ("zone", "clock", "next_time", "event_clock"),
    [
        ("America/Toronto", "10:02", "10:15", "Moscow 18:02"),
        ("Europe/London", "15:02", "15:15", "Moscow 18:02"),
        ("Asia/Tokyo", "00:02", "00:15", "Moscow 18:02"),
        ("Europe/Moscow", "18:02", "18:15", ""),
    ],
)
def test_overlay_during_the_first_item(builtin, zone, clock, next_time, event_clock):
    view = _view(builtin(zone), msk("18:02"))
    assert view.scene is Scene.LIVE
    assert view.live_title == "Solidarity Conference With the Belarusian People"
    overlay = view.overlay
    assert overlay.now_label == "NOW"
    assert overlay.now_title == "Opening of the conference"
    assert overlay.now_detail == "Belarusians Abroad"
    assert overlay.next_label == "NEXT"
    assert overlay.next_title == "Address by the National Leader of Belarus"
    assert overlay.countdown == "in 13:00"
    assert overlay.next_time == next_time
    assert overlay.clock == clock
    assert overlay.event_clock == event_clock
    assert overlay.position == "bottom"
    assert overlay.progress == pytest.approx(2 / 15)
    assert view.badges == ()


@pytest.mark.parametrize(
    ("when", "label", "title", "detail", "next_title", "countdown"),
    [
        ("17:00", "STARTING SOON", "Solidarity Conference With the Belarusian People", "",
         "Opening of the conference", "in 1:00:00"),
        ("18:40", "NOW", "The People's Anti-Crisis Management",
         "Pavel Latushka · Leader of the People's Anti-Crisis Management",
         "Discussion: How the world can help Belarus", "in 15:00"),
        ("20:00", "BREAK", "Break", "Back at 20:10", "Launch of new People's Embassies",
         "in 10:00"),
        ("22:30", "NOW", "Solidarity Concert", "", "", ""),
        ("23:31", "ENDED", "Solidarity Conference With the Belarusian People", "", "", ""),
    ],
)
def test_overlay_texts_through_the_evening(conference, when, label, title, detail, next_title,
                                           countdown):
    overlay = _view(conference, msk(when)).overlay
    assert (overlay.now_label, overlay.now_title, overlay.now_detail) == (label, title, detail)
    assert overlay.next_title == next_title
    assert overlay.countdown == countdown
    assert overlay.next_label == ("NEXT" if next_title else "")


@pytest.mark.parametrize(
    ("zone", "starts_venue", "starts_event"),
    [
        ("America/Toronto", "Starts Sat 6 Feb at 10:00", "18:00 Moscow time, Sat 6 Feb"),
        ("Asia/Tokyo", "Starts Sun 7 Feb at 00:00", "18:00 Moscow time, Sat 6 Feb"),
        ("Europe/Moscow", "Starts Sat 6 Feb at 18:00", ""),
    ],
)
def test_countdown_view(builtin, zone, starts_venue, starts_event):
    view = _view(builtin(zone), msk("16:59:30"))
    assert view.scene is Scene.COUNTDOWN
    countdown = view.countdown
    assert countdown.title == "Solidarity Conference With the Belarusian People"
    assert countdown.subtitle == "International Solidarity Day with Belarus, 7 February"
    assert countdown.countdown == "1:00:30"
    assert countdown.starts_venue == starts_venue
    assert countdown.starts_event == starts_event
    assert countdown.first_item == "Opening of the conference"


def test_overlay_can_be_toggled_off_and_clocks_hidden(config_from):
    config = config_from(AWARDS_CONFIG + "    overlay:\n      clock: false\n"
                         "      position: top\n")
    state = apply(State(), Action.OVERLAY, config.running(), msk("18:10"))
    assert _view(config, msk("18:10"), state).overlay is None
    overlay = _view(config, msk("18:10")).overlay
    assert overlay.clock == ""
    assert overlay.position == "top"


def test_slides_view_follows_the_loop(conference):
    start = msk("20:00")
    view = _view(conference, start + 13 * SEC, loop_since=start)
    assert view.scene is Scene.SLIDES
    assert view.slide.kind == "image"
    assert view.slide.image.endswith("white-red-white.svg")
    assert view.slide.caption == "Solidarity with the Belarusian people"
    assert (view.slide.index, view.slide.count) == (1, 8)
    assert view.board is None
    # A volunteer moves on two slides at 20:00:13: the quote's successor shows from then.
    state = move_slide(State(), 2, view.slide.index, start + 13 * SEC)
    moved = _view(conference, start + 14 * SEC, state, loop_since=start)
    assert moved.slide.index == 3
    assert moved.slide.title == "Tonight"


def test_a_board_in_the_loop_shows_one_award(conference):
    start = msk("20:00")
    view = _view(conference, start + 80 * SEC, loop_since=start)
    assert view.slide.kind == "board"
    assert view.slide.title == "BAUM Human Rights Awards 2021"
    assert [a.name for a in view.board.awards] == ["BAUM Human Rights Awards 2021"]
    assert view.board.awards[0].categories[0].pending


def test_fallback_slides_carry_a_stream_badge(conference):
    view = _view(conference, msk("18:02"), health=Health.OFFLINE)
    assert view.scene is Scene.SLIDES
    assert view.slide is not None
    assert Badge("Stream offline", "warn") in view.badges


@pytest.mark.parametrize(
    ("health", "text"),
    [(Health.STARTING, "Stream starting…"), (Health.STALLED, "Stream reconnecting…"),
     (Health.RECONNECTING, "Stream reconnecting…"), (Health.OFFLINE, "Stream offline")],
)
def test_stream_badge_text(conference, health, text):
    assert [b.text for b in _view(conference, msk("18:02"), health=health).badges] == [text]


def test_badges_rehearsal_manual_and_delay(config_from):
    config = config_from(AWARDS_CONFIG + "    delay:\n      by: 5m\n")
    programme = config.running()
    state = apply(State(), Action.DELAY_MORE, programme, msk("18:10"))
    state = apply(state, Action.SLIDES, programme, msk("18:11"))
    view = _view(config, msk("18:11"), state, rehearsal=True)
    assert view.manual
    assert [b.text for b in view.badges] == ["REHEARSAL", "MANUAL", "DELAY +10 min"]


def test_blackout_view_has_no_manual_badge_and_no_overlay(conference):
    state = apply(State(), Action.BLACKOUT, conference.running(), msk("18:02"))
    view = _view(conference, msk("18:02"), state)
    assert view.scene is Scene.BLACKOUT
    assert view.overlay is None
    assert view.badges == ()


def test_problems_show_a_notice_and_a_badge(conference):
    view = _view(conference, msk("18:02"), problems=("venue.yaml:3:1: bad", "second"))
    assert view.notice == "venue.yaml:3:1: bad  (+1 more: F1)"
    assert view.badges[-1] == Badge("PROBLEM: F1", "error")


def test_message_and_closing_views(conference):
    programme = conference.running()
    state = show_message(State(), "Pizza is here", programme, msk("18:02"))
    assert _view(conference, msk("18:03"), state).message == "Pizza is here"
    typed = show_message(State(), "x", programme, msk("18:02"))
    typed = State(hold=typed.hold)  # a hold with no typed text shows the config's message
    assert _view(conference, msk("18:03"), typed).message == "We will be back in a few minutes"
    closing = _view(conference, msk("23:45")).closing
    assert closing == ("Thank you for watching together",
                       "Solidarity Conference With the Belarusian People has ended.")


# --------------------------------------------------------------------------- the awards board


def test_board_hides_unrevealed_and_marks_pending(awards_night):
    view = _view(awards_night, msk("18:40"), apply(State(), Action.AWARDS,
                                                   awards_night.running(), msk("18:40")))
    assert view.scene is Scene.AWARDS
    award_a, award_b = view.board.awards
    assert award_a.organiser == "Org A"
    category_1, category_2 = award_a.categories
    assert [lv.name for lv in category_1.laureates] == ["Bob"]
    assert not category_1.pending
    assert category_2.laureates == () and category_2.pending
    assert award_b.categories[0].laureates == () and award_b.categories[0].pending
    assert view.board.reveal_age is None


def test_board_after_reveals_highlights_the_newest(awards_night):
    programme = awards_night.running()
    hidden = hidden_laureates(awards_night)
    state = apply(State(), Action.REVEAL, programme, msk("18:40"), hidden)
    state = apply(state, Action.REVEAL, programme, msk("18:41"), hidden)
    view = _view(awards_night, msk("18:41:05"), state)
    category_1 = view.board.awards[0].categories[0]
    assert [(lv.name, lv.highlight) for lv in category_1.laureates] == [
        ("Alice", False), ("Bob", False), ("Carol", True)]
    assert category_1.laureates[2].citation == "For courage"
    assert view.board.reveal_age == pytest.approx(5.0)
    assert view.board.awards[1].categories[0].pending
    # The highlight fades after a while; the names stay.
    later = _view(awards_night, msk("18:42"), state).board
    assert later.reveal_age is None
    assert not any(lv.highlight for lv in later.awards[0].categories[0].laureates)
    assert len(later.awards[0].categories[0].laureates) == 3


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(
    ("when", "scene"),
    [("17:00", "countdown"), ("18:02", "live"), ("20:00", "slides"), ("23:45", "closing")],
)
def test_view_to_json(conference, when, scene):
    view = _view(conference, msk(when), State(help=True), rehearsal=True, problems=("p",))
    data = view.to_json()
    text = json.dumps(data)
    back = json.loads(text)
    assert back["scene"] == scene
    assert data["scene"] == scene and type(data["scene"]) is str
    assert "extra" not in back
    assert back["badges"][0] == {"text": "REHEARSAL", "tone": "info"}
    assert back["help"]["problems"] == ["p"]
    assert ["Esc / Home", "Back to automatic (follow the programme)"] in back["help"]["rows"]


def test_board_view_to_json(awards_night):
    hidden = hidden_laureates(awards_night)
    state = apply(State(), Action.REVEAL, awards_night.running(), msk("18:40"), hidden)
    back = json.loads(json.dumps(_view(awards_night, msk("18:40:01"), state).to_json()))
    assert back["scene"] == "awards"
    names = [lv["name"] for lv in back["board"]["awards"][0]["categories"][0]["laureates"]]
    assert names == ["Alice", "Bob"]


@pytest.mark.parametrize("order", ["delay, then hold, then undo", "hold, then delay"])
def test_a_volunteers_choice_follows_delays_pressed_after_it(programme, order):
    # The discussion runs 18:55-19:55 Moscow time; the item before it ends at 18:55.
    if order == "delay, then hold, then undo":
        state = apply(State(), Action.DELAY_MORE, programme, msk("18:50"))
        state = apply(state, Action.SLIDES, programme, msk("18:51"))
        assert state.hold.until == msk("19:00")
        state = apply(state, Action.DELAY_LESS, programme, msk("18:52"))
        # Without the delay the boundary is back at 18:55: at 18:56 the programme leads.
        moment = at(state.running(programme), msk("18:56"))
        assert decide(expire(state, msk("18:56")), moment, Health.PLAYING).scene is Scene.LIVE
    else:
        state = apply(State(), Action.SLIDES, programme, msk("18:51"))
        assert state.hold.until == msk("18:55")
        state = apply(state, Action.DELAY_MORE, programme, msk("18:52"))
        assert state.hold.until == msk("19:00")
        moment = at(state.running(programme), msk("18:57"))
        assert decide(state, moment, Health.PLAYING).scene is Scene.SLIDES


def test_escape_also_closes_the_cards(programme):
    state = apply(State(), Action.HELP, programme, msk("18:02"))
    state = apply(state, Action.DIAGNOSTICS, programme, msk("18:02"))
    state = apply(state, Action.AUTOMATIC, programme, msk("18:03"))
    assert not state.help and not state.diagnostics
