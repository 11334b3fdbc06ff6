"""The SHA-256 of a file, the one content hash tlf uses: the manifest and the journal record each
output's files by it, `tlf verify` checks them, and the Parquet cache keys converted inputs by it."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB chunks (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
