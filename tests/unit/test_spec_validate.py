"""Spec errors read like a compiler's: file:line:col: key: message [CODE], all reported at once."""

import re

import pytest

from tests.conftest import AE_YAML, DEMOG_YAML, STUDY_YAML, write_study
from tlf.errors import ErrorGroup, SpecError, TlfError
from tlf.spec.validate import load_study


def errors_of(specs) -> list[str]:
    with pytest.raises(TlfError) as info:
        load_study(specs)
    e = info.value
    return [str(x) for x in (e.errors if isinstance(e, ErrorGroup) else [e])]


def test_valid_mini_study_loads(mini):
    study = load_study(mini)
    assert [o.id for o in study.outputs] == ["t-ae", "t-demog"]


def test_unknown_key_with_line_and_suggestion(tmp_path):
    bad = DEMOG_YAML.replace("  - {id: age, type: continuous, var: AGE, label: Age (years)}",
                             "  - {id: age, type: continuous, var: AGE, lable: Age (years)}")
    specs = write_study(tmp_path, outputs={"t-demog": bad})
    [msg] = errors_of(specs)
    assert re.match(r"^specs/t-demog\.yaml:8:\d+: analyses\[0\]\.lable: unknown key 'lable' "
                    r"\(did you mean 'label'\?\) \[SPEC010\]$", msg.replace(str(tmp_path) + "/", "")), msg


def test_wrong_type_names_key_and_expected(tmp_path):
    bad = DEMOG_YAML.replace("var: AGE, label: Age (years)}", "var: AGE, label: Age (years), indent: deep}")
    [msg] = errors_of(write_study(tmp_path, outputs={"t-demog": bad}))
    assert "t-demog.yaml:8:" in msg and "analyses[0].indent: expected an integer, got str 'deep'" in msg


def test_unknown_statistic_row(tmp_path):
    bad = DEMOG_YAML.replace("var: AGE, label: Age (years)}", "var: AGE, label: Age (years), rows: [n, meen_sd]}")
    [msg] = errors_of(write_study(tmp_path, outputs={"t-demog": bad}))
    assert "analyses[0].rows" in msg and "unknown statistic row 'meen_sd' (did you mean 'mean_sd'?)" in msg


def test_unknown_analysis_type(tmp_path):
    bad = DEMOG_YAML.replace("type: categorical, var: SEX", "type: categorcal, var: SEX")
    [msg] = errors_of(write_study(tmp_path, outputs={"t-demog": bad}))
    assert "analyses[2].type: unknown type 'categorcal' (did you mean 'categorical'?)" in msg
    assert "[SPEC012]" in msg


def test_missing_required_key(tmp_path):
    bad = DEMOG_YAML.replace("number: Table 1\n", "")
    [msg] = errors_of(write_study(tmp_path, outputs={"t-demog": bad}))
    assert "t-demog.yaml:1:1: number: missing required key 'number' [SPEC011]" in msg


def test_all_errors_reported_at_once(tmp_path):
    bad1 = DEMOG_YAML.replace("population: SAF", "population: SAFE")
    bad2 = AE_YAML.replace("columns: arms", "columns: armz")
    msgs = errors_of(write_study(tmp_path, outputs={"t-demog": bad1, "t-ae": bad2}))
    assert len(msgs) == 2
    assert any("unknown population 'SAFE' (did you mean 'SAF'?)" in m for m in msgs)
    assert any("unknown column set 'armz' (did you mean 'arms'?)" in m for m in msgs)


def test_unknown_dataset_in_analysis(tmp_path):
    bad = AE_YAML.replace("dataset: adae, label: Any", "dataset: adea, label: Any")
    [msg] = errors_of(write_study(tmp_path, outputs={"t-ae": bad}))
    assert "t-ae.yaml:8:" in msg and "unknown dataset 'adea' (did you mean 'adae'?)" in msg


def test_yaml_syntax_error_has_position(tmp_path):
    [msg] = errors_of(write_study(tmp_path, outputs={"t-x": "id: x\ntitle: [unclosed\n"}))
    assert re.search(r"t-x\.yaml:\d+:\d+: YAML syntax error", msg)


def test_python_tag_is_an_error_not_code(tmp_path):
    evil = "id: !!python/object/apply:os.system ['touch pwned']\ntype: table\n"
    [msg] = errors_of(write_study(tmp_path, outputs={"t-evil": evil}))
    assert "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in msg
    assert not (tmp_path / "pwned").exists()


def test_duplicate_key_is_an_error(tmp_path):
    [msg] = errors_of(write_study(tmp_path, outputs={"t-demog": DEMOG_YAML + "title: Again\n"}))
    assert "key 'title' given twice" in msg


def test_duplicate_output_ids(tmp_path):
    msgs = errors_of(write_study(tmp_path, outputs={"t-demog": DEMOG_YAML, "t-copy": DEMOG_YAML}))
    assert any("output id 't-demog' is also used by" in m for m in msgs)


def test_study_spec_errors_are_located(tmp_path):
    bad = STUDY_YAML.replace("within: SAF", "within: SFA")
    [msg] = errors_of(write_study(tmp_path, study=bad))
    assert "study.yaml:" in msg and "populations.ITT.within: unknown population 'SFA' (did you mean 'SAF'?)" in msg


def test_spec_error_str_format():
    from tlf.errors import Location

    e = SpecError("bad", location=Location("specs/a.yaml", 3, 5), key="analyses[1].var", code="SPEC099")
    assert str(e) == "specs/a.yaml:3:5: analyses[1].var: bad [SPEC099]"
