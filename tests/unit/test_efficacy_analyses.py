"""The by-visit, responder, ANCOVA and correlation analyses on a small hand-made BDS study: values
checked against arithmetic done here, and the bad inputs the issue names (a missing parameter or
visit, singular designs, baseline 0 in percent change), each with a located error or an NE cell and
a footnote."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tlf.build import build, compute_output, prepare
from tlf.errors import ErrorGroup, SpecError
from tlf.spec.validate import load_study

ADSL = """USUBJID,TRT01A,SAFFL,SEX
S1,Drug,Y,F
S2,Drug,Y,F
S3,Drug,Y,M
S4,Drug,Y,F
S5,Placebo,Y,F
S6,Placebo,Y,M
S7,Placebo,Y,F
S8,Other,Y,F
"""
# S8 (arm Other) has no record at Week 4; S5 has a baseline of 0 for SCORE; CONST is constant.
BDS = """USUBJID,PARAMCD,PARAM,AVISIT,AVISITN,AVAL,BASE,CHG,PCHG,ABLFL,CONST
S1,SCORE,Score (units),Baseline,0,10,10,,,Y,1
S1,SCORE,Score (units),Week 4,4,7,10,-3,-30,,1
S2,SCORE,Score (units),Baseline,0,8,8,,,Y,1
S2,SCORE,Score (units),Week 4,4,4,8,-4,-50,,1
S3,SCORE,Score (units),Baseline,0,12,12,,,Y,1
S3,SCORE,Score (units),Week 4,4,10,12,-2,-16.666666666666668,,1
S4,SCORE,Score (units),Baseline,0,6,6,,,Y,1
S4,SCORE,Score (units),Week 4,4,6,6,0,0,,1
S5,SCORE,Score (units),Baseline,0,0,0,,,Y,1
S5,SCORE,Score (units),Week 4,4,2,0,2,inf,,1
S6,SCORE,Score (units),Baseline,0,9,9,,,Y,1
S6,SCORE,Score (units),Week 4,4,10,9,1,11.11111111111111,,1
S7,SCORE,Score (units),Baseline,0,7,7,,,Y,1
S7,SCORE,Score (units),Week 4,4,6,7,-1,-14.285714285714286,,1
S8,SCORE,Score (units),Baseline,0,5,5,,,Y,1
"""
STUDY = """\
study: {id: MINI-EFF}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adbds: {file: adbds.csv}
populations:
  SAF: {label: Safety Population, where: "SAFFL == 'Y'"}
columns:
  arms:
    - {id: drug, label: Drug, var: TRT01A, value: Drug}
    - {id: pbo, label: Placebo, var: TRT01A, value: Placebo}
  three:
    - {id: drug, label: Drug, var: TRT01A, value: Drug}
    - {id: pbo, label: Placebo, var: TRT01A, value: Placebo}
    - {id: other, label: Other, var: TRT01A, value: Other}
"""


def table(analyses: str, columns: str = "arms", type_: str = "table", extra: str = "") -> str:
    return f"""\
id: t-x
type: {type_}
number: Table 1
title: Test
population: SAF
columns: {columns}
{extra}analyses:
{textwrap.indent(textwrap.dedent(analyses), "  ")}"""


def mini(tmp_path: Path, output: str) -> Path:
    (tmp_path / "data").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "adsl.csv").write_text(ADSL)
    (tmp_path / "data" / "adbds.csv").write_text(BDS)
    (tmp_path / "study.yaml").write_text(STUDY)
    (tmp_path / "t-x.yaml").write_text(output)
    return tmp_path


def run(specs: Path):
    study = load_study(specs)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-x"), data, pops)


def rows_of(model) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    group = ""
    for r in model.rows:
        if r.kind == "group":
            group = r.label if r.indent == 0 else f"{group.split(' / ')[0]} / {r.label}"
            continue
        out[f"{group} / {r.label}"] = r.cells
    return out


BY_VISIT = """\
- {id: score, type: by_visit, dataset: adbds, param: SCORE, visits: [Baseline, Week 4], baseline_visit: Baseline,
   show: [value, change, pchg], rows: [n, mean_sd]}
"""


def test_by_visit_values_and_baseline_zero_percent_change(tmp_path):
    ard, model = run(mini(tmp_path, table(BY_VISIT)))
    get = {(c, s, lv): v for c, s, lv, v in zip(ard.column, ard.stat_name, ard.level, ard.stat, strict=True)}
    assert get[("drug", "chg_mean", "Week 4")] == pytest.approx(-9 / 4)
    assert get[("pbo", "chg_n", "Week 4")] == 3
    # percent change: S5 (baseline 0, PCHG inf in the data) is left out, not averaged as infinity
    assert get[("pbo", "pchg_n", "Week 4")] == 2
    assert get[("pbo", "pchg_mean", "Week 4")] == pytest.approx((100 / 9 - 100 / 7) / 2)
    warn = ard[(ard.column == "pbo") & (ard.stat_name == "pchg_n")].warning.iloc[0]
    assert "baseline 0" in warn
    assert any("baseline value of 0" in f for f in model.footnotes)
    assert all("inf" not in c for r in model.rows for c in r.cells)


def test_missing_parameter_is_a_located_error(tmp_path):
    spec = table(BY_VISIT.replace("param: SCORE", "param: SCOER"))
    with pytest.raises(SpecError) as e:
        run(mini(tmp_path, spec))
    assert e.value.code == "SPEC043" and "did you mean 'SCORE'" in str(e.value)
    assert e.value.location.line == 8 and e.value.key == "analyses[0].param"


def test_missing_visit_is_a_located_error(tmp_path):
    spec = table(BY_VISIT.replace("[Baseline, Week 4]", "[Baseline, Week 40]"))
    with pytest.raises(SpecError) as e:
        run(mini(tmp_path, spec))
    assert e.value.code == "SPEC044" and e.value.key == "analyses[0].visits[1]"
    assert "did you mean 'Week 4'" in str(e.value) and e.value.location.line == 8


ANCOVA = """\
- {id: anc, type: ancova, dataset: adbds, param: SCORE, visits: [Week 4], response: CHG, covariates: [BASE],
   reference: pbo}
"""


def test_ancova_arm_without_subjects_at_a_visit_is_ne_with_a_footnote(tmp_path):
    ard, model = run(mini(tmp_path, table(ANCOVA, columns="three")))
    rows = rows_of(model)
    # drug and placebo are estimated; "other" has nobody at Week 4: NE, and a footnote says why
    assert rows["Score (units) / Week 4 / n"] == ("4", "3", "0")
    lsm = rows["Score (units) / Week 4 / LS mean (SE)"]
    assert lsm[0] != "NE" and lsm[2] == "NE"
    assert any(f.startswith("NE = not estimable: no patients with data in this column") for f in model.footnotes)
    assert ard[(ard.column == "other") & (ard.stat_name == "lsmean")].stat.isna().all()


def test_ancova_constant_covariate_changes_no_lsmean(tmp_path):
    """A covariate constant in the data lies in the intercept's column space: the fit, and so every LS
    mean, difference and df, is that of the model without it (R lm gives it an NA coefficient and
    emmeans reports the same LS means); only its own test is not estimable."""
    _, with_const = run(mini(tmp_path / "a", table(ANCOVA.replace("covariates: [BASE]", "covariates: [BASE, CONST]"))))
    _, without = run(mini(tmp_path / "b", table(ANCOVA)))
    key = "Score (units) / Week 4 / LS mean (SE)"
    assert rows_of(with_const)[key] == rows_of(without)[key] and "NE" not in rows_of(with_const)[key]


def test_ancova_percent_change_leaves_out_baseline_zero(tmp_path):
    spec = table(ANCOVA.replace("response: CHG", "response: PCHG"))
    ard, model = run(mini(tmp_path, spec))
    n = ard[(ard.column == "pbo") & (ard.stat_name == "n")].stat.iloc[0]
    assert n == 2
    assert any("baseline value of 0" in f for f in model.footnotes)


def test_ancova_unknown_reference_and_covariate(tmp_path):
    with pytest.raises(SpecError) as e:
        load_study(mini(tmp_path, table(ANCOVA.replace("reference: pbo", "reference: placebo"))))
    assert e.value.code == "SPEC034" and "did you mean 'pbo'" in str(e.value)
    with pytest.raises(SpecError) as e:
        run(mini(tmp_path, table(ANCOVA.replace("covariates: [BASE]", "covariates: [BASEE]"))))
    assert e.value.key == "analyses[0].covariates[0]" and "did you mean 'BASE'" in str(e.value)


def test_ancova_factor_from_the_subject_level_dataset(tmp_path):
    ard, _ = run(mini(tmp_path, table(ANCOVA.replace("covariates: [BASE]", "covariates: [BASE], factors: [SEX]"))))
    assert ard[(ard.column == "") & (ard.stat_name == "t3_SEX_pvalue")].stat.notna().all()


def test_responders(tmp_path):
    spec = table("""\
- {id: r, type: responders, dataset: adbds, param: SCORE, visits: [Week 4], criterion: "CHG <= -3",
   show_assessed: true}
""")
    ard, model = run(mini(tmp_path, spec))
    rows = rows_of(model)
    assert rows[" / Week 4"] == ("2 (50.0)", "0")
    assert rows[" / Patients assessed"] == ("4", "3")
    with pytest.raises(SpecError) as e:
        run(mini(tmp_path, spec.replace("CHG <= -3", "CHGG <= -3")))
    assert e.value.code == "SPEC040" and "did you mean 'CHG'" in str(e.value)


@pytest.mark.parametrize(("criterion", "denominator", "n_drug", "denom_drug"), [
    # S1's CHG is blanked at Week 4: a record at the visit whose criterion is unknown. Drug: S1-S4 have a
    # record; responders (CHG <= -3) are S2 only; the criterion is known for S2, S3, S4.
    ("CHG <= -3", "N", 1, 4),
    ("CHG <= -3", "records", 1, 4),
    ("CHG <= -3", "assessed", 1, 3),
    # three-valued logic: `or` with a true side is known although CHG is missing (S1's AVAL 7 < 8);
    # AVAL < 8 also holds for S2 (4) and S4 (6), not S3 (10)
    ("CHG <= -3 or AVAL < 8", "assessed", 3, 4),
    # `and` with a true side and an unknown one is unknown (S1); S3 and S4 are known false
    ("CHG <= -3 and AVAL < 8", "assessed", 1, 3),
    ("CHG <= -3 and AVAL < 8", "records", 1, 4),
])
def test_responders_denominator_records_and_assessed(tmp_path, criterion, denominator, n_drug, denom_drug):
    """`records`: subjects with a record at the visit; `assessed`: those whose criterion is true or false
    (counted here by hand from the records above, one by one)."""
    global BDS
    spec = table(f"""\
- {{id: r, type: responders, dataset: adbds, param: SCORE, visits: [Week 4], criterion: "{criterion}",
   denominator: {denominator}, show_assessed: true}}
""")
    saved = BDS
    BDS = BDS.replace("S1,SCORE,Score (units),Week 4,4,7,10,-3,-30,,1", "S1,SCORE,Score (units),Week 4,4,7,10,,,,1")
    try:
        ard, _ = run(mini(tmp_path, spec))
    finally:
        BDS = saved
    drug = ard[ard.column == "drug"].set_index("stat_name").stat
    assert drug["n"] == n_drug
    assert drug["p"] == pytest.approx(n_drug / denom_drug)
    # the "Patients assessed" row counts the denominator's subjects (records for N and records)
    assert drug["n_assessed"] == (4 if denominator != "assessed" else denom_drug)


def test_correlation(tmp_path):
    spec = table("""\
- id: c
  type: correlation
  pool: true
  x: {dataset: adbds, param: SCORE, visit: Week 4, var: BASE}
  y: {dataset: adbds, param: SCORE, visit: Week 4, var: CHG}
""")
    ard, model = run(mini(tmp_path, spec))
    import numpy as np
    from scipy import stats

    base = np.array([10, 8, 12, 6, 0, 9, 7.0])
    chg = np.array([-3, -4, -2, 0, 2, 1, -1.0])
    r = ard[(ard.level == "pearson") & (ard.stat_name == "r")].stat.iloc[0]
    assert r == pytest.approx(stats.pearsonr(base, chg)[0], rel=1e-12)
    rho = ard[(ard.level == "spearman") & (ard.stat_name == "r")].stat.iloc[0]
    assert rho == pytest.approx(stats.spearmanr(base, chg)[0], rel=1e-12)
    assert len(ard[ard.parent == "subject"]) == 2 * 7


FIGURE = """\
plot: {kind: by_visit, quantity: change, error: se}
"""


def test_figure_and_its_shell(tmp_path):
    specs = mini(tmp_path, table(BY_VISIT.replace("show: [value, change, pchg]", "show: [change]"),
                                 type_="figure", extra=FIGURE))
    ard, fig = run(specs)
    assert fig.png[:4] == b"\x89PNG" and fig.data_columns[:3] == ("panel", "column", "visit")
    assert any(r[1] == "Drug" and r[2] == "Week 4" and r[5] == pytest.approx(-9 / 4) for r in fig.data_rows)
    assert any("standard error" in f for f in fig.footnotes)
    report = build(specs, tmp_path / "out", shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    assert (tmp_path / "out" / "t-x.shell.docx").is_file()


def test_figure_panels_must_name_analyses_of_the_right_type(tmp_path):
    bad = FIGURE.replace("error: se}", "error: se, panels: [scor]}")
    with pytest.raises(SpecError) as e:
        load_study(mini(tmp_path, table(BY_VISIT, type_="figure", extra=bad)))
    assert e.value.code == "SPEC036" and "did you mean 'score'" in str(e.value)
    wrong = FIGURE.replace("by_visit,", "scatter,")
    with pytest.raises((SpecError, ErrorGroup)) as e:
        load_study(mini(tmp_path, table(BY_VISIT, type_="figure", extra=wrong)))
    assert "draws correlation or emax analyses" in str(e.value)
