"""report/history.py on synthetic run folders and hand-built histories: a version change is
marked like a model change, and the chart draws what each point is (a gap for a run with no
verdict, a ring on a significant change) with every vendor text escaped."""

from __future__ import annotations

import json
from pathlib import Path

from agentcheck.report.history import (
    History,
    Point,
    RunInfo,
    VendorHistory,
    build_history,
    history_chart,
    history_html,
    history_markdown,
    history_text,
)

from ..helpers.report_fixtures import make_records, write_run

HOSTILE = '<script>alert(1)</script>"&'


def test_a_version_change_is_marked_like_a_model_change(tmp_path: Path) -> None:
    records = make_records({"acme": 0.9}, trials=2)
    write_run(tmp_path / "a", records, ["acme"], trials=2, versions={"acme": "2026.1"})
    write_run(tmp_path / "b", records, ["acme"], trials=2, versions={"acme": "2026.2"})
    run_b = json.loads((tmp_path / "b" / "run.json").read_text())
    run_b["started_at"] = "2026-04-01T00:00:00+00:00"
    (tmp_path / "b" / "run.json").write_text(json.dumps(run_b))
    h = build_history([tmp_path])
    first, second = h.vendors[0].points
    assert (first.version, second.version) == ("2026.1", "2026.2")
    assert not first.model_changed and second.model_changed
    assert second.profile_changes == {"version": ["2026.1", "2026.2"]}
    # the same trials: nothing changed but the version
    assert second.change == "no significant change" and second.score_change == 0
    assert "version '2026.1' -> '2026.2'" in history_text(h)
    assert "acme-model (2026.2) (changed)" in history_markdown(h)


def _point(run: int, score: float | None, **kw: object) -> Point:
    return Point(run=run, started_at=f"2026-0{run + 1}-01T00:00:00+00:00", score=score,
                 score_ci=None if score is None else [max(0, score - 20), min(100, score + 10)],
                 tier=None if score is None else (3 if score > 50 else 0),
                 tier_name=None if score is None else "t",
                 no_verdict="unavailable (connection: 9 of 10 trials)" if score is None else None,
                 flags=[], completion_rate=None, model="m", version=None,
                 **kw)  # type: ignore[arg-type]


def test_the_chart_draws_each_kind_of_point_and_escapes_names() -> None:
    points = [_point(0, 90.0), _point(1, None, previous_run=0, change="not comparable"),
              _point(2, 85.0, previous_run=1, model_changed=True,
                     profile_changes={"model": ["m", "m2"]}),
              _point(3, 10.0, previous_run=2, significant=True, p_adjusted=0.01,
                     change="significantly worse")]
    h = History([RunInfo(f"/r/run{i}", f"2026-0{i + 1}-01T00:00:00+00:00", "0.1.0", 1, 3, True)
                 for i in range(4)], [VendorHistory(HOSTILE, points)], [], [8, 8, 8])
    svg = history_chart(h, h.vendors[0], "#4e79a7")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count(">no verdict<") == 1  # the gap, not a point at 0
    assert svg.count('r="9"') == 1  # one ring: the one significant change
    assert "model changed" in svg
    assert "nan" not in svg.lower()
    page = history_html(h)
    assert "<script>" not in page and page.count("<svg") == 1
