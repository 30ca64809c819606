"""A per-trial World: a scenario's state, generated from a seed, and its declarative tools.

The World is the only judge of what happened: tools change it, checks read it. It never trusts
anything a vendor says about it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import jsonschema

from agentcheck.core.calls import CallResult
from agentcheck.core.errors import ToolError
from agentcheck.scenario.expect import Condition, ConditionSpec
from agentcheck.scenario.expr import (
    ExpressionError,
    Generators,
    clone,
    matches,
    render,
    render_expression,
    search,
    truthy,
)
from agentcheck.scenario.expr.dates import CLOCK
from agentcheck.scenario.expr.errors import LookupMissing
from agentcheck.scenario.model import DEFAULT_SYSTEM, Scenario
from agentcheck.scenario.tools import Tool

Check = Callable[[dict[str, Any]], bool]
_VALIDATORS: dict[int, tuple[dict[str, Any], jsonschema.protocols.Validator, Check | None]] = {}


def _validator(parameters: dict[str, Any]
               ) -> tuple[jsonschema.protocols.Validator, Check | None]:
    """One compiled validator per tool schema for the whole process, not one per trial, and
    the schema's quick check when it has one (_quick_check)."""
    cached = _VALIDATORS.get(id(parameters))
    if cached is not None and cached[0] is parameters:
        return cached[1], cached[2]
    if len(_VALIDATORS) >= 4096:
        _VALIDATORS.clear()
    validator = jsonschema.Draft202012Validator(parameters)
    quick = _quick_check(parameters)
    _VALIDATORS[id(parameters)] = (parameters, validator, quick)
    return validator, quick


_ANNOTATIONS = frozenset({"description", "title", "examples", "default", "$comment"})
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) is int or type(v) is float,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "null": lambda v: v is None,
}


def _quick_property(schema: Any) -> Callable[[Any], bool] | None:
    """A property's quick check: one JSON type, with enum (of strings), minimum or minLength."""
    if not isinstance(schema, dict) or not isinstance(schema.get("type"), str):
        return None
    is_type = _TYPES.get(schema["type"])
    if is_type is None or set(schema) - _ANNOTATIONS - {"type", "enum", "minimum",
                                                         "minLength"}:
        return None
    enum, minimum, min_length = schema.get("enum"), schema.get("minimum"), schema.get(
        "minLength")
    if enum is not None and not (isinstance(enum, list) and schema["type"] == "string"):
        return None
    if minimum is not None and not (type(minimum) in (int, float)
                                    and schema["type"] in ("integer", "number")):
        return None
    if min_length is not None and not (type(min_length) is int and schema["type"] == "string"):
        return None
    strings = [e for e in enum if isinstance(e, str)] if enum is not None else None

    def check(value: Any) -> bool:
        return (is_type(value)
                and (strings is None or value in strings)
                and (minimum is None or value >= minimum)
                and (min_length is None or len(value) >= min_length))
    return check


def _quick_check(schema: dict[str, Any]) -> Check | None:
    """For the schemas tools almost always have (an object of typed properties, some required):
    a plain-Python check that says True only where the JSON-Schema validator says valid. False
    means "ask the validator", which also finds the error to report, so results are the
    validator's. None: a schema using anything else, always left to the validator."""
    if set(schema) - _ANNOTATIONS - {"type", "properties", "required", "additionalProperties"}:
        return None
    properties, required = schema.get("properties", {}), schema.get("required", [])
    extra = schema.get("additionalProperties", True)
    if schema.get("type", "object") != "object" or not isinstance(properties, dict) or \
            not isinstance(required, list) or not all(isinstance(r, str) for r in required) or \
            not isinstance(extra, bool):
        return None
    checks = {}
    for name, sub in properties.items():
        check = _quick_property(sub)
        if check is None:
            return None
        checks[name] = check

    def quick(args: dict[str, Any]) -> bool:
        for name, value in args.items():
            check = checks.get(name)
            if check is None:
                if not extra:
                    return False
            elif not check(value):
                return False
        return all(r in args for r in required)
    return quick


def trial_rng(scenario_id: str, seed: int) -> random.Random:
    return random.Random(f"agentcheck/{scenario_id}/{seed}")


def evaluate_condition(cond: Condition, data: dict[str, Any]) -> bool:
    if isinstance(cond, ConditionSpec):
        return matches(search(cond.path, data), cond.is_)
    return truthy(search(cond, data))


class World:
    """State plus tools for one trial. Deterministic from (scenario, seed)."""

    def __init__(self, scenario: Scenario, seed: int,
                 initial: dict[str, list[dict[str, Any]]] | None = None) -> None:
        """`initial`: the data this (scenario, seed) generates, when already known (a copy is
        taken, generation is skipped, and values that effects generate later come from a
        fresh seeded source: still reproducible, though not those of a World built whole)."""
        self.scenario = scenario
        self.seed = seed
        # the clock is its own entry of the data every expression sees (CLOCK), so today()
        # answers in generation, effects, guards, checks and reference plays alike
        self.clock = scenario.clock.draw(scenario.id, seed) if scenario.clock else None
        self.gen = Generators(trial_rng(scenario.id, seed),
                              today=self.clock["today"] if self.clock else None)
        self.data: dict[str, list[dict[str, Any]]] = {}
        if initial is not None:
            self.data = clone(initial)
            self.initial = initial  # read-only, like every World's initial state
        else:
            if self.clock is not None:
                self.data[CLOCK] = [dict(self.clock)]
            for name, records in scenario.world.items():
                self.data[name] = []
                for record in records:
                    self.data[name].append(render(record, self.data, self.gen))
            self.initial = clone(self.data)
        self.calls: dict[str, int] = {}
        self.closed = False

    # ------------------------------------------------------------------ rendering helpers
    def render_initial(self, value: Any) -> Any:
        """Render a template against the World as it was generated (task text, expectations)."""
        return render(value, self.initial)

    def system_prompt(self) -> str:
        """The system prompt a trial sends, with this World's values (`{{ today() }}`)."""
        return str(self.render_initial(self.scenario.system or DEFAULT_SYSTEM))

    def user_turns(self) -> list[str]:
        """The scripted user's turns, with this World's generated values."""
        return [str(self.render_initial(t.user)) for t in self.scenario.task]

    def tool_specs(self) -> list[dict[str, Any]]:
        """Protocol-neutral tool declarations sent to the vendor."""
        return [{"name": t.name, "description": t.description, "parameters": t.parameters}
                for t in self.scenario.tools]

    # ------------------------------------------------------------------ tool execution
    def call(self, name: str, args: Any) -> CallResult:
        """Execute one tool call. Never raises for the vendor's mistakes: they become errors."""
        tool = self.scenario.tool(name)
        if self.closed:
            return CallResult(name, args, ok=False, error="session has ended",
                              error_kind="precondition")
        try:
            if tool is None:
                known = ", ".join(t.name for t in self.scenario.tools)
                raise ToolError("unknown_tool", f"unknown tool {name!r}; available: {known}")
            self._validate_args(tool, args)
            count = self.calls.get(name, 0) + 1
            self.calls[name] = count
            latency = 0
            for fault in tool.faults:
                if count in fault.calls:
                    latency += fault.latency_ms
                    if fault.error is not None:
                        result = CallResult(name, args, ok=False, error=fault.error,
                                            error_kind="fault", latency_ms=latency)
                        return result
            result_value, changed = tool.effect.apply(
                self.data, args, self.gen, lambda ctx: self._guard(tool, ctx))
            return CallResult(name, args, ok=True, result=result_value, changed=changed,
                              latency_ms=latency)
        except ToolError as exc:
            return CallResult(name, args, ok=False, error=str(exc), error_kind=exc.kind)
        except LookupMissing as exc:
            # lookup('options', args.option_id) with an id the World does not hold: what a
            # backend answers for an unknown id
            return CallResult(name, args, ok=False, error=str(exc), error_kind="not_found")
        except ExpressionError as exc:
            # the scenario's own expression failed on these arguments: report it to the vendor
            # as a tool error, like a real backend returning 400
            return CallResult(name, args, ok=False, error=f"tool failed: {exc}",
                              error_kind="precondition")

    def _validate_args(self, tool: Tool, args: Any) -> None:
        if not isinstance(args, dict):
            raise ToolError("invalid_arguments", "arguments must be a JSON object")
        validator, quick = _validator(tool.parameters)
        if quick is not None and quick(args):
            return
        try:
            if validator.is_valid(args):  # the common case; finding the best error is slower
                return
            error = jsonschema.exceptions.best_match(validator.iter_errors(args))
        except RecursionError:
            raise ToolError("invalid_arguments", "invalid arguments: nested too deeply") from None
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "arguments"
            raise ToolError("invalid_arguments", f"invalid arguments: {where}: {error.message}")

    def _guard(self, tool: Tool, ctx: dict[str, Any]) -> None:
        """Refuse the call (ToolError) if any guard's check is false in `ctx`."""
        for guard in tool.guards:
            check = guard.check
            if isinstance(check, str):
                ok = truthy(search(render_expression(check, ctx), ctx))
            else:
                ok = matches(search(render_expression(check.path, ctx), ctx),
                             render(check.is_, ctx))
            if not ok:
                raise ToolError("precondition", str(render(guard.error, ctx)))

    # ------------------------------------------------------------------ reading state
    def check(self, cond: Condition) -> bool:
        """Evaluate an outcome condition on the current state (templates use the initial one)."""
        return self._evaluate(cond, self.data)

    def check_initial(self, cond: Condition) -> bool:
        """Would the condition hold if the vendor had done nothing?"""
        return self._evaluate(cond, self.initial)

    def _evaluate(self, cond: Condition, data: dict[str, Any]) -> bool:
        """evaluate_condition of the condition rendered against the initial World (without
        building a ConditionSpec for the rendered one)."""
        if isinstance(cond, str):
            return truthy(search(render_expression(cond, self.initial), data))
        path = render_expression(cond.path, self.initial)
        expected = render(cond.is_, self.initial)  # rendered before searching, as before
        return matches(search(path, data), expected)
