"""The small error tree every layer maps its failures into.

- ConfigError: the user's input is wrong; shown without a traceback, exit 2.
- VendorError: the vendor under test misbehaved; scored as the vendor's failure.
- ToolError: a tool call failed inside the World; sent back to the vendor as a tool result.
- HarnessError: agentcheck itself failed; recorded as an `error` outcome, not the vendor's fault.
"""

from __future__ import annotations


class AgentcheckError(Exception):
    """Base of every error agentcheck raises on purpose."""


class ConfigError(AgentcheckError):
    """Bad user input: a scenario, a profile or a command-line argument."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.detail = message
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.detail}"


class VendorError(AgentcheckError):
    """The vendor failed to answer usefully; `cause` is a stable identifier used in results."""

    CAUSES = (
        "timeout", "connection", "rate_limited", "server_error", "http_error", "auth",
        "quota", "malformed", "too_large", "protocol", "stream_cut",
    )

    def __init__(self, cause: str, message: str, *, status: int | None = None,
                 retry_after_s: float | None = None, retryable: bool = False) -> None:
        assert cause in self.CAUSES, cause
        self.cause = cause
        self.status = status
        self.retry_after_s = retry_after_s
        self.retryable = retryable
        super().__init__(message)


class ToolError(AgentcheckError):
    """A tool call failed; the message goes back to the vendor verbatim."""

    KINDS = ("unknown_tool", "invalid_arguments", "precondition", "not_found", "fault")

    def __init__(self, kind: str, message: str) -> None:
        assert kind in self.KINDS, kind
        self.kind = kind
        super().__init__(message)


class HarnessError(AgentcheckError):
    """agentcheck's own failure during a trial; never counted against the vendor."""
