"""The documentation: the MkDocs site builds with warnings as errors, no page names a test file, and
every relative link in README.md points to a file that exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# a path into the tests folder, or a test module's file name
TEST_FILE = re.compile(r"(?<![\w.-])tests/|\btest_\w+\.py\b")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_no_page_mentions_a_test_file():
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for p in _pages() for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if TEST_FILE.search(line)]
    assert not found, "documentation names test files:\n" + "\n".join(found)


def test_readme_relative_links_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # a URL or an anchor in the README itself
        path = target.split("#", 1)[0]
        if not (ROOT / path).exists():
            broken.append(target)
    assert not broken, f"README.md links to missing files: {broken}"
