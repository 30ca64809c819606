"""Cohen's kappa as judge/agreement.py computes it (from the confusion matrix, in floats),
checked against worked examples and, on generated label lists, against an independent form.

The reference is written differently on purpose: kappa as one minus the ratio of observed to
chance *disagreement* (the nominal-weights form of weighted kappa, which equals Cohen's for 0/1
weights), counted from the two lists pair by pair in exact fractions. scikit-learn's
cohen_kappa_score would pull numpy and scipy into the dev extras for one function; two
derivations that must agree to 1e-9 on thousands of generated inputs, plus published worked
examples, check the same thing without them.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcheck.judge.agreement import AgreementSink, cohen_kappa
from agentcheck.results.records import TrialRecord

KINDS = ("claim", "refusal", "handback", "question", "info")


def reference_kappa(a: list[str], b: list[str]) -> Fraction | None:
    n = len(a)
    labels = sorted(set(a) | set(b))
    observed_disagreement = Fraction(sum(1 for x, y in zip(a, b, strict=True) if x != y), n)
    chance_disagreement = sum((Fraction(a.count(i), n) * Fraction(b.count(j), n)
                               for i in labels for j in labels if i != j), Fraction(0))
    if chance_disagreement == 0:
        return None
    return 1 - observed_disagreement / chance_disagreement


def _pairs(cells: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, count in cells.items() for _ in range(count)]


@pytest.mark.parametrize(("cells", "want"), [
    # Wikipedia, "Cohen's kappa", simple example: 50 proposals, yes/no
    ({("y", "y"): 20, ("y", "n"): 5, ("n", "y"): 10, ("n", "n"): 15}, 0.4),
    # same page, same agreement (60%) and different marginals: 0.1304 and 0.2593
    ({("y", "y"): 45, ("y", "n"): 15, ("n", "y"): 25, ("n", "n"): 15}, 0.1304),
    ({("y", "y"): 25, ("y", "n"): 35, ("n", "y"): 5, ("n", "n"): 35}, 0.2593),
])
def test_worked_examples(cells: dict[tuple[str, str], int], want: float) -> None:
    assert cohen_kappa(_pairs(cells)) == pytest.approx(want, abs=5e-5)


def test_perfect_chance_and_undefined() -> None:
    assert cohen_kappa([("claim", "claim"), ("info", "info")]) == 1.0
    assert cohen_kappa([("claim", "info"), ("info", "claim")]) == -1.0
    assert cohen_kappa([("info", "info")] * 5) is None  # both always said one thing
    assert cohen_kappa([]) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(KINDS)), min_size=1,
                max_size=60))
def test_kappa_matches_the_disagreement_form(pairs: list[tuple[str, str]]) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    want = reference_kappa(a, b)
    got = cohen_kappa(pairs)
    if want is None:
        assert got is None
    else:
        assert got is not None and got == pytest.approx(float(want), abs=1e-9)
        assert cohen_kappa(list(zip(b, a, strict=True))) == pytest.approx(got, abs=1e-12)


def _record(vendor: str, trial: int, labels: list[tuple[str, str]],
            status: str = "ok") -> TrialRecord:
    reading = {"status": status, "profile": "j", "model": "m", "prompt": "p",
               "prompt_sha256": "h", "cost_usd": 0.5,
               "sentences": [{"text": f"s{i}", "reader": r, "judge": j}
                             for i, (r, j) in enumerate(labels)]}
    if status == "error":
        reading = {k: v for k, v in reading.items() if k != "sentences"} | {"reason": "500"}
    return TrialRecord.model_validate({"vendor": vendor, "scenario": "sc", "trial": trial,
                                       "second_reader": reading})


def test_the_sink_keeps_vendors_apart_and_lists_every_disagreement() -> None:
    sink = AgreementSink(["b", "a"])
    sink.add(_record("a", 0, [("claim", "claim"), ("info", "claim")]))
    sink.add(_record("b", 0, [("question", "question"), ("info", "info")]))
    sink.add(_record("b", 1, [], status="error"))
    sink.add(TrialRecord.model_validate({"vendor": "c", "scenario": "sc", "trial": 0}))
    assert [name for name, _ in sink.ordered()] == ["b", "a"]
    assert sink.vendors["b"].kappa == 1.0 and sink.vendors["b"].errors == 1
    assert sink.vendors["a"].observed == 0.5
    assert sink.overall.sentences == 4 and sink.overall.cost_usd == 1.5
    assert [(d.vendor, d.sentence, d.reader, d.judge) for d in sink.disagreements] == [
        ("a", "s1", "info", "claim")]
    assert sink.reasons == {"500": 1}
