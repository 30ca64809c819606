"""What changed between two runs: vendor profiles and versions, scenario versions and content
hashes, and per vendor the score, tier, flags and completion, with a paired test over the
scenarios both runs ran unchanged (is the change real or noise?)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tabulate import tabulate

from agentcheck.core.addresses import is_loopback
from agentcheck.core.errors import ConfigError
from agentcheck.judge.stats import ALPHA, holm, paired_comparison
from agentcheck.judge.verdict import scenario_rates
from agentcheck.report.fmt import NO_VERDICT, max_k, money, no_verdict, pct, points
from agentcheck.report.render import load_run
from agentcheck.results.summary import VendorVerdict

PROFILE_FIELDS = ("protocol", "model", "version", "base_url", "api_version", "prices", "params",
                  "stream", "max_tokens", "conversation_state")


def _same_url(a: Any, b: Any) -> bool:
    """Loopback vendors (the demos, local servers) get a new port each run: not a change."""
    ua, ub = urlsplit(str(a or "")), urlsplit(str(b or ""))
    if is_loopback(str(a or "")) and is_loopback(str(b or "")):
        return (ua.scheme, ua.path) == (ub.scheme, ub.path)
    return bool(a == b)


def _profiles(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(p["name"]): p for p in run.get("vendors", [])
            if isinstance(p, dict) and p.get("name")}


def _vendor_changes(run_a: dict[str, Any], run_b: dict[str, Any]) -> list[dict[str, Any]]:
    pa, pb = _profiles(run_a), _profiles(run_b)
    out = []
    for name in [*pa, *(n for n in pb if n not in pa)]:
        if name not in pb:
            out.append({"vendor": name, "change": "removed", "fields": {}})
        elif name not in pa:
            out.append({"vendor": name, "change": "added", "fields": {}})
        else:
            fields = {f: [pa[name].get(f), pb[name].get(f)] for f in PROFILE_FIELDS
                      if pa[name].get(f) != pb[name].get(f)
                      and not (f == "base_url" and _same_url(pa[name].get(f), pb[name].get(f)))}
            if fields:
                out.append({"vendor": name, "change": "changed", "fields": fields})
    return out


def _scenarios(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(s["id"]): s for s in run.get("scenarios", []) if isinstance(s, dict)}


def _scenario_changes(run_a: dict[str, Any], run_b: dict[str, Any]) -> list[dict[str, Any]]:
    sa, sb = _scenarios(run_a), _scenarios(run_b)
    out: list[dict[str, Any]] = []
    for sid in sorted(set(sa) | set(sb)):
        a, b = sa.get(sid), sb.get(sid)
        if a is None or b is None:
            out.append({"scenario": sid, "change": "added" if a is None else "removed"})
        elif a.get("hash") != b.get("hash") or a.get("version") != b.get("version"):
            out.append({"scenario": sid, "change": "changed",
                        "version": [a.get("version"), b.get("version")],
                        "hash": [a.get("hash"), b.get("hash")]})
    return out


def _vendor_delta(a: VendorVerdict, b: VendorVerdict, same: set[str]) -> dict[str, Any]:
    ra = {k: v for k, v in scenario_rates(a).items() if k in same}
    rb = {k: v for k, v in scenario_rates(b).items() if k in same}
    test = paired_comparison(rb, ra)  # "a_better" here means the new run is better
    ka, kb = max_k(a.pass_hat_k), max_k(b.pass_hat_k)
    per_scenario = [{"scenario": sid, "pass_rate": [ra[sid], rb[sid]]}
                    for sid in sorted(set(ra) & set(rb)) if ra[sid] != rb[sid]]
    score_a, score_b = _score(a), _score(b)
    return {
        "vendor": a.name,
        "capability_score": [score_a, score_b],
        "capability_ci": [a.capability_ci if score_a is not None else None,
                          b.capability_ci if score_b is not None else None],
        "score_change": (None if score_a is None or score_b is None
                         else round(score_b - score_a, 1)),
        "tier": [None if no_verdict(a) else a.tier, None if no_verdict(b) else b.tier],
        # why a run gave no verdict (None when it gave one): no tier, no score to compare
        "no_verdict": [no_verdict(a), no_verdict(b)],
        "completion_rate": [a.completion_rate, b.completion_rate],
        "pass_hat_k": [[ka, a.pass_hat_k.get(ka) if ka else None],
                       [kb, b.pass_hat_k.get(kb) if kb else None]],
        "cost_per_completed_task_usd": [a.cost_per_completed_task_usd,
                                        b.cost_per_completed_task_usd],
        "flags_added": [f for f in b.flags if f not in a.flags],
        "flags_removed": [f for f in a.flags if f not in b.flags],
        "paired_scenarios": test["scenarios"],
        "scenarios_better": test["a_better"], "scenarios_worse": test["b_better"],
        "p_value": test["p_value"],
        "rank_sum_new": test["rank_sum_a"], "rank_sum_old": test["rank_sum_b"],
        "changed_scenarios": per_scenario,
    }


def _score(v: VendorVerdict) -> float | None:
    return None if no_verdict(v) is not None else v.capability_score


def _change_verdict(d: dict[str, Any], ahead: float) -> str:
    """In words: better, worse, no change, or why the runs cannot be compared for a vendor."""
    missing = [f"no verdict in {run} ({why})" for run, why in zip("AB", d["no_verdict"],
                                                                   strict=True) if why]
    if missing:
        return "not comparable: " + "; ".join(missing)
    if not d["significant"] or ahead == 0:
        return "no significant change"
    return "significantly better" if ahead > 0 else "significantly worse"


def variants_of(run: dict[str, Any]) -> str | None:
    """The private-variant key fingerprint a run recorded, or None (no private variants)."""
    variants = run.get("variants")
    return str(variants.get("key_fingerprint")) if isinstance(variants, dict) else None


def refuse_mixed_variants(a: dict[str, Any], b: dict[str, Any], what: str,
                          where_a: Path, where_b: Path) -> None:
    """A ConfigError when two runs were not made under the same private variants: the vendors
    saw other task wordings and tool names, so their results are not paired."""
    fa, fb = variants_of(a), variants_of(b)
    if fa == fb:
        return

    def says(fp: str | None) -> str:
        return f"private variants with key fingerprint {fp}" if fp else "no private variants"

    raise ConfigError(f"cannot {what} {where_a} and {where_b}: one ran {says(fa)}, the other "
                      f"{says(fb)}; vendors saw other wordings and tool names, so the runs are "
                      "not comparable trial by trial. Run both with the same "
                      "AGENTCHECK_VARIANT_KEY (or both without --private-variants)")


def compare_runs(dir_a: Path, dir_b: Path) -> dict[str, Any]:
    run_a, sum_a = load_run(dir_a)
    run_b, sum_b = load_run(dir_b)
    refuse_mixed_variants(run_a, run_b, "compare", dir_a, dir_b)
    scen_changes = _scenario_changes(run_a, run_b)
    changed = {c["scenario"] for c in scen_changes}
    same = (set(_scenarios(run_a)) & set(_scenarios(run_b))) - changed
    va = {v.name: v for v in sum_a.vendors}
    vb = {v.name: v for v in sum_b.vendors}
    deltas = [_vendor_delta(va[n], vb[n], same) for n in va if n in vb]
    # a vendor with no verdict in either run is not compared: no test, and no place in the
    # Holm family that would weigh on the vendors that are
    tested = [d for d in deltas if not any(d["no_verdict"])]
    adjusted = dict(zip((d["vendor"] for d in tested), holm([d["p_value"] for d in tested]),
                        strict=True))
    for d in deltas:
        d["p_adjusted"] = adjusted.get(d["vendor"])
        d["significant"] = d["p_adjusted"] is not None and d["p_adjusted"] < ALPHA
        d["verdict"] = _change_verdict(d, d.pop("rank_sum_new") - d.pop("rank_sum_old"))
    return {
        "runs": [{"path": str(p), "started_at": r.get("started_at"),
                  "agentcheck_version": r.get("agentcheck_version"), "seed": r.get("seed"),
                  "trials": r.get("trials"), "complete": r.get("complete")}
                 for p, r in ((dir_a, run_a), (dir_b, run_b))],
        "vendor_changes": _vendor_changes(run_a, run_b),
        "scenario_changes": scen_changes,
        "unchanged_scenarios": len(same),
        "vendors": deltas,
    }


def _arrow(a: Any, b: Any) -> str:
    return str(a) if a == b else f"{a} -> {b}"


def _tier_cell(tier: Any, why: str | None) -> str:
    """'2', or 'no verdict: <reason>'."""
    if why is None:
        return str(tier)
    return why if why == NO_VERDICT else f"{NO_VERDICT}: {why}"


def _passk(k: Any, rate: float | None) -> str:
    """'^3 25%', or '-' for a vendor with no trial that could be judged."""
    return "-" if k is None else f"^{k} {pct(rate)}"


def _score_cell(d: dict[str, Any]) -> str:
    a, b = ("-" if x is None else f"{x:.0f}" for x in d["capability_score"])
    change = d["score_change"]
    return f"{a} -> {b}" + ("" if change is None else f" ({change:+.0f})")


def compare_text(result: dict[str, Any]) -> str:
    ra, rb = result["runs"]
    lines = [f"A: {ra['path']} (started {ra['started_at']}, agentcheck "
             f"{ra['agentcheck_version']}, {ra['trials']} trial(s), seed {ra['seed']})",
             f"B: {rb['path']} (started {rb['started_at']}, agentcheck "
             f"{rb['agentcheck_version']}, {rb['trials']} trial(s), seed {rb['seed']})", ""]
    if ra["seed"] != rb["seed"]:
        lines += ["Note: the runs used different seeds, so the generated worlds differ; "
                  "differences include that noise.", ""]
    lines.append("Vendors:")
    if not result["vendor_changes"]:
        lines.append("  no profile changes")
    for c in result["vendor_changes"]:
        detail = "; ".join(f"{f}: {a!r} -> {b!r}" for f, (a, b) in c["fields"].items())
        lines.append(f"  {c['vendor']}: {c['change']}" + (f" ({detail})" if detail else ""))
    lines += ["", f"Scenarios: {result['unchanged_scenarios']} unchanged"]
    for c in result["scenario_changes"]:
        if c["change"] == "changed":
            lines.append(f"  {c['scenario']}: changed (version {_arrow(*c['version'])}, hash "
                         f"{_arrow(*c['hash'])}); left out of the paired test")
        else:
            lines.append(f"  {c['scenario']}: {c['change']}")
    lines.append("")
    if not result["vendors"]:
        lines.append("No vendor is in both runs.")
        return "\n".join(lines) + "\n"
    rows = []
    for d in result["vendors"]:
        (ka, pa), (kb, pb) = d["pass_hat_k"]
        flags = ", ".join([*(f"+{f}" for f in d["flags_added"]),
                           *(f"-{f}" for f in d["flags_removed"])]) or "same"
        rows.append([
            d["vendor"],
            _score_cell(d),
            _arrow(*(_tier_cell(tier, why)
                     for tier, why in zip(d["tier"], d["no_verdict"], strict=True))),
            f"{pct(d['completion_rate'][0])} -> {pct(d['completion_rate'][1])}",
            f"{_passk(ka, pa)} -> {_passk(kb, pb)}",
            f"{money(d['cost_per_completed_task_usd'][0])} -> "
            f"{money(d['cost_per_completed_task_usd'][1])}",
            flags,
            # not comparable: no test was made, so no count and no p to show
            "-" if d["p_adjusted"] is None else
            f"+{d['scenarios_better']}/-{d['scenarios_worse']} of {d['paired_scenarios']}",
            "-" if d["p_adjusted"] is None else f"{d['p_adjusted']:.3g}",
            d["verdict"],
        ])
    lines.append(tabulate(rows, headers=["vendor", "score", "tier", "completed", "pass^k",
                                         "cost/task", "flags", "scenarios +/-", "p (Holm)",
                                         "verdict"], disable_numparse=True))
    for d in result["vendors"]:
        if d["changed_scenarios"]:
            lines += ["", f"{d['vendor']}: scenarios whose pass rate changed"]
            lines += [f"  {s['scenario']}: {pct(s['pass_rate'][0])} -> "
                      f"{pct(s['pass_rate'][1])} ({points(s['pass_rate'][1] - s['pass_rate'][0])})"
                      for s in d["changed_scenarios"]]
    lines += ["", "Significance: exact Wilcoxon signed-rank test on per-scenario pass rates over "
              "the scenarios both runs ran unchanged, Holm-adjusted over vendors."]
    return "\n".join(lines) + "\n"
