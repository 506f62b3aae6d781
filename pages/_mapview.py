"""The street map kept once drawn: a click on the map sends the kept map, not a new one.

Drawing a street's map and rendering it to Leaflet's script is most of a map
page's rerun; a click reruns the map's fragment with the same frames.
:func:`show_street_map` keeps what ``st_folium`` sends per the frames (handed out
per data version, day, scope and role by :mod:`pages._shared`'s caches) and every
other input, in a :class:`gridmap.maps.FramesCache`.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from gridmap import maps, snapshot
from pages._shared import _draw_street_map, _tile_args, lang, settings


@st.cache_resource(show_spinner=False)
def _drawn_maps() -> maps.FramesCache:
    return maps.FramesCache(max_entries=16)


@st.cache_resource(show_spinner=False)
def _filtered() -> maps.FramesCache:
    return maps.FramesCache(max_entries=32)


def filter_frames(frames: Mapping[str, Any], **filters: Any) -> dict:
    """:func:`gridmap.snapshot.filter_frames`, the same frames out for the same frames and filters.

    So a rerun with unchanged filters (a search, the basemap) draws with frames
    :func:`show_street_map` has already drawn, and its kept map is sent again.
    """
    key = tuple((name, tuple(v) if isinstance(v, list | tuple) else v)
                for name, v in sorted(filters.items()))
    return _filtered().get(frames, key, lambda: snapshot.filter_frames(frames, **filters))


def show_street_map(
    frames: Mapping[str, Any],
    *,
    key: str,
    height: int,
    returned_objects: list[str],
    center: Any = None,
    zoom: int | None = None,
    basemap: str | None = None,
    view_key: str | None = None,
    **tiles: Any,
) -> tuple[dict | None, str]:
    """Show :func:`street_map` of ``frames`` (st_folium); (what st_folium returned, basemap used).

    Drawing the map and rendering it for the browser is done once and kept
    (:class:`gridmap.maps.FramesCache`) per the frames, which the caches above hand
    out per data version, day, scope and role (:func:`filter_frames` per filters),
    and per everything else the drawing reads (language, basemap, settings, tile
    arguments, the st_folium arguments): a click, which reruns the map's fragment
    with the same frames, sends the kept map again without drawing it. ``center``
    and ``zoom`` move the shown map (streamlit-folium keeps it, only sets its view).

    ``view_key``: a session-state key keeping the view the browser last reported
    (``center`` and ``zoom`` must then be in ``returned_objects``). Another map
    (the filters changed) opens at that view; the same map is left where the user
    has it: setting it back to a view reported one rerun earlier would move it,
    which the browser reports, which reruns, and so on for ever.
    """
    tiles, conf = _tile_args(tiles), settings()
    options = (key, height, tuple(returned_objects), basemap or conf["basemap"], lang(),
               repr(sorted(conf.items())), repr(sorted(tiles.items())))

    def draw() -> tuple[dict, str, str | None]:
        fmap, used, warning = _draw_street_map(frames, basemap=basemap, reference=("roads",),
                                               picking=False, tiles=tiles)
        return _folium_sent(fmap, key=key, height=height, returned_objects=returned_objects), \
            used, warning

    sent, used, warning = _drawn_maps().get(frames, options, draw)
    if warning:
        st.warning(warning)
    view = st.session_state.get(view_key) if view_key else None
    if center is None and view is not None and view[0] != sent["key"]:
        center, zoom = view[1], view[2]  # another map: open it where the user was
    fresh = {"default": copy.deepcopy(sent["default"]), "center": center, "zoom": zoom}
    out = _FOLIUM.gridmap_wrapped(**{**sent, **fresh})  # the kept map is not changed
    if view_key and out and out.get("center") and out.get("zoom"):
        st.session_state[view_key] = (sent["key"], (out["center"]["lat"], out["center"]["lng"]),
                                      out["zoom"])
    return out, used


class _FoliumSend(threading.local):
    """streamlit-folium's component call, which can keep what st_folium sends instead.

    st_folium renders the map to Leaflet's script on every call; :func:`_folium_sent`
    runs it once with ``keep`` set to get the component's arguments, which
    :func:`show_street_map` then sends as they are. Every other st_folium call
    goes through unchanged.
    """

    keep: dict | None = None

    def __init__(self, component: Callable) -> None:
        self.gridmap_wrapped = component

    def __call__(self, **kwargs: Any) -> Any:
        if self.keep is not None:
            self.keep.update(kwargs)
            return None
        return self.gridmap_wrapped(**kwargs)


def _install_folium_send() -> _FoliumSend:
    import streamlit_folium

    component = streamlit_folium._component_func
    # this module loaded again (Streamlit reloads a changed file): wrap the component once
    send = _FoliumSend(getattr(component, "gridmap_wrapped", component))
    streamlit_folium._component_func = send
    return send


_FOLIUM = _install_folium_send()


def _folium_sent(fmap: Any, *, key: str, height: int, returned_objects: list[str]) -> dict:
    """The arguments ``st_folium(fmap, ...)`` gives streamlit-folium's component."""
    from streamlit_folium import st_folium

    _FOLIUM.keep = sent = {}
    try:
        st_folium(fmap, key=key, height=height, use_container_width=True,
                  returned_objects=returned_objects)
    finally:
        _FOLIUM.keep = None
    return sent
