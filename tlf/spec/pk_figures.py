"""Plot kinds for PK figures (`plot: {kind: individual}`), on the figure model of tlf/spec/model.py.

    plot:
      kind: individual              # one line per subject: individual concentration-time profiles
      dataset: adpc
      var: AVAL                     # missing values (BLQ) are not plotted
      x: ARRLT                      # actual time since the dose
      where: "PKINTFL == 'Y'"
      panels:                       # one row of panels per entry, one column per treatment column
        - {label: "Day 1", where: "AVISITN == 1"}
        - {label: "Day 29", where: "AVISITN == 29"}
      log_y: true
      y_title: "Concentration (ng/mL)"
"""

from __future__ import annotations

from typing import Literal

from tlf.spec.base import Panel, Strict


class IndividualPlot(Strict):
    """Individual profiles: in a grid of panels (rows: `panels`, columns: treatment columns), one
    line per subject through its values of `var` against `x`, in the treatment's colour."""

    kind: Literal["individual"]
    """`individual`."""
    dataset: str
    """Dataset of the concentrations (records of each column's subjects, and period when it has a
    `period_var`)."""
    var: str
    """Variable plotted on y, e.g. AVAL; missing values (BLQ) are not plotted."""
    x: str
    """Numeric variable on x, e.g. ARRLT (actual time since the dose)."""
    where: str | None = None
    """Filter on the dataset's records (the where: language); not set: all records."""
    panels: list[Panel] = [Panel(label="")]
    """Rows of panels, each with its own filter (e.g. one per profile day); default: one row without a title."""
    x_title: str = "Time"
    """Title of the x axis."""
    y_title: str
    """Title of the y axis."""
    log_y: bool = False
    """Log scale on the y axis (semi-log plot)."""
    label_subjects: bool = True
    """A small legend of subject ids in each panel."""
