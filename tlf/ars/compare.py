"""`tlf ars run`: the comparisons of an analysis' factor groupings (`resultsByGroup: false`) -- p-values and
two-group estimates -- computed by the functions a tlf build's stat columns call, never a second copy:

| method (words of its name)                          | operation                     | computed by                        |
|-----------------------------------------------------|-------------------------------|------------------------------------|
| Pearson chi-square / Fisher's exact test            | P-value                       | tlf.stats.compare.compare_counts (two factors: subjects by both), compare_with_without (one factor: subjects with a record in the cell against the others of the group) |
| analysis of variance / ANOVA, Wilcoxon rank-sum     | P-value                       | tlf.stats.compare.compare_values   |
| risk difference, relative risk, odds ratio (with the CI method and level: "Newcombe", "Miettinen-Nurminen", "Wald", "Woolf"; "95%") | the estimate, Lower / Upper confidence limit ("Risk difference (percentage points)": all three x 100) | tlf.stats.proportions.two_proportions |
| proportion ("Clopper-Pearson", "Wilson", "Wald"; "95%"; "percent": x 100) | Lower / Upper confidence limit of each cell's subjects out of its column's | tlf.stats.proportions.proportion_ci |

An estimate compares the two groups of its one factor grouping, the first (by `order`) against the
second (treatment against reference), each as subjects with a record in the cell out of the group's
subjects in the analysis set (on the subject-level dataset: the subjects meeting the data subset).
A group without subjects in the analysis set is left out of a test (a data subset restricting the
treatments compared, as CDISC's example states "Placebo vs Low Dose").
"""

from __future__ import annotations

import re
from typing import Any

from tlf.stats.compare import compare_counts, compare_values, compare_with_without

TESTS = ("chisq", "fisher", "anova", "wilcoxon", "cmh")
ESTIMATES = ("estimate", "lower", "upper")
# the statistic of an estimate method, by words of its name (first match)
STATISTICS = (("proportion", "proportion"), ("risk difference", "risk_difference"), ("relative risk", "relative_risk"), ("risk ratio", "relative_risk"),
              ("odds ratio", "odds_ratio"))
CI_METHODS = (("newcombe", "newcombe"), ("miettinen-nurminen", "mn"), ("woolf", "woolf"), ("wald", "wald"),
              ("clopper-pearson", "clopper-pearson"), ("wilson", "wilson"))
_LEVEL = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*(?:confidence|ci\b)", re.IGNORECASE)


class NotMapped(Exception):
    """The comparison cannot be computed as the event states it; str() is why (ARS016)."""


def estimate_spec(method: Any) -> tuple[str | None, str | None, float | None]:
    """(statistic, CI method, confidence level) that an estimate method's name states (None: not stated)."""
    name = f"{method.name} {getattr(method, 'label', None) or ''}".lower()
    stat = next((s for word, s in STATISTICS if word in name), None)
    ci = next((c for word, c in CI_METHODS if word in name), None)
    m = _LEVEL.search(name)
    return stat, ci, (float(m.group(1)) / 100 if m else None)


def classify_estimate(method: Any, kind: str) -> tuple[str | None, str]:
    """(kind, "") when the method states what an estimate operation computes, else (None, why)."""
    stat, ci, level = estimate_spec(method)
    if stat is None:
        return None, (f"method '{method.name}' does not name its estimate (proportion, risk difference, relative "
                      "risk or odds ratio)")
    if stat == "proportion" and kind == "estimate":
        return None, "the proportion itself is a percentage of subjects (NUMERATOR / DENOMINATOR operations)"
    if kind != "estimate" and (ci is None or level is None):
        return None, (f"method '{method.name}' does not name the confidence interval's method (Newcombe, "
                      "Miettinen-Nurminen, Wald, Woolf) and level (e.g. 95%)")
    return kind, ""


def comparison(job: Any, op: Any, kind: str) -> list:
    """The results of a test or estimate operation, one per result cell of the analysis."""
    factors = job.factors
    if kind in ESTIMATES and estimate_spec(job.method)[0] == "proportion":
        return _proportions(job, op, kind)
    if kind == "cmh":
        return [_cmh(job, op, groups, cell) for groups, cell in job.cells()]
    if not factors or any(f.dataDriven for f in factors):
        raise NotMapped("a comparison needs one or two factor groupings (resultsByGroup: false) with groups "
                        "defined in the event; data-driven factors are not mapped")
    out = []
    for groups, cell in job.cells():
        if kind in ESTIMATES:
            value, notes = _estimate(job, op, kind, cell)
        else:
            value, notes = _test(job, kind, cell)
        r = job.result(op, kind, groups, value)
        r.note = "; ".join(notes)
        out.append(r)
    return out


def _cmh(job: Any, op: Any, groups, cell):
    """The Cochran-Mantel-Haenszel test of the subjects by the first factor (the columns) and the second (the
    response's levels), stratified by the third: a data-driven grouping whose variable gives each subject's
    stratum (of its dataset when it holds the variable, else of the analysed one; a missing one leaves the
    subject out, as a build's `strata:` does). The statistic is the method's: "general association", "row mean
    scores", "nonzero correlation" (scores: the levels' numbers, "modified ridit" scores when it says so)."""
    import numpy as np

    from tlf.stats.compare import CMH_NAMES, NAN, compare_cmh
    from tlf.stats.values import norm_value

    factors = job.factors
    if len(factors) != 3 or any(f.dataDriven for f in factors[:2]) or not factors[2].dataDriven:
        raise NotMapped("a CMH test is mapped for three factor groupings: the groups compared, the response's "
                        "groups, and a data-driven grouping of the strata")
    name = job.method.name.lower()
    statistic = next((k for k, v in CMH_NAMES.items() if v.split()[0] in name), "general")
    subj = job.frame[job.tables.subject]
    cols, levels = ([job.tables.mask(g, job.ds, job.path(g)) for g in f.groups] for f in factors[:2])
    per_col = [[set(subj[cell & c & lv]) for lv in levels] for c in cols]
    everyone = sorted({s for col in per_col for v in col for s in v}, key=str)
    r = job.result(op, "cmh", groups, NAN)
    if sum(len(v) for col in per_col for v in col) != len(everyone):
        r.note = "not computed: a subject is counted under more than one level (a CMH test counts each subject once)"
        return r
    strata = factors[2]
    var = (strata.groupingVariable or "").upper()
    frame = job.tables.frame(strata.groupingDataset or job.ds, job.key)
    if var not in frame.columns:
        frame = job.frame
    if var not in frame.columns:
        from tlf.errors import DataError

        raise DataError(f"{job.key}: the strata grouping {strata.id} is by {var}, which neither "
                        f"{strata.groupingDataset} nor {job.ds} has", dataset=job.ds, variable=var, code="ARS012")
    stratum: dict = {}
    for s, v in zip(frame[job.tables.subject], frame[var], strict=True):
        if stratum.get(s) is None:
            stratum[s] = norm_value(v)
    values = sorted({stratum.get(s) for s in everyone} - {None}, key=lambda x: (isinstance(x, str), x))
    where = {v: h for h, v in enumerate(values)}
    tables = np.zeros((max(len(values), 1), len(cols), len(levels)))
    for i, col in enumerate(per_col):
        for j, members in enumerate(col):
            for s in members:
                if stratum.get(s) is not None:
                    tables[where[stratum[s]], i, j] += 1
    level_var = (factors[1].groupingVariable or "").upper()
    numeric = level_var in job.frame.columns and job.frame[level_var].dtype.kind in "if"
    scores = None
    if numeric and all(g.condition is not None and len(g.condition.value) == 1 for g in factors[1].groups):
        scores = [float(g.condition.value[0]) for g in factors[1].groups]
    lost = sum(stratum.get(s) is None for s in everyone)
    res = compare_cmh(tables, statistic, "modridit" if "modified ridit" in name else "table", scores,
                      (f"controlling for {var}",))
    r.value = res.pvalue
    r.formatted = job.result(op, "cmh", groups, res.pvalue).formatted
    r.note = "; ".join((*res.notes[:1], *((f"{lost} subject(s) with a missing {var} left out of the stratified test",)
                                           if lost else ()), *res.notes[1:]))
    return r


def _proportions(job: Any, op: Any, kind: str) -> list:
    """A confidence limit of the proportion of each cell's subjects out of its group's of the first
    grouping (the column's N) in the analysis set; x 100 when the method states the proportion in percent."""
    from tlf.stats.proportions import proportion_ci

    if job.factors or not job.by or job.by[0].dataDriven:
        raise NotMapped("a proportion's confidence interval is of the cells of a first grouping of groups (the "
                        "columns), without factors")
    _stat, ci, level = estimate_spec(job.method)
    first = job.by[0]
    totals = dict(zip([g.id for g in first.groups], job.population(first), strict=True))
    scale = 100.0 if "percent" in job.method.name.lower() else 1.0
    subj = job.frame[job.tables.subject]
    out = []
    for groups, cell in job.cells():
        gid = next(g for g in groups if g[0] == first.id)[1]
        r = proportion_ci(int(subj[cell].nunique()), int(totals[gid]), ci, level)
        res = job.result(op, kind, groups, (r.lower if kind == "lower" else r.upper) * scale)
        res.note = "; ".join(r.notes)
        out.append(res)
    return out


def _levels(job: Any) -> list[list]:
    return [[job.tables.mask(grp, job.ds, job.path(grp)) for grp in f.groups] for f in job.factors]


def _test(job: Any, kind: str, cell) -> tuple[float, tuple[str, ...]]:
    levels = _levels(job)
    if kind in ("anova", "wilcoxon"):
        if len(levels) != 1:
            raise NotMapped(f"{kind} is mapped for one factor grouping")
        var = job.variable()
        exact = "exact" in job.method.name.lower()
        samples = [job.frame.loc[cell & m, var].astype(float).to_numpy() for m in levels[0]]
        r = compare_values([s for s in samples if len(s)] if kind == "wilcoxon" else samples, kind, exact)
        return r.pvalue, r.notes
    subj = job.frame[job.tables.subject]
    if len(levels) == 2:
        table = [[subj[cell & m1 & m2].nunique() for m2 in levels[1]] for m1 in levels[0]]
        r = compare_counts(table, kind)
        return r.pvalue, r.notes
    if len(levels) != 1:
        raise NotMapped("a contingency test is mapped for one or two factor groupings")
    totals = job.population(job.factors[0])
    n = [subj[cell & m].nunique() for m in levels[0]]
    # a group the data subset's subject-level conditions leave out is not compared (CDISC's "Placebo vs
    # Low Dose" subsets); one without subjects in the analysis set is, and there is no test, as in a build
    whole = job.population(job.factors[0], subset=False)
    kept = [i for i, t in enumerate(totals) if t > 0 or whole[i] == 0]
    r = compare_with_without([n[i] for i in kept], [totals[i] for i in kept], kind)
    return r.pvalue, r.notes


def _estimate(job: Any, op: Any, kind: str, cell) -> tuple[float | None, tuple[str, ...]]:
    from tlf.stats.proportions import two_proportions

    if len(job.factors) != 1 or len(job.factors[0].groups) != 2:
        raise NotMapped("an estimate compares the two groups of one factor grouping (the treatment, then the "
                        "reference)")
    stat, ci, level = estimate_spec(job.method)
    subj = job.frame[job.tables.subject]
    (m1, m2), (n1, n2) = _levels(job)[0], job.population(job.factors[0])
    x1, x2 = subj[cell & m1].nunique(), subj[cell & m2].nunique()
    r = two_proportions(stat, int(x1), int(n1), int(x2), int(n2), ci, level if level is not None else 0.95)
    value = {"estimate": r.estimate, "lower": r.lower, "upper": r.upper}[kind]
    # in percentage points when the method's estimate says so (its limits with it)
    scale = 100.0 if stat == "risk_difference" and any("percentage point" in o.name.lower()
                                                       for o in job.method.operations) else 1.0
    return value * scale, tuple(r.notes)


__all__ = ["ESTIMATES", "TESTS", "NotMapped", "classify_estimate", "comparison", "estimate_spec"]
