"""`type: emax` (exposure-response) end to end, against independent computations:

* noise-free responses generated from known parameters are recovered to 1e-6 (hyperbolic with E0
  fixed at 0, E0 estimated, sigmoid with the Hill coefficient estimated);
* noisy data (tests/reference/emax/: adpd.csv responses, adpc.csv concentrations, written once by
  make_data.py) against R's nls (make_reference.R -> fits.csv): estimates, SEs, residual SE, df, n
  to 1e-6 relative, through a spec that pairs the two datasets by subject and nominal time; where
  Rscript is installed R is run afresh and must reproduce the saved CSV;
* bad input: all concentrations 0, fewer observations than parameters, missing values -> NE with the
  reason (ARD warning and a footnote) or excluded and counted; a negative concentration or text ->
  a data error naming dataset, variable and subject; spec mistakes -> located spec errors.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.conftest import sheet_texts
from tlf.ard.schema import read_ard
from tlf.build import build, compute_output, prepare
from tlf.errors import DataError, ErrorGroup, SpecError
from tlf.spec.validate import load_study
from tlf.stats.emax import fit_emax

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "tests" / "reference" / "emax"
REL = 1e-6

STUDY = """\
study: {id: ER-001}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adpd: {file: adpd.csv}
    adpc: {file: adpc.csv}
populations:
  SAF: {label: Safety Population, where: "SAFFL == 'Y'"}
columns:
  pooled:
    - {id: all, label: All subjects, var: SAFFL, value: "Y"}
"""


def output(analyses: str, rows: str = "[n, nobs, e0, e0_ci, emax, emax_ci, ec50, ec50_ci, hill, hill_ci, sigma, converged]") -> str:
    return textwrap.dedent("""\
        id: t-er
        type: table
        number: Table 9
        title: Exposure-response
        population: SAF
        columns: pooled
        analyses:
        """) + textwrap.indent(textwrap.dedent(analyses).replace("ROWS", rows), "  ")


ANALYSES = """\
- {id: e0_fixed, type: emax, label: E0 fixed, dataset: adpd, where: "PARAMCD == 'RESP'", response: AVAL, time: ATPTN,
   concentration: {dataset: adpc, var: AVAL, time: NTIME, blq: BLQFL}, e0: 0, hill: 1, rows: ROWS}
- {id: hyperbolic, type: emax, label: Hyperbolic, dataset: adpd, response: AVAL, time: ATPTN,
   concentration: {dataset: adpc, var: AVAL, time: NTIME, blq: BLQFL}, e0: estimate, rows: ROWS}
- {id: sigmoid, type: emax, label: Sigmoid, dataset: adpd, response: AVAL, time: ATPTN,
   concentration: {dataset: adpc, var: AVAL, time: NTIME, blq: BLQFL}, e0: estimate, hill: estimate, rows: ROWS}
"""


def make_study(root: Path, analyses: str = ANALYSES, *, adpd: str | None = None, adpc: str | None = None,
               adsl: str | None = None) -> Path:
    specs = root / "specs"
    (specs / "data").mkdir(parents=True, exist_ok=True)
    (specs / "study.yaml").write_text(STUDY)
    (specs / "t-er.yaml").write_text(output(analyses))
    for name, text in (("adsl", adsl), ("adpd", adpd), ("adpc", adpc)):
        if text is None:
            shutil.copy(REF / f"{name}.csv", specs / "data" / f"{name}.csv")
        else:
            (specs / "data" / f"{name}.csv").write_text(text)
    return specs


def run(specs: Path):
    study = load_study(specs)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-er"), data, pops)


def stat(ard: pd.DataFrame, analysis: str, name: str):
    sel = ard[(ard.analysis == analysis) & (ard.parent == "") & (ard.stat_name == name)]
    assert len(sel) == 1, (analysis, name)
    return sel.iloc[0]


# ---------------------------------------------------------------- noise-free data: exact recovery

CONC = np.array([0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0] * 2)


def truth(c, e0, emax, ec50, h=1.0):
    c = np.asarray(c, dtype=float)
    return e0 + emax * c**h / (ec50**h + c**h)


@pytest.mark.parametrize(("e0", "hill", "params"), [
    (0.0, 1.0, {"e0": 0.0, "emax": 92.4, "ec50": 0.718, "hill": 1.0}),
    (None, 1.0, {"e0": -3.5, "emax": 34.8, "ec50": 0.932, "hill": 1.0}),
    (None, None, {"e0": 5.0, "emax": 80.0, "ec50": 1.7, "hill": 2.3}),
    (None, None, {"e0": 0.0, "emax": 60.0, "ec50": 0.3, "hill": 0.6}),
])
def test_noise_free_data_recover_the_parameters(e0, hill, params):
    y = truth(CONC, params["e0"], params["emax"], params["ec50"], params["hill"])
    res = fit_emax(CONC, y, e0=e0, hill=hill)
    assert res.converged and res.estimable
    for k, v in params.items():
        assert res.params[k].estimate == pytest.approx(v, rel=1e-6, abs=1e-6), k
    assert res.rss < 1e-12 and res.n_obs == len(CONC)


def test_noise_free_data_through_a_spec(tmp_path):
    """Responses in one dataset, concentrations in another, paired by subject and time."""
    subjects = [f"S-{i:02d}" for i in range(len(CONC))]
    adsl = "USUBJID,SAFFL\n" + "".join(f"{s},Y\n" for s in subjects)
    adpc = "USUBJID,NTIME,AVAL,BLQFL\n" + "".join(f"{s},4,{float(c)!r},N\n{s},8,{float(2 * c)!r},N\n"
                                                  for s, c in zip(subjects, CONC, strict=True))
    y = truth(np.r_[CONC, 2 * CONC], 0, 92.4, 0.718)
    adpd = "USUBJID,PARAMCD,ATPTN,AVAL\n" + "".join(
        f"{s},RESP,{t},{float(v)!r}\n" for (s, t), v in zip([(s, 4) for s in subjects] + [(s, 8) for s in subjects], y,
                                                      strict=True))
    specs = make_study(tmp_path, ANALYSES.split("\n- ")[0], adsl=adsl, adpd=adpd, adpc=adpc)
    ard, table = run(specs)
    assert stat(ard, "e0_fixed", "emax").stat == pytest.approx(92.4, rel=1e-8)
    assert stat(ard, "e0_fixed", "ec50").stat == pytest.approx(0.718, rel=1e-8)
    assert stat(ard, "e0_fixed", "nobs").stat == 2 * len(CONC) and stat(ard, "e0_fixed", "n").stat == len(CONC)
    cells = {r.label: r.cells[0] for r in table.rows}
    assert cells["Emax (SE)"].startswith("92.4 (") and cells["EC50 (SE)"].startswith("0.718 (")
    assert cells["E0 (fixed)"] == "0.0" and cells["Converged"] == "Yes"


# ---------------------------------------------------------------- noisy data: R nls

@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    return run(make_study(tmp_path_factory.mktemp("er")))


def test_estimates_and_ses_equal_r_nls(noisy):
    ard, _ = noisy
    ref = pd.read_csv(REF / "fits.csv")
    for (model, param), r in ref.set_index(["model", "parameter"]).iterrows():
        est, se = stat(ard, model, param), stat(ard, model, f"{param}_se")
        assert est.stat == pytest.approx(r.estimate, rel=REL), (model, param)
        assert se.stat == pytest.approx(r.se, rel=REL), (model, param)
        q = stats.t.ppf(0.975, r.df)  # Wald CI on the residual df
        assert stat(ard, model, f"{param}_ci_low").stat == pytest.approx(r.estimate - q * r.se, rel=REL)
        assert stat(ard, model, f"{param}_ci_high").stat == pytest.approx(r.estimate + q * r.se, rel=REL)
        assert stat(ard, model, "sigma").stat == pytest.approx(r.sigma, rel=REL)
        assert stat(ard, model, "df").stat == r.df and stat(ard, model, "nobs").stat == r.n
        assert stat(ard, model, "converged").stat_fmt == "Yes"


def test_left_out_records_are_counted(noisy):
    ard, _ = noisy
    warn = stat(ard, "e0_fixed", "n").warning
    assert "1 record(s) left out: missing response" in warn
    assert "1 record(s) left out: no concentration at the same time" in warn
    points = ard[(ard.analysis == "e0_fixed") & (ard.parent == "point") & (ard.stat_name == "x")]
    assert len(points) == 106 and (points.stat[points.level.str.match(r"S-00[1-6] ")] == 0).all()  # placebo at 0


def test_rendered_rows_and_footnotes(noisy):
    ard, table = noisy
    rows = [(r.label, r.cells[0]) for r in table.rows]
    labels = [r[0] for r in rows]
    assert labels[:2] == ["E0 fixed", "Subjects"]
    fixed = dict(rows[: labels.index("Hyperbolic")])
    assert fixed["E0 (fixed)"] == "0.0" and fixed["Hill coefficient (fixed)"] == "1.00"
    assert fixed["E0 95% CI"] == "" and fixed["Emax (SE)"] == (f"{stat(ard, 'e0_fixed', 'emax').stat_fmt} "
                                                             f"({stat(ard, 'e0_fixed', 'emax_se').stat_fmt})")
    lo, hi = stat(ard, "sigmoid", "hill_ci_low").stat_fmt, stat(ard, "sigmoid", "hill_ci_high").stat_fmt
    assert ("Hill coefficient 95% CI", f"({lo}, {hi})") in rows
    notes = " ".join(table.footnotes)
    assert "nonlinear least squares" in notes and "Wald" in notes and "asymptotic" in notes


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed")
def test_r_run_now_reproduces_the_saved_reference(tmp_path):
    subprocess.run(["Rscript", str(REF / "make_reference.R"), str(REF), str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    now, saved = pd.read_csv(tmp_path / "fits.csv"), pd.read_csv(REF / "fits.csv")
    assert list(now.columns) == list(saved.columns) and len(now) == len(saved)
    for c in ("estimate", "se", "sigma"):
        assert np.allclose(now[c], saved[c], rtol=1e-9), c


# ---------------------------------------------------------------- bad input

def tiny(tmp_path, conc: list, resp: list, analyses: str = ANALYSES.split("\n- ")[0]):
    subjects = [f"S-{i:02d}" for i in range(len(conc))]
    adsl = "USUBJID,SAFFL\n" + "".join(f"{s},Y\n" for s in subjects)
    adpc = "USUBJID,NTIME,AVAL,BLQFL\n" + "".join(f"{s},2,{'' if c is None else c},{'Y' if c == 'BLQ' else 'N'}\n"
                                                  for s, c in zip(subjects, conc, strict=True)).replace(",BLQ,", ",,")
    adpd = "USUBJID,PARAMCD,ATPTN,AVAL\n" + "".join(f"{s},RESP,2,{'' if r is None else r}\n"
                                                    for s, r in zip(subjects, resp, strict=True))
    return make_study(tmp_path, analyses, adsl=adsl, adpd=adpd, adpc=adpc)


def test_all_concentrations_zero_is_ne_with_reason(tmp_path):
    ard, table = run(tiny(tmp_path, ["BLQ"] * 5, [1, 2, 3, 4, 5]))
    emax = stat(ard, "e0_fixed", "emax")
    assert math.isnan(emax.stat) and emax.stat_fmt == "NE" and "no positive concentration" in emax.warning
    assert stat(ard, "e0_fixed", "converged").stat_fmt == "No"
    cells = {r.label: r.cells[0] for r in table.rows}
    assert cells["Emax (SE)"] == "NE (NE)" and cells["Observations"] == "5"
    assert any("NE = not estimable: no positive concentration" in f for f in table.footnotes)


def test_fewer_points_than_parameters_is_ne_with_reason(tmp_path):
    ard, table = run(tiny(tmp_path, [0.5, 2.0], [10, 30]))
    assert "needs more observations than the 2 parameters" in stat(ard, "e0_fixed", "ec50").warning
    assert stat(ard, "e0_fixed", "ec50").stat_fmt == "NE"
    sig = ANALYSES.split("\n- ")[2]
    ard, _ = run(tiny(tmp_path / "s", [0.1, 0.5, 1, 2], [1, 10, 20, 30], analyses="- " + sig))
    assert "needs more observations than the 4 parameters estimated (n = 4)" in stat(ard, "sigmoid", "emax").warning


def test_missing_values_are_left_out_and_counted(tmp_path):
    conc = [0.1, 0.3, None, 1.0, 3.0, 10.0, 30.0]
    resp = [8.0, 21.0, 40.0, None, 74.0, 85.0, 91.0]
    ard, _ = run(tiny(tmp_path, conc, resp))
    assert stat(ard, "e0_fixed", "nobs").stat == 5
    warn = stat(ard, "e0_fixed", "n").warning
    assert "1 record(s) left out: missing response" in warn and "1 record(s) left out: missing concentration" in warn
    ref = fit_emax([0.1, 0.3, 3.0, 10.0, 30.0], [8.0, 21.0, 74.0, 85.0, 91.0], e0=0.0)
    assert stat(ard, "e0_fixed", "emax").stat == pytest.approx(ref.params["emax"].estimate, rel=1e-12)


def test_negative_concentration_is_a_located_data_error(tmp_path):
    with pytest.raises(DataError) as e:
        run(tiny(tmp_path, [0.1, -0.5, 1.0, 2.0], [5, 10, 20, 30]))
    assert "adpc.AVAL (USUBJID S-01)" in str(e.value) and "negative concentration" in str(e.value)


def test_text_response_is_a_located_data_error(tmp_path):
    with pytest.raises(DataError) as e:
        run(tiny(tmp_path, [0.1, 0.5, 1.0, 2.0], [5, "high", 20, 30]))
    assert "adpd.AVAL" in str(e.value) and "S-01" in str(e.value)


def test_two_records_at_one_time_is_a_data_error(tmp_path):
    specs = tiny(tmp_path, [0.1, 0.5, 1.0, 2.0], [5, 10, 20, 30])
    path = specs / "data" / "adpc.csv"
    path.write_text(path.read_text() + "S-01,2,0.7,N\n")
    with pytest.raises(DataError, match="more than one concentration record"):
        run(specs)


def test_unknown_variable_is_located(tmp_path):
    specs = tiny(tmp_path, [0.1, 0.5, 1.0, 2.0], [5, 10, 20, 30],
                 ANALYSES.split("\n- ")[0].replace("time: NTIME", "time: NTIM"))
    report = build(specs, tmp_path / "out", ["all"], formats=("xlsx",))
    err = report.outputs[0].error
    errs = err.errors if isinstance(err, ErrorGroup) else [err]
    assert errs[0].code == "SPEC041" and "analyses[0].concentration.time" in str(errs[0])
    assert "did you mean 'NTIME'" in str(errs[0])


@pytest.mark.parametrize(("change", "text"), [
    (("time: ATPTN,", ""), "needs `time`"),
    (("e0: 0", "e0: zero"), "e0"),
    (("rows: ROWS", "rows: [n, emax_se]"), "emax_se"),
])
def test_spec_mistakes_are_spec_errors(tmp_path, change, text):
    analyses = ANALYSES.split("\n- ")[0].replace(*change)
    specs = tiny(tmp_path, [0.1, 0.5, 1.0, 2.0], [5, 10, 20, 30], analyses)
    with pytest.raises((SpecError, ErrorGroup)) as e:
        load_study(specs)
    assert text in str(e.value) and "t-er.yaml" in str(e.value)


def test_shell(tmp_path):
    specs = make_study(tmp_path)
    report = build(specs, tmp_path / "out", ["all"], formats=("xlsx",), shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "out" / "t-er.shell.ard.csv")
    fmts = set(ard[ard.analysis == "sigmoid"].stat_fmt)
    assert {"xx.x", "xx.xxx", "xx.xx", "xxx", "xx"} <= fmts  # estimates, EC50, Hill, counts


def test_shell_prints_a_fixed_parameter_as_the_output_does(tmp_path):
    """E0 fixed at 0 by the spec: the shell's "E0 (fixed)" row prints 0.0, as the table built from data."""
    from openpyxl import load_workbook

    specs = make_study(tmp_path)
    for shell in (False, True):
        report = build(specs, tmp_path / "out", ["all"], formats=("xlsx",), shell=shell)
        assert report.ok, [str(o.error) for o in report.outputs]

    def e0_rows(name):
        rows = sheet_texts(load_workbook(tmp_path / "out" / name).worksheets[0])
        return [r[1] for r in rows if r[0] == "E0 (fixed)"]

    assert e0_rows("t-er.xlsx") == ["0.0"] and e0_rows("t-er.shell.xlsx") == ["0.0"]
    shell = read_ard(tmp_path / "out" / "t-er.shell.ard.csv")
    fixed = shell[(shell.analysis == "e0_fixed") & (shell.stat_name.isin(["e0", "hill"]))]
    assert list(fixed.stat_fmt) == ["0.0", "1.00"]  # the values the spec sets; estimates stay masked
    assert stat(shell, "e0_fixed", "emax").stat_fmt == "xx.x"


# ---------------------------------------------------------------- scatter figure grouped by a variable

ARMS = """\
  arms:
    - {id: pbo, label: Placebo, var: TRT01A, value: Placebo}
    - {id: low, label: "0.3 and 1 mg", var: TRT01A, value: [Drug 0.3 mg, Drug 1 mg]}
    - {id: d3, label: "3 mg", var: TRT01A, value: Drug 3 mg}
    - {id: d10, label: "10 mg", var: TRT01A, value: Drug 10 mg}
    - {id: d3b, label: "3 mg again", var: TRT01A, value: Drug 3 mg}   # claims nothing new: no group
"""

FIGURE = """\
id: f-er
type: figure
number: Figure 9
title: Exposure-response
population: SAF
columns: pooled
plot: {kind: scatter, log_x: true, group: GROUPVAR}
analyses:
  - {id: hyperbolic, type: emax, label: Hyperbolic, dataset: adpd, response: AVAL, time: ATPTN,
     concentration: {dataset: adpc, var: AVAL, time: NTIME, blq: BLQFL}, e0: estimate}
"""


def grouped_figure(tmp_path: Path, var: str = "TRT01A") -> Path:
    specs = make_study(tmp_path)
    (specs / "study.yaml").write_text(STUDY + ARMS)
    (specs / "f-er.yaml").write_text(FIGURE.replace("GROUPVAR", var))
    return specs


def test_grouped_points_legend_and_counts(tmp_path, monkeypatch):
    """Points coloured by TRT01A: legend in the study's column order with the columns' labels (two doses
    pooled by one column), a value no column lists after them; the points per group in the figure's
    data rows equal a pandas count of the paired observations; each group has its column's colour and
    marker; the fitted model is the same one fit as without groups."""
    from tlf.figures import draw
    from tlf.figures.style import column_styles

    seen = {}
    original = draw.draw_scatter

    def spy(panels, **kw):
        seen["legend"] = kw["legend"]
        return original(panels, **kw)

    monkeypatch.setattr(draw, "draw_scatter", spy)
    specs = grouped_figure(tmp_path)
    study = load_study(specs)
    data, pops, _ = prepare(study)
    ard, fig = compute_output(study, study.output("f-er"), data, pops)
    assert fig.legend == ("Placebo", "0.3 and 1 mg", "3 mg", "10 mg", "Drug 30 mg", "Fitted Emax model")
    styles = column_styles(study.spec.columns)
    drawn = {s.label: s.style for s in seen["legend"]}
    for label, cid in (("Placebo", "pbo"), ("0.3 and 1 mg", "low"), ("3 mg", "d3"), ("10 mg", "d10")):
        assert drawn[label] == styles[cid]
    assert drawn["Drug 30 mg"] not in [drawn[k] for k in ("Placebo", "0.3 and 1 mg", "3 mg", "10 mg")]

    # independent count: responses paired with the concentration of the same subject and time, BLQ as 0
    adsl, adpd, adpc = (pd.read_csv(REF / f"{n}.csv") for n in ("adsl", "adpd", "adpc"))
    pc = adpc.assign(C=adpc.AVAL.where(adpc.BLQFL != "Y", 0.0))
    both = adpd.merge(pc[["USUBJID", "NTIME", "C"]], left_on=["USUBJID", "ATPTN"], right_on=["USUBJID", "NTIME"])
    both = both.dropna(subset=["AVAL", "C"]).merge(adsl[["USUBJID", "TRT01A"]], on="USUBJID")
    label = {"Placebo": "Placebo", "Drug 0.3 mg": "0.3 and 1 mg", "Drug 1 mg": "0.3 and 1 mg", "Drug 3 mg": "3 mg",
             "Drug 10 mg": "10 mg", "Drug 30 mg": "Drug 30 mg"}
    expected = both.TRT01A.map(label).value_counts().to_dict()
    assert fig.data_columns == ("panel", "column", "group", "kind", "point", "x", "y")
    obs = pd.DataFrame(fig.data_rows, columns=fig.data_columns).query("kind == 'observation'")
    assert obs.group.value_counts().to_dict() == expected
    assert (stat(ard, "hyperbolic", "nobs").stat, len(obs)) == (len(both), len(both))
    groups = ard[(ard.analysis == "hyperbolic") & (ard.parent == "group")].sort_values("order")
    assert list(groups.level) == list(fig.legend[:-1]) and dict(zip(groups.level, groups.stat, strict=True)) == expected

    # the same fit as the ungrouped analysis of the table
    table_ard, _ = run(specs)
    for name in ("emax", "emax_se", "ec50", "e0", "nobs"):
        assert stat(ard, "hyperbolic", name).stat == stat(table_ard, "hyperbolic", name).stat, name


def test_grouped_shell_legend_from_the_spec(tmp_path):
    specs = grouped_figure(tmp_path)
    study = load_study(specs)
    _, fig = compute_output(study, study.output("f-er"), None, None)
    assert fig.legend == ("Placebo", "0.3 and 1 mg", "3 mg", "10 mg", "Fitted Emax model")


def test_grouping_variable_not_found_is_located(tmp_path):
    report = build(grouped_figure(tmp_path, "TRT01X"), tmp_path / "out", ["f-er"], formats=("xlsx",))
    err = report.outputs[0].error
    errs = err.errors if isinstance(err, ErrorGroup) else [err]
    text = str(errs[0])
    assert errs[0].code == "SPEC041" and "f-er.yaml" in text and "plot.group" in text
    assert "variable 'TRT01X' not found in dataset adpd or adsl (did you mean 'TRT01A'?)" in text


def test_group_is_for_scatter_plots(tmp_path):
    specs = grouped_figure(tmp_path)
    (specs / "f-er.yaml").write_text(FIGURE.replace("kind: scatter, log_x: true", "kind: by_visit"))
    with pytest.raises((SpecError, ErrorGroup)) as e:
        load_study(specs)
    assert "plot.group" in str(e.value) and "scatter" in str(e.value)
