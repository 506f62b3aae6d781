"""What the map page selects and shows: a click, a search hit, and the side panel's content.

The map page reads its widgets and renders; the decisions between are here, so they
are tested without a browser:

- :func:`clicked_position`: the WGS-84 position of a click from what the map
  component (st_folium) answered, whatever basemap it was drawn on;
- :func:`frames_panel` and :func:`tiles_panel`: what the side panel shows for the
  selection (a hint or message key, a grid code, or a point's attributes), on a map
  drawn from frames or from tiles;
- :func:`point_panel`: the heading, fields and actions of a point's panel;
- :func:`search_target`: where the map opens on a search hit;
- :func:`community_bounds`, :func:`count_points`, :func:`basemap_index`: what the
  filters, the caption and the basemap choice read;
- :func:`next_selection`: the newer of a click and a search hit (:class:`MapSelection`);
- :func:`fresh_pick` and :func:`pick_caption`: a picking map's new position and its caption.

Nothing here draws or reads widgets; :func:`tiles_panel` asks the store about one click.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from gridmap.maps import panels
from gridmap.maps.basemaps import BASEMAPS
from gridmap.maps.street import display_to_wgs84
from gridmap.snapshot import POINT_LAYERS

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.snapshot import SearchHit
    from gridmap.store import Store

__all__ = [
    "CLICK_ZOOM",
    "POINT_PANEL_SKIP",
    "MapSelection",
    "PanelChoice",
    "basemap_index",
    "clicked_position",
    "community_bounds",
    "count_points",
    "frames_panel",
    "fresh_pick",
    "next_selection",
    "pick_caption",
    "point_panel",
    "search_target",
    "tiles_panel",
]

#: Zoom a click on a tile map is identified at when the map reported none.
CLICK_ZOOM = 17

#: Attributes of a point a side panel does not list (they are in its heading or internal).
POINT_PANEL_SKIP: tuple[str, ...] = ("layer", "id", "version", "lon", "lat")


class PanelChoice(NamedTuple):
    """What the map's side panel shows.

    ``kind`` is ``"info"`` (``value`` is the i18n key of a message), ``"grid"``
    (``value`` is the grid code) or ``"point"`` (``value`` is the point's attributes,
    as :func:`gridmap.maps.panels.feature_attributes` or
    :func:`gridmap.snapshot.point_record` return them).
    """

    kind: str
    value: Any


_HINT = PanelChoice("info", "map.click_hint")
_NOTHING = PanelChoice("info", "map.no_grid")
_FILTERED = PanelChoice("info", "map.filtered_out")


def clicked_position(
    answer: Mapping[str, Any] | None,
    *,
    basemap: str,
    keys: Sequence[str] = ("last_clicked",),
) -> tuple[float, float] | None:
    """Return the WGS-84 position of the click a map component reported, or ``None``.

    Parameters
    ----------
    answer
        What the map component returned (``None`` before the map first answered).
    basemap
        The basemap the map was drawn on: on ``"amap"`` the map shows GCJ-02
        positions, turned back into WGS-84 here.
    keys
        The answer's keys that may hold a click (``{"lng", "lat"}``), the first one
        holding a click wins (``("last_object_clicked", "last_clicked")`` prefers a
        marker's own position to the clicked pixel).

    Returns
    -------
    tuple of float or None
        ``(lon, lat)`` in WGS-84 degrees, or ``None`` when nothing was clicked.
    """
    answer = answer or {}
    click = next((answer[key] for key in keys if answer.get(key)), None)
    if not click:
        return None
    return display_to_wgs84(click["lng"], click["lat"], basemap=basemap)


def frames_panel(
    frames: Mapping[str, pd.DataFrame],
    shown: Mapping[str, pd.DataFrame],
    selected: tuple | None,
) -> PanelChoice:
    """Return what the side panel of a map drawn from frames shows for a selection.

    Parameters
    ----------
    frames
        The frames the user may see (:func:`gridmap.snapshot.visible_frames`): a
        click finds its point or grid in them.
    shown
        The frames the filters keep (what the map draws).
    selected
        ``("click", lon, lat)`` (WGS-84), ``("grid", code)`` or ``None``, as the
        page's selection keeps it.

    Returns
    -------
    PanelChoice
        The hint when nothing is selected; the point nearest the click
        (:func:`gridmap.maps.panels.point_at`), else the grid under it; the
        ``map.no_grid`` message when the click found neither; the
        ``map.filtered_out`` message when the filters hide what was selected, so
        the panel is cleared rather than left stale.

    Raises
    ------
    gridmap.errors.NotFound
        If the point found is missing from ``frames`` (never for frames it was found in).
    """
    if selected is None:
        return _HINT
    point, code = None, None
    if selected[0] == "grid":
        code = selected[1]
    else:
        point = panels.point_at(frames, selected[1], selected[2])
        code = None if point else panels.grid_at(frames, selected[1], selected[2])
        if point is None and code is None:
            return _NOTHING
    if not panels.shows(shown, point=point, grid=code):
        return _FILTERED
    if point is not None:
        return PanelChoice("point", panels.feature_attributes(frames, *point))
    return PanelChoice("grid", code)


def tiles_panel(
    store: Store, selected: tuple | None, *, user: User, zoom: int | None = None
) -> PanelChoice:
    """Return what the side panel of a map drawn from tiles shows for a selection.

    Parameters
    ----------
    store
        The store: a click asks it what is drawn there (:func:`gridmap.tiles.identify`),
        reading only near the click.
    selected
        ``("click", lon, lat)`` (WGS-84), ``("grid", code)`` or ``None``.
    user
        Who clicks: features outside the user's scope are never found.
    zoom
        The map's zoom when clicked (points are found within a few pixels at it);
        :data:`CLICK_ZOOM` when the map reported none.

    Returns
    -------
    PanelChoice
        The hint when nothing is selected; the grid searched for or clicked; the
        clicked point's attributes (:func:`gridmap.snapshot.point_record`); the
        ``map.no_grid`` message for a click on a community outside any grid, on
        nothing, or on a point gone since the tiles were drawn.
    """
    from gridmap import snapshot, tiles

    if selected is None:
        return _HINT
    if selected[0] == "grid":
        return PanelChoice("grid", selected[1])
    hit = tiles.identify(store, selected[1], selected[2], user=user, zoom=int(zoom or CLICK_ZOOM))
    if hit is None or hit["layer"] == "communities":
        return _NOTHING
    if hit["layer"] == "grids":
        return PanelChoice("grid", hit["code"])
    attrs = snapshot.point_record(store, hit, user)
    return _NOTHING if attrs is None else PanelChoice("point", attrs)


def point_panel(attrs: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """Return what the side panel of one point record or issue shows.

    Parameters
    ----------
    attrs
        The point's attributes (the ``value`` of a ``"point"`` :class:`PanelChoice`),
        with ``layer`` and ``id``.
    names
        Community code -> name (:func:`gridmap.maps.panels.community_names`).

    Returns
    -------
    dict
        ``layer``, ``id``, ``code`` (``""`` when it has none), ``fields`` (the
        attributes listed, in their order, without :data:`POINT_PANEL_SKIP`; the
        community by its name where known) and ``opens`` (whether the record page
        opens it: not for an issue).
    """
    fields = dict(attrs)
    community = attrs.get("community")
    fields["community"] = names.get(community, community)
    return {
        "layer": attrs["layer"],
        "id": attrs["id"],
        "code": attrs.get("code", ""),
        "fields": {k: v for k, v in fields.items() if k not in POINT_PANEL_SKIP},
        "opens": attrs["layer"] != "issues",
    }


def search_target(
    hit: SearchHit | None,
) -> tuple[tuple[float, float] | None, int | None, str | None]:
    """Return where the map opens for a search hit: ``(center, zoom, grid code)``.

    Parameters
    ----------
    hit
        The chosen hit (:func:`gridmap.snapshot.search`, :func:`gridmap.snapshot.find_grid`),
        or ``None``.

    Returns
    -------
    tuple
        ``((lat, lon), zoom, code)`` centred on the hit's WGS-84 bounds
        (:func:`gridmap.maps.panels.search_view`); ``(None, None, None)`` without a
        hit, so the map keeps the user's view.
    """
    if hit is None:
        return None, None, None
    center, zoom = panels.search_view(hit.bounds)
    return center, zoom, hit.grid


def community_bounds(
    communities: pd.DataFrame, code: str | None, *, default: Any
) -> Any:
    """Return the WGS-84 bounds a tile map opens at: one community's, or ``default``.

    Parameters
    ----------
    communities
        The communities the user may see, with their outlines (EPSG:4326).
    code
        The community chosen in the filter, or ``None`` for all.
    default
        The bounds for all (the user's visible extent), returned as given.

    Returns
    -------
    tuple
        ``(min_lon, min_lat, max_lon, max_lat)`` of the chosen community, or ``default``.
    """
    if code is None:
        return default
    return tuple(communities[communities["code"] == code].total_bounds)


def count_points(frames: Mapping[str, pd.DataFrame]) -> int:
    """Return how many point records and issues ``frames`` hold (the map's caption).

    Parameters
    ----------
    frames
        Frames holding every layer of :data:`gridmap.snapshot.POINT_LAYERS`.

    Returns
    -------
    int
        The rows of the point layers, summed.
    """
    return sum(len(frames[layer]) for layer in POINT_LAYERS)


def basemap_index(basemap: str | None) -> int:
    """Return the position of ``basemap`` among :data:`~gridmap.maps.basemaps.BASEMAPS`.

    Parameters
    ----------
    basemap
        The basemap chosen or configured.

    Returns
    -------
    int
        Its index, or 0 (``"none"``, no network) for an unknown one.
    """
    return BASEMAPS.index(basemap) if basemap in BASEMAPS else 0


class MapSelection(NamedTuple):
    """What the map page keeps between runs to tell a new click or search hit from an old one.

    ``shown`` is what the side panel shows (``("click", lon, lat)`` in WGS-84,
    ``("grid", code)`` or ``None``); ``last_click`` the last click handled, rounded
    to 7 decimals; ``last_hit`` the grid code of the last search hit handled.
    """

    shown: tuple | None = None
    last_click: tuple[float, float] | None = None
    last_hit: str | None = None


def next_selection(
    before: MapSelection, click: tuple[float, float] | None, grid_code: str | None
) -> MapSelection:
    """Return the selection after a run: the newer of a map click and a search hit.

    Parameters
    ----------
    before
        The selection kept from the runs before.
    click
        The clicked ``(lon, lat)`` already turned into WGS-84 (so a selection survives
        a change of basemap), or ``None``. The map reports its last click on every
        run: only a click other than ``before.last_click`` selects.
    grid_code
        The grid of the search hit chosen, or ``None``; only a hit other than
        ``before.last_hit`` selects, and it wins over a click of the same run.

    Returns
    -------
    MapSelection
        The new selection (``before`` when neither is new).

    Examples
    --------
    >>> s = next_selection(MapSelection(), (120.1, 30.2), None)
    >>> s.shown
    ('click', 120.1, 30.2)
    >>> next_selection(s, (120.1, 30.2), "G01").shown
    ('grid', 'G01')
    """
    shown, last_click, last_hit = before
    if click is not None:
        key = (round(click[0], 7), round(click[1], 7))
        if key != last_click:
            last_click = key
            shown = ("click", float(click[0]), float(click[1]))
    if grid_code is not None and grid_code != last_hit:
        last_hit = grid_code
        shown = ("grid", grid_code)
    return MapSelection(shown, last_click, last_hit)


def fresh_pick(
    answer: Mapping[str, Any] | None, *, seen: Any, basemap: str
) -> tuple[dict, tuple[float, float]] | None:
    """Return a picking map's new click and its WGS-84 position, or ``None``.

    Parameters
    ----------
    answer
        What the map component returned (its ``last_clicked``), or ``None``.
    seen
        The click handled before (the component reports its last click on every run).
    basemap
        The basemap the map was drawn on (:func:`gridmap.maps.street.display_to_wgs84`).

    Returns
    -------
    tuple or None
        ``(click, (lon, lat))`` for a click other than ``seen``, else ``None``.
    """
    click = (answer or {}).get("last_clicked")
    if not click or click == seen:
        return None
    return click, display_to_wgs84(click["lng"], click["lat"], basemap=basemap)


def pick_caption(
    frames: Mapping[str, pd.DataFrame], picked: tuple[float, float] | None
) -> tuple[str, dict[str, Any]]:
    """Return the i18n key and fields of the caption under a picking map.

    Parameters
    ----------
    frames
        The frames the user may see (the grids and communities of the pick).
    picked
        The WGS-84 ``(lon, lat)`` picked, or ``None``.

    Returns
    -------
    tuple
        ``("pick.hint", {})`` before a pick; ``("pick.outside", {lon, lat})`` outside
        every grid; else ``("pick.where", {lon, lat, grid, community})``
        (:func:`gridmap.maps.panels.picked_place`).
    """
    if picked is None:
        return "pick.hint", {}
    lon, lat = picked
    place = panels.picked_place(frames, lon, lat)
    if place is None:
        return "pick.outside", {"lon": lon, "lat": lat}
    return "pick.where", {"lon": lon, "lat": lat, "grid": place[0], "community": place[1]}
