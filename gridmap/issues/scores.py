"""Monthly scores (每月考核) of grids and grid workers, their ranking and the XLSX export.

A month's cases are the reports *made* in that month (local calendar of the
working-hours time zone), except those dismissed or merged as duplicates
(closed without ever being handled). For each grid or worker:

``reports``          cases of the month
``handled``          cases handled (处置) so far
``closed``           cases closed (结案)
``closure_rate``     closed / reports
``on_time_rate``     handled by the deadline / handled with a known handling time
``mean_handling_h``  mean hours from the report to its last handling (calendar hours)
``returned``         returns for rework (退回) of these cases
``dismissed``        reports of the month dismissed (不予立案/作废) or merged: kept
                     apart, never counted as cases or as closed (结案)
``score``            0-100, the mean of the closure and on-time rates that are known
                     (never NaN: imported cases without a history have no on-time rate)

A case counts for the workers responsible for its grid on the day it was
reported (accountability: 谁丢分谁负责), or for the worker it was dispatched to.
Ranking: score, then on-time rate, then closure rate (higher first), then fewer returns,
then shorter mean handling time; groups without cases rank last.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from gridmap.errors import InputError

__all__ = ["SCORE_COLUMNS", "XLSX_HEADERS", "case_facts", "monthly_scores", "scores_xlsx"]

SCORE_COLUMNS = (
    "reports", "handled", "closed", "closure_rate", "on_time_rate", "mean_handling_h", "returned",
    "dismissed", "score",
)  # fmt: skip

#: Chinese column headers of the XLSX export.
XLSX_HEADERS: dict[str, str] = {
    "rank": "排名",
    "grid": "网格",
    "worker": "网格员编码",
    "worker_name": "网格员",
    "reports": "案件数",
    "handled": "已处置",
    "closed": "已结案",
    "closure_rate": "结案率",
    "on_time_rate": "按时处置率",
    "mean_handling_h": "平均处置时长（小时）",
    "returned": "退回次数",
    "dismissed": "不予立案/作废",
    "score": "得分",
}

_HANDLED_OR_LATER = {"handled", "verified", "closed"}
_BEFORE_HANDLING = {"reported", "registered"}
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month_bounds(month: str, timezone: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if not _MONTH_RE.match(str(month)):
        raise InputError.keyed("period.month", month=month)
    start = pd.Timestamp(f"{month}-01", tz=timezone)
    return start.tz_convert("UTC"), (start + pd.offsets.MonthBegin(1)).tz_convert("UTC")


def case_facts(issues: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Return per report: last handling time, handled flag, returns, dismissed flag.

    Parameters
    ----------
    issues
        Reports with ``id``, ``status``, ``reported_at`` (UTC), ``deadline`` and
        optionally ``duplicate_of``.
    events
        Lifecycle events with ``issue_id``, ``at`` (UTC), ``from_status``, ``to_status``.

    Returns
    -------
    pandas.DataFrame
        On ``issues``' index: ``handled_at`` (UTC or NaT), ``handled`` (bool),
        ``returned`` (int), ``dismissed`` (bool), ``on_time`` (bool or NA).
    """
    ev = events.copy()
    ev["at"] = pd.to_datetime(ev["at"], utc=True)
    handled_at = ev[ev["to_status"] == "handled"].groupby("issue_id")["at"].max()
    returns = ev[ev["to_status"] == "returned"].groupby("issue_id").size()
    ever_handled = set(ev.loc[ev["to_status"] == "handled", "issue_id"])
    ordered = ev.sort_values("at", kind="stable")
    # the status a report had before its first recorded move: imported cases come in
    # handled, verified or closed without the events that led there
    first_from = ordered.groupby("issue_id")["from_status"].first().to_dict()
    closing = ordered[ordered["to_status"] == "closed"].groupby("issue_id")["from_status"].last()
    ids = issues["id"]
    out = pd.DataFrame(index=issues.index)
    out["handled_at"] = pd.to_datetime(ids.map(handled_at.to_dict()).astype(object), utc=True)
    status = issues["status"].astype(str)
    start = pd.Series([first_from.get(i, s) for i, s in zip(ids, status, strict=True)],
                      index=issues.index, dtype=object)  # fmt: skip
    out["handled"] = ids.isin(ever_handled) | start.isin(_HANDLED_OR_LATER)
    out["returned"] = ids.map(returns.to_dict()).fillna(0).astype(int)
    # dismissed (不予立案/作废): closed straight from reported or registered, never 结案
    dismissed = (status == "closed") & ids.map(closing.to_dict()).isin(_BEFORE_HANDLING)
    if "duplicate_of" in issues.columns:
        dismissed |= issues["duplicate_of"].notna()
    out["dismissed"] = dismissed
    deadline = pd.to_datetime(issues["deadline"], utc=True)
    known = out["handled_at"].notna() & deadline.notna()
    on_time = pd.Series(pd.NA, index=issues.index, dtype="boolean")
    on_time[known] = (out.loc[known, "handled_at"] <= deadline[known]).to_numpy()
    out["on_time"] = on_time
    return out


def monthly_scores(
    issues: pd.DataFrame,
    events: pd.DataFrame,
    *,
    month: str,
    by: str = "grid",
    timezone: str = "Asia/Shanghai",
) -> pd.DataFrame:
    """Score each grid or worker on the cases reported in ``month``, ranked.

    Parameters
    ----------
    issues
        Reports with ``id``, ``grid``, ``status``, ``reported_at``, ``deadline``,
        optionally ``duplicate_of``, and for ``by="worker"`` a ``workers`` column
        holding a list of worker codes per report.
    events
        Lifecycle events (``issue_id``, ``at``, ``from_status``, ``to_status``).
    month
        ``"YYYY-MM"``, in the local calendar of ``timezone``.
    by
        ``"grid"`` or ``"worker"``.
    timezone
        The local time zone that decides which month a report belongs to.

    Returns
    -------
    pandas.DataFrame
        ``rank``, the group column (``grid`` or ``worker``) and :data:`SCORE_COLUMNS`,
        ordered by rank. Rates are fractions (0-1), NaN when undefined.

    Raises
    ------
    gridmap.errors.InputError
        If ``month`` or ``by`` is malformed.
    """
    if by not in ("grid", "worker"):
        raise InputError.keyed("scores.by", by=by)
    start, end = _month_bounds(month, timezone)
    columns = ["rank", by, *SCORE_COLUMNS]
    if issues.empty:
        return pd.DataFrame(columns=columns)
    facts = case_facts(issues, events)
    reported = pd.to_datetime(issues["reported_at"], utc=True)
    in_month = (reported >= start) & (reported < end)
    dismissed = issues[in_month & facts["dismissed"]]
    if by == "worker":
        dismissed = dismissed.explode("workers").rename(columns={"workers": "worker"})
    dismissed_n = dismissed[dismissed[by].notna()].groupby(by).size()
    in_month &= ~facts["dismissed"]
    cases = issues[in_month].assign(
        **{name: facts.loc[in_month, name] for name in facts.columns},
        hours=(facts.loc[in_month, "handled_at"] - reported[in_month]).dt.total_seconds() / 3600,
        is_closed=issues.loc[in_month, "status"].astype(str) == "closed",
    )
    if by == "worker":
        cases = cases.explode("workers").rename(columns={"workers": "worker"})
    cases = cases[cases[by].notna()]
    if cases.empty:
        return pd.DataFrame(columns=columns)
    groups = cases.groupby(by, sort=True)
    table = pd.DataFrame(
        {
            "reports": groups.size(),
            "handled": groups["handled"].sum().astype(int),
            "closed": groups["is_closed"].sum().astype(int),
            "on_time_n": groups["on_time"].sum().astype(float),
            "timed_n": groups["on_time"].count().astype(float),
            "mean_handling_h": groups["hours"].mean(),
            "returned": groups["returned"].sum().astype(int),
        }
    )
    table["closure_rate"] = table["closed"] / table["reports"]
    with np.errstate(invalid="ignore", divide="ignore"):
        table["on_time_rate"] = np.where(
            table["timed_n"] > 0, table["on_time_n"] / table["timed_n"].replace(0, np.nan), np.nan
        )
    table["dismissed"] = dismissed_n.reindex(table.index).fillna(0).astype(int)
    # the score is always a number: the mean of the rates that are known (the closure
    # rate always is; the on-time rate is not for imported cases without a history)
    known = table[["closure_rate", "on_time_rate"]]
    table["score"] = (100 * known.mean(axis=1, skipna=True)).round(1)
    table = table.reset_index()
    order = table.sort_values(
        ["score", "on_time_rate", "closure_rate", "returned", "mean_handling_h", by],
        ascending=[False, False, False, True, True, True],
        na_position="last",
        kind="stable",
    )
    order.insert(0, "rank", np.arange(1, len(order) + 1))
    return order[columns].reset_index(drop=True)


def scores_xlsx(tables: Mapping[str, pd.DataFrame], *, month: str) -> bytes:
    """Write score tables to an XLSX workbook with Chinese headers, one sheet per table.

    Parameters
    ----------
    tables
        Sheet name (e.g. ``"网格考核"``) -> a frame from :func:`monthly_scores`
        (extra columns such as ``worker_name`` are kept).
    month
        The month scored, written in the first row of each sheet.

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        sheet = book.create_sheet(str(name)[:31])
        sheet.append([f"{month} 月度考核（{name}）"])
        sheet["A1"].font = Font(bold=True)
        columns = list(frame.columns)
        sheet.append([XLSX_HEADERS.get(c, c) for c in columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            values = []
            for column, value in zip(columns, row, strict=True):
                if value is None or (isinstance(value, float) and np.isnan(value)):
                    values.append(None)
                elif column.endswith("_rate"):
                    values.append(round(float(value), 4))
                elif column == "mean_handling_h":
                    values.append(round(float(value), 1))
                elif isinstance(value, np.integer):
                    values.append(int(value))
                else:
                    values.append(value if isinstance(value, (int, float, str)) else str(value))
            sheet.append(values)
        for column_cells in sheet.iter_cols(min_row=2, max_row=2):
            for cell in column_cells:
                if str(columns[cell.column - 1]).endswith("_rate"):
                    for c in sheet.iter_rows(min_row=3, min_col=cell.column, max_col=cell.column):
                        c[0].number_format = "0.0%"
            sheet.column_dimensions[column_cells[0].column_letter].width = 14
    from gridmap.io.writers import xlsx_plain_text

    xlsx_plain_text(book)  # names are data, never formulas
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
