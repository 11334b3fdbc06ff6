"""A listing's records for QC: production's `<id>.data.csv` against the QC programmer's data set.

A listing has no statistics: `tlf build` writes the records it lists, as in the data, to
`<id>.data.csv`, and records in manifest.json the variables that identify a record (`id_vars`: the
subject id, the page-by variable, the variables of the key columns, then the sort keys of the spec).
The QC programmer's data set (.csv, .parquet, .xpt, .sas7bdat) is compared with it record by record,
matched by those variables as PROC COMPARE's ID statement matches observations:

    base = listing_source(Path("output/l-16-2-7-2.data.csv"))     # kind "listing", keys from the manifest
    base, qc = as_listing_pair(base, read_source("qc/l-16-2-7-2.xpt"))

Dates become text on both sides as `<id>.data.csv` holds them (2015-02-17; 2015-02-17 08:30:00 with
a time of day), so that a SAS date read from XPT or sas7bdat, a Parquet datetime and CSV text compare.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.errors import DataError
from tlf.qc.compare import CompareError, Source

if TYPE_CHECKING:
    import pandas as pd

LISTING_DATA = ".data.csv"  # what `tlf build` writes per listing
MANIFEST = "manifest.json"


def is_listing_data(path: Path | str) -> bool:
    return Path(path).name.lower().endswith(LISTING_DATA)


def listing_output_id(path: Path | str) -> str:
    name = Path(path).name
    return name[:-len(LISTING_DATA)] if is_listing_data(name) else Path(name).stem


def manifest_id_vars(folder: Path | str, output_id: str) -> tuple[str, ...] | None:
    """The ID variables manifest.json in `folder` records for listing `output_id` (None: not recorded)."""
    try:
        m = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        ids = m["outputs"][output_id]["id_vars"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return tuple(str(v) for v in ids) if isinstance(ids, list) and ids else None


def listing_source(path: Path | str, name: str | None = None, id_vars: tuple[str, ...] | None = None) -> Source:
    """Production's records of one listing (kind "listing"). `id_vars` default to those recorded in
    manifest.json next to the file; none recorded (a build by an older tlf, a copied file): () and the
    comparison infers them, as for any data set, and says so."""
    from tlf.data.read import read_dataset

    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise DataError(f"file not found: {path}", dataset=name, code="QC020")
    from tlf.data.csv_text import csv_restore_frame

    ds = read_dataset(path, name)
    frame = csv_restore_frame(ds.frame)  # text quoted against formulas ('=1+1) as it was (tlf/data/csv_text.py)
    oid = listing_output_id(path)
    keys = tuple(id_vars) if id_vars is not None else manifest_id_vars(path.parent, oid)
    note = ""
    if keys:
        note = (f"ID variables (listing {oid}: subject id, page-by, key columns and sort keys of its spec): "
                f"{', '.join(keys)}")
    return Source(name, dates_as_text(frame), "listing", str(path), keys or (), None, key_note=note)


def as_listing_pair(base: Source, comp: Source) -> tuple[Source, Source]:
    """When one side is a listing's records, the other must be a data set: both become kind "listing",
    with dates as text and the listing's ID variables. Other pairs are returned as they are."""
    if "listing" not in (base.kind, comp.kind):
        return base, comp
    for s in (base, comp):
        if s.kind not in ("listing", "dataset"):
            what = {"ard": "a results dataset (ARD)", "display": "a rendered XLSX output"}.get(s.kind, s.kind)
            raise CompareError(f"a listing is compared record by record with a data set of its records "
                               f"(.csv, .parquet, .xpt, .sas7bdat), not with {what} ({s.name})", code="QC003")
    lead = base if base.kind == "listing" else comp
    frames = [s.frame if s.kind == "listing" else dates_as_text(s.frame) for s in (base, comp)]
    frames = [_typed_like(frames[0], frames[1]), _typed_like(frames[1], frames[0])]
    return tuple(replace(s, frame=f, kind="listing", keys=lead.keys, key_note=lead.key_note)
                 for s, f in zip((base, comp), frames, strict=True))


def _typed_like(frame: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """A listing without records (a CSV of column names only: every column reads as text) takes the
    other side's types, so that its records are reported as only in the other, not as type conflicts."""
    if len(frame) or not len(other):
        return frame
    return frame.astype({c: other[c].dtype for c in frame.columns if c in other.columns})


def dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Date and datetime columns (datetime64, or Python dates as pyreadstat reads SAS dates) as the text
    `<id>.data.csv` holds: ISO dates, with " HH:MM:SS" when some value has a time of day; "" if missing."""
    import pandas as pd

    out = None
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            text = _datetime_text(s)
        elif s.dtype == object and _all_dates(s):
            text = _datetime_text(pd.to_datetime(s, errors="coerce"))
        else:
            continue
        if out is None:
            out = frame.copy()
        out[c] = text
    return frame if out is None else out


def _all_dates(s: pd.Series) -> bool:
    """Every value present is a Python date or datetime (missing: None, NaN or "")."""
    import datetime as dt

    import pandas as pd

    kind = pd.api.types.infer_dtype(s, skipna=True)  # C speed: "date", "datetime", "string", "mixed", ...
    if kind in ("date", "datetime"):
        return True
    if kind != "mixed":
        return False
    values = [v for v in s if not (v is None or (isinstance(v, str) and v == "") or (isinstance(v, float) and v != v))]
    return bool(values) and all(isinstance(v, dt.date) for v in values)


def _datetime_text(s: pd.Series) -> pd.Series:
    import pandas as pd

    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    present = s.notna()
    with_time = bool((s[present] != s[present].dt.normalize()).any())
    text = s.dt.strftime("%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d")
    return pd.Series(text.where(present, "").astype(object), index=s.index, dtype=object)
