"""One monthly 考核 ledger per grid, worker and community, each deduction traceable.

The ledger of a month lists deduction lines (扣分明细), each with its cause and a
reference to it:

``rule``           a check rule failing on an object at the month's end (today for
                   the running month): the rule's ``weight`` (from the rules
                   configuration) per failing object; ``ref`` is ``rule:object_id``
``case_overdue``   a case of the month handled after its deadline, or still not
                   handled past it: :data:`POINTS` ``["case_overdue"]``; ``ref`` is the
                   case code
``case_returned``  each return for rework (退回) of a case of the month
``order_overdue``  a 督办单 whose deadline fell in the month and that was not
                   passed on re-check by then; ``ref`` is its 文号

Dismissed cases (不予立案/作废) and merged duplicates deduct nothing and are never
counted as 结案 (:func:`gridmap.issues.scores.case_facts`). A grid's lines count for
its community and for the workers responsible for it (a case: the workers of its
grid on the day it was reported, or the worker it was dispatched to; the other
lines: the grid's workers at the month's end). Every grid, community and current
worker starts at 100 (:data:`FULL_MARKS`) and loses the points of its lines, down to
0; scores are never NaN. :func:`ledger_xlsx` and :func:`ledger_pdf` publish the
ranking with the lines.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import pandas as pd

from gridmap import auth, i18n
from gridmap.errors import InputError

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.issues.categories import IssueConfig
    from gridmap.store import Store

__all__ = [
    "CAUSES",
    "FULL_MARKS",
    "LEVELS",
    "LINE_COLUMNS",
    "POINTS",
    "ledger_lines",
    "ledger_pdf",
    "ledger_scores",
    "ledger_xlsx",
    "month_end",
    "record_ledger_export",
]

FULL_MARKS = 100.0
LEVELS = ("grid", "worker", "community")
CAUSES = ("rule", "case_overdue", "case_returned", "order_overdue")
#: Points deducted per line of each cause (a rule's line deducts the rule's weight).
POINTS: dict[str, float] = {"case_overdue": 1.0, "case_returned": 0.5, "order_overdue": 2.0}
LINE_COLUMNS = ("cause", "ref", "points", "grid", "community", "workers", "detail")


def month_end(month: str, *, today: dt.date | None = None) -> dt.date:
    """Return the last day of ``month`` (``YYYY-MM``), or ``today`` if that comes first.

    Examples
    --------
    >>> month_end("2026-02", today=dt.date(2026, 12, 5))
    datetime.date(2026, 2, 28)
    """
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InputError.keyed("period.month", month=month) from None
    last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
    return min(last, today or dt.date.today())


def ledger_lines(
    store: Store,
    *,
    month: str,
    user: User | None = None,
    config: IssueConfig | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Return the month's deduction lines (:data:`LINE_COLUMNS`), within the user's scope.

    ``workers`` holds the codes of the workers each line counts for.
    """
    from gridmap.checks import run_checks_on_store
    from gridmap.issues import load_issue_config, queries
    from gridmap.issues.scores import case_facts
    from gridmap.supervision import list_orders

    if user is not None:
        auth.require(user, "view")
    cfg = config if config is not None else load_issue_config()
    end = month_end(month, today=today)
    start = dt.date.fromisoformat(f"{month}-01")
    grids = store.read_layer("grids")
    community_of = dict(zip(grids["code"], grids["community"], strict=True))
    grid_workers = {g: [str(w["code"]) for w in store.workers_of(g, on=end)] for g in grids["code"]}
    lines: list[dict[str, Any]] = []

    def add(cause: str, ref: str, points: float, grid: Any, detail: str,
            workers: list[str] | None = None) -> None:  # fmt: skip
        grid = grid if isinstance(grid, str) and grid else None
        lines.append(
            {
                "cause": cause,
                "ref": ref,
                "points": float(points),
                "grid": grid,
                "community": community_of.get(grid),
                "workers": list(workers if workers is not None else grid_workers.get(grid, [])),
                "detail": detail,
            }
        )

    if start <= end:
        report = run_checks_on_store(store, as_of=end)
        for f in report.failures:
            if f.severity != "advisory" and f.grid:
                add("rule", f"{f.rule}:{f.object_id}", report.weights.get(f.rule, 1.0), f.grid,
                    f.message_zh or f.message)  # fmt: skip

    issues, events = queries.scoring_frame(store, config=cfg)
    if len(issues):
        facts = case_facts(issues, events)
        zone = cfg.working_hours.timezone
        local = pd.to_datetime(issues["reported_at"], utc=True).dt.tz_convert(zone)
        in_month = (local.dt.strftime("%Y-%m") == month) & ~facts["dismissed"]
        cut = pd.Timestamp(end + dt.timedelta(days=1), tz=zone).tz_convert("UTC")
        now = pd.Timestamp.now(tz="UTC")
        deadline = pd.to_datetime(issues["deadline"], utc=True)
        late_handled = facts["handled_at"].notna() & (facts["handled_at"] > deadline)
        late_open = ~facts["handled"] & deadline.notna() & (deadline < min(cut, now))
        for i in issues.index[in_month]:
            row = issues.loc[i]
            workers = [str(w) for w in (row["workers"] or [])]
            if late_handled[i] or late_open[i]:
                add("case_overdue", str(row["code"]), POINTS["case_overdue"], row["grid"],
                    f"期限 {i18n.format_time(deadline[i])}", workers)  # fmt: skip
            for n in range(int(facts.loc[i, "returned"])):
                add("case_returned", str(row["code"]), POINTS["case_returned"], row["grid"],
                    f"第 {n + 1} 次退回", workers)  # fmt: skip

    orders = list_orders(store, None, today=end)
    if len(orders):
        in_month = pd.Series([start <= d <= end for d in orders["deadline"]], index=orders.index)
        due = orders[in_month & orders["overdue"].astype(bool)]
        for o in due.itertuples(index=False):
            add("order_overdue", str(o.number), POINTS["order_overdue"], o.grid,
                f"整改期限 {o.deadline.isoformat()}，状态 {o.state}")  # fmt: skip

    frame = pd.DataFrame(lines, columns=list(LINE_COLUMNS))
    if user is not None and user.scope is not None:
        frame = frame[frame["community"].isin(list(user.scope))]
    return frame.reset_index(drop=True)


def ledger_scores(store: Store, lines: pd.DataFrame, *, level: str, month: str,
                  user: User | None = None) -> pd.DataFrame:  # fmt: skip
    """Rank every grid, worker or community of the scope by its score from ``lines``.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``key`` (code), ``name``, ``deducted``, ``lines``, ``score``
        (``100 - deducted``, at least 0; never NaN), best first.
    """
    if level not in LEVELS:
        raise InputError.keyed("ledgers.level", levels=list(LEVELS), level=level)
    end = month_end(month)
    scope = None if user is None or user.scope is None else set(user.scope)
    if level in ("grid", "community"):
        # a grid is in scope by its community, a community by its own code
        layer, scope_col = ("grids", "community") if level == "grid" else ("communities", "code")
        places = store.read_layer(layer)
        if scope is not None:
            places = places[places[scope_col].isin(scope)]
        names = dict(zip(places["code"], places["name"], strict=True))
        per_line = lines[[level, "points"]].rename(columns={level: "key"})
    else:
        workers = store.read_layer("workers", include_retired=True)
        all_names = dict(zip(workers["code"], workers["name"], strict=True))
        assignments = store.read_layer("assignments", as_of=end)
        if scope is not None:
            grids = store.read_layer("grids")
            mine = set(grids.loc[grids["community"].isin(scope), "code"])
            assignments = assignments[assignments["grid"].isin(mine)]
        keys = set(assignments["worker"]) | {w for ws in lines["workers"] for w in ws}
        names = {k: all_names.get(k, k) for k in keys}
        per_line = (
            lines[["workers", "points"]].explode("workers").rename(columns={"workers": "key"})
        )
    per_line = per_line[per_line["key"].notna()]
    deducted = per_line.groupby("key")["points"].sum()
    counts = per_line.groupby("key").size()
    keys = sorted(set(names) | set(deducted.index))
    table = pd.DataFrame(
        {
            "key": keys,
            "name": [str(names.get(k, k)) for k in keys],
            "deducted": [round(float(deducted.get(k, 0.0)), 1) for k in keys],
            "lines": [int(counts.get(k, 0)) for k in keys],
        }
    )
    table["score"] = (FULL_MARKS - table["deducted"]).clip(lower=0).round(1)
    table = table.sort_values(["score", "key"], ascending=[False, True], kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.reset_index(drop=True)


def _tables(
    store: Store, month: str, user: User | None, lines: pd.DataFrame | None
) -> tuple[dict, pd.DataFrame]:
    if lines is None:
        lines = ledger_lines(store, month=month, user=user)
    ranks = {
        level: ledger_scores(store, lines, level=level, month=month, user=user) for level in LEVELS
    }
    return ranks, lines


def _headers(columns: list[str], lang: str) -> list[str]:
    return [i18n.t(f"ledger.col.{c}", lang) for c in columns]


def record_ledger_export(store: Store, user: User | None, month: str, fmt: str) -> None:
    """Write the audit row of a ledger export (who took the month's ranking, in which format)."""
    store.audit("export", username=user.username if user else None,
                note=f"assessment ledger {month} ({fmt})")  # fmt: skip


def ledger_xlsx(store: Store, *, month: str, user: User | None = None,
                lang: str = i18n.DEFAULT_LANG, audit: bool = True,
                lines: pd.DataFrame | None = None) -> bytes:  # fmt: skip
    """Write the month's ranking (a sheet per level) and its deduction lines to XLSX.

    ``lines`` are the month's :func:`ledger_lines` when already computed.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from gridmap.io.writers import xlsx_plain_text

    auth.require(user or auth.SYSTEM, "export")
    ranks, lines = _tables(store, month, user, lines)
    book = Workbook()
    book.remove(book.active)
    columns = ["rank", "key", "name", "score", "deducted", "lines"]
    for level, table in ranks.items():
        sheet = book.create_sheet(i18n.t(f"ledger.level.{level}", lang))
        sheet.append([i18n.t("ledger.pdf_title", lang, month=month)])
        sheet["A1"].font = Font(bold=True)
        sheet.append(_headers(columns, lang))
        for row in table[columns].itertuples(index=False):
            sheet.append([v.item() if hasattr(v, "item") else v for v in row])
    sheet = book.create_sheet(i18n.t("ledger.col.lines", lang))
    detail = ["cause", "ref", "points", "key", "detail"]
    sheet.append(_headers(detail, lang))
    for line in lines.itertuples(index=False):
        sheet.append([i18n.t(f"ledger.cause.{line.cause}", lang), line.ref, line.points,
                      line.grid, line.detail])  # fmt: skip
    xlsx_plain_text(book)
    out = io.BytesIO()
    book.save(out)
    if audit:
        record_ledger_export(store, user, month, "xlsx")
    return out.getvalue()


def ledger_pdf(store: Store, *, month: str, user: User | None = None,
               lang: str = i18n.DEFAULT_LANG, audit: bool = True,
               lines: pd.DataFrame | None = None) -> bytes:  # fmt: skip
    """Write the month's published ranking (grids, communities, workers) and lines as PDF.

    ``lines`` are the month's :func:`ledger_lines` when already computed.
    """
    from gridmap.export._pdf import build_pdf, para, styles, table

    acting = user or auth.SYSTEM
    auth.require(acting, "export")
    ranks, lines = _tables(store, month, user, lines)
    st = styles()
    title = i18n.t("ledger.pdf_title", lang, month=month)
    story: list[Any] = [para(title, st["title"])]
    columns = ["rank", "key", "name", "score", "deducted", "lines"]
    for level in ("community", "grid", "worker"):
        story.append(para(i18n.t(f"ledger.level.{level}", lang), st["h2"]))
        rows = [[r.rank, r.key, r.name, f"{r.score:.1f}", f"{r.deducted:.1f}", r.lines]
                for r in ranks[level].itertuples(index=False)]  # fmt: skip
        story.append(table(rows, _headers(columns, lang), [1.2, 3.6, 4.6, 2.2, 2.2, 2.2], st))
    story.append(para(i18n.t("ledger.col.lines", lang), st["h2"]))
    rows = [[i18n.t(f"ledger.cause.{r.cause}", lang), r.ref, f"{r.points:g}", r.grid or "",
             r.detail] for r in lines.itertuples(index=False)]  # fmt: skip
    story.append(table(rows or [["—", "", "", "", ""]],
                       _headers(["cause", "ref", "points", "key", "detail"], lang),
                       [2.4, 5.0, 1.4, 3.4, 4.8], st))  # fmt: skip
    payload = build_pdf(story, title=title, author=acting.username, lang=lang)
    if audit:
        record_ledger_export(store, user, month, "pdf")
    return payload
