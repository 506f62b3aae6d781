"""Grid geometry: tiling checks, grid codes, splitting and workload balance.

Pure functions from GeoDataFrames to results; nothing here reads or writes the store
(the store-backed plan operations live in :mod:`gridmap.grids.service`).
"""

from __future__ import annotations

from . import balance as balance
from . import codes as codes
from . import split as split
from . import tiling as tiling
from .codes import (
    GridCode,
    assign_grid_codes,
    check_code_order,
    check_grid_codes,
    normalize_code,
    order_west_east_north_south,
    parse_grid_code,
    validate_grid_code,
)
from .tiling import KINDS, TilingFinding, TilingReport, validate_tiling

__all__ = [
    "KINDS",
    "GridCode",
    "TilingFinding",
    "TilingReport",
    "assign_grid_codes",
    "check_code_order",
    "check_grid_codes",
    "codes",
    "normalize_code",
    "order_west_east_north_south",
    "parse_grid_code",
    "tiling",
    "validate_grid_code",
    "validate_tiling",
]
