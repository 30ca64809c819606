"""A branching scenario is proved on enough seeds to take each branch: a reference whose rare
branch is broken must not be proved by the luck of three seeds."""

from __future__ import annotations

from pathlib import Path

from agentcheck.run.prove import BRANCHING_SEEDS, PROOF_SEEDS, prove
from agentcheck.scenario.model import load_scenario

from ..helpers.paths import ROOT

JA = ROOT / "scenarios" / "supply-chain" / "ja-reserve-stock-or-backorder-order.yaml"


def _broken_reserve(tmp_path: Path) -> Path:
    """The scenario with its reserve branch broken: the reference sends a mode the tool refuses
    whenever the stock covers the order."""
    text = JA.read_text()
    assert "&& 'reserve')" in text
    path = tmp_path / JA.name
    path.write_text(text.replace("&& 'reserve')", "&& 'reserve-all')"))
    return path


def test_the_broken_branch_hides_from_three_seeds_and_is_found_by_the_branching_proof(
        tmp_path: Path) -> None:
    scenario = load_scenario(_broken_reserve(tmp_path))
    assert "branching" in scenario.probes
    # the three default seeds all take the backorder branch, so they would prove it
    assert prove(scenario, PROOF_SEEDS).ok
    proof = prove(scenario)
    assert not proof.ok
    assert any("reference solution fails with seed" in p for p in proof.problems)
    assert len(BRANCHING_SEEDS) >= 12


def test_the_library_scenario_itself_passes_on_every_branching_seed() -> None:
    proof = prove(load_scenario(JA))
    assert proof.ok, proof.problems
