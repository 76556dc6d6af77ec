"""The volunteers' remote, its pure part: who may pair, who is paired, who may connect.

Pairing, not passwords: the host's window shows a one-time six-digit code (in a QR code with
the address); a phone that sends it gets a session, a random token kept in a cookie. The
kiosk keeps only each token's SHA-256, so the settings file (and a diagnostics bundle that
would carry it) never holds a usable token. Wrong codes lock the sender out, ever longer,
and enough of them from anywhere renew the codes. A controller (a Stream Deck through
Bitfocus Companion) gets its own kind of token, made in the host's window and sent as a
bearer token; a phone's cookie is never taken as one, nor the reverse.

The remote listens on the hall's network only (private addresses, and the loopback) and
refuses a connection from any other source address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.core import atomic
from kiosk.core.actions import BUTTONS, DESCRIPTIONS, Action
from kiosk.core.config import Config
from kiosk.core.director import Health, Scene, State
from kiosk.core.i18n import Language
from kiosk.core.programme import Moment
from kiosk.core.view import HEALTH_WORDS, SCENE_NAMES, View

SETTINGS_FILE = "remote.json"
DEFAULT_PORT = 8765
CODE_DIGITS = 6
# A code shown in the host's window stays good this long, then a new one is shown.
CODE_LIFETIME = timedelta(minutes=10)
# Wrong codes from one address before it is locked out; the first lockout, and the longest
# (each further lockout of the same address doubles).
TRIES_PER_SOURCE = 5
FIRST_LOCKOUT = timedelta(seconds=60)
LONGEST_LOCKOUT = timedelta(minutes=15)
# Wrong codes from anywhere after which every code is replaced by a new one.
WRONG_BEFORE_RENEWAL = 10
# An address that sent no wrong code for this long starts again from a clean slate.
FORGIVE_AFTER = timedelta(hours=1)
# A phone's session lasts through the event day and the next; then it pairs again.
SESSION_LIFETIME = timedelta(days=2)
NAME_LENGTH = 40

# What a phone or a controller may not do: close the kiosk, move the host's window, open
# the help card or the TV's message editor (a message is typed on the phone instead).
NOT_REMOTE = frozenset({Action.QUIT, Action.OPERATOR, Action.HELP, Action.MESSAGE})
REMOTE_ACTIONS: tuple[Action, ...] = tuple(a for a, _ in BUTTONS if a not in NOT_REMOTE)
# How the remote page groups its buttons.
GROUPS: dict[Action, str] = {
    Action.AUTOMATIC: "scene", Action.LIVE: "scene", Action.SLIDES: "scene",
    Action.AWARDS: "scene", Action.COUNTDOWN: "scene", Action.BLACKOUT: "scene",
    Action.PREVIOUS_SLIDE: "slides", Action.NEXT_SLIDE: "slides", Action.REVEAL: "awards",
    Action.OVERLAY: "slides", Action.DELAY_MORE: "timing", Action.DELAY_LESS: "timing",
    Action.VOLUME_DOWN: "sound", Action.VOLUME_UP: "sound", Action.MUTE: "sound",
    Action.DIAGNOSTICS: "other",
}


class Kind(StrEnum):
    CONTROL = "control"  # a volunteer's phone: sees and acts
    OBSERVE = "observe"  # a speaker's second screen: sees only
    API = "api"  # a controller (Stream Deck, Companion): a bearer token


def digest(token: str) -> str:
    """What the kiosk keeps of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Paired:
    """One paired phone, screen or controller, as the host's window lists it."""

    id: str  # public: the first characters of the digest, for revoking
    kind: Kind
    name: str
    created: datetime
    hashed: str = field(repr=False)
    last_seen: datetime | None = None

    def expired(self, now: datetime) -> bool:
        # A controller's token lasts until the host revokes it; a phone's for two days.
        return self.kind is not Kind.API and now - self.created > SESSION_LIFETIME

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind.value, "name": self.name,
                "created": self.created.isoformat(), "sha256": self.hashed,
                "last_seen": self.last_seen.isoformat() if self.last_seen else None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Paired:
        seen = data.get("last_seen")
        return cls(id=str(data["id"]), kind=Kind(data["kind"]), name=str(data.get("name", "")),
                   created=datetime.fromisoformat(data["created"]),
                   hashed=str(data["sha256"]),
                   last_seen=datetime.fromisoformat(seen) if seen else None)


@dataclass(frozen=True)
class Settings:
    """The remote's settings, kept in the kiosk's config folder (hashes, never tokens)."""

    enabled: bool = False
    port: int = DEFAULT_PORT
    paired: tuple[Paired, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "port": self.port,
                "paired": [p.to_json() for p in self.paired]}


def load_settings(folder: Path) -> tuple[Settings, str]:
    """The settings in ``folder`` and a problem for the host ("" if none). A missing file
    is the defaults (the remote off); a broken one is the defaults too, and said."""
    path = folder / SETTINGS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings(), ""
    except (OSError, ValueError) as error:
        return Settings(), f"{path}: the remote's settings could not be read ({error}); " \
                           "the remote is off and phones must pair again"
    try:
        port = int(data.get("port", DEFAULT_PORT))
        if not 1024 <= port <= 65535:
            raise ValueError(f"port {port} is not between 1024 and 65535")
        paired = tuple(Paired.from_json(p) for p in data.get("paired", ()))
        return Settings(enabled=bool(data.get("enabled", False)), port=port,
                        paired=paired), ""
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return Settings(), f"{path}: the remote's settings are not valid ({error}); " \
                           "the remote is off and phones must pair again"


def save_settings(folder: Path, settings: Settings) -> str:
    """Write ``settings`` atomically; a problem for the host ("" if written)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic.write_text(folder / SETTINGS_FILE,
                          json.dumps(settings.to_json(), indent=1, ensure_ascii=False) + "\n")
    except OSError as error:
        return f"{folder / SETTINGS_FILE}: the remote's settings could not be saved ({error})"
    return ""


class Sessions:
    """The paired phones, screens and controllers; ``changed`` is called after each change
    with the new tuple (to be saved)."""

    def __init__(self, paired: Iterable[Paired] = (),
                 changed: Callable[[tuple[Paired, ...]], None] | None = None) -> None:
        self._by_digest = {p.hashed: p for p in paired}
        self._changed = changed

    def all(self) -> tuple[Paired, ...]:
        return tuple(sorted(self._by_digest.values(), key=lambda p: p.created))

    def new(self, kind: Kind, name: str, now: datetime) -> tuple[str, Paired]:
        """A new session of ``kind``: its token (given once, never kept) and its entry."""
        token = secrets.token_urlsafe(32)
        hashed = digest(token)
        clean = " ".join(name.split())[:NAME_LENGTH] or _default_name(kind, len(self._by_digest))
        entry = Paired(id=hashed[:10], kind=kind, name=clean, created=now, hashed=hashed)
        self._by_digest[hashed] = entry
        self._notify()
        return token, entry

    def check(self, token: str | None, kinds: Iterable[Kind], now: datetime) -> Paired | None:
        """The session ``token`` opens if it is one of ``kinds`` and not expired, else None."""
        if not token or len(token) > 200:
            return None
        entry = self._by_digest.get(digest(token))
        if entry is None or entry.kind not in set(kinds):
            return None
        if entry.expired(now):
            self.revoke(entry.id)
            return None
        return entry

    def live(self, now: datetime) -> frozenset[str]:
        """The digests of the sessions that are still good at ``now``."""
        return frozenset(h for h, entry in self._by_digest.items() if not entry.expired(now))

    def seen(self, entry: Paired, now: datetime) -> None:
        """Note that ``entry`` was used (kept for the host's list; not saved each time)."""
        if entry.hashed in self._by_digest:
            self._by_digest[entry.hashed] = replace(entry, last_seen=now)

    def revoke(self, entry_id: str) -> Paired | None:
        """End the session with public id ``entry_id``; the entry that ended, or None."""
        for hashed, entry in list(self._by_digest.items()):
            if entry.id == entry_id:
                del self._by_digest[hashed]
                self._notify()
                return entry
        return None

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed(self.all())


def _default_name(kind: Kind, count: int) -> str:
    return {Kind.CONTROL: "Phone", Kind.OBSERVE: "Screen", Kind.API: "Controller"}[kind] \
        + f" {count + 1}"


@dataclass(frozen=True)
class Refused:
    """Why a pairing code was not taken."""

    reason: str  # "wrong" or "locked"
    tries_left: int = 0
    retry_after: int = 0  # seconds


class Pairing:
    """The one-time codes the host's window shows, one per kind of pairing, and the
    lockout of addresses that send wrong ones."""

    def __init__(self, random: Callable[[int], int] = secrets.randbelow) -> None:
        self._random = random
        self._codes: dict[Kind, tuple[str, datetime]] = {}
        self._wrong: dict[str, int] = {}
        self._locked_until: dict[str, datetime] = {}
        self._lockouts: dict[str, int] = {}
        self._last_wrong: dict[str, datetime] = {}
        self._wrong_anywhere = 0
        self.generation = 0  # counts renewals, so the host's window knows to redraw

    def code(self, kind: Kind, now: datetime) -> str:
        """The code that pairs a ``kind`` now (a new one once the last expired or was used)."""
        held = self._codes.get(kind)
        if held is None or now - held[1] >= CODE_LIFETIME:
            held = self._new_code(kind, now)
        return held[0]

    def expires(self, kind: Kind, now: datetime) -> datetime:
        self.code(kind, now)
        return self._codes[kind][1] + CODE_LIFETIME

    def renew(self) -> None:
        """Forget every code: the next ``code`` call makes new ones."""
        self._codes.clear()
        self._wrong_anywhere = 0
        self.generation += 1

    def redeem(self, code: str, source: str, now: datetime) -> Kind | Refused:
        """The kind ``code`` pairs, used up; or why not."""
        until = self._locked_until.get(source)
        if until is not None and now < until:
            return Refused("locked", retry_after=max(1, int((until - now).total_seconds()) + 1))
        typed = "".join(c for c in str(code) if not c.isspace())[:CODE_DIGITS * 2]
        if not typed.isascii():  # a code is digits; compare_digest takes ASCII text only
            return self._wrong_code(source, now)
        for kind, (held, made) in list(self._codes.items()):
            if now - made < CODE_LIFETIME and hmac.compare_digest(typed, held):
                del self._codes[kind]
                self._wrong.pop(source, None)
                self.generation += 1
                return kind
        return self._wrong_code(source, now)

    def _wrong_code(self, source: str, now: datetime) -> Refused:
        last = self._last_wrong.get(source)
        if last is not None and now - last >= FORGIVE_AFTER:
            self._wrong.pop(source, None)
            self._lockouts.pop(source, None)
        self._last_wrong[source] = now
        wrong = self._wrong[source] = self._wrong.get(source, 0) + 1
        self._wrong_anywhere += 1
        if self._wrong_anywhere >= WRONG_BEFORE_RENEWAL:
            self.renew()
        if wrong < TRIES_PER_SOURCE:
            return Refused("wrong", tries_left=TRIES_PER_SOURCE - wrong)
        times = self._lockouts[source] = self._lockouts.get(source, 0) + 1
        lockout = min(LONGEST_LOCKOUT, FIRST_LOCKOUT * 2 ** (times - 1))
        self._locked_until[source] = now + lockout
        self._wrong[source] = 0
        return Refused("locked", retry_after=int(lockout.total_seconds()))

    def _new_code(self, kind: Kind, now: datetime) -> tuple[str, datetime]:
        taken = {c for c, _ in self._codes.values()}
        while True:
            code = f"{self._random(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
            if code not in taken:
                break
        self._codes[kind] = (code, now)
        self.generation += 1
        return self._codes[kind]


# ---------------------------------------------------------------------------- the state

@dataclass(frozen=True)
class Seen:
    """What the remote shows, gathered from the running kiosk on the GUI thread."""

    config: Config
    view: View
    moment: Moment
    state: State
    health: Health
    stream_status: str
    volume: int
    muted: bool
    reveal_left: int
    lang: Language


def snapshot(seen: Seen) -> dict[str, Any]:
    """The remote's state object (the page's and the controllers' ``GET /api/state``), in
    the kiosk's language; ``kind``, ``thumbnail`` and ``words`` are the server's to add."""
    lang, view, moment, state = seen.lang, seen.view, seen.moment, seen.state
    zone = seen.config.venue.timezone
    if view.scene is Scene.BLACKOUT:
        mode = "blackout"
    elif view.manual and state.hold is not None:
        mode = "manual"
    else:
        mode = "automatic"
    current, upcoming = moment.current, moment.next
    late = state.late + (seen.config.delay.by if seen.config.delay else timedelta(0))
    return {
        "title": lang.pick(seen.config.event.title),
        "language": lang.code,
        "mode": mode,
        "scene": view.scene.value,
        "scene_label": lang.gettext(SCENE_NAMES[view.scene]),
        "now": None if current is None else {
            "title": lang.pick(current.title), "until": lang.time(current.end, zone),
            "left_seconds": _seconds(moment.remaining)},
        "next": None if upcoming is None else {
            "title": lang.pick(upcoming.title), "at": lang.time(upcoming.start, zone),
            "in_seconds": _seconds(moment.until_next)},
        "countdown": None if moment.until_start is None else {
            "label": view.countdown.countdown_label if view.countdown else "",
            "seconds": _seconds(moment.until_start)},
        "stream": {"health": seen.health.value,
                   "text": " · ".join(t for t in (lang.gettext(HEALTH_WORDS[seen.health]),
                                                   lang.say(seen.stream_status)) if t)},
        "delay_minutes": int(late.total_seconds() // 60),
        "volume": seen.volume,
        "muted": seen.muted,
        "message": state.message,
        "reveal_left": seen.reveal_left,
        "actions": [{"name": a.value, "label": lang.gettext(label),
                     "hint": lang.gettext(DESCRIPTIONS[a]), "group": GROUPS[a]}
                    for a, label in BUTTONS if a in REMOTE_ACTIONS],
    }


def _seconds(left: timedelta | None) -> int:
    return 0 if left is None else max(0, int(left.total_seconds()))


# The seconds the page counts down by itself between two states.
TICKING = frozenset({"left_seconds", "in_seconds", "seconds"})


def changed_beyond_time(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """Whether ``after`` says more than ``before`` did than the seconds ticking down (the
    page counts those itself)."""
    if before is None:
        return True
    return _without_seconds(before) != _without_seconds(after)


def _without_seconds(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in ("now", "next", "countdown"):
        if isinstance(out.get(key), dict):
            out[key] = {k: v for k, v in out[key].items() if k not in TICKING}
    return out


# ---------------------------------------------------------------------------- the network

def allowed_source(address: str | None) -> bool:
    """Whether a connection from ``address`` is from the hall's network (or this PC)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return False
    return ip.is_loopback or ip.is_link_local or (ip.is_private and not ip.is_global)


def listen_addresses(addresses: Iterable[str]) -> tuple[str, ...]:
    """Of this computer's addresses, the ones the remote listens on: the private IPv4
    addresses of the hall's network (never a public one, never every address at once),
    and the loopback for the kiosk's own checks. Link-local addresses are left out: a
    phone cannot be sent to one in a QR code."""
    chosen: list[str] = []
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            continue
        if (isinstance(ip, ipaddress.IPv4Address) and ip.is_private and not ip.is_loopback
                and not ip.is_link_local and not ip.is_unspecified and str(ip) not in chosen):
            chosen.append(str(ip))
    return ("127.0.0.1", *chosen)


def phone_addresses(listening: Iterable[str]) -> tuple[str, ...]:
    """The addresses a phone in the hall can be sent to (not the loopback)."""
    return tuple(a for a in listening if not ipaddress.ip_address(a).is_loopback)


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """Whether a browser's ``Origin`` is the remote page's own (the address it was served
    from): a page on another site must not drive the hall through a volunteer's phone."""
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower() \
        and not parts.path.strip("/")


def pairing_url(address: str, port: int, code: str) -> str:
    """What the QR code holds: the page, with the code after ``#`` (a fragment is never sent
    to the server, so the code never reaches any log)."""
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}/#pair={code}"


def now_utc() -> datetime:
    return datetime.now(UTC)
