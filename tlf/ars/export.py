"""A tlf spec folder -> an ARS v1.0 ReportingEvent (`tlf ars export`): the analyses ARS can state as tlf
computes them, and a finding naming each one it cannot, with the reason.

Exported: tables' `continuous` analyses of the subject-level dataset, `categorical`, `count`, `terms`
(system organ class / preferred term, `by_grade:`, `threshold:`; export_counts.py, with denominators and
record selections) and `by_visit` (value and change by parameter and visit) analyses of any dataset, and
the output's stat columns (export_stats.py), on variables the data have (not ones `derive:` makes), in an
output whose columns are `var`/`value` selections; the subject-level dataset and subject id are study.yaml's. The population becomes
an analysis set: its derivation (`where:`, joined by AND with the population it is `within`) translated
to an ARS where clause (export_where.py), else its `flag:` (`FLAG EQ 'Y'`, which tlf reconciles with the
derivation), with a finding saying so. An analysis' `where:` becomes a data subset. The columns are a
grouping (a Total column's list of values an IN condition), a categorical analysis' levels a grouping
(`other: true` a NOTIN of the other levels' values; no levels: data-driven), terms' SOC and PT
data-driven groupings (an analysis by SOC and one by SOC and PT), and the output's big N an analysis
counting subjects by column that each percentage of N takes as its denominator (export_families.py). The
model families (`ancova`, `mmrm`, `time_to_event`, `shift`) are stated by export_models.py.
"""

from __future__ import annotations

from typing import Any

from tlf.ars.export_counts import COUNT_BUILDERS
from tlf.ars.export_families import BUILDERS, SUBJECT_LEVEL_ONLY, Site, Skip, cond
from tlf.ars.export_models import MODEL_BUILDERS, model_variables, tlf_where
from tlf.ars.export_stats import fill as fill_compared
from tlf.ars.export_stats import stat_columns
from tlf.ars.export_where import Untranslatable, conjunction, translate

FAMILIES = {**BUILDERS, **COUNT_BUILDERS}


def export_event(study: Any, ards: dict[str, Any] | None = None, *, derived_data: bool = False) -> tuple[dict, list[str]]:
    """(the reporting event, findings: what was left out and why) of a loaded spec folder; with `ards`
    (output id -> the results dataset a build wrote), each exported analysis gets its `results` from it.
    `derived_data`: the event is to be run on the datasets `tlf data derive` writes (the variables
    `derive:` makes are in them), so analyses of those variables are exported too."""
    spec = study.spec
    adsl = spec.data.subject_dataset.upper()
    subject = spec.data.subject_id.upper()
    derived: dict[str, set[str]] = {}
    for ds, ds_derivs in ({} if derived_data else spec.derive).items():
        derived.setdefault(ds.upper(), set()).update(d.name.upper() for d in ds_derivs)
    event: dict[str, Any] = {"id": f"RE_{spec.study.id}", "name": spec.study.title or spec.study.id, "version": 1,
                             "analysisSets": [], "dataSubsets": [], "analysisGroupings": [], "methods": [],
                             "analyses": [], "outputs": [],
                             "mainListOfContents": {"name": "List of analyses", "contentsList": {"listItems": []}}}
    findings: list[str] = []
    plan: dict[str, tuple[str, str, list, tuple]] = {}  # ARS analysis id -> (output, tlf analysis, columns, cells)
    methods: dict[str, dict] = {}
    sets: dict[str, str | None] = {}  # population -> analysis set id (None: not statable)

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
        if out.population not in sets:
            sets[out.population] = _analysis_set(event, findings, spec, out.population, adsl, derived.get(adsl, set()))
        set_id = sets[out.population]
        if set_id is None:
            findings.append(f"{where}: population {out.population!r} is not stated as an ARS analysis set: "
                            "output not exported")
            continue
        cols = study.columns_for(entry)
        if any(c.population or c.period for c in cols):
            findings.append(f"{where}: columns with their own population or period: output not exported")
            continue
        col_id = f"Grp_{entry.id}_columns"
        col_grouping = ({
            "id": col_id, "name": "Treatment", "groupingDataset": adsl, "groupingVariable": cols[0].var,
            "dataDriven": False,
            "groups": [{"id": f"{col_id}_{c.id}", "name": c.label, "level": 1, "order": i + 1,
                        **cond(adsl, c.var, "IN" if isinstance(c.value, list) else "EQ", c.value)}
                       for i, c in enumerate(cols)]})
        n_id = f"An_{entry.id}_N"
        analyses = [{"id": n_id, "name": "Subjects by column", "methodId": "Mth_N", "dataset": adsl,
                     "variable": subject, "analysisSetId": set_id, "version": 1,
                     "orderedGroupings": [{"order": 1, "groupingId": col_id, "resultsByGroup": True}]}]
        cells = {n_id: ("none",)}
        tlf_of = {n_id: "_N"}  # ARS analysis id -> the tlf analysis whose ARD rows it states
        groupings: list[dict] = []
        subsets: list[dict] = []
        items = [{"name": "Subjects by column", "level": 2, "order": 1, "analysisId": n_id}]
        pct_decimals = out.pct_decimals if out.pct_decimals is not None else spec.pct_decimals
        stated: set[str] = set()  # stat columns a model analysis states (export_models.py: log-rank tests)
        for k, a in enumerate(out.analyses):
            key = f"{where}.analyses[{k}] ({a.id})"
            aid = f"An_{entry.id}_{a.id}"
            try:
                _check(a, adsl, derived)
                ds = (a.dataset or adsl).upper()
                site = Site(aid, adsl, set_id, col_id, n_id, pct_decimals, method,
                            ard=(ards or {}).get(entry.id), subject=subject, derived=frozenset(derived.get(ds, set())),
                            subject_derived=frozenset(derived.get(adsl, set())))
                if a.where:
                    try:
                        clause = translate(a.where, ds, derived.get(ds, set()))
                    except Untranslatable as e:
                        if not tlf_where(a, derived.get(ds, set())):  # a model: in its codeTemplate
                            raise Skip(f"where: {a.where!r} is not translated to an ARS where clause: {e}") from None
                        clause = None
                    if clause is not None:
                        site.subset_id, site.subset = f"DS_{aid}", clause
                if a.type in MODEL_BUILDERS:  # ancova, mmrm, time_to_event, shift: export_models.py
                    built = MODEL_BUILDERS[a.type](a, site, [c.id for c in cols],
                                                   getattr(out, "stat_columns", None) or ())
                    stated |= built.stat_columns
                else:
                    built = FAMILIES[a.type](a, site)
                compared, sc_groupings, handled = stat_columns(out, a, site, built, col_grouping)
                stated |= handled  # the stat columns stated, or said why not, for this analysis (export_stats.py)
                if site.subset and a.type != "by_visit":
                    subsets.append({"id": site.subset_id, "name": a.where, "label": a.where, "level": 1,
                                    "order": 1, **clause})
                subsets += site.subsets
            except Skip as e:
                findings.append(f"{key}: {e}: not exported")
                continue
            findings += [f"{key}: {n}" for n in built.notes + compared.notes]
            item_of = {}
            for b in (built, compared):
                analyses += b.analyses
                groupings += b.groupings
                cells |= b.cells
                tlf_of |= {x["id"]: a.id for x in b.analyses}
                for x in b.analyses:
                    if x["id"] in b.under:  # a comparison: in the list under the analysis it compares
                        sub = item_of[b.under[x["id"]]].setdefault("sublist", {"listItems": []})["listItems"]
                        sub.append({"name": x["name"], "level": 3, "order": len(sub) + 1, "analysisId": x["id"]})
                        continue
                    items.append({"name": x["name"], "level": 2, "order": len(items) + 1, "analysisId": x["id"]})
                    item_of[x["id"]] = items[-1]
            groupings += [g for g in sc_groupings if g["id"] not in {x["id"] for x in groupings}]
        if len(items) == 1:
            continue
        findings += [f"{where}.stat_columns[{i}] ({s.id}): statistic columns (p-values, differences) are not exported"
                     for i, s in enumerate(getattr(out, "stat_columns", []) or []) if s.id not in stated]
        event["analyses"] += analyses
        event["dataSubsets"] += subsets
        for x in analyses:
            plan[x["id"]] = (entry.id, tlf_of[x["id"]], [(f"{col_id}_{c.id}", c.id) for c in cols], cells[x["id"]])
        event["analysisGroupings"] += [col_grouping, *groupings]
        event["outputs"].append({"id": entry.id, "name": out.title if isinstance(out.title, str) else entry.id,
                                 "version": 1, "displays": [{"order": 1, "display": {
                                     "id": f"Disp_{entry.id}", "name": entry.id, "displaySections": [
                                         {"sectionType": "Title", "orderedSubSections": [
                                             {"order": i + 1, "subSection": {"id": f"{entry.id}_T{i + 1}", "text": t}}
                                             for i, t in enumerate(_titles(out, pop))]}]}}]})
        event["mainListOfContents"]["contentsList"]["listItems"].append(
            {"name": entry.id, "level": 1, "order": len(event["outputs"]), "outputId": entry.id,
             "sublist": {"listItems": items}})
    if ards is not None:
        findings += _fill_results(event, plan, ards)
    return event, findings


def _analysis_set(event: dict, findings: list[str], spec, name: str | None, adsl: str, derived: set[str]) -> str | None:
    """The id of the analysis set of population `name` (added to the event), None when it is not statable."""
    pop = spec.populations.get(name) if name else None
    if pop is None:
        return None
    try:
        clause = _derivation(spec, name, adsl, derived, ())
    except Untranslatable as e:
        if not pop.flag:
            findings.append(f"populations.{name}: {e}")
            return None
        findings.append(f"populations.{name}: the derivation is not translated ({e}); the analysis set is "
                        f"{pop.flag} EQ 'Y' (tlf reconciles the flag with the derivation)")
        clause = cond(adsl, pop.flag.upper(), "EQ", "Y")
    set_id = f"AS_{name}"
    event["analysisSets"].append({"id": set_id, "name": pop.label, "level": 1,
                                  "order": len(event["analysisSets"]) + 1, **(clause or {})})
    return set_id


def _derivation(spec, name: str, adsl: str, derived: set[str], seen: tuple) -> dict | None:
    pop = spec.populations[name]
    if pop.has_records:
        raise Untranslatable(f"population {name} needs records in {pop.has_records} (`has_records`)")
    if name in seen:
        raise Untranslatable(f"population {name} is within itself")
    parts = []
    if pop.where:
        parts.append(translate(pop.where, adsl, derived))
    if pop.within:
        inner = _derivation(spec, pop.within, adsl, derived, (*seen, name))
        if inner is not None:
            parts.append(inner)
    return conjunction(parts)


def _check(a, adsl: str, derived: dict[str, set[str]]) -> None:
    if a.type not in FAMILIES and a.type not in MODEL_BUILDERS:
        raise Skip(f"type {a.type} is not exported ({', '.join([*FAMILIES, *MODEL_BUILDERS])} are)")
    ds = (a.dataset or adsl).upper()
    if a.type in SUBJECT_LEVEL_ONLY and ds != adsl:
        raise Skip(f"dataset {a.dataset} is not the subject-level dataset")
    if getattr(a, "select", None) is not None and a.type not in COUNT_BUILDERS and a.type not in MODEL_BUILDERS:
        raise Skip("select: (one record per subject) is exported for categorical, count, terms and model analyses")
    if getattr(a, "periods", None):
        raise Skip("periods: is not exported")
    for var in [getattr(a, v, None) for v in ("var", "term", "soc", "param_var", "visit_var", "value_var",
                                              "change_var") if not (v == "visit_var" and a.type == "shift"
                                                                    and not a.visits)] + model_variables(a):
        if var and "{" in var:
            raise Skip(f"variable {var} depends on the column's period")
        if var and var.upper() in derived.get(ds, set()):
            raise Skip(f"{var} is derived in study.yaml (`derive:`); ARS has no derivations (export with "
                       "--derived-data to run the event on the datasets `tlf data derive` writes)")


def _fill_results(event: dict, plan: dict, ards: dict[str, Any]) -> list[str]:
    """Each exported analysis' results from its output's results dataset: rawValue the unrounded `stat`
    (a proportion as a percent), formattedValue by the operation's pattern (tlf's rounding)."""
    import math

    from tlf.ars.ops import format_value, raw_text

    ops = {m["id"]: m["operations"] for m in event["methods"]}
    missing = []
    for a in event["analyses"]:
        output_id, tlf_id, cols, cells_of = plan[a["id"]]
        ard = ards.get(output_id)
        if ard is None:
            missing.append(output_id)
            continue
        rows = ard[ard["analysis"] == tlf_id]
        if cells_of[0] == "model":  # export_models.py: the runner's rows, as `tlf ars run` maps them
            from tlf.ars.run_models import fill_results

            a["results"] = fill_results(a, event, rows, dict(cols))
            continue
        stat = {(r.column, str(r.parent or ""), str(r.level or ""), r.stat_name): r.stat for r in rows.itertuples()}
        if cells_of[0] == "compare":  # a stat column's comparison (export_stats.py)
            a["results"] = fill_compared(a, ops[a["methodId"]], stat, rows, cells_of, _cells)
            continue
        results = []
        for op in ops[a["methodId"]]:
            base = {"Count of subjects": "n", "Percent of subjects": "p", "Count of records": "events",
                    "Lower confidence limit": "ci_lower",
                    "Upper confidence limit": "ci_upper"}.get(op["name"], op["label"].lower())
            for gid, column in cols:
                for extra, parent, level, prefix in _cells(cells_of, rows):
                    name = "N" if tlf_id == "_N" else prefix + base
                    if cells_of[0] == "denom":
                        parent, level, name = _denom_row(rows, column)
                    value = stat.get((column, parent, level, name))
                    if value is None:
                        continue
                    value = float(value) * (100.0 if base == "p" and name != "denom" else 1.0)
                    value = value if math.isfinite(value) else None
                    first = {"groupingId": a["orderedGroupings"][0]["groupingId"], "groupId": gid}
                    results.append({"operationId": op["id"], "resultGroups": [first, *extra],
                                    "rawValue": raw_text(value),
                                    "formattedValue": format_value(value, op.get("resultPattern"))})
        a["results"] = results
    return [f"{o}: no results dataset ({o}.ard.csv) in the build folder: its analyses have no results"
            for o in dict.fromkeys(missing)]


def _cells(cells_of: tuple, rows) -> list[tuple[list[dict], str, str, str]]:
    """(resultGroups after the column's, ARD parent, ARD level, prefix of the ARD statistic) of each cell of
    an analysis (export_families.py and export_counts.py say the kinds)."""
    if cells_of[0] in ("none", "denom"):
        return [([], "", "", "")]
    if cells_of[0] == "row":
        return [([], cells_of[1], cells_of[2], "")]
    if cells_of[0] == "fixed":
        g, parent = cells_of[1], str(cells_of[2]) if len(cells_of) > 2 else ""
        prefix = cells_of[3] if len(cells_of) > 3 else ""
        return [([{"groupingId": g["id"], "groupId": x["id"]}], parent, x["name"], prefix) for x in g["groups"]]
    if cells_of[0] == "grade":  # by_grade: each cell of the term groupings, by grade row
        _kind, gids, grading, skip = cells_of
        inner = _cells(("driven", gids, skip), rows) if gids else [([], "", "", "")]
        return [([*extra, {"groupingId": grading["id"], "groupId": x["id"]}], parent, level, f"grade{k + 1}_")
                for extra, parent, level, _p in inner for k, x in enumerate(grading["groups"])]
    gids, skip = cells_of[1], (cells_of[2] if len(cells_of) > 2 else ())
    pairs = dict.fromkeys((str(r.parent or ""), str(r.level or "")) for r in rows.itertuples()
                          if r.level and r.level not in skip and r.parent not in skip)
    if len(gids) == 1:
        return [([{"groupingId": gids[0], "groupValue": lv}], "", lv, "") for parent, lv in pairs if not parent]
    return [([{"groupingId": gids[0], "groupValue": parent}, {"groupingId": gids[1], "groupValue": lv}], parent, lv, "")
            for parent, lv in pairs if parent]


def _denom_row(rows, column: str) -> tuple[str, str, str]:
    """The ARD key of a column's denominator (statistic `denom`, the same on every row of the column)."""
    found = rows[(rows["column"] == column) & (rows["stat_name"] == "denom")]
    if found.empty:
        return "", "", "denom"
    r = found.iloc[0]
    return str(r["parent"] or ""), str(r["level"] or ""), "denom"


def _titles(out, pop) -> list[str]:
    title = out.title if isinstance(out.title, str) else " ".join(out.title or [])
    return [t for t in (getattr(out, "number", ""), title, pop.label if pop else "") if t]
