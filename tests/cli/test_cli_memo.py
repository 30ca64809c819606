"""Item 6 of issue 16, the CLI side: what a new user meets before a run (list, validate of a
huge file, profiles of vendor-run agents without `model:`, the README's PATH line)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.source import MAX_FILE_BYTES, load_file
from agentcheck.vendors.profile import load_profile

from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT


def test_list_names_what_vendor_accepts_apart_from_scenarios(
        monkeypatch: pytest.MonkeyPatch) -> None:
    res = agentcheck("list")
    assert res.returncode == 0, res.stderr
    scenarios, _, vendors = res.stdout.partition("\nVendors (")
    assert scenarios.startswith("Scenarios (") and "refund-damaged-order" in scenarios
    assert "--vendor" in vendors and "demo-agent" not in scenarios
    accepted = [line.split()[0] for line in vendors.splitlines()[4:] if line.strip()]
    assert accepted[:3] == ["demo-agent", "demo-chatbot", "demo-rpa"]
    stems = sorted(p.stem for p in (ROOT / "adapters").iterdir() if p.suffix in (".yaml", ".yml"))
    assert accepted[3:] == stems
    # every name listed is one that --vendor resolves
    from agentcheck.cli.inputs import resolve_vendor

    monkeypatch.chdir(ROOT)
    for name in accepted:
        resolve_vendor(name)


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.seek(size - 1)
        fh.write(b"\n")
    return path


def test_validate_refuses_a_huge_file_by_its_size(tmp_path: Path) -> None:
    big = _sparse(tmp_path / "huge.yaml", 3 * 1024**3)  # 3 GB on paper, no blocks on disk
    res = agentcheck("validate", str(big))
    assert res.returncode == 1
    assert f"{big}: file is 3,221,225,472 bytes, larger than the 1,000,000-byte limit" \
        in res.stdout + res.stderr
    assert "Traceback" not in res.stderr


def test_load_file_never_reads_a_file_over_the_limit(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    big = _sparse(tmp_path / "big.yaml", MAX_FILE_BYTES + 1)

    def no_reading(*_: object, **__: object) -> bytes:
        raise AssertionError("read a file that its size refuses")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "read_text", no_reading)
    with pytest.raises(ConfigError, match="larger than the 1,000,000-byte limit") as err:
        load_file(big)
    assert err.value.file == str(big)
    at_limit = tmp_path / "ok.yaml"
    at_limit.write_bytes(b"a: 1\n" + b" " * (MAX_FILE_BYTES - 6) + b"\n")
    assert load_file(at_limit).data == {"a": 1}


AGENT = "name: acme-a2a\nprotocol: {protocol}\nbase_url: https://agents.acme.example\n{extra}"
HTTP_AGENT = ("agent:\n  http:\n    send: {url: 'https://api.acme.example/m', body: {t: "
              "'{{ message }}'}}\n    reply: text\n")


@pytest.mark.parametrize("protocol,extra", [("a2a", ""), ("http-agent", HTTP_AGENT)])
def test_model_is_optional_for_vendor_run_agents(tmp_path: Path, protocol: str,
                                                 extra: str) -> None:
    path = tmp_path / "agent.yaml"
    path.write_text(AGENT.format(protocol=protocol, extra=extra))
    profile = load_profile(path)
    assert profile.model == "acme-a2a"  # the profile's name stands in where a model is shown
    assert profile.public()["model"] == "acme-a2a"
    res = agentcheck("validate", str(path))
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("protocol", ["openai-chat", "openai-responses", "anthropic", "gemini"])
@pytest.mark.parametrize("model_line", ["", "model:\n"])
def test_model_is_required_for_model_apis(tmp_path: Path, protocol: str,
                                          model_line: str) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(f"name: acme\nprotocol: {protocol}\nbase_url: https://api.acme.example/v1\n"
                    + model_line)
    with pytest.raises(ConfigError) as err:
        load_profile(path)
    assert err.value.field == "model"
    assert f"required for protocol {protocol!r}" in err.value.detail
    assert "a2a, http-agent" in err.value.detail
    res = agentcheck("validate", str(path))
    assert res.returncode == 1 and "model: required for protocol" in res.stdout + res.stderr


def test_readme_says_how_to_put_agentcheck_on_path_after_the_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```\n(.*?)\n\n", quick, re.S)
    assert block is not None
    assert len(block.group(1).strip().splitlines()) == 2  # the Quick start stays two commands
    assert "source .venv/bin/activate" in block.group(2) and "export PATH=" in block.group(2)
