#!/usr/bin/env python
"""Generate the fictional demo street 望江街道 (Hangzhou) into ``data/geo/``.

    python scripts/make_demo.py [--seed 2026] [--out data/geo]

Everything is built in metres in EPSG:4549 (CGCS2000 3-degree Gauss-Krüger, CM 120°E),
in a local frame whose origin is lon 120.18, lat 30.23, and written as EPSG:4326
lon/lat rounded to 7 decimals. Only the bins are written in GCJ-02, the way field
data collected with Amap arrives. The output is a pure function of the seed: no
clock, no network, sorted features, fixed precision, so two runs give byte-identical
files. The date "today" is fixed at 2026-11-01 (``REF_DATE``).

One function per layer; each takes the seeded ``numpy.random.Generator`` and the
layers it depends on. data/geo/README.md lists the deliberate shortfalls.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import linemerge, nearest_points

from gridmap.crs import wgs84_to_gcj02
from gridmap.model import LAYERS


def words(text):
    """The space-separated words of ``text`` as a tuple (for long name lists)."""
    return tuple(text.split())


REF_DATE = dt.date(2026, 11, 1)
REF_TIME = dt.datetime(2026, 11, 1)
STREET = {"code": "330102011", "name": "望江街道", "city": "杭州市"}
ORIGIN_LONLAT = (120.18, 30.23)
METRIC_CRS = "EPSG:4549"
DECIMALS = 7
LOAD_ORDER = (
    ("communities", "communities.geojson", "wgs84"),
    ("grids", "grids.geojson", "wgs84"),
    ("workers", "workers.csv", None),
    ("assignments", "assignments.csv", None),
    ("compounds", "compounds.geojson", "wgs84"),
    ("entrances", "entrances.geojson", "wgs84"),
    ("buildings", "buildings.geojson", "wgs84"),
    ("roads", "roads.geojson", "wgs84"),
    ("schools", "schools.geojson", "wgs84"),
    ("internet_cafes", "internet_cafes.geojson", "wgs84"),
    ("service_centres", "service_centres.geojson", "wgs84"),
    ("hoardings", "hoardings.geojson", "wgs84"),
    ("boards", "boards.geojson", "wgs84"),
    ("fitness", "fitness.geojson", "wgs84"),
    ("bins", "bins_gcj02.csv", "gcj02"),
    ("maintenance", "maintenance.csv", None),
    ("issues", "issues.geojson", "wgs84"),
)

# ----------------------------------------------------------------------------- the plan
# Street outline (local metres, counter-clockwise) and the roads that run along it.
OUTLINE = [
    (30, 0),
    (520, 25),
    (1000, 60),
    (1480, 20),
    (1890, 0),
    (1910, 560),
    (1880, 1100),
    (1905, 1650),
    (1870, 2210),
    (1350, 2170),
    (900, 2190),
    (420, 2150),
    (0, 2200),
    (25, 1600),
    (40, 1060),
    (10, 520),
]
OUTER_ROADS = (
    ("江滨路", "main", 0, 4),
    ("海潮路", "main", 4, 8),
    ("清泰街", "secondary", 8, 12),
    ("凤山路", "secondary", 12, 16),
)
# Main roads split the street into five communities; they overshoot and are trimmed.
MAIN_ROADS = (
    (
        "望江路",
        "main_commercial",
        [(40, 1060), (380, 1095), (760, 1120), (1150, 1085), (1520, 1110), (1880, 1100)],
    ),
    ("江城路", "main", [(900, 2190), (930, 1800), (965, 1450), (950, 1080)]),
    ("近江路", "main", [(640, -10), (670, 500), (655, 1140)]),
    ("秋涛路", "main", [(1300, -10), (1280, 560), (1320, 1125)]),
)
COMMUNITIES = {
    "001": "清波社区",
    "002": "柳浪社区",
    "003": "近江社区",
    "004": "望江社区",
    "005": "秋涛社区",
}
# Grid rows in each column of a community (columns west to east): 40 grids in all.
GRID_ROWS = {"001": (3, 3, 3), "002": (3, 4, 2), "003": (4, 4), "004": (3, 4), "005": (4, 3)}
SECONDARY_NAMES = ("清波街", "柳浪路", "美政路", "候潮路", "水澄路", "紫阳街", "白马路")
LANE_STEMS = words(
    "清泰 金钗 小营 梅花 荷花 柳翠 杨柳 桂花 元宝 吉祥 竹竿 石板 四宜 "
    "城头 瑞石 同春 木场 铁冶 银洞 扇子 柴垛 井亭 仁和 孝女 察院 佑圣 "
    "织造 上仓 望仙 丰乐"
)
SCHOOLS = (
    ("清波中学", "secondary", "001", 230, 150),
    ("望江小学", "primary", "004", 180, 120),
    ("秋涛小学", "primary", "005", 180, 120),
)
CAFE_NAMES = ("星际网咖", "极速网吧", "云端电竞馆", "蓝海网络会所", "飞鱼网咖")
DEFICIENT_COMMUNITY = "004"  # fewer than 20 fixed boards in the whole community
COMPOUND_PREFIXES = words(
    "清波 柳浪 近江 望江 秋涛 钱江 春江 江城 凤凰 紫阳 吴山 万松 候潮 "
    "美政 水澄 海潮 婺江 映月 西子 明月 丹桂 香樟 银杏 枫林 翠苑 和睦 "
    "景芳 南都 东方 阳光 金色 绿洲 锦绣 观澜 听涛 临江 兴安 安康 复兴 "
    "白塔"
)
COMPOUND_SUFFIXES = words("花园 新村 小区 公寓 苑 家园 嘉园 雅苑 府 人家 北苑 南苑 东苑")
THEMES = words("核心价值观 讲文明树新风 关爱未成年人 文明健康有你有我 诚信经营 垃圾分类")
EQUIPMENT = words(
    "漫步机 太极推手器 双杠 单杠 健骑机 乒乓球台 腰背按摩器 扭腰器 伸腰伸背器 "
    "坐蹬器 上肢牵引器 肋木架 天梯"
)
SURNAMES = words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高 "
    "郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 蒋 蔡 余 "
    "杜 叶 程 苏 魏 吕 丁 沈 任 姚"
)
GIVEN = words(
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 "
    "霞 平 刚 桂英 建华 晓燕 海燕 文 华 红 玲 建国 志强 丽萍 国平 春梅 "
    "卫东 婷 晨 雪梅 佳怡 子涵 浩然 宇轩 一鸣 雨婷 建军 美华 慧 琳 斌"
)
PHONE_PREFIXES = words(
    "130 131 132 133 135 136 137 138 139 150 "
    "151 152 153 155 156 157 158 159 170 173 "
    "176 177 178 180 181 182 183 185 186 187 "
    "188 189"
)
# 数字城管 event classes: subcategory -> (deadline in hours, descriptions).
ISSUE_CLASSES = {
    "市容环境": {
        "暴露垃圾": (4, ("路边有暴露垃圾未及时清运", "垃圾桶周边散落生活垃圾")),
        "积存垃圾渣土": (24, ("绿化带内积存建筑垃圾渣土", "墙角堆积垃圾渣土多日")),
        "道路不洁": (2, ("人行道油污较多，路面不洁", "路面有大片泥浆未清扫")),
        "绿地脏乱": (4, ("绿地内塑料袋、烟头较多", "花坛内有杂物和枯枝")),
    },
    "宣传广告": {
        "乱张贴": (24, ("电线杆上张贴小广告", "楼道口墙面张贴办证广告")),
        "违规户外广告": (72, ("店招超出规定尺寸，存在安全隐患", "人行道上摆放广告牌")),
        "乱涂写": (24, ("围墙上有涂写的电话号码", "配电箱表面被乱涂乱画")),
    },
    "施工管理": {
        "施工扰民": (4, ("夜间施工噪声扰民", "工地早上六点前开工")),
        "施工废弃料": (24, ("施工废料堆放在人行道上", "装修垃圾未按规定清运")),
        "无证掘路": (24, ("路面开挖未见审批公示", "开挖后未设置围挡")),
    },
    "街面秩序": {
        "占道经营": (2, ("流动摊贩占用人行道经营", "水果摊占道经营")),
        "店外经营": (4, ("餐饮店在店外摆放桌椅", "商铺货物堆放到门外")),
        "乱堆物堆料": (24, ("楼道口堆放杂物", "路边堆放废旧家具")),
        "非机动车乱停放": (2, ("共享单车堆积阻塞人行道", "电动车停放在盲道上")),
    },
    "突发事件": {
        "道路积水": (4, ("雨后路面积水较深", "下水道堵塞造成积水")),
        "路面塌陷": (4, ("人行道地砖塌陷", "路面出现小坑洞")),
        "火灾隐患": (2, ("楼道内电动车充电", "消防通道被占用")),
    },
    "其他": {
        "噪声扰民": (24, ("商铺音箱音量过大", "广场舞音响噪声较大")),
        "油烟污染": (72, ("餐饮店油烟直排", "烧烤摊油烟扰民")),
    },
}
ISSUE_CLASS_WEIGHTS = (0.32, 0.15, 0.10, 0.28, 0.05, 0.10)
ISSUE_STATUSES = (
    ("closed", 46),
    ("verified", 6),
    ("handled", 6),
    ("dispatched", 6),
    ("registered", 5),
    ("reported", 5),
    ("suspended", 3),
    ("returned", 3),
)
NUMERALS = "一二三四五六七八九十"


# ----------------------------------------------------------------------------- helpers
class Frame:
    """Local metric frame: metres east and north of ``ORIGIN_LONLAT`` in EPSG:4549."""

    def __init__(self) -> None:
        self._fwd = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
        self._inv = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
        self.x0, self.y0 = self._fwd.transform(*ORIGIN_LONLAT)

    def lonlat(self, geom):
        """Local metres -> lon/lat rounded to ``DECIMALS`` (polygons oriented CCW)."""

        def fn(xy):
            lon, lat = self._inv.transform(xy[:, 0] + self.x0, xy[:, 1] + self.y0)
            return np.round(np.column_stack([lon, lat]), DECIMALS)

        return shapely.transform(shapely.orient_polygons(geom), fn)

    def local(self, geom):
        """Lon/lat -> local metres."""

        def fn(xy):
            x, y = self._fwd.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x - self.x0, y - self.y0])

        return shapely.transform(geom, fn)


def bent_line(p0, p1, rng, bend_m):
    """A straight line from p0 to p1 with one vertex pushed sideways by up to ``bend_m``."""
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    length = math.hypot(dx, dy)
    t, b = rng.uniform(0.35, 0.65), rng.uniform(-bend_m, bend_m)
    mid = (p0[0] + dx * t - dy / length * b, p0[1] + dy * t + dx / length * b)
    return LineString([p0, mid, p1])


def largest_part(geom):
    """The largest polygon of ``geom`` (or None when it has no area)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > 0]
    return max(parts, key=lambda g: g.area) if parts else None


def random_point(rng, region, *, avoid=None, tries=400):
    """A uniformly random point in ``region`` outside ``avoid``, or None."""
    if region.is_empty:
        return None
    minx, miny, maxx, maxy = region.bounds
    for _ in range(tries):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if region.contains(p) and (avoid is None or not avoid.contains(p)):
            return p
    return None


def make_centres_and_hoardings(communities, compounds, buildings, roads, entrances, boards,
                               edges):
    """A service centre per community with its public-service ads, and four site hoardings.

    Drawn from a random stream of their own, after everything else, so the other layers
    stay as they were. Shortfalls: 望江社区's centre shows ads at 2 locations with 5
    panels (the plans ask 3 and 8); one hoarding carries 20 % public-service ads.
    """
    own = np.random.default_rng(1919)
    deficient = "330102011" + DEFICIENT_COMMUNITY
    taken = union(
        [c["geometry"].buffer(40) for c in compounds]
        + [b["geometry"].buffer(25) for b in buildings]
        + [edges.buffer(20)]
    )
    centres, new_boards = [], []
    for c in sorted(communities, key=lambda c: c["code"]):
        free = c["geometry"].buffer(-40).difference(taken)
        gates = [e for e in entrances if e.get("community") == c["code"]] or entrances
        at = None if free.is_empty else point_near(own, gates[0]["geometry"], 30, 600, free)
        if at is None:  # no free land near the entrance: anywhere free, else the middle
            at = (free if not free.is_empty else c["geometry"]).representative_point()
        centres.append(
            {
                "code": f"FW{c['code'][-3:]}",
                "name": f"{c['name']}党群服务中心",
                "community": c["code"],
                "geometry": box(at.x - 15, at.y - 10, at.x + 15, at.y + 10),
            }
        )
        ads = [(-25, 0, 3), (25, 0, 3), (0, 25, 2)]
        if c["code"] == deficient:
            ads = [(-25, 0, 3), (5, 0, 2)]
        for k, (dx, dy, panels) in enumerate(ads, start=1):
            new_boards.append(
                {
                    "name": f"{c['name']}党群服务中心公益广告{k}",
                    "board_type": "public_ad",
                    "theme": THEMES[k % len(THEMES)],
                    "fixed": True,
                    "outdoor": True,
                    "panels": panels,
                    "status": "active",
                    "last_inspected": iso_date(day(own.integers(3, 60))),
                    "geometry": Point(at.x + dx, at.y + dy),
                }
            )
    counter = max(int(b["code"][-6:]) for b in boards if b["code"][6:10] == "0307")
    for k, b in enumerate(new_boards, start=counter + 1):
        b["code"] = f"3301020307{k:06d}"
    boards.extend(new_boards)
    hoardings = []
    secondary = sorted(
        (r for r in roads if r["road_class"] == "secondary"), key=lambda r: r["name"]
    )
    figures = [(30, 10, None), (20, 6, None), (10, 2, None), (None, None, 45.0)]
    for k, (road, (panels, public, public_m)) in enumerate(
        zip(secondary, figures, strict=False), start=1
    ):
        line = road["geometry"]
        start = min(120.0, line.length / 4)
        pts = [along(line, start + t, 12) for t in (0, 40, 80, 120)]
        hoardings.append(
            {
                "code": f"WD{k:02d}",
                "name": f"{road['name']}施工工地围挡",
                "length_m": None,
                "panels": panels,
                "public_ad_panels": public,
                "public_ad_length_m": public_m,
                "geometry": LineString([(p.x, p.y) for p in pts]),
            }
        )
    return centres, hoardings


def point_near(rng, centre, r_min, r_max, region, *, avoid=None, tries=200):
    """A random point between ``r_min`` and ``r_max`` metres from ``centre`` inside ``region``."""
    for _ in range(tries):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(r_min, r_max)
        p = Point(centre.x + r * math.cos(a), centre.y + r * math.sin(a))
        if region.contains(p) and (avoid is None or not avoid.contains(p)):
            return p
    return None


def along(line, s, offset_m):
    """The point at arc length ``s`` of ``line``, moved ``offset_m`` to its left."""
    a, b = line.interpolate(max(s - 1, 0)), line.interpolate(min(s + 1, line.length))
    dx, dy = b.x - a.x, b.y - a.y
    norm = math.hypot(dx, dy) or 1.0
    p = line.interpolate(s)
    return Point(p.x - dy / norm * offset_m, p.y + dx / norm * offset_m)


def direction(vector):
    """Chinese compass word (东南西北) for a vector."""
    angle = math.degrees(math.atan2(vector[1], vector[0])) % 360
    return "东北西南"[int(((angle + 45) % 360) // 90)]


def iso_date(d):
    return None if d is None else d.isoformat()


def day(offset_days):
    """REF_DATE minus ``offset_days`` days."""
    return REF_DATE - dt.timedelta(days=int(offset_days))


def number_names(rows):
    """Append 1, 2, ... to names that occur more than once, in row order."""
    total, seen = {}, {}
    for r in rows:
        total[r["name"]] = total.get(r["name"], 0) + 1
    for r in rows:
        if total[r["name"]] > 1:
            seen[r["name"]] = seen.get(r["name"], 0) + 1
            r["name"] = f"{r['name']}{seen[r['name']]}"


def union(geoms):
    return shapely.union_all(list(geoms)) if geoms else Polygon()


# ----------------------------------------------------------------------------- layers
def make_network(rng):
    """Roads, communities and grids: the main roads split the street into five
    communities; secondary roads and lanes split each community into grids.
    """
    n = len(OUTLINE)
    outline = Polygon(OUTLINE)
    raw = [
        (name, cls, LineString([OUTLINE[i % n] for i in range(a, b + 1)]))
        for name, cls, a, b in OUTER_ROADS
    ]
    raw += [(name, cls, LineString(pts)) for name, cls, pts in MAIN_ROADS]
    coarse = shapely.get_parts(
        shapely.polygonize(shapely.get_parts(shapely.union_all([g for _, _, g in raw])))
    )
    blocks = {}
    for face in coarse:
        c = face.centroid
        if c.y > 1100:
            key = "001" if c.x < 950 else "002"
        else:
            key = "003" if c.x < 655 else ("004" if c.x < 1300 else "005")
        blocks[key] = face
    assert sorted(blocks) == sorted(COMMUNITIES), "main roads must make five communities"

    n_grids = sum(map(sum, GRID_ROWS.values()))
    for _ in range(50):  # lanes of neighbouring strips may cross near a road: draw again
        cuts = raw + cut_lines(rng, blocks)
        noded = shapely.union_all([g for _, _, g in cuts])
        faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
        if len(faces) == n_grids and min(f.area for f in faces) > 20_000:
            break
    else:
        raise AssertionError("could not cut the communities into grids")
    raw = cuts
    assert abs(union(faces).area - outline.area) < 1e-3
    edges = union([f.boundary for f in faces])
    kept = [
        e
        for e in shapely.get_parts(noded)
        if edges.distance(e.interpolate(0.5, normalized=True)) < 1e-6
    ]
    roads = []
    for name, cls, line in raw:
        parts = [e for e in kept if line.distance(e.interpolate(0.5, normalized=True)) < 1e-6]
        merged = linemerge(parts)
        assert merged.geom_type == "LineString", f"road {name} is not one line"
        roads.append({"name": name, "road_class": cls, "geometry": merged})
    grids = []
    for face in faces:
        p = face.point_on_surface()
        key = next(k for k, b in blocks.items() if b.contains(p))
        grids.append({"community": "330102011" + key, "geometry": face})
    communities = []
    for key, name in COMMUNITIES.items():
        code = "330102011" + key
        geom = union(g["geometry"] for g in grids if g["community"] == code)
        assert geom.geom_type == "Polygon"
        communities.append({"code": code, "name": name, "street": STREET["name"], "geometry": geom})
    return roads, communities, grids


def cut_lines(rng, blocks):
    """Secondary roads (west to east) and lanes (per strip, north to south) that cut each
    community into ``GRID_ROWS`` grids; each overshoots its block by 3 m to be noded.
    """
    secondary = iter(SECONDARY_NAMES)
    lanes = iter(rng.permutation(LANE_STEMS).tolist())
    raw = []
    for key in sorted(blocks):
        block = blocks[key]
        minx, miny, maxx, maxy = block.bounds
        cols = GRID_ROWS[key]
        width = (maxx - minx) / len(cols)
        cuts = []
        for k in range(1, len(cols)):
            x = minx + width * k + rng.uniform(-0.08, 0.08) * width
            ends = (x + rng.uniform(-25, 25), miny - 80), (x + rng.uniform(-25, 25), maxy + 80)
            cut = bent_line(*ends, rng, 20).intersection(block.buffer(3))
            cuts.append(cut)
            raw.append((next(secondary), "secondary", cut))
        strips = shapely.get_parts(
            shapely.polygonize(shapely.get_parts(shapely.union_all([block.exterior, *cuts])))
        )
        strips = sorted(strips, key=lambda g: g.centroid.x)
        assert len(strips) == len(cols)
        for strip, rows in zip(strips, cols, strict=True):
            sminx, sminy, smaxx, smaxy = strip.bounds
            height = (smaxy - sminy) / rows
            for k in range(1, rows):
                y = sminy + height * k + rng.uniform(-0.07, 0.07) * height
                ends = (
                    (sminx - 80, y + rng.uniform(-20, 20)),
                    (smaxx + 80, y + rng.uniform(-20, 20)),
                )
                lane = bent_line(*ends, rng, 15).intersection(strip.buffer(3))
                raw.append((next(lanes) + ("巷" if len(raw) % 2 else "弄"), "lane", lane))
    return raw


def band_order(x, y, row_height_m):
    """West->east, north->south order by row banding (as gridmap.grids.codes does)."""
    north_first = np.lexsort((x, -y))
    rows = np.empty(len(x), dtype=np.intp)
    row, top = -1, math.inf
    for pos in north_first:
        if row < 0 or top - y[pos] > row_height_m / 2:
            row, top = row + 1, y[pos]
        rows[pos] = row
    return np.lexsort((np.arange(len(x)), x, rows))


def number_grids(frame, communities, grids):
    """Give grids their 15-digit codes and names; sort them by code."""
    names = {c["code"]: c["name"] for c in communities}
    for code in names:
        members = [g for g in grids if g["community"] == code]
        # Order on the geometry as written (rounded lon/lat back in metres).
        written = [frame.local(frame.lonlat(g["geometry"])) for g in members]
        pts = shapely.point_on_surface(written)
        height = math.sqrt(float(np.median(shapely.area(written))))
        order = band_order(shapely.get_x(pts), shapely.get_y(pts), height)
        for seq, i in enumerate(order, start=1):
            members[i]["code"] = f"{code}{seq:03d}"
            members[i]["name"] = f"{names[code]}第{NUMERALS[seq - 1]}网格"
    grids.sort(key=lambda g: g["code"])


def assign_road_owners(roads, grids):
    """路段管理责任制: each road goes to the grid beside most of it, except the shortest lane.

    Roads run along grid boundaries, so no grid holds them by itself: the owner is on
    record. The shortest lane is left without one (the planted road_owners failure).
    """
    lanes = [r for r in roads if r["road_class"] == "lane"]
    unowned = min(lanes, key=lambda r: (r["geometry"].length, r["name"])) if lanes else None
    for road in roads:
        if road is unowned:
            road["owner"] = None
            continue
        strip = road["geometry"].buffer(15)
        best = max(grids, key=lambda g: (g["geometry"].intersection(strip).area, g["code"]))
        road["owner"] = best["code"]


def make_schools(rng, grids):
    """Three schools, each a rotated rectangle well inside one grid."""
    schools = []
    for name, level, key, w, h in SCHOOLS:
        candidates = [g for g in grids if g["community"].endswith(key) and "school" not in g]
        for _ in range(2000):
            grid = candidates[int(rng.integers(len(candidates)))]
            inner = grid["geometry"].buffer(-15, join_style="mitre")
            p = random_point(rng, inner, tries=20)
            if p is None:
                continue
            rect = affinity.translate(
                affinity.rotate(box(-w / 2, -h / 2, w / 2, h / 2), rng.uniform(-8, 8)), p.x, p.y
            )
            if inner.contains(rect):
                grid["school"] = name
                schools.append(
                    {"name": name, "level": level, "geometry": rect, "grid": grid["code"]}
                )
                break
        else:
            raise AssertionError(f"no room for {name}")
    return schools


def make_internet_cafes(rng, schools, edges, outline):
    """Five internet cafés; exactly one within 200 m of a school boundary (150 m from it)
    but more than 200 m from that school's centroid.
    """
    trap = next(s for s in schools if s["name"] == "望江小学")["geometry"]
    c = trap.centroid
    (x0, y0), (x1, y1), (x2, y2) = list(trap.exterior.coords)[:3]
    inside = outline.buffer(-30)
    candidates = [  # out from the middle of each side, 135-165 m beyond it; long axis first
        Point(
            c.x + sign * dx * (0.5 + d / math.hypot(dx, dy)),
            c.y + sign * dy * (0.5 + d / math.hypot(dx, dy)),
        )
        for d in (150, 165, 135)
        for dx, dy in sorted(
            [(x1 - x0, y1 - y0), (x2 - x1, y2 - y1)], key=lambda v: -math.hypot(*v)
        )
        for sign in (1, -1)
    ]
    trap_cafe = next(
        p
        for p in candidates
        if inside.contains(p)
        and edges.distance(p) > 15
        and c.distance(p) > 205
        and all(s["geometry"].distance(p) > 300 for s in schools if s["geometry"] is not trap)
    )
    cafes = [{"name": CAFE_NAMES[0], "geometry": trap_cafe}]
    school_union = union(s["geometry"] for s in schools)
    while len(cafes) < len(CAFE_NAMES):
        p = random_point(rng, inside)
        if (
            school_union.distance(p) > 400
            and edges.distance(p) > 15
            and all(p.distance(q["geometry"]) > 300 for q in cafes)
        ):
            cafes.append({"name": CAFE_NAMES[len(cafes)], "geometry": p})
    return cafes


def make_compounds(rng, grids, schools, cafes):
    """About 60 compounds: one or two per grid, two of them straddling a lane."""
    reserve = union(
        [s["geometry"].buffer(15) for s in schools] + [c["geometry"].buffer(25) for c in cafes]
    )
    pieces = []  # (geometry, grid codes, building angle or None)
    # Two large compounds that a lane cuts in two (they lie in two grids).
    straddled = []
    for key in ("002", "003"):
        members = [g for g in grids if g["community"].endswith(key) and "school" not in g]
        pairs = []
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                shared = shapely.line_merge(
                    shapely.intersection(a["geometry"].boundary, b["geometry"].boundary)
                )
                if shared.geom_type == "LineString" and shared.length > 220:
                    pairs.append((a, b, shared))
        a, b, shared = pairs[int(rng.integers(len(pairs)))]
        mid = shared.interpolate(0.5, normalized=True)
        (x0, y0), (x1, y1) = shared.coords[0], shared.coords[-1]
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        both = union([a["geometry"], b["geometry"]]).buffer(-12, join_style="mitre")
        for w, h in ((170, 190), (150, 170), (130, 150), (110, 130)):
            rect = affinity.translate(
                affinity.rotate(box(-w / 2, -h / 2, w / 2, h / 2), angle), mid.x, mid.y
            )
            if both.contains(rect):
                break
        else:
            raise AssertionError("no room for a straddling compound")
        pieces.append((rect, (a["code"], b["code"]), (angle + 90) % 180 - 90))
        straddled += [a["code"], b["code"]]
    reserve = union([reserve, *[p[0].buffer(12) for p in pieces]])
    low = low_household_grid(grids)
    for grid in grids:
        geom = grid["geometry"]
        avail = largest_part(
            geom.buffer(-rng.uniform(12, 18), join_style="mitre").difference(reserve)
        )
        k = 2 if geom.area > 80_000 and rng.random() < 0.7 else 1
        if grid["code"] in straddled:
            k = 1
        if grid["code"] == low:  # one small compound beside the school
            p = random_point(rng, avail.buffer(-20))
            small = largest_part(avail.intersection(box(p.x - 60, p.y - 45, p.x + 60, p.y + 45)))
            pieces.append((small, (grid["code"],), None))
            continue
        if avail is None:
            continue
        parts = [avail]
        if k == 2:
            minx, miny, maxx, maxy = avail.bounds
            t = rng.uniform(0.4, 0.6)
            if maxx - minx > maxy - miny:
                x = minx + t * (maxx - minx)
                gap = box(x - 6, miny - 1, x + 6, maxy + 1)
            else:
                y = miny + t * (maxy - miny)
                gap = box(minx - 1, y - 6, maxx + 1, y + 6)
            parts = sorted(shapely.get_parts(avail.difference(gap)), key=lambda g: -g.area)[:2]
        for part in parts:
            shrunk = largest_part(part.buffer(-rng.uniform(4, 20), join_style="mitre"))
            if shrunk is not None and shrunk.area > 6_000:
                pieces.append((shrunk.simplify(0.5), (grid["code"],), None))
    # Names and codes, numbered west->east, north->south like everything else.
    pieces.sort(key=lambda p: (p[1][0], -round(p[0].centroid.y), round(p[0].centroid.x)))
    names, compounds = [], []
    prefixes = rng.permutation(COMPOUND_PREFIXES).tolist()
    for i, (geom, codes, theta) in enumerate(pieces):
        while True:
            name = (
                prefixes[i % len(prefixes)]
                + COMPOUND_SUFFIXES[int(rng.integers(len(COMPOUND_SUFFIXES)))]
            )
            if name not in names:
                break
        names.append(name)
        compounds.append(
            {
                "code": f"XQ{i + 1:03d}",
                "name": name,
                "community": codes[0][:12],
                "enclosed": bool(rng.random() < 0.82),
                "grids": codes,
                "theta": theta,
                "geometry": geom,
            }
        )
    return compounds


def low_household_grid(grids):
    """The grid that gets about 120 households: the one holding 望江小学."""
    return next(g["code"] for g in grids if g.get("school") == "望江小学")


def slab_rows(rng, comp, grid_geoms):
    """Rows of slab buildings (about 15 x 40 m) on a rotated lattice inside a compound,
    each wholly inside one grid; returns (rectangle, grid index) pairs.
    """
    geom = comp["geometry"]
    theta = comp["theta"] if comp["theta"] is not None else rng.uniform(-8, 8)
    length, depth = rng.uniform(32, 46), rng.uniform(12, 17)
    sx, sy = length + rng.uniform(18, 26), depth + rng.uniform(22, 32)
    c = geom.centroid
    rotated = affinity.rotate(geom, -theta, origin=c).buffer(-4, join_style="mitre")
    minx, miny, maxx, maxy = rotated.bounds
    ox, oy = rng.uniform(0, sx), rng.uniform(0, sy)
    found = []
    for y in np.arange(miny + oy, maxy, sy):
        for x in np.arange(minx + ox, maxx, sx):
            rect = box(x - length / 2, y - depth / 2, x + length / 2, y + depth / 2)
            if rotated.contains(rect):
                rect = affinity.rotate(rect, theta, origin=c)
                home = next(i for i, g in enumerate(grid_geoms) if g.contains(rect.centroid))
                if grid_geoms[home].buffer(-3).contains(rect):
                    found.append((rect, home))
    return found


def make_buildings(rng, grids, compounds, obstacles):
    """About 600 rectangular buildings: rows of slabs inside compounds plus street-front
    buildings (some of them shops and offices) outside compounds.
    """
    grid_geoms = [g["geometry"] for g in grids]
    buildings = []
    for comp in compounds:
        for _ in range(10):  # a new lattice until at least one slab fits
            found = slab_rows(rng, comp, grid_geoms)
            if found:
                break
        assert found, f"no building fits in {comp['name']}"
        buildings += [
            {
                "compound": comp["name"],
                "grid": grids[home]["code"],
                "residential": True,
                "geometry": rect,
            }
            for rect, home in found
        ]
    taken = union([c["geometry"] for c in compounds] + [obstacles]).buffer(10)
    for grid in grids:
        free = grid["geometry"].buffer(-14, join_style="mitre").difference(taken)
        placed = 0
        for _ in range(60):
            if placed == 2:
                break
            p = random_point(rng, free, tries=20)
            if p is None:
                break
            w, h = rng.uniform(20, 34), rng.uniform(12, 16)
            rect = affinity.rotate(
                box(p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2), rng.uniform(-5, 5)
            )
            if free.contains(rect):
                buildings.append(
                    {
                        "compound": None,
                        "grid": grid["code"],
                        "residential": bool(rng.random() < 0.4),
                        "geometry": rect,
                    }
                )
                free = free.difference(rect.buffer(12))
                placed += 1
    return buildings


def assign_households(rng, grids, buildings, compounds, communities):
    """Spread per-grid household totals over residential buildings and sum them up.

    Grids average 300-500 households; the densest grid gets about 900 and the grid
    holding 望江小学 about 120.
    """
    low = low_household_grid(grids)
    area_by_grid = {}
    for b in buildings:
        if b["residential"]:
            area_by_grid[b["grid"]] = area_by_grid.get(b["grid"], 0) + b["geometry"].area
    high = max(
        (g["code"] for g in grids if g["code"] != low and g["code"][9:12] == "002"),
        key=lambda c: area_by_grid.get(c, 0),
    )
    for grid in grids:
        code = grid["code"]
        target = int(rng.integers(290, 521))
        if code == low:
            target = int(rng.integers(115, 126))
        elif code == high:
            target = int(rng.integers(890, 911))
        members = [b for b in buildings if b["grid"] == code and b["residential"]]
        assert members, f"grid {code} has no residential building"
        weights = np.array([b["geometry"].area for b in members]) * rng.uniform(
            0.6, 1.4, len(members)
        )
        share = target * weights / weights.sum()
        counts = np.floor(share).astype(int)
        for i in np.argsort(-(share - counts), kind="stable")[: target - counts.sum()]:
            counts[i] += 1
        for b, h in zip(members, counts, strict=True):
            b["households"] = int(h)
    for b in buildings:
        h = b.get("households", 0)
        b["households"] = h
        b["residents"] = round(h * rng.uniform(2.4, 2.8)) if b["residential"] else 0
        per_floor = int(rng.integers(4, 7))
        b["floors"] = (
            max(2, min(33, math.ceil(h / per_floor)))
            if b["residential"]
            else int(rng.integers(2, 6))
        )
    for grid in grids:
        members = [b for b in buildings if b["grid"] == grid["code"]]
        grid["households"] = sum(b["households"] for b in members)
        grid["residents"] = sum(b["residents"] for b in members)
    for comp in compounds:
        comp["households"] = sum(
            b["households"] for b in buildings if b["compound"] == comp["name"]
        )
    for comm in communities:
        members = [g for g in grids if g["community"] == comm["code"]]
        comm["households"] = sum(g["households"] for g in members)
        comm["residents"] = sum(g["residents"] for g in members)


def name_buildings(buildings, compounds, roads):
    """Codes (B0001 ...) and names: 'X花园3幢' in compounds, shop and office names outside."""
    order = {c["name"]: i for i, c in enumerate(compounds)}
    buildings.sort(
        key=lambda b: (
            order.get(b["compound"], 10_000),
            b["grid"],
            -round(b["geometry"].centroid.y),
            round(b["geometry"].centroid.x),
        )
    )
    counters = {}
    for i, b in enumerate(buildings, start=1):
        b["code"] = f"B{i:04d}"
        if b["compound"]:
            counters[b["compound"]] = counters.get(b["compound"], 0) + 1
            b["name"] = f"{b['compound']}{counters[b['compound']]}幢"
        else:
            road = min(roads, key=lambda r: r["geometry"].distance(b["geometry"]))["name"]
            counters[road] = counters.get(road, 0) + 2
            kind = "" if b["residential"] else ("商铺" if i % 3 else "办公楼")
            b["name"] = f"{road}{counters[road] - 1}号{kind}"


def make_entrances(rng, communities, compounds, grids, edges):
    """One to three entrances per compound; five pedestrian entrances per community."""
    entrances = []
    grid_by_code = {g["code"]: g for g in grids}
    for comp in compounds:
        ring = comp["geometry"].exterior
        first = ring.project(
            nearest_points(ring, grid_by_code[comp["grids"][0]]["geometry"].exterior)[0]
        )
        k = int(rng.choice([1, 2, 3], p=[0.3, 0.45, 0.25]))
        used = []
        for j in range(k):
            s = first + ring.length * (j / k + (rng.uniform(-0.05, 0.05) if j else 0))
            for _ in range(40):
                p = ring.interpolate(s % ring.length)
                if edges.distance(p) > 8:
                    break
                s += ring.length * 0.03
            c = comp["geometry"].centroid
            word = direction((p.x - c.x, p.y - c.y)) + "门"
            while word in used:
                word = word[0] + "二门" if len(word) == 2 else word[0] + "三门"
            used.append(word)
            entrances.append(
                {
                    "name": comp["name"] + word,
                    "of": "compound",
                    "compound": comp["name"],
                    "community": comp["community"],
                    "pedestrian": bool(j == 0 or rng.random() < 0.85),
                    "geometry": p,
                }
            )
    for comm in communities:
        ring = comm["geometry"].buffer(-8, join_style="mitre").exterior
        start = rng.uniform(0, 1)
        for j in range(5):
            s = ring.length * ((start + j / 5) % 1)
            for _ in range(40):
                p = ring.interpolate(s % ring.length)
                if edges.distance(p) > 5:
                    break
                s += 10
            entrances.append(
                {
                    "name": f"{comm['name']}{j + 1}号入口",
                    "of": "community",
                    "compound": None,
                    "community": comm["code"],
                    "pedestrian": True,
                    "geometry": p,
                }
            )
    return entrances


def community_of(point, communities):
    return next((c["code"] for c in communities if c["geometry"].contains(point)), None)


def make_boards(rng, communities, compounds, entrances, roads, buildings, outline, edges):
    """About 700 boards: at community entrances, in compounds (10-13 each) and along main
    roads. Shortfalls: 望江社区 has fewer than 20 boards in all (so its compounds have
    fewer than 10); eight compounds elsewhere have 3-8; 望江路 has a reminder-free
    stretch longer than 500 m.
    """
    deficient = "330102011" + DEFICIENT_COMMUNITY
    blocked = union([b["geometry"].buffer(2) for b in buildings] + [edges.buffer(2.5)])
    boards = []

    def add(point, board_type, place, *, fixed=True, theme=None, draw=None):
        r = rng if draw is None else draw
        status = r.choice(["active", "damaged", "repairing"], p=[0.92, 0.06, 0.02])
        label = {
            "public_ad": "公益广告牌",
            "publicity": "宣传栏",
            "panel": "展板",
            "reminder": "遵德守礼提示牌",
            "commercial": "商业广告牌",
        }[board_type]
        if theme is None and board_type != "commercial":
            theme = THEMES[int(r.integers(len(THEMES)))]
        inspected = None if r.random() < 0.04 else day(r.integers(3, 200))
        boards.append(
            {
                "name": place + label,
                "board_type": board_type,
                "theme": theme,
                "fixed": fixed,
                "outdoor": bool(r.random() < 0.96),
                "panels": int(r.choice([1, 2, 3, 4], p=[0.45, 0.3, 0.15, 0.1])),
                "status": str(status),
                "last_inspected": iso_date(inspected),
                "geometry": point,
            }
        )

    inner_street = outline.buffer(-3)
    compound_union = union([c["geometry"] for c in compounds])
    for e in entrances:
        if e["of"] != "community":
            continue
        region = next(c["geometry"] for c in communities if c["code"] == e["community"])
        region = region.buffer(-3).difference(compound_union)
        if e["community"] == deficient:
            if e["name"].endswith(("1号入口", "3号入口", "4号入口")):
                add(
                    point_near(rng, e["geometry"], 3, 20, region, avoid=blocked),
                    "publicity",
                    e["name"],
                )
            if e["name"].endswith("1号入口"):  # a temporary panel does not count
                add(
                    point_near(rng, e["geometry"], 3, 20, region, avoid=blocked),
                    "panel",
                    e["name"],
                    fixed=False,
                )
            continue
        for _ in range(5):
            p = point_near(rng, e["geometry"], 3, 25, region, avoid=blocked)
            add(p, str(rng.choice(["publicity", "panel", "public_ad"])), e["name"])

    normal = [c for c in compounds if c["community"] != deficient]
    short = {c["name"] for c in rng.choice(np.array(normal, dtype=object), size=8, replace=False)}
    for comp in compounds:
        geom = comp["geometry"].buffer(-1)
        gates = [e["geometry"] for e in entrances if e["compound"] == comp["name"]]
        if comp["community"] == deficient:
            n = int(rng.integers(0, 2))
        elif comp["name"] in short:
            n = int(rng.integers(3, 9))
        else:
            n = int(rng.integers(10, 14))
        for j in range(n + (rng.random() < 0.15)):  # sometimes one temporary panel more
            p = None
            while p is None:  # half at the gates, half among the buildings
                p = (
                    point_near(rng, gates[j // 2 % len(gates)], 4, 25, geom, avoid=blocked)
                    if j % 2 == 0
                    else random_point(rng, geom, avoid=blocked)
                )
            kind = str(rng.choice(["publicity", "panel", "public_ad"], p=[0.4, 0.3, 0.3]))
            add(p, "panel" if j == n else kind, comp["name"], fixed=j < n)

    def roadside(line, s, offset):
        """A point beside ``line`` inside the street, not in 望江社区 when avoidable."""
        options = []
        for side in (1, -1):
            p = along(line, s, side * offset)
            if inner_street.contains(p) and not blocked.contains(p):
                options.append(p)
        preferred = [p for p in options if community_of(p, communities) != deficient]
        pick = preferred or options
        return pick[int(rng.integers(len(pick)))] if pick else None

    for road in roads:
        line = road["geometry"]
        if road["road_class"] not in ("main", "main_commercial"):
            continue
        s = rng.uniform(20, 80)
        while s < line.length:
            p = roadside(line, s, rng.uniform(6, 10))
            if p is not None:
                add(p, "public_ad", road["name"])
            if rng.random() < 0.2:  # a shop sign in between
                p = roadside(line, s + 60, rng.uniform(6, 10))
                if p is not None:
                    add(p, "commercial", road["name"])
            s += rng.uniform(140, 185)
        if road["road_class"] == "main_commercial":
            # Reminder boards every 300-400 m, except one stretch of about 720 m.
            for frac in (0.065, 0.25, 0.64, 0.83, 0.97):
                p = roadside(line, frac * line.length, 5)
                add(p, "reminder", road["name"], theme="讲文明树新风")
    # Public-service ads along the secondary roads too (主次干道, every 140-185 m), from a
    # random stream of their own so the rest of the demo stays as it was.
    own = np.random.default_rng(19)
    for road in roads:
        line = road["geometry"]
        if road["road_class"] != "secondary":
            continue
        s = own.uniform(20, 80)
        while s < line.length:
            for offset in (8, -8, 4, -4, 12, -12):
                p = along(line, s, offset)
                if (
                    inner_street.contains(p)
                    and not blocked.contains(p)
                    and community_of(p, communities) != deficient
                ):
                    add(p, "public_ad", road["name"], draw=own)
                    break
            s += own.uniform(140, 185)
    boards = [b for b in boards if b["geometry"] is not None]
    counters = {}
    for b in boards:
        minor = "0307" if b["board_type"] in ("public_ad", "commercial") else "0501"
        counters[minor] = counters.get(minor, 0) + 1
        b["code"] = f"330102{minor}{counters[minor]:06d}"
    number_names(boards)
    return boards


def make_fitness(rng, compounds, grids, buildings, workers, edges):
    """Sixty fitness items at thirteen sites, and their maintenance log (about 150 rows)."""
    blocked = union([b["geometry"].buffer(4) for b in buildings] + [edges.buffer(2.5)])
    # Ten compounds spread over the street (farthest-point order) and three street sites.
    big = [c for c in compounds if c["geometry"].area > 15_000]
    chosen = [big[int(rng.integers(len(big)))]]
    while len(chosen) < 10:
        chosen.append(
            max(
                big,
                key=lambda c: min(
                    c["geometry"].centroid.distance(d["geometry"].centroid) for d in chosen
                ),
            )
        )
    sites = [
        (c["name"] + "健身点", c["geometry"].buffer(-6))
        for c in sorted(chosen, key=lambda c: c["code"])
    ]
    taken = union([c["geometry"] for c in compounds]).buffer(6)
    free = [(g, largest_part(g["geometry"].buffer(-15).difference(taken))) for g in grids]
    free = [(g, r) for g, r in free if r is not None and r.buffer(-12).area > 500]
    for i in sorted(rng.choice(len(free), size=3, replace=False)):
        grid, region = free[i]
        sites.append((grid["name"].replace("网格", "") + "街头健身点", region))
    counts = np.full(len(sites), 4) + rng.multinomial(
        60 - 4 * len(sites), np.ones(len(sites)) / len(sites)
    )
    items, records = [], []
    names = [w["name"] for w in workers if not w["notes"]]
    for (site, region), n in zip(sites, counts, strict=True):
        centre = random_point(rng, region.buffer(-12), avoid=blocked) or random_point(
            rng, region, avoid=blocked
        )
        installed = dt.date(
            int(rng.integers(2015, 2025)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        )
        kinds = rng.choice(EQUIPMENT, size=int(n), replace=False)
        spots = []
        for kind in kinds:
            for _ in range(100):
                p = point_near(rng, centre, 0, 18, region, avoid=blocked)
                if p is not None and all(p.distance(q) > 3 for q in spots):
                    break
            spots.append(p)
            when = (
                installed
                if rng.random() < 0.8
                else dt.date(int(rng.integers(installed.year, 2026)), int(rng.integers(1, 13)), 15)
            )
            items.append(
                {
                    "name": f"{site}{kind}",
                    "equipment_type": str(kind),
                    "installed": min(when, dt.date(2025, 12, 31)),
                    "geometry": p,
                }
            )
    for i, item in enumerate(items, start=1):
        item["code"] = f"3301020126{i:06d}"
        pattern = rng.choice(["regular", "overdue", "stale", "never"], p=[0.78, 0.12, 0.07, 0.03])
        last = {"regular": (5, 85), "overdue": (95, 300), "stale": (380, 700)}.get(pattern)
        dates = []
        if last is not None:
            d = day(rng.integers(*last))
            dates.append(d)
            for _ in range(
                int(rng.integers(1, 4)) if pattern == "regular" else int(rng.integers(0, 3))
            ):
                d = d - dt.timedelta(days=int(rng.integers(45, 130)))
                dates.append(d)
        dates = sorted(d for d in dates if d > item["installed"])
        condition = "good"
        for d in dates:
            action = str(
                rng.choice(
                    ["inspected", "cleaned", "repaired", "replaced"], p=[0.7, 0.12, 0.14, 0.04]
                )
            )
            condition = (
                "good"
                if action in ("repaired", "replaced")
                else str(rng.choice(["good", "fair", "poor", "broken"], p=[0.6, 0.25, 0.1, 0.05]))
            )
            note = {
                "inspected": "例行巡检",
                "cleaned": "清洁器材表面",
                "repaired": "更换紧固螺栓、补漆",
                "replaced": "整机更换",
            }[action]
            if action == "inspected" and condition in ("poor", "broken"):
                note = "发现部件松动，已报修" if condition == "poor" else "器材损坏，已停用待修"
            by = (
                names[int(rng.integers(len(names)))]
                if action in ("inspected", "cleaned")
                else "康力体育设施维保公司"
            )
            records.append(
                {
                    "point": item["code"],
                    "date": d.isoformat(),
                    "action": action,
                    "condition": condition,
                    "note": note,
                    "by": by,
                }
            )
        item["condition"] = condition
        item["status"] = {"broken": "damaged", "poor": "active"}.get(condition, "active")
        if condition == "broken" and rng.random() < 0.5:
            item["status"] = "repairing"
        item["last_inspected"] = dates[-1].isoformat() if dates else None
        item["installed"] = item["installed"].isoformat()
    return items, records


def make_bins(rng, compounds, buildings, roads, outline, edges):
    """Collection points covering residential buildings (about 90) and street bins along
    roads (about 160). Shortfalls: one small enclosed compound has no collection point,
    which leaves some buildings more than 120 m from one; 柳浪路 has a 450 m stretch
    without street bins.
    """
    homes = [b for b in buildings if b["residential"]]
    blocked = union([b["geometry"].buffer(3) for b in buildings] + [edges.buffer(2.5)])
    groups = {}
    for b in homes:
        groups.setdefault(b["compound"] or "", []).append(b["geometry"].centroid)
    comp_geom = {c["name"]: c["geometry"] for c in compounds}
    points = []  # (point, compound name or None): a greedy cover with 110 m reach
    for name in [*sorted(groups)[1:], ""]:  # compounds first, then street-front homes
        todo = [t for t in groups[name] if all(p.distance(t) > 110 for p, _ in points)]
        region = comp_geom[name].buffer(-2) if name else outline.buffer(-5)
        while todo:
            cands = [random_point(rng, region, avoid=blocked) for _ in range(30)]
            cands += [point_near(rng, todo[0], 8, 60, region, avoid=blocked) for _ in range(5)]
            cands = [p for p in cands if p is not None] or [todo[0]]
            best = max(cands, key=lambda p: sum(p.distance(t) <= 110 for t in todo))
            points.append((best, name or None))
            todo = [t for t in todo if best.distance(t) > 110]

    def stranded(name):
        others = [p for p, n in points if n != name]
        return sum(min(q.distance(t) for q in others) > 120 for t in groups[name])

    # The smallest enclosed compound whose loss leaves at least three buildings stranded.
    enclosed = sorted(
        (len(groups[c["name"]]), c["name"])
        for c in compounds
        if c["enclosed"] and len(c["grids"]) == 1 and len(groups[c["name"]]) >= 3
    )
    victim = next(name for _, name in enclosed if stranded(name) >= 3)
    points = [(p, n) for p, n in points if n != victim]
    bins = []
    for p, name in points:
        category = str(
            rng.choice(
                ["mixed", "kitchen", "other", "recyclable", "hazardous"],
                p=[0.7, 0.1, 0.1, 0.07, 0.03],
            )
        )
        capacity = rng.choice([660, 960, 1200]) if category == "mixed" else rng.choice([240, 660])
        bins.append(
            {
                "name": f"{name or '街面'}垃圾分类投放点",
                "bin_type": "collection_point",
                "category": category,
                "capacity_l": float(capacity),
                "geometry": p,
            }
        )
    spacing = {
        "main_commercial": (60, 85),
        "main": (250, 320),
        "secondary": (160, 190),
        "lane": (165, 195),
    }
    inner = outline.buffer(-3)
    for road in roads:
        line = road["geometry"]
        lo, hi = spacing[road["road_class"]]
        gap = (0.3 * line.length, 0.3 * line.length + 450) if road["name"] == "柳浪路" else None
        s = rng.uniform(10, lo / 2)
        while s < line.length:
            if gap is not None and gap[0] <= s <= gap[1]:
                s += rng.uniform(lo, hi)
                continue
            spots = [
                along(line, t, side * 4)
                for t in (s, s + 8, s + 16, s - 8)
                for side in rng.permutation([1, -1])
            ]
            spot = next((p for p in spots if inner.contains(p) and not blocked.contains(p)), None)
            if spot is not None:
                category = str(rng.choice(["other", "recyclable", "mixed"], p=[0.5, 0.2, 0.3]))
                bins.append(
                    {
                        "name": f"{road['name']}废物箱",
                        "bin_type": "street_bin",
                        "category": category,
                        "capacity_l": float(rng.choice([60, 80, 120])),
                        "geometry": spot,
                    }
                )
            s += rng.uniform(lo, hi)
    counters = {}
    for b in bins:
        minor = "0304" if b["bin_type"] == "collection_point" else "0305"
        counters[minor] = counters.get(minor, 0) + 1
        b["code"] = f"330102{minor}{counters[minor]:06d}"
        b["status"] = "active" if rng.random() < 0.95 else "damaged"
    number_names(bins)
    return bins, victim


def make_workers(rng):
    """Fifty workers with unique fictional names and phone numbers; five have left."""
    names, phones = [], []
    while len(names) < 50:
        name = SURNAMES[int(rng.integers(len(SURNAMES)))] + GIVEN[int(rng.integers(len(GIVEN)))]
        if name not in names:
            names.append(name)
    while len(phones) < 50:
        phone = PHONE_PREFIXES[int(rng.integers(len(PHONE_PREFIXES)))] + "".join(
            str(d) for d in rng.integers(0, 10, 8)
        )
        if phone not in phones:
            phones.append(phone)
    former = set(rng.choice(50, size=5, replace=False).tolist())
    return [
        {
            "code": f"W{i + 1:04d}",
            "name": names[i],
            "phone": phones[i],
            "notes": "2026年6月调离" if i in former else "",
        }
        for i in range(50)
    ]


def make_assignments(rng, grids, workers):
    """Every grid gets one grid head and one or two others, except: one grid has no
    grid head since its head left on 2026-06-30, and one grid has only a grid head.
    Five grids changed a worker on 2026-06-15, so the answer to "who had grid X on
    date D" depends on D.
    """
    active = [w["code"] for w in workers if not w["notes"]]
    former = [w["code"] for w in workers if w["notes"]]
    rows = []
    by_comm = {}
    for g in grids:
        by_comm.setdefault(g["community"], []).append(g["code"])
    no_head = by_comm["330102011003"][2]
    head_only = by_comm["330102011005"][1]
    changed = [
        by_comm["330102011001"][1],
        by_comm["330102011001"][5],
        by_comm["330102011002"][3],
        by_comm["330102011004"][0],
    ]
    head_changed = changed[0]
    start = dt.date(2024, 1, 1)
    for k, comm in enumerate(sorted(by_comm)):
        pool = active[k * 9 : (k + 1) * 9]
        heads, others = pool[:4], pool[4:]
        for i, code in enumerate(by_comm[comm]):
            since = start if rng.random() < 0.8 else dt.date(2025, 3, 1)
            team = [] if code == no_head else [(heads[i % 4], "grid_head")]
            if code != head_only:
                team.append((others[i % 5], "full_time"))
                if rng.random() < 0.5 or code == no_head:
                    team.append((others[(i + 2) % 5], str(rng.choice(["part_time", "volunteer"]))))
            for worker, role in team:
                rows.append(
                    {
                        "grid": code,
                        "worker": worker,
                        "role": role,
                        "valid_from": since.isoformat(),
                        "valid_to": None,
                    }
                )
    # Historical rows: the grid head of no_head left; four grids changed on 2026-06-15.
    rows.append(
        {
            "grid": no_head,
            "worker": former[0],
            "role": "grid_head",
            "valid_from": start.isoformat(),
            "valid_to": "2026-06-30",
        }
    )
    for code, old in zip(changed, former[1:], strict=True):
        role = "grid_head" if code == head_changed else "full_time"
        current = next(
            r for r in rows if r["grid"] == code and r["role"] == role and r["valid_to"] is None
        )
        current["valid_from"] = "2026-06-15"
        rows.append(
            {
                "grid": code,
                "worker": old,
                "role": role,
                "valid_from": start.isoformat(),
                "valid_to": "2026-06-14",
            }
        )
    rows.sort(key=lambda r: (r["grid"], r["valid_from"], r["role"], r["worker"]))
    return rows, {"no_head": no_head, "head_only": head_only, "changed": changed}


def make_issues(rng, grids, roads, workers, edges):
    """Eighty issue reports over the three months before 2026-11-01, in every status.

    Exactly two pairs are likely duplicates (same category, < 50 m, < 7 days apart) and
    exactly one report lies within 10 m of a grid boundary; the others keep 12 m away.
    """
    statuses = [s for s, n in ISSUE_STATUSES for _ in range(n)]
    statuses = rng.permutation(statuses).tolist()
    classes = list(ISSUE_CLASSES)
    names = [w["name"] for w in workers if not w["notes"]]
    start = REF_TIME - dt.timedelta(days=90)
    issues = []
    region = union([g["geometry"] for g in grids]).buffer(-12)

    def place(category, when, near=None):
        for _ in range(500):
            if near is None:
                p = random_point(rng, region, tries=50)
            else:
                p = point_near(rng, near, 15, 40, region)
            if p is None or edges.distance(p) < 12:
                continue
            clash = any(
                i["category"] == category
                and i["geometry"].distance(p) < 60
                and abs((i["when"] - when).total_seconds()) < 8 * 86400
                for i in issues
            )
            if near is not None or not clash:
                return p
        raise AssertionError("no place for an issue report")

    for k, status in enumerate(statuses):
        category = classes[int(rng.choice(len(classes), p=ISSUE_CLASS_WEIGHTS))]
        sub = rng.choice(list(ISSUE_CLASSES[category])).item()
        hours, texts = ISSUE_CLASSES[category][sub]
        open_case = status in ("reported", "registered", "dispatched", "returned")
        if open_case and k % 3 == 0:  # a fresh one, not yet due
            when = REF_TIME - dt.timedelta(hours=float(rng.uniform(0.2, 0.9)) * min(hours, 20))
        else:
            when = start + dt.timedelta(days=float(rng.uniform(0, 88)))
            when = when.replace(hour=int(rng.integers(7, 21)))
        when = when.replace(second=0, microsecond=0)
        issue = {
            "category": category,
            "subcategory": sub,
            "status": status,
            "when": when,
            "hours": hours,
            "text": texts[int(rng.integers(len(texts)))],
            "twin": k in (10, 40),
        }
        issue["geometry"] = place(category, when)
        issues.append(issue)
        if issue["twin"]:  # a likely duplicate 1-5 days later, 15-40 m away
            later = when + dt.timedelta(days=float(rng.uniform(1, 5)))
            dup = dict(
                issue,
                status="reported" if k == 10 else "closed",
                when=later.replace(second=0, microsecond=0),
            )
            dup["geometry"] = place(category, dup["when"], near=issue["geometry"])
            issues.append(dup)
    # Drop two ordinary closed reports to keep eighty, then move one next to a boundary.
    for _ in range(2):
        drop = next(
            i
            for i in reversed(issues)
            if i["status"] == "closed"
            and not any(
                j is not i
                and j["category"] == i["category"]
                and j["geometry"].distance(i["geometry"]) < 60
                for j in issues
            )
        )
        issues.remove(drop)
    edge_case = next(i for i in issues[25:] if not i["twin"])
    p = edge_case["geometry"]
    q = nearest_points(edges, p)[0]
    d = p.distance(q)
    edge_case["geometry"] = Point(q.x + (p.x - q.x) * 6 / d, q.y + (p.y - q.y) * 6 / d)
    issues.sort(key=lambda i: i["when"])
    per_day = {}
    for i in issues:
        key = i["when"].strftime("%Y%m%d")
        per_day[key] = per_day.get(key, 0) + 1
        i["code"] = f"AJ{key}{per_day[key]:03d}"
        i["reported_at"] = i["when"].isoformat(timespec="seconds")
        i["deadline"] = (i["when"] + dt.timedelta(hours=i["hours"])).isoformat(timespec="seconds")
        road = min(roads, key=lambda r: r["geometry"].distance(i["geometry"]))["name"]
        i["description"] = f"{road}附近：{i['text']}。"
        r = rng.random()
        i["reporter"] = (
            names[int(rng.integers(len(names)))]
            if r < 0.55
            else "市民随手拍"
            if r < 0.75
            else "12345热线"
            if r < 0.85
            else "城管监督员" + names[int(rng.integers(len(names)))]
        )
    return issues


# ----------------------------------------------------------------------------- writers
def write_geojson(path, layer, rows, frame, sort_key):
    """Write ``rows`` as a FeatureCollection with the canonical columns of ``layer``."""
    columns = [c.name for c in LAYERS[layer].columns]
    lines = []
    for row in sorted(rows, key=sort_key):
        geom = shapely.geometry.mapping(frame.lonlat(row["geometry"]))
        props = {c: row.get(c) for c in columns}
        lines.append(
            json.dumps(
                {"type": "Feature", "properties": props, "geometry": geom},
                ensure_ascii=False,
                separators=(",", ":"),
            )
        )
    text = (
        '{"type":"FeatureCollection","name":"'
        + layer
        + '","features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    path.write_text(text, encoding="utf-8")


def write_csv(path, header, rows):
    """Write a UTF-8 CSV with a byte-order mark and ``\\n`` line ends."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                [
                    "" if v is None else ("true" if v is True else "false" if v is False else v)
                    for v in row
                ]
            )


def write_bins(path, bins, frame):
    """The bins as field data: Chinese headers, GCJ-02 coordinates."""
    pts = [frame.lonlat(b["geometry"]) for b in bins]
    lon, lat = wgs84_to_gcj02(np.array([p.x for p in pts]), np.array([p.y for p in pts]))
    labels = {"collection_point": "垃圾收集点", "street_bin": "废物箱"}
    cats = {
        "recyclable": "可回收物",
        "hazardous": "有害垃圾",
        "kitchen": "厨余垃圾",
        "other": "其他垃圾",
        "mixed": "混合",
    }
    rows = [
        (
            b["code"],
            b["name"],
            labels[b["bin_type"]],
            cats[b["category"]],
            f"{b['capacity_l']:g}",
            "在用" if b["status"] == "active" else "损坏",
            f"{x:.{DECIMALS}f}",
            f"{y:.{DECIMALS}f}",
        )
        for b, x, y in zip(bins, lon, lat, strict=True)
    ]
    rows.sort()
    write_csv(path, ("编码", "名称", "类型", "分类", "容量", "状态", "经度", "纬度"), rows)


# ----------------------------------------------------------------------------- main
def build(seed):
    """Build every layer; returns a dict of layer name -> rows (geometries in metres)."""
    rng = np.random.default_rng(seed)
    frame = Frame()
    outline = Polygon(OUTLINE)
    roads, communities, grids = make_network(rng)
    number_grids(frame, communities, grids)
    assign_road_owners(roads, grids)
    edges = union([g["geometry"].boundary for g in grids])
    schools = make_schools(rng, grids)
    cafes = make_internet_cafes(rng, schools, edges, outline)
    for i, c in enumerate(cafes, start=1):
        road = min(roads, key=lambda r: r["geometry"].distance(c["geometry"]))["name"]
        c["address"] = f"杭州市上城区{road}{10 + 7 * i}号"
    compounds = make_compounds(rng, grids, schools, cafes)
    obstacles = union([s["geometry"] for s in schools] + [c["geometry"].buffer(15) for c in cafes])
    buildings = make_buildings(rng, grids, compounds, obstacles)
    assign_households(rng, grids, buildings, compounds, communities)
    name_buildings(buildings, compounds, roads)
    entrances = make_entrances(rng, communities, compounds, grids, edges)
    workers = make_workers(rng)
    assignments, roster_cases = make_assignments(rng, grids, workers)
    boards = make_boards(rng, communities, compounds, entrances, roads, buildings, outline, edges)
    fitness, maintenance = make_fitness(rng, compounds, grids, buildings, workers, edges)
    bins, victim = make_bins(rng, compounds, buildings, roads, outline, edges)
    issues = make_issues(rng, grids, roads, workers, edges)
    centres, hoardings = make_centres_and_hoardings(
        communities, compounds, buildings, roads, entrances, boards, edges
    )
    return {
        "frame": frame,
        "outline": outline,
        "roads": roads,
        "communities": communities,
        "grids": grids,
        "schools": schools,
        "internet_cafes": cafes,
        "service_centres": centres,
        "hoardings": hoardings,
        "compounds": compounds,
        "buildings": buildings,
        "entrances": entrances,
        "workers": workers,
        "assignments": assignments,
        "boards": boards,
        "fitness": fitness,
        "maintenance": maintenance,
        "bins": bins,
        "issues": issues,
        "cases": dict(roster_cases, no_collection_point=victim),
    }


def write_all(data, out):
    """Write every layer file and manifest.json into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    frame = data["frame"]
    by_code = lambda r: r["code"]  # noqa: E731
    by_name = lambda r: r["name"]  # noqa: E731
    write_geojson(out / "communities.geojson", "communities", data["communities"], frame, by_code)
    write_geojson(out / "grids.geojson", "grids", data["grids"], frame, by_code)
    write_geojson(out / "compounds.geojson", "compounds", data["compounds"], frame, by_code)
    write_geojson(
        out / "entrances.geojson",
        "entrances",
        data["entrances"],
        frame,
        lambda r: (r["community"], r["compound"] or "", r["name"]),
    )
    write_geojson(out / "buildings.geojson", "buildings", data["buildings"], frame, by_code)
    write_geojson(
        out / "roads.geojson", "roads", data["roads"], frame, lambda r: (r["road_class"], r["name"])
    )
    write_geojson(out / "schools.geojson", "schools", data["schools"], frame, by_name)
    write_geojson(
        out / "internet_cafes.geojson", "internet_cafes", data["internet_cafes"], frame, by_name
    )
    write_geojson(
        out / "service_centres.geojson", "service_centres", data["service_centres"], frame, by_code
    )
    write_geojson(out / "hoardings.geojson", "hoardings", data["hoardings"], frame, by_code)
    write_geojson(out / "boards.geojson", "boards", data["boards"], frame, by_code)
    write_geojson(out / "fitness.geojson", "fitness", data["fitness"], frame, by_code)
    write_geojson(out / "issues.geojson", "issues", data["issues"], frame, by_code)
    write_bins(out / "bins_gcj02.csv", data["bins"], frame)
    write_csv(
        out / "workers.csv",
        ("code", "name", "phone", "notes"),
        [(w["code"], w["name"], w["phone"], w["notes"]) for w in data["workers"]],
    )
    write_csv(
        out / "assignments.csv",
        ("grid", "worker", "role", "valid_from", "valid_to"),
        [
            (r["grid"], r["worker"], r["role"], r["valid_from"], r["valid_to"])
            for r in data["assignments"]
        ],
    )
    write_csv(
        out / "maintenance.csv",
        ("point", "date", "action", "condition", "note", "by"),
        sorted(
            (r["point"], r["date"], r["action"], r["condition"], r["note"], r["by"])
            for r in data["maintenance"]
        ),
    )
    c = frame.lonlat(data["outline"].centroid)
    manifest = {
        "name": "望江街道 (demo)",
        "street": STREET,
        "center": [c.x, c.y],
        "reference_date": REF_DATE.isoformat(),
        "layers": [{"layer": layer, "file": file, "crs": crs} for layer, file, crs in LOAD_ORDER],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def summary(data):
    """A few lines describing what was generated."""
    counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    return "\n".join(
        [*(f"{k:>15}: {n}" for k, n in counts.items()), f"{'cases':>15}: {data['cases']}"]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "data" / "geo",
        help="output folder (default: the repository's data/geo)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    data = build(args.seed)
    write_all(data, args.out)
    if not args.quiet:
        print(summary(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
