"""The pooled safety database (benchmarks/pooled_data.py, benchmarks/pooled/specs) at a tiny scale: the
three outputs build, and tlf's numbers (demographics, TEAEs by SOC/PT over the 5% threshold, laboratory
values by visit) equal the same computations written in plain pandas (benchmarks/bench_pooled.py's
peer_pandas: group-bys on the Parquet files, an independent computation). Timings are benchmarks' business
(bench_pooled.py), never asserted here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    from tlf.build import build

    data = tmp_path_factory.mktemp("pooled-data")
    _module("pooled_data").write_pooled(data, subjects=500, seed=7)
    out = tmp_path_factory.mktemp("pooled-out")
    report = build(REPO / "benchmarks" / "pooled" / "specs", out, ["all"], data_dir=data, formats=("docx",))
    assert report.ok, [(o.id, o.status, getattr(o, "error", "")) for o in report.outputs]
    return data, out


def test_three_outputs_equal_a_pandas_computation(pooled):
    data, out = pooled
    bench = _module("bench_pooled")
    ref = bench.tlf_numbers(out)
    peer = bench.peer_pandas(data)
    assert bench.compare("pandas", peer, ref) == []
    kinds = {k.split("|")[0] for k in ref}
    assert kinds == {"dm", "ae", "lb"}
    # the AE table keeps some terms and drops others (the threshold is applied, not vacuous)
    ae_terms = {k.split("|")[3] for k in ref if k.startswith("ae|") and k.split("|")[2]}
    assert 5 <= len(ae_terms) < 400
    lab = [k for k in ref if k.startswith("lb|pbo|ALT|Week 4|")]
    assert {k.rsplit("|", 1)[1] for k in lab} == {"n", "mean", "sd", "chg_n", "chg_mean", "chg_sd"}


def test_a_changed_number_is_a_mismatch(pooled):
    """The comparison can fail: one count off by one is reported."""
    data, out = pooled
    bench = _module("bench_pooled")
    peer = bench.peer_pandas(data)
    key = next(k for k in peer if k.startswith("ae|d20|"))
    peer[key] += 1
    assert len(bench.compare("pandas", peer, bench.tlf_numbers(out))) == 1


def test_only_the_variables_the_specs_use_are_read(pooled):
    """Column projection: ADLB's variables no spec names (LBSEQ, ANRLO, ...) are not read."""
    from tlf.build import prepare
    from tlf.spec.validate import load_study

    data, _ = pooled
    study = load_study(REPO / "benchmarks" / "pooled" / "specs")
    studydata, _, _ = prepare(study, data)
    adlb = set(studydata.dataset("adlb").frame.columns)
    assert {"USUBJID", "PARAMCD", "AVISIT", "AVAL", "CHG", "ANL01FL"} <= adlb
    assert not adlb & {"LBSEQ", "ANRLO", "ANRHI", "PARCAT1", "ADT", "TRTA", "STUDYID"}
    adae = set(studydata.dataset("adae").frame.columns)
    assert adae == {"USUBJID", "AEBODSYS", "AEDECOD", "TRTEMFL"}


def test_projection_reads_the_same_values_as_the_whole_file(pooled):
    """A projected Parquet read gives the values pandas reads from the whole file (text as Python str objects
    without trailing blanks, missing as ""; numbers as they are), in the file's order of columns."""
    import pandas as pd

    from tlf.data.read import read_dataset

    data, _ = pooled
    whole = pd.read_parquet(data / "adae.parquet")
    part = read_dataset(data / "adae.parquet", "adae", project=frozenset({"USUBJID", "TRTEMFL", "ASTDY"})).frame
    assert list(part.columns) == ["USUBJID", "ASTDY", "TRTEMFL"]
    for c in ("USUBJID", "TRTEMFL"):
        assert part[c].dtype == object
        assert part[c].tolist() == [v.rstrip(" ") if isinstance(v, str) else "" for v in whole[c]]
    assert "" in set(part["TRTEMFL"]) and "Y" in set(part["TRTEMFL"])
    pd.testing.assert_series_equal(part["ASTDY"], whole["ASTDY"])


def test_period_templates_project_every_period():
    """A spec variable written with a period template (`TRT{pp}A`) reads the variable of every period."""
    from tlf.data.parquet import projected

    names = ["USUBJID", "TRT01A", "TRT02A", "TRTA", "TRT1A", "AGE", "SEX"]
    assert projected(names, frozenset({"USUBJID", "TRT{PP}A", "AGE"})) == ["USUBJID", "TRT01A", "TRT02A", "AGE"]
    assert projected(names, frozenset({"TRT{P}A"})) == ["TRT01A", "TRT02A", "TRT1A"]


def test_a_study_with_a_listing_reads_whole_files(tmp_path):
    """A listing may print any variable: a study with one reads its Parquet files whole."""
    import shutil

    from tlf.build_data import used_variables
    from tlf.spec.validate import load_study

    specs = tmp_path / "specs"
    shutil.copytree(REPO / "benchmarks" / "pooled" / "specs", specs)
    assert set(used_variables(load_study(specs))) == {"adsl", "adae", "adlb"}
    (specs / "l-ae.yaml").write_text(
        "id: l-ae\ntype: listing\nnumber: Listing 1\ntitle: Adverse events\ndataset: adae\npopulation: SAF\n"
        "columns: [{var: USUBJID, label: Subject}, {var: AEDECOD, label: Preferred term}]\n")
    assert used_variables(load_study(specs)) == {}
