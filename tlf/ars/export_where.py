"""tlf `where:` expressions -> ARS where clauses (`tlf ars export`).

Translated: `and`, `or`, `not` (an ARS compoundExpression AND / OR / NOT, nested as written) of
comparisons of a variable with a literal: `==` EQ, `!=` NE, `<` LT, `<=` LE, `>` GT, `>=` GE,
`in (...)` IN, `not in (...)` NOTIN; a literal on the left is turned round (`18 <= AGE`: AGE GE 18).
Anything else -- a function (`missing()`, `strip()`), arithmetic, a chained comparison (`0 < X <= 24`),
two variables compared, a bare variable, `True`/`False`, an empty text (ARS compares a missing text as
'' where tlf's `==` never matches it), a variable that `derive:` makes -- is not translated: the caller
names it as left out, with the reason this module gives. Nothing is guessed.
"""

from __future__ import annotations

import ast

from tlf.data.expr import ExprError, parse

COMPARATORS = {ast.Eq: "EQ", ast.NotEq: "NE", ast.Lt: "LT", ast.LtE: "LE", ast.Gt: "GT", ast.GtE: "GE",
               ast.In: "IN", ast.NotIn: "NOTIN"}
TURNED = {"EQ": "EQ", "NE": "NE", "LT": "GT", "LE": "GE", "GT": "LT", "GE": "LE"}  # literal OP var -> var OP' literal


class Untranslatable(Exception):
    """An expression (or a part of it) ARS where clauses cannot state as tlf evaluates it; str() is why."""


def translate(text: str, dataset: str, derived: frozenset[str] | set[str] = frozenset()) -> dict:
    """The ARS where clause ({"condition": ...} or {"compoundExpression": ...}) of tlf expression `text` on
    `dataset`; raises Untranslatable naming the part it cannot state. `derived`: variables (upper case)
    of the dataset that `derive:` makes (ARS has no derivations)."""
    try:
        tree = parse(text).tree
    except ExprError as e:
        raise Untranslatable(str(e)) from None
    return _clause(tree.body, dataset.upper(), {v.upper() for v in derived})


def conjunction(clauses: list[dict]) -> dict | None:
    """Where clauses joined by AND (one alone as it is; none: None)."""
    if not clauses:
        return None
    if len(clauses) == 1:
        return clauses[0]
    return {"compoundExpression": {"logicalOperator": "AND", "whereClauses": clauses}}


def _clause(node: ast.AST, ds: str, derived: set[str]) -> dict:
    if isinstance(node, ast.BoolOp):
        op = "AND" if isinstance(node.op, ast.And) else "OR"
        return {"compoundExpression": {"logicalOperator": op,
                                       "whereClauses": [_clause(v, ds, derived) for v in node.values]}}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return {"compoundExpression": {"logicalOperator": "NOT", "whereClauses": [_clause(node.operand, ds, derived)]}}
    if not isinstance(node, ast.Compare):
        raise Untranslatable(f"{ast.unparse(node)!r} is not a comparison of a variable with a value")
    if len(node.ops) != 1:
        raise Untranslatable(f"the chained comparison {ast.unparse(node)!r} (write it as two joined by `and`)")
    comparator = COMPARATORS[type(node.ops[0])]
    left, right = node.left, node.comparators[0]
    if not isinstance(left, ast.Name) and isinstance(right, ast.Name) and comparator in TURNED:
        left, right, comparator = right, left, TURNED[comparator]
    if not isinstance(left, ast.Name) or left.id in ("True", "False"):
        raise Untranslatable(f"{ast.unparse(node)!r}: ARS compares a variable, not {ast.unparse(left)!r}, "
                             "with values")
    var = left.id.upper()
    if var in derived:
        raise Untranslatable(f"{var} is derived in study.yaml (`derive:`); ARS has no derivations")
    if comparator in ("IN", "NOTIN"):
        if not isinstance(right, ast.Tuple | ast.List):
            raise Untranslatable(f"{ast.unparse(node)!r}: `in` needs a list of values")
        values = [_literal(e, node) for e in right.elts]
    else:
        values = [_literal(right, node)]
    if comparator in ("LT", "LE", "GT", "GE") and any(isinstance(v, str) for v in values):
        raise Untranslatable(f"{ast.unparse(node)!r}: an order comparison with text (a date?) is not translated")
    return {"condition": {"dataset": ds, "variable": var, "comparator": comparator,
                          "value": [v if isinstance(v, str) else _number(v) for v in values]}}


def _literal(node: ast.AST, whole: ast.AST):
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
        if not (isinstance(node, ast.Constant) and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)):
            raise Untranslatable(f"{ast.unparse(whole)!r}: a signed value that is not a number")
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool) or node.value is None:
        raise Untranslatable(f"{ast.unparse(whole)!r}: {ast.unparse(node)!r} is not a text or number literal")
    if isinstance(node.value, str):
        text = node.value.rstrip(" ")
        if not text:
            raise Untranslatable(f"{ast.unparse(whole)!r}: an empty text (a missing value) is compared otherwise by ARS")
        return text
    return sign * node.value


def _number(v: int | float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


__all__ = ["Untranslatable", "conjunction", "translate"]
