"""What a decision needs from a run's trials, read once from trials.jsonl: per vendor and
scenario the counts, sums and per-trial costs and durations that the gates' intervals and the
bootstrap over scenarios resample, plus the verdict (judge/verdict.py) over the same trials.

Only the vendors and scenarios the plan names are kept, so a plan that narrows a run judges
exactly what it names (the tier and capability included)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from agentcheck.judge.verdict import SummaryTally
from agentcheck.results.cases import CaseOutcome
from agentcheck.results.files import fold_trials
from agentcheck.results.records import TrialRecord
from agentcheck.results.summary import Summary


@dataclass
class ScenarioFacts:
    """One vendor's judged trials of one scenario (harness errors are left out, as the verdict
    leaves them out)."""

    scenario: str
    variant: str
    domain: str | None
    probes: tuple[str, ...]
    human_minutes: float | None
    passed: list[bool] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)
    dims: dict[str, list[float]] = field(default_factory=dict)
    """dimension -> [sum, count] over the trials where it applies (the verdict's rule)."""

    @property
    def trials(self) -> int:
        return len(self.passed)

    # sums read once the trials are all in (the bootstrap reads them a thousand times)

    @cached_property
    def completed(self) -> int:
        return sum(self.passed)

    @cached_property
    def mean_score(self) -> float:
        return sum(self.scores) / len(self.scores)

    @cached_property
    def cost_sum(self) -> float:
        return sum(self.costs)

    @cached_property
    def completed_durations(self) -> list[float]:
        return [d for d, ok in zip(self.durations, self.passed, strict=True) if ok]


@dataclass
class VendorFacts:
    name: str
    priced: bool
    """The profile gives prices: without them every cost is 0 and says nothing."""
    token_priced: bool = True
    """The profile prices tokens (not only a per-trial price): costs need reported usage."""
    scenarios: dict[str, ScenarioFacts] = field(default_factory=dict)
    unreported: int = 0
    """Judged trials that got replies (model calls, no vendor error) but reported no token
    usage, or fewer prompt tokens than the text they were sent (min_prompt_tokens): under
    token prices their cost is not what they did, so the vendor's cost is unknown."""

    @property
    def cost_known(self) -> bool:
        return self.priced and not (self.token_priced and self.unreported)

    def trials(self, ids: Iterable[str] | None = None) -> list[tuple[ScenarioFacts, int]]:
        """(scenario, trial index) of every judged trial, over `ids` (default: all)."""
        chosen = self.scenarios.values() if ids is None else (
            self.scenarios[i] for i in ids if i in self.scenarios)
        return [(s, k) for s in chosen for k in range(s.trials)]


@dataclass
class RunFacts:
    vendors: list[VendorFacts]
    summary: Summary
    cases: list[CaseOutcome] = field(default_factory=list)
    """A case pack's replay in the run folder (cases.jsonl), if any: shadow agreement."""


class _Sink:
    """fold_trials' sink: the facts and the verdict of the trials the plan keeps."""

    def __init__(self, keep_vendors: set[str], keep_scenarios: set[str] | None,
                 domains: dict[str, str], prices: dict[str, tuple[bool, bool]]) -> None:
        self.keep_vendors = keep_vendors
        self.keep_scenarios = keep_scenarios
        self.domains = domains
        self.prices = prices
        self.vendors: dict[str, VendorFacts] = {}
        self.tally = SummaryTally()

    def add(self, r: TrialRecord) -> None:
        if r.vendor not in self.keep_vendors:
            return
        if self.keep_scenarios is not None and r.scenario not in self.keep_scenarios:
            return
        self.tally.add(r)
        v = self.vendors.get(r.vendor)
        if v is None:  # before the harness-error check: a vendor none of whose trials could
            # be judged still has a decision (every gate "cannot tell"), never none at all
            priced, tokens = self.prices.get(r.vendor, (True, True))
            v = self.vendors[r.vendor] = VendorFacts(r.vendor, priced, tokens)
        if r.harness_error:
            return
        if r.model_calls and r.termination not in ("vendor_error", "time_budget") and (
                not _reported_tokens(r.usage, "")
                or _reported_tokens(r.usage, "input") < min_prompt_tokens(r.events)):
            v.unreported += 1
        s = v.scenarios.get(r.scenario)
        if s is None:
            s = v.scenarios[r.scenario] = ScenarioFacts(
                r.scenario, r.variant, self.domains.get(r.scenario), tuple(r.probes),
                None if r.human_minutes is None else float(r.human_minutes))
        s.passed.append(bool(r.passed))
        s.scores.append(float(r.score))
        s.costs.append(float(r.cost_usd))
        s.durations.append(float(r.duration_s))
        for dim, value in r.dimensions.items():
            if value is None and dim == "recovery" and "recovery" in r.probes and not r.passed:
                value = 0.0  # as judge/tally.py: failed before the fault fired is 0
            if value is not None:
                acc = s.dims.setdefault(dim, [0.0, 0])
                acc[0] += value
                acc[1] += 1


def _reported_tokens(usage: dict[str, Any], kind: str) -> float:
    """Tokens the vendor reported: all kinds, or the prompt's ("input": input, cached and
    cache-write tokens, however a provider splits them)."""
    keys = ("input_tokens", "cached_tokens", "cache_write_tokens") if kind else None
    return sum(n for k, n in usage.items() if isinstance(n, (int, float)) and n > 0
               and k.endswith("tokens") and (keys is None or k in keys))


CHARS_PER_TOKEN_AT_MOST = 8
"""Tokenizers read English at about 4 characters a token and Chinese or Japanese at 1-2: a
prompt of N characters is at least N / 8 tokens under any of them."""


def min_prompt_tokens(events: list[dict[str, Any]]) -> int:
    """The fewest prompt tokens a trial's model calls can have been billed for: each call was
    sent at least the text of everything before it (the user's turns, the replies, the tool
    calls and their results as recorded), at most 8 characters a token. A vendor reporting
    fewer (one token a call, say) under-reports its usage, and its cost is unknown."""
    before = total = 0
    for e in events:
        kind = e.get("type")
        if kind == "assistant":
            total += before
            before += len(str(e.get("text") or "")) + len(str(e.get("tool_calls") or ""))
        elif kind in ("user", "tool"):
            before += sum(len(str(e.get(k) or "")) for k in ("text", "args", "result"))
    return total // CHARS_PER_TOKEN_AT_MOST


def read_facts(trials: Path, vendor_order: list[str], keep_scenarios: set[str] | None,
               domains: dict[str, str], prices: dict[str, tuple[bool, bool]]) -> RunFacts:
    """The facts of the named vendors (in this order) over the kept scenarios (None: all);
    `prices`: vendor -> (priced at all, tokens priced), as vendor_prices gives them."""
    sink = fold_trials(trials, lambda: _Sink(set(vendor_order), keep_scenarios, domains,
                                             prices))
    order = [n for n in vendor_order if n in sink.vendors]
    return RunFacts([sink.vendors[n] for n in order], sink.tally.summary(vendor_order))


def scenario_domains(run: dict[str, Any]) -> dict[str, str]:
    """Scenario id -> domain: as the plan's run recorded it, else the scenario file's folder
    (the library keeps each domain in its own folder, scenarios/<domain>/<id>.yaml)."""
    recorded = run.get("plan", {}).get("scenario_domains") if isinstance(
        run.get("plan"), dict) else None
    if isinstance(recorded, dict):
        return {str(k): str(v) for k, v in recorded.items()}
    out: dict[str, str] = {}
    for sc in run.get("scenarios", []):
        if isinstance(sc, dict) and isinstance(sc.get("path"), str) and "id" in sc:
            parts = Path(sc["path"]).parts
            if len(parts) >= 2:
                out[str(sc["id"])] = parts[-2]
    return out


def vendor_prices(run: dict[str, Any]) -> dict[str, tuple[bool, bool]]:
    """Vendor name -> (its recorded profile gives any price, it prices tokens)."""
    out: dict[str, tuple[bool, bool]] = {}
    for v in run.get("vendors", []):
        if not isinstance(v, dict):
            continue
        prices = v.get("prices")
        given = {k: p for k, p in prices.items() if isinstance(p, (int, float)) and p > 0} \
            if isinstance(prices, dict) else {}
        out[str(v.get("name"))] = (bool(given), any(k != "per_trial" for k in given))
    return out
