"""Issue 19's layers on the street map and in scoped frames: service centres, hoardings."""

from __future__ import annotations

import geopandas as gpd
import shapely

from gridmap import maps, snapshot
from gridmap.auth import User
from gridmap.model import UserRole


def test_service_centres_and_hoardings_are_drawn_and_scoped(demo_store):
    grids = demo_store.read_layer("grids")
    inside = grids.geometry.iloc[0].representative_point()
    far = shapely.Point(inside.x + 1.0, inside.y)  # about 100 km east: in no community
    demo_store.write_layer(
        "service_centres",
        gpd.GeoDataFrame(
            {
                "code": ["FW91"],
                "name": ["清波社区党群服务中心"],
                "community": [grids["community"][0]],
            },
            geometry=[inside.buffer(0.0002)],
            crs="EPSG:4326",
        ),
        source_crs="wgs84",
        username="t",
    )
    demo_store.write_layer(
        "hoardings",
        gpd.GeoDataFrame(
            {
                "code": ["WD91", "WD92"],
                "name": ["近处工地", "远处工地"],
                "panels": [10, 10],
                "public_ad_panels": [3, 1],
            },
            geometry=[
                shapely.LineString([(inside.x, inside.y), (inside.x + 0.001, inside.y)]),
                shapely.LineString([(far.x, far.y), (far.x + 0.001, far.y)]),
            ],
            crs="EPSG:4326",
        ),
        source_crs="wgs84",
        username="t",
    )
    frames = snapshot.load_frames(demo_store)
    assert {"WD91", "WD92"} <= set(frames["hoardings"]["code"])
    assert "FW91" in set(frames["service_centres"]["code"])
    scoped = snapshot.restrict_frames(
        frames, User("v", UserRole.VIEWER, (grids["community"][0],))
    )
    assert "WD91" in set(scoped["hoardings"]["code"])
    assert "WD92" not in set(scoped["hoardings"]["code"])  # in no community: hidden
    m = maps.street_map(frames, lang="en", reference=snapshot.REFERENCE_LAYERS)
    names = {child.layer_name for child in m._children.values() if hasattr(child, "layer_name")}
    assert {"Service centres", "Construction hoardings"} <= names
