"""Plays a scenario's reference solution from what an agent can see: the user's messages and the
tool results so far. Used by the demo agent and by proofs that a scenario is solvable: if the
reference needs a value, it must be reachable through the conversation, not through the World.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agentcheck.core.calls import CallResult
from agentcheck.scenario.changes import ChangeSet, diff
from agentcheck.scenario.expr import TEMPLATE_RE, render
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.world import World

MAX_RETRIES = 3

OnCall = Callable[[str, dict[str, Any], CallResult], None]
"""What walk_reference tells of each call: the tool's name, the arguments, the outcome."""


@dataclass
class Action:
    kind: str  # "call" or "say"
    name: str = ""
    args: dict[str, Any] | None = None
    text: str = ""


def _is_error(result: Any) -> bool:
    return isinstance(result, dict) and set(result) == {"error"}


def next_action(scenario: Scenario, history: list[dict[str, Any]]) -> Action:
    """history: neutral messages {role: user|assistant|tool, text, tool_calls, content}."""
    ctx: dict[str, Any] = {"user": "", "last": None}
    ptr = 0
    failures = 0
    steps = scenario.reference
    for msg in history:
        role = msg.get("role")
        if role == "user":
            ctx["user"] = (ctx["user"] + "\n" + msg.get("text", "")).strip()
        elif role == "assistant" and not msg.get("tool_calls"):
            if ptr < len(steps) and steps[ptr].say is not None:
                ptr += 1
        elif role == "tool":
            try:
                result = json.loads(msg.get("content") or "null")
            except ValueError:
                result = msg.get("content")
            if _is_error(result) and failures < MAX_RETRIES:
                failures += 1  # a competent agent retries a failed step
                continue
            failures = 0
            if ptr < len(steps):
                if steps[ptr].save:
                    ctx[str(steps[ptr].save)] = result
                ctx["last"] = result
                ptr += 1
    if ptr >= len(steps):
        return Action("say", text="Done.")
    step = steps[ptr]
    if step.call is not None:
        args = render(step.args, ctx)
        return Action("call", name=step.call, args=args if isinstance(args, dict) else {})
    return Action("say", text=str(render(step.say, ctx)))


def task_pattern(scenario: Scenario) -> re.Pattern[str]:
    """A regex that matches the first user turn whatever values the World generated."""
    parts = TEMPLATE_RE.split(scenario.task[0].user)
    # split() alternates literal text and captured expressions
    literal = [re.escape(p) for i, p in enumerate(parts) if i % 2 == 0]
    return re.compile("(?:.+?)".join(literal), re.S)


def identify(scenarios: list[Scenario], tool_names: set[str], first_user: str) -> Scenario | None:
    for sc in scenarios:
        if {t.name for t in sc.tools} == tool_names and task_pattern(sc).fullmatch(
                first_user.strip()):
            return sc
    return None


# --------------------------------------------------------------------------- the reference, played
@dataclass(frozen=True)
class ReferencePlay:
    """What the reference solution does on a trial's World (same scenario, same seed): where
    it changes the World, and every argument it passes (as JSON text). Scoring compares a
    vendor's changes with these (collateral damage) and accepts these values as derivable
    (grounding). Kept small: a run caches one per World it plays."""

    changes: ChangeSet
    arguments: tuple[str, ...]


_PLAYS: dict[tuple[str, str, int], tuple[Scenario, ReferencePlay]] = {}
_MAX_PLAYS = 4096


def play_reference(scenario: Scenario, seed: int,
                   initial: dict[str, list[dict[str, Any]]] | None = None) -> ReferencePlay:
    """Cached per (scenario, seed): every vendor of a run faces the same Worlds, so the
    reference is played once per World, not once per trial. `initial`: that World as it was
    generated (a trial has it), which saves generating it again."""
    key = (scenario.id, scenario.content_hash, seed)
    hit = _PLAYS.get(key)
    if hit is not None and hit[0] is scenario:
        return hit[1]
    world, arguments = walk_reference(scenario, seed, initial)
    play = ReferencePlay(diff(world.initial, world.data),
                         tuple(json.dumps(a, ensure_ascii=False, default=str)
                               for a in arguments))
    if len(_PLAYS) >= _MAX_PLAYS:
        _PLAYS.clear()
    _PLAYS[key] = (scenario, play)
    return play


def empty_arguments(world: World) -> list[str]:
    """Where the reference, played on `world` (a fresh World or a private variant's), passes an
    empty argument built by an expression: the step, the parameter and the expression, so an
    author sees which selector found nothing in what the agent had seen."""
    empties: list[str] = []
    walk_reference(world.scenario, world.seed, None, world, empties)
    return empties


def walk_reference(scenario: Scenario, seed: int,
                   initial: dict[str, list[dict[str, Any]]] | None, world: World | None = None,
                   empties: list[str] | None = None, on_call: OnCall | None = None,
                   max_steps: int | None = None) -> tuple[World, list[Any]]:
    """The steps next_action() would take, walked once instead of re-read from the whole
    conversation at every step (the same rules: failed calls retried up to MAX_RETRIES times,
    `say` steps answered by the scripted user). `empties` collects empty arguments; `on_call`
    sees every call made (canonical tool name, arguments, outcome), failed ones included;
    `max_steps` caps the scenario's step budget."""
    from agentcheck.scenario.user import ScriptedUser

    world = world if world is not None else World(scenario, seed, initial)
    turns = world.user_turns()
    user = ScriptedUser(scenario, turns)
    ctx: dict[str, Any] = {"user": turns[0].strip(), "last": None}
    arguments: list[Any] = []
    budget = scenario.budget.steps if max_steps is None else min(scenario.budget.steps,
                                                                 max_steps)
    ptr = failures = 0
    steps = scenario.reference
    while ptr < len(steps) and budget > 0:
        budget -= 1
        step = steps[ptr]
        if step.call is not None:
            args = render(step.args, ctx)
            args = args if isinstance(args, dict) else {}
            arguments.append(args)
            if empties is not None and failures == 0:
                empties.extend(
                    f"reference[{ptr}] ({step.call}): {name} is empty: {step.args[name]!r} "
                    "found nothing in what the agent had seen"
                    for name, value in args.items() if value in (None, "")
                    and isinstance(step.args.get(name), str) and "{{" in step.args[name])
            variant = getattr(world, "variant", None)  # a private variant's World: its names
            name, sent = variant.to_shown(step.call, args) if variant is not None \
                else (step.call, args)
            outcome = world.call(name, sent)
            if on_call is not None:
                on_call(step.call, args, outcome)
            if not outcome.ok and failures < MAX_RETRIES:
                failures += 1
                continue
            failures = 0
            result = outcome.result if outcome.ok else {"error": outcome.error}
            if step.save:
                ctx[str(step.save)] = result
            ctx["last"] = result
            ptr += 1
            continue
        move = user.answer(str(render(step.say, ctx)))
        ptr += 1
        if move.text is None:
            break
        ctx["user"] = (ctx["user"] + "\n" + move.text).strip()
    return world, arguments
