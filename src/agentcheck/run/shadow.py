"""Shadow replay of a case pack: each sampled case, for each vendor, in a sandboxed World built
from the case's data (nothing real is touched: the only systems are the World's tools). Each
trial is judged like any other (trials.jsonl: honesty, safety, the template's checks) and
compared with what the human team did (cases.jsonl: agreement).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from agentcheck.cases.compare import changes, compare, resolution_lines
from agentcheck.cases.pack import Case, LoadedPack, case_scenarios
from agentcheck.core.addresses import is_loopback
from agentcheck.core.calls import CallResult
from agentcheck.core.redaction import redact
from agentcheck.results.cases import CaseOutcome
from agentcheck.results.files import RunFolder
from agentcheck.results.records import TrialRecord, harness_error_record
from agentcheck.run.runner import make_driver, run_one, trial_seed
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.world import World
from agentcheck.vendors.driver import Driver, HostPool
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.transport import async_client


class CaseWorld(World):
    """A case's World that remembers the names of the tools called (the 'what it did' of a
    disagreement)."""

    def __init__(self, scenario: Scenario, seed: int,
                 initial: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__(scenario, seed, initial)
        self.called: list[str] = []

    def call(self, name: str, args: Any) -> CallResult:
        self.called.append(name)
        return super().call(name, args)


@dataclass
class ShadowPlan:
    loaded: LoadedPack
    cases: list[Case]
    vendors: list[VendorProfile]
    seed: int
    concurrency: int = 8


Progress = Callable[[dict[str, Any]], None]


def outcome(loaded: LoadedPack, case: Case, vendor: str, world: CaseWorld,
            record: TrialRecord) -> CaseOutcome:
    pack = loaded.pack
    cmp = compare(pack, case, world.initial, world.data)
    nothing = compare(pack, case, world.initial, world.initial)
    done = changes(world.initial, world.data, limit=1000,
                   keys={pack.resolution.collection: pack.resolution.key})
    return CaseOutcome(
        vendor=vendor, case=case.id, row=case.row, category=case.category,
        impact=case.impact, agreed=cmp.agreed and record.termination != "harness_error",
        decision_agreed=cmp.decision_agreed, state_agreed=cmp.state_agreed, human=cmp.human,
        vendor_side=cmp.vendor, did_nothing=not done, nothing_agrees=nothing.agreed,
        changes=done[:20], other_changes=len(resolution_lines(pack, case, done)),
        calls=world.called[:50], termination=record.termination,
        final_answer=(record.final_answer or "")[:500])


async def replay(plan: ShadowPlan, folder: RunFolder, scenarios: dict[str, Scenario],
                 progress: Progress | None = None) -> list[CaseOutcome]:
    """Every (vendor, case), their trial records appended to the folder as they finish; the
    outcomes in vendor, then case order."""
    limit = asyncio.Semaphore(plan.concurrency)
    clients: dict[str, httpx.AsyncClient] = {}
    drivers: dict[str, Driver] = {}
    tool_hosts = HostPool()
    results: dict[tuple[str, str], CaseOutcome] = {}
    total = len(plan.vendors) * len(plan.cases)
    finished = 0
    started = time.perf_counter()
    try:
        for v in plan.vendors:
            clients[v.name] = async_client(timeout_s=v.timeout_s,
                                           max_connections=v.max_concurrency,
                                           trust_env=not is_loopback(v.base_url))
            drivers[v.name] = make_driver(v, clients[v.name])

        async def one(v: VendorProfile, case: Case) -> None:
            nonlocal finished
            sc = scenarios[case.id]
            seed = trial_seed(plan.seed, sc.id, 0)
            world = CaseWorld(sc, seed, case.world)
            async with limit:
                record = await run_one(v, drivers[v.name], sc, 0, seed, tool_hosts,
                                       world=world)
            try:
                folder.append(record)
            except Exception as exc:  # a full disk: the trial is lost, not the replay
                record = harness_error_record(record, "RecordNotWritten",
                                              f"the trial's record could not be written: "
                                              f"{redact(str(exc))}")
            results[(v.name, case.id)] = outcome(plan.loaded, case, v.name, world, record)
            finished += 1
            if progress:
                progress({"done": finished, "total": total, "record": record,
                          "elapsed_s": time.perf_counter() - started,
                          "vendor_totals": {p.name: len(plan.cases) for p in plan.vendors}})

        await asyncio.gather(*(one(v, c) for v in plan.vendors for c in plan.cases))
    finally:
        await tool_hosts.aclose()
        for client in clients.values():
            await client.aclose()
        folder.close()
    return [results[(v.name, c.id)] for v in plan.vendors for c in plan.cases
            if (v.name, c.id) in results]


@dataclass
class PackProof:
    """`validate --prove` on a case pack: the template's reference, played on a sample of the
    cases, reaches the team's resolution clearly more often than doing nothing does (the low
    end of its Wilson interval above the rate of doing nothing). A pack where doing nothing
    agrees as often as the reference cannot tell a vendor from an idle one: think of a queue
    whose every resolution was 'leave it as it is'."""

    cases: int
    reference_agreed: int
    nothing_agreed: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def prove_pack(loaded: LoadedPack, n: int = 40, seed: int = 0) -> PackProof:
    from agentcheck.cases.sample import draw
    from agentcheck.judge.stats import wilson
    from agentcheck.scenario.reference import walk_reference

    sample, _ = draw(loaded, n, seed)
    scenarios = case_scenarios(loaded, sample)
    ref = nothing = 0
    for case in sample:
        world, _ = walk_reference(scenarios[case.id], seed, case.world)
        ref += compare(loaded.pack, case, world.initial, world.data).agreed
        nothing += compare(loaded.pack, case, world.initial, world.initial).agreed
    problems = []
    if not sample:
        problems.append("no case with a human resolution to prove the pack on")
    elif wilson(ref, len(sample))[0] <= nothing / len(sample):
        problems.append(
            f"the template's reference reaches the team's resolution on {ref} of "
            f"{len(sample)} sampled cases and doing nothing on {nothing}: a vendor that does "
            "nothing would look as good (check the resolution mapping and the reference)")
    return PackProof(len(sample), ref, nothing, problems)
