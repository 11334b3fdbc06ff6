"""Record selection (`select:` of an analysis, `select:` of a derived dataset): one record per subject
and `per` group, by worst/best/first/last/min/max of `by`, ties by `then` and then record order.

The hand-made frames make the expected pick obvious by construction (each case says which record and
why); the pilot's maximum post-baseline ALT is checked against a plain pandas groupby written here."""

from __future__ import annotations

import io
import textwrap
from types import SimpleNamespace

import pandas as pd
import pytest

from tests.conftest import SHARED, STUDY_YAML, write_study
from tlf.ard.schema import read_ard
from tlf.build import build
from tlf.data.select import select_records
from tlf.errors import DataError, SpecError

# Records R0..R8. S1 (PARAMCD A): AVAL 5, 9, 9 (the two 9s tie; R2's ADT is earlier); S1 (B): one record
# with AVAL missing and one with 1; S2 (A): AVAL missing; S3 (A): AVAL 2 three times, R6 and R7 on the same
# ADT (a tie left to record order), R8 with ADT missing.
RECS = """ID,USUBJID,PARAMCD,AVAL,ADT,ANRIND,AVISITN
R0,S1,A,5,10,NORMAL,1
R1,S1,A,9,30,HIGH,2
R2,S1,A,9,20,LOW,3
R3,S1,B,,5,,1
R4,S1,B,1,40,NORMAL,2
R5,S2,A,,7,,1
R6,S3,A,2,50,NORMAL,1
R7,S3,A,2,50,NORMAL,2
R8,S3,A,2,,LOW,3
"""


def frame() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(RECS), keep_default_na=False, na_values=[""])


def rule(**kw):
    base = {"then": None, "per": [], "order": None, "worst_is": "high", "missing": "drop"}
    return SimpleNamespace(**{**base, **kw})


def err(key, message, code):
    return SpecError(message, key=".".join(map(str, key)), code=code)


def picked(**kw) -> list[str]:
    return list(select_records(frame(), rule(**kw), "USUBJID", err, "recs")["ID"])


def test_max_ties_go_to_the_earliest_then_value():
    # S1/A: R1 and R2 tie on 9; R2 has the earlier ADT (20 < 30). S1/B: R4 (R3 misses AVAL).
    # S2: every AVAL missing -> no record. S3: R6, R7, R8 tie on 2; R8 misses ADT (loses), R6 and R7
    # tie on ADT 50 -> the first in record order, R6.
    assert picked(record="max", by="AVAL", then="ADT", per=["PARAMCD"]) == ["R2", "R4", "R6"]


def test_without_then_ties_go_to_record_order():
    assert picked(record="max", by="AVAL", per=["PARAMCD"]) == ["R1", "R4", "R6"]


def test_min_and_a_missing_value_is_never_chosen():
    # S1/A: 5 (R0); S1/B: R4 (1) although R3's missing AVAL comes first; S3: R6 (tie, first).
    assert picked(record="min", by="AVAL", per=["PARAMCD"]) == ["R0", "R4", "R6"]


def test_worst_of_a_number_is_the_highest_unless_worst_is_low():
    assert picked(record="worst", by="AVAL", then="ADT", per=["PARAMCD"]) == ["R2", "R4", "R6"]
    assert picked(record="worst", by="AVAL", then="ADT", per=["PARAMCD"], worst_is="low") == ["R0", "R4", "R6"]
    assert picked(record="best", by="AVAL", then="ADT", per=["PARAMCD"]) == ["R0", "R4", "R6"]


def test_last_takes_the_highest_and_its_ties_the_latest():
    # per subject only: S1's last by AVISITN is 3 (R2); S2: R5; S3: R8.
    assert picked(record="last", by="AVISITN") == ["R2", "R5", "R8"]
    # S3 by AVAL (all 2): ties by the highest ADT, a missing ADT losing -> R6/R7 tie at 50 -> the last, R7
    assert picked(record="last", by="AVAL", then="ADT")[-1] == "R7"
    assert picked(record="first", by="AVISITN") == ["R0", "R5", "R6"]


def test_text_levels_rank_by_order():
    # worst ANRIND with NORMAL < LOW < HIGH: S1/A HIGH (R1); S1/B NORMAL (R4; R3 blank); S3 LOW (R8).
    order = ["NORMAL", "LOW", "HIGH"]
    assert picked(record="worst", by="ANRIND", order=order, per=["PARAMCD"]) == ["R1", "R4", "R8"]
    assert picked(record="best", by="ANRIND", order=order, per=["PARAMCD"], then="ADT") == ["R0", "R4", "R6"]


def test_missing_keep_keeps_a_record_of_a_group_without_values():
    # S2 has no AVAL: kept (R5, its only record); S1/B still picks R4 (a value beats a missing).
    assert picked(record="max", by="AVAL", per=["PARAMCD"], missing="keep") == ["R1", "R4", "R5", "R6"]


def test_a_text_variable_without_order_is_an_error():
    with pytest.raises(SpecError) as e:
        picked(record="worst", by="ANRIND")
    assert e.value.code == "SPEC116" and "order" in str(e.value)


def test_a_value_missing_from_order_is_an_error_naming_it():
    with pytest.raises(DataError) as e:
        picked(record="worst", by="ANRIND", order=["NORMAL", "HIGH"])
    assert e.value.code == "DATA060" and "'LOW'" in str(e.value) and e.value.usubjid == "S1"


def test_an_unknown_variable_is_located():
    with pytest.raises(SpecError) as e:
        picked(record="max", by="AVAL", then="ADTM")
    assert e.value.code == "SPEC115" and e.value.key == "then"


# ---------------------------------------------------------------- through a build

ADLB = """USUBJID,PARAMCD,AVISITN,AVAL,ADT
S-01,ALT,0,10,1
S-01,ALT,1,30,8
S-01,ALT,2,20,15
S-02,ALT,0,50,1
S-02,ALT,1,12,8
S-04,ALT,1,40,8
S-04,ALT,2,44,15
S-05,ALT,0,5,1
"""


STUDY_YAML_WITH_ADLB = STUDY_YAML.replace("    adae: {file: adae.csv}\n",
                                          "    adae: {file: adae.csv}\n    adlb: {file: adlb.csv}\n")


def _study(tmp_path, analysis: str, derived: str = "") -> object:
    study = STUDY_YAML_WITH_ADLB.replace("    adlb: {file: adlb.csv}\n", "    adlb: {file: adlb.csv}\n" + derived)
    out = f"""\
id: t-max
type: table
number: Table 9
title: Maximum post-baseline ALT
population: SAF
columns: arms
analyses:
  - {analysis}
"""
    specs = write_study(tmp_path, study=study, outputs={"t-max": out})
    (specs / "data" / "adlb.csv").write_text(ADLB)
    report = build(specs, tmp_path / "out", ["t-max"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "out" / "t-max.ard.csv")
    return {(c, s): v for c, s, v in zip(ard.column, ard.stat_name, ard.stat, strict=True)}


EXPECTED_MAX = {  # post-baseline maxima: S-01 30, S-02 12 (Drug A); S-04 44 (Placebo); S-03, S-05 none
    ("a", "n"): 2, ("a", "mean"): 21.0, ("a", "max"): 30, ("p", "n"): 1, ("p", "mean"): 44.0, ("t", "n"): 3}


def test_an_analysis_selects_the_maximum_post_baseline_value(tmp_path):
    got = _study(tmp_path, "{id: alt, type: continuous, dataset: adlb, var: AVAL, label: ALT, "
                           "where: \"PARAMCD == 'ALT' and AVISITN > 0\", select: {record: max, by: AVAL, then: ADT}}")
    for k, v in EXPECTED_MAX.items():
        assert got[k] == pytest.approx(v), k


def test_a_derived_dataset_selects_the_same(tmp_path):
    derived = ("    adlbmax:\n      select: {from: adlb, where: \"AVISITN > 0\", record: max, by: AVAL, then: ADT, "
               "per: [PARAMCD]}\n")
    got = _study(tmp_path, "{id: alt, type: continuous, dataset: adlbmax, var: AVAL, label: ALT, "
                           "where: \"PARAMCD == 'ALT'\"}", derived)
    for k, v in EXPECTED_MAX.items():
        assert got[k] == pytest.approx(v), k


def test_select_errors_are_located_in_the_spec(tmp_path):
    with pytest.raises(AssertionError, match=r"analyses\[0\]\.select\.by.*SPEC115"):
        _study(tmp_path, "{id: alt, type: continuous, dataset: adlb, var: AVAL, select: {record: max, by: AVALX}}")


# ---------------------------------------------------------------- the pilot's ALT

PILOT = SHARED / "data" / "cdiscpilot01"


@pytest.mark.skipif(not (PILOT / "adlbc.xpt").is_file(), reason="CDISC pilot data not in ../shared")
def test_pilot_maximum_post_baseline_alt_against_pandas(tmp_path):
    import pyreadstat

    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "study.yaml").write_text(textwrap.dedent(f"""\
        study: {{id: CDISCPILOT01}}
        data:
          dir: {PILOT}
          datasets:
            adsl: {{file: adsl.xpt}}
            adlbc: {{file: adlbc.xpt, keep: [USUBJID, PARAMCD, AVISITN, AVAL, ADT]}}
        populations:
          SAF: {{label: Safety Population, where: "SAFFL == 'Y'"}}
        columns:
          arms:
            - {{id: pbo, label: Placebo, var: TRT01A, value: Placebo}}
            - {{id: low, label: Xanomeline Low Dose, var: TRT01A, value: Xanomeline Low Dose}}
            - {{id: high, label: Xanomeline High Dose, var: TRT01A, value: Xanomeline High Dose}}
        """))
    (specs / "t-alt.yaml").write_text(textwrap.dedent("""\
        id: t-alt
        type: table
        number: Table 9
        title: Maximum post-baseline ALT
        population: SAF
        columns: arms
        analyses:
          - id: alt
            type: continuous
            dataset: adlbc
            var: AVAL
            where: "PARAMCD == 'ALT' and AVISITN > 0 and AVISITN < 99"
            select: {record: max, by: AVAL, then: ADT}
            rows: [n, mean, sd, median, min, max]
            decimals: {mean: 3, sd: 3, median: 3, min: 3, max: 3}
        """))
    report = build(specs, tmp_path / "out", ["t-alt"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "out" / "t-alt.ard.csv")
    got = {(c, s): v for c, s, v in zip(ard.column, ard.stat_name, ard.stat, strict=True)}

    adsl = pyreadstat.read_xport(str(PILOT / "adsl.xpt"), usecols=["USUBJID", "SAFFL", "TRT01A"])[0]
    lb = pyreadstat.read_xport(str(PILOT / "adlbc.xpt"), usecols=["USUBJID", "PARAMCD", "AVISITN", "AVAL"])[0]
    alt = lb[(lb.PARAMCD == "ALT") & (lb.AVISITN > 0) & (lb.AVISITN < 99)]
    per_subject = alt.groupby("USUBJID")["AVAL"].max().dropna().rename("MAX").reset_index()
    arms = adsl[adsl.SAFFL == "Y"].merge(per_subject, on="USUBJID")
    for col, arm in (("pbo", "Placebo"), ("low", "Xanomeline Low Dose"), ("high", "Xanomeline High Dose")):
        vals = arms.loc[arms.TRT01A == arm, "MAX"]
        assert got[(col, "n")] == len(vals) > 50
        assert got[(col, "mean")] == pytest.approx(vals.mean(), rel=1e-12)
        assert got[(col, "sd")] == pytest.approx(vals.std(), rel=1e-9)
        assert got[(col, "median")] == pytest.approx(vals.median())
        assert got[(col, "max")] == vals.max() and got[(col, "min")] == vals.min()


def test_a_correlation_refuses_select(tmp_path):
    from tlf.spec.validate import load_study

    out = """\
id: t-cor
type: table
number: Table 9
title: r
population: SAF
columns: arms
analyses:
  - {id: c, type: correlation, x: {dataset: adsl, var: AGE}, y: {dataset: adsl, var: WEIGHT},
     select: {record: max, by: AGE}}
"""
    specs = write_study(tmp_path, outputs={"t-cor": out})
    with pytest.raises(SpecError, match="does not apply to a correlation"):
        load_study(specs)


@pytest.mark.parametrize("as_datetime64", [False, True])
def test_dates_rank_by_time_and_a_missing_date_is_missing(as_datetime64):
    import datetime as dt

    f = pd.DataFrame({"USUBJID": ["a", "a", "a", "b"], "ID": ["A0", "A1", "A2", "B0"],
                      "ADT": [dt.date(2020, 1, 5), dt.date(2019, 12, 31), None, None]})
    if as_datetime64:
        f["ADT"] = pd.to_datetime(f["ADT"])
    ids = {rec: list(select_records(f, rule(record=rec, by="ADT"), "USUBJID", err, "d")["ID"])
           for rec in ("first", "last", "max", "min")}
    # a: 2019-12-31 (A1) is first, 2020-01-05 (A0) last; A2 and b's only record have no date -> never chosen
    assert ids == {"first": ["A1"], "last": ["A0"], "max": ["A0"], "min": ["A1"]}


def test_a_selection_across_visits_of_a_by_visit_summary_is_refused(tmp_path):
    """Without AVISIT in `per`, one record per subject would be kept across the visits shown."""
    from tlf.spec.validate import load_study

    study = STUDY_YAML_WITH_ADLB
    out = """\
id: t-v
type: table
number: Table 9
title: v
population: SAF
columns: arms
analyses:
  - {id: v, type: by_visit, dataset: adlb, param: ALT, visits: ['0', '1'], visit_var: AVISITN,
     select: {record: max, by: AVAL, per: [PARAMCD]}}
"""
    specs = write_study(tmp_path, study=study, outputs={"t-v": out})
    (specs / "data" / "adlb.csv").write_text(ADLB)
    with pytest.raises(SpecError, match="must list AVISITN"):
        load_study(specs)


def test_ties_highest_takes_the_latest_then_value_and_the_last_record():
    # S1/A: R1 and R2 tie on 9; with ties: highest R1 (ADT 30 > 20). S3: R6 and R7 tie on ADT 50 (R8 misses
    # ADT and loses) -> the last in record order, R7.
    assert picked(record="max", by="AVAL", then="ADT", per=["PARAMCD"], ties="highest") == ["R1", "R4", "R7"]


def test_missing_error_names_the_subject_whose_records_all_miss_by():
    with pytest.raises(DataError) as e:
        picked(record="max", by="AVAL", then="ADT", per=["PARAMCD"], missing="error")
    assert e.value.code == "DATA044" and e.value.usubjid == "S2" and e.value.variable == "AVAL"


def test_a_tie_left_to_record_order_with_different_analysed_values_is_an_error():
    # by AVAL alone: S1/A's R1 (HIGH) and R2 (LOW) tie on 9 -> which ANRIND is counted would be record order
    with pytest.raises(DataError) as e:
        select_records(frame(), rule(record="max", by="AVAL", per=["PARAMCD"]), "USUBJID", err, "recs", ["ANRIND"])
    assert e.value.code == "DATA045" and e.value.usubjid == "S1" and e.value.variable == "ANRIND"
    assert "HIGH, LOW" in e.value.message
    # `then: ADT` breaks it (R2); S3's R6 and R7 still tie on ADT but agree on ANRIND (NORMAL): no error
    chosen = select_records(frame(), rule(record="max", by="AVAL", then="ADT", per=["PARAMCD"]), "USUBJID", err,
                            "recs", ["ANRIND"])
    assert list(chosen["ID"]) == ["R2", "R4", "R6"]
    # tied records that agree on the analysed variable (AVAL itself) are no error
    assert list(select_records(frame(), rule(record="max", by="AVAL", per=["PARAMCD"]), "USUBJID", err, "recs",
                               ["AVAL"])["ID"]) == ["R1", "R4", "R6"]


def test_an_analysis_refuses_a_tie_that_then_does_not_break(tmp_path):
    """In an analysis, the analysed `var` is what tied records must agree on (Ctx.records)."""
    adae = """USUBJID,AEDECOD,AEBODSYS,AESEV,AESEVN,ASTDY,TRTEMFL
S-01,Headache,Nervous system disorders,MILD,2,3,Y
S-01,Headache,Nervous system disorders,MODERATE,2,3,Y
"""
    out = {"t-sev": """\
id: t-sev
type: table
number: Table 3
title: TEAEs by severity
population: SAF
columns: arms
analyses:
  - {id: sev, type: categorical, dataset: adae, var: AESEV, select: {record: worst, by: AESEVN, then: ASTDY}}
"""}
    specs = write_study(tmp_path, adae=adae, outputs=out)
    error = build(specs, tmp_path / "out", ["t-sev"], formats=()).outputs[0].error
    assert isinstance(error, DataError) and error.code == "DATA045" and error.usubjid == "S-01"
    assert "analysis 'sev'" in error.message and "MILD, MODERATE" in error.message
