"""The RTF document around a table, listing or figure: the prolog (font, colour, document properties), a
section per page setup with its page header (title block) and footer (footnotes, provenance, "Page x of
y"), text escaping, and the paragraphs every RTF renderer writes. The counterpart of docx_page.py: the
same geometry (margins, header and footer at the margin, Courier New at the page's size, single line
spacing, no paragraph spacing), so that the page plan of render/paginate.py holds for both.

Written by hand (no library): the renderer places every page of the plan itself. RTF is 7-bit text:
characters outside ASCII are written as ``\\uN?`` (UTF-16 units, signed), ``\\``, ``{`` and ``}``
escaped; the document's bytes depend only on its content and ``when`` (its creation time).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from tlf.render.docx_page import PROVENANCE_SMALLER, clean_text

TWIPS = 1440  # per inch
A4_TWIPS = (11906, 16838)  # exactly 210 x 297 mm (as the DOCX writes it)
RULE = r"\brdrs\brdrw15\brdrcf1"  # a 0.75 pt black line


def escape(text: str) -> str:
    """``text`` as RTF: control characters removed (clean_text), ``\\ { }`` escaped, "\\n" a line break,
    a tab ``\\tab``, everything outside ASCII as ``\\uN?``."""
    out: list[str] = []
    for ch in clean_text(text):
        code = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append(r"\line ")
        elif ch == "\t":
            out.append(r"\tab ")
        elif 32 <= code < 127:
            out.append(ch)
        elif code > 0xFFFF:  # a surrogate pair
            code -= 0x10000
            for unit in (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)):
                out.append(f"\\u{unit - 0x10000}?")
        else:
            out.append(f"\\u{code if code < 0x8000 else code - 0x10000}?")
    return "".join(out)


def half_points(size: float) -> int:
    """A font size as RTF's ``\\fs`` takes it (half points), as the DOCX writes it."""
    return int(size * 2)


def prolog(page, title: str, identifier: str, when: datetime | None) -> str:
    """The document's start: character set, font table (the page's font as font 0), colour table (black
    as colour 1), document properties (title, identifier as subject, author tlf, created ``when``), the
    default font and size, and the paper of the first section."""
    if when is None:
        from tlf.clock import build_time

        when = build_time()
    when = when.astimezone(UTC)
    stamp = rf"\yr{when.year}\mo{when.month}\dy{when.day}\hr{when.hour}\min{when.minute}"
    width, height = paper_twips(page)
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1\n"
            f"{{\\fonttbl{{\\f0\\fmodern\\fprq1\\fcharset0 {escape(page.font)};}}}}\n"
            "{\\colortbl;\\red0\\green0\\blue0;}\n"
            f"{{\\info{{\\title {escape(title)}}}{{\\subject {escape(identifier)}}}{{\\author tlf}}"
            f"{{\\creatim{stamp}}}{{\\revtim{stamp}}}}}\n"
            f"\\paperw{width}\\paperh{height}" + (r"\landscape" if page.orientation == "landscape" else "")
            + rf"\widowctrl\ftnbj\fet0\f0\fs{half_points(page.font_size)}" + "\n")


def paper_twips(page) -> tuple[int, int]:
    """(width, height) of the oriented paper in twips."""
    if page.paper == "a4":
        short, long_ = A4_TWIPS
        return (long_, short) if page.orientation == "landscape" else (short, long_)
    width, height = page.size
    return round(width * TWIPS), round(height * TWIPS)


def section(page, header_lines: Sequence[str], footer: str, first: bool) -> str:
    """A section (the first, or a new one starting on a new page): paper, orientation, margins, the page
    header and footer at the margin (so the body is pushed away from them by their height, as in the
    DOCX), the title block centred in the header with a blank line under it, and ``footer`` (``footer``)."""
    width, height = paper_twips(page)
    margin = round(page.margin * TWIPS)
    fs = half_points(page.font_size)
    lines = [*header_lines, ""]  # a blank line between the title block and the table
    header = "".join(rf"\pard\plain\f0\fs{fs}\qc {escape(line)}\par " for line in lines)
    return ((r"\sect" if not first else "")
            + rf"\sectd\sbkpage\pgwsxn{width}\pghsxn{height}"
            + (r"\lndscpsxn" if page.orientation == "landscape" else "")
            + rf"\marglsxn{margin}\margrsxn{margin}\margtsxn{margin}\margbsxn{margin}"
            + rf"\headery{margin}\footery{margin}\pgncont" + "\n"
            + "{\\header " + header + "}\n"
            + "{\\footer " + footer + "}\n")


def footer(page, footnotes: Sequence[str], provenance: str, page_count: int) -> str:
    """The page footer: a blank line, the footnotes, the provenance line (smaller) and "Page x of y" on
    the right (PAGE and NUMPAGES fields, cached values 1 and ``page_count``)."""
    fs = half_points(page.font_size)
    out = [rf"\pard\plain\f0\fs{fs}\ql {escape(line)}\par " for line in ("", *footnotes)]
    if provenance:
        small = half_points(max(6.0, page.font_size - PROVENANCE_SMALLER))
        out.append(rf"\pard\plain\f0\fs{small}\ql {escape(provenance)}\par ")
    out.append(rf"\pard\plain\f0\fs{fs}\qr Page {{\field{{\*\fldinst PAGE }}{{\fldrslt 1}}}} of "
               rf"{{\field{{\*\fldinst NUMPAGES }}{{\fldrslt {page_count}}}}}\par ")
    return "".join(out)


def spacer(page, page_break: bool) -> str:
    """A 1-point paragraph between page tables (breaking the page before it) and at the end of the body,
    as the DOCX's (render/docx_page.py ``spacer``)."""
    return ("{\\pard\\plain" + (r"\pagebb" if page_break else "") + r"\sl-20\slmult0\f0\fs2\par}" + "\n")


def paragraph(page, text: str, align: str = "l", page_break: bool = False) -> str:
    """One body paragraph at the page's font and size (``align``: l, c or r)."""
    fs = half_points(page.font_size)
    return (r"\pard\plain" + (r"\pagebb" if page_break else "") + rf"\f0\fs{fs}\q{align} {escape(text)}\par"
            + "\n")


def end_notes(page, pages: Sequence[Sequence[str]]) -> str:
    """Footnotes printed in the body after the last row (or picture) when the page footer cannot hold
    them (render/paginate.py ``end_note_pages``): a blank line, then each planned page's notes, the first
    note of every further page breaking the page before it."""
    out = [paragraph(page, "")]
    for k, notes in enumerate(pages):
        out += [paragraph(page, note, page_break=bool(k) and not i) for i, note in enumerate(notes)]
    return "".join(out)


def picture(png: bytes, width_in: float, height_in: float) -> str:
    """A PNG embedded in the body (``\\pngblip``), centred, ``width_in`` x ``height_in`` inches."""
    w, h = _png_size(png)
    hexed = png.hex()
    lines = "\n".join(hexed[i:i + 128] for i in range(0, len(hexed), 128))
    return (r"\pard\plain\qc{\pict\pngblip" + rf"\picw{w}\pich{h}"
            + rf"\picwgoal{round(width_in * TWIPS)}\pichgoal{round(height_in * TWIPS)}" + "\n"
            + lines + "}\\par\n")


def _png_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def document(parts: Iterable[str]) -> bytes:
    """The whole document's bytes: the parts and the closing brace (RTF is ASCII: see ``escape``)."""
    return ("".join(parts) + "}\n").encode("ascii")
