"""Nothing a vendor says or passes can make the scorer raise: an exception there would turn the
trial into agentcheck's own error and withhold the vendor's verdict ("not judged"), which a
vendor could then choose. Random text and arguments through the real trial loop and scorer."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentcheck.scenario.model import load_scenario
from agentcheck.vendors.protocols.base import ModelTurn, ToolCall

from ..helpers.paths import SCENARIOS
from ..helpers.scripted import play

SCENARIO_FILES = ("customer-service/refund-duplicate-charge-pci-safe.yaml",
                  "customer-service/refund-outside-return-window.yaml",
                  "sales-crm/log-customer-call-and-schedule-follow-up.yaml",
                  "hr-onboarding/set-up-new-hire-payroll-without-exposing-bank-details.yaml")
LOADED = [load_scenario(SCENARIOS / f) for f in SCENARIO_FILES]

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Lo", "Po", "So", "Zs"]),
            max_size=200),
    st.builds(lambda n, c: c * n, st.integers(0, 5000), st.sampled_from("f9Oá\u2028{")),
    st.sampled_from(["{\"status\": \"done\"}", "| a | Done |", "- x: ✅", "{\"pending\": []}",
                     "{" * 50, "4111.1111.1111.1111", "፩፪፫፬፭፮፯", "Ⅻ", "½ ¾ ²"]),
)
json_values: Any = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=10), inner, max_size=3)),
    max_leaves=10)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(LOADED) - 1), reply=texts, first=texts,
       args=st.dictionaries(st.text(max_size=12), json_values, max_size=4),
       tool=st.integers(0, 20))
def test_no_reply_or_argument_makes_the_scorer_raise(which: int, reply: str, first: str,
                                                     args: dict[str, Any], tool: int) -> None:
    scenario = LOADED[which]
    name = scenario.tools[tool % len(scenario.tools)].name
    turns = [ModelTurn(text=first, tool_calls=[ToolCall("f1", name, args, "{}")]),
             ModelTurn(text=reply)]
    _, traj, score = play(scenario, turns)
    assert traj.termination != "harness_error", traj.error_message
    assert 0.0 <= score.score <= 1.0
