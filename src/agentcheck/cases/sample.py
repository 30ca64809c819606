"""A reproducible random sample of a pack's cases (stratified by a column when asked), and the
data-quality profile of what was drawn: the buyer sees how messy the data the vendors faced was.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter

from agentcheck.cases.pack import Case, LoadedPack, parse_number
from agentcheck.core.errors import ConfigError
from agentcheck.results.cases import ColumnQuality, DataQuality


def _stratum(case: Case, column: str) -> str:
    return " ".join(case.values.get(column, "").split()).casefold() or "(empty)"


def allocate(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Proportional allocation of n over strata (largest remainder), every stratum at least one
    when n allows it, never more than a stratum holds."""
    total = sum(sizes.values())
    if n >= total:
        return dict(sizes)
    keys = sorted(sizes)
    floor = len(keys) <= n
    quota = {k: n * sizes[k] / total for k in keys}
    take = {k: max(1 if floor else 0, int(quota[k])) for k in keys}
    take = {k: min(v, sizes[k]) for k, v in take.items()}
    while sum(take.values()) > n:  # the minimum of one pushed it over: trim the largest
        k = max((k for k in keys if take[k] > (1 if floor else 0)),
                key=lambda k: (take[k] - quota[k], take[k], k))
        take[k] -= 1
    while sum(take.values()) < n:
        k = max((k for k in keys if take[k] < sizes[k]),
                key=lambda k: (quota[k] - take[k], sizes[k], k))
        take[k] += 1
    return take


def draw(loaded: LoadedPack, n: int | None, seed: int, stratify: str | None = None
         ) -> tuple[list[Case], dict[str, int]]:
    """(the sampled cases in the table's order, cases drawn per stratum)."""
    cases = loaded.cases
    if n is not None and n < 1:
        raise ConfigError("--sample must be at least 1")
    if stratify is not None and stratify not in loaded.case_table.columns:
        raise ConfigError(f"--stratify: no column {stratify!r} in {loaded.pack.cases.file} "
                          f"(its columns: {', '.join(loaded.case_table.columns)})")
    rng = random.Random(f"agentcheck-cases/{seed}")
    if stratify is None:
        chosen = cases if n is None or n >= len(cases) else rng.sample(cases, n)
        return sorted(chosen, key=lambda c: c.row), {}
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(_stratum(case, stratify), []).append(case)
    take = allocate({k: len(v) for k, v in groups.items()}, n or len(cases))
    chosen = [c for k in sorted(groups) for c in rng.sample(groups[k], take[k])]
    return sorted(chosen, key=lambda c: c.row), {k: take[k] for k in sorted(groups)}


DATE_FORMATS = (
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "YYYY-MM-DD"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?"), "YYYY-MM-DD hh:mm"),
    (re.compile(r"^\d{4}/\d{2}/\d{2}$"), "YYYY/MM/DD"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "NN/NN/YYYY"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "DD.MM.YYYY"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "NN-NN-YYYY"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{2}$"), "NN/NN/YY"),
    (re.compile(r"^\d{1,2} [A-Za-z]{3,9},? \d{4}$"), "D Month YYYY"),
    (re.compile(r"^[A-Za-z]{3,9} \d{1,2},? \d{4}$"), "Month D, YYYY"),
)
CURRENCY_RE = re.compile(r"(?i)[$€£¥]|\b[A-Z]{3}\b")


def _value_format(value: str) -> tuple[str, str] | None:
    """(kind, format) of a value that is a date or an amount; None otherwise."""
    v = value.strip()
    for pattern, name in DATE_FORMATS:
        if pattern.match(v):
            return "date", name
    number = parse_number(v)
    if number is None:
        return None
    currency = "with currency" if CURRENCY_RE.search(v) else "bare"
    digits_end = re.sub(r"[^\d.,]+$", "", v)
    decimal = ("comma decimal" if re.search(r",\d{1,2}$", digits_end) else
               "dot decimal" if re.search(r"\.\d{1,2}$", digits_end) else "no decimal")
    if currency == "bare" and decimal == "no decimal":
        return "number", "integer"
    return "amount", f"{currency}, {decimal}"


def column_quality(column: str, values: list[str]) -> ColumnQuality:
    filled = [v for v in values if v.strip()]
    counts = Counter(filled)
    folded: dict[str, set[str]] = {}
    for v in counts:
        folded.setdefault(" ".join(v.split()).casefold(), set()).add(v)
    case_variants = sum(len(group) - 1 for group in folded.values() if len(group) > 1)
    formats: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for v in filled:
        found = _value_format(v)
        if found is not None:
            kinds[found[0]] += 1
            formats[found[1]] += 1
    kind = "empty" if not filled else "text"
    if filled and sum(kinds.values()) >= 0.8 * len(filled):
        kind = "date" if kinds["date"] >= kinds["amount"] + kinds["number"] else \
            "amount" if kinds["amount"] else "number"
    if kind not in ("date", "amount"):
        formats = Counter()
    untrimmed = sum(1 for v in filled if v != v.strip())
    return ColumnQuality(
        column=column, kind=kind,  # type: ignore[arg-type]
        missing=len(values) - len(filled), distinct=len(counts),
        duplicated=sum(c - 1 for c in counts.values()), formats=dict(formats.most_common()),
        case_variants=case_variants, untrimmed=untrimmed,
        inconsistent=len(formats) > 1 or case_variants > 0 or untrimmed > 0)


def profile(loaded: LoadedPack, sample: list[Case], seed: int | None = None,
            stratify: str | None = None, strata: dict[str, int] | None = None) -> DataQuality:
    table = loaded.case_table
    empty = table.empty_rows
    report = loaded.folder / "masking-report.json"
    if report.is_file():  # import drops empty rows: the export's count is in the report
        try:
            files = json.loads(report.read_text(encoding="utf-8")).get("files", {})
            empty += int(files.get(loaded.pack.cases.file, {}).get("empty_rows_skipped", 0))
        except (ValueError, TypeError, AttributeError):
            pass
    ids = Counter(r.values.get(loaded.pack.cases.id, "").strip() for r in table.rows)
    return DataQuality(
        pack=loaded.pack.name, population=len(loaded.cases), sampled=len(sample), seed=seed,
        stratify=stratify, strata=strata or {}, empty_rows_skipped=empty,
        duplicate_rows=sum(c - 1 for c in ids.values() if c > 1),
        no_resolution=loaded.skipped,
        columns=[column_quality(col, [c.values.get(col, "") for c in sample])
                 for col in table.columns],
        masked=loaded.pack.masked)
