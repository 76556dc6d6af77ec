"""The stage's colours, derived from the config's theme so every text reads from the back row.

Every text colour is checked against everything it is drawn on (WCAG 2.x contrast, at least
4.5:1, the AA level for body text) and moved towards white or black until it passes. Text on a
translucent panel over the video is checked against the panel over a black and over a white
picture (the video can be anything), so the panel's opacity is raised until both pass. A
config whose own colours had to be moved gets a warning that names them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

RGB = tuple[int, int, int]

AA = 4.5
BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)

# The event's colours: white-red-white on a deep navy.
DEFAULT_ACCENT = "#c8313e"
DEFAULT_BACKGROUND = "#10151f"
DEFAULT_TEXT = "#ffffff"

# Hand-picked companions of the default colours (a custom theme derives its own).
_DEFAULT_DERIVED = {
    "background_bottom": "#1b2333",
    "text_dim": "#c3ccda",
    "text_faint": "#8d99ad",
    "accent_text": "#ff7a85",
    "panel": "#0c1019",
    "card": "#0e131d",
}
AMBER = "#f2b33d"
BREAK_FILL = "#3a4760"
# Status badges: fill and ink, the same in every theme (they mean the same everywhere).
TONES = {
    "info": ("#2f5f9e", "#ffffff"),
    "warn": ("#f2b33d", "#1d1400"),
    "error": ("#d71f35", "#ffffff"),
}
# Opacities (0-255) the panels start from; raised when a theme's text needs more.
PANEL_ALPHA = 226  # the now/next bar
CARD_ALPHA = 248  # the help card
NOTICE_ALPHA = 150  # the host's notice
DIAGNOSTICS_ALPHA = 190
SCRIM_ALPHA = 150  # the background colour over a background picture
GLOW_ALPHA = 20  # the accent's faint light in the backdrop's upper left


def parse(colour: str) -> RGB:
    """``#rrggbb`` → (r, g, b)."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_of(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """Relative luminance, as WCAG 2.x defines it (sRGB, 0 for black, 1 for white)."""
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def over(fg: RGB, alpha: int, bg: RGB) -> RGB:
    """``fg`` at opacity ``alpha`` (0-255) over ``bg``, blended as Qt's raster engine does
    (in sRGB values, not linear light)."""
    return tuple(round((f * alpha + g * (255 - alpha)) / 255)
                 for f, g in zip(fg, bg, strict=True))  # type: ignore[return-value]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved by ``t`` (0-1) of the way to ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def worst(ink: RGB, surfaces: Iterable[RGB]) -> float:
    """The lowest contrast of ``ink`` on any of ``surfaces``."""
    return min((contrast(ink, s) for s in surfaces), default=21.0)


def over_any(fill: RGB, alpha: int) -> tuple[RGB, RGB]:
    """The lightest and darkest a translucent fill can look over unknown pictures (video, a
    photo): over white and over black. Luminance rises with every channel, so no picture
    makes it lighter or darker than these."""
    return over(fill, alpha, WHITE), over(fill, alpha, BLACK)


def ensure(ink: RGB, surfaces: Sequence[RGB], target: float = AA) -> RGB:
    """``ink``, or the colour nearest to it towards white or black that reaches ``target``
    on every surface."""
    if worst(ink, surfaces) >= target:
        return ink
    found: list[tuple[float, RGB]] = []
    for extreme in (WHITE, BLACK):
        if worst(extreme, surfaces) < target:
            continue
        low, high = 0.0, 1.0  # mix(ink, extreme, high) passes; low does not
        for _ in range(24):
            middle = (low + high) / 2
            if worst(mix(ink, extreme, middle), surfaces) >= target:
                high = middle
            else:
                low = middle
        found.append((high, mix(ink, extreme, high)))
    if not found:  # the surfaces span too much for any colour: the best there is
        return max((WHITE, BLACK), key=lambda c: worst(c, surfaces))
    return min(found)[1]


def opacity_for(fill: RGB, inks: Sequence[RGB], start: int, target: float = AA) -> int:
    """The least opacity (from ``start`` up) at which every ink reaches ``target`` on
    ``fill`` over any picture; 255 if even an opaque fill is not enough."""
    for alpha in range(start, 256):
        surfaces = over_any(fill, alpha)
        if all(worst(ink, surfaces) >= target for ink in inks):
            return alpha
    return 255


@dataclass(frozen=True)
class Pair:
    """One text colour on one surface the stage draws it on, and how well it reads."""

    ink: str  # the palette's name for the text colour
    surface: str  # what it is drawn on, in words
    ratio: float  # the worst contrast over that surface


@dataclass(frozen=True)
class Palette:
    """Every colour the stage paints with, as ``#rrggbb`` plus an opacity for translucent
    fills; ``pairs`` is the contrast of each text colour on each surface it appears on."""

    background_top: str
    background_bottom: str
    text: str
    text_dim: str
    text_faint: str
    accent: str
    accent_text: str
    on_accent: str
    amber: str
    on_break: str
    break_fill: str
    panel: str
    panel_alpha: int
    card: str
    card_alpha: int
    notice_alpha: int
    diagnostics_alpha: int
    scrim_alpha: int
    tones: tuple[tuple[str, str, str], ...]  # name, fill, ink
    pairs: tuple[Pair, ...]

    @property
    def lowest(self) -> Pair:
        """The pair with the least contrast."""
        return min(self.pairs, key=lambda p: p.ratio)


@dataclass(frozen=True)
class Adjusted:
    """A configured colour the kiosk had to change: which key, and what the host is told."""

    key: str
    message: str


def derive(accent: str = DEFAULT_ACCENT, background: str = DEFAULT_BACKGROUND,
           text: str = DEFAULT_TEXT, *,
           picture: bool = False) -> tuple[Palette, tuple[Adjusted, ...]]:
    """The palette for a theme's three colours; ``picture``: a background picture lies under
    the scenes (it is dimmed with the background colour until text reads on any picture)."""
    return _derive(accent.lower(), background.lower(), text.lower(), picture)


# Which text colours the stage draws on which surface.
USES = {
    "the backdrop": ("text", "text_dim", "text_faint", "accent_text"),
    "the now/next bar over any video": ("text", "text_dim", "amber"),
    "the help card": ("text", "text_dim", "amber", "accent_text"),
    "a revealed laureate's highlight": ("text", "text_dim"),
    "the awards' empty boxes": ("text_dim", "text_faint"),
    "the host's notice": ("amber",),
    "the stream figures over any video": ("text", "text_dim"),
}
_SCENE = ("the backdrop", "a revealed laureate's highlight", "the awards' empty boxes")


@dataclass(frozen=True)
class _Alphas:
    scrim: int = 0
    panel: int = PANEL_ALPHA
    card: int = CARD_ALPHA
    notice: int = NOTICE_ALPHA
    diagnostics: int = DIAGNOSTICS_ALPHA


def _surfaces(top: RGB, bottom: RGB, accent: RGB, panel: RGB, card: RGB, alphas: _Alphas,
              picture: bool) -> dict[str, list[RGB]]:
    """Every background text is drawn on, as the colours it can take (its extremes)."""
    backdrop = [top, bottom, over(accent, GLOW_ALPHA, top)]
    if picture:
        backdrop += list(over_any(top, alphas.scrim))
    return {
        "the backdrop": backdrop,
        # Over the video (any picture) and over the scenes' backdrop.
        "the now/next bar over any video": [*over_any(panel, alphas.panel),
                                            *(over(panel, alphas.panel, c) for c in backdrop)],
        # Over a dimmed scene: a dimmed scene is anything from black to a grey.
        "the help card": list(over_any(card, alphas.card)),
        "a revealed laureate's highlight": [over(parse(AMBER), 41, c) for c in backdrop],
        "the awards' empty boxes": [over(WHITE, 10, c) for c in backdrop],
        "the host's notice": [over(panel, alphas.notice, c) for c in backdrop],
        "the stream figures over any video": list(over_any(panel, alphas.diagnostics)),
    }


# Which surfaces each opacity carries.
_CARRIES = {
    "scrim": _SCENE,
    "panel": ("the now/next bar over any video",),
    "card": ("the help card",),
    "notice": ("the host's notice",),
    "diagnostics": ("the stream figures over any video",),
}


def _thicken(alphas: _Alphas, name: str, start: int, inks: dict[str, RGB],
             colours: tuple[RGB, RGB, RGB, RGB, RGB], picture: bool) -> _Alphas:
    """``alphas`` with opacity ``name`` at the least value (from ``start``) at which every
    ink reads on the surfaces it carries."""
    for alpha in range(start, 256):
        trial = _replace(alphas, name, alpha)
        surfaces = _surfaces(*colours, trial, picture)
        if all(worst(inks[ink], surfaces[surface]) >= AA
               for surface in _CARRIES[name] for ink in USES[surface]):
            return trial
    return _replace(alphas, name, 255)


@lru_cache(maxsize=16)
def _derive(accent_hex: str, background_hex: str, text_hex: str,
            picture: bool) -> tuple[Palette, tuple[Adjusted, ...]]:
    default = (accent_hex, background_hex, text_hex) == (
        DEFAULT_ACCENT, DEFAULT_BACKGROUND, DEFAULT_TEXT)
    accent, top, wanted = parse(accent_hex), parse(background_hex), parse(text_hex)

    def picked(name: str, derived: RGB) -> RGB:
        return parse(_DEFAULT_DERIVED[name]) if default else derived

    bottom = picked("background_bottom", mix(top, wanted, 0.05))
    away = BLACK if luminance(top) < 0.5 else WHITE
    panel = picked("panel", mix(top, away, 0.25))
    card = picked("card", mix(top, away, 0.12))
    goals = {
        "text": wanted,
        "text_dim": picked("text_dim", mix(wanted, bottom, 0.22)),
        "text_faint": picked("text_faint", mix(wanted, bottom, 0.42)),
        "accent_text": picked("accent_text", accent),
        "amber": parse(AMBER),
    }
    plain = _surfaces(top, bottom, accent, panel, card, _Alphas(), False)["the backdrop"]
    # The panels (and a picture's dimming) thicken until these read on them; only what even
    # an opaque panel cannot carry moves the inks themselves.
    inks = {name: ensure(goal, plain) for name, goal in goals.items()}
    alphas = _Alphas()
    # Panels thicken for the inks, inks move for the panels: a few rounds settle it.
    for _ in range(6):
        for name, start in (("scrim", SCRIM_ALPHA), ("panel", PANEL_ALPHA),
                            ("card", CARD_ALPHA), ("notice", NOTICE_ALPHA),
                            ("diagnostics", DIAGNOSTICS_ALPHA)):
            if name != "scrim" or picture:
                alphas = _thicken(alphas, name, start, inks, (top, bottom, accent, panel, card),
                                  picture)
        surfaces = _surfaces(top, bottom, accent, panel, card, alphas, picture)
        settled = {
            name: ensure(goal, [c for surface, names in USES.items() if name in names
                                for c in surfaces[surface]])
            for name, goal in goals.items()
        }
        if all(worst(settled[ink], surfaces[name]) >= AA
               for name, names in USES.items() for ink in names) or settled == inks:
            inks = settled
            break
        inks = settled
    text = inks["text"]
    on_accent = ensure(text, [accent])
    break_fill = parse(BREAK_FILL)
    on_break = ensure(text, [break_fill])

    label = "the backdrop" + (" over a picture" if picture else "")
    pairs = [Pair(ink, label if surface == "the backdrop" else surface,
                  round(worst(inks[ink], surfaces[surface]), 2))
             for surface, names in USES.items() for ink in names]
    pairs.append(Pair("on_accent", "the accent", round(contrast(on_accent, accent), 2)))
    pairs.append(Pair("on_break", "the break label", round(contrast(on_break, break_fill), 2)))
    tones = tuple((name, fill, ink) for name, (fill, ink) in TONES.items())
    pairs += [Pair(f"{name} badge ink", f"the {name} badge",
                   round(contrast(parse(ink), parse(fill)), 2)) for name, fill, ink in tones]
    if min(p.ratio for p in pairs) < AA and not default:
        # Nothing in reach reads well enough: the event's own colours, rather than a risk.
        fallback, _ = _derive(DEFAULT_ACCENT, DEFAULT_BACKGROUND, DEFAULT_TEXT, picture)
        return fallback, (Adjusted("theme", f"the theme's colours ({accent_hex}, "
                                            f"{background_hex}, {text_hex}) cannot be made to "
                                            f"read at {AA}:1 (WCAG AA); the kiosk uses its "
                                            "default colours"),)

    adjusted: list[Adjusted] = []
    if text != wanted:
        adjusted.append(Adjusted("theme.text", _moved(
            "the text", wanted, text, f"the background {background_hex}",
            worst(wanted, surfaces["the backdrop"]))))
    if on_accent != text and accent_hex != DEFAULT_ACCENT:
        adjusted.append(Adjusted("theme.accent", _moved(
            "text on the accent colour", text, on_accent, accent_hex,
            contrast(text, accent))))
    palette = Palette(
        background_top=hex_of(top), background_bottom=hex_of(bottom), text=hex_of(text),
        text_dim=hex_of(inks["text_dim"]), text_faint=hex_of(inks["text_faint"]),
        accent=hex_of(accent), accent_text=hex_of(inks["accent_text"]),
        on_accent=hex_of(on_accent), amber=hex_of(inks["amber"]), on_break=hex_of(on_break),
        break_fill=hex_of(break_fill), panel=hex_of(panel), panel_alpha=alphas.panel,
        card=hex_of(card), card_alpha=alphas.card, notice_alpha=alphas.notice,
        diagnostics_alpha=alphas.diagnostics, scrim_alpha=alphas.scrim, tones=tones,
        pairs=tuple(pairs),
    )
    return palette, tuple(adjusted)


def _replace(alphas: _Alphas, field: str, value: int) -> _Alphas:
    return dataclasses.replace(alphas, **{field: value})


def _moved(what: str, wanted: RGB, used: RGB, against: str, ratio: float) -> str:
    return (f"{what} ({hex_of(wanted)} on {against}) reads at {ratio:.1f}:1, below the "
            f"{AA}:1 a hall needs (WCAG AA); the kiosk draws it as {hex_of(used)}")


DEFAULT, _ = derive()
