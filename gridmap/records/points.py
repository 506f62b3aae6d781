"""Point records (boards, fitness equipment, bins): add, edit, move, retire, maintenance log.

Every write checks the user's role and scope here, in the library, so a page
that forgets to hide a button still cannot write what the user may not
(:func:`gridmap.auth.require`). A point belongs to the community whose polygon
contains it (not to the community a grid names); a point outside every grid is
refused. Writes go through the store,
which versions them (a stale ``version`` raises
:class:`~gridmap.errors.ConflictError`) and audits them with the user's name.

Rights: adding, editing, moving and retiring points need ``edit_points``
(planner); maintenance entries need ``record_maintenance`` (inspector).

Photos attached to maintenance entries are re-encoded by
:func:`gridmap.photos.clean_photo` (:func:`clean_photo` here): EXIF (GPS position,
camera, time) is dropped and the longer side limited to :data:`PHOTO_MAX_PX`
pixels; anything that is not an image is refused.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import auth, photos
from gridmap.crs import lonlat_to_wgs84, normalize_crs_name
from gridmap.errors import InputError, PermissionDenied
from gridmap.grids.scope import communities_of_points
from gridmap.locate import polygon_index_of_points
from gridmap.model import LAYERS, POINT_KINDS, Column, PointStatus, is_missing, row_version

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "PHOTO_MAX_PX",
    "POINT_LAYERS",
    "SUBTYPE_COLUMNS",
    "add_maintenance",
    "add_point",
    "clean_photo",
    "editable_columns",
    "layer_of_kind",
    "list_points",
    "maintenance_history",
    "maintenance_photo",
    "move_point",
    "point_panel",
    "retire_point",
    "update_point",
    "validate_values",
]

#: Layers whose records live in the ``points`` table.
POINT_LAYERS: tuple[str, ...] = tuple(POINT_KINDS)
#: Longest side of a stored maintenance photo, in pixels (:data:`gridmap.photos.MAX_PX`).
PHOTO_MAX_PX = photos.MAX_PX
#: Largest photo accepted before re-encoding, in bytes (:data:`gridmap.photos.MAX_BYTES`).
PHOTO_MAX_BYTES = photos.MAX_BYTES

#: The column holding each point layer's type (stored in ``points.subtype``).
SUBTYPE_COLUMNS = {"boards": "board_type", "fitness": "equipment_type", "bins": "bin_type"}
_SUBTYPE = SUBTYPE_COLUMNS
# columns of the points table itself (the others live in the attrs JSON)
_DIRECT = ("code", "name", "status", "last_inspected")

_TRUE = {"true", "1", "yes", "y", "t", "是", "有", "√"}
_FALSE = {"false", "0", "no", "n", "f", "否", "无", "×"}


def layer_of_kind(kind: str) -> str:
    """Return the layer name (``"boards"``) of a point kind (``"board"``).

    Raises
    ------
    gridmap.errors.InputError
        If ``kind`` is not a point kind.
    """
    for layer, k in POINT_KINDS.items():
        if k == kind:
            return layer
    raise InputError.keyed("points.unknown_kind", kind=kind, kinds=list(POINT_KINDS.values()))


def _check_layer(layer: str) -> None:
    if layer not in POINT_KINDS:
        raise InputError.keyed("points.not_layer", layer=layer, layers=list(POINT_LAYERS))


def editable_columns(layer: str) -> tuple[Column, ...]:
    """Return the columns of a point layer a form edits (all canonical columns).

    Parameters
    ----------
    layer
        ``"boards"``, ``"fitness"`` or ``"bins"``.

    Returns
    -------
    tuple of Column
        From :data:`gridmap.model.LAYERS`, in schema order.
    """
    _check_layer(layer)
    return LAYERS[layer].columns


def _convert(column: Column, value: Any) -> Any:
    """Convert one form value to the column's type (``None`` for empty)."""
    if is_missing(value, blank_text=True):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    dtype = column.dtype
    try:
        if dtype == "str":
            return str(value).strip()
        if dtype == "enum":
            word = str(value).strip()
            if word in column.choices:
                return word
            for canonical, aliases in column.choices.items():
                if word.casefold() in {canonical.casefold(), *(a.casefold() for a in aliases)}:
                    return canonical
            raise InputError.keyed("points.bad_choice", column=column.name, value=word,
                                   allowed=list(column.choices))
        if dtype == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(value)
            if not number.is_integer():
                raise ValueError(value)
            return int(number)
        if dtype == "float":
            if isinstance(value, bool):
                raise ValueError(value)
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        if dtype == "bool":
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError(value)
        if dtype == "date":
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            return dt.date.fromisoformat(str(value).strip())
    except InputError:
        raise
    except (ValueError, TypeError, OverflowError):
        shown = dtype if dtype in ("int", "float", "bool", "date") else "str"
        raise InputError.keyed("points.bad_value", column=column.name, value=value,
                               dtype=shown) from None
    return value


def validate_values(
    layer: str, values: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Check and convert form values of a point layer.

    Parameters
    ----------
    layer
        ``"boards"``, ``"fitness"`` or ``"bins"``.
    values
        Canonical column name -> value (text as typed, or typed values). Enum
        columns accept canonical values and their Chinese/English aliases.
    partial
        For an edit: only the given columns are checked, but a required column
        may not be emptied.

    Returns
    -------
    dict
        Column -> converted value (``None`` for empty); for a full check every
        column is present, with defaults filled in.

    Raises
    ------
    gridmap.errors.InputError
        Naming the column: unknown column, missing required value, bad value,
        or ``status`` set to ``retired`` (use :func:`retire_point`).
    """
    _check_layer(layer)
    spec = LAYERS[layer]
    known = {c.name: c for c in spec.columns}
    unknown = [k for k in values if k not in known]
    if unknown:
        raise InputError.keyed("points.unknown_column", layer=layer,
                               columns=", ".join(map(repr, unknown)))
    out: dict[str, Any] = {}
    for column in spec.columns:
        if partial and column.name not in values:
            continue
        value = _convert(column, values.get(column.name))
        if value is None and column.default is not None and not partial:
            value = column.default
        if value is None and column.required:
            raise InputError.keyed("points.required", column=column.name)
        out[column.name] = value
    if out.get("status") == PointStatus.RETIRED:
        raise InputError.keyed("points.retired_status")
    return out


def _to_row(
    layer: str, values: Mapping[str, Any], attrs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Canonical values -> columns of the ``points`` table (attrs merged into ``attrs``)."""
    row: dict[str, Any] = {}
    merged = dict(attrs or {})
    for name, value in values.items():
        if name in _DIRECT:
            row[name] = value
        elif name == _SUBTYPE[layer]:
            row["subtype"] = value
        elif value is None:
            merged.pop(name, None)
        else:
            merged[name] = value.isoformat() if isinstance(value, dt.date) else value
    if attrs is not None or any(n not in _DIRECT and n != _SUBTYPE[layer] for n in values):
        row["attrs"] = merged or None
    return row


def _grid_of(store: Store, point: shapely.Point) -> tuple[str, str]:
    """Return ``(grid code, community code)`` of the grid containing ``point``."""
    grids = store.read_layer("grids")
    index = (
        polygon_index_of_points(np.array([point], dtype=object), grids.geometry.to_numpy())[0]
        if len(grids)
        else -1
    )
    if index < 0:
        raise InputError.keyed("points.outside_grids", x=point.x, y=point.y)
    row = grids.iloc[int(index)]
    return str(row["code"]), str(row["community"])


def _community_of(store: Store, point: shapely.Point) -> str | None:
    """Community whose polygon contains ``point``, ``None`` if none does.

    The polygon decides, not the community named by the grid the point falls in: a
    grid written over another community's area must not carry its points along.
    """
    return communities_of_points(np.array([point], dtype=object),
                                 store.read_layer("communities"))[0]


def _require_on(user: User, right: str, community: str | None, code: str | None) -> None:
    """Require ``right`` in ``community``; a point in no grid is open to whole-street users only.

    ``code`` names the point in the message (``None`` for a point not yet added).
    """
    if community is None and user.scope is not None:
        if code is None:
            raise PermissionDenied.keyed("points.new_no_grid_scope", user=user.username)
        raise PermissionDenied.keyed("points.no_grid_scope", code=code, user=user.username)
    auth.require(user, right, community=community)


def _may(user: User, right: str, community: str | None) -> bool:
    """Whether :func:`_require_on` would let ``user`` act."""
    try:
        _require_on(user, right, community, None)
    except PermissionDenied:
        return False
    return True


def _point_row(store: Store, point_id: int) -> tuple[dict[str, Any], str]:
    row = store.get("points", int(point_id))
    return row, layer_of_kind(row["kind"])


def _point_to_change(
    store: Store, user: User, point_id: int, version: Any, *, refused: str
) -> tuple[dict[str, Any], str, int]:
    """Return the row, layer and checked version of a point ``user`` may change.

    ``refused`` is the message key for a retired point (``"points.already_retired"``).
    """
    auth.require(user, "edit_points")
    version = row_version(version)
    row, layer = _point_row(store, point_id)
    _require_on(user, "edit_points", _community_of(store, row["geom"]), row["code"])
    if row.get("retired_at") is not None:
        raise InputError.keyed(refused, code=row["code"])
    return row, layer, version


def _position_to_place(store: Store, user: User, lon: float, lat: float, crs: str) -> shapely.Point:
    """Return the WGS-84 point at ``(lon, lat)`` in ``crs``, inside a grid ``user`` may edit in."""
    x, y = lonlat_to_wgs84(lon, lat, crs, what="point coordinates")
    point = shapely.Point(x, y)
    _grid_of(store, point)  # the point must lie in a grid
    _require_on(user, "edit_points", _community_of(store, point), "the position")
    return point


def _save_point(
    store: Store, user: User, point_id: int, values: dict[str, Any], *, version: int
) -> int:
    return store.update("points", int(point_id), values, version=version, username=user.username)


def add_point(
    store: Store,
    user: User,
    layer: str,
    *,
    lon: float,
    lat: float,
    crs: str = "wgs84",
    values: Mapping[str, Any],
) -> int:
    """Add a point record.

    Parameters
    ----------
    store
        The store.
    user
        Who adds it; needs ``edit_points`` in the community of the grid the point lies in.
    layer
        ``"boards"``, ``"fitness"`` or ``"bins"``.
    lon, lat
        Position in ``crs`` (degrees).
    crs
        The system the coordinates were read in: ``wgs84`` (GPS, CGCS2000),
        ``gcj02`` (Amap, Tencent) or ``bd09`` (Baidu). Stored as WGS-84.
    values
        Canonical columns of the layer (:func:`validate_values`); an empty
        ``code`` is generated.

    Returns
    -------
    int
        The new point's id.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user lacks the right or the point's community is outside the user's scope.
    gridmap.errors.InputError
        Bad values, bad coordinates, a point outside every grid, or a duplicate code.
    """
    auth.require(user, "edit_points")
    clean = validate_values(layer, values)
    point = _position_to_place(store, user, lon, lat, crs)
    row = _to_row(layer, clean, {})
    row.update(
        kind=POINT_KINDS[layer], geom=point, source_crs=normalize_crs_name(crs), retired_at=None
    )
    return store.insert("points", row, username=user.username)


def update_point(
    store: Store, user: User, point_id: int, values: Mapping[str, Any], *, version: int
) -> int:
    """Change attributes of a point record.

    Parameters
    ----------
    store
        The store.
    user
        Who edits; needs ``edit_points`` in the point's community.
    point_id
        The point's id.
    values
        Canonical columns to change; ``None`` or ``""`` empties a column (not a
        required one).
    version
        The version of the point as read; a newer stored version raises
        :class:`~gridmap.errors.ConflictError`.

    Returns
    -------
    int
        The point's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        Missing right, or the point outside the user's scope.
    gridmap.errors.NotFound
        No such point.
    gridmap.errors.InputError
        Bad values, or the point is retired.
    gridmap.errors.ConflictError
        Somebody else saved the point first.
    """
    row, layer, version = _point_to_change(
        store, user, point_id, version, refused="points.retired_no_edit"
    )
    clean = validate_values(layer, values, partial=True)
    if not clean:
        return int(row["version"])
    return _save_point(
        store, user, point_id, _to_row(layer, clean, row.get("attrs") or {}), version=version
    )


def move_point(
    store: Store,
    user: User,
    point_id: int,
    *,
    lon: float,
    lat: float,
    crs: str = "wgs84",
    version: int,
) -> int:
    """Move a point record to a new position.

    Parameters
    ----------
    store
        The store.
    user
        Who moves it; needs ``edit_points`` in the old and in the new community.
    point_id
        The point's id.
    lon, lat
        The new position in ``crs``.
    crs
        ``wgs84``, ``gcj02`` or ``bd09``.
    version
        The version of the point as read.

    Returns
    -------
    int
        The point's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        Missing right, or either position outside the user's scope.
    gridmap.errors.InputError
        Bad coordinates, the new position outside every grid, or a retired point.
    gridmap.errors.ConflictError
        Somebody else saved the point first.
    """
    _, _, version = _point_to_change(
        store, user, point_id, version, refused="points.retired_no_move"
    )
    point = _position_to_place(store, user, lon, lat, crs)
    return _save_point(
        store,
        user,
        point_id,
        {"geom": point, "source_crs": normalize_crs_name(crs)},
        version=version,
    )


def retire_point(store: Store, user: User, point_id: int, *, version: int) -> int:
    """Retire a point record: status ``retired``, hidden from maps and checks, kept in the store.

    Parameters
    ----------
    store
        The store.
    user
        Who retires it; needs ``edit_points`` in the point's community.
    point_id
        The point's id.
    version
        The version of the point as read.

    Returns
    -------
    int
        The point's new version.

    Raises
    ------
    gridmap.errors.PermissionDenied
        Missing right, or the point outside the user's scope.
    gridmap.errors.InputError
        If the point is already retired.
    gridmap.errors.ConflictError
        Somebody else saved the point first.
    """
    _, _, version = _point_to_change(
        store, user, point_id, version, refused="points.already_retired"
    )
    return _save_point(
        store,
        user,
        point_id,
        {"status": PointStatus.RETIRED.value, "retired_at": dt.datetime.now(dt.UTC)},
        version=version,
    )


def clean_photo(data: bytes, *, max_px: int = PHOTO_MAX_PX) -> bytes:
    """Re-encode a maintenance photo as JPEG without metadata.

    The same as :func:`gridmap.photos.clean_photo` (see there for the parameters
    and errors): at most ``max_px`` pixels on the longer side, no EXIF, XMP or ICC
    data; anything that is not an image raises :class:`~gridmap.errors.InputError`.
    """
    return photos.clean_photo(data, max_px=max_px)


def add_maintenance(
    store: Store,
    user: User,
    point_id: int,
    *,
    date: dt.date | str,
    action: str,
    condition: str | None = None,
    note: str | None = None,
    photo: bytes | None = None,
) -> int:
    """Add an entry to a point's maintenance log.

    An ``inspected`` entry newer than the point's ``last_inspected`` also updates it,
    in the same transaction.

    Parameters
    ----------
    store
        The store.
    user
        Who records it; needs ``record_maintenance`` in the point's community.
    point_id
        The point's id.
    date
        When the work was done (a date or ``YYYY-MM-DD``); not in the future.
    action
        ``inspected``, ``cleaned``, ``repaired`` or ``replaced`` (or an alias).
    condition
        ``good``, ``fair``, ``poor`` or ``broken`` (or an alias), if assessed.
    note
        Free text.
    photo
        An image file's bytes: stored re-encoded, EXIF stripped (:func:`clean_photo`).

    Returns
    -------
    int
        The new entry's id.

    Raises
    ------
    gridmap.errors.PermissionDenied
        Missing right, or the point outside the user's scope.
    gridmap.errors.InputError
        Bad values, a date in the future, a photo that is not an image, or a retired point.
    """
    auth.require(user, "record_maintenance")
    row, _ = _point_row(store, point_id)
    _require_on(
        user, "record_maintenance", _community_of(store, row["geom"]), row["code"]
    )
    if row.get("retired_at") is not None:
        raise InputError.keyed("points.is_retired", code=row["code"])
    spec = LAYERS["maintenance"]
    day = _convert(spec.column("date"), date)
    if day is None:
        raise InputError.keyed("points.date_required")
    if day > dt.date.today():
        raise InputError.keyed("points.date_future", date=day.isoformat())
    act = _convert(spec.column("action"), action)
    if act is None:
        raise InputError.keyed("points.action_required")
    cond = _convert(spec.column("condition"), condition)
    text = _convert(spec.column("note"), note)
    image = clean_photo(photo) if photo else None
    entry = {
        "point_id": int(point_id),
        "date": day,
        "action": act,
        "condition": cond,
        "note": text,
        "by": user.username,
        "photo": image,
    }
    with store.transaction() as conn:
        entry_id = store.insert("maintenance", entry, username=user.username, conn=conn)
        last = row.get("last_inspected")
        if act == "inspected" and (last is None or day > last):
            store.update(
                "points",
                int(point_id),
                {"last_inspected": day},
                version=int(row["version"]),
                username=user.username,
                conn=conn,
            )
    return entry_id


def maintenance_history(store: Store, point_id: int, *, user: User | None = None) -> pd.DataFrame:
    """Return a point's maintenance log, newest first.

    Parameters
    ----------
    store
        The store.
    point_id
        The point's id.
    user
        If given, the point must be in the user's scope.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, date, action, condition, note, by, has_photo``.

    Raises
    ------
    gridmap.errors.NotFound
        No such point.
    gridmap.errors.PermissionDenied
        The point is outside the user's scope.
    """
    row, _ = _point_row(store, point_id)
    if user is not None:
        _require_on(user, "view", _community_of(store, row["geom"]), row["code"])
    log = store.read_layer("maintenance")
    log = log[log["point"] == row["code"]]
    ids = [int(i) for i in log["id"]]
    has_photo = [store.get("maintenance", i).get("photo") is not None for i in ids]
    out = pd.DataFrame(
        {
            "id": ids,
            "date": log["date"].tolist(),
            "action": log["action"].tolist(),
            "condition": log["condition"].tolist(),
            "note": log["note"].tolist(),
            "by": log["by"].tolist(),
            "has_photo": has_photo,
        }
    )
    return out.sort_values(["date", "id"], ascending=False, ignore_index=True)


def maintenance_photo(store: Store, entry_id: int, *, user: User) -> bytes | None:
    """Return the photo of a maintenance entry (JPEG bytes), or ``None``.

    Raises
    ------
    gridmap.errors.NotFound
        No such entry.
    gridmap.errors.PermissionDenied
        The point is outside the user's scope.
    """
    entry = store.get("maintenance", int(entry_id))
    point = store.get("points", int(entry["point_id"]))
    _require_on(user, "view", _community_of(store, point["geom"]), point["code"])
    return entry.get("photo")


def point_panel(store: Store, point_id: int, *, user: User) -> dict[str, Any]:
    """Return what the point panel shows: attributes, position, grid, version, log summary.

    Parameters
    ----------
    store
        The store.
    point_id
        The point's id.
    user
        Who looks; the point must be in the user's scope.

    Returns
    -------
    dict
        ``id``, ``layer``, ``kind``, ``version``, ``lon``, ``lat`` (WGS-84),
        ``source_crs``, ``grid``, ``community``, ``retired`` (bool), ``values``
        (canonical column -> value), ``maintenance_entries`` (count) and
        ``can_edit`` / ``can_record`` (the user's rights on this point).

    Raises
    ------
    gridmap.errors.NotFound
        No such point.
    gridmap.errors.PermissionDenied
        The point is outside the user's scope.
    """
    auth.require(user, "view")
    row, layer = _point_row(store, point_id)
    try:
        grid, _ = _grid_of(store, row["geom"])
    except InputError:
        grid = None
    community = _community_of(store, row["geom"])
    _require_on(user, "view", community, row["code"])
    attrs = row.get("attrs") or {}
    values: dict[str, Any] = {}
    for column in LAYERS[layer].columns:
        if column.name in _DIRECT:
            value = row.get(column.name)
        elif column.name == _SUBTYPE[layer]:
            value = row.get("subtype")
        else:
            value = attrs.get(column.name)
            if value is not None and column.dtype == "date":
                value = dt.date.fromisoformat(str(value)[:10])
        values[column.name] = value
    log = store.read_layer("maintenance")
    geom = row["geom"]
    return {
        "id": int(row["id"]),
        "layer": layer,
        "kind": row["kind"],
        "version": int(row["version"]),
        "lon": float(geom.x),
        "lat": float(geom.y),
        "source_crs": row.get("source_crs"),
        "grid": grid,
        "community": community,
        "retired": row.get("retired_at") is not None,
        "values": values,
        "maintenance_entries": int((log["point"] == row["code"]).sum()),
        "can_edit": _may(user, "edit_points", community),
        "can_record": _may(user, "record_maintenance", community),
    }


def list_points(
    store: Store, user: User, layer: str, *, include_retired: bool = False
) -> gpd.GeoDataFrame:
    """Return the point records of a layer that the user may see, with ``grid`` and ``community``.

    Parameters
    ----------
    store
        The store.
    user
        Who looks.
    layer
        ``"boards"``, ``"fitness"`` or ``"bins"``.
    include_retired
        Include retired records.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer's canonical columns plus ``id``, ``version``, ``grid``,
        ``community``, ``lon`` and ``lat`` (EPSG:4326).
    """
    from gridmap.locate import locate_points

    auth.require(user, "view")
    _check_layer(layer)
    frame = store.read_layer(layer, include_retired=include_retired)
    grids = store.read_layer("grids")
    frame["grid"] = locate_points(frame, grids, column="code").to_numpy()
    frame["community"] = communities_of_points(frame.geometry.to_numpy(),
                                               store.read_layer("communities"))
    if user.scope is not None:
        frame = frame[frame["community"].isin(set(user.scope))].copy()
    frame["lon"] = frame.geometry.x
    frame["lat"] = frame.geometry.y
    return frame
