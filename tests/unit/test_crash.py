"""Issue 15 items 1, 2 and 6: a bug in tlf is exit 3 with its traceback in a log file (never on the
terminal) and fails only the output it hit; a title longer than a DOCX property holds builds; explicit
output paths of other commands are guarded as `build` guards its own; ids that collide with files tlf
writes are spec errors."""

import json

import pytest

import tlf.build as build_mod
from tests.conftest import AE_YAML, DEMOG_YAML, write_study
from tlf.build import build
from tlf.cli import main
from tlf.errors import TlfError
from tlf.spec.validate import load_study

IDS = [f"t-{i:02d}" for i in range(1, 11)]


def ten_outputs(tmp_path):
    outputs = {i: DEMOG_YAML.replace("id: t-demog", f"id: {i}").replace("number: Table 1", f"number: Table 1.{k}")
               for k, i in enumerate(IDS, 1)}
    return write_study(tmp_path, outputs=outputs)


def plant_bug(monkeypatch, output_id: str) -> None:
    """The table layout of `output_id` raises an exception no tlf code expects."""
    factory = build_mod._LAYOUTS["table"]

    def planted():
        layout = factory()

        def wrapped(study, entry, *a, **k):
            if entry.id == output_id:
                raise RuntimeError("planted bug")
            return layout(study, entry, *a, **k)

        return wrapped

    monkeypatch.setitem(build_mod._LAYOUTS, "table", planted)


def test_unexpected_exception_in_the_tenth_output(tmp_path, monkeypatch, capsys):
    specs = ten_outputs(tmp_path)
    plant_bug(monkeypatch, "t-10")
    out = tmp_path / "out"
    assert main(["build", "all", "--specs", str(specs), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = [x for x in err.splitlines() if "internal error" in x]
    assert "t-10" in line and "RuntimeError: planted bug" in line and "[TLF999]" in line
    [log] = out.glob("tlf-error-*.log")
    assert str(log) in line
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "planted bug" in text and "building t-10" in text
    for i in IDS[:9]:
        for suffix in (".docx", ".xlsx", ".ard.csv"):
            assert (out / f"{i}{suffix}").is_file(), f"{i}{suffix}"
    assert not list(out.glob("t-10.*"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["build"]["status"] == "complete"
    assert manifest["build"]["failed"] == ["t-10"] and manifest["build"]["built"] == IDS[:9]
    assert (out / "index.html").is_file()
    assert "t-10" in (out / "index.html").read_text()


def test_build_report_records_the_internal_error(tmp_path, monkeypatch):
    specs = ten_outputs(tmp_path)
    plant_bug(monkeypatch, "t-03")
    report = build(specs, tmp_path / "out", ["all"], formats=())
    from tlf.errors import InternalError

    failed = [o for o in report.outputs if o.status == "failed"]
    assert [o.output_id for o in failed] == ["t-03"]
    assert isinstance(failed[0].error, InternalError) and failed[0].error.exit_code == 3


def test_bad_input_still_exits_2_and_a_bug_beats_it(tmp_path, monkeypatch, capsys):
    specs = ten_outputs(tmp_path)
    (specs / "t-05.yaml").write_text((specs / "t-05.yaml").read_text().replace("var: AGE", "var: AGEX"))
    out = tmp_path / "out"
    assert main(["build", "all", "--specs", str(specs), "--out", str(out)]) == 2
    plant_bug(monkeypatch, "t-10")
    assert main(["build", "all", "--specs", str(specs), "--out", str(out)]) == 3


def test_crash_outside_the_outputs_of_build_logs_in_the_output_folder(mini, tmp_path, monkeypatch, capsys):
    def boom(*a, **k):
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(build_mod, "prepare", boom)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["build", "all", "--specs", str(mini), "--out", str(out)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "internal error in tlf" in err and "`tlf build`" in err
    [log] = out.glob("tlf-error-*.log")
    assert str(log) in err and "ZeroDivisionError: planted" in log.read_text()


@pytest.mark.parametrize("command", ["check", "compare", "verify", "ard", "bundle", "schema", "example"])
def test_every_command_turns_a_crash_into_exit_3(command, mini, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)

    def boom(*a, **k):
        raise KeyError("planted")

    import tlf.qc.commands as qc_commands
    import tlf.review.commands as review_commands
    import tlf.spec.validate as validate

    monkeypatch.setattr(validate, "load_study", boom)  # check, ard, bundle
    monkeypatch.setattr("tlf.qc.compare.compare", boom)
    monkeypatch.setattr("tlf.qc.verify.verify_build", boom)
    monkeypatch.setattr("tlf.spec.reference.generated_files", boom)
    monkeypatch.setattr("tlf.examples.study_a.generate", boom)
    assert qc_commands and review_commands
    csv = tmp_path / "a.csv"
    csv.write_text("x\n1\n")
    argv = {"check": ["check", "--specs", str(mini)],
            "compare": ["compare", str(csv), str(csv)],
            "verify": ["verify", "--out", str(tmp_path)],
            "ard": ["ard", "t-demog", "--specs", str(mini)],
            "bundle": ["bundle", "--specs", str(mini), "--out", str(tmp_path)],
            "schema": ["schema", "--check"],
            "example": ["example", "--out", str(tmp_path / "ex")]}[command]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"`tlf {command}`" in err and "KeyError" in err
    logs = list(tmp_path.glob("tlf-error-*.log"))
    assert len(logs) == 1 and logs[0].name in err and "Traceback" in logs[0].read_text()


def test_check_names_the_output_a_bug_hit(mini, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    import tlf.build_check as check_mod

    real = check_mod.check_output

    def planted(study, entry, *a, **k):
        if entry.id == "t-ae":
            raise RuntimeError("planted bug")
        return real(study, entry, *a, **k)

    monkeypatch.setattr(check_mod, "check_output", planted)
    assert main(["check", "--specs", str(mini)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and "checking t-ae" in err
    [log] = tmp_path.glob("tlf-error-*.log")
    assert "planted bug" in log.read_text()


def test_keyboard_interrupt_stays_130(mini, tmp_path, monkeypatch):
    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_mod, "prepare", interrupt)
    assert main(["build", "all", "--specs", str(mini), "--out", str(tmp_path / "out")]) == 130
    assert not list(tmp_path.rglob("tlf-error-*.log"))


# --- item 2: a title longer than a DOCX core property holds ------------------------------------------------


def test_long_title_builds_and_the_properties_hold_its_start(tmp_path, capsys):
    title = "A very long title " + "x" * 300
    long = DEMOG_YAML.replace("title: Demographics", f"title: {title}")
    specs = write_study(tmp_path, outputs={"t-demog": long, "t-ae": AE_YAML})
    out = tmp_path / "out"
    assert main(["build", "all", "--specs", str(specs), "--out", str(out)]) == 0
    import docx

    props = docx.Document(str(out / "t-demog.docx")).core_properties
    assert len(props.title) == 255 and props.title.startswith("Table 1 A very long title")
    assert (out / "t-ae.docx").is_file() and (out / "index.html").is_file()
    assert json.loads((out / "manifest.json").read_text())["build"]["status"] == "complete"


# --- item 6: explicit output paths are guarded; ids that collide are spec errors ----------------------------


@pytest.fixture
def ard_csv(mini, tmp_path):
    out = tmp_path / "built"
    assert build(mini, out, ["t-demog"], formats=()).ok
    return out / "t-demog.ard.csv"


@pytest.mark.parametrize("option", ["--xlsx", "--docx"])
def test_compare_report_does_not_overwrite_a_users_file(option, ard_csv, tmp_path, capsys):
    target = tmp_path / "mine" / f"report.{option[2:]}"
    target.parent.mkdir()
    target.write_text("my own report")
    assert main(["compare", str(ard_csv), str(ard_csv), option, str(target)]) == 2
    err = capsys.readouterr().err
    assert "was not written by tlf" in err and "[OUT003]" in err
    assert target.read_text() == "my own report"
    assert main(["compare", str(ard_csv), str(ard_csv), option, str(target), "--force"]) == 0
    assert target.read_bytes()[:2] == b"PK"
    assert main(["compare", str(ard_csv), str(ard_csv), option, str(target)]) == 0  # tlf's own: rewritten
    fresh = tmp_path / "mine" / f"fresh.{option[2:]}"
    assert main(["compare", str(ard_csv), str(ard_csv), option, str(fresh)]) == 0
    assert main(["compare", str(ard_csv), str(ard_csv), option, str(fresh)]) == 0


def test_compare_names_the_refused_file(ard_csv, tmp_path, capsys):
    target = tmp_path / "report.xlsx"
    target.write_text("mine")
    assert main(["compare", str(ard_csv), str(ard_csv), "--xlsx", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(target) in err and "was not written by tlf" in err and "[OUT003]" in err


def test_ard_out_does_not_overwrite_a_users_file(mini, tmp_path, capsys):
    target = tmp_path / "mine.csv"
    target.write_text("my own data\n")
    assert main(["ard", "t-demog", "--specs", str(mini), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "was not written by tlf" in err and "[OUT003]" in err
    assert target.read_text() == "my own data\n"
    fresh = tmp_path / "fresh.csv"
    assert main(["ard", "t-demog", "--specs", str(mini), "--out", str(fresh)]) == 0
    assert main(["ard", "t-demog", "--specs", str(mini), "--out", str(fresh)]) == 0  # tlf wrote it
    fresh.write_text("edited\n")
    assert main(["ard", "t-demog", "--specs", str(mini), "--out", str(fresh)]) == 2
    assert "changed since tlf wrote it" in capsys.readouterr().err and fresh.read_text() == "edited\n"
    assert main(["ard", "t-demog", "--specs", str(mini), "--out", str(fresh), "--force"]) == 0
    assert fresh.read_text() != "edited\n"


def test_a_manifest_that_is_not_tlfs_is_left_alone(mini, tmp_path):
    (tmp_path / "manifest.json").write_text("[1, 2]")
    target = tmp_path / "x.csv"
    assert main(["ard", "t-demog", "--specs", str(mini), "--out", str(target)]) == 0
    assert (tmp_path / "manifest.json").read_text() == "[1, 2]"


def test_compare_reports_folder_is_guarded(mini, tmp_path, capsys):
    prod, qc = tmp_path / "prod", tmp_path / "qc"
    assert build(mini, prod, ["t-demog"], formats=()).ok
    qc.mkdir()
    (qc / "t-demog.ard.csv").write_bytes((prod / "t-demog.ard.csv").read_bytes())
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "t-demog.compare.txt").write_text("mine")
    assert main(["compare", "--all", str(prod), str(qc), "--reports", str(reports)]) == 2
    assert (reports / "t-demog.compare.txt").read_text() == "mine"
    assert main(["compare", "--all", str(prod), str(qc), "--reports", str(reports), "--force"]) == 0
    assert main(["compare", "--all", str(prod), str(qc), "--reports", str(reports)]) == 0


def _ids_error(tmp_path, outputs) -> str:
    specs = write_study(tmp_path, outputs=outputs)
    with pytest.raises(TlfError) as e:
        load_study(specs)
    return str(e.value)


def test_ids_differing_only_in_case_are_a_spec_error(tmp_path):
    msg = _ids_error(tmp_path, {"t-demog": DEMOG_YAML,
                                "t-demog2": DEMOG_YAML.replace("id: t-demog", "id: T-Demog")
                                .replace("Table 1", "Table 9")})
    assert "'T-Demog' differs only in case from 't-demog'" in msg and "[SPEC023]" in msg
    assert "t-demog2.yaml" in msg


@pytest.mark.parametrize("bad", ["t-demog.shell", "x.SHELL", "bundle", "Index", "manifest", "bundle.shell"])
def test_ids_that_collide_with_tlfs_own_files_are_spec_errors(bad, tmp_path):
    msg = _ids_error(tmp_path, {"t-demog": DEMOG_YAML,
                                "t-x": DEMOG_YAML.replace("id: t-demog", f"id: {bad}").replace("Table 1", "Table 9")})
    assert f"output id '{bad}'" in msg and "[SPEC024]" in msg and "t-x.yaml" in msg


def test_ordinary_ids_are_fine(tmp_path):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML, "t-ae": AE_YAML,
                                           "t-shell": DEMOG_YAML.replace("id: t-demog", "id: t-shell")
                                           .replace("Table 1", "Table 9")})
    assert [o.id for o in load_study(specs).outputs]
