"""The metrics of the font that will print an output, read from its font file (fontTools).

    m = font_metrics("Courier New")   # FontMetrics(char_em=0.6001, line_em=1.1328, family='Liberation Mono', ...)

The font file is the one fontconfig (``fc-match``) picks for the page's font on this machine, which is
the one LibreOffice renders with: Courier New itself, or a font with its metrics (Liberation Mono,
Cousine), or, when neither is installed, a substitute with other metrics (e.g. DejaVu Sans Mono, wider
and taller). Pagination measures with what it finds, so the pages planned are the pages laid out here;
``font_warning`` says when the font measured is not the page's font nor one with its metrics. Without
fontconfig or fontTools, or when the file cannot be read, Courier New's own metrics are used (and
``font_warning`` says so).

char_em: advance width of a character / font size (a fixed-width font: every character's; otherwise the
widest of the digits and the mean of printable ASCII, so that numbers are never under-measured).
line_em: the height of a line / font size, as LibreOffice and Word set single spacing (the larger of
the Windows and the horizontal-header ascent plus descent plus line gap).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

COURIER_CHAR_EM = 1229 / 2048  # Courier New advance width / font size (0.6 em and a hair)
COURIER_LINE_EM = (1705 + 615) / 2048  # Courier New (and Liberation Mono) ascent + descent / font size
FC_TIMEOUT = 10  # seconds

# fonts made with the metrics of another, so that text set in one takes exactly the room of the other
METRIC_TWINS = {
    "courier new": ("liberation mono", "cousine"),
    "arial": ("liberation sans", "arimo"),
    "helvetica": ("liberation sans", "arimo"),
    "times new roman": ("liberation serif", "tinos"),
    "times": ("liberation serif", "tinos"),
}


@dataclass(frozen=True)
class FontMetrics:
    char_em: float
    line_em: float
    family: str  # the family of the file measured ("" when none was found)
    path: str  # the font file measured ("" when none was found: Courier New's metrics)
    requested: str  # the page's font

    @property
    def matches(self) -> bool:
        """True when the font measured is the page's font or one made with its metrics."""
        want, got = self.requested.strip().lower(), self.family.strip().lower()
        return bool(got) and (got == want or got in METRIC_TWINS.get(want, ()))


@functools.lru_cache(maxsize=16)
def font_metrics(font: str) -> FontMetrics:
    """The metrics of the font file that prints ``font`` on this machine (cached per font name)."""
    found = _match(font)
    if found is None:
        return FontMetrics(COURIER_CHAR_EM, COURIER_LINE_EM, "", "", font)
    path, family = found
    try:
        char_em, line_em = _read(path)
    except Exception:  # an unreadable or unusual font file: measure as Courier New
        return FontMetrics(COURIER_CHAR_EM, COURIER_LINE_EM, "", "", font)
    return FontMetrics(char_em, line_em, family, path, font)


def font_warning(font: str) -> str:
    """'' when ``font`` (or a font with its metrics) is installed; otherwise what pages are measured with
    and what to install."""
    m = font_metrics(font)
    if m.matches:
        return ""
    twins = METRIC_TWINS.get(font.strip().lower(), ())
    also = f" nor {twins[0].title()}, which has its metrics" if twins else ""
    install = (" (Debian/Ubuntu: apt-get install fonts-liberation)" if twins and twins[0].startswith("liberation")
               else "")
    if not m.path:
        return (f"the page font '{font}' is not installed{also}, and no font file could be found for it (fontconfig's "
                f"fc-match): pages are planned with Courier New's metrics; LibreOffice here may lay them out on more "
                f"pages. Install '{font}'{' or ' + twins[0].title() if twins else ''}{install}")
    return (f"the page font '{font}' is not installed{also}: pages are planned with the metrics of "
            f"'{m.family}' ({m.path}), the font that prints it on this machine (LibreOffice), not with those "
            f"of '{font}'; install '{font}'{' or ' + twins[0].title() if twins else ''}{install} to plan the pages "
            f"as they print where '{font}' is installed")


def _match(font: str) -> tuple[str, str] | None:
    """(file, family) of the font fontconfig picks for ``font``, or None."""
    fc = shutil.which("fc-match")
    if fc is None:
        return None
    try:
        name = "".join("\\" + ch if ch in "\\-:," else ch for ch in font)  # fontconfig pattern syntax
        run = subprocess.run([fc, "--format=%{file}\n%{family[0]}", f"{name}:style=Regular"], capture_output=True,
                             text=True, timeout=FC_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = run.stdout.splitlines()
    if run.returncode != 0 or len(lines) < 2 or not lines[0]:
        return None
    return lines[0], lines[1]


def _read(path: str) -> tuple[float, float]:
    """(char_em, line_em) from a TrueType/OpenType file."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        upem = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        cmap = font.getBestCmap()
        advances = {ch: hmtx[cmap[ord(ch)]][0] for ch in map(chr, range(32, 127)) if ord(ch) in cmap}
        fixed = bool(font["post"].isFixedPitch) or len(set(advances.values())) == 1
        if fixed:
            width = max(advances.values())
        else:
            digits = [advances[d] for d in "0123456789" if d in advances]
            width = max(max(digits, default=0), sum(advances.values()) / len(advances))
        hhea, os2 = font["hhea"], font["OS/2"] if "OS/2" in font else None
        height = hhea.ascent - hhea.descent + hhea.lineGap
        if os2 is not None:
            height = max(height, os2.usWinAscent + os2.usWinDescent)
    return width / upem, height / upem
