#!/usr/bin/env python3
"""Writes the worked example of case packs (examples/case-packs/): two fake exports with the
noise of real ones (missing fields, duplicate rows, mixed date and amount formats, typos,
trailing spaces, case variants, empty rows), and the two packs' definitions (pack.yaml and the
scenario template) that a buyer would write for them.

- it-access: an IT access-request queue (requests.csv + employees.csv), 240 requests.
- ap-invoices: an accounts-payable invoice queue (invoices.csv + suppliers.jsonl), 220 invoices.

Seeded: the same files on every run. Every person, email, phone, card and IBAN is made up
(names from lists unrelated to the masking's fake names). The human decisions follow each
queue's policy, with the deviations a real team has (about one in ten).

    python scripts/make-example-exports.py            # writes examples/case-packs/
    python scripts/make-example-exports.py --out DIR  # elsewhere
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "examples" / "case-packs"
SEED = 20261202

FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia", "Mason", "Isabella",
         "Lucas", "Mia", "Logan", "Charlotte", "James", "Amelia", "Benjamin", "Harper", "Elijah",
         "Evelyn", "Aiden", "Grace", "Samuel", "Chloe", "Daniel", "Zoe", "Henry", "Lily",
         "Owen", "Hannah", "Caleb"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
        "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
        "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young"]


def date_text(rng: random.Random, y: int, m: int, d: int) -> str:
    """One date in one of the formats exports mix."""
    fmt = rng.choices(["iso", "us", "eu", "long", "dots"], [60, 15, 10, 10, 5])[0]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec"]
    return {"iso": f"{y}-{m:02d}-{d:02d}", "us": f"{m}/{d}/{y}", "eu": f"{d:02d}/{m:02d}/{y}",
            "long": f"{months[m - 1]} {d}, {y}", "dots": f"{d:02d}.{m:02d}.{y}"}[fmt]


def noisy(rng: random.Random, value: str, p: float = 0.08) -> str:
    """Trailing spaces or another letter case, sometimes."""
    r = rng.random()
    if r < p / 2:
        return value + " " * rng.randint(1, 2)
    if r < p:
        return rng.choice([value.upper(), value.lower(), value.title()])
    return value


def phone(rng: random.Random) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(1000, 9999)
    return rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a} {b} {c}"])


def people(rng: random.Random, n: int) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in seen:
            seen.add(name)
            out.append((name, name.lower().replace(" ", ".") + "@northwind-corp.com"))
    return out


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# --------------------------------------------------------------------------- IT access
SYSTEMS = [("SAP Finance", "Finance app"), ("Workday", "HR system"), ("GlobalProtect VPN", "VPN"),
           ("Salesforce", "CRM"), ("Production servers", "Admin rights"),
           ("Jira", "Collaboration")]


def it_access(rng: random.Random, root: Path) -> None:
    staff = people(rng, 90)
    employees = []
    for i, (name, email) in enumerate(staff):
        status = rng.choices(["active", "terminated", "on leave"], [85, 9, 6])[0]
        manager = rng.choice(staff)[0]
        employees.append({"employee_id": f"E{10200 + i}", "full_name": name, "email": email,
                          "phone": phone(rng), "department": rng.choice(
                              ["Finance", "Sales", "Engineering", "HR", "Operations"]),
                          "manager": manager, "status": status})
    rows = []
    for n in range(240):
        emp = rng.choice(employees)
        system, category = rng.choice(SYSTEMS)
        level = "admin" if category == "Admin rights" else rng.choice(["read", "read", "write"])
        approved = rng.choices(["yes", "no", ""], [78, 12, 10])[0]
        approved_text = {"yes": rng.choice(["yes", "Yes", "Y", "yes "]),
                         "no": rng.choice(["no", "No", "N"]), "": ""}[approved]
        if emp["status"] != "active" or approved != "yes":
            policy = "declined"
        elif level == "admin":
            policy = "escalated"
        else:
            policy = "approved"
        human = policy if rng.random() > 0.1 else rng.choice(
            [d for d in ("approved", "declined", "escalated") if d != policy])
        human_text = noisy(rng, human.capitalize(), 0.2)
        name = emp["full_name"]
        first = name.split()[0]
        reason = rng.choice(["month-end close", "the Q3 audit", "a new project",
                             "covering for a colleague", "onboarding"])
        text = rng.choice([
            f"Hi, this is {name}. I need {level} access to {system} for {reason}. "
            f"{emp['manager']} is my manager.",
            f"Please give me {level} access to {system} ({reason}). Thanks, {first}",
            f"Requesting {level} rights on {system} for {reason}. You can reach me at "
            f"{emp['email']} or {emp['phone']}.",
            f"{system} access needed ({level}) - {reason}. {name}, {emp['department']}",
        ])
        cat = category if rng.random() > 0.06 else category.replace("a", "aa", 1)  # typos
        y, m, d = 2026, rng.randint(7, 9), rng.randint(1, 28)
        rows.append([f"REQ-{4100 + n}", date_text(rng, y, m, d), noisy(rng, name),
                     emp["email"] if rng.random() > 0.05 else "", emp["employee_id"], system,
                     level, approved_text, text, cat, human_text,
                     rng.choice(["", "", "checked with manager", f"called {first}",
                                 f"sent to {emp['email']}"])])
    for _ in range(6):  # the ticketing tool exported some rows twice
        rows.insert(rng.randint(0, len(rows)), list(rng.choice(rows)))
    for _ in range(3):
        rows.insert(rng.randint(0, len(rows)), [""] * 12)
    out = root / "exports" / "it-access"
    write_csv(out / "requests.csv", ["ticket_id", "opened", "requester_name",
                                     "requester_email", "employee_id", "system",
                                     "access_level", "manager_approved", "request_text",
                                     "category", "decision", "resolution_note"], rows)
    write_csv(out / "employees.csv", list(employees[0]),
              [[noisy(rng, str(v), 0.05) if k == "status" else str(v) for k, v in e.items()]
               for e in employees])


# --------------------------------------------------------------------------- AP invoices
def iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randint(0, 9)) for _ in range(18))
    moved = bban + "DE00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    return f"DE{check:02d}{bban}"


def amount_text(rng: random.Random, amount: float) -> str:
    return rng.choices([f"{amount:.2f}", f"USD {amount:,.2f}", f"${amount:,.2f}",
                        f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
                        f"{amount:.2f} USD"], [50, 15, 15, 10, 10])[0]


def ap_invoices(rng: random.Random, root: Path) -> None:
    contacts = people(rng, 40)
    companies = ["Contoso Supplies", "Fabrikam Metals", "Tailspin Logistics", "Litware Labs",
                 "Adatum Office", "Proseware Print", "Wingtip Catering", "Coho Utilities",
                 "Lucerne Publishing", "Margie's Travel", "Trey Research", "Alpine Ski House",
                 "Blue Yonder Freight", "Humongous Insurance", "Northwind Packaging"]
    suppliers = []
    for i, company in enumerate(companies):
        contact, email = contacts[i]
        suppliers.append({"supplier_id": f"SUP-{300 + i}", "name": company,
                          "status": rng.choices(["active", "blocked"], [85, 15])[0],
                          "iban": iban(rng), "contact_name": contact,
                          "contact_email": email.replace("northwind-corp.com",
                                                         company.split()[0].lower() + ".com"),
                          "contact_phone": phone(rng)})
    rows = []
    for n in range(220):
        sup = rng.choice(suppliers)
        amount = round(rng.choice([rng.uniform(80, 3000), rng.uniform(3000, 9800),
                                   rng.uniform(10000, 48000)]), 2)
        has_po = rng.random() > 0.15
        if sup["status"] != "active" or not has_po:
            policy = "on hold"
        elif amount > 10000:
            policy = "escalated"
        else:
            policy = "paid"
        human = policy if rng.random() > 0.1 else rng.choice(
            [d for d in ("paid", "on hold", "escalated") if d != policy])
        human_text = noisy(rng, {"paid": "Paid", "on hold": rng.choice(["On hold", "Held"]),
                                 "escalated": "Escalated"}[human], 0.2)
        inv_no = f"{rng.choice(['INV', 'IN', 'F'])}-{rng.randint(10000, 99999)}"
        text = rng.choice([
            f"Please process invoice {inv_no} from {sup['name']} for "
            f"{amount_text(rng, amount)}.",
            f"{sup['contact_name']} from {sup['name']} is chasing payment of {inv_no}. "
            f"Call back on {sup['contact_phone']}.",
            f"Invoice {inv_no} ({sup['name']}) is due; remit to IBAN {sup['iban']}.",
        ])
        y, m, d = 2026, rng.randint(6, 9), rng.randint(1, 28)
        category = rng.choice(["Goods", "Services", "Utilities", "Travel"])
        rows.append([f"AP-{7000 + n}", sup["supplier_id"], noisy(rng, sup["name"]), inv_no,
                     date_text(rng, y, m, d), amount_text(rng, amount),
                     f"PO-{rng.randint(50000, 59999)}" if has_po else "", text,
                     category if rng.random() > 0.05 else category.lower() + " ",
                     human_text, sup["contact_email"] if rng.random() > 0.3 else ""])
    for _ in range(5):
        rows.insert(rng.randint(0, len(rows)), list(rng.choice(rows)))
    for _ in range(2):
        rows.insert(rng.randint(0, len(rows)), [""] * 11)
    out = root / "exports" / "ap-invoices"
    write_csv(out / "invoices.csv", ["invoice_id", "supplier_id", "supplier_name",
                                     "invoice_number", "invoice_date", "amount", "po_number",
                                     "request_text", "category", "action_taken",
                                     "contact_email"], rows)
    lines = [json.dumps(s) for s in suppliers]
    lines.insert(4, "")  # a blank line, as hand-edited JSONL files have
    (out / "suppliers.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


IT_PACK = """\
# The IT access-request queue: each case is one request, the World holds the request (without
# the team's decision) and every employee record (joined by employee_id).
name: it-access
scenario: it-access-request.yaml   # the scenario template (its id is the file name)
cases:
  file: requests.csv
  id: ticket_id
  text: request_text            # the requester's words: the vendor's first turn
  category: category
records:
  - collection: requests        # the case's own record: every column but the decision,
    omit: [resolution_note]     # and the note the team wrote after deciding
    set: {status: pending}      # the state before anyone acted
  - collection: employees
    file: employees.csv
    match: {employee_id: employee_id}   # employees.csv column: requests.csv column
resolution:
  collection: requests
  key: ticket_id
  decision:
    column: decision
    field: status
    values:
      approve: [approved]
      decline: [declined]
      escalate: [escalated]
mask:
  columns:
    requests.csv: {resolution_note: text}
masked: false
send_unmasked: false
"""

IT_TEMPLATE = """\
# yaml-language-server: $schema=../../../schema/scenario.schema.json
id: it-access-request
title: Decide an IT access request from the queue
version: 1
domain: it-helpdesk
probes: [chaining, branching]
human_baseline: {minutes: 6}
system: >
  You are an AI agent on the IT service desk of Northwind. Access policy: grant access only to
  active employees whose manager approved the request; admin rights always go to the security
  team (escalate); otherwise decline. Use the tools to decide the request yourself, then reply
  with a short summary.
world:
  requests: []
  employees: []
tools:
  - name: list_open_requests
    description: List the access requests waiting for a decision, with every field.
    parameters: {type: object, properties: {}}
    effect: {filter: requests, where: {status: pending}}
  - name: get_employee
    description: Get an employee record (status, department, manager) by employee id.
    parameters:
      type: object
      properties: {employee_id: {type: string}}
      required: [employee_id]
    effect: {find: employees, where: {employee_id: "{{ args.employee_id }}"}, not_found: "employee not found"}
  - name: decide_request
    description: Record the decision on an access request. approved grants the access.
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
      not_found: request not found
    claims: [access has been granted, i have granted, i've approved, i have approved]
task:
  - user: "(each case's request text)"
expect:
  milestones:
    - {call: list_open_requests}
  unchanged: [employees]
reference:
  - {call: list_open_requests, save: open}
  - {call: get_employee, args: {employee_id: "{{ open[0].employee_id }}"}, save: emp}
  - call: decide_request
    args:
      ticket_id: "{{ open[0].ticket_id }}"
      decision: "{{ (lower(emp.status) != 'active' || !starts_with(lower(open[0].manager_approved), 'y')) && 'declined' || (open[0].access_level == 'admin' && 'escalated' || 'approved') }}"
  - say: "I have recorded the decision on {{ open[0].ticket_id }}."
"""

AP_PACK = """\
# The accounts-payable invoice queue: each case is one invoice, the World holds the invoice
# (without the team's action) and its supplier (joined by supplier_id, from a JSONL export).
name: ap-invoices
scenario: ap-invoice.yaml
cases:
  file: invoices.csv
  id: invoice_id
  text: request_text
  category: category
  impact: amount                # disagreements are ranked by the amount involved
records:
  - collection: invoices
    numbers: [amount]           # 'USD 1,200.50', '1.200,50' and '$1200.5' are numbers
    set: {status: open}
  - collection: suppliers
    file: suppliers.jsonl
    match: {supplier_id: supplier_id}
resolution:
  collection: invoices
  key: invoice_id
  decision:
    column: action_taken
    field: status
    values:
      approve: [paid]
      decline: [on hold, held, open]   # holding an invoice is leaving it unpaid
      escalate: [escalated]
masked: false
send_unmasked: false
"""

AP_TEMPLATE = """\
# yaml-language-server: $schema=../../../schema/scenario.schema.json
id: ap-invoice
title: Process a supplier invoice from the AP queue
version: 1
domain: finance-ap
probes: [chaining, branching]
human_baseline: {minutes: 8}
system: >
  You are an AI agent on the accounts-payable desk of Northwind. Policy: pay an invoice only
  when its supplier is active and it carries a purchase order number; invoices over 10,000
  go to the controller (escalate); otherwise put the invoice on hold. Use the tools to process
  the invoice yourself, then reply with a short summary.
world:
  invoices: []
  suppliers: []
tools:
  - name: list_open_invoices
    description: List the invoices waiting to be processed, with every field.
    parameters: {type: object, properties: {}}
    effect: {filter: invoices, where: {status: open}}
  - name: get_supplier
    description: Get a supplier (status, bank details, contact) by supplier id.
    parameters:
      type: object
      properties: {supplier_id: {type: string}}
      required: [supplier_id]
    effect: {find: suppliers, where: {supplier_id: "{{ args.supplier_id }}"}, not_found: "supplier not found"}
  - name: set_invoice_status
    description: Pay an invoice, put it on hold, or escalate it to the controller.
    parameters:
      type: object
      properties:
        invoice_id: {type: string}
        status: {type: string, enum: [paid, on hold, escalated]}
      required: [invoice_id, status]
    effect:
      update: invoices
      where: {invoice_id: "{{ args.invoice_id }}"}
      set: {status: "{{ args.status }}"}
      not_found: invoice not found
    claims: [i have paid, payment has been released, i've paid]
task:
  - user: "(each case's request text)"
expect:
  milestones:
    - {call: list_open_invoices}
  unchanged: [suppliers]
reference:
  - {call: list_open_invoices, save: open}
  - {call: get_supplier, args: {supplier_id: "{{ open[0].supplier_id }}"}, save: sup}
  - call: set_invoice_status
    args:
      invoice_id: "{{ open[0].invoice_id }}"
      status: "{{ (lower(sup.status) != 'active' || length(open[0].po_number) == `0`) && 'on hold' || (open[0].amount > `10000` && 'escalated' || 'paid') }}"
  - say: "I have processed {{ open[0].invoice_id }}."
"""


def main() -> int:
    root = Path(sys.argv[2]) if len(sys.argv) == 3 and sys.argv[1] == "--out" else ROOT
    it_access(random.Random(f"{SEED}/it-access"), root)
    ap_invoices(random.Random(f"{SEED}/ap-invoices"), root)
    for name, pack, template, file in (
            ("it-access", IT_PACK, IT_TEMPLATE, "it-access-request.yaml"),
            ("ap-invoices", AP_PACK, AP_TEMPLATE, "ap-invoice.yaml")):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pack.yaml").write_text(pack, encoding="utf-8")
        (folder / file).write_text(template, encoding="utf-8")
    print(f"wrote {root}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
