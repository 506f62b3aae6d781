"""Every page in the Chinese UI shows Chinese: no English sentence left over (issue #17).

Each page runs as the whole-street admin with the language ``zh``; every visible text
(titles, headers, markdown, captions, alerts, buttons, widget labels and options, table
headers) is scanned. A text fails when, after removing what is allowed to stay Latin
(codes, numbers, units, URLs, file names and the proper names in :data:`ALLOWED`), it
holds a Latin word and no Chinese, or a run of three Latin words (an English phrase).
"""

from __future__ import annotations

import pytest
from apptest_login import app_as
from latin_text import english_left

from gridmap.web.pages import PAGES


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


@pytest.mark.parametrize("page", [p.file for p in PAGES])
def test_every_page_is_chinese_for_the_admin(app_url, app_store, page):
    at = app_as("admin")
    at.session_state["gm_lang"] = "zh"
    at = at.switch_page(page).run()
    assert not at.exception
    usernames = {row["username"] for row in app_store.list_users()}  # data, not UI text
    texts = [t for t in visible_texts(at) if t not in usernames]
    found = sorted({left for t in texts if (left := english_left(t))})
    assert found == [], f"{page}: English in the Chinese UI: {found}"
    assert english_placeholders(at) == [], f"{page}: widgets with Streamlit's placeholder"


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
