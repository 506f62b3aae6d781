"""Uploaded photos: read the GPS position from EXIF, then re-encode as JPEG without any metadata.

Photos taken in the field (随手拍) carry EXIF: the camera, the time and often the
GPS position. gridmap reads the position first (:func:`photo_location`, so a
report can take its location from the photo) and then stores only a
re-encoded copy (:func:`clean_photo`): JPEG, upright, at most :data:`MAX_PX`
pixels on the longer side, no EXIF, XMP or ICC data. Anything that is not an
image is refused with :class:`~gridmap.errors.InputError`, and so is an empty
file or an image declaring more pixels than the ``max_photo_megapixels``
setting (default 40): its size is read from the header, before any pixel is
decoded, so an 88-megapixel PNG of 280 KB costs nothing. :func:`check_photos`
refuses more photos than ``max_photos_per_report``. The messages carry
``photo.*`` keys of :mod:`gridmap.i18n` (Chinese and English).
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

from gridmap.errors import InputError

__all__ = [
    "MAX_BYTES",
    "MAX_MEGAPIXELS",
    "MAX_PHOTOS",
    "MAX_PX",
    "PHOTO_TYPES",
    "check_photos",
    "clean_photo",
    "photo_location",
]

#: Longest side of a stored photo, in pixels.
MAX_PX = 1600
#: Largest upload accepted before re-encoding, in bytes.
MAX_BYTES = 20 * 1024 * 1024
#: Default of the ``max_photo_megapixels`` setting: most pixels of a photo, in millions.
MAX_MEGAPIXELS = 40
#: Default of the ``max_photos_per_report`` setting.
MAX_PHOTOS = 9
#: File types a photo upload offers (a camera's JPEG, a screenshot's PNG, WebP); any photo
#: Pillow reads is accepted and stored as JPEG (:func:`clean_photo`).
PHOTO_TYPES = ("jpg", "jpeg", "png", "webp")

_GPS_IFD = 0x8825


def _setting(name: str, default: float) -> float:
    from gridmap import config

    try:
        return float(config.get(name))
    except InputError:  # a broken settings file: the default holds
        return default


def _not_a_photo() -> InputError:
    return InputError.keyed("photo.not_a_photo")


def check_photos(photos: Any, *, max_photos: int | None = None) -> list[bytes]:
    """Return the photos as a list, refusing empty files and more than ``max_photos``.

    ``max_photos`` defaults to the ``max_photos_per_report`` setting (0: no cap).

    Raises
    ------
    gridmap.errors.InputError
        Naming the empty photo (1-based), or the cap.
    """
    photos = list(photos)
    cap = int(_setting("max_photos_per_report", MAX_PHOTOS) if max_photos is None else max_photos)
    if cap and len(photos) > cap:
        raise InputError.keyed("photo.too_many", n=len(photos), limit=cap)
    for i, data in enumerate(photos, 1):
        if not data:
            raise InputError.keyed("photo.empty_nth", n=i)
    return photos


def _open(data: bytes, *, max_megapixels: float | None = None) -> Any:
    """Open and fully decode an image, refusing non-images and decompression bombs.

    The pixel count is checked on the header Pillow reads in :func:`PIL.Image.open`,
    before :meth:`~PIL.Image.Image.load` decodes anything.
    """
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise InputError.keyed("photo.empty")
    if len(data) > MAX_BYTES:
        raise InputError.keyed("photo.too_large", mb=MAX_BYTES // (1024 * 1024))
    if max_megapixels is None:
        max_megapixels = _setting("max_photo_megapixels", MAX_MEGAPIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if max_megapixels and width * height > max_megapixels * 1e6:
                image.close()
                raise InputError.keyed("photo.too_many_pixels", mpx=f"{width * height / 1e6:,.0f}",
                                       width=width, height=height,
                                       limit=f"{max_megapixels:g}")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError.keyed("photo.bomb", limit=f"{Image.MAX_IMAGE_PIXELS / 1e6:,.0f}") from None
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _not_a_photo() from None
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
        raise _not_a_photo() from None
    rgb.info.clear()
    rgb.thumbnail((max_px, max_px))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
