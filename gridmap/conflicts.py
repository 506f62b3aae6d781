"""What the other person changed when the store refused a stale version.

Every versioned write (:meth:`gridmap.store.Store.update`, issue moves ...) raises
:class:`~gridmap.errors.ConflictError` when somebody else saved the row after the
writer read it; the error names the table, the row and both versions. Every such
save also wrote an audit row with the row before and after.
:func:`other_change` reads those audit rows and returns who changed the row, when,
and each field's value as the writer read it and as it is now, so a page can tell
the user (see ``pages/_shared.conflict_notice``) and offer to reload the other
version or apply the user's change on top of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gridmap.errors import ConflictError

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = ["FieldChange", "OtherChange", "changed_values", "other_change"]

#: Columns every save changes: not worth telling.
_BOOKKEEPING = {"version", "updated_at", "created_at", "id"}


@dataclass(frozen=True)
class FieldChange:
    """One field the other person changed: its value as read and as stored now."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class OtherChange:
    """The saves made to one row since the writer read it (from the audit log).

    ``who`` lists the users in the order they saved; ``at`` is the time of the last
    save (UTC); ``deleted`` is true when the row was deleted; ``fields`` holds each
    changed field (the ``attrs`` of point records field by field).
    """

    table: str
    row_id: int
    read_version: int
    current_version: int | None
    who: tuple[str, ...]
    at: dt.datetime | None
    fields: tuple[FieldChange, ...]
    deleted: bool = False


def _flat(row: dict[str, Any] | None) -> dict[str, Any]:
    """Row fields with the ``attrs`` JSON of point records spread out."""
    out: dict[str, Any] = {}
    for key, value in (row or {}).items():
        if key == "attrs" and isinstance(value, dict):
            out.update(value)
        elif key not in _BOOKKEEPING:
            out[key] = value
    return out


def _version(row: Any) -> int | None:
    if isinstance(row, dict) and isinstance(row.get("version"), int):
        return int(row["version"])
    return None


def other_change(store: Store, error: ConflictError) -> OtherChange | None:
    """Return what was saved to the row of ``error`` after the writer read it.

    Parameters
    ----------
    store
        The store that refused the write.
    error
        The :class:`~gridmap.errors.ConflictError` it raised (it names the table,
        the row and the version the writer read).

    Returns
    -------
    OtherChange or None
        ``None`` when the error does not name a row or the audit log holds no save
        of it after the version read (e.g. the row was changed outside gridmap).
        ``fields`` compares the row as it was at the version read with the row
        now (fields changed back and forth are left out).
    """
    if error.table is None or error.row_id is None or error.read_version is None:
        return None
    log = store.read_audit(table=error.table, row_id=error.row_id, limit=None)
    if log.empty:
        return None
    log = log.sort_values("id")
    read = int(error.read_version)
    saves = []
    for rec in log.to_dict("records"):
        before_v = _version(rec["before"])
        if rec["action"] in ("insert", "import"):
            continue
        if before_v is not None and before_v >= read:
            saves.append(rec)
    if not saves:
        return None
    first, last = saves[0], saves[-1]
    before, after = _flat(first["before"]), _flat(last["after"])
    deleted = last["after"] is None
    names = [k for k in before if k != "geom"] + [k for k in after if k not in before]
    fields = [
        FieldChange(name, before.get(name), after.get(name))
        for name in names
        if not deleted and before.get(name) != after.get(name)
    ]
    if not deleted and before.get("geom") != after.get("geom") and "geom" in after:
        fields.append(FieldChange("geom", before.get("geom"), after.get("geom")))
    who: list[str] = []
    for rec in saves:
        name = rec["username"] or "?"
        if name not in who:
            who.append(name)
    at = last["at"]
    return OtherChange(
        table=error.table,
        row_id=int(error.row_id),
        read_version=read,
        current_version=error.current_version,
        who=tuple(who),
        at=None if at is None else at.to_pydatetime(),
        fields=tuple(fields),
        deleted=deleted,
    )


def _same(entry: Any, read: Any) -> bool:
    """Whether a form entry equals the value as read (blank is blank; 3 == 3.0; "3" == 3)."""
    if entry in (None, "") and read in (None, ""):
        return True
    if isinstance(entry, bool) or isinstance(read, bool):
        return bool(entry) == bool(read)
    if isinstance(entry, int | float) and isinstance(read, int | float):
        return float(entry) == float(read)
    return entry == read or str(entry) == str(read)


def changed_values(entered: Mapping[str, Any], read: Mapping[str, Any]) -> dict[str, Any]:
    """Return the entries of a form that differ from the record as the user read it.

    Saving only these, a change applied again after a refused stale save keeps what
    the other person changed in the fields the user left alone. An entry the read
    record does not hold counts as changed.

    Examples
    --------
    >>> changed_values({"name": "张三", "households": 3.0, "note": ""},
    ...                {"name": "张三", "households": 3, "note": None})
    {}
    >>> changed_values({"households": 4, "status": "ok"}, {"households": 3})
    {'households': 4, 'status': 'ok'}
    """
    return {k: v for k, v in entered.items() if k not in read or not _same(v, read[k])}
