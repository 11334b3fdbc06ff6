"""Read analysis datasets: SAS transport (.xpt), sas7bdat, CSV, Parquet -> DataFrame + labels.

Character missing values come back as "" (as SAS stores them) and are kept that way; numeric
missing values are NaN. Column names are upper-cased (ADaM names are case-insensitive).
"""

from __future__ import annotations

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

    def require(self, variable: str, where: str = "") -> None:
        from tlf.errors import did_you_mean

        if variable not in self.frame.columns:
            ctx = f" (needed by {where})" if where else ""
            raise DataError(f"variable not found{ctx}{did_you_mean(variable, self.frame.columns)}",
                            dataset=self.name, variable=variable, code="DATA010")


def read_dataset(path: Path, name: str | None = None, encoding: str | None = None) -> Dataset:
    """Read one dataset file by its extension. Raises DataError naming the file on failure."""
    import pandas as pd

    name = name or path.stem.lower()
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(f"file not found: {path}", dataset=name, code="DATA001")
    labels: dict[str, str] = {}
    try:
        if suffix in (".xpt", ".sas7bdat"):
            import pyreadstat

            reader = pyreadstat.read_xport if suffix == ".xpt" else pyreadstat.read_sas7bdat
            kwargs = {"encoding": encoding} if encoding else {}
            frame, meta = reader(str(path), **kwargs)
            labels = {k: v for k, v in zip(meta.column_names, meta.column_labels, strict=False) if v}
        elif suffix == ".csv":
            frame = pd.read_csv(path, encoding=encoding or "utf-8", keep_default_na=False,
                                na_values=[""], dtype_backend="numpy_nullable")
            frame = _csv_types(frame)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
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
    frame.columns = [str(c).upper() for c in frame.columns]
    labels = {k.upper(): v for k, v in labels.items()}
    return Dataset(name, _normalise(frame), labels, path)


def _csv_types(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV columns: numbers as float64 (NaN missing), text as str with "" for missing."""
    import pandas as pd

    out = {}
    for c in frame.columns:
        s = frame[c]
        if pd.api.types.is_numeric_dtype(s):
            out[c] = s.astype("float64")
        else:
            out[c] = s.astype("object").where(s.notna(), "").astype(str)
    return pd.DataFrame(out)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python str with "" for missing (SAS semantics), numbers unchanged."""
    import pandas as pd

    frame = frame.copy()
    for c in frame.columns:
        s = frame[c]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s)):
            if s.map(lambda v: v is None or isinstance(v, str) or v != v).all():
                frame[c] = s.astype(object).where(s.notna(), "").astype(object)
    return frame
