"""The parts of an ARS v1.0 ReportingEvent that tlf runs, as pydantic models.

Only the structure tlf reads is validated (ids, where clauses, groupings, methods and their operations,
analyses); every other key of the standard (lists of contents, documents, categorisations, display
sections ...) is kept as it is and written back unchanged. An error names the JSON path of the bad key:
`analyses[3].orderedGroupings[0].groupingId: ...` [ARS001]; a reference to an id the event does not
define is ARS002; an id defined twice ARS003; a file that cannot be read ARS004.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tlf.errors import Location, SpecError, did_you_mean, raise_all

if TYPE_CHECKING:
    from pydantic import BaseModel

COMPARATORS = ("EQ", "NE", "GT", "GE", "LT", "LE", "IN", "NOTIN")
Comparator = Literal["EQ", "NE", "GT", "GE", "LT", "LE", "IN", "NOTIN"]


def _models() -> dict[str, type[BaseModel]]:
    """The models, built on first use (pydantic is heavy: `tlf --help` must not import it)."""
    from pydantic import BaseModel, ConfigDict, Field, model_validator

    class Part(BaseModel):
        model_config = ConfigDict(extra="allow")

    class Condition(Part):
        """dataset.variable comparator value(s): `ADSL.SAFFL EQ ["Y"]`."""

        dataset: str
        variable: str
        comparator: Comparator
        value: list[str | int | float] = Field(default_factory=list)

        @model_validator(mode="after")
        def _values(self):
            if self.comparator in ("IN", "NOTIN"):
                if not self.value:
                    raise ValueError(f"comparator {self.comparator} needs at least one value")
            elif len(self.value) != 1:
                raise ValueError(f"comparator {self.comparator} compares with exactly one value, "
                                 f"got {len(self.value)}")
            return self

    class WhereClause(Part):
        """A condition, or a compound expression of where clauses (AND, OR, NOT)."""

        level: int | None = None
        order: int | None = None
        condition: Condition | None = None
        compoundExpression: CompoundExpression | None = None

        @model_validator(mode="after")
        def _one(self):
            if self.condition is not None and self.compoundExpression is not None:
                raise ValueError("a where clause has either a condition or a compoundExpression, not both")
            return self

    class CompoundExpression(Part):
        logicalOperator: Literal["AND", "OR", "NOT"]
        whereClauses: list[WhereClause] = Field(min_length=1)

        @model_validator(mode="after")
        def _not(self):
            if self.logicalOperator == "NOT" and len(self.whereClauses) != 1:
                raise ValueError("NOT takes exactly one where clause")
            return self

    class Identified(WhereClause):
        id: str
        name: str = ""

    class Group(Identified):
        pass

    class AnalysisGrouping(Part):
        id: str
        name: str = ""
        groupingDataset: str | None = None
        groupingVariable: str | None = None
        dataDriven: bool = False
        groups: list[Group] = Field(default_factory=list)

        @model_validator(mode="after")
        def _groups(self):
            if self.dataDriven and not self.groupingVariable:
                raise ValueError("a data-driven grouping needs groupingVariable (its groups are its values)")
            if not self.dataDriven and not self.groups:
                raise ValueError("a grouping that is not data-driven lists its groups")
            return self

    class RoleTerm(Part):
        controlledTerm: str | None = None

    class ReferencedOperationRelationship(Part):
        id: str
        referencedOperationRole: RoleTerm
        operationId: str
        analysisId: str | None = None

    class Operation(Part):
        id: str
        name: str
        label: str | None = None
        order: int | None = None
        resultPattern: str | None = None
        referencedOperationRelationships: list[ReferencedOperationRelationship] = Field(default_factory=list)

    class AnalysisMethod(Part):
        id: str
        name: str
        operations: list[Operation] = Field(min_length=1)

    class OrderedGrouping(Part):
        order: int
        groupingId: str
        resultsByGroup: bool

    class ReferencedAnalysisOperation(Part):
        referencedOperationRelationshipId: str
        analysisId: str

    class Analysis(Part):
        id: str
        name: str = ""
        methodId: str
        dataset: str | None = None
        variable: str | None = None
        analysisSetId: str | None = None
        dataSubsetId: str | None = None
        orderedGroupings: list[OrderedGrouping] = Field(default_factory=list)
        referencedAnalysisOperations: list[ReferencedAnalysisOperation] = Field(default_factory=list)
        results: list[dict[str, Any]] = Field(default_factory=list)

    class ReportingEvent(Part):
        id: str
        name: str = ""
        analysisSets: list[Identified] = Field(default_factory=list)
        dataSubsets: list[Identified] = Field(default_factory=list)
        analysisGroupings: list[AnalysisGrouping] = Field(default_factory=list)
        methods: list[AnalysisMethod] = Field(default_factory=list)
        analyses: list[Analysis] = Field(default_factory=list)
        outputs: list[dict[str, Any]] = Field(default_factory=list)

    names = dict(locals())
    for m in (WhereClause, CompoundExpression, Identified, Group, AnalysisGrouping, ReportingEvent):
        m.model_rebuild(_types_namespace=names)
    return {"ReportingEvent": ReportingEvent, "WhereClause": WhereClause, "Condition": Condition}


_CACHE: dict[str, Any] = {}


def models() -> dict[str, Any]:
    if not _CACHE:
        _CACHE.update(_models())
    return _CACHE


def json_path(loc: tuple) -> str:
    """('analyses', 3, 'orderedGroupings', 0, 'groupingId') -> 'analyses[3].orderedGroupings[0].groupingId'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def key_tuple(path: str) -> tuple:
    """'analyses[3].methodId' -> ('analyses', 3, 'methodId'), the inverse of json_path."""
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path))


def read_event(path: Path) -> tuple[Any, dict]:
    """(the validated ReportingEvent, the raw document) of a JSON or YAML file."""
    raw, locate = read_document(path)
    return validate_event(raw, str(path), locate), raw


def read_document(path: Path) -> tuple[dict, Any]:
    """The reporting event as plain values (JSON by `json`, YAML by tlf's safe, limited loader) and a
    function from a key path to its Location (a YAML key's line and column; a JSON file's name)."""
    import json

    path = Path(path)
    locate = None
    if path.suffix.lower() in (".yaml", ".yml"):
        from tlf.spec.load import load_yaml

        located = load_yaml(path)
        raw, locate = located.data, located.locate
    else:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SpecError("file not found", location=Location(str(path)), code="ARS004") from None
        except (UnicodeDecodeError, OSError) as e:
            raise SpecError(f"cannot read the reporting event: {e}", location=Location(str(path)),
                            code="ARS004") from None
        except json.JSONDecodeError as e:
            raise SpecError(f"JSON syntax error: {e.msg}", location=Location(str(path), e.lineno, e.colno),
                            code="ARS004") from None
    if not isinstance(raw, dict):
        raise SpecError(f"a reporting event is a JSON object, got {type(raw).__name__}",
                        location=Location(str(path)), code="ARS001")
    return raw, locate


def validate_event(raw: dict, name: str = "<reporting event>", locate: Any = None) -> Any:
    """Validate the structure (ARS001) and the id references (ARS002, ARS003); all errors at once.
    `locate`: key path (tuple) -> Location, for files that know their lines (YAML)."""
    from pydantic import ValidationError

    def where(loc: tuple = ()) -> Location:
        return locate(loc) if locate is not None else Location(name)

    try:
        event = models()["ReportingEvent"].model_validate(raw)
    except ValidationError as e:
        errors = []
        for err in e.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("function-after",)))
            msg = err["msg"].removeprefix("Value error, ")
            errors.append(SpecError(msg, location=where(loc), key=json_path(loc), code="ARS001"))
        raise_all(errors)
        raise
    raise_all(check_references(event, where))
    return event


def check_references(event: Any, where: Any) -> list[SpecError]:
    """Every id an analysis, grouping or operation names exists, and no id is defined twice."""
    errors: list[SpecError] = []

    def index(items, key: str) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                errors.append(SpecError(f"id '{item.id}' is defined twice", location=where((key, i, "id")),
                                        key=f"{key}[{i}].id", code="ARS003"))
            seen[item.id] = item
        return seen

    sets = index(event.analysisSets, "analysisSets")
    subsets = index(event.dataSubsets, "dataSubsets")
    groupings = index(event.analysisGroupings, "analysisGroupings")
    methods = index(event.methods, "methods")
    analyses = index(event.analyses, "analyses")
    relationships = {r.id: r for m in event.methods for o in m.operations for r in o.referencedOperationRelationships}
    operations = {o.id for m in event.methods for o in m.operations}

    def ref(value, known, key: str, what: str) -> None:
        if value is not None and value not in known:
            errors.append(SpecError(f"no {what} has id '{value}'{did_you_mean(value, known)}",
                                    location=where(key_tuple(key)), key=key, code="ARS002"))

    for i, a in enumerate(event.analyses):
        k = f"analyses[{i}]"
        ref(a.methodId, methods, f"{k}.methodId", "method")
        ref(a.analysisSetId, sets, f"{k}.analysisSetId", "analysis set")
        ref(a.dataSubsetId, subsets, f"{k}.dataSubsetId", "data subset")
        for j, g in enumerate(a.orderedGroupings):
            ref(g.groupingId, groupings, f"{k}.orderedGroupings[{j}].groupingId", "analysis grouping")
        for j, r in enumerate(a.referencedAnalysisOperations):
            ref(r.referencedOperationRelationshipId, relationships,
                f"{k}.referencedAnalysisOperations[{j}].referencedOperationRelationshipId", "operation relationship")
            ref(r.analysisId, analyses, f"{k}.referencedAnalysisOperations[{j}].analysisId", "analysis")
    for i, m in enumerate(event.methods):
        for j, o in enumerate(m.operations):
            for n, r in enumerate(o.referencedOperationRelationships):
                ref(r.operationId, operations,
                    f"methods[{i}].operations[{j}].referencedOperationRelationships[{n}].operationId", "operation")
    return errors
