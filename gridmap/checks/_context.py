"""The shared state of one check run: layers in a metric CRS, grids, workers, the date.

Rules never reproject or look up workers themselves: they ask the
:class:`Context` for a layer in metres (:meth:`Context.metric`), for the
community of some places (:meth:`Context.community_of`), and return
:class:`Finding` objects in metres; the registry attaches grid, community and
workers to all findings of a rule at once and converts geometries back to
EPSG:4326. A rule reads as: select its :class:`Objects`, call a core of
:mod:`gridmap.checks.core`, turn the failing rows into findings with
:meth:`Objects.finding`, and return an :class:`Outcome` (:meth:`Outcome.skipped`
when there is nothing to check).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from gridmap.crs import metric_crs, points_from_lonlat, points_lonlat, to_metric, to_wgs84
from gridmap.errors import InputError
from gridmap.locate import polygon_index_of_points
from gridmap.model import LAYERS

__all__ = ["ABSENT", "Context", "Finding", "Findings", "Objects", "Outcome"]

#: Time zone of times written without one (field times: China Standard Time, as gridmap.io reads
#: them); dates given as ``as_of`` begin at midnight in it.
FIELD_TZ = dt.timezone(dt.timedelta(hours=8))

_ROLE_ORDER = {"grid_head": 0, "full_time": 1, "part_time": 2, "volunteer": 3}
_TRUE = {"true", "1", "1.0", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "0.0", "no", "n", "否", "f"}


@dataclass
class Finding:
    """One failing object as a rule sees it (metric CRS), before grid and workers are known.

    Parameters
    ----------
    layer, object_id, name
        The failing object.
    measured
        The measured figure, in the rule's unit (``None`` if it cannot be measured).
    key
        Message key: the texts are ``checks.msg.<key>`` in :mod:`gridmap.i18n`.
    args
        Values for the message's fields.
    geometry
        What to draw, in the run's metric CRS.
    anchor
        Point (metric) deciding the grid; default a point on ``geometry``.
    grid, community
        Known grid or community code (grid-level rules), instead of locating ``anchor``.
    details
        Extra figures for the JSON output; geometries here are converted to lon/lat.
    threshold
        The threshold this object was held to, when it differs by object (e.g. the
        spacing of its road class); default the rule's.
    geometry_wgs84
        ``geometry`` in EPSG:4326 when the rule has it (an object's own shape as
        read), so that it is not projected back; default projected.
    """

    layer: str
    object_id: str
    name: str | None
    measured: float | None
    key: str
    args: dict[str, Any]
    geometry: Any
    anchor: Any = None
    grid: str | None = None
    community: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    threshold: Any = None
    geometry_wgs84: Any = None


class _Absent:
    """Marks a cell of a :class:`Findings` column that the row does not have."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __reduce__(self) -> str:
        return "ABSENT"


#: The value of a :class:`Findings` ``args``/``details`` cell a row does not have.
ABSENT = _Absent()


def _column(values: Any, n: int) -> NDArray[np.object_]:
    """Return ``values`` (one value, or one per row) as an object array of ``n`` cells."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype == object:
        return values.copy()
    if isinstance(values, np.ndarray | list | pd.Series):
        items = values.tolist() if isinstance(values, np.ndarray | pd.Series) else values
        return np.fromiter(items, dtype=object, count=n)
    arr = np.empty(n, dtype=object)
    arr.fill(values)
    return arr


@dataclass
class Findings:
    """Failing objects as columns (metric CRS): what a rule returns for many failures at once.

    The columnar form of a list of :class:`Finding`: one array (or one value for
    every row) per field. ``args`` and ``details`` map a name to one value per row
    (:data:`ABSENT` where a row lacks it). Messages are not formatted here: the
    result renders them only for the rows shown or exported.

    Parameters
    ----------
    layer, object_id, name, measured, key, geometry, anchor, grid, community, threshold, \
    geometry_wgs84
        As for :class:`Finding`; ``measured`` is float64 with NaN for "cannot be
        measured"; ``anchor``, ``grid``, ``community``, ``threshold`` and
        ``geometry_wgs84`` are ``None`` (every row unset) or one value per row.
    args, details
        Name -> one value per row.
    """

    layer: NDArray[np.object_]
    object_id: NDArray[np.object_]
    name: NDArray[np.object_]
    measured: NDArray[np.float64]
    key: NDArray[np.object_]
    geometry: NDArray[np.object_]
    args: dict[str, NDArray[np.object_]] = field(default_factory=dict)
    details: dict[str, NDArray[np.object_]] = field(default_factory=dict)
    anchor: NDArray[np.object_] | None = None
    grid: NDArray[np.object_] | None = None
    community: NDArray[np.object_] | None = None
    threshold: NDArray[np.object_] | None = None
    geometry_wgs84: NDArray[np.object_] | None = None

    def __len__(self) -> int:
        return len(self.object_id)

    @classmethod
    def build(
        cls,
        n: int,
        *,
        layer: Any,
        object_id: Any,
        name: Any,
        measured: Any,
        key: Any,
        geometry: Any,
        args: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
        anchor: Any = None,
        grid: Any = None,
        community: Any = None,
        threshold: Any = None,
        geometry_wgs84: Any = None,
    ) -> Findings:
        """Return ``n`` findings; each field is one value for all rows or one per row."""
        m = np.asarray(measured, dtype=object) if not np.isscalar(measured) else measured
        if isinstance(m, np.ndarray):
            meas = np.array([np.nan if v is None else float(v) for v in m.tolist()],
                            dtype=np.float64) if m.dtype == object else m.astype(np.float64)
        else:
            meas = np.full(n, np.nan if m is None else float(m))
        return cls(
            layer=_column(layer, n),
            object_id=np.array([str(v) for v in _column(object_id, n)], dtype=object)
            if n else np.zeros(0, dtype=object),
            name=_column(name, n),
            measured=meas.reshape(n),
            key=_column(key, n),
            geometry=_column(geometry, n),
            args={k: _column(v, n) for k, v in (args or {}).items()},
            details={k: _column(v, n) for k, v in (details or {}).items()},
            anchor=None if anchor is None else _column(anchor, n),
            grid=None if grid is None else _column(grid, n),
            community=None if community is None else _column(community, n),
            threshold=None if threshold is None else _column(threshold, n),
            geometry_wgs84=None if geometry_wgs84 is None else _column(geometry_wgs84, n),
        )

    @classmethod
    def from_list(cls, found: list[Finding]) -> Findings:
        """Return a list of :class:`Finding` as columns (absent args/details -> ABSENT)."""
        n = len(found)

        def keyed(attr: str) -> dict[str, list[Any]]:
            names: dict[str, None] = {}
            for f in found:
                names.update(dict.fromkeys(getattr(f, attr)))
            return {k: [getattr(f, attr).get(k, ABSENT) for f in found] for k in names}

        def optional(attr: str) -> list[Any] | None:
            values = [getattr(f, attr) for f in found]
            return values if any(v is not None for v in values) else None

        return cls.build(
            n,
            layer=[f.layer for f in found],
            object_id=[f.object_id for f in found],
            name=[f.name for f in found],
            measured=np.array([f.measured for f in found], dtype=object),
            key=[f.key for f in found],
            geometry=[f.geometry for f in found],
            args=keyed("args"),
            details=keyed("details"),
            anchor=optional("anchor"),
            grid=optional("grid"),
            community=optional("community"),
            threshold=optional("threshold"),
            geometry_wgs84=optional("geometry_wgs84"),
        )


@dataclass
class Outcome:
    """What a rule function returns.

    Parameters
    ----------
    checked_community
        Community code (or ``None``) of every object checked; its length is the
        number checked.
    findings
        The failing objects: a list of :class:`Finding`, or :class:`Findings`
        (columns) when there can be many.
    coverage
        Shapes to draw with the failures (metric CRS), e.g. coverage circles.
    coverage_kind
        One label per coverage shape (``"reach"``, ``"school_buffer"`` ...).
    note
        Why nothing was checked, if so.
    """

    checked_community: NDArray[np.object_]
    findings: list[Finding] | Findings = field(default_factory=list)
    coverage: Any = None
    coverage_kind: Any = None
    note: str = ""

    @classmethod
    def skipped(cls, note: str) -> Outcome:
        """Return the outcome of a rule that checked nothing, saying why (``note``)."""
        return cls(np.zeros(0, dtype=object), note=note)


class Objects:
    """The objects one rule checks: rows of a layer (metric) with ids, names and places.

    Rules select their objects (a layer, or some of its rows), compute a measure
    per object with a core, and turn the failing rows into findings with
    :meth:`finding`, which fills in the layer, id, name, geometry and anchor.

    Parameters
    ----------
    ctx
        The run.
    layer
        Layer the objects come from (the ``layer`` of their findings).
    frame
        The rows checked, in the run's metric CRS (default the whole layer).
    place_key
        Cache key of :meth:`Context.place`: with it, findings are anchored on a
        point on each geometry and :attr:`checked` comes from the same cache.
    """

    def __init__(
        self,
        ctx: Context,
        layer: str,
        frame: pd.DataFrame | None = None,
        *,
        place_key: str | None = None,
    ) -> None:
        self.layer = layer
        self._ctx = ctx
        self._place_key = place_key
        self._whole = frame is None  # the whole layer: what it costs is kept for the run
        self.frame = ctx.metric(layer) if frame is None else frame
        self.geoms = self.frame.geometry.to_numpy()

    def _per_run(self, what: str, make: Any) -> Any:
        """Return ``make()``, computed once per run for a whole layer (rules share layers)."""
        if not self._whole:
            return make()
        return self._ctx.cache(f"objects:{self.layer}:{what}", make)

    @cached_property
    def ids(self) -> NDArray[np.object_]:
        """Identifier of each object (:func:`object_ids`), made when first asked for."""
        return self._per_run("ids", lambda: object_ids(self.frame))

    @cached_property
    def labels(self) -> NDArray[np.object_]:
        """Name of each object (``None`` where missing), made when first asked for."""
        return self._per_run("labels", lambda: col(self.frame, "name"))

    @cached_property
    def _shapes_wgs84(self) -> Any:
        """Each object's shape as read (EPSG:4326) where it is a row of the layer, else None."""
        ctx = self._ctx
        if self._whole:
            return ctx.geoms_wgs84(self.layer)
        frame = ctx.layers.get(self.layer)
        read = isinstance(frame, gpd.GeoDataFrame) or _lonlat_columns(self.layer, frame) is not None
        if not read or self.frame.empty:
            return None
        metric = ctx.metric(self.layer)
        if not metric.index.is_unique:
            return None
        pos = metric.index.get_indexer(self.frame.index)
        found = np.flatnonzero(pos >= 0)
        # the very geometry object of the layer's row (not one the rule made from it)
        same = np.fromiter(map(operator.is_, self.geoms[found].tolist(),
                               metric.geometry.to_numpy()[pos[found]].tolist()),
                           dtype=bool, count=len(found))
        source = np.full(len(self.frame), -1, dtype=np.int64)
        source[found[same]] = pos[found[same]]
        return _Picked(ctx.geoms_wgs84(self.layer), source)

    @cached_property
    def grid_index(self) -> NDArray[np.int64]:
        """Position of the grid holding each object's geometry (points), -1 for none."""
        return self._per_run("grid_index", lambda: self._ctx.grid_index(self.geoms))

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def empty(self) -> bool:
        """True when there is nothing to check."""
        return len(self.frame) == 0

    @cached_property
    def _places(self) -> tuple[NDArray[np.object_] | None, NDArray[np.object_]]:
        if self._place_key is None:
            return None, self._per_run("community", lambda: self._ctx.community_of(
                self.geoms, grid_index=self.grid_index))
        return self._ctx.place(self._place_key, self.geoms)

    @property
    def anchors(self) -> NDArray[np.object_] | None:
        """A point on each geometry (with ``place_key``), else ``None``."""
        return self._places[0]

    @property
    def checked(self) -> NDArray[np.object_]:
        """Community of each object (the ``checked_community`` of an :class:`Outcome`)."""
        return self._places[1]

    def label(self, i: int) -> str:
        """Return object ``i``'s name, else its id (the text messages show)."""
        return self.labels[i] or self.ids[i]

    def finding(
        self, i: int, *, key: str, measured: float | None, args: dict[str, Any], **more: Any
    ) -> Finding:
        """Return the finding of object ``i``; ``more`` sets or overrides further fields.

        Layer, id, name, geometry and anchor default to the object's own (the
        anchor only with ``place_key``).
        """
        fields: dict[str, Any] = {
            "layer": self.layer,
            "object_id": self.ids[i],
            "name": self.labels[i],
            "geometry": self.geoms[i],
        }
        if self._shapes_wgs84 is not None and "geometry" not in more:
            fields["geometry_wgs84"] = self._shapes_wgs84[i]
        if self.anchors is not None:
            fields["anchor"] = self.anchors[i]
        return Finding(**{**fields, **more}, measured=measured, key=key, args=args)

    def findings(
        self,
        rows: Any,
        *,
        key: Any,
        measured: Any,
        args: Mapping[str, Any],
        **more: Any,
    ) -> Findings:
        """Return the findings of objects ``rows`` as columns (see :meth:`finding`).

        ``key``, ``measured``, each of ``args`` and each of ``more`` (``details``,
        ``threshold`` ...) is one value for every row or one value per row.
        """
        rows = np.asarray(rows, dtype=np.int64)
        fields: dict[str, Any] = {
            "layer": self.layer,
            "object_id": self.ids[rows],
            "name": self.labels[rows] if len(rows) else [],
            "geometry": self.geoms[rows],
        }
        if self._shapes_wgs84 is not None and "geometry" not in more:
            fields["geometry_wgs84"] = self._shapes_wgs84[rows]  # as read: not projected back
        if self.anchors is not None:
            fields["anchor"] = self.anchors[rows]
            if not {"anchor", "grid", "community"} & more.keys():
                # the grid the registry would find for the anchor, found once per run
                gi = self._ctx.place_grid(self._place_key, self.geoms)[rows]
                if len(self._ctx.grid_codes):
                    inside, safe = gi >= 0, np.clip(gi, 0, None)
                    fields["grid"] = np.where(inside, self._ctx.grid_codes[safe], None)
                    fields["community"] = np.where(inside, self._ctx.grid_community[safe], None)
        return Findings.build(len(rows), **{**fields, **more}, measured=measured, key=key,
                              args=args)

    def label_of(self, rows: Any) -> NDArray[np.object_]:
        """Return the names of objects ``rows``, else their ids (:meth:`label`, vectorised)."""
        rows = np.asarray(rows, dtype=np.int64)
        labels = self.labels[rows] if len(rows) else np.zeros(0, object)
        ids = self.ids[rows]
        out = labels.copy()
        empty = np.array([not v for v in labels.tolist()], dtype=bool)
        out[empty] = ids[empty]
        return out


def texts(values: Any) -> NDArray[np.object_]:
    """Return values as stripped texts, ``None`` where missing or empty (vectorised)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if len(series) == 0:
        return np.zeros(0, dtype=object)
    out = series.astype("string").str.strip().to_numpy(dtype=object, na_value=None)
    out[out == ""] = None
    return out


def col(frame: pd.DataFrame, name: str) -> NDArray[np.object_]:
    """Return column ``name`` as :func:`texts`; all ``None`` when the frame lacks it."""
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return texts(frame[name])


def to_bool(series: pd.Series, default: bool) -> NDArray[np.bool_]:
    """Return a boolean array from a column of bools/texts/numbers; missing -> ``default``."""
    if pd.api.types.is_bool_dtype(series.dtype) and not series.isna().any():
        return series.to_numpy(dtype=bool)
    out = np.full(len(series), default, dtype=bool)
    if len(series) == 0:
        return out
    lowered = np.array([w.lower() if w is not None else "" for w in texts(series)], dtype=object)
    out[np.isin(lowered, list(_TRUE))] = True
    out[np.isin(lowered, list(_FALSE))] = False
    return out


def to_number(series: pd.Series) -> NDArray[np.float64]:
    """Return a float array (missing or non-numeric -> NaN)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def to_timestamp(series: pd.Series) -> pd.Series:
    """Return UTC timestamps; values without a zone are field times (:data:`FIELD_TZ`)."""
    values = pd.Series(list(series), dtype=object, index=series.index)
    aware = np.array([getattr(v, "tzinfo", None) is not None for v in values], dtype=bool)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]")
    if aware.any():
        out[aware] = pd.to_datetime(values[aware], errors="coerce", utc=True, format="mixed")
    if (~aware).any():
        naive = pd.to_datetime(values[~aware], errors="coerce", format="mixed")
        out[~aware] = naive.dt.tz_localize(FIELD_TZ).dt.tz_convert("UTC")
    return out


def _lonlat_columns(layer: str, frame: Any) -> tuple[NDArray, NDArray] | None:
    """Return a point layer's lon/lat columns when it was read as such (no geometry)."""
    spec = LAYERS.get(layer)
    if (spec is None or spec.geometry is None or frame is None
            or isinstance(frame, gpd.GeoDataFrame)
            or "lon" not in frame.columns or "lat" not in frame.columns):
        return None
    return (frame["lon"].to_numpy(dtype=np.float64), frame["lat"].to_numpy(dtype=np.float64))


class _Picked:
    """Rows of ``base`` by position (``None`` where the position is -1), taken when asked for."""

    def __init__(self, base: Any, source: NDArray[np.int64]) -> None:
        self.base, self.source = base, source

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, rows: Any) -> Any:
        where = self.source[rows]
        if np.ndim(where) == 0:
            return None if where < 0 else self.base[int(where)]
        out = np.full(len(where), None, dtype=object)
        have = np.flatnonzero(where >= 0)
        if len(have):
            out[have] = self.base[where[have]]
        return out


class LonLatPoints:
    """WGS-84 points kept as their coordinates, made only for the rows asked for."""

    def __init__(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> None:
        self.lon, self.lat = lon, lat

    def __len__(self) -> int:
        return len(self.lon)

    def __getitem__(self, rows: Any) -> Any:
        """Point ``rows`` (an int: one point; an index array or mask: an array of them)."""
        return shapely.points(self.lon[rows], self.lat[rows])


def rounded_or_none(values: Any, digits: int) -> NDArray[np.object_]:
    """Return ``round(v, digits)`` of each finite value, ``None`` for the others (vectorised)."""
    floats = np.asarray(values, dtype=np.float64)
    out = np.full(len(floats), None, dtype=object)
    finite = np.flatnonzero(np.isfinite(floats))
    if len(finite):
        out[finite] = list(map(round, floats[finite].tolist(), repeat(digits)))
    return out


def text(value: Any) -> str | None:
    """Return a value as text, or ``None`` when it is missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    s = str(value).strip()
    return s or None


def object_ids(frame: pd.DataFrame) -> NDArray[np.object_]:
    """Return one identifier per row: its code, else its name, else its store id, else ``#n``."""
    out = np.full(len(frame), None, dtype=object)
    missing = np.arange(len(frame))
    for column in ("code", "name", "id"):  # earlier columns win
        if not len(missing):
            break
        if column in frame.columns:
            values = texts(frame[column].iloc[missing])
            out[missing] = values
            missing = missing[values == None]  # noqa: E711 - elementwise
    out[missing] = [f"#{i + 1}" for i in missing.tolist()]
    return out


def names(frame: pd.DataFrame) -> list[str | None]:
    """Return the ``name`` of each row (``None`` where missing)."""
    return list(col(frame, "name"))


class Context:
    """Layers of one check run and the lookups every rule needs.

    Parameters
    ----------
    layers
        Layer name -> frame as :meth:`gridmap.store.Store.read_layer` returns it
        (EPSG:4326 GeoDataFrames; ``assignments``, ``workers`` and ``maintenance``
        as plain frames). Missing layers count as empty.
    as_of
        Date whose assignments name the responsible workers.
    now
        Moment (UTC) used for deadlines and ages.
    community
        Community code the run is limited to, or ``None``.
    """

    def __init__(
        self,
        layers: Mapping[str, pd.DataFrame],
        *,
        as_of: dt.date,
        now: dt.datetime,
        community: str | None = None,
    ) -> None:
        # (a mapping that reads each layer when first asked for is kept as it is)
        self.layers = dict(layers) if isinstance(layers, dict) else layers
        self.as_of = as_of
        self.now = now
        self.community = community
        self._metric: dict[str, gpd.GeoDataFrame] = {}
        self._cache: dict[str, Any] = {}
        self._wgs84: dict[str, NDArray[np.object_]] = {}
        self.crs = self._choose_crs()

        grids = self.metric("grids")
        self.grid_codes = col(grids, "code")
        self.grid_community = col(grids, "community")
        self.grid_geoms = grids.geometry.to_numpy()
        self.community_of_grid = dict(zip(self.grid_codes, self.grid_community, strict=True))
        communities = self.metric("communities")
        self.community_codes = col(communities, "code")
        self.community_geoms = communities.geometry.to_numpy()
        known = (set(self.community_codes) | set(self.grid_community)) - {None}
        if community is not None and community not in known:
            raise InputError.keyed(
                "rules.unknown_community", community=community, known=sorted(known)
            )
        self.grid_workers, self.grid_roles = self._workers()

    # ----------------------------------------------------------------- layers

    def _choose_crs(self) -> Any:
        order = [
            "communities",
            "grids",
            *[k for k in self.layers if k not in ("communities", "grids")],
        ]
        for name in order:
            frame = self.layers.get(name)
            lonlat = _lonlat_columns(name, frame)
            if lonlat is not None and len(lonlat[0]):
                lon, lat = lonlat
                return metric_crs((lon.min() + lon.max()) / 2.0, (lat.min() + lat.max()) / 2.0)
            if not isinstance(frame, gpd.GeoDataFrame) or frame.empty:
                continue
            geoms = frame.geometry
            valid = geoms[~(geoms.isna() | geoms.is_empty)]
            if len(valid) and np.isfinite(valid.total_bounds).all():
                return metric_crs(gpd.GeoSeries(valid, crs=frame.crs))
        return None

    def cache(self, key: str, make: Any) -> Any:
        """Return ``make()``, computed once per run under ``key`` (configuration, trees)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def place(self, key: str, geoms: Any) -> tuple[NDArray[np.object_], NDArray[np.object_]]:
        """Return a point on each geometry and its community, cached under ``key``.

        Several rules check the same objects (residential buildings, compounds);
        this computes their representative points (:func:`shapely.point_on_surface`)
        and communities once per run. ``key`` must name the same geometries each time.
        """
        arr = np.asarray(geoms, dtype=object)

        anchors, communities, _ = self._place(key, arr)
        return anchors, communities

    def place_grid(self, key: str, geoms: Any) -> NDArray[np.int64]:
        """Return the grid of each anchor of :meth:`place` (the nearest one outside every grid).

        The position in :attr:`grid_codes`, -1 where there is no anchor or no grid;
        what the registry would find for the anchors, computed once per run.
        """
        return self._place(key, np.asarray(geoms, dtype=object))[2]

    def _place(self, key: str, arr: NDArray[np.object_]) -> tuple[Any, Any, Any]:
        def make() -> tuple[Any, Any, Any]:
            anchors = shapely.point_on_surface(arr) if len(arr) else arr
            inside = self.grid_index(anchors) if len(arr) else np.zeros(0, dtype=np.int64)
            communities = self.community_of(anchors, grid_index=inside)
            return anchors, communities, self._nearest_grid(anchors, inside.copy())

        return self.cache(f"place:{key}:{len(arr)}", make)

    def frame(self, layer: str) -> pd.DataFrame:
        """Return layer ``layer`` as given (EPSG:4326), or an empty frame with its columns."""
        frame = self.layers.get(layer)
        if frame is not None:
            return frame
        spec = LAYERS.get(layer)
        columns = [c.name for c in spec.columns] if spec else []
        if spec is not None and spec.geometry is not None:
            return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs="EPSG:4326")
        return pd.DataFrame({c: [] for c in columns})

    def metric(self, layer: str) -> gpd.GeoDataFrame:
        """Return layer ``layer`` in the run's metric CRS, rows without geometry dropped.

        The result is cached; treat it as read-only. Its index is the input's.
        """
        if layer in self._metric:
            return self._metric[layer]
        frame = self.frame(layer)
        lonlat = _lonlat_columns(layer, frame)
        if lonlat is not None:  # points read as lon/lat: projected points made once
            rest = frame.drop(columns=["lon", "lat"])
            if self.crs is None:
                geoms, crs = shapely.points(*lonlat), "EPSG:4326"
            else:
                geoms, crs = points_from_lonlat(*lonlat, self.crs), self.crs
            self._wgs84[layer] = LonLatPoints(*lonlat)
            out = gpd.GeoDataFrame(
                rest, geometry=gpd.GeoSeries(geoms, index=rest.index, crs=crs), crs=crs)
            self._metric[layer] = out
            return out
        if not isinstance(frame, gpd.GeoDataFrame):
            msg = f"layer {layer!r} has no geometry"
            raise InputError(msg)  # programmer error
        geoms = frame.geometry
        keep = ~(geoms.isna() | geoms.is_empty).to_numpy()
        if not keep.all():  # (a mask copies every column even when it keeps every row)
            frame = frame[keep]
        self._wgs84[layer] = frame.geometry.to_numpy()
        if self.crs is None or frame.empty:
            out = frame.copy() if self.crs is None else frame.set_crs(self.crs, allow_override=True)
        else:
            out = to_metric(frame, crs=self.crs)
        self._metric[layer] = out
        return out

    def to_wgs84(self, geoms: Iterable[Any]) -> NDArray[np.object_]:
        """Return metric geometries (``None`` allowed) in EPSG:4326."""
        arr = np.asarray(list(geoms), dtype=object)
        if len(arr) == 0 or self.crs is None:
            return arr
        return to_wgs84(gpd.GeoSeries(arr, crs=self.crs)).to_numpy()

    def lonlat(self, points: Any) -> NDArray[np.float64]:
        """Return the lon/lat of metric points as an ``(n, 2)`` array (``NaN`` for ``None``)."""
        return points_lonlat(points, 4326 if self.crs is None else self.crs)

    def geoms_wgs84(self, layer: str) -> NDArray[np.object_]:
        """Return the geometries of :meth:`metric` ``layer`` as read, in EPSG:4326 (row for row)."""
        self.metric(layer)
        return self._wgs84[layer]

    def from_wgs84(self, geoms: Iterable[Any]) -> NDArray[np.object_]:
        """Return EPSG:4326 geometries in the run's metric CRS."""
        arr = np.asarray(list(geoms), dtype=object)
        if len(arr) == 0 or self.crs is None:
            return arr
        return to_metric(gpd.GeoSeries(arr, crs="EPSG:4326"), crs=self.crs).to_numpy()

    # ----------------------------------------------------------------- where

    def grid_index(self, points: Any, *, nearest: bool = False) -> NDArray[np.int64]:
        """Return the position of the grid holding each point (metric), -1 for none.

        With ``nearest``, a point in no grid gets the nearest grid instead.
        """
        pts = np.asarray(points, dtype=object)
        idx = polygon_index_of_points(pts, self.grid_geoms)
        return self._nearest_grid(pts, idx) if nearest else idx

    def _nearest_grid(self, pts: NDArray[np.object_], idx: NDArray[np.int64]) -> NDArray[np.int64]:
        """Fill ``idx`` (of :meth:`grid_index`) with the nearest grid where a point is in none."""
        if len(self.grid_geoms) and (idx < 0).any():
            missing = np.flatnonzero((idx < 0) & ~shapely.is_missing(pts))
            missing = missing[~shapely.is_empty(pts[missing])]
            if len(missing):
                tree = shapely.STRtree(self.grid_geoms)
                src, dst = tree.query_nearest(pts[missing], all_matches=False)
                idx[missing[src]] = dst
        return idx

    def community_of(
        self, points: Any, *, grid_index: NDArray[np.int64] | None = None
    ) -> NDArray[np.object_]:
        """Return the community code of each point (metric): its grid's, else the polygon's.

        ``grid_index`` is :meth:`grid_index` of the points when the caller has it.
        """
        pts = np.asarray(points, dtype=object)
        out = np.full(len(pts), None, dtype=object)
        if len(pts) == 0:
            return out
        gi = self.grid_index(pts) if grid_index is None else grid_index
        have = gi >= 0
        out[have] = self.grid_community[gi[have]]
        rest = np.flatnonzero(~have)
        if len(rest) and len(self.community_geoms):
            ci = polygon_index_of_points(pts[rest], self.community_geoms)
            ok = ci >= 0
            out[rest[ok]] = self.community_codes[ci[ok]]
        return out

    # ----------------------------------------------------------------- who

    def _workers(self) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """Names and roles of each grid's workers on ``as_of``, grid head first."""
        rows = self.frame("assignments")
        if rows.empty or not {"grid", "worker"} <= set(rows.columns):
            return {}, {}
        day = pd.Timestamp(self.as_of)
        valid = np.ones(len(rows), dtype=bool)
        if "valid_from" in rows.columns:
            start = pd.to_datetime(rows["valid_from"], errors="coerce")
            valid &= (start.isna() | (start <= day)).to_numpy()
        if "valid_to" in rows.columns:
            end = pd.to_datetime(rows["valid_to"], errors="coerce")
            valid &= (end.isna() | (end >= day)).to_numpy()
        rows = rows[valid]
        workers = self.frame("workers")
        by_code: dict[str, str] = {}
        if not workers.empty and {"code", "name"} <= set(workers.columns):
            by_code = {
                str(c): str(n) for c, n in zip(workers["code"], workers["name"], strict=True)
            }
        entries: dict[str, list[tuple[int, str, str]]] = {}
        for g, w, role in zip(col(rows, "grid"), col(rows, "worker"), col(rows, "role"),
                              strict=True):  # fmt: skip
            if g is None or w is None:
                continue
            name = by_code.get(w, w)
            r = role or ""
            entries.setdefault(g, []).append((_ROLE_ORDER.get(r, 99), name, r))
        names_by_grid, roles_by_grid = {}, {}
        for g, items in entries.items():
            items = sorted(set(items))
            names_by_grid[g] = tuple(dict.fromkeys(n for _, n, _ in items))
            roles_by_grid[g] = tuple(r for _, _, r in items)
        return names_by_grid, roles_by_grid

    def workers_of(self, grid: str | None) -> tuple[str, ...]:
        """Names of the workers of ``grid`` on ``as_of``, grid head first."""
        return self.grid_workers.get(grid, ()) if grid is not None else ()

    def grid_table(self) -> pd.DataFrame:
        """One row per grid in scope: ``code``, ``community``, ``workers``."""
        keep = np.ones(len(self.grid_codes), dtype=bool)
        if self.community is not None:
            keep = self.grid_community == self.community
        codes = self.grid_codes[keep]
        return pd.DataFrame(
            {
                "code": codes,
                "community": self.grid_community[keep],
                "workers": [self.workers_of(c) for c in codes],
            }
        )
