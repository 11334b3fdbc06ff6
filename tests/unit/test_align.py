"""Decimal alignment (render/align.py): the padding of a column's texts, enumerated by hand; the DOCX XML
(indent, character spacing, the table's own text); the positions LibreOffice prints the characters at
(`pdftotext -bbox`): the decimal points and parentheses of a column share one x."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.office import needs_office, to_pdf
from tlf.render.align import PAD, align_column, aligned_table, block, parse, runs, unpad
from tlf.render.docx import render_docx
from tlf.render.paginate import column_widths, paginate
from tlf.render.text_metrics import chars_per_line
from tlf.tables.model import Column, Row, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _show(texts, groups=None) -> list[str]:
    return [t.replace(PAD, "_") for t in align_column(texts, groups)]


def test_first_numbers_line_up_on_the_point_or_units():
    assert _show(["8", "45.3 (12.14)", "46.0", "0", "254"]) == ["__8", "_45.3 (12.14)", "_46.0", "__0", "254"]


def test_parentheses_and_later_points_line_up_within_a_pattern():
    assert _show(["4.3 (5.9)", "17.6 (12.9)"]) == ["_4.3 (_5.9)", "17.6 (12.9)"]
    assert _show(["2 (2.3) [2]", "12 (14.0) [26]"]) == ["_2 (_2.3) [_2]", "12 (14.0) [26]"]
    # a number without decimals keeps its bracket; the padding goes after it
    assert _show(["86 (100)", "3 (3.5)", "0"]) == ["86 (100)", "_3 (__3.5)", "_0"]
    assert _show(["86 (100) [4]", "3 (3.5) [12]"]) == ["86 (100) [4]", "_3 (3.5) [12]"]  # other decimals inside
    # numbers before the last with other decimals: only the first numbers align
    assert _show(["38.0, 52.8", "30, 52", "41.0", "3"]) == ["38.0, 52.8", "30, 52", "41.0", "_3"]


def test_signs_brackets_and_text_cells():
    assert _show(["<0.001", "0.035", ">0.999"]) == ["<0.001", "_0.035", ">0.999"]
    assert _show(["-1.25 (-3.40, 5.61)", "0.50 (-0.10, 1.10)"]) == ["-1.25 (-3.40, 5.61)", "_0.50 (-0.10, 1.10)"]
    assert _show(["NE", "", "-", "12.5", "1e5", "a\nb"]) == ["NE", "", "-", "12.5", "1e5", "a\nb"]
    assert _show(["xx (xx.x)", "x (x.x)"]) == ["xx (xx.x)", "_x (_x.x)"]  # shells align too


def test_groups_keep_their_own_inner_widths():
    texts, groups = ["4.3 (5.9)", "17.6 (12.9)", "2.0 (1.5)"], ["a", "b", "b"]
    assert _show(texts, groups) == ["_4.3 (5.9)", "17.6 (12.9)", "_2.0 (_1.5)"]
    assert _show(texts) == ["_4.3 (_5.9)", "17.6 (12.9)", "_2.0 (_1.5)"]


def test_runs_and_unpad_give_the_text_back():
    for texts in (["8", "45.3 (12.14)"], ["86 (100) [4]", "3 (3.5) [12]"], ["<0.001", "0.035"]):
        for text, padded in zip(texts, align_column(texts), strict=True):
            assert unpad(padded) == text
            lead, pieces = runs(padded)
            assert PAD * lead + "".join(p + PAD * n for p, n in pieces) == padded
    assert parse("12 (14.0)").ints == ("12", "14") and parse("NE") is None


def _table(align="decimal", n=8) -> Table:
    cols = tuple(Column(k, label, f"(N={n})", align=align) for k, label, n in
                 (("a", "Placebo", 86), ("b", "Low Dose", 84), ("c", "High Dose", 84), ("t", "Total", 254)))
    rows = [Row("Age (years)", ("",) * 4, 0, "group", "age"),
            Row("n", ("86", "84", "84", "254"), 1, "data", "age"),
            Row("Mean (SD)", ("75.2 (8.59)", "75.7 (8.29)", "74.4 (17.89)", "75.1 (8.25)"), 1, "data", "age"),
            Row("Median", ("76.0", "77.5", "76.0", "77.0"), 1, "data", "age"),
            Row("Min, Max", ("52, 89", "51, 88", "56, 88", "51, 89"), 1, "data", "age"),
            Row("Sex, n (%)", ("",) * 4, 0, "group", "sex"),
            Row("Female", ("53 (61.6)", "50 (59.5)", "40 (47.6)", "143 (56.3)"), 1, "data", "sex"),
            Row("Male", ("33 (38.4)", "34 (40.5)", "44 (52.4)", "111 (43.7)"), 1, "data", "sex"),
            Row("Other", ("0", "1 (1.2)", "0", "1 (0.4)"), 1, "data", "sex"),
            Row("Unknown", ("NE", "1 (1.2)", "NE", "1 (0.4)"), 1, "data", "sex")]
    rows += [Row(f"Lab {i}", (f"{i}.{i % 10}", f"{i * 3} ({i % 7}.{i % 10})", "1.05", f"-{i % 4}.25"), 1, "data",
                 f"lab{i // 20}") for i in range(n)]
    return Table("t-1", "Table 14.1.1", ("Demographics",), cols, tuple(rows), population="Safety",
                 stub_header="Parameter")


def test_aligned_table_pads_decimal_columns_and_fits_them():
    table = aligned_table(_table())
    widths = column_widths(table)[1:]
    for j, col in enumerate(table.columns):
        assert col.align == "decimal"
        texts = [r.cells[j] for r in table.rows]
        assert [unpad(t) for t in texts] == [r.cells[j] for r in _table().rows]
        assert block(texts) <= chars_per_line(widths[j], table.page)
    assert aligned_table(_table("center")) == _table("center")


def test_a_column_too_narrow_is_left_centred():
    narrow = replace(_table(), columns=tuple(replace(c, width=0.2) for c in _table().columns), stub_width=30)
    table = aligned_table(narrow)
    assert all(c.align == "center" for c in table.columns)
    assert table.rows == narrow.rows


def _cell_xml(tc):
    """(left indent, [(text, spacing)]) of a cell's paragraph."""
    ind = tc.find(f"{W}p/{W}pPr/{W}ind")
    left = 0 if ind is None else int(ind.get(f"{W}left"))
    out = []
    for r in tc.iter(f"{W}r"):
        sp = r.find(f"{W}rPr/{W}spacing")
        out.append((r.find(f"{W}t").text, 0 if sp is None else int(sp.get(f"{W}val"))))
    return left, out


def _x_of(left: int, runs_: list[tuple[str, int]], char: float, at: int) -> float:
    """Twips from the cell's text start to character `at` of its text."""
    x, k = float(left), 0
    for text, spacing in runs_:
        for _ch in text:
            if k == at:
                return x
            x += char + spacing
            k += 1
    return x


def test_docx_keeps_the_text_and_places_points_by_indent_and_spacing(tmp_path):
    import zipfile

    from lxml import etree

    path = tmp_path / "t.docx"
    render_docx(_table(), path)
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    trs = body.find(f".//{W}tbl").findall(f"{W}tr")[1:]
    char = 1229 / 2048 * 9 * 20
    source = _table().rows
    for j in range(4):
        points = []
        for tr, row in zip(trs, source, strict=False):
            tc = tr.findall(f"{W}tc")[j + 1]
            left, rr = _cell_xml(tc)
            text = "".join(t for t, _ in rr)
            assert text == row.cells[j]  # the cell's text is the table's, no padding characters
            m = re.match(r"[<>]?-?\d+", text)
            if m and row.group == "age":
                points.append(_x_of(left, rr, char, m.end()))
        assert max(points) - min(points) < 1.0, points  # the units of the first numbers: one x


def _bbox_words(pdf: Path) -> list[tuple[tuple[int, float], float, float, str]]:
    """((page, y), x0, x1, word) of every word LibreOffice printed."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    out = []
    for k, page in enumerate(html.split("<page ")[1:]):
        out += [((k, float(y)), float(x0), float(x1), w) for x0, y, x1, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]
    return out


@needs_office
@pytest.mark.parametrize("fmt", ["docx", "rtf"])
def test_libreoffice_prints_points_and_parentheses_in_one_column(tmp_path, fmt):
    """In the PDF LibreOffice makes of a two-page table, per column: the decimal point (or the end of the
    units) of every cell's first number at one x, and in the "n (%)" rows every "(" and ")" at one x,
    within 0.5 pt. Each character's x comes from its word's box (the font is monospaced)."""
    from tlf.render.docx_table import grid_twips

    table = _table(n=60)
    path = tmp_path / f"t-1.{fmt}"
    if fmt == "docx":
        render_docx(table, path)
    else:
        from tlf.render.rtf import render_rtf

        render_rtf(table, path)
    words = _bbox_words(to_pdf(path, tmp_path))
    assert len(paginate(aligned_table(table))) >= 2
    edges, x = [], 72.0  # 1 inch margin; the table spans the text width
    for tw in grid_twips(aligned_table(table)):
        edges.append(x)
        x += tw / 20
    cells: dict[tuple[tuple[int, float], int], list[tuple[float, str]]] = {}  # (y, column) -> (x, character)
    labels: dict[tuple[int, float], str] = {}
    for y, x0, x1, w in words:
        col = sum(x0 >= e for e in edges) - 2  # -1: the stub
        if col < 0:
            labels[y] = labels.get(y, "") + w
            continue
        per = (x1 - x0) / len(w)
        cells.setdefault((y, col), []).extend((x0 + per * i, ch) for i, ch in enumerate(w))
    points: dict[int, list[float]] = {}
    opens: dict[int, list[float]] = {}
    closes: dict[int, list[float]] = {}
    for (y, col), chars in cells.items():
        chars.sort()
        text = "".join(ch for _, ch in chars)
        m = re.match(r"[<>-]?\d+", text)
        if not m:
            continue
        points.setdefault(col, []).append(chars[m.end() - 1][0] + 1229 / 2048 * 9)  # after the units
        if labels.get(y) in ("Female", "Male", "Other", "Unknown") and "(" in text:
            opens.setdefault(col, []).append(chars[text.index("(")][0])
            closes.setdefault(col, []).append(chars[text.index(")")][0])
    assert sorted(points) == [0, 1, 2, 3] and min(len(v) for v in points.values()) > 60
    for found in (points, opens, closes):
        for col, xs in found.items():
            assert max(xs) - min(xs) < 0.5, (col, sorted(set(xs)))
    assert sorted(opens) == [0, 1, 2, 3] and sum(map(len, opens.values())) >= 12


def _shown(cell) -> str:
    """What Excel prints in a cell, padding included, by its number format's rules: the sections
    "positive;negative" (zero takes the first); a negative number in its own section is printed without
    a sign (the section's literal gives one), in a format of one section with the minus before the
    section's literal ("-" + "  " + "2.0")."""
    v = cell.value
    if isinstance(v, (int, float)):
        sections = cell.number_format.split(";")
        assert len(sections) <= 2, cell.number_format
        negative_section = v < 0 and len(sections) == 2
        m = re.fullmatch(r'(?:"([^"]*)")?0(?:\.(0+))?', sections[1 if negative_section else 0])
        assert m, cell.number_format
        digits = f"{abs(v):.{len(m.group(2) or '')}f}"
        return ("-" if v < 0 and not negative_section else "") + (m.group(1) or "") + digits
    return v or ""


def test_xlsx_numbers_are_numbers_and_columns_line_up(tmp_path):
    from openpyxl import load_workbook

    from tlf.qc.sources import display_text
    from tlf.render.xlsx import render_xlsx

    table = _table(n=30)
    path = tmp_path / "t.xlsx"
    render_xlsx(table, path)
    ws = load_workbook(path).worksheets[0]
    first = 6  # three title lines, a blank row, the header
    assert ws.cell(first - 1, 2).value == "Placebo\n(N=86)"
    for j in range(4):
        cells = [ws.cell(first + k, 2 + j) for k in range(len(table.rows))]
        assert [display_text(c) for c in cells] == [r.cells[j] for r in table.rows]
        for c, row in zip(cells, table.rows, strict=True):
            text = row.cells[j]
            if re.fullmatch(r"-?\d+(\.\d+)?", text):  # one number: a number, its decimals in the format
                assert isinstance(c.value, (int, float)) and not isinstance(c.value, bool), (text, c.value)
                assert float(text) == c.value
            else:
                assert c.value is None if not text else isinstance(c.value, str)
        units = set()
        for c in cells:
            shown = _shown(c).replace(PAD, " ")
            assert not re.search(r"-\s", shown), shown  # a minus next to its number ("-  1.25": Excel's)
            m = re.match(r" *[<>]?-?\d+", shown)
            if m:
                units.add(m.end())
                assert c.alignment.horizontal == "left" and c.font.name == "Courier New"
        assert len(units) == 1, (j, units)  # the first numbers' units: one character position
    assert ws.cell(first + 1, 2).value == 86 and ws.cell(first + 3, 2).value == 76.0
    assert _shown(ws.cell(first + 3, 2)).endswith("76.0")


@pytest.mark.parametrize("wide", [0, 1, 2, 3])
def test_xlsx_shows_each_cell_as_the_docx_prints_it(tmp_path, wide):
    """Negative, zero and positive numbers, "NE" and blank cells padded by 0 to 3 characters before
    their sign: the shown text of every XLSX cell (Excel's section rules, ``_shown``) is the padded text
    the DOCX prints (its padding as character spacing), after the padding that centres the block."""
    from openpyxl import load_workbook

    from tlf.qc.sources import display_text
    from tlf.render.xlsx import render_xlsx

    widest = "1" * (wide + 2) + ".5"  # the widest number: `wide` characters of padding before "-2.0"
    texts = ["-2.0", "0.0", "2.0", "-0.5", "NE", "", widest, "-1", "0", "7", "-3.25"]
    cols = (Column("a", "Placebo", "(N=86)", align="decimal"),)
    rows = tuple(Row(f"r{k}", (t,), 1, "data", "g") for k, t in enumerate(texts))
    table = Table("t-1", "Table 1", ("Medians",), cols, rows, population="Safety", stub_header="Parameter")
    printed = [r.cells[0] for r in aligned_table(table).rows]
    assert [unpad(t) for t in printed] == texts
    assert printed[0] == PAD * wide + "-2.0" and printed[2] == PAD * (wide + 1) + "2.0"
    path = tmp_path / "t.xlsx"
    render_xlsx(table, path)
    ws = load_workbook(path).worksheets[0]
    cells = [ws.cell(6 + k, 2) for k in range(len(texts))]
    assert [display_text(c) for c in cells] == texts
    assert [c.value for c in cells] == [-2.0, 0.0, 2.0, -0.5, "NE", None, float(widest), -1, 0, 7, -3.25]
    shown = [_shown(c) for c in cells]
    lead = len(shown[0]) - len(printed[0])  # the padding that centres the block in the sheet column
    assert lead >= 0
    assert shown == [PAD * lead + p if parse(unpad(p)) else p for p in printed]  # "NE", "": text, centred
    assert len({len(s.split(".")[0]) for s in shown if "." in s}) == 1  # one column of decimal points


def test_align_from_the_table_or_the_study(tmp_path):
    from tests.conftest import DEMOG_YAML, STUDY_YAML, write_study
    from tlf.build import compute_output, prepare
    from tlf.spec.validate import load_study

    def aligns(study_yaml: str, demog: str, root: Path) -> set[str]:
        specs = write_study(root, study=study_yaml, outputs={"t-demog": demog})
        study = load_study(specs)
        data, pops, _ = prepare(study)
        _, table = compute_output(study, study.output("t-demog"), data, pops)
        return {c.align for c in table.columns}

    assert aligns(STUDY_YAML, DEMOG_YAML, tmp_path / "a") == {"decimal"}  # the default
    assert aligns(STUDY_YAML + "align: left\n", DEMOG_YAML, tmp_path / "b") == {"left"}
    assert aligns(STUDY_YAML + "align: left\n", DEMOG_YAML + "align: center\n", tmp_path / "c") == {"center"}
