"""Shared fixtures. Tests never reach the internet: every vendor is a loopback server."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write_yaml(tmp_path: Path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def vendor_server():
    """A scripted loopback Chat Completions server (tests/fakes/openai_chat.py), always stopped and
    joined at teardown, which then fails the test if the client sent an invalid request."""
    from .fakes.openai_chat import serving

    with serving() as server:
        yield server


@pytest.fixture
def zoo():
    """Misbehaving vendors on loopback (tests/fakes/zoo.py), stopped at teardown."""
    from .fakes.zoo import Zoo

    server = Zoo().start()
    try:
        yield server
    finally:
        server.stop()
