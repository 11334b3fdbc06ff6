"""Two more rules of the pipeline's shape, checked on the source (ast), not just written down:

* no module imports another module's private names (`from tlf.x import _y`, however aliased or wrapped
  over lines, or `x._y` on an imported tlf module): what two modules share gets a public name in a module
  both import;
* the data and format stages take plain values (file names, keep lists, a filter, a format), never the
  spec or the statistics: tlf/data and tlf/format import neither tlf.spec nor tlf.stats nor tlf.analyses,
  not even for type hints (imports under `if TYPE_CHECKING:` count).
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "tlf"


# what the plain-value stages may not import (a module or anything under it)
PLAIN_STAGES = ("data", "format")
NOT_FOR_PLAIN_STAGES = ("tlf.spec", "tlf.stats", "tlf.analyses")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(rel: Path) -> str:
    parts = ["tlf", *rel.with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, me: str, is_package: bool) -> str:
    """The module an ImportFrom reads from, with relative imports resolved against module `me`."""
    if not node.level:
        return node.module or ""
    base = me.split(".") if is_package else me.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_module(dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:]) if "." in dotted else Path()
    return (PKG / rel).with_suffix(".py").is_file() or (PKG / rel / "__init__.py").is_file()


def private_imports(source: str, me: str = "tlf.m", is_package: bool = False) -> list[tuple[int, str, str]]:
    """(line, module, private name) for every private name `source` takes from a tlf module: by `from ...
    import _x [as y]`, by `import tlf.a._b [as y]`, or as `y._x` where y names an imported tlf module."""
    tree = ast.parse(source)
    found = []
    modules: dict[str, str] = {}  # local name -> the tlf module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node, me, is_package)
            if not module.startswith("tlf"):
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, module, alias.name))
                elif _is_module(f"{module}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("tlf"):
                    continue
                parts = alias.name.split(".")
                for i, part in enumerate(parts):
                    if _private(part):
                        found.append((node.lineno, ".".join(parts[:i]), part))
                if alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and _private(node.attr) and modules[node.value.id] != me):
            found.append((node.lineno, modules[node.value.id], node.attr))
    return found


def imported_modules(source: str, me: str = "tlf.m", is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) for every tlf module `source` imports, anywhere in it (functions and `if
    TYPE_CHECKING:` blocks too); `from tlf import spec` counts as importing tlf.spec."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(node, me, is_package)
            if module.startswith("tlf"):
                out.append((node.lineno, module))
                out += [(node.lineno, f"{module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("tlf")]
    return out


def _sources():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        yield rel, path.read_text(), _module_name(rel), path.name == "__init__.py"


def test_no_module_imports_another_modules_private_names():
    found = set()
    lines = {}
    for rel, source, me, is_package in _sources():
        for line, module, name in private_imports(source, me, is_package):
            key = (rel.as_posix(), module, name)
            found.add(key)
            lines.setdefault(key, line)
    new = sorted(found)
    assert not new, "private names imported from another module (give them a public name in a module both " \
                    "import):\n" + "\n".join(f"tlf/{f}:{lines[(f, m, n)]}: {n} from {m}" for f, m, n in new)


def test_data_and_format_take_plain_values():
    bad = []
    for rel, source, me, is_package in _sources():
        if rel.parts[0] not in PLAIN_STAGES:
            continue
        for line, module in imported_modules(source, me, is_package):
            if any(module == m or module.startswith(m + ".") for m in NOT_FOR_PLAIN_STAGES):
                bad.append(f"tlf/{rel.as_posix()}:{line} imports {module} (tlf/{rel.parts[0]} takes plain values, "
                           "made from the spec by its caller)")
    assert not bad, "\n".join(bad)


# the checkers themselves, on the forms they must catch


def test_private_import_forms_are_caught():
    source = (
        "from tlf.render.docx import (\n    clean_text,\n    _set_page as set_page,\n)\n"
        "import tlf.render._hidden as hidden\n"
        "from tlf.render import docx as d\n"
        "def f():\n    from tlf.render.xlsx import _Styles\n    return d._cell\n"
        "from tlf.render.docx import __doc__\n"
        "from tlf.render import paginate as _paginate\n"
    )
    assert sorted(private_imports(source)) == [
        (1, "tlf.render.docx", "_set_page"), (5, "tlf.render", "_hidden"),
        (8, "tlf.render.xlsx", "_Styles"), (9, "tlf.render.docx", "_cell"),
    ]
    relative = "from .docx import _fill_footer\nfrom . import _x\n"
    assert private_imports(relative, "tlf.render.docx_figure") == [
        (1, "tlf.render.docx", "_fill_footer"), (2, "tlf.render", "_x")]


def test_spec_imports_in_plain_stages_are_caught():
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from tlf.spec.model import StudySpec\n"
              "def f():\n    from tlf import stats\n    import tlf.analyses.x\n")
    found = [m for _, m in imported_modules(source)]
    assert "tlf.spec.model" in found and "tlf.stats" in found and "tlf.analyses.x" in found


