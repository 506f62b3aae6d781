"""Deadline arithmetic in working hours across lunch, nights, weekends and holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.errors import InputError
from gridmap.issues.deadlines import (
    TimeLimit,
    WorkingHours,
    add_hours,
    deadline_for,
    hours_between,
)

SH = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


# 2026-11-06 is a Friday, 2026-11-09 the Monday after.


def test_four_working_hours_from_friday_afternoon_end_monday_noon():
    end = add_hours(local(2026, 11, 6, 17, 0), 4, working=True)
    assert end == local(2026, 11, 9, 12, 0)
    assert end.tzinfo == dt.UTC


def test_reported_on_saturday_starts_monday_morning():
    assert add_hours(local(2026, 11, 7, 10, 0), 4, working=True) == local(2026, 11, 9, 14, 30)


def test_night_report_starts_next_morning():
    assert add_hours(local(2026, 11, 3, 22, 0), 2, working=True) == local(2026, 11, 4, 11, 0)


def test_lunch_break_does_not_count():
    assert add_hours(local(2026, 11, 3, 11, 30), 1, working=True) == local(2026, 11, 3, 14, 0)


def test_limit_used_up_at_the_end_of_a_period_ends_there():
    assert add_hours(local(2026, 11, 6, 16, 0), 2, working=True) == local(2026, 11, 6, 18, 0)


def test_calendar_hours_run_through_the_weekend():
    assert add_hours(local(2026, 11, 6, 17, 0), 48, working=False) == local(2026, 11, 8, 17, 0)


def test_holidays_and_extra_workdays():
    calendar = WorkingHours(
        holidays=frozenset({dt.date(2026, 11, 9)}), extra_workdays=frozenset({dt.date(2026, 11, 8)})
    )
    # Friday 17:00 + 4 h: 1 h Friday, Sunday is worked (调休): 3 h Sunday morning
    assert add_hours(local(2026, 11, 6, 17, 0), 4, working=True, calendar=calendar) == local(
        2026, 11, 8, 12, 0
    )
    # Monday is a holiday: Sunday 18:00 + 1 h = Tuesday 10:00
    assert add_hours(local(2026, 11, 8, 18, 0), 1, working=True, calendar=calendar) == local(
        2026, 11, 10, 10, 0
    )


def test_custom_periods_and_days():
    calendar = WorkingHours(days=(1, 2, 3, 4, 5, 6), periods=((dt.time(8, 0), dt.time(12, 0)),))
    assert add_hours(local(2026, 11, 6, 11, 0), 2, working=True, calendar=calendar) == local(
        2026, 11, 7, 9, 0
    )


def test_hours_between_counts_working_hours():
    assert hours_between(local(2026, 11, 6, 17, 0), local(2026, 11, 9, 12, 0), working=True) == 4
    assert hours_between(local(2026, 11, 9, 12, 0), local(2026, 11, 6, 17, 0), working=True) == -4
    assert hours_between(local(2026, 11, 6, 17, 0), local(2026, 11, 9, 12, 0), working=False) == 67


def test_naive_times_are_utc():
    assert add_hours(dt.datetime(2026, 11, 6, 9, 0), 4, working=True) == local(2026, 11, 9, 12, 0)


def test_deadline_for_a_limit():
    assert deadline_for(local(2026, 11, 6, 17, 0), TimeLimit(4, working=True)) == local(
        2026, 11, 9, 12, 0
    )
    assert deadline_for(local(2026, 11, 6, 17, 0), TimeLimit(2)) == local(2026, 11, 6, 19, 0)


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf"), "x"])
def test_bad_hours_refused(hours):
    with pytest.raises(InputError):
        add_hours(local(2026, 11, 6, 17, 0), hours, working=True)


def test_bad_calendars_refused():
    with pytest.raises(InputError, match="time zone"):
        WorkingHours(timezone="Mars/Olympus")
    with pytest.raises(InputError, match="weekdays"):
        WorkingHours(days=(0, 8))
    with pytest.raises(InputError, match="periods"):
        WorkingHours(periods=((dt.time(12), dt.time(9)),))
    with pytest.raises(InputError, match="no working time"):
        add_hours(local(2026, 11, 6, 17, 0), 1, working=True, calendar=WorkingHours(days=()))


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 10),
)
def test_hours_between_inverts_add_hours(start, minutes):
    hours = minutes / 60
    begin = start.replace(tzinfo=dt.UTC)
    end = add_hours(begin, hours, working=True)
    assert end >= begin
    assert hours_between(begin, end, working=True) == pytest.approx(hours, abs=1e-6)
    if hours > 0:  # a deadline always falls inside working time
        end_local = end.astimezone(SH)
        assert end_local.isoweekday() <= 5
        assert dt.time(9) < end_local.time() <= dt.time(12) or (
            dt.time(13, 30) < end_local.time() <= dt.time(18)
        )
