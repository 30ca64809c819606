"""The evidence pack: a run folder's manifest catches every altered, missing or extra file, and a
signature made with AGENTCHECK_SIGNING_KEY holds only against the signer's public key."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from agentcheck.core.errors import ConfigError
from agentcheck.results.manifest import MANIFEST, read_manifest, verify, write_manifest


def _run_folder(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    (run / "run.json").write_text(json.dumps({
        "agentcheck_version": "0.1.0", "seed": 7, "trials": 2,
        "scenarios": [{"id": "refund", "version": 1, "hash": "abc"}],
        "vendors": [{"name": "v", "protocol": "openai-chat", "model": "m",
                     "api_key_env": "V_KEY"}],
        "started_at": "2026-12-02T00:00:00+00:00", "finished_at": "2026-12-02T00:01:00+00:00"}))
    (run / "trials.jsonl").write_text('{"vendor": "v"}\n')
    (run / "report.md").write_text("# report\n")
    return run


def _pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _public_pem(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_an_untouched_folder_verifies_and_the_manifest_says_what_ran(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    manifest = write_manifest(run, "0.1.0", env={})
    assert sorted(manifest.files) == ["report.md", "run.json", "trials.jsonl"]
    assert manifest.run["seed"] == 7 and manifest.run["vendors"][0]["name"] == "v"
    assert len(manifest.run["vendors"][0]["profile_hash"]) == 16
    assert manifest.signature is None
    assert verify(run) == []


@pytest.mark.parametrize("tamper, expected", [
    (lambda run: (run / "trials.jsonl").write_text('{"vendor": "w"}\n'), "altered: trials.jsonl"),
    (lambda run: (run / "report.md").unlink(), "missing: report.md"),
    (lambda run: (run / "extra.csv").write_text("x"), "extra: extra.csv"),
    (lambda run: ((run / "sub").mkdir(), (run / "sub" / "a").write_text("x")), "extra: sub/a"),
])
def test_any_altered_missing_or_extra_file_is_named(tmp_path: Path, tamper: object,
                                                    expected: str) -> None:
    run = _run_folder(tmp_path)
    write_manifest(run, "0.1.0", env={})
    tamper(run)  # type: ignore[operator]
    problems = verify(run)
    assert len(problems) == 1 and problems[0].startswith(expected)


def test_a_one_byte_change_is_caught_even_at_the_same_size(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    write_manifest(run, "0.1.0", env={})
    data = bytearray((run / "report.md").read_bytes())
    data[2] ^= 1
    (run / "report.md").write_bytes(bytes(data))
    assert verify(run)[0].startswith("altered: report.md")


@pytest.mark.parametrize("form", ["pem", "base64", "hex"])
def test_a_signed_manifest_verifies_against_the_signers_public_key(tmp_path: Path,
                                                                   form: str) -> None:
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    text = {"pem": _pem(key), "base64": base64.b64encode(raw).decode(), "hex": raw.hex()}[form]
    run = _run_folder(tmp_path)
    manifest = write_manifest(run, "0.1.0", env={"AGENTCHECK_SIGNING_KEY": text})
    assert manifest.signature is not None
    assert verify(run, _public_pem(key)) == []
    other = Ed25519PrivateKey.generate()
    assert verify(run, _public_pem(other))[0].startswith("signature: made with key")


def test_re_signing_with_another_key_or_editing_the_manifest_is_caught(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    run = _run_folder(tmp_path)
    write_manifest(run, "0.1.0", env={"AGENTCHECK_SIGNING_KEY": _pem(key)})
    # a forger changes a result and rewrites the manifest's hash to match: the files check
    # passes, the signature does not
    (run / "trials.jsonl").write_text('{"vendor": "forged"}\n')
    data = json.loads((run / MANIFEST).read_text())
    forged = write_manifest(run, "0.1.0", env={}).files["trials.jsonl"]
    data["files"]["trials.jsonl"] = forged.model_dump()
    (run / MANIFEST).write_text(json.dumps(data))
    assert verify(run) == []  # without a trusted key only the inventory is checked
    assert verify(run, _public_pem(key)) == [
        "signature: does not match the manifest (the manifest was changed after signing)"]
    # re-signed with the forger's own key: named as the wrong signer
    write_manifest(run, "0.1.0", env={"AGENTCHECK_SIGNING_KEY": _pem(Ed25519PrivateKey.generate())})
    assert verify(run, _public_pem(key))[0].startswith("signature: made with key")


def test_an_unsigned_manifest_fails_when_a_signature_is_required(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    write_manifest(run, "0.1.0", env={})
    key = Ed25519PrivateKey.generate()
    assert verify(run, _public_pem(key))[0].startswith("unsigned")


def test_a_bad_key_is_a_configuration_error_that_never_shows_the_key(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    secret = "not-a-key-but-secret-material-0123456789"
    with pytest.raises(ConfigError) as info:
        write_manifest(run, "0.1.0", env={"AGENTCHECK_SIGNING_KEY": secret})
    assert "AGENTCHECK_SIGNING_KEY" in str(info.value) and secret not in str(info.value)
    assert not (run / MANIFEST).exists()


def test_a_missing_or_broken_manifest_is_a_clear_error(tmp_path: Path) -> None:
    run = _run_folder(tmp_path)
    with pytest.raises(ConfigError, match="no manifest"):
        verify(run)
    (run / MANIFEST).write_text(json.dumps({"format": 1, "files": {}}))
    with pytest.raises(ConfigError, match=r"manifest\.json") as info:
        read_manifest(run)
    assert info.value.field == "agentcheck_version"


def test_refresh_keeps_a_signed_manifest_when_nothing_changed(tmp_path: Path) -> None:
    from agentcheck.results.manifest import refresh_manifest

    key = Ed25519PrivateKey.generate()
    run = _run_folder(tmp_path)
    signed = write_manifest(run, "0.1.0", env={"AGENTCHECK_SIGNING_KEY": _pem(key)})
    # re-rendered to the same bytes without the key: the signed manifest stays
    assert refresh_manifest(run, "0.1.0", intact=True, env={}) is False
    assert read_manifest(run).signature == signed.signature
    # another key asks for a new signature; changed files for a new inventory
    other = Ed25519PrivateKey.generate()
    assert refresh_manifest(run, "0.1.0", intact=True,
                            env={"AGENTCHECK_SIGNING_KEY": _pem(other)}) is True
    assert verify(run, _public_pem(other)) == []
    (run / "report.md").write_text("# report, re-rendered\n")
    assert refresh_manifest(run, "0.1.0", intact=True, env={}) is True
    assert verify(run) == [] and read_manifest(run).signature is None
    # a folder that had changed before the reports were written is not blessed
    (run / "trials.jsonl").write_text('{"vendor": "forged"}\n')
    assert refresh_manifest(run, "0.1.0", intact=False, env={}) is False
    assert verify(run)[0].startswith("altered: trials.jsonl")


def test_the_signing_key_is_registered_for_redaction(tmp_path: Path) -> None:
    from agentcheck.core.redaction import redact
    from agentcheck.results.manifest import is_intact, signing_key

    pem = _pem(Ed25519PrivateKey.generate())
    assert signing_key({"AGENTCHECK_SIGNING_KEY": pem}) is not None
    body = pem.splitlines()[1]
    assert body not in redact(f"oops: {pem}") and body not in redact(f"line: {body}")
    assert signing_key({"AGENTCHECK_SIGNING_KEY": "  "}) is None
    run = _run_folder(tmp_path)
    assert is_intact(run)  # no manifest yet: the first one may be written
    write_manifest(run, "0.1.0", env={})
    assert is_intact(run)
    (run / "report.md").unlink()
    assert not is_intact(run)
