"""Coordinate systems: GCJ-02/BD-09 conversion, metric CRS choice and coordinate checks.

This module is the only place in gridmap that calls pyproj or ``.to_crs()``.

Systems
-------
``wgs84``
    WGS-84 longitude/latitude (EPSG:4326), raw GPS. gridmap stores this.
``cgcs2000``
    CGCS2000 longitude/latitude (EPSG:4490). Within a metre of WGS-84, so it is
    treated as equal to ``wgs84`` (see STANDARDS §5).
``gcj02``
    The obfuscated "Mars" system of Amap, Tencent and Google China.
``bd09``
    Baidu: GCJ-02 plus a further offset.
``EPSG:n``
    Any CRS with an EPSG code (projected or geographic), reached with pyproj.

Every function takes longitude first: ``f(lon, lat)`` and returns ``(lon, lat)``.
Arrays (any shape; the two are broadcast together) and scalars are accepted; the
result is a tuple of float64 arrays of the broadcast shape, or of float64 scalars
when both inputs are scalars. NaN in gives NaN out, without warnings.

The GCJ-02 offset is the standard public formula (Krasovsky ellipsoid,
a = 6378245.0 m, e² = 0.00669342162296594323). As in every public
implementation, points outside the bounding box lon 72.004–137.8347,
lat 0.8293–55.8271 are not shifted; gridmap applies the same rule to BD-09.
The inverses (GCJ-02 → WGS-84, BD-09 → GCJ-02) are solved iteratively (Newton
steps for GCJ-02, fixed-point steps for BD-09) until the forward transform of
the estimate is within ``tol_m`` metres of the input, so a round trip is exact
to well under a centimetre.

Speed: the GCJ-02 formula has twelve sines; all are multiples of three base
angles, so they are built by angle doubling from three (fast) library tangents,
and points are processed in cache-sized blocks.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from geopandas.array import GeometryArray
from numpy.typing import ArrayLike, NDArray
from pyproj.exceptions import CRSError as _PyprojCRSError

from gridmap.errors import CRSError, InputError

__all__ = [
    "CHINA_BBOX",
    "FINDING_KINDS",
    "SYSTEMS",
    "CoordinateFinding",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "check_coordinates",
    "distance_m",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "lonlat_to_wgs84",
    "looks_swapped",
    "metric_crs",
    "metric_epsg",
    "normalize_crs_name",
    "points_from_lonlat",
    "points_lonlat",
    "require_crs",
    "to_metric",
    "to_wgs84",
    "transform",
    "transform_geometries",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

#: The lon/lat systems gridmap converts between without pyproj.
SYSTEMS = ("wgs84", "gcj02", "bd09")

#: (min_lon, min_lat, max_lon, max_lat) of the standard "in China" test.
CHINA_BBOX = (72.004, 0.8293, 137.8347, 55.8271)

#: Kinds of :class:`CoordinateFinding`, in the order they are reported.
FINDING_KINDS = ("projected", "swapped", "invalid", "outside_china", "far_from_center")

# Krasovsky 1940 ellipsoid, as used by the public GCJ-02 formula.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
# BD-09 constant: pi * 3000 / 180.
_X_PI = math.pi * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006
# Mean Earth radius (IUGG), for haversine plausibility distances.
_EARTH_RADIUS_M = 6_371_008.8
_M_PER_DEG = _EARTH_RADIUS_M * math.pi / 180.0
# Points per block in the vectorised conversions: 64 KiB arrays stay in the CPU cache and
# under glibc's 128 KiB mmap threshold, which makes the many temporaries 2-4x faster.
_BLOCK = 8192

Coords = tuple[Any, Any]

#: pandas 3 copies on write, so a shallow copy of a frame is as independent as a deep one.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


# ---------------------------------------------------------------------------
# array helpers
# ---------------------------------------------------------------------------


def _as_float_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[NDArray, NDArray, bool]:
    """Return float64 copies of ``lon``, ``lat`` (broadcast) and whether both were scalars."""
    try:
        x = np.asarray(lon, dtype=np.float64)
        y = np.asarray(lat, dtype=np.float64)
        x, y = np.broadcast_arrays(x, y)
    except (TypeError, ValueError) as exc:
        raise InputError.keyed("crs.not_numbers", detail=str(exc)) from exc
    return x.copy(), y.copy(), x.ndim == 0


def _finish(x: NDArray, y: NDArray, scalar: bool) -> Coords:
    """Return ``(x, y)`` as float64 scalars when the input was scalar, else as arrays."""
    if scalar:
        return np.float64(x[()]), np.float64(y[()])
    return x, y


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray:
    """Tell which points fall in the standard GCJ-02 "in China" bounding box.

    Parameters
    ----------
    lon, lat
        Longitude and latitude in degrees (any system).

    Returns
    -------
    numpy.ndarray
        Boolean array of the broadcast shape; NaN and infinite values are ``False``.
    """
    x, y, _ = _as_float_arrays(lon, lat)
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    return (x >= min_lon) & (x <= max_lon) & (y >= min_lat) & (y <= max_lat)


def _apply_inside(
    func: Callable[[NDArray, NDArray], tuple[NDArray, NDArray]],
    lon: ArrayLike,
    lat: ArrayLike,
) -> Coords:
    """Apply ``func`` to the points inside China and pass the others through unchanged.

    ``func`` works on flat arrays; it is called on blocks of :data:`_BLOCK` points
    so that its temporaries stay in the CPU cache.
    """
    x, y, scalar = _as_float_arrays(lon, lat)
    inside = in_china(x, y)
    if inside.any():
        every = bool(inside.all())
        xs = x.ravel() if every else x[inside]
        ys = y.ravel() if every else y[inside]
        out_x = np.empty_like(xs)
        out_y = np.empty_like(ys)
        for i in range(0, xs.size, _BLOCK):
            block = slice(i, i + _BLOCK)
            out_x[block], out_y[block] = func(xs[block], ys[block])
        if every:
            x, y = out_x.reshape(x.shape), out_y.reshape(y.shape)
        else:
            x[inside], y[inside] = out_x, out_y
    return _finish(x, y, scalar)


# A Jacobian (d_lon/d_lon, d_lon/d_lat, d_lat/d_lon, d_lat/d_lat) of an offset, degrees per degree.
Jacobian = tuple[NDArray, NDArray, NDArray, NDArray]
OffsetFunc = Callable[[NDArray, NDArray, int], tuple[NDArray, NDArray, Jacobian | None]]


def _apply_solver(
    inside: Callable[..., tuple[NDArray, NDArray]],
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    tol_m: float,
    max_iter: int,
) -> Coords:
    """Check the solver options, then apply an iterative inverse inside China's box."""
    if not (tol_m > 0 and max_iter >= 1):
        msg = f"tol_m must be > 0 and max_iter >= 1, got tol_m={tol_m}, max_iter={max_iter}"
        raise InputError(msg)  # programmer error
    return _apply_inside(lambda x, y: inside(x, y, tol_m=tol_m, max_iter=max_iter), lon, lat)


def _solve(
    offset_at: OffsetFunc,
    lon: NDArray,
    lat: NDArray,
    *,
    start: tuple[NDArray, NDArray] | None,
    tol_m: float,
    max_iter: int,
) -> tuple[NDArray, NDArray]:
    """Solve ``w + offset(w) = (lon, lat)`` for ``w``.

    ``offset_at(w_lon, w_lat, k)`` returns the offset at the estimate of step
    ``k`` and, optionally, its Jacobian. With a Jacobian each step is a Newton
    step (the last Jacobian is reused when none is returned); without one it is
    the fixed-point step ``w = target - offset(w)``, which also converges since
    the offset's derivative is at most about 0.02. The loop stops once the forward
    transform of the estimate lies within ``tol_m`` metres of the target for
    every point; the estimate returned is the one after that last correction,
    so it is better still.
    """
    est_x, est_y = (lon, lat) if start is None else start
    jac: Jacobian | None = None
    for k in range(max_iter):
        dx, dy, new_jac = offset_at(est_x, est_y, k)
        jac = new_jac if new_jac is not None else jac
        # residual of the forward transform of the estimate, in degrees
        res_x = est_x + dx - lon
        res_y = est_y + dy - lat
        if jac is None:
            est_x, est_y = lon - dx, lat - dy
        else:  # Newton: solve (I + J) step = residual
            j11, j12, j21, j22 = jac
            a11, a22 = 1.0 + j11, 1.0 + j22
            det = a11 * a22 - j12 * j21
            est_x = est_x - (a22 * res_x - j12 * res_y) / det
            est_y = est_y - (a11 * res_y - j21 * res_x) / det
        # metres, overstating the longitude part by 1/cos(lat): errs on the safe side
        res_m = np.hypot(res_x, res_y) * _M_PER_DEG
        if not (res_m > tol_m).any():  # NaN compares False: NaN points count as done
            break
    return est_x, est_y


# ---------------------------------------------------------------------------
# GCJ-02
# ---------------------------------------------------------------------------


def _cos_sin(value: NDArray, scale: float) -> tuple[NDArray, NDArray]:
    """Return cos and sin of ``value * scale`` (an angle below 3 in size) from one tangent.

    With t = tan(a / 2): cos a = (1 - t²) / (1 + t²), sin a = 2t / (1 + t²). NumPy's
    vectorised tangent is several times faster than its sine and cosine.
    """
    t = np.tan(value * (0.5 * scale))
    t2 = t * t
    inv = 1.0 / (1.0 + t2)
    return (1.0 - t2) * inv, 2.0 * t * inv


def _double(c: NDArray, s: NDArray) -> tuple[NDArray, NDArray]:
    """Return cos and sin of twice the angle."""
    return (c - s) * (c + s), 2.0 * s * c


def _add(c1: NDArray, s1: NDArray, c2: NDArray, s2: NDArray) -> tuple[NDArray, NDArray]:
    """Return cos and sin of the sum of two angles."""
    return c1 * c2 - s1 * s2, s1 * c2 + c1 * s2


def _gcj02_offset(
    lon: NDArray, lat: NDArray, *, jacobian: bool = False
) -> tuple[NDArray, NDArray, Jacobian | None]:
    """Return the GCJ-02 offset (dlon, dlat) in degrees at WGS-84 ``lon``, ``lat``.

    This is the public formula (same numbers to about 1e-16 degrees), computed
    faster: with x = lon - 105 and y = lat - 35, its twelve sines are whole
    multiples of u = pi x / 60 (2u = pi x / 30, 5u = pi x / 12, 20u = pi x / 3,
    60u = pi x, 120u = 2 pi x, 360u = 6 pi x) and of v = pi y / 60, so they are
    built by angle doubling and addition from the cosine and sine of u, v and the
    latitude, which come from three tangents. Only valid inside the China box.
    With ``jacobian=True`` the offset's Jacobian (degrees per degree) is returned
    as well, else ``None``.
    """
    x = lon - 105.0
    y = lat - 35.0
    # |u|, |v| < 1.8 and |lat| < 1 radian in the box: far from the poles of tan(a / 2)
    cu, su = _cos_sin(x, math.pi / 60.0)
    cv, sv = _cos_sin(y, math.pi / 60.0)
    cr, sr = _cos_sin(lat, math.pi / 180.0)
    # multiples of u
    c2, s2 = _double(cu, su)  # pi x / 30
    c4, s4 = _double(c2, s2)
    c5, s5 = _add(c4, s4, cu, su)  # pi x / 12
    c10, s10 = _double(c5, s5)
    c20, s20 = _double(c10, s10)  # pi x / 3
    c40, s40 = _double(c20, s20)
    c60, s60 = _add(c40, s40, c20, s20)  # pi x
    c120, s120 = _double(c60, s60)  # 2 pi x
    s360 = s120 * (3.0 - 4.0 * s120 * s120)  # 6 pi x (triple angle)
    # multiples of v
    d2, t2 = _double(cv, sv)  # pi y / 30
    d4, t4 = _double(d2, t2)
    d5, t5 = _add(d4, t4, cv, sv)  # pi y / 12
    d10, t10 = _double(d5, t5)
    d20, t20 = _double(d10, t10)  # pi y / 3
    d40, t40 = _double(d20, t20)
    d60, t60 = _add(d40, t40, d20, t20)  # pi y

    k = 2.0 / 3.0
    common = (20.0 * k) * (s360 + s120)
    root = np.sqrt(np.abs(x))
    t_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root + common
    t_lat += k * (20.0 * t60 + 40.0 * t20 + 160.0 * t5 + 320.0 * t2)
    t_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root + common
    t_lon += k * (20.0 * s60 + 40.0 * s20 + 150.0 * s5 + 300.0 * s2)

    magic = 1.0 - _KRASOVSKY_EE * sr * sr
    sqrt_magic = np.sqrt(magic)
    p_lat = magic * sqrt_magic * (180.0 / (_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE) * math.pi))
    q_lon = sqrt_magic * (180.0 / (_KRASOVSKY_A * math.pi)) / cr
    dlat = t_lat * p_lat
    dlon = t_lon * q_lon
    if not jacobian:
        return dlon, dlat, None

    pi = math.pi
    c360 = c120 * (4.0 * c120 * c120 - 3.0)  # cos 6 pi x
    # d sqrt|x| / dx, kept finite at x = 0 (the formula has a cusp there)
    droot = np.copysign(0.5, x) / np.sqrt(np.maximum(np.abs(x), 1e-8))
    dcommon = (20.0 * k) * (6.0 * pi * c360 + 2.0 * pi * c120)
    dt_lat_dx = 2.0 + 0.1 * y + 0.2 * droot + dcommon
    dt_lat_dy = 3.0 + 0.4 * y + 0.1 * x
    dt_lat_dy += (k * pi) * (
        20.0 * d60 + (40.0 / 3.0) * d20 + (160.0 / 12.0) * d5 + (320.0 / 30.0) * d2
    )
    dt_lon_dx = 1.0 + 0.2 * x + 0.1 * y + 0.1 * droot + dcommon
    dt_lon_dx += (k * pi) * (
        20.0 * c60 + (40.0 / 3.0) * c20 + (150.0 / 12.0) * c5 + (300.0 / 30.0) * c2
    )
    dt_lon_dy = 2.0 + 0.1 * x
    # derivatives of the scale factors with latitude, per degree
    e_term = _KRASOVSKY_EE * sr * cr / magic
    dlnp = (-3.0 * pi / 180.0) * e_term
    dlnq = (pi / 180.0) * (sr / cr - e_term)
    jac = (
        q_lon * dt_lon_dx,
        q_lon * dt_lon_dy + dlon * dlnq,
        p_lat * dt_lat_dx,
        p_lat * dt_lat_dy + dlat * dlnp,
    )
    return dlon, dlat, jac


def _wgs84_to_gcj02_inside(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    dlon, dlat, _ = _gcj02_offset(lon, lat)
    return lon + dlon, lat + dlat


def _gcj02_to_wgs84_inside(
    lon: NDArray, lat: NDArray, *, tol_m: float, max_iter: int
) -> tuple[NDArray, NDArray]:
    def offset_at(
        est_lon: NDArray, est_lat: NDArray, k: int
    ) -> tuple[NDArray, NDArray, Jacobian | None]:
        # Step 0 (from the GCJ-02 point itself) is a plain fixed-point step, leaving
        # about 5 m; one Newton step from there leaves under 0.1 mm everywhere in the
        # box; step 2 measures that and polishes (reusing the Jacobian).
        return _gcj02_offset(est_lon, est_lat, jacobian=k == 1)

    return _solve(offset_at, lon, lat, start=None, tol_m=tol_m, max_iter=max_iter)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> Coords:
    """Convert WGS-84 longitude/latitude to GCJ-02 (Amap, Tencent).

    Parameters
    ----------
    lon, lat
        WGS-84 longitude and latitude in degrees; scalars or arrays.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02 degrees, float64. Points outside China's bounding
        box and NaN are returned unchanged.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(116.404, 39.915)
    >>> round(float(lon), 6), round(float(lat), 6)
    (116.410244, 39.916404)
    """
    return _apply_inside(_wgs84_to_gcj02_inside, lon, lat)


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol_m: float = 1e-4, max_iter: int = 30
) -> Coords:
    """Convert GCJ-02 longitude/latitude to WGS-84, exactly (iteratively).

    Parameters
    ----------
    lon, lat
        GCJ-02 longitude and latitude in degrees; scalars or arrays.
    tol_m
        Stop once the GCJ-02 forward transform of every estimate lies within this
        many metres of the input.
    max_iter
        Upper bound on iterations (three suffice for the default tolerance).

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84 degrees, float64. Points outside China's bounding
        box and NaN are returned unchanged.

    Raises
    ------
    InputError
        If the coordinates are not numbers or ``tol_m``/``max_iter`` are not positive.
    """
    return _apply_solver(_gcj02_to_wgs84_inside, lon, lat, tol_m=tol_m, max_iter=max_iter)


# ---------------------------------------------------------------------------
# BD-09
# ---------------------------------------------------------------------------


def _gcj02_to_bd09_inside(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT


def _bd09_to_gcj02_approx(lon: NDArray, lat: NDArray) -> tuple[NDArray, NDArray]:
    """Return the usual closed-form BD-09 → GCJ-02 estimate (about a metre off)."""
    x = lon - _BD_DLON
    y = lat - _BD_DLAT
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _bd09_to_gcj02_inside(
    lon: NDArray, lat: NDArray, *, tol_m: float, max_iter: int
) -> tuple[NDArray, NDArray]:
    def offset_at(
        est_lon: NDArray, est_lat: NDArray, k: int
    ) -> tuple[NDArray, NDArray, Jacobian | None]:
        bd_lon, bd_lat = _gcj02_to_bd09_inside(est_lon, est_lat)
        return bd_lon - est_lon, bd_lat - est_lat, None

    start = _bd09_to_gcj02_approx(lon, lat)
    return _solve(offset_at, lon, lat, start=start, tol_m=tol_m, max_iter=max_iter)


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> Coords:
    """Convert GCJ-02 longitude/latitude to BD-09 (Baidu).

    Parameters
    ----------
    lon, lat
        GCJ-02 longitude and latitude in degrees; scalars or arrays.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09 degrees, float64. Points outside China's bounding
        box and NaN are returned unchanged.
    """
    return _apply_inside(_gcj02_to_bd09_inside, lon, lat)


def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, *, tol_m: float = 1e-4, max_iter: int = 30
) -> Coords:
    """Convert BD-09 longitude/latitude to GCJ-02, exactly (iteratively).

    The widely copied closed-form inverse is off by up to a few metres; this
    starts from it and iterates until the forward transform matches.

    Parameters
    ----------
    lon, lat
        BD-09 longitude and latitude in degrees; scalars or arrays.
    tol_m
        Stop once the BD-09 forward transform of every estimate lies within this
        many metres of the input.
    max_iter
        Upper bound on iterations.

    Returns
    -------
    tuple
        ``(lon, lat)`` in GCJ-02 degrees, float64. Points outside China's bounding
        box and NaN are returned unchanged.

    Raises
    ------
    InputError
        If the coordinates are not numbers or ``tol_m``/``max_iter`` are not positive.
    """
    return _apply_solver(_bd09_to_gcj02_inside, lon, lat, tol_m=tol_m, max_iter=max_iter)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> Coords:
    """Convert WGS-84 longitude/latitude to BD-09 (through GCJ-02).

    Parameters
    ----------
    lon, lat
        WGS-84 longitude and latitude in degrees; scalars or arrays.

    Returns
    -------
    tuple
        ``(lon, lat)`` in BD-09 degrees, float64.
    """
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol_m: float = 1e-4, max_iter: int = 30
) -> Coords:
    """Convert BD-09 longitude/latitude to WGS-84 (through GCJ-02), exactly.

    Parameters
    ----------
    lon, lat
        BD-09 longitude and latitude in degrees; scalars or arrays.
    tol_m
        Tolerance in metres of each of the two iterative steps.
    max_iter
        Upper bound on iterations of each step.

    Returns
    -------
    tuple
        ``(lon, lat)`` in WGS-84 degrees, float64.

    Raises
    ------
    InputError
        If the coordinates are not numbers or ``tol_m``/``max_iter`` are not positive.
    """
    gcj = bd09_to_gcj02(lon, lat, tol_m=tol_m, max_iter=max_iter)
    return gcj02_to_wgs84(*gcj, tol_m=tol_m, max_iter=max_iter)


# ---------------------------------------------------------------------------
# names and general transform
# ---------------------------------------------------------------------------

_ALIASES = {
    "wgs84": "wgs84",
    "wgs1984": "wgs84",
    "epsg4326": "wgs84",
    "4326": "wgs84",
    "crs84": "wgs84",
    "ogccrs84": "wgs84",
    "gps": "wgs84",
    "latlon": "wgs84",
    "lonlat": "wgs84",
    "cgcs2000": "cgcs2000",
    "cgcs": "cgcs2000",
    "epsg4490": "cgcs2000",
    "4490": "cgcs2000",
    "2000国家大地坐标系": "cgcs2000",
    "国家2000": "cgcs2000",
    "天地图": "cgcs2000",
    "tianditu": "cgcs2000",
    "gcj02": "gcj02",
    "gcj": "gcj02",
    "amap": "gcj02",
    "gaode": "gcj02",
    "autonavi": "gcj02",
    "tencent": "gcj02",
    "qq": "gcj02",
    "mars": "gcj02",
    "火星": "gcj02",
    "火星坐标": "gcj02",
    "火星坐标系": "gcj02",
    "国测局": "gcj02",
    "国测局坐标": "gcj02",
    "高德": "gcj02",
    "腾讯": "gcj02",
    "bd09": "bd09",
    "bd09ll": "bd09",
    "bd": "bd09",
    "baidu": "bd09",
    "百度": "bd09",
    "百度坐标": "bd09",
}

_EPSG_RE = re.compile(r"^(?:epsg)?:*(\d{4,6})$")


def normalize_crs_name(text: str | int) -> str:
    """Return the canonical name of a coordinate system.

    Parameters
    ----------
    text
        A system name as a user types it: ``"WGS84"``, ``"wgs-84"``,
        ``"EPSG:4326"``, ``"4326"``, ``"GCJ02"``, ``"gcj-02"``, ``"amap"``,
        ``"bd09"``, ``"baidu"``, ``"cgcs2000"``, ``"EPSG:4490"``, ``"EPSG:4549"``,
        an integer EPSG code, or a Chinese alias (``"高德"``, ``"百度"``).

    Returns
    -------
    str
        ``"wgs84"``, ``"gcj02"``, ``"bd09"``, ``"cgcs2000"`` or ``"EPSG:<n>"`` for
        any other EPSG code.

    Raises
    ------
    CRSError
        If the name is not known, or is an EPSG code pyproj does not know.

    Examples
    --------
    >>> normalize_crs_name("GCJ-02"), normalize_crs_name("EPSG:4490"), normalize_crs_name(4549)
    ('gcj02', 'cgcs2000', 'EPSG:4549')
    """
    raw = str(text).strip()
    key = re.sub(r"[\s_\-./()]+", "", raw.lower())
    if key in _ALIASES:
        return _ALIASES[key]
    if key in {"bd09mc", "bdmc", "baidumercator"}:
        raise CRSError.keyed("crs.bd09mc", name=repr(raw))
    match = _EPSG_RE.match(key)
    if match:
        code = int(match.group(1))
        try:
            pyproj.CRS.from_epsg(code)
        except _PyprojCRSError as exc:
            raise CRSError.keyed("crs.unknown_epsg", name=repr(raw), code=code) from exc
        return _ALIASES.get(str(code), f"EPSG:{code}")
    code = _epsg_of_definition(raw)
    if code is not None:
        return _ALIASES.get(str(code), f"EPSG:{code}")
    raise CRSError.keyed("crs.unknown", name=repr(raw))


def _epsg_of_definition(text: str) -> int | None:
    """Return the EPSG code of a CRS definition pyproj understands (URN, WKT), else None."""
    if len(text) < 8:  # short words are names, not definitions
        return None
    try:
        return pyproj.CRS.from_user_input(text).to_epsg()
    except _PyprojCRSError:
        return None


def _lonlat_name(name: str) -> str:
    """Map a canonical name to one of :data:`SYSTEMS`, or return it (``EPSG:n``) as is."""
    return "wgs84" if name == "cgcs2000" else name


@lru_cache(maxsize=64)
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    """Return a cached, thread-safe pyproj transformer with lon/lat (x/y) axis order.

    Between WGS-84 and a CRS on the CGCS2000 datum (the Gauss–Krüger zones of
    :func:`metric_crs`) the WGS-84 side is taken as CGCS2000 lon/lat (EPSG:4490):
    gridmap treats the two as equal, and so does PROJ (its operation is a
    "ballpark" offset of zero), so the coordinates are the same to the last bit;
    PROJ then builds the transformer in a millisecond instead of searching its
    database for datum shifts (a fifth of a second: the first area or distance
    of a street, a grid panel's area, waited for it).
    """
    if src == "EPSG:4326" and _on_cgcs2000(dst):
        src = "EPSG:4490"
    elif dst == "EPSG:4326" and _on_cgcs2000(src):
        dst = "EPSG:4490"
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def _on_cgcs2000(name: str) -> bool:
    """Whether the CRS ``name`` (``EPSG:n``) is on the CGCS2000 datum (not CGCS2000 lon/lat)."""
    try:
        crs = pyproj.CRS.from_user_input(name)
    except _PyprojCRSError:
        return False
    geodetic = crs.geodetic_crs
    return crs.is_projected and geodetic is not None and geodetic.to_epsg() == 4490


def _pyproj_transform(x: ArrayLike, y: ArrayLike, src: str, dst: str) -> Coords:
    xa, ya, scalar = _as_float_arrays(x, y)
    try:
        out_x, out_y = _transformer(src, dst).transform(xa, ya, errcheck=False)
    except pyproj.exceptions.ProjError as exc:
        raise CRSError.keyed("crs.cannot_transform", src=src, dst=dst, detail=str(exc)) from exc
    out_x = np.asarray(out_x, dtype=np.float64).reshape(xa.shape)
    out_y = np.asarray(out_y, dtype=np.float64).reshape(ya.shape)
    return _finish(out_x, out_y, scalar)


_FROM_WGS84 = {"wgs84": None, "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}
_TO_WGS84 = {"wgs84": None, "gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}


def transform(lon: ArrayLike, lat: ArrayLike, *, src: str | int, dst: str | int) -> Coords:
    """Convert coordinates between two systems.

    Parameters
    ----------
    lon, lat
        x and y in ``src``: longitude/latitude in degrees, or easting/northing in
        metres when ``src`` is a projected EPSG code (x first, whatever the EPSG
        axis order).
    src, dst
        Any name :func:`normalize_crs_name` accepts: ``wgs84``, ``cgcs2000``
        (treated as WGS-84), ``gcj02``, ``bd09`` or ``EPSG:n``.

    Returns
    -------
    tuple
        ``(x, y)`` in ``dst``, float64 (longitude first for lon/lat systems).

    Raises
    ------
    CRSError
        If a system is unknown or pyproj cannot transform between them.

    Examples
    --------
    >>> x, y = transform(500000.0, 3320000.0, src="EPSG:4549", dst="wgs84")
    >>> round(float(x), 3), round(float(y), 3)
    (120.0, 29.999)
    """
    src_n = _lonlat_name(normalize_crs_name(src))
    dst_n = _lonlat_name(normalize_crs_name(dst))
    if src_n == dst_n:
        x, y, scalar = _as_float_arrays(lon, lat)
        return _finish(x, y, scalar)
    if {src_n, dst_n} == {"gcj02", "bd09"}:
        return gcj02_to_bd09(lon, lat) if src_n == "gcj02" else bd09_to_gcj02(lon, lat)
    # to WGS-84 lon/lat
    if src_n.startswith("EPSG:"):
        x, y = _pyproj_transform(lon, lat, src_n, "EPSG:4326")
    elif _TO_WGS84[src_n] is None:
        x, y = lon, lat
    else:
        x, y = _TO_WGS84[src_n](lon, lat)
    # from WGS-84 lon/lat
    if dst_n.startswith("EPSG:"):
        return _pyproj_transform(x, y, "EPSG:4326", dst_n)
    if _FROM_WGS84[dst_n] is None:
        xa, ya, scalar = _as_float_arrays(x, y)
        return _finish(xa, ya, scalar)
    return _FROM_WGS84[dst_n](x, y)


# ---------------------------------------------------------------------------
# metric CRS
# ---------------------------------------------------------------------------


def require_crs(gdf: object, what: str) -> gpd.GeoDataFrame:
    """Return ``gdf`` if it is a GeoDataFrame with a coordinate reference system.

    Parameters
    ----------
    gdf
        The layer to check.
    what
        The layer's name in messages, plural (``"grids"``, ``"roads"``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``gdf`` itself.

    Raises
    ------
    gridmap.errors.InputError
        If ``gdf`` is not a GeoDataFrame.
    gridmap.errors.CRSError
        If it has no coordinate reference system.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"the {what} must be a GeoDataFrame, not {type(gdf).__name__}"
        raise InputError(msg)  # programmer error
    if gdf.crs is None:
        raise CRSError.keyed("crs.layer_no_crs", what=what)
    return gdf


def _check_geographic(crs: Any) -> None:
    """Raise CRSError unless a layer's ``crs`` is WGS-84 or CGCS2000 lon/lat."""
    if crs is None:
        raise CRSError.keyed("crs.layer_undeclared")
    epsg = pyproj.CRS.from_user_input(crs).to_epsg()
    if epsg not in (4326, 4490):
        raise CRSError.keyed("crs.not_lonlat", crs=str(crs))


def _centre(lon: Any, lat: ArrayLike | None) -> tuple[float, float]:
    """Return a representative (lon, lat) of a scalar, an array or a GeoDataFrame/GeoSeries."""
    if isinstance(lon, gpd.GeoDataFrame | gpd.GeoSeries):
        _check_geographic(lon.crs)
        min_x, min_y, max_x, max_y = lon.total_bounds
        return (min_x + max_x) / 2.0, (min_y + max_y) / 2.0
    x = np.asarray(lon, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan, math.nan
    if lat is None:
        return float(np.median(x)), 30.0
    y = np.asarray(lat, dtype=np.float64).ravel()
    y = y[np.isfinite(y)]
    return float(np.median(x)), float(np.median(y)) if y.size else 30.0


def metric_epsg(lon: Any, lat: ArrayLike | None = None) -> int:
    """Return the EPSG code of the metric CRS gridmap uses for data at ``lon``.

    Inside China (73.5°E to 136.5°E) this is the CGCS2000 3-degree Gauss–Krüger
    zone in central-meridian form (false easting 500 000 m, no zone prefix):
    zone = round(lon / 3), CM = 3·zone, EPSG = 4534 + (CM − 75) / 3 (STANDARDS §5).
    Elsewhere it is the WGS-84 UTM zone (EPSG 326xx north, 327xx south).

    Parameters
    ----------
    lon
        A longitude in degrees, an array of longitudes (the median is used), or a
        GeoDataFrame/GeoSeries in EPSG:4326 (the centre of its total bounds).
    lat
        Latitude(s) in degrees; only chooses the hemisphere for UTM. Default north.

    Returns
    -------
    int
        The EPSG code.

    Raises
    ------
    CRSError
        If there are no finite coordinates, the longitude is beyond ±180°, or a
        layer is not in EPSG:4326.

    Examples
    --------
    >>> metric_epsg(120.2), metric_epsg(116.4), metric_epsg(10.0, 50.0)
    (4549, 4548, 32632)
    """
    c_lon, c_lat = _centre(lon, lat)
    if not (math.isfinite(c_lon) and math.isfinite(c_lat)):
        raise CRSError.keyed("crs.no_finite")
    if not -180.0 <= c_lon <= 180.0:
        raise CRSError.keyed("crs.not_longitude", lon=c_lon)
    if 73.5 <= c_lon < 136.5:
        cm = 3 * math.floor(c_lon / 3.0 + 0.5)
        return 4534 + (cm - 75) // 3
    zone = min(int((c_lon + 180.0) // 6.0) + 1, 60)
    return (32600 if c_lat >= 0 else 32700) + zone


def metric_crs(lon: Any, lat: ArrayLike | None = None) -> pyproj.CRS:
    """Return the metric CRS gridmap uses for data at ``lon`` (see :func:`metric_epsg`).

    Parameters
    ----------
    lon
        A longitude in degrees, an array of longitudes, or a GeoDataFrame/GeoSeries
        in EPSG:4326.
    lat
        Latitude(s) in degrees; only chooses the hemisphere for UTM.

    Returns
    -------
    pyproj.CRS
        For example ``CGCS2000 / 3-degree Gauss-Kruger CM 120E`` (EPSG:4549).

    Raises
    ------
    CRSError
        As :func:`metric_epsg`.
    """
    return pyproj.CRS.from_epsg(metric_epsg(lon, lat))


def to_metric(gdf: gpd.GeoDataFrame, *, crs: Any = None) -> gpd.GeoDataFrame:
    """Reproject a WGS-84 layer to a metric CRS for distances, areas and buffers.

    Parameters
    ----------
    gdf
        A GeoDataFrame (or GeoSeries) in EPSG:4326.
    crs
        The target CRS (EPSG code or pyproj CRS). Default: :func:`metric_crs` of
        the layer. Pass the same ``crs`` when several layers are compared.

    Returns
    -------
    geopandas.GeoDataFrame
        A reprojected copy; coordinates in metres.

    Raises
    ------
    CRSError
        If the layer has no CRS or is not lon/lat, or is empty and no ``crs`` is given.
    """
    _check_geographic(gdf.crs)
    geoms = np.asarray(gdf.geometry.array)
    lonlat = _point_coordinates(geoms)
    if crs is None:
        # the bounds of a point layer come from the coordinates it needs anyway
        bounds = gdf.total_bounds if lonlat is None else _bounds(*lonlat)
        if gdf.empty or not np.isfinite(bounds).all():
            raise CRSError.keyed("crs.empty_layer")
        # metric_crs(gdf) without computing the bounds a second time
        crs = metric_crs((bounds[0] + bounds[2]) / 2.0, (bounds[1] + bounds[3]) / 2.0)
    return _reproject(gdf, crs, geoms, lonlat)


def _point_coordinates(geoms: np.ndarray) -> tuple[NDArray, NDArray] | None:
    """Return (x, y) of a layer whose geometries are all 2-D points, none empty, else ``None``."""
    if not len(geoms) or not (shapely.get_type_id(geoms) == 0).all():
        return None
    if shapely.has_z(geoms).any() or shapely.is_empty(geoms).any():
        return None
    return shapely.get_x(geoms), shapely.get_y(geoms)  # new arrays: projected in place


def _bounds(x: NDArray, y: NDArray) -> NDArray:
    """Return ``total_bounds`` of points from their coordinates (NaN ignored, as geopandas)."""
    bounds = np.array([x.min(), y.min(), x.max(), y.max()])
    if np.isnan(bounds).any():
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)
            bounds = np.array([np.nanmin(x), np.nanmin(y), np.nanmax(x), np.nanmax(y)])
    return bounds


def _reproject(
    gdf: gpd.GeoDataFrame,
    crs: Any,
    geoms: np.ndarray | None = None,
    lonlat: tuple[NDArray, NDArray] | None = None,
) -> gpd.GeoDataFrame:
    """Reproject with a cached transformer on the coordinate array (faster than to_crs).

    ``geoms`` and ``lonlat`` are the layer's geometries and :func:`_point_coordinates`
    when the caller has them already.
    """
    dst = pyproj.CRS.from_user_input(crs)
    transformer = _transformer(gdf.crs.to_string(), dst.to_string())

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y, *xy[:, 2:].T])  # Z values kept as they are

    if geoms is None:
        geoms = np.asarray(gdf.geometry.array)
        lonlat = _point_coordinates(geoms)
    if lonlat is not None:  # 2-D points: new points straight from the projected arrays
        out = _projected_points(transformer, *lonlat)
    else:
        out = shapely.transform(geoms, project, include_z=None)
    projected = GeometryArray(out, crs=dst)  # no from_shapely: these are all geometries
    if not isinstance(gdf, gpd.GeoDataFrame):
        return gpd.GeoSeries(projected, index=gdf.index, name=gdf.name)
    # a copy with its geometry column replaced (no geometry is cloned), columns in order;
    # under copy-on-write the other columns are shared, not copied
    result = gdf.copy(deep=not _COPY_ON_WRITE)
    result[gdf.geometry.name] = projected
    return result


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject a layer back to WGS-84 longitude/latitude (EPSG:4326).

    Parameters
    ----------
    gdf
        A GeoDataFrame (or GeoSeries) with a CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in EPSG:4326.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    """
    if gdf.crs is None:
        raise CRSError.keyed("crs.no_crs_to_wgs84")
    return _reproject(gdf, 4326)


# ---------------------------------------------------------------------------
# geometries
# ---------------------------------------------------------------------------


def transform_geometries(data: Any, *, src: str | int, dst: str | int) -> Any:
    """Convert shapely geometries between coordinate systems, vertex by vertex.

    Points, lines, polygons (holes kept), multi-geometries and collections all work;
    Z values are kept unchanged.

    Parameters
    ----------
    data
        A shapely geometry, a sequence/array of geometries, a GeoSeries or a
        GeoDataFrame. A GeoSeries/GeoDataFrame must have no CRS or a lon/lat CRS,
        unless ``src`` is the EPSG code of its CRS.
    src, dst
        Any names :func:`transform` accepts (``wgs84``, ``gcj02``, ``bd09``,
        ``cgcs2000``, ``EPSG:n``).

    Returns
    -------
    object
        The same kind of object. GeoSeries/GeoDataFrames keep their index and
        attributes and are labelled EPSG:4326 for every lon/lat ``dst`` (GCJ-02 and
        BD-09 have no EPSG code), or ``dst``'s EPSG code otherwise.

    Raises
    ------
    CRSError
        If a system is unknown, or a layer's CRS contradicts ``src``.
    """
    src_n = normalize_crs_name(src)
    dst_n = normalize_crs_name(dst)

    def func(x: NDArray, y: NDArray, z: NDArray | None = None) -> tuple[NDArray, ...]:
        out_x, out_y = transform(x, y, src=src_n, dst=dst_n)
        return (out_x, out_y) if z is None else (out_x, out_y, z)

    def convert(geoms: Any) -> Any:
        return shapely.transform(geoms, func, include_z=None, interleaved=False)

    if isinstance(data, gpd.GeoDataFrame | gpd.GeoSeries):
        _check_layer_src(data.crs, src_n)
        out_crs = dst_n if dst_n.startswith("EPSG:") else "EPSG:4326"
        new = convert(np.asarray(data.geometry.array))
        if isinstance(data, gpd.GeoSeries):
            return gpd.GeoSeries(new, index=data.index, crs=out_crs, name=data.name)
        out = data.copy()
        out[data.geometry.name] = new
        return out.set_crs(out_crs, allow_override=True)
    if isinstance(data, shapely.Geometry):
        return convert(data)
    return convert(np.asarray(data, dtype=object))


def _check_layer_src(crs: Any, src: str) -> None:
    """Raise CRSError when a layer's CRS contradicts the declared source system."""
    if crs is None:
        return
    layer = pyproj.CRS.from_user_input(crs)
    if src.startswith("EPSG:"):
        if layer.to_epsg() != int(src[5:]):
            raise CRSError.keyed("crs.label_mismatch", layer_crs=layer.to_string(), src=src)
        return
    if not layer.is_geographic:
        raise CRSError.keyed("crs.projected", layer_crs=layer.to_string(), src=src)


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CoordinateFinding:
    """A problem found in a column pair of coordinates.

    Attributes
    ----------
    kind
        One of :data:`FINDING_KINDS`.
    message
        A sentence for the user, naming the rows (numbered from ``first_row``).
    rows
        0-based positions of the affected points.
    """

    kind: str
    message: str
    rows: tuple[int, ...]

    def __str__(self) -> str:
        return self.message


def distance_m(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray | np.float64:
    """Return the great-circle (haversine) distance in metres, for plausibility checks.

    Not for grid measurements: those are made in :func:`metric_crs`.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Longitudes and latitudes in degrees; broadcast together.

    Returns
    -------
    numpy.ndarray or numpy.float64
        Distance in metres on a sphere of radius 6 371 008.8 m.

    Examples
    --------
    >>> round(float(distance_m(120.0, 30.0, 120.0, 31.0)))
    111195
    """
    x1, y1, scalar1 = _as_float_arrays(lon1, lat1)
    x2, y2, scalar2 = _as_float_arrays(lon2, lat2)
    p1, p2 = np.radians(y1), np.radians(y2)
    h = (
        np.sin((p2 - p1) / 2.0) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(x2 - x1) / 2.0) ** 2
    )
    d = 2.0 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return np.float64(d[()]) if scalar1 and scalar2 else d


def _numeric(values: ArrayLike) -> NDArray:
    """Return a flat float array; anything that is not a number becomes NaN."""
    try:
        return np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        import pandas as pd

        series = pd.Series(np.asarray(values, dtype=object).ravel())
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)


def _classify(x: NDArray, y: NDArray) -> dict[str, NDArray]:
    """Return boolean masks of the finite, fine (``ok``) and each kind of faulty point."""
    finite = np.isfinite(x) & np.isfinite(y)
    xs = np.where(finite, x, 0.0)
    ys = np.where(finite, y, 0.0)
    valid = (np.abs(xs) <= 180.0) & (np.abs(ys) <= 90.0)
    ok = finite & valid & in_china(xs, ys)
    swapped = finite & ~ok & in_china(ys, xs)
    rest = finite & ~ok & ~swapped
    projected = rest & ~valid & (np.maximum(np.abs(xs), np.abs(ys)) >= 1000.0)
    invalid = rest & ~valid & ~projected
    outside = rest & valid
    return {
        "finite": finite,
        "ok": ok,
        "swapped": swapped,
        "projected": projected,
        "invalid": invalid,
        "outside_china": outside,
    }


def _rows_text(rows: NDArray, first_row: int, limit: int = 10) -> str:
    shown = ", ".join(str(int(r) + first_row) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {shown}{more}"


def _count_text(n: int, total: int) -> str:
    return f"{n} of {total} point{'s' if total != 1 else ''}"


def _projected_hint(x: NDArray, y: NDArray) -> str:
    """Guess the projected system from typical Chinese easting/northing magnitudes."""
    ex, ny = float(np.median(np.abs(x))), float(np.median(np.abs(y)))
    if ex < 1e7 <= ny:  # northing first: Chinese survey tables put X (north) first
        ex, ny = ny, ex
        order = " (the first column looks like the northing X, as in survey tables)"
    else:
        order = ""
    zone = int(ex // 1e6)
    if 25 <= zone <= 45 and ny < 1e7:
        return (
            f"; the eastings begin with zone number {zone}, which suggests CGCS2000 / "
            f"3-degree Gauss-Kruger zone {zone} (EPSG:{4488 + zone}){order}"
        )
    if 1e5 <= ex < 1e6 and ny < 1e7:
        return (
            "; eastings around 500000 without a zone prefix suggest a CGCS2000 3-degree "
            f"Gauss-Kruger CM zone (EPSG:4534-4554) or UTM{order}"
        )
    return order


def check_coordinates(
    lon: ArrayLike,
    lat: ArrayLike,
    *,
    expected_center: tuple[float, float] | None = None,
    max_km: float | None = None,
    first_row: int = 1,
) -> list[CoordinateFinding]:
    """Find implausible longitude/latitude pairs without raising.

    Each finite point is judged once, in this order: valid and inside China's
    bounding box (fine, then the distance check); inside China only after
    swapping the columns (``swapped``); beyond ±180/±90 and of metre size
    (``projected``); beyond ±180/±90 otherwise (``invalid``); valid but outside
    China (``outside_china``). Points with NaN or missing values are not judged.

    Parameters
    ----------
    lon, lat
        The values of the longitude and latitude columns, in file order.
    expected_center
        ``(lon, lat)`` where the data should be, e.g. the street office.
    max_km
        Points farther than this from ``expected_center`` are reported
        (``far_from_center``; haversine distance).
    first_row
        The row number shown in messages for position 0 (1 for 1-based data rows).

    Returns
    -------
    list of CoordinateFinding
        One finding per kind that occurs, in :data:`FINDING_KINDS` order; empty
        when everything looks plausible.

    Raises
    ------
    InputError
        If only one of ``expected_center`` and ``max_km`` is given.

    Examples
    --------
    >>> [f.kind for f in check_coordinates([120.1, 30.2], [30.2, 120.1])]
    ['swapped']
    """
    if (expected_center is None) != (max_km is None):
        msg = "give both expected_center and max_km, or neither"
        raise InputError(msg)  # programmer error
    x, y = _numeric(lon), _numeric(lat)
    if x.shape != y.shape:
        msg = f"{x.size} longitudes but {y.size} latitudes"
        raise InputError(msg)  # programmer error
    masks = _classify(x, y)
    total = int(masks["finite"].sum())
    findings: list[CoordinateFinding] = []

    def add(kind: str, mask: NDArray, text: str) -> None:
        rows = np.flatnonzero(mask)
        if rows.size:
            head = f"{_count_text(rows.size, total)} ({_rows_text(rows, first_row)})"
            findings.append(CoordinateFinding(kind, f"{head} {text}", tuple(int(r) for r in rows)))

    proj = masks["projected"]
    if proj.any():
        hint = _projected_hint(x[proj], y[proj])
        add(
            "projected",
            proj,
            "have values beyond ±180/±90, so they are not longitude/latitude: these look "
            "like projected metres (e.g. a Gauss–Krüger or UTM system); declare its EPSG "
            f"code{hint}",
        )
    add(
        "swapped",
        masks["swapped"],
        "fall inside China only when longitude and latitude are exchanged: the columns "
        "look swapped; swap them (in China longitude is 73-135, latitude 18-54)",
    )
    add(
        "invalid",
        masks["invalid"],
        "are not valid coordinates (longitude must lie within ±180, latitude within ±90)",
    )
    min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
    add(
        "outside_china",
        masks["outside_china"],
        f"lie outside China (longitude {min_lon:g}-{max_lon:g}, latitude {min_lat:g}-{max_lat:g}); "
        "check the declared coordinate system and the column order",
    )
    if expected_center is not None and max_km is not None:
        c_lon, c_lat = (float(v) for v in expected_center)
        ok = masks["ok"]
        dist_km = np.full(x.shape, np.nan)
        dist_km[ok] = distance_m(x[ok], y[ok], c_lon, c_lat) / 1000.0
        far = ok & (np.where(ok, dist_km, 0.0) > max_km)
        if far.any():
            worst = float(np.nanmax(dist_km[far]))
            add(
                "far_from_center",
                far,
                f"are more than {max_km:g} km from the expected centre ({c_lon:.5f}, "
                f"{c_lat:.5f}); the farthest is {worst:.1f} km away. Check the coordinate "
                "system and the data (mixing up WGS-84, GCJ-02 and BD-09 moves points "
                "only about 1 km)",
            )
    return findings


def looks_swapped(lon: ArrayLike, lat: ArrayLike) -> bool:
    """Tell whether most points fall in China only with longitude and latitude exchanged.

    Parameters
    ----------
    lon, lat
        The values of the longitude and latitude columns.

    Returns
    -------
    bool
        True when more than half of the finite points look swapped.

    Examples
    --------
    >>> looks_swapped([30.2, 39.9], [120.1, 116.4]), looks_swapped([120.1], [30.2])
    (True, False)
    """
    x, y = _numeric(lon), _numeric(lat)
    masks = _classify(x, y)
    total = int(masks["finite"].sum())
    return total > 0 and 2 * int(masks["swapped"].sum()) > total


def lonlat_to_wgs84(
    lon: Any, lat: Any, crs: str = "wgs84", *, what: str = "coordinates"
) -> tuple[float, float]:
    """Convert one typed-in longitude/latitude position to WGS-84, checking it.

    Parameters
    ----------
    lon, lat
        The position as the user typed it (numbers or text).
    crs
        Its system: ``wgs84``/``cgcs2000``, ``gcj02`` or ``bd09`` (lon/lat only).
    what
        What the position is, for messages (``"report coordinates"``).

    Returns
    -------
    tuple of float
        ``(lon, lat)`` in WGS-84.

    Raises
    ------
    InputError
        For text that is not a number, NaN/infinite values, a projected system,
        or values outside longitude/latitude ranges (often swapped axes).

    Examples
    --------
    >>> lonlat_to_wgs84("120.19", 30.24)
    (120.19, 30.24)
    """
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise InputError.keyed(
            "crs.position_not_numbers", what=what, lon=repr(lon), lat=repr(lat)
        ) from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise InputError.keyed("crs.position_not_finite", what=what, lon=repr(lon), lat=repr(lat))
    system = normalize_crs_name(crs)
    if system not in ("wgs84", "cgcs2000", "gcj02", "bd09"):
        raise InputError.keyed("crs.position_not_lonlat_system", what=what, system=crs)
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise InputError.keyed("crs.position_out_of_range", x=x, y=y)
    wx, wy = transform(x, y, src=system, dst="wgs84")
    return float(wx), float(wy)


def points_lonlat(points: Any, crs: Any) -> NDArray[np.float64]:
    """Return the WGS-84 lon/lat of 2-D points in ``crs`` as an ``(n, 2)`` array.

    What :func:`to_wgs84` followed by :func:`shapely.get_coordinates` gives, without
    making a point object per row; ``NaN`` where a point is missing or empty.

    Parameters
    ----------
    points
        Shapely points (``None`` allowed) in ``crs``.
    crs
        Their coordinate system (EPSG code or pyproj CRS).

    Raises
    ------
    InputError
        If a geometry is not a point (programmer error).
    """
    arr = np.asarray(points, dtype=object)
    out = np.full((len(arr), 2), np.nan)
    have = np.flatnonzero(~(shapely.is_missing(arr) | shapely.is_empty(arr)))
    if not len(have):
        return out
    shown = arr[have]
    if (shapely.get_type_id(shown) != 0).any():
        msg = "points_lonlat takes points only"
        raise InputError(msg)  # programmer error
    src = pyproj.CRS.from_user_input(crs)
    xy = shapely.get_coordinates(shown)
    if src.to_epsg() == 4326:
        out[have] = xy
        return out
    transformer = _transformer(src.to_string(), pyproj.CRS.from_epsg(4326).to_string())
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
    out[have, 0], out[have, 1] = lon, lat
    return out


def points_from_lonlat(lon: ArrayLike, lat: ArrayLike, crs: Any) -> NDArray[np.object_]:
    """Return the points in ``crs`` of WGS-84 lon/lat arrays (2-D points, no NaN).

    The geometries :func:`to_metric` makes from the same points, to the bit, without
    making the lon/lat points first (a million points read for a check need only
    their projected ones).
    """
    dst = pyproj.CRS.from_user_input(crs)
    transformer = _transformer(pyproj.CRS.from_epsg(4326).to_string(), dst.to_string())
    return _projected_points(transformer, np.array(lon, dtype=np.float64, copy=True),
                             np.array(lat, dtype=np.float64, copy=True))


def _projected_points(transformer: pyproj.Transformer, x: NDArray, y: NDArray) -> NDArray:
    """Return the points of ``x``, ``y`` projected by ``transformer`` (overwrites both)."""
    return shapely.points(*transformer.transform(x, y, inplace=True))
