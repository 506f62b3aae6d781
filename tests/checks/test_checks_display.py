"""Check results prepared for display (gridmap.checks.display); drawn in tests/maps/test_street."""

from __future__ import annotations

from checkfixtures import AS_OF, bins, box, buildings, frame, make_street, pt

from gridmap import checks, i18n
from gridmap.checks import display, export


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


def test_filters_by_severity_grid_and_text():
    shown = display.failure_frame(report(), lang="en")
    assert len(display.filter_failures(shown)) == len(shown) == 2
    assert display.filter_failures(shown, severities=["advisory"]).empty
    grid = shown["grid"].iloc[0]
    assert list(display.filter_failures(shown, grids=[grid])["grid"]) == [grid]
    cafe = display.filter_failures(shown, text=" 星际 ")
    assert list(cafe["rule"]) == ["cafe_school_distance"] and list(cafe.index) == [0]
    assert display.filter_failures(shown, text="no such thing").empty


def test_tables_are_headed_in_the_language_asked_for():
    rep = report()
    summary = display.summary_table(rep, lang="zh")
    assert list(summary.columns) == [
        i18n.t(f"checks.col.{c}", "zh") for c in display.SUMMARY_COLUMNS
    ]
    assert len(summary) == 3 and summary.iloc[0, 2] == rep.results[0].threshold_label("zh")
    table = display.failure_table(display.failure_frame(rep, lang="en"), lang="en")
    assert list(table.columns) == [i18n.t(f"field.{c}", "en") for c in display.POPUP_COLUMNS]
    scores = display.scores_table(rep, "grid", lang="en")
    assert i18n.t("checks.col.score", "en") in scores.columns and len(scores) == 2


def test_display_draws_nothing():
    assert not hasattr(display, "add_report_layers")
    assert "folium" not in display.__dict__ and "maps" not in display.__dict__


def test_downloads_are_made_when_asked():
    rep = report()
    files = export.downloads(rep, lang="en")
    assert [f.name for f in files] == ["xlsx", "csv", "geo", "grid", "worker"]
    stamp = AS_OF.strftime("%Y%m%d")
    assert files[1].filename == f"checks_{stamp}.csv" and files[1].make() == export.to_csv(rep)
    assert files[2].make() == export.to_geojson(rep)
    assert files[3].label == i18n.t(
        "checks.download_orders", "en", by=i18n.t("checks.level.grid", "en")
    )
    for f in (files[0], files[3], files[4]):
        assert f.filename.endswith(".xlsx") and f.make()[:2] == b"PK"
