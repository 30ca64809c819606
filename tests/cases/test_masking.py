"""Masking on import: the same original gets the same fake in every file (joins survive),
fakes keep their format (Luhn, IBAN check digits, phone separators), the key comes from the
environment and is never written, and --check-masking finds any surviving original."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agentcheck.cases.importer import check_masking, import_pack
from agentcheck.cases.masking import Masker, iban_ok, luhn_ok
from agentcheck.cases.pack import load_pack
from agentcheck.cases.tables import read_table
from agentcheck.cli import main
from agentcheck.core.errors import ConfigError

KEY = "test-masking-key-0123456789abcdef"  # the same as conftest.py's

ORIGINALS = ["Olivia Smith", "Liam Jones", "Emma Brown", "Noah Davis", "olivia.smith@corp.test",
             "liam.jones@corp.test", "emma.brown@corp.test", "555-201-3344", "202-4455",
             "4111 1111 1111 1111", "5500 0000 0000 0004", "Olivia", "Liam"]


def sources(pack: Path) -> list[Path]:
    return sorted((pack.parent / "exports").iterdir())


def test_import_masks_consistently_across_files(pack_dir: Path) -> None:
    done = import_pack(sources(pack_dir), pack_dir, {"AGENTCHECK_MASKING_KEY": KEY})
    assert done.cases == 4
    requests, employees = read_table(pack_dir / "requests.csv"), read_table(
        pack_dir / "employees.csv")
    text = (pack_dir / "requests.csv").read_text() + (pack_dir / "employees.csv").read_text()
    for original in ORIGINALS:
        assert original.lower() not in text.lower(), original
    # the same person has the same fake name and email in both files
    by_id = {r.values["employee_id"]: r.values for r in employees.rows}
    r1 = requests.rows[0].values
    assert r1["requester_name"] == by_id["E1"]["full_name"] != "Olivia Smith"
    assert r1["requester_email"] == by_id["E1"]["email"]
    # the fake email is the fake person's ('olivia.smith@' was Olivia Smith's)
    first, last = by_id["E1"]["full_name"].lower().split()
    assert by_id["E1"]["email"].startswith(f"{first}.{last}@")
    # ... and in the free text, by full name, email and phone
    assert by_id["E1"]["full_name"] in r1["request_text"]
    assert by_id["E1"]["email"] in r1["request_text"]
    assert by_id["E1"]["phone"] in r1["request_text"]
    # a join on a masked column still finds its rows: the loaded cases are the same
    loaded = load_pack(pack_dir)
    assert [len(c.world["employees"]) for c in loaded.cases] == [1, 1, 1, 1]
    # fakes keep the format
    cards = [r.values["card_number"] for r in employees.rows]
    assert all(luhn_ok(re.sub(r"\D", "", c)) for c in cards)
    assert cards[0][4] == " " and len(cards[2]) == len("3400 0000 0000 009")
    assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", by_id["E2"]["phone"])
    assert by_id["E3"]["phone"].startswith("+1 ")
    # the pack says it is masked, with the key's fingerprint, never the key
    pack_text = (pack_dir / "pack.yaml").read_text()
    assert "masked: true" in pack_text and f"masking_key_fingerprint: {done.fingerprint}" in \
        pack_text
    for f in pack_dir.iterdir():
        assert KEY not in f.read_text(errors="replace"), f.name
    assert load_pack(pack_dir).pack.masked


def test_same_key_same_fakes_other_key_other_fakes(pack_dir: Path, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "again"
    shutil.copytree(pack_dir, other)
    import_pack(sources(pack_dir), pack_dir, {"AGENTCHECK_MASKING_KEY": KEY})
    import_pack(sources(pack_dir), other, {"AGENTCHECK_MASKING_KEY": KEY})
    assert (pack_dir / "requests.csv").read_text() == (other / "requests.csv").read_text()
    import_pack(sources(pack_dir), other, {"AGENTCHECK_MASKING_KEY": KEY + "-other"})
    assert (pack_dir / "requests.csv").read_text() != (other / "requests.csv").read_text()


def test_fakes_look_real() -> None:
    m = Masker(b"k" * 32)
    iban = m.fake("iban", "DE89 3704 0044 0532 0130 00")
    assert iban_ok(iban) and iban.startswith("DE") and len(iban) == 27 and iban[4] == " "
    assert m.fake("card", "4111-1111-1111-1111")[4] == "-"
    assert luhn_ok(re.sub(r"\D", "", m.fake("card", "4111-1111-1111-1111")))
    name = m.fake("name", "Olivia Smith")
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", name)
    assert m.fake("name", "  OLIVIA   smith ") == name.upper() or \
        m.fake("name", "olivia smith") == name.lower()
    assert re.fullmatch(r"[a-z]+\.[a-z]+\d*@[a-z.]+", m.fake("email", "Olivia@Corp.test"))
    assert m.fake("email", "olivia@corp.test") == m.fake("email", "OLIVIA@corp.test")
    # free text: phones masked with their country code kept; dates and times are no phones
    text, n = m.mask_text("opened 2026-08-07 10:30; call +44 20 7946 0958 or 555.201.3344",
                          None, {})
    assert n == 2 and text.startswith("opened 2026-08-07 10:30; call +44 ")
    assert "7946" not in text and "201.3344" not in text
    # two different people never share a fake
    fakes = {m.fake("name", f"Person Number{i}") for i in range(800)}
    assert len(fakes) == 800


def test_columns_are_detected_by_header_and_values(tmp_path: Path) -> None:
    from agentcheck.cases.masking import plan_columns

    path = tmp_path / "export.csv"
    path.write_text("id,manager_approved,Contact,street_address,notes,iban_or_not,acct_no\n"
                    "1,yes,Ana Ortiz,12 High St,call Ana,DE89370400440532013000,12345678\n"
                    "2,no,Bo Lind,3 Low Rd,,GB82WEST12345698765432,87654321\n"
                    "3,Y,Cy Tan,9 Mid Ave,,DE89370400440532013000,11223344\n")
    plans = {c: p.kind for c, p in plan_columns(read_table(path), {}, None).items()}
    assert plans == {"Contact": "name", "street_address": "address", "notes": "text",
                     "iban_or_not": "iban", "acct_no": "account"}
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text("id,name,contact_name\n1,Contoso Supplies,Ana Ortiz\n")
    plans = {c: p.kind for c, p in plan_columns(read_table(suppliers), {}, None).items()}
    assert plans == {"contact_name": "name"}  # a supplier's name is a company's
    m = Masker(b"k" * 32)
    assert re.fullmatch(r"\d+ [A-Z][a-z]+ [A-Z][a-z]+, [A-Z][a-z]+",
                        m.fake("address", "12 High St, Springfield"))


def test_import_refuses_without_a_key(pack_dir: Path) -> None:
    with pytest.raises(ConfigError, match="set AGENTCHECK_MASKING_KEY"):
        import_pack(sources(pack_dir), pack_dir, {})
    with pytest.raises(ConfigError, match="AGENTCHECK_MASKING_KEY is 5 characters"):
        import_pack(sources(pack_dir), pack_dir, {"AGENTCHECK_MASKING_KEY": "short"})
    assert not (pack_dir / "requests.csv").exists()


def test_import_checks_the_mapping_before_writing(pack_dir: Path) -> None:
    pack = pack_dir / "pack.yaml"
    pack.write_text(pack.read_text().replace("category: category", "category: queue"))
    with pytest.raises(ConfigError, match=r"no column 'queue' in requests\.csv"):
        import_pack(sources(pack_dir), pack_dir, {"AGENTCHECK_MASKING_KEY": KEY})
    assert not (pack_dir / "requests.csv").exists()


def test_check_masking_finds_a_surviving_value(pack_dir: Path, capsys: pytest.CaptureFixture[
        str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTCHECK_MASKING_KEY", KEY)
    assert main(["import", *map(str, sources(pack_dir)), "--pack", str(pack_dir)]) == 0
    assert main(["import", "--check-masking", str(pack_dir), "--against",
                 *map(str, sources(pack_dir))]) == 0
    assert check_masking(pack_dir, sources(pack_dir)) == []
    # a note added by hand with a real email, and a card number written without spaces
    table = pack_dir / "employees.csv"
    lines = table.read_text().splitlines()
    lines[2] = lines[2].replace(",terminated,", ",terminated (ask liam.jones@corp.test),")
    lines[3] = re.sub(r",[\d ]+$", ",5500000000000004", lines[3])
    table.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["import", "--check-masking", str(pack_dir), "--against",
                 *map(str, sources(pack_dir))]) == 1
    err = capsys.readouterr().err
    assert "employees.csv:3:status: an original email survives (li... (20 characters))" in err
    assert "employees.csv:4:card_number: an original card survives (55... (19 characters))" \
        in err
    assert "liam.jones@corp.test" not in err and "5500000000000004" not in err
    assert "masking check failed: 2 original value(s) survive" in err


def test_an_xlsx_export_is_masked_into_xlsx(pack_dir: Path) -> None:
    import csv
    import io

    import openpyxl

    exports = pack_dir.parent / "exports"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(io.StringIO((exports / "requests.csv").read_text())):
        sheet.append(row)
    book.save(exports / "requests.xlsx")
    (exports / "requests.csv").unlink()
    pack = pack_dir / "pack.yaml"
    pack.write_text(pack.read_text().replace("file: requests.csv", "file: requests.xlsx"))
    import_pack(sources(pack_dir), pack_dir, {"AGENTCHECK_MASKING_KEY": KEY})
    masked = read_table(pack_dir / "requests.xlsx")
    assert [r.values["ticket_id"] for r in masked.rows] == ["R-1", "R-2", "R-3", "R-2", "R-4"]
    assert "Olivia Smith" not in str([r.values for r in masked.rows])
    assert check_masking(pack_dir, sources(pack_dir)) == []
    assert len(load_pack(pack_dir).cases) == 4


def test_a_json_table_joins_after_masking(pack_dir: Path) -> None:
    """The employee table as a JSON array: masked in JSON, and its email still joins."""
    import csv
    import io
    import json

    exports = pack_dir.parent / "exports"
    rows = list(csv.DictReader(io.StringIO((exports / "employees.csv").read_text())))
    (exports / "employees.json").write_text(json.dumps(rows))
    (exports / "employees.csv").unlink()
    pack = pack_dir / "pack.yaml"
    pack.write_text(pack.read_text().replace("file: employees.csv", "file: employees.json")
                    .replace("match: {employee_id: employee_id}",
                             "match: {email: requester_email}"))
    import_pack(sources(pack_dir), pack_dir, {"AGENTCHECK_MASKING_KEY": KEY})
    masked = json.loads((pack_dir / "employees.json").read_text())
    assert [r["employee_id"] for r in masked] == ["E1", "E2", "E3"]
    assert "olivia" not in json.dumps(masked).lower()
    # joined on the masked email: each case still finds its employee
    assert [[e["employee_id"] for e in c.world["employees"]]
            for c in load_pack(pack_dir).cases] == [["E1"], ["E2"], ["E3"], []]


def test_a_first_name_alone_is_masked_but_a_word_is_not() -> None:
    from agentcheck.cases.masking import known_pattern

    m = Masker(b"k" * 32)
    grant, amelia = m.fake("name", "Grant Hill"), m.fake("name", "Amelia Stone")
    known, kinds = known_pattern(m)
    text, _ = m.mask_text("Grant access for Amelia please. Thanks, Amelia. grant it. Ask "
                          "Grant Hill or Grant.", known, kinds)
    first = amelia.split()[0]
    assert text == (f"Grant access for {first} please. Thanks, {first}. grant it. Ask {grant} "
                    f"or {grant.split()[0]}.")
