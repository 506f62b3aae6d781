"""One way to show a time: local (street zone), minutes, no offset, no microseconds (refs #17)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridmap import config
from gridmap.errors import InputError
from gridmap.i18n import format_date, format_frame, format_time, format_value

UTC = dt.UTC


def test_the_issue_example_becomes_local_minutes():
    when = dt.datetime(2026, 12, 5, 6, 0, 56, 488535, tzinfo=UTC)
    assert format_time(when) == "2026-12-05 14:00"
    assert format_time(pd.Timestamp(when)) == "2026-12-05 14:00"
    assert format_time("2026-12-07T06:30:00+00:00") == "2026-12-07 14:30"


def test_naive_times_are_utc_as_the_store_keeps_them():
    assert format_time(dt.datetime(2026, 12, 5, 0, 30)) == "2026-12-05 08:30"


def test_dates_roll_over_in_the_local_calendar():
    assert format_date(dt.datetime(2026, 12, 4, 16, 0, tzinfo=UTC)) == "2026-12-05"
    assert format_date(dt.datetime(2026, 12, 4, 15, 59, tzinfo=UTC)) == "2026-12-04"
    assert format_date(dt.date(2026, 12, 5)) == "2026-12-05"


def test_missing_values_are_blank_never_none():
    for missing in (None, pd.NaT, float("nan"), ""):
        assert format_time(missing) == ""
        assert format_date(missing) == ""
        assert format_value(missing) == ""


def test_another_zone_can_be_asked_for_or_set(tmp_path, monkeypatch):
    when = dt.datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    assert format_time(when, tz="Asia/Urumqi") == "2026-12-05 12:00"
    path = tmp_path / "gridmap.toml"
    path.write_text('[settings]\ntimezone = "Asia/Urumqi"\n', encoding="utf-8")
    monkeypatch.setenv("GRIDMAP_CONFIG", str(path))
    assert format_time(when) == "2026-12-05 12:00"


def test_an_unknown_zone_is_refused():
    with pytest.raises(InputError, match="Mars/Olympus"):
        config.street_zone("Mars/Olympus")


def test_frames_show_local_times_and_blanks():
    frame = pd.DataFrame(
        {
            "reported_at": pd.to_datetime(["2026-12-05 06:00:56.488535", None], utc=True),
            "closed": [dt.date(2026, 12, 6), None],
            "households": [407.0, float("nan")],
            "name": ["张三", None],
        }
    )
    shown = format_frame(frame)
    assert list(shown["reported_at"]) == ["2026-12-05 14:00", ""]
    assert list(shown["closed"]) == ["2026-12-06", ""]
    assert list(shown["households"]) == [407.0, ""]
    assert list(shown["name"]) == ["张三", ""]
    # for a data grid: numbers stay numbers (they sort as numbers), the rest as above
    grid = format_frame(frame, blank_numbers=False)
    assert grid["households"].dtype == float and grid["households"].isna().tolist() == [False, True]
    assert list(grid["reported_at"]) == ["2026-12-05 14:00", ""]


@given(st.datetimes(min_value=dt.datetime(1992, 1, 1), max_value=dt.datetime(2090, 1, 1)))
def test_every_time_has_one_shape_and_is_eight_hours_ahead(naive):
    # China has kept UTC+8 without summer time since 1992
    text = format_time(naive.replace(tzinfo=UTC), tz="Asia/Shanghai")
    assert len(text) == 16 and text[10] == " " and "+" not in text and "." not in text
    back = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    assert back == (naive + dt.timedelta(hours=8)).replace(second=0, microsecond=0)
