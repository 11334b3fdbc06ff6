"""Titles and footnotes as templates: `{{ study.id }}`, `{{ population }}`, `{{ cutoff }}`.

Rendered in jinja2's immutable sandbox: a template that reaches for attributes, files or code is a
SpecError, never run. Output is plain text (renderers escape for XML/HTML themselves).

A template's work is bounded, so a title can neither hang a build nor exhaust its memory (each a
SpecError, docs/errors.md): the text it writes, everything it builds on the way (a `{% set %}` block,
a macro's output, `'A' * 2000000000`, a `join` or `replace`) holds at most MAX_TEMPLATE_OUTPUT
characters (SPEC098); it takes at most MAX_TEMPLATE_STEPS steps (loop iterations, calls, operators,
written pieces) and MAX_TEMPLATE_SECONDS seconds (SPEC099); a whole number has at most MAX_INT_DIGITS
digits (SPEC096). The render runs in the calling thread: the steps it takes are counted where they happen
(a guard wrapped around every `for` loop's sequence, every `~`, every output, every call, filter and
operator), so nothing is left running when it is refused.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from tlf.errors import SpecError

MAX_TEMPLATE_OUTPUT = 100_000
"""Most characters a template writes or builds (SPEC098). A title is a line, a footnote a paragraph;
the limit stops `'A' * 2000000000`, a `for` loop writing without end, and text multiplied by `replace`
or `join`, before the text is built."""

MAX_TEMPLATE_STEPS = 100_000
"""Most steps of one template's render (SPEC099): loop iterations, calls, filters, operators and pieces
written. Jinja's sandbox caps a `range` at 100,000 items, but two nested loops over such ranges run ten
billion times."""

MAX_TEMPLATE_SECONDS = 1.0
"""Longest render of one template, in seconds (SPEC099), checked at every step: a title renders in
microseconds."""

MAX_INT_DIGITS = 30
"""Most digits of a whole number a template computes (SPEC096), as in expressions (`{{ 10 ** 10 ** 10 }}`
would run for hours)."""


class _Refused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class _Budget:
    """The steps, time and characters one render has used; refuses beyond the limits."""

    def __init__(self) -> None:
        self.steps = 0
        self.written = 0
        self.deadline = time.monotonic() + MAX_TEMPLATE_SECONDS

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_TEMPLATE_STEPS:
            raise _Refused(f"the template takes more than the limit of {MAX_TEMPLATE_STEPS:,} steps "
                           "(loop iterations, calls, operators)", "SPEC099")
        if time.monotonic() > self.deadline:
            raise _Refused(f"the template takes longer than the limit of {MAX_TEMPLATE_SECONDS:g} s to render",
                           "SPEC099")

    def size(self, n: int, what: str = "text") -> None:
        if n > MAX_TEMPLATE_OUTPUT:
            raise _Refused(f"the template builds {what} of more than the limit of {MAX_TEMPLATE_OUTPUT:,} "
                           "characters", "SPEC098")

    def write(self, text: str) -> None:
        self.step()
        self.written += len(text)
        if self.written > MAX_TEMPLATE_OUTPUT:
            raise _Refused(f"the template writes more than the limit of {MAX_TEMPLATE_OUTPUT:,} characters",
                           "SPEC098")


def _weight(value: Any, budget: _Budget) -> int:
    """The characters `value` holds, lists and mappings counted item by item (a list holding one text
    a thousand times holds it a thousand times); refuses as soon as the count passes the limit, so it
    never walks far."""
    total, stack = 0, [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str | bytes):
            total += len(v)
        elif isinstance(v, bool) or v is None or isinstance(v, float):
            total += 1
        elif isinstance(v, int):
            if v.bit_length() > MAX_INT_DIGITS * 3.33 + 1:
                raise _Refused(f"the template computes a number of more than the limit of {MAX_INT_DIGITS} "
                               "digits", "SPEC096")
            total += 1
        elif isinstance(v, Mapping):
            total += 1
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list | tuple | set | frozenset):
            total += 1
            if len(v) > MAX_TEMPLATE_OUTPUT:
                budget.size(len(v), "a list")
            stack.extend(v)
        else:
            total += 1
        if total > MAX_TEMPLATE_OUTPUT:
            budget.size(total)
    return total


def _format_width(fmt: Any, budget: _Budget) -> None:
    """A format text (`'%9999999d' % x`, `'{:>9999999}'.format(x)`) pads to the numbers it holds: their sum
    is at most the limit."""
    import re

    if isinstance(fmt, str):
        budget.size(sum(int(d) for d in re.findall(r"\d{1,12}", fmt)) + len(fmt))


def _environment(budget: _Budget) -> Any:
    import functools

    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range

    class Environment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/", "-"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            budget.step()
            if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
                if abs(left) > 1 and right * max(abs(left), 2).bit_length() > MAX_INT_DIGITS * 3.33 + 4:
                    raise _Refused(f"the template computes a number of more than the limit of {MAX_INT_DIGITS} "
                                   "digits", "SPEC096")
            if operator == "*":
                if isinstance(left, int) and not isinstance(right, int):
                    left, right = right, left
                if isinstance(right, int) and not isinstance(left, int | float):  # repetition
                    budget.size(_weight(left, budget) * max(right, 0))
            if operator == "+" and not isinstance(left, int | float):
                budget.size(_weight(left, budget) + _weight(right, budget))
            if operator == "%":
                _format_width(left, budget)
                _weight(right, budget)
            out = super().call_binop(context, operator, left, right)
            _weight(out, budget)
            return out

        def wrap_str_format(self, value: Any) -> Any:  # `'{:>9999999}'.format(x)`, checked when looked up
            wrapped = super().wrap_str_format(value)
            if wrapped is not None:
                _format_width(value.__self__, budget)
            return wrapped

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            budget.step()
            owner = getattr(__obj, "__self__", None)
            name = getattr(__obj, "__name__", "")
            if isinstance(owner, str):
                if name == "replace" and len(args) >= 2:
                    _replaced(owner, args[0], args[1], budget)
            if __obj is not safe_range:  # the sandbox refuses a range of over 100,000 items itself
                _arguments(owner if isinstance(owner, str | list | tuple | dict) else None, args, kwargs, budget)
            out = super().call(__context, __obj, *args, **kwargs)
            _weight(out, budget)
            return out

    env = Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals.pop("lipsum", None)  # lorem ipsum of any length: nothing a title needs

    def guarded(name: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            budget.step()
            plain = [a for a in args if not isinstance(a, jinja2.runtime.Context | jinja2.Environment)
                     and type(a).__name__ != "EvalContext"]
            if name == "replace" and len(plain) >= 3:
                _replaced(plain[0], plain[1], plain[2], budget)
            if name == "format" and plain:
                _format_width(plain[0], budget)
            if name in ("indent", "wordwrap") and plain and isinstance(plain[0], str):
                extra = [a for a in (*plain[1:], *kwargs.values()) if isinstance(a, int | str)]
                widest = max((a if isinstance(a, int) else len(a)) for a in extra) if extra else 4
                budget.size((plain[0].count("\n") + 1) * (widest + 1) + len(plain[0]))
            _arguments(None, plain, kwargs, budget)
            out = fn(*args, **kwargs)
            _weight(out, budget)
            return out

        return run

    env.filters = {k: guarded(k, f) for k, f in env.filters.items()}
    join = env.concat

    def concat(pieces: Any) -> str:
        pieces = list(pieces)
        budget.size(sum(len(str(p)) for p in pieces))
        return join(pieces)

    env.concat = concat

    def loop(items: Any) -> Any:
        for item in items:
            budget.step()
            yield item

    def out(value: Any) -> str:
        text = str(value)
        budget.write(text)
        return text

    def tilde(*parts: Any) -> str:
        texts = [str(p) for p in parts]
        budget.step()
        budget.size(sum(len(t) for t in texts))
        return "".join(texts)

    env.globals.update(tlf_loop_guard=loop, tlf_write_guard=out, tlf_concat_guard=tilde)
    return env


def _arguments(owner: Any, args: Any, kwargs: Any, budget: _Budget) -> None:
    """A call's receiver and arguments hold at most the limit; a number passed (a width, a count) is at
    most the limit."""
    values = [*args, *kwargs.values()]
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_TEMPLATE_OUTPUT:
            raise _Refused(f"the template passes {v} (a width or a count) beyond the limit of "
                           f"{MAX_TEMPLATE_OUTPUT:,} characters", "SPEC098")
    _weight([owner, *values], budget)


def _replaced(text: Any, old: Any, new: Any, budget: _Budget) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        hits = text.count(old) if old else len(text) + 1
        budget.size(len(text) + hits * len(new))


def _guard(tree: Any) -> Any:
    """Jinja's parsed template with every `for` loop's sequence, every `~` and every piece written passed
    through the budget's guards."""
    from jinja2 import nodes

    def call(name: str, args: list[Any], lineno: int) -> Any:
        return nodes.Call(nodes.Name(name, "load", lineno=lineno), args, [], None, None, lineno=lineno)

    for node in list(tree.find_all(nodes.For)):
        node.iter = call("tlf_loop_guard", [node.iter], node.lineno)
    for node in list(tree.find_all(nodes.Concat)):
        node.nodes = [call("tlf_concat_guard", list(node.nodes), node.lineno)]
    for node in list(tree.find_all(nodes.Output)):
        node.nodes = [call("tlf_write_guard", [n], n.lineno) for n in node.nodes]
    return tree


def render_text(template: str, context: Mapping[str, Any], *, where: str = "", location: Any = None) -> str:
    """Fill a title/footnote template; plain text without '{{' / '{%' is returned unchanged. `where` is
    the key named in an error, `location` (file, line) where the template is."""
    if "{{" not in template and "{%" not in template:
        return template
    import jinja2
    from jinja2.sandbox import SecurityError

    budget = _Budget()
    env = _environment(budget)
    try:
        if len(template) > MAX_TEMPLATE_OUTPUT:
            raise _Refused(f"the template is longer than the limit of {MAX_TEMPLATE_OUTPUT:,} characters",
                           "SPEC098")
        return env.from_string(_guard(env.parse(template))).render(**context)
    except _Refused as e:
        raise SpecError(e.message, location=location, key=where, code=e.code) from None
    except SecurityError as e:
        raise SpecError(f"template not allowed: {e}", location=location, key=where, code="SPEC050") from None
    except jinja2.UndefinedError as e:
        names = ", ".join(sorted(context))
        raise SpecError(f"template uses an unknown name ({e.message}); available: {names}", location=location,
                        key=where, code="SPEC051") from None
    except jinja2.TemplateError as e:
        raise SpecError(f"bad template: {e}", location=location, key=where, code="SPEC052") from None
    except (OverflowError, ArithmeticError, TypeError, ValueError, RecursionError, MemoryError) as e:
        # what the sandbox refuses at run time (huge ranges) and plain errors in a template's expression
        raise SpecError(f"template not allowed: {e}", location=location, key=where, code="SPEC050") from None
