"""Analysis populations derived from the records themselves, and reconciled with ADSL flags.

A population is: subject-level rows meeting `where`, having >= 1 record in `has_records` (e.g. an
exposure record: the safety population), and inside population `within`. A flag in ADSL (SAFFL)
is never trusted blindly: `reconcile` lists every subject on which flag and derivation disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tlf.data import expr as ex
from tlf.data.datasets import StudyData
from tlf.errors import DataError, Finding, SpecError


@dataclass(frozen=True)
class PopulationRule:
    """How one population is derived (study.yaml `populations.<name>`): subject-level records meeting
    `where`, with >= 1 record of dataset `has_records` meeting `has_records_where`, inside population
    `within`; reconciled with the ADSL flag `flag`."""

    label: str
    where: str | None = None
    has_records: str | None = None
    has_records_where: str | None = None
    within: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Population:
    name: str
    label: str
    subjects: frozenset[str]
    flag: str | None = None
    only_derived: tuple[str, ...] = ()  # in the derivation, flag not "Y"
    only_flagged: tuple[str, ...] = ()  # flag "Y", not in the derivation

    @property
    def agrees(self) -> bool:
        return not (self.only_derived or self.only_flagged)

    def disagreement(self) -> str:
        """A sentence naming the subjects on which flag and derivation disagree, or ''."""
        if self.agrees:
            return ""
        parts = []
        if self.only_derived:
            parts.append(f"derived but {self.flag} != 'Y': {', '.join(self.only_derived[:10])}"
                         + (" ..." if len(self.only_derived) > 10 else ""))
        if self.only_flagged:
            parts.append(f"{self.flag} = 'Y' but not derived: {', '.join(self.only_flagged[:10])}"
                         + (" ..." if len(self.only_flagged) > 10 else ""))
        return f"population {self.name} disagrees with ADSL flag {self.flag}: " + "; ".join(parts)


def derive_populations(data: StudyData, rules: Mapping[str, PopulationRule],
                       study_error=None) -> dict[str, Population]:
    """Derive every population, in the order of `rules`. `study_error(key, msg, code)` builds located errors."""
    pops = rules
    out: dict[str, Population] = {}

    def err(key: tuple, msg: str, code: str) -> Exception:
        return study_error(key, msg, code) if study_error else SpecError(msg, key=".".join(map(str, key)), code=code)

    def derive(name: str) -> Population:
        if name in out:
            return out[name]
        p = pops[name]
        adsl = data.subjects
        sid = data.subject_id
        mask = None
        if p.where:
            mask = _where(p.where, adsl, err, ("populations", name, "where"), data.subject_dataset, data)
        ids = set(adsl.loc[mask, sid] if mask is not None else adsl[sid])
        if p.has_records:
            ds = data.dataset(p.has_records)
            recs = ds.frame
            if p.has_records_where:
                recs = recs[_where(p.has_records_where, recs, err, ("populations", name, "has_records", "where"),
                                   ds.name, data)]
            ids &= set(recs[sid])
        if p.within:
            ids &= derive(p.within).subjects
        flag_only_d: tuple[str, ...] = ()
        flag_only_f: tuple[str, ...] = ()
        if p.flag:
            if p.flag not in adsl.columns:
                raise err(("populations", name, "flag"), f"ADSL has no variable '{p.flag}'", "DATA010")
            flagged = set(adsl.loc[adsl[p.flag].astype(str) == "Y", sid])
            flag_only_d = tuple(sorted(ids - flagged))
            flag_only_f = tuple(sorted(flagged - ids))
        pop = Population(name, p.label, frozenset(ids), p.flag, flag_only_d, flag_only_f)
        out[name] = pop
        return pop

    for name in pops:
        derive(name)
    return out


def require_nonempty(pop: Population, dataset: str) -> None:
    if not pop.subjects:
        raise DataError(f"population {pop.name} ({pop.label}) has no subjects: check its derivation in study.yaml "
                        "and the data", dataset=dataset, code="DATA030")


def _where(text: str, frame, err, key: tuple, dataset: str, data: StudyData):
    zero = ex.ZeroDivisions()
    try:
        mask = ex.evaluate(ex.parse(text), frame, zero)
    except ex.ExprError as e:
        raise err(key, f"{e} in dataset {dataset}", e.code or "SPEC040") from None
    if len(zero):
        data.add_finding(Finding(err(key, zero.message(text, dataset), "DATA050")))
    return mask
