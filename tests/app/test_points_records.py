"""gridmap.points on the demo street: validation, coordinates, versions, photos, history."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from gridmap import auth, crs, snapshot
from gridmap.errors import ConflictError, InputError, NotFound
from gridmap.model import UserRole
from gridmap.records import points

PLANNER = auth.User("planner", UserRole.PLANNER)
INSPECTOR = auth.User("inspector", UserRole.INSPECTOR)


@pytest.fixture
def grid(app_store):
    return snapshot.load_frames(app_store)["grids"].iloc[5]


def _inside(grid) -> tuple[float, float]:
    p = grid.geometry.representative_point()
    return float(p.x), float(p.y)


def _jpeg(size=(3000, 2000), *, exif: bool = True) -> bytes:
    image = Image.new("RGB", size, "steelblue")
    info = Image.Exif()
    info[0x010F] = "CameraMaker"  # Make
    info[0x8825] = {1: "N", 2: (30.0, 14.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=info if exif else b"")
    return out.getvalue()


def test_add_point_validates_converts_and_generates_a_code(app_store, grid):
    lon, lat = _inside(grid)
    pid = points.add_point(
        app_store,
        PLANNER,
        "bins",
        lon=lon,
        lat=lat,
        values={"bin_type": "垃圾桶", "capacity_l": "240", "category": "厨余"},
    )
    panel = points.point_panel(app_store, pid, user=PLANNER)
    assert panel["grid"] == grid["code"]
    assert panel["values"]["bin_type"] == "street_bin"
    assert panel["values"]["category"] == "kitchen"
    assert panel["values"]["capacity_l"] == 240.0
    assert panel["values"]["status"] == "active"  # the default
    assert panel["values"]["code"].startswith("X")
    assert (panel["lon"], panel["lat"]) == pytest.approx((lon, lat))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "board_type is required"),
        ({"board_type": "billboard"}, "unknown value"),
        ({"board_type": "panel", "panels": "two"}, "not a whole number"),
        ({"board_type": "panel", "colour": "red"}, "no column 'colour'"),
        ({"board_type": "panel", "status": "retired"}, "retiring"),
    ],
)
def test_add_point_refuses_bad_values(app_store, grid, values, message):
    lon, lat = _inside(grid)
    with pytest.raises(InputError, match=message):
        points.add_point(app_store, PLANNER, "boards", lon=lon, lat=lat, values=values)


def test_add_point_outside_every_grid_is_refused(app_store):
    with pytest.raises(InputError, match="outside every grid"):
        points.add_point(
            app_store, PLANNER, "boards", lon=116.4, lat=39.9, values={"board_type": "panel"}
        )


def test_add_point_converts_gcj02_to_wgs84(app_store, grid):
    lon, lat = _inside(grid)
    gcj_lon, gcj_lat = crs.wgs84_to_gcj02(lon, lat)
    pid = points.add_point(
        app_store,
        PLANNER,
        "boards",
        lon=gcj_lon,
        lat=gcj_lat,
        crs="gcj02",
        values={"board_type": "panel"},
    )
    row = app_store.get("points", pid)
    assert crs.distance_m(row["geom"].x, row["geom"].y, lon, lat) < 0.01
    assert row["source_crs"] == "gcj02"


def test_update_needs_the_current_version(app_store, grid):
    lon, lat = _inside(grid)
    pid = points.add_point(
        app_store, PLANNER, "boards", lon=lon, lat=lat, values={"board_type": "panel"}
    )
    assert points.update_point(app_store, PLANNER, pid, {"theme": "礼让"}, version=1) == 2
    with pytest.raises(ConflictError):
        points.update_point(app_store, PLANNER, pid, {"theme": "诚信"}, version=1)
    with pytest.raises(InputError, match="board_type is required"):
        points.update_point(app_store, PLANNER, pid, {"board_type": ""}, version=2)
    assert points.point_panel(app_store, pid, user=PLANNER)["values"]["theme"] == "礼让"


def test_move_and_retire(app_store, grid):
    lon, lat = _inside(grid)
    pid = points.add_point(
        app_store, PLANNER, "fitness", lon=lon, lat=lat, values={"equipment_type": "漫步机"}
    )
    v = points.move_point(app_store, PLANNER, pid, lon=lon + 0.00005, lat=lat, version=1)
    assert app_store.get("points", pid)["geom"].x == pytest.approx(lon + 0.00005)
    with pytest.raises(InputError, match="outside every grid"):
        points.move_point(app_store, PLANNER, pid, lon=100.0, lat=20.0, version=v)
    points.retire_point(app_store, PLANNER, pid, version=v)
    assert points.point_panel(app_store, pid, user=PLANNER)["retired"]
    assert pid not in set(points.list_points(app_store, PLANNER, "fitness")["id"])
    with pytest.raises(InputError, match="retired"):
        points.update_point(app_store, PLANNER, pid, {"name": "x"}, version=v + 1)


def test_maintenance_photo_is_reencoded_without_exif(app_store, grid):
    lon, lat = _inside(grid)
    pid = points.add_point(
        app_store, PLANNER, "boards", lon=lon, lat=lat, values={"board_type": "panel"}
    )
    entry = points.add_maintenance(
        app_store,
        INSPECTOR,
        pid,
        date=dt.date(2026, 3, 1),
        action="巡检",
        condition="good",
        note="ok",
        photo=_jpeg(),
    )
    stored = points.maintenance_photo(app_store, entry, user=INSPECTOR)
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) == points.PHOTO_MAX_PX
        assert not image.getexif()
    history = points.maintenance_history(app_store, pid)
    assert history[["action", "condition", "by", "has_photo"]].iloc[0].tolist() == [
        "inspected",
        "good",
        "inspector",
        True,
    ]
    # an inspection updates last_inspected
    assert points.point_panel(app_store, pid, user=PLANNER)["values"]["last_inspected"] == (
        dt.date(2026, 3, 1)
    )


@pytest.mark.parametrize("data", [b"not an image", b"%PDF-1.4 ...", b""])
def test_non_images_are_refused(app_store, grid, data):
    lon, lat = _inside(grid)
    pid = points.add_point(
        app_store, PLANNER, "boards", lon=lon, lat=lat, values={"board_type": "panel"}
    )
    with pytest.raises(InputError):
        points.clean_photo(data)
    if data:
        with pytest.raises(InputError, match="not a photo"):
            points.add_maintenance(
                app_store, INSPECTOR, pid, date="2026-03-01", action="cleaned", photo=data
            )
    assert points.maintenance_history(app_store, pid).empty


def test_maintenance_refuses_future_dates_and_unknown_points(app_store, grid):
    lon, lat = _inside(grid)
    pid = points.add_point(
        app_store, PLANNER, "boards", lon=lon, lat=lat, values={"board_type": "panel"}
    )
    with pytest.raises(InputError, match="future"):
        points.add_maintenance(
            app_store, INSPECTOR, pid, date=dt.date.today() + dt.timedelta(days=1), action="cleaned"
        )
    with pytest.raises(NotFound):
        points.add_maintenance(app_store, INSPECTOR, 10**9, date="2026-01-01", action="cleaned")


def test_list_points_respects_scope(app_store, grid):
    scoped = auth.User("s", UserRole.VIEWER, (grid["community"],))
    listed = points.list_points(app_store, scoped, "boards")
    assert len(listed) > 0
    assert set(listed["community"]) == {grid["community"]}
