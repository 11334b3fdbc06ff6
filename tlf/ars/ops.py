"""ARS methods' operations -> tlf statistics, and a result's formattedValue from its resultPattern.

An operation is recognised by its name (else its label, but "n" alone, which does not say what it
counts), case aside; a p-value by its method's name.
What is not in OPERATIONS / TESTS is not guessed: run.py lists it with the reason (ARS016).

| operation name (or label)                   | tlf statistic                                          |
|---------------------------------------------|--------------------------------------------------------|
| Count of subjects / Number of subjects      | distinct subject ids (USUBJID: selection.subject_keys) |
| Count of non-missing values / n             | n of tlf.stats.descriptive.describe                    |
| Mean, Standard deviation / SD, Median       | describe: mean, SD (n-1), median                       |
| First quartile / Q1, Third quartile / Q3    | describe: SAS PCTLDEF=5 quartiles                      |
| Minimum / Min, Maximum / Max                | describe: min, max                                     |
| Percent of subjects / Percentage            | 100 x NUMERATOR / DENOMINATOR (referenced operations)  |
| P-value of a Pearson chi-square method      | tlf.stats.tests.chisq_test (asymptotic, no correction) |
| P-value of a Fisher's exact test method     | tlf.stats.tests.fisher_test (two-sided)                |
| P-value of an analysis of variance method   | tlf.stats.tests.anova_oneway (F test of the groups)    |
| P-value of a Wilcoxon rank-sum method       | tlf.stats.tests.rank_sum_test (two groups)             |
| P-value of a Cochran-Mantel-Haenszel method | tlf.stats.cmh (groups x levels, strata: compare.py)    |
| Count of subjects with a non-missing value  | distinct subjects whose analysis variable has a value  |
| Count of records / Number of records        | the cell's records (events: a subject's every record)  |
| Risk difference, Relative risk, Odds ratio, Lower / Upper confidence limit | tlf.stats.proportions (compare.py) |

The tests and estimates are computed as a tlf build's stat columns compute them (tlf/ars/compare.py).
"""

from __future__ import annotations

import math
import re

from tlf.format.rounding import format_fixed

OPERATIONS = {
    "count of subjects": "subjects", "number of subjects": "subjects",
    "count of non-missing values": "n", "n": "n",
    "mean": "mean", "standard deviation": "sd", "sd": "sd", "median": "median",
    "first quartile": "q1", "q1": "q1", "third quartile": "q3", "q3": "q3",
    "minimum": "min", "min": "min", "maximum": "max", "max": "max",
    "percent of subjects": "pct", "percentage of subjects": "pct", "percent": "pct", "%": "pct",
    "p-value": "pvalue", "p value": "pvalue",
    # tlf's comparisons and denominators (tlf/ars/compare.py): an estimate's statistic is its method's
    "count of subjects with a non-missing value": "assessed", "count of records": "records",
    "number of records": "records",
    "risk difference": "estimate", "risk difference (percentage points)": "estimate", "relative risk": "estimate",
    "odds ratio": "estimate", "lower confidence limit": "lower", "upper confidence limit": "upper",
}
# a label that alone does not say what is counted ("n" of subjects, of events, of values): the name decides
AMBIGUOUS_LABELS = {"n"}
DESCRIPTIVE = ("n", "mean", "sd", "median", "q1", "q3", "min", "max")
# a p-value operation's test, by words of its method's name (first match)
TESTS = (("cochran-mantel-haenszel", "cmh"), ("fisher", "fisher"), ("chi-square", "chisq"), ("chi square", "chisq"), ("chisq", "chisq"),
         ("analysis of variance", "anova"), ("anova", "anova"), ("wilcoxon", "wilcoxon"))


def classify(method, operation) -> tuple[str | None, str]:
    """(kind, "") of an operation, or (None, the reason it cannot be mapped)."""
    kind = None
    for text, by_label in ((operation.name, False), (operation.label, True)):
        word = (text or "").strip().lower()
        if word in OPERATIONS and not (by_label and word in AMBIGUOUS_LABELS):
            kind = OPERATIONS[word]
            break
    if kind is None:
        return None, (f"operation '{operation.name}' (label '{operation.label or ''}') is not one tlf maps: "
                      f"tlf knows {', '.join(sorted({k for k in OPERATIONS if len(k) > 3}))}")
    if kind == "pvalue":
        name = f"{method.name} {getattr(method, 'label', None) or ''}".lower()
        for word, test in TESTS:
            if word in name:
                return test, ""
        return None, (f"p-value of method '{method.name}': tlf maps p-values of Pearson chi-square, Fisher's "
                      "exact test, one-way analysis of variance, Wilcoxon rank-sum and Cochran-Mantel-Haenszel methods only")
    if kind in ("estimate", "lower", "upper"):
        from tlf.ars.compare import classify_estimate

        return classify_estimate(method, kind)
    if kind == "pct":
        roles = {(r.referencedOperationRole.controlledTerm or "").upper() for r in
                 operation.referencedOperationRelationships}
        if not {"NUMERATOR", "DENOMINATOR"} <= roles:
            return None, "a percentage needs referencedOperationRelationships with NUMERATOR and DENOMINATOR roles"
    return kind, ""


_FIELD = re.compile(r"[ X]*X(?:\.X+)?")


def raw_text(value: float | None) -> str:
    """rawValue: a whole number as an integer ("86"), any other number in full ("75.20930232558139");
    a value that is not estimable is ""."""
    if value is None or not math.isfinite(value):
        return ""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def format_value(value: float | None, pattern: str | None, *, decimals: int | None = None) -> str:
    """formattedValue of `value` by a resultPattern such as "XX.X", "(XX.XX)", "( XX.X)", "(N=XX)".

    The number replaces the pattern's field of X (with its decimal point and the blanks before it),
    rounded half away from zero (tlf.format.rounding) to the X after the point. A field with decimals is
    filled to the field's width, the minus sign before it ("XX.X": 3.3 -> " 3.3", -3.3 -> "- 3.3"); a
    whole-number field is not filled ("XXX": 9 -> "9"). `decimals`, when given, replaces the pattern's
    (min/max at the precision of the data). Not estimable: "NE". No pattern: the value at `decimals`."""
    if value is None or not math.isfinite(value):
        return "NE"
    if not pattern or not (m := _FIELD.search(pattern)):
        return format_fixed(value, decimals or 0)
    field = m.group(0)
    d = len(field.split(".", 1)[1]) if "." in field else 0
    if decimals is not None:
        d = decimals
    text = format_fixed(abs(value), d)
    negative = format_fixed(value, d).startswith("-")
    if "." in field:
        text = text.rjust(len(field))
        text = ("-" if negative else "") + text
    else:
        text = ("-" if negative else "") + text
    return pattern[:m.start()] + text + pattern[m.end():]
