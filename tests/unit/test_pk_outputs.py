"""PK outputs from specs, end to end on a tiny study: an NCA dataset declared in study.yaml, the PK
population, `pk_parameters` and `pk_concentrations` summaries (3 significant figures), the statistics-as-
columns layout, shells, `<id>.adpp.csv`, and bad specs and data reaching the user as located errors
or NE with a reason.

Expected numbers are computed here by hand or by tests/unit/_nca_independent.py (no tlf code).
"""

from __future__ import annotations

import math
import statistics
import textwrap
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from tests.conftest import STUDY_YAML, write_study
from tests.unit import _nca_independent as ind
from tlf.ard.schema import read_ard
from tlf.build import build, compute_output, prepare
from tlf.errors import DataError, ErrorGroup, SpecError, TlfError
from tlf.spec.validate import load_study

TIMES = [-0.5, 1, 2, 4, 8, 12, 24]
LABELS = ["Pre-dose", "1 h", "2 h", "4 h", "8 h", "12 h", "24 h"]
PROFILES = {  # None = BLQ
    "S-01": [None, 2.0, 4.0, 3.2, 1.6, 0.8, 0.1],
    "S-02": [None, 1.0, 3.0, 5.0, 2.5, 1.25, 0.15625],  # mono-exponential after Cmax: t1/2 = 4 h exactly
    "S-03": [None, 0.5, 1.0, 1.5, 2.0, 3.0, 2.5],  # Cmax at 12 h: one point after it, lambda_z NE
    "S-04": [None] * 7,  # placebo: all BLQ
}


def adpc_csv(profiles=PROFILES, extra: str = "") -> str:
    lines = ["USUBJID,DAY,NRRLT,ATPT,ARRLT,AVAL,BLQFL,DOSE,TRTA"]
    for sid, conc in profiles.items():
        trt = "Placebo" if sid == "S-04" else "Drug A"
        dose = 0 if sid == "S-04" else 100
        for t, lab, c in zip(TIMES, LABELS, conc, strict=True):
            nominal = 0 if t < 0 else t
            lines.append(f"{sid},1,{nominal},{lab},{t},{'' if c is None else c},{'Y' if c is None else 'N'},"
                         f"{dose},{trt}")
    return "\n".join(lines) + "\n" + extra


NCA = """\
    adpc: {file: adpc.csv}
    adpp:
      nca:
        from: adpc
        where: "DOSE > 0"
        profile: [DAY]
        time: ARRLT
        conc: AVAL
        blq: BLQFL
        dose: DOSE
        keep: [TRTA]
        units: {time: h, conc: ng/mL, dose: mg}
        options: {auc_method: linlog}
"""

PK_POP = """\
  PK:
    label: PK Population
    has_records: {dataset: adpc, where: "present(AVAL)"}
    within: SAF
"""

PARAMS = """\
id: t-pk
type: table
number: Table 3
title: PK parameters
population: PK
columns: arms
stats_as_columns: [n, mean, sd, cv, geomean, geocv, median, min, max]
analyses:
  - id: params
    type: pk_parameters
    dataset: adpp
    by: [{var: DAY, label: "Day {value}"}]
    parameters:
      - {code: CMAX, label: "Cmax (ng/mL)"}
      - {code: TMAX, label: "Tmax (h)", rows: [n, median_min_max]}
      - {code: LAMZHL}
      - {code: AUCLST}
"""

CONC = """\
id: t-conc
type: table
number: Table 4
title: Concentrations
population: SAF
columns: arms
analyses:
  - id: conc
    type: pk_concentrations
    dataset: adpc
    var: AVAL
    blq: BLQFL
    time: {var: NRRLT, label_var: ATPT}
"""


def pk_study(root, *, nca: str = NCA, adpc: str | None = None, outputs: dict | None = None, pk_pop: str = PK_POP):
    study = STUDY_YAML.replace("    adae: {file: adae.csv}\n", "    adae: {file: adae.csv}\n" + nca)
    study = study.replace("  ITT:\n", pk_pop + "  ITT:\n")
    specs = write_study(root, study=study, outputs=outputs if outputs is not None else {"t-pk": PARAMS,
                                                                                         "t-conc": CONC})
    (specs / "data" / "adpc.csv").write_text(adpc if adpc is not None else adpc_csv())
    return specs


def half_up_sig(x: float, sig: int = 3) -> str:
    """Independent 3-significant-figure text, half away from zero, by Decimal."""
    d = Decimal(repr(x))
    exp = d.adjusted() - sig + 1
    q = d.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_UP)
    if q.adjusted() != d.adjusted():  # 99.95 -> 100.0: one figure more to the left
        q = d.quantize(Decimal(1).scaleb(exp + 1), rounding=ROUND_HALF_UP)
    return f"{q:f}"


def cell(ard, analysis, column, stat_name, level, parent=""):
    sel = ard[(ard.analysis == analysis) & (ard.column == column) & (ard.stat_name == stat_name)
              & (ard.level == level) & (ard.parent == parent)]
    assert len(sel) == 1, (analysis, column, stat_name, level, parent)
    return sel.iloc[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pk")
    specs = pk_study(root)
    out = root / "out"
    report = build(specs, out, ["all"], formats=("xlsx",))
    assert report.ok, [str(o.error) for o in report.outputs]
    return specs, out


def independent():
    """Per-subject Cmax, Tmax, t1/2 and AUClast (linear up / log down) of the active profiles."""
    res = {}
    for sid, conc in PROFILES.items():
        if sid == "S-04":
            continue
        ts = [0.0, *TIMES[1:]]
        cs = [0.0, *conc[1:]]  # BLQ before the dose -> 0 (and no sample at 0: C0 = 0)
        i = max(range(len(cs)), key=lambda k: (cs[k], -k))
        fit = ind.best_fit(ts, cs)
        res[sid] = {"CMAX": cs[i], "TMAX": ts[i], "AUCLST": ind.auc_linlog(ts, cs),
                    "LAMZHL": math.log(2) / fit[0] if fit else math.nan}
    return res


def test_pk_population_is_derived_from_concentrations(built):
    specs, _ = built
    study = load_study(specs)
    _, pops, _ = prepare(study)
    assert sorted(pops["PK"].subjects) == ["S-01", "S-02", "S-03"]  # S-04 only BLQ, S-05 no sample


def test_parameter_summary_against_independent_values(built):
    _, out = built
    ard = read_ard(out / "t-pk.ard.csv")
    ref = independent()
    for code, label in (("CMAX", "Cmax (ng/mL)"), ("AUCLST", "AUC to Last Nonzero Conc (h*ng/mL)"),
                        ("LAMZHL", "Half-Life Lambda z (h)")):
        vals = [ref[s][code] for s in ref if not math.isnan(ref[s][code])]
        n = cell(ard, "params", "a", "n", label, "Day 1")
        assert n.stat == len(vals) and n.stat_fmt == str(len(vals)) and n.variable == code
        mean = cell(ard, "params", "a", "mean", label, "Day 1")
        assert mean.stat == pytest.approx(statistics.fmean(vals), rel=1e-9)
        assert mean.stat_fmt == half_up_sig(statistics.fmean(vals)) and mean.sig == 3 and mean.decimals == -1
        gm = math.exp(statistics.fmean(math.log(v) for v in vals))
        assert cell(ard, "params", "a", "geomean", label, "Day 1").stat_fmt == half_up_sig(gm)
        sd = statistics.stdev(vals)
        cv = cell(ard, "params", "a", "cv", label, "Day 1")
        assert cv.decimals == 1 and cv.sig == 0
        assert cv.stat_fmt == str(Decimal(repr(100 * sd / statistics.fmean(vals))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP))
    # S-02 declines mono-exponentially with t1/2 = 4 h; S-03 has one point after Cmax: NE, not counted
    assert ref["S-02"]["LAMZHL"] == pytest.approx(4.0)
    assert cell(ard, "params", "a", "n", "Half-Life Lambda z (h)", "Day 1").stat == 2
    assert cell(ard, "params", "a", "median", "Tmax (h)", "Day 1").stat_fmt == "4.00"
    assert cell(ard, "params", "a", "max", "Tmax (h)", "Day 1").stat_fmt == "12.0"
    # the placebo column has no PK patient: n = 0 and the rest missing with a reason
    assert cell(ard, "params", "p", "n", "Cmax (ng/mL)", "Day 1").stat == 0
    assert cell(ard, "params", "p", "mean", "Cmax (ng/mL)", "Day 1").warning == "no values"


def test_stat_columns_layout(built):
    specs, _ = built
    study = load_study(specs)
    data, pops, _ = prepare(study)
    _, table = compute_output(study, study.output("t-pk"), data, pops)
    assert [c.label for c in table.columns][:4] == ["n", "Mean", "SD", "CV%"]
    rows = {r.label: r for r in table.rows}
    assert "Drug A (N=3)" in rows and rows["Drug A (N=3)"].kind == "group"
    assert rows["Placebo (N=0)"].kind == "group" and rows["Total (N=3)"].kind == "group"
    cmax = next(r for r in table.rows if r.label == "Cmax (ng/mL)")
    assert cmax.cells[:3] == ("3", "4.00", "1.00")  # Cmax 4, 5, 3
    tmax = next(r for r in table.rows if r.label == "Tmax (h)")
    assert tmax.cells == ("3", "", "", "", "", "", "4.00", "2.00", "12.0")  # median (min, max) only
    # placebo: n 0, every other cell blank (never "NE" for an empty cell)
    labels = [r.label for r in table.rows]
    pbo = table.rows[labels.index("Placebo (N=0)") + 2]
    assert pbo.label == "Cmax (ng/mL)" and pbo.cells == ("0",) + ("",) * 8


def test_concentration_summary_counts_blq(built):
    _, out = built
    ard = read_ard(out / "t-conc.ard.csv")
    assert cell(ard, "conc", "a", "n", "Pre-dose").stat == 0
    assert cell(ard, "conc", "a", "n_blq", "Pre-dose").stat_fmt == "3"
    assert cell(ard, "conc", "p", "n_blq", "Pre-dose").stat == 1  # S-04 (S-05 has no sample)
    assert cell(ard, "conc", "p", "n", "4 h").stat == 0 and cell(ard, "conc", "p", "n_blq", "4 h").stat == 1
    one = [PROFILES[s][1] for s in ("S-01", "S-02", "S-03")]
    assert cell(ard, "conc", "a", "mean", "1 h").stat_fmt == half_up_sig(statistics.fmean(one))
    assert cell(ard, "conc", "a", "min", "24 h").stat_fmt == "0.100"
    assert cell(ard, "conc", "a", "max", "24 h").stat_fmt == "2.50"
    # rows in nominal-time order, labelled from ATPT
    levels = ard[(ard.analysis == "conc") & (ard.column == "a") & (ard.stat_name == "n")].sort_values("order")
    assert list(levels.level) == LABELS


def test_adpp_csv_written_for_outputs_using_an_nca_dataset(built):
    _, out = built
    adpp = pd.read_csv(out / "t-pk.adpp.csv", keep_default_na=False)
    assert {"USUBJID", "DAY", "TRTA", "PPTESTCD", "PPSTRESN", "PPSTRESU", "PPREASND"} <= set(adpp.columns)
    assert sorted(set(adpp.USUBJID)) == ["S-01", "S-02", "S-03"]
    ref = independent()
    got = adpp.set_index(["USUBJID", "PPTESTCD"])
    for sid, values in ref.items():
        for code, v in values.items():
            if math.isnan(v):
                assert got.loc[(sid, code), "PPSTRESN"] == ""
                assert "lambda_z not estimable" in got.loc[(sid, code), "PPREASND"]
            else:
                assert float(got.loc[(sid, code), "PPSTRESN"]) == pytest.approx(v, rel=1e-12)
    assert not (out / "t-conc.adpp.csv").exists()  # t-conc reads no NCA dataset


def test_shells_of_pk_outputs(built, tmp_path):
    specs, _ = built
    report = build(specs, tmp_path, ["all"], formats=(), shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    ard = read_ard(tmp_path / "t-pk.shell.ard.csv")
    assert set(ard[ard.stat_name == "mean"].stat_fmt) == {"x.xx"}
    assert set(ard[ard.stat_name == "cv"].stat_fmt) == {"xx.x"}
    assert {"Day <1>", "Day <2>"} <= set(ard.parent)  # the label template with placeholders
    conc = read_ard(tmp_path / "t-conc.shell.ard.csv")
    assert set(conc[conc.stat_name == "n_blq"].stat_fmt) == {"xx"}
    assert not list(tmp_path.glob("*.adpp.csv"))


# ---------------------------------------------------------------- bad data

def test_negative_concentration_is_a_data_error_naming_the_subject(tmp_path):
    bad = adpc_csv().replace("S-02,1,8,8 h,8,2.5,", "S-02,1,8,8 h,8,-2.5,")
    specs = pk_study(tmp_path, adpc=bad, outputs={"t-pk": PARAMS})
    report = build(specs, tmp_path / "out", ["all"])
    err = report.outputs[0].error
    assert isinstance(err, DataError)
    text = str(err)
    assert "adpc.AVAL (USUBJID S-02): negative concentration(s): -2.5 at time 8" in text, text
    assert not list((tmp_path / "out").glob("t-pk*"))


def test_bad_profile_can_be_reported_as_not_estimable(tmp_path):
    bad = adpc_csv().replace("S-02,1,8,8 h,8,2.5,", "S-02,1,8,8 h,8,-2.5,")
    nca = NCA.replace("        options: {auc_method: linlog}\n",
                      "        options: {auc_method: linlog}\n        bad_data: not_estimable\n")
    specs = pk_study(tmp_path, adpc=bad, nca=nca, outputs={"t-pk": PARAMS})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    adpp = pd.read_csv(tmp_path / "out" / "t-pk.adpp.csv", keep_default_na=False)
    s2 = adpp[adpp.USUBJID == "S-02"]
    assert (s2.PPSTRESN == "").all() and s2.PPREASND.str.contains("bad data: negative concentration").all()
    ard = read_ard(tmp_path / "out" / "t-pk.ard.csv")
    assert cell(ard, "params", "a", "n", "Cmax (ng/mL)", "Day 1").stat == 2


def test_keep_variable_that_varies_within_a_profile(tmp_path):
    bad = adpc_csv().replace("S-02,1,8,8 h,8,2.5,N,100,Drug A", "S-02,1,8,8 h,8,2.5,N,100,Drug B")
    specs = pk_study(tmp_path, adpc=bad, outputs={"t-pk": PARAMS})
    err = build(specs, tmp_path / "out", ["all"]).outputs[0].error
    assert isinstance(err, DataError)
    assert "adpc.TRTA (USUBJID S-02): has more than one value within a profile (DAY=1)" in str(err), str(err)


def test_two_records_in_one_cell_is_a_data_error(tmp_path):
    specs = pk_study(tmp_path, adpc=adpc_csv(extra="S-01,1,1,1 h,1.1,2.2,N,100,Drug A\n"),
                     outputs={"t-conc": CONC})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    err = report.outputs[0].error
    assert isinstance(err, DataError) and "S-01" in str(err) and "more than one record per subject" in str(err)


# ---------------------------------------------------------------- bad specs, located

def located(specs, exc_type=TlfError):
    with pytest.raises(exc_type) as e:
        load_study(specs)
    errs = e.value.errors if isinstance(e.value, ErrorGroup) else [e.value]
    return [str(x) for x in errs]


@pytest.mark.parametrize(("change", "needle"), [
    (("        time: ARRLT\n", "        tme: ARRLT\n"), "adpp.nca.tme: unknown key 'tme' (did you mean 'time'?)"),
    (("auc_method: linlog", "auc_method: loglin"), "adpp.nca.options.auc_method: expected 'linear' or 'linlog'"),
    (("        from: adpc\n", "        from: adpx\n"), "adpp.nca.from: unknown dataset 'adpx'"),
    (("        from: adpc\n", ""), "missing required key 'from'"),
    (("options: {auc_method: linlog}", "options: {tau: -24}"), "options.tau: Input should be greater than 0"),
    (("    adpp:\n      nca:\n", "    adpp:\n      file: adpp.csv\n      nca:\n"),
     "a dataset needs exactly one of 'file', 'nca', 'subjects' or 'pivot' (got file and nca)"),
])
def test_nca_spec_errors_are_located(tmp_path, change, needle):
    specs = pk_study(tmp_path, nca=NCA.replace(*change))
    msgs = located(specs)
    hit = [m for m in msgs if needle in m]
    assert hit, msgs
    assert hit[0].startswith(str(specs / "study.yaml").split("/")[-1]) or "study.yaml:" in hit[0]


def test_nca_cross_checks(tmp_path):
    nca = NCA + ("        overrides: [{match: {VISIT: 1}, options: {tau: 24}}]\n"
                 "        reference: {TRTA: Drug A}\n")
    msgs = located(pk_study(tmp_path, nca=nca))
    assert any("overrides[0].match.VISIT: 'VISIT' is not the subject, a profile or a keep variable" in m
               for m in msgs), msgs
    assert any("reference.TRTA: 'TRTA' is not a profile variable" in m and "[SPEC062]" in m for m in msgs), msgs


def test_derived_datasets_in_a_circle(tmp_path):
    nca = NCA + "    adpc2: {nca: {from: adpp3, time: T, conc: C}}\n    adpp3: {nca: {from: adpc2, time: T, conc: C}}\n"
    msgs = located(pk_study(tmp_path, nca=nca))
    assert any("derived from each other in a circle: adpc2 -> adpp3 -> adpc2" in m for m in msgs), msgs


def test_variable_missing_from_the_concentrations_is_located_in_study_yaml(tmp_path):
    specs = pk_study(tmp_path, nca=NCA.replace("conc: AVAL", "conc: AVALX"), outputs={"t-pk": PARAMS})
    err = build(specs, tmp_path / "out", ["all"]).outputs[0].error
    assert isinstance(err, SpecError)
    text = str(err)
    assert "study.yaml:" in text and "data.datasets.adpp.nca.conc" in text
    assert "variable 'AVALX' not found in dataset adpc (did you mean 'AVAL'?)" in text


@pytest.mark.parametrize(("change", "needle"), [
    (("      - {code: LAMZHL}\n", "      - {code: LAMZHLX}\n"), "parameter 'LAMZHLX' is not in PPTESTCD"),
    (("by: [{var: DAY,", "by: [{var: DAYX,"), "by[0].var: variable 'DAYX' not found in dataset adpp (did you mean 'DAY'?)"),
])
def test_pk_summary_errors_at_build_are_located(tmp_path, change, needle):
    specs = pk_study(tmp_path, outputs={"t-pk": PARAMS.replace(*change)})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    err = report.outputs[0].error
    assert err is not None and needle in str(err) and "t-pk.yaml:" in str(err), str(err)


@pytest.mark.parametrize(("change", "needle"), [
    (("stats_as_columns: [n, mean,", "stats_as_columns: [n, meen,"), "unknown statistic 'meen' (did you mean 'mean'?)"),
    (("rows: [n, median_min_max]", "rows: [n, median_max]"), "unknown statistic row 'median_max'"),
    (("analyses:\n", "analyses:\n  - {id: c, type: count, label: Any}\n"),
     "a table with stats_as_columns holds continuous, by_visit, pk_parameters, pk_concentrations analyses only, not 'count'"),
])
def test_pk_output_spec_errors(tmp_path, change, needle):
    msgs = located(pk_study(tmp_path, outputs={"t-pk": PARAMS.replace(*change)}))
    assert any(needle in m and "t-pk.yaml:" in m for m in msgs), msgs


# ---------------------------------------------------------------- a study without ADSL

def test_subjects_dataset_and_text_function(tmp_path):
    """A subject-level dataset made from the concentrations; USUBJID derived from a number."""
    study = textwrap.dedent("""\
        study: {id: PK-ONLY}
        data:
          dir: data
          datasets:
            pc: {file: pc.csv}
            adsl: {subjects: {from: pc, keep: [TRT]}}
            adpp: {nca: {from: pc, time: TIME, conc: CONC, dose: DOSE}}
        derive:
          pc:
            - {name: USUBJID, expr: "text(SUBJECT)"}
            - {name: TRT, expr: "'Drug'"}
            - {name: DOSE, expr: "100"}
        populations:
          PK: {label: PK Population, has_records: {dataset: pc, where: "present(CONC)"}}
        columns:
          all: [{id: d, label: Drug, var: TRT, value: Drug}]
        """)
    pc = "SUBJECT,TIME,CONC\n" + "".join(f"{s},{t},{c}\n" for s in (1, 2) for t, c in
                                       ((0, 0), (1, 5.0 * s), (2, 4.0), (4, 2.0), (8, 1.0)))
    specs = tmp_path / "specs"
    (specs / "data").mkdir(parents=True)
    (specs / "study.yaml").write_text(study)
    (specs / "data" / "pc.csv").write_text(pc)
    (specs / "t.yaml").write_text(PARAMS.replace("id: t-pk", "id: t").replace("columns: arms", "columns: all")
                                  .replace("    by: [{var: DAY, label: \"Day {value}\"}]\n", ""))
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    adpp = pd.read_csv(tmp_path / "out" / "t.adpp.csv")
    assert sorted(set(adpp.USUBJID)) == [1, 2]  # text "1", "2" (read back by pandas as numbers)
    ard = read_ard(tmp_path / "out" / "t.ard.csv")
    assert cell(ard, "params", "d", "mean", "Cmax (ng/mL)").stat == pytest.approx(7.5)
    assert cell(ard, "_N", "d", "N", "").stat == 2


def test_subjects_dataset_keep_must_be_constant(tmp_path):
    study = ("study: {id: X}\ndata:\n  dir: data\n  datasets:\n    pc: {file: pc.csv}\n"
             "    adsl: {subjects: {from: pc, keep: [WT]}}\npopulations:\n  ALL: {label: All}\n"
             "columns:\n  all: [{id: a, label: A, var: WT, value: 1}]\n")
    specs = tmp_path / "specs"
    (specs / "data").mkdir(parents=True)
    (specs / "study.yaml").write_text(study)
    (specs / "data" / "pc.csv").write_text("USUBJID,WT\nA,70\nA,71\n")
    study_obj = load_study(specs)
    with pytest.raises(DataError, match=r"pc.WT \(USUBJID A\): has more than one value for a subject"):
        prepare(study_obj)


def test_nca_dataset_that_selects_nothing(tmp_path):
    specs = pk_study(tmp_path, nca=NCA.replace('where: "DOSE > 0"', 'where: "DOSE > 1000"'), outputs={"t-pk": PARAMS})
    err = build(specs, tmp_path / "out", ["all"]).outputs[0].error
    assert isinstance(err, DataError) and "adpp: has no records" in str(err), str(err)


def test_all_blq_profile_is_not_estimable_with_its_reason(tmp_path):
    profiles = {**PROFILES, "S-03": [None] * 7}
    specs = pk_study(tmp_path, adpc=adpc_csv(profiles), outputs={"t-pk": PARAMS.replace("population: PK",
                                                                                         "population: SAF")})
    report = build(specs, tmp_path / "out", ["all"], formats=())
    assert report.ok, [str(o.error) for o in report.outputs]
    adpp = pd.read_csv(tmp_path / "out" / "t-pk.adpp.csv", keep_default_na=False)
    s3 = adpp[adpp.USUBJID == "S-03"]
    assert len(s3) == 17 and (s3.PPSTRESN == "").all() and (s3.PPSTAT == "NOT DONE").all()
    assert s3.PPREASND.str.contains("no measurable concentration").all()


def test_pivot_dataset_long_to_wide(tmp_path):
    nca = NCA + ("    adppw:\n      pivot: {from: adpp, id: [USUBJID, DAY], names: PPTESTCD, values: PPSTRESN,"
                 " label: PPTEST}\n")
    specs = pk_study(tmp_path, nca=nca, outputs={"t-pk": PARAMS})
    study = load_study(specs)
    data, _, _ = prepare(study)
    wide = data.dataset("adppw")
    ref = independent()
    assert list(wide.frame.columns[:4]) == ["USUBJID", "DAY", "CMAX", "TMAX"]
    assert list(wide.frame.USUBJID) == ["S-01", "S-02", "S-03"]
    for row in wide.frame.itertuples():
        assert row.CMAX == ref[row.USUBJID]["CMAX"] and row.AUCLST == pytest.approx(ref[row.USUBJID]["AUCLST"])
    assert math.isnan(wide.frame.set_index("USUBJID").LAMZHL["S-03"])  # NE stays missing
    assert wide.labels["CMAX"] == "Max Conc"
    from tlf.spec.derived import nca_origin

    assert nca_origin(study.spec.data.datasets, "adppw") == "adpp"  # outputs reading it write t.adpp.csv
    assert nca_origin(study.spec.data.datasets, "adpc") is None


def test_pivot_needs_one_value_per_cell(tmp_path):
    nca = NCA + "    adppw:\n      pivot: {from: adpp, id: [USUBJID], names: PPTESTCD, values: PPSTRESN}\n"
    nca = nca.replace("profile: [DAY]", "profile: [DAY, ARRLT]")  # one profile per sample: many CMAX per subject
    specs = pk_study(tmp_path, nca=nca, outputs={"t-pk": PARAMS})
    data, _, _ = prepare(load_study(specs))
    with pytest.raises(DataError, match="more than one record for USUBJID=S-01 and PPTESTCD=CMAX"):
        data.dataset("adppw")


def test_listing_numbers_to_significant_figures():
    from pydantic import ValidationError

    from tlf.format.values import column_mask, fmt_numbers
    from tlf.spec.listing import ListingColumn

    assert fmt_numbers([10.45, 0.048512, 1234.5, float("nan"), None], 0, sig=3, missing="NE") == [
        "10.5", "0.0485", "1230", "NE", "NE"]
    assert fmt_numbers([2.5], 1) == ["2.5"] and fmt_numbers([float("nan")], 1) == [""]
    assert column_mask("number", 10, None, 3) == "x.xx" and column_mask("number", 10, 2) == "xx.xx"
    with pytest.raises(ValidationError, match="not both"):
        ListingColumn(label="x", var="X", format="number", sig=3, decimals=2)
    with pytest.raises(ValidationError, match="only used with format 'number'"):
        ListingColumn(label="x", var="X", sig=3)


def test_sig_null_prints_by_the_decimals_the_values_were_collected_with(tmp_path):
    """`sig: null` follows the continuous-summary convention (mean d+1, SD d+2, min/max d, d the most
    decimals a concentration has), never fixed decimals that would print 0.1 as "0"."""
    conc = CONC.replace("    var: AVAL\n", "    var: AVAL\n    sig: null\n")
    specs = pk_study(tmp_path, outputs={"t-conc": conc})
    assert build(specs, tmp_path / "out", ["t-conc"]).ok
    ard = read_ard(tmp_path / "out" / "t-conc.ard.csv")
    d = max(-Decimal(repr(c)).normalize().as_tuple().exponent for p in PROFILES.values() for c in p if c is not None)
    assert d == 5  # 0.15625

    def fixed(x, k):
        return str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_UP))

    late = [PROFILES[s][6] for s in ("S-01", "S-02", "S-03")]
    assert cell(ard, "conc", "a", "min", "24 h").stat_fmt == fixed(min(late), d) == "0.10000"
    assert cell(ard, "conc", "a", "max", "24 h").stat_fmt == fixed(max(late), d)
    assert cell(ard, "conc", "a", "mean", "24 h").stat_fmt == fixed(statistics.fmean(late), d + 1)
    assert cell(ard, "conc", "a", "sd", "24 h").stat_fmt == fixed(statistics.stdev(late), d + 2)
    assert cell(ard, "conc", "a", "n", "24 h").stat_fmt == "3"


def test_decimals_of_n_is_an_error_not_a_key_that_does_nothing(tmp_path):
    conc = CONC.replace("    var: AVAL\n", "    var: AVAL\n    decimals: {n: 2}\n")
    specs = pk_study(tmp_path, outputs={"t-conc": conc})
    with pytest.raises(SpecError, match=r"analyses\[0\]\.decimals: n always prints as a whole number"):
        load_study(specs)
