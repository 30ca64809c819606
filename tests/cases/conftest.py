"""A small case pack written into a temporary folder: an access-request queue of five cases
(one of them a duplicate row, one row empty) joined to an employee table."""

from __future__ import annotations

from pathlib import Path

import pytest

REQUESTS = (
    "ticket_id,requester_name,requester_email,employee_id,system,amount,request_text,category,"
    "decision\n"
    "R-1,Olivia Smith,olivia.smith@corp.test,E1,VPN,USD 1200.50,"
    "\"Hi, I am Olivia Smith (olivia.smith@corp.test, 555-201-3344), I need VPN.\",net,Approved\n"
    "R-2,Liam Jones,liam.jones@corp.test,E2,SAP,300,Need SAP read access. Liam,fin,declined\n"
    ",,,,,,,,\n"
    "R-3,Emma Brown,emma.brown@corp.test,E3,SAP,\"1.200,00\",SAP write please,fin,Escalated \n"
    "R-2,Liam Jones,liam.jones@corp.test,E2,SAP,300,Need SAP read access. Liam,fin,declined\n"
    "R-4,Noah Davis,noah.davis@corp.test,E1,VPN,,VPN for Noah Davis,net,approved\n"
)
EMPLOYEES = (
    "employee_id,full_name,email,phone,status,card_number\n"
    "E1,Olivia Smith,olivia.smith@corp.test,555-201-3344,active,4111 1111 1111 1111\n"
    "E2,Liam Jones,liam.jones@corp.test,(555) 202-4455,terminated,5500 0000 0000 0004\n"
    "E3,Emma Brown,emma.brown@corp.test,+1 555 203 5566,active,3400 0000 0000 009\n"
)
PACK = """\
name: access
scenario: access.yaml
cases:
  file: requests.csv
  id: ticket_id
  text: request_text
  category: category
  impact: amount
records:
  - collection: requests
    numbers: [amount]
    set: {status: pending}
  - collection: employees
    file: employees.csv
    match: {employee_id: employee_id}
resolution:
  collection: requests
  key: ticket_id
  decision:
    column: decision
    field: status
    values: {approve: [approved], decline: [declined], escalate: [escalated]}
"""
TEMPLATE = """\
id: access
title: Access requests
version: 1
domain: it-helpdesk
probes: [branching]
human_baseline: {minutes: 5}
world:
  requests: []
  employees: []
tools:
  - name: list_open_requests
    description: List the requests waiting for a decision.
    parameters: {type: object, properties: {}}
    effect: {filter: requests, where: {status: pending}}
  - name: get_employee
    description: Get an employee by id.
    parameters:
      type: object
      properties: {employee_id: {type: string}}
      required: [employee_id]
    effect:
      find: employees
      where: {employee_id: "{{ args.employee_id }}"}
      not_found: "not found"
  - name: decide_request
    description: Record the decision.
    parameters:
      type: object
      properties:
        ticket_id: {type: string}
        decision: {type: string, enum: [approved, declined, escalated]}
      required: [ticket_id, decision]
    effect:
      update: requests
      where: {ticket_id: "{{ args.ticket_id }}"}
      set: {status: "{{ args.decision }}"}
      not_found: "not found"
task:
  - user: "(the case's text)"
expect:
  milestones:
    - {call: list_open_requests}
reference:
  - {call: list_open_requests, save: open}
  - {call: get_employee, args: {employee_id: "{{ open[0].employee_id }}"}, save: emp}
  - call: decide_request
    args:
      ticket_id: "{{ open[0].ticket_id }}"
      decision: "{{ emp.status == 'active' && 'approved' || 'declined' }}"
  - say: Done.
"""
KEY = "test-masking-key-0123456789abcdef"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """The pack definition, and (in exports/) the unmasked export it is imported from."""
    folder = tmp_path / "access"
    folder.mkdir()
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "access.yaml").write_text(TEMPLATE, encoding="utf-8")
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "requests.csv").write_text(REQUESTS, encoding="utf-8")
    (exports / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
    return folder


@pytest.fixture
def unmasked(pack_dir: Path) -> Path:
    """The pack with the export copied in as it is (not masked)."""
    for f in (pack_dir.parent / "exports").iterdir():
        (pack_dir / f.name).write_bytes(f.read_bytes())
    return pack_dir
