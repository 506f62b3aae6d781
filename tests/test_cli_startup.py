"""Start-up of the gridmap command: the parser loads no heavy library, a command only its own.

The packages load their modules on first use (PEP 562, :mod:`gridmap._lazy`), so these
tests run in a fresh interpreter and look at ``sys.modules``; they assert what is
imported, never how long it takes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Libraries ``gridmap --help`` must not load.
HEAVY = ("pandas", "shapely", "sqlalchemy", "folium", "streamlit", "geopandas")

#: What ``gridmap check`` must not load (the parser's ``gridmap.export.cli`` aside).
MAP_AND_EXPORT = (
    "folium",
    "branca",
    "streamlit",
    "matplotlib",
    "reportlab",
    "gridmap.maps",
    "gridmap.export",
)

#: The packages whose ``__init__`` exports lazily.
LAZY_PACKAGES = (
    "gridmap.checks",
    "gridmap.export",
    "gridmap.grids",
    "gridmap.issues",
    "gridmap.notify",
    "gridmap.records",
    "gridmap.supervision",
)


def _python(code: str) -> object:
    """Run ``code`` in a fresh interpreter; return the JSON it prints last."""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _loaded(prefixes: tuple[str, ...], *, allowed: tuple[str, ...] = ()) -> str:
    """Code printing, as JSON, the loaded modules that are or lie under ``prefixes``."""
    return (
        "import json, sys\n"
        f"prefixes, allowed = {prefixes!r}, {allowed!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m not in allowed\n"
        "    and any(m == p or m.startswith(p + '.') for p in prefixes))))\n"
    )


def test_building_the_parser_loads_no_heavy_library():
    code = (
        "from gridmap.cli import build_parser\n"
        "build_parser()\n"
        "build_parser(lang='zh')\n" + _loaded(HEAVY)
    )
    assert _python(code) == []


def test_importing_the_packages_loads_no_heavy_library():
    code = "".join(f"import {package}\n" for package in LAZY_PACKAGES) + _loaded(HEAVY)
    assert _python(code) == []


@pytest.mark.parametrize("package", LAZY_PACKAGES)
def test_every_exported_name_resolves(package):
    # in a fresh interpreter, so that each name loads through the package's __getattr__
    code = (
        "import importlib, json\n"
        f"package = importlib.import_module({package!r})\n"
        "names = set(package.__all__)\n"
        "listed = set(dir(package))\n"
        "bad = sorted(n for n in names | listed if not hasattr(package, n))\n"
        "bad += sorted(n for n in names - listed)\n"
        "for name in sorted(names):\n"
        "    exec(f'from {package.__name__} import {name}')\n"
        "bad += ['nonexistent'] if hasattr(package, 'nonexistent') else []\n"
        "print(json.dumps(bad))\n"
    )
    assert _python(code) == []


def test_a_name_is_the_object_of_its_module():
    import gridmap.checks
    import gridmap.checks.registry
    import gridmap.export
    import gridmap.export.roster
    from gridmap.checks import boards
    from gridmap.export import export_roster

    assert gridmap.checks.run_checks_on_store is gridmap.checks.registry.run_checks_on_store
    assert export_roster is gridmap.export.roster.export_roster
    assert boards is sys.modules["gridmap.checks.boards"]
    assert gridmap.checks.export is sys.modules["gridmap.checks.export"]


def test_a_module_keeps_its_constants_shown_by_the_parser():
    from gridmap import checks, grids, records
    from gridmap.checks import export
    from gridmap.grids import split
    from gridmap.records import tokens

    assert export.FORMATS == checks.REPORT_FORMATS
    assert split.METHODS == grids.SPLIT_METHODS
    assert (tokens.DEFAULT_DAYS, tokens.DEFAULT_RATE_LIMIT) == (
        records.TOKEN_DAYS,
        records.TOKEN_RATE_LIMIT,
    )


def test_the_check_command_loads_no_map_or_export_code(demo_db):
    code = (
        "import contextlib, io\n"
        "from gridmap.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['check', '--format', 'json', '--db', {demo_db!r}]) == 0\n"
        "assert '\"rules\"' in out.getvalue()\n"
        + _loaded(MAP_AND_EXPORT, allowed=("gridmap.export", "gridmap.export.cli"))
    )
    assert _python(code) == []


def test_the_cyclic_collector_pauses_for_a_bulk_command_and_comes_back():
    import gc

    from gridmap._cli import cyclic_gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("the command failed")
    assert gc.isenabled()  # back after a failure too
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # not switched on by a command that found it off
    finally:
        gc.enable()
