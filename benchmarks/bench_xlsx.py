"""XLSX and the DOCX listing at size, against floors that only write the same cells (a script, not a test).

    python benchmarks/bench_xlsx.py [--rows 50000] [--repeat 3] [--only table,listing,docx] [--tlf DIR]

For a table of --rows body rows (benchmarks/bench_render.py's synthetic table: groups of a label row
and 11 indented rows, 10 columns under two spanners) and a listing of --rows records (benchmarks/
bench_listing.py's synthetic AE study, 12 columns, four page-by-less treatment groups of keys), prints
the CPU time (``time.process_time``, median of --repeat runs, the cases interleaved in one process) of:

- tlf's ``render_xlsx`` of the table, and its floor: XlsxWriter in constant-memory mode writing the
  same cells (title block merged, spanner and header rows, stub indented, body, footnotes; the same
  handful of formats; column widths, frozen panes, print setup);
- tlf's ``render_listing_xlsx`` of the listing with its records sheet, and its floor: XlsxWriter in
  constant-memory mode writing the listing sheet's and the records sheet's cells;
- tlf's ``render_listing_docx`` of the listing, and its floor: the same pages' ``w:tbl`` OOXML written as
  strings (one table per planned page, header row repeated, a rule under it) into a zip with a minimal
  document (content types, package relationships, document.xml), deflated at the same level.

The floors are given their cells ready (Python values, the page plan) outside the timing: they measure
only the writing. Ratios tlf / floor are printed; the goals (issue 20) are 1.5x for XLSX and 2x for the
DOCX listing. --tlf DIR imports tlf from DIR instead of this checkout (e.g. an older revision
unpacked with ``git archive``), to measure before and after against the same floors.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]


def cpu(func, *args) -> float:
    start = time.process_time()
    func(*args)
    return time.process_time() - start


# --- the floors -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def table_cells(table) -> list[list]:
    """The table sheet's body cells as the floor writes them: row label, then one number as a float,
    anything else as text (what tlf stores; the synthetic cells are all composite text)."""
    out = []
    for row in table.rows:
        cells = [row.label, row.indent]
        for text in row.cells:
            cells.append(float(text) if _NUMBER.fullmatch(text) else text)
        out.append(cells)
    return out


def xlsx_table_floor(table, cells: list[list], path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet(table.output_id)
    base = {"font_name": table.page.font, "font_size": table.page.font_size}
    title = wb.add_format({**base, "align": "center", "valign": "vcenter"})
    head = wb.add_format({**base, "align": "center", "valign": "bottom", "text_wrap": True, "top": 1, "bottom": 1})
    body = wb.add_format({**base, "align": "center", "valign": "top"})
    num = wb.add_format({**base, "align": "center", "valign": "top", "num_format": "0.0"})
    left = wb.add_format({**base, "align": "left", "valign": "top"})
    indents = {k: wb.add_format({**base, "align": "left", "valign": "top", "indent": k, "text_wrap": True})
               for k in range(4)}
    ncol = len(table.columns)
    ws.set_column(0, 0, 30)
    ws.set_column(1, ncol, 14)
    ws.freeze_panes(len(table.header_lines) + 3, 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, len(table.header_lines) + 2)
    ws.set_footer("&RPage &P of &N")
    r = 0
    for line in table.header_lines:
        ws.merge_range(r, 0, r, ncol, line, title)
        r += 1
    r += 1
    ws.write_blank(r, 0, None, head)
    runs = table.spanner_runs()
    for text, a, b in runs:
        if b > a:
            ws.merge_range(r, a + 1, r, b + 1, text, head)
        else:
            ws.write_string(r, a + 1, text, head)
    r += 1
    ws.write_string(r, 0, table.stub_header, head)
    for j, col in enumerate(table.columns, start=1):
        ws.write_string(r, j, f"{col.label}\n{col.n_label}", head)
    r += 1
    for row in cells:
        ws.write_string(r, 0, row[0], indents[min(3, row[1])])
        for j, value in enumerate(row[2:], start=1):
            if isinstance(value, float):
                ws.write_number(r, j, value, num)
            elif value:
                ws.write_string(r, j, value, body)
        r += 1
    r += 1
    for note in (*table.footnotes, table.provenance):
        ws.write_string(r, 0, note, left)
        r += 1
    wb.close()


def record_cells(records) -> tuple[list[str], list[list]]:
    """The records sheet's cells as Python values (missing as None), row by row."""
    import pandas as pd

    names = [str(c) for c in records.columns]
    columns = []
    for j in range(len(names)):
        s = records.iloc[:, j]
        gone = s.isna().tolist()
        vals = [None if g else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
                for v, g in zip(s.tolist(), gone, strict=True)]
        columns.append(vals)
    return names, [list(r) for r in zip(*columns, strict=True)]


def xlsx_listing_floor(listing, names: list[str], rows: list[list], path: Path) -> None:
    import datetime

    import xlsxwriter

    table = listing.table
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet(table.output_id)
    base = {"font_name": table.page.font, "font_size": table.page.font_size}
    title = wb.add_format({**base, "align": "center", "valign": "vcenter"})
    head = wb.add_format({**base, "align": "center", "valign": "bottom", "text_wrap": True, "top": 1, "bottom": 1})
    left = wb.add_format({**base, "align": "left", "valign": "top"})
    cell = wb.add_format({**base, "align": "left", "valign": "top", "text_wrap": True})
    ncol = len(table.columns)
    ws.set_column(0, ncol - 1, 14)
    ws.freeze_panes(len(table.header_lines) + 2, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, len(table.header_lines) + 1)
    ws.set_footer("&RPage &P of &N")
    r = 0
    for line in table.header_lines:
        ws.merge_range(r, 0, r, ncol - 1, line, title)
        r += 1
    r += 1
    for j, col in enumerate(table.columns):
        ws.write_string(r, j, col.label, head)
    r += 1
    starts = {g.first: g.heading for g in listing.groups if g.heading}
    for k, row in enumerate(table.rows):
        if k in starts:
            ws.merge_range(r, 0, r, ncol - 1, starts[k], left)
            r += 1
        for j, text in enumerate(row.cells):
            if text:
                ws.write_string(r, j, text, cell)
        r += 1
    r += 1
    for note in (*table.footnotes, table.provenance):
        ws.write_string(r, 0, note, left)
        r += 1
    data = wb.add_worksheet("Data")
    bold = wb.add_format({"bold": True})
    when = wb.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
    data.freeze_panes(1, 0)
    data.autofilter(0, 0, len(rows), len(names) - 1)
    data.set_column(0, len(names) - 1, 14)
    for j, name in enumerate(names):
        data.write_string(0, j, name, bold)
    for i, values in enumerate(rows, start=1):
        for j, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, str):
                data.write_string(i, j, v)
            elif isinstance(v, datetime.datetime):
                data.write_datetime(i, j, v, when)
            else:
                data.write_number(i, j, v)
    wb.close()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
       'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
       '/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
         '.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_RULE = '<w:{0} w:val="single" w:sz="6" w:space="0" w:color="000000"/>'


def docx_pages(listing):
    """The page plan and column widths the floor writes (tlf's, computed outside the timing)."""
    from tlf.render.docx_table import grid_twips
    from tlf.render.paginate import paginate

    return [(grid_twips(part), [p.rows for p in paginate(part)]) for part in listing.parts()]


def docx_listing_floor(listing, plan, path: Path) -> None:
    """The listing's pages as w:tbl strings in a minimal DOCX."""
    labels = [c.label for c in listing.table.columns]
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W}><w:body>']
    first = True
    for twips, pages in plan:
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
        head_cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:tcBorders>{_RULE.format("top")}{_RULE.format("bottom")}'
            f'</w:tcBorders><w:vAlign w:val="bottom"/></w:tcPr><w:p><w:r><w:t xml:space="preserve">{escape(t)}</w:t>'
            "</w:r></w:p></w:tc>" for w, t in zip(twips, labels, strict=True))
        head = f'<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head_cells}</w:tr>'
        for rows in pages:
            if not first:
                out.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            first = False
            out.append(f'<w:tbl><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
                       f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{head}')
            last = len(rows) - 1
            for i, row in enumerate(rows):
                rule = f"<w:tcBorders>{_RULE.format('bottom')}</w:tcBorders>" if i == last else ""
                out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
                for w, text in zip(twips, row.cells, strict=True):
                    t = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
                    out.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{rule}</w:tcPr><w:p>{t}</w:p></w:tc>')
                out.append("</w:tr>")
            out.append("</w:tbl>")
    out.append("<w:sectPr/></w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", "".join(out).encode())


# --- the run ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50000, help="table rows and listing records (default 50000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (median; default 3)")
    parser.add_argument("--only", default="table,listing,docx", help="cases: table, listing, docx (default: all)")
    parser.add_argument("--tlf", type=Path, default=ROOT, help="folder to import tlf from (default: this checkout)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))  # benchmarks.*
    sys.path.insert(0, str(args.tlf.resolve()))

    import tlf
    from benchmarks.bench_listing import write_study
    from benchmarks.bench_render import synthetic_table
    from tlf.build import prepare
    from tlf.listings.from_spec import record_query
    from tlf.listings.layout import layout_listing
    from tlf.listings.records import select_records
    from tlf.render.listing_docx import render_listing_docx
    from tlf.render.listing_xlsx import render_listing_xlsx
    from tlf.render.xlsx import render_xlsx
    from tlf.spec.validate import load_study

    only = set(args.only.split(","))
    print(f"tlf from {Path(tlf.__file__).parent}; {args.rows:,} rows; CPU seconds, median of {args.repeat}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        table = synthetic_table(args.rows)
        specs = write_study(out / "study", args.rows)
        study = load_study(specs)
        entry = study.output("l-bench")
        data, pops, _ = prepare(study, None)
        query = record_query(entry.spec)
        records = select_records(data.dataset(query.dataset).frame, data.subjects, pops[query.population].subjects,
                                 query, subject_id=data.subject_id, subject_dataset=data.subject_dataset,
                                 error=entry.error)
        listing = layout_listing(study, entry, records)
        cells = table_cells(table)
        names, rec_rows = record_cells(records)
        plan = docx_pages(listing) if "docx" in only else None
        render_xlsx(synthetic_table(50), out / "warm.xlsx")  # imports not timed
        xlsx_table_floor(synthetic_table(50), table_cells(synthetic_table(50)), out / "warm-floor.xlsx")

        cases = []
        if "table" in only:
            cases += [("table XLSX: tlf render_xlsx", lambda: render_xlsx(synthetic_table(args.rows), out / "t.xlsx")),
                      ("table XLSX: floor (XlsxWriter constant_memory)",
                       lambda: xlsx_table_floor(table, cells, out / "t-floor.xlsx"))]
        if "listing" in only:
            cases += [("listing XLSX: tlf render_listing_xlsx", lambda: render_listing_xlsx(listing, out / "l.xlsx",
                                                                                             records)),
                      ("listing XLSX: floor (XlsxWriter constant_memory)",
                       lambda: xlsx_listing_floor(listing, names, rec_rows, out / "l-floor.xlsx"))]
        if "docx" in only:
            cases += [("listing DOCX: tlf render_listing_docx", lambda: render_listing_docx(listing, out / "l.docx")),
                      ("listing DOCX: floor (OOXML strings, zip)", lambda: docx_listing_floor(listing, plan,
                                                                                              out / "l-floor.docx"))]
        times: dict[str, list[float]] = {label: [] for label, _ in cases}
        for _ in range(args.repeat):
            for label, run in cases:
                times[label].append(cpu(run))
        med = {label: statistics.median(ts) for label, ts in times.items()}
        for label, _ in cases:
            runs = ", ".join(f"{t:.2f}" for t in times[label])
            print(f"{label:<50} {med[label]:7.2f} s   ({runs})")
        print()
        for name, goal in (("table XLSX", 1.5), ("listing XLSX", 1.5), ("listing DOCX", 2.0)):
            pair = [m for label, m in med.items() if label.startswith(name)]
            if len(pair) == 2 and pair[1] > 0:
                print(f"{name:<14} tlf / floor = {pair[0] / pair[1]:.2f}x (goal {goal}x)")
        sizes = {p.name: p.stat().st_size for p in out.glob("*.*x") if p.is_file()}
        print("sizes (MB): " + ", ".join(f"{n} {s / 1e6:.1f}" for n, s in sorted(sizes.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
