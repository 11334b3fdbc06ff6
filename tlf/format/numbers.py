"""Numbers -> text, by the conventions in shared/conventions.md. The only place a number is printed.

    fmt_number(44.85, 1)     -> "44.9"    (half away from zero, also for 44.849999999 that stands for 44.85)
    fmt_pct(1/8, 0)          -> "13"      fmt_pct(1.0, 1) -> "100"     fmt_pct(0.0004, 1) -> "<0.1"
    fmt_count_pct(0, ...)    -> "0"       fmt_count_pct(1, "13") -> "1 (13)"
    fmt_pvalue(0.0004)       -> "<0.001"

Shells use the same functions with `shell=True`: digits become "x" masks ("xx.x").
"""

from __future__ import annotations

import math

from tlf.format.rounding import format_fixed, format_sig, round_half_away


def fmt_number(x: float, decimals: int, *, missing: str = "NE", shell: bool = False) -> str:
    """x with `decimals` decimals, rounded half away from zero; NaN -> `missing`."""
    if shell:
        return mask(decimals)
    if x is None or not math.isfinite(x):
        return missing
    return format_fixed(x, decimals)


def fmt_count(n: float, *, shell: bool = False) -> str:
    if shell:
        return "xx"
    return str(int(n))


def fmt_pct(p: float, decimals: int, *, small: str | None = None, shell: bool = False) -> str:
    """A proportion (0..1) as a percent: 100% prints "100", a non-zero that rounds to 0 prints "<0.1"
    (or "<1" at 0 decimals), NaN prints ""."""
    if shell:
        return mask(decimals)
    if p is None or not math.isfinite(p):
        return ""
    pct = p * 100.0
    if pct == 100.0:
        return "100"
    if pct > 0 and round_half_away(pct, decimals) == 0:
        return small if small is not None else "<" + format_fixed(10.0 ** -decimals, decimals)
    return format_fixed(pct, decimals)


def fmt_count_pct(n_text: str, pct_text: str, n: float | None = None, *, shell: bool = False) -> str:
    """"n (pct)"; a zero count prints "0" alone."""
    if shell:
        return f"{n_text} ({pct_text})"
    if n == 0 or not pct_text:
        return n_text
    return f"{n_text} ({pct_text})"


def fmt_pvalue(p: float, *, decimals: int = 3, shell: bool = False, missing: str = "NE",
               low: tuple[float, str] | None = None, high: tuple[float, str] | None = None,
               flag: tuple[float, str] | None = None, mark: str = "") -> str:
    """p-value with 3 decimals; "<0.001" below 10^-decimals and ">0.999" above 1 - 10^-decimals.

    low / high: (cutoff, text) replacing those defaults, e.g. high=(0.99, ">.99") prints ">.99" for
    any p > 0.99. flag: (cutoff, text) appends text to p-values below the cutoff, e.g. (0.15, "*")
    prints "0.097*"; the comparison is on the unrounded p. mark: appended to any printed p-value after
    the flag (a sparse chi-square's "^": "0.043^")."""
    if shell:
        return "x." + "x" * decimals
    if p is None or not math.isfinite(p):
        return missing
    lo_at, lo_text = low if low else (10.0 ** -decimals, "<" + format_fixed(10.0 ** -decimals, decimals))
    hi_at, hi_text = high if high else (1 - 10.0 ** -decimals, ">" + format_fixed(1 - 10.0 ** -decimals, decimals))
    if p < lo_at:
        text = lo_text
    elif p > hi_at:
        text = hi_text
    else:
        text = format_fixed(p, decimals)
    if flag and p < flag[0]:
        text += flag[1]
    return text + mark


def mask(decimals: int, whole: int = 2) -> str:
    """The shell placeholder for a number with `decimals` decimals: "xx", "xx.x", "xx.xx"."""
    return "x" * whole + ("." + "x" * decimals if decimals > 0 else "")


def fmt_sig(x: float, sig: int, *, missing: str = "NE", shell: bool = False) -> str:
    """x to `sig` significant figures (1234.5 -> "1230", 0.012345 -> "0.0123"); NaN -> `missing`.
    The shell mask shows the figures: "x.xx" for 3."""
    if shell:
        return "x" + ("." + "x" * (sig - 1) if sig > 1 else "")
    if x is None or not math.isfinite(x):
        return missing
    return format_sig(x, sig)


COUNT_STATS = ("n", "N", "n_blq", "denom")
FLAG_STATS = {"within_range": ("Yes", "No"), "converged": ("Yes", "No")}  # a 1/0 statistic printed as words


def format_stat(stat_name: str, value: float, decimals: int, *, sig: int = 0, missing: str = "NE",
                shell: bool = False) -> str:
    """One ARD statistic as text, by its name. A prefixed name formats as its last part ("chg_n" as a
    count, "diff_pvalue" as a p-value); `sig` > 0 prints significant figures; otherwise decimals < 0
    (not fixed: plotted positions, points) print the value with up to 6 decimals and no trailing zeros."""
    base = stat_name.rsplit("_", 1)[-1]
    if stat_name in COUNT_STATS or base in ("n", "N"):
        return fmt_count(value, shell=shell) if (shell or math.isfinite(value)) else missing
    if stat_name == "p" or base == "p":  # a prefixed proportion: a terms grade row's "grade1_p"
        return fmt_pct(value, decimals, shell=shell)
    if stat_name in FLAG_STATS:
        if shell:
            return "xxx"
        return missing if not math.isfinite(value) else FLAG_STATS[stat_name][0 if value else 1]
    if stat_name in ("pvalue", "p_value") or base == "pvalue":
        return fmt_pvalue(value, shell=shell, missing=missing)
    if sig > 0:
        return fmt_sig(value, sig, missing=missing, shell=shell)
    if decimals < 0:
        if shell or value is None or not math.isfinite(value):
            return "" if shell else missing
        text = format_fixed(value, 6)
        return text.rstrip("0").rstrip(".") if "." in text else text
    return fmt_number(value, decimals, missing=missing, shell=shell)


def format_ard(ard, *, missing: str = "NE", shell: bool = False, pvalue_formats: dict | None = None,
               fixed_warning: str | None = None):
    """The ARD with `stat_fmt` filled for every row (returns a new frame). `pvalue_formats` maps an ARD
    column (a stat column id) to the keyword arguments of fmt_pvalue (low, high, flag) for its p-values,
    and `sparse`: (start, mark), the mark of the p-values whose `warning` starts so (a sparse chi-square,
    tlf.stats.compare.SPARSE_NOTE). `fixed_warning`: the `warning` of a value the spec fixes (e.g. an
    Emax model's E0: 0), known without data: a shell prints it as the output does."""
    out = ard.copy()
    sigs = out["sig"] if "sig" in out.columns else [0] * len(out)
    warns = out["warning"] if "warning" in out.columns else [""] * len(out)
    known = (out["warning"].eq(fixed_warning) if fixed_warning is not None and "warning" in out.columns
             else [False] * len(out))
    fmts = {c: dict(f) for c, f in (pvalue_formats or {}).items()}
    marks = {c: f.pop("sparse", None) or ("", "") for c, f in fmts.items()}
    out["stat_fmt"] = [
        fmt_pvalue(v, decimals=int(d), shell=shell, **{"missing": missing, **fmts[c]},
                   mark=marks[c][1] if marks[c][0] and w.startswith(marks[c][0]) else "")
        if s == "pvalue" and c in fmts else format_stat(s, v, int(d), sig=int(g), missing=missing,
                                                          shell=shell and not k)
        for s, v, d, c, g, k, w in zip(out["stat_name"], out["stat"], out["decimals"], out["column"], sigs, known,
                                       warns, strict=True)
    ]
    return out
