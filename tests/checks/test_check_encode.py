"""Column-wise JSON text of failures equals what :mod:`json` writes per value (refs #16)."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gridmap.checks import _encode
from gridmap.checks._context import ABSENT
from gridmap.checks.result import _jsonable

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['{a}', '"q"', "a\\b", "\u2028", "}, {", "网格长", "", "{0}"])
scalars = st.none() | texts | st.integers(-10**6, 10**6) | st.booleans() | st.floats()
values = scalars | st.lists(scalars, max_size=3) | st.dictionaries(texts, scalars, max_size=3)


def _dumps(value):
    return json.dumps(_jsonable(value), ensure_ascii=False)


@given(st.lists(values, max_size=30))
def test_json_cells_equal_json_dumps_per_value(column):
    assert _encode.json_cells(column, _jsonable) == [_dumps(v) for v in column]


@given(st.lists(st.none() | texts, max_size=30))
def test_strings_and_nulls_take_the_escape_path_and_equal_json(column):
    assert _encode.json_cells(column, _jsonable) == [_dumps(v) for v in column]


@given(st.lists(st.floats(), max_size=30))
def test_float_cells_round_to_three_decimals_and_write_null_for_nan(column):
    got = _encode.float_cells(np.array(column, dtype=np.float64))
    want = [json.dumps(round(v, 3)) if math.isfinite(v) else "null" for v in column]
    assert got == want


halves = st.integers(-10**12, 10**12).map(lambda k: (k + 0.5) / 1000)
near_halves = st.tuples(halves, st.integers(-3, 3)).map(lambda p: math.nextafter(
    p[0], math.copysign(math.inf, p[1])) if p[1] else p[0])


@given(st.lists(halves | near_halves | st.floats(-1e16, 1e16), max_size=30))
def test_float_cells_round_halves_as_round_does(column):
    """Values at or next to a half of the third decimal: the column-wise rounding is round's."""
    got = _encode.float_cells(np.array(column, dtype=np.float64))
    assert got == [json.dumps(round(v, 3)) for v in column]


@given(st.dictionaries(texts, st.lists(values | st.just(ABSENT), min_size=4, max_size=4),
                       max_size=4))
def test_object_cells_leave_out_absent_values(columns):
    arrays = {}
    for name, col in columns.items():
        arrays[name] = np.empty(4, dtype=object)
        arrays[name][:] = col
    rows = [{name: _jsonable(col[i]) for name, col in columns.items() if col[i] is not ABSENT}
            for i in range(4)]
    got = _encode.object_cells(arrays, 4, ABSENT, _jsonable)
    assert got == [json.dumps(row, ensure_ascii=False) for row in rows]


@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=6), st.integers(1, 5))
def test_row_texts_write_the_fields_in_order_with_braces_in_names_kept(pairs, n):
    fields = []
    for i, (name, text) in enumerate(pairs):
        cell = json.dumps(text, ensure_ascii=False)
        fields.append((name, cell if i % 2 else [cell] * n))
    got = _encode.row_texts(fields, n)
    want = "{" + ", ".join(f"{json.dumps(name, ensure_ascii=False)}: "
                           f"{json.dumps(text, ensure_ascii=False)}" for name, text in pairs) + "}"
    assert got == [want] * n


@given(st.lists(texts, min_size=5, max_size=40), st.booleans())
def test_a_column_of_mostly_distinct_texts_equals_json(pieces, with_none):
    """More than 900 distinct values in the first 1,000 take the escape-each path."""
    column = [f"{i}{pieces[i % len(pieces)]}" for i in range(1500)]
    if with_none:
        column[7] = column[1200] = None
    assert _encode.json_cells(column, _jsonable) == [_dumps(v) for v in column]
