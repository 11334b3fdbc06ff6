"""`tlf ars run` of the model methods (export_models.py): an analysis whose method's codeTemplate names a
tlf model family (`ancova`, `mmrm`, `time_to_event`, `shift`) is computed by that family's runner
(tlf/analyses/<family>/run.py, the one `tlf build` calls), never by a second implementation:

- the records: the analysis' dataset in its analysis set and data subset (text of the parameter, visit
  and category variables without trailing blanks, as ARS compares text);
- the runner's columns: the groups of the treatment grouping (the codeTemplate's `treatment`), each the
  subjects of the analysis set in the group; their ids are the groups' ids;
- the tlf analysis: the codeTemplate's parameters, the parameters and visits of the parameter and visit
  groupings (the values their conditions compare with), a shift's categories from its baseline grouping
  (label: the group's name; values: its condition's), a log-rank test as a stat column over the groups
  the parameter `over` names;
- its ARD rows become the operations' results (model_results.results: the same mapping `tlf ars export
  --results` fills the export with). One fit serves every analysis of the same model (LS means, the
  differences per comparator, the model's statistics).

Parameters that do not make a valid tlf analysis are ARS019; groupings that are none of the model's ARS020.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tlf.ars.model_results import COMMON, KNOWN, OPS, family, op_token, parameters, results, roles, t3_stat
from tlf.errors import DataError, TlfError, did_you_mean

SUBJECT = "USUBJID"
ADSL = "ADSL"
LISTS = ("covariates", "factors", "covariates_by_visit", "factors_by_visit", "fallback", "visits")


def model_family(method: Any) -> str | None:
    """The tlf model family a (validated) method runs, or None."""
    tpl = getattr(method, "codeTemplate", None)
    if tpl is None:
        return None
    return family({"codeTemplate": tpl}) if isinstance(tpl, dict) else None


def fill_results(analysis: dict, event: dict, rows, columns: dict[str, str]) -> list[dict]:
    """`tlf ars export --results`: the results of an exported model analysis from the build's ARD rows
    (`columns`: treatment group id -> the output's column id)."""
    from tlf.ars.ops import format_value

    methods = {m["id"]: m for m in event["methods"]}
    groupings = {g["id"]: g for g in event["analysisGroupings"]}
    ard = {}
    for r in rows.itertuples():
        value = float(r.stat) if str(r.stat).strip() not in ("", "nan") else math.nan
        ard[(str(r.column or ""), _text(r.parent), _text(r.level), r.stat_name)] = value
    return results(analysis, methods[analysis["methodId"]], groupings, ard, lambda g: columns.get(g, g), format_value)


def run_model(event: Any, a: Any, key: str, method: Any, tables: Any, cache: dict) -> tuple[list[tuple], list[tuple]]:
    """(results as (operationId, groups, kind, value, formattedValue, note), operations not mapped as
    (operationId, reason)) of one analysis of a model method."""
    from tlf.ars.ops import format_value

    if "groupings" not in cache:
        cache["groupings"] = {g.id: g.model_dump() for g in event.analysisGroupings}
    groupings = cache["groupings"]
    mdict = method.model_dump()
    adict = a.model_dump()
    _check_template(mdict, key)
    params = parameters(mdict)
    unmapped = [(op["id"], f"operation '{op['name']}' is not one of tlf's {params['type'][0]} operations "
                 "(docs/ars.md, model families)") for op in mdict["operations"] if op_token(op) is None]
    try:
        by = {role: g["id"] for role, g in roles(adict, groupings, params).items() if role in ("param", "visit")}
    except ValueError as e:
        raise DataError(f"{key}: {e}", code="ARS020") from None
    ident = json.dumps([a.dataset, a.analysisSetId, a.dataSubsetId,
                        sorted((k, v) for k, v in params.items() if k != "comparator"), sorted(by.items())])
    if ident not in cache:
        cache[ident] = _ard(event, a, key, params, by, tables)
    ard, notes = cache[ident]
    out = []
    for r in results(adict, mdict, groupings, ard, lambda g: g, format_value, notes):
        groups = tuple((g["groupingId"], g.get("groupId"), g.get("groupValue")) for g in r["resultGroups"])
        op = next(o for o in mdict["operations"] if o["id"] == r["operationId"])
        token = op_token(op)
        value = float(r["rawValue"]) if r["rawValue"] != "" else None
        kind = t3_stat(op) if token == "T3" else _kind(token)
        out.append((r["operationId"], groups, kind, value, r["formattedValue"], r["_note"]))
    return out, unmapped


def _kind(token: str) -> str:
    """The ARD statistic of a result: the runner's (`lsmean`, `diff_pvalue`; a shift's percent `pct`), a
    Kaplan-Meier count or percent with its level (`n_events`, `pct_censored`)."""
    stat, _, level = OPS[token][1].partition("@")
    stat = "pct" if OPS[token][3] == 100 else stat
    return f"{stat}_{level.lower()}" if level else stat


def _check_template(method: dict, key: str) -> None:
    """ARS v1: a code template's parameters each have a name and a list of values (text)."""
    for j, p in enumerate(method["codeTemplate"].get("parameters") or []):
        where = f"{key}: method {method['id']}: codeTemplate.parameters[{j}]"
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            raise DataError(f"{where}: a parameter has a name", code="ARS019")
        v = p.get("value", [])
        if not isinstance(v, list) or any(isinstance(x, dict | list) for x in v):
            raise DataError(f"{where}.value: a list of values (ARS v1), got {json.dumps(v)[:60]}", code="ARS019")
    fam = parameters(method)["type"][0]
    known = (*COMMON, *KNOWN[fam])
    for j, p in enumerate(method["codeTemplate"].get("parameters") or []):
        if p["name"] not in known:
            raise DataError(f"{key}: method {method['id']}: codeTemplate.parameters[{j}]: '{p['name']}' is not a "
                            f"parameter of a tlf {fam} model{did_you_mean(p['name'], known)}; known: "
                            f"{', '.join(known)}", code="ARS019")


def _ard(event, a, key: str, params: dict[str, list[str]], by_id: dict[str, str], tables) -> tuple[dict, dict]:
    """The family runner's ARD rows on the analysis' records: (column, parent, level, stat) -> value."""
    import numpy as np

    from tlf.analyses.context import ColumnGroup, Ctx
    from tlf.analyses.registry import part
    from tlf.data.read import Dataset

    fam = params["type"][0]
    ds = (a.dataset or "").upper()
    if not ds:
        raise DataError(f"{key}: the analysis names no dataset", code="ARS014")
    frame = tables.frame(ds, f"{key}.dataset")
    subject_level, sid = tables.subject_dataset, tables.subject  # the event's (selection.subject_keys)
    adsl = tables.frame(subject_level, key)
    sets = {s.id: s for s in event.analysisSets}
    subsets = {s.id: s for s in event.dataSubsets}
    groupings = {g.id: g for g in event.analysisGroupings}
    mask = np.ones(len(frame), dtype=bool)
    in_set = np.ones(len(adsl), dtype=bool)
    if a.analysisSetId:
        mask &= tables.mask(sets[a.analysisSetId], ds, a.analysisSetId)
        in_set &= tables.mask(sets[a.analysisSetId], subject_level, a.analysisSetId)
    if a.dataSubsetId:
        mask &= tables.mask(subsets[a.dataSubsetId], ds, a.dataSubsetId)
    recs = frame[mask].copy()
    for p in ("param_var", "visit_var", "baseline", "post"):
        var = params.get(p, [""])[0].upper()
        if var in recs.columns and not _numeric(recs[var]):
            recs[var] = recs[var].where(recs[var].isna(), recs[var].astype(str).str.rstrip(" "))
    treatment = groupings.get(params.get("treatment", [""])[0])
    if treatment is None or not treatment.groups:
        raise DataError(f"{key}: the codeTemplate's parameter `treatment` names no grouping with groups",
                        code="ARS020")
    columns = []
    for grp in treatment.groups:
        m = in_set & tables.mask(grp, subject_level, grp.id)
        columns.append(ColumnGroup(grp.id, grp.name or grp.id, "", None, "", frozenset(adsl.loc[m, sid])))
    by = {role: groupings[gid] for role, gid in by_id.items()}
    spec = _spec(fam, ds, params, by, recs, a.variable)
    frames = {ds: recs} if ds == subject_level else {ds: recs, subject_level: adsl}
    data = _Data({k: Dataset(k, v) for k, v in frames.items()}, subject_level, sid)
    entry = _Entry(key, spec.pop("_stat_columns", []))
    model = part(fam, "spec", "MODELS")
    from pydantic import ValidationError

    try:
        analysis = model.model_validate(spec)
    except ValidationError as e:
        msg = "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
        raise DataError(f"{key}: the codeTemplate's parameters do not make a tlf {fam} analysis: {msg}",
                        code="ARS019") from None
    ctx = Ctx(None, entry, data, 0, analysis, 1)
    rows = part(fam, "run", "RUNNERS")(ctx, columns)
    ard, notes = {}, {}
    for r in rows:
        k = (r["column"], str(r["parent"]), str(r["level"]), r["stat_name"])
        ard[k], notes[k] = r["stat"], r["warning"]
    return ard, notes


def _spec(fam: str, ds: str, params: dict[str, list[str]], by: dict, recs, variable: str | None) -> dict:
    """The tlf analysis (a dict for the family's spec model) the codeTemplate's parameters state."""
    one = {k: v[0] for k, v in params.items() if v and k not in LISTS}
    spec: dict[str, Any] = {"id": "model", "type": fam, "dataset": ds}
    if params.get("where"):  # tlf's expression of the records, applied by the runner (ctx.records)
        spec["where"] = params["where"][0]
    if params.get("select"):  # tlf's record selection, applied by the runner (ctx.records)
        try:
            spec["select"] = json.loads(params["select"][0])
        except ValueError:
            raise DataError(f"codeTemplate parameter select is not JSON: {params['select'][0][:60]}",
                            code="ARS019") from None
    if "param" in by:
        spec["param"] = [_value(g) for g in by["param"].groups]
    if "visit" in by:
        spec["visits"] = [_value(g) for g in by["visit"].groups]
    if fam in ("ancova", "mmrm"):
        for k in ("param_var", "visit_var", "response", "reference", "weights", "base_var"):
            if k in one:
                spec[k] = one[k]
        if "response" not in spec and variable:  # the dependent variable: the analysis' variable
            spec["response"] = variable
        spec["alpha"] = float(one.get("alpha", 0.05))
        spec["covariates"] = params.get("covariates", [])
        spec["factors"] = params.get("factors", [])
        spec["comparisons"] = [c.split("|") for c in params.get("comparisons", [])] or None
        if fam == "ancova":
            spec |= {"ci": one.get("ci", "t"), "dose": one.get("dose"),
                     "interactions": [x.split("*") for x in params.get("interactions", [])]}
        else:
            spec |= {k: params.get(k, []) for k in ("covariates_by_visit", "factors_by_visit", "fallback")}
            spec |= {k: one[k] for k in ("covariance", "method", "df") if k in one}
            if params.get("visits"):
                spec["visits"] = params["visits"]
    elif fam == "time_to_event":
        spec |= {"time": one.get("time", variable or "AVAL"), "censor": one.get("censor", "CNSR"),
                 "ci_transform": one.get("ci_transform", "log-log"), "alpha": float(one.get("alpha", 0.05))}
        censor = spec["censor"]
        value = one.get("event_value", "0")
        spec["event_value"] = _number(value) if censor in recs.columns and _numeric(recs[censor]) else value
        if "hr_reference" in one:
            spec["hazard_ratio"] = {"reference": one["hr_reference"], "ties": one.get("ties", "breslow"),
                                    "strata": params.get("strata", []), "covariates": params.get("hr_covariates", []),
                                    "alpha": float(one.get("hr_alpha", 0.05))}
        if "stat_column" in one:
            from tlf.spec.stat_columns import StatColumn

            spec["_stat_columns"] = [StatColumn.model_validate(
                {"id": one["stat_column"], "label": one["stat_column"], "over": params.get("over", []),
                 "test": one.get("test", "logrank"), "strata": (params.get("strata") or [None])[0]})]
    else:  # shift
        spec |= {k: one[k] for k in ("param_var", "visit_var", "baseline", "post", "denominator", "test") if k in one}
        spec["missing"] = one.get("missing", "true") == "true"
        if params.get("levels"):  # each a JSON object: {"label": ..., "values": [...]}
            numeric = _numeric(recs[spec["baseline"]]) if spec.get("baseline") in recs.columns else False
            spec["levels"] = []
            for text in params["levels"]:
                lv = json.loads(text)
                spec["levels"].append({"label": lv["label"], "values": [_number(str(v)) if numeric else str(v)
                                                                        for v in lv["values"]]})
        if "visits" not in spec:
            spec.pop("visit_var", None)
    return spec


def _value(g) -> str:
    if g.condition is None or len(g.condition.value) != 1 or g.condition.comparator != "EQ":
        raise DataError(f"group {g.id}: a parameter or visit group of a model is one EQ condition", code="ARS020")
    return str(g.condition.value[0])


def _number(v: str):
    try:
        x = float(v)
    except ValueError:
        return v
    return int(x) if x.is_integer() else x


def _numeric(col) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(col)


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v)


class _Data:
    """What a family runner reads of the study's data (tlf.data.datasets.StudyData): the analysis'
    records and the subject-level dataset."""

    subject_id = SUBJECT
    subject_dataset = ADSL

    def __init__(self, frames: dict, subject_dataset: str = ADSL, subject_id: str = SUBJECT) -> None:
        self.frames = frames
        self.findings: list = []
        self.subject_dataset, self.subject_id = subject_dataset, subject_id

    def dataset(self, name: str):
        if name.upper() not in self.frames:
            raise DataError(f"dataset {name} is not read by this analysis", dataset=name, code="ARS010")
        return self.frames[name.upper()]

    @property
    def subjects(self):
        return self.frames[self.subject_dataset].frame

    def period_var(self, name: str) -> None:
        return None

    def add_finding(self, finding) -> None:
        self.findings.append(finding)


class _Entry:
    """The output a runner's errors are located in: the ARS analysis, the codeTemplate's parameter."""

    def __init__(self, key: str, stat_columns: list) -> None:
        self.id = key
        self.key = key
        self.spec = type("Spec", (), {"stat_columns": stat_columns})()

    def error(self, key: tuple, message: str, code: str) -> TlfError:
        where = ".".join(str(k) for k in key[2:]) if len(key) > 2 and key[0] == "analyses" else ".".join(map(str, key))
        return DataError(f"{self.key} (the model's {where or 'analysis'}): {message}", code=code)


__all__ = ["fill_results", "model_family", "run_model"]
