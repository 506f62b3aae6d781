"""JSON text of failure columns, a column at a time.

A check run on a city has hundreds of thousands of failures; building a dict per
failure and handing the list to :mod:`json` is most of the time of writing its
report. The functions here encode whole columns instead: each distinct value of a
column of strings is escaped once (by the same C function :mod:`json` uses),
floats are rounded and written by ``float.__repr__`` (as :mod:`json` writes
them), and rows are assembled by one ``str.format`` call each. The text is the
text ``json.dumps(record, ensure_ascii=False)`` gives for the same record;
``tests/checks/test_checks_columnar.py`` holds the two side by side.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

import numpy as np

__all__ = ["float_cells", "is_absent", "json_cells", "object_cells", "row_texts"]

_ENCODE: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False).encode
_ESCAPE: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
_NONE = type(None)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else _ESCAPE(value)


def is_absent(values: Sequence[Any], absent: Any) -> list[bool]:
    """Return, for each value, whether it is the sentinel ``absent`` (one C-level pass)."""
    return list(map(operator.is_, values, repeat(absent)))


def json_cells(values: Sequence[Any], jsonable: Callable[[Any], Any]) -> list[str]:
    """Return each value as JSON text: ``_ENCODE(jsonable(value))``, faster where it can be.

    Strings and ``None`` (the common case: layers, ids, names, grids, messages)
    are escaped once per distinct value; other values go through ``jsonable``.
    """
    types = set(map(type, values))
    if types <= {str, _NONE}:
        if len(set(values[:1000])) > 900:  # mostly distinct (ids, messages): escape each
            return list(map(_text_or_null if _NONE in types else _ESCAPE, values))
        distinct = dict.fromkeys(values)
        distinct.pop(None, None)
        texts = dict(zip(distinct, map(_ESCAPE, distinct), strict=True))
        texts[None] = "null"  # type: ignore[index]
        return list(map(texts.__getitem__, values))
    if types <= {float, np.float64}:
        return float_cells(np.asarray(values, dtype=np.float64))
    if types <= {int}:
        return list(map(int.__repr__, values))
    return [_ENCODE(jsonable(v)) for v in values]


def float_cells(values: np.ndarray) -> list[str]:
    """Return floats as JSON text rounded to 3 decimals, ``null`` where not finite.

    The text of ``round(v, 3)``. That is ``k / 1000`` for the integer ``k``
    nearest to ``1000 v`` (IEEE division is correctly rounded, as is the
    decimal ``round`` returns), computed for the whole column; only a value
    whose ``1000 v`` lies too near a half to be sure of ``k``, or too large, is
    rounded one at a time by ``round``.
    """
    floats = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(floats)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = floats * 1000.0
        whole = np.rint(scaled)
        unsure = finite & (
            (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6 + np.abs(scaled) * 1e-12)
            | (np.abs(floats) >= 1e12)
        )
    rounded = (whole / 1000.0).tolist()
    for i in np.flatnonzero(unsure).tolist():
        rounded[i] = round(float(floats[i]), 3)
    if finite.all():
        return list(map(float.__repr__, rounded))
    return [float.__repr__(v) if ok else "null" for v, ok in zip(rounded, finite.tolist(),
                                                                 strict=True)]


def object_cells(
    columns: dict[str, np.ndarray], n: int, absent: Any, jsonable: Callable[[Any], Any]
) -> list[str]:
    """Return one JSON object per row from named columns, leaving out ``absent`` cells.

    The text of ``{name: jsonable(value) for each column whose row is not absent}``.
    """
    pieces = []
    sparse = False
    for name, col in columns.items():
        values = col.tolist()
        missing = is_absent(values, absent)
        head = _ESCAPE(str(name)) + ": "
        if any(missing):
            sparse = True
            present = [v for v, m in zip(values, missing, strict=True) if not m]
            cells = iter(json_cells(present, jsonable))
            pieces.append(["" if m else head + next(cells) for m in missing])
        else:
            pieces.append(list(map(head.__add__, json_cells(values, jsonable))))
    if not pieces:
        return ["{}"] * n
    if not sparse and all(_shared(p) for p in pieces):  # one object for every row
        return ["{" + ", ".join(p[0] for p in pieces) + "}"] * n
    if sparse:
        inner = [", ".join(filter(None, row)) for row in zip(*pieces, strict=True)]
    else:
        inner = list(map(", ".join, zip(*pieces, strict=True)))
    return list(map("{{{}}}".format, inner))


def _shared(cells: list[str]) -> bool:
    """Return whether every cell is the same text (a column that is one value)."""
    return bool(cells) and cells.count(cells[0]) == len(cells)


def row_texts(fields: Sequence[tuple[str, Sequence[str] | str]], n: int) -> list[str]:
    """Return one JSON object text per row from (name, cells) pairs.

    ``cells`` is a list of JSON texts (one per row) or one JSON text every row
    shares. The objects have the fields in the given order, written as
    :mod:`json` writes them (``", "`` and ``": "`` between).
    """
    parts, columns = [], []
    for name, cells in fields:
        head = _ESCAPE(name) + ": "
        if not isinstance(cells, str) and n and _shared(cells):
            cells = cells[0]  # the same text on every row: written into the template
        if isinstance(cells, str):
            parts.append((head + cells).replace("{", "{{").replace("}", "}}"))
        else:
            parts.append(head.replace("{", "{{").replace("}", "}}") + "{}")
            columns.append(cells)
    template = "{{" + ", ".join(parts) + "}}"
    if not columns:
        return [template.format()] * n
    return list(map(template.format, *columns))
