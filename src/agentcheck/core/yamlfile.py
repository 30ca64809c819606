"""Safe YAML loading that remembers the line of every value, so errors can name file:line: field.
Shared by every file a user writes: scenarios, vendor profiles, evaluation plans.

Only plain data is built (mappings, sequences, strings, numbers, booleans, null); tags that would
construct objects are rejected. Size, depth and node count are bounded so hostile files (alias
bombs, deep nesting) fail fast with a clear message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from agentcheck.core.errors import ConfigError

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

Loc = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}


class LocatedData:
    """Parsed YAML data plus the 1-based line of each path inside it."""

    def __init__(self, data: Any, lines: dict[Loc, int], file: str) -> None:
        self.data = data
        self.lines = lines
        self.file = file

    def line_of(self, loc: Loc) -> int | None:
        """Line of the longest prefix of `loc` that exists in the file."""
        for n in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:n]))
            if line is not None:
                return line
        return None

    def error(self, loc: Loc, message: str) -> ConfigError:
        return ConfigError(message, file=self.file, line=self.line_of(loc), field=format_loc(loc))


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.count = 0
        self.lines: dict[Loc, int] = {}

    def fail(self, node: yaml.Node, message: str) -> ConfigError:
        return ConfigError(message, file=self.file, line=node.start_mark.line + 1)

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"too many values (more than {MAX_NODES}); aliases expanding?")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed (plain data only)")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return str(node.value)
            return self.loader.construct_object(node, deep=False)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*loc, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "YAML merge keys ('<<') are not supported")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "mapping keys must be plain strings")
                key = str(key_node.value)
                if key in out:
                    raise ConfigError(f"duplicate key {key!r}", file=self.file,
                                      line=key_node.start_mark.line + 1,
                                      field=format_loc((*loc, key)))
                self.lines[(*loc, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, (*loc, key), depth + 1)
            return out
        raise self.fail(node, "unsupported YAML node")


# libyaml's parser when PyYAML has it: several times faster than the pure-Python one (most of
# `agentcheck validate`'s time), and it refuses nesting deeper than 1,000 levels by itself.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str, file: str) -> LocatedData:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise ConfigError(f"file is larger than {MAX_FILE_BYTES} bytes", file=file)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no YAML parser can read it
        raise ConfigError(f"invalid character U+{ord(text[exc.start]):04X} (an unpaired "
                          "surrogate is not Unicode text)", file=file,
                          line=text.count("\n", 0, exc.start) + 1) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ConfigError("file is empty", file=file, line=1)
        builder = _Builder(loader, file)
        data = builder.build(node, (), 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file=file) from None
    except RecursionError:
        raise ConfigError("nesting too deep", file=file) from None
    finally:
        loader.dispose()
    return LocatedData(data, builder.lines, file)


def load_file(path: Path) -> LocatedData:
    """A scenario, profile or plan file; one over MAX_FILE_BYTES (1 MB, some 50 times the largest
    scenario in the library) is refused by its size, before any of it is read, and at most
    MAX_FILE_BYTES + 1 bytes are ever read (a file that grows, a pipe, /dev/zero)."""
    too_big = f"file is {{}} bytes, larger than the {MAX_FILE_BYTES:,}-byte limit for " \
              "scenarios and profiles"
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise ConfigError(too_big.format(f"{size:,}"), file=str(path))
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read file: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(too_big.format(f"more than {MAX_FILE_BYTES:,}"), file=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    return load_text(text, str(path))
