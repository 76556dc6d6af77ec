"""The config's shape, declared once: it validates YAML nodes and emits the JSON Schema.

Values are read from the YAML node tree (not from ``yaml.safe_load``'s output) so that every
problem can name its line and column, and so that YAML 1.1 surprises cannot reach the kiosk:
``18:30`` stays a time (YAML would read it as the base-60 integer 1110) and ``no`` stays text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

from kiosk.core.errors import ConfigError
from kiosk.core.i18n import KNOWN, Translated, canonical
from kiosk.core.keynames import normalise_key

Node = yaml.Node
Marks = dict[str, tuple[int, int]]

_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_NULL_TAG = "tag:yaml.org,2002:null"
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$", re.I)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$")


class Invalid(Exception):
    """A value that does not fit its type; the validator adds the location."""


class Missing(Invalid):
    """A file the config names is not there. Fatal for ``check``; for a running kiosk
    (``Context.lenient``) only a warning: an unplugged stick must not cost the event."""

    def __init__(self, message: str, *, keep: object = None) -> None:
        super().__init__(message)
        self.keep = keep  # what a lenient load uses instead (None: leave the key out)


@dataclass
class Context:
    """What a validation pass needs to know and what it collects."""

    file: str
    base_dir: Path | None
    errors: list[ConfigError] = field(default_factory=list)
    marks: Marks = field(default_factory=dict)
    lenient: bool = False
    warnings: list[str] = field(default_factory=list)

    def error(self, node: Node, path: str, message: str) -> None:
        mark = node.start_mark
        self.errors.append(ConfigError(self.file, mark.line + 1, mark.column + 1, path, message))

    def path(self, text: str) -> Path:
        """A file path as the config wrote it: ``~`` expanded, relative to the config's folder."""
        found = Path(text).expanduser()
        if not found.is_absolute() and self.base_dir is not None:
            found = self.base_dir / found
        return found

    def mark(self, path: str, node: Node) -> None:
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)


def _describe(node: Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG and not node.style:
        return "nothing"
    return repr(node.value)


def _scalar_text(node: Node) -> str:
    # A plain (unquoted) scalar has style None from the Python parser, "" from libyaml's.
    if not isinstance(node, yaml.ScalarNode):
        raise Invalid(f"expected text, got {_describe(node)}")
    if node.tag == _NULL_TAG and not node.style:
        raise Invalid("expected a value, got nothing")
    return str(node.value)


class Type:
    """A value type: converts a node or raises Invalid; describes itself in JSON Schema."""

    expected: str = "a value"

    def convert(self, node: Node, ctx: Context, path: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


class Text(Type):
    """Text; with ``languages``, also a mapping of language codes to texts (``{be: …, en: …}``),
    read as a ``Translated`` whose plain value is the first one given."""

    expected = "text"

    def __init__(self, *, nonempty: bool = True, max_length: int | None = None,
                 languages: bool = False) -> None:
        self.nonempty = nonempty
        self.max_length = max_length
        self.languages = languages
        if languages:
            self.expected = "text, or language codes with a text each"

    def convert(self, node: Node, ctx: Context, path: str) -> str:
        if self.languages and isinstance(node, yaml.MappingNode):
            return cast(str, self._by_language(node, ctx, path))
        text = _scalar_text(node).strip()
        if self.nonempty and not text:
            raise Invalid("expected text, got an empty string")
        if self.max_length is not None and len(text) > self.max_length:
            raise Invalid(f"is {len(text)} characters long; at most {self.max_length} fit")
        return text

    def _by_language(self, node: yaml.MappingNode, ctx: Context, path: str) -> Any:
        if not node.value:
            raise Invalid(f"expected a text, or language codes with a text each "
                          f"({', '.join(KNOWN)}), got an empty mapping")
        one = Text(nonempty=self.nonempty, max_length=self.max_length)
        texts: dict[str, str] = {}
        failed = False
        for key_node, value_node in node.value:
            written = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            code = canonical(written)
            child = f"{path}.{written}"
            if code is None:
                hint = _nearest(written, list(KNOWN))
                ctx.error(key_node, child, f"unknown language {written!r}{hint}; "
                                           f"known: {', '.join(KNOWN)}")
                failed = True
                continue
            if code in texts:
                ctx.error(key_node, child, f"{code!r} is given twice")
                failed = True
                continue
            ctx.mark(child, value_node)
            value = convert_node(one, value_node, ctx, child)
            if value is _MISSING:
                failed = True
            else:
                texts[code] = value
        if failed:
            return _MISSING
        return Translated(next(iter(texts.values())), texts)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.nonempty:
            schema["minLength"] = 1
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.languages:
            by_language = {
                "type": "object",
                "description": "The text in each language (the first one given is the "
                               "fallback for the others).",
                "propertyNames": {"enum": list(KNOWN)},
                "additionalProperties": dict(schema),
                "minProperties": 1,
            }
            return {"oneOf": [schema, by_language]}
        return schema


class LanguageCode(Type):
    """A language the kiosk speaks: be, be-Latn, ru, uk, en, pl, lt or de."""

    expected = f"language codes ({', '.join(KNOWN)})"

    def convert(self, node: Node, ctx: Context, path: str) -> str:
        text = _scalar_text(node).strip()
        code = canonical(text)
        if code is None:
            raise Invalid(f"unknown language {text!r}{_nearest(text, list(KNOWN))}; "
                          f"known: {', '.join(KNOWN)}")
        return code

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(KNOWN)}


class Boolean(Type):
    expected = "true or false"

    def convert(self, node: Node, ctx: Context, path: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL_TAG:
            return bool(yaml.SafeLoader.bool_values[node.value.lower()])
        if isinstance(node, yaml.ScalarNode) and node.value.lower() in ("true", "false"):
            raise Invalid(f"expected true or false without quotes, got {_describe(node)}")
        raise Invalid(f"expected true or false, got {_describe(node)}")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Integer(Type):
    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.expected = f"a whole number from {minimum} to {maximum}"

    def convert(self, node: Node, ctx: Context, path: str) -> int:
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT_TAG:
            try:
                value = int(node.value.replace("_", ""), 10)
            except ValueError:
                value = None
            if value is not None and self.minimum <= value <= self.maximum:
                return value
        raise Invalid(f"expected {self.expected}, got {_describe(node)}")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


class Choice(Type):
    def __init__(self, choices: Sequence[str]) -> None:
        self.choices = tuple(choices)
        self.expected = "one of " + ", ".join(self.choices)

    def convert(self, node: Node, ctx: Context, path: str) -> str:
        text = _scalar_text(node).strip()
        if text in self.choices:
            return text
        hint = _nearest(text, self.choices)
        raise Invalid(f"expected {self.expected}, got {text!r}{hint}")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


class Duration(Type):
    expected = "a duration like 45m, 1h30m or 20s"

    def __init__(self, *, minimum: timedelta = timedelta(seconds=1),
                 maximum: timedelta = timedelta(days=7)) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def convert(self, node: Node, ctx: Context, path: str) -> timedelta:
        text = _scalar_text(node)
        match = _DURATION.match(text)
        if not text.strip() or not match or not any(match.groups()):
            raise Invalid(f"expected {self.expected}, got {text!r}")
        hours, minutes, seconds = (int(g or 0) for g in match.groups())
        try:
            value = timedelta(hours=hours, minutes=minutes, seconds=seconds)
        except OverflowError:
            value = self.maximum + timedelta(seconds=1)
        if value > self.maximum:
            raise Invalid(f"must be at most {format_duration(self.maximum)}, got {text!r}")
        if value < self.minimum:
            raise Invalid(f"must be at least {format_duration(self.minimum)}, got {text!r}")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*(\d+\s*s)?\s*$"}


class TimeZone(Type):
    expected = "an IANA time zone such as Europe/Moscow"

    def convert(self, node: Node, ctx: Context, path: str) -> ZoneInfo:
        return self.zone(_scalar_text(node).strip())

    def zone(self, text: str) -> ZoneInfo:
        """The zone named ``text``; raises Invalid with the nearest real name as a hint."""
        try:
            if "/" in text or text == "UTC":
                return ZoneInfo(text)
        # A folder of zones (America/Argentina), a bad path or an unreadable file: all mean
        # "not a time zone" to a host.
        except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeDecodeError):
            pass
        hint = _nearest(text, sorted(available_timezones()))
        raise Invalid(f"unknown time zone {text!r}{hint}; expected {self.expected}")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^([A-Za-z_]+(/[A-Za-z0-9_+\-]+)+|UTC)$"}


class When(Type):
    """A wall-clock time (18:30) or a date and time (2021-02-06 18:30), in the event's zone.

    A zone may follow (``18:30 Europe/Vilnius``, ``2021-02-06 16:30 UTC``): organisers in
    another country can then write their own clock time. The value then carries that zone as
    its ``tzinfo``.
    """

    def __init__(self, *, allow_time: bool = True) -> None:
        self.allow_time = allow_time
        self.expected = (
            "a time like 18:30 or a date and time like 2021-02-06 18:30"
            if allow_time
            else "a date and time like 2021-02-06 18:30"
        )

    def convert(self, node: Node, ctx: Context, path: str) -> datetime | time:
        text = _scalar_text(node).strip()
        rest, _, last = text.rpartition(" ")
        if rest.strip() and last[:1].isalpha():
            # "18:30 Europe/Vilnius": the last word names a zone (a time starts with a digit).
            return self._value(rest.strip()).replace(tzinfo=TimeZone().zone(last))
        return self._value(text)

    def _value(self, text: str) -> datetime | time:
        match = _DATETIME.match(text)
        try:
            if match:
                y, mo, d, h, mi, s = (int(g or 0) for g in match.groups())
                if not 1970 <= y <= 2200:
                    raise Invalid(f"{text!r}: the year must be between 1970 and 2200")
                return datetime(y, mo, d, h, mi, s)
            match = _TIME.match(text)
            if match and self.allow_time:
                h, mi, s = (int(g or 0) for g in match.groups())
                return time(h, mi, s)
        except ValueError as exc:
            raise Invalid(f"{text!r} is not a real date or time ({exc})") from None
        raise Invalid(f"expected {self.expected}, got {text!r}")

    def json_schema(self) -> dict[str, Any]:
        pattern = r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2})?( \S+)?$"
        if self.allow_time:
            pattern = r"^(\d{4}-\d{2}-\d{2}[T ])?\d{1,2}:\d{2}(:\d{2})?( \S+)?$"
        return {"type": "string", "pattern": pattern}


class Url(Type):
    expected = "an http(s) address"

    def convert(self, node: Node, ctx: Context, path: str) -> str:
        text = _scalar_text(node).strip()
        parsed = urlparse(text)
        if parsed.scheme in ("http", "https") and parsed.netloc:
            return text
        raise Invalid(f"expected {self.expected}, got {text!r}")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^https?://"}


_COLOUR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class Colour(Type):
    """An sRGB colour as ``"#c8313e"`` (or ``"#c33"``); returned as ``#rrggbb``, lower case."""

    expected = 'a colour like "#c8313e", in quotes'

    def convert(self, node: Node, ctx: Context, path: str) -> str:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG and not node.style:
            # `accent: #c8313e` unquoted: YAML reads everything from # on as a comment.
            raise Invalid(f"expected {self.expected}, got nothing (without quotes YAML reads "
                          "# as the start of a comment)")
        text = _scalar_text(node).strip()
        if not _COLOUR.match(text):
            raise Invalid(f"expected {self.expected}, got {text!r}")
        digits = text[1:].lower()
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return "#" + digits

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _COLOUR.pattern}


class Percent(Type):
    """A share such as ``5%`` (or the number 5), returned as a fraction (0.05)."""

    def __init__(self, minimum: float, maximum: float) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.expected = f"a percentage from {minimum:g}% to {maximum:g}%, like 5%"

    def convert(self, node: Node, ctx: Context, path: str) -> float:
        text = _scalar_text(node).strip()
        number = text[:-1].strip() if text.endswith("%") else text
        try:
            value = float(number)
        except ValueError:
            raise Invalid(f"expected {self.expected}, got {text!r}") from None
        if not self.minimum <= value <= self.maximum:
            raise Invalid(f"expected {self.expected}, got {text!r}")
        return value / 100

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [
            {"type": "number", "minimum": self.minimum, "maximum": self.maximum},
            {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"},
        ]}


class Source(Type):
    """Where the stream comes from: a URL of any scheme libVLC knows, or a file path."""

    expected = "a URL (https://…) or the path of a video file"

    def convert(self, node: Node, ctx: Context, path: str) -> str:
        text = _scalar_text(node).strip()
        if "://" in text:
            return text
        local = ctx.path(text)
        if not local.is_file():
            raise Missing(f"no video file at {str(local)!r}; expected {self.expected}",
                          keep=str(local))
        return str(local)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


class ImageFile(Type):
    """A local image file, or an http(s) address of one (downloaded and cached by the kiosk;
    returned as the address string)."""

    expected = "the path of a PNG, JPEG or SVG image, or its https:// address"
    suffixes = (".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif", ".bmp")

    def convert(self, node: Node, ctx: Context, path: str) -> Path | str:
        text = _scalar_text(node).strip()
        if text.lower().startswith(("http://", "https://")):
            return Url().convert(node, ctx, path)
        if ctx.base_dir is None:
            # A document from the web (a feed) has no folder: it may not name this
            # computer's files.
            raise Invalid(f"expected a picture's https:// address, got {text!r}")
        image = ctx.path(text)
        if image.suffix.lower() not in self.suffixes:
            raise Invalid(f"{text!r} is not {self.expected}")
        if not image.is_file():
            raise Missing(f"image not found: {str(image)!r}", keep=image)
        return image

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


class ExistingFile(Type):
    """A file that must exist (a cookies file, a yt-dlp executable), relative to the config."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.expected = f"the path of {what}"

    def convert(self, node: Node, ctx: Context, path: str) -> Path:
        text = _scalar_text(node).strip()
        found = ctx.path(text)
        if not found.is_file():
            raise Missing(f"{self.what} not found: {str(found)!r}")
        return found

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


class KeyName(Type):
    expected = "a key such as B, PgDown, F5, Ctrl+Shift+Q or ."

    def convert(self, node: Node, ctx: Context, path: str) -> str:
        text = _scalar_text(node).strip() if isinstance(node, yaml.ScalarNode) else ""
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT_TAG:
            text = str(node.value)
        try:
            return normalise_key(text)
        except ValueError as exc:
            raise Invalid(f"{exc}; expected {self.expected}") from None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


class ListOf(Type):
    def __init__(self, item: Type, *, min_items: int = 0, one_or_many: bool = False) -> None:
        self.item = item
        self.min_items = min_items
        self.one_or_many = one_or_many
        self.expected = f"a list of {item.expected}"

    def convert(self, node: Node, ctx: Context, path: str) -> tuple[Any, ...]:
        if self.one_or_many and isinstance(node, yaml.ScalarNode):
            nodes = [node]
        elif isinstance(node, yaml.SequenceNode):
            nodes = list(node.value)
        else:
            raise Invalid(f"expected {self.expected}, got {_describe(node)}")
        if len(nodes) < self.min_items:
            plural = "entry" if self.min_items == 1 else "entries"
            raise Invalid(f"needs at least {self.min_items} {plural}")
        values = []
        for i, child in enumerate(nodes):
            child_path = f"{path}[{i}]"
            ctx.mark(child_path, child)
            value = convert_node(self.item, child, ctx, child_path)
            if value is not _MISSING:
                values.append(value)
        return tuple(values)

    def json_schema(self) -> dict[str, Any]:
        array: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            array["minItems"] = self.min_items
        if self.one_or_many:
            return {"anyOf": [self.item.json_schema(), array]}
        return array


@dataclass(frozen=True)
class Field:
    name: str
    type: Type
    doc: str
    required: bool = False


class Record(Type):
    """A mapping with known keys. ``check`` adds rules across fields."""

    def __init__(
        self,
        name: str,
        fields: Sequence[Field],
        *,
        doc: str = "",
        check: Callable[[dict[str, Any]], str | None] | None = None,
        one_of: Sequence[Sequence[str]] = (),
    ) -> None:
        self.name = name
        self.fields = {f.name: f for f in fields}
        self.doc = doc
        self.check = check
        self.one_of = tuple(tuple(group) for group in one_of)
        self.expected = f"a mapping ({name})"

    def convert(self, node: Node, ctx: Context, path: str) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise Invalid(f"expected {self.expected} with keys {', '.join(self.fields)}, "
                          f"got {_describe(node)}")
        values: dict[str, Any] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                ctx.error(key_node, path, f"a key must be text, got {_describe(key_node)}")
                continue
            key = str(key_node.value)
            child_path = f"{path}.{key}" if path else key
            spec = self.fields.get(key)
            if spec is None:
                hint = _nearest(key, list(self.fields))
                ctx.error(key_node, child_path, f"unknown key {key!r}{hint}")
                suggested.update(f for f in self.fields if f"{f!r}" in hint)
                continue
            if key in values:
                ctx.error(key_node, child_path, f"{key!r} is given twice")
                continue
            ctx.mark(child_path, value_node)
            value = convert_node(spec.type, value_node, ctx, child_path)
            values[key] = value
        for spec in self.fields.values():
            # A misspelt key was already reported with this name as the suggestion.
            if spec.required and spec.name not in values and spec.name not in suggested:
                ctx.error(node, path or "(top level)", f"missing required key {spec.name!r}")
        for group in self.one_of:
            present = [k for k in group if k in values]
            if len(present) != 1:
                keys = ", ".join(group)
                got = ", ".join(present) if present else "none"
                ctx.error(node, path, f"needs exactly one of {keys} (got {got})")
        if self.check is not None and all(v is not _MISSING for v in values.values()):
            problem = self.check(values)
            if problem:
                ctx.error(node, path, problem)
        return {k: v for k, v in values.items() if v is not _MISSING}

    def json_schema(self) -> dict[str, Any]:
        props = {}
        for spec in self.fields.values():
            sub = dict(spec.type.json_schema())
            sub["description"] = spec.doc
            props[spec.name] = sub
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": props,
        }
        if self.doc:
            schema["description"] = self.doc
        required = [s.name for s in self.fields.values() if s.required]
        if required:
            schema["required"] = required
        if self.one_of:
            schema["allOf"] = [
                {"oneOf": [{"required": [k]} for k in group]} for group in self.one_of
            ]
        return schema


class KeyTable(Type):
    """Action name → one key or a list of keys."""

    def __init__(self, actions: Sequence[str]) -> None:
        self.actions = tuple(actions)
        self.keys = ListOf(KeyName(), one_or_many=True)
        self.expected = "a mapping of action names to keys"

    def convert(self, node: Node, ctx: Context, path: str) -> dict[str, tuple[str, ...]]:
        if not isinstance(node, yaml.MappingNode):
            raise Invalid(f"expected {self.expected}, got {_describe(node)}")
        table: dict[str, tuple[str, ...]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                ctx.error(key_node, path, f"an action name must be text, got {_describe(key_node)}")
                continue
            action = str(key_node.value)
            child_path = f"{path}.{action}"
            if action in table:
                ctx.error(key_node, child_path, f"{action!r} is given twice")
                continue
            if action not in self.actions:
                ctx.error(key_node, child_path,
                          f"unknown action {action!r}{_nearest(action, self.actions)}")
                continue
            ctx.mark(child_path, value_node)
            keys = convert_node(self.keys, value_node, ctx, child_path)
            if keys is not _MISSING:
                table[action] = keys
        return table

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {a: self.keys.json_schema() for a in self.actions},
        }


_MISSING: Any = object()


def convert_node(kind: Type, node: Node, ctx: Context, path: str) -> Any:
    """Convert one node; on failure record the error and return the _MISSING marker."""
    try:
        return kind.convert(node, ctx, path)
    except Missing as exc:
        if not ctx.lenient:
            ctx.error(node, path, str(exc))
            return _MISSING
        mark = node.start_mark
        ctx.warnings.append(f"{ctx.file}:{mark.line + 1}:{mark.column + 1}: {path}: {exc}"
                            + ("; shown without it" if exc.keep is not None else "; ignored"))
        return exc.keep if exc.keep is not None else _MISSING
    except Invalid as exc:
        ctx.error(node, path, str(exc))
        return _MISSING


def is_missing(value: Any) -> bool:
    return value is _MISSING


def _nearest(word: str, choices: Sequence[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return f" (did you mean {lowered[word.lower()]!r}?)"
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return f" (did you mean {close[0]!r}?)" if close else ""


def format_duration(value: timedelta) -> str:
    """1h30m, 45m, 20s: the config's own spelling."""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "",
             f"{seconds}s" if seconds else ""]
    return "".join(parts) or "0s"
