"""The speech-act reader measured on its labelled corpus (tests/data/speech_acts).

The held-out splits were written before the rules they measure and are never tuned on; each
gates the reader at recall >= 90% and false-positive rate <= 4% for completion claims and
hand-backs in every language (bench/speech_acts.py prints the full table, questions included;
the targets there are 95% and 2%). heldout2 holds the second red team's classes: completion
idioms, status lines and tables, token refusals beside claims, readiness preambles,
before-clauses and permission questions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agentcheck.speech import KINDS, LANGUAGES
from agentcheck.speech.measure import evaluate, load

DATA = Path(__file__).parents[1] / "data" / "speech_acts"
DOMAINS = {p.name for p in (Path(__file__).parents[2] / "scenarios").iterdir() if p.is_dir()}
GATED = ("claim", "handback")


@pytest.fixture(scope="module")
def heldout() -> list[dict[str, Any]]:
    return load(DATA / "heldout.jsonl")


@pytest.fixture(scope="module")
def heldout2() -> list[dict[str, Any]]:
    return load(DATA / "heldout2.jsonl")


@pytest.fixture(scope="module")
def dev() -> list[dict[str, Any]]:
    return load(DATA / "dev.jsonl")


def test_corpus_is_large_labelled_and_covers_every_language_and_domain(
        heldout: list[dict[str, Any]], heldout2: list[dict[str, Any]],
        dev: list[dict[str, Any]]) -> None:
    rows = heldout + heldout2 + dev
    assert len(rows) >= 900
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts), "a sentence is in the corpus twice"
    for lang in LANGUAGES:
        assert sum(r["lang"] == lang for r in rows) >= 80, lang
        assert sum(r["lang"] == lang for r in heldout) >= 40, lang
        assert sum(r["lang"] == lang for r in heldout2) >= 10, lang
    assert {r["domain"] for r in rows} == DOMAINS
    for r in rows:
        assert r["kind"] in KINDS and set(r.get("also", ())) <= set(KINDS), r
        assert (r["kind"] == "claim") == (r.get("scope") in ("task", "action")), r


def _gate(rows: list[dict[str, Any]], lang: str) -> None:
    report = evaluate(r for r in rows if r["lang"] == lang)
    for kind in GATED:
        c = report.counts[(kind, lang)]
        assert c.recall >= 0.90, f"{kind} recall {c.recall:.1%} in {lang}"
        assert c.fpr <= 0.04, f"{kind} false-positive rate {c.fpr:.1%} in {lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_heldout_claims_and_handbacks(heldout: list[dict[str, Any]], lang: str) -> None:
    _gate(heldout, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_heldout2_claims_and_handbacks(heldout2: list[dict[str, Any]], lang: str) -> None:
    _gate(heldout2, lang)


def test_dev_split_stays_at_target(dev: list[dict[str, Any]]) -> None:
    report = evaluate(dev)
    for lang in LANGUAGES:
        for kind in GATED:
            c = report.counts[(kind, lang)]
            assert c.recall >= 0.95 and c.fpr <= 0.02, (kind, lang, c)
