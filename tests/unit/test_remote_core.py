"""The remote's pure part: codes, sessions, lockouts, who may connect, and its settings file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.remote import (
    CODE_LIFETIME,
    FIRST_LOCKOUT,
    FORGIVE_AFTER,
    LONGEST_LOCKOUT,
    SESSION_LIFETIME,
    SETTINGS_FILE,
    TRIES_PER_SOURCE,
    WRONG_BEFORE_RENEWAL,
    Kind,
    Pairing,
    Refused,
    Sessions,
    Settings,
    allowed_source,
    digest,
    listen_addresses,
    load_settings,
    origin_allowed,
    pairing_url,
    save_settings,
)

T0 = datetime(2021, 2, 6, 15, 0, tzinfo=UTC)


def test_a_code_is_six_digits_used_once_and_renewed_when_it_expires():
    pairing = Pairing()
    code = pairing.code(Kind.CONTROL, T0)
    assert len(code) == 6 and code.isdigit()
    assert pairing.code(Kind.CONTROL, T0 + timedelta(minutes=1)) == code
    assert pairing.redeem(code, "192.168.1.20", T0) is Kind.CONTROL
    assert isinstance(pairing.redeem(code, "192.168.1.21", T0), Refused)
    later = pairing.code(Kind.CONTROL, T0)
    assert later != code
    assert pairing.code(Kind.CONTROL, T0 + CODE_LIFETIME) != later


def test_the_watch_only_code_pairs_a_watch_only_screen():
    pairing = Pairing()
    control, observe = pairing.code(Kind.CONTROL, T0), pairing.code(Kind.OBSERVE, T0)
    assert control != observe
    assert pairing.redeem(f" {observe[:3]} {observe[3:]} ", "10.0.0.5", T0) is Kind.OBSERVE


def test_wrong_codes_lock_one_sender_out_ever_longer_and_many_renew_every_code():
    pairing = Pairing()
    code = pairing.code(Kind.CONTROL, T0)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers = [pairing.redeem(wrong, "10.0.0.9", T0) for _ in range(TRIES_PER_SOURCE)]
    assert [a.reason for a in answers] == ["wrong"] * (TRIES_PER_SOURCE - 1) + ["locked"]
    assert answers[-1].retry_after == FIRST_LOCKOUT.total_seconds()
    assert pairing.redeem(code, "10.0.0.9", T0 + timedelta(seconds=30)).reason == "locked"
    # Another phone is not locked out by the first one's guesses.
    assert pairing.redeem(code, "10.0.0.10", T0) is Kind.CONTROL
    code = pairing.code(Kind.CONTROL, T0)
    later = T0 + FIRST_LOCKOUT
    for _ in range(TRIES_PER_SOURCE):
        last = pairing.redeem(wrong, "10.0.0.9", later)
    assert last.retry_after == 2 * FIRST_LOCKOUT.total_seconds()
    assert WRONG_BEFORE_RENEWAL <= 2 * TRIES_PER_SOURCE
    assert pairing.code(Kind.CONTROL, later) != code  # ten wrong codes renewed it
    far = later
    for _ in range(10):
        far += LONGEST_LOCKOUT
        for _ in range(TRIES_PER_SOURCE):
            last = pairing.redeem("000000", "10.0.0.9", far)
    assert last.retry_after == LONGEST_LOCKOUT.total_seconds()


def test_an_address_quiet_for_an_hour_starts_again_from_a_clean_slate():
    pairing = Pairing()
    pairing.code(Kind.CONTROL, T0)
    for at in (T0, T0 + FIRST_LOCKOUT):
        for _ in range(TRIES_PER_SOURCE):
            last = pairing.redeem("000000", "10.0.0.9", at)
    assert last.retry_after == 2 * FIRST_LOCKOUT.total_seconds()
    # An hour later a typo is a typo again, not a third, longer lockout.
    quiet = T0 + FIRST_LOCKOUT + FORGIVE_AFTER
    answers = [pairing.redeem("000000", "10.0.0.9", quiet) for _ in range(TRIES_PER_SOURCE)]
    assert [a.reason for a in answers[:-1]] == ["wrong"] * (TRIES_PER_SOURCE - 1)
    assert answers[0].tries_left == TRIES_PER_SOURCE - 1
    assert answers[-1].retry_after == FIRST_LOCKOUT.total_seconds()


def test_a_code_in_other_digits_is_a_wrong_code_not_an_error():
    pairing = Pairing()
    code = pairing.code(Kind.CONTROL, T0)
    arabic = "".join(chr(0x660 + int(c)) for c in code)
    answer = pairing.redeem(arabic, "10.0.0.9", T0)
    assert isinstance(answer, Refused) and answer.reason == "wrong"
    assert pairing.redeem(code, "10.0.0.9", T0) is Kind.CONTROL


def test_sessions_keep_only_digests_and_check_the_kind(tmp_path):
    saved = []
    sessions = Sessions(changed=saved.append)
    token, entry = sessions.new(Kind.CONTROL, "  Door\n phone ", T0)
    assert entry.name == "Door phone" and entry.hashed == digest(token)
    assert token not in json.dumps([p.to_json() for p in saved[-1]])
    assert sessions.check(token, [Kind.CONTROL], T0) == entry
    assert sessions.check(token, [Kind.API], T0) is None
    assert sessions.check(token + "x", [Kind.CONTROL], T0) is None
    assert sessions.check("", [Kind.CONTROL], T0) is None
    api, _ = sessions.new(Kind.API, "", T0)
    assert sessions.check(api, [Kind.API], T0 + timedelta(days=400)) is not None
    assert sessions.check(token, [Kind.CONTROL], T0 + SESSION_LIFETIME + timedelta(1)) is None
    assert [p.kind for p in sessions.all()] == [Kind.API]


def test_revoking_ends_a_session_and_is_saved():
    saved = []
    sessions = Sessions(changed=saved.append)
    token, entry = sessions.new(Kind.CONTROL, "a", T0)
    assert sessions.revoke(entry.id) == entry
    assert sessions.check(token, [Kind.CONTROL], T0) is None
    assert saved[-1] == ()
    assert sessions.revoke(entry.id) is None


def test_settings_round_trip_and_a_broken_file_is_said_and_means_off(tmp_path):
    sessions = Sessions()
    sessions.new(Kind.CONTROL, "Door", T0)
    settings = Settings(enabled=True, port=9000, paired=sessions.all())
    assert save_settings(tmp_path, settings) == ""
    assert load_settings(tmp_path) == (settings, "")
    assert load_settings(tmp_path / "none") == (Settings(), "")
    (tmp_path / SETTINGS_FILE).write_text("{not json")
    settings, problem = load_settings(tmp_path)
    assert settings == Settings() and SETTINGS_FILE in problem and "remote is off" in problem
    (tmp_path / SETTINGS_FILE).write_text(json.dumps({"port": 80}))
    settings, problem = load_settings(tmp_path)
    assert not settings.enabled and "port 80" in problem


@pytest.mark.parametrize(("address", "allowed"), [
    ("127.0.0.1", True), ("::1", True), ("192.168.0.12", True), ("10.1.2.3", True),
    ("172.16.5.4", True), ("169.254.3.3", True), ("fe80::1%eth0", True), ("fd00::5", True),
    ("::ffff:192.168.1.4", True), ("8.8.8.8", False), ("::ffff:8.8.8.8", False),
    ("2001:4860::8888", False), ("100.64.1.1", False), ("0.0.0.0", False),
    ("224.0.0.1", False), ("", False), (None, False), ("not an address", False),
])
def test_only_the_halls_network_may_connect(address, allowed):
    assert allowed_source(address) is allowed


def test_the_remote_listens_on_private_addresses_only_and_never_everywhere():
    found = ["127.0.0.1", "192.168.1.10", "8.8.4.4", "fe80::1", "169.254.1.1", "0.0.0.0",
             "10.0.0.2", "192.168.1.10", "2001:db8::1"]
    assert listen_addresses(found) == ("127.0.0.1", "192.168.1.10", "10.0.0.2")


@pytest.mark.parametrize(("origin", "ok"), [
    ("http://192.168.1.10:8765", True), ("http://192.168.1.10:8766", False),
    ("http://evil.example", False), ("null", False), (None, False), ("", False),
    ("http://192.168.1.10:8765/path", False), ("file://192.168.1.10:8765", False),
])
def test_a_live_connection_must_come_from_the_page_itself(origin, ok):
    assert origin_allowed(origin, "192.168.1.10:8765") is ok


def test_the_qr_code_carries_the_code_after_the_hash():
    assert pairing_url("192.168.1.10", 8765, "012345") == "http://192.168.1.10:8765/#pair=012345"
