"""Private variants (issue 13): derived from a secret key, deterministic, different per key,
meaning kept, canonical names for the judge, and the key never written anywhere."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.judge.scoring import score_trial
from agentcheck.report.evidence import trial_evidence
from agentcheck.results.files import read_records
from agentcheck.run.prove import ReferenceSession, prove
from agentcheck.run.trial import run_trial
from agentcheck.scenario.model import Scenario, load_scenarios, turn_facts
from agentcheck.scenario.source import LocatedData
from agentcheck.scenario.variants import (
    VARIANT_KEY_ENV,
    VariantWorld,
    derive,
    distinct_variants,
    facts,
    key_fingerprint,
    language,
    reorder_sentences,
    rephrase,
    sentence_orders,
    variant_key,
)
from agentcheck.scenario.world import World

from ..helpers.paths import ROOT, SCENARIOS

KEY = "test-variant-key-0123456789"
OTHER = "another-variant-key-98765"


@pytest.fixture(scope="module")
def library() -> list[Scenario]:
    scenarios, errors = load_scenarios([SCENARIOS])
    assert not errors
    return scenarios


def test_the_same_key_and_seed_give_the_same_variant(library: list[Scenario]) -> None:
    for sc in library:
        a, b = VariantWorld(sc, 7, KEY), VariantWorld(sc, 7, KEY)
        assert a.variant == b.variant
        assert a.user_turns() == b.user_turns() and a.tool_specs() == b.tool_specs()


def test_different_keys_give_different_surfaces(library: list[Scenario]) -> None:
    differ = sum(1 for sc in library if VariantWorld(sc, 7, KEY).tool_specs()
                 != VariantWorld(sc, 7, OTHER).tool_specs())
    assert differ >= 0.9 * len(library)


def test_every_tool_is_renamed_and_no_canonical_name_is_shown(library: list[Scenario]) -> None:
    for sc in library:
        specs = VariantWorld(sc, 3, KEY).tool_specs()
        shown = [t["name"] for t in specs]
        assert len(set(shown)) == len(shown)
        assert not set(shown) & {t.name for t in sc.tools}, sc.id


def test_every_fact_of_a_turn_is_kept(library: list[Scenario]) -> None:
    """The variant's turn states each fact of the canonical turn (the World's generated
    values and every literal word with a digit or an @)."""
    for sc in library:
        for seed in (1, 2, 3, 4):
            for key in (KEY, OTHER):
                world = VariantWorld(sc, seed, key)
                canonical = World.user_turns(world)
                for before, after in zip(canonical, world.user_turns(), strict=True):
                    said = facts(before)  # an alternative may state them in its order
                    assert sorted(said) == sorted(facts(after)), (sc.id, before, after)
                    for fact in said:
                        assert fact in after


def test_generic_rephrasing_changes_the_surface_not_the_facts() -> None:
    text = "Hi, I'm ana@example.com. Can you refund order ORD-12 for 84.50? I don't need it."
    out = rephrase(text, 2, 1, False, 1)
    assert out != text
    assert out.startswith("Hello, I am ana@example.com.")
    assert "Could you refund order ORD-12 for 84.50?" in out and "do not" in out
    assert rephrase("Guten Tag, bitte ORD-1 erstatten.", 2, 1, False, 1) == \
        "Guten Tag, bitte ORD-1 erstatten."  # a language it has no phrases for: as it is


def test_generic_rephrasing_of_spanish_chinese_and_japanese_turns() -> None:
    es = "Hola, la auditoría AUD-7 ya tiene fecha. ¿Puedes reservar una sala?"
    assert language(es) == "es"
    assert rephrase(es, 0, 1, False, 0) == \
        "La auditoría AUD-7 ya tiene fecha. ¿Puedes reservar una sala? Gracias."
    assert rephrase(es, 2, 0, False, 0).startswith("Buenas, la auditoría AUD-7")
    assert rephrase("Claro, su correo es a@b.es. Gracias.", 0, 2, False, 0, first=False) == \
        "Claro, su correo es a@b.es. Gracias."  # already thanks: no second sign-off
    zh = "您好，我是 a@b.tw。請幫我把訂單 ORD-3 退款。"
    assert language(zh) == "zh"
    assert rephrase(zh, 3, 2, True, 0) == "哈囉，我是 a@b.tw。請幫我把訂單 ORD-3 退款。感謝！"
    assert rephrase(zh, 0, 0, True, 0) == "我是 a@b.tw。請幫我把訂單 ORD-3 退款。"
    assert rephrase("好的，員工編號是 E-1。謝謝。", 1, 1, False, 0, first=False) == \
        "好的，員工編號是 E-1。謝謝。"
    ja = "お疲れさまです。受注 O-1 の出荷手配をお願いします。"
    assert language(ja) == "ja"
    assert rephrase(ja, 2, 1, True, 0) == \
        "お世話になっております。受注 O-1 の出荷手配をお願いします。よろしくお願いします。"
    for text in (es, zh, ja):
        for g in range(4):
            for s in range(4):
                assert facts(rephrase(text, g, s, False, 0)) == facts(text)


def test_request_forms_and_politeness_in_spanish_chinese_and_japanese() -> None:
    """Beyond greetings: the request forms each language has for one meaning, at the same
    politeness (tú and usted kept apart), and Japanese humble forms; words that only look like
    them stay (申請, 請問, 'Puede que'); every fact is kept."""
    es = "¿Puedes revisar el pedido ORD-1? ¿Podría confirmar la factura INV-22? Puede que ya esté."
    assert rephrase(es, 0, 0, False, 1, first=False) == \
        "¿Podrías revisar el pedido ORD-1? ¿Podría confirmar la factura INV-22? Puede que ya esté."
    assert rephrase(es, 0, 0, False, 0, first=False) == \
        "¿Puedes revisar el pedido ORD-1? ¿Puede confirmar la factura INV-22? Puede que ya esté."
    tw = "申請單 REQ-3 已核准。麻煩把訂單 SO-12 改成已出貨。請問還需要什麼？"
    forms = {rephrase(tw, 0, 0, contract, r, first=False) for contract in (True, False)
             for r in range(3)}
    assert forms == {tw.replace("麻煩把", f) for f in ("請把", "麻煩把", "請您把", "麻煩您把")}
    cn = "请帮我把订单 SO-12 改成已发货。"
    assert rephrase(cn, 0, 0, False, 1, first=False) == "麻烦您帮我把订单 SO-12 改成已发货。"
    ja = "注文 SO-123 の在庫を確認してください。ご確認ください。よろしくお願いします。"
    assert rephrase(ja, 0, 0, True, 1, first=False) == \
        "注文 SO-123 の在庫を確認していただけますか。ご確認いただけますか。よろしくお願いします。"
    assert rephrase(ja, 0, 0, False, 0, first=False) == \
        "注文 SO-123 の在庫を確認してください。ご確認ください。よろしくお願いいたします。"
    for text in (es, tw, cn, ja):
        for contract in (True, False):
            for r in range(3):
                assert facts(rephrase(text, 1, 1, contract, r)) == facts(text)


def test_library_turns_in_other_languages_get_other_request_forms(
        library: list[Scenario]) -> None:
    """Each of Spanish, Chinese and Japanese has library turns whose request form changes with
    the key (not only their greeting)."""
    changed: set[str] = set()
    for sc in library:
        for key in (KEY, OTHER, "third-variant-key-5555"):
            world = VariantWorld(sc, 1, key)
            lang = language(world.user_turns()[0])
            if lang not in ("es", "zh", "ja"):
                continue
            choice = world.variant.turns[0]
            turn = sc.task[0]
            base = str(world.render_initial(turn.user if choice == 0
                                            else turn.alternatives[choice - 1]))
            if any(f in world.user_turns()[0] and f not in base for f in (
                    "¿Podrías", "¿Puedes", "¿Podría", "麻煩", "請您", "麻烦", "请您",
                    "いただけますか", "いただけますでしょうか", "お願いいたします")):
                changed.add(lang)
    assert changed == {"es", "zh", "ja"}, changed


def test_independent_sentences_are_reordered_and_references_stay_put() -> None:
    text = ("Hi, I'm {{ customers[0].email }}. My order {{ orders[0].id }} arrived broken. "
            "My phone number is {{ customers[0].phone }}. Can you refund order "
            "{{ orders[0].id }} in full? It was a gift. Thanks.")
    assert sentence_orders(text) == 6  # three independent sentences between the fixed ones
    seen = {reorder_sentences(text, seed) for seed in range(40)}
    assert len(seen) == 6 and text in seen
    assert reorder_sentences(text, 5) == reorder_sentences(text, 5)
    for out in seen:
        assert out.startswith("Hi, I'm {{ customers[0].email }}. ")
        assert out.endswith(" It was a gift. Thanks.")  # refers back: stays after them
        assert sorted(turn_facts(out)) == sorted(turn_facts(text))
    # a sentence that refers back by a pronoun or a leading "Also"/"And" never moves
    fixed = "My order {{ orders[0].id }} arrived broken. Please refund it. Also email me."
    assert sentence_orders(fixed) == 1 and reorder_sentences(fixed, 3) == fixed
    # ids of one kind keep their order (a reference reads the first one), other facts move
    two = "Refund ORD-1 please. Also check. Cancel ORD-2 too. My email is {{ u[0].email }}."
    assert {reorder_sentences("Refund ORD-1. Cancel ORD-2. Call me.", s) for s in range(30)} \
        == {"Refund ORD-1. Cancel ORD-2. Call me.", "Refund ORD-1. Call me. Cancel ORD-2.",
            "Call me. Refund ORD-1. Cancel ORD-2."}
    assert reorder_sentences(two, 1) == two  # "Also", "too": nothing moves
    # abbreviations and the values inside templates do not end a sentence
    assert sentence_orders("Pay Acme Inc. Today is fine. Send {{ a.b }} now.") == 2
    # Chinese: only sentences that name a fact and refer back to nothing move
    zh = "您好。訂單 {{ orders[0].id }} 壞了。我的帳號是 {{ customers[0].email }}。他們說可以退。"
    assert sentence_orders(zh) == 2
    assert {reorder_sentences(zh, s) for s in range(20)} == {
        zh, "您好。我的帳號是 {{ customers[0].email }}。訂單 {{ orders[0].id }} 壞了。"
            "他們說可以退。"}


def test_sentence_order_is_per_key_and_used_only_without_alternatives(
        library: list[Scenario]) -> None:
    # every library turn has alternatives now: the same scenario without them
    base = next(s for s in library if s.id == "refund-duplicate-charge-pci-safe")
    sc = base.model_copy(update={"task": [base.task[0].model_copy(update={"alternatives": []}),
                                          *base.task[1:]]})
    assert sentence_orders(sc.task[0].user) == 2
    firsts = {VariantWorld(sc, seed, key).user_turns()[0] for seed in range(8)
              for key in (KEY, OTHER)}
    bodies = {t.split(". ", 1)[1][:6] for t in firsts}
    assert bodies == {"Please", "You ch"}  # both orders of the two movable sentences
    assert VariantWorld(sc, 3, KEY).user_turns() == VariantWorld(sc, 3, KEY).user_turns()
    for s in library:  # an authored alternative is used as written (then re-phrased)
        for i, turn in enumerate(s.task):
            if turn.alternatives:
                world = VariantWorld(s, 2, KEY)
                choice = world.variant.turns[i]
                template = turn.user if choice == 0 else turn.alternatives[choice - 1]
                assert facts(world.user_turns()[i]) == facts(world.render_initial(template))


def test_the_reference_and_lazy_vendors_under_variants(library: list[Scenario]) -> None:
    proofs = [prove(sc, keys=(KEY, OTHER)) for sc in library]
    assert [p.problems for p in proofs if p.problems] == []
    assert all(p.variants > 1000 for p in proofs)


def test_a_replay_in_canonical_names_fails_under_variants(library: list[Scenario]) -> None:
    """What a memorising vendor sends: the stored solution in the public names."""
    for sc in library:
        if sc.declines:
            continue
        world = VariantWorld(sc, 5, KEY)
        traj = asyncio.run(run_trial(sc, world, ReferenceSession(sc)))
        assert score_trial(sc, world, traj).score < 0.5, sc.id
        first = next(e for e in traj.events if e["type"] == "tool")
        assert first["error_kind"] in ("unknown_tool", "invalid_arguments"), sc.id


def test_calls_come_back_in_canonical_names(library: list[Scenario]) -> None:
    sc = next(s for s in library if s.id == "refund-damaged-order")
    world = VariantWorld(sc, 5, KEY)
    traj = asyncio.run(run_trial(sc, world, ReferenceSession(sc, world.variant)))
    tools = [e for e in traj.events if e["type"] == "tool"]
    assert [e["name"] for e in tools] == ["lookup_customer", "list_orders", "refund_order"]
    assert "order_id" in tools[-1]["args"]
    assert score_trial(sc, world, traj).passed


def test_a_renamed_parameter_under_its_canonical_name_is_refused(
        library: list[Scenario]) -> None:
    sc = next(s for s in library if s.id == "refund-damaged-order")
    world = VariantWorld(sc, 5, KEY)
    shown = world.variant.shown("refund_order")
    renamed = world.variant.params["refund_order"]["order_id"]
    assert renamed != "order_id"
    result = world.call(shown, {"order_id": world.data["orders"][0]["id"]})
    assert result.error_kind == "invalid_arguments" and "order_id" in str(result.error)
    result = world.call("refund_order", {renamed: world.data["orders"][0]["id"]})
    assert result.error_kind == "unknown_tool" and shown in str(result.error)
    assert world.data["orders"][0]["status"] == "delivered"


def test_tool_order_and_names_are_shared_by_a_control_group(library: list[Scenario]) -> None:
    """Scenarios offering the same tools show the same API under one key, so a fixed script
    over them is still one script (the `scripted` flag)."""
    groups: dict[frozenset[str], list[Scenario]] = {}
    for sc in library:
        groups.setdefault(frozenset(t.name for t in sc.tools), []).append(sc)
    shared = [g for g in groups.values() if len(g) > 1]
    assert shared
    for group in shared:
        seen = {(derive(sc, KEY, 1).order, tuple(sorted(derive(sc, KEY, 9).tools.items())))
                for sc in group if not any(t.synonyms for t in sc.tools)}
        assert len(seen) <= 1


def test_the_key_comes_from_the_environment_only() -> None:
    with pytest.raises(ConfigError, match=VARIANT_KEY_ENV):
        variant_key({})
    with pytest.raises(ConfigError, match="too short"):
        variant_key({VARIANT_KEY_ENV: "abc"})
    assert variant_key({VARIANT_KEY_ENV: KEY}) == KEY
    assert key_fingerprint(KEY) != key_fingerprint(OTHER) and len(key_fingerprint(KEY)) == 16
    assert KEY not in key_fingerprint(KEY)


def test_alternatives_must_keep_the_facts() -> None:
    from agentcheck.scenario.model import parse_scenario
    from agentcheck.scenario.source import load_file

    src = load_file(SCENARIOS / "customer-service" / "refund-damaged-order.yaml")
    data = json.loads(json.dumps(src.data))
    data["task"][0]["alternatives"] = ["Please refund my broken order."]
    with pytest.raises(ConfigError) as exc:
        parse_scenario(LocatedData(data, src.lines, src.file), "refund-damaged-order")
    text = exc.value.render()
    assert "task[0].alternatives[0]" in text and "customers[0].email" in text
    assert "refund-damaged-order.yaml:" in text


def test_distinct_variants_counts_wordings_names_and_orders(library: list[Scenario]) -> None:
    sc = next(s for s in library if s.id == "refund-damaged-order")
    assert distinct_variants(sc) >= 2 * 2 * 2 * 6


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agentcheck.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_private_variants_run(tmp_path: Path) -> None:
    """The demo vendors keep their tiers; run.json has the fingerprint and no file holds the
    key; without the key the run is a configuration error; resume, merge and compare refuse
    to mix keys."""
    sc = [str(SCENARIOS / "customer-service"), str(SCENARIOS / "it-helpdesk")]
    base = {k: v for k, v in os.environ.items() if k != VARIANT_KEY_ENV}
    env = {**base, VARIANT_KEY_ENV: KEY}
    scen = [a for s in sc for a in ("--scenarios", s)]
    plain = _run(["run", *scen, "--seed", "4", "--out", str(tmp_path / "a"), "--quiet"], base)
    assert plain.returncode == 0, plain.stderr
    private = _run(["run", *scen, "--seed", "4", "--out", str(tmp_path / "b"), "--quiet",
                    "--private-variants"], env)
    assert private.returncode == 0, private.stderr
    tiers = {}
    for name in ("a", "b"):
        summary = json.loads((tmp_path / name / "summary.json").read_text())
        tiers[name] = {v["name"]: (v["tier"], v["flags"]) for v in summary["vendors"]}
    assert tiers["a"] == tiers["b"]
    assert tiers["b"]["demo-agent"][0] == 3 and tiers["b"]["demo-chatbot"][0] == 0
    run = json.loads((tmp_path / "b" / "run.json").read_text())
    assert run["variants"] == {"key_fingerprint": key_fingerprint(KEY)}
    assert "variants" not in json.loads((tmp_path / "a" / "run.json").read_text())
    for path in (tmp_path / "b").rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(errors="replace"), path
    # records keep the scenario's names; the evidence names what the vendor saw beside them
    plain_records = read_records(tmp_path / "a" / "trials.jsonl")
    assert all(r.shown_names is None for r in plain_records)
    records = [r for r in read_records(tmp_path / "b" / "trials.jsonl")
               if r.vendor == "demo-agent"]
    assert records and all(r.shown_names is not None and r.shown_names.tools for r in records)
    by_id = {s.id: s for s in load_scenarios([Path(p) for p in sc])[0]}
    for record in records:
        assert record.shown_names is not None
        world = VariantWorld(by_id[record.scenario], int(record.seed or 0), KEY)
        assert record.shown_names.tools == {k: v for k, v in world.variant.tools.items()
                                            if k != v}
        assert record.shown_names.lookalikes == len(world.lookalikes)
        calls = trial_evidence(record).calls
        events = [e for e in record.events if e.get("type") == "tool"]
        assert [c.name for c in calls] == [
            f"{world.variant.shown(e['name'])} ({e['name']})" for e in events]

    missing = _run(["run", *scen, "--out", str(tmp_path / "c"), "--private-variants"], base)
    assert missing.returncode == 2 and VARIANT_KEY_ENV in missing.stderr
    assert "Traceback" not in missing.stderr

    compared = _run(["compare", str(tmp_path / "a"), str(tmp_path / "b")], env)
    assert compared.returncode == 2 and "private variants" in compared.stderr

    wrong = _run(["run", "--resume", "--out", str(tmp_path / "b")],
                 {**base, VARIANT_KEY_ENV: OTHER})
    assert wrong.returncode == 2 and "not the key" in wrong.stderr
    assert OTHER not in wrong.stderr and KEY not in wrong.stderr
    widen = _run(["run", "--resume", "--out", str(tmp_path / "a"), "--private-variants"], env)
    assert widen.returncode == 2 and "without private variants" in widen.stderr
    same = _run(["run", "--resume", "--out", str(tmp_path / "b"), "--quiet"], env)
    assert same.returncode == 0, same.stderr


def test_the_demo_agent_completes_the_whole_library_under_variants(tmp_path: Path) -> None:
    """Re-ordered sentences, re-phrased Spanish, Chinese and Japanese turns and the authored
    alternatives of the whole library: the demo agent (which plays the reference under the
    variant's names) still completes every scenario, under two keys."""
    base = {k: v for k, v in os.environ.items() if k != VARIANT_KEY_ENV}
    size = len(load_scenarios([SCENARIOS])[0])
    for i, key in enumerate((KEY, OTHER)):
        done = _run(["run", "--scenarios", str(SCENARIOS), "--vendor", "demo-agent", "--seed",
                     str(4 + i), "--out", str(tmp_path / str(i)), "--quiet",
                     "--private-variants"], {**base, VARIANT_KEY_ENV: key})
        assert done.returncode == 0, done.stderr
        vendor = json.loads((tmp_path / str(i) / "summary.json").read_text())["vendors"][0]
        assert vendor["tier"] == 3 and vendor["completed_tasks"] == vendor["trials"] == size


def test_shards_of_other_keys_are_not_merged(tmp_path: Path) -> None:
    sc = str(SCENARIOS / "customer-service" / "refund-damaged-order.yaml")
    base = {k: v for k, v in os.environ.items() if k != VARIANT_KEY_ENV}
    for i, key in ((1, KEY), (2, OTHER)):
        done = _run(["run", "--scenarios", sc, "--vendor", "demo-agent", "--seed", "3",
                     "--shard", f"{i}/2", "--out", str(tmp_path / str(i)), "--quiet",
                     "--private-variants"], {**base, VARIANT_KEY_ENV: key})
        assert done.returncode == 0, done.stderr
    merged = _run(["merge", str(tmp_path / "1"), str(tmp_path / "2"), "--out",
                   str(tmp_path / "m")], base)
    assert merged.returncode == 2 and "private variants" in merged.stderr
