"""Caps on what one imported file may hold: rows, coordinates, in-memory parse size.

A :class:`Limits` travels with a read (:func:`gridmap.io.read_layer_file`,
:func:`gridmap.io.read_table`, :func:`gridmap.io.load_vector`); the readers check
it as early as the format allows:

- CSV/TXT and XLSX tables count their non-blank rows while streaming (openpyxl
  read-only mode) and stop at the cap, so a sheet of 2.5 million rows is refused
  after reading a little more than the cap, not after reading it all;
- Shapefiles and GeoPackages are refused on the feature count GDAL reports,
  before any feature is read;
- GeoJSON and KML, which are parsed whole in memory (about 15 times their size),
  are refused on their size before parsing, then on their feature count before
  geometries are built;
- every vector file is refused when its geometries hold more coordinates than
  the cap in all.

The time and memory caps of a whole read live in :mod:`gridmap.io.bounded`
(a child process). Every refusal is an :class:`~gridmap.errors.InputError` with a
message key (``io.limit.*``, Chinese and English in :mod:`gridmap.io._messages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gridmap.errors import InputError

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True)
class Limits:
    """What one imported file may hold; ``None`` means no cap.

    Attributes
    ----------
    rows
        Data rows of a table, or features of a vector file.
    vertices
        Coordinates of all geometries of a vector file together.
    parse_bytes
        Size of a GeoJSON or KML file (parsed whole in memory), in bytes.
    """

    rows: int | None = 200_000
    vertices: int | None = 5_000_000
    parse_bytes: int | None = 60 * 1024 * 1024

    @classmethod
    def from_settings(cls, values: Mapping[str, Any] | None = None) -> Limits:
        """Return the caps set by ``max_import_rows``, ``max_import_vertices`` and ``max_parse_mb``.

        ``values`` defaults to :func:`gridmap.config.load_settings`; a setting of 0 means no cap.
        """
        if values is None:
            from gridmap import config

            values = config.load_settings()

        def cap(name: str, scale: float = 1) -> int | None:
            number = float(values[name])
            return int(number * scale) if number > 0 else None

        return cls(
            rows=cap("max_import_rows"),
            vertices=cap("max_import_vertices"),
            parse_bytes=cap("max_parse_mb", 1024 * 1024),
        )

    def check_rows(self, n: int, *, file: str) -> None:
        """Refuse ``n`` rows or features when over the cap."""
        if self.rows is not None and n > self.rows:
            raise InputError.keyed("io.limit.rows", file=file, limit=self.rows)

    def check_parse_size(self, size: int, *, file: str, kind: str) -> None:
        """Refuse a ``kind`` file (GeoJSON, KML) of ``size`` bytes before parsing it."""
        if self.parse_bytes is not None and size > self.parse_bytes:
            raise InputError.keyed("io.limit.parse_size", file=file, kind=kind,
                                   mb=round(size / 1024 / 1024, 1),
                                   limit_mb=round(self.parse_bytes / 1024 / 1024, 1))

    def check_vertices(self, geometries: np.ndarray, *, file: str) -> None:
        """Refuse geometries holding more coordinates than the cap in all."""
        if self.vertices is None or len(geometries) == 0:
            return
        import shapely

        count = int(shapely.get_num_coordinates(np.asarray(geometries, dtype=object)).sum())
        if count > self.vertices:
            raise InputError.keyed("io.limit.vertices", file=file, n=count,
                                   limit=self.vertices)


#: The caps when a caller gives none (the settings' defaults).
DEFAULT_LIMITS = Limits()
