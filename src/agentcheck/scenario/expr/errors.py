"""The one error of the expression language, whatever went wrong: parsing, evaluating, or a
bound exceeded. Loaders turn it into a file:line error, the World into a tool error."""

from __future__ import annotations


class ExpressionError(ValueError):
    """A template, condition or selector that cannot be parsed or evaluated."""


class LookupMissing(ExpressionError):
    """`lookup('options', args.option_id)` found no record: the World answers the vendor with
    a not_found tool error, as a real backend would for an unknown id."""
