"""The built-in demo vendors' names, apart from their server (demo.py, which brings an HTTP
server, the reference player and the World with it): resolving `--vendor NAME`, listing vendors
or a run without demo vendors needs only the names."""

from __future__ import annotations

DEMO_VENDORS = ("demo-agent", "demo-chatbot", "demo-rpa")
