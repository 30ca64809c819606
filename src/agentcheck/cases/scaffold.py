"""`agentcheck new case-pack --from EXPORT DIR`: a commented pack.yaml whose mapping is guessed
from the export's headers, and a small scenario template to edit. Nothing of the export's data
is copied: the pack gets its tables from `agentcheck import`, masked."""

from __future__ import annotations

import json
import re
from pathlib import Path

from agentcheck.cases.masking import header_words
from agentcheck.cases.pack import PACK_FILE
from agentcheck.cases.tables import Table, read_table
from agentcheck.core.errors import ConfigError


def _pick(table: Table, words: set[str], avoid: set[str] = frozenset()  # type: ignore[assignment]
          ) -> str | None:
    for col in table.columns:
        if header_words(col) & words and col not in avoid:
            return col
    return None


def _longest(table: Table, avoid: set[str]) -> str:
    def avg(col: str) -> float:
        values = [len(r.values.get(col, "")) for r in table.rows[:200]]
        return sum(values) / max(1, len(values))
    return max((c for c in table.columns if c not in avoid), key=avg, default=table.columns[0])


def guess(table: Table) -> dict[str, str | None]:
    """The columns a pack needs, guessed from headers (and text length for the request)."""
    case_id = _pick(table, {"id", "number", "no", "ticket", "ref", "reference", "key"}) or \
        table.columns[0]
    decision = _pick(table, {"decision", "outcome", "resolution", "result", "disposition",
                             "action", "verdict", "approval"}, {case_id}) or \
        _pick(table, {"status", "state"}, {case_id})
    text = _pick(table, {"description", "request", "text", "message", "body", "details",
                         "summary", "subject"}, {case_id, decision or ""}) or \
        _longest(table, {case_id, decision or ""})
    category = _pick(table, {"category", "type", "queue", "kind", "group", "class"},
                     {case_id, text, decision or ""})
    impact = _pick(table, {"amount", "total", "value", "cost", "price", "sum"},
                   {case_id, text})
    return {"id": case_id, "text": text, "decision": decision, "category": category,
            "impact": impact}


def _values(table: Table, column: str | None) -> list[str]:
    if column is None:
        return []
    seen: dict[str, None] = {}
    for r in table.rows:
        v = " ".join(r.values.get(column, "").split()).lower()
        if v:
            seen.setdefault(v)
    return list(seen)[:12]


APPROVE = ("appr", "grant", "paid", "pay", "accept", "done", "resolv", "complet", "ok")
DECLINE = ("decl", "rej", "den", "hold", "held", "refus", "cancel")
ESCALATE = ("esc", "review", "refer", "forward")


def _like(values: list[str], stems: tuple[str, ...]) -> str:
    """The values with a word starting like one of `stems` ('on hold' is a hold)."""
    return ", ".join(v for v in values if any(w.startswith(stems) for w in v.split()))


def new_case_pack(sample: Path, folder: Path) -> list[Path]:
    table = read_table(sample)
    if (folder / PACK_FILE).exists():
        raise ConfigError(f"{folder / PACK_FILE} already exists; choose another folder")
    g = guess(table)
    name = folder.name or "my-cases"
    tid = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", name.lower())).strip("-") or "my-cases"
    template_file = f"{tid}.yaml"
    values = _values(table, g["decision"])
    # the template's tool writes the values the export uses, so its decisions map back
    says = [(_like(values, stems).split(", ")[0] or default) for stems, default in
            ((APPROVE, "approved"), (DECLINE, "declined"), (ESCALATE, "escalated"))]
    decision_block = (
        "  decision:\n"
        f"    column: {g['decision']}          # what the person decided\n"
        "    field: status               # the case record's field the vendor's tools set\n"
        "    values:                     # which values mean which decision (edit these)\n"
        f"      approve: [{_like(values, APPROVE) or 'approved'}]\n"
        f"      decline: [{_like(values, DECLINE) or 'declined'}]\n"
        f"      escalate: [{_like(values, ESCALATE) or 'escalated'}]\n"
    ) if g["decision"] else (
        "  # decision: {column: ..., field: status, values: {approve: [...], decline: [...]}}\n"
        "  state: {status: COLUMN}       # TODO: the column with the state the team left\n")
    lines = [
        "# A case pack: the scenario template, the case table, and how its columns map to",
        "# World records and to the human resolution. Guessed from the headers of",
        f"# {sample.name}: check every line. Columns: {', '.join(table.columns)}",
        f"name: {name}",
        f"scenario: {template_file}   # a normal scenario (its id is the file name) whose "
        "`world` the cases fill",
        "cases:",
        f"  file: {sample.name}           # written here, masked, by `agentcheck import`",
        f"  id: {g['id']}",
        f"  text: {g['text']}              # the requester's words: the vendor's first turn",
        f"  {'' if g['category'] else '# '}category: {g['category'] or 'COLUMN'}"
        "   # agreement is shown per category",
        f"  {'' if g['impact'] else '# '}impact: {g['impact'] or 'COLUMN'}"
        "     # a number ranking the disagreements (e.g. an amount)",
        "records:",
        "  - collection: cases           # one record from the case row: every column except",
        "    set: {status: pending}      # the resolution's, plus the state before anyone acted",
        "  # - collection: employees     # rows of another table joined to the case:",
        "  #   file: employees.csv",
        "  #   match: {employee_id: requester_id}   # its column: the case table's column",
        "resolution:",
        "  collection: cases             # the case's own record",
        f"  key: {g['id']}",
        decision_block.rstrip("\n"),
        "mask: {}                        # columns: {FILE: {COLUMN: name|email|phone|address|"
        "account|card|iban|text|none}} to override detection",
        "masked: false                   # set by agentcheck import",
        "send_unmasked: false            # true only if the pack may go to a vendor unmasked",
        "",
    ]
    key = g["id"]
    template = f"""# yaml-language-server: $schema=../../schema/scenario.schema.json
# The scenario template of a case pack: tools, checks and reference as in any scenario; the
# World comes from each case (the collections are listed here, left empty). Edit the tools to
# match what your team does with a case, and the reference to what it should do.
id: {tid}
title: Cases from {sample.name}
version: 1
domain: general
probes: [branching]
human_baseline: {{minutes: 10}}
world:
  cases: []
tools:
  - name: list_open_cases
    description: List the cases waiting for a decision, with every field.
    parameters: {{type: object, properties: {{}}}}
    effect: {{filter: cases, where: {{status: pending}}}}
  - name: decide_case
    description: Record the decision on a case (approve, decline or escalate).
    parameters:
      type: object
      properties:
        case_id: {{type: string}}
        decision: {{type: string, enum: [{", ".join(json.dumps(s) for s in says)}]}}
      required: [case_id, decision]
    effect:
      update: cases
      where: {{{key}: "{{{{ args.case_id }}}}"}}
      set: {{status: "{{{{ args.decision }}}}"}}
      not_found: case not found
task:
  - user: "(each case's request text)"
expect:
  milestones:
    - {{call: list_open_cases}}
reference:
  - {{call: list_open_cases, save: open}}
  - call: decide_case
    args: {{case_id: "{{{{ open[0].{key} }}}}", decision: {json.dumps(says[0])}}}
  - say: "I have approved the request."
"""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PACK_FILE).write_text("\n".join(lines), encoding="utf-8")
    written = [folder / PACK_FILE]
    if not (folder / template_file).exists():
        (folder / template_file).write_text(template, encoding="utf-8")
        written.append(folder / template_file)
    return written
