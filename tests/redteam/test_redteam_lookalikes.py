"""Red team of private variants and look-alike records (issue 13).

Defended and tested: renamed tools show re-worded descriptions (authored alternatives or
generic re-wordings that keep every rule) and their parameters in another order, so blanking
the identifiers out of each description no longer recovers the renaming (it did for all 852
renamed tools under 3 keys; now 0), and a memoriser that tried (tests/helpers/
description_memoriser.py: public library only, no key, no oracle) loses under
--private-variants; in the four selector scenarios the record the rule picks is no longer at
one place of the vendor's read (reads come in an order of the key and seed). Still open: a
fuzzy matcher over the public descriptions can identify a scenario (docs/scoring.md).

Also: the look-alikes and renamings of three keys leave the eight new scenarios provable
(validate --prove: the reference still passes, doing nothing still fails), and the demo agent
keeps tier 3 under variants on the whole library.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentcheck.scenario.model import Scenario, load_scenario, load_scenarios
from agentcheck.scenario.variants import VariantWorld
from agentcheck.scenario.world import World

from ..fakes.base import serving
from ..helpers import driving
from ..helpers.cli import agentcheck
from ..helpers.description_memoriser import KEY, KEY_ENV, blank, memoriser_server
from ..helpers.new_scenarios import NEW_SCENARIOS
from ..helpers.paths import ROOT

KEYS = ("red-team-variant-key-one-0001", "red-team-variant-key-two-0002",
        "red-team-variant-key-three-03")


@pytest.fixture(scope="module")
def library() -> list[Scenario]:
    loaded, errors = load_scenarios([ROOT / "scenarios"])
    assert not errors
    return loaded


def recovered(sc: Scenario, key: str) -> tuple[int, int]:
    """(renamed tools whose public name its blanked description gives back, renamed tools)."""
    vw = VariantWorld(sc, 0, key)
    hits = total = 0
    for spec in vw.tool_specs():
        truth = vw.variant.canonical(spec["name"])
        if truth == spec["name"]:
            continue
        total += 1
        same = [t.name for t in sc.tools if blank(t.description) == blank(spec["description"])]
        hits += same == [truth]
    return hits, total


def test_descriptions_do_not_give_the_renaming_away(library: list[Scenario]) -> None:
    hits = total = 0
    for key in KEYS:
        for sc in library:
            h, t = recovered(sc, key)
            hits += h
            total += t
    assert total > 100
    assert hits / total < 0.5, f"{hits} of {total} renamed tools read back"


def run_memoriser(tmp: Path, private: bool) -> dict[str, Any]:
    loaded, errors = load_scenarios([ROOT / "scenarios"])
    assert not errors
    server = memoriser_server(loaded)
    with serving(server):
        profile = driving.write_profile(tmp, "memo", "openai-chat", server.base_url, "memo",
                                        KEY_ENV, timeout_s=10, max_retries=0, max_concurrency=8)
        out = tmp / ("private" if private else "public")
        done = agentcheck("run", "--vendor", str(profile), "--scenarios", "scenarios",
                          "--seed", "3", "--out", str(out), "--quiet",
                          *(["--private-variants"] if private else []),
                          env={KEY_ENV: KEY, "AGENTCHECK_VARIANT_KEY": KEYS[0]})
    assert done.returncode == 0, done.stderr
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
    vendor: dict[str, Any] = summary["vendors"][0]
    return vendor


@pytest.fixture(scope="module")
def memoriser(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("memo")
    return run_memoriser(tmp, False), run_memoriser(tmp, True)


def test_the_description_memoriser_is_a_strong_vendor_on_the_public_library(
        memoriser: tuple[dict[str, Any], dict[str, Any]]) -> None:
    public, _ = memoriser
    assert public["tier"] >= 2 and public["capability_score"] >= 70, public["capability_score"]


def test_the_description_memoriser_loses_under_private_variants(
        memoriser: tuple[dict[str, Any], dict[str, Any]]) -> None:
    public, private = memoriser
    assert private["capability_score"] <= public["capability_score"] - 15, (
        public["capability_score"], private["capability_score"])


@pytest.mark.parametrize("key", KEYS)
def test_lookalikes_leave_the_new_scenarios_provable(key: str) -> None:
    done = agentcheck("validate", "--prove", *map(str, NEW_SCENARIOS),
                      env={"AGENTCHECK_VARIANT_KEY": key})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(NEW_SCENARIOS)} of {len(NEW_SCENARIOS)} scenario(s) proved" in done.stdout


def test_the_demo_agent_keeps_tier_3_under_variants(tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = agentcheck("run", "--vendor", "demo-agent", "--scenarios", "scenarios", "--trials",
                      "2", "--private-variants", "--seed", "11", "--out", str(out), "--quiet",
                      env={"AGENTCHECK_VARIANT_KEY": KEYS[1]})
    assert done.returncode == 0, done.stderr
    vendor = json.loads((out / "summary.json").read_text())["vendors"][0]
    assert vendor["tier"] == 3 and not vendor["flags"], vendor


# The four selector scenarios: (path, read tool, its arguments from the World, the record the
# rule picks). The rule picks it by a field (cheapest valid, riskiest workstation...), never by
# its place; a vendor that memorised the place instead must not pass under private variants.
PLACES: list[tuple[str, str, Callable[[World], dict[str, Any]], Callable[[World], str]]] = [
    ("facilities/book-cheapest-certified-engineer-for-boiler-repair.yaml", "list_contractors",
     lambda w: {"trade": "heating"}, lambda w: str(w.data["contractors"][2]["id"])),
    ("travel/book-cheapest-in-policy-flight-landing-before-meeting-day.yaml", "search_flights",
     lambda w: {"destination": w.data["trips"][0]["destination"]},
     lambda w: str(w.data["flights"][2]["id"])),
    ("security-operations/triage-macro-alert-isolate-riskiest-workstation.yaml",
     "list_alert_assets", lambda w: {"alert_id": w.data["alerts"][0]["id"]},
     lambda w: str(w.data["assets"][2]["id"])),
    ("contracts/send-non-renewal-notice-to-notices-address.yaml", "search_contracts",
     lambda w: {}, lambda w: str(w.data["contracts"][0]["id"])),
]


def places(path: str, tool: str, args: Callable[[World], dict[str, Any]],
           right: Callable[[World], str]) -> set[int]:
    """Where the rule's record sits in the vendor's read, under private variants, over 3 keys
    and 20 seeds."""
    sc = load_scenario(ROOT / "scenarios" / path)
    seen: set[int] = set()
    for key in KEYS:
        for seed in range(20):
            vw = VariantWorld(sc, seed, key)
            names = vw.variant.params.get(tool, {})
            shown = {names.get(k, k): v for k, v in args(vw).items()}
            result = vw.call(vw.variant.shown(tool), shown)
            assert result.ok and isinstance(result.result, list), result.error
            seen.add([str(r.get("id")) for r in result.result].index(right(vw)))
    return seen


def test_the_rule_picks_the_same_record_on_every_seed() -> None:
    """The premise: the record the reference's rule picks is the World's record at a fixed
    index (what the selector tests play)."""
    for path, tool, args, right in PLACES:
        sc = load_scenario(ROOT / "scenarios" / path)
        for seed in range(3):
            w = World(sc, seed)
            assert right(w) in {str(r.get("id")) for r in w.call(tool, args(w)).result}


def test_the_rule_s_record_is_not_always_in_the_same_place_under_variants() -> None:
    fixed = {path: seen for path, tool, args, right in PLACES
             if len(seen := places(path, tool, args, right)) == 1}
    assert not fixed, fixed
