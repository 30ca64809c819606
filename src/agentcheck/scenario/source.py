"""The scenario loader's safe YAML with line numbers: the generic part lives in
core/yamlfile.py (evaluation plans read their files the same way); these names stay here for
the scenario and profile loaders that import them."""

from __future__ import annotations

from agentcheck.core.yamlfile import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    Loc,
    LocatedData,
    format_loc,
    load_file,
    load_text,
)

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "Loc", "LocatedData", "format_loc",
           "load_file", "load_text"]
