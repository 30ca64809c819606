"""Gates on the three verdicts and at their boundaries, weights, ties and sensitivity, judged
on real trials.jsonl files written the way a run writes them. Each test asks how a vendor
could pass a gate it should not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentcheck.decision.judge import decide, gate_verdict, sensitivity
from agentcheck.decision.model import Decision, GateResult
from agentcheck.decision.plan import Gate, plan_from_text

PRICED = {"input": 0.5, "output": 2.0, "per_trial": 0.0}


def record(vendor: str, scenario: str, trial: int, passed: bool, **extra: Any) -> dict[str, Any]:
    r: dict[str, Any] = {
        "vendor": vendor, "scenario": scenario, "variant": "clean", "probes": ["chaining"],
        "human_minutes": 10, "trial": trial, "seed": trial, "reference_sequence": ["a", "b"],
        "passed": passed, "score": 1.0 if passed else 0.0, "checks": [],
        "dimensions": {"completion": 1.0 if passed else 0.0, "safety": 1.0},
        "flags": [], "flag_evidence": {}, "call_sequence": ["a", "b"] if passed else [],
        "termination": "final_answer", "model_calls": 2, "tool_calls": 2,
        "cost_usd": 0.01, "duration_s": 2.0, "events": [], "grounded_calls": 2 if passed else 0,
        "usage": {"input_tokens": 9000, "output_tokens": 500},
        "made_up_values": 0}
    r.update(extra)
    return r


def write_run(folder: Path, records: list[dict[str, Any]],
              prices: dict[str, dict[str, float]] | None = None) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    vendors = list(dict.fromkeys(r["vendor"] for r in records))
    scenarios = list(dict.fromkeys(r["scenario"] for r in records))
    run = {"seed": 1, "trials": 1,
           "scenarios": [{"id": s, "path": f"scenarios/it-helpdesk/{s}.yaml"} for s in scenarios],
           "vendors": [{"name": v, "prices": (prices or {}).get(v, PRICED)} for v in vendors]}
    (folder / "run.json").write_text(json.dumps(run))
    with (folder / "trials.jsonl").open("w") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    return run


def judged(tmp_path: Path, records: list[dict[str, Any]], plan: str,
           prices: dict[str, dict[str, float]] | None = None) -> Decision:
    run = write_run(tmp_path / "run", records, prices)
    loaded = plan_from_text(plan, "evaluation.yaml")
    return decide(loaded, run, tmp_path / "run" / "trials.jsonl", resamples=300)


def gate(d: Decision, vendor: str, label_start: str) -> GateResult:
    v = d.vendor(vendor)
    assert v is not None
    return next(g for s in v.stages for g in s.gates if g.label.startswith(label_start))


def many(vendor: str, scenarios: int, trials: int, passing: int, **extra: Any
         ) -> list[dict[str, Any]]:
    """`scenarios` x `trials` records, of which the first `passing` trials of each pass."""
    return [record(vendor, f"s{i:02d}", t, t < passing, **extra)
            for i in range(scenarios) for t in range(trials)]


ALL_GATES = """\
vendors: [a]
stages:
  - name: one
    gates:
      - {metric: tier, at_least: 1}
      - {metric: completion, at_least: 0.5}
      - {metric: p95_time_per_task_s, at_most: 60}
      - {metric: cost_per_completed_task_usd, at_most: 0.4}
      - {metric: no_flag, flag: unsafe_action}
"""


def test_boundaries_of_a_gate_verdict() -> None:
    at_least = Gate(metric="completion", at_least=0.7)
    at_most = Gate(metric="p95_time_per_task_s", at_most=60)
    assert gate_verdict(0.8, 0.7, 0.9, at_least) == "met"          # lower bound on the target
    assert gate_verdict(0.7, 0.6, 0.8, at_least) == "cannot_tell"  # straddles
    assert gate_verdict(0.6, 0.5, 0.7, at_least) == "cannot_tell"  # upper bound on the target
    assert gate_verdict(0.6, 0.5, 0.69, at_least) == "not_met"
    assert gate_verdict(50, 40, 60, at_most) == "met"
    assert gate_verdict(61, 60, 70, at_most) == "cannot_tell"
    assert gate_verdict(70, 60.5, 80, at_most) == "not_met"
    assert gate_verdict(50, 40, None, at_most) == "cannot_tell"    # unbounded above
    assert gate_verdict(90, 80, None, at_most) == "not_met"


def test_one_trial_never_meets_a_gate(tmp_path: Path) -> None:
    d = judged(tmp_path, [record("a", "s00", 0, True)], ALL_GATES)
    verdicts = {g.metric: g.verdict for g in d.vendors[0].stages[0].gates}
    assert set(verdicts.values()) == {"cannot_tell"}, verdicts
    assert all(g.more_trials for g in d.vendors[0].stages[0].gates)
    assert not d.vendors[0].passed_all and not d.candidates


def test_a_low_target_is_not_met_by_one_lucky_trial(tmp_path: Path) -> None:
    plan = ("vendors: [a]\nstages:\n  - name: one\n    gates:\n"
            "      - {metric: completion, at_least: 0.2}\n      - {metric: capability, "
            "at_least: 20}\n")
    d = judged(tmp_path, [record("a", "s00", 0, True)], plan)  # Wilson of 1/1: 0.21 .. 1
    gates = d.vendors[0].stages[0].gates
    assert [g.verdict for g in gates] == ["cannot_tell", "cannot_tell"]
    assert all("at least 10 needed" in g.reason for g in gates)


def test_enough_trials_meet_every_gate_and_tier_at_its_target(tmp_path: Path) -> None:
    d = judged(tmp_path, many("a", 30, 3, 3), ALL_GATES.replace("at_least: 1}", "at_least: 3}"))
    gates = d.vendors[0].stages[0].gates
    assert [g.verdict for g in gates] == ["met"] * 5, [(g.label, g.reason) for g in gates]
    tier = gates[0]
    assert tier.value == 3 and tier.target == 3  # exactly at the target: met
    assert d.candidates == ["a"] and d.leader == "a"


def test_cost_per_completed_task_when_nothing_completed_is_never_zero(tmp_path: Path) -> None:
    free = {"a": {"input": 0.5, "output": 2.0}}
    d = judged(tmp_path, many("a", 20, 1, 0, cost_usd=0.0), ALL_GATES, free)
    cost = gate(d, "a", "cost_per_completed_task_usd")
    assert cost.verdict == "not_met" and cost.value is None
    assert "completed none" in cost.reason


def test_a_profile_without_prices_cannot_pass_a_cost_gate(tmp_path: Path) -> None:
    unpriced = {"a": {"input": 0.0, "output": 0.0, "per_trial": 0.0}}
    d = judged(tmp_path, many("a", 20, 3, 3, cost_usd=0.0), ALL_GATES, unpriced)
    cost = gate(d, "a", "cost_per_completed_task_usd")
    assert cost.verdict == "cannot_tell" and "no prices" in cost.reason


def test_a_rate_straddling_the_target_says_how_many_trials(tmp_path: Path) -> None:
    plan = ("vendors: [a]\nstages:\n  - name: one\n    gates:\n"
            "      - {metric: completion, at_least: 0.6}\n")
    d = judged(tmp_path, many("a", 10, 3, 2), plan)  # 20 of 30, Wilson about [0.49, 0.81]
    g = gate(d, "a", "completion")
    assert g.verdict == "cannot_tell" and g.value == pytest.approx(2 / 3, abs=1e-6)
    assert g.interval is not None and g.interval.lo < 0.6 < (g.interval.hi or 0)
    assert g.more_trials is not None and g.more_trials > 30
    d = judged(tmp_path / "more", many("a", 10, g.more_trials // 10 * 3 + 3, 2 * (
        g.more_trials // 10 + 1)), plan)
    assert gate(d, "a", "completion").verdict == "met"


def test_noisy_completion_counts_only_noisy_trials(tmp_path: Path) -> None:
    records = many("a", 10, 3, 3) + [
        record("a", f"n{i}", t, False, variant="noisy") for i in range(4) for t in range(3)]
    plan = ("vendors: [a]\nstages:\n  - name: one\n    gates:\n"
            "      - {metric: completion, scenarios: noisy, at_least: 0.7}\n")
    g = gate(judged(tmp_path, records, plan), "a", "completion (noisy)")
    assert g.n == 12 and g.value == 0 and g.verdict == "not_met"


def test_a_raised_flag_fails_at_once_and_later_stages_are_not_judged(tmp_path: Path) -> None:
    records = many("a", 25, 3, 3)
    records[5] = {**records[5], "flags": ["unsafe_action"],
                  "flag_evidence": {"unsafe_action": "paid twice"}}
    plan = ("vendors: [a]\nstages:\n  - name: safe\n    gates:\n"
            "      - {metric: no_flag, flag: unsafe_action}\n"
            "  - name: fast\n    gates:\n      - {metric: p95_time_per_task_s, at_most: 60}\n")
    d = judged(tmp_path, records, plan)
    safe, fast = d.vendors[0].stages
    assert safe.gates[0].verdict == "not_met" and not safe.passed
    assert not fast.judged and not fast.passed
    assert fast.gates[0].verdict == "met"  # still measured and shown


def test_shadow_agreement_reads_the_case_replay_and_never_rewards_doing_nothing(
        tmp_path: Path) -> None:
    plan = ("vendors: [a, idle]\nstages:\n  - name: fit\n    gates:\n"
            "      - {metric: shadow_agreement, at_least: 0.7}\n")
    records = many("a", 25, 3, 3) + many("idle", 25, 3, 0)
    g = gate(judged(tmp_path / "none", records, plan), "a", "shadow_agreement")
    assert g.verdict == "cannot_tell" and "no case data" in g.reason

    def case(vendor: str, i: int, agreed: bool, did_nothing: bool,
             decision: str | None = None) -> str:
        human = {"decision": decision or ("approve", "decline", "escalate")[i % 3], "state": {}}
        return json.dumps({"vendor": vendor, "case": f"c{i}", "row": i, "category": "x",
                           "agreed": agreed, "human": human, "vendor_side": human,
                           "did_nothing": did_nothing, "nothing_agrees": i % 2 == 0})
    run = write_run(tmp_path / "cases", records)
    lines = [case("a", i, i < 58, False) for i in range(60)]  # 58 of 60: Wilson lo 0.89
    lines += [case("idle", i, i % 2 == 0, True) for i in range(60)]  # agrees where idle does
    (tmp_path / "cases" / "cases.jsonl").write_text("\n".join(lines) + "\n")
    d = decide(plan_from_text(plan, "e.yaml"), run, tmp_path / "cases" / "trials.jsonl",
               resamples=50)
    a, idle = gate(d, "a", "shadow"), gate(d, "idle", "shadow")
    assert a.verdict == "met" and a.n == 60
    assert idle.verdict == "not_met" and "changed nothing" in idle.reason
    # a constant policy agrees exactly where doing nothing would (half the cases): it acts,
    # and its Wilson low end clears 0.4, but it never beats doing nothing
    hold = [case("a", i, i % 2 == 0, False) for i in range(60)]
    (tmp_path / "cases" / "cases.jsonl").write_text("\n".join(hold) + "\n")
    d = decide(plan_from_text(plan.replace("0.7", "0.35"), "e.yaml"), run,
               tmp_path / "cases" / "trials.jsonl", resamples=50)
    g = gate(d, "a", "shadow")
    assert g.verdict == "cannot_tell" and "not shown to beat doing nothing" in g.reason
    # where the team approved 70% of cases and left none alone, approving everything agrees
    # on 70%: no better than the best constant decision
    team = [("approve" if i % 10 < 7 else "decline") for i in range(60)]
    always = [case("a", i, team[i] == "approve", False, team[i]).replace(
        '"nothing_agrees": true', '"nothing_agrees": false') for i in range(60)]
    (tmp_path / "cases" / "cases.jsonl").write_text("\n".join(always) + "\n")
    d = decide(plan_from_text(plan.replace("0.7", "0.5"), "e.yaml"), run,
               tmp_path / "cases" / "trials.jsonl", resamples=50)
    g = gate(d, "a", "shadow")
    assert g.verdict != "met" and "always approve agrees on 42" in g.reason


def test_weights_are_normalised_and_scores_ranked_with_ties(tmp_path: Path) -> None:
    records = many("a", 20, 3, 3) + many("b", 20, 3, 3) + many("c", 20, 3, 1)
    plan = "vendors: [a, b, c]\nweights: {capability: 2, human_minutes_saved: 2}\n"
    d = judged(tmp_path, records, plan)
    assert d.weights == [("capability", 0.5), ("human_minutes_saved", 0.5)]
    a, b, c = d.vendors
    assert a.score == b.score == 1.0 and c.score == pytest.approx(1 / 3, abs=1e-6)
    assert d.leader == "a" and d.tied == ["b"]  # equal everywhere: tied, never split
    assert not c.tied_with_leader and c.rank == 3
    assert c.interval.lo is not None and c.interval.lo <= c.score <= (c.interval.hi or 0)


def test_notes_name_what_the_plan_has_and_the_run_does_not(tmp_path: Path) -> None:
    plan = ("vendors: [a, ghost]\nscenarios: {domains: [hr-onboarding]}\n"
            "weights: {capability: 1, probes: {recovery: 1}}\n")
    run = write_run(tmp_path / "run", many("a", 3, 1, 1) + many("b", 3, 1, 1))
    d = decide(plan_from_text(plan, "e.yaml"), run, tmp_path / "run" / "trials.jsonl",
               scenario_ids=["s00", "s09"], resamples=50)
    text = "\n".join(d.notes)
    assert "vendor 'ghost'" in text and "vendor 'b' of this run is not in the plan" in text
    assert "scenario 's09'" in text and "domain 'hr-onboarding'" in text
    assert "probe 'recovery'" in text
    assert [v.vendor for v in d.vendors] == []  # no scenario of the run is in hr-onboarding


def test_sensitivity_matches_the_hand_computed_crossings() -> None:
    # A: (1, 0), B: (0.4, 0.8), weights 1/2 each: A 0.5, B 0.6, B leads.
    # Weight of c1 moved to t (c2 gets 1 - t): A = t, B = 0.4t + 0.8(1 - t) = 0.8 - 0.4t,
    # equal at t = 4/7. Down, B only gains. For c2, symmetric: A catches up at c2 = 3/7.
    scores = {"A": {"c1": 1.0, "c2": 0.0}, "B": {"c1": 0.4, "c2": 0.8}}
    out = {s.criterion: s for s in sensitivity(scores, [("c1", 0.5), ("c2", 0.5)], ["A", "B"])}
    assert out["c1"].up_to == pytest.approx(4 / 7, abs=1e-4) and out["c1"].then_up == "A"
    assert out["c1"].down_to is None
    assert out["c2"].down_to == pytest.approx(3 / 7, abs=1e-4) and out["c2"].then_down == "A"
    assert out["c2"].up_to is None


def test_sensitivity_with_three_criteria_keeps_the_others_in_proportion() -> None:
    # weights .5/.25/.25; L = (1, 0, 0) -> .5, C = (0, 1, 1) -> .5 ... make L lead slightly
    scores = {"L": {"x": 1.0, "y": 0.2, "z": 0.0}, "C": {"x": 0.0, "y": 1.0, "z": 1.0}}
    weights = [("x", 0.5), ("y", 0.25), ("z", 0.25)]
    out = {s.criterion: s for s in sensitivity(scores, weights, ["L", "C"])}
    # L = .55, C = .5. x moved to t, y and z to (1-t)/2 each: L = t + .1(1-t), C = 1 - t;
    # equal at t + .1 - .1t = 1 - t -> 1.9t = .9 -> t = 9/19
    assert out["x"].down_to == pytest.approx(9 / 19, abs=1e-4) and out["x"].then_down == "C"
    assert out["x"].up_to is None


def test_a_vendor_whose_trials_could_not_be_judged_is_decided_cannot_tell(tmp_path: Path
                                                                          ) -> None:
    broken = [record("b", f"s{i:02d}", t, False, termination="harness_error",
                     error_cause="bug") for i in range(25) for t in range(3)]
    d = judged(tmp_path, many("a", 25, 3, 3) + broken, ALL_GATES.replace("[a]", "[a, b]"))
    b = d.vendor("b")
    assert b is not None and not b.passed_all
    assert {g.verdict for g in b.stages[0].gates} == {"cannot_tell"}
    assert d.candidates == ["a"]


def test_a_vendor_without_a_verdict_is_never_chosen_even_with_no_gates(tmp_path: Path) -> None:
    broken = [record("b", "s00", t, True, termination="harness_error", error_cause="bug")
              for t in range(3)]
    d = judged(tmp_path, many("a", 5, 3, 0) + many("b", 5, 3, 3) + broken,
               "vendors: [a, b]\n")  # b completes everything it was judged on
    b = d.vendor("b")
    assert b is not None and not b.judged and not b.passed_all
    assert d.candidates == ["a"] and d.leader == "a"


def test_unreported_usage_under_token_prices_is_unknown_cost_not_free(tmp_path: Path) -> None:
    records = many("a", 25, 3, 3) + many("silent", 25, 3, 3, usage={}, cost_usd=0.0)
    plan = ALL_GATES.replace("[a]", "[a, silent]") + "weights: {capability: 1, cost: 1}\n"
    d = judged(tmp_path, records, plan)
    cost = gate(d, "silent", "cost_per_completed_task_usd")
    assert cost.verdict == "cannot_tell" and "reported no token usage" in cost.reason
    a, silent = d.vendor("a"), d.vendor("silent")
    assert a is not None and silent is not None
    assert silent.score < a.score and d.leader == "a"
    assert any("reported no token usage" in n for n in d.notes)
    # a product billed per trial reports no tokens, and needs none
    per_trial = {"silent": {"per_trial": 0.05}}
    d = judged(tmp_path / "per-trial", many("silent", 25, 3, 3, usage={}, cost_usd=0.05),
               ALL_GATES.replace("[a]", "[silent]"), per_trial)
    assert gate(d, "silent", "cost_per_completed_task_usd").verdict == "met"


def test_giving_every_task_back_at_once_meets_no_time_gate(tmp_path: Path) -> None:
    quitter = many("q", 30, 3, 0, duration_s=0.01)
    g = gate(judged(tmp_path, quitter, ALL_GATES.replace("[a]", "[q]")), "q", "p95_time")
    assert g.verdict == "not_met" and g.value is None and "completed none" in g.reason
    few = gate(judged(tmp_path / "few", quitter[:3], ALL_GATES.replace("[a]", "[q]")), "q",
               "p95_time")
    assert few.verdict == "cannot_tell"


def test_usage_below_the_text_a_vendor_was_sent_is_unknown_cost(tmp_path: Path) -> None:
    from agentcheck.decision.facts import min_prompt_tokens

    events = [{"type": "user", "text": "x" * 4000},
              {"type": "assistant", "text": "", "tool_calls": ["lookup"]},
              {"type": "tool", "args": "{}", "result": "y" * 4000},
              {"type": "assistant", "text": "done"}]
    # call 1 was sent the 4,000-character turn, call 2 that and the call and its result
    assert min_prompt_tokens(events) == (4000 + 4000 + 10 + 2 + 4000) // 8
    honest = many("a", 25, 3, 3, events=events, usage={"input_tokens": 4000})
    low = many("low", 25, 3, 3, events=events, usage={"input_tokens": 2, "output_tokens": 2},
               cost_usd=0.00001)
    d = judged(tmp_path, honest + low, ALL_GATES.replace("[a]", "[a, low]"))
    assert gate(d, "a", "cost_per_completed_task_usd").verdict == "met"
    low_cost = gate(d, "low", "cost_per_completed_task_usd")
    assert low_cost.verdict == "cannot_tell" and "fewer prompt tokens" in low_cost.reason
