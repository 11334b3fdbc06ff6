"""A pooled safety database on one machine (issue 20, items 2 and 4): `tlf build` of three outputs of
benchmarks/pooled/specs (demographics, TEAEs by SOC/PT in >= 5% of subjects, laboratory values by visit)
against the same three computations written in Polars, DuckDB and plain pandas, on the seeded database of
benchmarks/pooled_data.py (ADSL 100,000 subjects, ADAE 1,000,000 records, ADLB 5,000,000 records at
scale 1).

    python benchmarks/bench_pooled.py [--scale 1 2 4] [--repeat 3] [--tools tlf,polars,duckdb,pandas]
                                      [--cache /tmp/tlf-pooled] [--format docx,xlsx]

Every run is a cold process started by its own measuring process, which reads the child's CPU time
(user + system) and peak resident memory with resource.getrusage(RUSAGE_CHILDREN), so that the figures
are one run's. Tools run interleaved, round by round; the medians are printed with their ratio to
Polars. The generated data are kept in the cache folder (one subfolder per scale) for the next run.

The peers' numbers are compared with tlf's ARD (n, mean, SD, median, min, max; counts; the terms kept
by the threshold): each is an independent computation, and a mismatch is printed. Prints; never asserts.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "benchmarks" / "pooled" / "specs"
ARMS = {"pbo": "Placebo", "d10": "Drug 10 mg", "d20": "Drug 20 mg"}
PARAMS = ["ALT", "AST", "ALP", "BILI", "CREAT", "GLUC", "HGB", "PLAT", "WBC", "SODIUM"]
VISITS = ["Baseline", "Week 4", "Week 8", "Week 12", "Week 24"]
THRESHOLD = 5.0  # percent of the pooled safety population (t-ae.yaml: threshold {pct_ge: 5})
ARM_ID = {v: k for k, v in ARMS.items()}


# ------------------------------------------------------------------ the three computations, three ways

def peer_polars(data: Path) -> dict:
    import polars as pl

    saf = (pl.scan_parquet(data / "adsl.parquet").filter(pl.col("SAFFL") == "Y")
           .filter(pl.col("TRT01A").is_in(list(ARMS.values())))
           .select("USUBJID", "TRT01A", "AGE", "AGEGR1", "SEX", "RACE"))
    out: dict = {}
    both = pl.concat([saf, saf.with_columns(pl.lit("Total").alias("TRT01A"))])
    age = both.group_by("TRT01A").agg(n=pl.col("AGE").count(), mean=pl.col("AGE").mean(), sd=pl.col("AGE").std(),
                                      median=pl.col("AGE").median(), min=pl.col("AGE").min(),
                                      max=pl.col("AGE").max()).collect()
    for r in age.iter_rows(named=True):
        for s in ("n", "mean", "sd", "median", "min", "max"):
            out[_key("dm", r["TRT01A"], "AGE", "", s)] = r[s]
    for var in ("AGEGR1", "SEX", "RACE"):
        for r in both.group_by("TRT01A", var).agg(n=pl.len()).collect().iter_rows(named=True):
            out[_key("dm", r["TRT01A"], var, r[var], "n")] = r["n"]
    arms = saf.select("USUBJID", "TRT01A")
    n_arm = {r["TRT01A"]: r["n"] for r in arms.group_by("TRT01A").agg(n=pl.len()).collect().iter_rows(named=True)}
    te = (pl.scan_parquet(data / "adae.parquet").filter(pl.col("TRTEMFL") == "Y")
          .select("USUBJID", "AEBODSYS", "AEDECOD").join(arms, on="USUBJID"))
    pt = te.group_by("TRT01A", "AEBODSYS", "AEDECOD").agg(n=pl.col("USUBJID").n_unique()).collect()
    soc = te.group_by("TRT01A", "AEBODSYS").agg(n=pl.col("USUBJID").n_unique()).collect()
    _ae(out, pt.iter_rows(named=True), soc.iter_rows(named=True), n_arm)
    lb = (pl.scan_parquet(data / "adlb.parquet")
          .filter((pl.col("ANL01FL") == "Y") & pl.col("PARAMCD").is_in(PARAMS) & pl.col("AVISIT").is_in(VISITS))
          .select("USUBJID", "PARAMCD", "AVISIT", "AVAL", "CHG").join(arms, on="USUBJID")
          .group_by("TRT01A", "PARAMCD", "AVISIT")
          .agg(n=pl.col("AVAL").count(), mean=pl.col("AVAL").mean(), sd=pl.col("AVAL").std(),
               chg_n=pl.col("CHG").count(), chg_mean=pl.col("CHG").mean(), chg_sd=pl.col("CHG").std())).collect()
    _lb(out, lb.iter_rows(named=True))
    return out


def peer_duckdb(data: Path) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("PRAGMA threads=1")  # as tlf and pandas: one core (CPU time is what is compared)
    arms = ", ".join(f"'{a}'" for a in ARMS.values())
    con.execute(f"""CREATE TEMP VIEW saf AS SELECT USUBJID, TRT01A, AGE, AGEGR1, SEX, RACE
                    FROM read_parquet('{data / "adsl.parquet"}') WHERE SAFFL = 'Y' AND TRT01A IN ({arms})""")
    con.execute("CREATE TEMP VIEW both_ AS SELECT * FROM saf UNION ALL SELECT * REPLACE ('Total' AS TRT01A) FROM saf")
    out: dict = {}
    q = """SELECT TRT01A, count(AGE), avg(AGE), stddev_samp(AGE), median(AGE), min(AGE), max(AGE)
           FROM both_ GROUP BY TRT01A"""
    for arm, *vals in con.execute(q).fetchall():
        for s, v in zip(("n", "mean", "sd", "median", "min", "max"), vals, strict=True):
            out[_key("dm", arm, "AGE", "", s)] = v
    for var in ("AGEGR1", "SEX", "RACE"):
        for arm, level, n in con.execute(f"SELECT TRT01A, {var}, count(*) FROM both_ GROUP BY ALL").fetchall():
            out[_key("dm", arm, var, level, "n")] = n
    n_arm = dict(con.execute("SELECT TRT01A, count(*) FROM saf GROUP BY ALL").fetchall())
    con.execute(f"""CREATE TEMP TABLE te AS SELECT a.USUBJID, s.TRT01A, a.AEBODSYS, a.AEDECOD
                    FROM read_parquet('{data / "adae.parquet"}') a JOIN saf s USING (USUBJID)
                    WHERE a.TRTEMFL = 'Y'""")
    cols = ["TRT01A", "AEBODSYS", "AEDECOD", "n"]
    pt = [dict(zip(cols, r, strict=True)) for r in con.execute(
        "SELECT TRT01A, AEBODSYS, AEDECOD, count(DISTINCT USUBJID) FROM te GROUP BY ALL").fetchall()]
    soc = [dict(zip(cols[:2] + ["n"], r, strict=True)) for r in con.execute(
        "SELECT TRT01A, AEBODSYS, count(DISTINCT USUBJID) FROM te GROUP BY ALL").fetchall()]
    _ae(out, pt, soc, n_arm)
    params = ", ".join(f"'{p}'" for p in PARAMS)
    visits = ", ".join(f"'{v}'" for v in VISITS)
    cols = ["TRT01A", "PARAMCD", "AVISIT", "n", "mean", "sd", "chg_n", "chg_mean", "chg_sd"]
    lb = con.execute(f"""SELECT s.TRT01A, l.PARAMCD, l.AVISIT, count(l.AVAL), avg(l.AVAL), stddev_samp(l.AVAL),
                                count(l.CHG), avg(l.CHG), stddev_samp(l.CHG)
                         FROM read_parquet('{data / "adlb.parquet"}') l JOIN saf s USING (USUBJID)
                         WHERE l.ANL01FL = 'Y' AND l.PARAMCD IN ({params}) AND l.AVISIT IN ({visits})
                         GROUP BY ALL""").fetchall()
    _lb(out, (dict(zip(cols, r, strict=True)) for r in lb))
    return out


def peer_pandas(data: Path) -> dict:
    import pandas as pd

    adsl = pd.read_parquet(data / "adsl.parquet", columns=["USUBJID", "SAFFL", "TRT01A", "AGE", "AGEGR1", "SEX",
                                                            "RACE"])
    saf = adsl[(adsl["SAFFL"] == "Y") & adsl["TRT01A"].isin(list(ARMS.values()))]
    both = pd.concat([saf, saf.assign(TRT01A="Total")])
    out: dict = {}
    g = both.groupby("TRT01A")["AGE"]
    for s, v in (("n", g.count()), ("mean", g.mean()), ("sd", g.std()), ("median", g.median()), ("min", g.min()),
                 ("max", g.max())):
        for arm, x in v.items():
            out[_key("dm", arm, "AGE", "", s)] = x
    for var in ("AGEGR1", "SEX", "RACE"):
        for (arm, level), n in both.groupby(["TRT01A", var]).size().items():
            out[_key("dm", arm, var, level, "n")] = n
    arms = saf[["USUBJID", "TRT01A"]]
    n_arm = arms["TRT01A"].value_counts().to_dict()
    ae = pd.read_parquet(data / "adae.parquet", columns=["USUBJID", "AEBODSYS", "AEDECOD", "TRTEMFL"])
    te = ae[ae["TRTEMFL"] == "Y"].merge(arms, on="USUBJID")
    pt = te.groupby(["TRT01A", "AEBODSYS", "AEDECOD"])["USUBJID"].nunique().reset_index(name="n")
    soc = te.groupby(["TRT01A", "AEBODSYS"])["USUBJID"].nunique().reset_index(name="n")
    _ae(out, pt.to_dict("records"), soc.to_dict("records"), n_arm)
    lb = pd.read_parquet(data / "adlb.parquet", columns=["USUBJID", "PARAMCD", "AVISIT", "AVAL", "CHG", "ANL01FL"])
    lb = lb[(lb["ANL01FL"] == "Y") & lb["PARAMCD"].isin(PARAMS) & lb["AVISIT"].isin(VISITS)].merge(arms, on="USUBJID")
    g = lb.groupby(["TRT01A", "PARAMCD", "AVISIT"])
    stats = pd.DataFrame({"n": g["AVAL"].count(), "mean": g["AVAL"].mean(), "sd": g["AVAL"].std(),
                          "chg_n": g["CHG"].count(), "chg_mean": g["CHG"].mean(), "chg_sd": g["CHG"].std()})
    _lb(out, stats.reset_index().to_dict("records"))
    return out


LABELS = {"SEX": {"M": "Male", "F": "Female"}}  # t-dm.yaml's level labels (the ARD's `level`)


def _key(*parts) -> str:
    arm = parts[1]
    if parts[0] == "dm" and parts[2] in LABELS:
        parts = (*parts[:3], LABELS[parts[2]].get(parts[3], parts[3]), *parts[4:])
    return "|".join(map(str, (parts[0], ARM_ID.get(arm, "total" if arm == "Total" else arm), *parts[2:])))


def _ae(out: dict, pt_rows, soc_rows, n_arm: dict) -> None:
    """Counts of the terms (and their SOCs) whose subjects pooled over the arms are >= THRESHOLD % of N."""
    pt_rows, soc_rows = list(pt_rows), list(soc_rows)
    total_n = sum(n_arm.values())
    pooled: dict = {}
    for r in pt_rows:
        pooled[(r["AEBODSYS"], r["AEDECOD"])] = pooled.get((r["AEBODSYS"], r["AEDECOD"]), 0) + r["n"]
    kept = {k for k, n in pooled.items() if n * 100 >= THRESHOLD * total_n}
    socs = {s for s, _ in kept}
    for r in pt_rows:
        if (r["AEBODSYS"], r["AEDECOD"]) in kept:
            out[_key("ae", r["TRT01A"], r["AEBODSYS"], r["AEDECOD"], "n")] = r["n"]
    for r in soc_rows:
        if r["AEBODSYS"] in socs:
            out[_key("ae", r["TRT01A"], "", r["AEBODSYS"], "n")] = r["n"]


def _lb(out: dict, rows) -> None:
    for r in rows:
        for s in ("n", "mean", "sd") + (("chg_n", "chg_mean", "chg_sd") if r["AVISIT"] != "Baseline" else ()):
            out[_key("lb", r["TRT01A"], r["PARAMCD"], r["AVISIT"], s)] = r[s]


def tlf_numbers(out_dir: Path) -> dict:
    """The same numbers read from the ARDs tlf wrote."""
    import csv

    out: dict = {}
    for name, tag in (("t-dm", "dm"), ("t-ae", "ae"), ("t-lb", "lb")):
        with open(out_dir / f"{name}.ard.csv", newline="") as f:
            for r in csv.DictReader(f):
                col, stat = r["column"], r["stat_name"]
                if not col or col not in {*ARMS, "total"} or r["analysis"] == "_N":
                    continue
                if tag == "dm":
                    key = ("dm", col, r["variable"], r["level"], stat)
                    if stat not in ("n", "mean", "sd", "median", "min", "max") or (r["variable"] != "AGE"
                                                                                  and stat != "n"):
                        continue
                elif tag == "ae":
                    if stat != "n":
                        continue
                    key = ("ae", col, r["parent"], r["level"], stat)
                else:
                    if stat not in ("n", "mean", "sd", "chg_n", "chg_mean", "chg_sd"):
                        continue
                    key = ("lb", col, r["parent"], r["level"], stat)
                out["|".join(key)] = float(r["stat"]) if r["stat"] else float("nan")
    return out


def compare(name: str, peer: dict, ref: dict) -> list[str]:
    """Mismatches of a peer's numbers against tlf's (relative 1e-9; a count exactly). A category no subject
    takes is a 0 in tlf's ARD and absent from a group-by: those compare as 0."""
    bad = []
    for k in sorted(set(peer) | set(ref)):
        a, b = ref.get(k, 0.0), peer.get(k, 0.0)
        a = float("nan") if a is None else float(a)
        b = float("nan") if b is None else float(b)
        if (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            continue
        bad.append(f"{name}: {k}: tlf {a!r}, {name} {b!r}")
    return bad


# ------------------------------------------------------------------ measuring

def measure(cmd: list[str]) -> dict:
    """Run `cmd` from a fresh measuring process; CPU seconds (user + system) and peak RSS of that one child."""
    probe = ("import json, resource, subprocess, sys, time; t = time.perf_counter(); "
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); w = time.perf_counter() - t; "
             "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
             "print(json.dumps({'rc': p.returncode, 'cpu': u.ru_utime + u.ru_stime, 'rss': u.ru_maxrss * 1024, "
             "'wall': w, 'err': p.stderr[-2000:]}))")
    res = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def dataset(cache: Path, scale: float, seed: int) -> Path:
    folder = cache / f"scale-{scale:g}-seed-{seed}"
    done = folder / "complete"
    if not done.is_file():
        sys.path.insert(0, str(REPO / "benchmarks"))
        from pooled_data import write_pooled

        print(f"generating scale {scale:g} into {folder} ...", flush=True)
        write_pooled(folder, subjects=int(round(100_000 * scale)), seed=seed)
        done.write_text("ok\n")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, nargs="+", default=[1.0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools", default="tlf,polars,duckdb,pandas")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "tlf-pooled")
    ap.add_argument("--format", default="docx,xlsx", help="tlf's output formats (default: docx,xlsx)")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--peer", help=argparse.SUPPRESS)  # internal: compute with one peer
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.peer:
        nums = {"polars": peer_polars, "duckdb": peer_duckdb, "pandas": peer_pandas}[a.peer](a.data)
        a.json.write_text(json.dumps({k: (None if v is None else float(v)) for k, v in nums.items()}))
        return
    tools = a.tools.split(",")
    env_py = [sys.executable]
    for scale in a.scale:
        data = dataset(a.cache, scale, a.seed)
        runs: dict[str, list[dict]] = {t: [] for t in tools}
        numbers: dict[str, dict] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(a.repeat):
                for tool in tools:  # interleaved: a busy spell hits every tool alike
                    if tool == "tlf":
                        out = Path(tmp) / f"tlf-{r}"
                        cmd = [*env_py, "-m", "tlf", "build", "all", "--specs", str(SPECS), "--data", str(data),
                               "--out", str(out), "-j", "1", "--format", a.format]
                    else:
                        out = Path(tmp) / f"{tool}-{r}.json"
                        cmd = [*env_py, __file__, "--peer", tool, "--data", str(data), "--json", str(out)]
                    m = measure(cmd)
                    if m["rc"] != 0:
                        print(f"{tool} failed (exit {m['rc']}):\n{m['err']}")
                        continue
                    runs[tool].append(m)
                    if tool not in numbers:
                        numbers[tool] = tlf_numbers(out) if tool == "tlf" else json.loads(out.read_text())
                    print(f"  scale {scale:g} round {r + 1} {tool:7s} CPU {m['cpu']:6.2f} s  peak "
                          f"{m['rss'] / 2**30:5.2f} GiB  wall {m['wall']:6.1f} s", flush=True)
        report(scale, runs, numbers)


def report(scale: float, runs: dict, numbers: dict) -> None:
    med = {t: (statistics.median(x["cpu"] for x in v), max(x["rss"] for x in v)) for t, v in runs.items() if v}
    base = med.get("polars")
    print(f"\nscale {scale:g} (ADSL {100_000 * scale:,.0f}, ADAE {1_000_000 * scale:,.0f}, ADLB "
          f"{5_000_000 * scale:,.0f} records); median CPU, largest peak RSS:")
    for t, (cpu, rss) in med.items():
        ratio = f"  {cpu / base[0]:5.2f}x CPU, {rss / base[1]:5.2f}x memory of Polars" if base else ""
        print(f"  {t:7s} {cpu:7.2f} s  {rss / 2**30:5.2f} GiB{ratio}")
    if "tlf" in numbers:
        ref = numbers["tlf"]
        for t, nums in numbers.items():
            if t != "tlf":
                bad = compare(t, nums, ref)
                print(f"  {t}: {len(nums)} numbers, " + ("all equal to tlf's ARD" if not bad else
                                                            f"{len(bad)} differ from tlf's ARD:"))
                for line in bad[:20]:
                    print("    " + line)
    print(flush=True)


if __name__ == "__main__":
    main()
