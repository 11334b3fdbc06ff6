"""Documents -> PDF with LibreOffice, headless (for the PDF package, tlf/review/pdf_package.py).

    pdfs = to_pdf([Path("output/t-14-1-1.docx"), ...], Path(workdir))   # {source: pdf}

One LibreOffice process converts all the files, with a private user profile inside ``workdir`` so that
it cannot collide with a LibreOffice the user has open or with another conversion running at the same
time. LibreOffice missing is an OutputError (OUT030) that says how to install it; a file it did not
convert is one (OUT031) naming the file.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tlf.errors import OutputError

NO_OFFICE = "OUT030"
NOT_CONVERTED = "OUT031"
SECONDS_PER_FILE = 60  # the conversion's time limit grows with the number of files
PROGRAMS = ("libreoffice", "soffice")


def office_program() -> str:
    """The LibreOffice program on the PATH; OutputError (OUT030) when there is none."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    raise OutputError("cannot make the PDF package: LibreOffice is not installed (no `libreoffice` or `soffice` "
                      "on the PATH); it converts each output to PDF. Install it (Debian/Ubuntu: `apt-get install "
                      "libreoffice-writer-nogui`) or use the DOCX bundle (`tlf bundle` without --pdf)", code=NO_OFFICE)


def to_pdf(sources: Sequence[Path], workdir: Path) -> dict[Path, Path]:
    """Convert each of ``sources`` (DOCX, RTF) to PDF in ``workdir``/pdf; {source: its PDF}."""
    program = office_program()
    outdir = Path(workdir) / "pdf"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (Path(workdir) / "lo-profile").resolve().as_uri()
    stems = [Path(s).stem for s in sources]
    if len(set(stems)) != len(stems):
        raise ValueError("to_pdf: two sources with the same name")
    cmd = [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
           str(outdir), *(str(s) for s in sources)]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=60 + SECONDS_PER_FILE * len(sources))
    except subprocess.TimeoutExpired:
        raise OutputError(f"LibreOffice did not convert {len(sources)} file(s) to PDF within "
                          f"{60 + SECONDS_PER_FILE * len(sources)} s", code=NOT_CONVERTED) from None
    out = {Path(s): outdir / f"{Path(s).stem}.pdf" for s in sources}
    missing = [s.name for s, pdf in out.items() if not pdf.is_file()]
    if missing:
        said = (run.stderr or run.stdout or "").strip().splitlines()
        raise OutputError(f"LibreOffice did not convert {', '.join(missing)} to PDF (exit {run.returncode}"
                          + (f": {said[-1]}" if said else "") + ")", code=NOT_CONVERTED)
    return out
