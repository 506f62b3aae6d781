"""Uploaded photos: read the GPS position from EXIF, then re-encode as JPEG without any metadata.

Photos taken in the field (随手拍) carry EXIF: the camera, the time and often the
GPS position. gridmap reads the position first (:func:`photo_location`, so a
report can take its location from the photo) and then stores only a
re-encoded copy (:func:`clean_photo`): JPEG, upright, at most :data:`MAX_PX`
pixels on the longer side, no EXIF, XMP or ICC data. Anything that is not an
image is refused with :class:`~gridmap.errors.InputError`.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

from gridmap.errors import InputError

__all__ = ["MAX_BYTES", "MAX_PX", "clean_photo", "photo_location"]

#: Longest side of a stored photo, in pixels.
MAX_PX = 1600
#: Largest upload accepted before re-encoding, in bytes.
MAX_BYTES = 20 * 1024 * 1024

_GPS_IFD = 0x8825
_NOT_A_PHOTO = "the file is not a photo (JPEG, PNG, WebP ... images only)"


def _open(data: bytes) -> Any:
    """Open and fully decode an image, refusing non-images and decompression bombs."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        msg = "the photo is empty"
        raise InputError(msg)
    if len(data) > MAX_BYTES:
        msg = f"the photo is larger than {MAX_BYTES // (1024 * 1024)} MB"
        raise InputError(msg)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        msg = (
            f"the image declares more than {Image.MAX_IMAGE_PIXELS / 1e6:,.0f} million "
            "pixels (a decompression bomb, or not a photo); refusing it"
        )
        raise InputError(msg) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InputError(_NOT_A_PHOTO) from None
    return image


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    try:
        d, m, s = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60.0 + s / 3600.0
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref).strip().upper() == negative:
        result = -result
    return result if math.isfinite(result) else None


def photo_location(data: bytes) -> tuple[float, float] | None:
    """Return the ``(lon, lat)`` a photo's EXIF GPS tags record, or ``None``.

    Phones write WGS-84 positions (GPS satellites); the caller routes the report
    with ``crs="wgs84"``.

    Parameters
    ----------
    data
        The uploaded file's bytes (before :func:`clean_photo`).

    Returns
    -------
    tuple of float or None
        Longitude and latitude in degrees; ``None`` when the photo has no usable
        GPS position.

    Raises
    ------
    gridmap.errors.InputError
        If the data is not an image.
    """
    image = _open(data)
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
    except (AttributeError, KeyError, ValueError, OSError):
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None
    lat = _degrees(gps.get(2), gps.get(1, "N"), "S")
    lon = _degrees(gps.get(4), gps.get(3, "E"), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        return None
    return lon, lat


def clean_photo(data: bytes, *, max_px: int = MAX_PX) -> bytes:
    """Re-encode a photo as JPEG without metadata, at most ``max_px`` on its longer side.

    The EXIF orientation is applied first, so the picture stays upright.

    Parameters
    ----------
    data
        The uploaded file's bytes.
    max_px
        Longest side of the result, in pixels.

    Returns
    -------
    bytes
        A JPEG with no EXIF, XMP or ICC data.

    Raises
    ------
    gridmap.errors.InputError
        If the data is not an image Pillow can read, or is too large.
    """
    from PIL import ImageOps

    image = _open(data)
    try:
        upright = ImageOps.exif_transpose(image)
        rgb = upright.convert("RGB")
    except (OSError, ValueError, SyntaxError):
        raise InputError(_NOT_A_PHOTO) from None
    rgb.info.clear()
    rgb.thumbnail((max_px, max_px))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
