"""Settings as data, with optional TOML overrides.

Every setting is a :class:`Setting` (name, default, unit, help). Defaults live
here; a user overrides them in a TOML file, ``gridmap.toml`` in the user's
config directory or the file named by the ``GRIDMAP_CONFIG`` environment
variable::

    [settings]
    tiling_tolerance_m2 = 0.5
    max_distance_from_street_km = 20

Settings
--------
tiling_tolerance_m2
    Gaps and overlaps between grids at or below this area are ignored (m²).
max_distance_from_street_km
    Imported coordinates farther than this from the nearest stored community
    are reported as probably in the wrong coordinate system (km, default 20;
    points inside a stored community are never far).
boundary_flag_m
    Issue reports closer than this to a grid boundary are flagged (m).
session_idle_minutes
    Idle app sessions expire after this many minutes.
session_max_hours
    A login session ends this many hours after the login, however active (h).
basemap
    Default basemap: ``none`` (offline), ``osm``, ``tianditu``, ``amap`` or ``custom``.
tianditu_key
    Key for the Tianditu tile service (empty: Tianditu unavailable).
tile_url
    Tile URL template for the ``custom`` basemap (an intranet tile server).
    ``/basemap/{z}/{x}/{y}`` is the app's own local basemap package.
basemap_package
    A local MBTiles file the app serves at ``/basemap/{z}/{x}/{y}`` (empty: none).
max_upload_mb
    Uploads larger than this are refused before they are read (MB).
timezone
    The street's time zone (IANA name, default ``Asia/Shanghai``): times are
    stored in UTC and shown in this zone (see :func:`gridmap.i18n.format_time`).
issuing_office
    The office named on supervision orders (督办单) as issuer and signer; empty:
    the street's name with 办事处 (望江街道办事处).
document_prefix
    The 发文机关代字 of the orders' document numbers (文号 ``望江街督〔2026〕3号``);
    empty: the street's name without 街道 followed by 街督.
max_import_rows
    An imported file with more data rows or features than this is refused; tables
    (CSV, XLSX) are counted while they are read and reading stops at the cap.
max_import_vertices
    An imported vector file whose geometries hold more coordinates than this in
    all is refused.
max_parse_mb
    GeoJSON and KML files are parsed whole in memory (about 15 times their size);
    larger ones are refused before parsing (MB).
max_import_seconds
    Reading one file in a child process may take this long; then it is stopped and
    the file refused (s).
max_import_memory_mb
    Memory a child process reading one file may take beyond what it starts with;
    a file that needs more is refused (MB; Linux and macOS).
child_import_mb
    Files larger than this are read in a child process with the time and memory
    caps above, so the app keeps answering whatever the file holds; smaller files
    are read in the app's own process (MB; 0: every file in a child process).
max_photo_megapixels
    A photo declaring more pixels than this is refused before it is decoded
    (million pixels).
max_photos_per_report
    A report (or an update of a case) takes at most this many photos.
cjk_font
    TrueType Chinese font (``.ttf``/``.ttc``, ``path#index`` for a face of a
    collection) embedded in PDF exports and drawn in map images; empty: found
    automatically (see :mod:`gridmap.export.fonts`).
map_tile_threshold
    Maps of stores with more features than this (communities, grids, point
    records and issues) are drawn from the app's tiles instead of layers sent
    to the browser (:func:`gridmap.maps.tiles.use_tiles`).
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gridmap.errors import InputError

__all__ = [
    "SETTINGS",
    "Setting",
    "config_path",
    "default_settings",
    "get",
    "load_settings",
    "mask_url",
    "read_toml",
    "save_settings",
    "street_zone",
    "write_table",
]


@dataclass(frozen=True)
class Setting:
    """One configurable value with its unit and help text."""

    name: str
    default: Any
    unit: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("tiling_tolerance_m2", 1.0, "m²", "ignore gaps and overlaps up to this area"),
    Setting(
        "max_distance_from_street_km",
        20.0,
        "km",
        "coordinates farther than this from the nearest stored community are reported",
    ),
    Setting(
        "boundary_flag_m", 10.0, "m", "issue reports this close to a grid boundary are flagged"
    ),
    Setting("session_idle_minutes", 30, "min", "idle app sessions expire"),
    Setting("session_max_hours", 12, "h", "login sessions end this long after the login"),
    Setting("basemap", "none", "", "default basemap: none, osm, tianditu, amap or custom"),
    Setting("tianditu_key", "", "", "key for Tianditu tiles"),
    Setting("tile_url", "", "", "tile URL template for the custom basemap"),
    Setting("basemap_package", "", "", "local MBTiles basemap served at /basemap/{z}/{x}/{y}"),
    Setting("max_upload_mb", 200, "MB", "uploads larger than this are refused"),
    Setting("max_import_rows", 200_000, "", "files with more rows or features are refused"),
    Setting(
        "max_import_vertices", 5_000_000, "", "vector files with more coordinates are refused"
    ),
    Setting("max_parse_mb", 60, "MB", "larger GeoJSON and KML files are refused before parsing"),
    Setting("max_import_seconds", 120, "s", "reading one file may take this long"),
    Setting("max_import_memory_mb", 1500, "MB", "memory reading one file may take"),
    Setting("child_import_mb", 5, "MB", "larger files are read in a child process"),
    Setting("max_photo_megapixels", 40, "Mpx", "photos with more pixels are refused"),
    Setting("max_photos_per_report", 9, "", "a report takes at most this many photos"),
    Setting("cjk_font", "", "", "TrueType Chinese font file for PDF exports (empty: automatic)"),
    Setting("timezone", "Asia/Shanghai", "", "the street's time zone; times are shown in it"),
    Setting("issuing_office", "", "", "office that issues 督办单 (empty: <street>办事处)"),
    Setting("document_prefix", "", "", "文号 prefix of 督办单 (empty: from the street)"),
    Setting("map_tile_threshold", 20_000, "features",
            "maps of larger stores are drawn from tiles instead of layers"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def config_path() -> Path:
    """Return the TOML file settings are read from (it need not exist)."""
    env = os.environ.get("GRIDMAP_CONFIG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("gridmap")) / "gridmap.toml"


def default_settings() -> dict[str, Any]:
    """Return every setting at its default (what the app uses when the file is bad)."""
    return {s.name: s.default for s in SETTINGS}


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """Return every setting, defaults overridden by the TOML file.

    Parameters
    ----------
    path
        TOML file to read; defaults to :func:`config_path`.

    Returns
    -------
    dict
        Setting name -> value.

    Raises
    ------
    gridmap.errors.InputError
        If the file is not valid TOML or names an unknown setting.
    """
    values = default_settings()
    path = config_path() if path is None else Path(path)
    data = read_toml(path)
    for name, value in data.get("settings", {}).items():
        values[name] = _checked(name, value, file=str(path))
    return values


def _checked(name: str, value: Any, *, file: str | None = None) -> Any:
    """Return ``value`` if it suits setting ``name``; raise InputError otherwise."""
    if name not in _BY_NAME:
        raise InputError.keyed("config.unknown", file=file, name=name, known=list(_BY_NAME))
    default = _BY_NAME[name].default
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, int | float) and not isinstance(default, bool):
        if not is_number or value < 0:
            raise InputError.keyed("config.number", file=file, name=name, value=value)
    elif isinstance(default, str) and not isinstance(value, str):
        raise InputError.keyed("config.text", file=file, name=name, value=value)
    return value


def read_toml(path: Path) -> dict[str, Any]:
    """Return the TOML document at ``path`` (empty when the file does not exist).

    Raises
    ------
    gridmap.errors.InputError
        Naming the file, when it is not valid TOML or cannot be read.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.keyed("config.toml", file=str(path), reason=exc) from None
    except OSError as exc:
        raise InputError.keyed(
            "config.unreadable", file=str(path), reason=exc.strerror or exc
        ) from None


def get(name: str) -> Any:
    """Return the current value of setting ``name``."""
    if name not in _BY_NAME:
        msg = f"unknown setting {name!r}"
        raise KeyError(msg)
    return load_settings()[name]


def street_zone(name: str | None = None) -> ZoneInfo:
    """Return the street's time zone: ``name``, else the ``timezone`` setting.

    Raises
    ------
    gridmap.errors.InputError
        If the name is not a known IANA time zone.

    Examples
    --------
    >>> str(street_zone("Asia/Shanghai"))
    'Asia/Shanghai'
    """
    if name is None:
        path = config_path()
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = None
        name = _zone_name(str(path), stamp)
    return _zone(name)


@functools.lru_cache(maxsize=8)
def _zone_name(path: str, stamp: int | None) -> str:
    """Return the ``timezone`` setting of the file at ``path`` as of modification ``stamp``."""
    try:
        return str(load_settings(Path(path)).get("timezone") or "Asia/Shanghai")
    except InputError:  # a broken settings file must not stop every time from showing
        return "Asia/Shanghai"


@functools.lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError.keyed("config.timezone", name=name) from None


def save_settings(values: dict[str, Any], *, by: Any, path: Path | None = None) -> Path:
    """Write settings to the TOML file, keeping the other settings already in it.

    Parameters
    ----------
    values
        Setting name -> new value; numbers must stay numbers.
    by
        The :class:`gridmap.auth.User` saving them (needs the ``edit_settings`` right).
    path
        TOML file to write; defaults to :func:`config_path`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If ``by`` may not edit settings.
    gridmap.errors.InputError
        For an unknown setting, a wrong type, an unknown basemap, or a file that
        cannot be written.
    """
    from gridmap import auth

    auth.require_street(by, "edit_settings")
    path = config_path() if path is None else Path(path)
    current = read_toml(path).get("settings", {})
    merged = {k: v for k, v in current.items() if k in _BY_NAME}
    for name, value in values.items():
        merged[name] = _checked(name, value)
    if "timezone" in values:
        street_zone(merged["timezone"])  # an unknown zone is refused before it is saved
    if merged.get("basemap", "none") not in ("none", "osm", "tianditu", "amap", "custom"):
        raise InputError.keyed("config.basemap", name=merged["basemap"])
    return write_table(("settings",), merged, path=path)


def write_table(keys: tuple[str, ...], values: dict[str, Any], *, path: Path | None = None) -> Path:
    """Replace one table of the TOML file (e.g. ``("settings",)`` or ``("rules", "bin_reach")``).

    Every other table in the file is kept as it was; the file is replaced atomically.
    Empty ``values`` remove the table.

    Raises
    ------
    gridmap.errors.InputError
        If the existing file is not valid TOML or cannot be written.
    """
    import tomli_w

    path = config_path() if path is None else Path(path)
    document = read_toml(path)  # a broken file is reported, never overwritten
    table = document
    for key in keys[:-1]:
        table = table.setdefault(key, {})
    if values:
        table[keys[-1]] = dict(values)
    else:  # an empty table is no override: leave it out
        table.pop(keys[-1], None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(
            "# gridmap settings (see gridmap.config)\n" + tomli_w.dumps(document), encoding="utf-8"
        )
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError.keyed(
            "config.unwritable", file=str(path), reason=exc.strerror or exc
        ) from None
    return path


# --- secrets in URLs ---------------------------------------------------------------------

#: ``scheme://user:PASSWORD@`` (up to the last ``@`` of the run of non-blank characters).
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][\w+.-]*://[^:/@\s'\"]*):[^\s'\"]*@")
#: ``password=…``, ``passfile=…``, ``pwd=…``, ``secret=…``, ``token=…`` as a URL query
#: parameter or a libpq connection-string keyword (quoted or not).
_SECRET_PARAM = re.compile(
    r"(?i)(\b[\w-]*(?:pass|pwd|secret|token)[\w-]*\s*=\s*)"
    r"('[^']*'|\"[^\"]*\"|[^&\s'\";,)]*?(?=[:.]?(?:[&\s'\";,)]|$)))"
)  # an unquoted value ends before a delimiter; a ':' or '.' just before one ends a sentence


def mask_url(text: object) -> str:
    """Return a URL (or a message quoting URLs) with every password replaced by ``***``.

    The one function gridmap uses wherever a store URL is shown: in messages, logs,
    ``gridmap info`` and the app. It hides the password of ``user:pw@``, and the
    value of any query parameter or connection keyword naming a password, a password
    file, a secret or a token (``?password=``, ``&passfile=``, ``sslpassword=``,
    ``password='…'`` in a libpq string).

    Examples
    --------
    >>> mask_url("postgresql+psycopg://gridmap:s3cret@db/gridmap")
    'postgresql+psycopg://gridmap:***@db/gridmap'
    >>> mask_url("postgresql+psycopg://gridmap@db/gridmap?password=s3cret&sslmode=require")
    'postgresql+psycopg://gridmap@db/gridmap?password=***&sslmode=require'
    >>> mask_url("sqlite:////var/lib/gridmap/gridmap.sqlite")
    'sqlite:////var/lib/gridmap/gridmap.sqlite'
    """
    masked = _URL_PASSWORD.sub(r"\1:***@", str(text))
    return _SECRET_PARAM.sub(r"\1***", masked)
