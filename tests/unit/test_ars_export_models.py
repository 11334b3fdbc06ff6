"""`tlf ars export` then `tlf ars run` of the model families (ancova, mmrm, time_to_event, shift) on the
CDISC pilot (skipped without ../shared/data/cdiscpilot01).

Build the outputs, export the spec folder with the build's results, run the export on the data: the
results the export carries from the build's ARD and those `tlf ars run` computes (the family's runner
called on the records the event's analysis set, data subset and groupings select) are the same, value for
value and printed alike; every statistic of the build's ARD of those analyses is carried by a result; the
printed values are the build's (aside from the blanks an ARS pattern fills its field with). Counts are
also checked against pandas on the data (the shift table's cells, the Kaplan-Meier events), and the run's
ANCOVA, Kaplan-Meier, log-rank and MMRM numbers against R (tests/reference/pilot_results and
tests/reference/mmrm, made by the R scripts there). Outputs: the pilot's Tables 14-3.01 (ANCOVA),
14-3.11 (MMRM; its `missing(DTYPE)` as tlf's expression in the codeTemplate), 14-1.KM (with a Cox model added, and
a copy with a stratified log-rank test), 14-6.05 (shifts of the worst record, CMH), an ANCOVA with an
interaction and three shift tables of ADLBHY written here."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from tests.conftest import REPO, SHARED

PILOT = SHARED / "data" / "cdiscpilot01"
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"
DATA = ["--data", str(PILOT), "--data", str(PILOT / "tdf_sdtm_v1"), "--data", str(PILOT / "tdf_adam_v1")]

pytestmark = pytest.mark.skipif(not (PILOT / "adsl.xpt").is_file(), reason="../shared/data/cdiscpilot01 absent")

# an ANCOVA with an interaction, proportional weights and normal CIs, on the pilot's ADAS-Cog records
ANCOVA_B = """id: t-ancova-b
type: table
number: "Table X.1"
title: "ANCOVA of ADAS-Cog (11) change at weeks 8 and 24, treatment by sex"
population: EFF
columns: planned
analyses:
  - id: anc
    type: ancova
    dataset: adqsadas
    where: "EFFFL == 'Y' and ANL01FL == 'Y' and DTYPE != 'LOCF'"
    param: ACTOT
    visits: [Week 8, Week 24]
    response: CHG
    covariates: [BASE]
    factors: [SEX]
    interactions: [[treatment, SEX]]
    weights: proportional
    ci: normal
    alpha: 0.1
    reference: pbo
    rows: [n, lsmean_ci, diff_ci, diff_pvalue, rmse]
"""
# shifts of the Hy's law flags (0 normal / 1 abnormal, numeric levels) at two visits: CMH per block, and
# Fisher per baseline category with percentages of the column's N
SHIFT = """id: t-shift
type: table
number: "Table X.2"
title: "Shifts of Hy's law flags at weeks 2 and 24"
population: SAF
columns: actual
pct_decimals: 0
analyses:
  - id: hy
    type: shift
    dataset: adlbhy
    param: [TRANSHY, HYLAW]
    visits: [Week 2, Week 24]
    baseline: BASE
    post: AVAL
    levels: [{value: 0, label: Normal}, {value: 1, label: Abnormal}]
    transpose: true
    test: cmh
"""
SHIFT_F = """id: t-shift-f
type: table
number: "Table X.3"
title: "Shifts of the transaminase flag at week 24"
population: SAF
columns: actual
analyses:
  - id: hyf
    type: shift
    dataset: adlbhy
    param: [TRANSHY]
    visits: [Week 24]
    baseline: BASE
    post: AVAL
    levels: [{value: 0, label: Normal}, {value: 1, label: Abnormal}]
    denominator: N
    total_row: true
    test: fisher
"""
# categories without `levels:`: the values the data have (data-driven groupings)
SHIFT_D = """id: t-shift-d
type: table
number: "Table X.4"
title: "Shifts of the Hy's law flag at week 12"
population: SAF
columns: actual
analyses:
  - id: hyd
    type: shift
    dataset: adlbhy
    param: HYLAW
    visits: [Week 12]
    baseline: BASE
    post: AVAL
    missing: true
"""
OUTPUTS = ["t-14-3-01", "t-14-3-11", "t-14-1-km", "t-km-s", "t-ancova-b", "t-shift", "t-shift-f", "t-shift-d",
           "t-14-6-05"]
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    from tlf.cli import main

    tmp = tmp_path_factory.mktemp("ars_models")
    specs = tmp / "specs"
    specs.mkdir()
    for name in ("study.yaml", "t-14-3-01.yaml", "t-14-3-11.yaml", "t-14-6-05.yaml"):
        shutil.copy(SPECS / name, specs / name)
    km = (SPECS / "t-14-1-km.yaml").read_text()
    assert km.endswith("may be x.5\n")  # the analysis' last key: a Cox model is added to it
    (specs / "t-14-1-km.yaml").write_text(km + "    hazard_ratio: {reference: pbo, ties: efron, strata: [SITEGR1]}\n")
    # the log-rank test stratified by site group, over two columns
    stat = "  - {id: logrank, label: \"Log-rank p-value [1]\", over: [pbo, low, high], test: logrank}\n"
    assert stat in km
    (specs / "t-km-s.yaml").write_text(km.replace("id: t-14-1-km", "id: t-km-s").replace(stat, (
        "  - {id: strat, label: \"Stratified log-rank p-value\", over: [pbo, high], test: logrank, strata: SITEGR1}\n")))
    (specs / "t-ancova-b.yaml").write_text(ANCOVA_B)
    (specs / "t-shift.yaml").write_text(SHIFT)
    (specs / "t-shift-f.yaml").write_text(SHIFT_F)
    (specs / "t-shift-d.yaml").write_text(SHIFT_D)
    build = tmp / "build"
    assert main(["build", *OUTPUTS, "--specs", str(specs), "--data", str(PILOT), "--out", str(build),
                 "--format", "xlsx"]) == 0
    out = tmp / "models.json"
    assert main(["ars", "export", "--specs", str(specs), "--results", str(build), "--out", str(out)]) == 0
    assert main(["ars", "run", str(out), *DATA, "--out", str(tmp / "run"), "--format", "none"]) == 0
    return build, json.loads(out.read_text()), json.loads((tmp / "run" / "models.json").read_text())


def _results(event, output, analyses):
    """The results of the ARS analyses of the tlf analyses `analyses` of an output."""
    ids = [f"An_{output}_{x}" for x in analyses]
    return {(a["id"], r["operationId"], json.dumps(r["resultGroups"], sort_keys=True)): r
            for a in event["analyses"] if any(a["id"] == i or a["id"].startswith(i + "_") for i in ids)
            for r in a.get("results", [])}


@pytest.mark.parametrize(("output", "analyses"), [
    ("t-14-3-01", ["ancova"]), ("t-14-3-11", ["mmrm"]), ("t-14-1-km", ["ttde"]), ("t-km-s", ["ttde"]),
    ("t-ancova-b", ["anc"]),
    ("t-shift", ["hy"]), ("t-shift-f", ["hyf"]), ("t-shift-d", ["hyd"]), ("t-14-6-05", ["hem", "chem"])])
def test_export_then_run_reproduces_the_build(round_trip, output, analyses):
    build, exported, ran = round_trip
    built, computed = _results(exported, output, analyses), _results(ran, output, analyses)
    assert built and built.keys() == computed.keys()
    for k, r in built.items():
        got = computed[k]
        if r["rawValue"] == "":
            assert got["rawValue"] == "" and got["formattedValue"] == "NE", k
        else:
            assert float(got["rawValue"]) == pytest.approx(float(r["rawValue"]), rel=1e-12, abs=1e-12), k
        assert got["formattedValue"] == r["formattedValue"], k
    # every statistic of the build's ARD of these analyses is one result (label rows aside), printed alike
    ard = pd.read_csv(build / f"{output}.ard.csv", dtype=str, keep_default_na=False)
    ard = ard[ard.analysis.isin(analyses) & ~ard.stat_name.isin(["param", "x", "category"])]
    missing = (ard.level == "Missing") | ard.column.str.endswith("|Missing")
    if output.startswith("t-shift"):  # numeric or data-driven categories: no ARS group, said on export
        ard = ard[~missing]
    else:  # text categories: a group `EQ ''` (Table 14-6.05's subjects without a baseline category)
        assert missing.any() == (output == "t-14-6-05")
    assert len(ard) == len(built)
    raw = {r["rawValue"] for r in built.values()}
    printed = {r["formattedValue"].strip("()").replace(" ", "") for r in built.values()}
    for row in ard.itertuples():
        value = float(row.stat) * (100 if row.stat_name == "p" else 1) if row.stat else None
        assert value is None or any(v and float(v) == pytest.approx(value, rel=1e-12, abs=1e-12) for v in raw), row
        if NUMBER.match(row.stat_fmt):  # a table prints 100% as "100"; the ARS pattern fills its decimals
            assert row.stat_fmt in printed or row.stat_fmt == "100" and "100." + "0" * int(row.decimals) in printed, row


def test_the_model_is_stated_in_the_method(round_trip):
    _build, exported, _ran = round_trip
    methods = {m["id"]: m for m in exported["methods"]}
    m = methods["Mth_An_t-14-3-11_mmrm_vs_low"]
    params = {p["name"]: p["value"] for p in m["codeTemplate"]["parameters"]}
    assert params["type"] == ["mmrm"] and params["covariance"] == ["us"] and params["fallback"] == ["toep"]
    assert params["covariates_by_visit"] == ["BASE"] and params["factors"] == ["SITEGR1"]
    assert params["visits"] == ["Week 8", "Week 16", "Week 24"] and params["df"] == ["kenward-roger"]
    assert params["comparator"] == ["Grp_t-14-3-11_columns_low"]
    assert [o["id"].rsplit("_Op_", 1)[1] for o in m["operations"]] == [
        "DIFF", "DIFF_SE", "DIFF_LCL", "DIFF_UCL", "DIFF_PVAL", "DIFF_DF"]
    assert "unstructured" not in m["description"] and "us covariance" in m["description"]
    analyses = {a["id"]: a for a in exported["analyses"]}
    assert analyses["An_t-14-3-11_mmrm"]["variable"] == "CHG"
    hr = methods["Mth_An_t-14-1-km_ttde_hr"]
    assert {p["name"]: p["value"] for p in hr["codeTemplate"]["parameters"]}["strata"] == ["SITEGR1"]
    assert "Mth_An_t-14-1-km_ttde_logrank" in methods


def test_shift_counts_and_events_equal_pandas(round_trip):
    """Independent counts: the shift cells by crosstab of the pilot's ADLBHY, the KM events by the ADTTE flags."""
    _build, _exported, ran = round_trip
    from tlf.data.read import read_dataset

    adsl = read_dataset(PILOT / "adsl.xpt", "adsl").frame
    saf = adsl[(adsl.TRTDUR > 0) & adsl.ARM.isin(["Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"])]
    arm = saf.set_index("USUBJID").TRT01A
    hy = read_dataset(PILOT / "tdf_adam_v1" / "adlbhy.xpt", "adlbhy").frame
    hy = hy[hy.USUBJID.isin(arm.index) & (hy.PARAMCD == "TRANSHY") & (hy.AVISIT == "Week 24")]
    res = {a["id"]: a for a in ran["analyses"]}["An_t-shift_hy"]["results"]
    name = {x["id"]: x["name"] for g in ran["analysisGroupings"] for x in g.get("groups", [])}
    found = {}
    for r in res:
        if r["operationId"].endswith("_Op_SHIFT_N"):
            trt, *at = r["resultGroups"]
            found[(trt["groupId"].rsplit("_", 1)[1], *(name[g["groupId"]] for g in at))] = int(r["rawValue"])
    label = {0: "Normal", 1: "Abnormal"}
    col = {"Placebo": "pbo", "Xanomeline Low Dose": "low", "Xanomeline High Dose": "high"}
    want = hy.groupby([hy.USUBJID.map(arm).map(col), hy.BASE.round().map(label), hy.AVAL.round().map(label)]).size()
    for base in label.values():
        for post in label.values():
            for c in col.values():
                assert found[(c, "TRANSHY", "Week 24", base, post)] == want.get((c, base, post), 0), (c, base, post)
    assert want.sum() > 100
    tte = read_dataset(PILOT / "adtte.xpt", "adtte").frame
    tte = tte[(tte.PARAMCD == "TTDE") & tte.USUBJID.isin(arm.index)]
    events = {a["id"]: a for a in ran["analyses"]}["An_t-14-1-km_ttde"]["results"]
    n_events = sorted(int(r["rawValue"]) for r in events if r["operationId"].endswith("_Op_EVENTS"))
    assert n_events == sorted((tte.CNSR == 0).groupby(tte.USUBJID.map(arm)).sum().astype(int).tolist())


ARM = {"Placebo": "pbo", "Xanomeline Low Dose": "low", "Xanomeline High Dose": "high"}


def _by_op(ran, aid):
    """{(token, treatment column, visit or ''): rawValue} of one analysis of the run."""
    groups = {x["id"]: x["name"] for g in ran["analysisGroupings"] for x in g.get("groups", [])}
    out = {}
    for r in {a["id"]: a for a in ran["analyses"]}[aid]["results"]:
        col = next((g["groupId"].rsplit("_", 1)[1] for g in r["resultGroups"] if "_columns" in g["groupingId"]), "")
        visit = next((groups[g["groupId"]] for g in r["resultGroups"] if g["groupingId"].endswith("_visit")), "")
        token = r["operationId"].rsplit("_Op_", 1)[1]
        out[(token, col, visit)] = float(r["rawValue"]) if r["rawValue"] else None
    return out


def test_run_equals_r(round_trip):
    """The ARS run's LS means, differences and dose-response test (Table 14-3.01), Kaplan-Meier estimates and
    log-rank test (Table 14-1.KM) and MMRM (Table 14-3.11, Kenward-Roger) against R: emmeans/car,
    survival, mmrm (tests/reference/pilot_results, tests/reference/mmrm; made by the R scripts there)."""
    _build, _exported, ran = round_trip
    ref = pd.read_csv(REPO / "tests" / "reference" / "pilot_results" / "reference.csv", dtype={"value": str})
    anc = {**_by_op(ran, "An_t-14-3-01_ancova"), **_by_op(ran, "An_t-14-3-01_ancova_vs_pbo"),
           **_by_op(ran, "An_t-14-3-01_ancova_vs_low"), **_by_op(ran, "An_t-14-3-01_ancova_model")}
    km = {**_by_op(ran, "An_t-14-1-km_ttde"), **_by_op(ran, "An_t-14-1-km_ttde_logrank")}
    token = {("lsmean", "lsmean"): "LSM", ("lsmean", "se"): "LSM_SE", ("diff", "diff"): "DIFF",
             ("diff", "se"): "DIFF_SE", ("diff", "ci_low"): "DIFF_LCL", ("diff", "ci_high"): "DIFF_UCL",
             ("diff", "p"): "DIFF_PVAL", ("dose", "p"): "DOSE_PVAL", ("dose", "f"): "DOSE_F",
             ("km", "n"): "KM_N", ("km", "events"): "EVENTS", ("km", "q1"): "Q1", ("km", "median"): "MEDIAN",
             ("km", "q3"): "Q3", ("km", "median_ci_low"): "MEDIAN_LCL", ("km", "median_ci_high"): "MEDIAN_UCL",
             ("logrank", "p"): "LOGRANK_PVAL"}
    checked = 0
    for r in ref[ref.output.isin(["t-14-3-01", "t-14-1-km"])].itertuples():
        if (r.what, r.stat) not in token:
            continue
        t = token[(r.what, r.stat)]
        arm = "" if r.what in ("dose", "logrank") else ARM.get(r.arm, str(r.arm).split("-")[0])
        if r.what == "diff":
            arm, comp = r.arm.split("-")
            got = _by_op(ran, f"An_t-14-3-01_ancova_vs_{comp}")[(t, arm, "Week 24")]
        elif r.output == "t-14-3-01":
            got = anc[(t, arm, "Week 24")]
        else:
            got = km[(t, arm, "")]
        if r.value == "NA" or pd.isna(r.value):
            assert got is None, r
        else:
            assert got == pytest.approx(float(r.value), rel=1e-3 if t == "LOGRANK_PVAL" else 1e-6), r
        checked += 1
    assert checked == 6 + 15 + 2 + 21 + 1
    mm = pd.read_csv(REPO / "tests" / "reference" / "mmrm" / "pilot_exact.csv")
    lsm = _by_op(ran, "An_t-14-3-11_mmrm")
    diff = _by_op(ran, "An_t-14-3-11_mmrm_vs_pbo")
    for r in mm.itertuples():
        got = lsm if r.kind == "lsmean" else diff
        pre = "LSM" if r.kind == "lsmean" else "DIFF"
        assert got[(pre, ARM[r.TRT], r.AVISIT)] == pytest.approx(r.estimate, rel=1e-6, abs=1e-8), r
        assert got[(pre + "_SE", ARM[r.TRT], r.AVISIT)] == pytest.approx(r.se_kr, rel=1e-5), r
        assert got[(pre + "_DF", ARM[r.TRT], r.AVISIT)] == pytest.approx(r.df_kr, rel=1e-5), r
    assert len(mm) == 15


def _only(event, prefix):
    """The event with the analyses of one tlf analysis (and its output's N) alone."""
    e = json.loads(json.dumps(event))
    e["analyses"] = [a for a in e["analyses"] if a["id"].startswith(prefix)]
    for a in e["analyses"]:
        a.pop("results", None)
    e["outputs"], e["mainListOfContents"] = [], {"name": "none", "contentsList": {"listItems": []}}
    return e


def test_an_operation_outside_the_namespace_is_a_finding_and_bad_parameters_are_located(round_trip, tmp_path, capsys):
    """An operation of a model method that is not in tlf's namespace is listed (ARS016), never guessed;
    parameters that do not make a tlf analysis (ARS019) and a grouping that is none of the model's (ARS020)
    are errors naming the analysis."""
    from tlf.cli import main

    _build, exported, _ran = round_trip
    e = _only(exported, "An_t-14-3-01_ancova")
    m = next(m for m in e["methods"] if m["id"] == "Mth_An_t-14-3-01_ancova")
    m["operations"].append({"id": "Mth_An_t-14-3-01_ancova_Op_GEOMEAN", "name": "Geometric LS mean", "order": 9})
    path = tmp_path / "e.json"
    path.write_text(json.dumps(e))
    assert main(["ars", "run", str(path), *DATA, "--out", str(tmp_path / "o"), "--format", "none"]) == 1
    err = capsys.readouterr().err
    assert ("analysis An_t-14-3-01_ancova, operation Mth_An_t-14-3-01_ancova_Op_GEOMEAN: operation 'Geometric LS "
            "mean' is not one of tlf's ancova operations") in err and "[ARS016]" in err
    ran = json.loads((tmp_path / "o" / "e.json").read_text())
    assert {a["id"]: len(a["results"]) for a in ran["analyses"]}["An_t-14-3-01_ancova"] == 15  # the others are made

    e = _only(exported, "An_t-14-3-01_ancova")
    for m in e["methods"]:
        for p in m.get("codeTemplate", {}).get("parameters", []):
            if p["name"] == "weights":
                p["value"] = ["observed"]
    path.write_text(json.dumps(e))
    assert main(["ars", "run", str(path), *DATA, "--out", str(tmp_path / "o2"), "--format", "none"]) == 2
    err = capsys.readouterr().err
    assert "analyses[0]: the codeTemplate's parameters do not make a tlf ancova analysis: weights:" in err
    assert "[ARS019]" in err

    e = _only(exported, "An_t-14-3-01_ancova")
    e["analyses"][0]["orderedGroupings"].append({"order": 9, "groupingId": "Grp_An_t-14-3-01_ancova_visit",
                                                 "resultsByGroup": True})
    path.write_text(json.dumps(e))
    assert main(["ars", "run", str(path), *DATA, "--out", str(tmp_path / "o3"), "--format", "none"]) == 2
    err = capsys.readouterr().err
    assert "analyses[0]: grouping Grp_An_t-14-3-01_ancova_visit (by AVISIT) is none of the model's groupings" in err
    assert "[ARS020]" in err

    # a parameter the family does not have (a typo) would leave the model without it: an error, never ignored
    e = _only(exported, "An_t-14-3-01_ancova")
    for m in e["methods"]:
        for p in m.get("codeTemplate", {}).get("parameters", []):
            if p["name"] == "covariates":
                p["name"] = "covariate"
    path.write_text(json.dumps(e))
    assert main(["ars", "run", str(path), *DATA, "--out", str(tmp_path / "o4"), "--format", "none"]) == 2
    err = capsys.readouterr().err
    assert "'covariate' is not a parameter of a tlf ancova model (did you mean 'covariates'?)" in err
    assert "[ARS019]" in err


def test_without_decimals_the_analysis_is_left_out_and_said(capsys, tmp_path):
    """Table 14-1.KM gives no `precision:`: without the build's results the patterns are unknown and the
    analysis is left out, said; Table 14-3.01 gives `precision: 0` and is exported from the specs alone."""
    from tlf.cli import main

    out = tmp_path / "e.json"
    assert main(["ars", "export", "--specs", str(SPECS), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "t-14-1-km.analyses[0] (ttde): the decimals follow the values collected" in err
    # Table 14-3.11's where: has missing(DTYPE), which ARS where clauses cannot state: tlf's expression in
    # the methods' codeTemplate, which the run applies (the round trip above), said
    assert ("t-14-3-11.analyses[0] (mmrm): where: \"EFFFL == 'Y' and ANL01FL == 'Y' and missing(DTYPE)\" is not an "
            "ARS where clause: stated as tlf's expression in the methods' codeTemplate") in err
    event = json.loads(out.read_text())
    m = next(m for m in event["methods"] if m["id"] == "Mth_An_t-14-3-11_mmrm")
    assert {p["name"]: p["value"] for p in m["codeTemplate"]["parameters"]}["where"] == [
        "EFFFL == 'Y' and ANL01FL == 'Y' and missing(DTYPE)"]
    assert "dataSubsetId" not in next(a for a in event["analyses"] if a["id"] == "An_t-14-3-11_mmrm")
    ids = {a["id"] for a in json.loads(out.read_text())["analyses"]}
    assert {"An_t-14-3-01_ancova", "An_t-14-3-01_ancova_vs_pbo", "An_t-14-3-01_ancova_vs_low",
            "An_t-14-3-01_ancova_model"} <= ids
    assert "An_t-14-1-km_ttde" not in ids


def test_not_estimable_results_say_why(round_trip):
    """Placebo's median time to a dermatologic event is not reached: NE, with the runner's reason in the run's ARD."""
    build, _exported, _ran = round_trip
    ard = pd.read_csv(build.parent / "run" / "models.ard.csv", dtype=str, keep_default_na=False)
    row = ard[(ard.operation_id == "Mth_An_t-14-1-km_ttde_Op_MEDIAN") & ard.column.str.endswith("_pbo")]
    assert row.formatted_value.tolist() == ["NE"] and row.raw_value.tolist() == [""]
    assert row.warning.tolist() == ["not reached: S(t) stays above 0.5"]


def test_a_code_template_parameter_is_a_list_of_values(round_trip, tmp_path, capsys):
    """ARS v1 gives a code template parameter's `value` as a list of text: a bare text is an ARS019 error
    naming the method and the parameter, never split into characters."""
    from tlf.cli import main

    _build, exported, _ran = round_trip
    e = _only(exported, "An_t-14-3-01_ancova")
    m = next(i for i, m in enumerate(e["methods"]) if m["id"] == "Mth_An_t-14-3-01_ancova")
    p = next(i for i, p in enumerate(e["methods"][m]["codeTemplate"]["parameters"]) if p["name"] == "factors")
    e["methods"][m]["codeTemplate"]["parameters"][p]["value"] = "SITEGR1"
    path = tmp_path / "e.json"
    path.write_text(json.dumps(e))
    assert main(["ars", "run", str(path), *DATA, "--out", str(tmp_path / "o"), "--format", "none"]) == 2
    err = capsys.readouterr().err
    assert f"method Mth_An_t-14-3-01_ancova: codeTemplate.parameters[{p}].value: a list of values" in err
    assert "[ARS019]" in err
