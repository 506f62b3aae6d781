"""The one message table: every key in Chinese and English, errors rendered by key (#17)."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridmap import auth
from gridmap.errors import (
    ConflictError,
    GridmapError,
    ImportReport,
    InputError,
    NotFound,
    PermissionDenied,
)
from gridmap.grids.balance import Finding
from gridmap.issues import lifecycle
from gridmap.messages import MESSAGES, placeholders, text
from gridmap.model import IssueStatus, UserRole, check_phone, is_phone
from gridmap.records import points

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_chinese_and_english_with_the_same_fields(key):
    entry = MESSAGES[key]
    assert set(entry) == {"zh", "en"}, key
    assert entry["zh"].strip() and entry["en"].strip(), key
    assert placeholders(entry["zh"]) == placeholders(entry["en"]), key
    # the Chinese text is Chinese, unless it holds no words at all ("{file}：{message}")
    words = re.sub(r"\{[^}]*\}", "", entry["zh"])
    assert CJK.search(words) or not re.search(r"[A-Za-z]", words), key


def test_message_keys_are_not_ui_string_keys():
    from gridmap.i18n import STRINGS

    assert sorted(set(MESSAGES) & set(STRINGS)) == []


def test_import_keys_still_render_through_the_old_module():
    from gridmap.io._messages import MESSAGES as OLD
    from gridmap.io._messages import text as old_text

    assert OLD is MESSAGES
    assert old_text("io.code.community", "zh", value="1") == text("io.code.community", "zh",
                                                                  value="1")
    report = ImportReport("a.csv", "workers")
    report.add_key("workers.bad_phone", row=2, value="123")
    assert "11 位手机号" in report.problems[0].text("zh")
    assert "11-digit" in report.problems[0].message


def test_a_keyed_error_is_english_as_text_and_chinese_by_key():
    err = InputError.keyed("points.required", column="households", file="boards.csv", row=4)
    assert str(err) == "boards.csv, row 4: households is required"
    assert err.text("en") == str(err)
    assert err.text("zh") == "boards.csv，第 4 行：必须填写户数"
    assert (err.file, err.row, err.key) == ("boards.csv", 4, "points.required")


def test_a_plain_error_shows_its_text_in_every_language():
    err = PermissionDenied("no")
    assert err.text("zh") == err.text("en") == "no"
    assert NotFound().text("zh") == "未找到"
    assert str(NotFound()) == "not found"


def test_a_stale_write_is_explained_in_chinese():
    err = ConflictError.stale("points row 3", 1, 2)
    assert err.current_version == 2
    assert str(err).startswith("points row 3 was changed by someone else")
    assert "第 1 版" in err.text("zh") and "第 2 版" in err.text("zh")


def test_lifecycle_refusals_use_chinese_status_and_action_names():
    with pytest.raises(InputError) as caught:
        lifecycle.find_move("reported", "handled")
    assert str(caught.value) == (
        "a report cannot move from reported to handled; allowed: registered, closed"
    )
    assert caught.value.text("zh") == "问题不能从“上报”转为“处置”；可转为：立案、结案"
    user = auth.User("li", UserRole.INSPECTOR)
    with pytest.raises(PermissionDenied) as caught:
        lifecycle.check_move(user, "registered", "suspended", community=None, note="x")
    assert "挂起" in caught.value.text("zh") and "规划调度员" in caught.value.text("zh")
    admin = auth.User("admin", UserRole.ADMIN)
    with pytest.raises(InputError) as caught:
        lifecycle.check_move(admin, "reported", "closed", community=None)
    assert "give a note" in str(caught.value)
    assert "须填写说明理由" in caught.value.text("zh")


def test_rights_and_passwords_in_chinese():
    with pytest.raises(PermissionDenied) as caught:
        auth.require(auth.User("v", UserRole.VIEWER), "edit_points")
    assert str(caught.value) == "user 'v' (viewer) may not edit points; that needs the planner role"
    assert caught.value.text("zh") == "用户“v”（查看人员）无权编辑点位；需要规划调度员角色"
    with pytest.raises(InputError) as caught:
        auth.check_password_strength("abc")
    assert caught.value.text("zh") == "密码至少要有 8 个字符"


def test_point_values_are_refused_with_the_chinese_column_name():
    with pytest.raises(InputError) as caught:
        points.layer_of_kind("tree")
    assert "tree" in caught.value.text("zh") and "未知点位类别" in caught.value.text("zh")


def test_plan_findings_render_in_chinese():
    finding = Finding.keyed("low", "grids.worker_low", worker="W0002", metric="households",
                            value=407.0, limit=500.0)
    assert finding.message == "worker W0002: households 407 is below the minimum 500"
    assert finding.text("zh") == "网格员 W0002：户数 407 低于下限 500"
    assert (finding.worker, finding.metric, finding.value) == ("W0002", "households", 407.0)


def test_enum_and_list_parameters():
    assert text("issues.closed_no_moves", "zh", target=IssueStatus.HANDLED) == (
        "该问题已结案，不能再流转（请求：处置）"
    )
    assert text("issues.not_grid_worker", "en", worker="x", grid="g", day="d", names=[]).endswith(
        "its workers: none"
    )
    assert text("no.such.key", "zh") == "no.such.key"


def test_a_bare_gridmap_error_by_key():
    err = GridmapError(key="users.disable_self")
    assert (str(err), err.text("zh")) == ("you cannot disable yourself", "不能停用自己")


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mainland_mobile_number_is_a_phone(number):
    assert is_phone(number) and check_phone(number) == number
    assert is_phone(f"{number[:3]}-{number[3:7]}-{number[7:]}")


@given(st.from_regex(r"0(10|2[0-9])-[2-9][0-9]{7}|0[3-9][0-9]{2}-[2-9][0-9]{6,7}",
                     fullmatch=True))
def test_every_landline_with_area_code_is_a_phone(number):
    assert is_phone(number) and is_phone(number + "转801")


@given(st.text(alphabet="0123456789", max_size=10))
def test_short_digit_strings_are_not_phones(digits):
    assert not is_phone(digits)


def test_an_xlsx_number_cell_is_a_phone():
    assert check_phone(13812345678.0) == "13812345678"
    with pytest.raises(InputError):
        check_phone("2025-01-01")


def test_a_plan_file_with_bad_rows_is_explained_in_chinese(demo_store, tmp_path):
    from gridmap.grids import service

    path = tmp_path / "plan.csv"
    path.write_text("grid_code,worker_code,role\n999999999999999,W9999,boss\n", encoding="utf-8")
    report = service.import_plan(demo_store, auth.User("admin", UserRole.ADMIN), path,
                                 dry_run=True)
    texts = [p.text("zh") for p in report.problems]
    assert "没有编码为 999999999999999 的网格" in texts
    assert "没有编码为 W9999 的网格员" in texts
    assert any(t.startswith("未知岗位“boss”；可选：网格长") for t in texts)
    assert "no grid with code 999999999999999" in [p.message for p in report.problems]


# --- the less-visible messages (second pass) -----------------------------------------------


def _raised(call, *args, **kwargs):
    with pytest.raises(GridmapError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_broken_case_history_is_explained_in_both_languages():
    err = _raised(lifecycle.replay, [("registered", "dispatched")])
    assert str(err) == "the history must start with None -> reported, not registered -> dispatched"
    assert err.text("zh") == "案件记录须从“上报”开始，而不是“立案”→“派遣”"
    err = _raised(lifecycle.replay, [(None, "reported"), ("registered", "dispatched")])
    assert "broken history" in str(err)
    assert err.text("zh") == "案件记录不连贯：一条记录从“立案”开始，而案件当时为“上报”"
    err = _raised(lifecycle.replay, [])
    assert (str(err), err.text("zh")) == ("the report has no history", "该案件没有任何记录")


def test_field_refusals_and_separation_name_the_step_in_chinese():
    worker = auth.User("wk", UserRole.WORKER)
    err = _raised(lifecycle.check_move, worker, "handled", "verified", community=None)
    assert str(err).startswith("user 'wk' may not verify a report")
    assert err.text("zh").startswith("用户“wk”不能核查问题")
    err = _raised(lifecycle.check_move, worker, "dispatched", "handled", community=None)
    assert (str(err), err.text("zh")) == (
        "this case is not dispatched to a grid of user 'wk'", "该案件没有派遣给用户“wk”的网格"
    )
    move = lifecycle.find_move("handled", "verified")
    insp = auth.User("li", UserRole.INSPECTOR)
    err = _raised(lifecycle.check_separation, insp, move, [(None, "reported", "x"),
                                                           ("dispatched", "handled", "li")],
                  {"verify": ("handle",)})
    assert str(err) == ("separation of duties: li took the handle step of this case and may "
                        "not verify it")
    assert err.text("zh") == "分离职责：li 已处置此案件，不能再核查"


def test_supervision_order_messages_in_both_languages():
    from gridmap.supervision import lifecycle as sup

    err = _raised(sup.find_move, "issued", "close")
    assert str(err) == "a supervision order in state issued cannot close; allowed: accept"
    assert err.text("zh") == "“已下发”状态的督办单不能办结；可执行：签收"
    err = _raised(sup.replay, [(None, "issued"), ("rectified", "passed")])
    assert "broken history" in str(err) and "督办单记录不连贯" in err.text("zh")
    assert "已整改" in err.text("zh")
    err = _raised(sup.parse_state, "lost")
    assert "unknown supervision order state 'lost'" in str(err)
    assert err.text("zh").startswith("未知督办单状态“lost”")


def test_a_stale_row_is_named_in_the_readers_language():
    from gridmap.messages import Msg

    err = ConflictError.stale(Msg("error.conflict.row", table="boards", row_id=3), 1, 2,
                              table="boards", row_id=3)
    assert str(err).startswith("boards row 3 was changed by someone else")
    assert err.text("zh").startswith("宣传牌第 3 条记录在您读取后已被他人修改")


def test_plan_errors_in_both_languages():
    from gridmap.grids import balance

    err = _raised(balance.Bounds, 500, None, 300)
    assert str(err) == "bounds: minimum 500 is above maximum 300"
    assert err.text("zh") == "范围有误：下限 500 高于上限 300"
    plan = balance.Plan({"g1": {"W1": "full_time"}})
    err = _raised(plan.apply, [balance.Move("g1", "W2", "W3")])
    assert str(err) == "grid g1 is no longer held by W2 as full_time"
    assert err.text("zh") == "网格 g1 已不再由 W2 以专职网格员身份负责；请刷新后重试"
    err = _raised(plan.assign, "g1", "W3", "boss")
    assert "unknown role 'boss'" in str(err) and err.text("zh").startswith("未知岗位“boss”")


def test_layer_and_map_setting_errors_in_both_languages():
    from gridmap.maps import basemaps
    from gridmap.model import layer_spec

    err = _raised(layer_spec, "trees")
    assert str(err).startswith("unknown layer 'trees'; choose one of: communities")
    assert err.text("zh").startswith("未知图层“trees”；可选：社区")
    layers = functools.partial(basemaps.tile_layers, "custom", tianditu_key=None,
                               attribution=None, lang="zh")
    err = _raised(layers, tile_url="ftp://x/{z}/{x}/{y}.png")
    assert str(err) == "tile URL must start with http://, https:// or /: 'ftp://x/{z}/{x}/{y}.png'"
    assert err.text("zh") == "切片地址须以 http://、https:// 或 / 开头：ftp://x/{z}/{x}/{y}.png"
    err = _raised(layers, tile_url="http://x/{z}.png")
    assert "{z}, {x} and {y}" in str(err) and "须包含 {z}、{x} 和 {y}" in err.text("zh")


def test_an_import_summary_shows_the_first_problem_and_the_count_in_chinese():
    report = ImportReport("w.csv", "workers")
    report.add_key("workers.name_required", row=2)
    report.add("plain text problem", row=5)
    with pytest.raises(InputError) as caught:
        report.raise_for_errors()
    err = caught.value
    assert (err.file, err.row) == ("w.csv", 2)
    assert str(err) == "w.csv, row 2: a worker needs a name (and 1 more problems)"
    assert err.text("zh") == "w.csv，第 2 行：网格员须填写姓名（另有 1 个问题）"
    single = ImportReport("w.csv", "workers")
    single.add("plain", row=1)
    with pytest.raises(InputError) as caught:
        single.raise_for_errors()
    assert str(caught.value) == "w.csv, row 1: plain"
