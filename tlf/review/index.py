"""The review index: ``output/index.html``, every output of the specs with the status of its last build.

For each output: number, title, population; the result of the last build that included it (built, or
failed with the error) and when that build ran, so that after a partial build the other outputs show
their own last build; "stale" when its spec, study.yaml or a data set it reads changed since it was
built (the manifest's hashes; a file not modified since is not hashed again); the same for the last
shell build; links to its DOCX, XLSX and results dataset (ARD, or a listing's records) and to the shells;
a thumbnail of every picture (the first image in the output's DOCX, i.e. a figure); the time each build
ran, and each bundle marked stale when an output's DOCX is newer than it. Links are relative, so the
folder can be moved or zipped.

The results of the builds and of the shell builds are kept in ``output/index.json`` (each output's latest),
so that ``tlf bundle`` (which builds nothing) can redraw the page with its link. The page comes from a jinja2
template in the sandbox with autoescaping on: titles, errors and file names are text, never markup.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tlf.errors import OutputError
from tlf.render.package import chmod_ordinary

if TYPE_CHECKING:
    from tlf.spec.validate import Study

INDEX = "index.html"
STATE = "index.json"
THUMBS = "thumbs"
MARKER = '<meta name="generator" content="tlf">'
BUILDS = (("outputs", "output"), ("shells", "shell"))


@dataclass(frozen=True)
class OutputStatus:
    """How one output fared in a build: "built" or "failed" (with the error's text)."""

    output_id: str
    status: str
    seconds: float = 0.0
    error: str = ""


def record_build(out_dir: Path, study: Study, results: list[OutputStatus], *, shell: bool, started: datetime,
                 seconds: float, version: str = "") -> Path:
    """Remember this build's statuses (index.json) and redraw index.html. Returns the page's path."""
    out_dir = Path(out_dir)
    state = read_state(out_dir)
    key = "shells" if shell else "outputs"
    time_text = started.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    before = (state.get(key) or {})
    merged = {oid: {**r, "time": r.get("time") or before.get("time", ""), "current": False}
              for oid, r in (before.get("results") or {}).items() if isinstance(r, dict)}
    merged.update({r.output_id: {"status": r.status, "seconds": round(r.seconds, 2), "error": r.error,
                                 "time": time_text, "current": True} for r in results})
    state[key] = {"time": time_text, "seconds": round(seconds, 1), "version": version, "results": merged}
    _write_text(out_dir / STATE, json.dumps(state, indent=2, sort_keys=True))
    return write_index(out_dir, study, state=state, version=version)


def read_state(out_dir: Path) -> dict:
    try:
        state = json.loads((Path(out_dir) / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_index(out_dir: Path, study: Study, *, state: dict | None = None, version: str = "") -> Path:
    """Draw index.html from the specs, the recorded statuses and the files in ``out_dir``."""
    out_dir = Path(out_dir)
    path = out_dir / INDEX
    if path.exists():
        try:
            ours = MARKER in path.read_text(encoding="utf-8", errors="replace")[:2000]
        except OSError:
            ours = False
        if not ours:
            raise OutputError(f"'{path}' exists and was not written by tlf; the review index was not written",
                              code="OUT013")
    state = read_state(out_dir) if state is None else state
    html = render_index(index_context(out_dir, study, state, version))
    _write_text(path, html)
    return path


def index_context(out_dir: Path, study: Study, state: dict, version: str = "") -> dict[str, Any]:
    """Everything the page shows, as plain values."""
    from tlf.review.bundle import bundle_name, output_order
    from tlf.review.stale import Staleness

    results = {key: (state.get(key) or {}).get("results", {}) for key, _ in BUILDS}
    stale = Staleness(out_dir, study)
    outputs = []
    for entry in sorted(study.outputs, key=output_order):
        spec = entry.spec
        final, shell = results["outputs"].get(entry.id), results["shells"].get(entry.id)
        files = _files(out_dir, entry.id, spec.type)
        shell_files = _files(out_dir, f"{entry.id}.shell", spec.type)
        outputs.append({
            "id": entry.id, "number": spec.number, "titles": list(spec.titles), "type": spec.type,
            "population": study.spec.populations[spec.population].label,
            "status": _status(final, state.get("outputs")), "error": (final or {}).get("error", ""),
            "seconds": (final or {}).get("seconds"), "time": (final or {}).get("time", ""),
            "earlier": bool(final) and not final.get("current", True),
            "stale": stale.changed(entry.id) if files else [],
            "files": files, "shell_status": _status(shell, state.get("shells")), "shell_files": shell_files,
            "shell_time": (shell or {}).get("time", ""),
            "shell_stale": stale.changed(f"{entry.id}.shell") if shell_files else [],
            "thumb": _thumbnail(out_dir, entry.id) or _thumbnail(out_dir, f"{entry.id}.shell"),
        })
    builds = []
    for key, name in BUILDS:
        b = state.get(key) or {}
        res = b.get("results", {})
        bundle = out_dir / bundle_name(key == "shells")
        now = [r for r in res.values() if r.get("current", True)]
        builds.append({
            "key": key, "name": name, "time": b.get("time", ""), "seconds": b.get("seconds", ""),
            "built": sum(r.get("status") == "built" for r in now),
            "failed": sum(r.get("status") == "failed" for r in now),
            "skipped": len(study.outputs) - len(now),
            "bundle": _bundle(out_dir, bundle, study, ".shell" if key == "shells" else "") if bundle.is_file() else None,
        })
    info = study.spec.study
    return {"study": {"id": info.id, "title": info.title, "cutoff": info.cutoff}, "outputs": outputs,
            "pictures": any(o["thumb"] for o in outputs),
            "builds": builds, "version": version, "written": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}


def render_index(context: dict[str, Any]) -> str:
    """The page from its template: jinja2's sandbox, autoescaping on, undefined names an error."""
    return _index_template().render(**context)


@functools.cache
def _index_template() -> Any:
    """The index page's template, compiled once per process (about 0.1 s of CPU each time)."""
    from importlib.resources import files

    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                        lstrip_blocks=True)
    return env.from_string(files("tlf.review").joinpath("templates", "index.html.j2").read_text(encoding="utf-8"))


def _bundle(out_dir: Path, bundle: Path, study: Study, suffix: str) -> dict[str, Any]:
    """The bundle's link, when it was written, and the outputs whose DOCX is newer than it (it is stale)."""
    made = bundle.stat().st_mtime
    newer = []
    for e in study.outputs:
        docx = out_dir / f"{e.id}{suffix}.docx"
        try:
            if docx.stat().st_mtime > made:
                newer.append(e.id)
        except OSError:
            continue
    when = datetime.fromtimestamp(made, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return {"name": bundle.name, "href": quote(bundle.name), "time": when, "newer": sorted(newer)}


def _status(result: dict | None, build: dict | None) -> str:
    if result:
        return str(result.get("status", "built"))
    return "none"  # never built


_KINDS = (("DOCX", "{stem}.docx"), ("RTF", "{stem}.rtf"), ("XLSX", "{stem}.xlsx"), ("ARD", "{stem}.ard.csv"),
          ("data", "{stem}.data.csv"), ("PNG", "{stem}.png"))


def _files(out_dir: Path, stem: str, _type: str) -> list[dict[str, str]]:
    out = []
    for kind, pattern in _KINDS:
        name = pattern.format(stem=stem)
        if (out_dir / name).is_file():
            out.append({"kind": kind, "href": quote(name), "name": name})
    return out


def _thumbnail(out_dir: Path, stem: str) -> str:
    """The first picture of ``<stem>.docx`` (a figure), copied to thumbs/ once; its relative URL or ""."""
    docx = out_dir / f"{stem}.docx"
    if not docx.is_file():
        return ""
    try:
        with zipfile.ZipFile(docx) as z:
            media = sorted(n for n in z.namelist() if n.startswith("word/media/")
                           and n.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".svg")))
            if not media:
                return ""
            data = z.read(media[0])
    except (OSError, zipfile.BadZipFile, KeyError):
        return ""
    name = f"{stem}{Path(media[0]).suffix.lower()}"
    target = out_dir / THUMBS / name
    if not (target.is_file() and target.read_bytes() == data):
        target.parent.mkdir(exist_ok=True)
        _write_bytes(target, data)
    return f"{THUMBS}/{quote(name)}"


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    """Write atomically: a temporary file in the same folder, then os.replace."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        chmod_ordinary(tmp)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise OutputError(f"cannot write '{path}': {e.strerror or e}", code="OUT014") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
