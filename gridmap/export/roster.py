"""Grid roster (网格员花名册): one row per grid with its workers, phones, sizes and counts.

The roster covers the street, a community, a grid or the grids of one worker, as
of any date (the assignments valid on that date). Phone numbers are masked
(``138****5678``) unless the exporting user has the ``see_phones`` right. The
XLSX is laid out for printing: title row, frozen header, column widths, A4
landscape, fit to page width, header rows repeated on every page, page numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gridmap import auth, i18n
from gridmap.errors import InputError
from gridmap.export._common import (
    ExportResult,
    Output,
    Scope,
    finish_export,
    fmt_date,
    load_data,
    phones_shown,
    point_counts,
    scope_place,
    select_grids,
    shown_phone,
    tr,
    workers_by_grid,
)
from gridmap.io.writers import csv_text, xlsx_plain_text

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = ["FORMATS", "ROSTER_COLUMNS", "export_roster", "roster_frame", "roster_title"]

#: Roster columns in order; headers come from ``export.roster.<column>`` in :mod:`gridmap.i18n`.
ROSTER_COLUMNS: tuple[str, ...] = (
    "community", "grid_code", "grid_name", "grid_head", "other_workers", "phones",
    "households", "residents", "area_m2", "boards", "fitness", "bins", "open_issues",
)  # fmt: skip
#: Numeric columns (right-aligned, numbers in the XLSX).
_NUMERIC = ("households", "residents", "area_m2", "boards", "fitness", "bins", "open_issues")
#: File formats of the roster.
FORMATS = ("xlsx", "csv")


def _join(values: list[str], sep: str) -> str:
    return sep.join(v for v in values if v)


def roster_frame(
    data: dict[str, Any], grids: pd.DataFrame, *, see_phones: bool, lang: str = i18n.DEFAULT_LANG
) -> pd.DataFrame:
    """Build the roster table of some grids (vectorised over grids and points).

    Parameters
    ----------
    data
        Output of :func:`gridmap.export._common.load_data`.
    grids
        The grids to list (rows of ``data["grids"]``), in the order wanted.
    see_phones
        Show phone numbers in full; otherwise masked.
    lang
        Language of role names (headers are set by the writer).

    Returns
    -------
    pandas.DataFrame
        One row per grid with the columns of :data:`ROSTER_COLUMNS` (canonical
        names); ``area_m2`` in square metres (metric CRS), rounded to 1 m².
    """
    codes = grids["code"].reset_index(drop=True)
    staff = workers_by_grid(data)
    staff = staff[staff["grid"].isin(set(codes))]
    heads: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    phones: dict[str, list[str]] = {}
    role_names = {r: i18n.label(r, lang, field="role") for r in staff["role"].unique()}
    for grid, name, role, phone in zip(
        staff["grid"], staff["name"], staff["role"], staff["phone"], strict=True
    ):
        if role == "grid_head":
            heads.setdefault(grid, []).append(str(name))
        else:
            others.setdefault(grid, []).append(f"{name}（{role_names[role]}）")
        number = shown_phone(phone, see_phones=see_phones)
        if number:
            phones.setdefault(grid, []).append(f"{name} {number}")
    counts = point_counts(data, codes)
    out = pd.DataFrame(
        {
            "community": grids["community_name"].to_numpy(dtype=object),
            "grid_code": codes.to_numpy(dtype=object),
            "grid_name": grids["name"].fillna("").to_numpy(dtype=object),
            "grid_head": [_join(heads.get(c, []), "、") for c in codes],
            "other_workers": [_join(others.get(c, []), "、") for c in codes],
            "phones": [_join(phones.get(c, []), "；") for c in codes],
            "households": grids["households"].to_numpy(),
            "residents": grids["residents"].to_numpy(),
            "area_m2": np.round(grids["area_m2"].to_numpy(dtype=float)),
        }
    )
    for column in ("boards", "fitness", "bins", "open_issues"):
        out[column] = counts[column].to_numpy()
    return out[list(ROSTER_COLUMNS)]


def roster_title(
    data: dict[str, Any],
    scope: Scope,
    *,
    user: Any = None,
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    """Return the roster's title: the place (the user's scope), "grid roster" and the date."""
    place = scope_place(
        data["communities"], scope, user, grids=data.get("grids"), workers=data.get("workers"),
        lang=lang,
    )
    return tr("export.roster.title", lang, place=place, date=fmt_date(data["as_of"])).strip()


def _width(text: str) -> int:
    """Display width: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx(frame: pd.DataFrame, headers: list[str], title: str, *, lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    wb = Workbook()
    ws = wb.active
    ws.title = tr("export.roster.sheet", lang)[:31]
    ncol = len(headers)
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.row_dimensions[1].height = 24
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(row=2, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    numeric = {ROSTER_COLUMNS.index(c) for c in _NUMERIC}
    # style three template cells once, then copy their style arrays: styling every cell
    # through openpyxl's descriptors costs seconds for a city's 10,000 rows
    text_tpl = ws.cell(row=3, column=1)
    text_tpl.border, text_tpl.alignment = border, Alignment(vertical="top", wrap_text=True)
    code_tpl = ws.cell(row=3, column=2)
    code_tpl.border, code_tpl.alignment = border, Alignment(vertical="top")
    code_tpl.number_format = "@"
    num_tpl = ws.cell(row=3, column=3)
    num_tpl.border, num_tpl.alignment = border, Alignment(horizontal="right", vertical="top")
    num_tpl.number_format = "#,##0"
    code_col = ROSTER_COLUMNS.index("grid_code")
    styles = [
        StyleArray(
            num_tpl._style
            if j in numeric
            else code_tpl._style
            if j == code_col
            else text_tpl._style
        )
        for j in range(ncol)
    ]
    for i, row in enumerate(frame.itertuples(index=False), start=3):
        for j, value in enumerate(row):
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                value = None
            elif isinstance(value, np.integer | np.floating):
                value = int(value) if float(value).is_integer() else float(value)
            cell = ws.cell(row=i, column=j + 1, value=value)
            cell._style = StyleArray(styles[j])
    if frame.empty:
        for j in range(ncol):
            ws.cell(row=3, column=j + 1)._style = StyleArray()
    for j, column in enumerate(frame.columns):
        texts = [headers[j], *(str(v) for v in frame[column].head(500) if v is not None)]
        width = max(_width(t) for t in texts) + 2
        ws.column_dimensions[get_column_letter(j + 1)].width = min(max(width, 6), 40)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.auto_filter.ref = f"A2:{get_column_letter(ncol)}{max(frame.shape[0] + 2, 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = tr("export.footer.page", lang, page="&P", pages="&N")
    ws.oddFooter.right.text = "gridmap &D"
    xlsx_plain_text(wb)
    payload = io.BytesIO()
    wb.save(payload)
    return payload.getvalue()


def _csv(frame: pd.DataFrame, headers: list[str]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    for row in frame.itertuples(index=False):
        writer.writerow(
            [
                ""
                if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA
                else (
                    int(v)
                    if isinstance(v, float | np.floating) and float(v).is_integer()
                    else csv_text(v)
                )
                for v in row
            ]
        )
    # UTF-8 with BOM: Excel on Windows opens it with the right encoding
    return text.getvalue().encode("utf-8-sig")


def export_roster(
    store: Store,
    out: Output,
    *,
    user: User,
    fmt: str = "xlsx",
    community: str | None = None,
    grid: str | None = None,
    worker: str | None = None,
    as_of: dt.date | None = None,
    lang: str = i18n.DEFAULT_LANG,
) -> ExportResult:
    """Write the grid roster as XLSX or CSV and audit the export.

    Parameters
    ----------
    store
        The store.
    out
        A file path or a writable binary file.
    user
        Who exports (needs the ``export`` right, within the community's scope);
        phone numbers are shown in full only with the ``see_phones`` right.
    fmt
        ``xlsx`` (formatted for printing) or ``csv`` (UTF-8 with BOM).
    community, grid, worker
        Narrow the roster to a community code, a grid code or a worker (code or
        name); default the whole street (the user's communities).
    as_of
        The date whose assignments are listed (default today).
    lang
        Language of headers and role names (default Chinese).

    Returns
    -------
    ExportResult
        ``rows`` is the number of grids listed.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown format or an unwritable file.
    gridmap.errors.PermissionDenied
        If the user may not export this scope.
    gridmap.errors.NotFound
        If the community, grid or worker does not exist.
    """
    if fmt not in FORMATS:
        raise InputError.keyed("exports.roster_format", fmt=fmt, formats=list(FORMATS))
    scope = Scope(community, grid, worker)
    auth.require(user, "export", community=community)
    data = load_data(store, as_of=as_of, points="counts")
    grids = select_grids(data, scope, user)
    see_phones = auth.can(user, "see_phones")
    frame = roster_frame(data, grids, see_phones=see_phones, lang=lang)
    headers = [tr(f"export.roster.{c}", lang) for c in ROSTER_COLUMNS]
    if fmt == "xlsx":
        payload = _xlsx(frame, headers, roster_title(data, scope, user=user, lang=lang), lang=lang)
    else:
        payload = _csv(frame, headers)
    return finish_export(
        store,
        user,
        "roster",
        scope,
        out,
        payload,
        fmt=fmt,
        rows=len(frame),
        as_of=data["as_of"],
        extra=phones_shown(see_phones=see_phones),
    )
