"""What the TV tests look at: configs (the built-in event, with every kind of slide and a
laureate to reveal; and the same with the longest titles the schema allows), the views of
every scene, the screen sizes, and the stage's picture of a view with its text recorded."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from kiosk.core import director, paths
from kiosk.core.config import Config, Laureate, Slide, award_key, load
from kiosk.core.director import Health, Hold, Scene, State
from kiosk.core.i18n import At, Words, choose
from kiosk.core.programme import at
from kiosk.core.view import View, compose, diagnostic_rows, loop_entries
from kiosk.stage import drawn
from kiosk.stage.window import Stage

# A TV of each common size, and a screen turned to portrait.
SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]

LONGEST = 160  # the schema's longest title (event.title, programme[].title)


def long_text(length: int, words: str = "Салідарнасць з беларускім народам Solidarity "
              ) -> str:
    text = ""
    while len(text) < length:
        text += words
    return text[:length].rstrip()


def load_config(*, long_titles: bool = False, languages: tuple[str, ...] = ("en",)
                ) -> Config:
    """The built-in event with what it lacks to show every scene (a QR slide, laureates to
    reveal) and, with ``long_titles``, the longest titles the schema allows."""
    config = load(paths.builtin_config(), system_zone=ZoneInfo("Europe/London"))
    qr = Slide(kind="qr", duration=timedelta(seconds=12), title="Follow the conference",
               url="https://example.org/solidarity",
               caption="Live on the YouTube channel «Беларусы Замежжа»")
    award = config.awards[0]
    category = replace(award.categories[0], laureates=(
        Laureate("Example Laureate", "For a sample citation, announced at the conference",
                 announced=True),
        Laureate("Second Example Laureate", "For courage")))
    awards = (replace(award, categories=(category, *award.categories[1:])),
              *config.awards[1:])
    slides = (*config.slides, qr)
    config = replace(config, slides=slides, awards=awards, languages=languages)
    if not long_titles:
        return config
    items = list(config.programme.items)
    for i, item in enumerate(items):
        items[i] = replace(item, title=long_text(LONGEST, f"{item.title} "))
    slides = tuple(replace(s, title=long_text(120, f"{s.title or 'Slide'} "))
                   for s in config.slides)
    awards = tuple(replace(a, name=long_text(120, f"{a.name} ")) for a in config.awards)
    return replace(config, event=replace(config.event, title=long_text(LONGEST)),
                   programme=replace(config.programme, items=tuple(items)), slides=slides,
                   awards=awards)


@dataclass(frozen=True)
class Case:
    """One picture to check: a view, and whether the stream plays under it."""

    view: View
    video: bool = False


@dataclass(frozen=True)
class Figures:
    """A player's figures after a hard hour (what the diagnostics card shows)."""

    state: str = "Playing"
    host: str = "rr3---sn-4g5e6nzz.googlevideo.com"
    input_kbps: float = 4812.5
    frames_displayed: int = 1_234_567
    frames_lost: int = 1_234
    frames_delivered: int = 1_233_333
    reconnects: int = 17


def diagnostics(config: Config, instant: datetime) -> tuple[tuple[str, str], ...]:
    """The diagnostics card with its longest rows: a stream renewing its address, a feed
    offline since yesterday with the copy from before, a picture that could not be used."""
    lang = choose(config.languages, (), config.bilingual).primary
    zone = config.venue.timezone
    reason = Words("could not renew the address ({reason}); still playing the current one",
                   reason="HTTP Error 429: Too Many Requests")
    offline = Words("{name}: offline since {time} ({reason}); showing the copy from {kept}",
                    name="solidarity-conference.example.org/running-order.yaml",
                    time=At(instant - timedelta(days=1), zone, instant),
                    reason=Words("no connection within {seconds} s ({where})", seconds="5",
                                 where="solidarity-conference.example.org:443"),
                    kept=At(instant - timedelta(days=1, hours=2), zone, instant))
    rejected = Words("{name}: new version rejected: {reason}; the copy from {kept} stays",
                     name="docs.google.com/pub", reason="order.csv:14:3: title (be): expected "
                     "text, got an empty string", kept=At(instant, zone, instant))
    return diagnostic_rows(lang, stream=reason, health=Health.PLAYING, figures=Figures(),
                           last_note="vlc: http stream error: connection reset by peer",
                           feeds=(offline, rejected), sound="volume 100%")


def view_at(config: Config, instant: datetime, state: State,
            rows: tuple[tuple[str, str], ...] = ()) -> View:
    moment = at(config.running(), instant)
    decision = director.decide(state, moment, Health.PLAYING)
    languages = choose(config.languages, (), config.bilingual)
    return compose(config, moment, decision, state, loop_since=instant, rehearsal=True,
                   languages=languages, diagnostics=rows)


def scene_cases(config: Config) -> dict[str, Case]:
    """Every scene the hall can see (blackout is just black), plus the help card."""
    zone = config.event.timezone
    start = config.running().start

    def instant(hhmm: str) -> datetime:
        return datetime.fromisoformat(f"2021-02-06T{hhmm}").replace(tzinfo=zone)

    def held(scene: Scene, when: datetime, **more: object) -> State:
        return State(overlay=True, message=config.message, hold=Hold(scene, when, None),
                     **more)  # type: ignore[arg-type]

    cases = {
        "countdown": Case(view_at(config, start - timedelta(minutes=12), State())),
        "countdown-final": Case(view_at(config, start - timedelta(seconds=7), State())),
        "live": Case(view_at(config, instant("18:20"), held(Scene.LIVE, instant("18:20")))),
        "live-video": Case(view_at(config, instant("18:20"), held(Scene.LIVE,
                                                                   instant("18:20"))),
                           video=True),
        "message": Case(view_at(config, instant("18:20"), held(Scene.MESSAGE,
                                                                instant("18:20")))),
        "closing": Case(view_at(config, config.running().end + timedelta(minutes=5),
                                State())),
    }
    entries = loop_entries(config)
    kinds_seen: set[str] = set()
    for index, entry in enumerate(entries):
        kind = entry.slide.kind if entry.slide is not None else "board"
        if kind in kinds_seen:
            continue
        kinds_seen.add(kind)
        when = instant("20:00")
        cases[f"slides-{kind}"] = Case(view_at(config, when, held(
            Scene.SLIDES, when, loop_first=index, loop_since=when)))
    # The awards with a laureate revealed a moment ago (settled, still highlighted).
    award = config.awards[0]
    category = award.categories[0]
    hidden = next(lau for lau in category.laureates if not lau.announced)
    revealed = ((award_key(award.name), award_key(category.name), award_key(hidden.name)),)
    when = instant("20:45")
    cases["awards-reveal"] = Case(view_at(config, when, held(
        Scene.AWARDS, when, revealed=revealed, revealed_at=when - timedelta(seconds=3))))
    cases["help"] = Case(view_at(config, instant("18:20"), State(help=True)))
    cases["diagnostics"] = Case(view_at(config, instant("18:20"), held(
        Scene.LIVE, instant("18:20"), diagnostics=True), diagnostics(config, instant("18:20"))),
        video=True)
    return cases


def render(stage: Stage, case: Case, size: tuple[int, int], *, hide_text: bool = False,
           video: str = "#ffffff") -> tuple[QImage, drawn.Record]:
    """The stage's picture of ``case`` at ``size`` (over a video of one colour when the scene
    shows the stream), with every text it drew recorded."""
    frame = None
    if case.video:
        frame = QImage(QSize(*size), QImage.Format.Format_RGB32)
        frame.fill(QColor(video))
    stage.set_frame(frame)
    stage.set_view(case.view)
    with drawn.recording(hide_text=hide_text) as record:
        image = stage.render_image(QSize(*size))
    return image, record
