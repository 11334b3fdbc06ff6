"""The one error family of tlf. The library raises; only the CLI exits.

Every error carries where it happened (spec file, line, column and key; or dataset, variable and
subject) and a stable code, and prints like a compiler's message:

    specs/t-14-3-1.yaml:17:9: analyses[2].stat: unknown statistic 'meen' (did you mean 'mean'?) [SPEC012]
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable
from dataclasses import dataclass


class TlfError(Exception):
    """Base class: a problem the user can fix. `code` is stable; `exit_code` is what the CLI returns."""

    exit_code = 2
    code = "TLF000"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"

    def __reduce__(self):
        """Pickled with every attribute (location, key, dataset, ...), not only the message: a parallel
        build's worker processes send errors and findings back to the parent (tlf/build_parallel.py)."""
        return rebuild_error, (type(self), self.args, dict(self.__dict__))


def rebuild_error(cls: type, args: tuple, state: dict) -> TlfError:
    """A TlfError unpickled: `cls` with `args` and the attributes `state` (TlfError.__reduce__)."""
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(state)
    return err


@dataclass(frozen=True)
class Location:
    """Where a spec value came from. line and column are 1-based; 0 means unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column or 1}"
        return self.path


class SpecError(TlfError):
    """A problem in a spec file, at a key."""

    code = "SPEC000"

    def __init__(self, message: str, *, location: Location | None = None, key: str = "",
                 code: str | None = None) -> None:
        super().__init__(message, code)
        self.location = location
        self.key = key

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message} [{self.code}]"


class DataError(TlfError):
    """A problem in the data: names the dataset, and where known the variable and the subject."""

    code = "DATA000"

    def __init__(self, message: str, *, dataset: str = "", variable: str = "", usubjid: str = "",
                 code: str | None = None) -> None:
        super().__init__(message, code)
        self.dataset = dataset
        self.variable = variable
        self.usubjid = usubjid

    def __str__(self) -> str:
        parts = [p for p in (self.dataset, self.variable) if p]
        where = ".".join(parts)
        subj = f" (USUBJID {self.usubjid})" if self.usubjid else ""
        lead = f"{where}{subj}: " if where or subj else ""
        return f"{lead}{self.message} [{self.code}]"


class OutputError(TlfError):
    """A problem writing outputs (permissions, a file the user made that would be overwritten)."""

    code = "OUT000"


# Errors of the machine, not of tlf: a full disk, a quota, a read-only or failing file system, a file
# or folder tlf may not write, no file handles left. They fail what was being written (exit 2), never
# as "a bug in tlf".
MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM,
                            errno.EMFILE, errno.ENFILE})


def machine_error(exc: BaseException, what: str) -> OutputError | None:
    """The OutputError (OUT015) of an OSError the machine caused while doing `what` ("building t-14-1-1"),
    naming the file and the reason; None for any other exception."""
    if not isinstance(exc, OSError) or exc.errno not in MACHINE_ERRNOS:
        return None
    where = f" {exc.filename}" if exc.filename else ""
    return OutputError(f"cannot write{where} while {what}: {exc.strerror or exc}; free space or fix the "
                       "permissions and run again (files already published are intact)", code="OUT015")


class InternalError(TlfError):
    """A bug in tlf, not a problem of the input: an exception tlf did not expect. Exit code 3; the message
    says so, names what failed (an output, a command) and the log file that holds the traceback."""

    exit_code = 3
    code = "TLF999"

    def __init__(self, message: str, *, output_id: str = "", log: object = None) -> None:
        super().__init__(message)
        self.output_id = output_id
        self.log = log


def internal_error(exc: BaseException, what: str, folder: object = ".", *, output_id: str = "",
                   log: object = None) -> InternalError:
    """The InternalError of an unexpected exception `exc` raised while doing `what` ("building t-14-1-1"):
    its traceback is appended to `log`, or to a new tlf-error-<UTC time>.log in `folder` (the current
    folder when `folder` cannot be written). The message names the log, never prints the traceback."""
    path = write_crash_log(exc, what, folder, log)
    where = f"; the traceback is in {path}" if path else "; the traceback could not be written to a log file"
    return InternalError(f"internal error in tlf (a bug, not a problem of your specs or data) while {what}: "
                         f"{type(exc).__name__}: {_one_line(exc)}{where}; please report it",
                         output_id=output_id, log=path)


def crash_log_path(folder: object = ".") -> object:
    """Where a crash's traceback goes: <folder>/tlf-error-<UTC time>.log."""
    from datetime import UTC, datetime
    from pathlib import Path

    return Path(str(folder)) / f"tlf-error-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}.log"


def write_crash_log(exc: BaseException, what: str, folder: object = ".", log: object = None) -> object:
    """Append `exc`'s traceback to `log` (or a new crash log in `folder`, else in the current folder);
    the path written, or None when no file could be written."""
    import platform
    import sys
    import traceback
    from pathlib import Path

    text = (f"tlf internal error while {what}\npython {platform.python_version()} on {platform.platform()}\n"
            f"argv: {sys.argv}\n\n" + "".join(traceback.format_exception(exc)) + "\n")
    candidates = [Path(str(log))] if log else [crash_log_path(folder), crash_log_path(".")]
    for path in candidates:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as f:
                f.write(text)
            return path
        except OSError:
            continue
    return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


@dataclass(frozen=True)
class Finding:
    """A problem that does not stop a run but may make a number wrong or lose something printed: a spec
    value the data never take, records of subjects not in the subject-level dataset, a footnote that does
    not fit. It carries the error it would be (with its location and code): `tlf check` prints it and
    exits 1, `tlf build` prints it in its summary, and `--strict` raises the error instead. A `note` is
    worth knowing but most often right (a category no record has, printed as 0): printed as a note, it
    neither changes the exit code nor fails under `--strict`."""

    error: TlfError
    note: bool = False

    @property
    def code(self) -> str:
        return self.error.code

    def __str__(self) -> str:
        return str(self.error)


class ErrorGroup(TlfError):
    """Several errors found in one run, reported together."""

    code = "MULTI"

    def __init__(self, errors: Iterable[TlfError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''. Closest by edit distance counting a swap
    of two neighbouring letters as one edit (typos), then by difflib similarity."""
    word = str(word)
    cands = [str(c) for c in choices]
    close = set(difflib.get_close_matches(word, cands, n=5, cutoff=0.6))
    close |= {c for c in cands if _osa(word.lower(), c.lower()) <= max(1, len(word) // 4)}
    if not close:
        return ""
    best = min(close, key=lambda c: (_osa(word.lower(), c.lower()),
                                     -difflib.SequenceMatcher(None, word, c).ratio(), c))
    return f" (did you mean '{best}'?)"


def meant_value(value, choices: Iterable) -> str | None:
    """The data value a spec value the data never take was probably meant to be, or None: one that is
    the same but for case and blanks ('White' / 'WHITE', 'Week 4' / ' Week 4'), then one that starts the
    other, case aside ('SEVER' / 'SEVERE', 'Male' / 'M'), then one a typo away (an edit per four
    letters: 'MODERTE' / 'MODERATE'). Text only: a number, or a value like 'Y' when the data have only
    'N', resembles nothing (a category no record has, printed as 0, is not a slip)."""
    if not isinstance(value, str) or not value.strip():
        return None
    cands = sorted({c for c in choices if isinstance(c, str) and c.strip() and c != value})

    def squeeze(s: str) -> str:
        return "".join(s.split()).casefold()

    word = squeeze(value)
    same = [c for c in cands if squeeze(c) == word]
    if same:
        return min(same, key=lambda c: (c.strip() != c, c))
    starts = [c for c in cands if max(len(word), len(squeeze(c))) >= 2
              and (squeeze(c).startswith(word) or word.startswith(squeeze(c)))]
    if starts:
        return min(starts, key=lambda c: (abs(len(squeeze(c)) - len(word)), c))
    typo = [c for c in cands if _osa(word, squeeze(c)) <= len(word) // 4]
    return min(typo, key=lambda c: (_osa(word, squeeze(c)), c)) if typo else None


def did_you_mean_value(value, choices: Iterable) -> str:
    """' (did you mean 'WHITE'?)' for a spec value the data never take: the value it resembles
    (`meant_value`: case and blanks first), else the closest by spelling; '' when none is close."""
    choices = list(choices)
    meant = meant_value(value, choices)
    if meant is not None:
        return f" (did you mean '{meant}'?)"
    return did_you_mean(str(value), [str(c) for c in choices])


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def raise_all(errors: list[TlfError]) -> None:
    """Raise nothing, the one error, or an ErrorGroup of all of them."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorGroup(errors)
