"""The event config: YAML → frozen dataclasses, with errors that say file:line:column.

The shape is declared once, in ``SCHEMA``; it validates the YAML and is also published as
``config/watchparty-kiosk.schema.json`` for editors (``python -m kiosk.core.config`` rewrites it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from kiosk.core.actions import Action, key_table
from kiosk.core.errors import ConfigError, ConfigInvalid
from kiosk.core.i18n import BILINGUAL_MODES
from kiosk.core.palette import DEFAULT_ACCENT, DEFAULT_BACKGROUND, DEFAULT_TEXT
from kiosk.core.palette import derive as derive_palette
from kiosk.core.programme import Delay, Item, Kind, Programme
from kiosk.core.schema import (
    Boolean,
    Choice,
    Colour,
    Context,
    Duration,
    ExistingFile,
    Field,
    ImageFile,
    Integer,
    KeyTable,
    LanguageCode,
    ListOf,
    Percent,
    Record,
    Source,
    Text,
    TimeZone,
    Url,
    When,
    convert_node,
    is_missing,
)

# --------------------------------------------------------------------------- the shape

# A bare end time that lands this far after the start is taken for a typo.
MAX_ROLLOVER = timedelta(hours=16)

_LAUREATE = Record("laureate", [
    Field("name", Text(max_length=120, languages=True), "The laureate's name, as it should "
          "appear.", True),
    Field("citation", Text(max_length=300, languages=True), "One line on why (optional)."),
    Field("announced", Boolean(),
          "true once the organisers have named this laureate; until then it stays hidden "
          "until a volunteer presses the reveal key. Default false."),
])
_CATEGORY = Record("category", [
    Field("name", Text(max_length=120, languages=True), "The category's name.", True),
    Field("laureates", ListOf(_LAUREATE),
          "Laureates; leave empty while unknown: the board shows 'to be announced'."),
])
_AWARD = Record("award", [
    Field("name", Text(max_length=120, languages=True), "The award's name.", True),
    Field("organiser", Text(max_length=120, languages=True), "Who awards it."),
    Field("description", Text(max_length=300, languages=True), "One line about the award."),
    Field("categories", ListOf(_CATEGORY), "Categories, each with its laureates."),
])
_SLIDE = Record(
    "slide",
    [
        Field("title", Text(max_length=120, languages=True), "A heading above the slide's "
                                                                  "content."),
        Field("text", Text(max_length=600, languages=True), "A text slide."),
        Field("quote", Text(max_length=600, languages=True), "A quotation slide."),
        Field("author", Text(max_length=120, languages=True), "Who said the quote."),
        Field("image", ImageFile(), "An image slide: a file path, relative to this file."),
        Field("qr", Url(), "A QR-code slide pointing at this address."),
        Field("caption", Text(max_length=200, languages=True), "A line under an image or QR "
                                                                    "code."),
        Field("duration", Duration(), "How long the slide stays up (default: slideshow.duration)."),
    ],
    doc="One slide: exactly one of text, quote, image or qr.",
    one_of=[("text", "quote", "image", "qr")],
)
_ITEM = Record("programme item", [
    Field("title", Text(max_length=160, languages=True), "What is on.", True),
    Field("kind", Choice([k.value for k in Kind]),
          "session, break, awards or concert (default session). Breaks show the slides."),
    Field("speaker", Text(max_length=160, languages=True), "Who speaks (optional)."),
    Field("subtitle", Text(max_length=200, languages=True), "A second line (optional)."),
    Field("start", When(),
          "When it starts, in the event's time zone: 18:30, or 2021-02-06 18:30. "
          "Without it, the item starts when the previous one ends."),
    Field("duration", Duration(),
          "How long it lasts. Without it, it lasts until the next item's start "
          "(or the event's end)."),
])

SCHEMA = Record(
    "config",
    [
        Field("event", Record("event", [
            Field("title", Text(max_length=160, languages=True), "The event's name.", True),
            Field("subtitle", Text(max_length=200, languages=True),
                  "A second line on the countdown screen."),
            Field("organiser", Text(max_length=160, languages=True), "Who runs the event."),
            Field("timezone", TimeZone(), "The event's IANA time zone, e.g. Europe/Moscow.", True),
            Field("start", When(allow_time=False),
                  "When it starts, in the event's time zone: 2021-02-06 18:00.", True),
            Field("end", When(), "When it ends: 23:30, or a date and time.", True),
            Field("stream", Source(),
                  "What to play: a YouTube or HLS address, or a video file path."),
            Field("note", Text(max_length=400), "A note for hosts (not shown to the hall)."),
        ]), "The event being watched.", True),
        Field("stream", Record("stream", [
            Field("max_height", Integer(240, 2160),
                  "The highest picture quality to ask for, in lines (default 1080). Lower it "
                  "for a slow computer or slow internet."),
            Field("allow_recording", Boolean(),
                  "When the live stream has ended, play its recording (default false)."),
            Field("audio_under_slides", Boolean(),
                  "Keep the stream's sound on while slides show (default false)."),
            Field("backup", Source(),
                  "The organisers' backup stream: played when the main one has been down for "
                  "failover_after seconds, until the main one plays again."),
            Field("failover_after", Integer(5, 600),
                  "How many seconds the stream may be down before the other one is tried "
                  "(default 30)."),
            Field("cookies", ExistingFile("a cookies file"),
                  "A cookies.txt file for streams that need a signed-in YouTube session."),
            Field("yt_dlp", ExistingFile("a yt-dlp program"),
                  "Use this yt-dlp program instead of the built-in one (to update it "
                  "without a new kiosk release)."),
        ]), "How the stream is played."),
        Field("venue", Record("venue", [
            Field("name", Text(max_length=160), "The hall's name."),
            Field("timezone", TimeZone(),
                  "The hall's time zone (default: this computer's)."),
            Field("screen", Text(max_length=80),
                  "The TV: a screen number (0, 1, …) or its name; default: with two screens, "
                  "the one that is not the main one."),
        ]), "Where it is watched."),
        Field("languages", ListOf(LanguageCode(), one_or_many=True),
              "The hall's languages: the kiosk's words in the first; with two, the programme "
              "bar shows both (see bilingual). be, be-Latn (Łacinka), ru, uk, en, pl, lt, de; "
              "default en."),
        Field("bilingual", Choice(list(BILINGUAL_MODES)),
              "With two languages: the bar's texts alternate (every few seconds; the default) "
              "or are stacked (both at once)."),
        Field("programme", ListOf(_ITEM), "The running order, in order."),
        Field("delay", Record("delay", [
            Field("by", Duration(minimum=timedelta(0)), "How late things run, e.g. 10m.", True),
            Field("since", When(),
                  "Items from this time on move later (default: the event's start)."),
        ]), "The organisers are running late."),
        Field("slideshow", Record("slideshow", [
            Field("duration", Duration(), "Default time per slide (default 12s)."),
            Field("awards", Boolean(),
                  "Put the awards board into the slide loop (default true)."),
            Field("transition", Choice(["fade", "none"]), "Between slides (default fade)."),
        ]), "How the slides loop between sessions."),
        Field("slides", ListOf(_SLIDE), "The slides shown between sessions, in order."),
        Field("awards", ListOf(_AWARD), "Awards and their laureates."),
        Field("overlay", Record("overlay", [
            Field("visible", Boolean(), "Show the now/next bar (default true)."),
            Field("position", Choice(["bottom", "top"]), "Where the bar sits (default bottom)."),
            Field("clock", Boolean(), "Show the venue's clock (default true)."),
            Field("event_clock", Boolean(),
                  "Also show the event's own time when its zone differs (default true)."),
        ]), "The now/next bar over the video and slides."),
        Field("theme", Record("theme", [
            Field("accent", Colour(),
                  'The accent: labels, the ribbon, highlights (default "#c8313e", the red of '
                  "the white-red-white flag)."),
            Field("background", Colour(), 'Behind every scene (default "#10151f", navy).'),
            Field("text", Colour(), 'The text (default "#ffffff"). A colour that reads '
                                    "below 4.5:1 (WCAG AA) on the background is adjusted, "
                                    "with a warning."),
            Field("logo", ImageFile(),
                  "The organisers' logo on the countdown and closing screens: a file path "
                  "(relative to this file) or an https:// address."),
            Field("background_image", ImageFile(),
                  "A picture behind the scenes, dimmed with the background colour until "
                  "every text reads on it."),
        ]), "The stage's colours and pictures."),
        Field("display", Record("display", [
            Field("overscan", Percent(0, 10),
                  "How much of each edge the TV may crop; nothing that matters goes there "
                  "(default 5%; 0% for a monitor or projector that shows everything)."),
            Field("motion", Boolean(),
                  "Fades, the countdown's pulse and the awards' reveal (default true); false "
                  "cuts instead, for a slow computer."),
        ]), "The TV."),
        Field("feeds", ListOf(Record("feed", [
            Field("url", Url(), "Where the organisers publish it (YAML, JSON or CSV).", True),
            Field("every", Duration(minimum=timedelta(seconds=10),
                                    maximum=timedelta(hours=1)),
                  "How often to look for changes (default 1m)."),
            Field("format", Choice(["auto", "yaml", "json", "csv"]),
                  "auto (the default) tells CSV by its address or content type."),
        ])), "The organisers' feeds: running order, delay, awards, slides, announcement. "
             "What a feed names replaces this file's; later feeds win."),
        Field("message", Text(max_length=300, languages=True),
              "The message the message key puts up (a volunteer can type another)."),
        Field("keys", KeyTable([a.value for a in Action]),
              "Key bindings: action → key or list of keys. Replaces that action's defaults."),
        Field("schema_version", Integer(1, 1), "Always 1 for now."),
    ],
    doc="A watchparty-kiosk event config.",
)

# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Event:
    title: str
    timezone: ZoneInfo
    start: datetime
    end: datetime
    subtitle: str = ""
    organiser: str = ""
    stream: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Venue:
    name: str
    timezone: tzinfo
    screen: str = ""  # the TV's number or name; "" lets the kiosk choose


@dataclass(frozen=True)
class Slide:
    kind: str  # text, quote, image or qr
    duration: timedelta
    title: str = ""
    body: str = ""  # the text or the quote
    author: str = ""
    image: Path | None = None
    # A remote image's address; ``image`` is then its cached copy once downloaded (None before).
    image_url: str = ""
    url: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Laureate:
    name: str
    citation: str = ""
    announced: bool = False


@dataclass(frozen=True)
class Category:
    name: str
    laureates: tuple[Laureate, ...] = ()


@dataclass(frozen=True)
class Award:
    name: str
    organiser: str = ""
    description: str = ""
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True)
class Overlay:
    visible: bool = True
    position: str = "bottom"
    clock: bool = True
    event_clock: bool = True


@dataclass(frozen=True)
class Theme:
    accent: str = DEFAULT_ACCENT
    background: str = DEFAULT_BACKGROUND
    text: str = DEFAULT_TEXT
    logo: Path | None = None
    # A remote logo's address; ``logo`` is then its cached copy once downloaded (None before).
    logo_url: str = ""
    background_image: Path | None = None
    background_image_url: str = ""


@dataclass(frozen=True)
class Display:
    overscan: float = 0.05  # of each edge
    motion: bool = True


@dataclass(frozen=True)
class StreamSettings:
    max_height: int = 1080
    allow_recording: bool = False
    audio_under_slides: bool = False
    backup: str | None = None
    failover_after: int = 30
    cookies: Path | None = None
    yt_dlp: Path | None = None


@dataclass(frozen=True)
class Slideshow:
    duration: timedelta = timedelta(seconds=12)
    awards: bool = True
    transition: str = "fade"


def award_key(name: str) -> str:
    """What identifies an award (or a category, or a laureate) across the config and its
    feeds: the name with case and spacing ignored."""
    return " ".join(name.split()).casefold()


LaureateId = tuple[str, str, str]  # award, category and laureate, each by award_key


def laureate_ids(config_awards: tuple[Award, ...], *, announced: bool | None = None
                 ) -> tuple[LaureateId, ...]:
    """Every laureate's id in board order; only the (not) announced ones if ``announced`` says."""
    return tuple(
        (award_key(award.name), award_key(category.name), award_key(laureate.name))
        for award in config_awards
        for category in award.categories
        for laureate in category.laureates
        if announced is None or laureate.announced is announced
    )


@dataclass(frozen=True)
class FeedSource:
    """An organisers' feed the kiosk follows."""

    url: str
    every: timedelta = timedelta(minutes=1)
    format: str = "auto"


@dataclass(frozen=True)
class Config:
    event: Event
    venue: Venue
    programme: Programme
    source: str
    languages: tuple[str, ...] = ("en",)
    bilingual: str = "alternate"  # with two languages: alternate or stacked
    delay: Delay | None = None
    slides: tuple[Slide, ...] = ()
    slideshow: Slideshow = Slideshow()
    awards: tuple[Award, ...] = ()
    overlay: Overlay = Overlay()
    theme: Theme = Theme()
    display: Display = Display()
    stream: StreamSettings = StreamSettings()
    message: str = ""
    # A short line from the organisers' feed for the hall (issue 5); "" when there is none.
    announcement: str = ""
    feeds: tuple[FeedSource, ...] = ()
    keys: Mapping[Action, tuple[str, ...]] = field(default_factory=lambda: key_table({}))

    def running(self) -> Programme:
        """The programme with the config's own delay applied."""
        return self.programme.delayed(self.delay)


# --------------------------------------------------------------------------- loading


def load(path: Path, *, system_zone: tzinfo | None = None, lenient: bool = False,
         warnings: list[str] | None = None) -> Config:
    """Read and validate a config file; raises ConfigInvalid with every problem found.

    ``lenient``: files it names but cannot find are warnings (appended to ``warnings``),
    not errors; the running kiosk loads this way, ``check`` does not.
    """
    text = read_document(path)
    return loads(text, str(path), base_dir=path.parent, system_zone=system_zone,
                 lenient=lenient, warnings=warnings)


def read_document(path: Path, *, encoding: str = "utf-8") -> str:
    """A config or feed file's text; raises ConfigInvalid saying where and what went wrong."""
    name = str(path)
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise ConfigInvalid([ConfigError(name, 1, 1, "", "file not found")]) from None
    except IsADirectoryError:
        raise ConfigInvalid([ConfigError(name, 1, 1, "", "is a folder, not a file")]) from None
    except UnicodeDecodeError as exc:
        raw = exc.object
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigInvalid([ConfigError(name, line, column, "",
                                         "is not UTF-8 text (save it as UTF-8)")]) from None
    except OSError as exc:
        raise ConfigInvalid([ConfigError(name, 1, 1, "", f"cannot be read: {exc.strerror}")]) \
            from None


def loads(text: str, name: str, *, base_dir: Path | None = None,
          system_zone: tzinfo | None = None, lenient: bool = False,
          warnings: list[str] | None = None) -> Config:
    """Validate YAML text; ``name`` is used in error messages, ``base_dir`` for relative paths."""
    node = compose(text, name)
    ctx = Context(file=name, base_dir=base_dir, lenient=lenient)
    values = convert_node(SCHEMA, node, ctx, "")
    if ctx.errors or is_missing(values):
        raise ConfigInvalid(ctx.errors)
    config = _build(values, ctx, system_zone)
    if warnings is not None:
        warnings.extend(ctx.warnings)
    return config


def compose(text: str, name: str) -> yaml.Node:
    """Parse YAML safely into a node tree (which keeps line and column of every value).

    libyaml's parser does it about ten times faster (a big feed is parsed on a worker
    thread, but it holds the GIL, so the GUI feels it); a document it refuses is parsed again
    by the Python one, whose messages the config's error reports are written against.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            nodes = list(yaml.compose_all(text, Loader=fast))
        except yaml.YAMLError:
            pass
        except RecursionError:
            raise _too_deep(name) from None
        else:
            return _one_document(nodes, name)
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        # "found unexpected end of stream" points past the last line; the place where the
        # unfinished thing (a quote, a bracket) began is what the host needs.
        if exc.context_mark is not None and ("end of stream" in problem
                                             or "stream end" in problem):
            mark = exc.context_mark
            problem = f"{exc.context} that is never closed"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ConfigInvalid([ConfigError(name, line, column, "",
                                         f"not valid YAML: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigInvalid([ConfigError(name, 1, 1, "", f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise _too_deep(name) from None
    return _one_document(nodes, name)


def _too_deep(name: str) -> ConfigInvalid:
    return ConfigInvalid([ConfigError(name, 1, 1, "", "nested too deeply to be read")])


def _one_document(nodes: list[yaml.Node], name: str) -> yaml.Node:
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise ConfigInvalid([ConfigError(name, 1, 1, "", "the file is empty")])
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise ConfigInvalid([ConfigError(name, mark.line + 1, mark.column + 1, "",
                                         "holds more than one YAML document (remove '---')")])
    return nodes[0]


def _build(values: dict[str, Any], ctx: Context, system_zone: tzinfo | None) -> Config:
    errors: list[ConfigError] = []

    def fail(path: str, message: str) -> None:
        line, column = ctx.marks.get(path, (1, 1))
        errors.append(ConfigError(ctx.file, line, column, path, message))

    ev = values["event"]
    zone: ZoneInfo = ev["timezone"]
    start = _localise(ev["start"], zone, "event.start", fail)
    end = None
    if start is not None:
        end = _place(ev["end"], zone, start + timedelta(seconds=1), "event.end", fail)
        if end is not None and end <= start:
            fail("event.end", f"ends at {_show(end, zone)}, not after its start "
                              f"{_show(start, zone)}")
            end = None
        elif end is not None and isinstance(ev["end"], time) and end - start > MAX_ROLLOVER:
            # "17:30" for an 18:00 start is far more likely a typo than a 23-hour event.
            fail("event.end", f"{ev['end']:%H:%M} is {_hours(end - start)} after the start "
                              f"({_show(start, zone)}); if the event really ends the next day, "
                              "write the date too, e.g. "
                              f"{end.astimezone(zone):%Y-%m-%d %H:%M}")
            end = None
    venue_values = values.get("venue", {})
    venue = Venue(
        name=venue_values.get("name", ""),
        timezone=venue_values.get("timezone") or system_zone or local_zone(),
        screen=venue_values.get("screen", ""),
    )
    items: tuple[Item, ...] = ()
    if start is not None and end is not None:
        items = _items(values.get("programme", ()), zone, start, end, fail)
    delay = None
    if "delay" in values and start is not None:
        since = values["delay"].get("since")
        since_at = start if since is None else _place(since, zone, start - timedelta(hours=12),
                                                      "delay.since", fail)
        if since_at is not None:
            delay = Delay(values["delay"]["by"], since_at)
    keys = key_table(values.get("keys", {}))
    _check_keys(values.get("keys", {}), keys, fail)
    if errors or start is None or end is None:
        raise ConfigInvalid([*ctx.errors, *errors])

    show = values.get("slideshow", {})
    slideshow = Slideshow(
        duration=show.get("duration", Slideshow.duration),
        awards=show.get("awards", True),
        transition=show.get("transition", "fade"),
    )
    return Config(
        event=Event(
            title=ev["title"], timezone=zone, start=start, end=end,
            subtitle=ev.get("subtitle", ""), organiser=ev.get("organiser", ""),
            stream=ev.get("stream"), note=ev.get("note", ""),
        ),
        venue=venue,
        programme=Programme(start, end, items),
        source=ctx.file,
        languages=tuple(dict.fromkeys(values.get("languages", ("en",)))),
        bilingual=values.get("bilingual", "alternate"),
        delay=delay,
        slides=tuple(_slide(s, slideshow.duration) for s in values.get("slides", ())),
        slideshow=slideshow,
        awards=tuple(_award(a) for a in values.get("awards", ())),
        overlay=Overlay(**values.get("overlay", {})),
        theme=_theme(values.get("theme", {}), ctx),
        display=Display(**values.get("display", {})),
        stream=StreamSettings(**values.get("stream", {})),
        message=values.get("message", ""),
        feeds=tuple(FeedSource(**f) for f in values.get("feeds", ())),
        keys=keys,
    )


def _theme(raw: dict[str, Any], ctx: Context) -> Theme:
    """The theme as configured; colours that would read too faintly are a warning (the stage
    adjusts them, see kiosk.core.palette)."""
    def picture(key: str) -> tuple[Path | None, str]:
        value = raw.get(key)
        return (value, "") if isinstance(value, Path) else (None, value or "")

    logo, logo_url = picture("logo")
    background_image, background_image_url = picture("background_image")
    theme = Theme(accent=raw.get("accent", DEFAULT_ACCENT),
                  background=raw.get("background", DEFAULT_BACKGROUND),
                  text=raw.get("text", DEFAULT_TEXT), logo=logo, logo_url=logo_url,
                  background_image=background_image,
                  background_image_url=background_image_url)
    _, adjusted = derive_palette(theme.accent, theme.background, theme.text,
                                 picture=bool(background_image or background_image_url))
    for change in adjusted:
        key = change.key if change.key in ctx.marks else "theme"
        line, column = ctx.marks.get(key, (1, 1))
        ctx.warnings.append(f"{ctx.file}:{line}:{column}: {key}: {change.message}")
    return theme


def _check_keys(overrides: Mapping[str, tuple[str, ...]],
                table: Mapping[Action, tuple[str, ...]], fail: Any) -> None:
    """Two actions on one key, or a kiosk nobody can quit, are config errors."""
    owners: dict[str, Action] = {}
    for action, keys in table.items():
        for key in keys:
            other = owners.setdefault(key, action)
            if other is not action:
                named = action if action.value in overrides else other
                fail(f"keys.{named.value}", f"key {key} is bound to both {other.value} and "
                                            f"{action.value}")
    quit_keys = table[Action.QUIT]
    if not quit_keys:
        takers = [a for a in overrides if "Ctrl+Shift+Q" in overrides[a]]
        fail(f"keys.{takers[0] if takers else 'quit'}",
             "the quit action is left without a key; give it a chord such as Ctrl+Shift+Q")
    for key in quit_keys:
        if not any(key.startswith(m) for m in ("Ctrl+", "Alt+", "Meta+")):
            fail("keys.quit", f"{key} alone would let one stray key close the kiosk; use a "
                              "chord with Ctrl or Alt, such as Ctrl+Shift+Q")


def _items(raw: tuple[dict[str, Any], ...], zone: ZoneInfo, start: datetime, end: datetime,
           fail: Any) -> tuple[Item, ...]:
    resolved: list[dict[str, Any]] = []
    # Time-only starts fall on the first day that keeps the order; the first may precede the
    # event's start by up to 12 hours (and is then reported as starting too early).
    reference = start - timedelta(hours=12)
    for i, item in enumerate(raw):
        path = f"programme[{i}]"
        begin: datetime | None = None
        if "start" in item:
            begin = _place(item["start"], zone, reference, f"{path}.start", fail)
            if begin is None:
                return ()
        previous = resolved[-1] if resolved else None
        if previous is not None and previous["end"] is None:
            if begin is None:
                fail(f"{previous['path']}.title",
                     "needs a duration, or the item after it needs a start")
                return ()
            previous["end"] = begin
        if begin is None:
            begin = previous["end"] if previous is not None else start
        if previous is not None and begin < previous["end"]:
            fail(f"{path}.start", f"starts at {_show(begin, zone)}, before "
                                  f"{previous['path']} ({previous['title']!r}) ends at "
                                  f"{_show(previous['end'], zone)}: items overlap")
            return ()
        if previous is not None and previous["end"] <= previous["start"]:
            fail(f"{previous['path']}.title", "ends when it starts (the next item starts "
                                              "at the same time)")
            return ()
        if begin < start:
            fail(f"{path}.start", f"starts at {_show(begin, zone)}, before the event starts "
                                  f"at {_show(start, zone)}")
            return ()
        finish = begin + item["duration"] if "duration" in item else None
        resolved.append({**item, "start": begin, "end": finish, "path": path})
        reference = begin
    if resolved and resolved[-1]["end"] is None:
        resolved[-1]["end"] = end
        if end <= resolved[-1]["start"]:
            fail(f"{resolved[-1]['path']}.start", "starts at or after the event's end "
                                                  f"({_show(end, zone)})")
            return ()
    for item in resolved:
        if item["end"] > end:
            where = f"{item['path']}.duration" if "duration" in item else f"{item['path']}.start"
            fail(where, f"ends at {_show(item['end'], zone)}, after the event ends at "
                        f"{_show(end, zone)}")
            return ()
    return tuple(
        Item(title=i["title"], kind=Kind(i.get("kind", "session")), start=i["start"],
             end=i["end"], speaker=i.get("speaker", ""), subtitle=i.get("subtitle", ""))
        for i in resolved
    )


def _slide(raw: dict[str, Any], default: timedelta) -> Slide:
    kind = next(k for k in ("text", "quote", "image", "qr") if k in raw)
    return Slide(
        kind=kind,
        duration=raw.get("duration", default),
        title=raw.get("title", ""),
        body=raw.get("text", raw.get("quote", "")),
        author=raw.get("author", ""),
        image=raw.get("image") if isinstance(raw.get("image"), Path) else None,
        image_url=raw["image"] if isinstance(raw.get("image"), str) else "",
        url=raw.get("qr", ""),
        caption=raw.get("caption", ""),
    )


def _award(raw: dict[str, Any]) -> Award:
    return Award(
        name=raw["name"],
        organiser=raw.get("organiser", ""),
        description=raw.get("description", ""),
        categories=tuple(
            Category(c["name"], tuple(Laureate(**lau) for lau in c.get("laureates", ())))
            for c in raw.get("categories", ())
        ),
    )


def _hours(span: timedelta) -> str:
    hours, rest = divmod(int(span.total_seconds()) // 60, 60)
    return f"{hours} h {rest:02d} min"


def _localise(naive: datetime, zone: ZoneInfo, path: str, fail: Any) -> datetime | None:
    """Wall time in ``zone`` (or the zone the value names) → UTC; a time skipped by a clock
    change is an error."""
    if isinstance(naive.tzinfo, ZoneInfo):
        zone, naive = naive.tzinfo, naive.replace(tzinfo=None)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        fail(path, f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks "
                   "jump forward then")
        return None
    return aware.astimezone(UTC)


def _place(value: datetime | time, zone: ZoneInfo, reference: datetime, path: str,
           fail: Any) -> datetime | None:
    """A When value as an instant; a bare time lands on the first day at or after ``reference``
    (in the zone the value names, if it names one)."""
    if isinstance(value, datetime):
        return _localise(value, zone, path, fail)
    if isinstance(value.tzinfo, ZoneInfo):
        zone, value = value.tzinfo, value.replace(tzinfo=None)
    day: date = reference.astimezone(zone).date()
    for _ in range(2):
        naive = datetime.combine(day, value)
        aware = naive.replace(tzinfo=zone).astimezone(UTC)
        if aware >= reference:
            return _localise(naive, zone, path, fail)
        day += timedelta(days=1)
    return _localise(datetime.combine(day, value), zone, path, fail)


def _show(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def local_zone() -> tzinfo:
    """This computer's time zone, by IANA name where it can be found, else UTC."""
    try:
        import tzlocal

        return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
    except Exception:  # an unknown or unreadable system zone must not stop the kiosk
        return ZoneInfo("UTC")


def json_schema() -> dict[str, Any]:
    schema = SCHEMA.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://watchparty-kiosk.invalid/config.schema.json",
        "title": "watchparty-kiosk event config",
        **schema,
    }


def write_json_schema(path: Path) -> None:
    path.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")


if __name__ == "__main__":
    write_json_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else
                      Path(__file__).resolve().parents[2] / "config" /
                      "watchparty-kiosk.schema.json")
