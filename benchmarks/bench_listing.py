"""Time a 10,000-record listing end to end (a script, not a test).

    python benchmarks/bench_listing.py [--rows 10000] [--no-naive] [--libreoffice]

Writes a synthetic study (ADSL + a 12-column AE-like dataset, CSV) to a temporary folder and prints
wall times for: reading and selecting the records, the listing layout, pagination, render_listing_docx
(one w:tbl per page, header rows repeated), render_listing_xlsx, python-docx filling the
same 10,000 x 12 cells one by one (add_table + add_row + cell.text), and, with --libreoffice, the
DOCX -> PDF conversion in LibreOffice (pages counted against the pages planned).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NCOL = 12
ARMS = ("Placebo", "Drug 10 mg", "Drug 20 mg", "Drug 40 mg")
TERMS = (("Infections and infestations", "Nasopharyngitis"), ("Gastrointestinal disorders", "Nausea"),
         ("Nervous system disorders", "Headache"), ("Skin and subcutaneous tissue disorders", "Rash"),
         ("Musculoskeletal and connective tissue disorders", "Back pain"),
         ("General disorders and administration site conditions", "Fatigue"))

STUDY = """\
study: {id: BENCH-001, title: Listing benchmark}
data:
  dir: data
  datasets:
    adsl: {file: adsl.csv}
    adae: {file: adae.csv}
populations:
  SAF: {label: Safety Population, where: "SAFFL == 'Y'", flag: SAFFL}
columns:
  arms:
    - {id: a, label: All, var: TRT01A, value: [ARMS]}
""".replace("ARMS", ", ".join(ARMS))

LISTING = """\
id: l-bench
type: listing
number: "Listing 16.2.7.9"
title: "All Adverse Events (benchmark)"
population: SAF
page: {font_size: 8}
dataset: adae
subject_vars: [TRTSDT]
sort: [{var: TRTA, order: [ARMS]}, USUBJID, ASTDT, AESEQ]
columns:
  - {var: TRTA, label: "Treatment", width: 1.0, key: true}
  - {var: USUBJID, label: "Subject", width: 0.8, key: true}
  - {var: AESEQ, label: "Seq", format: integer, width: 0.35, align: right}
  - {var: AEBODSYS, label: "System organ class", width: 2.3}
  - {var: AEDECOD, label: "Preferred term", width: 1.0}
  - {var: ASTDT, label: "Start date", format: date, width: 0.8}
  - {var: ASTDT, label: "Day", format: studyday, ref: TRTSDT, width: 0.4, align: right}
  - {var: AENDT, label: "End date", format: date, width: 0.8}
  - {var: AESEV, label: "Severity", width: 0.7}
  - {var: AESER, label: "Serious", width: 0.5}
  - {var: AEREL, label: "Related", width: 0.55}
  - {var: AEOUT, label: "Outcome", width: 1.0}
""".replace("ARMS", ", ".join(f'"{a}"' for a in ARMS))


def write_study(root: Path, n_rows: int) -> Path:
    """A study whose listing has n_rows records (about 20 per subject), as CSV with SAS numeric dates."""
    rng = random.Random(20240101)
    n_subj = max(1, n_rows // 20)
    specs = root / "specs"
    (specs / "data").mkdir(parents=True)
    adsl = ["USUBJID,TRT01A,SAFFL,TRTSDT"]
    start = {}
    for i in range(n_subj):
        sid = f"BENCH-{i + 1:05d}"
        start[sid] = 20000 + rng.randrange(0, 700)  # SAS date (days since 1960-01-01)
        adsl.append(f"{sid},{ARMS[i % len(ARMS)]},Y,{start[sid]}")
    adae = ["USUBJID,TRTA,AESEQ,AEBODSYS,AEDECOD,ASTDT,AENDT,AESEV,AESER,AEREL,AEOUT"]
    for k in range(n_rows):
        sid = f"BENCH-{k % n_subj + 1:05d}"
        soc, pt = TERMS[rng.randrange(len(TERMS))]
        st = start[sid] + rng.randrange(-5, 200)
        adae.append(f'{sid},{ARMS[(k % n_subj) % len(ARMS)]},{k // n_subj + 1},"{soc}",{pt},{st},{st + rng.randrange(0, 30)},'
                    f'{rng.choice(("MILD", "MODERATE", "SEVERE"))},{rng.choice("NY")},'
                    f'{rng.choice(("RELATED", "NOT RELATED"))},{rng.choice(("RECOVERED/RESOLVED", "NOT RECOVERED"))}')
    (specs / "data" / "adsl.csv").write_text("\n".join(adsl) + "\n")
    (specs / "data" / "adae.csv").write_text("\n".join(adae) + "\n")
    (specs / "study.yaml").write_text(STUDY)
    (specs / "l-bench.yaml").write_text(LISTING)
    return specs


def naive_docx(table, path: Path) -> None:
    """The slow way: python-docx's table API, one cell at a time."""
    import docx

    doc = docx.Document()
    tbl = doc.add_table(rows=1, cols=len(table.columns))
    for j, col in enumerate(table.columns):
        tbl.rows[0].cells[j].text = col.label
    for row in table.rows:
        cells = tbl.add_row().cells
        for j, text in enumerate(row.cells):
            cells[j].text = text
    doc.save(str(path))


def timed(label: str, func, *args):
    start = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:8.2f} s", flush=True)
    return result, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000, help="listing records (default 10000)")
    parser.add_argument("--no-naive", action="store_true", help="skip the cell-by-cell python-docx run")
    parser.add_argument("--libreoffice", action="store_true", help="also convert the DOCX to PDF in LibreOffice")
    args = parser.parse_args(argv)

    from tlf.build import prepare
    from tlf.listings.from_spec import record_query
    from tlf.listings.layout import layout_listing
    from tlf.listings.records import select_records
    from tlf.render.listing_docx import render_listing_docx
    from tlf.render.listing_xlsx import render_listing_xlsx
    from tlf.render.paginate import paginate
    from tlf.spec.validate import load_study

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        specs = write_study(out / "study", args.rows)
        study = load_study(specs)
        entry = study.output("l-bench")
        (data, pops, _), _ = timed("read data, derive populations", prepare, study, None)
        query = record_query(entry.spec)

        def select():
            return select_records(data.dataset(query.dataset).frame, data.subjects, pops[query.population].subjects,
                                  query, subject_id=data.subject_id, subject_dataset=data.subject_dataset,
                                  error=entry.error)

        records, _ = timed("select and sort records", select)
        listing, _ = timed("layout_listing (format cells, keys)", layout_listing, study, entry, records)
        print(f"  -> {len(records)} records x {len(listing.table.columns)} columns")
        pages, _ = timed("paginate", lambda: [p for part in listing.parts() for p in paginate(part)])
        print(f"  -> {len(pages)} pages planned")
        _, fast = timed("render_listing_docx (w:tbl XML text per page)", render_listing_docx, listing, out / "l.docx")
        print(f"  -> {(out / 'l.docx').stat().st_size / 1e6:.1f} MB")
        timed("render_listing_xlsx (XlsxWriter constant_memory)", render_listing_xlsx, listing, out / "l.xlsx", records)
        print(f"  -> {(out / 'l.xlsx').stat().st_size / 1e6:.1f} MB")
        if not args.no_naive:
            _, slow = timed("python-docx cell by cell (add_row + .text)", naive_docx, listing.table, out / "slow.docx")
            print(f"  -> {slow / fast:.0f}x slower than render_listing_docx")
        if args.libreoffice:
            office = shutil.which("libreoffice") or shutil.which("soffice")
            if office is None:
                print("LibreOffice not found; skipping the PDF conversion")
                return 0
            cmd = [office, f"-env:UserInstallation=file://{out / 'lo-profile'}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(out), str(out / "l.docx")]
            timed("LibreOffice DOCX -> PDF", lambda: subprocess.run(cmd, check=True, capture_output=True, timeout=600))
            if shutil.which("pdfinfo"):
                info = subprocess.run(["pdfinfo", str(out / "l.pdf")], capture_output=True, text=True).stdout
                got = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
                print(f"  -> {got} PDF pages ({len(pages)} planned)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
