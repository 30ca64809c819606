"""Runs the vendor x scenario x trial matrix: concurrency, seeds, resume, results as they land.

A vendor's failure is scored and the run goes on; agentcheck's own failure in a trial becomes a
`harness_error` record, never the vendor's fault.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from agentcheck import __version__
from agentcheck.core.addresses import is_loopback
from agentcheck.core.redaction import redact
from agentcheck.core.trajectory import Trajectory
from agentcheck.core.usage import floored, text_chars, traffic
from agentcheck.judge.scoring import score_trial
from agentcheck.judge.verdict import summarise_file
from agentcheck.results.cells import plan_cells, shard_cells
from agentcheck.results.files import RunFolder, now_iso, trial_states
from agentcheck.results.records import TrialRecord, harness_error_record
from agentcheck.results.summary import Summary
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.variants import VariantWorld, key_fingerprint
from agentcheck.scenario.world import World
from agentcheck.vendors.driver import Driver, HostPool
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols import driver_class
from agentcheck.vendors.transport import async_client

if TYPE_CHECKING:  # imported where used: only `--judge` needs the second reader
    from agentcheck.run.second_reader import JudgeSpec, SecondReader


def trial_seed(base_seed: int, scenario_id: str, trial: int) -> int:
    """Every vendor gets the same World for the same (scenario, trial): a fair comparison."""
    digest = hashlib.sha256(f"{base_seed}/{scenario_id}/{trial}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


@dataclass
class Plan:
    vendors: list[VendorProfile]
    scenarios: list[Scenario]
    trials: int = 1
    seed: int = 0
    concurrency: int = 8
    meta: dict[str, Any] = field(default_factory=dict)
    shard: tuple[int, int] | None = None
    """(I, N): run only shard I of N of the vendor x scenario x trial matrix (shard.py)."""
    judge: JudgeSpec | None = None
    """`--judge PROFILE`: the second reader of every final reply (second_reader.py)."""
    variant_key: str | None = field(default=None, repr=False)
    """`--private-variants`: the secret key (never written; run.json has its fingerprint)."""

    def run_json(self) -> dict[str, Any]:
        data = {
            "agentcheck_version": __version__,
            "seed": self.seed,
            "trials": self.trials,
            "scenarios": [{"id": s.id, "title": s.title, "version": s.version,
                           "hash": s.content_hash,
                           "path": s.path} for s in self.scenarios],
            "vendors": [v.public() for v in self.vendors],
            **self.meta,
        }
        if self.shard is not None:
            data["shard"] = {"index": self.shard[0], "count": self.shard[1]}
        if self.variant_key is not None:
            data["variants"] = {"key_fingerprint": key_fingerprint(self.variant_key)}
        return data

    def in_shard(self) -> set[tuple[str, str, int]] | None:
        """The (vendor, scenario, trial) cells this run may run; None for all of them."""
        if self.shard is None:
            return None
        cells = plan_cells([v.name for v in self.vendors], [s.id for s in self.scenarios],
                           self.trials)
        return shard_cells(cells, *self.shard)


Progress = Callable[[dict[str, Any]], None]


def make_driver(profile: VendorProfile, client: httpx.AsyncClient) -> Driver:
    http = HttpClient(client, profile.name, max_retries=profile.max_retries,
                      max_retry_wait_s=profile.max_retry_wait_s,
                      max_response_bytes=profile.max_response_bytes,
                      key_env=profile.api_key_env)
    return driver_class(profile.protocol, file=profile.source or None)(profile, http)


def reference_sequence(scenario: Scenario) -> list[str]:
    return [s.call for s in scenario.reference if s.call]


async def run_one(profile: VendorProfile, driver: Driver, scenario: Scenario, trial: int,
                  seed: int, tool_hosts: HostPool | None = None,
                  variant_key: str | None = None, second: SecondReader | None = None,
                  world: World | None = None) -> TrialRecord:
    """One trial to its record. `world`: a World built by the caller (a case pack's replay
    builds it from the case's data, then reads what the vendor left in it)."""
    started = now_iso()
    named: dict[str, Any] = {
        "vendor": profile.name, "scenario": scenario.id, "scenario_version": scenario.version,
        "scenario_hash": scenario.content_hash, "variant": scenario.variant,
        "family": scenario.family, "probes": list(scenario.probes),
        "human_minutes": scenario.human_baseline.minutes, "trial": trial, "seed": seed,
        "started_at": started, "reference_sequence": reference_sequence(scenario),
        # scenarios offering the same tools form a control group (verdict: `scripted`)
        "tool_set": sorted(t.name for t in scenario.tools),
    }
    try:
        # a private variant renames at the vendor boundary only: the judge reads canonical names
        if world is None:
            world = World(scenario, seed) if variant_key is None else \
                VariantWorld(scenario, seed, variant_key)
        if isinstance(world, VariantWorld):  # the evidence names what the vendor saw
            named["shown_names"] = world.shown_names()
        # the harness's loop or the vendor's (then tool calls come from the tool host)
        traj = await driver.play(scenario, world, tool_hosts)
        # the second reader never raises; its labels decide only with --judge-decides
        reading, acts = (await second.read(traj) if second is not None
                         and traj.termination != "harness_error" else (None, None))
        score = score_trial(scenario, world, traj, acts)
        cost = priced(profile, driver, world, traj)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # agentcheck's fault (e.g. a scenario expression failing)
        return harness_error_record(named, type(exc).__name__, redact(str(exc)))
    # one model, validated: the fields in the order trials.jsonl has always written them
    return TrialRecord.model_validate({**named, **score.to_json(),
        "termination": traj.termination, "error_cause": traj.error_cause,
        "error_message": traj.error_message, "model_calls": traj.model_calls,
        "tool_calls": len(traj.calls),
        "invalid_calls": sum(1 for c in traj.calls if not c.valid),
        "usage": vars(traj.usage).copy(),
        **cost,
        "duration_s": round(traj.duration_s, 4),
        "model_latencies": [round(x, 4) for x in traj.model_latencies],
        "final_answer": traj.final_text[:2000], "events": traj.events,
        **({"second_reader": reading} if reading is not None else {}),
    })


def priced(profile: VendorProfile, driver: Driver, world: World, traj: Trajectory
           ) -> dict[str, Any]:
    """A trial's cost_usd and usage_floor: the reported usage priced, but never below the
    harness's own estimate of the traffic (core/usage.py). The harness's loop sent every model
    call the system prompt and the tool declarations; a vendor-run agent's model calls are not
    seen, so only what the agent was sent and said counts, once."""
    resent = driver.kind == "harness"
    fixed = len(world.system_prompt() or "") + text_chars(world.tool_specs()) if resent else 0
    seen = traffic(traj.events, fixed, resent=resent)
    floor = seen.floor()
    billed = floored(traj.usage, floor)
    tokens_priced = profile.prices.input > 0 or profile.prices.output > 0
    reported = round(traj.usage.cost(profile.prices) + profile.prices.per_trial, 8)
    cost = round(billed.cost(profile.prices) + profile.prices.per_trial, 8)
    return {"cost_usd": cost, "usage_floor": {
        "prompt_chars": seen.prompt_chars, "completion_chars": seen.completion_chars,
        "input_tokens": floor.input_tokens, "output_tokens": floor.output_tokens,
        # raised: the floor changed the price (a profile pricing only per trial never is)
        "raised": billed != traj.usage and tokens_priced,
        "reported_cost_usd": reported}}


async def execute(plan: Plan, folder: RunFolder, progress: Progress | None = None
                  ) -> Summary:
    """Run every trial not already in the folder, and again each one that ended in an
    agentcheck error (its vendor has no verdict until it is judged; the new record replaces the
    old one, as read_trials keeps the last); return the summary of all of them."""
    done = {key for key, ending in trial_states(folder.trials_path).items()
            if ending != "harness_error"}
    todo = [(v, s, t) for v in plan.vendors for s in plan.scenarios for t in range(plan.trials)
            if (v.name, s.id, t) not in done]
    mine = plan.in_shard()
    if mine is not None:  # `run --shard I/N`: this machine's slice of the matrix only
        todo = [(v, s, t) for v, s, t in todo if (v.name, s.id, t) in mine]
    total = len(todo)
    vendor_totals: dict[str, int] = {}
    for v, _, _ in todo:
        vendor_totals[v.name] = vendor_totals.get(v.name, 0) + 1
    finished = 0
    started = time.perf_counter()
    global_limit = asyncio.Semaphore(plan.concurrency)
    clients: dict[str, httpx.AsyncClient] = {}
    drivers: dict[str, Driver] = {}
    limits: dict[str, asyncio.Semaphore] = {}
    tool_hosts = HostPool()  # started on first use, by vendor-run (agent) protocols only
    try:
        for v in plan.vendors:
            # httpx's API over aiohttp's pool (transport.py says why; bench/ shows it)
            client = async_client(
                timeout_s=v.timeout_s, max_connections=v.max_concurrency,
                # honour proxy settings for remote vendors, never for loopback ones
                trust_env=not is_loopback(v.base_url))
            clients[v.name] = client
            drivers[v.name] = make_driver(v, client)
            limits[v.name] = asyncio.Semaphore(v.max_concurrency)
        second = None
        if plan.judge is not None:  # "judge:" cannot start a vendor's name
            from agentcheck.run.second_reader import SecondReader, judge_client

            client = clients[f"judge:{plan.judge.profile.name}"] = judge_client(
                plan.judge.profile)
            second = SecondReader(plan.judge, make_driver(plan.judge.profile, client))

        async def one(v: VendorProfile, s: Scenario, t: int) -> None:
            nonlocal finished
            async with global_limit, limits[v.name]:
                record = await run_one(v, drivers[v.name], s, t, trial_seed(plan.seed, s.id, t),
                                       tool_hosts, plan.variant_key, second)
            try:
                folder.append(record)
            except Exception as exc:  # a full disk, say: this trial is lost (resume runs it
                # again), not the run, which still ends with its summary and reports
                record = harness_error_record(record, "RecordNotWritten", "the trial's record "
                                              f"could not be written: {redact(str(exc))}")
            finished += 1
            if progress:
                progress({"done": finished, "total": total, "record": record,
                          "elapsed_s": time.perf_counter() - started,
                          "vendor_totals": vendor_totals})

        await asyncio.gather(*(one(v, s, t) for v, s, t in todo))
    finally:
        await tool_hosts.aclose()
        for client in clients.values():
            await client.aclose()
        folder.close()
    return summarise_file(folder.trials_path, [v.name for v in plan.vendors])
