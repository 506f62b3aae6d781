"""Every keyed message in Chinese and English: one table, Chinese first.

:data:`MESSAGES` maps a key to ``{"zh": ..., "en": ...}``. Two kinds of message use it:

* import problems (``io.*``, issue #18): an :class:`~gridmap.errors.ImportProblem` made
  with :meth:`~gridmap.errors.ImportReport.add_key` keeps the key and its parameters;
* errors (every other prefix, issue #17): a :class:`~gridmap.errors.GridmapError` raised
  as ``InputError.keyed("issues.note_required", action=...)`` keeps its key, so
  ``str(err)`` is English (what logs and tests see) and ``err.text("zh")`` is Chinese
  (what the app and the CLI show in the user's language).

:func:`text` renders a message. Parameters are filled with ``str.format``; a parameter
that is an :class:`enum.Enum` (a status, a role) shows as its value in English and as its
display name (:func:`gridmap.i18n.label`) in Chinese. A field may name an i18n key prefix
as its format spec, ``{action:@issues.action}`` or ``{column:@field}``: in Chinese the
value is shown as ``t("issues.action.<value>")`` (the value itself when there is no such
key); in English as it is.
"""

from __future__ import annotations

import string
from enum import Enum

__all__ = ["MESSAGES", "placeholders", "text"]

MESSAGES: dict[str, dict[str, str]] = {
    # --- coordinates -------------------------------------------------------------------
    "io.coord.bad": {
        "zh": "{what}无效：{value} 不是坐标；应为小数度（120.15）或度分秒（120°09′30″）",
        "en": "bad {what}: {value} is not a coordinate; write decimal degrees (120.15) "
        "or degrees-minutes-seconds (120°09′30″)",
    },
    "io.coord.range": {
        "zh": "{what}无效：{value} 中分或秒不小于 60",
        "en": "bad {what}: {value} has minutes or seconds of 60 or more",
    },
    "io.coord.empty": {
        "zh": "{what}缺失：单元格为空",
        "en": "missing {what}: the cell is empty",
    },
    "io.coord.location": {
        "zh": "位置 {value} 不是“经度,纬度”（如高德 location 列的 120.153576,30.287459）",
        "en": "location {value} is not 'longitude,latitude' (like an Amap location "
        "column: 120.153576,30.287459)",
    },
    # --- coordinate systems ------------------------------------------------------------
    "io.crs.gcj02_source": {
        "zh": "该文件看起来来自{source}（属性 {keys}），其坐标通常是 GCJ-02（火星坐标）；"
        "若按 WGS-84 导入会偏移数百米。请声明坐标系后重试：--crs gcj02"
        "（或确认确为 WGS-84：--crs wgs84）",
        "en": "the file looks like a {source} export (properties {keys}), whose "
        "coordinates are normally GCJ-02; taken as WGS-84 they land hundreds of "
        "metres off. Declare the system and try again: --crs gcj02 (or --crs wgs84 "
        "if it really is WGS-84)",
    },
    "io.crs.gcj02_fit": {
        "zh": "与已存储的社区边界相比，这些坐标按 GCJ-02 解读更吻合"
        "（{inside_gcj} 个点落在社区内，按 WGS-84 仅 {inside_wgs} 个）；"
        "请用 --crs gcj02 导入",
        "en": "compared with the stored community boundaries the coordinates fit GCJ-02 "
        "better ({inside_gcj} points inside a community as GCJ-02, {inside_wgs} as "
        "WGS-84); import with --crs gcj02",
    },
    "io.crs.assumed": {
        "zh": "文件没有 .prj，也未声明坐标系：已假定为 WGS-84；若不是，请用 --crs 声明",
        "en": "the file has no .prj and no system was declared: WGS-84 was assumed; "
        "declare it with --crs if that is wrong",
    },
    "io.crs.far": {
        "zh": "点 ({x}, {y}) 距最近的已存储社区 {km:.1f} 公里，超过 {max_km:g} 公里："
        "多半是坐标系不对（{src}）或经纬度列颠倒",
        "en": "the point ({x}, {y}) is {km:.1f} km from the nearest stored community, "
        "more than {max_km:g} km: almost always a wrong coordinate system ({src}) "
        "or swapped columns",
    },
    # --- codes -------------------------------------------------------------------------
    "io.code.community": {
        "zh": "社区编码 {value} 不正确：应为 12 位数字（6 位区县 + 3 位街道 + 3 位社区，"
        "如 330106001001）",
        "en": "community code {value} is wrong: it must be 12 digits (6 district + "
        "3 street + 3 community, e.g. 330106001001)",
    },
    "io.code.grid": {
        "zh": "网格编码 {value} 不正确：应为 15 位数字（12 位社区编码 + 3 位序号，"
        "如 330106001001007）",
        "en": "grid code {value} is wrong: it must be 15 digits (the 12-digit community "
        "code + a 3-digit sequence, e.g. 330106001001007)",
    },
    "io.code.grid_prefix": {
        "zh": "网格编码 {value} 不以所属社区编码 {community} 开头：网格编码应为社区的 12 位编码"
        " + 3 位序号，如 {community}001",
        "en": "grid code {value} does not begin with its community's code {community}: a "
        "grid code is the community's 12 digits + a 3-digit sequence, e.g. "
        "{community}001",
    },
    "io.code.worker": {
        "zh": "网格员编号 {value} 不正确：应为 1-20 位字母、数字、“-”或“_”（如 W0001），不含空格",
        "en": "worker code {value} is wrong: use 1-20 letters, digits, '-' or '_' "
        "(e.g. W0001), no spaces",
    },
    "io.code.datav": {
        "zh": "这是阿里云 DataV 边界文件：adcode {adcode} 只是 6 位区县编码；社区编码需 12 位。"
        "请用 --code-prefix 给出 9 位街道编码（如 {adcode}001），社区按文件顺序编号"
        " 001、002……；或在文件中加 12 位编码列",
        "en": "this is an Aliyun DataV boundary file: adcode {adcode} is only the 6-digit "
        "district code; community codes have 12 digits. Give the 9-digit street "
        "code with --code-prefix (e.g. {adcode}001) to number the communities 001, "
        "002, ... in file order, or add a 12-digit code column",
    },
    "io.code.prefix_bad": {
        "zh": "--code-prefix {prefix} 不正确：应为 9 位街道编码（6 位区县 + 3 位街道）",
        "en": "--code-prefix {prefix} is wrong: it must be the 9-digit street code "
        "(6 district + 3 street digits)",
    },
    "io.code.prefix_mismatch": {
        "zh": "adcode {adcode} 与 --code-prefix {prefix} 的区县部分不一致",
        "en": "adcode {adcode} does not match the district part of --code-prefix {prefix}",
    },
    "io.code.datav_mapped": {
        "zh": "DataV 文件：社区编码由 {prefix} + 文件顺序号生成（{first} ……）",
        "en": "DataV file: community codes made from {prefix} + the file order ({first}, ...)",
    },
    # --- text --------------------------------------------------------------------------
    "io.text.mojibake": {
        "zh": "列 {column} 的文字像乱码（如 {sample}）：按 {used} 解码不对；已改按 {other} "
        "重新解码（{fixed}）。请核对，并修正 .cpg 文件",
        "en": "column {column} looks garbled ({sample}): decoding it as {used} is wrong; "
        "it was re-decoded as {other} ({fixed}). Check it, and fix the .cpg file",
    },
    "io.text.mojibake_refused": {
        "zh": "列 {column} 的文字像乱码（如 {sample}），无法确定编码；请用 --encoding "
        "指定，或修正 .cpg 文件",
        "en": "column {column} looks garbled ({sample}) and its encoding cannot be "
        "determined; give it with --encoding or fix the .cpg file",
    },
    # --- tables ------------------------------------------------------------------------
    "io.table.footer": {
        "zh": "跳过表尾第 {rows} 行（{text}）",
        "en": "skipped footer row(s) {rows} ({text})",
    },
    "io.table.two_row_header": {
        "zh": "表头占两行（第 {first}-{second} 行，含合并单元格），已合并为：{headers}",
        "en": "the header spans two rows ({first}-{second}, with merged cells); read as: {headers}",
    },
    "io.table.merged_filled": {
        "zh": "合并单元格的值已向下填充到 {n} 个单元格（列 {columns}）",
        "en": "values of merged cells were filled down into {n} cells (columns {columns})",
    },
    "io.table.columns_bad": {
        "zh": "--columns 写法不对：{item}；应为 源列=目标列,源列=目标列",
        "en": "--columns is malformed at {item}; write source=target,source=target",
    },
    "io.table.columns_unknown_source": {
        "zh": "--columns：文件中没有列 {source}；文件的列：{headers}",
        "en": "--columns: the file has no column {source}; its columns: {headers}",
    },
    "io.table.columns_unknown_target": {
        "zh": "--columns：图层 {layer} 没有列 {target}；可用：{allowed}",
        "en": "--columns: layer {layer} has no column {target}; it has: {allowed}",
    },
    # --- assignments -------------------------------------------------------------------
    "io.assign.two_heads": {
        "zh": "网格 {grid} 在 {period} 有两个网格长：第 {first} 行（{w1}）和本行（{w2}）；"
        "一个网格同一时期只能有一个网格长",
        "en": "grid {grid} has two grid heads in {period}: row {first} ({w1}) and this "
        "row ({w2}); a grid has one grid head at a time",
    },
    "io.assign.two_heads_stored": {
        "zh": "网格 {grid} 在 {period} 已有网格长 {w1}（已存储），本行又设 {w2} 为网格长",
        "en": "grid {grid} already has grid head {w1} (stored) in {period}; this row "
        "makes {w2} grid head too",
    },
    "io.assign.grid_empty": {"zh": "网格编码为空", "en": "grid code is empty"},
    "io.assign.no_grid": {"zh": "没有编码为 {grid} 的网格", "en": "no grid with code {grid}"},
    "io.assign.no_worker": {"zh": "没有编码为 {code} 的网格员", "en": "no worker with code {code}"},
    "io.assign.wrong_name": {
        "zh": "网格员 {code} 的姓名是 {stored}，不是 {name}",
        "en": "worker {code} is called {stored}, not {name}",
    },
    "io.assign.name_unknown": {
        "zh": "没有名为 {name} 的网格员；请填写网格员编码",
        "en": "no worker called {name}; give the worker code",
    },
    "io.assign.name_twice": {
        "zh": "名为 {name} 的网格员不止一位；请填写网格员编码",
        "en": "more than one worker called {name}; give the worker code",
    },
    "io.assign.worker_missing": {"zh": "缺少网格员", "en": "the worker is missing"},
    "io.assign.inactive": {"zh": "网格员 {worker} 已离岗", "en": "worker {worker} is not active"},
    "io.assign.unknown_role": {
        "zh": "未知岗位“{role}”；可选：{roles:@role}",
        "en": "unknown role {role!r}; expected one of {roles}",
    },
    "io.assign.bad_date": {
        "zh": "“{value}”不是日期（格式为 YYYY-MM-DD）",
        "en": "{value!r} is not a date (YYYY-MM-DD)",
    },
    "io.assign.twice": {
        "zh": "网格员 {worker} 在网格 {grid} 中出现了两次",
        "en": "worker {worker} appears twice for grid {grid}",
    },
    # --- summaries ---------------------------------------------------------------------
    "io.summary.more": {
        "zh": "……另有 {n} 个问题未显示；按类别：{kinds}。完整清单：--problems-csv 文件名",
        "en": "... {n} more problems not shown; by kind: {kinds}. Full list: --problems-csv FILE",
    },
    # --- convert -----------------------------------------------------------------------
    "io.convert.cannot_write": {
        "zh": "不能写出 {suffix} 文件；可写：{formats}",
        "en": "cannot write {suffix} files; gridmap writes: {formats}",
    },
    # --- common error texts (gridmap.errors) -------------------------------------------
    "error.not_found": {"zh": "未找到", "en": "not found"},
    "error.where.file_row": {
        "zh": "{file}，第 {row} 行：{message}",
        "en": "{file}, row {row}: {message}",
    },
    "error.where.file": {"zh": "{file}：{message}", "en": "{file}: {message}"},
    "error.where.row": {"zh": "第 {row} 行：{message}", "en": "row {row}: {message}"},
    "error.conflict.stale": {
        "zh": "{what}在您读取后已被他人修改（您读取的是第 {read} 版，现为第 {current} 版）；"
        "请刷新后重试",
        "en": "{what} was changed by someone else since you read it (you read version "
        "{read}, the store has version {current}); reload it and try again",
    },
    "error.cli": {
        "zh": "gridmap {command}：错误：{message}",
        "en": "gridmap {command}: error: {message}",
    },
    # --- rights and passwords (gridmap.auth) -------------------------------------------
    "auth.may_not": {
        "zh": "用户“{user}”（{role}）无权{right:@auth.right}；需要{need}角色",
        "en": "user {user!r} ({role}) may not {right:@auth.right}; that needs the {need} role",
    },
    "auth.out_of_scope": {
        "zh": "用户“{user}”不能在社区 {community} 操作（超出管辖范围）",
        "en": "user {user!r} may not act in community {community} (outside scope)",
    },
    "auth.street_only": {
        "zh": "用户“{user}”只管辖部分社区，不能修改全街道设置",
        "en": "user {user!r} is scoped to communities and may not change street-wide settings",
    },
    "auth.right.view": {"zh": "查看", "en": "view"},
    "auth.right.export": {"zh": "导出", "en": "export"},
    "auth.right.run_checks": {"zh": "运行检查", "en": "run checks"},
    "auth.right.edit_issues": {"zh": "处理问题", "en": "edit issues"},
    "auth.right.record_maintenance": {"zh": "记录维护", "en": "record maintenance"},
    "auth.right.see_phones": {"zh": "查看电话号码", "en": "see phones"},
    "auth.right.edit_points": {"zh": "编辑点位", "en": "edit points"},
    "auth.right.edit_grids": {"zh": "编辑网格", "en": "edit grids"},
    "auth.right.assign": {"zh": "分配网格员", "en": "assign"},
    "auth.right.import": {"zh": "导入数据", "en": "import"},
    "auth.right.manage_users": {"zh": "管理用户", "en": "manage users"},
    "auth.right.edit_settings": {"zh": "修改设置", "en": "edit settings"},
    "auth.password_short": {
        "zh": "密码至少要有 {n} 个字符",
        "en": "password must have at least {n} characters",
    },
    "auth.password_mix": {
        "zh": "密码须由字母与数字或其他字符混合组成",
        "en": "password must mix letters with digits or other characters",
    },
    "auth.password_has_name": {
        "zh": "密码不能包含用户名",
        "en": "password must not contain the user name",
    },
    "auth.password_wrong": {"zh": "当前密码不正确", "en": "the current password is wrong"},
    "auth.password_same": {
        "zh": "新密码不能与当前密码相同",
        "en": "the new password must differ from the current one",
    },
    # --- users (gridmap.auth, gridmap.records.users) -----------------------------------
    "users.no_such": {"zh": "没有用户“{username}”", "en": "no user called {username!r}"},
    "users.exists": {"zh": "用户“{username}”已存在", "en": "user {username!r} already exists"},
    "users.empty_name": {"zh": "用户名不能为空", "en": "username must not be empty"},
    "users.outside_scope": {
        "zh": "用户“{user}”只能管理其管辖范围内的用户，不能管理“{username}”（{scope}）",
        "en": "user {user!r} may manage users only within their own scope, not {username!r} "
        "({scope})",
    },
    "users.outside_scope_street": {
        "zh": "用户“{user}”只能管理其管辖范围内的用户，不能管理“{username}”（全街道）",
        "en": "user {user!r} may manage users only within their own scope, not {username!r} "
        "(the whole street)",
    },
    "users.scope_empty": {
        "zh": "管辖范围至少要有一个社区（不填则为全街道）",
        "en": "a scope needs at least one community (or none for the whole street)",
    },
    "users.unknown_communities": {
        "zh": "未知社区编码：{codes}",
        "en": "unknown community code(s): {codes}",
    },
    "users.last_admin": {
        "zh": "“{username}”是最后一个启用的全街道管理员；请先添加另一位",
        "en": "{username!r} is the last enabled whole-street admin; add another first",
    },
    "users.unknown_role": {
        "zh": "未知角色“{role}”；可选：{roles:@role}",
        "en": "unknown role {role!r}; one of {roles}",
    },
    "users.own_role": {
        "zh": "不能修改自己的角色或管辖范围；请找另一位管理员",
        "en": "you cannot change your own role or scope; ask another admin",
    },
    "users.disable_self": {"zh": "不能停用自己", "en": "you cannot disable yourself"},
    # --- workers (gridmap.records.workers) ---------------------------------------------
    "workers.no_field": {
        "zh": "网格员没有可编辑的字段“{field}”；可编辑：{fields:@field}",
        "en": "a worker has no editable field {field!r}; use one of {fields}",
    },
    "workers.bad_date": {
        "zh": "{field:@field}“{value}”不是日期（格式为 YYYY-MM-DD）",
        "en": "{field} {value!r} is not a date (YYYY-MM-DD)",
    },
    "workers.name_required": {"zh": "网格员须填写姓名", "en": "a worker needs a name"},
    "workers.dates_reversed": {
        "zh": "离岗日期（{end}）早于上岗日期（{start}）",
        "en": "active to ({end}) is before active from ({start})",
    },
    "workers.no_such": {"zh": "没有编码为“{code}”的网格员", "en": "no worker with code {code!r}"},
    "workers.scoped_add": {
        "zh": "用户“{user}”只管辖部分社区；网格员属于整个街道，须由全街道的规划调度员添加",
        "en": "user {user!r} is scoped to communities; workers belong to the whole street, "
        "so a whole-street planner adds them",
    },
    "workers.out_of_scope": {
        "zh": "用户“{user}”只能编辑在其管辖社区工作的网格员；{name}（{code}）工作于：{communities}",
        "en": "user {user!r} may edit only workers who work in their communities; {name} "
        "({code}) works in {communities}",
    },
    "workers.bad_phone": {
        "zh": "电话“{value}”格式不正确：请填写 11 位手机号（如 13812345678）或带区号的"
        "固定电话（如 0571-87654321，分机号接在“-”或“转”之后）",
        "en": "phone {value!r} is not a phone number: give an 11-digit mobile number "
        "(13812345678) or a landline with its area code (0571-87654321, an extension "
        "after '-' or '转')",
    },
    # --- point records (gridmap.records.points) ----------------------------------------
    "points.unknown_kind": {
        "zh": "未知点位类别“{kind}”；可选：{kinds:@kind}",
        "en": "unknown point kind {kind!r}; one of {kinds}",
    },
    "points.not_layer": {
        "zh": "“{layer}”不是点位图层；可选：{layers:@layer}",
        "en": "{layer!r} is not a point-record layer; one of {layers}",
    },
    "points.bad_choice": {
        "zh": "{column:@field}：未知取值“{value}”（可选：{allowed:@label}）",
        "en": "{column}: unknown value {value!r} (allowed: {allowed})",
    },
    "points.bad_value": {
        "zh": "{column:@field}：“{value}”不是{dtype:@points.dtype}",
        "en": "{column}: {value!r} is not {dtype:@points.dtype}",
    },
    "points.dtype.int": {"zh": "整数", "en": "a whole number"},
    "points.dtype.float": {"zh": "数字", "en": "a number"},
    "points.dtype.bool": {"zh": "“是”或“否”", "en": "yes or no"},
    "points.dtype.date": {"zh": "日期（格式为 YYYY-MM-DD）", "en": "a date (YYYY-MM-DD)"},
    "points.dtype.str": {"zh": "有效值", "en": "valid"},
    "points.unknown_column": {
        "zh": "{layer:@layer}没有列 {columns}",
        "en": "{layer} has no column {columns}",
    },
    "points.required": {"zh": "必须填写{column:@field}", "en": "{column} is required"},
    "points.retired_status": {
        "zh": "“已撤除”状态只能通过撤除点位设置，不能直接编辑",
        "en": "status 'retired' is set by retiring the point, not by editing it",
    },
    "points.outside_grids": {
        "zh": "位置（{x:.6f}, {y:.6f}）不在任何网格内；请检查坐标及其坐标系",
        "en": "the position ({x:.6f}, {y:.6f}) lies outside every grid; check the "
        "coordinates and their coordinate system",
    },
    "points.no_grid_scope": {
        "zh": "点位 {code} 不在任何网格内，超出用户“{user}”的管辖范围",
        "en": "point {code} lies in no grid, outside the scope of user {user!r}",
    },
    "points.new_no_grid_scope": {
        "zh": "该点位不在任何网格内，超出用户“{user}”的管辖范围",
        "en": "the point lies in no grid, outside the scope of user {user!r}",
    },
    "points.retired_no_edit": {
        "zh": "点位 {code} 已撤除，不能编辑",
        "en": "point {code} is retired and cannot be edited",
    },
    "points.retired_no_move": {
        "zh": "点位 {code} 已撤除，不能移动",
        "en": "point {code} is retired and cannot be moved",
    },
    "points.already_retired": {
        "zh": "点位 {code} 已撤除过",
        "en": "point {code} is already retired",
    },
    "points.is_retired": {"zh": "点位 {code} 已撤除", "en": "point {code} is retired"},
    "points.date_required": {"zh": "必须填写日期", "en": "date is required"},
    "points.date_future": {"zh": "日期 {date} 晚于今天", "en": "date {date} is in the future"},
    "points.action_required": {"zh": "必须填写维护类型", "en": "action is required"},
    # --- issue reports (gridmap.issues) ------------------------------------------------
    "issues.status_unknown": {
        "zh": "未知状态“{value}”；可用：上报、立案、派遣、处置、核查、结案、挂起、退回",
        "en": "unknown status {value!r}; use one of 上报/reported, 立案/registered, "
        "派遣/dispatched, 处置/handled, 核查/verified, 结案/closed, 挂起/suspended, 退回/returned",
    },
    "issues.closed_no_moves": {
        "zh": "该问题已结案，不能再流转（请求：{target}）",
        "en": "the report is closed (结案); no further moves (asked for {target})",
    },
    "issues.move_not_allowed": {
        "zh": "问题不能从“{source}”转为“{target}”；可转为：{allowed}",
        "en": "a report cannot move from {source} to {target}; allowed: {allowed}",
    },
    "issues.no_grid_scope": {
        "zh": "该问题不在任何网格内，超出用户“{user}”的管辖范围",
        "en": "the report lies in no grid, outside the scope of user {user!r}",
    },
    "issues.role_too_low": {
        "zh": "用户“{user}”（{role}）不能对问题执行“{action:@issues.action}”；需要{need}角色",
        "en": "user {user!r} ({role}) may not {action} a report; that needs the {need} role",
    },
    "issues.note_required": {
        "zh": "“{action:@issues.action}”须填写说明理由",
        "en": "to {action} a report, give a note saying why",
    },
    "issues.gone": {
        "zh": "问题 {issue} 不存在（可能已被他人删除）",
        "en": "issue report {issue} does not exist (deleted by someone else?)",
    },
    "issues.no_such": {
        "zh": "没有问题“{issue}”（请填写序号或案件编码）",
        "en": "no issue report {issue!r} (give its id or its code)",
    },
    "issues.needs_position": {
        "zh": "请提供问题位置：在地图上点选、输入坐标或添加带定位的照片",
        "en": "the report needs a position: tap the map, type coordinates or add a GPS photo",
    },
    "issues.not_changed": {
        "zh": "问题 {issue} 未能修改；请刷新后重试",
        "en": "issue report {issue} could not be changed; reload it and try again",
    },
    "issues.photo_kind": {
        "zh": "照片类型须为处置前（before）或处置后（after），不能是“{kind}”",
        "en": "photo kind must be 'before' or 'after', not {kind!r}",
    },
    "issues.not_grid_worker": {
        "zh": "“{worker}”在 {day} 不是网格 {grid} 的网格员；该网格的网格员：{names}",
        "en": "{worker!r} is not a worker of grid {grid} on {day}; its workers: {names}",
    },
    "issues.duplicate_self": {
        "zh": "问题不能与自身重复",
        "en": "a report cannot be a duplicate of itself",
    },
    "issues.merged_target": {
        "zh": "问题 {code} 本身已合并到另一问题，请合并到那一个",
        "en": "report {code} was itself merged into another report; merge into that one instead",
    },
    "issues.not_neighbour": {
        "zh": "网格“{grid}”既不是分派的网格，也不是其相邻网格（可选：{choices}）",
        "en": "grid {grid!r} is neither the routed grid nor a neighbour ({choices})",
    },
    "issues.link_self": {"zh": "问题不能关联到自身", "en": "a report cannot be linked to itself"},
    # --- grid plans (gridmap.grids) ----------------------------------------------------
    "grids.no_head": {"zh": "网格 {grid} 没有网格长", "en": "grid {grid} has no grid head"},
    "grids.inactive_worker": {
        "zh": "网格 {grid} 由已离岗的网格员 {worker} 负责",
        "en": "grid {grid} is held by inactive worker {worker}",
    },
    "grids.worker_low": {
        "zh": "网格员 {worker}：{metric:@field} {value:,.0f} 低于下限 {limit:,.0f}",
        "en": "worker {worker}: {metric} {value:,.0f} is below the minimum {limit:,.0f}",
    },
    "grids.worker_high": {
        "zh": "网格员 {worker}：{metric:@field} {value:,.0f} 高于上限 {limit:,.0f}",
        "en": "worker {worker}: {metric} {value:,.0f} is above the maximum {limit:,.0f}",
    },
    "grids.not_contiguous": {
        "zh": "网格员 {worker}：所负责的 {n} 个网格不连成一片",
        "en": "worker {worker}: the {n} grids do not form one connected area",
    },
    "grids.no_community": {
        "zh": "没有编码为“{code}”的社区",
        "en": "no community with code {code!r}",
    },
    "grids.unknown_method": {
        "zh": "未知划分方法“{method}”；可选：{methods}",
        "en": "unknown split method {method!r}; expected one of {methods}",
    },
    "grids.needs_one": {
        "zh": "社区 {community} 至少要有一个网格",
        "en": "community {community} needs at least one grid",
    },
    "grids.changed_while_saving": {
        "zh": "网格 {grid} 在保存时已被他人修改；请刷新后重试",
        "en": "grid {grid} changed while saving; reload and try again",
    },
    "grids.locked": {
        "zh": "网格 {grid} 已锁定；请先解锁再调整",
        "en": "grid {grid} is locked; unlock it before moving it",
    },
    "grids.gone": {
        "zh": "没有编码为 {codes} 的网格（可能已被他人删除）",
        "en": "no grid with code {codes} (deleted by someone else?)",
    },
    "grids.no_workers": {"zh": "没有编码为 {codes} 的网格员", "en": "no worker with code {codes}"},
    # --- scope from geometry and bounded imports (refs #14) -----------------------------
    "io.scope.grid_outside": {
        "zh": "网格 {grid} 有 {area} m² 超出其所属社区 {community} 的边界；"
        "网格必须位于所属社区之内",
        "en": "grid {grid} reaches {area} m² outside the polygon of its community "
        "{community}; a grid must lie inside its community",
    },
    "io.scope.grid_overlap": {
        "zh": "网格 {grid}（社区 {community}）与其他社区的网格 {other} 重叠 {area} m²",
        "en": "grid {grid} (community {community}) overlaps grid {other} of another "
        "community by {area} m²",
    },
    "io.limit.rows": {
        "zh": "文件超过 {limit:,} 行（数据行或要素）的上限，未导入；请拆分文件，"
        "或请管理员调高设置 max_import_rows",
        "en": "the file has more than {limit:,} rows or features, the limit; nothing was "
        "imported. Split the file, or ask an administrator to raise max_import_rows",
    },
    "io.limit.vertices": {
        "zh": "文件的几何共有 {n:,} 个坐标点，超过 {limit:,} 的上限，未导入；请简化图形"
        "或拆分文件，或请管理员调高设置 max_import_vertices",
        "en": "the file's geometries hold {n:,} coordinates, more than the {limit:,} "
        "limit; nothing was imported. Simplify or split the file, or ask an "
        "administrator to raise max_import_vertices",
    },
    "io.limit.parse_size": {
        "zh": "{kind} 文件有 {mb} MB，超过 {limit_mb} MB 的上限（此类文件需整体读入内存），"
        "未读取；请拆分文件或转为 GeoPackage/Shapefile，或请管理员调高设置 max_parse_mb",
        "en": "the {kind} file is {mb} MB, more than the {limit_mb} MB limit for files "
        "parsed whole in memory; it was not read. Split it or convert it to "
        "GeoPackage/Shapefile, or ask an administrator to raise max_parse_mb",
    },
    "io.limit.time": {
        "zh": "读取文件超过 {seconds} 秒的时限，已停止，未导入；请拆分文件，"
        "或请管理员调高设置 max_import_seconds",
        "en": "reading the file took longer than the {seconds} s limit and was stopped; "
        "nothing was imported. Split the file, or ask an administrator to raise "
        "max_import_seconds",
    },
    "io.limit.memory": {
        "zh": "读取文件需要超过 {mb} MB 内存，已停止，未导入；请拆分文件，"
        "或请管理员调高设置 max_import_memory_mb",
        "en": "reading the file needs more than {mb} MB of memory and was stopped; "
        "nothing was imported. Split the file, or ask an administrator to raise "
        "max_import_memory_mb",
    },
    "io.limit.crashed": {
        "zh": "读取文件的子进程意外结束（{reason}），未导入；文件可能已损坏",
        "en": "the process reading the file ended unexpectedly ({reason}); nothing was "
        "imported. The file may be damaged",
    },
    # --- the gridmap command's own errors (issue #17) -----------------------------------
    "cli.date": {
        "zh": "{option} 应为日期，如 2026-11-02（年-月-日），而不是 {value}",
        "en": "{option} must be a date like 2026-11-02 (YYYY-MM-DD), got {value}",
    },
    "cli.password_file": {
        "zh": "无法读取管理员密码文件：{reason}",
        "en": "cannot read the admin password file: {reason}",
    },
    "cli.password_empty": {
        "zh": "来自 {source} 的管理员密码为空",
        "en": "the admin password from {source} is empty",
    },
    "cli.password_empty_stdin": {
        "zh": "从标准输入读到的管理员密码为空",
        "en": "the admin password from standard input is empty",
    },
    "cli.no_user": {
        "zh": "没有名为 {name} 的应用用户（不加 --user 即以本机操作员身份执行）",
        "en": "no app user called {name} (leave out --user to act as the local operator)",
    },
    "cli.user_disabled": {"zh": "用户 {name} 已停用", "en": "user {name} is disabled"},
    "cli.photo": {"zh": "无法读取照片：{reason}", "en": "cannot read the photo: {reason}"},
    "cli.move_where": {
        "zh": "请说明要转到的状态：STATE 或 --to STATE（{states}）",
        "en": "say where to move the report: STATE or --to STATE ({states})",
    },
    "cli.needs": {"zh": "{command} 需要 {option}", "en": "{command} needs {option}"},
    "cli.no_grid": {"zh": "没有编码为 {code} 的网格", "en": "no grid with code {code}"},
    "cli.workers_nothing": {
        "zh": "没有要修改的内容；请给出 --name、--phone、--notes、--active-from 或 --active-to",
        "en": "nothing to change; give --name, --phone, --notes, --active-from or --active-to",
    },
    "cli.users_file": {
        "zh": "users import 需要一个列出网格员编码的 CSV 或 XLSX 文件",
        "en": "users import needs a CSV or XLSX file of worker codes",
    },
    "cli.users_name": {"zh": "users add 需要用户名", "en": "users add needs a user name"},
    "cli.export_format": {
        "zh": "export {kind} 只能写出 {formats} 格式，不能写出 {fmt}",
        "en": "export {kind} writes one of {formats} (not {fmt})",
    },
    "store.url_bad": {
        "zh": "不是数据库地址：{url}（应为 sqlite:///路径 或 postgresql+psycopg://...）",
        "en": "not a database URL: {url} (use sqlite:///path or postgresql+psycopg://...)",
    },
    "store.url_backend": {
        "zh": "不支持的数据库 {backend}（{url}）：请使用 SQLite 或 PostgreSQL",
        "en": "unsupported database {backend} in {url}: use SQLite or PostgreSQL",
    },
}


_WHAT_ZH = {"longitude": "经度", "latitude": "纬度", "location": "位置", "coordinate": "坐标"}


_LABEL_SPECS = {"label": None, "kind": None, "layer": None, "role": "role"}


def _term(raw: object, prefix: str, lang: str) -> str:
    """Show ``raw`` through the ``@prefix`` spec: a message, a UI string or a label."""
    entry = MESSAGES.get(f"{prefix}.{raw}")
    if entry is not None:
        return entry.get(lang) or entry["zh"]
    if lang == "en":
        return str(raw)
    from gridmap.i18n import label, t

    if prefix in _LABEL_SPECS:
        return label(raw, lang, field=_LABEL_SPECS[prefix])
    key = f"{prefix}.{raw}"
    shown = t(key, lang)
    return str(raw) if shown == key else shown


class _Formatter(string.Formatter):
    """``str.format`` that shows enums, lists and ``@prefix`` fields in the language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, list | tuple | set | frozenset):
            items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
            if not items:
                return "none" if self.lang == "en" else "无"
            sep = ", " if self.lang == "en" else "、"
            return sep.join(self.format_field(v, format_spec) for v in items)
        raw = value.value if isinstance(value, Enum) else value
        if format_spec.startswith("@"):
            return _term(raw, format_spec[1:], self.lang)
        if isinstance(value, Enum):
            if self.lang == "en":
                value = raw
            else:
                from gridmap.i18n import label

                value = label(value, self.lang)
        return super().format_field(value, format_spec)


def placeholders(template: str) -> set[str]:
    """Return the names of the ``{fields}`` in ``template``.

    Examples
    --------
    >>> sorted(placeholders("{a} and {b:.1f} and {c:@field}"))
    ['a', 'b', 'c']
    """
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def text(key: str, lang: str = "zh", **params: object) -> str:
    """Return message ``key`` in ``lang`` (``zh`` or ``en``) with ``params`` filled in.

    An unknown key is returned as it is; a missing parameter leaves the template as it is.

    Examples
    --------
    >>> text("auth.password_short", "zh", n=8)
    '密码至少要有 8 个字符'
    >>> text("auth.password_short", "en", n=8)
    'password must have at least 8 characters'
    """
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    lang = "en" if str(lang).lower().startswith("en") else "zh"
    template = entry.get(lang) or entry["zh"]
    if lang != "en" and params.get("what") in _WHAT_ZH:
        params = {**params, "what": _WHAT_ZH[params["what"]]}
    try:
        return _Formatter(lang).format(template, **params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template
