"""report.html: one self-contained file. Static checks here; the browser tests open it in
headless Chromium (driven over the DevTools protocol, tests/report_browser.py) and check that it
renders with no console error and no network request, that the charts are visible, that the
evidence drill-down opens, and that vendor text cannot run as script."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..helpers.browser import Chromium, find_chromium
from ..helpers.paths import ROOT, SCENARIOS
from ..helpers.report_fixtures import HOSTILE, VENDORS, rendered_run

CHART_SECTIONS = ("scores", "profile", "business", "reliability", "scenarios")
CHROMIUM = find_chromium()
browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium; "
                             ".ci/run installs it)")


@pytest.fixture(scope="module")
def synth_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rendered_run(tmp_path_factory.mktemp("html") / "run")


def failed_count(folder: Path) -> int:
    lines = (folder / "trials.jsonl").read_text().splitlines()
    return sum(1 for line in lines if not json.loads(line)["passed"])


# --- static ---------------------------------------------------------------------------------

def test_html_is_self_contained(synth_run: Path) -> None:
    html = (synth_run / "report.html").read_text()
    assert html.startswith("<!doctype html>")
    for needle in ("<link", "@import", "url(", 'src="http', "src='http", 'href="http',
                   "<iframe", "<object", "<embed", "<img"):
        assert needle not in html, needle
    assert len(re.findall(r"<script\b", html)) == 1 and len(re.findall(r"<style\b", html)) == 1
    assert html.count("<svg") >= len(CHART_SECTIONS) + len(VENDORS)  # charts + tier badges


def test_csp_allows_only_this_files_own_style_and_script(synth_run: Path) -> None:
    html = (synth_run / "report.html").read_text()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1)
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert body
        digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp.group(1)


def test_every_failed_trial_has_a_drilldown(synth_run: Path) -> None:
    html = (synth_run / "report.html").read_text()
    assert html.count('<details class="trial"') == failed_count(synth_run)
    assert "claimed &#x27;refunded&#x27; but no successful refund_order call" in html


def test_vendor_text_is_escaped(synth_run: Path) -> None:
    html = (synth_run / "report.html").read_text()
    assert HOSTILE not in html and "<script>window" not in html
    assert 'onerror="window' not in html and "<svg onload" not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html


# --- in the browser ---------------------------------------------------------------------------

@contextlib.contextmanager
def open_report(path: Path) -> Iterator[Chromium]:
    """A fresh headless Chromium showing path."""
    assert CHROMIUM
    with Chromium(CHROMIUM) as b:
        b.open(path.resolve().as_uri())
        b.js("new Promise(r => setTimeout(r, 300))")  # let late errors (CSP reports) arrive
        yield b


@browser
@needs_chromium
def test_the_error_detector_itself_sees_errors_and_requests(tmp_path: Path) -> None:
    """A control: the checks below would be worthless if the driver missed these."""
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><p>x</p><img src="http://127.0.0.1:2/pixel.png">'
                    '<script>console.error("boom"); undefined_function();</script>')
    with open_report(page) as b:
        errors = " ".join(b.console_errors())
        assert "boom" in errors and "undefined_function" in errors
        assert "http://127.0.0.1:2/pixel.png" in b.requests()


@browser
@needs_chromium
def test_renders_with_no_console_error_no_network_and_no_injected_script(
        synth_run: Path) -> None:
    with open_report(synth_run / "report.html") as b:
        assert b.console_errors() == []
        assert b.requests() == [(synth_run / "report.html").resolve().as_uri()]
        assert b.js("typeof window.__pwned") == "undefined"
        assert b.js("document.scripts.length") == 1
        assert b.js("document.images.length") == 0
        assert b.js("document.title") == "agentcheck results"


@browser
@needs_chromium
def test_charts_and_tier_badges_are_visible(synth_run: Path) -> None:
    with open_report(synth_run / "report.html") as b:
        for section in CHART_SECTIONS:
            box = b.js(f"""(() => {{
                const svg = document.querySelector('#{section} svg.chart');
                const r = svg.getBoundingClientRect(), st = getComputedStyle(svg);
                return {{w: r.width, h: r.height, shown: st.display !== 'none'
                         && st.visibility === 'visible',
                         marks: svg.querySelectorAll('rect, circle, polyline').length}};
            }})()""")
            assert box["shown"] and box["w"] > 300 and box["h"] > 80, (section, box)
            assert box["marks"] >= len(VENDORS), (section, box)
        badges = b.js("""[...document.querySelectorAll('#verdict svg.badge')].map(s => {
            const r = s.getBoundingClientRect(); return [r.width, r.height,
            s.textContent.trim()]; })""")
        assert len(badges) == len(VENDORS)
        assert all(w > 40 and h > 10 and text.startswith("Tier") for w, h, text in badges)
        cells = b.js("document.querySelectorAll('#scenarios svg rect').length")
        assert cells >= len(VENDORS) * 8


@browser
@needs_chromium
def test_evidence_drilldown_opens_on_click(synth_run: Path) -> None:
    with open_report(synth_run / "report.html") as b:
        chatty = "#evidence details.vendor:nth-of-type(3)"
        assert b.js(f"document.querySelector('{chatty} > summary').textContent"
                    ).startswith("chatty:")
        assert b.js(f"document.querySelector('{chatty} .check').checkVisibility()") is False
        b.click(f"{chatty} > summary")
        b.click(f"{chatty} details.trial > summary")
        assert b.js(f"document.querySelector('{chatty} details.trial').open") is True
        shown = b.js(f"""(() => {{ const body = document.querySelector(
            '{chatty} details.trial .trial-body');
            return [body.checkVisibility(), body.offsetHeight, body.innerText]; }})()""")
        assert shown[0] is True and shown[1] > 100
        assert "claimed 'refunded' but no successful refund_order call" in shown[2]
        assert "TOOL CALLS (0)" in shown[2].upper() and "TRANSCRIPT" in shown[2].upper()
        beta = "#evidence details.vendor:nth-of-type(2)"
        b.click(f"{beta} > summary")
        b.click(f"{beta} details.trial > summary")
        calls = b.js(f"(() => {{ const t = document.querySelector('{beta} details.trial "
                     "table.calls'); return [t.checkVisibility(), t.innerText]; })()")
        assert calls[0] is True
        assert "refund_order" in calls[1] and "503 payments unavailable" in calls[1]
        # the toolbar's script works: expand all opens every trial, collapse all closes them
        b.click("#expand-all")
        total, opened = b.js("""[document.querySelectorAll('#evidence details.trial').length,
            document.querySelectorAll('#evidence details.trial[open]').length]""")
        assert total == opened == failed_count(synth_run)
        b.click("#collapse-all")
        assert b.js("document.querySelectorAll('#evidence details[open]').length") == 0
        assert b.console_errors() == []


@browser
@needs_chromium
def test_a_real_run_renders_in_the_browser(tmp_path: Path) -> None:
    """The demo vendors through the CLI: real records, real evidence."""
    out = tmp_path / "run"
    res = subprocess.run([sys.executable, "-m", "agentcheck.cli", "run", "--out", str(out),
                          "--seed", "3", "--trials", "2", "--quiet", "--scenarios",
                          str(SCENARIOS / "customer-service" / "refund-damaged-order.yaml")],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    with open_report(out / "report.html") as b:
        assert b.console_errors() == []
        assert b.requests() == [(out / "report.html").resolve().as_uri()]
        b.click("#evidence details.vendor:nth-of-type(2) > summary")
        b.click("#evidence details.vendor:nth-of-type(2) details.trial > summary")
        text = b.js("document.querySelector('#evidence details.vendor:nth-of-type(2) "
                    "details.trial .trial-body').innerText")
        # the claim check's reason, whatever its exact wording: the chatbot said it was done
        assert "CLAIM" in text and re.search(r"claimed the \w+ was done", text), text
