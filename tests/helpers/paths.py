"""Where the repository and its scenario library are, for tests that read or run them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIOS = ROOT / "scenarios"
REFUND = "scenarios/customer-service/refund-damaged-order.yaml"
"""The refund scenario, relative to ROOT (where the CLI runs in tests)."""
