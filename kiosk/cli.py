"""The command line: run (the default), check, snapshot and init."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.core import config as config_module
from kiosk.core import paths, slate
from kiosk.core.actions import conflicts
from kiosk.core.config import Config
from kiosk.core.director import Scene
from kiosk.core.errors import ConfigInvalid
from kiosk.core.i18n import KNOWN, choose, parse_codes
from kiosk.core.programme import clock_text, day_text
from kiosk.platform.frozen import WORKER_FLAG

if TYPE_CHECKING:
    from PySide6.QtCore import QSize

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
COMMANDS = ("run", "check", "snapshot", "init", "doctor", "autostart", "pack", "open")
SUPERVISE_FLAG = "--supervise"
# A rehearsal a thousand times faster already runs a 6-hour event in 22 s; beyond this the
# clock's arithmetic would overflow within a run.
MAX_SPEED = 10_000.0
MAX_EXIT_AFTER = 7 * 24 * 3600.0  # a QTimer counts milliseconds in 32 bits
LANGUAGE_CODES = ", ".join(KNOWN)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == WORKER_FLAG:
        return _resolver_worker(args[1:])
    if args and args[0] == slate.FLAG:
        return _slate(args[1:])
    if not args and getattr(sys, "frozen", False):
        # An installed build started from its icon (the Dock, a double-click): supervised,
        # as the installers' shortcuts start it.
        args = [SUPERVISE_FLAG]
    if SUPERVISE_FLAG in args:
        # The installed builds start this way: a small parent that restarts the kiosk after a
        # crash or a hang (kiosk.supervisor); the rest of the arguments are the kiosk's own.
        from kiosk.supervisor import supervise

        args.remove(SUPERVISE_FLAG)
        return supervise(args)
    # "run" is the default sub-command: `watchparty-kiosk --windowed` runs the kiosk.
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")):
        args.insert(0, "run")
    parser = _parser()
    options = parser.parse_args(args)
    try:
        return int(options.handler(options))
    except KeyboardInterrupt:
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="watchparty-kiosk",
        description="Show a live event's stream, running order and countdown on a hall's TV.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start the kiosk (the default)")
    run.add_argument("--config", type=Path, help="the event config (default: the built-in event)")
    run.add_argument("--at", metavar="ISO8601",
                     help="rehearse from this instant (event time unless an offset is given)")
    run.add_argument("--speed", type=_bounded(MAX_SPEED), metavar="X",
                     help=f"rehearse X times faster than real time (at most {MAX_SPEED:g})")
    run.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    run.add_argument("--lang", type=_languages, metavar="CODE[,CODE]", default=(),
                     help=f"the hall's language, or two for the programme bar ({LANGUAGE_CODES}); "
                          "default: the config's, else en")
    run.add_argument("--screen", type=int, metavar="N", help="the screen for the stage (0, 1, …)")
    run.add_argument("--exit-after", type=_bounded(MAX_EXIT_AFTER), metavar="SECONDS",
                     help="quit after this many real seconds")
    run.add_argument("--screenshot", type=Path, metavar="PNG",
                     help="save what the stage shows just before exit")
    run.add_argument("--event-log", type=Path, metavar="PATH",
                     help="append JSON lines for every scene and status change")
    run.add_argument("--stream", metavar="URL",
                     help="play this instead of the config's stream (YouTube, HLS, a file)")
    run.add_argument("--self-test", action="store_true",
                     help="check libVLC, video, the stage, yt-dlp and deno headless, then exit "
                          "(0: all good)")
    run.add_argument("--safe-mode", action="store_true",
                     help="start without video and feeds (the supervisor's choice after "
                          "repeated crashes)")
    run.add_argument("--self-test-report", type=Path, metavar="PATH",
                     help="also write the self-test's report here (JSON if it ends in .json)")
    run.set_defaults(handler=_run)

    check = sub.add_parser("check", help="validate a config and print its running order")
    check.add_argument("path", nargs="?", type=Path, help="default: the built-in event")
    check.add_argument("--refresh", action="store_true",
                       help="fetch the config's feeds first (else: their cached copies)")
    check.set_defaults(handler=_check)

    snap = sub.add_parser("snapshot", help="render what the hall sees at an instant to a PNG")
    snap.add_argument("--config", type=Path, help="default: the built-in event")
    snap.add_argument("--at", required=True, metavar="ISO8601",
                      help="the instant (event time unless an offset is given)")
    snap.add_argument("--scene", choices=[s.value for s in Scene],
                      help="force a scene, as a volunteer's key would")
    snap.add_argument("--size", default="1920x1080", type=_size, metavar="WxH")
    snap.add_argument("--lang", type=_languages, metavar="CODE[,CODE]", default=(),
                      help=f"the hall's language(s) ({LANGUAGE_CODES}); default: the config's")
    snap.add_argument("-o", "--output", required=True, type=Path, metavar="PNG")
    snap.add_argument("--state", type=Path, metavar="JSON",
                      help="also write the scene and the overlay's texts as JSON")
    snap.add_argument("--reveal", type=float, metavar="SECONDS",
                      help="the next hidden laureate revealed this long before --at, as the "
                           "reveal key would")
    snap.add_argument("--key-card", action="store_true", help="with the key card over it")
    snap.add_argument("--refresh", action="store_true",
                      help="fetch the config's feeds first (else: their cached copies)")
    snap.set_defaults(handler=_snapshot)

    init = sub.add_parser("init", help="write a commented starter config")
    init.add_argument("path", type=Path)
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=_init)

    doctor = sub.add_parser("doctor", help="check this computer, the stream, the feeds and "
                                           "the config before an event")
    doctor.add_argument("--config", type=Path, help="default: the built-in event")
    doctor.add_argument("--bundle", type=Path, metavar="ZIP",
                        help="also write a diagnostics bundle (logs, config, this report, "
                             "versions) for the organisers")
    doctor.set_defaults(handler=_doctor)

    autostart = sub.add_parser("autostart", help="start the kiosk when this user logs in")
    autostart.add_argument("action", choices=["on", "off", "status"])
    autostart.add_argument("--config", type=Path, help="the config to start with")
    autostart.set_defaults(handler=_autostart)

    pack = sub.add_parser("pack", help="write the event and its pictures into one .wpk file "
                                       "to send to the venues")
    pack.add_argument("--config", type=Path,
                      help="the event config (default: this computer's own event)")
    pack.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.wpk")
    pack.set_defaults(handler=_pack)

    opening = sub.add_parser("open", help="make an event pack (.wpk) this computer's event, "
                                          "then start the kiosk on it")
    opening.add_argument("pack", type=Path, metavar="FILE.wpk")
    opening.add_argument("--replace", action="store_true",
                         help="replace the event already here without asking (it is kept in "
                              "the replaced folder)")
    opening.add_argument("--no-start", action="store_true",
                         help="only open the pack; do not start the kiosk")
    opening.set_defaults(handler=_open)
    return parser


def _doctor(options: argparse.Namespace) -> int:
    from kiosk.doctor import run_doctor

    return run_doctor(options.config, bundle=options.bundle)


def _autostart(options: argparse.Namespace) -> int:
    from kiosk.platform.autostart import autostart_command

    return autostart_command(options.action, config=options.config)


# ---------------------------------------------------------------------- pack, open


def _pack(options: argparse.Namespace) -> int:
    from kiosk.core.pack import PackConfigInvalid, PackError, export_pack

    config_path: Path | None = options.config
    if config_path is None:
        config_path = paths.host_event()
        if not config_path.is_file():
            print(f"this computer has no event of its own to pack (no {config_path}); name "
                  "one with --config PATH", file=sys.stderr)
            return EXIT_INVALID
    try:
        summary = export_pack(config_path, options.output)
    except PackError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID if isinstance(exc, PackConfigInvalid) else EXIT_FAILED
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _open(options: argparse.Namespace) -> int:
    from kiosk.core.pack import PackConfigInvalid, PackError, PackReplaceNeeded, open_pack

    target = paths.host_event_dir()
    try:
        try:
            opened = open_pack(options.pack, target, replace=options.replace)
        except PackReplaceNeeded as needed:
            if not _ask_replace(needed.current_title, needed.pack_title):
                _say(f'Nothing was opened: "{needed.current_title}" stays this computer\'s '
                     "event (--replace replaces it without asking).")
                return EXIT_FAILED
            opened = open_pack(options.pack, target, replace=True)
    except PackError as exc:
        _tell(str(exc))
        return EXIT_INVALID if isinstance(exc, PackConfigInvalid) else EXIT_FAILED
    if sys.stdout is not None:  # None in a windowed Windows build
        print(f'Opened "{opened.title}" (starts {opened.start:%Y-%m-%d %H:%M} '
              f"{opened.start.tzinfo}) into {opened.folder}.")
        if opened.replaced is not None:
            print(f"The event it replaced is kept in {opened.replaced}.")
    if options.no_start:
        return EXIT_OK
    return main(["run", "--config", str(paths.host_event())])


def _on_terminal() -> bool:
    """Whether a person at a terminal can answer; a double-clicked file has none (and a
    windowed Windows build has no sys.stdin at all)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _ask_replace(current: str, new: str) -> bool:
    if _on_terminal():
        try:
            answer = input(f'Replace "{current}" with "{new}"? [y/N] ')
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")
    from kiosk.operator.packdialog import ask_replace

    return ask_replace(current, new)


def _say(message: str) -> None:
    if sys.stderr is not None:
        print(message, file=sys.stderr)


def _tell(message: str) -> None:
    """Why a pack was not opened: on stderr, and in a box when nobody reads a terminal."""
    _say(message)
    if not _on_terminal():
        from kiosk.operator.packdialog import tell

        tell(message)


# ---------------------------------------------------------------------- check


def _check(options: argparse.Namespace) -> int:
    path: Path = options.path or paths.builtin_config()
    warnings: list[str] = []
    try:
        config = config_module.load(path, warnings=warnings)
    except ConfigInvalid as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        n = len(exc.errors)
        print(f"{path}: {n} problem{'s' if n != 1 else ''}; the config is not valid.",
              file=sys.stderr)
        return EXIT_INVALID
    print(f"{path}: valid.")
    for warning in warnings:  # e.g. a theme colour too faint to read, which the kiosk adjusts
        print(f"warning: {warning}", file=sys.stderr)
    config = _with_feeds(config, refresh=options.refresh)
    print()
    print(running_order(config))
    for key, actions in conflicts(config.keys):
        names = ", ".join(a.value for a in actions)
        print(f"warning: key {key} is bound to several actions ({names}); the first wins",
              file=sys.stderr)
    return EXIT_OK


def running_order(config: Config) -> str:
    """The running order as a table in venue time and event time."""
    event = config.event
    venue_zone = config.venue.timezone
    event_zone = event.timezone
    programme = config.running()
    lines = [event.title]
    if event.note:
        lines.append(f"Note: {event.note}")
    venue_name = getattr(venue_zone, "key", str(venue_zone))
    lines.append(f"Venue time: {venue_name}    Event time: {event_zone.key}")
    if config.delay is not None:
        minutes = int(config.delay.by.total_seconds() // 60)
        lines.append(f"Delay: +{minutes} min (included below)")
    lines.append("")
    header = f"{'venue time':<22} {'event time':<13} {'kind':<8} item"
    lines.append(header)
    lines.append("-" * len(header))

    def span(start: datetime, end: datetime, zone: object, with_day: bool) -> str:
        text = f"{clock_text(start, zone)}–{clock_text(end, zone)}"  # type: ignore[arg-type]
        return f"{day_text(start, zone)} {text}" if with_day else text  # type: ignore[arg-type]

    def instant(when: datetime, zone: object) -> str:
        return f"{day_text(when, zone)} {clock_text(when, zone)}"  # type: ignore[arg-type]

    lines.append(f"{instant(programme.start, venue_zone):<22} "
                 f"{clock_text(programme.start, event_zone):<13} {'':<8} (event starts)")
    for item in programme.items:
        detail = f" — {item.speaker}" if item.speaker else ""
        lines.append(f"{span(item.start, item.end, venue_zone, True):<22} "
                     f"{span(item.start, item.end, event_zone, False):<13} "
                     f"{item.kind.value:<8} {item.title}{detail}")
    lines.append(f"{instant(programme.end, venue_zone):<22} "
                 f"{clock_text(programme.end, event_zone):<13} {'':<8} (event ends)")
    lines.append("")
    lines.append(f"{len(config.slides)} slides, {len(config.awards)} awards.")
    return "\n".join(lines)


def _with_feeds(config: Config, *, refresh: bool) -> Config:
    """The config as its feeds' cached copies make it, with its remote pictures (fetched
    first with ``refresh``); prints each feed's state, and problems to stderr."""
    from kiosk.core import feedpoll

    if not config.feeds and not feedpoll.image_urls(config):
        return config
    from kiosk.core.feedcache import FeedCache

    cache = FeedCache(paths.cache_dir() / "feeds" / "documents")
    session = None
    if refresh:
        from kiosk.core.fetch import make_session

        session = make_session(paths.cache_dir() / "feeds" / "http")
    statuses = feedpoll.statuses(config, cache, session=session)
    zone = config.venue.timezone
    if statuses:
        print()
        print("Feeds (times are venue time):")
        for status in statuses:
            print(f"  {feedpoll.status_line(status, zone)}")
        if not refresh:
            print("  (cached copies; --refresh fetches them now)")
    for line in feedpoll.problem_lines(statuses, zone):
        print(f"warning: {line}", file=sys.stderr)
    merged = feedpoll.effective(config, statuses)
    if session is not None and feedpoll.image_urls(merged):
        # The same checks as the running kiosk: a picture is decoded whole before it is kept.
        from kiosk.stage.images import check_image_bytes, shrink_image_bytes

        for line in feedpoll.fetch_images(feedpoll.image_urls(merged), session, cache,
                                          check_image=check_image_bytes,
                                          shrink=shrink_image_bytes):
            print(f"warning: {line}", file=sys.stderr)
    for url in feedpoll.missing_images(merged, cache):
        print(f"warning: picture {url} is not downloaded yet; it is left out until it is"
              + ("" if refresh else " (--refresh fetches it)"), file=sys.stderr)
    return feedpoll.with_cached_images(merged, cache)


# ---------------------------------------------------------------------- init


def _init(options: argparse.Namespace) -> int:
    target: Path = options.path
    if target.exists() and not options.force:
        print(f"{target} already exists; use --force to overwrite it.", file=sys.stderr)
        return EXIT_FAILED
    template = paths.data_root() / "config" / "venue-example.yaml"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
    except OSError as exc:
        print(f"cannot write {target}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Wrote {target}. Edit it, then check it with:  watchparty-kiosk check {target}")
    return EXIT_OK


# ---------------------------------------------------------------------- snapshot


def _snapshot(options: argparse.Namespace) -> int:
    from kiosk.core.startup import choose_config

    chosen = choose_config(options.config, remember=False)
    for problem in chosen.problems:
        print(problem, file=sys.stderr)
    if chosen.fell_back:
        return EXIT_INVALID
    config = _with_feeds(chosen.config, refresh=options.refresh)
    try:
        from kiosk.core.clock import parse_instant

        instant = parse_instant(options.at, config.event.timezone)
    except ValueError as exc:
        print(f"--at {options.at!r}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.snapshot import render_snapshot

    scene = Scene(options.scene) if options.scene else None
    languages = choose(config.languages, options.lang, config.bilingual)
    try:
        view = render_snapshot(config, instant, options.output, options.size, scene=scene,
                               languages=languages, reveal=options.reveal,
                               key_card=options.key_card)
    except OSError as exc:
        print(f"cannot write {options.output}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if options.state is not None:
        state = {"at": instant.isoformat(), **view.to_json()}
        options.state.write_text(json.dumps(state, indent=2, ensure_ascii=False, default=str)
                                 + "\n", encoding="utf-8")
    print(f"{options.output}: {view.scene.value} at {instant.isoformat()}")
    return EXIT_OK


# ---------------------------------------------------------------------- run


def _run(options: argparse.Namespace) -> int:
    if options.self_test or options.self_test_report is not None:
        from kiosk.selftest import run_self_test

        return run_self_test(options.self_test_report)
    from kiosk.core.eventlog import EventLog
    from kiosk.core.startup import choose_clock, choose_config

    # Without --config: the host's own event once they have made one (setup or a pack).
    host_event = paths.host_event()
    config_path: Path | None = options.config or (host_event if host_event.exists() else None)
    chosen = choose_config(config_path)
    config = chosen.config
    for problem in chosen.problems:
        print(problem, file=sys.stderr)
    try:
        timing = choose_clock(config, at=options.at, speed=options.speed)
    except ValueError as exc:
        print(f"--at {options.at!r}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    event_log = EventLog(options.event_log or _default_event_log())
    # The config's own problems are the config watcher's to clear once the host fixes them.
    problems: tuple[str, ...] = (event_log.problem,) if event_log.problem else ()

    from PySide6.QtCore import QSize, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.app import Kiosk

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("watchparty-kiosk")
    app.setApplicationDisplayName("watchparty-kiosk")

    from kiosk.platform import heartbeat, logs
    from kiosk.platform.inhibit import SleepInhibitor
    from kiosk.platform.single import SingleInstance

    # A second start brings the running kiosk forward instead of opening another one.
    instance = SingleInstance()
    if not instance.claim():
        print("watchparty-kiosk is already running; brought it to the front.", file=sys.stderr)
        return EXIT_OK
    log_problem = logs.setup(paths.log_dir())
    if log_problem:
        problems = (*problems, log_problem)
    heartbeat.enable_crash_dump_from_env()
    if options.safe_mode:
        # The supervisor saw the kiosk crash again and again: no libVLC, no feeds.
        os.environ["WATCHPARTY_KIOSK_NO_VLC"] = "1"
        problems = (*problems, "SAFE MODE after repeated crashes: no video and no feeds. "
                               "Restart the kiosk to try again; the crash reports are in "
                               f"{paths.log_dir()}")
    from kiosk.display import placement

    # The TV: --screen, else the config's venue.screen, else the screen that is not the
    # laptop's. kiosk.display keeps it so when screens come and go.
    wanted = str(options.screen) if options.screen is not None else config.venue.screen
    screens, where = placement(app, wanted)
    screen = screens[where.stage] if where.stage >= 0 else None
    if options.screen is not None and where.stage != options.screen:
        print(f"--screen {options.screen}: there are {len(screens)} screen(s); the stage "
              f"goes to {screen.name() if screen else 'none'} until it is there",
              file=sys.stderr)

    from kiosk.player import make_player
    from kiosk.resolver.resolver import Resolver
    from kiosk.stream import StreamController

    window = QSize(1280, 720)
    stage_size = window if options.windowed or screen is None else screen.size()
    size = render_size(stage_size)
    player = make_player(size)
    if getattr(player, "problem", ""):
        problems = (*problems, player.problem)
        print(player.problem, file=sys.stderr)
    settings = config.stream
    # No more lines than the screen shows (a 720p TV gains nothing from 1080p), nor than the
    # host allows.
    resolver = Resolver(max_height=min(settings.max_height, max(240, size.height())),
                        ytdlp=str(settings.yt_dlp) if settings.yt_dlp else None,
                        cookies=str(settings.cookies) if settings.cookies else None)
    source = options.stream
    if source and "://" not in source and not Path(source).expanduser().is_file():
        note = f"--stream {source}: no such file; playing the config's stream instead"
        print(note, file=sys.stderr)
        problems = (*problems, note)
        source = None
    feeds = None
    if not options.safe_mode:
        from kiosk.feedservice import FeedService

        # Even without feeds: an edit of the config may add some.
        feeds = FeedService(config, paths.cache_dir() / "feeds", autostart=False)
        config = feeds.config  # the cached copies, until the first answers come in
    stream = StreamController(config, player, resolver, source=source)
    kiosk = Kiosk(config, timing.clock, rehearsal=timing.rehearsal, problems=problems,
                  event_log=event_log, player=player, stream=stream, feeds=feeds,
                  lang=options.lang)
    stage = kiosk.stage
    stage.setWindowTitle(f"{config.event.title} — watchparty-kiosk")
    if options.windowed:
        stage.resize(window)

    from kiosk.display import Displays
    from kiosk.operator.window import OperatorController

    operator = OperatorController(kiosk)
    kiosk.view_changed.connect(lambda _view: operator.refresh())
    kiosk.operator_requested.connect(operator.toggle)
    kiosk.quit_requested.connect(operator.shutdown)
    from kiosk.core.screens import STAGE_SCREEN_ENV

    # Under the supervisor: where the slate under the stage learns the stage's screen.
    told = os.environ.get(STAGE_SCREEN_ENV)
    displays = Displays(app, stage, operator, wanted=wanted, windowed=options.windowed,
                        log=lambda kind, **fields: kiosk.log.write(kind, kiosk.clock(),
                                                                   **fields),
                        stage_screen_file=Path(told) if told else None)
    displays.arrange()

    def finish() -> None:
        if options.screenshot is not None:
            try:
                options.screenshot.parent.mkdir(parents=True, exist_ok=True)
                if not stage.grab().save(str(options.screenshot)):
                    raise OSError("the image could not be saved there")
            except OSError as exc:
                print(f"cannot write {options.screenshot}: {exc}", file=sys.stderr)
        event_log.close()
        # exit(), not quit(): since Qt 6 quit() first asks every window to close, and the
        # kiosk's windows refuse (a stray Alt+F4 must not end the event).
        app.exit(0)

    kiosk.set_problems("config", chosen.problems)
    if config_path is not None:
        follow_config(kiosk, config_path)
    from kiosk.operator.hostevent import HostEvent

    host = HostEvent(operator.panel, following=config_path,
                     language=kiosk.languages.primary.code,
                     adopt=lambda path: adopt_event(kiosk, path, rehearse=options.at is not None))
    app.installEventFilter(host)  # a pack double-clicked on macOS arrives as an event
    from kiosk.operator.remotepanel import RemoteLine
    from kiosk.remote.service import Remote

    # The volunteers' remote: off until the host switches it on (then remembered).
    remote = Remote(kiosk)
    RemoteLine(operator.panel, remote)
    kiosk.quit_requested.connect(remote.stop)
    inhibitor = SleepInhibitor()
    inhibit_problem = inhibitor.start(f"{config.event.title} is being shown")
    kiosk.set_problems("sleep", (inhibit_problem,) if inhibit_problem else ())
    instance.activated.connect(stage.bring_forward)
    kiosk.quit_requested.connect(inhibitor.stop)
    # A crash or a hang after the host's quit chord must not bring the kiosk back.
    kiosk.quit_requested.connect(heartbeat.quitting)
    kiosk.quit_requested.connect(finish)
    _keep_going_on_errors(kiosk)
    _log_to_event_log(kiosk)
    stream.start()
    if feeds is not None:
        feeds.start()
    if options.exit_after is not None:
        QTimer.singleShot(int(options.exit_after * 1000), kiosk.request_quit)
    # Everything built so far lives as long as the kiosk: out of the collector's sight, a
    # full collection (which stops every thread, the GUI's too) has far less to walk.
    import gc
    import linecache

    # The source text of every module imported so far (PySide6's import hook reads it):
    # about 20 MB nobody needs now; a traceback reads what it shows again.
    linecache.clearcache()
    gc.freeze()
    heartbeat.start_from_env(app)
    from kiosk.stage import shots

    # A bench's periodic pictures of the stage (WATCHPARTY_KIOSK_SHOTS); off otherwise.
    stage_shots = shots.start_from_env(stage, kiosk)
    if stage_shots is not None:
        kiosk.quit_requested.connect(stage_shots.stop)
    return int(app.exec())


def _default_event_log() -> Path:
    """``events.jsonl`` in the log folder; a file grown past 20 MB (weeks of events) is kept
    as ``events.jsonl.1`` and a new one started."""
    path = paths.log_dir() / "events.jsonl"
    try:
        if path.stat().st_size > 20_000_000:
            path.replace(path.with_name("events.jsonl.1"))
    except OSError:
        pass  # none yet, or not ours to move: EventLog says if it cannot write
    return path


def adopt_event(kiosk: Any, path: Path, *, rehearse: bool = False) -> None:
    """Run the config at ``path`` from now on (the host made or opened their own event):
    its clock (real time for an event to come), its config, and its edits followed."""
    from kiosk.core.startup import choose_clock, choose_config

    chosen = choose_config(path)
    kiosk.set_problems("config", chosen.problems)
    if not rehearse:
        timing = choose_clock(chosen.config, at=None, speed=None)
        kiosk.set_clock(timing.clock, rehearsal=timing.rehearsal)
    if kiosk.feeds is not None:
        kiosk.feeds.rebase(chosen.config)
    else:
        kiosk.apply_config(chosen.config)
    kiosk.stage.setWindowTitle(f"{chosen.config.event.title} — watchparty-kiosk")
    follow_config(kiosk, path)


def follow_config(kiosk: Any, path: Path) -> Any:
    """Apply edits of the config file while the kiosk runs (kiosk.reload); the watcher lives
    as long as the kiosk, or until another config is followed."""
    from kiosk.reload import ConfigWatcher

    previous = getattr(kiosk, "config_watcher", None)
    if previous is not None:
        previous.deleteLater()
        kiosk.set_problems("config file", ())  # what it said of its file
    watcher = ConfigWatcher(path, parent=kiosk)
    kiosk.config_watcher = watcher

    def reloaded(new: Config, warnings: tuple[str, ...]) -> None:
        kiosk.set_problems("config", warnings)
        if kiosk.feeds is not None:
            kiosk.feeds.rebase(new)  # the kiosk hears of it through feeds.config_changed
        else:
            kiosk.apply_config(new)

    def gone(missing: bool) -> None:
        kiosk.set_problems("config file", (
            f"{path} is gone (deleted or moved): the kiosk keeps running the config it had, "
            "and takes the file up again when it is back",) if missing else ())

    watcher.reloaded.connect(reloaded)
    watcher.rejected.connect(lambda lines: kiosk.set_problems("config", lines))
    watcher.gone.connect(gone)
    return watcher


def _resolver_worker(argv: list[str]) -> int:
    """``watchparty-kiosk --resolver-worker URL …``: the resolver's worker, for a frozen
    bundle, where there is no Python to run ``-m kiosk.resolver.worker`` (never returns)."""
    _ensure_std_streams()
    from kiosk.resolver import worker

    worker.main(argv)


def _slate(argv: list[str]) -> int:
    """``watchparty-kiosk --slate [RUN ARGS]``: the supervisor's slate under the stage
    (kiosk.slate), started by the same executable so that it works frozen too."""
    _ensure_std_streams()
    try:
        from kiosk.slate import main as slate_main
    except ImportError as exc:  # no Qt here: the supervisor supervises without a slate
        print(f"slate: cannot run without Qt: {exc}", file=sys.stderr)
        return slate.CANNOT_RUN
    return slate_main(argv)


def _ensure_std_streams() -> None:
    """A windowed build starts with ``sys.stdout``/``sys.stderr`` set to None even when its
    parent handed it pipes; the worker answers on file descriptor 1, so reopen them."""
    if sys.platform.startswith("win"):
        _adopt_windows_std_handles()
    for fd, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
            stream = open(fd, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
        except OSError:
            stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        setattr(sys, name, stream)


def _adopt_windows_std_handles() -> None:
    """Windows: make file descriptors 0, 1 and 2 the process's standard handles (the pipes
    its parent gave it: the slate watches its standard input, the worker answers on its
    output) when the C runtime did not set them up, as in a GUI-subsystem exe."""
    try:
        import ctypes
        import msvcrt

        kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
        kernel32.GetStdHandle.restype = ctypes.c_void_p
        # STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE
        for fd, which, mode in ((0, -10, os.O_RDONLY), (1, -11, os.O_WRONLY),
                                (2, -12, os.O_WRONLY)):
            try:
                os.fstat(fd)
                continue  # already usable
            except OSError:
                pass
            handle = kernel32.GetStdHandle(which)
            if handle in (None, 0, ctypes.c_void_p(-1).value):
                continue
            os.dup2(msvcrt.open_osfhandle(handle, mode), fd)  # type: ignore[attr-defined]
    except (ImportError, OSError, AttributeError):
        pass


def _keep_going_on_errors(kiosk: object) -> None:
    """A bug in one slot must not take the hall's screen down: log it and carry on.

    Qt calls back into Python for every signal; an exception there reaches sys.excepthook
    (PySide prints it and returns to the event loop). Here it also goes to the event log.
    """
    import traceback

    def hook(kind: type[BaseException], error: BaseException, tb: object) -> None:
        text = "".join(traceback.format_exception(kind, error, tb))  # type: ignore[arg-type]
        print(text, file=sys.stderr)
        try:
            log = kiosk.log  # type: ignore[attr-defined]
            log.write("error", kiosk.clock(), error=f"{kind.__name__}: {error}")  # type: ignore[attr-defined]
        except Exception:  # the log itself failing must not loop back here
            pass

    sys.excepthook = hook


def _log_to_event_log(kiosk: Any) -> None:
    """Why the stream failed (404, refused, a hung server…) is logged by the player and the
    resolver: send those lines to the event log and the host's diagnostics too."""
    import logging

    class ToEventLog(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                message = record.getMessage()
                kiosk.last_note = message
                kiosk.log.write("log", kiosk.clock(), level=record.levelname.lower(),
                                source=record.name, message=message)
            except Exception:  # logging must never raise into libVLC's threads
                self.handleError(record)

    logger = logging.getLogger("kiosk")
    logger.setLevel(logging.INFO)
    logger.addHandler(ToEventLog())


def render_size(screen: object | None) -> QSize:
    """The size libVLC renders into: the screen's, at most 1920x1080 (VLC scales once, and
    a 4K screen would cost four times the CPU for little gain at a hall's viewing distance)."""
    from PySide6.QtCore import QSize

    size = screen if isinstance(screen, QSize) and not screen.isEmpty() else QSize(1920, 1080)
    width, height = size.width(), size.height()
    if width > 1920 or height > 1080:
        scale = min(1920 / width, 1080 / height)
        width, height = int(width * scale), int(height * scale)
    return QSize(max(8, width // 8 * 8), max(2, height // 2 * 2))


def _bounded(limit: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not 0 < value <= limit:
            raise argparse.ArgumentTypeError(f"{text!r} must be above zero and at most {limit:g}")
        return value

    return parse


def _languages(text: str) -> tuple[str, ...]:
    try:
        return parse_codes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1920x1080") from None
    if not (160 <= width <= 7680 and 90 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"{text!r} is outside 160x90 … 7680x4320")
    return width, height

