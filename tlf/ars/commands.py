"""`tlf ars run`: the CLI command of the ARS runner. Registered through tlf.cli.COMMAND_MODULES; imports
nothing heavy at module level (pandas, pydantic load in the handler)."""

from __future__ import annotations

import sys
from pathlib import Path


def add_ars(sub) -> None:
    p = sub.add_parser("ars", help="CDISC Analysis Results Standard: run a ReportingEvent (`tlf ars run`), write "
                       "one from specs (`tlf ars export`)",
                       description="Run a CDISC ARS v1.0 ReportingEvent on ADaM data with tlf's statistics.")
    ars = p.add_subparsers(dest="ars_command", metavar="ARS_COMMAND", required=True)
    r = ars.add_parser(
        "run", help="compute every analysis of a reporting event and write it back with its results",
        description="Read an ARS v1.0 ReportingEvent (JSON or YAML), read the datasets it names from --data, "
        "compute every analysis and write to --out: EVENT.json (the reporting event with `results` filled: "
        "rawValue, formattedValue), EVENT.ard.csv (one row per result), each output of the main list of contents "
        "as a table (OUTPUT_ID.docx, .xlsx) and EVENT.findings.txt (operations tlf "
        "cannot map, with the reason, and where-clause values the data never take but resemble; also printed). "
        "Exit 0 when every operation was computed, 1 for findings, 2 for bad input.")
    r.add_argument("event", type=Path, metavar="REPORTING_EVENT", help="the reporting event (.json, .yaml)")
    r.add_argument("--data", type=Path, action="append", required=True, metavar="DIR",
                   help="folder of the datasets (adsl.xpt, ...); repeat to search several, first wins")
    r.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the results to")
    r.add_argument("--format", default="docx,xlsx", help="comma-separated formats of the outputs' tables: docx, "
                   "xlsx, or none (default: docx,xlsx)")
    r.add_argument("--force", action="store_true", help="overwrite files in --out that tlf did not write")


    x = ars.add_parser(
        "export", help="write a tlf spec folder's analyses as an ARS ReportingEvent",
        description="Write the analyses of a tlf spec folder that ARS can state as tlf computes them (tables' "
        "continuous summaries of the subject-level dataset, categorical summaries, counts, SOC/PT terms with worst "
        "grades and thresholds, by-visit summaries, ANCOVA, MMRM, time-to-event and shift analyses, their "
        "denominators, record selections and stat columns' p-values and estimates; populations and where: filters "
        "as where clauses) as an ARS v1.0 ReportingEvent (JSON); each analysis left out is printed with the reason. "
        "`tlf ars run` on the file "
        "reproduces the build's numbers of the exported analyses.")
    x.add_argument("--specs", type=Path, default=Path("specs"), help="spec folder (default: specs/)")
    x.add_argument("--results", type=Path, metavar="DIR", help="a build's output folder: each exported analysis "
                   "gets its results from the output's results dataset (<id>.ard.csv)")
    x.add_argument("--out", type=Path, required=True, metavar="FILE", help="the reporting event to write (.json)")
    x.add_argument("--derived-data", action="store_true", help="the event is to be run on the datasets `tlf data "
                   "derive` writes (each dataset with the variables study.yaml's `derive:` makes): analyses of those "
                   "variables are exported too (ARS has no derivations)")
    x.add_argument("--force", action="store_true", help="overwrite a file tlf did not write")


def run_ars(args) -> int:
    if args.ars_command == "export":
        return export_ars(args)
    from tlf.ars.model import read_event
    from tlf.ars.run import run_event
    from tlf.ars.write import load_tables, write_run
    from tlf.errors import OutputError

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip() and f.strip().lower() != "none")
    if bad := [f for f in formats if f not in ("docx", "xlsx")]:
        raise OutputError(f"--format: unknown format(s) {', '.join(bad)} (docx, xlsx or none)", code="ARS017")
    event, raw = read_event(args.event)
    run = run_event(event, load_tables(event, list(args.data)))
    tables = []
    if formats:
        from tlf.ars.display import output_tables

        tables = output_tables(event, raw, run)
    paths = write_run(raw, run, args.out, args.event.stem, force=args.force, tables=tables, formats=formats)
    n = sum(len(r) for r in run.results.values())
    for u in run.unmapped:
        print(f"{args.event}: {u}", file=sys.stderr)
    for slip in run.slips:
        print(f"{args.event}: {slip}", file=sys.stderr)
    print(f"{len(event.analyses)} analyses, {n} results written to {paths[0]} and {paths[1].name}"
          + (f"; {len(tables)} output(s) as {', '.join(formats)}" if tables else "")
          + (f"; {len(run.unmapped)} operation(s) not mapped" if run.unmapped else "")
          + (f"; {len(run.slips)} value(s) the data never take" if run.slips else "")
          + (f" (listed in {paths[2].name})" if run.unmapped or run.slips else ""), file=sys.stderr)
    return 1 if run.unmapped or run.slips else 0


def export_ars(args) -> int:
    import json

    from tlf.ars.export import export_event
    from tlf.errors import OutputError
    from tlf.qc.verify import guard_overwrite, record_written
    from tlf.spec.validate import load_study

    if args.out.suffix.lower() != ".json":
        raise OutputError(f"--out must end in .json, got '{args.out.name}'", code="ARS017")
    study = load_study(args.specs)
    ards = None
    if args.results is not None:
        from tlf.ard.schema import read_ard

        ards = {o.id: read_ard(args.results / f"{o.id}.ard.csv") for o in study.outputs
                if (args.results / f"{o.id}.ard.csv").is_file()}
    event, findings = export_event(study, ards, derived_data=args.derived_data)
    guard_overwrite(args.out, args.force)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        args.out.write_text(json.dumps(event, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as e:
        raise OutputError(f"cannot write '{args.out}': {e.strerror or e}", code="ARS017") from None
    record_written(args.out)
    for f in findings:
        print(f"note: {f}", file=sys.stderr)
    if args.derived_data and study.spec.derive:
        made = "; ".join(f"{ds}: {', '.join(d.name for d in ds_derivs)}" for ds, ds_derivs in study.spec.derive.items())
        print(f"note: the event reads variables study.yaml's `derive:` makes ({made}): run it on the datasets "
              f"`tlf data derive --specs {args.specs} --out DIR` writes", file=sys.stderr)
    print(f"{len(event['analyses'])} analyses of {len(event['outputs'])} output(s) written to {args.out}"
          + (f"; {len(findings)} analysis(es) or output(s) not exported (listed above)" if findings else ""),
          file=sys.stderr)
    return 0


COMMANDS = {"ars": (add_ars, run_ars)}
