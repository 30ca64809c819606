"""The reference player's selectors: a value by its label in the user's words or a tool result
(en, es, zh-TW, ja), records by a rule; and parse errors shown whole."""

from __future__ import annotations

import pytest

from agentcheck.scenario.expr import ExpressionError, compile_path, search

EN = ("Hi, I start on 2026-05-04 and I was born on 1990-02-03. My deputy is Ana Ruiz "
      "(ana.ruiz@example.com); my manager is bob.lee@example.com. The invoice total is "
      "$1,234.50 and the tax 12.30. Please reference order ORD-7Q2, not ORD-1AA.")
ES = ("Hola: empiezo el 2026-05-04. Nací el 1990-02-03. Mi suplente será Ana "
      "(ana.ruiz@example.com) y mi responsable es bob.lee@example.com. El total es 1.234,50 €.")
ZH = ("您好，我下週一 2026-05-04 到職。我的出生日期是1990年2月3日。"
      "我的代理人是 ana.ruiz@example.com。總額 1,234.50 元。")
JA = ("お疲れ様です。2026/5/4から勤務します。1990-02-03生まれです。代理はana.ruiz@example.comに"
      "お願いしました。上司はbob.lee@example.comです。合計は1,234.50円です。")


@pytest.mark.parametrize(("text", "expr", "value"), [
    (EN, "value_after(user, 'born', 'date')", "1990-02-03"),
    (EN, "value_after(user, 'start', 'date')", "2026-05-04"),
    (EN, "email_near(user, 'deputy')", "ana.ruiz@example.com"),
    (EN, "email_near(user, 'manager')", "bob.lee@example.com"),
    (EN, "number_near(user, 'total')", 1234.5),
    (EN, "number_near(user, 'tax')", 12.3),
    (EN, "value_after(user, 'tax', 'number')", 12.3),
    (EN, "id_near(user, 'reference', 'ORD')", "ORD-7Q2"),
    (EN, "value_after(user, 'not', 'id')", "ORD-1AA"),
    (EN, "value_after(user, ['nacido', 'born'], 'date')", "1990-02-03"),
    (EN, "value_after(user, 'BORN', 'date')", "1990-02-03"),  # case does not matter
    (ES, "value_after(user, 'nací', 'date')", "1990-02-03"),
    (ES, "date_near(user, 'empiezo')", "2026-05-04"),
    (ES, "email_near(user, 'suplente')", "ana.ruiz@example.com"),
    (ES, "email_near(user, 'responsable')", "bob.lee@example.com"),
    (ES, "number_near(user, 'total')", 1234.5),  # 1.234,50: a comma for decimals
    (ZH, "date_near(user, '出生日期')", "1990-02-03"),  # 1990年2月3日 given back as ISO
    (ZH, "date_near(user, '到職')", "2026-05-04"),  # before the label, same sentence
    (ZH, "email_near(user, '代理人')", "ana.ruiz@example.com"),
    (ZH, "number_near(user, '總額')", 1234.5),
    (JA, "value_before(user, '生まれ', 'date')", "1990-02-03"),
    (JA, "date_near(user, '勤務')", "2026-05-04"),  # 2026/5/4
    (JA, "email_near(user, '代理')", "ana.ruiz@example.com"),
    (JA, "email_near(user, '上司')", "bob.lee@example.com"),
    (JA, "number_near(user, '合計')", 1234.5),
])
def test_value_by_label(text: str, expr: str, value: object) -> None:
    assert search(expr, {"user": text}) == value


@pytest.mark.parametrize("expr", [
    "value_after(user, 'born', 'email')",  # no email in the sentence that says 'born'
    "value_after(user, 'deputy', 'date')",
    "email_near(user, 'director')",  # no such label
    "value_after(user, 'orn', 'date')",  # a Latin label starts a word ('born' is not 'orn')
    "value_before(user, 'start', 'date')",  # nothing before it in its sentence
    "email_near(missing, 'deputy')",
])
def test_value_elsewhere_is_not_picked(expr: str) -> None:
    """A fact stated in another sentence is never picked by accident: the first date of the
    text is not 'the date after born'."""
    assert search(expr, {"user": EN}) is None


def test_value_from_a_tool_result() -> None:
    """Tool results are read as text: 'the amount next to total' in a document body."""
    last = {"invoice": "INV-9", "lines": [{"label": "Subtotal", "amount": 900},
                                          {"label": "Total due", "amount": 1089}]}
    assert search("value_after(last, 'Total due', 'number')", {"last": last}) == 1089
    assert search("value_after(last.lines[0], 'label', 'number')", {"last": last}) == 900


def test_unknown_kind_and_empty_label_are_errors() -> None:
    with pytest.raises(ExpressionError, match="unknown kind 'birthday'"):
        search("value_after(user, 'born', 'birthday')", {"user": EN})
    with pytest.raises(ExpressionError, match="a label is not empty"):
        search("value_after(user, ' ', 'date')", {"user": EN})
    with pytest.raises(ExpressionError, match="a label is a string or a list of strings"):
        search("value_after(user, [`1`], 'date')", {"user": EN})


OPTIONS = [
    {"id": "OPT-1", "carrier": "Fast", "price": 90, "eta": "2026-05-02", "certified": True},
    {"id": "OPT-2", "carrier": "Cheap", "price": 40, "eta": "2026-05-09", "certified": True},
    {"id": "OPT-3", "carrier": "Mid", "price": 55, "eta": "2026-05-04", "certified": False},
    {"id": "OPT-4", "carrier": "Ok", "price": 60, "eta": "2026-05-05", "certified": True},
    {"id": "OPT-5", "carrier": "Unknown", "eta": "2026-05-01", "certified": True},
]


@pytest.mark.parametrize(("expr", "value"), [
    ("pick_min(last, 'price').id", "OPT-2"),  # the record without a price is skipped
    ("pick_max(last, 'price').id", "OPT-1"),
    ("pick_min(last[?certified], 'price').id", "OPT-2"),
    ("pick_min(where(last, 'eta', '<=', value_after(user, 'by', 'date')), 'price').id", "OPT-3"),
    ("pick_min(where(where(last, 'eta', '<=', value_after(user, 'by', 'date')), 'certified', "
     "'==', `true`), 'price').id", "OPT-4"),
    ("where(last, 'eta', '<', '2026-05-02')[*].id", ["OPT-5"]),
    ("where(last, 'carrier', 'contains', 'a')[*].id", ["OPT-1", "OPT-2"]),
    ("where(last, 'carrier', 'in', ['Mid', 'Ok'])[*].id", ["OPT-3", "OPT-4"]),
    ("where(last, 'price', '>', 'x')", []),  # another type never matches
    ("where(last, 'eta', '<=', missing)", []),  # nothing to compare with, nothing matches
    ("pick_min(missing, 'price')", None),
    ("pick_min(`[]`, 'price')", None),
    ("pick_min(last, 'nope')", None),
])
def test_records_by_rule(expr: str, value: object) -> None:
    ctx = {"last": OPTIONS, "user": "It has to arrive by 2026-05-06, please."}
    assert search(expr, ctx) == value


def test_pick_ties_go_to_the_first() -> None:
    records = [{"id": "a", "p": 1}, {"id": "b", "p": 1}]
    assert search("pick_min(last, 'p').id", {"last": records}) == "a"
    assert search("pick_max(last, 'p').id", {"last": records}) == "a"


def test_where_unknown_operator() -> None:
    with pytest.raises(ExpressionError, match="unknown operator '=<' in where"):
        search("where(last, 'eta', '=<', 'x')", {"last": OPTIONS})


@pytest.mark.parametrize(("expr", "message"), [
    ("orders[?x==", "invalid expression 'orders[?x==': Invalid jmespath expression: Incomplete "
                    "expression at column 12, after 'orders[?x==' (the end)"),
    ("orders[?x == `1]", "invalid expression 'orders[?x == `1]': Bad jmespath expression: "
                         "Unclosed ` delimiter at column 14, after 'orders[?x == ', before '`1]'"),
])
def test_parse_errors_are_whole(expr: str, message: str) -> None:
    """No error is cut at its first line: the reason and where in the expression it lies."""
    with pytest.raises(ExpressionError) as info:
        compile_path(expr)
    assert str(info.value) == message


# every selector in every language: (text, {expression: value})
MATRIX = {
    "en": ("Order ORD-7Q2 shipped. 2026-05-04 is my start date. My deputy, ana@example.com, "
           "covers from 2026-05-11; the total was 1,234.50.",
           {"value_after(user, 'deputy', 'email')": "ana@example.com",
            "value_before(user, 'is my start date', 'date')": "2026-05-04",
            "value_near(user, 'covers', 'date')": "2026-05-11",
            "email_near(user, 'deputy')": "ana@example.com",
            "date_near(user, 'start date')": "2026-05-04",
            "number_near(user, 'total')": 1234.5,
            "id_near(user, 'order', 'ORD')": "ORD-7Q2"}),
    "es": ("El pedido ORD-7Q2 ya salió. El 2026-05-04 es mi fecha de inicio. Mi suplente, "
           "ana@example.com, cubre desde el 2026-05-11; el total fue 1.234,50 €.",
           {"value_after(user, 'suplente', 'email')": "ana@example.com",
            "value_before(user, 'fecha de inicio', 'date')": "2026-05-04",
            "value_near(user, 'cubre', 'date')": "2026-05-11",
            "email_near(user, 'suplente')": "ana@example.com",
            "date_near(user, 'inicio')": "2026-05-04",
            "number_near(user, 'total')": 1234.5,
            "id_near(user, 'pedido', 'ORD')": "ORD-7Q2"}),
    "zh-TW": ("訂單ORD-7Q2已出貨。2026年5月4日是我的到職日。我的代理人是ana@example.com，"
              "自2026-05-11起代理。總額為1,234.50元。",
              {"value_after(user, '代理人', 'email')": "ana@example.com",
               "value_before(user, '到職日', 'date')": "2026-05-04",
               "value_near(user, '起代理', 'date')": "2026-05-11",
               "email_near(user, '代理人')": "ana@example.com",
               "date_near(user, '到職')": "2026-05-04",
               "number_near(user, '總額')": 1234.5,
               "id_near(user, '訂單', 'ORD')": "ORD-7Q2"}),
    "ja": ("注文ORD-7Q2は出荷済みです。2026/5/4が入社日です。代理はana@example.comで、"
           "2026-05-11から担当します。合計は1,234.50円でした。",
           {"value_after(user, '代理', 'email')": "ana@example.com",
            "value_before(user, '入社日', 'date')": "2026-05-04",
            "value_near(user, '担当', 'date')": "2026-05-11",
            "email_near(user, '代理')": "ana@example.com",
            "date_near(user, '入社')": "2026-05-04",
            "number_near(user, '合計')": 1234.5,
            "id_near(user, '注文', 'ORD')": "ORD-7Q2"}),
}


@pytest.mark.parametrize(("lang", "expr"), [(lang, expr) for lang, (_, cases) in MATRIX.items()
                                            for expr in cases])
def test_every_selector_in_every_language(lang: str, expr: str) -> None:
    text, cases = MATRIX[lang]
    assert search(expr, {"user": text}) == cases[expr]


def test_a_label_repeated_many_times_reads_only_its_first_mentions() -> None:
    """A text that repeats the label thousands of times costs twenty scans, not thousands: the
    value after its first mentions is found, one after the hundredth mention is not looked for."""
    text = "note: none. " * 100 + "note: 2026-05-04."
    assert search("value_after(user, 'note', 'date')", {"user": text}) is None
    assert search("value_after(user, 'note', 'date')",
                  {"user": "note: 2026-05-03. " + text}) == "2026-05-03"


def test_a_huge_tool_result_is_bounded() -> None:
    """A tool result is read as its JSON text, and pays for it: a huge one is an
    ExpressionError, not minutes of scanning."""
    with pytest.raises(ExpressionError, match="more than 200000 steps"):
        search("number_near(last, 'total')", {"last": {"x": ["total 5"] * 100_000}})


def test_moments_compare_as_instants() -> None:
    """'2026-05-04T23:00:00-05:00' is 04:00 UTC on the 5th: later than 01:00 UTC that day,
    though it sorts first as text."""
    records = [{"id": "a", "eta": "2026-05-05T01:00:00Z"},
               {"id": "b", "eta": "2026-05-04T23:00:00-05:00"}]
    assert search("pick_min(last, 'eta').id", {"last": records}) == "a"
    assert search("pick_max(last, 'eta').id", {"last": records}) == "b"
    assert search("where(last, 'eta', '<', '2026-05-05T02:00:00+00:00')[*].id",
                  {"last": records}) == ["a"]
