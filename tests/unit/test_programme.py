"""The programme engine across time zones and daylight-saving changes (kiosk.core.programme)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.errors import ConfigInvalid
from kiosk.core.programme import (
    Delay,
    Item,
    Kind,
    Phase,
    Programme,
    at,
    clock_text,
    countdown_text,
    day_text,
)

MSK = ZoneInfo("Europe/Moscow")
MIN = timedelta(minutes=1)


def msk(text: str) -> datetime:
    """A wall-clock time in Moscow on the conference day: ``"18:02"`` or a full date-time."""
    if len(text) <= 10:
        text = f"2021-02-06 {text}"
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


def wall(instant: datetime, zone: str) -> str:
    return clock_text(instant, ZoneInfo(zone))


# --------------------------------------------------------------------------- the built-in event

BUILTIN_ORDER = [
    # title, kind, start, end (Moscow wall clock)
    ("Opening of the conference", Kind.SESSION, "18:00", "18:15"),
    ("Address by the National Leader of Belarus", Kind.SESSION, "18:15", "18:35"),
    ("The People's Anti-Crisis Management", Kind.SESSION, "18:35", "18:55"),
    ("Discussion: How the world can help Belarus", Kind.SESSION, "18:55", "19:55"),
    ("Break", Kind.BREAK, "19:55", "20:10"),
    ("Launch of new People's Embassies", Kind.SESSION, "20:10", "20:40"),
    ("BAUM Human Rights Awards 2021", Kind.AWARDS, "20:40", "21:20"),
    ("Belarusian Solidarity Award", Kind.AWARDS, "21:20", "21:45"),
    ("Break", Kind.BREAK, "21:45", "22:00"),
    ("Solidarity Concert", Kind.CONCERT, "22:00", "23:30"),
]

VENUES = ["America/Toronto", "Europe/London", "Asia/Tokyo"]


def test_builtin_running_order_in_moscow_time(builtin):
    config = builtin("Europe/Moscow")
    got = [(i.title, i.kind, wall(i.start, "Europe/Moscow"), wall(i.end, "Europe/Moscow"))
           for i in config.programme.items]
    assert got == BUILTIN_ORDER
    assert config.programme.start == datetime(2021, 2, 6, 15, 0, tzinfo=UTC)
    assert config.programme.end == datetime(2021, 2, 6, 20, 30, tzinfo=UTC)
    # Back to back: every item ends where the next one starts.
    items = config.programme.items
    assert all(a.end == b.start for a, b in pairwise(items))


@pytest.mark.parametrize("zone", VENUES)
def test_venue_zone_changes_nothing_but_the_venue(builtin, zone):
    moscow = builtin("Europe/Moscow")
    venue = builtin(zone)
    assert venue.venue.timezone == ZoneInfo(zone)
    assert venue.event.timezone == MSK
    assert venue.programme == moscow.programme


# venue zone → (start, end, concert start, start day) on the venue's wall clock
VENUE_CLOCKS = {
    "America/Toronto": ("10:00", "15:30", "14:00", "Sat 6 Feb"),
    "Europe/London": ("15:00", "20:30", "19:00", "Sat 6 Feb"),
    "Asia/Tokyo": ("00:00", "05:30", "04:00", "Sun 7 Feb"),
}


@pytest.mark.parametrize("zone", VENUES)
def test_venue_wall_clock_texts(builtin, zone):
    config = builtin(zone)
    venue_zone = config.venue.timezone
    start, end, concert, day = VENUE_CLOCKS[zone]
    assert clock_text(config.programme.start, venue_zone) == start
    assert clock_text(config.programme.end, venue_zone) == end
    assert clock_text(config.programme.items[-1].start, venue_zone) == concert
    assert day_text(config.programme.start, venue_zone) == day
    # The event's own clock is unchanged wherever it is watched.
    assert clock_text(config.programme.start, config.event.timezone) == "18:00"
    assert day_text(config.programme.start, config.event.timezone) == "Sat 6 Feb"


def test_clock_text_with_seconds_and_any_input_zone():
    instant = datetime(2021, 2, 6, 15, 0, 7, tzinfo=UTC)
    assert clock_text(instant, ZoneInfo("Asia/Tokyo"), seconds=True) == "00:00:07"
    # The same instant written in another zone gives the same wall clock.
    assert clock_text(instant.astimezone(ZoneInfo("America/Toronto")), MSK) == "18:00"


# label, Moscow time, phase, current, next, until next, until start, remaining
INSTANTS = [
    ("before start", "17:00", Phase.BEFORE, None, "Opening of the conference",
     60 * MIN, 60 * MIN, None),
    ("first item", "18:02", Phase.ITEM, "Opening of the conference",
     "Address by the National Leader of Belarus", 13 * MIN, None, 13 * MIN),
    ("a break", "20:00", Phase.BREAK, "Break", "Launch of new People's Embassies",
     10 * MIN, None, 10 * MIN),
    ("awards", "20:41", Phase.ITEM, "BAUM Human Rights Awards 2021",
     "Belarusian Solidarity Award", 39 * MIN, None, 39 * MIN),
    ("the concert", "22:30", Phase.ITEM, "Solidarity Concert", None, None, None, 60 * MIN),
    ("after the end", "23:45", Phase.AFTER, None, None, None, None, None),
]


@pytest.mark.parametrize("zone", VENUES)
@pytest.mark.parametrize(
    ("label", "when", "phase", "current", "upcoming", "until_next", "until_start", "remaining"),
    INSTANTS, ids=[row[0] for row in INSTANTS])
def test_moment_for_each_venue(builtin, zone, label, when, phase, current, upcoming,
                               until_next, until_start, remaining):
    config = builtin(zone)
    # "now" as the venue's own clock would give it.
    now = msk(when).astimezone(ZoneInfo(zone))
    moment = at(config.running(), now)
    assert moment.now == now
    assert moment.now.tzinfo is UTC
    assert moment.phase is phase
    assert (moment.current.title if moment.current else None) == current
    assert (moment.next.title if moment.next else None) == upcoming
    assert moment.until_next == until_next
    assert moment.until_start == until_start
    assert moment.remaining == remaining


@pytest.mark.parametrize(
    ("zone", "when", "countdown", "next_at"),
    [
        ("America/Toronto", "17:00", "1:00:00", "10:00"),
        ("Europe/London", "18:02", "13:00", "15:15"),
        ("Asia/Tokyo", "20:00", "10:00", "02:10"),
        ("Asia/Tokyo", "17:59:59.5", "00:01", "00:00"),
    ],
)
def test_countdown_and_next_start_on_the_venue_clock(builtin, zone, when, countdown, next_at):
    config = builtin(zone)
    moment = at(config.running(), msk(when))
    assert moment.next is not None and moment.until_next is not None
    assert countdown_text(moment.until_next) == countdown
    assert clock_text(moment.next.start, config.venue.timezone) == next_at


def test_a_day_long_wait_counts_in_days(builtin):
    config = builtin("Asia/Tokyo")
    moment = at(config.running(), msk("2021-02-04 16:59:30"))
    assert moment.phase is Phase.BEFORE
    assert countdown_text(moment.until_start) == "2 days 01:00:30"


# --------------------------------------------------------------------------- boundaries


def test_at_boundaries_start_inclusive_end_exclusive(builtin):
    programme = builtin("Europe/Moscow").running()
    tick = timedelta(microseconds=1)
    start, end = programme.start, programme.end
    assert at(programme, start - tick).phase is Phase.BEFORE
    first = at(programme, start)
    assert first.phase is Phase.ITEM
    assert first.current.title == "Opening of the conference"
    assert first.until_start is None
    assert first.remaining == 15 * MIN
    # The instant an item ends, the next one is current.
    handover = programme.items[0].end
    assert at(programme, handover - tick).current.title == "Opening of the conference"
    assert at(programme, handover).current.title == "Address by the National Leader of Belarus"
    # The break starts at 19:55 exactly and is over at 20:10 exactly.
    assert at(programme, msk("19:55")).phase is Phase.BREAK
    assert at(programme, msk("20:10")).phase is Phase.ITEM
    last = at(programme, end - tick)
    assert last.phase is Phase.ITEM and last.current.title == "Solidarity Concert"
    over = at(programme, end)
    assert over.phase is Phase.AFTER
    assert over.current is None and over.next is None and over.next_boundary is None


def test_next_boundary_is_strictly_later(builtin):
    programme = builtin("Europe/Moscow").running()
    assert at(programme, msk("17:00")).next_boundary == msk("18:00")
    assert at(programme, msk("18:00")).next_boundary == msk("18:15")
    assert at(programme, msk("18:14:59")).next_boundary == msk("18:15")
    assert at(programme, msk("22:00")).next_boundary == msk("23:30")
    assert programme.boundaries()[0] == msk("18:00")
    assert programme.boundaries()[-1] == msk("23:30")


def test_naive_instants_are_refused(builtin):
    programme = builtin("Europe/Moscow").running()
    with pytest.raises(ValueError, match="aware"):
        at(programme, datetime(2021, 2, 6, 18, 0))
    with pytest.raises(ValueError, match="aware"):
        Programme(datetime(2021, 2, 6, 18, 0), programme.end, ())


# ----------------------------------------------------------------------- DST in the event's zone

LONDON_SPRING = """\
    event:
      title: Clocks go forward
      timezone: Europe/London
      start: 2021-03-28 00:00
      end: "04:00"
    programme:
      - title: Across the change
        start: "00:30"
        duration: 1h
      - title: Straight after
        duration: 30m
      - title: Last
        start: "03:30"
"""


def test_items_by_duration_keep_real_time_across_spring_forward(config_from):
    config = config_from(LONDON_SPRING, zone="Europe/London")
    london = config.event.timezone
    first, second, last = config.programme.items
    assert first.duration == timedelta(hours=1)
    assert (clock_text(first.start, london), clock_text(first.end, london)) == ("00:30", "02:30")
    assert (clock_text(second.start, london), clock_text(second.end, london)) == ("02:30", "03:00")
    assert (clock_text(last.start, london), clock_text(last.end, london)) == ("03:30", "04:00")
    # 00:00 GMT to 04:00 BST is three hours of real time.
    assert config.programme.end - config.programme.start == timedelta(hours=3)
    assert first.start == datetime(2021, 3, 28, 0, 30, tzinfo=UTC)
    assert last.end == datetime(2021, 3, 28, 3, 0, tzinfo=UTC)


def test_countdowns_across_spring_forward(config_from):
    programme = config_from(LONDON_SPRING, zone="Europe/London").running()
    # 00:50 GMT: 40 minutes of the first item left although its end reads 02:30.
    moment = at(programme, datetime(2021, 3, 28, 0, 50, tzinfo=ZoneInfo("Europe/London")))
    assert moment.current.title == "Across the change"
    assert moment.remaining == 40 * MIN
    # 03:10 BST: a gap before the 03:30 item, 20 minutes away.
    moment = at(programme, datetime(2021, 3, 28, 3, 10, tzinfo=ZoneInfo("Europe/London")))
    assert moment.phase is Phase.BREAK
    assert moment.current is None
    assert moment.next.title == "Last"
    assert countdown_text(moment.until_next) == "20:00"


LONDON_GAP = """\
    event:
      title: Clocks go forward
      timezone: Europe/London
      start: 2021-03-28 00:00
      end: "04:00"
    programme:
      - title: Early
        duration: 30m
      - title: In the gap
        start: "01:30"
"""


def test_a_start_the_clocks_skip_is_a_config_error_naming_the_line(config_from):
    with pytest.raises(ConfigInvalid) as caught:
        config_from(LONDON_GAP, zone="Europe/London")
    error = caught.value.errors[0]
    assert (error.line, error.column) == (10, 12)
    assert error.path == "programme[1].start"
    assert "2021-03-28 01:30 does not exist in Europe/London" in error.message
    assert str(error).startswith("venue.yaml:10:12: programme[1].start: ")


def test_an_event_start_the_clocks_skip_is_a_config_error(config_from):
    text = LONDON_SPRING.replace("start: 2021-03-28 00:00", "start: 2021-03-28 01:15")
    with pytest.raises(ConfigInvalid) as caught:
        config_from(text, zone="Europe/London")
    error = caught.value.errors[0]
    assert (error.line, error.column, error.path) == (4, 10, "event.start")
    assert "does not exist" in error.message


# --------------------------------------------------------------------------- across midnight

MIDNIGHT = """\
    event:
      title: Night watch
      timezone: Europe/Berlin
      start: 2021-02-06 22:00
      end: "02:00"
    programme:
      - title: Late session
        start: "23:00"
        duration: 1h
      - title: After midnight
        start: "00:30"
"""


def test_times_only_roll_over_midnight(config_from):
    config = config_from(MIDNIGHT, zone="Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    late, after = config.programme.items
    assert late.start == datetime(2021, 2, 6, 23, 0, tzinfo=berlin)
    assert late.end == datetime(2021, 2, 7, 0, 0, tzinfo=berlin)
    assert after.start == datetime(2021, 2, 7, 0, 30, tzinfo=berlin)
    assert after.end == datetime(2021, 2, 7, 2, 0, tzinfo=berlin)
    assert config.event.end == datetime(2021, 2, 7, 2, 0, tzinfo=berlin)


@pytest.mark.parametrize(
    ("when", "phase", "current", "upcoming", "until_next"),
    [
        ("2021-02-06 21:30", Phase.BEFORE, None, "Late session", 90 * MIN),
        ("2021-02-06 22:30", Phase.BREAK, None, "Late session", 30 * MIN),
        ("2021-02-06 23:59", Phase.ITEM, "Late session", "After midnight", 31 * MIN),
        ("2021-02-07 00:15", Phase.BREAK, None, "After midnight", 15 * MIN),
        ("2021-02-07 01:59", Phase.ITEM, "After midnight", None, None),
        ("2021-02-07 02:00", Phase.AFTER, None, None, None),
    ],
)
def test_moments_across_midnight(config_from, when, phase, current, upcoming, until_next):
    programme = config_from(MIDNIGHT, zone="Europe/Berlin").running()
    now = datetime.fromisoformat(when).replace(tzinfo=ZoneInfo("Europe/Berlin"))
    moment = at(programme, now)
    assert moment.phase is phase
    assert (moment.current.title if moment.current else None) == current
    assert (moment.next.title if moment.next else None) == upcoming
    assert moment.until_next == until_next


# --------------------------------------------------------------------------- DST at the venue

TOKYO_EVENT = """\
    event:
      title: Tokyo afternoon
      timezone: Asia/Tokyo
      start: 2021-03-14 14:00
      end: "18:00"
    venue:
      name: New York hall
      timezone: America/New_York
    programme:
      - title: One
        start: "14:00"
        duration: 1h
      - title: Two
        duration: 1h
      - title: Three
        duration: 1h
      - title: Four
"""


def test_venue_clock_skips_an_hour_during_the_event(config_from):
    config = config_from(TOKYO_EVENT, zone="Europe/Moscow")
    new_york = config.venue.timezone
    assert new_york == ZoneInfo("America/New_York")  # the config's venue zone wins
    starts = [clock_text(i.start, new_york) for i in config.programme.items]
    assert starts == ["00:00", "01:00", "03:00", "04:00"]
    assert clock_text(config.programme.end, new_york) == "05:00"
    assert [clock_text(i.start, config.event.timezone) for i in config.programme.items] == [
        "14:00", "15:00", "16:00", "17:00"]
    assert all(i.duration == timedelta(hours=1) for i in config.programme.items)


def test_venue_countdown_is_real_time_across_its_own_clock_change(config_from):
    config = config_from(TOKYO_EVENT, zone="Europe/Moscow")
    new_york = config.venue.timezone
    # 01:30 EST in New York: the next item starts at 03:00 EDT, 30 minutes away.
    now = datetime(2021, 3, 14, 1, 30, tzinfo=new_york)
    moment = at(config.running(), now)
    assert moment.current.title == "Two"
    assert clock_text(moment.now, new_york) == "01:30"
    assert clock_text(moment.next.start, new_york) == "03:00"
    assert moment.until_next == 30 * MIN
    assert countdown_text(moment.until_next) == "30:00"


# --------------------------------------------------------------------------- countdown_text


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(0), "00:00"),
        (timedelta(seconds=-5), "00:00"),
        (timedelta(microseconds=1), "00:01"),
        (timedelta(seconds=0.2), "00:01"),
        (timedelta(seconds=1), "00:01"),
        (timedelta(seconds=59.2), "01:00"),
        (timedelta(seconds=60), "01:00"),
        (timedelta(minutes=13), "13:00"),
        (timedelta(minutes=59, seconds=59), "59:59"),
        (timedelta(minutes=59, seconds=59.5), "1:00:00"),
        (timedelta(hours=1), "1:00:00"),
        (timedelta(hours=1, minutes=2, seconds=3), "1:02:03"),
        (timedelta(hours=23, minutes=59, seconds=59), "23:59:59"),
        (timedelta(days=1), "1 day 00:00:00"),
        (timedelta(days=1, hours=1, minutes=1, seconds=1), "1 day 01:01:01"),
        (timedelta(days=2, seconds=5), "2 days 00:00:05"),
    ],
)
def test_countdown_text(left, text):
    assert countdown_text(left) == text


# --------------------------------------------------------------------------- delays


def _item(title: str, start: str, end: str, kind: Kind = Kind.SESSION) -> Item:
    return Item(title=title, kind=kind, start=msk(start), end=msk(end))


PLAN = Programme(
    start=msk("18:00"),
    end=msk("19:00"),
    items=(
        _item("A", "18:00", "18:15"),
        _item("B", "18:15", "18:35"),
        _item("C", "18:35", "18:55"),
    ),
)


def _times(programme: Programme) -> list[tuple[str, str, str]]:
    return [(i.title, wall(i.start, "Europe/Moscow"), wall(i.end, "Europe/Moscow"))
            for i in programme.items]


def test_delay_during_an_item_extends_it_and_shifts_the_rest():
    late = PLAN.delayed(Delay(10 * MIN, msk("18:20")))
    assert _times(late) == [("A", "18:00", "18:15"),   # over before: unchanged
                            ("B", "18:15", "18:45"),   # under way: runs longer
                            ("C", "18:45", "19:05")]   # later: moves
    assert late.start == PLAN.start
    assert late.end == msk("19:10")
    assert late.items[1].duration == 30 * MIN
    assert late.items[2].duration == PLAN.items[2].duration


def test_delay_before_the_start_moves_everything():
    late = PLAN.delayed(Delay(15 * MIN, msk("17:50")))
    assert late.start == msk("18:15")
    assert late.end == msk("19:15")
    assert _times(late) == [("A", "18:15", "18:30"), ("B", "18:30", "18:50"),
                            ("C", "18:50", "19:10")]
    assert at(late, msk("18:05")).phase is Phase.BEFORE
    assert at(late, msk("18:05")).until_start == 10 * MIN


def test_delay_since_an_item_start_moves_that_item():
    late = PLAN.delayed(Delay(5 * MIN, msk("18:35")))
    assert _times(late)[2] == ("C", "18:40", "19:00")
    assert late.items[0] == PLAN.items[0]
    # B ends exactly then; it runs on rather than leaving the hall a 5-minute gap.
    assert _times(late)[1] == ("B", "18:15", "18:40")
    assert at(late, msk("18:37")).phase is Phase.ITEM


def test_delay_after_the_end_changes_nothing():
    assert PLAN.delayed(Delay(5 * MIN, msk("19:30"))) == PLAN


def test_delay_moves_the_moment():
    late = PLAN.delayed(Delay(10 * MIN, msk("18:20")))
    moment = at(late, msk("18:40"))
    assert moment.current.title == "B"
    assert moment.remaining == 5 * MIN
    assert moment.next.title == "C"
    assert at(late, msk("19:05")).phase is Phase.BREAK  # C is over, the event is not
    assert at(late, msk("19:10")).phase is Phase.AFTER


@pytest.mark.parametrize("delay", [None, Delay(timedelta(0), msk("18:20"))])
def test_no_delay_is_the_same_programme(delay):
    assert PLAN.delayed(delay) is PLAN


def test_a_negative_delay_is_refused():
    with pytest.raises(ValueError, match="negative"):
        PLAN.delayed(Delay(-5 * MIN, msk("18:20")))


def test_config_delay_defaults_to_the_event_start(config_from):
    config = config_from("""\
        event:
          title: Late start
          timezone: Europe/Moscow
          start: 2021-02-06 18:00
          end: "19:00"
        programme:
          - title: A
            duration: 30m
          - title: B
        delay:
          by: 10m
    """)
    assert config.delay == Delay(10 * MIN, msk("18:00"))
    running = config.running()
    assert running.start == msk("18:10")
    assert running.end == msk("19:10")
    assert _times(running) == [("A", "18:10", "18:40"), ("B", "18:40", "19:10")]
    # The programme as planned is kept as it was.
    assert config.programme.start == msk("18:00")


def test_config_delay_since_a_time(config_from):
    config = config_from("""\
        event:
          title: Late start
          timezone: Europe/Moscow
          start: 2021-02-06 18:00
          end: "19:00"
        programme:
          - title: A
            duration: 30m
          - title: B
        delay:
          by: 5m
          since: "18:30"
    """)
    # A ends exactly at "since", so it runs on into the delay (no gap).
    assert _times(config.running()) == [("A", "18:00", "18:35"), ("B", "18:35", "19:05")]
