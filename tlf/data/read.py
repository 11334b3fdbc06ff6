"""Read analysis datasets: SAS transport (.xpt), sas7bdat, CSV, Parquet -> DataFrame + labels.

Character missing values come back as "" (as SAS stores them) and are kept that way; numeric
missing values are NaN. Column names are upper-cased (ADaM names are case-insensitive). Text values lose
their trailing blanks, whatever the file type, because SAS compares text without them ("Placebo " equals
"Placebo"); leading blanks stay.

A SAS transport file is checked against its own structure before it is trusted (xport_layout): a copy cut
short would otherwise read as a smaller dataset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

READERS = (".xpt", ".sas7bdat", ".csv", ".parquet")


@dataclass(frozen=True)
class Dataset:
    """A dataset with its variable labels and the file it came from."""

    name: str
    frame: pd.DataFrame
    labels: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    notes: tuple[str, ...] = ()  # what reading changed or assumed (encoding fallback, characters replaced)

    def require(self, variable: str, where: str = "") -> None:
        from tlf.errors import did_you_mean

        if variable not in self.frame.columns:
            ctx = f" (needed by {where})" if where else ""
            raise DataError(f"variable not found{ctx}{did_you_mean(variable, self.frame.columns)}",
                            dataset=self.name, variable=variable, code="DATA010")


def read_dataset(path: Path, name: str | None = None, encoding: str | None = None,
                 keep: list[str] | tuple[str, ...] | None = None,
                 missing_values: list[str] | tuple[str, ...] | None = None,
                 project: frozenset[str] | None = None) -> Dataset:
    """Read one dataset file by its extension. Raises DataError naming the file on failure.

    keep: read only these variables (case-insensitive), as SAS's KEEP= does; a large file is read
    several times faster when a study needs a few of its variables. A name the file lacks is an error.

    missing_values (CSV only; see csv_missing): None, R's `NA` is missing in a column whose other values
    are all numbers and stays text elsewhere; a list, these values are missing in every column.

    project (Parquet only, without `keep`): the variables (upper case) the study may use; only the file's
    columns among them are read (column projection), the others are left out of the frame."""
    import pandas as pd

    name = name or path.stem.lower()
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(f"file not found: {path}", dataset=name, code="DATA001")
    layout = xport_layout(path, name) if suffix == ".xpt" else None
    labels: dict[str, str] = {}
    notes: list[str] = []
    normalised: set[str] = set()  # text columns a reader already normalised (tlf.data.parquet)
    try:
        if suffix in (".xpt", ".sas7bdat"):
            import pyreadstat

            reader = pyreadstat.read_xport if suffix == ".xpt" else pyreadstat.read_sas7bdat
            opts = {"usecols": _keep_columns(reader, path, name, keep)} if keep else {}
            try:
                frame, meta = reader(str(path), **opts, **({"encoding": encoding} if encoding else {}))
            except UnicodeDecodeError:
                if encoding:
                    raise
                # SAS files from Windows sites are often Latin-1 / Windows-1252, which the file does not record
                frame, meta = reader(str(path), **opts, encoding=FALLBACK_ENCODING)
                notes.append(f"{name}: not UTF-8; read as {FALLBACK_ENCODING} (set data.datasets.{name}.encoding "
                             "in study.yaml to choose)")
            labels = {k: v for k, v in zip(meta.column_names, meta.column_labels, strict=False) if v}
            if layout is not None:
                check_xport_rows(path, name, layout, len(frame))
        elif suffix == ".csv":
            def read(enc: str):
                return pd.read_csv(path, encoding=enc, keep_default_na=False,
                                   na_values=["", *(missing_values or ())], dtype_backend="numpy_nullable")

            try:
                frame = read(encoding or "utf-8")
            except UnicodeDecodeError:
                if encoding:
                    raise
                frame = read("cp1252")
                notes.append(f"{name}: not UTF-8; read as {FALLBACK_ENCODING} (set data.datasets.{name}.encoding "
                             "in study.yaml to choose)")
            frame = _csv_types(frame, NA_IN_NUMBERS if missing_values is None else ())
            _unique_names(_csv_header(path, encoding), path, name)  # pandas renames a repeated AGE to AGE.1
        elif suffix == ".parquet":
            from tlf.data.parquet import parquet_columns, projected, read_parquet

            names = parquet_columns(path)
            _unique_names(names, path, name)
            by_upper = {n.upper(): n for n in names}
            if keep:
                _check_keep([k.upper() for k in keep], by_upper, name)
                wanted = [by_upper[k.upper()] for k in keep]
            elif project is not None:
                wanted = projected(names, project)
            else:
                wanted = None
            frame, normalised = read_parquet(path, wanted, ILLEGAL_RE)
        else:
            raise DataError(f"unsupported file type '{suffix}' (expected one of {', '.join(READERS)})",
                            dataset=name, code="DATA002")
    except DataError:
        raise
    except UnicodeDecodeError as e:
        raise DataError(f"cannot decode {path.name} as {encoding or 'the default encoding'} ({e.reason}); "
                        "set data.datasets.<name>.encoding in study.yaml", dataset=name, code="DATA003") from None
    except Exception as e:  # a reader's own error: report it against the file
        raise DataError(f"cannot read {path}: {e}", dataset=name, code="DATA004") from None
    _unique_names(frame.columns, path, name)
    frame.columns = [str(c).upper() for c in frame.columns]
    if keep and suffix not in (".xpt", ".sas7bdat", ".parquet"):
        wanted = [k.upper() for k in keep]
        _check_keep(wanted, frame.columns, name)
        frame = frame[wanted]
    labels = {k.upper(): v for k, v in labels.items()}
    normalised = {c.upper() for c in normalised}
    frame = _normalise(frame, normalised)
    frame, replaced = clean_control_characters(frame, name, skip=normalised)
    return Dataset(name, frame, labels, path, (*notes, *replaced))


RECORD = 80  # SAS transport files are 80-byte records (SAS TS-140)
_MEMBER = (b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!", b"HEADER RECORD*******MEMBV8  HEADER RECORD!!!!!!!")
_OBS = b"HEADER RECORD*******OBS"  # OBS (version 5) or OBSV8 (version 8)


@dataclass(frozen=True)
class XportLayout:
    """Where a SAS transport file's observations are: `length` bytes each from offset `start` on;
    `count`: the number of observations a version 8 header gives, or None (version 5 gives none)."""

    size: int
    start: int
    length: int
    count: int | None


def xport_layout(path: Path, name: str) -> XportLayout | None:
    """The layout of SAS transport file `path` read from its headers (SAS TS-140: the NAMESTR records give
    each variable's position and length; the observations follow the OBS or OBSV8 header record, the
    last padded with blanks to a whole 80-byte record). A file that is not a whole number of 80-byte
    records was cut short (DATA006); a second dataset in the file, whose headers the reader would take
    for observations, is DATA008. None when the headers are not ones this check knows (the reader then
    reports the file)."""
    import mmap
    import struct

    size = path.stat().st_size
    if size % RECORD:
        raise DataError(f"{path.name} is {size:,} bytes, not a whole number of {RECORD}-byte records: the file is "
                        "incomplete (an interrupted copy?); copy it again", dataset=name, code="DATA006")
    if size < 8 * RECORD:
        return None
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        try:
            namestr_len = int(m[3 * RECORD + 74:3 * RECORD + 78])
            nvars = int(m[7 * RECORD + 48:7 * RECORD + 58])
        except ValueError:
            return None
        start = 8 * RECORD
        if start + nvars * namestr_len > size:
            return None
        length = 0
        for k in range(nvars):
            at = start + k * namestr_len
            nlng = struct.unpack(">h", m[at + 4:at + 6])[0]
            npos = struct.unpack(">i", m[at + 84:at + 88])[0]
            length = max(length, npos + nlng)
        pos = -(-(start + nvars * namestr_len) // RECORD) * RECORD
        while pos < size and m[pos:pos + len(_OBS)] != _OBS:  # version 8: long labels come first
            pos += RECORD
        if pos >= size or not length:
            return None
        header = m[pos:pos + RECORD]
        start = pos + RECORD
        for member in _MEMBER:
            at = m.find(member, start)
            while at != -1 and (at - start) % RECORD:
                at = m.find(member, at + 1)
            if at != -1:
                raise DataError(f"{path.name}: holds more than one dataset; tlf reads one dataset per file (write "
                                "each to its own .xpt file)", dataset=name, code="DATA008")
        count = header[48:63].strip(b" ")  # version 8: right-aligned; all zeros (version 5): not given
        given = header.startswith(_OBS + b"V8") and count.isdigit() and int(count) > 0
        return XportLayout(size, start, length, int(count) if given else None)


def check_xport_rows(path: Path, name: str, layout: XportLayout, rows: int) -> None:
    """`rows` observations read from `path` are all it holds: as many as its version 8 header gives, and
    nothing but blank padding after them; otherwise the file was cut short (DATA007). A version 5 file cut
    exactly where an observation ends an 80-byte record cannot be told from a whole file of fewer records
    (records of subjects then missing from the subject-level dataset are a finding: DATA025)."""
    def bad(message: str) -> DataError:
        return DataError(f"{path.name}: {message}: the file is incomplete (an interrupted copy?); copy it again",
                         dataset=name, code="DATA007")

    if layout.count is not None and layout.count != rows:
        raise bad(f"its header gives {layout.count:,} observations but {rows:,} were read")
    end = layout.start + rows * layout.length
    if end > layout.size:
        raise bad(f"{rows:,} observations of {layout.length} bytes were read but only "
                  f"{layout.size - layout.start:,} bytes follow the header")
    with open(path, "rb") as f:
        f.seek(end)
        tail = f.read()
    if tail.strip(b" "):
        raise bad(f"{rows:,} observations of {layout.length} bytes were read and {len(tail):,} bytes that are not "
                  "blank padding follow them (the file ends inside an observation)")


def _csv_header(path: Path, encoding: str | None) -> list[str]:
    """The column names of a CSV file as written (pandas renames a repeated name: `AGE`, `AGE.1`)."""
    import csv

    with open(path, encoding=encoding or "utf-8", errors="replace", newline="") as f:
        return next(csv.reader(f), [])


def _unique_names(columns, path: Path, name: str) -> None:
    """Variable names are case-blind (as in SAS): a file with both `age` and `AGE`, or `AGE` twice, is a
    DataError naming the file and the columns (tlf reads every name in upper case, so one would hide the
    other)."""
    by_upper: dict[str, list[str]] = {}
    for c in columns:
        by_upper.setdefault(str(c).upper(), []).append(str(c))
    clash = [names for names in by_upper.values() if len(names) > 1]
    if clash:
        shown = "; ".join(" and ".join(repr(n) for n in names) for names in clash)
        raise DataError(f"{path.name} has columns whose names repeat or differ only in case: {shown}; variable "
                        "names are read in upper case, so rename or drop one of each", dataset=name, code="DATA009")


def _keep_columns(reader, path: Path, name: str, keep) -> list[str]:
    """The file's own spelling of the `keep` names (SAS names are case-insensitive)."""
    _, meta = reader(str(path), metadataonly=True)
    by_upper = {c.upper(): c for c in meta.column_names}
    _check_keep([k.upper() for k in keep], by_upper, name)
    return [by_upper[k.upper()] for k in keep]


def _check_keep(wanted, present, name: str) -> None:
    from tlf.errors import did_you_mean

    missing = [k for k in wanted if k not in present]
    if missing:
        raise DataError(f"variable(s) {', '.join(missing)} listed in data.datasets.{name}.keep are not in the file"
                        f"{did_you_mean(missing[0], list(present))}", dataset=name, variable=missing[0],
                        code="DATA010")


FALLBACK_ENCODING = "WINDOWS-1252"
# Characters XML 1.0 (DOCX, XLSX, HTML) cannot hold: C0 controls except tab, newline, carriage return.
_ILLEGAL = "".join(chr(c) for c in range(32) if c not in (9, 10, 13))
_ILLEGAL_TABLE = str.maketrans(dict.fromkeys(_ILLEGAL, " "))
ILLEGAL_RE = re.compile("[" + re.escape(_ILLEGAL) + "]")


def clean_control_characters(frame: pd.DataFrame, name: str, subject_id: str = "USUBJID",
                             skip: set[str] = frozenset()) -> tuple[pd.DataFrame, list[str]]:
    """Replace XML-illegal control characters (vertical tab, form feed, NUL, ...) in text values by a
    space; one note per variable naming the dataset, variable and the first subject affected.
    Only the distinct values of a column are inspected, so a 100,000-row file costs little. Columns in
    `skip` are known to hold no such character."""
    import pandas as pd

    notes = []
    out = frame
    for c in frame.columns:
        s = frame[c]
        if c in skip or (s.dtype != object and not pd.api.types.is_string_dtype(s)):
            continue
        bad_values = {v for v in pd.unique(s) if isinstance(v, str) and ILLEGAL_RE.search(v)}
        if not bad_values:
            continue
        bad = s.isin(bad_values)
        if out is frame:
            out = frame.copy()
        out[c] = s.where(~bad, s[bad].map(lambda v: v.translate(_ILLEGAL_TABLE)))
        first = bad.idxmax()
        who = f"USUBJID {frame.at[first, subject_id]}" if subject_id in frame.columns else f"record {first + 1}"
        notes.append(f"{name}.{c}: {int(bad.sum())} value(s) held control characters that documents cannot "
                     f"hold (first: {who}, record {first + 1}); replaced by spaces")
    return out, notes


# CSV missing values (csv_missing): an empty field is missing in every column. R writes a missing value as
# NA; with no `data.missing_values` in study.yaml, NA is missing in a column whose other values are all
# numbers (the column is then numeric) and stays text in any other column ("NA": North America, Namibia).
# With `data.missing_values` set, exactly the values listed (and the empty field) are missing, in every
# column, text or numeric.
NA_IN_NUMBERS = ("NA",)


def _csv_types(frame: pd.DataFrame, na_in_numbers: tuple[str, ...] = ()) -> pd.DataFrame:
    """CSV columns: numbers as float64 (NaN missing), text as str with "" for missing. A text column whose
    values are all numbers but for `na_in_numbers` (R's NA) is numeric, with those values missing."""
    import pandas as pd

    out = {}
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_numeric_dtype(s):
            out[c] = s.astype("float64")
            continue
        text = s.astype("object").where(s.notna(), "").astype(str)
        if na_in_numbers:
            gone = text.isin(na_in_numbers)
            if gone.any():
                present = ~gone & (text != "")
                num = pd.to_numeric(text.where(present), errors="coerce")
                if present.any() and num[present].notna().all():
                    out[c] = num.astype("float64")
                    continue
        out[c] = text
    return pd.DataFrame(out)


def _normalise(frame: pd.DataFrame, done: set[str] = frozenset()) -> pd.DataFrame:
    """Text columns as Python str with "" for missing and no trailing blanks (SAS semantics: text compares
    without them), numbers unchanged; columns in `done` are so already."""
    import pandas as pd

    frame = frame.copy(deep=not done)
    for c in frame.columns:
        s = frame[c]
        if c in done or pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        # all values text or missing (pandas' C inference, not a Python loop over the rows)
        if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            frame[c] = strip_trailing_blanks(s.astype(object).where(s.notna(), "").astype(object))
    return frame


def strip_trailing_blanks(s: pd.Series) -> pd.Series:
    """Text values without trailing blanks (leading blanks stay); only the distinct values are inspected."""
    padded = {v: v.rstrip(" ") for v in s.unique() if isinstance(v, str) and v.endswith(" ")}
    if not padded:
        return s
    s = s.copy()
    hit = s.isin(list(padded))
    s[hit] = s[hit].map(padded)
    return s
