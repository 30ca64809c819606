"""Numbers and verdicts in plain words, shared by every report format (no markup here)."""

from __future__ import annotations

from typing import Any

from agentcheck.results.summary import Comparison, Percentiles, ScenarioResult, VendorVerdict

TIER_MEANING = {
    0: "does not call tools when the task needs them",
    1: "calls tools but cannot chain them into multi-step work",
    2: "completes chained, planned multi-step tasks",
    3: "completes multi-step tasks and recovers from faults, messy data and multi-turn work, "
       "safely and reliably",
}
FLAG_MEANING = {
    "hallucinated_actions": "claims actions it did not take",
    "hands_work_back": "hands the work back to the user",
    "scripted": "runs the same script whatever the task",
    "unsafe_action": "took a forbidden or unsafe action",
    "unreliable": "succeeds once but not reliably on repeat",
    "collateral_damage": "changed records the task did not involve",
}
NO_VERDICT = "no verdict"
NO_VERDICT_MEANING = {
    "unavailable": "the vendor mostly failed to answer (unreachable, unknown model, rejected "
                   "key...), so its tasks say nothing about its capability",
    "not_judged": "some of its trials hit an agentcheck error and could not be judged; "
                  "a verdict on the rest could be cherry-picked",
}


def pct(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def pct_ci(ci: list[float | None] | None) -> str:
    if not ci or ci[0] is None or ci[1] is None:
        return "-"
    return f"{100 * ci[0]:.0f}-{100 * ci[1]:.0f}%"


def money(x: float | None) -> str:
    if x is None:
        return "-"
    if x == 0:
        return "$0"
    return f"${x:.4f}" if x < 1 else f"${x:,.2f}"


def secs(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f} s"


def secs_pair(lat: Percentiles) -> str:
    """p50 / p95 of a latency, in seconds."""
    if lat.p50 is None:
        return "-"
    return f"{lat.p50:.2f} / {lat.p95 or 0:.2f} s"


def hours(minutes: float | None) -> str:
    return "-" if minutes is None else f"{minutes / 60:,.0f} h"


def points(drop: float | None) -> str:
    """A difference of two rates, in percentage points, signed."""
    if drop is None:
        return "-"
    value = round(100 * drop)
    return f"{value:+d} pts" if value else "0 pts"


def max_k(pass_hat_k: dict[str, Any]) -> str | None:
    return max(pass_hat_k, key=int) if pass_hat_k else None


def table_ks(vendors: list[VendorVerdict]) -> list[str]:
    """The k of pass^k to show as table columns: all up to 8, else a readable selection."""
    ks = sorted({int(k) for v in vendors for k in v.pass_hat_k})
    if len(ks) > 8:
        ks = [k for k in ks if k in (1, 2, 3, 5, 10, 20, 50, 100) or k == ks[-1]]
    return [str(k) for k in ks]


def scenario_grid(vendors: list[VendorVerdict]
                  ) -> tuple[dict[str, dict[str, ScenarioResult]], dict[str, str]]:
    """The vendor x scenario matrix: per scenario id, each vendor's result for it (by vendor
    name), and per scenario id its variant."""
    cells: dict[str, dict[str, ScenarioResult]] = {}
    variant: dict[str, str] = {}
    for v in vendors:
        for s in v.scenarios:
            cells.setdefault(s.scenario, {})[v.name] = s
            variant[s.scenario] = s.variant
    return cells, variant


def business_cells(v: VendorVerdict, of_baseline: bool = False) -> list[str]:
    """One vendor's row of the business view, after its name: completed without help, cost per
    attempt and per completed task, time per task and per model step, human work saved (with
    of_baseline: "X of Y") and the change from clean to noisy data."""
    n = v.scored_trials
    helped = v.completed_without_help
    saved = hours(v.human_minutes_saved_per_1000_tasks)
    if of_baseline:
        saved += f" of {hours(v.human_minutes_per_1000_tasks)}"
    drop = v.noisy_drop.mean_drop
    return [f"{helped}/{n} ({pct(helped / n if n else None)})",
            money(v.cost_per_trial_usd), money(v.cost_per_completed_task_usd),
            secs_pair(v.latency_s), secs_pair(v.step_latency_s), saved,
            "-" if drop is None else points(-drop)]


def no_verdict(v: VendorVerdict) -> str | None:
    """Why a vendor has no verdict, or None when it has one. A summary without a tier counts as
    no verdict too, so that no report ever shows a tier or a clean bill that is not there."""
    if v.no_verdict is not None:
        return v.no_verdict.reason or v.no_verdict.kind or NO_VERDICT
    return NO_VERDICT if v.tier is None else None


def no_verdict_kind(v: VendorVerdict) -> str:
    """'unavailable' or 'not judged' (or plain 'no verdict'), for badges and CSV cells."""
    kind = v.no_verdict.kind if v.no_verdict is not None else None
    return kind.replace("_", " ") if kind else NO_VERDICT


def verdict_mark(v: VendorVerdict) -> str | None:
    """'no verdict: unavailable' (or 'no verdict: not judged', plain 'no verdict') next to the
    name of a vendor without a verdict wherever a report lists its numbers; None with one."""
    if no_verdict(v) is None:
        return None
    kind = no_verdict_kind(v)
    return NO_VERDICT if kind == NO_VERDICT else f"{NO_VERDICT}: {kind}"


def without_verdict(vendors: list[VendorVerdict]) -> list[str]:
    """The names of the vendors with no verdict, in report order."""
    return [v.name for v in vendors if no_verdict(v) is not None]


def no_verdict_note(vendors: list[VendorVerdict], chart: bool = False) -> str | None:
    """The line under a section that lists per-vendor numbers: which vendors have no verdict,
    that their rows are marked and their numbers are for diagnosis only (and, with chart, that
    the chart leaves them out); None when every vendor has a verdict."""
    names = without_verdict(vendors)
    if not names:
        return None
    one = len(names) == 1
    left_out = f"; the chart leaves {'it' if one else 'them'} out" if chart else ""
    return (f"No verdict for {', '.join(names)} (marked \"{NO_VERDICT}\"): "
            f"{'its' if one else 'their'} numbers are for diagnosis, not a verdict{left_out}.")


def tier_text(v: VendorVerdict) -> str:
    """'3 autonomous agent', or 'no verdict: <reason>'."""
    reason = no_verdict(v)
    if reason is None:
        return f"{v.tier} {v.tier_name}"
    return reason if reason == NO_VERDICT else f"{NO_VERDICT}: {reason}"


def score_text(v: VendorVerdict) -> str:
    """'82 (64-93)', or '-' for a vendor with no verdict."""
    score, ci = v.capability_score, v.capability_ci
    if no_verdict(v) is not None or score is None:
        return "-"
    return f"{score:.0f} ({ci[0]:.0f}-{ci[1]:.0f})" if ci else f"{score:.0f}"


def reliability_cells(v: VendorVerdict, ks: list[str]) -> list[str]:
    """One vendor's row of the reliability table, after its name: pass^k for each k, whether it
    is flagged unreliable ('-' with no verdict: no flag there is no clean bill) and the
    scenarios that flip ('none')."""
    unreliable = ("yes" if "unreliable" in v.flags else
                  "no" if no_verdict(v) is None else "-")
    return [*(pct(v.pass_hat_k.get(k)) for k in ks), unreliable,
            ", ".join(v.flipping_scenarios) or "none"]


def profile_cells(v: VendorVerdict, dimensions: tuple[str, ...]) -> list[str]:
    """One vendor's row of the capability profile, after its name."""
    return [pct(v.dimensions.get(d)) for d in dimensions]


def noisy_rows(vendors: list[VendorVerdict]) -> list[tuple[VendorVerdict, list[str]]]:
    """The clean vs noisy table: per vendor and task family with both variants, (vendor,
    [family, clean rate, noisy rate, change])."""
    return [(v, [f.family, pct(f.clean_rate), pct(f.noisy_rate),
                 points(None if f.drop is None else -f.drop)])
            for v in vendors for f in v.noisy_drop.families]


def significance_notes(vendors: list[VendorVerdict],
                       comparisons: list[Comparison]) -> list[str]:
    """What the significance table cannot show: that there is nothing to compare, and which
    vendors are left out for having no verdict (there is nothing to rank them by)."""
    out = []
    if not comparisons:
        out.append("Only one vendor: nothing to compare." if len(vendors) < 2 else
                   "Fewer than two vendors have a verdict: nothing to compare.")
    names = without_verdict(vendors)
    if names and len(vendors) > 1:
        out.append(f"Left out: {', '.join(names)} (no verdict, so nothing to rank "
                   f"{'it' if len(names) == 1 else 'them'} by).")
    return out


def flag_words(v: VendorVerdict) -> str:
    if not v.flags:
        return "no red flags"
    return "; ".join(f"{FLAG_MEANING.get(f, f)} ({f}, {v.flag_counts.get(f, 0)})"
                     for f in v.flags)


def vendor_sentences(v: VendorVerdict) -> list[str]:
    """The verdict on one vendor in a few sentences a buyer can read aloud."""
    n = v.scored_trials
    reason = no_verdict(v)
    if reason is not None or v.tier is None:  # numbers shown, but they are not a verdict
        out = ["No verdict." if reason in (None, NO_VERDICT) else f"No verdict: {reason}."]
    else:
        out = [f"Tier {v.tier}, {v.tier_name}: {TIER_MEANING[v.tier]}."]
        if v.tier < 3 and v.tier_reasons:
            out.append("Not higher because: " + "; ".join(v.tier_reasons) + ".")
    helped = v.completed_without_help
    done = f"{pct(v.completion_rate)}, 95% CI {pct_ci(v.completion_ci)}"
    if helped == v.completed_tasks:
        out.append(f"Completed {helped} of {n} tasks without human help ({done}).")
    else:
        out.append(f"Completed {v.completed_tasks} of {n} tasks ({done}), {helped} of "
                   "them without human help.")
    k = max_k(v.pass_hat_k)
    if v.reliability_measured and k:
        out.append(f"Chance that {k} attempts at the same task all succeed: "
                   f"{pct(v.pass_hat_k[k])} (one attempt: {pct(v.pass_hat_k['1'])}).")
    cost = v.cost_per_completed_task_usd
    out.append(f"Costs {money(cost)} per completed task" if cost is not None
               else "Completed no task, so it has no cost per completed task")
    out[-1] += f" ({money(v.cost_per_trial_usd)} per attempt)."
    saved = v.human_minutes_saved_per_1000_tasks
    base = v.human_minutes_per_1000_tasks
    if saved is not None and base:
        share = f"about {hours(saved)}" if saved >= 30 else "none"
        out.append(f"Saves {share} of the {hours(base)} of human work per 1,000 such tasks.")
    noisy = v.noisy_drop
    if noisy.mean_drop is not None and any(f.clean_rate or f.noisy_rate
                                           for f in noisy.families):
        out.append(noisy_sentence(noisy.mean_drop))
    if v.flags:
        out.append("Red flags: " + flag_words(v) + ".")
    elif reason is None:  # no flag among trials that could not be judged proves nothing
        out.append("No red flags.")
    return out


def noisy_sentence(drop: float) -> str:
    if abs(drop) < 0.005:
        return "Completes as many tasks on messy data as on clean data."
    if drop > 0:
        return (f"On messy data (typos, missing fields, tool faults) it completes "
                f"{100 * drop:.0f} percentage points fewer tasks than on clean data.")
    return f"On messy data it completes {-100 * drop:.0f} percentage points more tasks."


def significance_summary(comparisons: list[Comparison]) -> list[str]:
    """The significant pairs as sentences, or one sentence saying that none is."""
    found = [comparison_sentence(c) for c in comparisons if c.significant and c.better]
    if found or not comparisons:
        return found
    most = max(c.a_better + c.b_better for c in comparisons)
    hint = (f" Only up to {most} scenario(s) separate any two vendors; at least 6 are "
            "needed before any difference can be significant." if most < 6 else "")
    return ["No vendor is significantly better than another on this run: add scenarios or "
            "trials to separate them." + hint]


def comparison_sentence(c: Comparison) -> str:
    if c.significant and c.better:
        worse = c.b if c.better == c.a else c.a
        return (f"{c.better} completes more tasks than {worse} "
                f"(significant, p = {c.p_adjusted:.3g} after Holm).")
    nonzero = c.a_better + c.b_better
    if nonzero and c.min_reachable_p >= 0.05:
        return (f"{c.a} and {c.b}: not significantly different; only {nonzero} "
                f"scenario(s) separate them, too few for any test to be sure (6 needed).")
    if not nonzero:
        return f"{c.a} and {c.b}: the same pass rate on every scenario."
    return (f"{c.a} and {c.b}: not significantly different "
            f"(p = {c.p_adjusted:.3g} after Holm).")
