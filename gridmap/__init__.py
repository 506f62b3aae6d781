"""gridmap: grid management for street offices running the civilized-city campaign.

The library holds every piece of logic; the Streamlit app (``app.py``) and the
CLI (``gridmap``) only call it. Every public module is reachable from the
package, so callers write ``gridmap.crs.gcj02_to_wgs84(...)`` after a plain
``import gridmap``. Modules load on first use (PEP 562), so ``gridmap --help``
does not pay for geopandas, folium and reportlab. docs/architecture.md says
where each concern lives.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: The public modules and packages, one per line (docs/architecture.md describes each).
__all__ = [
    "auth",
    "bench",
    "checks",
    "config",
    "crs",
    "datasets",
    "errors",
    "export",
    "grids",
    "i18n",
    "importing",
    "io",
    "issues",
    "locate",
    "maps",
    "model",
    "photos",
    "records",
    "snapshot",
    "store",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
