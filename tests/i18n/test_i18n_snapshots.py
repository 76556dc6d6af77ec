"""Every scene, rendered at 1920x1080 in every shipped language: the View's words are that
language's, every character is one the bundled fonts draw, and the picture shows them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QRawFont

from kiosk.cli import main as cli_main
from kiosk.core import config as config_module
from kiosk.core import paths
from kiosk.core.director import Scene
from kiosk.core.i18n import KNOWN, Languages, language
from kiosk.core.programme import day_text
from kiosk.core.view import FIRST, KEYBOARD, PENDING, PROMPT, WAITING, View
from kiosk.doctor import needs_glyph
from kiosk.snapshot import render_snapshot, snapshot_view

MSK = ZoneInfo("Europe/Moscow")
SIZE = (1920, 1080)
# scene: the instant (Moscow time) it is looked at
SCENES = {
    Scene.COUNTDOWN: "17:50",
    Scene.LIVE: "18:20",
    Scene.SLIDES: "20:05",
    Scene.AWARDS: "20:45",
    Scene.MESSAGE: "20:05",
    Scene.CLOSING: "23:45",
}
BAR_WORDS = ("NOW", "NEXT", "BREAK", "STARTING SOON", "ENDED")


@pytest.fixture(scope="module")
def config():
    return config_module.load(paths.builtin_config(), system_zone=ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def fonts(qapp) -> list[QRawFont]:
    return [QRawFont(str(p), 32.0) for p in sorted((paths.assets() / "fonts").glob("*.ttf"))]


@pytest.fixture(scope="module")
def shots(tmp_path_factory, config, qapp):
    """Renders once per language and scene (and keeps the PNG's path)."""
    folder = tmp_path_factory.mktemp("shots")
    made: dict[tuple[str, Scene], tuple[View, Path]] = {}

    def shot(code: str, scene: Scene) -> tuple[View, Path]:
        if (code, scene) not in made:
            instant = datetime.fromisoformat(f"2021-02-06T{SCENES[scene]}").replace(tzinfo=MSK)
            out = folder / f"{scene.value}-{code}.png"
            view = render_snapshot(config, instant, out, SIZE, scene=scene,
                                   languages=Languages(language(code)))
            made[code, scene] = (view, out)
        return made[code, scene]

    return shot


def texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for item in value.values() for t in texts(item)]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in texts(item)]
    return []


def differing(a: QImage, b: QImage, step: int = 4) -> int:
    """How many sampled pixels differ between two images of one size."""
    return sum(a.pixel(x, y) != b.pixel(x, y)
               for y in range(0, a.height(), step) for x in range(0, a.width(), step))


@pytest.mark.parametrize("scene", list(SCENES), ids=lambda s: s.value)
@pytest.mark.parametrize("code", list(KNOWN))
def test_each_scene_in_each_language(shots, config, fonts, code, scene):
    lang = language(code)
    view, png = shots(code, scene)
    assert view.scene is scene
    image = QImage(str(png))
    assert (image.width(), image.height()) == SIZE

    # The View's own words are this language's.
    assert view.languages == (code,)
    assert view.prompt == lang.gettext(PROMPT)
    overlay = view.overlay
    assert overlay is not None and overlay.language == code
    assert overlay.now_label in {lang.gettext(w) for w in BAR_WORDS}
    if scene is Scene.COUNTDOWN:
        start = config.running().start
        assert view.countdown.first_label == lang.gettext(FIRST)
        assert day_text(start, config.venue.timezone, lang) in view.countdown.starts_venue
        assert view.countdown.starts_venue == lang.gettext("Starts {day} at {time}").format(
            day=day_text(start, config.venue.timezone, lang), time="15:00")
        assert view.countdown.title == lang.pick(config.event.title)
        shown = view.countdown.starts_venue
    elif scene is Scene.LIVE:
        assert view.live_waiting == lang.gettext(WAITING)
        assert overlay.now_label == lang.gettext("NOW")
        assert overlay.now_title == lang.pick(config.running().items[1].title)
        shown = view.live_waiting
    elif scene is Scene.AWARDS:
        pending = [c.pending_text for a in view.board.awards for c in a.categories]
        assert pending and set(pending) == {lang.gettext(PENDING)}
        shown = pending[0]
    elif scene is Scene.CLOSING:
        assert view.closing[0] == lang.gettext("Thank you for watching together")
        shown = view.closing[0]
    elif scene is Scene.MESSAGE:
        assert view.message == lang.pick(config.message)
        shown = overlay.now_label
    else:
        assert view.slide is not None
        assert overlay.now_label == lang.gettext("BREAK")
        shown = overlay.now_label

    # No empty boxes: the bundled fonts draw every character of every text on screen.
    for text in texts(view.to_json()):
        for character in text:
            if needs_glyph(character):
                assert all(f.supportsCharacter(ord(character)) for f in fonts), (
                    f"{code}/{scene.value}: {character!r} in {text!r}")

    # And the words are painted: the picture is not the English one.
    if code != "en":
        english_view, english_png = shots("en", scene)
        assert shown not in texts(english_view.to_json()), f"{code}/{scene.value}: {shown!r}"
        assert differing(image, QImage(str(english_png))) > 200, f"{code}/{scene.value}"


def test_the_key_card_in_each_language(config, qapp):
    from kiosk.core import director
    from kiosk.core.director import Health, State
    from kiosk.core.programme import at
    from kiosk.core.view import compose
    from kiosk.stage.window import Stage

    now = datetime(2021, 2, 6, 18, 20, tzinfo=MSK)
    moment = at(config.running(), now)
    state = State(help=True)
    pictures = {}
    for code in KNOWN:
        lang = language(code)
        view = compose(config, moment, director.decide(state, moment, Health.PLAYING), state,
                       loop_since=now, problems=("venue.yaml:3:1: a problem",),
                       languages=Languages(lang))
        assert view.help.title == lang.gettext(KEYBOARD)
        assert view.help.rows[0][1] == lang.gettext("Show the live stream")
        stage = Stage()
        stage.set_view(view)
        pictures[code] = stage.render_image(QSize(*SIZE))
    for code in KNOWN:
        if code != "en":
            assert differing(pictures[code], pictures["en"]) > 200, code


def test_two_languages_stacked_paint_the_second_line(config, tmp_path, qapp):
    instant = datetime(2021, 2, 6, 18, 20, tzinfo=MSK)
    one = render_snapshot(config, instant, tmp_path / "one.png", SIZE, scene=Scene.LIVE,
                          languages=Languages(language("be")))
    two = render_snapshot(config, instant, tmp_path / "two.png", SIZE, scene=Scene.LIVE,
                          languages=Languages(language("be"), language("en"), "stacked"))
    assert two.overlay.now_title_2 == "Address by the National Leader of Belarus"
    assert one.overlay.now_title_2 == ""
    # The bar differs: the second line and the labels in both languages.
    a, b = QImage(str(tmp_path / "one.png")), QImage(str(tmp_path / "two.png"))
    assert differing(a.copy(0, 760, 1920, 320), b.copy(0, 760, 1920, 320)) > 200


def test_snapshot_lang_on_the_command_line(tmp_path, qapp):
    code = cli_main(["snapshot", "--at", "2021-02-06T18:20", "--lang", "be-Latn,de",
                     "-o", str(tmp_path / "shot.png"), "--state", str(tmp_path / "shot.json"),
                     "--size", "960x540"])
    assert code == 0
    state = json.loads((tmp_path / "shot.json").read_text(encoding="utf-8"))
    assert state["languages"] == ["be-Latn", "de"]
    assert state["live_waiting"] == "Tut zjavicca pramaja translacyja"
    assert state["overlay"]["now_label"] in ("CIAPIER", "JETZT")


def test_an_unknown_lang_is_refused(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli_main(["snapshot", "--at", "2021-02-06T18:20", "--lang", "fr", "-o", "x.png"])
    assert stopped.value.code == 2
    assert "unknown language 'fr'; known: be, be-Latn, ru, uk, en, pl, lt, de" in \
        capsys.readouterr().err


def test_run_takes_lang_too():
    from kiosk.cli import _parser

    options = _parser().parse_args(["run", "--lang", "be,de"])
    assert options.lang == ("be", "de")
    assert _parser().parse_args(["run"]).lang == ()


def test_the_snapshot_view_follows_the_config_languages(config):
    view = snapshot_view(config, datetime(2021, 2, 6, 18, 20, tzinfo=MSK))
    assert view.languages == ("en", "be")
