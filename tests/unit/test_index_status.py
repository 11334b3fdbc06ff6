"""The review index (issue 19 item 8): when each output was built; after a partial build the other outputs
show their own last build (not "skipped"); an output whose spec, study.yaml or data changed since its
build is "stale" (a file touched but not changed is not); a bundle older than an output's DOCX is stale."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from tests.conftest import write_study
from tlf.build import build
from tlf.cli import main
from tlf.review.index import INDEX


def _row(html: str, oid: str) -> str:
    m = re.search(rf'<tr id="{oid}">(.*?)</tr>', html, re.S)
    assert m, oid
    return m.group(1)


def _age(path: Path, seconds: float) -> None:
    """Set the file's modification time `seconds` into the past (no sleeping for the clock)."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def _redraw(specs: Path, out: Path) -> str:
    assert main(["bundle", "--specs", str(specs), "--out", str(out)]) == 0
    return (out / INDEX).read_text()


def test_partial_builds_stale_outputs_and_bundle(tmp_path):
    specs = write_study(tmp_path)
    out = tmp_path / "out"
    for f in [*specs.glob("*.yaml"), *(specs / "data").glob("*.csv")]:
        _age(f, 3600)  # inputs written an hour ago
    assert build(specs, out, ["all"]).ok
    html = _redraw(specs, out)
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
    for oid in ("t-demog", "t-ae"):
        row = _row(html, oid)
        assert 'class="status built"' in row and re.search(rf'class="note built-at">{stamp}</div>', row), row
        assert "stale" not in row
    assert "bundle-stale" not in html and re.search(rf"bundle.docx</a> \(all outputs in one DOCX\), written {stamp}",
                                                    html)
    first_time = re.search(rf'class="note built-at">({stamp})', _row(html, "t-demog")).group(1)

    # a partial build: t-demog keeps its last build (its time, marked as earlier), the bundle is now stale
    for name in ("t-demog.docx", "t-ae.docx"):
        _age(out / name, 120)
    _age(out / "bundle.docx", 60)  # written after the outputs
    assert build(specs, out, ["t-ae"]).ok
    html = (out / INDEX).read_text()
    demog = _row(html, "t-demog")
    assert "skipped" not in html
    assert 'class="status built"' in demog and f"{first_time} (an earlier build)" in demog
    assert "(an earlier build)" not in _row(html, "t-ae")
    assert "1 built, 0 failed, 1 not in this build" in html
    m = re.search(r'class="stale bundle-stale">stale: 1 output\(s\) built since \(t-ae\); run tlf bundle<', html)
    assert m, html
    assert "bundle-stale" not in _redraw(specs, out)  # a new bundle is current

    # touched but unchanged: not stale; the spec changed: stale; the AE data changed: only t-ae is stale
    os.utime(specs / "t-demog.yaml")
    os.utime(specs / "data" / "adae.csv")
    html = _redraw(specs, out)
    assert "stale:" not in html
    spec = specs / "t-demog.yaml"
    spec.write_text(spec.read_text() + "# edited\n")
    adae = specs / "data" / "adae.csv"
    adae.write_text(adae.read_text() + adae.read_text().splitlines()[-1] + "\n")
    html = _redraw(specs, out)
    assert 'class="stale">stale: spec changed since' in _row(html, "t-demog")
    assert 'class="stale">stale: adae changed since' in _row(html, "t-ae")
    # study.yaml concerns every output; the population's has_records data set (adex) too
    study = specs / "study.yaml"
    study.write_text(study.read_text() + "# edited\n")
    adex = specs / "data" / "adex.csv"
    adex.write_text(adex.read_text() + "\n")
    html = _redraw(specs, out)
    assert "stale: spec, study.yaml, adex changed since" in _row(html, "t-demog")
    assert "stale: study.yaml, adae, adex changed since" in _row(html, "t-ae")
    # rebuilt: current again
    assert build(specs, out, ["all"]).ok
    html = (out / INDEX).read_text()
    assert "stale" not in _row(html, "t-demog") and "stale" not in _row(html, "t-ae")
