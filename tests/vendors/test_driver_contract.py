"""The one driver contract: the registry checks what a protocol name points at, and a
third-party driver's reading errors are the vendor's malformed reply while agentcheck's own bugs
stay harness errors (vendors/driver.py `blame`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.core.usage import Usage
from agentcheck.run.runner import make_driver, run_one
from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.vendors import protocols
from agentcheck.vendors.agentloop import AgentContext, AgentDriver
from agentcheck.vendors.driver import Driver
from agentcheck.vendors.profile import VendorProfile, load_profile
from agentcheck.vendors.protocols import base, registry
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult
from agentcheck.vendors.protocols.harness import HarnessDriver

REFUND = (Path(__file__).resolve().parents[2] / "scenarios" / "customer-service"
          / "refund-damaged-order.yaml")
HERE = __name__


# ---------------------------------------------------------------------------- third-party drivers
class AcmeSession(Session):
    """Reads a vendor reply the way a third party might: by indexing it, no guard."""

    reply: Any = {"output": "no choices here"}
    how = "index"

    def add_user(self, text: str) -> None:
        pass

    def add_tool_results(self, results: list[ToolResult]) -> None:
        pass

    async def step(self) -> ModelTurn:
        if self.how == "our-bug":  # agentcheck code the driver calls fails inside itself
            base.endpoint(None, "/x")  # type: ignore[arg-type]
        if self.how == "runtime":
            raise RuntimeError("the driver's own bug")
        return ModelTurn(text=self.reply["choices"][0]["text"], usage=Usage())


class AcmeDriver(HarnessDriver):
    def session(self, system: str, tools: list[dict[str, Any]]) -> Session:
        return AcmeSession()


class AcmeAgent(AgentDriver):
    async def run_task(self, ctx: AgentContext) -> None:
        ctx.first_message()
        reply: dict[str, Any] = {"status": "done"}
        reply["answer"].strip()  # the vendor's reply lacks the field the driver expects


class NotADriver:
    pass


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Third-party protocols registered as under the `agentcheck.protocols` entry points."""
    points = {"acme": f"{HERE}:AcmeDriver", "acme-agent": f"{HERE}:AcmeAgent",
              "not-a-driver": f"{HERE}:NotADriver", "abstract": "agentcheck.vendors.driver:Driver",
              "missing": "acme_nowhere.driver:AcmeDriver"}
    monkeypatch.setattr(registry, "entry_point_drivers", lambda: points)
    monkeypatch.setattr(protocols, "entry_point_drivers", lambda: points)
    return points


def profile(protocol: str, **fields: Any) -> VendorProfile:
    return VendorProfile.model_validate({"name": "acme", "protocol": protocol, "model": "m",
                                         "base_url": "http://127.0.0.1:9", **fields})


def trial(vendor: VendorProfile, scenario: Scenario) -> dict[str, Any]:
    """The trial's record as trials.jsonl holds it."""
    async def main() -> Any:
        async with httpx.AsyncClient() as client:
            return await run_one(vendor, make_driver(vendor, client), scenario, 0, 7)

    record = asyncio.run(main())
    return dict(record) if isinstance(record, dict) else dict(record.model_dump(mode="json"))


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(REFUND)


# ---------------------------------------------------------------------------- the registry
@pytest.mark.parametrize(("protocol", "why"), [
    ("not-a-driver", "is not a driver class"),
    ("abstract", "is not a driver class"),
    ("missing", "cannot load acme_nowhere.driver:AcmeDriver"),
])
def test_a_protocol_that_is_not_a_driver_is_the_profiles_error(
        acme: dict[str, str], tmp_path: Path, protocol: str, why: str) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(f"name: acme\nprotocol: {protocol}\nbase_url: http://127.0.0.1:9\n"
                    "model: m\n")
    with pytest.raises(ConfigError) as info:
        make_driver(load_profile(path), httpx.AsyncClient())
    assert info.value.file == str(path) and info.value.field == "protocol"
    assert why in info.value.detail


def test_every_builtin_protocol_is_a_driver_of_one_kind() -> None:
    kinds = {name: protocols.driver_class(name).kind for name in registry.BUILTIN}
    assert kinds == {"openai-chat": "harness", "anthropic": "harness",
                     "openai-responses": "harness", "gemini": "harness",
                     "a2a": "vendor", "http-agent": "vendor"}
    assert all(issubclass(protocols.driver_class(n), Driver) for n in registry.BUILTIN)


# ---------------------------------------------------------------------------- who is at fault
def test_a_third_party_driver_tripping_over_a_reply_is_the_vendors_malformed_reply(
        acme: dict[str, str], scenario: Scenario) -> None:
    record = trial(profile("acme"), scenario)
    assert (record["termination"], record["error_cause"]) == ("vendor_error", "malformed")
    assert "KeyError" in record["error_message"] and "choices" in record["error_message"]


def test_a_third_party_agent_tripping_over_a_reply_is_the_vendors_malformed_reply(
        acme: dict[str, str], scenario: Scenario) -> None:
    record = trial(profile("acme-agent"), scenario)
    assert (record["termination"], record["error_cause"]) == ("vendor_error", "malformed")


def test_the_escape_hatch_class_is_third_party_code_too(scenario: Scenario) -> None:
    vendor = profile("http-agent", agent={"driver_class": f"{HERE}:AcmeAgent"})
    record = trial(vendor, scenario)
    assert (record["termination"], record["error_cause"]) == ("vendor_error", "malformed")


@pytest.mark.parametrize(("how", "cause"), [("our-bug", "TypeError"),
                                            ("runtime", "RuntimeError")])
def test_agentchecks_bug_or_a_drivers_non_reading_error_stays_a_harness_error(
        acme: dict[str, str], scenario: Scenario, monkeypatch: pytest.MonkeyPatch,
        how: str, cause: str) -> None:
    """A reading error raised inside agentcheck code the driver called is agentcheck's; an
    error that is no reading error (RuntimeError) is not blamed on the vendor either."""
    monkeypatch.setattr(AcmeSession, "how", how)
    record = trial(profile("acme"), scenario)
    assert (record["termination"], record["error_cause"]) == ("harness_error", cause)
