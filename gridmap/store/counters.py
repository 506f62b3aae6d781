"""Generated codes from per-prefix counters: issues ``AJ20261205001``, points ``B0000001``.

Every generated code is ``prefix`` + a number of at least ``digits`` digits (more
when the number needs them, so a day never runs out of report codes). The next
number of each prefix is kept in ``code_counters``; :func:`next_codes` advances it
in the caller's transaction. The row's write lock (PostgreSQL) or the write
transaction (SQLite ``BEGIN IMMEDIATE``) makes concurrent writers take numbers one
after the other, so two writers never generate the same code.

Codes stored as given (imported rows) are never changed and never block the
generator: a number whose code is already taken is skipped. The counter of a prefix
starts after the largest number already used with that prefix, so stores written
before the counters existed go on where they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, exc, insert, select, update
from sqlalchemy.engine import Connection

from gridmap.store import schema

__all__ = ["format_code", "next_codes"]

#: Above this many codes at once the taken codes of the prefix are read in one query.
_BULK = 500


def format_code(prefix: str, number: int, digits: int) -> str:
    """Return ``prefix`` + ``number`` padded to ``digits`` digits (never cut).

    Examples
    --------
    >>> format_code("AJ20261205", 7, 3), format_code("AJ20261205", 1001, 3)
    ('AJ20261205007', 'AJ202612051001')
    """
    return f"{prefix}{number:0{digits}d}"


def next_codes(
    conn: Connection,
    prefix: str,
    count: int,
    *,
    digits: int,
    column: Column[Any],
    given: Iterable[str] = (),
) -> list[str]:
    """Reserve ``count`` new codes of ``prefix`` that are not yet in ``column``.

    Parameters
    ----------
    conn
        The caller's write transaction: the codes are reserved when it commits
        (a rolled-back transaction gives its numbers back).
    prefix
        The code's fixed start, e.g. ``"AJ20261205"`` or ``"B"``.
    count
        How many codes.
    digits
        The least number of digits after the prefix.
    column
        The unique column the codes go into; codes already there are skipped.
    given
        Codes written with the new ones (an imported file's own codes): they are
        skipped too, and numbering goes on after the largest of them.

    Returns
    -------
    list of str
        ``count`` distinct codes in rising order.
    """
    given = set(given)
    pattern = _pattern(prefix)
    floor = max((int(m.group(1)) for c in given if (m := pattern.match(c))), default=0)
    out: list[str] = []
    taken_all: set[str] | None = None
    while len(out) < count:
        need = count - len(out)
        first = _reserve(conn, prefix, need, column, floor)
        candidates = [format_code(prefix, n, digits) for n in range(first, first + need)]
        if need > _BULK:
            if taken_all is None:
                taken_all = set(conn.execute(select(column).where(column.like(f"{prefix}%")))
                                .scalars())
            taken = taken_all
        else:
            taken = set(conn.execute(select(column).where(column.in_(candidates))).scalars())
        out += [c for c in candidates if c not in taken and c not in given]
    return out


def _reserve(conn: Connection, prefix: str, count: int, column: Column[Any], floor: int) -> int:
    """Advance the counter of ``prefix`` by ``count`` (from ``floor`` at least).

    Return the first reserved number.
    """
    t = schema.code_counters
    if floor:
        conn.execute(update(t).where(t.c.prefix == prefix, t.c.value < floor).values(value=floor))
    bump = update(t).where(t.c.prefix == prefix).values(value=t.c.value + count)
    if not conn.execute(bump).rowcount:
        start = max(floor, _largest_number(conn, prefix, column))
        try:
            with conn.begin_nested():
                conn.execute(insert(t).values(prefix=prefix, value=start))
        except exc.IntegrityError:
            pass  # another writer created it first: its row is now ours to bump
        conn.execute(bump)
    value = conn.execute(select(t.c.value).where(t.c.prefix == prefix)).scalar_one()
    return int(value) - count + 1


def _largest_number(conn: Connection, prefix: str, column: Column[Any]) -> int:
    """Return the largest number used after ``prefix`` in ``column`` (0 if none)."""
    pattern = _pattern(prefix)
    largest = 0
    for (code,) in conn.execute(select(column).where(column.like(f"{prefix}%"))):
        m = pattern.match(code or "")
        if m:
            largest = max(largest, int(m.group(1)))
    return largest


def _pattern(prefix: str) -> re.Pattern[str]:
    """Match a code of ``prefix`` and a number (at most 15 digits), capturing the number."""
    return re.compile(rf"^{re.escape(prefix)}(\d{{1,15}})$")
