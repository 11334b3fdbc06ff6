"""What `tlf check` (and the start of `tlf build`) asks of the specs against the data, without computing
statistics or rendering: each output's errors and findings through its families' CHECKS (tlf/analyses/
registry.py), study.yaml's literals, and the data's own findings. Part of the orchestrator, as build.py."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tlf.errors import Finding, TlfError, internal_error
from tlf.spec.validate import OutputEntry, Study


def output_context(study: Study, entry: OutputEntry) -> dict:
    return {"study": study.spec.study.model_dump(), "cutoff": study.spec.study.cutoff,
            "population": study.spec.populations[entry.spec.population].label, "output_id": entry.id}


def with_page_marks(model, study: Study, entry: OutputEntry, final: bool = False):
    """The model with study.yaml's running header (templates filled in) and watermark (none when `final`)
    on its page (PageSetup): every renderer prints them."""
    from dataclasses import replace

    from tlf.format.text import render_text

    spec = study.spec
    head = spec.running_header
    marks = {"watermark": "" if final else spec.watermark}
    if head is not None:
        ctx = output_context(study, entry)
        marks["running_header"] = tuple(
            render_text(getattr(head, side), ctx, where=f"study.running_header.{side}",
                        location=study.source.locate(("running_header", side))) for side in ("left", "center", "right"))
    if not marks["watermark"] and "running_header" not in marks:
        return model
    inner = model.table if hasattr(model, "table") else model  # a Listing holds its Table
    inner = replace(inner, page=replace(inner.page, **marks))
    return replace(model, table=inner) if hasattr(model, "table") else inner


def check_output(study: Study, entry: OutputEntry, data, pops, *, records: bool = True) -> list[Finding]:
    """What `tlf check` asks of one output: every spec-against-data error its build would raise (raised
    here: variables, parameters, visits, filters, one record per subject, numbers, an empty population,
    templates), and the findings (spec values the data never take), without computing statistics or
    rendering. Each family's checks are found through the registry (tlf/analyses/<home>/run.py CHECKS).
    `records=False` leaves out selecting a listing's records (its whole build): a build does that anyway."""
    from tlf.analyses.checks import listing_findings

    check_templates(study, entry)
    if entry.spec.type == "listing":  # selecting and laying out the records is the listing's whole build
        if records:
            from tlf.listings.compute import compute_listing

            compute_listing(study, entry, data, pops, context=output_context(study, entry))
        return listing_findings(entry, data)
    from tlf.analyses.columns import resolve_columns
    from tlf.analyses.run import check_analyses
    from tlf.data.populations import require_nonempty

    require_nonempty(pops[entry.spec.population], study.spec.data.subject_dataset)
    found: list[Finding] = []
    columns = resolve_columns(study, entry, data, pops, findings=found)  # subjects in no column (DATA031)
    return found + check_analyses(study, entry, data, columns)


def check_templates(study: Study, entry: OutputEntry) -> None:
    """Fill every title, subtitle and footnote template of `entry` (and the study's footnotes and running
    header, printed on every output): a bad one is a SpecError located in the file that holds it, study.yaml or the
    output's spec, at its key."""
    from tlf.errors import SpecError
    from tlf.format.text import render_text

    ctx = output_context(study, entry)
    spec = entry.spec
    title = getattr(spec, "title", None)
    texts = [(entry, ("title",) if isinstance(title, str) else ("title", i), t) for i, t in enumerate(spec.titles)]
    if getattr(spec, "subtitle", ""):
        texts.append((entry, ("subtitle",), spec.subtitle))
    texts += [(entry, ("footnotes", i), t) for i, t in enumerate(spec.footnotes)]
    texts += [(study, ("footnotes", i), t) for i, t in enumerate(study.spec.footnotes)]
    head = study.spec.running_header
    if head is not None:
        texts += [(study, ("running_header", side), getattr(head, side)) for side in ("left", "center", "right")]
    for owner, key, text in texts:
        try:
            render_text(text, ctx)
        except SpecError as e:
            which = f" (filled for output {entry.id})" if owner is study else ""
            raise owner.error(key, e.message + which, e.code) from None


def check_study(study: Study, data) -> list[Finding]:
    """Findings of study.yaml: literals of `derive:` cases and expressions, of populations' filters and of
    derived datasets' `where` that the data never take (datasets read so far only: a dataset no output
    reads is not read for this)."""
    from tlf.analyses.checks import expression_findings

    loaded = data.loaded
    out: list[Finding] = []

    def on(name: str, key: tuple, text: str | None) -> None:
        if text and name in loaded:
            out.extend(expression_findings([text], loaded[name].frame, name, key, study.error))

    spec = study.spec
    for name, ds in spec.data.datasets.items():
        for kind in ("nca", "subjects", "pivot", "select"):
            rule = getattr(ds, kind, None)
            if rule is not None and name in loaded:
                on(rule.source, ("data", "datasets", name, kind, "where"), rule.where)
    for name, derivations in spec.derive.items():
        for i, d in enumerate(derivations):
            on(name, ("derive", name, i, "expr"), d.expr)
            for j, c in enumerate(d.cases or ()):
                on(name, ("derive", name, i, "cases", j, "where"), c.where)
    for name, p in spec.populations.items():
        on(spec.data.subject_dataset, ("populations", name, "where"), p.where)
        if p.has_records:
            on(p.has_records.dataset, ("populations", name, "has_records", "where"), p.has_records.where)
    return out


def check(study: Study, entries: Sequence[OutputEntry], data, pops,
          findings: Sequence[Finding] = (), *, crash_folder: Path | str | None = None, records: bool = True
          ) -> tuple[list[TlfError], list[Finding]]:
    """`tlf check`: the errors (one per output at most, as its build would stop) and the findings of the
    outputs, study.yaml and the data (`findings`: those `prepare` returned). An unexpected exception (a bug
    in tlf) is that output's InternalError; with `crash_folder` its traceback goes to a log file there."""
    errors: list[TlfError] = []
    found = list(findings)
    log = None
    for entry in entries:
        try:
            found += check_output(study, entry, data, pops, records=records)
        except TlfError as e:
            errors.append(e)
        except Exception as e:  # a bug in tlf: this output's error, the others are checked
            if crash_folder is None:  # the build: its own run of the output logs the traceback
                from tlf.errors import InternalError

                errors.append(InternalError(f"internal error in tlf while checking {entry.id}: "
                                            f"{type(e).__name__}: {e}", output_id=entry.id))
                continue
            err = internal_error(e, f"checking {entry.id}", crash_folder, output_id=entry.id, log=log)
            log = err.log or log
            errors.append(err)
    found += check_study(study, data)
    found += [f for f in getattr(data, "findings", []) if f not in found]
    return errors, unique_findings(found)


def unique_findings(findings: Sequence[Finding]) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for f in findings:
        if str(f) not in seen:
            seen.add(str(f))
            out.append(f)
    return out
