"""The `responders` family's spec model: subjects meeting a criterion at each parameter and visit."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from tlf.spec.base import (
    ParamVisitsBase,
)


class RespondersAnalysis(ParamVisitsBase):
    """Subjects meeting `criterion` (an expression on the visit's record, e.g. "CHG <= -4") at each
    visit: n (%). Denominator: the column's N (a subject without a record counts as a non-responder)
    or the subjects assessed at the visit."""

    type: Literal["responders"]
    """`responders`."""
    criterion: str
    """Condition a subject's record at the visit must meet to count as a responder (the where: language on
    the variables of `dataset`), e.g. `"CHG <= -4"`. A record whose criterion depends on a missing value
    does not meet it (three-valued logic, as SQL): with CHG missing neither `CHG <= -4` nor `not (CHG > -4)`
    is met, while `CHG <= -4 or AVALC == 'Y'` is met when AVALC is 'Y'."""
    denominator: Literal["N", "assessed"] = "N"
    """Denominator of the percentage: `N` (the column's N; a subject without a record at the visit counts
    as a non-responder) or `assessed` (the subjects with a record at the visit, whether or not the
    criterion's variables are missing)."""
    show_assessed: bool = False
    """true: a "Patients assessed" row under each visit gives the number of subjects with a record there."""
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None
    """Decimals of the percentages (0-4); not set: the output's `pct_decimals`, else the study's."""


MODELS = {"responders": RespondersAnalysis}


EXAMPLES = {"responders": """\
id: hss4
type: responders
dataset: adeff
param: HSS
label: "hSS reduction >= 4 points"
where: "ANL01FL == 'Y'"
visits: [Day 15, Day 29, Day 57, Day 85, Follow-up Week 4, Follow-up Week 12]
criterion: "CHG <= -4"
denominator: N
show_assessed: true
"""}
