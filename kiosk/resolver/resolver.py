"""Resolver: drives one resolver process at a time from the GUI thread, with timeout and retries.

No threads: QProcess runs the worker (``sys.executable -m kiosk.resolver.worker``) or an
external ``yt-dlp -J`` asynchronously, QTimers do the timeout and the backoff, and the answer
comes back as ``resolved(Resolution)`` or, after the retry budget, ``failed(str)``.
"""

from __future__ import annotations

import logging
import os
import random
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

import kiosk
from kiosk.core.resolve import normalise
from kiosk.platform import frozen
from kiosk.resolver.outcome import (
    Outcome,
    external_arguments,
    from_external,
    from_worker,
    worker_arguments,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 45.0
DEFAULT_ATTEMPTS = 4
BACKOFF_BASE = 2.0  # seconds before the 2nd attempt; doubles each time
BACKOFF_CAP = 60.0
JITTER = 0.2
MAX_OUTPUT = 32 * 1024 * 1024  # a resolver printing more than this is broken: kill it
KILL_WAIT_MS = 2000


class Resolver(QObject):
    """Turns a source (URL) into a Resolution out of process. One resolution at a time."""

    resolved = Signal(object)  # a kiosk.core.resolve.Resolution
    failed = Signal(str)  # host-readable: what went wrong, after every retry
    attempt_failed = Signal(str)  # one attempt went wrong; another follows

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_height: int = 1080,
        timeout: float = DEFAULT_TIMEOUT,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        rng: random.Random | None = None,
        ytdlp: str | None = None,
        cookies: str | None = None,
        python: str | None = None,
    ) -> None:
        """``ytdlp``: path of an external yt-dlp executable to use instead of the bundled one
        (a host can update yt-dlp without a new kiosk release). ``python``: the interpreter
        that runs the worker (default: this one)."""
        super().__init__(parent)
        self.max_height = max_height
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.ytdlp = ytdlp
        self.cookies = cookies
        self.python = python or sys.executable
        self._rng = rng or random.Random()
        self._source = ""
        self._attempt = 0
        self._process: QProcess | None = None
        self._stdout = bytearray()
        self._stderr = bytearray()
        self._timed_out = False
        self._overflow = False
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._on_deadline_timeout)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._on_retry_timeout)

    # ------------------------------------------------------------------ public

    @property
    def busy(self) -> bool:
        return self._process is not None or self._retry.isActive()

    @property
    def source(self) -> str:
        return self._source

    def resolve(self, source: str) -> None:
        """Start resolving ``source``; a resolution already under way is cancelled."""
        self.cancel()
        self._source = normalise(source)
        self._attempt = 0
        self._start()

    def cancel(self) -> None:
        """Stop whatever is running; no signal is emitted for it."""
        self._retry.stop()
        self._deadline.stop()
        self._stop_process()

    # ------------------------------------------------------------------ process

    def _command(self) -> tuple[str, list[str]]:
        if self.ytdlp:
            return self.ytdlp, external_arguments(self._source, timeout=self.timeout,
                                                  cookies=self.cookies)
        # The worker's own deadline comes a little before the kill, so that normally the
        # host gets its readable answer; the kill stays for a worker that cannot answer.
        worker_timeout = max(self.timeout * 0.8, self.timeout - 5.0)
        arguments = worker_arguments(self._source, max_height=self.max_height,
                                     timeout=worker_timeout, cookies=self.cookies)
        if frozen.is_frozen() and self.python == sys.executable:
            # A frozen bundle has no Python for ``-m``: its own executable is the worker.
            return frozen.worker_command(arguments)
        return self.python, arguments

    def _environment(self) -> QProcessEnvironment:
        env = QProcessEnvironment.systemEnvironment()
        # The worker is run as a module: make sure this kiosk package is importable from a
        # checkout as well as from an installed wheel.
        package_root = str(Path(kiosk.__file__).resolve().parent.parent)
        paths = [package_root, *filter(None, env.value("PYTHONPATH", "").split(os.pathsep))]
        env.insert("PYTHONPATH", os.pathsep.join(dict.fromkeys(paths)))
        env.insert("PYTHONIOENCODING", "utf-8")
        env.insert("PYTHONUNBUFFERED", "1")
        return env

    def _start(self) -> None:
        self._attempt += 1
        self._stdout.clear()
        self._stderr.clear()
        self._timed_out = False
        self._overflow = False
        process = QProcess(self)
        program, arguments = self._command()
        process.setProgram(program)
        process.setArguments(arguments)
        process.setProcessEnvironment(self._environment())
        process.setStandardInputFile(QProcess.nullDevice())
        # Bound methods, not lambdas holding ``process``: a closure over the sender keeps its
        # wrapper in a cycle with the C++ object, and a Resolver dropped right after an answer
        # then crashed the interpreter (Bus error) when Qt deleted the process.
        process.readyReadStandardOutput.connect(self._on_process_output)
        process.readyReadStandardError.connect(self._on_process_output)
        process.finished.connect(self._on_process_finished)
        process.errorOccurred.connect(self._on_process_error)
        self._process = process
        self._deadline.start(int(self.timeout * 1000))
        process.start()

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for signal in (process.readyReadStandardOutput, process.readyReadStandardError,
                       process.finished, process.errorOccurred):
            signal.disconnect()
        if process.state() != QProcess.ProcessState.NotRunning:
            process.kill()
            # SIGKILL/TerminateProcess: returns in milliseconds; waiting avoids Qt's
            # "Destroyed while process is still running" and leaves no zombie.
            process.waitForFinished(KILL_WAIT_MS)
        process.deleteLater()

    def _current(self) -> QProcess | None:
        """The process behind the signal being handled, if it is this attempt's."""
        process = self.sender()
        if process is None or process is not self._process:
            return None
        return self._process

    def _on_process_output(self) -> None:
        process = self._current()
        if process is None:
            return
        self._stdout += process.readAllStandardOutput().data()
        self._stderr += process.readAllStandardError().data()
        if len(self._stdout) + len(self._stderr) > MAX_OUTPUT and not self._overflow:
            self._overflow = True
            process.kill()

    def _on_deadline_timeout(self) -> None:
        if self._process is not None:
            self._timed_out = True
            self._process.kill()  # finished() follows and counts the attempt as failed

    def _on_process_error(self, error: QProcess.ProcessError) -> None:
        process = self._current()
        if process is None:
            return
        if error == QProcess.ProcessError.FailedToStart:
            program = process.program()
            self._deadline.stop()
            self._stop_process()
            self._attempt_done(Outcome(retry_reason=f"could not start {program!r}: "
                                                    f"{process.errorString()}"))
        # Crashed / Timedout / Read / Write errors are followed by finished(); handled there.

    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        process = self._current()
        if process is None:
            return
        self._deadline.stop()
        self._stdout += process.readAllStandardOutput().data()
        self._stderr += process.readAllStandardError().data()
        self._process = None
        process.deleteLater()
        stdout, stderr = bytes(self._stdout), bytes(self._stderr)
        who = "yt-dlp" if self.ytdlp else "the resolver"
        if self._timed_out:
            outcome = Outcome(retry_reason=f"{who} did not answer within {self.timeout:g} s")
        elif self._overflow:
            outcome = Outcome(retry_reason=f"{who} printed more than {MAX_OUTPUT} bytes")
        elif status == QProcess.ExitStatus.CrashExit:
            outcome = Outcome(retry_reason=f"{who} crashed")
        elif self.ytdlp:
            outcome = from_external(code, stdout, stderr, url=self._source,
                                    max_height=self.max_height)
        else:
            outcome = from_worker(code, stdout, stderr, max_height=self.max_height)
        self._attempt_done(outcome)

    # ------------------------------------------------------------------ retries

    def _attempt_done(self, outcome: Outcome) -> None:
        if outcome.resolution is not None:
            self.resolved.emit(outcome.resolution)
            return
        reason = outcome.retry_reason or "unknown failure"
        if self._attempt >= self.attempts:
            self.failed.emit(f"Could not resolve {self._source}: {reason} "
                             f"(tried {self._attempt} time{'s' if self._attempt != 1 else ''})")
            return
        delay = self.backoff_delay(self._attempt)
        # For the host's log (and the event log): why the stream is not there yet, at each
        # failed attempt, not only once every attempt has failed.
        log.warning("resolving %s: %s; attempt %d of %d in %.1f s", self._source, reason,
                    self._attempt + 1, self.attempts, delay)
        self.attempt_failed.emit(reason)
        self._retry.start(int(delay * 1000))

    def backoff_delay(self, attempt: int) -> float:
        """Seconds before attempt ``attempt + 1``: exponential, capped, ±20 % jitter."""
        base = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return base * self._rng.uniform(1.0 - JITTER, 1.0 + JITTER)

    def _on_retry_timeout(self) -> None:
        self._start()
