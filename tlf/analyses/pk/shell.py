"""The PK summaries' shells (`pk_parameters`, `pk_concentrations`): the groups and time points a spec
lists (`values:`), else a few placeholders; the parameters the spec names; every statistic with the
decimals or significant figures the real output would print."""

from __future__ import annotations

from tlf.analyses.pk.run import GROUP_SEP
from tlf.spec.base import CONTINUOUS_STATS
from tlf.stats.descriptive import stat_precision
from tlf.stats.values import same_value, value_text

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


def shell(output_id: str, a, active, pct_default: int, study) -> list[dict]:
    return mock_pk_rows(output_id, a, [c.id for c in active], datasets=study.spec.data.datasets)


SHELLS = {"pk_parameters": shell, "pk_concentrations": shell}
