"""Writes samples.csv and tables.csv, the inputs of make_reference.R (seeded, deterministic).

Run from the repository root: `.venv/bin/python tests/reference/stat_tests/make_data.py`.
samples.csv: case, group, x, y (one row per observation); tables.csv: case, row, col, count.
Values carry at most two decimals so that R and Python read the same doubles.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def samples(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []

    def add(case, group, x, y=None):
        for i, v in enumerate(x):
            rows.append({"case": case, "group": group, "x": v, "y": np.nan if y is None else y[i]})

    # one-way ANOVA, three unequal groups
    for g, (mu, n) in enumerate(((50, 12), (54, 9), (57, 15))):
        add("anova", f"g{g + 1}", np.round(rng.normal(mu, 6, n), 1))
    # signed rank, no ties, no zeros, n = 12 (exact)
    add("signed_exact", "d", np.round(rng.normal(0.8, 2, 12), 2))
    # signed rank with ties and zeros, n = 14 non-zero (exact given midranks)
    add("signed_ties", "d", [1.5, -1.5, 2, 2, 2, 0, 0, -3, 4.5, 5, 5, -0.5, 6, 0.5, 3, 7])
    # signed rank, 40 values with ties and zeros (t approximation: more than 20 non-zero)
    add("signed_large", "d", np.round(rng.normal(0.6, 1.5, 40), 0))
    # rank sum, no ties (exact) and with ties (normal approximation with continuity correction)
    add("ranksum_exact", "a", np.round(rng.normal(10, 3, 7), 2))
    add("ranksum_exact", "b", np.round(rng.normal(13, 3, 9), 2))
    add("ranksum_ties", "a", np.round(rng.normal(10, 3, 18), 0))
    add("ranksum_ties", "b", np.round(rng.normal(12, 3, 21), 0))
    # correlation: two continuous measures with ties and a missing value
    x = np.round(rng.normal(0, 1, 25), 1)
    y = np.round(0.6 * x + rng.normal(0, 0.8, 25), 1)
    x[4] = np.nan
    add("corr", "xy", x, y)
    # power model: dose and AUC, 6 per dose
    doses = np.repeat([0.1, 0.3, 1.0, 2.0, 4.0, 6.0], 6)
    auc = np.round(np.exp(2.0 + 0.93 * np.log(doses) + rng.normal(0, 0.25, doses.size)), 2)
    add("power", "pk", doses, auc)
    return pd.DataFrame(rows)


TABLES = {
    "t2x2_a": [[8, 2], [1, 5]],
    "t2x2_b": [[12, 74], [3, 83]],
    "t2x2_c": [[0, 86], [4, 80]],
    "t3x3": [[3, 1, 4], [1, 5, 9], [2, 6, 5]],
    "t2x4": [[10, 7, 3, 1], [4, 9, 6, 8]],
    "t3x4": [[12, 20, 9, 3], [15, 11, 14, 6], [8, 19, 10, 2]],
}


def tables() -> pd.DataFrame:
    return pd.DataFrame([{"case": k, "row": i + 1, "col": j + 1, "count": c}
                         for k, t in TABLES.items() for i, r in enumerate(t) for j, c in enumerate(r)])


if __name__ == "__main__":
    samples().to_csv(HERE / "samples.csv", index=False)
    tables().to_csv(HERE / "tables.csv", index=False)
