"""Issue categories and time limits as data, with overrides from gridmap.toml [issues]."""

from __future__ import annotations

import datetime as dt

import pytest

from gridmap.errors import InputError
from gridmap.issues.categories import DEFAULTS_PATH, load_issue_config

CLASSES = ["市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件", "其他"]


def test_defaults_hold_the_six_event_classes(issue_config):
    assert list(issue_config.categories) == CLASSES
    assert DEFAULTS_PATH.exists()
    garbage = issue_config.limit_for("市容环境", "暴露垃圾")
    assert (garbage.hours, garbage.working) == (4, True)
    assert "renrendoc" in garbage.source
    assert issue_config.limit_for("市容环境", "道路不洁").hours == 2
    # unknown subcategory: the class default
    assert issue_config.limit_for("宣传广告", "新花样") == issue_config.categories["宣传广告"].limit
    assert issue_config.duplicate_radius_m == 50
    assert issue_config.duplicate_days == 7
    assert issue_config.boundary_flag_m == 10
    assert issue_config.categories["市容环境"].label("en") == "Street environment"
    assert (
        issue_config.categories["市容环境"].subcategory_label("暴露垃圾", "en") == "Exposed garbage"
    )


def test_demo_categories_are_known(issue_config):
    import json

    from gridmap import datasets

    path = datasets.demo_manifest()[0].path.parent / "issues.geojson"
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        assert props["subcategory"] in issue_config.categories[props["category"]].subcategories


def test_unknown_category_lists_the_known_ones(issue_config):
    with pytest.raises(InputError, match="市容环境"):
        issue_config.limit_for("天气")
    assert issue_config.limit_or_none("天气") is None


def test_user_file_overrides_parts(tmp_path):
    path = tmp_path / "gridmap.toml"
    path.write_text(
        """
[settings]
boundary_flag_m = 15

[issues.categories."市容环境".subcategories."暴露垃圾"]
hours = 2

[issues.categories."新类别"]
hours = 8
working = true

[issues.working_hours]
periods = [["08:30", "12:00"], ["14:00", "17:30"]]
holidays = ["2026-10-01"]

[issues.duplicates]
radius_m = 30
""",
        encoding="utf-8",
    )
    cfg = load_issue_config(path)
    limit = cfg.limit_for("市容环境", "暴露垃圾")
    assert (limit.hours, limit.working) == (2, True)  # working kept from the default
    assert cfg.limit_for("市容环境", "道路不洁").hours == 2
    assert cfg.limit_for("新类别").working
    assert cfg.working_hours.periods[0] == (dt.time(8, 30), dt.time(12, 0))
    assert not cfg.working_hours.is_workday(dt.date(2026, 10, 1))
    assert cfg.duplicate_radius_m == 30
    assert cfg.duplicate_days == 7
    assert cfg.boundary_flag_m == 15
    assert "宣传广告" in cfg.categories


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[issues.categories."其他"]\nhours = -1\n', "hours"),
        ('[issues.categories."其他"]\nworking = "yes"\n', "working"),
        ('[issues.working_hours]\nperiods = [["9am", "12:00"]]\n', "not a time"),
        ("[issues.working_hours]\ntimezone = 'Nowhere/Land'\n", "time zone"),
        ("[issues.duplicates]\nradius_m = 'far'\n", "radius_m"),
        ("[issues\n", "not valid TOML"),
    ],
)
def test_bad_overrides_name_the_file(tmp_path, text, match):
    path = tmp_path / "gridmap.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match) as info:
        load_issue_config(path)
    assert info.value.file == str(path)
