"""What the other person changed when the store refused a stale version.

Every versioned write (:meth:`gridmap.store.Store.update`, issue moves ...) raises
:class:`~gridmap.errors.ConflictError` when somebody else saved the row after the
writer read it; the error names the table, the row and both versions. Every such
save also wrote an audit row with the row before and after.
:func:`other_change` reads those audit rows and returns who changed the row, when,
and each field's value as the writer read it and as it is now, so a page can tell
the user (see ``pages/_shared.conflict_notice``) and offer to reload the other
version or apply the user's change on top of it. :func:`conflict_title`,
:func:`change_rows` and :func:`plan_text` say it; :func:`remember_read`,
:func:`read_values` and :func:`forget_reads` keep the version each open form was read at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gridmap import i18n
from gridmap.errors import ConflictError
from gridmap.model import ENUM_COLUMNS

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "FieldChange",
    "OtherChange",
    "change_rows",
    "changed_values",
    "conflict_title",
    "field_text",
    "forget_reads",
    "other_change",
    "plan_text",
    "read_values",
    "remember_read",
    "value_text",
]

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


# --- what the user is told ---------------------------------------------------------------


def field_text(name: str, lang: str) -> str:
    """Return a field's name as a conflict's table shows it.

    Parameters
    ----------
    name
        A canonical field name.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        Its ``field.<name>`` text, or the name itself when there is none.

    Examples
    --------
    >>> field_text("households", "en"), field_text("no_such_field", "en")
    ('Households', 'no_such_field')
    """
    text = i18n.t(f"field.{name}", lang)
    return name if text == f"field.{name}" else text


def value_text(name: str, value: Any, lang: str) -> str:
    """Return a field's value as a conflict's table shows it.

    Parameters
    ----------
    name
        The field's canonical name (an enum field's value shows by its display name).
    value
        The value as read or as stored now.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        ``—`` for none, yes/no for a flag, an enum value's display name, else ``str``.

    Examples
    --------
    >>> value_text("note", None, "en"), value_text("note", True, "en"), value_text("n", 3, "en")
    ('—', 'yes', '3')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return i18n.t("value.yes" if value else "value.no", lang)
    if isinstance(value, str) and name in ENUM_COLUMNS:
        return i18n.label(value, lang, field=name)
    return str(value)


def conflict_title(error: ConflictError, change: OtherChange | None) -> tuple[str, dict[str, Any]]:
    """Return the i18n key and fields of the warning about a refused stale save.

    Parameters
    ----------
    error
        The refused save's error (its versions).
    change
        What the other person saved (:func:`other_change`), or ``None``.

    Returns
    -------
    tuple
        ``("conflict.unknown", {read, current})`` without a known change, else
        ``("conflict.title", {who, at, read, current})``: the users joined by ``、``,
        the time of the last save as ``YYYY-MM-DD HH:MM UTC`` (``—`` unknown). The
        text fields are not escaped.
    """
    if change is None:
        return "conflict.unknown", {"read": error.read_version, "current": error.current_version}
    at = change.at.strftime("%Y-%m-%d %H:%M UTC") if change.at else "—"
    return "conflict.title", {
        "who": "、".join(change.who),
        "at": at,
        "read": change.read_version,
        "current": error.current_version,
    }


def change_rows(change: OtherChange | None, lang: str) -> list[dict[str, str]]:
    """Return the table of the other person's change: each field before and after.

    Parameters
    ----------
    change
        What the other person saved (:func:`other_change`), or ``None``.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    list of dict
        One row per changed field, keyed by the translated headers (field, as you
        read it, as it is now), in :func:`field_text` and :func:`value_text`; empty
        without a change or changed fields.
    """
    if change is None:
        return []
    field, before, after = (i18n.t(k, lang) for k in
                            ("conflict.field", "conflict.before", "conflict.after"))  # fmt: skip
    return [
        {
            field: field_text(f.field, lang),
            before: value_text(f.field, f.before, lang),
            after: value_text(f.field, f.after, lang),
        }
        for f in change.fields
    ]


def plan_text(error: BaseException) -> str:
    """Return the changes a plan's conflict (grids, assignments) lists, as one text.

    Parameters
    ----------
    error
        The refused plan's error; its ``changes`` (when it has them) are listed.

    Returns
    -------
    str
        The changes joined by ``；``, or the error's message when it lists none.
    """
    changes = getattr(error, "changes", None) or [str(error)]
    return "；".join(map(str, changes))


# --- the versions the open forms were read at ----------------------------------------------
# ``versions`` maps a form key to ``(version, values as read)``; the app keeps it in the
# session, so these work on any mutable mapping.


def remember_read(
    versions: MutableMapping[str, tuple[int, dict[str, Any]]],
    key: str,
    fresh: Any,
    values: Mapping[str, Any] | None = None,
) -> int:
    """Return the version form ``key`` was read at, noting ``fresh`` the first time.

    Parameters
    ----------
    versions
        Form key -> ``(version, values as read)``; updated in place.
    key
        The form's key.
    fresh
        The row's version now (kept only when the form has none yet).
    values
        The record as shown (kept with the version, for :func:`read_values`).

    Returns
    -------
    int
        The version kept for the form.

    Examples
    --------
    >>> versions = {}
    >>> remember_read(versions, "point_1", 3, {"name": "a"}), remember_read(versions, "point_1", 4)
    (3, 3)
    """
    if key not in versions:
        versions[key] = (int(fresh), dict(values or {}))
    return int(versions[key][0])


def read_values(versions: Mapping[str, tuple[int, dict[str, Any]]], key: str) -> dict[str, Any]:
    """Return the record as form ``key`` was read (empty when it was not noted).

    Parameters
    ----------
    versions
        Form key -> ``(version, values as read)``.
    key
        The form's key.

    Returns
    -------
    dict
        The values noted by :func:`remember_read`.
    """
    return versions.get(key, (None, {}))[1]


def forget_reads(
    versions: MutableMapping[str, Any], prefix: str, *, keep: str | None = None
) -> None:
    """Forget the read versions of the forms whose key starts with ``prefix``, but ``keep``.

    Parameters
    ----------
    versions
        Form key -> ``(version, values as read)``; updated in place.
    prefix
        The start of the keys to forget.
    keep
        A key to keep (the record the user turned to).

    Examples
    --------
    >>> versions = {"point_1": (1, {}), "point_2": (2, {}), "grid_1": (1, {})}
    >>> forget_reads(versions, "point_", keep="point_2")
    >>> sorted(versions)
    ['grid_1', 'point_2']
    """
    for key in [k for k in versions if k.startswith(prefix) and k != keep]:
        versions.pop(key)
