"""Reading a Parquet dataset: only the variables asked for (column projection), text through its
dictionary of distinct values.

A pooled database's lab dataset holds millions of records but a few hundred distinct texts per variable:
each text column is read dictionary-encoded, its distinct values are normalised once (trailing blanks
removed, missing as "", as tlf.data.read does for every file type) and the column becomes an object array
whose records share those few string objects (8 bytes a record instead of a string each). Other columns
(numbers, dates, categoricals) are read by pandas exactly as `pandas.read_parquet` reads them, so a frame
is the same as reading the whole file with pandas and normalising it, restricted to the columns read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def parquet_columns(path: Path) -> list[str]:
    """The file's column names as written (from its footer; no data is read)."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    return [n for n in schema.names if not _index_column(n, schema)]


def projected(names: list[str], project: frozenset[str]) -> list[str]:
    """The names (in the file's order) whose upper case is in `project`, or matches one of its period
    templates (`TRT{PP}A`: TRT01A, TRT02A; `{P}`: any number)."""
    import re

    templates = [re.compile("".join(r"\d\d" if part == "{PP}" else r"\d+" if part == "{P}" else re.escape(part)
                                    for part in re.split(r"(\{PP?\})", t)))
                 for t in project if "{" in t]
    return [n for n in names if n.upper() in project or any(t.fullmatch(n.upper()) for t in templates)]


def _index_column(name: str, schema) -> bool:
    """A column pandas reads as the frame's index (written from a frame's index), not as a variable."""
    index = (schema.pandas_metadata or {}).get("index_columns", [])
    return name.startswith("__index_level_") or name in [i for i in index if isinstance(i, str)]


def read_parquet(path: Path, columns: list[str] | None, illegal) -> tuple[pd.DataFrame, set[str]]:
    """The file's columns `columns` (its own spelling; None: all) as pandas reads them, but its plain text
    columns already normalised (tlf.data.read._normalise: object, "" for missing, no trailing blanks).
    Returns the frame and the names of the text columns normalised here whose values hold no character
    matching regex `illegal` (those tlf.data.read.clean_control_characters replaces): they need neither
    step again."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    names = [n for n in schema.names if not _index_column(n, schema)] if columns is None else list(columns)
    text = [n for n in names if pa.types.is_string(schema.field(n).type) or pa.types.is_large_string(
        schema.field(n).type)]
    other = [n for n in names if n not in set(text)]
    frame = pd.read_parquet(path, columns=other)  # numbers, dates, ... (and the index) as pandas reads them
    done: set[str] = set()
    if text:
        table = pq.read_table(path, columns=text, read_dictionary=text)
        values = {}
        for name in text:
            chunked = table.column(name).unify_dictionaries()
            chunks = chunked.chunks
            dictionary = chunks[0].dictionary if chunks else pa.array([], pa.string())
            texts = [v.rstrip(" ") for v in dictionary.to_pylist()]
            distinct = np.empty(len(texts) + 1, dtype=object)
            distinct[:-1] = texts
            distinct[-1] = ""  # missing
            codes = np.concatenate([c.indices.fill_null(len(texts)).to_numpy(zero_copy_only=False).astype(np.int64)
                                    for c in chunks]) if chunks else np.zeros(0, np.int64)
            values[name] = distinct[codes]
            if not any(illegal.search(v) for v in texts):
                done.add(name)
        del table
        parts = {n: frame[n] for n in other}
        for name in text:  # an object Series: pandas would turn an object array of str into its str dtype
            parts[name] = pd.Series(values.pop(name), index=frame.index, dtype=object, name=name, copy=False)
        frame = pd.concat([parts[n] for n in names], axis=1) if names else frame
    return frame, done
