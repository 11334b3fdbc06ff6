"""Compare two tables of results by key, as PROC COMPARE does: numbers only, no printing.

    result = compare(base, qc, CompareOptions(method="absolute", criterion=1e-6))
    result.equal, result.n_differences, result.variables, result.differences

Numeric values are judged unequal (PROC COMPARE's METHOD= and CRITERION=) when

    exact      x != y
    absolute   |y - x| > criterion
    relative   |y - x| / ((|x| + |y|) / 2) > criterion       (two zeros are equal)

and a value missing on one side only is always unequal; missing on both is equal. Text is
compared exactly, case and leading blanks included, except that trailing blanks never count
("Mild  " equals "Mild": SAS pads character values with blanks and compares them so), unless
ignore_case (casefold) or ignore_whitespace (leading and trailing blanks dropped, inner runs of
blanks as one space). The default, relative 1e-9, passes float
noise (1e-12 relative) and catches any difference a printed number can show.

Everything is vectorised over whole columns; a 1,000,000-row, 20-column comparison takes seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tlf.errors import TlfError
from tlf.qc.keys import Matching, infer_keys, match_rows, value_kind

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

METHODS = ("exact", "absolute", "relative")
DEFAULT_METHOD = "relative"
DEFAULT_CRITERION = 1e-9
DEFAULT_MAX_DIFFS = 50


class CompareError(TlfError):
    """A comparison that cannot be made as asked (bad options, inputs of different kinds)."""

    code = "QC000"


@dataclass(frozen=True)
class Source:
    """One side of a comparison: a frame and what is known about it.

    kind: "ard" (results dataset), "display" (body of a rendered XLSX output), "listing" (a listing's
    records, tlf/qc/listing.py) or "dataset".
    keys: the ID variables this kind implies (() when they must be given or inferred).
    labels: variable labels, or None when the file format carries none (CSV, Parquet, XLSX).
    optional: variables whose absence on one side is noted but is not a difference (ARD metadata).
    key_note: where `keys` come from, for the report ("" = "ID variables (<kind> key): ...").
    """

    name: str
    frame: pd.DataFrame = field(repr=False)
    kind: str = "dataset"
    path: str = ""
    keys: tuple[str, ...] = ()
    labels: Mapping[str, str] | None = None
    optional: tuple[str, ...] = ()
    key_note: str = ""


@dataclass(frozen=True)
class CompareOptions:
    """How to compare. keys=None: the sources' own keys (ARD, display), else inferred for data sets."""

    keys: tuple[str, ...] | None = None
    method: str = DEFAULT_METHOD
    criterion: float = DEFAULT_CRITERION
    ignore_case: bool = False
    ignore_whitespace: bool = False
    max_diffs: int = DEFAULT_MAX_DIFFS  # differing values listed per variable
    displayed_only: bool = False  # ARDs: only the statistics production displays (see displayed_only)

    def __post_init__(self) -> None:
        import math

        if self.method not in METHODS:
            raise CompareError(f"unknown method '{self.method}' (expected one of {', '.join(METHODS)})",
                               code="QC001")
        if not (isinstance(self.criterion, (int, float)) and math.isfinite(self.criterion)
                and self.criterion >= 0):
            raise CompareError(f"criterion must be a number >= 0, got {self.criterion!r}", code="QC001")
        if self.max_diffs < 0:
            raise CompareError("max_diffs must be >= 0", code="QC001")

    @property
    def describe(self) -> str:
        """'relative 1E-09' / 'exact', plus the text options."""
        from tlf.qc.numbers import fmt_number

        text = "exact" if self.method == "exact" else f"{self.method} {fmt_number(self.criterion)}"
        extra = [w for w, on in (("ignore case", self.ignore_case), ("ignore whitespace", self.ignore_whitespace),
                                 ("displayed statistics only", self.displayed_only)) if on]
        return text + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class SideSummary:
    name: str
    path: str
    kind: str
    rows: int
    columns: int


@dataclass(frozen=True)
class VariableSummary:
    """One variable present in both: its types, labels and, for values, how many compared and unequal.

    max_abs_diff / max_rel_diff: the largest absolute and relative difference over values present on
    both sides (None for text, or when none was); they show float noise even when all are equal."""

    name: str
    role: str  # "id" | "value"
    base_type: str
    compare_type: str
    base_label: str = ""
    compare_label: str = ""
    label_compared: bool = False
    compared: int = 0
    unequal: int = 0
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None

    @property
    def type_conflict(self) -> bool:
        return self.base_type != self.compare_type

    @property
    def label_conflict(self) -> bool:
        return self.label_compared and self.base_label != self.compare_label


@dataclass(frozen=True)
class Difference:
    """One unequal value: the row's ID values, both values, and for numbers the differences."""

    variable: str
    key: tuple
    base: Any
    compare: Any
    abs_diff: float | None = None
    rel_diff: float | None = None


@dataclass(frozen=True)
class CompareResult:
    """Everything PROC COMPARE reports, as numbers and names; `report` renders it."""

    base: SideSummary
    compare: SideSummary
    options: CompareOptions
    keys: tuple[str, ...]
    key_note: str
    variables: tuple[VariableSummary, ...]  # in both, BASE order (ID variables first)
    only_in_base: tuple[str, ...]
    only_in_compare: tuple[str, ...]
    not_compared: tuple[str, ...]  # optional (ARD metadata) variables present on one side only
    rows_in_both: int
    rows_only_in_base: int
    rows_only_in_compare: int
    rows_with_unequal: int
    only_base_keys: tuple[tuple, ...]  # the first max_diffs of them
    only_compare_keys: tuple[tuple, ...]
    differences: tuple[Difference, ...]  # the first max_diffs per variable

    @property
    def value_variables(self) -> tuple[VariableSummary, ...]:
        return tuple(v for v in self.variables if v.role == "value")

    @property
    def type_conflicts(self) -> tuple[VariableSummary, ...]:
        return tuple(v for v in self.variables if v.type_conflict)

    @property
    def label_conflicts(self) -> tuple[VariableSummary, ...]:
        return tuple(v for v in self.variables if v.label_conflict)

    @property
    def values_compared(self) -> int:
        return sum(v.compared for v in self.variables)

    @property
    def values_unequal(self) -> int:
        return sum(v.unequal for v in self.variables)

    @property
    def n_differences(self) -> int:
        """Unequal values + unmatched rows + unmatched variables + type and label conflicts."""
        return (self.values_unequal + self.rows_only_in_base + self.rows_only_in_compare
                + len(self.only_in_base) + len(self.only_in_compare) + len(self.type_conflicts)
                + len(self.label_conflicts))

    @property
    def equal(self) -> bool:
        return self.n_differences == 0

    @property
    def verdict(self) -> str:
        if self.equal:
            return "no differences"
        parts = [f"{n} {what}" for n, what in (
            (self.values_unequal, "unequal value(s)"),
            (self.rows_only_in_base, "row(s) only in BASE"), (self.rows_only_in_compare, "row(s) only in COMPARE"),
            (len(self.only_in_base), "variable(s) only in BASE"),
            (len(self.only_in_compare), "variable(s) only in COMPARE"),
            (len(self.type_conflicts), "type conflict(s)"), (len(self.label_conflicts), "label difference(s)"),
        ) if n]
        return f"{self.n_differences} difference(s): " + ", ".join(parts)


def compare_frames(base: pd.DataFrame, compare_frame: pd.DataFrame, options: CompareOptions | None = None,
                   **kwargs) -> CompareResult:
    """Compare two DataFrames as data sets (`keys` etc. as keyword arguments or in `options`)."""
    opts = options or CompareOptions(**{k: (tuple(v) if k == "keys" and v is not None else v)
                                        for k, v in kwargs.items()})
    return compare(Source("BASE", base), Source("COMPARE", compare_frame), opts)


def compare(base: Source, comp: Source, options: CompareOptions | None = None) -> CompareResult:
    """Compare `comp` (the QC side) with `base` (production). Raises DataError/CompareError on bad input."""
    import numpy as np

    opts = options or CompareOptions()
    if base.kind != comp.kind:
        raise CompareError(f"cannot compare a {base.kind} ({base.name}) with a {comp.kind} ({comp.name}); "
                           "compare an ARD with an ARD, an XLSX output with an XLSX output, a listing's "
                           "records with a data set, or two data sets", code="QC002")
    scope = ""
    if opts.displayed_only:
        base, comp, scope = displayed_only(base, comp)
    b, c = base.frame, comp.frame
    note = ""
    if opts.keys is not None:
        keys = tuple(opts.keys)
        note = f"ID variables: {', '.join(keys)}" if keys else "compared by observation number"
    elif base.keys:
        keys = base.keys
        note = base.key_note or f"ID variables ({base.kind} key): {', '.join(keys)}"
    else:
        keys, note = infer_keys(b, c)
    note += scope
    match = match_rows(b, c, keys, base.name, comp.name)

    base_cols = [str(x) for x in b.columns]
    comp_set = {str(x) for x in c.columns}
    optional = set(base.optional) | set(comp.optional)
    only_b = [x for x in base_cols if x not in comp_set]
    only_c = [str(x) for x in c.columns if str(x) not in set(base_cols)]
    not_compared = tuple(x for x in [*only_b, *only_c] if x in optional)
    common = [x for x in base_cols if x in comp_set]
    ordered = [*[k for k in keys if k in common], *[x for x in common if x not in keys]]

    variables, diffs = [], []
    row_unequal = np.zeros(len(match.base_pos), dtype=bool)
    for name in ordered:
        summary, unequal = _compare_variable(name, base, comp, match, opts, role="id" if name in keys else "value")
        variables.append(summary)
        if unequal is not None and unequal.any():
            row_unequal |= unequal
            diffs += _differences(name, summary, unequal, b, c, match, opts)
    return CompareResult(
        base=SideSummary(base.name, base.path, base.kind, len(b), b.shape[1]),
        compare=SideSummary(comp.name, comp.path, comp.kind, len(c), c.shape[1]),
        options=opts, keys=keys, key_note=note, variables=tuple(variables),
        only_in_base=tuple(x for x in only_b if x not in optional),
        only_in_compare=tuple(x for x in only_c if x not in optional), not_compared=not_compared,
        rows_in_both=len(match.base_pos), rows_only_in_base=len(match.only_base),
        rows_only_in_compare=len(match.only_compare), rows_with_unequal=int(row_unequal.sum()),
        only_base_keys=_keys_at(b, keys, match.only_base[:opts.max_diffs]),
        only_compare_keys=_keys_at(c, keys, match.only_compare[:opts.max_diffs]),
        differences=tuple(diffs),
    )


def displayed_only(base: Source, comp: Source) -> tuple[Source, Source, str]:
    """(base, comp, note) for `--displayed-only`: of two ARDs, BASE's rows whose `displayed` is true,
    and COMPARE's rows but those whose key is a BASE statistic not displayed (computed, not printed:
    a QC program that writes it anyway is not told it is extra). Other kinds are returned as they are
    (a rendered output, a listing's records or a data set hold only what is shown)."""
    import pandas as pd

    from tlf.ard.schema import ARD_KEY

    if base.kind != "ard":
        return base, comp, ""
    if "displayed" not in base.frame.columns:
        from tlf.errors import DataError

        raise DataError("has no column `displayed` (which statistics the output prints): it was written by a "
                        "tlf before 'displayed' was recorded; rebuild the output, or compare without "
                        "--displayed-only", dataset=base.name, code="QC027")
    shown = base.frame["displayed"].to_numpy(dtype=bool)
    keys = list(ARD_KEY)
    hidden = pd.MultiIndex.from_frame(base.frame.loc[~shown, keys].astype(str))
    drop = pd.MultiIndex.from_frame(comp.frame[keys].astype(str)).isin(hidden)
    note = (f"; BASE rows: the {int(shown.sum())} displayed of {len(shown)}"
            + (f"; COMPARE rows left out: {int(drop.sum())} (statistics BASE computes but does not display)"
               if drop.any() else ""))
    from dataclasses import replace

    return (replace(base, frame=base.frame[shown].reset_index(drop=True)),
            replace(comp, frame=comp.frame[~drop].reset_index(drop=True)), note)


def _compare_variable(name: str, base: Source, comp: Source, match: Matching, opts: CompareOptions, role: str):
    """(VariableSummary, unequal mask over matched rows or None when not compared)."""
    sb, sc = base.frame[name], comp.frame[name]
    kb, kc = value_kind(sb), value_kind(sc)
    labels_known = base.labels is not None and comp.labels is not None
    lb = (base.labels or {}).get(name, "")
    lc = (comp.labels or {}).get(name, "")
    summary = VariableSummary(name, role, kb, kc, lb, lc, labels_known)
    if role == "id" or kb != kc:
        return summary, None
    if kb == "numeric":
        unequal, max_abs, max_rel = numeric_unequal(_floats(sb, match.base_pos, match.aligned),
                                                    _floats(sc, match.compare_pos, match.aligned),
                                                    opts.method, opts.criterion)
    elif kb == "datetime":
        unequal, max_abs, max_rel = _datetime_unequal(sb, sc, match)
    else:
        unequal = text_unequal(_texts(sb, match.base_pos, match.aligned),
                               _texts(sc, match.compare_pos, match.aligned),
                               ignore_case=opts.ignore_case, ignore_whitespace=opts.ignore_whitespace)
        max_abs = max_rel = None
    from dataclasses import replace

    return replace(summary, compared=len(match.base_pos), unequal=int(unequal.sum()), max_abs_diff=max_abs,
                   max_rel_diff=max_rel), unequal


def numeric_unequal(x: np.ndarray, y: np.ndarray, method: str, criterion: float):
    """(unequal mask, max absolute difference, max relative difference) of two float arrays."""
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        nx, ny = np.isnan(x), np.isnan(y)
        same = (x == y) | (nx & ny)
        diff = np.abs(y - x)
        scale = (np.abs(x) + np.abs(y)) / 2.0
        rel = np.where(diff == 0, 0.0, diff / scale)
        if method == "exact":
            unequal = ~same
        elif method == "absolute":
            unequal = ~same & ((nx ^ ny) | ~(diff <= criterion))
        else:
            unequal = ~same & ((nx ^ ny) | ~(rel <= criterion))
        both = ~nx & ~ny
        max_abs = _nanmax(np.where(same, 0.0, diff)[both])
        max_rel = _nanmax(np.where(same, 0.0, rel)[both])
    return unequal, max_abs, max_rel


def text_unequal(x, y, *, ignore_case: bool = False, ignore_whitespace: bool = False) -> np.ndarray:
    """Unequal mask of two aligned text columns (numpy object arrays, or pyarrow arrays when both are
    Arrow-backed); missing (None, NaN, NA) equals "", and trailing blanks never count (as in SAS, whose
    character values are padded with blanks: "Mild  " equals "Mild", "" equals "   ").

    All values are compared as stored in one vectorised pass; only the few that differ are looked at
    again (missing as "", then the text options), so the options cost nothing per row."""
    import numpy as np
    import pandas as pd

    if _is_arrow(x) and _is_arrow(y):
        import pyarrow.compute as pc

        unequal = np.array(pc.not_equal(pc.fill_null(x, ""), pc.fill_null(y, "")).to_numpy(
            zero_copy_only=False), dtype=bool)

        def at(arr, idx):
            return np.asarray(arr.take(idx).to_pylist(), dtype=object)
    else:
        x, y = (v.to_numpy(zero_copy_only=False).astype(object) if _is_arrow(v) else v for v in (x, y))
        try:
            unequal = np.array(x != y, dtype=bool)
        except TypeError:  # pd.NA has no truth value: clear it first
            x = np.where(pd.isna(x), "", x)
            y = np.where(pd.isna(y), "", y)
            unequal = np.array(x != y, dtype=bool)

        def at(arr, idx):
            return arr[idx]
    idx = np.flatnonzero(unequal)
    if idx.size:
        a, b = pd.Series(at(x, idx), dtype=object), pd.Series(at(y, idx), dtype=object)
        a = a.where(a.notna(), "").astype(str).str.rstrip(" ")
        b = b.where(b.notna(), "").astype(str).str.rstrip(" ")
        if ignore_whitespace:
            a = a.str.strip().str.replace(r"\s+", " ", regex=True)
            b = b.str.strip().str.replace(r"\s+", " ", regex=True)
        if ignore_case:
            a, b = a.str.casefold(), b.str.casefold()
        unequal[idx[a.to_numpy() == b.to_numpy()]] = False
    return unequal


def _is_arrow(v) -> bool:
    return type(v).__module__.startswith("pyarrow")


def _datetime_unequal(sb: pd.Series, sc: pd.Series, match: Matching):
    import numpy as np
    import pandas as pd

    def ns(s: pd.Series, pos):
        v = pd.to_datetime(s.iloc[pos].reset_index(drop=True), errors="coerce")
        return v.dt.tz_localize(None) if v.dt.tz is not None else v

    x, y = ns(sb, match.base_pos), ns(sc, match.compare_pos)
    unequal = ~((x == y) | (x.isna() & y.isna())).to_numpy()
    secs = (y - x).abs().dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan)
    return unequal, _nanmax(secs), None


def _floats(series: pd.Series, pos: np.ndarray, aligned: bool = False) -> np.ndarray:
    import numpy as np

    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return values if aligned else values[pos]


def _texts(series: pd.Series, pos: np.ndarray, aligned: bool = False):
    """Values at `pos`: a pyarrow array for Arrow-backed strings (no Python object per value), else an
    object array. Missing values are left as they are: text_unequal handles them."""
    import pandas as pd

    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        import pyarrow as pa

        values = pa.chunked_array(series.array.__arrow_array__())
        return values if aligned else values.take(pa.array(pos))
    values = series.to_numpy(dtype=object)
    return values if aligned else values[pos]


def _nanmax(x: np.ndarray) -> float | None:
    import numpy as np

    x = x[~np.isnan(x)]
    return float(x.max()) if x.size else None


def _differences(name: str, summary: VariableSummary, unequal: np.ndarray, b: pd.DataFrame, c: pd.DataFrame,
                 match: Matching, opts: CompareOptions) -> list[Difference]:
    import numpy as np

    at = np.flatnonzero(unequal)[:opts.max_diffs]
    pb, pc = match.base_pos[at], match.compare_pos[at]
    keys = _keys_at(b, match.keys, pb)
    out = []
    for key, i, j in zip(keys, pb, pc, strict=True):
        x, y = _scalar(b[name].iloc[i]), _scalar(c[name].iloc[j])
        ad = rd = None
        if summary.base_type == "numeric" and x is not None and y is not None:
            ad = abs(float(y) - float(x))
            scale = (abs(float(x)) + abs(float(y))) / 2.0
            rd = ad / scale if scale else 0.0
        out.append(Difference(name, key, x, y, ad, rd))
    return out


def _keys_at(frame: pd.DataFrame, keys: Sequence[str], positions) -> tuple[tuple, ...]:
    """ID values of the rows at `positions` (or the observation number, 1-based, when no keys)."""
    if not keys:
        return tuple((int(p) + 1,) for p in positions)
    sub = frame.iloc[list(positions)][list(keys)]
    return tuple(tuple(_scalar(v) for v in row) for row in sub.itertuples(index=False, name=None))


def _scalar(v: Any) -> Any:
    """A value as plain Python: None for missing, int/float/str, datetimes as ISO text."""
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v
