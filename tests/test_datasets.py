"""Tests for gridmap.datasets: locating the demo street and reading its manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridmap import datasets
from gridmap.errors import InputError, NotFound
from gridmap.model import LAYERS

ROOT = Path(__file__).resolve().parents[1]
LOAD_ORDER = [
    "communities",
    "grids",
    "workers",
    "assignments",
    "compounds",
    "entrances",
    "buildings",
    "roads",
    "schools",
    "internet_cafes",
    "service_centres",
    "hoardings",
    "boards",
    "fitness",
    "bins",
    "maintenance",
    "issues",
]


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """Point the package at an empty repository root under ``tmp_path``."""
    monkeypatch.setattr(datasets, "_ROOT", tmp_path)
    return tmp_path


def write_manifest(root: Path, manifest: object) -> Path:
    folder = root / "data" / "geo"
    folder.mkdir(parents=True)
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    return folder


def test_get_path_is_the_repository_data_geo_folder():
    path = datasets.get_path()
    assert path == ROOT / "data" / "geo"
    assert (path / "manifest.json").is_file()
    assert datasets.get_path("demo") == path


def test_get_path_unknown_name_is_not_found():
    with pytest.raises(NotFound, match=r"no dataset called 'nope'.*demo"):
        datasets.get_path("nope")


def test_get_path_missing_folder_says_how_to_get_it(fake_root):
    with pytest.raises(NotFound, match=r"not installed.*make_demo\.py"):
        datasets.get_path()


def test_demo_manifest_lists_every_layer_in_load_order():
    entries = datasets.demo_manifest()
    assert [e.layer for e in entries] == LOAD_ORDER
    assert sorted(e.layer for e in entries) == sorted(LAYERS)
    for entry in entries:
        assert entry.path.is_file()
        assert entry.path.parent == datasets.get_path()


def test_demo_manifest_declares_each_file_crs():
    crs = {e.layer: e.crs for e in datasets.demo_manifest()}
    assert crs["bins"] == "gcj02"
    for layer, spec in LAYERS.items():
        if layer == "bins":
            continue
        assert crs[layer] == (None if spec.geometry is None else "wgs84"), layer


def test_demo_layer_is_frozen():
    entry = datasets.demo_manifest()[0]
    with pytest.raises(AttributeError):
        entry.layer = "grids"  # type: ignore[misc]


def test_demo_street():
    assert datasets.demo_street() == {"code": "330102011", "name": "望江街道", "city": "杭州市"}


def test_manifest_naming_a_missing_file_is_not_found(fake_root):
    write_manifest(
        fake_root, {"layers": [{"layer": "grids", "file": "grids.geojson", "crs": "wgs84"}]}
    )
    with pytest.raises(NotFound, match=r"grids file .*grids\.geojson is missing"):
        datasets.demo_manifest()


@pytest.mark.parametrize("text", ["{not json", "[]", '{"layers": 3}', '{"name": "x"}'])
def test_malformed_manifest_is_an_input_error(fake_root, text):
    write_manifest(fake_root, text)
    with pytest.raises(InputError, match="manifest"):
        datasets.demo_manifest()


def test_manifest_entry_without_file_names_its_row(fake_root):
    write_manifest(fake_root, {"layers": [{"layer": "grids"}]})
    with pytest.raises(InputError, match="row 1"):
        datasets.demo_manifest()


def test_manifest_without_street_is_an_input_error(fake_root):
    write_manifest(fake_root, {"layers": []})
    assert datasets.demo_manifest() == []
    with pytest.raises(InputError, match="no street"):
        datasets.demo_street()
