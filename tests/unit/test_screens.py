"""The stage goes to the TV, the operator window to the laptop; a missing TV is survived."""

from __future__ import annotations

import pytest

from kiosk.core.screens import Placement, ScreenInfo, place

LAPTOP = ScreenInfo("eDP-1", primary=True)
TV = ScreenInfo("HDMI-1")
PROJECTOR = ScreenInfo("DP-2")


@pytest.mark.parametrize(("screens", "wanted", "expected"), [
    ([], "", Placement(-1, None)),
    ([LAPTOP], "", Placement(0, None)),
    ([LAPTOP, TV], "", Placement(1, 0)),
    ([TV, LAPTOP], "", Placement(0, 1)),
    ([LAPTOP, TV, PROJECTOR], "", Placement(1, 0)),
    ([LAPTOP, TV, PROJECTOR], "2", Placement(2, 0)),
    ([LAPTOP, TV, PROJECTOR], "dp-2", Placement(2, 0)),
    ([LAPTOP, TV], "0", Placement(0, 1)),  # the host asked for the laptop screen
    ([LAPTOP], "1", Placement(0, None)),  # the TV asked for is off: the laptop meanwhile
    ([LAPTOP, TV], "HDMI-9", Placement(1, 0)),  # an unknown name: the usual rule
    ([ScreenInfo("a"), ScreenInfo("b")], "", Placement(0, 1)),  # no primary known
])
def test_placement(screens, wanted, expected):
    assert place(screens, wanted) == expected
