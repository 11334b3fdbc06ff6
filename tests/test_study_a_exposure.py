"""Study A Table 14.3.2 (extent of exposure): the printed treatment durations are the publication's, and
every cell equals an independent pandas computation from the committed .xpt files.

The published values are typed from ../shared/study/cc220-sle-001.md ("Text facts to keep true"): mean
(SD) dose-escalation treatment duration per arm between 9.5 (4.4) and 11.8 (0.5) weeks; ATEP 75.6 (32.9)
weeks (0.3 mg QD) and 49.5 (37.4) weeks (ALTN). Not copied from tlf's output.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.test_study_a import REPO, data_rows, docx_rows, xlsx_rows
from tlf.build import build

pyreadstat = pytest.importorskip("pyreadstat")

DATA = REPO / "tlf" / "examples" / "data" / "study_a"
DE = ["Placebo", "Iberdomide 0.3 mg QOD", "Iberdomide 0.3 mg QD", "Iberdomide 0.6/0.3 mg ALTN", "Iberdomide 0.6 mg QD"]
ATEP = ["Iberdomide 0.3 mg QD", "Iberdomide 0.6/0.3 mg ALTN"]
PUBLISHED_DE_LOW, PUBLISHED_DE_HIGH = "9.5 (4.4)", "11.8 (0.5)"
PUBLISHED_ATEP = ["75.6 (32.9)", "49.5 (37.4)"]
DE_GROUPS = [("< 4 weeks", 0, 4), ("4 to < 8 weeks", 4, 8), (">= 8 weeks", 8, 10 ** 6)]
ATEP_GROUPS = [("< 24 weeks", 0, 24), ("24 to < 48 weeks", 24, 48), ("48 to < 72 weeks", 48, 72),
               (">= 72 weeks", 72, 10 ** 6)]


def half_up(x: float, dp: int) -> str:
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP))


def n_pct(k: int, n: int) -> str:
    if k == 0:
        return "0"
    pct = half_up(100 * k / n, 1)
    return f"{k} ({'100' if pct == '100.0' else pct})"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("exposure")
    report = build(REPO / "specs", out, ["t-14-3-2"])
    assert report.ok, [str(o.error) for o in report.outputs]
    return out


@pytest.fixture(scope="module")
def weeks():
    """Duration in weeks per column, from ADSL's period dates; ADEX's first and last dose dates agree."""
    adsl = pyreadstat.read_xport(str(DATA / "adsl.xpt"))[0]
    adex = pyreadstat.read_xport(str(DATA / "adex.xpt"))[0]
    cols = []
    for var, labels, pp, period in (("TRT01A", DE, "01", 1), ("TRT02A", ATEP, "02", 2)):
        ex = adex[adex.APERIOD == period].groupby("USUBJID").agg(first=("ASTDT", "min"), last=("AENDT", "max"))
        for lab in labels:
            c = adsl[(adsl[var] == lab) & (adsl.SAFFL == "Y")].set_index("USUBJID")
            days = [(e - s).days + 1 for s, e in zip(c[f"TR{pp}SDT"], c[f"TR{pp}EDT"], strict=True)]
            ex_days = [(ex.loc[u, "last"] - ex.loc[u, "first"]).days + 1 for u in c.index]
            assert days == ex_days, lab
            cols.append([d / 7 for d in days])
    return cols


def expected_rows(cols):
    import pandas as pd

    ser = [pd.Series(c) for c in cols]
    rows = [("n", [str(len(s)) for s in ser]),
            ("Mean (SD)", [f"{half_up(s.mean(), 1)} ({half_up(s.std(ddof=1), 1)})" for s in ser]),
            ("Median", [half_up(s.median(), 1) for s in ser]),
            ("Min, Max", [f"{half_up(s.min(), 1)}, {half_up(s.max(), 1)}" for s in ser])]
    for groups, which in ((DE_GROUPS, range(5)), (ATEP_GROUPS, range(5, 7))):
        for label, lo, hi in groups:
            rows.append((label, [n_pct(int(((s >= lo) & (s < hi)).sum()), len(s)) if i in which else "NA"
                                 for i, s in enumerate(ser)]))
    return rows


def test_durations_are_the_published_ones(weeks):
    """From the data alone: the DE arms' printed means (SD) run from 9.5 (4.4) to 11.8 (0.5); ATEP as published;
    nobody doses longer than 12 weeks in dose escalation."""
    printed = dict(expected_rows(weeks))["Mean (SD)"]
    de = sorted(printed[:5], key=lambda t: float(t.split()[0]))
    assert (de[0], de[-1]) == (PUBLISHED_DE_LOW, PUBLISHED_DE_HIGH)
    assert printed[5:] == PUBLISHED_ATEP
    assert max(max(c) for c in weeks[:5]) <= 12


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_table_prints_the_published_means_and_the_independent_cells(built, weeks, fmt):
    path = built / f"t-14-3-2.{fmt}"
    body = data_rows(xlsx_rows(path)[1] if fmt == "xlsx" else docx_rows(path)[1])
    got = [(label, [c.strip() for c in cells]) for label, cells in body]
    mean_sd = dict(got)["Mean (SD)"]
    de = sorted(mean_sd[:5], key=lambda t: float(t.split()[0]))
    assert (de[0], de[-1]) == (PUBLISHED_DE_LOW, PUBLISHED_DE_HIGH)
    assert all(9.5 <= float(t.split()[0]) <= 11.8 for t in mean_sd[:5])
    assert mean_sd[5:] == PUBLISHED_ATEP
    assert got == expected_rows(weeks)


def test_footnote_defines_duration(built):
    import docx

    sections = docx.Document(str(built / "t-14-3-2.docx")).sections
    text = "\n".join(p.text for s in sections for p in s.footer.paragraphs)
    assert "(date of last dose - date of first dose + 1) / 7" in text
