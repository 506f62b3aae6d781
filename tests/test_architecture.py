"""Layering rules: the library never imports streamlit; pages do no geometry, SQL or parsing;
only gridmap/store/ speaks SQL."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
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


@pytest.mark.parametrize("path", [p for p in PAGES if p.exists()],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_show_errors_in_the_users_language(path):
    """A gridmap error is shown through ``sh.err_text`` (its text in the session's language),
    never ``str(exc)`` (always English)."""
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"message=str\((exc|err|error)\)", source)


def test_library_modules_found():
    assert len(LIBRARY) > 10


# --- pages stay thin: at most PAGE_LINES lines, or the reason written at the top ------------

PAGE_LINES = 150
#: A line of a page's module docstring starting with this says why the page is longer.
LONG_PAGE = "Longer than 150 lines because"
PAGE_FILES = [p for p in sorted((ROOT / "pages").glob("*.py")) if not p.name.startswith("_")]


def _long_page_reason(path: Path) -> str | None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith(LONG_PAGE):
            rest = " ".join([line.strip()[len(LONG_PAGE):], *lines[i + 1 : i + 4]])
            return rest.strip()
    return None


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_a_page_is_at_most_150_lines_or_says_why_at_its_top(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    reason = _long_page_reason(path)
    if lines > PAGE_LINES:
        assert reason, (
            f"{path.name} has {lines} lines: move its logic into the library, or start a line "
            f"of its module docstring with {LONG_PAGE!r} and the reason (docs/architecture.md)"
        )
        assert len(reason) >= 20, f"{path.name}: say why in words, not just the marker"
    else:
        assert reason is None, f"{path.name} has {lines} lines now: drop its stale reason"


def test_the_page_length_rule_finds_the_pages_and_the_marker(tmp_path):
    assert len(PAGE_FILES) > 10 and all(p.name != "_shared.py" for p in PAGE_FILES)
    page = tmp_path / "page.py"
    page.write_text(f'"""A page.\n\n{LONG_PAGE} it draws two maps\nin two fragments.\n"""\n')
    assert _long_page_reason(page) == "it draws two maps in two fragments."
    page.write_text('"""A page."""\n' + "x = 1\n" * 200)
    assert _long_page_reason(page) is None


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
# =========================================================================== import graph
# (issue #12, part 7.) The graph below is read from the source with ast, so it sees
# function-local imports too. An edge goes to the module named: ``from gridmap.x import
# y`` goes to ``gridmap.x.y`` when that is a module, else to ``gridmap.x``; importing a
# module is not counted as importing its parent packages' ``__init__``. Imports under
# ``if TYPE_CHECKING:`` are left out: they never run.

ARCHITECTURE = ROOT / "docs" / "architecture.md"

#: Modules that must stay pure: no store, directly or through what they import.
PURE = (
    "gridmap.grids.split",
    "gridmap.grids.tiling",
    "gridmap.grids.codes",
    "gridmap.grids.balance",
    "gridmap.issues.lifecycle",
    "gridmap.issues.routing",
    "gridmap.issues.deadlines",
    "gridmap.checks._context",
    "gridmap.checks._lines",
    "gridmap.checks.core",
    "gridmap.checks.result",
    "gridmap.checks.registry",
    *(f"gridmap.checks.{family}" for family in
      ("integrity", "waste", "boards", "schools", "fitness", "issues")),
)

#: The command-line modules: they may import each other; nothing else may import them.
CLI_MODULES = {"gridmap.cli", "gridmap._cli", "gridmap.__main__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in LIBRARY}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """Return the gridmap modules an import statement of ``module`` loads."""
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        if node.level:
            package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{node.module}" if node.module else package
        else:
            base = node.module or ""
        names = {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
    return {n for n in names if n in MODULES}


def _edges(module: str) -> tuple[set[str], set[str]]:
    """Return (module-level imports, every import) of a gridmap module, TYPE_CHECKING aside."""
    top: set[str] = set()
    every: set[str] = set()

    def visit(node: ast.AST, *, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, in_function=in_function)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found = _targets(module, child)
                every.update(found)
                if not in_function:
                    top.update(found)
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, in_function=inner)

    visit(ast.parse(MODULES[module].read_text(encoding="utf-8")), in_function=False)
    top.discard(module)
    every.discard(module)
    return top, every


GRAPH = {m: _edges(m) for m in MODULES}


def _reach(start: str, *, module_level: bool = False) -> dict[str, str]:
    """Return every module ``start`` loads, each with the module that imports it."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        here = todo.pop()
        top, every = GRAPH[here]
        for nxt in sorted(top if module_level else every):
            if nxt not in seen and nxt != start:
                seen[nxt] = here
                todo.append(nxt)
    return seen


def _chain(start: str, target: str, parents: dict[str, str]) -> str:
    path = [target]
    while path[-1] != start:
        path.append(parents[path[-1]])
    return " -> ".join(reversed(path))


def test_the_import_graph_sees_the_library():
    assert {"gridmap.store.repository", "gridmap.checks.registry", "gridmap.cli"} <= set(GRAPH)
    top, every = GRAPH["gridmap.checks.registry"]
    assert "gridmap.checks.config" in top
    assert "gridmap.store" not in every  # only under TYPE_CHECKING
    top, every = GRAPH["gridmap.checks.config"]
    assert "gridmap.auth" in every and "gridmap.auth" not in top  # a function-local import
    assert any(m.startswith("gridmap.store.") for m in _reach("gridmap.issues.service"))


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_never_reach_the_store(module):
    assert module in MODULES, f"{module} is gone: update PURE and docs/architecture.md"
    parents = _reach(module)
    store = sorted(m for m in parents if m == "gridmap.store" or m.startswith("gridmap.store."))
    assert not store, _chain(module, store[0], parents)


def test_no_import_cycle_at_module_level():
    # Tarjan's strongly connected components over the module-level imports
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v][0]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in sorted(GRAPH):
        if v not in index:
            connect(v)
    assert not cycles


def test_config_and_registry_do_not_import_each_other():
    assert "gridmap.checks.registry" not in GRAPH["gridmap.checks.config"][1]


def test_nothing_below_the_command_line_imports_it():
    cli = CLI_MODULES | {m for m in MODULES if m.endswith(".cli")}
    upward = sorted(
        f"{m} imports {sorted(GRAPH[m][1] & cli)}"
        for m in MODULES
        if m not in cli and GRAPH[m][1] & cli
    )
    assert not upward


def test_import_gridmap_exposes_its_modules_lazily():
    code = (
        "import sys, gridmap\n"
        "assert 'gridmap.crs' not in sys.modules\n"
        "lon, lat = gridmap.crs.gcj02_to_wgs84(120.1951, 30.2365)\n"
        "assert abs(lon - 120.19) < 0.01 and abs(lat - 30.24) < 0.01, (lon, lat)\n"
        "assert set(gridmap.__all__) <= set(dir(gridmap))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr


def test_every_public_module_of_gridmap_exists():
    import gridmap

    for name in gridmap.__all__:
        assert f"gridmap.{name}" in MODULES, name


def _named_in_architecture() -> set[str]:
    """Return the modules and packages docs/architecture.md names (``gridmap.x.y``)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    return set(re.findall(r"`(gridmap(?:\.[A-Za-z_]\w*)+)`", text))


def test_architecture_doc_names_only_what_exists():
    names = _named_in_architecture()
    assert len(names) > 20
    assert not sorted(n for n in names if n not in MODULES)
    text = ARCHITECTURE.read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:gridmap|pages|tests|docs)/[\w/.]*|app\.py)`", text))
    assert paths and not sorted(p for p in paths if not (ROOT / p).exists())


def test_architecture_doc_names_every_package():
    packages = {m for m, p in MODULES.items() if p.name == "__init__.py" and m.count(".") == 1}
    assert packages <= _named_in_architecture()
