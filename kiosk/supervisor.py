"""``watchparty-kiosk --supervise``: restart the kiosk after a crash or a hang.

A small parent process, pure Python (no Qt, no libVLC: it must outlive whatever took the
kiosk down), starts the kiosk as a child and watches it:

- the child exits 0 (the host quit with the chord): the supervisor exits 0;
- it dies otherwise (an exit code, a signal): a crash report goes to the log folder and the
  kiosk starts again at once, and restores the volunteers' scene, delays and volume itself
  (kiosk.core.session, kiosk.core.sound);
- its GUI thread stops beating (kiosk.platform.heartbeat) for ``hang_after`` seconds: its
  stacks are asked for, it is killed, reported and started again;
- it crashes again and again: the next start is ``--safe-mode`` (no video, no feeds: the
  usual culprits), which tells the host why; if safe mode crashes too, starts are spaced out
  (2, 4, 8 … 60 s); a run that lasts ``stable_after`` seconds wipes the slate.

While it supervises, a slate (kiosk.slate, a small process of its own) lies fullscreen under
the kiosk's stage on the same screen: the event's title and "back in a moment". A kiosk that
dies uncovers the slate, never the desktop, through restarts and safe mode's backoff alike;
the next kiosk's stage covers it again. ``SlateKeeper`` starts it before the first kiosk and
again (after its own crash) only while no kiosk runs, so that every stage maps after it and
stacks above it; it goes with the supervisor. It is best effort: without it (no Qt, no
display) the supervisor supervises all the same and logs why.

What to do after an exit is decided by ``Restarts`` and whether a child still beats by
``HeartbeatWatch``: both are plain objects fed with times, tested without processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from pathlib import Path
from types import FrameType
from typing import IO, Any

from kiosk.core import atomic, paths
from kiosk.core import slate as slate_protocol
from kiosk.core.screens import STAGE_SCREEN_ENV
from kiosk.platform.frozen import program

# The same names as kiosk.platform.heartbeat's, which imports Qt and so is not imported here.
HEARTBEAT_ENV = "WATCHPARTY_KIOSK_HEARTBEAT"
FAULT_FILE_ENV = "WATCHPARTY_KIOSK_FAULT_FILE"
STACKS_AFTER_ENV = "WATCHPARTY_KIOSK_STACKS_AFTER"
QUITTING_WORD = b"quitting"  # a beat's last word once the host asked the kiosk to quit
LOG_FILE = "supervisor.log"
LOG_MAX_BYTES = 1_000_000  # then the log moves to supervisor.log.1
CRASH_PREFIX = "crash-"
KEEP_CRASH_REPORTS = 100
STDERR_LINES = 200
# The children's stderr passed through to ours (a terminal, a session's log, a journal that
# fills a disk): at most this many lines a minute, a line repeated over and over said once.
PASS_LINES_PER_MINUTE = 120
SAFE_MODE_FLAG = "--safe-mode"
EXIT_USAGE = 2  # argparse's code, and the kiosk's for a bad --at: restarting cannot help
POLL = 0.2  # seconds between looks at the child and its heartbeat
# A gap this long between two looks means the supervisor itself did not run (the laptop
# slept, or the whole machine stalled): the child gets a fresh chance to beat.
SUSPEND_GAP = 5.0
DUMP_WAIT = 1.0  # how long a hung kiosk gets to write its stacks before it is killed
DUMP_SIGNAL = getattr(signal, "SIGUSR1", None)
SLATE_SHOWN_WAIT = 5.0  # a kiosk waits this long for the slate to be on screen, at most
SLATE_STOP_WAIT = 2.0  # the slate's pipe closed: how long it gets to go before it is killed
SLATE_FAILURES = 3  # the slate died this many times in a row before showing: no more slates
STAGE_SCREEN_FILE = "stage-screen.json"

# Environment variables that override the policy (seconds), for tests and for hosts.
POLICY_ENV = {
    "hang_after": "WATCHPARTY_KIOSK_HANG_AFTER",
    "grace": "WATCHPARTY_KIOSK_GRACE",
    "stable_after": "WATCHPARTY_KIOSK_STABLE_AFTER",
    "loop_window": "WATCHPARTY_KIOSK_LOOP_WINDOW",
    "restart_after": "WATCHPARTY_KIOSK_RESTART_AFTER",
    "backoff_first": "WATCHPARTY_KIOSK_BACKOFF",
    "backoff_cap": "WATCHPARTY_KIOSK_BACKOFF_CAP",
}


@dataclass(frozen=True)
class Policy:
    """When the supervisor acts; all times in seconds."""

    hang_after: float = 10.0  # no heartbeat for this long: hung
    grace: float = 30.0  # the first beat may take this long after a start
    stable_after: float = 600.0  # a run this long forgets earlier crashes
    loop_crashes: int = 3  # this many crashes within loop_window: safe mode
    loop_window: float = 120.0
    restart_after: float = 0.5  # the pause before a restart
    backoff_first: float = 2.0  # safe mode crashed too: wait this long, doubling each time
    backoff_cap: float = 60.0
    stop_timeout: float = 5.0  # asked to stop: how long the kiosk gets before it is killed

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> tuple[Policy, tuple[str, ...]]:
        """The policy with the environment's overrides, and what was wrong with them."""
        default, problems = cls(), []
        overrides: dict[str, Any] = {}
        for name, variable in POLICY_ENV.items():
            text = environ.get(variable)
            if not text:
                continue
            try:
                value = float(text)
                if not 0 < value < 1e6:
                    raise ValueError
            except ValueError:
                problems.append(f"{variable}={text!r} is not a number of seconds above "
                                f"zero; using {getattr(default, name):g}")
                continue
            overrides[name] = value
        return replace(default, **overrides), tuple(problems)

    def describe(self) -> str:
        return (f"hang after {self.hang_after:g} s without a heartbeat (the first within "
                f"{self.grace:g} s), safe mode after {self.loop_crashes} crashes within "
                f"{self.loop_window:g} s, then starts {self.backoff_first:g}…"
                f"{self.backoff_cap:g} s apart; stable after {self.stable_after:g} s")


class Ending(Enum):
    CLEAN = "clean"  # exit code 0: the host quit (or another kiosk was already running)
    CRASH = "crash"  # any other exit code, or a signal
    HANG = "hang"  # no heartbeat: the supervisor killed it
    USAGE = "usage"  # the arguments are wrong
    QUITTING = "quitting"  # crashed or hung after the host asked it to quit


@dataclass(frozen=True)
class Exit:
    """How one run of the kiosk ended (times from the supervisor's monotonic clock)."""

    ending: Ending
    started: float
    ended: float
    safe_mode: bool = False
    what: str = ""  # "exit code 1", "signal SIGKILL", "hang: no heartbeat for 10 s"

    @property
    def uptime(self) -> float:
        return self.ended - self.started


@dataclass(frozen=True)
class Next:
    """What the supervisor does after an exit."""

    restart: bool
    safe_mode: bool = False
    wait: float = 0.0  # seconds before the restart
    reason: str = ""
    exit_code: int = 0  # the supervisor's own, when it does not restart


@dataclass
class Restarts:
    """The restart policy: after each exit, restart now, in safe mode, later, or stop."""

    policy: Policy = field(default_factory=Policy)
    crashes: list[float] = field(default_factory=list)  # when each recent crash happened
    safe_failures: int = 0  # crashes of safe mode since the last stable run

    def after(self, ended: Exit) -> Next:
        p = self.policy
        if ended.ending is Ending.CLEAN:
            return Next(False, reason="the kiosk quit normally", exit_code=0)
        if ended.ending is Ending.QUITTING:
            return Next(False, reason="the kiosk was quitting when it failed; the host asked "
                                      "for that, so no restart", exit_code=0)
        if ended.ending is Ending.USAGE:
            return Next(False, reason="the kiosk's arguments are wrong; restarting cannot "
                                      "help", exit_code=EXIT_USAGE)
        stable = ended.uptime >= p.stable_after
        if stable:
            self.forget()
        self.crashes = [t for t in self.crashes if ended.ended - t < p.loop_window]
        self.crashes.append(ended.ended)
        if ended.safe_mode and not stable:
            self.safe_failures += 1
            wait = min(p.backoff_cap, p.backoff_first * 2 ** (self.safe_failures - 1))
            return Next(True, safe_mode=True, wait=wait,
                        reason=f"safe mode failed too ({_times(self.safe_failures)}): "
                               f"next start in {wait:g} s")
        if len(self.crashes) >= p.loop_crashes:
            return Next(True, safe_mode=True, wait=p.restart_after,
                        reason=f"{len(self.crashes)} crashes within {p.loop_window:g} s: "
                               "restarting in safe mode (no video, no feeds)")
        after = " after a stable run" if stable else ""
        return Next(True, wait=p.restart_after,
                    reason=f"restarting in {p.restart_after:g} s{after}")

    def forget(self) -> None:
        """A stable run: earlier crashes no longer count, and the next start is normal."""
        self.crashes.clear()
        self.safe_failures = 0


class HeartbeatWatch:
    """Whether a kiosk still beats, from what its heartbeat file holds at each look."""

    def __init__(self, policy: Policy, started: float) -> None:
        self.policy = policy
        self.started = started
        self.first_beat: float | None = None  # when the first beat was seen
        self.quitting = False  # the kiosk said the host asked it to quit
        self._content: bytes | None = None
        self._changed = started
        self._looked = started

    def look(self, content: bytes | None, now: float) -> str | None:
        """A hang's description when the kiosk counts as hung at ``now``, else None."""
        if now - self._looked > SUSPEND_GAP:
            self._changed = now  # the supervisor was not running: nobody's fault
        self._looked = now
        if content and content != self._content:
            self._content = content
            self.quitting = content.split()[-1:] == [QUITTING_WORD]
            self._changed = now
            if self.first_beat is None:
                self.first_beat = now
            return None
        quiet = now - self._changed
        if self.first_beat is not None and quiet >= self.policy.hang_after:
            return f"hang: no heartbeat for {quiet:.0f} s"
        if self.first_beat is None and quiet >= self.policy.grace:
            return f"hang: no heartbeat within {quiet:.0f} s of the start"
        return None


def describe_exit(code: int) -> str:
    """An exit status as a person reads it: a signal's name, a Windows status in hex."""
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    if code >= 0xC0000000:  # an NTSTATUS from a Windows process that crashed
        known = {0xC0000005: "access violation", 0xC00000FD: "stack overflow",
                 0xC0000409: "fail-fast (stack buffer overrun)"}
        name = known.get(code)
        return f"exit code 0x{code:08X}" + (f" ({name})" if name else "")
    return f"exit code {code}"


def kiosk_command(args: list[str], *, safe_mode: bool = False) -> list[str]:
    """How to start the kiosk with its ``run`` arguments, from a checkout or a bundle."""
    args = list(args)
    if args[:1] == ["run"]:
        args = args[1:]
    if safe_mode and SAFE_MODE_FLAG not in args:
        args = [SAFE_MODE_FLAG, *args]
    # A PyInstaller bundle has no Python to run -m with: its executable is the kiosk.
    return [*program(), "run", *args]


def slate_command(args: list[str]) -> list[str]:
    """How to start the slate for a kiosk run with ``args`` (it reads the same config)."""
    args = list(args)
    if args[:1] == ["run"]:
        args = args[1:]
    return [*program(), slate_protocol.FLAG, *args]


# ---------------------------------------------------------------------- the running part


class OutputGate:
    """What of a child's stderr reaches ours: every line into the crash report's tail, but
    through to our stderr at most ``per_minute`` lines a minute, the same line again and
    again only once; what was left out is counted and said once the minute is over.
    Native libraries can print thousands of lines a minute (ALSA with no sound card: 400 a
    second), and a kiosk runs for days."""

    def __init__(self, per_minute: int = PASS_LINES_PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._minute_started = clock()
        self._passed = 0
        self._left_out = 0
        self._last = ""
        self._repeats = 0
        self._lock = threading.Lock()

    def lines(self, line: str) -> list[str]:
        """What to print for ``line`` now (nothing, the line, and/or a summary)."""
        with self._lock:
            out: list[str] = []
            now = self.clock()
            if now - self._minute_started >= 60.0:
                out += self._summary()
                self._minute_started, self._passed = now, 0
            if line == self._last:
                self._repeats += 1
                return out
            if self._repeats:
                out.append(f"(the line above came {_times(self._repeats)} more)")
                self._repeats = 0
            self._last = line
            if self._passed >= self.per_minute:
                self._left_out += 1
                return out
            self._passed += 1
            out.append(line)
            return out

    def _summary(self) -> list[str]:
        out = []
        if self._repeats:
            out.append(f"(the line above came {_times(self._repeats)} more)")
            self._repeats = 0
        if self._left_out:
            out.append(f"supervisor: {self._left_out} more lines from the kiosk left out "
                       f"(at most {self.per_minute} a minute pass through; the crash report "
                       f"keeps the last {STDERR_LINES})")
            self._left_out = 0
        return out


class Log:
    """One line per decision, to stderr and to supervisor.log in the log folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOG_FILE
        self.problem = ""
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        stamped = f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} supervisor: {text}"
        with self._lock:
            _echo(stamped)
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                if self.path.exists() and self.path.stat().st_size > LOG_MAX_BYTES:
                    os.replace(self.path, self.path.with_name(LOG_FILE + ".1"))
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(stamped + "\n")
            except OSError as exc:
                if not self.problem:
                    self.problem = f"cannot write {self.path}: {exc.strerror or exc}"
                    _echo(f"supervisor: {self.problem}")


class Child:
    """One run of the kiosk: the process, its heartbeat and fault files, its stderr's tail."""

    def __init__(self, command: list[str], number: int, workdir: Path, safe_mode: bool,
                 started: float, *, stacks_after: float | None = None,
                 stage_screen: Path | None = None) -> None:
        """``stacks_after``: the kiosk writes its stacks itself after that many seconds
        without a beat (for Windows, where the supervisor cannot ask for them);
        ``stage_screen``: where it tells the slate which screen its stage is on."""
        self.command = command
        self.number = number
        self.safe_mode = safe_mode
        self.started = started
        self.heartbeat = workdir / f"heartbeat-{number}"
        self.fault_file = workdir / f"fault-{number}.txt"
        self.tail: deque[str] = deque(maxlen=STDERR_LINES)
        env = dict(os.environ)
        env[HEARTBEAT_ENV] = str(self.heartbeat)
        env[FAULT_FILE_ENV] = str(self.fault_file)
        env.pop(STACKS_AFTER_ENV, None)
        env.pop(STAGE_SCREEN_ENV, None)
        if stage_screen is not None:
            env[STAGE_SCREEN_ENV] = str(stage_screen)
        if stacks_after is not None:
            env[STACKS_AFTER_ENV] = f"{stacks_after:g}"
        # Its own process group on POSIX, so a hung kiosk goes with the helpers it started
        # (the resolver's worker, yt-dlp).
        self.process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE,
                                        start_new_session=os.name == "posix")
        self._reader = threading.Thread(target=self._pump, name=f"kiosk-{number}-stderr",
                                        daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _pump(self) -> None:
        """Keep the last lines of the kiosk's stderr and pass them through to ours."""
        stream = self.process.stderr
        if stream is None:
            return
        gate = OutputGate()
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")[:4000]
            self.tail.append(line)
            for passed in gate.lines(line):
                _echo(passed)

    def poll(self, timeout: float) -> int | None:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def beat(self) -> bytes | None:
        try:
            return self.heartbeat.read_bytes()
        except OSError:
            return None

    def ask_for_stacks(self) -> None:
        """A hung kiosk writes every thread's stack to its fault file (POSIX) before it goes."""
        if DUMP_SIGNAL is None:
            return
        before = self._fault_size()
        with contextlib.suppress(OSError):
            os.kill(self.pid, DUMP_SIGNAL)
        deadline = time.monotonic() + DUMP_WAIT
        while time.monotonic() < deadline and self.process.poll() is None:
            if self._fault_size() > before:
                time.sleep(0.1)  # the rest of the dump, written in the same moment
                return
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL to the kiosk and its helpers (TerminateProcess on Windows)."""
        if os.name == "posix":
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()

    def terminate(self, timeout: float) -> int:
        """Ask the kiosk to end (SIGTERM), kill it if it has not after ``timeout``."""
        with contextlib.suppress(OSError):
            self.process.terminate()
        code = self.poll(timeout)
        if code is None:
            self.kill()
        return self.process.wait()

    def reap_helpers(self) -> None:
        """Helpers the kiosk left behind when it died (POSIX: its process group)."""
        if os.name == "posix":
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)

    def finish(self) -> tuple[list[str], str]:
        """The tail of stderr and the fault dump, once the process has ended."""
        self._reader.join(timeout=1.0)  # a helper holding the pipe must not hold us up
        try:
            dump = self.fault_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            dump = ""
        for leftover in (self.heartbeat, self.fault_file):
            with contextlib.suppress(OSError):
                leftover.unlink()
        return list(self.tail), dump

    def _fault_size(self) -> int:
        try:
            return self.fault_file.stat().st_size
        except OSError:
            return 0


class SlateKeeper:
    """The slate under the stage: one process at a time, started only while no kiosk runs.

    A slate mapped while a stage is up would stack above it (window managers put a newly
    mapped window on top), so a slate that died is started again only once the kiosk has
    ended, before the next one starts; the next kiosk waits until the slate says it is on
    screen. Its standard input is a pipe: closing it (or the supervisor dying) ends it.
    """

    def __init__(self, command: list[str], log: Log, stage_screen: Path) -> None:
        self.command = command
        self.log = log
        self.stage_screen = stage_screen
        self.process: subprocess.Popen[bytes] | None = None
        self.failures = 0  # deaths in a row before it showed
        self.given_up = not command
        self.tail: deque[str] = deque(maxlen=20)
        self._shown = threading.Event()
        self._noticed = True  # the current process's end was logged (or there is none)
        self._announced = True  # its coming on screen was logged
        self._started = 0.0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start a slate when none runs (and it has not been given up)."""
        self.check()
        if self.given_up or self.running:
            return
        env = dict(os.environ)
        env[STAGE_SCREEN_ENV] = str(self.stage_screen)
        self._shown = threading.Event()
        self._announced = False
        self._started = time.monotonic()
        self.tail.clear()
        try:
            self.process = subprocess.Popen(self.command, env=env, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as exc:
            self.process = None
            self.given_up = True
            self.log.line(f"slate: cannot start {self.command[0]}: {exc.strerror or exc}; "
                          "supervising without a slate")
            return
        self._noticed = False
        for stream, pump in ((self.process.stdout, self._pump_out),
                             (self.process.stderr, self._pump_err)):
            threading.Thread(target=pump, args=(stream,), name="slate-pipe",
                             daemon=True).start()
        self.log.line(f"slate: pid {self.process.pid}")

    def wait_shown(self, stop: Callable[[], bool], timeout: float = SLATE_SHOWN_WAIT) -> None:
        """Wait until the slate is on screen (or gone, or ``timeout``), so that the stage
        maps after it. A slate that took too long is ended: it could otherwise map over the
        stage; the next one starts after this kiosk."""
        if not self.running:
            return
        deadline = time.monotonic() + timeout
        while not self._shown.wait(0.02):
            if stop() or not self.running:
                self.check()
                return
            if time.monotonic() > deadline:
                self.log.line(f"slate: not on screen within {timeout:g} s; ending it (the "
                              "kiosk starts without it)")
                self.stop()
                return
        if not self._announced:
            self._announced = True
            self.log.line(f"slate: on screen {time.monotonic() - self._started:.2f} s after "
                          "its start")

    def check(self) -> None:
        """Log a slate that ended; give up on one that keeps dying before it shows."""
        process = self.process
        if process is None or process.poll() is None or self._noticed:
            return
        self._noticed = True
        code = process.returncode
        shown = self._shown.is_set()
        self.failures = 0 if shown else self.failures + 1
        said = f": {self.tail[-1]}" if self.tail else ""
        if code == slate_protocol.CANNOT_RUN:
            self.given_up = True
            self.log.line(f"slate: cannot run here{said}; supervising without a slate")
        elif self.failures >= SLATE_FAILURES:
            self.given_up = True
            self.log.line(f"slate: ended ({describe_exit(code)}) {_times(self.failures)} "
                          f"before it showed{said}; supervising without a slate")
        else:
            self.log.line(f"slate: pid {process.pid} ended ({describe_exit(code)}){said}; "
                          "another starts when no kiosk runs")

    def stop(self) -> None:
        """End the slate: its pipe closed, then killed if it lingers."""
        process = self.process
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(SLATE_STOP_WAIT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                process.kill()
            process.wait()
        self._noticed = True
        self.process = None

    def _pump_out(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        for raw in iter(stream.readline, b""):
            if raw.strip() == slate_protocol.SHOWN.encode():
                self._shown.set()

    def _pump_err(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        gate = OutputGate()
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")[:1000]
            if line:
                self.tail.append(line)
                for passed in gate.lines(line):
                    _echo(f"slate: {passed}")


class _StopRequest:
    """SIGTERM, SIGINT (Ctrl+C) or SIGBREAK to the supervisor: end the kiosk, then stop."""

    def __init__(self) -> None:
        self.signal_name = ""
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _StopRequest:
        if threading.current_thread() is not threading.main_thread():
            return self
        for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
            number = getattr(signal, name, None)
            if number is not None:
                self._previous[number] = signal.signal(number, self._on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            with contextlib.suppress(ValueError, TypeError, OSError):
                signal.signal(number, previous)  # type: ignore[arg-type]

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        self.signal_name = signal.Signals(number).name

    def __call__(self) -> bool:
        """Whether the supervisor was asked to stop."""
        return bool(self.signal_name)


def supervise(args: list[str], *, policy: Policy | None = None, log_dir: Path | None = None,
              clock: Callable[[], float] = time.monotonic,
              slate: list[str] | None = None) -> int:
    """Run the kiosk with ``args`` (its ``run`` arguments) and keep it running; returns the
    supervisor's exit code (0 when the kiosk was quit or the supervisor was asked to stop).
    ``slate``: how to start the slate (default: this kiosk's ``--slate``; [] for none)."""
    log = Log(log_dir if log_dir is not None else paths.log_dir())
    problems: tuple[str, ...] = ()
    if policy is None:
        policy, problems = Policy.from_env(os.environ)
    for problem in problems:
        log.line(problem)
    restarts = Restarts(policy)
    workdir = Path(tempfile.mkdtemp(prefix="watchparty-kiosk-supervisor-"))
    log.line(f"supervising {' '.join(kiosk_command(args))}: {policy.describe()}")
    keeper = SlateKeeper(slate_command(args) if slate is None else slate, log,
                         workdir / STAGE_SCREEN_FILE)
    try:
        with _StopRequest() as stop:
            return _loop(args, policy, restarts, workdir, log, stop, clock, keeper)
    finally:
        # No slate left over a desktop: after a quit, a stop, or a failure of our own.
        keeper.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _loop(args: list[str], policy: Policy, restarts: Restarts, workdir: Path, log: Log,
          stop: _StopRequest, clock: Callable[[], float], keeper: SlateKeeper) -> int:
    number, safe_mode, noticed = 0, False, None
    while True:
        number += 1
        command = kiosk_command(args, safe_mode=safe_mode)
        # The slate first, so that the stage maps after it and stacks above it.
        keeper.start()
        keeper.wait_shown(stop)
        if stop():
            log.line(f"asked to stop ({stop.signal_name}) before start {number}; "
                     "supervisor done")
            return 0
        started = clock()
        try:
            # Without a signal to ask for a hung kiosk's stacks, it writes them itself a
            # little before the supervisor gives up on it.
            stacks_after = None if DUMP_SIGNAL else max(1.0, policy.hang_after * 0.7)
            child = Child(command, number, workdir, safe_mode, started,
                          stacks_after=stacks_after, stage_screen=keeper.stage_screen)
        except OSError as exc:
            ended = Exit(Ending.CRASH, started, clock(), safe_mode,
                         f"could not start: {exc.strerror or exc}")
            decision = restarts.after(ended)
            log.line(f"start {number}: {ended.what}; {decision.reason}")
        else:
            since = f", {started - noticed:.2f} s after the last one ended" if noticed else ""
            log.line(f"start {number}: pid {child.pid}, "
                     f"{'safe mode' if safe_mode else 'normal mode'}{since}")
            watched = watch_child(child, policy, restarts, log, stop, clock,
                                  tick=keeper.check)
            if watched is None:
                log.line(f"asked to stop ({stop.signal_name}): ending pid {child.pid}")
                code = child.terminate(policy.stop_timeout)
                child.reap_helpers()
                child.finish()
                log.line(f"pid {child.pid} ended ({describe_exit(code)}); supervisor done")
                return 0
            ended = watched
            child.reap_helpers()
            tail, dump = child.finish()
            decision = restarts.after(ended)
            line = f"pid {child.pid} ended: {ended.what} after {ended.uptime:.1f} s"
            if ended.ending in (Ending.CRASH, Ending.HANG, Ending.QUITTING):
                report = _write_report(log, child, ended, decision, tail, dump)
                line += f"; report {report}" if report else "; no report (log folder?)"
            log.line(f"{line}; {decision.reason}")
        noticed = ended.ended
        if not decision.restart:
            log.line(f"supervisor done (exit code {decision.exit_code})")
            return decision.exit_code
        # A slate that died while the kiosk ran comes back now, before the next kiosk.
        if _pause(decision.wait, stop, tick=keeper.start):
            log.line(f"asked to stop ({stop.signal_name}) while waiting; supervisor done")
            return 0
        safe_mode = decision.safe_mode


def watch_child(child: Child, policy: Policy, restarts: Restarts, log: Log,
                stop: Callable[[], bool],
                clock: Callable[[], float] = time.monotonic,
                tick: Callable[[], None] | None = None) -> Exit | None:
    """Wait until the child ends or hangs (and kill it then); None when ``stop()`` says so.
    ``tick`` is called at every look (the slate's keeper)."""
    watch = HeartbeatWatch(policy, child.started)
    stable = False
    while not stop():
        code = child.poll(POLL)
        now = clock()
        if tick is not None:
            tick()
        if code is not None:
            watch.look(child.beat(), now)  # a last look: did it say it was quitting?
            if code == 0:
                return Exit(Ending.CLEAN, child.started, now, child.safe_mode, "exit code 0")
            what = describe_exit(code)
            if watch.quitting:
                return Exit(Ending.QUITTING, child.started, now, child.safe_mode,
                            f"{what} while quitting")
            ending = Ending.USAGE if code == EXIT_USAGE else Ending.CRASH
            return Exit(ending, child.started, now, child.safe_mode, what)
        had_beaten, was_quitting = watch.first_beat is not None, watch.quitting
        hang = watch.look(child.beat(), now)
        if not had_beaten and watch.first_beat is not None:
            log.line(f"pid {child.pid} is running: first heartbeat "
                     f"{watch.first_beat - child.started:.2f} s after its start")
        if watch.quitting and not was_quitting:
            log.line(f"pid {child.pid} is quitting (the host asked for it)")
        if hang is not None:
            log.line(f"pid {child.pid}: {hang}; asking for its stacks, then killing it")
            child.ask_for_stacks()
            child.kill()
            if watch.quitting:
                return Exit(Ending.QUITTING, child.started, clock(), child.safe_mode,
                            f"{hang} while quitting")
            return Exit(Ending.HANG, child.started, clock(), child.safe_mode, hang)
        if not stable and now - child.started >= policy.stable_after:
            stable = True
            if restarts.crashes or restarts.safe_failures:
                log.line(f"pid {child.pid} has run for {policy.stable_after:g} s: "
                         "earlier crashes forgotten")
            restarts.forget()
    return None


def _pause(seconds: float, stop: _StopRequest,
           tick: Callable[[], None] | None = None) -> bool:
    """Wait ``seconds`` (calling ``tick`` at every look); True when asked to stop meanwhile."""
    deadline = time.monotonic() + seconds
    while not stop():
        if tick is not None:
            tick()
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(POLL, left))
    return True


def _write_report(log: Log, child: Child, ended: Exit, decision: Next, tail: list[str],
                  dump: str) -> str:
    """A crash report in the log folder; returns its name ("" when it could not be written)."""
    now = datetime.now().astimezone()
    mode = "safe mode" if child.safe_mode else "normal mode"
    next_step = decision.reason
    if decision.restart:
        next_step = f"{'safe' if decision.safe_mode else 'normal'} mode: {decision.reason}"
    lines = [
        "watchparty-kiosk crash report",
        "",
        f"When:     {now:%Y-%m-%d %H:%M:%S %z}",
        f"What:     {ended.what}",
        f"Uptime:   {ended.uptime:.1f} s",
        f"Start:    {child.number} under this supervisor (pid {child.pid}, {mode})",
        f"Command:  {subprocess.list2cmdline(child.command)}",
        f"Next:     {next_step}",
        "",
        "--- every thread's stack at the crash or hang (faulthandler) ---",
        dump.rstrip() if dump.strip() else "(none written)",
        "",
        f"--- the last {len(tail)} lines the kiosk wrote to stderr ---",
        *tail,
        "",
    ]
    try:
        log.folder.mkdir(parents=True, exist_ok=True)
        base = f"{CRASH_PREFIX}{now:%Y%m%d-%H%M%S}"
        path, n = log.folder / f"{base}.txt", 1
        while path.exists():
            n += 1
            path = log.folder / f"{base}-{n}.txt"
        atomic.write_text(path, "\n".join(lines))
        _prune_reports(log.folder)
    except OSError as exc:
        log.line(f"cannot write a crash report in {log.folder}: {exc.strerror or exc}")
        return ""
    return path.name


def _prune_reports(folder: Path) -> None:
    """Keep the newest reports: a kiosk crashing all night must not fill the disk."""
    reports = sorted(folder.glob(f"{CRASH_PREFIX}*.txt"), key=_mtime)
    for old in reports[:-KEEP_CRASH_REPORTS]:
        with contextlib.suppress(OSError):
            old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _echo(line: str) -> None:
    """To our stderr, when there is one (a windowed Windows build has none)."""
    stream: IO[str] | None = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(line + "\n")
        stream.flush()


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"

