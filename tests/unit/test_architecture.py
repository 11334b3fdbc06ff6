"""The pipeline's shape is checked, not just drawn: imports flow one way, and start-up stays light."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "tlf"

# stage of each subpackage; a module may import from its own stage or earlier ones only
STAGES = {"errors": 0, "clock": 0, "spec": 1, "data": 2, "stats": 3, "ard": 4, "format": 5,
          "tables": 6, "listings": 6, "figures": 6, "render": 7, "qc": 8, "review": 9}
FREE = {"build", "build_data", "cli", "__init__", "__main__"}  # the orchestrator (and its adapter to the
# data stage) and the CLI see everything
ISOLATED = {"examples"}  # data generators: may import only tlf.errors


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tlf"):
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tlf"):
                    yield alias.name, node.lineno


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_imports_flow_one_way():
    bad = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG)
        me = rel.parts[0].removesuffix(".py")
        if me in FREE:
            continue
        for module, line in _imports(path):
            other = _part(module)
            if me in ISOLATED:
                if other not in ("errors", me):
                    bad.append(f"{rel}:{line} imports {module} (examples may only import tlf.errors)")
                continue
            if other in FREE:
                bad.append(f"{rel}:{line} imports {module} (only the CLI may import the orchestrator)")
            elif other in STAGES and me in STAGES and STAGES[other] > STAGES[me]:
                bad.append(f"{rel}:{line}: {me} (stage {STAGES[me]}) imports {module} (stage {STAGES[other]})")
    assert not bad, "\n".join(bad)


def test_cli_start_up_imports_nothing_heavy():
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "tlf", "--help"], capture_output=True,
                         text=True, check=True)
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.splitlines() if "|" in line}
    heavy = {"pandas", "numpy", "scipy", "statsmodels", "matplotlib", "docx", "openpyxl", "pydantic"} & loaded
    assert not heavy, f"`tlf --help` imports {sorted(heavy)}"


# what may call the libraries' writers directly: everything else goes through one helper each
SAVEFIG_HOME = "figures/style.py"  # png_bytes: no PNG metadata text
SAVE_EXEMPT = {"qc/tracker.py"}  # the validation tracker is a log of QC runs, dated when they ran


def test_files_are_written_one_way():
    """A figure is saved by style.png_bytes, a DOCX or XLSX by render/package.save_package (stamped with
    the build's time), never by calling `savefig` / `.save(...)` elsewhere."""
    bad = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "savefig" and rel != SAVEFIG_HOME:
                    bad.append(f"{rel}:{node.lineno} calls savefig (use tlf.figures.style.png_bytes)")
                if node.func.attr == "save" and rel not in SAVE_EXEMPT:
                    bad.append(f"{rel}:{node.lineno} calls .save() (use tlf.render.package.save_package)")
    assert not bad, "\n".join(bad)
