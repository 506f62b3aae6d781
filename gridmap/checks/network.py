"""Walking distances along the road and path network (array core of the reach rules).

The life circles (生活圈) of GB 50180 are walking distances, so the reach rules
measure along the roads layer where it covers the area: each building and each
target joins the network at the nearest point of the nearest road (its access
walk, in a straight line), and the walk between those two points follows the
network (Dijkstra from every target at once, :func:`scipy.sparse.csgraph.dijkstra`
with ``min_only``). Lines are noded where they cross (:func:`shapely.node`), so
crossing roads connect; a point joining a road in the middle of a segment splits
it there, so two points on one segment are joined directly.

Works on arrays of shapely geometries in one metric CRS; knows nothing about
layers or rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

__all__ = ["NetworkDistance", "network_distance_m"]

_ROUND_M = 1e-3  # vertices closer than a millimetre are one node
_MIN_EDGE_M = 1e-9  # a zero-length edge still joins its two nodes


@dataclass(frozen=True)
class NetworkDistance:
    """Walking distances from sources to their nearest target along a network.

    Attributes
    ----------
    distance_m
        Per source: access walk + walk along the network + the target's access walk;
        ``inf`` where the source is farther than ``max_access_m`` from the network
        or no target can be reached.
    target
        Per source: position in ``targets`` of the target reached first, -1 for none.
    access_m
        Per source: straight distance from the source to the network (``inf``
        without a network).
    """

    distance_m: NDArray[np.float64]
    target: NDArray[np.int64]
    access_m: NDArray[np.float64]


def _segments(lines: NDArray[np.object_]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the two-point segments (start xy, end xy) of the noded lines."""
    noded = shapely.node(shapely.multilinestrings(list(lines)))
    parts = shapely.get_parts(noded)
    coords, index = shapely.get_coordinates(parts, return_index=True)
    same = index[1:] == index[:-1]
    return coords[:-1][same], coords[1:][same]


def _snap(
    geoms: NDArray[np.object_], segs: NDArray[np.object_]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Return, per geometry, its nearest segment, the position along it and the distance."""
    seg = np.full(len(geoms), -1, dtype=np.int64)
    pos = np.zeros(len(geoms))
    dist = np.full(len(geoms), np.inf)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) if len(geoms) else np.zeros(0, bool)
    if not ok.any() or len(segs) == 0:
        return seg, pos, dist
    tree = shapely.STRtree(segs)
    (gi, si), d = tree.query_nearest(geoms[ok], return_distance=True, all_matches=False)
    rows = np.flatnonzero(ok)[gi]
    seg[rows], dist[rows] = si, d
    joins = shapely.get_point(shapely.shortest_line(geoms[rows], segs[si]), 1)
    pos[rows] = shapely.line_locate_point(segs[si], joins)
    return seg, pos, dist


def network_distance_m(
    sources: NDArray[np.object_] | list,
    targets: NDArray[np.object_] | list,
    lines: NDArray[np.object_] | list,
    *,
    max_access_m: float,
) -> NetworkDistance:
    """Return each source's walking distance to its nearest target along ``lines``.

    Parameters
    ----------
    sources
        Geometries walked from (building footprints or points), metric CRS.
    targets
        Geometries walked to (points), same CRS.
    lines
        The network: road and path centre-lines, same CRS.
    max_access_m
        Sources and targets farther than this from every line are off the network
        (their distance is ``inf`` / they are never reached).

    Returns
    -------
    NetworkDistance
        Distances, nearest targets and access walks.

    Examples
    --------
    >>> import shapely
    >>> road = [shapely.LineString([(0, 0), (100, 0), (100, 100)])]
    >>> r = network_distance_m([shapely.Point(0, 10)], [shapely.Point(110, 100)], road,
    ...                        max_access_m=50)
    >>> float(r.distance_m[0]), int(r.target[0])
    (220.0, 0)
    """
    src = np.asarray(sources, dtype=object).ravel()
    dst = np.asarray(targets, dtype=object).ravel()
    net = np.asarray(lines, dtype=object).ravel()
    n_src = len(src)
    empty = NetworkDistance(
        np.full(n_src, np.inf), np.full(n_src, -1, dtype=np.int64), np.full(n_src, np.inf)
    )
    net = net[~(shapely.is_missing(net) | shapely.is_empty(net))] if len(net) else net
    if n_src == 0 or len(net) == 0:
        return empty
    a, b = _segments(net)
    if len(a) == 0:
        return empty
    seg_geoms = shapely.linestrings(np.stack([a, b], axis=1))
    seg_len = np.hypot(*(b - a).T)
    s_seg, s_pos, s_acc = _snap(src, seg_geoms)
    t_seg, t_pos, t_acc = _snap(dst, seg_geoms)
    s_on = (s_seg >= 0) & (s_acc <= max_access_m)
    t_on = (t_seg >= 0) & (t_acc <= max_access_m)
    if not t_on.any() or not s_on.any():
        return NetworkDistance(empty.distance_m, empty.target, s_acc)

    # nodes: the segment ends (merged at 1 mm), then one per joining point
    ends = np.round(np.concatenate([a, b]) / _ROUND_M).astype(np.int64)
    _, end_node = np.unique(ends, axis=0, return_inverse=True)
    end_node = end_node.ravel()
    n_ends = int(end_node.max()) + 1
    na, nb = end_node[: len(a)], end_node[len(a) :]
    src_rows, dst_rows = np.flatnonzero(s_on), np.flatnonzero(t_on)
    j_seg = np.concatenate([s_seg[src_rows], t_seg[dst_rows]])
    j_pos = np.concatenate([s_pos[src_rows], t_pos[dst_rows]])
    j_node = n_ends + np.arange(len(j_seg))
    # chain along each segment: start, the joining points in order, end
    chain = pd.DataFrame(
        {
            "seg": np.concatenate([np.arange(len(a)), np.arange(len(a)), j_seg]),
            "pos": np.concatenate([np.zeros(len(a)), seg_len, j_pos]),
            "rank": np.concatenate([np.zeros(len(a)), np.full(len(a), 2.0), np.ones(len(j_seg))]),
            "node": np.concatenate([na, nb, j_node]),
        }
    ).sort_values(["seg", "pos", "rank"], kind="stable")
    seg_c, pos_c, node_c = (chain[c].to_numpy() for c in ("seg", "pos", "node"))
    same = seg_c[1:] == seg_c[:-1]
    u, v = node_c[:-1][same], node_c[1:][same]
    w = np.maximum(pos_c[1:][same] - pos_c[:-1][same], _MIN_EDGE_M)
    # the targets' own nodes, each joined to its point on the network by its access walk
    t_node = n_ends + len(j_seg) + np.arange(len(dst_rows))
    u = np.concatenate([u, t_node])
    v = np.concatenate([v, j_node[len(src_rows) :]])
    w = np.concatenate([w, np.maximum(t_acc[dst_rows], _MIN_EDGE_M)])
    n_nodes = n_ends + len(j_seg) + len(dst_rows)
    edges = pd.DataFrame({"u": np.minimum(u, v), "v": np.maximum(u, v), "w": w})
    edges = edges[edges["u"] != edges["v"]].groupby(["u", "v"], as_index=False)["w"].min()

    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    graph = csr_matrix(
        (edges["w"].to_numpy(), (edges["u"].to_numpy(), edges["v"].to_numpy())),
        shape=(n_nodes, n_nodes),
    )
    dist, _, origin = dijkstra(
        graph, directed=False, indices=t_node, min_only=True, return_predecessors=True
    )
    s_node = j_node[: len(src_rows)]
    out = empty.distance_m.copy()
    target = empty.target.copy()
    reached = np.isfinite(dist[s_node])
    rows = src_rows[reached]
    out[rows] = dist[s_node][reached] + s_acc[rows]
    target[rows] = dst_rows[origin[s_node][reached] - (n_ends + len(j_seg))]
    return NetworkDistance(out, target, s_acc)
