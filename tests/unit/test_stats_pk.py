"""The dataset front end: ADPP-like rows and their columns, CDISC names, per-profile options (overrides),
dose times, and accumulation ratios against the closed form of repeated bolus doses."""

import math
from dataclasses import FrozenInstanceError, replace

import pandas as pd
import pytest

from tlf.stats.nca import ADPP_COLUMNS, PARAMETERS, NcaOptions, NcaResult, nca_profile
from tlf.stats.pk import adpp_frame, nca_dataset, nca_results, parameter_names

C0, K, TAU = 10.0, 0.1, 24.0
TIMES = [0.0, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0]


def repeated_bolus(days=(1, 29), subjects=("S-1", "S-2")):
    """A one-compartment IV bolus every 24 h. Day 1: C0 e^{-kt}; day 29 (steady state, to double
    precision after 28 doses): C0 e^{-kt} / (1 - e^{-k tau}). Times are hours since the first dose."""
    acc = 1 / (1 - math.exp(-K * TAU))
    rows = []
    for s, scale in zip(subjects, (1.0, 2.0), strict=True):
        for day in days:
            start = (day - 1) * 24.0
            for t in TIMES:
                c = scale * C0 * math.exp(-K * t) * (acc if day > 1 else 1.0)
                rows.append({"USUBJID": s, "DAY": day, "ATIME": start + t, "AVAL": c, "DOSE": 50.0,
                             "DOSETM": start})
    return pd.DataFrame(rows), acc


def test_adpp_columns_and_cdisc_names():
    data, _ = repeated_bolus(days=(1,))
    adpp = nca_dataset(data, profile=["DAY"], time="ATIME", conc="AVAL", dose="DOSE")
    assert list(adpp.columns) == ["USUBJID", "DAY", *ADPP_COLUMNS[1:], "NCANOTE"]
    assert adpp.PPSTRESN.dtype == "float64"
    assert len(adpp) == 2 * 17 and not adpp.duplicated(["USUBJID", "DAY", "PPTESTCD"]).any()
    names = parameter_names()
    # CDISC SDTM PK parameter terminology (PPTESTCD -> PPTEST)
    assert names["CMAX"] == "Max Conc" and names["TMAX"] == "Time of CMAX"
    assert names["AUCLST"] == "AUC to Last Nonzero Conc" and names["AUCIFO"] == "AUC Infinity Obs"
    assert names["AUCPEO"] == "AUC %Extrapolation Obs" and names["LAMZHL"] == "Half-Life Lambda z"
    assert names["LAMZNPT"] == "Number of Points for Lambda z" and names["R2ADJ"] == "R Squared Adjusted"
    assert names["CLFO"] == "Total CL Obs by F" and names["VZFO"] == "Vz Obs by F"
    assert names["CLST"] == "Last Nonzero Conc" and names["TLST"] == "Time of Last Nonzero Conc"
    assert all(len(code) <= 8 for code in names) and all(len(n) <= 40 for n in names.values())


def test_overrides_set_tau_and_manual_lambda_z_per_profile():
    data, _ = repeated_bolus()
    res = nca_results(data, profile=["DAY"], time="ATIME", conc="AVAL", dose="DOSE", dose_time="DOSETM",
                      overrides=[({"DAY": 29}, {"tau": TAU}),
                                 ({"USUBJID": "S-2", "DAY": 1}, {"lambda_z_times": (8.0, 12.0, 24.0)})])
    by = {(r.usubjid, dict(r.keys)["DAY"]): r.result for r in res}
    assert by["S-1", 1].options.tau is None and "AUCTAU" not in by["S-1", 1].codes
    assert by["S-1", 29].options.tau == TAU and "AUCTAU" in by["S-1", 29].codes
    assert by["S-2", 1].lambda_z_fit.method == "manual" and by["S-2", 1].lamznpt == 3
    assert by["S-1", 1].lambda_z_fit.method == "best fit" and by["S-1", 1].lamznpt == 6
    # the dose time was subtracted: day 29 starts at its own time 0
    assert by["S-1", 29].tmax == 0.0 and by["S-1", 29].tlast == 24.0


def test_accumulation_ratios_against_the_closed_form():
    data, acc = repeated_bolus()
    adpp = nca_dataset(data, profile=["DAY"], time="ATIME", conc="AVAL", dose="DOSE", dose_time="DOSETM",
                       options=NcaOptions(auc_method="linlog", tau=TAU), reference={"DAY": 1})
    for s in ("S-1", "S-2"):
        d29 = adpp[(adpp.USUBJID == s) & (adpp.DAY == 29)].set_index("PPTESTCD").PPSTRESN
        # every ratio is 1 / (1 - e^{-k tau}); log-down AUCs on exponential data are exact
        assert d29["ARAUC"] == pytest.approx(acc, rel=1e-12)
        assert d29["ARCMAX"] == pytest.approx(acc, rel=1e-12)
        assert d29["ARCTROUG"] == pytest.approx(acc, rel=1e-12)
        assert d29["AUCTAU"] == pytest.approx(acc * C0 / K * (1 - math.exp(-K * TAU)) * (2 if s == "S-2" else 1),
                                              rel=1e-12)
    assert "ARAUC" not in set(adpp[adpp.DAY == 1].PPTESTCD)


def test_missing_reference_profile_gives_ne_ratios():
    data, _ = repeated_bolus()
    data = data[~((data.USUBJID == "S-2") & (data.DAY == 1))]
    adpp = nca_dataset(data, profile=["DAY"], time="ATIME", conc="AVAL", dose_time="DOSETM",
                       options=NcaOptions(tau=TAU), reference={"DAY": 1})
    ar = adpp[(adpp.USUBJID == "S-2") & (adpp.PPTESTCD == "ARAUC")].iloc[0]
    assert math.isnan(ar.PPSTRESN) and ar.PPREASND == "no reference profile (DAY=1) for this subject"


def test_blq_flag_column_and_exclusion_column():
    rows = [("S-1", 0, 0.0, "Y", ""), ("S-1", 1, 8.0, "N", ""), ("S-1", 2, 6.0, "N", ""),
            ("S-1", 4, 4.0, "N", "Y"), ("S-1", 8, 2.0, "N", ""), ("S-1", 12, 1.0, "N", ""),
            ("S-1", 24, 0.0, "Y", "")]
    data = pd.DataFrame(rows, columns=["USUBJID", "TIME", "CONC", "BLQFL", "LZEXCL"])
    r = nca_results(data, blq="BLQFL", lz_exclude="LZEXCL")[0].result
    assert r.tlast == 12.0 and 4.0 not in r.lambda_z_fit.times and r.lamznpt == 3


def test_results_are_frozen_and_options_copy_on_replace():
    o = NcaOptions()
    o2 = replace(o, tau=12.0)
    assert o2 is not o and o.tau is None and o2.tau == 12.0
    with pytest.raises(FrozenInstanceError):
        o.tau = 5.0
    r = nca_profile([0, 1, 2, 4, 8], [0, 8, 6, 4, 2])
    assert isinstance(r, NcaResult)
    with pytest.raises(FrozenInstanceError):
        r.cmax = 1.0
    with pytest.raises(TypeError):
        r.reasons["CMAX"] = "x"
    assert set(PARAMETERS) >= set(r.codes)


def test_adpp_frame_of_no_results_is_empty():
    frame = adpp_frame([])
    assert list(frame.columns) == [*ADPP_COLUMNS, "NCANOTE"] and frame.empty


def test_adpp_frame_agrees_with_result_rows():
    data, _ = repeated_bolus()
    results = nca_results(data, profile=["DAY"], time="ATIME", conc="AVAL", dose="DOSE", dose_time="DOSETM",
                          options=NcaOptions(tau=TAU), reference={"DAY": 1})
    fast = adpp_frame(results).drop(columns="NCANOTE")
    slow = pd.DataFrame([row for r in results for row in r.to_adpp()])[list(fast.columns)]
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)


def test_empty_dataset_gives_empty_adpp():
    data = pd.DataFrame({"USUBJID": [], "DAY": [], "TIME": [], "CONC": []})
    adpp = nca_dataset(data, profile=["DAY"])
    assert adpp.empty and list(adpp.columns) == ["USUBJID", "DAY", *ADPP_COLUMNS[1:], "NCANOTE"]
