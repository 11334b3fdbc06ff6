"""The ARD's `displayed`: exactly the statistics an output prints (or draws), checked against the
rendered XLSX read back cell by cell; `tlf compare --displayed-only` compares only those."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tlf.ard.schema import ARD_COLUMNS, make_ard
from tlf.build import build
from tlf.cli import main
from tlf.qc.sources import read_display
from tlf.spec.validate import load_study
from tlf.tables.cells import Cells

REPO = Path(__file__).resolve().parents[2]
T1 = "t-14-1-1"
QC_COLUMNS = ["output_id", "analysis", "column", "parent", "level", "stat_name", "stat"]
TOKENS = re.compile(r"[^\s(),\[\]]+")  # the numbers of a cell: "44.8 (6.6)" -> 44.8, 6.6


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("displayed")
    report = build(REPO / "specs", out, [T1, "f-14-2-1"])
    assert report.ok, [str(o.error) for o in report.outputs]
    return out


@pytest.fixture(scope="module")
def ard(built) -> pd.DataFrame:
    return pd.read_csv(built / f"{T1}.ard.csv", dtype=str, keep_default_na=False)


def _cell_of(study, entry):
    """(analysis, level) -> (row label, occurrence) of the printed table, from the spec alone: a count or
    one-row continuous analysis prints on its label's row, a categorical level on the level's row."""
    where, seen = {}, Counter()
    for a in entry.spec.analyses:
        keys = [(a.id, "")] if a.type in ("count", "continuous") else \
            [(a.id, lv.label) for lv in a.levels]
        for key in keys:
            label = key[1] or a.label
            seen[label] += 1
            where[key] = (label, seen[label])
    return where


def test_displayed_is_exactly_what_the_xlsx_prints(built, ard):
    """Independent of the layout code: every body cell of the rendered XLSX holds exactly the formatted
    text of the statistics marked displayed at it, each column header the displayed big N; the statistics
    computed but not printed (a continuous analysis's SE, Q1, median, ...; the percent of a zero count)
    are marked not displayed."""
    study = load_study(REPO / "specs")
    entry = study.output(T1)
    cols = [c.id for c in study.columns_for(entry)]
    where = _cell_of(study, entry)
    display = read_display(built / f"{T1}.xlsx").frame
    names = [c for c in display.columns if c not in ("row_label", "occurrence")]
    assert len(names) == len(cols)
    header = dict(zip(cols, names, strict=True))
    body = {(r["row_label"], r["occurrence"]): r for r in display.to_dict("records")}
    shown = ard[ard["displayed"] == "True"]
    hidden = ard[ard["displayed"] == "False"]
    assert len(shown) + len(hidden) == len(ard)
    # big N: displayed, in its column's header
    big_n = ard[ard["analysis"] == "_N"]
    assert set(big_n["displayed"]) == {"True"}
    for c, text in zip(big_n["column"], big_n["stat_fmt"], strict=True):
        assert header[c].endswith(f"(N={text})"), (c, header[c])
    # every printed cell: its numbers are the displayed statistics there, no more, no fewer
    expected: dict[tuple, Counter] = {}
    for r in shown[shown["analysis"] != "_N"].itertuples(index=False):
        expected.setdefault((where[(r.analysis, r.level)], r.column), Counter())[r.stat_fmt] += 1
    for key, row in body.items():
        for c, name in header.items():
            tokens = Counter(t for t in TOKENS.findall(row[name]) if t != "NA")  # NA: column not analysed
            assert tokens == expected.get((key, c), Counter()), (key, c, tokens, expected.get((key, c)))
    # and what is not displayed is not printed (unless a displayed statistic there has the same text)
    for r in hidden[hidden["analysis"] != "_N"].itertuples(index=False):
        label = where[(r.analysis, r.level)]
        tokens = TOKENS.findall(body[label][header[r.column]])
        assert r.stat_fmt not in tokens or expected[(label, r.column)][r.stat_fmt], r
    age = ard[ard["analysis"] == "age"]
    assert set(age.loc[age["stat_name"].isin(["mean", "sd"]), "displayed"]) == {"True"}
    assert set(age.loc[age["stat_name"].isin(["n", "se", "q1", "q3", "median", "min", "max"]), "displayed"]) \
        == {"False"}
    zero = ard[(ard["analysis"] == "dc_reason") & (ard["stat_name"] == "n") & (ard["stat_fmt"] == "0")]
    assert len(zero)
    pct_of_zero = ard.merge(zero[["column", "level"]], on=["column", "level"])
    pct_of_zero = pct_of_zero[(pct_of_zero["analysis"] == "dc_reason") & (pct_of_zero["stat_name"] == "p")]
    assert set(pct_of_zero["displayed"]) == {"False"}  # "0" alone: no percent printed


def test_displayed_column_in_the_ard_files_and_sheet(built, ard):
    assert list(ard.columns) == list(ARD_COLUMNS)
    assert ARD_COLUMNS.index("displayed") == ARD_COLUMNS.index("stat_fmt") + 1
    ws = load_workbook(built / f"{T1}.xlsx", read_only=True)["ARD"]
    rows = list(ws.iter_rows(values_only=True))
    j = list(rows[0]).index("displayed")
    assert {r[j] for r in rows[1:]} == {True, False}  # Excel booleans
    assert sum(r[j] for r in rows[1:]) == (ard["displayed"] == "True").sum()


def test_figure_marks_what_it_draws(built):
    """f-14-2-1 draws means with error bars: x, mean and the error statistic are displayed; n (on the
    data sheet only) is not."""
    fig = pd.read_csv(built / "f-14-2-1.ard.csv", dtype=str, keep_default_na=False)
    shown = fig[fig["displayed"] == "True"]
    assert len(shown), "a figure's plotted numbers are displayed"
    assert "n" not in set(shown["stat_name"])


def test_shells_mark_displayed(tmp_path):
    report = build(REPO / "specs", tmp_path, [T1], shell=True)
    assert report.ok
    shell = pd.read_csv(tmp_path / f"{T1}.shell.ard.csv", dtype=str, keep_default_na=False)
    age = shell[shell["analysis"] == "age"].set_index(["column", "stat_name"])["displayed"]
    assert set(age.xs("mean", level=1)) == {"True"} and set(age.xs("se", level=1)) == {"False"}


def test_tlf_ard_shows_displayed(capsys):
    assert main(["ard", T1, "--specs", str(REPO / "specs"), "--csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "displayed" in out[0].split(",")


def _qc(ard: pd.DataFrame, rows: pd.Series, path: Path) -> Path:
    ard.loc[rows, QC_COLUMNS].to_csv(path, index=False)
    return path


def test_compare_displayed_only(built, ard, tmp_path, capsys):
    """A QC program that writes just the printed numbers: equal with --displayed-only; without it every
    statistic computed but not printed is 'only in BASE'."""
    prod = str(built / f"{T1}.ard.csv")
    printed = _qc(ard, ard["displayed"] == "True", tmp_path / "printed.csv")
    assert main(["compare", prod, str(printed), "--displayed-only"]) == 0
    assert "no differences" in capsys.readouterr().out
    assert main(["compare", prod, str(printed), "-q"]) == 1
    n_hidden = int((ard["displayed"] == "False").sum())
    assert capsys.readouterr().out.strip() == (f"Result: {n_hidden} difference(s): {n_hidden} row(s) only in BASE")
    # a QC program that writes everything: the statistics not printed are left out, not extra
    everything = _qc(ard, ard.index == ard.index, tmp_path / "all.csv")
    assert main(["compare", prod, str(everything), "--displayed-only"]) == 0
    out = capsys.readouterr().out
    assert f"COMPARE rows left out: {n_hidden}" in out and "displayed statistics only" in out
    # a printed number missing, or wrong, still counts
    missing = _qc(ard, (ard["displayed"] == "True") & ~((ard["analysis"] == "age") & (ard["stat_name"] == "sd")),
                  tmp_path / "missing.csv")
    assert main(["compare", prod, str(missing), "--displayed-only", "-q"]) == 1
    assert capsys.readouterr().out.strip() == "Result: 7 difference(s): 7 row(s) only in BASE"
    # a QC row production does not have at all is still extra
    extra = pd.concat([ard.loc[ard["displayed"] == "True", QC_COLUMNS],
                       pd.DataFrame([{**dict.fromkeys(QC_COLUMNS, ""), "output_id": T1, "analysis": "age",
                                      "column": "pbo", "stat_name": "mode", "stat": "44"}])])
    extra.to_csv(tmp_path / "extra.csv", index=False)
    assert main(["compare", prod, str(tmp_path / "extra.csv"), "--displayed-only", "-q"]) == 1
    assert capsys.readouterr().out.strip() == "Result: 1 difference(s): 1 row(s) only in COMPARE"


def test_compare_all_displayed_only(built, ard, tmp_path, capsys):
    qc = tmp_path / "qc"
    qc.mkdir()
    _qc(ard, ard["displayed"] == "True", qc / f"{T1}.csv")
    fig = pd.read_csv(built / "f-14-2-1.ard.csv", dtype=str, keep_default_na=False)
    _qc(fig, fig["displayed"] == "True", qc / "f-14-2-1.csv")
    assert main(["compare", "--all", str(built), str(qc), "--displayed-only"]) == 0
    out = capsys.readouterr().out
    assert f"{T1}" in out and "2 of 2 output(s) pass" in out and "displayed statistics only" in out
    assert main(["compare", "--all", str(built), str(qc)]) == 1


def test_displayed_only_needs_the_column_and_reads_qc_booleans(built, ard, tmp_path, capsys):
    old = tmp_path / "old.ard.csv"
    ard.drop(columns="displayed").to_csv(old, index=False)
    assert main(["compare", str(old), str(old), "--displayed-only"]) == 2
    assert "no column `displayed`" in capsys.readouterr().err
    qc = ard.copy()
    qc["displayed"] = qc["displayed"].map({"True": "Y", "False": "N"})  # as a SAS program may write it
    qc.to_csv(tmp_path / "qc.csv", index=False)
    assert main(["compare", str(built / f"{T1}.ard.csv"), str(tmp_path / "qc.csv"), "-q"]) == 0
    qc["displayed"] = "maybe"
    qc.to_csv(tmp_path / "bad.csv", index=False)
    assert main(["compare", str(built / f"{T1}.ard.csv"), str(tmp_path / "bad.csv"), "-q"]) == 2
    assert "displayed" in capsys.readouterr().err


def _cells(rows: list[dict]) -> Cells:
    return Cells(make_ard([{"output_id": "t", "analysis": "a", "column": "c", **r} for r in rows]))


def test_cells_record_only_what_is_printed():
    cells = _cells([{"stat_name": "n", "stat": 0, "stat_fmt": "0"}, {"stat_name": "p", "stat": 0, "stat_fmt": "0"},
                    {"level": "x", "stat_name": "mean", "stat": 1, "stat_fmt": "1.0"},
                    {"level": "x", "stat_name": "sd", "stat": 2, "stat_fmt": "2.00"}])
    assert cells.n_pct("a", "c") == "0"
    assert cells.shown == {("a", "c", "", "", "n")}  # a zero count prints no percent
    assert cells.fill("a", "c", "{mean} ({se})", "", "x") == ""
    assert ("a", "c", "", "x", "mean") not in cells.shown  # a row printed whole or not at all
    assert cells.template("a", "c", "{mean}", "", "x") == "1.0"
    assert ("a", "c", "", "x", "mean") in cells.shown and ("a", "c", "", "x", "sd") not in cells.shown
    assert cells.val[("a", "c", "", "x", "sd")] == 2 and ("a", "c", "", "x", "sd") not in cells.shown


def test_make_ard_displayed_defaults_and_parses():
    frame = make_ard([{"output_id": "t", "analysis": "a", "stat_name": "n", "displayed": v}
                      | {"level": str(i)} for i, v in enumerate([None, "True", "false", 1, "Y"])])
    assert frame["displayed"].dtype == bool
    assert frame["displayed"].tolist() == [False, True, False, True, True]
