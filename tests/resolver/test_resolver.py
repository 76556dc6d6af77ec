"""Resolver (Qt): the worker end to end on loopback; hanging, crashing and failing resolvers."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
from pathlib import Path

import pytest

from kiosk.core.resolve import Resolution, Status
from kiosk.resolver.resolver import Resolver

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ytdlp"


@pytest.fixture
def make_resolver(qtbot):
    made: list[Resolver] = []

    def _make(**kwargs) -> Resolver:
        kwargs.setdefault("rng", random.Random(7))
        kwargs.setdefault("backoff_base", 0.05)
        resolver = Resolver(**kwargs)
        made.append(resolver)
        return resolver

    yield _make
    for resolver in made:  # nothing may outlive a test (Qt warns about running processes)
        resolver.cancel()


def pids(script: Path) -> list[int]:
    path = Path(str(script) + ".pids")
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_for_pid(qtbot, script: Path, count: int = 1) -> None:
    qtbot.waitUntil(lambda: len(pids(script)) >= count, timeout=10_000)


# --------------------------------------------------------------------------- (a) end to end

def test_worker_resolves_a_loopback_live_stream(qtbot, make_resolver, loopback):
    resolver = make_resolver(max_height=720, timeout=30)
    with qtbot.waitSignal(resolver.resolved, timeout=30_000) as blocker:
        resolver.resolve(loopback.live_url)
    result = blocker.args[0]
    assert isinstance(result, Resolution)
    assert result.status is Status.LIVE
    assert result.url == loopback.live_url and result.url.startswith("http://127.0.0.1:")
    assert result.is_manifest and ":adaptive-maxheight=720" in result.options
    assert not resolver.busy


# --------------------------------------------------------------------------- (b) hanging

def test_a_hanging_resolver_is_killed_retried_then_fails(qtbot, make_resolver, make_script):
    script = make_script("yt-dlp-hangs", "time.sleep(3600)\n")
    resolver = make_resolver(ytdlp=str(script), timeout=0.5, attempts=3)
    retries: list[str] = []
    resolver.attempt_failed.connect(retries.append)
    with qtbot.waitSignal(resolver.failed, timeout=15_000) as blocker:
        resolver.resolve("https://www.youtube.com/@x/live")
    assert retries == ["yt-dlp did not answer within 0.5 s"] * 2
    reason = blocker.args[0]
    assert reason == ("Could not resolve https://www.youtube.com/@x/live: yt-dlp did not "
                      "answer within 0.5 s (tried 3 times)")
    started = pids(script)
    assert len(started) == 3
    assert all(gone(pid) for pid in started), "every hung attempt was killed and reaped"


def test_a_hanging_worker_is_killed_too(qtbot, make_resolver, loopback):
    # The real worker against a server that never answers. Whichever stops it (the worker's
    # own deadline at 0.8 s, or the kill at 1 s), the attempt fails with a readable reason.
    resolver = make_resolver(timeout=1.0, attempts=1)
    with qtbot.waitSignal(resolver.failed, timeout=15_000) as blocker:
        resolver.resolve(loopback.hang_url)
    assert "did not answer within" in blocker.args[0]
    assert blocker.args[0].endswith("(tried 1 time)")


# --------------------------------------------------------------------------- (c) crashing

CRASH = """\
print("{not json at all")
print("Traceback (most recent call last):")
print('  File "yt_dlp/__init__.py", line 1, in <module>')
print("ValueError: boom", file=sys.stderr)
sys.exit(1)
"""


def test_a_crashing_external_ytdlp_fails_readably(qtbot, make_resolver, make_script):
    script = make_script("yt-dlp-crashes", CRASH)
    resolver = make_resolver(ytdlp=str(script), timeout=10, attempts=2)
    with qtbot.waitSignal(resolver.failed, timeout=15_000) as blocker:
        resolver.resolve("https://youtu.be/x")
    reason = blocker.args[0]
    assert reason == ("Could not resolve https://youtu.be/x: yt-dlp stopped with exit code 1 "
                      "(tried 2 times)")
    assert "Traceback" not in reason and "{" not in reason


def test_a_crashing_worker_fails_readably(qtbot, make_resolver, make_script):
    # The worker mode with a "python" that prints garbage and dies.
    script = make_script("python-crashes", CRASH)
    resolver = make_resolver(python=str(script), timeout=10, attempts=2)
    with qtbot.waitSignal(resolver.failed, timeout=15_000) as blocker:
        resolver.resolve("https://youtu.be/x")
    assert blocker.args[0] == ("Could not resolve https://youtu.be/x: the resolver stopped "
                               "with exit code 1 (tried 2 times)")


def test_a_killed_attempt_is_told_to_the_host_before_the_next(qtbot, make_resolver,
                                                              make_script, caplog):
    """A yt-dlp that dies (killed, out of memory) is retried; the host's log says why the
    stream is not there yet, not only once every attempt has failed."""
    script = make_script("yt-dlp-killed", "time.sleep(3600)\n")
    resolver = make_resolver(ytdlp=str(script), timeout=30, attempts=3)
    caplog.set_level(logging.INFO, logger="kiosk")
    resolver.resolve("https://youtu.be/x")
    wait_for_pid(qtbot, script)
    os.kill(pids(script)[0], signal.SIGKILL)
    qtbot.waitUntil(lambda: any("crashed" in r.getMessage() for r in caplog.records),
                    timeout=10_000)
    told = next(r for r in caplog.records if "crashed" in r.getMessage())
    assert told.name.startswith("kiosk.") and told.levelno == logging.WARNING
    assert told.getMessage().startswith("resolving https://youtu.be/x: yt-dlp crashed; "
                                        "attempt 2 of 3 in ")
    wait_for_pid(qtbot, script, 2)  # and the next attempt runs


def test_garbage_with_exit_0_is_retried(qtbot, make_resolver, make_script):
    script = make_script("yt-dlp-garbage", 'print("<html>not json</html>")\n')
    resolver = make_resolver(ytdlp=str(script), timeout=10, attempts=1)
    with qtbot.waitSignal(resolver.failed, timeout=15_000) as blocker:
        resolver.resolve("https://youtu.be/x")
    assert "yt-dlp's answer was not JSON" in blocker.args[0]


def test_a_program_that_does_not_exist(qtbot, make_resolver, tmp_path):
    resolver = make_resolver(ytdlp=str(tmp_path / "no-such-yt-dlp"), attempts=2)
    with qtbot.waitSignal(resolver.failed, timeout=15_000) as blocker:
        resolver.resolve("https://youtu.be/x")
    assert "could not start" in blocker.args[0] and "(tried 2 times)" in blocker.args[0]


# --------------------------------------------------------------------------- (d) not found

def test_a_404_is_unavailable_with_a_clear_reason(qtbot, make_resolver, loopback):
    resolver = make_resolver(timeout=30)
    retries: list[str] = []
    resolver.attempt_failed.connect(retries.append)
    with qtbot.waitSignal(resolver.resolved, timeout=30_000) as blocker:
        resolver.resolve(loopback.missing_url)
    result = blocker.args[0]
    assert result.status is Status.UNAVAILABLE
    assert "HTTP Error 404" in result.reason
    assert retries == []  # a wrong address is an answer; retrying would not change it


def test_refused_connections_are_retried_then_fail(qtbot, make_resolver, closed_port_url):
    resolver = make_resolver(timeout=20, attempts=2)
    retries: list[str] = []
    resolver.attempt_failed.connect(retries.append)
    with qtbot.waitSignal(resolver.failed, timeout=30_000) as blocker:
        resolver.resolve(closed_port_url)
    assert len(retries) == 1 and retries[0].startswith("network trouble:")
    assert "Connection refused" in blocker.args[0]


# --------------------------------------------------------------------------- external yt-dlp

def test_external_ytdlp_json_is_interpreted(qtbot, make_resolver, make_script):
    recorded = (FIXTURES / "youtube_live_hls.json").read_text(encoding="utf-8")
    script = make_script("yt-dlp-live", f"""\
        print("WARNING: [youtube] x: some formats may be missing", file=sys.stderr)
        sys.stdout.write({recorded!r})
        """)
    resolver = make_resolver(ytdlp=str(script), max_height=720, cookies="cookies.txt")
    with qtbot.waitSignal(resolver.resolved, timeout=15_000) as blocker:
        resolver.resolve("youtu.be/mhJRzQsLZGg")
    result = blocker.args[0]
    assert result.status is Status.LIVE and result.height == 480
    args = json.loads(Path(str(script) + ".args").read_text().splitlines()[0])
    assert args[0] == "-J" and "--ignore-no-formats-error" in args
    assert args[args.index("--cookies") + 1] == "cookies.txt"
    assert args[-1] == "https://youtu.be/mhJRzQsLZGg"


def test_external_ytdlp_channel_not_live(qtbot, make_resolver, make_script):
    script = make_script("yt-dlp-offline", """\
        print("ERROR: [youtube:tab] @x: The channel is not currently live", file=sys.stderr)
        sys.exit(1)
        """)
    resolver = make_resolver(ytdlp=str(script))
    with qtbot.waitSignal(resolver.resolved, timeout=15_000) as blocker:
        resolver.resolve("https://www.youtube.com/@x/live")
    assert blocker.args[0].status is Status.NOT_LIVE


# --------------------------------------------------------------------------- one at a time

def test_a_new_resolve_cancels_the_old_one(qtbot, make_resolver, make_script):
    hang = make_script("yt-dlp-slow", "time.sleep(3600)\n")
    resolver = make_resolver(ytdlp=str(hang), timeout=30, attempts=1)
    resolver.resolve("https://youtu.be/first")
    wait_for_pid(qtbot, hang)
    first = pids(hang)[0]
    resolver.ytdlp = str(make_script("yt-dlp-offline2", """\
        print("ERROR: [youtube:tab] @x: The channel is not currently live", file=sys.stderr)
        sys.exit(1)
        """))
    with qtbot.waitSignal(resolver.resolved, timeout=15_000) as blocker:
        resolver.resolve("https://youtu.be/second")
    assert gone(first)
    assert blocker.args[0].status is Status.NOT_LIVE
    assert resolver.source == "https://youtu.be/second"


def test_cancel_kills_and_stays_silent(qtbot, make_resolver, make_script):
    hang = make_script("yt-dlp-cancelled", "time.sleep(3600)\n")
    resolver = make_resolver(ytdlp=str(hang), timeout=0.3, attempts=3)
    resolver.resolve("https://youtu.be/x")
    wait_for_pid(qtbot, hang)
    resolver.cancel()
    assert gone(pids(hang)[0])
    assert not resolver.busy
    with qtbot.assertNotEmitted(resolver.failed, wait=800), \
            qtbot.assertNotEmitted(resolver.attempt_failed, wait=0), \
            qtbot.assertNotEmitted(resolver.resolved, wait=0):
        pass
    assert len(pids(hang)) == 1  # no retry was started after cancel()


def test_backoff_grows_with_jitter_and_a_cap(qtbot):
    class Middle(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return (a + b) / 2

    resolver = Resolver(rng=Middle(), backoff_base=2.0, backoff_cap=10.0)
    assert [resolver.backoff_delay(n) for n in (1, 2, 3, 4, 5)] == [2.0, 4.0, 8.0, 10.0, 10.0]
    jittered = Resolver(rng=random.Random(3), backoff_base=2.0)
    assert all(1.6 <= jittered.backoff_delay(1) <= 2.4 for _ in range(50))
