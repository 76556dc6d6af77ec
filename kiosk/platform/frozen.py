"""A frozen bundle has no Python to run ``python -m …``: its own executable does the job.

The resolver runs its worker as ``sys.executable -m kiosk.resolver.worker …``. In a
PyInstaller bundle ``sys.executable`` is the kiosk itself, so the resolver runs
``<kiosk> --resolver-worker …`` instead, and ``kiosk.cli.main`` hands those arguments to the
worker before anything else (no Qt, no config). The supervisor's slate runs the same way:
``<kiosk> --slate …`` (``sys.executable -m kiosk --slate …`` from a checkout).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

WORKER_FLAG = "--resolver-worker"
WORKER_MODULE = ("-m", "kiosk.resolver.worker")


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def program() -> list[str]:
    """How to run this kiosk again: its executable when frozen, else this Python on it."""
    return [sys.executable] if is_frozen() else [sys.executable, "-m", "kiosk"]


def worker_command(module_arguments: Sequence[str]) -> tuple[str, list[str]]:
    """``(program, arguments)`` running the worker with this executable in worker mode.

    ``module_arguments`` are the ones given to a Python (``-m kiosk.resolver.worker URL …``).
    """
    args = list(module_arguments)
    if tuple(args[:2]) != WORKER_MODULE:
        raise ValueError(f"not worker arguments: {args[:2]!r}")
    return sys.executable, [WORKER_FLAG, *args[2:]]
