"""The `hazard_ratio` of a time_to_event analysis: one Cox model (tlf.stats.cox) of the times of the
reference column and of every other column sharing no subject with a column already in the model; ARD
rows hr, hr_ci_low, hr_ci_high, hr_pvalue per column vs the reference (NaN with the reason in `warning`
when not estimable). Strata and covariates are read per subject (tlf/analyses/strata.py)."""

from __future__ import annotations

from tlf.analyses.strata import subject_values_of
from tlf.errors import did_you_mean

HR_STATS = ("hr", "hr_ci_low", "hr_ci_high", "hr_pvalue")


def model_columns(ctx, hr, ids: list[str], subjects: dict[str, list]) -> list[str]:
    """The reference, then each other column in order whose subjects no column already taken has."""
    if hr.reference not in ids:
        raise ctx.error(("hazard_ratio", "reference"), f"'{hr.reference}' is not an active treatment column of "
                        f"this analysis{did_you_mean(hr.reference, ids)}", "SPEC109")
    taken, seen = [hr.reference], set(subjects[hr.reference])
    for c in ids:
        if c != hr.reference and not seen & set(subjects[c]):
            taken.append(c)
            seen |= set(subjects[c])
    return taken


def hazard_rows(ctx, per_col: dict[str, tuple[list, list, list]]) -> list[dict]:
    """per_col: column id -> (times, events, subject ids). ARD rows of the hazard ratios vs the reference."""
    from tlf.stats.cox import hazard_ratios

    hr = ctx.analysis.hazard_ratio
    subjects = {c: v[2] for c, v in per_col.items()}
    cols = model_columns(ctx, hr, list(per_col), subjects)
    t, e, g, ids = [], [], [], []
    for c in cols:
        times, events, sids = per_col[c]
        t += list(times)
        e += list(events)
        g += [c] * len(times)
        ids += list(sids)
    strata = None
    if hr.strata:
        key = ("analyses", ctx.index, "hazard_ratio", "strata")
        values = [subject_values_of(ctx, (*key, j), v, ids) for j, v in enumerate(hr.strata)]
        strata = [None if any(val[s] is None for val in values) else "|".join(str(val[s]) for val in values)
                  for s in ids]
    covs = []
    for j, v in enumerate(hr.covariates):
        val = subject_values_of(ctx, ("analyses", ctx.index, "hazard_ratio", "covariates", j), v, ids)
        covs.append([val[s] for s in ids])
    res = hazard_ratios(t, e, g, hr.reference, covariates=covs, strata=strata, ties=hr.ties, alpha=hr.alpha)
    rows = []
    for c in cols[1:]:
        r = res.get(c)
        if r is None:  # the column has no subjects with data
            vals, note = (float("nan"),) * 4, "no subjects with data in the column"
        else:
            vals, note = (r.hr, r.lower, r.upper, r.pvalue), "; ".join(r.notes)
        what = f"Cox model, ties={hr.ties}" + (f", strata {', '.join(hr.strata)}" if hr.strata else "") + \
            (f", covariates {', '.join(hr.covariates)}" if hr.covariates else "") + f", vs {hr.reference}"
        for name, v in zip(HR_STATS, vals, strict=True):
            rows.append(ctx.row(c, name, v, 3 if name == "hr_pvalue" else hr.decimals, variable=what,
                                warning=note))
    return rows
