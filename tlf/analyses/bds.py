"""Analyses of BDS records by parameter and visit: value and change from baseline summaries
(`by_visit`) and responder counts (`responders`). Also the parameter / visit selection the ANCOVA
shares (`select_bds`).

ARD keys: parent = parameter code (PARAMCD), level = visit (AVISIT), order = parameter and visit order.
Statistic names: `n`, `mean`, ... for the value, `chg_n`, `chg_mean`, ... for the change,
`pchg_n`, ... for the percent change and `pbase_n`, ... for the percent of baseline; `records` the
records of the column at the visit (with or without a value); `<quantity>_wsr_pvalue`, `<quantity>_wsr_v` (sum of
the positive ranks, R's V) and `<quantity>_wsr_n` (non-zero differences) for a signed-rank test against
baseline of quantity <quantity>; `n`, `p` (and `n_assessed`) for responders. Per parameter, a
row `param` (column "") carries the parameter's label in `variable`; per visit a row `x` (column "")
the visit's plotted position (AVISITN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.context import Ctx
from tlf.data.subjects import column_codes, isin_codes
from tlf.errors import DataError, did_you_mean, did_you_mean_value

if TYPE_CHECKING:
    import pandas as pd

PART_PREFIX = {"value": "", "change": "chg_", "pchg": "pchg_", "pbase": "pbase_"}
BASE0_NOTE = "baseline 0: percent change not defined"
PBASE0_NOTE = "baseline 0: percent of baseline not defined"


def visit_order(param_index: int, visit_index: int) -> int:
    return param_index * 1000 + visit_index


def select_bds(ctx: Ctx) -> pd.DataFrame:
    """The analysis dataset's records of the spec's parameters and visits (all subjects), after checking
    that every parameter and every visit occurs in the data: a name that does not is a located
    SpecError with the closest name that does."""
    import numpy as np

    a = ctx.analysis
    frame = ctx.data.dataset(ctx.dataset_name).frame
    for key in ("param_var", "visit_var"):
        var = getattr(a, key)
        if var not in frame.columns:
            raise ctx.error(key, f"variable '{var}' not found in dataset {ctx.dataset_name}"
                            f"{did_you_mean(var, frame.columns)}", "SPEC041")
    pcodes, puniques = column_codes(frame, a.param_var)  # factorised once per frame (tlf/data/subjects.py)
    codes = [str(v) for v in puniques.tolist() if not _na(v)]  # as frame[param].dropna().unique()
    key = "param" if isinstance(a.param, str) else None
    for i, p in enumerate(a.params):
        if p not in codes:
            raise ctx.error(key or ("param", i), f"parameter '{p}' not found in {ctx.dataset_name}.{a.param_var}"
                            f"{did_you_mean_value(p, codes)}; present: {', '.join(sorted(codes))}", "SPEC043")
    in_params = isin_codes(frame, a.param_var, list(a.params))
    vcodes, vuniques = column_codes(frame, a.visit_var)
    # each (parameter, visit) pair of the parameters' records, in order of first appearance
    pair = pcodes[in_params].astype(np.int64) * (len(vuniques) + 1) + vcodes[in_params]
    first = np.full((len(puniques) + 1) * (len(vuniques) + 1), len(pair))
    first[pair[::-1]] = np.arange(len(pair))[::-1]  # repeated keys: the last assignment (the first record) wins
    found = np.flatnonzero(first < len(pair))
    found = found[np.argsort(first[found], kind="stable")]
    pvals, vvals = puniques.tolist(), vuniques.tolist()
    pairs = [(pvals[k // (len(vuniques) + 1)], vvals[k % (len(vuniques) + 1)]) for k in found.tolist()]
    for i, p in enumerate(a.params):
        visits = [str(v) for q, v in pairs if q == p]
        for j, v in enumerate(a.visits):
            if v not in visits:
                raise ctx.error(("visits", j), f"visit '{v}' not found for parameter {p} in "
                                f"{ctx.dataset_name}.{a.visit_var}{did_you_mean_value(v, visits)}; present: "
                                f"{', '.join(sorted(visits))}", "SPEC044")
        if getattr(a, "baseline_visit", None) and a.baseline_visit not in a.visits:
            raise ctx.error("baseline_visit", f"baseline visit '{a.baseline_visit}' is not among `visits`"
                            f"{did_you_mean(a.baseline_visit, a.visits)}", "SPEC045")
        del i
    keep = in_params & isin_codes(frame, a.visit_var, list(a.visits))
    return frame if keep.all() else frame[keep]  # every record: the frame itself, not a copy


def cells(frame: pd.DataFrame, param_var: str, visit_var: str) -> dict[tuple, object]:
    """The positions of `frame`'s records at each (parameter, visit), in record order: one grouping pass
    instead of a comparison of every record per cell. A cell without records is not a key (see cell())."""
    if frame.empty:
        return {}
    return frame.groupby([param_var, visit_var], sort=False).indices


def cell_positions(frame: pd.DataFrame, positions, param_var: str, visit_var: str) -> dict[tuple, object]:
    """As cells(frame.iloc[positions]), but positions in `frame`, from its factorised parameter and visit
    (kept per frame): no record is copied."""
    import numpy as np

    pc, pu = column_codes(frame, param_var)
    vc, vu = column_codes(frame, visit_var)
    width = len(vu) + 1
    key = pc[positions].astype(np.int64) * width + vc[positions]
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    ends = np.r_[starts[1:], len(key)]
    pvals, vvals = pu.tolist(), vu.tolist()
    return {(pvals[int(key[b]) // width], vvals[int(key[b]) % width]): positions[order[b:e]]
            for b, e in zip(starts, ends, strict=True)}


def cell(cells_: dict[tuple, object], frame: pd.DataFrame, param, visit) -> pd.DataFrame:
    """The records of `frame` at one (parameter, visit) (`cells_` made by cells() from `frame`), in record
    order; none: an empty frame of `frame`'s columns."""
    found = cells_.get((param, visit))
    return frame.iloc[found] if found is not None else frame.iloc[:0]


def _na(v) -> bool:
    return v is None or v != v


def one_per_subject(ctx: Ctx, recs: pd.DataFrame, param: str, visit: str) -> None:
    sid = ctx.data.subject_id
    dup = recs[sid][recs[sid].duplicated()]
    if len(dup):
        raise DataError(f"more than one record per subject for parameter {param} at visit '{visit}' (analysis "
                        f"'{ctx.analysis.id}'); add a `where` that keeps one (e.g. ANL01FL == 'Y')",
                        dataset=ctx.dataset_name, usubjid=str(dup.iloc[0]), code="DATA040")


def require_var(ctx: Ctx, key: str, name: str, frame: pd.DataFrame) -> str:
    if name not in frame.columns:
        raise ctx.error(key, f"variable '{name}' not found in dataset {ctx.dataset_name}"
                        f"{did_you_mean(name, frame.columns)}", "SPEC041")
    return name


def label_rows(ctx: Ctx, selected: pd.DataFrame, by_cell: dict[tuple, object] | None = None) -> list[dict]:
    """Per parameter a `param` row with its label; per visit an `x` row with its plotted position.
    `by_cell`: cell_positions() of every record of `selected`, when the caller has them."""
    import numpy as np

    a = ctx.analysis
    rows = []
    if by_cell is None:
        by_cell = cell_positions(selected, np.arange(len(selected)), a.param_var, a.visit_var)
    first: dict = {}  # each parameter's first record
    for (q, _), pos in by_cell.items():
        if len(pos) and (q not in first or pos[0] < first[q]):
            first[q] = int(pos[0])
    for i, p in enumerate(a.params):
        label = p
        if a.param_label_var and a.param_label_var in selected.columns and p in first:
            label = str(selected[a.param_label_var].iloc[first[p]])
        label = a.param_labels.get(p, label)
        rows.append(ctx.row("", "param", float("nan"), 0, variable=label, parent=p, order=visit_order(i, 0)))
        for j, v in enumerate(a.visits):
            x = float(j)
            if a.visit_num_var and a.visit_num_var in selected.columns:
                nums = selected[a.visit_num_var].iloc[by_cell.get((p, v), [])].dropna()
                if len(nums):
                    x = float(nums.iloc[0])
            rows.append(ctx.row("", "x", x, -1, parent=p, level=v, order=visit_order(i, j)))
    return rows


# ---------------------------------------------------------------- by_visit


# ---------------------------------------------------------------- responders

