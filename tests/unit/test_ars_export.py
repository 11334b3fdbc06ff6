"""`tlf ars export` then `tlf ars run`: the CDISC pilot's spec folder (examples/cdiscpilot01/specs) as an
ARS reporting event, run on the pilot data, gives the numbers `tlf build` computes for every exported
analysis (demographics: n, mean, SD, median, min, max; counts and percentages by category, with the big N
as their denominator), and prints them alike. Skips without ../shared/data/cdiscpilot01."""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import REPO, SHARED

PILOT = SHARED / "data" / "cdiscpilot01"
SPECS = REPO / "examples" / "cdiscpilot01" / "specs"

pytestmark = pytest.mark.skipif(not (PILOT / "adsl.xpt").is_file(), reason="../shared/data/cdiscpilot01 absent")

DATA = ["--data", str(PILOT), "--data", str(PILOT / "tdf_sdtm_v1"), "--data", str(PILOT / "tdf_adam_v1")]
KIND = {"n": "n", "mean": "mean", "sd": "sd", "median": "median", "q1": "q1", "q3": "q3", "min": "min", "max": "max"}


def test_export_then_run_reproduces_the_build(tmp_path, capsys):
    from tlf.build import compute_output, prepare
    from tlf.cli import main
    from tlf.spec.validate import load_study

    out = tmp_path / "pilot.json"
    assert main(["ars", "export", "--specs", str(SPECS), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "t-14-2-01.analyses[3] (race): RACEGR is derived in study.yaml" in err  # left out, with the reason
    assert main(["ars", "run", str(out), *DATA, "--out", str(tmp_path / "run"), "--format", "none"]) == 0
    event = json.loads((tmp_path / "run" / "pilot.json").read_text())
    ars = {}
    for a in event["analyses"]:
        if not a["id"].startswith("An_t-14-2-01_"):
            continue
        for r in a["results"]:
            ars[(a["id"], r["operationId"], tuple(g.get("groupId") or g.get("groupValue") for g in r["resultGroups"]))] = r
    groups = {g["id"]: {x["id"]: x["name"] for x in g.get("groups", [])} for g in event["analysisGroupings"]}
    study = load_study(SPECS)
    data, pops, _w = prepare(study, PILOT)
    entry = study.output("t-14-2-01")
    ard, _table = compute_output(study, entry, data, pops)
    exported = {a["id"].removeprefix("An_t-14-2-01_") for a in event["analyses"] if a["id"].startswith("An_t-14-2-01_")}
    summaries = {"N", "age", "agegr", "sex", "mmse", "durdis", "durdisgr", "educ", "weight", "height", "bmi", "bmigr"}
    assert exported == summaries | {f"{a}_pvalue" for a in summaries - {"N"}}  # the p-value column of each
    col = "Grp_t-14-2-01_columns"
    checked = 0
    for row in ard.itertuples():
        name = "N" if row.analysis == "_N" else row.analysis
        if name not in exported or row.column not in ("pbo", "low", "high", "total", "pvalue"):
            continue
        aid = f"An_t-14-2-01_{name}"
        cg = f"{col}_{row.column}"
        if row.column == "pvalue":  # ANOVA or chi-square across the three arms
            method = next(a["methodId"] for a in event["analyses"] if a["id"] == f"{aid}_pvalue")
            key = (f"{aid}_pvalue", f"{method}_p", (None,) * (1 if row.variable == "anova" else 2))
        elif name == "N":
            key = (aid, "Mth_N_1_n", (cg,))
        elif row.stat_name in ("n", "p") and row.level:
            lv = next(k for k, v in groups[f"Grp_{aid}_levels"].items() if v == row.level)
            op = next(o for a in event["analyses"] if a["id"] == aid for o in [a["methodId"]])
            key = (aid, f"{op}_{'n' if row.stat_name == 'n' else 'pct'}", (cg, lv))
        elif row.stat_name in KIND:
            key = (aid, f"Mth_{aid}_{row.stat_name}", (cg,))
        else:
            continue
        if key not in ars:  # a statistic the output does not print (not exported)
            assert not row.displayed, key
            continue
        r = ars[key]
        value = float(r["rawValue"]) if r["rawValue"] else math.nan
        expected = row.stat * 100 if row.stat_name == "p" else row.stat
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12), (key, row)
        if row.displayed and row.stat_fmt:
            shown = row.stat_fmt.removesuffix("^") if row.column == "pvalue" else row.stat_fmt  # a sparse table's mark
            assert r["formattedValue"].strip("() ").replace("N=", "") == shown, (key, r, row.stat_fmt)
        checked += 1
    # 4 columns: N; 7 continuous analyses x 6 statistics; categorical levels 3 + 2 + 2 + 3 (n and %); 11
    # p-values; and every result the run wrote is one of them
    assert checked == 4 + 4 * 7 * 6 + 4 * 10 * 2 + 11 == len(ars)


def test_export_with_a_builds_results_round_trips(tmp_path, capsys):
    """`tlf build` Table 14-2.01, export with the build's results, run the export: every result the run
    computes equals the build's result in the export, raw (to 1e-12) and formatted (exactly)."""
    from tlf.cli import main

    build = tmp_path / "build"
    assert main(["build", "t-14-2-01", "--specs", str(SPECS), "--data", str(PILOT), "--out", str(build),
                 "--format", "xlsx"]) == 0
    out = tmp_path / "pilot.json"
    assert main(["ars", "export", "--specs", str(SPECS), "--results", str(build), "--out", str(out)]) == 0
    capsys.readouterr()
    exported = json.loads(out.read_text())
    assert main(["ars", "run", str(out), *DATA, "--out", str(tmp_path / "run"), "--format", "none"]) == 0
    ran = json.loads((tmp_path / "run" / "pilot.json").read_text())

    def results(event):
        return {(a["id"], r["operationId"], json.dumps(r["resultGroups"], sort_keys=True)): r
                for a in event["analyses"] if a["id"].startswith("An_t-14-2-01_") for r in a.get("results", [])}

    built, computed = results(exported), results(ran)
    assert len(built) == len(computed) == 252 + 11  # the summaries, and the p-value of each
    assert built.keys() == computed.keys()
    for k, r in built.items():
        assert float(computed[k]["rawValue"]) == pytest.approx(float(r["rawValue"]), rel=1e-12, abs=1e-12), k
        assert computed[k]["formattedValue"] == r["formattedValue"], k
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["ars", "export", "--specs", str(SPECS), "--results", str(empty), "--out", str(tmp_path / "e.json")]) == 0
    assert "t-14-2-01: no results dataset (t-14-2-01.ard.csv)" in capsys.readouterr().err  # said, not guessed
