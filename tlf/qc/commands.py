"""CLI commands of double programming: `tlf compare`, `tlf verify`, and the arguments and output of `tlf ard`.

Registered through tlf.cli.COMMAND_MODULES. Nothing heavy is imported here at module level: pandas
and friends load inside the handlers. Handlers return the exit code (0 equal/ok, 1 differences or
findings); input problems raise TlfError, which the CLI prints and turns into exit code 2 (a bug: 3).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TRACKER_NAME = "validation-tracker.xlsx"


# --- tlf compare ----------------------------------------------------------------------------------------


def add_compare(sub) -> None:
    from tlf.qc.compare import DEFAULT_CRITERION, DEFAULT_MAX_DIFFS, DEFAULT_METHOD, METHODS

    p = sub.add_parser(
        "compare", help="compare production and QC results by key (PROC COMPARE-style)",
        description="Compare BASE (production) with COMPARE (QC): two ARDs (.csv/.parquet with the ARD columns), "
        "two rendered outputs (.xlsx), or two data sets (.xpt, .sas7bdat, .csv, .parquet). With --all, BASE and "
        "COMPARE are folders (a tlf output folder and a QC folder) compared output by output. "
        "Exit status: 0 no differences, 1 differences, 2 usage or input error, 3 internal error (a bug in tlf).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("base", type=Path, metavar="BASE", help="production file (or folder with --all)")
    p.add_argument("compare", type=Path, metavar="COMPARE", help="QC file (or folder with --all)")
    p.add_argument("--all", action="store_true", help="compare every output of PROD_DIR with QC_DIR by output id "
                   "and write the validation tracker")
    p.add_argument("--id", action="append", metavar="VAR[,VAR]", help="ID variables matching rows (repeatable). "
                   "Default: the ARD key, the row label for XLSX outputs; inferred for data sets")
    p.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD, help="how numbers are judged equal")
    p.add_argument("--criterion", type=float, default=DEFAULT_CRITERION,
                   help="largest absolute or relative difference judged equal")
    p.add_argument("--ignore-case", action="store_true", help="text: ignore upper/lower case")
    p.add_argument("--ignore-whitespace", action="store_true",
                   help="text: ignore leading/trailing blanks and the length of runs of blanks")
    p.add_argument("--displayed-only", action="store_true",
                   help="ARDs: compare only the statistics the production output displays (its `displayed` "
                   "rows); QC rows of statistics production computes but does not display are left out, not "
                   "extra")
    p.add_argument("--max-diffs", type=int, default=DEFAULT_MAX_DIFFS, metavar="N",
                   help="differing values listed per variable")
    p.add_argument("--docx", type=Path, metavar="FILE", help="also write the report as DOCX")
    p.add_argument("--xlsx", type=Path, metavar="FILE", help="also write the report as XLSX")
    p.add_argument("--tracker", type=Path, metavar="FILE",
                   help=f"with --all: the XLSX validation tracker (default: QC_DIR/{TRACKER_NAME})")
    p.add_argument("--reports", type=Path, metavar="DIR",
                   help="with --all: write <id>.compare.txt and <id>.compare.xlsx per output to DIR")
    p.add_argument("--force", action="store_true", help="overwrite report files tlf did not write")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the result line")


def run_compare(args) -> int:
    from tlf.qc.compare import CompareError, CompareOptions

    keys = None
    if args.id:
        keys = tuple(k for part in args.id for k in part.replace(",", " ").split())
        if not keys:
            raise CompareError("--id needs at least one variable name", code="QC001")
    opts = CompareOptions(keys=keys, method=args.method, criterion=args.criterion, ignore_case=args.ignore_case,
                          ignore_whitespace=args.ignore_whitespace, max_diffs=args.max_diffs,
                          displayed_only=args.displayed_only)
    if args.all:
        if args.docx or args.xlsx:
            raise CompareError("--docx/--xlsx write one comparison's report; with --all use --reports DIR",
                               code="QC001")
        return _compare_all(args, opts)
    if args.tracker or args.reports:
        raise CompareError("--tracker and --reports go with --all", code="QC001")
    from tlf.qc.compare import compare
    from tlf.qc.listing import as_listing_pair
    from tlf.qc.report import report_text, write_report_docx, write_report_xlsx
    from tlf.qc.sources import read_source

    result = compare(*as_listing_pair(read_source(args.base), read_source(args.compare)), opts)
    print(f"Result: {result.verdict}" if args.quiet else report_text(result), end="\n" if args.quiet else "")
    for path, write in ((args.docx, write_report_docx), (args.xlsx, write_report_xlsx)):
        if path:
            _write(write, result, path, args.force)
            print(f"report written: {path}", file=sys.stderr)
    return 0 if result.equal else 1


def _compare_all(args, opts) -> int:
    from tlf.qc.tracker import compare_all, verdict_line, write_tracker

    tracker = args.tracker or args.compare / TRACKER_NAME
    result = compare_all(args.base, args.compare, opts, exclude=(tracker,))
    if args.reports:
        _write_reports(result, args.reports, args.force)
    for e in result.entries:
        print(verdict_line(e))
    from tlf.qc.publish import folder_lock

    with folder_lock(tracker.parent, "tlf compare --all"):
        write_tracker(result, tracker)
    n = len(result.entries)
    print(f"{result.count('PASS')} of {n} output(s) pass ({opts.describe}); tracker: {tracker}")
    return 0 if result.ok else 1


def _write_reports(result, folder: Path, force: bool = False) -> None:

    from tlf.qc.publish import folder_lock

    done = [e for e in result.entries if e.comparison is not None]
    with folder_lock(folder, "tlf compare --reports"):
        _write_reports_locked(done, folder, force)


def _write_reports_locked(done: list, folder: Path, force: bool) -> None:
    from tlf.errors import OutputError
    from tlf.qc.report import report_text, write_report_xlsx
    from tlf.qc.verify import guard_overwrite, record_written

    for e in done:  # refuse before anything is written
        for suffix in (".compare.txt", ".compare.xlsx"):
            guard_overwrite(folder / f"{e.output_id}{suffix}", force)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for e in done:
            (folder / f"{e.output_id}.compare.txt").write_text(report_text(e.comparison), encoding="utf-8")
            write_report_xlsx(e.comparison, folder / f"{e.output_id}.compare.xlsx")
            record_written(folder / f"{e.output_id}.compare.txt")
            record_written(folder / f"{e.output_id}.compare.xlsx")
    except OSError as err:
        raise OutputError(f"cannot write reports to '{folder}': {err.strerror or err}", code="QC041") from None


def _write(write, result, path: Path, force: bool = False) -> None:
    """Write a report to `path`: a file there that tlf did not write is not overwritten without --force
    (tlf.qc.verify.guard_overwrite, as `tlf build` does); the file is recorded as tlf's."""
    from tlf.errors import OutputError
    from tlf.qc.publish import folder_lock
    from tlf.qc.verify import guard_overwrite, record_written

    with folder_lock(path.parent, "tlf compare"):
        guard_overwrite(path, force)
        try:
            write(result, path)
            record_written(path)
        except OSError as e:
            raise OutputError(f"cannot write '{path}': {e.strerror or e}", code="QC041") from None


# --- tlf ard ----------------------------------------------------------------------------------------------


def add_ard(sub) -> None:
    p = sub.add_parser("ard", help="print or write the results dataset (ARD) of one output (a listing: its records)",
                       description="Compute one output's ARD from the specs and data (no files are built) and "
                       "print it, as aligned text or --csv, or write it with --out FILE (.csv or .parquet). "
                       "A listing has no statistics: its records are shown instead, as `tlf build` writes them "
                       "to <id>.data.csv, with the ID variables QC matches them by.")
    p.add_argument("id", metavar="ID", help="output id, e.g. t-14-1-1")
    p.add_argument("--specs", type=Path, default=Path("specs"), help="spec folder (default: specs/)")
    p.add_argument("--data", type=Path, default=None, help="data folder (overrides data.dir in study.yaml)")
    p.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE (.csv or .parquet)")
    p.add_argument("--csv", action="store_true", help="print CSV instead of aligned text")
    p.add_argument("--force", action="store_true", help="overwrite an --out file tlf did not write")


def show_ard(ard, args) -> int:
    """Write the ARD to --out, print it as CSV (--csv), or print it as aligned text."""
    if args.out:
        _write_ard(ard, args.out, getattr(args, "force", False))
        print(f"{len(ard)} row(s) of {args.id} written to {args.out}", file=sys.stderr)
    elif args.csv:
        from tlf.data.csv_text import csv_safe_frame

        csv_safe_frame(ard).to_csv(sys.stdout, index=False)
    else:
        from tlf.qc.numbers import fmt_value
        from tlf.qc.report import text_table

        cols = [c for c in ard.columns if c != "output_id"]
        rows = [tuple(fmt_value(v) if c == "stat" else str(v) for c, v in zip(cols, r, strict=True))
                for r in ard[cols].itertuples(index=False, name=None)]
        print(f"{args.id}: {len(ard)} statistic(s)")
        print("\n".join(text_table(cols, rows, [c in ("stat", "decimals", "sig", "order") for c in cols], indent="")))
    return 0


def show_records(records, id_vars, args) -> int:
    """`tlf ard` of a listing: its records (what `tlf build` writes to <id>.data.csv), not statistics;
    written to --out, printed as CSV (--csv), or printed as aligned text with the ID variables."""
    if args.out:
        _write_ard(records, args.out, getattr(args, "force", False))
        print(f"{len(records)} record(s) of listing {args.id} written to {args.out}", file=sys.stderr)
        return 0
    if args.csv:
        from tlf.data.csv_text import csv_safe_frame

        csv_safe_frame(records).to_csv(sys.stdout, index=False)
        return 0
    import pandas as pd

    from tlf.qc.numbers import fmt_value
    from tlf.qc.report import text_table

    cols = [str(c) for c in records.columns]
    numeric = [pd.api.types.is_numeric_dtype(records[c]) for c in records.columns]
    rows = [tuple(fmt_value(None if v is None or (not isinstance(v, str) and pd.isna(v)) else v) for v in r)
            for r in records.itertuples(index=False, name=None)]
    print(f"{args.id}: a listing: {len(records)} record(s), as `tlf build` writes them to {args.id}.data.csv "
          "(a listing has no statistics)")
    print(f"ID variables (QC matches records by these): {', '.join(id_vars)}")
    print("\n".join(text_table(cols, rows, numeric, indent="")))
    return 0


def _write_ard(ard, path: Path, force: bool = False) -> None:
    from tlf.errors import OutputError

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise OutputError(f"--out must end in .csv or .parquet, got '{path.name}'", code="QC042")
    from tlf.qc.publish import folder_lock

    with folder_lock(path.parent, "tlf ard --out"):
        _write_ard_locked(ard, path, suffix, force)


def _write_ard_locked(ard, path: Path, suffix: str, force: bool) -> None:
    from tlf.errors import OutputError
    from tlf.qc.verify import guard_overwrite, record_written

    guard_overwrite(path, force)
    try:
        if suffix == ".parquet":
            ard.to_parquet(path, index=False)
        else:  # text that would start a formula gets a leading ' (tlf/data/csv_text.py)
            from tlf.data.csv_text import csv_safe_frame

            csv_safe_frame(ard).to_csv(path, index=False)
        record_written(path)
    except ImportError as e:
        raise OutputError(f"cannot write Parquet: {e} (pip install pyarrow)", code="QC042") from None
    except OSError as e:
        raise OutputError(f"cannot write '{path}': {e.strerror or e}", code="QC042") from None


# --- tlf verify -----------------------------------------------------------------------------------------------


def add_verify(sub) -> None:
    p = sub.add_parser("verify", help="check that outputs, specs and data still match output/manifest.json",
                       description="Recompute the hashes in the build manifest: reports outputs changed by hand "
                       "and specs or input data changed since the build. Exit 0 when all match, 1 otherwise.")
    p.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    p.add_argument("--manifest", type=Path, metavar="FILE",
                   help="check the files in --out against another build's manifest (default: OUT/manifest.json), "
                   "e.g. to prove that a rebuild with the same SOURCE_DATE_EPOCH reproduced it")


def run_verify(args) -> int:
    from tlf.qc.verify import verify_build

    res = verify_build(args.out, args.manifest)
    for f in res.findings:
        print(f)
    for name in res.unlisted:
        print(f"note: {args.out / name} is not listed in the manifest (not written by tlf)")
    when = f"build of {res.started_at}" if res.started_at else "build"
    if res.ok:
        print(f"ok: {res.outputs} output(s) and {res.files_checked} file(s) match the {when}")
        return 0
    print(f"{len(res.findings)} finding(s): the outputs no longer match the {when}")
    return 1


# `tlf ard` is registered by tlf/cli.py (its handler calls the orchestrator, which only the CLI may import).
COMMANDS = {"compare": (add_compare, run_compare), "verify": (add_verify, run_verify)}
