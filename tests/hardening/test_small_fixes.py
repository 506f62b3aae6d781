"""The smaller findings of issue 14 (item 7), each with its test.

Long upload names, the dashboard without its store, formula guards (in
tests/issues and tests/export beside their exports), empty photos
(tests/hardening/test_bounds.py), phone masking (tests/test_snapshot.py),
exports when the disk is full, and case links and worker deactivation kept
within the user's communities.
"""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gridmap.errors import InputError
from gridmap.export._common import write_output
from gridmap.io import write_layer_file


@contextlib.contextmanager
def _disk_full_after(n_bytes: int) -> Iterator[None]:
    """Make every write past ``n_bytes`` of a file fail, as on a full disk (``RLIMIT_FSIZE``).

    Python ignores ``SIGXFSZ``, so the write raises ``OSError`` (EFBIG) after a
    partial write, which is what a full disk does to a file being written.
    """
    before = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (n_bytes, before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, before)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def test_an_export_on_a_full_disk_leaves_no_truncated_or_empty_file(tmp_path):
    payload = b"%PDF-1.7\n" + b"x" * 200_000
    new = tmp_path / "out" / "weekly.pdf"
    old = tmp_path / "out" / "roster.pdf"
    old.parent.mkdir()
    old.write_bytes(b"%PDF-1.7 the export of last week\n")
    with _disk_full_after(50_000):
        for target in (new, old):
            with pytest.raises(InputError, match="cannot write"):
                write_output(target, payload)
    assert not new.exists()  # neither truncated nor 0 bytes
    assert old.read_bytes() == b"%PDF-1.7 the export of last week\n"  # the old file kept
    assert _leftovers(old.parent) == []
    assert write_output(new, payload) == new and new.read_bytes() == payload


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".xlsx"])
def test_a_layer_file_on_a_full_disk_is_not_left_half_written(tmp_path, suffix):
    frame = gpd.GeoDataFrame(
        {"code": [f"B{i:05d}" for i in range(5000)], "name": ["垃圾桶"] * 5000},
        geometry=[shapely.Point(120 + i * 1e-5, 30) for i in range(5000)],
        crs="EPSG:4326",
    )
    path = tmp_path / f"bins{suffix}"
    with _disk_full_after(20_000), pytest.raises(InputError):
        write_layer_file(frame, path)
    assert not path.exists() and _leftovers(tmp_path) == []
    assert write_layer_file(frame, path) == 5000 and path.stat().st_size > 20_000
