"""The texts of an ARS display (OutputDisplay.displaySections) as the parts of a tlf table.

A display section (`sectionType`) holds ordered sub-sections, each a text of its own (`subSection`) or a
reference by id (`subSectionId`) to one defined elsewhere: among the reporting event's
`globalDisplaySections`, or in another display (CDISC's example: the vertical vital-signs display takes its
title, legend, footer and row-label header from the horizontal one's sub-sections).

Where each section goes on the page:

| sectionType | tlf table |
|---|---|
| Title | the first text the output number ("Table 14.1.1"), the others title lines |
| Header | the running header line above the title block (left, then right); "Page x of y" is left out, as tlf prints the page number itself |
| Rowlabel Header | the header of the row-label column, one line per sub-section |
| Legend, Abbreviation, Footnote, Footer | footnote lines under the table, in the order the display lists its sections |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FOOT = ("Legend", "Abbreviation", "Footnote", "Footer")
_PAGE = re.compile(r"^\s*page\s+x\s+of\s+y\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class DisplayText:
    number: str
    titles: tuple[str, ...]
    footnotes: tuple[str, ...]
    stub_header: str
    running_header: tuple[str, ...]  # (left, centre, right), or () for none


def subsection_texts(raw: dict) -> dict[str, str]:
    """Every sub-section of the event by id: the global ones and those defined in any output's display."""
    texts = {s.get("id"): s.get("text", "") for g in raw.get("globalDisplaySections") or []
             for s in g.get("subSections") or [] if isinstance(s, dict)}
    for out in raw.get("outputs") or []:
        for d in out.get("displays") or []:
            for sec in (d.get("display") or {}).get("displaySections") or []:
                for sub in sec.get("orderedSubSections") or []:
                    own = sub.get("subSection")
                    if isinstance(own, dict) and own.get("id"):
                        texts.setdefault(own["id"], own.get("text", ""))
    return texts


def sections(display: dict, texts: dict[str, str]) -> list[tuple[str, list[str]]]:
    """(sectionType, its texts in their order) per section of the display, references resolved."""
    out = []
    for sec in display.get("displaySections") or []:
        found = []
        for sub in sorted(sec.get("orderedSubSections") or [], key=lambda s: s.get("order", 0)):
            own = sub.get("subSection")
            found.append(own.get("text", "") if isinstance(own, dict) else texts.get(sub.get("subSectionId"), ""))
        out.append((sec.get("sectionType", ""), found))
    return out


def display_text(raw: dict, display: dict, fallback_title: str) -> DisplayText:
    """The title block, footnotes, row-label header and running header of one display."""
    secs = sections(display, subsection_texts(raw))

    def of(kind: str) -> list[str]:
        return [t for k, texts in secs if k == kind for t in texts]

    titles = [t.strip() for t in of("Title") if t.strip()] or [display.get("displayTitle") or fallback_title]
    foot = tuple(t.strip() for k, texts in secs if k in FOOT for t in texts if t.strip())
    header = [t.strip() for t in of("Header") if t.strip() and not _PAGE.match(t)]
    running = (" ".join(header[:1]), "", " ".join(header[1:])) if header else ()
    stub = "\n".join(t.rstrip() for t in of("Rowlabel Header") if t.strip())
    return DisplayText(number=titles[0], titles=tuple(titles[1:]), footnotes=foot, stub_header=stub,
                       running_header=running)
