"""by_visit additions on a small hand-made BDS study: percent of baseline as an analysis value,
Wilcoxon signed-rank tests against baseline (p-values from an enumeration of all sign patterns
written here, flagged below alpha), the texts for columns without analysable values, shells, and the
percent-of-baseline figure."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest

from tlf.build import build, compute_output, prepare
from tlf.errors import ErrorGroup, SpecError
from tlf.spec.validate import load_study

ADSL = """USUBJID,TRT01A,SAFFL
D1,Drug,Y
D2,Drug,Y
D3,Drug,Y
D4,Drug,Y
D5,Drug,Y
D6,Drug,Y
P1,Placebo,Y
P2,Placebo,Y
P3,Placebo,Y
P4,Placebo,Y
L1,Lost,Y
L2,Lost,Y
U1,Unsampled,Y
"""
# Drug: every subject falls at 2 h (all 6 below baseline); at 8 h one subject (D6) rises.
# Placebo: P4 has baseline 0 (percent of baseline not defined); P3's 2-h value equals its baseline.
# Lost: records at 2 h without a value. Unsampled: no record at 8 h.
VALUES = {  # subject: (baseline, 2 h, 8 h)
    "D1": (200, 100, 150), "D2": (400, 100, 300), "D3": (50, 40, 45), "D4": (80, 20, 70),
    "D5": (120, 90, 100), "D6": (300, 30, 303),
    "P1": (100, 110, 90), "P2": (60, 45, 66), "P3": (70, 70, 77), "P4": (0, 5, 3),
    "L1": (10, None, 8), "L2": (12, None, 9), "U1": (40, 20, None),
}


def bds_csv() -> str:
    lines = ["USUBJID,PARAMCD,PARAM,ATPT,ATPTN,AVAL,BASE"]
    for sid, (base, *post) in VALUES.items():
        lines.append(f"{sid},X,Marker X (units),Predose,0,{base},{base}")
        for (label, hours), v in zip((("2 h", 2), ("8 h", 8)), post, strict=True):
            if v is None and sid == "U1":
                continue  # not sampled
            lines.append(f"{sid},X,Marker X (units),{label},{hours},{'' if v is None else v},{base}")
    return "\n".join(lines) + "\n"


STUDY = """\
study: {id: MINI-PB}
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
    - {id: lost, label: Lost, var: TRT01A, value: Lost}
    - {id: uns, label: Unsampled, var: TRT01A, value: Unsampled}
"""

ANALYSIS = """\
- id: x
  type: by_visit
  dataset: adbds
  param: X
  visit_var: ATPT
  visit_num_var: ATPTN
  visits: [2 h, 8 h]
  show: [pbase]
  rows: [n, mean_sd]
  tests:
    - {quantity: value, label: "p (values)"}
    - {quantity: pbase, label: "p (% of baseline)", alpha: 0.10, flag: "#"}
  no_data_text: "Data not available"
  no_records_text: "Not sampled"
"""


def output(analyses: str = ANALYSIS, type_: str = "table", extra: str = "") -> str:
    return f"""\
id: t-x
type: {type_}
number: Table 1
title: Test
population: SAF
columns: arms
{extra}analyses:
{textwrap.indent(textwrap.dedent(analyses), "  ")}"""


def mini(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "adsl.csv").write_text(ADSL)
    (tmp_path / "data" / "adbds.csv").write_text(bds_csv())
    (tmp_path / "study.yaml").write_text(STUDY)
    (tmp_path / "t-x.yaml").write_text(text)
    return tmp_path


def run(specs: Path):
    study = load_study(specs)
    data, pops, _ = prepare(study)
    return compute_output(study, study.output("t-x"), data, pops)


def enumerated_p(diffs: list[float]) -> float:
    """Exact two-sided signed-rank p: zeros dropped, midranks for ties, every sign pattern counted."""
    d = [x for x in diffs if x != 0]
    a = sorted(abs(x) for x in d)
    rank = {v: (a.index(v) + 1 + len(a) - a[::-1].index(v)) / 2 for v in a}
    ranks = [rank[abs(x)] for x in d]
    w = sum(r for r, x in zip(ranks, d, strict=True) if x > 0)
    centre = sum(ranks) / 2
    hits = sum(abs(sum(r for r, s in zip(ranks, signs, strict=True) if s) - centre) >= abs(w - centre) - 1e-9
               for signs in itertools.product((0, 1), repeat=len(d)))
    return hits / 2 ** len(d)


def pbase(sid: str, k: int) -> float:
    base, *post = VALUES[sid]
    return 100 * post[k] / base


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return run(mini(tmp_path_factory.mktemp("pb"), output()))


def stat(ard, column, visit, name):
    sel = ard[(ard.column == column) & (ard.level == visit) & (ard.stat_name == name)]
    assert len(sel) == 1, (column, visit, name)
    return sel.iloc[0]


def test_percent_of_baseline_values(result):
    ard, _ = result
    drug = [f"D{i}" for i in range(1, 7)]
    for k, visit in enumerate(("2 h", "8 h")):
        want = sum(pbase(s, k) for s in drug) / 6
        assert stat(ard, "drug", visit, "pbase_mean").stat == pytest.approx(want, rel=1e-12)
        assert stat(ard, "drug", visit, "pbase_n").stat == 6
    # baseline 0 (P4) is left out, with the reason on the n row
    n = stat(ard, "pbo", "2 h", "pbase_n")
    assert n.stat == 3 and "baseline 0: percent of baseline not defined" in n.warning
    assert stat(ard, "pbo", "2 h", "pbase_mean").stat == pytest.approx((110 + 75 + 100) / 3)
    assert stat(ard, "drug", "2 h", "pbase_mean").decimals == 1 and stat(ard, "drug", "2 h", "pbase_sd").decimals == 2


def test_signed_rank_p_values_equal_enumeration(result):
    ard, _ = result
    for col, subjects in (("drug", [f"D{i}" for i in range(1, 7)]), ("pbo", ["P1", "P2", "P3", "P4"])):
        for k, visit in enumerate(("2 h", "8 h")):
            values = [VALUES[s][1 + k] - VALUES[s][0] for s in subjects]
            p = stat(ard, col, visit, "value_wsr_pvalue")
            assert p.stat == pytest.approx(enumerated_p(values), rel=1e-12), (col, visit)
            pcts = [pbase(s, k) - 100 for s in subjects if VALUES[s][0] != 0]
            assert stat(ard, col, visit, "pbase_wsr_pvalue").stat == pytest.approx(enumerated_p(pcts), rel=1e-12)
    assert stat(ard, "drug", "2 h", "value_wsr_pvalue").stat == pytest.approx(2 / 64)  # all 6 fall
    assert stat(ard, "drug", "2 h", "value_wsr_v").stat == 0
    # P3's 2-h difference is 0: discarded (n counts the non-zero differences), and said in the warning
    assert stat(ard, "pbo", "2 h", "value_wsr_n").stat == 3
    assert "zero difference" in stat(ard, "pbo", "2 h", "value_wsr_pvalue").warning


def rows_of(model) -> dict[str, tuple[str, ...]]:
    out, visit = {}, ""
    for r in model.rows:
        if r.kind == "group":
            visit = r.label
            continue
        out[f"{visit} / {r.label}"] = r.cells
    return out


def test_rows_flags_and_empty_columns(result):
    ard, model = result
    rows = rows_of(model)
    assert rows["2 h / p (values)"][0] == "0.031*"  # below 0.05: flagged
    p8 = stat(ard, "drug", "8 h", "pbase_wsr_pvalue")
    assert 0.05 < p8.stat < 0.10 and rows["8 h / p (% of baseline)"][0] == p8.stat_fmt + "#"  # own alpha and flag
    assert rows["8 h / p (values)"][0] == stat(ard, "drug", "8 h", "value_wsr_pvalue").stat_fmt  # not flagged
    # Lost: records without values -> the text once, the other rows blank; Unsampled at 8 h: no record
    assert [rows[f"2 h / {r}"][2] for r in ("n", "Mean (SD)", "p (values)")] == ["Data not available", "", ""]
    assert rows["8 h / n"][3] == "Not sampled" and rows["8 h / Mean (SD)"][3] == ""
    assert rows["2 h / n"][3] == "1"
    foot = " ".join(model.footnotes)
    assert "Wilcoxon signed-rank" in foot and "* p < 0.05" in foot and "# p < 0.1" in foot
    assert "Percent of baseline is not defined for a baseline value of 0" in foot


def test_without_texts_the_statistics_print(tmp_path):
    text = ANALYSIS.replace('  no_data_text: "Data not available"\n  no_records_text: "Not sampled"\n', "")
    _, model = run(mini(tmp_path, output(text)))
    rows = rows_of(model)
    assert rows["2 h / n"][2] == "0" and rows["2 h / Mean (SD)"][2] == "NE"


def test_shell_has_masks_for_the_new_rows(tmp_path):
    specs = mini(tmp_path, output())
    study = load_study(specs)
    _, model = compute_output(study, study.output("t-x"), None, None)
    rows = rows_of(model)
    assert rows["2 h / p (values)"][0] == "x.xxx" and rows["2 h / Mean (SD)"][0] == "xx.x (xx.xx)"


def test_two_tests_on_one_quantity_is_a_spec_error(tmp_path):
    text = ANALYSIS.replace("{quantity: pbase, label", "{quantity: value, label")
    with pytest.raises((SpecError, ErrorGroup)) as e:
        load_study(mini(tmp_path, output(text)))
    assert "list each `quantity` once" in str(e.value)


def test_percent_of_baseline_figure(tmp_path, monkeypatch):
    from tlf.figures import draw

    seen = {}

    def capture(panels, **kw):
        seen["panels"] = panels
        return b"png"

    monkeypatch.setattr(draw, "draw_lines", capture)
    analysis = ANALYSIS.replace("visits: [2 h, 8 h]", "visits: [Predose, 2 h, 8 h]\n  baseline_visit: Predose")
    plot = "plot: {kind: by_visit, quantity: pbase, error: se, panel_x_labels: {x: Hours after dose}}\n"
    _, fig = run(mini(tmp_path, output(analysis, type_="figure", extra=plot)))
    (panel,) = seen["panels"]
    assert panel.extra["reference"] == 100.0 and panel.x_label == "Hours after dose" and panel.extra["own_x_label"]
    by_col = {s.column: s for s in panel.series}
    assert by_col["drug"].y[0] == 100.0  # baseline plotted at 100 (percent of baseline by definition)
    assert by_col["drug"].y[1] == pytest.approx(sum(pbase(f"D{i}", 0) for i in range(1, 7)) / 6)
    assert by_col["lost"].label == "Lost" and by_col["lost"].y[2] == by_col["lost"].y[2]  # has an 8-h mean
    assert any("standard error" in f for f in fig.footnotes)


def test_figure_legend_says_a_column_has_no_data(tmp_path, monkeypatch):
    from tlf.figures import draw

    seen = {}
    monkeypatch.setattr(draw, "draw_lines", lambda panels, **kw: seen.setdefault("panels", panels) and b"png")
    analysis = ANALYSIS.replace("visits: [2 h, 8 h]", "visits: [Predose, 2 h]\n  baseline_visit: Predose")
    _, fig = run(mini(tmp_path, output(analysis, type_="figure", extra="plot: {kind: by_visit, quantity: pbase}\n")))
    by_col = {s.column: s for s in seen["panels"][0].series}
    assert by_col["lost"].label == "Lost (data not available)"
    assert all(y != y for y in by_col["lost"].y)  # nothing drawn, not even the baseline point
    assert by_col["drug"].label == "Drug"


def test_build_writes_the_p_values_to_the_ard(tmp_path):
    specs = mini(tmp_path, output())
    report = build(specs, tmp_path / "out", ["all"], formats=("xlsx",))
    assert report.ok
    text = (tmp_path / "out" / "t-x.ard.csv").read_text()
    assert "value_wsr_pvalue" in text and "pbase_wsr_pvalue" in text and ",records," in text


def test_plot_quantity_must_be_shown(tmp_path):
    analysis = ANALYSIS.replace("show: [pbase]", "show: [value]")
    plot = "plot: {kind: by_visit, quantity: pbase}\n"
    with pytest.raises((SpecError, ErrorGroup)) as e:
        load_study(mini(tmp_path, output(analysis, type_="figure", extra=plot)))
    assert "plot quantity 'pbase' is not among the parts analysis 'x' shows" in str(e.value)
