"""Static map images of a grid for the dossier: offline, drawn with matplotlib (Agg).

The image shows the grid (bold outline), its neighbouring grids with their
sequence numbers, the community boundary, roads, and the grid's point records
and open issue reports, with a legend, a scale bar and a north arrow. It is drawn
in the metric CRS of the data (so the scale bar is in metres); no tiles, no
network.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import i18n
from gridmap.crs import metric_crs, to_metric
from gridmap.errors import NotFound
from gridmap.export.fonts import matplotlib_font
from gridmap.maps.styles import KIND_COLORS, ROAD_STYLES

__all__ = ["NEIGHBOUR_COLOR", "OUTLINE_COLOR", "grid_map_png", "scale_bar_length_m"]

#: Outline colour of the grid the map is about.
OUTLINE_COLOR = "#c0392b"
#: Fill of the grid the map is about.
FILL_COLOR = "#fdebd0"
#: Outline colour of neighbouring grids.
NEIGHBOUR_COLOR = "#7f8c8d"
_COMMUNITY_COLOR = "#2c3e50"

#: Point layers drawn: layer -> (kind colour key, marker).
_MARKERS: dict[str, tuple[str, str]] = {
    "boards": ("board", "s"),
    "fitness": ("fitness", "^"),
    "bins": ("bin", "o"),
    "issues": ("issue", "X"),
}


def scale_bar_length_m(width_m: float) -> float:
    """Return a round scale-bar length (1, 2 or 5 × 10ⁿ m) of about a fifth of ``width_m``.

    Examples
    --------
    >>> scale_bar_length_m(1000.0)
    200.0
    >>> scale_bar_length_m(730.0)
    100.0
    """
    target = max(width_m / 5.0, 1e-9)
    power = 10.0 ** math.floor(math.log10(target))
    for step in (5.0, 2.0, 1.0):
        if step * power <= target:
            return step * power
    return power


def _format_m(length_m: float, lang: str) -> str:
    if length_m >= 1000:
        value = length_m / 1000
        return f"{value:g} km" if lang == "en" else f"{value:g} 千米"
    return f"{length_m:g} m" if lang == "en" else f"{length_m:g} 米"


def _north_arrow(ax: Any) -> None:
    """Draw a north arrow in the top right corner (the metric CRS has north up)."""
    x, y = 0.94, 0.86
    ax.annotate(
        "",
        xy=(x, y + 0.08),
        xytext=(x, y - 0.02),
        xycoords="axes fraction",
        arrowprops={
            "facecolor": "black",
            "edgecolor": "black",
            "width": 4,
            "headwidth": 12,
            "headlength": 12,
        },
        zorder=10,
    )
    ax.text(
        x, y + 0.095, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=12, zorder=10
    )


def _scale_bar(ax: Any, bounds: tuple[float, float, float, float], lang: str) -> None:
    """Draw a two-segment scale bar in the bottom right corner."""
    minx, miny, maxx, maxy = bounds
    width, height = maxx - minx, maxy - miny
    length = scale_bar_length_m(width)
    x1 = maxx - 0.05 * width
    x0 = x1 - length
    y0 = miny + 0.05 * height
    bar_h = 0.012 * height
    ax.add_patch(_rect((x0, y0), length / 2, bar_h, "black"))
    ax.add_patch(_rect((x0 + length / 2, y0), length / 2, bar_h, "white"))
    ax.text(
        (x0 + x1) / 2,
        y0 + bar_h * 1.8,
        _format_m(length, lang),
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=10,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
    )


def _rect(xy: tuple[float, float], w: float, h: float, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(xy, w, h, facecolor=color, edgecolor="black", linewidth=0.8, zorder=10)


def _window(geom: Any, *, margin: float = 0.35, aspect: float = 4 / 3) -> tuple[float, ...]:
    """Return the drawing window around ``geom``: margin added, widened to ``aspect``."""
    minx, miny, maxx, maxy = geom.bounds
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def project_frames(data: Mapping[str, Any], *, crs: Any = None) -> dict[str, Any]:
    """Reproject the frames a map needs to the metric CRS once (for many maps).

    Parameters
    ----------
    data
        ``grids``, ``communities`` and optionally ``roads``, ``boards``, ``fitness``,
        ``bins``, ``issues`` (EPSG:4326; points with a ``grid`` column).
    crs
        The metric CRS; default :func:`gridmap.crs.metric_crs` of the grids.

    Returns
    -------
    dict
        The same keys, in metres.
    """
    grids = data["grids"]
    crs = crs or data.get("metric_crs") or metric_crs(grids)
    out: dict[str, Any] = {"metric_crs": crs, "projected": True}
    for key in ("grids", "communities", "roads", *(_MARKERS)):
        frame = data.get(key)
        if frame is None:
            continue
        out[key] = (
            to_metric(frame, crs=crs) if len(frame) else frame.set_crs(crs, allow_override=True)
        )
    return out


def grid_map_png(
    data: Mapping[str, Any],
    grid_code: str,
    *,
    lang: str = i18n.DEFAULT_LANG,
    width_in: float = 7.2,
    height_in: float = 5.4,
    dpi: int = 150,
) -> bytes:
    """Draw the map of one grid as a PNG image.

    Parameters
    ----------
    data
        Frames from :func:`project_frames` (metric) or in EPSG:4326 (projected
        here): ``grids`` (``code``), ``communities`` (``code``), optional
        ``roads`` (``road_class``), and point layers ``boards``, ``fitness``,
        ``bins``, ``issues`` with a ``grid`` column (issues also ``open``).
    grid_code
        The grid to draw.
    lang
        Language of the legend.
    width_in, height_in, dpi
        Image size in inches and resolution.

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    gridmap.errors.NotFound
        If the grid is not in ``data["grids"]``.
    gridmap.errors.GridmapError
        If no CJK font is found.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    frames = data if data.get("projected") else project_frames(data)
    grids = frames["grids"]
    rows = grids[grids["code"] == grid_code]
    if rows.empty:
        raise NotFound.keyed("store.no_grid", code=grid_code)
    geom = rows.geometry.iloc[0]
    community = rows["community"].iloc[0] if "community" in rows else None
    minx, miny, maxx, maxy = window = _window(geom, aspect=width_in / height_in)
    view = shapely.box(*window)

    def visible(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
        if frame is None or not len(frame):
            return None
        hits = frame.sindex.query(view, predicate="intersects")
        return frame.iloc[np.sort(hits)] if len(hits) else None

    with matplotlib.rc_context(matplotlib_font()):
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.add_patch(_rect((minx, miny), maxx - minx, maxy - miny, "#f7f7f7"))
        ax.patches[-1].set_zorder(0)
        ax.patches[-1].set_linewidth(0)
        handles: list[Any] = []

        roads = visible(frames.get("roads"))
        if roads is not None:
            for road_class, group in roads.groupby("road_class"):
                style = ROAD_STYLES.get(str(road_class), {"color": "#969696", "weight": 2})
                group.plot(
                    ax=ax,
                    color=style["color"],
                    linewidth=style["weight"] * 0.45,
                    alpha=0.6,
                    zorder=2,
                )
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#737373",
                    linewidth=1.8,
                    alpha=0.6,
                    label=i18n.t("export.map.roads", lang),
                )
            )

        neighbours = visible(grids)
        if neighbours is not None:
            neighbours = neighbours[neighbours["code"] != grid_code]
            if len(neighbours):
                neighbours.plot(
                    ax=ax,
                    facecolor="white",
                    edgecolor=NEIGHBOUR_COLOR,
                    linewidth=0.8,
                    alpha=0.9,
                    zorder=1,
                )
                for code, shape in zip(neighbours["code"], neighbours.geometry, strict=True):
                    part = shape.intersection(view)
                    if part.is_empty:
                        continue
                    p = part.representative_point()
                    ax.text(
                        p.x,
                        p.y,
                        str(code)[-3:],
                        ha="center",
                        va="center",
                        fontsize=7,
                        color=NEIGHBOUR_COLOR,
                        zorder=3,
                    )
                handles.append(
                    Patch(
                        facecolor="white",
                        edgecolor=NEIGHBOUR_COLOR,
                        label=i18n.t("export.map.neighbours", lang),
                    )
                )

        gpd.GeoSeries([geom], crs=grids.crs).plot(
            ax=ax, facecolor=FILL_COLOR, edgecolor="none", alpha=0.8, zorder=1.5
        )
        communities = frames.get("communities")
        if communities is not None and community is not None and len(communities):
            mine = communities[communities["code"] == community]
            if len(mine):
                mine.boundary.plot(
                    ax=ax, color=_COMMUNITY_COLOR, linewidth=1.4, linestyle=(0, (6, 3)), zorder=4
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        color=_COMMUNITY_COLOR,
                        linewidth=1.4,
                        linestyle=(0, (6, 3)),
                        label=i18n.t("export.map.community", lang),
                    )
                )
        gpd.GeoSeries([geom.boundary], crs=grids.crs).plot(
            ax=ax, color=OUTLINE_COLOR, linewidth=2.6, zorder=5
        )
        handles.insert(
            0,
            Patch(
                facecolor=FILL_COLOR,
                edgecolor=OUTLINE_COLOR,
                linewidth=2,
                label=i18n.t("export.map.grid", lang, code=grid_code),
            ),
        )

        for layer, (kind, marker) in _MARKERS.items():
            frame = frames.get(layer)
            if frame is None or not len(frame) or "grid" not in frame:
                continue
            here = frame[(frame["grid"] == grid_code).to_numpy()]
            if layer == "issues" and "open" in here:
                here = here[here["open"].to_numpy(dtype=bool)]
            if not len(here):
                continue
            xy = shapely.get_coordinates(here.geometry.centroid.to_numpy())
            color = KIND_COLORS[kind]
            ax.scatter(
                xy[:, 0],
                xy[:, 1],
                s=46 if layer == "issues" else 26,
                marker=marker,
                c=color,
                edgecolors="white",
                linewidths=0.6,
                zorder=6,
            )
            name = (
                i18n.t("export.map.issues", lang)
                if layer == "issues"
                else i18n.label(layer, lang, field="layer")
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markersize=7,
                    markerfacecolor=color,
                    markeredgecolor="white",
                    label=f"{name} ({len(here)})",
                )
            )

        legend = ax.legend(
            handles=handles,
            loc="upper left",
            fontsize=8,
            framealpha=0.9,
            borderpad=0.6,
            labelspacing=0.5,
        )
        legend.set_zorder(11)
        _north_arrow(ax)
        _scale_bar(ax, window, lang)
        frame_box = _rect((minx, miny), maxx - minx, maxy - miny, "none")
        frame_box.set_zorder(12)
        frame_box.set_linewidth(1.2)
        ax.add_patch(frame_box)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def points_of_grid(frame: pd.DataFrame, grid_code: str) -> pd.DataFrame:
    """Return the rows of a point layer that lie in ``grid_code`` (by its ``grid`` column)."""
    if "grid" not in frame:
        return frame.iloc[0:0]
    return frame[(frame["grid"] == grid_code).to_numpy()]
