"""Double programming of study A end to end: tlf builds t-14-1-1 and t-14-3-1; an independent QC program,
written here in plain pandas from the ADaM .xpt files and the table shells (no tlf code), produces the
same statistics as ARD-shaped frames; `tlf compare` finds no difference. Then one subject's data is changed
in the QC copy, and exactly the cells that subject contributes to are reported.

The QC follows the QC programmer's reading of the shells, not tlf's code: populations from the ADSL
flags (tlf derives them from the records), treatment columns from TRT01A (dose escalation, period 1)
and TRT02A (extension, period 2), continuous statistics from pandas/numpy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tlf" / "examples" / "data" / "study_a"
NEEDED = ("adsl.xpt", "adae.xpt", "adex.xpt")

pytestmark = pytest.mark.skipif(not all((DATA / f).is_file() for f in NEEDED),
                                reason="study A data (tlf/examples/data/study_a/*.xpt) not generated yet")

# The shell's columns: (id, period, treatment)
COLUMNS = [("pbo", 1, "Placebo"), ("qod03", 1, "Iberdomide 0.3 mg QOD"), ("qd03", 1, "Iberdomide 0.3 mg QD"),
           ("alt0603", 1, "Iberdomide 0.6/0.3 mg ALTN"), ("qd06", 1, "Iberdomide 0.6 mg QD"),
           ("atep03", 2, "Iberdomide 0.3 mg QD"), ("atepalt", 2, "Iberdomide 0.6/0.3 mg ALTN")]
KEY = ["output_id", "analysis", "column", "parent", "level", "stat_name"]


# --- the independent QC program (plain pandas) -------------------------------------------------------


def read_xpt(name: str, folder: Path = DATA) -> pd.DataFrame:
    df = pd.read_sas(folder / f"{name}.xpt", format="xport", encoding="utf-8")
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].fillna("").astype(str).str.strip()
        else:
            # pandas reads an IBM-float zero as 5.397605e-79 (16**-65; pandas issue #50670, open): found by
            # this very comparison (CLASI min 0 vs 5.4e-79, geometric mean defined); no real value is that small.
            df[c] = df[c].mask(df[c].abs() < 1e-78, 0.0)
    return df


def columns_of(adsl: pd.DataFrame, flag: str) -> dict[str, pd.DataFrame]:
    """Column id -> the ADSL rows of its subjects in the population `flag`."""
    pop = adsl[adsl[flag] == "Y"]
    return {cid: pop[pop[f"TRT0{period}A"] == trt] for cid, period, trt in COLUMNS}


def n_p(out, oid, analysis, col, n, big_n, level=""):
    out.append((oid, analysis, col, "", level, "n", float(n)))
    out.append((oid, analysis, col, "", level, "p", n / big_n))


def continuous(out, oid, analysis, col, values: pd.Series):
    x = values.dropna().astype(float)
    n = len(x)
    sd = x.std(ddof=1) if n > 1 else np.nan
    lx = np.log(x) if (x > 0).all() else None
    stats = {"n": n, "mean": x.mean(), "sd": sd, "se": sd / np.sqrt(n),
             "median": x.median(),
             "q1": np.percentile(x, 25, method="averaged_inverted_cdf"),  # SAS PCTLDEF=5
             "q3": np.percentile(x, 75, method="averaged_inverted_cdf"),
             "min": x.min(), "max": x.max(), "cv": 100 * sd / x.mean(),
             "geomean": np.exp(lx.mean()) if lx is not None else np.nan,
             "geocv": 100 * np.sqrt(np.exp(lx.std(ddof=1) ** 2) - 1) if lx is not None else np.nan}
    for name, v in stats.items():
        out.append((oid, analysis, col, "", "", name, float(v)))


def qc_t_14_1_1(data: Path) -> pd.DataFrame:
    adsl = read_xpt("adsl", data)
    oid, out = "t-14-1-1", []
    cols = columns_of(adsl, "ITTFL")
    for cid, period, _ in COLUMNS:
        s, pp = cols[cid], f"{period:02d}"
        big_n = len(s)
        out.append((oid, "_N", cid, "", "", "N", float(big_n)))
        n_p(out, oid, "completed", cid, (s[f"EOP{pp}STT"] == "COMPLETED").sum(), big_n)
        n_p(out, oid, "discontinued", cid, (s[f"EOP{pp}STT"] == "DISCONTINUED").sum(), big_n)
        dc = s[s[f"EOP{pp}STT"] == "DISCONTINUED"][f"DCP{pp}RS"]
        for value, label in (("ADVERSE EVENT", "Adverse event"), ("WITHDRAWAL BY SUBJECT", "Withdrawal by patient"),
                             ("LACK OF EFFICACY", "Lack of efficacy"), ("LOST TO FOLLOW-UP", "Lost to follow-up"),
                             ("OTHER", "Other")):
            n_p(out, oid, "dc_reason", cid, (dc == value).sum(), big_n, label)
        if period == 1:
            n_p(out, oid, "part2", cid, (s["ATEPFL"] == "Y").sum(), big_n)
        continuous(out, oid, "age", cid, s[f"AGEP{pp}"])
        n_p(out, oid, "female", cid, (s["SEX"] == "F").sum(), big_n)
        n_p(out, oid, "race", cid, (s["RACE"] == "WHITE").sum(), big_n, "White")
        n_p(out, oid, "race", cid, (s["RACE"] == "BLACK OR AFRICAN AMERICAN").sum(), big_n,
            "Black or African American")
        other = ~s["RACE"].isin(["WHITE", "BLACK OR AFRICAN AMERICAN", ""])
        n_p(out, oid, "race", cid, other.sum(), big_n, "Other")
        for analysis, var in (("weight", "WTBLP"), ("duration", "DURP"), ("clasi", "CLASP")):
            continuous(out, oid, analysis, cid, s[f"{var}{pp}"])
        n_p(out, oid, "tender", cid, (s[f"TJCP{pp}"] >= 1).sum(), big_n)
        n_p(out, oid, "swollen", cid, (s[f"SJCP{pp}"] >= 1).sum(), big_n)
        for analysis, var in (("hss", "HSSP"), ("pga", "PGAP")):
            continuous(out, oid, analysis, cid, s[f"{var}{pp}"])
    assert not (adsl[adsl.ITTFL == "Y"]["RACE"] == "").any()  # else the shell adds a "Missing" row
    return pd.DataFrame(out, columns=[*KEY, "stat"])


def qc_t_14_3_1(data: Path) -> pd.DataFrame:
    adsl, adae = read_xpt("adsl", data), read_xpt("adae", data)
    oid, out = "t-14-3-1", []
    cols = columns_of(adsl, "SAFFL")
    teae = adae[adae["TRTEMFL"] == "Y"]
    overview = {"any_teae": teae, "related": teae[teae.AEREL == "RELATED"], "severe": teae[teae.AESEV == "SEVERE"],
                "serious": teae[teae.AESER == "Y"],
                "ser_related": teae[(teae.AESER == "Y") & (teae.AEREL == "RELATED")],
                "withdrawal": teae[teae.AEACN == "DRUG WITHDRAWN"], "death": teae[teae.AESDTH == "Y"]}
    per_col = {}
    for cid, period, _ in COLUMNS:
        subjects = set(cols[cid]["USUBJID"])
        out.append((oid, "_N", cid, "", "", "N", float(len(subjects))))
        for analysis, recs in overview.items():
            mine = recs[recs.USUBJID.isin(subjects) & (recs.APERIOD == period)]
            n_p(out, oid, analysis, cid, mine.USUBJID.nunique(), len(subjects))
        mine = teae[teae.USUBJID.isin(subjects) & (teae.APERIOD == period)]
        per_col[cid] = mine.groupby("AEDECOD")["USUBJID"].nunique()
    # preferred terms in > 5% of all columns' patients together (a patient counted once per column)
    total_n = sum(len(c) for c in cols.values())
    pooled = pd.concat(per_col.values()).groupby(level=0).sum()
    for term in pooled[pooled * 100 > 5 * total_n].index:
        for cid, _, _ in COLUMNS:
            n_p(out, oid, "pt", cid, per_col[cid].get(term, 0), len(cols[cid]["USUBJID"]), term)
    return pd.DataFrame(out, columns=[*KEY, "stat"])


# --- the test -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prod(study_a_build) -> Path:
    """`tlf build all` of study A (tests/conftest.py: one build shared by the modules that read it)."""
    return study_a_build


def run_compare(prod: Path, output_id: str, qc: pd.DataFrame, tmp: Path):
    from tlf.qc.compare import compare
    from tlf.qc.sources import read_source

    qc.to_csv(tmp / f"{output_id}.csv", index=False)
    return compare(read_source(prod / f"{output_id}.ard.csv"), read_source(tmp / f"{output_id}.csv"))


@pytest.mark.parametrize(("output_id", "program"), [("t-14-1-1", qc_t_14_1_1), ("t-14-3-1", qc_t_14_3_1)])
def test_independent_qc_matches_production(prod, tmp_path, output_id, program):
    from tlf.qc.report import report_text

    result = run_compare(prod, output_id, program(DATA), tmp_path)
    text = report_text(result)
    assert result.equal, text
    assert result.rows_only_in_base == 0 and result.rows_only_in_compare == 0
    assert result.values_compared == result.rows_in_both > 200
    assert "no differences" in text.splitlines()[-1]


def test_changing_one_subject_in_the_qc_data_gives_exactly_its_cells(prod, tmp_path):
    """Subject 1 of the ITT population becomes male in the QC copy of ADSL: only "Female" n and % in
    that subject's columns differ (its dose-escalation column and, if it entered the extension, its
    extension column), in t-14-1-1; t-14-3-1 shows no sex and stays equal."""
    from tlf.qc.compare import compare
    from tlf.qc.report import report_text
    from tlf.qc.sources import read_source

    qc_data = tmp_path / "data"
    shutil.copytree(DATA, qc_data)
    adsl = read_xpt("adsl")
    itt_f = adsl[(adsl.ITTFL == "Y") & (adsl.SEX == "F")]
    subject = itt_f.iloc[0]
    adsl.loc[adsl.USUBJID == subject.USUBJID, "SEX"] = "M"
    _write_xpt(adsl, qc_data / "adsl.xpt")

    expected_cols = {cid for cid, period, trt in COLUMNS if subject[f"TRT0{period}A"] == trt}
    assert expected_cols, "the subject is in some column"
    result = run_compare(prod, "t-14-1-1", qc_t_14_1_1(qc_data), tmp_path)
    got = {(d.key[1], d.key[2], d.key[5]) for d in result.differences}
    assert got == {("female", c, s) for c in expected_cols for s in ("n", "p")}, report_text(result)
    assert result.n_differences == result.values_unequal == 2 * len(expected_cols)
    for d in result.differences:
        assert d.compare == d.base - 1 if d.key[5] == "n" else d.compare < d.base

    qc = qc_t_14_3_1(qc_data)
    qc.to_csv(tmp_path / "ae.csv", index=False)
    assert compare(read_source(prod / "t-14-3-1.ard.csv"), read_source(tmp_path / "ae.csv")).equal


def _write_xpt(frame: pd.DataFrame, path: Path) -> None:
    import pyreadstat  # writing XPT needs a writer; pandas only reads it

    pyreadstat.write_xport(frame, str(path), table_name=path.stem.upper(), file_format_version=5)
