"""Decimal alignment of a table column in a monospaced font, shared by every renderer (DOCX, XLSX, RTF).

A numeric cell is read as numbers and the text between them: "12 (14.0) [26]" is the numbers 12, 14.0
and 26 with the separators "", " (", ") [" and "]". Within a column every cell's first number is padded
to one layout (its sign and integer part right-aligned, its decimal point and decimals after), so that
the decimal points (or units) of the first numbers share one position; cells with the same separators
("n (%)" and "Mean (SD)" rows alike) also share the positions of their later numbers, so their
parentheses and decimal points line up too: " 4.3 ( 5.9)" over "17.6 (12.9)". Cells whose
numbers before the last have other decimals ("30, 52" under "38.0, 52.8") align only their first number.
A number with fewer decimals than the others at its place keeps its closing brackets next to it
("(100)" under "(14.0)"). Text cells (no number, several lines: "NE", "-") are left as they are.

The padding is ``PAD`` (a no-break space, as wide as any character of the font, never a line break),
so an aligned text measures as it prints (render/text_metrics.py) and ``unpad`` gives the text back.
DOCX turns each run of padding into character spacing (the text stays the table's); XLSX and RTF print
it. ``align_column`` pads one column's texts; ``block`` is the width the column's aligned texts need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

PAD = "\u00a0"
ALIGNS = ("decimal", "center", "left")

# a number: optional minus, digits (or a shell's "x"), optional decimals; not part of a word ("1e5", "Max")
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])-?[0-9x]+(?:\.[0-9x]+)?(?![A-Za-z0-9])")
_CLOSERS = ")]%"


@dataclass(frozen=True)
class _Cell:
    seps: tuple[str, ...]  # n + 1 separators around n numbers
    ints: tuple[str, ...]  # sign and integer part of each number
    fracs: tuple[str, ...]  # "." and decimals of each number ("" for none)

    @property
    def pattern(self) -> tuple:
        """Cells sharing it align all their numbers: the separators between the numbers, and the decimals
        of every number but the last ("38.0, 52.8" and "30, 52" do not push each other apart; "(100)"
        and "(61.6)" align their units)."""
        return self.seps[1:-1], tuple(len(f) for f in self.fracs[:-1])


def parse(text: str) -> _Cell | None:
    """The numbers and separators of a one-line cell with at least one number and no padding, else None."""
    if not text or "\n" in text or PAD in text:
        return None
    seps, ints, fracs, at = [], [], [], 0
    for m in _NUMBER.finditer(text):
        if "x" in m.group() and not set(m.group()) <= set("x.-"):  # "x1": not a number nor a placeholder
            return None
        seps.append(text[at:m.start()])
        whole, _, dec = m.group().partition(".")
        ints.append(whole)
        fracs.append("." + dec if dec else "")
        at = m.end()
    if not ints:
        return None
    seps.append(text[at:])
    return _Cell(tuple(seps), tuple(ints), tuple(fracs))


def align_column(texts: Sequence[str], groups: Sequence[str] | None = None) -> list[str]:
    """The column's texts, numeric cells padded with ``PAD`` to the column's common layout (module
    docstring); text cells unchanged. Trailing padding is left out. `groups` (one key per text, e.g.
    the table's row groups): the numbers after the first align only within a group, so that a wide
    number of one block ("(100)") does not widen the parentheses of another ("( 8.59)")."""
    cells = [parse(t) for t in texts]
    keys = list(groups) if groups is not None else [""] * len(texts)
    numeric = [(c, g) for c, g in zip(cells, keys, strict=True) if c is not None]
    if not numeric:
        return list(texts)
    lead = max(len(c.seps[0]) for c, _ in numeric)
    first = max(len(c.ints[0]) for c, _ in numeric)  # the first numbers' units line up down the column
    widths: dict[tuple, list[tuple[int, int]]] = {}
    for c, g in numeric:
        w = widths.setdefault((g, c.pattern), [(first, 0)] + [(0, 0)] * (len(c.ints) - 1))
        for k in range(len(c.ints)):
            w[k] = (max(w[k][0], len(c.ints[k])), max(w[k][1], len(c.fracs[k])))
    return [t if c is None else _padded(c, lead, widths[g, c.pattern])
            for t, c, g in zip(texts, cells, keys, strict=True)]


def _padded(c: _Cell, lead: int, widths: list[tuple[int, int]]) -> str:
    out = []
    for k, (whole, frac) in enumerate(zip(c.ints, c.fracs, strict=True)):
        iw, fw = widths[k]
        if k:
            out.append(PAD * (iw - len(whole)) + whole + frac)
        else:  # a sign or bracket before the first number stays next to it: "<0.001" over " 0.035"
            out.append(PAD * (lead - len(c.seps[0]) + iw - len(whole)) + c.seps[0] + whole + frac)
        carry = fw - len(frac)  # padding for missing decimals, placed after the closing brackets
        sep = c.seps[k + 1]
        closing = len(sep) - len(sep.lstrip(_CLOSERS))
        if k + 1 < len(c.ints):
            out.append(sep[:closing] + PAD * carry + sep[closing:])
        else:
            out.append(sep)
    return "".join(out)


def unpad(text: str) -> str:
    """The text without alignment padding."""
    return text.replace(PAD, "")


def runs(text: str) -> tuple[int, list[tuple[str, int]]]:
    """(padding before the text, [(piece of text, padding after it)]) of an aligned text."""
    parts = re.split(f"({PAD}+)", text)
    lead = len(parts[1]) if len(parts) > 1 and parts[0] == "" else 0
    pieces: list[tuple[str, int]] = []
    for i in range(2 if lead else 0, len(parts), 2):
        if parts[i]:
            pad = len(parts[i + 1]) if i + 1 < len(parts) else 0
            pieces.append((parts[i], pad))
    return lead, pieces


def block(texts: Sequence[str]) -> int:
    """Characters the widest aligned text of a column takes (0 for none)."""
    return max((len(t) for t in texts if PAD in t or parse(t) is not None), default=0)


def aligned_table(table):
    """``table`` with the cells of its "decimal" columns padded (``align_column``), what every renderer
    prints and pagination measures. A column whose aligned texts would not fit on one line of its
    width is left unpadded and centred (its ``align`` becomes "center"); the widths are measured again
    until no more columns change, so the plan and the print agree."""
    from dataclasses import replace

    from tlf.render.paginate import column_widths, has_stub
    from tlf.render.text_metrics import chars_per_line

    todo = [j for j, c in enumerate(table.columns) if c.align == "decimal"]
    if not todo or not table.rows:
        return table
    original = table
    groups = [r.group for r in table.rows]
    padded = {j: align_column([r.cells[j] for r in table.rows], groups) for j in todo}
    while True:
        columns = tuple(replace(c, align="center") if c.align == "decimal" and j not in todo else c
                        for j, c in enumerate(original.columns))
        rows = tuple(replace(r, cells=tuple(padded[j][i] if j in todo else t for j, t in enumerate(r.cells)))
                     for i, r in enumerate(original.rows))
        table = replace(original, columns=columns, rows=rows)
        widths = column_widths(table)[1 if has_stub(table) else 0:]
        unfit = [j for j in todo if block(padded[j]) > chars_per_line(widths[j], table.page)]
        if not unfit:
            return table
        todo = [j for j in todo if j not in unfit]


_ONE_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def one_number(text: str) -> tuple[int | float, int] | None:
    """(value, decimals) of a cell that is exactly one number as printed ("12", "45.30", "-0.25"; padding
    aside), else None: composite cells ("12 (14.0)"), "<0.001", "NE", "007" stay text."""
    text = unpad(text)
    if not _ONE_NUMBER.fullmatch(text):
        return None
    whole, _, dec = text.partition(".")
    return (float(text) if dec else int(whole)), len(dec)
