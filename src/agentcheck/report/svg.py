"""Charts as inline SVG strings: no script, no fonts, no network. Every piece of text goes
through esc(); sizes come from the data, and each chart scales to its container (viewBox)."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from itertools import pairwise
from typing import Any

from agentcheck.judge.verdict import DIMENSIONS
from agentcheck.report.evidence import clip
from agentcheck.report.fmt import (
    dimension,
    money,
    no_verdict,
    pct,
    scenario_grid,
    table_ks,
    verdict_mark,
)
from agentcheck.report.messages import t
from agentcheck.results.summary import VendorVerdict

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948",
           "#9c755f", "#ff9da7", "#86bcb6")
TIER_COLORS = {0: "#b42318", 1: "#b54708", 2: "#175cd3", 3: "#067647"}
INK, MUTED, GRID, FONT = "#1d2939", "#667085", "#e4e7ec", "12"
NO_VERDICT_CELL = "#d0d5dd"  # a heat map cell of a vendor with no verdict: no grade
CHAR_W = 6.6  # average glyph width at 12px, for label layout


def esc(text: Any) -> str:
    return escape(str(text), quote=True)


def vendor_color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _fit(text: str, width: float) -> str:
    return clip(text, max(4, int(width / CHAR_W)))


def _svg(width: float, height: float, label: str, body: list[str], cls: str = "chart") -> str:
    return (f'<svg class="{cls}" role="img" aria-label="{esc(label)}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" xmlns="http://www.w3.org/2000/svg" '
            f'font-family="inherit" font-size="{FONT}"><title>{esc(label)}</title>'
            + "".join(body) + "</svg>")


def _text(x: float, y: float, s: str, anchor: str = "start", fill: str = INK,
          weight: str = "normal", size: str = FONT, title: str = "") -> str:
    tip = f"<title>{esc(title)}</title>" if title else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}" font-size="{size}">{tip}{esc(s)}</text>')


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID,
          width: float = 1, dash: str = "") -> str:
    d = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{stroke}" stroke-width="{width}"{d}/>')


def _rect(x: float, y: float, w: float, h: float, fill: str, rx: float = 0,
          title: str = "", extra: str = "") -> str:
    tip = f"<title>{esc(title)}</title>" if title else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
            f'rx="{rx}" fill="{fill}"{extra}>{tip}</rect>')


def _rate_grid(left: float, plot_w: float, y: Callable[[float], float]) -> list[str]:
    """Horizontal grid lines at 0, 25, 50, 75 and 100%, labelled on the left."""
    return [part for r in (0, 0.25, 0.5, 0.75, 1)
            for part in (_line(left, y(r), left + plot_w, y(r)),
                         _text(left - 8, y(r) + 4, pct(r), "end", MUTED))]


def judged(vendors: list[VendorVerdict]) -> list[tuple[int, VendorVerdict]]:
    """(index, vendor) of the vendors with a verdict: what the profile, cost and pass^k charts
    draw. The index keeps each vendor's colour the same in every chart."""
    return [(i, v) for i, v in enumerate(vendors) if no_verdict(v) is None]


def _label_width(names: list[str], lo: int = 80, hi: int = 220) -> float:
    return min(hi, max(lo, CHAR_W * max((len(n) for n in names), default=0) + 24))


def spread(ys: list[float], gap: float = 14.0, lo: float = -1e9,
           hi: float = 1e9) -> list[float]:
    """Label positions moved apart (keeping their order) so that no two are closer than gap,
    staying within [lo, hi] where there is room."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = [min(max(y, lo), hi) for y in ys]
    for prev, cur in pairwise(order):
        out[cur] = max(out[cur], out[prev] + gap)
    if order and out[order[-1]] > hi:  # pushed past the bottom: push back up from there
        out[order[-1]] = hi
        for nxt, cur in pairwise(order[::-1]):
            out[cur] = min(out[cur], out[nxt] - gap)
    return out


def tier_badge(tier: int, name: str) -> str:
    """A pill: the tier number on the tier's colour, then its name."""
    return _pill(t("svg.tier", tier=tier), name, TIER_COLORS.get(tier, MUTED))


def no_verdict_badge(kind: str) -> str:
    """The pill of a vendor without a tier: grey, never a tier's colour."""
    return _pill(t("svg.no_verdict"), kind, MUTED)


def _pill(label: str, name: str, color: str) -> str:
    w1 = 14 + CHAR_W * len(label)
    w2 = 14 + CHAR_W * len(name)
    body = [f'<rect width="{w1 + w2:.0f}" height="22" rx="11" fill="{color}" '
            'fill-opacity="0.12"/>',
            f'<rect width="{w1:.0f}" height="22" rx="11" fill="{color}"/>',
            _text(w1 / 2, 15, label, "middle", "#fff", "600"),
            _text(w1 + w2 / 2, 15, name, "middle", color, "600")]
    return _svg(w1 + w2, 22, f"{label}: {name}", body, "badge")


def score_chart(vendors: list[VendorVerdict]) -> str:
    """Capability score with its 95% interval, one row per vendor, on a 0-100 axis."""
    names = [v.name for v in vendors]
    left, right, row, top = _label_width(names), 60, 34, 14
    plot = 1000 - left - right
    width, height = left + plot + right, top + row * len(vendors) + 30

    def x(score: float) -> float:
        return left + plot * score / 100

    body = []
    for tick in range(0, 101, 25):
        body += [_line(x(tick), top - 4, x(tick), height - 26),
                 _text(x(tick), height - 10, str(tick), "middle", MUTED)]
    for i, v in enumerate(vendors):
        cy = top + row * i + row / 2
        if v.capability_score is None or not v.capability_ci:
            body += [_text(left - 10, cy + 4, _fit(v.name, left - 12), "end",
                           title=v.name),
                     _text(left + 8, cy + 4, t("svg.no_score"), fill=MUTED,
                           title=t("svg.no_score.tip", name=v.name))]
            continue
        lo, hi = v.capability_ci
        color = TIER_COLORS.get(v.tier, MUTED) if v.tier is not None else MUTED
        tip = t("svg.score.tip", name=v.name, score=f"{v.capability_score:.0f}",
                lo=f"{lo:.0f}", hi=f"{hi:.0f}", tier=v.tier)
        body += [_text(left - 10, cy + 4, _fit(v.name, left - 12), "end", title=v.name),
                 _rect(x(lo), cy - 5, x(hi) - x(lo), 10, color, 5, tip,
                       ' fill-opacity="0.25"'),
                 f'<circle cx="{x(v.capability_score):.1f}" cy="{cy:.1f}" r="6" '
                 f'fill="{color}" stroke="#fff" stroke-width="2"><title>{esc(tip)}</title>'
                 "</circle>",
                 _text(left + plot + 10, cy + 4, f"{v.capability_score:.0f}", weight="600")]
    return _svg(width, height, t("svg.score.label"), body)


def profile_chart(vendors: list[VendorVerdict]) -> str:
    """Grouped bars: for each dimension, one bar per vendor (0-100%) with its value; 'n/a'
    when the dimension never applied to that vendor's trials. Vendors with no verdict are
    left out: their dimensions measure failed connections or unjudged trials, not the vendor."""
    shown = judged(vendors)
    left, right = 110, 60
    plot = 1000 - left - right
    bar, gap = 14, 14
    group = bar * len(shown) + gap
    per_row = 5
    legend_h = 22 * math.ceil(len(shown) / per_row)
    top = legend_h + 12
    width = left + plot + right
    height = top + group * len(DIMENSIONS) + 24
    body = []
    for n, (i, v) in enumerate(shown):
        lx, ly = left + (n % per_row) * 175, 4 + 22 * (n // per_row)
        body += [_rect(lx, ly, 12, 12, vendor_color(i), 2),
                 _text(lx + 18, ly + 10, _fit(v.name, 150), title=v.name)]
    for tick in range(0, 101, 25):
        gx = left + plot * tick / 100
        body += [_line(gx, top - 4, gx, height - 22),
                 _text(gx, height - 8, f"{tick}%", "middle", MUTED)]
    for d, dim in enumerate(DIMENSIONS):
        gy = top + group * d
        body.append(_text(left - 10, gy + (group - gap) / 2 + 4, dimension(dim), "end",
                          weight="600"))
        for n, (i, v) in enumerate(shown):
            value = v.dimensions.get(dim)
            y = gy + n * bar
            tip = f"{v.name}, {dimension(dim)}: {pct(value)}"
            if value is None:
                body.append(_text(left + 4, y + bar - 3, t("svg.na"), fill=MUTED, size="10",
                                  title=tip))
                continue
            w = max(plot * value, 2)
            body += [_rect(left, y + 1, w, bar - 2, vendor_color(i), 2, tip),
                     _text(left + w + 5, y + bar - 3, pct(value), fill=MUTED, size="10")]
    return _svg(width, height, t("svg.profile.label"), body)


def pareto_chart(vendors: list[VendorVerdict]) -> str:
    """Cost per attempt (x) against tasks completed (y). The line joins the vendors no other
    vendor beats on both (cheaper and at least as good): the efficient choices. A vendor with
    no verdict is no choice at all (an unreachable API costs nothing and completes nothing):
    it is neither drawn nor on the line."""
    left, bottom, top, right = 64, 44, 16, 170
    plot_w, plot_h = 1000 - left - right, 300
    width, height = left + plot_w + right, top + plot_h + bottom
    pts = [(i, v, v.cost_per_trial_usd or 0.0, v.completion_rate or 0.0)
           for i, v in judged(vendors)]
    costs = [c for _, _, c, _ in pts]
    positive = [c for c in costs if c > 0]
    use_log = bool(positive) and len(positive) == len(costs) and max(costs) / min(costs) > 20
    if use_log:
        lo_c = 10 ** math.floor(math.log10(min(positive)))
        hi_c = 10 ** math.ceil(math.log10(max(positive)))
        ticks = [lo_c * 10**i for i in range(round(math.log10(hi_c / lo_c)) + 1)]

        def x(c: float) -> float:
            return left + plot_w * (math.log10(c) - math.log10(lo_c)) / (
                math.log10(hi_c) - math.log10(lo_c))
    else:
        hi_c = max(costs, default=0.0) * 1.1 or 1.0
        ticks = [hi_c * i / 4 for i in range(5)]

        def x(c: float) -> float:
            return left + plot_w * c / hi_c

    def y(r: float) -> float:
        return top + plot_h * (1 - r)

    body = _rate_grid(left, plot_w, y)
    for c in ticks:
        body += [_line(x(c), top, x(c), top + plot_h),
                 _text(x(c), top + plot_h + 16, money(c), "middle", MUTED)]
    body += [_text(left + plot_w / 2, height - 4,
                   t("svg.cost_axis.log") if use_log else t("svg.cost_axis"), "middle", MUTED),
             _text(12, top + plot_h / 2, t("svg.tasks_axis"), "middle", MUTED)
             .replace("<text ", f'<text transform="rotate(-90 12 {top + plot_h / 2:.0f})" ', 1)]
    # best starts at 0: a vendor that completed nothing is no efficient choice, however cheap
    frontier, best = [], 0.0
    for _, _, c, r in sorted(pts, key=lambda p: (p[2], -p[3])):
        if r > best:
            frontier.append((x(c), y(r)))
            best = r
    if len(frontier) > 1:
        path = " ".join(f"{fx:.1f},{fy:.1f}" for fx, fy in frontier)
        body.append(f'<polyline points="{path}" fill="none" stroke="{MUTED}" '
                    'stroke-width="1.5" stroke-dasharray="5 4"/>')
    label_y = spread([y(r) + 4 for _, _, _, r in pts], 14, top + 4, top + plot_h - 4)
    for n, (i, v, c, r) in enumerate(pts):
        tip = t("svg.pareto.tip", name=v.name, rate=pct(r), cost=money(c))
        body += [f'<circle cx="{x(c):.1f}" cy="{y(r):.1f}" r="7" fill="{vendor_color(i)}" '
                 f'stroke="#fff" stroke-width="2"><title>{esc(tip)}</title></circle>',
                 _text(x(c) + 11, label_y[n], _fit(v.name, right - 14), title=tip)]
    return _svg(width, height, t("svg.pareto.label"), body)


def heat_color(rate: float | None) -> str:
    """Red (0%) through amber to green (100%); grey when not run."""
    if rate is None:
        return "#f2f4f7"
    stops = ((0.0, (217, 45, 32)), (0.5, (247, 144, 9)), (1.0, (18, 183, 106)))
    for (p0, c0), (p1, c1) in pairwise(stops):
        if rate <= p1:
            frac = (rate - p0) / (p1 - p0)
            rgb = [round(a + (b - a) * frac) for a, b in zip(c0, c1, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#12b76a"


def heatmap(vendors: list[VendorVerdict]) -> str:
    """Rows: scenarios; columns: vendors; colour: pass rate; text: trials passed. The column
    of a vendor with no verdict is marked so under its name and grey, never red to green: its
    trials failed to connect or could not be judged, which grades nothing."""
    cells, variant = scenario_grid(vendors)
    scenarios = sorted(cells)
    left = _label_width(scenarios, 120, 380) + 44
    marks = [verdict_mark(v) for v in vendors]
    col, row, top = 96, 24, 58 if any(marks) else 44
    width, height = left + col * len(vendors) + 8, top + row * len(scenarios) + 8
    body = []
    for j, v in enumerate(vendors):
        name_y = top - 26 if any(marks) else top - 12
        body.append(_text(left + col * j + col / 2, name_y, _fit(v.name, col - 6),
                          "middle", weight="600", title=v.name))
        if marks[j]:
            body.append(_text(left + col * j + col / 2, top - 10, t("svg.heat.nv"), "middle",
                              MUTED, size="10", title=f"{v.name}: {marks[j]}"))
    for i, sid in enumerate(scenarios):
        cy = top + row * i
        body.append(_text(left - 50, cy + row / 2 + 4, _fit(sid, left - 60), "end", title=sid))
        if variant[sid] == "noisy":
            body += [_rect(left - 44, cy + 5, 38, 14, "#fef0c7", 7),
                     _text(left - 25, cy + 15.5, t("svg.heat.noisy"), "middle", "#93370d",
                           size="9")]
        for j, v in enumerate(vendors):
            s = cells[sid].get(v.name)
            rate = None if s is None else s.pass_rate
            tip = (t("svg.heat.not_run", name=v.name, scenario=sid) if s is None else
                   t("svg.heat.tip", name=v.name, scenario=sid, passed=s.passed,
                     trials=s.trials, rate=pct(rate), score=f"{s.score or 0:.0f}")
                   + (t("svg.heat.flips") if s.flips else "")
                   + (t("svg.heat.flags", flags=", ".join(s.flags)) if s.flags else ""))
            if marks[j]:
                tip += f" ({marks[j]})"
            color = NO_VERDICT_CELL if marks[j] and s is not None else heat_color(rate)
            body.append(_rect(left + col * j + 2, cy + 2, col - 4, row - 4, color, 3, tip))
            label = "-" if s is None else f"{s.passed}/{s.trials}"
            fill = INK if marks[j] or rate is None or 0.3 < rate < 0.8 else "#fff"
            body.append(_text(left + col * j + col / 2, cy + row / 2 + 4, label, "middle",
                              fill, "600"))
    return _svg(width, height, t("svg.heat.label"), body)


def passk_chart(vendors: list[VendorVerdict]) -> str:
    """pass^k against k: how fast success decays when the same task must work k times."""
    shown = judged(vendors)  # no verdict: its reliability is its outage's, left out
    ks = sorted({int(k) for _, v in shown for k in v.pass_hat_k})
    left, plot_h, top, right = 64, 220, 14, 190
    plot_w = 1000 - left - right
    width, height = left + plot_w + right, top + plot_h + 40
    kmax = max(ks, default=1)

    def x(k: int) -> float:
        return left + (plot_w * (k - 1) / (kmax - 1) if kmax > 1 else plot_w / 2)

    def y(r: float) -> float:
        return top + plot_h * (1 - r)

    body = _rate_grid(left, plot_w, y)
    labelled = {int(k) for k in table_ks([v for _, v in shown])}
    for k in ks:
        if k in labelled:
            body.append(_text(x(k), top + plot_h + 18, f"k={k}", "middle", MUTED))
    ends: list[tuple[int, float]] = []
    for i, v in shown:
        pts = [(int(k), r) for k, r in sorted(v.pass_hat_k.items(), key=lambda kv: int(kv[0]))
               if r is not None]
        if not pts:
            continue
        color = vendor_color(i)
        if len(pts) > 1:
            path = " ".join(f"{x(k):.1f},{y(r):.1f}" for k, r in pts)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" '
                        'stroke-width="2.5"/>')
        for k, r in pts:
            body.append(f'<circle cx="{x(k):.1f}" cy="{y(r):.1f}" r="4" fill="{color}">'
                        f"<title>{esc(v.name)}: pass^{k} = {pct(r)}</title></circle>")
        ends.append((i, y(pts[-1][1]) + 4))
    for (i, _), ly in zip(ends, spread([e[1] for e in ends], 14, top + 4, top + plot_h),
                          strict=True):
        body.append(_text(x(kmax) + 10, ly, _fit(vendors[i].name, right - 14),
                          fill=vendor_color(i), weight="600", title=vendors[i].name))
    return _svg(width, height, t("svg.passk.label"), body)
