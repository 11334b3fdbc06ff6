"""A small, safe expression language for `where:` filters in specs.

    EOP{pp}STT == 'DISCONTINUED' and AGE >= 18
    AESEV in ('SEVERE', 'LIFE THREATENING') or not AESER == 'N'
    missing(DCP01RS)
    strip(AVISIT) == 'Week 20'          (SAS STRIP: a visit stored with leading blanks)
    (TR01EDT - TR01SDT + 1) / 7         (dates are days in arithmetic, as in SAS: a duration in weeks)

Parsed with Python's `ast` and evaluated column-wise on a DataFrame; only names (variables),
literals, comparisons, `and`/`or`/`not`, `in`, arithmetic and the functions below are allowed.
Nothing is ever passed to eval(), so a spec cannot run code.

As in SAS, a division by zero gives a missing value (never infinity, which comparisons would count and
statistics use); a caller that passes a ZeroDivisions learns which records it happened in, to report them.
Text literals compare without trailing blanks, as SAS compares text ('Placebo ' equals 'Placebo').

Limits (each an ExprError with its own code, see docs/errors.md): an expression is at most
MAX_EXPR_CHARS characters and MAX_EXPR_DEPTH levels deep, a whole number has at most MAX_INT_DIGITS
digits, and text is never multiplied (`text(X) * 1000000000` would build a gigabyte string per record).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

FUNCTIONS = ("missing", "present", "upper", "lower", "strip", "abs", "text")

MAX_EXPR_CHARS = 10_000
"""Longest expression, in characters (SPEC094). The longest filter of the example studies is under 200;
a longer text is a generated or pasted mistake, and parsing it costs memory and time in proportion."""

MAX_EXPR_DEPTH = 50
"""Deepest expression tree (SPEC095): `((a + b) * c)` is 3 levels. Python's parser and this evaluator
recurse per level; thousands of nested `not` or `+` would exhaust the stack instead of failing cleanly."""

MAX_INT_DIGITS = 30
"""Most digits of a whole number, written or computed (SPEC096). Clinical values have far fewer; Python
integers have no bound, so `99999...` multiplied by itself grows without end (and Python refuses to print
one of over 4,300 digits)."""


class ExprError(ValueError):
    """A bad expression; `.message` says why. The caller adds the spec location. `code` is set for an
    expression over a limit (SPEC094-SPEC097); else the caller's code applies."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Expr:
    text: str
    tree: ast.Expression

    @property
    def names(self) -> set[str]:
        """Variables the expression reads."""
        out = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id not in ("True", "False"):
                out.add(node.id)
        return out


@dataclass
class ZeroDivisions:
    """The records (index labels of the frames evaluated) in which a division by zero gave a missing
    value; one collector may gather several evaluations (the columns of an analysis)."""

    records: set = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.records)

    def message(self, text: str, dataset: str) -> str:
        """What a finding says: the expression, how many records, and the dataset."""
        return f"{text!r} divided by zero in {len(self)} record(s) of {dataset}; the result is missing"


_ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
            ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
            ast.Name, ast.Load, ast.Constant, ast.Tuple, ast.List, ast.BinOp, ast.Add, ast.Sub,
            ast.Mult, ast.Div, ast.Call)


def substitute_period(text: str, period: int | None) -> str:
    """Resolve `{pp}` (two-digit period) and `{p}` in a variable name or expression."""
    if "{p" not in text:
        return text
    if period is None:
        raise ExprError(f"'{text}' uses {{pp}}/{{p}} but the column has no period")
    return text.replace("{pp}", f"{period:02d}").replace("{p}", str(period))


def parse(text: str) -> Expr:
    """Parse and check an expression; raises ExprError with a precise message."""
    if len(text) > MAX_EXPR_CHARS:
        raise ExprError(f"expression of {len(text):,} characters ({text[:40]!r}...) is longer than the limit "
                        f"of {MAX_EXPR_CHARS:,} characters", code="SPEC094")
    _check_digits(text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ExprError(f"cannot parse expression {text!r}: {e.msg} at column {e.offset}") from None
    except (RecursionError, MemoryError):
        raise ExprError(f"expression {_short(text)} is nested deeper than the limit of {MAX_EXPR_DEPTH} levels",
                        code="SPEC095") from None
    depth = _depth(tree)
    if depth > MAX_EXPR_DEPTH:
        raise ExprError(f"expression {_short(text)} is nested {depth} levels deep, more than the limit of "
                        f"{MAX_EXPR_DEPTH}", code="SPEC095")
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ExprError(f"{type(node).__name__} is not allowed in an expression ({text!r}); "
                            "use variables, literals, comparisons, and/or/not, in, + - * /")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.keywords:
                raise ExprError(f"unknown function in {text!r}; allowed: {', '.join(FUNCTIONS)}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and any(
                isinstance(x, ast.Constant) and isinstance(x.value, str) for x in (node.left, node.right)):
            raise ExprError(f"text cannot be multiplied ({_short(text)})", code="SPEC097")
    return Expr(text, tree)


def _short(text: str) -> str:
    return repr(text) if len(text) <= 80 else repr(text[:77]) + "..."


def _check_digits(text: str) -> None:
    """A run of digits longer than MAX_INT_DIGITS outside quotes is refused before Python parses it."""
    import re

    for m in re.finditer(r"'[^']*'|\"[^\"]*\"|(\d[\d_]*)", text):
        digits = m.group(1)
        if digits and len(digits.replace("_", "")) > MAX_INT_DIGITS:
            raise ExprError(f"number of {len(digits.replace('_', '')):,} digits in {_short(text)} has more than "
                            f"the limit of {MAX_INT_DIGITS} digits", code="SPEC096")


def _depth(tree: ast.AST) -> int:
    """Levels of the tree, counted without recursion (operators and contexts do not count)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in ast.iter_child_nodes(node)
                     if not isinstance(c, ast.expr_context | ast.operator | ast.boolop | ast.unaryop | ast.cmpop))
    return deepest


def evaluate(expr: Expr, frame: pd.DataFrame, zero: ZeroDivisions | None = None) -> pd.Series:
    """A boolean Series over `frame`'s rows. Missing values compare as False (like SAS's WHERE on
    a missing numeric with >, except that SAS treats missing as smallest: we never do). Records in
    which a division by zero gave missing are added to `zero`."""
    import pandas as pd

    result = _eval(expr.tree.body, frame, expr.text, zero)
    if not isinstance(result, pd.Series):
        result = pd.Series(bool(result), index=frame.index)
    return result.fillna(False).astype(bool)


def evaluate_definite(expr: Expr, frame: pd.DataFrame, zero: ZeroDivisions | None = None) -> pd.Series:
    """True where the condition holds whatever its missing values are (Kleene's three-valued logic, as
    SQL): a comparison with a missing value (or a blank text, or a division by zero) is unknown, `not`
    of unknown is unknown, `a and b` is known when both are or either is false, `a or b` when both are or
    either is true; unknown counts as not met. For conditions a missing value must never meet: with a
    missing CHG, `not (CHG > -4)` is not met (`evaluate` would say true)."""
    return evaluate_known(expr, frame, zero)[0]


def evaluate_known(expr: Expr, frame: pd.DataFrame, zero: ZeroDivisions | None = None) -> tuple[pd.Series, pd.Series]:
    """(met, known) per row of `frame` under the three-valued logic of evaluate_definite: `met` where the
    condition holds whatever its missing values are, `known` where it is true or false (not unknown),
    e.g. `CHG <= -4` is unknown with CHG missing, `CHG <= -4 or AVALC == 'Y'` known (true) when AVALC is 'Y'."""
    import pandas as pd

    value, known = _three_valued(expr.tree.body, frame, expr.text, zero)
    return (pd.Series(value & known, index=frame.index).astype(bool),
            pd.Series(known, index=frame.index).astype(bool))


def _three_valued(node: ast.AST, frame: pd.DataFrame, text: str, zero: ZeroDivisions | None):
    """(value, known) boolean arrays of a condition over `frame`'s rows (evaluate_definite)."""
    import numpy as np
    import pandas as pd

    def array(v: Any):
        if isinstance(v, pd.Series):
            return v.fillna(False).astype(bool).to_numpy()
        return np.full(len(frame), bool(v))

    if isinstance(node, ast.BoolOp):
        parts = [_three_valued(v, frame, text, zero) for v in node.values]
        value, known = parts[0]
        for v2, k2 in parts[1:]:
            if isinstance(node.op, ast.And):
                known = (known & k2) | (known & ~value) | (k2 & ~v2)
                value = value & v2
            else:
                known = (known & k2) | (known & value) | (k2 & v2)
                value = value | v2
        return value, known
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value, known = _three_valued(node.operand, frame, text, zero)
        return ~value, known
    value = array(_as_bool(_eval(node, frame, text, zero)))
    known = np.ones(len(frame), dtype=bool)
    operands = [node.left, *node.comparators] if isinstance(node, ast.Compare) else [node] if isinstance(
        node, ast.Name) else []  # present(X) and missing(X) are always known
    for operand in operands:
        v = _eval(operand, frame, text)
        if isinstance(v, pd.Series):
            known &= ~array(_call("missing", v))
    return value, known


def evaluate_value(expr: Expr, frame: pd.DataFrame, zero: ZeroDivisions | None = None):
    """The value of an expression over `frame`'s rows (a Series, or a scalar for a constant)."""
    return _eval(expr.tree.body, frame, expr.text, zero)


def _eval(node: ast.AST, frame: pd.DataFrame, text: str, zero: ZeroDivisions | None = None) -> Any:
    import numpy as np

    def sub(n: ast.AST) -> Any:
        return _eval(n, frame, text, zero)

    if isinstance(node, ast.Constant):
        return node.value.rstrip(" ") if isinstance(node.value, str) else node.value
    if isinstance(node, ast.Tuple | ast.List):
        return [sub(e) for e in node.elts]
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            return node.id == "True"
        if node.id not in frame.columns:
            from tlf.errors import did_you_mean

            raise ExprError(f"variable '{node.id}' not found{did_you_mean(node.id, frame.columns)}")
        return frame[node.id]
    if isinstance(node, ast.BoolOp):
        vals = [_as_bool(sub(v)) for v in node.values]
        out = vals[0]
        for v in vals[1:]:
            out = (out & v) if isinstance(node.op, ast.And) else (out | v)
        return out
    if isinstance(node, ast.UnaryOp):
        v = sub(node.operand)
        if isinstance(node.op, ast.Not):
            return ~_as_bool(v)
        _numbers_only(("-" if isinstance(node.op, ast.USub) else "+") + " (sign)", [v], text)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = _days(sub(node.left)), _days(sub(node.right))
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}[type(node.op)]
        if not (symbol == "+" and _kind(a) == "text" and _kind(b) == "text"):  # text + text joins them
            _numbers_only(symbol, [a, b], text)
        if isinstance(node.op, ast.Div):
            return _divide(a, b, frame, zero)
        if isinstance(node.op, ast.Mult) and (_is_text(a) or _is_text(b)):
            raise ExprError(f"text cannot be multiplied ({_short(text)})", code="SPEC097")
        too_big = ExprError(f"{_short(text)} computes a number of more than the limit of {MAX_INT_DIGITS} digits",
                            code="SPEC096")
        if type(a) is int and type(b) is int:  # whole numbers written in the expression: Python's arithmetic
            import operator

            out = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}[type(node.op)](a, b)
            if abs(out) >= 10 ** MAX_INT_DIGITS:
                raise too_big
        ops = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply}
        try:
            return ops[type(node.op)](a, b)
        except OverflowError:  # a whole number beyond numpy's 64 bits (19 digits)
            raise ExprError(f"{_short(text)} computes a whole number beyond the 64 bits of a number column",
                            code="SPEC096") from None
    if isinstance(node, ast.Call):
        args = [sub(a) for a in node.args]
        if len(args) != 1:
            raise ExprError(f"{node.func.id}() takes one argument ({text!r})")
        if node.func.id == "abs":
            _numbers_only("abs()", args, text)
        return _call(node.func.id, args[0])
    if isinstance(node, ast.Compare):
        left = sub(node.left)
        out = None
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = sub(comp)
            r = _compare(op, left, right, text)
            out = r if out is None else (out & r)
            left = right
        return out
    raise ExprError(f"unsupported expression ({text!r})")


def _divide(a: Any, b: Any, frame: pd.DataFrame, zero: ZeroDivisions | None) -> Any:
    """a / b, missing where b is zero (SAS: a missing value and a note, never infinity); the records where
    a present value was divided by zero go to `zero`."""
    import numpy as np
    import pandas as pd

    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(a, b)
    if not isinstance(a, pd.Series) and not isinstance(b, pd.Series):  # constants: every record
        if b == 0 and not pd.isna(a):
            if zero is not None:
                zero.records.update(frame.index)
            return float("nan")
        return out
    by_zero = (b == 0) if isinstance(b, pd.Series) else pd.Series(bool(b == 0), index=frame.index)
    present = a.notna() if isinstance(a, pd.Series) else pd.Series(not pd.isna(a), index=frame.index)
    hit = by_zero.astype(bool) & present.astype(bool)
    if not hit.any():
        return out
    if zero is not None:
        zero.records.update(hit.index[hit.to_numpy()])
    return out.mask(hit)


def _days(v: Any) -> Any:
    """A column of dates as SAS day numbers (days since 1960-01-01, NaN where missing) for arithmetic,
    so that a date difference is a number of days as in SAS; anything else unchanged."""
    import datetime as dt

    import pandas as pd

    if not isinstance(v, pd.Series) or not (v.dtype == object or pd.api.types.is_datetime64_any_dtype(v)):
        return v
    if v.dtype == object:
        present = v[v.notna() & (v.astype(str) != "")]
        if not len(present) or not all(isinstance(x, dt.date) and not isinstance(x, dt.datetime) for x in present):
            return v
    from tlf.data.dates import SAS_EPOCH, as_timestamps

    return (as_timestamps(v) - pd.Timestamp(SAS_EPOCH)) / pd.Timedelta(days=1)


def _is_text(v: Any) -> bool:
    """Text, or a column holding text: what must never be multiplied (a repetition, not arithmetic)."""
    import pandas as pd

    if isinstance(v, str):
        return True
    if isinstance(v, pd.Series):
        if pd.api.types.is_string_dtype(v.dtype) and v.dtype != object:
            return True
        return v.dtype == object and bool(v.map(lambda x: isinstance(x, str)).any())
    if isinstance(v, list):
        return any(isinstance(x, str) for x in v)
    return False


def _as_bool(v: Any) -> Any:
    import pandas as pd

    if isinstance(v, pd.Series):
        return v.fillna(False).astype(bool)
    return bool(v)


def _call(name: str, v: Any) -> Any:
    import pandas as pd

    if name in ("missing", "present"):
        if isinstance(v, pd.Series):
            text = not pd.api.types.is_numeric_dtype(v)
            m = (v.isna() | (v.astype(str).str.strip() == "")) if text else v.isna()
        else:
            m = v is None or v == ""
        return m if name == "missing" else ~m
    if name == "text":  # a number as text: 12.0 -> "12", missing -> ""
        def one(x: Any) -> str:
            if x is None or (isinstance(x, float) and x != x):
                return ""
            if isinstance(x, float) and x.is_integer():
                return str(int(x))
            return str(x)

        return v.map(one).astype(object) if isinstance(v, pd.Series) else one(v)
    if name in ("upper", "lower", "strip"):  # strip: leading and trailing blanks (SAS STRIP)
        if isinstance(v, pd.Series):
            text = v.where(v.notna(), "").astype(str)
            return getattr(text.str, name)()
        return getattr("" if v is None else str(v), name)()
    return abs(v)


def _compare(op: ast.cmpop, a: Any, b: Any, text: str) -> Any:
    import pandas as pd

    a, b = _dates_with_iso_text(a, b, text)
    _check_types(a, b, text)
    if isinstance(op, ast.In | ast.NotIn):
        if not isinstance(b, list):
            raise ExprError(f"'in' needs a list of values, e.g. X in ('A', 'B') ({text!r})")
        r = a.isin(b) if isinstance(a, pd.Series) else a in b
        return ~r if isinstance(op, ast.NotIn) else r
    import operator

    fn = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
          ast.Gt: operator.gt, ast.GtE: operator.ge}[type(op)]
    return fn(a, b)


def _kind(v: Any) -> str | None:
    """'number', 'text', 'date' (a column of dates: datetime64, or Python dates as SAS files give) or
    None (unknown: a boolean, a mixed list, an empty column)."""
    import pandas as pd

    if isinstance(v, pd.Series):
        if pd.api.types.is_bool_dtype(v):
            return None
        if pd.api.types.is_numeric_dtype(v):
            return "number"
        if pd.api.types.is_datetime64_any_dtype(v) or _is_date_objects(v):
            return "date"
        return "text" if v.dtype == object or pd.api.types.is_string_dtype(v) else None
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, list) and v:
        kinds = {_kind(x) for x in v}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _is_date_objects(v: pd.Series) -> bool:
    """A column of Python dates or datetimes (SAS dates read with their format), missing aside."""
    import datetime as dt

    import pandas as pd

    if v.dtype != object:
        return False
    for x in v.to_numpy():  # the first value present decides a text column at once (no copy of millions)
        if not (x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and x != x)):
            if not isinstance(x, dt.date):
                return False
            break
    else:
        return False
    present = v[v.notna()]
    return bool(len(present)) and all(isinstance(x, dt.date) for x in present)


def _numbers_only(op: str, values: list, text: str) -> None:
    """A located message when arithmetic (`op`: '+', 'abs()', '-' ...) is given text: it names the
    expression, the variable and its type."""
    import pandas as pd

    for v in values:
        if _kind(v) != "text":
            continue
        what = f"variable {v.name}" if isinstance(v, pd.Series) else f"the text {v!r}"
        raise ExprError(f"{op} needs numbers (or dates), but {what} is text in {text!r}; "
                        "compare text with == or in, or use a numeric variable")


def _dates_with_iso_text(a: Any, b: Any, text: str) -> tuple[Any, Any]:
    """A date variable compared with ISO 8601 text ('2018-01-01', or a list of them) compares as dates,
    as SAS users write it; other text compared with a date is an error saying how to write it."""
    import pandas as pd

    def iso(v: Any, var: pd.Series) -> Any:
        if isinstance(v, list):
            return [iso(x, var) for x in v]
        import re

        if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?", v.strip()):
            raise ExprError(f"compares date variable {var.name} with {v!r} in {text!r}; write a date as "
                            f"ISO 8601 text, e.g. {var.name} >= '2018-01-31'")
        try:
            return pd.Timestamp(v.strip())
        except ValueError:
            raise ExprError(f"{v!r} is not a valid date in {text!r} (compared with date variable "
                            f"{var.name})") from None

    from tlf.data.dates import as_timestamps

    if _kind(a) == "date" and isinstance(a, pd.Series) and (_kind(b) == "text" or isinstance(b, list)):
        return as_timestamps(a), iso(b, a)  # a list: every item ISO text, or an error naming the item
    if _kind(b) == "date" and isinstance(b, pd.Series) and _kind(a) == "text" and not isinstance(a, pd.Series):
        return iso(a, b), as_timestamps(b)
    return a, b


def _check_types(a: Any, b: Any, text: str) -> None:
    import pandas as pd

    kind = _kind
    ka, kb = kind(a), kind(b)
    if isinstance(a, pd.Series) and ka and isinstance(b, list):  # `AGE in (65, '70')`: '70' would never match
        for x in b:
            if kind(x) and kind(x) != ka:
                raise ExprError(f"compares {ka} variable {a.name} with the {kind(x)} {x!r} in {text!r}; every value "
                                f"of the list must be {'a ' if ka != 'text' else ''}{ka}")
    if ka and kb and ka != kb:
        name = a.name if isinstance(a, pd.Series) else (b.name if isinstance(b, pd.Series) else "")
        raise ExprError(f"compares {ka} with {kb}" + (f" (variable {name} is {ka if isinstance(a, pd.Series) else kb})"
                                                      if name else "") + f" in {text!r}")
