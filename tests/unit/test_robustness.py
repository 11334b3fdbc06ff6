"""Messy and hostile input: encodings, characters documents cannot hold, unsafe ids, interrupted builds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ADAE_CSV, AE_YAML, DEMOG_YAML, write_study
from tlf.build import build
from tlf.data.read import read_dataset
from tlf.errors import DataError, TlfError


def latin1_xpt(path: Path) -> Path:
    import pandas as pd
    import pyreadstat

    df = pd.DataFrame({"USUBJID": ["S-01", "S-02"], "AETERM": ["SjXgren syndrome", "XXg/mL dose"]})
    pyreadstat.write_xport(df, str(path), file_format_version=5)
    # same length: "µ" is one byte in Windows-1252, and the field is blank-padded (a shorter file is cut short)
    raw = path.read_bytes().replace(b"SjXgren", b"Sj\xf6gren").replace(b"XXg/mL dose", b"\xb5g/mL dose ")
    path.write_bytes(raw)
    return path


def test_latin1_sas_file_is_detected(tmp_path):
    ds = read_dataset(latin1_xpt(tmp_path / "ae.xpt"), "adae")
    assert ds.frame.AETERM.tolist() == ["Sjögren syndrome", "µg/mL dose"]
    assert any("read as WINDOWS-1252" in n for n in ds.notes)


def test_encoding_set_in_spec_is_used(tmp_path):
    ds = read_dataset(latin1_xpt(tmp_path / "ae.xpt"), "adae", encoding="latin1")
    assert ds.frame.AETERM.tolist() == ["Sjögren syndrome", "µg/mL dose"] and not ds.notes
    with pytest.raises(DataError, match="cannot decode ae.xpt as UTF-8"):
        read_dataset(tmp_path / "ae.xpt", "adae", encoding="UTF-8")


HOSTILE = ADAE_CSV.replace("S-02,Nausea,", "S-02,Pain <left knee> & \"swelling\"\x0b\x0c ≥ µg/mL Sjögren,")


def test_hostile_text_reaches_documents_escaped(tmp_path):
    specs = write_study(tmp_path, adae=HOSTILE)
    out = tmp_path / "out"
    report = build(specs, out, ["all"])
    assert report.ok, [str(o.error) for o in report.outputs]
    assert any("adae.AEDECOD" in w and "USUBJID S-02" in w and "control characters" in w for w in report.warnings)
    import docx
    from openpyxl import load_workbook

    term = 'Pain <left knee> & "swelling"   ≥ µg/mL Sjögren'
    doc = docx.Document(str(out / "t-ae.docx"))
    texts = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert any(term in t for t in texts)
    ws = load_workbook(out / "t-ae.xlsx").worksheets[0]
    assert any(term in str(c.value) for row in ws.iter_rows() for c in row if c.value)


@pytest.mark.parametrize(("bad_id", "why"), [("con", "reserved by Windows"), ("a..b", "cannot be a file name"),
                                             ("../etc", "not a valid id"), ("/abs", "not a valid id"),
                                             ("LPT1.x", "reserved by Windows")])
def test_output_ids_cannot_escape_or_break_the_output_folder(tmp_path, bad_id, why):
    specs = write_study(tmp_path, outputs={"t": DEMOG_YAML.replace("id: t-demog", f"id: '{bad_id}'")})
    with pytest.raises(TlfError, match=why):
        build(specs, tmp_path / "out", ["all"])
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _many_outputs(n: int) -> dict[str, str]:
    return {f"t-{i:02d}": AE_YAML.replace("id: t-ae", f"id: t-{i:02d}") for i in range(n)}


def _assert_consistent(out: Path) -> set[str]:
    """No temp files; every file under out is recorded in the manifest with its hash."""
    import hashlib

    from tlf.qc.verify import REVIEW_FILES

    names = {p.name for p in out.iterdir()} - REVIEW_FILES  # the review index is redrawn, not an output
    assert not [n for n in names if n.startswith(".tlf-") or n.startswith(".manifest-")], names
    manifest = json.loads((out / "manifest.json").read_text()) if "manifest.json" in names else {"outputs": {}}
    recorded = {f: h for o in manifest["outputs"].values() for f, h in o["files"].items()}
    for name in names - {"manifest.json"}:
        assert name in recorded, f"{name} on disk but not in the manifest"
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == recorded[name]
    return set(manifest["outputs"])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_leaves_no_partial_output(tmp_path, sig):
    specs = write_study(tmp_path, outputs=_many_outputs(12))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "tlf", "build", "all", "--specs", str(specs), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until at least two outputs are complete, then interrupt
        m = out / "manifest.json"
        if m.exists() and len(json.loads(m.read_text())["outputs"]) >= 2:
            break
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("build finished before the signal arrived")
    assert proc.returncode == 130 and "interrupted" in err
    done = _assert_consistent(out)
    assert 2 <= len(done) < 12
    assert build(specs, out, ["all"]).ok  # the next build completes over what is there
    assert len(_assert_consistent(out)) == 12


def test_exception_in_tenth_output_keeps_the_others(tmp_path, monkeypatch):
    specs = write_study(tmp_path, outputs=_many_outputs(12))
    import tlf.build as b

    real = b.compute_output

    def flaky(study, entry, *a, **k):
        if entry.id == "t-09":
            raise DataError("simulated failure", dataset="adae")
        return real(study, entry, *a, **k)

    monkeypatch.setattr(b, "compute_output", flaky)
    report = build(specs, tmp_path / "out", ["all"])
    assert [o.output_id for o in report.outputs if o.status == "failed"] == ["t-09"]
    done = _assert_consistent(tmp_path / "out")
    assert len(done) == 11 and "t-09" not in done


def test_subprocess_failure_exit_code_and_message(tmp_path):
    specs = write_study(tmp_path, adsl="USUBJID,TRT01A\nS-01,Drug A\nS-01,Drug A\n")
    res = subprocess.run([sys.executable, "-m", "tlf", "build", "all", "--specs", str(specs), "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, env={**os.environ})
    assert res.returncode == 2
    assert "error: adsl.USUBJID (USUBJID S-01): duplicate subject id 'S-01'" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("template", ["{{ ''.__class__.__mro__[1].__subclasses__() }}",
                                      "{{ study.__class__ }}", "{% for x in range(10**9) %}{% endfor %}{{ cycler.__init__.__globals__ }}"])
def test_templates_cannot_reach_python(tmp_path, template):
    text = DEMOG_YAML.replace("title: Demographics", f"title: Demographics\nfootnotes: [\"{template}\"]")
    specs = write_study(tmp_path, outputs={"t-demog": text})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    err = report.outputs[0].error
    assert err is not None and ("template not allowed" in str(err) or "unknown name" in str(err)
                                or "bad template" in str(err)), err


def test_hostile_text_converts_in_libreoffice(tmp_path):
    from tests.office import HAVE_OFFICE, pdf_text, to_pdf

    if not HAVE_OFFICE:
        pytest.skip("LibreOffice / poppler not installed")
    specs = write_study(tmp_path, adae=HOSTILE)
    out = tmp_path / "out"
    assert build(specs, out, ["t-ae"]).ok
    text = pdf_text(to_pdf(out / "t-ae.docx", tmp_path))
    assert "Pain <left knee> &" in text and "Sjögren" in text
