"""Domain vocabulary: roles, statuses, point kinds and the column schema of every layer.

This module holds data (enums, dataclasses, the :data:`LAYERS` table) and the few
pure rules every layer obeys (phone numbers, one grid head at a time). It does
no I/O and no geometry work. Importers use :data:`LAYERS` to map user headers
(English or Chinese) to canonical columns and to validate values; the store uses
it to know which layer lives in which table.

Canonical values are short English identifiers (``"grid_head"``, ``"board"``);
the Chinese labels users type are accepted as aliases and shown back through
:mod:`gridmap.i18n`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from gridmap.errors import InputError

__all__ = [
    "ENUM_COLUMNS",
    "LAYERS",
    "POINT_KINDS",
    "BinType",
    "BoardType",
    "Column",
    "IssueStatus",
    "LayerSpec",
    "MaintenanceAction",
    "PointStatus",
    "RoadClass",
    "Role",
    "UserRole",
    "WorkerRole",
    "check_phone",
    "grid_head_overlaps",
    "is_missing",
    "is_phone",
    "layer_spec",
    "row_version",
]


class WorkerRole(StrEnum):
    """A worker's role in a grid."""

    GRID_HEAD = "grid_head"  # 网格长
    FULL_TIME = "full_time"  # 专职网格员
    PART_TIME = "part_time"  # 兼职网格员
    VOLUNTEER = "volunteer"  # 志愿者


Role = WorkerRole


class UserRole(StrEnum):
    """An app user's role.

    The office roles (viewer to admin) each include the rights of those before
    them; the field roles ``worker`` (网格员, linked to one worker record and
    scoped to that worker's grids) and ``volunteer`` (文明巡访队 随手拍: report and
    follow one's own reports) have only the rights listed for them in
    :data:`gridmap.auth.FIELD_RIGHTS`.
    """

    VIEWER = "viewer"
    INSPECTOR = "inspector"
    PLANNER = "planner"
    ADMIN = "admin"
    WORKER = "worker"
    VOLUNTEER = "volunteer"


class RoadClass(StrEnum):
    """Road classes the board and bin rules distinguish."""

    MAIN_COMMERCIAL = "main_commercial"  # 主要商业街
    MAIN = "main"  # 主干道
    SECONDARY = "secondary"  # 次干道
    LANE = "lane"  # 支路/巷道


class BoardType(StrEnum):
    """Kinds of ad and publicity boards."""

    PUBLIC_AD = "public_ad"  # 公益广告牌
    PUBLICITY = "publicity"  # 宣传栏
    PANEL = "panel"  # 展板
    REMINDER = "reminder"  # 提示牌 (遵德守礼)
    COMMERCIAL = "commercial"  # 商业广告 (counts toward the public-service share)


class BinType(StrEnum):
    """Waste bins on the street and collection points in compounds."""

    COLLECTION_POINT = "collection_point"  # 垃圾收集点
    STREET_BIN = "street_bin"  # 废物箱/垃圾桶


class PointStatus(StrEnum):
    """Life-cycle status of a point record."""

    ACTIVE = "active"  # 在用
    DAMAGED = "damaged"  # 损坏
    REPAIRING = "repairing"  # 维修中
    RETIRED = "retired"  # 已撤除


class MaintenanceAction(StrEnum):
    """What a maintenance record says was done."""

    INSPECTED = "inspected"  # 巡检
    CLEANED = "cleaned"  # 清洁
    REPAIRED = "repaired"  # 维修
    REPLACED = "replaced"  # 更换


class IssueStatus(StrEnum):
    """States of the 数字城管 issue-report loop."""

    REPORTED = "reported"  # 上报
    REGISTERED = "registered"  # 立案
    DISPATCHED = "dispatched"  # 派遣
    HANDLED = "handled"  # 处置
    VERIFIED = "verified"  # 核查
    CLOSED = "closed"  # 结案
    SUSPENDED = "suspended"  # 挂起
    RETURNED = "returned"  # 退回


#: Point-record layers and the ``kind`` they are stored under.
POINT_KINDS = {"boards": "board", "fitness": "fitness", "bins": "bin"}


@dataclass(frozen=True)
class Column:
    """One column of a layer.

    Parameters
    ----------
    name
        Canonical (English) column name.
    dtype
        One of ``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime``, ``enum``.
    required
        Whether every row must have a value.
    aliases
        Other headers accepted for this column (English and Chinese), matched
        case-insensitively after stripping spaces.
    choices
        For ``enum`` columns: canonical value -> accepted spellings.
    default
        Value used when the column is absent or the cell empty (not for required columns).
    """

    name: str
    dtype: str = "str"
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default: object = None
    doc: str = ""


@dataclass(frozen=True)
class LayerSpec:
    """Schema of one importable layer.

    ``geometry`` is ``"polygon"``, ``"point"``, ``"line"``, ``"point_or_polygon"`` or
    ``None`` for plain tables. ``key`` names the column that must be unique in a file.
    """

    name: str
    geometry: str | None
    columns: tuple[Column, ...]
    key: str | None = None
    doc: str = ""

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        msg = f"layer {self.name!r} has no column {name!r}"
        raise KeyError(msg)

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, dtype: str = "str", *aliases: str, required: bool = False,
       choices: dict[str, tuple[str, ...]] | None = None, default: object = None,
       doc: str = "") -> Column:
    return Column(name, dtype, required, tuple(aliases), choices or {}, default, doc)


_ROLE_CHOICES = {
    "grid_head": ("网格长", "grid head", "head", "leader", "组长"),
    "full_time": ("专职网格员", "专职", "full-time", "fulltime", "full time"),
    "part_time": ("兼职网格员", "兼职", "part-time", "parttime", "part time"),
    "volunteer": ("志愿者", "志愿网格员", "volunteer"),
}
_ROAD_CHOICES = {
    "main_commercial": ("主要商业街", "商业街", "商业大街", "commercial", "main commercial street"),
    "main": ("主干道", "主干路", "主要道路", "main road", "arterial", "primary"),
    "secondary": ("次干道", "次干路", "secondary road", "collector"),
    "lane": ("支路", "巷道", "胡同", "小巷", "lane", "local", "residential"),
    "path": ("步行道", "人行道", "游步道", "小路", "path", "footway", "pedestrian"),
}
_BOARD_CHOICES = {
    "public_ad": ("公益广告牌", "公益广告", "public ad", "psa"),
    "publicity": ("宣传栏", "publicity board", "bulletin"),
    "panel": ("展板", "display panel"),
    "reminder": ("提示牌", "遵德守礼提示牌", "reminder board"),
    "commercial": ("商业广告", "商业广告牌", "commercial ad"),
}
_BIN_CHOICES = {
    "collection_point": ("垃圾收集点", "收集点", "collection point", "垃圾分类投放点", "投放点"),
    "street_bin": ("垃圾桶", "废物箱", "果皮箱", "street bin", "litter bin", "bin"),
}
_SORT_CHOICES = {
    "recyclable": ("可回收物", "可回收", "recyclable"),
    "hazardous": ("有害垃圾", "有害", "hazardous"),
    "kitchen": ("厨余垃圾", "厨余", "湿垃圾", "kitchen", "food"),
    "other": ("其他垃圾", "其他", "干垃圾", "other", "residual"),
    "mixed": ("混合", "四分类", "分类", "mixed", "sorted set"),
}
_POINT_STATUS_CHOICES = {
    "active": ("在用", "正常", "active", "ok", "good"),
    "damaged": ("损坏", "破损", "damaged", "broken"),
    "repairing": ("维修中", "repairing", "under repair"),
    "retired": ("已撤除", "停用", "撤除", "retired", "removed"),
}
_ISSUE_STATUS_CHOICES = {
    "reported": ("上报", "已上报", "reported", "new"),
    "registered": ("立案", "已立案", "registered"),
    "dispatched": ("派遣", "已派遣", "dispatched"),
    "handled": ("处置", "已处置", "handled"),
    "verified": ("核查", "已核查", "verified"),
    "closed": ("结案", "已结案", "closed"),
    "suspended": ("挂起", "suspended"),
    "returned": ("退回", "returned"),
}
_ACTION_CHOICES = {
    "inspected": ("巡检", "检查", "inspected", "inspection"),
    "cleaned": ("清洁", "清洗", "cleaned", "cleaning"),
    "repaired": ("维修", "repaired", "repair"),
    "replaced": ("更换", "replaced", "replacement"),
}
_CONDITION_CHOICES = {
    "good": ("良好", "完好", "good", "ok"),
    "fair": ("一般", "fair"),
    "poor": ("较差", "差", "poor"),
    "broken": ("损坏", "broken", "damaged"),
}
_SCHOOL_CHOICES = {
    "primary": ("小学", "primary"),
    "secondary": ("中学", "初中", "高中", "secondary", "middle", "high"),
    "nine_year": ("九年一贯制", "nine-year", "combined"),
    "kindergarten": ("幼儿园", "kindergarten"),
    "other": ("其他", "other"),
}
_ENTRANCE_CHOICES = {
    "community": ("社区", "community"),
    "compound": ("小区", "compound"),
}

_NAME = ("名称", "名字", "title")
_CODE = ("编码", "编号", "代码", "id", "code_id")
_COMMUNITY = ("社区", "社区编码", "社区代码", "community_code")
_GRID = ("网格", "网格编码", "网格代码", "网格编号", "grid_code")
_HOUSEHOLDS = ("户数", "住户", "住户数", "hh")
_RESIDENTS = ("人口", "人数", "居民", "常住人口", "population", "pop")
_STATUS = ("状态",)
_INSPECTED = ("最近巡检", "巡检日期", "最后巡检", "last_inspection", "inspected")
_NOTE = ("备注", "说明", "notes", "remark")

LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in (
        LayerSpec(
            "communities", "polygon",
            (
                _c("code", "str", *_CODE, "社区编码", required=True,
                   doc="12-digit code: 6 district + 3 street + 3 community"),
                _c("name", "str", *_NAME, "社区名称", "社区", required=True,
                   doc="社区 counts as the name only where no other name column exists"),
                _c("street", "str", "街道", "street_name", "街道名称"),
                _c("households", "int", *_HOUSEHOLDS),
                _c("residents", "int", *_RESIDENTS),
            ),
            key="code",
            doc="Community (社区) boundaries.",
        ),
        LayerSpec(
            "grids", "polygon",
            (
                _c("code", "str", *_CODE, "网格编码", "网格编号", "grid_code",
                   doc="15-digit code: community code + 3-digit sequence; generated when empty"),
                _c("community", "str", *_COMMUNITY, required=True,
                   doc="code of the community the grid lies in"),
                _c("name", "str", *_NAME, "网格名称"),
                _c("households", "int", *_HOUSEHOLDS),
                _c("residents", "int", *_RESIDENTS),
            ),
            key="code",
            doc="Grid (网格) polygons; together they tile their community.",
        ),
        LayerSpec(
            "workers", None,
            (
                _c("code", "str", *_CODE, "工号", "worker_id", "worker_code",
                   doc="worker identifier; generated when empty"),
                _c("name", "str", *_NAME, "姓名", required=True),
                _c("phone", "str", "电话", "手机", "联系电话", "手机号", "mobile", "tel"),
                _c("notes", "str", *_NOTE),
            ),
            key="code",
            doc="Grid workers (网格员).",
        ),
        LayerSpec(
            "assignments", None,
            (
                _c("grid", "str", *_GRID, required=True),
                _c("worker", "str", "网格员", "工号", "worker_code", "姓名", required=True,
                   doc="worker code, or name when unique"),
                _c("role", "enum", "角色", "职务", "岗位", required=True, choices=_ROLE_CHOICES),
                _c("valid_from", "date", "起始日期", "开始日期", "生效日期", "入职日期", "任职日期",
                   "from", "start"),
                _c("valid_to", "date", "结束日期", "截止日期", "to", "end"),
            ),
            doc="Who is responsible for which grid, in which role, from when to when.",
        ),
        LayerSpec(
            "compounds", "polygon",
            (
                _c("code", "str", *_CODE, "小区编码"),
                _c("name", "str", *_NAME, "小区名称", "小区", required=True),
                _c("community", "str", *_COMMUNITY),
                _c("households", "int", *_HOUSEHOLDS),
                _c("enclosed", "bool", "封闭", "封闭式", "是否封闭", default=True),
            ),
            key="name",
            doc="Residential compounds (小区).",
        ),
        LayerSpec(
            "entrances", "point",
            (
                _c("name", "str", *_NAME),
                _c("of", "enum", "类别", "所属类型", "entrance_of", "type",
                   choices=_ENTRANCE_CHOICES, default="compound"),
                _c("compound", "str", "小区", "所属小区", "compound_name"),
                _c("community", "str", *_COMMUNITY),
                _c("pedestrian", "bool", "人行", "步行", default=True),
            ),
            doc="Entrances (出入口) of communities and compounds.",
        ),
        LayerSpec(
            "buildings", "point_or_polygon",
            (
                _c("code", "str", *_CODE, "楼栋编码", "楼号"),
                _c("name", "str", *_NAME, "楼栋", "楼栋名称"),
                _c("households", "int", *_HOUSEHOLDS, default=0),
                _c("residents", "int", *_RESIDENTS),
                _c("compound", "str", "小区", "所属小区"),
                _c("residential", "bool", "住宅", "是否住宅", default=True),
                _c("floors", "int", "层数", "楼层"),
            ),
            key="code",
            doc="Buildings with households; residential ones are checked for bin and "
                "fitness reach.",
        ),
        LayerSpec(
            "roads", "line",
            (
                _c("name", "str", *_NAME, "道路名称", "路名"),
                _c("road_class", "enum", "class", "等级", "道路等级", "类型", "highway",
                   required=True, choices=_ROAD_CHOICES),
                _c("owner", "str", "责任网格", "责任单位", "门前三包", "路段责任", "responsible",
                   doc="grid code or unit responsible for the segment (路段管理责任制, 门前三包); "
                       "empty: the grid it runs through"),
            ),
            doc="Road centre-lines with a class (and a responsible grid or unit).",
        ),
        LayerSpec(
            "service_centres", "point_or_polygon",
            (
                _c("code", "str", *_CODE),
                _c("name", "str", *_NAME, "服务中心", "服务中心名称", required=True),
                _c("community", "str", *_COMMUNITY),
            ),
            key="code",
            doc="Community service centres (社区服务中心, 党群服务中心): a polygon, or a point "
                "(a circle of the rule's radius around it).",
        ),
        LayerSpec(
            "hoardings", "line",
            (
                _c("code", "str", *_CODE),
                _c("name", "str", *_NAME, "工地", "工地名称", "项目名称", "site"),
                _c("length_m", "float", "长度", "围挡长度", "length",
                   doc="hoarding length in metres (default: the line's length)"),
                _c("panels", "int", "画面数", "幅数", "总幅数", "panel_count",
                   doc="panels (画面) on the hoarding"),
                _c("public_ad_panels", "int", "公益广告幅数", "公益画面数", "public_panels"),
                _c("public_ad_length_m", "float", "公益广告长度", "公益广告米数", "public_length",
                   doc="metres of the hoarding carrying public-service ads"),
            ),
            key="code",
            doc="Construction-site hoardings (工地围挡) with their panels or lengths of "
                "public-service ads.",
        ),
        LayerSpec(
            "schools", "polygon",
            (
                _c("name", "str", *_NAME, "学校", "学校名称", required=True),
                _c("level", "enum", "类型", "学段", "类别", choices=_SCHOOL_CHOICES,
                   default="primary"),
            ),
            doc="Schools as polygons (the 200 m rule is measured from the boundary).",
        ),
        LayerSpec(
            "internet_cafes", "point",
            (
                _c("name", "str", *_NAME, "网吧", "网吧名称", required=True),
                _c("address", "str", "地址"),
            ),
            doc="Internet cafés (网吧).",
        ),
        LayerSpec(
            "boards", "point",
            (
                _c("code", "str", *_CODE),
                _c("name", "str", *_NAME),
                _c("board_type", "enum", "type", "类型", "类别", "种类", required=True,
                   choices=_BOARD_CHOICES),
                _c("theme", "str", "主题", "内容"),
                _c("fixed", "bool", "固定", "是否固定", default=True),
                _c("outdoor", "bool", "室外", "户外", "是否室外", default=True),
                _c("panels", "int", "幅数", "块数", "面数", "panel_count", default=1),
                _c("status", "enum", *_STATUS, choices=_POINT_STATUS_CHOICES, default="active"),
                _c("last_inspected", "date", *_INSPECTED),
            ),
            key="code",
            doc="Ad and publicity boards (公益广告牌, 宣传栏, 展板, 提示牌).",
        ),
        LayerSpec(
            "fitness", "point",
            (
                _c("code", "str", *_CODE),
                _c("name", "str", *_NAME),
                _c("equipment_type", "str", "type", "器材类型", "类型", required=True),
                _c("installed", "date", "安装日期", "installed_on", "install_date"),
                _c("condition", "enum", "状况", "完好情况", choices=_CONDITION_CHOICES,
                   default="good"),
                _c("status", "enum", *_STATUS, choices=_POINT_STATUS_CHOICES, default="active"),
                _c("last_inspected", "date", *_INSPECTED),
            ),
            key="code",
            doc="Fitness equipment (健身器材, 健身路径).",
        ),
        LayerSpec(
            "bins", "point",
            (
                _c("code", "str", *_CODE),
                _c("name", "str", *_NAME),
                _c("bin_type", "enum", "type", "类型", "类别", required=True, choices=_BIN_CHOICES),
                _c("category", "enum", "分类", "垃圾分类", "sorting", choices=_SORT_CHOICES,
                   default="mixed"),
                _c("capacity_l", "float", "容量", "capacity", "容量(升)"),
                _c("status", "enum", *_STATUS, choices=_POINT_STATUS_CHOICES, default="active"),
                _c("last_inspected", "date", *_INSPECTED),
            ),
            key="code",
            doc="Waste bins (垃圾桶/废物箱) and collection points (垃圾收集点).",
        ),
        LayerSpec(
            "issues", "point",
            (
                _c("code", "str", *_CODE, "案卷号", "事件编号"),
                _c("category", "str", "分类", "类别", "大类", "事件类型", required=True),
                _c("subcategory", "str", "小类", "子类"),
                _c("description", "str", "描述", "问题描述", "内容"),
                _c("reporter", "str", "上报人", "报告人"),
                _c("status", "enum", *_STATUS, choices=_ISSUE_STATUS_CHOICES,
                   default="reported"),
                _c("reported_at", "datetime", "上报时间", "时间", "reported", "date",
                   required=True),
                _c("deadline", "datetime", "处置时限", "截止时间"),
            ),
            key="code",
            doc="Issue reports (问题上报/事件).",
        ),
        LayerSpec(
            "maintenance", None,
            (
                _c("point", "str", "设施编码", "部件编码", "point_code", "code", required=True,
                   doc="code of the board, fitness item or bin"),
                _c("date", "date", "日期", "维护日期", required=True),
                _c("action", "enum", "类型", "操作", "维护类型", required=True,
                   choices=_ACTION_CHOICES),
                _c("condition", "enum", "状况", choices=_CONDITION_CHOICES),
                _c("note", "str", *_NOTE, "note"),
                _c("by", "str", "维护人", "记录人", "操作人"),
            ),
            doc="Maintenance log of point records (巡检、维修、更换记录).",
        ),
    )
}

#: Columns holding canonical enum values (shown by their display name, i18n.label).
ENUM_COLUMNS = frozenset(
    c.name for spec in LAYERS.values() for c in spec.columns if c.dtype == "enum"
)


def layer_spec(name: str) -> LayerSpec:
    """Return the :class:`LayerSpec` of layer ``name``.

    Raises
    ------
    gridmap.errors.InputError
        If there is no such layer.
    """
    from gridmap.errors import InputError

    try:
        return LAYERS[name]
    except KeyError:
        raise InputError.keyed("model.unknown_layer", layer=str(name),
                               layers=list(LAYERS)) from None


def is_missing(value: Any, *, blank_text: bool = False) -> bool:
    """Whether a cell holds no value: ``None``, NaN, ``pd.NA`` or NaT.

    Parameters
    ----------
    value
        The cell.
    blank_text
        Count empty or whitespace-only text as missing too (form input).

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), 0, "")]
    [True, True, False, False]
    >>> is_missing("  ", blank_text=True)
    True
    """
    if value is None:
        return True
    if isinstance(value, str):
        return blank_text and not value.strip()
    if isinstance(value, float):  # numpy's float64 too
        return math.isnan(value)
    import numpy as np
    import pandas as pd

    if value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, np.floating):
        return bool(np.isnan(value))
    return isinstance(value, np.datetime64) and bool(np.isnat(value))


_MOBILE = re.compile(r"1[3-9]\d{9}")
#: area code 010/02x with 8 digits, or 0[3-9]xx with 7 or 8; an optional extension
_LANDLINE = re.compile(
    r"(?:0(?:10|2\d)-?[2-9]\d{7}|0[3-9]\d{2}-?[2-9]\d{6,7})(?:(?:-|转|#|ext\.?|x)\d{1,6})?"
)


def is_phone(value: object) -> bool:
    """Whether ``value`` is a mainland phone number.

    An 11-digit mobile number ``1[3-9]xxxxxxxxx`` (spaces or hyphens between the
    groups and a ``+86`` prefix are fine), or a landline with its area code
    ``0xx(x)-xxxxxxx(x)`` (010 and 02x with 8 digits, 0[3-9]xx with 7 or 8; the
    number starts with 2-9; the hyphen may be left out; brackets around the area
    code are fine) and an optional extension after ``-``, ``转``, ``#`` or ``ext``.

    Examples
    --------
    >>> [is_phone(v) for v in ("13812345678", "138 1234 5678", "+86 13812345678")]
    [True, True, True]
    >>> [is_phone(v) for v in ("0571-87654321", "(0571)87654321", "010-62345678转123")]
    [True, True, True]
    >>> [is_phone(v) for v in ("12812345678", "1381234567", "87654321", "abc")]
    [False, False, False, False]
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return False
        value = str(int(value))
    text = re.sub(r"\s+", "", str(value)).replace("－", "-").replace("—", "-")
    text = re.sub(r"^[(（](0\d{2,3})[)）]-?", r"\1-", text)
    mobile = re.sub(r"^(?:\+86|0086)-?", "", text).replace("-", "")
    return bool(_MOBILE.fullmatch(mobile) or _LANDLINE.fullmatch(text))


def check_phone(value: object) -> str:
    """Return ``value`` as text when it is a phone number (see :func:`is_phone`).

    Raises
    ------
    gridmap.errors.InputError
        With the message key ``workers.bad_phone`` (Chinese: "电话……格式不正确").
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not is_phone(text):
        raise InputError.keyed("workers.bad_phone", value=text)
    return text


def row_version(value: Any) -> int:
    """Return the row version a caller read, refusing anything but an integer.

    Raises
    ------
    gridmap.errors.InputError
        If ``value`` is not an integer (``True`` is not a version).
    """
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError.keyed("model.bad_version", value=repr(value))
    return int(value)


def _day(value: Any, default: dt.date) -> dt.date:
    """Return a date from a date, datetime, timestamp or ISO text (``default`` for none)."""
    if value is None or is_missing(value):
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date"):  # pandas.Timestamp
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return default


def grid_head_overlaps(
    grids: Sequence[Any],
    workers: Sequence[Any],
    roles: Sequence[Any],
    starts: Sequence[Any],
    ends: Sequence[Any],
) -> list[tuple[int, int, dt.date | None, dt.date | None]]:
    """Find two grid heads (网格长) of one grid whose periods overlap.

    One grid has one grid head at a time. Each returned tuple names an assignment
    ``j`` that makes a second worker grid head of the same grid while an earlier
    assignment ``i`` (in the given order) still holds that role, and the days they
    share (``None`` for an open end). Each ``j`` is reported once, against the first
    ``i`` it overlaps. The same worker twice is not a conflict.

    Parameters
    ----------
    grids, workers, roles
        Grid code, worker code and role (``"grid_head"`` counts) of each assignment.
    starts, ends
        First and last day of each assignment (dates, timestamps or ISO text;
        missing: open).

    Returns
    -------
    list of (int, int, datetime.date or None, datetime.date or None)
        ``(i, j, first shared day, last shared day)``.

    Examples
    --------
    >>> grid_head_overlaps(["g", "g"], ["w1", "w2"], ["grid_head", "grid_head"],
    ...                    [None, "2026-03-01"], ["2026-06-30", None])
    [(0, 1, datetime.date(2026, 3, 1), datetime.date(2026, 6, 30))]
    """
    lo, hi = dt.date.min, dt.date.max
    heads: dict[Any, list[tuple[int, dt.date, dt.date, Any]]] = {}
    out: list[tuple[int, int, dt.date | None, dt.date | None]] = []
    for j, (grid, worker, role, start, end) in enumerate(
        zip(grids, workers, roles, starts, ends, strict=True)
    ):
        if role != WorkerRole.GRID_HEAD.value or grid is None or is_missing(grid):
            continue
        a, b = _day(start, lo), _day(end, hi)
        for i, a0, b0, other in heads.get(grid, []):
            if a <= b0 and a0 <= b and other != worker:
                first, last = max(a, a0), min(b, b0)
                out.append((i, j, None if first == lo else first, None if last == hi else last))
                break
        heads.setdefault(grid, []).append((j, a, b, worker))
    return out
