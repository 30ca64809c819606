"""Look-alike records of private variants (issue 13): drawn from the key, never seen by the
reference solution, proved not to change any check, and a wrong record for whoever acts on one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from agentcheck.judge.scoring import score_trial
from agentcheck.run.prove import ReferenceSession, prove
from agentcheck.run.trial import run_trial
from agentcheck.scenario.model import Scenario, load_scenarios
from agentcheck.scenario.variants import VariantWorld
from agentcheck.scenario.variants.lookalikes import eligible_collections, replay_reference
from agentcheck.scenario.world import World
from agentcheck.vendors.protocols.base import ModelTurn, ToolCall

from ..helpers.paths import SCENARIOS
from ..helpers.scripted import ScriptedSession

KEY = "test-variant-key-0123456789"
OTHER = "another-variant-key-98765"


@pytest.fixture(scope="module")
def library() -> list[Scenario]:
    scenarios, errors = load_scenarios([SCENARIOS])
    assert not errors
    return scenarios


def _ids(records: list[dict[str, Any]]) -> set[str]:
    return {str(r.get("id")) for r in records if "id" in r}


def test_look_alikes_are_per_key_and_seed_and_appended(library: list[Scenario]) -> None:
    worlds = 0
    for sc in library:
        canonical = World(sc, 3)
        a, b, c = VariantWorld(sc, 3, KEY), VariantWorld(sc, 3, KEY), VariantWorld(sc, 3, OTHER)
        assert a.lookalikes == b.lookalikes
        worlds += bool(a.lookalikes) and a.lookalikes != c.lookalikes
        for name, records in canonical.initial.items():
            n = len(records)  # the scenario's own records first: `orders[0]` keeps its meaning
            assert a.initial[name][:n] == records and a.data[name][:n] == records, sc.id
            added = a.initial[name][n:]
            assert added == [la.record for la in a.lookalikes if la.collection == name], sc.id
            # a fresh identity: no id of the scenario's records, no two alike
            assert not _ids(added) & _ids(records), (sc.id, name)
            assert len(_ids(added)) == len([r for r in added if "id" in r]), (sc.id, name)
    assert worlds >= 0.8 * len(library)  # another key, other look-alikes


def test_a_look_alike_never_speaks_of_the_scenario_s_records(library: list[Scenario]) -> None:
    """Its ids and emails, in fields or inside free text ("we confirm PO-12"), are fresh: an
    agent that meets one learns nothing false about the task's records."""
    for sc in library:
        for seed in (1, 2):
            canonical = World(sc, seed).initial
            own = {str(r["id"]) for rs in canonical.values() for r in rs
                   if isinstance(r.get("id"), str) and len(r["id"]) >= 5}
            own |= {str(v).strip().lower() for rs in canonical.values() for r in rs
                    for v in r.values() if isinstance(v, str) and "@" in v}
            for la in VariantWorld(sc, seed, KEY).lookalikes:
                text = json.dumps(la.record, ensure_ascii=False)
                assert not [x for x in own if x in text or x in text.lower()], (sc.id, text)
    assert sum(1 for sc in library if VariantWorld(sc, 1, KEY).lookalikes) >= \
        0.8 * len(library)


def test_the_reference_never_sees_a_look_alike(library: list[Scenario]) -> None:
    """Rule 2, checked from the outside: no result of the reference's calls holds one."""
    for sc in library:
        for seed in (1, 2):
            world = VariantWorld(sc, seed, KEY)
            marks = {json.dumps(la.record.get("id")) for la in world.lookalikes}
            _, calls = replay_reference(sc, seed, world.initial)
            for call in calls:
                seen = json.dumps(call.result, ensure_ascii=False)
                assert not any(m in seen for m in marks if m != "null"), (sc.id, call.tool)


def test_look_alikes_change_no_verdict_of_the_reference(library: list[Scenario]) -> None:
    proofs = [prove(sc, keys=(KEY, OTHER)) for sc in library]
    assert [p.problems for p in proofs if p.problems] == []


def test_a_collection_a_guard_reads_as_a_whole_gets_none(library: list[Scenario]) -> None:
    sc = next(s for s in library if s.id == "ja-reserve-stock-or-backorder-order")
    # allocate_order's guard compares stock[?sku==... && warehouse==...] with the order
    assert "stock" not in eligible_collections(sc)
    assert "orders" in eligible_collections(sc)  # read by id only: a look-alike has a new one
    for seed in range(1, 6):
        assert all(la.collection != "stock" for la in VariantWorld(sc, seed, KEY).lookalikes)


def test_a_check_that_counts_records_keeps_its_value(library: list[Scenario],
                                                     tmp_path: Path) -> None:
    """Rule 3: an outcome counting the orders would change with any look-alike order, so a
    World of that scenario gets none in `orders` (the customers may still get theirs)."""
    plain = next(s for s in library if s.id == "refund-damaged-order")
    count = len(plain.world["orders"])
    src = (SCENARIOS / "customer-service" / "refund-damaged-order.yaml").read_text("utf-8")
    counted = src.replace("  outcome:\n", "  outcome:\n"
                          f"    - \"length(orders) == `{count}`\"\n", 1)
    counted = counted.replace("id: refund-damaged-order\n", "id: refund-counted\n", 1)
    assert counted != src
    path = tmp_path / "refund-counted.yaml"
    path.write_text(counted, encoding="utf-8")
    (sc,), errors = load_scenarios([path])
    assert not errors
    orders_before = orders_after = others_after = 0
    for seed in range(1, 13):
        orders_before += sum(1 for la in VariantWorld(plain, seed, KEY).lookalikes
                             if la.collection == "orders")
        world = VariantWorld(sc, seed, KEY)
        orders_after += sum(1 for la in world.lookalikes if la.collection == "orders")
        others_after += sum(1 for la in world.lookalikes if la.collection != "orders")
    assert orders_before > 0 and orders_after == 0 and others_after > 0
    assert prove(sc, keys=(KEY,)).problems == []


def _turn(world: VariantWorld, name: str, **args: Any) -> ModelTurn:
    shown, shown_args = world.variant.to_shown(name, args)
    return ModelTurn(text="", tool_calls=[ToolCall(f"c{len(args)}{name}", shown, shown_args,
                                                   json.dumps(shown_args))])


def test_acting_on_a_look_alike_is_acting_on_a_wrong_record(library: list[Scenario]) -> None:
    """A vendor that refunds a look-alike order (delivered, like the customer's) instead of
    the customer's: the minefield and the outcome catch it, as for any other wrong order."""
    sc = next(s for s in library if s.id == "refund-damaged-order")
    for seed in range(1, 40):
        world = VariantWorld(sc, seed, KEY)
        wrong = [la.record for la in world.lookalikes
                 if la.collection == "orders" and la.record.get("status") == "delivered"]
        if wrong:
            break
    else:
        pytest.fail("no delivered look-alike order in 40 seeds")
    customer = world.initial["customers"][0]
    session = ScriptedSession([
        _turn(world, "lookup_customer", email=customer["email"]),
        _turn(world, "list_orders", customer_id=customer["id"]),
        _turn(world, "refund_order", order_id=wrong[0]["id"]),
        ModelTurn(text=f"I refunded order {wrong[0]['id']}."),
    ])
    traj = asyncio.run(run_trial(sc, world, session))
    score = score_trial(sc, world, traj)
    assert not score.passed
    assert "unsafe_action" in score.flags or "collateral_damage" in score.flags, score.flags
    refunded = [e for e in traj.events if e["type"] == "tool" and e["name"] == "refund_order"]
    assert refunded and refunded[0]["ok"]  # the World did it: the look-alike is a real record


def test_a_read_places_look_alikes_among_the_records(library: list[Scenario]) -> None:
    """In what a vendor reads they are not always last (a replayed position finds them); the
    scenario's own records keep their order; the World keeps them appended."""
    sc = next(s for s in library if s.id == "refund-damaged-order")
    positions = set()
    for seed in range(1, 40):
        world = VariantWorld(sc, seed, KEY)
        owners = {str(la.record.get("customer_id")) for la in world.lookalikes
                  if la.collection == "orders"}
        for owner in owners:
            shown, args = world.variant.to_shown("list_orders", {"customer_id": owner})
            result = world.call(shown, args)
            assert result.ok and isinstance(result.result, list)
            ids = [r["id"] for r in result.result]
            own = [r["id"] for r in world.data["orders"] if r.get("customer_id") == owner]
            assert sorted(ids) == sorted(own)
            positions |= {i for i, r in enumerate(ids)
                          if r not in _ids(World(sc, seed).initial["orders"])}
    assert len(positions) > 1 or 0 in positions


def test_the_demo_agent_passes_every_scenario_with_look_alikes(library: list[Scenario]) -> None:
    """The reference played as the vendor would (variant names, the look-alikes in the World):
    every check passes and no flag is raised."""
    for sc in library:
        world = VariantWorld(sc, 7, OTHER)
        traj = asyncio.run(run_trial(sc, world, ReferenceSession(sc, world.variant)))
        score = score_trial(sc, world, traj)
        assert score.passed and not score.flags, (sc.id, score.flags)
