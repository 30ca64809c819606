"""Case packs load into cases with their World, text and human resolution; every problem of an
export or a mapping names file, row (or line) and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentcheck.cases.pack import load_pack, parse_number
from agentcheck.cases.scaffold import new_case_pack
from agentcheck.cases.tables import read_table
from agentcheck.core.errors import ConfigError


def test_cases_are_built_from_rows_and_joined_tables(unmasked: Path) -> None:
    loaded = load_pack(unmasked)
    assert [c.id for c in loaded.cases] == ["R-1", "R-2", "R-3", "R-4"]  # duplicate row: once
    assert loaded.case_table.empty_rows == 1
    r1 = loaded.cases[0]
    assert r1.human.decision == "approve" and r1.category == "net" and r1.impact == 1200.5
    request = r1.world["requests"][0]
    assert request["status"] == "pending" and request["amount"] == 1200.5
    assert "decision" not in request  # the team's answer never reaches the World
    assert [e["employee_id"] for e in r1.world["employees"]] == ["E1"]
    assert loaded.cases[2].human.decision == "escalate"  # 'Escalated ' read without case/space
    assert loaded.cases[2].world["requests"][0]["amount"] == 1200  # '1.200,00'
    assert loaded.cases[3].world["requests"][0]["amount"] is None  # empty: no number


@pytest.mark.parametrize(("text", "value"), [
    ("USD 1,200.50", 1200.5), ("$1200.5", 1200.5), ("1.200,50", 1200.5), ("1 200,50 €", 1200.5),
    ("(300.00)", -300.0), ("1,200", 1200.0), ("12,5", 12.5), ("1.5", 1.5), ("n/a", None),
    ("twelve", None), ("", None)])
def test_amounts_as_exports_write_them(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_a_missing_column_names_the_pack_line_and_the_columns(unmasked: Path) -> None:
    pack = unmasked / "pack.yaml"
    pack.write_text(pack.read_text().replace("text: request_text", "text: request_body"))
    with pytest.raises(ConfigError) as exc:
        load_pack(unmasked)
    assert str(exc.value) == (
        f"{pack}:6: cases.text: no column 'request_body' in requests.csv (its columns: "
        "ticket_id, requester_name, requester_email, employee_id, system, amount, "
        "request_text, category, decision)")


def test_a_resolution_column_mapped_into_the_world_is_refused(unmasked: Path) -> None:
    pack = unmasked / "pack.yaml"
    pack.write_text(pack.read_text().replace(
        "    numbers: [amount]\n", "    numbers: [amount]\n    fields: {id: ticket_id, "
        "answer: decision}\n"))
    with pytest.raises(ConfigError, match=r"records\[0\].fields.answer: column 'decision' "
                                          "holds the human resolution: a vendor must not see"):
        load_pack(unmasked)


def test_unknown_pack_field_with_its_line(unmasked: Path) -> None:
    pack = unmasked / "pack.yaml"
    pack.write_text(pack.read_text().replace("  impact: amount\n", "  impact: amount\n"
                                             "  categroy: x\n"))
    with pytest.raises(ConfigError) as exc:
        load_pack(unmasked)
    assert str(exc.value) == f"{pack}:9: cases.categroy: unknown field"


def test_a_bad_value_names_file_row_and_column(unmasked: Path) -> None:
    table = unmasked / "requests.csv"
    table.write_text(table.read_text().replace("R-2,Liam Jones,liam.jones@corp.test,E2,SAP,300",
                                               "R-2,Liam Jones,liam.jones@corp.test,E2,SAP,lots"))
    with pytest.raises(ConfigError) as exc:
        load_pack(unmasked)
    assert str(exc.value).splitlines()[0] == f"{table}:3: amount: 'lots' is not a number"


def test_an_unknown_decision_value(unmasked: Path) -> None:
    table = unmasked / "requests.csv"
    table.write_text(table.read_text().replace("VPN for Noah Davis,net,approved",
                                               "VPN for Noah Davis,net,maybe"))
    with pytest.raises(ConfigError) as exc:
        load_pack(unmasked)
    assert str(exc.value) == (f"{table}:7: decision: 'maybe' is not a decision value of the "
                              "pack (known: approved, declined, escalated; add it under "
                              "resolution.decision.values)")


def test_latin1_export_says_what_the_bytes_are(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("id,name\n1,Ana\n2,Jos\u00e9 M\u00fcller\n".encode("latin-1"))
    with pytest.raises(ConfigError) as exc:
        read_table(path)
    assert str(exc.value) == (f"{path}:3: byte 0xE9 at column 6 is not UTF-8; the file looks "
                              "like Windows-1252 or Latin-1 (that byte is 'é' there); save it "
                              "as UTF-8 and import again")


def test_utf16_export_is_named(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("id,name\n1,Ana\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="the file is UTF-16 little-endian \\(it starts with "
                                          "the byte-order mark FF FE\\); save it as UTF-8"):
        read_table(path)


def test_utf8_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffid;name;amount\n1;Ana;1,50\n\n2;Bo;3\n".encode())
    table = read_table(path)
    assert table.columns == ["id", "name", "amount"]
    assert [(r.number, r.values["amount"]) for r in table.rows] == [(2, "1,50"), (4, "3")]
    assert table.empty_rows == 1


def test_a_row_with_too_many_cells_and_a_duplicate_header(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("id,name\n1,Ana\n2,Bo,extra\n")
    with pytest.raises(ConfigError) as exc:
        read_table(path)
    assert str(exc.value) == f"{path}:3: this row has 3 cells, the header 2"
    path.write_text("id,name,id\n1,Ana,2\n")
    with pytest.raises(ConfigError) as exc:
        read_table(path)
    assert str(exc.value) == f"{path}:1: id: this column name appears twice in the header"


def test_json_jsonl_and_xlsx_tables(tmp_path: Path) -> None:
    import openpyxl

    rows = [{"id": "1", "amount": 2.0}, {"id": "2", "amount": None}, {}]
    (tmp_path / "t.json").write_text(json.dumps({"records": rows}))
    (tmp_path / "t.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for r in (["id", "amount"], ["1", 2.0], [None, None], ["2", None]):
        sheet.append(r)
    book.save(tmp_path / "t.xlsx")
    for name in ("t.json", "t.jsonl", "t.xlsx"):
        table = read_table(tmp_path / name)
        assert table.columns == ["id", "amount"], name
        assert [r.values for r in table.rows] == [{"id": "1", "amount": "2"},
                                                  {"id": "2", "amount": ""}], name
    assert read_table(tmp_path / "t.xlsx").rows[1].number == 4  # the sheet's row
    (tmp_path / "bad.jsonl").write_text('{"id": 1}\n{"id": 2,}\n')
    with pytest.raises(ConfigError, match=r"bad.jsonl:2: not valid JSON"):
        read_table(tmp_path / "bad.jsonl")


def test_new_case_pack_guesses_the_mapping(pack_dir: Path, tmp_path: Path) -> None:
    written = new_case_pack(pack_dir.parent / "exports" / "requests.csv", tmp_path / "new-pack")
    pack = (tmp_path / "new-pack" / "pack.yaml").read_text()
    assert "  id: ticket_id" in pack and "  text: request_text" in pack
    assert "    column: decision" in pack and "  category: category" in pack
    assert "approve: [approved]" in pack and "decline: [declined]" in pack
    assert "Olivia" not in pack  # no data from the export
    assert [p.name for p in written] == ["pack.yaml", "new-pack.yaml"]
    # the scaffold is a working pack once the export is in it
    (tmp_path / "new-pack" / "requests.csv").write_text(
        (pack_dir.parent / "exports" / "requests.csv").read_text())
    loaded = load_pack(tmp_path / "new-pack")
    assert len(loaded.cases) == 4
    # its template's tool writes the export's own decision values, so they map back
    assert 'enum: ["approved", "declined", "escalated"]' in (
        tmp_path / "new-pack" / "new-pack.yaml").read_text()
    from agentcheck.run.shadow import prove_pack

    proof = prove_pack(loaded)
    assert proof.ok and (proof.reference_agreed, proof.nothing_agreed) == (2, 0)
    with pytest.raises(ConfigError, match="already exists"):
        new_case_pack(pack_dir.parent / "exports" / "requests.csv", tmp_path / "new-pack")


def test_changes_beyond_the_resolution_are_counted(unmasked: Path) -> None:
    """A vendor that approves as the team did, and also raises the access level, agrees on
    the decision; what it changed beyond it is counted apart."""
    from agentcheck.cases.compare import changes, compare, resolution_lines
    from agentcheck.scenario.expr import clone

    loaded = load_pack(unmasked)
    case = loaded.cases[0]
    final = clone(case.world)
    final["requests"][0]["status"] = "Approved "
    cmp = compare(loaded.pack, case, case.world, final)
    assert cmp.agreed and cmp.vendor.decision == "approve"
    keys = {"requests": "ticket_id"}
    assert resolution_lines(loaded.pack, case, changes(case.world, final, keys=keys)) == []
    final["requests"][0]["system"] = "SAP"
    final["employees"][0]["status"] = "terminated"
    lines = changes(case.world, final, keys=keys)
    assert resolution_lines(loaded.pack, case, lines) == [
        "employees[E1].status: active -> terminated", "requests[R-1].system: VPN -> SAP"]
    assert compare(loaded.pack, case, case.world, final).agreed
    del final["requests"][0]
    gone = compare(loaded.pack, case, case.world, final)
    assert not gone.agreed and gone.vendor.decision == "other: (record deleted)"
    # doing nothing: the decision field as it was
    idle = compare(loaded.pack, case, case.world, case.world)
    assert not idle.agreed and idle.vendor.decision == "none"


def test_new_case_pack_command(pack_dir: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    from agentcheck.cli import main

    export = pack_dir.parent / "exports" / "requests.csv"
    assert main(["new", "case-pack", "--from", str(export), str(tmp_path / "mine")]) == 0
    assert f"agentcheck import {export} --pack {tmp_path / 'mine'}" in capsys.readouterr().out
    assert main(["new", "case-pack", "--from", str(tmp_path / "nope.csv"),
                 str(tmp_path / "other")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_resolution_by_state(unmasked: Path) -> None:
    """The team's resolution as the state they left a field in (no decision mapping)."""
    from agentcheck.cases.compare import compare
    from agentcheck.scenario.expr import clone

    pack = unmasked / "pack.yaml"
    text = pack.read_text()
    text = text[:text.index("  decision:")] + "  state: {status: decision, amount: amount}\n"
    pack.write_text(text)
    loaded = load_pack(unmasked)
    case = loaded.cases[0]
    assert case.human.decision is None and case.human.state == {"status": "Approved",
                                                                "amount": "USD 1200.50"}
    assert "amount" not in case.world["requests"][0]  # a resolution column: hidden
    final = clone(case.world)
    final["requests"][0].update(status="approved", amount="1,200.5")
    cmp = compare(loaded.pack, case, case.world, final)
    assert cmp.agreed and cmp.state_agreed and cmp.decision_agreed is None
    final["requests"][0]["status"] = "declined"
    cmp = compare(loaded.pack, case, case.world, final)
    assert not cmp.agreed and cmp.vendor.state == {"status": "declined", "amount": "1,200.5"}
    assert cmp.human.state["status"] == "Approved"
