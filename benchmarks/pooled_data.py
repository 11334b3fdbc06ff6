"""A seeded pooled safety database for the scale benchmark (bench_pooled.py) and its test: ADSL, ADAE and
ADLB as Parquet, with the variables an integrated safety summary reads plus ones it does not (so that
reading only what the outputs use matters).

    python benchmarks/pooled_data.py OUT_DIR [--subjects 100000] [--ae-per-subject 10] [--seed 20]

At the default size: ADSL 100,000 subjects (10 pooled studies), ADAE 1,000,000 records, ADLB 5,000,000
records (10 parameters x 5 visits per subject). Text is written as plain strings (as a converted SAS file
holds them); Parquet dictionary-encodes them on disk. The same seed and size give the same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ARMS = ("Placebo", "Drug 10 mg", "Drug 20 mg")
STUDIES = 10
SOCS = 26
PTS = 400
PARAMS = (  # code, label, mean, sd, decimals collected
    ("ALT", "Alanine Aminotransferase (U/L)", 25.0, 10.0, 0),
    ("AST", "Aspartate Aminotransferase (U/L)", 24.0, 9.0, 0),
    ("ALP", "Alkaline Phosphatase (U/L)", 70.0, 20.0, 0),
    ("BILI", "Bilirubin (umol/L)", 10.0, 4.0, 1),
    ("CREAT", "Creatinine (umol/L)", 80.0, 15.0, 0),
    ("GLUC", "Glucose (mmol/L)", 5.5, 1.2, 1),
    ("HGB", "Hemoglobin (g/L)", 135.0, 15.0, 0),
    ("PLAT", "Platelets (10^9/L)", 250.0, 60.0, 0),
    ("WBC", "Leukocytes (10^9/L)", 6.5, 1.8, 1),
    ("SODIUM", "Sodium (mmol/L)", 140.0, 3.0, 0),
)
VISITS = (("Baseline", 0), ("Week 4", 4), ("Week 8", 8), ("Week 12", 12), ("Week 24", 24))


def _words(rng: np.random.Generator, n: int, prefix: str) -> list[str]:
    """n distinct made-up names (a term dictionary)."""
    syll = ["ar", "be", "cal", "dor", "en", "fi", "gra", "hy", "in", "ju", "ka", "lo", "mi", "no", "pa", "ra",
            "si", "to", "ul", "ve"]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        w = "".join(rng.choice(syll, size=rng.integers(2, 5))).upper()
        name = f"{prefix}{w}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _text(values, codes: np.ndarray):
    """A plain string column of `values[codes]` (built through a dictionary; written as strings)."""
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(list(values))).cast(pa.string())


def write_pooled(out: Path, subjects: int = 100_000, ae_per_subject: float = 10.0, seed: int = 20) -> dict[str, Path]:
    """Write adsl.parquet, adae.parquet and adlb.parquet into `out`; returns their paths by name."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n = subjects
    study = np.arange(n) % STUDIES
    studies = [f"POOL-{k + 1:02d}" for k in range(STUDIES)]
    ids = [f"POOL-{study[i] + 1:02d}-{1000 + i % 997:04d}-{i:06d}" for i in range(n)]
    arm = rng.integers(0, 3, n)
    age = np.clip(np.round(rng.normal(58, 12, n)), 18, 90)
    agegr = np.where(age < 65, 0, np.where(age <= 80, 1, 2))
    sex = (rng.random(n) < 0.48).astype(int)  # 1: F
    race_p = np.array([0.70, 0.12, 0.10, 0.05, 0.03])
    race = rng.choice(5, n, p=race_p)
    saf = (rng.random(n) < 0.97)
    weight = np.round(rng.normal(78, 15, n), 1)
    height = np.round(rng.normal(170, 10, n), 1)
    trtsdt = (np.datetime64("2020-01-01") + rng.integers(0, 900, n)).astype("datetime64[D]")
    dur = rng.integers(1, 200, n)
    adsl = pa.table({
        "STUDYID": _text(studies, study),
        "USUBJID": pa.array(ids),
        "SUBJID": pa.array([s[-6:] for s in ids]),
        "SITEID": _text([f"{k:04d}" for k in range(1000, 1997)], np.arange(n) % 997),
        "COUNTRY": _text(["USA", "CAN", "DEU", "FRA", "GBR", "JPN", "POL", "ESP"], rng.integers(0, 8, n)),
        "ARM": _text(ARMS, arm),
        "TRT01P": _text(ARMS, arm),
        "TRT01PN": pa.array(arm.astype(float)),
        "TRT01A": _text(ARMS, arm),
        "TRT01AN": pa.array(arm.astype(float)),
        "SAFFL": _text(["N", "Y"], saf.astype(int)),
        "ITTFL": _text(["Y"], np.zeros(n, int)),
        "AGE": pa.array(age),
        "AGEU": _text(["YEARS"], np.zeros(n, int)),
        "AGEGR1": _text(["<65", "65-80", ">80"], agegr),
        "SEX": _text(["M", "F"], sex),
        "RACE": _text(["WHITE", "BLACK OR AFRICAN AMERICAN", "ASIAN", "AMERICAN INDIAN OR ALASKA NATIVE",
                       "MULTIPLE"], race),
        "ETHNIC": _text(["NOT HISPANIC OR LATINO", "HISPANIC OR LATINO"], (rng.random(n) < 0.15).astype(int)),
        "HEIGHTBL": pa.array(height),
        "WEIGHTBL": pa.array(weight),
        "BMIBL": pa.array(np.round(weight / (height / 100) ** 2, 1)),
        "TRTSDT": pa.array(trtsdt),
        "TRTEDT": pa.array(trtsdt + dur.astype("timedelta64[D]")),
        "TRTDURD": pa.array(dur.astype(float)),
        "DTHFL": _text(["", "Y"], (rng.random(n) < 0.01).astype(int)),
        "EOSSTT": _text(["COMPLETED", "DISCONTINUED"], (rng.random(n) < 0.2).astype(int)),
    })
    paths = {"adsl": out / "adsl.parquet", "adae": out / "adae.parquet", "adlb": out / "adlb.parquet"}
    pq.write_table(adsl, paths["adsl"])
    trta = arm  # actual treatment of each record: the subject's arm

    # ADAE: Zipf-like term frequencies so that a few terms reach 5% of subjects; a subject's records
    socs = _words(rng, SOCS, "SOC ")
    pts = _words(rng, PTS, "")
    pt_soc = rng.integers(0, SOCS, PTS)
    weights = 1.0 / np.arange(1, PTS + 1) ** 1.1
    weights /= weights.sum()
    total = int(round(n * ae_per_subject))
    per = rng.poisson(ae_per_subject, n)
    per = np.maximum(0, per + (total - per.sum()) // n)
    subj = np.repeat(np.arange(n), per)[:total]
    if len(subj) < total:
        subj = np.concatenate([subj, rng.integers(0, n, total - len(subj))])
    subj.sort()
    m = len(subj)
    pt = rng.choice(PTS, m, p=weights)
    # the drug doubles a few terms' frequency: the arms differ
    boost = (pt < 20) & (trta[subj] > 0) & (rng.random(m) < 0.3)
    pt = np.where(boost & (rng.random(m) < 0.5), rng.integers(0, 20, m), pt)
    seq = np.arange(m) - np.repeat(np.concatenate([[0], np.cumsum(np.bincount(subj, minlength=n))[:-1]]),
                                   np.bincount(subj, minlength=n))
    astdy = rng.integers(-10, 200, m)
    pq.write_table(pa.table({
        "STUDYID": _text(studies, study[subj]),
        "USUBJID": _text(ids, subj),
        "AESEQ": pa.array((seq + 1).astype(float)),
        "AETERM": _text([p.lower() for p in pts], pt),
        "AEDECOD": _text(pts, pt),
        "AEBODSYS": _text(socs, pt_soc[pt]),
        "AESOC": _text(socs, pt_soc[pt]),
        "AEHLT": _text([f"HLT {k}" for k in range(60)], pt % 60),
        "AESEV": _text(["MILD", "MODERATE", "SEVERE"], rng.choice(3, m, p=[0.6, 0.3, 0.1])),
        "AESER": _text(["N", "Y"], (rng.random(m) < 0.05).astype(int)),
        "AEREL": _text(["NOT RELATED", "POSSIBLE", "PROBABLE"], rng.choice(3, m, p=[0.6, 0.3, 0.1])),
        "AEOUT": _text(["RECOVERED/RESOLVED", "NOT RECOVERED/NOT RESOLVED"], (rng.random(m) < 0.1).astype(int)),
        "AEACN": _text(["DOSE NOT CHANGED", "DRUG WITHDRAWN"], (rng.random(m) < 0.03).astype(int)),
        "ASTDY": pa.array(astdy.astype(float)),
        "ASTDT": pa.array(trtsdt[subj] + astdy.astype("timedelta64[D]")),
        "TRTEMFL": _text(["", "Y"], (astdy >= 1).astype(int)),
        "TRTA": _text(ARMS, trta[subj]),
        "TRTAN": pa.array(trta[subj].astype(float)),
    }), paths["adae"])

    # ADLB: every subject, parameter and visit; ANL01FL blank on ~1% of records (a repeat at the visit)
    writer = None
    block = 20_000
    pcodes = [p[0] for p in PARAMS]
    plabels = [p[1] for p in PARAMS]
    vnames = [v[0] for v in VISITS]
    for start in range(0, n, block):
        s = np.arange(start, min(n, start + block))
        k = len(s)
        nv, npar = len(VISITS), len(PARAMS)
        sub = np.repeat(s, npar * nv)
        par = np.tile(np.repeat(np.arange(npar), nv), k)
        vis = np.tile(np.arange(nv), k * npar)
        mean = np.array([p[2] for p in PARAMS])[par]
        sd = np.array([p[3] for p in PARAMS])[par]
        dec = np.array([p[4] for p in PARAMS])[par]
        subj_level = rng.normal(0, 1, k * npar)  # each subject's own level of a parameter
        level = np.repeat(subj_level, nv)
        drift = np.where(trta[sub] > 0, 0.05 * vis * trta[sub], 0.0)
        raw = mean + sd * (level + 0.5 * rng.normal(0, 1, len(sub)) + drift)
        aval = np.round(np.abs(raw) * 10.0 ** dec) / 10.0 ** dec
        base = np.repeat(aval[vis == 0], nv)
        chg = np.round((aval - base) * 10.0 ** dec) / 10.0 ** dec
        chg = np.where(vis == 0, np.nan, chg)
        lo, hi = mean - 2 * sd, mean + 2 * sd
        nrind = np.where(aval < lo, 0, np.where(aval > hi, 2, 1))
        anl = (rng.random(len(sub)) >= 0.01) | (vis == 0)
        visit_day = np.array([v[1] for v in VISITS])[vis] * 7
        table = pa.table({
            "STUDYID": _text(studies, study[sub]),
            "USUBJID": _text(ids, sub),
            "LBSEQ": pa.array((par * nv + vis + 1).astype(float)),
            "PARAMCD": _text(pcodes, par),
            "PARAM": _text(plabels, par),
            "PARCAT1": _text(["CHEMISTRY", "HEMATOLOGY"], np.isin(par, [6, 7, 8]).astype(int)),
            "AVISIT": _text(vnames, vis),
            "AVISITN": pa.array(np.array([v[1] for v in VISITS], float)[vis]),
            "ADT": pa.array(trtsdt[sub] + visit_day.astype("timedelta64[D]")),
            "ADY": pa.array(visit_day.astype(float) + 1),
            "AVAL": pa.array(aval),
            "BASE": pa.array(base),
            "CHG": pa.array(chg),
            "PCHG": pa.array(np.where(base != 0, np.round(100 * chg / np.where(base == 0, 1, base), 2), np.nan)),
            "ANRLO": pa.array(np.round(lo, 1)),
            "ANRHI": pa.array(np.round(hi, 1)),
            "ANRIND": _text(["LOW", "NORMAL", "HIGH"], nrind),
            "BNRIND": _text(["LOW", "NORMAL", "HIGH"], np.repeat(nrind[vis == 0], nv)),
            "ABLFL": _text(["", "Y"], (vis == 0).astype(int)),
            "ANL01FL": _text(["", "Y"], anl.astype(int)),
            "TRTA": _text(ARMS, trta[sub]),
            "TRTAN": pa.array(trta[sub].astype(float)),
        })
        if writer is None:
            writer = pq.ParquetWriter(paths["adlb"], table.schema)
        writer.write_table(table)
    writer.close()
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--subjects", type=int, default=100_000)
    ap.add_argument("--ae-per-subject", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=20)
    a = ap.parse_args()
    for name, path in write_pooled(a.out, a.subjects, a.ae_per_subject, a.seed).items():
        print(f"{name}: {path} ({path.stat().st_size / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
