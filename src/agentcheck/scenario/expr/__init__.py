"""The safe expression language of scenario files: never code, only data and queries.

- generators (`id('ORD')`, `email()`, `amount(10, 500)`): seeded values, `generators.py`;
- queries over the World: JMESPath with a step budget, `query.py`, plus the functions
  scenarios add (`email_in(user)` ...), `functions.py`;
- `{{ ... }}` templates that put either into text and data, `templates.py`;
- matchers that compare values (`{not: ...}`, `{gte: 100}`), `matchers.py`;
- the bounds every evaluation lives within, `bounds.py`, and its one error, `errors.py`.

Import from here; the modules are the layout, this is the interface.
"""

from agentcheck.scenario.expr.bounds import value_size
from agentcheck.scenario.expr.equality import loose_equal
from agentcheck.scenario.expr.errors import ExpressionError
from agentcheck.scenario.expr.generators import Generators
from agentcheck.scenario.expr.matchers import OPERATORS, is_operator, matches, truthy
from agentcheck.scenario.expr.query import compile_path, search
from agentcheck.scenario.expr.templates import (
    TEMPLATE_RE,
    check_template,
    clone,
    render,
    render_expression,
    to_text,
)

__all__ = [
    "OPERATORS",
    "TEMPLATE_RE",
    "ExpressionError",
    "Generators",
    "check_template",
    "clone",
    "compile_path",
    "is_operator",
    "loose_equal",
    "matches",
    "render",
    "render_expression",
    "search",
    "to_text",
    "truthy",
    "value_size",
]
