"""YAML -> plain Python values that remember the file, line and column of every key.

Only YAML's safe types are accepted: a `!!python/object` (or any other) tag is a SpecError, never
code run. A key given twice in one mapping is an error too (YAML would silently keep the last).

Limits, each a SpecError with its own code (docs/errors.md): a spec file is at most MAX_SPEC_BYTES,
uses at most MAX_YAML_ALIASES aliases (`*name`), expands to at most MAX_YAML_NODES values, nests at
most MAX_YAML_DEPTH levels, and a whole number has at most MAX_INT_DIGITS digits. They stop a "billion
laughs" alias bomb, a file of a million `[`, and a number Python cannot print, before they exhaust
memory or the stack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tlf.errors import Location, SpecError

Key = tuple[Any, ...]

MAX_SPEC_BYTES = 1_000_000
"""Largest spec file, in bytes (SPEC090). The largest spec of the example studies is under 10 kB; a
megabyte is a table with thousands of analyses, and every larger file is a mistake (data saved as YAML)."""

MAX_YAML_ALIASES = 1_000
"""Most alias references (`*name`) in one file (SPEC091). A spec reuses a block a few times; a
"billion laughs" bomb references anchors that reference anchors."""

MAX_YAML_NODES = 100_000
"""Most values (mappings, lists, scalars) in one file once its aliases are expanded (SPEC092): nine
levels of ten aliases would otherwise expand to a billion values. A 1 MB spec without aliases has fewer."""

MAX_YAML_DEPTH = 50
"""Deepest nesting of mappings and lists (SPEC093). Specs nest a few levels; a file of thousands of `[`
(or an alias inside its own anchor) would exhaust the stack."""

MAX_INT_DIGITS = 30
"""Most digits of a whole number in a spec (SPEC096), as in expressions (tlf/data/expr.py). No count,
width or value of a spec needs more; Python refuses to read one of over 4,300 digits."""


class Located:
    """A loaded YAML document: `data` (dicts, lists, scalars) and `where` (key path -> Location)."""

    def __init__(self, path: Path, data: Any, where: dict[Key, Location]) -> None:
        self.path = path
        self.data = data
        self.where = where

    def locate(self, key: Key) -> Location:
        """The location of `key`, or of its closest located ancestor."""
        key = tuple(key)
        while key:
            if key in self.where:
                return self.where[key]
            key = key[:-1]
        return self.where.get((), Location(str(self.path)))


def load_yaml(path: Path, display: str | None = None) -> Located:
    """Read one YAML file. Raises SpecError for syntax errors, unsafe tags and duplicate keys."""
    import yaml

    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecError(f"spec file of {size:,} bytes is larger than the limit of {MAX_SPEC_BYTES:,} bytes",
                            location=Location(name), code="SPEC090")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("file not found", location=Location(name), code="SPEC001") from None
    except UnicodeDecodeError as e:
        raise SpecError(f"not UTF-8 text ({e.reason})", location=Location(name), code="SPEC002") from None
    except IsADirectoryError:
        raise SpecError("is a folder, not a spec file: rename it (every *.yaml in the spec folder is a spec)",
                        location=Location(name), code="SPEC008") from None
    except OSError as e:  # a symlink loop, a broken link, no permission
        raise SpecError(f"cannot read the spec file: {e.strerror or e}", location=Location(name),
                        code="SPEC008") from None
    if len(text.encode("utf-8")) > MAX_SPEC_BYTES:  # grew since stat, or not a regular file
        raise SpecError(f"spec file is larger than the limit of {MAX_SPEC_BYTES:,} bytes",
                        location=Location(name), code="SPEC090")
    fast = _compose_fast(text)
    if fast is not None:
        node, constructor = fast
        if node is None:
            return Located(path, {}, {(): Location(name, 1, 1)})
        where: dict[Key, Location] = {}
        return Located(path, _build(node, (), name, where, constructor, [0]), where)
    try:
        loader = _loader(text, name)
    except yaml.reader.ReaderError as e:  # a NUL byte or another control character YAML does not allow
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        raise SpecError(f"character #x{ord(e.character) if isinstance(e.character, str) else e.character:04x} "
                        "is not allowed in YAML (a NUL byte or control character): remove it",
                        location=Location(name, line, column), code="SPEC003") from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise SpecError(f"YAML syntax error: {e.problem or e.context}", location=loc, code="SPEC003") from None
    except yaml.YAMLError as e:
        raise SpecError(f"YAML error: {e}", location=Location(name), code="SPEC003") from None
    except RecursionError:  # a guard: MAX_YAML_DEPTH stops nesting long before the stack ends
        raise SpecError(f"nested deeper than the limit of {MAX_YAML_DEPTH} levels", location=Location(name),
                        code="SPEC093") from None
    finally:
        loader.dispose()
    where = {}
    if node is None:
        return Located(path, {}, {(): Location(name, 1, 1)})
    data = _build(node, (), name, where, loader, [0])
    return Located(path, data, where)


def _compose_fast(text: str) -> tuple[Any, Any] | None:
    """The document's node tree composed by libyaml (about ten times faster than the pure-Python loader),
    with a constructor for its scalars; None when libyaml is absent, when the text is not valid YAML or
    comes near the alias or nesting limits: then the Python loader reads it and names the line and key of
    what is wrong, as it always did. A first pass over the events (flat, no recursion) counts aliases and
    nesting before anything is composed."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False):
        return None
    try:
        depth = deepest = aliases = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
        if deepest >= MAX_YAML_DEPTH - 2 or aliases > MAX_YAML_ALIASES:
            return None
        loader = yaml.CSafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError):
        return None
    return node, yaml.constructor.SafeConstructor()


def _loader(text: str, name: str) -> Any:
    """yaml.SafeLoader that counts aliases and nesting while it composes the document (before anything is
    expanded) and refuses beyond MAX_YAML_ALIASES and MAX_YAML_DEPTH, naming the line and key."""
    import yaml

    class Loader(yaml.SafeLoader):
        aliases = 0
        path: list[Any] = []

        def compose_node(self, parent: Any, index: Any) -> Any:
            step = (index.value if isinstance(index, yaml.ScalarNode) else
                    index if isinstance(index, int) else "?")
            if parent is not None:
                self.path.append(step)
            try:
                event = self.peek_event()
                mark = event.start_mark
                if isinstance(event, yaml.AliasEvent):
                    self.aliases += 1
                    if self.aliases > MAX_YAML_ALIASES:
                        raise SpecError(f"more than the limit of {MAX_YAML_ALIASES:,} YAML aliases (*{event.anchor})",
                                        location=Location(name, mark.line + 1, mark.column + 1),
                                        key=_dotted(tuple(self.path)), code="SPEC091")
                elif len(self.path) >= MAX_YAML_DEPTH:
                    raise SpecError(f"nested deeper than the limit of {MAX_YAML_DEPTH} levels",
                                    location=Location(name, mark.line + 1, mark.column + 1),
                                    key=_dotted(tuple(self.path)), code="SPEC093")
                return super().compose_node(parent, index)
            finally:
                if parent is not None:
                    self.path.pop()

    loader = Loader(text)
    loader.path = []
    return loader


def _loc(name: str, node: Any) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: Any, key: Key, name: str, where: dict[Key, Location], loader: Any, count: list[int]) -> Any:
    """Plain values of `node`; `count` holds the number of values built so far (aliases expanded)."""
    import yaml

    count[0] += 1
    if count[0] > MAX_YAML_NODES:
        raise SpecError(f"more than the limit of {MAX_YAML_NODES:,} values once YAML aliases are expanded",
                        location=_loc(name, node), key=_dotted(key), code="SPEC092")
    if len(key) > MAX_YAML_DEPTH:  # an alias can nest deeper than the text (or inside its own anchor)
        raise SpecError(f"nested deeper than the limit of {MAX_YAML_DEPTH} levels once YAML aliases are expanded",
                        location=_loc(name, node), key=_dotted(key[:MAX_YAML_DEPTH]), code="SPEC093")
    where.setdefault(key, _loc(name, node))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                raise SpecError("YAML merge keys ('<<') are not supported", location=_loc(name, knode),
                                code="SPEC004")
            k = _scalar(knode, name, loader, key)
            if k in out:
                raise SpecError(f"key '{k}' given twice in one mapping", location=_loc(name, knode),
                                key=_dotted((*key, k)), code="SPEC005")
            where[(*key, k)] = _loc(name, knode)
            out[k] = _build(vnode, (*key, k), name, where, loader, count)
        return out
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node, "tag:yaml.org,2002:seq", name)
        return [_build(v, (*key, i), name, where, loader, count) for i, v in enumerate(node.value)]
    return _scalar(node, name, loader, key)


_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}


def _check_tag(node: Any, expected: str, name: str) -> None:
    if node.tag != expected:
        raise SpecError(f"YAML tag '{node.tag}' is not allowed (only plain YAML values are)",
                        location=_loc(name, node), code="SPEC006")


def _scalar(node: Any, name: str, loader: Any, key: Key = ()) -> Any:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise SpecError("a key must be a plain value", location=_loc(name, node), code="SPEC004")
    if node.tag not in _SAFE_SCALAR_TAGS:
        raise SpecError(f"YAML tag '{node.tag}' is not allowed (only plain YAML values are)",
                        location=_loc(name, node), code="SPEC006")
    if node.tag == "tag:yaml.org,2002:int":
        digits = sum(c.isdigit() for c in node.value)
        if digits > MAX_INT_DIGITS:
            raise SpecError(f"a number of {digits:,} digits is more than the limit of {MAX_INT_DIGITS} digits",
                            location=_loc(name, node), key=_dotted(key), code="SPEC096")
    value = loader.construct_object(node, deep=True)
    if node.tag == "tag:yaml.org,2002:timestamp":
        value = node.value  # keep dates as the text the user typed
    return value


def _dotted(key: Key) -> str:
    out = ""
    for k in key:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


dotted = _dotted
