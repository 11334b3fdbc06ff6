"""ANCOVA with empty cells and interactions (issue 14 item 5) against R lm + emmeans, to 1e-8 relative.

Independent source: tests/reference/ancova_ne/{lsmeans,diffs,tests,fit}.csv, written by
tests/reference/ancova_ne/make_reference.R (R 4.2.2, emmeans 1.8.4-1, estimability 1.4.1) from
tests/reference/ancova/data.csv (the engine's models, cells emptied by leaving rows out) and
tests/reference/ancova_eff/unbalanced_*.csv (the spec's `interactions`, with and without an empty cell).
emmeans reports a non-estimable LS mean or difference as NA ("nonEst"): tlf must give every estimable
one to 1e-8 and mark exactly the NA ones not estimable (NaN, `estimable` False, ARD warning "not
estimable: ..."). Effect tests: R drop1 (an effect's columns out of the model) for effects contained in
no other, a Wald test where an effect's coefficients are all estimable; tlf's other Type III tests are
NaN. Where Rscript and emmeans are installed, R is also run afresh and must reproduce the saved CSVs.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from tlf.build import compute_output, prepare
from tlf.errors import TlfError
from tlf.spec.validate import load_study
from tlf.stats.models import NOT_ESTIMABLE, fit_ancova

REFS = Path(__file__).resolve().parents[1] / "reference"
REF = REFS / "ancova_ne"
REL = 1e-8
ARMS = ["Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"]


def _subsets(d: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The data of each engine model, as make_reference.R makes it."""
    no709 = d[~((d.TRTP == "Xanomeline High Dose") & (d.SITEGR1 == "709"))]
    return {
        "no709": no709,
        "nof": d[~((d.TRTP == "Placebo") & (d.SEX == "F"))],
        "two": no709[~((no709.TRTP == "Xanomeline Low Dose") & (no709.SITEGR1 == "Other"))],
        "nocell": d[~((d.SITEGR1 == "Other") & (d.SEX == "M"))],
    }


# R model -> (data subset, fit_ancova arguments); R's ARM is the data's TRTP
ENGINE = {
    "absent_level": ("no709", {"factors": ["SITEGR1"], "covariates": ["BASE"]}),
    "trt_by_site_empty": ("no709", {"factors": ["SITEGR1"], "covariates": ["BASE"],
                                    "interactions": [("TRTP", "SITEGR1")]}),
    "trt_by_sex_empty": ("nof", {"factors": ["SEX"], "covariates": ["BASE", "AGE"], "interactions": [("TRTP", "SEX")]}),
    "trt_by_site_two_empty": ("two", {"factors": ["SITEGR1"], "covariates": ["BASE"],
                                      "interactions": [("TRTP", "SITEGR1")]}),
    "site_and_slope_empty": ("no709", {"factors": ["SITEGR1"], "covariates": ["BASE"],
                                       "interactions": [("TRTP", "SITEGR1"), ("TRTP", "BASE")]}),
    "site_by_sex_empty": ("nocell", {"factors": ["SITEGR1", "SEX"], "covariates": ["BASE"],
                                     "interactions": [("SITEGR1", "SEX")]}),
}


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-12)


def read_reference(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=["NA"])
            for name in ("lsmeans", "diffs", "tests", "fit")}


@pytest.fixture(scope="module")
def ref() -> dict[str, pd.DataFrame]:
    return read_reference(REF)


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return _subsets(pd.read_csv(REFS / "ancova" / "data.csv", dtype={"SITEGR1": str}))


def _estimates(ours, row) -> list[tuple[float, float]]:
    return [(ours.estimate, row.estimate), (ours.se, row.se), (ours.df, row.df), (ours.t, row.t),
            (ours.pvalue, row.p), (ours.ci_low, row.lower), (ours.ci_high, row.upper)]


def check_engine(data, ref, model: str, weights: str) -> tuple[int, int]:
    """Compare one model; returns (values compared, estimates marked not estimable)."""
    subset, kwargs = ENGINE[model]
    res = fit_ancova(data[subset], "CHG", "TRTP", levels=ARMS, pairs="all", weights=weights, **kwargs)
    fit = ref["fit"].query("data == 'engine' and model == @model").iloc[0]
    assert (res.n, res.df_resid) == (fit.n, fit.df_resid) and close(res.rmse, fit.rmse)
    compared = ne = 0
    lsm = ref["lsmeans"].query("data == 'engine' and model == @model and weights == @weights")
    assert list(lsm.arm) == ARMS
    diffs = ref["diffs"].query("data == 'engine' and model == @model and weights == @weights")
    assert [(d.arm, d.reference) for d in res.diffs] == list(zip(diffs.arm, diffs.reference, strict=True))
    for ours, row in [*((res.lsmean(r.arm), r) for r in lsm.itertuples()),
                      *((res.diff(r.arm, r.reference), r) for r in diffs.itertuples())]:
        if math.isnan(row.estimate):  # emmeans: nonEst
            assert not ours.estimable and all(math.isnan(v) for v, _ in _estimates(ours, row) if v is not ours.df)
            ne += 1
            continue
        assert ours.estimable, (model, weights, row)
        for a, b in _estimates(ours, row):
            assert close(a, b), (model, weights, row, a, b)
            compared += 1
    tests = ref["tests"].query("data == 'engine' and model == @model")
    for e in res.type3:
        name = e.effect.replace("TRTP", "ARM")
        want = tests[tests.effect == name]
        if want.empty:  # R has no Type III test of this effect: neither has tlf
            assert math.isnan(e.f) and math.isnan(e.pvalue) and e.note == NOT_ESTIMABLE, (model, e)
            continue
        w = want.iloc[0]
        assert (e.df_num, e.df_den) == (w.df_num, w.df_den) and close(e.f, w.f) and close(e.pvalue, w.p), (model, e)
        compared += 2
    return compared, ne


@pytest.mark.parametrize("weights", ["equal", "proportional"])
@pytest.mark.parametrize("model", list(ENGINE))
def test_engine_matches_emmeans(data, ref, model, weights):
    compared, ne = check_engine(data, ref, model, weights)
    assert compared > 0
    # (a) a level absent in one arm without an interaction: the design has full rank, all estimable;
    # an empty cell of two other factors weighs 0 with proportional weights (it never occurs), so the
    # LS means do not depend on it (emmeans agrees), while equal weights make every one NE
    all_estimable = model == "absent_level" or (model, weights) == ("site_by_sex_empty", "proportional")
    assert (ne == 0) == all_estimable


def test_which_estimates_are_not_estimable(data):
    """The pattern emmeans reports: an arm with an empty cell, and every difference involving it."""
    res = fit_ancova(data["no709"], "CHG", "TRTP", ["BASE"], ["SITEGR1"], levels=ARMS, pairs="all",
                     interactions=[("TRTP", "SITEGR1")])
    assert [m.estimable for m in res.lsmeans] == [True, True, False]
    assert [d.estimable for d in res.diffs] == [True, False, False]
    assert res.df_resid == 80 - 12  # n - rank, not n - number of columns (13)
    rows = res.to_ard_rows()
    ne = [r for r in rows if r["column"] == "Xanomeline High Dose" and r["stat_name"] == "lsmean"][0]
    assert math.isnan(ne["stat"]) and ne["warning"] == NOT_ESTIMABLE
    assert ne["warning"].startswith("not estimable")
    t3 = {r["level"]: r for r in rows if r["stat_name"] == "f"}
    assert math.isnan(t3["TRTP"]["stat"]) and t3["TRTP"]["warning"] == NOT_ESTIMABLE
    assert t3["BASE"]["warning"] == "" and t3["TRTP:SITEGR1"]["stat"] > 0


def test_estimability_rule_and_tolerance():
    import numpy as np

    from tlf.stats.linear import is_estimable

    n = np.array([[1.0], [-1.0], [0.0]]) / math.sqrt(2)  # null space of X spanned by (1, -1, 0)
    assert is_estimable(np.array([1.0, 1.0, 5.0]), n)
    assert not is_estimable(np.array([1.0, 0.0, 0.0]), n)
    assert is_estimable(np.array([1.0, 1.0 + 1e-6, 0.0]), n)  # ||N'l||^2 / ||l||^2 = 2.5e-13 < 1e-8
    assert not is_estimable(np.array([1.0, 1.0 + 1e-3, 0.0]), n)  # 2.5e-7 >= 1e-8
    assert is_estimable(np.array([1.0, 0.0, 0.0]), None)  # full rank: everything


def test_an_aliased_slope_leaves_only_its_arm_not_estimable():
    """An interaction whose columns are aliased is fitted. Here the slope of BASE in arm C is not
    identified (BASE is constant in C): its LS mean at the mean of BASE is NE, A and B are estimated
    (emmeans 1.8.4-1: A 1.94, B 3.39, C nonEst; df 4)."""
    frame = pd.DataFrame({"TRT": ["A", "A", "A", "B", "B", "B", "C", "C", "C"],
                          "BASE": [1.0, 2.0, 3.0, 4.0, 2.5, 1.5, 2.0, 2.0, 2.0],
                          "Y": [1.0, 2.5, 2.0, 4.0, 3.0, 3.5, 5.0, 4.0, 4.5]})
    res = fit_ancova(frame, "Y", "TRT", covariates=["BASE"], interactions=[("TRT", "BASE")])
    assert [m.estimable for m in res.lsmeans] == [True, True, False]
    assert [round(m.estimate, 2) for m in res.lsmeans[:2]] == [1.94, 3.39] and res.df_resid == 9 - 5


# ---------------------------------------------------------------- the spec's `interactions`

STUDY = """\
study: {id: UNBAL-001}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adbds: {file: adbds.csv}
populations:
  SAF: {label: Safety Population, where: "SAFFL == 'Y'"}
columns:
  arms:
    - {id: pbo, label: Placebo, var: TRT01A, value: Placebo}
    - {id: low, label: Drug Low, var: TRT01A, value: Drug Low}
    - {id: high, label: Drug High, var: TRT01A, value: Drug High}
"""
COMMON = "type: ancova, dataset: adbds, param: SCORE, visits: [Week 4, Week 8], response: CHG, reference: pbo"
SPEC_MODELS = {
    "trt_by_region": "covariates: [BASE], factors: [REGION], interactions: [[treatment, REGION]]",
    "trt_by_base": "covariates: [BASE, AGE], interactions: [[treatment, BASE]]",
    "trt_by_region_empty": "covariates: [BASE], factors: [REGION], interactions: [[REGION, treatment]], "
                           "where: \"USUBJID != 'U-016'\"",
}


def _output() -> str:
    lines = ["id: t-anc", "type: table", "number: Table 1", "title: ANCOVA", "population: SAF", "columns: arms",
             "analyses:"]
    for model, extra in SPEC_MODELS.items():
        for w in ("equal", "proportional"):
            lines.append(f"  - {{id: {model}.{w}, {COMMON}, weights: {w}, {extra},")
            lines.append("     rows: [n, lsmean_se, lsmean_ci, diff_se, diff_ci, diff_pvalue]}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("anc_ne")
    (root / "data").mkdir()
    shutil.copy(REFS / "ancova_eff" / "unbalanced_adsl.csv", root / "data" / "adsl.csv")
    shutil.copy(REFS / "ancova_eff" / "unbalanced_bds.csv", root / "data" / "adbds.csv")
    (root / "study.yaml").write_text(textwrap.dedent(STUDY))
    (root / "t-anc.yaml").write_text(_output())
    return root


@pytest.fixture(scope="module")
def built(specs):
    study = load_study(specs)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-anc"), data, pops)


def check_spec(ard: pd.DataFrame, ref) -> tuple[int, int]:
    got = {(a, c, lv, s): (v, w) for a, c, lv, s, v, w in
           zip(ard.analysis, ard.column, ard.level, ard.stat_name, ard.stat, ard.warning, strict=True)}
    compared = ne = 0
    lsm = ref["lsmeans"].query("data == 'spec'")
    dif = ref["diffs"].query("data == 'spec'")
    for frame, stats in ((lsm, ("lsmean", "lsmean_se", "lsmean_ci_low", "lsmean_ci_high")),
                         (dif, ("diff", "diff_se", "diff_ci_low", "diff_ci_high", "diff_pvalue"))):
        for r in frame.itertuples():
            key = (f"{r.model}.{r.weights}", r.arm, r.avisit)
            want = dict(zip(stats, (r.estimate, r.se, r.lower, r.upper, r.p), strict=False))
            if stats[0] == "lsmean":
                assert got[(*key, "n")][0] == r.n
            for stat, value in want.items():
                ours, warning = got[(*key, stat)]
                if math.isnan(r.estimate):
                    assert math.isnan(ours) and warning == NOT_ESTIMABLE, (key, stat, ours, warning)
                    ne += 1
                else:
                    assert close(ours, value) and warning == "", (key, stat, ours, value)
                    compared += 1
    for r in ref["tests"].query("data == 'spec'").itertuples():
        effect = r.effect.replace("ARM", "treatment")
        if r.model == "trt_by_region_empty" and effect == "treatment:REGION":
            effect = "REGION:treatment"  # named in the spec's order
        for w in ("equal", "proportional"):
            for stat, value in (("f", r.f), ("pvalue", r.p)):
                assert close(got[(f"{r.model}.{w}", "", r.avisit, f"t3_{effect}_{stat}")][0], value)
                compared += 1
    return compared, ne


def test_spec_interactions_match_emmeans(built, ref):
    ard, _ = built
    compared, ne = check_spec(ard, ref)
    # 3 models x 2 weights x 2 visits; the empty-cell model has the high arm and its difference NE
    assert ne == 2 * 2 * (4 + 5) and compared > 300
    # (c) without an empty cell every value is estimable
    stats = ard[ard.analysis.str.startswith(("trt_by_region.", "trt_by_base.")) & (ard.stat_name != "param")]
    assert len(stats) and not stats.stat.isna().any()


def test_table_prints_ne_and_a_footnote(built):
    _, table = built
    rows = [(r.label, r.cells) for r in table.rows]
    lsm = [cells for label, cells in rows if label == "LS mean (SE)"]
    assert len(lsm) == 6 * 2
    empty = lsm[8:]  # trt_by_region_empty, equal then proportional weights, two visits each
    assert all(cells[2] == "NE" and cells[0] != "NE" and cells[1] != "NE" for cells in empty)
    assert all("NE" not in cells for cells in lsm[:8])
    assert [n for n in table.footnotes if n.startswith("NE")] == [
        "NE = not estimable: the model has an empty cell or an aliased effect (SCORE, Week 4; SCORE, Week 8)."]


def test_spec_interaction_names_are_checked(specs, tmp_path):
    root = tmp_path / "bad"
    shutil.copytree(specs, root)
    text = (root / "t-anc.yaml").read_text()
    text = text.replace("[[treatment, BASE]]", "[[treatmnt, BASE]]").replace("[[REGION, treatment]]",
                                                                             "[[REGION, REGION]]")
    (root / "t-anc.yaml").write_text(text)
    with pytest.raises(TlfError) as e:
        load_study(root)
    msg = str(e.value) + " ".join(str(x) for x in getattr(e.value, "errors", []))
    assert "interactions[0][0]: 'treatmnt' is not `treatment` or a variable of `factors` or `covariates`" in msg
    assert "did you mean 'treatment'" in msg
    assert "names a variable more than once" in msg


def test_spec_without_interactions_is_the_default(specs):
    from tlf.analyses.ancova.spec import AncovaAnalysis

    a = AncovaAnalysis(id="x", type="ancova", dataset="adbds", param="SCORE", visits=["Week 4"], reference="pbo")
    assert a.interactions == []
    assert "treatment" in AncovaAnalysis.model_fields["interactions"].description


# ---------------------------------------------------------------- live R

def _has_emmeans() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "library(emmeans)"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _has_emmeans(), reason="Rscript with emmeans not installed")
def test_r_run_now_reproduces_the_saved_reference(tmp_path, data, built):
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(REFS), str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    fresh = read_reference(tmp_path)
    saved = read_reference(REF)
    for name in fresh:
        pd.testing.assert_frame_equal(fresh[name], saved[name], check_exact=False, rtol=1e-10)
    for model in ENGINE:
        for weights in ("equal", "proportional"):
            check_engine(data, fresh, model, weights)
    assert check_spec(built[0], fresh)[0] > 0
