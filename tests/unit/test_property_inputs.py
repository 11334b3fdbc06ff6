"""Property test: random and mutated specs and data never end in a traceback.

Every run must end in outputs or in a TlfError with a message. Hypothesis generates 1,000 cases:
mutated spec trees (keys dropped, values of the wrong type, unknown keys, random strings) and data
frames (empty groups, all-missing variables, one subject, duplicate records, odd text).
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ADAE_CSV, ADEX_CSV, ADSL_CSV, AE_YAML, DEMOG_YAML, STUDY_YAML
from tlf.build import build
from tlf.errors import TlfError

BASE = {"study": yaml.safe_load(STUDY_YAML), "t-demog": yaml.safe_load(DEMOG_YAML), "t-ae": yaml.safe_load(AE_YAML)}
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=True),
                 st.text(max_size=12), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4),
                                                                                           st.integers(), max_size=2))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


@st.composite
def mutated(draw):
    docs = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(sorted(docs)))
        paths = [p for p in _paths(docs[name]) if p]
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        parent = docs[name]
        for k in path[:-1]:
            parent = parent[k]
        action = draw(st.sampled_from(["drop", "junk", "unknown", "swap"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "junk":
            parent[path[-1]] = draw(JUNK)
        elif action == "unknown" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(JUNK)
        elif action == "swap":
            parent[path[-1]] = draw(st.sampled_from(["AGE", "SEX", "NOPE", "TRTEMFL == 1", "x >", "{pp}", ""]))
    return docs


def _mutate_csv(draw, text: str) -> str:
    lines = text.strip().split("\n")
    header, rows = lines[0], lines[1:]
    choice = draw(st.sampled_from(["keep", "one", "empty", "dup", "blank_col", "odd"]))
    if choice == "one":
        rows = rows[:1]
    elif choice == "empty":
        rows = []
    elif choice == "dup" and rows:
        rows = rows + [rows[draw(st.integers(0, len(rows) - 1))]]
    elif choice == "blank_col":
        n = len(header.split(","))
        j = draw(st.integers(0, n - 1))
        rows = [",".join("" if i == j else v for i, v in enumerate(r.split(","))) for r in rows]
    elif choice == "odd" and rows:
        rows = [r.replace("Drug A", draw(st.sampled_from(["Drug\tA", "<b>&", "Drug A ", "ß"]))) for r in rows]
    return "\n".join([header, *rows]) + "\n"


@st.composite
def data_frames(draw):
    return {"adsl.csv": _mutate_csv(draw, ADSL_CSV), "adex.csv": _mutate_csv(draw, ADEX_CSV),
            "adae.csv": _mutate_csv(draw, ADAE_CSV)}


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(mutated(), data_frames())
def test_every_run_ends_in_outputs_or_a_tlf_error(tmp_path_factory, docs, frames):
    root = Path(tempfile.mkdtemp(prefix="tlf-prop-", dir=tmp_path_factory.getbasetemp()))  # (tests/conftest.py)
    try:
        specs = root / "specs"
        (specs / "data").mkdir(parents=True)
        for name, text in frames.items():
            (specs / "data" / name).write_text(text)
        for name, doc in docs.items():
            (specs / f"{name}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
        try:
            report = build(specs, root / "out", ["all"], formats=())
        except TlfError as e:
            assert str(e).strip()
            return
        for o in report.outputs:
            assert o.status == "built" or (o.error is not None and str(o.error).strip())
    finally:
        shutil.rmtree(root, ignore_errors=True)
