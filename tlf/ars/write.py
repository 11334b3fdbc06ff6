"""Reading the datasets a reporting event names, and writing what `tlf ars run` makes: the reporting event
with `results` filled, the ARD (one row per result) as CSV, and the findings (operations not mapped).

Files are written only where tlf may: a file of the same name that tlf did not write (not in the folder's
manifest.json) is refused with OUT003, one changed since with OUT004, unless `force`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tlf.errors import DataError, OutputError

if TYPE_CHECKING:
    from tlf.ars.run import Run
    from tlf.ars.where import Tables

READ_ORDER = (".xpt", ".sas7bdat", ".parquet", ".csv")


def dataset_names(event: Any) -> list[str]:
    """Every dataset the event reads: the analyses', and those its where clauses and groupings name."""
    from tlf.ars.where import clause_datasets

    names: set[str] = set()
    used_sets = {a.analysisSetId for a in event.analyses}
    used_subsets = {a.dataSubsetId for a in event.analyses}
    for a in event.analyses:
        if a.dataset:
            names.add(a.dataset.upper())
    for s in event.analysisSets:
        if s.id in used_sets:
            names |= clause_datasets(s)
    for s in event.dataSubsets:
        if s.id in used_subsets:
            names |= clause_datasets(s)
    for g in event.analysisGroupings:
        for grp in g.groups:
            names |= clause_datasets(grp)
    return sorted(names)


def load_tables(event: Any, dirs: list[Path]) -> Tables:
    """Read each dataset from the first folder holding it (`adsl.xpt`, ...) by tlf's data readers."""
    from tlf.ars.where import Tables
    from tlf.data.read import read_dataset

    frames = {}
    for name in dataset_names(event):
        path = next((d / f"{name.lower()}{ext}" for d in dirs for ext in READ_ORDER
                     if (d / f"{name.lower()}{ext}").is_file()), None)
        if path is None:
            raise DataError(f"no file {name.lower()}.xpt (or .sas7bdat, .parquet, .csv) in "
                            f"{', '.join(map(str, dirs))}", dataset=name, code="ARS010")
        frames[name] = read_dataset(path, name.lower()).frame
    return Tables(frames)


def filled_event(raw: dict, run: Run) -> dict:
    """The reporting event as read, with each analysis' `results` replaced by tlf's."""
    out = copy.deepcopy(raw)
    for a in out.get("analyses", []):
        if isinstance(a, dict) and a.get("id") in run.results:
            a["results"] = [r.as_ars() for r in run.results[a["id"]]]
    return out


def ard_frame(run: Run, event_id: str = "", variables: dict[str, str] | None = None):
    """tlf's results dataset (tlf/ard/schema.py: `tlf compare` reads it) of the run, one row per result:
    output_id the event's id, analysis the analysis id, column the group of its first grouping, parent the
    groups between, level the group of its last grouping (a group's id, or its value when data-driven),
    stat_name the tlf statistic (the operation id when a method has two of a kind), stat the value,
    stat_fmt the formattedValue, warning a note; then the ARS columns method_id, operation_id,
    groupings (their ids, " / "), raw_value and formatted_value."""
    import pandas as pd

    from tlf.ard.schema import make_ard

    variables = variables or {}
    rows, extra = [], []
    for rs in run.results.values():
        kinds: dict[str, set[str]] = {}
        for r in rs:
            kinds.setdefault(r.kind, set()).add(r.operation_id)
        for order, r in enumerate(rs):
            names = [i or v or "" for _g, i, v in r.groups]
            column = names[0] if names else ""
            level = names[-1] if len(names) > 1 else ""
            rows.append({"output_id": event_id, "analysis": r.analysis_id, "column": column,
                         "variable": variables.get(r.analysis_id, ""), "parent": " / ".join(names[1:-1]),
                         "level": level, "stat_name": r.kind if len(kinds[r.kind]) == 1 else r.operation_id,
                         "stat": r.value if r.value is not None else float("nan"), "decimals": -1, "sig": 0,
                         "stat_fmt": r.formatted, "displayed": True, "order": order, "warning": r.note})
            extra.append({"method_id": r.method_id, "operation_id": r.operation_id,
                          "groupings": " / ".join(g for g, _i, _v in r.groups),
                          "raw_value": r.as_ars()["rawValue"], "formatted_value": r.formatted})
    if not rows:
        return make_ard([])
    return pd.concat([make_ard(rows), pd.DataFrame(extra)], axis=1)


def findings_text(run: Run) -> str:
    lines = [str(u) for u in run.unmapped] + run.slips
    return "\n".join(lines) + ("\n" if lines else "")


def file_stem(output_id: str) -> str:
    """An output id as a file name: letters, digits, '.', '-' and '_' kept, anything else '_'."""
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in output_id) or "output"


def write_run(raw: dict, run: Run, out: Path, stem: str, *, force: bool = False, tables: list | None = None,
              formats: tuple[str, ...] = ()) -> list[Path]:
    """Write <stem>.json (the event with results), <stem>.ard.csv and <stem>.findings.txt to `out`, and
    each output's table ((Table, analysis ids) of display.output_tables) as <output id>.docx / .xlsx for
    `formats` (the XLSX with the results of its analyses on a second sheet)."""
    from tlf.data.csv_text import csv_safe_frame
    from tlf.qc.verify import guard_overwrite, record_written

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.json", out / f"{stem}.ard.csv", out / f"{stem}.findings.txt"]
    rendered = [(t, ids, fmt, out / f"{file_stem(t.output_id)}.{fmt}") for t, ids in tables or () for fmt in formats]
    for p in [*paths, *(r[-1] for r in rendered)]:  # every refusal before anything is written
        guard_overwrite(p, force)
    ard = ard_frame(run, str(raw.get("id", "")),
                    {a.get("id"): str(a.get("variable") or "") for a in raw.get("analyses", []) if isinstance(a, dict)})
    texts = [json.dumps(filled_event(raw, run), indent=2, ensure_ascii=False) + "\n",
             csv_safe_frame(ard).to_csv(index=False, lineterminator="\n"),
             findings_text(run)]
    for p, text in zip(paths, texts, strict=True):
        try:
            p.write_text(text, encoding="utf-8")
        except OSError as e:
            raise OutputError(f"cannot write '{p}': {e.strerror or e}", code="ARS017") from None
        record_written(p)
    for table, ids, fmt, p in rendered:
        if fmt == "docx":
            from tlf.render.docx import render_docx

            render_docx(table, p)
        else:
            from tlf.render.xlsx import render_xlsx

            render_xlsx(table, p, ard[ard["analysis"].isin(ids)].reset_index(drop=True) if len(ard) else None)
        record_written(p)
        paths.append(p)
    return paths
