"""Writes tables.csv, the stratified tables tests/unit/test_stats_cmh.py checks against R (make_reference.R).

Sets: `migraine`, the 2 x 2 x 2 table of SAS PROC FREQ's documentation example "Cochran-Mantel-Haenszel
Statistics" (Example 3.7 of the FREQ procedure, data set Migraine; SAS prints 8.3052, p 0.0040 for all
three CMH statistics); `s2x2`: 2 x 2 x 7 with a stratum of 1 subject (left out, as SAS) and a stratum
with an empty row (no odds-ratio information); `s3x4`: 3 x 4 x 5 with unequally spaced column scores
(1, 2, 4, 7) and row scores (0, 1, 3); `s3x5`: 3 x 5 x 4 ordinal response with a category empty in some
strata. Row/column `score` columns carry the table scores. Run: python make_data.py
"""

import csv

import numpy as np

rng = np.random.default_rng(20261207)
rows = []


def add(name, tables, rscores, cscores):
    for k, t in enumerate(tables):
        for i, r in enumerate(t):
            for j, n in enumerate(r):
                rows.append({"set": name, "stratum": k + 1, "row": i + 1, "col": j + 1, "count": int(n),
                             "row_score": rscores[i], "col_score": cscores[j]})


add("migraine", [[[16, 11], [5, 20]], [[12, 16], [7, 19]]], [1, 2], [1, 2])
s2 = [rng.poisson([[8, 6], [4, 9]]).tolist() for _ in range(5)]
s2.append([[1, 0], [0, 0]])  # one subject: contributes nothing
s2.append([[3, 2], [0, 0]])  # an empty row: no information on the odds ratio
add("s2x2", s2, [1, 2], [1, 2])
add("s3x4", [rng.poisson(rng.uniform(1, 8, size=(3, 4))).tolist() for _ in range(5)], [0, 1, 3], [1, 2, 4, 7])
s3 = [rng.poisson(np.outer([6, 5, 7], [1, 2, 4, 3, 1]) / 3).tolist() for _ in range(4)]
s3[1][0][4] = s3[1][1][4] = s3[1][2][4] = 0  # a response category absent from one stratum
add("s3x5", s3, [1, 2, 3], [1, 2, 3, 4, 5])

with open("tables.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
