"""Read and write layer files: GeoJSON, Shapefile (GBK .dbf), GeoPackage, KML, CSV and XLSX.

Importers call :func:`read_layer_file`, which returns the layer's canonical
frame in EPSG:4326 and an :class:`~gridmap.errors.ImportReport`; it never raises
for bad content. The raw readers :func:`read_vector` and :func:`read_table` raise
:class:`~gridmap.errors.InputError` for malformed files. :func:`write_layer_file`
and :func:`convert_file` write.

Modules
-------
``vector``   GeoJSON, Shapefile, GeoPackage, KML and zip reading; file-size and zip safety
``tabular``  CSV/TXT/XLSX reading, encodings, coordinate columns
``layers``   mapping to a layer's schema, value, geometry and coordinate checks
``writers``  GeoJSON/GPKG/CSV/XLSX writing and GCJ-02/BD-09 file conversion
"""

from __future__ import annotations

from gridmap.io.layers import LAYER_FORMATS, read_layer_file, validate_layer_frame
from gridmap.io.tabular import TABLE_FORMATS, find_coordinate_columns, read_table
from gridmap.io.vector import MAX_BYTES, VECTOR_FORMATS, read_vector
from gridmap.io.writers import WRITE_FORMATS, convert_file, write_layer_file

__all__ = [
    "LAYER_FORMATS",
    "MAX_BYTES",
    "TABLE_FORMATS",
    "VECTOR_FORMATS",
    "WRITE_FORMATS",
    "convert_file",
    "find_coordinate_columns",
    "read_layer_file",
    "read_table",
    "read_vector",
    "validate_layer_frame",
    "write_layer_file",
]
