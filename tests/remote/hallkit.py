"""What the remote's tests share: a fixed clock on the built-in event's day, a free port of
the loopback, and a hall (a kiosk with its remote) with an HTTP client that talks to it as
a phone would."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from kiosk.app import Kiosk
from kiosk.core.remote import Kind
from kiosk.remote.service import Remote

MSK = timedelta(hours=3)


class Clock:
    def __init__(self, hhmm: str) -> None:
        self.now = datetime.fromisoformat(f"2021-02-06T{hhmm}").replace(tzinfo=UTC) - MSK

    def __call__(self) -> datetime:
        return self.now


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Hall:
    """The kiosk, its remote, and where to reach it."""

    def __init__(self, kiosk: Kiosk, remote: Remote, folder: Path, log_path: Path) -> None:
        self.kiosk, self.remote, self.folder, self.log_path = kiosk, remote, folder, log_path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.remote.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def phone(self) -> requests.Session:
        """A browser that has not paired."""
        session = requests.Session()
        session.headers["Origin"] = self.base
        return session

    def paired(self, kind: Kind = Kind.CONTROL, name: str = "Door") -> requests.Session:
        phone = self.phone()
        answer = phone.post(self.url("/api/pair"), json={"code": self.remote.code(kind),
                                                         "name": name}, timeout=5)
        assert answer.status_code == 200, answer.text
        return phone

    def events(self, kind: str) -> list[dict]:
        lines = self.log_path.read_text(encoding="utf-8").splitlines()
        return [r for r in map(json.loads, lines) if r.get("event") == kind]


