"""Private variants: the same task, checks and World behind another surface, derived from a
secret key, so that a vendor that memorised the public scenario library gains nothing.

A variant changes only what the vendor sees:

- the user's turns: one of the scenario's `alternatives` (or its `user` text); a turn with no
  authored alternative may have its independent sentences re-ordered (a sentence that refers
  back, by a pronoun or a leading "Also"/"And"/"也"/"それ", a greeting and a thanks stay put);
  then a generic re-phrasing (English: greeting, sign-off, contractions, "can you"/"could you";
  Spanish, Chinese, Japanese: greeting, sign-off, request forms and politeness), each kept only
  when every fact of the turn (ids, amounts, emails, any word with a digit) survives
  (wording.py);
- tool and parameter names, nested parameters too: synonyms from the scenario
  (`tools[i].synonyms`, `tools[i].parameter_synonyms`) and the library's list (synonyms.yaml),
  possibly in camelCase, with the names rewritten in descriptions, tool errors and the system
  prompt; the tools in another order;
- look-alike records added to the World, which no call of the reference solution meets and
  which change no check (lookalikes.py).

Everything the judge reads stays canonical: `VariantWorld` renames at the vendor boundary only.
Calls coming back are mapped to the canonical tool and parameter names before the World runs
them, so the trajectory, the checks (milestones, minefields, outcomes), the reference solution,
the change sets and the report speak the scenario's own names (the evidence adds the shown
ones, from the trial record's `shown_names`). A call that uses a canonical
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
from agentcheck.scenario.effects import OnCollection
from agentcheck.scenario.expr import clone
from agentcheck.scenario.model import SCHEMA_DATA_KEYWORDS, Scenario, property_names
from agentcheck.scenario.tools import enum_values
from agentcheck.scenario.variants.descriptions import description_wordings, phrase_wordings
from agentcheck.scenario.variants.lookalikes import LookAlike, choose
from agentcheck.scenario.variants.order import free_order_tools, promises_order, ranked
from agentcheck.scenario.variants.wording import (
    GREETINGS,
    OTHER_PHRASES,
    REQUESTS,
    SIGN_OFFS,
    facts,
    language,
    reorder_sentences,
    rephrase,
    request_forms,
    sentence_orders,
)
from agentcheck.scenario.world import World

__all__ = [
    "MIN_KEY_CHARS",
    "VARIANT_KEY_ENV",
    "LookAlike",
    "Variant",
    "VariantWorld",
    "camel",
    "derive",
    "distinct_variants",
    "facts",
    "key_fingerprint",
    "language",
    "library_synonyms",
    "param_name_candidates",
    "promises_order",
    "reorder_sentences",
    "rephrase",
    "sentence_orders",
    "tool_name_candidates",
    "variant_key",
    "world_lookalikes",
]

VARIANT_KEY_ENV = "AGENTCHECK_VARIANT_KEY"
MIN_KEY_CHARS = 16

_IDENT_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+")


# --------------------------------------------------------------------------- the key


def key_fingerprint(key: str) -> str:
    """What a run records of its key: enough to tell two keys apart, nothing to recover it."""
    return hashlib.sha256(("agentcheck-variant:" + key).encode()).hexdigest()[:16]


def variant_key(environ: Mapping[str, str] | None = None,
                needed_by: str = "--private-variants") -> str:
    """The key from AGENTCHECK_VARIANT_KEY; a ConfigError (naming the variable, never a value)
    when it is unset or too short to be secret."""
    env = os.environ if environ is None else environ
    key = env.get(VARIANT_KEY_ENV, "").strip()
    if not key:
        raise ConfigError(f"{needed_by} needs a secret key in the environment variable "
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


def camel(name: str) -> str:
    """refund_order -> refundOrder."""
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
    reorder: tuple[int, ...] = ()
    """Per user turn: the seed of its sentence order (used when it has no alternatives)."""
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)
    """Canonical tool -> its parameters schema: where nested parameter names are (a variant
    built without them renames top-level arguments only)."""
    descriptions: dict[str, str] = field(default_factory=dict, repr=False)
    """Canonical tool -> the description shown (canonical names in it; the public one when
    absent): an authored alternative or a generic re-wording (descriptions.py)."""
    layout: int | None = None
    """The seed of the parameters' order and of their descriptions' wording (None: as
    written)."""
    _back: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._back.update({shown: canon for canon, shown in self.tools.items()})

    # -- names
    def shown(self, tool: str) -> str:
        return self.tools.get(tool, tool)

    def canonical(self, shown: str) -> str | None:
        """The canonical tool a shown name stands for, or None (no such tool in the variant)."""
        return self._back.get(shown)

    def _schema_of(self, tool: str) -> dict[str, Any]:
        schema = self.schemas.get(tool)
        if schema is None:  # no schema known: the top level only
            schema = {"properties": {k: {} for k in self.params.get(tool, {})}}
        return schema

    def to_shown(self, tool: str, args: Any) -> tuple[str, Any]:
        """A canonical call as the vendor must send it (for stand-ins that play the reference:
        the demo agent, proofs, tests), nested parameters too."""
        names = self.params.get(tool, {})
        return self.shown(tool), _shown_args(args, self._schema_of(tool), names)

    def to_canonical(self, shown: str, args: Any) -> tuple[str, Any, str | None]:
        """A call as the vendor sent it -> (canonical tool, canonical args, why it is invalid
        or None). An unknown name stays as sent (the World answers unknown tool)."""
        tool = self.canonical(shown)
        if tool is None:
            return shown, args, None
        names = self.params.get(tool, {})
        if not isinstance(args, dict):
            return tool, args, None
        try:
            return tool, _canonical_args(args, self._schema_of(tool), names,
                                         {v: k for k, v in names.items()}), None
        except _Renamed as exc:  # a canonical name this variant renamed
            return tool, args, f"invalid arguments: unknown parameter {exc.args[0]!r}"

    def _unambiguous_params(self) -> dict[str, str]:
        """Parameter names every tool that has them shows the same way (safe to rename in text
        that is about no tool in particular, such as the system prompt)."""
        seen: dict[str, set[str]] = {}
        for names in self.params.values():
            for canon, shown in names.items():
                seen.setdefault(canon, set()).add(shown)
        return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}

    def rename_text(self, text: str, tool: str | None = None) -> str:
        """Canonical tool names and parameter names written as identifiers in `text` (a
        description, a tool error, the system prompt) -> the shown names: `tool`'s own
        parameters first, then those every tool shows alike."""
        names = {k: v for k, v in self._unambiguous_params().items() if "_" in k}
        names.update(self.tools)
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
            description = self.descriptions.get(name, tool.description)
            specs.append({"name": self.shown(name),
                          "description": self.rename_text(description, name),
                          "parameters": self._schema(name, tool.parameters)})
        return specs

    def _layout_rng(self, *parts: str) -> random.Random:
        return random.Random("/".join((str(self.layout), *parts)))

    def _schema(self, tool: str, schema: Any) -> Any:
        """The parameters schema under the shown names, at every depth: the properties of
        nested objects and of array items (in another order under a layout), `required` lists,
        descriptions (re-worded under a layout)."""
        names = self.params.get(tool, {})
        if isinstance(schema, list):
            return [self._schema(tool, v) for v in schema]
        if not isinstance(schema, dict):
            return schema
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                keys = list(value)
                if self.layout is not None:
                    self._layout_rng(tool, *sorted(keys)).shuffle(keys)
                out[key] = {names.get(k, k): self._schema(tool, value[k]) for k in keys}
            elif key == "required" and isinstance(value, list):
                out[key] = [names.get(k, k) if isinstance(k, str) else k for k in value]
            elif key == "description" and isinstance(value, str):
                if self.layout is not None:
                    value = self._layout_rng(tool, value).choice(phrase_wordings(value))
                out[key] = self.rename_text(value, tool)
            elif key in SCHEMA_DATA_KEYWORDS:
                out[key] = value
            else:
                out[key] = self._schema(tool, value)
        return out

    def user_turns(self, scenario: Scenario, world: World) -> list[str]:
        out = []
        for i, turn in enumerate(scenario.task):
            choice = self.turns[i] if i < len(self.turns) else 0
            template = turn.user if choice == 0 else turn.alternatives[choice - 1]
            if not turn.alternatives and i < len(self.reorder):
                template = reorder_sentences(template, self.reorder[i])
            text = str(world.render_initial(template))
            out.append(rephrase(text, *self.phrasing[i], first=i == 0)
                       if i < len(self.phrasing) else text)
        return out

    def system_prompt(self, text: str) -> str:
        """The scenario's system prompt with the tool and parameter names it mentions shown
        as the vendor's tools name them."""
        return self.rename_text(text)

    def describe(self) -> dict[str, Any]:
        """The variant as evidence: shown names per canonical name, the order, the wordings."""
        return {"tools": dict(self.tools), "parameters": {k: dict(v) for k, v in
                                                           self.params.items() if v},
                "order": [self.shown(n) for n in self.order], "turns": list(self.turns)}


class _Renamed(Exception):
    """An argument sent under a canonical name the variant shows otherwise."""


def _shown_args(value: Any, schema: Any, names: dict[str, str]) -> Any:
    """Canonical arguments -> shown, following the schema into nested objects and items."""
    if isinstance(value, dict) and isinstance(schema, dict):
        props = schema.get("properties")
        if not isinstance(props, dict):
            return value
        return {names.get(k, k) if k in props else k: _shown_args(v, props.get(k), names)
                for k, v in value.items()}
    if isinstance(value, list) and isinstance(schema, dict):
        return [_shown_args(v, schema.get("items"), names) for v in value]
    return value


def _canonical_args(value: Any, schema: Any, names: dict[str, str],
                    back: dict[str, str]) -> Any:
    """Shown arguments -> canonical, following the schema; a renamed canonical name sent as it
    is raises _Renamed (the vendor used a name this API does not have)."""
    if isinstance(value, dict) and isinstance(schema, dict):
        props = schema.get("properties")
        if not isinstance(props, dict):
            return value
        out: dict[str, Any] = {}
        for key, v in value.items():
            if key in back and back[key] in props:
                canon = back[key]
            elif key in props and names.get(key, key) != key:
                raise _Renamed(key)
            else:
                canon = key
            out[canon] = _canonical_args(v, props.get(canon), names, back)
        return out
    if isinstance(value, list) and isinstance(schema, dict):
        return [_canonical_args(v, schema.get("items"), names, back) for v in value]
    return value


def _pick_names(rng: random.Random, canonical: list[str], candidates: dict[str, list[str]],
                use_camel: bool, forbidden: set[str], *, always: bool) -> dict[str, str]:
    """A shown name per canonical name: distinct and never another canonical name. With
    `always`, never the name itself either (camelCase, or a suffix, when there is no synonym);
    without, a name with no synonym keeps its canonical form (but for camelCase)."""
    taken = set(forbidden)
    out: dict[str, str] = {}
    for name in sorted(canonical):
        options = [c for c in candidates.get(name, []) if c not in taken]
        choice = rng.choice(options) if options else name
        shown = camel(choice) if use_camel and "_" in choice else choice
        if not always and shown == name:
            taken.add(shown)
            out[name] = shown
            continue
        if shown == name or shown in taken:
            shown = (camel(name) if "_" in name and camel(name) not in taken
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
    use_camel = tools_rng.random() < 0.3
    shown = _pick_names(tools_rng, names, {n: tool_name_candidates(scenario, n) for n in names},
                        use_camel, set(names), always=True)
    params: dict[str, dict[str, str]] = {}
    for name in names:
        tool = scenario.tool(name)
        assert tool is not None
        props = property_names(tool.parameters)
        params[name] = _pick_names(
            _rng(key, "params", name, *names), props,
            {p: param_name_candidates(scenario, name, p) for p in props}, use_camel, set(props),
            always=False)
    order = list(scenario.tools)
    tools_rng.shuffle(order)
    turns_rng = _rng(key, "turns", scenario.id, seed)
    turns = tuple(turns_rng.randrange(1 + len(t.alternatives)) for t in scenario.task)
    phrasing = tuple((turns_rng.randrange(len(GREETINGS)), turns_rng.randrange(len(SIGN_OFFS)),
                      turns_rng.random() < 0.5, turns_rng.randrange(len(REQUESTS)))
                     for _ in scenario.task)
    reorder = tuple(turns_rng.getrandbits(32) for _ in scenario.task)
    descriptions = {}
    for tool in scenario.tools:  # per tool set, like the names: one API for a control group
        wordings = description_wordings(tool.description, tuple(tool.description_alternatives),
                                        frozenset(enum_values(tool.parameters)))
        descriptions[tool.name] = _rng(key, "description", tool.name, *names).choice(wordings)
    layout = _rng(key, "layout", *names).getrandbits(32)
    return Variant(scenario.id, shown, params, tuple(t.name for t in order), turns, phrasing,
                   reorder, {t.name: t.parameters for t in scenario.tools}, descriptions,
                   layout)


def distinct_variants(scenario: Scenario) -> int:
    """How many different surfaces the scenario can show (at most: re-phrasings that would
    change nothing in a turn still count): wordings x phrasings x tool names x orders."""
    count = 1
    for i, turn in enumerate(scenario.task):
        wordings = 1 + len(turn.alternatives) if turn.alternatives else \
            sentence_orders(turn.user)
        lang = language(turn.user)
        if lang == "en":
            phrasings = (len(GREETINGS) if i == 0 else 1) * len(SIGN_OFFS) * 2
        elif lang is not None:
            greetings, sign_offs, _, _ = OTHER_PHRASES[lang]
            phrasings = (len(greetings) if i == 0 else 1) * len(sign_offs) * \
                request_forms(turn.user, lang)
        else:
            phrasings = 1
        count *= wordings * phrasings
    for tool in scenario.tools:
        count *= 2 * max(1, len(tool_name_candidates(scenario, tool.name)))
        for param in property_names(tool.parameters):
            count *= max(1, len(param_name_candidates(scenario, tool.name, param)))
    return count * math.factorial(len(scenario.tools))


# --------------------------------------------------------------------------- the World

_LOOKALIKES: dict[tuple[str, str, int, str], tuple[LookAlike, ...]] = {}
_MAX_CACHED = 4096


def world_lookalikes(scenario: Scenario, seed: int, key: str,
                     initial: dict[str, list[dict[str, Any]]]) -> tuple[LookAlike, ...]:
    """The look-alike records of this (scenario, seed, key): drawn from the key, kept under
    the rules of lookalikes.py. Cached: every vendor of a run faces the same Worlds, and the
    rule plays the reference solution."""
    cache_key = (scenario.id, scenario.content_hash, seed, key_fingerprint(key))
    hit = _LOOKALIKES.get(cache_key)
    if hit is None:
        hit = choose(scenario, seed, initial, _rng(key, "lookalikes", scenario.id, seed))
        if len(_LOOKALIKES) >= _MAX_CACHED:
            _LOOKALIKES.clear()
        _LOOKALIKES[cache_key] = hit
    return hit



class VariantWorld(World):
    """A World whose vendor-facing side (tool declarations, user turns, tool calls and their
    errors) speaks the variant; everything the judge reads stays canonical."""

    def __init__(self, scenario: Scenario, seed: int, key: str,
                 initial: dict[str, list[dict[str, Any]]] | None = None) -> None:
        super().__init__(scenario, seed, initial)
        self.variant = derive(scenario, key, seed)
        self.lookalikes = world_lookalikes(scenario, seed, key, self.initial)
        """Records added to the World (appended to their collections: see lookalikes.py)."""
        self._lookalike_ids = {(la.collection, str(la.record.get("id")))
                               for la in self.lookalikes if "id" in la.record}
        self._place = _rng(key, "place", scenario.id, seed)
        self._order_salt = _rng(key, "order", scenario.id, seed).getrandbits(64)
        self._free_order = free_order_tools(scenario, seed, self.initial, self._order_salt)
        if self.lookalikes:
            self.initial = clone(self.initial)  # a given `initial` is shared: never changed
            for la in self.lookalikes:
                self.initial[la.collection].append(clone(la.record))
                self.data[la.collection].append(clone(la.record))

    def user_turns(self) -> list[str]:
        return self.variant.user_turns(self.scenario, self)

    @property
    def reordered(self) -> frozenset[str]:
        """The canonical tools whose reads this World shows in the key-and-seed order
        (order.py)."""
        return self._free_order

    def shown_names(self) -> dict[str, Any]:
        """What a trial record keeps of the variant (results ShownNames): the tool and
        parameter names that differ from the scenario's, and how many look-alikes."""
        return {"tools": {k: v for k, v in self.variant.tools.items() if k != v},
                "parameters": {t: {k: v for k, v in ps.items() if k != v}
                               for t, ps in self.variant.params.items()
                               if any(k != v for k, v in ps.items())},
                "lookalikes": len(self.lookalikes)}

    def tool_specs(self) -> list[dict[str, Any]]:
        return self.variant.tool_specs(self.scenario)

    def system_prompt(self) -> str:
        return self.variant.system_prompt(super().system_prompt())

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
        elif isinstance(result.result, list):
            result.result = self._placed(tool, result.result)
        return result

    def _placed(self, tool: str, records: list[Any]) -> list[Any]:
        """A read's records in an order of this key and seed, look-alikes among them, so that
        neither a look-alike's place nor the place of the record a rule picks can be
        remembered; the same order on every read. A tool whose order means something
        (order.py) keeps the World's, its look-alikes placed among its records."""
        spec = self.scenario.tool(tool)
        coll = spec.effect.collection if spec is not None and isinstance(
            spec.effect, OnCollection) else None
        if coll is None:
            return records
        if tool in self._free_order:
            return ranked(records, self._order_salt, coll)
        alike = [r for r in records if isinstance(r, dict)
                 and (coll, str(r.get("id"))) in self._lookalike_ids]
        if not alike:
            return records
        out = [r for r in records if not any(r is a for a in alike)]
        for r in alike:
            out.insert(self._place.randrange(len(out) + 1), r)
        return out
