"""The ARS analyses of each tlf analysis family `tlf ars export` states (export.py drives them).

Each builder takes one tlf analysis and returns the ARS analyses, the groupings they add, and notes
(what of the analysis is left out); it raises Skip naming why the whole analysis is left out. A plan
entry per ARS analysis tells export.py's results filler which rows of the build's ARD are its cells:
`("none",)` one cell per column; `("fixed", grouping)` a cell per group (ARD level = the group's name);
`("driven", [grouping ids])` the data-driven values (ARD level, with the parent for two).
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
    out = Built()
    lv = levels(f"Grp_{site.aid}_levels", a, site.adsl)
    out.groupings.append(lv)
    out.analyses.append(_counted(a, site, site.aid, a.var.upper(), [lv["id"]], a.pct_decimals))
    out.cells[site.aid] = ("driven", [lv["id"]]) if lv["dataDriven"] else ("fixed", lv)
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
    term_id = f"Grp_{site.aid}_term"
    term = {"id": term_id, "name": "Preferred term", "groupingDataset": ds, "groupingVariable": a.term.upper(),
            "dataDriven": True}
    if a.soc:
        soc_id = f"Grp_{site.aid}_soc"
        out.groupings.append({"id": soc_id, "name": "System organ class", "groupingDataset": ds,
                              "groupingVariable": a.soc.upper(), "dataDriven": True})
        out.groupings.append(term)
        out.analyses.append(_counted(a, site, f"{site.aid}_SOC", "USUBJID", [soc_id], a.pct_decimals,
                                     name=f"{a.label or a.id}: system organ classes"))
        out.cells[f"{site.aid}_SOC"] = ("driven", [soc_id])
        out.analyses.append(_counted(a, site, site.aid, "USUBJID", [soc_id, term_id], a.pct_decimals))
        out.cells[site.aid] = ("driven", [soc_id, term_id])
    else:
        out.groupings.append(term)
        out.analyses.append(_counted(a, site, site.aid, "USUBJID", [term_id], a.pct_decimals))
        out.cells[site.aid] = ("driven", [term_id])
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


BUILDERS = {"continuous": continuous, "categorical": categorical, "count": count, "terms": terms}
SUBJECT_LEVEL_ONLY = ("continuous", "categorical")

__all__ = ["BUILDERS", "SUBJECT_LEVEL_ONLY", "Built", "Site", "Skip", "cond", "pattern"]
