"""tlf.qc.compare: differences planted in a copy are each found, exactly once, and float noise is not.

The planted values are chosen away from the criterion (1e-3 against 5e-4 and 2e-3) so that the
verdict does not hang on how 2.001 - 2.0 rounds in binary.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tlf.errors import DataError
from tlf.qc.compare import CompareError, CompareOptions, Source, compare, compare_frames, numeric_unequal
from tlf.qc.keys import infer_keys


def base_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "USUBJID": ["S-01", "S-02", "S-03", "S-04", "S-05"],
        "TRT": ["A", "A", "B", "B", "B"],
        "COUNT": [3.0, 5.0, 0.0, 2.0, 7.0],
        "MEAN": [44.8125, 46.0, 48.0, 49.77777777777778, 47.2],
        "SEX": ["F", "M", "F", "F", "M"],
    })


def diffs_of(result, variable=None):
    return [(d.variable, d.key, d.base, d.compare) for d in result.differences
            if variable is None or d.variable == variable]


def test_identical_frames_have_no_differences():
    r = compare_frames(base_frame(), base_frame(), keys=["USUBJID"])
    assert r.equal and r.n_differences == 0 and r.verdict == "no differences"
    assert r.rows_in_both == 5 and r.values_compared == 5 * 4
    assert [v.name for v in r.variables] == ["USUBJID", "TRT", "COUNT", "MEAN", "SEX"]
    assert r.variables[0].role == "id" and r.variables[0].compared == 0


def test_float_noise_of_1e12_passes_by_default():
    qc = base_frame()
    qc["MEAN"] = qc["MEAN"] * (1 + 1e-12)
    qc["COUNT"] = qc["COUNT"] + 1e-12 * (qc["COUNT"] != 0)
    r = compare_frames(base_frame(), qc, keys=["USUBJID"])
    assert r.equal, r.verdict
    mean = next(v for v in r.variables if v.name == "MEAN")
    assert mean.unequal == 0 and 0 < mean.max_abs_diff < 1e-10  # the noise is measured, not hidden
    # but it is a difference under METHOD=EXACT
    exact = compare_frames(base_frame(), qc, keys=["USUBJID"], method="exact")
    assert exact.values_unequal == 5 + 4


def test_changed_count_is_found_with_its_key_and_values():
    qc = base_frame()
    qc.loc[1, "COUNT"] = 6.0
    r = compare_frames(base_frame(), qc, keys=["USUBJID"])
    assert not r.equal and r.n_differences == 1
    assert diffs_of(r) == [("COUNT", ("S-02",), 5.0, 6.0)]
    d = r.differences[0]
    assert d.abs_diff == 1.0 and d.rel_diff == pytest.approx(1 / 5.5)
    assert r.rows_with_unequal == 1


@pytest.mark.parametrize(("method", "criterion", "found"), [
    ("absolute", 2e-3, False),  # 1e-3 under the criterion: equal
    ("absolute", 5e-4, True),  # over: unequal
    ("relative", 1e-4, False),  # 1e-3 / 46 = 2.2e-5 relative
    ("relative", 1e-5, True),
    ("exact", 0.0, True),
])
def test_value_off_by_1e3_under_and_over_the_criterion(method, criterion, found):
    qc = base_frame()
    qc.loc[1, "MEAN"] = 46.001
    r = compare_frames(base_frame(), qc, keys=["USUBJID"], method=method, criterion=criterion)
    assert r.values_unequal == int(found)
    assert diffs_of(r) == ([("MEAN", ("S-02",), 46.0, 46.001)] if found else [])
    mean = next(v for v in r.variables if v.name == "MEAN")
    assert mean.max_abs_diff == pytest.approx(1e-3, rel=1e-9)
    assert mean.max_rel_diff == pytest.approx(1e-3 / 46.0005, rel=1e-9)


def test_missing_row_and_extra_row():
    qc = base_frame().drop(index=2).reset_index(drop=True)
    qc.loc[len(qc)] = ["S-09", "A", 1.0, 1.0, "F"]
    r = compare_frames(base_frame(), qc, keys=["USUBJID"])
    assert r.rows_only_in_base == 1 and r.only_base_keys == (("S-03",),)
    assert r.rows_only_in_compare == 1 and r.only_compare_keys == (("S-09",),)
    assert r.values_unequal == 0 and r.n_differences == 2 and r.rows_in_both == 4


def test_rows_are_matched_by_key_not_position():
    qc = base_frame().iloc[::-1].reset_index(drop=True)
    assert compare_frames(base_frame(), qc, keys=["USUBJID"]).equal


def test_extra_column_is_a_difference():
    qc = base_frame().assign(EXTRA=1)
    r = compare_frames(base_frame(), qc, keys=["USUBJID"])
    assert r.only_in_compare == ("EXTRA",) and r.only_in_base == ()
    assert r.n_differences == 1 and not r.equal


def test_type_conflict_is_reported_and_not_compared():
    qc = base_frame()
    qc["COUNT"] = qc["COUNT"].map(lambda v: f"{v:g}")  # numbers stored as text
    r = compare_frames(base_frame(), qc, keys=["USUBJID"])
    (conflict,) = r.type_conflicts
    assert (conflict.name, conflict.base_type, conflict.compare_type) == ("COUNT", "numeric", "text")
    assert conflict.compared == 0 and r.values_unequal == 0 and r.n_differences == 1


def test_label_difference_is_a_difference_when_both_sides_carry_labels():
    labels = {"USUBJID": "Unique Subject Identifier", "COUNT": "Count", "MEAN": "Mean", "SEX": "Sex", "TRT": "Arm"}
    other = {**labels, "SEX": "Sex of Subject"}
    b = Source("b.xpt", base_frame(), labels=labels)
    r = compare(b, Source("c.xpt", base_frame(), labels=other), CompareOptions(keys=("USUBJID",)))
    (lab,) = r.label_conflicts
    assert (lab.name, lab.base_label, lab.compare_label) == ("SEX", "Sex", "Sex of Subject")
    assert r.n_differences == 1 and r.values_unequal == 0
    # a CSV (no labels) against an XPT: labels are not compared
    r2 = compare(b, Source("c.csv", base_frame(), labels=None), CompareOptions(keys=("USUBJID",)))
    assert r2.equal


def test_all_planted_differences_at_once_are_each_counted():
    qc = base_frame()
    qc.loc[0, "COUNT"] = 4.0  # changed count
    qc.loc[3, "MEAN"] += 1e-3  # over criterion 5e-4
    qc.loc[4, "MEAN"] += 1e-12  # noise
    qc = qc.drop(index=2)  # missing row
    qc["NEW"] = "x"  # extra column
    qc["TRT"] = qc["TRT"].map({"A": 1, "B": 2})  # type conflict
    r = compare_frames(base_frame(), qc, keys=["USUBJID"], method="absolute", criterion=5e-4)
    assert sorted((d.variable, d.key) for d in r.differences) == [("COUNT", ("S-01",)), ("MEAN", ("S-04",))]
    assert r.rows_only_in_base == 1 and r.only_in_compare == ("NEW",) and len(r.type_conflicts) == 1
    assert r.n_differences == 2 + 1 + 1 + 1


def test_missing_values():
    b = pd.DataFrame({"K": [1, 2, 3, 4], "X": [np.nan, np.nan, 1.0, 0.0], "T": ["", "a", None, "b"]})
    c = pd.DataFrame({"K": [1, 2, 3, 4], "X": [np.nan, 1.0, np.nan, 0.0], "T": [None, "a", "", "b"]})
    r = compare_frames(b, c, keys=["K"])
    assert diffs_of(r, "X") == [("X", (2,), None, 1.0), ("X", (3,), 1.0, None)]
    assert diffs_of(r, "T") == []  # missing text is "", as SAS stores it


def test_numeric_methods_edge_cases():
    x = np.array([0.0, 1.0, np.inf, -np.inf, 1e-300, 2.0])
    y = np.array([0.0, 1.0, np.inf, np.inf, 2e-300, -2.0])
    for method in ("exact", "absolute", "relative"):
        uneq, _, _ = numeric_unequal(x, y, method, 1e-9)
        assert uneq[:3].tolist() == [False, False, False] and uneq[3] and uneq[5]
    assert numeric_unequal(x, y, "relative", 1e-9)[0][4]  # relative sees tiny values differ
    assert not numeric_unequal(x, y, "absolute", 1e-9)[0][4]


def test_text_options():
    b = pd.DataFrame({"K": [1, 2, 3], "T": ["Nausea", "Upper  respiratory", " Cough"]})
    c = pd.DataFrame({"K": [1, 2, 3], "T": ["NAUSEA", "Upper respiratory ", "Cough"]})
    assert compare_frames(b, c, keys=["K"]).values_unequal == 3
    assert compare_frames(b, c, keys=["K"], ignore_case=True).values_unequal == 2
    assert compare_frames(b, c, keys=["K"], ignore_whitespace=True).values_unequal == 1
    assert compare_frames(b, c, keys=["K"], ignore_case=True, ignore_whitespace=True).equal


def test_duplicate_keys_name_the_records():
    qc = base_frame()
    qc.loc[3, "USUBJID"] = "S-02"
    with pytest.raises(DataError) as e:
        compare(Source("base", base_frame()), Source("qc.csv", qc), CompareOptions(keys=("USUBJID",)))
    assert e.value.dataset == "qc.csv" and "records 2, 4" in str(e.value) and "S-02" in str(e.value)


def test_unknown_key_and_key_type_conflict():
    with pytest.raises(DataError, match="did you mean 'USUBJID'"):
        compare_frames(base_frame(), base_frame(), keys=["USUBJD"])
    qc = base_frame().assign(K=[1, 2, 3, 4, 5])
    b = base_frame().assign(K=["1", "2", "3", "4", "5"])
    with pytest.raises(DataError, match="numeric in"):
        compare_frames(b, qc, keys=["K"])


def test_keys_are_inferred_and_stated():
    keys, note = infer_keys(base_frame(), base_frame())
    assert keys == ("USUBJID",) and "inferred" in note
    long = pd.DataFrame({"USUBJID": ["a", "a", "b", "b"], "PARAMCD": ["HR", "SBP", "HR", "SBP"],
                         "AVAL": [60.5, 120.25, 70.5, 130.75]})
    r = compare_frames(long, long.iloc[::-1].reset_index(drop=True))
    assert r.keys == ("USUBJID", "PARAMCD") and r.equal and "USUBJID, PARAMCD" in r.key_note


def test_without_keys_rows_match_by_observation_number():
    b = pd.DataFrame({"X": [1.5, 1.5, 2.5]})
    c = pd.DataFrame({"X": [1.5, 1.75]})
    r = compare_frames(b, c)
    assert r.keys == () and "observation number" in r.key_note
    assert diffs_of(r) == [("X", (2,), 1.5, 1.75)] and r.only_base_keys == ((3,),)


def test_max_diffs_limits_the_listing_not_the_count():
    b = pd.DataFrame({"K": range(100), "X": np.arange(100.0)})
    c = b.assign(X=b["X"] + 1)
    r = compare_frames(b, c, keys=["K"], max_diffs=5)
    assert r.values_unequal == 100 and len(r.differences) == 5


def test_options_are_checked():
    with pytest.raises(CompareError, match="unknown method"):
        CompareOptions(method="percent")
    with pytest.raises(CompareError, match="criterion"):
        CompareOptions(criterion=-1)
    with pytest.raises(CompareError, match="cannot compare a ard"):
        compare(Source("a", base_frame(), kind="ard"), Source("b", base_frame(), kind="display"))


def test_result_is_frozen():
    r = compare_frames(base_frame(), base_frame(), keys=["USUBJID"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.keys = ()  # type: ignore[misc]


def test_datetimes_are_compared_exactly():
    b = pd.DataFrame({"K": [1, 2], "D": pd.to_datetime(["2015-03-10", "2015-03-11"])})
    c = pd.DataFrame({"K": [1, 2], "D": pd.to_datetime(["2015-03-10", "2015-03-12"])})
    r = compare_frames(b, c, keys=["K"])
    assert diffs_of(r) == [("D", (2,), "2015-03-11T00:00:00", "2015-03-12T00:00:00")]


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_text_and_keys_with_either_pandas_string_storage(storage):
    """pandas 3 keeps text as Python objects or, with pyarrow installed, as Arrow strings: both compare alike."""
    if storage == "pyarrow":
        pytest.importorskip("pyarrow")
    with pd.option_context("mode.string_storage", storage):
        b = pd.DataFrame({"USUBJID": pd.array(["S-01", "S-02", None, "S-04"], dtype="str"),
                          "T": pd.array(["Nausea", None, "x", "Cough "], dtype="str")})
        c = pd.DataFrame({"USUBJID": pd.array(["S-04", "", "S-02", "S-01"], dtype="str"),
                          "T": pd.array(["cough", "x", "", "Nausea"], dtype="str")})
        assert b["T"].dtype.storage == storage
        r = compare_frames(b, c, keys=["USUBJID"])  # a missing key matches "" (as SAS stores it)
        assert r.rows_in_both == 4 and diffs_of(r) == [("T", ("S-04",), "Cough ", "cough")]
        assert compare_frames(b, c, keys=["USUBJID"], ignore_case=True, ignore_whitespace=True).equal


def test_multi_column_keys_of_mixed_types_match_by_value():
    b = pd.DataFrame({"USUBJID": ["a", "a", "b", "b"], "AVISITN": [1.0, 2.0, 1.0, np.nan],
                      "ADT": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-01", None]), "AVAL": [1, 2, 3, 4]})
    c = b.iloc[[3, 1, 2, 0]].reset_index(drop=True).assign(AVISITN=lambda d: d.AVISITN.astype("Float64"))
    c.loc[0, "AVAL"] = 40
    r = compare_frames(b, c, keys=["USUBJID", "AVISITN", "ADT"])
    assert r.rows_in_both == 4 and [(d.key, d.base, d.compare) for d in r.differences] == [(("b", None, None), 4, 40)]
