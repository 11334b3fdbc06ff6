"""A CompareResult as a PROC COMPARE-style report: terminal text, DOCX and XLSX.

All three read the same sections (report_sections), so they say the same thing:

    Data Set Summary        rows and columns of BASE and COMPARE
    Variables Summary       ID variables, variables in both / only in one / conflicting type or label
    Observation Summary     observations in both / only in one / with some value unequal
    Values Comparison       values compared and unequal per variable, max absolute and relative difference
    listings                variables only in one, conflicts, observations only in one, the first N
                            differing values (ID, BASE, COMPARE, differences)
    Result                  "no differences" or what differs
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tlf.qc.compare import CompareResult
from tlf.qc.numbers import fmt_e, fmt_value
from tlf.render.package import save_package
from tlf.render.xlsx_sheet import keep_text

CELL_CAP = 40  # characters of a value shown in the terminal


@dataclass(frozen=True)
class Section:
    """A titled block: lines of text, then optionally a table (right_align marks numeric columns)."""

    title: str
    lines: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    right_align: tuple[bool, ...] = ()


def report_title(result: CompareResult) -> str:
    return f"Comparison of BASE {result.base.name} with COMPARE {result.compare.name}"


def report_sections(result: CompareResult) -> list[Section]:
    """The report's content, in order."""
    r = result
    out = [Section("Data Set Summary", (f"Method: {r.options.describe}; {r.key_note}",),
                   ("Data set", "File", "Kind", "Rows", "Columns"),
                   tuple((side, s.path or s.name, s.kind, str(s.rows), str(s.columns))
                         for side, s in (("BASE", r.base), ("COMPARE", r.compare))),
                   (False, False, False, True, True))]
    lines = [f"Number of variables in common: {len(r.variables)}",
             f"Number of ID variables: {len(r.keys)}" + (f" ({', '.join(r.keys)})" if r.keys else
                                                          " (observations matched by number)"),
             f"Number of variables in BASE but not in COMPARE: {len(r.only_in_base)}",
             f"Number of variables in COMPARE but not in BASE: {len(r.only_in_compare)}",
             f"Number of variables with conflicting types: {len(r.type_conflicts)}",
             f"Number of variables with differing labels: {len(r.label_conflicts)}"]
    if r.not_compared:
        lines.append(f"Not compared (optional ARD columns present on one side only): {', '.join(r.not_compared)}")
    out.append(Section("Variables Summary", tuple(lines)))
    out.append(Section("Observation Summary", (
        f"Number of observations in common: {r.rows_in_both}",
        f"Number of observations in BASE but not in COMPARE: {r.rows_only_in_base}",
        f"Number of observations in COMPARE but not in BASE: {r.rows_only_in_compare}",
        f"Number of observations with some compared variables unequal: {r.rows_with_unequal}",
        f"Number of observations with all compared variables equal: {r.rows_in_both - r.rows_with_unequal}")))
    vals = r.value_variables
    out.append(Section(
        "Values Comparison Summary",
        (f"Number of values compared: {r.values_compared}", f"Number of values unequal: {r.values_unequal}"),
        ("Variable", "Type", "Compared", "Unequal", "Max abs diff", "Max rel diff"),
        tuple((v.name, v.base_type if not v.type_conflict else "conflict", str(v.compared), str(v.unequal),
               fmt_e(v.max_abs_diff), fmt_e(v.max_rel_diff)) for v in vals),
        (False, False, True, True, True, True)))
    out += _listings(r)
    out.append(Section("Result", (_result_line(r),)))
    return out


def _result_line(r: CompareResult) -> str:
    if r.equal:
        how = "exactly equal" if r.options.method == "exact" else f"equal within {r.options.describe}"
        return f"no differences: all {r.values_compared} values compared are {how}"
    return r.verdict


def _listings(r: CompareResult) -> list[Section]:
    out = []
    if r.only_in_base or r.only_in_compare:
        rows = [(v, "BASE") for v in r.only_in_base] + [(v, "COMPARE") for v in r.only_in_compare]
        out.append(Section("Variables Only in One Data Set", (), ("Variable", "Only in"), tuple(rows)))
    if r.type_conflicts:
        out.append(Section("Variables with Conflicting Types (not compared)", (), ("Variable", "BASE", "COMPARE"),
                           tuple((v.name, v.base_type, v.compare_type) for v in r.type_conflicts)))
    if r.label_conflicts:
        out.append(Section("Variables with Differing Labels", (), ("Variable", "BASE label", "COMPARE label"),
                           tuple((v.name, v.base_label, v.compare_label) for v in r.label_conflicts)))
    keys = r.keys or ("Obs",)
    for side, n, shown in (("BASE", r.rows_only_in_base, r.only_base_keys),
                           ("COMPARE", r.rows_only_in_compare, r.only_compare_keys)):
        if n:
            other = "COMPARE" if side == "BASE" else "BASE"
            note = (f"showing the first {len(shown)} of {n}",) if len(shown) < n else ()
            out.append(Section(f"Observations in {side} but not in {other}", note, tuple(keys),
                               tuple(tuple(fmt_value(x) for x in k) for k in shown)))
    for v in r.value_variables:
        if not v.unequal:
            continue
        diffs = [d for d in r.differences if d.variable == v.name]
        note = (f"showing the first {len(diffs)} of {v.unequal}",) if len(diffs) < v.unequal else ()
        numeric = v.base_type == "numeric"
        heads = (*keys, "BASE", "COMPARE", *(("Abs diff", "Rel diff") if numeric else ()))
        rows = tuple((*(fmt_value(x) for x in d.key), fmt_value(d.base), fmt_value(d.compare),
                      *((fmt_e(d.abs_diff), fmt_e(d.rel_diff)) if numeric else ())) for d in diffs)
        right = tuple([False] * len(keys) + [numeric, numeric] + ([True, True] if numeric else []))
        out.append(Section(f"Values of {v.name} that differ", note, heads, rows, right))
    return out


# --- terminal ----------------------------------------------------------------------------------------


def report_text(result: CompareResult) -> str:
    """The report as plain text for the terminal."""
    title = report_title(result)
    parts = [title, "=" * min(len(title), 100)]
    for s in report_sections(result):
        parts += ["", s.title, "-" * len(s.title)]
        parts += [f"  {line}" for line in s.lines]
        if s.headers:
            if s.lines:
                parts.append("")
            parts += text_table(s.headers, s.rows, s.right_align)
    return "\n".join(parts) + "\n"


def text_table(headers, rows, right_align=(), indent: str = "  ") -> list[str]:
    """Aligned columns; long values cut to CELL_CAP characters with '...'."""
    cut = [[_cap(c) for c in r] for r in rows]
    heads = [_cap(h) for h in headers]
    widths = [max(len(x) for x in col) for col in zip(heads, *cut, strict=True)]
    right = list(right_align) + [False] * (len(headers) - len(right_align))

    def line(cells) -> str:
        return indent + "  ".join(c.rjust(w) if r else c.ljust(w)
                                  for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    return [line(heads), indent + "  ".join("-" * w for w in widths), *(line(r) for r in cut)]


def _cap(text: str) -> str:
    text = str(text).replace("\n", " ")
    return text if len(text) <= CELL_CAP else text[:CELL_CAP - 3] + "..."


# --- DOCX ----------------------------------------------------------------------------------------------


def write_report_docx(result: CompareResult, path: Path | str) -> Path:
    """The report as a Word document (landscape, one table per section)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = docx.Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    style = doc.styles["Normal"]
    style.font.name = "Courier New"
    style.font.size = Pt(9)
    style.paragraph_format.space_after = Pt(0)
    doc.add_heading(report_title(result), level=1)
    for s in report_sections(result):
        doc.add_heading(s.title, level=2)
        for line in s.lines:
            doc.add_paragraph(line)
        if s.headers:
            table = doc.add_table(rows=1 + len(s.rows), cols=len(s.headers))
            table.style = "Table Grid"
            right = list(s.right_align) + [False] * len(s.headers)
            for i, row in enumerate([s.headers, *s.rows]):
                for j, text in enumerate(row):
                    cell = table.cell(i, j)
                    cell.text = str(text)
                    para = cell.paragraphs[0]
                    if i == 0:
                        for run in para.runs:
                            run.bold = True
                    elif right[j]:
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = Path(path)
    save_package(doc.save, path)
    return path


# --- XLSX ----------------------------------------------------------------------------------------------


def write_report_xlsx(result: CompareResult, path: Path | str) -> Path:
    """The report as a workbook: "Summary" (the sections) and "Differences" (one row per differing value,
    with numbers as numbers, for filtering)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    bold = Font(bold=True)
    def put(sheet, values) -> None:  # text stays text: "=HYPERLINK(...)" of a QC file is never a formula
        values = list(values)
        sheet.append(values)
        keep_text(sheet, sheet.max_row, values)

    put(ws, [report_title(result)])
    ws["A1"].font = Font(bold=True, size=12)
    for s in report_sections(result):
        ws.append([])
        put(ws, [s.title])
        ws.cell(ws.max_row, 1).font = bold
        for line in s.lines:
            put(ws, [line])
        if s.headers:
            put(ws, s.headers)
            for c in ws[ws.max_row]:
                c.font = bold
            for row in s.rows:
                put(ws, row)
    ws.column_dimensions["A"].width = 40
    for col in "BCDEFGHIJ":
        ws.column_dimensions[col].width = 18
    dws = wb.create_sheet("Differences")
    keys = list(result.keys or ("Obs",))
    put(dws, ["Variable", *keys, "BASE", "COMPARE", "Abs diff", "Rel diff"])
    for c in dws[1]:
        c.font = bold
    for d in result.differences:
        put(dws, [d.variable, *(_excel(x) for x in d.key), _excel(d.base), _excel(d.compare), d.abs_diff,
                  d.rel_diff])
    dws.freeze_panes = "A2"
    path = Path(path)
    save_package(wb.save, path)
    return path


def _excel(v):
    """A value an XLSX cell holds as is: numbers as numbers, anything else as its text (which `put` keeps
    as text: no formula from '=...')."""
    if v is None or isinstance(v, (int, float)):
        return v
    return str(v)
