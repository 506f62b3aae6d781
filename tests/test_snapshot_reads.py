"""gridmap.snapshot reads what a page shows: only the layers asked for, the scope in the reads."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridmap import auth, snapshot
from gridmap.errors import InputError
from gridmap.importing import import_demo
from gridmap.model import UserRole

LAYER_SETS = [
    ("communities",),
    ("grids",),
    ("boards",),
    ("issues", "grids"),
    ("workers",),
    ("assignments", "workers"),
    ("roads", "buildings"),
    None,
]


def _same(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    assert list(got) == list(want)
    for name in want:
        pd.testing.assert_frame_equal(
            got[name].reset_index(drop=True),
            want[name].reset_index(drop=True),
            obj=name,
            check_dtype=len(want[name]) > 0,  # an empty column's dtype is not data
            check_index_type=len(want[name]) > 0,
        )


def _reads(store):
    """A store reader that records what it was asked."""
    calls = []

    def read(layer, **kwargs):
        calls.append((layer, kwargs))
        return store.read_layer(layer, **kwargs)

    return read, calls


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from gridmap.store import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('reads') / 'demo.sqlite'}")
    import_demo(store)
    yield store, snapshot.load_frames(store)
    store.close()


def test_load_frames_returns_only_the_layers_asked_for(demo):
    store, full = demo
    for layers in LAYER_SETS[:-1]:
        read, calls = _reads(store)
        got = snapshot.load_frames(store, layers=layers, read=read)
        assert list(got) == list(layers)
        assert {layer for layer, _ in calls} == set(snapshot.frame_reads(layers))
        _same(got, {name: full[name] for name in layers})
    read, calls = _reads(store)
    snapshot.load_frames(store, layers=["communities"], read=read)
    assert [layer for layer, _ in calls] == ["communities"]
    with pytest.raises(InputError, match="no frame"):
        snapshot.load_frames(store, layers=["grids", "nonsense"])


def test_a_point_layer_alone_reads_no_other_point_layer(demo):
    store, _ = demo
    read, calls = _reads(store)
    frames = snapshot.load_frames(store, layers=["bins"], read=read)
    assert {layer for layer, _ in calls} == {"grids", "bins", "workers", "assignments"}
    assert frames["bins"]["grid"].notna().all()


@pytest.mark.parametrize("layers", LAYER_SETS)
@pytest.mark.parametrize("pick", [(0,), (2,), (0, 3), ()])
@pytest.mark.parametrize("role", [UserRole.VIEWER, UserRole.INSPECTOR])
def test_scoped_reads_equal_the_restricted_full_read(demo, layers, pick, role):
    store, full = demo
    codes = sorted(full["communities"]["code"])
    user = auth.User("scoped", role, tuple(codes[i] for i in pick))
    want = snapshot.restrict_frames(full, user)
    read, calls = _reads(store)
    got = snapshot.visible_frames(store, user, layers=layers, read=read)
    _same(got, {name: want[name] for name in (layers or snapshot.FRAME_LAYERS)})
    if pick and layers and set(layers) & {"boards", "roads"}:
        assert all("bbox" in kwargs or "where" in kwargs
                   for layer, kwargs in calls if layer in ("boards", "roads"))  # fmt: skip


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_any_scope_and_layers_see_what_the_full_read_shows(demo, data):
    store, full = demo
    codes = sorted(full["communities"]["code"])
    scope = data.draw(st.lists(st.sampled_from([*codes, "no-such-community"]), unique=True))
    layers = data.draw(st.lists(st.sampled_from(snapshot.FRAME_LAYERS), min_size=1,
                                unique=True))  # fmt: skip
    user = auth.User("scoped", UserRole.VIEWER, tuple(scope))
    want = snapshot.restrict_frames(full, user)
    _same(snapshot.visible_frames(store, user, layers=layers), {n: want[n] for n in layers})


def test_restricting_without_what_the_scope_needs_is_refused(demo):
    _, full = demo
    user = auth.User("scoped", UserRole.VIEWER, (sorted(full["communities"]["code"])[0],))
    with pytest.raises(InputError, match="needs the grids"):
        snapshot.restrict_frames({"assignments": full["assignments"]}, user)
    with pytest.raises(InputError, match="needs the communities"):
        snapshot.restrict_frames({"roads": full["roads"]}, user)


@pytest.mark.postgis
def test_scoped_reads_on_postgis_equal_the_restricted_full_read(make_store):
    store = make_store("postgis")
    import_demo(store)
    full = snapshot.load_frames(store)
    codes = sorted(full["communities"]["code"])
    for scope in [(codes[1],), (codes[0], codes[-1])]:
        user = auth.User("scoped", UserRole.VIEWER, scope)
        want = snapshot.restrict_frames(full, user)
        _same(snapshot.visible_frames(store, user), want)
        _same(snapshot.visible_frames(store, user, layers=["boards", "grids"]),
              {"boards": want["boards"], "grids": want["grids"]})  # fmt: skip


def test_a_rerun_after_a_write_reads_again_only_what_changed(demo_store):
    cache = snapshot.ReadCache()
    viewer = auth.User("viewer", UserRole.VIEWER)

    def rerun():
        reads = snapshot.frame_reads(snapshot.MAP_LAYERS)
        versions = demo_store.data_versions(reads)
        before = cache.reads
        frames = snapshot.visible_frames(demo_store, viewer, layers=snapshot.MAP_LAYERS,
                                         read=cache.reader(demo_store, versions))  # fmt: skip
        return frames, cache.reads - before

    first, reads = rerun()
    assert reads == len(snapshot.frame_reads(snapshot.MAP_LAYERS))
    assert rerun()[1] == 0
    auth.create_user(demo_store, "late", "late-login-2026", role="viewer")
    assert auth.authenticate(demo_store, "late", "late-login-2026") is not None
    assert rerun()[1] == 0  # a login changes no layer
    board = first["boards"].iloc[0]
    demo_store.update("points", int(board["id"]), {"status": "damaged"},
                      version=int(board["version"]), username="t")  # fmt: skip
    again, reads = rerun()
    assert reads == 1  # the boards, and nothing else
    assert again["boards"].set_index("id").loc[int(board["id"]), "status"] == "damaged"
    assert len(cache) == len(snapshot.frame_reads(snapshot.MAP_LAYERS))  # the old read dropped


def test_read_layer_filters_by_a_column(demo):
    store, full = demo
    code = sorted(full["communities"]["code"])[1]
    grids = store.read_layer("grids", where={"community": [code]})
    expected = full["grids"].loc[full["grids"]["community"] == code, "code"]
    assert len(grids) and set(grids["code"]) == set(expected)
    assert len(store.read_layer("boards", where={"id": []})) == 0
    with pytest.raises(InputError, match="cannot be filtered"):
        store.read_layer("grids", where={"no_such_column": [1]})
