"""The Mantel-Haenszel common odds ratio (an estimate column with `strata:`) and the Breslow-Day test
(`test: breslow_day`) in stat columns: the 2 x 2 x K tables are rebuilt from the records with pandas; the
odds ratio and its Robins-Breslow-Greenland CI are written out here from their definitions (and checked
against R's `mantelhaen.test` when Rscript is installed); the Breslow-Day statistic, checked against
SAS's documented example in test_stats_cmh.py, is given the rebuilt tables to check the wiring."""

from __future__ import annotations

import math
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.unit.test_stat_columns_cmh import _ADSL, ADAE, _compute, _specs
from tlf.errors import TlfError
from tlf.stats.cmh import breslow_day

TABLE = """\
id: t-mh
type: table
number: Table 5
title: Stratified odds ratio
population: SAF
columns: arms
stat_columns:
  - {id: mh, label: "Odds ratio (95% CI)", over: [a, p], stat: odds_ratio, strata: SITEGR1, format: {decimals: 6}}
  - {id: bd, label: "Breslow-Day p", over: [a, p], test: breslow_day, strata: SITEGR1, format: {decimals: 6}}
analyses:
  - {id: ae, type: count, dataset: adae, label: Any headache, where: "TRTEMFL == 'Y'"}
"""


def _tables() -> np.ndarray:
    ae = set(pd.read_csv(pd.io.common.StringIO(ADAE)).USUBJID)
    f = _ADSL[_ADSL.SITEGR1 != ""].assign(AE=lambda d: d.USUBJID.isin(ae))
    sites = sorted(f.SITEGR1.unique())
    return np.array([[[((f.SITEGR1 == s) & (f.TRT01A == arm) & f.AE).sum(),
                       ((f.SITEGR1 == s) & (f.TRT01A == arm) & ~f.AE).sum()] for arm in ("Drug A", "Placebo")]
                     for s in sites], dtype=float)


def _rbg(t: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """MH odds ratio with the Robins, Breslow & Greenland (1986) CI, from their definitions."""
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    n = a + b + c + d
    r, s = a * d / n, b * c / n
    p, q = (a + d) / n, (b + c) / n
    var = (p * r).sum() / (2 * r.sum() ** 2) + (p * s + q * r).sum() / (2 * r.sum() * s.sum()) \
        + (q * s).sum() / (2 * s.sum() ** 2)
    est = r.sum() / s.sum()
    z = stats.norm.ppf(0.5 + level / 2)
    return est, est * math.exp(-z * math.sqrt(var)), est * math.exp(z * math.sqrt(var))


def _cell(ard, column, stat):
    sel = ard[(ard.analysis == "ae") & (ard.column == column) & (ard.stat_name == stat)]
    assert len(sel) == 1, (column, stat)
    return sel.iloc[0]


def test_mantel_haenszel_odds_ratio_and_breslow_day(tmp_path):
    ard, table = _compute(_specs(tmp_path, {"t-mh": TABLE}), "t-mh")
    t = _tables()
    est, lo, hi = _rbg(t)
    assert _cell(ard, "mh", "estimate").stat == pytest.approx(est, rel=1e-12)
    assert _cell(ard, "mh", "estimate_lower").stat == pytest.approx(lo, rel=1e-12)
    assert _cell(ard, "mh", "estimate_upper").stat == pytest.approx(hi, rel=1e-12)
    assert "Mantel-Haenszel over SITEGR1" in _cell(ard, "mh", "estimate").variable
    assert "1 subject(s) with a missing SITEGR1" in _cell(ard, "mh", "estimate").warning
    bd = _cell(ard, "bd", "pvalue")
    assert bd.stat == pytest.approx(breslow_day(t).pvalue, rel=1e-12) and "Tarone-adjusted" in bd.warning
    row = next(r for r in table.rows if r.label == "Any headache")
    assert row.cells[-2].strip().startswith(f"{est:.6f} (") and row.cells[-1].strip() == f"{bd.stat:.6f}"
    if shutil.which("Rscript"):  # R: mantelhaen.test(x)$estimate and $conf.int (exact = FALSE: RBG)
        flat = ",".join(str(int(v)) for v in np.transpose(t, (1, 2, 0)).ravel(order="F"))
        code = (f"r <- mantelhaen.test(array(c({flat}), dim = c(2, 2, {len(t)}))); "
                "cat(sprintf('%.15g', c(r$estimate, r$conf.int)))")
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True, check=True).stdout.split()
        assert [float(x) for x in out] == pytest.approx([est, lo, hi], rel=1e-9)


@pytest.mark.parametrize("column, words", [
    ("{id: x, label: X, over: [a, p], stat: risk_difference, strata: SITEGR1}", "`stat: odds_ratio` without `ci`"),
    ("{id: x, label: X, over: [a, p], test: breslow_day}", "`test: breslow_day` compares the odds ratios"),
])
def test_spec_errors(tmp_path, column, words):
    spec = TABLE.replace("stat_columns:\n", f"stat_columns:\n  - {column}\n")
    with pytest.raises(TlfError, match=words):
        _compute(_specs(tmp_path, {"t-mh": spec}), "t-mh")
