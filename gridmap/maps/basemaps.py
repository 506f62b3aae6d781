"""Basemaps: the tile layers under the data, none by default.

``"none"`` draws on a plain background with no network at all; ``"osm"``,
``"tianditu"`` (WGS-84, needs a key), ``"amap"`` (GCJ-02: the data is drawn
shifted, see :func:`gridmap.maps.shift_for_display`) and ``"custom"`` (an
intranet tile server) load tiles from their servers.
"""

from __future__ import annotations

from urllib.parse import quote

import folium

from gridmap import i18n
from gridmap.errors import InputError

__all__ = ["BASEMAPS", "basemap_needs_gcj", "check_basemap", "tile_layers"]

#: Basemap choices of :func:`gridmap.maps.new_map`; ``"none"`` draws with no network at all.
BASEMAPS: tuple[str, ...] = ("none", "osm", "tianditu", "amap", "custom")


def check_basemap(basemap: str) -> str:
    """Return ``basemap`` if it is one of :data:`BASEMAPS`.

    Parameters
    ----------
    basemap
        The basemap name.

    Returns
    -------
    str
        ``basemap``.

    Raises
    ------
    gridmap.errors.InputError
        If ``basemap`` is unknown.
    """
    if basemap not in BASEMAPS:
        raise InputError.keyed("maps.unknown_basemap", basemap=str(basemap),
                               basemaps=list(BASEMAPS))
    return basemap


def basemap_needs_gcj(basemap: str) -> bool:
    """Return whether data must be shifted to GCJ-02 to sit right on ``basemap``.

    Parameters
    ----------
    basemap
        One of :data:`BASEMAPS`.

    Returns
    -------
    bool
        ``True`` for ``"amap"`` (Amap tiles are in GCJ-02); then draw
        :func:`gridmap.maps.shift_for_display` copies of the layers.

    Raises
    ------
    gridmap.errors.InputError
        If ``basemap`` is unknown.
    """
    return check_basemap(basemap) == "amap"


def _tianditu_url(layer: str, key: str) -> str:
    return (
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={quote(key, safe='')}"
    )


def _check_tile_url(tile_url: str | None) -> str:
    if not tile_url or not isinstance(tile_url, str):
        raise InputError.keyed("maps.tile_url_missing")
    url = tile_url.strip()
    if not url.lower().startswith(("http://", "https://", "/")):
        raise InputError.keyed("maps.tile_url_scheme", url=url)
    if not all(p in url for p in ("{z}", "{x}")) or not ("{y}" in url or "{-y}" in url):
        raise InputError.keyed("maps.tile_url_fields", url=url)
    if any(ch in url for ch in "\"'<>` "):
        raise InputError.keyed("maps.tile_url_chars", url=url)
    return url


def tile_layers(
    basemap: str,
    *,
    tianditu_key: str | None,
    tile_url: str | None,
    attribution: str | None,
    lang: str,
) -> list[folium.TileLayer]:
    """Return the tile layers of ``basemap`` (none for ``"none"``).

    Parameters
    ----------
    basemap
        One of :data:`BASEMAPS`.
    tianditu_key
        Tianditu key (``tk``), needed for ``"tianditu"``.
    tile_url
        Leaflet URL template with ``{z}``, ``{x}``, ``{y}``, needed for ``"custom"``.
    attribution
        Attribution text (a default is used when omitted).
    lang
        Language of the layer names.

    Returns
    -------
    list of folium.TileLayer
        Base layers (Tianditu adds its label overlay).

    Raises
    ------
    gridmap.errors.InputError
        For a Tianditu basemap without key or a custom basemap without a valid URL.
    """
    name = i18n.t(f"map.basemap.{basemap}", lang)
    common = {"overlay": False, "control": True, "max_zoom": 20, "max_native_zoom": 18}
    if basemap == "none":
        return []
    if basemap == "osm":
        return [
            folium.TileLayer(
                tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                attr=attribution
                or '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
                " contributors",
                name=name,
                **common,
            )
        ]
    if basemap == "tianditu":
        key = (tianditu_key or "").strip()
        if not key:
            raise InputError.keyed("maps.tianditu_key")
        attr = attribution or "&copy; 天地图 Tianditu"
        return [
            folium.TileLayer(
                tiles=_tianditu_url("vec", key), attr=attr, name=name,
                subdomains="01234567", **common,
            ),
            folium.TileLayer(
                tiles=_tianditu_url("cva", key), attr=attr,
                name=i18n.t("map.basemap.tianditu_labels", lang),
                subdomains="01234567", overlay=True, control=False,
                max_zoom=20, max_native_zoom=18,
            ),
        ]  # fmt: skip
    if basemap == "amap":
        return [
            folium.TileLayer(
                tiles="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                "&style=8&x={x}&y={y}&z={z}",
                attr=attribution or "&copy; 高德地图 AutoNavi",
                name=name,
                subdomains="1234",
                **common,
            )
        ]
    url = _check_tile_url(tile_url)
    return [folium.TileLayer(tiles=url, attr=attribution or name, name=name, **common)]
