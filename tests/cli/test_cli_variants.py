"""`agentcheck variants show`: one trial's private variant as its vendor saw it, from the key in
the environment (never printed), by the trial's seed."""

from __future__ import annotations

import json
import os

from agentcheck.scenario.model import load_scenarios
from agentcheck.scenario.variants import VARIANT_KEY_ENV, VariantWorld, key_fingerprint

from ..helpers.cli import agentcheck
from ..helpers.paths import SCENARIOS

KEY = "test-variant-key-0123456789"
FILE = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"


def test_show_prints_what_the_trial_s_vendor_saw() -> None:
    (sc,), _ = load_scenarios([FILE])
    world = VariantWorld(sc, 7, KEY)
    done = agentcheck("variants", "show", "refund-damaged-order", "--seed", "7",
                      env={VARIANT_KEY_ENV: KEY})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert KEY not in out and key_fingerprint(KEY) in out
    assert world.user_turns()[0] in out
    for canon, shown in world.variant.tools.items():
        assert f"{shown} <- {canon}" in out
    lines = out.splitlines()
    tool_lines = [ln.strip().split(" <- ")[0] for ln in lines if ln.startswith("  ")
                  and " <- " in ln and not ln.startswith("      ")]
    assert tool_lines == [world.variant.shown(n) for n in world.variant.order]
    assert f"look-alike records ({len(world.lookalikes)})" in out
    for la in world.lookalikes:
        assert json.dumps(la.record, ensure_ascii=False) in out

    as_json = agentcheck("variants", "show", str(FILE), "--seed", "7", "--json",
                         env={VARIANT_KEY_ENV: KEY})
    assert as_json.returncode == 0, as_json.stderr
    view = json.loads(as_json.stdout)
    assert view["user_turns"] == world.user_turns()
    assert [t["shown"] for t in view["tools"]] == [world.variant.shown(n)
                                                   for n in world.variant.order]
    assert [la["record"] for la in view["lookalikes"]] == [la.record for la in world.lookalikes]
    other = agentcheck("variants", "show", str(FILE), "--seed", "8", "--json",
                       env={VARIANT_KEY_ENV: KEY})
    assert json.loads(other.stdout)["lookalikes"] != view["lookalikes"] or \
        json.loads(other.stdout)["user_turns"] != view["user_turns"]


def test_show_without_a_key_or_with_an_unknown_scenario_says_why() -> None:
    env = {k: v for k, v in os.environ.items() if k != VARIANT_KEY_ENV}
    env[VARIANT_KEY_ENV] = ""
    missing = agentcheck("variants", "show", "refund-damaged-order", "--seed", "1", env=env)
    assert missing.returncode == 2 and VARIANT_KEY_ENV in missing.stderr
    assert "Traceback" not in missing.stderr
    unknown = agentcheck("variants", "show", "no-such-scenario", "--seed", "1",
                         env={VARIANT_KEY_ENV: KEY})
    assert unknown.returncode == 2 and "no-such-scenario" in unknown.stderr
    assert "Traceback" not in unknown.stderr and KEY not in unknown.stderr
    broken = agentcheck("variants", "show", str(SCENARIOS / "nope.yaml"), "--seed", "1",
                        env={VARIANT_KEY_ENV: KEY})
    assert broken.returncode == 2 and "nope.yaml" in broken.stderr
    assert "Traceback" not in broken.stderr
