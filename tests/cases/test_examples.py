"""The worked example in examples/case-packs/ is what scripts/make-example-exports.py writes
(seeded), so the committed exports and packs can be regenerated and reviewed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "case-packs"


def test_the_committed_examples_are_what_the_script_writes(tmp_path: Path) -> None:
    script = EXAMPLES.parents[1] / "scripts" / "make-example-exports.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(EXAMPLES) for p in EXAMPLES.rglob("*") if p.is_file())
    assert written == committed
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (EXAMPLES / rel).read_bytes(), rel
