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
    dataset: str
    var: str
    x: str
    where: str | None = None
    panels: list[Panel] = [Panel(label="")]
    x_title: str = "Time"
    y_title: str
    log_y: bool = False
    label_subjects: bool = True  # a small legend of subject ids in each panel
