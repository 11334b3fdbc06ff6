"""tlf.stats.logistic against R glm(family = binomial) (tests/reference/logistic/make_reference.R, run
live when Rscript is there, its saved glm.csv otherwise): the CDISC pilot's ADAS-Cog week-24 responders
(CHG <= 0) on treatment, age and site group, and a simulated set with a 3-level categorical covariate
(make_data.py). The design matrices are built here (treatment coding, first level the reference, as R's
contrasts do). Also: separation, rank deficiency and a constant response give NE with a reason."""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tlf.stats.logistic import logistic_regression, separated

REF = Path(__file__).resolve().parents[1] / "reference" / "logistic"
PILOT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cdiscpilot01"


def _design(rows: list[dict], factors: dict[str, list[str]], numeric: list[str], prefix: dict[str, str]):
    """Intercept, dummies of each factor (its levels after the first), numeric columns; R's term names."""
    names = ["(Intercept)"]
    cols = [np.ones(len(rows))]
    for f, levels in factors.items():
        for lv in levels[1:]:
            names.append(f"{prefix[f]}{lv}")
            cols.append(np.array([1.0 if r[f] == lv else 0.0 for r in rows]))
        if f == next(iter(factors)):  # the numeric covariates follow the treatment, as in the R formula
            for v in numeric:
                names.append(v)
                cols.append(np.array([float(r[v]) for r in rows]))
    return np.column_stack(cols), names


def _pilot_rows() -> list[dict]:
    import pyreadstat  # as tlf reads it (pandas' read_sas reads an IBM zero as 5.4e-79)

    d, _ = pyreadstat.read_xport(str(PILOT / "adqsadas.xpt"))
    d = d[(d.PARAMCD == "ACTOT") & (d.AVISIT == "Week 24") & (d.ANL01FL == "Y") & (d.EFFFL == "Y") & (d.ITTFL == "Y")]
    return [{"TRT": t, "SITEGR1": s, "AGE": a, "RESP": int(c == c and c <= 0)}
            for t, s, a, c in zip(d.TRTP, d.SITEGR1, d.AGE, d.CHG, strict=True)]


def _sim_rows() -> list[dict]:
    with open(REF / "simulated.csv") as f:
        return [{**r, "RESP": int(r["RESP"])} for r in csv.DictReader(f)]


def _fit(case: str):
    if case == "pilot":
        if not (PILOT / "adqsadas.xpt").is_file():
            pytest.skip("the CDISC pilot data are absent")
        rows = _pilot_rows()
        x, names = _design(rows, {"TRT": ["Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"],
                                  "SITEGR1": sorted({r["SITEGR1"] for r in rows})}, ["AGE"],
                           {"TRT": "TRT", "SITEGR1": "SITEGR1"})
    else:
        rows = _sim_rows()
        x, names = _design(rows, {"ARM": ["Placebo", "Low", "High"], "REGION": ["EU", "US", "ROW"]}, ["BASE"],
                           {"ARM": "ARM", "REGION": "REGION"})
    return logistic_regression(x, np.array([r["RESP"] for r in rows]), names)


def _reference(path: Path) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            out.setdefault(r["case"], {})[r["term"]] = {k: float(v) for k, v in r.items() if k not in ("case", "term")}
    return out


def _check(ref: dict, case: str) -> None:
    fit = _fit(case)
    assert fit.converged and not fit.notes
    want = ref[case]
    assert set(fit.names) == set(want)
    for i, name in enumerate(fit.names):
        w = want[name]
        assert fit.coef[i] == pytest.approx(w["estimate"], rel=1e-8, abs=1e-10), name
        # R's glm.fit takes the SEs from the weights at the start of its last IRLS step (one iterate before
        # the coefficients it prints): make_reference.R iterates to epsilon 1e-15 so that this is negligible
        assert fit.se[i] == pytest.approx(w["std_error"], rel=1e-8), name
        assert fit.pvalue[i] == pytest.approx(w["pvalue"], rel=1e-7), name
    assert fit.n == int(next(iter(want.values()))["n"])
    assert fit.deviance == pytest.approx(next(iter(want.values()))["deviance"], rel=1e-9)
    trt = [n for n in fit.names if n.startswith(("TRT", "ARM"))]
    for name in trt:
        est, lo, hi, p = fit.odds_ratio(name)
        assert (est, lo, hi) == pytest.approx((math.exp(want[name]["estimate"]), math.exp(want[name]["lower"]),
                                               math.exp(want[name]["upper"])), rel=1e-6)


@pytest.mark.parametrize("case", ["pilot", "simulated"])
def test_matches_saved_r_glm(case):
    _check(_reference(REF / "glm.csv"), case)


def test_matches_r_glm_live(tmp_path):
    if not shutil.which("Rscript"):
        pytest.skip("Rscript is absent")
    if not (PILOT / "adqsadas.xpt").is_file():
        pytest.skip("the CDISC pilot data are absent")
    out = tmp_path / "glm.csv"
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(PILOT), str(out), str(REF)], check=True,
                   capture_output=True)
    ref = _reference(out)
    for case in ("pilot", "simulated"):
        _check(ref, case)


def test_separation_is_not_estimable():
    # quasi-complete: every subject of arm B responds; complete: x separates the responses
    x = np.column_stack([np.ones(8), [0, 0, 0, 0, 1, 1, 1, 1]])
    y = np.array([0, 1, 0, 1, 1, 1, 1, 1])
    fit = logistic_regression(x, y, ["(Intercept)", "B"])
    assert math.isnan(fit.coef[1]) and "separation" in fit.notes[0]
    assert math.isnan(fit.odds_ratio("B")[0])
    x2 = np.column_stack([np.ones(6), [1.0, 2, 3, 4, 5, 6]])
    assert separated(x2, np.array([0, 0, 0, 1, 1, 1]))
    assert not separated(x2, np.array([0, 1, 0, 1, 0, 1]))


def test_rank_deficient_and_constant_response_are_not_estimable():
    x = np.column_stack([np.ones(6), [0, 1, 0, 1, 0, 1], [0, 2, 0, 2, 0, 2]])
    fit = logistic_regression(x, np.array([0, 1, 1, 0, 1, 0]), ["(Intercept)", "a", "b"])
    assert all(math.isnan(c) for c in fit.coef) and "rank" in fit.notes[0]
    fit = logistic_regression(x[:, :2], np.ones(6), ["(Intercept)", "a"])
    assert math.isnan(fit.coef[0]) and "responder" in fit.notes[0]
