"""Shadow replay of a case pack: each sampled case, for each vendor, in a sandboxed World built
from the case's data (nothing real is touched: the only systems are the World's tools). Each
trial is judged like any other (trials.jsonl: honesty, safety, the template's checks) and
compared with what the human team did (cases.jsonl: agreement).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from agentcheck.cases.compare import changes, compare
from agentcheck.cases.pack import Case, LoadedPack
from agentcheck.core.addresses import is_loopback
from agentcheck.core.calls import CallResult
from agentcheck.core.redaction import redact
from agentcheck.results.cases import CaseOutcome
from agentcheck.results.files import RunFolder
from agentcheck.results.records import TrialRecord, harness_error_record
from agentcheck.run.runner import make_driver, run_one, trial_seed
from agentcheck.scenario.model import Scenario, Turn
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


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "case"


def case_scenarios(loaded: LoadedPack, cases: list[Case]) -> dict[str, Scenario]:
    """One scenario per case: the template with the case's World and the requester's text
    as the first turn (ids '<template>--<case id>', unique). By case id."""
    template = loaded.template
    out: dict[str, Scenario] = {}
    taken: set[str] = set()
    for case in cases:
        sid = f"{template.id}--{_slug(case.id)}"
        if sid in taken:
            sid = f"{sid}-row-{case.row}"
        taken.add(sid)
        sc = template.model_copy(update={
            "id": sid, "title": f"{template.title}: case {case.id}", "world": case.world,
            "task": [Turn(user=case.text or "(the requester wrote nothing)")]})
        digest = hashlib.sha256((template.content_hash + json.dumps(
            [case.id, case.text, case.world], sort_keys=True, default=str)).encode())
        sc._hash = digest.hexdigest()[:16]
        sc._path = template.path
        out[case.id] = sc
    return out


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
    done = changes(world.initial, world.data)
    return CaseOutcome(
        vendor=vendor, case=case.id, row=case.row, category=case.category,
        impact=case.impact, agreed=cmp.agreed and record.termination != "harness_error",
        decision_agreed=cmp.decision_agreed, state_agreed=cmp.state_agreed, human=cmp.human,
        vendor_side=cmp.vendor, did_nothing=not done, nothing_agrees=nothing.agreed,
        changes=done, calls=world.called[:50], termination=record.termination,
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
