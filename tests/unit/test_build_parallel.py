"""`tlf build -j N` (tlf/build_parallel.py): outputs computed in worker processes, published by the parent in
order; the files and the manifest are those of a serial build, byte for byte with SOURCE_DATE_EPOCH."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pytest

from tests.unit.test_reproducible import _study
from tlf.build import build
from tlf.build_parallel import can_fork
from tlf.errors import DataError, Finding, InternalError, Location, SpecError

pytestmark = pytest.mark.skipif(not can_fork(), reason="parallel builds fork worker processes")

EPOCH = 1700000000
VARYING = {"started_at", "ended_at", "updated_at", "built_at"}  # when the build really ran


def _hashes(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())
            if p.is_file() and p.name not in {"index.html", "index.json", "manifest.json"}}


def _manifest(out: Path) -> dict:
    """manifest.json without the times it was written and with the output folder's name taken out."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in VARYING}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x.replace(str(out), "OUT") if isinstance(x, str) else x
    return strip(json.loads((out / "manifest.json").read_text()))


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """A study of tables, figures (mean, Kaplan-Meier) and a listing built serially and with -j 2."""
    root = tmp_path_factory.mktemp("parallel")
    specs = _study(root)
    reports = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        for name, jobs in (("serial", 1), ("parallel", 2)):
            reports[name] = build(specs, root / name, ["all"], jobs=jobs)
            assert reports[name].ok, [str(o.error) for o in reports[name].outputs]
    return root, reports


def test_parallel_build_writes_the_serial_builds_files_byte_for_byte(both):
    root, _ = both
    serial, parallel = _hashes(root / "serial"), _hashes(root / "parallel")
    assert {Path(n).suffix for n in serial} >= {".docx", ".xlsx", ".csv"}
    assert any(n.startswith("f-") for n in serial) and any(n.startswith("l-") for n in serial)
    assert serial == parallel


def test_parallel_build_writes_the_same_manifest(both):
    root, _ = both
    assert _manifest(root / "serial") == _manifest(root / "parallel")


def test_parallel_report_lists_outputs_in_order_with_the_same_findings_and_warnings(both):
    _, reports = both
    s, p = reports["serial"], reports["parallel"]
    assert [(o.output_id, o.status, [f.name for f in o.files]) for o in s.outputs] == \
        [(o.output_id, o.status, [f.name for f in o.files]) for o in p.outputs]
    assert [str(f) for f in s.findings] == [str(f) for f in p.findings]
    assert s.warnings == p.warnings
    names = [x.name for x in (both[0] / "parallel").iterdir()]
    assert not [n for n in names if n.startswith(".tlf-")], names


def test_errors_cross_processes_with_their_location_and_code():
    e = SpecError("bad key", key="analyses[0].var", code="SPEC012", location=Location("t.yaml", 3, 5))
    back = pickle.loads(pickle.dumps(Finding(e, note=True)))
    assert str(back) == str(e) and back.code == "SPEC012" and back.note and back.error.location.line == 3
    d = pickle.loads(pickle.dumps(DataError("x", dataset="adae", variable="AESEV", usubjid="S-1", code="DATA050")))
    assert (d.dataset, d.variable, d.usubjid, d.code) == ("adae", "AESEV", "S-1", "DATA050")


def test_an_error_in_a_worker_fails_that_output_only(tmp_path, monkeypatch):
    """A bug (an unexpected exception) in one worker's output: that output fails with exit-3's InternalError,
    its traceback (from the worker) in the build's crash log; a spec error in another keeps its code; the
    others are built, and no temporary folder is left."""
    import tlf.build as b

    specs = _study(tmp_path)
    real = b.compute_output

    def flaky(study, entry, *a, **k):
        if entry.id == "t-ae":
            raise ZeroDivisionError("simulated bug in a worker")
        if entry.id == "f-mean":
            raise DataError("simulated data problem", dataset="advs", code="DATA050")
        return real(study, entry, *a, **k)

    monkeypatch.setattr(b, "compute_output", flaky)  # the workers are forked: they inherit the patch
    out = tmp_path / "out"
    report = build(specs, out, ["all"], jobs=2)
    failed = {o.output_id: o.error for o in report.outputs if o.status == "failed"}
    assert set(failed) == {"t-ae", "f-mean"}
    assert isinstance(failed["t-ae"], InternalError) and failed["t-ae"].exit_code == 3
    log = Path(failed["t-ae"].log).read_text()
    assert "simulated bug in a worker" in log and "in flaky" in log  # the worker's own traceback
    assert failed["f-mean"].code == "DATA050" and failed["f-mean"].dataset == "advs"
    built = [o.output_id for o in report.outputs if o.status == "built"]
    assert built == ["f-km", "l-ae", "t-demog"]  # in output order
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["outputs"]) == sorted(built)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".tlf-")]


def test_cli_jobs_option(tmp_path, capsys):
    from tlf.cli import main

    specs = _study(tmp_path)
    assert main(["build", "t-demog", "t-ae", "--specs", str(specs), "--out", str(tmp_path / "o"), "-j", "2"]) == 0
    err = capsys.readouterr().err
    assert err.index("[1/2] t-demog built") < err.index("[2/2] t-ae built")  # progress in output order
    with pytest.raises(SystemExit):
        main(["build", "all", "--specs", str(specs), "--out", str(tmp_path / "o"), "-j", "0"])


def test_parallel_shells_are_the_serial_shells(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    specs = _study(tmp_path)
    for name, jobs in (("serial", 1), ("parallel", 2)):
        assert build(specs, tmp_path / name, ["all"], shell=True, jobs=jobs).ok
    serial = _hashes(tmp_path / "serial")
    assert any(n.endswith(".shell.docx") for n in serial)
    assert serial == _hashes(tmp_path / "parallel")
    assert _manifest(tmp_path / "serial") == _manifest(tmp_path / "parallel")
