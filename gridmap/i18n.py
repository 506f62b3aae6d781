"""The translation layer: every string the user sees goes through :func:`t` or :func:`label`.

Two kinds of text live here:

:data:`STRINGS`
    UI strings by key (``"auth.login"``, ``"map.legend.workers"``), each with a
    Simplified Chinese (``"zh"``, the default) and an English (``"en"``) text.
    Texts may hold ``str.format`` fields filled by :func:`t`.
:data:`LABELS`
    Display names of the canonical values in :mod:`gridmap.model` (roles, road
    classes, board and bin types, statuses, maintenance actions, layer names,
    point kinds). A value that means different things in different columns
    (``"secondary"`` is a road class and a school level) has a qualified entry
    ``"<column>.<value>"`` that :func:`label` prefers when given ``field=``.

Missing keys never raise: the key itself is returned, so an untranslated string
shows up visibly instead of crashing a page. This module returns plain text;
callers escape it before putting it into HTML.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from enum import Enum
from typing import Any

__all__ = [
    "DEFAULT_LANG",
    "LABELS",
    "LANGS",
    "STRINGS",
    "escape_markdown",
    "field_label",
    "format_date",
    "format_frame",
    "format_measure",
    "format_time",
    "format_value",
    "label",
    "normalize_lang",
    "t",
]

#: Supported languages, default first.
LANGS: tuple[str, ...] = ("zh", "en")
#: The language used when none (or an unknown one) is given.
DEFAULT_LANG = "zh"

#: UI strings: key -> {lang: text}.
STRINGS: dict[str, dict[str, str]] = {
    # --- app frame ---------------------------------------------------------------------
    "app.title": {"zh": "gridmap 网格化管理", "en": "gridmap grid management"},
    "app.subtitle": {
        "zh": "街道网格化管理与创建检查",
        "en": "Street grid management and campaign checks",
    },
    "auth.login": {"zh": "登录", "en": "Log in"},
    "auth.logout": {"zh": "退出登录", "en": "Log out"},
    "auth.username": {"zh": "用户名", "en": "Username"},
    "auth.password": {"zh": "密码", "en": "Password"},
    "auth.failed": {"zh": "用户名或密码错误", "en": "Wrong username or password"},
    "auth.logged_in_as": {"zh": "当前用户：{user}", "en": "Logged in as {user}"},
    "nav.map": {"zh": "地图", "en": "Map"},
    "nav.import": {"zh": "导入", "en": "Import"},
    "nav.settings": {"zh": "设置", "en": "Settings"},
    "settings.language": {"zh": "语言", "en": "Language"},
    "lang.zh": {"zh": "中文", "en": "Chinese (中文)"},
    "lang.en": {"zh": "英文 (English)", "en": "English"},
    "error.generic": {"zh": "出错了：{message}", "en": "Something went wrong: {message}"},
    "conflict.title": {
        "zh": "未保存：{who} 于 {at} 已修改了这条记录（您读取的是第 {read} 版，现为第 {current} 版）。"
              "您的修改仍保留在下方。",
        "en": "Not saved: {who} changed this record at {at} (you read version {read}, "
              "it is now version {current}). Your change is kept below.",
    },
    "conflict.unknown": {
        "zh": "未保存：这条记录已被他人修改（您读取的是第 {read} 版，现为第 {current} 版）。",
        "en": "Not saved: someone else changed this record (you read version {read}, "
              "it is now version {current}).",
    },
    "conflict.plan": {
        "zh": "未保存：自您载入以来已有他人修改（{changes}）。请重新载入，查看对方的修改后再做调整。",
        "en": "Not saved: others changed it since you loaded it ({changes}). Reload to see "
              "their change, then make yours again.",
    },
    "conflict.field": {"zh": "字段", "en": "Field"},
    "conflict.before": {"zh": "您读取时", "en": "When you read it"},
    "conflict.after": {"zh": "对方修改后", "en": "After their change"},
    "conflict.reload": {"zh": "载入对方版本", "en": "Load their version"},
    "conflict.reapply": {"zh": "以我的修改覆盖", "en": "Apply my change on top"},
    "conflict.reloaded": {"zh": "已载入对方版本，您的修改已放弃。",
                          "en": "Their version is loaded; your change was dropped."},
    # --- the gridmap command (issue #17): every line it prints ---------------------------
    "cli.colon": {"zh": "：", "en": ":"},
    "cli.field": {"zh": "{name}：{value}", "en": "{name}: {value}"},
    "cli.yes": {"zh": "是", "en": "yes"},
    "cli.wrote": {"zh": "已写入 {out}", "en": "wrote {out}"},
    "cli.dry_run": {"zh": "试运行：未保存", "en": "dry run: nothing saved"},
    "cli.scope.all": {"zh": "全街道", "en": "all"},
    "cli.interrupted": {"zh": "已中断", "en": "interrupted"},
    "cli.internal": {
        "zh": "gridmap {command}：内部错误：{kind}：{message}",
        "en": "gridmap {command}: internal error: {kind}: {message}",
    },
    "cli.bug": {
        "zh": "这是程序缺陷；请设置 GRIDMAP_DEBUG=1 重新运行，并报告显示的 traceback",
        "en": "this is a bug; run again with GRIDMAP_DEBUG=1 and report the traceback",
    },
    "cli.argparse.error": {"zh": "{prog}：错误：{message}", "en": "{prog}: error: {message}"},
    "cli.argparse.required": {"zh": "缺少必需的参数：{names}",
                              "en": "the following arguments are required: {names}"},
    "cli.argparse.unrecognized": {"zh": "无法识别的参数：{names}",
                                  "en": "unrecognized arguments: {names}"},
    "cli.argparse.choice": {"zh": "参数 {arg}：{value} 不是可选值（可选：{choices}）",
                            "en": "argument {arg}: invalid choice: {value} (choose from {choices})"},
    "cli.argparse.type": {"zh": "参数 {arg}：{value} 不是有效的值（应为 {type}）",
                          "en": "argument {arg}: invalid {type} value: {value}"},
    "cli.argparse.one": {"zh": "参数 {arg} 后面需要一个值", "en": "argument {arg}: expected one argument"},
    "cli.argparse.exclusive": {"zh": "参数 {arg} 不能与 {other} 同时使用",
                               "en": "argument {arg}: not allowed with argument {other}"},
    "cli.argparse.date": {
        "zh": "参数 {arg}：{value} 不是日期（应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）",
        "en": "argument {arg}: not a date: {value} (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
    },
    "cli.argparse.jobs": {
        "zh": "参数 {arg}：{value} 不是进程数（应为 1 或更大的整数）",
        "en": "argument {arg}: not a number of processes: {value} (use 1 or more)",
    },
    "cli.argparse.argument": {"zh": "参数 {arg}：{message}", "en": "argument {arg}: {message}"},
    "cli.init.store": {"zh": "存储：{url}（数据结构 {schema}）", "en": "store: {url} (schema {schema})"},
    "cli.init.demo": {"zh": "已载入示例街道：{layers} 个图层，共 {rows} 条记录",
                      "en": "loaded the demo street: {rows} rows in {layers} layers"},
    "cli.init.demo_kept": {"zh": "存储中已有数据，未再次载入示例街道",
                           "en": "the store already holds data; demo not loaded again"},
    "cli.init.admin_created": {
        "zh": "已创建用户 admin，其密码保存在 {path}（仅您本人可读）",
        "en": "created user 'admin'; its password is in {path} (readable only by you)",
    },
    "cli.init.admin_change": {"zh": "  请登录后修改密码，然后删除该文件",
                              "en": "  change it after logging in, then delete the file"},
    "cli.init.admin_set": {"zh": "已设置用户 admin 的密码", "en": "password of user 'admin' set"},
    "cli.serve.demo": {"zh": "已将示例街道（{rows} 条记录）载入 {url}",
                       "en": "loaded the demo street ({rows} rows) into {url}"},
    "cli.serve.admin_given": {"zh": "请以 admin 用户和您设置的密码登录",
                              "en": "log in as 'admin' with the password you gave"},
    "cli.serve.admin_file": {
        "zh": "请以 admin 用户登录，密码保存在 {path}（仅您本人可读；登录后请修改密码，然后删除该文件）",
        "en": "log in as 'admin' with the password in {path} (readable only by you; "
              "change it after logging in, then delete the file)",
    },
    "cli.serve.admin_kept": {
        "zh": "请用您的账号登录（管理员密码可用 gridmap init --admin-password-file 路径 设置）",
        "en": "log in with your account (admin password: set with "
              "'gridmap init --admin-password-file PATH')",
    },
    "cli.serve.start": {"zh": "gridmap 正在启动：{url}（按 Ctrl+C 停止）",
                        "en": "gridmap is starting at {url}  (Ctrl+C stops it)"},
    "cli.import.problems_csv": {"zh": "{file}：{n} 个问题已写入 {csv}",
                                "en": "{file}: {n} problem(s) written to {csv}"},
    "cli.import.refused": {"zh": "{file}：{n} 个问题，未导入任何数据",
                           "en": "{file}: {n} problem(s); nothing was imported"},
    "cli.import.dry_run": {
        "zh": "{file}：{rows} 行可导入图层“{layer}”（源坐标系 {crs}）；试运行，未写入",
        "en": "{file}: {rows} rows OK for layer {layer} (source {crs}); dry run, nothing written",
    },
    "cli.import.done": {"zh": "{file}：已导入 {rows} 行到图层“{layer}”（源坐标系 {crs}）",
                        "en": "{file}: imported {rows} rows into {layer} (source {crs})"},
    "cli.layer.users": {"zh": "用户", "en": "users"},
    "cli.convert.done": {"zh": "已将 {n} 个要素写入 {out}（{src} → {dst}）",
                         "en": "wrote {n} features to {out} ({src} -> {dst})"},
    "cli.info.store": {"zh": "存储", "en": "store"},
    "cli.info.backend": {"zh": "数据库", "en": "backend"},
    "cli.info.schema_version": {"zh": "数据结构版本", "en": "schema version"},
    "cli.info.gridmap_version": {"zh": "gridmap 版本", "en": "gridmap"},
    "cli.validate.finding": {"zh": "[{severity}] {check}：{object}：{message}{where}",
                             "en": "[{severity}] {check}: {object}: {message}{where}"},
    "cli.validate.where": {"zh": "（位置 {lon}, {lat}）", "en": " at ({lon}, {lat})"},
    "cli.validate.total": {"zh": "共 {total} 个问题，其中 {errors} 个不达标",
                           "en": "{total} finding(s), {errors} error(s)"},
    "cli.check.pass": {"zh": "达标", "en": "PASS"},
    "cli.check.fail": {"zh": "不达标", "en": "FAIL"},
    "cli.check.advise": {"zh": "建议改进", "en": "ADVISE"},
    "cli.check.rule": {
        "zh": "[{flag}] {rule}  {title}：检查 {checked} 个，不达标 {failed} 个（标准 {threshold}；依据 {source}）",
        "en": "[{flag}] {rule}  {title}: checked {checked}, failed {failed} "
              "(threshold {threshold}; {source})",
    },
    "cli.check.note": {"zh": "    说明：{note}", "en": "    note: {note}"},
    "cli.check.failure": {
        "zh": "    {object} | 网格 {grid}（{workers}）| {measured} | {message}",
        "en": "    {object} | grid {grid} ({workers}) | {measured} | {message}",
    },
    "cli.check.more": {"zh": "    …… 另有 {n} 项", "en": "    ... {n} more"},
    "cli.check.total": {"zh": "共 {rules} 条规则，{failed} 个对象不达标，截至 {as_of}",
                        "en": "{rules} rules, {failed} failing objects, as of {as_of}"},
    "cli.check.community": {"zh": "，社区 {community}", "en": ", community {community}"},
    "cli.check.wrote": {"zh": "已将 {rules} 条规则（{failed} 个对象不达标）写入 {out}",
                        "en": "wrote {rules} rules ({failed} failing objects) to {out}"},
    "cli.rules.on": {"zh": "启用", "en": "on"},
    "cli.rules.off": {"zh": "停用", "en": "off"},
    "cli.rules.source": {"zh": "依据：{source}", "en": "source: {source}"},
    "cli.split.code": {"zh": "编码", "en": "code"},
    "cli.split.households": {"zh": "户数", "en": "households"},
    "cli.split.residents": {"zh": "人口", "en": "residents"},
    "cli.split.area": {"zh": "面积（平方米）", "en": "area m²"},
    "cli.split.problem": {"zh": "问题", "en": "problem"},
    "cli.split.total": {"zh": "共 {grids} 个网格，{outside} 个超出户数范围",
                        "en": "{grids} grids, {outside} outside the bounds"},
    "cli.split.wrote": {"zh": "已将 {n} 个网格写入 {out}", "en": "wrote {n} grids to {out}"},
    "cli.split.saved": {
        "zh": "已保存：撤销 {retired} 个网格，新建 {created} 个，沿用分工 {carried} 条",
        "en": "saved: {retired} grids retired, {created} created, "
              "{carried} assignments carried over",
    },
    "cli.split.unstaffed": {"zh": "尚无网格员的网格（请分配）：{grids}",
                            "en": "grids without workers (assign them): {grids}"},
    "cli.history.nobody": {"zh": "{day} 无人负责网格 {grid}",
                           "en": "nobody held grid {grid} on {day}"},
    "cli.history.span": {"zh": "自 {start} 至 {end}", "en": "from {start} to {end}"},
    "cli.history.layout": {"zh": "{day} 共有 {n} 个网格（其中 {retired} 个后已替换）",
                           "en": "{n} grids on {day} ({retired} since replaced)"},
    "cli.plan.wrote": {"zh": "已将 {n} 条分工写入 {out}", "en": "wrote {n} assignments to {out}"},
    "cli.plan.refused": {"zh": "{file}：{n} 个问题，未做任何修改",
                         "en": "{file}: {n} problem(s); nothing was changed"},
    "cli.plan.would_change": {"zh": "{file}：{rows} 行无误；将修改 {n} 条分工",
                              "en": "{file}: {rows} rows OK; would change {n} assignments"},
    "cli.plan.changed": {"zh": "{file}：{rows} 行无误；已修改 {n} 条分工",
                         "en": "{file}: {rows} rows OK; changed {n} assignments"},
    "cli.assign.done": {"zh": "网格 {grid}：{worker} 任{role}（结束 {ended} 条，新增 {added} 条）",
                        "en": "grid {grid}: {worker} as {role} ({ended} ended, {added} added)"},
    "cli.metric.grids": {"zh": "网格数", "en": "grids"},
    "cli.metric.households": {"zh": "户数", "en": "households"},
    "cli.metric.residents": {"zh": "人口", "en": "residents"},
    "cli.metric.area_m2": {"zh": "面积（平方米）", "en": "area_m2"},
    "cli.metric.points": {"zh": "设施数", "en": "points"},
    "cli.metric.open_issues": {"zh": "未办结案件", "en": "open_issues"},
    "cli.rebalance.none": {"zh": "没有需要平衡的网格员", "en": "no workers to balance"},
    "cli.rebalance.bounds": {"zh": "{metric}范围：下限 {min}，目标 {target}，上限 {max}",
                             "en": "bounds for {metric}: min {min}, target {target}, max {max}"},
    "cli.rebalance.unbounded": {"zh": "不限", "en": "None"},
    "cli.rebalance.move": {"zh": "网格 {grid}：{source} → {target}（{role}）",
                           "en": "{grid}: {source} -> {target} ({role})"},
    "cli.rebalance.total": {"zh": "共 {moves} 项调整；仍有 {left} 名网格员超出范围",
                            "en": "{moves} moves; {left} workers still outside the bounds"},
    "cli.rebalance.not_saved": {"zh": "未保存（加 --apply 保存）",
                                "en": "not saved (use --apply to save)"},
    "cli.rebalance.saved": {"zh": "已保存：{n} 个网格的分工有变", "en": "saved: {n} grids changed"},
    "cli.col.id": {"zh": "ID", "en": "id"},
    "cli.col.number": {"zh": "文号", "en": "number"},
    "cli.col.state": {"zh": "状态", "en": "state"},
    "cli.col.items": {"zh": "事项数", "en": "items"},
    "cli.col.resolved": {"zh": "已整改", "en": "resolved"},
    "cli.col.username": {"zh": "用户名", "en": "username"},
    "cli.col.scope": {"zh": "范围", "en": "scope"},
    "cli.col.disabled": {"zh": "已停用", "en": "disabled"},
    "cli.col.password": {"zh": "密码", "en": "password"},
    "cli.col.prefix": {"zh": "前缀", "en": "prefix"},
    "cli.col.rights": {"zh": "权限", "en": "rights"},
    "cli.col.rate_limit": {"zh": "每分钟上限", "en": "rate_limit"},
    "cli.col.expires_at": {"zh": "到期时间", "en": "expires_at"},
    "cli.col.last_used_at": {"zh": "最近使用", "en": "last_used_at"},
    "cli.issues.count": {"zh": "共 {n} 件", "en": "{n} report(s)"},
    "cli.issues.reported": {"zh": "已上报 {code}（ID {id}），网格 {grid}；网格员：{workers}",
                            "en": "reported {code} (id {id}) in grid {grid}; workers: {workers}"},
    "cli.issues.deadline": {"zh": "处置时限：{deadline}", "en": "deadline: {deadline}"},
    "cli.issues.street_edge": {"zh": "街道边界", "en": "the street edge"},
    "cli.issues.boundary": {
        "zh": "提示：距网格边界 {distance} 米（邻近 {near}），请派遣员确认所属网格",
        "en": "note: {distance} m from the grid boundary (near {near}); "
              "a dispatcher should confirm the grid",
    },
    "cli.issues.duplicate": {"zh": "可能重复：{code}（ID {id}，{status}，相距 {distance} 米）",
                             "en": "possible duplicate: {code} (id {id}, {status}, {distance} m)"},
    "cli.issues.moved": {"zh": "{code}（ID {id}）现为“{status}”（第 {version} 版）",
                         "en": "{code} (id {id}) is now {status} (version {version})"},
    "cli.issues.merged": {"zh": "案件 {issue} 已作为 {into} 的重复件结案",
                          "en": "report {issue} closed as a duplicate of {into}"},
    "cli.issues.confirmed": {"zh": "案件 {issue} 归属网格 {grid}",
                             "en": "report {issue} belongs to grid {grid}"},
    "cli.issues.event": {"zh": "  {at}  {user}：{source} → {target}  {note}",
                         "en": "  {at}  {user}: {source} -> {target}  {note}"},
    "cli.issues.next": {"zh": "下一步：{moves}", "en": "next: {moves}"},
    "cli.daily.head": {"zh": "== {worker}：未办结 {open} 件，超时 {overdue} 件",
                       "en": "== {worker}: {open} open, {overdue} overdue"},
    "cli.daily.row": {
        "zh": "  {code}  {status} {category}/{subcategory}  网格 {grid}  时限 {due} {flag}",
        "en": "  {code}  {status} {category}/{subcategory}  grid {grid}  due {due} {flag}",
    },
    "cli.daily.overdue": {"zh": "已超时", "en": "OVERDUE"},
    "cli.daily.today": {"zh": "今日到期", "en": "today"},
    "cli.scores.by_grid": {"zh": "== {month} 按网格排名", "en": "== {month} by grid"},
    "cli.scores.by_worker": {"zh": "== {month} 按网格员排名", "en": "== {month} by worker"},
    "cli.scores.none": {"zh": "  （无案件）", "en": "  (no cases)"},
    "cli.workers.inactive": {"zh": "（已停用）", "en": " (inactive)"},
    "cli.workers.line": {
        "zh": "{code:<8} {name}{state}：{grids} 个网格，{households} 户，未办结案件 {open} 件",
        "en": "{code:<8} {name}{state}: {grids} grids, {households} households, "
              "{open} open issues",
    },
    "cli.workers.added": {"zh": "已添加网格员 {code}", "en": "added worker {code}"},
    "cli.workers.updated": {"zh": "已更新网格员 {code}", "en": "updated worker {code}"},
    "cli.workers.deactivated": {"zh": "已停用网格员 {code}", "en": "deactivated worker {code}"},
    "cli.workers.reassign": {"zh": "需重新分配的网格：{grids}",
                             "en": "grids to reassign: {grids}"},
    "cli.users.imported": {
        "zh": "已创建 {n} 个网格员账号；请立即复制密码，此后不再显示",
        "en": "created {n} worker accounts; copy the passwords now: they are shown only this once",
    },
    "cli.users.added": {"zh": "已添加用户 {name}（{role}）", "en": "added user {name} ({role})"},
    "cli.users.password": {"zh": "密码：{password}", "en": "password: {password}"},
    "cli.users.copy": {"zh": "请立即复制，此后不再显示", "en": "copy it now: it is shown only this once"},
    "cli.right.report": {"zh": "上报", "en": "report"},
    "cli.right.read": {"zh": "读取", "en": "read"},
    "cli.right.phones": {"zh": "完整电话", "en": "phones"},
    "cli.tokens.revoked": {
        "zh": "已吊销 API 令牌 {name}：此后凭它的调用一律拒绝",
        "en": "revoked API token {name}: every call with it is refused from now on",
    },
    "cli.tokens.created": {"zh": "已新建 API 令牌 {name}（{expires} 到期）",
                           "en": "created API token {name} (expires {expires})"},
    "cli.tokens.copy": {
        "zh": "请立即复制，此后不再显示（存储中只保存其哈希）",
        "en": "copy it now: it is shown only this once (the store keeps only its hash)",
    },
    "cli.notify.no_channels": {"zh": "无", "en": "none"},
    "cli.notify.give_channel": {"zh": "请指定通道：{names}", "en": "give a channel: {names}"},
    "cli.notify.test_sent": {"zh": "测试消息 {id} 已通过 {channel} 送达",
                             "en": "test message {id} delivered over {channel}"},
    "cli.notify.test_failed": {"zh": "测试消息 {id} 通过 {channel} 发送失败：{error}",
                               "en": "test message {id} over {channel} failed: {error}"},
    "cli.notify.idle": {
        "zh": "无事可做：没有通道，或另一发送进程正在发送",
        "en": "nothing to do: no channels, or another sender holds the lease",
    },
    "cli.notify.none": {"zh": "没有通知", "en": "no notifications"},
    "cli.notify.row": {"zh": "{id} {status} {kind} {channel} 尝试 {tries} 次 {title} {error}",
                       "en": "{id} {status} {kind} {channel} tries {tries} {title} {error}"},
    "cli.notify.count.written": {"zh": "写入 {n}", "en": "written {n}"},
    "cli.notify.count.sent": {"zh": "已发送 {n}", "en": "sent {n}"},
    "cli.notify.count.pending": {"zh": "待重试 {n}", "en": "pending {n}"},
    "cli.notify.count.dead": {"zh": "失败 {n}", "en": "dead {n}"},
    "cli.notify.kind.dispatched": {"zh": "派遣", "en": "dispatched"},
    "cli.notify.kind.returned": {"zh": "退回", "en": "returned"},
    "cli.notify.kind.warning": {"zh": "超时预警", "en": "warning"},
    "cli.notify.kind.overdue": {"zh": "超期", "en": "overdue"},
    "cli.notify.kind.daily": {"zh": "每日清单", "en": "daily"},
    "cli.notify.kind.supervision": {"zh": "督办单", "en": "supervision"},
    "cli.notify.kind.supervision_move": {"zh": "督办进展", "en": "supervision_move"},
    "cli.notify.kind.test": {"zh": "测试", "en": "test"},
    "cli.export.wrote": {"zh": "已写入 {out}：{scope}的{kind}，{rows} {unit}（审计记录 #{audit}）",
                         "en": "wrote {out}: {kind} of {scope}, {rows} {unit} (audit #{audit})"},
    "cli.export.grids": {"zh": "个网格", "en": "grids"},
    "cli.export.rows": {"zh": "行", "en": "rows"},
    "cli.export.scope.community": {"zh": "社区", "en": "community"},
    "cli.export.scope.grid": {"zh": "网格", "en": "grid"},
    "cli.export.scope.worker": {"zh": "网格员", "en": "worker"},
    "cli.supervision.case": {"zh": "案件", "en": "case"},
    "cli.supervision.overdue": {"zh": "  （逾期）", "en": "  (逾期 overdue)"},
    "cli.supervision.overdue_mark": {"zh": "逾期", "en": "overdue"},
    "cli.supervision.head": {
        "zh": "{number}  网格 {grid}  {state}  整改期限 {deadline}{flag}",
        "en": "{number}  grid {grid}  {state}  fix by {deadline}{flag}",
    },
    "cli.supervision.items": {"zh": "整改事项（已整改 {resolved}/{items}）：",
                              "en": "items ({resolved}/{items} fixed):"},
    "cli.supervision.item": {"zh": "  [{mark}] {what} {object}：{message}",
                             "en": "  [{mark}] {what} {object}: {message}"},
    "cli.supervision.history": {"zh": "办理记录：", "en": "history:"},
    "cli.supervision.photos": {"zh": "照片：{n} 张", "en": "photos: {n}"},
    "cli.supervision.next": {"zh": "下一步：{actions}", "en": "next: {actions}"},
    "cli.supervision.moved": {"zh": "{number} 现为“{state}”（第 {version} 版）",
                              "en": "{number} is now {state} (version {version})"},
    "cli.supervision.rechecked": {"zh": "复查：已整改 {fixed} 项，剩余 {left} 项",
                                  "en": "re-check: {fixed} fixed, {left} left"},
    "cli.supervision.issued_one": {
        "zh": "{number}  网格 {grid}  {n} 项  整改期限 {deadline}",
        "en": "{number}  grid {grid}  {n} item(s)  fix by {deadline}",
    },
    "cli.supervision.issued": {"zh": "已下发 {n} 份督办单", "en": "{n} order(s) issued"},
    # --- map -------------------------------------------------------------------------
    "map.basemap": {"zh": "底图", "en": "Basemap"},
    "map.basemap.none": {"zh": "无底图（离线）", "en": "None (offline)"},
    "map.basemap.osm": {"zh": "OpenStreetMap", "en": "OpenStreetMap"},
    "map.basemap.tianditu": {"zh": "天地图", "en": "Tianditu"},
    "map.basemap.tianditu_labels": {"zh": "天地图注记", "en": "Tianditu labels"},
    "map.basemap.amap": {"zh": "高德地图", "en": "Amap"},
    "map.basemap.custom": {"zh": "自定义瓦片", "en": "Custom tiles"},
    "map.legend.workers": {"zh": "网格员", "en": "Grid workers"},
    "map.legend.roads": {"zh": "道路等级", "en": "Road class"},
    "map.legend.status": {"zh": "状态", "en": "Status"},
    "widget.choose": {"zh": "请选择…", "en": "Choose…"},
    "map.filtered_out": {
        "zh": "所选对象已被筛选条件隐藏；请调整筛选或在地图上重新点选",
        "en": "The filters hide the selected object; change them or click the map again",
    },
    "map.legend.facility_status": {"zh": "设施状态", "en": "Facility status"},
    "map.legend.case_status": {"zh": "案件状态", "en": "Case status"},
    "map.legend.more": {"zh": "另有 {n} 项", "en": "{n} more"},
    "map.unassigned": {"zh": "未分配", "en": "Unassigned"},
    "map.unknown": {"zh": "未知", "en": "Unknown"},
    "map.layers": {"zh": "图层", "en": "Layers"},
    # --- popup / table field labels --------------------------------------------------
    "field.code": {"zh": "编码", "en": "Code"},
    "field.name": {"zh": "名称", "en": "Name"},
    "field.geom": {"zh": "位置", "en": "Position"},
    "field.person_name": {"zh": "姓名", "en": "Name"},
    "workers.phone_hint": {
        "zh": "手机号如 13812345678，固定电话如 0571-87654321",
        "en": "a mobile like 13812345678 or a landline like 0571-87654321",
    },
    "field.street": {"zh": "街道", "en": "Street"},
    "field.community": {"zh": "社区", "en": "Community"},
    "field.community_name": {"zh": "社区", "en": "Community"},
    "field.grid": {"zh": "网格", "en": "Grid"},
    "field.worker": {"zh": "网格员", "en": "Grid worker"},
    "field.workers": {"zh": "网格员", "en": "Grid workers"},
    "field.phone": {"zh": "电话", "en": "Phone"},
    "field.role": {"zh": "角色", "en": "Role"},
    "field.households": {"zh": "户数", "en": "Households"},
    "field.residents": {"zh": "人口", "en": "Residents"},
    "field.area_m2": {"zh": "面积（平方米）", "en": "Area (m²)"},
    "field.boards": {"zh": "宣传牌数", "en": "Boards"},
    "field.fitness": {"zh": "健身器材数", "en": "Fitness equipment"},
    "field.bins": {"zh": "垃圾桶数", "en": "Bins"},
    "field.open_issues": {"zh": "未结问题", "en": "Open issues"},
    "field.status": {"zh": "状态", "en": "Status"},
    "field.kind": {"zh": "类别", "en": "Kind"},
    "field.board_type": {"zh": "类型", "en": "Type"},
    "field.bin_type": {"zh": "类型", "en": "Type"},
    "field.equipment_type": {"zh": "器材类型", "en": "Equipment type"},
    "field.theme": {"zh": "主题", "en": "Theme"},
    "field.panels": {"zh": "幅数", "en": "Panels"},
    "field.fixed": {"zh": "固定", "en": "Fixed"},
    "field.outdoor": {"zh": "室外", "en": "Outdoor"},
    "field.category": {"zh": "分类", "en": "Category"},
    "field.subcategory": {"zh": "小类", "en": "Subcategory"},
    "field.capacity_l": {"zh": "容量（升）", "en": "Capacity (L)"},
    "field.condition": {"zh": "状况", "en": "Condition"},
    "field.installed": {"zh": "安装日期", "en": "Installed"},
    "field.last_inspected": {"zh": "最近巡检", "en": "Last inspected"},
    "field.description": {"zh": "描述", "en": "Description"},
    "field.reporter": {"zh": "上报人", "en": "Reporter"},
    "field.reported_at": {"zh": "上报时间", "en": "Reported"},
    "field.deadline": {"zh": "处置时限", "en": "Deadline"},
    "field.road_class": {"zh": "道路等级", "en": "Road class"},
    "field.level": {"zh": "学段", "en": "Level"},
    "field.address": {"zh": "地址", "en": "Address"},
    "field.compound": {"zh": "小区", "en": "Compound"},
    "field.of": {"zh": "所属", "en": "Entrance of"},
    "field.floors": {"zh": "层数", "en": "Floors"},
    "field.enclosed": {"zh": "封闭式", "en": "Enclosed"},
    "value.yes": {"zh": "是", "en": "yes"},
    "value.no": {"zh": "否", "en": "no"},
    # --- app pages (issue 4: app.py and pages/) ---------------------------------------------
    "app.role": {"zh": "角色", "en": "Role"},
    "app.scope": {"zh": "范围", "en": "Scope"},
    "app.scope_all": {"zh": "全街道", "en": "Whole street"},
    "app.store": {"zh": "数据库", "en": "Store"},
    "auth.expired": {"zh": "长时间未操作，已自动退出，请重新登录。",
                     "en": "Your session expired after a period of inactivity; please log in again."},
    "auth.logged_out": {"zh": "已退出登录。", "en": "You have logged out."},
    "auth.no_right": {"zh": "您的角色（{role}）无权使用此功能。",
                      "en": "Your role ({role}) does not allow this."},
    "auth.required": {"zh": "请先登录。", "en": "Please log in first."},
    "nav.points": {"zh": "设施台账", "en": "Point records"},
    "nav.section.map": {"zh": "地图与台账", "en": "Map and records"},
    "nav.section.grids": {"zh": "网格", "en": "Grids"},
    "nav.section.checks": {"zh": "检查与案件", "en": "Checks and cases"},
    "nav.section.data": {"zh": "数据", "en": "Data"},
    "nav.section.admin": {"zh": "管理", "en": "Administration"},
    "nav.users": {"zh": "用户管理", "en": "Users"},
    "nav.about": {"zh": "关于", "en": "About"},
    "crs.wgs84": {"zh": "WGS-84（GPS/CGCS2000）", "en": "WGS-84 (GPS/CGCS2000)"},
    "crs.gcj02": {"zh": "GCJ-02（高德/腾讯）", "en": "GCJ-02 (Amap/Tencent)"},
    "crs.bd09": {"zh": "BD-09（百度）", "en": "BD-09 (Baidu)"},
    "crs.epsg": {"zh": "EPSG 编码", "en": "EPSG code"},
    "crs.undeclared": {"zh": "未声明（按 WGS-84 读取）", "en": "Not declared (read as WGS-84)"},
    "import.columns": {"zh": "列对应（源列=目标列，逗号分隔）",
                       "en": "Column mapping (source=target, comma-separated)"},
    "import.code_prefix": {"zh": "街道编码（9 位，DataV 社区文件用）",
                           "en": "Street code (9 digits, for DataV community files)"},
    "import.problems_csv": {"zh": "下载问题清单（CSV）", "en": "Download the problems (CSV)"},
    "import.more_problems": {"zh": "仅显示前 {shown} 个问题（共 {n} 个）；完整清单请下载 CSV。",
                             "en": "Showing the first {shown} of {n} problems; download the "
                                   "CSV for the full list."},
    "map.filter.all": {"zh": "全部", "en": "All"},
    "map.filter.community": {"zh": "社区", "en": "Community"},
    "map.filter.worker": {"zh": "网格员", "en": "Grid worker"},
    "map.filter.layers": {"zh": "点位图层", "en": "Point layers"},
    "map.filter.status": {"zh": "状态", "en": "Status"},
    "map.search": {"zh": "查找网格", "en": "Find a grid"},
    "map.search_hint": {"zh": "网格编码或网格员姓名", "en": "Grid code or worker name"},
    "map.search_results": {"zh": "找到 {n} 个网格", "en": "{n} grids found"},
    "map.search_none": {"zh": "没有找到匹配的网格。", "en": "No matching grid."},
    "map.basemap_failed": {"zh": "底图设置有误，已改用无底图：{message}",
                           "en": "The basemap setting is wrong; showing no basemap: {message}"},
    "map.counts": {"zh": "显示 {grids} 个网格、{points} 个点位",
                   "en": "Showing {grids} grids and {points} points"},
    "map.click_hint": {"zh": "点击地图上的网格或点位查看详情。",
                       "en": "Click a grid or a point on the map to see its details."},
    "map.no_grid": {"zh": "此处不在任何网格内。", "en": "This place is in no grid."},
    "map.open_point": {"zh": "打开台账", "en": "Open the record"},
    "map.tiles_note": {"zh": "全市数据量大（{n} 个要素），地图按切片显示：可选社区定位、按网格编码查找。",
                       "en": "A city-size store ({n} features) is drawn from tiles: choose a "
                             "community to zoom to it, or find a grid by its code."},
    "map.search_code_hint": {"zh": "完整的网格编码", "en": "The full grid code"},
    "panel.grid": {"zh": "网格", "en": "Grid"},
    "panel.field": {"zh": "项目", "en": "Field"},
    "panel.value": {"zh": "内容", "en": "Value"},
    "field.date": {"zh": "日期", "en": "Date"},
    "field.action": {"zh": "维护类型", "en": "Action"},
    "field.note": {"zh": "备注", "en": "Note"},
    "field.by": {"zh": "记录人", "en": "Recorded by"},
    "field.has_photo": {"zh": "照片", "en": "Photo"},
    "points.layer": {"zh": "设施类别", "en": "Kind of record"},
    "points.select": {"zh": "选择设施", "en": "Choose a record"},
    "points.select_hint": {"zh": "编码或名称", "en": "Code or name"},
    "points.tab.details": {"zh": "详情与编辑", "en": "Details and editing"},
    "points.tab.maintenance": {"zh": "维护记录", "en": "Maintenance log"},
    "points.tab.add": {"zh": "新增设施", "en": "Add a record"},
    "points.none_selected": {"zh": "请先选择一个设施。", "en": "Choose a record first."},
    "points.where": {"zh": "所在网格 {grid} · 坐标 {lon:.6f}, {lat:.6f}（录入坐标系 {crs}）",
                     "en": "In grid {grid} · at {lon:.6f}, {lat:.6f} (entered in {crs})"},
    "points.save": {"zh": "保存修改", "en": "Save changes"},
    "points.saved": {"zh": "已保存。", "en": "Saved."},
    "points.move": {"zh": "移动位置", "en": "Move"},
    "points.moved": {"zh": "位置已更新。", "en": "Moved."},
    "points.retire": {"zh": "撤除该设施", "en": "Retire this record"},
    "points.retire_confirm": {"zh": "确认撤除（保留历史记录）",
                              "en": "Yes, retire it (its history is kept)"},
    "points.retired": {"zh": "已撤除。", "en": "Retired."},
    "points.crs": {"zh": "坐标系", "en": "Coordinate system"},
    "points.lon": {"zh": "经度", "en": "Longitude"},
    "points.lat": {"zh": "纬度", "en": "Latitude"},
    "points.add": {"zh": "新增", "en": "Add"},
    "points.added": {"zh": "已新增。", "en": "Added."},
    "points.add_hint": {"zh": "在地图上点击位置（WGS-84），或直接输入坐标并选择其坐标系。",
                        "en": "Click the place on the map (WGS-84), or type the coordinates and "
                              "choose their system."},
    "points.photo": {"zh": "照片（可选，将去除 EXIF 信息）",
                     "en": "Photo (optional; EXIF data is removed)"},
    "points.photo_of": {"zh": "记录 {id} 的照片", "en": "Photo of entry {id}"},
    "points.log_add": {"zh": "添加维护记录", "en": "Add to the log"},
    "points.logged": {"zh": "维护记录已添加。", "en": "Log entry added."},
    "points.log_empty": {"zh": "暂无维护记录。", "en": "No maintenance recorded yet."},
    "import.file": {"zh": "选择文件（不超过 {mb} MB；Shapefile 请打包为 zip）",
                    "en": "Choose a file (up to {mb} MB; zip Shapefiles)"},
    "import.layer": {"zh": "导入到图层", "en": "Layer"},
    "import.epsg": {"zh": "EPSG 编码", "en": "EPSG code"},
    "import.repair": {"zh": "自动修复无效面", "en": "Repair invalid polygons"},
    "import.replace": {"zh": "替换该图层已有数据", "en": "Replace the layer's rows"},
    "import.allow_outside": {"zh": "允许网格外的点", "en": "Allow points outside grids"},
    "import.too_large": {"zh": "文件超过 {mb} MB，未读取。", "en": "The file is larger than {mb} MB; it was not read."},
    "import.check": {"zh": "检查（试导入）", "en": "Check (dry run)"},
    "import.checking": {"zh": "正在检查……", "en": "Checking…"},
    "import.report": {"zh": "{file}：{rows} 行，坐标系 {crs}", "en": "{file}: {rows} rows, coordinates in {crs}"},
    "import.row": {"zh": "行", "en": "Row"},
    "import.cannot_save": {"zh": "无法暂存上传的文件：{message}",
                           "en": "cannot keep the uploaded file: {message}"},
    "import.column": {"zh": "列", "en": "Column"},
    "import.severity": {"zh": "级别", "en": "Severity"},
    "import.problem": {"zh": "问题", "en": "Problem"},
    "import.error": {"zh": "错误", "en": "error"},
    "import.warning": {"zh": "警告", "en": "warning"},
    "import.info": {"zh": "提示", "en": "note"},
    "import.blocked": {"zh": "有 {n} 个错误，不能导入；请修改文件后重试。",
                       "en": "{n} errors block the import; fix the file and check again."},
    "import.ready": {"zh": "检查通过：{rows} 行可以导入到「{layer}」。",
                     "en": "All clear: {rows} rows can be imported into {layer}."},
    "import.commit": {"zh": "确认导入", "en": "Import"},
    "import.writing": {"zh": "正在写入（全部成功或全部不写入）……",
                       "en": "Writing (all rows or none)…"},
    "import.finished": {"zh": "完成", "en": "Finished"},
    "settings.rules": {"zh": "检查规则", "en": "Check rules"},
    "settings.rules_help": {"zh": "开关规则，调整性质、权重和阈值；区间和分路段的阈值请在设置文件中修改。",
                            "en": "Switch rules on or off and set severity, weight and threshold; bands and per-road-class thresholds are edited in the settings file."},
    "settings.rule_id": {"zh": "规则", "en": "Rule"},
    "settings.rule_title": {"zh": "检查项目", "en": "Check"},
    "settings.rule_enabled": {"zh": "启用", "en": "On"},
    "settings.rule_severity": {"zh": "性质", "en": "Severity"},
    "settings.rule_weight": {"zh": "权重", "en": "Weight"},
    "settings.rule_threshold": {"zh": "阈值", "en": "Threshold"},
    "settings.rule_unit": {"zh": "单位", "en": "Unit"},
    "settings.rules_save": {"zh": "保存规则设置", "en": "Save rule settings"},
    "import.stage.read": {"zh": "正在读取文件……", "en": "Reading the file…"},
    "import.stage.check": {"zh": "正在检查……", "en": "Checking…"},
    "import.stage.write": {"zh": "正在写入（全部成功或全部不写入）……",
                           "en": "Writing (all or nothing)…"},
    "import.stage.done": {"zh": "完成", "en": "Finished"},
    "import.done": {"zh": "已导入 {rows} 行到「{layer}」。", "en": "Imported {rows} rows into {layer}."},
    "import.failed": {"zh": "导入失败，未写入任何数据：{problems}",
                      "en": "The import failed and nothing was written: {problems}"},
    "users.add": {"zh": "新增用户", "en": "Add a user"},
    "users.edit": {"zh": "修改用户", "en": "Change a user"},
    "users.added": {"zh": "已新增用户 {user}。", "en": "User {user} added."},
    "users.save_role": {"zh": "保存角色与范围", "en": "Save role and scope"},
    "users.saved": {"zh": "已更新用户 {user}。", "en": "User {user} updated."},
    "users.new_password": {"zh": "新密码", "en": "New password"},
    "users.password_help": {"zh": "至少 8 个字符", "en": "At least 8 characters"},
    "users.reset_password": {"zh": "重置密码", "en": "Reset password"},
    "users.password_set": {"zh": "已重置 {user} 的密码。", "en": "Password of {user} reset."},
    "users.disable": {"zh": "停用该用户", "en": "Disable this user"},
    "users.disabled": {"zh": "已停用 {user}。", "en": "{user} disabled."},
    "users.enable": {"zh": "启用该用户", "en": "Enable this user"},
    "users.enabled": {"zh": "已启用 {user}。", "en": "{user} enabled."},
    "users.scope_hint": {"zh": "选择社区", "en": "Choose communities"},
    "users.scope_help": {"zh": "勾选“全街道”时忽略此处的社区选择。",
                         "en": "Ignored when “Whole street” is ticked."},
    "users.col.username": {"zh": "用户名", "en": "Username"},
    "users.col.role": {"zh": "角色", "en": "Role"},
    "users.col.scope": {"zh": "范围", "en": "Scope"},
    "users.col.disabled": {"zh": "已停用", "en": "Disabled"},
    "users.col.failed_logins": {"zh": "连续登录失败", "en": "Failed logins"},
    "users.col.locked_until": {"zh": "锁定至", "en": "Locked until"},
    "users.col.last_login": {"zh": "最近登录", "en": "Last login"},
    "settings.file": {"zh": "设置文件：{path}", "en": "Settings file: {path}"},
    "settings.file_bad": {"zh": "设置文件有误，已使用默认值：{message}",
                          "en": "The settings file is wrong; using defaults: {message}"},
    "settings.basemap_help": {"zh": "无底图可完全离线使用；高德底图下数据仅在显示时偏移。",
                              "en": "No basemap works fully offline; with Amap the data is shifted "
                                    "for display only."},
    "settings.save": {"zh": "保存设置", "en": "Save settings"},
    "settings.saved": {"zh": "设置已保存。", "en": "Settings saved."},
    "setting.tiling_tolerance_m2": {"zh": "网格拼接容差", "en": "Tiling tolerance"},
    "setting.max_distance_from_street_km": {"zh": "距街道最大距离", "en": "Max distance from the street"},
    "setting.boundary_flag_m": {"zh": "网格边界提示距离", "en": "Grid boundary flag distance"},
    "setting.session_idle_minutes": {"zh": "空闲自动退出时间", "en": "Idle session timeout"},
    "setting.basemap": {"zh": "默认底图", "en": "Default basemap"},
    "setting.timezone": {"zh": "时区", "en": "Time zone"},
    "setting.issuing_office": {"zh": "督办单发文机关", "en": "Office issuing 督办单"},
    "setting.document_prefix": {"zh": "督办单文号前缀", "en": "文号 prefix of 督办单"},
    "notify.smtp_security.starttls": {"zh": "STARTTLS 加密", "en": "STARTTLS"},
    "notify.smtp_security.ssl": {"zh": "SSL 加密", "en": "SSL"},
    "notify.smtp_security.none": {"zh": "不加密", "en": "None"},
    "setting.tianditu_key": {"zh": "天地图密钥", "en": "Tianditu key"},
    "setting.tile_url": {"zh": "自定义瓦片地址", "en": "Custom tile URL"},
    "setting.max_upload_mb": {"zh": "上传文件大小上限", "en": "Largest upload"},
    "setting.max_import_rows": {"zh": "导入文件行数上限", "en": "Most rows per imported file"},
    "setting.max_import_vertices": {"zh": "导入文件坐标点数上限",
                                    "en": "Most coordinates per imported file"},
    "setting.max_parse_mb": {"zh": "GeoJSON/KML 文件大小上限", "en": "Largest GeoJSON/KML file"},
    "setting.max_import_seconds": {"zh": "单个文件读取时限", "en": "Time to read one file"},
    "setting.max_import_memory_mb": {"zh": "单个文件读取内存上限",
                                     "en": "Memory to read one file"},
    "setting.child_import_mb": {"zh": "超过此大小的文件在子进程中读取",
                                "en": "Read larger files in a child process"},
    "setting.max_photo_megapixels": {"zh": "照片像素上限", "en": "Most pixels per photo"},
    "setting.max_photos_per_report": {"zh": "每次上报照片数上限", "en": "Most photos per report"},
    "photo.not_a_photo": {"zh": "该文件不是照片（仅接受 JPEG、PNG、WebP 等图片）",
                          "en": "the file is not a photo (JPEG, PNG, WebP ... images only)"},
    "photo.empty": {"zh": "照片是空文件", "en": "the photo is empty"},
    "photo.empty_nth": {"zh": "第 {n} 张照片是空文件（0 字节），请重新选择",
                        "en": "photo {n} is empty (0 bytes); choose it again"},
    "photo.too_large": {"zh": "照片超过 {mb} MB", "en": "the photo is larger than {mb} MB"},
    "photo.too_many_pixels": {
        "zh": "图片为 {width}×{height}（{mpx} 百万像素），超过 {limit} 百万像素的上限，未读取",
        "en": "the image is {width}×{height} ({mpx} million pixels), more than the "
              "{limit} million pixels allowed; it was not read"},
    "photo.bomb": {"zh": "图片声明的像素超过 {limit} 百万（解压炸弹，或不是照片），已拒绝",
                   "en": "the image declares more than {limit} million pixels (a decompression "
                         "bomb, or not a photo); refusing it"},
    "photo.too_many": {"zh": "共 {n} 张照片，一次上报最多 {limit} 张",
                       "en": "{n} photos: a report takes at most {limit}"},
    "about.text": {"zh": "gridmap：街道网格化管理工具。地图资源由本应用自身提供，断网也能使用。",
                   "en": "gridmap: grid management for street offices. Map assets are served by "
                         "the app itself, so it works without internet."},
    "about.version": {"zh": "版本", "en": "Version"},
    "about.backend": {"zh": "数据库类型", "en": "Database"},
    "about.schema": {"zh": "数据结构版本", "en": "Schema version"},
    "about.layer": {"zh": "图层", "en": "Layer"},
    "about.rows": {"zh": "行数", "en": "Rows"},
    "about.assets": {"zh": "本地地图组件", "en": "Local map assets"},
    "about.offline": {"zh": "Leaflet 及插件从本应用的 /app/static/vendor 加载，不使用 CDN。",
                      "en": "Leaflet and its plugins load from this app's /app/static/vendor, "
                            "never from a CDN."},
    # --- web layer: sessions, login abuse, not found (issue 13: gridmap/web) ---------------
    "auth.locked": {"zh": "该账户已被暂时锁定，请 {minutes} 分钟后再试。",
                    "en": "This account is temporarily locked; try again in {minutes} minutes."},
    "auth.bad_origin": {"zh": "请求不是从本站页面发出的，请刷新页面后重试。",
                        "en": "The request did not come from a page of this site; reload and "
                              "try again."},
    "auth.ended.logout": {"zh": "已退出登录。", "en": "You have logged out."},
    "auth.ended.ended": {"zh": "此登录会话已被结束，请重新登录。",
                         "en": "This login session was ended; please log in again."},
    "auth.ended.disabled": {"zh": "您的账户已被管理员停用，登录会话已结束。",
                            "en": "An admin disabled your account; your session has ended."},
    "auth.ended.role_changed": {"zh": "管理员更改了您的角色或范围，请重新登录。",
                                "en": "An admin changed your role or scope; please log in "
                                      "again."},
    "auth.ended.password_reset": {"zh": "管理员重置了您的密码，请用新密码重新登录。",
                                  "en": "An admin reset your password; log in with the new "
                                        "one."},
    "auth.ended.password_changed": {"zh": "您的密码已在另一个会话中修改，请用新密码重新登录。",
                                    "en": "Your password was changed in another session; log "
                                          "in with the new one."},
    "auth.ended.expired": {"zh": "登录已超过最长有效期，请重新登录。",
                           "en": "Your login reached its maximum age; please log in again."},
    "auth.ended.idle": {"zh": "长时间未操作，已自动退出，请重新登录。",
                        "en": "You were logged out after a period of inactivity; please log in "
                              "again."},
    "notfound.title": {"zh": "页面不存在", "en": "Page not found"},
    "notfound.text": {"zh": "您访问的页面不存在，或您没有使用它的权限。",
                      "en": "The page you asked for does not exist, or you may not use it."},
    "notfound.home": {"zh": "返回首页", "en": "Back to the start page"},
    "nav.sessions": {"zh": "我的会话", "en": "My sessions"},
    "sessions.mine": {"zh": "我的登录会话", "en": "My login sessions"},
    "sessions.all": {"zh": "所有用户的会话", "en": "Sessions of all users"},
    "sessions.current": {"zh": "（当前）", "en": "(this one)"},
    "sessions.none": {"zh": "没有其他会话。", "en": "No other sessions."},
    "sessions.pick": {"zh": "选择会话", "en": "Session"},
    "sessions.end": {"zh": "结束所选会话", "en": "End the chosen session"},
    "sessions.ended": {"zh": "会话已结束。", "en": "The session has ended."},
    "sessions.col.username": {"zh": "用户", "en": "User"},
    "sessions.col.created_at": {"zh": "登录时间", "en": "Logged in"},
    "sessions.col.last_seen_at": {"zh": "最近使用", "en": "Last used"},
    "sessions.col.expires_at": {"zh": "最迟结束", "en": "Ends at the latest"},
    "sessions.col.user_agent": {"zh": "浏览器", "en": "Browser"},
    "sessions.password": {"zh": "修改密码", "en": "Change password"},
    "sessions.password_rule": {"zh": "至少 8 位，字母与数字或符号混合，不含用户名。",
                               "en": "At least 8 characters, letters mixed with digits or "
                                     "symbols, not containing the user name."},
    "sessions.old": {"zh": "当前密码", "en": "Current password"},
    "sessions.new": {"zh": "新密码", "en": "New password"},
    "sessions.new2": {"zh": "再次输入新密码", "en": "New password again"},
    "sessions.mismatch": {"zh": "两次输入的新密码不一致。", "en": "The new passwords differ."},
    "sessions.changed": {"zh": "密码已修改，其他 {n} 个会话已结束。",
                         "en": "Password changed; {n} other session(s) ended."},
    "users.unlock": {"zh": "解除登录锁定", "en": "Lift the login lock"},
    "users.unlocked": {"zh": "已解除 {user} 的登录锁定。", "en": "Login lock of {user} lifted."},
    "setting.session_max_hours": {"zh": "登录最长有效期", "en": "Longest login session"},
    "setting.basemap_package": {"zh": "本地底图包（MBTiles）", "en": "Local basemap package "
                                                                   "(MBTiles)"},
    "setting.map_tile_threshold": {"zh": "地图切片阈值（要素数）",
                                   "en": "Map tile threshold (features)"},
    # --- end of app pages block ---------------------------------------------------------------
    # --- exports (issue 7: gridmap/export, pages/export.py) --------------------------------
    "export.footer.page": {"zh": "第 {page} 页，共 {pages} 页", "en": "Page {page} of {pages}"},
    "export.footer.generated": {"zh": "gridmap 生成于 {at}，导出人：{user}",
                                "en": "gridmap, generated {at} by {user}"},
    "export.none": {"zh": "无", "en": "None"},
    "export.roster.title": {"zh": "{place} 网格员花名册（截至 {date}）",
                            "en": "{place} grid roster (as of {date})"},
    "export.roster.sheet": {"zh": "网格员花名册", "en": "Grid roster"},
    "export.roster.community": {"zh": "社区", "en": "Community"},
    "export.roster.grid_code": {"zh": "网格编码", "en": "Grid code"},
    "export.roster.grid_name": {"zh": "网格名称", "en": "Grid name"},
    "export.roster.grid_head": {"zh": "网格长", "en": "Grid head"},
    "export.roster.other_workers": {"zh": "其他网格员及角色", "en": "Other workers (role)"},
    "export.roster.phones": {"zh": "联系电话", "en": "Phones"},
    "export.roster.households": {"zh": "户数", "en": "Households"},
    "export.roster.residents": {"zh": "人口", "en": "Residents"},
    "export.roster.area_m2": {"zh": "面积(㎡)", "en": "Area (m²)"},
    "export.roster.boards": {"zh": "宣传牌", "en": "Boards"},
    "export.roster.fitness": {"zh": "健身器材", "en": "Fitness equipment"},
    "export.roster.bins": {"zh": "垃圾桶/收集点", "en": "Bins / collection points"},
    "export.roster.open_issues": {"zh": "未结问题", "en": "Open issues"},
    "export.map.grid": {"zh": "本网格 {code}", "en": "Grid {code}"},
    "export.map.neighbours": {"zh": "相邻网格", "en": "Neighbouring grids"},
    "export.map.community": {"zh": "社区边界", "en": "Community boundary"},
    "export.map.roads": {"zh": "道路", "en": "Roads"},
    "export.map.issues": {"zh": "未结问题", "en": "Open issues"},
    "export.dossier.title": {"zh": "{place}“一档一册一图”", "en": "{place} grid dossier"},
    "export.dossier.subtitle": {"zh": "网格档案（截至 {date}）", "en": "Grid files as of {date}"},
    "export.dossier.contents": {"zh": "目录", "en": "Contents"},
    "export.dossier.grid_heading": {"zh": "网格 {code} {name}", "en": "Grid {code} {name}"},
    "export.dossier.basic": {"zh": "一、基本情况", "en": "1. Basics"},
    "export.dossier.workers": {"zh": "二、网格员花名册", "en": "2. Grid workers"},
    "export.dossier.map": {"zh": "三、网格图", "en": "3. Map"},
    "export.dossier.facilities": {"zh": "四、设施清单", "en": "4. Facilities"},
    "export.dossier.issues": {"zh": "五、未结问题上报", "en": "5. Open issue reports"},
    "export.dossier.checks": {"zh": "六、当前检查不合格项", "en": "6. Current check failures"},
    "export.dossier.no_workers": {"zh": "该日期无在岗网格员。", "en": "No worker on that date."},
    "export.dossier.no_checks": {"zh": "当前检查全部合格。", "en": "No check fails."},
    "export.dossier.count": {"zh": "共 {n} 项", "en": "{n} in total"},
    "export.col.name": {"zh": "姓名", "en": "Name"},
    "export.col.role": {"zh": "角色", "en": "Role"},
    "export.col.phone": {"zh": "联系电话", "en": "Phone"},
    "export.col.code": {"zh": "编码", "en": "Code"},
    "export.col.item": {"zh": "名称", "en": "Name"},
    "export.col.type": {"zh": "类型", "en": "Type"},
    "export.col.status": {"zh": "状态", "en": "Status"},
    "export.col.last_inspected": {"zh": "最近巡检", "en": "Last inspected"},
    "export.col.category": {"zh": "类别", "en": "Category"},
    "export.col.subcategory": {"zh": "小类", "en": "Subcategory"},
    "export.col.description": {"zh": "描述", "en": "Description"},
    "export.col.reported_at": {"zh": "上报时间", "en": "Reported"},
    "export.col.deadline": {"zh": "处置时限", "en": "Deadline"},
    "export.col.rule": {"zh": "检查项", "en": "Check"},
    "export.col.source": {"zh": "依据", "en": "Source"},
    "export.col.measured": {"zh": "实测", "en": "Measured"},
    "export.col.message": {"zh": "问题说明", "en": "Problem"},
    "export.col.grid": {"zh": "网格", "en": "Grid"},
    "export.col.workers": {"zh": "责任人", "en": "Responsible"},
    "export.col.issued": {"zh": "下发日期", "en": "Issued"},
    "nav.export": {"zh": "导出", "en": "Export"},
    "setting.cjk_font": {"zh": "PDF 中文字体文件", "en": "Chinese font file for PDFs"},
    "export.col.community": {"zh": "社区", "en": "Community"},
    "export.col.value": {"zh": "数值", "en": "Value"},
    "export.col.item_metric": {"zh": "指标", "en": "Measure"},
    "export.supervision.title": {"zh": "督　办　单", "en": "Supervision order"},
    "export.supervision.number": {"zh": "编号：{number}", "en": "No. {number}"},
    "export.supervision.intro": {
        "zh": "经检查，该网格存在以下 {n} 项不符合创建标准的问题。请责任网格员于 {deadline} 前"
              "整改完毕，并将整改情况反馈街道督查组。",
        "en": "Checks found the {n} problems below in this grid. The responsible grid workers "
              "shall fix them by {deadline} and report back to the street's inspectors.",
    },
    "export.supervision.none": {"zh": "经检查，所选范围内暂无不合格项，无需督办。",
                                "en": "No check fails in the chosen scope; nothing to supervise."},
    "export.supervision.sign_inspector": {"zh": "督查员（签字）：", "en": "Inspector (signature):"},
    "export.supervision.sign_receiver": {"zh": "网格长签收：", "en": "Received by grid head:"},
    "export.supervision.sign_date": {"zh": "签收日期：", "en": "Date:"},
    "export.supervision.feedback": {"zh": "整改情况反馈：", "en": "Actions taken:"},
    # 督办单 in the 公文 layout (GB/T 9704): mark, number, title, addressee, body, signature
    "export.supervision.mark": {"zh": "{office}督办单", "en": "{office}: supervision order"},
    "export.supervision.doc_number": {"zh": "{prefix}〔{year}〕{seq}号",
                                      "en": "{prefix} [{year}] No. {seq}"},
    "export.supervision.doc_title": {
        "zh": "关于{place}创建工作问题限期整改的督办单",
        "en": "Supervision order on the problems found in {place}",
    },
    "export.supervision.addressee": {"zh": "{to}：", "en": "To: {to}"},
    "export.supervision.addressee_head": {"zh": "{grid}网格长{name}", "en": "{name}, head of {grid}"},
    "export.supervision.body": {
        "zh": "经检查，你网格（编码{code}）存在以下{n}项问题，不符合有关标准和创建工作要求，"
              "现予督办：",
        "en": "Checks found the {n} problems below in your grid ({code}), short of the standards and "
              "the campaign requirements. They are hereby put under supervision:",
    },
    "export.supervision.requirement": {
        "zh": "整改要求：请于{deadline}前完成整改，逐项落实到人，并将整改情况书面报送{office}。"
              "逾期未完成的，纳入当月网格考核。",
        "en": "Requirement: fix every problem by {deadline}, each assigned to a person, and "
              "report the actions taken in writing to {office}. Problems still open then count "
              "in the month's grid score.",
    },
    "export.supervision.col.place": {"zh": "问题位置", "en": "Place"},
    "export.supervision.col.problem": {"zh": "问题", "en": "Problem"},
    "export.supervision.col.measured": {"zh": "实测", "en": "Measured"},
    "export.supervision.col.required": {"zh": "要求及依据", "en": "Requirement and source"},
    "export.supervision.printed": {"zh": "{office}　　{date}印发", "en": "Issued by {office}, {date}"},
    "export.supervision.receipt": {
        "zh": "签收人：＿＿＿＿＿＿　　签收日期：＿＿＿＿＿＿",
        "en": "Received by: ____________    Date: ____________",
    },
    "export.supervision.office_default": {"zh": "{street}办事处", "en": "{street} office"},
    "export.weekly.title": {"zh": "{place} 每周上报进展", "en": "{place} weekly progress report"},
    "export.weekly.period": {"zh": "{week}（{start} 至 {end}）", "en": "{week} ({start} to {end})"},
    "export.weekly.sheet_summary": {"zh": "概况", "en": "Summary"},
    "export.weekly.summary": {"zh": "一、概况", "en": "1. Summary"},
    "export.weekly.by_category": {"zh": "二、按类别", "en": "2. By category"},
    "export.weekly.by_grid": {"zh": "三、按网格", "en": "3. By grid"},
    "export.weekly.checks": {"zh": "四、检查结果及变化", "en": "4. Check results and change"},
    "export.weekly.scores": {"zh": "五、网格检查得分及变化", "en": "5. Grid check scores"},
    "export.weekly.reassignments": {"zh": "六、网格员调整", "en": "6. Reassignments"},
    "export.weekly.score_start": {"zh": "周初得分", "en": "Score at start"},
    "export.weekly.score_end": {"zh": "周末得分", "en": "Score at end"},
    "export.weekly.mean_score": {"zh": "网格平均得分（周初 → 周末）",
                                 "en": "Mean grid score (start → end)"},
    "export.weekly.opened": {"zh": "本周新上报", "en": "Opened this week"},
    "export.weekly.closed": {"zh": "本周结案", "en": "Closed this week"},
    "export.weekly.open_end": {"zh": "周末未结", "en": "Open at week end"},
    "export.weekly.overdue": {"zh": "其中超期", "en": "Of which overdue"},
    "export.weekly.reassigned": {"zh": "网格员调整次数", "en": "Reassignments"},
    "export.weekly.failures_start": {"zh": "周初不合格数", "en": "Failures at start"},
    "export.weekly.failures_end": {"zh": "周末不合格数", "en": "Failures at end"},
    "export.weekly.change": {"zh": "变化", "en": "Change"},
    "export.weekly.at": {"zh": "时间", "en": "When"},
    "export.weekly.user": {"zh": "操作人", "en": "By"},
    "export.weekly.action": {"zh": "操作", "en": "Action"},
    "export.weekly.detail": {"zh": "内容", "en": "Details"},
    "export.weekly.none": {"zh": "本周无记录。", "en": "Nothing this week."},
    "export.weekly.chart_category": {"zh": "本周问题上报与结案（按类别）",
                                     "en": "Issue reports opened and closed, by category"},
    "export.weekly.chart_daily": {"zh": "每日新上报与结案", "en": "Opened and closed per day"},
    "export.page.kind": {"zh": "导出内容", "en": "Export"},
    "export.page.kind.roster": {"zh": "网格员花名册", "en": "Grid roster"},
    "export.page.kind.dossier": {"zh": "一档一册一图（网格档案）", "en": "Grid dossier"},
    "export.page.kind.supervision": {"zh": "督办单", "en": "Supervision orders"},
    "export.page.kind.weekly": {"zh": "每周上报进展", "en": "Weekly progress report"},
    "export.page.kind.gpkg": {"zh": "GeoPackage（全部图层）", "en": "GeoPackage (every layer)"},
    "export.page.kind.geojson": {"zh": "GeoJSON（每层一个文件，zip）",
                                 "en": "GeoJSON (one file per layer, zip)"},
    "export.page.scope": {"zh": "范围", "en": "Scope"},
    "export.page.scope.street": {"zh": "全街道", "en": "Whole street"},
    "export.page.scope.community": {"zh": "社区", "en": "Community"},
    "export.page.scope.grid": {"zh": "网格", "en": "Grid"},
    "export.page.scope.worker": {"zh": "网格员", "en": "Grid worker"},
    "export.page.as_of": {"zh": "截至日期", "en": "As of"},
    "export.page.week": {"zh": "所在周（任选一天）", "en": "Week (pick any day in it)"},
    "export.page.format": {"zh": "格式", "en": "Format"},
    "export.page.crs": {"zh": "坐标系", "en": "Coordinates"},
    "export.page.crs.wgs84": {"zh": "WGS-84（GPS、天地图）", "en": "WGS-84 (GPS, Tianditu)"},
    "export.page.crs.gcj02": {"zh": "GCJ-02（高德、腾讯）", "en": "GCJ-02 (Amap, Tencent)"},
    "export.page.generate": {"zh": "生成", "en": "Generate"},
    "export.page.download": {"zh": "下载 {file}", "en": "Download {file}"},
    "export.page.progress": {"zh": "正在生成 {label}（{done}/{total}）",
                             "en": "Generating {label} ({done}/{total})"},
    "export.page.done": {"zh": "已生成：{rows} 项", "en": "Done: {rows} items"},
    "export.page.masked": {"zh": "您的角色无权查看完整电话号码，导出文件中的号码已隐藏中间四位。",
                           "en": "Your role may not see full phone numbers; exported numbers "
                                 "are masked."},
    "export.page.pick_scope": {"zh": "请先选择范围。", "en": "Choose a scope first."},
    # --- end of exports block ---------------------------------------------------------------
    # --- checks (issue 5: gridmap/checks, pages/checks.py) ---------------------------------
    "nav.checks": {"zh": "创建检查", "en": "Checks"},
    "checks.severity.failure": {"zh": "不达标", "en": "failure"},
    "checks.severity.advisory": {"zh": "建议改进", "en": "advisory"},
    "checks.family.integrity": {"zh": "网格与分工", "en": "Grids and staffing"},
    "checks.family.waste": {"zh": "环境卫生", "en": "Waste"},
    "checks.family.boards": {"zh": "宣传阵地", "en": "Publicity boards"},
    "checks.family.schools": {"zh": "校园周边", "en": "School surroundings"},
    "checks.family.fitness": {"zh": "健身设施", "en": "Fitness"},
    "checks.family.issues": {"zh": "问题处置", "en": "Issue handling"},
    "checks.sheet.summary": {"zh": "检查汇总", "en": "Summary"},
    "checks.sheet.failures": {"zh": "问题清单", "en": "Failures"},
    "checks.col.rule": {"zh": "规则编号", "en": "Rule"},
    "checks.col.rule_title": {"zh": "检查项目", "en": "Check"},
    "checks.col.family": {"zh": "类别", "en": "Family"},
    "checks.col.severity": {"zh": "性质", "en": "Severity"},
    "checks.col.threshold": {"zh": "标准", "en": "Threshold"},
    "checks.col.checked": {"zh": "检查数", "en": "Checked"},
    "checks.col.passed": {"zh": "达标数", "en": "Passed"},
    "checks.col.failed": {"zh": "不达标数", "en": "Failed"},
    "checks.col.source": {"zh": "依据", "en": "Source"},
    "checks.col.layer": {"zh": "对象类型", "en": "Layer"},
    "checks.col.object_id": {"zh": "对象编码", "en": "Object"},
    "checks.col.name": {"zh": "名称", "en": "Name"},
    "checks.col.community": {"zh": "社区", "en": "Community"},
    "checks.col.grid": {"zh": "网格", "en": "Grid"},
    "checks.col.workers": {"zh": "责任网格员", "en": "Responsible workers"},
    "checks.col.measured": {"zh": "实测值", "en": "Measured"},
    "checks.col.unit": {"zh": "单位", "en": "Unit"},
    "checks.col.message": {"zh": "问题描述", "en": "Problem"},
    "checks.col.lon": {"zh": "经度", "en": "Longitude"},
    "checks.col.lat": {"zh": "纬度", "en": "Latitude"},
    "checks.col.fix_by": {"zh": "整改期限", "en": "Fix by"},
    "checks.col.key": {"zh": "对象", "en": "Who"},
    "checks.col.score": {"zh": "得分", "en": "Score"},
    "checks.col.failures": {"zh": "问题数", "en": "Failures"},
    "checks.col.rules_failed": {"zh": "未达标规则", "en": "Rules failed"},
    "checks.col.enabled": {"zh": "启用", "en": "Enabled"},
    "field.check_rule": {"zh": "检查项目", "en": "Check"},
    "field.check_severity": {"zh": "性质", "en": "Severity"},
    "field.check_object": {"zh": "对象", "en": "Object"},
    "field.check_grid": {"zh": "网格", "en": "Grid"},
    "field.check_workers": {"zh": "责任网格员", "en": "Responsible workers"},
    "field.check_measured": {"zh": "实测值", "en": "Measured"},
    "field.check_threshold": {"zh": "标准", "en": "Threshold"},
    "field.check_message": {"zh": "问题描述", "en": "Problem"},
    "checks.rules": {"zh": "检查规则", "en": "Rules"},
    "checks.scope": {"zh": "检查范围", "en": "Scope"},
    "checks.scope_street": {"zh": "全街道", "en": "Whole street"},
    "checks.grid_filter": {"zh": "只看网格", "en": "Only grids"},
    "checks.as_of": {"zh": "检查日期", "en": "As of"},
    "checks.run": {"zh": "开始检查", "en": "Run the checks"},
    "checks.running": {"zh": "正在检查：{rule}", "en": "Checking: {rule}"},
    "checks.done": {"zh": "检查完成：{rules} 项规则，用时 {seconds:.1f} 秒",
                    "en": "Done: {rules} rules in {seconds:.1f} s"},
    "checks.none_yet": {"zh": "选择规则和范围后点击「开始检查」。",
                        "en": "Choose rules and a scope, then run the checks."},
    "checks.all_pass": {"zh": "所选规则全部达标。", "en": "Every chosen rule passes."},
    "checks.summary": {"zh": "各项规则结果", "en": "Results by rule"},
    "checks.failures": {"zh": "问题清单（点击一行在地图上定位）",
                        "en": "Failures (click a row to zoom the map to it)"},
    "checks.filter_severity": {"zh": "性质", "en": "Severity"},
    "checks.filter_text": {"zh": "筛选（名称、网格、网格员）", "en": "Filter (name, grid, worker)"},
    "checks.show_coverage": {"zh": "显示覆盖范围（服务半径圆）", "en": "Show coverage circles"},
    "checks.show_buffers": {"zh": "显示学校 200 米范围", "en": "Show 200 m school buffers"},
    "checks.scores": {"zh": "得分（达标规则占比，按权重）", "en": "Scores (weighted share of rules met)"},
    "checks.score_level": {"zh": "得分对象", "en": "Score by"},
    "checks.level.grid": {"zh": "网格", "en": "Grid"},
    "checks.level.community": {"zh": "社区", "en": "Community"},
    "checks.level.worker": {"zh": "网格员", "en": "Worker"},
    "checks.download": {"zh": "导出", "en": "Export"},
    "checks.download_xlsx": {"zh": "问题清单 XLSX", "en": "Failures XLSX"},
    "checks.download_csv": {"zh": "问题清单 CSV", "en": "Failures CSV"},
    "checks.download_geojson": {"zh": "问题位置 GeoJSON", "en": "Failures GeoJSON"},
    "checks.download_orders": {"zh": "督办单 XLSX（{by}）", "en": "Supervision orders XLSX ({by})"},
    "checks.layer_coverage": {"zh": "覆盖范围：{rule}", "en": "Coverage: {rule}"},
    "checks.layer_buffers": {"zh": "学校 200 米范围", "en": "200 m around schools"},
    # messages of check failures: {threshold} is always available
    "checks.msg.tiling_gap": {"zh": "社区 {what} 有 {area:.0f} 平方米未被网格覆盖",
                              "en": "{area:.0f} m² of community {what} lies in no grid"},
    "checks.msg.tiling_overlap": {"zh": "网格 {what} 重叠 {area:.0f} 平方米",
                                  "en": "grids {what} overlap by {area:.0f} m²"},
    "checks.msg.tiling_outside": {"zh": "网格 {what} 有 {area:.0f} 平方米超出所属社区",
                                  "en": "{area:.0f} m² of grid {what} lies outside its community"},
    "checks.msg.tiling_unknown_community": {"zh": "网格 {what} 的所属社区不存在",
                                            "en": "grid {what} names an unknown community"},
    "checks.msg.tiling_invalid": {"zh": "网格 {what} 的边界无效：{detail}",
                                  "en": "invalid geometry: {detail}"},
    "checks.msg.tiling_empty": {"zh": "{what} 没有边界", "en": "{what} has no geometry"},
    "checks.msg.staffing_head": {"zh": "网格 {grid} 没有网格长", "en": "grid {grid} has no grid head"},
    "checks.msg.staffing_few": {"zh": "网格 {grid} 除网格长外只有 {others} 名网格员（至少 {min} 名）",
                                "en": "grid {grid} has {others} workers besides its head (at least {min})"},
    "checks.msg.staffing_both": {"zh": "网格 {grid} 没有网格长，其他网格员 {others} 名（至少 {min} 名）",
                                 "en": "grid {grid} has no grid head and {others} other workers (at least {min})"},
    "checks.msg.grid_heads": {"zh": "网格 {grid} 在 {first} 至 {last} 同时有两名网格长：{w1} 和 {w2}",
                              "en": "grid {grid} has two grid heads from {first} to {last}: {w1} and {w2}"},
    "checks.msg.households_low": {"zh": "网格 {grid} 仅 {value} 户（标准 {threshold}）",
                                  "en": "grid {grid} has {value} households (standard {threshold})"},
    "checks.msg.households_high": {"zh": "网格 {grid} 有 {value} 户，超出标准 {threshold}",
                                   "en": "grid {grid} has {value} households, above {threshold}"},
    "checks.msg.residents_high": {"zh": "网格 {grid} 有 {value} 人，超过 {threshold}",
                                  "en": "grid {grid} has {value} residents, more than {threshold}"},
    "checks.msg.point_outside": {"zh": "点位 {id} 不在任何网格内（距最近网格 {distance:.0f} 米）",
                                 "en": "{layer} {id} lies in no grid ({distance:.0f} m from the nearest)"},
    "checks.msg.point_wrong_grid": {"zh": "点位 {id} 不在其所属的 {expected} 范围内",
                                    "en": "{layer} {id} does not lie in {expected}, where it belongs"},
    "checks.msg.compound_no_grid": {"zh": "小区 {compound} 不在任何网格内，未分包到人",
                                    "en": "compound {compound} lies in no grid: nobody is responsible"},
    "checks.msg.compound_unstaffed": {"zh": "小区 {compound} 所在网格 {grid} 无网格员负责",
                                      "en": "compound {compound} lies in grid {grid}, which has no worker"},
    "checks.msg.grid_code_missing": {"zh": "网格 {code} 没有编码", "en": "grid {code} has no code"},
    "checks.msg.grid_code_not_digits": {"zh": "网格编码 {code} 含有数字以外的字符",
                                        "en": "grid code {code} contains characters other than digits 0-9"},
    "checks.msg.grid_code_length": {"zh": "网格编码 {code} 有 {length} 位，应为 {digits} 位数字",
                                    "en": "grid code {code} has {length} characters, not {digits} digits"},
    "checks.msg.grid_code_community_code": {
        "zh": "社区编码 {community} 不是 {community_digits} 位数字，无法核对网格编码 {code}",
        "en": "community code {community} is not {community_digits} digits, so grid code {code} cannot be checked"},
    "checks.msg.grid_code_prefix": {"zh": "网格编码 {code} 不以所属社区编码 {community} 开头",
                                    "en": "grid code {code} does not start with the code of its community {community}"},
    "checks.msg.grid_code_sequence": {"zh": "网格编码 {code} 的顺序号为 000（应为 001–999）",
                                      "en": "grid code {code} has sequence 000; sequences run from 001 to 999"},
    "grids.code_missing": {"zh": "缺少网格编码", "en": "grid code is missing"},
    "grids.code_row": {"zh": "第 {row} 行：{problem}", "en": "row {row}: {problem}"},
    "grids.code_used_by_rows": {"zh": "网格编码 {code} 被 {grids} 个网格使用（第 {rows} 行）",
                                "en": "grid code {code} is used by {grids} grids (rows {rows})"},
    "checks.msg.grid_code_duplicate": {"zh": "网格编码 {code} 被 {grids} 个网格使用",
                                       "en": "grid code {code} is used by {grids} grids"},
    "checks.msg.grid_code_order": {
        "zh": "社区 {community} 的网格编码未按自西向东、自北向南编排（{pairs} 处，如 {first} 在 {second} 之前但编号更大）",
        "en": "community {community}: grid codes do not run west→east, north→south "
              "({pairs} pairs, e.g. {first} lies before {second} but has the higher number)"},
    "checks.msg.bin_reach": {"zh": "{name} 距最近垃圾收集点 {distance:.0f} 米（标准 ≤{threshold}）",
                             "en": "{name} is {distance:.0f} m from the nearest collection point (at most {threshold})"},
    "checks.msg.bin_reach_none": {"zh": "{name} 附近没有垃圾收集点", "en": "there is no collection point for {name}"},
    "checks.msg.compound_collection_point": {
        "zh": "封闭式小区 {compound} 内有 {count} 处垃圾收集点（至少 {min} 处）",
        "en": "enclosed compound {compound} has {count} collection points (at least {min})"},
    "checks.msg.street_bin_gap": {
        "zh": "{road} 有 {length:.0f} 米（{start:.0f}–{end:.0f} 米处）未设废物箱，标准间距 ≤{limit:.0f} 米",
        "en": "{road} has {length:.0f} m without a litter bin ({start:.0f}–{end:.0f} m; at most {limit:.0f} m)"},
    "checks.msg.community_entrance_boards": {
        "zh": "{name} 人行出入口附近固定展板 {count} 块（至少 {min} 块，{entrances} 个出入口）",
        "en": "{name} has {count} fixed boards at its {entrances} pedestrian entrances (at least {min})"},
    "checks.msg.community_no_entrances": {
        "zh": "{name} 没有登记人行出入口，出入口展板 {count} 块（至少 {min} 块）",
        "en": "{name} has no pedestrian entrance on record, so {count} boards at entrances (at least {min})"},
    "checks.msg.compound_boards": {"zh": "小区 {name} 内固定宣传板 {count} 块（至少 {min} 块）",
                                   "en": "compound {name} has {count} fixed boards (at least {min})"},
    "checks.msg.building_boards": {"zh": "{name} 附近宣传板 {count} 块（至少 {min} 块）",
                                   "en": "{name} has {count} boards at it (at least {min})"},
    "checks.msg.compound_public_ads": {
        "zh": "小区 {name} 公益广告仅 {locations} 处（{panels} 幅；至少 {threshold}）",
        "en": "compound {name} shows public-service ads at {locations} locations ({panels} panels; "
              "at least {threshold})"},
    "checks.msg.compound_public_ad_panels": {
        "zh": "小区 {name} 公益广告仅 {panels} 幅（{locations} 处；至少 {threshold}）",
        "en": "compound {name} shows {panels} panels of public-service ads ({locations} locations; "
              "at least {threshold})"},
    "checks.unit.m": {"zh": "米", "en": "m"},
    "checks.unit.m²": {"zh": "平方米", "en": "m²"},
    "checks.unit.h": {"zh": "小时", "en": "h"},
    "checks.unit.days": {"zh": "天", "en": "days"},
    "checks.unit.%": {"zh": "%", "en": "%"},
    "checks.unit.workers": {"zh": "名", "en": "workers"},
    "checks.unit.households": {"zh": "户", "en": "households"},
    "checks.unit.residents": {"zh": "人", "en": "residents"},
    "checks.unit.points": {"zh": "处", "en": "points"},
    "checks.unit.grids": {"zh": "个网格", "en": "grids"},
    "checks.unit.pairs": {"zh": "处", "en": "pairs"},
    "checks.unit.boards": {"zh": "块", "en": "boards"},
    "checks.unit.locations": {"zh": "处", "en": "locations"},
    "checks.unit.panels": {"zh": "幅", "en": "panels"},
    "checks.unit.themes": {"zh": "项", "en": "themes"},
    "checks.msg.road_public_ads_gap": {
        "zh": "{road} 有 {length:.0f} 米（{start:.0f}–{end:.0f} 米处）无公益广告，标准每 {limit:.0f} 米至少 1 处",
        "en": "{road} has {length:.0f} m without a public-service ad ({start:.0f}–{end:.0f} m; one per {limit:.0f} m)"},
    "checks.msg.reminder_gap": {
        "zh": "{road} 有 {length:.0f} 米（{start:.0f}–{end:.0f} 米处）无遵德守礼提示牌，标准每 {limit:.0f} 米至少 1 块",
        "en": "{road} has {length:.0f} m without a reminder board ({start:.0f}–{end:.0f} m; one per {limit:.0f} m)"},
    "checks.msg.compound_themes": {"zh": "小区 {name} 缺少主题公益广告：{missing}",
                                   "en": "compound {name} lacks ads on: {missing}"},
    "checks.msg.public_ad_share": {
        "zh": "{name} 户外公益广告占比 {share:.0f}%（{public}/{total}，至少 {threshold}）",
        "en": "{name}: public-service ads are {share:.0f}% of outdoor ads ({public}/{total}; at least {threshold})"},
    "checks.msg.cafe_near_school": {
        "zh": "网吧 {name} 距 {school} 边界 {distance:.0f} 米（不得在 {threshold} 以内）",
        "en": "internet café {name} is {distance:.0f} m from the boundary of {school} (none within {threshold})"},
    "checks.msg.fitness_reach": {"zh": "{name} 距最近健身器材 {distance:.0f} 米（标准 ≤{threshold}）",
                                 "en": "{name} is {distance:.0f} m from the nearest fitness equipment (at most {threshold})"},
    "checks.msg.fitness_reach_none": {"zh": "{name} 附近没有健身器材",
                                      "en": "there is no fitness equipment for {name}"},
    "checks.msg.inspection_overdue": {
        "zh": "{name} 已 {days:.0f} 天未巡检（上次 {last}，周期 {interval:.0f} 天）",
        "en": "{name} not inspected for {days:.0f} days (last {last}; every {interval:.0f} days)"},
    "checks.msg.inspection_never": {"zh": "{name} 安装 {days:.0f} 天以来从未巡检（周期 {interval:.0f} 天）",
                                    "en": "{name} never inspected in {days:.0f} days since installation (every {interval:.0f} days)"},
    "checks.msg.inspection_unknown": {"zh": "{name} 没有巡检记录", "en": "{name} has no inspection on record"},
    "checks.msg.repair_overdue": {"zh": "{name} 自 {since} 损坏，已 {days:.0f} 天未维修（限 {threshold}）",
                                  "en": "{name} has waited {days:.0f} days for repair since {since} (at most {threshold})"},
    "checks.msg.repair_unknown": {"zh": "{name} 损坏待修，发现日期不详",
                                  "en": "{name} needs repair since an unknown date"},
    "checks.msg.issue_overdue": {"zh": "问题 {id}（{category}）超过处置时限 {hours:.1f} 小时（时限 {due}）",
                                 "en": "issue {id} ({category}) is {hours:.1f} h past its deadline ({due})"},
    # --- issue 19: rule edges and new rules (walking reach, short streets, new layers) -------
    "checks.msg.bin_reach_network": {
        "zh": "{name} 沿道路步行 {distance:.0f} 米到最近垃圾收集点（直线 {straight:.0f} 米；标准 ≤{threshold}）",
        "en": "{name} is a {distance:.0f} m walk from the nearest collection point ({straight:.0f} m in a "
              "straight line; at most {threshold})"},
    "checks.msg.fitness_reach_network": {
        "zh": "{name} 沿道路步行 {distance:.0f} 米到最近健身器材（直线 {straight:.0f} 米；标准 ≤{threshold}）",
        "en": "{name} is a {distance:.0f} m walk from the nearest fitness equipment ({straight:.0f} m in a "
              "straight line; at most {threshold})"},
    "checks.msg.reminder_none": {
        "zh": "{road}（{length:.0f} 米）没有遵德守礼提示牌，每条主要商业大街至少 1 块",
        "en": "{road} ({length:.0f} m) has no reminder board; every main commercial street needs one"},
    "checks.msg.service_centre_public_ads": {
        "zh": "{name} 公益广告仅 {locations} 处（{panels} 幅；至少 {threshold}）",
        "en": "{name} shows public-service ads at {locations} locations ({panels} panels; at least {threshold})"},
    "checks.msg.service_centre_public_ad_panels": {
        "zh": "{name} 公益广告仅 {panels} 幅（{locations} 处；至少 {threshold}）",
        "en": "{name} shows {panels} panels of public-service ads ({locations} locations; at least {threshold})"},
    "checks.msg.hoarding_public_ads": {
        "zh": "工地围挡 {name} 公益广告占比 {share:.0f}%（至少 {threshold}）",
        "en": "hoarding {name}: public-service ads are {share:.0f}% of it (at least {threshold})"},
    "checks.msg.hoarding_public_ads_unknown": {
        "zh": "工地围挡 {name} 未登记画面数或公益广告长度，无法核算占比",
        "en": "hoarding {name} has no panel count or public-ad length on record"},
    "checks.msg.road_unowned": {
        "zh": "路段 {name}（{length:.0f} 米）无责任网格或责任单位（相邻网格：{grids}）",
        "en": "road segment {name} ({length:.0f} m) has no responsible grid or unit (bordering: {grids})"},
    "export.dossier.roads": {"zh": "责任路段（路段管理责任制、门前三包）",
                             "en": "Road segments in its charge"},
    "export.dossier.length_m": {"zh": "长度（米）", "en": "Length (m)"},
    "export.dossier.owner_basis": {"zh": "责任依据", "en": "Why"},
    "export.dossier.owner_recorded": {"zh": "登记为本网格负责", "en": "recorded as this grid's"},
    "export.dossier.owner_through": {"zh": "穿越本网格（未登记责任单位）",
                                     "en": "runs through the grid (no owner on record)"},
    # --- end of issue 19 block ----------------------------------------------------------------
    # --- end of checks block ------------------------------------------------------------------
    # --- issues (issue 8: gridmap/issues, pages/report.py, issues.py, dashboard.py) -----------
    "nav.report": {"zh": "问题上报", "en": "Report an issue"},
    "nav.issues": {"zh": "案件处置", "en": "Issue cases"},
    "nav.dashboard": {"zh": "考核看板", "en": "Issue dashboard"},
    "field.age_h": {"zh": "已用时（小时）", "en": "Age (h)"},
    "field.overdue": {"zh": "超期", "en": "Overdue"},
    "field.flagged": {"zh": "边界待确认", "en": "Near a boundary"},
    "field.user": {"zh": "操作人", "en": "By"},
    "field.at": {"zh": "时间", "en": "Time"},
    "field.from_status": {"zh": "原状态", "en": "From"},
    "field.to_status": {"zh": "新状态", "en": "To"},
    "field.due_today": {"zh": "今日到期", "en": "Due today"},
    "field.rank": {"zh": "排名", "en": "Rank"},
    "field.reports": {"zh": "案件数", "en": "Cases"},
    "field.handled": {"zh": "已处置", "en": "Handled"},
    "field.closed": {"zh": "已结案", "en": "Closed"},
    "field.closure_rate": {"zh": "结案率", "en": "Closure rate"},
    "field.on_time_rate": {"zh": "按时处置率", "en": "On-time rate"},
    "field.mean_handling_h": {"zh": "平均处置时长（小时）", "en": "Mean handling time (h)"},
    "field.returned": {"zh": "退回次数", "en": "Returned"},
    "field.worker_name": {"zh": "网格员", "en": "Grid worker"},
    "field.open": {"zh": "未结", "en": "Open"},
    "field.count": {"zh": "数量", "en": "Count"},
    "report.title": {"zh": "问题上报（随手拍）", "en": "Report a problem"},
    "report.location": {"zh": "位置", "en": "Location"},
    "report.loc.map": {"zh": "在地图上点选", "en": "Tap the map"},
    "report.loc.typed": {"zh": "输入坐标", "en": "Type coordinates"},
    "report.loc.photo": {"zh": "使用照片中的 GPS", "en": "Use the photo's GPS"},
    "report.map_hint": {"zh": "点击地图上问题所在位置。", "en": "Tap the map where the problem is."},
    "report.picked": {"zh": "已选位置：{lon:.6f}, {lat:.6f}", "en": "Chosen: {lon:.6f}, {lat:.6f}"},
    "report.no_pick": {"zh": "请先在地图上点选位置。", "en": "Tap the map first."},
    "report.no_coords": {"zh": "请输入经度和纬度。", "en": "Type the longitude and latitude."},
    "report.photos": {"zh": "照片（可多张；保存前去除 EXIF 并压缩）",
                      "en": "Photos (several allowed; EXIF removed and resized before saving)"},
    "report.photo_gps": {"zh": "照片 GPS 位置：{lon:.6f}, {lat:.6f}",
                         "en": "Photo GPS position: {lon:.6f}, {lat:.6f}"},
    "report.no_photo_gps": {"zh": "照片中没有 GPS 位置，请在地图上点选或输入坐标。",
                            "en": "The photos carry no GPS position; tap the map or type coordinates."},
    "report.reporter": {"zh": "上报人", "en": "Reporter"},
    "report.submit": {"zh": "提交上报", "en": "Submit"},
    "report.done": {"zh": "已上报 {code}：网格 {grid}，网格员 {workers}，处置时限 {deadline}。",
                    "en": "Reported {code}: grid {grid}, workers {workers}, deadline {deadline}."},
    "report.flagged": {"zh": "位置距网格边界 {distance:.1f} 米（邻近：{neighbours}），请调度员确认所属网格。",
                       "en": "{distance:.1f} m from the grid boundary (near {neighbours}); "
                             "a dispatcher should confirm the grid."},
    "report.duplicates": {"zh": "附近有 {n} 件同类问题（50 米内、7 天内），可能重复：",
                          "en": "{n} reports of the same kind nearby (50 m, 7 days) may be the same problem:"},
    "report.link": {"zh": "关联", "en": "Link"},
    "report.merge": {"zh": "作为重复件合并", "en": "Merge as duplicate"},
    "report.linked": {"zh": "已关联。", "en": "Linked."},
    "report.merged": {"zh": "已合并，本件已结案。", "en": "Merged; this report is closed."},
    "issues.filter.overdue": {"zh": "仅看超期", "en": "Overdue only"},
    "issues.filter.grid": {"zh": "网格", "en": "Grid"},
    "issues.select": {"zh": "选择案件", "en": "Choose a case"},
    "issues.none": {"zh": "没有符合条件的案件。", "en": "No matching cases."},
    "issues.count": {"zh": "共 {n} 件，其中超期 {overdue} 件", "en": "{n} cases, {overdue} overdue"},
    "issues.tab.list": {"zh": "案件列表", "en": "Cases"},
    "issues.tab.daily": {"zh": "每日反馈", "en": "Daily list"},
    "issues.timeline": {"zh": "处置过程", "en": "Timeline"},
    "issues.photos": {"zh": "照片", "en": "Photos"},
    "issues.photo_kind.report": {"zh": "上报照片", "en": "Report photo"},
    "issues.photo_kind.before": {"zh": "处置前", "en": "Before"},
    "issues.photo_kind.after": {"zh": "处置后", "en": "After"},
    "issues.move": {"zh": "流转", "en": "Move"},
    "issues.move_to": {"zh": "下一步", "en": "Next step"},
    "issues.note": {"zh": "备注（作废、退回、挂起须填写原因）",
                    "en": "Note (required to dismiss, return or suspend)"},
    "issues.worker": {"zh": "派遣给网格员", "en": "Dispatch to worker"},
    "issues.worker_all": {"zh": "本网格全体网格员", "en": "All the grid's workers"},
    "issues.move_photos": {"zh": "处置前/后照片", "en": "Before/after photos"},
    "issues.moved": {"zh": "案件已更新为「{status}」。", "en": "The case is now {status}."},
    "issues.no_moves": {"zh": "您的角色在此状态下没有可执行的操作。",
                        "en": "Your role has no moves from this status."},
    "issues.handle_note": {"zh": "网格员不一定是系统用户：由督查员代为记录处置结果，请在备注中写明处置人。",
                           "en": "Grid workers may not be app users: an inspector records their "
                                 "handling; name who did the work in the note."},
    "issues.action.register": {"zh": "立案", "en": "Register"},
    "issues.action.dismiss": {"zh": "不予立案/作废", "en": "Dismiss"},
    "issues.action.dispatch": {"zh": "派遣", "en": "Dispatch"},
    "issues.action.handle": {"zh": "处置（记录处置结果）", "en": "Record handling"},
    "issues.action.verify": {"zh": "核查", "en": "Verify"},
    "issues.action.close": {"zh": "结案", "en": "Close"},
    "issues.action.return": {"zh": "退回重办", "en": "Return for rework"},
    "issues.action.redispatch": {"zh": "重新派遣", "en": "Dispatch again"},
    "issues.action.suspend": {"zh": "挂起", "en": "Suspend"},
    "issues.action.resume": {"zh": "恢复", "en": "Resume"},
    "issues.duplicate_of": {"zh": "本件为 {code} 的重复件。", "en": "Duplicate of {code}."},
    "issues.merged_here": {"zh": "合并到本件的重复件：{codes}", "en": "Duplicates merged here: {codes}"},
    "issues.linked": {"zh": "关联案件：{codes}", "en": "Linked cases: {codes}"},
    "issues.boundary": {"zh": "距网格边界 {distance:.1f} 米，需确认所属网格（邻近：{neighbours}）。",
                        "en": "{distance:.1f} m from the grid boundary; confirm the grid (near {neighbours})."},
    "issues.other": {"zh": "另一案件编号", "en": "Other case code"},
    "issues.confirm_grid": {"zh": "确认所属网格", "en": "Confirm the grid"},
    "issues.grid_confirmed": {"zh": "已确认所属网格：{grid}", "en": "Grid confirmed: {grid}"},
    "issues.overdue_badge": {"zh": "已超期", "en": "Overdue"},
    "issues.daily_day": {"zh": "日期", "en": "Day"},
    "issues.daily_none": {"zh": "该网格员当天没有未结案件。", "en": "No open cases for this worker."},
    "dash.by_status": {"zh": "各状态案件数", "en": "Cases by status"},
    "dash.by_category": {"zh": "各类别案件数（按月）", "en": "Cases by category per month"},
    "dash.overdue_by_grid": {"zh": "各网格超期案件数", "en": "Overdue cases by grid"},
    "dash.month": {"zh": "考核月份", "en": "Month"},
    "dash.ranking_grid": {"zh": "网格月度排名", "en": "Monthly ranking of grids"},
    "dash.ranking_worker": {"zh": "网格员月度排名", "en": "Monthly ranking of grid workers"},
    "dash.download": {"zh": "下载考核表（XLSX）", "en": "Download the scores (XLSX)"},
    "dash.no_cases": {"zh": "该月没有案件。", "en": "No cases that month."},
    # --- end of issues block ------------------------------------------------------------------
    # --- grids: split, reassign, workers (issue 6: gridmap/grids, pages/split.py, ...) -------
    "nav.split": {"zh": "网格划分", "en": "Split into grids"},
    "nav.reassign": {"zh": "网格调配", "en": "Reassign grids"},
    "nav.workers": {"zh": "网格员管理", "en": "Grid workers"},
    "field.problem": {"zh": "问题", "en": "Problem"},
    "field.buildings": {"zh": "楼栋数", "en": "Buildings"},
    "field.grids": {"zh": "网格数", "en": "Grids"},
    "field.n_grids": {"zh": "网格数", "en": "Grids"},
    "field.points": {"zh": "部件数", "en": "Point records"},
    "field.notes": {"zh": "备注", "en": "Notes"},
    "field.active": {"zh": "在岗", "en": "Active"},
    "field.active_from": {"zh": "到岗日期", "en": "Active from"},
    "field.active_to": {"zh": "离岗日期", "en": "Active to"},
    "field.valid_from": {"zh": "起始日期", "en": "Valid from"},
    "field.from_worker": {"zh": "原网格员", "en": "From"},
    "field.to_worker": {"zh": "新网格员", "en": "To"},
    "field.accept": {"zh": "采纳", "en": "Accept"},
    "field.value": {"zh": "数值", "en": "Value"},
    "field.min": {"zh": "下限", "en": "Minimum"},
    "field.target": {"zh": "目标", "en": "Target"},
    "field.max": {"zh": "上限", "en": "Maximum"},
    "field.locked": {"zh": "锁定", "en": "Locked"},
    "split.method": {"zh": "划分方式", "en": "Method"},
    "split.method.streets": {"zh": "沿街道", "en": "Along streets"},
    "split.method.cells": {"zh": "规则格网", "en": "Regular cells"},
    "split.method.households": {"zh": "按户数均衡", "en": "Balanced by households"},
    "split.cell_m": {"zh": "格网边长（米）", "en": "Cell size (m)"},
    "split.shape": {"zh": "形状", "en": "Shape"},
    "split.shape.square": {"zh": "正方形", "en": "Square"},
    "split.shape.hex": {"zh": "六边形", "en": "Hexagon"},
    "split.target_households": {"zh": "每格目标户数", "en": "Target households per grid"},
    "split.min": {"zh": "每格最少户数", "en": "Minimum households"},
    "split.max": {"zh": "每格最多户数", "en": "Maximum households"},
    "split.seed": {"zh": "随机种子", "en": "Seed"},
    "split.preview": {"zh": "生成预览", "en": "Preview"},
    "split.summary": {"zh": "共 {n} 个网格，{bad} 个不满足户数要求", "en": "{n} grids, {bad} outside the household bounds"},
    "split.reason": {"zh": "调整原因", "en": "Reason"},
    "split.confirm": {"zh": "我确认用新网格替换该社区现有网格（旧网格存入历史）", "en": "Replace this community's grids with the new ones (the old ones go to history)"},
    "split.save": {"zh": "保存新网格", "en": "Save the new grids"},
    "split.saved": {"zh": "已保存：撤销 {retired} 个网格，新建 {created} 个，沿用 {carried} 条分配", "en": "Saved: {retired} grids retired, {created} created, {carried} assignments carried over"},
    "split.unstaffed": {"zh": "以下新网格尚无网格员，请到网格调配页面分配：{codes}", "en": "These new grids have no worker yet; assign them on the reassign page: {codes}"},
    "split.none": {"zh": "先选择社区和方式，再生成预览。", "en": "Choose a community and a method, then preview."},
    "reassign.reload": {"zh": "重新载入", "en": "Reload"},
    "reassign.metric": {"zh": "均衡指标", "en": "Balance by"},
    "reassign.role": {"zh": "调配角色", "en": "Role"},
    "reassign.selected": {"zh": "已选网格", "en": "Selected grids"},
    "reassign.click_hint": {"zh": "点击地图上的网格加入选择。", "en": "Click grids on the map to select them."},
    "reassign.assign": {"zh": "分配", "en": "Assign"},
    "reassign.lock": {"zh": "锁定", "en": "Lock"},
    "reassign.unlock": {"zh": "解锁", "en": "Unlock"},
    "reassign.undo": {"zh": "撤销", "en": "Undo"},
    "reassign.redo": {"zh": "重做", "en": "Redo"},
    "reassign.validate": {"zh": "检查", "en": "Validate"},
    "reassign.valid": {"zh": "检查通过。", "en": "The plan is valid."},
    "reassign.save": {"zh": "保存调配", "en": "Save"},
    "reassign.saved": {"zh": "已保存：{grids} 个网格变更", "en": "Saved: {grids} grids changed"},
    "reassign.changes": {"zh": "未保存的变更：{n} 个网格", "en": "Unsaved changes: {n} grids"},
    "reassign.contiguity": {"zh": "要求网格员的网格连片", "en": "Each worker's grids must be contiguous"},
    "reassign.rebalance": {"zh": "自动均衡", "en": "Rebalance"},
    "reassign.no_moves": {"zh": "没有可改善的调整。", "en": "No move improves the balance."},
    "reassign.apply": {"zh": "采纳所选调整", "en": "Apply the accepted moves"},
    "reassign.bars": {"zh": "各网格员工作量", "en": "Workload per worker"},
    "reassign.conflict": {"zh": "保存被拒绝：{message}", "en": "Save refused: {message}"},
    "workers.add": {"zh": "新增网格员", "en": "Add a worker"},
    "workers.edit": {"zh": "编辑网格员", "en": "Edit a worker"},
    "workers.deactivate": {"zh": "停用网格员", "en": "Deactivate a worker"},
    "workers.deactivate_confirm": {"zh": "确认停用（其网格将需要重新分配）", "en": "Deactivate (their grids will need reassigning)"},
    "workers.added": {"zh": "已新增网格员 {code}", "en": "Added worker {code}"},
    "workers.updated": {"zh": "已更新网格员 {code}", "en": "Updated worker {code}"},
    "workers.deactivated": {"zh": "已停用 {code}；需重新分配的网格：{grids}", "en": "Deactivated {code}; grids to reassign: {grids}"},
    "workers.unstaffed": {"zh": "无专职/兼职网格员的网格：{codes}", "en": "Grids without a full- or part-time worker: {codes}"},
    "workers.all_staffed": {"zh": "所有网格都有网格员。", "en": "Every grid has a worker."},
    "workers.show_inactive": {"zh": "显示已停用", "en": "Show inactive"},
    "workers.roster": {"zh": "历史花名册", "en": "Roster on a date"},
    "workers.roster_day": {"zh": "日期", "en": "Date"},
    "field.worker_code": {"zh": "网格员编码", "en": "Worker code"},
    "field.valid_to": {"zh": "结束日期", "en": "Valid to"},
    "field.retired": {"zh": "已调整", "en": "Since replaced"},
    "field.grid_code": {"zh": "网格编码", "en": "Grid code"},
    # --- end of grids block -------------------------------------------------------------------
    # --- API and API tokens (refs #13) ---------------------------------------------------------
    "api.error.input": {"zh": "请求有误", "en": "Bad request"},
    "api.error.invalid_input": {"zh": "输入有误", "en": "Invalid input"},
    "api.error.token_missing": {"zh": "缺少 API 令牌", "en": "No API token was sent"},
    "api.error.token_invalid": {"zh": "API 令牌无效", "en": "Unknown API token"},
    "api.error.token_revoked": {"zh": "API 令牌已吊销", "en": "The API token was revoked"},
    "api.error.token_expired": {"zh": "API 令牌已过期", "en": "The API token has expired"},
    "api.error.right_missing": {"zh": "该令牌无此权限", "en": "The token lacks the right for this call"},
    "api.error.rate_limited": {"zh": "调用过于频繁，请稍后再试", "en": "Too many calls; try again later"},
    "api.error.out_of_scope": {"zh": "超出该令牌的社区范围", "en": "Outside the token's communities"},
    "api.error.outside_grids": {"zh": "该位置不在任何网格内", "en": "The position lies outside every grid"},
    "api.error.not_found": {"zh": "未找到", "en": "Not found"},
    "api.error.method_not_allowed": {"zh": "不支持该请求方法", "en": "Method not allowed"},
    "api.error.missing_field": {"zh": "缺少字段 {field}", "en": "Missing field {field}"},
    "api.error.invalid_field": {"zh": "字段 {field} 的值无效", "en": "Invalid value of {field}"},
    "api.error.unknown_service": {"zh": "未知的服务类别（service_code）", "en": "Unknown service_code"},
    "api.error.malformed_body": {"zh": "请求体格式错误", "en": "Malformed request body"},
    "api.error.body_too_large": {"zh": "请求体过大", "en": "Request body too large"},
    "api.error.unsupported_media_type": {"zh": "不支持的内容类型", "en": "Unsupported content type"},
    "api.error.internal_error": {"zh": "服务器内部错误", "en": "Internal server error"},
    "api.error.store_unavailable": {"zh": "数据库暂不可用", "en": "The store is unavailable"},
    "api.open311.notice": {"zh": "已受理，分派至网格 {grid}", "en": "Received; routed to grid {grid}"},
    "nav.tokens": {"zh": "API 令牌", "en": "API tokens"},
    "tokens.intro": {"zh": "令牌供其他系统（12345 热线、小程序、区级平台）调用 /api/v1 接口。令牌只显示一次，仅保存其哈希。", "en": "Tokens let other systems (a 12345 hotline, a mini-program, a district platform) call /api/v1. A token is shown once; only its hash is stored."},
    "tokens.create": {"zh": "新建令牌", "en": "Create a token"},
    "tokens.name": {"zh": "名称（使用方）", "en": "Name (who uses it)"},
    "tokens.rights": {"zh": "权限", "en": "Rights"},
    "tokens.days": {"zh": "有效天数", "en": "Valid for (days)"},
    "tokens.rate_limit": {"zh": "每分钟调用上限", "en": "Calls per minute"},
    "tokens.created": {"zh": "已新建令牌 {name}。请立即复制，此后不再显示：", "en": "Token {name} created. Copy it now; it will not be shown again:"},
    "tokens.revoke": {"zh": "吊销令牌", "en": "Revoke a token"},
    "tokens.revoke_confirm": {"zh": "确认吊销（立即失效）", "en": "Revoke (refused at once)"},
    "tokens.revoked": {"zh": "已吊销令牌 {name}。", "en": "Token {name} revoked."},
    "tokens.none": {"zh": "尚无令牌。", "en": "No tokens yet."},
    "tokens.right.report": {"zh": "上报问题", "en": "Report issues"},
    "tokens.right.read": {"zh": "读取（案件、定位、网格、设施）", "en": "Read (cases, locate, grids, points)"},
    "tokens.right.phones": {"zh": "查看完整电话号码", "en": "See full phone numbers"},
    "tokens.state.active": {"zh": "有效", "en": "Active"},
    "tokens.state.expired": {"zh": "已过期", "en": "Expired"},
    "tokens.state.revoked": {"zh": "已吊销", "en": "Revoked"},
    "tokens.col.name": {"zh": "名称", "en": "Name"},
    "tokens.col.prefix": {"zh": "前缀", "en": "Prefix"},
    "tokens.col.scope": {"zh": "范围", "en": "Scope"},
    "tokens.col.rights": {"zh": "权限", "en": "Rights"},
    "tokens.col.rate_limit": {"zh": "每分钟上限", "en": "Per minute"},
    "tokens.col.expires_at": {"zh": "到期", "en": "Expires"},
    "tokens.col.revoked_at": {"zh": "吊销时间", "en": "Revoked"},
    "tokens.col.created_by": {"zh": "创建人", "en": "Created by"},
    "tokens.col.created_at": {"zh": "创建时间", "en": "Created"},
    "tokens.col.last_used_at": {"zh": "最近使用", "en": "Last used"},
    "tokens.col.state": {"zh": "状态", "en": "State"},
    # --- notifications (gridmap.notify) -------------------------------------------------
    "notify.kind.dispatched": {"zh": "【派遣】新案件待处置", "en": "[Dispatched] New case to handle"},
    "notify.kind.returned": {"zh": "【退回】案件需重新处置", "en": "[Returned] Case to handle again"},
    "notify.kind.warning": {"zh": "【超时预警】案件即将超期", "en": "[Warning] Case nearly due"},
    "notify.kind.overdue": {"zh": "【超期】案件已超过处置时限", "en": "[Overdue] Case past its deadline"},
    "notify.kind.daily": {"zh": "【每日清单】", "en": "[Daily list]"},
    "notify.kind.supervision": {"zh": "【督办单】已下发", "en": "[Supervision orders] Issued"},
    "notify.kind.test": {"zh": "【测试】gridmap 通知", "en": "[Test] gridmap notification"},
    "notify.line.case": {"zh": "案件 {code}｜{category}", "en": "Case {code} | {category}"},
    "notify.line.place": {"zh": "地点：{place}", "en": "Place: {place}"},
    "notify.line.deadline": {"zh": "处置时限：{deadline}", "en": "Deadline: {deadline}"},
    "notify.line.left": {"zh": "剩余约 {hours} 小时", "en": "About {hours} h left"},
    "notify.line.over": {"zh": "已超期 {hours} 小时", "en": "{hours} h overdue"},
    "notify.line.workers": {"zh": "网格员：{workers}", "en": "Grid worker: {workers}"},
    "notify.line.link": {"zh": "详情：{link}", "en": "Details: {link}"},
    "notify.open_case": {"zh": "查看案件", "en": "Open the case"},
    "notify.daily.summary": {"zh": "{day} 在办 {open} 件，超期 {overdue} 件，今日到期 {due} 件", "en": "{day}: {open} open, {overdue} overdue, {due} due today"},
    "notify.daily.overdue_flag": {"zh": "（超期）", "en": " (overdue)"},
    "notify.daily.more": {"zh": "另有 {n} 件", "en": "{n} more"},
    "notify.supervision.text": {"zh": "已下发督办单 {n} 份：{grids}；整改期限 {deadline}", "en": "{n} supervision order(s) issued: {grids}; fix by {deadline}"},
    "notify.test.text": {"zh": "这是一条测试消息：通知渠道 {name} 工作正常。", "en": "This is a test message: channel {name} works."},
    "nav.notify_log": {"zh": "通知记录", "en": "Notification log"},
    "notify.settings": {"zh": "通知渠道", "en": "Notification channels"},
    "notify.settings_help": {"zh": "渠道保存在设置文件的 [notify.channels] 中；密钥不会显示。", "en": "Channels are kept under [notify.channels] in the settings file; secrets are never shown."},
    "notify.none": {"zh": "尚未配置通知渠道。", "en": "No notification channels yet."},
    "notify.test": {"zh": "发送测试", "en": "Send test"},
    "notify.test_ok": {"zh": "测试消息已送达渠道 {name}。", "en": "Test message delivered over {name}."},
    "notify.test_failed": {"zh": "渠道 {name} 发送失败：{error}", "en": "Channel {name} failed: {error}"},
    "notify.edit": {"zh": "新增或修改渠道", "en": "Add or change a channel"},
    "notify.name": {"zh": "渠道名称", "en": "Channel name"},
    "notify.type": {"zh": "类型", "en": "Type"},
    "notify.type.wecom": {"zh": "企业微信群机器人", "en": "WeCom group robot"},
    "notify.type.dingtalk": {"zh": "钉钉机器人", "en": "DingTalk robot"},
    "notify.type.feishu": {"zh": "飞书机器人", "en": "Feishu bot"},
    "notify.type.smtp": {"zh": "电子邮件 (SMTP)", "en": "Email (SMTP)"},
    "notify.type.webhook": {"zh": "通用 Webhook", "en": "Generic webhook"},
    "notify.url": {"zh": "Webhook 地址", "en": "Webhook URL"},
    "notify.secret": {"zh": "签名密钥（留空则保持不变）", "en": "Signing secret (blank: keep)"},
    "notify.audience": {"zh": "接收对象", "en": "Receivers"},
    "notify.audience.workers": {"zh": "网格员", "en": "Grid workers"},
    "notify.audience.grid_heads": {"zh": "网格长", "en": "Grid heads"},
    "notify.audience.inspectors": {"zh": "督查员", "en": "Inspectors"},
    "notify.audience.office": {"zh": "街道办", "en": "Street office"},
    "notify.role": {"zh": "接收方权限（决定电话、姓名是否脱敏）", "en": "Receiver's role (masks phones and names)"},
    "notify.smtp_host": {"zh": "SMTP 服务器", "en": "SMTP host"},
    "notify.smtp_port": {"zh": "端口", "en": "Port"},
    "notify.smtp_security": {"zh": "加密方式", "en": "Security"},
    "notify.smtp_user": {"zh": "用户名", "en": "User"},
    "notify.smtp_password_env": {"zh": "密码所在环境变量", "en": "Environment variable holding the password"},
    "notify.smtp_to": {"zh": "收件人（逗号分隔）", "en": "To (comma separated)"},
    "notify.save": {"zh": "保存渠道", "en": "Save channel"},
    "notify.remove": {"zh": "删除渠道", "en": "Remove channel"},
    "notify.saved": {"zh": "渠道已保存。", "en": "Channel saved."},
    "notify.general": {"zh": "通知规则", "en": "Notification rules"},
    "notify.public_url": {"zh": "系统访问地址（用于消息中的链接）", "en": "App address (for links in messages)"},
    "notify.warn_share": {"zh": "超时预警比例（时限的百分比）", "en": "Warn at this share of the time limit"},
    "notify.daily_at": {"zh": "每日清单发送时间", "en": "Daily list time"},
    "notify.max_attempts": {"zh": "最多尝试次数", "en": "Maximum attempts"},
    "notify.log.intro": {"zh": "通知发件箱：待发、发送中、已发送与失败（死信）的消息，以及每次尝试。", "en": "The notification outbox: pending, sending, sent and dead messages, and every attempt."},
    "notify.log.status": {"zh": "状态", "en": "Status"},
    "notify.log.all": {"zh": "全部", "en": "All"},
    "notify.log.attempts": {"zh": "发送尝试", "en": "Attempts"},
    "notify.log.requeue": {"zh": "重新发送", "en": "Send again"},
    "notify.log.requeued": {"zh": "已重新排队。", "en": "Queued again."},
    "notify.log.empty": {"zh": "暂无通知。", "en": "No notifications yet."},
    "notify.status.pending": {"zh": "待发送", "en": "Pending"},
    "notify.status.sending": {"zh": "发送中", "en": "Sending"},
    "notify.status.sent": {"zh": "已发送", "en": "Sent"},
    "notify.status.dead": {"zh": "失败（死信）", "en": "Dead"},
    # --- field roles (refs #15) ----------------------------------------------------------
    "map.locate": {"zh": "我的位置", "en": "My location"},
    "users.worker": {"zh": "关联网格员（角色为网格员时必选）", "en": "Worker record (role worker only)"},
    "users.worker_help": {
        "zh": "网格员账号对应一名网格员，只能看到并处置其网格的案件",
        "en": "A worker account is one grid worker: it sees and handles that worker's cases only",
    },
    "users.no_worker": {"zh": "—（不关联）", "en": "— (none)"},
    "users.import_workers": {"zh": "导入网格员账号", "en": "Import worker accounts"},
    "users.import_help": {
        "zh": "CSV 或 XLSX：一行一名网格员，列为 工号（必填）、用户名、密码（可不填，不填则随机生成，只显示一次）。",
        "en": "CSV or XLSX, one worker a row: worker code (required), username, password "
        "(optional: a random one is made and shown once).",
    },
    "users.import_file": {"zh": "账号表", "en": "Accounts table"},
    "users.imported": {"zh": "已创建 {n} 个网格员账号；请立即抄下密码，只显示这一次。",
                       "en": "Created {n} worker accounts; copy the passwords now, they are shown once."},
    "users.col.worker": {"zh": "网格员工号", "en": "Worker"},
    "users.col.worker_code": {"zh": "网格员工号", "en": "Worker"},
    "users.col.password": {"zh": "密码", "en": "Password"},
    "report.done_short": {"zh": "已上报，案件编号 {code}", "en": "Reported: case {code}"},
    "report.photo": {"zh": "照片（拍照或选图）", "en": "Photo (take or choose)"},
    "report.camera": {"zh": "用摄像头拍照", "en": "Use the camera"},
    "report.photo_remove": {"zh": "移除已保存的照片", "en": "Remove the kept photo"},
    "report.description_hint": {"zh": "补充说明（可不填）", "en": "Details (optional)"},
    "report.more": {"zh": "更多：小类、上报人、输入坐标", "en": "More: subclass, reporter, coordinates"},
    "report.no_category": {"zh": "请先选择问题类别。", "en": "Choose the category first."},
    "nav.todo": {"zh": "我的待办", "en": "My cases"},
    "nav.my_reports": {"zh": "我的上报", "en": "My reports"},
    "nav.section.field": {"zh": "现场", "en": "Field"},
    "todo.none": {"zh": "暂无待办案件。", "en": "No cases waiting for you."},
    "todo.count": {"zh": "待办 {n} 件，其中超时 {overdue} 件", "en": "{n} cases, {overdue} overdue"},
    "todo.left": {"zh": "剩余 {h:.1f} 小时", "en": "{h:.1f} h left"},
    "todo.overdue": {"zh": "已超时 {h:.1f} 小时", "en": "{h:.1f} h overdue"},
    "todo.acknowledged": {"zh": "已签收（{user}）", "en": "Acknowledged ({user})"},
    "todo.acknowledge": {"zh": "签收", "en": "Acknowledge"},
    "todo.acknowledged_ok": {"zh": "已签收 {code}。", "en": "Acknowledged {code}."},
    "todo.handle": {"zh": "处置", "en": "Handle"},
    "todo.before": {"zh": "处置前照片", "en": "Photo before"},
    "todo.after": {"zh": "处置后照片", "en": "Photo after"},
    "todo.note": {"zh": "处置说明", "en": "What was done"},
    "todo.handle_submit": {"zh": "提交处置", "en": "Submit the handling"},
    "todo.handled_ok": {"zh": "已提交处置 {code}，等待核查。", "en": "Handled {code}; awaiting verification."},
    "todo.return": {"zh": "申请退回", "en": "Ask to return"},
    "todo.reason": {"zh": "退回原因", "en": "Why"},
    "todo.return_submit": {"zh": "提交退回申请", "en": "Send back"},
    "todo.returned_ok": {"zh": "已退回 {code}，调度员将重新派遣。", "en": "Returned {code}; the dispatcher will dispatch it again."},
    "todo.map": {"zh": "我的网格", "en": "My grids"},
    "todo.grids": {"zh": "负责网格：{grids}", "en": "Your grids: {grids}"},
    "todo.where": {"zh": "网格 {grid} · 经度 {lon:.5f}，纬度 {lat:.5f}", "en": "Grid {grid} · lon {lon:.5f}, lat {lat:.5f}"},
    "todo.camera": {"zh": "用摄像头拍处置后照片", "en": "Take the after photo with the camera"},
    "my_reports.none": {"zh": "还没有上报过问题。", "en": "You have not reported anything yet."},
    "my_reports.count": {"zh": "共 {n} 件", "en": "{n} reports"},
    "pick.hint": {
        "zh": "点击地图选择位置，或点 ◎ 使用本机定位。",
        "en": "Tap the map to choose the place, or ◎ to use this device's position.",
    },
    "pick.where": {
        "zh": "已选位置：经度 {lon:.6f}，纬度 {lat:.6f} · 网格 {grid}（{community}）",
        "en": "Chosen: lon {lon:.6f}, lat {lat:.6f} · grid {grid} ({community})",
    },
    "pick.outside": {
        "zh": "已选位置：经度 {lon:.6f}，纬度 {lat:.6f}（不在任何网格内）",
        "en": "Chosen: lon {lon:.6f}, lat {lat:.6f} (in no grid)",
    },
    "map.locating": {"zh": "正在定位…", "en": "Locating…"},
    "map.locate_failed": {
        "zh": "无法定位：请允许浏览器使用位置（仅限 https 或本机地址）",
        "en": "No position: allow the browser to use your location (https or localhost only)",
    },
    "lifecycle.step.report": {"zh": "上报", "en": "report"},
    "lifecycle.step.register": {"zh": "立案", "en": "register"},
    "lifecycle.step.dispatch": {"zh": "派遣", "en": "dispatch"},
    "lifecycle.step.redispatch": {"zh": "重新派遣", "en": "redispatch"},
    "lifecycle.step.handle": {"zh": "处置", "en": "handle"},
    "lifecycle.step.verify": {"zh": "核查", "en": "verify"},
    "lifecycle.step.close": {"zh": "结案", "en": "close"},
    "lifecycle.step.return": {"zh": "退回", "en": "return"},
    "lifecycle.step.dismiss": {"zh": "作废", "en": "dismiss"},
    "lifecycle.step.suspend": {"zh": "挂起", "en": "suspend"},
    "lifecycle.step.resume": {"zh": "恢复", "en": "resume"},
    "field.not_linked": {
        "zh": "用户 {user} 没有关联网格员档案，请管理员在用户管理中关联",
        "en": "user {user} is linked to no worker record; ask an admin to link one",
    },
    # the 督办 loop (tracked supervision orders) and the monthly 考核 ledger
    "notify.kind.supervision_move": {"zh": "【督办单】状态变更", "en": "[Supervision order] Update"},
    "notify.supervision_move.text": {"zh": "督办单 {number}（{grids}）：{state}；整改期限 {deadline}", "en": "Supervision order {number} ({grids}): {state}; fix by {deadline}"},
    "supervision.state.issued": {"zh": "已下发", "en": "Issued"},
    "supervision.state.rectifying": {"zh": "整改中", "en": "Being fixed"},
    "supervision.state.rectified": {"zh": "已整改", "en": "Fixed, awaiting re-check"},
    "supervision.state.passed": {"zh": "复查通过", "en": "Re-check passed"},
    "supervision.state.done": {"zh": "办结", "en": "Closed"},
    "supervision.action.accept": {"zh": "签收", "en": "Accept"},
    "supervision.action.report": {"zh": "整改完成", "en": "Report fixed"},
    "supervision.action.recheck": {"zh": "复查", "en": "Re-check"},
    "supervision.action.close": {"zh": "办结", "en": "Close"},
    "supervision.action.recheck_pass": {"zh": "复查通过", "en": "Re-check passed"},
    "supervision.action.recheck_fail": {"zh": "复查不通过", "en": "Re-check failed"},
    "nav.supervision": {"zh": "督办", "en": "Supervision"},
    "supervision.title": {"zh": "督办单跟踪", "en": "Supervision orders"},
    "supervision.issue": {"zh": "按检查结果下发督办单", "en": "Issue orders from the check failures"},
    "supervision.deadline_days": {"zh": "整改期限（天）", "en": "Days to fix"},
    "supervision.issued": {"zh": "已下发 {n} 份督办单。", "en": "{n} order(s) issued."},
    "supervision.none": {"zh": "暂无督办单。", "en": "No supervision orders yet."},
    "supervision.state_filter": {"zh": "状态", "en": "State"},
    "supervision.overdue_only": {"zh": "只看逾期", "en": "Overdue only"},
    "supervision.pick": {"zh": "督办单", "en": "Order"},
    "supervision.items": {"zh": "督办事项", "en": "Items"},
    "supervision.events": {"zh": "办理过程", "en": "History"},
    "supervision.note": {"zh": "说明", "en": "Note"},
    "supervision.photos": {"zh": "整改照片", "en": "Photos of the fix"},
    "supervision.moved": {"zh": "督办单 {number} 现为：{state}", "en": "Order {number} is now: {state}"},
    "supervision.recheck_left": {"zh": "仍有 {n} 项未整改。", "en": "{n} item(s) still not fixed."},
    "supervision.overdue": {"zh": "逾期", "en": "Overdue"},
    "supervision.col.number": {"zh": "文号", "en": "Number"},
    "supervision.col.grid": {"zh": "网格", "en": "Grid"},
    "supervision.col.state": {"zh": "状态", "en": "State"},
    "supervision.col.deadline": {"zh": "整改期限", "en": "Fix by"},
    "supervision.col.items": {"zh": "事项", "en": "Items"},
    "supervision.col.resolved": {"zh": "已整改", "en": "Fixed"},
    "supervision.col.overdue": {"zh": "逾期", "en": "Overdue"},
    "supervision.item.rule_id": {"zh": "规则", "en": "Rule"},
    "supervision.item.object_id": {"zh": "对象编号", "en": "Object"},
    "supervision.item.message": {"zh": "问题", "en": "Problem"},
    "supervision.item.weight": {"zh": "权重", "en": "Weight"},
    "supervision.item.resolved": {"zh": "已整改", "en": "Fixed"},
    "ledger.title": {"zh": "月度考核台账", "en": "Monthly assessment ledger"},
    "ledger.level.grid": {"zh": "网格", "en": "Grid"},
    "ledger.level.worker": {"zh": "网格员", "en": "Worker"},
    "ledger.level.community": {"zh": "社区", "en": "Community"},
    "ledger.cause.rule": {"zh": "检查不达标", "en": "Rule failure"},
    "ledger.cause.case_overdue": {"zh": "案件超时", "en": "Case overdue"},
    "ledger.cause.case_returned": {"zh": "案件退回", "en": "Case returned"},
    "ledger.cause.order_overdue": {"zh": "督办单逾期", "en": "Order overdue"},
    "ledger.col.rank": {"zh": "排名", "en": "Rank"},
    "ledger.col.key": {"zh": "对象", "en": "Unit"},
    "ledger.col.name": {"zh": "名称", "en": "Name"},
    "ledger.col.score": {"zh": "得分", "en": "Score"},
    "ledger.col.deducted": {"zh": "扣分", "en": "Deducted"},
    "ledger.col.lines": {"zh": "扣分项", "en": "Deductions"},
    "ledger.col.cause": {"zh": "扣分原因", "en": "Cause"},
    "ledger.col.ref": {"zh": "依据", "en": "Reference"},
    "ledger.col.points": {"zh": "分值", "en": "Points"},
    "ledger.col.detail": {"zh": "说明", "en": "Detail"},
    "ledger.pdf_title": {"zh": "{month} 月度考核排名", "en": "Assessment ranking, {month}"},
    "ledger.download_xlsx": {"zh": "下载考核台账（XLSX）", "en": "Download the ledger (XLSX)"},
    "ledger.download_pdf": {"zh": "下载考核排名（PDF）", "en": "Download the ranking (PDF)"},
    "ledger.empty": {"zh": "本月无扣分。", "en": "No deductions this month."},
    "dash.dismissed_note": {"zh": "不予立案、作废及合并的重复案件单列（“不予立案/作废”列），不计入案件数和结案数。", "en": "Dismissed reports and merged duplicates are listed apart (the Dismissed column), never counted as cases or as closed."},
    "field.dismissed": {"zh": "不予立案/作废", "en": "Dismissed"},
    "field.score": {"zh": "得分", "en": "Score"},
}


def _pairs(**values: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"zh": zh, "en": en} for key, (zh, en) in values.items()}


#: Display names of canonical values: value (or ``"<field>.<value>"``) -> {lang: text}.
LABELS: dict[str, dict[str, str]] = {
    # WorkerRole
    **_pairs(
        grid_head=("网格长", "Grid head"),
        full_time=("专职网格员", "Full-time worker"),
        part_time=("兼职网格员", "Part-time worker"),
        volunteer=("志愿者", "Volunteer"),
    ),
    # issue photo kinds
    **{
        f"photo_kind.{k}": {"zh": zh, "en": en}
        for k, (zh, en) in {
            "report": ("上报照片", "Reported"),
            "before": ("处置前", "Before"),
            "after": ("处置后", "After"),
        }.items()
    },
    # UserRole
    **_pairs(
        viewer=("查看人员", "Viewer"),
        inspector=("督查员", "Inspector"),
        planner=("规划调度员", "Planner"),
        admin=("管理员", "Administrator"),
        worker=("网格员", "Grid worker"),
    ),
    # RoadClass
    **_pairs(
        main_commercial=("主要商业街", "Main commercial street"),
        main=("主干道", "Main road"),
        secondary=("次干道", "Secondary road"),
        lane=("支路/巷道", "Lane"),
        path=("步行道", "Path"),
    ),
    # BoardType
    **_pairs(
        public_ad=("公益广告牌", "Public-service ad"),
        publicity=("宣传栏", "Publicity board"),
        panel=("展板", "Display panel"),
        reminder=("提示牌", "Reminder board"),
        commercial=("商业广告", "Commercial ad"),
    ),
    # BinType
    **_pairs(
        collection_point=("垃圾收集点", "Collection point"),
        street_bin=("垃圾桶", "Street bin"),
    ),
    # PointStatus
    **_pairs(
        active=("在用", "In use"),
        damaged=("损坏", "Damaged"),
        repairing=("维修中", "Under repair"),
        retired=("已撤除", "Retired"),
    ),
    # MaintenanceAction
    **_pairs(
        inspected=("巡检", "Inspected"),
        cleaned=("清洁", "Cleaned"),
        repaired=("维修", "Repaired"),
        replaced=("更换", "Replaced"),
    ),
    # IssueStatus (the 数字城管 loop)
    **_pairs(
        reported=("上报", "Reported"),
        registered=("立案", "Registered"),
        dispatched=("派遣", "Dispatched"),
        handled=("处置", "Handled"),
        verified=("核查", "Verified"),
        closed=("结案", "Closed"),
        suspended=("挂起", "Suspended"),
        returned=("退回", "Returned"),
    ),
    # Other enum columns of model.LAYERS (sorting category, condition, school level, entrance)
    **_pairs(
        recyclable=("可回收物", "Recyclable"),
        hazardous=("有害垃圾", "Hazardous"),
        kitchen=("厨余垃圾", "Kitchen waste"),
        mixed=("混合/四分类", "Mixed / four-way sorted"),
        other=("其他", "Other"),
        good=("良好", "Good"),
        fair=("一般", "Fair"),
        poor=("较差", "Poor"),
        broken=("损坏", "Broken"),
        primary=("小学", "Primary school"),
        nine_year=("九年一贯制", "Nine-year school"),
        kindergarten=("幼儿园", "Kindergarten"),
        community=("社区", "Community"),
        compound=("小区", "Compound"),
    ),
    # values whose meaning depends on the column
    **_pairs(
        **{
            "category.other": ("其他垃圾", "Other (residual) waste"),
            "level.secondary": ("中学", "Secondary school"),
            "level.other": ("其他学校", "Other school"),
            "road_class.secondary": ("次干道", "Secondary road"),
        }
    ),
    # layer names (model.LAYERS keys)
    **_pairs(
        **{
            "layer.communities": ("社区", "Communities"),
            "layer.grids": ("网格", "Grids"),
            "layer.workers": ("网格员", "Grid workers"),
            "layer.assignments": ("网格分工", "Assignments"),
            "layer.compounds": ("小区", "Compounds"),
            "layer.entrances": ("出入口", "Entrances"),
            "layer.buildings": ("楼栋", "Buildings"),
            "layer.roads": ("道路", "Roads"),
            "layer.schools": ("学校", "Schools"),
            "layer.internet_cafes": ("网吧", "Internet cafés"),
            "layer.boards": ("宣传牌", "Boards"),
            "layer.fitness": ("健身器材", "Fitness equipment"),
            "layer.bins": ("垃圾桶与收集点", "Bins and collection points"),
            "layer.issues": ("问题上报", "Issue reports"),
            "layer.maintenance": ("维护记录", "Maintenance log"),
            "layer.service_centres": ("社区服务中心", "Service centres"),  # issue 19
            "layer.hoardings": ("工地围挡", "Construction hoardings"),  # issue 19
        }
    ),
    # point kinds (model.POINT_KINDS values and the other point layers)
    **_pairs(
        **{
            "kind.board": ("宣传牌", "Board"),
            "kind.fitness": ("健身器材", "Fitness equipment"),
            "kind.bin": ("垃圾桶", "Bin"),
            "kind.issue": ("问题", "Issue"),
            "kind.internet_cafe": ("网吧", "Internet café"),
            "kind.entrance": ("出入口", "Entrance"),
            "kind.building": ("楼栋", "Building"),
            "kind.compound": ("小区", "Compound"),
            "kind.school": ("学校", "School"),
            "kind.community": ("社区", "Community"),
            "kind.grid": ("网格", "Grid"),
            "kind.check": ("检查问题", "Check failure"),  # gridmap.checks.display
        }
    ),
}

# Unqualified layer names and kinds, for ``label("boards")``; qualified entries win.
for _key in [k for k in LABELS if k.startswith(("layer.", "kind."))]:
    LABELS.setdefault(_key.split(".", 1)[1], LABELS[_key])
del _key

# enum class name -> column name used to qualify its values
_ENUM_FIELDS = {
    "WorkerRole": "role",
    "UserRole": "user_role",
    "RoadClass": "road_class",
    "BoardType": "board_type",
    "BinType": "bin_type",
    "PointStatus": "status",
    "IssueStatus": "status",
    "MaintenanceAction": "action",
}


def normalize_lang(lang: str | None) -> str:
    """Return the supported language code for ``lang``.

    Parameters
    ----------
    lang
        A language code such as ``"zh"``, ``"zh-CN"``, ``"en_US"`` or ``None``.

    Returns
    -------
    str
        One of :data:`LANGS`; :data:`DEFAULT_LANG` for ``None`` or unknown codes.
    """
    if not lang:
        return DEFAULT_LANG
    code = str(lang).strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGS else DEFAULT_LANG


def _pick(entry: dict[str, str], lang: str) -> str | None:
    text = entry.get(normalize_lang(lang))
    if text:
        return text
    return entry.get(DEFAULT_LANG) or None


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Return the UI string ``key`` in ``lang``, with ``fmt`` fields filled in.

    Parameters
    ----------
    key
        A key of :data:`STRINGS`, e.g. ``"auth.login"``.
    lang
        ``"zh"`` (default) or ``"en"``; regional forms such as ``"zh-CN"`` are accepted.
    **fmt
        Values for ``{name}`` fields in the text.

    Returns
    -------
    str
        The translated text; the key itself when it is unknown. Fields missing from
        ``fmt`` are left as they are rather than raising.

    Examples
    --------
    >>> t("auth.login", "en")
    'Log in'
    >>> t("auth.logged_in_as", "zh", user="admin")
    '当前用户：admin'
    >>> t("no.such.key")
    'no.such.key'
    """
    entry = STRINGS.get(key)
    text = _pick(entry, lang) if entry else None
    if text is None:
        return key
    if not fmt:
        return text
    try:
        return text.format(**fmt)
    except (KeyError, IndexError, ValueError):
        return text


#: Layers whose rows are people: their ``name`` column is a person's name (姓名, not 名称).
PEOPLE_LAYERS = frozenset({"workers", "users", "grid_workers"})


def field_label(column: str, lang: str = DEFAULT_LANG, *, layer: str | None = None) -> str:
    """Return the header of ``column`` (``field.<column>``); a person's ``name`` is 姓名.

    Examples
    --------
    >>> field_label("name"), field_label("name", layer="workers"), field_label("phone")
    ('名称', '姓名', '电话')
    >>> field_label("no_such_column")
    'no_such_column'
    """
    if column == "name" and layer in PEOPLE_LAYERS:
        return t("field.person_name", lang)
    key = f"field.{column}"
    return t(key, lang) if key in STRINGS else column


def label(value: object, lang: str = DEFAULT_LANG, *, field: str | None = None) -> str:
    """Return the display name of a canonical value from :mod:`gridmap.model`.

    Parameters
    ----------
    value
        A canonical value (``"grid_head"``, ``RoadClass.MAIN``, a layer name such as
        ``"boards"``); enum members are accepted.
    lang
        ``"zh"`` (default) or ``"en"``.
    field
        The column the value comes from (``"road_class"``, ``"level"``, ``"category"``,
        ``"layer"``, ``"kind"``), used for values whose meaning depends on the column.
        Inferred for members of the :mod:`gridmap.model` enums.

    Returns
    -------
    str
        The label; ``str(value)`` when there is none, and ``""`` for ``None``.

    Examples
    --------
    >>> label("grid_head", "zh")
    '网格长'
    >>> label("secondary", "zh", field="level")
    '中学'
    >>> label("boards", "en", field="layer")
    'Boards'
    """
    if value is None:
        return ""
    if isinstance(value, Enum):
        field = field or _ENUM_FIELDS.get(type(value).__name__)
        value = value.value
    key = str(value)
    candidates = [f"{field}.{key}", key] if field else [key]
    for candidate in candidates:
        entry = LABELS.get(candidate)
        if entry:
            text = _pick(entry, lang)
            if text:
                return text
    return key


# --- times and dates ------------------------------------------------------------------------
# One way to show a time: stored in UTC, shown in the street's time zone as
# ``2026-12-05 14:30`` (no seconds, no offset); a date as ``2026-12-05``.


def _zone(tz: Any):
    from gridmap.config import street_zone

    if tz is None or isinstance(tz, str):
        return street_zone(tz)
    return tz


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return value is pd.NaT or (not isinstance(value, str | bytes) and bool(pd.isna(value)))
    except (TypeError, ValueError, ImportError):
        return False


def _as_datetime(value: object) -> dt.datetime | dt.date | None:
    """``value`` as a datetime (naive means UTC) or a plain date; None when it is none."""
    if _is_blank(value) or value == "":
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime | dt.date):
        return value
    if hasattr(value, "astype") and "datetime64" in str(getattr(value, "dtype", "")):
        import pandas as pd

        return pd.Timestamp(value).to_pydatetime()
    text = str(value).strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _local(value: dt.datetime, tz: Any) -> dt.datetime:
    if value.tzinfo is None:  # the store keeps UTC; a naive time is UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(_zone(tz))


def format_time(value: object, *, tz: Any = None, seconds: bool = False) -> str:
    """Return ``value`` as a local time ``2026-12-05 14:30``, the one way times are shown.

    Parameters
    ----------
    value
        A datetime (aware, or naive meaning UTC as the store keeps it), a pandas
        Timestamp, an ISO text, or a date (shown as a date). ``None``/NaT/NaN give ``""``.
    tz
        The zone to show it in (a name or a ``tzinfo``); default the street's
        ``timezone`` setting (Asia/Shanghai).
    seconds
        Add the seconds (``14:30:05``); never microseconds or an offset.

    Returns
    -------
    str
        ``YYYY-MM-DD HH:MM`` in the local zone; ``""`` for a missing value; text that
        is no time comes back as it was.

    Examples
    --------
    >>> format_time(dt.datetime(2026, 12, 5, 6, 30, 56, 488535, tzinfo=dt.UTC))
    '2026-12-05 14:30'
    >>> format_time("2026-12-07T06:30:00+00:00", tz="Asia/Shanghai")
    '2026-12-07 14:30'
    >>> format_time(None)
    ''
    >>> format_time(dt.date(2026, 12, 5))
    '2026-12-05'
    """
    when = _as_datetime(value)
    if when is None:
        return "" if _is_blank(value) or value == "" else str(value)
    if not isinstance(when, dt.datetime):
        return when.isoformat()
    return _local(when, tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_date(value: object, *, tz: Any = None) -> str:
    """Return the local calendar date of ``value`` as ``2026-12-05``.

    A datetime is first taken to the street's zone (so 20:00 UTC is the next day
    in Shanghai); a date is shown as it is. ``None``/NaT give ``""``.

    Examples
    --------
    >>> format_date(dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC), tz="Asia/Shanghai")
    '2026-12-05'
    >>> format_date("2026-12-05")
    '2026-12-05'
    """
    when = _as_datetime(value)
    if when is None:
        return "" if _is_blank(value) or value == "" else str(value)
    if isinstance(when, dt.datetime):
        return _local(when, tz).date().isoformat()
    return when.isoformat()


def format_value(value: object, *, tz: Any = None) -> object:
    """Return a table cell for display: times and dates formatted, missing values blank.

    Numbers and text pass through unchanged; ``None``/NaN/NaT become ``""`` (a table
    never shows "None").

    Examples
    --------
    >>> format_value(None), format_value(3), format_value(dt.date(2026, 1, 2))
    ('', 3, '2026-01-02')
    """
    if isinstance(value, str):
        return value
    if _is_blank(value):
        return ""
    if hasattr(value, "to_pydatetime") or isinstance(value, dt.datetime):
        return format_time(value, tz=tz)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def format_frame(frame: Any, *, tz: Any = None, blank_numbers: bool = True) -> Any:
    """Return a copy of a DataFrame for display: time columns local, blanks for missing.

    Datetime columns (and object columns holding datetimes or dates) become text in the
    :func:`format_time`/:func:`format_date` form; missing values in any column become ``""``.
    With ``blank_numbers=False``, a number column keeps its NaN: a data grid that shows
    missing values blank (``st.dataframe(..., placeholder="")``) still sorts it as numbers.
    """
    import pandas as pd

    out = frame.copy()
    zone = _zone(tz)
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[col] = [format_time(v, tz=zone) for v in series]
        elif series.dtype == object and not pd.api.types.is_string_dtype(series):
            if series.map(lambda v: isinstance(v, dt.date | dt.datetime) or _is_blank(v)).any():
                out[col] = [format_value(v, tz=zone) for v in series]
        elif pd.api.types.is_string_dtype(series) and series.isna().any():
            out[col] = series.fillna("")
        elif blank_numbers and pd.api.types.is_float_dtype(series) and series.isna().any():
            out[col] = series.astype(object).where(series.notna(), "")
    return out


#: Decimal places a measured figure is shown with, by unit: what the figure means.
_UNIT_DECIMALS = {"m": 0, "m²": 0, "h": 1, "days": 0, "%": 1, "km": 1}


def format_measure(value: object, unit: str | None, *, lang: str = DEFAULT_LANG) -> str:
    """Return a measured figure with its unit in ``lang``: ``88米``, ``832.4小时``, ``20.0%``.

    Distances are shown to the metre (to 0.1 m below 10 m), hours and shares to one
    decimal, days and counts whole; the unit is the Chinese unit (米, 户, 人, 块, 天,
    小时; ``checks.unit.<unit>``) in Chinese and the English one otherwise. ``""`` for
    no value. Documents and the command line's check reports show measures this way.

    Examples
    --------
    >>> format_measure(88.183472, "m"), format_measure(832.44, "h"), format_measure(1, "workers")
    ('88米', '832.4小时', '1名')
    >>> format_measure(158, "days", lang="en"), format_measure(3.25, "m", lang="en")
    ('158 days', '3.2 m')
    >>> format_measure(None, "m")
    ''
    """
    if _is_blank(value):
        return ""
    if isinstance(value, bool) or not _is_number(value):
        number = str(value)
    else:
        decimals = _UNIT_DECIMALS.get(unit or "", 0)
        if unit == "m" and abs(float(value)) < 10:  # type: ignore[arg-type]
            decimals = 1
        f = float(value)  # type: ignore[arg-type]
        number = f"{f:,.{decimals}f}" if decimals else f"{round(f):,d}"
    if not unit:
        return number
    key = f"checks.unit.{unit}"
    shown = t(key, lang)
    shown = unit if shown == key else shown
    glue = "" if (shown == "%" or not shown[0].isascii()) else " "
    return f"{number}{glue}{shown}"


def _is_number(value: object) -> bool:
    """Whether ``value`` is a real number (Python's or numpy's), not text."""
    import numbers

    return isinstance(value, numbers.Real)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:@&=^\"'])")
#: Where GFM would find an auto-link in the *text* (after escapes are resolved, so
#: backslashes cannot stop it): ``scheme://``, ``www.`` and ``@`` of an e-mail address.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?=@)")
_WORD_JOINER = "\u2060"  # invisible, not a word character: breaks the auto-link patterns


def escape_markdown(value: object) -> str:
    r"""Return user text escaped for anything that renders Markdown (the app's one escaping).

    Every ASCII punctuation Markdown could use is backslash-escaped, so user text
    stays text: no images, links, HTML, math, emoji shortcodes, ``:color[...]``
    directives, headings or lists; line breaks become spaces. GFM finds auto-links
    in the text after escapes are resolved, so an invisible word joiner goes after
    ``scheme:``, ``www`` and before ``@``: no URL or e-mail address becomes a link.

    Examples
    --------
    >>> escape_markdown("**bold** [x](y)")
    '\\*\\*bold\\*\\* \\[x\\]\\(y\\)'
    """
    text = _AUTOLINK.sub(_WORD_JOINER, " ".join(str(value).splitlines()))
    return _MD_SPECIAL.sub(r"\\\1", text)
