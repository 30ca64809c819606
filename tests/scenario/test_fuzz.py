"""Hostile scenario files: whatever the bytes, the loader answers quickly with a Scenario or a
ConfigError (never another exception, never a hang), and expression evaluation is bounded in
time and size however the expressions and the World are built.

Hypothesis runs derandomized (a fixed sequence of examples) with no example database, so CI
sees exactly what a developer sees.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jmespath
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.expr import (
    ExpressionError,
    Generators,
    render,
    search,
    value_size,
)
from agentcheck.scenario.model import Scenario, load_scenario, parse_scenario
from agentcheck.scenario.source import MAX_FILE_BYTES, load_text
from agentcheck.scenario.world import World

from ..helpers.paths import ROOT

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=150,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
QUICK_S = 15.0
"""A hang guard, not a speed target: without the loader's and the expressions' bounds these
inputs run for minutes or exhaust memory; with them they take 0.01-0.25 s. The limit is wide
enough that a loaded CI machine (seen: 3 s for billion-laughs under a parallel test run) never
fails a bounded input; how fast rejection is belongs in bench/."""

VALID_PATH = ROOT / "bench" / "scenarios" / "bench-refund-chain.yaml"
VALID = VALID_PATH.read_text(encoding="utf-8")


@contextmanager
def quickly(limit: float = QUICK_S) -> Iterator[None]:
    start = time.perf_counter()
    yield
    took = time.perf_counter() - start
    assert took < limit, f"took {took:.2f} s"


def outcome(text: str, stem: str = "bench-refund-chain") -> Scenario | ConfigError:
    """Load text as a scenario file: a Scenario or the ConfigError, quickly; anything else
    (another exception type) fails the test where it is raised."""
    with quickly():
        try:
            return parse_scenario(load_text(text, f"{stem}.yaml"), stem)
        except ConfigError as exc:
            assert exc.render().strip(), "an error must say what is wrong"
            return exc


def rejected(text: str, stem: str = "bench-refund-chain") -> ConfigError:
    result = outcome(text, stem)
    assert isinstance(result, ConfigError), "a hostile file was accepted"
    return result


def load_bytes(data: bytes, stem: str = "bench-refund-chain") -> Scenario | ConfigError:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.yaml"
        path.write_bytes(data)
        with quickly():
            try:
                return load_scenario(path)
            except ConfigError as exc:
                return exc


# --------------------------------------------------------------------------- random input

ODD = ["\ud800", "\udfff", "\udc80x", "\u202e", "\u200f", "\u200b", "\u2066", "\x00", "\x07",
       "\x1b", "\ufeff", "\ufffe", "\uffff", "\u2028", "\u2029", "\x85", "\U0010ffff",
       "\U0001f600", "e\u0301", "\t", "\r", "\n", "\r\n"]
YAML_BITS = ["{", "}", "[", "]", ":", ": ", "- ", "? ", ",", "&a ", "*a", "&b ", "*b", "!", "!!",
             "!!python/object:os.system ", "!!binary ", "|", ">", "'", '"', "#", "%YAML 1.1\n",
             "---\n", "...\n", "<<: ", "@", "`", "{{ ", " }}", "~", "null", "true", ".inf",
             "0x1F", "1e999", "2026-01-01", "  ", "\n  ", "\n- ", "id: ", "tools: ", "world: "]
odd_text = st.lists(st.one_of(st.characters(), st.sampled_from(ODD), st.sampled_from(YAML_BITS)),
                    max_size=200).map("".join)


@FUZZ
@given(odd_text)
def test_random_text_is_loaded_or_rejected(text: str) -> None:
    outcome(text)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_are_loaded_or_rejected(data: bytes) -> None:
    load_bytes(data)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=5),
    max_leaves=40)


@FUZZ
@given(json_like)
def test_random_yaml_documents_are_loaded_or_rejected(value: Any) -> None:
    outcome(yaml.safe_dump(value, allow_unicode=True))


def _paths(value: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*here, i))


BASE = yaml.safe_load(VALID)
PATHS = [p for p in _paths(BASE) if p]


@FUZZ
@given(st.data())
def test_mutated_valid_scenarios_are_loaded_or_rejected(data: st.DataObject) -> None:
    """The interesting failures live next to valid files: change, drop or add one value at a
    time, anywhere in a real scenario."""
    doc = json.loads(json.dumps(BASE))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(PATHS))
        parent: Any = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = data.draw(st.sampled_from(["replace", "drop", "add"]))
            if action == "replace":
                parent[path[-1]] = data.draw(json_like | st.sampled_from(ODD + YAML_BITS))
            elif action == "drop":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[data.draw(st.text(max_size=12))] = data.draw(json_like)
            else:
                parent.append(data.draw(json_like))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the path
    outcome(yaml.safe_dump(doc, allow_unicode=True))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 20),
                          st.sampled_from(ODD + YAML_BITS)), min_size=1, max_size=4))
def test_mangled_valid_text_is_loaded_or_rejected(edits: list[tuple[int, int, str]]) -> None:
    text = VALID
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut:]
    outcome(text)


# --------------------------------------------------------------------------- known attacks


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
    for i in range(9))


@pytest.mark.parametrize("text", [
    pytest.param(BILLION_LAUGHS, id="billion-laughs"),
    pytest.param("world:\n  w: &w [" + ", ".join(["{id: x, n: 1}"] * 300) + "]\n"
                 + "".join(f"  w{i}: *w\n" for i in range(700)), id="alias-fan-out"),
    pytest.param("[" * 100_000 + "]" * 100_000, id="deep-flow-sequence"),
    pytest.param("{a: " * 50_000 + "1" + "}" * 50_000, id="deep-flow-mapping"),
    pytest.param("- " * 200_000 + "x", id="deep-block-sequence"),
    pytest.param("".join(" " * i + "a:\n" for i in range(1300)) + " " * 1300 + "b",
                 id="deep-indent"),
    pytest.param("title: " + "x" * (MAX_FILE_BYTES + 1), id="over-the-size-limit"),
    pytest.param("id: x\n" * 1000, id="duplicate-keys"),
    pytest.param("? [a, b]\n: c\n", id="non-string-key"),
    pytest.param("<<: {id: x}\n", id="merge-key"),
    pytest.param("a: !!python/object/apply:os.system [echo pwned]\n", id="python-tag"),
    pytest.param("a: !!binary aGVsbG8=\n", id="binary-tag"),
    pytest.param("a: !custom x\n", id="custom-tag"),
    pytest.param("---\na: 1\n---\nb: 2\n", id="two-documents"),
    pytest.param("", id="empty"),
    pytest.param("just a string", id="not-a-mapping"),
    pytest.param(VALID.replace("title: Refund", "title: \ud800Refund"), id="lone-surrogate"),
    pytest.param(VALID.replace("version: 1", "version: 1\x00"), id="nul"),
    pytest.param(VALID.replace("id: bench-refund-chain", "id: bench-\u202erefund-chain"),
                 id="rtl-override-in-id"),
    pytest.param(VALID.replace("name: lookup_customer", "name: lookup\u200bcustomer"),
                 id="zero-width-in-tool-name"),
    pytest.param(VALID.replace("'refunded'", "'refunded'" + " || `1`" * 900), id="long-expression"),
    pytest.param(VALID.replace("{{ id('CUS') }}", "{{ id('CUS') " * 5000, 1),
                 id="unclosed-templates"),
    pytest.param(VALID.replace("\"orders[0].status == 'refunded'\"",
                               "\"orders[0].status == '" + "{{ " * 200_000 + "'\""),
                 id="unclosed-templates-in-a-condition"),
    pytest.param(VALID.replace("{{ id('CUS') }}", "{{ id('CUS')" + " " * 900_000 + "x }}", 1),
                 id="spaces-inside-a-template"),
])
def test_known_attacks_are_rejected_quickly(text: str) -> None:
    err = rejected(text)
    assert "Traceback" not in err.render()


@pytest.mark.parametrize(("data", "accepted"), [
    (b"\xef\xbb\xbf" + VALID.encode(), True),  # a UTF-8 byte order mark is fine
    (VALID.encode("utf-16"), False),
    (VALID.encode()[:200] + b"\xff\xfe\xc3" + VALID.encode()[200:], False),
    (VALID.replace("Hi, I'm", "Hi \u05e9\u05dc\u05d5\u05dd, I'm").encode(), True),  # RTL text
    (b"x" * (MAX_FILE_BYTES + 1), False),
])
def test_encodings(data: bytes, accepted: bool) -> None:
    assert isinstance(load_bytes(data), Scenario) == accepted


def test_validate_command_reports_a_hostile_file_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bench-refund-chain.yaml"
    bad.write_text(BILLION_LAUGHS, encoding="utf-8")
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "agentcheck.cli", "validate", str(bad)],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert time.perf_counter() - start < 10
    assert res.returncode == 1
    assert f"{bad}:1:" in res.stderr and "too many values" in res.stderr
    assert "Traceback" not in res.stderr


# --------------------------------------------------------------------------- expressions


def big_world(n: int = 2000) -> dict[str, Any]:
    rng = random.Random(5)
    return {"orders": [{"id": f"ORD-{i}", "status": rng.choice(["delivered", "open"]),
                        "total": rng.random() * 100, "lines": [{"sku": f"S{j}"} for j in range(3)]}
                       for i in range(n)],
            "note": "n" * 50_000}


@pytest.mark.parametrize("expr", [
    "orders" + " | [*].[@, @, @, @] | []" * 12,  # every stage multiplies the list by 4
    "[" + ", ".join(["orders"] * 400) + "] | [] | [*].lines[]",
    "to_string([" + ", ".join(["@"] * 300) + "])",
    "join('', [" + ", ".join(["note"] * 300) + "])",
    "length([" + ", ".join(["orders"] * 200) + "] | [] | [?status == 'delivered'])",
    "contains([" + ", ".join(["orders"] * 300) + "], orders)",
    "[" + ", ".join(["orders"] * 300) + "] | [*].(@ == orders)",
    "sort_by([" + ", ".join(["orders"] * 300) + "] | [], &id)",
])
def test_expressions_are_bounded_in_time_and_size(expr: str) -> None:
    world = big_world()
    with quickly(), pytest.raises(ExpressionError, match=r"steps|too large|longer"):
        search(expr, world)


def test_ordinary_expressions_over_a_big_world_still_work() -> None:
    world = big_world(5000)
    with quickly():
        assert len(search("orders[?status == 'delivered'].id", world)) > 2000
        assert search("length(orders[*].lines[])", world) == 15_000
        assert search("max_by(orders, &total).id", world).startswith("ORD-")
        assert search("sort_by(orders, &total)[0].total", world) < 1


@pytest.mark.parametrize(("template", "problem"), [
    ("{{ note }}" * 100, "too long"),
    ("x {{ [" + ", ".join(["orders"] * 50) + "] }}", "too large"),
    ("{{ [" + ", ".join(["orders"] * 200) + "] }}", "too large"),
    ("{{ digits(1000000000) }}", "between"),
    ("{{ id('X', 99999999) }}", "between"),
    ("{{ date('2026-01-01', 99999999999) }}", "between"),
    ("{{ integer(9, 1) }}", "empty range"),
    ("{{ amount('x', 5) }}", "amount"),
    ("{{ date('not a date', 3) }}", "date"),
])
def test_templates_are_bounded(template: str, problem: str) -> None:
    with quickly(), pytest.raises(ExpressionError, match=problem):
        render(template, big_world(), Generators(random.Random(1)))


def test_a_template_value_is_a_copy_never_a_cycle() -> None:
    world: dict[str, Any] = {"things": [{"id": "T-1"}]}
    world["things"].append(render({"all": "{{ @ }}", "first": "{{ things[0] }}"}, world))
    world["things"][0]["id"] = "changed"
    assert world["things"][1]["first"] == {"id": "T-1"}
    json.dumps(world)  # no cycle


def test_a_hostile_tool_effect_is_a_tool_error_not_a_hang() -> None:
    text = VALID.replace(
        "effect: {filter: orders, where: {customer_id: \"{{ args.customer_id }}\"}}",
        "effect: {return: \"{{ orders" + " | [*].[@, @, @, @] | []" * 12 + " }}\"}")
    sc = outcome(text)
    assert isinstance(sc, Scenario), sc
    world = World(sc, 1)
    with quickly():
        result = world.call("list_orders", {"customer_id": "x"})
    assert not result.ok and "steps" in (result.error or "")


def test_deeply_nested_tool_arguments_are_invalid_arguments() -> None:
    sc = outcome(VALID)
    assert isinstance(sc, Scenario)
    args: Any = {"email": "x"}
    for _ in range(5000):
        args = {"email": args}
    result = World(sc, 1).call("lookup_customer", args)
    assert result.error_kind == "invalid_arguments"


# random JMESPath built from pieces that multiply, flatten, filter and call functions
PIECES = ["orders", "@", "[*]", "[]", "[0]", "[-1]", ".id", ".lines", "[?status == 'open']",
          ".[@, @]", ".[@, @, @, @]", " | ", " | [*]", " | length(@)", " | to_string(@)",
          " | sort_by(@, &id)", " | keys(@)", " | [@, @]", " | {a: @, b: @}", "[:3]", "[::2]"]


@FUZZ
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25))
def test_random_expressions_end_quickly_with_a_bounded_value(pieces: list[str]) -> None:
    expr = "".join(pieces)
    try:
        jmespath.compile(expr)
    except jmespath.exceptions.JMESPathError:
        return
    world = big_world(300)
    with quickly():
        try:
            value = search(expr, world)
        except ExpressionError:
            return
    assert value_size(value, 10**9) < 10**8


simple_path = st.lists(st.one_of(st.sampled_from(["a", "b", "c", "_x", "true", "null"]),
                                 st.integers(-4, 4)), min_size=1, max_size=6)


@FUZZ
@given(json_like, simple_path)
def test_the_fast_path_agrees_with_jmespath(data: Any, steps: list[Any]) -> None:
    """Plain `a.b[0].c` paths skip JMESPath's interpreter (expr/query.py); same answers."""
    expr = str(steps[0]) if isinstance(steps[0], str) else "a"
    for step in steps[1:]:
        expr += f"[{step}]" if isinstance(step, int) else f".{step}"
    root = {"a": data, "b": [data], "c": {"a": data}}
    assert search(expr, root) == jmespath.search(expr, root)
