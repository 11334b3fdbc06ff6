"""tlf.stats.cmh against R (tests/reference/cmh: make_reference.R on tables.csv, results.csv saved; run live
when Rscript and coin are installed) and against the published SAS example:

- general association: stats::mantelhaen.test (2 x 2 x K with correct = FALSE, the statistic SAS prints);
- row mean scores and correlation with table scores: coin::cmh_test (ordered response) / coin::lbl_test;
- with modified ridit scores: the SAS formulas written out separately in the R script;
- Mantel-Haenszel odds ratio and CI: mantelhaen.test; Breslow-Day (and Tarone): written out in the R
  script (expected counts by uniroot, not the quadratic tlf solves);
- SAS/STAT User's Guide, PROC FREQ Example "Cochran-Mantel-Haenszel Statistics" (data set Migraine,
  https://support.sas.com/documentation/cdl/en/procstat/63104/HTML/default/procstat_freq_sect031.htm):
  the three CMH statistics print 8.3052 on 1 df, p 0.0040.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from tlf.stats.cmh import breslow_day, cmh, mh_odds_ratio

REF = Path(__file__).resolve().parents[1] / "reference" / "cmh"


def _tables() -> dict[str, tuple[np.ndarray, list[float], list[float]]]:
    cells: dict = defaultdict(dict)
    rsc: dict = defaultdict(dict)
    csc: dict = defaultdict(dict)
    with open(REF / "tables.csv") as f:
        for r in csv.DictReader(f):
            s = r["set"]
            cells[s][(int(r["stratum"]), int(r["row"]), int(r["col"]))] = int(r["count"])
            rsc[s][int(r["row"])] = float(r["row_score"])
            csc[s][int(r["col"])] = float(r["col_score"])
    out = {}
    for s, c in cells.items():
        k, r, cc = (max(key[i] for key in c) for i in range(3))
        t = np.zeros((k, r, cc))
        for (h, i, j), n in c.items():
            t[h - 1, i - 1, j - 1] = n
        out[s] = (t, [rsc[s][i] for i in range(1, r + 1)], [csc[s][j] for j in range(1, cc + 1)])
    return out


def _results(path: Path = REF / "results.csv") -> dict[tuple[str, str], float]:
    with open(path) as f:
        return {(r["set"], r["stat"]): float(r["value"]) for r in csv.DictReader(f)}


SETS = ("migraine", "s2x2", "s3x4", "s3x5")


def _check(ref: dict, s: str) -> None:
    t, rs, cs = _tables()[s]
    res = cmh(t, row_scores=rs, col_scores=cs)
    assert res.general.statistic == pytest.approx(ref[(s, "general")], rel=1e-9)
    assert res.general.df == ref[(s, "general_df")]
    assert res.general.pvalue == pytest.approx(ref[(s, "general_p")], rel=1e-7)
    assert res.row_mean.statistic == pytest.approx(ref[(s, "row_mean")], rel=1e-9)
    assert res.row_mean.pvalue == pytest.approx(ref[(s, "row_mean_p")], rel=1e-7)
    assert res.row_mean.df == t.shape[1] - 1
    assert res.correlation.statistic == pytest.approx(ref[(s, "correlation")], rel=1e-9)
    assert res.correlation.pvalue == pytest.approx(ref[(s, "correlation_p")], rel=1e-7)
    mr = cmh(t, scores="modridit")
    assert mr.row_mean.statistic == pytest.approx(ref[(s, "row_mean_modridit")], rel=1e-9)
    assert mr.correlation.statistic == pytest.approx(ref[(s, "correlation_modridit")], rel=1e-9)
    if t.shape[1:] == (2, 2):
        o = mh_odds_ratio(t)
        assert (o.estimate, o.lower, o.upper) == pytest.approx(
            (ref[(s, "or")], ref[(s, "or_low")], ref[(s, "or_high")]), rel=1e-9)
        b = breslow_day(t)
        assert b.statistic == pytest.approx(ref[(s, "bd")], rel=1e-8)
        assert b.tarone == pytest.approx(ref[(s, "tarone")], rel=1e-8)
        assert b.df == ref[(s, "bd_df")]


@pytest.mark.parametrize("s", SETS)
def test_matches_saved_r_results(s):
    _check(_results(), s)


def test_matches_r_live(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed")
    probe = subprocess.run(["Rscript", "-e", "library(coin)"], capture_output=True)
    if probe.returncode:
        pytest.skip("R package coin not installed")
    out = tmp_path / "results.csv"
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(out)], cwd=REF, check=True, capture_output=True)
    live = _results(out)
    assert live.keys() == _results().keys()
    for s in SETS:
        _check(live, s)


def test_sas_migraine_example_as_published():
    t, _, _ = _tables()["migraine"]
    res = cmh(t)
    for st in (res.general, res.row_mean, res.correlation):
        assert (round(st.statistic, 4), st.df, round(st.pvalue, 4)) == (8.3052, 1, 0.0040)
    assert res.general.statistic == pytest.approx(res.correlation.statistic, rel=1e-12)


def test_stratum_of_one_subject_contributes_nothing():
    t, rs, cs = _tables()["s2x2"]
    with_one = cmh(t)
    without = cmh(t[:-2])  # the data's last two strata: 1 subject, and an empty row
    assert with_one.strata_dropped == 1 and "fewer than 2 subjects" in with_one.general.notes[0]
    assert with_one.general.statistic == pytest.approx(cmh(np.delete(t, 5, axis=0)).general.statistic, rel=1e-14)
    assert without.general.statistic == pytest.approx(with_one.general.statistic, rel=1e-12)  # empty row: no info


def test_row_mean_modridit_is_van_elteren_on_two_groups():
    """Two groups: the row mean scores statistic with modified ridit scores is van Elteren's stratified
    Wilcoxon test: sum_h w_h (W_h - E W_h) / sqrt(sum_h w_h^2 var W_h) with w_h = 1 / (n_h + 1), written
    here from midranks (scipy.stats.rankdata), the tie-corrected variance of each stratum's rank sum."""
    from scipy.stats import rankdata

    rng = np.random.default_rng(3)
    tables = rng.poisson(4, size=(4, 2, 5)).astype(float)
    num = var = 0.0
    for tab in tables:
        x = np.repeat(np.tile(np.arange(5), 2), tab.reshape(-1).astype(int))
        grp = np.repeat(np.repeat([0, 1], 5), tab.reshape(-1).astype(int))
        n, n1 = len(x), int((grp == 0).sum())
        rk = rankdata(x)
        w = rk[grp == 0].sum()
        ties = np.unique(x, return_counts=True)[1]
        v = n1 * (n - n1) / 12 * (n + 1 - (ties ** 3 - ties).sum() / (n * (n - 1)))
        num += (w - n1 * (n + 1) / 2) / (n + 1)
        var += v / (n + 1) ** 2
    assert cmh(tables, scores="modridit").row_mean.statistic == pytest.approx(num ** 2 / var, rel=1e-10)


def test_not_computable_is_nan_with_a_note():
    one_group = np.array([[[3, 4], [0, 0]], [[2, 5], [0, 0]]])
    r = cmh(one_group)
    assert r.general.pvalue != r.general.pvalue and "fewer than 2 groups" in r.general.notes[-1]
    tiny = np.array([[[1, 0], [0, 0]]])
    assert "fewer than 2 subjects in every stratum" in cmh(tiny).general.notes[-1]
    zero = np.array([[[3, 0], [4, 2]], [[5, 0], [1, 1]]])  # b = 0 everywhere: OR infinite
    o = mh_odds_ratio(zero)
    assert o.estimate != o.estimate and "not estimable" in o.notes[0]
    assert breslow_day(zero).pvalue != breslow_day(zero).pvalue
    # a response category present only where a single group has subjects: no variation, singular V
    sing = np.array([[[3, 2, 0], [4, 1, 0]], [[0, 0, 3], [0, 0, 0]], [[2, 2, 0], [1, 3, 0]]])
    g = cmh(sing).general
    assert g.pvalue != g.pvalue and "singular" in g.notes[-1]


def test_bad_input():
    with pytest.raises(ValueError, match="3 dimensions"):
        cmh([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="not negative"):
        cmh([[[1, -2], [3, 4]]])
    with pytest.raises(ValueError, match="unknown scores"):
        cmh([[[1, 2], [3, 4]]], scores="rank")
    with pytest.raises(ValueError, match="2 x 2"):
        mh_odds_ratio(np.ones((2, 3, 2)))
