"""`tlf bundle`: the outputs (or shells) already built, in one DOCX; also redraws output/index.html.

Registered through tlf.cli.COMMAND_MODULES; imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_bundle(sub) -> None:
    b = sub.add_parser("bundle", help="combine the built outputs (or, with --shell, the shells) into one DOCX: "
                       "title page, table of contents, every output in order")
    b.add_argument("--specs", type=Path, default=Path("specs"), help="spec folder (default: specs/)")
    b.add_argument("--out", type=Path, default=Path("output"),
                   help="output folder holding the built outputs; the bundle goes there too (default: output/)")
    b.add_argument("--shell", action="store_true", help="bundle the shells (from `tlf shells`)")
    b.add_argument("--force", action="store_true", help="overwrite a bundle file tlf did not write")
    b.add_argument("--pdf", action="store_true", help="also write bundle.pdf: every output converted to PDF by "
                   "LibreOffice (headless), with a bookmark per output grouped by section and a linked contents")


def run_bundle(args: argparse.Namespace) -> int:
    from tlf.clock import build_time, run_time_text
    from tlf.qc.publish import folder_lock
    from tlf.review.bundle import make_bundle
    from tlf.spec.validate import load_study

    study = load_study(args.specs)
    if args.pdf:  # LibreOffice missing: say so before writing anything
        from tlf.render.office import office_program

        office_program()
    version = _version()
    when = build_time()  # SOURCE_DATE_EPOCH when set
    with folder_lock(args.out, "tlf bundle"):  # never beside a running build (OUT006)
        bundle = make_bundle(study, args.out, shell=args.shell, run_time=run_time_text(when), version=version,
                             force=args.force, when=when)
        _index(args.out, study, version)
        for e in bundle.entries:
            print(f"{e.number:<20} page {e.start:>4}  ({e.pages} page{'s' if e.pages != 1 else ''})  {e.docx.name}")
        print(f"{len(bundle.entries)} outputs, {bundle.pages} pages -> {bundle.path}")
        if args.pdf:
            from tlf.review.pdf_package import make_pdf_package

            print(f"converting {len(bundle.entries)} outputs to PDF with LibreOffice ...", file=sys.stderr,
                  flush=True)
            package = make_pdf_package(study, args.out, shell=args.shell, run_time=run_time_text(when),
                                       version=version, force=args.force, when=when)
            print(f"{len(package.entries)} outputs in {len(package.sections)} sections, {package.pages} pages "
                  f"-> {package.path}")
    return 0


def _index(out: Path, study, version: str) -> None:
    from tlf.errors import TlfError
    from tlf.review.index import write_index

    try:
        write_index(out, study, version=version)
    except TlfError as e:
        print(f"warning: {e}", file=sys.stderr)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tlf")
    except PackageNotFoundError:
        return "0+unknown"


COMMANDS = {"bundle": (add_bundle, run_bundle)}
