"""The red-team library run, once per test session, shared by every red-team test module."""

from __future__ import annotations

import pytest

from .library_run import LibraryRun, run_library


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> LibraryRun:
    return run_library(tmp_path_factory.mktemp("redteam"))
