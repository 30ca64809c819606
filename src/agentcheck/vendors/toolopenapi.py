"""The tool host's OpenAPI side (toolhost.py serves it): the OpenAPI 3.1 document of one
session, one `POST /t/{token}/tools/{name}` per tool, for platforms that import OpenAPI actions,
and how such a call's body is read (as vendor data: text cleaned, a body that does not parse or
nests absurdly deep becomes the call's recorded error).
"""

from __future__ import annotations

from typing import Any

from agentcheck.core.text import clean_text
from agentcheck.scenario.world import World
from agentcheck.vendors.protocols.base import MALFORMED, TOO_DEEP, too_deep
from agentcheck.vendors.wire import vendor_json

INSTRUCTIONS = "Business tools for the current task. Call them to look things up and act."
"""What the MCP server and the OpenAPI document tell an agent the tools are for."""


def openapi_document(world: World, server_url: str) -> dict[str, Any]:
    """OpenAPI 3.1 for one session: POST /tools/{name} per tool, its parameters as the body."""
    paths: dict[str, Any] = {}
    result_ref = {"$ref": "#/components/schemas/ToolResult"}
    error_ref = {"$ref": "#/components/schemas/Error"}
    for tool in world.tool_specs():  # the World's declarations: a private variant's names
        description = tool["description"] or tool["name"]
        paths[f"/tools/{tool['name']}"] = {"post": {
            "operationId": tool["name"],
            "summary": description.strip().splitlines()[0][:120],
            "description": description,
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": tool["parameters"]}}},
            "responses": {
                "200": {"description": "The tool ran. `ok` true: `result` holds its output. "
                                       "`ok` false: `error` says why it refused or failed; "
                                       "fix the arguments or try again.",
                        "content": {"application/json": {"schema": result_ref}}},
                "400": {"description": "The request body is not JSON.",
                        "content": {"application/json": {"schema": error_ref}}},
                "404": {"description": "Unknown tool, or the session has ended.",
                        "content": {"application/json": {"schema": error_ref}}},
                "413": {"description": "The request body is too large.",
                        "content": {"application/json": {"schema": error_ref}}},
            },
        }}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Business tools", "version": "1.0",
                 "description": INSTRUCTIONS + " Each operation takes its arguments as a JSON "
                                               "object and answers with a ToolResult."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": {
            "ToolResult": {
                "type": "object", "required": ["ok"],
                "properties": {"ok": {"type": "boolean"},
                               "result": {"description": "the tool's output (when ok)"},
                               "error": {"type": "string",
                                         "description": "why the call failed (when not ok)"}}},
            "Error": {"type": "object", "required": ["ok", "error"],
                      "properties": {"ok": {"type": "boolean", "const": False},
                                     "error": {"type": "string"}}},
        }},
    }


def read_arguments(body: bytes) -> tuple[Any, str | None]:
    """(arguments, why they cannot be used) from an OpenAPI call's body; the body's text stands
    in for arguments that do not parse, as evidence."""
    text = clean_text(body.decode("utf-8", errors="replace"))
    if not text.strip():
        return {}, None
    try:
        args = vendor_json(text)
    except MALFORMED:
        return text[:2000], "the request body is not JSON; send the arguments as a JSON object"
    if too_deep(args):
        return text[:2000], TOO_DEEP
    return args, None
