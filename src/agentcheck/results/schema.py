"""JSON Schemas of the results contract, generated from the models: one trials.jsonl line
(TrialRecord) and summary.json (Summary). They ship in the package (results/schemas/) so tools
in any language can validate a run folder; tests/results/test_results_schema.py fails when a model
changes and the files were not regenerated:

    python -m agentcheck.results.schema
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic import BaseModel

from agentcheck.results.records import TrialRecord
from agentcheck.results.summary import Summary

SCHEMAS: dict[str, type[BaseModel]] = {
    "trial-record.schema.json": TrialRecord,
    "summary.schema.json": Summary,
}
"""File name in results/schemas/ -> the model it describes."""

DESCRIPTIONS = {
    "trial-record.schema.json": "One line of an agentcheck run's trials.jsonl: one finished "
                                "trial (vendor x scenario x trial).",
    "summary.schema.json": "An agentcheck run's summary.json: the verdict on each vendor and "
                           "the comparisons between them.",
}


def schema_of(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one results file, from its model."""
    schema = SCHEMAS[name].model_json_schema()
    schema.pop("description", None)  # the model's docstring speaks to developers
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "description": DESCRIPTIONS[name], **schema}


def schema_text(name: str) -> str:
    return json.dumps(schema_of(name), indent=2, ensure_ascii=False) + "\n"


def shipped_schema(name: str) -> dict[str, Any]:
    """The schema as shipped in the package (what tools validate against)."""
    text = resources.files("agentcheck.results").joinpath("schemas", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def main() -> None:
    """Regenerate results/schemas/ from the models."""
    folder = resources.files("agentcheck.results").joinpath("schemas")
    for name in SCHEMAS:
        path = folder.joinpath(name)
        with resources.as_file(path) as real:
            real.write_text(schema_text(name), encoding="utf-8")
            print(f"wrote {real}")


if __name__ == "__main__":
    main()
