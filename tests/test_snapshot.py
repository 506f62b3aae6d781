"""gridmap.snapshot: scoped frames, masked phones, filters and search."""

from __future__ import annotations

import re

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from gridmap import auth, snapshot
from gridmap.model import UserRole

VIEWER = auth.User("viewer", UserRole.VIEWER)
INSPECTOR = auth.User("inspector", UserRole.INSPECTOR)


@pytest.fixture
def frames(demo_store):
    return snapshot.load_frames(demo_store)


@given(st.text(alphabet="0123456789+- ()", min_size=0, max_size=24))
def test_mask_phone_keeps_at_most_three_and_four_digits(phone):
    masked = snapshot.mask_phone(phone)
    text = phone.strip()
    if not text:
        assert masked is None
        return
    assert len(masked) == len(text)
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    shown = [i for i in digits if masked[i] == text[i]]
    assert all(masked[i] == "*" for i in digits if i not in shown)
    assert all(masked[i] == c for i, c in enumerate(text) if not c.isdigit())
    country = re.match(r"(\+\s*86|0086)", text)  # the country code is no part of the number
    counted = [i for i in shown if country is None or i >= country.end()]
    assert len(counted) <= 7  # never more than the first 3 and the last 4
    if len(counted) > 4:  # both ends shown only for a mobile number
        number = "".join(text[i] for i in digits if country is None or i >= country.end())
        assert len(number) == 11 and number[0] == "1"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138 **** 5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("87654321", "********"),  # a landline without area code: 876*4321 before
        ("8765-4321", "****-****"),
        ("0571-87654321", "0571-********"),  # a landline keeps its area code only
        ("(010) 8765 4321", "(010) **** ****"),
        ("0571876543210", "0571*********"),
        ("12345", "*****"),
        ("95598", "*****"),
    ],
)
def test_mask_phone_examples(phone, masked):
    assert snapshot.mask_phone(phone) == masked


def test_frames_are_annotated(frames):
    grids = frames["grids"]
    for column in (
        "worker",
        "worker_names",
        "worker_roles",
        "phone",
        "community_name",
        "boards",
        "fitness",
        "bins",
        "open_issues",
    ):
        assert column in grids.columns
    # counts agree with the located points
    for layer in ("boards", "fitness", "bins"):
        assert grids[layer].sum() == frames[layer]["grid"].notna().sum()
    order = ["grid_head", "full_time", "part_time", "volunteer"]
    for roles in grids["worker_roles"]:  # grid head first, then by role
        assert [order.index(r) for r in roles] == sorted(order.index(r) for r in roles)


def test_restrict_masks_phones_for_viewers_only(frames):
    seen = snapshot.restrict_frames(frames, VIEWER)["grids"]["phone"].dropna()
    assert len(seen) and all("****" in p for p in seen)
    full = snapshot.restrict_frames(frames, INSPECTOR)["grids"]["phone"].dropna()
    assert not any("*" in p for p in full)


def test_restrict_to_scope(frames):
    community = sorted(frames["communities"]["code"])[2]
    user = auth.User("s", UserRole.VIEWER, (community,))
    scoped = snapshot.restrict_frames(frames, user)
    assert set(scoped["communities"]["code"]) == {community}
    assert set(scoped["grids"]["community"]) == {community}
    for layer in snapshot.POINT_LAYERS:
        assert set(scoped[layer]["community"]) <= {community}
        assert len(scoped[layer]) < len(frames[layer])
    area = scoped["communities"].geometry.iloc[0]
    roads = scoped["roads"].geometry.to_numpy()
    assert len(roads) and shapely.intersects(roads, area).all()


def test_filters(frames):
    code = sorted(frames["communities"]["code"])[1]
    only = snapshot.filter_frames(frames, communities=[code], layers=["bins"], statuses=["active"])
    assert set(only["grids"]["community"]) == {code}
    assert len(only["boards"]) == 0 and len(only["issues"]) == 0
    assert len(only["bins"]) and set(only["bins"]["status"]) == {"active"}
    worker = frames["grids"]["worker"].dropna().iloc[0]
    by_worker = snapshot.filter_frames(frames, workers=[worker])["grids"]
    assert len(by_worker) and all(worker in names for names in by_worker["worker_names"])
    assert snapshot.filter_frames(frames) == dict(frames)


def test_search_by_code_and_worker(frames):
    code = frames["grids"]["code"].iloc[4]
    hits = snapshot.search(frames, code)
    assert hits[0].grid == code
    worker = frames["grids"]["worker"].iloc[4]
    assert code in {h.grid for h in snapshot.search(frames, worker)}
    assert snapshot.search(frames, "no such thing") == []
    assert snapshot.search(frames, "   ") == []


def test_city_reads_answer_what_the_frames_answer(demo_store):
    """map_size, visible_extent, find_grid and point_record read only what a page shows."""
    from gridmap import tiles

    frames = snapshot.load_frames(demo_store)
    layers = ("communities", "grids", *snapshot.POINT_LAYERS)
    assert snapshot.map_size(demo_store) == sum(len(frames[layer]) for layer in layers)
    community = frames["communities"].iloc[0]
    scoped = auth.User("scoped", UserRole.VIEWER, (community["code"],))
    assert snapshot.visible_extent(demo_store, scoped) == pytest.approx(
        tuple(community.geometry.bounds))
    assert snapshot.visible_extent(demo_store, VIEWER) == pytest.approx(
        tuple(frames["communities"].total_bounds))
    inside = frames["grids"][frames["grids"]["community"] == community["code"]].iloc[0]
    outside = frames["grids"][frames["grids"]["community"] != community["code"]].iloc[0]
    hit = snapshot.find_grid(demo_store, f" {inside['code']} ", scoped)
    assert hit is not None and hit.grid == inside["code"]
    assert hit.bounds == pytest.approx(tuple(inside.geometry.bounds))
    assert snapshot.find_grid(demo_store, outside["code"], scoped) is None
    assert snapshot.find_grid(demo_store, "no-such-grid", VIEWER) is None
    board = frames["boards"].iloc[5]
    found = tiles.identify(demo_store, board.geometry.x, board.geometry.y, user=VIEWER, zoom=18)
    assert found is not None and found["layer"] == "boards"
    record = snapshot.point_record(demo_store, found, VIEWER)
    assert record["id"] == board["id"] and record["code"] == board["code"]
    assert record["grid"] == board["grid"] and record["community"] == board["community"]
