"""Weekly progress report (每周上报进展) as XLSX or PDF.

For one ISO week (Monday to Sunday, UTC dates) and the street or one community:
issue reports opened and closed (by category and by grid), those still open and
overdue at the end of the week, check failures at the start and the end of the
week and their change (when :mod:`gridmap.checks` is available), and the
reassignments of grid workers recorded in the audit log; with two charts
(matplotlib). "Closed" means a ``closed`` transition in ``issue_events``; the
status at the end of the week is the last transition before it (the current
status for reports without transitions).
"""

from __future__ import annotations

import datetime as dt
import io
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
    parse_week,
    scope_place,
    select_grids,
    tr,
    week_label,
)
from gridmap.export.fonts import matplotlib_font
from gridmap.export.supervision import failures_frame
from gridmap.snapshot import CLOSED_ISSUE_STATUSES
from gridmap.store.issues import read_issue_events

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = ["FORMATS", "export_weekly", "weekly_report"]

#: File formats of the weekly report.
FORMATS = ("xlsx", "pdf")
#: Audit actions that count as reassignments besides edits of the assignments table.
REASSIGN_ACTIONS = frozenset({"reassign", "assign", "unassign", "plan_import"})
#: Audit actions on the assignments table that count (bulk imports do not).
ASSIGNMENT_EDITS = frozenset({"insert", "update", "delete"})
_OPENED, _CLOSED = "#4e79a7", "#59a14f"


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


def _status_at_end(issues: pd.DataFrame, events: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    """Status of each issue at ``end``: last transition before it, else the current status."""
    status = pd.Series(issues["status"].to_numpy(dtype=object), index=issues["id"].to_numpy())
    if events.empty:
        return status
    before = events[events["at"] < end].sort_values("at", kind="stable")
    last = before.groupby("issue_id")["to_status"].last()
    after = events[events["at"] >= end].sort_values("at", kind="stable")
    first_after = after.groupby("issue_id")["from_status"].first()
    first_after = first_after[~first_after.index.isin(last.index)]
    status.update(first_after.dropna())
    status.update(last.dropna())
    return status


def weekly_report(
    store: Store,
    *,
    user: User,
    week: str | dt.date | None = None,
    community: str | None = None,
    lang: str = i18n.DEFAULT_LANG,
) -> dict[str, Any]:
    """Compute the figures of a weekly report.

    Parameters
    ----------
    store
        The store.
    user
        Who asks (``export`` right within the community).
    week
        ``YYYY-Www`` or a date inside the week (default: this week).
    community
        Only this community's grids and issue reports.
    lang
        Language of labels.

    Returns
    -------
    dict
        ``week`` (label), ``start``/``end`` (dates), ``place``, ``summary`` (list of
        ``(label, value)``), ``by_category`` and ``by_grid`` (DataFrames with
        ``opened, closed, open_end``), ``daily`` (7 rows: ``day, opened, closed``),
        ``checks`` (DataFrame ``rule, start, end, change`` or ``None`` when the
        checks engine is missing), ``reassignments`` (DataFrame ``at, user,
        action, detail``).

    Raises
    ------
    gridmap.errors.InputError
        For a malformed week.
    gridmap.errors.PermissionDenied
        If the user may not export.
    """
    monday, sunday = parse_week(week)
    start = pd.Timestamp(monday, tz="UTC")
    end = pd.Timestamp(sunday + dt.timedelta(days=1), tz="UTC")
    auth.require(user, "export", community=community)
    data = load_data(store, as_of=sunday)
    grids = select_grids(data, Scope(community), user)
    codes = set(grids["code"])
    issues = data["issues"]
    issues = issues[issues["grid"].isin(codes).to_numpy()].copy()
    issues["reported_at"] = _utc(issues["reported_at"])

    events = read_issue_events(store, [int(i) for i in issues["id"]])
    if len(events):
        events["at"] = _utc(events["at"])
    closed_events = (
        events[
            (events["to_status"].isin(CLOSED_ISSUE_STATUSES))
            & (events["at"] >= start)
            & (events["at"] < end)
        ]
        if len(events)
        else events
    )
    closed_ids = set(closed_events["issue_id"]) if len(closed_events) else set()
    opened = issues[((issues["reported_at"] >= start) & (issues["reported_at"] < end)).to_numpy()]
    closed = issues[issues["id"].isin(closed_ids).to_numpy()]
    status_end = _status_at_end(issues, events, end)
    open_end_mask = (
        ~status_end.reindex(issues["id"].to_numpy()).isin(CLOSED_ISSUE_STATUSES).to_numpy()
    )
    open_end = issues[open_end_mask]
    deadline = _utc(open_end["deadline"])
    overdue = open_end[(deadline.notna() & (deadline < end)).to_numpy()]

    def by(column: str, index: pd.Index | None = None) -> pd.DataFrame:
        table = pd.DataFrame(
            {
                "opened": opened[column].value_counts(),
                "closed": closed[column].value_counts(),
                "open_end": open_end[column].value_counts(),
            }
        )
        if index is not None:
            table = table.reindex(index)
        table = table.fillna(0).astype(np.int64)
        return table[(table.sum(axis=1) > 0)] if index is None else table

    by_category = by("category").sort_values(["opened", "closed"], ascending=False)
    by_grid = by("grid", pd.Index(sorted(codes), name="grid"))
    names = dict(zip(grids["code"], grids["name"].fillna(""), strict=True))
    by_grid.insert(0, "name", [names.get(c, "") for c in by_grid.index])
    by_grid = by_grid[by_grid[["opened", "closed", "open_end"]].sum(axis=1) > 0]

    days = pd.date_range(start, periods=7, freq="D")
    daily = pd.DataFrame(
        {
            "day": [d.date() for d in days],
            "opened": [
                int(
                    (
                        (opened["reported_at"] >= d)
                        & (opened["reported_at"] < d + pd.Timedelta(days=1))
                    ).sum()
                )
                for d in days
            ],
            "closed": [
                int(
                    (
                        (closed_events["at"] >= d)
                        & (closed_events["at"] < d + pd.Timedelta(days=1))
                    ).sum()
                )
                if len(closed_events)
                else 0
                for d in days
            ],
        }
    )

    checks, scores = _check_change(
        store, grids, community=community, start=monday, end=sunday, lang=lang
    )
    reassignments = _reassignments(store, data, start, end, codes, lang)
    place = scope_place(data["communities"], Scope(community), user, lang=lang)
    summary = [
        (tr("export.weekly.opened", lang), len(opened)),
        (tr("export.weekly.closed", lang), len(closed)),
        (tr("export.weekly.open_end", lang), len(open_end)),
        (tr("export.weekly.overdue", lang), len(overdue)),
        (tr("export.weekly.reassigned", lang), len(reassignments)),
    ]
    summary += [
        (tr("export.weekly.failures_start", lang), int(checks["start"].sum())),
        (tr("export.weekly.failures_end", lang), int(checks["end"].sum())),
    ]
    if len(scores):
        summary.append(
            (
                tr("export.weekly.mean_score", lang),
                f"{scores['start'].mean():.1f} → {scores['end'].mean():.1f}",
            )
        )
    return {
        "week": week_label(monday),
        "start": monday,
        "end": sunday,
        "place": place,
        "community": community,
        "summary": summary,
        "by_category": by_category,
        "by_grid": by_grid,
        "daily": daily,
        "checks": checks,
        "scores": scores,
        "reassignments": reassignments,
        "opened": len(opened),
        "closed": len(closed),
    }


def _check_change(
    store: Store,
    grids: pd.DataFrame,
    *,
    community: str | None,
    start: dt.date,
    end: dt.date,
    lang: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Failures per rule and scores per grid the day before ``start`` and on ``end``."""
    from gridmap.checks import run_checks_on_store

    before = run_checks_on_store(store, community=community, as_of=start - dt.timedelta(days=1))
    after = run_checks_on_store(store, community=community, as_of=end)
    codes = set(grids["code"])
    counts = []
    for report in (before, after):
        frame = failures_frame(report, lang=lang)
        frame = frame[frame["grid"].isin(codes) | frame["grid"].isna()]
        counts.append(frame.groupby("rule_id").size())
    rules = [(r.rule, r.title(lang)) for r in after.results]
    ids = [rule_id for rule_id, _ in rules]
    checks = pd.DataFrame(
        {
            "rule": [title for _, title in rules],
            "start": counts[0].reindex(ids).fillna(0).astype(int).to_numpy(),
            "end": counts[1].reindex(ids).fillna(0).astype(int).to_numpy(),
        }
    )
    checks["change"] = checks["end"] - checks["start"]
    first = before.scores("grid").set_index("key")["score"]
    last = after.scores("grid").set_index("key")["score"]
    order = sorted(codes)
    names = dict(zip(grids["code"], grids["name"].fillna(""), strict=True))
    scores = pd.DataFrame(
        {
            "grid": order,
            "name": [names[c] for c in order],
            "start": first.reindex(order).astype(float).to_numpy(),
            "end": last.reindex(order).astype(float).to_numpy(),
        }
    ).dropna(subset=["start", "end"], how="all")
    scores["change"] = scores["end"] - scores["start"]
    scores = scores.sort_values(["change", "end"], kind="stable")
    return checks, scores


def _reassignments(
    store: Store,
    data: dict[str, Any],
    start: pd.Timestamp,
    end: pd.Timestamp,
    codes: set[str],
    lang: str,
) -> pd.DataFrame:
    rows = store.read_audit(limit=None, since=start.to_pydatetime(), until=end.to_pydatetime())
    rows = rows.sort_values(["at", "id"], kind="stable")
    columns = ["at", "user", "action", "detail"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    edits = (rows["table_name"] == "assignments") & rows["action"].isin(ASSIGNMENT_EDITS)
    rows = rows[edits | rows["action"].isin(REASSIGN_ACTIONS)]
    grid_of = dict(zip(data["grids"]["id"], data["grids"]["code"], strict=True))
    workers = data["workers"]
    worker_of = dict(zip(workers["id"], workers["name"], strict=True))
    out = []
    for r in rows.to_dict("records"):
        values = r["after"] or r["before"] or {}
        grid = values.get("grid") or grid_of.get(values.get("grid_id"))
        if grid is not None and codes and grid not in codes:
            continue
        worker = values.get("worker") or worker_of.get(values.get("worker_id"), "")
        role = values.get("role")
        parts = [
            str(p)
            for p in (grid, worker, i18n.label(role, lang, field="role") if role else None)
            if p
        ]
        if values.get("valid_to"):
            parts.append(f"→ {values['valid_to']}")
        detail = " · ".join(parts) or (r["note"] or "")
        out.append(
            {
                "at": fmt_date(pd.Timestamp(r["at"])),
                "user": r["username"] or "",
                "action": r["action"],
                "detail": detail,
            }
        )
    return pd.DataFrame(out, columns=columns)


def _bar_chart(
    table: pd.DataFrame,
    labels: list[str],
    title: str,
    *,
    height_in: float,
    lang: str,
    tick_style: dict[str, Any],
) -> bytes:
    """Return a PNG of opened/closed bars side by side, one pair per row of ``table``."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, height_in), dpi=150)
    ax = fig.add_subplot()
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["opened"], 0.4, color=_OPENED, label=tr("export.weekly.opened", lang))
    ax.bar(x + 0.2, table["closed"], 0.4, color=_CLOSED, label=tr("export.weekly.closed", lang))
    ax.set_xticks(x, labels, fontsize=8, **tick_style)
    ax.set_title(title, fontsize=10)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _charts(report: dict[str, Any], lang: str) -> list[bytes]:
    """Return two PNG charts: opened/closed by category, and per day."""
    import matplotlib

    matplotlib.use("Agg", force=False)

    by_category = report["by_category"].head(12)
    daily = report["daily"]
    with matplotlib.rc_context(matplotlib_font()):
        return [
            _bar_chart(
                by_category,
                [str(c) for c in by_category.index],
                tr("export.weekly.chart_category", lang),
                height_in=3.2,
                lang=lang,
                tick_style={"rotation": 20, "ha": "right"},
            ),
            _bar_chart(
                daily,
                [d.strftime("%m-%d") for d in daily["day"]],
                tr("export.weekly.chart_daily", lang),
                height_in=2.8,
                lang=lang,
                tick_style={},
            ),
        ]


def _tables(report: dict[str, Any], lang: str) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Return the report's tables as ``(title, headers, rows)``."""
    counts = [
        tr("export.weekly.opened", lang),
        tr("export.weekly.closed", lang),
        tr("export.weekly.open_end", lang),
    ]
    cat = report["by_category"]
    grid = report["by_grid"]
    tables = [
        (
            tr("export.weekly.summary", lang),
            [tr("export.col.item_metric", lang), tr("export.col.value", lang)],
            [[k, v] for k, v in report["summary"]],
        ),
        (
            tr("export.weekly.by_category", lang),
            [tr("export.col.category", lang), *counts],
            [
                [c, *map(int, r)]
                for c, r in zip(
                    cat.index, cat[["opened", "closed", "open_end"]].to_numpy(), strict=True
                )
            ],
        ),
        (
            tr("export.weekly.by_grid", lang),
            [tr("export.col.grid", lang), tr("export.col.item", lang), *counts],
            [
                [c, n, *map(int, r)]
                for c, n, r in zip(
                    grid.index,
                    grid["name"],
                    grid[["opened", "closed", "open_end"]].to_numpy(),
                    strict=True,
                )
            ],
        ),
    ]
    checks = report["checks"]
    tables.append(
        (
            tr("export.weekly.checks", lang),
            [
                tr("export.col.rule", lang),
                tr("export.weekly.failures_start", lang),
                tr("export.weekly.failures_end", lang),
                tr("export.weekly.change", lang),
            ],
            [
                [r.rule, int(r.start), int(r.end), f"{int(r.change):+d}"]
                for r in checks.itertuples()
            ],
        )
    )
    scores = report["scores"]
    tables.append(
        (
            tr("export.weekly.scores", lang),
            [
                tr("export.col.grid", lang),
                tr("export.col.item", lang),
                tr("export.weekly.score_start", lang),
                tr("export.weekly.score_end", lang),
                tr("export.weekly.change", lang),
            ],
            [
                [r.grid, r.name, f"{r.start:.1f}", f"{r.end:.1f}", f"{r.change:+.1f}"]
                for r in scores.itertuples()
            ],
        )
    )
    moves = report["reassignments"]
    tables.append(
        (
            tr("export.weekly.reassignments", lang),
            [
                tr("export.weekly.at", lang),
                tr("export.weekly.user", lang),
                tr("export.weekly.action", lang),
                tr("export.weekly.detail", lang),
            ],
            moves[["at", "user", "action", "detail"]].values.tolist(),
        )
    )
    return tables


def _title(report: dict[str, Any], lang: str) -> tuple[str, str]:
    title = tr("export.weekly.title", lang, place=report["place"]).strip()
    period = tr(
        "export.weekly.period",
        lang,
        week=report["week"],
        start=report["start"].isoformat(),
        end=report["end"].isoformat(),
    )
    return title, period


def _xlsx(report: dict[str, Any], charts: list[bytes], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    title, period = _title(report, lang)
    tables = _tables(report, lang)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for n, (name, headers, rows) in enumerate(tables):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = name.split("、", 1)[-1].split(". ", 1)[-1][:31]
        ws.cell(row=1, column=1, value=f"{title} {period}").font = Font(bold=True, size=13)
        for j, header in enumerate(headers, start=1):
            cell = ws.cell(row=2, column=j, value=header)
            cell.font = Font(bold=True)
            cell.fill = fill
        for i, row in enumerate(rows, start=3):
            for j, value in enumerate(row, start=1):
                ws.cell(row=i, column=j, value=value)
        if not rows:
            ws.cell(row=3, column=1, value=tr("export.weekly.none", lang))
        for j in range(1, len(headers) + 1):
            ws.column_dimensions[get_column_letter(j)].width = 22 if j > 1 else 26
        ws.freeze_panes = "A3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.print_title_rows = "1:2"
        if n == 0:
            anchor = 3 + len(rows) + 2
            for k, png in enumerate(charts):
                image = Image(io.BytesIO(png))
                image.width, image.height = image.width * 0.5, image.height * 0.5
                ws.add_image(image, f"A{anchor + k * 26}")
    from gridmap.io.writers import xlsx_plain_text

    xlsx_plain_text(wb)  # case texts and names are data, never formulas
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pdf(report: dict[str, Any], charts: list[bytes], user: User, lang: str) -> bytes:
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Spacer

    from gridmap.export._pdf import build_pdf, para, styles, table

    st = styles()
    title, period = _title(report, lang)
    story: list[Any] = [para(title, st["title"]), para(period, st["subtitle"])]
    widths = {2: [9.0, 9.0], 1: [18.0], 4: [4.6, 4.6, 4.4, 4.4], 5: [4.0, 5.2, 2.9, 2.9, 3.0]}
    for n, (name, headers, rows) in enumerate(_tables(report, lang)):
        story.append(para(name, st["h2"]))
        if rows:
            if name == tr("export.weekly.reassignments", lang):
                cols = [3.2, 2.6, 2.6, 9.6]
            elif name == tr("export.weekly.checks", lang) and len(headers) == 4:
                cols = [9.6, 2.8, 2.8, 2.8]
            else:
                cols = widths.get(len(headers), [18.0 / len(headers)] * len(headers))
            story.append(table(rows, headers, cols, st))
        else:
            story.append(para(tr("export.weekly.none", lang), st["body"]))
        if n == 1 and charts:
            story += [
                Spacer(1, 0.3 * cm),
                Image(io.BytesIO(charts[0]), width=17 * cm, height=17 * cm * 3.2 / 7.2),
            ]
        if n == 0 and len(charts) > 1:
            story += [
                Spacer(1, 0.3 * cm),
                Image(io.BytesIO(charts[1]), width=17 * cm, height=17 * cm * 2.8 / 7.2),
            ]
    return build_pdf(
        story,
        title=title,
        author=user.username,
        subject=period,
        header=f"{title} · {period}",
        lang=lang,
    )


def export_weekly(
    store: Store,
    out: Output,
    *,
    user: User,
    week: str | dt.date | None = None,
    community: str | None = None,
    fmt: str = "xlsx",
    lang: str = i18n.DEFAULT_LANG,
) -> ExportResult:
    """Write the weekly progress report as XLSX or PDF and audit the export.

    Parameters
    ----------
    store
        The store.
    out
        A file path or a writable binary file.
    user
        Who exports (``export`` right within the community).
    week
        ``YYYY-Www`` or a date inside the week (default: this week).
    community
        Only this community (default: the street, or the user's communities).
    fmt
        ``xlsx`` or ``pdf``.
    lang
        Language (default Chinese).

    Returns
    -------
    ExportResult
        ``rows`` is the number of issue reports opened in the week.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown format, a malformed week or an unwritable file.
    gridmap.errors.PermissionDenied
        If the user may not export.
    """
    if fmt not in FORMATS:
        raise InputError.keyed("exports.weekly_format", fmt=fmt, formats=list(FORMATS))
    report = weekly_report(store, user=user, week=week, community=community, lang=lang)
    charts = _charts(report, lang)
    payload = _xlsx(report, charts, lang) if fmt == "xlsx" else _pdf(report, charts, user, lang)
    return finish_export(
        store,
        user,
        "weekly",
        Scope(community),
        out,
        payload,
        fmt=fmt,
        rows=report["opened"],
        as_of=report["end"],
        extra={"week": report["week"], "closed": report["closed"]},
    )
