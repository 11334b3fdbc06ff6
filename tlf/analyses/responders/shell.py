"""The `responders` shell: n, % and n assessed per parameter, visit and column."""

from __future__ import annotations

from tlf.analyses.shell import param_visit_rows, shell_row


def shell(output_id: str, a, cols, pct: int, study) -> list[dict]:
    rows = param_visit_rows(output_id, a)
    pct = a.pct_decimals if a.pct_decimals is not None else pct
    for c in cols:
        for i, p in enumerate(a.params):
            for j, v in enumerate(a.visits):
                for name, dec in (("n", 0), ("p", pct), ("n_assessed", 0)) + ((("ci_lower", pct), ("ci_upper", pct))
                                                                              if a.ci else ()):
                    rows.append(shell_row(output_id, a.id, c.id, name, dec, parent=p, level=v, order=i * 1000 + j))
    if a.model:  # the odds ratios: every column but the reference (which columns are in the model needs data)
        for c in cols:
            if c.id == a.model.reference or (a.model.columns is not None and c.id not in a.model.columns):
                continue
            for i, p in enumerate(a.params):
                for j, v in enumerate(a.visits):
                    rows += [shell_row(output_id, a.id, c.id, name, 3 if name == "or_pvalue" else 2, parent=p, level=v,
                                       order=i * 1000 + j) for name in ("or", "or_lower", "or_upper", "or_pvalue")]
    return rows


def pvalue_levels(a) -> list[tuple[str, str]]:
    """A stat column prints one p-value per parameter and visit."""
    return [(p, v) for p in a.params for v in a.visits]


SHELLS = {"responders": shell}
PVALUE_LEVELS = {"responders": pvalue_levels}
