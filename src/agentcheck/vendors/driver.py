"""The one driver contract, and the one place a trial ends and is recorded.

A driver speaks one vendor's wire protocol for one profile. It is of one of two kinds:

- `harness` (protocols/harness.py, `HarnessDriver`): a model API hands tool calls back; the
  harness runs the loop, executing them in the World.
- `vendor` (agentloop.py, `AgentDriver`): an agent product runs its own loop and calls the tools
  agentcheck hosts for it; the tool host records the calls.

The runner knows only `Driver.play(scenario, world, hosts)`. Both kinds play through
`play_trial`, which owns what every trial shares: the time budget, an exception turned into the
trial's termination (and whose fault it is), the closed World and the trial's duration.
"""

from __future__ import annotations

import abc
import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar, Literal

from agentcheck.core.errors import VendorError
from agentcheck.core.redaction import snippet
from agentcheck.core.trajectory import Trajectory
from agentcheck.vendors.protocols.base import MALFORMED

if TYPE_CHECKING:
    from agentcheck.scenario.model import Scenario
    from agentcheck.scenario.world import World
    from agentcheck.vendors.http import HttpClient
    from agentcheck.vendors.profile import VendorProfile
    from agentcheck.vendors.settings import ToolHostSettings
    from agentcheck.vendors.toolhost import ToolHost

DriverKind = Literal["harness", "vendor"]
OURS = "agentcheck"


class Driver(abc.ABC):
    """Speaks one wire protocol for one vendor profile. Subclass `HarnessDriver` or
    `AgentDriver`, never this class directly: `kind` says who runs the trial's loop."""

    kind: ClassVar[DriverKind]

    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        self.profile = profile
        self.http = http

    @abc.abstractmethod
    async def play(self, scenario: Scenario, world: World,
                   hosts: HostPool | None = None) -> Trajectory:
        """Play one trial to its end; vendor failures end the trial, they never raise.
        `hosts`: the run's tool hosts (vendor-run agents only; a private pool when None)."""

    def code_packages(self) -> frozenset[str]:
        """The top-level packages of this driver's own code that are not agentcheck's: where
        an exception reading a reply is the vendor's malformed reply (see `blame`)."""
        return packages_of(self)


async def play_trial(scenario: Scenario, world: World,
                     drive: Callable[[Trajectory], Awaitable[None]], *,
                     setup: Callable[[Trajectory], Awaitable[None]] | None = None,
                     vendor: str = "", code: frozenset[str] = frozenset()) -> Trajectory:
    """Run `drive` as one trial: within the scenario's time budget, any exception ending the
    trial (the budget, the vendor's failure, or agentcheck's own, see Trajectory.fail), the
    World closed afterwards, the duration measured from after `setup` (e.g. opening the tool
    host, whose failure ends the trial the same way). `code`: the driver's third-party
    packages, for `blame`."""
    traj = Trajectory()
    start = time.perf_counter()
    try:
        if setup is not None:
            await setup(traj)
            start = time.perf_counter()
        async with asyncio.timeout(scenario.budget.seconds):
            await drive(traj)
    except Exception as exc:
        traj.fail(blame(exc, vendor, code), scenario.budget.seconds)
    finally:
        world.closed = True
        traj.duration_s = time.perf_counter() - start
    return traj


def blame(exc: Exception, vendor: str, code: frozenset[str]) -> Exception:
    """`exc` as the trial should end on it. Built-in drivers read replies inside
    `protocols.base.malformed`, so what they trip over is already the vendor's VendorError and
    any other exception of theirs is agentcheck's bug. A third-party driver (from a package in
    `code`) may read replies any way it likes: when the innermost frame of its own code lies
    deeper than agentcheck's in the traceback, a reading error (KeyError, TypeError...) is the
    vendor's malformed reply. Raised inside agentcheck code the driver called (the HTTP layer,
    the AgentContext, the World), it stays agentcheck's harness error."""
    if not code or not isinstance(exc, MALFORMED):
        return exc
    ours = theirs = -1
    for depth, (frame, _) in enumerate(traceback.walk_tb(exc.__traceback__)):
        top = str(frame.f_globals.get("__name__", "")).partition(".")[0]
        if top == OURS:
            ours = depth
        elif top in code:
            theirs = depth
    if theirs <= ours:
        return exc
    return VendorError("malformed", f"{vendor}: reply cannot be used "
                       f"({type(exc).__name__}: {snippet(str(exc), 200)})")


def packages_of(*objects: object) -> frozenset[str]:
    """The top-level packages, other than agentcheck and the standard library's `abc`, that
    define the classes of `objects` (and their bases)."""
    found = {cls.__module__.partition(".")[0] for obj in objects if obj is not None
             for cls in type(obj).__mro__}
    return frozenset(found - {OURS, "builtins", "abc", "typing"})


class HostPool:
    """The tool hosts of one run, started on first use: one per (bind, port), shared by every
    vendor-run trial that asks for it."""

    def __init__(self) -> None:
        self._hosts: dict[tuple[str, int], ToolHost] = {}
        self._lock = asyncio.Lock()

    async def get(self, settings: ToolHostSettings) -> ToolHost:
        key = (settings.bind, settings.port)
        async with self._lock:
            host = self._hosts.get(key)
            if host is None:
                from agentcheck.vendors.toolhost import ToolHost  # MCP SDK, uvicorn: on use

                host = ToolHost(settings.bind, settings.port)
                await host.start()
                self._hosts[key] = host
        return host

    async def aclose(self) -> None:
        hosts, self._hosts = list(self._hosts.values()), {}
        for host in hosts:
            await host.stop()
