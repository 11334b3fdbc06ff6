"""Renderers: a finished ``tlf.tables.model.Table`` -> pages, DOCX, XLSX.

Renderers only read the model; they never round or format numbers (every cell is already text).

    paginate(table) -> list[Page]                  tlf.render.paginate (pure, no I/O)
    render_docx(table, path, *, when=None)         tlf.render.docx (python-docx + lxml)
    render_xlsx(table, path, ard=None, *, when=None)  tlf.render.xlsx (XlsxWriter, render/xlsx_book.py)

Every DOCX and XLSX is saved through ``tlf.render.package.save_package``: its document properties
and zip entries carry ``when``, the build's one time (SOURCE_DATE_EPOCH when set, tlf/clock.py).

The functions are imported lazily, so ``import tlf.render`` loads neither python-docx nor
XlsxWriter.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["Page", "paginate", "render_docx", "render_xlsx"]

_HOMES = {
    "Page": "tlf.render.paginate",
    "paginate": "tlf.render.paginate",
    "render_docx": "tlf.render.docx",
    "render_xlsx": "tlf.render.xlsx",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'tlf.render' has no attribute {name!r}")
