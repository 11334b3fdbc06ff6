"""The tables `tlf ars run` makes of CDISC's "Common Safety Displays" (../shared/ars), asserted on tlf's table
model: column headers, row labels and their order, titles and footnotes, and cells. Every expected value is
read from the reporting event itself (its groupings' groups in order, its methods' operation labels, its
list of contents, its display sections, its published formattedValues), never from what tlf printed.

The two vital-signs outputs hold the same analyses and display sections; their names say "Horizontal" and
"Vertical": the horizontal one has statistics as columns and treatments as rows, the vertical one
statistics as rows and treatments (over observed value and change from baseline) as columns.
"""

from __future__ import annotations

import copy

import pytest

from tests.conftest import SHARED

EVENT = SHARED / "ars" / "common-safety-displays.json"
PILOT = SHARED / "data" / "cdiscpilot01"
DIRS = [PILOT / "tdf_adam_v1", PILOT]

pytestmark = pytest.mark.skipif(not EVENT.is_file() or not (PILOT / "advs.xpt").is_file(),
                                reason="../shared/ars and ../shared/data/cdiscpilot01 are not present")

TRT = "AnlsGrouping_01_Trt"


@pytest.fixture(scope="module")
def ran():
    from tlf.ars.display import output_tables
    from tlf.ars.model import read_event
    from tlf.ars.run import run_event
    from tlf.ars.write import load_tables

    event, raw = read_event(EVENT)
    run = run_event(event, load_tables(event, DIRS))
    tables = {t.output_id: t for t, _ids in output_tables(event, raw, run)}
    return event, raw, run, tables


# --- what the reporting event says ------------------------------------------------------------------


def _groups(raw, gid) -> list[dict]:
    g = next(g for g in raw["analysisGroupings"] if g["id"] == gid)
    return sorted(g["groups"], key=lambda x: x["order"])


def _op_labels(raw, mid) -> list[str]:
    m = next(m for m in raw["methods"] if m["id"] == mid)
    return [o["label"] for o in sorted(m["operations"], key=lambda o: o["order"])]


def _ops(raw, mid) -> list[str]:
    m = next(m for m in raw["methods"] if m["id"] == mid)
    return [o["id"] for o in sorted(m["operations"], key=lambda o: o["order"])]


def _published(raw, aid) -> dict[tuple, str]:
    """(operation id, {grouping: group id or value}) -> published formattedValue."""
    a = next(a for a in raw["analyses"] if a["id"] == aid)
    return {(r["operationId"], tuple(sorted((g["groupingId"], g.get("groupId") or g.get("groupValue"))
                                            for g in r["resultGroups"] if g.get("groupId") or g.get("groupValue")))):
            r["formattedValue"] for r in a["results"]}  # a factor of a test (no group) is left out of the key


def _pub(raw, aid, op, **groups) -> str:
    return _published(raw, aid)[(op, tuple(sorted(groups.items())))]


def _big_n(raw) -> dict[str, str]:
    return {g["id"]: _pub(raw, "An01_05_SAF_Summ_ByTrt", "Mth01_CatVar_Count_ByGrp_1_n", **{TRT: g["id"]})
            for g in _groups(raw, TRT)}


def _sub(raw, sid) -> str:
    """A display sub-section's text by id (wherever it is defined)."""
    for g in raw["globalDisplaySections"]:
        for s in g["subSections"]:
            if s["id"] == sid:
                return s["text"]
    for o in raw["outputs"]:
        for d in o["displays"]:
            for sec in d["display"]["displaySections"]:
                for s in sec["orderedSubSections"]:
                    if "subSection" in s and s["subSection"]["id"] == sid:
                        return s["subSection"]["text"]
    raise KeyError(sid)


def _entries(raw, output_id) -> list[dict]:
    top = next(i for i in raw["mainListOfContents"]["contentsList"]["listItems"] if i.get("outputId") == output_id)
    return sorted(top["sublist"]["listItems"], key=lambda i: i["order"])


def _under(table, label, indent=0) -> list:
    """The rows under the row labelled `label` at `indent`, up to the next row at that indent or less."""
    rows = list(table.rows)
    i = next(k for k, r in enumerate(rows) if r.label == label and r.indent == indent)
    out = []
    for r in rows[i + 1:]:
        if r.indent <= indent and r.kind != "blank":
            break
        out.append(r)
    return out


# --- Summary of Demographics -------------------------------------------------------------------------


def test_demographics(ran):
    _event, raw, _run, tables = ran
    t = tables["Out14-1-1"]
    trts = _groups(raw, TRT)
    big_n = _big_n(raw)
    assert [(c.label, c.n_label) for c in t.columns] == [(g["name"], big_n[g["id"]]) for g in trts] + [("p-value", "")]
    assert [c.n_label for c in t.columns[:3]] == ["(N=86)", "(N=84)", "(N=84)"]  # the CSR's Table 14-2.01
    assert t.number == _sub(raw, "Disp14-1-1_Title_1") == "Table 14.1.1"
    assert t.titles == (_sub(raw, "Disp14-1-1_Title_2"), _sub(raw, "GlobalDisp_Title_1"))
    assert t.stub_header == _sub(raw, "Disp14-1-1_RLbHd_1")
    assert t.footnotes == (_sub(raw, "Disp14-1-1_Footer_1"), _sub(raw, "GlobalDisp_Footer_1"))
    assert t.page.running_header == (_sub(raw, "GlobalDisp_Header_1"), "", "")  # "Page x of y": tlf's own
    # a block per entry of the list (the N analysis is the columns' N line), in the list's order
    blocks = [e["name"] for e in _entries(raw, "Out14-1-1")[1:]]
    assert [r.label for r in t.rows if r.indent == 0 and r.kind == "group"] == blocks
    # age: a row per operation of its method, the ANOVA p-value on the first
    age = _under(t, "Age")
    assert [r.label for r in age if r.kind == "data"] == _op_labels(raw, "Mth02_ContVar_Summ_ByGrp")
    assert age[0].cells[3] == _pub(raw, "An03_01_Age_Comp_ByTrt", "Mth04_ContVar_Comp_Anova_1_pval") == "0.5934"
    mean = next(r for r in age if r.label == "Mean")
    assert mean.cells[:3] == tuple(_pub(raw, "An03_01_Age_Summ_ByTrt", "Mth02_ContVar_Summ_ByGrp_2_Mean",
                                        **{TRT: g["id"]}) for g in trts)
    # sex: a row per group, in the grouping's order, n and % on one line, the chi-square p on the first row
    sex = [r for r in _under(t, "Sex") if r.kind == "data"]
    assert [r.label for r in sex] == [g["name"] for g in _groups(raw, "AnlsGrouping_02_Sex")] == ["Male", "Female"]
    for r, g in zip(sex, _groups(raw, "AnlsGrouping_02_Sex"), strict=True):
        assert r.cells[:3] == tuple(
            _pub(raw, "An03_03_Sex_Summ_ByTrt", op_n, **{TRT: c["id"], "AnlsGrouping_02_Sex": g["id"]}) + " "
            + _pub(raw, "An03_03_Sex_Summ_ByTrt", op_p, **{TRT: c["id"], "AnlsGrouping_02_Sex": g["id"]})
            for c in trts for op_n, op_p in [_ops(raw, "Mth01_CatVar_Summ_ByGrp")])
    assert sex[0].cells[:3] == ("33 ( 38.4)", "34 ( 40.5)", "44 ( 52.4)")
    assert sex[0].cells[3] == _pub(raw, "An03_03_Sex_Comp_ByTrt", "Mth03_CatVar_Comp_PChiSq_1_pval")
    assert sex[1].cells[3] == ""
    race = [r.label for r in _under(t, "Race") if r.kind == "data"]
    assert race == [g["name"] for g in _groups(raw, "AnlsGrouping_04_Race")]  # also the races no one has


# --- Overall Summary of TEAEs ------------------------------------------------------------------------


def test_teae_overview(ran):
    _event, raw, _run, tables = ran
    t = tables["Out14-3-1-1"]
    trts = _groups(raw, TRT)
    assert [c.label for c in t.columns] == [g["name"] for g in trts]  # no comparison: no p-value column
    assert t.stub_header == "Categories, n (%)"
    (block,) = _entries(raw, "Out14-3-1-1")[1:]
    items = sorted(block["sublist"]["listItems"], key=lambda i: i["order"])
    assert t.rows[0].label == block["name"] and t.rows[0].kind == "group"
    assert [(r.label, r.indent) for r in t.rows[1:]] == [(i["name"], 1) for i in items]
    n_op, pct_op = _ops(raw, "Mth01_CatVar_Summ_ByGrp")
    for r, i in zip(t.rows[1:], items, strict=True):
        assert r.cells == tuple(_pub(raw, i["analysisId"], n_op, **{TRT: g["id"]}) + " "
                                + _pub(raw, i["analysisId"], pct_op, **{TRT: g["id"]}) for g in trts)
    # the abbreviation and the footnote of the display, then its footer
    assert t.footnotes == (_sub(raw, "Disp14-3-1-1_Abbrv_1"), _sub(raw, "Disp14-3-1-1_Fnote_1"),
                           _sub(raw, "Disp14-3-1-1_Footer_1"), _sub(raw, "GlobalDisp_Footer_1"))


# --- TEAEs by SOC and PT -----------------------------------------------------------------------------


def test_teae_by_soc_and_pt(ran):
    _event, raw, _run, tables = ran
    t = tables["Out14-3-2-1"]
    trts = _groups(raw, TRT)
    assert [c.label for c in t.columns] == [g["name"] for g in trts] + ["p-value\nPlacebo vs Low Dose",
                                                                        "p-value\nPlacebo vs High Dose"]
    assert t.stub_header == _sub(raw, "Disp14-3-2-1_RLbHd_1") + "\n" + _sub(raw, "Disp14-3-2-1_RLbHd_2")
    # legend, abbreviation, footnotes, then the footer, which names a sub-section of another display
    assert t.footnotes == (_sub(raw, "Disp14-3-2-1_Abbrv_1"), _sub(raw, "Disp14-3-2-1_Legnd_1").strip(),
                           _sub(raw, "Disp14-3-2-1_Fnote_1"), _sub(raw, "Disp14-3-2-1_Fnote_2"),
                           _sub(raw, "Disp14-3-1-1_Footer_1"), _sub(raw, "GlobalDisp_Footer_1"))
    # the entry of one line is that line: its name, the counts and both Fisher p-values
    entries = _entries(raw, "Out14-3-2-1")
    n_op, pct_op = _ops(raw, "Mth01_CatVar_Summ_ByGrp")
    first = t.rows[0]
    assert first.label == entries[1]["name"] and first.kind == "data"
    assert first.cells == tuple(
        [_pub(raw, "An07_01_TEAE_Summ_ByTrt", n_op, **{TRT: g["id"]}) + " "
         + _pub(raw, "An07_01_TEAE_Summ_ByTrt", pct_op, **{TRT: g["id"]}) for g in trts]
        + [_pub(raw, f"An07_01_TEAE_Comp_ByTrt_{x}", "Mth03_CatVar_Comp_FishEx_1_pval") for x in ("PlacLow", "PlacHigh")])
    # every preferred term the published results have sits under its SOC, one level in
    rows = list(t.rows)
    socs = {r.label: i for i, r in enumerate(rows) if r.indent == 1 and r.kind == "data"}
    pairs = {dict(k)["AnlsGrouping_06_Soc"]: set() for _op, k in _published(raw, "An07_10_SocPt_Summ_ByTrt")}
    for _op, k in _published(raw, "An07_10_SocPt_Summ_ByTrt"):
        pairs[dict(k)["AnlsGrouping_06_Soc"]].add(dict(k)["AnlsGrouping_07_Pt"])
    assert set(socs) == set(pairs)
    for soc, pts in pairs.items():
        below = []
        for r in rows[socs[soc] + 1:]:
            if r.indent <= 1:
                break
            below.append(r)
        assert {r.label for r in below} == pts and {r.indent for r in below} == {2}, soc
        # an SOC and its terms: one group of the paginator (kept together, the SOC repeated when broken)
        assert {r.group for r in below} == {rows[socs[soc]].group}, soc
    assert len({rows[i].group for i in socs.values()}) == len(socs)
    af = next(r for r in _under(t, "CARDIAC DISORDERS", 1) if r.label == "ATRIAL FIBRILLATION")
    groups = {"AnlsGrouping_06_Soc": "CARDIAC DISORDERS", "AnlsGrouping_07_Pt": "ATRIAL FIBRILLATION"}
    assert af.cells[:3] == tuple(_pub(raw, "An07_10_SocPt_Summ_ByTrt", n_op, **{TRT: g["id"]}, **groups) + " "
                                 + _pub(raw, "An07_10_SocPt_Summ_ByTrt", pct_op, **{TRT: g["id"]}, **groups)
                                 for g in trts)


# --- vital signs: the horizontal and the vertical layout ---------------------------------------------


OBS, CHG = "An08_01_Obs_Summ_ByTrt", "An08_02_ChgBl_Summ_ByTrt"
PARAM, VISIT = "AnlsGrouping_08_Param", "AnlsGrouping_09_Visit"
CONT = "Mth02_ContVar_Summ_ByGrp"


def _vs(raw, aid, op, trt, param, visit) -> str:
    return _published(raw, aid).get((op, tuple(sorted({TRT: trt, PARAM: param, VISIT: visit}.items()))), "")


def test_vital_signs_both_layouts_share_the_display_texts(ran):
    _event, raw, _run, tables = ran
    a, b = tables["Out14-3-3-1a"], tables["Out14-3-3-1b"]
    assert a.number == _sub(raw, "Disp14-3-3-1a_Title_1") and b.number == _sub(raw, "Disp14-3-3-1b_Title_1")
    # 1b's title, legend, footer and row-label header are 1a's sub-sections, by id
    assert a.titles == b.titles == (_sub(raw, "Disp14-3-3-1a_Title_2"), _sub(raw, "GlobalDisp_Title_1"))
    assert a.stub_header == b.stub_header == "Parameter (Units)\nVisit"
    assert a.footnotes == b.footnotes == (_sub(raw, "Disp14-3-3-1a_Legnd_1"), _sub(raw, "Disp14-3-3-1a_Footer_1"),
                                          _sub(raw, "GlobalDisp_Footer_1"))
    # parameters, then visits under each, in the groupings' order
    params = [g["name"] for g in _groups(raw, PARAM)]
    visits = [g["name"] for g in _groups(raw, VISIT)]
    for t in (a, b):
        assert [r.label for r in t.rows if r.indent == 0] == params
        assert [r.label for r in _under(t, params[0]) if r.indent == 1] == visits


def test_vital_signs_horizontal(ran):
    """Statistics as columns (observed value, then change from baseline), treatments as rows."""
    _event, raw, _run, tables = ran
    t = tables["Out14-3-3-1a"]
    labels = _op_labels(raw, CONT)
    entries = _entries(raw, "Out14-3-3-1a")
    assert [c.label for c in t.columns] == labels * 2
    assert [c.spanner for c in t.columns] == ["Observed Value"] * 8 + ["Change from Baseline"] * 8
    assert [e["name"] for e in entries[1:]] == ["Summary of Observed Value by Treatment, Parameter and Visit",
                                                "Summary of Change from Baseline by Treatment, Parameter and Visit"]
    trts = _groups(raw, TRT)
    big_n = _big_n(raw)
    heads = [f"{g['name']} {big_n[g['id']]}" for g in trts]
    assert heads[0] == "Placebo (N=86)"
    ops = _ops(raw, CONT)
    param = _groups(raw, PARAM)[0]
    for visit in _groups(raw, VISIT):
        rows = _under(t, visit["name"], 1)
        assert [r.label for r in rows] == heads
        for r, g in zip(rows, trts, strict=True):
            assert r.cells == tuple(_vs(raw, aid, op, g["id"], param["id"], visit["id"]) for aid in (OBS, CHG)
                                    for op in ops), (visit["name"], g["name"])
    base = _under(t, "Baseline", 1)[0]
    assert base.cells[:2] == ("255", "136.8") and base.cells[8:] == ("",) * 8  # no change at Baseline
    assert t.page.font_size < 9  # 16 statistics: the font that keeps every value on one line
    assert all(c.width for c in t.columns)


def test_vital_signs_vertical(ran):
    """Statistics as rows, treatments as columns over observed value and change from baseline."""
    _event, raw, _run, tables = ran
    t = tables["Out14-3-3-1b"]
    trts = _groups(raw, TRT)
    big_n = _big_n(raw)
    assert [c.spanner for c in t.columns] == [f"{g['name']} {big_n[g['id']]}" for g in trts for _ in (1, 2)]
    assert [c.label for c in t.columns] == ["Observed Value", "Change from Baseline"] * 3
    ops, labels = _ops(raw, CONT), _op_labels(raw, CONT)
    param = _groups(raw, PARAM)[1]  # diastolic
    for visit in _groups(raw, VISIT):
        rows = _under(t, visit["name"], 1)
        assert [r.label for r in rows] == labels
        for r, op in zip(rows, ops, strict=True):
            want = tuple(_vs(raw, aid, op, g["id"], param["id"], visit["id"]) for g in trts for aid in (OBS, CHG))
            assert _cells(t, param["name"], visit["name"], r.label) == want, (visit["name"], r.label)
    assert t.page.font_size == 9.0


def _cells(t, param, visit, stat):
    rows = _under(t, param)
    i = next(k for k, r in enumerate(rows) if r.indent == 1 and r.label == visit)
    for r in rows[i + 1:]:
        if r.indent <= 1:
            break
        if r.label == stat:
            return r.cells
    raise KeyError(stat)


def test_the_two_vital_sign_layouts_differ_only_by_the_word(ran):
    """The outputs differ only in their names: without "Horizontal", 1a is laid out as 1b."""
    from tlf.ars.display import output_tables

    event, raw, run, tables = ran
    a, b = tables["Out14-3-3-1a"], tables["Out14-3-3-1b"]
    assert [c.label for c in a.columns] != [c.label for c in b.columns]
    assert {r.label for r in a.rows if r.kind == "data"} == {f"{g['name']} {n}" for g, n in
                                                            zip(_groups(raw, TRT), _big_n(raw).values(), strict=True)}
    assert {r.label for r in b.rows if r.kind == "data"} == set(_op_labels(raw, CONT))
    plain = copy.deepcopy(raw)
    out = next(o for o in plain["outputs"] if o["id"] == "Out14-3-3-1a")
    out["name"] = out["name"].replace(" Horizontal", "")
    for item in plain["mainListOfContents"]["contentsList"]["listItems"]:
        item["name"] = item["name"].replace(" (Horizontal)", "")
    again = {t.output_id: t for t, _ids in output_tables(event, plain, run)}["Out14-3-3-1a"]
    assert again.columns == b.columns and [r.label for r in again.rows] == [r.label for r in b.rows]


def test_measures_of_one_variable_stay_blocks_of_rows(ran):
    """Analyses of the same variable (an export's, one per parameter subset) are not measures side by side:
    each entry is a block of rows under its name."""
    from tlf.ars.display import output_tables
    from tlf.ars.model import validate_event

    _event, raw, run, _tables = ran
    same = copy.deepcopy(raw)
    next(a for a in same["analyses"] if a["id"] == CHG)["variable"] = "AVAL"
    t = {t.output_id: t for t, _ids in output_tables(validate_event(same), same, run)}["Out14-3-3-1b"]
    assert [r.label for r in t.rows if r.indent == 0 and r.kind == "group"] == [
        e["name"] for e in _entries(raw, "Out14-3-3-1b")[1:]]
    assert [c.label for c in t.columns] == [g["name"] for g in _groups(raw, TRT)]
