"""The ``supervise`` fixture: the real supervisor on the real kiosk, ended after the test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from supervised import Supervised, start_supervisor, stop_supervisor


@pytest.fixture
def supervise(tmp_path: Path) -> Iterator[Callable[..., Supervised]]:
    """``supervise(*args, windowed=True, **env)`` starts ``python -m kiosk --supervise``."""
    started: list[Supervised] = []

    def start(*args: str, windowed: bool = True, **env: str) -> Supervised:
        supervised = start_supervisor(tmp_path, args, windowed=windowed, env=env)
        started.append(supervised)
        return supervised

    yield start
    for supervised in started:
        stop_supervisor(supervised)
