"""`tlf verify`: recompute the hashes recorded in output/manifest.json.

Reports every output file changed or removed since tlf wrote it (edited by hand), and every spec
or input data set changed or removed since the build (outputs no longer reflect them). Files in
the output folder that the manifest does not list are noted, not counted as findings.

With another build's manifest (`tlf verify --out rerun --manifest output/manifest.json`) it checks
that a rebuild reproduced that build: built with the same SOURCE_DATE_EPOCH (tlf/clock.py) from the
same specs and data, every output file has the hash the first build recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tlf.errors import TlfError
from tlf.qc.publish import MANIFEST, sha256_file
from tlf.render.package import chmod_ordinary

# Written next to the outputs by the review stage (tlf/review: index, bundles); not outputs, not in the manifest.
REVIEW_FILES = frozenset({"index.html", "index.json", "bundle.docx", "bundle.shell.docx"})


class VerifyError(TlfError):
    """No usable manifest: nothing can be verified."""

    code = "QC030"


@dataclass(frozen=True)
class Finding:
    """One thing that no longer matches the build. outputs: the output ids it concerns."""

    kind: str  # output changed | output missing | spec changed | spec missing | input changed | input missing
    path: str
    outputs: tuple[str, ...] = ()

    def __str__(self) -> str:
        which = f" (output{'s' if len(self.outputs) > 1 else ''} {', '.join(self.outputs)})" if self.outputs else ""
        return f"{self.kind}: {self.path}{which}"


@dataclass(frozen=True)
class VerifyResult:
    manifest: str
    outputs: int  # outputs listed in the manifest
    files_checked: int  # output, spec and input files hashed
    findings: tuple[Finding, ...]
    unlisted: tuple[str, ...]  # files in the output folder the manifest does not list
    started_at: str | None = None
    ended_at: str | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


def verify_build(out_dir: Path | str, manifest_path: Path | str | None = None) -> VerifyResult:
    """Check every hash in `out_dir`/manifest.json (or in `manifest_path`, another build's manifest)
    against the files in `out_dir` as they are now."""
    out = Path(out_dir)
    _replay(out)
    manifest_file = Path(manifest_path) if manifest_path else out / MANIFEST
    if manifest_path and not manifest_file.is_file():
        raise VerifyError(f"manifest '{manifest_file}' not found (--manifest names another build's manifest.json)")
    manifest = _read(manifest_file)
    outputs = manifest.get("outputs", {})
    hashes: dict[str, str | None] = {}

    def sha(path: Path) -> str | None:
        key = str(path)
        if key not in hashes:
            hashes[key] = sha256_file(path) if path.is_file() else None
        return hashes[key]

    found: dict[tuple[str, str], list[str]] = {}

    def note(kind: str, path: Path | str, output_id: str) -> None:
        found.setdefault((kind, str(path)), [])
        if output_id and output_id not in found[(kind, str(path))]:
            found[(kind, str(path))].append(output_id)

    listed = set()
    top_inputs = manifest.get("inputs", {})
    study_spec = manifest.get("study_spec", {}).get("file")
    for oid, rec in sorted(outputs.items()):
        for name, expected in rec.get("files", {}).items():
            listed.add(name)
            actual = sha(out / name)
            if actual is None:
                note("output missing", out / name, oid)
            elif actual != expected:
                note("output changed", out / name, oid)
        checks = [(rec.get("spec"), rec.get("spec_sha256"), "spec")]
        if study_spec:
            checks.append((study_spec, rec.get("study_spec_sha256"), "spec"))
        for info in (rec.get("inputs") or top_inputs).values():
            checks.append((info.get("file"), info.get("sha256"), "input"))
        for path, expected, what in checks:
            if not path or not expected:
                continue
            actual = sha(Path(path))
            if actual is None:
                note(f"{what} missing", path, oid)
            elif actual != expected:
                note(f"{what} changed", path, oid)
    findings = tuple(Finding(kind, path, tuple(ids)) for (kind, path), ids in found.items())
    listed |= set(owned_files({"written": manifest.get("written")}))  # compare reports, ARDs, ... tlf wrote
    unlisted = tuple(sorted(p.name for p in out.iterdir() if p.is_file() and p.name != MANIFEST
                            and not p.name.startswith(".") and p.name not in listed and p.name not in REVIEW_FILES))
    return VerifyResult(str(manifest_file), len(outputs), len(hashes), findings, unlisted,
                        manifest.get("started_at"), manifest.get("ended_at"))


def _replay(out: Path) -> None:
    """A build killed while publishing an output left a journal: replay it first (tlf/qc/publish.py), so that
    tlf's own half-published files are not reported as changed. Best effort: with another build running
    (it holds the lock) or a read-only folder, the folder is verified as it is."""
    from tlf.qc.publish import JOURNAL, BuildLock, recover

    if not (out / JOURNAL).exists():
        return
    try:
        with BuildLock(out, "tlf verify"):
            recover(out)
    except (TlfError, OSError):
        pass


def _read(path: Path) -> dict:
    if not path.is_file():
        raise VerifyError(f"no {MANIFEST} in '{path.parent}': build first (`tlf build all`) or pass the output "
                          "folder (--out)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise VerifyError(f"cannot read {path}: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        raise VerifyError(f"{path} is not a tlf build manifest (no 'outputs')")
    bad = _manifest_shape(data)
    if bad:
        raise VerifyError(f"{path}: {bad} (edited by hand?); build again to write a new manifest")
    return data


def _manifest_shape(m: dict) -> str:
    """What in a manifest is not of the type tlf writes ('outputs.t-demog.files is a list, expected a
    mapping'), or '' when every key verify reads has its type."""
    def kind(v) -> str:
        return {dict: "a mapping", list: "a list", str: "text", type(None): "null"}.get(type(v), "a number")

    def inputs(v, where: str) -> str:
        if not isinstance(v, dict):
            return f"{where} is {kind(v)}, expected a mapping"
        for name, info in v.items():
            if not isinstance(info, dict):
                return f"{where}.{name} is {kind(info)}, expected a mapping"
        return ""

    checks = []
    if m.get("inputs") is not None:
        checks.append(inputs(m["inputs"], "inputs"))
    if m.get("study_spec") is not None and not isinstance(m["study_spec"], dict):
        checks.append(f"study_spec is {kind(m['study_spec'])}, expected a mapping")
    for oid, rec in m["outputs"].items():
        if not isinstance(rec, dict):
            checks.append(f"outputs.{oid} is {kind(rec)}, expected a mapping")
            continue
        files = rec.get("files", {})
        if not isinstance(files, dict):
            checks.append(f"outputs.{oid}.files is {kind(files)}, expected a mapping of file names to hashes")
        elif not all(isinstance(h, str) for h in files.values()):
            name, h = next((n, h) for n, h in files.items() if not isinstance(h, str))
            checks.append(f"outputs.{oid}.files.{name} is {kind(h)}, expected a hash (text)")
        if rec.get("inputs"):
            checks.append(inputs(rec["inputs"], f"outputs.{oid}.inputs"))
        for key in ("spec", "spec_sha256", "study_spec_sha256"):
            if rec.get(key) is not None and not isinstance(rec[key], str):
                checks.append(f"outputs.{oid}.{key} is {kind(rec[key])}, expected text")
    return next((c for c in checks if c), "")


# --- which files are tlf's: the one rule of every command that writes (build, compare, ard) -------------


def owned_files(manifest: dict) -> dict[str, str]:
    """File name -> SHA-256 of every file a manifest says tlf wrote in its folder: the files of the
    outputs built there, and the files other commands wrote there (`written`: `tlf compare --xlsx`,
    `tlf ard --out`, ...)."""
    files: dict[str, str] = {}
    for rec in (manifest.get("outputs") or {}).values():
        if isinstance(rec, dict) and isinstance(rec.get("files"), dict):
            files.update(rec["files"])
    written = manifest.get("written")
    if isinstance(written, dict):
        files.update({k: v for k, v in written.items() if isinstance(v, str)})
    return files


def guard_overwrite(path: Path, force: bool = False, manifest: dict | None = None) -> None:
    """Refuse to overwrite `path` unless tlf wrote it and it is unchanged since: the manifest.json of
    its folder (or `manifest`, a build's manifest in memory) lists it with its hash. OutputError
    OUT003 (a file tlf did not write) or OUT004 (changed since); `force` allows both."""
    from tlf.errors import OutputError

    path = Path(path)
    if force or not path.exists():
        return
    known = owned_files(manifest if manifest is not None else _folder_manifest(path.parent) or {})
    if path.name not in known:
        raise OutputError(f"'{path}' exists and was not written by tlf (not in {MANIFEST}); move it away or "
                          "use --force to overwrite", code="OUT003")
    if not path.is_file() or known[path.name] != sha256_file(path):
        raise OutputError(f"'{path}' was changed since tlf wrote it; move it away or use --force to overwrite",
                          code="OUT004")


def record_written(path: Path) -> None:
    """Record in the manifest.json of `path`'s folder (made if there is none) that tlf wrote `path`, with
    its hash, so that the next run may overwrite it (guard_overwrite). A manifest.json that is not tlf's
    is left alone (the file then counts as the user's: --force overwrites it)."""
    import os
    import tempfile

    path = Path(path)
    target = path.parent / MANIFEST
    manifest = {"outputs": {}} if not target.exists() else _folder_manifest(path.parent)
    if manifest is None:
        return
    manifest.setdefault("written", {})[path.name] = sha256_file(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, sort_keys=True)
        chmod_ordinary(tmp)
        os.replace(tmp, target)
    except OSError:  # the file is written; only the record of it is not
        pass


def _folder_manifest(folder: Path) -> dict | None:
    """The tlf manifest in `folder`, or None (none, unreadable, or not tlf's)."""
    try:
        m = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) and isinstance(m.get("outputs"), dict) else None
