"""The eight scenarios issue 14 added (dates, lookups, reference selectors), by path: the red
team's date and look-alike tests play them."""

from __future__ import annotations

from .paths import ROOT

NEW_SCENARIOS = tuple(ROOT / "scenarios" / p for p in (
    "finance-close/post-accrual-outside-closed-period.yaml",
    "healthcare-administration/book-urgent-referral-within-14-days.yaml",
    "hr-leave/book-three-working-days-leave-from-next-monday.yaml",
    "logistics/reroute-late-shipment-to-carrier-arriving-by-promised-date.yaml",
    "contracts/send-non-renewal-notice-to-notices-address.yaml",
    "facilities/book-cheapest-certified-engineer-for-boiler-repair.yaml",
    "security-operations/triage-macro-alert-isolate-riskiest-workstation.yaml",
    "travel/book-cheapest-in-policy-flight-landing-before-meeting-day.yaml"))
