"""Exports: rosters, per-grid dossiers, supervision orders, weekly reports and data files.

=============== ==========================================================
``roster``      grid roster (网格员花名册), XLSX formatted for printing, CSV
``dossier``     per-grid dossier (一档一册一图), PDF with map, contents page
``supervision`` supervision orders (督办单) from the current check failures
``weekly``      weekly progress report (每周上报进展), XLSX or PDF
``data``        GeoPackage with every layer, GeoJSON per layer (WGS-84/GCJ-02)
``mapimage``    offline static map of a grid (matplotlib, Agg)
``fonts``       the embedded CJK font for PDFs and images
``cli``         ``gridmap export ...``
``bench``       timings of the roster and dossier for ``gridmap bench``
=============== ==========================================================

Every export takes the exporting :class:`~gridmap.auth.User` (``export`` right,
scope checked; phone numbers masked unless ``see_phones``), writes to a path or
a binary file object, and writes one audit row (who, what, scope, when).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from gridmap._lazy import lazy_exports

# Everything loads on first use: ``gridmap export --help`` needs none of it.
__getattr__, __dir__ = lazy_exports(
    __name__,
    modules=("data", "dossier", "fonts", "mapimage", "roster", "supervision", "weekly"),
    names={
        "_common": (
            "ExportResult",
            "Output",
            "Progress",
            "Scope",
            "file_name",
            "parse_date",
            "parse_week",
            "suggested_file_name",
        ),
        "data": ("export_geojson", "export_gpkg"),
        "dossier": ("export_dossier",),
        "roster": ("export_roster",),
        "supervision": ("current_failures", "export_supervision"),
        "weekly": ("export_weekly",),
    },
)

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.export._common import ExportResult, Output, Progress
    from gridmap.store import Store

__all__ = [
    "FORMATS",
    "KINDS",
    "SCOPES",
    "ExportResult",
    "Scope",
    "current_failures",
    "data",
    "dossier",
    "export_dossier",
    "export_geojson",
    "export_gpkg",
    "export_roster",
    "export_supervision",
    "export_weekly",
    "file_name",
    "fonts",
    "mapimage",
    "parse_date",
    "parse_week",
    "roster",
    "run_export",
    "suggested_file_name",
    "supervision",
    "weekly",
]

#: Every export, in menu order.
KINDS: tuple[str, ...] = ("roster", "dossier", "supervision", "weekly", "gpkg", "geojson")
#: File formats of each export, default first.
FORMATS: dict[str, tuple[str, ...]] = {
    "roster": ("xlsx", "csv"),
    "dossier": ("pdf",),
    "supervision": ("pdf",),
    "weekly": ("xlsx", "pdf"),
    "gpkg": ("gpkg",),
    "geojson": ("zip",),
}
#: Scopes each export offers (``street`` = everything the user may see).
SCOPES: dict[str, tuple[str, ...]] = {
    "roster": ("street", "community", "grid", "worker"),
    "dossier": ("community", "grid"),
    "supervision": ("street", "community", "grid"),
    "weekly": ("street", "community"),
    "gpkg": ("street", "community"),
    "geojson": ("street", "community"),
}

#: Each export's function (a name above, loaded when it runs) and the options of
#: :func:`run_export` it takes.
_EXPORTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "roster": ("export_roster", ("fmt", "community", "grid", "worker", "as_of", "lang")),
    "dossier": ("export_dossier", ("community", "grid", "as_of", "lang", "progress")),
    "supervision": ("export_supervision", ("community", "grid", "worker", "as_of", "lang")),
    "weekly": ("export_weekly", ("week", "community", "fmt", "lang")),
    "gpkg": ("export_gpkg", ("community", "crs")),
    "geojson": ("export_geojson", ("community", "crs")),
}


def run_export(
    kind: str,
    store: Store,
    out: Output,
    *,
    user: User,
    community: str | None = None,
    grid: str | None = None,
    worker: str | None = None,
    as_of: dt.date | None = None,
    week: str | dt.date | None = None,
    fmt: str | None = None,
    crs: str = "wgs84",
    lang: str = "zh",
    progress: Progress | None = None,
) -> ExportResult:
    """Run one export by name (for the CLI and the app page).

    Parameters
    ----------
    kind
        One of :data:`KINDS`.
    store, out, user
        As for every export function.
    community, grid, worker, as_of, week, fmt, crs, lang, progress
        Passed to the export that takes them; ``fmt`` defaults to the kind's first
        format; ``week`` defaults to the week of ``as_of``.

    Returns
    -------
    ExportResult
        What was written.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown kind or a format the kind does not write.
    """
    from gridmap.errors import InputError

    if kind not in KINDS:
        raise InputError.keyed("exports.unknown", kind=kind, kinds=list(KINDS))
    fmt = fmt or FORMATS[kind][0]
    if fmt not in FORMATS[kind] and not (kind == "geojson" and fmt == "geojson"):
        raise InputError.keyed("exports.format", kind=kind, formats=list(FORMATS[kind]), fmt=fmt)
    function, names = _EXPORTERS[kind]
    exporter: Callable[..., ExportResult] = getattr(sys.modules[__name__], function)
    options = {
        "community": community,
        "grid": grid,
        "worker": worker,
        "as_of": as_of,
        "week": week or as_of,
        "fmt": fmt,
        "crs": crs,
        "lang": lang,
        "progress": progress,
    }
    return exporter(store, out, user=user, **{name: options[name] for name in names})
