"""Fixtures of the issue-workflow tests (the demo store comes from the root conftest)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest


@pytest.fixture
def issue_db(demo_db: str) -> str:
    """URL of a fresh copy of the demo store (the root conftest's ``demo_db``)."""
    return demo_db


@pytest.fixture
def issue_store(demo_store: object) -> object:
    """A Store on a fresh copy of the demo store (the root conftest's ``demo_store``)."""
    return demo_store


@pytest.fixture
def issue_config(tmp_path: Path) -> object:
    """The shipped issue configuration (no user file)."""
    from gridmap.issues import load_issue_config

    return load_issue_config(tmp_path / "no-such-gridmap.toml")


def gps_jpeg(
    lon: float = 120.185, lat: float = 30.248, *, size: tuple[int, int] = (2400, 1600)
) -> bytes:
    """A JPEG with camera and GPS EXIF tags, made with Pillow."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 60, 60))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    gps = exif.get_ifd(0x8825)

    def dms(value: float) -> tuple[float, float, float]:
        d = int(value)
        m = int((value - d) * 60)
        return (float(d), float(m), round((value - d - m / 60) * 3600, 4))

    gps.update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def make_gps_jpeg() -> object:
    """The :func:`gps_jpeg` factory."""
    return gps_jpeg
