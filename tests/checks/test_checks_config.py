"""Rule configuration: packaged defaults, user overrides in the settings TOML, saving."""

from __future__ import annotations

import tomllib

import pytest

from gridmap.auth import User, UserRole
from gridmap.checks.config import default_rules, load_rules, save_rules
from gridmap.errors import InputError, PermissionDenied

ADMIN = User("admin", UserRole.ADMIN)
VIEWER = User("viewer", UserRole.VIEWER)


def test_defaults_without_a_file(tmp_path):
    rules = load_rules(tmp_path / "missing.toml")
    assert rules["bin_reach"].params["max_distance_m"] == 120.0
    assert rules["bin_reach_advisory"].severity == "advisory"
    assert rules == default_rules()


def test_user_overrides_merge_with_defaults(tmp_path):
    path = tmp_path / "gridmap.toml"
    path.write_text(
        '[settings]\nbasemap = "osm"\n\n'
        "[rules.bin_reach]\nmax_distance_m = 100\nenabled = false\n\n"
        '[rules.fitness_inspection.interval_days_by_type]\n"乒乓球台" = 180\n\n'
        "[rules.street_bin_spacing.max_spacing_m]\nlane = 150\n",
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules["bin_reach"].params["max_distance_m"] == 100.0
    assert rules["bin_reach"].enabled is False
    assert rules["fitness_inspection"].params["interval_days_by_type"] == {"乒乓球台": 180.0}
    spacing = rules["street_bin_spacing"].params["max_spacing_m"]
    assert spacing["lane"] == 150.0 and spacing["main"] == 400.0  # merged key by key
    assert rules["staffing"] == default_rules()["staffing"]


def test_env_variable_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.toml"
    path.write_text("[rules.compound_boards]\nmin_boards = 8\n", encoding="utf-8")
    monkeypatch.setenv("GRIDMAP_CONFIG", str(path))
    assert load_rules()["compound_boards"].params["min_boards"] == 8


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[rules.nope]\nx = 1\n", "unknown rule 'nope'"),
        ("[rules.bin_reach]\nradius = 1\n", "no setting 'radius'"),
        ('[rules.bin_reach]\nmax_distance_m = "far"\n', "must be a number"),
        ("[rules.bin_reach]\nmax_distance_m = -5\n", "at least 0"),
        ('[rules.bin_reach]\nseverity = "fatal"\n', "failure"),
        ("[rules.bin_reach]\nenabled = 1\n", "true or false"),
        ("[rules.compound_themes]\nthemes = [1, 2]\n", "list of texts"),
        ('[rules.fitness_inspection.interval_days_by_type]\n"双杠" = "soon"\n', "number"),
        ("[rules.bin_reach\n", "not valid TOML"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match) as info:
        load_rules(path)
    assert info.value.file == str(path)


def test_save_keeps_settings_and_only_real_overrides(tmp_path):
    path = tmp_path / "gridmap.toml"
    path.write_text('[settings]\nbasemap = "osm"\nmax_upload_mb = 50\n', encoding="utf-8")
    save_rules(
        {
            "bin_reach": {"max_distance_m": 100, "enabled": True},
            "fitness_inspection": {"interval_days_by_type": {"乒乓球台": 180}},
        },
        by=ADMIN,
        path=path,
    )
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["settings"] == {"basemap": "osm", "max_upload_mb": 50}
    assert data["rules"] == {
        "bin_reach": {"max_distance_m": 100.0},
        "fitness_inspection": {"interval_days_by_type": {"乒乓球台": 180.0}},
    }
    assert load_rules(path)["bin_reach"].params["max_distance_m"] == 100.0
    save_rules({"bin_reach": {"max_distance_m": 120.0}}, by=ADMIN, path=path)  # back to default
    assert "bin_reach" not in tomllib.loads(path.read_text(encoding="utf-8")).get("rules", {})


def test_save_needs_the_right_and_valid_values(tmp_path):
    path = tmp_path / "gridmap.toml"
    with pytest.raises(PermissionDenied):
        save_rules({"bin_reach": {"max_distance_m": 100}}, by=VIEWER, path=path)
    with pytest.raises(InputError, match="must be a number"):
        save_rules({"bin_reach": {"max_distance_m": "x"}}, by=ADMIN, path=path)
    assert not path.exists()


def test_an_edited_rules_table_saves_only_what_changed(tmp_path):
    from gridmap.checks.registry import editable_rules, rule_changes

    path = tmp_path / "gridmap.toml"
    shown = editable_rules(load_rules(path), lang="en")
    edited = shown.copy()
    row = edited.index[edited["id"] == "bin_reach"][0]
    edited.loc[row, "threshold"] = 100.0
    off = edited.index[edited["id"] == "fitness_reach"][0]
    edited.loc[off, "enabled"] = False
    changes = rule_changes(shown, edited)
    assert changes == {"bin_reach": {"max_distance_m": 100.0},
                       "fitness_reach": {"enabled": False}}
    save_rules(changes, by=ADMIN, path=path)
    rules = load_rules(path)
    assert rules["bin_reach"].params["max_distance_m"] == 100.0
    assert rules["fitness_reach"].enabled is False
    assert rule_changes(shown, shown) == {}
