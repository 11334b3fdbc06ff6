"""The records a `terms` analysis counts, (subject, SOC, term): a missing or blank SOC or term is counted
under the analysis's `uncoded` label, never dropped (an interim AE dataset often holds events not yet
coded); a note names how many records and the first subject. `uncoded: null` makes them an error."""

from __future__ import annotations

from tlf.errors import DataError, Finding
from tlf.stats.values import text_value


def coded(value: str, label: str | None) -> str:
    """A term or SOC as counted: the value, or `label` when it is missing or blank."""
    return value if value.strip() else (label or "")


def uncoded_check(ctx, raw: list[tuple], soc_var: str | None, term_var: str) -> None:
    """A note (DATA052) for records whose SOC or term is missing, counted under `uncoded`; with `uncoded:
    null` a DataError (DATA051) naming the first subject. `raw`: (subject, SOC, term, ...) as read."""
    a = ctx.analysis
    hits = [(r[0], var) for r in raw for var, v in ((soc_var, r[1]), (term_var, r[2])) if var and not v.strip()]
    if not hits:
        return
    records = sum(1 for r in raw if not r[2].strip() or (soc_var and not r[1].strip()))
    subjects = sorted({s for s, _ in hits}, key=str)
    var = hits[0][1]
    if a.uncoded is None:
        raise DataError(f"{records} record(s) with a missing {' or '.join(sorted({v for _, v in hits}))} "
                        f"(analysis '{a.id}'; first: subject {subjects[0]}): set `uncoded:` to count them under a "
                        "label, or select the coded records with `where`", dataset=ctx.dataset_name, variable=var,
                        usubjid=str(subjects[0]), code="DATA051")
    ctx.data.add_finding(Finding(ctx.error("uncoded", f"{records} record(s) of {len(subjects)} subject(s) with a "
                                           f"missing {' or '.join(sorted({v for _, v in hits}))} counted under "
                                           f"'{a.uncoded}' (first: subject {subjects[0]})", "DATA052"), note=True))


def term_records(ctx, recs, sid: str, soc_var: str | None, term_var: str, *extra) -> tuple[list, list]:
    """(raw, counted) records of one column: raw (subject, SOC, term, *extra) as the data hold them, and
    the same with a missing SOC or term under the `uncoded` label (uncoded_check first)."""
    socs = recs[soc_var] if soc_var else [""] * len(recs)
    raw = [(s, text_value(p), text_value(t), *x) for s, p, t, *x in zip(recs[sid], socs, recs[term_var], *extra,
                                                                        strict=True)]
    uncoded_check(ctx, raw, soc_var, term_var)
    label = ctx.analysis.uncoded
    counted = [(r[0], coded(r[1], label) if soc_var else "", coded(r[2], label), *r[3:]) for r in raw]
    return raw, counted
