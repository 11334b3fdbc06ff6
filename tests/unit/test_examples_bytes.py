"""The committed example data are exactly what the code generates: `tlf example` writes files whose
sha256 equal the committed ones, byte for byte, in any time zone and with SOURCE_DATE_EPOCH set or not
(the transport headers' created/modified date-times are the study's fixed stamp, tlf/examples/xpt.py).

If a change to a generator is meant to change the data, regenerate and commit them:
    python -m tlf example --study A --out tlf/examples/data/study_a --force
    python -m tlf example --study B --out tlf/examples/data/study_b --force
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pyreadstat = pytest.importorskip("pyreadstat")

from tlf.examples import study_a, study_b  # noqa: E402
from tlf.examples.xpt import STAMP_FIELDS, STAMP_LEN, set_header_stamps, stamp_text  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "tlf" / "examples" / "data"
STUDIES = {"A": (DATA / "study_a", study_a.FILE_STAMP), "B": (DATA / "study_b", study_b.FILE_STAMP)}


def _sha256s(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.xpt"))}


@pytest.mark.parametrize("study", sorted(STUDIES))
def test_tlf_example_gives_the_committed_bytes(study, tmp_path):
    """The CLI in a fresh interpreter, in a time zone far from UTC and with SOURCE_DATE_EPOCH set (the
    generators ignore it on purpose): every file's sha256 equals the committed file's."""
    committed, _stamp = STUDIES[study]
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "SOURCE_DATE_EPOCH": "86400"}
    res = subprocess.run([sys.executable, "-m", "tlf", "example", "--study", study, "--out", str(tmp_path)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    assert _sha256s(tmp_path) == _sha256s(committed)
    assert len(_sha256s(committed)) == {"A": 6, "B": 4}[study]


@pytest.mark.parametrize("study", sorted(STUDIES))
def test_header_stamps_are_the_study_stamp(study):
    """All four created/modified fields hold the study's stamp: in the bytes at the TS-140 offsets, as
    pandas' XPORT reader parses them (library and member header) and as pyreadstat reports them (it reads
    the library's modified date-time for both)."""
    committed, stamp = STUDIES[study]
    text = stamp_text(stamp).encode()
    for path in sorted(committed.glob("*.xpt")):
        raw = path.read_bytes()
        assert [raw[o:o + STAMP_LEN] for o in STAMP_FIELDS.values()] == [text] * 4, path.name
        with pd.read_sas(path, format="xport", iterator=True, encoding="infer") as reader:
            file_info, member_info = reader.file_info, reader.member_info
        assert (file_info["created"], file_info["modified"]) == (stamp, stamp), path.name
        assert (member_info["created"], member_info["modified"]) == (stamp, stamp), path.name
        assert member_info["set_name"] == path.stem.upper()
        _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
        assert (meta.creation_time, meta.modification_time) == (stamp, stamp), path.name


def test_stamps_are_the_data_cutoffs():
    assert study_a.FILE_STAMP == dt.datetime(2018, 9, 30) and stamp_text(study_a.FILE_STAMP) == "30SEP18:00:00:00"
    assert study_b.FILE_STAMP == dt.datetime(2013, 6, 30) and stamp_text(study_b.FILE_STAMP) == "30JUN13:00:00:00"


def test_stamp_text():
    assert stamp_text(dt.datetime(2000, 1, 2, 3, 4, 5)) == "02JAN00:03:04:05"
    assert stamp_text(dt.datetime(1999, 12, 31, 23, 59, 59)) == "31DEC99:23:59:59"


def test_set_header_stamps_changes_only_the_four_fields(tmp_path):
    df = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AVAL": [1.5, float("nan")]})
    path = tmp_path / "x.xpt"
    pyreadstat.write_xport(df, str(path), file_format_version=5, table_name="X", file_label="a label")
    before = path.read_bytes()
    expected = pyreadstat.read_xport(str(path))[0], pd.read_sas(path, format="xport", encoding="infer")
    when = dt.datetime(2011, 2, 3, 4, 5, 6)
    set_header_stamps(path, when)
    after = path.read_bytes()
    assert len(after) == len(before)
    changed = {i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    allowed = {o + k for o in STAMP_FIELDS.values() for k in range(STAMP_LEN)}
    assert changed <= allowed
    back, meta = pyreadstat.read_xport(str(path))
    pd.testing.assert_frame_equal(back, expected[0])
    pd.testing.assert_frame_equal(pd.read_sas(path, format="xport", encoding="infer"), expected[1])
    assert back.USUBJID.tolist() == ["S-1", "S-2"] and back.AVAL.iloc[0] == 1.5 and pd.isna(back.AVAL.iloc[1])
    assert meta.table_name == "X" and meta.file_label == "a label" and meta.modification_time == when
    with pd.read_sas(path, format="xport", iterator=True, encoding="infer") as reader:
        assert reader.member_info["created"] == when and reader.member_info["label"] == "a label"


def test_set_header_stamps_refuses_another_layout(tmp_path):
    """A version 8 transport file (other header records) is not overwritten."""
    path = tmp_path / "v8.xpt"
    pyreadstat.write_xport(pd.DataFrame({"A": [1.0]}), str(path), file_format_version=8)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="TS-140"):
        set_header_stamps(path, dt.datetime(2011, 2, 3))
    assert path.read_bytes() == before


def test_tlf_example_never_overwrites_other_files_silently(tmp_path, capsys):
    """A user's adsl.xpt in the folder stops `tlf example` before anything is written (exit 2, the file
    named, the user's bytes kept, no other file and no temporary folder left); the same data again is a
    no-op that succeeds; --force replaces the user's file with the committed example bytes."""
    from tlf.cli import main

    out = tmp_path / "b"
    out.mkdir()
    (out / "adsl.xpt").write_bytes(b"my own ADSL")
    assert main(["example", "--study", "B", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'adsl.xpt'} already exists with other contents; nothing was written" in err and "OUT005" in err
    assert (out / "adsl.xpt").read_bytes() == b"my own ADSL"
    assert sorted(p.name for p in out.iterdir()) == ["adsl.xpt"]
    assert main(["example", "--study", "B", "--out", str(out), "--force"]) == 0
    committed = _sha256s(DATA / "study_b")
    assert _sha256s(out) == committed
    assert main(["example", "--study", "B", "--out", str(out)]) == 0  # identical files: nothing to refuse
    assert _sha256s(out) == committed
