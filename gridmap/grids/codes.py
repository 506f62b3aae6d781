"""Grid codes: parse, validate, assign and check their west→east, north→south order.

A grid code (Beijing DB11/T 2157-2023, 单元网格标识码) has 15 digits::

    330102 011 001 007
    |      |   |   +-- 3-digit sequence inside the community, 001-999
    |      |   +------ 3-digit community (居委会) code
    |      +---------- 3-digit street (街道) code
    +----------------- 6-digit district code (GB/T 2260)

The first 12 digits are the community's statistical code (统计用区划代码). Grids are
numbered west→east, north→south within their community; see
:func:`order_west_east_north_south` for the exact rule.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import i18n
from gridmap.crs import to_metric
from gridmap.errors import CRSError, InputError

__all__ = [
    "CODE_PROBLEMS",
    "COMMUNITY_CODE_LENGTH",
    "GRID_CODE_LENGTH",
    "MAX_SEQUENCE",
    "GridCode",
    "assign_grid_codes",
    "check_code_order",
    "check_grid_codes",
    "code_order_pairs",
    "grid_code_problems",
    "normalize_code",
    "order_west_east_north_south",
    "parse_grid_code",
    "validate_grid_code",
]

GRID_CODE_LENGTH = 15
"""Digits in a grid code: 6 district + 3 street + 3 community + 3 sequence."""

COMMUNITY_CODE_LENGTH = 12
"""Digits in a community code: 6 district + 3 street + 3 community."""

MAX_SEQUENCE = 999
"""The highest grid sequence number inside one community."""

_SEQUENCE_DIGITS = GRID_CODE_LENGTH - COMMUNITY_CODE_LENGTH


@dataclass(frozen=True)
class GridCode:
    """The four parts of a 15-digit grid code, each a string of digits.

    Parameters
    ----------
    district
        6-digit district (county) code, GB/T 2260.
    street
        3-digit street (街道/镇/乡) code.
    community
        3-digit community (居委会/村委会) code inside the street.
    sequence
        3-digit grid sequence inside the community, ``"001"`` to ``"999"``.
    """

    district: str
    street: str
    community: str
    sequence: str

    @property
    def community_code(self) -> str:
        """The 12-digit code of the community the grid belongs to."""
        return self.district + self.street + self.community

    @property
    def sequence_number(self) -> int:
        """The sequence as an integer (1-999)."""
        return int(self.sequence)

    def __str__(self) -> str:
        return self.community_code + self.sequence


def normalize_code(value: Any) -> str | None:
    """Turn a code read from a file into a clean string, or ``None`` when missing.

    Spreadsheets often store codes as numbers (``330102011001001.0``); those become
    the digit string. Whitespace is stripped; empty strings, ``None`` and NaN give
    ``None``.

    Parameters
    ----------
    value
        A code as read: string, integer, float or missing value.

    Returns
    -------
    str or None
        The code as text, or ``None`` if there is none.
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    text = str(value).strip()
    return text or None


def _is_digits(text: str | None, length: int) -> bool:
    return text is not None and len(text) == length and text.isascii() and text.isdigit()


def parse_grid_code(code: Any) -> GridCode:
    """Split a 15-digit grid code into district, street, community and sequence.

    Parameters
    ----------
    code
        The grid code; integers and integral floats from spreadsheets are accepted.

    Returns
    -------
    GridCode
        The four parts as digit strings.

    Raises
    ------
    InputError
        If the code is missing or is not exactly 15 digits.

    Examples
    --------
    >>> parse_grid_code("330102011001007").sequence
    '007'
    """
    text = normalize_code(code)
    if not _is_digits(text, GRID_CODE_LENGTH):
        raise InputError.keyed("grids.code.not_digits", code=repr(text), n=GRID_CODE_LENGTH)
    assert text is not None
    return GridCode(text[:6], text[6:9], text[9:12], text[12:])


#: English text of each kind of grid-code problem (:func:`grid_code_problems`).
CODE_PROBLEMS = {
    "missing": "grid code is missing",
    "not_digits": "grid code {code!r} contains characters other than digits 0-9",
    "length": "grid code {code!r} has {length} characters, not {digits} digits",
    "community_code": "community code {community!r} is not {community_digits} digits, "
    "so grid code {code} cannot be checked against it",
    "prefix": "grid code {code} does not start with the code of its community {community}",
    "sequence": "grid code {code} has sequence 000; sequences run from 001 to 999",
}


def grid_code_problems(code: Any, *, community_code: Any = None) -> list[tuple[str, dict]]:
    """List what is wrong with one grid code, as ``(kind, fields)`` pairs.

    ``kind`` is a key of :data:`CODE_PROBLEMS`; ``fields`` fill its text (and the
    translated texts of the check rule ``grid_codes``). :func:`validate_grid_code`
    says the same in English sentences.

    Parameters
    ----------
    code
        The grid code.
    community_code
        The 12-digit code of the community the grid lies in, if known.

    Returns
    -------
    list of (str, dict)
        One pair per problem; empty when the code is fine.

    Examples
    --------
    >>> grid_code_problems("330102011001000")
    [('sequence', {'code': '330102011001000', 'community': None, 'length': 15, \
'digits': 15, 'community_digits': 12})]
    """
    text = normalize_code(code)
    if text is None:
        return [("missing", {"code": None})]
    community = normalize_code(community_code)
    fields = {
        "code": text,
        "community": community,
        "length": len(text),
        "digits": GRID_CODE_LENGTH,
        "community_digits": COMMUNITY_CODE_LENGTH,
    }
    kinds: list[str] = []
    if not (text.isascii() and text.isdigit()):
        kinds.append("not_digits")
    if len(text) != GRID_CODE_LENGTH:
        kinds.append("length")
    if community_code is not None and community is not None:
        if not _is_digits(community, COMMUNITY_CODE_LENGTH):
            kinds.append("community_code")
        elif not text.startswith(community):
            kinds.append("prefix")
    if _is_digits(text, GRID_CODE_LENGTH) and text[COMMUNITY_CODE_LENGTH:] == "000":
        kinds.append("sequence")
    return [(kind, fields) for kind in kinds]


def validate_grid_code(
    code: Any, *, community_code: Any = None, lang: str = "en"
) -> list[str]:
    """List what is wrong with one grid code; an empty list means it is fine.

    Checks: the code is exactly 15 digits; it starts with the 12-digit code of its
    community (when ``community_code`` is given); its sequence is not ``000``.

    Parameters
    ----------
    code
        The grid code.
    community_code
        The 12-digit code of the community the grid lies in, if known.
    lang
        ``"en"`` (the sentences of :data:`CODE_PROBLEMS`) or ``"zh"`` (the check
        rule ``grid_codes``'s Chinese messages).

    Returns
    -------
    list of str
        One sentence per problem (:func:`grid_code_problems` gives them as data).

    Examples
    --------
    >>> validate_grid_code("330102011001007", community_code="330102011001")
    []
    >>> validate_grid_code("330102011001000")
    ['grid code 330102011001000 has sequence 000; sequences run from 001 to 999']
    >>> validate_grid_code("330102011001000", lang="zh")
    ['网格编码 330102011001000 的顺序号为 000（应为 001–999）']
    """
    problems = grid_code_problems(code, community_code=community_code)
    if i18n.normalize_lang(lang) != "zh":
        return [CODE_PROBLEMS[kind].format(**fields) for kind, fields in problems]
    return [i18n.t("grids.code_missing", "zh") if kind == "missing"
            else i18n.t(f"checks.msg.grid_code_{kind}", "zh", **fields)
            for kind, fields in problems]


# --------------------------------------------------------------------------- geometry


def _metric_points(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return easting, northing and area (m, m²) of representative points, and a has-geometry mask.

    Empty or missing geometries get NaN coordinates and ``False`` in the mask.
    """
    if gdf.crs is None:
        raise CRSError.keyed("crs.layer_no_crs", what="grids")
    n = len(gdf)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    area = np.zeros(n)
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return x, y, area, present
    metric = to_metric(gdf.iloc[np.flatnonzero(present)])
    mgeoms = np.asarray(metric.geometry.array, dtype=object)
    invalid = ~shapely.is_valid(mgeoms)
    if invalid.any():
        mgeoms = mgeoms.copy()
        mgeoms[invalid] = shapely.make_valid(mgeoms[invalid])
    points = shapely.point_on_surface(mgeoms)
    x[present] = shapely.get_x(points)
    y[present] = shapely.get_y(points)
    area[present] = shapely.area(mgeoms)
    present &= ~np.isnan(x)
    return x, y, area, present


def _default_row_height(area_m2: np.ndarray) -> float:
    areas = area_m2[area_m2 > 0]
    return float(math.sqrt(np.median(areas))) if len(areas) else 0.0


def _band_order(x_m: np.ndarray, y_m: np.ndarray, row_height_m: float) -> np.ndarray:
    """Order points west→east, north→south by row banding; returns positions.

    The core of :func:`order_west_east_north_south`, on plain metric coordinates.
    """
    n = len(x_m)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    half = row_height_m / 2.0
    north_first = np.lexsort((x_m, -y_m))
    rows = np.empty(n, dtype=np.intp)
    row = -1
    top = math.inf
    for pos in north_first:
        if row < 0 or top - y_m[pos] > half:
            row += 1
            top = y_m[pos]
        rows[pos] = row
    return np.lexsort((np.arange(n), x_m, rows))


def _check_row_height(row_height_m: float | None) -> None:
    if row_height_m is not None and not (row_height_m > 0 and math.isfinite(row_height_m)):
        raise InputError.keyed("grids.code.row_height", value=row_height_m)


def order_west_east_north_south(
    gdf: gpd.GeoDataFrame, *, row_height_m: float | None = None
) -> pd.Index:
    """Order grids west→east, north→south, the way grid codes are numbered.

    The rule (row banding):

    1. Reproject to a metric CRS and take each grid's representative point (a point
       guaranteed inside the polygon, :func:`shapely.point_on_surface`).
    2. Walk the points from north to south. The northernmost point not yet placed
       starts a new row and is that row's *top member*; every further point whose
       northing is within half a row height of the top member (``top_y - y <=
       row_height_m / 2``) joins that row.
    3. Rows are numbered north to south; inside a row points are sorted west to east
       by easting (ties keep the input order).

    A plain sort by (-northing, easting) would put a grid a few metres higher than its
    western neighbour first, so a row of slightly uneven grids would be numbered in a
    zigzag; banding tolerates that unevenness up to half a row height.

    Grids with an empty or missing geometry come last, in input order.

    Parameters
    ----------
    gdf
        Grid polygons in EPSG:4326.
    row_height_m
        Height of a row in metres. Defaults to the typical grid height, the square
        root of the median grid area.

    Returns
    -------
    pandas.Index
        The labels of ``gdf.index`` in numbering order.

    Raises
    ------
    CRSError
        If ``gdf`` has no CRS or is not in longitude/latitude.
    InputError
        If ``row_height_m`` is not a positive number.
    """
    _check_row_height(row_height_m)
    if len(gdf) == 0:
        return gdf.index[:0]
    x, y, area, present = _metric_points(gdf)
    return gdf.index[_order_positions(x, y, area, present, row_height_m)]


def _order_positions(
    x: np.ndarray,
    y: np.ndarray,
    area: np.ndarray,
    present: np.ndarray,
    row_height_m: float | None,
) -> np.ndarray:
    placed = np.flatnonzero(present)
    missing = np.flatnonzero(~present)
    height = _default_row_height(area[placed]) if row_height_m is None else row_height_m
    ordered = placed[_band_order(x[placed], y[placed], height)]
    return np.concatenate([ordered, missing]).astype(np.intp)


def _require_columns(gdf: gpd.GeoDataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise InputError.keyed("grids.code.no_column", name=missing[0])


def assign_grid_codes(
    grids_gdf: gpd.GeoDataFrame,
    *,
    community_col: str = "community",
    code_col: str = "code",
    overwrite: bool = False,
    row_height_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Give every grid without a code its community code plus a 3-digit sequence.

    Inside each community the grids without a code are numbered in
    :func:`order_west_east_north_south` order (computed over all the community's
    grids), taking the lowest sequence numbers not already used by an existing code of
    that community. Existing codes are kept unless ``overwrite`` is true, in which case
    every grid is renumbered 001, 002, ... in that order.

    Parameters
    ----------
    grids_gdf
        Grid polygons (EPSG:4326) with a community-code column.
    community_col
        Column holding each grid's 12-digit community code.
    code_col
        Column holding the grid codes; created if absent.
    overwrite
        Renumber every grid instead of only filling the missing codes.
    row_height_m
        Row height for the ordering, see :func:`order_west_east_north_south`.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``grids_gdf`` whose code column holds strings (existing numeric codes
        are converted to their digit strings).

    Raises
    ------
    InputError
        If a grid to be numbered has no community code, a community code is not 12
        digits, or a community would get more than 999 grids.
    CRSError
        If grids have to be ordered and ``grids_gdf`` has no CRS or is not in
        longitude/latitude.
    """
    _check_row_height(row_height_m)
    _require_columns(grids_gdf, (community_col,))
    out = grids_gdf.copy()
    values = out[code_col] if code_col in out.columns else [None] * len(out)
    codes = [normalize_code(v) for v in values]
    communities = [normalize_code(v) for v in out[community_col]]
    todo = [i for i, c in enumerate(codes) if overwrite or c is None]

    groups: dict[str, list[int]] = {}
    for i in todo:
        community = communities[i]
        if community is None:
            raise InputError.keyed("grids.code.no_community", row=i + 1)
        if not _is_digits(community, COMMUNITY_CODE_LENGTH):
            raise InputError.keyed(
                "grids.code.bad_community",
                row=i + 1,
                community=repr(community),
                n=COMMUNITY_CODE_LENGTH,
            )
        groups.setdefault(community, [])
    for i, community in enumerate(communities):
        if community in groups:
            groups[community].append(i)
    for community, members in groups.items():
        if len(members) > MAX_SEQUENCE:
            raise InputError.keyed(
                "grids.code.too_many", community=community, n=len(members), max=MAX_SEQUENCE
            )

    if groups:
        rows = np.array(sorted(i for members in groups.values() for i in members))
        x = np.full(len(out), np.nan)
        y = np.full(len(out), np.nan)
        area = np.zeros(len(out))
        present = np.zeros(len(out), dtype=bool)
        x[rows], y[rows], area[rows], present[rows] = _metric_points(out.iloc[rows])
        for community, members in groups.items():
            pos = np.asarray(members)
            order = pos[_order_positions(x[pos], y[pos], area[pos], present[pos], row_height_m)]
            if overwrite:
                used: set[int] = set()
            else:
                used = {
                    int(codes[i][COMMUNITY_CODE_LENGTH:])
                    for i in members
                    if codes[i] is not None
                    and _is_digits(codes[i], GRID_CODE_LENGTH)
                    and codes[i].startswith(community)  # type: ignore[union-attr]
                }
            free = (s for s in range(1, MAX_SEQUENCE + 1) if s not in used)
            for i in order:
                if overwrite or codes[i] is None:
                    sequence = next(free, None)
                    if sequence is None:  # pragma: no cover - guarded by the 999 check
                        raise InputError.keyed(
                            "grids.code.no_free", row=int(i) + 1, community=community
                        )
                    codes[i] = f"{community}{sequence:0{_SEQUENCE_DIGITS}d}"
    out[code_col] = pd.Series(codes, index=out.index, dtype=object)
    return out


def check_grid_codes(
    grids_gdf: gpd.GeoDataFrame,
    *,
    community_col: str = "community",
    code_col: str = "code",
    lang: str = "en",
) -> list[str]:
    """List bad and duplicate grid codes in a grid layer.

    Each grid's code is checked with :func:`validate_grid_code` against its community,
    and codes used by more than one grid are reported.

    Parameters
    ----------
    grids_gdf
        Grids with code and community columns.
    community_col
        Column holding each grid's community code.
    code_col
        Column holding the grid codes.
    lang
        Language of the sentences: ``"en"`` or ``"zh"``.

    Returns
    -------
    list of str
        One sentence per problem, prefixed with the 1-based row for per-grid problems.

    Raises
    ------
    InputError
        If a column is missing.
    """
    _require_columns(grids_gdf, (code_col, community_col))
    problems: list[str] = []
    seen: dict[str, list[int]] = {}
    for i, (code, community) in enumerate(
        zip(grids_gdf[code_col], grids_gdf[community_col], strict=True)
    ):
        text = normalize_code(code)
        problems.extend(
            i18n.t("grids.code_row", lang, row=i + 1, problem=p)
            for p in validate_grid_code(text, community_code=normalize_code(community),
                                        lang=lang)
        )
        if text is not None:
            seen.setdefault(text, []).append(i + 1)
    for code, rows in seen.items():
        if len(rows) > 1:
            where = ("、" if i18n.normalize_lang(lang) == "zh" else ", ").join(map(str, rows))
            problems.append(i18n.t("grids.code_used_by_rows", lang, code=code, grids=len(rows),
                                   rows=where))
    return problems


def code_order_pairs(
    grids_gdf: gpd.GeoDataFrame,
    *,
    community_col: str = "community",
    code_col: str = "code",
    row_height_m: float | None = None,
) -> dict[str, list[tuple[str, str]]]:
    """Return, per community, the neighbouring grids whose codes run the wrong way.

    Inside each community, the grids with a well-formed code of that community are put
    in :func:`order_west_east_north_south` order; each pair ``(a, b)`` where ``a``
    comes first but has the higher sequence number is out of order. Gaps in the
    numbering are fine (grids get deleted). Malformed and duplicate codes are left to
    :func:`check_grid_codes`.

    Parameters
    ----------
    grids_gdf
        Grid polygons (EPSG:4326) with code and community columns.
    community_col
        Column holding each grid's community code.
    code_col
        Column holding the grid codes.
    row_height_m
        Row height for the ordering, see :func:`order_west_east_north_south`.

    Returns
    -------
    dict
        Community code -> out-of-order ``(earlier, later)`` code pairs, for the
        communities that have any, sorted by community code.

    Raises
    ------
    InputError
        If a column is missing or ``row_height_m`` is not positive.
    CRSError
        If grids have to be ordered and ``grids_gdf`` has no CRS or is not in
        longitude/latitude.
    """
    _check_row_height(row_height_m)
    _require_columns(grids_gdf, (code_col, community_col))
    codes = [normalize_code(v) for v in grids_gdf[code_col]]
    communities = [normalize_code(v) for v in grids_gdf[community_col]]
    counts = pd.Series([c for c in codes if c is not None], dtype=object).value_counts()
    groups: dict[str, list[int]] = {}
    for i, (code, community) in enumerate(zip(codes, communities, strict=True)):
        if (
            community is not None
            and code is not None
            and not validate_grid_code(code, community_code=community)
            and counts[code] == 1
        ):
            groups.setdefault(community, []).append(i)
    groups = {c: m for c, m in groups.items() if len(m) > 1}
    if not groups:
        return {}
    rows = np.array(sorted(i for members in groups.values() for i in members))
    n = len(grids_gdf)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    area = np.zeros(n)
    present = np.zeros(n, dtype=bool)
    x[rows], y[rows], area[rows], present[rows] = _metric_points(grids_gdf.iloc[rows])
    found: dict[str, list[tuple[str, str]]] = {}
    for community in sorted(groups):
        pos = np.asarray(groups[community])
        pos = pos[present[pos]]
        order = pos[_order_positions(x[pos], y[pos], area[pos], present[pos], row_height_m)]
        ordered = [codes[i] for i in order]
        pairs = [
            (a, b)
            for a, b in itertools.pairwise(ordered)
            if int(a[COMMUNITY_CODE_LENGTH:]) > int(b[COMMUNITY_CODE_LENGTH:])  # type: ignore[index]
        ]
        if pairs:
            found[community] = pairs  # type: ignore[assignment]
    return found


def check_code_order(
    grids_gdf: gpd.GeoDataFrame,
    *,
    community_col: str = "community",
    code_col: str = "code",
    row_height_m: float | None = None,
    max_examples: int = 3,
) -> list[str]:
    """Report communities whose grid codes do not run west→east, north→south (advisory).

    The sentences of :func:`code_order_pairs`, which takes the same parameters and
    raises the same errors.

    Parameters
    ----------
    grids_gdf, community_col, code_col, row_height_m
        As for :func:`code_order_pairs`.
    max_examples
        How many out-of-order pairs to quote per community.

    Returns
    -------
    list of str
        One sentence per community whose numbering is out of order.
    """
    problems: list[str] = []
    pairs_by_community = code_order_pairs(
        grids_gdf, community_col=community_col, code_col=code_col, row_height_m=row_height_m
    )
    for community, pairs in pairs_by_community.items():
        examples = "; ".join(
            f"{a} lies before {b} but has the higher number" for a, b in pairs[:max_examples]
        )
        more = f" and {len(pairs) - max_examples} more" if len(pairs) > max_examples else ""
        problems.append(
            f"community {community}: grid codes do not run west→east, north→south "
            f"({examples}{more})"
        )
    return problems
