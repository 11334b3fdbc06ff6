"""A `terms` table never drops a record whose term or SOC is missing (an interim AE dataset holds events
not yet coded): they count under the `uncoded` label with a note naming them, or are an error."""

from __future__ import annotations

import pytest

from tests.conftest import ADAE_CSV, AE_YAML, write_study
from tlf.ard.schema import read_ard
from tlf.build import build
from tlf.errors import DataError

# S-02 (Drug A) has an event with no preferred term; S-04 (Placebo) one with no SOC
ADAE = ADAE_CSV + "S-02,,Gastrointestinal disorders,MILD,Y\nS-04,Dizziness,,MILD,Y\nS-03,  ,,MILD,Y\n"


def _cells(ard, column):
    n = ard[(ard.analysis == "pt") & (ard.column == column) & (ard.stat_name == "n")]
    return {(r.parent, r.level): int(r.stat) for r in n.itertuples()}


def test_missing_terms_and_socs_count_under_uncoded(tmp_path):
    specs = write_study(tmp_path, adae=ADAE, outputs={"t-ae": AE_YAML})
    report = build(specs, tmp_path / "out", ["t-ae"], formats=())
    assert report.ok
    ard = read_ard(tmp_path / "out" / "t-ae.ard.csv")
    drug = _cells(ard, "a")
    # counted by hand: Drug A = S-01 (Headache), S-02 (Nausea, and an uncoded GI event), S-03 (blank term
    # and SOC); Placebo = S-04 (Headache, Dizziness without SOC)
    assert drug[("", "Gastrointestinal disorders")] == 1
    assert drug[("Gastrointestinal disorders", "Uncoded")] == 1
    assert drug[("", "Uncoded")] == 1 and drug[("Uncoded", "Uncoded")] == 1  # S-03: both blank
    placebo = _cells(ard, "p")
    assert placebo[("", "Uncoded")] == 1 and placebo[("Uncoded", "Dizziness")] == 1
    assert sum(v for (p, lv), v in drug.items() if p == "") == 3  # every SOC row, nothing dropped
    notes = [str(f) for f in report.findings] + report.warnings
    assert any("3 record(s) of 3 subject(s) with a missing AEBODSYS or AEDECOD counted under 'Uncoded'" in n
               and "DATA052" in n for n in notes), notes


def test_uncoded_null_makes_them_an_error_naming_a_subject(tmp_path):
    spec = AE_YAML.replace("soc: AEBODSYS}", "soc: AEBODSYS, uncoded: null}")
    specs = write_study(tmp_path, adae=ADAE, outputs={"t-ae": spec})
    report = build(specs, tmp_path / "out", ["t-ae"], formats=())
    err = next(o.error for o in report.outputs if o.error)
    assert isinstance(err, DataError) and err.code == "DATA051" and "first: subject S-02" in str(err)


def test_a_coded_dataset_gets_no_note(tmp_path):
    specs = write_study(tmp_path, outputs={"t-ae": AE_YAML})
    report = build(specs, tmp_path / "out", ["t-ae"], formats=())
    assert report.ok and not any("DATA052" in str(f) for f in report.findings) and \
        not any("DATA052" in w for w in report.warnings)


@pytest.mark.parametrize("label", ["Not coded"])
def test_the_label_is_the_specs(tmp_path, label):
    spec = AE_YAML.replace("soc: AEBODSYS}", f"soc: AEBODSYS, uncoded: {label}}}")
    specs = write_study(tmp_path, adae=ADAE, outputs={"t-ae": spec})
    assert build(specs, tmp_path / "out", ["t-ae"], formats=()).ok
    ard = read_ard(tmp_path / "out" / "t-ae.ard.csv")
    assert _cells(ard, "a")[("Gastrointestinal disorders", label)] == 1
