"""Which outputs are older than what they were built from: the spec, study.yaml and the data sets an
output read, as the build manifest (manifest.json) recorded them with their SHA-256. A file whose
modification time is not after the output's build is taken as unchanged; a later one is hashed (once per
page) and compared, so a file touched but not changed does not make an output stale."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tlf.qc.publish import MANIFEST, sha256_file

if TYPE_CHECKING:
    from tlf.spec.validate import Study


class Staleness:
    """The manifest of ``out_dir``, read once, and the hashes of the files checked so far."""

    def __init__(self, out_dir: Path, study: Study) -> None:
        try:
            manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        outputs = manifest.get("outputs") if isinstance(manifest, dict) else None
        self.records: dict = outputs if isinstance(outputs, dict) else {}
        self.study_spec = Path(study.source.path)
        self._hashes: dict[str, str | None] = {}

    def changed(self, key: str) -> list[str]:
        """What changed since output `key` (an id, or "<id>.shell") was built: "spec", "study.yaml" and
        the names of changed or missing data sets; [] when nothing did or nothing was recorded."""
        record = self.records.get(key)
        if not isinstance(record, dict) or "built_at" not in record:
            return []
        try:
            built = datetime.fromisoformat(record["built_at"]).timestamp()
        except (TypeError, ValueError):
            return []
        out = []
        if "spec" in record and self._differs(Path(record["spec"]), record.get("spec_sha256"), built):
            out.append("spec")
        if self._differs(self.study_spec, record.get("study_spec_sha256"), built):
            out.append("study.yaml")
        used = record.get("datasets")
        for name, entry in sorted((record.get("inputs") or {}).items()):
            if used is not None and name not in used or not isinstance(entry, dict):
                continue
            if self._differs(Path(entry.get("file", "")), entry.get("sha256"), built):
                out.append(name)
        return out

    def _differs(self, path: Path, recorded: str | None, built: float) -> bool:
        if not recorded:
            return False
        try:
            if path.stat().st_mtime <= built:
                return False
        except OSError:
            return True  # gone
        key = str(path)
        if key not in self._hashes:
            try:
                self._hashes[key] = sha256_file(path)
            except OSError:
                self._hashes[key] = None
        return self._hashes[key] != recorded
