"""The host's YAML changed in place: comments, key order and layout kept outside what changed.

A config is read into ruamel.yaml's round-trip tree, changed at a path such as
``("programme", 3, "start")``, and written back. Two things keep a hand-written file the
host's own: the indentation is read off the file itself (ruamel writes one style for the
whole file), and the new text is the old text with only the lines that changed replaced:
ruamel's rendering of the unchanged tree is compared with its rendering of the changed one,
and just those hunks are carried over, so anything ruamel would have written differently
(spacing inside a line, a line it would wrap) stays as the host wrote it.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from kiosk.core import config as config_module
from kiosk.core.config import Config
from kiosk.core.errors import ConfigError, ConfigInvalid
from kiosk.core.i18n import KNOWN

Key = str | int
KeyPath = tuple[Key, ...]
# Texts of this length or less in several languages are written on one line: {be: …, en: …}.
FLOW_TEXTS = 70
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


@dataclass(frozen=True)
class Indent:
    """How a file indents: a nested mapping's keys, a list's items and its dashes."""

    mapping: int = 2
    sequence: int = 4
    offset: int = 2


class Document:
    """One config's text; every change makes a new Document and leaves this one as it was."""

    def __init__(self, text: str, *, name: str = "config", base_dir: Path | None = None) -> None:
        self.text = text
        self.name = name
        self.base_dir = base_dir
        tree = _load(text, name)
        self._indent = _indent_of(tree)
        self._rendered = self._render(tree)

    @classmethod
    def read(cls, path: Path) -> Document:
        """The file's document; raises ConfigInvalid when it cannot be read or parsed."""
        text = config_module.read_document(path)
        return cls(text, name=str(path), base_dir=path.parent)

    def tree(self) -> Any:
        """A fresh round-trip tree of the text (the caller may change it)."""
        return _load(self.text, self.name)

    def get(self, path: KeyPath, default: Any = None) -> Any:
        """The value at ``path`` (plain Python: str, bool, int, dict, list), or ``default``."""
        node: Any = self.tree()
        for key in path:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return default
        return _plain(node)

    def length(self, path: KeyPath) -> int:
        """How many entries the list at ``path`` has (0 when there is none)."""
        value = self.get(path)
        return len(value) if isinstance(value, list) else 0

    def with_value(self, path: KeyPath, value: Any) -> Document:
        """``path`` set to ``value`` (mappings on the way made as needed); None removes it."""
        if value is None:
            return self.without(path)
        tree = self.tree()
        parent = _walk(tree, path[:-1], create=True)
        key = path[-1]
        new = _node(value)
        if isinstance(parent, CommentedSeq):
            assert isinstance(key, int)
            if key == len(parent):
                _append(parent, key, new)
            else:
                parent[key] = new
        elif key in parent:
            parent[key] = _keep_style(parent[key], new)
        else:
            _add_key(parent, str(key), new, _schema_order(path[:-1]), section=len(path) == 1)
        return self._changed(tree)

    def without(self, path: KeyPath) -> Document:
        """``path`` removed (nothing happens when it is not there); a mapping left empty by
        it goes too."""
        tree = self.tree()
        try:
            parent = _walk(tree, path[:-1], create=False)
        except KeyError:
            return self
        key = path[-1]
        if isinstance(parent, CommentedSeq):
            if not isinstance(key, int) or not 0 <= key < len(parent):
                return self
        elif key not in parent:
            return self
        if len(parent) == 1 and len(path) > 1:
            # A mapping or list left empty goes too (an empty list means what none does),
            # and the lines after it stay where they were.
            return self.without(path[:-1])
        owner = (_walk(tree, path[:-2], create=False), path[-2]) if len(path) > 1 else None
        _remove(parent, key, owner)
        return self._changed(tree)

    def with_inserted(self, path: KeyPath, index: int, value: Any) -> Document:
        """``value`` inserted into the list at ``path`` before ``index`` (the list made when
        there is none)."""
        tree = self.tree()
        seq = _walk(tree, path, create=True, leaf=CommentedSeq)
        index = max(0, min(index, len(seq)))
        if index == len(seq):
            _append(seq, index, _node(value))
        else:
            seq.insert(index, _node(value))
        return self._changed(tree)

    def with_moved(self, path: KeyPath, source: int, target: int) -> Document:
        """The list entry at ``source`` moved to ``target``."""
        tree = self.tree()
        seq = _walk(tree, path, create=False)
        if not isinstance(seq, CommentedSeq) or not (0 <= source < len(seq)):
            return self
        target = max(0, min(target, len(seq) - 1))
        if target == source:
            return self
        last = len(seq) - 1
        if last in (source, target):
            # What follows the list (the next section's comments) stays after the list.
            trailing = _take(_last_slot(seq))
            item = seq.pop(source)
            seq.insert(target, item)
            _give(_last_slot(seq), trailing)
        else:
            seq.insert(target, seq.pop(source))
        return self._changed(tree)

    def check(self, *, system_zone: tzinfo | None = None, lenient: bool = False) -> Config:
        """The config this text makes, validated as ``check`` does; raises ConfigInvalid."""
        return config_module.loads(self.text, self.name, base_dir=self.base_dir,
                                   system_zone=system_zone, lenient=lenient)

    def _changed(self, tree: Any) -> Document:
        rendered = self._render(tree)
        text = carry_over(self.text, self._rendered, rendered)
        try:
            if _plain(_load(text, self.name)) != _plain(tree):
                text = rendered  # the lines could not be carried over faithfully
        except ConfigInvalid:
            text = rendered
        return Document(text, name=self.name, base_dir=self.base_dir)

    def _render(self, tree: Any) -> str:
        out = io.StringIO()
        _yaml(self._indent).dump(tree, out)
        return out.getvalue()


def carry_over(original: str, before: str, after: str) -> str:
    """``original`` with the lines that changed from ``before`` to ``after`` replaced.

    ``before`` is a rendering of ``original`` (usually the same text). Where the two differ,
    a changed hunk is widened to the nearest lines they share, so it replaces just the
    original lines between those.
    """
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    host = original.splitlines(keepends=True)
    if before == original:
        where = {i: i for i in range(len(old))}
    else:
        # Which original line each rendered line is: the same but for spaces inside it.
        where = {}
        for block in difflib.SequenceMatcher(None, [_spaced(x) for x in old],
                                             [_spaced(x) for x in host],
                                             autojunk=False).get_matching_blocks():
            for k in range(block.size):
                where[block.a + k] = block.b + k
    hunks: list[list[int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new,
                                                         autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a, b = i1, i2
        while a > 0 and (a - 1) not in where:
            a -= 1
        while b < len(old) and b not in where:
            b += 1
        # Lines between a and i1 (and i2 and b) are unchanged, so they shift one for one.
        hunk = [a, b, j1 - (i1 - a), j2 + (b - i2)]
        if hunks and a <= hunks[-1][1]:
            hunks[-1][1], hunks[-1][3] = max(hunks[-1][1], b), max(hunks[-1][3], hunk[3])
        else:
            hunks.append(hunk)
    result: list[str] = []
    position = 0  # the next original line not yet copied
    for a, b, j1, j2 in hunks:
        start = where[a - 1] + 1 if a > 0 else 0
        end = where[b] if b < len(old) else len(host)
        result.extend(host[position:start])
        result.extend(new[j1:j2])
        position = end
    result.extend(host[position:])
    return "".join(result)


def _spaced(line: str) -> str:
    """A line with its indentation and every run of spaces inside it made one space."""
    return " ".join(line.split())


def _yaml(indent: Indent) -> YAML:
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 4096  # never re-wrap a host's long line
    handler.indent(mapping=indent.mapping, sequence=indent.sequence, offset=indent.offset)
    return handler


def _load(text: str, name: str) -> Any:
    try:
        tree = _yaml(Indent()).load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigInvalid([ConfigError(name, line, column, "",
                                         f"not valid YAML: {problem}")]) from None
    if tree is None:
        tree = CommentedMap()
    if not isinstance(tree, CommentedMap):
        raise ConfigInvalid([ConfigError(name, 1, 1, "", "the file is not a mapping of keys "
                                                         "(event:, programme:, …)")])
    return tree


def _indent_of(tree: CommentedMap) -> Indent:
    """The file's own indentation, read off its first nested mapping and its first list."""
    mapping: int | None = None
    sequence: int | None = None
    offset: int | None = None

    def visit(node: Any, key_column: int | None) -> None:
        nonlocal mapping, sequence, offset
        if isinstance(node, CommentedMap):
            if key_column is not None and mapping is None and not node.fa.flow_style() and node:
                first = next(iter(node))
                mapping = node.lc.key(first)[1] - key_column
            for key, value in node.items():
                visit(value, node.lc.key(key)[1])
        elif isinstance(node, CommentedSeq):
            if key_column is not None and sequence is None and not node.fa.flow_style() \
                    and node:
                dash = node.lc.col
                first = node[0]
                if isinstance(first, CommentedMap) and first and not first.fa.flow_style():
                    content = first.lc.key(next(iter(first)))[1]
                else:
                    content = node.lc.item(0)[1]
                # A dash at the key's own column is offset 0; ruamel counts from the key.
                offset = max(0, dash - key_column)
                sequence = max(offset + 2, content - key_column)
            for item in node:
                visit(item, None)

    visit(tree, None)
    return Indent(mapping=mapping if mapping and mapping > 0 else 2,
                  sequence=sequence if sequence is not None else 4,
                  offset=offset if offset is not None else 2)


def _walk(tree: Any, path: KeyPath, *, create: bool, leaf: type = CommentedMap) -> Any:
    node = tree
    for depth, key in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, CommentedSeq):
            if not isinstance(key, int) or not 0 <= key < len(node):
                raise KeyError(key)
            node = node[key]
            continue
        if key not in node or node[key] is None:
            if not create:
                raise KeyError(key)
            wanted = leaf if last else (CommentedSeq if isinstance(path[depth + 1], int)
                                        else CommentedMap)
            node[key] = wanted()
        node = node[key]
    return node


def _node(value: Any) -> Any:
    """A plain value as the round-trip tree writes it."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _node(item)
        if all(isinstance(v, str) and "\n" not in v for v in value.values()) and \
                all(str(k) in KNOWN for k in value) and \
                sum(len(str(k)) + len(v) + 4 for k, v in value.items()) <= FLOW_TEXTS:
            out.fa.set_flow_style()  # texts in several languages on one line
        return out
    if isinstance(value, Sequence):
        seq = CommentedSeq()
        for item in value:
            seq.append(_node(item))
        if all(isinstance(v, str) and len(v) < 12 for v in value):
            seq.fa.set_flow_style()  # [en, be]
        return seq
    return value


def _text(value: str) -> str:
    """Text quoted where the kiosk's YAML 1.1 reader would take it for something else
    (``18:30`` a number, ``no`` false, ``2021-02-06`` a date)."""
    plain = _RESOLVER.resolve(  # type: ignore[no-untyped-call]
        yaml.ScalarNode, value, (True, False))
    if plain != _STR_TAG or value != value.strip() or value[:1] in "!&*{[|>'\"%@`#-?:," \
            or ": " in value or " #" in value or "\n" in value:
        quoted: str = DoubleQuotedScalarString(value)
        return quoted
    return value


def _append(container: Any, key: Key, value: Any) -> None:
    """A new last entry: the comments that followed the old last one (often the next
    section's heading) now follow the new one, instead of standing above it."""
    trailing = _take(_last_slot(container))
    if isinstance(container, CommentedSeq):
        container.append(value)
    else:
        container[key] = value
    _give(_last_slot(container), trailing)


def _add_key(mapping: CommentedMap, key: str, value: Any, order: Sequence[str], *,
             section: bool = False) -> None:
    """A new key where the config's shape puts it (``start`` before ``duration``), else
    last; the comments after the key before it move along, as in ``_append``. A new
    ``section`` (a top-level list or mapping) is set off by a blank line."""
    keys = list(mapping)
    if key in order:
        earlier = set(order[:order.index(key)])
        before = [i for i, k in enumerate(keys) if k in earlier]
        later = [i for i, k in enumerate(keys) if k not in earlier]
        position = before[-1] + 1 if before else (later[0] if later else len(keys))
    else:
        position = len(keys)
    if position == len(keys):
        _append(mapping, key, value)
    else:
        trailing = _take(_entry_slot(mapping, keys[position - 1])) if position else ""
        mapping.insert(position, key, value)
        _give(_entry_slot(mapping, key), trailing)
    if section and position > 0 and isinstance(value, CommentedMap | CommentedSeq):
        slot = _entry_slot(mapping, keys[position - 1])
        after = _take(slot)
        _give(slot, after if after.startswith("\n") else "\n" + after)


def _schema_order(path: KeyPath) -> tuple[str, ...]:
    """The keys of the config's record at ``path``, in the order the shape declares them."""
    from kiosk.core.schema import ListOf, Record

    kind: Any = config_module.SCHEMA
    for key in path:
        while isinstance(kind, ListOf):
            kind = kind.item
        if isinstance(key, int):
            continue
        if not isinstance(kind, Record) or key not in kind.fields:
            return ()
        kind = kind.fields[key].type
    while isinstance(kind, ListOf):
        kind = kind.item
    return tuple(kind.fields) if isinstance(kind, Record) else ()


def _remove(container: Any, key: Key, owner: tuple[Any, Key] | None = None) -> None:
    """An entry removed; the whole lines after it (a comment over what follows) stay: after
    the entry before it, or when it was the first, after the ``owner`` slot's line (the key
    the container is the value of)."""
    keys: list[Key] = list(range(len(container))) if isinstance(container, CommentedSeq) \
        else list(container)
    position = keys.index(key)
    trailing = _take(_entry_slot(container, key))
    if isinstance(container, CommentedMap):
        container.ca.items.pop(key, None)
    del container[key]
    if isinstance(container, CommentedSeq):
        # A list's comments are kept by position: shift the ones after the removed entry.
        assert isinstance(key, int)
        items = container.ca.items
        for index in sorted(i for i in items if isinstance(i, int) and i > key):
            items[index - 1] = items.pop(index)
    if position > 0:
        _give(_entry_slot(container, keys[position - 1]), trailing)
    elif container:
        _give(owner, trailing)


def _last_slot(node: Any) -> tuple[Any, Key] | None:
    """The container and key whose comment holds the lines after ``node``'s last line."""
    if isinstance(node, CommentedMap) and node and not node.fa.flow_style():
        key: Key = next(reversed(node))
    elif isinstance(node, CommentedSeq) and node and not node.fa.flow_style():
        key = len(node) - 1
    else:
        return None
    return _entry_slot(node, key)


def _entry_slot(container: Any, key: Key) -> tuple[Any, Key]:
    """The slot of the lines after ``container[key]``, however deep its last line is."""
    return _last_slot(container[key]) or (container, key)


def _slot_index(container: Any) -> int:
    return 0 if isinstance(container, CommentedSeq) else 2


def _take(slot: tuple[Any, Key] | None) -> str:
    """Cut the whole lines of comments (and blank lines) after a slot's line; its own
    end-of-line comment stays."""
    if slot is None:
        return ""
    container, key = slot
    entry = container.ca.items.get(key)
    index = _slot_index(container)
    if not entry or entry[index] is None:
        return ""
    token = entry[index]
    text = token.value
    own, _, rest = text.partition("\n") if text.startswith("#") else ("", "", text[1:]) \
        if text.startswith("\n") else (text, "", "")
    if own:
        token.value = own + "\n"
    else:
        entry[index] = None
    return rest


def _give(slot: tuple[Any, Key] | None, text: str) -> None:
    """Put ``text`` (whole comment lines) after a slot's line."""
    if not text or slot is None:
        return
    container, key = slot
    index = _slot_index(container)
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    token = entry[index]
    if token is None:
        entry[index] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        token.value = token.value.rstrip("\n") + "\n" + text


def _keep_style(old: Any, new: Any) -> Any:
    """A mapping that replaces a mapping keeps being written the way it was (flow or
    block)."""
    if isinstance(old, CommentedMap) and isinstance(new, CommentedMap):
        if old.fa.flow_style() and not new.fa.flow_style():
            new.fa.set_flow_style()
        elif not old.fa.flow_style() and new.fa.flow_style():
            new.fa.set_block_style()
    return new


def _plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node
