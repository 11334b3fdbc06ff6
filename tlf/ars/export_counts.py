"""`tlf ars export` of the analyses that count subjects -- `categorical`, `count`, `terms` (with
`by_grade:` and `threshold:`) -- with their denominators and record selections.

- Percentages are 100 x n / the DENOMINATOR operation of the analysis `referencedAnalysisOperations`
  names, as ARS intends: the column's N (the output's big-N analysis), or an analysis of this one's
  records stating the denominator: `denominator: assessed` the subjects with a value of the variable
  (categorical; terms: with a term) -- operation "Count of subjects with a non-missing value";
  `records` the subjects with a record (count: meeting `denominator_where`, else any record of the
  dataset); terms `group` a term's SOC's subjects (the SOC analysis' count, matched on the SOC).
- `events: true`: an operation "Count of records" (every record of the cell) besides n and %.
- `select:` and `per_subject:` (worst, best, first, last: short for a `select:`) are tlf's record
  selection, stated as the rule in the methods' codeTemplate (selection.py), which `tlf ars run` applies.
- `by_grade:`: per term (and SOC, and the `overall` block) an analysis by column, term and a grade
  grouping (a group per `levels` entry and per `groups` entry), over the worst record of each subject in
  each cell (a `select` rule by the grade `per` the SOC and term); the "any grade" row is the term's n.
- `threshold:`: the rule in the methods' codeTemplate, the groups pooled those of the column grouping that
  `over` names; the SOC analysis' rule names the term variable (`terms`): an SOC is kept when one of its
  terms passes.

cells (export.py fills the results from the build's ARD): `("row", parent, level)` one cell per column
at that ARD row (a categorical `n_row`); `("denom",)` the ARD's `denom` of the column;
`("grade", [groupings], grade grouping, skip)` the grade rows (statistics `grade{k}_n`, `grade{k}_p`).
"""

from __future__ import annotations

import dataclasses

from tlf.ars.export_families import MISSING, Built, Site, Skip, base_of, cond, pattern
from tlf.ars.export_where import Untranslatable, translate

ASSESSED_OP = "Count of subjects with a non-missing value"


def categorical(a, site: Site) -> Built:
    ds = (a.dataset or site.adsl).upper()
    _select(a, site)
    out = Built()
    lv = levels(f"Grp_{site.aid}_levels", a, ds)
    out.groupings.append(lv)
    den = None
    if a.n_row or a.denominator == "assessed":
        assessed = _assessed(a, site, a.var.upper(), f"{site.aid}_assessed")
        out.analyses.append(assessed)
        out.cells[assessed["id"]] = ("row", "", a.n_row) if a.n_row else ("denom",)
        if a.denominator == "assessed":
            den = (assessed["id"], assessed["methodId"] + "_n")
    if a.denominator == "records":
        records = _records(a, site, f"{site.aid}_records")
        out.analyses.append(records)
        out.cells[records["id"]] = ("denom",)
        den = (records["id"], records["methodId"] + "_n")
    out.analyses.append(counted(a, site, site.aid, a.var.upper(), [lv["id"]], a.pct_decimals, den=den))
    skip = ()
    if site.ard is not None and (site.ard[site.ard["analysis"] == a.id]["level"] == MISSING).any():
        skip = (MISSING,)  # subjects without a value: tlf's row; a level grouping has no group for a missing value
        out.notes.append(f"the {MISSING!r} row (subjects without {a.var}) is left out: an ARS grouping has no "
                         "group for a missing value")
    out.cells[site.aid] = ("driven", [lv["id"]], skip) if lv["dataDriven"] else ("fixed", lv)
    out.compared[site.aid] = {"kind": "counts", "factors": [lv], "estimates": a.denominator == "N",
                              "level": a.n_row or "", "test": getattr(a, "test", None)}
    return out


def count(a, site: Site) -> Built:
    _select(a, site)
    out = Built()
    den = None
    if a.denominator == "records":
        records = _records(a, site, f"{site.aid}_records", a.denominator_where, rules=False)
        out.analyses.append(records)
        out.cells[records["id"]] = ("denom",)
        den = (records["id"], records["methodId"] + "_n")
    out.analyses.append(counted(a, site, site.aid, site.subject, [], a.pct_decimals, den=den, events=a.events))
    out.cells[site.aid] = ("none",)
    out.compared[site.aid] = {"kind": "counts", "factors": [], "estimates": a.denominator == "N",
                              "test": a.test}
    if a.ci and a.denominator != "N":
        out.notes.append(f"ci: {a.ci} of a denominator other than N is left out")
    elif a.ci:  # the percentage's confidence interval, of the column's N
        out.analyses.append(_proportion_ci(a, site))
        out.cells[f"{site.aid}_CI"] = ("none",)
    return out


CI_NAMES = {"clopper-pearson": "Clopper-Pearson exact", "wilson": "Wilson score", "wald": "Wald"}


def _proportion_ci(a, site: Site) -> dict:
    """The confidence limits of each column's percentage of subjects (count `ci:`)."""
    pd_ = a.pct_decimals if a.pct_decimals is not None else site.pct_decimals
    level = f"{100 * a.conf_level:g}"
    mid = site.mid(f"Mth_CI_{a.ci}_{level}_{pd_}")
    site.add_method(mid, {"name": f"Proportion (percent) of subjects with {CI_NAMES[a.ci]} {level}% confidence interval",
                          "operations": [{"id": f"{mid}_{k}", "name": name, "label": label, "order": i + 1,
                                          "resultPattern": pattern(pd_)} for i, (k, name, label) in enumerate((
                                              ("lower", "Lower confidence limit", "Lower CL"),
                                              ("upper", "Upper confidence limit", "Upper CL")))]})
    return {**base_of(a, site, site.subject), "id": f"{site.aid}_CI", "methodId": mid,
            "name": f"{a.label or a.id}: {level}% confidence interval", "label": f"{a.label or a.id}: {level}% CI",
            "orderedGroupings": [{"order": 1, "groupingId": site.col_id, "resultsByGroup": True}]}


def terms(a, site: Site) -> Built:
    ds = (a.dataset or site.adsl).upper()
    if a.threshold:
        t = a.threshold
        site.rules["threshold"] = {"grouping": site.col_id, **{k: v for k, v in (
            ("pct_gt", t.pct_gt), ("pct_ge", t.pct_ge), ("n_ge", t.n_ge)) if v is not None},
            **({"over": [f"{site.col_id}_{c}" for c in t.over]} if t.over else {})}
    _select(a, site)
    out = Built()
    skip = ()
    if a.uncoded and site.ard is not None and (site.ard[site.ard["analysis"] == a.id]["level"] == a.uncoded).any():
        skip = (a.uncoded,)  # records without a term: tlf's row; no data-driven group holds a missing value
        out.notes.append(f"the {a.uncoded!r} row (records without {a.term}) is left out: an ARS data-driven "
                         "grouping has no group for a missing value")
    den = None
    if a.denominator in ("records", "assessed"):
        d = (_records(a, site, f"{site.aid}_records") if a.denominator == "records" else
             _assessed(a, site, a.term.upper(), f"{site.aid}_assessed"))
        out.analyses.append(d)
        out.cells[d["id"]] = ("denom",)
        den = (d["id"], d["methodId"] + "_n")
    term_id = f"Grp_{site.aid}_term"
    term = {"id": term_id, "name": "Preferred term", "groupingDataset": ds, "groupingVariable": a.term.upper(),
            "dataDriven": True}
    compared = {"kind": "counts", "factors": [], "estimates": a.denominator == "N", "test": a.test}
    shown = []  # (ARS analysis id, its groupings after the columns, the `per` of a grade selection)
    if a.soc:
        soc_id = f"Grp_{site.aid}_soc"
        out.groupings.append({"id": soc_id, "name": "System organ class", "groupingDataset": ds,
                              "groupingVariable": a.soc.upper(), "dataDriven": True})
        out.groupings.append(term)
        base_den = den
        # a threshold keeps an SOC when one of its terms passes it
        soc_site = dataclasses.replace(site, rules={**site.rules, "threshold": {**site.rules["threshold"],
                                                                                 "terms": a.term.upper()}}) \
            if "threshold" in site.rules else site
        soc = counted(a, soc_site, f"{site.aid}_SOC", site.subject, [soc_id], a.pct_decimals, den=den,
                      events=a.events, name=f"{a.label}: system organ classes" if a.label else "System organ class")
        if soc_site is not site:
            out.rules[soc["id"]] = soc_site.rules
        out.analyses.append(soc)
        out.cells[soc["id"]] = ("driven", [soc_id], skip)
        if a.denominator == "group":  # a term's percentage: of its SOC's subjects
            den = (soc["id"], soc["methodId"] + "_n")
        out.analyses.append(counted(a, site, site.aid, site.subject, [soc_id, term_id], a.pct_decimals, den=den,
                                    events=a.events, name=a.label or "System organ class / preferred term"))
        out.cells[site.aid] = ("driven", [soc_id, term_id], skip)
        shown = [(soc["id"], [soc_id], [a.soc.upper()], base_den),
                 (site.aid, [soc_id, term_id], [a.soc.upper(), a.term.upper()], den)]
    else:
        out.groupings.append(term)
        out.analyses.append(counted(a, site, site.aid, site.subject, [term_id], a.pct_decimals, den=den,
                                    events=a.events))
        out.cells[site.aid] = ("driven", [term_id], skip)
        shown = [(site.aid, [term_id], [a.term.upper()], den)]
    for aid, _g, _p, _d in shown:
        out.compared[aid] = compared
    if a.by_grade:
        _grades(a, site, out, shown, skip, shown[0][3])
    return out


def _grades(a, site: Site, out: Built, shown: list, skip: tuple, den) -> None:
    """The grade rows of `by_grade`: per shown analysis one by its groupings and the grade grouping, over
    each subject's worst record of the cell; the `overall` block: subjects with any record, and by grade
    (`den`: the column's denominator, of the overall block)."""
    g = a.by_grade
    if a.select is not None:
        raise Skip("by_grade: with select: is not exported (one record selection per analysis)")
    if g.missing == "worst":
        raise Skip("by_grade.missing: worst (a missing grade counted as the worst) is not exported")
    ds = (a.dataset or site.adsl).upper()
    var = g.variable.upper()
    if "{" in var or var in site.derived:
        raise Skip(f"by_grade.variable {g.variable} depends on the column's period or is derived")
    order = []
    for lv in g.levels:
        vals = [lv] if not hasattr(lv, "label") else (lv.values or [lv.value])
        if len(vals) != 1:
            raise Skip("by_grade: a level of several values is not exported (a record selection ranks one value "
                       "per level)")
        order.append(vals[0])
    gid = f"Grp_{site.aid}_grade"
    groups = []
    for k, (label, ranks) in enumerate(g.rows()):
        vals = [order[r] for r in sorted(ranks)]
        groups.append({"id": f"{gid}_{k + 1}", "name": label, "level": 1, "order": k + 1,
                       **cond(ds, var, "EQ" if len(vals) == 1 else "IN", vals[0] if len(vals) == 1 else vals)})
    grading = {"id": gid, "name": f"Worst {g.variable}", "groupingDataset": ds, "groupingVariable": var,
               "dataDriven": False, "groups": groups}
    out.groupings.append(grading)
    if site.ard is not None and site.ard[site.ard["analysis"] == a.id]["stat_name"].astype(str).str.startswith(
            "missing_").any():
        out.notes.append(f"the {g.missing_label!r} grade row (subjects whose records of a term all lack a grade) is "
                         "left out: an ARS grouping has no group for a missing value")
    blocks = list(shown)
    if g.overall is not None:
        overall = counted(a, site, f"{site.aid}_ALL", site.subject, [], a.pct_decimals, den=den,
                          name=f"{a.label or a.id}: {g.overall}")
        out.analyses.append(overall)
        out.cells[overall["id"]] = ("none",)
        blocks.insert(0, (overall["id"], [], [], den))
    for aid, groupings, per, d in blocks:
        rule = {"record": "worst", "by": var, "order": order, **({"per": per} if per else {})}
        graded = dataclasses.replace(site, rules={**site.rules, "select": rule})
        x = counted(a, graded, f"{aid}_GRADE", site.subject, [*groupings, gid], a.pct_decimals, den=d,
                    name=f"{a.label or a.id}: worst {g.variable}")
        out.analyses.append(x)
        out.cells[x["id"]] = ("grade", groupings, grading, skip)


def _select(a, site: Site) -> None:
    """tlf's record selection of the analysis (`select:`, or `per_subject:` worst/best/first/last) as a rule
    of its methods' codeTemplate."""
    rule = getattr(a, "select", None)
    how = getattr(a, "per_subject", None)
    if how not in (None, "any"):  # `any`: every value of a subject counts, as ARS counts subjects per group
        from tlf.analyses.per_subject import short_form

        rule = short_form(how, [a.order] if isinstance(a.order, str) else list(a.order))
    if rule is None:
        return
    then = [rule.then] if isinstance(rule.then, str) else list(rule.then or [])
    for v in (rule.by, *then, *rule.per):
        if "{" in v:
            raise Skip(f"select: variable {v} depends on the column's period")
        if v.upper() in site.derived:
            raise Skip(f"select: {v} is derived in study.yaml (`derive:`); ARS has no derivations and `tlf ars "
                       "run` reads the datasets as they are")
    site.rules["select"] = rule.model_dump(mode="json", exclude_defaults=True)


def _assessed(a, site: Site, variable: str, aid: str) -> dict:
    """Subjects of each column with a value of `variable` among the analysis' (selected) records."""
    mid = site.mid("Mth_Assessed")
    site.add_method(mid, {"name": "Count of subjects with a value", "operations": [
        {"id": f"{mid}_n", "name": ASSESSED_OP, "label": "n", "order": 1, "resultPattern": "XX"}]})
    return {**base_of(a, site, variable), "id": aid, "name": f"{a.label or a.id}: subjects with {variable}",
            "label": f"{a.label or a.id}: subjects with {variable}", "methodId": mid,
            "orderedGroupings": [{"order": 1, "groupingId": site.col_id, "resultsByGroup": True}]}


def _records(a, site: Site, aid: str, where: str | None = None, rules: bool = True) -> dict:
    """Subjects of each column with a record: of the analysis' records, or (`where` given, or `rules` False:
    a count's denominator, before its `where:` and selection) of the dataset's records meeting `where`."""
    ds = (a.dataset or site.adsl).upper()
    own = site if rules else dataclasses.replace(site, rules={}, subset_id=None, subset=None)
    mid = own.mid("Mth_Records")
    own.add_method(mid, {"name": "Count of subjects with a record", "operations": [
        {"id": f"{mid}_n", "name": "Count of subjects", "label": "n", "order": 1, "resultPattern": "XX"}]})
    body = {**base_of(a, own, site.subject), "id": aid, "name": f"{a.label or a.id}: subjects with a record",
            "label": f"{a.label or a.id}: subjects with a record", "methodId": mid,
            "orderedGroupings": [{"order": 1, "groupingId": site.col_id, "resultsByGroup": True}]}
    if where:
        try:
            clause = translate(where, ds, site.derived)
        except Untranslatable as e:
            raise Skip(f"denominator_where: {where!r} is not translated to an ARS where clause: {e}") from None
        sid = f"DS_{aid}"
        site.subsets.append({"id": sid, "name": where, "label": where, "level": 1, "order": 1, **clause})
        body["dataSubsetId"] = sid
    return body


def counted(a, site: Site, aid: str, variable: str, groupings: list[str], pct_decimals, name: str = "",
            den: tuple[str, str] | None = None, events: bool = False) -> dict:
    """An analysis of n and % of subjects by the columns and `groupings`: of the column's N, or of `den`
    (the denominator analysis and its operation); `events`: and the number of records."""
    pd_ = pct_decimals if pct_decimals is not None else site.pct_decimals
    den_analysis, den_op = den if den else (site.n_id, "Mth_N_1_n")
    mid = site.mid(f"Mth_Cat_{pd_}" + (f"_of_{den_op}" if den else "") + ("_ev" if events else ""))
    records = [{"id": f"{mid}_ev", "name": "Count of records", "label": "events", "order": 3,
                "resultPattern": "XX"}] if events else []
    site.add_method(mid, {"name": "Count and percent of subjects", "operations": [
        {"id": f"{mid}_n", "name": "Count of subjects", "label": "n", "order": 1, "resultPattern": "XX"},
        {"id": f"{mid}_pct", "name": "Percent of subjects", "label": "%", "order": 2,
         "resultPattern": "(" + pattern(pd_) + ")", "referencedOperationRelationships": [
             {"id": f"{mid}_pct_NUM", "referencedOperationRole": {"controlledTerm": "NUMERATOR"},
              "operationId": f"{mid}_n"},
             {"id": f"{mid}_pct_DEN", "referencedOperationRole": {"controlledTerm": "DENOMINATOR"},
              "operationId": den_op}]}, *records]})
    body = {**base_of(a, site, variable), "id": aid, "methodId": mid, "orderedGroupings": [
        {"order": 1, "groupingId": site.col_id, "resultsByGroup": True},
        *({"order": i + 2, "groupingId": g, "resultsByGroup": True} for i, g in enumerate(groupings))],
        "referencedAnalysisOperations": [
            {"referencedOperationRelationshipId": f"{mid}_pct_NUM", "analysisId": aid},
            {"referencedOperationRelationshipId": f"{mid}_pct_DEN", "analysisId": den_analysis}]}
    if name:
        body["name"] = body["label"] = name
    return body


def levels(gid: str, a, ds: str) -> dict:
    var = a.var.upper()
    if not a.levels:
        return {"id": gid, "name": a.label or a.var, "groupingDataset": ds, "groupingVariable": var,
                "dataDriven": True}
    listed = [v for lv in a.levels if not lv.other for v in (lv.values or [lv.value])]
    groups = []
    for i, lv in enumerate(a.levels):
        if lv.other:
            c = cond(ds, var, "NOTIN", listed)
        else:
            vals = lv.values or [lv.value]
            c = cond(ds, var, "IN" if len(vals) > 1 else "EQ", vals if len(vals) > 1 else vals[0])
        groups.append({"id": f"{gid}_{i + 1}", "name": lv.label, "level": 1, "order": i + 1, **c})
    return {"id": gid, "name": a.label or a.var, "groupingDataset": ds, "groupingVariable": var,
            "dataDriven": False, "groups": groups}


COUNT_BUILDERS = {"categorical": categorical, "count": count, "terms": terms}

__all__ = ["ASSESSED_OP", "COUNT_BUILDERS", "counted", "levels"]
