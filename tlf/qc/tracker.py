"""`tlf compare --all PROD_DIR QC_DIR`: every output of a study against its QC, and the validation tracker.

Outputs are matched by id. The production side is a tlf output folder (`<id>.ard.csv` of tables and
figures, `<id>.data.csv` of listings, `<id>.xlsx`, manifest.json); the QC side holds, per output, the
first of these that exists:

    table, figure   <id>.ard.csv  <id>.ard.parquet  <id>.csv  <id>.parquet  <id>.xpt  <id>.sas7bdat
                        compared with PROD_DIR/<id>.ard.csv
                    <id>.xlsx   compared with PROD_DIR/<id>.xlsx
    listing         <id>.data.csv  <id>.csv  <id>.parquet  <id>.xpt  <id>.sas7bdat
                        compared record by record with PROD_DIR/<id>.data.csv (tlf/qc/listing.py)

The tracker (XLSX) has one row per output: output id, title, production file and SHA-256, QC file and
SHA-256, result, number of differences, compared at, criterion, note; and a History sheet that keeps
the rows of every earlier run written to the same file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tlf.errors import TlfError
from tlf.qc.compare import CompareOptions, CompareResult, compare
from tlf.qc.listing import LISTING_DATA
from tlf.qc.verify import sha256_file
from tlf.render.package import chmod_ordinary

ARD_SUFFIXES = (".ard.csv", ".ard.parquet", ".csv", ".parquet", ".xpt", ".sas7bdat")
TABLE_QC = (*ARD_SUFFIXES, ".xlsx")  # QC files of a table or figure, in the order looked for
LISTING_QC = (".data.csv", ".csv", ".parquet", ".xpt", ".sas7bdat")  # QC files of a listing (its records)
# every QC file name, longest suffix first (the output id is the name without it)
QC_SUFFIXES = tuple(sorted(set(TABLE_QC) | set(LISTING_QC), key=len, reverse=True))
PASS, FAIL, NO_QC, NO_PROD, ERROR = "PASS", "DIFFERENCES", "NO QC", "NO PRODUCTION", "ERROR"
TRACKER_COLUMNS = ("Output id", "Title", "Production file", "Production SHA-256", "QC file", "QC SHA-256",
                   "Result", "Differences", "Compared at", "Criterion", "Note")
TRACKER_SHEET, HISTORY_SHEET = "Tracker", "History"
SHELL_TAG = ".shell"  # <id>.shell.*: shells (`tlf build --shell`) have no numbers to QC
REPORT_TAG = ".compare."  # <id>.compare.txt/.xlsx/.docx: per-output reports, never taken for QC files


class TrackerError(TlfError):
    code = "QC040"


@dataclass(frozen=True)
class TrackerEntry:
    """One output's row of the tracker; `comparison` is the full result when a comparison ran."""

    output_id: str
    title: str
    prod_file: str
    prod_sha256: str
    qc_file: str
    qc_sha256: str
    result: str  # PASS | DIFFERENCES | NO QC | NO PRODUCTION | ERROR
    n_differences: int | None
    compared_at: str
    criterion: str
    note: str = ""
    comparison: CompareResult | None = field(default=None, compare=False, repr=False)

    def row(self) -> tuple:
        return (self.output_id, self.title, self.prod_file, self.prod_sha256, self.qc_file, self.qc_sha256,
                self.result, self.n_differences, self.compared_at, self.criterion, self.note)


@dataclass(frozen=True)
class TrackerResult:
    prod_dir: str
    qc_dir: str
    compared_at: str
    entries: tuple[TrackerEntry, ...]

    @property
    def ok(self) -> bool:
        return bool(self.entries) and all(e.result == PASS for e in self.entries)

    def count(self, result: str) -> int:
        return sum(e.result == result for e in self.entries)


def compare_all(prod_dir: Path | str, qc_dir: Path | str, options: CompareOptions | None = None, *,
                exclude: tuple[Path, ...] = ()) -> TrackerResult:
    """Compare every production output with its QC file (files in `exclude`, e.g. the tracker, are skipped)."""
    from tlf.qc.listing import as_listing_pair
    from tlf.qc.sources import read_source

    prod, qc = Path(prod_dir), Path(qc_dir)
    for d, what in ((prod, "production"), (qc, "QC")):
        if not d.is_dir():
            raise TrackerError(f"{what} folder '{d}' not found")
    opts = options or CompareOptions()
    when = datetime.now(UTC).isoformat(timespec="seconds")
    crit = opts.describe
    titles = _titles(prod)
    listings = _listings(prod)
    written = {_output_id(p) for p in prod.iterdir() if _is_ard(p) or _is_records(p)}
    prod_ids = sorted(i for i in set(titles) | written if not i.endswith(SHELL_TAG))
    skip = {Path(p).resolve() for p in exclude}
    qc_files = {p for p in qc.iterdir() if p.is_file() and p.resolve() not in skip
                and not p.name.startswith((".", "~$")) and REPORT_TAG not in p.name
                and p.name.lower().endswith(QC_SUFFIXES)}
    entries = []
    used: set[Path] = set()
    for oid in prod_ids:
        listing = oid in listings or (prod / f"{oid}{LISTING_DATA}").is_file()
        suffixes = LISTING_QC if listing else TABLE_QC
        qc_file = next((qc / f"{oid}{s}" for s in suffixes if (qc / f"{oid}{s}") in qc_files), None)
        if qc_file is None:
            pf = _prod_file(prod, oid, LISTING_DATA if listing else ".ard.csv")
            note = "no QC file in the QC folder"
            if listing and qc / f"{oid}.xlsx" in qc_files:
                note = (f"no QC data set: a listing is compared by its records ({oid}.csv, .parquet, .xpt or "
                        f".sas7bdat), not by {oid}.xlsx")
            entries.append(TrackerEntry(oid, titles.get(oid, ""), str(pf or ""), _sha(pf), "", "", NO_QC, None,
                                        when, crit, note))
            continue
        used.add(qc_file)
        pf = _prod_file(prod, oid, LISTING_DATA if listing else
                        ".xlsx" if qc_file.suffix.lower() == ".xlsx" else ".ard.csv")
        if pf is None:
            entries.append(TrackerEntry(oid, titles.get(oid, ""), "", "", str(qc_file), _sha(qc_file), ERROR, None,
                                        when, crit, f"no production file to compare {qc_file.name} with"))
            continue
        try:
            res = compare(*as_listing_pair(read_source(pf), read_source(qc_file)), opts)
        except TlfError as e:
            entries.append(TrackerEntry(oid, titles.get(oid, "") or _xlsx_title(prod / f"{oid}.xlsx"), str(pf),
                                        _sha(pf), str(qc_file), _sha(qc_file), ERROR, None, when, crit, str(e)))
            continue
        entries.append(TrackerEntry(oid, titles.get(oid, "") or _xlsx_title(prod / f"{oid}.xlsx"), str(pf),
                                    _sha(pf), str(qc_file), _sha(qc_file), PASS if res.equal else FAIL,
                                    res.n_differences, when, crit, "" if res.equal else res.verdict, res))
    for f in sorted(qc_files - used):
        oid = _output_id(f)
        if oid in prod_ids:
            continue  # a second QC file for an output already compared
        entries.append(TrackerEntry(oid, "", "", "", str(f), _sha(f), NO_PROD, None, when, crit,
                                    "no production output with this id"))
    return TrackerResult(str(prod), str(qc), when, tuple(entries))


def verdict_line(e: TrackerEntry) -> str:
    """One terminal line per output."""
    what = f"{e.n_differences} difference(s)" if e.result == FAIL else e.note
    return f"{e.output_id:<16} {e.result:<13} {what}".rstrip()


def write_tracker(result: TrackerResult, path: Path | str) -> Path:
    """Write (or update) the XLSX tracker: this run's rows, plus all earlier runs in History."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from tlf.render.xlsx_sheet import keep_text

    path = Path(path)
    history = _old_history(path)
    wb = Workbook()
    ws = wb.active
    ws.title = TRACKER_SHEET
    hs = wb.create_sheet(HISTORY_SHEET)
    bold = Font(bold=True)
    fills = {PASS: PatternFill("solid", fgColor="C6EFCE"), FAIL: PatternFill("solid", fgColor="FFC7CE"),
             ERROR: PatternFill("solid", fgColor="FFC7CE"), NO_QC: PatternFill("solid", fgColor="FFEB9C"),
             NO_PROD: PatternFill("solid", fgColor="FFEB9C")}
    for sheet, rows in ((ws, [e.row() for e in result.entries]),
                        (hs, [*history, *[e.row() for e in result.entries]])):
        sheet.append(list(TRACKER_COLUMNS))
        for c in sheet[1]:
            c.font = bold
        for row in rows:
            sheet.append(list(row))
            keep_text(sheet, sheet.max_row, row)  # "=HYPERLINK(...)" in a file name stays text, never a formula
            status = sheet.cell(sheet.max_row, TRACKER_COLUMNS.index("Result") + 1)
            if status.value in fills:
                status.fill = fills[status.value]
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = f"A1:K{max(1, sheet.max_row)}"
        for letter, width in zip("ABCDEFGHIJK", (16, 50, 40, 20, 40, 20, 14, 12, 22, 18, 60), strict=True):
            sheet.column_dimensions[letter].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tracker-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        chmod_ordinary(tmp)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise TrackerError(f"cannot write tracker '{path}': {e.strerror or e}") from None
    return path


def _old_history(path: Path) -> list[tuple]:
    if not path.is_file():
        return []
    from openpyxl import load_workbook

    try:
        wb = load_workbook(str(path), read_only=True)
    except Exception as e:  # a damaged file: refuse rather than lose the history
        raise TrackerError(f"cannot read the existing tracker '{path}' ({e}); move it away to start a new one") \
            from None
    if HISTORY_SHEET not in wb.sheetnames:
        raise TrackerError(f"'{path}' has no {HISTORY_SHEET} sheet: not a tlf tracker; choose another --tracker path")
    rows = list(wb[HISTORY_SHEET].iter_rows(values_only=True))
    wb.close()
    return [tuple(r[:len(TRACKER_COLUMNS)]) for r in rows[1:] if any(v is not None for v in r)]


def _titles(prod: Path) -> dict[str, str]:
    """Output id -> title, from the build manifest (empty when there is none)."""
    try:
        m = json.loads((prod / "manifest.json").read_text(encoding="utf-8"))
        return {k: (f"{v.get('number', '')} {v.get('title', '')}".strip()) for k, v in m["outputs"].items()}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return {}


def _listings(prod: Path) -> set[str]:
    """Ids of the listings the build manifest records (type: listing)."""
    try:
        m = json.loads((prod / "manifest.json").read_text(encoding="utf-8"))
        return {k for k, v in m["outputs"].items() if isinstance(v, dict) and v.get("type") == "listing"}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return set()


def _xlsx_title(path: Path) -> str:
    if not path.is_file():
        return ""
    try:
        from openpyxl import load_workbook

        wb = load_workbook(str(path), read_only=True)
        title = wb.properties.title or ""
        wb.close()
        return title
    except Exception:  # a title is a nicety; the comparison reports real read errors
        return ""


def _is_ard(p: Path) -> bool:
    return p.is_file() and p.name.lower().endswith((".ard.csv", ".ard.parquet"))


def _is_records(p: Path) -> bool:
    return p.is_file() and p.name.lower().endswith(LISTING_DATA)


def _output_id(p: Path) -> str:
    name = p.name
    for s in QC_SUFFIXES:
        if name.lower().endswith(s):
            return name[:-len(s)]
    return p.stem


def _prod_file(prod: Path, oid: str, suffix: str) -> Path | None:
    cands = [prod / f"{oid}{suffix}"] + ([prod / f"{oid}.ard.parquet"] if suffix == ".ard.csv" else [])
    return next((p for p in cands if p.is_file()), None)


def _sha(path: Path | None) -> str:
    if path is None or not Path(path).is_file():
        return ""
    return sha256_file(Path(path))
