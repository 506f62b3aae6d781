"""``gridmap export ...``: every kind writes its file; users and errors."""

from __future__ import annotations

import argparse
import json
import re

import openpyxl
import pyogrio
import pytest

from gridmap.errors import GridmapError, NotFound
from gridmap.export import cli as export_cli


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="gridmap")
    sub = parser.add_subparsers(dest="command")
    export_cli.add_parsers(sub)
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.mark.parametrize(
    ("kind", "name", "extra"),
    [
        ("roster", "r.xlsx", ["--as-of", "2026-11-01"]),
        ("roster", "r.csv", ["--format", "csv", "--worker", "W0001"]),
        ("dossier", "d.pdf", ["--grid", "330102011001001"]),
        ("supervision", "s.pdf", ["--community", "330102011001"]),
        ("weekly", "w.pdf", ["--format", "pdf", "--week", "2026-W42"]),
        ("gpkg", "x.gpkg", ["--crs", "gcj02"]),
        ("geojson", "g.zip", []),
    ],
)
def test_every_kind_writes_its_file(demo_db, tmp_path, capsys, kind, name, extra):
    out = tmp_path / name
    assert _run(["export", kind, "--db", demo_db, "--out", str(out), *extra]) == 0
    assert out.is_file() and out.stat().st_size > 100
    printed = capsys.readouterr().out
    assert str(out) in printed and "audit #" in printed
    if name.endswith(".pdf"):
        assert out.read_bytes().startswith(b"%PDF")


def test_user_role_applies(demo_db, tmp_path):
    viewer, admin = tmp_path / "v.xlsx", tmp_path / "a.xlsx"
    _run(["export", "roster", "--db", demo_db, "--out", str(viewer), "--user", "viewer"])
    _run(["export", "roster", "--db", demo_db, "--out", str(admin)])

    def phones(path):
        ws = openpyxl.load_workbook(path).active
        col = [c.value for c in ws[2]].index("联系电话")
        return " ".join(str(r[col].value) for r in ws.iter_rows(min_row=3))

    assert re.search(r"\d{3}\*{4}\d{4}", phones(viewer))
    assert not re.search(r"\*", phones(admin))
    with pytest.raises(NotFound):
        _run(["export", "roster", "--db", demo_db, "--user", "ghost"])


def test_scoped_user_and_bad_options(demo_db, tmp_path):
    out = tmp_path / "s.gpkg"
    _run(["export", "gpkg", "--db", demo_db, "--out", str(out), "--user", "scoped_planner"])
    grids = pyogrio.read_dataframe(out, layer="grids")
    assert grids["community"].nunique() == 1
    with pytest.raises(GridmapError):
        _run(["export", "weekly", "--db", demo_db, "--week", "soon"])
    with pytest.raises(SystemExit):
        _run(["export", "dossier", "--format", "docx"])


def test_default_file_name(demo_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _run(["export", "geojson", "--db", demo_db, "--community", "330102011002"])
    from gridmap.export._common import i18n_today

    folder = tmp_path / f"柳浪社区_网格数据_{i18n_today().isoformat()}"
    data = json.loads((folder / "grids.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["community"] for f in data["features"]} == {"330102011002"}


def test_default_names_say_the_place_the_kind_and_the_date(demo_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _run(["export", "roster", "--db", demo_db, "--community", "330102011001",
          "--as-of", "2026-12-05"])
    assert (tmp_path / "清波社区_网格员花名册_2026-12-05.xlsx").exists()
    # a user scoped to one community gets a file named after it, not the street
    _run(["export", "roster", "--db", demo_db, "--user", "scoped_planner",
          "--as-of", "2026-12-05"])
    assert (tmp_path / "清波社区_网格员花名册_2026-12-05.xlsx").stat().st_size > 0
    _run(["export", "roster", "--db", demo_db, "--as-of", "2026-12-05"])
    street = [p for p in tmp_path.iterdir() if p.name.endswith("_网格员花名册_2026-12-05.xlsx")]
    assert (tmp_path / "望江街道_网格员花名册_2026-12-05.xlsx").exists() and len(street) == 2
    _run(["export", "weekly", "--db", demo_db, "--week", "2026-W49", "--lang", "en"])
    assert any(p.name.endswith("_weekly report_2026-11-30.xlsx") for p in tmp_path.iterdir())


def test_main_cli_has_every_export_kind():
    from gridmap.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    parser = sub.choices["export"]
    kinds = next(a for a in parser._actions if a.dest == "kind")
    assert set(kinds.choices) == set(export_cli.EXPORT_KINDS)
