"""`tlf check` of a by_visit analysis finds a subject with two records in one cell (parameter x visit) with
the error the build gives (DATA040), naming the first cell in the printed order and that subject; the
check looks for duplicates in one pass over the records (tlf/analyses/by_visit/run.py)."""

from __future__ import annotations

import pytest

from tests.unit.test_baseline_tests import ANALYSIS, bds_csv, mini, output
from tlf.build import check, compute_output, prepare
from tlf.errors import DataError
from tlf.spec.validate import load_study


def _study(tmp_path, extra_lines: list[str]):
    root = mini(tmp_path, output(ANALYSIS))
    (root / "data" / "adbds.csv").write_text(bds_csv() + "".join(f"{line}\n" for line in extra_lines))
    study = load_study(root)
    data, pops, findings = prepare(study)
    return study, data, pops, findings


@pytest.mark.parametrize("extra, subject, visit", [
    (["D3,X,Marker X (units),8 h,8,46,50"], "D3", "8 h"),
    # two cells with a duplicate: the error names the first in the table's order (2 h before 8 h)
    (["P2,X,Marker X (units),8 h,8,61,60", "D5,X,Marker X (units),2 h,2,91,120"], "D5", "2 h"),
])
def test_a_duplicate_record_in_a_cell_is_the_builds_error(tmp_path, extra, subject, visit):
    study, data, pops, findings = _study(tmp_path, extra)
    errors, _ = check(study, study.outputs, data, pops, findings)
    assert len(errors) == 1 and isinstance(errors[0], DataError)
    e = errors[0]
    assert (e.code, e.usubjid) == ("DATA040", subject) and f"at visit '{visit}'" in e.message
    with pytest.raises(DataError) as built:  # the build stops with the same error
        compute_output(study, study.outputs[0], data, pops)
    assert str(built.value) == str(e)


def test_duplicates_outside_the_shown_cells_are_not_errors(tmp_path):
    # a second predose record: Predose is not a visit of the table
    study, data, pops, findings = _study(tmp_path, ["D1,X,Marker X (units),Predose,0,200,200"])
    errors, _ = check(study, study.outputs, data, pops, findings)
    assert errors == []
