"""The saved MMRM references (tests/reference/mmrm/*.csv) are what the R programs beside them print: R is run
live on the simulated data (skipped where Rscript, nlme, emmeans, numDeriv, lme4 or pbkrtest is absent),
and tlf is compared with the live output as with the saved one (tests/unit/test_stats_mmrm.py)."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from tests.mmrm_data import REF, sim_data
from tlf.stats.mmrm import fit_mmrm

pytestmark = pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Rscript) is not installed")


def _have_r_packages() -> bool:
    probe = subprocess.run(["Rscript", "-e", "library(nlme); library(emmeans); library(numDeriv); library(lme4); "
                            "library(pbkrtest)"], capture_output=True)
    return probe.returncode == 0


def test_live_r_reproduces_the_saved_references_and_tlf_matches_it(tmp_path):
    if not _have_r_packages():
        pytest.skip("R packages nlme, emmeans, numDeriv, lme4, pbkrtest not all installed")
    data = tmp_path / "sim.csv"
    sim_data().to_csv(data, index=False)
    subprocess.run(["Rscript", str(REF / "mmrm_reference.R"), str(data), str(tmp_path / "gls.csv"), "sim", "us",
                    "kr"], check=True, capture_output=True, timeout=600)
    subprocess.run(["Rscript", str(REF / "mmrm_exact.R"), str(data), str(tmp_path / "exact.csv"), "sim"], check=True,
                   capture_output=True, timeout=600)
    live = pd.read_csv(tmp_path / "gls.csv")
    saved = pd.read_csv(REF / "sim_gls.csv")
    saved = saved[saved.covariance.isin(["us", "kr"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(live[["covariance", "kind", "AVISIT", "TRT"]], saved[["covariance", "kind", "AVISIT", "TRT"]])
    for col in ("estimate", "se"):
        assert ((live[col] - saved[col]).abs() <= 1e-7 * saved[col].abs().clip(lower=1)).all(), col
    exact = pd.read_csv(tmp_path / "exact.csv")
    saved_exact = pd.read_csv(REF / "sim_exact.csv")
    for col in ("estimate", "se", "se_kr", "df_satterthwaite", "df_kr"):
        assert ((exact[col] - saved_exact[col]).abs() <= 1e-7 * saved_exact[col].abs().clip(lower=1)).all(), col
    res = fit_mmrm(sim_data(), "CHG", subject="USUBJID", visit="AVISIT", treatment="TRT", covariates=["BASE"],
                   factors=["SITE"], covariates_by_visit=["BASE"], levels=["pbo", "low", "high"])
    for row in exact.itertuples():
        ours = res.lsmean(row.AVISIT, row.TRT) if row.kind == "lsmean" else res.diff(row.AVISIT, row.TRT)
        assert ours.se == pytest.approx(row.se_kr, rel=1e-6)
        assert ours.df == pytest.approx(row.df_kr, rel=1e-4)
