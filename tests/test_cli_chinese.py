"""The gridmap command in Chinese: every line in the language of --lang (issue #17).

Each command runs on a private copy of the demo store with ``gridmap --lang zh``; the
tests assert Chinese labels, units, statuses and local times, and a scan runs every
read-only command and fails on a line that is English (:func:`latin_text.english_left`,
the detector of the page scan). English stays as it was (the other CLI tests run in
English, ``GRIDMAP_LANG=en``).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from latin_text import english_left

from gridmap.cli import main

AS_OF = "2026-11-01"


def zh(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``gridmap --lang zh ARGS``; return the exit code, stdout and stderr."""
    code = main(["--lang", "zh", *args])
    out, err = capsys.readouterr()
    return code, out, err


#: Read-only commands: what a user reads from them must be Chinese.
READ_ONLY = [
    ["info"],
    ["validate"],
    ["check", "--as-of", AS_OF],
    ["check", "--as-of", AS_OF, "--community", "330102011001"],
    ["rules"],
    ["workers", "list", "--all"],
    ["users", "list"],
    ["tokens", "list"],
    ["issues", "list"],
    ["issues", "list", "--overdue"],
    ["issues", "show", "1"],
    ["issues", "daily"],
    ["issues", "scores", "--month", "2026-10"],
    ["grids", "history"],
    ["grids", "history", "330102011001001"],
    ["grids", "split", "330102011001", "--method", "cells"],
    ["rebalance"],
    ["supervision", "list"],
    ["notify", "log"],
    ["notify", "test"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_no_english_line_in_chinese(demo_db, capsys, args):
    code, out, err = zh(capsys, *args)
    assert code in (0, 1, 3), err
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert lines, "the command printed nothing"
    english = [line for line in lines if english_left(line)]
    assert english == [], f"gridmap --lang zh {' '.join(args)}: English lines {english[:5]}"


def test_the_scan_finds_the_english_it_should():
    assert english_left("store:          sqlite:////tmp/x.sqlite") == "store:"
    assert english_left("存储：         sqlite:////tmp/x.sqlite") is None
    assert english_left("W0001    蔡丽: 3 grids, 1335 households, 1 open issues") is not None
    assert english_left("W0001    蔡丽：3 个网格，1335 户，未办结案件 1 件") is None


def test_info_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "info")
    assert code == 0
    assert out.splitlines()[0].startswith("存储：")
    assert "数据结构版本：" in out and "store:" not in out
    assert any(line.split()[:2] == ["社区", "5"] for line in out.splitlines())


def test_check_in_chinese_titles_units_and_day(demo_db, capsys):
    code, out, _ = zh(capsys, "check", "--as-of", AS_OF, "--rule", "grid_households",
                      "--rule", "staffing", "--rule", "bin_reach")
    assert code == 0
    assert "[不达标] grid_households  网格户数 300–500 户：检查 40 个，不达标 5 个" in out
    assert "（标准 300–500户；依据 城市社区综合网格划分要求" in out
    assert "| 513户 |" in out and "| 2名 |" in out  # the documents' Chinese units
    assert "| 268米 |" in out  # distances to the metre, not 268.0 m
    for english in ("[FAIL]", "checked", "failed", "threshold", " grid ", "rules,"):
        assert english not in out
    assert re.fullmatch(r"共 3 条规则，\d+ 个对象不达标，截至 2026-11-01", out.splitlines()[-1])


def test_check_own_lang_wins_and_english_stays(demo_db, capsys):
    code, out, _ = zh(capsys, "check", "--as-of", AS_OF, "--rule", "staffing", "--lang", "en")
    assert code == 0
    assert out.startswith("[FAIL] staffing  Every grid has a grid head")
    assert "(threshold 1 workers; " in out and "| 2 workers |" in out


def test_validate_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "validate")
    assert code == 3
    lines = out.splitlines()
    assert lines[-1] == "共 8 个问题，其中 8 个不达标"
    assert lines[0].startswith("[不达标] 每个网格配备网格长和至少一名网格员：330102011003003：")
    assert "（位置 120.182000, 30.236000）" in lines[0]


def test_rules_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "rules")
    assert code == 0
    assert "[环境卫生]" in out and "[waste]" not in out
    line = next(x for x in out.splitlines() if x.strip().startswith("bin_reach "))
    assert "启用" in line and "不达标" in line and line.endswith("120米")
    assert "依据：《市容环卫工程项目规范》GB 55013-2021 第3.2.2条" in out
    assert " / " not in out  # the Chinese title alone, not "中文 / English"


def test_workers_list_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "workers", "list")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("W0001    蔡丽：")
    assert " 个网格，" in first and " 户，未办结案件 " in first


def test_issues_list_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "issues", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "编码", "状态", "分类", "网格", "网格员", "上报时间",
                                "处置时限", "超期"]
    assert lines[-1] == "共 80 件"
    statuses = {line.split()[2] for line in lines[1:-1]}
    assert statuses <= {"上报", "立案", "派遣", "处置", "核查", "结案", "挂起", "退回"}
    assert "reported" not in out and "+00:00" not in out


def test_issues_report_move_and_show_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "issues", "report", "--category", "市容环境", "--subcategory",
                      "暴露垃圾", "--lon", "120.1835", "--lat", "30.2405", "--user", "admin")
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith("已上报 AJ") and "，网格 33010201100" in first
    deadline = out.splitlines()[1]
    assert deadline.startswith("处置时限：")
    dt.datetime.strptime(deadline.removeprefix("处置时限："), "%Y-%m-%d %H:%M")  # local, no offset
    code_ = first.split()[1].split("（")[0]
    code, out, _ = zh(capsys, "issues", "move", code_, "registered", "--user", "admin")
    assert code == 0 and "现为“立案”（第 2 版）" in out
    code, out, _ = zh(capsys, "issues", "show", code_, "--user", "admin")
    assert code == 0
    assert "状态：立案" in out and "上报 → 立案" in out
    assert out.splitlines()[-1].startswith("下一步：") and "派遣" in out.splitlines()[-1]


def test_issues_daily_and_scores_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "issues", "daily", "--worker", "W0003")
    assert code == 0
    assert out.startswith("== W0003：未办结 ")
    assert "网格 330102011001006  时限 2026-08-21 09:22" in out  # local time, no offset
    assert "已超时" in out and "OVERDUE" not in out
    code, out, _ = zh(capsys, "issues", "scores", "--month", "2026-10")
    assert code == 0
    assert "== 2026-10 按网格排名" in out and "== 2026-10 按网格员排名" in out
    assert "结案率" in out and "100.0%" in out and "NaN" not in out


def test_grids_commands_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "grids", "history", "330102011001001", "--on", "2026-11-01")
    assert code == 0
    assert "网格长" in out and "自 2024-01-01 至 -" in out
    code, out, _ = zh(capsys, "grids", "split", "330102011001", "--method", "cells")
    assert code == 0
    assert out.splitlines()[0].split() == ["编码", "户数", "人口", "面积（平方米）", "问题"]
    assert out.splitlines()[-1].startswith("共 ") and "个超出户数范围" in out
    code, out, _ = zh(capsys, "rebalance")
    assert code == 0
    assert out.startswith("户数范围：下限 ")
    assert "（专职网格员）" in out and "full_time" not in out
    assert "仍有 " in out and "未保存（加 --apply 保存）" in out


def test_assign_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "assign", "330102011001001", "W0002", "--role", "full_time",
                      "--add", "--from", "2026-11-02")
    assert code == 0
    expected = "网格 330102011001001：W0002 任专职网格员（结束 0 条，新增 1 条）"
    assert out.strip() == expected


def test_supervision_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "supervision", "issue", "--as-of", AS_OF, "--grid",
                      "330102011001001", "--user", "admin")
    assert code == 0
    assert "网格 330102011001001" in out and "整改期限 2026-11-08" in out
    assert out.splitlines()[-1] == "已下发 1 份督办单"
    number = out.split()[0]
    code, out, _ = zh(capsys, "supervision", "list", "--user", "admin")
    assert code == 0
    assert out.splitlines()[0].split()[:6] == ["ID", "文号", "网格", "社区", "状态", "整改期限"]
    assert "已下发" in out and "issued" not in out
    code, out, _ = zh(capsys, "supervision", "show", number, "--user", "admin")
    assert code == 0
    assert "整改事项（已整改 0/" in out and "办理记录：" in out and "下一步：签收" in out
    assert "每个小区创城宣传板不少于 10 块 XQ001：" in out  # the rule's title, not its id
    code, out, _ = zh(capsys, "supervision", "move", number, "accept", "--user", "admin")
    assert code == 0 and f"{number} 现为“整改中”（第 2 版）" in out
    for english in ("grid ", "fix by", "history:", "next:", "is now"):
        assert english not in out


def test_records_in_chinese(demo_db, capsys):
    code, out, _ = zh(capsys, "workers", "add", "--name", "新人")
    assert code == 0 and out.startswith("已添加网格员 W")
    code, out, _ = zh(capsys, "users", "add", "vol", "--role", "volunteer")
    assert code == 0 and "已添加用户 vol（" in out and "密码：" in out
    code, out, _ = zh(capsys, "users", "list")
    assert code == 0
    assert out.splitlines()[0].split() == ["用户名", "角色", "范围", "网格员", "已停用"]
    assert "全街道" in out
    code, out, _ = zh(capsys, "tokens", "create", "--name", "hotline", "--days", "30")
    assert code == 0 and out.startswith("已新建 API 令牌 hotline（") and "UTC" not in out
    code, out, _ = zh(capsys, "tokens", "list")
    assert code == 0
    row = out.splitlines()[1]
    assert "有效" in row and ("读取、上报" in row or "上报、读取" in row)
    assert "active" not in row and "report" not in row


def test_export_and_notify_in_chinese(demo_db, capsys, tmp_path):
    target = tmp_path / "roster.xlsx"
    code, out, _ = zh(capsys, "export", "roster", "--community", "330102011001", "--out",
                      str(target))
    assert code == 0
    assert out.startswith(f"已写入 {target}：社区 330102011001的网格员花名册，")
    assert "（审计记录 #" in out
    code, out, _ = zh(capsys, "notify", "log")
    assert code == 0 and out.strip() == "没有通知"


def test_init_demo_in_chinese(tmp_path, capsys, monkeypatch):
    import platformdirs

    folder = tmp_path / "data"  # where the generated password file goes
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(folder))
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    code, out, _ = zh(capsys, "init", "--demo", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("存储：sqlite:///") and "（数据结构 " in lines[0]
    assert lines[1].startswith("已载入示例街道：") and "个图层，共" in lines[1]
    path = folder / "admin-password.txt"
    assert lines[2] == f"已创建用户 admin，其密码保存在 {path}（仅您本人可读）"
    code, out, _ = zh(capsys, "init", "--demo", "--db", db)
    assert "存储中已有数据，未再次载入示例街道" in out


def test_errors_in_chinese(tmp_path, capsys):
    code, _, err = zh(capsys, "info", "--db", str(tmp_path / "x.db"))
    assert code == 1
    assert "不是数据库地址：" in err and "not a database URL" not in err
    code, _, err = zh(capsys, "info", "--db", "mysql://u@h/x")
    assert code == 1 and "不支持的数据库 'mysql'" in err
    code, _, err = zh(capsys, "issues", "daily", "--date", "soon")
    assert code == 1 and "--date 应为日期" in err


def test_argparse_errors_in_chinese(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--lang", "zh", "issues", "bogus"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "gridmap issues：错误：参数 SUBCOMMAND：'bogus' 不是可选值" in err
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "assign"])
    assert "缺少必需的参数：GRID, WORKER, --role" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "info", "--nope"])
    assert "无法识别的参数：--nope" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "check", "--as-of", "soon"])
    assert "参数 --as-of：'soon' 不是日期（应为 YYYY-MM-DD" in capsys.readouterr().err


def test_argparse_errors_stay_english_in_english(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "en", "info", "--nope"])
    assert "gridmap: error: unrecognized arguments: --nope" in capsys.readouterr().err


def test_the_locale_chooses_chinese(demo_db, capsys, monkeypatch):
    monkeypatch.delenv("GRIDMAP_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert main(["workers", "list"]) == 0
    assert "个网格" in capsys.readouterr().out
    monkeypatch.setenv("GRIDMAP_LANG", "en")
    assert main(["workers", "list"]) == 0
    assert " grids, " in capsys.readouterr().out


def test_serve_prepares_in_chinese(tmp_path, monkeypatch):
    import platformdirs

    from gridmap import server

    folder = tmp_path / "data"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(folder))
    lines: list[str] = []
    server.prepare(db=f"sqlite:///{tmp_path / 's.sqlite'}", demo=False, echo=lines.append,
                   lang="zh")
    assert lines == [f"请以 admin 用户登录，密码保存在 {folder / 'admin-password.txt'}"
                     "（仅您本人可读；登录后请修改密码，然后删除该文件）"]
