"""The one time a build stamps on what it writes (reproducible-builds.org's SOURCE_DATE_EPOCH).

With the environment variable SOURCE_DATE_EPOCH set (whole seconds since 1970-01-01 UTC, as
`date +%s` prints), every timestamp tlf puts in an output — the provenance line's "run", the
DOCX/XLSX document properties and zip entry dates — is that time, so two builds of the same specs
and data give byte-identical files. Unset (or empty), it is the time the build started.
Records of the build itself (manifest.json, the review index) keep the wall clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from tlf.errors import TlfError

ENV = "SOURCE_DATE_EPOCH"


class ClockError(TlfError):
    """SOURCE_DATE_EPOCH is set but is not a time."""

    code = "ENV001"


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as an integer, None when unset or empty; ClockError when malformed."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise ClockError(f"environment variable {ENV}='{raw[:40]}' is not a whole number of seconds since "
                         "1970-01-01 UTC (as `date +%s` prints); set it to one, or unset it")
    value = int(raw)
    try:
        datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise ClockError(f"environment variable {ENV}={raw[:40]} is beyond the dates a file can hold "
                         "(year 9999)") from None
    return value


def build_time() -> datetime:
    """The build's time, UTC, whole seconds: SOURCE_DATE_EPOCH when set, else now."""
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC)
    return datetime.now(UTC).replace(microsecond=0)


def run_time_text(when: datetime) -> str:
    """The time as provenance lines print it: 2026-03-01T14:05 UTC."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M UTC")
