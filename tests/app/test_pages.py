"""AppTest smoke tests: every page for every role, login form, logout, idle timeout, language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from apptest_login import app_as, login_token
from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n, snapshot
from gridmap.model import UserRole
from gridmap.records import points

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
ROLES = ("viewer", "inspector", "planner", "admin")

PAGES = {
    "pages/map.py": ("nav.map", "view"),
    "pages/points.py": ("nav.points", "view"),
    "pages/import.py": ("nav.import", "import"),
    "pages/users.py": ("nav.users", "manage_users"),
    "pages/tokens.py": ("nav.tokens", "manage_users"),
    "pages/settings.py": ("nav.settings", "edit_settings"),
    "pages/notify_log.py": ("nav.notify_log", "edit_settings"),
    "pages/about.py": ("nav.about", "view"),
    "pages/supervision.py": ("nav.supervision", "run_checks"),
}


_login = login_token


def _app(username: str | None = None, role: str | None = None, scope=None) -> AppTest:
    """The app with ``username`` logged in (a session in the store; AppTest has no cookies)."""
    return app_as(username)


def _texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.subheader, *at.caption)]


def test_every_page_file_is_registered():
    source = (ROOT / "gridmap" / "web" / "pages.py").read_text(encoding="utf-8")
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("[!_]*.py"))
    assert set(PAGES) <= set(files)
    assert [f for f in files if f'"{f}"' not in source] == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_for_role(app_url, page, role):
    title, right = PAGES[page]
    at = _app(role, role).switch_page(page).run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    allowed = auth.can(auth.User(role, UserRole(role)), right)
    if allowed:
        assert [s.value for s in at.subheader] == [i18n.t(title)]
    else:  # a hidden page that says "not found", never Streamlit's English dialog
        assert [s.value for s in at.subheader] == []
        assert [t.value for t in at.title] == [i18n.t("notfound.title")]


@pytest.mark.parametrize("page", [p for p, (_, right) in PAGES.items() if right != "view"])
def test_page_refuses_a_role_without_the_right_even_when_run_directly(app_url, page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.session_state["gm_user"] = auth.User("viewer", UserRole.VIEWER)
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader] == []
    assert [e.value for e in at.error] == [
        i18n.t("auth.no_right", role=i18n.label("viewer", field="user_role"))
    ]


def test_navigation_lists_only_allowed_pages(app_url):
    viewer = _app("viewer", "viewer").run()
    admin = _app("admin", "admin").run()
    assert not viewer.exception and not admin.exception
    # the sidebar shows who is logged in, the role and the store without its password
    sidebar = [e.value for e in viewer.sidebar.markdown] + [e.value for e in viewer.sidebar.caption]
    assert any("viewer" in text for text in sidebar)
    assert any(i18n.t("app.scope_all") in text for text in sidebar)


def test_logged_out_every_page_address_shows_the_login_form(app_url):
    at = AppTest.from_file(str(APP), default_timeout=60).switch_page("pages/issues.py").run()
    assert not at.exception
    assert "gm_user" not in at.session_state
    form = at.get("html")[0].proto.body
    assert 'action="/auth/login"' in form
    assert 'name="next" value="/issues"' in form  # the login returns to the page asked for
    assert [s.value for s in at.title] == [i18n.t("app.title")]


@pytest.mark.parametrize(("code", "message"), [
    ("failed", i18n.t("auth.failed")),
    ("locked-7", i18n.t("auth.locked", minutes=7)),
])
def test_login_page_says_why_the_login_failed(app_url, code, message):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["login_error"] = code
    at.run()
    assert [e.value for e in at.error] == [message]
    assert "login_error" not in at.query_params


def test_a_session_in_the_store_logs_the_user_in(app_url):
    at = _app("planner").run()
    assert not at.exception
    user = at.session_state["gm_user"]
    assert (user.username, user.role) == ("planner", UserRole.PLANNER)
    assert [s.value for s in at.subheader] == [i18n.t("nav.map")]


def test_logout_ends_the_session(app_url):
    at = _app("viewer", "viewer").run()
    at.sidebar.button(key="gm_logout").click().run()
    assert not at.exception
    assert "gm_user" not in at.session_state
    assert i18n.t("auth.ended.logout") in [e.value for e in at.info]
    at.run()  # the token names an ended session: still logged out
    assert "gm_user" not in at.session_state


def test_idle_session_expires(app_url):
    at = AppTest.from_file(str(APP), default_timeout=60)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)  # default timeout: 30 min
    at.session_state["gm_session_token"] = _login("viewer", now=long_ago)
    at.run()
    assert "gm_user" not in at.session_state
    assert i18n.t("auth.ended.idle") in [e.value for e in at.warning]


def test_disabling_a_user_ends_their_open_session(app_url, app_store, app_password):
    from gridmap.records import users

    at = _app("planner").run()
    assert at.session_state["gm_user"].username == "planner"
    admin = auth.authenticate(app_store, "admin", app_password)
    users.disable_user(app_store, "planner", by=admin)
    at.run()  # the next click
    assert "gm_user" not in at.session_state
    assert i18n.t("auth.ended.disabled") in [e.value for e in at.warning]


def test_language_switch_to_english(app_url):
    at = _app("viewer", "viewer").run()
    at.sidebar.selectbox(key="gm_lang").select("en").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [i18n.t("nav.map", "en")]


def test_map_search_shows_the_grid_panel(app_url, app_store):
    grid = sorted(app_store.read_layer("grids")["code"])[3]
    at = _app("viewer", "viewer").switch_page("pages/map.py").run()
    at.text_input(key="gm_f_search").input(grid).run()
    assert not at.exception
    assert any(grid in text for text in _texts(at))
    # phone numbers are masked for viewers (the cells are Markdown: \* is a star)
    tables = [t.value for t in at.table]
    phones = [p.replace("\\", "") for t in tables for p in t.get(i18n.t("field.phone"), [])]
    assert phones and all("****" in p for p in phones if p)


def test_scoped_user_sees_only_their_communities(app_url, app_store):
    communities = sorted(app_store.read_layer("communities")["code"])
    at = _app("scoped_planner", "planner", (communities[0],)).switch_page("pages/map.py").run()
    assert not at.exception
    options = at.multiselect(key="gm_f_comm").options
    assert len(options) == 1
    frames = snapshot.visible_frames(app_store, auth.User("x", UserRole.PLANNER, (communities[0],)))
    assert set(frames["grids"]["community"]) == {communities[0]}


def test_points_page_edits_a_record(app_url, app_store):
    frames = snapshot.load_frames(app_store)
    board = frames["boards"].iloc[0]
    at = _app("planner", "planner").switch_page("pages/points.py").run()
    at.selectbox(key="gm_points_pick").select(int(board["id"])).run()
    assert not at.exception
    version = int(board["version"])
    key = f"gm_edit_{int(board['id'])}_{version}"
    at.text_input(key=f"{key}_theme").input("文明城市")
    at.button(key=f"FormSubmitter:{key}-{i18n.t('points.save')}").click().run()
    assert not at.exception
    panel = points.point_panel(app_store, int(board["id"]), user=auth.SYSTEM)
    assert panel["values"]["theme"] == "文明城市"
    assert panel["version"] == version + 1


def test_points_page_is_read_only_for_viewers(app_url, app_store):
    board = snapshot.load_frames(app_store)["boards"].iloc[0]
    at = _app("viewer", "viewer").switch_page("pages/points.py").run()
    at.selectbox(key="gm_points_pick").select(int(board["id"])).run()
    assert not at.exception
    assert not [b for b in at.button if "FormSubmitter" in str(b.id)]
    assert len(at.table) == 1  # the attributes, shown read-only


def _bins_csv(app_store, *, outside: bool = False) -> bytes:
    grids = snapshot.load_frames(app_store)["grids"]
    rows = ["名称,类型,经度,纬度"]
    for i in range(3):
        p = grids.geometry.iloc[i].representative_point()
        x, y = (p.x + 0.5, p.y) if outside and i == 1 else (p.x, p.y)
        rows.append(f"新垃圾桶{i},垃圾桶,{x:.7f},{y:.7f}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def _import_page(app_store, content: bytes) -> AppTest:
    at = _app("planner", "planner").switch_page("pages/import.py").run()
    at.file_uploader(key="gm_import_upload").upload("bins.csv", content, "text/csv")
    at.selectbox(key="gm_import_layer").select("bins")
    at.run()
    at.button(key="gm_import_check").click().run()
    assert not at.exception
    return at


def test_import_dry_run_then_commit(app_url, app_store):
    before = app_store.counts()["bins"]
    at = _import_page(app_store, _bins_csv(app_store))
    assert app_store.counts()["bins"] == before  # the dry run wrote nothing
    assert any(
        i18n.t("import.ready", rows=3, layer=i18n.label("bins", field="layer")) == s.value
        for s in at.success
    )
    at.button(key="gm_import_commit").click().run()
    assert not at.exception
    assert app_store.counts()["bins"] == before + 3
    newest = app_store.read_audit(limit=1).iloc[0]
    assert (newest["action"], newest["username"]) == ("import", "planner")


def test_import_reports_every_problem_with_its_row_and_writes_nothing(app_url, app_store):
    before = app_store.counts()["bins"]
    at = _import_page(app_store, _bins_csv(app_store, outside=True))
    problems = at.dataframe[0].value
    assert "3" in set(problems[i18n.t("import.row")])  # the second data row: Excel row 3
    assert [e.value for e in at.error] == [i18n.t("import.blocked", n=1)]
    assert not [b for b in at.button if b.key == "gm_import_commit"]
    assert app_store.counts()["bins"] == before


def test_import_page_maps_columns_and_offers_the_problems_csv(app_url, app_store):
    content = _bins_csv(app_store).decode("utf-8").replace("名称,类型", "设施名,设施类别", 1)
    at = _app("planner", "planner").switch_page("pages/import.py").run()
    at.file_uploader(key="gm_import_upload").upload("bins.csv", content.encode(), "text/csv")
    at.selectbox(key="gm_import_layer").select("bins")
    at.run()
    at.button(key="gm_import_check").click().run()
    assert [e.value for e in at.error]  # 设施类别 is no known header: bin_type is missing
    assert at.get("download_button")  # the full list of problems, as CSV
    at.text_input(key="gm_import_columns").input("设施名=name,设施类别=bin_type").run()
    at.button(key="gm_import_check").click().run()
    assert not at.exception
    assert any(
        i18n.t("import.ready", rows=3, layer=i18n.label("bins", field="layer")) == s.value
        for s in at.success
    )


def test_import_takes_a_300_character_file_name(app_url, app_store):
    at = _app("planner", "planner").switch_page("pages/import.py").run()
    name = "网格垃圾桶点位" * 40 + ".csv"  # 284 characters, 842 bytes in UTF-8
    at.file_uploader(key="gm_import_upload").upload(name, _bins_csv(app_store), "text/csv")
    at.selectbox(key="gm_import_layer").select("bins")
    at.run()
    at.button(key="gm_import_check").click().run()
    assert not at.exception
    assert any(
        i18n.t("import.ready", rows=3, layer=i18n.label("bins", field="layer")) == s.value
        for s in at.success
    )
    job = at.session_state["gm_import_job"]
    assert len(Path(job["path"]).name.encode("utf-8")) <= 120 and job["path"].endswith(".csv")
    folder = Path(job["path"]).parent
    assert folder.name.startswith("gridmap-upload-") and folder.is_dir()
    at.file_uploader(key="gm_import_upload").clear()
    at.run()  # the file is gone: so is its folder (other tests' uploads may come and go)
    assert not folder.exists()


def test_import_refuses_files_over_the_size_limit(app_url, app_store, tmp_path):
    (tmp_path / "gridmap.toml").write_text("[settings]\nmax_upload_mb = 0.0001\n")
    at = _app("planner", "planner").switch_page("pages/import.py").run()
    at.file_uploader(key="gm_import_upload").upload("bins.csv", _bins_csv(app_store), "text/csv")
    at.run()
    assert [e.value for e in at.error] == [i18n.t("import.too_large", mb=0)]
    assert not [b for b in at.button if b.key == "gm_import_check"]


@pytest.mark.parametrize("view", ["details", "log", "add"])
def test_points_page_views_render(app_url, app_store, view):
    board = app_store.read_layer("boards").iloc[0]
    at = _app("planner", "planner").switch_page("pages/points.py")
    at.session_state["gm_points_view"] = view
    at.run()
    at.selectbox(key="gm_points_pick").select(int(board["id"])).run()
    assert not at.exception


def test_an_unreachable_store_shows_a_message_not_a_traceback(app_url, monkeypatch):
    from gridmap.errors import StoreError

    def down(store, layers=None):
        msg = "cannot use the database: the store is unreachable (connection refused)"
        raise StoreError(msg)

    monkeypatch.setattr(snapshot, "data_version", down)
    at = _app("viewer", "viewer").switch_page("pages/map.py").run()
    assert not at.exception
    assert any("the store is unreachable" in e.value for e in at.error)


def test_settings_page_shows_the_rules_and_saves_nothing_unchanged(app_url):
    from gridmap.checks.config import load_rules

    at = _app("admin", "admin").switch_page("pages/settings.py").run()
    assert not at.exception
    assert at.dataframe  # the rules table is shown
    at.button(key="gm_rules_save").click().run()  # nothing changed: saves nothing, no error
    assert not at.exception
    assert load_rules()["bin_reach"].params["max_distance_m"] == 120.0


def test_a_store_above_the_tile_threshold_gets_the_tile_map_and_a_store_read_panel(
        app_url, app_store, tmp_path):
    (tmp_path / "gridmap.toml").write_text("[settings]\nmap_tile_threshold = 100\n")
    communities = sorted(app_store.read_layer("communities")["code"])
    grids = app_store.read_layer("grids")
    grid = sorted(grids.loc[grids["community"] == communities[0], "code"])[2]
    other = sorted(grids.loc[grids["community"] != communities[0], "code"])[0]
    at = _app("scoped_planner", "planner", (communities[0],)).switch_page("pages/map.py").run()
    assert not at.exception
    assert i18n.t("map.tiles_note", n=f"{snapshot.map_size(app_store):,}") in [
        c.value for c in at.caption]
    assert at.selectbox(key="gm_t_comm").options[1:] == [
        app_store.read_layer("communities").set_index("code").loc[communities[0], "name"]]
    maps_sent = [str(e.proto) for e in at.get("component_instance")]
    assert len(maps_sent) == 1 and "/tiles/grids/{z}/{x}/{y}.png?v=" in maps_sent[0]
    assert "geo_json" not in maps_sent[0]  # no layer sent to the browser
    at.text_input(key="gm_t_search").input(grid).run()
    assert not at.exception
    assert any(grid in text for text in _texts(at))
    at.text_input(key="gm_t_search").input(other).run()  # another community: not found
    assert i18n.t("map.search_none") in [i.value for i in at.info]
