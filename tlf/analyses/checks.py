"""Spec values checked against the data before anything is computed (`tlf check`, the start of `tlf build`).

A spec can name a value the data never take and still run: `RACE == 'White'` when the data say
'WHITE' selects nobody, a categorical level 'White' prints 0 (and its subjects land in "Other"), a
data value no level lists drops out so the percentages no longer add up. Nothing fails, the table is
plausible and wrong. Each such slip is a Finding (tlf.errors) located at the spec key, naming the
dataset and variable and offering the data's values ("did you mean 'WHITE'?").

Shared here: the literals a where-expression compares with a variable (`==`, `!=`, `in`, `not in`),
checked against a dataset; listed values checked against a variable; the data values no level takes.
Each family's own checks live in its home (run.py CHECKS: type -> check(ctx, columns) -> findings, which
raises the TlfError the family's runner would raise for a spec the data cannot serve); the orchestrator
finds them through the registry.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tlf.data import expr as ex
from tlf.errors import Finding, TlfError, did_you_mean_value, meant_value
from tlf.stats.values import norm_value

if TYPE_CHECKING:
    import pandas as pd

    from tlf.analyses.context import ColumnGroup, Ctx

VALUE_NOT_TAKEN = "SPEC080"  # a literal of a where/criterion/derive the data never take
LEVEL_NOT_TAKEN = "SPEC081"  # a listed value (levels, `by` values, event_value) the data never take
LEVELS_DROP = "SPEC082"      # data values that no listed level takes (no `other: true`): left out of the table
SHOWN_VALUES = 8             # data values a finding lists

Locate = Callable[[tuple, str, str], TlfError]  # (key, message, code) -> a located error


@dataclass(frozen=True)
class Literal:
    """One comparison of a variable (or upper/lower/strip/text of one) with literal values."""

    side: ast.expr          # the variable side of the comparison
    text: str               # it as written, e.g. "AESEV" or "strip(AVISIT)"
    op: str                 # "==", "!=", "in", "not in"
    values: tuple[Any, ...]


_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in"}
_FUNCS = ("upper", "lower", "strip", "text")


def _variable_side(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id not in ("True", "False")
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS
            and len(node.args) == 1 and _variable_side(node.args[0]))


def _literal_values(node: ast.expr) -> tuple[Any, ...] | None:
    def one(n: ast.expr) -> Any:
        if isinstance(n, ast.Constant) and isinstance(n.value, str | int | float) and not isinstance(n.value, bool):
            return n.value
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub) and isinstance(n.operand, ast.Constant) \
                and isinstance(n.operand.value, int | float) and not isinstance(n.operand.value, bool):
            return -n.operand.value
        return _NOT
    if isinstance(node, ast.Tuple | ast.List):
        vals = tuple(one(e) for e in node.elts)
        return None if any(v is _NOT for v in vals) or not vals else vals
    v = one(node)
    return None if v is _NOT else (v,)


_NOT = object()


def literals(text: str) -> list[Literal]:
    """The comparisons of a variable with literals in an expression, in reading order ([] when it does not
    parse: the run reports that)."""
    try:
        tree = ex.parse(text).tree
    except ex.ExprError:
        return []
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            name = _OPS.get(type(op))
            if name:
                if _variable_side(left) and (vals := _literal_values(right)) is not None:
                    out.append(Literal(left, ast.unparse(left), name, vals))
                elif name in ("==", "!=") and _variable_side(right) and (vals := _literal_values(left)) is not None:
                    out.append(Literal(right, ast.unparse(right), name, vals))
            left = right
    return sorted(out, key=lambda lit: (lit.side.lineno, lit.side.col_offset))


def side_values(lit: Literal, frame: pd.DataFrame) -> pd.Series | None:
    """The values the comparison's variable side takes in `frame` (None: a variable not in it)."""
    import pandas as pd

    funcs = {id(n.func) for n in ast.walk(lit.side) if isinstance(n, ast.Call)}
    names = {n.id for n in ast.walk(lit.side) if isinstance(n, ast.Name) and id(n) not in funcs}
    if not names <= set(frame.columns):
        return None
    try:
        v = ex.evaluate_value(ex.Expr(lit.text, ast.Expression(body=lit.side)), frame)
    except (ex.ExprError, TypeError, ValueError):
        return None
    return v if isinstance(v, pd.Series) else None


def taken(series: pd.Series, value: Any) -> bool:
    """Whether `series == value` holds for any record, as the where: language compares (a text literal
    against a number variable is the run's error, not a finding: True)."""
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if isinstance(value, str) == numeric:
        return True
    return bool((series == value).any())


def shown(values: Iterable[Any]) -> str:
    """The data's distinct values as a finding lists them: quoted text, sorted, at most SHOWN_VALUES."""
    vals = sorted({v for v in (norm_value(x) for x in values) if v is not None}, key=lambda x: (isinstance(x, str), x))
    text = ", ".join(f"'{v}'" if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)
                     for v in vals[:SHOWN_VALUES])
    more = f" and {len(vals) - SHOWN_VALUES} more" if len(vals) > SHOWN_VALUES else ""
    return (text + more) if vals else "none (every value missing)"


def _quoted(v: Any) -> str:
    return f"'{v}'" if isinstance(v, str) else str(v)


def expression_findings(texts: Sequence[str], frame: pd.DataFrame, dataset: str, key: tuple,
                        locate: Locate) -> list[Finding]:
    """Findings for the literals of an expression the data never take. `texts`: the expression once per
    period it is read for ({pp} substituted; one text without periods): a literal counts as taken when
    any of them takes it."""
    parsed = [literals(t) for t in texts]
    if not parsed or not parsed[0] or any(len(p) != len(parsed[0]) for p in parsed):
        return []
    out = []
    for k, lit in enumerate(parsed[0]):
        per_text = [(p[k], side_values(p[k], frame)) for p in parsed]
        per_text = [(x, s) for x, s in per_text if s is not None]
        if not per_text:
            continue
        for value in lit.values:
            if any(taken(s, value) for _, s in per_text):
                continue
            x, s = per_text[0]
            data = list(s.dropna().unique())
            msg = (f"{_quoted(value)} is never a value of {x.text} in dataset {dataset}, so `{x.text} {lit.op} "
                   f"...` {'selects no record' if lit.op in ('==', 'in') else 'selects every record'}"
                   f"{did_you_mean_value(value, data)}; the data have: {shown(data)}")
            # resembling a value the data take, it is most likely a slip ('White' for 'WHITE'); else a
            # category no record has (deaths in a study without any), printed as 0: a note
            out.append(Finding(locate(key, msg, VALUE_NOT_TAKEN), note=meant_value(value, data) is None))
    return out


def period_texts(text: str, periods: Iterable[int | None]) -> list[str]:
    """`text` with {pp}/{p} resolved for each period (the text itself when it has none)."""
    if "{p" not in text:
        return [text]
    out = []
    for p in periods:
        try:
            out.append(ex.substitute_period(text, p))
        except ex.ExprError:
            continue
    return list(dict.fromkeys(out))


def active_periods(ctx: Ctx, columns: Sequence[ColumnGroup]) -> list[int | None]:
    return list(dict.fromkeys(c.period for c in columns if ctx.active(c)))


def where_findings(ctx: Ctx, columns: Sequence[ColumnGroup], text: str | None = None, key: tuple = ("where",),
                   dataset: str | None = None) -> list[Finding]:
    """Findings for an analysis' `where` (or another expression of it at `key`, on `dataset`): literals the
    dataset never takes."""
    text = ctx.analysis.where if text is None and key == ("where",) else text
    if not text:
        return []
    dataset = dataset or ctx.dataset_name
    frame = ctx.data.dataset(dataset).frame
    return expression_findings(period_texts(text, active_periods(ctx, columns)), frame, dataset, key,
                               lambda k, m, c: ctx.error(k, m, c))


def listed_findings(listed: Sequence[tuple[tuple, Any]], data_values: Iterable[Any], what: str,
                    locate: Locate, *, always: bool = False) -> list[Finding]:
    """Findings for listed spec values (key, value) that are not among `data_values`, compared as the runs
    compare a data value with a spec value (missing and whole numbers normalised): those that resemble a
    data value (`meant_value`: 'White' for 'WHITE'), or every one with `always` (a value that must occur)."""
    data = [v for v in data_values]
    have = {norm_value(v) for v in data}
    plain = [v for v in (norm_value(x) for x in data) if v is not None]
    out = []
    for key, value in listed:
        if norm_value(value) in have or norm_value(value) is None:
            continue
        # a pre-specified category no record has (printed as 0) is a note; one resembling a value the data
        # take ('White' for 'WHITE') or that must occur (`always`) a finding
        note = not always and meant_value(value, plain) is None
        out.append(Finding(locate(key, f"{_quoted(value)} is never a value of {what}"
                                  f"{did_you_mean_value(value, {str(v) for v in plain})}; the data have: "
                                  f"{shown(plain)}", LEVEL_NOT_TAKEN), note=note))
    return out


def levels_findings(levels, analysed: Sequence[tuple[Any, Any]], all_values: Iterable[Any], what: str,
                    locate: Locate, key: tuple = ("levels",)) -> list[Finding]:
    """Findings for `levels:` of a categorical variable: a listed value the data never take (`all_values`:
    the variable over the whole dataset) that resembles one they take, and values of the analysed records
    (`analysed`: (subject, value) pairs) that no level takes when no level has `other: true` (those
    subjects drop out of the table)."""
    if not levels:
        return []
    listed: list[tuple[tuple, Any]] = []
    for i, lv in enumerate(levels):
        if lv.values is not None:
            listed += [((*key, i, "values", j), v) for j, v in enumerate(lv.values)]
        elif lv.value is not None:
            listed.append(((*key, i, "value"), lv.value))
    out = listed_findings(listed, all_values, what, locate)
    if any(lv.other for lv in levels):
        return out
    names = {norm_value(v) for _, v in listed}
    left: dict[Any, set] = {}
    for subject, x in analysed:
        v = norm_value(x)
        if v is not None and v not in names:
            left.setdefault(v, set()).add(subject)
    if left:
        vals = sorted(left, key=lambda x: (isinstance(x, str), x))
        text = ", ".join(f"{_quoted(v)} ({len(left[v])} subject{'s' if len(left[v]) > 1 else ''})"
                         for v in vals[:SHOWN_VALUES])
        more = f" and {len(vals) - SHOWN_VALUES} more" if len(vals) > SHOWN_VALUES else ""
        out.append(Finding(locate(key, f"values of {what} that no level lists are left out of the table, so its "
                                  f"percentages do not add up: {text}{more}; list them, or add a level with "
                                  "`other: true`", LEVELS_DROP)))
    return out


def run_check(check: Callable | None, ctx: Ctx, columns: Sequence[ColumnGroup]) -> list[Finding]:
    """A family's check, or the generic one (the analysis' `where`) for a family without one."""
    if check is None:
        return where_findings(ctx, columns)
    return list(check(ctx, columns))


def plot_findings(entry, data, columns: Sequence[ColumnGroup]) -> list[Finding]:
    """Literals of a plot's `where` and its panels' `where`s that the plotted dataset never takes."""
    plot = entry.spec.plot
    frame = data.dataset(plot.dataset).frame
    out = []
    panels = getattr(plot, "panels", None) or []
    for key, text in [(("plot", "where"), getattr(plot, "where", None)),
                      *[(("plot", "panels", i, "where"), p.where) for i, p in enumerate(panels)]]:
        if text:
            out += expression_findings([text], frame, plot.dataset, key, entry.error)
    return out


def listing_findings(entry, data) -> list[Finding]:
    """Literals of a listing's `where` that its dataset never takes."""
    spec = entry.spec
    if not spec.where:
        return []
    return expression_findings([spec.where], data.dataset(spec.dataset).frame, spec.dataset, ("where",), entry.error)
