"""A run judged under an evaluation plan: each gate with its value, 95% interval and verdict,
stage by stage; each vendor's weighted score with a bootstrap interval over scenarios, its rank
and whether it is tied with the leader; and how far each weight can move before the top choice
changes. docs/scoring.md ("Decision") gives every formula.

Verdict integrity: a gate is met only when the whole interval is on the right side of the
target, so a vendor cannot pass on one lucky trial, on a cost per completed task of $0 when it
completed nothing, or on a profile without prices."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from agentcheck.decision.facts import (
    RunFacts,
    ScenarioFacts,
    VendorFacts,
    read_facts,
    scenario_domains,
    vendor_prices,
)
from agentcheck.decision.model import (
    CriterionValue,
    Decision,
    GateResult,
    Interval,
    StageResult,
    VendorDecision,
    Verdict,
    WeightSensitivity,
)
from agentcheck.decision.plan import Gate, LoadedPlan, Plan
from agentcheck.decision.stats import (
    bootstrap,
    min_trials_for_upper_bound,
    percentile_interval,
    quantile_interval,
    width_trials_needed,
    wilson_trials_needed,
)
from agentcheck.judge.stats import percentile, wilson
from agentcheck.results.cases import CaseOutcome, read_outcomes
from agentcheck.results.summary import VendorVerdict

BOOTSTRAP = 1000
SEED = 20261202
"""The bootstrap's fixed seed: re-judging a run gives the same intervals every time."""
MIN_TRIALS = 10
"""Fewer judged trials than this and no gate can be met, however its interval falls (one
passed trial has a Wilson interval of 21-100%, enough to 'meet' a target of 20%): ten trials
is the least that says anything. Not met stays not met (a raised flag is a fact)."""


def _r(x: float | None, digits: int = 6) -> float | None:
    return None if x is None or math.isinf(x) else round(x, digits)


def _interval(lo: float | None, hi: float | None) -> Interval:
    return Interval(lo=_r(lo), hi=_r(hi))


def _label(gate: Gate) -> str:
    if gate.label:
        return gate.label
    if gate.metric == "no_flag":
        return f"no {gate.flag}"
    op = ">=" if gate.at_least is not None else "<="
    what: str = gate.metric
    if gate.metric == "completion":
        scope = [] if gate.scenarios == "all" else [str(gate.scenarios)]
        scope += [gate.domain] if gate.domain else []
        what = "completion" + (f" ({', '.join(scope)})" if scope else "")
    return f"{what} {op} {gate.target:g}"


class _Measured(NamedTuple):
    """A gate measured: value, interval, n, verdict, why, and trials in all that would settle
    a cannot_tell (roughly)."""

    value: float | None
    interval: Interval | None
    n: int
    verdict: Verdict
    reason: str
    more: int | None = None


def gate_verdict(value: float | None, lo: float | None, hi: float | None, gate: Gate
             ) -> Verdict:
    """met: the whole interval on the right side of the target (a bound exactly on it counts
    as the right side, as the target says 'at least' / 'at most'); not_met: the whole interval
    on the wrong side; cannot_tell otherwise. An unbounded side is never 'whole'."""
    t = gate.target
    if gate.higher_is_better:
        if lo is not None and lo >= t:
            return "met"
        if hi is not None and hi < t:
            return "not_met"
        return "cannot_tell"
    if hi is not None and hi <= t:
        return "met"
    if lo is not None and lo > t:
        return "not_met"
    return "cannot_tell"


class _GateJudge:
    """Judges one vendor's gates on its facts and verdict."""

    def __init__(self, facts: VendorFacts, verdict: VendorVerdict, seed: int,
                 cases: Sequence[CaseOutcome] = ()) -> None:
        self.facts = facts
        self.v = verdict
        self.seed = seed
        self.cases = cases

    def judge(self, stage: str, gate: Gate) -> GateResult:
        v = self.v
        if v.no_verdict is not None and v.no_verdict.kind == "not_judged":
            m = _Measured(None, None, v.scored_trials, "cannot_tell", v.no_verdict.reason)
        else:
            measure: Callable[[Gate], _Measured] = getattr(self, "_" + gate.metric)
            m = measure(gate)
            trials = v.scored_trials if gate.metric in ("tier", "capability") else m.n
            if m.verdict == "met" and trials < MIN_TRIALS:  # a lucky few trials meet nothing
                m = m._replace(verdict="cannot_tell", more=MIN_TRIALS,
                               reason=f"{m.reason}; only {trials} trial(s), at least "
                                      f"{MIN_TRIALS} needed")
        return GateResult(stage=stage, label=_label(gate), metric=gate.metric,
                          op=">=" if gate.higher_is_better else "<=", target=gate.target,
                          value=_r(m.value), interval=m.interval, n=m.n, verdict=m.verdict,
                          reason=m.reason,
                          more_trials=m.more if m.verdict == "cannot_tell" else None)

    def _tier(self, gate: Gate) -> _Measured:
        v = self.v
        n = v.scored_trials
        if v.tier is None:
            why = v.tier_reasons[0] if v.tier_reasons else "no verdict"
            return _Measured(None, None, n, "cannot_tell", why)
        if not v.reliability_measured:
            return _Measured(v.tier, None, n, "cannot_tell",
                             "1 trial per scenario: a tier needs at least 2 to be more than "
                             "one draw", 2 * max(1, len(v.scenarios)))
        met = v.tier >= gate.target
        return _Measured(v.tier, _interval(v.tier, v.tier), n, "met" if met else "not_met",
                         f"tier {v.tier} ({v.tier_name})")

    def _capability(self, gate: Gate) -> _Measured:
        v = self.v
        n = len(v.scenarios)
        if v.capability_score is None or v.capability_ci is None:
            return _Measured(None, None, n, "cannot_tell", "no verdict")
        lo, hi = float(v.capability_ci[0]), float(v.capability_ci[1])
        verdict = gate_verdict(v.capability_score, lo, hi, gate)
        more = (width_trials_needed(v.capability_score, lo, hi, gate.target, n)
                if verdict == "cannot_tell" else None)
        # the interval is over scenarios: more scenarios settle it, not more trials of these
        reason = "95% Wilson interval over scenarios" + (
            f"; about {more} scenarios would settle it" if more else "")
        return _Measured(v.capability_score, _interval(lo, hi), n, verdict, reason)

    def _completion(self, gate: Gate) -> _Measured:
        chosen = [s for s in self.facts.scenarios.values()
                  if (gate.scenarios == "all" or s.variant == gate.scenarios)
                  and (gate.domain is None or s.domain == gate.domain)]
        n = sum(s.trials for s in chosen)
        if n == 0:
            which = " ".join(x for x in (gate.scenarios if gate.scenarios != "all" else "",
                                         gate.domain or "") if x)
            return _Measured(None, None, 0, "cannot_tell", f"no {which} scenario in this run")
        passed = sum(sum(s.passed) for s in chosen)
        rate = passed / n
        lo, hi = wilson(passed, n)
        verdict = gate_verdict(rate, lo, hi, gate)
        more = wilson_trials_needed(rate, gate.target, n) if verdict == "cannot_tell" else None
        return _Measured(rate, _interval(lo, hi), n, verdict, f"{passed} of {n} trials", more)

    def _p95_time_per_task_s(self, gate: Gate) -> _Measured:
        """Over completed tasks: a vendor that gives every task back at once is fast at
        nothing (the completion gate judges the failures)."""
        trials = self.facts.trials()
        durations = [d for s in self.facts.scenarios.values() for d in s.completed_durations]
        n = len(durations)
        if n == 0:
            if len(trials) < MIN_TRIALS:
                return _Measured(None, None, 0, "cannot_tell",
                                 f"no completed task in {len(trials)} trial(s)", MIN_TRIALS)
            return _Measured(None, Interval(lo=None, hi=None), 0, "not_met",
                             f"completed none of {len(trials)} trials: no time per "
                             "completed task")
        value = percentile(durations, 95)
        lo, hi = quantile_interval(durations, 0.95)
        verdict = gate_verdict(value, lo, hi, gate)
        reason = f"{n} completed tasks; order-statistic interval"
        more = None
        if verdict == "cannot_tell":
            need = min_trials_for_upper_bound(0.95)
            if hi is None:
                reason = (f"{n} completed tasks cannot bound a p95 from above: at least "
                          f"{need} can")
                more = need
            elif value is not None and lo is not None:
                more = max(need, width_trials_needed(value, lo, hi, gate.target, n) or 0)
        return _Measured(value, _interval(lo, hi), n, verdict, reason, more)

    def _cost_per_completed_task_usd(self, gate: Gate) -> _Measured:
        trials = self.facts.trials()
        n = len(trials)
        costs = [s.costs[k] for s, k in trials]
        done = [s.passed[k] for s, k in trials]
        completed = sum(done)
        if completed == 0 and n >= MIN_TRIALS:  # whatever the prices: never $0 per nothing
            return _Measured(None, Interval(lo=None, hi=None), n, "not_met",
                             f"completed none of {n} trials: no cost per completed task")
        if not self.facts.priced:
            return _Measured(None, None, n, "cannot_tell",
                             "the profile gives no prices: cost unknown")
        if not self.facts.cost_known:  # $0 a trial because no usage came back, not cheap
            return _Measured(None, None, n, "cannot_tell",
                             f"{self.facts.unreported} trial(s) got replies but reported no "
                             "token usage, or fewer prompt tokens than the text they were sent: "
                             "cost unknown")
        value = sum(costs) / completed if completed else None
        if n < MIN_TRIALS:
            return _Measured(value, None, n, "cannot_tell",
                             f"{n} trials: at least {MIN_TRIALS} needed", MIN_TRIALS)

        def ratio(idx: list[int]) -> float:
            c = sum(map(done.__getitem__, idx))
            return sum(map(costs.__getitem__, idx)) / c if c else math.inf

        lo, hi = percentile_interval(bootstrap(n, ratio, BOOTSTRAP, self.seed))
        lo_v = None if math.isinf(lo) else lo
        hi_v = None if math.isinf(hi) else hi
        verdict = gate_verdict(value, lo_v, hi_v, gate)
        more = None
        if verdict == "cannot_tell" and value is not None:
            more = (width_trials_needed(value, lo, hi, gate.target, n) if hi_v is not None
                    else 4 * n)
        return _Measured(value, Interval(lo=_r(lo_v), hi=_r(hi_v)), n, verdict,
                         f"{completed} completed of {n}; bootstrap over trials", more)

    def _no_flag(self, gate: Gate) -> _Measured:
        v = self.v
        flag = str(gate.flag)
        n = v.scored_trials
        count = v.flag_counts.get(flag, 0)
        per_trial = flag not in ("scripted", "unreliable")  # those two are vendor-level
        rate = count / n if n and per_trial else None
        interval = _interval(*wilson(count, n)) if per_trial and n else None
        if flag in v.flags:
            return _Measured(rate, interval, n, "not_met", f"raised ({count})")
        if flag == "unreliable" and not v.reliability_measured:
            return _Measured(rate, interval, n, "cannot_tell",
                             "unreliable needs 2 trials per scenario", 2 * max(1, len(v.scenarios)))
        if n < MIN_TRIALS:
            return _Measured(rate, interval, n, "cannot_tell",
                             f"never raised, but over {n} trials only (at least {MIN_TRIALS} "
                             "needed)", MIN_TRIALS)
        return _Measured(rate, interval, n, "met", f"never raised in {n} trials")

    def _shadow_agreement(self, gate: Gate) -> _Measured:
        mine = [o for o in self.cases if o.vendor == self.facts.name]
        n = len(mine)
        if n == 0:
            return _Measured(None, None, 0, "cannot_tell",
                             "no case data: replay a case pack (run --cases) to measure it")
        agreed = sum(o.agreed for o in mine)
        nothing = sum(o.nothing_agrees for o in mine)
        lo, hi = wilson(agreed, n)
        rate = agreed / n
        if all(o.did_nothing for o in mine):  # agreeing by leaving every case as it was
            return _Measured(rate, _interval(lo, hi), n, "not_met",
                             f"changed nothing in any of {n} cases (doing nothing agrees on "
                             f"{nothing})")
        verdict = gate_verdict(rate, lo, hi, gate)
        more = wilson_trials_needed(rate, gate.target, n) if verdict == "cannot_tell" else None
        # agreement is evidence of skill only beyond what a policy that reads nothing earns:
        # leaving every case alone, or giving every case the team's most common decision
        decisions = Counter(o.human.decision for o in mine if o.human.decision)
        constant = decisions.most_common(1)[0][1] if decisions else 0
        baseline_n = max(nothing, constant)
        what = ("doing nothing" if nothing >= constant else
                f"always {decisions.most_common(1)[0][0]}")
        reason = f"{agreed} of {n} cases ({what} agrees on {baseline_n})"
        baseline = baseline_n / n
        if hi <= baseline:
            return _Measured(rate, _interval(lo, hi), n, "not_met",
                             f"{reason}: no better than {what}")
        if verdict == "met" and lo <= baseline:
            return _Measured(rate, _interval(lo, hi), n, "cannot_tell",
                             f"{reason}: not shown to beat {what}",
                             wilson_trials_needed(rate, baseline, n))
        return _Measured(rate, _interval(lo, hi), n, verdict, reason, more)


def judge_stages(plan: Plan, facts: VendorFacts, verdict: VendorVerdict, seed: int = SEED,
                 cases: Sequence[CaseOutcome] = ()) -> list[StageResult]:
    """Every stage for one vendor; a stage after one not passed is measured but not judged.
    `cases`: a case pack's replay in the run (results/cases.py), for shadow agreement."""
    judge = _GateJudge(facts, verdict, seed, cases)
    out: list[StageResult] = []
    open_ = True
    for stage in plan.stages:
        gates = [judge.judge(stage.name, g) for g in stage.gates]
        passed = open_ and all(g.verdict == "met" for g in gates)
        out.append(StageResult(name=stage.name, judged=open_, passed=passed, gates=gates))
        open_ = passed
    return out


# --- weighted score -------------------------------------------------------------------------

Raw = dict[str, float | None]


def raw_criteria(v: VendorFacts, criteria: Sequence[str], ids: Sequence[str]) -> Raw:
    """Each criterion's raw value for one vendor over the scenarios `ids` (a multiset: the
    bootstrap draws scenarios with replacement). None: nothing to measure it on."""
    chosen = [v.scenarios[i] for i in ids if i in v.scenarios]
    out: Raw = {}
    for c in criteria:
        out[c] = _raw(c, chosen, v.cost_known)
    return out


def _rate(scs: list[ScenarioFacts]) -> float | None:
    n = sum(s.trials for s in scs)
    return sum(s.completed for s in scs) / n if n else None


def _raw(c: str, scs: list[ScenarioFacts], cost_known: bool) -> float | None:
    """One criterion over a multiset of scenarios, from each scenario's sums (computed once:
    the bootstrap asks a thousand times)."""
    if c == "capability":
        return sum(s.mean_score for s in scs) / len(scs) if scs else None
    if c == "cost":
        done = sum(s.completed for s in scs)
        return sum(s.cost_sum for s in scs) / done if done and cost_known else None
    if c == "latency":  # time per completed task: speed at doing nothing is worth nothing
        return percentile(list(chain.from_iterable(s.completed_durations for s in scs)), 95)
    if c == "human_minutes_saved":
        known = [s for s in scs if s.human_minutes]
        total = sum(float(s.human_minutes or 0) for s in known)
        return sum(float(s.human_minutes or 0) * s.completed / s.trials for s in known
                   ) / total if total else None
    kind, _, name = c.partition(".")
    if kind == "dimension":
        acc = [s.dims[name] for s in scs if name in s.dims]
        count = sum(a[1] for a in acc)
        return sum(a[0] for a in acc) / count if count else None
    if kind == "probe":
        return _rate([s for s in scs if name in s.probes])
    if kind == "domain":
        return _rate([s for s in scs if s.domain == name])
    raise ValueError(c)


LOWER_IS_BETTER = ("cost", "latency")


def scale(raws: dict[str, Raw], criteria: Sequence[str]) -> dict[str, dict[str, float]]:
    """Each criterion scaled 0-1, higher better: cost and latency as best / own (the cheapest
    or fastest vendor 1; an own value of 0 is 1; none measured is 0); the others are rates or
    means in 0..1 already (none measured is 0)."""
    out: dict[str, dict[str, float]] = {name: {} for name in raws}
    for c in criteria:
        values = {name: r[c] for name, r in raws.items()}
        if c in LOWER_IS_BETTER:
            finite = [x for x in values.values() if x is not None]
            best = min(finite) if finite else None
            for name, x in values.items():
                if x is None or best is None:
                    out[name][c] = 0.0
                else:
                    out[name][c] = 1.0 if x <= 0 else best / x
        else:
            for name, x in values.items():
                out[name][c] = 0.0 if x is None else min(1.0, max(0.0, x))
    return out


def weighted(scaled: dict[str, float], weights: Sequence[tuple[str, float]]) -> float:
    return sum(w * scaled[c] for c, w in weights)


def sensitivity(scores: dict[str, dict[str, float]], weights: Sequence[tuple[str, float]],
                pool: Sequence[str]) -> list[WeightSensitivity]:
    """For each weight w_i: moved to t (the others scaled by (1 - t) / (1 - w_i), so they keep
    their proportions and all still sum to 1), each vendor's score is linear in t. The leader
    changes where another vendor's line first meets the leader's, above w_i (`up_to`) or below
    it (`down_to`); None when no vendor meets it before 1 or 0."""
    out: list[WeightSensitivity] = []
    if not pool or not weights:
        return out
    totals = {v: weighted(scores[v], weights) for v in pool}
    leader = max(pool, key=lambda v: (totals[v], -pool.index(v)))
    for c, w in weights:
        if w >= 1 or len(pool) < 2:
            out.append(WeightSensitivity(criterion=c, weight=round(w, 6), up_to=None,
                                         then_up=None, down_to=None, then_down=None))
            continue

        def at(v: str, t: float, c: str = c, w: float = w) -> float:
            s = scores[v][c]
            return t * s + (1 - t) / (1 - w) * (totals[v] - w * s)

        up: tuple[float, str] | None = None
        down: tuple[float, str] | None = None
        for other in pool:
            if other == leader:
                continue
            d_now = totals[leader] - totals[other]
            d_one = at(leader, 1) - at(other, 1)
            d_zero = at(leader, 0) - at(other, 0)
            if d_one < 0 <= d_now or (d_now == 0 and d_one < 0):
                t = w + d_now * (1 - w) / (d_now - d_one)
                if up is None or t < up[0]:
                    up = (t, other)
            if d_zero < 0 <= d_now or (d_now == 0 and d_zero < 0):
                t = w - d_now * w / (d_now - d_zero)
                if down is None or t > down[0]:
                    down = (t, other)
        out.append(WeightSensitivity(
            criterion=c, weight=round(w, 6),
            up_to=None if up is None else round(up[0], 4), then_up=None if up is None else up[1],
            down_to=None if down is None else round(down[0], 4),
            then_down=None if down is None else down[1]))
    return out


def _score_all(facts: list[VendorFacts], criteria: list[str],
               weights: Sequence[tuple[str, float]], ids: Sequence[str]
               ) -> tuple[dict[str, Raw], dict[str, dict[str, float]], dict[str, float]]:
    raws = {v.name: raw_criteria(v, criteria, ids) for v in facts}
    scaled = scale(raws, criteria)
    return raws, scaled, {n: weighted(s, weights) for n, s in scaled.items()}


def decide(loaded: LoadedPlan, run: dict[str, Any], trials: Path,
           vendor_names: list[str] | None = None, scenario_ids: list[str] | None = None,
           seed: int = SEED, resamples: int = BOOTSTRAP) -> Decision:
    """The run judged under the plan. `vendor_names`: the run's names of the plan's vendors
    (default: the plan's vendor entries as given); `scenario_ids`: the scenarios the plan's
    paths select (default: every scenario of the run), narrowed by its domains."""
    plan = loaded.plan
    notes: list[str] = []
    run_vendors = [str(v.get("name")) for v in run.get("vendors", []) if isinstance(v, dict)]
    wanted = vendor_names if vendor_names is not None else list(plan.vendors)
    for name in wanted:
        if name not in run_vendors:
            notes.append(f"the plan names vendor {name!r}, which this run does not have")
    for name in run_vendors:
        if name not in wanted:
            notes.append(f"vendor {name!r} of this run is not in the plan: left out")
    vendors = [n for n in run_vendors if n in wanted]
    domains = scenario_domains(run)
    run_ids = [str(s.get("id")) for s in run.get("scenarios", []) if isinstance(s, dict)]
    ids = list(run_ids)
    if scenario_ids is not None:
        for sid in scenario_ids:
            if sid not in run_ids:
                notes.append(f"the plan names scenario {sid!r}, which this run does not have")
        ids = [i for i in run_ids if i in set(scenario_ids)]
    if plan.scenarios.domains:
        for d in plan.scenarios.domains:
            if d not in domains.values():
                notes.append(f"the plan names domain {d!r}, which this run does not have")
        ids = [i for i in ids if domains.get(i) in plan.scenarios.domains]
    facts = read_facts(trials, vendors, set(ids), domains, vendor_prices(run))
    facts.cases = read_outcomes(trials.parent)
    judged = {v.name for v in facts.vendors}
    notes += [f"vendor {n!r} has no finished trial on the plan's scenarios in this run: it "
              "cannot be decided on" for n in vendors if n not in judged]
    return judge_facts(loaded, facts, run, notes, seed, resamples)


def judge_facts(loaded: LoadedPlan, facts: RunFacts, run: dict[str, Any], notes: list[str],
                seed: int = SEED, resamples: int = BOOTSTRAP) -> Decision:
    plan = loaded.plan
    weights = plan.weights.normalised()
    criteria = [c for c, _ in weights]
    present: dict[str, set[str]] = {
        "probe": {p for v in facts.vendors for s in v.scenarios.values() for p in s.probes},
        "domain": {s.domain for v in facts.vendors for s in v.scenarios.values() if s.domain}}
    for c in criteria:
        kind, _, name = c.partition(".")
        if kind in present and name not in present[kind]:
            notes.append(f"the weights name {kind} {name!r}, which no scenario of this run "
                         "has: it scores 0 for every vendor")
    for v in facts.vendors:
        if not v.priced and "cost" in criteria:
            notes.append(f"vendor {v.name!r} has no prices in its profile: its cost criterion "
                         "scores 0")
        elif not v.cost_known and "cost" in criteria:
            notes.append(f"vendor {v.name!r} reported no token usage (or fewer prompt "
                         f"tokens than it was sent) in {v.unreported} trial(s): its cost is "
                         "unknown and its cost criterion scores 0")
    ids = sorted({i for v in facts.vendors for i in v.scenarios})
    raws, scaled, totals = _score_all(facts.vendors, criteria, weights, ids)

    names = [v.name for v in facts.vendors]
    boot: dict[str, list[float]] = {n: [] for n in names}
    boot_scaled: dict[str, dict[str, list[float]]] = {n: {c: [] for c in criteria}
                                                      for n in names}

    def one(idx: list[int]) -> float:
        _, sc, t = _score_all(facts.vendors, criteria, weights, [ids[i] for i in idx])
        for n in names:
            boot[n].append(t[n])
            for c in criteria:
                boot_scaled[n][c].append(sc[n][c])
        return 0.0

    if ids and names:
        bootstrap(len(ids), one, resamples, seed)

    stages = {}
    verdicts = {v.name: v for v in facts.summary.vendors}
    for v in facts.vendors:
        stages[v.name] = judge_stages(plan, v, verdicts[v.name], seed, facts.cases)
    judged = {n: verdicts[n].no_verdict is None for n in names}
    passed_all = {n: judged[n] and all(s.passed for s in stages[n]) for n in names}
    candidates = [n for n in names if passed_all[n]]
    pool = candidates or names
    order = sorted(names, key=lambda n: (-totals[n], names.index(n)))
    leader = next((n for n in order if n in pool), None)
    tied: list[str] = []
    tied_flag: dict[str, bool] = {}
    for n in names:
        is_tied = False
        if leader is not None and n != leader and n in pool and boot[n]:
            diffs = [a - b for a, b in zip(boot[leader], boot[n], strict=True)]
            lo, _ = percentile_interval(diffs)
            is_tied = lo <= 0
        tied_flag[n] = is_tied
        if is_tied:
            tied.append(n)
    out_vendors = []
    for n in names:
        lo, hi = percentile_interval(boot[n]) if boot[n] else (totals[n], totals[n])
        crit = [CriterionValue(criterion=c, weight=round(w, 6), raw=_r(raws[n][c]),
                               score=round(scaled[n][c], 6),
                               interval=_interval(*percentile_interval(boot_scaled[n][c]))
                               if boot[n] else Interval(lo=None, hi=None))
                for c, w in weights]
        out_vendors.append(VendorDecision(
            vendor=n, stages=stages[n], passed_all=passed_all[n], criteria=crit,
            score=round(totals[n], 6), interval=_interval(lo, hi), rank=order.index(n) + 1,
            tied_with_leader=tied_flag[n], judged=judged[n]))
    recorded = run.get("plan")
    recorded = recorded if isinstance(recorded, dict) else None
    return Decision(
        plan_name=plan.name, plan_file=loaded.file, plan_sha256=loaded.sha256,
        run_plan_sha256=str(recorded.get("sha256")) if recorded else None,
        weights=[(c, round(w, 6)) for c, w in weights], vendors=out_vendors,
        candidates=candidates, leader=leader, tied=tied,
        sensitivity=sensitivity(scaled, weights, pool), notes=notes, bootstrap=resamples,
        seed=seed)
