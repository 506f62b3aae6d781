"""Import messages in Chinese and English, one table, ready to become i18n keys.

Every message the importers added for real office files (issue #18) lives in
:data:`MESSAGES` under a key, Chinese first. :func:`text` renders one; an
:class:`~gridmap.errors.ImportProblem` made with
:meth:`~gridmap.errors.ImportReport.add_key` keeps the key and its parameters so
the import page shows it in the user's language, while ``message`` (what the CLI
prints and logs) holds the English text. The keys are registered in
:data:`gridmap.i18n.STRINGS` too, so :func:`gridmap.i18n.t` renders them.
"""

from __future__ import annotations

__all__ = ["MESSAGES", "text"]

#: key -> {"zh": ..., "en": ...}; ``str.format`` fields are filled by :func:`text`.
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
    # --- scope from geometry (issue #14) ------------------------------------------------
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
    # --- summaries ---------------------------------------------------------------------
    "io.summary.more": {
        "zh": "……另有 {n} 个问题未显示；按类别：{kinds}。完整清单：--problems-csv 文件名",
        "en": "... {n} more problems not shown; by kind: {kinds}. Full list: --problems-csv FILE",
    },
    # --- limits (gridmap.io.limits, gridmap.io.bounded) ----------------------------------
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
    # --- convert -----------------------------------------------------------------------
    "io.convert.cannot_write": {
        "zh": "不能写出 {suffix} 文件；可写：{formats}",
        "en": "cannot write {suffix} files; gridmap writes: {formats}",
    },
}


_WHAT_ZH = {"longitude": "经度", "latitude": "纬度", "location": "位置", "coordinate": "坐标"}


def text(key: str, lang: str = "zh", **params: object) -> str:
    """Return message ``key`` in ``lang`` (``zh`` or ``en``) with ``params`` filled in.

    An unknown key is returned as it is; a missing parameter leaves its field.
    """
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["zh"]
    if lang != "en" and params.get("what") in _WHAT_ZH:
        params = {**params, "what": _WHAT_ZH[params["what"]]}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
