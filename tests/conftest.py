"""Shared fixtures: a tiny study written to a temp folder (CSV data + specs), and paths to ../shared."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

ADSL_CSV = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70.5,WHITE
S-02,Drug A,Y,Y,Y,M,41,80.1,ASIAN
S-03,Drug A,Y,Y,Y,F,52,65.0,WHITE
S-04,Placebo,Y,Y,Y,F,45,90.2,BLACK OR AFRICAN AMERICAN
S-05,Placebo,Y,Y,Y,M,38,,WHITE
S-06,Placebo,N,N,N,M,60,75.0,
"""

ADEX_CSV = """USUBJID,EXDURD
S-01,10
S-02,12
S-03,5
S-04,11
S-05,1
"""

ADAE_CSV = """USUBJID,AEDECOD,AEBODSYS,AESEV,TRTEMFL
S-01,Headache,Nervous system disorders,MILD,Y
S-01,Headache,Nervous system disorders,SEVERE,Y
S-02,Nausea,Gastrointestinal disorders,MILD,Y
S-04,Headache,Nervous system disorders,MILD,Y
S-05,Rash,Skin and subcutaneous tissue disorders,MILD,N
"""

STUDY_YAML = """\
study: {id: MINI-001, title: Mini study}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adex: {file: adex.csv}
    adae: {file: adae.csv}
populations:
  SAF:
    label: Safety Population
    has_records: {dataset: adex, where: "EXDURD > 0"}
    flag: SAFFL
  ITT:
    label: ITT Population
    where: "RANDFL == 'Y'"
    within: SAF
    flag: ITTFL
columns:
  arms:
    - {id: a, label: Drug A, var: TRT01A, value: Drug A}
    - {id: p, label: Placebo, var: TRT01A, value: Placebo}
    - {id: t, label: Total, var: TRT01A, value: [Drug A, Placebo]}
"""

DEMOG_YAML = """\
id: t-demog
type: table
number: Table 1
title: Demographics
population: SAF
columns: arms
analyses:
  - {id: age, type: continuous, var: AGE, label: Age (years)}
  - {id: weight, type: continuous, var: WEIGHT, label: Weight (kg)}
  - {id: sex, type: categorical, var: SEX, label: Sex, levels: [{value: F, label: Female}, {value: M, label: Male}]}
  - {id: race, type: categorical, var: RACE, label: Race}
"""

AE_YAML = """\
id: t-ae
type: table
number: Table 2
title: Adverse events
population: SAF
columns: arms
analyses:
  - {id: any, type: count, dataset: adae, label: Any TEAE, where: "TRTEMFL == 'Y'"}
  - {id: pt, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD, soc: AEBODSYS}
"""


def write_study(root: Path, *, adsl: str = ADSL_CSV, adex: str = ADEX_CSV, adae: str = ADAE_CSV,
                study: str = STUDY_YAML, outputs: dict[str, str] | None = None) -> Path:
    """Write a tiny study (specs/ and specs/data/) under root; returns the spec folder."""
    specs = root / "specs"
    (specs / "data").mkdir(parents=True, exist_ok=True)
    (specs / "data" / "adsl.csv").write_text(adsl)
    (specs / "data" / "adex.csv").write_text(adex)
    (specs / "data" / "adae.csv").write_text(adae)
    (specs / "study.yaml").write_text(textwrap.dedent(study))
    for name, text in (outputs if outputs is not None else {"t-demog": DEMOG_YAML, "t-ae": AE_YAML}).items():
        (specs / f"{name}.yaml").write_text(textwrap.dedent(text))
    return specs


def sheet_texts(ws) -> list[list[str]]:
    """The text of every cell of an XLSX sheet as the table printed it ("" for an empty cell): numbers with
    the decimals of their number format, texts without the padding that aligns a column's numbers."""
    from tlf.qc.sources import display_text

    return [[display_text(c) for c in row] for row in ws.iter_rows()]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return write_study(tmp_path)
