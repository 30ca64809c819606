"""The test suite's own layout: no module under tests/ imports a test module or a conftest.

What tests share lives in tests/fakes/ (fake vendors) and tests/helpers/ (everything else), and
fixtures reach tests through conftest.py, never by import. Every import is read from the source
(`import`, `from ... import`, relative or absolute, at any depth: inside functions and
TYPE_CHECKING blocks too), so a test module can be moved or deleted without breaking another.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(TESTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` (the text of `module`) may import: each `from X import name` counts
    as both X and X.name, since the name can be a submodule (`from . import test_x`)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def forbidden(name: str) -> bool:
    """A test module or a conftest of this suite."""
    last = name.rpartition(".")[2]
    return name.split(".")[0] == "tests" and (last.startswith("test_") or last == "conftest")


def offenders() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        name = module_name(path)
        bad = sorted(m for m in imports_of(path.read_text(encoding="utf-8"), name,
                                           path.name == "__init__.py") if forbidden(m))
        if bad:
            out[name] = bad
    return out


def test_no_module_under_tests_imports_a_test_module_or_a_conftest() -> None:
    assert offenders() == {}, ("move what is shared to tests/helpers/ or tests/fakes/ "
                               "(fixtures to a conftest.py)")


def test_shared_code_lives_in_packages_without_tests() -> None:
    for folder in ("fakes", "helpers"):
        assert (TESTS / folder / "__init__.py").is_file()
        assert not list((TESTS / folder).rglob("test_*.py")), folder


def test_the_checker_sees_every_form_of_import() -> None:
    source = """
from . import test_a as ta
from .test_b import thing
from ..conftest import ROOT
import tests.test_c
from .fakes import anthropic
from .helpers.paths import SCENARIOS

def later():
    from .test_d import other
"""
    found = {m for m in imports_of(source, "tests.redteam.test_x") if forbidden(m)}
    assert found == {"tests.redteam.test_a", "tests.redteam.test_b", "tests.conftest",
                     "tests.test_c", "tests.redteam.test_d"}
    assert not forbidden("tests.fakes.anthropic") and not forbidden("tests.helpers.paths")
    assert imports_of("from . import test_y", "tests", is_package=True) >= {"tests.test_y"}
    assert len(list(TESTS.rglob("test_*.py"))) > 40  # the walk really covers the suite
