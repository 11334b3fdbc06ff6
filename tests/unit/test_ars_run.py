"""`tlf ars run` on CDISC's ARS v1 example "Common Safety Displays" (../shared/ars): every one of the 3,735
published results (rawValue and formattedValue) is compared with what tlf computes. The 25 that differ are
listed below with their reason, and each published value that is wrong is shown wrong here by an
independent computation in plain pandas on the same data (not by tlf).

Data: the PHUSE TDF ADaM v1.0 release (tdf_adam_v1: ADSL, ADAE), with ADVS from the 2013 folder (the TDF
ADVS equals it but for the PULSE label; the event's grouping says "Pulse Rate (beats/min)", TDF's label).
Every result is the same on the 2013 ADSL/ADAE.
"""

from __future__ import annotations

import math

import pytest

from tests.conftest import SHARED

EVENT = SHARED / "ars" / "common-safety-displays.json"
PILOT = SHARED / "data" / "cdiscpilot01"
DIRS = [PILOT / "tdf_adam_v1", PILOT]

pytestmark = pytest.mark.skipif(not EVENT.is_file() or not (PILOT / "advs.xpt").is_file(),
                                reason="../shared/ars and ../shared/data/cdiscpilot01 are not present")

TRT = {"AnlsGrouping_01_Trt_1": "Placebo", "AnlsGrouping_01_Trt_2": "Xanomeline Low Dose",
       "AnlsGrouping_01_Trt_3": "Xanomeline High Dose"}
SWAPPED = {"AnlsGrouping_01_Trt_1": "AnlsGrouping_01_Trt_1", "AnlsGrouping_01_Trt_2": "AnlsGrouping_01_Trt_3",
           "AnlsGrouping_01_Trt_3": "AnlsGrouping_01_Trt_2"}
# analyses (and their operations) whose published Low and High dose results are each other's
SWAP_ANALYSES = {"An03_04_Ethnic_Summ_ByTrt": "", "An03_05_Race_Summ_ByTrt": "",
                 "An03_06_Height_Summ_ByTrt": "Mth02_ContVar_Summ_ByGrp_2_Mean"}
HEIGHT_MEDIAN_LOW = ("An03_06_Height_Summ_ByTrt", "Mth02_ContVar_Summ_ByGrp_4_Median", "AnlsGrouping_01_Trt_2")
AGE_Q1_HIGH = ("An03_01_Age_Summ_ByTrt", "Mth02_ContVar_Summ_ByGrp_5_Q1", "AnlsGrouping_01_Trt_3")
VASC_P1 = ("An07_09_Soc_Comp_ByTrt_PlacLow", "Mth03_CatVar_Comp_FishEx_1_pval", "VASCULAR DISORDERS")


@pytest.fixture(scope="module")
def ran():
    from tlf.ars.model import read_event
    from tlf.ars.run import run_event
    from tlf.ars.write import load_tables

    event, raw = read_event(EVENT)
    return raw, run_event(event, load_tables(event, DIRS))


@pytest.fixture(scope="module")
def adsl():
    import pyreadstat

    frame, _meta = pyreadstat.read_xport(str(PILOT / "tdf_adam_v1" / "adsl.xpt"))
    return frame[frame["SAFFL"] == "Y"]


def _key(groups) -> tuple:
    return tuple((g["groupingId"], g.get("groupId"), g.get("groupValue")) for g in groups)


def _same_raw(mine: float | None, published: str) -> bool:
    """Equal to the published precision (its decimals), or to 9 significant digits for a published value
    that carries binary noise ("0.07719298250000001")."""
    if published == "":
        return mine is None or not math.isfinite(mine)
    if mine is None or not math.isfinite(mine):
        return False
    decimals = len(published.split(".")[1]) if "." in published else 0
    return abs(mine - float(published)) <= max(0.5 * 10.0 ** -decimals * (1 + 1e-9), 1e-9 * abs(mine))


def _compare(raw, run):
    """(matching count, [difference dicts]) over every published result."""
    matched, diffs = 0, []
    for a in raw["analyses"]:
        mine = {(r.operation_id, r.groups): r for r in run.results.get(a["id"], [])}
        for p in a.get("results", []):
            r = mine.get((p["operationId"], _key(p["resultGroups"])))
            pub_raw, pub_fmt = p.get("rawValue", ""), p.get("formattedValue")
            if r is None:
                ok = pub_raw == ""  # CDISC's "not computed" (a term no record of the subset has)
                why = "" if ok else "tlf has no such result"
            else:
                raw_ok = _same_raw(r.value, pub_raw)
                fmt_ok = r.formatted == pub_fmt or (pub_raw == "" and pub_fmt is None)
                ok = raw_ok and fmt_ok
                why = "" if ok else ("rawValue" if not raw_ok else "formattedValue")
            if ok:
                matched += 1
            else:
                diffs.append({"analysis": a["id"], "operation": p["operationId"], "groups": _key(p["resultGroups"]),
                              "published": (pub_raw, pub_fmt), "tlf": (r.value, r.formatted) if r else None,
                              "what": why})
    return matched, diffs


def _reason(d) -> str:
    """Why a published result differs from tlf's; each reason is proven by a test below."""
    trt = next((g[1] for g in d["groups"] if g[0] == "AnlsGrouping_01_Trt" and g[1]), None)
    if (d["analysis"] in SWAP_ANALYSES and d["operation"].startswith(SWAP_ANALYSES[d["analysis"]])
            and trt in ("AnlsGrouping_01_Trt_2", "AnlsGrouping_01_Trt_3")):
        return "published Low and High dose results swapped (test_published_low_and_high_swapped)"
    if (d["analysis"], d["operation"], trt) == HEIGHT_MEDIAN_LOW:
        return "published median is no median of the data (test_published_height_median_low_dose)"
    if (d["analysis"], d["operation"], trt) == AGE_Q1_HIGH:
        return "published Q1 is not SAS's default quartile (test_published_age_q1_high_dose)"
    if (d["analysis"], d["operation"]) == VASC_P1[:2] and d["groups"][1][2] == VASC_P1[2]:
        return "published p = 1 as '1', not by its pattern X.XXXX (test_published_p_of_1_not_by_pattern)"
    return ""


def test_every_published_result_matches_or_differs_for_a_shown_reason(ran):
    raw, run = ran
    total = sum(len(a.get("results", [])) for a in raw["analyses"])
    matched, diffs = _compare(raw, run)
    unexplained = [d for d in diffs if not _reason(d)]
    assert not unexplained, "\n".join(f"{d['analysis']} {d['operation']} {d['groups']}: {d['what']} "
                                      f"published {d['published']}, tlf {d['tlf']}" for d in unexplained)
    assert total == 3735
    assert not run.unmapped, [str(u) for u in run.unmapped]
    assert not run.slips, run.slips
    reasons: dict[str, int] = {}
    for d in diffs:
        reasons[_reason(d)] = reasons.get(_reason(d), 0) + 1
    # 22 swapped (Ethnicity 8; Race 12, as the arms share the categories no subject has; Height mean 2),
    # 1 median, 1 quartile, 1 format
    assert {k.split(" (")[0]: v for k, v in reasons.items()} == {
        "published Low and High dose results swapped": 22, "published Q1 is not SAS's default quartile": 1,
        "published median is no median of the data": 1,
        "published p = 1 as '1', not by its pattern X.XXXX": 1}
    assert len(diffs) == total - matched
    assert matched == 3710, (matched, reasons)


def test_published_low_and_high_swapped(ran, adsl):
    """In the ethnicity and race counts and the height means, CDISC's Low and High dose results are the
    other arm's: each published result of AnlsGrouping_01_Trt_2 (Xanomeline Low Dose) equals an independent
    computation on the High dose subjects and vice versa, while tlf's equal those of their own arm."""
    raw, run = ran
    n = adsl.groupby("TRT01A")["USUBJID"].nunique()

    def independent(analysis: str, op: str, trt: str, groups) -> float:
        sub = adsl[adsl["TRT01A"] == TRT[trt]]
        if analysis == "An03_06_Height_Summ_ByTrt":
            h = sub["HEIGHTBL"].dropna().sort_values().to_numpy()
            stat = op.rsplit("_", 1)[1]
            k = len(h)

            def q(p):  # SAS PCTLDEF=5, written out
                j, g = divmod(k * p, 1)
                j = int(j)
                return (h[j - 1] + h[j]) / 2 if g == 0 else h[j]

            return {"n": k, "Mean": h.mean(), "SD": h.std(ddof=1), "Median": q(0.5), "Q1": q(0.25),
                    "Q3": q(0.75), "Min": h.min(), "Max": h.max()}[stat]
        var, codes = ("ETHNIC", ETHNIC) if "Ethnic" in analysis else ("RACE", RACE)
        level = codes[[g for g in groups if g[0] != "AnlsGrouping_01_Trt"][0][1]]
        count = sub.loc[sub[var] == level, "USUBJID"].nunique()
        return count if op.endswith("_n") else 100 * count / n[TRT[trt]]

    checked = 0
    for a in raw["analyses"]:
        if a["id"] not in SWAP_ANALYSES:
            continue
        mine = {(r.operation_id, r.groups): r for r in run.results[a["id"]]}
        for p in a["results"]:
            groups = _key(p["resultGroups"])
            trt = groups[0][1]
            if trt == "AnlsGrouping_01_Trt_1" or not p["operationId"].startswith(SWAP_ANALYSES[a["id"]]):
                continue
            own = independent(a["id"], p["operationId"], trt, groups)
            other = independent(a["id"], p["operationId"], SWAPPED[trt], groups)
            assert float(p["rawValue"]) == pytest.approx(other, rel=1e-7, abs=1e-7), (a["id"], p)
            assert mine[(p["operationId"], groups)].value == pytest.approx(own, rel=1e-12, abs=1e-12)
            checked += 1
    assert checked == 8 + 36 + 2


def test_published_height_median_low_dose(ran, adsl):
    """The 42nd and 43rd of the 84 sorted Low dose heights are both 162.6 (so are the 41st to 46th): every
    definition of the median gives 162.6. CDISC published 162.2, the mean of the 40th and 41st."""
    raw, run = ran
    h = sorted(adsl.loc[adsl["TRT01A"] == "Xanomeline Low Dose", "HEIGHTBL"])
    assert len(h) == 84 and h[40:46] == [162.6] * 6 and (h[39] + h[40]) / 2 == pytest.approx(162.2)
    pub = next(p for a in raw["analyses"] if a["id"] == HEIGHT_MEDIAN_LOW[0] for p in a["results"]
               if p["operationId"] == HEIGHT_MEDIAN_LOW[1] and p["resultGroups"][0]["groupId"] == HEIGHT_MEDIAN_LOW[2])
    assert pub["rawValue"] == "162.2"
    mine = next(r for r in run.results[HEIGHT_MEDIAN_LOW[0]] if r.operation_id == HEIGHT_MEDIAN_LOW[1]
                and r.groups[0][1] == HEIGHT_MEDIAN_LOW[2])
    assert (mine.value, mine.formatted) == (162.6, "162.6")


ETHNIC = {"AnlsGrouping_05_Ethnic_1": "HISPANIC OR LATINO", "AnlsGrouping_05_Ethnic_2": "NOT HISPANIC OR LATINO"}
RACE = {"AnlsGrouping_04_Race_1": "AMERICAN INDIAN OR ALASKA NATIVE", "AnlsGrouping_04_Race_2": "ASIAN",
        "AnlsGrouping_04_Race_3": "BLACK OR AFRICAN AMERICAN",
        "AnlsGrouping_04_Race_4": "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER", "AnlsGrouping_04_Race_5": "WHITE",
        "AnlsGrouping_04_Race_6": "MULTIPLE", "AnlsGrouping_04_Race_7": "NOT REPORTED",
        "AnlsGrouping_04_Race_8": "UNKNOWN", "AnlsGrouping_04_Race_9": "OTHER"}


def test_published_age_q1_high_dose(ran, adsl):
    """84 High dose ages: n/4 = 21 is whole, so SAS's default quartile (PCTLDEF=5, which every other
    published Q1 and Q3 of the event follows) is the mean of the 21st and 22nd ages, 70 and 71: 70.5. CDISC
    published 70, the 21st age alone."""
    raw, run = ran
    ages = sorted(adsl.loc[adsl["TRT01A"] == "Xanomeline High Dose", "AGE"])
    assert len(ages) == 84 and (ages[20], ages[21]) == (70, 71)
    pub = next(p for a in raw["analyses"] if a["id"] == AGE_Q1_HIGH[0] for p in a["results"]
               if p["operationId"] == AGE_Q1_HIGH[1] and p["resultGroups"][0]["groupId"] == AGE_Q1_HIGH[2])
    assert (pub["rawValue"], pub["formattedValue"]) == ("70", "70.0")
    mine = next(r for r in run.results[AGE_Q1_HIGH[0]] if r.operation_id == AGE_Q1_HIGH[1]
                and r.groups[0][1] == AGE_Q1_HIGH[2])
    assert (mine.value, mine.formatted) == ((ages[20] + ages[21]) / 2, "70.5")


def test_published_p_of_1_not_by_pattern(ran):
    """Placebo vs Low dose, subjects with a vascular disorder TEAE: Fisher's exact p (scipy on counts made
    in pandas) is 1; the method's pattern X.XXXX prints 1.0000 (as every other p of the event has 4
    decimals), CDISC printed '1'."""
    import pandas as pd
    import pyreadstat
    from scipy.stats import fisher_exact

    ae, _ = pyreadstat.read_xport(str(PILOT / "tdf_adam_v1" / "adae.xpt"))
    sl, _ = pyreadstat.read_xport(str(PILOT / "tdf_adam_v1" / "adsl.xpt"))
    arms = ["Placebo", "Xanomeline Low Dose"]
    sl = sl[(sl["SAFFL"] == "Y") & sl["TRT01A"].isin(arms)]
    te = ae[(ae["TRTEMFL"] == "Y") & (ae["AESOC"] == "VASCULAR DISORDERS")].merge(sl[["USUBJID", "TRT01A"]],
                                                                                     on="USUBJID", suffixes=("_ae", ""))
    with_event = te.groupby("TRT01A")["USUBJID"].nunique().reindex(arms, fill_value=0)
    totals = sl.groupby("TRT01A")["USUBJID"].nunique().reindex(arms)
    table = pd.DataFrame({"yes": with_event, "no": totals - with_event}).to_numpy()
    p = fisher_exact(table).pvalue
    assert p == pytest.approx(1.0)
    raw, run = ran
    pub = next(p for a in raw["analyses"] if a["id"] == VASC_P1[0] for p in a["results"])
    assert (pub["rawValue"], pub["formattedValue"]) == ("1", "1")
    mine = next(r for r in run.results[VASC_P1[0]] if r.groups[1][2] == VASC_P1[2])
    assert mine.value == pytest.approx(p) and mine.formatted == "1.0000"
