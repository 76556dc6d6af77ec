"""The stream watchdog, the backoff and the reconnect ladder, with time passed in."""

from __future__ import annotations

import random

import pytest

from kiosk.core.director import Health
from kiosk.core.health import Backoff, Recovery, Watchdog

FPS = 30
TICK = 1 / 60


class Feed:
    """Drives a watchdog the way the player's 60 Hz timer does."""

    def __init__(self, watchdog: Watchdog, now: float = 100.0) -> None:
        self.watchdog = watchdog
        self.now = now
        self.frames = 0
        watchdog.reset(now, self.frames)

    def run(self, seconds: float, *, fps: float = FPS, playing: bool = True) -> list[Health]:
        """``seconds`` of ticks with frames at ``fps``; the health after each tick."""
        seen = []
        end = self.now + seconds
        debt = 0.0
        while self.now < end - 1e-9:
            self.now += TICK
            debt += fps * TICK
            whole = int(debt)
            self.frames += whole
            debt -= whole
            seen.append(self.watchdog.update(self.now, self.frames, playing))
        return seen

    def first(self, health: Health, seconds: float, **kwargs) -> float | None:
        """Seconds until ``health`` first shows within the next ``seconds`` (None: never)."""
        for i, seen in enumerate(self.run(seconds, **kwargs)):
            if seen is health:
                return (i + 1) * TICK
        return None


# ------------------------------------------------------------------ watchdog


def test_a_fresh_watchdog_is_starting():
    watchdog = Watchdog()
    assert watchdog.health is Health.STARTING
    assert watchdog.update(5.0, 0, False) is Health.STARTING
    assert watchdog.last_frame_at is None


def test_steady_frames_make_it_playing_after_about_a_second():
    feed = Feed(Watchdog())
    when = feed.first(Health.PLAYING, 3.0)
    assert when is not None
    assert 1.0 <= when <= 1.2


def test_a_short_burst_of_frames_is_not_playing():
    feed = Feed(Watchdog())
    assert Health.PLAYING not in feed.run(0.5)  # 15 frames in half a second
    assert Health.PLAYING not in feed.run(1.2, fps=0)  # a gap over max_gap breaks the run
    assert Health.PLAYING not in feed.run(0.5)
    assert Health.PLAYING in feed.run(1.0)


def test_too_few_frames_over_a_second_is_not_playing():
    feed = Feed(Watchdog(steady_frames=10))
    assert Health.PLAYING not in feed.run(2.0, fps=4)  # 8 frames in 2 s
    feed = Feed(Watchdog(steady_frames=10))
    assert Health.PLAYING in feed.run(3.0, fps=4)  # 12 frames over 3 s is steady


def test_no_new_frame_for_stall_after_is_stalled():
    feed = Feed(Watchdog(stall_after=3.0))
    feed.run(2.0)
    assert feed.watchdog.health is Health.PLAYING
    when = feed.first(Health.STALLED, 5.0, fps=0)
    assert when is not None
    assert 2.9 <= when <= 3.1


def test_stall_after_is_configurable():
    feed = Feed(Watchdog(stall_after=1.5))
    feed.run(2.0)
    when = feed.first(Health.STALLED, 5.0, fps=0)
    assert when is not None
    assert 1.4 <= when <= 1.6


def test_a_hiccup_shorter_than_stall_after_keeps_playing():
    feed = Feed(Watchdog(stall_after=3.0))
    feed.run(2.0)
    assert set(feed.run(2.0, fps=0)) == {Health.PLAYING}
    assert set(feed.run(2.0)) == {Health.PLAYING}


def test_playing_but_no_frames_is_stalled():
    """A hung server: libVLC says Playing and nothing arrives."""
    feed = Feed(Watchdog(stall_after=3.0, start_timeout=30.0))
    when = feed.first(Health.STALLED, 10.0, fps=0, playing=True)
    assert when is not None
    assert 2.9 <= when <= 3.1


def test_nothing_at_all_is_stalled_after_the_start_timeout():
    """Still opening (no Playing, no frame): only the start timeout catches it."""
    feed = Feed(Watchdog(stall_after=3.0, start_timeout=8.0))
    when = feed.first(Health.STALLED, 20.0, fps=0, playing=False)
    assert when is not None
    assert 7.9 <= when <= 8.1


def test_frames_count_even_when_libvlc_never_said_playing():
    feed = Feed(Watchdog())
    assert Health.PLAYING in feed.run(2.0, playing=False)


def test_frames_stopping_stall_whatever_libvlc_says():
    for playing in (True, False):
        feed = Feed(Watchdog(stall_after=3.0))
        feed.run(2.0)
        assert feed.first(Health.STALLED, 4.0, fps=0, playing=playing) is not None


def test_after_a_stall_steady_frames_make_it_playing_again():
    feed = Feed(Watchdog())
    feed.run(2.0)
    feed.run(4.0, fps=0)
    assert feed.watchdog.health is Health.STALLED
    seen = feed.run(0.5)
    assert Health.PLAYING not in seen  # not yet steady
    assert seen[-1] is Health.STARTING
    assert Health.PLAYING in feed.run(1.0)


def test_reset_starts_a_new_attempt():
    feed = Feed(Watchdog())
    feed.run(2.0)
    feed.watchdog.reset(feed.now, feed.frames)
    assert feed.watchdog.health is Health.STARTING
    assert feed.watchdog.last_frame_at is None
    assert feed.watchdog.started_at == feed.now
    # Frames counted before the reset do not count.
    assert feed.watchdog.update(feed.now + 0.01, feed.frames, True) is Health.STARTING


def test_a_counter_going_backwards_is_a_new_baseline():
    watchdog = Watchdog()
    watchdog.reset(0.0, 500)
    assert watchdog.update(0.1, 3, True) is Health.STARTING
    assert watchdog.last_frame_at is None
    assert watchdog.update(0.2, 5, True) is Health.STARTING
    assert watchdog.last_frame_at == 0.2


def test_a_slow_poll_still_sees_steady_frames():
    """Polled once a second (the documented slowest), 30 fps is still steady."""
    watchdog = Watchdog()
    watchdog.reset(0.0)
    healths = [watchdog.update(float(t), 30 * t, True) for t in range(1, 5)]
    assert healths[-1] is Health.PLAYING


def test_update_without_reset_starts_at_the_first_update():
    watchdog = Watchdog(start_timeout=5.0)
    assert watchdog.update(50.0, 7, False) is Health.STARTING
    assert watchdog.started_at == 50.0
    assert watchdog.update(54.0, 7, False) is Health.STARTING
    assert watchdog.update(55.0, 7, False) is Health.STALLED


@pytest.mark.parametrize("kwargs", [{"stall_after": 0}, {"start_timeout": -1},
                                    {"steady_frames": 0}, {"steady_for": 0}, {"max_gap": 0}])
def test_watchdog_rejects_nonsense(kwargs):
    with pytest.raises(ValueError):
        Watchdog(**kwargs)


# ------------------------------------------------------------------ backoff


def test_decorrelated_backoff_grows_within_bounds():
    backoff = Backoff(1.0, 30.0, rng=random.Random(7))
    delays = [backoff.next_delay() for _ in range(40)]
    assert all(1.0 <= d <= 30.0 for d in delays)
    assert max(delays[:3]) <= 27.0  # at most 3x per step from 1 s
    assert max(delays) > 10.0  # it does grow
    assert backoff.attempts == 40


def test_decorrelated_backoff_is_capped():
    backoff = Backoff(1.0, 5.0, rng=random.Random(1))
    assert all(d <= 5.0 for d in (backoff.next_delay() for _ in range(100)))


def test_full_jitter_backoff_stays_under_the_exponential_ceiling():
    backoff = Backoff(1.0, 30.0, rng=random.Random(3), jitter="full")
    for n in range(80):  # well past 2**64, without overflow
        assert 0.0 <= backoff.next_delay() <= min(30.0, 2.0 ** n)


def test_backoff_is_reproducible_with_a_seeded_rng():
    a = Backoff(rng=random.Random(42))
    b = Backoff(rng=random.Random(42))
    assert [a.next_delay() for _ in range(10)] == [b.next_delay() for _ in range(10)]


def test_backoff_reset_starts_again_from_the_base():
    backoff = Backoff(1.0, 30.0, rng=random.Random(5))
    for _ in range(20):
        backoff.next_delay()
    backoff.reset()
    assert backoff.attempts == 0
    assert backoff.next_delay() <= 3.0


@pytest.mark.parametrize(("base", "cap", "jitter"), [(0, 1, "full"), (2, 1, "full"),
                                                     (1, 2, "linear")])
def test_backoff_rejects_nonsense(base, cap, jitter):
    with pytest.raises(ValueError):
        Backoff(base, cap, jitter=jitter)


# ------------------------------------------------------------------ recovery


def make_recovery(**kwargs) -> Recovery:
    return Recovery(Backoff(1.0, 30.0, rng=random.Random(0)), **kwargs)


def test_outside_an_outage_recovery_says_nothing():
    recovery = make_recovery()
    assert recovery.health(10.0) is None
    assert not recovery.in_outage


def test_failures_reconnect_then_go_offline_after_a_long_outage():
    recovery = make_recovery(offline_after=60.0)
    recovery.failed(100.0, since=97.0)
    assert recovery.outage_since == 97.0
    assert recovery.health(120.0) is Health.RECONNECTING
    recovery.failed(130.0, since=97.0)
    assert recovery.health(156.9) is Health.RECONNECTING
    assert recovery.health(157.0) is Health.OFFLINE


def test_an_attempt_that_never_played_counts_from_its_failure():
    recovery = make_recovery()
    recovery.failed(10.0)
    assert recovery.outage_since == 10.0


def test_the_source_is_declared_expired_every_fresh_retries_failures():
    recovery = make_recovery(fresh_retries=2)
    retries = [recovery.failed(float(t)) for t in range(6)]
    assert [r.source_expired for r in retries] == [False, True, False, True, False, True]
    assert [r.failures for r in retries] == [1, 2, 3, 4, 5, 6]


def test_a_new_source_gets_its_own_fresh_retries_but_the_outage_goes_on():
    recovery = make_recovery(fresh_retries=2)
    recovery.failed(1.0)
    recovery.begin()  # re-resolved
    assert not recovery.failed(2.0).source_expired
    assert recovery.failed(3.0).source_expired
    assert recovery.outage_since == 1.0


def test_delays_come_from_the_backoff_and_success_resets_it():
    recovery = make_recovery()
    delays = [recovery.failed(float(t)).delay for t in range(8)]
    assert all(1.0 <= d <= 30.0 for d in delays)
    assert recovery.backoff.attempts == 8
    recovery.succeeded()
    assert recovery.backoff.attempts == 0
    assert recovery.health(50.0) is None
    assert recovery.failed(60.0).failures == 1


def test_recovery_rejects_nonsense():
    with pytest.raises(ValueError):
        Recovery(fresh_retries=0)
    with pytest.raises(ValueError):
        Recovery(offline_after=0)


def test_asking_for_the_address_again_waits_expire_every_while_retries_go_on():
    recovery = make_recovery(fresh_retries=2, expire_every=30.0)
    times = [0.0, 4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0, 36.0]
    expired = [t for t in times if recovery.failed(t).source_expired]
    assert expired == [4.0, 36.0]  # the second failure, then not within 30 s of it
    recovery.succeeded()
    assert [recovery.failed(t).source_expired for t in (40.0, 41.0)] == [False, True]

