"""Where a picture sits in the render box, and what a playable media carries. Pure: no Qt, no
libVLC (kept next to the player's tests because only the player uses it)."""

from __future__ import annotations

import pytest

from kiosk.core.media import (
    LOOP_OPTION,
    Placement,
    PlayableMedia,
    place,
    render_size,
    visible_size,
    visible_slack,
)

# Visible size → the padded size libVLC 3.0.24 gave the format callback (H.264, measured).
MEASURED = {
    (1920, 1080): (1920, 1090), (1280, 720): (1280, 738), (854, 480): (864, 482),
    (640, 360): (640, 386), (426, 240): (432, 258), (256, 144): (256, 162),
    (320, 240): (320, 258), (1440, 1080): (1440, 1090), (720, 576): (720, 578),
    (1920, 800): (1920, 802), (1920, 1040): (1920, 1058), (3840, 2160): (3840, 2178),
    (1080, 1920): (1088, 1922), (1998, 1080): (2000, 1090),
}


@pytest.mark.parametrize(("visible", "coded"), MEASURED.items(), ids=str)
def test_the_visible_aspect_is_recovered_from_the_padded_size(visible, coded):
    width, height = visible_size(*coded)
    assert abs(width / height - visible[0] / visible[1]) <= 0.005 * visible[0] / visible[1]


@pytest.mark.parametrize(("visible", "coded"), MEASURED.items(), ids=str)
def test_the_guess_places_the_picture_as_the_truth_would(visible, coded):
    width, height = visible_size(*coded)
    for box in ((1920, 1080), (1280, 720), (640, 360)):
        truth, guess = place(visible[0] / visible[1], *box), place(width / height, *box)
        assert guess.near(truth, visible_slack(box[0])), (box, truth, guess)


def test_an_exact_size_is_its_own_guess():
    assert visible_size(1280, 720) == (1280, 720)


def test_an_odd_size_falls_back_to_the_padded_width_less_two_rows():
    assert visible_size(1000, 610) == (1000, 608)


def test_a_16_9_picture_fills_a_16_9_box():
    assert place(16 / 9, 1920, 1080) == Placement(0, 0, 1920, 1080)


def test_a_4_3_picture_is_pillarboxed_on_8_pixel_boundaries():
    assert place(4 / 3, 1920, 1080) == Placement(240, 0, 1440, 1080)
    assert place(4 / 3, 640, 360) == Placement(80, 0, 480, 360)


def test_a_wide_picture_is_letterboxed():
    assert place(2.4, 1920, 1080) == Placement(0, 140, 1920, 800)


def test_a_portrait_picture_is_pillarboxed_and_aligned():
    placed = place(9 / 16, 1920, 1080)
    assert placed.x % 8 == 0 and placed.width % 8 == 0
    assert placed.height == 1080
    assert abs(placed.x * 2 + placed.width - 1920) < 16


def test_thin_bars_are_dropped():
    assert place(1.76, 1920, 1080) == Placement(0, 0, 1920, 1080)  # 19 px of bars
    assert place(1.8, 1920, 1080) == Placement(0, 0, 1920, 1080)  # 13 px top and bottom


@pytest.mark.parametrize("aspect", [0.0, -1.0, float("nan")])
def test_a_nonsense_aspect_fills_the_box(aspect):
    assert place(aspect, 640, 360) == Placement(0, 0, 640, 360)


def test_the_box_width_must_be_a_multiple_of_8():
    with pytest.raises(ValueError):
        place(1.0, 1918, 1080)


def test_render_size_rounds_the_width_down_to_a_multiple_of_8():
    assert render_size(1918, 1080) == (1912, 1080)
    assert render_size(3, 1) == (8, 2)


def test_placements_are_near_within_a_slack():
    a = Placement(240, 0, 1440, 1080)
    assert a.near(Placement(248, 0, 1432, 1080), 8)
    assert not a.near(Placement(256, 0, 1408, 1080), 8)
    assert visible_slack(1920) == 19 and visible_slack(640) == 8


def test_playable_media_knows_its_host_and_options():
    hls = PlayableMedia("https://manifest.googlevideo.com/api/x.m3u8",
                        (":http-user-agent=Mozilla/5.0",), live=True, title="Live")
    assert hls.host == "manifest.googlevideo.com"
    assert hls.vlc_options() == (":http-user-agent=Mozilla/5.0",)
    assert PlayableMedia("/opt/demo.mp4").host == "file"
    assert PlayableMedia(r"C:\demo.mp4").host == "file"
    assert PlayableMedia("file:///opt/demo.mp4").host == "file"


def test_a_loop_media_repeats_unless_told_otherwise():
    assert PlayableMedia("demo.mp4", loop=True).vlc_options() == (LOOP_OPTION,)
    assert PlayableMedia("demo.mp4", (":input-repeat=2",), loop=True).vlc_options() == (
        ":input-repeat=2",)


@pytest.mark.parametrize(("url", "options"), [("", ()), ("  ", ()),
                                              ("x.mp4", ("input-repeat=2",))])
def test_playable_media_rejects_nonsense(url, options):
    with pytest.raises(ValueError):
        PlayableMedia(url, options)
