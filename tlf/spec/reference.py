"""The reference of every spec key, generated from the models: docs/reference.md and the JSON Schemas
editors use to complete and check specs (`tlf schema` writes them; a test fails when the committed files
are out of date or a key has no description).

Pure: models in, text and dicts out (pydantic and the standard library only). Each key's description is
the docstring under the field in its model (pydantic's `use_attribute_docstrings`), each model's text
its class docstring. Where analysis models come from is known to `analysis_models` only.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from tlf.spec.reference_examples import EXAMPLES, Example

JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
STUDY_SCHEMA = "tlf-study.schema.json"
OUTPUT_SCHEMA = "tlf-output.schema.json"
DEFAULT_SCHEMA_DIR = Path("docs/schema")
DEFAULT_REFERENCE = Path("docs/reference.md")
FAMILIES_PAGE = "families.md"  # beside the reference


# ---------------------------------------------------------------- the models

def analysis_models() -> tuple[type[BaseModel], ...]:
    """Every analysis model (`analyses:` entries, by `type`), in the order of the Analysis union.
    The one place that knows where analysis models come from."""
    from tlf.analyses.registry import spec_models

    return spec_models()


def output_models() -> tuple[type[BaseModel], ...]:
    """The output models (table, figure, listing), in the order of the Output union."""
    from tlf.spec.model import Output

    return _union_members(Output)


def plot_models() -> tuple[type[BaseModel], ...]:
    """The plot kinds (`plot:` of a figure), in the order of the Plot union."""
    from tlf.spec.model import Plot

    return _union_members(Plot)


def study_model() -> type[BaseModel]:
    from tlf.spec.model import StudySpec

    return StudySpec


def _union_members(tp: Any) -> tuple[type[BaseModel], ...]:
    if get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tuple(a for a in get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel))


def nested_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The models `model`'s fields hold (through unions, lists and mappings), in field order, once each."""
    out: list[type[BaseModel]] = []
    for f in model.model_fields.values():
        for m in _models_in(f.annotation):
            if m not in out:
                out.append(m)
    return out


def _models_in(tp: Any) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    out: list[type[BaseModel]] = []
    for a in get_args(tp):
        out += [m for m in _models_in(a) if m not in out]
    return out


def reachable_models() -> list[type[BaseModel]]:
    """Every model a spec can hold, from study.yaml and the output files down, once each."""
    seen: list[type[BaseModel]] = []
    todo = [study_model(), *output_models()]
    while todo:
        m = todo.pop(0)
        if m in seen:
            continue
        seen.append(m)
        todo += [n for n in nested_models(m) if n not in seen]
    return seen


# ---------------------------------------------------------------- JSON Schema

def json_schemas() -> dict[str, dict]:
    """File name -> JSON Schema (draft 2020-12) of study.yaml and of an output YAML file. Extra keys are
    refused (`additionalProperties: false`), as the spec loader refuses them."""
    from tlf.spec.model import Output

    study = _schema(study_model(), "tlf study.yaml",
                    "The study-level spec of a tlf spec folder (specs/study.yaml). Reference: docs/reference.md.")
    output = _schema(Output, "tlf output spec",
                     "One output of a tlf spec folder (specs/<id>.yaml): a table, figure or listing, by `type`. "
                     "Reference: docs/reference.md.")
    return {STUDY_SCHEMA: study, OUTPUT_SCHEMA: output}


def _schema(tp: Any, title: str, description: str) -> dict:
    body = TypeAdapter(tp).json_schema(by_alias=True, mode="validation")
    head = {"$schema": JSON_SCHEMA_DRAFT, "title": title, "description": description}
    return {**head, **{k: v for k, v in body.items() if k not in head}}


def schema_text(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generated_files(schema_dir: Path = DEFAULT_SCHEMA_DIR, reference: Path | None = DEFAULT_REFERENCE,
                    ) -> dict[Path, str]:
    """Path -> text of every file `tlf schema` writes (the reference's links to the schemas are relative
    to where it is written)."""
    out = {schema_dir / name: schema_text(s) for name, s in json_schemas().items()}
    if reference is not None:
        from tlf.spec.reference_families import families_markdown

        out[reference] = reference_markdown(schema_dir.as_posix(), _relative(schema_dir, reference.parent))
        out[reference.parent / FAMILIES_PAGE] = families_markdown(reference.name)
    return out


def _relative(target: Path, start: Path) -> str:
    import os

    return Path(os.path.relpath(target, start)).as_posix()


# ---------------------------------------------------------------- examples


def examples() -> dict[type[BaseModel], Example]:
    """Model -> its example, for the models the reference shows (a name no model has is an error)."""
    from tlf.analyses.registry import TYPES, part

    models = {m.__name__: m for m in reachable_models()}
    unknown = sorted(set(EXAMPLES) - set(models))
    if unknown:
        raise KeyError(f"examples of unknown models: {', '.join(unknown)}")
    out = {models[name]: ex for name, ex in EXAMPLES.items()}
    for t in TYPES:  # an analysis type's example, from its family's home
        text = part(t, "spec", "EXAMPLES")
        if text:
            out[part(t, "spec", "MODELS")] = Example(text if text.endswith("\n") else text + "\n")
    return out


def example_data(example: Example) -> list[Any]:
    """The mappings of an example that its model must accept (one, or each of a list)."""
    import yaml

    data = yaml.safe_load(example.text)
    for k in example.at:
        data = data[k]
    return list(data) if isinstance(data, list) else [data]


# ---------------------------------------------------------------- markdown

def anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def _link(model: type[BaseModel]) -> str:
    return f"[{model.__name__}](#{anchor(model)})"


def type_text(tp: Any) -> str:
    """A readable type: `str`, `int`, `number`, `bool`, `list of str`, `mapping of str to int`, `one of:
    a, b`, a link to a nested model; alternatives joined by 'or'."""
    if get_origin(tp) is Annotated:
        return type_text(get_args(tp)[0])
    if tp is type(None):
        return "null"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _link(tp)
    if tp is str:
        return "str"
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is float:
        return "number"
    origin = get_origin(tp)
    if origin is Literal:
        vals = [_value(v) for v in get_args(tp)]
        return vals[0] if len(vals) == 1 else "one of: " + ", ".join(vals)
    if origin in (list, tuple):
        return f"list of {_grouped(get_args(tp)[0])}"
    if origin is dict:
        k, v = get_args(tp)
        return f"mapping of {_grouped(k)} to {_grouped(v)}"
    if origin in (typing.Union, types.UnionType):
        args = get_args(tp)
        if set(args) == set(analysis_models()):
            return "[analysis](#analyses) (by `type`)"
        if set(args) == set(plot_models()):
            return "[plot](#plots) (by `kind`)"
        if float in args:  # a whole number is a number too
            args = tuple(a for a in args if a is not int)
        return " or ".join(type_text(a) for a in args)
    return getattr(tp, "__name__", str(tp))


def _grouped(tp: Any) -> str:
    text = type_text(tp)
    return f"({text})" if " or " in text or text.startswith("one of") else text


def _value(v: Any) -> str:
    return f"`{json.dumps(v, ensure_ascii=False)}`" if not isinstance(v, str) else f"`{v}`"


def _without_none(tp: Any) -> Any:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        if len(args) < len(get_args(tp)):
            return typing.Union[tuple(args)]  # noqa: UP007 (a Union built at run time)
    return tp


def _limits(meta: list[Any], what: str = "", base: Any = None) -> list[str]:
    units = {list: ("item", "items"), tuple: ("item", "items"), dict: ("entry", "entries"),
             str: ("character", "characters")}.get(get_origin(base) or base, ("", ""))

    def count(n: int) -> str:
        return f"{n} {units[n != 1]}".rstrip()

    out = []
    for m in meta:
        if isinstance(m, FieldInfo):
            out += _limits(m.metadata, what, base)
        elif isinstance(m, at.Ge):
            out.append(f"{what}≥ {m.ge}")
        elif isinstance(m, at.Gt):
            out.append(f"{what}> {m.gt}")
        elif isinstance(m, at.Le):
            out.append(f"{what}≤ {m.le}")
        elif isinstance(m, at.Lt):
            out.append(f"{what}< {m.lt}")
        elif isinstance(m, at.MinLen):
            out.append(f"{what}at least {count(m.min_length)}")
        elif isinstance(m, at.MaxLen):
            out.append(f"{what}at most {count(m.max_length)}")
        elif getattr(m, "pattern", None):
            out.append(f"{what}pattern `{m.pattern}`")
    return out


def limits_text(field: FieldInfo) -> str:
    """Limits of a field's value: bounds, lengths and patterns, wherever they sit in its type."""
    found = _limits(field.metadata, "", field.annotation)

    def walk(tp: Any, what: str) -> None:
        if get_origin(tp) is Annotated:
            args = get_args(tp)
            found.extend(x for x in _limits(list(args[1:]), what, args[0]) if x not in found)
            walk(args[0], what)
        elif get_origin(tp) in (typing.Union, types.UnionType):
            for a in get_args(tp):
                walk(a, what)
        elif get_origin(tp) in (list, tuple):
            walk(get_args(tp)[0], "each item ")
        elif get_origin(tp) is dict:
            walk(get_args(tp)[1], "each value ")

    walk(field.annotation, "")
    return ", ".join(found)


def _default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    d = field.get_default(call_default_factory=True)
    if d is None:
        return "not set"
    if isinstance(d, BaseModel):
        return f"the defaults of {_link(type(d))}"
    if isinstance(d, list) and d and isinstance(d[0], BaseModel):
        d = [x.model_dump(mode="json", by_alias=True, exclude_defaults=True) for x in d]
    return f"`{json.dumps(d, ensure_ascii=False)}`"


def _text(text: str) -> str:
    """Markdown of plain text: `<` outside code spans escaped (so that "<label>" is not taken for HTML)."""
    parts = text.split("`")
    return "`".join(p if i % 2 else p.replace("<", "&lt;") for i, p in enumerate(parts))


def _cell(text: str) -> str:
    return _text(" ".join(text.split())).replace("|", "\\|")


def field_rows(model: type[BaseModel]) -> list[tuple[str, str, str, str, str]]:
    """(key, type, required or default, limits, description) of each field, in declaration order."""
    rows = []
    for name, f in model.model_fields.items():
        key = f.alias or name
        tp = f.annotation
        if not f.is_required() and f.default is None:
            tp = _without_none(tp)
        rows.append((f"`{key}`", type_text(tp), _default_text(f), limits_text(f), f.description or ""))
    return rows


def model_section(model: type[BaseModel], heading: str, example: Example | None) -> str:
    import inspect

    doc = inspect.cleandoc(model.__doc__ or "")
    lines = [f'<a id="{anchor(model)}"></a>', f"### {heading}", ""]
    if doc and model.__doc__ is not BaseModel.__doc__:
        lines += [_text(doc), ""]
    lines += ["| key | type | required / default | limits | description |", "| --- | --- | --- | --- | --- |"]
    for row in field_rows(model):
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    lines.append("")
    if example is not None:
        lines += ["Example:", "", "```yaml", example.text.rstrip("\n"), "```", ""]
    return "\n".join(lines)


def _discriminator(model: type[BaseModel], key: str) -> str:
    f = model.model_fields.get(key)
    return ", ".join(str(v) for v in get_args(f.annotation)) if f is not None else ""


HEADER = """\
# Spec reference

<!-- Generated by `tlf schema` from the models in tlf/spec (tlf/spec/reference.py). Do not edit by hand:
     change a key's docstring in its model, then run `tlf schema`; a test fails when this file is out of date. -->

Every key a spec may hold: `study.yaml` and one YAML file per output in the spec folder (a table, a
figure or a listing, chosen by `type`). Keys not listed here are errors. A key that is not required takes
its default when left out ("not set": no value, the behaviour the description gives).

Types: `str` is text, `number` any number (`1` or `1.5`), `int` a whole number, `bool` `true` or
`false`; `list of X` a YAML list, `mapping of X to Y` a YAML mapping. tlf reads YAML 1.1: quote texts
such as `"yes"`, `"no"`, `"on"`, `"off"` (unquoted they are true/false) and dates you want as written.
Titles, subtitles and footnotes may use `{{{{ study.id }}}}`, `{{{{ study.title }}}}`, `{{{{ population }}}}`
and `{{{{ cutoff }}}}`.

## Completion and checks in your editor

`tlf schema` writes JSON Schemas of both kinds of file ([{study}]({link}/{study}),
[{output}]({link}/{output})); an editor with a YAML language server then completes keys, shows these
descriptions and marks unknown keys and wrong values while you type. The schemas check each file on its
own: cross-references (a population, a column set or a dataset named elsewhere) are checked by
`tlf check`.

VS Code with the Red Hat YAML extension (`redhat.vscode-yaml`), in `.vscode/settings.json` of the
project folder (the one holding `specs/` and `{dir}/`):

```json
{{
  "yaml.schemas": {{
    "{dir}/{study}": ["**/specs/study.yaml"],
    "{dir}/{output}": ["**/specs/*.yaml", "!**/specs/study.yaml"]
  }}
}}
```

(paths relative to the workspace folder; a language server too old for `!` exclusions applies both
schemas to study.yaml: give study.yaml the modeline below, which wins over the settings.) Any editor
whose YAML language server reads modelines (VS Code, Neovim and Emacs with yaml-language-server,
JetBrains IDEs) also takes the schema from a comment at the top of a file, the path relative to that
file:

```yaml
# yaml-language-server: $schema=../{dir}/{study}
```

in `study.yaml`, and `# yaml-language-server: $schema=../{dir}/{output}` in an output file.
"""


def reference_markdown(schema_dir: str = DEFAULT_SCHEMA_DIR.as_posix(), schema_link: str = "schema") -> str:
    """docs/reference.md: a section per model, from study.yaml and the output files down, with a table of
    its keys and an example. `schema_dir`: where the JSON Schemas are, relative to the project folder (for
    the editor settings shown); `schema_link`: the same folder relative to the reference (for its links)."""
    ex = examples()
    study = study_model()
    outputs = output_models()
    analyses = analysis_models()
    plots = plot_models()
    placed: set[type[BaseModel]] = set()
    parts = [HEADER.format(dir=schema_dir, link=schema_link, study=STUDY_SCHEMA, output=OUTPUT_SCHEMA)]

    def below(roots: list[type[BaseModel]]) -> list[type[BaseModel]]:
        """The models reachable from `roots` not placed yet, breadth first, not crossing into analyses
        and plots (they have their own chapters)."""
        out: list[type[BaseModel]] = []
        todo = list(roots)
        while todo:
            m = todo.pop(0)
            for n in nested_models(m):
                if n not in placed and n not in out and n not in analyses and n not in plots:
                    out.append(n)
                    todo.append(n)
        return out

    def add(model: type[BaseModel], heading: str) -> None:
        placed.add(model)
        parts.append(model_section(model, heading, ex.get(model)))

    parts.append("## study.yaml\n\nThe study-level spec: study, data, derived variables, populations, treatment "
                 "columns, page and study-wide footnotes.\n")
    add(study, f"study.yaml ({study.__name__})")
    for m in below([study]):
        add(m, m.__name__)

    parts.append("## Output files\n\nOne YAML file per output in the spec folder (any name ending in `.yaml` or "
                 "`.yml` but `study.yaml`); `type` says which kind.\n")
    for m in outputs:
        add(m, f"type: {_discriminator(m, 'type')} ({m.__name__})")
    for m in below(list(outputs)):
        add(m, m.__name__)

    parts.append('<a id="analyses"></a>\n\n## Analyses\n\nThe entries of a table\'s or a figure\'s `analyses:` list; '
                 "`type` says which analysis.\n")
    for m in analyses:
        add(m, f"type: {_discriminator(m, 'type')} ({m.__name__})")
    for m in below(list(analyses)):
        add(m, m.__name__)

    parts.append('<a id="plots"></a>\n\n## Plots\n\nThe `plot:` of a figure; `kind` says which plot.\n')
    for m in plots:
        add(m, f"kind: {_discriminator(m, 'kind')} ({m.__name__})")
    for m in below(list(plots)):
        add(m, m.__name__)

    missing = [m.__name__ for m in reachable_models() if m not in placed]
    if missing:
        raise RuntimeError(f"models left out of the reference: {', '.join(missing)}")
    return "\n".join(parts).rstrip("\n") + "\n"
