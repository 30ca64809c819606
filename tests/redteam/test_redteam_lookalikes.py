"""Red team of private variants and look-alike records (issue 13).

NOT defended (xfail, strict): the renamed tools keep their descriptions word for word (only
the names in them are swapped) and their parameters keep their order, so blanking the
identifiers out of each description recovers every renaming of the library exactly, under any
key; a memoriser that does so (tests/helpers/description_memoriser.py: public library only, no
key, no oracle) scores the same with and without --private-variants.

Defended and tested: the look-alikes and renamings of three keys leave the eight new
scenarios provable (validate --prove: the reference still passes, doing nothing still fails),
and the demo agent keeps tier 3 under variants on the whole library.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agentcheck.scenario.model import Scenario, load_scenarios
from agentcheck.scenario.variants import VariantWorld

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


@pytest.mark.xfail(strict=True, reason=(
    "a renamed tool's description is the public one with the names swapped: blanking the "
    "identifiers gives its public name back for every renamed tool of the library under "
    "every key (fix: scenario/variants/__init__.py Variant.tool_specs should show authored "
    "re-wordings of descriptions, as user turns have, and shuffle parameter order)"))
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


@pytest.mark.xfail(strict=True, reason=(
    "the description memoriser reads every renaming back (see above) and replays the public "
    "reference: under --private-variants it scores what it scores on the public library "
    "(fix where the descriptions are shown: scenario/variants/__init__.py Variant.tool_specs)"))
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
