"""The ARD a spec would produce with no data (every stat NaN), for shells.

Rows that depend on data get a few placeholder levels ("<Preferred term 1>"); everything else
(columns, analyses, listed levels, statistics and their decimals) comes from the spec, so a shell
and the final output of one spec cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.spec.base import CONTINUOUS_STATS
from tlf.spec.model import TTE_STATS

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study

_PREFIX = {"value": "", "change": "chg_", "pchg": "pchg_", "pbase": "pbase_"}

PLACEHOLDERS = 3
NAN = float("nan")
_OFFSET = {"mean": 1, "median": 1, "q1": 1, "q3": 1, "geomean": 1, "sd": 2, "se": 2, "min": 0, "max": 0}


def mock_ard_rows(study: Study, entry: OutputEntry) -> list[dict]:
    """ARD rows (stat NaN) for every cell of the output's table."""
    spec = entry.spec
    cols = study.columns_for(entry)
    own_pct = getattr(spec, "pct_decimals", None)
    pct_default = own_pct if own_pct is not None else study.spec.pct_decimals
    rows: list[dict] = []

    def row(analysis: str, col: str, stat_name: str, decimals: int, level: str = "", parent: str = "",
            order: int = 0, variable: str = "", sig: int = 0) -> None:
        rows.append({"output_id": spec.id, "analysis": analysis, "column": col, "variable": variable,
                     "parent": parent, "level": level, "stat_name": stat_name, "stat": NAN,
                     "decimals": decimals, "sig": sig, "order": order, "warning": "shell"})

    for c in cols:
        row("_N", c.id, "N", 0)
    for a in spec.analyses:
        active = [c for c in cols if a.periods is None or c.period in a.periods]
        if a.type in _MOCK:
            rows += _MOCK[a.type](spec.id, a, active, pct_default, study)
            rows += _mock_groups(study, entry, a, active)
            continue
        pct = a.pct_decimals if getattr(a, "pct_decimals", None) is not None else pct_default
        levels: list[tuple[str, str]] = []
        if a.type == "count":
            levels = [("", "")]
        elif a.type == "categorical":
            levels = ([("", lv.label) for lv in a.levels] if a.levels
                      else [("", f"<Category {i}>") for i in range(1, PLACEHOLDERS + 1)])
        elif a.type == "terms":
            if a.soc:
                for s in range(1, 3):
                    soc = f"<System organ class {s}>"
                    levels += [(soc, soc)] + [(soc, f"<Preferred term {s}.{t}>") for t in range(1, 3)]
            else:
                levels = [("", f"<Preferred term {i}>") for i in range(1, PLACEHOLDERS + 1)]
        for c in active:
            if a.type == "continuous":
                from tlf.stats.analyze import stat_precision

                d = a.precision if a.precision is not None else 0
                for name in CONTINUOUS_STATS:
                    dec, sig = stat_precision(name, d, a.decimals, a.sig)
                    row(a.id, c.id, name, dec, variable=a.var, sig=sig)
                continue
            if a.type == "time_to_event":
                d = a.precision if a.precision is not None else 0
                row(a.id, c.id, "n", 0, variable=a.time)
                for order, level in enumerate(("Events", "Censored"), 1):
                    row(a.id, c.id, "n", 0, level, order=order)
                    row(a.id, c.id, "p", pct, level, order=order)
                for name in TTE_STATS[1:]:
                    base = "median" if name.startswith("median") else name
                    row(a.id, c.id, name, a.decimals.get(base, d + _OFFSET.get(base, 0)), variable=a.time)
                continue
            for order, (parent, level) in enumerate(levels):
                row(a.id, c.id, "n", 0, level, parent, order)
                row(a.id, c.id, "p", pct, level, parent, order)
                if getattr(a, "events", False):
                    row(a.id, c.id, "events", 0, level, parent, order)
        rows += _mock_pvalues(spec, a, levels, row)
    return rows


def _mock_groups(study: Study, entry: OutputEntry, a, active) -> list[dict]:
    """A grouped scatter figure's legend (tlf/stats/plot_groups.py): the study's treatment columns of the
    grouping variable (tlf/spec/groups.py), else placeholders."""
    from tlf.spec.groups import Grouping, ordered_columns

    spec = entry.spec
    var = getattr(getattr(spec, "plot", None), "group", None)
    if spec.type != "figure" or spec.plot.kind != "scatter" or not var:
        return []
    cols = ordered_columns(study.spec.columns, None if isinstance(spec.columns, str) else spec.columns)
    groups = [(g.label, g.rank) for g in Grouping(cols, var).spec_groups] or \
        [(f"<{var} {i}>", len(cols) + i) for i in range(1, PLACEHOLDERS + 1)]
    return [_mock_row(spec.id, a.id, c.id, "n", 0, parent="group", level=label, order=rank, variable=var)
            for c in active for label, rank in groups]


def _mock_pvalues(spec, a, levels: list[tuple[str, str]], row) -> list:
    """Placeholder p-values for the output's stat columns: one per level of a per-term analysis,
    one per analysis otherwise (none for analysis types that run no comparison)."""
    from tlf.spec.base import ANALYSIS_KINDS, resolve_test

    kind = ANALYSIS_KINDS.get(a.type)
    if kind is None:
        return []
    for sc in spec.stat_columns:
        if resolve_test(getattr(a, "test", None) or sc.test, kind) == "none":
            continue
        for parent, level in (levels if a.type == "terms" else [("", "")]):
            row(a.id, sc.id, "pvalue", sc.format.decimals, level, parent)
    return []


def _mock_row(output_id: str, analysis: str, col: str, stat_name: str, decimals: int, *, parent: str = "",
              level: str = "", order: int = 0, variable: str = "") -> dict:
    return {"output_id": output_id, "analysis": analysis, "column": col, "variable": variable, "parent": parent,
            "level": level, "stat_name": stat_name, "stat": NAN, "decimals": decimals, "order": order,
            "warning": "shell"}


def _param_visit_rows(output_id: str, a) -> list[dict]:
    """Per parameter its label row (the code, or the analysis label for one parameter); per visit its x."""
    rows = []
    for i, p in enumerate(a.params):
        label = a.param_labels.get(p, p)
        rows.append(_mock_row(output_id, a.id, "", "param", 0, parent=p, order=i * 1000, variable=label))
        rows += [_mock_row(output_id, a.id, "", "x", -1, parent=p, level=v, order=i * 1000 + j)
                 for j, v in enumerate(a.visits)]
    return rows


def _mock_by_visit(output_id: str, a, cols, pct: int, study: Study) -> list[dict]:
    rows = _param_visit_rows(output_id, a)
    d = a.precision if a.precision is not None else 0
    for c in cols:
        for i, p in enumerate(a.params):
            for j, v in enumerate(a.visits):
                for part in a.show:
                    if part != "value" and v == a.baseline_visit:
                        continue
                    dd = {"pchg": a.pchg_precision, "pbase": a.pbase_precision}.get(part, d)
                    for name in CONTINUOUS_STATS:
                        dec = 0 if name == "n" else (1 if name in ("cv", "geocv") else dd + _OFFSET.get(name, 0))
                        rows.append(_mock_row(output_id, a.id, c.id, _PREFIX[part] + name, a.decimals.get(name, dec),
                                              parent=p, level=v, order=i * 1000 + j))
                if v != a.baseline_visit:
                    for t in a.tests:
                        rows.append(_mock_row(output_id, a.id, c.id, f"{t.quantity}_wsr_pvalue", 3, parent=p, level=v,
                                              order=i * 1000 + j))
    return rows


def _mock_responders(output_id: str, a, cols, pct: int, study: Study) -> list[dict]:
    rows = _param_visit_rows(output_id, a)
    pct = a.pct_decimals if a.pct_decimals is not None else pct
    for c in cols:
        for i, p in enumerate(a.params):
            for j, v in enumerate(a.visits):
                for name, dec in (("n", 0), ("p", pct), ("n_assessed", 0)):
                    rows.append(_mock_row(output_id, a.id, c.id, name, dec, parent=p, level=v, order=i * 1000 + j))
    return rows


def _mock_ancova(output_id: str, a, cols, pct: int, study: Study) -> list[dict]:
    from tlf.stats.ancova import ARM_STATS, DIFF_STATS, comparison_pairs, decimals_for, diff_prefix

    rows = _param_visit_rows(output_id, a)
    dec = decimals_for(a, a.precision if a.precision is not None else 0)
    pairs = comparison_pairs(a, [c.id for c in cols])
    model = [("rmse_ml" if a.rmse == "ml" else "rmse", dec["rmse"])] + ([("dose_pvalue", dec["dose_pvalue"])]
                                                                        if a.dose else [])
    for i, p in enumerate(a.params):
        for j, v in enumerate(a.visits):
            at = {"parent": p, "level": v, "order": i * 1000 + j}
            for c in cols:
                rows += [_mock_row(output_id, a.id, c.id, s, dec[s], **at) for s in ARM_STATS]
            for arm, comp in pairs:
                rows += [_mock_row(output_id, a.id, arm, diff_prefix(a, comp) + s, dec[s], **at) for s in DIFF_STATS]
            rows += [_mock_row(output_id, a.id, "", s, d, **at) for s, d in model]
    return rows


def _mock_correlation(output_id: str, a, cols, pct: int, study: Study) -> list[dict]:
    rows = []
    for col in ([""] if a.pool else [c.id for c in cols]):
        for k, method in enumerate(a.methods):
            rows += [_mock_row(output_id, a.id, col, s, d, level=method, order=k)
                     for s, d in (("r", a.decimals), ("pvalue", 3), ("n", 0))]
    return rows


def _mock_power_model(output_id: str, a, active, pct_default: int, study: Study) -> list[dict]:
    from tlf.ard.mock_pk import mock_power_model_rows

    return mock_power_model_rows(output_id, a, [c.id for c in active])


def _mock_emax(output_id: str, a, active, pct_default: int, study: Study) -> list[dict]:
    from tlf.ard.mock_pk import mock_emax_rows

    return mock_emax_rows(output_id, a, [c.id for c in active])


def _mock_pk(output_id: str, a, active, pct_default: int, study: Study) -> list[dict]:
    from tlf.ard.mock_pk import mock_pk_rows

    return mock_pk_rows(output_id, a, [c.id for c in active], datasets=study.spec.data.datasets)


_MOCK = {"by_visit": _mock_by_visit, "responders": _mock_responders, "ancova": _mock_ancova,
         "correlation": _mock_correlation, "pk_parameters": _mock_pk, "pk_concentrations": _mock_pk,
         "power_model": _mock_power_model, "emax": _mock_emax}
