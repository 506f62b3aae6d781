"""Layering rules: the library never imports streamlit; pages do no geometry, SQL or parsing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "gridmap").rglob("*.py"))
PAGES = [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(ROOT)))
def test_library_does_not_import_streamlit(path):
    assert not {"streamlit", "streamlit_folium"} & _imports(path)


@pytest.mark.parametrize("path", [p for p in PAGES if p.exists()],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_do_no_geometry_sql_or_parsing(path):
    forbidden = {"shapely", "geopandas", "pyproj", "sqlalchemy", "sqlite3", "pyogrio", "fiona",
                 "psycopg", "openpyxl"}
    assert not forbidden & _imports(path)


def test_library_modules_found():
    assert len(LIBRARY) > 10


# --- the map package: domain modules use the data snapshot, never the map code -------------

DOMAIN = ("grids", "records", "issues", "checks", "export")
#: Domain modules that may use the map styles (and nothing else of gridmap.maps).
MAP_STYLE_USERS = {ROOT / "gridmap" / "export" / "mapimage.py"}


def _modules(path: Path) -> set[str]:
    """Full names of the modules ``path`` imports (``from gridmap import maps`` -> gridmap.maps)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    return _imported(path.read_text(encoding="utf-8"), package)


def _imported(source: str, package: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _uses(names: set[str], module: str) -> set[str]:
    return {n for n in names if n == module or n.startswith(module + ".")}


DOMAIN_FILES = [p for d in DOMAIN for p in sorted((ROOT / "gridmap" / d).rglob("*.py"))]


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_modules_do_not_import_the_map_package(path):
    used = _uses(_modules(path), "gridmap.maps")
    if path in MAP_STYLE_USERS:
        used -= {"gridmap.maps.styles"} | {n for n in used if n.startswith("gridmap.maps.styles.")}
    assert not used


def test_snapshot_imports_no_map_code():
    names = _modules(ROOT / "gridmap" / "snapshot.py")
    assert not _uses(names, "gridmap.maps")
    assert not _uses(names, "folium") and not _uses(names, "branca")
    assert DOMAIN_FILES and set(DOMAIN_FILES) >= MAP_STYLE_USERS


def test_import_check_sees_every_form():
    """The checker itself: absolute, from-package, relative and function-level imports."""
    for source in ("import gridmap.maps.layers", "from gridmap import maps",
                   "from gridmap.maps import street", "from ..maps import layers",
                   "def f():\n    from .. import maps"):  # fmt: skip
        assert _uses(_imported(source, "gridmap.checks"), "gridmap.maps"), source
    for source in ("from gridmap import snapshot", "import gridmap.mapsx", "from . import maps"):
        assert not _uses(_imported(source, "gridmap.checks"), "gridmap.maps"), source
