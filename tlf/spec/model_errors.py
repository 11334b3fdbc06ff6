"""Pydantic's validation of a spec, turned into tlf's located errors: each error names the file, line,
column and key, says what was given and what is allowed ("did you mean"), and alternatives of a union
are merged into one message."""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from tlf.errors import SpecError, TlfError, did_you_mean
from tlf.spec.load import Located, dotted


def validate_model(model: Any, src: Located, errors: list[TlfError]) -> Any:
    adapter = TypeAdapter(model)
    if not isinstance(src.data, dict):
        errors.append(SpecError(f"expected a mapping of keys, got {type(src.data).__name__}",
                                location=src.locate(()), code="SPEC007"))
        return None
    try:
        return adapter.validate_python(src.data)
    except ValidationError as e:
        errors.extend(_merge_alternatives([_spec_error(model, src, err) for err in e.errors(include_url=False)]))
        return None


def _merge_alternatives(errors: list[SpecError]) -> list[SpecError]:
    """One error per key for a value that fits none of the types a key takes (`title`: a string or a list
    of strings): 'expected a string or a list, got a mapping {'a': 1}'."""
    out: list[SpecError] = []
    merged: dict[tuple, SpecError] = {}
    for e in errors:
        got = e.message.partition(", got ")
        if e.code != "SPEC013" or not e.message.startswith("expected ") or not got[1]:
            out.append(e)
            continue
        k = (str(e.location), e.key, got[2])
        if k not in merged:
            merged[k] = e
            out.append(e)
            continue
        first = merged[k]
        expected = first.message.partition(", got ")[0]
        more = got[0].removeprefix("expected ")
        if more not in expected:
            better = SpecError(f"{expected} or {more}, got {got[2]}", location=first.location, key=first.key,
                               code=first.code)
            out[out.index(first)] = better
            merged[k] = better
    return out


_TYPE_WORDS = {"string_type": "a string", "int_type": "an integer", "int_parsing": "an integer",
               "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
               "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
               "model_type": "a mapping", "model_attributes_type": "a mapping",
               "finite_number": "a finite number (not .inf or .nan)"}


def _spec_error(model: Any, src: Located, err: dict) -> SpecError:
    # the key a missing or unknown key names is absent from the data; a union member's name ('str',
    # 'list[str]') that pydantic adds to a value's loc is not a key
    key = _data_path(src.data, err["loc"], absent_key=err["type"] in ("missing", "extra_forbidden"))
    typ = err["type"]
    if typ == "extra_forbidden":
        bad = key[-1]
        allowed = _allowed_keys(model, err["loc"][:-1])
        hint = did_you_mean(bad, allowed)
        exp = f"; expected one of: {', '.join(allowed)}" if allowed and not hint else ""
        return SpecError(f"unknown key '{bad}'{hint}{exp}", location=src.locate(key), key=dotted(key),
                         code="SPEC010")
    if typ == "missing":
        return SpecError(f"missing required key '{key[-1]}'", location=src.locate(key[:-1]),
                         key=dotted(key), code="SPEC011")
    if typ in ("union_tag_invalid", "union_tag_not_found"):
        ctx = err.get("ctx", {})
        tag = ctx.get("tag", "")
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
        if typ == "union_tag_not_found":
            expected = expected or _union_tags(model, err["loc"])
            return SpecError(f"missing required key 'type' (one of: {', '.join(expected)})",
                             location=src.locate(key), key=dotted(key), code="SPEC011")
        return SpecError(f"unknown type '{tag}'{did_you_mean(tag, expected)}; expected one of: {', '.join(expected)}",
                         location=src.locate((*key, "type")), key=dotted((*key, "type")), code="SPEC012")
    value = _get(src.data, key)
    got = f", got {_described(value)}" if value is not None or typ != "missing" else ""
    if typ in _TYPE_WORDS:
        msg = f"expected {_TYPE_WORDS[typ]}{got}"
    elif typ == "literal_error":
        msg = f"expected {err['ctx'].get('expected', 'one of the allowed values')}{got}"
    elif typ == "string_pattern_mismatch":
        msg = f"'{value}' is not a valid id (letters, digits, '_', '.', '-'; starting with a letter or digit)"
    elif typ == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
    else:
        msg = f"{err['msg']}{got}"
    return SpecError(msg, location=src.locate(key), key=dotted(key), code="SPEC013")


_KINDS = {dict: "a mapping", list: "a list", type(None): "an empty value"}


def _described(value: Any) -> str:
    """What a spec value is: 'a mapping {'a': 1}', 'a list [1]', "str 'deep'", 'float inf'."""
    kind = _KINDS.get(type(value), type(value).__name__)
    text = repr(value)
    text = text if len(text) <= 80 else text[:77] + "..."
    return kind if value is None else f"{kind} {text}"


def _model_at(model: Any, loc: tuple) -> Any:
    """The (unwrapped) type found at `loc` of `model`, walking unions by discriminator tag; None if none."""
    tp = model
    for seg in loc:
        tp = _step(tp, seg)
        if tp is None:
            return None
    return _unwrap(tp)


def _union_tags(model: Any, loc: tuple) -> list[str]:
    """The `type` tags of the union at `loc` of `model` (what a missing `type` could be)."""
    tp = _model_at(model, loc)
    if tp is None:
        return []
    if get_origin(tp) is list:
        tp = _unwrap(get_args(tp)[0])
    tags: list[str] = []
    for m in get_args(tp) if get_origin(tp) in (typing.Union, types.UnionType) else (tp,):
        m = _unwrap(m)
        if isinstance(m, type) and issubclass(m, BaseModel) and "type" in m.model_fields:
            tags += [str(t) for t in get_args(m.model_fields["type"].annotation)]
    return tags


def _data_path(data: Any, loc: tuple, *, absent_key: bool = True) -> tuple:
    """Keep the parts of a pydantic loc that are real keys of the YAML (drop union/tag segments).
    A final key absent from the data (a missing or extra key) is kept."""
    out: list = []
    node = data
    last_consumed = False
    for seg in loc:
        last_consumed = False
        if isinstance(node, dict) and seg in node:
            out.append(seg)
            node = node[seg]
            last_consumed = True
        elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
            out.append(seg)
            node = node[seg]
            last_consumed = True
        elif not isinstance(node, dict | list):
            break
    if absent_key and loc and not last_consumed and isinstance(node, dict) and isinstance(loc[-1], str):
        out.append(loc[-1])
    return tuple(out)


def _get(data: Any, key: tuple) -> Any:
    for k in key:
        try:
            data = data[k]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _allowed_keys(model: Any, loc: tuple) -> list[str]:
    """The field names of the model found at `loc` (walking unions by discriminator tag)."""
    tp = _model_at(model, loc)
    if tp is None:
        return []
    if get_origin(tp) in (typing.Union, types.UnionType):  # an optional model: `X | None`
        models = [m for m in get_args(tp) if isinstance(m, type) and issubclass(m, BaseModel)]
        tp = models[0] if len(models) == 1 else tp
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or name for name, f in tp.model_fields.items()]
    return []


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def _step(tp: Any, seg: Any) -> Any:
    tp = _unwrap(tp)
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [_unwrap(a) for a in get_args(tp)]
        for m in members:  # discriminator tag
            if isinstance(m, type) and issubclass(m, BaseModel) and "type" in m.model_fields:
                if seg in get_args(m.model_fields["type"].annotation):
                    return m
        for m in members:  # pydantic names a union member by its type name
            if getattr(m, "__name__", None) == seg or str(m) == seg:
                return m
        for m in members:
            r = _step(m, seg)
            if r is not None:
                return r
        return None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        f = tp.model_fields.get(seg) or next((f for f in tp.model_fields.values() if f.alias == seg), None)
        if f is None and "type" in tp.model_fields and seg in get_args(tp.model_fields["type"].annotation):
            return tp  # the discriminator tag of a one-member union
        return f.annotation if f else None
    if origin is list and isinstance(seg, int):
        return get_args(tp)[0]
    if origin is dict:
        return get_args(tp)[1]
    if isinstance(seg, str) and seg.startswith(("list[", "dict[")):
        return tp
    return None
