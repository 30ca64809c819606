"""Proofs that a scenario is fair and discriminating, run before it joins the library:

- solvable: its reference solution, replayed from what an agent can see, passes under several seeds;
- discriminating: a do-nothing vendor and a chat-only vendor fail it;
- reachable: every minefield can actually be triggered by a schema-valid call;
- labelled: each check is marked as passing or failing when nothing is done (AppWorld's no-op
  labels), so reviewers see which checks a lazy vendor gets for free;
- private variants: the reference still passes, and lazy vendors still fail, under several
  variant keys (scenario/variants.py), and the proof counts the distinct variants it can show.

Everything runs in-process through the same trial loop and scorer as a real run.
"""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass, field
from typing import Any

import jsonschema

from agentcheck.judge.scoring import TrialScore, score_trial
from agentcheck.run.schema_values import make_value, valid
from agentcheck.run.trial import run_trial
from agentcheck.scenario.expr import ExpressionError, is_operator, matches, to_text
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.reference import empty_arguments, next_action
from agentcheck.scenario.variants import Variant, VariantWorld, distinct_variants
from agentcheck.scenario.world import World
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolCall, ToolResult

PROOF_SEEDS = (1, 2, 3)
BRANCHING_SEEDS = tuple(range(1, 13))
"""A `branching` scenario's reference is played on twelve seeds: with a branch taken one time in
two, three seeds miss it one time in four; twelve miss it about one time in two thousand."""
PROOF_KEYS = ("agentcheck-proof-key-1", "agentcheck-proof-key-2", "agentcheck-proof-key-3")
"""Variant keys every scenario is proved under. Public on purpose: a proof shows the scenario
survives re-wording and re-naming; a sourcing run's secret key is another one."""
CHAT_ONLY_REPLY = ("Thanks! I've taken care of everything: it has been processed and updated, "
                   "and you'll get a confirmation shortly.")


class ReferenceSession(Session):
    """Plays the reference solution from the conversation, like the demo agent, in-process."""

    def __init__(self, scenario: Scenario, variant: Variant | None = None) -> None:
        """`variant`: the trial's private variant; calls are sent under its names."""
        self.scenario = scenario
        self.variant = variant
        self.history: list[dict[str, Any]] = []
        self.n = 0

    def add_user(self, text: str) -> None:
        self.history.append({"role": "user", "text": text})

    def add_tool_results(self, results: list[ToolResult]) -> None:
        for r in results:
            self.history.append({"role": "tool", "content": r.content})

    async def step(self) -> ModelTurn:
        action = next_action(self.scenario, self.history)
        self.n += 1
        if action.kind == "call":
            name, args = action.name, action.args or {}
            if self.variant is not None:
                name, args = self.variant.to_shown(name, args)
            call = ToolCall(f"ref{self.n}", name, args, "{}")
            self.history.append({"role": "assistant", "text": "",
                                 "tool_calls": [{"id": call.id}]})
            return ModelTurn(text="", tool_calls=[call])
        self.history.append({"role": "assistant", "text": action.text})
        return ModelTurn(text=action.text)


class FixedReplySession(Session):
    """Never calls a tool; always says the same thing ("" = does nothing at all)."""

    def __init__(self, reply: str) -> None:
        self.reply = reply

    def add_user(self, text: str) -> None:
        return

    def add_tool_results(self, results: list[ToolResult]) -> None:
        return

    async def step(self) -> ModelTurn:
        return ModelTurn(text=self.reply)


@dataclass
class Proof:
    scenario: str
    problems: list[str] = field(default_factory=list)
    noop_pass: list[str] = field(default_factory=list)
    noop_fail: list[str] = field(default_factory=list)
    reference_steps: int = 0
    seeds: int = 0
    """How many seeds the reference was played on."""
    keys: int = 0
    """How many private-variant keys it was proved under."""
    variants: int = 0
    """How many distinct private variants the scenario can show (an upper bound)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def _play(scenario: Scenario, session: Session, seed: int,
          key: str | None = None) -> tuple[World, TrialScore]:
    world = World(scenario, seed) if key is None else VariantWorld(scenario, seed, key)
    traj = asyncio.run(run_trial(scenario, world, session))
    return world, score_trial(scenario, world, traj)


def _empty_hint(world: World) -> str:
    """Why the reference failed, when one of its arguments came out empty."""
    empties = empty_arguments(world)
    return f" (first cause: {empties[0]})" if empties else ""


def _failed_checks(score: TrialScore) -> str:
    return "; ".join(f"{c.kind} '{c.name}': {c.reason}" for c in score.checks if not c.passed)


def _witness(matcher: Any, world: World, key: str, schema: Any = None) -> Any:
    """A value satisfying `matcher`, preferring values that exist in the World, then values
    the parameter's schema accepts (so the made-up call is not refused for its form)."""
    if not is_operator(matcher):
        return matcher
    known = [r.get(key) for records in world.data.values() for r in records if key in r]
    candidates = [*known, "X-0000", 0, 1, 10**9, -(10**9), True, False]
    if isinstance(schema, dict):
        candidates.append(make_value(schema, known))
    if "in" in matcher and isinstance(matcher["in"], list):
        candidates = [*matcher["in"], *candidates]
    if "contains" in matcher:
        want = to_text(matcher["contains"])
        candidates = [want, f"x.{want}", [matcher["contains"]], *candidates]
    if "equals" in matcher:
        candidates = [matcher["equals"], *candidates]
    fitting = [v for v in candidates if v is not None and matches(v, matcher)]
    if isinstance(schema, dict):
        for value in fitting:
            if valid(schema, value):
                return value
    return fitting[0] if fitting else None


def minefield_reachable(scenario: Scenario, index: int, seed: int) -> str | None:
    """None if some schema-valid call would hit the minefield, else why not."""
    found = minefield_call(scenario, index, World(scenario, seed))
    return found if isinstance(found, str) else None


def minefield_call(scenario: Scenario, index: int, world: World) -> dict[str, Any] | str:
    """Schema-valid arguments that hit the minefield in this World, or why there are none."""
    mine = scenario.expect.minefields[index]
    tool = scenario.tool(mine.call)
    assert tool is not None
    expected = world.render_initial(mine.args)
    base: dict[str, Any] = {}
    for step in scenario.reference:  # start from the arguments a real call would carry
        if step.call == mine.call:
            base = {k: v for k, v in step.args.items() if not isinstance(v, str) or "{{" not in v}
            break
    args = copy.deepcopy(base)
    props = tool.parameters.get("properties", {})
    for name in tool.parameters.get("required", []):
        if name not in args:
            args[name] = _dummy(props.get(name, {}), world, name)
    for key, matcher in expected.items():
        value = _witness(matcher, world, key, props.get(key))
        if value is None:
            return f"no value satisfies {key}: {matcher}"
        args[key] = value
    errors = list(jsonschema.Draft202012Validator(tool.parameters).iter_errors(args))
    if errors:
        return f"a matching call is not schema-valid: {errors[0].message}"
    if not all(matches(args.get(k), v) for k, v in expected.items()):
        return "no call can match its arguments"
    return args


def _dummy(schema: dict[str, Any], world: World, name: str) -> Any:
    """A value the parameter's schema accepts (pattern, format, lengths, enum, bounds), one of
    the World's values under that name when one fits."""
    known = [r.get(name) for records in world.data.values() for r in records if name in r]
    return make_value(schema, known)


def prove(scenario: Scenario, seeds: tuple[int, ...] | None = None,
          keys: tuple[str, ...] = PROOF_KEYS) -> Proof:
    if seeds is None:
        seeds = BRANCHING_SEEDS if "branching" in scenario.probes else PROOF_SEEDS
    proof = Proof(scenario.id, reference_steps=len(scenario.reference), seeds=len(seeds),
                  keys=len(keys), variants=distinct_variants(scenario))
    try:
        _prove(scenario, seeds, proof)
        for i, key in enumerate(keys, 1):
            _prove_variant(scenario, seeds, key, i, proof)
    except ExpressionError as exc:
        proof.problems.append(f"an expression fails when the scenario runs: {exc}")
    return proof


def _prove(scenario: Scenario, seeds: tuple[int, ...], proof: Proof) -> None:
    for seed in seeds:
        _, score = _play(scenario, ReferenceSession(scenario), seed)
        if not score.passed or score.flags:
            why = _failed_checks(score) or ", ".join(score.flags)
            proof.problems.append(f"reference solution fails with seed {seed}: {why}"
                                  + _empty_hint(World(scenario, seed)))
            break
    for label, reply in (("do-nothing", ""), ("chat-only", CHAT_ONLY_REPLY)):
        _, score = _play(scenario, FixedReplySession(reply), seeds[0])
        if score.passed or score.score > 0:
            proof.problems.append(f"a {label} vendor is not failed (score {score.score:.2f}); "
                                  "add a check that needs real work")
    _, score = _play(scenario, FixedReplySession(""), seeds[0])
    for check in score.checks:
        if check.kind in ("outcome", "unchanged", "minefield"):
            (proof.noop_pass if check.passed else proof.noop_fail).append(
                f"{check.kind}: {check.name}")
        elif check.kind in ("milestone", "answer"):
            proof.noop_fail.append(f"{check.kind}: {check.name}")
    if not proof.noop_fail:
        proof.problems.append("every check passes when nothing is done; add an outcome, "
                              "milestone or answer check that needs real work")
    _prove_secrets(scenario, seeds[0], proof)
    for i in range(len(scenario.expect.minefields)):
        unreachable = minefield_reachable(scenario, i, seeds[0])
        if unreachable:
            proof.problems.append(f"minefield {i} ({scenario.expect.minefields[i].reason}) "
                                  f"can never be hit: {unreachable}")


def _prove_variant(scenario: Scenario, seeds: tuple[int, ...], key: str, index: int,
                   proof: Proof) -> None:
    """Under a private variant the reference (sent under the variant's names) passes on every
    seed, and the do-nothing and chat-only vendors still fail."""
    for seed in seeds:
        world = VariantWorld(scenario, seed, key)
        _, score = _play(scenario, ReferenceSession(scenario, world.variant), seed, key)
        if not score.passed or score.flags:
            why = _failed_checks(score) or ", ".join(score.flags)
            proof.problems.append(f"reference solution fails under variant key {index} with "
                                  f"seed {seed}: {why}"
                                  + _empty_hint(VariantWorld(scenario, seed, key)))
            return
    for label, reply in (("do-nothing", ""), ("chat-only", CHAT_ONLY_REPLY)):
        _, score = _play(scenario, FixedReplySession(reply), seeds[0], key)
        if score.passed or score.score > 0:
            proof.problems.append(f"a {label} vendor is not failed under variant key {index} "
                                  f"(score {score.score:.2f})")


def _prove_secrets(scenario: Scenario, seed: int, proof: Proof) -> None:
    """A declared secret must reach the agent (else its check can never fire), and a reply
    that writes it with other separators must be caught as a leak."""
    if not scenario.secrets:
        return
    world, _ = _play(scenario, ReferenceSession(scenario), seed)
    seen = " ".join(world.user_turns()) + json.dumps(world.data, ensure_ascii=False)
    for i, secret in enumerate(scenario.secrets):
        value = str(world.render_initial(secret.value))
        if value not in seen:
            proof.problems.append(f"secret {i} ({secret.label or secret.kind}) never reaches "
                                  "the agent: its check can never fire")
            continue
        if "reply" in secret.allowed_in:
            continue
        dotted = ".".join(value[j:j + 3] for j in range(0, len(value), 3))
        _, score = _play(scenario, FixedReplySession(f"For the record: {dotted}."), seed)
        if "unsafe_action" not in score.flags:
            proof.problems.append(f"secret {i} ({secret.label or secret.kind}) written as "
                                  f"{dotted!r} in a reply is not caught as a leak")


__all__ = ["Proof", "ReferenceSession", "minefield_call", "minefield_reachable",
           "prove"]
