"""Hypothesis tests, correlations and the power model against independent sources.

- R: tests/reference/stat_tests/results.csv, written by make_reference.R there (R 4.2.2: oneway.test,
  chisq.test, fisher.test, wilcox.test, cor.test, lm) from samples.csv and tables.csv (written by
  make_data.py there). Precision 1e-8 relative.
- Exact enumeration written here: every sign pattern for the signed-rank test (SAS's exact
  distribution given the midranks) and every split for the rank-sum test with ties.
- The SAS formula for the signed-rank t approximation (PROC UNIVARIATE documentation), typed here.
"""

from __future__ import annotations

import itertools
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tlf.errors import TlfError
from tlf.stats.models import fit_power_model
from tlf.stats.tests import (
    anova_oneway,
    chisq_test,
    correlation,
    fisher_rxc_pvalue,
    fisher_test,
    rank_sum_test,
    signed_rank_test,
)

REF = Path(__file__).resolve().parents[1] / "reference" / "stat_tests"
REL = 1e-8


def close(actual: float, expected: float, rel: float = REL) -> bool:
    return math.isclose(actual, expected, rel_tol=rel, abs_tol=1e-15)


@pytest.fixture(scope="module")
def samples() -> pd.DataFrame:
    return pd.read_csv(REF / "samples.csv")


@pytest.fixture(scope="module")
def tables() -> dict[str, np.ndarray]:
    frame = pd.read_csv(REF / "tables.csv")
    out = {}
    for case, d in frame.groupby("case"):
        t = np.zeros((d["row"].max(), d["col"].max()), dtype=int)
        t[d["row"] - 1, d["col"] - 1] = d["count"]
        out[case] = t
    return out


def read_results(path: Path) -> dict[tuple[str, str, str], float]:
    frame = pd.read_csv(path)
    return {(r.case, r.test, r.stat): float(r.value) for r in frame.itertuples()}


@pytest.fixture(scope="module")
def r() -> dict[tuple[str, str, str], float]:
    return read_results(REF / "results.csv")


def x_of(samples: pd.DataFrame, case: str, group: str | None = None) -> np.ndarray:
    d = samples[samples["case"] == case]
    if group is not None:
        d = d[d["group"] == group]
    return d["x"].to_numpy()


def check_all_against_r(samples, tables, r) -> None:
    groups = [g["x"].to_numpy() for _, g in samples[samples["case"] == "anova"].groupby("group")]
    a = anova_oneway(groups)
    assert close(a.f, r["anova", "anova", "f"]) and close(a.pvalue, r["anova", "anova", "p"])
    assert (a.df_num, a.df_den) == (r["anova", "anova", "df_num"], r["anova", "anova", "df_den"])

    for case, t in tables.items():
        assert close(fisher_test(t).pvalue, r[case, "fisher", "p"], 1e-7), case
        c = chisq_test(t)
        assert close(c.chisq, r[case, "chisq", "chisq"]) and close(c.pvalue, r[case, "chisq", "p"]), case
        assert c.df == r[case, "chisq", "df"]

    s = signed_rank_test(x_of(samples, "signed_exact"))
    assert s.method == "exact" and s.w_plus == r["signed_exact", "signed_rank", "v"]
    assert close(s.pvalue, r["signed_exact", "signed_rank", "p"])

    e = rank_sum_test(x_of(samples, "ranksum_exact", "a"), x_of(samples, "ranksum_exact", "b"), method="exact")
    assert e.u == r["ranksum_exact", "rank_sum", "w"] and close(e.pvalue, r["ranksum_exact", "rank_sum", "p"])
    t = rank_sum_test(x_of(samples, "ranksum_ties", "a"), x_of(samples, "ranksum_ties", "b"))
    assert t.u == r["ranksum_ties", "rank_sum", "w"] and close(t.pvalue, r["ranksum_ties", "rank_sum", "p"])

    cx = samples[samples["case"] == "corr"]
    p = correlation(cx["x"], cx["y"])
    assert p.n == r["corr", "pearson", "n"]
    for ours, key in ((p.r, "r"), (p.pvalue, "p"), (p.ci_low, "ci_low"), (p.ci_high, "ci_high")):
        assert close(ours, r["corr", "pearson", key]), key
    sp = correlation(cx["x"], cx["y"], method="spearman")
    assert close(sp.r, r["corr", "spearman", "r"]) and close(sp.pvalue, r["corr", "spearman", "p"])

    pk = samples[samples["case"] == "power"]
    pm = fit_power_model(pk["x"], pk["y"])
    for ours, key in ((pm.slope.estimate, "slope"), (pm.slope.se, "slope_se"), (pm.slope.ci_low, "ci_low"),
                      (pm.slope.ci_high, "ci_high"), (pm.intercept.estimate, "intercept"), (pm.df_resid, "df")):
        assert close(ours, r["power", "power", key]), key


def test_against_r(samples, tables, r):
    check_all_against_r(samples, tables, r)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Rscript) is not installed")
def test_live_r(samples, tables, tmp_path):
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(REF), str(tmp_path)], check=True,
                   capture_output=True)
    check_all_against_r(samples, tables, read_results(tmp_path / "results.csv"))


# ---------------------------------------------------------------- signed rank: SAS's exact distribution

def midranks(values) -> list[float]:
    order = sorted(values)
    return [sum(i + 1 for i, o in enumerate(order) if o == v) / order.count(v) for v in values]


def signed_rank_by_enumeration(d) -> tuple[float, float]:
    """S and its two-sided p over all 2^n sign patterns of the midranks of |d| (zeros dropped)."""
    nz = [v for v in d if v != 0]
    n = len(nz)
    ranks = midranks([abs(v) for v in nz])
    s_obs = sum(rk for rk, v in zip(ranks, nz, strict=True) if v > 0) - n * (n + 1) / 4
    hits = 0
    for signs in itertools.product((0, 1), repeat=n):
        s = sum(rk for rk, sg in zip(ranks, signs, strict=True) if sg) - n * (n + 1) / 4
        hits += abs(s) >= abs(s_obs) - 1e-9
    return s_obs, hits / 2**n


@pytest.mark.parametrize("case", ["signed_exact", "signed_ties"])
def test_signed_rank_exact_equals_enumeration(samples, case):
    d = x_of(samples, case)
    s_ref, p_ref = signed_rank_by_enumeration(list(d))
    res = signed_rank_test(d)
    assert res.method == "exact" and res.s == s_ref and close(res.pvalue, p_ref, 1e-12)
    assert res.n_zero == int((d == 0).sum()) and res.n == int((d != 0).sum())


def test_signed_rank_paired_and_mu():
    x = np.array([10.0, 12.5, 9.0, 14.0, 11.0, 13.0])
    y = np.array([9.0, 11.0, 9.0, 12.0, 12.0, 10.5])
    assert signed_rank_test(x, y).pvalue == signed_rank_test(x - y).pvalue
    assert signed_rank_test(x, mu=10).s == signed_rank_test(x - 10).s


def test_signed_rank_t_approximation_above_20(samples):
    """PROC UNIVARIATE: S sqrt((n-1)/(nV - S^2)) ~ t(n-1), V = n(n+1)(2n+1)/24 - sum t(t+1)(t-1)/48."""
    from scipy import stats

    d = [v for v in x_of(samples, "signed_large") if v != 0]
    n = len(d)
    ranks = midranks([abs(v) for v in d])
    s = sum(rk for rk, v in zip(ranks, d, strict=True) if v > 0) - n * (n + 1) / 4
    ties = [sum(1 for w in d if abs(w) == a) for a in {abs(v) for v in d}]
    v = n * (n + 1) * (2 * n + 1) / 24 - sum(t * (t + 1) * (t - 1) for t in ties) / 48
    p = 2 * stats.t.sf(abs(s * math.sqrt((n - 1) / (n * v - s * s))), n - 1)
    res = signed_rank_test(x_of(samples, "signed_large"))
    assert n > 20 and res.method == "t" and res.s == s and close(res.pvalue, p, 1e-12)
    assert signed_rank_test(x_of(samples, "signed_large"), method="exact").method == "exact"


def test_signed_rank_no_scipy_shortcut_differs_with_ties(samples):
    """scipy's exact method ignores ties; ours must follow the conditional distribution instead."""
    from scipy import stats

    d = np.array([v for v in x_of(samples, "signed_exact")])
    assert close(signed_rank_test(d).pvalue, float(stats.wilcoxon(d, method="exact").pvalue), 1e-12)


def test_signed_rank_all_zero():
    res = signed_rank_test([0.0, 0.0, np.nan])
    assert res.n == 0 and res.n_zero == 2 and math.isnan(res.pvalue) and res.notes


# ---------------------------------------------------------------- rank sum

def test_rank_sum_exact_with_ties_equals_enumeration():
    a, b = [1.0, 2.0, 2.0, 4.0, 5.0], [2.0, 4.0, 6.0, 7.0, 7.0, 8.0]
    pooled = a + b
    ranks = midranks(pooled)
    w_obs = sum(ranks[: len(a)])
    mean = len(a) * (len(pooled) + 1) / 2
    splits = list(itertools.combinations(range(len(pooled)), len(a)))
    hits = sum(abs(sum(ranks[i] for i in c) - mean) >= abs(w_obs - mean) - 1e-9 for c in splits)
    res = rank_sum_test(a, b, method="exact")
    assert res.w == w_obs and close(res.pvalue, hits / len(splits), 1e-12)


def test_rank_sum_asymptotic_equals_scipy():
    from scipy import stats

    a, b = [1.0, 2.0, 2.0, 4.0, 5.0, np.nan], [2.0, 4.0, 6.0, 7.0, 7.0, 8.0]
    ref = stats.mannwhitneyu(a[:5], b, method="asymptotic", use_continuity=True)
    res = rank_sum_test(a, b)
    assert res.n1 == 5 and res.u == ref.statistic and close(res.pvalue, float(ref.pvalue), 1e-12)


# ---------------------------------------------------------------- contingency tables, ANOVA, correlation

def test_fisher_rxc_routine_on_2x2_equals_scipy(tables):
    from scipy import stats

    for case in ("t2x2_a", "t2x2_b", "t2x2_c"):
        t = tables[case]
        assert close(fisher_rxc_pvalue(t), float(stats.fisher_exact(t).pvalue), 1e-10), case


def test_fisher_gives_up_politely_on_huge_tables():
    assert math.isnan(fisher_rxc_pvalue(np.full((4, 5), 30), max_work=1000))
    res = fisher_test([[5, 0], [3, 0]])
    assert res.pvalue == 1.0 and res.notes


def test_chisq_notes_small_expected_counts(tables):
    res = chisq_test(tables["t3x3"])
    assert res.n_low_expected == int((np.outer(tables["t3x3"].sum(1), tables["t3x3"].sum(0)) / 36 < 5).sum())
    assert "expected counts less than 5" in res.notes[0]
    assert chisq_test([[30, 40], [35, 45]]).notes == ()
    zero_row = chisq_test([[10, 20], [0, 0], [12, 8]])
    assert zero_row.df == 1 and zero_row.n == 50
    with pytest.raises(TlfError):
        chisq_test([[1.5, 2], [3, 4]])


def test_anova_degenerate_cases():
    assert math.isnan(anova_oneway([[1.0, 2.0], []]).pvalue)
    res = anova_oneway([[2.0, 2.0], [3.0, 3.0]])
    assert math.isnan(res.f) and res.notes
    assert anova_oneway([[1.0, 2.0, np.nan], [3.0, 4.0]]).n == 4


def test_correlation_closed_form_and_nan():
    x, y = [1.0, 2.0, 3.0, 4.0, 5.5], [2.0, 1.0, 4.0, 3.0, 7.0]
    res = correlation(x, y)
    assert res.r == pytest.approx(np.corrcoef(x, y)[0, 1], rel=1e-14)
    t = res.r * math.sqrt(3 / (1 - res.r**2))
    from scipy import stats

    assert res.pvalue == pytest.approx(2 * stats.t.sf(t, 3), rel=1e-12)
    assert math.isnan(correlation([1, 2], [3, 4]).r)
    assert math.isnan(correlation([1, 1, 1], [3, 4, 5]).pvalue)
    assert correlation([1, 2, 3, 4], [2, 4, 6, 8]).pvalue == 0.0
    assert set(res.as_dict()) == {"r", "pvalue", "n", "ci_low", "ci_high"}
