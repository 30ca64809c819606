"""`agentcheck new scenario`: a commented, working scenario to start from.

The scaffold validates and proves as written, so an engineer starts from green and changes one
thing at a time.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ConfigError

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A scenario: one enterprise task, a simulated world, and how to judge what the agent did.
# Check it with:  agentcheck validate --prove {path}
# Guide: CONTRIBUTING.md. Field reference: agentcheck schema.
id: {id}                        # kebab-case, equals the file name
title: Close a support ticket for a customer known only by email   # business language
version: 1                      # bump when the task or its checks change
domain: {domain}
probes: [chaining]              # what it tests: chaining planning branching recovery multi_turn
                                # abstention guardrails injection collateral noisy
human_baseline: {{minutes: 4}}   # how long a trained person takes: feeds "minutes saved"
description: >
  Say what the agent must do and why a chatbot cannot fake it.

# The world: collections of records, generated per trial from a seed so nothing can be guessed.
# Generators: id('PFX') email() name() company() amount(lo, hi) integer(lo, hi) pick('a', 'b') ...
world:
  customers:
    - {{id: "{{{{ id('CUS') }}}}", email: "{{{{ email() }}}}", name: "{{{{ name() }}}}"}}
  tickets:
    - {{id: "{{{{ id('TCK') }}}}", customer_id: "{{{{ customers[0].id }}}}", status: open}}
    - {{id: "{{{{ id('TCK') }}}}", customer_id: other, status: open}}

# Tools: JSON-Schema parameters and a declarative effect (find filter insert update delete return).
tools:
  - name: find_customer
    description: Find a customer by email address.
    parameters: {{type: object, properties: {{email: {{type: string}}}}, required: [email]}}
    effect: {{find: customers, where: {{email: "{{{{ args.email }}}}"}}, not_found: no such customer}}
  - name: list_tickets
    description: List a customer's tickets.
    parameters: {{type: object, properties: {{customer_id: {{type: string}}}}, required: [customer_id]}}
    effect: {{filter: tickets, where: {{customer_id: "{{{{ args.customer_id }}}}"}}}}
  - name: close_ticket
    description: Close a ticket by id.
    parameters: {{type: object, properties: {{ticket_id: {{type: string}}}}, required: [ticket_id]}}
    effect: {{update: tickets, where: {{id: "{{{{ args.ticket_id }}}}"}}, set: {{status: closed}}}}
    # guards: [{{check: {{path: record.status, is: open}}, error: "ticket is not open"}}]
    # faults: [{{calls: [1], error: "503 ticketing unavailable, try again"}}]
    claims: [ticket has been closed, closed the ticket, closed your ticket]

# The user's turns; later ones can be {{user: ..., only_if_asked: true}}.
task:
  - user: "Hi, this is {{{{ customers[0].email }}}}. My issue is fixed, please close my ticket."

# How to judge: the world's final state first, then the calls that must (not) happen.
expect:
  outcome:
    - "tickets[0].status == 'closed'"
    - {{path: "tickets[1].status", is: open, label: the other customer's ticket is untouched}}
  unchanged: [customers]
  milestones:
    - {{call: find_customer}}
    - {{call: close_ticket, args: {{ticket_id: "{{{{ tickets[0].id }}}}"}}}}
  minefields:
    - {{call: close_ticket, args: {{ticket_id: {{not: "{{{{ tickets[0].id }}}}"}}}}, reason: closed someone else's ticket}}
  answer: {{mentions: ["{{{{ tickets[0].id }}}}"]}}

# The golden solution, replayed from what an agent sees: `user` (the user's messages), results
# saved by name, `last`. It proves the scenario is solvable without peeking at the world.
reference:
  - {{call: find_customer, args: {{email: "{{{{ email_in(user) }}}}"}}, save: customer}}
  - {{call: list_tickets, args: {{customer_id: "{{{{ customer.id }}}}"}}, save: tickets}}
  - {{call: close_ticket, args: {{ticket_id: "{{{{ tickets[?status=='open'] | [0].id }}}}"}}, save: closed}}
  - say: "I closed ticket {{{{ closed.id }}}}."
"""


def new_scenario(scenario_id: str, domain: str, root: Path) -> Path:
    kebab = r"^[a-z0-9]+(-[a-z0-9]+)*$"
    if not re.match(kebab, scenario_id):
        raise ConfigError(f"scenario id {scenario_id!r} must be kebab-case, e.g. close-ticket")
    if not re.match(kebab, domain):
        raise ConfigError(f"domain {domain!r} must be kebab-case, e.g. it-helpdesk")
    folder = root / domain
    path = folder / f"{scenario_id}.yaml"
    if path.exists():
        raise ConfigError(f"{path} already exists; choose another id")
    existing = list(root.rglob(f"{scenario_id}.yaml")) if root.exists() else []
    if existing:
        raise ConfigError(f"scenario id {scenario_id!r} is already used by {existing[0]}")
    folder.mkdir(parents=True, exist_ok=True)
    schema = Path("../" * len(path.relative_to(root).parts[:-1]) + "../schema/scenario.schema.json")
    path.write_text(TEMPLATE.format(id=scenario_id, domain=domain, path=path, schema=schema),
                    encoding="utf-8")
    return path
