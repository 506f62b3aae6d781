"""The data snapshot a page shows: the layers a user may see, annotated, filtered and searched.

:func:`visible_frames` reads the map layers a page asks for (and what their
annotation needs, :func:`frame_reads`), with a scoped user's communities pushed
into the store reads, annotates them and restricts them to the user's scope
(phones masked by role); filters and search work on the frames in memory, so a
widget change never reads the store again. :func:`data_version` is the key to
cache them by: it changes only when the layers read change.
:func:`gridmap.maps.street_map` draws the frames. Domain modules may use this
module without importing any map code.

Frames are the canonical layers of :meth:`gridmap.store.Store.read_layer`
(EPSG:4326) with these columns added:

``grids``
    ``community_name``, ``worker`` (the grid head, else the first worker; the
    map colours grids by it), ``worker_names`` and ``worker_roles`` (lists, grid
    head first), ``phone`` (the first worker's phone, masked
    unless the user may see phones), ``boards``, ``fitness``, ``bins``,
    ``open_issues`` (counts).
``boards``, ``fitness``, ``bins``, ``issues``
    ``grid`` and ``community`` (codes of the grid the point lies in) and
    ``worker`` (that grid's worker).

Nothing here imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import auth
from gridmap.errors import InputError
from gridmap.locate import locate_points
from gridmap.model import POINT_KINDS, WorkerRole

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "CLOSED_ISSUE_STATUSES",
    "FRAME_LAYERS",
    "MAP_LAYERS",
    "POINT_LAYERS",
    "REFERENCE_LAYERS",
    "ReadCache",
    "Reader",
    "SearchHit",
    "data_version",
    "filter_frames",
    "find_grid",
    "frame_reads",
    "load_frames",
    "map_size",
    "mask_phone",
    "point_record",
    "restrict_frames",
    "search",
    "visible_extent",
    "visible_frames",
]

#: Point layers drawn on the map (point records and issue reports).
POINT_LAYERS: tuple[str, ...] = (*POINT_KINDS, "issues")
#: Reference layers drawn on the map (off when the map opens, except roads).
REFERENCE_LAYERS: tuple[str, ...] = (
    "compounds", "buildings", "roads", "schools", "internet_cafes", "entrances",
    "service_centres", "hoardings",
)  # fmt: skip
#: Every layer :func:`load_frames` returns.
MAP_LAYERS: tuple[str, ...] = ("communities", "grids", *POINT_LAYERS, *REFERENCE_LAYERS)

#: Issue statuses that count as closed (not open).
CLOSED_ISSUE_STATUSES = frozenset({"closed"})


def data_version(store: Store, layers: Iterable[str] | None = None) -> tuple[tuple[str, int], ...]:
    """Return a stamp that changes whenever the data of ``layers`` changes (a cache key).

    Parameters
    ----------
    store
        The store.
    layers
        Layers (or table names) the cached thing shows; ``None``: every table of data.

    Returns
    -------
    tuple
        ``(name, version)`` pairs, sorted (:meth:`gridmap.store.Store.data_versions`):
        a commit that changed a layer changes its version; logins, sessions, API
        token use and exports change none.
    """
    names = None if layers is None else sorted(set(layers))
    return tuple(sorted(store.data_versions(names).items()))


_COUNTRY_PREFIX = re.compile(r"^\s*(\+\s*86|0086)[\s-]*")


def _shown_digits(digits: str) -> tuple[int, int]:
    """How many leading and trailing digits of a number (country code removed) stay visible."""
    if len(digits) == 11 and digits.startswith("1"):  # a mobile number: 138****5678
        return 3, 4
    if len(digits) >= 10 and digits.startswith("0"):  # a landline with its area code
        return (3 if digits[1] in "12" else 4), 0  # 010, 02x are 3 digits; others 4
    return 0, 0  # a local landline (8765 4321), a short or unknown number: all hidden


def mask_phone(phone: object) -> str | None:
    """Return a phone number with its identifying digits hidden.

    At most the first 3 and the last 4 digits stay, whatever the length: a mobile
    number keeps both (``138****5678``), a landline its area code only
    (``0571-********``), a number without area code (``8765 4321``) or of any other
    shape none. Separators (spaces, ``-``, brackets) and a ``+86``/``0086``
    prefix stay in place, so the masked text is as long as the number.

    Parameters
    ----------
    phone
        A phone number (any text); ``None`` or NaN for none.

    Returns
    -------
    str or None
        The masked number; ``None`` for no number.

    Examples
    --------
    >>> mask_phone("13812345678")
    '138****5678'
    >>> mask_phone("0571-87654321"), mask_phone("87654321")
    ('0571-********', '********')
    >>> mask_phone("12345") is None, mask_phone(None) is None
    (False, True)
    """
    if phone is None or (isinstance(phone, float) and np.isnan(phone)):
        return None
    text = str(phone).strip()
    if not text:
        return None
    prefix = _COUNTRY_PREFIX.match(text)
    start = prefix.end() if prefix else 0
    positions = [i for i in range(start, len(text)) if text[i].isdigit()]
    head, tail = _shown_digits("".join(text[i] for i in positions))
    keep = set(positions[:head]) | set(positions[len(positions) - tail :] if tail else ())
    return "".join(
        c if i < start or not c.isdigit() or i in keep else "*" for i, c in enumerate(text)
    )


def _empty_like(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[0:0].copy()


_ROLE_ORDER = {role.value: i for i, role in enumerate(WorkerRole)}  # grid head first


def _worker_columns(
    grids: gpd.GeoDataFrame, assignments: pd.DataFrame, workers: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Add ``worker``, ``worker_names``, ``worker_roles`` and ``phone`` to the grids (a copy)."""
    out = grids.copy()
    phones = dict(zip(workers["code"], workers["phone"], strict=True)) if len(workers) else {}
    names = dict(zip(workers["code"], workers["name"], strict=True)) if len(workers) else {}
    per_grid: dict[str, list[tuple[int, str, str, str]]] = {}
    for grid, worker, role in zip(
        assignments["grid"], assignments["worker"], assignments["role"], strict=True
    ):
        name = names.get(worker, str(worker))
        per_grid.setdefault(grid, []).append((_ROLE_ORDER.get(role, 99), name, role, worker))
    first, name_lists, role_lists, phone_list = [], [], [], []
    for code in out["code"]:
        rows = sorted(per_grid.get(code, []))
        first.append(rows[0][1] if rows else None)
        name_lists.append([name for _, name, _, _ in rows])
        role_lists.append([role for _, _, role, _ in rows])
        phone = phones.get(rows[0][3]) if rows else None
        phone_list.append(None if phone is None or pd.isna(phone) else str(phone))
    out["worker"] = first
    out["worker_names"] = name_lists
    out["worker_roles"] = role_lists
    out["phone"] = phone_list
    return out


#: Every frame :func:`load_frames` can return: the map layers, workers and assignments.
FRAME_LAYERS: tuple[str, ...] = (*MAP_LAYERS, "workers", "assignments")

#: ``read(layer, *, bbox=None, where=None, as_of=None, include_retired=False)``: how
#: :func:`load_frames` reads a layer (default :meth:`gridmap.store.Store.read_layer`;
#: the app passes one that caches each read per layer version).
Reader = Callable[..., pd.DataFrame]


class ReadCache:
    """Layer reads kept per (store, layer, arguments), each at the newest data version seen.

    A :data:`Reader` from :meth:`reader` returns the kept frame while the layer's
    version is the one given, and reads the store again once it changed: a write
    invalidates only the reads of the layers it changed, and an older version of a
    read is dropped as soon as a newer one is kept. Shared between threads; the
    frames are shared too, so treat them as read-only.

    Parameters
    ----------
    max_reads
        The most reads kept (least recently used dropped first).
    """

    def __init__(self, max_reads: int = 64):
        self.max_reads = max_reads
        self._items: OrderedDict[Hashable, tuple[int, pd.DataFrame]] = OrderedDict()
        self._lock = threading.Lock()
        self.reads = 0  # reads that went to the store

    def __len__(self) -> int:
        return len(self._items)

    def reader(self, store: Store, versions: Mapping[str, int]) -> Reader:
        """Return a :data:`Reader` of ``store`` for layers at ``versions`` (layer -> version)."""

        def read(layer: str, **kwargs: Any) -> pd.DataFrame:
            key = (store.url, layer, _hashable(kwargs))
            version = versions[layer]
            with self._lock:
                found = self._items.get(key)
                if found is not None and found[0] == version:
                    self._items.move_to_end(key)
                    return found[1]
            frame = store.read_layer(layer, **kwargs)
            with self._lock:
                self.reads += 1
                kept = self._items.get(key)
                if kept is None or kept[0] <= version:  # versions only grow
                    self._items[key] = (version, frame)
                    self._items.move_to_end(key)
                while len(self._items) > self.max_reads:
                    self._items.popitem(last=False)
            return frame

        return read


def _hashable(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _hashable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = [_hashable(v) for v in value]
        return tuple(sorted(items, key=repr) if isinstance(value, set | frozenset) else items)
    return value


def _check_layers(layers: Iterable[str] | None) -> tuple[str, ...]:
    if layers is None:
        return FRAME_LAYERS
    wanted = tuple(dict.fromkeys(layers))
    unknown = [name for name in wanted if name not in FRAME_LAYERS]
    if unknown:
        msg = f"no frame {', '.join(map(repr, unknown))}; use some of {', '.join(FRAME_LAYERS)}"
        raise InputError(msg)  # programmer error
    return wanted


def frame_reads(layers: Iterable[str] | None = None, *, scoped: bool = False) -> tuple[str, ...]:
    """Return the layers :func:`visible_frames` reads to give ``layers`` (its cache's key).

    Point layers are located in the grids, whose worker columns read workers and
    assignments; the counts of the grids read every point layer; a scoped user's
    assignments, workers and reference layers are restricted through the grids and
    communities.

    Parameters
    ----------
    layers
        Frames wanted (of :data:`FRAME_LAYERS`; ``None``: all).
    scoped
        Whether the user is scoped to communities.

    Returns
    -------
    tuple of str
        Layers of :data:`gridmap.model.LAYERS`, in :data:`FRAME_LAYERS` order.

    Examples
    --------
    >>> frame_reads(["communities"])
    ('communities',)
    >>> frame_reads(["bins"])
    ('grids', 'bins', 'workers', 'assignments')
    """
    wanted = set(_check_layers(layers))
    reads = set(wanted)
    if "grids" in wanted:  # community names and the counts of every point layer
        reads |= {"communities", *POINT_LAYERS}
    if reads & {*POINT_LAYERS, "workers", "assignments"}:
        reads.add("grids")  # points are located in grids; assignments restricted by them
    if "grids" in reads:
        reads |= {"workers", "assignments"}  # the grids' worker columns
    if scoped and reads & {*REFERENCE_LAYERS, "grids"}:
        reads.add("communities")
    return tuple(name for name in FRAME_LAYERS if name in reads)


def _store_reader(store: Store) -> Reader:
    def read(layer: str, **kwargs: Any) -> pd.DataFrame:
        return store.read_layer(layer, **kwargs)

    return read


def _bounds(frame: pd.DataFrame) -> tuple[float, float, float, float] | None:
    if not len(frame):
        return None
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    return (minx, miny, maxx, maxy)


def load_frames(
    store: Store,
    *,
    on: dt.date | None = None,
    layers: Iterable[str] | None = None,
    scope: Iterable[str] | None = None,
    read: Reader | None = None,
) -> dict[str, pd.DataFrame]:
    """Read map layers of the store and annotate them.

    Only the layers asked for are returned, and only what their annotation needs
    is read (:func:`frame_reads`). With ``scope`` the reads are narrowed in the
    store to what a user scoped to those communities can see: communities by
    code, grids by community, points and reference features by the bounding box
    (spatial index) of the scope's grids and communities; the frames then hold at
    least what :func:`restrict_frames` keeps for such a user, annotated exactly
    as in a full read (a point is located among every grid that could hold it).

    Parameters
    ----------
    store
        The store.
    on
        The day whose assignments count (default today).
    layers
        Frames to return (of :data:`FRAME_LAYERS`); ``None``: all of them.
    scope
        Community codes to narrow the reads to (``None``: the whole store). Pass
        the frames to :func:`restrict_frames` to apply the scope exactly.
    read
        How a layer is read (:data:`Reader`; default the store's ``read_layer``).

    Returns
    -------
    dict
        Layer name -> GeoDataFrame in EPSG:4326 with the columns described in the
        module docstring; ``"workers"`` (active and inactive workers) and
        ``"assignments"`` (valid on ``on``) are plain frames.

    Raises
    ------
    gridmap.errors.InputError
        If a layer is not one of :data:`FRAME_LAYERS`.
    gridmap.errors.StoreError
        If the store cannot be read.
    """
    wanted = _check_layers(layers)
    frames = _load(store, wanted, on=on, scope=scope, read=read)
    return {name: frames[name] for name in wanted}


def _load(
    store: Store,
    wanted: Sequence[str],
    *,
    on: dt.date | None,
    scope: Iterable[str] | None,
    read: Reader | None,
) -> dict[str, pd.DataFrame]:
    """Every frame :func:`frame_reads` names for ``wanted``, annotated (see :func:`load_frames`)."""
    day = on or dt.date.today()
    read = read or _store_reader(store)
    codes = None if scope is None else sorted(set(scope))
    reads = frame_reads(wanted, scoped=codes is not None)
    nothing = {"id": ()}  # a read that returns the layer's columns and no row
    frames: dict[str, pd.DataFrame] = {}
    if "communities" in reads:
        frames["communities"] = read(
            "communities", **({} if codes is None else {"where": {"code": codes}})
        )
    box: tuple[float, float, float, float] | None = None
    if "grids" in reads:
        if codes is None:
            grids = read("grids")
        else:
            grids = read("grids", where={"community": codes})
            box = _bounds(grids)
            if box is not None and any(layer in reads for layer in POINT_LAYERS):
                # every grid that could hold a point of the scope's grids, in store order:
                # a point is located in the first grid holding it, as in a full read
                grids = read("grids", bbox=box)
        frames["workers"] = read("workers", include_retired=True)
        frames["assignments"] = read("assignments", as_of=day)
        frames["grids"] = _worker_columns(grids, frames["assignments"], frames["workers"])
    for layer in POINT_LAYERS:
        if layer in reads:
            if codes is None:
                frames[layer] = read(layer)
            else:
                frames[layer] = read(layer, where=nothing) if box is None else read(layer, bbox=box)
    for layer in REFERENCE_LAYERS:
        if layer in reads:
            if codes is None:
                frames[layer] = read(layer)
            else:
                area = _bounds(frames["communities"])
                frames[layer] = (
                    read(layer, where=nothing) if area is None else read(layer, bbox=area)
                )
    if "grids" in frames:
        _annotate(frames, counts="grids" in wanted)
    return frames


def _annotate(frames: dict[str, pd.DataFrame], *, counts: bool) -> None:
    """Locate the points in the grids; with ``counts``, name and count the grids (in place)."""
    grids = frames["grids"]
    if "communities" in frames:
        communities = frames["communities"]
        community_names = dict(zip(communities["code"], communities["name"], strict=True))
        grids["community_name"] = [community_names.get(c, c) for c in grids["community"]]
    grid_community = dict(zip(grids["code"], grids["community"], strict=True))
    grid_worker = dict(zip(grids["code"], grids["worker"], strict=True))
    for layer in POINT_LAYERS:
        if layer not in frames:
            continue
        points = frames[layer].copy()
        grid_codes = (
            locate_points(points, grids, column="code")
            if len(grids)
            else pd.Series([None] * len(points), index=points.index, dtype=object)
        )
        points["grid"] = grid_codes.to_numpy()
        points["community"] = [grid_community.get(g) for g in points["grid"]]
        points["worker"] = [grid_worker.get(g) for g in points["grid"]]
        frames[layer] = points
        if not counts:
            continue
        if layer == "issues":
            open_mask = ~points["status"].isin(CLOSED_ISSUE_STATUSES)
            found = points.loc[open_mask, "grid"].value_counts()
            grids["open_issues"] = [int(found.get(c, 0)) for c in grids["code"]]
        else:
            found = points["grid"].value_counts()
            grids[layer] = [int(found.get(c, 0)) for c in grids["code"]]


def _intersecting(frame: gpd.GeoDataFrame, areas: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` that intersect any of ``areas``."""
    mask = np.zeros(len(frame), dtype=bool)
    if len(frame) == 0 or len(areas) == 0:
        return mask
    tree = shapely.STRtree(frame.geometry.to_numpy())
    hits = tree.query(areas, predicate="intersects")
    mask[np.unique(hits[1])] = True
    return mask


def restrict_frames(frames: Mapping[str, pd.DataFrame], user: User) -> dict[str, pd.DataFrame]:
    """Keep what ``user`` may see and mask phone numbers the user may not read.

    A user scoped to communities sees those communities, their grids, the point
    records and issues inside those grids, their workers and the reference
    features that touch them. Phone numbers are masked (``138****5678``)
    unless the user has the ``see_phones`` right.

    Parameters
    ----------
    frames
        The output of :func:`load_frames` (not changed).
    user
        Who looks.

    Returns
    -------
    dict
        The same keys, restricted (copies where anything changed).
    """
    out = dict(frames)
    if not auth.can(user, "see_phones"):
        if "grids" in out:
            grids = out["grids"].copy()
            grids["phone"] = [mask_phone(p) for p in grids["phone"]]
            out["grids"] = grids
        if "workers" in out:
            workers = out["workers"].copy()
            workers["phone"] = [mask_phone(p) for p in workers["phone"]]
            out["workers"] = workers
    if user.scope is None:
        return out
    scope = set(user.scope)
    if "communities" in out:
        communities = out["communities"]
        out["communities"] = communities[communities["code"].isin(scope)].copy()
    if "grids" in out:
        grids = out["grids"]
        out["grids"] = grids[grids["community"].isin(scope)].copy()
    for layer in POINT_LAYERS:
        if layer in out:
            points = out[layer]
            out[layer] = points[points["community"].isin(scope)].copy()
    if "assignments" in out:
        _need(out, "grids", "assignments")
        grid_codes = set(out["grids"]["code"])
        assignments = out["assignments"]
        out["assignments"] = assignments[assignments["grid"].isin(grid_codes)].copy()
    if "workers" in out:
        _need(out, "assignments", "workers")
        workers = out["workers"]
        out["workers"] = workers[workers["code"].isin(set(out["assignments"]["worker"]))].copy()
    for layer in REFERENCE_LAYERS:
        if layer in out:
            _need(out, "communities", layer)
            frame = out[layer]
            areas = out["communities"].geometry.to_numpy()
            out[layer] = frame[_intersecting(frame, areas)].copy()
    return out


def _need(frames: Mapping[str, Any], needed: str, layer: str) -> None:
    if needed not in frames:  # restricting without it would show the whole layer
        msg = f"restricting {layer} to a scope needs the {needed} frame"
        raise InputError(msg)  # programmer error


def visible_frames(
    store: Store,
    user: User,
    *,
    on: dt.date | None = None,
    layers: Iterable[str] | None = None,
    read: Reader | None = None,
) -> dict[str, pd.DataFrame]:
    """Return the frames ``user`` may see: :func:`load_frames` then :func:`restrict_frames`.

    The user's scope is pushed into the reads (``scope=`` of :func:`load_frames`),
    so a user scoped to a community reads about that community only.

    Parameters
    ----------
    store
        The store.
    user
        Who looks (needs the ``view`` right).
    on
        The day whose assignments count (default today).
    layers
        Frames to return (of :data:`FRAME_LAYERS`); ``None``: all of them.
    read
        How a layer is read (see :func:`load_frames`).

    Returns
    -------
    dict
        Layer name -> frame, as :func:`load_frames` describes.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not view.
    gridmap.errors.InputError
        If a layer is not one of :data:`FRAME_LAYERS`.
    """
    auth.require(user, "view")
    wanted = _check_layers(layers)
    frames = _load(store, wanted, on=on, scope=user.scope, read=read)
    restricted = restrict_frames(frames, user)
    return {name: restricted[name] for name in wanted}


def _contains_any(values: Iterable[Any], wanted: set[str]) -> bool:
    return any(v in wanted for v in values)


def filter_frames(
    frames: Mapping[str, pd.DataFrame],
    *,
    communities: Sequence[str] | None = None,
    workers: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Narrow the frames to some communities, workers, point layers and statuses.

    Every filter left as ``None`` (or empty) keeps everything.

    Parameters
    ----------
    frames
        Output of :func:`visible_frames`.
    communities
        Community codes: keep these communities, their grids and the points in them.
    workers
        Worker names: keep the grids any of them works in, and the points in those grids.
    layers
        Point layers to keep (of :data:`POINT_LAYERS`); the others become empty.
    statuses
        Keep only points whose ``status`` is one of these (point and issue statuses).

    Returns
    -------
    dict
        Filtered copies (unchanged layers are shared, not copied).
    """
    out = dict(frames)
    grids = out["grids"]
    keep = np.ones(len(grids), dtype=bool)
    if communities:
        wanted = set(communities)
        keep &= grids["community"].isin(wanted).to_numpy()
        comms = out["communities"]
        out["communities"] = comms[comms["code"].isin(wanted)]
    if workers:
        wanted_workers = set(workers)
        keep &= np.array(
            [_contains_any(names, wanted_workers) for names in grids["worker_names"]], dtype=bool
        )
    if communities or workers:
        out["grids"] = grids[keep]
        grid_codes = set(out["grids"]["code"])
        for layer in POINT_LAYERS:
            points = out[layer]
            out[layer] = points[points["grid"].isin(grid_codes)]
    if layers:
        for layer in POINT_LAYERS:
            if layer not in layers:
                out[layer] = _empty_like(out[layer])
    if statuses:
        wanted_status = set(statuses)
        for layer in POINT_LAYERS:
            points = out[layer]
            out[layer] = points[points["status"].isin(wanted_status)]
    return out


@dataclass(frozen=True)
class SearchHit:
    """One search result: a grid found by its code or by a worker's name.

    ``bounds`` is ``(min_lon, min_lat, max_lon, max_lat)`` in EPSG:4326.
    """

    grid: str
    label: str
    bounds: tuple[float, float, float, float]


def search(frames: Mapping[str, pd.DataFrame], text: str, *, limit: int = 20) -> list[SearchHit]:
    """Find grids whose code contains ``text`` or whose workers' names contain it.

    Parameters
    ----------
    frames
        Output of :func:`visible_frames` (so only visible grids are found).
    text
        Part of a grid code or of a worker's name (case-insensitive).
    limit
        At most this many hits.

    Returns
    -------
    list of SearchHit
        Exact code matches first, then by code.
    """
    needle = text.strip().lower()
    if not needle:
        return []
    grids = frames["grids"]
    hits = []
    for code, names, geom in zip(grids["code"], grids["worker_names"], grids.geometry, strict=True):
        by_code = needle in str(code).lower()
        matched = [n for n in names if needle in str(n).lower()]
        if not by_code and not matched:
            continue
        label = str(code) if by_code or not matched else f"{code} · {'、'.join(matched)}"
        minx, miny, maxx, maxy = (float(v) for v in geom.bounds)
        hits.append((str(code).lower() != needle, str(code), label, (minx, miny, maxx, maxy)))
    hits.sort()
    return [SearchHit(code, label, bounds) for _, code, label, bounds in hits[:limit]]


# --------------------------------------------------------------------------------------
# city size: reads of what a page shows, never whole layers (gridmap.store.mapreads)
# --------------------------------------------------------------------------------------


def map_size(store: Store) -> int:
    """Return how many features a map of the store draws (communities, grids, points, issues).

    The count :func:`gridmap.maps.tiles.use_tiles` decides on: above the
    ``map_tile_threshold`` setting the map is drawn from tiles and pages read only
    what they show (:func:`visible_extent`, :func:`find_grid`, :func:`point_record`).
    """
    from gridmap.store import mapreads

    return mapreads.map_feature_count(store)


def visible_extent(store: Store, user: User) -> tuple[float, float, float, float] | None:
    """Return the bounds (WGS-84) of the communities ``user`` may see, or None if none."""
    from gridmap.store import mapreads

    auth.require(user, "view")
    return mapreads.community_extent(store, user.scope)


def find_grid(store: Store, code: str, user: User) -> SearchHit | None:
    """Return the grid with exactly this code as a search hit, if ``user`` may see it."""
    from gridmap.store import mapreads

    auth.require(user, "view")
    grid = mapreads.grid_record(store, code.strip())
    if grid is None or grid["geometry"] is None:
        return None
    if user.scope is not None and grid["community"] not in set(user.scope):
        return None
    minx, miny, maxx, maxy = (float(v) for v in grid["geometry"].bounds)
    return SearchHit(str(grid["code"]), str(grid["code"]), (minx, miny, maxx, maxy))


def point_record(store: Store, hit: Mapping[str, Any], user: User) -> dict[str, Any] | None:
    """Return the attributes of a point found by :func:`gridmap.tiles.identify`.

    Parameters
    ----------
    store
        The store.
    hit
        The answer of :func:`gridmap.tiles.identify` for a point layer (``layer``,
        ``id``, ``lon``, ``lat``, ``grid``, ``community``).
    user
        Who looks (identify already kept to the user's scope).

    Returns
    -------
    dict or None
        ``layer``, ``id``, ``lon``, ``lat``, the layer's canonical columns (empty
        ones left out), ``grid`` and ``community``; None if the point is gone.
    """
    auth.require(user, "view")
    layer = str(hit["layer"])
    lon, lat = float(hit["lon"]), float(hit["lat"])
    eps = 1e-9
    frame = store.read_layer(layer, bbox=(lon - eps, lat - eps, lon + eps, lat + eps))
    rows = frame[frame["id"] == int(hit["id"])]
    if rows.empty:
        return None
    row = rows.iloc[0]
    out: dict[str, Any] = {"layer": layer, "id": int(hit["id"]), "lon": lon, "lat": lat}
    for name in [c for c in frame.columns if c != frame.geometry.name]:
        value = row[name]
        if name == "id" or value is None or (
                not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
            continue
        out[name] = value.item() if isinstance(value, np.generic) else value
    out["grid"], out["community"] = hit.get("grid"), hit.get("community")
    return out
