from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gridmap.config as config
from gridmap.errors import InputError


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDMAP_CONFIG", str(tmp_path / "missing.toml"))
    values = config.load_settings()
    assert values["tiling_tolerance_m2"] == 1.0
    assert set(values) == {s.name for s in config.SETTINGS}


def test_toml_overrides(tmp_path, monkeypatch):
    path = tmp_path / "gridmap.toml"
    path.write_text("[settings]\ntiling_tolerance_m2 = 0.25\n", encoding="utf-8")
    monkeypatch.setenv("GRIDMAP_CONFIG", str(path))
    assert config.get("tiling_tolerance_m2") == 0.25


@pytest.mark.parametrize("text, fragment", [
    ("[settings\n", "not valid TOML"),
    ("[settings]\nno_such = 1\n", "unknown setting"),
    ("[settings]\ntiling_tolerance_m2 = 'big'\n", "must be a number"),
])
def test_bad_files_name_the_file(tmp_path, text, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=fragment) as info:
        config.load_settings(path)
    assert info.value.file == str(path)


def test_every_setting_is_documented():
    doc = config.__doc__
    for setting in config.SETTINGS:
        assert f"\n{setting.name}\n" in doc, setting.name
        assert setting.help


def test_saving_settings_keeps_other_tables(tmp_path):
    from gridmap.auth import SYSTEM

    path = tmp_path / "gridmap.toml"
    path.write_text('[settings]\nbasemap = "osm"\n\n[issues.deadlines]\n"暴露垃圾" = 4\n',
                    encoding="utf-8")
    config.save_settings({"tiling_tolerance_m2": 2.5}, by=SYSTEM, path=path)
    import tomllib

    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert doc["settings"] == {"basemap": "osm", "tiling_tolerance_m2": 2.5}
    assert doc["issues"]["deadlines"]["暴露垃圾"] == 4


def test_saving_settings_needs_the_right(tmp_path):
    from gridmap.auth import User
    from gridmap.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        config.save_settings({"basemap": "osm"}, by=User("v", "viewer"),
                             path=tmp_path / "g.toml")
    assert not (tmp_path / "g.toml").exists()


_keys = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
                max_size=8)
_scalars = st.one_of(st.booleans(), st.integers(-(10**6), 10**6),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=10),
                     st.lists(st.text(max_size=5), max_size=3))
_tables = st.recursive(st.dictionaries(_keys, _scalars, min_size=1, max_size=4),
                       lambda inner: st.dictionaries(_keys, st.one_of(_scalars, inner),
                                                     min_size=1, max_size=3),
                       max_leaves=12)


@settings(max_examples=100, deadline=None)
@given(_tables, _tables)
def test_write_table_round_trips_and_keeps_the_rest(tmp_path_factory, other, table):
    import tomllib

    path = tmp_path_factory.mktemp("toml") / "gridmap.toml"
    config.write_table(("other",), other, path=path)
    config.write_table(("rules", "x"), table, path=path)
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    assert doc["other"] == other
    assert doc["rules"]["x"] == table
