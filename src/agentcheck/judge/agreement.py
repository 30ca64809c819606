"""How far the second reader agrees with the deterministic one: Cohen's kappa over the
sentences both labelled, per vendor and overall, and every sentence where they differ.

Cohen's kappa (Cohen 1960) corrects the share of sentences given the same label (p_o) for the
agreement two readers would reach by chance with their own label frequencies (p_e):

    kappa = (p_o - p_e) / (1 - p_e),   p_e = sum over labels of (row total x column total) / n^2

from the confusion matrix of the two readers' labels. 1 is perfect agreement, 0 what chance
gives, below 0 worse than chance. When both readers gave every sentence one and the same label,
p_e is 1 and kappa is undefined (None); the observed agreement is shown beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from agentcheck.results.records import TrialRecord


def confusion(pairs: Iterable[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """(reader, judge) -> how many sentences got that pair of labels."""
    return Counter(pairs)


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two readers' labels, one (a, b) pair per item; None when undefined (no
    item, or chance agreement is certain because both always gave one and the same label)."""
    matrix = confusion(pairs)
    n = sum(matrix.values())
    if n == 0:
        return None
    rows: Counter[str] = Counter()
    cols: Counter[str] = Counter()
    for (a, b), count in matrix.items():
        rows[a] += count
        cols[b] += count
    observed = sum(count for (a, b), count in matrix.items() if a == b) / n
    expected = sum(rows[label] * cols[label] for label in rows) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True)
class Disagreement:
    vendor: str
    scenario: str
    trial: int
    sentence: str
    reader: str
    judge: str


@dataclass
class Agreement:
    """One vendor's (or the run's) sentences labelled by both readers."""

    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    trials: int = 0
    """Trials the second reader answered for."""
    errors: int = 0
    skipped: int = 0
    cached: int = 0
    decided: int = 0
    cost_usd: float = 0.0

    @property
    def sentences(self) -> int:
        return sum(self.pairs.values())

    @property
    def observed(self) -> float | None:
        n = self.sentences
        return sum(c for (a, b), c in self.pairs.items() if a == b) / n if n else None

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.pairs.elements())


@dataclass
class AgreementSink:
    """Fed every trial record (results/files.py fold_trials): the agreement per vendor and
    overall, every disagreement, the profiles and models that read, and why any trial could
    not be read."""

    vendor_order: list[str]
    vendors: dict[str, Agreement] = field(default_factory=dict)
    overall: Agreement = field(default_factory=Agreement)
    disagreements: list[Disagreement] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    readers: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(profile, model, prompt) -> trials it answered for."""

    def add(self, record: TrialRecord) -> None:
        reading = record.second_reader
        if reading is None:
            return
        mine = self.vendors.setdefault(record.vendor, Agreement())
        for tally in (mine, self.overall):
            if reading.status == "error":
                tally.errors += 1
            elif reading.status == "skipped":
                tally.skipped += 1
            else:
                tally.trials += 1
                tally.cached += reading.cached
                tally.decided += reading.decided
            tally.cost_usd += float(reading.cost_usd)
        if reading.status == "error":
            self.reasons[reading.reason or "unknown"] += 1
            return
        if reading.status != "ok":
            return
        self.readers[(reading.profile, reading.model, reading.prompt)] += 1
        for s in reading.sentences:
            if s.judge is None:
                continue
            mine.pairs[(s.reader, s.judge)] += 1
            self.overall.pairs[(s.reader, s.judge)] += 1
            if s.reader != s.judge:
                self.disagreements.append(Disagreement(record.vendor, record.scenario,
                                                       record.trial, s.text, s.reader,
                                                       s.judge))

    @property
    def any(self) -> bool:
        return bool(self.vendors)

    def ordered(self) -> list[tuple[str, Agreement]]:
        """Per vendor, in the run's vendor order (vendors not in it last, by name)."""
        known = [v for v in self.vendor_order if v in self.vendors]
        rest = sorted(v for v in self.vendors if v not in self.vendor_order)
        return [(v, self.vendors[v]) for v in known + rest]
