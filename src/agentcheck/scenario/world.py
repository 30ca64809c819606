"""A per-trial World: a scenario's state, generated from a seed, and its declarative tools.

The World is the only judge of what happened: tools change it, checks read it. It never trusts
anything a vendor says about it.
"""

from __future__ import annotations

import random
from typing import Any

import jsonschema

from agentcheck.core.calls import CallResult
from agentcheck.core.errors import ToolError
from agentcheck.scenario.expr import (
    ExpressionError,
    Generators,
    clone,
    is_operator,
    matches,
    render,
    render_expression,
    search,
    truthy,
)
from agentcheck.scenario.model import Condition, ConditionSpec, Scenario, Tool

_VALIDATORS: dict[int, tuple[dict[str, Any], jsonschema.protocols.Validator]] = {}


def _validator(parameters: dict[str, Any]) -> jsonschema.protocols.Validator:
    """One compiled validator per tool schema for the whole process, not one per trial."""
    cached = _VALIDATORS.get(id(parameters))
    if cached is not None and cached[0] is parameters:
        return cached[1]
    if len(_VALIDATORS) >= 4096:
        _VALIDATORS.clear()
    validator = jsonschema.Draft202012Validator(parameters)
    _VALIDATORS[id(parameters)] = (parameters, validator)
    return validator


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
        self.gen = Generators(trial_rng(scenario.id, seed))
        self.data: dict[str, list[dict[str, Any]]] = {}
        if initial is not None:
            self.data = clone(initial)
            self.initial = initial  # read-only, like every World's initial state
        else:
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
            result_value, changed = self._apply(tool, args)
            return CallResult(name, args, ok=True, result=result_value, changed=changed,
                              latency_ms=latency)
        except ToolError as exc:
            return CallResult(name, args, ok=False, error=str(exc), error_kind=exc.kind)
        except ExpressionError as exc:
            # the scenario's own expression failed on these arguments: report it to the vendor
            # as a tool error, like a real backend returning 400
            return CallResult(name, args, ok=False, error=f"tool failed: {exc}",
                              error_kind="precondition")

    def _validate_args(self, tool: Tool, args: Any) -> None:
        if not isinstance(args, dict):
            raise ToolError("invalid_arguments", "arguments must be a JSON object")
        validator = _validator(tool.parameters)
        try:
            if validator.is_valid(args):  # the common case; finding the best error is slower
                return
            error = jsonschema.exceptions.best_match(validator.iter_errors(args))
        except RecursionError:
            raise ToolError("invalid_arguments", "invalid arguments: nested too deeply") from None
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "arguments"
            raise ToolError("invalid_arguments", f"invalid arguments: {where}: {error.message}")

    def _ctx(self, args: dict[str, Any], record: dict[str, Any] | None = None) -> dict[str, Any]:
        ctx: dict[str, Any] = dict(self.data)
        ctx["args"] = args
        if record is not None:
            ctx["record"] = record
        return ctx

    def _select(self, collection: str, where: dict[str, Any]) -> list[dict[str, Any]]:
        records = self.data.setdefault(collection, [])
        # a criterion built from an argument the vendor left out does not filter
        active = {k: v for k, v in where.items() if v is not None
                  and not (is_operator(v) and all(x is None for x in v.values()))}
        return [r for r in records if all(matches(r.get(k), v) for k, v in active.items())]

    def _project(self, record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
        if fields is None:
            copied: dict[str, Any] = clone(record)
            return copied
        return {k: clone(record.get(k)) for k in fields}

    def _guard(self, tool: Tool, ctx: dict[str, Any]) -> None:
        for guard in tool.guards:
            check = guard.check
            if isinstance(check, str):
                ok = truthy(search(render_expression(check, ctx), ctx))
            else:
                ok = matches(search(render_expression(check.path, ctx), ctx),
                             render(check.is_, ctx))
            if not ok:
                raise ToolError("precondition", str(render(guard.error, ctx)))

    def _apply(self, tool: Tool, args: dict[str, Any]) -> tuple[Any, list[dict[str, Any]]]:
        eff = tool.effect
        op = eff.operation
        ctx = self._ctx(args)
        if op == "return":
            self._guard(tool, ctx)
            return render(eff.return_, ctx, self.gen), []
        coll = eff.collection
        assert coll is not None
        where = render(eff.where, ctx)
        if op == "insert":
            self._guard(tool, ctx)
            record = render(eff.values, ctx, self.gen)
            self.data.setdefault(coll, []).append(record)
            return self._project(record, eff.fields), [
                {"op": "insert", "collection": coll, "after": clone(record)}]
        found = self._select(coll, where)
        if op == "filter":
            self._guard(tool, ctx)
            limit = eff.limit or len(found)
            return [self._project(r, eff.fields) for r in found[:limit]], []
        if not found:
            message = eff.not_found or f"no {coll} record matches the given arguments"
            raise ToolError("not_found", str(render(message, ctx)))
        targets = found if eff.many else found[:1]
        for target in targets:
            self._guard(tool, self._ctx(args, target))
        if op == "find":
            return self._project(targets[0], eff.fields), []
        changes: list[dict[str, Any]] = []
        if op == "update":
            for target in targets:
                before = clone(target)
                target.update(render(eff.set, self._ctx(args, target), self.gen))
                if target != before:
                    changes.append({"op": "update", "collection": coll, "before": before,
                                    "after": clone(target)})
            result: Any = [self._project(t, eff.fields) for t in targets]
            return (result if eff.many else result[0]), changes
        # delete
        for target in targets:
            # by identity: an identical-looking record elsewhere must stay
            self.data[coll] = [r for r in self.data[coll] if r is not target]
            changes.append({"op": "delete", "collection": coll, "before": clone(target)})
        return {"deleted": len(targets)}, changes

    # ------------------------------------------------------------------ reading state
    def check(self, cond: Condition) -> bool:
        """Evaluate an outcome condition on the current state (templates use the initial one)."""
        rendered = self._render_condition(cond)
        return evaluate_condition(rendered, self.data)

    def check_initial(self, cond: Condition) -> bool:
        """Would the condition hold if the vendor had done nothing?"""
        return evaluate_condition(self._render_condition(cond), self.initial)

    def _render_condition(self, cond: Condition) -> Condition:
        if isinstance(cond, str):
            return render_expression(cond, self.initial)
        return ConditionSpec.model_validate({"path": render_expression(cond.path, self.initial),
                                             "is": render(cond.is_, self.initial),
                                             "label": cond.label})
