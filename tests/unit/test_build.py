"""End-to-end builds of the mini study: numbers, bad data, and what is (not) left on disk."""

import os
import shutil
import stat as st_mode

import pytest

from tests.conftest import ADAE_CSV, ADEX_CSV, ADSL_CSV, AE_YAML, DEMOG_YAML, STUDY_YAML, write_study
from tlf.ard.schema import read_ard
from tlf.build import build
from tlf.cli import main
from tlf.errors import DataError, OutputError, SpecError, TlfError


def ard_of(out, output_id):
    return read_ard(out / f"{output_id}.ard.csv")


def stat(ard, analysis, column, stat_name, level=""):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == stat_name)
              & (ard.level.astype(str) == level)]
    assert len(sel) == 1, (analysis, column, stat_name, level)
    return sel.iloc[0]


def test_build_writes_ard_and_numbers_are_right(mini, tmp_path):
    out = tmp_path / "out"
    report = build(mini, out, ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = ard_of(out, "t-demog")
    # SAF = subjects with exposure: S-01..S-05 (S-06 has none); Drug A = S-01..03, Placebo = S-04, S-05
    assert stat(ard, "_N", "a", "N").stat == 3 and stat(ard, "_N", "p", "N").stat == 2
    assert stat(ard, "_N", "t", "N").stat == 5  # pooled column from a list of values
    assert stat(ard, "age", "a", "mean").stat == pytest.approx((30 + 41 + 52) / 3)
    assert stat(ard, "weight", "p", "n").stat == 1  # S-05 weight missing
    assert stat(ard, "weight", "p", "sd").stat_fmt == "NE"  # SD of one value
    assert stat(ard, "sex", "a", "n", "Female").stat == 2
    assert stat(ard, "sex", "a", "p", "Female").stat_fmt == "66.7"
    ae = ard_of(out, "t-ae")
    # S-01 has two Headache records: counted once; S-05's rash is not treatment-emergent
    assert stat(ae, "pt", "a", "n", "Headache").stat == 1
    assert stat(ae, "any", "p", "n").stat == 1
    assert "Rash" not in set(ae.level)


def test_zero_subject_column_prints_zero(tmp_path):
    study = STUDY_YAML + "    - {id: z, label: Nobody, var: TRT01A, value: Drug Z}\n"
    specs = write_study(tmp_path, study=study)
    out = tmp_path / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = ard_of(out, "t-ae")
    assert stat(ard, "_N", "z", "N").stat == 0
    assert stat(ard, "any", "z", "n").stat_fmt == "0"
    from openpyxl import load_workbook

    ws = load_workbook(out / "t-ae.xlsx")["t-ae"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("(N=0)" in t for t in texts)
    assert "nan" not in " ".join(texts).lower()


def test_duplicate_subject_ids(tmp_path):
    specs = write_study(tmp_path, adsl=ADSL_CSV + "S-03,Drug A,Y,Y,Y,F,52,65.0,WHITE\n")
    with pytest.raises(DataError) as e:
        build(specs, tmp_path / "out", ["all"])
    msg = str(e.value)
    assert "adsl.USUBJID (USUBJID S-03)" in msg and "records 3, 7" in msg and "[DATA020]" in msg


def test_missing_dataset_file(tmp_path):
    specs = write_study(tmp_path)
    (specs / "data" / "adae.csv").unlink()
    report = build(specs, tmp_path / "out", ["t-ae"])
    [res] = report.outputs
    assert res.status == "failed" and "adae" in str(res.error) and "file not found" in str(res.error)


def test_missing_variable_names_spec_key(tmp_path):
    specs = write_study(tmp_path)
    text = (specs / "t-demog.yaml").read_text().replace("var: WEIGHT", "var: WEIGHTBL")
    (specs / "t-demog.yaml").write_text(text)
    report = build(specs, tmp_path / "out", ["t-demog"], formats=())
    err = report.outputs[0].error
    assert isinstance(err, SpecError)
    assert "t-demog.yaml:9:" in str(err) and "analyses[1].var" in str(err)
    assert "variable 'WEIGHTBL' not found in dataset adsl (did you mean 'WEIGHT'?)" in str(err)


def test_bad_where_names_spec_key(tmp_path):
    specs = write_study(tmp_path)
    text = (specs / "t-ae.yaml").read_text().replace("where: \"TRTEMFL == 'Y'\"}", "where: \"TRTEMF == 'Y'\"}", 1)
    (specs / "t-ae.yaml").write_text(text)
    err = build(specs, tmp_path / "out", ["t-ae"], formats=()).outputs[0].error
    assert "analyses[0].where" in str(err) and "did you mean 'TRTEMFL'" in str(err) and "adae" in str(err)


def test_empty_population(tmp_path):
    specs = write_study(tmp_path, study=STUDY_YAML.replace("EXDURD > 0", "EXDURD > 100"))
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert not report.ok
    assert all("population SAF (Safety Population) has no subjects" in str(o.error) for o in report.outputs)


def test_population_flag_disagreement_is_reported(tmp_path):
    adsl = ADSL_CSV.replace("S-05,Placebo,Y,Y,Y", "S-05,Placebo,Y,N,Y")
    specs = write_study(tmp_path, adsl=adsl)
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert any("population SAF disagrees with ADSL flag SAFFL: derived but SAFFL != 'Y': S-05" in str(f)
               for f in report.findings)
    assert main(["check", "--specs", str(specs)]) == 1


def test_unknown_output_id(mini, tmp_path):
    with pytest.raises(SpecError, match="no output with id 't-dmog' \\(did you mean 't-demog'\\?\\)"):
        build(mini, tmp_path / "out", ["t-dmog"])


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root to drop to 'nobody'")
def test_read_only_output_dir_as_unprivileged_user():
    """Root writes anywhere, so the build runs as user nobody (setpriv) against a folder it may not write."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    base = Path(tempfile.mkdtemp(prefix="tlf-ro-"))
    try:
        base.chmod(0o755)
        out = base / "out"
        out.mkdir()
        out.chmod(0o555)
        res = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                              "tlf", "build", "all", "--specs", str(repo / "specs"), "--out", str(out)],
                             capture_output=True, text=True, cwd=base)
        if "Permission denied" in res.stderr and "specs" in res.stderr:
            pytest.skip("the repository is not readable by user nobody here")
        assert res.returncode == 2, res.stderr
        assert f"error: output folder '{out}' is not writable: Permission denied [OUT001]" in res.stderr
        assert list(out.iterdir()) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_output_dir(mini, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(st_mode.S_IRUSR | st_mode.S_IXUSR)
    try:
        with pytest.raises(OutputError, match="not writable"):
            build(mini, out, ["all"])
    finally:
        out.chmod(st_mode.S_IRWXU)


def test_unwritable_output_path(mini, tmp_path):
    # a regular file where the output folder should be: unwritable even for root
    blocker = tmp_path / "blocked"
    blocker.write_text("user's file")
    with pytest.raises(OutputError, match="not writable"):
        build(mini, blocker / "out", ["all"])
    assert blocker.read_text() == "user's file"


def test_failure_leaves_no_partial_files(mini, tmp_path, monkeypatch):
    out = tmp_path / "out"
    import tlf.render.xlsx as xlsx

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx, "render_xlsx", boom)
    report = build(mini, out, ["t-demog"])
    assert not report.ok and "No space left" in str(report.outputs[0].error)
    assert sorted(p.name for p in out.iterdir()) == []  # no docx, no ard, no temp folder, no manifest


def test_user_file_is_not_overwritten(mini, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "t-demog.docx").write_text("my own notes")
    report = build(mini, out, ["t-demog"])
    assert "was not written by tlf" in str(report.outputs[0].error)
    assert (out / "t-demog.docx").read_text() == "my own notes"
    # a second build over tlf's own files is fine; a hand-edited output is protected
    assert build(mini, out, ["t-ae"]).ok
    assert build(mini, out, ["t-ae"]).ok
    (out / "t-ae.ard.csv").write_text("edited")
    assert "changed since tlf wrote it" in str(build(mini, out, ["t-ae"]).outputs[0].error)
    assert build(mini, out, ["t-ae"], force=True).ok


def test_cli_exit_codes(mini, tmp_path, capsys):
    assert main(["build", "all", "--specs", str(mini), "--out", str(tmp_path / "o")]) == 0
    assert main(["build", "nope", "--specs", str(mini), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "error: no output with id 'nope'" in err
    assert main(["list", "--specs", str(tmp_path / "missing")]) == 2
    assert main(["check", "--specs", str(mini)]) == 0


def test_cli_shells_all_or_named(mini, tmp_path):
    """`tlf shells` builds every output's shell, `tlf shells ID` only that one; no data is read."""
    ids = [p.stem for p in sorted(mini.glob("*.yaml")) if p.stem != "study"]
    assert len(ids) >= 2
    shutil.rmtree(mini / "data")
    assert main(["shells", "--specs", str(mini), "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.name for p in (tmp_path / "all").glob("*.shell.docx")) == [f"{i}.shell.docx" for i in ids]
    assert main(["shells", ids[0], "--specs", str(mini), "--out", str(tmp_path / "one")]) == 0
    assert [p.name for p in (tmp_path / "one").glob("*.docx")] == [f"{ids[0]}.shell.docx"]
    assert main(["shells", "nope", "--specs", str(mini), "--out", str(tmp_path / "x")]) == 2


def test_every_error_is_a_tlf_error(mini, tmp_path):
    (mini / "study.yaml").write_text("study: [")
    with pytest.raises(TlfError):
        build(mini, tmp_path / "out", ["all"])


def test_derived_variables(tmp_path):
    study = STUDY_YAML.replace("populations:", """derive:
  adsl:
    - {name: AGEGR, cases: [{where: "AGE < 40", value: "<40"}, {where: "AGE <= 50", value: "40-50"}], otherwise: ">50"}
    - {name: WTLB, expr: "WEIGHT * 2.2", label: Weight (lb)}
populations:""")
    demog = """\
id: t-demog
type: table
number: Table 1
title: Demographics
population: SAF
columns: arms
analyses:
  - {id: agegr, type: categorical, var: AGEGR, levels: [{value: "<40", label: "<40"}, {value: "40-50", label: "40-50"}, {value: ">50", label: ">50"}]}
  - {id: wt, type: continuous, var: WTLB, precision: 1}
"""
    specs = write_study(tmp_path, study=study, outputs={"t-demog": demog})
    out = tmp_path / "out"
    assert build(specs, out, ["all"], formats=()).ok
    ard = read_ard(out / "t-demog.ard.csv")
    # Drug A ages 30, 41, 52 -> one per group; Placebo 45, 38 -> "<40" and "40-50"
    assert [stat(ard, "agegr", "a", "n", g).stat for g in ("<40", "40-50", ">50")] == [1, 1, 1]
    assert [stat(ard, "agegr", "p", "n", g).stat for g in ("<40", "40-50", ">50")] == [1, 1, 0]
    assert stat(ard, "wt", "a", "mean").stat == pytest.approx((70.5 + 80.1 + 65.0) / 3 * 2.2)


def test_bad_derivation_is_located(tmp_path):
    study = STUDY_YAML.replace("populations:", """derive:
  adsl:
    - {name: AGEGR, cases: [{where: "AGX < 40", value: "<40"}]}
populations:""")
    specs = write_study(tmp_path, study=study)
    with pytest.raises(SpecError) as e:
        build(specs, tmp_path / "out", ["all"], formats=())
    assert "study.yaml:" in str(e.value) and "derive.adsl[0].cases[0].where" in str(e.value)
    assert "did you mean 'AGE'" in str(e.value)


# --- issue 14: a defect in the data is never a silent wrong number ----------------------------------------------

def test_trailing_blanks_in_subject_ids_and_treatment_values_are_ignored(tmp_path):
    """SAS compares text without trailing blanks: ADAE's "S-05 " is subject S-05, ADSL's "Placebo " is in
    the Placebo column (before: the AE vanished from the table and S-04 from the column's N)."""
    adsl = ADSL_CSV.replace("S-04,Placebo,", "S-04,Placebo ,")
    adae = ADAE_CSV + "S-05 ,Nausea,Gastrointestinal disorders,MILD,Y\n"
    specs = write_study(tmp_path, adsl=adsl, adae=adae)
    out = tmp_path / "out"
    report = build(specs, out, ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    ae = ard_of(out, "t-ae")
    assert stat(ae, "_N", "p", "N").stat == 2  # S-04 and S-05
    assert stat(ae, "any", "p", "n").stat == 2  # S-04's headache and S-05's nausea
    assert stat(ae, "pt", "p", "n", "Nausea").stat == 1
    assert stat(ard_of(out, "t-demog"), "age", "p", "n").stat == 2
    found = [str(f) for f in report.findings]
    assert not any("DATA025" in w or "DATA031" in w for w in found), found


def test_records_of_subjects_not_in_adsl_are_a_finding(tmp_path, capsys):
    adae = ADAE_CSV + "S-99,Nausea,Gastrointestinal disorders,MILD,Y\nS-98,Rash,Skin,MILD,Y\nS-99,Cough,Resp,MILD,Y\n"
    specs = write_study(tmp_path, adae=adae)
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok
    msg = "adae.USUBJID: 3 record(s) of 2 subject(s) not in adsl (S-99, S-98): no population holds them"
    found = [str(f) for f in report.findings]
    assert [w for w in found if msg in w and w.endswith("[DATA025]")], found
    assert main(["check", "--specs", str(specs)]) == 1
    assert msg in capsys.readouterr().err


def test_study_data_findings_carry_the_data_error(tmp_path):
    from tlf.build import prepare
    from tlf.errors import Finding
    from tlf.spec.validate import load_study

    specs = write_study(tmp_path, adex=ADEX_CSV + "S-77,3\n")
    data, _, _ = prepare(load_study(specs))
    [finding] = data.findings
    assert isinstance(finding, Finding) and isinstance(finding.error, DataError) and finding.code == "DATA025"
    assert finding.error.dataset == "adex" and finding.error.variable == "USUBJID" and "S-77" in str(finding)


def test_study_a_with_adsl_cut_short(tmp_path, capsys):
    """Study A's ADSL cut to 60% of its bytes is an error naming the file; an ADSL that lost its last
    subjects at a clean record boundary (which a version 5 file cannot show) leaves ADAE and ADEX with
    records of subjects not in ADSL: findings, and `tlf check` exits 1."""
    import shutil

    import pyreadstat

    from tests.conftest import REPO

    src = REPO / "tlf" / "examples" / "data" / "study_a"
    data = tmp_path / "data"
    shutil.copytree(src, data)
    raw = (src / "adsl.xpt").read_bytes()
    (data / "adsl.xpt").write_bytes(raw[:int(len(raw) * 0.6)])
    assert main(["check", "--specs", str(REPO / "specs"), "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "adsl.xpt is 18,384 bytes, not a whole number of 80-byte records" in err and "[DATA006]" in err
    frame, meta = pyreadstat.read_xport(str(src / "adsl.xpt"))
    pyreadstat.write_xport(frame.head(19), str(data / "adsl.xpt"), file_format_version=5,
                           column_labels=meta.column_labels, table_name="ADSL")
    from tlf.build import prepare
    from tlf.spec.validate import load_study

    study_data, _, _ = prepare(load_study(REPO / "specs"), data)
    for name in ("adae", "adex"):
        study_data.dataset(name)
    found = {f.error.dataset: str(f) for f in study_data.findings}
    assert "23 subject(s) not in adsl" in found["adex"] and "23 subject(s) not in adsl" in found["adae"], found


def test_population_subjects_in_no_column_are_a_finding(tmp_path, capsys):
    adsl = ADSL_CSV.replace("S-04,Placebo,", "S-04,PLACEBO,").replace("S-05,Placebo,", "S-05,PLACEBO,")
    specs = write_study(tmp_path, adsl=adsl)
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok
    msg = ("columns.arms: 2 subject(s) of population SAF are in no column of t-demog (S-04, S-05): "
           "TRT01A = 'PLACEBO' (did you mean 'Placebo'?) [DATA031]")
    found = [str(f) for f in report.findings]
    assert [w for w in found if msg in w and "study.yaml:" in w], found
    assert main(["check", "--specs", str(specs)]) == 1
    assert msg in capsys.readouterr().err


def test_subjects_left_out_on_purpose_are_no_finding(tmp_path):
    """A table of the active arm only: Placebo subjects are in no column, but other columns name Placebo."""
    study = STUDY_YAML + "  active:\n    - {id: a, label: Drug A, var: TRT01A, value: Drug A}\n"
    outputs = {"t-demog": DEMOG_YAML.replace("columns: arms", "columns: active"), "t-ae": AE_YAML}
    report = build(write_study(tmp_path, study=study, outputs=outputs), tmp_path / "out", ["all"], formats=())
    assert report.ok and not [f for f in report.findings if f.code == "DATA031"], report.findings


def test_division_by_zero_is_missing_with_a_finding(tmp_path):
    """SAS gives a missing value and a note; before, the result was infinity, counted by `>` and averaged."""
    study = STUDY_YAML.replace("populations:", """derive:
  adsl:
    - {name: RATIO, expr: "AGE / (WEIGHT - 70.5)"}
populations:""")
    demog = DEMOG_YAML + ("  - {id: ratio, type: continuous, var: RATIO, label: Ratio}\n"
                          "  - {id: old, type: continuous, var: AGE, label: Age, where: \"AGE / (AGE - 30) > 0\"}\n")
    specs = write_study(tmp_path, study=study, outputs={"t-demog": demog, "t-ae": AE_YAML})
    out = tmp_path / "out"
    report = build(specs, out, ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = ard_of(out, "t-demog")
    assert stat(ard, "ratio", "a", "n").stat == 2  # S-01 (weight 70.5): missing, not infinity
    assert stat(ard, "old", "a", "n").stat == 2  # S-01 (age 30) is not "> 0"
    warnings = "\n".join(map(str, report.findings))
    assert ("derive.adsl[0].expr: derive RATIO: 'AGE / (WEIGHT - 70.5)' divided by zero in 1 record(s) of adsl; "
            "the result is missing [DATA050]") in warnings
    assert ("analyses[5].where: 'AGE / (AGE - 30) > 0' divided by zero in 1 record(s) of adsl; the result is "
            "missing [DATA050]") in warnings
    assert warnings.count("DATA050") == 2  # one finding per expression, not one per column
