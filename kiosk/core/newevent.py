"""A new event from the setup's few answers: a commented config file of the host's own.

The file is the starter text below with the answers put in by the round-trip editor, so
it reads like one written by hand and the editor (or a text editor) can change it later.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from kiosk.core import atomic
from kiosk.core.config import Config
from kiosk.core.yamledit import Document

STARTER = """\
# The event the kiosk shows, made by its setup. Change it in the kiosk's event editor
# (the host's window: Edit event), or here with any text editor: the kiosk follows the
# file as it changes, and `watchparty-kiosk check` says what is wrong if anything is.
#
# Times are written in the EVENT's time zone (where the organisers are); the kiosk
# shows them in the hall's time zone. Durations are written like 45m, 1h30m or 20s.
schema_version: 1

event:
  title: My event
  timezone: UTC
  start: 2030-01-01 18:00
  end: "21:00"

venue:
  name: Our hall

# The hall's languages: the kiosk's words in the first; with two, the programme bar
# shows both.
languages: [en]

# The running order. Each item has a title and a start, a duration, or both.
programme: []

# Slides loop before the start, in breaks and when the stream is down.
slides:
  - title: Welcome
    text: The programme starts soon.
"""


@dataclass(frozen=True)
class Answers:
    """What the setup asks; texts by language code (the first is the plain one)."""

    title: Mapping[str, str]
    timezone: str
    day: date
    start: time
    end: time
    languages: tuple[str, ...] = ("en",)
    stream: str = ""
    feed: str = ""
    venue: str = ""
    venue_timezone: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


def document(answers: Answers, *, name: str = "event.yaml",
             base_dir: Path | None = None) -> Document:
    """The new config's document (not yet written)."""
    doc = Document(STARTER, name=name, base_dir=base_dir)
    doc = doc.with_value(("event", "title"), text_value(answers.title))
    doc = doc.with_value(("event", "timezone"), answers.timezone)
    doc = doc.with_value(("event", "start"),
                         f"{answers.day:%Y-%m-%d} {answers.start:%H:%M}")
    doc = doc.with_value(("event", "end"), f"{answers.end:%H:%M}")
    if answers.stream.strip():
        doc = doc.with_value(("event", "stream"), answers.stream.strip())
    if answers.venue.strip():
        doc = doc.with_value(("venue", "name"), answers.venue.strip())
    if answers.venue_timezone:
        doc = doc.with_value(("venue", "timezone"), answers.venue_timezone)
    doc = doc.with_value(("languages",), list(answers.languages or ("en",)))
    if answers.feed.strip():
        doc = doc.with_value(("feeds",), [{"url": answers.feed.strip()}])
    return doc


def text_value(texts: Mapping[str, str]) -> str | dict[str, str]:
    """One language's text as plain text; several as ``{be: …, en: …}``; blanks dropped."""
    given = {code: text.strip() for code, text in texts.items() if text.strip()}
    if len(given) == 1:
        return next(iter(given.values()))
    return given


def edited_text(existing: object, texts: Mapping[str, str], first: str) -> object:
    """A config text after the languages in ``texts`` were edited (a blank one taken out):
    every other language it had is kept. A plain text counts as the ``first`` language's and
    stays plain while that is all there is."""
    if isinstance(existing, Mapping):
        result = {str(code): value for code, value in existing.items()}
    elif existing is not None and str(existing).strip():
        result = {first: str(existing)}
    else:
        result = {}
    for code, text in texts.items():
        if text.strip():
            result[code] = text.strip()
        else:
            result.pop(code, None)
    if not result:
        return None
    if not isinstance(existing, Mapping) and set(result) <= {first}:
        return result[first]
    return result


def validate(path: Path, answers: Answers) -> Config:
    """The config the answers would make at ``path``; raises ConfigInvalid. Writes nothing."""
    return document(answers, name=str(path), base_dir=path.parent).check()


def create(path: Path, answers: Answers) -> Config:
    """Write the new event to ``path`` (atomically) once it passes ``check``; returns its
    config. Raises ConfigInvalid (nothing written), FileExistsError (an event is there:
    never overwritten; set it aside first) or OSError."""
    doc = document(answers, name=str(path), base_dir=path.parent)
    config = doc.check()
    if path.exists():
        raise FileExistsError(errno.EEXIST, "an event is already there", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, doc.text)
    return config
