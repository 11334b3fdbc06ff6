"""A content-addressed Parquet cache of converted SAS inputs (.xpt, .sas7bdat).

Reading a large SAS file is slow in every tool (a 5M-record transport file takes a minute); the same
dataset read back from Parquet takes a fraction of that. `read_cached` keys a converted dataset by the
SHA-256 of the file's bytes (always computed: no size-and-time shortcut, so a file changed in place with
its time kept is still seen) and by what shapes the conversion (the dataset's name, `encoding`, `keep`,
and this cache's format version): a changed file has another hash, so its old entry is simply not used
(`prune` removes entries no file has any more).

An entry is `<key>.parquet` (the frame tlf.data.read.read_dataset returned) and `<key>.json` (its labels,
notes, and the source file's name, size and hash), written to temporary files and renamed into place, the
JSON last: an entry without its JSON is not an entry. Before an entry is kept it is read back and compared
with the frame read from the SAS file (values, types, index); a frame Parquet cannot hold exactly is not
cached (read from the SAS file every time), so a build gives the same numbers with and without the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.data.hashing import sha256_file
from tlf.errors import DataError

if TYPE_CHECKING:
    from tlf.data.read import Dataset

CACHED = (".xpt", ".sas7bdat")
FORMAT = 1  # bump when what an entry holds, or how the frame is read, changes
FOLDER = ".tlf-cache"  # the default cache folder's name, beside the output folder



def entry_key(sha256: str, name: str, encoding: str | None, keep) -> str:
    """The file's hash and a short hash of what shapes its conversion."""
    shape = json.dumps([FORMAT, name, encoding, list(keep) if keep else None])
    return f"{sha256}-{hashlib.sha256(shape.encode()).hexdigest()[:16]}"


class ParquetCache:
    """The cache in `folder` (created when the first entry is written)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self.outcome: dict[str, str] = {}  # dataset name -> what happened ("in the cache", "converted", ...)

    def read(self, path: Path, name: str, encoding: str | None, keep, read) -> Dataset:
        """The dataset of SAS file `path` from the cache, else `read()` (tlf.data.read.read_dataset) and
        stored. Other files are read as they are."""
        if Path(path).suffix.lower() not in CACHED or not Path(path).is_file():
            return read()
        key = entry_key(sha256_file(path), name, encoding, keep)
        found = self._load(key, path, name)
        if found is not None:
            self.hits += 1
            self.outcome[name] = "in the cache"
            return found
        self.misses += 1
        ds = read()
        stored = self._store(key, ds)
        self.outcome[name] = "converted" if stored else "read from the file (not cached)"
        return ds

    def _load(self, key: str, path: Path, name: str) -> Dataset | None:
        from tlf.data.read import Dataset

        meta_file, frame_file = self.folder / f"{key}.json", self.folder / f"{key}.parquet"
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            frame = _read_frame(frame_file, meta["object_columns"])
        except (OSError, ValueError, KeyError):  # no entry (or a damaged one: read the SAS file again)
            return None
        except Exception:  # pyarrow's own errors on a damaged file
            return None
        return Dataset(name, frame, dict(meta["labels"]), Path(path), tuple(meta["notes"]))

    def _store(self, key: str, ds: Dataset) -> bool:
        """Write the entry if Parquet gives the frame back exactly; a cache that cannot be written is skipped
        (the build goes on reading the SAS file)."""
        try:
            objects = [str(c) for c in ds.frame.columns if ds.frame[c].dtype == object]
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=self.folder)
            os.close(fd)
            try:
                ds.frame.to_parquet(tmp)
                back = _read_frame(tmp, objects)
                if not _same(ds.frame, back):
                    return False
                os.replace(tmp, self.folder / f"{key}.parquet")
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            meta = {"object_columns": objects, "labels": ds.labels, "notes": list(ds.notes), "file": str(ds.path),
                    "size": Path(ds.path).stat().st_size, "sha256": key.split("-")[0], "format": FORMAT}
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.folder)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(meta, f, indent=1, sort_keys=True)
            os.replace(tmp, self.folder / f"{key}.json")
        except Exception:  # noqa: BLE001 -- a full disk, a read-only folder, a frame pyarrow cannot write
            return False
        return True


def _read_frame(path, objects: list[str]):
    """The Parquet file as a frame, its text columns as Python objects again (tlf's frames hold text as
    `object`; pandas may read Parquet text as its own string type)."""
    import pandas as pd

    frame = pd.read_parquet(path)
    for c in objects:
        if frame[c].dtype != object:
            frame[c] = frame[c].astype(object)
    return frame


def _same(a, b) -> bool:
    """Frames equal in values, dtypes, column names and index (and the kind of values of text columns:
    dates stay dates)."""
    if list(a.columns) != list(b.columns) or not a.index.equals(b.index) or not a.dtypes.equals(b.dtypes):
        return False
    if not a.equals(b):
        return False
    from pandas.api.types import infer_dtype

    return all(infer_dtype(a[c]) == infer_dtype(b[c]) for c in a.columns if a[c].dtype == object)


def warm_cache(cache: ParquetCache, data) -> list[str]:
    """Read every SAS file of a study through the cache (`tlf data cache`); a line per dataset."""
    lines = []
    for name, source in data.datasets.items():
        if source.file is None or Path(source.file).suffix.lower() not in CACHED:
            continue
        try:
            ds = data.dataset(name)
        except DataError as e:
            lines.append(f"{name}: {e}")
            continue
        lines.append(f"{name}: {len(ds.frame):,} records, {cache.outcome.get(name, 'read')}")
    return lines
