"""JSON documents of many rows written a column at a time (the ``attrs`` of point imports).

A million imported boards each carry a small JSON object of their kind's
attributes. Building a dict per row and handing each to :func:`json.dumps`
(SQLAlchemy's JSON bind processor) is most of an import's time. Here each column
is encoded once per distinct value by the functions :mod:`json` itself uses, and
each row's object is joined from its cells: the text is the text
``json.dumps({name: value for each column whose value is not None})`` gives.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any

__all__ = ["JSONTexts", "bound", "object_texts"]

_ESCAPE: Callable[[str], str] = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


class JSONTexts(list):  # type: ignore[type-arg]
    """A column of JSON documents already written as text (``None``: SQL NULL).

    A slice is one too, so that a bulk insert can tell the column apart from
    values its JSON type would encode (again).
    """

    def __getitem__(self, index: Any) -> Any:
        got = super().__getitem__(index)
        return JSONTexts(got) if isinstance(index, slice) else got


def _as_is(text: str) -> str:
    return text


def bound(texts: JSONTexts, dialect: str) -> list[Any]:
    """Return the texts as a driver takes them for a JSON column of ``dialect``.

    SQLite stores the text itself; psycopg takes a ``Json`` whose text is given
    (what SQLAlchemy's bind processor makes, with the text already written).
    """
    if dialect != "postgresql":
        return texts
    from psycopg.types.json import Json

    return [None if t is None else Json(t, dumps=_as_is) for t in texts]


def _cells(values: Sequence[Any]) -> list[str]:
    """Return each value (never ``None``) as ``json.dumps`` writes it."""
    types = set(map(type, values))
    if types <= {str}:
        texts = {v: _ESCAPE(v) for v in dict.fromkeys(values)}
        return list(map(texts.__getitem__, values))
    if types <= {bool}:
        return ["true" if v else "false" for v in values]
    if types <= {int}:
        return list(map(int.__repr__, values))
    if types <= {float} and all(map(math.isfinite, values)):
        return list(map(float.__repr__, values))
    return list(map(json.dumps, values))


#: Rows encoded at a time: a million rows' pieces are never all held at once.
_CHUNK = 50_000


def object_texts(columns: Mapping[str, Sequence[Any]], n: int) -> JSONTexts:
    """Return, per row, ``json.dumps`` of the row's non-``None`` values by column name.

    A row with no value gets ``None`` (no document), not ``"{}"``.

    Parameters
    ----------
    columns
        Column name -> ``n`` values (``None``, or JSON-ready: str, int, bool, float,
        lists and dicts of those).
    n
        The number of rows.
    """
    if n > _CHUNK:
        out = JSONTexts()
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            out.extend(object_texts({k: v[start:stop] for k, v in columns.items()},
                                    stop - start))
        return out
    pieces: list[list[str]] = []
    for name, values in columns.items():
        head = json.dumps(str(name)) + ": "
        present = [i for i, v in enumerate(values) if v is not None]
        column = [""] * n
        if len(present) == n:
            column = list(map(head.__add__, _cells(values)))
        elif present:
            cells = _cells([values[i] for i in present])
            for i, cell in zip(present, map(head.__add__, cells), strict=True):
                column[i] = cell
        pieces.append(column)
    if not pieces:
        return JSONTexts(repeat(None, n))
    joined = [", ".join(filter(None, row)) for row in zip(*pieces, strict=True)]
    return JSONTexts([f"{{{inner}}}" if inner else None for inner in joined])
