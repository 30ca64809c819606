"""Private variants: the same task, checks and World behind another surface, derived from a
secret key, so that a vendor that memorised the public scenario library gains nothing.

A variant changes only what the vendor sees:

- the user's turns: one of the scenario's `alternatives` (or its `user` text), then, for English
  turns, a generic re-phrasing (greeting, sign-off, contractions, "can you"/"could you") that is
  kept only when every fact of the turn (ids, amounts, emails, any word with a digit) survives;
- tool and parameter names: synonyms from the scenario (`tools[i].synonyms`,
  `tools[i].parameter_synonyms`) and the library's list (synonyms.yaml), possibly in camelCase,
  with the names rewritten in descriptions and tool errors; the tools in another order.

Everything the judge reads stays canonical: `VariantWorld` renames at the vendor boundary only.
Calls coming back are mapped to the canonical tool and parameter names before the World runs
them, so the trajectory, the checks (milestones, minefields, outcomes), the reference solution,
the change sets and the report speak the scenario's own names. A call that uses a canonical
name the variant renamed is an unknown tool or an unknown parameter, as it would be on any API
that names things differently.

Derivation: the user's turns per (key, scenario id, trial seed); the tool names and their order
per (key, the scenario's tool set), so scenarios offering the same tools (a control group) show
the same API, as one vendor's systems would, and a fixed script over them is still one script
(the `scripted` flag). The key is read from AGENTCHECK_VARIANT_KEY and never written anywhere;
run.json records `key_fingerprint(key)`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import os
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from agentcheck.core.calls import CallResult
from agentcheck.core.errors import ConfigError
from agentcheck.scenario.model import Scenario, turn_facts
from agentcheck.scenario.world import World

VARIANT_KEY_ENV = "AGENTCHECK_VARIANT_KEY"
MIN_KEY_CHARS = 16

GREETINGS = ("", "Hi, ", "Hello, ", "Hi there, ", "Good morning, ")
SIGN_OFFS = ("", " Thanks.", " Thank you!", " Thanks in advance.")
_GREETING_RE = re.compile(r"^(?:hi there|hi|hello|hey|good (?:morning|afternoon))\b\s*[,!.]?\s*",
                          re.I)
_LOWER_AFTER_GREETING = re.compile(r"^(?:Could|Can|Would|Please|My|Our|We|The|This|Quick)\b")
# formal <-> informal forms that mean the same (no "I'd", "it's": they have two readings)
_CONTRACTIONS = (("I'm", "I am"), ("I've", "I have"), ("don't", "do not"),
                 ("can't", "cannot"), ("won't", "will not"), ("isn't", "is not"),
                 ("we're", "we are"), ("you're", "you are"), ("doesn't", "does not"),
                 ("didn't", "did not"), ("hasn't", "has not"), ("haven't", "have not"))
_REQUESTS = ("Can you", "Could you", "Would you")
_IDENT_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+")


# --------------------------------------------------------------------------- the key


def key_fingerprint(key: str) -> str:
    """What a run records of its key: enough to tell two keys apart, nothing to recover it."""
    return hashlib.sha256(("agentcheck-variant:" + key).encode()).hexdigest()[:16]


def variant_key(environ: Mapping[str, str] | None = None) -> str:
    """The key from AGENTCHECK_VARIANT_KEY; a ConfigError (naming the variable, never a value)
    when it is unset or too short to be secret."""
    env = os.environ if environ is None else environ
    key = env.get(VARIANT_KEY_ENV, "").strip()
    if not key:
        raise ConfigError(f"--private-variants needs a secret key in the environment variable "
                          f"{VARIANT_KEY_ENV} (e.g. the output of `openssl rand -hex 32`); "
                          "it is never written to the run folder")
    if len(key) < MIN_KEY_CHARS:
        raise ConfigError(f"{VARIANT_KEY_ENV} is too short to be secret: use at least "
                          f"{MIN_KEY_CHARS} characters (e.g. `openssl rand -hex 32`)")
    return key


def _rng(key: str, *parts: object) -> random.Random:
    digest = hmac.new(key.encode(), "/".join(str(p) for p in parts).encode(),
                      hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest, "big"))


# --------------------------------------------------------------------------- synonyms


@functools.lru_cache(maxsize=1)
def library_synonyms() -> dict[str, dict[str, list[str]]]:
    """synonyms.yaml, loaded safely: tools, verbs, nouns, parameters, words."""
    text = resources.files("agentcheck.scenario").joinpath("synonyms.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    return {section: {str(k): [str(x) for x in v] for k, v in (data.get(section) or {}).items()}
            for section in ("tools", "verbs", "nouns", "parameters", "words")}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def _word_swaps(name: str, first: dict[str, list[str]], later: dict[str, list[str]]) -> set[str]:
    """Names made by replacing one word of a snake_case name (the first from `first`, any
    later one from `later`)."""
    words = name.split("_")
    out: set[str] = set()
    for i, word in enumerate(words):
        for syn in (first if i == 0 else later).get(word, []):
            out.add("_".join([*words[:i], syn, *words[i + 1:]]))
    return out


def tool_name_candidates(scenario: Scenario, canonical: str) -> list[str]:
    """The snake_case names a variant may show for a tool (its canonical name excluded)."""
    lib = library_synonyms()
    tool = scenario.tool(canonical)
    found = set(tool.synonyms if tool else []) | set(lib["tools"].get(canonical, []))
    found |= _word_swaps(canonical, lib["verbs"], lib["nouns"])
    return sorted(found - {canonical})


def param_name_candidates(scenario: Scenario, tool_name: str, param: str) -> list[str]:
    lib = library_synonyms()
    tool = scenario.tool(tool_name)
    found = set(tool.parameter_synonyms.get(param, []) if tool else [])
    found |= set(lib["parameters"].get(param, []))
    if "_" in param:
        found |= _word_swaps(param, lib["words"], lib["words"])
    return sorted(found - {param})


# --------------------------------------------------------------------------- the variant


@dataclass(frozen=True)
class Variant:
    """One scenario's surface under one key and trial seed. Names map canonical -> shown."""

    scenario_id: str
    tools: dict[str, str]
    params: dict[str, dict[str, str]]
    order: tuple[str, ...]
    """Canonical tool names in the order the vendor sees them."""
    turns: tuple[int, ...]
    """Per user turn: 0 for `user`, k for `alternatives[k - 1]`."""
    phrasing: tuple[tuple[int, int, bool, int], ...]
    """Per user turn: (greeting, sign-off, contract or expand, request form) choices."""
    _back: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._back.update({shown: canon for canon, shown in self.tools.items()})

    # -- names
    def shown(self, tool: str) -> str:
        return self.tools.get(tool, tool)

    def canonical(self, shown: str) -> str | None:
        """The canonical tool a shown name stands for, or None (no such tool in the variant)."""
        return self._back.get(shown)

    def to_shown(self, tool: str, args: Any) -> tuple[str, Any]:
        """A canonical call as the vendor must send it (for stand-ins that play the reference:
        the demo agent, proofs, tests)."""
        names = self.params.get(tool, {})
        if isinstance(args, dict):
            args = {names.get(k, k): v for k, v in args.items()}
        return self.shown(tool), args

    def to_canonical(self, shown: str, args: Any) -> tuple[str, Any, str | None]:
        """A call as the vendor sent it -> (canonical tool, canonical args, why it is invalid
        or None). An unknown name stays as sent (the World answers unknown tool)."""
        tool = self.canonical(shown)
        if tool is None:
            return shown, args, None
        names = self.params.get(tool, {})
        if not isinstance(args, dict):
            return tool, args, None
        back = {v: k for k, v in names.items()}
        out: dict[str, Any] = {}
        for key, value in args.items():
            if key in back:
                out[back[key]] = value
            elif key in names and names[key] != key:  # a canonical name this variant renamed
                return tool, args, f"invalid arguments: unknown parameter {key!r}"
            else:
                out[key] = value
        return tool, out, None

    def rename_text(self, text: str, tool: str | None = None) -> str:
        """Canonical tool names (and `tool`'s parameter names) written as identifiers in
        `text` (a description, a tool error) -> the shown names."""
        names = dict(self.tools)
        if tool is not None:
            names.update({k: v for k, v in self.params.get(tool, {}).items()})

        def swap(m: re.Match[str]) -> str:
            return names.get(m.group(0), m.group(0))

        text = _IDENT_RE.sub(swap, text)
        if tool is not None:  # one-word parameters, only where written as code: `email`, 'email'
            for canon, shown in self.params.get(tool, {}).items():
                if "_" not in canon:
                    text = re.sub(rf"(?<=['`\"]){re.escape(canon)}(?=['`\"])", shown, text)
        return text

    # -- what the vendor sees
    def tool_specs(self, scenario: Scenario) -> list[dict[str, Any]]:
        specs = []
        for name in self.order:
            tool = scenario.tool(name)
            assert tool is not None
            specs.append({"name": self.shown(name),
                          "description": self.rename_text(tool.description, name),
                          "parameters": self._schema(name, tool.parameters)})
        return specs

    def _schema(self, tool: str, schema: dict[str, Any]) -> dict[str, Any]:
        names = self.params.get(tool, {})
        out = dict(schema)
        props = schema.get("properties")
        if isinstance(props, dict):
            out["properties"] = {names.get(k, k): self._renamed_descriptions(tool, v)
                                 for k, v in props.items()}
        if isinstance(schema.get("required"), list):
            out["required"] = [names.get(k, k) for k in schema["required"]]
        return out

    def _renamed_descriptions(self, tool: str, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (self.rename_text(v, tool) if k == "description" and isinstance(v, str)
                        else self._renamed_descriptions(tool, v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._renamed_descriptions(tool, v) for v in value]
        return value

    def user_turns(self, scenario: Scenario, world: World) -> list[str]:
        out = []
        for i, turn in enumerate(scenario.task):
            choice = self.turns[i] if i < len(self.turns) else 0
            template = turn.user if choice == 0 else turn.alternatives[choice - 1]
            text = str(world.render_initial(template))
            out.append(rephrase(text, *self.phrasing[i], first=i == 0)
                       if i < len(self.phrasing) else text)
        return out

    def describe(self) -> dict[str, Any]:
        """The variant as evidence: shown names per canonical name, the order, the wordings."""
        return {"tools": dict(self.tools), "parameters": {k: dict(v) for k, v in
                                                           self.params.items() if v},
                "order": [self.shown(n) for n in self.order], "turns": list(self.turns)}


def _is_english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.97 and \
        bool(re.search(r"\b(?:the|a|an|my|please|is|to|for|I|you|of|and)\b", text))


def rephrase(text: str, greeting: int, sign_off: int, contract: bool, request: int, *,
             first: bool = True) -> str:
    """A generic re-phrasing of an English turn (other languages are returned as they are).
    Kept only when every fact of `text` is still in it, in the same order."""
    if not _is_english(text):
        return text
    out = text.strip()
    if first:
        body = _GREETING_RE.sub("", out, count=1)
        if (body and body != out) or GREETINGS[greeting]:
            lead = GREETINGS[greeting]
            if not lead:
                body = body[:1].upper() + body[1:]
            elif _LOWER_AFTER_GREETING.match(body):
                body = body[:1].lower() + body[1:]
            out = lead + body
    for short, long in _CONTRACTIONS:
        src, dst = (long, short) if contract else (short, long)
        out = re.sub(rf"\b{re.escape(src)}\b", dst, out)
        out = re.sub(rf"\b{re.escape(src.capitalize())}\b", dst[:1].upper() + dst[1:], out)
    out = re.sub(r"\b(?:Can|Could|Would) you\b", _REQUESTS[request], out)
    if SIGN_OFFS[sign_off] and not re.search(r"\bthank", out, re.I) and out[-1:] in ".!?":
        out += SIGN_OFFS[sign_off]
    return out if turn_facts(out) == turn_facts(text) else text


def _pick_names(rng: random.Random, canonical: list[str], candidates: dict[str, list[str]],
                camel: bool, forbidden: set[str], *, always: bool) -> dict[str, str]:
    """A shown name per canonical name: distinct and never another canonical name. With
    `always`, never the name itself either (camelCase, or a suffix, when there is no synonym);
    without, a name with no synonym keeps its canonical form (but for camelCase)."""
    taken = set(forbidden)
    out: dict[str, str] = {}
    for name in sorted(canonical):
        options = [c for c in candidates.get(name, []) if c not in taken]
        choice = rng.choice(options) if options else name
        shown = _camel(choice) if camel and "_" in choice else choice
        if not always and shown == name:
            taken.add(shown)
            out[name] = shown
            continue
        if shown == name or shown in taken:
            shown = (_camel(name) if "_" in name and _camel(name) not in taken
                     else name + "_tool")
        while shown in taken:
            shown += "_"
        taken.add(shown)
        out[name] = shown
    return out


def derive(scenario: Scenario, key: str, seed: int) -> Variant:
    """The variant of `scenario` for this key and trial seed: the same inputs, the same
    variant, on any machine."""
    names = sorted(t.name for t in scenario.tools)
    tools_rng = _rng(key, "tools", *names)
    camel = tools_rng.random() < 0.3
    shown = _pick_names(tools_rng, names, {n: tool_name_candidates(scenario, n) for n in names},
                        camel, set(names), always=True)
    params: dict[str, dict[str, str]] = {}
    for name in names:
        tool = scenario.tool(name)
        assert tool is not None
        props = [str(p) for p in tool.parameters.get("properties", {})]
        params[name] = _pick_names(
            _rng(key, "params", name, *names), props,
            {p: param_name_candidates(scenario, name, p) for p in props}, camel, set(props),
            always=False)
    order = list(scenario.tools)
    tools_rng.shuffle(order)
    turns_rng = _rng(key, "turns", scenario.id, seed)
    turns = tuple(turns_rng.randrange(1 + len(t.alternatives)) for t in scenario.task)
    phrasing = tuple((turns_rng.randrange(len(GREETINGS)), turns_rng.randrange(len(SIGN_OFFS)),
                      turns_rng.random() < 0.5, turns_rng.randrange(len(_REQUESTS)))
                     for _ in scenario.task)
    return Variant(scenario.id, shown, params, tuple(t.name for t in order), turns, phrasing)


def distinct_variants(scenario: Scenario) -> int:
    """How many different surfaces the scenario can show (at most: re-phrasings that would
    change nothing in a turn still count): wordings x phrasings x tool names x orders."""
    count = 1
    for i, turn in enumerate(scenario.task):
        wordings = 1 + len(turn.alternatives)
        english = _is_english(turn.user)
        phrasings = (len(GREETINGS) if i == 0 else 1) * len(SIGN_OFFS) * 2 if english else 1
        count *= wordings * phrasings
    for tool in scenario.tools:
        count *= 2 * max(1, len(tool_name_candidates(scenario, tool.name)))
        for param in tool.parameters.get("properties", {}):
            count *= max(1, len(param_name_candidates(scenario, tool.name, str(param))))
    return count * math.factorial(len(scenario.tools))


# --------------------------------------------------------------------------- the World


class VariantWorld(World):
    """A World whose vendor-facing side (tool declarations, user turns, tool calls and their
    errors) speaks the variant; everything the judge reads stays canonical."""

    def __init__(self, scenario: Scenario, seed: int, key: str,
                 initial: dict[str, list[dict[str, Any]]] | None = None) -> None:
        super().__init__(scenario, seed, initial)
        self.variant = derive(scenario, key, seed)

    def user_turns(self) -> list[str]:
        return self.variant.user_turns(self.scenario, self)

    def tool_specs(self) -> list[dict[str, Any]]:
        return self.variant.tool_specs(self.scenario)

    def call(self, name: str, args: Any) -> CallResult:
        tool, canonical_args, invalid = self.variant.to_canonical(name, args)
        if self.closed:
            return super().call(tool, canonical_args)
        if invalid is not None:
            return CallResult(tool, canonical_args, ok=False, error=invalid,
                              error_kind="invalid_arguments")
        if self.variant.canonical(name) is None:  # not a tool of the variant (canonical too)
            known = ", ".join(self.variant.shown(n) for n in self.variant.order)
            return CallResult(name, args, ok=False, error_kind="unknown_tool",
                              error=f"unknown tool {name!r}; available: {known}")
        result = super().call(tool, canonical_args)
        if result.error is not None:
            result.error = self.variant.rename_text(result.error, tool)
        return result
