"""The `tlf` command. The library raises TlfError; only this module prints and exits.

Exit codes: 0 ok; 1 findings (spec values the data never take, population flags that disagree,
differences); 2 bad input (and findings under --strict); 3 internal error (a bug in tlf: one line names
what failed and the log file holding the traceback; the terminal never shows a traceback); 130 interrupted.
Heavy libraries are imported inside the handlers so that `tlf --help` and `tlf list` stay instant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tlf", description="Tables, listings and figures for clinical-trial "
                                "submissions, built from YAML specs.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp: argparse.ArgumentParser, data: bool = True) -> None:
        sp.add_argument("--specs", type=Path, default=Path("specs"), help="spec folder (default: specs/)")
        if data:
            sp.add_argument("--data", type=Path, default=None, help="data folder (overrides data.dir in study.yaml)")

    b = sub.add_parser("build", help="build outputs: `tlf build all` or `tlf build ID [ID ...]`")
    b.add_argument("ids", nargs="+", metavar="ID", help="'all' or output ids")
    common(b)
    b.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    b.add_argument("--format", default="docx,xlsx", help="comma-separated formats: docx, xlsx, rtf (default: docx,xlsx)")
    b.add_argument("--force", action="store_true", help="overwrite files in the output folder tlf did not write")
    b.add_argument("--shell", action="store_true", help="build shells (mock outputs with xx.x placeholders); "
                   "no data is read")
    b.add_argument("--final", action="store_true", help="the final run: leave out study.yaml's watermark "
                   "(e.g. DRAFT)")
    b.add_argument("--strict", action="store_true", help="findings (spec values the data never take, population "
                   "flags that disagree, ...) are errors: exit 2 and build nothing")
    b.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help="build outputs in N worker processes (default: the number of cores; 1: one after the other)")
    b.add_argument("--cache", type=Path, default=None, metavar="DIR",
                   help="Parquet cache of the SAS inputs (.xpt, .sas7bdat), keyed by their content (default: "
                        ".tlf-cache beside the output folder)")
    b.add_argument("--no-cache", action="store_true", help="read the SAS inputs themselves, no cache")

    sh = sub.add_parser("shells", help="build shells: `tlf shells` (all) or `tlf shells ID [ID ...]` "
                        "(alias of `tlf build ... --shell`)")
    sh.add_argument("ids", nargs="*", metavar="ID", help="output ids (default: all)")
    common(sh, data=False)
    sh.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    sh.add_argument("--format", default="docx,xlsx", help="comma-separated formats: docx, xlsx, rtf (default: docx,xlsx)")
    sh.add_argument("--force", action="store_true", help="overwrite files in the output folder tlf did not write")

    ls = sub.add_parser("list", help="list the outputs the specs define")
    common(ls, data=False)

    ck = sub.add_parser("check", help="validate specs against the data without computing or building: errors "
                        "exit 2, findings (spec values the data never take, ...) exit 1")
    common(ck)
    ck.add_argument("--strict", action="store_true", help="findings are errors (exit 2)")
    ck.add_argument("--cache", type=Path, default=None, metavar="DIR",
                    help="read SAS inputs through the Parquet cache in DIR (`tlf data cache`)")

    dt = sub.add_parser("data", help="`tlf data cache`: convert the SAS inputs to the Parquet cache ahead of builds")
    dsub = dt.add_subparsers(dest="data_command", required=True)
    dc = dsub.add_parser("cache", help="read every .xpt/.sas7bdat dataset of study.yaml into the Parquet cache")
    common(dc)
    dc.add_argument("--cache", type=Path, default=None, metavar="DIR",
                    help="the cache folder (default: .tlf-cache beside the output folder, as `tlf build` uses it)")
    dc.add_argument("--out", type=Path, default=Path("output"), help="output folder whose cache to fill "
                    "(default: output/)")

    dd = dsub.add_parser("derive", help="write every dataset of study.yaml as tlf reads it (its `derive:` variables "
                         "made, derived datasets built) as Parquet, e.g. for `tlf ars run` of an event exported with "
                         "`--derived-data`")
    common(dd)
    dd.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write NAME.parquet to")
    dd.add_argument("--force", action="store_true", help="overwrite files in --out that tlf did not write")

    ex = sub.add_parser("example", help="write the synthetic data of an example study (A or B)")
    ex.add_argument("--study", choices=("A", "B"), default="A", help="which example study (default: A)")
    ex.add_argument("--out", type=Path, required=True, help="folder to write the .xpt files to")
    ex.add_argument("--force", action="store_true", help="overwrite .xpt files of the same name with other contents")

    sc = sub.add_parser("schema", help="write the spec reference (docs/reference.md) and the JSON Schemas editors "
                        "use to complete and check specs (docs/schema/)",
                        description="Generate, from the spec models, the JSON Schemas of study.yaml and of an output "
                        "file (for editors with a YAML language server) and the reference of every spec key. Paths "
                        "are relative to the current folder. With --check nothing is written: exit 1 when a file "
                        "differs from what would be written, 0 when all are up to date.")
    sc.add_argument("--out", type=Path, default=Path("docs/schema"),
                    help="folder of the JSON Schemas tlf-study.schema.json and tlf-output.schema.json "
                    "(default: docs/schema/)")
    sc.add_argument("--reference", type=Path, default=Path("docs/reference.md"),
                    help="the spec reference in Markdown (default: docs/reference.md)")
    sc.add_argument("--no-reference", action="store_true", help="write the JSON Schemas only")
    sc.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is missing or out of date")

    from tlf.qc.commands import add_ard  # `tlf ard ID`: arguments in tlf/qc, handler below (it calls build)

    add_ard(sub)

    for module in COMMAND_MODULES:
        import importlib

        mod = importlib.import_module(module)  # must import nothing heavy at module level
        for name, (add, run) in mod.COMMANDS.items():
            add(sub)
            _HANDLERS[name] = run
    return p


# Modules that add subcommands: each defines COMMANDS = {name: (add_parser(subparsers), run(args) -> int)}
# and imports nothing heavy at module level.
COMMAND_MODULES: tuple[str, ...] = ("tlf.qc.commands", "tlf.review.commands", "tlf.ars.commands")


def main(argv: list[str] | None = None) -> int:
    _line_buffered()
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from tlf.build import tlf_version

        print(f"tlf {tlf_version()}")
        return 0
    if not args.command:
        parser.print_help()
        return 2
    from tlf.errors import TlfError

    _terminate_as_interrupt()
    try:
        return _HANDLERS[args.command](args)
    except TlfError as e:
        print(_error_text(e), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("tlf: interrupted; outputs already built are intact, none is half-written", file=sys.stderr)
        return 130
    except Exception as e:  # a bug in tlf: exit 3, one line on the terminal, the traceback in a log file
        from tlf.errors import internal_error, machine_error

        what = f"running `tlf {args.command}`"
        err = machine_error(e, what) or internal_error(e, what, _log_folder(args))
        print(_error_text(err), file=sys.stderr)
        return err.exit_code


def _log_folder(args) -> Path:
    """Where the log of a crash goes: the command's output folder (the folder of an output file), else
    the current folder."""
    out = getattr(args, "out", None)
    if isinstance(out, Path):
        if out.is_dir():
            return out
        if out.suffix and out.parent.is_dir():
            return out.parent
    return Path(".")


def _line_buffered() -> None:
    """Every line printed reaches a log file or pipe as it is written (a redirected stdout is otherwise
    block-buffered: a long build's lines would appear only at its end). Progress lines also flush."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except (AttributeError, ValueError, OSError):  # not a text file (replaced, e.g. by a test)
            pass


def _terminate_as_interrupt() -> None:
    """SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so temp files are removed and nothing is
    left half-written."""
    import signal

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # not the main thread, or a platform without SIGTERM
        pass


def _error_text(e) -> str:
    from tlf.errors import ErrorGroup

    if isinstance(e, ErrorGroup):
        return "\n".join(f"error: {x}" for x in e.errors) + f"\n{len(e.errors)} error(s)"
    return f"error: {e}"


def _cmd_build(args) -> int:
    from tlf.build import KNOWN_FORMATS, build

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in KNOWN_FORMATS]
    if bad:
        print(f"error: unknown format(s) {', '.join(bad)}; expected {', '.join(KNOWN_FORMATS)}", file=sys.stderr)
        return 2
    report = build(args.specs, args.out, args.ids, data_dir=getattr(args, "data", None), formats=formats,
                   cache=_cache_folder(args),
                   force=args.force, shell=getattr(args, "shell", False), strict=getattr(args, "strict", False),
                   final=getattr(args, "final", False),
                   progress=lambda msg: print(msg, file=sys.stderr, flush=True), jobs=_jobs_of(args))
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for f in report.findings:
        print(f"finding: {f}", file=sys.stderr)
    print(f"\n{'output':<14} {'status':<7} {'time':>6}  files")
    for o in report.outputs:
        files = ", ".join(str(f) for f in o.files) if o.files else ""
        print(f"{o.output_id:<14} {o.status:<7} {o.seconds:>5.1f}s  {files}")
        if o.error:
            print(_error_text(o.error), file=sys.stderr)
    built = sum(o.status == "built" for o in report.outputs)
    found = f"; {len(report.findings)} finding(s) (see above; `tlf check` lists them)" if report.findings else ""
    print(f"{built} of {len(report.outputs)} output(s) built in {report.seconds:.1f} s -> {args.out}{found}")
    return 0 if report.ok else _failure_code([o.error for o in report.outputs if o.error])


def _cache_folder(args) -> Path | None:
    """--cache DIR, else .tlf-cache beside the output folder (not in it: a build that fails writes nothing
    there); None with --no-cache (tlf/data/cache.py)."""
    if getattr(args, "no_cache", False):
        return None
    if getattr(args, "cache", None):
        return args.cache
    from tlf.data.cache import FOLDER

    out = getattr(args, "out", None)
    return out.resolve().parent / FOLDER if out is not None else None


def _cmd_data(args) -> int:
    """`tlf data cache`: the study's SAS inputs converted into the Parquet cache; `tlf data derive`: every
    dataset as tlf reads it, written as Parquet."""
    if args.data_command == "derive":
        return _write_derived(args)
    from tlf.build import prepare
    from tlf.data.cache import warm_cache
    from tlf.spec.validate import load_study

    folder = _cache_folder(args)
    study = load_study(args.specs)
    data, _pops, _found = prepare(study, args.data, folder)
    lines = warm_cache(data.parquet_cache, data)
    for line in lines:
        print(line)
    print(f"{len(lines)} SAS dataset(s); cache: {folder}")
    return 0


def _write_derived(args) -> int:
    """Each dataset of study.yaml (read, normalised, its `derive:` variables made; derived datasets built) as
    --out/NAME.parquet. Every dataset is read, and every file checked (a file tlf did not write is kept
    unless --force: OUT003), before the first is written; each is written whole to a temporary file and
    renamed."""
    import os

    from tlf.build import prepare
    from tlf.errors import OutputError
    from tlf.qc.verify import guard_overwrite, record_written
    from tlf.spec.validate import load_study

    study = load_study(args.specs)
    data, _pops, _found = prepare(study, args.data, every_variable=True)
    frames = {name: data.dataset(name).frame for name in data.datasets}
    paths = {name: args.out / f"{name.lower()}.parquet" for name in frames}
    for path in paths.values():
        guard_overwrite(path, args.force)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        path, tmp = paths[name], paths[name].with_name(f".{paths[name].name}.tmp")
        try:
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, path)
        except OSError as e:
            raise OutputError(f"cannot write '{path}': {e.strerror or e}", code="OUT015") from None
        finally:
            tmp.unlink(missing_ok=True)
        record_written(path)
        print(f"{name}: {len(frame):,} records, {frame.shape[1]} variables -> {path}")
    return 0


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), not '{text}'")
    return n


def _jobs_of(args) -> int:
    """-j N, else the number of cores (tlf/build_parallel.py)."""
    if getattr(args, "jobs", None):
        return args.jobs
    from tlf.build_parallel import default_jobs

    return default_jobs()


def _failure_code(errors) -> int:
    """3 when any error is a bug in tlf (CI must tell a crash from bad input), else 2."""
    from tlf.errors import InternalError

    return 3 if any(isinstance(e, InternalError) for e in errors) else 2


def _cmd_shells(args) -> int:
    args.ids = args.ids or ["all"]
    args.shell = True
    return _cmd_build(args)


def _cmd_list(args) -> int:
    from tlf.spec.validate import load_study

    study = load_study(args.specs)
    rows = [(o.id, o.spec.type, o.spec.number, o.spec.titles[0],
             study.spec.populations[o.spec.population].label) for o in study.outputs]
    heads = ("id", "type", "number", "title", "population")
    widths = [max(len(str(r[i])) for r in [heads, *rows]) for i in range(len(heads))]
    for r in [heads, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    return 0


def _cmd_check(args) -> int:
    """Specs against the data, without computing statistics or rendering (tlf.build.check)."""
    from tlf.build import check, prepare
    from tlf.spec.validate import load_study

    study = load_study(args.specs)
    data, pops, findings = prepare(study, args.data, args.cache)
    problems, found = check(study, study.outputs, data, pops, findings, crash_folder=Path("."))
    findings = [f for f in found if not f.note]
    notes = [*(str(f) for f in found if f.note), *data.notes]  # worth knowing, most often right: exit 0
    if args.strict:
        problems, findings = problems + [f.error for f in findings], []
    for p in problems:
        print(_error_text(p), file=sys.stderr)
    for f in findings:
        print(f"finding: {f}", file=sys.stderr)
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    n = len(study.outputs)
    print(f"{n} output(s) checked: {len(problems)} error(s), {len(findings)} finding(s); populations: "
          + ", ".join(f"{k} {len(v.subjects)}" for k, v in pops.items()))
    return _failure_code(problems) if problems else (1 if findings else 0)


def _cmd_example(args) -> int:
    import importlib

    generate = importlib.import_module(f"tlf.examples.study_{args.study.lower()}").generate
    files = generate(args.out, force=args.force)
    for name, path in files.items():
        print(f"{name}: {path}")
    return 0


def _cmd_schema(args) -> int:
    from tlf.spec.reference import generated_files

    files = generated_files(args.out, None if args.no_reference else args.reference)
    if args.check:
        stale = [path for path, text in files.items() if _read_bytes(path) != text.encode("utf-8")]
        for path in stale:
            print(f"finding: {path} is {'out of date' if path.exists() else 'missing'}; run `tlf schema` to update it",
                  file=sys.stderr)
        print(f"{len(files)} file(s) checked: {len(stale)} out of date")
        return 1 if stale else 0
    try:
        for path, text in files.items():
            data = text.encode("utf-8")
            if _read_bytes(path) == data:
                print(f"unchanged: {path}")
                continue
            _write_atomic(path, data)
            print(f"written: {path}")
    except OSError as e:
        print(f"error: cannot write {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    return 0


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a temporary file in the same folder, then os.replace. The file
    keeps its permissions, or gets the usual ones for a new file (not mkstemp's owner-only)."""
    import os
    import stat
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cmd_ard(args) -> int:
    """`tlf ard ID`: one output's ARD computed from specs and data (no files built), shown or written by
    tlf.qc.commands.show_ard. Here because only the CLI may call the orchestrator."""
    from tlf.build import compute_output, prepare, select_outputs
    from tlf.qc.commands import show_ard
    from tlf.spec.validate import load_study

    study = load_study(args.specs)
    (entry,) = select_outputs(study, [args.id])
    data, pops, warnings = prepare(study, args.data)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    ard, _table = compute_output(study, entry, data, pops)
    if entry.spec.type == "listing":  # records, not statistics
        from tlf.listings.compute import record_id_vars
        from tlf.qc.commands import show_records

        return show_records(ard, record_id_vars(entry, data.subject_id), args)
    return show_ard(ard, args)


_HANDLERS: dict = {"build": _cmd_build, "list": _cmd_list, "check": _cmd_check, "example": _cmd_example,
                   "shells": _cmd_shells, "ard": _cmd_ard, "schema": _cmd_schema, "data": _cmd_data}

if __name__ == "__main__":
    sys.exit(main())
