"""BLQ rules and bad input: every case gives numbers, NE with a reason, or a DataError that names the
dataset, variable and subject. Never another exception (checked with generated profiles too)."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tlf.errors import DataError, ErrorGroup, SpecError, TlfError
from tlf.stats.nca import NcaOptions, nca_profile
from tlf.stats.pk import nca_dataset, nca_results

# BLQ at 0 and 0.5 h (before the first measurable), 8 h (between) and 24 h (after the last)
T = [0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0]
C = [math.nan, math.nan, 5.0, 10.0, 6.0, math.nan, 2.0, math.nan]
B = [True, True, False, False, False, True, False, True]


def test_blq_default_rules_by_hand():
    r = nca_profile(T, C, blq=B)
    # before first -> 0 (0 and 0.5 h), between -> missing (8 h dropped), after last -> missing (24 h)
    assert r.auclast == pytest.approx(0 + (0 + 5) / 2 * 0.5 + (5 + 10) / 2 * 1 + (10 + 6) / 2 * 2 + (6 + 2) / 2 * 8)
    assert (r.tlast, r.clast) == (12.0, 2.0)
    assert "2 point(s) after Cmax" in r.reason("LAMZ")


def test_blq_between_zero():
    r = nca_profile(T, C, blq=B, options=NcaOptions(blq_between="zero"))
    assert r.auclast == pytest.approx(1.25 + 7.5 + 16 + (6 + 0) / 2 * 4 + (0 + 2) / 2 * 4)


def test_blq_after_zero_keeps_tlast_at_last_positive():
    r = nca_profile(T, C, blq=B, options=NcaOptions(blq_after="zero"))
    assert (r.tlast, r.clast) == (12.0, 2.0)
    assert r.auclast == pytest.approx(1.25 + 7.5 + 16 + 32)


def test_blq_before_missing():
    r = nca_profile(T, C, blq=B, options=NcaOptions(blq_before="missing"))
    # 0 and 0.5 h dropped; no sample at the dose, so C(0) = 0 is imputed: triangle 0..1
    assert r.auclast == pytest.approx(5 / 2 * 1 + 7.5 + 16 + 32)


def test_blq_half_lloq():
    lloq = [0.5] * len(T)
    r = nca_profile(T, C, blq=B, lloq=lloq, options=NcaOptions(blq_between="half_lloq"))
    assert r.auclast == pytest.approx(1.25 + 7.5 + 16 + (6 + 0.25) / 2 * 4 + (0.25 + 2) / 2 * 4)
    with pytest.raises(DataError, match="no LLOQ"):
        nca_profile(T, C, blq=B, options=NcaOptions(blq_between="half_lloq"))


def test_all_blq_is_not_estimable():
    r = nca_profile([0, 1, 2], [math.nan] * 3, blq=[True] * 3, dose=100)
    assert all(math.isnan(r.value(code)) for code in r.codes)
    assert all("no measurable concentration" in r.reason(code) for code in r.codes)
    assert {row["PPSTAT"] for row in r.to_adpp()} == {"NOT DONE"}


def test_zeros_count_as_blq():
    r = nca_profile([0, 1, 2, 3], [0.0, 0.0, 0.0, 0.0])
    assert "no measurable" in r.reason("CMAX")


def test_single_sample():
    r = nca_profile([2.0], [4.0], dose=100)
    assert (r.cmax, r.tmax, r.clast, r.tlast) == (4.0, 2.0, 4.0, 2.0)
    assert r.auclast == pytest.approx(4.0)  # C(0) = 0 imputed at the dose: triangle 0..2
    assert "Cmax is at the last sample" in r.reason("LAMZ") and math.isnan(r.clfo)


def test_unsorted_times_are_sorted_with_a_note():
    order = [3, 0, 6, 1, 7, 2, 5, 4]
    r = nca_profile([T[i] for i in order], [C[i] for i in order], blq=[B[i] for i in order])
    s = nca_profile(T, C, blq=B)
    assert r.auclast == s.auclast and r.tmax == s.tmax
    assert any("sorted" in n for n in r.notes) and not s.notes


def test_duplicate_times_are_a_data_error():
    with pytest.raises(DataError) as e:
        nca_profile([0, 1, 1, 2], [0, 5, 6, 4], dataset="ADPC", usubjid="S-01", time_var="ARRLT")
    assert "more than one sample at time 1" in str(e.value)
    assert (e.value.dataset, e.value.variable, e.value.usubjid, e.value.code) == ("ADPC", "ARRLT", "S-01", "NCA013")


def test_negative_concentration_is_a_data_error():
    with pytest.raises(DataError, match="negative concentration.*-0.2 at time 2") as e:
        nca_profile([0, 1, 2], [0, 5, -0.2], usubjid="S-02", conc_var="AVAL")
    assert e.value.usubjid == "S-02" and e.value.variable == "AVAL"


def test_missing_time_is_a_data_error():
    with pytest.raises(DataError, match="without a time"):
        nca_profile([0, math.nan, 2], [0, 5, 3])


def test_infinite_values_are_a_data_error():
    with pytest.raises(DataError, match="infinite"):
        nca_profile([0, 1, 2], [0, math.inf, 3])


def test_missing_concentration_is_dropped_with_a_note():
    r = nca_profile([0, 1, 2, 4], [0, 5, math.nan, 2])
    assert r.auclast == pytest.approx(2.5 + (5 + 2) / 2 * 3)
    assert any("without a concentration" in n for n in r.notes)


@pytest.mark.parametrize("dose, why", [(None, "dose missing"), (math.nan, "dose missing"), (0.0, "dose is 0")])
def test_missing_dose(dose, why):
    r = nca_profile([0, 1, 2, 4, 8, 12], [0, 8, 6, 4, 2, 1], dose=dose)
    assert math.isfinite(r.aucifo)
    assert math.isnan(r.clfo) and math.isnan(r.vzfo)
    assert r.reason("CLFO") == why and r.reason("VZFO") == why


def test_bad_option_is_a_spec_error():
    with pytest.raises(SpecError, match="'trapezoid' is not one of linear, linlog") as e:
        NcaOptions(auc_method="trapezoid")
    assert e.value.key == "auc_method"
    with pytest.raises(SpecError, match="tau"):
        NcaOptions(tau=-1)


# ---------------------------------------------------------------- through the dataset front end
def frame(rows):
    return pd.DataFrame(rows, columns=["USUBJID", "DAY", "TIME", "CONC", "DOSE"])


GOOD = [("S-1", 1, t, c, 100) for t, c in [(0, 0), (1, 8), (2, 6), (4, 4), (8, 2), (12, 1)]]


def test_dataset_collects_all_data_errors():
    bad = GOOD + [("S-2", 1, 0, 0, 100), ("S-2", 1, 1, 5, 100), ("S-2", 1, 1, 6, 100),
                  ("S-3", 1, 0, 0, 100), ("S-3", 1, 1, -1, 100)]
    with pytest.raises(ErrorGroup) as e:
        nca_dataset(frame(bad), profile=["DAY"], dose="DOSE", dataset="ADPC")
    subjects = sorted(err.usubjid for err in e.value.errors)
    assert subjects == ["S-2", "S-3"]
    assert "ADPC.TIME (USUBJID S-2): more than one sample at time 1" in str(e.value)


def test_dataset_non_strict_reports_bad_profiles_as_ne():
    bad = GOOD + [("S-2", 1, 0, 0, 100), ("S-2", 1, 1, 5, 100), ("S-2", 1, 1, 6, 100)]
    adpp = nca_dataset(frame(bad), profile=["DAY"], dose="DOSE", strict=False)
    s2 = adpp[adpp.USUBJID == "S-2"]
    assert s2.PPSTRESN.isna().all()
    assert s2.PPREASND.str.startswith("bad data: more than one sample at time 1").all()
    assert adpp[adpp.USUBJID == "S-1"].set_index("PPTESTCD").PPSTRESN["CMAX"] == 8


def test_dataset_dose_differing_within_a_profile():
    bad = [*GOOD[:-1], ("S-1", 1, 12, 1, 200)]
    with pytest.raises(DataError, match=r"dose differs within one profile \(from 100 to 200\)") as e:
        nca_dataset(frame(bad), profile=["DAY"], dose="DOSE")
    assert e.value.variable == "DOSE" and e.value.usubjid == "S-1"


def test_dataset_missing_dose_gives_ne_reason():
    rows = [(s, d, t, c, math.nan) for s, d, t, c, _ in GOOD]
    adpp = nca_dataset(frame(rows), profile=["DAY"], dose="DOSE").set_index("PPTESTCD")
    assert adpp.loc["CLFO", "PPREASND"] == "dose missing" and math.isnan(adpp.loc["CLFO", "PPSTRESN"])
    assert adpp.loc["AUCIFO", "PPREASND"] == ""


def test_dataset_text_concentrations():
    rows = [("S-1", 1, 0, "BLQ", 100), ("S-1", 1, 1, "8", 100), ("S-1", 1, 2, "<LLOQ", 100),
            ("S-1", 1, 4, "4", 100)]
    r = nca_results(frame(rows), profile=["DAY"], dose="DOSE", options=NcaOptions(blq_between="zero"))[0].result
    assert r.auclast == pytest.approx(4 + 4 + 4)  # 0->8, 8->0, 0->4 (BLQ between set to 0)
    rows.append(("S-2", 1, 0, "haemolysed", 100))
    with pytest.raises(DataError, match="neither numbers nor BLQ.*haemolysed") as e:
        nca_results(frame(rows), profile=["DAY"])
    assert e.value.usubjid == "S-2" and e.value.variable == "CONC"


def test_dataset_unknown_column_says_did_you_mean():
    with pytest.raises(DataError, match="column not found.*did you mean 'CONC'"):
        nca_results(frame(GOOD), conc="CONCC")


def test_dataset_bad_override_is_a_spec_error():
    with pytest.raises(SpecError, match="unknown NCA option 'taux'.*did you mean 'tau'"):
        nca_results(frame(GOOD), profile=["DAY"], overrides=[({"DAY": 1}, {"taux": 24})])
    with pytest.raises(SpecError, match="'VISIT' is not a subject or profile column"):
        nca_results(frame(GOOD), profile=["DAY"], overrides=[({"VISIT": 1}, {"tau": 24})])


# ---------------------------------------------------------------- never a crash
nan = st.just(math.nan)
values = st.one_of(st.floats(min_value=-1, max_value=1e4), st.just(0.0), nan, st.just(math.inf))
times = st.one_of(st.floats(min_value=-2, max_value=48), st.sampled_from([0.0, 1.0, 2.0, 4.0]), nan)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(times, values, st.booleans()),
                min_size=0, max_size=14),
       st.sampled_from(["linear", "linlog"]), st.one_of(st.none(), st.floats(min_value=0.5, max_value=48)),
       st.one_of(st.none(), st.floats(min_value=0, max_value=1000), nan))
def test_never_crashes(samples, method, tau, dose):
    t = [s[0] for s in samples]
    c = [s[1] for s in samples]
    b = [s[2] for s in samples]
    try:
        r = nca_profile(t, c, blq=b, dose=dose, options=NcaOptions(auc_method=method, tau=tau))
    except TlfError as e:
        assert isinstance(e, DataError)
        return
    for row in r.to_adpp("S"):
        v = row["PPSTRESN"]
        assert math.isfinite(v) or row["PPREASND"], row
        assert not (math.isfinite(v) and row["PPREASND"]), row


def test_blq_trough_says_so():
    t, c, b = [0, 1, 2, 4, 8, 24], [0, 8, 6, 4, 2, math.nan], [True, False, False, False, False, True]
    r = nca_profile(t, c, blq=b, options=NcaOptions(tau=24.0))
    assert math.isnan(r.ctrough) and r.reason("CTROUGH") == "the sample at time 24 is BLQ (BLQ rule: missing)"
    r = nca_profile(t, c, blq=b, options=NcaOptions(tau=24.0, blq_after="zero"))
    assert r.ctrough == 0.0
