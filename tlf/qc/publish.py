"""Publishing an output: its files and its manifest entry move into place together.

A build writes all files of an output into a private temporary folder (`.tlf-tmp-*`) in the output
folder, then `publish`:

1. fsyncs every new file; keeps a hard link (or a copy) of every file it replaces, in the temporary folder;
2. writes the journal `.tlf-journal.json` (the output, each (temporary path, final name, new SHA-256, old
   SHA-256, backup), and the output's new manifest entry), fsynced, by an atomic rename;
3. renames the new files into place one by one, then fsyncs the folder;
4. writes manifest.json (fsynced, atomic replace);
5. deletes the journal and the temporary folder.

A kill at any point leaves either no journal (before 2: the old files and the old manifest; after 5: the
new ones) or a journal, which the next build (and `tlf verify`) replays (`recover`): roll forward when every
new file is still in its temporary folder or already in place, else roll back from the backups. Either way
the folder holds one output's old set or its new set, and the manifest that lists it.

`BuildLock` (`.tlf-lock`, created with O_EXCL: pid, host, start time, command) keeps a second build out of
a folder a build is writing (OUT006, naming the first build's process); a lock whose process is dead on
this host is taken over, with a note. `clean_stale` removes the temporary files a killed build left.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tlf.data.hashing import sha256_file
from tlf.errors import OutputError
from tlf.render.package import chmod_ordinary

MANIFEST = "manifest.json"

JOURNAL = ".tlf-journal.json"
LOCK = ".tlf-lock"
TMP_PREFIX = ".tlf-tmp-"
STALE_PREFIXES = (TMP_PREFIX, ".manifest-")


# --- durability ----------------------------------------------------------------------------------------


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make renames in `path` durable (a no-op where folders cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_json_atomic(path: Path, content: dict) -> None:
    """Write `content` to `path` by a fsynced temporary file renamed over it, then fsync the folder."""
    fd, tmp = tempfile.mkstemp(prefix=".manifest-" if path.name == MANIFEST else TMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(content, f, indent=2, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        chmod_ordinary(tmp)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and not e.filename:  # name the file a full disk stopped
            raise OSError(e.errno, e.strerror, str(path)) from e
        raise
    fsync_dir(path.parent)


# --- publishing one output ------------------------------------------------------------------------------


def publish(out: Path, tmp: Path, output_key: str, moves: dict[Path, Path],
            record_of: Callable[[dict[str, str]], dict], write_manifest: Callable[[str, dict], None]) -> dict:
    """Move the files `moves` (temporary path in `tmp` -> final path in `out`) into place and record them in
    out/manifest.json, all or nothing (module docstring). `record_of({name: sha256})` makes the output's
    manifest entry; `write_manifest(output_key, record)` writes the manifest holding it. Returns the entry.
    On an error or an interrupt the journal is replayed at once; if that fails too, the next build replays it."""
    if (out / JOURNAL).exists():  # an earlier publication that could not be replayed: try again, else stop
        try:
            recover(out)
        except OSError as e:
            raise OutputError(f"cannot replay the publication journal {out / JOURNAL}: {e.strerror or e}",
                              code="OUT007") from None
    entries = []
    backups = tmp / "old"
    for src, dst in moves.items():
        fsync_file(src)
        entry = {"temp": src.name, "final": dst.name, "sha256": sha256_file(src), "old_sha256": None,
                 "backup": None}
        if dst.is_file():
            backups.mkdir(exist_ok=True)
            backup = backups / dst.name
            try:
                os.link(dst, backup)
            except OSError:  # a file system without hard links
                shutil.copy2(dst, backup)
                fsync_file(backup)
            entry.update(old_sha256=sha256_file(backup), backup=f"old/{dst.name}")
        entries.append(entry)
    fsync_dir(tmp)
    record = record_of({e["final"]: e["sha256"] for e in entries})
    journal = {"journal": 1, "output": output_key, "tmp": tmp.name, "files": entries, "record": record}
    try:  # an interrupt from the journal's write on (its fsync included) is rolled forward or back at once
        write_json_atomic(out / JOURNAL, journal)
        for src, dst in moves.items():
            os.replace(src, dst)
        fsync_dir(out)
        write_manifest(output_key, record)
        _finish(out)
    except BaseException:
        with contextlib.suppress(Exception):
            recover(out)
        raise
    return record


def _finish(out: Path) -> None:
    journal = _read_journal(out)
    os.unlink(out / JOURNAL)
    fsync_dir(out)
    if journal and _safe_name(journal.get("tmp")):
        shutil.rmtree(out / journal["tmp"], ignore_errors=True)


def _safe_name(name) -> bool:
    return isinstance(name, str) and name.startswith(TMP_PREFIX) and "/" not in name and "\\" not in name


def _read_journal(out: Path) -> dict | None:
    try:
        j = json.loads((out / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return j if isinstance(j, dict) and isinstance(j.get("files"), list) else None


def recover(out: Path) -> str | None:
    """Replay the journal a killed build left in `out`: roll forward (every new file is in its temporary
    folder or already in place: finish the renames, write the journal's manifest) or back (restore the
    replaced files from their backups, keep the old manifest). Returns a note saying which, or None when
    there is no journal."""
    out = Path(out)
    if not (out / JOURNAL).exists():
        return None
    journal = _read_journal(out)
    if journal is None or not _safe_name(journal.get("tmp")):  # not one tlf wrote whole: nothing to replay
        os.unlink(out / JOURNAL)
        fsync_dir(out)
        return f"note: removed an unreadable publication journal in '{out}'"
    tmp = out / journal["tmp"]
    files = [f for f in journal["files"] if isinstance(f, dict) and all(_plain(f.get(k)) for k in ("temp", "final"))]

    def state(f) -> str:
        final = out / f["final"]
        if final.is_file() and sha256_file(final) == f["sha256"]:
            return "done"
        temp = tmp / f["temp"]
        if temp.is_file() and sha256_file(temp) == f["sha256"]:
            return "pending"
        return "lost"

    states = [state(f) for f in files]
    output = journal.get("output", "?")
    if "lost" not in states and isinstance(journal.get("record"), dict) and isinstance(output, str):
        for f, s in zip(files, states, strict=True):
            if s == "pending":
                os.replace(tmp / f["temp"], out / f["final"])
        fsync_dir(out)
        manifest = _manifest(out)
        manifest["outputs"][output] = journal["record"]
        write_json_atomic(out / MANIFEST, manifest)
        what = "completed"
    else:
        for f, s in zip(files, states, strict=True):
            final = out / f["final"]
            backup = tmp / f["backup"] if _plain_rel(f.get("backup")) else None
            if backup and backup.is_file():
                os.replace(backup, final)
            elif f.get("old_sha256") is None and s == "done":  # a new file the old set did not have
                final.unlink()
        fsync_dir(out)
        what = "rolled back"
    _finish(out)
    return f"note: the publication of {output} interrupted by a killed build was {what}"


def _manifest(out: Path) -> dict:
    try:
        m = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        m = None
    return m if isinstance(m, dict) and isinstance(m.get("outputs"), dict) else {"outputs": {}}


def _plain(name) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\\" not in name


def _plain_rel(name) -> bool:
    return isinstance(name, str) and name.startswith("old/") and _plain(name[4:])


def clean_stale(out: Path) -> None:
    """Remove the temporary files and folders a killed build left in `out` (call with the lock held and
    after `recover`)."""
    for p in Path(out).iterdir():
        if p.name.startswith(STALE_PREFIXES):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    p.unlink()


# --- one build at a time per output folder ---------------------------------------------------------------


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # Windows: os.kill(pid, 0) would end the process; cannot tell
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # exists (another user's), or cannot tell: assume alive
        return True
    return True


@contextlib.contextmanager
def folder_lock(folder: Path, command: str):
    """`with folder_lock(folder, "tlf compare"):` the BuildLock of an existing `folder` for a command that
    writes into it and records its files in its manifest (compare, ard, bundle), so that it never writes
    beside a running build (OUT006); a folder yet to be made needs none."""
    if not Path(folder).is_dir():
        yield None
        return
    with BuildLock(folder, command) as lock:
        yield lock


class BuildLock:
    """`with BuildLock(out):` holds out/.tlf-lock for the time of a build. notes: what taking it said
    (a stale lock taken over)."""

    def __init__(self, out: Path, command: str = "tlf build") -> None:
        self.path = Path(out) / LOCK
        self.command = command
        self.notes: list[str] = []
        self._held = False

    def __enter__(self) -> BuildLock:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started_at": datetime.now(UTC).isoformat(),
                "command": self.command, "argv": sys.argv[1:]}
        for _ in range(5):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                self._take_over_if_stale()
                continue
            except OSError as e:
                raise OutputError(f"cannot lock the output folder '{self.path.parent}': {e.strerror or e}",
                                  code="OUT001") from None
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(info, f)
                f.flush()
                os.fsync(f.fileno())
            self._held = True
            return self
        raise OutputError(f"another build is writing to '{self.path.parent}': its lock file {self.path} is being "
                          "written (or keeps changing); wait for it to finish, or delete the lock file if no build "
                          "is running", code="OUT006")

    def _take_over_if_stale(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return  # released meanwhile: try again
        except OSError as e:
            raise OutputError(f"cannot read the lock file {self.path}: {e.strerror or e}", code="OUT006") from None
        try:
            other = json.loads(text)
            pid, host = int(other["pid"]), str(other["host"])
        except (ValueError, KeyError, TypeError):
            other, pid, host = {}, None, None
        if pid is None:  # being written by a build starting this instant, or garbage: old garbage is stale
            import time

            try:
                age = time.time() - self.path.stat().st_mtime
            except FileNotFoundError:
                return
            if age < 10:
                time.sleep(0.2)
                return
        elif host != socket.gethostname() or _alive(pid):
            since = other.get("started_at", "?")
            raise OutputError(
                f"another build is writing to '{self.path.parent}': process {pid} on {host}, started {since} "
                f"(`{other.get('command', 'tlf build')}`); wait for it to finish, or, if that process is gone, "
                f"delete {self.path}", code="OUT006")
        # stale: move it aside (only the file we read), then try again to create ours
        aside = self.path.with_name(f"{TMP_PREFIX}lock-{os.getpid()}")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return
        try:
            if aside.read_text(encoding="utf-8") != text:  # another build took it over meanwhile: put it back
                os.replace(aside, self.path)
                return
            aside.unlink()
        except OSError:
            return
        who = f"process {pid} on {host}" if pid is not None else "an unreadable lock"
        self.notes.append(f"note: took over the lock of '{self.path.parent}' left by a killed build ({who}, "
                          f"started {other.get('started_at', '?')})")

    def __exit__(self, *exc) -> None:
        if self._held:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self._held = False
