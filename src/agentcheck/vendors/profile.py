"""Vendor profiles (`adapters/*.yaml`): which protocol, where, which model, which key, what price.

A profile names the environment variable that holds the key, never the key itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agentcheck.core.errors import ConfigError
from agentcheck.core.redaction import mask_credentials, register_credentials
from agentcheck.scenario.source import LocatedData, format_loc, load_file
from agentcheck.vendors.settings import AGENT_PROTOCOLS, AgentSettings, check_agent_settings

AuthStyle = Literal["bearer", "api-key", "x-api-key", "x-goog-api-key", "query-key", "none"]


class Prices(BaseModel):
    """USD per million tokens."""

    model_config = ConfigDict(extra="forbid")
    input: float = Field(default=0.0, ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    cache_write_input: float | None = Field(default=None, ge=0,
                                            description="prompt-cache writes (Anthropic)")
    output: float = Field(default=0.0, ge=0)
    per_trial: float = Field(default=0.0, ge=0, description=(
        "USD per conversation, for products billed per task or seat rather than per token "
        "(vendor-run agents report no token usage); added to every trial"))


class VendorProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    protocol: str = Field(min_length=1)
    # a host, and nothing httpx would refuse at request time (spaces, control characters, an
    # absurd length): a bad base URL is the profile's error, never the vendor's reply
    base_url: str = Field(pattern=r"^https?://[^\s/?#]+(?:[/?#][^\s]*)?$", max_length=8000)
    # required for model APIs (sent in every request); a vendor-run agent (a2a, http-agent)
    # names its product itself, so there it may be left out and the profile's name stands in
    # wherever a model name is shown (run.json, reports, list)
    model: str = Field(min_length=1)
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    timeout_s: float = Field(default=60, gt=0, le=3600)
    max_concurrency: int = Field(default=4, ge=1, le=256)
    max_retries: int = Field(default=4, ge=0, le=20)
    max_retry_wait_s: float = Field(default=60, ge=0, le=3600)
    max_response_bytes: int = Field(default=8_000_000, ge=1024)
    prices: Prices = Field(default_factory=Prices)
    headers: dict[str, str] = Field(
        default_factory=dict, description="extra headers; values of headers named like a "
        "credential (auth, key, token, secret...) are masked in every output")
    params: dict[str, Any] = Field(default_factory=dict,
                                   description="extra request body fields, e.g. temperature")
    version: str | None = Field(default=None, description="vendor/product version, for reports")
    stream: bool = Field(default=False, description="use the protocol's streaming form")
    auth: AuthStyle | None = Field(
        default=None, description="how the key is sent; default: the protocol's usual way")
    api_version: str | None = Field(default=None,
                                    description="Azure api-version / anthropic-version")
    max_tokens: int | None = Field(default=None, ge=1, description="output token cap per call")
    conversation_state: Literal["stateful", "stateless"] = Field(
        default="stateful", description="openai-responses: previous_response_id or full history")
    agent: AgentSettings | None = Field(
        default=None, description="a2a, http-agent: vendor-run agents (hosted tools, requests)")

    @model_validator(mode="before")
    @classmethod
    def _agent_model_defaults_to_name(cls, data: Any) -> Any:
        if (isinstance(data, dict) and data.get("model") is None
                and data.get("protocol") in AGENT_PROTOCOLS and isinstance(data.get("name"), str)):
            return {**data, "model": data["name"]}
        return data

    @model_validator(mode="after")
    def _agent_fits_protocol(self) -> VendorProfile:
        check_agent_settings(self.protocol, self.agent)
        return self

    @model_validator(mode="after")
    def _register_credentials(self) -> VendorProfile:
        # a key in a header or in the URL is masked wherever it could be written, from now on
        register_credentials(self.base_url, self.headers)
        return self

    _source: str = ""

    @property
    def source(self) -> str:
        return self._source

    def api_key(self) -> str | None:
        """The key from the environment; a ConfigError names the variable if it is missing."""
        if self.api_key_env is None:
            return None
        value = os.environ.get(self.api_key_env)
        if not value:
            raise ConfigError(f"environment variable {self.api_key_env} is not set "
                              f"(vendor {self.name!r} needs its API key there)",
                              file=self._source or None, field="api_key_env")
        return value

    def public(self) -> dict[str, Any]:
        """The profile as written to results: no secret can be in it (keys live in env vars;
        credentials in headers or in base_url are masked)."""
        data = self.model_dump(mode="json")
        data["base_url"], data["headers"] = mask_credentials(self.base_url, self.headers)
        data["source"] = self._source
        return data


def _from_data(src: LocatedData) -> VendorProfile:
    if not isinstance(src.data, dict):
        raise src.error((), "a vendor profile must be a YAML mapping")
    try:
        profile = VendorProfile.model_validate(src.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        msg = {"extra_forbidden": "unknown field",
               "missing": "required field is missing"}.get(err["type"], err["msg"])
        if loc == ("model",) and err["type"] in ("missing", "string_type"):
            msg = (f"required for protocol {src.data.get('protocol')!r}: the model name sent in "
                   "every request (only vendor-run agents, " + ", ".join(AGENT_PROTOCOLS)
                   + ", may leave it out)")
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise ConfigError(msg + more, file=src.file, line=src.line_of(loc),
                          field=format_loc(loc)) from None
    from agentcheck.vendors.protocols.registry import known_protocols

    if profile.protocol not in known_protocols():
        raise src.error(("protocol",), f"unknown protocol {profile.protocol!r} (expected one of "
                                       f"{', '.join(known_protocols())})")
    profile._source = src.file
    return profile


def load_profile(path: Path) -> VendorProfile:
    return _from_data(load_file(path))


def profile_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
