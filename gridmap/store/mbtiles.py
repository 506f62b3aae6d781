"""Read tiles from a local MBTiles basemap package (a read-only SQLite file).

The package is made elsewhere (for example from Tianditu or OpenStreetMap
tiles) and named in the ``basemap_package`` setting; gridmap only serves it,
so a street office without internet still sees a real basemap. MBTiles rows
are in TMS order: row 0 is the south edge, so the XYZ ``y`` of a web map is
flipped here.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from gridmap.errors import InputError

__all__ = ["MBTiles"]

#: MBTiles ``format`` metadata -> HTTP content type.
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "pbf": "application/x-protobuf",
}


class MBTiles:
    """One MBTiles file opened read-only.

    Parameters
    ----------
    path
        The ``.mbtiles`` file.

    Raises
    ------
    gridmap.errors.InputError
        If the file is missing or not an MBTiles package.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError.keyed("store.mbtiles_missing", file=str(self.path), path=self.path)
        self._local = threading.local()
        try:
            meta = dict(self._conn().execute("SELECT name, value FROM metadata").fetchall())
        except sqlite3.DatabaseError as err:
            raise InputError.keyed("store.mbtiles_bad", file=str(self.path), reason=err) from None
        self.metadata: dict[str, str] = {str(k): str(v) for k, v in meta.items()}
        fmt = self.metadata.get("format", "png").lower()
        self.format = fmt
        self.content_type = CONTENT_TYPES.get(fmt, "application/octet-stream")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Return the tile at XYZ ``z/x/y`` (web-map order), or None if the package lacks it."""
        if z < 0 or z > 30 or not (0 <= x < 2**z) or not (0 <= y < 2**z):
            return None
        row = (2**z - 1) - y
        found = self._conn().execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, row),
        ).fetchone()
        return None if found is None else bytes(found[0])
