"""gridmap.web.views: what the app's shared widgets, tables and caches show or key on."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gridmap import auth, config, i18n, snapshot
from gridmap.errors import InputError
from gridmap.model import LAYERS, Column, UserRole
from gridmap.web import views

ADMIN = auth.User("admin", UserRole.ADMIN)
VIEWER = auth.User("viewer", UserRole.VIEWER)
TODAY = dt.date(2026, 11, 2)


# --- texts -------------------------------------------------------------------------------


def test_escaped_text_escapes_text_arguments_only():
    text = views.escaped_text("auth.locked", "en", minutes=5)
    assert text == i18n.t("auth.locked", "en", minutes=5)
    shown = views.escaped_text("auth.logged_in_as", "en", user="**bold**")
    assert "**bold**" not in shown
    assert i18n.escape_markdown("**bold**") in shown


def test_error_text_is_keyed_in_the_language_and_masks_passwords():
    err = InputError.keyed("points.required", column="name")
    assert views.error_text(err, "zh") == err.text("zh")
    assert views.error_text(err, "en") == err.text("en")
    plain = ValueError("postgresql://gm:secret@db/gridmap failed")
    assert "secret" not in views.error_text(plain, "en")
    assert views.error_text(plain, "en") == config.mask_url(str(plain))


def test_choice_text_and_one_or_all():
    assert views.choice_text(None, "en") == "—"
    assert views.choice_text("damaged", "en", field="status") == "Damaged"
    assert views.one_or_all_options(["a", "b"]) == [None, "a", "b"]
    assert views.one_or_all_options([]) == [None]
    assert views.one_or_all_text(None, "zh") == "全部"
    assert views.one_or_all_text(None, "en", str.upper) == "All"
    assert views.one_or_all_text("g1", "en", str.upper) == "G1"
    assert views.one_or_all_text(3, "en") == "3"


# --- login -------------------------------------------------------------------------------


def test_ended_notice():
    assert views.ended_notice("logout") == ("info", "auth.ended.logout")
    assert views.ended_notice("idle") == ("warning", "auth.ended.idle")
    assert views.ended_notice(None) is None
    assert views.ended_notice("") is None
    assert views.ended_notice("no_such_reason") is None


def test_stale_state_keys_keeps_the_kept_and_the_page_widgets():
    keys = ["gm_user", "gm_lang", "gm_notice", "gm_conflicts", "search", 7]
    assert views.stale_state_keys(keys, keep=("gm_lang", "gm_notice")) == [
        "gm_user", "gm_conflicts"]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "key", "fmt"),
    [("failed", "auth.failed", {}), ("locked-15", "auth.locked", {"minutes": 15}),
     ("locked-x", "auth.failed", {}), ("other", "auth.failed", {})],
)  # fmt: skip
def test_login_error_text(code, key, fmt):
    assert views.login_error_text(code, "en") == i18n.t(key, "en", **fmt)


def test_login_error_text_without_a_code_is_none():
    assert views.login_error_text(None, "en") is None
    assert views.login_error_text("", "zh") is None
    assert "15" in views.login_error_text("locked-15", "zh")


def test_next_path():
    assert views.next_path("map", {}) == "/map"
    assert views.next_path("map", {"login_error": "failed"}) == "/map"
    assert views.next_path("points", {"id": "3", "q": "a b"}) == "/points?id=3&q=a+b"
    assert views.next_path("", {"lang": "en"}) == "/?lang=en"


def test_default_settings_are_every_setting_at_its_default():
    defaults = config.default_settings()
    assert set(defaults) == {s.name for s in config.SETTINGS}
    assert all(defaults[s.name] == s.default for s in config.SETTINGS)


# --- caches ------------------------------------------------------------------------------


def test_cache_role_and_user():
    assert views.cache_role(ADMIN) == "inspector"
    assert views.cache_role(VIEWER) == "viewer"
    user = views.cache_user("inspector", ("C1",))
    assert (user.username, user.role, user.scope) == ("cache", UserRole.INSPECTOR, ("C1",))
    assert auth.can(user, "see_phones")
    assert not auth.can(views.cache_user("viewer", None), "see_phones")


def test_frames_key(demo_store):
    key = views.frames_key(demo_store, ADMIN, url="sqlite://x", on=TODAY)
    url, versions, day, layers, scope, role = key
    assert (url, day, layers, scope, role) == ("sqlite://x", TODAY, snapshot.FRAME_LAYERS,
                                              None, "inspector")  # fmt: skip
    assert versions == snapshot.data_version(demo_store, snapshot.frame_reads(layers))
    scoped = auth.User("s", UserRole.VIEWER, ("C1",))
    small = views.frames_key(demo_store, scoped, ["grids"], url="u", on=TODAY)
    assert small[3:] == (("grids",), ("C1",), "viewer")
    assert small[1] == snapshot.data_version(
        demo_store, snapshot.frame_reads(["grids"], scoped=True))
    # the same inputs give the same key; another day another
    assert views.frames_key(demo_store, ADMIN, url="sqlite://x", on=TODAY) == key
    assert views.frames_key(demo_store, ADMIN, url="sqlite://x", on=TODAY.replace(day=3)) != key


def test_store_panel_key(demo_store):
    key = views.store_panel_key(demo_store, VIEWER, "G1", url="u", on=TODAY)
    assert key[0] == "u" and key[2:] == (TODAY, "G1", None, "viewer")
    reads = snapshot.frame_reads(["grids", *snapshot.POINT_LAYERS])
    assert key[1] == snapshot.data_version(demo_store, reads)


def test_communities_in_scope():
    frame = pd.DataFrame({"code": ["C1", "C2", "C3"], "name": ["a", "b", "c"]})
    assert views.communities_in_scope(frame, None) is frame
    assert list(views.communities_in_scope(frame, ("C3", "C1"))["code"]) == ["C1", "C3"]
    assert views.communities_in_scope(frame, ()).empty


# --- forms -------------------------------------------------------------------------------


def test_input_spec_of_each_type():
    enum = Column("status", "enum", required=True, choices={"active": (), "damaged": ()})
    spec = views.input_spec(enum, "damaged", "en")
    assert spec.kind == "select" and spec.options == ("active", "damaged") and spec.index == 1
    assert spec.label == i18n.t("field.status", "en") + " *"
    optional = Column("status", "enum", choices={"active": (), "damaged": ()})
    spec = views.input_spec(optional, "gone", "en")
    assert spec.options == (None, "active", "damaged") and spec.index == 0
    assert not spec.label.endswith("*")
    assert views.input_spec(Column("lit", "bool", default=True), None, "en").value is True
    assert views.input_spec(Column("lit", "bool", default=True), False, "en").value is False
    assert views.input_spec(Column("n", "int"), 3.0, "en")[::2] == ("int", 3, 0)
    assert views.input_spec(Column("n", "int"), None, "en").value is None
    assert views.input_spec(Column("x", "float"), 2, "en").value == 2.0
    day = dt.date(2026, 1, 5)
    assert views.input_spec(Column("d", "date"), day, "en")[::2] == ("date", day, 0)
    assert views.input_spec(Column("note"), None, "en")[:3] == ("text", "Note", "")
    assert views.input_spec(Column("note"), 12, "en").value == "12"


def test_without_choices_keeps_the_rest_of_the_column():
    column = next(c for c in LAYERS["boards"].columns if c.dtype == "enum" and len(c.choices) > 1)
    first = next(iter(column.choices))
    fewer = views.without_choices(column, [first])
    assert first not in fewer.choices and set(fewer.choices) == set(column.choices) - {first}
    assert (fewer.name, fewer.dtype, fewer.required, fewer.aliases, fewer.default, fewer.doc) == (
        column.name, column.dtype, column.required, column.aliases, column.default, column.doc)
    assert first in column.choices  # the schema's column is left alone


def test_form_constants():
    assert views.MAINTENANCE_ACTIONS == ("inspected", "cleaned", "repaired", "replaced")
    assert views.CONDITIONS[0] is None and "broken" in views.CONDITIONS
    assert all(i18n.t(f"crs.{s}", "en") != f"crs.{s}" for s in views.COORDINATE_SYSTEMS)


# --- tables ------------------------------------------------------------------------------


def test_labelled_frame_translates_enum_values_and_headers():
    frame = pd.DataFrame({"status": ["damaged", None], "to_status": ["active", "damaged"],
                          "name": ["damaged", "x"]})  # fmt: skip
    shown = views.labelled_frame(frame, "en")
    assert list(shown.columns) == [i18n.t(f"field.{c}", "en") for c in frame.columns]
    assert shown.iloc[0, 0] == "Damaged" and pd.isna(shown.iloc[1, 0])
    active = i18n.label("active", "en", field="status")
    assert shown.iloc[:, 1].tolist() == [active, "Damaged"]  # labelled like status
    assert shown.iloc[:, 2].tolist() == ["damaged", "x"]  # not an enum column
    assert frame["status"].tolist()[0] == "damaged"  # the input is left alone


def test_headed_frame():
    shown = views.headed_frame([{"code": "G1", "households": 3}], "zh")
    assert list(shown.columns) == [i18n.t("field.code", "zh"), "户数"]
    assert shown.iloc[0].tolist() == ["G1", 3]


def test_field_table_skips_none_and_escapes():
    values = {"name": "*x*", "status": "damaged", "lit": True, "note": None, "id": 4}
    table = views.field_table(values, "en", skip=("id",))
    assert list(table.columns) == ["Field", "Value"]
    names = [i18n.t(f"field.{k}", "en") for k in ("name", "status", "lit")]
    assert table["Field"].tolist() == names
    assert table["Value"].tolist() == [i18n.escape_markdown("*x*"), "Damaged", "yes"]
    assert views.field_table({}, "en").empty


def test_escaped_frame_escapes_every_cell():
    frame = pd.DataFrame({"a": ["[link](http://x)", "ok"], "b": [1, None]})
    shown = views.escaped_frame(frame)
    assert shown.iloc[0, 0] == i18n.escape_markdown("[link](http://x)")
    assert all(isinstance(v, str) for v in shown.to_numpy().ravel())


def test_grid_panel_tables():
    panel = {
        "code": "G_1", "community_name": "A", "households": None, "residents": 120,
        "area_m2": 12345.6, "counts": {"boards": 2},
        "workers": [{"name": "张三", "role": "head", "phone": None}],
        "open_issues": [],
    }  # fmt: skip
    shown = views.grid_panel_tables(panel, "en")
    assert shown.heading == f"#### Grid {i18n.escape_markdown('G_1')}"
    facts = dict(shown.facts.itertuples(index=False))
    assert facts[i18n.t("field.households", "en")] == "—"
    assert facts[i18n.t("field.residents", "en")] == 120
    assert facts[i18n.t("field.area_m2", "en")] == "12,346"
    assert facts[i18n.label("boards", "en", field="layer")] == 2
    assert shown.workers.iloc[0].tolist() == ["张三", i18n.label("head", "en", field="role"), ""]
    assert shown.cases is None
    reported = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    panel["open_issues"] = [{"code": "R1", "category": "c", "status": "reported",
                             "reported_at": reported}]  # fmt: skip
    shown = views.grid_panel_tables(panel, "zh")
    assert shown.cases_heading == "**未结问题**"
    assert shown.cases.iloc[0].tolist() == [
        "R1", "c", i18n.label("reported", "zh", field="status"), reported]  # fmt: skip
