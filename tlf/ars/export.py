"""A tlf spec folder -> an ARS v1.0 ReportingEvent (`tlf ars export`): the analyses ARS can state as tlf
computes them, and a finding naming each one it cannot, with the reason.

Exported: tables' `continuous` and `categorical` analyses of the subject-level dataset without `where`,
on a variable the data have (not one `derive:` makes), in an output whose population has a `flag:` and
whose columns are `var`/`value` selections. The population becomes an analysis set (`flag EQ 'Y'`), the
columns a grouping (a Total column's list of values an IN condition), a categorical analysis' levels a
grouping (`other: true` a NOTIN of the other levels' values; no levels: data-driven), and the output's
big N an analysis counting subjects by column that each percentage takes as its denominator. Patterns
follow the analysis' `decimals` (else `precision`, else 0 collected decimals) and `pct_decimals`.
"""

from __future__ import annotations

from typing import Any

CONTINUOUS_OPS = {"n": ("Count of non-missing values", "n"), "mean": ("Mean", "Mean"),
                  "sd": ("Standard deviation", "SD"), "median": ("Median", "Median"),
                  "q1": ("First quartile", "Q1"), "q3": ("Third quartile", "Q3"),
                  "min": ("Minimum", "Min"), "max": ("Maximum", "Max")}
ROW_STATS = {"n": ("n",), "mean": ("mean",), "sd": ("sd",), "mean_sd": ("mean", "sd"), "median": ("median",),
             "q1_q3": ("q1", "q3"), "min": ("min",), "max": ("max",), "min_max": ("min", "max"),
             "median_min_max": ("median", "min", "max")}
OFFSET = {"n": None, "mean": 1, "median": 1, "q1": 1, "q3": 1, "sd": 2, "min": 0, "max": 0}


def _cond(ds: str, var: str, comparator: str, values) -> dict:
    values = values if isinstance(values, list) else [values]
    return {"condition": {"dataset": ds, "variable": var, "comparator": comparator,
                          "value": [str(v) for v in values]}}


def _pattern(decimals: int) -> str:
    return "XX" if decimals <= 0 else "XX." + "X" * decimals


def export_event(study: Any, ards: dict[str, Any] | None = None) -> tuple[dict, list[str]]:
    """(the reporting event, findings: what was left out and why) of a loaded spec folder; with `ards`
    (output id -> the results dataset a build wrote), each exported analysis gets its `results` from it."""
    spec = study.spec
    adsl = spec.data.subject_dataset.upper()
    derived = {(ds.upper(), d.name.upper()) for ds, ds_derivs in spec.derive.items() for d in ds_derivs}
    event: dict[str, Any] = {"id": f"RE_{spec.study.id}", "name": spec.study.title or spec.study.id, "version": 1,
                             "analysisSets": [], "dataSubsets": [], "analysisGroupings": [], "methods": [],
                             "analyses": [], "outputs": [],
                             "mainListOfContents": {"name": "List of analyses", "contentsList": {"listItems": []}}}
    findings: list[str] = []
    plan: dict[str, tuple[str, str, list]] = {}  # ARS analysis id -> (output id, tlf analysis id, columns)
    methods: dict[str, dict] = {}
    sets: set[str] = set()

    def method(mid: str, body: dict) -> None:
        if mid not in methods:
            methods[mid] = {"id": mid, **body}
            event["methods"].append(methods[mid])

    method("Mth_N", {"name": "Count of subjects by column", "operations": [
        {"id": "Mth_N_1_n", "name": "Count of subjects", "label": "N", "order": 1, "resultPattern": "(N=XX)"}]})
    for entry in study.outputs:
        out = entry.spec
        where = f"{entry.id}"
        if getattr(out, "type", "") != "table":
            continue
        pop = spec.populations.get(out.population) if out.population else None
        if pop is None or not pop.flag:
            findings.append(f"{where}: population {out.population!r} has no `flag:` (ARS states an analysis set as "
                            "a condition on the data): output not exported")
            continue
        cols = study.columns_for(entry)
        if any(c.population or c.period for c in cols):
            findings.append(f"{where}: columns with their own population or period: output not exported")
            continue
        set_id = f"AS_{out.population}"
        if set_id not in sets:
            sets.add(set_id)
            event["analysisSets"].append({"id": set_id, "name": pop.label, "level": 1, "order": len(sets),
                                          **_cond(adsl, pop.flag, "EQ", "Y")})
        col_id = f"Grp_{entry.id}_columns"
        col_grouping = ({
            "id": col_id, "name": "Treatment", "groupingDataset": adsl, "groupingVariable": cols[0].var,
            "dataDriven": False,
            "groups": [{"id": f"{col_id}_{c.id}", "name": c.label, "level": 1, "order": i + 1,
                        **_cond(adsl, c.var, "IN" if isinstance(c.value, list) else "EQ", c.value)}
                       for i, c in enumerate(cols)]})
        n_id = f"An_{entry.id}_N"
        analyses = [{"id": n_id, "name": "Subjects by column", "methodId": "Mth_N", "dataset": adsl,
                                  "variable": "USUBJID", "analysisSetId": set_id, "version": 1,
                                  "orderedGroupings": [{"order": 1, "groupingId": col_id, "resultsByGroup": True}]}]
        level_groupings: list[str] = []
        items = [{"name": "Subjects by column", "level": 2, "order": 1, "analysisId": n_id}]
        pct_decimals = out.pct_decimals if out.pct_decimals is not None else spec.pct_decimals
        for k, a in enumerate(out.analyses):
            key = f"{where}.analyses[{k}] ({a.id})"
            why = _not_exportable(a, adsl, derived)
            if why:
                findings.append(f"{key}: {why}: not exported")
                continue
            aid = f"An_{entry.id}_{a.id}"
            base = {"id": aid, "name": a.label or a.id, "label": a.label or a.id, "dataset": adsl,
                    "variable": a.var.upper(), "analysisSetId": set_id, "version": 1}
            if a.type == "continuous":
                stats = [s for row in a.rows for s in ROW_STATS.get(row, ("?" + row,))]
                unknown = [s[1:] for s in stats if s.startswith("?")]
                if unknown:
                    findings.append(f"{key}: rows {unknown} have no ARS operation tlf maps: not exported")
                    continue
                stats = list(dict.fromkeys(stats))
                mid = f"Mth_{aid}"
                d = a.precision or 0
                method(mid, {"name": f"Summary of {a.label or a.var}", "operations": [
                    {"id": f"{mid}_{s}", "name": CONTINUOUS_OPS[s][0], "label": CONTINUOUS_OPS[s][1], "order": i + 1,
                     "resultPattern": ("(" + _pattern(a.decimals.get(s, d + 2)) + ")") if s == "sd" else
                     _pattern(a.decimals.get(s, 0 if s == "n" else d + OFFSET[s]))} for i, s in enumerate(stats)]})
                analyses.append({**base, "methodId": mid, "orderedGroupings": [
                    {"order": 1, "groupingId": col_id, "resultsByGroup": True}]})
            else:
                lv_id = f"Grp_{aid}_levels"
                event["analysisGroupings"].append(_levels(lv_id, a, adsl))
                level_groupings.append(lv_id)
                pd_ = a.pct_decimals if a.pct_decimals is not None else pct_decimals
                mid = f"Mth_Cat_{pd_}"
                method(mid, {"name": "Count and percent of subjects by category", "operations": [
                    {"id": f"{mid}_n", "name": "Count of subjects", "label": "n", "order": 1, "resultPattern": "XX"},
                    {"id": f"{mid}_pct", "name": "Percent of subjects", "label": "%", "order": 2,
                     "resultPattern": "(" + _pattern(pd_) + ")", "referencedOperationRelationships": [
                         {"id": f"{mid}_pct_NUM", "referencedOperationRole": {"controlledTerm": "NUMERATOR"},
                          "operationId": f"{mid}_n"},
                         {"id": f"{mid}_pct_DEN", "referencedOperationRole": {"controlledTerm": "DENOMINATOR"},
                          "operationId": "Mth_N_1_n"}]}]})
                analyses.append({**base, "methodId": mid, "orderedGroupings": [
                    {"order": 1, "groupingId": col_id, "resultsByGroup": True},
                    {"order": 2, "groupingId": lv_id, "resultsByGroup": True}],
                    "referencedAnalysisOperations": [
                        {"referencedOperationRelationshipId": f"{mid}_pct_NUM", "analysisId": aid},
                        {"referencedOperationRelationshipId": f"{mid}_pct_DEN", "analysisId": n_id}]})
            items.append({"name": a.label or a.id, "level": 2, "order": len(items) + 1, "analysisId": aid})
        if len(items) > 1:
            event["analyses"] += analyses
            for x in analyses:
                plan[x["id"]] = (entry.id, "_N" if x["id"] == n_id else x["id"].removeprefix(f"An_{entry.id}_"),
                                 [(f"{col_id}_{c.id}", c.id) for c in cols])
            event["analysisGroupings"].insert(len(event["analysisGroupings"]) - len(level_groupings), col_grouping)
            event["outputs"].append({"id": entry.id, "name": out.title if isinstance(out.title, str) else entry.id,
                                     "version": 1, "displays": [{"order": 1, "display": {
                                         "id": f"Disp_{entry.id}", "name": entry.id, "displaySections": [
                                             {"sectionType": "Title", "orderedSubSections": [
                                                 {"order": i + 1, "subSection": {"id": f"{entry.id}_T{i + 1}",
                                                                                  "text": t}}
                                                 for i, t in enumerate(_titles(out, pop))]}]}}]})
            event["mainListOfContents"]["contentsList"]["listItems"].append(
                {"name": entry.id, "level": 1, "order": len(event["outputs"]), "outputId": entry.id,
                 "sublist": {"listItems": items}})
    if ards is not None:
        findings += _fill_results(event, plan, ards)
    return event, findings


def _fill_results(event: dict, plan: dict, ards: dict[str, Any]) -> list[str]:
    """Each exported analysis' results from its output's results dataset: rawValue the unrounded `stat`
    (a proportion as a percent), formattedValue by the operation's pattern (tlf's rounding)."""
    import math

    from tlf.ars.ops import format_value, raw_text

    ops = {m["id"]: m["operations"] for m in event["methods"]}
    groups = {g["id"]: g for g in event["analysisGroupings"]}
    missing = []
    for a in event["analyses"]:
        output_id, tlf_id, cols = plan[a["id"]]
        ard = ards.get(output_id)
        if ard is None:
            missing.append(output_id)
            continue
        rows = ard[ard["analysis"] == tlf_id]
        stat = {(r.column, r.level, r.stat_name): r.stat for r in rows.itertuples()}
        levels = groups.get(a["orderedGroupings"][-1]["groupingId"]) if len(a["orderedGroupings"]) > 1 else None
        results = []
        for op in ops[a["methodId"]]:
            name = {"Count of subjects": "n", "Percent of subjects": "p"}.get(op["name"], op["label"].lower())
            for gid, column in cols:
                if levels is None:
                    cells = [([], "", "N" if tlf_id == "_N" else name)]
                elif levels.get("dataDriven"):
                    cells = [([{"groupingId": levels["id"], "groupValue": lv}], lv, name)
                             for lv in dict.fromkeys(r.level for r in rows.itertuples() if r.level)]
                else:
                    cells = [([{"groupingId": levels["id"], "groupId": g["id"]}], g["name"], name)
                             for g in levels["groups"]]
                for extra, level, stat_name in cells:
                    value = stat.get((column, level, stat_name))
                    if value is None:
                        continue
                    value = float(value) * (100.0 if stat_name == "p" else 1.0)
                    value = value if math.isfinite(value) else None
                    first = {"groupingId": a["orderedGroupings"][0]["groupingId"], "groupId": gid}
                    results.append({"operationId": op["id"], "resultGroups": [first, *extra],
                                    "rawValue": raw_text(value),
                                    "formattedValue": format_value(value, op.get("resultPattern"))})
        a["results"] = results
    return [f"{o}: no results dataset ({o}.ard.csv) in the build folder: its analyses have no results"
            for o in dict.fromkeys(missing)]


def _titles(out, pop) -> list[str]:
    title = out.title if isinstance(out.title, str) else " ".join(out.title or [])
    return [t for t in (getattr(out, "number", ""), title, pop.label) if t]


def _not_exportable(a, adsl: str, derived: set) -> str:
    if a.type not in ("continuous", "categorical"):
        return f"type {a.type} is not exported (continuous and categorical are)"
    if (a.dataset or adsl).upper() != adsl:
        return f"dataset {a.dataset} is not the subject-level dataset"
    if a.where:
        return f"where: {a.where!r} (tlf's expression language) is not translated to an ARS where clause"
    if "{" in a.var:
        return f"variable {a.var} depends on the column's period"
    if (adsl, a.var.upper()) in derived:
        return f"{a.var} is derived in study.yaml (`derive:`); ARS has no derivations"
    if a.type == "categorical" and a.per_subject:
        return "per_subject is not exported"
    return ""


def _levels(gid: str, a, adsl: str) -> dict:
    var = a.var.upper()
    if not a.levels:
        return {"id": gid, "name": a.label or a.var, "groupingDataset": adsl, "groupingVariable": var,
                "dataDriven": True}
    listed = [v for lv in a.levels if not lv.other for v in (lv.values or [lv.value])]
    groups = []
    for i, lv in enumerate(a.levels):
        if lv.other:
            cond = _cond(adsl, var, "NOTIN", listed)
        else:
            vals = lv.values or [lv.value]
            cond = _cond(adsl, var, "IN" if len(vals) > 1 else "EQ", vals if len(vals) > 1 else vals[0])
        groups.append({"id": f"{gid}_{i + 1}", "name": lv.label, "level": 1, "order": i + 1, **cond})
    return {"id": gid, "name": a.label or a.var, "groupingDataset": adsl, "groupingVariable": var,
            "dataDriven": False, "groups": groups}
