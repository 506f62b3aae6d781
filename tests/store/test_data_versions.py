"""Per-layer data versions: data writes move their layer's counter, nothing else moves any."""

from __future__ import annotations

import pytest
import shapely

from gridmap import auth, snapshot
from gridmap.auth import SYSTEM
from gridmap.importing import import_demo
from gridmap.model import LAYERS
from gridmap.records import tokens
from gridmap.store import schema, versions
from gridmap.web import sessions as web_sessions

BACKENDS = ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)]
PASSWORD = "versions-2026"


@pytest.fixture(params=BACKENDS)
def street(request, make_store):
    store = make_store(request.param)
    import_demo(store)
    auth.create_user(store, "admin", PASSWORD, role="admin")
    return store


def test_every_layer_has_a_version_and_untracked_tables_exist():
    assert {*schema.metadata.tables, "alembic_version"} >= versions.UNTRACKED
    for layer in LAYERS:
        assert versions.layer_keys(layer)
    assert "streets" in versions.layer_keys("communities")
    assert versions.layer_keys("assignments") == ("assignments", "grids", "workers")


def test_an_import_gives_each_layer_a_version(street):
    seen = street.data_versions(list(LAYERS))
    assert all(v >= 1 for v in seen.values()), seen
    assert street.data_versions(["no_such_table"]) == {"no_such_table": 0}


def test_logins_sessions_token_use_and_exports_move_no_version(street, tmp_path):
    from gridmap.export.roster import export_roster

    before = street.data_versions()
    user = auth.authenticate(street, "admin", PASSWORD)
    assert user is not None
    assert auth.authenticate(street, "admin", "wrong-password-1") is None
    assert auth.authenticate(street, "nobody", "wrong-password-1") is None
    token, session = web_sessions.start_session(street, user)
    assert web_sessions.resolve_session(street, token).session is not None
    made = tokens.create_token(street, "reader", rights=["read"], by=SYSTEM)
    call = tokens.admit(street, made.token, right="read", note="GET /grids")
    assert call.refused is None
    export_roster(street, tmp_path / "roster.csv", user=user, fmt="csv")
    web_sessions.end_session(street, session.id, by=user)
    assert street.data_versions() == before
    assert len(street.read_audit(limit=None)) > 0  # they were audited all the same


def test_a_board_write_moves_boards_and_not_grids(street):
    before = street.data_versions(["boards", "fitness", "bins", "grids", "assignments"])
    board = street.read_layer("boards").iloc[0]
    street.update("points", int(board["id"]), {"status": "damaged"},
                  version=int(board["version"]), username="t")  # fmt: skip
    after = street.data_versions(["boards", "fitness", "bins", "grids", "assignments"])
    assert after["boards"] == before["boards"] + 1
    unchanged = {k: v for k, v in before.items() if k != "boards"}
    assert {k: v for k, v in after.items() if k != "boards"} == unchanged
    new = street.insert("points", {"kind": "bin", "status": "active",
                                   "geom": board.geometry, "source_crs": "wgs84"},
                        username="t")  # fmt: skip
    moved = street.data_versions(["boards", "bins"])
    assert moved == {"boards": after["boards"], "bins": after["bins"] + 1}
    street.delete("points", new, version=1, username="t")
    assert street.data_versions(["bins"])["bins"] == after["bins"] + 2


def test_a_grid_write_moves_grids_and_the_layers_reading_grid_codes(street):
    before = street.data_versions(["grids", "assignments", "communities", "boards"])
    grid = street.read_layer("grids").iloc[0]
    street.update("grids", int(grid["id"]), {"geom": shapely.box(0, 0, 0.001, 0.001)},
                  version=int(grid["version"]), username="t")  # fmt: skip
    after = street.data_versions(["grids", "assignments", "communities", "boards"])
    assert after["grids"] == before["grids"] + 1
    assert after["assignments"] == before["assignments"] + 1  # assignments name grid codes
    assert after["communities"] == before["communities"]
    assert after["boards"] == before["boards"]


def test_a_rolled_back_write_moves_nothing(street):
    before = street.data_versions()
    grid = street.read_layer("grids").iloc[0]
    with pytest.raises(RuntimeError), street.transaction() as conn:
        street.update("grids", int(grid["id"]), {"name": "临时"}, version=int(grid["version"]),
                      username="t", conn=conn)  # fmt: skip
        raise RuntimeError
    assert street.data_versions() == before


def test_one_transaction_moves_each_version_once(street):
    grids = street.read_layer("grids")
    before = street.data_versions(["grids"])["grids"]
    with street.transaction() as conn:
        for _, grid in grids.head(3).iterrows():
            street.update("grids", int(grid["id"]), {"name": f"{grid['name']}*"},
                          version=int(grid["version"]), username="t", conn=conn)  # fmt: skip
    assert street.data_versions(["grids"])["grids"] == before + 1


def test_the_snapshot_stamp_follows_the_layers_asked_for(street):
    grids_stamp = snapshot.data_version(street, ["grids"])
    everything = snapshot.data_version(street)
    board = street.read_layer("boards").iloc[0]
    street.update("points", int(board["id"]), {"status": "damaged"},
                  version=int(board["version"]), username="t")  # fmt: skip
    assert snapshot.data_version(street, ["grids"]) == grids_stamp
    assert snapshot.data_version(street) != everything
