"""Load and check a spec folder: study.yaml plus one YAML per output.

Every problem found is collected and raised together (ErrorGroup), each a SpecError naming the file,
line, column and key, with "did you mean" where a name is close to a known one.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from tlf.analyses.by_visit.spec import check_side_by_side
from tlf.analyses.categorical.spec import check_levels_as_columns
from tlf.analyses.pk.spec import check_pk_output
from tlf.analyses.registry import plot_types
from tlf.analyses.shift.spec import check_shift_output
from tlf.errors import SpecError, TlfError, did_you_mean, raise_all
from tlf.spec.derived import check_derived
from tlf.spec.load import Located, dotted, load_yaml
from tlf.spec.model import (
    OUTPUT_TYPES,
    ColumnSpec,
    Output,
    OutputSpecTypes,
    StudySpec,
)
from tlf.spec.stat_columns import check_estimate_columns

STUDY_FILE = "study.yaml"


@dataclass(frozen=True)
class OutputEntry:
    """One output spec with the file it came from (for locating errors later)."""

    spec: OutputSpecTypes
    source: Located

    @property
    def id(self) -> str:
        return self.spec.id

    def error(self, key: tuple, message: str, code: str) -> SpecError:
        return SpecError(message, location=self.source.locate(key), key=dotted(key), code=code)


@dataclass(frozen=True)
class Study:
    """A loaded, validated spec folder."""

    root: Path
    spec: StudySpec
    source: Located
    outputs: tuple[OutputEntry, ...]

    def output(self, output_id: str) -> OutputEntry:
        for o in self.outputs:
            if o.id == output_id:
                return o
        raise SpecError(f"no output with id '{output_id}'{did_you_mean(output_id, [o.id for o in self.outputs])}",
                        code="SPEC020")

    def columns_for(self, entry: OutputEntry) -> list[ColumnSpec]:
        cols = entry.spec.columns
        return list(self.spec.columns[cols]) if isinstance(cols, str) else list(cols)

    def data_dir(self, override: Path | None = None) -> Path:
        if override is not None:
            return override
        d = Path(self.spec.data.dir)
        return d if d.is_absolute() else (self.root / d)

    def error(self, key: tuple, message: str, code: str) -> SpecError:
        return SpecError(message, location=self.source.locate(key), key=dotted(key), code=code)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # elsewhere; a symlink loop cannot be resolved
        return str(path)


def load_study(specs_dir: Path | str = "specs") -> Study:
    """Load and validate every spec in `specs_dir`. Raises SpecError / ErrorGroup on any problem."""
    root = Path(specs_dir)
    if not root.is_dir():
        raise SpecError(f"spec folder '{root}' not found", code="SPEC000")
    errors: list[TlfError] = []
    study_path = root / STUDY_FILE
    if not study_path.is_file():
        raise SpecError(f"no {STUDY_FILE} in '{_display(root)}': a spec folder needs the study-level spec",
                        code="SPEC001")
    study_src = load_yaml(study_path, _display(study_path))
    study_spec = _validate(StudySpec, study_src, errors)
    entries: list[OutputEntry] = []
    for path in sorted(root.glob("*.y*ml")):
        if path.name == STUDY_FILE or path.suffix not in (".yaml", ".yml"):
            continue
        try:
            src = load_yaml(path, _display(path))
        except SpecError as e:
            errors.append(e)
            continue
        if src.data == {}:  # an empty file (or only comments)
            errors.append(SpecError(f"the file is empty: an output spec needs at least 'id' and 'type' (one of: "
                                    f"{', '.join(OUTPUT_TYPES)})", location=src.locate(()), code="SPEC011"))
            continue
        spec = _validate(Output, src, errors)
        if spec is not None:
            entries.append(OutputEntry(spec, src))
    raise_all(errors)
    assert study_spec is not None
    study = Study(root, study_spec, study_src, tuple(entries))
    raise_all(cross_check(study))
    return study


# ---------------------------------------------------------------- pydantic -> SpecError

def _validate(model: Any, src: Located, errors: list[TlfError]) -> Any:
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


# ---------------------------------------------------------------- cross-checks

def cross_check(study: Study) -> list[TlfError]:
    """Checks between keys and files: names that must refer to something defined elsewhere."""
    errors: list[TlfError] = []
    spec = study.spec
    datasets = spec.data.datasets
    pops = spec.populations
    if spec.data.subject_dataset not in datasets:
        errors.append(study.error(("data", "subject_dataset"),
                                  f"subject-level dataset '{spec.data.subject_dataset}' is not among data.datasets"
                                  f"{did_you_mean(spec.data.subject_dataset, datasets)}", "SPEC030"))
    for name, pop in pops.items():
        if pop.within and pop.within not in pops:
            errors.append(study.error(("populations", name, "within"),
                                      f"unknown population '{pop.within}'{did_you_mean(pop.within, pops)}", "SPEC031"))
        if pop.has_records and pop.has_records.dataset not in datasets:
            errors.append(study.error(("populations", name, "has_records", "dataset"),
                                      f"unknown dataset '{pop.has_records.dataset}'"
                                      f"{did_you_mean(pop.has_records.dataset, datasets)}", "SPEC032"))
    errors += _population_cycles(study)
    errors += check_derived(study)
    for ds_name in spec.derive:
        if ds_name not in datasets:
            errors.append(study.error(("derive", ds_name), f"unknown dataset '{ds_name}'"
                                      f"{did_you_mean(ds_name, datasets)}", "SPEC032"))
    for set_name, cols in spec.columns.items():
        errors += _check_columns(study, cols, lambda k, m, c, s=set_name: study.error(("columns", s, *k), m, c))
    seen: dict[str, OutputEntry] = {}
    folded: dict[str, OutputEntry] = {}
    for entry in study.outputs:
        o = entry.spec
        if o.id in seen:
            errors.append(entry.error(("id",), f"output id '{o.id}' is also used by {seen[o.id].source.path.name}",
                                      "SPEC021"))
        elif o.id.casefold() in folded:
            other = folded[o.id.casefold()]
            errors.append(entry.error(("id",), f"output id '{o.id}' differs only in case from '{other.spec.id}' "
                                      f"({other.source.path.name}): on Windows and macOS both would be one file",
                                      "SPEC023"))
        seen[o.id] = entry
        folded.setdefault(o.id.casefold(), entry)
        if (clash := reserved_id(o.id)):
            errors.append(entry.error(("id",), f"output id '{o.id}' {clash}; choose another id", "SPEC024"))
        if o.population not in pops:
            errors.append(entry.error(("population",), f"unknown population '{o.population}'"
                                      f"{did_you_mean(o.population, pops)}; defined: {', '.join(pops)}", "SPEC031"))
        if o.type == "listing":
            from tlf.spec.listing import check_listing

            errors += check_listing(study, entry)
            continue
        if isinstance(o.columns, str):
            if o.columns not in spec.columns:
                errors.append(entry.error(("columns",), f"unknown column set '{o.columns}'"
                                          f"{did_you_mean(o.columns, spec.columns)}; defined in study.yaml: "
                                          f"{', '.join(spec.columns)}", "SPEC033"))
                continue
        else:
            errors += _check_columns(study, o.columns, lambda k, m, c, e=entry: e.error(("columns", *k), m, c))
        col_ids = [c.id for c in study.columns_for(entry)]
        errors += check_pk_output(entry) + check_side_by_side(entry) + check_levels_as_columns(entry)
        errors += check_shift_output(entry)
        plot = getattr(o, "plot", None)
        if plot is not None and getattr(plot, "dataset", None) is not None and plot.dataset not in datasets:
            errors.append(entry.error(("plot", "dataset"), f"unknown dataset '{plot.dataset}'"
                                      f"{did_you_mean(plot.dataset, datasets)}; defined in study.yaml: "
                                      f"{', '.join(datasets)}", "SPEC032"))
        ids: set[str] = set()
        for i, a in enumerate(o.analyses):
            if a.id in ids:
                errors.append(entry.error(("analyses", i, "id"), f"analysis id '{a.id}' used twice in this output",
                                          "SPEC022"))
            ids.add(a.id)
            ds = a.dataset or spec.data.subject_dataset
            if ds not in datasets:
                errors.append(entry.error(("analyses", i, "dataset"), f"unknown dataset '{ds}'"
                                          f"{did_you_mean(ds, datasets)}; defined in study.yaml: "
                                          f"{', '.join(datasets)}", "SPEC032"))
            for q in ("x", "y", "concentration"):
                qds = getattr(getattr(a, q, None), "dataset", None)
                if qds is not None and qds not in datasets:
                    errors.append(entry.error(("analyses", i, q, "dataset"), f"unknown dataset '{qds}'"
                                              f"{did_you_mean(qds, datasets)}", "SPEC032"))
            ref = getattr(a, "reference", None)
            if ref is not None and ref not in col_ids:
                errors.append(entry.error(("analyses", i, "reference"), f"reference column '{ref}' is not a column "
                                          f"of this output{did_you_mean(ref, col_ids)}; columns: {', '.join(col_ids)}",
                                          "SPEC034"))
            over = getattr(getattr(a, "threshold", None), "over", None) or []
            for j, cid in enumerate(over):
                if cid not in col_ids:
                    errors.append(entry.error(("analyses", i, "threshold", "over", j),
                                              f"unknown column '{cid}'{did_you_mean(cid, col_ids)}", "SPEC034"))
            errors += _check_ancova_columns(entry, i, a, col_ids)
        if o.type == "figure" and o.plot.kind in _PLOT_TYPES:
            errors += _check_plot(entry)
        errors += _check_stat_columns(entry, col_ids) + check_estimate_columns(entry)
    return errors


RESERVED_IDS = ("bundle", "index", "manifest")  # the stems of files tlf writes next to the outputs


def reserved_id(output_id: str) -> str:
    """Why an output id would collide with a file tlf writes itself, or '': '<id>.shell.*' are the
    shells of output <id>; bundle.docx, index.html and manifest.json are the bundle, review index and
    build manifest (case aside: one file on Windows and macOS)."""
    low = output_id.casefold()
    if low.endswith(".shell"):
        return f"ends in '.shell': its files would be the shell of output '{output_id[:-6]}'"
    if low in RESERVED_IDS:
        return (f"is the name of a file tlf writes in the output folder ({', '.join(RESERVED_IDS)} "
                "are reserved)")
    return ""


def _check_ancova_columns(entry: OutputEntry, i: int, a, col_ids: list[str]) -> list[TlfError]:
    """An ANCOVA's comparisons and model column name columns of the output; a pair compares two."""
    errors: list[TlfError] = []
    for j, pair in enumerate(getattr(a, "comparisons", None) or []):
        for k, cid in enumerate(pair):
            if cid not in col_ids:
                errors.append(entry.error(("analyses", i, "comparisons", j, k), f"unknown column '{cid}'"
                                          f"{did_you_mean(cid, col_ids)}; columns: {', '.join(col_ids)}", "SPEC034"))
        if pair[0] == pair[1]:
            errors.append(entry.error(("analyses", i, "comparisons", j), f"column '{pair[0]}' compared with itself",
                                      "SPEC034"))
    errors += _check_interactions(entry, i, a)
    mc = getattr(a, "model_column", None)
    if mc is not None and mc not in col_ids:
        errors.append(entry.error(("analyses", i, "model_column"), f"unknown column '{mc}'"
                                  f"{did_you_mean(mc, col_ids)}; columns: {', '.join(col_ids)}", "SPEC034"))
    return errors


def _check_interactions(entry: OutputEntry, i: int, a) -> list[TlfError]:
    """An ANCOVA's interactions join `treatment` and variables of its factors and covariates, each
    name once, each interaction once."""
    errors: list[TlfError] = []
    known = ["treatment", *getattr(a, "factors", []), *getattr(a, "covariates", [])]
    seen: dict[frozenset, int] = {}
    for j, inter in enumerate(getattr(a, "interactions", None) or []):
        for k, name in enumerate(inter):
            if name not in known:
                errors.append(entry.error(("analyses", i, "interactions", j, k), f"'{name}' is not `treatment` or a "
                                          f"variable of `factors` or `covariates`{did_you_mean(name, known)}; "
                                          f"known: {', '.join(known)}", "SPEC041"))
        if len(set(inter)) < len(inter):
            errors.append(entry.error(("analyses", i, "interactions", j), f"interaction {inter} names a variable "
                                      "more than once", "SPEC041"))
        key = frozenset(inter)
        if key in seen:
            errors.append(entry.error(("analyses", i, "interactions", j), f"interaction {inter} repeats "
                                      f"interactions[{seen[key]}]", "SPEC041"))
        seen.setdefault(key, j)
    return errors


_PLOT_TYPES = plot_types()  # figure kind -> the analysis types it draws (tlf/analyses/registry.py)


def _check_plot(entry: OutputEntry) -> list[TlfError]:
    """A figure's panels name its analyses, of the types its plot kind draws."""
    o = entry.spec
    plot = o.plot
    kinds = _PLOT_TYPES[plot.kind]
    by_id = {a.id: a for a in o.analyses}
    errors: list[TlfError] = []
    if plot.group is not None and plot.kind != "scatter":
        errors.append(entry.error(("plot", "group"), f"`group` colours the points of a scatter plot; plot kind "
                                  f"'{plot.kind}' draws one series per treatment column", "SPEC036"))
    for j, pid in enumerate(plot.panels or list(by_id)):
        a = by_id.get(pid)
        if a is None:
            errors.append(entry.error(("plot", "panels", j), f"unknown analysis '{pid}'{did_you_mean(pid, by_id)}",
                                      "SPEC036"))
        elif a.type not in kinds:
            errors.append(entry.error(("plot", "panels", j) if plot.panels else ("plot", "kind"),
                                      f"plot kind '{plot.kind}' draws {' or '.join(kinds)} analyses; "
                                      f"'{pid}' is {a.type}", "SPEC036"))
        elif plot.kind == "by_visit" and plot.quantity not in a.show:
            errors.append(entry.error(("plot", "quantity"), f"plot quantity '{plot.quantity}' is not among the parts "
                                      f"analysis '{pid}' shows ({', '.join(a.show)}); add it to its `show`",
                                      "SPEC036"))
        elif plot.kind == "scatter" and len({by_id[p].type for p in (plot.panels or list(by_id)) if p in by_id}) > 1:
            errors.append(entry.error(("plot", "kind"), "a scatter figure draws correlation or emax analyses, not "
                                      "both in one figure", "SPEC036"))
            break
        elif plot.kind == "lsmean_bars" and plot.visit and plot.visit not in a.visits:
            errors.append(entry.error(("plot", "visit"), f"visit '{plot.visit}' is not among the visits of "
                                      f"'{pid}'{did_you_mean(plot.visit, a.visits)}", "SPEC044"))
    return errors


def _check_stat_columns(entry: OutputEntry, col_ids: list[str]) -> list[TlfError]:
    """Stat columns compare existing treatment columns, do not reuse their ids, and run a test that fits
    each analysis (an analysis's own `test` is checked against its kind of data)."""
    from tlf.analyses.registry import compares
    from tlf.spec.base import resolve_test

    errors: list[TlfError] = []
    stat_cols = getattr(entry.spec, "stat_columns", [])
    seen = set(col_ids)
    for k, sc in enumerate(stat_cols):
        if sc.id in seen:
            errors.append(entry.error(("stat_columns", k, "id"), f"column id '{sc.id}' used twice", "SPEC022"))
        seen.add(sc.id)
        for j, cid in enumerate(sc.over):
            if cid not in col_ids:
                errors.append(entry.error(("stat_columns", k, "over", j),
                                          f"unknown column '{cid}'{did_you_mean(cid, col_ids)}", "SPEC034"))
    for i, a in enumerate(entry.spec.analyses):
        kind = compares(a.type)
        own = getattr(a, "test", None)
        if kind is None:
            continue
        for k, sc in enumerate(stat_cols):
            try:
                test = resolve_test(own or sc.test, kind)
            except ValueError as e:
                key = ("analyses", i, "test") if own else ("stat_columns", k, "test")
                errors.append(entry.error(key, f"{e} (analysis '{a.id}' is {a.type})", "SPEC036"))
                continue
            errors += _check_strata(entry, k, sc, a, test)
    return errors


STRATIFIED = ("categorical", "count", "responders", "time_to_event")  # analyses that can run a stratified test


def _check_strata(entry: OutputEntry, k: int, sc, a, test: str) -> list[TlfError]:
    """`strata` goes with a CMH or log-rank test of an analysis that counts subjects or times them."""
    if test in ("cmh", "logrank") and (test == "cmh" or sc.strata) and a.type not in STRATIFIED:
        return [entry.error(("stat_columns", k, "strata" if sc.strata else "test"), f"a stratified test ({test}"
                            f"{' with strata' if sc.strata else ''}) is not available for analysis '{a.id}' "
                            f"({a.type}); it is for {', '.join(STRATIFIED)}", "SPEC108")]
    if sc.strata and test not in ("cmh", "logrank", "none"):
        return [entry.error(("stat_columns", k, "strata"), f"`strata` stratifies a `cmh` or `logrank` test, but "
                            f"analysis '{a.id}' ({a.type}) runs {test} in this column: set `test: cmh` (or the "
                            "analysis's own `test: none`)", "SPEC107")]
    return []


def _check_columns(study: Study, cols: list[ColumnSpec], err: Any) -> list[TlfError]:
    errors: list[TlfError] = []
    seen: set[str] = set()
    pops = study.spec.populations
    for i, c in enumerate(cols):
        if c.id in seen:
            errors.append(err((i, "id"), f"column id '{c.id}' used twice", "SPEC022"))
        seen.add(c.id)
        if c.population and c.population not in pops:
            errors.append(err((i, "population"), f"unknown population '{c.population}'"
                              f"{did_you_mean(c.population, pops)}", "SPEC031"))
    return errors


def _population_cycles(study: Study) -> list[TlfError]:
    pops = study.spec.populations
    errors: list[TlfError] = []
    for name in pops:
        seen = [name]
        cur = pops[name].within
        while cur and cur in pops:
            if cur in seen:
                errors.append(study.error(("populations", name, "within"),
                                          f"populations refer to each other in a circle: {' -> '.join([*seen, cur])}",
                                          "SPEC035"))
                break
            seen.append(cur)
            cur = pops[cur].within
    return errors
