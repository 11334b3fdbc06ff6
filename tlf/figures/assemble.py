"""One way to make a Figure from a figure spec: the title block, footnotes and page come from the spec
(and study.yaml), the picture and the plotted numbers from the plot kind's layout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from tlf.figures.model import Figure
from tlf.tables.model import page_setup

if TYPE_CHECKING:
    from tlf.spec.validate import OutputEntry, Study


def assemble_figure(study: Study, entry: OutputEntry, png: bytes, *, context: dict | None, provenance: str,
                    data_columns: Sequence[str], data_rows: Iterable[Sequence], notes: Sequence[str] = (),
                    legend: Sequence[str] = ()) -> Figure:
    """The Figure of `entry`: the output's footnotes, then `notes` the analysis added (once each), then the
    study's footnotes; titles and footnotes rendered as templates."""
    from tlf.format.text import render_text

    spec = entry.spec
    ctx = dict(context or {})
    foot = [render_text(f, ctx, where=f"{entry.id}.footnotes",
                    location=entry.source.locate(("footnotes",))) for f in spec.footnotes]
    foot += [n for n in notes if n not in foot]
    foot += [render_text(f, ctx, where=f"{entry.id}.footnotes", location=study.source.locate(("footnotes",))) for f in study.spec.footnotes]
    return Figure(
        output_id=spec.id, number=spec.number,
        titles=tuple(render_text(t, ctx, where=f"{entry.id}.title",
                    location=entry.source.locate(("title",))) for t in spec.titles),
        png=png, width=spec.width, height=spec.height,
        population=study.spec.populations[spec.population].label,
        subtitle=render_text(spec.subtitle, ctx, where=f"{entry.id}.subtitle",
                    location=entry.source.locate(("subtitle",))),
        footnotes=tuple(foot), provenance=provenance, page=page_setup(spec.page or study.spec.page),
        data_columns=tuple(data_columns), data_rows=tuple(tuple(r) for r in data_rows), legend=tuple(legend),
    )
