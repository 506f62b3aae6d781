"""What a popup and a hover text show: escaped, formatted, translated values.

The layers of :mod:`gridmap.maps.layers` carry every value a popup shows already
escaped by :func:`escape_text`; the Leaflet elements of :mod:`gridmap.maps.leaflet`
only put them together. Each kind of record has its popup rows
(:data:`POPUP_COLUMNS`); canonical enum values (statuses, road classes, types)
are shown through :func:`gridmap.i18n.label`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from gridmap import i18n
from gridmap.errors import InputError

__all__ = [
    "POPUP_COLUMNS",
    "encode_column",
    "escape_text",
    "format_column",
    "is_missing",
    "kind_label",
    "popup_cells",
    "resolve_columns",
    "tips",
]

#: Popup rows by kind; a tuple of names shows the first column present.
POPUP_COLUMNS: dict[str, tuple[tuple[str, ...], ...]] = {
    "grid": (("code",), ("name",), ("community_name", "community"), ("workers", "worker"),
             ("phone",), ("households",), ("residents",), ("boards",), ("fitness",),
             ("bins",), ("open_issues",)),
    "community": (("name",), ("code",), ("street",), ("households",), ("residents",)),
    "board": (("name",), ("code",), ("board_type",), ("theme",), ("panels",), ("status",),
              ("last_inspected",), ("grid",), ("worker",)),
    "fitness": (("name",), ("code",), ("equipment_type",), ("condition",), ("status",),
                ("installed",), ("last_inspected",), ("grid",), ("worker",)),
    "bin": (("name",), ("code",), ("bin_type",), ("category",), ("capacity_l",), ("status",),
            ("last_inspected",), ("grid",), ("worker",)),
    "issue": (("code",), ("category",), ("subcategory",), ("description",), ("status",),
              ("reported_at",), ("deadline",), ("grid",), ("worker",)),
    "internet_cafe": (("name",), ("address",)),
    "entrance": (("name",), ("of",), ("compound",)),
    "school": (("name",), ("level",)),
    "compound": (("name",), ("code",), ("community",), ("households",), ("enclosed",)),
    "building": (("name",), ("code",), ("compound",), ("households",), ("floors",)),
    "road": (("name",), ("road_class",)),
}  # fmt: skip
_POPUP_DEFAULT: tuple[tuple[str, ...], ...] = (("name",), ("code",))
# Tooltip (hover) text: first column present.
_TIP_COLUMNS = ("name", "code", "category")
# Columns whose values are canonical enum values shown through i18n.label.
_ENUM_COLUMNS = frozenset(
    {"role", "road_class", "board_type", "bin_type", "category", "status", "condition",
     "level", "of", "action"}
)  # fmt: skip
_ISSUE_ENUM_COLUMNS = frozenset({"status"})  # issue categories are free text


def is_missing(value: object) -> bool:
    """Return whether ``value`` is ``None`` or NaN (a list, even empty, is a value).

    Parameters
    ----------
    value
        Any cell value.

    Returns
    -------
    bool
        ``True`` for ``None``, NaN, ``NaT`` and ``pd.NA``.
    """
    if value is None:
        return True
    if isinstance(value, (list, tuple, set, np.ndarray, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def escape_text(value: object) -> str:
    """Return ``value`` as text that is safe inside HTML and JavaScript template strings.

    ``html.escape`` plus entities for the backtick, ``$`` and backslash, so the text
    can neither open a tag nor an interpolation in a JS template literal.

    Parameters
    ----------
    value
        Any value; ``None`` and NaN give ``""``.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> escape_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_text("${x}`")
    '&#36;{x}&#96;'
    """
    if is_missing(value):
        return ""
    text = html.escape(str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _format_value(value: object, column: str, lang: str, *, enum: bool) -> str:
    """Format one cell for a popup and escape it."""
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return escape_text(i18n.t("value.yes" if value else "value.no", lang))
    if isinstance(value, (list, tuple, set, np.ndarray)):
        parts = [_format_value(v, column, lang, enum=enum) for v in value]
        return "、".join(p for p in parts if p)
    if isinstance(value, (pd.Timestamp, datetime)):
        ts = pd.Timestamp(value)
        if ts.tzinfo is None and (ts.hour, ts.minute, ts.second) == (0, 0, 0):
            return escape_text(i18n.format_date(ts.date()))  # a day read as a timestamp
        return escape_text(i18n.format_time(ts))
    if isinstance(value, date):
        return escape_text(value.isoformat())
    if isinstance(value, (float, np.floating)):
        number = float(value)
        if not math.isfinite(number):
            return ""
        return escape_text(str(int(number)) if number.is_integer() else f"{number:.2f}")
    if isinstance(value, np.integer):
        return escape_text(int(value))
    if enum:
        return escape_text(i18n.label(str(value), lang, field=column))
    return escape_text(value)


def format_column(series: pd.Series, column: str, lang: str, *, enum: bool) -> list[str]:
    """Format and escape a whole column, formatting each distinct hashable value once.

    Parameters
    ----------
    series
        The column.
    column
        Its name (the i18n field of enum values).
    lang
        Language of yes/no and enum labels.
    enum
        Whether the values are canonical enum values shown translated.

    Returns
    -------
    list of str
        One escaped text per row; ``""`` for missing values.
    """
    cache: dict[Any, str] = {}
    out = []
    for value in series.tolist():
        try:
            text = cache.get(value)
        except TypeError:  # unhashable (lists of worker names)
            out.append(_format_value(value, column, lang, enum=enum))
            continue
        if text is None:
            text = _format_value(value, column, lang, enum=enum)
            cache[value] = text
        out.append(text)
    return out


def resolve_columns(gdf: pd.DataFrame, kind: str, popup_columns: Sequence[str] | None) -> list[str]:
    """Return the popup columns: ``popup_columns``, else the kind's rows that are present.

    Parameters
    ----------
    gdf
        The layer's frame.
    kind
        Record kind (a key of :data:`POPUP_COLUMNS`).
    popup_columns
        Columns asked for, or ``None`` for the kind's defaults.

    Returns
    -------
    list of str
        Column names.

    Raises
    ------
    gridmap.errors.InputError
        If an asked-for column is not in the frame.
    """
    if popup_columns is not None:
        missing = [c for c in popup_columns if c not in gdf.columns]
        if missing:
            msg = f"popup columns not in the data: {', '.join(map(str, missing))}"
            raise InputError(msg)  # programmer error
        return list(popup_columns)
    chosen = []
    for alternatives in POPUP_COLUMNS.get(kind, _POPUP_DEFAULT):
        for column in alternatives:
            if column in gdf.columns:
                chosen.append(column)
                break
    return chosen


def _field_label(column: str, lang: str) -> str:
    key = f"field.{column}"
    return i18n.t(key, lang) if key in i18n.STRINGS else column


def popup_cells(
    gdf: pd.DataFrame, columns: Sequence[str], lang: str, kind: str
) -> tuple[list[str], list[list[str]]]:
    """Return escaped column headings and the escaped values of each column.

    Parameters
    ----------
    gdf
        The layer's frame.
    columns
        Popup columns (:func:`resolve_columns`).
    lang
        Language of headings and enum values.
    kind
        Record kind; issue categories are free text, other kinds' are enums.

    Returns
    -------
    tuple of (list of str, list of list of str)
        ``(headings, columns of values)``.
    """
    enum_cols = _ISSUE_ENUM_COLUMNS if kind == "issue" else _ENUM_COLUMNS
    heads = [escape_text(_field_label(c, lang)) for c in columns]
    cells = [format_column(gdf[c], c, lang, enum=c in enum_cols) for c in columns]
    return heads, cells


def tips(gdf: pd.DataFrame, lang: str, kind: str) -> list[str]:
    """Return the escaped hover text of each row (its name, code or category).

    Parameters
    ----------
    gdf
        The layer's frame.
    lang
        Language of enum values.
    kind
        Record kind.

    Returns
    -------
    list of str
        One text per row, all ``""`` when the frame has none of those columns.
    """
    enum_cols = _ISSUE_ENUM_COLUMNS if kind == "issue" else _ENUM_COLUMNS
    for column in _TIP_COLUMNS:
        if column in gdf.columns:
            return format_column(gdf[column], column, lang, enum=column in enum_cols)
    return [""] * len(gdf)


def kind_label(kind: str, lang: str) -> str:
    """Return the escaped name of a record kind, the popup text of a row with no values.

    Parameters
    ----------
    kind
        Record kind.
    lang
        Language.

    Returns
    -------
    str
        E.g. ``"宣传栏"``.
    """
    return escape_text(i18n.label(kind, lang, field="kind"))


def encode_column(values: list[str]) -> dict[str, list]:
    """Dictionary-encode a column when that makes it smaller.

    Parameters
    ----------
    values
        Escaped texts, one per point.

    Returns
    -------
    dict
        ``{"d": distinct, "i": index per point}`` or ``{"v": values}``.
    """
    codes: dict[str, int] = {}
    index = [codes.setdefault(v, len(codes)) for v in values]
    if len(codes) * 2 <= len(values):
        return {"d": list(codes), "i": index}
    return {"v": values}
