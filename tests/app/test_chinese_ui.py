"""Every page in the Chinese UI shows Chinese: no English sentence left over (issue #17).

Each page runs as every role that may open it (admin, planner, a planner scoped to one
community, inspector, viewer, grid worker, volunteer; and one page each role may not
open) with the language ``zh``; every visible text
(titles, headers, markdown, captions, alerts, buttons, widget labels and options, table
headers) is scanned. A text fails when, after removing what is allowed to stay Latin
(codes, numbers, units, URLs, file names and the proper names in :data:`ALLOWED`), it
holds a Latin word and no Chinese, or a run of three Latin words (an English phrase).
"""

from __future__ import annotations

import re
import shutil

import pytest
from apptest_login import app_as
from latin_text import english_left

from gridmap import auth
from gridmap.model import UserRole
from gridmap.web.pages import PAGES

#: The users the scan logs in as: one per role (``scoped_planner``: one community only).
ROLES = {"admin": UserRole.ADMIN, "planner": UserRole.PLANNER,
         "scoped_planner": UserRole.PLANNER, "inspector": UserRole.INSPECTOR,
         "viewer": UserRole.VIEWER, "wk": UserRole.WORKER, "vol": UserRole.VOLUNTEER}


def _cases() -> list[tuple[str, str]]:
    """(user, page) pairs: every page a role may open, and one it may not."""
    out = []
    for user, role in ROLES.items():
        who = auth.User(user, role)
        out += [(user, p.file) for p in PAGES if auth.can(who, p.right)]
        refused = [p.file for p in PAGES if not auth.can(who, p.right)]
        if refused and user in ("viewer", "wk"):
            out.append((user, refused[-1]))
    return out


def _headers(table) -> list[str]:
    """A table's column headers as shown: the column_config label where one is set."""
    import json

    config = json.loads(getattr(table.proto, "columns", "") or "{}")
    labels = {key.removeprefix("col:name:").removeprefix("col:"): (spec or {}).get("label")
              for key, spec in config.items()}
    try:
        columns = [str(c) for c in table.value.columns]
    except AttributeError:
        return []
    return [labels.get(c) or c for c in columns if labels.get(c, c) is not None]


def visible_texts(at) -> list[str]:
    """Every text a user sees on the page as AppTest exposes it."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "exception"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "text_input", "text_area", "number_input", "checkbox", "toggle",
                 "selectbox", "multiselect", "radio", "date_input", "time_input", "slider",
                 "select_slider", "color_picker"):
        for widget in getattr(at, kind):
            out.append(str(widget.label))
            if getattr(widget, "help", None):
                out.append(str(widget.help))
            if getattr(widget, "placeholder", None):
                out.append(str(widget.placeholder))
            for option in getattr(widget, "options", None) or ():
                out.append(str(option))
    for table in (*at.dataframe, *at.table):
        out += _headers(table)
    for uploader in at.get("file_uploader"):  # the drop zone's own words cannot change
        out += [uploader.proto.label, uploader.proto.help]
    for tab in at.tabs:
        out.append(str(tab.label))
    for exp in at.expander:
        out.append(str(exp.label))
    for metric in at.metric:
        out.append(str(metric.label))
    return [t for t in out if t and t.strip()]


def english_placeholders(at) -> list[str]:
    """Choice widgets that would show Streamlit's English "Choose an option(s)" placeholder.

    A multiselect shows its placeholder whenever nothing is chosen, a selectbox when its
    value is None: both must then carry a placeholder of their own.
    """
    out = []
    for widget in at.multiselect:
        if not widget.proto.placeholder:
            out.append(str(widget.label))
    for widget in at.selectbox:  # index=None: nothing chosen until the user picks
        if not widget.proto.HasField("default") and not widget.proto.placeholder:
            out.append(str(widget.label))
    return out


def test_the_check_finds_english_and_lets_codes_pass():
    assert english_left("Something went wrong") == "Something went wrong"
    assert english_left("户数 Households per grid worker") is not None
    assert english_left("网格员 W0001：AJ20261205001 导出 GeoJSON / CSV") is None
    assert english_left("gridmap 0.9 · 2 km² · sqlite:///x.sqlite") is None
    assert english_left("上传 data.xlsx（WGS-84）") is None


@pytest.fixture(scope="module")
def ui_store(demo_file, tmp_path_factory):
    """One copy of the demo street for the module, with a grid worker and a volunteer user.

    Returns the store URL, the settings file and the user names. Every scan points
    ``GRIDMAP_DB`` at the same copy (the pages only read; logins add session rows), so
    the app's caches are reused from page to page.
    """
    import datetime as dt

    from gridmap import snapshot
    from gridmap.records import users
    from gridmap.store import assignments, open_store

    folder = tmp_path_factory.mktemp("ui")
    copy = folder / "demo.sqlite"
    shutil.copyfile(demo_file, copy)
    url = f"sqlite:///{copy}"
    store = open_store(url)
    try:
        grid = snapshot.load_frames(store)["grids"].iloc[0]["code"]
        worker = store.workers_of(grid, on=dt.date.today())[0]["code"]
        assert assignments.worker_grids(store, worker, on=dt.date.today())
        password = auth.random_password()  # the scan logs in by session, not by password
        users.add_user(store, "wk", password, role="worker", worker=worker, by=auth.SYSTEM)
        users.add_user(store, "vol", password, role="volunteer", by=auth.SYSTEM)
        names = {row["username"] for row in store.list_users()}
    finally:
        store.close()
    return url, str(folder / "gridmap.toml"), names


@pytest.mark.parametrize(("user", "page"), _cases())
def test_every_page_is_chinese_for_every_role(ui_store, monkeypatch, user, page):
    url, settings, usernames = ui_store
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_CONFIG", settings)
    at = app_as(user)
    at.session_state["gm_lang"] = "zh"
    at = at.switch_page(page).run()
    assert not at.exception
    # data, not UI text: user names, and the user agent the test's sessions carry
    words = "|".join(map(re.escape, [*usernames, "AppTest"]))
    data = re.compile(rf"(?<!\w)({words})(?!\w)")
    texts = [data.sub(" ", t) for t in visible_texts(at)]
    found = sorted({left for t in texts if (left := english_left(t))})
    assert found == [], f"{page} as {user}: English in the Chinese UI: {found}"
    assert english_placeholders(at) == [], f"{page} as {user}: Streamlit's placeholder"


def test_the_scan_covers_every_page_and_role():
    cases = _cases()
    assert {page for _, page in cases} == {p.file for p in PAGES}
    assert {user for user, _ in cases} == set(ROLES)
    assert ("wk", "pages/todo.py") in cases and ("viewer", "pages/users.py") not in cases


def test_people_are_named_by_xingming(app_url):
    at = app_as("admin")
    at.session_state["gm_lang"] = "zh"
    at = at.switch_page("pages/workers.py").run()
    headers = [h for table in at.dataframe for h in _headers(table)]
    assert "姓名" in headers and "名称" not in headers
    assert "姓名 *" in [w.label for w in at.text_input]


def test_a_filtered_out_point_leaves_the_side_panel(app_url, app_store):
    from gridmap import i18n

    board = app_store.read_layer("boards").iloc[0]
    at = app_as("admin")
    at.session_state["gm_lang"] = "zh"
    at.session_state["gm_map_selection"] = ("click", board.geometry.x, board.geometry.y)
    at = at.switch_page("pages/map.py").run()
    assert not at.exception
    assert any(board["code"] in m.value for m in at.markdown)  # the board's panel
    at.multiselect(key="gm_f_layers").set_value(["bins"]).run()
    assert not any(board["code"] in m.value for m in at.markdown)
    assert i18n.t("map.filtered_out", "zh") in [i.value for i in at.info]
