"""The spec reference and the JSON Schemas (tlf/spec/reference.py, `tlf schema`): every key has a
description, the committed files are what the generator makes, the schemas accept every real spec and
refuse wrong ones, and every example in the reference is a valid spec."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from tlf.cli import main
from tlf.spec import reference as ref
from tlf.spec.load import load_yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC_DIRS = [ROOT / "specs", *sorted((ROOT / "examples").glob("*/specs"))]

# Analysis models whose keys have no description yet: they are being moved to tlf/analyses/<family>/spec.py
# and get their descriptions there. Empty this set as they do; every other model must describe every key.
PENDING_DESCRIPTIONS: set[str] = set()  # models whose keys may still lack a description (none now)


# ---------------------------------------------------------------- descriptions

def test_every_key_has_a_description():
    missing = [f"{m.__module__}.{m.__name__}.{name}" for m in ref.reachable_models()
               if m.__name__ not in PENDING_DESCRIPTIONS
               for name, f in m.model_fields.items() if not (f.description or "").strip()]
    assert not missing, "keys without a description (a docstring under the field):\n" + "\n".join(missing)


def test_pending_descriptions_names_real_models():
    """A name left in PENDING_DESCRIPTIONS after its model is renamed or described would hide nothing."""
    names = {m.__name__ for m in ref.reachable_models()}
    assert PENDING_DESCRIPTIONS <= names, sorted(PENDING_DESCRIPTIONS - names)
    still_missing = {m.__name__ for m in ref.reachable_models()
                     if any(not (f.description or "").strip() for f in m.model_fields.values())}
    done = PENDING_DESCRIPTIONS - still_missing
    assert not done, f"described now, remove from PENDING_DESCRIPTIONS: {sorted(done)}"


def test_analysis_models_are_the_analysis_union():
    from tlf.spec.model import ANALYSIS_TYPES

    types = [m.model_fields["type"].annotation.__args__[0] for m in ref.analysis_models()]
    assert sorted(types) == sorted(ANALYSIS_TYPES)


def test_nca_option_defaults_stated_are_the_engines():
    """NcaOptionsSpec leaves defaults to the engine; the reference states them: they must agree."""
    from tlf.spec.derived import NcaOptionsSpec
    from tlf.stats.nca_model import DEFAULT_OPTIONS

    checked = 0
    for name, f in NcaOptionsSpec.model_fields.items():
        m = re.search(r"Engine default: `([^`]*)`", f.description or "")
        if m:
            engine = getattr(DEFAULT_OPTIONS, name)
            assert m.group(1) == (json.dumps(engine) if isinstance(engine, bool) else str(engine)), name
            checked += 1
    assert checked >= 10


# ---------------------------------------------------------------- committed files

def test_committed_reference_and_schemas_are_up_to_date():
    files = ref.generated_files(Path("docs/schema"), Path("docs/reference.md"))
    stale = [str(p) for p, text in files.items()
             if not (ROOT / p).is_file() or (ROOT / p).read_text(encoding="utf-8") != text]
    assert not stale, f"out of date: {', '.join(stale)}; run `tlf schema` (from the repository root) to update"


def test_reference_is_deterministic_and_covers_every_model():
    a, b = ref.reference_markdown(), ref.reference_markdown()
    assert a == b
    for m in ref.reachable_models():
        assert f'<a id="{ref.anchor(m)}"></a>' in a, m.__name__
        for name, f in m.model_fields.items():
            assert f"| `{f.alias or name}` |" in a, (m.__name__, name)
    links = set(re.findall(r"\]\(#([a-z0-9_-]+)\)", a))
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', a))
    assert links <= anchors, sorted(links - anchors)


def test_tlf_schema_writes_then_checks(tmp_path, capsys):
    out, md = tmp_path / "schema", tmp_path / "ref.md"
    args = ["schema", "--out", str(out), "--reference", str(md)]
    assert main([*args, "--check"]) == 1  # nothing there yet
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(ref.json_schemas())
    assert md.is_file() and not list(tmp_path.rglob("*.tmp"))
    assert main([*args, "--check"]) == 0
    assert "unchanged" in (main(args), capsys.readouterr().out)[1]
    md.write_text(md.read_text() + "edited\n")
    assert main([*args, "--check"]) == 1
    assert "run `tlf schema`" in capsys.readouterr().err
    assert main([*args, "--no-reference", "--check"]) == 0  # the schemas alone are up to date


# ---------------------------------------------------------------- the JSON Schemas

@pytest.fixture(scope="module")
def validators():
    jsonschema = pytest.importorskip("jsonschema")
    schemas = ref.json_schemas()
    out = {}
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        out[name] = jsonschema.Draft202012Validator(schema)
    return out


def _as_json(path: Path):
    """A spec file as the spec loader reads it, then as JSON (mapping keys are text in JSON, as a YAML
    language server sees them)."""
    return json.loads(json.dumps(load_yaml(path).data, default=str))


def _spec_files():
    return [p for d in SPEC_DIRS for p in sorted(d.glob("*.y*ml"))]


def test_there_are_real_specs():
    names = [p.name for p in _spec_files()]
    assert names.count("study.yaml") == len(SPEC_DIRS) >= 4 and len(names) > 40


@pytest.mark.parametrize("path", _spec_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_accepts_every_real_spec(path, validators):
    name = ref.STUDY_SCHEMA if path.name == "study.yaml" else ref.OUTPUT_SCHEMA
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validators[name].iter_errors(_as_json(path))]
    assert not errors, "\n".join(errors[:10])


def test_schema_refuses_wrong_specs(validators):
    study = _as_json(ROOT / "specs" / "study.yaml")
    table = _as_json(ROOT / "specs" / "t-14-2-1.yaml")
    listing = _as_json(ROOT / "specs" / "l-16-2-7-1.yaml")
    wrong = [
        (ref.STUDY_SCHEMA, {**study, "pct_decimal": 1}),  # unknown key (typo)
        (ref.STUDY_SCHEMA, {**study, "page": {**study["page"], "paper": "legal"}}),  # not an allowed value
        (ref.STUDY_SCHEMA, {**study, "pct_decimals": 9}),  # beyond the limit
        (ref.STUDY_SCHEMA, {k: v for k, v in study.items() if k != "populations"}),  # required key left out
        (ref.OUTPUT_SCHEMA, {**table, "titel": "x"}),
        (ref.OUTPUT_SCHEMA, {**table, "type": "tabel"}),
        (ref.OUTPUT_SCHEMA, {**table, "analyses": [{**table["analyses"][0], "show": ["value", "chg"]}]}),
        (ref.OUTPUT_SCHEMA, {**table, "analyses": [{**table["analyses"][0], "type": "by_vist"}]}),
        (ref.OUTPUT_SCHEMA, {**listing, "columns": [{**listing["columns"][0], "align": "middle"}]}),
        (ref.OUTPUT_SCHEMA, {**listing, "columns": [{**listing["columns"][0], "widht": 1}]}),
    ]
    for name, spec in wrong:
        assert not validators[name].is_valid(spec), spec
    assert validators[ref.STUDY_SCHEMA].is_valid(study) and validators[ref.OUTPUT_SCHEMA].is_valid(table)


def test_schema_uses_keywords_older_language_servers_know():
    """The schemas declare draft 2020-12 but use keywords draft 7 has too (with `$defs` reached by JSON
    pointer), so that YAML language servers validating as draft 7 check them; the one exception,
    `prefixItems` (a fixed-length pair such as power_model's theta), is skipped there, leaving only the
    pair's length checked."""
    known = {"$schema", "$ref", "$defs", "title", "description", "type", "properties", "required",
             "additionalProperties", "propertyNames", "items", "anyOf", "oneOf", "enum", "const", "default",
             "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
             "minProperties", "discriminator", "prefixItems"}

    def keywords(node, inside_properties=False):
        if isinstance(node, dict):
            for k, v in node.items():
                if not inside_properties and k not in ("default", "discriminator"):
                    yield k
                if k in ("default", "discriminator"):
                    continue
                yield from keywords(v, k in ("properties", "$defs"))
        elif isinstance(node, list):
            for v in node:
                yield from keywords(v)

    for name, schema in ref.json_schemas().items():
        assert set(keywords(schema)) <= known, (name, sorted(set(keywords(schema)) - known))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_forbids_unknown_keys_everywhere():
    """The spec loader refuses unknown keys in every mapping: so does every object of the schemas."""
    for schema in ref.json_schemas().values():
        for name, d in schema["$defs"].items():
            assert d.get("additionalProperties") is False, name


# ---------------------------------------------------------------- examples

@pytest.mark.parametrize("model,example", list(ref.examples().items()), ids=lambda x: getattr(x, "__name__", ""))
def test_reference_examples_are_valid(model, example):
    for data in ref.example_data(example):
        TypeAdapter(model).validate_python(data)


def test_reference_shows_every_example():
    text = ref.reference_markdown()
    for ex in ref.examples().values():
        assert ex.text.rstrip("\n") in text
