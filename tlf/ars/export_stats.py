"""`tlf ars export` of an output's stat columns: each p-value or estimate column, for each exported
analysis it fills, becomes an ARS analysis of the same records comparing the columns in `over`.

The compared columns are a grouping of their own (`Grp_<output>_<stat column>`: the `over` columns' groups,
in `over` order: for an estimate the treatment, then the reference) that the comparison analysis names with
`resultsByGroup: false`, as CDISC's example states its comparisons; the analysis' other groupings follow
(a categorical analysis' levels: `false` too for a test, which compares the columns by level; SOC and
term: `true`, a p-value per term). Its method states the test or estimate in words `tlf ars run` reads
(compare.py): "Fisher's exact test", "Pearson's chi-square test", "analysis of variance", "Wilcoxon
rank-sum test"; "Risk difference with Newcombe's hybrid score 95% confidence interval" and its operations
"Risk difference (percentage points)", "Lower confidence limit", "Upper confidence limit". Its rules
(a record selection) are the analysis'.

Left out, said: a stratified test (`cmh`, Breslow-Day, a stratified odds ratio), an exact or automatic
Wilcoxon, a chi-square whose sparse tables give Fisher's test (`sparse: fisher`), a test of data-driven
levels (no `levels:`), estimates over a denominator other than N.
"""

from __future__ import annotations

import copy
import dataclasses

from tlf.ars.export_families import Built, Site, pattern

TEST_NAMES = {"fisher": "Fisher's exact test group comparison", "chisq": "Pearson's chi-square test group comparison",
              "anova": "Analysis of variance group comparison",
              "wilcoxon": "Wilcoxon rank-sum test group comparison (normal approximation, continuity correction)"}
ESTIMATE_NAMES = {"risk_difference": "Risk difference", "relative_risk": "Relative risk", "odds_ratio": "Odds ratio"}
CI_NAMES = {"newcombe": "Newcombe's hybrid score", "mn": "Miettinen-Nurminen score", "wald": "Wald", "woolf": "Woolf (Wald, log scale)"}
STAT_OF_OP = {"P-value": "pvalue", "Lower confidence limit": "estimate_lower", "Upper confidence limit": "estimate_upper"}


def grouping_of(col_grouping: dict, sc) -> dict:
    """The grouping of the columns a stat column compares, in its `over` order."""
    gid = f"{col_grouping['id'].removesuffix('_columns')}_{sc.id}"
    groups = {g["id"].removeprefix(col_grouping["id"] + "_"): g for g in col_grouping["groups"]}
    return {**{k: v for k, v in col_grouping.items() if k != "groups"}, "id": gid,
            "name": f"{col_grouping['name']}: {sc.label}",
            "groups": [{**groups[c], "id": f"{gid}_{c}", "order": i + 1} for i, c in enumerate(sc.over)]}


def stat_columns(out, a, site: Site, built: Built, col_grouping: dict) -> tuple[Built, list[dict], set[str]]:
    """The comparison analyses of the output's stat columns for tlf analysis `a` (exported as `built`), the
    stat columns' groupings they use, and the ids of the stat columns stated or said why not."""
    from tlf.analyses.estimates import decimals as estimate_decimals
    from tlf.spec.base import resolve_test

    res = Built()
    used: dict[str, dict] = {}
    home = site
    handled: set[str] = set()
    for k, sc in enumerate(getattr(out, "stat_columns", None) or []):
        where = f"stat_columns[{k}] ({sc.id})"
        missing = [c for c in sc.over if c not in {g["id"].removeprefix(col_grouping["id"] + "_")
                                                    for g in col_grouping["groups"]}]
        if missing:
            res.notes.append(f"{where}: columns {missing} are not the output's; not exported")
            handled.add(sc.id)
            continue
        for aid, what in built.compared.items():
            handled.add(sc.id)
            x = next(b for b in built.analyses if b["id"] == aid)
            site = dataclasses.replace(site, rules=built.rules[aid]) if aid in built.rules else home
            if sc.stat != "pvalue":
                if what["kind"] != "counts":  # an estimate column is blank on a summary of values
                    break
                if not what["estimates"]:
                    res.notes.append(f"{where}: {sc.stat} of a denominator other than N is left out")
                    break
                if sc.strata:
                    res.notes.append(f"{where}: the Mantel-Haenszel odds ratio over {sc.strata} is left out")
                    break
                ci = sc.ci or _default_ci(sc.stat)
                d = estimate_decimals(sc)
                level = f"{100 * sc.conf_level:g}"
                mid = site.mid(f"Mth_Est_{sc.stat}_{ci}_{level}_{d}")
                est = ESTIMATE_NAMES[sc.stat] + (" (percentage points)" if sc.stat == "risk_difference" else "")
                site.add_method(mid, {
                    "name": f"{ESTIMATE_NAMES[sc.stat]} with {CI_NAMES[ci]} {level}% confidence interval",
                    "operations": [{"id": f"{mid}_{n}", "name": name, "label": label, "order": i + 1,
                                    "resultPattern": pattern(d)}
                                   for i, (n, name, label) in enumerate((
                                       ("est", est, ESTIMATE_NAMES[sc.stat]), ("lower", "Lower confidence limit", "Lower CL"),
                                       ("upper", "Upper confidence limit", "Upper CL")))]})
                factors, level_row = [], None
            else:
                try:
                    test = resolve_test(what.get("test") or sc.test, what["kind"])
                except ValueError as e:
                    res.notes.append(f"{where}: {e}; left out")
                    break
                reason = _not_exported(test, sc, what)
                if not reason and sc.strata and sc.strata.upper() in site.derived | site.subject_derived:
                    reason = f"strata {sc.strata} is derived in study.yaml (`derive:`); ARS has no derivations"
                if reason:
                    res.notes.append(f"{where}: {reason}; left out")
                    break
                if test == "none":
                    break
                name = TEST_NAMES.get(test, "")
                factors, level_row = [f["id"] for f in what["factors"]], what.get("level", "")
                if test == "cmh":  # the strata: a data-driven grouping of the subject-level dataset's variable
                    from tlf.stats.compare import CMH_NAMES

                    strata = used.setdefault(f"{sc.id}_strata", {
                        "id": f"{col_grouping['id'].removesuffix('_columns')}_{sc.id}_strata",
                        "name": f"Strata: {sc.strata}", "groupingDataset": site.adsl,
                        "groupingVariable": sc.strata.upper(), "dataDriven": True})
                    factors.append(strata["id"])
                    name = (f"Cochran-Mantel-Haenszel test ({CMH_NAMES[sc.cmh]}"
                            f"{', modified ridit scores' if sc.scores == 'modridit' else ''}) stratified by "
                            f"{sc.strata}")
                    test = f"cmh_{sc.cmh}_{sc.scores}"
                mid = site.mid(f"Mth_Cmp_{test}_{sc.format.decimals}")
                site.add_method(mid, {"name": name, "operations": [
                    {"id": f"{mid}_p", "name": "P-value", "label": "p-value", "order": 1,
                     "resultPattern": "X." + "X" * sc.format.decimals}]})
            g = used.setdefault(sc.id, grouping_of(col_grouping, sc))
            others = [o["groupingId"] for o in sorted(x["orderedGroupings"], key=lambda o: o["order"])[1:]]
            by = [o for o in others if o not in factors]
            cid = f"{aid}_{sc.id}"
            body = copy.deepcopy({kk: v for kk, v in x.items() if kk not in ("referencedAnalysisOperations", "results")})
            body.update({"id": cid, "name": f"{x['name']} - {sc.label}", "label": f"{x['label']} - {sc.label}",
                         "methodId": mid, "orderedGroupings": [
                             {"order": i + 1, "groupingId": gg, "resultsByGroup": gg in by}
                             for i, gg in enumerate([g["id"], *factors, *by])]})
            res.analyses.append(body)
            res.under[cid] = aid
            inner = built.cells[aid]
            if factors:  # the levels are compared, not cells: the test's one row
                inner = ("row", "", level_row)
            res.cells[cid] = ("compare", sc.id, [{"groupingId": f} for f in factors], inner)
    return res, list(used.values()), handled


def _default_ci(stat: str) -> str:
    from tlf.stats.proportions import TWO_METHODS

    return TWO_METHODS[stat][0]


def _not_exported(test: str, sc, what: dict) -> str:
    if test == "cmh" and not (sc.strata and what["factors"] and "{" not in sc.strata):
        return "a CMH test is stated for a categorical analysis with levels and `strata:`"
    if test == "breslow_day" or (sc.strata and test != "cmh"):
        return f"the stratified test {test}" + (f" over {sc.strata}" if sc.strata else "") + " is not stated"
    if test == "wilcoxon" and sc.exact is not False:
        return "an exact Wilcoxon test is not stated"
    if test == "chisq" and sc.sparse == "fisher":
        return "a chi-square that sparse tables replace by Fisher's test (sparse: fisher) is not stated"
    if what["factors"] and any(f["dataDriven"] for f in what["factors"]):
        return "a test of levels the data make (no `levels:`) is not stated: ARS compares groups it defines"
    return ""


def fill(a: dict, ops: list[dict], stat: dict, rows, cells_of: tuple, cells) -> list[dict]:
    """The results of a comparison analysis from the build's ARD rows (`stat`: (column, parent, level,
    statistic) -> value), `cells` export.py's cell lister."""
    import math

    from tlf.ars.ops import format_value, raw_text

    _kind, column, factors, inner = cells_of
    first = {"groupingId": a["orderedGroupings"][0]["groupingId"]}
    out = []
    for op in ops:
        name = STAT_OF_OP.get(op["name"], "estimate")
        for extra, parent, level, _prefix in cells(inner, rows):
            value = stat.get((column, parent, level, name))
            if value is None:
                continue
            value = float(value)
            value = value if math.isfinite(value) else None
            out.append({"operationId": op["id"], "resultGroups": [first, *factors, *extra],
                        "rawValue": raw_text(value), "formattedValue": format_value(value, op.get("resultPattern"))})
    return out


__all__ = ["fill", "grouping_of", "stat_columns"]
