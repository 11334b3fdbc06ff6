"""Converting documents for the tests that look at rendered pages (LibreOffice, poppler)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

HAVE_OFFICE = shutil.which("libreoffice") is not None and shutil.which("pdftotext") is not None
needs_office = pytest.mark.skipif(not HAVE_OFFICE, reason="LibreOffice / poppler not installed")


def to_pdf(src: Path, outdir: Path, timeout: int = 180) -> Path:
    """src (DOCX) -> PDF with LibreOffice, with a private user profile so that conversions running at
    the same time (other test processes, a user's open LibreOffice) cannot collide."""
    return to_pdfs([src], outdir, timeout)[0]


def to_pdfs(srcs: list[Path], outdir: Path, timeout: int = 180) -> list[Path]:
    """Several documents (of different names) -> PDFs in outdir, by one start of LibreOffice (a start costs
    more than a short document's conversion), as to_pdf."""
    assert len({src.stem for src in srcs}) == len(srcs), "one outdir: the PDFs would overwrite each other"
    profile = outdir / ".lo-profile"
    subprocess.run(["libreoffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, srcs)],
                   check=True, capture_output=True, timeout=timeout * len(srcs))
    pdfs = [outdir / (src.stem + ".pdf") for src in srcs]
    for pdf in pdfs:
        assert pdf.exists(), f"LibreOffice did not write {pdf}"
    return pdfs


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
