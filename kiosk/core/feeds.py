"""Organisers' feeds: validate a YAML/JSON feed document and merge it over the local config.

A feed has the shape of the config's own ``programme``, ``delay``, ``awards`` and ``slides``
sections (the very same declared fields) plus ``announcement``. Everything here is pure:
fetching, caching and showing a feed belong to later layers (issue 5).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from kiosk.core.config import (
    SCHEMA,
    Award,
    Config,
    _award,
    _items,
    _place,
    _slide,
    award_key,
    compose,
    read_document,
)
from kiosk.core.errors import ConfigError, ConfigInvalid
from kiosk.core.programme import Delay, Programme
from kiosk.core.schema import (
    Context,
    Field,
    Integer,
    Record,
    Text,
    convert_node,
    is_missing,
)

ANNOUNCEMENT = Field(
    "announcement",
    Text(nonempty=False, max_length=300, languages=True),
    "A short notice from the organisers for the host and the hall (plain text, not markup). "
    'An empty string ("") shows none; leaving the key out leaves the config\'s own.',
)

FEED_SCHEMA = Record(
    "feed",
    [
        SCHEMA.fields["programme"],
        SCHEMA.fields["delay"],
        SCHEMA.fields["awards"],
        SCHEMA.fields["slides"],
        ANNOUNCEMENT,
        Field("schema_version", Integer(1, 1), "Always 1 for now."),
    ],
    doc="An organisers' feed: what it names replaces the config's; what it omits stays.",
)


@dataclass(frozen=True)
class FeedDocument:
    """A validated feed, not yet placed on an event's time line (that needs the Config).

    ``None`` means the feed does not name that section. ``marks`` locate every key path in
    ``source`` (line and column, or CSV row and column); ``labels`` renames key paths in
    messages (a CSV feed names its header columns instead).
    """

    source: str
    programme: tuple[dict[str, Any], ...] | None = None
    delay: dict[str, Any] | None = None
    awards: tuple[Award, ...] | None = None
    slides: tuple[dict[str, Any], ...] | None = None
    announcement: str | None = None
    marks: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


def parse_feed(text: str, name: str, *, base_dir: Path | None = None,
               lenient: bool = False) -> FeedDocument:
    """Validate a YAML or JSON feed; raises ConfigInvalid with every problem found."""
    return document_from_node(compose(_json_tabs(text), name), name, base_dir=base_dir,
                              lenient=lenient)


def load_feed(path: Path, *, lenient: bool = False) -> FeedDocument:
    """Read a feed file: ``.csv`` is a spreadsheet export, anything else YAML or JSON."""
    name = str(path)
    # utf-8-sig: spreadsheet exports often start with a byte-order mark.
    text = read_document(path, encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        from kiosk.core.feedcsv import parse_csv

        return parse_csv(text, name)
    return parse_feed(text, name, base_dir=path.parent, lenient=lenient)


def document_from_node(node: yaml.Node, name: str, *, base_dir: Path | None = None,
                       lenient: bool = False,
                       labels: Mapping[str, str] | None = None) -> FeedDocument:
    """Validate a node tree (from YAML, JSON or a CSV) against ``FEED_SCHEMA``."""
    _check_plain_tree(node, name)
    ctx = Context(file=name, base_dir=base_dir, lenient=lenient)
    values = convert_node(FEED_SCHEMA, node, ctx, "")
    labels = dict(labels or {})
    if not is_missing(values):
        _check_award_names(values.get("awards", ()), ctx)
    if ctx.errors or is_missing(values):
        raise ConfigInvalid(_relabel(ctx.errors, labels))
    return FeedDocument(
        source=name,
        programme=values.get("programme"),
        delay=values.get("delay"),
        awards=tuple(_award(a) for a in values["awards"]) if "awards" in values else None,
        slides=values.get("slides"),
        announcement=values.get("announcement"),
        marks=dict(ctx.marks),
        labels=labels,
    )


def merge(config: Config, feed: FeedDocument) -> Config:
    """The config as the feed updates it; raises ConfigInvalid if the feed's times do not fit.

    The feed's programme replaces the whole running order and its delay the config's; its
    awards replace the config's awards of the same name (local ones it omits stay, new ones
    follow them); its slides replace the slides; its announcement replaces the announcement.
    """
    errors: list[ConfigError] = []

    def fail(path: str, message: str) -> None:
        line, column = feed.marks.get(path, (1, 1))
        errors.append(ConfigError(feed.source, line, column, feed.labels.get(path, path),
                                  message))

    event = config.event
    changes: dict[str, Any] = {}
    if feed.programme is not None:
        items = resolve_items(config, feed.programme, fail)
        changes["programme"] = Programme(event.start, event.end, items)
    if feed.delay is not None:
        changes["delay"] = _delay(config, feed.delay, fail)
    if errors:
        raise ConfigInvalid(errors)
    if feed.awards is not None:
        changes["awards"] = merge_awards(config.awards, feed.awards)
    if feed.slides is not None:
        changes["slides"] = tuple(_slide(s, config.slideshow.duration) for s in feed.slides)
    if feed.announcement is not None:
        changes["announcement"] = feed.announcement
    return dataclasses.replace(config, **changes)


def resolve_items(config: Config, raw: tuple[dict[str, Any], ...],
                  fail: Callable[[str, str], None]) -> tuple[Any, ...]:
    """Programme items on the event's time line, in its zone and on its date.

    A thin wrapper: config.py's ``_items`` does exactly this for the config's own programme.
    """
    event = config.event
    return _items(raw, event.timezone, event.start, event.end, fail)


def merge_awards(local: tuple[Award, ...], fed: tuple[Award, ...]) -> tuple[Award, ...]:
    """Fed awards replace local ones of the same name (case and spacing ignored), in place;
    fed awards the config does not have follow the local ones, in the feed's order."""
    by_name = {award_key(a.name): a for a in fed}
    merged = [by_name.pop(award_key(a.name), a) for a in local]
    return (*merged, *by_name.values())


def _delay(config: Config, raw: dict[str, Any], fail: Callable[[str, str], None]) -> Delay | None:
    event = config.event
    since = raw.get("since")
    since_at = event.start if since is None else _place(
        since, event.timezone, event.start - timedelta(hours=12), "delay.since", fail)
    if since_at is None:
        return None
    return Delay(raw["by"], since_at)


def _check_award_names(awards: tuple[dict[str, Any], ...], ctx: Context) -> None:
    """Awards merge by name, so a feed may not name one award twice."""
    seen: dict[str, int] = {}
    for i, award in enumerate(awards):
        key = award_key(award["name"])
        if key in seen:
            path = f"awards[{i}].name"
            line, column = ctx.marks.get(path, (1, 1))
            ctx.errors.append(ConfigError(ctx.file, line, column, path,
                                          f"{award['name']!r} is already awards[{seen[key]}]; "
                                          "an award may appear once"))
        else:
            seen[key] = i


# More than any running order or award list needs; a bigger tree is a mistake or an attack.
MAX_NODES = 50_000
MAX_DEPTH = 20


def _check_plain_tree(root: yaml.Node, name: str) -> None:
    """A feed is plain data: no YAML anchors and aliases (with them a 30 kB document can
    unfold into millions of entries), not nested deeper or larger than any feed needs."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            mark = node.start_mark
            raise ConfigInvalid([ConfigError(name, mark.line + 1, mark.column + 1, "",
                                             "repeats part of the document with a YAML alias "
                                             "(*name); write it out in full")])
        seen.add(id(node))
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            mark = node.start_mark
            what = (f"is nested more than {MAX_DEPTH} levels deep" if depth > MAX_DEPTH
                    else f"has more than {MAX_NODES} entries")
            raise ConfigInvalid([ConfigError(name, mark.line + 1, mark.column + 1, "", what)])
        if isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def _relabel(errors: list[ConfigError], labels: Mapping[str, str]) -> list[ConfigError]:
    if not labels:
        return errors
    return [dataclasses.replace(e, path=labels.get(e.path, e.path)) for e in errors]


def _json_tabs(text: str) -> str:
    """JSON may be indented with tabs, which YAML rejects. A literal tab cannot occur inside a
    JSON string, so in a JSON document every tab is a space (same line, same column)."""
    if text.lstrip("\ufeff \r\n\t")[:1] in ("{", "["):
        return text.replace("\t", " ")
    return text

