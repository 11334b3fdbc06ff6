"""`tlf ars export` beyond demographics: `where:` filters as ARS where clauses, `count` and `terms`
(SOC/PT) analyses.

The where-clause translation is checked by evaluation: on a frame with text, numbers and missing values,
the rows tlf's own expression evaluator selects equal the rows tlf's ARS run selects with the translated
clause (two independent evaluators), for every operator and for and/or/not nested; what cannot be stated
is refused with its reason. The families are checked by a round trip on the CDISC pilot (skipped without
../shared/data/cdiscpilot01): build the outputs, export with the build's results, run the export on the
data; every result the export carries equals the run's, raw and printed, and equals the build's printed
text (aside from the blanks an ARS pattern fills its field with); what is still left out is named with its reason."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.conftest import REPO, SHARED

PILOT = SHARED / "data" / "cdiscpilot01"
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"
DATA = ["--data", str(PILOT), "--data", str(PILOT / "tdf_sdtm_v1"), "--data", str(PILOT / "tdf_adam_v1")]

FRAME = pd.DataFrame({
    "USUBJID": [f"S{i}" for i in range(8)],
    "SEX": ["F", "M", "F", None, "M", " F", "M", "F"],
    "AGE": [50.0, 64.0, 65.0, np.nan, 80.0, 71.5, 18.0, -3.0],
    "FL": ["Y", "N", "Y", "Y", None, "N", "Y", "Y"],
})

EXPRESSIONS = [
    "SEX == 'F'", "SEX != 'F'", "AGE > 64", "AGE >= 64", "AGE < 65", "AGE <= 65", "AGE != 50", "AGE == 71.5",
    "65 <= AGE", "-3 == AGE", "AGE > -5", "SEX in ('F', 'X')", "SEX not in ('F',)", "AGE in (18, 80)",
    "AGE not in (18, 80)", "SEX == 'F' and AGE >= 65", "SEX == 'M' or FL == 'Y'", "not SEX == 'F'",
    "not (AGE > 60 and FL == 'Y') or SEX in ('M',)", "(SEX == 'F' or AGE < 20) and not FL != 'Y'",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_translated_where_selects_what_tlf_selects(text):
    from tlf.ars.export_where import translate
    from tlf.ars.model import models
    from tlf.ars.where import Tables
    from tlf.data.expr import evaluate, parse

    clause = models()["WhereClause"].model_validate(translate(text, "adsl"))
    ars = Tables({"ADSL": FRAME}).mask(clause, "ADSL", "test")
    tlf = evaluate(parse(text), FRAME).to_numpy()
    assert ars.tolist() == tlf.tolist(), text
    assert tlf.any() and not tlf.all(), text  # a filter that keeps rows and drops rows


def test_where_clause_shape():
    from tlf.ars.export_where import translate

    assert translate("AGE >= 65 and not SEX in ('F', 'M')", "adsl") == {"compoundExpression": {
        "logicalOperator": "AND", "whereClauses": [
            {"condition": {"dataset": "ADSL", "variable": "AGE", "comparator": "GE", "value": ["65"]}},
            {"compoundExpression": {"logicalOperator": "NOT", "whereClauses": [
                {"condition": {"dataset": "ADSL", "variable": "SEX", "comparator": "IN", "value": ["F", "M"]}}]}}]}}
    assert translate("18 > AGE", "adsl")["condition"]["comparator"] == "LT"


@pytest.mark.parametrize(("text", "reason"), [
    ("missing(AGE)", "is not a comparison"),
    ("strip(SEX) == 'F'", "ARS compares a variable"),
    ("AGE * 2 > 10", "ARS compares a variable"),
    ("0 < AGE <= 24", "chained comparison"),
    ("AGE > HEIGHT", "is not a text or number literal"),
    ("FL", "is not a comparison"),
    ("SEX == ''", "an empty text"),
    ("ADT >= '2014-01-01'", "order comparison with text"),
    ("RACEGR == 'Other'", "RACEGR is derived"),
    ("AGE ==", "cannot parse"),
])
def test_untranslatable_where_is_refused_with_its_reason(text, reason):
    from tlf.ars.export_where import Untranslatable, translate

    with pytest.raises(Untranslatable, match=reason):
        translate(text, "adsl", {"RACEGR"})


pilot = pytest.mark.skipif(not (PILOT / "adsl.xpt").is_file(), reason="../shared/data/cdiscpilot01 absent")
OUTPUTS = ["t-14-2-01", "t-14-5-01", "t-14-5-02", "t-14-7-01", "t-14-7-03", "t-14-7-04", "t-ae-fda"]


@pilot
def test_families_round_trip_on_the_pilot(tmp_path, capsys):
    from tlf.cli import main

    build = tmp_path / "build"
    assert main(["build", *OUTPUTS, "--specs", str(SPECS), "--data", str(PILOT), "--out", str(build), "--format", "xlsx"]) == 0
    out = tmp_path / "pilot.json"
    assert main(["ars", "export", "--specs", str(SPECS), "--results", str(build), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    for said in ("t-14-6-06.analyses[0] (hy): HYCHG is derived in study.yaml",
                 "t-14-6-01.analyses[0] (hem): AVISIT is derived in study.yaml",
                 "t-14-7-02.analyses[0] (sbp_lie): the decimals follow the values collected (no `precision:`) and "
                 "no build's results"):
        assert said in err, said
    exported = json.loads(out.read_text())
    assert main(["ars", "run", str(out), *DATA, "--out", str(tmp_path / "run"), "--format", "none"]) == 0
    ran = json.loads((tmp_path / "run" / "pilot.json").read_text())

    def results(event):  # the summaries by column (the stat columns' comparisons: test_ars_export_stats.py)
        return {(a["id"], r["operationId"], json.dumps(r["resultGroups"], sort_keys=True)): r
                for a in event["analyses"] if any(a["id"].startswith(f"An_{o}_") for o in OUTPUTS)
                and a["orderedGroupings"][0]["groupingId"].endswith("_columns") for r in a.get("results", [])}

    built, computed = results(exported), results(ran)
    assert built.keys() == computed.keys()
    for k, r in built.items():
        assert float(computed[k]["rawValue"]) == pytest.approx(float(r["rawValue"]), rel=1e-12, abs=1e-12), k
        assert computed[k]["formattedValue"] == r["formattedValue"], k
    # the population and the analysis' where: the safety set is TRTDUR > 0 within the randomised arms; the
    # TEAE analyses are on ADAE records with TRTEMFL = 'Y'
    sets = {s["id"]: s for s in exported["analysisSets"]}
    assert [c["condition"]["variable"] for c in sets["AS_SAF"]["compoundExpression"]["whereClauses"]] == ["TRTDUR", "ARM"]
    subsets = {s["id"]: s for s in exported["dataSubsets"]}
    assert subsets["DS_An_t-14-5-02_any"]["compoundExpression"]["logicalOperator"] == "AND"
    # every exported result prints as the build's table cell
    groups = {g["id"]: {x["id"]: x["name"] for x in g.get("groups", [])} for g in exported["analysisGroupings"]}
    analyses = {a["id"]: a for a in exported["analyses"]}
    per_family = {}
    for o in OUTPUTS:
        ard = pd.read_csv(build / f"{o}.ard.csv", dtype=str, keep_default_na=False)
        text = {(r.analysis, r.column, r.parent, r.level, r.stat_name): r.stat_fmt for r in ard.itertuples()}
        for (aid, op, rg), r in built.items():
            if not aid.startswith(f"An_{o}_"):
                continue
            name = aid.removeprefix(f"An_{o}_")
            gs = json.loads(rg)
            column = gs[0]["groupId"].removeprefix(f"Grp_{o}_columns_")
            vals = [g.get("groupValue") or groups[g["groupingId"]][g["groupId"]] for g in gs[1:]]
            parent, level = (vals[0], vals[1]) if len(vals) == 2 else ("", vals[0] if vals else "")
            stat = "N" if name == "N" else {"n": "n", "pct": "p", "ev": "events"}.get(op.rsplit("_", 1)[-1], op.rsplit("_", 1)[-1])
            name = name.removesuffix("_SOC")
            for part, prefix in (("_value_", ""), ("_change_", "chg_")):  # by_visit: a parameter's value, change
                if part in name:
                    subset = subsets[analyses[aid]["dataSubsetId"]]
                    here = subset.get("condition") or subset["compoundExpression"]["whereClauses"][0]["condition"]
                    name, parent, stat = name.split(part)[0], here["value"][0], prefix + stat
            key = ("_N" if name == "N" else name, column, parent, level, stat)
            # the pattern fills its field with blanks after the sign ("- 0.3", ARS's convention): aside from them
            assert r["formattedValue"].strip("()").removeprefix("N=").replace(" ", "") == text[key], (key, r)
            family = next(a for a in exported["analyses"] if a["id"] == aid)["methodId"]
            per_family[(o, family.split("_")[1])] = per_family.get((o, family.split("_")[1]), 0) + 1
    # results of each output's families: counts by SOC and PT (t-14-5-01, t-14-5-02), by class (t-14-7-04),
    # subjects meeting a condition (t-ae-fda), demographics (t-14-2-01)
    adae = pd.read_sas(PILOT / "adae.xpt", encoding="latin-1")
    adsl = pd.read_sas(PILOT / "adsl.xpt", encoding="latin-1")
    teae = adae[(adae.TRTEMFL == "Y") & adae.USUBJID.isin(adsl.USUBJID[(adsl.TRTDUR > 0)])]
    cells = teae.AEBODSYS.nunique() + len(teae[["AEBODSYS", "AEDECOD"]].drop_duplicates())
    assert per_family[("t-14-5-01", "Cat")] == (1 + cells) * 3 * 3  # any TEAE, each SOC, each SOC/PT: n, %, events
    assert per_family[("t-ae-fda", "Cat")] == 6 * 3 * 2  # six conditions, three arms
    assert per_family[("t-14-5-02", "Cat")] > 0 and per_family[("t-14-7-04", "Cat")] > 0
    # by visit: weight (t-14-7-03) at 3 visits and its change at 2, 8 statistics, 3 arms; 9 vital signs
    # parameter/position analyses of t-14-7-01 at 3 visits (value only)
    assert per_family[("t-14-7-03", "An")] == (3 + 2) * 8 * 3
    assert per_family[("t-14-7-01", "An")] == 9 * 3 * 8 * 3
    # and against pandas: weight at Week 24 of the safety population by actual treatment
    advs = pd.read_sas(PILOT / "advs.xpt", encoding="latin-1")
    saf = adsl[adsl.TRTDUR > 0].set_index("USUBJID").TRT01A
    wt = advs[(advs.PARAMCD == "WEIGHT") & (advs.ANL01FL == "Y") & (advs.AVISIT == "Week 24")
              & advs.USUBJID.isin(saf.index)]
    col = {"Placebo": "pbo", "Xanomeline Low Dose": "low", "Xanomeline High Dose": "high"}
    visit = next(g["id"] for g in [x for x in exported["analysisGroupings"]
                 if x["id"] == "Grp_An_t-14-7-03_wt_visits"][0]["groups"] if g["name"] == "Week 24")
    for arm, x in wt.groupby(wt.USUBJID.map(saf)):
        rg = json.dumps([{"groupingId": "Grp_t-14-7-03_columns", "groupId": f"Grp_t-14-7-03_columns_{col[arm]}"},
                         {"groupingId": "Grp_An_t-14-7-03_wt_visits", "groupId": visit}], sort_keys=True)
        aid, mid = "An_t-14-7-03_wt_value_1", "Mth_An_t-14-7-03_wt_value_1"
        assert float(computed[(aid, f"{mid}_n", rg)]["rawValue"]) == len(x) > 10
        assert float(computed[(aid, f"{mid}_mean", rg)]["rawValue"]) == pytest.approx(x.AVAL.mean(), rel=1e-12)


def test_untranslatable_filters_are_named_not_guessed(tmp_path, capsys):
    """A population whose derivation ARS cannot state falls back to its ADSL flag, said; an analysis whose
    `where:` it cannot state is left out, with the reason (the spec folder only: no data needed)."""
    import shutil

    from tlf.cli import main

    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("study.yaml", "t-14-5-01.yaml"):
        shutil.copy(SPECS / name, specs / name)
    study = (specs / "study.yaml").read_text()
    assert 'where: "TRTDUR > 0"' in study
    (specs / "study.yaml").write_text(study.replace('where: "TRTDUR > 0"', 'where: "TRTDUR * 1 > 0"'))
    t = (specs / "t-14-5-01.yaml").read_text()
    assert t.count("where: \"TRTEMFL == 'Y'\"") == 2
    (specs / "t-14-5-01.yaml").write_text(t.replace("where: \"TRTEMFL == 'Y'\"", "where: \"TRTEMFL == 'Y' and missing(AESER)\"", 1))
    out = tmp_path / "e.json"
    assert main(["ars", "export", "--specs", str(specs), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "populations.SAF: the derivation is not translated" in err and "the analysis set is SAFFL EQ 'Y'" in err
    assert ("t-14-5-01.analyses[0] (any): where: \"TRTEMFL == 'Y' and missing(AESER)\" is not translated to an ARS "
            "where clause: 'missing(AESER)' is not a comparison") in err
    event = json.loads(out.read_text())
    assert {s["id"]: s.get("condition") for s in event["analysisSets"]}["AS_SAF"] == {
        "dataset": "ADSL", "variable": "SAFFL", "comparator": "EQ", "value": ["Y"]}
    assert "An_t-14-5-01_any" not in {a["id"] for a in event["analyses"]}
    assert "An_t-14-5-01_socpt" in {a["id"] for a in event["analyses"]}


def test_uncoded_terms_are_left_out_and_said():
    """tlf counts records without a preferred term under `uncoded:`; an ARS data-driven grouping has no
    group for a missing value, so that row is left out of the export's results, said -- not carried as a
    result the run can never reproduce."""
    from tlf.ars.export import export_event
    from tlf.spec.validate import load_study

    rows = [("socpt", "pbo", "", "CARDIAC DISORDERS", "n", 12.0), ("socpt", "pbo", "CARDIAC DISORDERS", "Uncoded", "n", 1.0),
            ("socpt", "pbo", "CARDIAC DISORDERS", "SINUS BRADYCARDIA", "n", 2.0), ("socpt", "pbo", "", "Uncoded", "n", 1.0)]
    ard = pd.DataFrame(rows, columns=["analysis", "column", "parent", "level", "stat_name", "stat"])
    event, findings = export_event(load_study(SPECS), {"t-14-5-01": ard})
    assert any(f.startswith("t-14-5-01.analyses[1] (socpt): the 'Uncoded' row (records without AEDECOD) is left out")
               for f in findings)
    res = {a["id"]: a["results"] for a in event["analyses"] if a["id"].startswith("An_t-14-5-01_socpt")}
    values = [[g.get("groupValue") for g in r["resultGroups"][1:]] for rs in res.values() for r in rs]
    assert values == [["CARDIAC DISORDERS"], ["CARDIAC DISORDERS", "SINUS BRADYCARDIA"]]


def test_by_visit_without_a_build_exports_the_statistics_whose_decimals_it_knows(tmp_path, capsys):
    """Table 14-7.03 gives `decimals:` for mean, SD, median, min and max, not Q1/Q3 (tlf takes those from
    the values collected): without the build's results those two are left out, said; t-14-7-01 gives
    none and is left out whole, said."""
    from tlf.cli import main

    out = tmp_path / "e.json"
    assert main(["ars", "export", "--specs", str(SPECS), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "t-14-7-03.analyses[0] (wt): statistics ['q1', 'q3'] are left out: their decimals follow" in err
    assert "t-14-7-01.analyses[0] (sbp_lie): the decimals follow the values collected" in err
    methods = {m["id"]: m for m in json.loads(out.read_text())["methods"]}
    ops = methods["Mth_An_t-14-7-03_wt_value_1"]["operations"]
    assert [(o["label"], o["resultPattern"]) for o in ops] == [
        ("n", "XX"), ("Mean", "XX.X"), ("SD", "(XX.XX)"), ("Median", "XX.X"), ("Min", "XX.X"), ("Max", "XX.X")]


def test_a_categorical_missing_row_is_left_out_and_said(tmp_path):
    """A categorical analysis without `levels:` (a data-driven grouping) prints subjects without a value as
    a 'Missing' row; no ARS group holds a missing value, so that row is left out of the results, said."""
    import shutil

    from tlf.ars.export import export_event
    from tlf.spec.validate import load_study

    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(SPECS / "study.yaml", specs / "study.yaml")
    t = (SPECS / "t-14-2-01.yaml").read_text()
    line = "    levels: [{value: M, label: Male}, {value: F, label: Female}]\n"
    assert line in t
    (specs / "t-14-2-01.yaml").write_text(t.replace(line, ""))
    rows = [("sex", c, "", lv, "n", 1.0) for c in ("pbo", "low", "high", "total") for lv in ("F", "M", "Missing")]
    ard = pd.DataFrame(rows, columns=["analysis", "column", "parent", "level", "stat_name", "stat"])
    event, findings = export_event(load_study(specs), {"t-14-2-01": ard})
    assert "t-14-2-01.analyses[2] (sex): the 'Missing' row (subjects without SEX) is left out" in "\n".join(findings)
    sex = next(a for a in event["analyses"] if a["id"] == "An_t-14-2-01_sex")
    assert sorted({r["resultGroups"][1]["groupValue"] for r in sex["results"]}) == ["F", "M"]
    assert len(sex["results"]) == 4 * 2
