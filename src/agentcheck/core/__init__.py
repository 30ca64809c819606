"""Core value types every layer shares: errors by who is at fault, secret redaction, token usage
and the trajectory of one trial. Imports nothing else of agentcheck."""
