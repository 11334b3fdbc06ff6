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
    criterion: str
    denominator: Literal["N", "assessed"] = "N"
    show_assessed: bool = False
    pct_decimals: Annotated[int, Field(ge=0, le=4)] | None = None


MODELS = {"responders": RespondersAnalysis}
