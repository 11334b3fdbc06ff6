"""`section:` headings between blocks of analyses (CHEMISTRY / HEMATOLOGY): one row spanning the table
before the first analysis of each section, once per run of analyses sharing it; the numbers under them
against pandas; the DOCX row spans the stub and every column."""

from __future__ import annotations

import zipfile

import pandas as pd

from tests.conftest import ADSL_CSV, write_study
from tlf.build import build, compute_output, prepare
from tlf.spec.validate import load_study

SPEC = """\
id: t-sec
type: table
number: Table 1
title: Sections
population: SAF
columns: arms
analyses:
  - {id: age, type: continuous, var: AGE, label: Age, rows: [n, mean], section: DEMOGRAPHY}
  - {id: weight, type: continuous, var: WEIGHT, label: Weight, rows: [n, mean], section: DEMOGRAPHY}
  - {id: sex, type: categorical, var: SEX, label: Sex, section: BASELINE CHARACTERISTICS, blank_before: true}
"""


def test_section_rows_and_numbers(tmp_path):
    specs = write_study(tmp_path, outputs={"t-sec": SPEC})
    st = load_study(specs)
    data, pops, _ = prepare(st)
    _, table = compute_output(st, st.output("t-sec"), data, pops)
    rows = [(r.label, r.span, r.kind) for r in table.rows]
    assert [x for x in rows if x[1]] == [("DEMOGRAPHY", True, "group"), ("BASELINE CHARACTERISTICS", True, "group")]
    labels = [r.label for r in table.rows]
    assert labels[:3] == ["DEMOGRAPHY", "Age", "n"] and labels.count("DEMOGRAPHY") == 1
    assert labels[labels.index("BASELINE CHARACTERISTICS") - 1] == ""  # the blank row comes before the heading
    assert labels[labels.index("BASELINE CHARACTERISTICS") + 1] == "Sex"
    # the numbers under the headings: SAF = subjects with EXDURD > 0 (S-01..S-05), by TRT01A
    adsl = pd.read_csv(pd.io.common.StringIO(ADSL_CSV))
    saf = adsl[adsl.USUBJID.isin([f"S-0{i}" for i in range(1, 6)])]
    i = labels.index("Weight")
    mean = [saf[saf.TRT01A == arm].WEIGHT.mean() for arm in ("Drug A", "Placebo")] + [saf.WEIGHT.mean()]
    got = [float(x) for x in table.rows[i + 2].cells]
    assert all(abs(g - m) <= 0.05 + 1e-9 for g, m in zip(got, mean, strict=True))
    assert table.rows[labels.index("F")].cells[0].startswith(str((saf[saf.TRT01A == "Drug A"].SEX == "F").sum()))


def test_docx_heading_spans_the_table(tmp_path):
    specs = write_study(tmp_path, outputs={"t-sec": SPEC})
    report = build(specs, tmp_path / "out", ["t-sec"], formats=("docx",))
    assert report.ok
    xml = zipfile.ZipFile(tmp_path / "out" / "t-sec.docx").read("word/document.xml").decode()
    at = xml.index(">DEMOGRAPHY<")
    cell = xml[xml.rindex("<w:tc>", 0, at):at]
    assert '<w:gridSpan w:val="4"/>' in cell  # the stub and three treatment columns
