"""`tlf compare`, `tlf compare --all`, `tlf ard`, `tlf verify` and the build manifest, through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import write_study
from tlf.build import build
from tlf.cli import main
from tlf.qc.tracker import HISTORY_SHEET, TRACKER_COLUMNS, TRACKER_SHEET


@pytest.fixture
def study(tmp_path) -> tuple[Path, Path]:
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    return specs, out


def edit_stat(path: Path, analysis: str, column: str, stat_name: str, value: str, level: str = "") -> None:
    ard = pd.read_csv(path, dtype=str, keep_default_na=False)
    sel = (ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == stat_name) & (ard.level == level)
    assert sel.sum() == 1
    ard.loc[sel, "stat"] = value
    ard.to_csv(path, index=False)


def test_compare_exit_codes(study, tmp_path, capsys):
    _, out = study
    qc = tmp_path / "qc.csv"
    shutil.copy(out / "t-ae.ard.csv", qc)
    assert main(["compare", str(out / "t-ae.ard.csv"), str(qc)]) == 0
    assert "no differences" in capsys.readouterr().out
    edit_stat(qc, "any", "a", "n", "3")
    assert main(["compare", str(out / "t-ae.ard.csv"), str(qc), "-q"]) == 1
    assert capsys.readouterr().out.strip() == "Result: 1 difference(s): 1 unequal value(s)"
    assert main(["compare", str(out / "t-ae.ard.csv"), str(tmp_path / "missing.csv")]) == 2
    assert "file not found" in capsys.readouterr().err
    assert main(["compare", str(out / "t-ae.ard.csv"), str(out / "t-ae.xlsx")]) == 2
    assert "cannot compare a ard" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["compare", str(qc), str(qc), "--method", "percent"])
    assert e.value.code == 2


def test_compare_criterion_and_reports(study, tmp_path, capsys):
    _, out = study
    qc = tmp_path / "qc.csv"
    shutil.copy(out / "t-demog.ard.csv", qc)
    ard = pd.read_csv(qc, dtype=str, keep_default_na=False)
    mean = float(ard.loc[(ard.analysis == "age") & (ard.column == "a") & (ard.stat_name == "mean"), "stat"].iloc[0])
    edit_stat(qc, "age", "a", "mean", repr(mean + 1e-3))
    args = ["compare", str(out / "t-demog.ard.csv"), str(qc), "--method", "absolute"]
    assert main([*args, "--criterion", "0.002"]) == 0
    docx, xlsx = tmp_path / "r.docx", tmp_path / "r.xlsx"
    assert main([*args, "--criterion", "0.0005", "--docx", str(docx), "--xlsx", str(xlsx)]) == 1
    text = capsys.readouterr().out
    assert "Values of stat that differ" in text and "absolute 0.0005" in text
    assert docx.stat().st_size > 0 and xlsx.stat().st_size > 0


def test_compare_data_sets_with_id_option(tmp_path, capsys):
    b = pd.DataFrame({"USUBJID": ["a", "a", "b"], "VISIT": [1, 2, 1], "AVAL": [1.5, 2.5, 3.5]})
    b.to_csv(tmp_path / "b.csv", index=False)
    b.assign(AVAL=[1.5, 2.5, 3.25]).to_csv(tmp_path / "c.csv", index=False)
    assert main(["compare", str(tmp_path / "b.csv"), str(tmp_path / "c.csv"), "--id", "USUBJID,VISIT"]) == 1
    text = capsys.readouterr().out
    assert "ID variables: USUBJID, VISIT" in text and "3.25" in text
    assert main(["compare", str(tmp_path / "b.csv"), str(tmp_path / "c.csv"), "--id", "USUBJID"]) == 2
    assert "records 1, 2 share USUBJID='a'" in capsys.readouterr().err


def test_compare_all_writes_tracker_with_history(study, tmp_path, capsys):
    from openpyxl import load_workbook

    _, out = study
    qc = tmp_path / "qcdir"
    qc.mkdir()
    shutil.copy(out / "t-ae.ard.csv", qc / "t-ae.csv")
    shutil.copy(out / "t-demog.xlsx", qc / "t-demog.xlsx")
    (qc / "t-extra.ard.csv").write_text((out / "t-ae.ard.csv").read_text())
    assert main(["compare", "--all", str(out), str(qc)]) == 1  # t-extra has no production output
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["t-ae", "PASS"] and lines[1].split()[:2] == ["t-demog", "PASS"]
    assert lines[2].startswith("t-extra") and "NO PRODUCTION" in lines[2]
    (qc / "t-extra.ard.csv").unlink()
    edit_stat(qc / "t-ae.csv", "any", "p", "n", "2")
    reports = tmp_path / "reports"
    assert main(["compare", "--all", str(out), str(qc), "--reports", str(reports)]) == 1
    assert "t-ae             DIFFERENCES   1 difference(s)" in capsys.readouterr().out
    assert (reports / "t-ae.compare.txt").read_text().count("Values of stat that differ") == 1
    wb = load_workbook(qc / "validation-tracker.xlsx")
    rows = list(wb[TRACKER_SHEET].iter_rows(values_only=True))
    assert rows[0] == TRACKER_COLUMNS
    by_id = {r[0]: dict(zip(TRACKER_COLUMNS, r, strict=True)) for r in rows[1:]}
    ae = by_id["t-ae"]
    assert ae["Result"] == "DIFFERENCES" and ae["Differences"] == 1 and ae["Title"] == "Table 2 Adverse events"
    assert ae["Production file"].endswith("t-ae.ard.csv") and len(ae["Production SHA-256"]) == 64
    assert ae["QC file"].endswith("t-ae.csv") and ae["Criterion"] == "relative 1e-09"
    assert by_id["t-demog"]["Result"] == "PASS" and by_id["t-demog"]["Production file"].endswith("t-demog.xlsx")
    history = list(wb[HISTORY_SHEET].iter_rows(values_only=True))
    assert len(history) == 1 + 3 + 2  # header, first run (3 outputs), second run (2)


def test_compare_all_missing_qc_is_not_a_pass(study, tmp_path, capsys):
    _, out = study
    qc = tmp_path / "qc"
    qc.mkdir()
    shutil.copy(out / "t-ae.ard.csv", qc)
    assert main(["compare", "--all", str(out), str(qc), "--tracker", str(tmp_path / "t.xlsx")]) == 1
    text = capsys.readouterr().out
    assert "t-demog          NO QC" in text and "1 of 2 output(s) pass" in text
    assert main(["compare", "--all", str(out), str(tmp_path / "nowhere")]) == 2


def test_ard_command_prints_and_writes(study, tmp_path, capsys):
    specs, out = study
    assert main(["ard", "t-ae", "--specs", str(specs), "--csv"]) == 0
    printed = capsys.readouterr().out
    assert printed.replace("\r\n", "\n") == (out / "t-ae.ard.csv").read_text()
    assert main(["ard", "t-demog", "--specs", str(specs)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("t-demog: ") and "stat_name" in text
    assert main(["ard", "t-ae", "--specs", str(specs), "--out", str(tmp_path / "a.csv")]) == 0
    assert main(["compare", str(out / "t-ae.ard.csv"), str(tmp_path / "a.csv"), "-q"]) == 0
    assert main(["ard", "t-nope", "--specs", str(specs)]) == 2
    assert "did you mean" in capsys.readouterr().err


def test_manifest_records_the_build(study):
    specs, out = study
    m = json.loads((out / "manifest.json").read_text())
    assert m["tlf_version"] and m["started_at"] <= m["ended_at"]
    assert m["build"]["status"] == "complete" and m["build"]["built"] == ["t-ae", "t-demog"]
    assert set(m["inputs"]) == {"adsl", "adex", "adae"} and all(len(v["sha256"]) == 64 for v in m["inputs"].values())
    assert str((specs / "study.yaml").resolve()) in m["specs"] and len(m["specs"]) == 3
    assert m["populations"] == {"SAF": 5, "ITT": 5}
    ae = m["outputs"]["t-ae"]
    assert set(ae["files"]) == {"t-ae.ard.csv", "t-ae.docx", "t-ae.xlsx"} and ae["title"] == "Adverse events"


def test_verify_finds_hand_edits_and_changed_inputs(study, capsys):
    specs, out = study
    assert main(["verify", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 output(s)")
    (out / "t-ae.docx").write_bytes(b"edited by hand")
    (out / "t-demog.xlsx").unlink()
    (out / "notes.txt").write_text("mine")
    data = specs / "data" / "adae.csv"
    data.write_text(data.read_text() + "S-03,Cough,Respiratory disorders,MILD,Y\n")
    spec = specs / "t-demog.yaml"
    spec.write_text(spec.read_text() + "\n")
    assert main(["verify", "--out", str(out)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"output changed: {out / 't-ae.docx'} (output t-ae)" in lines
    assert f"output missing: {out / 't-demog.xlsx'} (output t-demog)" in lines
    assert f"input changed: {data.resolve()} (outputs t-ae, t-demog)" in lines
    assert f"spec changed: {spec.resolve()} (output t-demog)" in lines
    assert any(x.startswith("note:") and "notes.txt" in x for x in lines)
    assert lines[-1].startswith("4 finding(s)")


def test_verify_without_manifest_is_an_input_error(tmp_path, capsys):
    assert main(["verify", "--out", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def test_help_does_not_import_pandas():
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "tlf", "compare", "--help"],
                          capture_output=True, text=True, check=True)
    loaded = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "tlf.qc.compare" in loaded  # the compare command was registered...
    assert not {"pandas", "numpy", "openpyxl", "docx"} & loaded  # ...without loading any of these
