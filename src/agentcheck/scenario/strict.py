"""The base of every model a scenario author writes: an unknown field is an error (a typo such
as `wehre:` must not be dropped silently, leaving a tool that ignores its criteria)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
