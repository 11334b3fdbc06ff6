"""Issue 15's regression suite, in one place: every bad input and fault the issue lists (157 cases were
tried; these are the ones that crashed, hung, ran a formula or left a folder the next build refused),
each with the tests that hold tlf to its behaviour now. The tests themselves live beside the code they
guard (test_bad_inputs, test_crash, test_limits, test_csv_safe, test_publish, test_robustness); this
file keeps the list whole: every case names tests that exist, and every case is a row of the "Bad
input" table in docs/errors.md, so that the list, the suite and the documentation cannot drift apart.
Run them all with `pytest tests/unit/test_failure_modes.py` plus the modules it names, or `pytest -k
failure_modes` for this index."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# case (as docs/errors.md's table names it) -> "module::test" of the tests that pin its behaviour
CASES: dict[str, tuple[str, ...]] = {
    "title over 255 characters": ("test_crash::test_long_title_builds_and_the_properties_hold_its_start",),
    "date compared with ISO text": ("test_bad_inputs::test_sas_date_compared_with_iso_text_compares_as_dates",
                                    "test_bad_inputs::test_a_list_mixing_dates_and_other_values_is_an_error_not_false"),
    "arithmetic on text": ("test_bad_inputs::test_arithmetic_on_text_is_a_located_spec_error",
                           "test_bad_inputs::test_a_list_value_of_another_type_than_its_variable_is_an_error"),
    "9999-12-31": ("test_bad_inputs::test_ongoing_date_9999_12_31_prints_in_a_listing",),
    "a value of 1e15 or more": ("test_bad_inputs::test_huge_value_in_a_continuous_summary_is_a_data_error_naming_it",),
    "columns differing only in case or repeated": (
        "test_bad_inputs::test_csv_with_columns_differing_only_in_case_names_file_and_columns",
        "test_bad_inputs::test_csv_with_a_column_name_written_twice_is_an_error_not_age_dot_1"),
    "odd files in the spec folder": ("test_bad_inputs::test_odd_files_in_the_spec_folder_are_located_spec_errors",),
    "non-finite numbers": ("test_bad_inputs::test_stub_width_must_be_a_finite_number",),
    "hand-edited manifest": ("test_bad_inputs::test_hand_edited_manifest_is_replaced_with_a_warning",
                             "test_bad_inputs::test_verify_of_a_manifest_with_wrong_types_names_the_file_and_key"),
    "YAML alias bomb": ("test_limits::test_billion_laughs_is_refused_by_the_node_limit",
                        "test_limits::test_too_many_aliases", "test_limits::test_nesting_depth"),
    "template bombs": ("test_limits::test_title_template_bombs", "test_limits::test_title_bomb_in_a_build_is_located"),
    "text repetition": ("test_limits::test_text_repetition_in_derive_is_refused",
                        "test_limits::test_text_literal_repetition_is_refused"),
    "formula text in CSV": ("test_csv_safe::test_ard_csv_quotes_formula_text",
                            "test_csv_safe::test_listing_data_csv_quotes_formula_text_and_keeps_numbers"),
    "formula text in XLSX": ("test_csv_safe::test_xlsx_holds_formula_text_as_text",
                             "test_csv_safe::test_compare_xlsx_summary_holds_a_file_name_formula_as_text"),
    "a kill while an output is published": ("test_publish::test_a_kill_between_two_files_of_an_output",
                                            "test_publish::test_a_failure_between_two_files_is_rolled_forward_by_the_next_build",
                                            "test_robustness::test_interrupted_build_leaves_no_partial_output"),
    "stale temporary files": ("test_publish::test_stale_temporary_files_are_removed",),
    "two builds at once": ("test_publish::test_two_builds_at_once", "test_publish::test_a_live_lock_names_its_process",
                           "test_publish::test_commands_writing_into_a_build_folder_wait_for_no_build"),
    "a full disk": ("test_publish::test_a_full_disk_while_the_manifest_is_written_is_exit_2_and_the_next_build_recovers",),
    "a user's file at an explicit output path": (
        "test_crash::test_compare_report_does_not_overwrite_a_users_file",
        "test_crash::test_ard_out_does_not_overwrite_a_users_file"),
    "output ids differing in case or naming tlf's files": (
        "test_crash::test_ids_differing_only_in_case_are_a_spec_error",
        "test_crash::test_ids_that_collide_with_tlfs_own_files_are_spec_errors"),
    "text in a numeric variable": ("test_csv_safe::test_text_in_a_numeric_variable_names_the_value_and_subject",),
    "NA in a CSV": ("test_csv_safe::test_r_na_in_a_numeric_variable_builds",
                    "test_csv_safe::test_missing_values_listed_are_missing_everywhere"),
    "template error in study.yaml": ("test_bad_inputs::test_bad_template_in_study_yaml_is_located_in_study_yaml",),
    "a key of the wrong type": ("test_bad_inputs::test_title_given_as_a_mapping_says_what_was_given",),
    "an empty spec": ("test_bad_inputs::test_empty_spec_says_it_is_empty_and_names_the_types",),
    "a bug in tlf": ("test_crash::test_every_command_turns_a_crash_into_exit_3",
                     "test_crash::test_unexpected_exception_in_the_tenth_output"),
    "code in a template": ("test_robustness::test_templates_cannot_reach_python",),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_case_is_pinned_by_tests_that_exist(case):
    for ref in CASES[case]:
        module, name = ref.split("::")
        assert callable(getattr(importlib.import_module(f"tests.unit.{module}"), name, None)), f"{case}: {ref} is gone"


def test_every_case_is_a_row_of_the_bad_input_table_and_every_row_a_case():
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    section = text.split("## Bad input", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip() for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| case") and not line.startswith("|---")]
    assert sorted(rows) == sorted(CASES)
