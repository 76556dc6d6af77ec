"""What the stage shows at one instant, as plain data: scene, texts, badges.

The stage paints a ``View`` and nothing else, so every text the hall sees is decided here,
without Qt, and a snapshot's ``--state`` JSON is simply this object.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kiosk.core.actions import DESCRIPTIONS
from kiosk.core.config import Award, Config, LaureateId, Slide, award_key, laureate_ids
from kiosk.core.director import Decision, Health, Scene, State
from kiosk.core.programme import Item, Moment, Phase, clock_text, countdown_text, day_text

BOARD_MIN_DURATION = timedelta(seconds=15)
REVEAL_HIGHLIGHT = timedelta(seconds=12)


@dataclass(frozen=True)
class OverlayView:
    position: str
    now_label: str
    now_title: str
    now_detail: str
    next_label: str
    next_title: str
    next_time: str
    countdown: str
    clock: str
    event_clock: str
    progress: float | None = None


@dataclass(frozen=True)
class CountdownView:
    title: str
    subtitle: str
    countdown: str
    starts_venue: str
    starts_event: str
    first_item: str


@dataclass(frozen=True)
class SlideView:
    kind: str  # text, quote, image, qr, or board (an awards board in the loop)
    title: str = ""
    body: str = ""
    author: str = ""
    image: str = ""
    url: str = ""
    caption: str = ""
    index: int = 0
    count: int = 0
    fade: bool = True


@dataclass(frozen=True)
class LaureateView:
    name: str
    citation: str
    revealed: bool
    highlight: bool = False


@dataclass(frozen=True)
class CategoryView:
    name: str
    laureates: tuple[LaureateView, ...]
    pending: bool  # nobody named yet


@dataclass(frozen=True)
class AwardView:
    name: str
    organiser: str
    description: str
    categories: tuple[CategoryView, ...]


@dataclass(frozen=True)
class BoardView:
    awards: tuple[AwardView, ...]
    # Seconds since the newest reveal, while it is still highlighted.
    reveal_age: float | None = None


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str = "info"  # info, warn, error


@dataclass(frozen=True)
class HelpView:
    rows: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class View:
    scene: Scene
    manual: bool = False
    countdown: CountdownView | None = None
    slide: SlideView | None = None
    board: BoardView | None = None
    message: str = ""
    closing: tuple[str, str] | None = None
    live_title: str = ""
    overlay: OverlayView | None = None
    badges: tuple[Badge, ...] = ()
    help: HelpView | None = None
    # The stream's health figures for the host (label, value), when asked for.
    diagnostics: tuple[tuple[str, str], ...] | None = None
    # A problem the host must see (a broken config, say); painted small, never over the video.
    notice: str = ""
    # The organisers' announcement (from a feed), shown with the now/next bar.
    announcement: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["scene"] = self.scene.value
        return data


@dataclass(frozen=True)
class LoopEntry:
    slide: Slide | None
    award: int | None
    duration: timedelta


def loop_entries(config: Config) -> tuple[LoopEntry, ...]:
    """The between-sessions loop: the slides, then the awards boards."""
    # A remote image not downloaded yet has no picture to show: its slide waits.
    entries = [LoopEntry(s, None, s.duration) for s in config.slides
               if s.kind != "image" or s.image is not None]
    if config.slideshow.awards:
        board_time = max(BOARD_MIN_DURATION, config.slideshow.duration)
        entries += [LoopEntry(None, i, board_time) for i in range(len(config.awards))]
    return tuple(entries)


def loop_position(entries: tuple[LoopEntry, ...], first: int, since: datetime,
                  now: datetime) -> int:
    """Which loop entry shows at ``now`` when the loop (re)started at ``since`` on ``first``."""
    if not entries:
        return 0
    cycle = sum((e.duration for e in entries), timedelta(0))
    elapsed = max(timedelta(0), now - since) % cycle
    index = first % len(entries)
    while elapsed >= entries[index].duration:
        elapsed -= entries[index].duration
        index = (index + 1) % len(entries)
    return index


def hidden_laureates(config: Config) -> tuple[LaureateId, ...]:
    """Laureates the config has not marked announced, in board order."""
    return laureate_ids(config.awards, announced=False)


def compose(
    config: Config,
    moment: Moment,
    decision: Decision,
    state: State,
    *,
    loop_since: datetime,
    rehearsal: bool = False,
    problems: tuple[str, ...] = (),
    sound: str = "",
    diagnostics: tuple[tuple[str, str], ...] = (),
) -> View:
    """The whole picture at ``moment.now``.

    ``loop_since`` is when the current scene came up (the slide loop starts there unless a
    volunteer moved it); ``problems`` are host-facing messages such as config errors;
    ``sound`` is a sound badge ("MUTED", "VOLUME 70%") the app wants shown; ``diagnostics``
    the player's figures, shown while the volunteers have them switched on.
    """
    now = moment.now
    scene = decision.scene
    view: dict[str, Any] = {"scene": scene, "manual": decision.manual}
    if scene is Scene.COUNTDOWN:
        view["countdown"] = _countdown(config, moment)
    elif scene is Scene.SLIDES:
        entries = loop_entries(config)
        since = state.loop_since or loop_since
        index = loop_position(entries, state.loop_first, since, now)
        view["slide"] = _slide(config, entries, index)
        award = entries[index].award if entries else None
        if award is not None:
            view["board"] = board_for_slide(config, state, award, now)
    elif scene is Scene.AWARDS:
        view["board"] = _board(config, state, now)
    elif scene is Scene.MESSAGE:
        view["message"] = state.message or config.message
    elif scene is Scene.CLOSING:
        view["closing"] = ("Thank you for watching together",
                           f"{config.event.title} has ended.")
    elif scene is Scene.LIVE:
        view["live_title"] = config.event.title
    if scene is not Scene.BLACKOUT and state.overlay:
        view["overlay"] = _overlay(config, moment)
        view["announcement"] = config.announcement
    view["badges"] = _badges(decision, state, config, rehearsal, problems)
    if sound and scene is not Scene.BLACKOUT:
        view["badges"] = (*view["badges"], Badge(sound, "info"))
    if state.diagnostics and scene is not Scene.BLACKOUT:
        view["diagnostics"] = diagnostics
    if state.help:
        view["help"] = help_view(config, problems)
    if problems:
        view["notice"] = problems[0] + (f"  (+{len(problems) - 1} more: F1)"
                                        if len(problems) > 1 else "")
    return View(**view)


def help_view(config: Config, problems: tuple[str, ...] = ()) -> HelpView:
    rows = tuple(
        (" / ".join(keys), DESCRIPTIONS[action])
        for action, keys in config.keys.items()
        if keys and action in DESCRIPTIONS
    )
    return HelpView(rows=rows, problems=problems)


def _countdown(config: Config, moment: Moment) -> CountdownView:
    event = config.event
    start = config.running().start if moment.until_start is None else (
        moment.now + moment.until_start)
    venue_zone = config.venue.timezone
    first = moment.next.title if moment.next is not None else ""
    starts_event = ""
    if _zone_name(event.timezone) != _zone_name(venue_zone):
        starts_event = (f"{clock_text(start, event.timezone)} {_city(event.timezone)} time, "
                        f"{day_text(start, event.timezone)}")
    return CountdownView(
        title=event.title,
        subtitle=event.subtitle,
        countdown=countdown_text(moment.until_start or timedelta(0)),
        starts_venue=f"Starts {day_text(start, venue_zone)} at {clock_text(start, venue_zone)}",
        starts_event=starts_event,
        first_item=first,
    )


def _slide(config: Config, entries: tuple[LoopEntry, ...], index: int) -> SlideView:
    fade = config.slideshow.transition == "fade"
    if not entries:
        return SlideView(kind="text", title=config.event.title, body=config.event.subtitle,
                         fade=fade)
    entry = entries[index]
    if entry.slide is None:
        assert entry.award is not None
        return SlideView(kind="board", title=config.awards[entry.award].name, index=index,
                         count=len(entries), fade=fade)
    slide = entry.slide
    return SlideView(
        kind=slide.kind, title=slide.title, body=slide.body, author=slide.author,
        image=str(slide.image) if slide.image else "", url=slide.url, caption=slide.caption,
        index=index, count=len(entries), fade=fade,
    )


def board_for_slide(config: Config, state: State, award_index: int, now: datetime) -> BoardView:
    """The board of one award, as shown inside the slide loop."""
    board = _board(config, state, now)
    return BoardView(awards=(board.awards[award_index],), reveal_age=board.reveal_age)


def _board(config: Config, state: State, now: datetime) -> BoardView:
    newest = state.revealed[-1] if state.revealed else None
    age = None
    if state.revealed_at is not None and now - state.revealed_at < REVEAL_HIGHLIGHT:
        age = max(0.0, (now - state.revealed_at).total_seconds())
    return BoardView(
        awards=tuple(_award(award, state, newest if age is not None else None)
                     for award in config.awards),
        reveal_age=age,
    )


def _award(award: Award, state: State, newest: LaureateId | None) -> AwardView:
    categories = []
    a = award_key(award.name)
    for category in award.categories:
        c = award_key(category.name)
        laureates = tuple(
            LaureateView(
                name=lau.name,
                citation=lau.citation,
                revealed=lau.announced or (a, c, award_key(lau.name)) in state.revealed,
                highlight=(a, c, award_key(lau.name)) == newest,
            )
            for lau in category.laureates
        )
        shown = tuple(lv for lv in laureates if lv.revealed)
        categories.append(CategoryView(category.name, shown, pending=not shown))
    return AwardView(award.name, award.organiser, award.description, tuple(categories))


def _overlay(config: Config, moment: Moment) -> OverlayView:
    venue_zone = config.venue.timezone
    event_zone = config.event.timezone
    current: Item | None = moment.current
    upcoming: Item | None = moment.next
    if moment.phase is Phase.BEFORE:
        now_label, now_title, now_detail = "STARTING SOON", config.event.title, ""
    elif moment.phase is Phase.AFTER:
        now_label, now_title, now_detail = "ENDED", config.event.title, ""
    elif current is None:
        now_label, now_title, now_detail = "BREAK", "Break", ""
    else:
        now_label = "BREAK" if current.kind.value == "break" else "NOW"
        now_title = current.title
        now_detail = " · ".join(p for p in (current.speaker, current.subtitle) if p)
    progress = None
    if current is not None and moment.remaining is not None:
        progress = 1.0 - moment.remaining / current.duration
    event_clock = ""
    if config.overlay.event_clock and _zone_name(event_zone) != _zone_name(venue_zone):
        event_clock = f"{_city(event_zone)} {clock_text(moment.now, event_zone)}"
    return OverlayView(
        position=config.overlay.position,
        now_label=now_label,
        now_title=now_title,
        now_detail=now_detail,
        next_label="NEXT" if upcoming is not None else "",
        next_title=upcoming.title if upcoming is not None else "",
        next_time=clock_text(upcoming.start, venue_zone) if upcoming is not None else "",
        countdown=(f"in {countdown_text(moment.until_next)}"
                   if moment.until_next is not None else ""),
        clock=clock_text(moment.now, venue_zone) if config.overlay.clock else "",
        event_clock=event_clock,
        progress=progress,
    )


def _badges(decision: Decision, state: State, config: Config, rehearsal: bool,
            problems: tuple[str, ...]) -> tuple[Badge, ...]:
    badges = []
    if rehearsal:
        badges.append(Badge("REHEARSAL", "info"))
    if decision.manual and decision.scene is not Scene.BLACKOUT:
        badges.append(Badge("MANUAL", "warn"))
    if decision.fallback is not None:
        text = {
            Health.STARTING: "Stream starting…",
            Health.STALLED: "Stream reconnecting…",
            Health.RECONNECTING: "Stream reconnecting…",
            Health.OFFLINE: "Stream offline",
        }.get(decision.fallback, "Stream unavailable")
        badges.append(Badge(text, "warn"))
    late = state.late + (config.delay.by if config.delay is not None else timedelta(0))
    if late:
        badges.append(Badge(f"DELAY +{int(late.total_seconds() // 60)} min", "warn"))
    if problems:
        badges.append(Badge("PROBLEM: F1", "error"))
    return tuple(badges)


def _zone_name(zone: object) -> str:
    return str(getattr(zone, "key", zone))


def _city(zone: object) -> str:
    return _zone_name(zone).rsplit("/", 1)[-1].replace("_", " ")
