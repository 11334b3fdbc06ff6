"""What ARS where clauses cannot state, stated as tlf's own rules in a method's `codeTemplate` (context
"tlf"), which `tlf ars run` applies -- and the subject-level dataset and subject id of an event.

ARS selects records by where clauses: a data subset cannot say "the worst record of each subject" nor
"the terms in more than 5% of the subjects". `tlf ars export` writes such a rule as a parameter of the
analysis' method's code template, its value the rule as JSON, the code the rule as the spec says it:

    "codeTemplate": {"context": "tlf", "code": "select: {record: worst, by: ANRIND, order: [N, L, H]}",
                     "parameters": [{"name": "select", "valueSource": "tlf record selection (select:)",
                                     "value": ["{\\"record\\": \\"worst\\", \\"by\\": \\"ANRIND\\", ...}"]}]}

- `select`: one record per subject (and per its `per` variables) of the analysis' records (analysis set
  and data subset), chosen by tlf's record selection (tlf/data/select.py, what a build's `select:`,
  `per_subject:` and `by_grade:` use), before the result cells are made;
- `threshold`: the data-driven groups kept, by their subjects in the groups of `grouping` (the columns)
  that `over` names (their ids; none: all) pooled, out of those groups' subjects in the analysis set
  (tlf.stats.counts.passes_threshold: `pct_gt`, `pct_ge`, `n_ge`, all given must hold); with `terms` (a
  variable: the SOC analysis of SOC/PT terms) a group is kept when one of its terms passes.

A template of another context (a SAS program) is documentation, not read. A parameter tlf cannot read
is an error naming the method (ARS025).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tlf.errors import SpecError

CONTEXT = "tlf"
SOURCES = {"select": "tlf record selection (select:)", "threshold": "tlf term threshold (threshold:)"}


def code_template(**rules: dict | None) -> dict | None:
    """The codeTemplate of a method applying tlf `rules` (name -> rule as plain values); None: no rule."""
    given = {k: v for k, v in rules.items() if v}
    if not given:
        return None

    def flow(v: Any) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k}: {flow(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(flow(x) for x in v) + "]"
        return json.dumps(v) if isinstance(v, str) and (not v or not v.replace("_", "").isalnum()) else str(v)

    return {"context": CONTEXT, "code": "\n".join(f"{k}: {flow(v)}" for k, v in given.items()),
            "parameters": [{"name": k, "description": SOURCES[k], "valueSource": SOURCES[k],
                            "value": [json.dumps(v, sort_keys=True)]} for k, v in given.items()]}


def rules(method: Any) -> dict[str, Any]:
    """The tlf rules of a method's codeTemplate (context "tlf"): name -> its value (parsed)."""
    tpl = getattr(method, "codeTemplate", None)
    if not isinstance(tpl, dict) or str(tpl.get("context", "")).strip().lower() != CONTEXT:
        return {}
    out = {}
    for j, p in enumerate(tpl.get("parameters") or []):
        key = f"method {method.id}: codeTemplate.parameters[{j}]"
        if not isinstance(p, dict) or p.get("name") not in SOURCES:
            raise SpecError(f"tlf reads the parameters {', '.join(SOURCES)}, got "
                            f"{p.get('name') if isinstance(p, dict) else p!r}", key=key, code="ARS025")
        values = p.get("value") or []
        try:
            out[p["name"]] = json.loads(values[0]) if len(values) == 1 else None
        except (TypeError, ValueError):
            out[p["name"]] = None
        if not isinstance(out[p["name"]], dict):
            raise SpecError(f"one JSON object is expected (the rule), got {values!r}", key=f"{key}.value",
                            code="ARS025")
    return out


def select_rule(method: Any) -> Any:
    """The method's record selection as tlf's `select:` model (None: none)."""
    from pydantic import ValidationError

    from tlf.spec.base import RecordSelect

    rule = rules(method).get("select")
    if rule is None:
        return None
    try:
        return RecordSelect.model_validate(rule)
    except ValidationError as e:
        raise SpecError("codeTemplate parameter select is not a tlf record selection: "
                        f"{e.errors()[0]['msg']} at {'.'.join(map(str, e.errors()[0]['loc']))}",
                        key=f"method {method.id}", code="ARS025") from None


def selected(job: Any, rule: Any):
    """The analysis' row mask after one record per subject (and `per` group) is chosen by `rule`."""
    import numpy as np

    from tlf.data.select import select_records
    from tlf.errors import DataError

    pos = np.flatnonzero(job.base)
    var = (job.a.variable or "").upper()
    values = [var] if var and var in job.frame.columns and var != job.tables.subject else []
    # an analysis' summary, denominator and comparisons select the same records: once
    key = (job.ds, json.dumps(rule.model_dump(mode="json"), sort_keys=True), tuple(values),
           hashlib.sha256(np.packbits(job.base).tobytes()).hexdigest())
    cache = job.tables.selected
    if key in cache:
        return cache[key].copy()
    sub = job.frame.iloc[pos].reset_index(drop=True)

    def err(key: tuple, message: str, code: str):
        return DataError(f"{job.key} (method {job.method.id}, codeTemplate select.{'.'.join(map(str, key))}): "
                         f"{message}", dataset=job.ds, code=code)

    chosen = select_records(sub, rule, job.tables.subject, err, job.ds, values, f"analysis {job.a.id}")
    out = np.zeros(len(job.frame), dtype=bool)
    out[pos[chosen.index.to_numpy()]] = True
    cache[key] = out
    return out.copy()


def threshold_cells(job: Any, cells: list) -> list:
    """The result cells of the data-driven groups that meet the method's `threshold` (all when none): the
    subjects of a group's records in the `over` groups of the rule's grouping (the columns), summed, out of
    the sum of those groups' subjects in the analysis set."""
    rule = rules(job.method).get("threshold")
    if rule is None:
        return cells
    from tlf.stats.counts import passes_threshold

    where = "codeTemplate parameter threshold"
    unknown = set(rule) - {"pct_gt", "pct_ge", "n_ge", "over", "grouping", "terms"}
    grouping = job.groupings.get(rule.get("grouping"))
    if unknown or grouping is None or grouping.dataDriven:
        raise SpecError(f"{where}: " + (f"unknown keys {sorted(unknown)}" if unknown else
                                        f"grouping {rule.get('grouping')!r} is not a grouping of groups of the event"),
                        key=f"method {job.method.id}", code="ARS025")
    ids = [g.id for g in grouping.groups]
    over = rule.get("over") or ids
    if missing := [g for g in over if g not in ids]:
        raise SpecError(f"{where}: over names groups {missing} that grouping {grouping.id} does not have",
                        key=f"method {job.method.id}", code="ARS025")
    totals = dict(zip(ids, job.population(grouping), strict=True))
    masks = [job.tables.mask(g, job.ds, job.path(g)) for g in grouping.groups if g.id in over]
    subj = job.frame[job.tables.subject]
    combos: dict[tuple, Any] = {}
    for groups, m in cells:
        combo = tuple(v for _g, _i, v in groups if v is not None)
        combos[combo] = combos[combo] | m if combo in combos else m
    denom = sum(totals[g] for g in over)

    def passes(m) -> bool:
        return passes_threshold(sum(int(subj[m & g].nunique()) for g in masks), denom, pct_gt=rule.get("pct_gt"),
                                pct_ge=rule.get("pct_ge"), n_ge=rule.get("n_ge"))

    if rule.get("terms"):  # a group (an SOC) is kept when one of its terms passes
        var = str(rule["terms"]).upper()
        if var not in job.frame.columns:
            raise SpecError(f"{where}: terms: {job.ds} has no variable {var}", key=f"method {job.method.id}",
                            code="ARS025")
        terms = job.frame[var].astype(str).str.strip().to_numpy()
        keep = {c for c, m in combos.items() if any(passes(m & (terms == t)) for t in set(terms[m]) - {"", "nan"})}
    else:
        keep = {c for c, m in combos.items() if passes(m)}
    return [(groups, m) for groups, m in cells if tuple(v for _g, _i, v in groups if v is not None) in keep]


def subject_keys(event: Any) -> tuple[str, str]:
    """(subject-level dataset, subject id) of an event: the dataset its analysis sets' conditions name (ARS
    defines analysis sets on subject-level data), and the `variable` of its analyses counting subjects of
    that dataset (methods whose operations all count subjects); ADSL and USUBJID when the event does not say.
    Analysis sets on several datasets, or subject counts of different variables, are an error (ARS026)."""
    from tlf.ars.ops import classify
    from tlf.ars.where import clause_datasets

    names: set[str] = set()
    for s in event.analysisSets:
        names |= clause_datasets(s)
    if len(names) > 1:
        raise SpecError(f"the analysis sets are defined on {', '.join(sorted(names))}: tlf takes the subject-level "
                        "dataset from them and needs one", key="analysisSets", code="ARS026")
    dataset = names.pop() if names else "ADSL"
    methods = {m.id: m for m in event.methods}
    ids = {}
    for i, a in enumerate(event.analyses):
        m = methods.get(a.methodId)
        if m is None or not a.variable or (a.dataset or "").upper() != dataset:
            continue
        if all(classify(m, op)[0] == "subjects" for op in m.operations):
            ids.setdefault(a.variable.upper(), f"analyses[{i}]")
    if len(ids) > 1:
        raise SpecError(f"subjects of {dataset} are counted by different variables ({', '.join(sorted(ids))}: "
                        f"{', '.join(ids.values())}): which is the subject id?", key="analyses", code="ARS026")
    return dataset, (next(iter(ids)) if ids else "USUBJID")


__all__ = ["CONTEXT", "code_template", "rules", "select_rule", "selected", "subject_keys", "threshold_cells"]
