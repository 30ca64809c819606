"""Reports in the buyer's language (issue 11 item 5): one message catalogue, English unchanged
byte for byte, zh-TW complete, vendor text shown as it was written."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.judge.verdict import DIMENSIONS
from agentcheck.report import render_run
from agentcheck.report.messages import EN, LANGUAGES, ZH_TW

from ..helpers.report_fixtures import (
    make_records,
    rendered_no_verdict_run,
    rendered_run,
    write_run,
)

REPORT_SRC = Path(__file__).resolve().parents[2] / "src" / "agentcheck" / "report"

# sha256 of report.md and report.html rendered from the fixture runs below before the catalogue
# existed (commit a34a8fd): English must stay byte-identical. If a deliberate wording change
# alters them, re-derive these from the new output and say so in the commit. Re-derived for
# issue 16 item 6 (report.md: definitions section, one escape, ties once, cut evidence counted;
# both: recovery 0 for a vendor that failed before the fault).
ENGLISH_SHA256 = {
    "main/report.md": "08e97ab9f620312fece7d46ac744470004521602a24312e9faeb0a98c4d07c4d",
    "nv/report.md": "d2210eac50bf431a2b31c587b1161d4287965fe05482121dced6b9a9824a047d",
    "one/report.md": "bea2a21e13f8a69fbff1eed2d3bd07b2cdf1fea4d327ea977972dfbef2bf1dc0",
    "main/report.html": "8ea1013eaa01514edda844632b8f222fd828ec1dcf7807e8a211ac9b47ddfeb3",
    "nv/report.html": "ab3fa76bbad234839482f46339846b078f12ac07f85d2c8f819437bfa7cfcae8",
    "one/report.html": "aaafae378abe3da812d4c3606135fd44c0f4a85ffc8c17c94036c9c48e88d2eb",
}

# the English fixed texts that must not survive in a zh-TW report
ENGLISH_HEADINGS = [
    "agentcheck results", "## Verdict", "Business view", "Reliability",
    "Which differences are real", "Capability profile", "Clean vs noisy data",
    "Vendor x scenario", "How to read these numbers", "How to read this report",
    "Failed trials:", "Evidence for every failed trial", "Why not higher", "Dimensions:",
    "completed without help", "tasks completed", "score (95% CI)", "No red flags",
    "Red flags:", "Expand all", "Failed checks", "Transcript", "Tool calls",
    "autonomous agent", "multi-step agent", "tool-assisted", "chat only",
    "claims actions it did not take", "not significant", "Run started",
]


def _runs(base: Path) -> None:
    rendered_run(base / "main")
    rendered_no_verdict_run(base / "nv")
    write_run(base / "one", make_records({"solo": 0.7}, trials=1), ["solo"])
    render_run(base / "one")


def test_english_reports_are_byte_identical_to_before_the_catalogue(tmp_path: Path) -> None:
    _runs(tmp_path)
    got = {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
           for name in ENGLISH_SHA256}
    assert got == ENGLISH_SHA256


def test_every_key_is_translated_and_every_translation_keeps_its_fields() -> None:
    assert LANGUAGES == ("en", "zh-TW")
    assert set(ZH_TW) == set(EN), (set(EN) ^ set(ZH_TW))
    fields = re.compile(r"\{(\w+)[^}]*\}")
    for key, text in EN.items():
        assert set(fields.findall(ZH_TW[key])) == set(fields.findall(text)), key


def test_every_key_is_used_in_the_report_code() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for p in REPORT_SRC.glob("*.py")
                     if p.name != "messages.py")
    literals = set(re.findall(r"""["']([\w.\-]+)["']""", code))
    prefixes = set(re.findall(r"""f["']([a-z_]+\.[\w.]*)\{""", code))
    data = {*DIMENSIONS, *(str(i) for i in range(4)), "hallucinated_actions",
            "hands_work_back", "scripted", "unsafe_action", "unreliable", "collateral_damage"}
    unused = []
    for key in EN:
        if key in literals:
            continue
        if any(key.startswith(p) and (key[len(p):] in literals or key[len(p):] in data)
               for p in prefixes):
            continue
        if key.startswith("howto.") and key.split(".")[1] in literals:  # HOWTO's terms
            continue
        unused.append(key)
    assert not unused


@pytest.fixture(scope="module")
def zh_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("lang")
    rendered_run(base / "en")
    write_run(base / "zh", make_records({"acme": 0.95, "beta": 0.6, "chatty": 0.1,
                                         "hostile": 0.5}, trials=3,
                                        hostile_vendor="hostile"),
              ["acme", "beta", "chatty", "hostile"])
    render_run(base / "zh", lang="zh-TW")
    return base / "en", base / "zh"


@pytest.mark.parametrize("name", ["report.md", "report.html"])
def test_zh_tw_report_has_no_english_heading_left(zh_runs: tuple[Path, Path],
                                                  name: str) -> None:
    text = (zh_runs[1] / name).read_text(encoding="utf-8")
    left = [h for h in ENGLISH_HEADINGS if h in text]
    assert not left
    assert "評定" in text and "商業觀點" in text and "穩定性" in text


def test_zh_tw_html_declares_its_language(zh_runs: tuple[Path, Path]) -> None:
    assert '<html lang="zh-Hant-TW">' in (zh_runs[1] / "report.html").read_text("utf-8")
    assert '<html lang="en">' in (zh_runs[0] / "report.html").read_text("utf-8")


def _vendor_text(html: str) -> list[str]:
    """Final answers and evidence excerpts as the page shows them."""
    return (re.findall(r"<blockquote>(.*?)</blockquote>", html)
            + re.findall(r'<span class="text">(.*?)</span>', html))


def test_zh_tw_shows_vendor_text_as_written(zh_runs: tuple[Path, Path]) -> None:
    en_html = (zh_runs[0] / "report.html").read_text("utf-8")
    zh_html = (zh_runs[1] / "report.html").read_text("utf-8")
    shown = _vendor_text(zh_html)
    assert shown and shown == _vendor_text(en_html)
    zh_md = (zh_runs[1] / "report.md").read_text("utf-8")
    en_md = (zh_runs[0] / "report.md").read_text("utf-8")
    en_quotes = re.findall(r' \("(.*)"\)$', en_md, re.M)
    assert en_quotes == re.findall(r"（「(.*)」）$", zh_md, re.M)
    assert "I've refunded the order" in zh_md
    assert "hallucinated_actions" in zh_md  # flag identifiers are the results contract
    # report.csv stays English: its cells are the results contract
    assert (zh_runs[1] / "report.csv").read_bytes() == (zh_runs[0] / "report.csv").read_bytes()


def test_report_re_renders_in_the_language_the_run_recorded(tmp_path: Path) -> None:
    write_run(tmp_path, make_records({"solo": 0.7}, trials=1), ["solo"])
    run = json.loads((tmp_path / "run.json").read_text())
    (tmp_path / "run.json").write_text(json.dumps({**run, "report_lang": "zh-TW"}))
    render_run(tmp_path)
    assert "## 評定" in (tmp_path / "report.md").read_text("utf-8")
    render_run(tmp_path, lang="en")  # --lang wins over the recorded language
    assert "## Verdict" in (tmp_path / "report.md").read_text("utf-8")


def test_zh_tw_no_verdict_run_renders(tmp_path: Path) -> None:
    rendered_no_verdict_run(tmp_path)
    render_run(tmp_path, lang="zh-TW")
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "無評定" in md and "No verdict" not in md


def test_unknown_language_is_a_configuration_error(tmp_path: Path) -> None:
    write_run(tmp_path, make_records({"solo": 0.7}, trials=1), ["solo"])
    with pytest.raises(ConfigError, match="supported are en, zh-TW"):
        render_run(tmp_path, lang="fr")
