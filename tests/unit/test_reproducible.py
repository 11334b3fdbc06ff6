"""Reproducible builds (SOURCE_DATE_EPOCH, tlf/clock.py, tlf/render/package.py): two builds of the same
specs and data into different folders give byte-identical DOCX, XLSX and CSV files, every time in them
is the epoch's, and `tlf verify --manifest` proves a rebuild. Without the variable, one time per build.

The study has tables, a listing and two kinds of figure (mean by visit, Kaplan-Meier); the second build
runs in another time zone, so a local-time date anywhere would show."""

from __future__ import annotations

import calendar
import json
import re
import shutil
import struct
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import AE_YAML, DEMOG_YAML, STUDY_YAML, write_study
from tests.unit.test_figures import ADVS
from tests.unit.test_figures import FIGURE as MEAN_FIGURE
from tests.unit.test_time_to_event import ADTTE
from tests.unit.test_time_to_event import FIGURE as KM_FIGURE
from tlf.build import build
from tlf.cli import main
from tlf.qc.verify import verify_build

EPOCH = 1780000000  # 2026-05-28 20:26:40 UTC (an even second: zip dates have 2-second steps)
EPOCH_UTC = time.gmtime(EPOCH)[:6]
LISTING = """\
id: l-ae
type: listing
number: Listing 1
title: Adverse events
population: SAF
dataset: adae
sort: [USUBJID, AEDECOD]
columns:
  - {var: USUBJID, label: Subject, key: true}
  - {var: AEDECOD, label: Preferred term}
  - {var: AESEV, label: Severity}
"""
OUTPUTS = {"t-demog": DEMOG_YAML, "t-ae": AE_YAML, "f-mean": MEAN_FIGURE.replace("id: f-1", "id: f-mean"),
           "f-km": KM_FIGURE, "l-ae": LISTING}
KINDS = (".docx", ".xlsx", ".csv")


def _study(root: Path) -> Path:
    study = STUDY_YAML.replace("    adae: {file: adae.csv}",
                               "    adae: {file: adae.csv}\n    advs: {file: advs.csv}\n    adtte: {file: adtte.csv}")
    specs = write_study(root, study=study, outputs=OUTPUTS)
    (specs / "data" / "advs.csv").write_text(ADVS)
    (specs / "data" / "adtte.csv").write_text(ADTTE)
    return specs


def _set_tz(mp: pytest.MonkeyPatch, tz: str) -> None:
    mp.setenv("TZ", tz)
    time.tzset()


def _build(specs: Path, out: Path, **kw):
    report = build(specs, out, ["all"], **kw)
    assert report.ok, [str(o.error) for o in report.outputs]
    return report


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """The study built twice with SOURCE_DATE_EPOCH set: in UTC into a/, in UTC-4/-5 into b/."""
    root = tmp_path_factory.mktemp("repro")
    specs = _study(root)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
            _set_tz(mp, "UTC")
            _build(specs, root / "a")
            _set_tz(mp, "America/New_York")
            _build(specs, root / "b")
    finally:
        time.tzset()  # the environment is restored: back to the machine's zone
    return specs, root / "a", root / "b"


def _files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.suffix in KINDS)


def _packages(out: Path) -> list[Path]:
    return [out / n for n in _files(out) if n.endswith((".docx", ".xlsx"))]


def _png_chunks(png: bytes) -> list[str]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, i = [], 8
    while i < len(png):
        (n,) = struct.unpack(">I", png[i:i + 4])
        kinds.append(png[i + 4:i + 8].decode("ascii"))
        i += 12 + n
    return kinds


def _docx_footer_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for s in docx.Document(str(path)).sections for p in s.footer.paragraphs)


def _xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True).worksheets[0]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


# --- with SOURCE_DATE_EPOCH ---------------------------------------------------------------------------------


def test_two_builds_are_byte_identical(twice):
    _, a, b = twice
    names = _files(a)
    assert names == _files(b)
    expected = {f"{o}.{ext}" for o in OUTPUTS for ext in ("docx", "xlsx")}
    expected |= {f"{o}.ard.csv" for o in OUTPUTS if not o.startswith("l-")} | {"l-ae.data.csv"}
    assert set(names) == expected
    differ = [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]
    assert not differ, f"differ between two builds: {differ}"


def test_zip_entries_are_dated_with_the_epoch_in_utc(twice):
    _, a, b = twice
    assert EPOCH_UTC == (2026, 5, 28, 20, 26, 40)
    for path in _packages(a) + _packages(b):
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            assert {i.date_time for i in infos} == {EPOCH_UTC}, path.name
            assert infos[0].filename == "[Content_Types].xml"
            assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
            assert z.testzip() is None


def test_document_properties_carry_the_epoch(twice):
    import docx
    from openpyxl import load_workbook

    _, a, _ = twice
    stamp = datetime(*EPOCH_UTC)
    for path in _packages(a):
        if path.suffix == ".docx":
            props = docx.Document(str(path)).core_properties
            got = {props.created.replace(tzinfo=None), props.modified.replace(tzinfo=None)}
        else:
            props = load_workbook(path).properties
            got = {props.created, props.modified}
        assert got == {stamp}, path.name
        assert props.title and props.identifier == path.name.rsplit(".", 1)[0]
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode()
        assert core.count("2026-05-28T20:26:40Z") == 2, core


def test_no_python_docx_template_leftovers(twice):
    """No DOCX carries python-docx's template thumbnail (a picture of someone else's page that file
    browsers show) or its "generated by python-docx" description, and every relationship of the package
    still points at a part that exists; LibreOffice-independent check with the zip and python-docx."""
    import docx

    _, a, _ = twice
    for path in _packages(a):
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            assert not any("thumbnail" in n for n in names), path.name
            rels = z.read("_rels/.rels").decode()
            targets = re.findall(r'Target="/?([^"]+)"', rels)
        assert targets and all(t in names for t in targets), (path.name, targets)
        if path.suffix == ".docx":
            assert docx.Document(str(path)).core_properties.comments == ""


def test_provenance_line_shows_the_epoch(twice):
    _, a, _ = twice
    for path in _packages(a):
        text = _docx_footer_text(path) if path.suffix == ".docx" else _xlsx_text(path)
        assert "; run 2026-05-28T20:26 UTC" in text, (path.name, text)


def test_pictures_carry_no_metadata_text(twice):
    _, a, _ = twice
    seen = 0
    for name in ("f-mean.docx", "f-mean.xlsx", "f-km.docx", "f-km.xlsx"):
        with zipfile.ZipFile(a / name) as z:
            for member in (n for n in z.namelist() if n.endswith(".png")):
                kinds = _png_chunks(z.read(member))
                assert kinds[0] == "IHDR" and kinds[-1] == "IEND" and "IDAT" in kinds
                assert not {"tEXt", "iTXt", "zTXt", "tIME"} & set(kinds), (name, kinds)
                seen += 1
    assert seen == 4


def test_manifest_records_the_epoch_and_a_rebuild_verifies_against_it(twice, capsys):
    _, a, b = twice
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["build"]["source_date_epoch"] == EPOCH
    assert manifest["build"]["stamped"] == "2026-05-28T20:26:40+00:00"
    assert {o["source_date_epoch"] for o in manifest["outputs"].values()} == {EPOCH}
    # the manifest is the build's record: its own dates are the wall clock's, not the epoch's
    assert not manifest["build"]["started_at"].startswith("2026-05-28T20:26:40")
    assert main(["verify", "--out", str(b), "--manifest", str(a / "manifest.json")]) == 0
    assert "ok: 5 output(s)" in capsys.readouterr().out


def test_a_rebuild_with_another_epoch_fails_verification_on_documents_only(twice, tmp_path, monkeypatch, capsys):
    specs, a, _ = twice
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86400))
    _build(specs, tmp_path / "c")
    res = verify_build(tmp_path / "c", a / "manifest.json")
    changed = sorted(Path(f.path).name for f in res.findings)
    assert {f.kind for f in res.findings} == {"output changed"}
    assert changed == sorted(n for n in _files(a) if n.endswith((".docx", ".xlsx")))  # the CSVs hold no time
    assert main(["verify", "--out", str(tmp_path / "c"), "--manifest", str(tmp_path / "nope.json")]) == 2
    assert "not found" in capsys.readouterr().err


def test_an_epoch_before_1980_dates_zip_entries_1980(tmp_path, monkeypatch):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    _build(specs, tmp_path / "out")
    for path in _packages(tmp_path / "out"):
        with zipfile.ZipFile(path) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            assert "1970-01-01T00:00:00Z" in z.read("docProps/core.xml").decode()
    assert "run 1970-01-01T00:00 UTC" in _docx_footer_text(tmp_path / "out" / "t-demog.docx")


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "1e9", "99999999999999"])
def test_a_malformed_epoch_is_an_input_error_and_writes_nothing(tmp_path, monkeypatch, capsys, value):
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert main(["build", "all", "--specs", str(specs), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "SOURCE_DATE_EPOCH" in err and "[ENV001]" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_bundle_is_reproducible(twice, tmp_path, monkeypatch):
    specs, a, _ = twice
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    copies = []
    for name in ("x", "y"):
        out = tmp_path / name
        shutil.copytree(a, out)
        assert main(["bundle", "--specs", str(specs), "--out", str(out)]) == 0
        copies.append((out / "bundle.docx").read_bytes())
    assert copies[0] == copies[1]
    with zipfile.ZipFile(tmp_path / "x" / "bundle.docx") as z:
        assert {i.date_time for i in z.infolist()} == {EPOCH_UTC}


# --- without SOURCE_DATE_EPOCH ------------------------------------------------------------------------------


def test_without_the_variable_one_time_per_build(tmp_path, monkeypatch):
    import docx

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    specs = write_study(tmp_path, outputs={"t-demog": DEMOG_YAML, "t-ae": AE_YAML, "l-ae": LISTING})
    before = int(time.time())
    _build(specs, tmp_path / "out")
    after = int(time.time())
    out = tmp_path / "out"
    dates = set()
    for path in _packages(out):
        with zipfile.ZipFile(path) as z:
            dates |= {i.date_time for i in z.infolist()}
    assert len(dates) == 1, dates  # every entry of every file: the same time
    (stamp,) = dates
    assert before - 2 <= calendar.timegm((*stamp, 0, 0, 0)) <= after  # UTC, to the zip's 2 seconds
    modified = docx.Document(str(out / "t-ae.docx")).core_properties.modified
    assert 0 <= modified.replace(tzinfo=UTC).timestamp() - calendar.timegm((*stamp, 0, 0, 0)) <= 1
    run = datetime(*stamp, tzinfo=UTC)  # the zip's even second is in the provenance's minute
    assert f"run {run:%Y-%m-%dT%H:%M} UTC" in _docx_footer_text(out / "t-ae.docx")
    assert json.loads((out / "manifest.json").read_text())["build"]["source_date_epoch"] is None
