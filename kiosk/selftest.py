"""``watchparty-kiosk --self-test``: prove that this build can do its job, with no display.

Runs the kiosk's own parts, not stand-ins, on the bundled data:

- **stage**: the built-in event's live scene rendered offscreen with the bundled font;
- **libvlc**: ``kiosk.player.make_player`` (which points python-vlc at a bundle's own libVLC);
  the library's version and the files the process really mapped, which must all come from
  the bundle when frozen (a system VLC must never be picked up);
- **video**: the demo clip decoded by that player until a picture arrives, then painted by
  the stage under the programme bar;
- **resolver**: ``kiosk.resolver.Resolver`` runs yt-dlp in its worker process (in a bundle:
  this same executable in worker mode) on the demo clip served from 127.0.0.1;
- **deno**: yt-dlp's JavaScript runtime runs (``deno --version``), and yt-dlp's challenge
  solver scripts are there;
- **remote**: the volunteers' remote (its server library and its page) serves the page on
  127.0.0.1 and refuses its state without a session;
- **data** and **notices**: the built-in event, schema, fonts, demo clip, and (in a bundle)
  the licence notices.

Prints a report and writes it to ``--self-test-report PATH`` (JSON when PATH ends in
``.json``, else the same text). Exit code 0 only when every check passed. A windowed build
has no stdout (Windows), so CI reads the report file and the exit code.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import http.server
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core import paths

EXIT_OK = 0
EXIT_FAILED = 1
# Everything together normally takes 2–5 s; a hung part must not hang CI.
DEADLINE_S = 240.0
FRAME_TIMEOUT_S = 30.0
RESOLVE_TIMEOUT_S = 90.0
RENDER_SIZE = (640, 360)
# Environment variable a launcher may set to the Unix time it started the process, so that
# start-up is measured from the same instant for a frozen and a source install on any OS.
T0_ENV = "WATCHPARTY_KIOSK_T0"
NOTICE_FILES = (
    "THIRD-PARTY-NOTICES.md",
    "LICENSE-watchparty-kiosk.txt",
    "GPL-2.0.txt",
    "GPL-3.0.txt",
    "LGPL-2.1.txt",
    "LGPL-3.0.txt",
    "OFL-1.1.txt",
    "Unlicense-yt-dlp.txt",
    "MIT-deno.txt",
    "PSF-2.0-python.txt",
)
DISTRIBUTIONS = ("PySide6-Essentials", "python-vlc", "yt-dlp", "yt-dlp-ejs", "deno")


@dataclass
class Check:
    name: str
    ok: bool = False
    detail: str = "not run"
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    started: float
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def mark(self, name: str) -> None:
        """Record the seconds from process start to now under ``name``."""
        self.timings[name] = round(time.monotonic() - self.started, 3)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, **self.facts, "timings_s": self.timings,
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail, **c.data}
                           for c in self.checks]}

    def to_text(self) -> str:
        lines = [f"watchparty-kiosk {__version__} self-test: "
                 f"{'PASSED' if self.ok else 'FAILED'}"]
        for key in ("frozen", "executable", "bundle", "platform", "python", "qt_platform"):
            if key in self.facts:
                lines.append(f"  {key}: {self.facts[key]}")
        for check in self.checks:
            lines.append(f"{'PASS' if check.ok else 'FAIL'} {check.name}: {check.detail}")
        if self.timings:
            lines.append("timings (s from process start): " + ", ".join(
                f"{k} {v:.3f}" for k, v in self.timings.items()))
        return "\n".join(lines)


def run_self_test(report_path: Path | None = None) -> int:
    """Run every check; print and write the report; 0 when all passed."""
    report = Report(started=_process_start())
    _set_default_environment()
    report.facts.update(_facts())
    current = {"name": "start"}
    done = threading.Event()

    def give_up() -> None:  # a hung part (libVLC, a worker) must still end with a report
        if done.wait(DEADLINE_S):
            return
        report.checks.append(Check("deadline", False,
                                   f"no answer within {DEADLINE_S:g} s during {current['name']}"))
        _emit(report, report_path)
        os._exit(EXIT_FAILED)

    threading.Thread(target=give_up, name="self-test-deadline", daemon=True).start()
    steps: tuple[tuple[str, Callable[[Report, _Context], Check]], ...] = (
        ("data", _check_data),
        ("stage", _check_stage),
        ("libvlc", _check_libvlc),
        ("video", _check_video),
        ("resolver", _check_resolver),
        ("deno", _check_deno),
        ("remote", _check_remote),
        ("notices", _check_notices),
    )
    context = _Context()
    try:
        for name, step in steps:
            current["name"] = name
            try:
                check = step(report, context)
            except Exception as exc:
                check = Check(name, False, f"{type(exc).__name__}: {exc}",
                              {"traceback": traceback.format_exc(limit=6)})
            report.checks.append(check)
        report.mark("total")
    finally:
        context.close()
        done.set()
    _emit(report, report_path)
    return EXIT_OK if report.ok else EXIT_FAILED


# ---------------------------------------------------------------------- steps


class _Context:
    """What one step leaves for the next: the Qt application, the stage, the player."""

    def __init__(self) -> None:
        self.app: Any = None
        self.stage: Any = None
        self.player: Any = None
        self.no_video: Any = None  # the stage's render before any video frame

    def close(self) -> None:
        if self.player is not None:
            with contextlib.suppress(Exception):
                self.player.close()


def _check_data(report: Report, context: _Context) -> Check:
    root = paths.data_root()
    wanted = {
        "built-in event": paths.builtin_config(),
        "config schema": paths.schema_file(),
        "starter config": root / "config" / "venue-example.yaml",
        "demo clip": _demo_clip(),
        "font regular": paths.assets() / "fonts" / "NotoSans-Regular.ttf",
        "font bold": paths.assets() / "fonts" / "NotoSans-Bold.ttf",
        "font licence": paths.assets() / "fonts" / "OFL.txt",
    }
    missing = [f"{what} ({path})" for what, path in wanted.items() if not path.is_file()]
    bundle = _bundle_root()
    data = {"data_root": str(root)}
    if bundle is not None and not _inside(root, bundle):
        return Check("data", False, f"data folder {root} is outside the bundle {bundle}", data)
    if missing:
        return Check("data", False, "missing: " + "; ".join(missing), data)
    from kiosk.core import config as config_module

    config = config_module.load(paths.builtin_config())
    data["event"] = config.event.title
    # The catalogues and Babel's CLDR data (dates, city names) are data files too.
    from kiosk.core.i18n import KNOWN, SOURCE, catalogue_path, language

    lost = [code for code, info in KNOWN.items()
            if code != SOURCE and not catalogue_path(info.directory).is_file()]
    if lost:
        return Check("data", False, "missing catalogues: " + ", ".join(lost), data)
    belarusian = language("be")
    words = (f"{belarusian.gettext('NOW')} {belarusian.city(config.event.timezone)} "
             f"{belarusian.day(config.event.start, config.event.timezone)}")
    data["words"] = words
    if belarusian.gettext("NOW") == "NOW":
        return Check("data", False, f"the Belarusian catalogue did not load ({words})", data)
    return Check("data", True, f"{len(wanted)} files in {root}; built-in event loads "
                               f"({config.event.title}); {len(KNOWN)} languages ({words})",
                 data)


def _check_stage(report: Report, context: _Context) -> Check:
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from kiosk.core import config as config_module
    from kiosk.core.director import Scene
    from kiosk.snapshot import snapshot_view
    from kiosk.stage import fonts
    from kiosk.stage.window import Stage

    context.app = QApplication.instance() or QApplication([sys.argv[0] or "watchparty-kiosk"])
    report.facts["qt_platform"] = context.app.platformName()
    config = config_module.load(paths.builtin_config())
    instant = config.event.start + timedelta(minutes=45)
    view = snapshot_view(config, instant, scene=Scene.LIVE, rehearsal=True)
    stage = Stage()
    stage.set_view(view)
    image = stage.render_image(QSize(*RENDER_SIZE))
    report.mark("first_stage_frame")
    context.stage = stage
    context.no_video = image
    family = fonts.family()
    colours = len(_sample_colours(image))
    data = {"scene": view.scene.value, "font": family, "size": list(RENDER_SIZE),
            "colours": colours}
    if image.isNull() or colours < 2:
        return Check("stage", False, f"the stage rendered nothing ({colours} colour(s))", data)
    if "Noto Sans" not in family:
        return Check("stage", False, f"the bundled font did not load (got {family!r})", data)
    return Check("stage", True, f"{view.scene.value} scene rendered at "
                                f"{RENDER_SIZE[0]}x{RENDER_SIZE[1]} in {family}", data)


def _check_libvlc(report: Report, context: _Context) -> Check:
    from PySide6.QtCore import QSize

    from kiosk.player import NullPlayer, make_player

    player = make_player(QSize(*RENDER_SIZE))
    report.mark("player_ready")
    bundle = _bundle_root()
    data: dict[str, Any] = {"player": type(player).__name__,
                            "PYTHON_VLC_LIB_PATH": os.environ.get("PYTHON_VLC_LIB_PATH"),
                            "VLC_PLUGIN_PATH": os.environ.get("VLC_PLUGIN_PATH")}
    if isinstance(player, NullPlayer):
        return Check("libvlc", False, player.problem, data)
    context.player = player
    vlc = sys.modules.get("vlc")  # python-vlc, as the player loaded it
    if vlc is None:
        return Check("libvlc", False, "the player runs but python-vlc is not loaded", data)
    version = vlc.libvlc_get_version()
    data["version"] = version.decode("utf-8", "replace") if isinstance(version, bytes) else str(
        version)
    data["python_vlc"] = getattr(vlc, "__version__", "")
    data["library"] = _module_path(vlc.dll) or str(getattr(vlc.dll, "_name", ""))
    loaded = _loaded_files()
    data["mapped"] = [p for p in loaded if "vlc" in Path(p).name.lower()
                      and "plugin" not in Path(p).name.lower()] if loaded is not None else None
    detail = f"libVLC {data['version']} from {data['library']}"
    if bundle is not None:
        if not _inside(Path(data["library"]), bundle):
            return Check("libvlc", False, f"{detail}: not the bundled libVLC ({bundle})", data)
        foreign = [p for p in (data["mapped"] or []) if not _inside(Path(p), bundle)]
        if foreign:
            return Check("libvlc", False, f"{detail}, but also loaded {foreign}", data)
        detail += " (inside the bundle)"
    return Check("libvlc", True, detail, data)


def _check_video(report: Report, context: _Context) -> Check:
    from PySide6.QtCore import QSize

    from kiosk.core.media import PlayableMedia

    player, stage = context.player, context.stage
    if player is None or stage is None:
        return Check("video", False, "skipped: no player or no stage")
    clip = _demo_clip()
    frames: list[Any] = []

    def picture() -> bool:
        image = player.frame()
        if image is not None and len(_sample_colours(image)) > 2:  # not a blank first frame
            frames.append(image.copy())
            return True
        return False

    player.play(PlayableMedia(url=str(clip), loop=True, title="demo clip"))
    arrived = _wait_for(player.frame_ready, picture, FRAME_TIMEOUT_S)
    data: dict[str, Any] = {"clip": str(clip)}
    if not arrived:
        stats = player.stats()
        data["stats"] = {"health": stats.health, "state": stats.state,
                         "delivered": stats.frames_delivered}
        return Check("video", False, f"no picture of the demo clip within {FRAME_TIMEOUT_S:g} s "
                                     f"(libVLC state {stats.state}, health {stats.health})",
                     data)
    report.mark("first_video_frame")
    frame = frames[-1]
    stage.set_frame(frame)
    image = stage.render_image(QSize(*RENDER_SIZE))
    report.mark("first_video_stage_frame")
    changed = _differing_samples(image, context.no_video)
    data.update(frame=[frame.width(), frame.height()], stage_samples_changed=changed)
    bundle = _bundle_root()
    loaded = _loaded_files()
    if loaded is not None:
        plugins = [p for p in loaded if Path(p).name.endswith(
            ("_plugin.so", "_plugin.dll", "_plugin.dylib"))]
        data["plugins_loaded"] = len(plugins)
        if bundle is not None:
            foreign = [p for p in plugins if not _inside(Path(p), bundle)]
            data["plugins_outside_bundle"] = foreign
            if foreign:
                return Check("video", False, f"plugins loaded from outside the bundle: "
                                             f"{foreign[:5]}", data)
    player.stop()
    if changed < 10:
        return Check("video", False, "the stage did not show the video frame", data)
    where = f", {data['plugins_loaded']} plugins loaded" if "plugins_loaded" in data else ""
    return Check("video", True, f"demo clip decoded ({frame.width()}x{frame.height()}) and "
                                f"painted by the stage{where}", data)


def _check_resolver(report: Report, context: _Context) -> Check:
    from PySide6.QtCore import QProcess

    from kiosk.core.resolve import Status
    from kiosk.resolver.resolver import Resolver

    clip = _demo_clip()
    with _serve(clip) as url:
        resolver = Resolver(timeout=RESOLVE_TIMEOUT_S - 10, attempts=1)
        answers: list[tuple[str, Any]] = []
        resolver.resolved.connect(lambda resolution: answers.append(("resolved", resolution)))
        resolver.failed.connect(lambda reason: answers.append(("failed", reason)))
        started = time.monotonic()
        resolver.resolve(url)
        # What really runs: this interpreter with -m, or (frozen) this executable itself.
        process = resolver.findChild(QProcess)
        command = ([process.program(), *process.arguments()[:2]] if process is not None
                   else ["?"])
        _wait_until(lambda: bool(answers), RESOLVE_TIMEOUT_S)
        resolver.cancel()
    seconds = round(time.monotonic() - started, 2)
    data: dict[str, Any] = {"command": command, "seconds": seconds,
                            "yt_dlp": _dist_version("yt-dlp")}
    if not answers:
        return Check("resolver", False, f"no answer within {RESOLVE_TIMEOUT_S:g} s", data)
    kind, value = answers[0]
    if kind == "failed":
        return Check("resolver", False, str(value), data)
    data.update(status=value.status.value, url=value.url)
    if value.status is Status.UNAVAILABLE or not value.url:
        return Check("resolver", False, f"yt-dlp found nothing to play: {value.reason}", data)
    bundle = _bundle_root()
    if bundle is not None and Path(command[0]).resolve() != Path(sys.executable).resolve():
        return Check("resolver", False, f"the worker ran {command[0]}, not this bundle", data)
    return Check("resolver", True, f"yt-dlp {data['yt_dlp']} in the worker "
                                   f"({' '.join(map(str, command))}) resolved the demo clip "
                                   f"over HTTP in {seconds:g} s", data)


def _check_deno(report: Report, context: _Context) -> Check:
    from importlib import resources

    import deno  # type: ignore[import-untyped]

    data: dict[str, Any] = {}
    try:
        solver = resources.files("yt_dlp_ejs.yt.solver")
        scripts = [name for name in ("core.min.js", "lib.min.js")
                   if (solver / name).is_file()]
    except (ImportError, OSError) as exc:
        return Check("deno", False, f"yt-dlp's challenge solver is missing: {exc}", data)
    data["ejs_scripts"] = scripts
    if len(scripts) < 2:
        return Check("deno", False, f"yt-dlp's challenge solver scripts are missing "
                                    f"(found {scripts})", data)
    try:
        binary = deno.find_deno_bin()
    except (OSError, ValueError) as exc:
        return Check("deno", False, f"no deno binary: {exc}", data)
    data["path"] = binary
    bundle = _bundle_root()
    if bundle is not None and not _inside(Path(binary), bundle):
        return Check("deno", False, f"deno {binary} is not the bundled one", data)
    proc = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60,
                          check=False, stdin=subprocess.DEVNULL, env=_child_environment(),
                          creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
    first = (proc.stdout or proc.stderr).strip().splitlines()[:1]
    data["version"] = first[0] if first else ""
    if proc.returncode != 0 or not data["version"].startswith("deno "):
        return Check("deno", False, f"{binary} --version exited {proc.returncode}: "
                                    f"{(proc.stderr or proc.stdout).strip()[:200]}", data)
    return Check("deno", True, f"{data['version']} runs from {binary}; yt-dlp-ejs "
                               f"{_dist_version('yt-dlp-ejs')} solver present", data)


def _check_remote(report: Report, context: _Context) -> Check:
    import socket
    import urllib.error
    import urllib.request

    from kiosk.core.remote import Pairing, Sessions
    from kiosk.remote.server import PAGE_DIR, RemoteServer

    class Nobody:
        def act(self, *_args: Any) -> None: ...

        def say(self, *_args: Any) -> None: ...

        def changed(self) -> None: ...

    data: dict[str, Any] = {"page": str(PAGE_DIR)}
    bundle = _bundle_root()
    if bundle is not None and not _inside(PAGE_DIR, bundle):
        return Check("remote", False, f"the remote's page {PAGE_DIR} is outside the bundle",
                     data)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = RemoteServer(Nobody(), Sessions(), Pairing())
    try:
        problems = server.start(["127.0.0.1"], port)
        if not server.running:
            return Check("remote", False, "the remote's server did not start: "
                                          + "; ".join(problems), data)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + "/", timeout=10) as answer:
            page = answer.read().decode("utf-8")
        with urllib.request.urlopen(base + "/remote.js", timeout=10) as answer:
            script = answer.read()
        try:
            urllib.request.urlopen(base + "/api/state", timeout=10)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
    finally:
        server.stop()
    data.update(page_bytes=len(page), script_bytes=len(script), state_status=status)
    if 'id="pair-form"' not in page or not script:
        return Check("remote", False, "the remote's page or script is missing", data)
    if status != 401:
        return Check("remote", False, f"the remote answered {status} without a session", data)
    return Check("remote", True, f"page ({len(page)} B) and script ({len(script)} B) served "
                                 "on 127.0.0.1; no state without a session (401)", data)


def _check_notices(report: Report, context: _Context) -> Check:
    folder = _licence_folder()
    if folder is None:
        return Check("notices", True, "not a bundle: the notices ship with the bundles "
                                      "(packaging/notices)")
    missing = [name for name in NOTICE_FILES if not (folder / name).is_file()]
    extra = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    data = {"folder": str(folder), "files": extra}
    if missing:
        return Check("notices", False, f"missing in {folder}: {', '.join(missing)}", data)
    return Check("notices", True, f"{len(extra)} licence files and folders in {folder}", data)


# ---------------------------------------------------------------------- helpers


def _set_default_environment() -> None:
    # No screen and no sound card are needed; QT_QPA_PLATFORM=xcb (etc.) tests a real one.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("WATCHPARTY_KIOSK_AUDIO", "dummy")


def _facts() -> dict[str, Any]:
    bundle = _bundle_root()
    return {
        "version": __version__,
        "frozen": bundle is not None,
        "executable": sys.executable,
        "bundle": str(bundle) if bundle is not None else None,
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "packages": {name: _dist_version(name) for name in DISTRIBUTIONS},
    }


def _emit(report: Report, path: Path | None) -> None:
    text = report.to_text()
    if sys.stdout is not None:  # a windowed Windows build has none
        with contextlib.suppress(OSError, ValueError):
            print(text, flush=True)
    if path is None:
        return
    body = (json.dumps(report.to_json(), indent=2, ensure_ascii=False, default=str)
            if path.suffix.lower() == ".json" else text) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    except OSError as exc:
        if sys.stderr is not None:
            print(f"cannot write {path}: {exc}", file=sys.stderr)


def _bundle_root() -> Path | None:
    """The folder everything in a bundle must come from; None from source.

    ``sys._MEIPASS`` on Windows and Linux; on macOS the whole .app, because _MEIPASS is
    ``Contents/Frameworks`` and PyInstaller puts data files in ``Contents/Resources``.
    """
    from kiosk.platform.vlcenv import bundle_root

    root = bundle_root()
    if root is not None and root.name == "Frameworks" and root.parent.name == "Contents":
        return root.parent.parent
    return root


def _licence_folder() -> Path | None:
    from kiosk.platform.vlcenv import bundle_root

    root = bundle_root()
    return root / "licenses" if root is not None else None


def _inside(path: Path, folder: Path) -> bool:
    try:
        resolved, base = path.resolve(), folder.resolve()
    except OSError:
        return False
    if sys.platform.startswith("win"):
        return os.path.normcase(str(resolved)).startswith(os.path.normcase(str(base)) + os.sep)
    return resolved.is_relative_to(base)


def _demo_clip() -> Path:
    return paths.assets() / "demo" / "demo-stream.mp4"


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _child_environment() -> dict[str, str]:
    """This environment, less what a PyInstaller bootloader put in front of the library path
    for its own process (it keeps the original in ``*_ORIG``)."""
    env = dict(os.environ)
    for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
        original = env.pop(f"{name}_ORIG", None)
        if original is not None:
            env[name] = original
        elif getattr(sys, "frozen", False):
            env.pop(name, None)
    return env


def _process_start() -> float:
    """``time.monotonic()`` at the moment this process started (as near as the OS tells)."""
    now_wall, now_mono = time.time(), time.monotonic()
    t0 = os.environ.get(T0_ENV, "")
    with contextlib.suppress(ValueError):
        if t0:
            return now_mono - max(0.0, now_wall - float(t0))
    elapsed = _process_age()
    return now_mono - elapsed if elapsed is not None else now_mono


def _process_age() -> float | None:
    """Seconds since the OS started this process; None when it cannot say."""
    try:
        if sys.platform.startswith("linux"):
            stat = Path("/proc/self/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            ticks = int(fields[19])  # field 22 of the whole line: starttime
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            return max(0.0, uptime - ticks / os.sysconf("SC_CLK_TCK"))
        if sys.platform.startswith("win"):
            return _windows_process_age()
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return None


def _windows_process_age() -> float | None:
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    created, exited, kernel, user, now = (wintypes.FILETIME() for _ in range(5))
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    if not kernel32.GetProcessTimes(kernel32.GetCurrentProcess(), ctypes.byref(created),
                                    ctypes.byref(exited), ctypes.byref(kernel),
                                    ctypes.byref(user)):
        return None
    kernel32.GetSystemTimeAsFileTime(ctypes.byref(now))

    def value(ft: Any) -> int:
        return int((ft.dwHighDateTime << 32) | ft.dwLowDateTime)

    return max(0.0, (value(now) - value(created)) / 1e7)


def _module_path(dll: Any) -> str | None:
    """The file a ctypes library was really loaded from (after symlinks and search paths)."""
    with contextlib.suppress(Exception):
        if sys.platform.startswith("win"):
            buffer = ctypes.create_unicode_buffer(32768)
            kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
            kernel32.GetModuleFileNameW.argtypes = (ctypes.c_void_p, ctypes.c_wchar_p,
                                                    ctypes.c_uint32)
            if kernel32.GetModuleFileNameW(ctypes.c_void_p(dll._handle), buffer, 32768):
                return buffer.value
            return None

        class DlInfo(ctypes.Structure):
            _fields_ = (("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                        ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p))

        libc = ctypes.CDLL(None)
        libc.dladdr.argtypes = (ctypes.c_void_p, ctypes.POINTER(DlInfo))
        info = DlInfo()
        address = ctypes.cast(dll.libvlc_get_version, ctypes.c_void_p)
        if libc.dladdr(address, ctypes.byref(info)) and info.dli_fname:
            return str(Path(os.fsdecode(info.dli_fname)).resolve())
    return None


def _loaded_files() -> list[str] | None:
    """Every shared library this process has mapped; None where the OS cannot tell us."""
    with contextlib.suppress(Exception):
        if sys.platform.startswith("linux"):
            found: dict[str, None] = {}
            for line in Path("/proc/self/maps").read_text().splitlines():
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and parts[5].startswith("/"):
                    found[parts[5].removesuffix(" (deleted)")] = None
            return list(found)
        if sys.platform == "darwin":
            libc = ctypes.CDLL(None)
            libc._dyld_get_image_name.restype = ctypes.c_char_p
            libc._dyld_get_image_name.argtypes = (ctypes.c_uint32,)
            count = libc._dyld_image_count()
            return [os.fsdecode(libc._dyld_get_image_name(i)) for i in range(count)
                    if libc._dyld_get_image_name(i)]
        if sys.platform.startswith("win"):
            return _windows_modules()
    return None


def _windows_modules() -> list[str]:
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    process = kernel32.GetCurrentProcess()
    needed = wintypes.DWORD()
    modules = (wintypes.HMODULE * 4096)()
    enum = kernel32.K32EnumProcessModules
    enum.argtypes = (wintypes.HANDLE, ctypes.c_void_p, wintypes.DWORD,
                     ctypes.POINTER(wintypes.DWORD))
    if not enum(process, modules, ctypes.sizeof(modules), ctypes.byref(needed)):
        return []
    name = kernel32.K32GetModuleFileNameExW
    name.argtypes = (wintypes.HANDLE, wintypes.HMODULE, wintypes.LPWSTR, wintypes.DWORD)
    result = []
    for module in modules[: needed.value // ctypes.sizeof(wintypes.HMODULE)]:
        buffer = ctypes.create_unicode_buffer(32768)
        if name(process, module, buffer, 32768):
            result.append(buffer.value)
    return result


def _sample_colours(image: Any, grid: int = 16) -> set[int]:
    """The distinct colours on a grid of sample points (a cheap "is anything drawn")."""
    if image is None or image.isNull():
        return set()
    w, h = image.width(), image.height()
    return {image.pixel(x * (w - 1) // (grid - 1), y * (h - 1) // (grid - 1))
            for x in range(grid) for y in range(grid)}


def _differing_samples(a: Any, b: Any, grid: int = 16) -> int:
    if a is None or b is None or a.size() != b.size():
        return grid * grid
    w, h = a.width(), a.height()
    points = [(x * (w - 1) // (grid - 1), y * (h - 1) // (grid - 1))
              for x in range(grid) for y in range(grid)]
    return sum(1 for x, y in points if a.pixel(x, y) != b.pixel(x, y))


def _wait_for(signal: Any, predicate: Callable[[], bool], timeout_s: float) -> bool:
    """Run a Qt event loop until ``signal`` fires with ``predicate()`` true, or time runs out."""
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return True
    loop = QEventLoop()
    met = {"ok": False}

    def on_signal(*_: object) -> None:
        if not met["ok"] and predicate():
            met["ok"] = True
            loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    signal.connect(on_signal)
    timer.start(int(timeout_s * 1000))
    try:
        loop.exec()
    finally:
        timer.stop()
        with contextlib.suppress(RuntimeError, TypeError):
            signal.disconnect(on_signal)
    return met["ok"]


def _wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    """Run the Qt event loop, checking ``predicate`` every 20 ms, until true or timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    poll = QTimer()
    poll.setInterval(20)

    def on_poll() -> None:
        if predicate() or time.monotonic() >= deadline:
            loop.quit()

    poll.timeout.connect(on_poll)
    poll.start()
    try:
        if not predicate():
            loop.exec()
    finally:
        poll.stop()
    return predicate()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _serve(file: Path) -> Iterator[str]:
    """``file`` over HTTP on 127.0.0.1 for as long as the block runs; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(file.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="self-test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{file.name}"
    finally:
        server.shutdown()
        server.server_close()
