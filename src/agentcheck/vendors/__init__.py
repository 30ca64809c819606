"""Talking to vendors: profiles, the HTTP layer and transport, the protocol drivers, the agent loop
and tool host for vendor-run agents, and the embedded demo vendors. Never judges."""
