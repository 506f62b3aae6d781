"""Find English left in Chinese text: the one detector of the Chinese-first scans (issue #17).

Used by the page scan (``tests/app/test_chinese_ui.py``) and the command-line scan
(``tests/test_cli_chinese.py``). A text is English when, after removing what may stay
Latin (codes, numbers, units, URLs, file names and the proper names in :data:`ALLOWED`),
it holds a Latin word and no Chinese, or a run of three Latin words (an English phrase).
"""

from __future__ import annotations

import re

#: Names that stay as they are in a Chinese UI (formats, systems, standards, products).
ALLOWED = (
    "gridmap", "GeoJSON", "GeoPackage", "Shapefile", "GPKG", "CSV", "XLSX", "XLS", "PDF",
    "DOCX", "HTML", "JSON", "PNG", "JPEG", "JPG", "KML", "ZIP", "SHP", "WGS-84", "WGS84",
    "GCJ-02", "BD-09", "CGCS2000", "EPSG", "API", "Open311", "OpenStreetMap", "OSM", "URL",
    "SQLite", "PostgreSQL", "PostGIS", "Token", "token", "ID", "id", "GPS", "SMS", "HTTP",
    "HTTPS", "UTF-8", "GBK", "Excel", "WPS", "Streamlit", "XYZ", "TMS", "WMTS", "Amap",
    "Tianditu", "DataV", "Markdown",
    "English",  # the language switch names each language in itself
    "leaflet_markercluster", "leaflet", "jquery", "XStatic",  # packages (about page)
    "STARTTLS", "SSL", "MBTiles",
)
_ALLOWED_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(map(re.escape, ALLOWED)) + r")(?![A-Za-z])")
_TOKENS = re.compile(
    r"[a-z][\w+.-]*://\S*|\S+@\S+|[\w./-]+\.(?:py|csv|xlsx|json|geojson|gpkg|zip|pdf|docx|toml|png"
    r"|sqlite|shp|prj)\b"  # URLs, addresses, file names
    r"|\b[A-Z]{1,4}-?\d[\w-]*|\b\d[\w.,:/%-]*"  # codes (AJ2026…, W0001), numbers with units
    r"|--[\w-]+|`[^`]*`|\$\w+|:[a-z_]+:|:material/[a-z_]+:"  # options, code, env, icons
    r"|(?:km²|m²)|\b(?:km|m|kg|L|px|MB|KB|GB|h|min|s|x|y|lon|lat)\b"
)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z]{2,}")


def english_left(text: str) -> str | None:
    """Return the offending rest of ``text`` when it is English, else ``None``."""
    plain = re.sub(r"\\(.)", r"\1", str(text))  # markdown escapes
    plain = _ALLOWED_RE.sub(" ", _TOKENS.sub(" ", plain))
    words = WORD.findall(plain)
    if not words:
        return None
    if not CJK.search(plain):
        return plain.strip()
    if re.search(r"[A-Za-z]{2,}(?:[\s,;'’-]+[A-Za-z]{2,}){2,}", plain):
        return plain.strip()
    return None
