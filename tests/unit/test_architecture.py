"""The pipeline's shape is checked, not just drawn: imports flow one way, and start-up stays light."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "tlf"

# stage of each subpackage; a module may import from its own stage or earlier ones only
STAGES = {"errors": 0, "clock": 0, "spec": 1, "stats": 1, "data": 2, "analyses": 3, "ard": 4, "format": 5,
          "tables": 6, "listings": 6, "figures": 6, "render": 7, "qc": 8, "review": 9}
# tlf/analyses/<family>/ holds one module per floor: its stage is the floor's, by the module's name
FLOORS = {"spec": 1, "registry": 1, "shell": 4, "layout": 6, "bds_layout": 6, "figure": 6}
FREE = {"build", "build_check", "build_data", "build_parallel", "cli", "__init__", "__main__", "ars"}  # the
# orchestrator (and its adapter to the data stage; tlf/ars, the ARS runner on top of every stage) and the CLI
# see everything
ISOLATED = {"examples"}  # data generators: may import only tlf.errors


def _imports(path: Path, *, type_only: bool = True):
    """(module, line) of every tlf import of a file; type_only=False leaves out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    if not type_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip |= {id(n) for b in node.body for n in ast.walk(b)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tlf"):
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("tlf"):
                    yield alias.name, node.lineno


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def stage(module: str) -> int | None:
    """The stage of a module (dotted name): its subpackage's, a family home's floor by the module's name,
    and the runner stage for figure-data selection (tlf/figures/data/)."""
    parts = module.split(".")
    top = _part(module)
    if top == "analyses" and len(parts) > 2:
        return FLOORS.get(parts[-1], STAGES["analyses"])
    if top == "figures" and len(parts) > 2 and parts[2] == "data":
        return STAGES["analyses"]
    return STAGES.get(top)


def test_imports_flow_one_way():
    bad = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG)
        me = rel.parts[0].removesuffix(".py")
        if me in FREE:
            continue
        mod = "tlf." + ".".join(rel.with_suffix("").parts)
        for module, line in _imports(path):
            other = _part(module)
            if me in ISOLATED:
                if other not in ("errors", me):
                    bad.append(f"{rel}:{line} imports {module} (examples may only import tlf.errors)")
                continue
            if other in FREE:
                bad.append(f"{rel}:{line} imports {module} (only the CLI may import the orchestrator)")
            elif stage(module) is not None and stage(mod) is not None and stage(module) > stage(mod):
                bad.append(f"{rel}:{line}: {mod} (stage {stage(mod)}) imports {module} (stage {stage(module)})")
    assert not bad, "\n".join(bad)


def test_stats_are_pure():
    """tlf/stats holds statistics only: arrays and frames in, numbers out; it imports nothing of tlf but
    errors and itself (no spec, no data plumbing, no analysis family)."""
    bad = [f"{path.relative_to(PKG)}:{line} imports {module}"
           for path in (PKG / "stats").rglob("*.py") for module, line in _imports(path)
           if _part(module) not in ("errors", "stats")]
    assert not bad, "\n".join(bad)


def _module_of(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    """Module -> the tlf modules it imports at run time (any level, not under TYPE_CHECKING); `from
    tlf.x import y` counts as importing tlf.x.y when y is a module."""
    modules = {_module_of(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        tree = ast.parse(path.read_text())
        for module, _line in _imports(path, type_only=False):
            deps.add(module)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tlf"):
                deps |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules}
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def test_no_import_cycles():
    """No module reaches itself through imports (Tarjan's strongly connected components)."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_every_family_has_its_floors():
    """Each analysis type of the registry has its spec model, runner, shell and table rows in its home."""
    from tlf.analyses.registry import FAMILIES, part

    missing = [f"{f.type}: {floor}.{table}" for f in FAMILIES
               for floor, table in (("spec", "MODELS"), ("run", "RUNNERS"), ("shell", "SHELLS"), ("layout", "ROWS"))
               if part(f.type, floor, table) is None]
    missing += [f"{f.type}: figure.FIGURES (drawn by plot kind {f.plot})" for f in FAMILIES
                if f.plot and part(f.type, "figure", "FIGURES") is None]
    assert not missing, missing
    homes = {p.name for p in (PKG / "analyses").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert homes == {f.home for f in FAMILIES}, "a folder under tlf/analyses that the registry does not list"


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
