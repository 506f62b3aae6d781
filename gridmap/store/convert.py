"""Value conversion between canonical layer frames and store rows.

Frame cells (as importers and spreadsheets deliver them: numbers as text, yes/no
words, dates as strings ...) become Python values of a column's dtype
(:func:`clean_column`, :func:`canonical_enum`); stored values come back as pandas
columns of the dtype :meth:`~gridmap.store.Store.read_layer` promises
(:func:`series_of`); :func:`jsonable` makes any column value JSON-safe for audit
rows and JSON attributes. No database access and no geometry calculations here.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pandas.api.types import pandas_dtype
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Boolean, Date, Integer

from gridmap.model import Column, is_missing
from gridmap.store.types import UTCDateTime

__all__ = [
    "CONVERTERS",
    "BadValueError",
    "canonical_enum",
    "clean_column",
    "jsonable",
    "quick_series",
    "series_of",
    "sql_dtype",
    "to_bool",
    "to_date",
    "to_datetime",
    "to_float",
    "to_int",
    "to_str",
]


class BadValueError(Exception):
    """A cell that cannot be converted; carries the 0-based row (store-internal).

    ``key`` and ``params`` name the message of :mod:`gridmap.messages`; ``message`` is its
    English text.
    """

    def __init__(self, index: int, key: str, **params: Any):
        from gridmap.messages import text

        self.index = index
        self.key = key
        self.params = params
        self.message = text(key, "en", **params)
        super().__init__(self.message)


_TRUE = {"true", "1", "yes", "y", "t", "是", "有", "√"}
_FALSE = {"false", "0", "no", "n", "f", "否", "无", "×"}


def to_bool(value: Any) -> bool:
    """Read yes/no (``True``, 1, "yes", "是", "√" ...); ``ValueError`` otherwise."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value)
    if isinstance(value, float | np.floating) and value in (0.0, 1.0):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise ValueError(value)


def to_int(value: Any) -> int:
    """Read a whole number (``"12"``, ``12.0``); ``ValueError`` for fractions and booleans."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(value)
    if isinstance(value, int | np.integer):
        return int(value)
    number = float(value.strip()) if isinstance(value, str) else float(value)
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


def to_float(value: Any) -> float:
    """Read a number; ``ValueError`` for booleans and text that is not a number."""
    if isinstance(value, bool | np.bool_):
        raise ValueError(value)
    return float(value.strip()) if isinstance(value, str) else float(value)


def to_date(value: Any) -> dt.date:
    """Read a date (date, datetime, ``numpy.datetime64`` or text)."""
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64 | str):
        return pd.Timestamp(value.strip() if isinstance(value, str) else value).date()
    raise ValueError(value)


def to_datetime(value: Any) -> dt.datetime:
    """Read a date and time (a date alone means midnight)."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64 | str):
        return pd.Timestamp(value.strip() if isinstance(value, str) else value).to_pydatetime()
    raise ValueError(value)


def to_str(value: Any) -> str:
    """Read text; whole numbers read as floats (spreadsheet codes) lose their ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))  # codes read as numbers by spreadsheets
    return str(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": to_str,
    "enum": to_str,
    "int": to_int,
    "float": to_float,
    "bool": to_bool,
    "date": to_date,
    "datetime": to_datetime,
}

#: Column types named in a refusal (``store.dtype.<type>`` messages); others read as text.
_DTYPE_NAMED = ("int", "float", "bool", "date", "datetime")


def python_list(series: pd.Series) -> list[Any]:
    """Values of ``series`` as Python objects, ``None`` for missing ones."""
    return series.astype(object).where(series.notna(), None).tolist()


def clean_column(series: pd.Series, column: Column) -> list[Any]:
    """Convert one frame column to Python values of the column's dtype.

    Raises ``BadValueError`` for the first cell that cannot be converted.
    """
    dtype = column.dtype
    # fast paths for plain numpy columns (nullable pandas dtypes hold pd.NA: converted below)
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else ""
    if dtype == "int" and kind and kind in "iu":
        return series.tolist()
    if dtype == "float" and kind and kind in "fiu":
        return [None if v != v else v for v in series.astype(float).tolist()]
    if dtype == "bool" and kind == "b":
        return series.tolist()
    if dtype == "date" and kind == "M":
        return python_list(series.dt.date)
    values = python_list(series)
    if dtype in ("str", "enum") and isinstance(series.dtype, pd.StringDtype):
        return values
    convert = CONVERTERS.get(dtype, to_str)
    out: list[Any] = []
    append = out.append
    for i, value in enumerate(values):
        if is_missing(value):
            append(None)
            continue
        if dtype in ("str", "enum") and isinstance(value, str):
            append(value)
            continue
        try:
            append(convert(value))
        except (ValueError, TypeError, OverflowError):
            kind = dtype if dtype in _DTYPE_NAMED else "str"
            raise BadValueError(
                i, "store.value_type", column=column.name, value=value, kind=kind
            ) from None
    return out


def _enum_lookup(column: Column) -> dict[str, str]:
    """Map every accepted spelling (case-folded) of an enum column to its canonical value."""
    lookup: dict[str, str] = {}
    for canonical, aliases in column.choices.items():
        for word in (canonical, *aliases):
            lookup.setdefault(word.strip().casefold(), canonical)
    return lookup


def canonical_enum(values: list[Any], column: Column) -> list[Any]:
    """Map enum spellings to canonical values; raise ``BadValueError`` for unknown ones."""
    if not column.choices:
        return values
    canonical = set(column.choices)
    if all(v is None or v in canonical for v in values):
        return values
    lookup = _enum_lookup(column)
    out = []
    for i, value in enumerate(values):
        if value is None or value in canonical:
            out.append(value)
            continue
        mapped = lookup.get(str(value).strip().casefold())
        if mapped is None:
            raise BadValueError(
                i, "store.value_enum", column=column.name, value=value,
                allowed=list(column.choices),
            )
        out.append(mapped)
    return out


def jsonable(value: Any) -> Any:
    """Return a JSON-safe form of a column value, for audit rows and JSON attributes."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, BaseGeometry):
        return shapely.to_wkt(value, rounding_precision=7, output_dimension=2)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return str(value)



def series_of(values: Sequence[Any], dtype: str) -> pd.Series:
    """Build a column of read_layer output with the pandas dtype for ``dtype``.

    Values all of the type a driver returns for the dtype go the quick way
    (:func:`quick_series`); others (numbers as text, a date's text ...) are converted
    by pandas, value by value.
    """
    quick = quick_series(values, dtype)
    return quick if quick is not None else _inferred_series(list(values), dtype)


def _inferred_series(values: list[Any], dtype: str) -> pd.Series:
    """:func:`series_of` by pandas' own conversion of each value (any value types)."""
    if dtype in ("str", "enum"):
        return pd.Series(values, dtype="str")
    if dtype == "int":
        return pd.Series(values, dtype="Int64")
    if dtype == "float":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if dtype == "bool":
        return pd.Series(values, dtype="boolean")
    if dtype == "date":
        return pd.Series([None if v is None else to_date(v) for v in values], dtype=object)
    if dtype == "datetime":
        return pd.Series(
            pd.to_datetime(values, utc=True, format="ISO8601") if values else [],
            dtype="datetime64[us, UTC]",
        )
    return pd.Series(values, dtype=object)


#: dtype -> the one Python type of its values that :func:`quick_series` takes (besides None).
_QUICK_TYPES: dict[str, type] = {
    "str": str,
    "enum": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": dt.date,
}


def quick_series(values: Sequence[Any], dtype: str) -> pd.Series | None:
    """Return :func:`series_of` built from whole arrays, or ``None`` where it cannot be.

    Only when every value is ``None`` or exactly of the type the drivers return for
    the dtype (``str`` for ``str``/``enum``, ``int``, ``float``, ``bool``,
    ``datetime.date``): then the column is made from one numpy (or, for pandas'
    pyarrow-backed ``str`` dtype, pyarrow) array instead of pandas inferring and
    converting each value, with the same dtype and the same values, on pandas 2 and 3.
    ``None`` for other value types, ints beyond 64 bits, text pyarrow refuses
    (lone surrogates) and timestamps: :func:`series_of` converts those.
    """
    wanted = _QUICK_TYPES.get(dtype)
    if wanted is None:
        return None
    types = set(map(type, values))
    if types - {wanted, type(None)}:
        return None
    try:
        if wanted is str:
            return _quick_str(values)
        if wanted is dt.date:
            return pd.Series(list(values), dtype=object)
        numpy_type = _NUMPY_TYPES[wanted]
        if type(None) in types:
            array = np.array(values, dtype=object)  # 1-D: the values are scalars
            mask = np.fromiter(map(operator.is_, values, repeat(None)), dtype=np.bool_,
                               count=len(values))  # a float NaN keeps its own bits
            # pandas' masked arrays hold 1 (Int64) and False (boolean) under the mask
            array[mask] = {int: 1, bool: False, float: np.nan}[wanted]
            data = array.astype(numpy_type)
        else:
            data = np.fromiter(values, dtype=numpy_type, count=len(values))
            mask = np.zeros(len(data), dtype=np.bool_)
    except (OverflowError, TypeError, ValueError):  # beyond int64; pyarrow's refusals
        return None
    if wanted is int:
        return pd.Series(pd.arrays.IntegerArray(data, mask))
    if wanted is bool:
        return pd.Series(pd.arrays.BooleanArray(data, mask))
    return pd.Series(data)


_NUMPY_TYPES: dict[type, type] = {int: np.int64, float: np.float64, bool: np.bool_}


def _quick_str(values: Sequence[Any]) -> pd.Series | None:
    """``pd.Series(values, dtype="str")`` for values that are all ``str`` or ``None``."""
    target = pandas_dtype("str")
    if isinstance(target, np.dtype) and target.kind == "U":  # pandas 2: objects
        return pd.Series(list(values), dtype=object)
    if isinstance(target, pd.StringDtype) and target.storage.startswith("pyarrow"):
        import pyarrow as pa  # there: pandas stores this dtype with it

        # one pyarrow array (None -> null) wrapped by pandas without a copy
        return pd.Series(pa.array(values, type=pa.large_string()), dtype=target)
    return None


def sql_dtype(column: Any) -> str:
    """read_layer dtype of a non-canonical table column."""
    if isinstance(column.type, Boolean):
        return "bool"
    if isinstance(column.type, UTCDateTime):
        return "datetime"
    if isinstance(column.type, Date):
        return "date"
    if isinstance(column.type, Integer):
        return "int"
    return "str"
