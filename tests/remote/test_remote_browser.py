"""The phone remote in a real browser (Debian's Chromium, headless, at a phone's size): a
volunteer pairs with the code, or with the QR code's address, presses buttons, types a
message, and the kiosk's scene changes (its event log and its state say so); a revoked
phone is sent back to pairing; a watch-only screen has no buttons."""

from __future__ import annotations

import pytest
from browser import Phone, available, until

from kiosk.core.director import Scene
from kiosk.core.remote import Kind

pytestmark = pytest.mark.skipif(bool(available()), reason=f"no browser here: {available()}")


@pytest.fixture
def phones():
    opened: list[Phone] = []

    def make() -> Phone:
        opened.append(Phone())
        return opened[-1]

    yield make
    for phone in opened:
        phone.quit()


def paired(qtbot, h, phone: Phone, kind: Kind = Kind.CONTROL, name: str = "Door") -> None:
    """Open the page and type the host's code, as a volunteer would."""
    phone.open(h.url("/"))
    until(qtbot.wait, lambda: phone.visible("#pair-form"), what="the pairing form")
    phone.find("#code").send_keys(h.remote.code(kind))
    phone.find("#name").send_keys(name)
    phone.tap("#pair-button")
    until(qtbot.wait, lambda: phone.visible("#remote"), what="the remote after pairing")


def test_a_volunteer_pairs_with_the_code_and_switches_the_hall_to_the_slides(
        qtbot, hall, phones):
    h = hall("18:10")
    phone = phones()
    paired(qtbot, h, phone)
    assert [p.name for p in h.remote.paired()] == ["Door"]
    until(qtbot.wait, lambda: phone.text("#scene") == "live", what="the scene on the phone")
    assert phone.text("#mode") == "Automatic"
    assert "Solidarity Conference" in phone.text("#title")

    phone.tap('#groups button[data-action="slides"]')
    until(qtbot.wait, lambda: h.kiosk.view.scene is Scene.SLIDES, what="the slides in the hall")
    assert h.kiosk.view.to_json()["scene"] == "slides"  # what `snapshot --state` writes
    assert [r for r in h.events("action") if r["action"] == "slides"][-1]["by"] == "remote"
    assert h.events("scene")[-1]["scene"] == "slides"
    # The phone hears of it over its live connection and marks the button.
    until(qtbot.wait, lambda: phone.text("#mode") == "Manual", what="MANUAL on the phone")
    assert "on" in phone.button("slides").get_attribute("class")
    # And a picture of what the hall sees.
    until(qtbot.wait, lambda: phone.driver.execute_script(
        "return document.getElementById('thumbnail').naturalWidth") > 0,
        what="the thumbnail")

    phone.tap('#groups button[data-action="automatic"]')
    until(qtbot.wait, lambda: h.kiosk.view.scene is Scene.LIVE, what="back to the programme")


def test_the_qr_codes_address_pairs_at_once_and_leaves_no_code_in_the_address_bar(
        qtbot, hall, phones):
    h = hall("18:10")
    phone = phones()
    url = h.remote.url(Kind.CONTROL) if h.remote.addresses() else (
        h.url("/") + "#pair=" + h.remote.code(Kind.CONTROL))
    phone.open(url)
    until(qtbot.wait, lambda: phone.visible("#remote"), what="the remote")
    assert "pair=" not in phone.driver.current_url
    assert len(h.remote.paired()) == 1


def test_blackout_takes_a_second_tap(qtbot, hall, phones):
    h = hall("18:10")
    phone = phones()
    paired(qtbot, h, phone)
    phone.tap('#groups button[data-action="blackout"]')
    qtbot.wait(300)
    assert h.kiosk.view.scene is Scene.LIVE
    assert "arming" in phone.button("blackout").get_attribute("class")
    phone.tap('#groups button[data-action="blackout"]')
    until(qtbot.wait, lambda: h.kiosk.view.scene is Scene.BLACKOUT, what="black")
    until(qtbot.wait, lambda: phone.text("#mode") == "Black screen", what="the phone's mode")
    # Bringing the picture back is one tap.
    phone.tap('#groups button[data-action="blackout"]')
    until(qtbot.wait, lambda: h.kiosk.view.scene is not Scene.BLACKOUT, what="the picture")


def test_a_message_typed_on_the_phone_is_shown_in_the_hall_and_taken_down(
        qtbot, hall, phones):
    h = hall("18:10")
    phone = phones()
    paired(qtbot, h, phone)
    phone.find("#message-text").send_keys("Tea and cakes in the foyer")
    phone.tap("#message-show")
    until(qtbot.wait, lambda: h.kiosk.view.scene is Scene.MESSAGE, what="the message")
    assert h.kiosk.state.message == "Tea and cakes in the foyer"
    until(qtbot.wait, lambda: "Tea and cakes" in phone.text("#message-now"),
          what="the message on the phone")
    assert h.events("message")[-1]["by"] == "remote"
    phone.tap("#message-clear")
    until(qtbot.wait, lambda: h.kiosk.view.scene is not Scene.MESSAGE, what="taken down")


def test_a_phone_the_host_revokes_is_sent_back_to_pairing(qtbot, hall, phones):
    h = hall("18:10")
    phone = phones()
    paired(qtbot, h, phone, name="Lost phone")
    until(qtbot.wait, lambda: phone.text("#mode"), what="the state")
    h.remote.revoke(h.remote.paired()[0].id)
    until(qtbot.wait, lambda: phone.visible("#pair-form"), what="the pairing form")
    assert "disconnected" in phone.text("#pair-problem")
    assert h.remote.paired() == ()


def test_a_watch_only_screen_shows_the_time_left_and_no_buttons(qtbot, hall, phones):
    h = hall("18:10")
    screen = phones()
    paired(qtbot, h, screen, kind=Kind.OBSERVE, name="Lectern")
    until(qtbot.wait, lambda: screen.visible("#watch-only"), what="watch-only")
    assert screen.all("#groups button") == []
    assert not screen.visible("#message")
    assert screen.visible("#countdown")
    assert ":" in screen.text("#countdown-time")


def test_wrong_codes_are_said_on_the_phone(qtbot, hall, phones):
    h = hall()
    phone = phones()
    phone.open(h.url("/"))
    until(qtbot.wait, lambda: phone.visible("#pair-form"), what="the pairing form")
    right = h.remote.code(Kind.CONTROL)
    phone.find("#code").send_keys(f"{(int(right) + 1) % 10**6:06d}")
    phone.tap("#pair-button")
    until(qtbot.wait, lambda: "Tries left: 4" in phone.text("#pair-problem"),
          what="the wrong code said")
    assert h.remote.paired() == ()


def test_the_page_speaks_the_kiosks_language(qtbot, hall, phones):
    h = hall("18:10", lang=("be",))
    phone = phones()
    phone.open(h.url("/"))
    until(qtbot.wait, lambda: phone.visible("#pair-form"), what="the pairing form")
    assert phone.driver.execute_script("return document.documentElement.lang") == "be"
    english = {"Connect this phone", "Connect", "Code"}
    shown = {phone.text('[data-word="pair_title"]'), phone.text("#pair-button"),
             phone.text('label[for="code"]')}
    assert shown and not shown & english and all(shown)
    phone.find("#code").send_keys(h.remote.code(Kind.CONTROL))
    phone.tap("#pair-button")
    until(qtbot.wait, lambda: phone.visible("#remote"), what="the remote")
    until(qtbot.wait, lambda: phone.all("#groups button"), what="the buttons")
    labels = [b.text for b in phone.all("#groups button")]
    assert "Slides" not in labels and "Automatic" not in labels
    assert phone.text("#title") == h.kiosk.languages.primary.pick(h.kiosk.config.event.title)
