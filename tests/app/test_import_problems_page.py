"""The Import page shows a file's problems in Chinese (#17, #18).

(English is checked on the same problems in ``tests/test_keyed_problems.py``: an
AppTest cannot drive this page's select boxes in English, their labels are formatted
outside the script run.)
"""

from __future__ import annotations

from gridmap import i18n
from tests.app.test_pages import _app

CSV = "编号,类型,经度,纬度\nB1,垃圾桶,120.15,30.28\nB1,收集点,120.151,30.281\n".encode()


def test_a_duplicate_code_is_shown_in_chinese(app_url):
    at = _app("admin")
    at.session_state["gm_lang"] = "zh"
    at = at.switch_page("pages/import.py").run()
    at.file_uploader(key="gm_import_upload").upload("bins.csv", CSV, "text/csv")
    at.selectbox(key="gm_import_layer").select("bins")
    at.selectbox(key="gm_import_crs").select("wgs84")
    at.run()
    at.button(key="gm_import_check").click().run()
    assert not at.exception
    problems = list(at.dataframe[0].value[i18n.t("import.problem")])
    assert "编码“B1”重复：第 2 行和第 3 行的值相同；请改为不同的值" in problems
    assert not [p for p in problems if p.startswith("duplicate")]
