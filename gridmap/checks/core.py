"""Array cores of the rules: nearest distances, counts within a radius, gaps, clusters.

Every function here works on plain numbers or arrays of shapely geometries in one
metric CRS (metres) and knows nothing about layers, grids or workers; the rule
modules adapt GeoDataFrames to these cores (spopt's ``from_cost_matrix`` /
``from_geodataframe`` split). Nothing loops over pairs in Python: neighbours come
from a KD-tree (:mod:`scipy.spatial`, when installed) or a shapely
:class:`~shapely.STRtree`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "cluster_labels",
    "count_within",
    "gaps_along_lines",
    "nearest_distance_m",
    "nearest_geometry_distance_m",
    "pairs_within",
    "positions_along_lines",
    "spaced_locations",
    "stretches",
    "sum_within",
    "uncovered_stretches",
]

_EPS_M = 1e-3  # stretches within a millimetre of the limit pass (coordinate round-off)


def _xy(values: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, 2)
    return arr.reshape(-1, 2)


def _kdtree() -> type | None:
    """Return scipy's cKDTree class, or ``None`` when scipy is not installed."""
    try:
        from scipy.spatial import cKDTree
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return cKDTree


def _geoms(values: object) -> NDArray[np.object_]:
    return np.asarray(values, dtype=object).ravel()


def _all_points(geoms: NDArray) -> bool:
    """Whether every geometry is a non-empty 2-D point (one coordinate pair each)."""
    return bool((shapely.get_type_id(geoms) == 0).all() and not shapely.is_empty(geoms).any())


def nearest_geometry_distance_m(
    src: Sequence[shapely.Geometry] | NDArray, dst: Sequence[shapely.Geometry] | NDArray
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return the distance from each source geometry to its nearest target geometry.

    Distances are between the geometries themselves, not their centres: a building
    footprint's distance to a point is from its nearest wall, and 0 when the point
    lies inside it.

    Parameters
    ----------
    src, dst
        Arrays of shapely geometries in the same metric CRS (points, lines, polygons).

    Returns
    -------
    distance_m : numpy.ndarray
        float64 array of ``len(src)``; ``inf`` where there is no target (or the source
        geometry is missing or empty).
    index : numpy.ndarray
        int64 position in ``dst`` of the nearest target (the first one on ties), -1
        where there is none.

    Examples
    --------
    >>> import shapely
    >>> d, i = nearest_geometry_distance_m([shapely.box(0, 0, 10, 10)],
    ...                                    shapely.points([(13, 14), (50, 0)]))
    >>> float(d[0]), int(i[0])
    (5.0, 0)
    """
    src_arr, dst_arr = _geoms(src), _geoms(dst)
    dist = np.full(len(src_arr), np.inf)
    idx = np.full(len(src_arr), -1, dtype=np.int64)
    if len(src_arr) == 0 or len(dst_arr) == 0:
        return dist, idx
    if _all_points(src_arr) and _all_points(dst_arr):  # plain points: a KD-tree is faster
        return nearest_distance_m(shapely.get_coordinates(src_arr),
                                  shapely.get_coordinates(dst_arr))
    return _strtree_nearest(src_arr, dst_arr, dist, idx)


def _strtree_nearest(src_arr: NDArray, dst_arr: NDArray, dist: NDArray,
                     idx: NDArray) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Fill ``dist``/``idx`` with each source's nearest target from one STRtree query."""
    tree = shapely.STRtree(dst_arr)
    (si, di), d = tree.query_nearest(src_arr, return_distance=True, all_matches=False)
    dist[si] = d
    idx[si] = di
    return dist, idx


def nearest_distance_m(
    src_xy: ArrayLike, dst_xy: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Return, for each source point, the distance to the nearest target point.

    Uses :class:`scipy.spatial.cKDTree` when scipy is installed, otherwise a shapely
    :class:`~shapely.STRtree`; both give the same answer.

    Parameters
    ----------
    src_xy, dst_xy
        ``(n, 2)`` and ``(m, 2)`` arrays of x, y coordinates in metres.

    Returns
    -------
    distance_m : numpy.ndarray
        float64 array of ``n`` distances in metres; ``inf`` when ``m == 0``.
    index : numpy.ndarray
        int64 array of ``n`` positions in ``dst_xy``; -1 when ``m == 0``.

    Examples
    --------
    >>> d, i = nearest_distance_m([[0, 0], [10, 0]], [[3, 4], [10, 1]])
    >>> d.tolist(), i.tolist()
    ([5.0, 1.0], [0, 1])
    """
    src, dst = _xy(src_xy), _xy(dst_xy)
    if len(src) == 0 or len(dst) == 0:
        return np.full(len(src), np.inf), np.full(len(src), -1, dtype=np.int64)
    kdtree = _kdtree()
    if kdtree is not None:
        dist, idx = kdtree(dst).query(src, k=1)
        return np.asarray(dist, dtype=np.float64), np.asarray(idx, dtype=np.int64)
    return _strtree_nearest(shapely.points(src), shapely.points(dst),
                            np.full(len(src), np.inf), np.full(len(src), -1, dtype=np.int64))


def pairs_within(
    src: Sequence[shapely.Geometry] | NDArray,
    dst: Sequence[shapely.Geometry] | NDArray,
    radius_m: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return every (source, target) pair closer than or exactly ``radius_m`` apart.

    Parameters
    ----------
    src, dst
        Arrays of shapely geometries in one metric CRS.
    radius_m
        Largest distance in metres (0 means "intersecting").

    Returns
    -------
    tuple of numpy.ndarray
        Positions in ``src`` and in ``dst`` of each pair, sorted by source.
    """
    src_arr, dst_arr = _geoms(src), _geoms(dst)
    if len(src_arr) == 0 or len(dst_arr) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    tree = shapely.STRtree(dst_arr)
    if radius_m > 0:
        si, di = tree.query(src_arr, predicate="dwithin", distance=float(radius_m))
    else:
        si, di = tree.query(src_arr, predicate="intersects")
    order = np.lexsort((di, si))
    return si[order].astype(np.int64), di[order].astype(np.int64)


def count_within(
    src: Sequence[shapely.Geometry] | NDArray,
    dst: Sequence[shapely.Geometry] | NDArray,
    radius_m: float,
) -> NDArray[np.int64]:
    """Count, for each source geometry, the target geometries within ``radius_m``.

    Parameters
    ----------
    src, dst
        Arrays of shapely geometries in one metric CRS.
    radius_m
        Largest distance in metres; 0 counts targets intersecting the source (a
        point inside or on the edge of a polygon).

    Returns
    -------
    numpy.ndarray
        int64 counts, one per source geometry.

    Examples
    --------
    >>> import shapely
    >>> count_within([shapely.box(0, 0, 10, 10)], shapely.points([(5, 5), (12, 5)]), 0).tolist()
    [1]
    >>> count_within([shapely.box(0, 0, 10, 10)], shapely.points([(5, 5), (12, 5)]), 2).tolist()
    [2]
    """
    return sum_within(src, dst, radius_m).astype(np.int64)


def sum_within(
    src: Sequence[shapely.Geometry] | NDArray,
    dst: Sequence[shapely.Geometry] | NDArray,
    radius_m: float,
    weights: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Sum target weights within ``radius_m`` of each source geometry (count when unweighted).

    Parameters
    ----------
    src, dst
        Arrays of shapely geometries in one metric CRS.
    radius_m
        Largest distance in metres (0: intersecting).
    weights
        One number per target (default 1 each).

    Returns
    -------
    numpy.ndarray
        float64 sums, one per source geometry.
    """
    src_arr = _geoms(src)
    si, di = pairs_within(src_arr, dst, radius_m)
    w = np.ones(len(_geoms(dst))) if weights is None else np.asarray(weights, dtype=np.float64)
    return np.bincount(si, weights=w[di], minlength=len(src_arr)).astype(np.float64)


def stretches(length_m: float, positions_m: ArrayLike) -> tuple[NDArray, NDArray]:
    """Cut a line of ``length_m`` at the given positions into consecutive stretches.

    Parameters
    ----------
    length_m
        Length of the line in metres.
    positions_m
        Positions along the line (metres from its start); values outside
        ``[0, length_m]`` are clipped to it.

    Returns
    -------
    start_m, end_m : numpy.ndarray
        The stretches from the start of the line to the first position, between
        consecutive positions and from the last one to the end; they cover the line
        exactly once, so their lengths sum to ``length_m``.

    Examples
    --------
    >>> s, e = stretches(1200, [450, 0, 1150])
    >>> (e - s).tolist()
    [0.0, 450.0, 700.0, 50.0]
    """
    pos = np.clip(np.asarray(positions_m, dtype=np.float64).ravel(), 0.0, float(length_m))
    stops = np.concatenate([[0.0], np.sort(pos), [float(length_m)]])
    return stops[:-1], stops[1:]


def uncovered_stretches(
    length_m: float, positions_m: ArrayLike, *, max_gap_m: float
) -> tuple[NDArray, NDArray]:
    """Return the stretches of a line longer than ``max_gap_m`` with no position in them.

    The ends count: a line whose first board stands 600 m from its start has an
    uncovered stretch from 0 to 600 m when ``max_gap_m`` is 500.

    Parameters
    ----------
    length_m
        Length of the line in metres.
    positions_m
        Positions of the covering objects along the line (metres from its start).
    max_gap_m
        Longest stretch allowed without an object.

    Returns
    -------
    start_m, end_m : numpy.ndarray
        Start and end (metres from the line's start) of each uncovered stretch.

    Examples
    --------
    >>> s, e = uncovered_stretches(1200, [0, 450, 1150], max_gap_m=500)
    >>> s.tolist(), e.tolist()
    ([450.0], [1150.0])
    """
    start, end = stretches(length_m, positions_m)
    long = (end - start) > float(max_gap_m) + _EPS_M
    return start[long], end[long]


def positions_along_lines(
    lines: Sequence[shapely.Geometry] | NDArray,
    points: Sequence[shapely.Geometry] | NDArray,
    *,
    near_m: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Project every point within ``near_m`` of a line onto that line.

    Parameters
    ----------
    lines
        LineStrings in a metric CRS.
    points
        Points in the same CRS.
    near_m
        Points farther than this from a line are ignored for that line. A point
        near two lines (a crossing) is projected onto both.

    Returns
    -------
    line : numpy.ndarray
        Position of the line in ``lines``, per projected point.
    point : numpy.ndarray
        Position of the point in ``points``.
    position_m : numpy.ndarray
        Distance along the line from its start to the point's projection
        (:func:`shapely.line_locate_point`).
    """
    line_arr, point_arr = _geoms(lines), _geoms(points)
    li, pi = pairs_within(line_arr, point_arr, near_m)
    pos = shapely.line_locate_point(line_arr[li], point_arr[pi]) if len(li) else np.zeros(0)
    return li, pi, np.asarray(pos, dtype=np.float64)


def gaps_along_lines(
    lengths_m: ArrayLike,
    line: ArrayLike,
    position_m: ArrayLike,
    *,
    max_gap_m: ArrayLike,
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Find the uncovered stretches of many lines at once.

    Equivalent to :func:`uncovered_stretches` on each line, without a loop over
    lines: the positions of all lines and the two ends of each are sorted together
    and the gaps between neighbours on the same line are kept.

    Parameters
    ----------
    lengths_m
        Length of each line in metres.
    line
        For each covering object, the position of its line in ``lengths_m``.
    position_m
        For each covering object, its position along that line (metres).
    max_gap_m
        Longest stretch allowed without an object: one number, or one per line.

    Returns
    -------
    line : numpy.ndarray
        Line of each uncovered stretch.
    start_m, end_m : numpy.ndarray
        Start and end of each uncovered stretch, metres from the line's start;
        sorted by line, then start.

    Examples
    --------
    >>> gaps_along_lines([1200, 300], [0, 0, 0], [0, 450, 1150], max_gap_m=500)
    (array([0]), array([450.]), array([1150.]))
    """
    lengths = np.asarray(lengths_m, dtype=np.float64).ravel()
    n = len(lengths)
    max_gap = np.broadcast_to(np.asarray(max_gap_m, dtype=np.float64), (n,))
    ln = np.asarray(line, dtype=np.int64).ravel()
    pos = np.asarray(position_m, dtype=np.float64).ravel()
    pos = np.clip(pos, 0.0, lengths[ln]) if len(ln) else pos
    all_line = np.concatenate([ln, np.arange(n), np.arange(n)])
    all_pos = np.concatenate([pos, np.zeros(n), lengths])
    order = np.lexsort((all_pos, all_line))
    all_line, all_pos = all_line[order], all_pos[order]
    same = all_line[1:] == all_line[:-1]
    gap = all_pos[1:] - all_pos[:-1]
    long = same & (gap > max_gap[all_line[:-1]] + _EPS_M)
    return all_line[:-1][long], all_pos[:-1][long], all_pos[1:][long]


def cluster_labels(xy: ArrayLike, radius_m: float) -> NDArray[np.int64]:
    """Group points into clusters by single linkage: chains of neighbours within ``radius_m``.

    Two points share a cluster when a chain of points, each at most ``radius_m``
    from the next, joins them (the connected components of the "within radius"
    graph). The neighbour pairs come from a KD-tree (or an STRtree without scipy);
    the components from vectorised label propagation with pointer jumping.

    Parameters
    ----------
    xy
        ``(n, 2)`` coordinates in metres.
    radius_m
        Linkage distance in metres (e.g. 20: "outdoors, one location per 20 m").

    Returns
    -------
    numpy.ndarray
        int64 cluster label per point, numbered 0, 1, ... in order of each
        cluster's first point.

    Examples
    --------
    >>> cluster_labels([[0, 0], [15, 0], [30, 0], [100, 0]], 20).tolist()
    [0, 0, 0, 1]
    """
    pts = _xy(xy)
    n = len(pts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    kdtree = _kdtree()
    if kdtree is not None:
        pairs = kdtree(pts).query_pairs(float(radius_m), output_type="ndarray")
        i, j = (pairs[:, 0], pairs[:, 1]) if len(pairs) else (np.zeros(0, int), np.zeros(0, int))
    else:
        geoms = shapely.points(pts)
        i, j = pairs_within(geoms, geoms, radius_m)
        keep = i < j
        i, j = i[keep], j[keep]
    labels = np.arange(n, dtype=np.int64)
    while True:
        low = np.minimum(labels[i], labels[j])
        new = labels.copy()
        np.minimum.at(new, i, low)
        np.minimum.at(new, j, low)
        new = new[new]  # pointer jumping: follow each label to its own label
        if np.array_equal(new, labels):
            break
        labels = new
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inverse.ravel()]


def spaced_locations(
    xy: ArrayLike, spacing_m: float, tolerance_m: float = 0.01
) -> NDArray[np.int64]:
    """Count places the way an inspector walks them: one location per ``spacing_m``.

    The points are taken in order along their main direction (the first principal
    axis, ties by position in ``xy``): a point ``spacing_m`` or more from every
    location counted so far starts a new location; a closer one joins the nearest
    location (it adds panels, not places). ``tolerance_m`` makes exactly
    ``spacing_m`` stable after reprojection: points ``spacing_m - tolerance_m``
    apart are already separate.

    Unlike single linkage (:func:`cluster_labels`), boards every 15 m along a 60 m
    fence are 3 locations (at 0, 30 and 60 m), not one.

    Parameters
    ----------
    xy
        ``(n, 2)`` coordinates in metres.
    spacing_m
        Distance from which two boards are separate locations (20: "室外间隔20米一处").
    tolerance_m
        Round-off allowance in metres.

    Returns
    -------
    numpy.ndarray
        int64 location label per point, numbered 0, 1, ... in walking order.

    Examples
    --------
    >>> spaced_locations([[0, 0], [15, 0], [30, 0], [45, 0], [60, 0]], 20).tolist()
    [0, 0, 1, 1, 2]
    >>> spaced_locations([[0, 0], [19.995, 0], [40, 0]], 20).tolist()
    [0, 1, 2]
    """
    pts = _xy(xy)
    n = len(pts)
    labels = np.zeros(n, dtype=np.int64)
    if n <= 1:
        return labels
    centred = pts - pts.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axis = vt[0] if vt[0][np.argmax(np.abs(vt[0]))] > 0 else -vt[0]
    along = np.round(centred @ axis, 6)
    order = np.lexsort((np.arange(n), along))
    need = float(spacing_m) - float(tolerance_m)
    seeds = np.zeros((0, 2))
    for i in order:
        if len(seeds):
            d = np.hypot(*(seeds - pts[i]).T)
            k = int(np.argmin(d))
            if d[k] < need:
                labels[i] = k
                continue
        labels[i] = len(seeds)
        seeds = np.vstack([seeds, pts[i]])
    return labels
