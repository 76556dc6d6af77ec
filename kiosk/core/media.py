"""What the player is asked to play, and where a video picture sits inside the render box.

Pure: no Qt, no libVLC. The player renders every picture into a buffer of one fixed size
(the stage's); the picture keeps its own shape inside it, centred, with black bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

# The demo clip loops: libVLC replays the input this many times before EndReached.
LOOP_OPTION = ":input-repeat=65535"

# Buffer rows are W*4 bytes; libVLC wants planes 32-byte aligned, so widths and the picture's
# left edge are multiples of 8 pixels.
ALIGN = 8
# A bar narrower than this is not worth drawing: the picture fills the box (a distortion of
# at most 32 px in 1920, under 2 %). It also keeps libVLC 3's plane copy from writing into
# a bar: that copy moves whole rows when its own pitch (the width rounded up to 16 pixels)
# equals ours.
MIN_BAR = 32

# Display aspects of real streams, most common first; a guess picks the first that fits.
COMMON_ASPECTS: tuple[tuple[int, int], ...] = (
    (16, 9), (4, 3), (9, 16), (64, 27), (239, 100), (12, 5), (37, 20), (16, 10), (3, 2),
    (5, 4), (1, 1), (3, 4),
)
ASPECT_TOLERANCE = 0.005
# libVLC 3 hands its format callback the decoder's padded size, not the visible one: the
# width rounded up to 16, the height rounded up to 32 plus two rows (measured with 3.0.24:
# 1920x1080 -> 1920x1090, 1280x720 -> 1280x738, 854x480 -> 864x482, 426x240 -> 432x258).
PAD_WIDTH = 15
PAD_HEIGHT = 33


@dataclass(frozen=True)
class PlayableMedia:
    """One source for the player.

    ``options`` are libVLC media options (``:http-user-agent=…``, ``:adaptive-maxheight=720``).
    ``live`` sources are retried when they end; ``loop`` sources restart (the demo clip).
    """

    url: str
    options: tuple[str, ...] = ()
    live: bool = False
    loop: bool = False
    title: str = ""

    def __post_init__(self) -> None:
        if not self.url.strip():
            raise ValueError("a playable media needs a URL")
        bad = [o for o in self.options if not o.startswith(":")]
        if bad:
            raise ValueError(f"libVLC media options start with ':' (got {bad[0]!r})")

    @property
    def host(self) -> str:
        """The server's host name, for the host's diagnostics ("file" for a local file)."""
        parts = urlsplit(self.url)
        if parts.scheme in ("", "file") or len(parts.scheme) == 1:  # a path, or C:\…
            return "file"
        return parts.hostname or ""

    def vlc_options(self) -> tuple[str, ...]:
        """The options to put on each fresh libVLC media made for this source."""
        if self.loop and not any(o.startswith(":input-repeat=") for o in self.options):
            return (*self.options, LOOP_OPTION)
        return self.options


@dataclass(frozen=True)
class Placement:
    """Where the picture goes inside the render box, in pixels."""

    x: int
    y: int
    width: int
    height: int

    @property
    def aspect(self) -> float:
        return self.width / self.height

    def near(self, other: Placement, slack: int) -> bool:
        """Whether ``other`` is within ``slack`` pixels of this on every edge."""
        return (abs(self.x - other.x) <= slack and abs(self.y - other.y) <= slack
                and abs(self.width - other.width) <= slack
                and abs(self.height - other.height) <= slack)


def render_size(width: int, height: int) -> tuple[int, int]:
    """The render box for a screen: the width rounded down to a multiple of 8, at least 8×2."""
    return max(ALIGN, width - width % ALIGN), max(2, height)


def place(aspect: float, box_width: int, box_height: int) -> Placement:
    """The largest rectangle of ``aspect`` (width/height) centred in the box, bars black.

    Widths and the left edge are multiples of 8; bars thinner than ``MIN_BAR`` are dropped.
    """
    if box_width % ALIGN or box_width <= 0 or box_height <= 0:
        raise ValueError(f"render box {box_width}x{box_height}: width must be a multiple of 8")
    if not aspect > 0:  # also catches NaN
        return Placement(0, 0, box_width, box_height)
    if box_width / box_height > aspect:  # pillarbox: bars left and right
        width = int(box_height * aspect + 0.5) // ALIGN * ALIGN
        if box_width - width < MIN_BAR or width < ALIGN:
            return Placement(0, 0, box_width, box_height)
        x = (box_width - width) // 2 // ALIGN * ALIGN
        return Placement(x, 0, width, box_height)
    height = int(box_width / aspect + 0.5)
    if box_height - height < MIN_BAR or height < 2:
        return Placement(0, 0, box_width, box_height)
    return Placement(0, (box_height - height) // 2, box_width, height)


def visible_size(coded_width: int, coded_height: int) -> tuple[int, int]:
    """Best guess of a picture's visible size from the padded size libVLC 3 reports.

    Looks for a common display aspect that a visible size within the padding would have;
    without one, takes the padded width and the height less the two extra rows.
    """
    widths = range(max(1, coded_width - PAD_WIDTH), coded_width + 1)
    heights = range(coded_height, max(0, coded_height - PAD_HEIGHT - 1), -1)
    for num, den in COMMON_ASPECTS:
        ratio = num / den
        for height in heights:
            width = round(height * ratio)
            if width in widths and abs(width / height - ratio) <= ratio * ASPECT_TOLERANCE:
                return width, height
    return coded_width, max(1, coded_height - 2 if coded_height > 2 else coded_height)


def visible_slack(box_width: int) -> int:
    """How far a placement may be off before it is worth fixing: 1 % of the width, ≥ 8 px."""
    return max(ALIGN, box_width // 100)
