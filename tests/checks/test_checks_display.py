"""Check results drawn on a folium map (gridmap.checks.display)."""

from __future__ import annotations

import folium
from checkfixtures import AS_OF, bins, box, buildings, frame, make_street, pt

from gridmap import checks, maps
from gridmap.checks import display


def report():
    layers = make_street()
    layers["buildings"] = buildings([box(100, 400, 40, 20)])
    layers["bins"] = bins([pt(270, 410)])
    layers["schools"] = frame([box(390, 420, 220, 160)], name=["望江小学"], level=["primary"])
    layers["internet_cafes"] = frame([pt(760, 500)], name=["星际网咖"])
    return checks.run(layers, rules=["bin_reach", "cafe_school_distance", "staffing"], as_of=AS_OF)


def test_failure_frame_has_the_popup_columns():
    shown = display.failure_frame(report(), lang="en")
    assert set(display.POPUP_COLUMNS) <= set(shown.columns)
    row = shown[shown["rule"] == "bin_reach"].iloc[0]
    assert row["check_measured"] == "130 m" and row["check_workers"] == "张一、李二"
    assert row["check_threshold"] == "120 m"


def test_layers_per_rule_and_optional_coverage():
    rep = report()
    m = folium.Map()
    layers = display.add_report_layers(m, rep, lang="zh")
    assert len(layers) == 2  # one per rule with failures; coverage off
    names = [layer.layer_name for layer in layers]
    assert names[0].startswith("住宅楼 120 米内有垃圾收集点") and names[0].endswith("(1)")
    assert "map" in maps.map_html(m)
    m = folium.Map()
    layers = display.add_report_layers(
        m, rep, lang="zh", coverage=True, school_buffers=True, basemap="amap"
    )
    assert len(layers) == 4  # + the collection point's circle + the school buffer
    assert rep.result("cafe_school_distance").coverage["kind"].tolist() == ["school_buffer"]
    assert len(rep.coverage()) == 2
