"""The theophylline example (examples/theoph/specs) built as a user would:

    tlf build all --specs examples/theoph/specs --data ../shared/data --out DIR

Every output that computed PK parameters wrote them as DIR/<id>.adpp.csv; those are compared with the
Phoenix WinNonlin results in tests/reference/nca/winnonlin_results.csv (see the README there), at the
precision the reference was printed with. Skipped when ../shared/data is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHARED
from tlf.cli import main

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "examples" / "theoph" / "specs"
DATA = SHARED / "data"
REF = REPO / "tests" / "reference" / "nca" / "winnonlin_results.csv"

pytestmark = pytest.mark.skipif(not (DATA / "theoph" / "theoph.csv").exists()
                                or not (DATA / "theoph_multidose" / "multidose.csv").exists(),
                                reason="../shared/data/theoph* not present")


def winnonlin(method: str) -> dict[tuple[str, str], float]:
    with REF.open() as f:
        return {(r["Subject"], r["PPTESTCD"]): float(r["value"]) for r in csv.DictReader(f) if r["method"] == method}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("theoph")
    assert main(["build", "all", "--specs", str(SPECS), "--data", str(DATA), "--out", str(out),
                 "--format", "docx"]) == 0
    return out


def adpp(out: Path, output_id: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{output_id}.adpp.csv", dtype={"USUBJID": str})


@pytest.mark.parametrize(("output_id", "method"), [("t-theoph-pk", "linlog")])
def test_parameters_match_winnonlin(out, output_id, method):
    got = adpp(out, output_id)
    assert {"USUBJID", "PPTESTCD", "PPSTRESN"} <= set(got.columns)
    assert not got.duplicated(["USUBJID", "PPTESTCD"]).any()
    values = {(s, c): v for s, c, v in got[["USUBJID", "PPTESTCD", "PPSTRESN"]].itertuples(index=False)}
    ref = winnonlin(method)
    assert len(ref) == 12 * 16
    wrong = {k: (values.get(k), v) for k, v in ref.items()
             if values.get(k) != pytest.approx(v, rel=1e-6, abs=1e-6)}
    assert not wrong, wrong


def test_multiple_dose_parameters(out):
    got = adpp(out, "t-theoph-md").set_index(["USUBJID", "DAY", "PPTESTCD"]).PPSTRESN
    ref = winnonlin("linear")
    for s in map(str, range(1, 13)):
        # day 1 is the single-dose profile: its lambda_z is WinNonlin's
        assert got[(s, 1, "LAMZ")] == pytest.approx(ref[(s, "LAMZ")], rel=1e-6)
        assert got[(s, 1, "CMAX")] == ref[(s, "CMAX")]
        assert got[(s, 6, "ARAUC")] == pytest.approx(got[(s, 6, "AUCTAU")] / got[(s, 1, "AUCTAU")], rel=1e-12)
    assert got.index.get_level_values("DAY").unique().tolist() == [1, 6]
