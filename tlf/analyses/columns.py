"""The treatment columns of an output resolved against the data: each column's subjects and big N."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tlf.analyses.context import ColumnGroup
from tlf.errors import Finding, did_you_mean

if TYPE_CHECKING:
    from tlf.data.datasets import StudyData
    from tlf.data.populations import Population
    from tlf.spec.validate import OutputEntry, Study


def resolve_columns(study: Study, entry: OutputEntry, data: StudyData, pops: dict[str, Population],
                    findings: list[Finding] | None = None) -> list[ColumnGroup]:
    """The output's columns with their subjects. Subjects of a column's population that no column holds
    (a treatment value no column lists, such as 'PLACEBO' for 'Placebo') are a finding added to
    `findings` (DATA031): they would leave every N silently."""
    adsl = data.subjects
    sid = data.subject_id
    out = []
    inline = not isinstance(entry.spec.columns, str)
    key = ("columns",) if inline else ("columns", entry.spec.columns)
    err = entry.error if inline else study.error
    specs = study.columns_for(entry)
    for i, c in enumerate(specs):
        if c.var not in adsl.columns:
            raise err((*key, i, "var"), f"treatment variable '{c.var}' not found in dataset "
                      f"{data.subject_dataset}{did_you_mean(c.var, adsl.columns)}", "SPEC041")
        pop = pops[c.population or entry.spec.population]
        values = adsl[c.var]
        mask = values.isin([v.rstrip(" ") if isinstance(v, str) else v for v in c.values])  # SAS text
        subjects = frozenset(adsl.loc[mask, sid]) & pop.subjects
        out.append(ColumnGroup(c.id, c.label, c.spanner, c.period, pop.name, subjects, c.width))
    if findings is not None:
        findings += _subjects_in_no_column(study, entry, data, pops, specs, out,
                                           lambda m: err(key, m, "DATA031"))
    return out


def _subjects_in_no_column(study, entry, data, pops, specs, columns: list[ColumnGroup], error) -> list[Finding]:
    """Per population of the columns: its subjects in none of them whose treatment value no column of the
    study names (a subject left out on purpose, as Placebo from a table of the active arms, has a value
    other columns name), with those values and the named value each resembles."""
    named = {_text(v) for o in study.outputs if o.spec.type != "listing" for c in study.columns_for(o)
             for v in c.values}
    named |= {_text(v) for cols in study.spec.columns.values() for c in cols for v in c.values}
    adsl = data.subjects.set_index(data.subject_id)
    found = []
    for name in dict.fromkeys(col.population for col in columns):
        own = [s for s, col in zip(specs, columns, strict=True) if col.population == name]
        held = frozenset().union(*(col.subjects for col in columns if col.population == name))
        left = sorted(pops[name].subjects - held)
        values = {var: adsl.loc[left, var].map(_text) for var in dict.fromkeys(s.var for s in own)}
        who = [u for u in left if any(v[u] not in named for v in values.values())]
        if not who:
            continue
        parts = []
        for var, v in values.items():
            counts = v[who].value_counts(sort=False)
            shown = [f"'{x}'" + (f" ({n} subject(s))" if len(counts) > 1 else "")
                     + (did_you_mean(x, sorted(named)) if x else " (missing)") for x, n in counts.items()]
            parts.append(f"{var} = " + ", ".join(shown[:5]) + (", ..." if len(shown) > 5 else ""))
        first = ", ".join(who[:5]) + (", ..." if len(who) > 5 else "")
        found.append(Finding(error(f"{len(who)} subject(s) of population {name} are in no column of {entry.id} "
                                   f"({first}): {'; '.join(parts)}")))
    return found


def _text(value) -> str:
    """A treatment value as text to compare: numbers without '.0', missing as '', no trailing blanks."""
    if value is None or value != value:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).rstrip(" ")
