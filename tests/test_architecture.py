"""Layering rules: the library never imports streamlit; pages do no geometry, SQL or parsing;
only gridmap/store/ speaks SQL."""

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
# --------------------------------------------------------------------------- the store owns SQL

STORE = ROOT / "gridmap" / "store"
OUTSIDE_STORE = [p for p in LIBRARY if STORE not in p.parents]

#: Database libraries only the store imports.
_DATABASE_MODULES = {"sqlalchemy", "sqlite3", "psycopg", "psycopg2", "alembic", "geoalchemy2"}
#: Methods that run SQL (DB-API cursors, SQLAlchemy connections, pandas).
_SQL_METHODS = {"execute", "executemany", "executescript", "exec_driver_sql", "read_sql",
                "read_sql_query", "read_sql_table", "to_sql"}
#: SQLAlchemy statement builders called by bare name.
_SQL_BUILDERS = {"select", "text"}


def _local_names(tree: ast.Module) -> set[str]:
    """Names a module binds itself or imports from gridmap (not SQL builders then)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ImportFrom) and (
            node.level > 0 or (node.module or "").startswith("gridmap")
        ):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def sql_uses(source: str) -> list[str]:
    """Where ``source`` imports a database library, runs SQL or builds SQL statements.

    Comments and strings do not count: the module is parsed, not searched.
    """
    tree = ast.parse(source)
    local = _local_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names
                      if a.name.split(".")[0] in _DATABASE_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in _DATABASE_MODULES:
                found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _SQL_METHODS:
                found.append(f"line {node.lineno}: .{func.attr}(...)")
            elif isinstance(func, ast.Name) and func.id in _SQL_BUILDERS and func.id not in local:
                found.append(f"line {node.lineno}: {func.id}(...)")
    return found


@pytest.mark.parametrize("path", OUTSIDE_STORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_store_runs_sql(path):
    """No database import, ``.execute(``, ``select(`` or ``text(`` outside gridmap/store/."""
    assert sql_uses(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ("import sqlalchemy", True),
        ("from sqlalchemy.engine import Connection", True),
        ("import sqlite3", True),
        ("conn.execute(stmt)", True),
        ("cursor.executemany(q, rows)", True),
        ("pd.read_sql('SELECT 1', conn)", True),
        ("from x import select\nselect(t)", True),
        ("text('SELECT 1')", True),
        ("# conn.execute(select(t))  select( text(", False),
        ("msg = 'conn.execute(select(t))'", False),
        ("def text(value):\n    return value\ntext(1)", False),
        ("from gridmap.checks._context import text\ntext(1)", False),
        ("result.text(lang)", False),
        ("text = getattr(f, 'text')\ntext(lang)", False),
        ("ax.text(0, 0, 'label')", False),
        ("at.selectbox(key='k').select('en')", False),
    ],
)
def test_sql_detector_tells_sql_from_lookalikes(source, caught):
    assert bool(sql_uses(source)) is caught


def test_the_store_modules_are_listed_in_its_docstring():
    import gridmap.store

    doc = gridmap.store.__doc__ or ""
    modules = {p.stem for p in STORE.glob("*.py") if not p.stem.startswith("_")}
    modules |= {"migrations"}
    missing = sorted(m for m in modules if f"``{m}``" not in doc)
    assert not missing, f"describe these in gridmap/store/__init__.py: {missing}"
