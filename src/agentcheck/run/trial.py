"""A trial played from a Session through the harness loop, for callers that hold a Session
rather than a driver (proving a scenario with its reference solution, tests). The loop itself
lives with the harness drivers (vendors/protocols/harness.py); the runner calls `Driver.play`."""

from __future__ import annotations

from agentcheck.vendors.protocols.harness import masked, run_trial

__all__ = ["masked", "run_trial"]
