"""One grid head (网格长) per grid at a time: the rule the importer and validate share."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from gridmap.model import grid_head_overlaps

DAY0 = dt.date(2026, 1, 1)
_days = st.one_of(st.none(), st.integers(0, 60).map(lambda n: DAY0 + dt.timedelta(days=n)))
_rows = st.lists(
    st.tuples(
        st.sampled_from(["g1", "g2"]),
        st.sampled_from(["w1", "w2", "w3"]),
        st.sampled_from(["grid_head", "full_time"]),
        _days,
        _days,
    ),
    max_size=8,
)


def _overlap(a, b) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return (a[3] or lo) <= (b[4] or hi) and (b[3] or lo) <= (a[4] or hi)


@given(_rows)
def test_an_assignment_is_reported_iff_it_overlaps_an_earlier_head_of_another_worker(rows):
    found = grid_head_overlaps(*(list(c) for c in zip(*rows, strict=True))) if rows else []
    reported = {j for _, j, _, _ in found}
    for j, b in enumerate(rows):
        clash = b[2] == "grid_head" and any(
            a[2] == "grid_head" and a[0] == b[0] and a[1] != b[1] and _overlap(a, b)
            for a in rows[:j]
        )
        assert (j in reported) == clash
    for i, j, first, last in found:
        assert i < j and rows[i][0] == rows[j][0] and rows[i][1] != rows[j][1]
        # the shared days lie inside both periods
        for r in (rows[i], rows[j]):
            assert first is None or r[3] is None or first >= r[3]
            assert last is None or r[4] is None or last <= r[4]


def test_text_dates_and_timestamps_count_as_days():
    import pandas as pd

    found = grid_head_overlaps(
        ["g", "g"], ["a", "b"], ["grid_head"] * 2,
        [pd.Timestamp("2026-01-01"), "2026-05-01"], ["2026-06-30", None],
    )  # fmt: skip
    assert found == [(0, 1, dt.date(2026, 5, 1), dt.date(2026, 6, 30))]
    assert grid_head_overlaps(["g", "g"], ["a", "b"], ["grid_head"] * 2,
                              ["2026-01-01", "2026-07-01"], ["2026-06-30", None]) == []  # fmt: skip
