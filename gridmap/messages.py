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

__all__ = ["MESSAGES", "Msg", "placeholders", "text"]

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
        "zh": "列 {columns} 的文字像乱码（如 {sample}）：按 {used} 解码不对；已改按 {other} "
        "重新解码（{fixed}）。请核对，并修正 .cpg 文件",
        "en": "column {columns} looks garbled ({sample}): decoding it as {used} is wrong; "
        "it was re-decoded as {other} ({fixed}). Check it, and fix the .cpg file",
    },
    "io.text.mojibake_refused": {
        "zh": "列 {name} 的文字像乱码（如 {sample}），无法确定编码；请用 --encoding "
        "指定，或修正 .cpg 文件",
        "en": "column {name} looks garbled ({sample}) and its encoding cannot be "
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
    # --- files, coordinates and grids: keyed errors (refs #17, #18) ----------------------
    # files and zips (gridmap.io.vector, gridmap.io.tabular)
    "io.file.not_found": {
        "zh": "找不到文件；请检查文件名和路径",
        "en": "file not found",
    },
    "io.file.too_large": {
        "zh": "文件大小为 {size_mb:,.1f} MB，超过上限 {limit_mb:,.1f} MB；请拆分文件或调高上限",
        "en": "the file is {size_mb:,.1f} MB, larger than the {limit_mb:,.1f} MB limit; "
        "split it or raise the limit",
    },
    "io.file.unreadable": {
        "zh": "无法读取该文件：{detail}",
        "en": "cannot read the file: {detail}",
    },
    "io.file.not_vector": {
        "zh": "不是矢量数据文件（{suffix}）；请使用以下格式之一：{formats}",
        "en": "not a vector file ({suffix}); use one of {formats}",
    },
    "io.file.no_extension": {"zh": "无扩展名", "en": "no extension"},
    "io.zip.bad": {
        "zh": "不是有效的 zip 压缩包（{detail}）；请重新压缩后上传",
        "en": "not a valid zip file ({detail})",
    },
    "io.zip.too_many": {
        "zh": "压缩包内有 {n:,} 个文件，超过上限 {limit:,} 个；请只压缩所需文件",
        "en": "the zip holds {n:,} files, more than the limit of {limit:,}",
    },
    "io.zip.too_big": {
        "zh": "压缩包解压后为 {mb:,.0f} MB，超过上限 {limit_mb:,.0f} MB",
        "en": "the zip unpacks to {mb:,.0f} MB, more than the {limit_mb:,.0f} MB limit",
    },
    "io.zip.too_big_stream": {
        "zh": "压缩包解压后超过 {limit_mb:,.0f} MB，已拒绝",
        "en": "the zip unpacks to more than {limit_mb:,.0f} MB; refusing it",
    },
    "io.zip.unsafe_path": {
        "zh": "压缩包中的文件 {member} 使用了绝对路径或“..”路径，为安全起见不予解压",
        "en": "the zip member {member} has an absolute or '..' path; refusing to unpack it",
    },
    "io.zip.cannot_unpack": {
        "zh": "无法解压该压缩包（{detail}）；请重新压缩后上传",
        "en": "cannot unpack the zip ({detail})",
    },
    "io.zip.no_vector": {
        "zh": "压缩包中没有矢量数据文件（.shp、.geojson、.gpkg 或 .kml）；包内文件：{found}",
        "en": "the zip holds no vector file (.shp, .geojson, .gpkg or .kml); found: {found}",
    },
    "io.zip.chosen": {
        "zh": "已读取压缩包中的 {chosen}；包内另有：{others}",
        "en": "read {chosen} from the zip; also present: {others}",
    },
    # GeoJSON and JSON
    "io.json.syntax": {
        "zh": "JSON 格式错误：第 {line} 行第 {col} 列（{detail}）",
        "en": "invalid JSON at line {line}, column {col}: {detail}",
    },
    "io.json.too_deep": {
        "zh": "GeoJSON 无效：JSON 嵌套层数过多",
        "en": "invalid GeoJSON: the JSON is nested too deeply",
    },
    "io.json.invalid": {
        "zh": "JSON 无效：{detail}",
        "en": "invalid JSON: {detail}",
    },
    "io.json.kind.object_type": {
        "zh": "type 为 {kind} 的 JSON 对象",
        "en": "a JSON object with type {kind}",
    },
    "io.json.kind.object": {
        "zh": "没有 type 的 JSON 对象",
        "en": "a JSON object without 'type'",
    },
    "io.json.kind.array": {"zh": "JSON 数组", "en": "a JSON array"},
    "io.json.kind.string": {"zh": "JSON 字符串", "en": "a JSON string"},
    "io.json.kind.bool": {"zh": "true/false 值", "en": "true/false"},
    "io.json.kind.null": {"zh": "null 值", "en": "null"},
    "io.json.kind.number": {"zh": "数字", "en": "a number"},
    "io.geojson.not_utf8": {
        "zh": "文件不是 UTF-8 文本（GeoJSON 必须为 UTF-8 编码）；请另存为 UTF-8",
        "en": "the file is not UTF-8 text (GeoJSON must be UTF-8)",
    },
    "io.geojson.gbk": {
        "zh": "文件为 GBK 编码，而 GeoJSON 要求 UTF-8；已按 GBK 读取",
        "en": "the file is GBK-encoded, not UTF-8 as GeoJSON requires; read it as GBK",
    },
    "io.geojson.no_features": {
        "zh": "GeoJSON 无效：FeatureCollection 中没有 features 列表",
        "en": "invalid GeoJSON: the FeatureCollection has no 'features' list",
    },
    "io.geojson.not_geojson": {
        "zh": "不是 GeoJSON：应为 FeatureCollection、Feature 或 Feature 列表，实际为{found}",
        "en": "not GeoJSON: expected a FeatureCollection, a Feature or a list of Features, "
        "found {found}",
    },
    "io.geojson.not_feature": {
        "zh": "不是 GeoJSON 要素（Feature），而是{found}",
        "en": "not a GeoJSON Feature but {found}",
    },
    "io.geojson.properties": {
        "zh": "该要素的 properties 不是 JSON 对象",
        "en": "the feature's 'properties' is not a JSON object",
    },
    # geometries (GeoJSON, KML, Shapefile)
    "io.geom.invalid": {
        "zh": "几何图形无效：{reason}",
        "en": "invalid geometry: {reason}",
    },
    "io.geom.too_large": {
        "zh": "几何图形无效：坐标数值过大",
        "en": "invalid geometry: a coordinate is too large",
    },
    "io.geom.unreadable": {
        "zh": "无法读取几何图形（{detail}）",
        "en": "unreadable geometry ({detail})",
    },
    "io.geom.not_number": {
        "zh": "坐标 {value} 不是数字",
        "en": "coordinate {value} is not a number",
    },
    "io.geom.position": {
        "zh": "坐标点须为含 2 或 3 个数字的列表（经度, 纬度[, 高程]）",
        "en": "a position must be a list of 2 or 3 numbers",
    },
    "io.geom.not_positions": {
        "zh": "{what:@io.geom.what}的坐标须为坐标点列表",
        "en": "{what} coordinates must be a list of positions",
    },
    "io.geom.mixed_dims": {
        "zh": "{what:@io.geom.what}混用了二维和三维坐标",
        "en": "{what} mixes 2-D and 3-D positions",
    },
    "io.geom.what.ring": {"zh": "面的环", "en": "ring"},
    "io.geom.what.LineString": {"zh": "线（LineString）", "en": "LineString"},
    "io.geom.what.MultiPoint": {"zh": "多点（MultiPoint）", "en": "MultiPoint"},
    "io.geom.what.Polygon": {"zh": "面（Polygon）", "en": "Polygon"},
    "io.geom.polygon_rings": {
        "zh": "Polygon 的坐标须为环的列表",
        "en": "Polygon coordinates must be a list of rings",
    },
    "io.geom.ring_short": {
        "zh": "面的环至少需要 4 个坐标点，此环只有 {n} 个",
        "en": "a polygon ring needs at least 4 positions, this one has {n}",
    },
    "io.geom.line_short": {
        "zh": "LineString 至少需要 2 个坐标点",
        "en": "a LineString needs at least 2 positions",
    },
    "io.geom.not_object": {
        "zh": "geometry 不是 JSON 对象",
        "en": "the geometry is not a JSON object",
    },
    "io.geom.unknown_type": {
        "zh": "未知的几何类型 {kind}",
        "en": "unknown geometry type {kind}",
    },
    "io.geom.collection_list": {
        "zh": "GeometryCollection 需要 geometries 列表",
        "en": "a GeometryCollection needs a 'geometries' list",
    },
    "io.geom.too_deep": {
        "zh": "GeometryCollection 嵌套层数过多",
        "en": "GeometryCollections are nested too deeply",
    },
    "io.geom.no_coordinates": {
        "zh": "{kind} 没有 coordinates",
        "en": "the {kind} has no 'coordinates'",
    },
    "io.geom.coords_not_list": {
        "zh": "{kind} 的坐标须为列表",
        "en": "{kind} coordinates must be a list",
    },
    # Shapefile and GeoPackage
    "io.shp.incomplete": {
        "zh": "Shapefile 不完整：缺少 {missing}（请把 .shp、.shx、.dbf、.prj 和 .cpg 文件"
        "一起压缩成 zip 上传）",
        "en": "the shapefile is incomplete: {missing} missing (zip the .shp, .shx, .dbf, "
        ".prj and .cpg files together)",
    },
    "io.shp.bad_cpg_text": {
        "zh": "属性表（.dbf）的文字不是 .cpg 文件所写的 {encoding} 编码；请修正 .cpg 文件",
        "en": "the attribute table (.dbf) is not valid {encoding} text as its .cpg says",
    },
    "io.shp.not_utf8_gbk": {
        "zh": "属性表（.dbf）既不是 UTF-8 也不是 GBK 编码；请添加写明编码的 .cpg 文件",
        "en": "the attribute table (.dbf) is neither UTF-8 nor GBK; add a .cpg file",
    },
    "io.shp.read_as_gbk": {
        "zh": "没有 .cpg 文件：属性表（.dbf）已按 GBK 读取",
        "en": "no .cpg file: read the attribute table (.dbf) as GBK",
    },
    "io.shp.unknown_cpg": {
        "zh": ".cpg 文件写的编码 {name} 无法识别；已自动判断编码",
        "en": "the .cpg file names an unknown encoding {name}; guessed instead",
    },
    "io.gpkg.unreadable": {
        "zh": "不是可读取的 GeoPackage 文件（{detail}）",
        "en": "not a readable GeoPackage ({detail})",
    },
    "io.gpkg.empty": {
        "zh": "该 GeoPackage 中没有图层",
        "en": "the GeoPackage holds no layers",
    },
    "io.gpkg.not_utf8": {
        "zh": "该 GeoPackage 中的文字不是 UTF-8 编码",
        "en": "the GeoPackage's text is not UTF-8",
    },
    "io.gpkg.chosen": {
        "zh": "已读取 GeoPackage 图层 {chosen}；另有：{others}",
        "en": "read GeoPackage layer {chosen}; also present: {others}",
    },
    # KML and KMZ
    "io.kml.no_coordinates": {
        "zh": "KML 几何图形缺少 <coordinates>",
        "en": "a KML geometry without <coordinates>",
    },
    "io.kml.bad_coordinate": {
        "zh": "KML 坐标 {token} 写法不对：应为 经度,纬度[,高程]",
        "en": "bad KML coordinate {token}: expected lon,lat[,alt]",
    },
    "io.kml.coordinate_not_numbers": {
        "zh": "KML 坐标 {token} 不是数字",
        "en": "bad KML coordinate {token}: not numbers",
    },
    "io.kml.ring_short": {
        "zh": "KML 面的环至少需要 3 个坐标点，此环只有 {n} 个",
        "en": "a KML polygon ring needs at least 3 positions, this one has {n}",
    },
    "io.kml.point_positions": {
        "zh": "KML 点（Point）有 {n} 个坐标点，应为 1 个",
        "en": "a KML Point has {n} positions",
    },
    "io.kml.line_short": {
        "zh": "KML 线（LineString）至少需要 2 个坐标点",
        "en": "a KML LineString needs at least 2 positions",
    },
    "io.kml.no_outer": {
        "zh": "KML 面（Polygon）缺少 <outerBoundaryIs>",
        "en": "a KML Polygon without <outerBoundaryIs>",
    },
    "io.kml.too_deep": {
        "zh": "KML MultiGeometry 嵌套层数过多",
        "en": "KML MultiGeometry nested too deeply",
    },
    "io.kml.unsupported": {
        "zh": "不支持的 KML 几何类型 <{kind}>",
        "en": "unsupported KML geometry <{kind}>",
    },
    "io.kml.decode": {
        "zh": "无法按 {encoding} 解码该 KML，请另存为 UTF-8",
        "en": "cannot decode the KML as {encoding}; save it as UTF-8",
    },
    "io.kml.kmz_empty": {
        "zh": "KMZ 压缩包中没有 .kml 文件",
        "en": "the KMZ holds no .kml file",
    },
    "io.kml.entities": {
        "zh": "拒绝读取该 KML：它声明了 XML 实体或外部引用（{detail}），KML 文件不需要这些",
        "en": "refusing the KML: it declares XML entities or external references "
        "({detail}), which KML never needs",
    },
    "io.kml.xml_error": {
        "zh": "KML 无效（第 {line} 行第 {col} 列 XML 格式错误）",
        "en": "invalid KML (XML error at line {line}, column {col})",
    },
    "io.kml.not_kml": {
        "zh": "不是 KML 文件：根元素是 <{root}>",
        "en": "not KML: the root element is <{root}>",
    },
    # writing and converting files (gridmap.io.writers)
    "io.write.needs_geometry": {
        "zh": "{driver} 文件需要几何图形；没有几何图形的表格请写成 .csv 或 .xlsx",
        "en": "a {driver} file needs geometries; write a table as .csv or .xlsx",
    },
    "io.write.shp_mixed": {
        "zh": "一个 Shapefile 只能存一种几何类型，而数据中点、线、面混在一起；"
        "请改写为 .geojson、.gpkg 或 .kml",
        "en": "a shapefile holds one kind of geometry, the file mixes points, lines "
        "and polygons; write .geojson, .gpkg or .kml instead",
    },
    "io.write.failed": {
        "zh": "无法写出文件（{detail}）；请检查目标文件夹是否存在、是否可写，"
        "文件是否被其他程序占用",
        "en": "cannot write the file ({detail})",
    },
    "io.convert.lonlat_only": {
        "zh": "坐标转换只处理经纬度坐标系（wgs84、cgcs2000、gcj02、bd09）；"
        "{what:@io.convert.what}坐标系为 {system}",
        "en": "convert handles longitude/latitude systems only (wgs84, cgcs2000, gcj02, "
        "bd09); the {what} system is {system}",
    },
    "io.convert.what.source": {"zh": "源", "en": "source"},
    "io.convert.what.target": {"zh": "目标", "en": "target"},
    "io.convert.no_coordinates": {
        "zh": "找不到坐标列（经度/纬度、lon/lat、lng/lat、longitude/latitude 或 x/y）；"
        "文件的列：{headers}",
        "en": "no coordinate columns (经度/纬度, lon/lat, lng/lat, longitude/latitude or "
        "x/y); headers found: {headers}",
    },
    "io.convert.not_numbers": {
        "zh": "坐标（{x}, {y}）不是数字；未写出任何内容，请修正后重试",
        "en": "the coordinates ({x}, {y}) are not numbers; nothing was written",
    },
    "io.convert.not_lonlat": {
        "zh": "该文件的坐标系是 {system}，不是经纬度；请改用导入并给出其 EPSG 编码",
        "en": "the file is in {system}, not longitude/latitude; import it with its "
        "EPSG code instead",
    },
    "io.convert.unknown_system": {
        "zh": "无法识别的坐标系",
        "en": "an unrecognised coordinate system",
    },
    # cell values (gridmap.io._columns, gridmap.io.layers)
    "io.value.bad": {
        "zh": "{field:@field}的值不正确：{reason}",
        "en": "bad value for {field!r}: {reason}",
    },
    "io.value.required": {
        "zh": "必填列“{field:@field}”为空；请填写",
        "en": "empty cell in required column {field!r}",
    },
    "io.value.too_large": {"zh": "“{value}”数值过大", "en": "{value!r} is too large"},
    "io.value.not_int": {"zh": "“{value}”不是整数", "en": "{value!r} is not a whole number"},
    "io.value.not_number": {"zh": "“{value}”不是数字", "en": "{value!r} is not a number"},
    "io.value.not_finite": {
        "zh": "“{value}”不是有限的数字",
        "en": "{value!r} is not a finite number",
    },
    "io.value.not_bool": {
        "zh": "“{value}”不是“是/否”；请填写 是/否、true/false、1/0 或 y/n",
        "en": "{value!r} is not yes/no; use 是/否, true/false, 1/0 or y/n",
    },
    "io.value.bad_date": {
        "zh": "“{value}”不是有效日期；请写成 YYYY-MM-DD 或 YYYY/MM/DD（如 2024-03-05）",
        "en": "{value!r} is not a valid date; use YYYY-MM-DD or YYYY/MM/DD",
    },
    "io.value.bad_datetime": {
        "zh": "“{value}”不是有效的日期时间；请写成 YYYY-MM-DD 或 YYYY/MM/DD，"
        "可加 HH:MM[:SS]（如 2024-03-05 08:30）",
        "en": "{value!r} is not a valid date and time; use YYYY-MM-DD or YYYY/MM/DD "
        "with an optional HH:MM[:SS]",
    },
    "io.value.not_allowed": {
        "zh": "“{value}”不是允许的取值；可选：{allowed}",
        "en": "{value!r} is not an allowed value; allowed: {allowed}",
    },
    # tables (gridmap.io.tabular)
    "io.table.unknown_encoding": {
        "zh": "未知的文字编码 {encoding}；请使用 utf-8 或 gbk",
        "en": "unknown text encoding {encoding}",
    },
    "io.table.cannot_decode": {
        "zh": "无法按 {encoding} 解码该文件（第 {byte} 字节）；请换一种编码，如 utf-8 或 gbk",
        "en": "cannot decode the file as {encoding} (byte {byte}); try another encoding, "
        "e.g. utf-8 or gbk",
    },
    "io.table.undecodable": {
        "zh": "无法解码该文件：既不是 UTF-8 也不是 GBK/GB18030 编码；请另存为 UTF-8",
        "en": "cannot decode the file: it is neither UTF-8 nor GBK/GB18030; save it as UTF-8",
    },
    "io.table.empty": {
        "zh": "文件是空的：找不到表头行",
        "en": "the file is empty: no header row found",
    },
    "io.table.nul_bytes": {
        "zh": "文件中含有 NUL 字节，不是文本表格（是否为 Excel 文件？请另存为 .xlsx 或 .csv）",
        "en": "the file contains NUL bytes: it is not a text table (is it an Excel file?)",
    },
    "io.table.cannot_parse": {
        "zh": "无法解析该表格：{detail}",
        "en": "cannot parse the table: {detail}",
    },
    "io.table.bad_xlsx": {
        "zh": "不是可读取的 XLSX 工作簿（{detail}）；请用 Excel 或 WPS 另存为 .xlsx",
        "en": "not a readable XLSX workbook ({detail})",
    },
    "io.table.no_sheet_number": {
        "zh": "工作簿中没有第 {index} 个工作表（从 0 起数）；工作表：{sheets}",
        "en": "the workbook has no sheet number {index}; sheets: {sheets}",
    },
    "io.table.no_sheet": {
        "zh": "工作簿中没有名为 {sheet} 的工作表；工作表：{sheets}",
        "en": "the workbook has no sheet {sheet}; sheets: {sheets}",
    },
    "io.table.bad_sheet": {
        "zh": "无法读取工作表 {sheet}（{detail}）",
        "en": "cannot read sheet {sheet} ({detail})",
    },
    "io.table.not_table": {
        "zh": "不是表格文件（{suffix}）；请使用 .csv、.txt 或 .xlsx",
        "en": "not a table file ({suffix}); use .csv, .txt or .xlsx",
    },
    "io.table.coordinate_pair": {
        "zh": "请同时给出经度列和纬度列；缺少{what}列",
        "en": "give both coordinate columns; the {what} column is missing",
    },
    "io.table.no_coordinate_column": {
        "zh": "没有{what}列 {wanted}；文件的列：{headers}",
        "en": "no {what} column {wanted}; headers found: {headers}",
    },
    # coordinate systems (gridmap.crs)
    "crs.not_numbers": {
        "zh": "坐标须为数字，且经度和纬度个数一致（{detail}）",
        "en": "coordinates must be numbers of matching shape ({detail})",
    },
    "crs.bd09mc": {
        "zh": "{name}：不支持百度墨卡托米制坐标（BD-09MC）；请从百度导出 BD-09 经纬度（bd09ll）",
        "en": "{name}: Baidu Mercator metres (BD-09MC) are not supported; export BD-09 "
        "longitude/latitude (bd09ll) from Baidu instead",
    },
    "crs.unknown_epsg": {
        "zh": "{name}：EPSG:{code} 不是已知的坐标系；请核对 EPSG 编码",
        "en": "{name}: EPSG:{code} is not a coordinate system pyproj knows",
    },
    "crs.unknown": {
        "zh": "未知坐标系 {name}；请使用 wgs84（GPS，EPSG:4326）、cgcs2000（国家 2000，"
        "EPSG:4490）、gcj02（高德/腾讯）、bd09（百度）或 EPSG 编码（如 EPSG:4549）",
        "en": "unknown coordinate system {name}; use one of wgs84 (GPS, EPSG:4326), "
        "cgcs2000 (EPSG:4490), gcj02 (Amap/Tencent), bd09 (Baidu), or an EPSG code "
        "such as EPSG:4549",
    },
    "crs.cannot_transform": {
        "zh": "无法把坐标从 {src} 转换为 {dst}：{detail}",
        "en": "cannot transform coordinates from {src} to {dst}: {detail}",
    },
    "crs.layer_no_crs": {
        "zh": "{what:@layer}图层没有坐标系；应为 EPSG:4326（WGS-84 经纬度）",
        "en": "the {what} have no coordinate reference system; expected EPSG:4326",
    },
    "crs.layer_undeclared": {
        "zh": "该图层没有坐标系；请声明坐标系（gridmap 按 EPSG:4326 存储）",
        "en": "the layer has no coordinate system; declare it (gridmap stores EPSG:4326)",
    },
    "crs.not_lonlat": {
        "zh": "该图层的坐标系是 {crs}，应为 WGS-84 经纬度（EPSG:4326）",
        "en": "the layer is in {crs}, expected WGS-84 longitude/latitude (EPSG:4326)",
    },
    "crs.no_finite": {
        "zh": "无法选择米制坐标系：没有有效坐标",
        "en": "cannot choose a metric coordinate system: there are no finite coordinates",
    },
    "crs.not_longitude": {
        "zh": "无法为经度 {lon:g} 选择米制坐标系：数据看起来不是经纬度",
        "en": "cannot choose a metric coordinate system for longitude {lon:g}: the data "
        "do not look like longitude/latitude",
    },
    "crs.empty_layer": {
        "zh": "图层为空，无法选择米制坐标系",
        "en": "cannot choose a metric coordinate system for an empty layer; pass crs=",
    },
    "crs.no_crs_to_wgs84": {
        "zh": "该图层没有坐标系；转换为 WGS-84 之前请先声明坐标系",
        "en": "the layer has no coordinate system; declare it before converting to WGS-84",
    },
    "crs.label_mismatch": {
        "zh": "该图层标注的坐标系是 {layer_crs}，但声明的源坐标系是 {src}；请核对后重新声明",
        "en": "the layer is labelled {layer_crs} but the source was declared {src}",
    },
    "crs.projected": {
        "zh": "该图层是投影坐标系 {layer_crs}；{src} 只适用于经纬度，请先把图层转换为经纬度",
        "en": "the layer is in projected {layer_crs}; {src} applies to longitude/latitude "
        "only, so convert the layer to lon/lat first",
    },
    "crs.what.coordinates": {"zh": "坐标", "en": "coordinates"},
    "crs.what.point coordinates": {"zh": "点位坐标", "en": "point coordinates"},
    "crs.what.the position": {"zh": "位置", "en": "the position"},
    "crs.what.report coordinates": {"zh": "上报的坐标", "en": "report coordinates"},
    "crs.position_not_numbers": {
        "zh": "{what:@crs.what}须为数字，收到的是（{lon}, {lat}）",
        "en": "{what} must be numbers, got ({lon}, {lat})",
    },
    "crs.position_not_finite": {
        "zh": "{what:@crs.what}须为有限的数字，收到的是（{lon}, {lat}）",
        "en": "{what} must be finite numbers, got ({lon}, {lat})",
    },
    "crs.position_not_lonlat_system": {
        "zh": "{what:@crs.what}须为经纬度坐标（wgs84、gcj02 或 bd09），不能是 {system}",
        "en": "{what} must be longitude/latitude (wgs84, gcj02 or bd09), not {system}",
    },
    "crs.position_out_of_range": {
        "zh": "（{x}, {y}）不是经纬度位置：经度应在 -180 到 180 之间，纬度在 -90 到 90 之间；"
        "经纬度是否填反了？",
        "en": "({x}, {y}) is not a longitude/latitude position; are the axes swapped?",
    },
    # grid codes (gridmap.grids.codes)
    "grids.code.not_digits": {
        "zh": "网格编码 {code} 不是 {n} 位数字；网格编码为 12 位社区编码 + 3 位序号",
        "en": "grid code {code} is not {n} digits",
    },
    "grids.code.no_column": {
        "zh": "网格数据缺少“{name:@field}”列",
        "en": "the grids have no column {name!r}",
    },
    "grids.code.no_community": {
        "zh": "该网格没有所属社区编码，无法生成网格编码；请先填写社区编码",
        "en": "the grid has no community code, so it cannot be given a grid code",
    },
    "grids.code.bad_community": {
        "zh": "社区编码 {community} 不是 {n} 位数字，无法据此生成网格编码",
        "en": "community code {community} is not {n} digits, so grid codes cannot be made from it",
    },
    "grids.code.too_many": {
        "zh": "社区 {community} 有 {n} 个网格，而 3 位序号最多只能编到 {max}；请合并部分网格",
        "en": "community {community} has {n} grids; a 3-digit sequence numbers at most {max}",
    },
    "grids.code.no_free": {
        "zh": "社区 {community} 已没有可用的网格序号",
        "en": "community {community} has no free grid sequence number left",
    },
    "grids.code.row_height": {
        "zh": "行高须为正的米数，不能是 {value}",
        "en": "row_height_m must be a positive number of metres, not {value!r}",
    },
    "grids.code.twice": {
        "zh": "网格编码 {code} 被使用了两次",
        "en": "grid code {code} is used twice",
    },
    "grids.code.problems": {
        "zh": "网格编码有误：{problems}",
        "en": "{problems}",
    },
    # tilings (gridmap.grids.tiling, gridmap.grids.service)
    "tiling.kind.invalid": {"zh": "无效几何", "en": "invalid"},
    "tiling.kinds.invalid": {"zh": "无效几何", "en": "invalids"},
    "tiling.kind.empty": {"zh": "空几何", "en": "empty"},
    "tiling.kinds.empty": {"zh": "空几何", "en": "emptys"},
    "tiling.kind.unknown_community": {"zh": "未知社区", "en": "unknown community"},
    "tiling.kinds.unknown_community": {"zh": "未知社区", "en": "unknown communitys"},
    "tiling.kind.gap": {"zh": "缝隙", "en": "gap"},
    "tiling.kinds.gap": {"zh": "缝隙", "en": "gaps"},
    "tiling.kind.overlap": {"zh": "重叠", "en": "overlap"},
    "tiling.kinds.overlap": {"zh": "重叠", "en": "overlaps"},
    "tiling.kind.outside": {"zh": "超出社区", "en": "outside"},
    "tiling.kinds.outside": {"zh": "超出社区", "en": "outsides"},
    "tiling.kind_count": {"zh": "{kind} {n} 处", "en": "{n} {kind}"},
    "tiling.ok": {
        "zh": "网格完整覆盖每个社区，无缝隙、无重叠",
        "en": "the grids tile every community",
    },
    "tiling.summary_one": {
        "zh": "{total} 处网格拼接问题：{parts}",
        "en": "{total} tiling problem: {parts}",
    },
    "tiling.summary": {
        "zh": "{total} 处网格拼接问题：{parts}",
        "en": "{total} tiling problems: {parts}",
    },
    "tiling.failed": {
        "zh": "{summary}；第一处：{first}",
        "en": "{summary}; first: {first}",
    },
    "tiling.not_lonlat": {
        "zh": "{layer:@layer}图层的坐标系是 {crs}，应为经纬度（EPSG:4326）",
        "en": "the {layer} are in {crs}; expected longitude/latitude (EPSG:4326)",
    },
    "tiling.no_column": {
        "zh": "{layer:@layer}图层缺少“{name:@field}”列",
        "en": "the {layer} have no column {name!r}",
    },
    "tiling.tolerance": {
        "zh": "容差须为不小于 0 的平方米数，不能是 {value}",
        "en": "tolerance_m2 must be a number of square metres >= 0, not {value!r}",
    },
    "grids.not_tiling": {
        "zh": "新网格未能完整覆盖社区 {community}：{summary}；请修正缝隙或重叠后再保存",
        "en": "the new grids do not tile community {community}: {summary}",
    },
    "grids.placement": {
        "zh": "{problems}",
        "en": "{problems}",
    },
    "grids.changed_since_loaded": {
        "zh": "社区 {community} 的网格在您加载后已被他人修改（{changed}）；请刷新后重试",
        "en": "the grids of community {community} were changed by someone else since you "
        "loaded them ({changed}); reload and try again",
    },
    "grids.view_out_of_date": {
        "zh": "您看到的内容已过时，未保存任何修改。加载后被修改的有：{changes}；请刷新后重试",
        "en": "your view is out of date; nothing was saved. Changed since you loaded: {changes}",
    },
    # splitting a community into grids (gridmap.grids.split)
    "split.err.no_crs": {
        "zh": "社区边界没有坐标系；应为 EPSG:4326（WGS-84 经纬度）",
        "en": "the community has no coordinate reference system; expected EPSG:4326",
    },
    "split.err.no_geometry": {
        "zh": "该社区没有边界几何图形；请先导入社区边界",
        "en": "the community has no geometry",
    },
    "split.err.not_polygon": {
        "zh": "该社区的边界不是面（多边形）；请检查社区边界数据",
        "en": "the community is not a polygon",
    },
    "split.err.not_lonlat": {
        "zh": "社区边界的坐标不是经纬度（EPSG:4326）",
        "en": "the community's coordinates are not longitude/latitude (EPSG:4326)",
    },
    "split.err.too_many": {
        "zh": "划分结果有 {n} 个网格，而一个社区最多 {max} 个；请把网格划大一些",
        "en": "the split gives {n} grids; a community holds at most {max}. Choose larger grids.",
    },
    "split.err.cell_m": {
        "zh": "格网边长须为正的米数，不能是 {value}",
        "en": "cell_m must be a positive number of metres, not {value!r}",
    },
    "split.err.shape": {
        "zh": "格网形状须为正方形（square）或六边形（hex），不能是 {value}",
        "en": "shape must be 'square' or 'hex', not {value!r}",
    },
    "split.err.cells_too_small": {
        "zh": "边长 {cell_m} 米的格网对面积 {area:,.0f} m² 的社区来说太小了；请加大边长",
        "en": "cells of {cell_m} m are far too small for a community of {area:,.0f} m²",
    },
    "split.err.positive": {
        "zh": "{name:@split.err.option}须为正数，不能是 {value}",
        "en": "{name} must be a positive number, not {value!r}",
    },
    "split.err.option.target_households": {"zh": "目标户数", "en": "target_households"},
    "split.err.option.target_area_m2": {"zh": "目标面积", "en": "target_area_m2"},
    "split.err.needs_buildings": {
        "zh": "按户数划分需要楼栋数据（含户数）；请先导入楼栋",
        "en": "a household target needs the buildings (with their households)",
    },
    "split.err.bounds": {
        "zh": "户数范围须满足 0 < 下限 ≤ 上限，而现在下限为 {lo}、上限为 {hi}",
        "en": "household bounds must satisfy 0 < min <= max, not min={lo}, max={hi}",
    },
    "split.err.households_need_buildings": {
        "zh": "按户数均衡划分需要楼栋数据；请先导入楼栋",
        "en": "the household split needs the buildings",
    },
    # why a generated grid misses the bounds (the split page's problem column)
    "split.problem.compound_too_big": {
        "zh": "{total:.0f} 户，超过上限 {hi:.0f}：小区 {name} 自身就有 {hh:.0f} 户，不做拆分",
        "en": "{total:.0f} households, more than the maximum {hi:.0f}: compound {name} "
        "alone has {hh:.0f} and is not cut",
    },
    "split.problem.block_too_big": {
        "zh": "{total:.0f} 户，超过上限 {hi:.0f}：两条道路之间的一个街区就有 {hh:.0f} 户，"
        "按道路划分无法切开（请改用按户数划分）",
        "en": "{total:.0f} households, more than the maximum {hi:.0f}: one block between "
        "streets has {hh:.0f} and the streets method cannot cut it (use the households "
        "method)",
    },
    "split.problem.blocks_ungroupable": {
        "zh": "{total:.0f} 户，超过上限 {hi:.0f}：此处的街区无法在户数范围内组合",
        "en": "{total:.0f} households, more than the maximum {hi:.0f}: the blocks here "
        "cannot be grouped within the bounds",
    },
    "split.problem.community_small": {
        "zh": "整个社区只有 {total:.0f} 户，少于下限 {lo:.0f}",
        "en": "the whole community has only {total:.0f} households, fewer than the minimum "
        "{lo:.0f}",
    },
    "split.problem.isolated": {
        "zh": "{total:.0f} 户，少于下限 {lo:.0f}：这是社区中独立的一块，没有可合并的相邻网格",
        "en": "{total:.0f} households, fewer than the minimum {lo:.0f}: a separate part of "
        "the community with no neighbour to join",
    },
    "split.problem.no_neighbour_room": {
        "zh": "{total:.0f} 户，少于下限 {lo:.0f}：相邻网格合并后都会超过上限",
        "en": "{total:.0f} households, fewer than the minimum {lo:.0f}: no neighbouring "
        "grid can take it without passing the maximum",
    },
    "split.problem.sliver": {
        "zh": "面积仅 {area:.0f} m² 的细碎图斑，小于 {min_area:.0f} m²，且没有可合并的相邻网格",
        "en": "a sliver of {area:.0f} m², smaller than {min_area:.0f} m², with no neighbour "
        "to join",
    },
    "split.problem.piece_too_big": {
        "zh": "{name:@split.problem.piece}自身就有 {hh:.0f} 户，超过上限 {hi}，且无法再拆分",
        "en": "{name:@split.problem.piece} alone has {hh:.0f} households, more than the "
        "maximum {hi}, and cannot be split",
    },
    "split.problem.piece.": {"zh": "其中一块", "en": "one piece"},
    "split.problem.area_too_big": {
        "zh": "{hh:.0f} 户，超过上限 {hi}：此区域无论怎样划分都不能满足户数范围",
        "en": "{hh:.0f} households, more than the maximum {hi}: no split of this area fits "
        "the bounds",
    },
    "split.problem.community_small_hh": {
        "zh": "整个社区只有 {total:.0f} 户，少于下限 {lo}",
        "en": "the whole community has only {total:.0f} households, fewer than the minimum {lo}",
    },
    "split.problem.enclave": {
        "zh": "社区中独立的一块（飞地，与其余部分不相连）只有 {total:.0f} 户，少于下限 {lo}",
        "en": "a separate part of the community (an enclave, not connected to the rest) "
        "with only {total:.0f} households, fewer than the minimum {lo}",
    },
    "split.problem.uneven": {
        "zh": "{hh:.0f} 户，少于下限 {lo}：此处的小区无法分得更均匀",
        "en": "{hh:.0f} households, fewer than the minimum {lo}: the compounds here cannot "
        "be divided more evenly",
    },
    "split.problem.line": {"zh": "{code}：{problem}", "en": "{code}: {problem}"},
    # demo data and whole-street loads (gridmap.datasets, gridmap.importing)
    "datasets.unknown": {
        "zh": "没有名为“{name}”的数据集；可选：{names}",
        "en": "no dataset called {name!r}; choose one of: {names}",
    },
    "datasets.not_installed": {
        "zh": "数据集 {name} 未安装：缺少 {path}。演示数据随源码仓库提供（data/geo/）；"
        "请从源码目录用 `pip install -e .` 安装 gridmap，或运行 `python scripts/make_demo.py` "
        "重新生成",
        "en": "the {name} dataset is not installed: {path} is missing. The demo files ship "
        "with the source repository (data/geo/); install gridmap from a checkout with "
        "`pip install -e .`, or regenerate them with `python scripts/make_demo.py`.",
    },
    "datasets.bad_manifest": {
        "zh": "无法读取数据集清单：{detail}",
        "en": "cannot read the dataset manifest: {detail}",
    },
    "datasets.no_layers": {
        "zh": "数据集清单中没有图层列表",
        "en": "the dataset manifest has no list of layers",
    },
    "datasets.bad_entry": {
        "zh": "图层条目须包含 layer 和 file",
        "en": "a layer entry needs 'layer' and 'file'",
    },
    "datasets.missing_file": {
        "zh": "演示街道的{layer:@layer}文件 {path} 不存在",
        "en": "the demo street's {layer} file {path} is missing",
    },
    "datasets.no_street": {
        "zh": "数据集清单中没有带编码和名称的街道",
        "en": "the dataset manifest has no street with a code and a name",
    },
    "import.no_replace_scoped": {
        "zh": "用户“{user}”只管辖部分社区，不能替换整个图层",
        "en": "user {user!r} may not replace a whole layer (scoped to communities)",
    },
    "import.no_street_scoped": {
        "zh": "用户“{user}”只管辖部分社区，不能载入整个街道",
        "en": "user {user!r} may not load a whole street (scoped to communities)",
    },
    "import.store_not_empty": {
        "zh": "数据库中已有数据；演示街道只能载入空数据库",
        "en": "the store already holds data; the demo street loads only into an empty store",
    },
    "grids.code.problem.missing": {"zh": "缺少网格编码", "en": "grid code is missing"},
    "grids.code.problem.not_digits": {
        "zh": "网格编码 {code} 含有 0-9 以外的字符",
        "en": "grid code {code!r} contains characters other than digits 0-9",
    },
    "grids.code.problem.length": {
        "zh": "网格编码 {code} 有 {length} 位，应为 {digits} 位数字",
        "en": "grid code {code!r} has {length} characters, not {digits} digits",
    },
    "grids.code.problem.community_code": {
        "zh": "社区编码 {community} 不是 {community_digits} 位数字，无法核对网格编码 {code}",
        "en": "community code {community!r} is not {community_digits} digits, so grid code "
        "{code} cannot be checked against it",
    },
    "grids.code.problem.prefix": {
        "zh": "网格编码 {code} 不以所属社区编码 {community} 开头",
        "en": "grid code {code} does not start with the code of its community {community}",
    },
    "grids.code.problem.sequence": {
        "zh": "网格编码 {code} 的顺序号为 000；顺序号应为 001 至 999",
        "en": "grid code {code} has sequence 000; sequences run from 001 to 999",
    },
    "grids.conflict.added": {
        "zh": "网格 {code}：他人新增了 {added}",
        "en": "grid {code}: someone else added {added}",
    },
    "grids.conflict.removed": {
        "zh": "网格 {code}：他人移除了 {removed}",
        "en": "grid {code}: someone else removed {removed}",
    },
    "grids.conflict.added_removed": {
        "zh": "网格 {code}：他人新增了 {added}，并移除了 {removed}",
        "en": "grid {code}: someone else added {added} and removed {removed}",
    },
    "grids.conflict.edited": {
        "zh": "网格 {code}：{worker} 的分配已被他人修改",
        "en": "grid {code}: the assignment of {worker} was edited",
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
    # --- import problems and findings: keyed (refs #17, #18) ---------------------------
    # geometries of an imported file (gridmap.io.layers)
    "io.geom.not_wkt": {
        "zh": "不是 WKT 几何（{detail}）；请写成 POINT (120.15 30.28) 这样的 WKT 文本",
        "en": "not a WKT geometry ({detail})",
    },
    "io.geom.none_points": {
        "zh": "没有位置：{layer:@layer}图层需要坐标列——一对经纬度列（如 经度/纬度、lon/lat、"
        "lng/lat、longitude/latitude 或 x/y）、一个写成“经度,纬度”的 location 列"
        "（或一个 WKT geometry 列）；文件的列：{headers}",
        "en": "no geometry: layer {layer!r} needs coordinate columns: a pair such as "
        "经度/纬度, lon/lat, lng/lat, longitude/latitude or x/y, a 'location' column "
        "holding \"lng,lat\" (or a WKT 'geometry' column); headers found: {headers}",
    },
    "io.geom.none_shapes": {
        "zh": "没有几何图形：{layer:@layer}图层需要一个 WKT geometry 列（面和线请用 GeoJSON、"
        "Shapefile 或 GeoPackage 文件导入）；文件的列：{headers}",
        "en": "no geometry: layer {layer!r} needs a WKT 'geometry' column (use GeoJSON, "
        "Shapefile or GeoPackage for shapes); headers found: {headers}",
    },
    "io.geom.empty": {
        "zh": "几何为空：该要素没有坐标；请补上位置或删除该行",
        "en": "empty geometry: the feature has no coordinates",
    },
    "io.geom.z_dropped": {
        "zh": "三维几何：已去掉高程（Z）值",
        "en": "3-D geometry: the Z (height) values were dropped",
    },
    "io.geom.nonfinite": {
        "zh": "有坐标缺失、为 NaN 或为无穷大；请填写有效的坐标",
        "en": "a coordinate is missing, NaN or infinite",
    },
    "io.geom.wrong_type": {
        "zh": "几何类型不对：该要素是{found:@io.geom.what}；{layer:@layer}图层需要"
        "{needs:@io.geom.needs}",
        "en": "wrong geometry type: the feature is a {found:@io.geom.what}; layer {layer!r} "
        "needs {needs:@io.geom.needs}",
    },
    "io.geom.what.Point": {"zh": "点（Point）", "en": "Point"},
    "io.geom.what.LinearRing": {"zh": "线环（LinearRing）", "en": "LinearRing"},
    "io.geom.what.MultiLineString": {"zh": "多线（MultiLineString）", "en": "MultiLineString"},
    "io.geom.what.MultiPolygon": {"zh": "多面（MultiPolygon）", "en": "MultiPolygon"},
    "io.geom.what.GeometryCollection": {
        "zh": "几何集合（GeometryCollection）",
        "en": "GeometryCollection",
    },
    "io.geom.what.unknown": {"zh": "未知几何", "en": "unknown geometry"},
    "io.geom.multipoint_of": {
        "zh": "含 {n} 个点的多点（MultiPoint）",
        "en": "MultiPoint of {n} points",
    },
    "io.geom.needs.polygon": {
        "zh": "面（Polygon 或 MultiPolygon）",
        "en": "a Polygon or MultiPolygon",
    },
    "io.geom.needs.point": {"zh": "点（Point）", "en": "a Point"},
    "io.geom.needs.line": {
        "zh": "线（LineString 或 MultiLineString）",
        "en": "a LineString or MultiLineString",
    },
    "io.geom.needs.point_or_polygon": {
        "zh": "点或面（Point、Polygon 或 MultiPolygon）",
        "en": "a Point, Polygon or MultiPolygon",
    },
    "io.geom.invalid_polygon": {
        "zh": "面无效：{reason:@io.geos}{at}；请修正该图形，或导入时选择修复"
        "（--repair，用 shapely.make_valid 自动修复）",
        "en": "invalid polygon: {reason:@io.geos}{at}; fix it, or import with repair "
        "(--repair) to apply shapely.make_valid",
    },
    "io.geom.repair_empty": {
        "zh": "面无效：{reason:@io.geos}{at}；修复后没有剩下面积，请修正该图形",
        "en": "invalid polygon: {reason:@io.geos}{at}; repairing left no area",
    },
    "io.geom.repaired": {
        "zh": "无效的面已自动修复（{reason:@io.geos}{at}）；请核对其形状",
        "en": "invalid polygon repaired ({reason:@io.geos}{at}); check its shape",
    },
    # GEOS's reasons for an invalid geometry (shapely.is_valid_reason), by their head
    "io.geos.Self-intersection": {"zh": "自相交", "en": "Self-intersection"},
    "io.geos.Ring Self-intersection": {"zh": "环自相交", "en": "Ring Self-intersection"},
    "io.geos.Too few points in geometry component": {
        "zh": "图形的点数太少",
        "en": "Too few points in geometry component",
    },
    "io.geos.Hole lies outside shell": {"zh": "内环位于外环之外", "en": "Hole lies outside shell"},
    "io.geos.Nested holes": {"zh": "内环相互嵌套", "en": "Nested holes"},
    "io.geos.Interior is disconnected": {"zh": "内部不连通", "en": "Interior is disconnected"},
    "io.geos.Nested shells": {"zh": "外环相互嵌套", "en": "Nested shells"},
    "io.geos.Duplicate Rings": {"zh": "环重复", "en": "Duplicate Rings"},
    "io.geos.Invalid Coordinate": {"zh": "坐标无效", "en": "Invalid Coordinate"},
    "io.geos.Ring is not closed": {"zh": "环未闭合", "en": "Ring is not closed"},
    # coordinate systems and implausible coordinates (gridmap.io.layers)
    "io.crs.src_assumed": {
        "zh": "未声明坐标系，已按 {src} 读取",
        "en": "{src} was assumed: no coordinate system was declared",
    },
    "io.crs.src_declared": {"zh": "声明的坐标系为 {src}", "en": "{src} was declared"},
    "io.crs.unrecognised": {
        "zh": "无法识别文件自带的坐标系（{name}...）；已假定为 WGS-84，若不对请声明其 EPSG 编码",
        "en": "the file's coordinate system is not recognised ({name}...); assumed "
        "WGS-84: declare its EPSG code if that is wrong",
    },
    "io.crs.conflict_lonlat": {
        "zh": "文件声明其坐标为 {in_file}（经纬度），但导入时指定了 {declared}，两者矛盾："
        "请去掉导入时的坐标系声明，或修正文件",
        "en": "the file declares its coordinates as {in_file} (longitude/latitude) but "
        "{declared} was given; the two conflict: remove the declaration or fix the file",
    },
    "io.crs.converted": {
        "zh": "文件声明的坐标系为 {in_file}；坐标已转换为 WGS-84",
        "en": "the file declares {in_file}; its coordinates were converted to WGS-84",
    },
    "io.crs.conflict": {
        "zh": "文件声明的坐标系为 {in_file}，但导入时指定了 {declared}，两者矛盾："
        "请去掉导入时的坐标系声明，或修正文件",
        "en": "the file declares its coordinate system as {in_file} but {declared} was "
        "given; the two conflict: remove the declaration or fix the file",
    },
    "io.crs.xy_swapped": {
        "zh": "X 和 Y 似乎颠倒了（{x:.2f}, {y:.2f}）：按 {src} 只有交换后该点才落在中国境内"
        "（测量成果表通常先列北坐标 X）；请交换这两列",
        "en": "x and y look swapped ({x:.2f}, {y:.2f}): in {src} the point lands in China "
        "only when they are exchanged (Chinese survey tables list the northing X first)",
    },
    "io.crs.cannot_convert": {
        "zh": "坐标 ({x:.2f}, {y:.2f}) 无法从 {src} 转换；请检查声明的坐标系",
        "en": "the coordinates ({x:.2f}, {y:.2f}) cannot be converted from {src}; check "
        "the declared coordinate system",
    },
    "io.coord.finding.projected": {
        "zh": "坐标 ({x}, {y}) 不是经纬度，看起来是以米为单位的投影坐标（{src_said}）；"
        "请声明文件的 EPSG 编码（如国家 2000 高斯-克吕格投影带 EPSG:4513-4554）",
        "en": "the coordinates ({x}, {y}) are not longitude/latitude but look like "
        "projected metres although {src_said}; declare the file's EPSG code "
        "(e.g. a CGCS2000 Gauss-Kruger zone, EPSG:4513-4554)",
    },
    "io.coord.finding.swapped": {
        "zh": "经纬度似乎颠倒了（{x}, {y}）：交换后该点才落在中国境内；请交换这两列",
        "en": "longitude and latitude look swapped ({x}, {y}): the point falls inside "
        "China only when they are exchanged; swap the columns",
    },
    "io.coord.finding.invalid": {
        "zh": "坐标 ({x}, {y}) 超出范围：经度须在 ±180 之内，纬度须在 ±90 之内",
        "en": "coordinates ({x}, {y}) are out of range: longitude must lie within ±180 "
        "and latitude within ±90",
    },
    "io.coord.finding.outside_china": {
        "zh": "点 ({x}, {y}) 位于中国境外；请检查坐标系（{src_said}）和经纬度列的顺序",
        "en": "the point ({x}, {y}) lies outside China; check the coordinate system "
        "({src_said}) and the column order",
    },
    "io.coord.finding.far_from_center": {
        "zh": "点 ({x}, {y}) 距街道中心 {km:.1f} 公里，超过 {max_km:g} 公里：多半是坐标系不对"
        "（{src_said}）或经纬度列颠倒",
        "en": "the point ({x}, {y}) is {km:.1f} km from the street centre, more than "
        "{max_km:g} km: almost always a wrong coordinate system ({src_said}) "
        "or swapped columns",
    },
    "io.coord.more_rows": {
        "zh": "……另有 {n} 行存在同样的问题（{kind:@io.coord.kind}）",
        "en": "... and {n} more rows with the same problem ({kind:@io.coord.kind})",
    },
    "io.coord.kind.projected": {"zh": "疑似投影坐标", "en": "projected"},
    "io.coord.kind.swapped": {"zh": "经纬度颠倒", "en": "swapped"},
    "io.coord.kind.invalid": {"zh": "坐标超出范围", "en": "invalid"},
    "io.coord.kind.outside_china": {"zh": "位于中国境外", "en": "outside_china"},
    "io.coord.kind.far_from_center": {"zh": "距街道中心过远", "en": "far_from_center"},
    "io.coord.kind.far_from_street": {"zh": "距社区过远", "en": "far_from_street"},
    # columns and rows of an imported file (gridmap.io.layers)
    "io.geom.ignored": {
        "zh": "{layer:@layer}图层没有几何；已忽略文件中的几何",
        "en": "layer {layer!r} has no geometry; the file's geometries were ignored",
    },
    "io.table.header_duplicate": {
        "zh": "列“{header}”也表示“{canonical:@field}”；已使用列“{used}”，忽略列“{header}”",
        "en": "column {header!r} also means {canonical!r}; used {used!r} and ignored {header!r}",
    },
    "io.table.extra_columns": {
        "zh": "已忽略 {n} 个{layer:@layer}图层没有的列：{columns}",
        "en": "ignored {n} column(s) that layer {layer!r} does not have: {columns}",
    },
    "io.table.missing_column": {
        "zh": "缺少必填列“{field:@field}”；文件的列：{headers}",
        "en": "missing required column {field!r}; headers found: {headers}",
    },
    "io.table.missing_column_aliases": {
        "zh": "缺少必填列“{field:@field}”（表头可写作 {field}、{aliases}）；文件的列：{headers}",
        "en": "missing required column {field!r} (or {aliases}); headers found: {headers}",
    },
    "io.table.no_rows": {"zh": "文件中没有数据行", "en": "the file holds no data rows"},
    "io.value.duplicate": {
        "zh": "{field:@field}“{value}”重复：第 {first} 行和第 {second} 行的值相同；请改为不同的值",
        "en": "duplicate {field} {value!r}: rows {first} and {second} have the same value",
    },
    "io.file.unsupported": {
        "zh": "不支持的文件类型“{suffix}”；请使用以下格式之一：{formats}",
        "en": "unsupported file type '{suffix}'; use one of {formats}",
    },
    "io.file.none": {"zh": "无扩展名", "en": "(no extension)"},
    # checks of an import against the store (gridmap.importing)
    "io.point.outside_grids_at": {
        "zh": "位于 ({x:.6f}, {y:.6f})，不在任何网格内；请检查坐标或声明的坐标系"
        "（确需导入可使用 --allow-outside）",
        "en": "lies outside every grid at ({x:.6f}, {y:.6f}); check its coordinates or the "
        "declared coordinate system (use --allow-outside to import it anyway)",
    },
    "io.point.outside_grids": {
        "zh": "不在任何网格内；请检查坐标或声明的坐标系（确需导入可使用 --allow-outside）",
        "en": "lies outside every grid; check its coordinates or the declared coordinate "
        "system (use --allow-outside to import it anyway)",
    },
    "io.grid.codes_generated": {
        "zh": "已为 {n} 个网格生成编码（自西向东、自北向南）",
        "en": "generated codes for {n} grids (west to east, north to south)",
    },
    "io.scope.street_layer": {
        "zh": "{layer:@layer}图层属于整个街道；用户“{user}”只能导入所辖社区"
        "（{communities}）内的数据",
        "en": "layer {layer} belongs to the whole street; user {user!r} may import only "
        "within communities {communities}",
    },
    "io.scope.row_outside": {
        "zh": "位于社区 {community}，不在用户“{user}”所辖的社区内",
        "en": "lies in community {community}, outside the communities of user {user!r}",
    },
    # plan files (gridmap.grids.service)
    "io.plan.no_column": {
        "zh": "文件缺少“{name:@field}”列",
        "en": "the file has no column {name!r}",
    },
    "io.plan.no_worker_column": {
        "zh": "文件既没有“网格员编码”列，也没有“网格员姓名”列；请至少给出其中一列",
        "en": "the file has neither a 'worker_code' nor a 'worker_name' column",
    },
    # tiling findings (gridmap.grids.tiling)
    "tiling.at": {"zh": "({x:.5f}, {y:.5f})", "en": "({x:.5f}, {y:.5f})"},
    "tiling.at_unknown": {"zh": "（位置不明）", "en": "(unknown place)"},
    "tiling.reason.not_polygon": {
        "zh": "是{type:@io.geom.what}，不是面",
        "en": "is a {type:@io.geom.what}, not a polygon",
    },
    "tiling.reason.invalid": {
        "zh": "几何无效：{reason:@io.geos}{at}",
        "en": "has an invalid geometry: {reason:@io.geos}{at}",
    },
    "tiling.find.community_empty": {
        "zh": "社区 {community} 没有边界几何",
        "en": "community {community} has no geometry",
    },
    "tiling.find.community_invalid": {
        "zh": "社区 {community} 的边界{reason}，位置 {near}",
        "en": "community {community} {reason} near {near}",
    },
    "tiling.find.grid_empty": {"zh": "网格 {grid} 没有几何", "en": "grid {grid} has no geometry"},
    "tiling.find.grid_invalid": {
        "zh": "网格 {grid} 的边界{reason}，位置 {near}",
        "en": "grid {grid} {reason} near {near}",
    },
    "tiling.find.no_community": {
        "zh": "网格 {grid} 没有所属社区编码，位置 {near}",
        "en": "grid {grid} has no community code near {near}",
    },
    "tiling.find.unknown_community": {
        "zh": "网格 {grid} 的所属社区 {community} 不在社区图层中，位置 {near}",
        "en": "grid {grid} names community {community}, which is not in the communities "
        "layer near {near}",
    },
    "tiling.find.gap": {
        "zh": "社区 {community} 在 {near} 附近有 {area:.1f} m² 的缝隙，未被任何网格覆盖",
        "en": "gap of {area:.1f} m² in community {community} near {near}",
    },
    "tiling.find.gap_no_grids": {
        "zh": "社区 {community} 在 {near} 附近有 {area:.1f} m² 的缝隙（该社区还没有网格）",
        "en": "gap of {area:.1f} m² in community {community} near {near} (the community "
        "has no grids)",
    },
    "tiling.find.outside": {
        "zh": "网格 {grid} 在 {near} 附近有 {area:.1f} m² 超出所属社区 {community}",
        "en": "grid {grid} extends {area:.1f} m² outside its community {community} near {near}",
    },
    "tiling.find.overlap": {
        "zh": "社区 {community} 的网格 {grid} 和 {other} 在 {near} 附近重叠 {area:.1f} m²",
        "en": "grids {grid} and {other} of community {community} overlap by {area:.1f} m² "
        "near {near}",
    },
    # notifications and issue settings (gridmap.notify.outbox, gridmap.issues.categories)
    "delivery.interrupted": {
        "zh": "发送中断：发送程序在报告结果前已停止（租约已过期）",
        "en": "interrupted: the sender stopped before it reported (lease ran out)",
    },
    "workhours.config_file": {"zh": "案件设置", "en": "issues configuration"},
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
    # --- store, settings, notifications, exports: keyed errors (refs #17) ---------------
    "store.folder": {
        "zh": "无法创建数据文件夹 {folder}：{reason}；请确认该位置可写，或用环境变量 GRIDMAP_DB "
        "指定数据库",
        "en": "cannot create the data folder {folder}: {reason}",
    },
    "store.no_driver": {
        "zh": "无法打开 {url}：缺少数据库驱动{hint}：{reason}",
        "en": "cannot open {url}: database driver not available{hint}: {reason}",
    },
    "store.open_failed": {
        "zh": "无法打开数据库 {url}：{reason}",
        "en": "cannot open {url}: {reason}",
    },
    "store.not_initialised": {
        "zh": "{url} 不是已初始化的 gridmap 数据库（{reason}）；请先运行 gridmap init",
        "en": "{url} is not an initialised gridmap store ({reason}); run `gridmap init` first",
    },
    "store.full": {
        "zh": "数据库 {url} 已满（{reason}），未保存任何内容。请释放磁盘空间（或调高数据库的"
        "容量上限）后重试。",
        "en": "the store {url} is full ({reason}); nothing was saved. Free disk space (or raise "
        "the database's size limit) and try again.",
    },
    "store.read_only": {
        "zh": "数据库 {url} 是只读的（{reason}），未保存任何内容。请让数据库文件及其文件夹可写"
        "（或连接主数据库服务器）后重试。",
        "en": "the store {url} is read-only ({reason}); nothing was saved. Make the store file "
        "and its folder writable (or connect to the primary database server), then try again.",
    },
    "store.unreachable": {
        "zh": "无法使用数据库 {url}：连接不上（{reason}）。进行中的修改已撤销；请确认数据库服务器"
        "正在运行后重试。",
        "en": "cannot use the database {url}: the store is unreachable ({reason}). A change in "
        "progress was rolled back; check that the database server is running, then try again.",
    },
    "store.sqlite_failed": {
        "zh": "无法使用 SQLite 数据库 {url}：{reason}。请确认其文件夹存在且可写。",
        "en": "cannot use the SQLite store {url}: {reason}. Check that its folder exists and "
        "is writable.",
    },
    "store.db_failed": {
        "zh": "无法使用数据库 {url}：{reason}",
        "en": "cannot use the database {url}: {reason}",
    },
    "store.upgrade_failed": {
        "zh": "无法升级数据库 {url}：{reason}。该数据库可能由更新版本的 gridmap 写入；"
        "请升级 gridmap。",
        "en": "cannot upgrade {url}: {reason}. The store may have been written by a newer "
        "gridmap; upgrade gridmap.",
    },
    "store.integrity": {
        "zh": "该修改与数据库中已有的数据冲突：{reason}",
        "en": "the change conflicts with data already in the store: {reason}",
    },
    "store.unknown_table": {"zh": "未知数据表“{name}”", "en": "unknown table {name!r}"},
    "store.table_internal": {
        "zh": "数据表 {table} 由系统自动写入，不能直接修改",
        "en": "{table} is written by the store itself",
    },
    "store.no_column": {
        "zh": "数据表 {table} 没有字段 {columns}",
        "en": "{table} has no column {columns}",
    },
    "store.not_settable": {
        "zh": "数据表 {table} 的字段 {columns} 不能直接设置",
        "en": "{columns} of {table} cannot be set directly",
    },
    "store.no_row": {
        "zh": "数据表 {table} 中没有第 {row_id} 号记录（可能已被他人删除）",
        "en": "{table} row {row_id} does not exist",
    },
    "store.points_kind": {
        "zh": "点位必须有类别：{kinds:@layer}之一",
        "en": "points need a kind: one of {kinds}",
    },
    "store.add_failed": {
        "zh": "无法向数据表 {table} 添加记录：{reason}",
        "en": "cannot add to {table}: {reason}",
    },
    "store.duplicate": {
        "zh": "{table}：{column:@field}“{value}”在数据库中已存在",
        "en": "{table}: {column} {value!r} is already in the store",
    },
    "store.change_failed": {
        "zh": "无法修改数据表 {table} 的第 {row_id} 号记录：{reason}",
        "en": "cannot change {table} row {row_id}: {reason}",
    },
    "store.change_conflict": {
        "zh": "数据表 {table} 的第 {row_id} 号记录未能修改；请刷新后重试",
        "en": "{table} row {row_id} could not be changed; reload it and try again",
    },
    "store.ref_rows": {"zh": "{table} 中的 {n} 条记录", "en": "{n} rows of {table}"},
    "store.delete_referenced": {
        "zh": "不能删除数据表 {table} 的第 {row_id} 号记录：{what}引用了它",
        "en": "cannot delete {table} row {row_id}: {what} refer to it",
    },
    "store.append_only": {
        "zh": "数据表 {table} 只能追加，其记录不能修改或删除",
        "en": "{table} is append-only: its rows cannot be changed or deleted",
    },
    "store.bbox_four": {
        "zh": "范围框应为四个数：西,南,东,北；收到的是 {bbox}",
        "en": "a bounding box is four numbers west,south,east,north; got {bbox!r}",
    },
    "store.bbox_finite": {
        "zh": "范围框必须是有限的数字",
        "en": "the bounding box must hold finite numbers",
    },
    "store.bbox_order": {
        "zh": "范围框应按 西,南,东,北 排列，且西 ≤ 东、南 ≤ 北：{bbox}",
        "en": "the bounding box must be west,south,east,north with west <= east and "
        "south <= north: {bbox!r}",
    },
    "store.bbox_bad": {
        "zh": "不是范围框（最小经度, 最小纬度, 最大经度, 最大纬度）：{bbox}",
        "en": "not a bounding box (minx, miny, maxx, maxy): {bbox!r}",
    },
    "store.bbox_layer": {
        "zh": "没有可按范围查询的图层“{layer}”；可用：{layers:@layer}",
        "en": "no indexed map layer {layer!r}; use one of {layers}",
    },
    "store.no_grid": {"zh": "没有编码为 {code} 的网格", "en": "no grid with code {code!r}"},
    "store.dtype.int": {"zh": "整数", "en": "a whole number"},
    "store.dtype.float": {"zh": "数字", "en": "a number"},
    "store.dtype.bool": {"zh": "是/否", "en": "yes/no"},
    "store.dtype.date": {"zh": "日期（YYYY-MM-DD）", "en": "a date"},
    "store.dtype.datetime": {"zh": "日期时间", "en": "a date and time"},
    "store.dtype.str": {"zh": "文本", "en": "text"},
    "store.value_type": {
        "zh": "{column:@field}列的值“{value}”不是{kind:@store.dtype}",
        "en": "column {column!r}: {value!r} is not {kind:@store.dtype}",
    },
    "store.value_enum": {
        "zh": "{column:@field}列的值“{value}”无效；可填：{allowed:@label}",
        "en": "column {column!r}: unknown value {value!r} (allowed: {allowed})",
    },
    "store.value_exists": {
        "zh": "{column:@field}“{value}”在数据库中已存在（{table:@layer}）；请换一个，"
        "或改为替换导入",
        "en": "{column} {value!r} is already in the store ({table})",
    },
    "store.value_repeated": {
        "zh": "{column:@field}“{value}”在文件中出现了不止一次；每行须各不相同",
        "en": "{column} {value!r} appears more than once in the file",
    },
    "store.ref_ambiguous": {
        "zh": "{column:@field}“{value}”对应多条{table:@layer}记录；请改用唯一的{by:@field}",
        "en": "{column} {value!r} matches several {table}; use a unique {by}",
    },
    "store.ref_ambiguous_alt": {
        "zh": "{column:@field}“{value}”按{alt:@field}对应多条{table:@layer}记录；请改填{by:@field}",
        "en": "{column} {value!r} matches several {table} by {alt}; use the {by}",
    },
    "store.ref_unknown": {
        "zh": "未知{column:@field}“{value}”：{table:@layer}中没有这个{by:@field}；"
        "请更正该值，或先导入{table:@layer}",
        "en": "unknown {column} {value!r}: no such {by} in {table}",
    },
    "store.required_empty": {
        "zh": "{column:@field}列必须填写，但此行为空",
        "en": "column {column!r} is required but empty",
    },
    "store.needs_geometry": {
        "zh": "{layer:@layer}需要几何图形（EPSG:4326 经纬度）；请提供带坐标或图形的文件",
        "en": "{layer} needs geometries: pass a GeoDataFrame in EPSG:4326",
    },
    "store.crs_not_wgs84": {
        "zh": "{layer:@layer}的坐标系是 {crs}，数据库只接受 EPSG:4326 经纬度；请先转换",
        "en": "{layer} is in {crs}, the store takes EPSG:4326 lon/lat; convert it first",
    },
    "store.no_geometry": {
        "zh": "该行没有几何图形（位置或边界为空）",
        "en": "the row has no geometry",
    },
    "store.column_empty": {
        "zh": "{layer:@layer}：{column:@field}列为空",
        "en": "{layer}: column {column!r} is empty",
    },
    "store.grid_code_empty": {
        "zh": "{layer:@layer}：{column:@field}列为空；请先为网格编号（gridmap.grids）再保存",
        "en": "{layer}: column {column!r} is empty; number the grids (gridmap.grids) before "
        "storing them",
    },
    "store.replace_referenced": {
        "zh": "不能替换{layer:@layer}：{what}引用了它们；请先删除这些记录",
        "en": "cannot replace {layer}: {what} refer to them; remove those first",
    },
    "store.layer_failed": {
        "zh": "{layer:@layer}未能保存：{reason}",
        "en": "{layer} could not be stored: {reason}",
    },
    "store.points_unreadable": {
        "zh": "无法读取 {url} 中的点位记录：{reason}",
        "en": "cannot read the point records of {url}: {reason}",
    },
    "store.mbtiles_missing": {
        "zh": "找不到底图包：{path}",
        "en": "basemap package not found: {path}",
    },
    "store.mbtiles_bad": {
        "zh": "不是 MBTiles 底图包（{reason}）",
        "en": "not an MBTiles package ({reason})",
    },
    "apitoken.exists": {
        "zh": "已有名为“{name}”的 API 令牌；请换一个名称",
        "en": "an API token called {name!r} exists; choose another name",
    },
    "apitoken.no_such": {"zh": "没有名为“{name}”的 API 令牌", "en": "no API token called {name!r}"},
    "apitoken.unknown_rights": {
        "zh": "未知的令牌权限：{rights}；可选：{known}",
        "en": "unknown token right(s) {rights}; choose from {known}",
    },
    "apitoken.no_rights": {
        "zh": "令牌至少需要一项权限（{known}）",
        "en": "a token needs at least one right ({known})",
    },
    "apitoken.out_of_scope": {
        "zh": "用户“{user}”只能管理其管辖范围内的 API 令牌，不能管理“{name}”",
        "en": "user {user!r} may handle API tokens only within their own scope, not {name!r}",
    },
    "apitoken.name": {
        "zh": "API 令牌名称须为 1 到 100 个字符",
        "en": "an API token needs a name of 1 to 100 characters",
    },
    "apitoken.days": {
        "zh": "令牌有效期须为 1 到 {max_days} 天，现为“{days}”",
        "en": "a token lives 1 to {max_days} days, not {days!r}",
    },
    "apitoken.expiry": {
        "zh": "到期时间须在今后 {max_days} 天之内，现为 {at}",
        "en": "the expiry must lie in the next {max_days} days, not {at}",
    },
    "apitoken.rate": {
        "zh": "调用频率上限须为每分钟 1 到 10000 次，现为“{rate}”",
        "en": "the rate limit is 1 to 10000 calls a minute, not {rate!r}",
    },
    # settings file (gridmap.config)
    "config.unknown": {
        "zh": "未知设置项“{name}”；可用的设置项：{known}",
        "en": "unknown setting {name!r}; known: {known}",
    },
    "config.number": {
        "zh": "设置项“{name}”必须是不小于 0 的数字，现为“{value}”",
        "en": "setting {name!r} must be a number of at least 0, got {value!r}",
    },
    "config.text": {
        "zh": "设置项“{name}”必须是文本，现为“{value}”",
        "en": "setting {name!r} must be text, got {value!r}",
    },
    "config.toml": {
        "zh": "不是有效的 TOML 设置文件：{reason}；请检查引号、方括号和等号",
        "en": "not valid TOML: {reason}",
    },
    "config.unreadable": {"zh": "无法读取：{reason}", "en": "cannot read: {reason}"},
    "config.timezone": {
        "zh": "未知时区“{name}”；请使用 IANA 时区名，如 Asia/Shanghai",
        "en": "unknown time zone {name!r}; use an IANA name such as Asia/Shanghai",
    },
    "config.basemap": {
        "zh": "未知底图“{name}”；可选 none（无底图）、osm、tianditu（天地图）、amap（高德）"
        "或 custom（自定义）",
        "en": "unknown basemap {name!r}; use none, osm, tianditu, amap or custom",
    },
    "config.unwritable": {
        "zh": "无法保存设置：{reason}；请确认设置文件及其文件夹可写",
        "en": "cannot write settings: {reason}",
    },
    # check rules (gridmap.checks)
    "rules.where": {"zh": "检查规则“{rule}”的 {setting}", "en": "rule {rule!r}: {setting}"},
    "rules.defaults_unreadable": {
        "zh": "无法读取默认检查规则配置：{reason}；gridmap 的安装可能不完整，请重新安装",
        "en": "cannot read the default rule configuration: {reason}",
    },
    "rules.severity": {
        "zh": '{where} 必须是 "failure"（不合格）或 "advisory"（提示），现为“{value}”',
        "en": '{where} must be "failure" or "advisory", not {value!r}',
    },
    "rules.bool": {
        "zh": "{where} 必须是 true（是）或 false（否），现为“{value}”",
        "en": "{where} must be true or false, not {value!r}",
    },
    "rules.number": {
        "zh": "{where} 必须是不小于 0 的数字，现为“{value}”",
        "en": "{where} must be a number of at least 0, not {value!r}",
    },
    "rules.text": {
        "zh": "{where} 必须是文本，现为“{value}”",
        "en": "{where} must be text, not {value!r}",
    },
    "rules.text_list": {
        "zh": '{where} 必须是文本列表（如 ["a", "b"]），现为“{value}”',
        "en": "{where} must be a list of texts, not {value!r}",
    },
    "rules.number_table": {
        "zh": "{where} 必须是由“名称 = 数字”组成的表，现为“{value}”",
        "en": "{where} must be a table of numbers, not {value!r}",
    },
    "rules.not_table": {
        "zh": "[rules] 必须由若干 [rules.<规则编号>] 表组成",
        "en": "[rules] must be a table of [rules.<id>] tables",
    },
    "rules.unknown": {
        "zh": "未知检查规则“{rule}”；可用：{known}",
        "en": "unknown rule {rule!r}; known: {known}",
    },
    "rules.rule_not_table": {
        "zh": "[rules.{rule}] 必须是一个表",
        "en": "[rules.{rule}] must be a table",
    },
    "rules.no_setting": {
        "zh": "检查规则“{rule}”没有设置项“{setting}”；可用：{known}",
        "en": "rule {rule!r} has no setting {setting!r}; known: {known}",
    },
    "rules.unknown_family": {
        "zh": "未知规则类别“{family}”；可用：{known}",
        "en": "unknown rule family {family!r}; known: {known}",
    },
    "rules.as_of": {
        "zh": "检查日期必须是日期或日期时间，现为“{value}”",
        "en": "as_of must be a date or a datetime, not {value!r}",
    },
    "rules.did_not_run": {
        "zh": "检查规则“{rule}”没有运行；已运行：{ran}",
        "en": "rule {rule!r} did not run; ran: {ran}",
    },
    "rules.score_level": {
        "zh": "未知评分层级“{level}”；可选 grid（网格）、community（社区）或 worker（网格员）",
        "en": "unknown score level {level!r}; use grid, community or worker",
    },
    "rules.orders_by": {
        "zh": "督办单按 grid（网格）或 worker（网格员）生成，不能按“{by}”",
        "en": "supervision orders go by grid or worker, not {by!r}",
    },
    "rules.format": {
        "zh": "未知格式“{fmt}”；可选：{formats}",
        "en": "unknown format {fmt!r}; use one of {formats}",
    },
    "rules.unknown_community": {
        "zh": "未知社区“{community}”；已有社区：{known}",
        "en": "unknown community {community!r}; known: {known}",
    },
    "files.unwritable": {
        "zh": "无法写入：{reason}；请确认文件夹存在且可写",
        "en": "cannot write: {reason}",
    },
    # notification settings and delivery (gridmap.notify)
    "channels.no_such": {
        "zh": "没有通知渠道“{name}”；已有渠道：{known}",
        "en": "no notification channel {name!r}; channels: {known}",
    },
    "channels.text_list": {"zh": "{what} 必须是文本列表", "en": "{what} must be a list of text"},
    "channels.unknown_items": {
        "zh": "{what}：未知的 {bad}；可选：{allowed}",
        "en": "{what}: unknown {bad}; use {allowed}",
    },
    "channels.bad_name": {
        "zh": "{where}：渠道名称须为 1-64 个字母、数字、“_”或“-”",
        "en": "{where}: a channel name has 1-64 letters, digits, '_' or '-'",
    },
    "channels.bad_type": {
        "zh": "{where}：type 必须是 {types} 之一，现为“{kind}”",
        "en": "{where}: type must be one of {types}, not {kind!r}",
    },
    "channels.needs_url": {
        "zh": "{where}：需要填写 http(s) 地址（url）",
        "en": "{where}: needs an http(s) url",
    },
    "channels.needs_host": {
        "zh": "{where}：邮件（smtp）渠道需要填写邮件服务器地址（host）",
        "en": "{where}: an smtp channel needs a host",
    },
    "channels.bad_role": {
        "zh": "{where}：role 必须是 {roles} 之一",
        "en": "{where}: role must be one of {roles}",
    },
    "channels.bad_security": {
        "zh": "{where}：security 必须是 ssl、starttls 或 none",
        "en": "{where}: security must be ssl, starttls or none",
    },
    "channels.numbers": {
        "zh": "{where}：port 和 timeout_s 必须是数字",
        "en": "{where}: port and timeout_s must be numbers",
    },
    "channels.daily_at": {
        "zh": "[notify] daily_at 必须是 08:30 这样的时间，现为“{value}”",
        "en": "[notify] daily_at must be a time like 08:30, not {value!r}",
    },
    "channels.notify_numbers": {
        "zh": "[notify]：warn_share、max_attempts、backoff_s、lease_s、interval_s 必须是数字",
        "en": "[notify]: warn_share, max_attempts, backoff_s, lease_s, interval_s must be numbers",
    },
    "channels.warn_share": {
        "zh": "[notify] warn_share 必须在 0 到 1 之间，现为 {value}",
        "en": "[notify] warn_share must be between 0 and 1, not {value}",
    },
    "channels.max_attempts": {
        "zh": "[notify] max_attempts 至少为 1",
        "en": "[notify] max_attempts must be at least 1",
    },
    "delivery.not_webhook": {
        "zh": "渠道“{name}”的类型是 {type}，不是 webhook",
        "en": "channel {name!r} of type {type!r} is not a webhook",
    },
    "delivery.http": {"zh": "接收方返回 HTTP {status}：{answer}", "en": "HTTP {status}: {answer}"},
    "delivery.not_json": {
        "zh": "接收方的答复不是 JSON：{answer}",
        "en": "the receiver answered something that is not JSON: {answer!r}",
    },
    "delivery.refused": {
        "zh": "接收方拒收：错误码 {detail}",
        "en": "refused by the receiver: code {detail}",
    },
    "delivery.unreachable": {
        "zh": "无法连接接收方：{reason}；请检查网络和地址",
        "en": "cannot reach the receiver: {reason}",
    },
    "delivery.no_to": {
        "zh": "渠道“{name}”的 to 中没有收件地址",
        "en": "channel {name!r} has no addresses in 'to'",
    },
    "delivery.smtp": {
        "zh": "邮件服务器拒收或无法连接：{reason}",
        "en": "the mail server refused or could not be reached: {reason}",
    },
    # issue categories, working hours, routing, queries (gridmap.issues)
    "workhours.unknown_category": {
        "zh": "未知问题分类“{name}”；可选：{known}",
        "en": "unknown issue category {name!r}; choose one of: {known}",
    },
    "workhours.where_category": {"zh": "问题分类“{name}”", "en": "category {name!r}"},
    "workhours.where_sub": {"zh": "问题小类“{name}/{sub}”", "en": "subcategory {name}/{sub}"},
    "workhours.hours": {
        "zh": "{where}：处置时限 hours 必须是大于 0 的数字，现为“{value}”",
        "en": "{where}: 'hours' must be a number above 0, got {value!r}",
    },
    "workhours.working": {
        "zh": "{where}：working（是否按工作时间计时）必须是 true 或 false，现为“{value}”",
        "en": "{where}: 'working' must be true or false, got {value!r}",
    },
    "workhours.time": {
        "zh": "工作时间：“{value}”不是 09:00 这样的时间",
        "en": "working hours: {value!r} is not a time like '09:00'",
    },
    "workhours.date": {
        "zh": "工作时间：“{value}”不是 2026-10-01 这样的日期",
        "en": "working hours: {value!r} is not a date like '2026-10-01'",
    },
    "workhours.periods": {
        "zh": "工作时间：periods 必须是 [开始, 结束] 时间对，现为 {value}",
        "en": "working hours: periods must be [start, end] pairs, got {value!r}",
    },
    "workhours.days": {
        "zh": "工作时间：days 必须是 1-7 的星期数列表（1 为星期一），现为 {value}",
        "en": "working hours: days must be a list of ISO weekdays 1-7, got {value!r}",
    },
    "workhours.duplicates": {
        "zh": "重复案件设置：“{setting}”必须是不小于 0 的数字，现为“{value}”",
        "en": "duplicates: {setting!r} must be a number of at least 0, got {value!r}",
    },
    "workhours.no_categories": {
        "zh": "[issues.categories] 下至少要有一个问题分类",
        "en": "at least one issue category is needed under [issues.categories]",
    },
    "workhours.category_table": {
        "zh": "问题分类“{name}”必须是一个表",
        "en": "category {name!r} must be a table",
    },
    "workhours.separation": {
        "zh": '[issues.separation] 应把一个操作对应到一组操作，如 verify = ["handle"]',
        "en": '[issues.separation] maps an action to a list of actions, e.g. verify = ["handle"]',
    },
    "workhours.issues_table": {"zh": "[issues] 必须是一个表", "en": "[issues] must be a table"},
    "workhours.timezone": {
        "zh": "工作时间中的时区“{tz}”未知；请使用 IANA 时区名，如 Asia/Shanghai",
        "en": "unknown time zone {tz!r} in the working hours",
    },
    "workhours.weekdays": {
        "zh": "工作日必须是 1-7 的星期数（1 为星期一），现为 {days}",
        "en": "working days must be ISO weekdays 1-7, got {days}",
    },
    "workhours.period_order": {
        "zh": "工作时段必须是（开始, 结束）时间对：开始早于结束，按先后排列，互不重叠",
        "en": "working periods must be (start, end) pairs, start < end, in order, no overlap",
    },
    "workhours.hours_number": {
        "zh": "需要填写小时数，现为“{value}”",
        "en": "a number of hours is needed, got {value!r}",
    },
    "workhours.hours_finite": {
        "zh": "小时数必须是不小于 0 的有限数字，现为“{value}”",
        "en": "hours must be a finite number of at least 0, got {value!r}",
    },
    "workhours.no_time": {
        "zh": "工作时间设置中没有任何可工作的时段；请检查 [issues.working_hours]",
        "en": "the working hours leave no working time; check [issues.working_hours]",
    },
    "routing.no_position": {
        "zh": "问题上报需要位置（一个点）",
        "en": "the report needs a position (a point)",
    },
    "routing.no_grids": {
        "zh": "数据库中还没有网格，无法分派问题；请先导入网格",
        "en": "there are no grids in the store, so the report cannot be routed",
    },
    "routing.outside": {
        "zh": "位置 ({x:.6f}, {y:.6f}) 不在任何网格内；最近的网格 {grid} 相距 {distance:.0f} 米。"
        "请核对坐标及其坐标系（wgs84、gcj02、bd09）。",
        "en": "the position ({x:.6f}, {y:.6f}) lies outside every grid; the nearest grid {grid} "
        "is {distance:.0f} m away. Check the coordinates and their coordinate system (wgs84, "
        "gcj02, bd09).",
    },
    "period.month": {
        "zh": "月份应写成 2026-10 这样，现为“{month}”",
        "en": "month must look like 2026-10, got {month!r}",
    },
    "scores.by": {
        "zh": "考核只能按 grid（网格）或 worker（网格员）统计，不能按“{by}”",
        "en": "scores are by 'grid' or 'worker', not {by!r}",
    },
    "queries.overdue_by": {
        "zh": "超期统计只能按 grid（网格）或 worker（网格员），不能按“{by}”",
        "en": "overdue counts are by 'grid' or 'worker', not {by!r}",
    },
    "queries.no_worker": {
        "zh": "没有编号或姓名为“{worker}”的网格员",
        "en": "no grid worker with code or name {worker!r}",
    },
    "queries.no_photo": {"zh": "没有编号为 {photo} 的照片", "en": "no photo {photo}"},
    "queries.no_photo_scope": {
        "zh": "您的管辖范围内没有编号为 {photo} 的照片",
        "en": "no photo {photo} in your scope",
    },
    "queries.not_yours": {
        "zh": "没有由您负责的问题“{issue}”",
        "en": "no issue report {issue!r} of yours",
    },
    "queries.ack_status": {
        "zh": "只有已派遣的案件才能签收；该案件状态为“{status:@status}”",
        "en": "only a dispatched case can be acknowledged (签收); this one is {status}",
    },
    # command-line arguments (raised by gridmap.records.cli, gridmap.issues.cli)
    # user accounts and workers (gridmap.records)
    "users.worker_role_only": {
        "zh": "只有网格员角色的用户才关联网格员档案，{role:@role}不关联",
        "en": "only a user of role worker is linked to a worker record, not a {role}",
    },
    "users.worker_code_needed": {
        "zh": "网格员角色的用户需要填写其网格员编号（--worker 编号）",
        "en": "a user of role worker needs the code of their worker record (--worker CODE)",
    },
    "users.no_worker_code": {
        "zh": "没有编号为“{code}”的网格员；请先添加该网格员（gridmap workers add）",
        "en": "no worker with code {code!r}; add the worker first (gridmap workers add)",
    },
    "users.worker_column": {
        "zh": "表格需要网格员编号列（worker、code 或 工号）；现有列：{found}",
        "en": "the table needs a worker column (worker, code, 工号); found: {found}",
    },
    "users.name_taken": {
        "zh": "用户名“{name}”为空、重复或已被占用",
        "en": "user name {name!r} is empty, repeated or taken",
    },
    "workers.deactivate_scope": {
        "zh": "用户“{user}”只能停用在其管辖社区工作的网格员；{name}（{code}）自 {day} 起"
        "没有负责的网格：请找全街道用户办理",
        "en": "user {user!r} may deactivate only workers who work in their communities; "
        "{name} ({code}) holds no grid from {day}: ask a whole-street user",
    },
    "auth.password_file": {
        "zh": "无法写入密码文件 {path}：{reason}",
        "en": "cannot write the password file {path}: {reason}",
    },
    # exports (gridmap.export, gridmap.ledger)
    "exports.unknown": {
        "zh": "未知导出类型“{kind}”；可选：{kinds}",
        "en": "unknown export {kind!r}; choose one of: {kinds}",
    },
    "exports.format": {
        "zh": "导出“{kind}”只能生成 {formats} 格式，不能生成 {fmt}",
        "en": "export {kind} writes {formats} only, not {fmt}",
    },
    "exports.bad_date": {
        "zh": "“{value}”不是日期（格式为 YYYY-MM-DD）",
        "en": "not a date: {value!r} (use YYYY-MM-DD)",
    },
    "exports.no_week": {"zh": "没有这一周：“{value}”", "en": "no such week: {value!r}"},
    "exports.bad_week": {
        "zh": "“{value}”不是周次（格式为 YYYY-Www，如 2026-W45）",
        "en": "not a week: {value!r} (use YYYY-Www, e.g. 2026-W45)",
    },
    "exports.no_community": {
        "zh": "没有编码为“{code}”的社区",
        "en": "no community with code {code!r}",
    },
    "exports.no_grid_in": {
        "zh": "社区 {community} 中没有编码为 {code} 的网格",
        "en": "no grid with code {code!r} in community {community}",
    },
    "exports.out_of_scope": {
        "zh": "用户“{user}”不能导出其管辖社区以外的数据",
        "en": "user {user!r} may not export outside their communities",
    },
    "exports.unwritable": {
        "zh": "无法写入 {path}：{reason}；请确认文件夹存在且可写",
        "en": "cannot write {path}: {reason}",
    },
    "exports.crs": {
        "zh": "数据只能按 {crs_names} 导出，不能按“{crs}”",
        "en": "data can be exported in {crs_names} only, not {crs!r}",
    },
    "exports.gpkg": {
        "zh": "无法写入 GeoPackage 文件：{reason}",
        "en": "cannot write the GeoPackage: {reason}",
    },
    "exports.geojson": {
        "zh": "无法写入 GeoJSON 文件：{reason}",
        "en": "cannot write GeoJSON files: {reason}",
    },
    "exports.no_grids": {"zh": "{scope}没有可导出的网格", "en": "no grids to export in {scope}"},
    "exports.scope_street": {"zh": "全街道", "en": "street"},
    "exports.roster_format": {
        "zh": "未知花名册格式“{fmt}”；可选：{formats}",
        "en": "unknown roster format {fmt!r}; use one of: {formats}",
    },
    "exports.weekly_format": {
        "zh": "未知周报格式“{fmt}”；可选：{formats}",
        "en": "unknown weekly report format {fmt!r}; use one of: {formats}",
    },
    "exports.deadline_days": {
        "zh": "督办期限天数不能小于 0，现为 {days}",
        "en": "deadline_days must be 0 or more, got {days}",
    },
    "ledgers.level": {
        "zh": "台账只能按 {levels} 统计，不能按“{level}”",
        "en": "the ledger is by {levels}, not {level!r}",
    },
    "fonts.face": {
        "zh": "中文字体“{spec}”：“#”后的字形序号必须是数字",
        "en": "CJK font {spec!r}: the face index after '#' must be a number",
    },
    "fonts.not_embeddable": {
        "zh": "中文字体 {path} 无法嵌入 PDF（{problem}）；"
        "请指定含中文字符的 TrueType .ttf/.ttc 文件",
        "en": "the CJK font {path} cannot be embedded in PDFs ({problem}); name a TrueType "
        ".ttf/.ttc file with Chinese characters",
    },
    "fonts.no_file": {"zh": "文件不存在", "en": "no such file"},
    "fonts.no_chinese": {"zh": "字体中没有中文字符", "en": "it has no Chinese characters"},
    "fonts.missing": {
        "zh": "未找到用于 PDF 和地图导出的 TrueType 中文字体；请安装一种（Debian/Ubuntu："
        "apt-get install {package}），或在设置 cjk_font 或环境变量 ${env} 中指定 .ttf/.ttc 文件",
        "en": "no TrueType Chinese font found for PDF and map exports; install one "
        "(Debian/Ubuntu: apt-get install {package}) or set the cjk_font setting or ${env} to "
        "a .ttf/.ttc file",
    },
    # map assets, tiles, the web server and its sessions
    "assets.missing": {
        "zh": "缺少地图资源：请安装 {dist} 包（pip install {dist}）",
        "en": "map assets missing: install the {dist} package (pip install {dist})",
    },
    "assets.install": {
        "zh": "无法把地图资源安装到 {folder}：{reason}",
        "en": "cannot install map assets into {folder}: {reason}",
    },
    "tiles.no_tile": {
        "zh": "没有瓦片 {z}/{x}/{y}（缩放级别 0-{max_zoom}；级别 {z} 下 x、y 为 0-{top}）",
        "en": "no tile {z}/{x}/{y} (zoom 0-{max_zoom}, x and y 0-{top} at zoom {z})",
    },
    "tiles.no_layer": {
        "zh": "没有瓦片图层“{layer}”；可选：{layers}",
        "en": "no tile layer {layer!r}; use one of {layers}",
    },
    "server.no_app": {
        "zh": "在 {path} 找不到网页应用；请在 gridmap 源代码文件夹中用“pip install -e .”安装",
        "en": "the web app was not found at {path}; install gridmap from its source folder "
        "with 'pip install -e .'",
    },
    "websession.no_such": {"zh": "没有进行中的会话 {session}", "en": "no live session {session}"},
    "websession.not_allowed": {
        "zh": "用户“{user}”不能结束“{target}”的会话",
        "en": "user {user!r} may not end sessions of {target!r}",
    },
    # whole-layer imports, case pairs, map styles (same pass)
    "issues.verb_merge": {"zh": "合并到", "en": "merge into"},
    "issues.verb_link": {"zh": "关联到", "en": "link to"},
    "issues.pair_out_of_scope": {
        "zh": "用户“{user}”不能{verb}问题 {code}：该问题不在其管辖社区内",
        "en": "user {user!r} may not {verb} report {code}: it lies outside the user's communities",
    },
    "mapstyle.bounds_shape": {
        "zh": "地图范围应为（最小经度, 最小纬度, 最大经度, 最大纬度），现为 {bounds}",
        "en": "bounds must be (min_lon, min_lat, max_lon, max_lat), got {bounds!r}",
    },
    "mapstyle.bounds_range": {
        "zh": "地图范围不是经纬度（最小经度, 最小纬度, 最大经度, 最大纬度）：{bounds}",
        "en": "bounds are not lon/lat (min_lon, min_lat, max_lon, max_lat): {bounds!r}",
    },
    "mapstyle.colour": {
        "zh": "{what}：“{color}”不是颜色值；请写成 #1f77b4 这样的格式",
        "en": "{what}: {color!r} is not a CSS colour like '#1f77b4'",
    },
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
    # --- less-visible messages: histories, plans, maps, summaries (#17, second pass) ----
    "issues.field_move": {
        "zh": "用户“{user}”不能{action:@lifecycle.step}问题：网格员只能签收、处置或申请退回"
        "本人网格的案件",
        "en": "user {user!r} may not {action} a report: a grid worker may only acknowledge, "
        "handle or ask to return the cases of their own grids",
    },
    "issues.not_your_case": {
        "zh": "该案件没有派遣给用户“{user}”的网格",
        "en": "this case is not dispatched to a grid of user {user!r}",
    },
    "issues.separation": {
        "zh": "分离职责：{user} 已{done:@lifecycle.step}此案件，不能再{step:@lifecycle.step}",
        "en": "separation of duties: {user} took the {done} step of this case and may not "
        "{step} it",
    },
    "issues.history_start": {
        "zh": "案件记录须从“上报”开始，而不是“{source:@status}”→“{target:@status}”",
        "en": "the history must start with None -> reported, not {source} -> {target}",
    },
    "issues.history_broken": {
        "zh": "案件记录不连贯：一条记录从“{source:@status}”开始，而案件当时为“{current:@status}”",
        "en": "broken history: an event starts at {source}, the report was {current}",
    },
    "issues.history_empty": {"zh": "该案件没有任何记录", "en": "the report has no history"},
    "issues.not_in_scope": {
        "zh": "您的管辖范围内没有问题“{issue}”",
        "en": "no issue report {issue!r} in your scope",
    },
    "issues.report_ref": {"zh": "问题 {code}", "en": "issue report {code}"},
    "supervision.order": {"zh": "督办单 {number}", "en": "supervision order {number}"},
    "supervision.state_unknown": {
        "zh": "未知督办单状态“{value}”；可用：已下发、整改中、已整改、复查通过、办结",
        "en": "unknown supervision order state {value!r}; use one of 已下发/issued, "
        "整改中/rectifying, 已整改/rectified, 复查通过/passed, 办结/done",
    },
    "supervision.action_unknown": {
        "zh": "未知操作“{value}”；可用：签收、整改完成、复查、办结",
        "en": "unknown action {value!r}; use accept/签收, report/整改完成, recheck/复查 or "
        "close/办结",
    },
    "supervision.closed_no_moves": {
        "zh": "督办单已办结，不能再{action:@supervision.action}",
        "en": "the order is closed (办结); no further moves (asked for {action})",
    },
    "supervision.move_not_allowed": {
        "zh": "“{state:@supervision.state}”状态的督办单不能{action:@supervision.action}；"
        "可执行：{allowed:@supervision.action}",
        "en": "a supervision order in state {state} cannot {action}; allowed: {allowed}",
    },
    "supervision.history_start": {
        "zh": "督办单记录须从“已下发”开始，而不是“{source:@supervision.state}”→"
        "“{target:@supervision.state}”",
        "en": "the history must start with None -> issued, not {source} -> {target}",
    },
    "supervision.history_broken": {
        "zh": "督办单记录不连贯：一条记录从“{source:@supervision.state}”开始，而督办单当时为"
        "“{current:@supervision.state}”",
        "en": "broken history: an event starts at {source}, the order was {current}",
    },
    "supervision.history_move": {
        "zh": "督办单不能从“{source:@supervision.state}”转为“{target:@supervision.state}”",
        "en": "a supervision order cannot move from {source} to {target}",
    },
    "supervision.history_empty": {"zh": "该督办单没有任何记录", "en": "the order has no history"},
    "supervision.no_such": {
        "zh": "没有督办单“{order}”（请填写序号或文号）",
        "en": "no supervision order {order!r} (give its id or its number 文号)",
    },
    "supervision.not_in_scope": {
        "zh": "您的管辖范围内没有督办单“{order}”",
        "en": "no supervision order {order!r} in your scope",
    },
    "supervision.gone": {
        "zh": "督办单 {order} 不存在（可能已被他人删除）",
        "en": "supervision order {order} does not exist",
    },
    "supervision.deadline_negative": {
        "zh": "整改期限（天）不能为负数：{days}",
        "en": "deadline_days must be 0 or more, got {days}",
    },
    "supervision.case_no_grid": {
        "zh": "案件 {code} 不在任何网格内；请先确认其所属网格",
        "en": "case {code} lies in no grid; confirm its grid first",
    },
    "supervision.state_changed": {
        "zh": "督办单 {number} 现为“{state:@supervision.state}”，不是"
        "“{expected:@supervision.state}”；请刷新后重试",
        "en": "supervision order {number} is {state} now, not {expected}; reload and try again",
    },
    "supervision.report_needs_proof": {
        "zh": "报告整改完成时，请添加整改照片或填写整改情况说明",
        "en": "to report the rectification, add photos of it or a note saying what was done",
    },
    "supervision.recheck_not_rectified": {
        "zh": "只有“已整改”的督办单才能复查；督办单 {number} 现为“{state:@supervision.state}”",
        "en": "only a rectified order (已整改) can be re-checked; {number} is {state}",
    },
    "error.conflict.row": {"zh": "{table:@layer}第 {row_id} 条记录", "en": "{table} row {row_id}"},
    "error.row_gone": {
        "zh": "{table:@layer}第 {row_id} 条记录不存在（可能已被他人删除）",
        "en": "{table} row {row_id} does not exist (deleted by someone else?)",
    },
    "io.summary.first": {"zh": "{first}", "en": "{first}"},
    "io.summary.first_more": {
        "zh": "{first}（另有 {n} 个问题）",
        "en": "{first} (and {n} more problems)",
    },
    # --- command lines (gridmap.cli, gridmap.grids.cli) ---------------------------------
    "io.problem.row": {"zh": "第 {row} 行", "en": "row {row}"},
    "io.problem.column": {"zh": "{column:@field}列", "en": "column {column!r}"},
    "io.problem.warning": {"zh": "警告：", "en": "warning: "},
    # --- plans, layers and maps (gridmap.grids.balance, gridmap.model, gridmap.maps) -----
    "grids.no_code_column": {
        "zh": "网格数据缺少“网格编码”列",
        "en": "the grids have no column 'code'",
    },
    "grids.not_in_plan": {"zh": "网格 {grid} 不在本方案中", "en": "grid {grid} is not in the plan"},
    "grids.no_longer_held": {
        "zh": "网格 {grid} 已不再由 {worker} 以{role:@role}身份负责；请刷新后重试",
        "en": "grid {grid} is no longer held by {worker} as {role}",
    },
    "grids.bounds_reversed": {
        "zh": "范围有误：下限 {min} 高于上限 {max}",
        "en": "bounds: minimum {min} is above maximum {max}",
    },
    "grids.needs_adjacency": {
        "zh": "检查网格是否连片需要网格相邻关系",
        "en": "checking contiguity needs the grid adjacency",
    },
    "model.unknown_layer": {
        "zh": "未知图层“{layer}”；可选：{layers:@layer}",
        "en": "unknown layer {layer!r}; choose one of: {layers}",
    },
    "model.bad_version": {
        "zh": "版本号应为读取时的记录版本（整数），而不是 {value}",
        "en": "version must be the row version you read (an integer), got {value}",
    },
    "maps.feature_gone": {
        "zh": "{layer:@layer}中没有第 {row_id} 条记录（可能已被删除或不在您的管辖范围内）",
        "en": "{layer} {row_id} not found",
    },
    "maps.grid_out_of_scope": {
        "zh": "网格 {grid} 超出用户“{user}”的管辖范围",
        "en": "grid {grid} is outside the scope of user {user!r}",
    },
    "maps.unknown_basemap": {
        "zh": "未知底图“{basemap}”；可选：{basemaps}",
        "en": "unknown basemap {basemap!r}; choose one of: {basemaps}",
    },
    "maps.tile_url_missing": {
        "zh": "自定义底图须填写切片地址，如 http://tiles.local/{{z}}/{{x}}/{{y}}.png",
        "en": "basemap 'custom' needs tile_url, e.g. http://tiles.local/{{z}}/{{x}}/{{y}}.png",
    },
    "maps.tile_url_scheme": {
        "zh": "切片地址须以 http://、https:// 或 / 开头：{url}",
        "en": "tile URL must start with http://, https:// or /: {url!r}",
    },
    "maps.tile_url_fields": {
        "zh": "切片地址须包含 {{z}}、{{x}} 和 {{y}}：{url}",
        "en": "tile URL must contain {{z}}, {{x}} and {{y}}: {url!r}",
    },
    "maps.tile_url_chars": {
        "zh": "切片地址含有网址中不允许的字符：{url}",
        "en": "tile URL contains characters not allowed in a URL: {url!r}",
    },
    "maps.tianditu_key": {
        "zh": "天地图底图需要密钥（tk），可在 console.tianditu.gov.cn 申请",
        "en": "the Tianditu basemap needs a key (tk); get one at console.tianditu.gov.cn",
    },
    "maps.amap_with_tiles": {
        "zh": "高德底图不能叠加切片显示（切片为 WGS-84 坐标）；请选择其他底图",
        "en": "the Amap basemap cannot be drawn under tiles (they are in WGS-84); "
        "choose another basemap",
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
        "zh": "不是数据库地址：“{url}”（应为 sqlite:///路径 或 postgresql+psycopg://...）",
        "en": "not a database URL: {url!r} (use sqlite:///path or postgresql+psycopg://...)",
    },
    "store.url_backend": {
        "zh": "不支持的数据库 {backend}（{url}）：请使用 SQLite 或 PostgreSQL",
        "en": "unsupported database {backend} in {url}: use SQLite or PostgreSQL",
    },
}


_WHAT_ZH = {"longitude": "经度", "latitude": "纬度", "location": "位置", "coordinate": "坐标"}


_LABEL_SPECS = {"label": None, "kind": None, "layer": None, "role": "role", "status": "status"}


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


class Msg:
    """A message as a parameter of another: rendered in the outer message's language.

    Examples
    --------
    >>> what = Msg("supervision.order", number="2026-3")
    >>> str(what), text("error.conflict.stale", "zh", what=what, read=1, current=2)[:14]
    ('supervision order 2026-3', '督办单 2026-3在您读取')
    """

    __slots__ = ("key", "params")

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params

    def __reduce__(self) -> tuple:  # keyword parameters survive pickling
        return (_make_msg, (self.key, self.params))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, **{self.params!r})"

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang``."""
        return text(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.text("en")


def _make_msg(key: str, params: dict[str, object]) -> Msg:
    return Msg(key, **params)


class _Formatter(string.Formatter):
    """``str.format`` that shows enums, lists and ``@prefix`` fields in the language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Msg):
            value = value.text(self.lang)
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
    if lang != "en" and isinstance(params.get("what"), str) and params["what"] in _WHAT_ZH:
        params = {**params, "what": _WHAT_ZH[params["what"]]}
    try:
        return _Formatter(lang).format(template, **params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template
