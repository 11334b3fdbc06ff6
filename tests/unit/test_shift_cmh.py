"""`type: shift` with `test: cmh`: the CMH test of general association of the post-baseline category with
treatment, stratified by the baseline category (the pilot SAP's test for its lab shift tables), checked
against the statistic written out here from its textbook definition (Landis, Heyman & Koch 1978; SAS
PROC FREQ "Generalized Cochran-Mantel-Haenszel Tests") on tables rebuilt with pandas, and against R's
`mantelhaen.test` when Rscript is installed."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from scipy import stats

from tests.unit.test_shift import ARMS, LEVELS, PILOT, pilot_build, pilot_frames

CATS = ["Low", "Normal", "High"]


def general_association(tables: np.ndarray) -> tuple[float, int, float]:
    """Q, df, p of the CMH general association statistic of K x r x c tables (strata of < 2 subjects and
    empty rows/columns over all strata dropped), written from the definition."""
    t = tables[tables.sum(axis=(1, 2)) >= 2]
    t = t[:, t.sum(axis=(0, 2)) > 0][:, :, t.sum(axis=(0, 1)) > 0]
    r, c = t.shape[1], t.shape[2]
    g = np.zeros((r - 1) * (c - 1))
    v = np.zeros((len(g), len(g)))
    for h in t:
        n = h.sum()
        rows, cols = h.sum(axis=1), h.sum(axis=0)
        g += (h - np.outer(rows, cols) / n)[:-1, :-1].ravel()
        vr = (np.diag(rows) * n - np.outer(rows, rows))[:-1, :-1]
        vc = (np.diag(cols) * n - np.outer(cols, cols))[:-1, :-1]
        v += np.kron(vr, vc) / (n * n * (n - 1))
    q = float(g @ np.linalg.solve(v, g))
    df = (r - 1) * (c - 1)
    return q, df, float(stats.chi2.sf(q, df))


@pytest.mark.skipif(not (PILOT / "adlbc.xpt").is_file(), reason="CDISC pilot data not in ../shared")
@pytest.mark.parametrize("transpose", [False, True])
def test_pilot_alt_worst_over_treatment_cmh_against_the_definition(tmp_path, transpose):
    got = pilot_build(tmp_path, f"""\
        - id: s
          type: shift
          dataset: adlbc
          param: ALT
          where: "AVISITN > 0 and AVISITN <= 24"
          select: {{record: worst, by: ANRIND, order: [N, L, H], then: ADT, per: [PARAMCD]}}
          levels: {LEVELS}
          test: cmh
          transpose: {str(transpose).lower()}
        """)
    lb = pilot_frames()
    post = lb[(lb.AVISITN > 0) & (lb.AVISITN <= 24) & (lb.ANRIND != "Missing")].copy()
    post["rank"] = post.ANRIND.map({"Normal": 0, "Low": 1, "High": 2})
    wk = post.loc[post.groupby("USUBJID")["rank"].idxmax()]  # each subject's worst category
    wk = wk[wk.BNRIND != "Missing"]
    tables = np.array([[[int(((wk.BNRIND == b) & (wk.TRT01A == arm) & (wk.ANRIND == q)).sum()) for q in CATS]
                        for arm in ARMS.values()] for b in CATS], dtype=float)
    assert tables.sum() > 100
    _q, _df, p = general_association(tables)
    assert got[("pvalue", "ALT", "", "pvalue")] == pytest.approx(p, rel=1e-9)
    if shutil.which("Rscript"):  # R's mantelhaen.test on the same strata (x = treatment, y = post, z = baseline)
        flat = ",".join(str(int(x)) for x in np.transpose(tables, (1, 2, 0)).ravel(order="F"))
        code = (f"t <- array(c({flat}), dim = c({len(ARMS)}, 3, 3)); keep <- apply(t, 3, sum) >= 2; "
                "t <- t[, , keep, drop = FALSE]; t <- t[apply(t, 1, sum) > 0, apply(t, 2, sum) > 0, , drop = FALSE]; "
                "cat(sprintf('%.15g', mantelhaen.test(t)$p.value))")
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=True).stdout
        assert got[("pvalue", "ALT", "", "pvalue")] == pytest.approx(float(out), rel=1e-9)


def test_the_definition_reproduces_the_sas_documentation_example():
    """SAS PROC FREQ documentation, "Cochran-Mantel-Haenszel Statistics" example (migraine: treatment x
    response by gender), general association: Q = 8.3052, df 1, p = 0.0040."""
    tables = np.array([[[16, 11], [5, 20]], [[12, 16], [7, 19]]], dtype=float)
    q, df, p = general_association(tables)
    assert (round(q, 4), df, round(p, 4)) == (8.3052, 1, 0.0040)
