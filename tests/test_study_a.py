"""Study A end to end: `tlf build all` output read back from XLSX and DOCX equals the publication.

The expected values below are typed from ../shared/study/cc220-sle-001.md (Table 1 and Table 2 of
the publication), not copied from tlf's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import sheet_texts
from tests.office import needs_office, pdf_text, to_pdfs

REPO = Path(__file__).resolve().parents[1]
COLS = 7  # PBO, QOD03, QD03, ALT0603, QD06, ATEP 0.3 QD, ATEP ALTN

TABLE1 = [
    ("Completed", "7 (88) | 6 (75) | 7 (88) | 7 (78) | 6 (67) | 6 (67) | 1 (13)"),
    ("Discontinued", "1 (13) | 2 (25) | 1 (13) | 2 (22) | 3 (33) | 3 (33) | 7 (88)"),
    ("Adverse event", "1 (13) | 0 | 0 | 2 (22) | 3 (33) | 1 (11) | 4 (50)"),
    ("Withdrawal by patient", "0 | 1 (13) | 0 | 0 | 0 | 1 (11) | 1 (13)"),
    ("Lack of efficacy", "0 | 0 | 0 | 0 | 0 | 0 | 0"),
    ("Lost to follow-up", "0 | 1 (13) | 0 | 0 | 0 | 0 | 2 (25)"),
    ("Other", "0 | 0 | 1 (13) | 0 | 0 | 1 (11) | 0"),
    ("Continued to part 2", "3 (38) | 2 (25) | 5 (63) | 3 (33) | 4 (44) | NA | NA"),
    ("Age, years", "44.8 (6.6) | 46.0 (8.6) | 48.0 (10.9) | 49.8 (13.1) | 47.2 (13.6) | 51.2 (10.2) | 47.1 (13.7)"),
    ("Female", "7 (88) | 8 (100) | 7 (88) | 8 (89) | 9 (100) | 8 (89) | 8 (100)"),
    ("White", "5 (63) | 6 (75) | 4 (50) | 7 (78) | 5 (56) | 4 (44) | 6 (75)"),
    ("Black or African American", "2 (25) | 2 (25) | 4 (50) | 1 (11) | 4 (44) | 5 (56) | 1 (13)"),
    ("Other", "1 (13) | 0 | 0 | 1 (11) | 0 | 0 | 1 (13)"),
    ("Weight, kg", "82.0 (13.2) | 78.5 (13.7) | 96.3 (26.1) | 74.3 (14.8) | 76.5 (21.5) | 87.5 (9.4) | 67.5 (11.8)"),
    ("Duration of SLE, years", "13.3 (10.0) | 7.9 (9.7) | 9.8 (9.2) | 8.2 (4.3) | 10.5 (8.3) | 8.9 (9.0) | 12.2 (8.3)"),
    ("CLASI score", "4.3 (5.9) | 17.6 (12.9) | 6.3 (9.1) | 8.4 (8.6) | 12.4 (16.5) | 7.2 (9.0) | 12.3 (10.1)"),
    (">= 1 tender joint", "6 (75) | 6 (75) | 7 (88) | 8 (89) | 6 (67) | 7 (78) | 3 (38)"),
    (">= 1 swollen joint", "5 (63) | 5 (63) | 6 (75) | 8 (89) | 4 (44) | 6 (67) | 2 (25)"),
    ("hSS score", "6.8 (1.8) | 8.4 (4.1) | 5.5 (2.1) | 6.7 (3.2) | 5.7 (1.9) | 4.9 (2.9) | 6.3 (2.1)"),
    ("PGA score", "0.95 (0.52) | 1.50 (0.65) | 1.50 (0.61) | 1.22 (0.35) | 1.40 (0.60) | 1.17 (0.78) | 1.08 (0.62)"),
]
TABLE1_N = ["8", "8", "8", "9", "9", "9", "8"]

TABLE2 = [
    ("Any TEAE", "5 (62.5) | 7 (87.5) | 7 (87.5) | 8 (88.9) | 8 (88.9) | 9 (100) | 7 (87.5)"),
    ("Any treatment-related TEAE", "1 (12.5) | 2 (25.0) | 2 (25.0) | 4 (44.4) | 6 (66.7) | 2 (22.2) | 5 (62.5)"),
    ("Severe TEAE", "1 (12.5) | 0 | 0 | 1 (11.1) | 2 (22.2) | 0 | 5 (62.5)"),
    ("Serious TEAE", "2 (25.0) | 0 | 0 | 1 (11.1) | 1 (11.1) | 0 | 4 (50.0)"),
    ("Any serious treatment-related TEAE", "0 | 0 | 0 | 0 | 1 (11.1) | 0 | 0"),
    ("TEAEs leading to drug withdrawal", "1 (12.5) | 0 | 0 | 2 (22.2) | 3 (33.3) | 1 (11.1) | 4 (50.0)"),
    ("TEAEs leading to death", "0 | 0 | 0 | 0 | 0 | 0 | 0"),
    ("Upper respiratory tract infection", "1 (12.5) | 1 (12.5) | 1 (12.5) | 1 (11.1) | 1 (11.1) | 4 (44.4) | 3 (37.5)"),
    ("Diarrhoea", "1 (12.5) | 1 (12.5) | 1 (12.5) | 2 (22.2) | 2 (22.2) | 1 (11.1) | 3 (37.5)"),
    ("Nausea", "1 (12.5) | 1 (12.5) | 3 (37.5) | 3 (33.3) | 0 | 2 (22.2) | 0"),
    ("Bronchitis", "0 | 0 | 2 (25.0) | 0 | 0 | 3 (33.3) | 3 (37.5)"),
    ("Urinary tract infection", "0 | 1 (12.5) | 0 | 1 (11.1) | 0 | 2 (22.2) | 2 (25.0)"),
    ("Neutropenia", "0 | 0 | 0 | 1 (11.1) | 2 (22.2) | 1 (11.1) | 1 (12.5)"),
    ("Pneumonia", "0 | 0 | 0 | 2 (22.2) | 1 (11.1) | 1 (11.1) | 1 (12.5)"),
    ("Cough", "0 | 0 | 0 | 1 (11.1) | 1 (11.1) | 0 | 2 (25.0)"),
    ("Nasopharyngitis", "1 (12.5) | 0 | 0 | 0 | 1 (11.1) | 2 (22.2) | 0"),
    ("Pain in extremity", "0 | 1 (12.5) | 0 | 0 | 1 (11.1) | 2 (22.2) | 0"),
    ("Vitamin D deficiency", "0 | 0 | 1 (12.5) | 2 (22.2) | 1 (11.1) | 0 | 0"),
    ("Vomiting", "1 (12.5) | 0 | 1 (12.5) | 1 (11.1) | 1 (11.1) | 0 | 0"),
    ("Maculopapular rash", "0 | 1 (12.5) | 0 | 1 (11.1) | 1 (11.1) | 0 | 0"),
    ("Musculoskeletal pain", "0 | 0 | 0 | 0 | 0 | 1 (11.1) | 2 (25.0)"),
    ("Osteoarthritis", "0 | 0 | 0 | 1 (11.1) | 0 | 2 (22.2) | 0"),
    ("Sinusitis", "0 | 0 | 0 | 0 | 0 | 2 (22.2) | 1 (12.5)"),
]
TABLE2_N = ["8", "8", "8", "9", "9", "9", "8"]


def expected(rows):
    return [(label, [c.strip() for c in cells.split("|")]) for label, cells in rows]


@pytest.fixture(scope="module")
def built(study_a_build):
    """`tlf build all` of study A (tests/conftest.py: one build shared by the modules that read it)."""
    return study_a_build


def data_rows(rows):
    """(label, cells) of rows that carry values: group labels and blank rows are skipped."""
    return [(label.strip(), cells) for label, cells in rows if any(c.strip() for c in cells)]


def xlsx_rows(path: Path):
    from openpyxl import load_workbook

    ws = load_workbook(path).worksheets[0]
    rows = sheet_texts(ws)
    header_at = next(i for i, r in enumerate(rows) if any("(N=" in c for c in r))
    n_row = rows[header_at]
    # every row below the header; footnote and provenance rows carry no values in the treatment columns,
    # so data_rows() drops them with the group-label and blank rows
    body = [(r[0], r[1:1 + COLS]) for r in rows[header_at + 1:]]
    return n_row, body


def docx_rows(path: Path):
    import docx

    doc = docx.Document(str(path))
    body, headers = [], []
    for t in doc.tables:
        for row in t.rows:
            texts = [c.text for c in row.cells]
            if any("(N=" in x for x in texts):
                headers.append(texts)
            elif len(texts) == COLS + 1 and not (headers and texts == headers[-1]):
                if any("Dose escalation" in x for x in texts):
                    continue
                body.append((texts[0], texts[1:]))
    return headers, body


@pytest.mark.parametrize(("output_id", "table", "ns"), [("t-14-1-1", TABLE1, TABLE1_N),
                                                        ("t-14-3-1", TABLE2, TABLE2_N)])
def test_xlsx_matches_publication(built, output_id, table, ns):
    n_row, body = xlsx_rows(built / f"{output_id}.xlsx")
    assert [c.split("(N=")[1].rstrip(")") for c in n_row if "(N=" in c] == ns
    assert data_rows(body) == expected(table)


@pytest.mark.parametrize(("output_id", "table", "ns"), [("t-14-1-1", TABLE1, TABLE1_N),
                                                        ("t-14-3-1", TABLE2, TABLE2_N)])
def test_docx_matches_publication(built, output_id, table, ns):
    headers, body = docx_rows(built / f"{output_id}.docx")
    assert headers, "no header row with (N=..)"
    assert [c.split("(N=")[1].split(")")[0] for c in headers[0] if "(N=" in c] == ns
    assert data_rows(body) == expected(table)


def test_docx_has_titles_footnotes_and_page_fields(built):
    import docx

    doc = docx.Document(str(built / "t-14-3-1.docx"))
    sec = doc.sections[0]
    header = " ".join(p.text for p in sec.header.paragraphs)
    assert "Table 14.3.1" in header and "Safety Population" in header
    footer_xml = sec.footer._element.xml
    assert "NUMPAGES" in footer_xml and "PAGE" in footer_xml
    assert "Source: ADAE, ADSL" in footer_xml
    assert sec.page_width > sec.page_height  # landscape


def test_ard_is_written_and_consistent(built):
    from tlf.ard.schema import read_ard

    ard = read_ard(built / "t-14-3-1.ard.csv")
    n = ard[(ard.analysis == "any_teae") & (ard.column == "pbo") & (ard.stat_name == "n")]
    assert n.stat.tolist() == [5.0]
    p = ard[(ard.analysis == "any_teae") & (ard.column == "pbo") & (ard.stat_name == "p")]
    assert p.stat.tolist() == [pytest.approx(5 / 8)]


@needs_office
def test_docx_converts_in_libreoffice(built, tmp_path):
    checks = (("t-14-1-1", "44.8 (6.6)"), ("t-14-3-1", "Vitamin D deficiency"))
    pdfs = to_pdfs([built / f"{output_id}.docx" for output_id, _ in checks], tmp_path)
    for (output_id, needle), pdf in zip(checks, pdfs, strict=True):
        text = pdf_text(pdf)
        assert output_id.replace("t-", "Table ").replace("-", ".") in text
        assert needle in text
        assert "Page 1 of" in text


# --- efficacy, PD and figures (publication text facts; ../shared/study/cc220-sle-001.md) ----------------
DE_N = ["8", "8", "8", "9", "9"]
# "CLASI change at day 85, mean (SD ...)": PBO +0.4 (1.8), QOD03 -7.8 (10.2), QD03 -5.0 (9.6),
# ALT0603 -4.3 (6.3), QD06 -6.0 (9.7)
CLASI_DAY85_CHANGE = ["0.4 (1.8)", "-7.8 (10.2)", "-5.0 (9.6)", "-4.3 (6.3)", "-6.0 (9.7)"]


def _xlsx_body(path: Path, ncols: int):
    from openpyxl import load_workbook

    ws = load_workbook(path).worksheets[0]
    rows = sheet_texts(ws)
    header_at = next(i for i, r in enumerate(rows) if any("(N=" in c for c in r))
    ns = [c.split("(N=")[1].rstrip(")") for c in rows[header_at] if "(N=" in c]
    return ns, [(r[0].strip(), r[1:1 + ncols]) for r in rows[header_at + 1:]]


def _find(body, *labels):
    """The cells of the row reached by finding each label in turn, below the previous one."""
    i = 0
    for label in labels:
        i = next(k for k in range(i, len(body)) if body[k][0] == label)
    return body[i][1]


def test_clasi_change_table_prints_the_publication_means_and_sds(built):
    ns, body = _xlsx_body(built / "t-14-2-1.xlsx", 5)
    assert ns == DE_N
    assert _find(body, "Day 85", "Change from baseline", "Mean (SD)") == CLASI_DAY85_CHANGE
    assert _find(body, "Day 85", "Change from baseline", "n") == ["7", "6", "7", "7", "6"]
    # baseline row = Table 1's CLASI score
    assert _find(body, "Baseline", "Mean (SD)") == ["4.3 (5.9)", "17.6 (12.9)", "6.3 (9.1)", "8.4 (8.6)", "12.4 (16.5)"]
    # one placebo patient has a baseline CLASI of 0: percent change left out, and the table says so
    assert _find(body, "Day 85", "Percent change from baseline", "n")[0] == "6"
    assert any("baseline value of 0" in label for label, _ in body)


def test_hss_responder_table(built):
    ns, body = _xlsx_body(built / "t-14-2-6.xlsx", 5)
    assert ns == DE_N
    # 1/8 placebo; 22%-50% of each iberdomide arm
    assert _find(body, "Day 85") == ["1 (12.5)", "4 (50.0)", "3 (37.5)", "2 (22.2)", "3 (33.3)"]


def test_pd_ancova_table(built):
    ns, body = _xlsx_body(built / "t-14-4-1.xlsx", 5)
    assert ns == ["8", "7", "8", "9", "8"]  # PD population: 40 of 42
    assert _find(body, "Plasmacytoid dendritic cells (cells/uL)", "Final Visit", "p-value") == \
        ["", "<0.001", "<0.001", "<0.001", "<0.001"]
    diff = _find(body, "CD4+ T cells (cells/uL)", "Final Visit", "95% CI of the difference")
    assert all(float(c.strip("()").split(", ")[0]) < 0 < float(c.strip("()").split(", ")[1]) for c in diff[1:])


@pytest.mark.parametrize("output_id", ["f-14-2-1", "f-14-4-1", "f-14-4-2"])
def test_figures_in_docx_and_xlsx(built, output_id):
    import docx
    from openpyxl import load_workbook

    doc = docx.Document(str(built / f"{output_id}.docx"))
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    assert output_id.replace("f-", "Figure ").replace("-", ".") in header
    footer = " ".join(p.text for p in doc.sections[0].footer.paragraphs)
    assert "Source:" in footer and len(doc.inline_shapes) == 1
    png = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    blob = doc.part.related_parts[png].blob
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    width_px = int.from_bytes(blob[16:20], "big")
    assert width_px == round(9.0 * 300)  # 9 inches at 300 dpi
    wb = load_workbook(built / f"{output_id}.xlsx")
    assert wb.sheetnames[1] == "Data" and len(wb.worksheets[0]._images) == 1
    assert wb["Data"].max_row > 5
