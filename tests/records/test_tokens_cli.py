"""``gridmap tokens create|list|revoke``."""

from __future__ import annotations

import json

from gridmap.cli import main
from gridmap.records import tokens


def test_tokens_cli_create_list_revoke(demo_db, demo_store, capsys):
    first = sorted(demo_store.read_layer("communities")["code"])[0]
    assert main(["tokens", "create", "--db", demo_db, "--name", "hotline", "--rights",
                 "report,read", "--scope", first, "--days", "30", "--rate-limit", "5"]) == 0
    printed = capsys.readouterr().out.splitlines()
    secret = printed[1]
    assert secret.startswith("gm_") and "shown only this once" in printed[2]
    assert tokens.admit(demo_store, secret, right="read", note="GET /x").refused is None

    assert main(["tokens", "list", "--db", demo_db, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == "hotline" and row["state"] == "active" and row["scope"] == first
    assert row["rights"] == "read,report" and row["rate_limit"] == 5
    assert secret not in json.dumps(row)

    assert main(["tokens", "revoke", "--db", demo_db, "--name", "hotline"]) == 0
    capsys.readouterr()
    assert tokens.admit(demo_store, secret, right="read", note="GET /x").refused == "token_revoked"
    assert main(["tokens", "list", "--db", demo_db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["state"] == "revoked"


def test_tokens_cli_refuses_bad_input(demo_db, capsys):
    assert main(["tokens", "create", "--db", demo_db, "--name", "x", "--rights", "write"]) == 1
    assert "unknown token right" in capsys.readouterr().err
    assert main(["tokens", "revoke", "--db", demo_db]) == 1
    assert "--name" in capsys.readouterr().err
    # a viewer of the store may not create tokens
    assert main(["tokens", "create", "--db", demo_db, "--name", "x", "--user", "viewer"]) == 1
    assert "manage users" in capsys.readouterr().err
