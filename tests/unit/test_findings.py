"""Spec values checked against the data (issue 14): a value the data never take, data values no level
lists, and the plumbing (`tlf check` exit 1, the build's summary and manifest, --strict)."""

import json

import pytest

from tests.conftest import ADSL_CSV, AE_YAML, DEMOG_YAML, STUDY_YAML, write_study
from tlf.build import build, prepare
from tlf.build_check import check, check_output
from tlf.cli import main
from tlf.errors import DataError, ErrorGroup, Finding, SpecError, TlfError, did_you_mean_value, meant_value
from tlf.spec.validate import load_study

RACE_LEVELS = ("  - {id: race, type: categorical, var: RACE, label: Race,\n"
               "     levels: [{value: White, label: White}, {value: ASIAN, label: Asian}, {other: true, label: Other}]}\n")


def findings_of(specs, ids=None):
    study = load_study(specs)
    data, pops, found = prepare(study)
    entries = [study.output(i) for i in ids] if ids else study.outputs
    errors, found = check(study, entries, data, pops, found)
    assert not errors, [str(e) for e in errors]
    return [f for f in found if not f.note]


def notes_of(specs, ids=None):
    study = load_study(specs)
    data, pops, found = prepare(study)
    entries = [study.output(i) for i in ids] if ids else study.outputs
    return [str(f) for f in check(study, entries, data, pops, found)[1] if f.note]


def test_meant_value_case_and_blanks_first():
    assert meant_value("White", ["WHITE", "ASIAN"]) == "WHITE"
    assert meant_value("NOT DONE", ["NOTDONE", "NOT DON"]) == "NOTDONE"  # blanks aside before spelling
    assert meant_value("SEVER", ["MILD", "MODERATE", "SEVERE"]) == "SEVERE"
    assert meant_value("Male", ["M", "F"]) == "M"
    assert meant_value("MODERTE", ["MILD", "MODERATE"]) == "MODERATE"
    # a category no record has resembles nothing: deaths when nobody died, 'F' in an all-male study
    assert meant_value("Y", ["N"]) is None and meant_value("F", ["M"]) is None
    assert meant_value("LACK OF EFFICACY", ["ADVERSE EVENT", "OTHER"]) is None
    assert meant_value(3, [1, 2]) is None
    assert did_you_mean_value("White", ["WHITE", "WHITS"]) == " (did you mean 'WHITE'?)"


def test_level_with_wrong_case_is_a_finding(tmp_path):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace(
        "  - {id: race, type: categorical, var: RACE, label: Race}\n", RACE_LEVELS)})
    [f] = findings_of(specs)
    assert isinstance(f, Finding) and isinstance(f.error, SpecError) and f.code == "SPEC081"
    text = str(f)
    assert "t-demog.yaml:12:" in text and "analyses[3].levels[0].value" in text
    assert "'White' is never a value of RACE in dataset adsl (did you mean 'WHITE'?)" in text
    assert "the data have: 'ASIAN', 'BLACK OR AFRICAN AMERICAN', 'WHITE'" in text


def test_values_no_level_lists_are_a_finding(tmp_path):
    race = ("  - {id: race, type: categorical, var: RACE, label: Race,\n"
            "     levels: [{value: WHITE, label: White}, {value: ASIAN, label: Asian}]}\n")
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace(
        "  - {id: race, type: categorical, var: RACE, label: Race}\n", race)})
    [f] = findings_of(specs)
    assert f.code == "SPEC082" and "analyses[3].levels" in str(f)
    assert "values of RACE in dataset adsl that no level lists are left out" in str(f)
    assert "'BLACK OR AFRICAN AMERICAN' (1 subject)" in str(f) and "other: true" in str(f)


def test_where_literal_the_data_never_take(tmp_path):
    ae = AE_YAML + "  - {id: sev, type: count, dataset: adae, label: Severe, where: \"AESEV == 'SEVER'\"}\n"
    specs = write_study(tmp_path, outputs={"t-ae": ae})
    [f] = findings_of(specs)
    assert f.code == "SPEC080" and "t-ae.yaml:10:" in str(f) and "analyses[2].where" in str(f)
    assert "'SEVER' is never a value of AESEV in dataset adae" in str(f) and "did you mean 'SEVERE'?" in str(f)
    assert "the data have: 'MILD', 'SEVERE'" in str(f)


@pytest.mark.parametrize("where", ["AESEV in ('MILD', 'Severe')", "upper(AEDECOD) != 'HEADACH'",
                                   "strip(AESEV) == 'mild'"])
def test_in_not_equal_and_functions(tmp_path, where):
    ae = AE_YAML + f"  - {{id: x, type: count, dataset: adae, label: X, where: \"{where}\"}}\n"
    [f] = findings_of(write_study(tmp_path, outputs={"t-ae": ae}))
    assert f.code == "SPEC080" and "analyses[2].where" in str(f)


def test_a_category_no_record_has_is_a_note_not_a_finding(tmp_path, capsys):
    """Deaths in a study without any, a severity nobody had: pre-specified rows that print 0. Not a finding
    (tlf check exits 0), but never hidden: a note names each."""
    ae = AE_YAML + ("  - {id: ls, type: count, dataset: adae, label: LT, where: \"AESEV == 'LIFE THREATENING'\"}\n"
                    "  - {id: n, type: count, dataset: adae, label: N, where: \"TRTEMFL == 'X'\"}\n")
    specs = write_study(tmp_path, outputs={"t-ae": ae})
    assert findings_of(specs) == []
    notes = notes_of(specs)
    assert any("'LIFE THREATENING' is never a value of AESEV" in n for n in notes), notes
    assert any("'X' is never a value of TRTEMFL" in n for n in notes), notes
    assert main(["check", "--specs", str(specs)]) == 0
    err = capsys.readouterr().err
    assert "note: " in err and "LIFE THREATENING" in err and "finding:" not in err


def test_derive_populations_and_listing_where(tmp_path):
    study = STUDY_YAML.replace("populations:", """derive:
  adsl:
    - {name: OLD, cases: [{where: "SEX == 'f' and AGE > 40", value: "Y"}], otherwise: "N"}
populations:""").replace("RANDFL == 'Y'", "RANDFL == 'y'")
    listing = """\
id: l-ae
type: listing
number: Listing 1
title: AEs
population: SAF
dataset: adae
where: "AESEV == 'Mild'"
columns:
  - {var: AEDECOD, label: Term}
"""
    specs = write_study(tmp_path, study=study, outputs={"t-demog": DEMOG_YAML, "l-ae": listing})
    found = [str(f) for f in findings_of(specs)]
    assert any("study.yaml:" in f and "derive.adsl[0].cases[0].where" in f and "'f'" in f for f in found), found
    assert any("populations.ITT.where" in f and "did you mean 'Y'?" in f for f in found), found
    assert any("l-ae.yaml:7:" in f and "did you mean 'MILD'?" in f for f in found), found


def test_check_cli_prints_findings_and_exits_1(tmp_path, capsys):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace(
        "  - {id: race, type: categorical, var: RACE, label: Race}\n", RACE_LEVELS), "t-ae": AE_YAML})
    assert main(["check", "--specs", str(specs)]) == 1
    out = capsys.readouterr()
    assert "finding: " in out.err and "did you mean 'WHITE'?);" in out.err and "[SPEC081]" in out.err
    assert "0 error(s), 1 finding(s)" in out.out
    assert main(["check", "--specs", str(specs), "--strict"]) == 2
    assert "error: " in capsys.readouterr().err


def test_build_reports_findings_in_summary_and_manifest(tmp_path, capsys):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace(
        "  - {id: race, type: categorical, var: RACE, label: Race}\n", RACE_LEVELS)})
    out = tmp_path / "out"
    report = build(specs, out, ["all"], formats=())
    assert report.ok and [f.code for f in report.findings] == ["SPEC081"]
    record = json.loads((out / "manifest.json").read_text())["build"]["findings"]
    assert record[0]["code"] == "SPEC081" and "did you mean 'WHITE'?" in record[0]["message"]
    assert main(["build", "all", "--specs", str(specs), "--out", str(tmp_path / "o2"), "--format", "xlsx"]) == 0
    err = capsys.readouterr().err
    assert "finding: " in err and "[SPEC081]" in err


def test_strict_build_builds_nothing(tmp_path):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML.replace(
        "  - {id: race, type: categorical, var: RACE, label: Race}\n", RACE_LEVELS)})
    out = tmp_path / "out"
    with pytest.raises(SpecError, match=r"did you mean 'WHITE'\?\).*\[SPEC081\]"):
        build(specs, out, ["all"], strict=True)
    assert not out.exists() or list(out.iterdir()) == []
    assert main(["build", "all", "--specs", str(specs), "--out", str(out), "--strict"]) == 2


def test_population_flag_disagreement_is_a_located_finding(tmp_path):
    adsl = ADSL_CSV.replace("S-05,Placebo,Y,Y,Y", "S-05,Placebo,Y,N,Y")
    specs = write_study(tmp_path, adsl=adsl)
    [f] = findings_of(specs)
    assert f.code == "DATA011" and "study.yaml:" in str(f) and "populations.SAF.flag" in str(f)
    assert "population SAF disagrees with ADSL flag SAFFL" in str(f)
    with pytest.raises(SpecError):
        build(specs, tmp_path / "out", strict=True)


def test_data_findings_of_another_stage_are_reported(tmp_path, monkeypatch):
    """StudyData.findings (data integrity) and Finding objects among an output's notes reach the summary."""
    import tlf.build as b

    extra = Finding(DataError("records of subjects not in adsl", dataset="adae", code="DATA050"))
    prepare = b.prepare

    def with_a_data_finding(*a, **k):
        data, pops, found = prepare(*a, **k)
        data.findings.append(extra)
        return data, pops, found

    monkeypatch.setattr(b, "prepare", with_a_data_finding)
    one = b._build_one
    late = Finding(SpecError("a footnote does not fit", code="OUT020"))
    monkeypatch.setattr(b, "_build_one", lambda *a, **k: (one(*a, **k)[0], [late]))
    report = build(write_study(tmp_path), tmp_path / "out", ["t-ae"], formats=())
    assert extra in report.findings and late in report.findings and report.ok
    assert not build(write_study(tmp_path), tmp_path / "out2", ["t-ae"], formats=()).findings == []


def test_example_specs_have_no_findings():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    for specs in (repo / "specs", repo / "examples" / "study_b" / "specs", repo / "examples" / "theoph" / "specs"):
        assert findings_of(specs) == [], specs


# ---------------------------------------------------------------- `tlf check` finds what a build finds

def _entry_error(study, entry, data, pops):
    from tlf.build import compute_output

    try:
        compute_output(study, entry, data, pops)
    except TlfError as e:
        return e
    return None


def _check_error(study, entry, data, pops):
    try:
        check_output(study, entry, data, pops)
    except TlfError as e:
        return e
    return None


MUTATIONS = [  # (output file, text, replacement): each a spec the data cannot serve
    ("t-14-1-1.yaml", "var: RACE", "var: RACEX"),
    ("t-14-1-1.yaml", "SEX == 'F'", "SEXX == 'F'"),
    ("t-14-1-1.yaml", 'var: "AGEP{pp}"', 'var: "AGEP{p}X"'),
    ("t-14-2-1.yaml", "param: CLASI", "param: CLASIX"),
    ("t-14-2-6.yaml", "param: HSS", "param: hss"),
    ("t-14-3-1.yaml", "term: AEDECOD", "term: AEDECODX"),
    ("t-14-4-1.yaml", "covariates: [BASE]", "covariates: [BASEX]"),
    ("t-14-5-1.yaml", "code: CMAX", "code: CMAXX"),
    ("t-14-5-2.yaml", "var: AVAL", "var: AVALX"),
    ("f-14-4-2.yaml", "var: PCHG", "var: PCHGX"),
    ("f-14-4-2.yaml", "visit: Day 85", "visit: Day 58"),
    ("t-14-3-1.yaml", "AESDTH == 'Y'", "AESDTH == 1"),
    ("f-14-5-1.yaml", "var: AVAL", "var: AVALX"),
    ("f-14-5-2.yaml", "var: AVAL", "var: AVALX"),
    ("f-14-5-2.yaml", "x: ARRLT", "x: ARRLTX"),
    ("t-14-2-6.yaml", "criterion: \"", "criterion: \"XX + "),
    ("l-16-2-7-1.yaml", "dataset: adae", "dataset: adae\nwhere: \"AESEVX == 'Y'\""),
]


@pytest.mark.parametrize(("name", "old", "new"), MUTATIONS)
def test_check_finds_every_error_a_build_finds(tmp_path, name, old, new):
    """Study A's specs, one broken at a time: `tlf check` stops at the error the build stops at."""
    import shutil
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    specs = tmp_path / "specs"
    shutil.copytree(repo / "specs", specs)
    text = (specs / name).read_text()
    if old not in text:
        pytest.skip(f"{name} no longer has {old!r}")
    (specs / name).write_text(text.replace(old, new, 1))
    study = load_study(specs)
    data, pops, _ = prepare(study, repo / "tlf" / "examples" / "data" / "study_a")
    entry = study.output(name.removesuffix(".yaml"))
    built, checked = _entry_error(study, entry, data, pops), _check_error(study, entry, data, pops)
    assert built is not None, "the mutation should break the build"
    assert checked is not None and str(checked) == str(built)


def test_check_finds_the_errors_of_the_error_tests(tmp_path):
    """The spec and data errors the build tests expect (test_build.py) are found by `tlf check` too."""
    specs = write_study(tmp_path)
    (specs / "t-demog.yaml").write_text((specs / "t-demog.yaml").read_text().replace("var: WEIGHT", "var: WEIGHTBL"))
    (specs / "t-ae.yaml").write_text((specs / "t-ae.yaml").read_text().replace(
        "where: \"TRTEMFL == 'Y'\"}", "where: \"TRTEMF == 'Y'\"}", 1))
    study = load_study(specs)
    data, pops, found = prepare(study)
    errors, _ = check(study, study.outputs, data, pops, found)
    text = "\n".join(map(str, errors))
    assert "variable 'WEIGHTBL' not found in dataset adsl (did you mean 'WEIGHT'?)" in text
    assert "analyses[0].where" in text and "did you mean 'TRTEMFL'" in text
    empty = write_study(tmp_path / "e", study=STUDY_YAML.replace("EXDURD > 0", "EXDURD > 100"))
    assert main(["check", "--specs", str(empty)]) == 2


def test_check_does_not_compute_statistics(mini, monkeypatch):
    import tlf.analyses.registry as registry

    def boom(*a, **k):
        raise AssertionError("a runner ran")

    real = registry.part
    monkeypatch.setattr(registry, "part", lambda t, f, table, d=None: boom if table == "RUNNERS" else real(t, f, table, d))
    import tlf.analyses.run as run

    monkeypatch.setattr(run, "part", registry.part)
    assert main(["check", "--specs", str(mini)]) == 0


def test_strict_error_group(tmp_path):
    ae = AE_YAML + ("  - {id: s, type: count, dataset: adae, label: S, where: \"AESEV == 'SEVER'\"}\n"
                    "  - {id: m, type: count, dataset: adae, label: M, where: \"AESEV == 'Mild'\"}\n")
    with pytest.raises(ErrorGroup) as e:
        build(write_study(tmp_path, outputs={"t-ae": ae}), tmp_path / "out", strict=True)
    assert [x.code for x in e.value.errors] == ["SPEC080", "SPEC080"]


def test_every_family_has_checks():
    """`tlf check` finds each family's checks through the registry (run.py CHECKS) like its runner."""
    from tlf.analyses.registry import TYPES, part

    assert [t for t in TYPES if part(t, "run", "CHECKS") is None] == []


@pytest.mark.parametrize(("name", "old", "new", "code"), [
    ("f-14-5-2.yaml", "x: ARRLT", "x: AVISIT", "DATA041"),
    ("f-14-5-2.yaml", "x: ARRLT", "x: APERIOD", "DATA042"),
    ("f-14-5-1.yaml", "x: NRRLT", "x: NRRLTX", "SPEC041"),
])
def test_check_finds_plot_data_errors(tmp_path, name, old, new, code):
    """Figures that read their dataset: `tlf check` stops where the plot's numbers would."""
    import shutil
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    specs = tmp_path / "specs"
    shutil.copytree(repo / "specs", specs)
    text = (specs / name).read_text()
    if old not in text:
        pytest.skip(f"{name} no longer has {old!r}")
    (specs / name).write_text(text.replace(old, new, 1))
    study = load_study(specs)
    data, pops, _ = prepare(study, repo / "tlf" / "examples" / "data" / "study_a")
    entry = study.output(name.removesuffix(".yaml"))
    built, checked = _entry_error(study, entry, data, pops), _check_error(study, entry, data, pops)
    assert built is not None and built.code == code, built
    assert checked is not None and str(checked) == str(built)
