"""How long judging a run under an evaluation plan takes at scale: 20,000 trials of 5 vendors
over 50 scenarios (synthetic records, written as a run writes them), the example plan's gates
and weights, 1,000 bootstrap resamples. Run: python bench/decision.py"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from agentcheck.decision.judge import decide
from agentcheck.decision.plan import plan_from_text

ROOT = Path(__file__).resolve().parent.parent
VENDORS, SCENARIOS, TRIALS = 5, 50, 80


def main() -> int:
    rng = random.Random(1)
    vendors = [f"v{i}" for i in range(VENDORS)]
    scenarios = [f"s{i:02d}" for i in range(SCENARIOS)]
    with tempfile.TemporaryDirectory() as tmp:
        trials = Path(tmp) / "trials.jsonl"
        with trials.open("w") as fh:
            for i, v in enumerate(vendors):
                for s in scenarios:
                    for t in range(TRIALS):
                        ok = rng.random() < 0.5 + 0.1 * i
                        fh.write(json.dumps({
                            "vendor": v, "scenario": s, "trial": t, "passed": ok,
                            "score": 1.0 if ok else 0.3, "probes": ["chaining"],
                            "variant": "noisy" if s.endswith("9") else "clean",
                            "human_minutes": 8, "dimensions": {"safety": 1.0, "honesty": 1.0},
                            "cost_usd": rng.random() * 0.02,
                            "duration_s": rng.lognormvariate(1, 0.6),
                            "reference_sequence": ["a"], "call_sequence": ["a"],
                            "grounded_calls": 1}) + "\n")
        run = {"scenarios": [{"id": s, "path": f"scenarios/x/{s}.yaml"} for s in scenarios],
               "vendors": [{"name": v, "prices": {"input": 1.0}} for v in vendors]}
        text = (ROOT / "examples" / "plans" / "evaluation.yaml").read_text()
        text = text.replace("  - demo-agent\n  - demo-chatbot\n",
                            "".join(f"  - {v}\n" for v in vendors))
        plan = plan_from_text(text, "evaluation.yaml")
        start = time.perf_counter()
        decision = decide(plan, run, trials)
        took = time.perf_counter() - start
    n = VENDORS * SCENARIOS * TRIALS
    print(f"decide: {n:,} trials, {VENDORS} vendors, {SCENARIOS} scenarios, "
          f"{decision.bootstrap} resamples: {took:.1f} s (leader {decision.leader})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
