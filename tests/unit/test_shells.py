"""Shells: every study A output built from the specs alone (no data folder anywhere), placeholders read
back from the DOCX with the widths and decimals the spec sets, and the shell of each output has the
same title block, columns, rows (where the spec fixes them) and footnotes as the final output."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest

from tlf.build import build, compute_output, prepare
from tlf.spec.validate import load_study

REPO = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
IDS = tuple(o.id for o in load_study(REPO / "specs").outputs)  # every output of study A


@pytest.fixture(scope="module")
def specs_only(tmp_path_factory) -> Path:
    """Study A's spec folder copied alone: its data.dir points nowhere."""
    specs = tmp_path_factory.mktemp("bare") / "specs"
    shutil.copytree(REPO / "specs", specs)
    assert not (specs / load_study(specs).spec.data.dir).exists()
    return specs


@pytest.fixture(scope="module")
def shells(specs_only, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shells")
    report = build(specs_only, out, ["all"], shell=True)
    assert report.ok, [str(o.error) for o in report.outputs]
    return out


@pytest.fixture(scope="module")
def finals(study_a_build) -> Path:
    """`tlf build all` of study A (tests/conftest.py: one build shared by the modules that read it)."""
    return study_a_build


def _doc(path: Path):
    import docx

    return docx.Document(str(path))


def _texts(tr) -> list[str]:
    """Cell texts; a line break (w:br) or a new paragraph is "\n"."""
    def para(p) -> str:
        return "".join((el.text or "") if el.tag == f"{W}t" else "\n" for el in p.iter(f"{W}t", f"{W}br"))

    return ["\n".join(para(p) for p in tc.iter(f"{W}p")).strip("\n") for tc in tr.findall(f"{W}tc")]


def _rows(path: Path) -> list[list[str]]:
    """Body rows of every page table (header rows left out)."""
    out = []
    for tbl in _doc(path).element.body.iter(f"{W}tbl"):
        for tr in tbl.findall(f"{W}tr"):
            if tr.find(f"{W}trPr/{W}tblHeader") is None:
                out.append(_texts(tr))
    return out


def test_every_output_is_a_shell_without_data(shells):
    for oid in IDS:
        assert (shells / f"{oid}.shell.docx").is_file() and (shells / f"{oid}.shell.xlsx").is_file()
        assert not (shells / f"{oid}.docx").exists()
    cells = " ".join(c for r in _rows(shells / "t-14-3-1.shell.docx") for c in r[1:])
    assert cells.strip() and not re.search(r"\d", cells)  # no number from any data


def test_table_placeholders_follow_the_spec_decimals(shells):
    study = load_study(REPO / "specs")
    for oid in ("t-14-1-1", "t-14-3-1"):
        spec = study.output(oid).spec
        rows = {r[0]: r[1:] for r in _rows(shells / f"{oid}.shell.docx")}
        pct = spec.pct_decimals if spec.pct_decimals is not None else study.spec.pct_decimals
        for a in spec.analyses:
            if a.type == "continuous":
                mean, sd = a.decimals["mean"], a.decimals["sd"]
                expected = f"xx{'.' + 'x' * mean if mean else ''} (xx{'.' + 'x' * sd if sd else ''})"
            else:
                expected = f"xx (xx{'.' + 'x' * pct if pct else ''})"
            if a.type in ("count", "continuous"):
                cells = rows[a.label]
            else:  # the first level row under the analysis' label (spec levels, or placeholders)
                first = a.levels[0].label if getattr(a, "levels", None) else next(k for k in rows if k.startswith("<"))
                cells = rows[first]
            want = [a.na_text if (a.periods and c.period not in a.periods) else expected
                    for c in study.columns_for(study.output(oid))]
            assert cells == want, (oid, a.id, cells)
    header = _doc(shells / "t-14-1-1.shell.docx").element.body.find(f"{W}tbl")
    assert "(N=xx)" in " ".join(_texts(header.findall(f"{W}tr")[1]))


def test_data_dependent_rows_are_placeholders(shells):
    labels = [r[0] for r in _rows(shells / "t-14-3-1.shell.docx")]
    assert labels[-3:] == ["<Preferred term 1>", "<Preferred term 2>", "<Preferred term 3>"]


def _chars_in(twips: int, font_size: float) -> int:
    """Characters of a fixed-width font on one line of a cell `twips` wide (0.05 in margins each side)."""
    usable = (twips / 1440 - 2 * 0.05 - 0.02) * 72
    return math.floor(usable / (1229 / 2048 * font_size))


def test_listing_placeholders_fill_their_column_width(shells):
    study = load_study(REPO / "specs")
    for oid in ("l-16-2-1-1", "l-16-2-7-1", "l-16-2-7-2", "l-16-2-7-3"):
        spec = study.output(oid).spec
        size = (spec.page or study.spec.page).font_size
        tbl = _doc(shells / f"{oid}.shell.docx").element.body.find(f"{W}tbl")
        grid = [int(g.get(f"{W}w")) for g in tbl.find(f"{W}tblGrid").findall(f"{W}gridCol")]
        first = _texts(tbl.findall(f"{W}tr")[1])
        second = _texts(tbl.findall(f"{W}tr")[2])
        assert len(grid) == len(spec.columns) == len(first)
        for j, (col, text, twips) in enumerate(zip(spec.columns, first, grid, strict=True)):
            lines = text.split("\n")
            assert len(lines) == (len(col.variables) if "\n" in col.sep else 1), (oid, col.label, text)
            if col.format == "date":
                assert set(lines) == {"xxxx-xx-xx"}
            elif col.format == "studyday":
                assert lines == ["xx"]
            elif "\n" in col.sep:  # one variable a line, every line as wide as the column
                assert lines[-1] == "x" * _chars_in(twips, size)
                assert all(len(line) == _chars_in(twips, size) and line.startswith("xx") for line in lines)
            else:
                assert text == "x" * _chars_in(twips, size), (oid, col.label, len(text), _chars_in(twips, size))
            assert (second[j] == "") == col.key  # keys print on a subject's first row only
        pb = spec.page_by_spec
        if pb is not None:
            header = [p.text for p in _doc(shells / f"{oid}.shell.docx").sections[0].header.paragraphs]
            assert f"{pb.label}: xxxxxxxx" in "\n".join(header)


def _header(path: Path) -> list[str]:
    return [p.text for p in _doc(path).sections[0].header.paragraphs if p.text]


def _footnotes(path: Path) -> list[str]:
    paras = [p.text for p in _doc(path).sections[0].footer.paragraphs if p.text]
    return [t for t in paras if not t.startswith(("Source:", "SHELL", "Page "))]


def _column_heads(path: Path) -> list[list[str]]:
    tbl = _doc(path).element.body.find(f"{W}tbl")
    heads = [_texts(tr) for tr in tbl.findall(f"{W}tr") if tr.find(f"{W}trPr/{W}tblHeader") is not None]
    return [[re.sub(r"\(N=\d+\)", "(N=xx)", t) for t in row] for row in heads]


@pytest.fixture(scope="module")
def study_a():
    """Study A's specs and its data and populations, read once, as a build reads them once for every output."""
    study = load_study(REPO / "specs")
    data, pops, _ = prepare(study)
    return study, data, pops


@pytest.mark.parametrize("oid", IDS)
def test_shell_and_final_have_the_same_structure(oid, shells, finals, study_a):
    shell, final = shells / f"{oid}.shell.docx", finals / f"{oid}.docx"
    pb = r"^(Treatment): .*$"
    assert [re.sub(pb, r"\1:", t) for t in _header(shell)] == [re.sub(pb, r"\1:", t) for t in _header(final)]
    # the spec's footnotes, in order (the data may add a note, e.g. on a baseline of 0)
    notes = _footnotes(final)
    assert _footnotes(shell) and [n for n in notes if n in _footnotes(shell)] == _footnotes(shell)
    study, data, pops = study_a
    entry = study.output(oid)
    _, shell_model = compute_output(study, entry, None, {})
    _, final_model = compute_output(study, entry, data, pops)
    if entry.spec.type == "figure":  # an empty frame of the same size in the same place
        assert len(_doc(shell).inline_shapes) == len(_doc(final).inline_shapes) == 1
        assert (shell_model.width, shell_model.height) == (final_model.width, final_model.height)
        assert shell_model.header_lines == final_model.header_lines
        return
    assert _column_heads(shell) == _column_heads(final)
    # rows: the same wherever the spec fixes them (tables); listings' records come from the data
    if entry.spec.type == "table":
        fixed = {a.id for a in entry.spec.analyses if a.type in ("count", "continuous")
                 or (a.type == "categorical" and a.levels)}

        def spec_rows(t):
            return [(r.group, r.label, r.kind) for r in t.rows if r.group.split(":")[0] in fixed or r.kind == "blank"]

        assert spec_rows(shell_model) == spec_rows(final_model)
        if entry.spec.stats_as_columns and all(a.type == "pk_parameters" and all(b.values for b in a.by)
                                               for a in entry.spec.analyses):
            # groups, days and parameters all named by the spec: every row the same, down to the
            # accumulation ratios left out of the NCA's reference day

            def rows(t):
                return [(re.sub(r"\(N=\w+\)", "(N=)", r.label), r.kind) for r in t.rows]

            assert rows(shell_model) == rows(final_model)
        groups = [g for g in dict.fromkeys(r.group.split(":")[0] for r in shell_model.rows) if g]
        assert groups == [g for g in dict.fromkeys(r.group.split(":")[0] for r in final_model.rows) if g]
    else:
        s, f = shell_model.table, final_model.table
        assert [(c.label, c.width, c.align) for c in s.columns] == [(c.label, c.width, c.align) for c in f.columns]
        assert s.repeat_keys == f.repeat_keys and s.titles == f.titles and s.footnotes == f.footnotes
        assert bool(shell_model.groups) == bool(final_model.groups)
