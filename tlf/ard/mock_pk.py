"""Mock ARD rows of the PK summaries (tlf/spec/pk.py) for shells: the groups and time points a spec
lists (`values:`), else a few placeholders; the parameters the spec names; every statistic with the
decimals or significant figures the real output would print."""

from __future__ import annotations

from tlf.spec.base import CONTINUOUS_STATS
from tlf.stats.analyze import stat_precision
from tlf.stats.context import FIXED, same_value, value_text
from tlf.stats.pk_summary import GROUP_SEP

PLACEHOLDERS = 2
NAN = float("nan")


def _labels(by) -> list[str]:
    if by.values is None:
        if by.label:
            return [by.label.replace("{value}", f"<{i}>") for i in range(1, PLACEHOLDERS + 1)]
        name = by.label_var or by.var
        return [f"<{name} {i}>" for i in range(1, PLACEHOLDERS + 1)]
    text = [value_text(v) for v in by.values]
    return [by.label.replace("{value}", t) if by.label else t for t in text]


def _reference_parents(a, datasets) -> set[str]:
    """The groups with no accumulation ratios: those of the reference profile of the NCA dataset the
    analysis reads (its `reference:` values of the `by` variables), as the NCA computes none there."""
    spec = datasets.get(a.dataset) if datasets else None
    nca = getattr(spec, "nca", None)
    if nca is None or not nca.reference:
        return set()
    ref = {k.upper(): v for k, v in nca.reference.items()}
    if not a.by or any(by.var.upper() not in ref or by.values is None for by in a.by):
        return set()
    labels = [by.label.replace("{value}", value_text(ref[by.var.upper()])) if by.label else value_text(ref[by.var.upper()])
              for by in a.by if any(same_value(v, ref[by.var.upper()]) for v in by.values)]
    return {GROUP_SEP.join(labels)} if len(labels) == len(a.by) else set()




def mock_pk_rows(output_id: str, a, col_ids: list[str], datasets=None) -> list[dict]:
    """`datasets`: the study's dataset specs (to leave accumulation ratios out of the reference day)."""
    from tlf.stats.nca_model import RATIOS

    parents = [""]
    for by in a.by:
        parents = [GROUP_SEP.join(x for x in (p, lab) if x) for p in parents for lab in _labels(by)]
    no_ratios = _reference_parents(a, datasets) if a.type == "pk_parameters" else set()
    if a.type == "pk_parameters":
        levels = [(p.label or p.code, p.code) for p in a.parameters]
        stats = CONTINUOUS_STATS
    else:
        levels = [(lab, a.var) for lab in _labels(a.time)]
        stats = (*CONTINUOUS_STATS, "n_blq")
    rows = []
    for col in col_ids:
        order = 0
        for parent in parents:
            for level, variable in levels:
                if parent in no_ratios and variable in RATIOS:
                    order += 1
                    continue
                for name in stats:
                    dec, sig = stat_precision(name, 0, a.decimals, a.sig)
                    rows.append({"output_id": output_id, "analysis": a.id, "column": col, "variable": variable,
                                 "parent": parent, "level": level, "stat_name": name, "stat": NAN,
                                 "decimals": dec, "sig": sig, "order": order, "warning": "shell"})
                order += 1
    return rows


def mock_power_model_rows(output_id: str, a, col_ids: list[str]) -> list[dict]:
    """The statistics of a `power_model` analysis for each parameter the spec names."""
    from tlf.stats.dose_proportionality import DEFAULT_DECIMALS

    dec = {**DEFAULT_DECIMALS, **a.decimals}
    names = {"n": 0, "slope": dec["slope"], "slope_se": dec["se"], "slope_ci_low": dec["slope"],
             "slope_ci_high": dec["slope"], "intercept": dec["intercept"], "intercept_se": dec["se"],
             "dose_ratio": -1, "range_low": dec["range"], "range_high": dec["range"], "within_range": 0}
    rows = []
    for col in col_ids:
        for order, p in enumerate(a.parameters):
            for name, d in names.items():
                rows.append({"output_id": output_id, "analysis": a.id, "column": col, "variable": p.code,
                             "parent": "", "level": p.label or p.code, "stat_name": name, "stat": NAN,
                             "decimals": d, "sig": 3 if d < 0 else 0, "order": order, "warning": "shell"})
    return rows


def mock_emax_rows(output_id: str, a, col_ids: list[str]) -> list[dict]:
    """The statistics of an `emax` analysis (no plotted points: a shell figure is an empty frame)."""
    from tlf.stats.emax import PARAMS
    from tlf.stats.exposure_response import stat_decimals

    dec = stat_decimals(a)
    names = ["n", "nobs", "df"]
    for k in PARAMS:
        names.append(k)
        if k in a.estimated:
            names += [f"{k}_se", f"{k}_ci_low", f"{k}_ci_high"]
    names += ["sigma", "converged"]
    rows = []
    for col in col_ids:
        for name in names:
            fixed = name in ("e0", "hill") and name not in a.estimated
            rows.append({"output_id": output_id, "analysis": a.id, "column": col, "variable": a.response.upper(),
                         "parent": "", "level": a.label or a.id, "stat_name": name,
                         "stat": float(getattr(a, name)) if fixed else NAN, "decimals": dec[name], "sig": 0,
                         "order": 0, "warning": FIXED if fixed else "shell"})
    return rows
