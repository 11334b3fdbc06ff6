"""Spec + data -> ARD rows: runs each analysis of an output over its treatment columns, through the
runner of its family (tlf/analyses/registry.py); a figure that reads its dataset directly gets its
plotted numbers from tlf/figures/data/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.context import ColumnGroup, Ctx, row_dict
from tlf.analyses.registry import part

if TYPE_CHECKING:
    from tlf.data.datasets import StudyData
    from tlf.data.populations import Population
    from tlf.errors import Finding
    from tlf.spec.validate import OutputEntry, Study


def compute_ard(study: Study, entry: OutputEntry, data: StudyData, pops: dict[str, Population],
                columns: list[ColumnGroup]) -> list[dict]:
    """All ARD rows of one output (unformatted; `format` fills stat_fmt)."""
    rows: list[dict] = []
    for col in columns:
        rows.append(row_dict(entry, "_N", col.id, "", "", "", "N", col.n, 0))
    if entry.spec.type == "figure" and entry.spec.plot.kind in _PLOTS:
        return rows + _plot_rows(entry, data, columns)  # a plot that reads its dataset directly
    spec_pct = entry.spec.pct_decimals if entry.spec.pct_decimals is not None else study.spec.pct_decimals
    for i, a in enumerate(entry.spec.analyses):
        ctx = Ctx(study, entry, data, i, a, spec_pct)
        rows += part(a.type, "run", "RUNNERS")(ctx, columns)
        ctx.report_findings()
    return rows


def check_analyses(study: Study, entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[Finding]:
    """What `tlf check` asks of an output's analyses: each family's check (tlf/analyses/<home>/run.py
    CHECKS), which raises the error its runner would raise and returns the spec values the data never
    take, without computing statistics. A figure that reads its dataset directly has its variables and
    records checked (tlf/figures/data/: check_<kind>) and the literals of its `where`s."""
    from tlf.analyses.checks import plot_findings, run_check

    if entry.spec.type == "figure" and entry.spec.plot.kind in _PLOTS:
        _plot_check(entry, data, columns)
        return plot_findings(entry, data, columns)
    spec_pct = entry.spec.pct_decimals if entry.spec.pct_decimals is not None else study.spec.pct_decimals
    findings: list[Finding] = []
    for i, a in enumerate(entry.spec.analyses):
        ctx = Ctx(study, entry, data, i, a, spec_pct)
        findings += run_check(part(a.type, "run", "CHECKS"), ctx, columns)
    return findings


def _plot_rows(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> list[dict]:
    """The plotted numbers of a figure, by plot kind."""
    from tlf.figures.data.individual import individual_rows
    from tlf.figures.data.km import km_plot_rows
    from tlf.figures.data.mean_by_visit import mean_by_visit_rows

    plots = {"mean_by_visit": mean_by_visit_rows, "km": km_plot_rows, "individual": individual_rows}
    return plots[entry.spec.plot.kind](entry, data, columns)


def _plot_check(entry: OutputEntry, data: StudyData, columns: list[ColumnGroup]) -> None:
    """The checks of a figure that reads its dataset, by plot kind (no numbers made)."""
    from tlf.figures.data.individual import check_individual
    from tlf.figures.data.km import check_km
    from tlf.figures.data.mean_by_visit import check_mean_by_visit

    checks = {"mean_by_visit": check_mean_by_visit, "km": check_km, "individual": check_individual}
    checks[entry.spec.plot.kind](entry, data, columns)


_PLOTS = ("mean_by_visit", "km", "individual")  # plot kinds that read their dataset (the others draw the output's analyses)
