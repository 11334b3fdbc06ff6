"""Synthetic study B data (tlf.examples.study_b) against the published facts of CC-220-CP-001.

The facts are typed in below from the study description (../shared/study/cc220-cp-001.md), not taken
from the generator's design table; everything is recomputed here with plain pandas from the
committed .xpt files. Wilcoxon signed-rank p-values are computed by enumerating all 2^n sign
patterns (an implementation independent of the generator's and of tlf.stats); where Rscript is
installed, R's wilcox.test(exact = TRUE) is run on the same differences as well.
"""

from __future__ import annotations

import itertools
import math
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pyreadstat = pytest.importorskip("pyreadstat")

from tlf.examples import study_b  # noqa: E402

COMMITTED = Path(__file__).resolve().parents[2] / "tlf" / "examples" / "data" / "study_b"
NAMES = ("adsl", "adae", "adpd", "adpc")

# --- Published facts, typed from cc220-cp-001.md ----------------------------------------------------
# (parameter, time point, dose in mg) -> mean percent of baseline as published
PUBLISHED_MEANS = {
    ("AIOLOSB", "24 h", "0.3"): "24.8", ("AIOLOSB", "24 h", "4"): "11.5", ("AIOLOSB", "24 h", "6"): "27.7",
    ("AIOLOSB", "12 h", "1"): "28.2", ("AIOLOSB", "12 h", "2"): "25.0",
    ("AIOLOST", "24 h", "0.3"): "0.0", ("AIOLOST", "24 h", "4"): "13.8", ("AIOLOST", "24 h", "6"): "33.1",
    ("AIOLOST", "12 h", "1"): "22.3", ("AIOLOST", "12 h", "2"): "26.1",
    ("CD19", "Day 3 (48 h)", "0.3"): "73.5", ("CD19", "Day 2 (24 h)", "1"): "67.3",
    ("CD19", "Day 3 (48 h)", "2"): "51.3", ("CD19", "Day 3 (48 h)", "4"): "53.3",
    ("CD19", "Day 3 (48 h)", "6"): "40.8",
    ("CD3", "Day 2 (24 h)", "0.3"): "84.1", ("CD3", "Day 2 (24 h)", "1"): "79.4",
    ("CD3", "Day 5 (96 h)", "2"): "73.8", ("CD3", "Day 3 (48 h)", "4"): "74.0", ("CD3", "Day 3 (48 h)", "6"): "65.7",
    ("IL2", "12 h", "0.3"): "315", ("IL2", "12 h", "1"): "973", ("IL2", "12 h", "2"): "915",
    ("IL2", "24 h", "4"): "779", ("IL2", "24 h", "6"): "1896",
    ("IL1B", "12 h", "0.3"): "49.5", ("IL1B", "12 h", "1"): "21.8", ("IL1B", "12 h", "2"): "16.3",
    ("IL1B", "24 h", "4"): "24.1", ("IL1B", "24 h", "6"): "10.7",
}
# (parameter, time point, dose) -> p < 0.05 (True) or not significant (False), as published
PUBLISHED_SIGNIFICANCE = {
    ("CD19", "Day 2 (24 h)", "1"): True, ("CD19", "Day 3 (48 h)", "2"): True, ("CD19", "Day 3 (48 h)", "6"): True,
    ("CD3", "Day 2 (24 h)", "1"): False, ("CD3", "Day 5 (96 h)", "2"): True,
    ("CD3", "Day 3 (48 h)", "4"): True, ("CD3", "Day 3 (48 h)", "6"): True,
    ("IL2", "12 h", "0.3"): False, ("IL2", "12 h", "1"): False, ("IL2", "12 h", "2"): False,
    ("IL2", "24 h", "4"): False, ("IL2", "24 h", "6"): False,
    ("IL1B", "12 h", "0.3"): True, ("IL1B", "12 h", "1"): False, ("IL1B", "12 h", "2"): True,
    ("IL1B", "24 h", "4"): True, ("IL1B", "24 h", "6"): False,
}
# Aiolos (B and T cells): p < 0.05 at exactly these (time point, dose) cells; read as the complete list
AIOLOS_SIGNIFICANT = {("3 h", "2"), ("12 h", "0.3"), ("24 h", "0.3"), ("24 h", "2")}
# (parameter, dose) -> time point of the lowest mean percent of baseline ("minimum ... on day x")
PUBLISHED_MINIMUM = {("CD19", "0.3"): "Day 3 (48 h)", ("CD3", "0.3"): "Day 2 (24 h)"}
DOSES = ("0.03", "0.1", "0.3", "1", "2", "4", "6")
HOURS = ("3 h", "12 h", "24 h")


def _read(folder: Path) -> dict[str, tuple[pd.DataFrame, object]]:
    return {n: pyreadstat.read_xport(str(folder / f"{n}.xpt")) for n in NAMES}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("study_b")
    study_b.generate(out)
    return _read(out)


@pytest.fixture(scope="module")
def committed() -> dict:
    return _read(COMMITTED)


@pytest.fixture(scope="module")
def adsl(committed) -> pd.DataFrame:
    return committed["adsl"][0]


@pytest.fixture(scope="module")
def cells(committed, adsl) -> pd.DataFrame:
    """Post-baseline PD records with the dose group ("PBO" or the dose) and percent of baseline."""
    adpd = committed["adpd"][0]
    group = {u: ("PBO" if t.startswith("Placebo") else f"{d:g}")
             for u, t, d in zip(adsl.USUBJID, adsl.TRT01A, adsl.DOSE01A, strict=True)}
    post = adpd[adpd.ATPTN > 0].copy()
    post["GROUP"] = post.USUBJID.map(group)
    post["PBASE"] = 100 * post.AVAL / post.BASE
    return post


def _half_up(x: float, decimals: int) -> str:
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _exact_p(diffs) -> float:
    """Two-sided exact signed-rank p by enumerating every sign pattern of the ranks."""
    d = np.asarray(diffs, dtype=float)
    ranks = pd.Series(np.abs(d)).rank().to_numpy()
    observed = ranks[d > 0].sum()
    centre = ranks.sum() / 2
    hits = sum(abs(sum(r for r, s in zip(ranks, signs, strict=True) if s) - centre) >= abs(observed - centre) - 1e-9
               for signs in itertools.product((0, 1), repeat=len(d)))
    return hits / 2 ** len(d)


def _cell(cells: pd.DataFrame, param: str, atpt: str, group: str) -> pd.DataFrame:
    c = cells[(cells.PARAMCD == param) & (cells.ATPT == atpt) & (cells.GROUP == group)]
    return c[c.AVAL.notna() & c.BASE.notna()]


# --- Tests -----------------------------------------------------------------------------------------

def test_committed_files_equal_fresh_generation(generated, committed):
    for name in NAMES:
        pd.testing.assert_frame_equal(committed[name][0], generated[name][0])
        assert committed[name][1].column_names_to_labels == generated[name][1].column_names_to_labels


def test_other_seed_differs_but_still_matches(committed):
    frames, half_lives = study_b._frames(11)
    study_b._check(frames, half_lives)  # raises on any design fact that does not hold
    assert not np.allclose(frames["adpd"].AVAL.fillna(-1), committed["adpd"][0].AVAL.fillna(-1))


def test_design(adsl, committed):
    assert len(adsl) == 56 and adsl.USUBJID.is_unique
    assert adsl.groupby("COHORT").size().to_dict() == dict.fromkeys("ABCDEFG", 8)
    doses = {"A": 0.03, "B": 0.1, "C": 0.3, "D": 1, "E": 2, "F": 4, "G": 6}
    pbo = adsl.TRT01A.str.startswith("Placebo")
    assert pbo.sum() == 14 and (adsl[pbo].DOSE01A == 0).all()
    for cohort, dose in doses.items():
        c = adsl[adsl.COHORT == cohort]
        assert (c.DOSE01A == dose).sum() == 6 and (c.TRT01A == f"Placebo (cohort {cohort})").sum() == 2
        assert (c[c.DOSE01A > 0].TRT01A == f"Iberdomide {dose:g} mg").all()
    assert (adsl.EOSSTT == "COMPLETED").all() and (adsl.TRTSDT == adsl.TRTEDT).all()


def test_safety_facts(adsl, committed):
    adae = committed["adae"][0]
    te = adae[adae.TRTEMFL == "Y"]
    assert len(te) and not (te.AESER == "Y").any() and not (te.AESEV == "SEVERE").any()
    assert set(te.AESEV) == {"MILD", "MODERATE"}
    mod = te[te.AESEV == "MODERATE"]
    assert mod.AEDECOD.tolist() == ["Urticaria"] and mod.TRTA.tolist() == ["Iberdomide 4 mg"]
    assert not (te.AEACN == "DRUG WITHDRAWN").any() and adsl.DCSREAS.eq("").all()
    # the pre-treatment record is not emergent: it starts before the first dose
    pre = adae[adae.TRTEMFL == "N"].merge(adsl[["USUBJID", "TRTSDT"]])
    assert len(pre) == 1 and (pre.ASTDT < pre.TRTSDT).all()


def test_schedules_hours_and_study_days(adsl, committed):
    adpd = committed["adpd"][0]
    hours = adpd[adpd.PARAMCD.isin(["AIOLOSB", "AIOLOST", "IL2", "IL1B"])]
    assert sorted(hours.ATPTN.unique()) == [0, 3, 12, 24]
    assert (hours.groupby("ATPTN").ADY.unique().map(list).to_dict() == {0: [1], 3: [1], 12: [1], 24: [2]})
    counts = adpd[adpd.PARAMCD.isin(["CD19", "CD3"])].merge(adsl[["USUBJID", "COHORT"]])
    days = counts.groupby("COHORT").ADY.unique().map(sorted).to_dict()
    for cohort in "ABCDE":
        assert days[cohort] == [-1, 1, 2, 3, 5]
    for cohort in "FG":
        assert days[cohort] == [-1, 1, 2, 3, 5, 7, 9]
    assert 0 not in set(adpd.ADY)
    # dates follow the study day (no day 0)
    m = adpd.merge(adsl[["USUBJID", "TRTSDT"]])
    shift = pd.to_timedelta(np.where(m.ADY > 0, m.ADY - 1, m.ADY), unit="D")
    assert (pd.to_datetime(m.ADT) == pd.to_datetime(m.TRTSDT) + shift).all()
    # baseline = day 1 pre-dose; BASE carried; percent change consistent
    base = adpd[adpd.ABLFL == "Y"]
    assert (base.ATPTN == 0).all() and (base.AVAL == base.BASE).all()
    post = adpd[(adpd.ATPTN > 0) & adpd.AVAL.notna() & adpd.BASE.notna()]
    assert np.allclose(post.CHG, post.AVAL - post.BASE) and np.allclose(post.PCHG, 100 * post.CHG / post.BASE)


def test_published_mean_percent_of_baseline(cells):
    for (param, atpt, dose), text in PUBLISHED_MEANS.items():
        c = _cell(cells, param, atpt, dose)
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert _half_up(c.PBASE.mean(), decimals) == text, (param, atpt, dose, c.PBASE.mean())


def test_published_significance(cells):
    checked = dict(PUBLISHED_SIGNIFICANCE)
    for param in ("AIOLOSB", "AIOLOST"):
        for atpt in HOURS:
            for dose in DOSES:
                if dose != "0.1":
                    checked[(param, atpt, dose)] = (atpt, dose) in AIOLOS_SIGNIFICANT
    for (param, atpt, dose), significant in checked.items():
        c = _cell(cells, param, atpt, dose)
        for diffs in (c.AVAL - c.BASE, c.PBASE - 100):  # raw values and percent of baseline
            assert (_exact_p(diffs) < 0.05) == significant, (param, atpt, dose)


def test_published_minimum_time_point(cells):
    for (param, dose), atpt in PUBLISHED_MINIMUM.items():
        c = cells[(cells.PARAMCD == param) & (cells.GROUP == dose)]
        means = c.groupby("ATPT").PBASE.mean()
        assert means.idxmin() == atpt, means


def test_flow_cytometry_lost_for_0_1_mg_and_placebo_cytokines_n10(cells, committed, adsl):
    adpd = committed["adpd"][0]
    cohort_b = set(adsl[adsl.COHORT == "B"].USUBJID)
    flow = adpd[adpd.PARAMCD.isin(["AIOLOSB", "AIOLOST", "CD19", "CD3"])]
    lost = flow[flow.USUBJID.isin(cohort_b)]
    assert len(lost) and lost.AVAL.isna().all() and (lost.PDSTAT == "NOT DONE").all()
    assert (lost.PDREASND == "SAMPLE OUTSIDE STABILITY WINDOW").all()
    assert flow[~flow.USUBJID.isin(cohort_b) & flow.AVAL.isna()].PDREASND.ne("").all()
    for param in ("IL2", "IL1B"):
        for atpt in HOURS:
            assert len(_cell(cells, param, atpt, "PBO")) == 10
            assert len(_cell(cells, param, atpt, "0.1")) == 6  # cytokines were analysed for 0.1 mg


def test_no_ties_or_zeros_so_exact_tests_apply(cells):
    for _, c in cells[cells.AVAL.notna() & cells.BASE.notna()].groupby(["PARAMCD", "ATPT", "GROUP"]):
        for diffs in (c.AVAL - c.BASE, c.PBASE - 100):
            assert (diffs != 0).all() and diffs.abs().round(9).is_unique


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R not installed")
def test_wilcoxon_p_values_equal_r_exact(cells, tmp_path):
    rows = []
    for (param, atpt, group), c in cells[cells.AVAL.notna() & cells.BASE.notna()].groupby(
            ["PARAMCD", "ATPT", "GROUP"]):
        rows += [{"cell": f"{param}|{atpt}|{group}", "d": float(x)} for x in c.PBASE - 100]
    pd.DataFrame(rows).to_csv(tmp_path / "d.csv", index=False)
    script = ("d <- read.csv('d.csv'); out <- sapply(split(d$d, d$cell), function(x) wilcox.test(x, mu = 0, "
              "exact = TRUE)$p.value); write.csv(data.frame(cell = names(out), p = out), 'p.csv', row.names = FALSE)")
    subprocess.run(["Rscript", "-e", script], cwd=tmp_path, check=True, capture_output=True)
    ref = pd.read_csv(tmp_path / "p.csv")
    by_cell = {k: g.d.to_numpy() for k, g in pd.DataFrame(rows).groupby("cell")}
    for cell, p in zip(ref.cell, ref.p, strict=True):
        assert math.isclose(_exact_p(by_cell[cell]), p, rel_tol=1e-9), cell


def test_pk_dose_proportional_and_half_life(adsl, committed):
    adpc = committed["adpc"][0]
    assert adpc[adpc.DOSEA == 0].AVAL.isna().all() and (adpc[adpc.DOSEA == 0].BLQFL == "Y").all()
    active = adpc[adpc.DOSEA > 0]
    assert set(active.USUBJID) == set(adsl[adsl.DOSE01A > 0].USUBJID)
    # terminal half-life by log-linear regression on the last 3 measurable concentrations (>= 12 h)
    per_subject = []
    for u, g in active.groupby("USUBJID"):
        g = g[g.AVAL.notna() & (g.NRRLT >= 12)].sort_values("ARRLT").tail(3)
        slope = np.polyfit(g.ARRLT, np.log(g.AVAL), 1)[0]
        cmax = active[active.USUBJID == u].AVAL.max()
        per_subject.append((g.DOSEA.iloc[0], math.log(2) / -slope, cmax))
    frame = pd.DataFrame(per_subject, columns=["dose", "thalf", "cmax"])
    means = frame.groupby("dose").thalf.mean()
    assert means.between(9, 13).all(), means
    # power model log(Cmax) = a + b log(dose): b near 1, its 90% CI contains 1
    x, y = np.log(frame.dose), np.log(frame.cmax)
    b, a = np.polyfit(x, y, 1)
    resid = y - (a + b * x)
    se = math.sqrt((resid**2).sum() / (len(x) - 2) / ((x - x.mean()) ** 2).sum())
    from scipy import stats

    q = stats.t.ppf(0.95, len(x) - 2)
    assert b - q * se < 1 < b + q * se and abs(b - 1) < 0.1


def test_names_labels_formats(committed):
    for name, (df, meta) in committed.items():
        assert meta.table_name == name.upper()
        for col in df.columns:
            label = meta.column_names_to_labels[col]
            assert len(col) <= 8 and col == col.upper() and label and len(label) <= 40, (name, col)
    assert committed["adpd"][1].original_variable_types["ADT"].startswith("DATE9")
