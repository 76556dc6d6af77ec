"""Times and durations typed into the event editor: what is taken, and what the host is told."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import yaml

from kiosk.core import schema
from kiosk.core.typed import (
    TypedError,
    format_clock,
    format_duration,
    parse_clock,
    parse_duration,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("18:00", time(18, 0)),
    ("18.00", time(18, 0)),
    ("18,00", time(18, 0)),
    ("1800", time(18, 0)),
    ("930", time(9, 30)),
    ("0930", time(9, 30)),
    ("18", time(18, 0)),
    ("0", time(0, 0)),
    ("18h", time(18, 0)),
    ("18h30", time(18, 30)),
    ("18H30", time(18, 30)),
    ("18 h 30", time(18, 30)),
    ("18 : 30", time(18, 30)),
    ("9:05", time(9, 5)),
    ("18:00 h", time(18, 0)),
    ("18 Uhr", time(18, 0)),
    ("18.30 Uhr", time(18, 30)),
    ("6pm", time(18, 0)),
    ("6 pm", time(18, 0)),
    ("6PM", time(18, 0)),
    ("6:30pm", time(18, 30)),
    ("6:30 PM", time(18, 30)),
    ("6.30 p.m.", time(18, 30)),
    ("6.30 p. m.", time(18, 30)),
    ("9am", time(9, 0)),
    ("9 a.m.", time(9, 0)),
    ("12am", time(0, 0)),
    ("12:30am", time(0, 30)),
    ("12pm", time(12, 0)),
    ("12:15 pm", time(12, 15)),
    ("18:00:30", time(18, 0, 30)),
    ("23:59:59", time(23, 59, 59)),
    ("  18:00  ", time(18, 0)),
    ("\u00a018:00\u00a0", time(18, 0)),  # no-break spaces, as a spreadsheet pastes them
    ("6\u202fpm", time(18, 0)),  # narrow no-break space, as CLDR writes "6 PM"
    ("\t18:00\u2009", time(18, 0)),
    ("１８：３０", time(18, 30)),  # full-width digits and colon
])
def test_clock_times_people_type_are_taken(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("25:00", '"25:00" is not a time of day: hours go from 0 to 23'),
    ("25", '"25" is not a time of day: hours go from 0 to 23'),
    ("2500", '"2500" is not a time of day: hours go from 0 to 23'),
    ("24:00", '"24:00" is not a time of day: hours go from 0 to 23 (midnight is 00:00)'),
    ("18:75", '"18:75": minutes go from 00 to 59'),
    ("1860", '"1860": minutes go from 00 to 59'),
    ("18h60", '"18h60": minutes go from 00 to 59'),
    ("18:00:75", '"18:00:75": seconds go from 00 to 59'),
    ("13pm", '"13pm": with am/pm, hours go from 1 to 12'),
    ("0am", '"0am": with am/pm, hours go from 1 to 12'),
    ("18:00pm", '"18:00pm": with am/pm, hours go from 1 to 12'),
    ("soon", '"soon" is not a time: write it like 18:30 or 6:30pm'),
    ("18:5", '"18:5" is not a time: write it like 18:30 or 6:30pm'),
    ("18-30", '"18-30" is not a time: write it like 18:30 or 6:30pm'),
    ("pm", '"pm" is not a time: write it like 18:30 or 6:30pm'),
    ("18:00:00:00", '"18:00:00:00" is not a time: write it like 18:30 or 6:30pm'),
    ("-1", '"-1" is not a time: write it like 18:30 or 6:30pm'),
    ("", "no time given: write it like 18:30 or 6:30pm"),
    ("   ", "no time given: write it like 18:30 or 6:30pm"),
    ("\u00a0 soon \u00a0", '"soon" is not a time: write it like 18:30 or 6:30pm'),
    ("the opening, right after the welcome speech",
     '"the opening, right after the …" is not a time: write it like 18:30 or 6:30pm'),
])
def test_clock_times_refused_say_why(text: str, message: str) -> None:
    with pytest.raises(TypedError) as caught:
        parse_clock(text)
    assert str(caught.value) == message


def test_typed_error_is_a_value_error() -> None:
    assert issubclass(TypedError, ValueError)


@pytest.mark.parametrize(("text", "expected"), [
    ("45m", timedelta(minutes=45)),
    ("45 m", timedelta(minutes=45)),
    ("45 min", timedelta(minutes=45)),
    ("45min", timedelta(minutes=45)),
    ("45 mins", timedelta(minutes=45)),
    ("45 minutes", timedelta(minutes=45)),
    ("1 minute", timedelta(minutes=1)),
    ("45 Min.", timedelta(minutes=45)),
    ("45", timedelta(minutes=45)),
    ("90", timedelta(minutes=90)),
    ("1h", timedelta(hours=1)),
    ("1 hour", timedelta(hours=1)),
    ("2 hours", timedelta(hours=2)),
    ("2 hrs", timedelta(hours=2)),
    ("1h30", timedelta(hours=1, minutes=30)),
    ("1 h 30", timedelta(hours=1, minutes=30)),
    ("1h05", timedelta(hours=1, minutes=5)),
    ("1h 30m", timedelta(hours=1, minutes=30)),
    ("1h30m", timedelta(hours=1, minutes=30)),
    ("1 hour 30 minutes", timedelta(hours=1, minutes=30)),
    ("1h30m20s", timedelta(hours=1, minutes=30, seconds=20)),
    ("1:30", timedelta(hours=1, minutes=30)),
    ("0:45", timedelta(minutes=45)),
    ("1:30:15", timedelta(hours=1, minutes=30, seconds=15)),
    ("1.5h", timedelta(hours=1, minutes=30)),
    ("1,5h", timedelta(hours=1, minutes=30)),
    ("1.5 hours", timedelta(hours=1, minutes=30)),
    ("0.25h", timedelta(minutes=15)),
    ("1.5m", timedelta(seconds=90)),
    ("90s", timedelta(seconds=90)),
    ("90 sec", timedelta(seconds=90)),
    ("20 seconds", timedelta(seconds=20)),
    ("24h", timedelta(hours=24)),
    ("24:00", timedelta(hours=24)),
    ("1440", timedelta(hours=24)),
    ("+45m", timedelta(minutes=45)),
    (" 45m\u00a0", timedelta(minutes=45)),
    ("1,5 Std.", timedelta(hours=1, minutes=30)),
    ("45 мин", timedelta(minutes=45)),
    ("45 мін.", timedelta(minutes=45)),
    ("45 хв", timedelta(minutes=45)),
    ("1 ч 30 мин", timedelta(hours=1, minutes=30)),
    ("1 гадз 30 хв", timedelta(hours=1, minutes=30)),
    ("2 godz.", timedelta(hours=2)),
    ("1 val. 15 min", timedelta(hours=1, minutes=15)),
])
def test_durations_people_type_are_taken(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("0", '"0": a duration must be longer than zero'),
    ("0m", '"0m": a duration must be longer than zero'),
    ("0:00", '"0:00": a duration must be longer than zero'),
    ("0.1s", '"0.1s": a duration must be longer than zero'),
    ("-5", '"-5": a duration must be longer than zero'),
    ("-45m", '"-45m": a duration must be longer than zero'),
    ("−45m", '"−45m": a duration must be longer than zero'),  # the minus sign
    ("25h", '"25h": a duration can be at most 24 hours'),
    ("24h1m", '"24h1m": a duration can be at most 24 hours'),
    ("1441", '"1441": a duration can be at most 24 hours'),
    ("2 days", '"2 days" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("99999999999999h", '"99999999999999h": a duration can be at most 24 hours'),
    ("1:75", '"1:75": minutes go from 00 to 59'),
    ("1:30:75", '"1:30:75": seconds go from 00 to 59'),
    ("1h75", '"1h75": minutes go from 00 to 59'),
    ("1.5", '"1.5": say which unit, like 1.5h or 90m'),
    ("1,30", '"1,30": say which unit, like 1.5h or 90m'),
    ("soon", '"soon" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("30m1h", '"30m1h" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("1h 2h", '"1h 2h" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("45 45", '"45 45" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("1h30 20", '"1h30 20" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("1m30", '"1m30" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("h", '"h" is not a duration: write it like 45m, 1h30 or 1:30'),
    ("", "no duration given: write it like 45m, 1h30 or 1:30"),
    ("\u00a0", "no duration given: write it like 45m, 1h30 or 1:30"),
])
def test_durations_refused_say_why(text: str, message: str) -> None:
    with pytest.raises(TypedError) as caught:
        parse_duration(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(("value", "text"), [
    (time(18, 30), "18:30"),
    (time(9, 5), "09:05"),
    (time(0, 0), "00:00"),
    (time(18, 0, 30), "18:00:30"),
    (time(18, 0, 0, 500), "18:00"),  # a fraction of a second is not a time a host types
])
def test_format_clock(value: time, text: str) -> None:
    assert format_clock(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (timedelta(hours=1, minutes=30), "1h30m"),
    (timedelta(minutes=45), "45m"),
    (timedelta(seconds=20), "20s"),
    (timedelta(hours=2), "2h"),
    (timedelta(hours=1, seconds=5), "1h5s"),
    (timedelta(hours=24), "24h"),
])
def test_format_duration_is_the_configs_spelling(value: timedelta, text: str) -> None:
    assert format_duration(value) == text
    assert format_duration is schema.format_duration


@pytest.mark.parametrize("text", ["18:00", "6:30pm", "12am", "1800", "18h05", "23:59:59"])
def test_a_formatted_clock_reads_back(text: str) -> None:
    value = parse_clock(text)
    assert parse_clock(format_clock(value)) == value


@pytest.mark.parametrize("text", ["45m", "1h30", "1:30:15", "90s", "1.5h", "24h"])
def test_a_formatted_duration_reads_back_in_the_config_too(text: str) -> None:
    value = parse_duration(text)
    written = format_duration(value)
    assert parse_duration(written) == value
    node = yaml.ScalarNode("tag:yaml.org,2002:str", written)
    assert schema.Duration().convert(node, schema.Context("test", None), "duration") == value
