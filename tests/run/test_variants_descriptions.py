"""Private variants (issue 13): re-worded tool descriptions that keep every rule, parameters in
another order, and reads whose records come in an order of the key and seed unless the tool
promises one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.model import Scenario, load_scenario, load_scenarios, parse_scenario
from agentcheck.scenario.source import LocatedData, load_file
from agentcheck.scenario.tools import description_facts, enum_values
from agentcheck.scenario.variants import VariantWorld, promises_order
from agentcheck.scenario.variants.descriptions import description_wordings, phrase_wordings
from agentcheck.scenario.world import World

from ..helpers.paths import SCENARIOS

KEYS = ("descriptions-key-one-000001", "descriptions-key-two-000002",
        "descriptions-key-three-00003")
BOILER = SCENARIOS / "facilities" / "book-cheapest-certified-engineer-for-boiler-repair.yaml"


@pytest.fixture(scope="module")
def library() -> list[Scenario]:
    scenarios, errors = load_scenarios([SCENARIOS])
    assert not errors
    return scenarios


def test_every_rule_of_a_description_survives_in_every_variant(library: list[Scenario]) -> None:
    """Each number, id, enum value and policy word of the public description is in the shown
    one, for every tool of the library under three keys; and the shown one is never the public
    text."""
    for key in KEYS:
        for sc in library:
            variant = VariantWorld(sc, 0, key).variant
            for tool in sc.tools:
                shown = variant.descriptions[tool.name]
                assert shown != tool.description, (key, sc.id, tool.name)
                public = description_facts(tool.description, enum_values(tool.parameters))
                for fact in public:
                    assert fact.lower() in shown.lower(), (sc.id, tool.name, fact, shown)


def test_the_rule_words_are_read_from_the_description() -> None:
    text = ("Release payment of an open invoice in full, by invoice id. The AP desk's payment "
            "authority is 5,000.00 USD per invoice: larger invoices must not be paid here.")
    found = description_facts(text, {"open", "paid", "void"})
    assert {"5,000.00", "USD", "AP", "must", "not", "open", "paid"} <= found
    assert "void" not in found
    assert {"只", "不"} <= description_facts("新進人員只加入其部門的預設群組，不得加入其他群組。")


def test_a_generic_rewording_that_would_drop_a_rule_is_not_used() -> None:
    # "optional" is a policy word: no wording without it is offered
    for wording in description_wordings("Get an order by id; the note is optional."):
        assert "optional" in wording
    wordings = description_wordings("Get an order by id (status open or closed).", (),
                                    frozenset({"open", "closed"}))
    assert wordings and all("open" in w and "closed" in w for w in wordings)
    assert "Look up an order by id (status open or closed)." in wordings
    assert all(w != "Get an order by id (status open or closed)." for w in wordings)
    # independent sentences after the first move (the first says what the tool does, and a
    # later one may refer to it); nothing is lost
    three = "List the sites. Refunds over 200 EUR need approval. Sites close on Sundays."
    wordings = description_wordings(three)
    assert "List the sites. Sites close on Sundays. Refunds over 200 EUR need approval." in wordings
    assert all(w.split(". ")[0].endswith("the sites") for w in wordings)
    # the third person, also for a verb joined by "and" (not a noun: "name and email")
    assert "Unlocks an account by user id and clears its failed login counter." in \
        description_wordings("Unlock an account by user id and clear its failed login counter.")
    assert "Finds a user by name and email." in description_wordings(
        "Find a user by name and email.")
    assert phrase_wordings("the customer's email") == ("the customer's email",)


def test_an_authored_alternative_is_shown_instead_of_the_public_text() -> None:
    wordings = description_wordings("Email a colleague.", ("Send an email to a colleague.",))
    assert set(wordings) == {"Send an email to a colleague.", "Sends an email to a colleague."}


def test_an_alternative_that_drops_a_rule_is_refused_with_file_and_field() -> None:
    src = load_file(BOILER)
    data = json.loads(json.dumps(src.data))
    data["tools"][2]["description_alternatives"] = ["Raise a work order for a contractor."]
    with pytest.raises(ConfigError) as exc:
        parse_scenario(LocatedData(data, src.lines, src.file), BOILER.stem)
    text = exc.value.render()
    assert "book-cheapest-certified-engineer-for-boiler-repair.yaml:" in text
    assert "description_alternatives[0]" in text and "YYYY" in text


def test_parameters_are_shown_in_another_order(library: list[Scenario]) -> None:
    moved = 0
    for sc in library:
        vw = VariantWorld(sc, 0, KEYS[0])
        for spec in vw.tool_specs():
            canon = vw.variant.canonical(spec["name"])
            tool = sc.tool(canon or "")
            assert tool is not None
            names = vw.variant.params.get(tool.name, {})
            public = [names.get(p, p) for p in tool.parameters.get("properties") or {}]
            shown = list(spec["parameters"].get("properties") or {})
            assert sorted(shown) == sorted(public)
            moved += len(public) > 1 and shown != public
    assert moved > 50


def _first_read(world: World, tool: str, args: dict[str, str]) -> list[str]:
    shown = world.variant.shown(tool) if isinstance(world, VariantWorld) else tool
    result = world.call(shown, args)
    assert result.ok and isinstance(result.result, list), result.error
    return [str(r["id"]) for r in result.result]


def test_a_read_s_records_come_in_an_order_of_the_key_and_seed() -> None:
    sc = load_scenario(BOILER)
    orders = set()
    for key in KEYS:
        for seed in range(6):
            vw = VariantWorld(sc, seed, key)
            first = _first_read(vw, "list_contractors", {"trade": "heating"})
            assert first == _first_read(vw, "list_contractors", {"trade": "heating"})
            world = World(sc, seed)
            assert sorted(first) == sorted(_first_read(world, "list_contractors",
                                                       {"trade": "heating"}))
            orders.add(tuple(sorted(first).index(i) for i in first))
    assert len(orders) > 3


def test_a_tool_that_promises_an_order_keeps_it(tmp_path: Path) -> None:
    assert promises_order("List the orders of a customer, newest first.")
    assert promises_order("依日期排序列出訂單。")
    assert not promises_order("List the accounting periods (first and last day).")
    text = BOILER.read_text(encoding="utf-8").replace(
        "List approved contractors of a trade with their hourly rate,",
        "List approved contractors of a trade, sorted by hourly rate, with their rate,")
    path = tmp_path / BOILER.name
    path.write_text(text, encoding="utf-8")
    sc = load_scenario(path)
    for key in KEYS:
        for seed in range(4):
            vw = VariantWorld(sc, seed, key)
            world = World(sc, seed)
            own = _first_read(world, "list_contractors", {"trade": "heating"})
            shown = _first_read(vw, "list_contractors", {"trade": "heating"})
            assert [i for i in shown if i in own] == own


def test_a_read_whose_order_the_reference_relies_on_keeps_it() -> None:
    """onboard-new-hire's reference assigns "the first in-stock laptop" of the list: the list
    is re-ordered only where that leaves the same laptop first (else the reference would assign
    another one), and keeps its order at least once over 3 keys x 4 seeds; the selector
    scenarios' reads, whose records the reference picks by a field, are always re-ordered."""
    sc = load_scenario(SCENARIOS / "hr-onboarding" / "onboard-new-hire.yaml")
    boiler = load_scenario(BOILER)
    kept = 0
    for key in KEYS:
        for seed in range(4):
            vw = VariantWorld(sc, seed, key)
            kept += "list_laptops" not in vw._free_order
            model = vw.data["departments"][0]["laptop_model"]
            in_stock = [str(r["asset_tag"]) for r in vw.data["laptops"]
                        if r["model"] == model and r["status"] == "in_stock"]
            result = vw.call(vw.variant.shown("list_laptops"),
                             {vw.variant.params["list_laptops"].get("model", "model"): model})
            assert result.ok and isinstance(result.result, list)
            shown = [str(r["asset_tag"]) for r in result.result
                     if r["status"] == "in_stock" and str(r["asset_tag"]) in in_stock]
            assert shown[0] == in_stock[0], (key, seed)
            assert "list_contractors" in VariantWorld(boiler, seed, key)._free_order
    assert kept


def test_variants_show_prints_the_shown_descriptions_and_reordered_reads() -> None:
    from agentcheck.cli.variants import variant_view

    sc = load_scenario(BOILER)
    view = variant_view(sc, 3, KEYS[0])
    specs = {s["name"]: s for s in VariantWorld(sc, 3, KEYS[0]).tool_specs()}
    for tool in view["tools"]:
        spec = specs[tool["shown"]]
        assert tool["description"] == spec["description"]
        assert list(tool["parameters"]) == list(spec["parameters"].get("properties") or {})
        assert tool["reads_reordered"] == (tool["canonical"] in {"list_sites",
                                                                  "list_contractors"})
