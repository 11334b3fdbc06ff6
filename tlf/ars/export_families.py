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
    # ARS analysis id -> what the output's stat columns compare of it (export_stats.py): "kind" (values,
    # counts), "factors" (groupings a test compares besides the columns), "estimates" (whether they apply)
    compared: dict[str, dict] = field(default_factory=dict)
    rules: dict[str, dict] = field(default_factory=dict)  # ARS analysis id -> its rules, where not the analysis'
    under: dict[str, str] = field(default_factory=dict)  # a comparison's id -> the id of the analysis it compares



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
    subject: str = "USUBJID"  # the study's subject id (study.yaml data.subject_id)
    derived: frozenset = frozenset()  # variables of the analysis' dataset that `derive:` makes
    subject_derived: frozenset = frozenset()  # variables of the subject-level dataset that `derive:` makes
    rules: dict = field(default_factory=dict)  # tlf's rules ARS cannot state (selection.py): name -> rule

    @property
    def template(self) -> dict | None:
        from tlf.ars.selection import code_template

        return code_template(**self.rules)

    def mid(self, base: str) -> str:
        """The id of a method `base` of this analysis: with tlf's rules, one of its own per set of rules."""
        if not self.rules:
            return base
        import hashlib
        import json

        return f"{base}_R{hashlib.sha256(json.dumps(self.rules, sort_keys=True).encode()).hexdigest()[:8]}"

    def add_method(self, mid: str, body: dict) -> None:
        """Add method `mid` (from mid()) with tlf's rules as its codeTemplate."""
        self.method(mid, {**body, "codeTemplate": self.template} if self.rules else body)


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
    mid = site.mid(f"Mth_{site.aid}")
    d = a.precision or 0
    site.add_method(mid, {"name": f"Summary of {a.label or a.var}", "operations": [
        {"id": f"{mid}_{s}", "name": CONTINUOUS_OPS[s][0], "label": CONTINUOUS_OPS[s][1], "order": i + 1,
         "resultPattern": ("(" + pattern(a.decimals.get(s, d + 2)) + ")") if s == "sd" else
         pattern(a.decimals.get(s, 0 if s == "n" else d + OFFSET[s]))} for i, s in enumerate(stats)]})
    out = Built()
    out.analyses.append({**base_of(a, site, a.var.upper()), "methodId": mid, "orderedGroupings": [
        {"order": 1, "groupingId": site.col_id, "resultsByGroup": True}]})
    out.cells[site.aid] = ("none",)
    out.compared[site.aid] = {"kind": "values", "factors": [], "estimates": False, "test": getattr(a, "test", None)}
    return out


def base_of(a, site: Site, variable: str) -> dict:
    """The keys every exported analysis of `a` has: ids, dataset, variable, analysis set, data subset."""
    base = {"id": site.aid, "name": a.label or a.id, "label": a.label or a.id,
            "dataset": (a.dataset or site.adsl).upper(), "variable": variable, "analysisSetId": site.set_id,
            "version": 1}
    if site.subset_id:
        base["dataSubsetId"] = site.subset_id
    return base



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
            out.analyses.append({**base_of(a, site, getattr(a, var_key).upper()), "id": aid, "name": label,
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


BUILDERS = {"continuous": continuous, "by_visit": by_visit}  # categorical, count, terms: export_counts.py
SUBJECT_LEVEL_ONLY = ("continuous",)

__all__ = ["BUILDERS", "MISSING", "SUBJECT_LEVEL_ONLY", "Built", "Site", "Skip", "base_of", "cond", "pattern"]
