"""Writing a DOCX or XLSX (a zip "package") whose bytes depend only on its content and one time.

python-docx and openpyxl stamp each zip entry with the local time of saving, and openpyxl sets the
workbook's created/modified properties to the time of the call; python-docx keeps its template's
2013 dates. Every renderer saves through `save_package`, which takes the library's package and
rewrites it: the document properties created and modified (and lastPrinted where present) set to
`when`, every entry dated `when` (UTC; the zip format cannot hold dates before 1980, which become
1980-01-01), entries in a fixed order ([Content_Types].xml first, then by name), each deflated at
one level with fixed attributes. The file is written once, complete.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

CORE = "docProps/core.xml"
CONTENT_TYPES = "[Content_Types].xml"
_DCTERMS = "http://purl.org/dc/terms/"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_STAMPED = (f"{{{_DCTERMS}}}created", f"{{{_DCTERMS}}}modified", f"{{{_CP}}}lastPrinted")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
COMPRESS_LEVEL = 6


def save_package(save: Callable[[IO[bytes]], object], path: Path | str, when: datetime | None = None) -> None:
    """Call `save` (``doc.save`` or ``workbook.save``) into memory and write the package to `path`
    stamped with `when` (default: the build time, tlf.clock)."""
    if when is None:
        from tlf.clock import build_time

        when = build_time()
    buf = io.BytesIO()
    save(buf)
    Path(path).write_bytes(stamp_package(buf.getvalue(), when))


def stamp_package(data: bytes, when: datetime) -> bytes:
    """The zip `data` rewritten with every date `when`, in a fixed order and compression."""
    when = when.astimezone(UTC)
    date_time = max(ZIP_EPOCH, (when.year, when.month, when.day, when.hour, when.minute, when.second))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as dst:
        names = sorted(src.namelist(), key=lambda n: (n != CONTENT_TYPES, n))
        for name in names:
            content = src.read(name)
            if name == CORE:
                content = _stamp_core(content, when)
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 0  # MS-DOS, as Office writes: no Unix owner or mode in the file
            info.external_attr = 0
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, content, compresslevel=COMPRESS_LEVEL)
    return out.getvalue()


def _stamp_core(xml: bytes, when: datetime) -> bytes:
    """docProps/core.xml with created, modified and lastPrinted, where present, set to `when` (python-docx
    and openpyxl always write created and modified)."""
    from lxml import etree

    root = etree.fromstring(xml)
    text = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag in _STAMPED:
        for el in root.iter(tag):
            el.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
