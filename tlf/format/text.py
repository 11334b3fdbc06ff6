"""Titles and footnotes as templates: `{{ study.id }}`, `{{ population }}`, `{{ cutoff }}`.

Rendered in jinja2's immutable sandbox: a template that reaches for attributes, files or code is a
SpecError, never run. Output is plain text (renderers escape for XML/HTML themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tlf.errors import SpecError


def render_text(template: str, context: Mapping[str, Any], *, where: str = "") -> str:
    """Fill a title/footnote template; plain text without '{{' / '{%' is returned unchanged."""
    if "{{" not in template and "{%" not in template:
        return template
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        return env.from_string(template).render(**context)
    except SecurityError as e:
        raise SpecError(f"template not allowed: {e}", key=where, code="SPEC050") from None
    except jinja2.UndefinedError as e:
        names = ", ".join(sorted(context))
        raise SpecError(f"template uses an unknown name ({e.message}); available: {names}", key=where,
                        code="SPEC051") from None
    except jinja2.TemplateError as e:
        raise SpecError(f"bad template: {e}", key=where, code="SPEC052") from None
    except (OverflowError, ArithmeticError, TypeError, ValueError, RecursionError) as e:
        # what the sandbox refuses at run time (huge ranges) and plain errors in a template's expression
        raise SpecError(f"template not allowed: {e}", key=where, code="SPEC050") from None
