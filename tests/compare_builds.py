"""Prove a change leaves every output as it was: build every example folder (study A, study B, the CDISC
pilot, theophylline), outputs and shells, at two git revisions with SOURCE_DATE_EPOCH set, and compare
every file byte for byte.

    python tests/compare_builds.py BASE [HEAD]      # HEAD: the working tree when omitted
    TLF_COMPARE_KEEP=DIR python tests/compare_builds.py BASE HEAD   # and keep both builds in DIR/base, DIR/head

Each revision is checked out into a temporary git worktree and run with its own code (PYTHONPATH), in
the same Python environment. Exit 0 when every file is identical, 1 with the list of differing, missing
and extra files otherwise. The review index (index.html/json) and manifest.json record build times and
are not compared (README, "Reproducible builds"). Folders whose data are absent (../shared) are skipped
and named.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
EPOCH = "1700000000"
# (name, spec folder, data folder or None for the study.yaml's own, data needed)
FOLDERS = [
    ("study_a", "specs", None, None),
    ("study_b", "examples/study_b/specs", "tlf/examples/data/study_b", None),
    ("cdiscpilot01", "examples/cdiscpilot01/specs", str(SHARED / "cdiscpilot01"), SHARED / "cdiscpilot01"),
    ("theoph", "examples/theoph/specs", str(SHARED), SHARED / "theoph"),
]
NOT_REPRODUCIBLE = {"index.html", "index.json", "manifest.json"}


def _build(tree: Path, out: Path) -> list[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(tree), "TZ": "UTC"}
    skipped = []
    for name, specs, data, needs in FOLDERS:
        if needs is not None and not needs.exists():
            skipped.append(name)
            continue
        for mode in ("build", "shells"):
            cmd = [sys.executable, "-m", "tlf", "build", "all", "--specs", str(tree / specs),
                   "--out", str(out / name / mode)]
            if mode == "shells":
                cmd.append("--shell")
            if data is not None:
                cmd += ["--data", data if Path(data).is_absolute() else str(tree / data)]
            res = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True)
            if res.returncode != 0:
                raise SystemExit(f"{tree.name}: {' '.join(cmd)} failed ({res.returncode}):\n{res.stderr[-3000:]}")
    return skipped


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name not in NOT_REPRODUCIBLE
            and ".tlf-cache" not in p.parts}  # the Parquet cache of SAS inputs (tlf/data/cache.py)


def _worktree(rev: str, where: Path) -> Path:
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(where), rev], check=True,
                   capture_output=True)
    return where


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__)
        return 2
    base, head = argv[0], (argv[1] if len(argv) == 2 else None)
    with tempfile.TemporaryDirectory(prefix="tlf-compare-") as tmp:
        tmp = Path(tmp)
        trees = []
        try:
            a = _worktree(base, tmp / "base")
            trees.append(a)
            b = _worktree(head, tmp / "head") if head else REPO
            if head:
                trees.append(b)
            skipped = _build(a, tmp / "out-base")
            _build(b, tmp / "out-head")
            ha, hb = _hashes(tmp / "out-base"), _hashes(tmp / "out-head")
            keep = os.environ.get("TLF_COMPARE_KEEP")  # a folder to keep both builds in (base/, head/)
            if keep:
                import shutil

                for side in ("base", "head"):
                    shutil.copytree(tmp / f"out-{side}", Path(keep) / side, dirs_exist_ok=True)
        finally:
            for t in trees:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(t)], capture_output=True)
    differ = sorted(k for k in ha.keys() & hb.keys() if ha[k] != hb[k])
    missing, extra = sorted(ha.keys() - hb.keys()), sorted(hb.keys() - ha.keys())
    print(f"{len(ha)} files at {base}, {len(hb)} at {head or 'the working tree'}"
          + (f"; skipped (no data): {', '.join(skipped)}" if skipped else ""))
    for label, items in (("differ", differ), ("missing", missing), ("extra", extra)):
        for k in items:
            print(f"{label}: {k}")
    if differ or missing or extra:
        return 1
    print("every file is byte-identical")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
