"""``gridmap workers``: the records CLI (list, add, edit, deactivate grid workers)."""

from __future__ import annotations

import argparse

import pytest

from gridmap.errors import GridmapError
from gridmap.records.cli import add_parsers


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="gridmap")
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_workers_commands(demo_store, capsys):
    assert run("workers", "add", "--name", "新人", "--phone", "13800000000") == 0
    code = capsys.readouterr().out.split()[-1]
    assert run("workers", "edit", "--code", code, "--notes", "夜班") == 0
    assert run("workers", "deactivate", "--code", "W0001") == 0
    assert "grids to reassign" in capsys.readouterr().out
    assert run("workers", "list", "--json") == 0
    listed = capsys.readouterr().out
    assert code in listed and "W0001" not in listed
    with pytest.raises(GridmapError, match="--code"):
        run("workers", "edit", "--notes", "x")
