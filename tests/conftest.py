"""Shared fixtures: a tiny study written to a temp folder (CSV data + specs), and paths to ../shared."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _ram_disk(path: str = "/dev/shm", room: int = 2 << 30) -> bool:
    """A writable RAM disk with room for the last three runs' folders (a whole run leaves ~150 MB)."""
    try:
        st = os.statvfs(path)
    except OSError:
        return False
    return os.access(path, os.W_OK) and st.f_bavail * st.f_frsize >= room


# The tests' folders (tmp_path) on the RAM disk where there is one: tlf fsyncs each file it publishes and
# its folder (tlf/qc/publish.py), a wait of ~6 ms on this machine's disk, some 7,000 times in a run; on tmpfs
# an fsync returns at once. PYTEST_DEBUG_TEMPROOT is pytest's own setting for the root of its temporary
# folders (numbered per run, the last three kept, as under /tmp); one set by the user wins.
if "PYTEST_DEBUG_TEMPROOT" not in os.environ and _ram_disk():
    os.environ["PYTEST_DEBUG_TEMPROOT"] = "/dev/shm"


ADSL_CSV = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70.5,WHITE
S-02,Drug A,Y,Y,Y,M,41,80.1,ASIAN
S-03,Drug A,Y,Y,Y,F,52,65.0,WHITE
S-04,Placebo,Y,Y,Y,F,45,90.2,BLACK OR AFRICAN AMERICAN
S-05,Placebo,Y,Y,Y,M,38,,WHITE
S-06,Placebo,N,N,N,M,60,75.0,
"""

ADEX_CSV = """USUBJID,EXDURD
S-01,10
S-02,12
S-03,5
S-04,11
S-05,1
"""

ADAE_CSV = """USUBJID,AEDECOD,AEBODSYS,AESEV,TRTEMFL
S-01,Headache,Nervous system disorders,MILD,Y
S-01,Headache,Nervous system disorders,SEVERE,Y
S-02,Nausea,Gastrointestinal disorders,MILD,Y
S-04,Headache,Nervous system disorders,MILD,Y
S-05,Rash,Skin and subcutaneous tissue disorders,MILD,N
"""

STUDY_YAML = """\
study: {id: MINI-001, title: Mini study}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adex: {file: adex.csv}
    adae: {file: adae.csv}
populations:
  SAF:
    label: Safety Population
    has_records: {dataset: adex, where: "EXDURD > 0"}
    flag: SAFFL
  ITT:
    label: ITT Population
    where: "RANDFL == 'Y'"
    within: SAF
    flag: ITTFL
columns:
  arms:
    - {id: a, label: Drug A, var: TRT01A, value: Drug A}
    - {id: p, label: Placebo, var: TRT01A, value: Placebo}
    - {id: t, label: Total, var: TRT01A, value: [Drug A, Placebo]}
"""

DEMOG_YAML = """\
id: t-demog
type: table
number: Table 1
title: Demographics
population: SAF
columns: arms
analyses:
  - {id: age, type: continuous, var: AGE, label: Age (years)}
  - {id: weight, type: continuous, var: WEIGHT, label: Weight (kg)}
  - {id: sex, type: categorical, var: SEX, label: Sex, levels: [{value: F, label: Female}, {value: M, label: Male}]}
  - {id: race, type: categorical, var: RACE, label: Race}
"""

AE_YAML = """\
id: t-ae
type: table
number: Table 2
title: Adverse events
population: SAF
columns: arms
analyses:
  - {id: any, type: count, dataset: adae, label: Any TEAE, where: "TRTEMFL == 'Y'"}
  - {id: pt, type: terms, dataset: adae, where: "TRTEMFL == 'Y'", term: AEDECOD, soc: AEBODSYS}
"""


def write_study(root: Path, *, adsl: str = ADSL_CSV, adex: str = ADEX_CSV, adae: str = ADAE_CSV,
                study: str = STUDY_YAML, outputs: dict[str, str] | None = None) -> Path:
    """Write a tiny study (specs/ and specs/data/) under root; returns the spec folder."""
    specs = root / "specs"
    (specs / "data").mkdir(parents=True, exist_ok=True)
    (specs / "data" / "adsl.csv").write_text(adsl)
    (specs / "data" / "adex.csv").write_text(adex)
    (specs / "data" / "adae.csv").write_text(adae)
    (specs / "study.yaml").write_text(textwrap.dedent(study))
    for name, text in (outputs if outputs is not None else {"t-demog": DEMOG_YAML, "t-ae": AE_YAML}).items():
        (specs / f"{name}.yaml").write_text(textwrap.dedent(text))
    return specs


# a study of two arms (Drug A: S-01..S-03, Placebo: S-04, S-05; no Total column), every subject treated,
# with one analysis dataset besides ADSL and ADEX (write_two_arm_study)
TWO_ARM_ADSL_CSV = """USUBJID,TRT01A,RANDFL,SAFFL,ITTFL,SEX,AGE,WEIGHT,RACE
S-01,Drug A,Y,Y,Y,F,30,70,WHITE
S-02,Drug A,Y,Y,Y,M,41,80,WHITE
S-03,Drug A,Y,Y,Y,F,52,65,WHITE
S-04,Placebo,Y,Y,Y,F,45,90,WHITE
S-05,Placebo,Y,Y,Y,M,38,75,WHITE
"""
TWO_ARM_ADEX_CSV = "USUBJID,EXDURD\n" + "".join(f"S-0{i},10\n" for i in range(1, 6))
TWO_ARM_STUDY_YAML = """\
study: {id: MINI-001, title: Mini study}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adex: {file: adex.csv}
    DATASET: {file: DATASET.csv}
populations:
  SAF: {label: Safety Population, has_records: {dataset: adex, where: "EXDURD > 0"}, flag: SAFFL}
columns:
  arms:
    - {id: a, label: Drug A, var: TRT01A, value: Drug A}
    - {id: p, label: Placebo, var: TRT01A, value: Placebo}
"""


def write_two_arm_study(root: Path, dataset: str, records: str, outputs: dict[str, str], *,
                        adsl: str = TWO_ARM_ADSL_CSV, adex: str = TWO_ARM_ADEX_CSV) -> Path:
    """The two-arm study (TWO_ARM_STUDY_YAML) with the analysis dataset `dataset` (its CSV text `records`)
    and `outputs` under root; returns the spec folder."""
    specs = write_study(root, adsl=adsl, adex=adex, study=TWO_ARM_STUDY_YAML.replace("DATASET", dataset),
                        outputs=outputs)
    (specs / "data" / f"{dataset}.csv").write_text(records)
    return specs


def sheet_texts(ws) -> list[list[str]]:
    """The text of every cell of an XLSX sheet as the table printed it ("" for an empty cell): numbers with
    the decimals of their number format, texts without the padding that aligns a column's numbers."""
    from tlf.qc.sources import display_text

    return [[display_text(c) for c in row] for row in ws.iter_rows()]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return write_study(tmp_path)


# --- study builds shared by the test modules (and the xdist workers) of one run -----------------------------
#
# Several modules check the same build (study A's `tlf build all`, the CDISC pilot's): it is built once per
# test run, in a folder of the run's temporary root that every worker sees, under an exclusive file lock, and
# every module reads it from there. The modules must not write into it: one that adds files (shells, a
# bundle) copies it first (`shared_copy`). A build that fails is not recorded as done: each module that
# asks for it builds it again and fails in its own fixture, as before.

STUDY_A_SPECS = REPO / "specs"
PILOT_SPECS = REPO / "examples" / "cdiscpilot01" / "specs"
PILOT_DATA = SHARED / "data" / "cdiscpilot01"


def _run_root(tmp_path_factory) -> Path:
    """The temporary folder of this test run: an xdist worker's basetemp is <run root>/popen-gwN."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_build(tmp_path_factory, name: str, make) -> Path:
    """The folder `make(folder)` fills, made once per test run under a lock shared by the xdist workers."""
    import fcntl
    import shutil

    root = _run_root(tmp_path_factory) / "shared-builds"
    root.mkdir(exist_ok=True)
    folder, done = root / name, root / f"{name}.done"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            make(folder)
            done.touch()
    return folder


def shared_copy(folder: Path, dest: Path) -> Path:
    """A private copy of a shared build, for a module that writes into its output folder."""
    import shutil

    shutil.copytree(folder, dest, copy_function=shutil.copy2)
    return dest


def _build_ok(specs: Path, out: Path, **kwargs) -> None:
    from tlf.build import build

    report = build(specs, out, ["all"], **kwargs)
    assert report.ok, [str(o.error) for o in report.outputs if o.error]


@pytest.fixture(scope="session")
def study_a_build(tmp_path_factory) -> Path:
    """Study A built as `tlf build all --specs specs` builds it (DOCX, XLSX, ARD); read only."""
    return shared_build(tmp_path_factory, "study_a", lambda out: _build_ok(STUDY_A_SPECS, out))


@pytest.fixture(scope="session")
def pilot_build(tmp_path_factory) -> Path:
    """Every output of examples/cdiscpilot01/specs built on the pilot's ADaM data (DOCX, XLSX, ARD); read
    only."""
    return shared_build(tmp_path_factory, "cdiscpilot01", lambda out: _build_ok(PILOT_SPECS, out, data_dir=PILOT_DATA))


# --- the order the xdist workers take the test files in (pyproject: -n auto --dist loadfile) -----------------
#
# xdist hands out whole files, by default the ones with the most tests first, so a file of one long test (the
# property test) used to start last and run alone at the end. Here the long files start first (longest
# first: the others fill in around them), and the files that read one shared build (above) are one unit, run
# one after the other by one worker, so that no worker waits on the lock while another builds. SECONDS: the
# CPU seconds of the longest units in a whole run (a file or a group not named here counts 0 and keeps xdist's
# order); rough figures are enough.
SHARED_BUILD_GROUPS = {
    "cdiscpilot01 build": ("tests/test_cdiscpilot01.py", "tests/test_cdiscpilot01_safety.py",
                           "tests/test_cdiscpilot01_cmh.py"),
    "study A build": ("tests/test_study_a.py", "tests/unit/test_qc_study_a.py", "tests/unit/test_shells.py",
                      "tests/unit/test_review.py"),
}
SECONDS = {"study A build": 66, "cdiscpilot01 build": 54, "tests/unit/test_property_inputs.py": 33,
           "tests/unit/test_figure_text.py": 21, "tests/unit/test_stats_mmrm_live_r.py": 18,
           "tests/test_study_b.py": 13, "tests/unit/test_fonts.py": 12, "tests/unit/test_findings.py": 11,
           "tests/unit/test_robustness.py": 11, "tests/unit/test_publish.py": 9, "tests/unit/test_file_modes.py": 9,
           "tests/unit/test_data_cache.py": 9, "tests/unit/test_shift.py": 8, "tests/unit/test_ars_export_families.py": 8,
           "tests/unit/test_crash.py": 7, "tests/unit/test_examples_study_a.py": 7, "tests/unit/test_build.py": 7,
           "tests/unit/test_build_parallel.py": 7, "tests/unit/test_examples_bytes.py": 6, "tests/unit/test_limits.py": 6,
           "tests/unit/test_displayed.py": 5, "tests/unit/test_ars_export.py": 5}


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown when xdist is not loaded
def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile with the files of a shared build as one unit and the longest units first."""
    if config.getvalue("dist") != "loadfile":
        return None  # any other --dist: xdist's own scheduler
    from collections import OrderedDict

    from xdist.scheduler import LoadFileScheduling

    group_of = {path: name for name, paths in SHARED_BUILD_GROUPS.items() for path in paths}

    class SharedBuildsFirst(LoadFileScheduling):
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return group_of.get(scope, scope)

        def _assign_work_unit(self, node) -> None:
            if not self.ordered and isinstance(getattr(self, "workqueue", None), OrderedDict):
                units = sorted(self.workqueue.items(), key=lambda unit: -SECONDS.get(unit[0], 0))  # stable
                self.workqueue.clear()
                self.workqueue.update(units)
                self.ordered = True
            super()._assign_work_unit(node)

    return SharedBuildsFirst(config, log)
