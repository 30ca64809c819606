"""agentcheck: judge AI agents by what they do in a simulated world, not by what they say."""

__version__ = "0.1.0"
