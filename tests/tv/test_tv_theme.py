"""The theme: colours from the config, checked for contrast (WCAG 2.x) with clear errors, and
the display's overscan and motion settings. Pure: no Qt."""

from __future__ import annotations

import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import palette
from kiosk.core.config import Display, Theme, loads
from kiosk.core.errors import ConfigInvalid

HEAD = """\
event:
  title: Watch party
  timezone: Europe/Moscow
  start: 2021-02-06 18:00
  end: "23:30"
"""

# Themes a hall might configure: the default, a light one, a green one, and ones that need help.
THEMES = {
    "default": (palette.DEFAULT_ACCENT, palette.DEFAULT_BACKGROUND, palette.DEFAULT_TEXT),
    "light": ("#c8313e", "#ffffff", "#000000"),
    "green on cream": ("#00aa00", "#f0f0e0", "#222222"),
    "grey text on navy": ("#c8313e", "#10151f", "#556070"),
    "yellow accent": ("#ffcc00", "#10151f", "#ffffff"),
    "mid grey": ("#ffcc00", "#777777", "#888888"),
}


def read(text: str, tmp_path: Path, warnings: list[str] | None = None):
    return loads(HEAD + textwrap.dedent(text), "venue.yaml", base_dir=tmp_path,
                 system_zone=ZoneInfo("UTC"), warnings=warnings)


# ------------------------------------------------------------------ WCAG arithmetic


def test_contrast_matches_wcag_reference_values():
    assert palette.contrast(palette.WHITE, palette.BLACK) == pytest.approx(21.0)
    assert palette.contrast(palette.WHITE, palette.WHITE) == pytest.approx(1.0)
    # #767676 on white is the well-known lightest grey that passes AA (4.54:1).
    assert palette.contrast(palette.parse("#767676"), palette.WHITE) == pytest.approx(4.54,
                                                                                      abs=0.01)
    assert palette.luminance(palette.parse("#ff0000")) == pytest.approx(0.2126)


def test_translucent_fill_is_judged_over_white_and_black_pictures():
    light, dark = palette.over_any((0, 0, 0), 128)
    assert light == (127, 127, 127) and dark == (0, 0, 0)
    # Any picture lies between the two, so an ink that reads on both reads on all.
    ink = palette.ensure(palette.WHITE, [light, dark])
    assert palette.worst(ink, [light, dark]) >= palette.AA or ink == palette.WHITE


def test_ensure_moves_the_least_it_can():
    grey = palette.parse("#808080")
    fixed = palette.ensure(grey, [palette.parse("#10151f")])
    assert palette.contrast(fixed, palette.parse("#10151f")) >= palette.AA
    assert fixed == grey  # already enough: untouched
    dim = palette.parse("#404850")
    fixed = palette.ensure(dim, [palette.parse("#10151f")])
    assert palette.contrast(fixed, palette.parse("#10151f")) == pytest.approx(4.5, abs=0.1)


# ------------------------------------------------------------------ every pair the theme uses


@pytest.mark.parametrize("name", sorted(THEMES))
@pytest.mark.parametrize("picture", [False, True], ids=["plain", "background picture"])
def test_every_text_and_background_pair_reaches_aa(name, picture):
    result, _ = palette.derive(*THEMES[name], picture=picture)
    low = [p for p in result.pairs if p.ratio < palette.AA]
    assert not low, low
    # Each surface the stage draws text on is covered.
    surfaces = {p.surface for p in result.pairs}
    assert any(s.startswith("the backdrop") for s in surfaces)
    assert "the now/next bar over any video" in surfaces
    assert "the help card" in surfaces


def test_default_theme_keeps_the_events_colours_and_needs_no_change():
    result, adjusted = palette.derive()
    assert adjusted == ()
    assert (result.accent, result.background_top, result.text) == ("#c8313e", "#10151f",
                                                                   "#ffffff")
    assert result.panel_alpha == palette.PANEL_ALPHA  # the bar as it always was
    assert result.lowest.ratio >= palette.AA


def test_over_video_the_panel_thickens_until_its_text_reads():
    plain, _ = palette.derive(*THEMES["grey text on navy"])
    assert plain.panel_alpha > palette.PANEL_ALPHA
    bar = [p for p in plain.pairs if p.surface == "the now/next bar over any video"]
    assert bar and min(p.ratio for p in bar) >= palette.AA


def test_a_background_picture_is_dimmed_enough_for_any_picture():
    result, adjusted = palette.derive(picture=True)
    assert adjusted == ()
    assert palette.SCRIM_ALPHA <= result.scrim_alpha <= 255
    backdrop = [p for p in result.pairs if p.surface.startswith("the backdrop")]
    assert min(p.ratio for p in backdrop) >= palette.AA


# ------------------------------------------------------------------ the config


def test_theme_and_display_are_read(tmp_path: Path):
    (tmp_path / "logo.png").write_bytes(b"")
    config = read("""\
        theme:
          accent: "#C33"
          background: "#10151f"
          text: "#ffffff"
          logo: logo.png
          background_image: https://example.org/hall.jpg
        display:
          overscan: 2.5%
          motion: false
        """, tmp_path)
    assert config.theme == Theme(accent="#cc3333", logo=tmp_path / "logo.png",
                                 background_image_url="https://example.org/hall.jpg")
    assert config.display == Display(overscan=0.025, motion=False)


def test_defaults_without_theme_or_display(tmp_path: Path):
    config = read("", tmp_path)
    assert config.theme == Theme() and config.display == Display()
    assert config.display.overscan == 0.05 and config.display.motion


@pytest.mark.parametrize(("body", "line", "column", "path", "phrase"), [
    ("theme:\n  accent: #c8313e\n", 7, 10, "theme.accent", "without quotes YAML reads #"),
    ("theme:\n  background: navy\n", 7, 15, "theme.background", "a colour like \"#c8313e\""),
    ("theme:\n  text: \"#fffff\"\n", 7, 9, "theme.text", "got '#fffff'"),
    ("display:\n  overscan: 12%\n", 7, 13, "display.overscan", "from 0% to 10%"),
    ("display:\n  overscan: a lot\n", 7, 13, "display.overscan", "like 5%"),
    ("display:\n  motion: slow\n", 7, 11, "display.motion", "true or false"),
    ("theme:\n  acent: \"#c8313e\"\n", 7, 3, "theme.acent", "did you mean 'accent'"),
])
def test_bad_theme_or_display_is_an_error_with_line_and_column(tmp_path: Path, body, line,
                                                                column, path, phrase):
    with pytest.raises(ConfigInvalid) as caught:
        read(body, tmp_path)
    error = caught.value.errors[0]
    assert (error.line, error.column, error.path) == (line, column, path), str(error)
    assert phrase in error.message, str(error)


def test_too_little_contrast_is_a_warning_the_host_sees(tmp_path: Path):
    warnings: list[str] = []
    config = read("""\
        theme:
          text: "#556070"
        """, tmp_path, warnings)
    assert config.theme.text == "#556070"  # the config says what it says; the stage adjusts
    assert len(warnings) == 1
    assert warnings[0].startswith("venue.yaml:7:9: theme.text: ")
    assert "2.7:1" in warnings[0] and "4.5:1" in warnings[0]
    result, _ = palette.derive(config.theme.accent, config.theme.background, config.theme.text)
    assert result.text != "#556070" and result.lowest.ratio >= palette.AA


def test_a_hopeless_theme_falls_back_to_the_default_colours(tmp_path: Path):
    warnings: list[str] = []
    read("""\
        theme:
          accent: "#ffcc00"
          background: "#777777"
          text: "#888888"
        """, tmp_path, warnings)
    assert any("default colours" in w for w in warnings), warnings
    result, _ = palette.derive(*THEMES["mid grey"])
    assert result.text == palette.DEFAULT.text


def test_a_remote_logo_is_fetched_with_the_pictures_and_used_once_cached(tmp_path: Path):
    from kiosk.core import feedpoll
    from kiosk.core.feedcache import FeedCache

    config = read("""\
        theme:
          logo: https://example.org/logo.png
        """, tmp_path)
    assert feedpoll.image_urls(config) == ("https://example.org/logo.png",)
    cache = FeedCache(tmp_path / "cache")
    assert feedpoll.with_cached_images(config, cache).theme.logo is None
    cache.save_image("https://example.org/logo.png", b"\x89PNG picture")
    cached = feedpoll.with_cached_images(config, cache).theme.logo
    assert cached is not None and cached.is_file()
