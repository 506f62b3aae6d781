"""Grid geometry: tiling checks, grid codes, splitting and workload balance.

Pure functions from GeoDataFrames to results; nothing here reads or writes the store
(the store-backed plan operations live in :mod:`gridmap.grids.service`).
"""

from __future__ import annotations

from gridmap._lazy import lazy_exports

#: The grid generators of :mod:`gridmap.grids.split` (its ``METHODS``), here so that
#: ``gridmap grids split --help`` lists them without loading geopandas.
SPLIT_METHODS = ("streets", "cells", "households")

# Everything loads on first use: ``gridmap grids --help`` needs none of it.
__getattr__, __dir__ = lazy_exports(
    __name__,
    modules=("balance", "codes", "split", "tiling"),
    names={
        "codes": (
            "GridCode",
            "assign_grid_codes",
            "check_code_order",
            "check_grid_codes",
            "normalize_code",
            "order_west_east_north_south",
            "parse_grid_code",
            "validate_grid_code",
        ),
        "tiling": ("KINDS", "TilingFinding", "TilingReport", "validate_tiling"),
    },
)

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
