"""`tlf ars export` of stat columns (p-values, estimates with CIs), `by_grade:`, `threshold:`, non-N
denominators and record selections, and `tlf ars run` of what it writes (tlf/ars/export_stats.py,
export_counts.py, compare.py, selection.py): on the CDISC pilot, export with the build's results, run the
export, and every result equals the build's; and the numbers of each feature against a computation of
their own (pandas and scipy on the datasets, closed forms), not tlf's."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
PILOT = REPO.parent / "shared" / "data" / "cdiscpilot01"
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"
OUTPUTS = ["t-14-2-01", "t-14-5-01", "t-14-5-02", "t-ae-fda", "t-ae-sev", "t-14-6-03", "t-14-3-13"]
ARMS = {"pbo": "Placebo", "low": "Xanomeline Low Dose", "high": "Xanomeline High Dose"}
Z95 = 1.959963984540054

# an output of its own for what the pilot's outputs do not use: thresholds, denominators (records, group),
# record selections (select:, per_subject:), relative risk, odds ratio, a Miettinen-Nurminen 90% CI
EXTRA = """\
id: t-ars-extra
type: table
number: "Table 99"
title: "Thresholds, denominators and record selections"
population: SAF
columns: actual
pct_decimals: 1
stat_columns:
  - {id: rr, label: "RR", over: [high, pbo], stat: relative_risk}
  - {id: orl, label: "OR", over: [low, pbo], stat: odds_ratio, format: {decimals: 3}}
  - {id: rdmn, label: "RD", over: [high, pbo], stat: risk_difference, ci: mn, conf_level: 0.9}
  - {id: p, label: "p", over: [pbo, low, high], test: chisq}
analyses:
  - {id: common, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD, threshold: {pct_gt: 5}}
  - {id: socthr, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD, soc: AEBODSYS,
     threshold: {pct_gt: 5}}
  - {id: common_act, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD,
     threshold: {pct_ge: 10, over: [low, high]}}
  - {id: socgrp, type: terms, dataset: adae, where: "TRTEMFL == 'Y' and AESER == 'Y'", term: AEDECOD, soc: AEBODSYS,
     denominator: group}
  - {id: serrec, type: terms, dataset: adae, where: "TRTEMFL == 'Y' and AESER == 'Y'", term: AEDECOD,
     denominator: records}
  - {id: anyci, type: count, dataset: adae, where: "TRTEMFL == 'Y'", ci: clopper-pearson, conf_level: 0.9}
  - {id: sevrec, type: count, dataset: adae, where: "TRTEMFL == 'Y' and AESEV == 'SEVERE'", denominator: records,
     denominator_where: "TRTEMFL == 'Y'"}
  - {id: worst, type: categorical, dataset: adae, where: "TRTEMFL == 'Y'", var: AESEV,
     select: {record: worst, by: AESEV, order: [MILD, MODERATE, SEVERE], then: ASTDT},
     levels: [{value: MILD, label: Mild}, {value: MODERATE, label: Moderate}, {value: SEVERE, label: Severe}]}
  - {id: last, type: categorical, dataset: adae, where: "TRTEMFL == 'Y'", var: AESEV, per_subject: last,
     order: [ASTDT, AESEQ], n_row: n, denominator: records,
     levels: [{value: MILD, label: Mild}, {value: MODERATE, label: Moderate}, {value: SEVERE, label: Severe}]}
"""

WILCOXON = """\
id: t-ars-wilcoxon
type: table
number: "Table 98"
title: "Age, Wilcoxon rank-sum test"
population: SAF
columns: actual
stat_columns:
  - {id: w, label: "p", over: [pbo, high], test: wilcoxon, format: {decimals: 4}}
analyses:
  - {id: age, type: continuous, var: AGE, rows: [n, mean], decimals: {mean: 1}}
"""

pilot = pytest.mark.skipif(not (PILOT / "adsl.xpt").is_file(), reason="../shared/data/cdiscpilot01 absent")


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    """Build the outputs, export them with the build's results, run the export: (exported, ran, stderr)."""
    import contextlib
    import io

    from tlf.cli import main

    tmp = tmp_path_factory.mktemp("arsstats")
    specs = tmp / "specs"
    specs.mkdir()
    for name in ["study.yaml", *(f"{o}.yaml" for o in OUTPUTS)]:
        shutil.copy(SPECS / name, specs / name)
    (specs / "t-ars-extra.yaml").write_text(EXTRA)
    (specs / "t-ars-wilcoxon.yaml").write_text(WILCOXON)
    build, out = tmp / "build", tmp / "event.json"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["build", "all", "--specs", str(specs), "--data", str(PILOT), "--out", str(build),
                     "--format", "xlsx"]) == 0
        assert main(["ars", "export", "--specs", str(specs), "--results", str(build), "--out", str(out)]) == 0
        assert main(["ars", "run", str(out), "--data", str(PILOT), "--out", str(tmp / "run"), "--format", "none"]) == 0
    return json.loads(out.read_text()), json.loads((tmp / "run" / "event.json").read_text()), err.getvalue()


def results(event) -> dict:
    return {(a["id"], r["operationId"], json.dumps(r["resultGroups"], sort_keys=True)): r
            for a in event["analyses"] for r in a.get("results", [])}


def raw(r) -> float:
    return float(r["rawValue"]) if r["rawValue"] != "" else math.nan


def of(event, aid: str, op_suffix: str) -> dict[tuple, float]:
    """An analysis' results of one operation (by the end of its id): {cell: raw value}, a cell's groups named
    by the end of their id (`pbo`, `1`), their value (a term), or the grouping's id (a factor's)."""
    a = next(x for x in event["analyses"] if x["id"] == aid)

    def name(g: dict) -> str:
        return g["groupId"].rsplit("_", 1)[-1] if "groupId" in g else g.get("groupValue", g["groupingId"])

    return {tuple(name(g) for g in r["resultGroups"]): raw(r) for r in a["results"]
            if r["operationId"].endswith(op_suffix)}


@pilot
def test_the_run_of_the_export_equals_the_build(trip):
    exported, ran, err = trip
    built, computed = results(exported), results(ran)
    assert built.keys() == computed.keys()
    for k, r in built.items():
        x, y = raw(r), raw(computed[k])
        assert (math.isnan(x) and math.isnan(y)) or y == pytest.approx(x, rel=1e-12, abs=1e-12), k
        assert computed[k]["formattedValue"] == r["formattedValue"], k
    methods = {m["id"]: m for m in exported["methods"]}
    kinds = {}
    for a in exported["analyses"]:
        name = methods[a["methodId"]]["name"]
        out = a["id"].split("_")[1]
        kinds[(out, name)] = kinds.get((out, name), 0) + len(a.get("results", []))
    # every feature is exported and has results: p-values (ANOVA, chi-square: t-14-2-01; Fisher: t-14-5-01,
    # t-14-6-03), risk differences (t-ae-fda), relative risks, odds ratios, MN CIs (t-ars-extra), the worst
    # grade (t-ae-sev), denominators of the subjects assessed (t-14-3-13, t-14-6-03)
    assert kinds[("t-14-2-01", "Analysis of variance group comparison")] == 7
    assert kinds[("t-14-2-01", "Pearson's chi-square test group comparison")] == 4  # race: RACEGR is derived
    assert kinds[("t-14-6-03", "Fisher's exact test group comparison")] > 20
    assert kinds[("t-ae-fda", "Risk difference with Newcombe's hybrid score 95% confidence interval")] == 6 * 2 * 3
    assert kinds[("t-ars-extra", "Risk difference with Miettinen-Nurminen score 90% confidence interval")] > 0
    assert kinds[("t-ars-extra", "Relative risk with Wald 95% confidence interval")] > 0
    assert kinds[("t-ars-extra", "Odds ratio with Woolf (Wald, log scale) 95% confidence interval")] > 0
    assert kinds[("t-ae-sev", "Count and percent of subjects")] > 1000
    assert kinds[("t-14-3-13", "Count of subjects with a value")] == 3 * 3
    assert kinds[("t-ars-extra", "Proportion (percent) of subjects with Clopper-Pearson exact 90% confidence "
                                 "interval")] == 3 * 2
    assert kinds[("t-14-3-13", "Cochran-Mantel-Haenszel test (general association) stratified by SITEGR1")] == 3
    assert kinds[("t-14-5-01", "Count and percent of subjects")] > 0  # with its events (Count of records)
    assert all(any(o["name"] == "Count of records" for o in m["operations"]) for m in exported["methods"]
               if m["id"].startswith("Mth_Cat_1_ev"))
    # what is left out is said: a derived variable, an estimate of a non-N denominator
    for said in ("t-14-2-01.analyses[3] (race): RACEGR is derived in study.yaml",
                 "t-ars-extra.analyses[6] (sevrec): stat_columns[0] (rr): relative_risk of a denominator other than "
                 "N is left out"):
        assert said in err, said
    # the rules ARS cannot state are tlf's, in the method's code template
    tpl = [m["codeTemplate"] for m in exported["methods"] if "codeTemplate" in m]
    assert {p["name"] for t in tpl for p in t["parameters"]} == {"select", "threshold"}
    assert all(t["context"] == "tlf" for t in tpl)


@pytest.fixture(scope="module")
def data():
    if not (PILOT / "adsl.xpt").is_file():
        pytest.skip("../shared/data/cdiscpilot01 absent")
    adsl = pd.read_sas(PILOT / "adsl.xpt", encoding="latin-1")
    adae = pd.read_sas(PILOT / "adae.xpt", encoding="latin-1")
    itt = adsl[adsl.ARM.isin(ARMS.values())]
    saf = itt[itt.TRTDUR > 0]
    teae = adae[(adae.TRTEMFL == "Y") & adae.USUBJID.isin(saf.USUBJID)].copy()
    teae["ARM"] = teae.USUBJID.map(saf.set_index("USUBJID").TRT01A)
    return {"adsl": adsl, "itt": itt, "saf": saf, "teae": teae, "N": saf.TRT01A.value_counts()}


def subjects(frame, arm: str) -> int:
    return int(frame[frame.ARM == ARMS[arm]].USUBJID.nunique())


def wilson(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    mid = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return mid - half, mid + half


def test_p_values_against_scipy(trip, data):
    from scipy import stats

    _, ran, _ = trip
    itt, teae, n = data["itt"], data["teae"], data["N"]
    # ANOVA of age by planned treatment, Pearson chi-square of sex (ITT population): Table 14-2.01
    age = [itt[itt.TRT01P == arm].AGE.to_numpy() for arm in ARMS.values()]
    assert of(ran, "An_t-14-2-01_age_pvalue", "_p")[("Grp_t-14-2-01_pvalue",)] == pytest.approx(stats.f_oneway(*age).pvalue, rel=1e-9)
    table = pd.crosstab(itt.TRT01P, itt.SEX).to_numpy()
    chi = stats.chi2_contingency(table, correction=False)[1]
    assert of(ran, "An_t-14-2-01_sex_pvalue", "_p")[
        ("Grp_t-14-2-01_pvalue", "Grp_An_t-14-2-01_sex_levels")] == pytest.approx(chi, rel=1e-9)
    # Wilcoxon rank-sum, normal approximation with continuity correction (SAS NPAR1WAY's default), of age
    saf = data["saf"]
    age = [saf[saf.TRT01A == ARMS[c]].AGE.to_numpy() for c in ("pbo", "high")]
    want = stats.mannwhitneyu(*age, use_continuity=True, method="asymptotic").pvalue
    assert of(ran, "An_t-ars-wilcoxon_age_w", "_p")[("Grp_t-ars-wilcoxon_w",)] == pytest.approx(want, rel=1e-9)
    # Fisher's exact test of any TEAE, placebo against each dose: Table 14-5.01
    for col in ("low", "high"):
        x1, x2 = subjects(teae, "pbo"), subjects(teae, col)
        want = stats.fisher_exact([[x1, n[ARMS["pbo"]] - x1], [x2, n[ARMS[col]] - x2]]).pvalue
        assert of(ran, f"An_t-14-5-01_any_p_{col}", "_p")[(f"Grp_t-14-5-01_p_{col}",)] == pytest.approx(want, rel=1e-9)


def test_cmh_against_r(trip):
    """Table 14-3.13's CMH general association test of CIBIC+ by planned treatment, stratified by ADSL's
    SITEGR1: R's stats::mantelhaen.test (tests/reference/cmh/pilot_cibic.R, its results saved in
    pilot_cibic.csv; run live when R and haven are installed)."""
    import subprocess

    _, ran, _ = trip
    ref = REPO / "tests" / "reference" / "cmh"
    want = pd.read_csv(ref / "pilot_cibic.csv").set_index("visit").p
    if shutil.which("Rscript"):
        live = Path(ran["id"] + ".csv").name
        res = subprocess.run(["Rscript", "pilot_cibic.R", str(PILOT), str(Path("/tmp") / live)], cwd=ref,
                             capture_output=True, text=True)
        if res.returncode == 0:
            want = pd.read_csv(Path("/tmp") / live).set_index("visit").p
    for week in (8, 16, 24):
        got = of(ran, f"An_t-14-3-13_week{week}_cmh", "_p")
        (value,) = got.values()
        assert value == pytest.approx(want[f"Week {week}"], rel=1e-9)


def test_estimates_against_closed_forms(trip, data):
    """Risk difference with Newcombe's hybrid score CI (Wilson intervals combined), relative risk and odds
    ratio with their log-scale Wald (Woolf) CIs, a percentage's Clopper-Pearson CI (scipy's beta quantiles),
    from counts of the data."""
    from scipy import stats

    _, ran, _ = trip
    teae, n = data["teae"], data["N"]
    x1, n1, x2, n2 = subjects(teae, "high"), n[ARMS["high"]], subjects(teae, "pbo"), n[ARMS["pbo"]]
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = wilson(x1, n1, Z95), wilson(x2, n2, Z95)
    d = p1 - p2
    want = (d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
    got = [of(ran, "An_t-ae-fda_any_rd_high", s)[("Grp_t-ae-fda_rd_high",)] for s in ("_est", "_lower", "_upper")]
    assert got == pytest.approx([100 * w for w in want], rel=1e-9)
    term = teae[teae.AEDECOD == "APPLICATION SITE PRURITUS"]
    t1, t2, t3 = subjects(term, "high"), subjects(term, "pbo"), subjects(term, "low")
    rr = (t1 / n1) / (t2 / n2)
    se = math.sqrt(1 / t1 - 1 / n1 + 1 / t2 - 1 / n2)
    got = [of(ran, "An_t-ars-extra_common_rr", s)[("Grp_t-ars-extra_rr", "APPLICATION SITE PRURITUS")] for s in ("_est", "_lower", "_upper")]
    assert got == pytest.approx([rr, rr * math.exp(-Z95 * se), rr * math.exp(Z95 * se)], rel=1e-9)
    for col, name in ARMS.items():  # Clopper-Pearson 90% limits of the subjects with a TEAE, in percent
        x, m = subjects(teae, col), n[name]
        want = [100 * stats.beta.ppf(0.05, x, m - x + 1), 100 * stats.beta.ppf(0.95, x + 1, m - x)]
        got = [of(ran, "An_t-ars-extra_anyci_CI", s)[(col,)] for s in ("_lower", "_upper")]
        assert got == pytest.approx(want, rel=1e-9)
    n3 = n[ARMS["low"]]
    odds = (t3 / (n3 - t3)) / (t2 / (n2 - t2))
    se = math.sqrt(1 / t3 + 1 / (n3 - t3) + 1 / t2 + 1 / (n2 - t2))
    got = [of(ran, "An_t-ars-extra_common_orl", s)[("Grp_t-ars-extra_orl", "APPLICATION SITE PRURITUS")] for s in ("_est", "_lower", "_upper")]
    assert got == pytest.approx([odds, odds * math.exp(-Z95 * se), odds * math.exp(Z95 * se)], rel=1e-9)


def test_worst_grade_per_subject_against_pandas(trip, data):
    """t-ae-sev's overall block and one term: each subject counted once, at its most severe TEAE."""
    _, ran, _ = trip
    teae, n = data["teae"], data["N"]
    rank = {"MILD": 0, "MODERATE": 1, "SEVERE": 2}
    names = {"1": "MILD", "2": "MODERATE", "3": "SEVERE"}
    for aid, records, key in (("An_t-ae-sev_aesev_ALL_GRADE", teae, ()),
                              ("An_t-ae-sev_aesev_GRADE", teae[teae.AEDECOD == "APPLICATION SITE PRURITUS"],
                               ("GENERAL DISORDERS AND ADMINISTRATION SITE CONDITIONS", "APPLICATION SITE PRURITUS"))):
        worst = records.assign(R=records.AESEV.map(rank)).groupby(["ARM", "USUBJID"]).R.max().reset_index()
        counts, pcts = of(ran, aid, "_n"), of(ran, aid, "_pct")
        checked = 0
        for col, arm in ARMS.items():
            for k, sev in names.items():
                want = int(((worst.ARM == arm) & (worst.R == rank[sev])).sum())
                cell = (col, *key, k)
                assert counts[cell] == want, (aid, cell)
                assert pcts[cell] == pytest.approx(100 * want / n[arm], rel=1e-12)
                checked += want
        assert checked == len(worst) > 0


def test_selected_records_and_assessed_denominators_against_pandas(trip, data):
    """t-14-6-03: each subject's worst HGB category (N < L < H, ties by date) during treatment, percentages
    of the subjects with a category; t-ars-extra: the last TEAE (by date, then sequence) and its severity,
    of the subjects with a TEAE."""
    _, ran, _ = trip
    saf = data["saf"]
    lb = pd.read_sas(PILOT / "adlbh.xpt", encoding="latin-1")
    lb = lb[(lb.PARAMCD == "_HGB") & (lb.AVISITN > 0) & (lb.AVISITN <= 24) & lb.USUBJID.isin(saf.USUBJID)]
    lb = lb[lb.ANRIND.notna() & (lb.ANRIND.str.strip() != "")].assign(R=lambda f: f.ANRIND.map({"N": 0, "L": 1, "H": 2}))
    worst = lb.groupby("USUBJID").R.max()
    arm = saf.set_index("USUBJID").TRT01A
    assessed, counts = of(ran, "An_t-14-6-03_hgb_assessed", "_n"), of(ran, "An_t-14-6-03_hgb", "_n")
    pcts = of(ran, "An_t-14-6-03_hgb", "_pct")
    for col, name in ARMS.items():
        mine = worst[worst.index.map(arm) == name]
        assert assessed[(col,)] == len(mine) > 0
        for k, r in (("1", 1), ("2", 0), ("3", 2)):  # Low, Normal, High
            assert counts[(col, k)] == int((mine == r).sum())
            assert pcts[(col, k)] == pytest.approx(100 * int((mine == r).sum()) / len(mine), rel=1e-12)
    teae = data["teae"]
    last = teae.sort_values(["USUBJID", "ASTDT", "AESEQ"]).groupby("USUBJID").tail(1)
    counts, pcts = of(ran, "An_t-ars-extra_last", "_n"), of(ran, "An_t-ars-extra_last", "_pct")
    for col, name in ARMS.items():
        mine = last[last.ARM == name]
        for k, sev in (("1", "MILD"), ("2", "MODERATE"), ("3", "SEVERE")):
            assert counts[(col, k)] == int((mine.AESEV == sev).sum())
            assert pcts[(col, k)] == pytest.approx(100 * int((mine.AESEV == sev).sum()) / len(mine), rel=1e-12)


def test_thresholds_and_denominators_against_pandas(trip, data):
    _, ran, _ = trip
    teae, n = data["teae"], data["N"]
    # events: every TEAE record, per SOC (t-14-5-01's `events: true`)
    events = of(ran, "An_t-14-5-01_socpt_SOC", "_ev")
    per_soc = teae.groupby(["ARM", "AEBODSYS"]).size()
    assert len(events) == 3 * teae.AEBODSYS.nunique()
    for (col, soc), x in events.items():
        assert x == per_soc.get((ARMS[col], soc), 0), (col, soc)
    by_term = teae.groupby(["AEDECOD", "ARM"]).USUBJID.nunique().unstack(fill_value=0)
    pooled = by_term.sum(axis=1)
    want = {t for t, x in pooled.items() if 100 * x > 5 * n.sum()}
    got = {k[1] for k in of(ran, "An_t-ars-extra_common", "_n")}
    assert got == want and 0 < len(want) < len(pooled)
    want_common = want
    # with SOCs: the terms above 5% in their SOC, and the SOCs holding one
    by_pair = teae.groupby(["AEBODSYS", "AEDECOD", "ARM"]).USUBJID.nunique().groupby(level=[0, 1]).sum()
    kept = {k for k, x in by_pair.items() if 100 * x > 5 * n.sum()}
    assert {k[1:] for k in of(ran, "An_t-ars-extra_socthr", "_n")} == kept
    assert {k[1] for k in of(ran, "An_t-ars-extra_socthr_SOC", "_n")} == {s for s, _t in kept}
    assert {t for _s, t in kept} == want_common
    active = by_term[[ARMS["low"], ARMS["high"]]].sum(axis=1)
    want = {t for t, x in active.items() if 100 * x >= 10 * (n[ARMS["low"]] + n[ARMS["high"]])}
    assert {k[1] for k in of(ran, "An_t-ars-extra_common_act", "_n")} == want and want != got
    # a term's percentage of its SOC's subjects (denominator: group)
    ser = teae[teae.AESER == "Y"]
    soc_n = ser.groupby(["ARM", "AEBODSYS"]).USUBJID.nunique()
    term_n = ser.groupby(["ARM", "AEBODSYS", "AEDECOD"]).USUBJID.nunique()
    pcts = of(ran, "An_t-ars-extra_socgrp", "_pct")
    assert len(pcts) == 3 * len(ser[["AEBODSYS", "AEDECOD"]].drop_duplicates())
    for (col, soc, term), p in pcts.items():
        x = term_n.get((ARMS[col], soc, term), 0)
        assert (p == pytest.approx(100 * x / soc_n[(ARMS[col], soc)], rel=1e-12) if x else
                (p == 0 or math.isnan(p))), (col, soc, term)
    # serious TEAE terms of the subjects with a serious TEAE (terms, denominator: records)
    pcts = of(ran, "An_t-ars-extra_serrec", "_pct")
    assert len(pcts) == 3 * ser.AEDECOD.nunique()
    for (col, term), p in pcts.items():
        x, m = subjects(ser[ser.AEDECOD == term], col), subjects(ser, col)
        assert p == pytest.approx(100 * x / m, rel=1e-12) if m else math.isnan(p), (col, term)
    # severe TEAEs of the subjects with a TEAE (denominator: records, denominator_where)
    severe = teae[teae.AESEV == "SEVERE"]
    pcts = of(ran, "An_t-ars-extra_sevrec", "_pct")
    for col in ARMS:
        assert pcts[(col,)] == pytest.approx(100 * subjects(severe, col) / subjects(teae, col), rel=1e-12)


def _event(analysis_sets, analyses, methods=None):
    return {"id": "RE", "analysisSets": analysis_sets, "dataSubsets": [
        {"id": "DS_SER", "condition": {"dataset": "AE", "variable": "SER", "comparator": "EQ", "value": ["Y"]}}],
        "analysisGroupings": [{"id": "G_ARM", "groupingDataset": "DM", "groupingVariable": "ARM", "groups": [
            {"id": "G_A", "condition": {"dataset": "DM", "variable": "ARM", "comparator": "EQ", "value": ["A"]}},
            {"id": "G_B", "condition": {"dataset": "DM", "variable": "ARM", "comparator": "EQ", "value": ["B"]}}]}],
        "methods": methods or [{"id": "M_N", "name": "Count", "operations": [
            {"id": "M_N_n", "name": "Count of subjects", "resultPattern": "XX"}]}],
        "analyses": analyses}


def test_subject_level_dataset_and_id_come_from_the_event():
    """A study whose subject-level dataset is DM and subject id PATID: the analysis sets name DM, the
    subject counts count PATID; records of one subject count once (closed form: enumeration)."""
    from tlf.ars.model import validate_event
    from tlf.ars.run import run_event
    from tlf.ars.selection import subject_keys
    from tlf.ars.where import Tables

    dm = pd.DataFrame({"PATID": ["p1", "p2", "p3", "p4"], "ARM": ["A", "A", "B", "B"], "FL": ["Y", "Y", "Y", "N"]})
    ae = pd.DataFrame({"PATID": ["p1", "p1", "p2", "p3", "p4"], "SER": ["Y", "Y", "N", "Y", "Y"],
                       "USUBJID": ["x", "y", "z", "w", "v"]})  # a USUBJID that is not the subject id
    sets = [{"id": "AS", "condition": {"dataset": "DM", "variable": "FL", "comparator": "EQ", "value": ["Y"]}}]
    analyses = [{"id": "N", "methodId": "M_N", "dataset": "DM", "variable": "PATID", "analysisSetId": "AS",
                 "orderedGroupings": [{"order": 1, "groupingId": "G_ARM", "resultsByGroup": True}]},
                {"id": "SAE", "methodId": "M_N", "dataset": "AE", "variable": "PATID", "analysisSetId": "AS",
                 "dataSubsetId": "DS_SER",
                 "orderedGroupings": [{"order": 1, "groupingId": "G_ARM", "resultsByGroup": True}]}]
    event = validate_event(_event(sets, analyses))
    assert subject_keys(event) == ("DM", "PATID")
    run = run_event(event, Tables({"DM": dm, "AE": ae}))
    got = {(r.analysis_id, r.groups[0][1]): r.value for rs in run.results.values() for r in rs}
    assert got == {("N", "G_A"): 2, ("N", "G_B"): 1, ("SAE", "G_A"): 1, ("SAE", "G_B"): 1}


def test_rules_and_keys_the_run_cannot_read_are_errors():
    from tlf.ars.model import validate_event
    from tlf.ars.run import run_event
    from tlf.ars.selection import subject_keys
    from tlf.ars.where import Tables
    from tlf.errors import SpecError

    dm = pd.DataFrame({"PATID": ["p1", "p2"], "ARM": ["A", "B"], "FL": ["Y", "Y"]})
    two = [{"id": "AS", "compoundExpression": {"logicalOperator": "AND", "whereClauses": [
        {"condition": {"dataset": "DM", "variable": "FL", "comparator": "EQ", "value": ["Y"]}},
        {"condition": {"dataset": "ADSL", "variable": "FL", "comparator": "EQ", "value": ["Y"]}}]}}]
    with pytest.raises(SpecError, match="analysis sets are defined on ADSL, DM") as e:
        subject_keys(validate_event(_event(two, [])))
    assert e.value.code == "ARS026"
    sets = [{"id": "AS", "condition": {"dataset": "DM", "variable": "FL", "comparator": "EQ", "value": ["Y"]}}]
    bad = [{"id": "M_N", "name": "Count", "codeTemplate": {"context": "tlf", "parameters": [
        {"name": "select", "value": ['{"record": "worst"}']}]},
        "operations": [{"id": "M_N_n", "name": "Count of subjects", "resultPattern": "XX"}]}]
    analyses = [{"id": "N", "methodId": "M_N", "dataset": "DM", "variable": "PATID", "analysisSetId": "AS",
                 "orderedGroupings": [{"order": 1, "groupingId": "G_ARM", "resultsByGroup": True}]}]
    with pytest.raises(SpecError, match="not a tlf record selection: Field required at by") as e:
        run_event(validate_event(_event(sets, analyses, bad)), Tables({"DM": dm}))
    assert e.value.code == "ARS025"
    bad[0]["codeTemplate"]["parameters"] = [{"name": "derive", "value": ["{}"]}]
    with pytest.raises(SpecError, match="tlf reads the parameters select, threshold, got 'derive'"):
        run_event(validate_event(_event(sets, analyses, bad)), Tables({"DM": dm}))
    bad[0]["codeTemplate"]["context"] = "SAS 9.4"  # another program's template is documentation
    run = run_event(validate_event(_event(sets, analyses, bad)), Tables({"DM": dm}))
    assert [r.value for r in run.results["N"]] == [1, 1]


def test_a_comparison_over_records_of_nobody_is_not_estimable():
    """Fisher's test of a term no subject of the two compared groups has: no p-value (NE, rawValue ""), as
    the build prints none (tlf.stats.compare: nothing to test), not p = 1."""
    from tlf.ars.model import validate_event
    from tlf.ars.run import run_event
    from tlf.ars.where import Tables

    dm = pd.DataFrame({"PATID": ["p1", "p2", "p3"], "ARM": ["A", "B", "C"], "FL": ["Y", "Y", "Y"]})
    ae = pd.DataFrame({"PATID": ["p3", "p1"], "SER": ["Y", "N"]})
    sets = [{"id": "AS", "condition": {"dataset": "DM", "variable": "FL", "comparator": "EQ", "value": ["Y"]}}]
    methods = [{"id": "M_F", "name": "Fisher's exact test", "operations": [
        {"id": "M_F_p", "name": "P-value", "resultPattern": "X.XXX"}]},
        {"id": "M_N", "name": "Count", "operations": [{"id": "M_N_n", "name": "Count of subjects"}]}]
    analyses = [{"id": "N", "methodId": "M_N", "dataset": "DM", "variable": "PATID", "analysisSetId": "AS",
                 "orderedGroupings": [{"order": 1, "groupingId": "G_ARM", "resultsByGroup": True}]},
                {"id": "F", "methodId": "M_F", "dataset": "AE", "variable": "PATID", "analysisSetId": "AS",
                 "dataSubsetId": "DS_SER",
                 "orderedGroupings": [{"order": 1, "groupingId": "G_ARM", "resultsByGroup": False}]}]
    run = run_event(validate_event(_event(sets, analyses, methods)), Tables({"DM": dm, "AE": ae}))
    (r,) = run.results["F"]
    assert r.value != r.value and r.as_ars()["rawValue"] == "" and r.formatted == "NE"
    assert np.isnan(r.value)


def test_groups_a_data_subset_leaves_out_are_not_compared_and_empty_ones_give_no_test():
    """A one-factor test compares the groups with subjects: a group the data subset's subject-level
    conditions leave out is not compared (CDISC's "Placebo vs Low Dose" subsets); a group without subjects
    in the analysis set makes the test not estimable, as a build's stat column (a column without subjects)."""
    from scipy import stats

    from tlf.ars.model import validate_event
    from tlf.ars.run import run_event
    from tlf.ars.where import Tables

    dm = pd.DataFrame({"PATID": ["p1", "p2", "p3", "p4", "p5", "p6"], "ARM": ["A", "A", "B", "B", "C", "C"],
                       "FL": ["Y", "Y", "Y", "Y", "Y", "Y"]})
    ae = pd.DataFrame({"PATID": ["p1", "p3", "p4"], "SER": ["Y", "Y", "Y"]})

    def cond(ds, var, op, *v):
        return {"condition": {"dataset": ds, "variable": var, "comparator": op, "value": list(v)}}

    def grp(gid, arms):
        return {"id": gid, "groupingDataset": "DM", "groupingVariable": "ARM",
                "groups": [{"id": f"{gid}_{a}", **cond("DM", "ARM", "EQ", a)} for a in arms]}

    def fisher(gid, subset):
        return {"id": f"F_{gid}_{subset}", "methodId": "M_F", "dataset": "AE", "variable": "PATID",
                "analysisSetId": "AS", "dataSubsetId": subset,
                "orderedGroupings": [{"order": 1, "groupingId": gid, "resultsByGroup": False}]}

    event = {"id": "RE", "analysisSets": [{"id": "AS", **cond("DM", "FL", "EQ", "Y")}],
             "dataSubsets": [{"id": "SER", **cond("AE", "SER", "EQ", "Y")},
                             {"id": "SER_AB", "compoundExpression": {"logicalOperator": "AND", "whereClauses": [
                                 cond("AE", "SER", "EQ", "Y"), cond("DM", "ARM", "IN", "A", "B")]}}],
             "analysisGroupings": [grp("ABC", "ABC"), grp("ABD", "ABD")],
             "methods": [{"id": "M_F", "name": "Fisher's exact test", "operations": [{"id": "M_F_p", "name": "P-value"}]},
                         {"id": "M_N", "name": "Count", "operations": [{"id": "M_N_n", "name": "Count of subjects"}]}],
             "analyses": [{"id": "N", "methodId": "M_N", "dataset": "DM", "variable": "PATID", "analysisSetId": "AS",
                           "orderedGroupings": [{"order": 1, "groupingId": "ABC", "resultsByGroup": True}]},
                          fisher("ABC", "SER"), fisher("ABC", "SER_AB"), fisher("ABD", "SER")]}
    run = run_event(validate_event(event), Tables({"DM": dm, "AE": ae}))
    p = {a: rs[0].value for a, rs in run.results.items() if a != "N"}
    assert p["F_ABC_SER"] == pytest.approx(_fisher_rxc([[1, 1], [2, 0], [0, 2]]), rel=1e-9)
    assert p["F_ABC_SER_AB"] == pytest.approx(stats.fisher_exact([[1, 1], [2, 0]]).pvalue, rel=1e-12)
    assert math.isnan(p["F_ABD_SER"])  # group D has no subjects


def _fisher_rxc(table) -> float:
    """Fisher's exact test of an r x 2 table by enumeration: the probability of the tables with the same
    margins no more probable than the observed one."""
    from itertools import product
    from math import comb

    rows = [sum(r) for r in table]
    first = sum(r[0] for r in table)
    total = sum(rows)

    def prob(col):
        return math.prod(comb(n, x) for n, x in zip(rows, col, strict=True)) / comb(total, first)

    observed = prob([r[0] for r in table])
    out = 0.0
    for col in product(*(range(n + 1) for n in rows)):
        if sum(col) == first and (q := prob(col)) <= observed * (1 + 1e-7):
            out += q
    return out
