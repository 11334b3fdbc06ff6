"""What the example generators share: checking and writing their frames as labelled SAS transport v5
files, and their command line (`python -m tlf.examples.study_a OUT_DIR [SEED]`).

A transport file's library header and member header each carry a created and a modified date-time,
which pyreadstat (ReadStat) fills in from the wall clock, in local time. `write_xpt` overwrites all
four with the study's fixed stamp (its data cut-off at midnight, passed by the study's generator), so
the same code, seed and libraries give byte-identical files wherever and whenever they run, and the
committed files can be checked by their sha256 (tests/unit/test_examples_bytes.py).

The stamp is fixed on purpose, not SOURCE_DATE_EPOCH: that variable stands in for "now" in tools that
would otherwise read the clock, and nothing here reads the clock any more. Honouring it would make the
generated data depend on the environment: after the README's rebuild recipe (which exports
SOURCE_DATE_EPOCH) `tlf example` would no longer write the committed files. (It also keeps the
examples importing nothing of tlf but tlf.errors; tests/unit/test_architecture.py.)
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Collection, Mapping
from pathlib import Path


def check_names(frames: Mapping, labels: Mapping[str, Mapping[str, str]]) -> None:
    """Every variable name fits SAS v5 (<= 8 characters) and has a label of <= 40 characters."""
    for name, df in frames.items():
        for col in df.columns:
            assert len(col) <= 8 and col in labels[name] and len(labels[name][col]) <= 40, (name, col)


# SAS transport v5 layout (SAS technical paper TS-140, "Record Layout of a SAS Version 5 or 6 Data Set
# in SAS Transport (XPORT) Format"): 80-byte records, the first seven of a one-member file being
#   1 (0)    "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000...": library header
#   2 (80)   "SAS", "SAS", "SASLIB", version, OS (8 bytes each), 24 blanks, created (16)
#   3 (160)  modified (16), blanks
#   4 (240)  "HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000...": member header
#   5 (320)  "HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!000...": descriptor header
#   6 (400)  "SAS", data set name, "SASDATA", version, OS (8 each), 24 blanks, created (16)
#   7 (480)  modified (16), 16 blanks, data set label (40), type (8)
# Each date-time is ddMMMyy:hh:mm:ss (upper-case English month, 2-digit year). pyreadstat writes one
# member per file, so these are the only four; byte offsets in the file:
STAMP_FIELDS: dict[str, int] = {"library created": 144, "library modified": 160,
                                "member created": 464, "member modified": 480}
STAMP_LEN = 16
_HEADERS = {0: b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!",
            240: b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!",
            320: b"HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!"}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_STAMP_RE = re.compile(rb"\d\d(?:%s)\d\d:\d\d:\d\d:\d\d" % b"|".join(m.encode() for m in _MONTHS))


def stamp_text(when: dt.datetime) -> str:
    """`when` as a transport header writes it: 30SEP18:00:00:00 (no locale, no time zone)."""
    return f"{when.day:02d}{_MONTHS[when.month - 1]}{when.year % 100:02d}:{when:%H:%M:%S}"


def set_header_stamps(path: Path, when: dt.datetime) -> None:
    """Overwrite the four created/modified date-times of a one-member SAS transport v5 file with `when`,
    in place. Raises RuntimeError when the file is not laid out as expected (a pyreadstat that writes
    another layout must not have its bytes overwritten blind)."""
    stamp = stamp_text(when).encode("ascii")
    with open(path, "r+b") as fh:
        head = bytearray(fh.read(560))
        bad = [off for off, text in _HEADERS.items() if head[off:off + len(text)] != text]
        bad += [off for off in STAMP_FIELDS.values() if not _STAMP_RE.fullmatch(head[off:off + STAMP_LEN])]
        if len(head) < 560 or bad:
            raise RuntimeError(f"{path}: not a SAS transport v5 file laid out as TS-140 says (at bytes {bad})")
        for off in STAMP_FIELDS.values():
            head[off:off + STAMP_LEN] = stamp
        fh.seek(0)
        fh.write(head)


def write_xpt(frames: Mapping, labels: Mapping[str, Mapping[str, str]], out_dir: Path, studyid: str, *,
              date_vars: Collection[str], datetime_vars: Collection[str], stamp: dt.datetime,
              force: bool = False) -> dict[str, Path]:
    """Each frame as `<name>.xpt` (SAS transport v5, variable labels, DATE9./DATETIME20. formats), its
    header date-times all `stamp` (set_header_stamps), so the bytes depend only on the frames.

    All files are written to a temporary folder first; then, unless `force`, a file already in `out_dir`
    with other bytes (the user's, or another seed's) stops the run before anything is replaced, with an
    OutputError naming it. Identical files are left as they are."""
    import os
    import shutil
    import tempfile

    import pyreadstat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tlf-example-", dir=out_dir))
    try:
        written: dict[str, Path] = {}
        for name, df in frames.items():
            path = tmp / f"{name}.xpt"
            fmts = {c: "DATE9." for c in df.columns if c in date_vars}
            fmts.update({c: "DATETIME20." for c in df.columns if c in datetime_vars})
            pyreadstat.write_xport(df, str(path), file_format_version=5, table_name=name.upper(),
                                   file_label=f"{studyid} {name.upper()} (synthetic)",
                                   column_labels={c: labels[name][c] for c in df.columns}, variable_format=fmts)
            set_header_stamps(path, stamp)
            written[name] = path
        targets = {name: out_dir / path.name for name, path in written.items()}
        clash = [str(t) for name, t in targets.items()
                 if t.exists() and not force and t.read_bytes() != written[name].read_bytes()]
        if clash:
            from tlf.errors import OutputError

            verb = "exists" if len(clash) == 1 else "exist"
            raise OutputError(f"{', '.join(clash)} already {verb} with other contents; nothing was written. "
                              "Move them away, write to another folder, or use --force to overwrite",
                              code="OUT005")
        for name, path in written.items():
            os.replace(path, targets[name])
        return targets
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def generator_main(module: str, generate: Callable[..., dict[str, Path]], default_seed: int,
                   argv: list[str] | None = None) -> int:
    """`python -m <module> [--force] OUT_DIR [SEED]`: generate and print the files written."""
    from tlf.errors import TlfError

    argv = sys.argv[1:] if argv is None else argv
    force = "--force" in argv
    argv = [a for a in argv if a != "--force"]
    if len(argv) not in (1, 2) or argv[0].startswith("-"):
        print(f"usage: python -m {module} [--force] OUT_DIR [SEED]", file=sys.stderr)
        return 2
    seed = int(argv[1]) if len(argv) == 2 else default_seed
    try:
        files = generate(Path(argv[0]), seed, force=force)
    except TlfError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    for name, path in files.items():
        print(f"{name}: {path}")
    return 0
