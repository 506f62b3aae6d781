"""Shared by the exporters: loading the data of a scope, permissions, audit rows, output.

Every exporter reads the store once through :func:`load_data` (vectorised: point
records are assigned to grids with one :mod:`gridmap.locate` query, areas are
computed in the metric CRS of the data), narrows it to a :class:`Scope` the user
may see with :func:`select_grids`, and writes one audit row with
:func:`record_export`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap import auth, i18n
from gridmap.crs import metric_crs, to_metric
from gridmap.errors import InputError, NotFound, PermissionDenied
from gridmap.locate import locate_points, polygon_index_of_points
from gridmap.model import POINT_KINDS, WorkerRole
from gridmap.snapshot import CLOSED_ISSUE_STATUSES, mask_phone

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

#: Point-record layers counted per grid.
POINT_LAYERS: tuple[str, ...] = tuple(POINT_KINDS)
#: Where an export goes: a file path or a writable binary file object.
Output = str | os.PathLike[str] | IO[bytes]
#: ``progress(done, total, label)`` called while a long export runs.
Progress = Callable[[int, int, str], None]

_ROLE_ORDER = {role.value: i for i, role in enumerate(WorkerRole)}


@dataclass(frozen=True)
class Scope:
    """What an export covers: the whole street (all ``None``), a community, a grid or a worker.

    ``worker`` is a worker code or name.
    """

    community: str | None = None
    grid: str | None = None
    worker: str | None = None

    def describe(self) -> str:
        """Return a short text for audit rows and file names (``street`` when unscoped)."""
        parts = [
            f"{k}={v}"
            for k, v in (
                ("community", self.community),
                ("grid", self.grid),
                ("worker", self.worker),
            )
            if v
        ]
        return ", ".join(parts) or "street"


@dataclass(frozen=True)
class ExportResult:
    """What an export produced.

    Attributes
    ----------
    what : str
        The kind of export (``roster``, ``dossier``, ``gpkg`` ...).
    scope : str
        :meth:`Scope.describe` of the scope.
    rows : int
        Rows (roster), grids (dossier, supervision order), features (data) or issue reports.
    audit_id : int
        The id of the audit row written.
    path : pathlib.Path or None
        The file written, when the output was a path.
    """

    what: str
    scope: str
    rows: int
    audit_id: int
    path: Path | None = None


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """Return a date from ``YYYY-MM-DD`` text (``None`` stays ``None``).

    Raises
    ------
    gridmap.errors.InputError
        If the text is not a date.
    """
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError.keyed("exports.bad_date", value=value) from None


_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(value: str | dt.date | None) -> tuple[dt.date, dt.date]:
    """Return the Monday and the following Sunday of an ISO week.

    Parameters
    ----------
    value
        ``YYYY-Www`` (``2026-W45``), any date inside the week, or ``None`` for the
        current week.

    Returns
    -------
    tuple of datetime.date
        ``(monday, sunday)``.

    Raises
    ------
    gridmap.errors.InputError
        If the text is not a week or a date.
    """
    if value is None:
        day = dt.date.today()
    elif isinstance(value, dt.date):
        day = value
    else:
        match = _WEEK_RE.match(str(value).strip())
        if match:
            try:
                day = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            except ValueError:
                raise InputError.keyed("exports.no_week", value=value) from None
        else:
            try:
                day = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise InputError.keyed("exports.bad_week", value=value) from None
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def week_label(monday: dt.date) -> str:
    """Return ``YYYY-Www`` of the week starting on ``monday``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _end_of(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day + dt.timedelta(days=1), tz="UTC")


def _lean_point_layers(store: Store, grids: gpd.GeoDataFrame) -> dict[str, pd.DataFrame]:
    """Each point layer as a frame with one categorical ``grid`` column (codes of ``grids``).

    The points are located with one :func:`gridmap.locate.polygon_index_of_points` call;
    the categorical column holds the grid's position, so counting per grid is a bincount.
    """
    from gridmap.store.layers import read_point_geometries

    kinds, geoms = read_point_geometries(store)
    codes = pd.Index(grids["code"].to_numpy(dtype=object)).unique()
    where = polygon_index_of_points(geoms, grids.geometry.to_numpy())
    if len(codes) < len(grids):  # duplicate codes: positions do not map to categories
        where = codes.get_indexer(grids["code"].to_numpy(dtype=object)[where])
        where[where < 0] = -1
    return {
        layer: pd.DataFrame(
            {"grid": pd.Categorical.from_codes(where[kinds == kind], categories=codes)}
        )
        for layer, kind in POINT_KINDS.items()
    }


def _layout_of(
    store: Store, day: dt.date, grids: gpd.GeoDataFrame, assignments: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return the grids and assignments of a past ``day``: replaced grids from the history."""
    from gridmap.grids import service as grid_service

    layout = grid_service.grids_as_of(store, day)
    if not layout["retired"].any():
        return grids, assignments
    roster = grid_service.roster_as_of(store, day)
    kept = grids[grids["code"].isin(set(layout.loc[~layout["retired"], "code"]))]
    old = layout[layout["retired"]].drop(columns="retired")
    frame = pd.concat([kept, old], ignore_index=True)
    grids = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    assignments = pd.DataFrame(
        {
            "grid": roster["grid_code"],
            "worker": roster["worker_code"],
            "role": roster["role"],
            "valid_from": roster["valid_from"],
            "valid_to": roster["valid_to"],
        }
    )
    return grids, assignments


def load_data(
    store: Store,
    *,
    as_of: dt.date | None = None,
    roads: bool = False,
    maintenance: bool = False,
    points: str = "full",
) -> dict[str, Any]:
    """Read what the exports need, assign point records to grids and measure grid areas.

    Parameters
    ----------
    store
        The store.
    as_of
        The day whose grids and assignments count (default today): before today,
        the grids of that day (grids replaced since by a new split come from the
        grid history, with their workers of that day). Issue reports made after
        that day are left out.
    roads
        Also read the roads (for maps).
    maintenance
        Also read the maintenance log.
    points
        ``"full"``: point layers with every column; ``"counts"``: only the ``grid``
        column of each point record, read lean (for rosters of a whole city).

    Returns
    -------
    dict
        ``communities``, ``grids`` (with ``community_name`` and ``area_m2``, in the
        metric CRS of the data), ``workers`` (all, inactive included), ``assignments``
        (valid on ``as_of``), ``boards``, ``fitness``, ``bins``, ``issues`` (each
        with a ``grid`` column; issues also ``open``), optionally ``roads`` and
        ``maintenance``; ``as_of`` (the date) and ``metric_crs``. Frames in EPSG:4326.
    """
    day = as_of or dt.date.today()
    data: dict[str, Any] = {"as_of": day}
    communities = store.read_layer("communities")
    grids = store.read_layer("grids")
    data["workers"] = store.read_layer("workers", include_retired=True)
    data["assignments"] = store.read_layer("assignments", as_of=day)
    if day < dt.date.today():
        grids, data["assignments"] = _layout_of(store, day, grids, data["assignments"])
    names = dict(zip(communities["code"], communities["name"], strict=True))
    grids["community_name"] = [names.get(c, c) for c in grids["community"]]
    crs = (
        metric_crs(grids) if len(grids) else (metric_crs(communities) if len(communities) else None)
    )
    data["metric_crs"] = crs
    grids["area_m2"] = to_metric(grids.geometry, crs=crs).area.to_numpy() if len(grids) else []
    data["communities"] = communities
    data["grids"] = grids
    if points == "counts":
        data.update(_lean_point_layers(store, grids))
    for layer in ("issues",) if points == "counts" else (*POINT_LAYERS, "issues"):
        frame = store.read_layer(layer)
        if layer == "issues":
            reported = pd.to_datetime(frame["reported_at"], utc=True)
            frame = frame[(reported < _end_of(day)).to_numpy()].copy()
            frame["open"] = ~frame["status"].isin(CLOSED_ISSUE_STATUSES).to_numpy()
        located = (
            locate_points(frame, grids, column="code")
            if len(grids) and len(frame)
            else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        )
        frame["grid"] = located.to_numpy()
        data[layer] = frame
    if roads:
        data["roads"] = store.read_layer("roads")
    if maintenance:
        data["maintenance"] = store.read_layer("maintenance")
    return data


def point_counts(data: dict[str, Any], grid_codes: pd.Series) -> pd.DataFrame:
    """Count point records (and open issue reports) per grid, vectorised.

    Returns
    -------
    pandas.DataFrame
        Columns ``boards, fitness, bins, open_issues`` on ``grid_codes``' positions.
    """
    codes = pd.Index(grid_codes.to_numpy())

    def per_grid(grid: pd.Series) -> np.ndarray:
        return grid.value_counts().reindex(codes, fill_value=0).to_numpy(dtype=np.int64)

    out = pd.DataFrame({layer: per_grid(data[layer]["grid"]) for layer in POINT_LAYERS})
    issues = data["issues"]
    out["open_issues"] = per_grid(issues.loc[issues["open"].to_numpy(dtype=bool), "grid"])
    return out.set_axis(range(len(grid_codes)))


def workers_by_grid(data: dict[str, Any]) -> pd.DataFrame:
    """Return the assignments valid on the data's day joined with the workers, grid head first.

    Returns
    -------
    pandas.DataFrame
        ``grid, worker (code), name, phone, role``; sorted by grid, role, name.
    """
    assignments = data["assignments"]
    workers = data["workers"][["code", "name", "phone"]].rename(columns={"code": "worker"})
    merged = assignments[["grid", "worker", "role"]].merge(workers, on="worker", how="left")
    merged["name"] = merged["name"].where(merged["name"].notna(), merged["worker"])
    merged["_order"] = merged["role"].map(_ROLE_ORDER).fillna(99)
    merged = merged.sort_values(["grid", "_order", "name"], kind="stable")
    return merged.drop(columns="_order").reset_index(drop=True)


def shown_phone(phone: Any, *, see_phones: bool) -> str:
    """Return a phone number for an export: masked unless ``see_phones``; ``""`` for none."""
    if phone is None or (isinstance(phone, float) and np.isnan(phone)) or phone is pd.NA:
        return ""
    text = str(phone).strip()
    if not see_phones:
        text = mask_phone(text) or ""
    return text


def select_grids(data: dict[str, Any], scope: Scope, user: User) -> gpd.GeoDataFrame:
    """Return the grids of ``scope`` that ``user`` may export, ordered by code.

    A street-wide export by a user scoped to communities covers those communities.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not export, or the community/grid is outside the user's scope.
    gridmap.errors.NotFound
        If the community, grid or worker does not exist.
    """
    auth.require(user, "export")
    grids = data["grids"]
    if scope.community:
        if scope.community not in set(data["communities"]["code"]):
            raise NotFound.keyed("exports.no_community", code=scope.community)
        auth.require(user, "export", community=scope.community)
        grids = grids[grids["community"] == scope.community]
    if scope.grid:
        rows = grids[grids["code"] == scope.grid]
        if rows.empty:
            if scope.community:
                raise NotFound.keyed(
                    "exports.no_grid_in", code=scope.grid, community=scope.community
                )
            raise NotFound.keyed("store.no_grid", code=scope.grid)
        auth.require(user, "export", community=str(rows["community"].iloc[0]))
        grids = rows
    if scope.worker:
        workers = data["workers"]
        match = workers[(workers["code"] == scope.worker) | (workers["name"] == scope.worker)]
        if match.empty:
            raise NotFound.keyed("queries.no_worker", worker=scope.worker)
        assignments = data["assignments"]
        mine = set(assignments.loc[assignments["worker"].isin(set(match["code"])), "grid"])
        grids = grids[grids["code"].isin(mine)]
    if user.scope is not None:
        grids = grids[grids["community"].isin(set(user.scope))]
        if grids.empty and (scope.community or scope.grid):
            raise PermissionDenied.keyed("exports.out_of_scope", user=user.username)
    return grids.sort_values("code", kind="stable")


def record_export(
    store: Store,
    user: User,
    what: str,
    scope: Scope,
    *,
    fmt: str,
    rows: int,
    as_of: dt.date | None = None,
    extra: dict[str, Any] | None = None,
    path: Path | None = None,
) -> ExportResult:
    """Write the audit row of an export (who, what, scope, when) and return the result.

    Parameters
    ----------
    store
        The store.
    user
        Who exported.
    what
        ``roster``, ``dossier``, ``gpkg``, ``geojson``, ``weekly`` or ``supervision``.
    scope
        The scope exported.
    fmt
        File format.
    rows
        Rows, grids or features written.
    as_of
        The date the export is "as of", if any.
    extra
        More facts for the audit row.
    path
        The file written, if the output was a path.

    Returns
    -------
    ExportResult
        The summary, with the audit row's id.
    """
    after = {
        "what": what,
        "scope": scope.describe(),
        "format": fmt,
        "rows": int(rows),
        "as_of": as_of.isoformat() if as_of else None,
        **(extra or {}),
    }
    if path is not None:
        after["file"] = path.name
    audit_id = store.audit(
        "export",
        username=user.username,
        after=after,
        note=f"export {what} ({fmt}) of {scope.describe()}",
    )
    return ExportResult(what, scope.describe(), int(rows), audit_id, path)


def write_output(out: Output, payload: bytes) -> Path | None:
    """Write ``payload`` to a path (parents created) or a binary file object.

    A path is written whole or not at all (:func:`gridmap.io.atomic.write_atomic`):
    a full disk leaves neither a truncated file nor an empty one, and an existing
    file stays as it was.

    Returns
    -------
    pathlib.Path or None
        The path written, or ``None`` for a file object.

    Raises
    ------
    gridmap.errors.InputError
        If the file cannot be written.
    """
    if isinstance(out, str | os.PathLike):
        from gridmap.io.atomic import write_atomic

        path = Path(out)
        try:
            write_atomic(path, payload)
        except OSError as err:
            raise InputError.keyed(
                "exports.unwritable", path=path, reason=err.strerror or err
            ) from None
        return path
    out.write(payload)
    return None


def finish_export(
    store: Store,
    user: User,
    what: str,
    scope: Scope,
    out: Output,
    payload: bytes,
    *,
    fmt: str,
    rows: int,
    as_of: dt.date | None = None,
    extra: dict[str, Any] | None = None,
) -> ExportResult:
    """Write ``payload`` to ``out`` (:func:`write_output`) and audit it (:func:`record_export`).

    Parameters
    ----------
    store, user, what, scope
        As for :func:`record_export`.
    out
        A file path or a writable binary file.
    payload
        The file's bytes.
    fmt, rows, as_of, extra
        As for :func:`record_export`.

    Returns
    -------
    ExportResult
        The summary, with the audit row's id and the path written (if any).

    Raises
    ------
    gridmap.errors.InputError
        If the file cannot be written (then nothing is audited).
    """
    path = write_output(out, payload)
    return record_export(
        store, user, what, scope, fmt=fmt, rows=rows, as_of=as_of, extra=extra, path=path
    )


def phones_shown(*, see_phones: bool) -> dict[str, str]:
    """Return the audit fact saying whether phone numbers were exported in full."""
    return {"phones": "full" if see_phones else "masked"}


def buffer() -> io.BytesIO:
    """Return an empty in-memory binary file."""
    return io.BytesIO()


def tr(key: str, lang: str, **fmt: object) -> str:
    """Translate an export string (:func:`gridmap.i18n.t`)."""
    return i18n.t(key, lang, **fmt)


def fmt_date(value: Any) -> str:
    """Return ``YYYY-MM-DD`` (or local ``YYYY-MM-DD HH:MM`` for times), ``""`` for none.

    Times are shown in the street's zone by :func:`gridmap.i18n.format_time`; a naive
    midnight timestamp is a day read from a table and is shown as a date.
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts.tzinfo is None and not (ts.hour or ts.minute or ts.second):
            return ts.strftime("%Y-%m-%d")
        return i18n.format_time(ts)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def fmt_number(value: Any, *, decimals: int = 0) -> str:
    """Return a number with thousands separators, ``""`` for none."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{float(value):,.{decimals}f}"


# --- the place an export covers, and its file name (refs #17) -----------------------------

#: What each export is called in a file name, per language.
KIND_NAMES: dict[str, dict[str, str]] = {
    "roster": {"zh": "网格员花名册", "en": "grid roster"},
    "dossier": {"zh": "一档一册一图", "en": "grid dossier"},
    "supervision": {"zh": "督办单", "en": "supervision orders"},
    "weekly": {"zh": "每周上报进展", "en": "weekly report"},
    "gpkg": {"zh": "网格数据", "en": "grid data"},
    "geojson": {"zh": "网格数据", "en": "grid data"},
}

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def scope_place(
    communities: pd.DataFrame,
    scope: Scope,
    user: User | None = None,
    *,
    grids: pd.DataFrame | None = None,
    workers: pd.DataFrame | None = None,
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    """Return the name of the place an export covers, as its title and file name say it.

    A grid is named by its community and grid name (or code), a worker by name, a
    community by name; without a scope the user's own communities are named (one
    community, or several joined with "、"), and only a whole-street user gets the
    street's name.

    Examples
    --------
    >>> frame = pd.DataFrame({"code": ["330102011001", "330102011002"],
    ...                       "name": ["清波社区", "柳翠社区"], "street": ["清波街道"] * 2})
    >>> scope_place(frame, Scope())
    '清波街道'
    >>> scope_place(frame, Scope(community="330102011002"))
    '柳翠社区'
    """
    names = dict(zip(communities["code"], communities["name"], strict=False))
    if scope.grid:
        community = names.get(scope.grid[:12], "")
        grid_name = ""
        if grids is not None and len(grids):
            row = grids[grids["code"] == scope.grid]
            if len(row) and isinstance(row["name"].iloc[0], str):
                grid_name = row["name"].iloc[0]
        if grid_name and grid_name.startswith(community):
            return grid_name
        return f"{community}{grid_name or scope.grid}"
    if scope.worker:
        if workers is not None and len(workers):
            row = workers[(workers["code"] == scope.worker) | (workers["name"] == scope.worker)]
            if len(row):
                return str(row["name"].iloc[0])
        return str(scope.worker)
    if scope.community:
        return str(names.get(scope.community, scope.community))
    if user is not None and user.scope is not None:
        return "、".join(str(names.get(c, c)) for c in sorted(user.scope))
    street = communities["street"].dropna() if "street" in communities else pd.Series([])
    if len(street):
        return str(street.iloc[0])
    return i18n.t("app.scope_all", lang)


def file_name(
    kind: str, place: str, day: dt.date, fmt: str, *, lang: str = i18n.DEFAULT_LANG
) -> str:
    """Return an export's file name: place, what it is and date.

    ``fmt`` is the extension without its dot (``""`` for a folder).

    Examples
    --------
    >>> file_name("roster", "清波社区", dt.date(2026, 12, 5), "xlsx")
    '清波社区_网格员花名册_2026-12-05.xlsx'
    """
    what = KIND_NAMES.get(kind, {}).get(i18n.normalize_lang(lang), kind)
    stem = "_".join(_UNSAFE.sub("", part).strip() for part in (place, what, day.isoformat()))
    stem = re.sub(r"\s+", " ", stem).strip("_ ") or kind
    return f"{stem}.{fmt}" if fmt else stem


def suggested_file_name(
    store: Store,
    kind: str,
    *,
    user: User | None = None,
    community: str | None = None,
    grid: str | None = None,
    worker: str | None = None,
    day: dt.date | None = None,
    fmt: str = "",
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    """Return :func:`file_name` for an export, with the place read from the store."""
    scope = Scope(community, grid, worker)
    communities = store.read_layer("communities")
    grids = store.read_layer("grids") if grid else None
    workers = store.read_layer("workers", include_retired=True) if worker else None
    place = scope_place(communities, scope, user, grids=grids, workers=workers, lang=lang)
    return file_name(kind, place, day or i18n_today(), fmt, lang=lang)


def i18n_today() -> dt.date:
    """Return today's date in the street's time zone."""
    return dt.date.fromisoformat(i18n.format_date(dt.datetime.now(dt.UTC)))


def fmt_measure(value: Any, unit: str | None, *, lang: str = i18n.DEFAULT_LANG) -> str:
    """Return a measured figure with its unit in ``lang``: ``88米``, ``832.4小时``, ``20.0%``.

    See :func:`gridmap.i18n.format_measure` (the one rule for measures, shared with the
    check reports of the command line).

    Examples
    --------
    >>> fmt_measure(88.183472, "m"), fmt_measure(832.44, "h"), fmt_measure(1, "workers")
    ('88米', '832.4小时', '1名')
    >>> fmt_measure(158, "days", lang="en"), fmt_measure(3.25, "m", lang="en")
    ('158 days', '3.2 m')
    """
    return i18n.format_measure(value, unit, lang=lang)


def official_date(day: dt.date, lang: str = i18n.DEFAULT_LANG) -> str:
    """Return a date as an official document writes it: ``2026年12月5日`` (``5 December 2026``).

    Examples
    --------
    >>> official_date(dt.date(2026, 12, 5))
    '2026年12月5日'
    """
    if i18n.normalize_lang(lang) == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day:%B} {day.year}"
