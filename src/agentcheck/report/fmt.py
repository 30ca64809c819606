"""Numbers and verdicts in plain words, shared by every report format (no markup here)."""

from __future__ import annotations

from typing import Any

from agentcheck.report.messages import CATALOGUES, EN, current, t
from agentcheck.results.summary import Comparison, Percentiles, ScenarioResult, VendorVerdict

NO_VERDICT = "no verdict"
"""The English label, for the CSV, `compare` and the gates; reports use nv_label()."""
NO_VERDICT_KINDS = ("unavailable", "not_judged")
TIER_MEANING = {i: EN[f"tier.meaning.{i}"] for i in range(4)}
"""English, for callers outside a report; reports use tier_meaning()."""
FLAG_MEANING = {k.removeprefix("flag."): v for k, v in EN.items() if k.startswith("flag.")}
"""English, for callers outside a report; reports use flag_meaning()."""


def _known(key: str) -> bool:
    return key in CATALOGUES[current()]


def tier_meaning(tier: int) -> str:
    return t(f"tier.meaning.{tier}")


def tier_name(v: VendorVerdict) -> str:
    """The tier's name in the report's language (the summary records it in English)."""
    key = f"tier.name.{v.tier}"
    return t(key) if v.tier is not None and _known(key) else v.tier_name


def flag_meaning(flag: str) -> str:
    """What a flag means; the flag's identifier itself when the catalogue does not know it."""
    return t(f"flag.{flag}") if _known(f"flag.{flag}") else flag


def no_verdict_meaning(kind: str | None) -> str | None:
    return t(f"nv.meaning.{kind}") if kind in NO_VERDICT_KINDS else None


def nv_label() -> str:
    return t("nv")


def dimension(d: str) -> str:
    return t(f"dim.{d}") if _known(f"dim.{d}") else d.replace("_", " ")


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
    return t("unit.pts", value=value) if value else t("unit.pts.zero")


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
        saved = t("of", part=saved, whole=hours(v.human_minutes_per_1000_tasks))
    drop = v.noisy_drop.mean_drop
    return [f"{helped}/{n} ({pct(helped / n if n else None)})",
            money(v.cost_per_trial_usd), money(v.cost_per_completed_task_usd),
            secs_pair(v.latency_s), secs_pair(v.step_latency_s), saved,
            "-" if drop is None else points(-drop)]


def no_verdict(v: VendorVerdict) -> str | None:
    """Why a vendor has no verdict, or None when it has one. A summary without a tier counts as
    no verdict too, so that no report ever shows a tier or a clean bill that is not there."""
    if v.no_verdict is not None:
        return v.no_verdict.reason or v.no_verdict.kind or nv_label()
    return nv_label() if v.tier is None else None


def no_verdict_kind(v: VendorVerdict) -> str:
    """'unavailable' or 'not judged' (or plain 'no verdict'), for badges and CSV cells."""
    kind = v.no_verdict.kind if v.no_verdict is not None else None
    if kind in NO_VERDICT_KINDS:
        return t(f"nv.kind.{kind}")
    return kind.replace("_", " ") if kind else nv_label()


def verdict_mark(v: VendorVerdict) -> str | None:
    """'no verdict: unavailable' (or 'no verdict: not judged', plain 'no verdict') next to the
    name of a vendor without a verdict wherever a report lists its numbers; None with one."""
    if no_verdict(v) is None:
        return None
    kind = no_verdict_kind(v)
    label = nv_label()
    return label if kind == label else t("nv.with", label=label, reason=kind)


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
    n = "one" if len(names) == 1 else "many"
    left_out = t(f"nv.note.chart.{n}") if chart else ""
    return t(f"nv.note.{n}", names=t("list.sep").join(names), label=nv_label(),
             left_out=left_out)


def tier_text(v: VendorVerdict) -> str:
    """'3 autonomous agent', or 'no verdict: <reason>'."""
    reason = no_verdict(v)
    if reason is None:
        return t("tier.text", tier=v.tier, name=tier_name(v))
    label = nv_label()
    return reason if reason == label else t("nv.with", label=label, reason=reason)


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
    unreliable = (t("yes") if "unreliable" in v.flags else
                  t("no") if no_verdict(v) is None else "-")
    return [*(pct(v.pass_hat_k.get(k)) for k in ks), unreliable,
            ", ".join(v.flipping_scenarios) or t("none")]


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
        out.append(t("sig.one_vendor") if len(vendors) < 2 else t("sig.too_few"))
    names = without_verdict(vendors)
    if names and len(vendors) > 1:
        n = "one" if len(names) == 1 else "many"
        out.append(t(f"sig.left_out.{n}", names=t("list.sep").join(names)))
    return out


def flag_words(v: VendorVerdict) -> str:
    if not v.flags:
        return t("flags.none")
    return t("flags.sep").join(t("flags.item", meaning=flag_meaning(f), flag=f,
                                 count=v.flag_counts.get(f, 0)) for f in v.flags)


def flag_sentence(v: VendorVerdict) -> str | None:
    """The last of vendor_sentences: its red flags, or that it has none (only with a
    verdict: no flag among trials that could not be judged proves nothing)."""
    if v.flags:
        return t("sent.red_flags", flags=flag_words(v))
    return t("sent.no_red_flags") if no_verdict(v) is None else None


def vendor_sentences(v: VendorVerdict) -> list[str]:
    """The verdict on one vendor in a few sentences a buyer can read aloud."""
    n = v.scored_trials
    reason = no_verdict(v)
    if reason is not None or v.tier is None:  # numbers shown, but they are not a verdict
        out = [t("sent.no_verdict") if reason in (None, nv_label()) else
               t("sent.no_verdict_reason", reason=reason)]
    else:
        out = [t("sent.tier", tier=v.tier, name=tier_name(v), meaning=tier_meaning(v.tier))]
        if v.tier < 3 and v.tier_reasons:
            out.append(t("sent.not_higher", reasons="; ".join(v.tier_reasons)))
    helped = v.completed_without_help
    done = t("sent.done", rate=pct(v.completion_rate), ci=pct_ci(v.completion_ci))
    if helped == v.completed_tasks:
        out.append(t("sent.completed", helped=helped, n=n, done=done))
    else:
        out.append(t("sent.completed_helped", done_n=v.completed_tasks, n=n, done=done,
                     helped=helped))
    k = max_k(v.pass_hat_k)
    if v.reliability_measured and k:
        out.append(t("sent.passk", k=k, rate=pct(v.pass_hat_k[k]),
                     one=pct(v.pass_hat_k["1"])))
    cost = v.cost_per_completed_task_usd
    attempt = money(v.cost_per_trial_usd)
    out.append(t("sent.cost", cost=money(cost), attempt=attempt) if cost is not None
               else t("sent.no_cost", attempt=attempt))
    saved = v.human_minutes_saved_per_1000_tasks
    base = v.human_minutes_per_1000_tasks
    if saved is not None and base:
        share = (t("sent.saves.about", hours=hours(saved)) if saved >= 30
                 else t("sent.saves.none"))
        out.append(t("sent.saves", share=share, base=hours(base)))
    noisy = v.noisy_drop
    if noisy.mean_drop is not None and any(f.clean_rate or f.noisy_rate
                                           for f in noisy.families):
        out.append(noisy_sentence(noisy.mean_drop))
    flags = flag_sentence(v)
    if flags is not None:
        out.append(flags)
    return out


def noisy_sentence(drop: float) -> str:
    if abs(drop) < 0.005:
        return t("noisy.same")
    if drop > 0:
        return t("noisy.fewer", drop=f"{100 * drop:.0f}")
    return t("noisy.more", gain=f"{-100 * drop:.0f}")


def significance_summary(comparisons: list[Comparison]) -> list[str]:
    """The significant pairs as sentences, or one sentence saying that none is."""
    found = [comparison_sentence(c) for c in comparisons if c.significant and c.better]
    if found or not comparisons:
        return found
    most = max(c.a_better + c.b_better for c in comparisons)
    hint = t("sig.none.hint", most=most) if most < 6 else ""
    return [t("sig.none") + hint]


def comparison_sentence(c: Comparison) -> str:
    if c.significant and c.better:
        worse = c.b if c.better == c.a else c.a
        return t("sig.better", better=c.better, worse=worse, p=f"{c.p_adjusted:.3g}")
    nonzero = c.a_better + c.b_better
    if nonzero and c.min_reachable_p >= 0.05:
        return t("sig.few", a=c.a, b=c.b, n=nonzero)
    if not nonzero:
        return t("sig.same", a=c.a, b=c.b)
    return t("sig.not", a=c.a, b=c.b, p=f"{c.p_adjusted:.3g}")


def scenario_titles(run: dict[str, Any] | None) -> dict[str, str]:
    """Scenario id -> title, as run.json records them (an older run.json has no titles)."""
    out: dict[str, str] = {}
    for s in (run or {}).get("scenarios") or []:
        if isinstance(s, dict) and s.get("id") is not None and s.get("title"):
            out[str(s["id"])] = str(s["title"])
    return out


def scenario_label(sid: str, titles: dict[str, str]) -> str:
    """'Refund a damaged order [refund-damaged-order]', or the id alone without a title."""
    title = titles.get(sid)
    return f"{title} [{sid}]" if title and title != sid else sid


def ties_once(vendors: list[VendorVerdict]) -> list[tuple[str, list[str]]]:
    """Each pair of vendors whose score intervals overlap, once: (vendor, the vendors after it
    in report order that it is tied with), so A ~ B is never followed by B ~ A."""
    seen: set[frozenset[str]] = set()
    out: list[tuple[str, list[str]]] = []
    for v in vendors:
        others = []
        for other in v.not_significantly_different_from:
            pair = frozenset((v.name, other))
            if pair not in seen and other != v.name:
                seen.add(pair)
                others.append(other)
        if others:
            out.append((v.name, others))
    return out


def flags_used(vendors: list[VendorVerdict]) -> list[str]:
    """Every flag a report names (a vendor's or one of its scenarios'), first seen first."""
    found: dict[str, None] = {}
    for v in vendors:
        for f in v.flags:
            found.setdefault(f)
        for s in v.scenarios:
            for f in s.flags:
                found.setdefault(f)
    return list(found)
