"""The orchestrator: spec -> data and populations -> ARD -> table model -> files.

Every file is written into a private temporary folder inside the output folder and published with
the output's manifest entry, all or nothing (tlf/qc/publish.py: a journal the next build replays), only
when the whole output succeeded, so a failed, interrupted or killed build leaves no partial file and no
mix of an output's old and new files where outputs go. One build at a time writes to a folder (a lock). A file in the output folder that tlf did not write (not in
manifest.json, or changed since) is never overwritten without --force.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from tlf.build_check import check, check_templates, output_context, unique_findings, with_page_marks
from tlf.errors import (
    DataError,
    Finding,
    OutputError,
    TlfError,
    did_you_mean,
    internal_error,
    machine_error,
    raise_all,
)
from tlf.qc.verify import sha256_file
from tlf.spec.validate import OutputEntry, Study, load_study

MANIFEST = "manifest.json"
FORMATS = ("docx", "xlsx")  # the default
KNOWN_FORMATS = ("docx", "xlsx", "rtf")  # what --format takes


@dataclass(frozen=True)
class OutputResult:
    output_id: str
    status: str  # "built" | "failed"
    files: tuple[Path, ...] = ()
    seconds: float = 0.0
    error: TlfError | None = None


@dataclass
class BuildReport:
    outputs: list[OutputResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # spec values the data never take, flags, ...
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(o.status == "built" for o in self.outputs)


def tlf_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tlf")
    except PackageNotFoundError:
        return "0+unknown"


def select_outputs(study: Study, ids: Sequence[str] | None) -> list[OutputEntry]:
    if not ids or list(ids) == ["all"]:
        return list(study.outputs)
    known = [o.id for o in study.outputs]
    missing = [i for i in ids if i not in known]
    if missing:
        from tlf.errors import SpecError

        raise SpecError("; ".join(f"no output with id '{i}'{did_you_mean(i, known)}" for i in missing)
                        + f" (defined: {', '.join(known)})", code="SPEC020")
    return [study.output(i) for i in ids]


def prepare(study: Study, data_dir: Path | None = None, cache: Path | None = None, *, every_variable: bool = False):
    """Read the data and derive the populations: (StudyData, populations, findings), a finding for each
    population whose ADSL flag disagrees with its derivation. `cache`: a folder for the Parquet cache of
    SAS files (tlf/data/cache.py). Parquet files are read for the variables the specs name, or whole with
    `every_variable`."""
    from tlf.build_data import population_rules, study_data, used_variables
    from tlf.data.populations import derive_populations

    ddir = study.data_dir(data_dir)
    if not ddir.is_dir():
        raise DataError(f"data folder '{ddir}' not found (data.dir in {study.source.path}, or --data)",
                        code="DATA001")
    data = study_data(study.spec, ddir, study.error, cache, None if every_variable else used_variables(study))
    pops = derive_populations(data, population_rules(study.spec), study.error)
    findings = [Finding(study.error(("populations", p.name, "flag"), p.disagreement(), "DATA011"))
                for p in pops.values() if not p.agrees]
    return data, pops, findings


def compute_output(study: Study, entry: OutputEntry, data, pops, *, provenance: str = "", findings=None):
    """One output's formatted ARD and its model (a Table, or a Figure for `type: figure`), no files.
    With data=None: the shell (mock ARD). Findings of the output (subjects in no column) go to `findings`.
    The ARD's `displayed` is what the layout printed or drew."""
    from tlf.analyses.columns import resolve_columns
    from tlf.analyses.context import FIXED
    from tlf.analyses.run import compute_ard
    from tlf.ard.schema import make_ard
    from tlf.data.populations import require_nonempty
    from tlf.format.numbers import format_ard

    if entry.spec.type == "listing":  # records and a Listing (no ARD); data=None: the shell
        from tlf.listings.compute import compute_listing

        return compute_listing(study, entry, data, pops, provenance=provenance, context=output_context(study, entry))
    layout = _LAYOUTS[entry.spec.type]()
    pformats = pvalue_formats(entry.spec)
    if data is None:
        from tlf.analyses.shell import mock_ard_rows

        ard = format_ard(make_ard(mock_ard_rows(study, entry)), shell=True, pvalue_formats=pformats,
                         fixed_warning=FIXED)
        return _laid_out(layout, study, entry, ard, provenance, shell=True)
    require_nonempty(pops[entry.spec.population], study.spec.data.subject_dataset)
    columns = resolve_columns(study, entry, data, pops, findings)
    ard = format_ard(make_ard(compute_ard(study, entry, data, pops, columns)),
                     missing=study.spec.not_estimable, pvalue_formats=pformats)
    return _laid_out(layout, study, entry, ard, provenance)


def _laid_out(layout, study: Study, entry: OutputEntry, ard, provenance: str, shell: bool = False):
    """(ARD with `displayed` set, model): the layout reads the ARD through Cells, which records every
    statistic it prints or draws; those rows are the displayed ones, the others computed only."""
    from tlf.ard.schema import mark_displayed
    from tlf.tables.cells import Cells

    cells = Cells(ard)
    model = layout(study, entry, cells, provenance=provenance, context=output_context(study, entry), shell=shell)
    return mark_displayed(ard, cells.shown), model


def _table_layout():
    from tlf.tables.layout import layout_table

    return layout_table


def _figure_layout():
    from tlf.figures.layout import layout_figure

    return layout_figure


# output type -> the layout that turns its ARD into a model (imported when used: matplotlib is heavy)
_LAYOUTS = {"table": _table_layout, "figure": _figure_layout}


def analysis_datasets(study: Study, entry: OutputEntry) -> list[str]:
    """Datasets an output reads (for the provenance line)."""
    names = {study.spec.data.subject_dataset}
    plot = getattr(entry.spec, "plot", None)
    if getattr(plot, "dataset", None):
        names.add(plot.dataset)
    if getattr(entry.spec, "dataset", None):  # a listing's dataset
        names.add(entry.spec.dataset)
    for a in getattr(entry.spec, "analyses", []):
        names.add(a.dataset or study.spec.data.subject_dataset)
        for q in ("x", "y"):
            if getattr(a, q, None) is not None:
                names.add(getattr(a, q).dataset)
    return sorted(names)


def pvalue_formats(spec) -> dict[str, dict]:
    """fmt_pvalue options per stat column of an output spec (column id -> low/high/flag), and how its
    sparse chi-squares are marked (format_ard: the start of their `warning`, the mark)."""
    from tlf.stats.compare import SPARSE_NOTE

    out = {}
    for sc in getattr(spec, "stat_columns", ()):
        f = sc.format
        out[sc.id] = {"low": (f.low.at, f.low.text) if f.low else None,
                      "high": (f.high.at, f.high.text) if f.high else None,
                      "flag": (f.flag.below, f.flag.text) if f.flag else None,
                      "sparse": (SPARSE_NOTE, sc.sparse_mark) if sc.sparse != "none" else None,
                      **({"missing": f.missing} if f.missing is not None else {})}
    return out


def build(specs_dir: Path | str = "specs", out_dir: Path | str = "output", ids: Sequence[str] | None = None, *,
          data_dir: Path | None = None, formats: Sequence[str] = FORMATS, force: bool = False,
          shell: bool = False, strict: bool = False, progress: Callable[[str], None] | None = None,
          final: bool = False, jobs: int = 1, cache: Path | str | None = None) -> BuildReport:
    """Build outputs. Spec and data problems common to all outputs raise; a problem in one output is
    recorded in the report (the others still build). `shell=True` builds shells: no data is read.
    Before anything is computed the specs are checked against the data (`check`): the findings are in the
    report and the manifest; `strict=True` raises them as errors, and nothing is built. `final=True` leaves
    out study.yaml's `watermark` (the final run). `jobs` > 1 computes and renders the outputs in that many
    worker processes (tlf/build_parallel.py), with the same files and manifest. `cache`: a folder for the
    Parquet cache of SAS inputs (tlf/data/cache.py)."""
    from tlf.clock import build_time

    started = time.perf_counter()
    started_at = datetime.now(UTC)
    when = build_time()  # the one time stamped on every file of this build (SOURCE_DATE_EPOCH when set)
    study = load_study(specs_dir)
    entries = select_outputs(study, ids)
    if shell:
        data, pops, findings = None, {}, []
    else:
        data, pops, findings = prepare(study, Path(data_dir) if data_dir else None, Path(cache) if cache else None)
        # an output's error stops its own build below; a listing's records are selected once, there
        _errors, findings = check(study, entries, data, pops, findings, records=False)
        if strict:
            raise_all([f.error for f in findings if not f.note])
    out = Path(out_dir)
    _ensure_writable(out)
    from tlf.build_parallel import parallel_outputs
    from tlf.qc.publish import BuildLock

    with (BuildLock(out, "tlf shells" if shell else "tlf build") as lock,  # one build at a time per folder (OUT006)
          parallel_outputs(study, entries, data, pops, out, formats, force, when, shell, jobs,
                           {"render": partial(render_output, final=final), "datasets": analysis_datasets}) as pool):
        notes = [*lock.notes, *_recover(out)]
        report = _build(study, entries, data, pops, findings, out, ids, formats, force, shell, strict, progress,
                        when, started, started_at, final, pool)
    report.warnings[:0] = notes
    return report


def _recover(out: Path) -> list[str]:
    """Replay the publication journal of a killed build and remove its temporary files (tlf/qc/publish.py)."""
    from tlf.qc.publish import clean_stale, recover

    try:
        note = recover(out)
        clean_stale(out)
    except OSError as e:
        raise OutputError(f"cannot replay the publication journal in '{out}': {e.strerror or e}",
                          code="OUT007") from None
    return [note] if note else []


def _build(study, entries, data, pops, findings, out: Path, ids, formats, force: bool, shell: bool, strict: bool,
           progress, when: datetime, started: float, started_at: datetime, final: bool = False,
           pool=None) -> BuildReport:
    from tlf.clock import source_date_epoch

    manifest_warnings: list[str] = []
    manifest = _read_manifest(out, manifest_warnings)
    report = BuildReport(findings=[f for f in findings if not f.note],
                         warnings=[*manifest_warnings, *(f"note: {f}" for f in findings if f.note)])
    from tlf.render.losses import font_notes

    if {"docx", "rtf"} & set(formats):  # a page font not installed: planned with another's metrics (FIT003)
        report.warnings += font_notes((getattr(e.spec, "page", None) or study.spec.page).font for e in entries)
    hashes = _Hashes()
    manifest["build"] = {"started_at": _now(), "ended_at": None, "status": "running",
                         "requested": list(ids or ["all"]), "formats": list(formats),
                         "stamped": when.isoformat(), "source_date_epoch": source_date_epoch()}
    crash_log = None  # one log file per build holds the tracebacks of outputs that hit a bug in tlf
    for k, entry in enumerate(entries, 1):
        t0 = time.perf_counter()
        if progress:
            progress(f"[{k}/{len(entries)}] {entry.id} ...")
        key = f"{entry.id}.shell" if shell else entry.id

        def record_of(files: dict[str, str], entry=entry) -> dict:
            return _output_record(study, entry, data, files, hashes, manifest["build"]["source_date_epoch"])

        def write_manifest(key: str, record: dict) -> None:
            manifest["outputs"][key] = record
            _write_manifest(out, manifest, study, data, pops, hashes)

        try:
            if pool is None:
                files, notes = _build_one(study, entry, data, pops, out, formats, manifest, force, when, shell,
                                          publish=(key, record_of, write_manifest), final=final)
            else:  # computed by a worker process (tlf/build_parallel.py), published here in order
                files, notes = pool.publish(k - 1, manifest, (key, record_of, write_manifest))
            report.warnings += [f"{entry.id}: {n}" for n in notes if not isinstance(n, Finding)]
            found = [n for n in notes if isinstance(n, Finding)]
            report.findings = unique_findings([*report.findings, *found])
            res = OutputResult(entry.id, "built", files, time.perf_counter() - t0)
            if strict and found:  # written (and recorded below, so that tlf owns the files), but not passed
                res = OutputResult(entry.id, "failed", files, time.perf_counter() - t0, found[0].error)
        except TlfError as e:
            _resync(out, manifest, key)
            res = OutputResult(entry.id, "failed", (), time.perf_counter() - t0, e)
        except Exception as e:  # a bug in tlf: this output fails (traceback to a log file), the others build
            _resync(out, manifest, key)
            err = machine_error(e, f"building {entry.id}")  # a full disk is not a bug: exit 2
            if err is None:
                err = internal_error(e, f"building {entry.id}", out, output_id=entry.id, log=crash_log)
                crash_log = err.log or crash_log
            res = OutputResult(entry.id, "failed", (), time.perf_counter() - t0, err)
        report.outputs.append(res)
        if data is not None:
            report.warnings += [n for n in [*data.notes, *(pool.notes if pool else ())] if n not in report.warnings]
            report.findings = unique_findings([*report.findings, *getattr(data, "findings", [])])
        if progress:
            progress(f"[{k}/{len(entries)}] {entry.id} {res.status} ({res.seconds:.1f} s)")
    manifest["build"].update(ended_at=_now(), status="complete",
                             built=[o.output_id for o in report.outputs if o.status == "built"],
                             failed=[o.output_id for o in report.outputs if o.status == "failed"],
                             findings=[{"code": f.code, "message": str(f)} for f in report.findings])
    if manifest["build"]["built"] or (out / MANIFEST).exists():  # a build that wrote nothing leaves nothing
        _write_manifest(out, manifest, study, data, pops, hashes)
    report.seconds = time.perf_counter() - started
    _review_index(out, study, report, shell, started_at)
    return report


def _resync(out: Path, manifest: dict, key: str) -> None:
    """After a failed output: its manifest entry as on disk (old if its publication was rolled back or is
    still pending, new if it was completed)."""
    on_disk = _read_manifest(out)["outputs"].get(key)
    if on_disk is None:
        manifest["outputs"].pop(key, None)
    else:
        manifest["outputs"][key] = on_disk


def _review_index(out: Path, study: Study, report: BuildReport, shell: bool, started_at: datetime) -> None:
    """Record the build in output/index.html (tlf/review/index.py) once anything was built there."""
    from tlf.review.index import INDEX, OutputStatus, record_build

    if not (any(o.status == "built" for o in report.outputs) or (out / INDEX).exists()):
        return  # a build that wrote nothing leaves nothing
    results = [OutputStatus(o.output_id, o.status, o.seconds, str(o.error) if o.error else "")
               for o in report.outputs]
    try:
        record_build(out, study, results, shell=shell, started=started_at, seconds=report.seconds,
                     version=tlf_version())
    except TlfError as e:
        report.warnings.append(str(e))


def _build_one(study, entry, data, pops, out: Path, formats, manifest, force: bool, when: datetime,
               shell: bool = False, publish=None, final: bool = False) -> tuple[Path, ...]:
    """Write the files of one output into a temporary folder, then publish them with its manifest entry
    (`publish`: (manifest key, record_of, write_manifest), tlf/qc/publish.py), all or nothing."""
    from tlf.build_parallel import publish_output

    rendered = render_output(study, entry, data, pops, out, formats, manifest, force, when, shell, final=final)
    return publish_output(out, entry, rendered, publish), rendered.notes


def render_output(study, entry, data, pops, out: Path, formats, manifest, force: bool, when: datetime,
                  shell: bool = False, tmp: Path | None = None, final: bool = False):
    """Compute one output and write its files into a temporary folder (`tmp`, or a new one in `out`): a
    build_parallel.Rendered, published by build_parallel.publish_output (serial, or from a worker). On an
    error the folder is removed."""
    from tlf.clock import run_time_text

    check_templates(study, entry)  # a bad title or footnote is located in its file (study.yaml or the spec)
    listing = entry.spec.type == "listing"
    run_time = run_time_text(when)
    datasets = analysis_datasets(study, entry)
    provenance = (f"Source: {', '.join(_source_name(study, d) for d in datasets)}; spec: {entry.source.path.name}; "
                  f"tlf {tlf_version()}; run {run_time}"
                  + (f"; data cut-off {study.spec.study.cutoff}" if study.spec.study.cutoff else ""))
    if shell:
        provenance = f"SHELL (no data); spec: {entry.source.path.name}; tlf {tlf_version()}; run {run_time}"
    findings: list = []  # errors.Finding: str() prints it
    ard, model = compute_output(study, entry, data, pops, provenance=provenance, findings=findings)
    model = with_page_marks(model, study, entry, final)
    notes = [*findings, *_fit_notes(entry, model), *getattr(model, "notes", ())]
    stem = f"{entry.id}.shell" if shell else entry.id
    targets = {} if (listing and shell) else {"ard": out / f"{stem}.{'data' if listing else 'ard'}.csv"}
    for fmt in formats:
        targets[fmt] = out / f"{stem}.{fmt}"
    from tlf.spec.derived import nca_origin

    nca = [] if shell else sorted({o for d in datasets if (o := nca_origin(study.spec.data.datasets, d))})
    for d in nca:  # the PK parameters the output computed: <id>.adpp.csv (<id>.<dataset>.adpp.csv if several)
        targets[f"nca:{d}"] = out / (f"{stem}.adpp.csv" if len(nca) == 1 else f"{stem}.{d}.adpp.csv")
    for path in targets.values():
        _guard_overwrite(path, manifest, force)
    from tlf.qc.publish import TMP_PREFIX

    tmp = tmp if tmp is not None else Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out))
    from tlf.data.csv_text import csv_safe_frame
    from tlf.render.losses import cut_findings, footnote_findings, word_break_notes

    try:
        written = {}
        if "ard" in targets:  # the ARD, or a listing's records
            written["ard"] = tmp / targets["ard"].name
            csv_safe_frame(ard).to_csv(written["ard"], index=False)
        for d in nca:
            written[f"nca:{d}"] = tmp / targets[f"nca:{d}"].name
            csv_safe_frame(_nca_rows(study, entry, data, pops, d)).to_csv(written[f"nca:{d}"], index=False)
        if "docx" in formats:
            written["docx"] = tmp / targets["docx"].name
            _renderer("docx", listing)(model, written["docx"], when=when)
            notes += footnote_findings(entry, model)  # layout losses are Findings (tlf/render/losses.py)
        if "rtf" in formats:  # the DOCX's page plan (render/rtf.py)
            written["rtf"] = tmp / targets["rtf"].name
            _renderer("rtf", listing)(model, written["rtf"], when=when)
            if "docx" not in formats:
                notes += footnote_findings(entry, model)
        if "docx" in formats or "rtf" in formats:
            notes += word_break_notes(model)  # headers and cells that break inside a word (FIT004)
        if "xlsx" in formats:
            written["xlsx"] = tmp / targets["xlsx"].name
            cuts = _renderer("xlsx", listing)(model, written["xlsx"], None if (listing and shell) else ard, when=when)
            notes += cut_findings(entry, targets["xlsx"].name, cuts or ())
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write {entry.id} to '{out}': {e.strerror or e}", code="OUT002") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    from tlf.build_parallel import Rendered

    return Rendered(tmp, {src: targets[k] for k, src in written.items()}, notes, stem)


def _fit_notes(entry, model) -> list[str]:
    """A figure whose picture does not fit between its titles and footnotes is printed smaller (fonts
    too): say so, with the height that would fit."""
    if entry.spec.type != "figure":
        return []
    from tlf.render.paginate import picture_size

    width, height = picture_size(model)
    if width >= model.width - 1e-9:
        return []
    return [f"the picture ({model.width:g} x {model.height:g} in) is printed at {width / model.width:.0%} to fit "
            f"the page between titles and footnotes; `height: {math.floor(height * 100) / 100:g}` "
            f"(or `width:`) in {entry.source.path.name} prints it at full size"]


def _source_name(study, name: str) -> str:
    """A dataset as the provenance line names it: "ADPP (NCA of ADPC)" for a computed one."""
    from tlf.spec.derived import derived_sources

    src = derived_sources(study.spec.data.datasets[name])
    if src is None:
        return name.upper()
    kind = {"nca": "NCA", "subjects": "subjects", "pivot": "pivot", "select": "selection"}[src[0]]
    return f"{name.upper()} ({kind} of {src[1].upper()})"


def _nca_rows(study, entry, data, pops, name: str):
    """The rows of NCA dataset `name` of the subjects in the output's population."""
    frame = data.dataset(name).frame
    pop = pops[entry.spec.population].subjects
    return frame[frame[data.subject_id].isin(pop)]


def _renderer(fmt: str, listing: bool):
    """The function that writes one output's model to a file of format `fmt`."""
    import importlib

    module, name = {("docx", False): ("tlf.render.docx", "render_docx"),
                    ("xlsx", False): ("tlf.render.xlsx", "render_xlsx"),
                    ("docx", True): ("tlf.render.listing_docx", "render_listing_docx"),
                    ("xlsx", True): ("tlf.render.listing_xlsx", "render_listing_xlsx"),
                    ("rtf", False): ("tlf.render.rtf", "render_rtf"),
                    ("rtf", True): ("tlf.render.rtf", "render_listing_rtf")}[(fmt, listing)]
    return getattr(importlib.import_module(module), name)


def _ensure_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".tlf-probe-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise OutputError(f"output folder '{out}' is not writable: {e.strerror or e}", code="OUT001") from None


def _guard_overwrite(path: Path, manifest: dict, force: bool) -> None:
    """A file tlf did not write (or that changed since) is not overwritten: tlf.qc.verify.guard_overwrite,
    the rule of every command that writes."""
    from tlf.qc.verify import guard_overwrite

    guard_overwrite(path, force, manifest)


def _read_manifest(out: Path, warnings: list[str] | None = None) -> dict:
    """The manifest.json of `out`, or a new one. One that cannot be read (edited by hand: not JSON, or not
    tlf's layout) is replaced, with a warning in `warnings` naming it: the files it listed are then not known
    to be tlf's, and are overwritten only with --force."""
    p = out / MANIFEST
    if p.exists():
        try:
            m = json.loads(p.read_text(encoding="utf-8"))
            if isinstance(m, dict) and isinstance(m.get("outputs"), dict):
                return m
            problem = "not a manifest tlf wrote ('outputs' is not a mapping of output ids)"
        except (OSError, ValueError) as e:
            problem = f"not valid JSON ({e})" if isinstance(e, ValueError) else f"unreadable ({e.strerror or e})"
        if warnings is not None:
            warnings.append(f"{p}: {problem}; a new manifest is written, and the files the old one listed "
                            "are not known to be tlf's (use --force to overwrite them)")
    return {"outputs": {}}


# --- manifest.json (read back by `tlf verify`, tlf/qc/verify.py) ----------------------------------------
# {"tlf_version", "python", "study", "study_spec": {file, sha256}, "specs": {file: sha256},
#  "inputs": {dataset: {file, sha256}}, "populations": {name: n}, "started_at", "ended_at",
#  "build": {started_at, ended_at, status, requested, formats, built, failed,
#            stamped (the time in the outputs: SOURCE_DATE_EPOCH or the start), source_date_epoch (or null)},
#  "written": {name: sha256} (files other commands wrote here: `tlf compare --xlsx`, `tlf ard --out`; only
#             when there are any),
#  "outputs": {id: {title, number, type, spec, spec_sha256, study_spec_sha256, inputs: {dataset: {file, sha256}},
#                   files: {name: sha256}, built_at, source_date_epoch (or null),
#                   id_vars (listings: the ID variables of <id>.data.csv)}}}
# Paths are absolute; outputs of earlier builds stay listed with the hashes they were built from.
# The manifest is the build's record: its own dates (started_at, built_at, ...) are when it really ran,
# SOURCE_DATE_EPOCH or not; the outputs' hashes are what a rebuild with the same epoch must reproduce.


def _now() -> str:
    return datetime.now(UTC).isoformat()


class _Hashes:
    """SHA-256 of files, each read once per build (input data sets can be large)."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        key = str(Path(path).resolve())
        if key not in self._seen:
            self._seen[key] = sha256_file(Path(path))
        return self._seen[key]


def _output_record(study: Study, entry: OutputEntry, data, files, hashes: _Hashes, epoch: int | None) -> dict:
    record = {
        "title": " ".join(entry.spec.titles), "number": entry.spec.number, "type": entry.spec.type,
        "spec": str(Path(entry.source.path).resolve()), "spec_sha256": hashes(entry.source.path),
        "study_spec_sha256": hashes(study.source.path),
        "inputs": _inputs(data, hashes), "datasets": _read_from(study, entry),
        "files": dict(files), "built_at": _now(), "source_date_epoch": epoch,
    }
    if entry.spec.type == "listing" and data is not None:  # what identifies a record of <id>.data.csv (QC)
        from tlf.listings.compute import record_id_vars

        record["id_vars"] = record_id_vars(entry, data.subject_id)
    return record


def _read_from(study: Study, entry: OutputEntry) -> list[str]:
    """The data sets an output reads, those its population is selected on, and those its derived ones
    (NCA parameters) are computed from: what makes it stale when changed (the review index)."""
    from tlf.spec.derived import nca_origin

    names = analysis_datasets(study, entry)
    pops, seen = study.spec.populations, set()
    name = entry.spec.population
    while name in pops and name not in seen:
        seen.add(name)
        if pops[name].has_records is not None:
            names.append(pops[name].has_records.dataset)
        name = pops[name].within
    return sorted({*names, *(o for d in names if (o := nca_origin(study.spec.data.datasets, d)))})


def _inputs(data, hashes: _Hashes) -> dict:
    if data is None:
        return {}
    return {name: {"file": str(Path(ds.path).resolve()), "sha256": hashes(ds.path)}
            for name, ds in data.loaded.items() if ds.path}


def _write_manifest(out: Path, manifest: dict, study: Study, data, pops, hashes: _Hashes | None = None) -> None:
    import platform

    hashes = hashes or _Hashes()
    manifest["tlf_version"] = tlf_version()
    manifest["python"] = platform.python_version()
    manifest["study"] = study.spec.study.id
    manifest["study_spec"] = {"file": str(Path(study.source.path).resolve()), "sha256": hashes(study.source.path)}
    manifest["study_spec_sha256"] = manifest["study_spec"]["sha256"]
    specs = {manifest["study_spec"]["file"]: manifest["study_spec"]["sha256"]}
    specs.update({o["spec"]: o["spec_sha256"] for o in manifest["outputs"].values() if "spec" in o})
    manifest["specs"] = specs
    if data is not None:  # a shell build reads no data: the inputs of the last data build stay
        manifest["inputs"] = _inputs(data, hashes)
    if data is not None:
        manifest["populations"] = {name: len(p.subjects) for name, p in pops.items()}
    build = manifest.get("build", {})
    manifest["started_at"] = build.get("started_at")
    manifest["ended_at"] = build.get("ended_at")
    manifest["updated_at"] = _now()
    from tlf.qc.publish import write_json_atomic

    write_json_atomic(out / MANIFEST, manifest)  # fsynced, atomic replace
