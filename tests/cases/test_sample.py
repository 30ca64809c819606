"""Sampling is reproducible per seed and proportionally stratified (every stratum at least one
case when N allows); the data-quality profile counts what is messy in the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentcheck.cases.pack import load_pack
from agentcheck.cases.sample import allocate, column_quality, draw, profile
from agentcheck.core.errors import ConfigError


def big_pack(folder: Path, n: int = 200) -> Path:
    """The small pack's export grown to n requests in three categories (60%, 30%, 10%)."""
    rows = ["ticket_id,requester_name,requester_email,employee_id,system,amount,request_text,"
            "category,decision"]
    for i in range(n):
        cat = "net" if i % 10 < 6 else "fin" if i % 10 < 9 else "hr"
        rows.append(f"R-{i},Person {i},p{i}@corp.test,E1,VPN,{i},text {i},{cat},approved")
    (folder / "requests.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_sample_is_reproducible_per_seed(unmasked: Path) -> None:
    loaded = load_pack(big_pack(unmasked))
    a, _ = draw(loaded, 20, seed=1)
    b, _ = draw(loaded, 20, seed=1)
    c, _ = draw(loaded, 20, seed=2)
    assert [x.id for x in a] == [x.id for x in b] and len(a) == 20
    assert [x.id for x in a] != [x.id for x in c]
    assert [x.row for x in a] == sorted(x.row for x in a)  # in the table's order
    everything, _ = draw(loaded, None, seed=1)
    assert len(everything) == 200


def test_stratified_sample_is_proportional(unmasked: Path) -> None:
    loaded = load_pack(big_pack(unmasked))
    cases, strata = draw(loaded, 20, seed=5, stratify="category")
    assert strata == {"fin": 6, "hr": 2, "net": 12}
    assert sorted(c.values["category"] for c in cases).count("hr") == 2
    small, strata = draw(loaded, 3, seed=5, stratify="category")
    assert strata == {"fin": 1, "hr": 1, "net": 1}  # every stratum once when N allows
    assert sorted(c.values["category"] for c in small) == ["fin", "hr", "net"]
    again, _ = draw(loaded, 20, seed=5, stratify="category")
    assert [c.id for c in again] == [c.id for c in cases]
    with pytest.raises(ConfigError, match=r"--stratify: no column 'queue' in requests\.csv"):
        draw(loaded, 5, seed=1, stratify="queue")


@pytest.mark.parametrize(("sizes", "n", "want"), [
    ({"a": 60, "b": 30, "c": 10}, 10, {"a": 6, "b": 3, "c": 1}),
    ({"a": 98, "b": 1, "c": 1}, 10, {"a": 8, "b": 1, "c": 1}),   # the minimum of one
    ({"a": 98, "b": 1, "c": 1}, 2, {"a": 2, "b": 0, "c": 0}),    # N too small for it
    ({"a": 5, "b": 5}, 20, {"a": 5, "b": 5}),                     # all of it
    ({"a": 2, "b": 2, "c": 2}, 5, {"a": 1, "b": 2, "c": 2}),      # a tie: a fixed order
])
def test_allocation(sizes: dict[str, int], n: int, want: dict[str, int]) -> None:
    got = allocate(sizes, n)
    assert got == want and sum(got.values()) == min(n, sum(sizes.values()))


def test_profile_of_messy_columns(unmasked: Path) -> None:
    dates = column_quality("opened", ["2026-08-07", "Sep 25, 2026", "08/07/2026", "",
                                      "2026-08-09"])
    assert dates.kind == "date" and dates.missing == 1 and dates.inconsistent
    assert dates.formats == {"YYYY-MM-DD": 2, "Month D, YYYY": 1, "NN/NN/YYYY": 1}
    amounts = column_quality("amount", ["USD 1,200.50", "300.00", "1.200,00", "$5.00"])
    assert amounts.kind == "amount" and amounts.inconsistent
    assert amounts.formats == {"with currency, dot decimal": 2, "bare, dot decimal": 1,
                               "bare, comma decimal": 1}
    words = column_quality("decision", ["Approved", "approved ", "approved", "Declined"])
    assert words.kind == "text" and words.case_variants == 2 and words.untrimmed == 1
    assert words.duplicated == 0 and words.distinct == 4
    clean = column_quality("id", ["a", "b", "c"])
    assert not clean.inconsistent and clean.duplicated == 0
    loaded = load_pack(unmasked)
    sample, _ = draw(loaded, None, seed=1)
    q = profile(loaded, sample, 1)
    assert (q.population, q.sampled, q.duplicate_rows, q.empty_rows_skipped) == (4, 4, 1, 1)
    by = {c.column: c for c in q.columns}
    assert by["decision"].case_variants == 1 and by["decision"].untrimmed == 1
    assert by["amount"].missing == 1
