"""tlf.stats.cox against R survival::coxph (summary: coef, se, Wald p and 95% CI) and survdiff with strata
(tests/reference/cox: make_reference.R, results.csv saved; run live when Rscript, survival and haven are
installed): a simulated set with weekly times (many ties), a numeric and a text covariate and 4 strata
(sim.csv), and the CDISC pilot's time to first dermatologic event (ADTTE TTDE, SITEGR1 from ADSL)."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SHARED
from tlf.stats.cox import cox_ph, hazard_ratios, logrank_stratified

REF = Path(__file__).resolve().parents[1] / "reference" / "cox"
PILOT = SHARED / "data" / "cdiscpilot01"


def _results(path: Path = REF / "results.csv") -> dict[tuple[str, str, str, str], float]:
    with open(path) as f:
        return {(r["data"], r["model"], r["term"], r["stat"]): float(r["value"]) for r in csv.DictReader(f)}


def _sim():
    with open(REF / "sim.csv") as f:
        rows = list(csv.DictReader(f))
    return {k: [r[k] for r in rows] for k in rows[0]}


def _pilot():
    import pyreadstat

    tte = pyreadstat.read_xport(str(PILOT / "adtte.xpt"))[0]
    adsl = pyreadstat.read_xport(str(PILOT / "adsl.xpt"), usecols=["USUBJID", "SITEGR1"])[0]
    tte = tte[tte.PARAMCD == "TTDE"].merge(adsl, on="USUBJID")
    return tte


def _check_sim(ref, ties: str) -> None:
    d = _sim()
    t, e = [float(x) for x in d["time"]], [int(x) for x in d["event"]]
    age = [float(x) for x in d["age"]]
    cases = {"group": {}, "group+age+sex": {"covariates": [age, d["sex"]]},
             "group+age|stratum": {"covariates": [age], "strata": d["stratum"]}}
    for model, kw in cases.items():
        hrs = hazard_ratios(t, e, d["group"], "A", ties=ties, **kw)
        for g in ("B", "C"):
            _same(hrs[g], ref, ("sim", f"{ties}:{model}", f"group{g}"))


def _same(hr, ref, key) -> None:
    assert hr.coef == pytest.approx(ref[(*key, "coef")], rel=1e-7), key
    assert hr.se == pytest.approx(ref[(*key, "se")], rel=1e-6), key
    assert hr.pvalue == pytest.approx(ref[(*key, "p")], rel=1e-5), key
    assert (hr.lower, hr.upper) == pytest.approx((ref[(*key, "lower")], ref[(*key, "upper")]), rel=1e-6), key


def _check_logrank(ref) -> None:
    d = _sim()
    t, e = [float(x) for x in d["time"]], [int(x) for x in d["event"]]
    for model, strata in (("logrank", None), ("logrank|stratum", d["stratum"])):
        r = logrank_stratified(t, e, d["group"], strata)
        assert r.chisq == pytest.approx(ref[("sim", model, "", "chisq")], rel=1e-9)
        assert r.pvalue == pytest.approx(ref[("sim", model, "", "p")], rel=1e-7)
        assert r.df == 2


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_cox_matches_saved_r(ties):
    _check_sim(_results(), ties)


def test_stratified_logrank_matches_saved_r():
    _check_logrank(_results())


@pytest.mark.skipif(not (PILOT / "adtte.xpt").is_file(), reason="CDISC pilot data not in ../shared")
@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_pilot_time_to_dermatologic_event_matches_saved_r(ties):
    ref = _results()
    tte = _pilot()
    t, e, g = tte.AVAL.tolist(), (1 - tte.CNSR).tolist(), tte.TRTA.tolist()
    for model, kw in (("TRTA", {}), ("TRTA+AGE|SITEGR1", {"covariates": [tte.AGE.tolist()],
                                                          "strata": tte.SITEGR1.tolist()})):
        hrs = hazard_ratios(t, e, g, "Placebo", ties=ties, **kw)
        for arm in ("Xanomeline Low Dose", "Xanomeline High Dose"):
            _same(hrs[arm], ref, ("pilot", f"{ties}:{model}", f"TRTA{arm}"))
    for model, strata in (("logrank", None), ("logrank|SITEGR1", tte.SITEGR1.tolist())):
        r = logrank_stratified(t, e, g, strata)
        assert r.chisq == pytest.approx(ref[("pilot", model, "", "chisq")], rel=1e-9)


def test_matches_r_live(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed")
    if subprocess.run(["Rscript", "-e", "library(survival); library(haven)"], capture_output=True).returncode:
        pytest.skip("R packages survival/haven not installed")
    if not (PILOT / "adtte.xpt").is_file():
        pytest.skip("CDISC pilot data not in ../shared")
    out = tmp_path / "results.csv"
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(PILOT), str(out)], cwd=REF, check=True,
                   capture_output=True)
    live = _results(out)
    saved = _results()
    assert live.keys() == saved.keys()
    for k, v in live.items():
        assert v == pytest.approx(saved[k], rel=1e-9), k
    for ties in ("breslow", "efron"):
        _check_sim(live, ties)
    _check_logrank(live)


def test_no_ties_breslow_equals_efron_and_one_binary_covariate_closed_form():
    """Without ties Breslow and Efron are the same likelihood. One binary covariate, no ties, no censoring,
    two subjects: the partial likelihood is exp(b) / (exp(b) + 1) when the treated fails first; a third
    subject (untreated, later) makes it exp(b) / (exp(b) + 2) * 1, increasing in b without bound."""
    rng = np.random.default_rng(5)
    t = rng.permutation(40) + 1.0
    x = rng.integers(0, 2, 40).astype(float)
    e = rng.integers(0, 2, 40)
    a, b = cox_ph(t, e, x, ties="breslow"), cox_ph(t, e, x, ties="efron")
    assert a.coef[0] == pytest.approx(b.coef[0], rel=1e-12) and a.se[0] == pytest.approx(b.se[0], rel=1e-12)
    mono = cox_ph([1.0, 2.0, 3.0], [1, 1, 1], [1.0, 0.0, 0.0])
    assert mono.coef[0] != mono.coef[0] and "monotone" in mono.notes[-1]


def test_not_estimable_and_bad_input():
    none = hazard_ratios([1, 2, 3, 4], [0, 0, 0, 0], ["a", "b", "a", "b"], "a")
    assert none["b"].hr != none["b"].hr and "no events" in none["b"].notes[-1]
    with pytest.raises(ValueError, match="reference group"):
        hazard_ratios([1, 2], [1, 1], ["a", "b"], "c")
    with pytest.raises(ValueError, match="unknown ties"):
        cox_ph([1, 2], [1, 1], [0.0, 1.0], ties="exact")
    r = logrank_stratified([1, 2, 3], [1, 1, 0], ["a", "a", "a"])
    assert r.pvalue != r.pvalue and "2 groups" in r.notes[-1]
    missing = logrank_stratified([1, 2, 3, 4, 5, 6], [1, 1, 0, 1, 1, 0], list("ababab"), ["s", None, "s", "s", "t", "t"])
    assert "1 subject(s)" in missing.notes[0]


def test_no_events_in_a_group_is_not_estimable_but_a_large_coefficient_on_a_small_scale_is():
    t = [float(x) for x in range(1, 21)]
    e = [1] * 20
    g = ["a"] * 10 + ["b"] * 10
    e_none_b = [1] * 10 + [0] * 10  # group b never has an event: the hazard ratio is 0
    r = hazard_ratios(t, e_none_b, g, "a")["b"]
    assert r.hr != r.hr and "monotone" in r.notes[-1]
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 0.1, 200)  # a covariate in small units: a coefficient of 20 is a hazard ratio of 7 per 0.1
    tt = rng.exponential(np.exp(-20 * x))
    fit = cox_ph(tt, np.ones(200), x)
    assert fit.coef[0] == pytest.approx(20, abs=5) and not fit.notes
    mixed = ["a", "b"] * 10  # events of both groups interleaved: a finite hazard ratio
    assert hazard_ratios(t, e, mixed, "a")["b"].hr == pytest.approx(1, abs=0.5)
