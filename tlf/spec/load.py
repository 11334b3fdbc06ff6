"""YAML -> plain Python values that remember the file, line and column of every key.

Only YAML's safe types are accepted: a `!!python/object` (or any other) tag is a SpecError, never
code run. A key given twice in one mapping is an error too (YAML would silently keep the last).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tlf.errors import Location, SpecError

Key = tuple[Any, ...]


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
    try:
        loader = yaml.SafeLoader(text)
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
    finally:
        loader.dispose()
    where: dict[Key, Location] = {}
    if node is None:
        return Located(path, {}, {(): Location(name, 1, 1)})
    data = _build(node, (), name, where, loader)
    return Located(path, data, where)


def _loc(name: str, node: Any) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def _build(node: Any, key: Key, name: str, where: dict[Key, Location], loader: Any) -> Any:
    import yaml

    where.setdefault(key, _loc(name, node))
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            if knode.tag == "tag:yaml.org,2002:merge":
                raise SpecError("YAML merge keys ('<<') are not supported", location=_loc(name, knode),
                                code="SPEC004")
            k = _scalar(knode, name, loader)
            if k in out:
                raise SpecError(f"key '{k}' given twice in one mapping", location=_loc(name, knode),
                                key=_dotted((*key, k)), code="SPEC005")
            where[(*key, k)] = _loc(name, knode)
            out[k] = _build(vnode, (*key, k), name, where, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node, "tag:yaml.org,2002:seq", name)
        return [_build(v, (*key, i), name, where, loader) for i, v in enumerate(node.value)]
    return _scalar(node, name, loader)


_SAFE_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}


def _check_tag(node: Any, expected: str, name: str) -> None:
    if node.tag != expected:
        raise SpecError(f"YAML tag '{node.tag}' is not allowed (only plain YAML values are)",
                        location=_loc(name, node), code="SPEC006")


def _scalar(node: Any, name: str, loader: Any) -> Any:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise SpecError("a key must be a plain value", location=_loc(name, node), code="SPEC004")
    if node.tag not in _SAFE_SCALAR_TAGS:
        raise SpecError(f"YAML tag '{node.tag}' is not allowed (only plain YAML values are)",
                        location=_loc(name, node), code="SPEC006")
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
