"""Every file tlf writes gets the permissions the user's umask gives an ordinary new file: the outputs, the
manifest, the review index, the bundle and the QC tracker (files written through a temporary file
renamed into place, whose mkstemp mode 0600 would otherwise stay)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_study

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import os, sys
os.umask(int(sys.argv[1], 8))
from tlf.cli import main
specs, out, qc = sys.argv[2:5]
codes = [main(["build", "all", "--specs", specs, "--out", out]),
         main(["bundle", "--specs", specs, "--out", out]),
         main(["compare", "--all", out, qc, "--tracker", os.path.join(qc, "tracker.xlsx")])]
sys.exit(max(codes))
"""


def _run(tmp_path: Path, umask: int) -> tuple[Path, Path]:
    specs = write_study(tmp_path)
    out, qc = tmp_path / "out", tmp_path / "qc"
    qc.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.run([sys.executable, "-c", SCRIPT, oct(umask), str(specs), str(out), str(qc)],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert first.returncode in (0, 1), first.stderr
    shutil.copy(out / "t-ae.ard.csv", qc / "t-ae.csv")  # a QC file so that the tracker has a row
    again = subprocess.run([sys.executable, "-c", SCRIPT, oct(umask), str(specs), str(out), str(qc)],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    assert again.returncode in (0, 1), again.stderr
    return out, qc


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_get_the_umask_mode(tmp_path):
    out, qc = _run(tmp_path, 0o022)
    named = [out / "index.html", out / "manifest.json", out / "t-ae.docx", out / "t-ae.xlsx",
             out / "t-demog.ard.csv", qc / "tracker.xlsx"]
    bundles = sorted(out.glob("*bundle*.docx"))
    assert bundles, sorted(p.name for p in out.iterdir())
    for path in [*named, *bundles]:
        assert path.is_file(), path
        assert _mode(path) == 0o644, (path.name, oct(_mode(path)))
    visible = [p for p in out.iterdir() if p.is_file() and not p.name.startswith(".")]
    assert {oct(_mode(p)) for p in visible} == {"0o644"}, {p.name: oct(_mode(p)) for p in visible}


def test_a_stricter_umask_is_kept(tmp_path):
    out, qc = _run(tmp_path, 0o077)
    for path in (out / "index.html", out / "manifest.json", qc / "tracker.xlsx"):
        assert _mode(path) == 0o600, (path.name, oct(_mode(path)))
