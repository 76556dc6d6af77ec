"""The doctor's pure parts, without Qt or libVLC: lines, verdicts, texts and their glyphs."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from email.utils import formatdate
from pathlib import Path

import pytest

from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.doctor import (
    KIOSK_WORDS,
    ClockSample,
    Finding,
    Status,
    clock_finding,
    config_texts,
    describe_characters,
    exit_code,
    kiosk_words,
    needs_glyph,
    server_offset,
    summary,
    uncovered,
    ytdlp_age,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_finding_is_one_aligned_line_with_its_hint():
    fail = Finding(Status.FAIL, "stream", "HTTP 404 Not Found", "check the address")
    ok = Finding(Status.PASS, "config", "valid", "never shown")
    assert fail.line() == "FAIL  stream      HTTP 404 Not Found  → check the address"
    assert ok.line() == "PASS  config      valid"
    assert Finding(Status.WARN, "fonts", "two\nlines").line() == "WARN  fonts       two lines"


def test_only_a_failure_makes_the_exit_code_non_zero():
    warn = Finding(Status.WARN, "screens", "one screen")
    assert exit_code([Finding(Status.PASS, "a", ""), warn]) == 0
    assert exit_code([warn, Finding(Status.FAIL, "b", "")]) == 1
    assert "Ready, but read the WARN lines." in summary([warn])
    assert summary([Finding(Status.FAIL, "b", ""), warn], 2.04) == (
        "doctor: 1 failure, 1 warning, 0 passed in 2.0 s. NOT READY: fix the FAIL lines.")


@pytest.mark.parametrize(("offset", "status", "words"), [
    (0.4, Status.PASS, "within 0 s of a.example"),
    (-29.0, Status.PASS, "within 29 s"),
    (45.0, Status.WARN, "45 s behind a.example"),
    (-299.0, Status.WARN, "4 min 59 s ahead of a.example"),
    (600.0, Status.FAIL, "10 min 0 s behind a.example"),
    (-7300.0, Status.FAIL, "2 h 1 min ahead of a.example"),
])
def test_clock_verdict_by_how_far_off(offset, status, words):
    finding = clock_finding([ClockSample("a.example", offset)], "linux")
    assert finding.status is status
    assert words in finding.detail
    if status is not Status.PASS:
        assert "timedatectl set-ntp true" in finding.hint


def test_the_server_that_agrees_best_decides():
    samples = [ClockSample("wrong.example", 900.0), ClockSample("right.example", -2.0),
               ClockSample("down.example", problem="connection refused")]
    finding = clock_finding(samples)
    assert finding.status is Status.PASS
    assert "right.example (and 1 more)" in finding.detail


def test_no_server_to_ask_is_a_warning():
    assert clock_finding([]).status is Status.WARN
    finding = clock_finding([ClockSample("feeds.example", problem="no such host")], "win32")
    assert finding.status is Status.WARN
    assert "could not compare" in finding.detail
    assert "feeds.example: no such host" in finding.detail
    assert "Set time automatically" in finding.hint


def test_server_offset_reads_the_date_header():
    sent = 1_800_000_000.0
    date_header = formatdate(sent + 600, usegmt=True)
    assert server_offset(date_header, sent, sent + 0.2) == pytest.approx(600.4, abs=0.01)
    assert server_offset("not a date", sent, sent) is None
    assert server_offset("", sent, sent) is None


@pytest.mark.parametrize(("version", "days"), [
    ("2026.10.26", 33), ("2026.11.28.1", 0), ("2025.11.12.232701", 381), ("1.0", None),
    ("2026.13.40", None),
])
def test_ytdlp_age(version, days):
    assert ytdlp_age(version, date(2026, 11, 28)) == days


def test_config_texts_name_where_each_text_is():
    config = config_module.load(paths.builtin_config())
    texts: dict[str, str] = {}
    for where, text in config_texts(config):
        texts.setdefault(where, text)  # the first of a text's languages
    assert texts["event.title"] == config.event.title
    # Every language of a text is there to be checked.
    assert ("event.title", "Канферэнцыя салідарнасці з беларускім народам") in config_texts(config)
    assert texts["programme[0].title"] == config.running().items[0].title
    assert any(where.startswith("slides[") for where in texts)
    assert any(where.startswith("awards[0].categories[") for where in texts)


def test_kiosk_words_cover_its_labels_and_screens():
    config = config_module.load(paths.builtin_config())
    words = kiosk_words(config)
    for expected in ("REHEARSAL", "NEXT", "Thank you for watching together",
                     "Stream offline", "PROBLEM: F1"):
        assert expected in words
    assert any(w.startswith("Starts ") for w in words)  # the countdown screen


def test_uncovered_lists_each_missing_character_once_with_its_places():
    texts = [("event.title", "Café 😀"), ("programme[2].title", "😀 and ★"),
             ("programme[3].title", "a\u00a0b\tc\u200d\ufe0f"), (KIOSK_WORDS, "★ ☂ 😀")]
    missing = uncovered(texts, lambda ch: ch.isascii() or ch == "é")
    assert missing == {"😀": ["event.title", "programme[2].title"],
                       "★": ["programme[2].title"], "☂": [KIOSK_WORDS]}
    text = describe_characters(missing, limit=2)
    assert text == ("'😀' U+1F600 in event.title, programme[2].title; "
                    "'★' U+2605 in programme[2].title; and 1 more")


def test_spaces_joiners_and_variation_selectors_need_no_glyph():
    assert not any(needs_glyph(c) for c in " \u00a0\t\n\u200d\ufe0f\U000e0101")
    assert all(needs_glyph(c) for c in "aЯ😀\U0010fffd\u0301")


def test_the_pure_parts_load_no_qt_or_vlc():
    code = ("import sys, kiosk.doctor as d\n"
            "d.kiosk_words(__import__('kiosk.core.config', fromlist=['x']).load("
            "__import__('kiosk.core.paths', fromlist=['x']).builtin_config()))\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'vlc'))]\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
