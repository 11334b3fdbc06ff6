"""The Parquet cache of SAS inputs (tlf/data/cache.py): the same datasets, the same ARD bytes with and without
it; an entry is keyed by the file's content, so a changed file is read again; `tlf data cache` fills it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from tlf.build import build
from tlf.cli import main
from tlf.data.cache import ParquetCache
from tlf.data.hashing import sha256_file as file_sha256
from tlf.data.read import read_dataset

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "specs"  # study A: .xpt inputs
OUTPUTS = ["t-14-1-1", "t-14-2-1", "t-14-3-1"]


def _xpt(path: Path, values: list[str]) -> Path:
    import pyreadstat

    df = pd.DataFrame({"USUBJID": [f"S-{i}" for i in range(len(values))], "AETERM": values,
                       "AGE": [float(40 + i) for i in range(len(values))]})
    pyreadstat.write_xport(df, str(path), file_format_version=5, column_labels=["Subject", "Term", "Age"])
    return path


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    assert list(a.frame.dtypes) == list(b.frame.dtypes) and a.labels == b.labels and a.notes == b.notes


def test_a_cached_dataset_is_the_one_read_from_the_file(tmp_path):
    path = _xpt(tmp_path / "adae.xpt", ["Headache  ", "", "Nausea"])
    cache = ParquetCache(tmp_path / "cache")
    direct = read_dataset(path, "adae")

    def read():
        return read_dataset(path, "adae")

    first = cache.read(path, "adae", None, None, read)
    second = cache.read(path, "adae", None, None, read)
    assert (cache.misses, cache.hits) == (1, 1)
    _same(direct, first)
    _same(direct, second)
    assert second.frame["AETERM"].tolist() == ["Headache", "", "Nausea"]  # trailing blanks gone, as read
    names = sorted(p.name for p in (tmp_path / "cache").iterdir())
    key = file_sha256(path)
    assert key == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [n.split("-")[0] for n in names] == [key, key] and {Path(n).suffix for n in names} == {".json", ".parquet"}


def test_a_changed_file_is_read_again(tmp_path):
    path = _xpt(tmp_path / "adae.xpt", ["Headache", "Nausea"])
    cache = ParquetCache(tmp_path / "cache")
    cache.read(path, "adae", None, None, lambda: read_dataset(path, "adae"))
    _xpt(path, ["Rash", "Nausea"])  # the same size: only the content tells
    again = cache.read(path, "adae", None, None, lambda: read_dataset(path, "adae"))
    assert cache.misses == 2 and again.frame["AETERM"].tolist() == ["Rash", "Nausea"]


def test_keep_and_name_are_part_of_the_key(tmp_path):
    path = _xpt(tmp_path / "adae.xpt", ["Headache", "Nausea"])
    cache = ParquetCache(tmp_path / "cache")
    full = cache.read(path, "adae", None, None, lambda: read_dataset(path, "adae"))
    kept = cache.read(path, "adae", None, ["USUBJID", "AGE"],
                      lambda: read_dataset(path, "adae", keep=["USUBJID", "AGE"]))
    assert list(full.frame.columns) == ["USUBJID", "AETERM", "AGE"] and list(kept.frame.columns) == ["USUBJID", "AGE"]
    assert cache.misses == 2


def test_a_damaged_entry_is_read_from_the_file_again(tmp_path):
    path = _xpt(tmp_path / "adae.xpt", ["Headache", "Nausea"])
    cache = ParquetCache(tmp_path / "cache")
    cache.read(path, "adae", None, None, lambda: read_dataset(path, "adae"))
    for p in (tmp_path / "cache").glob("*.parquet"):
        p.write_bytes(b"not parquet")
    again = cache.read(path, "adae", None, None, lambda: read_dataset(path, "adae"))
    assert cache.misses == 2
    _same(read_dataset(path, "adae"), again)


@pytest.fixture(scope="module")
def study_a_ards(tmp_path_factory):
    root = tmp_path_factory.mktemp("cache")
    out = {}
    for name, cache in (("plain", None), ("fill", root / "c"), ("hit", root / "c")):
        report = build(SPECS, root / name, OUTPUTS, formats=(), cache=cache)
        assert report.ok, [str(o.error) for o in report.outputs]
        out[name] = {p.name: p.read_bytes() for p in sorted((root / name).glob("*.csv"))}
    return root, out


def test_the_ard_bytes_are_the_same_with_and_without_the_cache(study_a_ards):
    root, ards = study_a_ards
    assert len(ards["plain"]) == len(OUTPUTS)
    assert ards["plain"] == ards["fill"] == ards["hit"]
    assert len(list((root / "c").glob("*.parquet"))) >= 2  # adsl, adae (at least) were cached


def test_tlf_data_cache_fills_the_folder_build_reads(tmp_path, capsys):
    cache = tmp_path / ".tlf-cache"  # beside the output folder
    assert main(["data", "cache", "--specs", str(SPECS), "--out", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert "adsl: " in text and "converted" in text and str(cache) in text
    n = len(list(cache.glob("*.parquet")))
    assert n >= 5
    assert main(["data", "cache", "--specs", str(SPECS), "--cache", str(cache)]) == 0
    assert "converted" not in capsys.readouterr().out  # all in the cache now
    assert len(list(cache.glob("*.parquet"))) == n


def test_tlf_check_reads_through_the_cache(tmp_path, capsys):
    plain = main(["check", "--specs", str(SPECS)])
    plain_out = capsys.readouterr()
    cached = [main(["check", "--specs", str(SPECS), "--cache", str(tmp_path / "c")]) for _ in range(2)]
    outs = capsys.readouterr()
    assert cached == [plain, plain]
    assert outs.out == plain_out.out * 2  # the same summary (populations) every time
    assert len(list((tmp_path / "c").glob("*.parquet"))) >= 2
