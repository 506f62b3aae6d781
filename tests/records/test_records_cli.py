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


def test_users_add_a_worker_account_and_import_more(demo_store, capsys, tmp_path):
    """``gridmap users``: a worker's account is linked to the worker record (refs #15)."""
    import json

    from gridmap import auth

    assert run("users", "add", "wang", "--role", "worker", "--worker", "W0002",
               "--password", "wang-pass-1") == 0
    user = auth.authenticate(demo_store, "wang", "wang-pass-1")
    assert user is not None and user.role == "worker" and user.worker == "W0002"
    with pytest.raises(GridmapError, match="no worker"):
        run("users", "add", "li", "--role", "worker", "--worker", "NOPE")
    assert run("users", "add", "vol", "--role", "volunteer") == 0
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    assert auth.authenticate(demo_store, "vol", password).role == "volunteer"
    table = tmp_path / "accounts.csv"
    table.write_text("工号,用户名\nW0003,zhao\nW0004,\n", encoding="utf-8")
    assert run("users", "import", str(table), "--json") == 0
    made = json.loads(capsys.readouterr().out.split("\ncreated")[0])
    assert [m["username"] for m in made] == ["zhao", "W0004"]
    assert auth.authenticate(demo_store, "zhao", made[0]["password"]).worker == "W0003"
    assert run("users", "list", "--json") == 0
    listed = {r["username"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["wang"]["worker"] == "W0002" and listed["vol"]["role"] == "volunteer"
