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

from enum import Enum

__all__ = ["DEFAULT_LANG", "LABELS", "LANGS", "STRINGS", "label", "normalize_lang", "t"]

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
    "map.legend.more": {"zh": "另有 {n} 项", "en": "{n} more"},
    "map.unassigned": {"zh": "未分配", "en": "Unassigned"},
    "map.unknown": {"zh": "未知", "en": "Unknown"},
    "map.layers": {"zh": "图层", "en": "Layers"},
    # --- popup / table field labels --------------------------------------------------
    "field.code": {"zh": "编码", "en": "Code"},
    "field.name": {"zh": "名称", "en": "Name"},
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
    "nav.users": {"zh": "用户管理", "en": "Users"},
    "nav.about": {"zh": "关于", "en": "About"},
    "crs.wgs84": {"zh": "WGS-84（GPS/CGCS2000）", "en": "WGS-84 (GPS/CGCS2000)"},
    "crs.gcj02": {"zh": "GCJ-02（高德/腾讯）", "en": "GCJ-02 (Amap/Tencent)"},
    "crs.bd09": {"zh": "BD-09（百度）", "en": "BD-09 (Baidu)"},
    "crs.epsg": {"zh": "EPSG 编码", "en": "EPSG code"},
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
    "panel.grid": {"zh": "网格", "en": "Grid"},
    "panel.field": {"zh": "项目", "en": "Field"},
    "panel.value": {"zh": "内容", "en": "Value"},
    "panel.count": {"zh": "数量", "en": "Count"},
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
    "setting.tianditu_key": {"zh": "天地图密钥", "en": "Tianditu key"},
    "setting.tile_url": {"zh": "自定义瓦片地址", "en": "Custom tile URL"},
    "setting.max_upload_mb": {"zh": "上传文件大小上限", "en": "Largest upload"},
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
    # --- end of app pages block ---------------------------------------------------------------
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
    # UserRole
    **_pairs(
        viewer=("查看人员", "Viewer"),
        inspector=("督查员", "Inspector"),
        planner=("规划调度员", "Planner"),
        admin=("管理员", "Administrator"),
    ),
    # RoadClass
    **_pairs(
        main_commercial=("主要商业街", "Main commercial street"),
        main=("主干道", "Main road"),
        secondary=("次干道", "Secondary road"),
        lane=("支路/巷道", "Lane"),
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
