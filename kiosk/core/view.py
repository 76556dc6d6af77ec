"""What the stage shows at one instant, as plain data: scene, texts, badges.

The stage paints a ``View`` and nothing else, so every text the hall sees is decided here,
without Qt, and a snapshot's ``--state`` JSON is simply this object.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from kiosk.core.actions import DESCRIPTIONS
from kiosk.core.config import Award, Config, LaureateId, Slide, award_key, laureate_ids
from kiosk.core.director import Decision, Health, Scene, State
from kiosk.core.i18n import ALTERNATE_SECONDS, ENGLISH, N_, Language, Languages
from kiosk.core.programme import Item, Moment, Phase, clock_text, countdown_text, day_text

BOARD_MIN_DURATION = timedelta(seconds=15)
REVEAL_HIGHLIGHT = timedelta(seconds=12)

# The stage's own fixed words, in English until ``compose`` puts them in the hall's language.
# TRANSLATORS: a small label before the first item's title on the countdown screen.
FIRST = N_("FIRST")
# TRANSLATORS: over the countdown before the event ("Starts in" 01:23:45).
STARTS_IN = N_("Starts in")
# TRANSLATORS: an award category whose laureates are not named yet.
PENDING = N_("To be announced")
KEYBOARD = N_("Keyboard")
PROBLEMS = N_("Problems")
# What the player says about the stream, in words for the host (diagnostics, host panel).
HEALTH_WORDS = {
    Health.PLAYING: N_("playing"), Health.STARTING: N_("starting"),
    Health.STALLED: N_("stalled"), Health.RECONNECTING: N_("reconnecting"),
    Health.OFFLINE: N_("offline"),
}
# The key card lists this many problems, then says how many more there are.
MAX_PROBLEMS = 6
WAITING = N_("The live stream will appear here")
PROMPT = N_("Message for the hall — Enter to show, Esc to cancel")


# The scenes as the host's panel and the remote name them.
# TRANSLATORS: the next seven are scene names in the host's panel ("AUTOMATIC: live").
SCENE_NAMES: dict[Scene, str] = {
    Scene.COUNTDOWN: N_("countdown"), Scene.LIVE: N_("live"), Scene.SLIDES: N_("slides"),
    Scene.AWARDS: N_("awards"), Scene.MESSAGE: N_("message"), Scene.BLACKOUT: N_("blackout"),
    Scene.CLOSING: N_("closing"),
}

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
    # What the now label says, whatever the language: now, break, soon or ended.
    now_tone: str = "now"
    # Two languages stacked: the titles in the second language ("" when the same).
    now_title_2: str = ""
    next_title_2: str = ""
    # The language the bar is in (the first of two, when stacked).
    language: str = "en"


@dataclass(frozen=True)
class CountdownView:
    title: str
    subtitle: str
    countdown: str
    starts_venue: str
    starts_event: str
    first_item: str
    first_label: str = FIRST
    countdown_label: str = STARTS_IN


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
    pending_text: str = PENDING


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
    title: str = KEYBOARD
    problems_title: str = PROBLEMS


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
    # The live scene's words while no picture has come, and the message editor's prompt.
    live_waiting: str = WAITING
    prompt: str = PROMPT
    # The languages shown, the kiosk's own first.
    languages: tuple[str, ...] = ("en",)
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
    languages: Languages = ENGLISH,
) -> View:
    """The whole picture at ``moment.now``.

    ``loop_since`` is when the current scene came up (the slide loop starts there unless a
    volunteer moved it); ``problems`` are host-facing messages such as config errors;
    ``sound`` is a sound badge ("MUTED", "VOLUME 70%") the app wants shown; ``diagnostics``
    the player's figures, shown while the volunteers have them switched on. Every text is in
    ``languages.primary``; the overlay also in ``languages.second`` when there is one.
    """
    now = moment.now
    scene = decision.scene
    lang = languages.primary
    view: dict[str, Any] = {"scene": scene, "manual": decision.manual,
                            "languages": languages.codes}
    if scene is Scene.COUNTDOWN:
        view["countdown"] = _countdown(config, moment, lang)
    elif scene is Scene.SLIDES:
        entries = loop_entries(config)
        since = state.loop_since or loop_since
        index = loop_position(entries, state.loop_first, since, now)
        view["slide"] = _slide(config, entries, index, lang)
        award = entries[index].award if entries else None
        if award is not None:
            view["board"] = board_for_slide(config, state, award, now, lang)
    elif scene is Scene.AWARDS:
        view["board"] = _board(config, state, now, lang)
    elif scene is Scene.MESSAGE:
        # A volunteer's typed message as it is; the config's in the hall's language.
        view["message"] = lang.pick(state.message or config.message)
    elif scene is Scene.CLOSING:
        view["closing"] = (lang.gettext("Thank you for watching together"),
                           lang.gettext("{title} has ended.").format(
                               title=lang.pick(config.event.title)))
    elif scene is Scene.LIVE:
        view["live_title"] = lang.pick(config.event.title)
        view["live_waiting"] = lang.gettext(WAITING)
    if scene is not Scene.BLACKOUT and state.overlay:
        view["overlay"] = _overlay(config, moment, languages)
        view["announcement"] = _overlay_language(languages, now).pick(config.announcement)
    view["badges"] = _badges(decision, state, config, rehearsal, problems, lang)
    if sound and scene is not Scene.BLACKOUT:
        view["badges"] = (*view["badges"], Badge(sound, "info"))
    if state.diagnostics and scene is not Scene.BLACKOUT:
        view["diagnostics"] = diagnostics
    problems = tuple(lang.say(p) for p in problems)
    if state.help:
        view["help"] = help_view(config, problems, lang)
    if problems:
        more = len(problems) - 1
        view["notice"] = problems[0] + ("  " + lang.ngettext(
            "(+{n} more: F1)", "(+{n} more: F1)", more).format(n=more) if more else "")
    view["prompt"] = lang.gettext(PROMPT)
    return View(**view)


def help_view(config: Config, problems: tuple[str, ...] = (),
              lang: Language = ENGLISH.primary) -> HelpView:
    """The key card: every key and what it does, then the first ``MAX_PROBLEMS`` problems
    (already in ``lang``; ``compose`` says them) and how many more there are."""
    rows = tuple(
        (" / ".join(keys), lang.gettext(DESCRIPTIONS[action]))
        for action, keys in config.keys.items()
        if keys and action in DESCRIPTIONS
    )
    shown = tuple(problems[:MAX_PROBLEMS])
    more = len(problems) - MAX_PROBLEMS
    if more > 0:
        # TRANSLATORS: the key card's last line when it lists only the first problems.
        shown += (lang.ngettext("… and {n} more", "… and {n} more", more).format(n=more),)
    return HelpView(rows=rows, problems=shown, title=lang.gettext(KEYBOARD),
                    problems_title=lang.gettext(PROBLEMS))


class PlayerFigures(Protocol):
    """What the diagnostics card shows of the player (kiosk.player's PlayerStats)."""

    @property
    def state(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def input_kbps(self) -> float: ...
    @property
    def frames_displayed(self) -> int: ...
    @property
    def frames_lost(self) -> int: ...
    @property
    def frames_delivered(self) -> int: ...
    @property
    def reconnects(self) -> int: ...


def diagnostic_rows(lang: Language, *, stream: str, health: Health,
                    figures: PlayerFigures | None = None, last_note: str = "",
                    feeds: Iterable[str] = (), sound: str = "") -> tuple[tuple[str, str], ...]:
    """The diagnostics card's rows (label, value) in ``lang``: the stream's state and health,
    the player's figures, the latest thing the player or resolver said, each feed's state
    and the sound. ``stream``, ``last_note`` and the feed lines may be ``Words``."""
    rows = [(lang.gettext("Stream"),
             lang.say(stream) or lang.gettext("no stream (placeholder)")),
            (lang.gettext("Health"), lang.gettext(HEALTH_WORDS[health]))]
    if figures is not None:
        rows += [
            (lang.gettext("Player"),
             f"{figures.state} · " + (figures.host or lang.gettext("no source"))),
            (lang.gettext("Input"), lang.gettext("{rate} Mb/s").format(
                rate=lang.number(figures.input_kbps / 1000, 2))),
            # TRANSLATORS: frame counts on the diagnostics card; libVLC is the video player.
            (lang.gettext("Frames"), lang.gettext(
                "{shown} shown by libVLC · {lost} lost · {delivered} delivered").format(
                    shown=figures.frames_displayed, lost=figures.frames_lost,
                    delivered=figures.frames_delivered)),
            (lang.gettext("Reconnects"), str(figures.reconnects)),
        ]
    if last_note:
        rows.append((lang.gettext("Last event"), lang.say(last_note)))
    feed = lang.gettext("Feed")
    rows += [(feed, lang.say(line)) for line in feeds]
    if sound:
        rows.append((lang.gettext("Sound"), sound))
    return tuple(rows)


def _countdown(config: Config, moment: Moment, lang: Language) -> CountdownView:
    event = config.event
    start = config.running().start if moment.until_start is None else (
        moment.now + moment.until_start)
    venue_zone = config.venue.timezone
    first = lang.pick(moment.next.title) if moment.next is not None else ""
    starts_event = ""
    if _zone_name(event.timezone) != _zone_name(venue_zone):
        # TRANSLATORS: when the event starts in its own time zone, under the venue's time;
        # {city} is the zone's city in the nominative (Moscow), {day} like "Sat 6 Feb".
        starts_event = lang.gettext("{time} {city} time, {day}").format(
            time=clock_text(start, event.timezone, lang=lang), city=lang.city(event.timezone),
            day=day_text(start, event.timezone, lang))
    return CountdownView(
        title=lang.pick(event.title),
        subtitle=lang.pick(event.subtitle),
        countdown=countdown_text(moment.until_start or timedelta(0), lang),
        # TRANSLATORS: on the countdown screen, in the venue's time; {day} like "Sat 6 Feb".
        starts_venue=lang.gettext("Starts {day} at {time}").format(
            day=day_text(start, venue_zone, lang), time=clock_text(start, venue_zone, lang=lang)),
        starts_event=starts_event,
        first_item=first,
        first_label=lang.gettext(FIRST),
        # Held on the countdown after the start, the digits stand at 00:00: no "Starts in".
        countdown_label=lang.gettext(STARTS_IN) if moment.until_start is not None else "",
    )


def _slide(config: Config, entries: tuple[LoopEntry, ...], index: int,
           lang: Language) -> SlideView:
    fade = config.slideshow.transition == "fade"
    if not entries:
        return SlideView(kind="text", title=lang.pick(config.event.title),
                         body=lang.pick(config.event.subtitle), fade=fade)
    entry = entries[index]
    if entry.slide is None:
        assert entry.award is not None
        return SlideView(kind="board", title=lang.pick(config.awards[entry.award].name),
                         index=index, count=len(entries), fade=fade)
    slide = entry.slide
    return SlideView(
        kind=slide.kind, title=lang.pick(slide.title), body=lang.pick(slide.body),
        author=lang.pick(slide.author), image=str(slide.image) if slide.image else "",
        url=slide.url, caption=lang.pick(slide.caption), index=index, count=len(entries),
        fade=fade,
    )


def board_for_slide(config: Config, state: State, award_index: int, now: datetime,
                    lang: Language = ENGLISH.primary) -> BoardView:
    """The board of one award, as shown inside the slide loop."""
    board = _board(config, state, now, lang)
    return BoardView(awards=(board.awards[award_index],), reveal_age=board.reveal_age)


def _board(config: Config, state: State, now: datetime, lang: Language) -> BoardView:
    newest = state.revealed[-1] if state.revealed else None
    age = None
    if state.revealed_at is not None and now - state.revealed_at < REVEAL_HIGHLIGHT:
        age = max(0.0, (now - state.revealed_at).total_seconds())
    return BoardView(
        awards=tuple(_award(award, state, newest if age is not None else None, lang)
                     for award in config.awards),
        reveal_age=age,
    )


def _award(award: Award, state: State, newest: LaureateId | None,
           lang: Language) -> AwardView:
    categories = []
    a = award_key(award.name)
    pending = lang.gettext(PENDING)
    for category in award.categories:
        c = award_key(category.name)
        laureates = tuple(
            LaureateView(
                name=lang.pick(lau.name),
                citation=lang.pick(lau.citation),
                revealed=lau.announced or (a, c, award_key(lau.name)) in state.revealed,
                highlight=(a, c, award_key(lau.name)) == newest,
            )
            for lau in category.laureates
        )
        shown = tuple(lv for lv in laureates if lv.revealed)
        categories.append(CategoryView(lang.pick(category.name), shown, pending=not shown,
                                       pending_text=pending))
    return AwardView(lang.pick(award.name), lang.pick(award.organiser),
                     lang.pick(award.description), tuple(categories))


def _overlay_language(languages: Languages, now: datetime) -> Language:
    """The bar's language at ``now``: two languages alternating take turns."""
    if languages.second is None or languages.mode != "alternate":
        return languages.primary
    turn = int(now.timestamp() // ALTERNATE_SECONDS) % 2
    return languages.second if turn else languages.primary


@dataclass(frozen=True)
class _NowNext:
    tone: str
    label: str
    title: str
    detail: str
    next_label: str
    next_title: str
    countdown: str


def _now_next(config: Config, moment: Moment, lang: Language) -> _NowNext:
    """The bar's words in one language."""
    current: Item | None = moment.current
    upcoming: Item | None = moment.next
    # TRANSLATORS: during a break, when the programme goes on (a clock time).
    back = (lang.gettext("Back at {time}").format(
        time=clock_text(upcoming.start, config.venue.timezone, lang=lang))
        if upcoming is not None else "")
    if moment.phase is Phase.BEFORE:
        tone, label, title, detail = ("soon", lang.gettext("STARTING SOON"),
                                      lang.pick(config.event.title), "")
    elif moment.phase is Phase.AFTER:
        tone, label, title, detail = ("ended", lang.gettext("ENDED"),
                                      lang.pick(config.event.title), "")
    elif current is None:
        tone, label, title, detail = ("break", lang.gettext("BREAK"),
                                      lang.pgettext("the title of a gap between items", "Break"),
                                      back)
    else:
        is_break = current.kind.value == "break"
        tone = "break" if is_break else "now"
        label = lang.gettext("BREAK") if is_break else lang.gettext("NOW")
        title = lang.pick(current.title)
        detail = " · ".join(p for p in (lang.pick(current.speaker), lang.pick(current.subtitle))
                            if p)
        if is_break and not detail:
            detail = back
    return _NowNext(
        tone=tone, label=label, title=title, detail=detail,
        next_label=lang.gettext("NEXT") if upcoming is not None else "",
        next_title=lang.pick(upcoming.title) if upcoming is not None else "",
        # TRANSLATORS: how long until the next item starts, e.g. "in 05:00", "in 1:02:03".
        countdown=(lang.gettext("in {countdown}").format(
            countdown=countdown_text(moment.until_next, lang))
            if moment.until_next is not None else ""),
    )


def _overlay(config: Config, moment: Moment, languages: Languages) -> OverlayView:
    venue_zone = config.venue.timezone
    event_zone = config.event.timezone
    lang = _overlay_language(languages, moment.now)
    words = _now_next(config, moment, lang)
    label, next_label = words.label, words.next_label
    title_2 = next_title_2 = ""
    if languages.second is not None and languages.mode == "stacked":
        other = _now_next(config, moment, languages.second)
        label = _both(label, other.label)
        next_label = _both(next_label, other.next_label)
        title_2 = other.title if other.title != words.title else ""
        next_title_2 = other.next_title if other.next_title != words.next_title else ""
    current = moment.current
    progress = None
    if current is not None and moment.remaining is not None:
        progress = 1.0 - moment.remaining / current.duration
    event_clock = ""
    if config.overlay.event_clock and _zone_name(event_zone) != _zone_name(venue_zone):
        # TRANSLATORS: the event's own clock beside the venue's, e.g. "Moscow 18:02".
        event_clock = lang.gettext("{city} {time}").format(
            city=lang.city(event_zone), time=clock_text(moment.now, event_zone, lang=lang))
    upcoming = moment.next
    return OverlayView(
        position=config.overlay.position,
        now_label=label,
        now_title=words.title,
        now_detail=words.detail,
        next_label=next_label,
        next_title=words.next_title,
        next_time=(clock_text(upcoming.start, venue_zone, lang=lang)
                   if upcoming is not None else ""),
        countdown=words.countdown,
        clock=clock_text(moment.now, venue_zone, lang=lang) if config.overlay.clock else "",
        event_clock=event_clock,
        progress=progress,
        now_tone=words.tone,
        now_title_2=title_2,
        next_title_2=next_title_2,
        language=lang.code,
    )


def _both(first: str, second: str) -> str:
    """Two languages' labels side by side (one, when they read the same)."""
    return first if not second or second == first else f"{first} · {second}"


def _badges(decision: Decision, state: State, config: Config, rehearsal: bool,
            problems: tuple[str, ...], lang: Language) -> tuple[Badge, ...]:
    badges = []
    if rehearsal:
        badges.append(Badge(lang.gettext("REHEARSAL"), "info"))
    if decision.manual and decision.scene is not Scene.BLACKOUT:
        badges.append(Badge(lang.gettext("MANUAL"), "warn"))
    if decision.fallback is not None:
        text = {
            Health.STARTING: N_("Stream starting…"),
            Health.STALLED: N_("Stream reconnecting…"),
            Health.RECONNECTING: N_("Stream reconnecting…"),
            Health.OFFLINE: N_("Stream offline"),
        }.get(decision.fallback, N_("Stream unavailable"))
        badges.append(Badge(lang.gettext(text), "warn"))
    late = state.late + (config.delay.by if config.delay is not None else timedelta(0))
    if late:
        minutes = int(late.total_seconds() // 60)
        # TRANSLATORS: a badge: the programme runs this many minutes late.
        badges.append(Badge(lang.ngettext("DELAY +{minutes} min", "DELAY +{minutes} min",
                                          minutes).format(minutes=minutes), "warn"))
    if problems:
        # TRANSLATORS: a badge for the host: F1 (the key) shows the problems.
        badges.append(Badge(lang.gettext("PROBLEM: F1"), "error"))
    return tuple(badges)


def _zone_name(zone: object) -> str:
    return str(getattr(zone, "key", zone))
