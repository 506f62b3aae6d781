"""Layering rules: the library never imports streamlit; pages do no geometry, SQL or parsing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "gridmap").rglob("*.py"))
PAGES = [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py", ROOT / "asgi.py"]


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
