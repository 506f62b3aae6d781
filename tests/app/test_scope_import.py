"""The scope takeover on the Import page (issue #14, item 1), as an AppTest flow.

A planner scoped to the first community uploads a grid drawn over the second
community's area, naming their own community. Before the fix the dry run said
检查通过 and the commit wrote it; now the dry run names the refusal and offers no commit.
"""

from __future__ import annotations

import json

import shapely

from gridmap import i18n
from gridmap.io._messages import text
from tests.app.test_pages import _app


def _grab_file(app_store) -> bytes:
    communities = app_store.read_layer("communities").sort_values("code")
    mine, theirs = communities["code"].iloc[0], communities.geometry.iloc[1]
    feature = {"type": "Feature", "properties": {"community": mine},
               "geometry": shapely.geometry.mapping(theirs)}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode("utf-8")


def test_a_scoped_planner_cannot_take_another_communitys_area(app_url, app_store):
    before = len(app_store.read_layer("grids"))
    at = _app("scoped_planner").switch_page("pages/import.py").run()
    at.file_uploader(key="gm_import_upload").upload(
        "grab.geojson", _grab_file(app_store), "application/geo+json")
    at.selectbox(key="gm_import_layer").select("grids")
    at.selectbox(key="gm_import_crs").select("wgs84")
    at.run()
    at.button(key="gm_import_check").click().run()
    assert not at.exception
    problems = list(at.dataframe[0].value[i18n.t("import.problem")])
    mine = app_store.read_layer("communities")["code"].min()
    assert problems[0] == text("io.scope.grid_outside", "zh", grid="#1", community=mine,
                               area=problems[0].split("有 ")[1].split(" m²")[0])
    assert "超出其所属社区" in problems[0] and "与其他社区的网格" in problems[1]
    assert [e.value for e in at.error] == [i18n.t("import.blocked", n=len(problems))]
    assert not [b for b in at.button if b.key == "gm_import_commit"]
    assert not at.success  # no 检查通过
    assert len(app_store.read_layer("grids")) == before
