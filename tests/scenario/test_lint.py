"""Static checks (scenario/lint.py): every collection, field, parameter, saved name and function
an expression reads is resolved before anything runs, with `file:line: ... did you mean`; the
whole library passes without a false alarm."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentcheck.scenario.lint import lint
from agentcheck.scenario.model import load_scenario, load_scenarios
from agentcheck.scenario.source import load_file

from ..helpers.cli import agentcheck
from ..helpers.paths import SCENARIOS

GOOD = """\
id: tiny
title: Refund an order
version: 1
domain: test
probes: [chaining]
human_baseline: {minutes: 1}
world:
  customers:
    - {id: "{{ id('C') }}", email: "{{ email() }}"}
  orders:
    - {id: "{{ id('ORD') }}", customer_id: "{{ customers[0].id }}", total: 40, status: paid}
    - {id: "{{ id('ORD') }}", customer_id: "{{ customers[0].id }}", total: 90, status: paid}
  refunds: []
tools:
  - name: find_customer
    description: Find a customer by email.
    parameters: {type: object, properties: {email: {type: string}}, required: [email]}
    effect: {find: customers, where: {email: "{{ args.email }}"}}
  - name: list_orders
    description: List a customer's orders.
    parameters: {type: object, properties: {customer_id: {type: string}}, required: [customer_id]}
    effect: {filter: orders, where: {customer_id: "{{ args.customer_id }}"}, fields: [id, total]}
  - name: refund_order
    description: Refund an order.
    parameters: {type: object, properties: {order_id: {type: string}}, required: [order_id]}
    effect:
      update: orders
      where: {id: "{{ args.order_id }}"}
      set: {status: refunded, refunded_at: "2026-05-01"}
    guards:
      - check: {path: record.status, is: paid}
        error: "order {{ record.id }} is {{ record.status }}"
  - name: log_refund
    description: Log a refund.
    parameters: {type: object, properties: {order_id: {type: string}}, required: [order_id]}
    effect: {insert: refunds, values: {order_id: "{{ args.order_id }}", amount: 1}}
task:
  - user: "I'm {{ customers[0].email }}: refund my most expensive order, please."
expect:
  outcome:
    - {path: "orders[1].status", is: refunded}
    - "length(refunds[?order_id == '{{ orders[1].id }}']) == `1`"
  milestones: [{call: refund_order, args: {order_id: "{{ orders[1].id }}"}}]
  may_change: [orders.refunded_at]
reference:
  - {call: find_customer, args: {email: "{{ email_near(user, 'I''m') }}"}, save: customer}
  - {call: list_orders, args: {customer_id: "{{ customer.id }}"}, save: orders_seen}
  - {call: refund_order, args: {order_id: "{{ pick_max(orders_seen, 'total').id }}"}}
  - {call: log_refund, args: {order_id: "{{ last.id }}"}}
  - say: "Refunded {{ pick_max(orders_seen, 'total').id }} ({{ last.amount }})."
"""


def problems(write_yaml, text: str) -> list[str]:
    path = write_yaml("tiny.yaml", text)
    return [e.render() for e in lint(load_scenario(path), load_file(path))]


def test_good_file_has_no_problem(write_yaml) -> None:
    assert problems(write_yaml, GOOD) == []


@pytest.mark.parametrize(("old", "new", "message"), [
    ('path: "orders[1].status"', 'path: "ordres[1].status"',
     "tiny.yaml:{line}: expect.outcome[0].path: unknown collection 'ordres' "
     "(did you mean 'orders'?)"),
    ("orders[1].status", "orders[1].stauts",
     "tiny.yaml:{line}: expect.outcome[0].path: unknown field 'stauts' of orders records "
     "(did you mean 'status'?)"),
    ("length(refunds[?order_id ==", "length(refunds[?orderid ==",
     "tiny.yaml:{line}: expect.outcome[1]: unknown field 'orderid' of refunds records "
     "(did you mean 'order_id'?)"),
    ("{path: record.status, is: paid}", "{path: record.statsu, is: paid}",
     "tiny.yaml:{line}: tools[2].guards[0].check.path: unknown field 'statsu' of orders records "
     "(did you mean 'status'?)"),
    ('where: {id: "{{ args.order_id }}"}', 'where: {id: "{{ args.orderid }}"}',
     "tiny.yaml:{line}: tools[2].effect.where.id: unknown parameter 'orderid' of tool "
     "'refund_order' (did you mean 'order_id'?)"),
    ('where: {id: "{{ args.order_id }}"}', 'where: {idd: "{{ args.order_id }}"}',
     "tiny.yaml:{line}: tools[2].effect.where: unknown field 'idd' of orders records "
     "(did you mean 'id'?)"),
    ("fields: [id, total]", "fields: [id, totl]",
     "tiny.yaml:{line}: tools[1].effect.fields: unknown field 'totl' of orders records "
     "(did you mean 'total'?)"),
    ("customer_id: \"{{ customers[0].id }}\", total: 40",
     "customer_id: \"{{ customer[0].id }}\", total: 40",
     "tiny.yaml:{line}: world.orders[0].customer_id: unknown collection 'customer' "
     "(did you mean 'customers'?)"),
    ("I'm {{ customers[0].email }}", "I'm {{ customers[0].mail }}",
     "tiny.yaml:{line}: task[0].user: unknown field 'mail' of customers records "
     "(did you mean 'email'?)"),
    ("may_change: [orders.refunded_at]", "may_change: [orders.refund_at]",
     "tiny.yaml:{line}: expect.may_change[0]: unknown field 'refund_at' of orders records "
     "(did you mean 'refunded_at'?)"),
    ("milestones: [{call: refund_order, args: {order_id:",
     "milestones: [{call: refund_order, args: {order:",
     "tiny.yaml:{line}: expect.milestones[0].args: unknown parameter 'order' of tool "
     "'refund_order' (did you mean 'order_id'?)"),
    ('args: {customer_id: "{{ customer.id }}"}', 'args: {customer_id: "{{ custmer.id }}"}',
     "tiny.yaml:{line}: reference[1].args.customer_id: unknown name 'custmer' "
     "(did you mean 'customer'?)"),
    ('args: {customer_id: "{{ customer.id }}"}', 'args: {customer_id: "{{ customer.idd }}"}',
     "tiny.yaml:{line}: reference[1].args.customer_id: unknown field 'idd' of customers "
     "records (did you mean 'id'?)"),
    ('args: {customer_id: "{{ customer.id }}"}', 'args: {customer: "{{ customer.id }}"}',
     "tiny.yaml:{line}: reference[1].args: unknown parameter 'customer' of tool 'list_orders' "
     "(did you mean 'customer_id'?)"),
    ('args: {customer_id: "{{ customer.id }}"}', 'args: {customer_id: "{{ customers[0].id }}"}',
     "tiny.yaml:{line}: reference[1].args.customer_id: the reference reads 'customers' from the "
     "World; it sees only `user`, `last` and the names saved by earlier steps, as an agent "
     "would"),
    ("pick_max(orders_seen, 'total').id }}\"}}", "pick_max(orders_seen, 'status').id }}\"}}",
     "tiny.yaml:{line}: reference[2].args.order_id: unknown field 'status' of orders records "
     "(known: id, total)"),  # list_orders returns only id and total
    ("({{ last.amount }})", "({{ last.amont }})",
     "tiny.yaml:{line}: reference[4].say: unknown field 'amont' of refunds records "
     "(did you mean 'amount'?)"),
    ("email_near(user, 'I''m')", "emial_near(user, 'I''m')",
     "tiny.yaml:{line}: reference[0].args.email: unknown function 'emial_near' "
     "(did you mean 'email_near'?)"),
    ('{{ last.id }}"}}\n', '{{ saved.id }}"}}\n',
     "tiny.yaml:{line}: reference[3].args.order_id: unknown name 'saved' (known: customer, last, "
     "orders_seen, user) (the reference sees only `user`, `last` and the names saved by "
     "earlier steps)"),
])
def test_each_unknown_name_is_reported_at_its_line(write_yaml, old: str, new: str,
                                                   message: str) -> None:
    assert old in GOOD
    line = GOOD[:GOOD.index(old)].count("\n") + 1  # the line that holds the mistake
    found = [p.split("/")[-1] for p in problems(write_yaml, GOOD.replace(old, new, 1))]
    assert found[0] == message.format(line=line)
    # one mistake, one problem; a field a tool no longer returns is also unknown where read
    assert all("'total'" in p for p in found[1:]), found


def test_a_name_saved_later_is_not_known_yet(write_yaml) -> None:
    text = GOOD.replace('args: {customer_id: "{{ customer.id }}"}',
                        'args: {customer_id: "{{ orders_seen[0].id }}"}')
    assert [p.split(": ", 2)[2] for p in problems(write_yaml, text)] == [
        "unknown name 'orders_seen' (known: customer, last, user) (the reference sees only "
        "`user`, `last` and the names saved by earlier steps)"]


def test_unknown_shapes_say_nothing(write_yaml) -> None:
    """Where a value's shape cannot be known (a literal, a function's result, an open
    parameter schema), nothing is reported: no false alarm on a file that runs."""
    text = GOOD.replace('"{{ last.id }}"', '"{{ to_array(last)[0].anything }}"').replace(
        "say: \"Refunded", "say: \"{{ `{\\\"a\\\": 1}`.b }} Refunded")
    assert problems(write_yaml, text) == []


def test_validate_reports_them_and_fails(write_yaml) -> None:
    path = write_yaml("tiny.yaml", GOOD.replace('path: "orders[1].status"',
                                                'path: "ordres[1].status"'))
    done = agentcheck("validate", str(path))
    assert done.returncode == 1
    line = GOOD[:GOOD.index('path: "orders[1].status"')].count("\n") + 1
    assert f"{path}:{line}: expect.outcome[0].path: unknown collection 'ordres' (did you mean " \
           "'orders'?)" in done.stderr
    assert "Traceback" not in done.stderr
    assert "0 scenario(s) and 0 profile(s) valid, 1 file(s) with errors" in done.stdout


def test_library_has_no_false_alarm() -> None:
    scenarios, errors = load_scenarios([SCENARIOS])
    assert not errors
    found = [e.render() for sc in scenarios for e in lint(sc, load_file(Path(sc.path)))]
    assert found == []


@pytest.mark.parametrize(("expr", "message"), [
    ("lookup('orders', args.order_id).total", None),
    ("lookup('ordres', args.order_id).total",
     "unknown collection 'ordres' (did you mean 'orders'?)"),
    ("lookup('orders', args.order_id).totl",
     "unknown field 'totl' of orders records (did you mean 'total'?)"),
    ("root().orders[0].total", None),
    ("root().ordres[0].total", "unknown collection or name 'ordres' (did you mean 'orders'?)"),
])
def test_lookups_in_effects_are_resolved(write_yaml, expr: str, message: str | None) -> None:
    text = GOOD.replace('set: {status: refunded, refunded_at: "2026-05-01"}',
                        'set: {status: refunded, refunded_at: "2026-05-01", '
                        f'was: "{{{{ {expr} }}}}"}}')
    found = [p.split(": ", 2)[2] for p in problems(write_yaml, text)]
    assert found == ([message] if message else [])


def test_a_reference_that_looks_up_the_world_is_refused(write_yaml) -> None:
    text = GOOD.replace('args: {order_id: "{{ last.id }}"}',
                        "args: {order_id: \"{{ lookup('orders', 'x').id }}\"}")
    assert [p.split(": ", 2)[2] for p in problems(write_yaml, text)] == [
        "the reference reads 'orders' from the World (lookup); it sees only `user`, `last` and "
        "the names saved by earlier steps, as an agent would"]


@pytest.mark.parametrize(("label", "message"), [
    ("'refund'", None),
    ("['deputy', 'REFUND']", None),  # one of a list is enough, in any case
    ("'refnud'", "email_near(): the user never says 'refnud', so it can find nothing "
                 "(did you mean 'refund'?)"),
    ("['deputy', 'boss']", "email_near(): the user never says 'deputy' or 'boss', so it can "
                           "find nothing"),
])
def test_a_selector_label_the_user_never_says(write_yaml, label: str,
                                              message: str | None) -> None:
    text = GOOD.replace("email_near(user, 'I''m')", f"email_near(user, {label})")
    found = [p.split(": ", 2)[2] for p in problems(write_yaml, text)]
    assert found == ([message] if message else [])
