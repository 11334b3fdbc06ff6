"""The output's `stat_columns`: their models (p-value and estimate columns, and how p-values print),
and the spec checks of the estimate columns (stat: risk_difference, relative_risk, odds_ratio); what they
compute is tlf/analyses/estimates.py and tlf/analyses/compare.py."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tlf.errors import TlfError
from tlf.spec.base import ID_PATTERN, Strict, TestName
from tlf.stats.proportions import TWO_METHODS


class PCutoff(Strict):
    """Print `text` instead of the p-value beyond `at` (below it for `low`, above it for `high`)."""

    at: Annotated[float, Field(gt=0, lt=1)]
    """The cut-off: a p-value below it (`low`) or above it (`high`) prints as `text`."""
    text: str
    """Text printed instead of the p-value, e.g. "<.001" or ">.99"."""


class PFlag(Strict):
    """Append `text` (e.g. "*") to p-values below `below`."""

    below: Annotated[float, Field(gt=0, le=1)]
    """p-values below this (unrounded) get the mark."""
    text: str = "*"
    """Mark appended to the printed p-value."""


class PValueFormat(Strict):
    """How a stat column prints p-values: `decimals` (default 3); below 10^-decimals "<0.001" and
    above 1 - 10^-decimals ">0.999" unless `low` / `high` say otherwise; `flag` marks small ones;
    `missing` is printed where no test was computed (e.g. "" where no subject had the event)."""

    decimals: Annotated[int, Field(ge=1, le=6)] = 3
    """Decimals of the p-values."""
    low: PCutoff | None = None
    """Text for small p-values instead of the default "<0.001" below 10^-decimals."""
    high: PCutoff | None = None
    """Text for large p-values instead of the default ">0.999" above 1 - 10^-decimals."""
    flag: PFlag | None = None
    """Mark appended to p-values below a cut-off (e.g. "*" below 0.05); not set: none."""
    missing: str | None = None
    """Text of a p-value that is not computed; not set: the study's `not_estimable`."""


class StatColumn(Strict):
    """A column of p-values comparing treatment columns: each analysis runs `test` across the
    columns listed in `over` (`auto`: ANOVA for continuous, chi-square for counts, log-rank for time
    to event; an analysis's own `test` wins). Per-term analyses get one p-value per term row; the
    others one per analysis, on its first row."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    """Identifier of the column (in the ARD); must differ from the treatment columns' ids."""
    label: str
    """Column header, e.g. "p-value [1]"."""
    over: Annotated[list[str], Field(min_length=2)]
    """Ids of the treatment columns compared (two or more)."""
    test: TestName = "auto"
    """Test run across those columns: `auto` picks by the analysis (ANOVA for continuous, chi-square for
    counts, log-rank for time to event); `cmh` the Cochran-Mantel-Haenszel test of a count analysis
    (stratified by `strata`); `breslow_day` the Breslow-Day test that the odds ratio of two columns is the
    same in every stratum of `strata` (2 x 2 x K: a `count`, a `responders` visit, a two-level
    `categorical`; SAS PROC FREQ `CMH BDT` prints it with Tarone's adjustment, in the ARD note); `none`
    leaves the column blank. An analysis's own `test` wins."""
    strata: str | None = None
    """Variable whose values stratify the test, e.g. `SITEGR1`: `test: cmh` (the CMH statistic chosen by
    `cmh`) or a log-rank test (`logrank`, or `auto` on a time to event: the stratified log-rank test, as
    SAS LIFETEST STRATA / TEST or R `survdiff(... + strata(...))`). Read from the subject-level dataset
    (ADSL) when it holds the variable, else from the analysis's records (one value per subject). Subjects
    with a missing value are left out of the test, as SAS does, with a note in the ARD. On an estimate
    column with `stat: odds_ratio` of a `count` or `responders` analysis: the Mantel-Haenszel common odds
    ratio over the strata with its Robins-Breslow-Greenland CI (SAS PROC FREQ CMH "Common Odds Ratio",
    R `mantelhaen.test`), `ci` left unset. Not set: one stratum."""
    cmh: Literal["general", "row_mean", "correlation"] = "general"
    """Which CMH statistic `test: cmh` prints (SAS PROC FREQ CMH): `general` association (any response,
    (r-1)(c-1) df), `row_mean` scores differ (an ordinal response, r-1 df), nonzero `correlation` (ordinal
    response and ordered columns, 1 df)."""
    scores: Literal["table", "modridit"] = "table"
    """Scores of `cmh: row_mean` and `correlation`: `table` (the response's numeric values, else the
    levels' order 1, 2, ...; the treatment columns in `over` order), or `modridit` (SAS SCORES=MODRIDIT,
    per stratum; row mean scores with modified ridit scores is van Elteren's test)."""
    spanner: str = ""
    """Header spanning adjacent columns that share it; empty: none."""
    width: float | None = None
    """Relative width of the column, as a treatment column's `width`; not set: automatic."""
    format: PValueFormat = PValueFormat()
    """How the p-values print (decimals, cut-offs, flag, missing text); of an estimate column only
    `decimals` counts, the decimals of the estimate and its limits (not set: 1 for a risk difference in
    percentage points, 2 for a ratio)."""
    sparse: Literal["flag", "fisher", "none"] = "flag"
    """What a chi-square p-value does when its table is sparse: more than 20% of the cells have expected
    counts below 5, the rule of SAS PROC FREQ's warning "Chi-Square may not be a valid test" (Cochran; R's
    chisq.test warns when any cell does). `flag`: printed with `sparse_mark` (e.g. "0.043^") and a footnote
    "^ Chi-square test; more than 20% of expected cell counts are below 5: the p-value may be inaccurate.";
    `fisher`: Fisher's exact test printed instead, marked, with a footnote saying so (as many SAPs ask);
    `none`: printed as any other. With `flag` and `fisher` the build warns, naming the output and the rows.
    Other tests are not affected."""
    sparse_mark: str = "^"
    """Mark after a p-value of a sparse chi-square (or the Fisher's test that replaced it), and at the start
    of its footnote; not empty."""
    stat: Literal["pvalue", "risk_difference", "relative_risk", "odds_ratio"] = "pvalue"
    """What the column prints: `pvalue` (the `test` across `over`), or an estimate with its CI comparing
    exactly two columns of `over`, the treatment first and the reference second, on each row of subjects
    counted (`count`, `categorical` levels, `terms` SOC and term rows, `responders` visits): `risk_difference`
    (in percentage points, as FDA's Standard Safety Tables print it), `relative_risk` or `odds_ratio`,
    printed "est (lower, upper)" (tlf/analyses/estimates.py). Other analysis types leave it blank."""
    ci: Literal["wald", "newcombe", "mn", "woolf"] | None = None
    """CI method of an estimate column: risk difference `newcombe` (Newcombe's hybrid score interval,
    the default; SAS RISKDIFF(CL=NEWCOMBE)), `mn` (Miettinen-Nurminen score; CL=MN) or `wald`; relative
    risk `wald` (on the log scale, the only one); odds ratio `woolf` (Wald on the log scale, the only one).
    Not set: the statistic's default. Not allowed with `stat: pvalue`."""
    conf_level: Annotated[float, Field(gt=0, lt=1)] = 0.95
    """Confidence level of an estimate column's CI."""
    exact: bool | Literal["auto"] = False
    """Wilcoxon rank-sum p-values: `false`, the normal approximation with continuity correction (SAS PROC
    NPAR1WAY's default); `true`, the exact test: the permutation distribution of the rank sum given the
    (mid)ranks (SAS `EXACT WILCOXON`; R `wilcox.test(exact = TRUE)` without ties, `coin::wilcox_test(distribution
    = "exact")` with them; not computed, with a note, when too large to count: two samples of more than about
    250 values each); `auto`, R `wilcox.test`'s default: exact when both samples have fewer than 50 values and
    no value ties, else the approximation. Other tests are not affected."""

    @model_validator(mode="after")
    def _marks_differ(self):
        if not self.sparse_mark.strip():
            raise ValueError("sparse_mark must not be empty: it tells the flagged p-values apart")
        if self.format.flag is not None and self.format.flag.text == self.sparse_mark and self.sparse != "none":
            raise ValueError(f"sparse_mark '{self.sparse_mark}' is also the mark of format.flag: the two could not "
                             "be told apart; choose another")
        return self


def check_estimate_columns(entry) -> list[TlfError]:
    """An estimate column compares exactly two columns (SPEC100) and names a CI method of its statistic
    (SPEC101); `ci` on a p-value column is an error (SPEC101)."""
    errors: list[TlfError] = []
    for k, sc in enumerate(getattr(entry.spec, "stat_columns", [])):
        if sc.stat == "pvalue":
            if sc.ci is not None:
                errors.append(entry.error(("stat_columns", k, "ci"), f"'ci' is for estimate columns (stat: "
                                          f"{', '.join(TWO_METHODS)}); this column prints p-values (stat: "
                                          "pvalue)", "SPEC101"))
            continue
        if len(sc.over) != 2:
            errors.append(entry.error(("stat_columns", k, "over"), f"a {sc.stat} column compares exactly 2 "
                                      f"columns, the treatment then the reference; got {len(sc.over)}: "
                                      f"{', '.join(sc.over)}", "SPEC100"))
        if sc.strata and (sc.stat != "odds_ratio" or sc.ci is not None):
            errors.append(entry.error(("stat_columns", k, "strata"), "`strata` on an estimate column gives the "
                                      "Mantel-Haenszel common odds ratio: `stat: odds_ratio` without `ci`",
                                      "SPEC101"))
        if sc.ci is not None and sc.ci not in TWO_METHODS[sc.stat]:
            errors.append(entry.error(("stat_columns", k, "ci"), f"{sc.stat} has no CI method '{sc.ci}'; "
                                      f"methods: {', '.join(TWO_METHODS[sc.stat])}", "SPEC101"))
    return errors
