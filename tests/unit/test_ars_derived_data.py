"""Variables study.yaml's `derive:` makes, through ARS: `tlf data derive` writes every dataset as tlf reads it
(the derived variables made) as Parquet; `tlf ars export --derived-data` then exports the analyses of those
variables (without it they are left out and said), and `tlf ars run` on the derived datasets reproduces the
build's numbers. The pilot's race (origin) groups (RACEGR, derived from ETHNIC and RACE) are counted again
with pandas from ADSL itself, by the SAP's rule, not by tlf. Skips without ../shared/data/cdiscpilot01."""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest

from tests.conftest import REPO, SHARED

PILOT = SHARED / "data" / "cdiscpilot01"
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"

pytestmark = pytest.mark.skipif(not (PILOT / "adsl.xpt").is_file(), reason="../shared/data/cdiscpilot01 absent")


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    import contextlib
    import io

    from tlf.cli import main

    tmp = tmp_path_factory.mktemp("arsderived")
    specs = tmp / "specs"
    specs.mkdir()
    for name in ("study.yaml", "t-14-2-01.yaml"):
        shutil.copy(SPECS / name, specs / name)
    build, derived, event = tmp / "build", tmp / "derived", tmp / "event.json"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["build", "all", "--specs", str(specs), "--data", str(PILOT), "--out", str(build),
                     "--format", "xlsx"]) == 0
        assert main(["data", "derive", "--specs", str(specs), "--data", str(PILOT), "--out", str(derived)]) == 0
        assert main(["ars", "export", "--specs", str(specs), "--results", str(build), "--out", str(tmp / "plain.json")]) == 0
        plain_err = err.getvalue()
        assert main(["ars", "export", "--specs", str(specs), "--results", str(build), "--derived-data",
                     "--out", str(event)]) == 0
        assert main(["ars", "run", str(event), "--data", str(derived), "--out", str(tmp / "run"), "--format", "none"]) == 0
    return dict(tmp=tmp, derived=derived, plain=json.loads((tmp / "plain.json").read_text()),
                exported=json.loads(event.read_text()), ran=json.loads((tmp / "run" / "event.json").read_text()),
                plain_err=plain_err, err=err.getvalue(), out=out.getvalue())


def _results(event) -> dict:
    return {(a["id"], r["operationId"], json.dumps(r["resultGroups"], sort_keys=True)): r
            for a in event["analyses"] for r in a.get("results", [])}


def test_derive_writes_every_dataset_with_the_derived_variables(trip):
    adsl = pd.read_parquet(trip["derived"] / "adsl.parquet")
    assert "RACEGR" in adsl.columns and len(adsl) == 254
    assert "adsl: 254 records" in trip["out"]


def test_without_the_flag_the_race_analysis_is_left_out_and_said(trip):
    assert "t-14-2-01.analyses[3] (race): RACEGR is derived in study.yaml" in trip["plain_err"]
    assert not any(a["id"].startswith("An_t-14-2-01_race") for a in trip["plain"]["analyses"])
    assert "run it on the datasets `tlf data derive" in trip["err"]


def test_the_run_on_the_derived_data_reproduces_the_build(trip):
    built, ran = _results(trip["exported"]), _results(trip["ran"])
    race = [k for k in built if k[0].startswith("An_t-14-2-01_race")]
    assert len(race) > 20  # counts and percentages of four groups by three arms and the total, the p-value
    for k, r in built.items():
        x = float(r["rawValue"]) if r["rawValue"] != "" else math.nan
        y = float(ran[k]["rawValue"]) if ran[k]["rawValue"] != "" else math.nan
        assert (math.isnan(x) and math.isnan(y)) or y == pytest.approx(x, rel=1e-12, abs=1e-12), k
        assert ran[k]["formattedValue"] == r["formattedValue"], k


def test_race_groups_against_pandas_on_adsl(trip):
    import pyreadstat

    adsl, _meta = pyreadstat.read_xport(str(PILOT / "adsl.xpt"))
    saf = adsl[adsl["SAFFL"] == "Y"]
    group = pd.Series("Other", index=saf.index)
    group[saf["RACE"] == "BLACK OR AFRICAN AMERICAN"] = "African Descent"
    group[saf["RACE"] == "WHITE"] = "Caucasian"
    group[saf["ETHNIC"] == "HISPANIC OR LATINO"] = "Hispanic"  # the first rule wins
    expected = pd.crosstab(group, saf["TRT01A"])
    ran = trip["ran"]
    names = {g["id"]: g["name"] for grp in ran["analysisGroupings"] for g in grp.get("groups", [])}
    got = {}
    for a in ran["analyses"]:
        if a["id"] != "An_t-14-2-01_race":
            continue
        for r in a["results"]:
            if not r["operationId"].endswith("_n") or len(r["resultGroups"]) != 2:
                continue
            arm, level = (names[g["groupId"]] for g in r["resultGroups"])
            got[(arm, level)] = float(r["rawValue"])
    arms = {"Placebo": "Placebo", "Xanomeline Low Dose": "Xanomeline Low Dose", "Xanomeline High Dose": "Xanomeline High Dose"}
    checked = 0
    for (arm, level), n in got.items():
        if arm in arms:
            assert n == expected.get(arms[arm], pd.Series(dtype=float)).get(level, 0), (arm, level)
            checked += 1
    assert checked == 12


def test_derive_keeps_what_the_user_made(trip, tmp_path, capsys):
    from tlf.cli import main

    mine = tmp_path / "adsl.parquet"
    mine.write_text("mine")
    assert main(["data", "derive", "--specs", str(trip["tmp"] / "specs"), "--data", str(PILOT),
                 "--out", str(tmp_path)]) == 2
    assert "OUT003" in capsys.readouterr().err
    assert mine.read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["adsl.parquet"]  # checked before any dataset is written
