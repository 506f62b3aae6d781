"""Leaflet and plugin files for maps that draw with no internet.

folium points every map at CDN copies of Leaflet, jQuery, Bootstrap and
Font Awesome, and streamlit-folium hands those links to its component iframe.
gridmap instead serves the three libraries it needs (Leaflet, Leaflet.markercluster
and jQuery, which folium's popups use) from pip-installed XStatic packages:

1. :func:`install_static` copies the package files into ``static/vendor/<name>/``
   beside the Streamlit entry script; with ``server.enableStaticServing = true``
   Streamlit serves them at ``/app/static/vendor/<name>/...`` (:data:`STATIC_URL`).
2. :func:`offline_links` and :func:`markercluster_links` give folium-style
   ``[(name, url), ...]`` lists pointing there; :func:`gridmap.maps.new_map` puts
   them on each map instance.

gridmap's own map scripts and CSS are not served: they are package files
(``gridmap/maps/static/``) that :mod:`gridmap.maps.leaflet` writes into each map.

Files are copied, not symlinked: Streamlit 1.67 resolves symlinks and refuses
(HTTP 400) any file whose real path lies outside ``static/``, so a link into
``site-packages`` is not served. Copying also works on Windows.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from gridmap.errors import GridmapError

__all__ = [
    "ASSET_PACKAGES",
    "FAVICON_COLORS",
    "STATIC_URL",
    "asset_dirs",
    "asset_versions",
    "favicon_image",
    "install_static",
    "linked_files",
    "markercluster_links",
    "offline_links",
]

#: URL prefix under which :func:`install_static`'s vendor folder is served by Streamlit.
STATIC_URL = "/app/static/vendor"

#: asset name -> (XStatic module, pip distribution name)
ASSET_PACKAGES: dict[str, tuple[str, str]] = {
    "leaflet": ("xstatic.pkg.leaflet", "XStatic-Leaflet"),
    "leaflet_markercluster": ("xstatic.pkg.leaflet_markercluster", "XStatic-Leaflet-MarkerCluster"),
    "jquery": ("xstatic.pkg.jquery", "XStatic-jQuery"),
}

# Files copied from each package (glob patterns relative to its data folder). Source
# maps are included so browser developer tools do not log 404s.
_COPY_PATTERNS: dict[str, tuple[str, ...]] = {
    "leaflet": ("leaflet.js", "leaflet.js.map", "leaflet.css", "images/*.png"),
    "leaflet_markercluster": ("leaflet.markercluster.js", "MarkerCluster*.css"),
    "jquery": ("jquery.min.js", "jquery.min.map"),
}

# (link name, asset, file) as folium names them, so links from folium classes and ours
# replace each other instead of loading twice.
_JS = (("leaflet", "leaflet", "leaflet.js"), ("jquery", "jquery", "jquery.min.js"))
_CSS = (("leaflet_css", "leaflet", "leaflet.css"),)
_CLUSTER_JS = (("markerclusterjs", "leaflet_markercluster", "leaflet.markercluster.js"),)
_CLUSTER_CSS = (
    ("markerclustercss", "leaflet_markercluster", "MarkerCluster.css"),
    ("markerclusterdefaultcss", "leaflet_markercluster", "MarkerCluster.Default.css"),
)


def _module(name: str):
    module_name, dist = ASSET_PACKAGES[name]
    try:
        return importlib.import_module(module_name)
    except ImportError:
        raise GridmapError.keyed("assets.missing", dist=dist) from None


def asset_dirs() -> dict[str, Path]:
    """Return the data folder of each installed XStatic package.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"leaflet": ..., "leaflet_markercluster": ..., "jquery": ...}``.

    Raises
    ------
    gridmap.errors.GridmapError
        If a package is not installed.
    """
    return {name: Path(_module(name).BASE_DIR) for name in ASSET_PACKAGES}


def asset_versions() -> dict[str, str]:
    """Return the version of each XStatic package, e.g. ``{"leaflet": "1.9.3", ...}``.

    Raises
    ------
    gridmap.errors.GridmapError
        If a package is not installed.
    """
    return {name: str(_module(name).VERSION) for name in ASSET_PACKAGES}


def _links(base_url: str, files: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str]]:
    """Return folium's ``[(name, url), ...]`` for ``(name, asset, file)`` entries."""
    return [(name, f"{base_url.rstrip('/')}/{asset}/{file}") for name, asset, file in files]


def offline_links(
    base_url: str = STATIC_URL,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return folium ``default_js`` and ``default_css`` lists for Leaflet and jQuery.

    Bootstrap, awesome-markers and Font Awesome are left out: gridmap draws points
    as circle markers and needs no icon fonts.

    Parameters
    ----------
    base_url
        Where the vendor folder is served (default :data:`STATIC_URL`). Prefix it
        with Streamlit's ``server.baseUrlPath`` if one is set.

    Returns
    -------
    tuple of (list of (str, str), list of (str, str))
        ``(default_js, default_css)`` in folium's ``[(name, url), ...]`` form.

    Examples
    --------
    >>> offline_links()[0][0]
    ('leaflet', '/app/static/vendor/leaflet/leaflet.js')
    """
    return _links(base_url, _JS), _links(base_url, _CSS)


def markercluster_links(
    base_url: str = STATIC_URL,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return ``default_js`` and ``default_css`` lists for Leaflet.markercluster.

    Parameters
    ----------
    base_url
        Where the vendor folder is served (default :data:`STATIC_URL`).

    Returns
    -------
    tuple of (list of (str, str), list of (str, str))
        Lists for a :class:`folium.plugins.MarkerCluster` instance.
    """
    return _links(base_url, _CLUSTER_JS), _links(base_url, _CLUSTER_CSS)


def linked_files() -> list[Path]:
    """Return the package files that :func:`offline_links` and :func:`markercluster_links` name.

    Returns
    -------
    list of pathlib.Path
        Paths inside the installed XStatic packages (not the copies).

    Raises
    ------
    gridmap.errors.GridmapError
        If a package is not installed.
    """
    dirs = asset_dirs()
    return [dirs[asset] / file for _, asset, file in (*_JS, *_CSS, *_CLUSTER_JS, *_CLUSTER_CSS)]


def _same(src: Path, dst: Path) -> bool:
    if dst.is_symlink() or not dst.is_file():
        return False
    a, b = src.stat(), dst.stat()
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def _is_temp(path: Path) -> bool:
    # a file another process is writing right now (see _copy_atomic)
    return path.name.startswith(".") and path.name.endswith(".tmp")


def _copy_atomic(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copy2(src, tmp)
        if dst.is_symlink():
            dst.unlink()
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install_static(static_dir: Path | str) -> Path:
    """Copy the Leaflet, markercluster and jQuery files into ``static_dir/vendor/``.

    Run it at app start with the ``static`` folder beside the Streamlit entry
    script. It is idempotent and cheap when nothing changed: files whose size and
    modification time match are left alone, stale files from an older package
    version are removed, and a symlink left in place of a folder is replaced.
    Each file is written to a temporary name and renamed, so two app processes
    starting together do not serve half-written files.

    Parameters
    ----------
    static_dir
        The folder Streamlit serves at ``/app/static`` (created if missing).

    Returns
    -------
    pathlib.Path
        ``static_dir / "vendor"``; asset ``name`` is served from
        ``f"{STATIC_URL}/{name}/..."``.

    Raises
    ------
    gridmap.errors.GridmapError
        If a package is not installed or the folder cannot be written.
    """
    vendor = Path(static_dir) / "vendor"
    try:
        vendor.mkdir(parents=True, exist_ok=True)
        for name, src_dir in asset_dirs().items():
            dst_dir = vendor / name
            if dst_dir.is_symlink() or (dst_dir.exists() and not dst_dir.is_dir()):
                dst_dir.unlink()
            wanted: set[Path] = set()
            for pattern in _COPY_PATTERNS[name]:
                for src in sorted(src_dir.glob(pattern)):
                    if not src.is_file():
                        continue
                    rel = src.relative_to(src_dir)
                    wanted.add(rel)
                    dst = dst_dir / rel
                    if not _same(src, dst):
                        _copy_atomic(src, dst)
            if dst_dir.is_dir():
                for old in sorted(dst_dir.rglob("*"), reverse=True):
                    rel = old.relative_to(dst_dir)
                    if old.is_dir() and not old.is_symlink():
                        if not any(old.iterdir()):
                            old.rmdir()
                    elif rel not in wanted and not _is_temp(old):
                        old.unlink(missing_ok=True)
    except OSError as exc:
        raise GridmapError.keyed("assets.install", folder=vendor, reason=exc) from exc
    return vendor


#: The colours of the favicon's four squares (top left, top right, bottom left, bottom right).
FAVICON_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759")


def favicon_image() -> Any:
    """Draw the app's favicon: a 32 px grid of four coloured squares (drawn locally, no CDN).

    Returns
    -------
    PIL.Image.Image
        A 32 x 32 RGBA image, transparent between the squares.
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for i, color in enumerate(FAVICON_COLORS):
        x, y = (i % 2) * 16, (i // 2) * 16
        draw.rectangle([x + 1, y + 1, x + 14, y + 14], fill=color)
    return image
