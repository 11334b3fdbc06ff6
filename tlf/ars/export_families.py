"""The ARS analyses of each tlf analysis family `tlf ars export` states (export.py drives them).

Each builder takes one tlf analysis and returns the ARS analyses, the groupings they add, and notes
(what of the analysis is left out); it raises Skip naming why the whole analysis is left out. A plan
entry per ARS analysis tells export.py's results filler which rows of the build's ARD are its cells:
`("none",)` one cell per column; `("fixed", grouping)` a cell per group (ARD level = the group's name);
`("driven", [grouping ids])` the data-driven values (ARD level, with the parent for two);
`("fixed", grouping, parent, prefix)` a by_visit parameter's visits (ARD parent the parameter, statistics
named with the part's prefix: `chg_mean`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CONTINUOUS_OPS = {"n": ("Count of non-missing values", "n"), "mean": ("Mean", "Mean"),
                  "sd": ("Standard deviation", "SD"), "median": ("Median", "Median"),
                  "q1": ("First quartile", "Q1"), "q3": ("Third quartile", "Q3"),
                  "min": ("Minimum", "Min"), "max": ("Maximum", "Max")}
ROW_STATS = {"n": ("n",), "mean": ("mean",), "sd": ("sd",), "mean_sd": ("mean", "sd"), "median": ("median",),
             "q1_q3": ("q1", "q3"), "min": ("min",), "max": ("max",), "min_max": ("min", "max"),
             "median_min_max": ("median", "min", "max")}
OFFSET = {"n": None, "mean": 1, "median": 1, "q1": 1, "q3": 1, "sd": 2, "min": 0, "max": 0}


MISSING = "Missing"  # the row of a categorical analysis' subjects without a value (categorical/run.py)


class Skip(Exception):
    """The whole analysis is left out; str() is why."""


@dataclass
class Built:
    analyses: list[dict] = field(default_factory=list)
    groupings: list[dict] = field(default_factory=list)
    cells: dict[str, tuple] = field(default_factory=dict)  # ARS analysis id -> its cells in the ARD
    notes: list[str] = field(default_factory=list)


@dataclass
class Site:
    """What an analysis is placed in: the output's analysis set, column grouping, big-N analysis, and the
    event's methods (`method(id, body)` adds one once)."""
    aid: str
    adsl: str
    set_id: str
    col_id: str
    n_id: str
    pct_decimals: int
    method: Any
    subset_id: str | None = None
    subset: dict | None = None  # the analysis' where clause (a data subset), to join a parameter's condition to
    ard: Any = None  # the build's results dataset of the output (decimals that follow the data)
    subsets: list = field(default_factory=list)  # data subsets a builder adds (by_visit: one per parameter)


def cond(ds: str, var: str, comparator: str, values) -> dict:
    values = values if isinstance(values, list) else [values]
    return {"condition": {"dataset": ds, "variable": var, "comparator": comparator,
                          "value": [str(v) for v in values]}}


def pattern(decimals: int) -> str:
    return "XX" if decimals <= 0 else "XX." + "X" * decimals


def continuous(a, site: Site) -> Built:
    stats = [s for row in a.rows for s in ROW_STATS.get(row, ("?" + row,))]
    unknown = [s[1:] for s in stats if s.startswith("?")]
    if unknown:
        raise Skip(f"rows {unknown} have no ARS operation tlf maps")
    stats = list(dict.fromkeys(stats))
    mid = f"Mth_{site.aid}"
    d = a.precision or 0
    site.method(mid, {"name": f"Summary of {a.label or a.var}", "operations": [
        {"id": f"{mid}_{s}", "name": CONTINUOUS_OPS[s][0], "label": CONTINUOUS_OPS[s][1], "order": i + 1,
         "resultPattern": ("(" + pattern(a.decimals.get(s, d + 2)) + ")") if s == "sd" else
         pattern(a.decimals.get(s, 0 if s == "n" else d + OFFSET[s]))} for i, s in enumerate(stats)]})
    out = Built()
    out.analyses.append({**_base(a, site, a.var.upper()), "methodId": mid, "orderedGroupings": [
        {"order": 1, "groupingId": site.col_id, "resultsByGroup": True}]})
    out.cells[site.aid] = ("none",)
    return out


def categorical(a, site: Site) -> Built:
    if a.per_subject:
        raise Skip("per_subject is not exported")
    if a.denominator != "N":
        raise Skip(f"denominator: {a.denominator} is not exported (the column's N is)")
    out = Built()
    lv = levels(f"Grp_{site.aid}_levels", a, site.adsl)
    out.groupings.append(lv)
    out.analyses.append(_counted(a, site, site.aid, a.var.upper(), [lv["id"]], a.pct_decimals))
    skip = ()
    if site.ard is not None and (site.ard[site.ard["analysis"] == a.id]["level"] == MISSING).any():
        skip = (MISSING,)  # subjects without a value: tlf's row; a level grouping has no group for a missing value
        out.notes.append(f"the {MISSING!r} row (subjects without {a.var}) is left out: an ARS grouping has no "
                         "group for a missing value")
    out.cells[site.aid] = ("driven", [lv["id"]], skip) if lv["dataDriven"] else ("fixed", lv)
    return out


def count(a, site: Site) -> Built:
    _counts_as_n(a)
    if a.ci:
        raise Skip(f"ci: {a.ci} (a confidence interval) is not exported")
    out = Built(notes=_events(a))
    out.analyses.append(_counted(a, site, site.aid, "USUBJID", [], a.pct_decimals))
    out.cells[site.aid] = ("none",)
    return out


def terms(a, site: Site) -> Built:
    _counts_as_n(a)
    if a.threshold:
        raise Skip("threshold: (terms chosen by their frequency) is not exported")
    if a.by_grade:
        raise Skip("by_grade: is not exported")
    ds = (a.dataset or site.adsl).upper()
    out = Built(notes=_events(a))
    skip = ()
    if a.uncoded and site.ard is not None and (site.ard[site.ard["analysis"] == a.id]["level"] == a.uncoded).any():
        skip = (a.uncoded,)  # records without a term: tlf's row; no data-driven group holds a missing value
        out.notes.append(f"the {a.uncoded!r} row (records without {a.term}) is left out: an ARS data-driven "
                         "grouping has no group for a missing value")
    term_id = f"Grp_{site.aid}_term"
    term = {"id": term_id, "name": "Preferred term", "groupingDataset": ds, "groupingVariable": a.term.upper(),
            "dataDriven": True}
    if a.soc:
        soc_id = f"Grp_{site.aid}_soc"
        out.groupings.append({"id": soc_id, "name": "System organ class", "groupingDataset": ds,
                              "groupingVariable": a.soc.upper(), "dataDriven": True})
        out.groupings.append(term)
        out.analyses.append(_counted(a, site, f"{site.aid}_SOC", "USUBJID", [soc_id], a.pct_decimals,
                                     name=f"{a.label}: system organ classes" if a.label else "System organ class"))
        out.cells[f"{site.aid}_SOC"] = ("driven", [soc_id], skip)
        out.analyses.append(_counted(a, site, site.aid, "USUBJID", [soc_id, term_id], a.pct_decimals,
                                     name=a.label or "System organ class / preferred term"))
        out.cells[site.aid] = ("driven", [soc_id, term_id], skip)
    else:
        out.groupings.append(term)
        out.analyses.append(_counted(a, site, site.aid, "USUBJID", [term_id], a.pct_decimals))
        out.cells[site.aid] = ("driven", [term_id], skip)
    return out


def _counts_as_n(a) -> None:
    if a.denominator != "N":
        raise Skip(f"denominator: {a.denominator} is not exported (the column's N is)")
    if getattr(a, "denominator_where", None):
        raise Skip("denominator_where: is not exported")
    if a.test:
        raise Skip(f"test: {a.test} is not exported")


def _events(a) -> list[str]:
    return ["events: true (the number of records) is left out: tlf's ARS run maps no count of records"] \
        if a.events else []


def _base(a, site: Site, variable: str) -> dict:
    base = {"id": site.aid, "name": a.label or a.id, "label": a.label or a.id,
            "dataset": (a.dataset or site.adsl).upper(), "variable": variable, "analysisSetId": site.set_id,
            "version": 1}
    if site.subset_id:
        base["dataSubsetId"] = site.subset_id
    return base


def _counted(a, site: Site, aid: str, variable: str, groupings: list[str], pct_decimals, name: str = "") -> dict:
    """An analysis of n and % (of the column's N) of subjects by the columns and `groupings`."""
    pd_ = pct_decimals if pct_decimals is not None else site.pct_decimals
    mid = f"Mth_Cat_{pd_}"
    site.method(mid, {"name": "Count and percent of subjects", "operations": [
        {"id": f"{mid}_n", "name": "Count of subjects", "label": "n", "order": 1, "resultPattern": "XX"},
        {"id": f"{mid}_pct", "name": "Percent of subjects", "label": "%", "order": 2,
         "resultPattern": "(" + pattern(pd_) + ")", "referencedOperationRelationships": [
             {"id": f"{mid}_pct_NUM", "referencedOperationRole": {"controlledTerm": "NUMERATOR"},
              "operationId": f"{mid}_n"},
             {"id": f"{mid}_pct_DEN", "referencedOperationRole": {"controlledTerm": "DENOMINATOR"},
              "operationId": "Mth_N_1_n"}]}]})
    body = {**_base(a, site, variable), "id": aid, "methodId": mid, "orderedGroupings": [
        {"order": 1, "groupingId": site.col_id, "resultsByGroup": True},
        *({"order": i + 2, "groupingId": g, "resultsByGroup": True} for i, g in enumerate(groupings))],
        "referencedAnalysisOperations": [
            {"referencedOperationRelationshipId": f"{mid}_pct_NUM", "analysisId": aid},
            {"referencedOperationRelationshipId": f"{mid}_pct_DEN", "analysisId": site.n_id}]}
    if name:
        body["name"] = body["label"] = name
    return body


def levels(gid: str, a, adsl: str) -> dict:
    var = a.var.upper()
    if not a.levels:
        return {"id": gid, "name": a.label or a.var, "groupingDataset": adsl, "groupingVariable": var,
                "dataDriven": True}
    listed = [v for lv in a.levels if not lv.other for v in (lv.values or [lv.value])]
    groups = []
    for i, lv in enumerate(a.levels):
        if lv.other:
            c = cond(adsl, var, "NOTIN", listed)
        else:
            vals = lv.values or [lv.value]
            c = cond(adsl, var, "IN" if len(vals) > 1 else "EQ", vals if len(vals) > 1 else vals[0])
        groups.append({"id": f"{gid}_{i + 1}", "name": lv.label, "level": 1, "order": i + 1, **c})
    return {"id": gid, "name": a.label or a.var, "groupingDataset": adsl, "groupingVariable": var,
            "dataDriven": False, "groups": groups}


DESCRIBED = ("n", "mean", "sd", "median", "q1", "q3", "min", "max")
PARTS = {"value": ("value_var", ""), "change": ("change_var", "chg_")}


def by_visit(a, site: Site) -> Built:
    """An analysis per part shown (value, change) and parameter: its records the analysis' where and the
    parameter (a data subset), its cells the columns and the visits (change: after baseline)."""
    ds = (a.dataset or site.adsl).upper()
    left = [p for p in a.show if p not in PARTS]
    if not set(a.show) & set(PARTS):
        raise Skip(f"show: {a.show} (percent change, percent of baseline) is not exported")
    out = Built(notes=[f"show: {left} (percent change, percent of baseline) is left out"] if left else [])
    if a.tests:
        out.notes.append("tests: (signed-rank tests against baseline) are left out")
    visits = {}
    for part in (p for p in a.show if p in PARTS):
        shown = [v for v in a.visits if part == "value" or v != a.baseline_visit]
        gid = f"Grp_{site.aid}_visits" + ("" if part == "value" else "_chg")
        visits[part] = {"id": gid, "name": "Visit", "groupingDataset": ds, "groupingVariable": a.visit_var.upper(),
                        "dataDriven": False,
                        "groups": [{"id": f"{gid}_{i + 1}", "name": v, "level": 1, "order": i + 1,
                                    **cond(ds, a.visit_var.upper(), "EQ", v)} for i, v in enumerate(shown)]}
        out.groupings.append(visits[part])
    for k, param in enumerate(a.params):
        decimals = {part: _param_decimals(a, site, param, PARTS[part][1]) for part in visits}
        unknown = [s for s in DESCRIBED if any(s not in d for d in decimals.values())]
        if unknown and k == 0:
            out.notes.append(f"statistics {unknown} are left out: their decimals follow the values collected (no "
                             "`precision:` nor `decimals:`; export with --results BUILD_DIR to take them from the build)")
        sid = f"DS_{site.aid}_{k + 1}"
        here = cond(ds, a.param_var.upper(), "EQ", param)
        site.subsets.append({"id": sid, "name": f"{a.param_var} = {param}" + (f" and {a.where}" if a.where else ""),
                             "level": 1, "order": 1,
                             **({"compoundExpression": {"logicalOperator": "AND", "whereClauses": [here, site.subset]}}
                                if site.subset else here)})
        for part, grouping in visits.items():
            var_key, prefix = PARTS[part]
            aid = f"{site.aid}_{part}_{k + 1}"
            mid = f"Mth_{aid}"
            site.method(mid, {"name": f"Summary of {param} ({part})", "operations": [
                {"id": f"{mid}_{s}", "name": CONTINUOUS_OPS[s][0], "label": CONTINUOUS_OPS[s][1], "order": i + 1,
                 "resultPattern": ("(" + pattern(decimals[part][s]) + ")") if s == "sd" else
                 pattern(decimals[part][s])}
                for i, s in enumerate(x for x in DESCRIBED if x in decimals[part])]})
            label = f"{a.label or a.id}: {param}, {'change from baseline' if prefix else 'value'}"
            out.analyses.append({**_base(a, site, getattr(a, var_key).upper()), "id": aid, "name": label,
                                 "label": label, "dataSubsetId": sid, "methodId": mid, "orderedGroupings": [
                                     {"order": 1, "groupingId": site.col_id, "resultsByGroup": True},
                                     {"order": 2, "groupingId": grouping["id"], "resultsByGroup": True}]})
            out.cells[aid] = ("fixed", grouping, param, prefix)
    return out


def _param_decimals(a, site: Site, param: str, prefix: str) -> dict[str, int]:
    """The decimals of each statistic of a parameter: `decimals:`, else `precision:` (mean +1, SD +2), else
    the build's results dataset (tlf takes them from the values collected)."""
    if a.precision is not None or all(s in a.decimals for s in DESCRIBED if s != "n"):
        d = a.precision or 0
        return {s: a.decimals.get(s, 0 if s == "n" else d + OFFSET[s]) for s in DESCRIBED}
    if site.ard is None:  # the statistics whose decimals `decimals:` gives
        known = {"n": 0} | {s: a.decimals[s] for s in DESCRIBED if s in a.decimals}
        if len(known) == 1:
            raise Skip("the decimals follow the values collected (no `precision:`) and no build's results of the "
                       "output are given (export with --results BUILD_DIR to take them from the build)")
        return {s: known[s] for s in DESCRIBED if s in known}
    rows = site.ard[(site.ard["analysis"] == a.id) & (site.ard["parent"].astype(str) == str(param))]
    found = {r.stat_name.removeprefix(prefix): int(r.decimals) for r in rows.itertuples()
             if r.stat_name.startswith(prefix)}
    missing = [s for s in DESCRIBED if s not in found]
    if missing:
        raise Skip(f"the build's results have no decimals of {missing} for parameter {param}")
    return {s: found[s] for s in DESCRIBED}


BUILDERS = {"continuous": continuous, "categorical": categorical, "count": count, "terms": terms,
            "by_visit": by_visit}
SUBJECT_LEVEL_ONLY = ("continuous", "categorical")

__all__ = ["BUILDERS", "SUBJECT_LEVEL_ONLY", "Built", "Site", "Skip", "cond", "pattern"]
