"""Answer checks on dates and times: a check expecting a date passes whatever form the reply
writes it in (ISO, 3 May 2026, May 3, 2026, 2026/5/3, 5月3日, 2026年5月3日, Minguo and Reiwa
years), an expected value written out in full is the same date, a moment needs its day and its
time of day; and the wrong date fails in every form."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcheck.judge.answers import mentions, written_date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def forms(day: dt.date) -> list[str]:
    """A date as replies in the supported languages write it, each with its year."""
    y, m, d, name = day.year, day.month, day.day, MONTHS[day.month - 1]
    out = [day.isoformat(), f"{d} {name} {y}", f"{name} {d}, {y}", f"{y}/{m}/{d}",
           f"{y}年{m}月{d}日", f"{d} {name[:3]} {y}", f"{name[:3]}. {d}, {y}",
           f"{d} de {('enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre')[m - 1]} de {y}",  # noqa: E501
           f"{y}년 {m}월 {d}일", f"{d:02d}.{m:02d}.{y}", f"{d} {name}, {y}",
           f"{d}{'th' if 4 <= d % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th')}"
           f" of {name} {y}"]
    if y > 2011:
        out += [f"民國{y - 1911}年{m}月{d}日", f"{y - 1911}/{m:02d}/{d:02d}"]
    if y >= 2020:
        out.append(f"令和{y - 2018}年{m}月{d}日")
    return out


@pytest.mark.parametrize("written", [
    *forms(dt.date(2026, 5, 3)), "5月3日", "5月3號", "May 3", "3 May", "Sunday, May 3rd, 2026",
    "3. Mai 2026",
])
def test_the_date_passes_in_every_form(written: str) -> None:
    assert mentions(f"The delivery is now set for {written}.", "2026-05-03")


@pytest.mark.parametrize("wrong", ["2026-05-04", "2026-06-03", "2027-05-03", "2026-03-05"])
@pytest.mark.parametrize("form", range(len(forms(dt.date(2026, 5, 3)))))
def test_a_wrong_date_fails_in_every_form(wrong: str, form: int) -> None:
    written = forms(dt.date.fromisoformat(wrong))[form]
    assert not mentions(f"The delivery is now set for {written}.", "2026-05-03"), written


@pytest.mark.parametrize("expected", ["3 May 2026", "May 3, 2026", "2026/5/3", "2026年5月3日",
                                      "3rd of May 2026"])
def test_an_expected_date_written_out_is_the_same_date(expected: str) -> None:
    assert written_date(expected) == "2026-05-03"
    assert mentions("Rebooked for 2026-05-03.", expected)
    assert mentions("Rebooked for 5月3日.", expected)
    assert not mentions("Rebooked for 2026-05-13.", expected)


@pytest.mark.parametrize("text", ["May 33, 2026", "Feb 30, 2026", "Smarch 3, 2026", "2026"])
def test_what_is_not_a_date_is_compared_as_text(text: str) -> None:
    assert written_date(text) is None


@pytest.mark.parametrize(("reply", "passes"), [
    ("Your appointment is on May 4 at 2:30 pm.", True),
    ("Your appointment: 2026-05-04 14:30.", True),
    ("Rendez-vous le 4 mai 2026 à 14h30.", True),
    ("已預約 5月4日 下午2:30。", True),
    ("予約は2026年5月4日14時30分です。", True),
    ("已預約 5月4日下午2點半。", True),
    ("Your appointment is on May 4 at 2:30 am.", False),  # the wrong half of the day
    ("Your appointment is on May 4 at 4:30 pm.", False),
    ("Your appointment is on May 5 at 2:30 pm.", False),  # the wrong day
    ("Your appointment is on May 4.", False),  # the time left out
    ("Your appointment is at 14:30.", False),  # the day left out
])
def test_a_moment_needs_its_day_and_its_time(reply: str, passes: bool) -> None:
    assert mentions(reply, "2026-05-04T14:30:00-04:00") is passes


def test_a_moment_on_the_hour() -> None:
    assert mentions("Booked for May 4 at 9 am.", "2026-05-04T09:00:00+08:00")
    assert mentions("已預約5月4日上午9點。", "2026-05-04T09:00:00+08:00")
    assert not mentions("Booked for May 4 at 9 pm.", "2026-05-04T09:00:00+08:00")


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.data())
@settings(max_examples=200, deadline=None)
def test_any_form_of_a_date_matches_it_and_no_other(day: dt.date, other: dt.date,
                                                    data: st.DataObject) -> None:
    written = data.draw(st.sampled_from(forms(day)))
    assert mentions(f"Due {written}.", day.isoformat()), written
    if other != day:
        assert not mentions(f"Due {written}.", other.isoformat()), (written, other)
