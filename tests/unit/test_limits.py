"""Limits (issue 15): each bomb that once hung tlf or exhausted its memory is now a named SpecError.

Every bomb runs in a subprocess with a 20 s timeout: a regression fails the test rather than hanging the
suite (a safety net, not a timing test; each bomb is refused in well under a second). The assertions are
on the behaviour: the error code, the file, line, key and the limit named in the message.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import DEMOG_YAML, STUDY_YAML, write_study

REPO = Path(__file__).resolve().parents[2]
GUARD = 20  # seconds: the bomb ran for hours or until memory ran out before the limits


def run(code: str) -> str:
    """Run `code` in a fresh interpreter; what it printed (stdout and stderr)."""
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         timeout=GUARD, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    return res.stdout + res.stderr


def tlf(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tlf", *args], capture_output=True, text=True, timeout=GUARD,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def load(path: Path) -> str:
    return run(f"""
        from pathlib import Path
        from tlf.errors import SpecError
        from tlf.spec.load import load_yaml
        try:
            load_yaml(Path({str(path)!r}))
            print("loaded")
        except SpecError as e:
            print(e)
        """)


LAUGHS = "lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))


def test_billion_laughs_is_refused_by_the_node_limit(tmp_path):
    f = tmp_path / "laughs.yaml"
    f.write_text(LAUGHS)  # nine levels of nine aliases: 387 million values once expanded
    out = load(f)
    assert "[SPEC092]" in out and "laughs.yaml:" in out and "100,000 values" in out, out


def test_too_many_aliases(tmp_path):
    f = tmp_path / "aliases.yaml"
    f.write_text("a: &x one\nb: [" + ", ".join(["*x"] * 5000) + "]\n")
    out = load(f)
    assert "aliases.yaml:2:" in out and "b[1000]" in out and "1,000 YAML aliases" in out and "[SPEC091]" in out, out


def test_spec_file_size(tmp_path):
    f = tmp_path / "huge.yaml"
    f.write_text("title: x\nnote: " + "x" * 2_000_000 + "\n")
    out = load(f)
    assert "huge.yaml: spec file of 2,000,016 bytes is larger than the limit of 1,000,000 bytes [SPEC090]" in out, out


@pytest.mark.parametrize("text", ["a: " + "[" * 200_000 + "]" * 200_000 + "\n",  # the stack, in the composer
                                  "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "v: 1\n",
                                  "a: &x [*x]\n"])  # an alias inside its own anchor: endless nesting
def test_nesting_depth(tmp_path, text):
    f = tmp_path / "deep.yaml"
    f.write_text(text)
    out = load(f)
    assert "deep.yaml:" in out and "deeper than the limit of 50 levels" in out and "[SPEC093]" in out, out


def test_huge_integer_in_a_spec(tmp_path):
    f = tmp_path / "int.yaml"
    f.write_text("title: x\nindent: " + "9" * 100_000 + "\n")
    out = load(f)
    assert "int.yaml:2:9: indent: a number of 100,000 digits is more than the limit of 30 digits [SPEC096]" in out, out


def parse(text_code: str) -> str:
    return run(f"""
        from tlf.data import expr as ex
        try:
            ex.parse({text_code})
            print("parsed")
        except ex.ExprError as e:
            print(e, e.code)
        """)


def test_expression_length():
    out = parse("'AGE > 1 and ' * 2000 + 'AGE > 1'")
    assert "longer than the limit of 10,000 characters SPEC094" in out, out


@pytest.mark.parametrize("text_code", ["'not ' * 2400 + 'X'", "'+'.join(['X'] * 2400)", "'abs(' * 60 + 'X' + ')' * 60"])
def test_expression_depth(text_code):
    out = parse(text_code)
    assert "more than the limit of 50" in out or "deeper than the limit of 50" in out, out
    assert "SPEC095" in out, out


def test_expression_integer_digits():
    out = parse("'AGE > ' + '9' * 5000")
    assert "more than the limit of 30 digits SPEC096" in out, out
    out = run("""
        import pandas as pd
        from tlf.data import expr as ex
        try:
            ex.evaluate_value(ex.parse('999999999999999999999999 * 999999999999999999999999 + 0'), pd.DataFrame({'A': [1]}))
        except ex.ExprError as e:
            print(e, e.code)
        """)
    assert "more than the limit of 30 digits SPEC096" in out, out


def test_text_repetition_in_derive_is_refused(tmp_path):
    study = STUDY_YAML + textwrap.dedent("""\
        derive:
          adsl:
            - {name: BOMB, expr: "text(AGE) * 1000000000"}
        """)
    specs = write_study(tmp_path, study=study, outputs={"t-demog": DEMOG_YAML})
    res = tlf("check", "--specs", str(specs))
    assert res.returncode == 2, res.stderr
    # refused before it runs: multiplying text is a type mistake of the expression (a text column times a number)
    assert "study.yaml:25:" in res.stderr and "derive.adsl[0].expr: * needs numbers" in res.stderr, res.stderr
    assert "[SPEC040]" in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_text_literal_repetition_is_refused():
    # a text written in the expression is refused when parsed; a text column when evaluated (the derive test)
    out = parse("\"'A' * 2000000000 == SEX\"")
    assert '''text cannot be multiplied ("'A' * 2000000000 == SEX") SPEC097''' in out, out


TITLE_BOMBS = {
    "repeat": ("{{ 'A' * 2000000000 }}", "SPEC098", "100,000 characters"),
    "nested-for": ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
                   "SPEC099", "100,000 steps"),
    "nested-for-writing": ("{% for a in range(100000) %}{% for b in range(100000) %}{{ 'x' * 1000 }}{% endfor %}"
                           "{% endfor %}",
                           "SPEC098", "100,000 characters"),
    "power": ("{{ 10 ** 10 ** 10 }}", "SPEC096", "30 digits"),
    "doubling": ("{% set ns = namespace(s='a') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
                 "SPEC098", "100,000 characters"),
    "set-block": ("{% set x %}{% for i in range(100000) %}{{ 'a' * 99999 }}{% endfor %}{% endset %}",
                  "SPEC098", "100,000 characters"),
    "replace": ("{% set s = 'a' * 100000 %}{{ s|replace('a', s) }}", "SPEC098", "100,000 characters"),
    "join": ("{% set s = 'a' * 100000 %}{{ ([s] * 100000)|join }}", "SPEC098", "100,000 characters"),
    "width": ("{{ '{:>2000000000}'.format(1) }}", "SPEC098", "100,000 characters"),
    "center": ("{{ 'x'|center(2000000000) }}", "SPEC098", "100,000 characters"),
    "macros": ("{% macro a() %}{{ 'x' }}{% endmacro %}{% macro b() %}{{ a() }}{{ a() }}{{ a() }}{% endmacro %}"
               "{% for i in range(100000) %}{{ b() }}{% endfor %}", "SPEC099", "100,000 steps"),
}


@pytest.mark.parametrize("name", TITLE_BOMBS)
def test_title_template_bombs(name):
    template, code, limit = TITLE_BOMBS[name]
    out = run(f"""
        from tlf.errors import Location, SpecError
        from tlf.format.text import render_text
        try:
            render_text({template!r}, {{"study": {{"id": "S"}}}}, where="t-1.title", location=Location("t-1.yaml", 4, 8))
            print("rendered")
        except SpecError as e:
            print(e)
        """)
    # SPEC099 is whichever of its limits a loaded machine reaches first: the steps, or the second
    named = limit in out or (code == "SPEC099" and "limit of 1 s" in out)
    assert out.startswith("t-1.yaml:4:8: t-1.title: ") and named and f"[{code}]" in out, out


def test_title_bomb_in_a_build_is_located(tmp_path):
    text = DEMOG_YAML.replace("title: Demographics", "title: \"{{ 'A' * 2000000000 }}\"")
    specs = write_study(tmp_path, outputs={"t-demog": text})
    res = tlf("check", "--specs", str(specs))
    assert res.returncode == 2, res.stderr
    assert "t-demog.yaml:4:" in res.stderr and ": title: " in res.stderr, res.stderr
    assert "limit of 100,000 characters [SPEC098]" in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_legit_templates_render_as_before():
    from tlf.format.text import render_text

    ctx = {"study": {"id": "S-1", "title": "Mini"}, "cutoff": "2019-06-30", "population": "SAF"}
    assert render_text("{{ study.id }}: {{ study.title }} ({{ cutoff }}, {{ population }})", ctx) == \
        "S-1: Mini (2019-06-30, SAF)"
    assert render_text("{% for i in range(3) %}{{ i }}{% if not loop.last %}, {% endif %}{% endfor %}", ctx) == \
        "0, 1, 2"
    assert render_text("{{ 'a' ~ study.id|lower }} {{ '%03d' % 7 }} {{ 2 ** 10 }} {{ 'x' * 3 }}", ctx) == "as-1 007 1024 xxx"
