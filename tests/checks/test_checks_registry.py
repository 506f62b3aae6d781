"""Rules are data: every rule is documented, sourced, translated and configured."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest
from checkfixtures import AS_OF, COMMUNITY, G1, bins, box, buildings, make_street, run

from gridmap import checks, i18n
from gridmap.checks.config import COMMON_KEYS, default_rules
from gridmap.checks.registry import FAMILIES, _moment
from gridmap.errors import InputError

CJK = re.compile(r"[\u4e00-\u9fff]")
RULES = checks.all_rules()
IDS = [r.id for r in RULES]


def test_the_rules_of_issue_5_are_all_registered():
    assert {
        "tiling",
        "staffing",
        "grid_heads",
        "grid_households",
        "grid_residents",
        "points_in_grids",
        "compounds_assigned",
        "grid_codes",
        "grid_code_order",
        "bin_reach",
        "bin_reach_advisory",
        "compound_collection_point",
        "street_bin_spacing",
        "community_entrance_boards",
        "compound_boards",
        "building_boards",
        "compound_public_ads",
        "compound_public_ad_panels",
        "main_road_public_ads",
        "commercial_street_reminders",
        "compound_themes",
        "public_ad_share",
        "cafe_school_distance",
        "fitness_reach",
        "fitness_reach_advisory",
        "fitness_inspection",
        "fitness_repairs",
        "issue_deadlines",
        # issue 19
        "road_owners",
        "service_centre_public_ads",
        "service_centre_public_ad_panels",
        "hoarding_public_ads",
    } == set(IDS)
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_rule_has_source_unit_titles_and_docs(rule):
    assert rule.source.strip() and len(rule.source) > 10
    assert rule.unit.strip()
    assert CJK.search(rule.title_zh), rule.title_zh
    assert rule.title_en.strip() and not CJK.search(rule.title_en)
    assert len(rule.doc) > 40 and rule.doc.splitlines()[0].endswith(".")
    assert rule.family in FAMILIES
    assert rule.severity in ("failure", "advisory")
    assert i18n.t(f"checks.unit.{rule.unit}", "zh") != f"checks.unit.{rule.unit}"
    for lang in ("zh", "en"):
        assert i18n.t(f"checks.family.{rule.family}", lang) != f"checks.family.{rule.family}"


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_every_rule_is_configured_in_rules_toml(rule):
    config = default_rules()[rule.id]
    assert set(config.params) == {p.name for p in rule.params}
    for p in rule.params:
        assert p.help.strip(), p.name
    names = rule.threshold if isinstance(rule.threshold, tuple) else (rule.threshold,)
    assert set(names) <= set(config.params)
    assert config.severity == rule.severity


def test_rules_toml_names_no_unknown_rule():
    assert set(default_rules()) == set(IDS)
    for config in default_rules().values():
        assert not set(config.params) & set(COMMON_KEYS)


def test_message_texts_have_the_same_fields_in_both_languages():
    keys = [k for k in i18n.STRINGS if k.startswith("checks.msg.")]
    assert len(keys) > 30
    for key in keys:
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(i18n.STRINGS[key][lang]) if f}
            for lang in ("zh", "en")
        ]
        assert fields[0] <= fields[1] | {"threshold"} or fields[1] <= fields[0] | {"layer"}, key
        assert CJK.search(i18n.STRINGS[key]["zh"]), key


def test_rules_table_lists_thresholds_and_sources():
    table = checks.rules_table(lang="en")
    row = next(r for r in table if r["id"] == "bin_reach")
    assert row["threshold"] == 120.0 and row["unit"] == "m" and row["threshold_text"] == "120 m"
    assert "GB 55013-2021" in row["source"] and row["enabled"] is True
    band = next(r for r in table if r["id"] == "grid_households")
    assert band["threshold"] == [300, 500]
    assert next(r for r in table if r["id"] == "building_boards")["enabled"] is False


def test_select_rules_defaults_to_enabled_and_runs_named_disabled_ones():
    enabled = [r.id for r in checks.select_rules(None, default_rules())]
    assert "building_boards" not in enabled and "bin_reach" in enabled
    assert [r.id for r in checks.select_rules(["building_boards"])] == ["building_boards"]
    with pytest.raises(InputError, match="unknown rule 'nope'"):
        checks.select_rules(["nope"])


def test_run_rejects_an_unknown_community():
    with pytest.raises(InputError, match="unknown community"):
        checks.run(make_street(), rules=["staffing"], community="999", as_of=AS_OF)


def test_community_limits_results_and_counts():
    layers = make_street()
    layers["buildings"] = buildings([box(100, 100, 20, 20)])
    layers["bins"] = bins([box(0, 0, 1, 1).centroid])  # far enough to fail
    result = run(layers, "bin_reach", params={"max_distance_m": 50.0})
    assert result.checked == 1 and result.failed == 1
    other = run(
        make_street() | {"buildings": layers["buildings"], "bins": layers["bins"]},
        "bin_reach",
        community=COMMUNITY,
        params={"max_distance_m": 50.0},
    )
    assert other.failed == 1


def test_progress_is_reported_per_rule():
    calls = []
    checks.run(
        make_street(),
        rules=["staffing", "grid_households"],
        as_of=AS_OF,
        progress=lambda done, total, rule: calls.append((done, total, rule)),
    )
    assert calls == [(0, 2, "staffing"), (1, 2, "grid_households"), (2, 2, None)]


def test_as_of_semantics():
    # a date is the start of that day in China time (field times are China time)
    day, moment = _moment(dt.date(2026, 11, 1))
    assert day == dt.date(2026, 11, 1)
    assert moment == dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC)
    day, moment = _moment(dt.datetime(2026, 11, 1, 8, 30))  # naive: China time
    assert moment == dt.datetime(2026, 11, 1, 0, 30, tzinfo=dt.UTC) and day == dt.date(2026, 11, 1)
    day, moment = _moment(dt.datetime(2026, 10, 31, 20, tzinfo=dt.UTC))
    assert day == dt.date(2026, 11, 1)  # already 11-01 04:00 in China
    _, now = _moment(None)
    assert now.tzinfo is not None and abs(now - dt.datetime.now(dt.UTC)).total_seconds() < 60
    with pytest.raises(InputError):
        _moment("2026-11-01")  # type: ignore[arg-type]


def test_missing_layers_check_nothing_with_a_note():
    result = run(make_street(), "cafe_school_distance")
    assert result.checked == 0 and result.ok and "café" in result.note


def test_every_failure_names_its_grid_and_workers():
    layers = make_street()
    layers["buildings"] = buildings([box(100, 100, 20, 20)])
    layers["bins"] = bins([])
    result = run(layers, "bin_reach")
    failure = result.failures[0]
    assert failure.grid == G1 and failure.community == COMMUNITY
    assert failure.workers == ("张一", "李二")  # grid head first
    assert failure.measured is None and "no collection point" in failure.message


def test_threshold_and_unit_default_to_the_first_parameter():
    from gridmap.checks.registry import _REGISTRY, Param, rule

    params = [Param("max_gap_m", "m", "gap"), Param("layers", "", "layers")]
    try:
        rule(id="_t1", family="waste", title_zh="试", title_en="t", source="s", params=params)(
            lambda ctx, p: None
        )
        rule(
            id="_t2",
            family="waste",
            title_zh="试",
            title_en="t",
            source="s",
            params=params,
            threshold="layers",
            unit="layers",
        )(lambda ctx, p: None)
        assert (_REGISTRY["_t1"].threshold, _REGISTRY["_t1"].unit) == ("max_gap_m", "m")
        assert (_REGISTRY["_t2"].threshold, _REGISTRY["_t2"].unit) == ("layers", "layers")
    finally:
        _REGISTRY.pop("_t1", None)
        _REGISTRY.pop("_t2", None)
    with pytest.raises(InputError, match="not one of its parameters"):
        rule(id="_t3", family="waste", title_zh="试", title_en="t", source="s", params=params,
             threshold="nope")  # fmt: skip
    with pytest.raises(InputError, match="no parameters"):
        rule(id="_t4", family="waste", title_zh="试", title_en="t", source="s", params=[])
    assert checks.get_rule("compound_themes").unit == "themes"  # given, not the param's ""


def test_objects_fill_in_the_findings_of_their_rows():
    from gridmap.checks._context import Context, Objects, Outcome

    layers = make_street()
    layers["buildings"] = buildings([box(100, 400, 40, 20), box(600, 400, 40, 20)])
    ctx = Context(layers, as_of=AS_OF, now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    homes = Objects(ctx, "buildings", place_key="buildings/residential")
    assert len(homes) == 2 and not homes.empty and homes.label(1) == "2幢"
    assert list(homes.checked) == [COMMUNITY, COMMUNITY]
    f = homes.finding(1, key="k", measured=3.0, args={"x": 1}, details={"d": 2})
    assert (f.layer, f.object_id, f.name, f.measured, f.key) == ("buildings", "B2", "2幢", 3.0, "k")
    assert f.geometry is homes.geoms[1] and f.anchor is homes.anchors[1]
    assert f.anchor.within(f.geometry) and f.details == {"d": 2}
    assert homes.finding(0, key="k", measured=None, args={}, object_id="X").object_id == "X"
    plain = Objects(ctx, "grids")
    assert plain.anchors is None and list(plain.checked) == [COMMUNITY, COMMUNITY]
    assert plain.finding(0, key="k", measured=0.0, args={}).anchor is None
    nothing = Outcome.skipped("no compounds")
    assert len(nothing.checked_community) == 0 and nothing.note == "no compounds"
