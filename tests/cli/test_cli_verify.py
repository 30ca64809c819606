"""The evidence pack end to end, as a user meets it: a real `agentcheck run` leaves manifest.json
last in its folder, `agentcheck verify` passes on it and names every altered, missing or extra
file, a signature holds only against the signer's public key, and the private key is never
written or printed."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..fakes.zoo import Zoo
from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT

SCENARIO = str(ROOT / "scenarios/customer-service/refund-damaged-order.yaml")
KEY_ENV = "AGENTCHECK_SIGNING_KEY"


def _run(out: Path, *extra: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return agentcheck("run", "--scenarios", SCENARIO, "--out", str(out), "--seed", "11",
                      "--quiet", *extra, env=env)


def _unsigned_env() -> dict[str, str]:
    """The tests' own environment may not carry a signing key into an 'unsigned' run."""
    return {KEY_ENV: ""}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real run of the demo vendors on one scenario; tests copy it before changing it."""
    out = tmp_path_factory.mktemp("verify") / "run"
    res = _run(out, env=_unsigned_env())
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture
def run_copy(finished_run: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(finished_run, tmp_path / "run"))


def _keys(tmp_path: Path) -> tuple[Ed25519PrivateKey, str, Path]:
    """A key pair as a user makes it: the private key PEM (for the environment) and the public
    key in a PEM file (for --public-key)."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public = tmp_path / "signing.pub.pem"
    public.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return key, private_pem, public


def test_a_finished_run_verifies_and_its_manifest_is_written_last(finished_run: Path) -> None:
    manifest = json.loads((finished_run / "manifest.json").read_text())
    names = sorted(p.name for p in finished_run.iterdir() if p.name != "manifest.json")
    assert sorted(manifest["files"]) == names
    assert {"run.json", "trials.jsonl", "summary.json", "report.md", "report.html",
            "report.csv"} <= set(names)
    from agentcheck import __version__

    assert manifest["agentcheck_version"] == __version__ and manifest["run"]["seed"] == 11
    assert "signature" not in manifest
    newest = max(finished_run.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert newest.name == "manifest.json"
    res = agentcheck("verify", str(finished_run))
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout == f"verified: {len(names)} files, unaltered\n"


@pytest.mark.parametrize("tamper, expected", [
    (lambda run: (run / "trials.jsonl").write_text(
        (run / "trials.jsonl").read_text().replace('"passed": false', '"passed": true')),
     "altered: trials.jsonl"),
    (lambda run: (run / "report.md").unlink(), "missing: report.md"),
    (lambda run: (run / "notes.txt").write_text("added later"), "extra: notes.txt"),
])
def test_an_altered_missing_or_extra_file_fails_by_name(run_copy: Path, tamper: object,
                                                        expected: str) -> None:
    before = (run_copy / "trials.jsonl").read_text()
    tamper(run_copy)  # type: ignore[operator]
    if expected.startswith("altered"):
        assert (run_copy / "trials.jsonl").read_text() != before  # the edit did change it
    res = agentcheck("verify", str(run_copy))
    assert res.returncode == 1
    assert res.stdout.splitlines()[0].startswith(expected)
    assert "1 problem(s)" in res.stderr and "Traceback" not in res.stderr


def test_every_problem_is_listed(run_copy: Path) -> None:
    (run_copy / "report.csv").unlink()
    (run_copy / "summary.json").write_text("{}\n")
    (run_copy / "extra.json").write_text("{}\n")
    res = agentcheck("verify", str(run_copy))
    assert res.returncode == 1
    assert [line.split(":")[0] + ": " + line.split()[1] for line in res.stdout.splitlines()] == [
        "missing: report.csv", "altered: summary.json", "extra: extra.json"]


def test_report_after_a_run_keeps_the_folder_verified(run_copy: Path) -> None:
    assert agentcheck("report", str(run_copy)).returncode == 0
    res = agentcheck("verify", str(run_copy))
    assert res.returncode == 0, res.stdout


def test_report_does_not_bless_a_changed_folder(run_copy: Path) -> None:
    trials = run_copy / "trials.jsonl"
    trials.write_text(trials.read_text().splitlines(keepends=True)[0])  # drop all but one trial
    res = agentcheck("report", str(run_copy))
    assert res.returncode == 0 and "manifest.json left as it was" in res.stderr
    res = agentcheck("verify", str(run_copy))
    assert res.returncode == 1 and "altered: trials.jsonl" in res.stdout


def test_a_signed_run_verifies_with_its_public_key_only(tmp_path: Path) -> None:
    key, private_pem, public = _keys(tmp_path)
    out = tmp_path / "signed"
    ran = _run(out, env={KEY_ENV: private_pem})
    assert ran.returncode == 0, ran.stderr

    res = agentcheck("verify", str(out), "--public-key", str(public))
    assert res.returncode == 0, res.stdout + res.stderr
    key_id = json.loads((out / "manifest.json").read_text())["signature"]["key_id"]
    assert res.stdout.strip().endswith(f"unaltered, signed by key {key_id}")

    (tmp_path / "other").mkdir()
    _, _, other = _keys(tmp_path / "other")
    res = agentcheck("verify", str(out), "--public-key", str(other))
    assert res.returncode == 1 and res.stdout.startswith(f"signature: made with key {key_id}")

    # re-rendered without the key (an auditor reading the pack): the signature still holds
    assert agentcheck("report", str(out), env={KEY_ENV: ""}).returncode == 0
    assert agentcheck("verify", str(out), "--public-key", str(public)).returncode == 0

    # the private key is in no file of the folder and in nothing printed
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    body = "".join(line for line in private_pem.splitlines() if not line.startswith("-----"))
    secrets = [body, base64.b64encode(raw).decode(), raw.hex()]
    printed = ran.stdout + ran.stderr + res.stdout + res.stderr
    for path in out.iterdir():
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert not any(s in text for s in secrets), path.name
    assert not any(s in printed for s in secrets)


def test_a_signature_is_required_only_when_a_key_is_given(run_copy: Path,
                                                          tmp_path: Path) -> None:
    _, _, public = _keys(tmp_path)
    res = agentcheck("verify", str(run_copy), "--public-key", str(public))
    assert res.returncode == 1 and res.stdout.startswith("unsigned:")


def test_a_bad_signing_key_stops_the_run_before_any_trial_and_is_not_printed(
        tmp_path: Path) -> None:
    secret = "Zm9yZ2VkLWJ1dC1zZWNyZXQtbWF0ZXJpYWwtMDEyMzQ1Njc4OQ"
    out = tmp_path / "run"
    res = _run(out, env={KEY_ENV: secret})
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert KEY_ENV in res.stderr and secret not in res.stderr + res.stdout
    assert not (out / "trials.jsonl").exists()


def test_no_manifest_or_a_broken_one_is_a_configuration_error(run_copy: Path) -> None:
    (run_copy / "manifest.json").write_text("{\"format\": 1,")
    res = agentcheck("verify", str(run_copy))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "not a valid manifest" in res.stderr
    (run_copy / "manifest.json").unlink()
    res = agentcheck("verify", str(run_copy))
    assert res.returncode == 2 and "no manifest" in res.stderr and "Traceback" not in res.stderr
    res = agentcheck("verify", str(run_copy / "nowhere"))
    assert res.returncode == 2 and "no run folder" in res.stderr


def test_merged_shards_verify(tmp_path: Path) -> None:
    shards = [tmp_path / f"shard{i}" for i in (1, 2)]
    for i, shard in enumerate(shards, start=1):
        assert _run(shard, "--shard", f"{i}/2", env=_unsigned_env()).returncode == 0
        assert agentcheck("verify", str(shard)).returncode == 0
    merged = tmp_path / "merged"
    res = agentcheck("merge", *map(str, shards), "--out", str(merged), env=_unsigned_env())
    assert res.returncode == 0, res.stderr
    res = agentcheck("verify", str(merged))
    assert res.returncode == 0, res.stdout
    files = json.loads((merged / "manifest.json").read_text())["files"]
    assert "trials.jsonl" in files and "report.html" in files


def test_an_interrupted_run_and_its_resume_each_leave_a_verified_folder(zoo: Zoo,
                                                                       tmp_path: Path) -> None:
    profile = tmp_path / "slow.yaml"
    profile.write_text(f"name: slow\nprotocol: openai-chat\nbase_url: {zoo.base_url}\n"
                       "model: slow\nmax_concurrency: 1\n")
    out = tmp_path / "run"
    args = ["run", "--vendor", str(profile), "--scenarios", SCENARIO, "--trials", "8",
            "--out", str(out), "--seed", "5", "--concurrency", "1"]
    proc = subprocess.Popen([sys.executable, "-m", "agentcheck.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, KEY_ENV: ""})
    trials = out / "trials.jsonl"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if trials.exists() and len(trials.read_text().splitlines()) >= 1:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    res = agentcheck("verify", str(out))
    assert res.returncode == 0, res.stdout
    assert agentcheck("run", "--resume", "--out", str(out), "--quiet",
                      env={KEY_ENV: ""}).returncode == 0
    assert len(trials.read_text().splitlines()) == 8
    res = agentcheck("verify", str(out))
    assert res.returncode == 0, res.stdout
