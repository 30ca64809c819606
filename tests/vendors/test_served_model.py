"""The model a reply says answered is kept when it is not the model the profile asked for (a
dated snapshot behind an alias, a swapped model), so `agentcheck history` can mark a vendor
whose model changed under an unchanged profile; a reply naming the requested model adds
nothing to the record."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agentcheck.vendors.protocols.base import served_model

from ..fakes.anthropic import (
    KEY,
    KEY_ENV,
    AnthropicServer,
    anthropic_serving,
    message,
    one_step,
    profile_for,
    reply,
    text,
)
from ..helpers import driving

api_key = driving.key_in_env(KEY_ENV, KEY)


@pytest.fixture
def server() -> Iterator[AnthropicServer]:
    with anthropic_serving() as s:
        yield s


def test_a_snapshot_other_than_the_one_asked_for_is_kept(server: AnthropicServer) -> None:
    server.script(reply(message(text("Done."), model="claude-test-20261001")),
                  reply(message(text("Done."), model="claude-test")))
    assert one_step(profile_for(server)).served_model == "claude-test-20261001"
    assert one_step(profile_for(server)).served_model is None  # the model asked for


def test_what_counts_as_a_served_model() -> None:
    assert served_model("gpt-4o-2024-08-06", "gpt-4o") == "gpt-4o-2024-08-06"
    assert served_model("gpt-4o", "gpt-4o") is None
    assert served_model(None, "gpt-4o") is None and served_model("  ", "gpt-4o") is None
    assert served_model({"not": "a name"}, "gpt-4o") is None
    assert len(served_model("x" * 5000, "gpt-4o") or "") == 200
