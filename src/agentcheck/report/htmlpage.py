"""report.html: one self-contained page (inline CSS, inline SVG charts, a few lines of inline
script), no network, no external fonts, opening in any browser.

Vendor text is untrusted: every string goes through esc(). As a second line of defence a
Content-Security-Policy allows only this file's own style and script (by hash) and no
network at all, so even a missed escape could neither run a script nor call home."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from agentcheck.decision.model import Decision
from agentcheck.report.assets import CSS, SCRIPT
from agentcheck.report.completeness import completeness, shard_of
from agentcheck.report.decision import decision_sections
from agentcheck.report.evidence import Failures, TrialEvidence
from agentcheck.report.fmt import (
    flag_meaning,
    flag_sentence,
    max_k,
    no_verdict,
    no_verdict_kind,
    no_verdict_meaning,
    no_verdict_note,
    tier_meaning,
    tier_name,
    tier_text,
    vendor_sentences,
    verdict_mark,
)
from agentcheck.report.messages import t
from agentcheck.report.sections import Cell, Section, Sections, build_sections
from agentcheck.report.svg import (
    esc,
    heatmap,
    judged,
    no_verdict_badge,
    pareto_chart,
    passk_chart,
    profile_chart,
    score_chart,
    tier_badge,
)
from agentcheck.results.summary import Summary, VendorVerdict


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


CSP = (f"default-src 'none'; style-src '{_sha256(CSS)}'; script-src '{_sha256(SCRIPT)}'; "
       "img-src data:; base-uri 'none'; form-action 'none'")


def _table(headers: list[str], body: list[list[str]], numeric: set[int] | None = None,
           cls: str = "") -> str:
    numeric = numeric or set()

    def c(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{c(i)}>{h}</th>" for i, h in enumerate(headers))
    rows = "".join("<tr>" + "".join(f"<td{c(i)}>{cell}</td>" for i, cell in enumerate(r))
                   + "</tr>" for r in body)
    klass = f' class="{cls}"' if cls else ""
    return f'<div class="table-box"><table{klass}><thead><tr>{head}</tr></thead>' \
           f"<tbody>{rows}</tbody></table></div>"


def _section(sid: str, title: str, lede: str, *parts: str) -> str:
    return (f'<section id="{sid}"><h2>{esc(title)}</h2><p class="lede">{lede}</p>'
            + "".join(parts) + "</section>")


def _chart(svg: str) -> str:
    return f'<div class="chart-box">{svg}</div>'


def _name(v: VendorVerdict) -> str:
    """A vendor's name in a table of numbers, with a chip when it has no verdict."""
    mark = verdict_mark(v)
    return esc(v.name) + (f' <span class="chip warn">{esc(mark)}</span>' if mark else "")


def _note(vendors: list[VendorVerdict], chart: bool = False) -> str:
    note = no_verdict_note(vendors, chart)
    return f'<p class="note nv-note">{esc(note)}</p>' if note else ""


def _judged_chart(vendors: list[VendorVerdict], svg: str) -> str:
    """A chart of the vendors with a verdict; nothing when no vendor has one."""
    return _chart(svg) if judged(vendors) else ""


def _vendor_meta(run: dict[str, Any]) -> dict[str, str]:
    out = {}
    for p in run.get("vendors", []):
        if isinstance(p, dict) and p.get("name"):
            bits = [t("html.meta.model", model=p["model"]) if p.get("model") else "",
                    t("html.meta.version", version=p["version"]) if p.get("version") else "",
                    str(p.get("protocol") or "")]
            out[str(p["name"])] = " \u00b7 ".join(b for b in bits if b)
    return out


def _cards(summary: Summary, run: dict[str, Any]) -> str:
    meta = _vendor_meta(run)
    cards = []
    for v in summary.vendors:
        reason = no_verdict(v)
        chips = "".join(f'<span class="chip" title="{esc(flag_meaning(f))}">'
                        f"{esc(f)}</span>" for f in v.flags)
        if not chips:  # the green chip is a clean bill: only for a vendor with a verdict
            chips = (f'<span class="chip ok">{esc(t("html.chip.no_flags"))}</span>'
                     if reason is None else
                     f'<span class="chip warn">{esc(t("nv"))}</span>')
        flags = flag_sentence(v)  # shown as chips
        sentences = "".join(f"<li>{esc(s)}</li>" for s in vendor_sentences(v)[1:]
                            if s != flags)
        cards.append(
            f'<div class="card"><h3><span>{esc(v.name)}</span>{_badge(v)}</h3>'
            f'<div class="meta">{esc(meta.get(v.name, ""))}</div>'
            + _score(v)
            + f'<p class="note">{esc(_meaning(v))}</p>'
            f'<ul>{sentences}</ul><div class="chips">{chips}</div></div>')
    return '<div class="cards">' + "".join(cards) + "</div>"


def _badge(v: VendorVerdict) -> str:
    if no_verdict(v) is None and v.tier is not None:
        return tier_badge(v.tier, tier_name(v))
    return no_verdict_badge(no_verdict_kind(v))


def _score(v: VendorVerdict) -> str:
    if no_verdict(v) is not None or v.capability_ci is None or v.capability_score is None:
        return f'<div class="score"><b>-</b><span>{esc(t("html.score.none"))}</span></div>'
    lo, hi = v.capability_ci
    return (f'<div class="score"><b>{v.capability_score:.0f}</b>'
            f"<span>{esc(t('html.score', lo=f'{lo:.0f}', hi=f'{hi:.0f}'))}</span></div>")


def _meaning(v: VendorVerdict) -> str:
    """What the tier means, or why there is none."""
    if no_verdict(v) is None and v.tier is not None:
        return tier_meaning(v.tier)
    meaning = no_verdict_meaning(v.no_verdict.kind if v.no_verdict is not None else None)
    why = t("html.meaning.why", meaning=meaning) if meaning is not None else ""
    return f"{tier_text(v)}{why}."


_TONES = {"bad": "bad", "good": "sig", "muted": "no"}


def _cell(cell: Cell) -> str:
    text = esc(cell.text)
    return f'<span class="{_TONES[cell.tone]}">{text}</span>' if cell.tone else text


def _shared(sec: Section, *charts: str, charted: bool = False) -> str:
    """One shared section (report/sections.py) as HTML: its charts, notes, table (or what is
    missing), findings and the no-verdict note."""
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in sec.notes)
    if sec.rows:
        body = [([_name(r.vendor)] if r.vendor is not None else [])
                + [_cell(c) for c in r.cells] for r in sec.rows]
        table = _table([esc(c) for c in sec.columns], body, set(sec.numeric))
    else:
        table = f'<p class="note">{esc(sec.empty)}</p>' if sec.empty and not sec.notes else ""
    bullets = ("<ul>" + "".join(f"<li>{esc(b)}</li>" for b in sec.bullets) + "</ul>"
               if sec.bullets else "")
    after = "".join(f'<p class="note">{esc(n)}</p>' for n in sec.after)
    return _section(sec.key, sec.title, esc(sec.lede), *charts, notes, table, bullets, after,
                    _note(sec.note_vendors, chart=charted))


def _trial(f: TrialEvidence, anchor: str) -> str:
    checks = "".join(
        f'<div class="check"><span class="kind">{esc(c.kind)}</span>{esc(c.name)}'
        f"<div>{esc(c.reason)}</div>"
        + (f"<blockquote>{esc(c.excerpt)}</blockquote>" if c.excerpt else "") + "</div>"
        for c in f.checks) or f'<p class="note">{esc(t("html.no_check"))}</p>'
    flags = "".join(f'<li><span class="chip">{esc(k)}</span> {esc(v)}</li>'
                    for k, v in f.flags.items())
    calls = _table([esc(t(f"html.col.{c}")) for c in ("step", "tool", "arguments", "result")],
                   [
        [str(c.step if c.step is not None else ""), f'<span class="mono">{esc(c.name)}</span>',
         f"<code>{esc(c.args)}</code>",
         (f"<code>{esc(c.outcome)}</code>" if c.ok else
          f'<span class="err">{esc(c.outcome)}</span>')
         + (f' <span class="note">{esc(t("html.changes", count=c.changes))}</span>'
            if c.changes else "")]
        for c in f.calls], {0}, "calls") if f.calls else \
        f'<p class="note">{esc(t("html.no_call"))}</p>'
    lines = "".join(f'<li class="{esc(m.role)}"><span class="role">{esc(m.role)}</span>'
                    f'<span class="text">{esc(m.text)}</span></li>' for m in f.transcript)
    error = f'<p class="err">{esc(f.error)}</p>' if f.error else ""
    return (f'<details class="trial" id="{esc(anchor)}"><summary>'
            f'<span class="scn">{esc(f.scenario)} #{f.trial}</span>'
            f'<span class="why">{esc(f.headline)}</span>'
            f'<span class="term">{esc(f.termination)} \u00b7 '
            f'{esc(t("html.trial.score", score=f"{100 * f.score:.0f}"))}</span>'
            f'</summary><div class="trial-body">{error}'
            f'<h4>{esc(t("html.trial.failed_checks"))}</h4>{checks}'
            + (f'<h4>{esc(t("html.trial.flags"))}</h4><ul>{flags}</ul>' if flags else "")
            + f'<h4>{esc(t("html.trial.calls", count=len(f.calls) + f.omitted_calls))}</h4>'
            + calls
            + (f'<p class="note">{esc(t("html.trial.first_calls", shown=len(f.calls), rest=f.omitted_calls))}</p>'  # noqa: E501
               if f.omitted_calls else "")
            + f'<h4>{esc(t("html.trial.transcript"))}</h4><ol class="transcript">{lines}</ol>'
            + f'<p class="note">{esc(t("html.trial.seed", seed=f.seed))}</p></div></details>')


def _shown_of(shown: int, total: int) -> str:
    if shown >= total:
        return ""
    return f'<p class="note">{esc(t("html.shown_of", shown=shown, total=total))}</p>'


def _evidence(summary: Summary, failures: dict[str, Failures]) -> Iterator[str]:
    """The evidence section's body, one vendor at a time: the largest part of the page, never
    held whole."""
    yield (f'<div class="toolbar"><button type="button" id="expand-all">'
           f'{esc(t("html.expand"))}</button><button type="button" id="collapse-all">'
           f'{esc(t("html.collapse"))}</button></div>')
    for i, v in enumerate(summary.vendors):
        items = failures.get(v.name, Failures())
        scored, harness = items.scored, items.harness
        if not items.total:
            yield (f'<details class="vendor"><summary>{t("html.vendor.none", name=_name(v))}'
                   "</summary><div></div></details>")
            continue
        yield ('<details class="vendor"><summary>'
               + t("html.vendor.failed", name=_name(v), failed=items.scored_total,
                   trials=v.scored_trials)
               + (t("html.vendor.harness", count=items.harness_total) if harness else "")
               + "</summary><div>")
        for f in scored:
            yield _trial(f, f"t-{i}-{f.scenario}-{f.trial}")
        yield _shown_of(len(scored), items.scored_total)
        if harness:
            yield f"<h3>{t('html.harness.title')}</h3>"
            for f in harness:
                yield _trial(f, f"h-{i}-{f.scenario}-{f.trial}")
            yield _shown_of(len(harness), items.harness_total)
        yield "</div></details>"


HOWTO = ("tier", "nv", "score", "tasks", "passk", "sig", "cost", "saved", "noisy")
"""The terms explained under "How to read this report", by their catalogue keys."""


def html_page(summary: Summary, run: dict[str, Any], failures: dict[str, Failures],
              sections: Sections | None = None, decision: Decision | None = None) -> str:
    return "".join(html_parts(summary, run, failures, sections, decision))


def html_parts(summary: Summary, run: dict[str, Any], failures: dict[str, Failures],
               sections: Sections | None = None, decision: Decision | None = None,
               cases: Sequence[Section] = ()) -> Iterator[str]:
    """report.html in pieces, in order: written to disk as they come, so a page with hundreds
    of failed trials is never held whole (nor copied while it is assembled). `cases`: a case
    pack's sections (report/agreement.py), shown after the verdict."""
    vendors = summary.vendors
    sec = sections or build_sections(summary)
    n_scen = len(run.get("scenarios", [])) or len({s.scenario for v in vendors
                                                     for s in v.scenarios})
    sub = t("html.sub", started=run.get("started_at", "?"), vendors=len(vendors),
            scenarios=n_scen, trials=run.get("trials", "?"), seed=run.get("seed", "?"),
            version=run.get("agentcheck_version", "?"))
    state = completeness(run, summary)
    incomplete = ("" if state.complete else
                  '<section class="warn">'
                  + t("html.incomplete", what=esc(state.text()), next=esc(state.next_step()))
                  + "</section>")
    shard = shard_of(run)
    if shard is not None:
        incomplete = ('<section class="warn">' + t("html.shard", index=shard[0], count=shard[1])
                      + "</section>" + incomplete)
    ks = [max_k(v.pass_hat_k) for _, v in judged(vendors)]
    passk = any(k and int(k) > 1 for k in ks)
    howto = "".join(f"<dt>{esc(t(f'howto.{k}'))}</dt><dd>{esc(t(f'howto.{k}.text'))}</dd>"
                    for k in HOWTO)
    nav = "".join(f'<a href="#{a}">{esc(t(f"html.nav.{b}"))}</a>' for a, b in (
        ("verdict", "verdict"), *((("decision", "decision"),) if decision else ()),
        *((("case-agreement", "cases"),) if cases else ()),
        ("scores", "scores"), ("profile", "profile"),
        ("business", "business"), ("reliability", "reliability"),
        ("significance", "significance"), ("scenarios", "scenarios"),
        ("noisy", "noisy"),
        *((("second-reader", "second"),) if sec.second_reader is not None else ()),
        ("evidence", "evidence"), ("method", "method")))
    parts = [
        incomplete,
        _section("verdict", t("html.verdict.title"), esc(t("html.verdict.lede")),
                 _cards(summary, run)),
        *(_shared(s) for s in (decision_sections(decision) if decision else [])),
        *(_shared(s) for s in cases),
        _section("scores", t("html.scores.title"), esc(t("html.scores.lede")),
                 _chart(score_chart(vendors))),
        _shared(sec.profile, _judged_chart(vendors, profile_chart(vendors)), charted=True),
        _shared(sec.business, _judged_chart(vendors, pareto_chart(vendors)), charted=True),
        _shared(sec.reliability, _chart(passk_chart(vendors)) if passk else "",
                charted=passk),
        _shared(sec.significance),
        _section("scenarios", t("html.scenarios.title"), esc(t("html.scenarios.lede")),
                 _chart(heatmap(vendors)), _note(vendors)),
        _shared(sec.noisy),
        *(_shared(extra) for extra in (sec.second_reader, sec.disagreements)
          if extra is not None),
    ]
    yield (
        f'<!doctype html>\n<html lang="{t("html.lang")}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(t('title'))}</title>"
        f"<style>{CSS}</style></head><body>"
        f'<header><div class="wrap"><div><h1>{esc(t("title"))}</h1><p>{esc(sub)}</p></div>'
        "</div></header>"
        f'<nav><div class="wrap">{nav}</div></nav><main class="wrap">')
    yield from parts
    evidence = _section("evidence", t("html.evidence.title"), esc(t("html.evidence.lede")),
                        "\0")
    opening, closing = evidence.split("\0")
    yield opening
    yield from _evidence(summary, failures)
    yield closing
    yield _section("method", t("html.method.title"), "", f'<dl class="howto">{howto}</dl>')
    yield (
        f"</main><footer>{esc(t('html.footer'))}</footer>"
        f"<script>{SCRIPT}</script></body></html>\n")
