"""Header matching and cell conversion shared by every reader.

Headers are matched to the canonical columns of a :class:`gridmap.model.LayerSpec`
after Unicode NFKC normalisation (full-width brackets become ASCII), lower-casing
and removing spaces, ``_`` and ``-``. Cells are converted one *distinct* value at a
time, so a column of a million repeated enum values costs a handful of lookups.

Every converter raises :class:`ValueError` with a message a user understands; the
callers attach the file, row and column.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd

from gridmap.errors import InputError
from gridmap.model import Column, LayerSpec

__all__ = [
    "BOOL_FALSE",
    "BOOL_TRUE",
    "HeaderMatch",
    "converter",
    "describe_column",
    "header_lookup",
    "is_empty",
    "match_headers",
    "normalize_header",
    "pandas_dtype",
    "to_bool",
    "to_date",
    "to_datetime",
    "to_float",
    "to_int",
    "to_str",
]

#: Spellings accepted as true / false in ``bool`` columns (compared after normalising).
BOOL_TRUE = ("是", "true", "1", "y", "yes", "t", "对", "有", "√")
BOOL_FALSE = ("否", "false", "0", "n", "no", "f", "错", "无", "×")

#: Day 0 of Excel's 1900 date system (it counts the non-existent 1900-02-29).
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
#: Excel serials accepted as dates: 1927-05-18 .. 2173-10-14.
_EXCEL_MIN, _EXCEL_MAX = 10_000, 100_000
#: China Standard Time; aware datetimes are converted to it and stored naive.
_CST = dt.timezone(dt.timedelta(hours=8))

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*日\s*)(\d{1,2})(?:[:时点](\d{1,2}))?(?:[:分](\d{1,2}(?:\.\d+)?))?秒?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def normalize_header(text: object) -> str:
    """Return ``text`` as a key for matching headers and enum spellings.

    Parameters
    ----------
    text
        A header or cell value.

    Returns
    -------
    str
        NFKC-normalised, lower-cased, without spaces, ``_`` and ``-``.
    """
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s_\-]+", "", folded)


def is_empty(value: object) -> bool:
    """Return True for ``None``, NaN/NaT and blank strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value))


def _plain(value: object) -> object:
    """Turn numpy scalars and pandas timestamps into plain Python values."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _cell(value: object) -> str:
    """Return a cell's text for a message, cut to 40 characters."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _bad(key: str, value: object, **params: object) -> InputError:
    """Return the error for a cell ``value`` that does not convert (a ``ValueError``)."""
    return InputError.keyed(key, value=_cell(value), **params)


def to_str(value: object) -> str:
    """Convert a cell to text; whole floats lose their ``.0`` (codes, phone numbers)."""
    value = _plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _number_text(value: str) -> str:
    return value.strip().replace(",", "").replace("，", "").replace(" ", "")


def to_int(value: object) -> int:
    """Convert a cell to a whole number (``"1,200"`` and ``12.0`` are accepted)."""
    number = _to_int(_plain(value))
    if abs(number) >= 2**63:
        raise _bad("io.value.too_large", value)
    return number


def _to_int(value: object) -> int:
    if isinstance(value, bool):
        raise _bad("io.value.not_int", value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        if math.isfinite(value) and float(value).is_integer():
            return int(value)
        raise _bad("io.value.not_int", value)
    text = unicodedata.normalize("NFKC", str(value))
    number = _number_text(text)
    if _NUMBER_RE.match(number):
        as_float = float(number)
        if math.isfinite(as_float) and as_float.is_integer():
            return int(number) if number.lstrip("+-").isdigit() else int(as_float)
    raise _bad("io.value.not_int", value)


def to_float(value: object) -> float:
    """Convert a cell to a finite number."""
    value = _plain(value)
    if isinstance(value, Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # a whole number beyond any float (JSON allows it)
            raise _bad("io.value.too_large", value) from None
    else:
        text = _number_text(unicodedata.normalize("NFKC", str(value)))
        if not _NUMBER_RE.match(text):
            raise _bad("io.value.not_number", value)
        number = float(text)
    if not math.isfinite(number):
        raise _bad("io.value.not_finite", value)
    return number


_BOOLS = {normalize_header(v): True for v in BOOL_TRUE} | {
    normalize_header(v): False for v in BOOL_FALSE
}


def to_bool(value: object) -> bool:
    """Convert a cell to True/False (是/否, true/false, 1/0, y/n, yes/no)."""
    value = _plain(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, Real) and value in (0, 1):
        return bool(value)
    key = normalize_header(value)
    if key in _BOOLS:
        return _BOOLS[key]
    raise _bad("io.value.not_bool", value)


def _from_excel_serial(number: float) -> dt.datetime:
    return _EXCEL_EPOCH + dt.timedelta(days=number)


def _parse_datetime(value: object, *, what: str) -> dt.datetime:
    value = _plain(value)
    key = "io.value.bad_datetime" if what == "date and time" else "io.value.bad_date"
    shown = value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_CST).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and _EXCEL_MIN <= number <= _EXCEL_MAX:
            return _from_excel_serial(number)
        if float(number).is_integer() and 10_000_000 <= number <= 99_999_999:
            value = str(int(number))
        else:
            raise _bad(key, shown)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        if match := _DATE_RE.match(text):
            year, month, day, hour, minute, second = match.groups()
            sec = float(second or 0)
            return dt.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(sec),
                round((sec % 1) * 1e6),
            )
        if match := _COMPACT_DATE_RE.match(text):
            return dt.datetime(*(int(g) for g in match.groups()))
        if _NUMBER_RE.match(text):
            number = float(text)
            if _EXCEL_MIN <= number <= _EXCEL_MAX:
                return _from_excel_serial(number)
            raise _bad(key, shown)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise _bad(key, shown) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(_CST).replace(tzinfo=None)
    return parsed


def to_date(value: object) -> dt.date:
    """Convert a cell to a date (YYYY-MM-DD, YYYY/MM/DD, 2024年3月5日, YYYYMMDD, Excel serial)."""
    return _parse_datetime(value, what="date").date()


def to_datetime(value: object) -> dt.datetime:
    """Convert a cell to an aware datetime in China Standard Time (UTC+8).

    Times without a zone are field times, read as China time; times with a zone
    are converted to it. The store keeps them in UTC.
    """
    return _parse_datetime(value, what="date and time").replace(tzinfo=_CST)


def _enum_converter(column: Column) -> Callable[[object], str]:
    lookup: dict[str, str] = {}
    for canonical, spellings in column.choices.items():
        for spelling in (canonical, *spellings):
            lookup.setdefault(normalize_header(spelling), canonical)
    allowed = tuple(
        f"{canonical} ({next((s for s in spellings if not s.isascii()), spellings[0])})"
        if spellings
        else canonical
        for canonical, spellings in column.choices.items()
    )

    def convert(value: object) -> str:
        key = normalize_header(to_str(value))
        if key in lookup:
            return lookup[key]
        raise _bad("io.value.not_allowed", to_str(value), allowed=allowed)

    return convert


def converter(column: Column) -> Callable[[object], object]:
    """Return the function converting one non-empty cell to ``column``'s dtype.

    Parameters
    ----------
    column
        The canonical column.

    Returns
    -------
    callable
        ``f(value) -> converted``; raises :class:`ValueError` with a message.

    Raises
    ------
    KeyError
        If the column's dtype is unknown (a bug in :mod:`gridmap.model`).
    """
    if column.dtype == "enum":
        return _enum_converter(column)
    return {
        "str": to_str,
        "int": to_int,
        "float": to_float,
        "bool": to_bool,
        "date": to_date,
        "datetime": to_datetime,
    }[column.dtype]


def pandas_dtype(column: Column) -> str:
    """Return the pandas dtype of a converted column (nullable ints and bools)."""
    return {"int": "Int64", "float": "float64", "bool": "boolean"}.get(column.dtype, "object")


@dataclass
class HeaderMatch:
    """How a file's headers map to a layer's canonical columns.

    Attributes
    ----------
    mapping
        Canonical column -> the file's header used for it.
    duplicates
        ``(header, canonical, used_header)`` for headers that map to a column
        already taken by an earlier header.
    unmatched
        Headers that map to no column.
    """

    mapping: dict[str, str] = field(default_factory=dict)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


#: Aliases used only when no other header of the file means the same column.
_WEAK_ALIASES = frozenset({"社区"})


def header_lookup(spec: LayerSpec) -> dict[str, str]:
    """Return normalised header -> canonical column for ``spec`` (names before aliases)."""
    lookup: dict[str, str] = {}
    for col in spec.columns:
        lookup.setdefault(normalize_header(col.name), col.name)
    for col in spec.columns:
        for alias in col.aliases:
            lookup.setdefault(normalize_header(alias), col.name)
    return lookup


def match_headers(headers: Iterable[object], spec: LayerSpec) -> HeaderMatch:
    """Map ``headers`` to the canonical columns of ``spec``.

    A header that is exactly a canonical name wins over one that is an alias of
    the same column; otherwise the first header wins and the others are listed
    in :attr:`HeaderMatch.duplicates`.

    Parameters
    ----------
    headers
        The file's headers, in file order.
    spec
        The layer to map to.

    Returns
    -------
    HeaderMatch
    """
    lookup = header_lookup(spec)
    names = {normalize_header(c.name): c.name for c in spec.columns}
    result = HeaderMatch()
    headers = [str(h) for h in headers]
    # canonical names first, so "name" beats an earlier "名称"; weak aliases ("社区" as
    # a community's name) last, so they count only where no other header means the column
    order = sorted(
        range(len(headers)),
        key=lambda i: (
            normalize_header(headers[i]) not in names,
            normalize_header(headers[i]) in _WEAK_ALIASES,
        ),
    )
    for i in order:
        header = headers[i]
        canonical = lookup.get(normalize_header(header))
        if canonical is None:
            continue
        if canonical in result.mapping:
            result.duplicates.append((header, canonical, result.mapping[canonical]))
        else:
            result.mapping[canonical] = header
    result.unmatched = [h for h in headers if normalize_header(h) not in lookup]
    result.duplicates.sort(key=lambda d: headers.index(d[0]))
    return result


def describe_column(column: Column) -> str:
    """Return ``"name (alias, alias, ...)"`` for messages about a missing column."""
    if not column.aliases:
        return repr(column.name)
    return f"{column.name!r} (or {', '.join(column.aliases)})"
