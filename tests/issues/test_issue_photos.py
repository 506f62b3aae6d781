"""gridmap.photos: GPS from EXIF, re-encoding without metadata, refusing non-images."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gridmap.errors import InputError
from gridmap.photos import MAX_PX, PHOTO_TYPES, clean_photo, photo_location


def test_gps_is_read_before_stripping(make_gps_jpeg):
    data = make_gps_jpeg(120.1853, 30.2487)
    lon, lat = photo_location(data)
    assert lon == pytest.approx(120.1853, abs=1e-5)
    assert lat == pytest.approx(30.2487, abs=1e-5)
    clean = clean_photo(data)
    assert photo_location(clean) is None
    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG" and max(image.size) == MAX_PX
    assert len(image.getexif()) == 0 and b"TestCam" not in clean


def test_png_without_gps():
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 255, 128)).save(out, "PNG")
    assert photo_location(out.getvalue()) is None
    image = Image.open(io.BytesIO(clean_photo(out.getvalue())))
    assert (image.format, image.size, image.mode) == ("JPEG", (40, 30), "RGB")


@pytest.mark.parametrize("suffix", PHOTO_TYPES)
def test_every_type_an_upload_offers_is_stored_as_jpeg(suffix):
    fmt = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[suffix]
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, fmt)
    image = Image.open(io.BytesIO(clean_photo(out.getvalue())))
    assert (image.format, image.size) == ("JPEG", (64, 48))


def test_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees
    out = io.BytesIO()
    Image.new("RGB", (200, 100)).save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(clean_photo(out.getvalue()))).size == (100, 200)


@pytest.mark.parametrize("data", [b"", b"hello", b"\xff\xd8\xff\xe0 truncated jpeg", b"%PDF-1.4"])
def test_non_images_are_refused(data):
    with pytest.raises(InputError):
        clean_photo(data)
    with pytest.raises(InputError):
        photo_location(data)
