"""Fixtures of the issue-workflow tests: a demo store copied from one template per session."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def issue_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the migrated demo street, built once per session."""
    from gridmap.importing import import_demo
    from gridmap.store import open_store

    path = tmp_path_factory.mktemp("issues_template") / "demo.sqlite"
    store = open_store(f"sqlite:///{path.as_posix()}")
    try:
        import_demo(store)
    finally:
        store.close()
    return path


@pytest.fixture
def issue_db(issue_template: Path, tmp_path: Path) -> str:
    """URL of a fresh copy of the demo store."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(issue_template, path)
    return f"sqlite:///{path.as_posix()}"


@pytest.fixture
def issue_store(issue_db: str) -> Iterator[object]:
    """A Store on a fresh copy of the demo store."""
    from gridmap.store import Store

    store = Store(issue_db)
    yield store
    store.close()


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
