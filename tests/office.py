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
    profile = outdir / ".lo-profile"
    subprocess.run(["libreoffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=timeout)
    pdf = outdir / (src.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not write {pdf}"
    return pdf


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
