"""Every analysis family by the `type:` a spec gives it, and where its home is.

A family's home is a package tlf/analyses/<home>/ holding one module per floor of the pipeline:

    spec.py    MODELS   type -> the pydantic model of its YAML (a docstring on every field)
    run.py     RUNNERS  type -> run(ctx, columns) -> ARD rows (records in, numbers out)
               CHECKS   type -> check(ctx, columns) -> findings: the spec against the data without computing
                        (raises the error the runner would; returns the spec values the data never take;
                        `tlf check` and the start of `tlf build`, shared helpers in tlf/analyses/checks.py)
    shell.py   SHELLS   type -> shell(output_id, analysis, columns, pct_decimals, study) -> ARD rows, no data
    layout.py  ROWS     type -> rows(analysis, cells, column ids, periods, shell, column labels) -> table rows
               NOTES    type -> notes(analysis, cells) -> footnotes the numbers call for (optional)
               STAT_LINES  type -> the lines of an analysis in a table with statistics as columns (optional;
                        continuous, by_visit, PK summaries: tlf/tables/stats_as_columns.py)
               WIDE     type -> (columns, rows) of a table whose treatment columns each span several
                        columns (optional; by_visit `side_by_side`)
               TABLE    type -> (spec, columns, cells, big N, shell) -> (table columns, rows): a family
                        laying out its whole table with columns of its own (optional; shift)
    figure.py  FIGURES  type -> draw(spec, analyses, titles, columns, styles, cells, groups) (optional: the
                        families a figure of kind Family.plot draws)

The build, the shells, the table layout, the figures and the docs find a family only through this
module. Adding a family: write its home, then add one line to FAMILIES.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType


@dataclass(frozen=True)
class Family:
    """One analysis type: `home` is its package under tlf/analyses; `compares` the kind of data a stat
    column's test compares across treatment columns ("values", "counts", "times"; None: no test); `plot`
    the figure kind (`plot: kind:`) that draws its analyses, with FIGURES in its home's figure.py."""

    type: str
    home: str
    compares: str | None = None
    plot: str | None = None


FAMILIES: tuple[Family, ...] = (
    Family("count", "count", compares="counts"),
    Family("categorical", "categorical", compares="counts"),
    Family("continuous", "continuous", compares="values"),
    Family("terms", "terms", compares="counts"),
    Family("by_visit", "by_visit", plot="by_visit"),
    Family("responders", "responders", compares="counts"),
    Family("ancova", "ancova", plot="lsmean_bars"),
    Family("mmrm", "mmrm", plot="lsmean_by_visit"),
    Family("correlation", "correlation", plot="scatter"),
    Family("time_to_event", "time_to_event", compares="times", plot="forest"),
    Family("pk_parameters", "pk"),
    Family("pk_concentrations", "pk"),
    Family("power_model", "power_model"),
    Family("emax", "emax", plot="scatter"),
    Family("shift", "shift"),
)
TYPES = tuple(f.type for f in FAMILIES)
# the types a table with `stats_as_columns` may hold: their layout.py has STAT_LINES
STATS_AS_COLUMNS_TYPES = ("continuous", "by_visit", "pk_parameters", "pk_concentrations")
_BY_TYPE = {f.type: f for f in FAMILIES}


def family(type_: str) -> Family:
    return _BY_TYPE[type_]


def floor(type_: str, name: str) -> ModuleType:
    """The module of a family's home for one floor ("spec", "run", "shell", "layout")."""
    return import_module(f"tlf.analyses.{_BY_TYPE[type_].home}.{name}")


def part(type_: str, name: str, table: str, default=None):
    """One family's entry in a floor's table, e.g. part("ancova", "run", "RUNNERS")."""
    return getattr(floor(type_, name), table, {}).get(type_, default)


def spec_models() -> tuple[type, ...]:
    """The spec model of every analysis type, in registry order."""
    return tuple(part(t, "spec", "MODELS") for t in TYPES)


def compares(type_: str) -> str | None:
    """What a stat column's test compares for this analysis type (None: the type runs no test)."""
    return _BY_TYPE[type_].compares if type_ in _BY_TYPE else None


def plot_types() -> dict[str, tuple[str, ...]]:
    """Figure kind -> the analysis types it draws (e.g. "scatter" -> correlation, emax)."""
    out: dict[str, tuple[str, ...]] = {}
    for f in FAMILIES:
        if f.plot:
            out[f.plot] = (*out.get(f.plot, ()), f.type)
    return out
