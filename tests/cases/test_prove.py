"""`validate --prove PACK_DIR`: the template's reference must beat doing nothing on the pack's
cases; a pack whose resolutions doing nothing also reaches cannot tell vendors apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentcheck.cli import main


def test_a_pack_is_proved(unmasked: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--prove", str(unmasked)]) == 0
    out = capsys.readouterr().out
    assert f"case pack {unmasked}: 4 case(s) valid (NOT masked)" in out
    assert "reaches the team's resolution on 3 of 4 sampled cases, doing nothing on 0" in out


def test_a_pack_that_doing_nothing_passes_is_refused(unmasked: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Every case 'declined' by leaving it pending: an idle vendor would agree on all."""
    pack = unmasked / "pack.yaml"
    pack.write_text(pack.read_text().replace("decline: [declined]",
                                             "decline: [declined, pending]"))
    table = unmasked / "requests.csv"
    text = table.read_text()
    for word in ("Approved", "Escalated ", "approved"):
        text = text.replace(f",{word}\n", ",declined\n")
    table.write_text(text)
    assert main(["validate", "--prove", str(unmasked)]) == 1
    err = capsys.readouterr().err
    assert ("the template's reference reaches the team's resolution on 1 of 4 sampled cases "
            "and doing nothing on 4: a vendor that does nothing would look as good") in err


def test_an_invalid_pack_is_reported_with_its_line(unmasked: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pack = unmasked / "pack.yaml"
    pack.write_text(pack.read_text().replace("  key: ticket_id\n",
                                             "  key: ticket_id\n  kee: x\n"))
    assert main(["validate", str(unmasked)]) == 1
    assert f"{pack}:19: resolution.kee: unknown field" in capsys.readouterr().err
