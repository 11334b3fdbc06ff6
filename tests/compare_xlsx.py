"""Compare two builds' XLSX files as a reader sees them (openpyxl), not byte for byte: for a change in how
XLSX are written that must not change what they hold.

    python tests/compare_xlsx.py BASE_DIR HEAD_DIR      # e.g. the folders TLF_COMPARE_KEEP keeps

For every .xlsx under BASE_DIR and its namesake under HEAD_DIR: the sheet names; every cell's value and
type; the number format, font (name, size, bold), alignment (horizontal, vertical, indent, wrap) and
top/bottom rules of every cell either file has (a font without name or size: the default, Calibri 11); merged ranges; frozen panes; column widths; row heights
(to Excel's pixel, as XlsxWriter stores them);
print titles, orientation, paper, margins (of a sheet with a print setup), fit to width, header and footer;
the autofilter; pictures
(count and anchor cell); the title and identifier properties. Prints each kind of difference once per
file with an example and the count; exit 0 when none.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path


def _style(cell) -> tuple:
    f, a, b = cell.font, cell.alignment, cell.border
    return (cell.number_format if cell.value is not None else None, f.name or "Calibri", f.size or 11, bool(f.b),
            a.horizontal, a.vertical or "bottom", int(a.indent or 0), bool(a.wrap_text),  # absent: bottom
            getattr(b.top, "style", None), getattr(b.bottom, "style", None))


def _sheet(ws) -> dict[str, object]:
    ps, pm = ws.page_setup, ws.page_margins
    out: dict[str, object] = {
        "merged": sorted(str(r) for r in ws.merged_cells.ranges if r.size["rows"] * r.size["columns"] > 1),
        "freeze": ws.freeze_panes,
        "widths": {j: d.width for d in ws.column_dimensions.values() if d.customWidth
                   for j in range(d.min or 0, (d.max or d.min or 0) + 1)},  # a <col> may cover several columns
        "heights": {k: round(d.height * 4 / 3) for k, d in ws.row_dimensions.items() if d.height},  # in pixels
        "print": (ws.print_title_rows, ps.orientation, int(ps.paperSize or 0), ps.fitToWidth or 1, ps.fitToHeight,
                  ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                  # margins where the sheet has a print setup (else each library writes its own defaults)
                  (pm.left, pm.right, pm.top, pm.bottom) if ps.orientation else None),
        "header": tuple(p.text for p in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right)),
        "footer": tuple(p.text for p in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right)),
        "autofilter": ws.auto_filter.ref,
        "pictures": [(i.anchor._from.row, i.anchor._from.col) for i in ws._images],
    }
    return out


def compare(a: Path, b: Path) -> list[tuple[str, str, int]]:
    """(kind of difference, an example, how many) for one pair of files."""
    from openpyxl import load_workbook

    wa, wb = load_workbook(a), load_workbook(b)
    found: Counter[str] = Counter()
    example: dict[str, str] = {}

    def diff(kind: str, where: str, x: object, y: object) -> None:
        found[kind] += 1
        example.setdefault(kind, f"{where}: {x!r} vs {y!r}")

    if wa.sheetnames != wb.sheetnames:
        diff("sheet names", "", wa.sheetnames, wb.sheetnames)
    for key in ("title", "identifier", "creator"):
        if getattr(wa.properties, key) != getattr(wb.properties, key):
            diff(f"property {key}", "", getattr(wa.properties, key), getattr(wb.properties, key))
    for name in [n for n in wa.sheetnames if n in wb.sheetnames]:
        sa, sb = wa[name], wb[name]
        for coord in sorted(set(sa._cells) | set(sb._cells)):
            ca, cb = sa.cell(*coord), sb.cell(*coord)
            where = f"{name}!{ca.coordinate}"
            if (ca.value, type(ca.value)) != (cb.value, type(cb.value)):
                diff("cell value", where, ca.value, cb.value)
            if ca.value is None and cb.value is None:
                ta, tb = _style(ca)[8:], _style(cb)[8:]  # an empty cell: only its rules show
                if ta != tb:
                    diff("empty cell rules", where, ta, tb)
            elif _style(ca) != _style(cb):
                diff("cell format", where, _style(ca), _style(cb))
        pa, pb = _sheet(sa), _sheet(sb)
        for key in pa:
            if pa[key] != pb[key]:
                diff(f"sheet {key}", name, pa[key], pb[key])
    return [(kind, example[kind], n) for kind, n in found.items()]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    base, head = Path(argv[0]), Path(argv[1])
    files = sorted(p.relative_to(base) for p in base.rglob("*.xlsx"))
    bad = 0
    for rel in files:
        if not (head / rel).is_file():
            print(f"missing: {rel}")
            bad += 1
            continue
        found = compare(base / rel, head / rel)
        bad += bool(found)
        for kind, ex, n in found:
            print(f"{rel}: {kind} x{n}, e.g. {ex}")
    print(f"{len(files)} XLSX files compared, {bad} with differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
