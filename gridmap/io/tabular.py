"""Read CSV, TXT and XLSX tables as raw text, and find their coordinate columns.

Row numbers. The frame returned by :func:`read_table` has one row per *data row*
below the header, blank rows included; ``attrs["rows"]`` holds the number of the
spreadsheet row (for CSV: the record) each came from, the number a person sees
in Excel, and every import message uses it.

Tables as offices make them:

- a title line above the header (``XX街道网格员花名册`` in a merged cell) is
  skipped: the header is the first of the first ten rows with at least two
  non-empty cells;
- a two-row header with merged cells (``联系方式`` over ``电话`` and ``手机``) is
  read as one row of names (the lower cell, or the merged upper one);
- a cell merged down over several data rows (a grid code over its workers) is
  filled down;
- footer rows (``制表人：``, ``审核人：``, ``日期：``) below the data are dropped
  with a note; blank rows are kept here and skipped by the importers;
- the ``<dimension>`` tag of an XLSX sheet is not trusted (it may understate rows).

CSV encodings: a byte-order mark decides (UTF-8, UTF-16); otherwise UTF-8 is tried
and GB 18030 (a superset of GBK/GB 2312, what Excel writes on Chinese Windows)
is the fallback. The delimiter is the most frequent of ``, ; | TAB`` in the header.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from gridmap.errors import InputError
from gridmap.io._columns import normalize_header
from gridmap.io.limits import DEFAULT_LIMITS, Limits
from gridmap.io.vector import MAX_BYTES, check_size, check_zip
from gridmap.messages import Msg

__all__ = [
    "COORDINATE_COLUMNS",
    "TABLE_FORMATS",
    "WKT_COLUMNS",
    "decode_text",
    "find_coordinate_columns",
    "read_table",
    "read_table_bytes",
]

#: File extensions read by :func:`read_table`.
TABLE_FORMATS = (".csv", ".txt", ".xlsx")

#: Accepted (longitude, latitude) header pairs, in order of preference.
COORDINATE_COLUMNS = (
    ("经度", "纬度"),
    ("lon", "lat"),
    ("lng", "lat"),
    ("longitude", "latitude"),
    ("long", "lat"),
    ("x", "y"),
)

#: Headers of a column holding WKT geometries (for polygon or line layers in a table).
WKT_COLUMNS = ("geometry", "wkt", "geom", "the_geom", "几何", "几何图形")

_HEADER_SCAN_ROWS = 10


def decode_text(data: bytes, *, encoding: str | None = None, file: str = "") -> tuple[str, str]:
    """Decode file bytes, detecting UTF-8 / UTF-16 / GB 18030 when no encoding is given.

    Parameters
    ----------
    data
        The file's bytes.
    encoding
        A Python codec name to use instead of detecting one.
    file
        The file name, for messages.

    Returns
    -------
    tuple of str
        The text and the encoding used.

    Raises
    ------
    gridmap.errors.InputError
        If the bytes are not valid in the given or any detected encoding.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError.keyed(
                "io.table.unknown_encoding", file=file, encoding=repr(encoding)
            ) from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise InputError.keyed(
                "io.table.cannot_decode", file=file, encoding=encoding, byte=exc.start
            ) from None
    boms = (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    for bom, name in boms:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                break
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise InputError.keyed("io.table.undecodable", file=file)


def _delimiter(text: str, suffix: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: (counts[d], d == "\t" and suffix == ".txt"))
    return best if counts[best] else ","


def _cell(value: object) -> str | None:
    """Return an XLSX cell as text (whole numbers without ``.0``, dates as ISO)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


#: A footer row (signatures under a roster) begins with one of these words.
_FOOTER_RE = re.compile(
    r"^\s*(制表人|制表|审核人|审核|审批人|填表人|填报人|填报单位|统计人|负责人|单位负责人|"
    r"制表日期|填报日期|填表日期|日期|签字|签名|盖章|注[:：])"
)
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _filled(row: list[str | None]) -> int:
    return sum(1 for v in row if v is not None and str(v).strip())


def _find_header(rows: list[list[str | None]], *, file: str) -> int:
    """Return the 0-based index of the header: the first of the first rows with two cells."""
    for i, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        if _filled(row) >= 2:  # a title line has only one
            return i
    header_at = next((i for i, row in enumerate(rows) if _filled(row)), None)
    if header_at is None:
        raise InputError.keyed("io.table.empty", file=file)
    return header_at


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _merged_ranges(ws: object) -> list[tuple[int, int, int, int]]:
    """Read the merged ranges of a read-only sheet from its XML: 0-based (r0, c0, r1, c1)."""
    ranges: list[tuple[int, int, int, int]] = []
    get_source = getattr(ws, "_get_source", None)
    if get_source is None:
        return ranges
    tail = b""
    with get_source() as src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            last = 0
            for m in _MERGE_RE.finditer(data):
                c0, r0, c1, r1 = m.groups()
                ranges.append((int(r0) - 1, _column_index(c0), int(r1) - 1, _column_index(c1)))
                last = m.end()
            tail = data[max(last, len(data) - 200) :]
    return sorted(set(ranges))


_ROW_OR_VALUE_RE = re.compile(rb"<(?:\w+:)?(row|v|is)[\s>/]")


def _value_rows_over(src: io.BufferedIOBase, cap: int) -> bool:
    """Whether a sheet's XML has more than ``cap`` rows holding a value.

    A byte scan (rows started, and whether a ``<v>`` or ``<is>`` follows before the
    next row) runs at disk speed, far faster than parsing the cells; it stops as
    soon as the count passes ``cap``. Rows of formatting only do not count.
    """
    count, pending, tail = 0, False, b""
    while chunk := src.read(1 << 20):
        data = tail + chunk
        end = max(0, len(data) - 16)  # a tag cut by the chunk boundary is read next time
        for m in _ROW_OR_VALUE_RE.finditer(data):
            if m.start() >= end:
                break
            if m.group(1) == b"row":
                pending = True
            elif pending:
                pending = False
                count += 1
                if count > cap:
                    return True
        tail = data[end:]
    return False


def _check_xlsx_rows(path: Path, limits: Limits, *, file: str) -> None:
    """Refuse a workbook with a sheet of more value rows than the cap, before openpyxl opens it.

    openpyxl parses every sheet whole when the workbook is opened if the sheet has no
    ``<dimension>`` tag (files written by many tools), so the cap must hold before.
    """
    if limits.rows is None:
        return
    cap = limits.rows + _HEADER_SCAN_ROWS
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as src:
                        if _value_rows_over(src, cap):
                            limits.check_rows(cap + 1, file=file)
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return  # not a readable workbook: openpyxl says so below


def _two_row_header(
    rows: list[list[str | None]], header_at: int, merges: list[tuple[int, int, int, int]]
) -> list[str] | None:
    """Combine a two-row merged header into one row of names, or return ``None``."""
    below = header_at + 1
    if below >= len(rows):
        return None
    spans = [m for m in merges if m[0] == header_at and (m[2] >= below or m[3] > m[1])]
    if not spans or not any(m[3] > m[1] and m[2] == header_at for m in spans):
        return None
    top = list(rows[header_at])
    sub = list(rows[below])
    width = max(len(top), len(sub))
    top += [None] * (width - len(top))
    sub += [None] * (width - len(sub))
    group: dict[int, str | None] = {}
    for _r0, c0, _r1, c1 in spans:
        for c in range(c0, min(c1, width - 1) + 1):
            group[c] = top[c0]
    names: list[str] = []
    for c in range(width):
        upper = group.get(c, top[c])
        lower = sub[c]
        if lower and str(lower).strip():
            name = str(lower).strip()
            if name in names and upper:
                name = f"{str(upper).strip()}{name}"
        else:
            name = str(upper).strip() if upper else ""
        names.append(name)
    return names


def _frame(
    rows: list[list[str | None]],
    *,
    file: str,
    merges: list[tuple[int, int, int, int]] | None = None,
) -> pd.DataFrame:
    """Build the raw frame: find the header, fill merged cells, drop a footer, name columns.

    ``attrs["rows"]`` holds the spreadsheet row (or CSV record) number of every frame
    row, ``attrs["notes"]`` ``(message key, params)`` of what was done to the table.
    """
    merges = merges or []
    notes: list[tuple[str, dict[str, object]]] = []
    header_at = _find_header(rows, file=file)
    header_rows = 1
    names = _two_row_header(rows, header_at, merges)
    if names is not None:
        header_rows = 2
    else:
        names = [str(h).strip() if h is not None else "" for h in rows[header_at]]
    first = header_at + header_rows
    data = [list(r) for r in rows[first:]]
    filled_cols: dict[int, int] = {}
    for r0, c0, r1, _c1 in merges:  # fill vertical merges down their first column
        if r1 <= r0 or r1 < first:
            continue
        top = r0 - first
        if top < 0 or top >= len(data) or c0 >= len(data[top]) or data[top][c0] is None:
            continue
        for r in range(top + 1, min(r1 - first, len(data) - 1) + 1):
            row = data[r]
            row += [None] * (c0 + 1 - len(row))
            if row[c0] is None:
                row[c0] = data[top][c0]
                filled_cols[c0] = filled_cols.get(c0, 0) + 1
    end = len(data)
    footer: list[int] = []
    while end > 0:
        row = data[end - 1]
        cells = [str(v) for v in row if v is not None and str(v).strip()]
        if not cells:
            end -= 1
            continue
        if _FOOTER_RE.match(cells[0]):
            footer.append(first + end)
            end -= 1
            continue
        break
    if footer:
        shown = " ".join(
            str(v).strip() for v in data[footer[-1] - first - 1] if v is not None and str(v).strip()
        )
        notes.append(
            (
                "io.table.footer",
                {
                    "rows": ", ".join(str(r) for r in sorted(footer)),
                    "text": shown[:40],
                },
            )
        )
    data = data[:end]
    width = max([len(names), *(len(r) for r in data)])
    columns: list[str] = []
    for i in range(width):
        name = names[i] if i < len(names) and names[i] else f"column {i + 1}"
        base, n = name, 1
        while name in columns:
            n += 1
            name = f"{base}.{n}"
        columns.append(name)
    if header_rows == 2:
        notes.append(
            (
                "io.table.two_row_header",
                {
                    "first": header_at + 1,
                    "second": header_at + 2,
                    "headers": ", ".join(c for c in columns if not c.startswith("column ")),
                },
            )
        )
    if filled_cols:
        notes.append(
            (
                "io.table.merged_filled",
                {
                    "n": sum(filled_cols.values()),
                    "columns": ", ".join(
                        columns[c] for c in sorted(filled_cols) if c < len(columns)
                    ),
                },
            )
        )
    padded = [list(r) + [None] * (width - len(r)) for r in data]
    frame = pd.DataFrame(padded, columns=columns, dtype=object)  # blank cells are None already
    frame.attrs["header_row"] = header_at + 1
    frame.attrs["rows"] = list(range(first + 1, first + 1 + len(data)))
    frame.attrs["notes"] = notes
    return frame


def _capped_rows(
    rows: Iterator[list[str | None]], limits: Limits, *, file: str
) -> list[list[str | None]]:
    """Collect rows as they stream, refusing the file once its non-blank rows pass the cap.

    Blank rows are kept only when a non-blank row follows (a sheet formatted down to
    row 1,048,576 holds no data there), so memory stays bounded by the cap. The
    first rows may be a title and a header: the cap counts data rows after them.
    """
    cap = None if limits.rows is None else limits.rows + _HEADER_SCAN_ROWS
    out: list[list[str | None]] = []
    blank = filled = 0
    for row in rows:
        if not any(v is not None for v in row):
            blank += 1
            continue
        if blank:
            out.extend([] for _ in range(blank))
            blank = 0
        out.append(row)
        filled += 1
        if cap is not None and filled > cap:
            limits.check_rows(filled, file=file)
    return out


def _read_csv(
    path: Path, *, encoding: str | None, file: str, limits: Limits = DEFAULT_LIMITS
) -> pd.DataFrame:
    text, used = decode_text(path.read_bytes(), encoding=encoding, file=file)
    if "\x00" in text:
        raise InputError.keyed("io.table.nul_bytes", file=file)
    delimiter = _delimiter(text, path.suffix.lower())
    try:
        rows = _capped_rows(
            (
                [c if c.strip() else None for c in r]
                for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            ),
            limits,
            file=file,
        )
    except csv.Error as exc:
        raise InputError.keyed("io.table.cannot_parse", file=file, detail=str(exc)) from None
    frame = _frame(rows, file=file)
    frame.attrs.update(encoding=used, delimiter=delimiter)
    return frame


def _read_xlsx(
    path: Path, *, sheet: str | int | None, file: str, limits: Limits = DEFAULT_LIMITS
) -> pd.DataFrame:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(path, file=file, check_names=False)
    _check_xlsx_rows(path, limits, file=file)  # in seconds, before openpyxl parses anything
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputError.keyed(
            "io.table.bad_xlsx", file=file, detail=f"{exc.__class__.__name__}: {exc}"
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            ws = book.worksheets[0]
        elif isinstance(sheet, int) or (
            isinstance(sheet, str) and sheet.isdigit() and sheet not in names
        ):
            index = int(sheet)
            if not 0 <= index < len(names):
                raise InputError.keyed(
                    "io.table.no_sheet_number", file=file, index=index, sheets=tuple(names)
                )
            ws = book.worksheets[index]
        elif sheet in names:
            ws = book[sheet]
        else:
            raise InputError.keyed(
                "io.table.no_sheet", file=file, sheet=repr(sheet), sheets=tuple(names)
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # the <dimension> tag may understate the sheet: read every row there is
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()
                sheet_rows = ws.iter_rows(min_row=1, min_col=1, values_only=True)
                try:
                    rows = _capped_rows(
                        ([_cell(v) for v in row] for row in sheet_rows), limits, file=file
                    )
                finally:  # stopped at the cap: close the sheet's XML stream now
                    sheet_rows.close()
                merges = _merged_ranges(ws)
        except InputError:
            raise
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise InputError.keyed(
                "io.table.bad_sheet",
                file=file,
                sheet=repr(ws.title),
                detail=f"{exc.__class__.__name__}: {exc}",
            ) from None
        frame = _frame(rows, file=file, merges=merges)
        frame.attrs["sheet"] = ws.title
        return frame
    finally:
        book.close()


def read_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | int | None = None,
    max_bytes: int = MAX_BYTES,
    limits: Limits = DEFAULT_LIMITS,
) -> pd.DataFrame:
    """Read a CSV, TXT or XLSX table as text, one frame row per data row.

    Parameters
    ----------
    path
        A ``.csv``, ``.txt`` (comma- or tab-separated) or ``.xlsx`` file.
    encoding
        Text encoding of a CSV/TXT file; detected (UTF-8, UTF-16, GBK/GB18030) when omitted.
    sheet
        XLSX sheet name or 0-based number (a string of digits that is not a sheet
        name counts as a number); the first sheet when omitted.
    max_bytes
        Refuse files larger than this.
    limits
        Refuse tables with more data rows than ``limits.rows``, counted while reading
        (see :mod:`gridmap.io.limits`).

    Returns
    -------
    pandas.DataFrame
        Object columns named by the header row, cells as strings (as written)
        or ``None`` when blank; frame row ``i`` is data row ``i + 1`` (blank rows kept).
        ``attrs`` holds ``header_row`` (1-based line of the header) and ``encoding``
        or ``sheet``.

    Raises
    ------
    gridmap.errors.InputError
        If the file is missing, too large (in bytes or rows), not decodable or not a table.
    """
    path = Path(path)
    file = path.name
    if not path.is_file():
        raise InputError.keyed("io.file.not_found", file=str(path))
    check_size(path, max_bytes=max_bytes, file=file)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet=sheet, file=file, limits=limits)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, encoding=encoding, file=file, limits=limits)
    raise InputError.keyed(
        "io.table.not_table", file=file, suffix=suffix or Msg("io.file.no_extension")
    )


def find_coordinate_columns(
    headers: list[str], *, lon_col: str | None = None, lat_col: str | None = None
) -> tuple[str, str] | None:
    """Return the (longitude, latitude) headers among ``headers``, or ``None``.

    Parameters
    ----------
    headers
        The table's headers.
    lon_col, lat_col
        Headers to use instead of the built-in pairs (:data:`COORDINATE_COLUMNS`);
        matched like every header (case, spaces, ``_`` and ``-`` ignored).

    Returns
    -------
    tuple of str or None
        The two headers as spelled in the file.

    Raises
    ------
    gridmap.errors.InputError
        If ``lon_col`` or ``lat_col`` is given but not among the headers.
    """
    keys: dict[str, str] = {}
    for h in headers:
        keys.setdefault(normalize_header(h), h)
    if lon_col or lat_col:
        found = []
        for wanted, what in ((lon_col, "longitude"), (lat_col, "latitude")):
            if wanted is None:
                raise InputError.keyed("io.table.coordinate_pair", what=what)
            if normalize_header(wanted) not in keys:
                raise InputError.keyed(
                    "io.table.no_coordinate_column",
                    what=what,
                    wanted=repr(wanted),
                    headers=tuple(map(str, headers)),
                )
            found.append(keys[normalize_header(wanted)])
        return found[0], found[1]
    for lon, lat in COORDINATE_COLUMNS:
        if normalize_header(lon) in keys and normalize_header(lat) in keys:
            return keys[normalize_header(lon)], keys[normalize_header(lat)]
    return None


def find_location_column(headers: list[str]) -> str | None:
    """Return the header of a single "lng,lat" column (Amap ``location``), or ``None``."""
    from gridmap.io._coords import LOCATION_COLUMNS

    wanted = {normalize_header(h) for h in LOCATION_COLUMNS}
    return next((h for h in headers if normalize_header(h) in wanted), None)


def find_wkt_column(headers: list[str]) -> str | None:
    """Return the header of a WKT geometry column, or ``None``."""
    wanted = {normalize_header(h) for h in WKT_COLUMNS}
    return next((h for h in headers if normalize_header(h) in wanted), None)


def read_table_bytes(name: str, data: bytes, **options: Any) -> pd.DataFrame:
    """Read an uploaded table (its file name and bytes) with :func:`read_table`.

    The bytes are saved under the name's last part in a temporary folder, removed
    afterwards; ``options`` are those of :func:`read_table`.
    """
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        return read_table(path, **options)
