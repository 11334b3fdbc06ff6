"""The `shift` shell: the spec's categories (else placeholders) as rows and as columns under each
treatment column, per parameter and visit; no "Missing" category (only the data show one)."""

from __future__ import annotations

from tlf.analyses.shell import PLACEHOLDERS, own_pct, shell_row
from tlf.analyses.shift.run import PARAM, POST, block_key, blocks
from tlf.analyses.shift.spec import TOTAL


def shell(output_id: str, a, cols, pct_default: int, study) -> list[dict]:
    pct = own_pct(a, pct_default)
    cats = (list(dict.fromkeys(lv.label for lv in a.levels)) if a.levels
            else [f"<Category {i}>" for i in range(1, PLACEHOLDERS + 1)])
    post = [*cats, TOTAL]
    row_cats = [*cats, TOTAL]
    rows = [shell_row(output_id, a.id, "", "param", 0, parent=PARAM, level=p, order=i, variable=a.param_labels.get(p, p))
            for i, p in enumerate(a.params)]
    rows += [shell_row(output_id, a.id, "", "category", 0, parent=POST, level=q, order=i) for i, q in enumerate(cats)]
    for bi, (p, v) in enumerate(blocks(a)):
        key = block_key(p, v)
        for ri, base in enumerate(row_cats):
            for c in cols:
                for q in post:
                    for name, dec in (("n", 0), ("p", pct), ("denom", 0)):
                        rows.append(shell_row(output_id, a.id, f"{c.id}|{q}", name, dec, parent=key, level=base,
                                              order=bi * 1000 + ri))
            if a.test != "none" and base != TOTAL:
                rows.append(shell_row(output_id, a.id, "pvalue", "pvalue", 3, parent=key, level=base,
                                      order=bi * 1000 + ri))
    return rows


SHELLS = {"shift": shell}
