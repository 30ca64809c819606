"""manifest.json: the evidence pack's inventory, so a run folder handed to audit can be checked.

It lists every file of the run folder with its sha256 and size, and what was run (agentcheck
version, scenarios and vendor profiles with their content hashes, seed, trials, start and end)
taken from run.json. `agentcheck verify RUN_DIR` fails on any altered, missing or extra file.

With `AGENTCHECK_SIGNING_KEY` set (an Ed25519 private key, PEM as `openssl genpkey -algorithm
ed25519` writes it), the manifest is signed. The signature covers the manifest's canonical JSON
(sorted keys, no spaces) without the signature itself. The manifest carries the public key only
to name it: verify trusts a signature only against a public key the reader supplies, since anyone
who alters a folder can also re-sign it with a key of their own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from agentcheck.core.errors import ConfigError
from agentcheck.core.redaction import register
from agentcheck.results.files import read_json, write_text

MANIFEST = "manifest.json"
KEY_ENV = "AGENTCHECK_SIGNING_KEY"
FORMAT = 1


class FileEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sha256: str
    bytes: int


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid")
    algorithm: str = "ed25519"
    public_key: str
    """Raw 32-byte Ed25519 public key, base64: names the signer; trusted only if the reader
    supplies the same key."""
    key_id: str
    """First 16 hex digits of the public key's sha256, for people to compare."""
    value: str


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: int = FORMAT
    agentcheck_version: str
    run: dict[str, Any]
    """What was run, from run.json: seed, trials, scenarios (id, version, hash), vendor profiles
    (secrets removed) with their hashes, start and end."""
    files: dict[str, FileEntry]
    signature: Signature | None = None

    def body(self) -> bytes:
        """The bytes a signature covers: everything but the signature, canonical JSON."""
        data = self.model_dump(mode="json", exclude={"signature"})
        return json.dumps(data, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inventory(run_dir: Path) -> dict[str, FileEntry]:
    files: dict[str, FileEntry] = {}
    for path in sorted(run_dir.rglob("*")):
        rel = path.relative_to(run_dir).as_posix()
        if path.is_file() and rel != MANIFEST:
            files[rel] = FileEntry(sha256=_sha256(path), bytes=path.stat().st_size)
    return files


def _profile_hash(profile: dict[str, Any]) -> str:
    text = json.dumps(profile, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _what_ran(run: dict[str, Any]) -> dict[str, Any]:
    vendors = [{"name": v.get("name"), "protocol": v.get("protocol"), "model": v.get("model"),
                "profile_hash": _profile_hash(v)}
               for v in run.get("vendors", []) if isinstance(v, dict)]
    keep = ("seed", "trials", "scenarios", "started_at", "finished_at", "shard", "resumed_at")
    return {**{k: run[k] for k in keep if k in run}, "vendors": vendors}


def load_private_key(text: str) -> Any:
    """An Ed25519 private key from the environment: PEM, or 32 raw bytes in base64 or hex."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text,
                                                                              validate=True)
            key = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, TypeError):
        # the message names the variable, never its value
        reason = "unreadable PEM" if text.startswith("-----BEGIN") else "not 32 bytes in " \
            "base64 or hex"
        raise ConfigError(f"{KEY_ENV} is not an Ed25519 private key (PEM, or 32 bytes in base64 "
                          f"or hex): {reason}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{KEY_ENV} holds a key that is not Ed25519")
    return key


def load_public_key(text: str) -> bytes:
    """Raw 32-byte public key from PEM (`openssl pkey -pubout`), base64 or hex."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise ConfigError("the public key is not Ed25519")
            return key.public_bytes(serialization.Encoding.Raw,
                                    serialization.PublicFormat.Raw)
        raw = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ConfigError(f"cannot read the public key: {exc}") from None
    if len(raw) != 32:
        raise ConfigError(f"an Ed25519 public key has 32 bytes, this one has {len(raw)}")
    return raw


def _public_b64(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return base64.b64encode(key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def _key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


def signing_key(env: dict[str, str] | None = None) -> Any:
    """The private key of AGENTCHECK_SIGNING_KEY, or None when it is not set. Commands call this
    before their work, so a bad key stops a run before any paid vendor call, not after it. The
    key is registered for redaction: no message or log line can carry it."""
    key_text = (os.environ if env is None else env).get(KEY_ENV, "").strip()
    if not key_text:
        return None
    register(key_text)
    for line in key_text.splitlines():  # the PEM body, should a line of it be printed alone
        if not line.startswith("-----"):
            register(line.strip())
    return load_private_key(key_text)


def write_manifest(run_dir: Path, version: str, env: dict[str, str] | None = None) -> Manifest:
    """Inventory the run folder and write manifest.json, signed when the key is set. Written
    last: any file written into the folder afterwards makes verify fail."""
    key = signing_key(env)
    run_path = run_dir / "run.json"
    run = read_json(run_path) if run_path.exists() else {}
    manifest = Manifest(agentcheck_version=version, run=_what_ran(run if isinstance(run, dict)
                                                                   else {}),
                        files=_inventory(run_dir))
    if key is not None:
        public = _public_b64(key)
        manifest.signature = Signature(public_key=public, key_id=_key_id(base64.b64decode(public)),
                                       value=base64.b64encode(key.sign(manifest.body())).decode())
    # not write_json: its redaction could mask a registered secret that happens to appear inside
    # a hash or the signature; what the manifest copies from run.json was redacted there
    data = manifest.model_dump(mode="json", exclude_none=True)
    write_text(run_dir / MANIFEST, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return manifest


def refresh_manifest(run_dir: Path, version: str, intact: bool,
                     env: dict[str, str] | None = None) -> bool:
    """After reports are re-rendered in a run folder: rewrite the manifest, unless the folder
    no longer matched it before (`intact` False: rewriting would bless the change; verify keeps
    saying what changed) or the files are byte for byte what it lists and no new key asks for a
    signature (it keeps its own, so re-rendering a signed pack without the key does not unsign
    it). True if rewritten."""
    if not intact:
        return False
    key = signing_key(env)
    path = run_dir / MANIFEST
    if path.is_file():
        try:
            old = Manifest.model_validate_json(path.read_bytes())
        except ValidationError:
            old = None
        if old is not None and old.files == _inventory(run_dir) and (
                key is None or (old.signature is not None
                                and old.signature.public_key == _public_b64(key))):
            return False
    write_manifest(run_dir, version, env)
    return True


def is_intact(run_dir: Path) -> bool:
    """True when the folder matches its manifest, or has none yet (a folder written before
    manifests existed gets its first one); False when the manifest is broken or a file differs."""
    if not (run_dir / MANIFEST).exists():
        return True
    try:
        return not verify(run_dir)
    except ConfigError:
        return False


def read_manifest(run_dir: Path) -> Manifest:
    path = run_dir / MANIFEST
    if not path.is_file():
        raise ConfigError("no manifest: the folder was written before agentcheck wrote "
                          "manifests, by a run that did not finish, or the manifest was removed",
                          file=str(path))
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"not a valid manifest: {first['msg']}", file=str(path),
                          field=where or None) from None


def verify(run_dir: Path, public_key: str | None = None) -> list[str]:
    """Every problem found, as lines for people; empty when the folder is intact (and, given a
    public key, signed by it)."""
    manifest = read_manifest(run_dir)
    problems: list[str] = []
    present = _inventory(run_dir)
    for name, entry in sorted(manifest.files.items()):
        now = present.get(name)
        if now is None:
            problems.append(f"missing: {name}")
        elif now.sha256 != entry.sha256:
            problems.append(f"altered: {name} (sha256 {now.sha256[:12]}..., manifest says "
                            f"{entry.sha256[:12]}...)")
    problems += [f"extra: {name} (not in the manifest)"
                 for name in sorted(set(present) - set(manifest.files))]
    if public_key is not None:
        problems += _check_signature(manifest, load_public_key(public_key))
    return problems


def _check_signature(manifest: Manifest, trusted: bytes) -> list[str]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    sig = manifest.signature
    if sig is None:
        return ["unsigned: the manifest has no signature (AGENTCHECK_SIGNING_KEY was not set)"]
    if sig.algorithm != "ed25519":
        return [f"signature: unknown algorithm {sig.algorithm!r}"]
    if base64.b64decode(sig.public_key) != trusted:
        return [f"signature: made with key {sig.key_id}, not the key given ({_key_id(trusted)})"]
    try:
        Ed25519PublicKey.from_public_bytes(trusted).verify(base64.b64decode(sig.value),
                                                           manifest.body())
    except (InvalidSignature, ValueError):
        return ["signature: does not match the manifest (the manifest was changed after "
                "signing)"]
    return []
