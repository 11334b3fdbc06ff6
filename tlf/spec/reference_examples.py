"""YAML examples of the study- and output-level models, shown in the spec reference (docs/reference.md)
and checked by a test to parse against their models; taken from the real specs in specs/ and examples/.
The examples of analysis types sit in their families' homes (EXAMPLES in tlf/analyses/<family>/spec.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A YAML example of a model: `text`, and `at` the keys (and list indices) leading from the document
    to the model's mapping (or to a list of them); () for the whole document."""

    text: str
    at: tuple = ()


EXAMPLES: dict[str, Example] = {
    # study.yaml (specs/study.yaml, examples/theoph/specs/study.yaml, examples/cdiscpilot01/specs/study.yaml)
    "StudySpec": Example("""\
study:
  id: THEOPH
  title: "Theophylline after oral doses of 320 mg (R datasets::Theoph)"
data:
  dir: ../data
  datasets:
    pc: {file: theoph.csv}
    adsl: {subjects: {from: pc, keep: [TRT, WT]}}
derive:
  pc:
    - {name: USUBJID, label: "Subject", expr: "text(SUBJECT)"}
populations:
  PK:
    label: PK Population
    has_records: {dataset: pc, where: "present(CONC)"}
columns:
  all:
    - {id: theo, label: "Theophylline 320 mg", var: TRT, value: "Theophylline 320 mg"}
page: {paper: letter, orientation: landscape, margin: 1.0, font: Courier New, font_size: 9}
not_estimable: NE
"""),
    "StudyInfo": Example("""\
study:
  id: CC-220-SLE-001
  title: "A Phase 2a, Randomised, Placebo-Controlled Study of Iberdomide in Systemic Lupus Erythematosus"
  cutoff: "2019-06-30"
""", ("study",)),
    "DataSpec": Example("""\
data:
  dir: ../tlf/examples/data/study_a     # relative to this file; `--data DIR` overrides
  subject_id: USUBJID
  subject_dataset: adsl
  datasets:
    adsl: {file: adsl.xpt}
    adae: {file: adae.xpt, period_var: APERIOD}
""", ("data",)),
    "DatasetSpec": Example("""\
adlbc:
  file: adlbc.xpt
  keep: [USUBJID, TRTP, TRTPN, PARAMCD, AVISIT, AVISITN, AVAL, BASE, CHG, ABLFL, ANL01FL]
""", ("adlbc",)),
    "NcaSpec": Example("""\
nca:
  from: adpc
  where: "PKINTFL == 'Y' and AVISITN in (1, 29)"
  profile: [AVISITN]
  time: ARRLT                      # actual hours since the day's dose
  conc: AVAL
  blq: BLQFL
  lloq: PCLLOQ
  dose: DOSEA
  keep: [AVISIT, TRTA, APERIOD]
  units: {time: h, conc: ng/mL, dose: mg}
  options: {auc_method: linlog, tau: 24, time_tolerance: 1.0}
  overrides:
    - {match: {AVISITN: 29}, options: {impute_start: predose}}
  reference: {AVISITN: 1}          # accumulation ratios: day 29 over day 1
""", ("nca",)),
    "NcaOptionsSpec": Example("""\
options:
  auc_method: linlog             # linear up / log down
  tau: 24                        # dosing interval (AUCTAU, Ctrough, accumulation)
  time_tolerance: 1.0            # the ~24-h sample is the trough at tau
""", ("options",)),
    "NcaUnitsSpec": Example("units: {time: h, conc: ng/mL, dose: mg}\n", ("units",)),
    "NcaOverride": Example("""\
overrides:
  - {match: {AVISITN: 29}, options: {impute_start: predose}}      # steady state: C0 = pre-dose
  - {match: {TRTA: "Iberdomide 0.3 mg QOD"}, options: {tau: 48}}
""", ("overrides",)),
    "SubjectsSpec": Example("subjects: {from: pc, keep: [TRT, WT]}\n", ("subjects",)),
    "PivotSpec": Example(
        "pivot: {from: adpp_lin, id: [USUBJID, SUBJECT], names: PPTESTCD, values: PPSTRESN, label: PPTEST}\n",
        ("pivot",)),
    "SelectSpec": Example(
        'select: {from: adlb, where: "AVISITN > 0", record: max, by: AVAL, then: ADT, per: [PARAMCD]}\n',
        ("select",)),
    "RecordSelect": Example("""\
select: {record: worst, by: ANRIND, order: [NORMAL, LOW, HIGH], then: ADT, per: [PARAMCD]}
""", ("select",)),
    "Derivation": Example("""\
derive:
  adsl:
    - {name: TR01DURW, label: "Treatment Duration in Period 01 (weeks)", expr: "(TR01EDT - TR01SDT + 1) / 7"}
    - name: RACEGR
      label: Race (Origin)
      cases:
        - {where: "ETHNIC == 'HISPANIC OR LATINO'", value: Hispanic}
        - {where: "RACE == 'WHITE'", value: Caucasian}
        - {where: "RACE == 'BLACK OR AFRICAN AMERICAN'", value: African Descent}
      otherwise: Other
""", ("derive", "adsl")),
    "Case": Example("""\
cases:
  - {where: "TR01DURW < 4", value: "< 4 weeks"}
  - {where: "TR01DURW < 8", value: "4 to < 8 weeks"}
  - {where: "TR01DURW >= 8", value: ">= 8 weeks"}
""", ("cases",)),
    "PopulationSpec": Example("""\
populations:
  SAF:
    label: Safety Population
    has_records: {dataset: adex, where: "EXDURD > 0"}   # >= 1 dose of study drug
    flag: SAFFL
  ITT:
    label: Intent-to-Treat Population
    where: "RANDFL == 'Y'"                             # randomised ...
    within: SAF                                        # ... and received >= 1 dose
    flag: ITTFL
""", ("populations", "SAF")),
    "HasRecords": Example('has_records: {dataset: adpc, where: "present(AVAL)"}\n', ("has_records",)),
    "ColumnSpec": Example("""\
columns:
  planned_total:
    - {id: pbo,   label: "Placebo",              var: TRT01P, value: "Placebo"}
    - {id: high,  label: "Xanomeline High Dose", var: TRT01P, value: "Xanomeline High Dose"}
    - {id: total, label: "Total",                var: TRT01P, value: ["Placebo", "Xanomeline High Dose"]}
  de_atep:
    - {id: pbo,    label: "Placebo",              var: TRT01A, value: "Placebo", period: 1, spanner: "Dose escalation"}
    - {id: atep03, label: "Iberdomide 0.3 mg QD", var: TRT02A, value: "Iberdomide 0.3 mg QD", period: 2, spanner: "Extension (ATEP)"}
""", ("columns", "planned_total")),
    "PageSpec": Example("page: {paper: letter, orientation: landscape, margin: 1.0, font: Courier New, font_size: 9}\n",
                        ("page",)),
    # output files (specs/*.yaml, examples/*/specs/*.yaml)
    "TableOutput": Example("""\
id: t-14-2-1
type: table
number: "Table 14.2.1"
title:
  - "CLASI activity score: Value and Change from Baseline by Visit"
  - "Dose-Escalation Period"
population: ITT
columns: de
stub_header: "Visit"
footnotes:
  - "Baseline is the value on day 1 before the first dose. Change from baseline = value at the visit - baseline."
analyses:
  - id: clasi
    type: by_visit
    dataset: adeff
    param: CLASI
    where: "ANL01FL == 'Y'"
    visits: [Baseline, Day 15, Day 29, Day 57, Day 85, Follow-up Week 4, Follow-up Week 12]
    baseline_visit: Baseline
    show: [value, change, pchg]
    decimals: {mean: 1, sd: 1}
"""),
    "FigureOutput": Example("""\
id: f-14-1
type: figure
number: "Figure 14.1"
title: "Kaplan-Meier Plot of Time to First Dermatologic Event"
population: SAF
columns: actual
width: 9.0
height: 4.6
plot:
  kind: km
  dataset: adtte
  where: "PARAMCD == 'TTDE'"
  x_title: "Days since first dose"
  y_title: "Probability of no dermatologic event"
  risk_every: 30
  censor_marks: true
"""),
    "ListingOutput": Example("""\
id: l-16-2-7-2
type: listing
number: "Listing 16.2.7.2"
title: "Serious Adverse Events"
population: SAF
dataset: adae
where: "AESER == 'Y'"
subject_vars: [AGE, SEX, TRTSDT]
columns:
  - {var: TRTA, label: "Treatment", width: 1.6, key: true}
  - {var: SUBJID, label: "Subject", width: 0.8, key: true}
  - {vars: [AGE, SEX], sep: "/", label: "Age/Sex", width: 0.6}
  - {var: ASTDT, label: "Start date", format: date, width: 0.9}
  - {var: ASTDT, label: "Study day", format: studyday, ref: TRTSDT, width: 0.5, align: right}
  - {var: AESEV, label: "Severity", map: {MILD: Mild, MODERATE: Moderate, SEVERE: Severe}}
sort: [TRTA, SUBJID, ASTDT, AESEQ]
"""),
    "ListingColumn": Example("""\
columns:
  - {var: SUBJID, label: "Subject", width: 0.6, key: true}
  - {vars: [AGE, SEX], sep: "/", label: "Age/ Sex", width: 0.45, key: true}
  - {vars: [ASTDT, AENDT], sep: "\\n", format: date, label: "Start date\\nEnd date", width: 0.8}
  - {var: ASTDT, format: studyday, ref: TRTSDT, label: "Study day", width: 0.45, align: right}
  - {var: AESER, label: "SAE", width: 0.4, map: {Y: "Yes", N: "No"}}
""", ("columns",)),
    "SortKey": Example('sort: [{var: TRTA, order: ["Placebo", "Iberdomide 0.3 mg QD"]}, SUBJID, {var: ASTDT, '
                       'descending: true}]\n', ("sort", 0)),
    "PageBy": Example("""\
page_by:
  var: TRTA
  label: "Treatment"
  order: ["Placebo", "Iberdomide 0.3 mg QOD", "Iberdomide 0.3 mg QD"]
""", ("page_by",)),
    "StatColumn": Example("""\
stat_columns:
  - {id: p, label: "p-value", over: [pbo, low, high], format: {decimals: 4}}
  - {id: p2, label: "p-value vs Placebo", over: [pbo, high], sparse: fisher, exact: auto}
  - {id: rd, label: "Risk difference (95% CI)", over: [high, pbo], stat: risk_difference, ci: newcombe}
""", ("stat_columns",)),
    "PValueFormat": Example("format: {decimals: 3, low: {at: 0.001, text: \"<.001\"}, flag: {below: 0.05}}\n",
                            ("format",)),
    "PCutoff": Example('high: {at: 0.99, text: ">.99"}\n', ("high",)),
    "PFlag": Example('flag: {below: 0.05, text: "*"}\n', ("flag",)),
    "Panel": Example("""\
panels:
  - {label: "Day 1", where: "AVISITN == 1"}
  - {label: "Day 29", where: "AVISITN == 29"}
""", ("panels",)),
    "MeanByVisitPlot": Example("""\
plot:
  kind: mean_by_visit
  dataset: adpc
  var: AVAL
  x: NFRLT
  where: "PKINTFL == 'Y'"
  panels:
    - {label: "Day 1", where: "AVISITN == 1"}
    - {label: "Day 29", where: "AVISITN == 29"}
  error: sd
  x_title: "Nominal time (h)"
  y_title: "Concentration (ng/mL)"
  reference_line: null
""", ("plot",)),
    "KaplanMeierPlot": Example("""\
plot:
  kind: km
  dataset: adtte
  where: "PARAMCD == 'TTDE'"
  x_title: "Days since first dose"
  y_title: "Probability of no dermatologic event"
  risk_every: 30
""", ("plot",)),
    "AnalysesPlot": Example("""\
plot:
  kind: by_visit
  quantity: change
  error: se
  ncols: 3
  x_label: "Study day"
  tick_labels: {Baseline: "1", Follow-up Week 4: "FU4", Follow-up Week 12: "FU12"}
""", ("plot",)),
    "IndividualPlot": Example("""\
plot:
  kind: individual
  dataset: adpc
  var: AVAL
  x: ARRLT
  where: "PKINTFL == 'Y'"
  panels:
    - {label: "Day 1", where: "AVISITN == 1"}
    - {label: "Day 29", where: "AVISITN == 29"}
  log_y: true
  y_title: "Concentration (ng/mL)"
""", ("plot",)),
}
