"""Supervision orders (督办单): one page per grid listing its current check failures.

The failures come from the checks engine,
:func:`gridmap.checks.run_checks_on_store`; :func:`current_failures` flattens its
results into one table (rule, source, grid, workers, measured value, message)
that the dossier uses too. Each order names the grid, its community and
responsible workers, lists the failures with the rule's source, sets a deadline
for the fix and leaves room for signatures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

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
    select_grids,
    shown_phone,
    tr,
    workers_by_grid,
)

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "FAILURE_COLUMNS",
    "current_failures",
    "export_supervision",
    "failures_frame",
]

#: Columns of :func:`current_failures`.
FAILURE_COLUMNS = (
    "rule_id", "rule", "source", "grid", "workers", "measured", "message", "severity",
)  # fmt: skip
#: Days given to fix the failures of a supervision order.
DEFAULT_DEADLINE_DAYS = 7


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    """First present attribute (or mapping key) of ``obj`` among ``names``."""
    for name in names:
        if isinstance(obj, Mapping):
            if name in obj and obj[name] is not None:
                return obj[name]
        else:
            value = getattr(obj, name, None)
            if value is not None:
                return value
    return default


def _text(value: Any, lang: str) -> str:
    """Text of a value that may be a ``{"zh": ..., "en": ...}`` mapping."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return str(
            value.get(lang) or value.get(i18n.DEFAULT_LANG) or next(iter(value.values()), "")
        )
    return str(value)


def _measured(value: Any, unit: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip() if unit else text


def _names(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return "、".join(str(v) for v in value if v)
    return str(value)


def _message(failure: Any, lang: str) -> str:
    text = getattr(failure, "text", None)
    if callable(text):
        return str(text(lang))
    if lang == "zh":
        zh = _get(failure, "message_zh")
        if zh:
            return str(zh)
    return _text(_get(failure, "message", "text", "detail", default=""), lang)


def failures_frame(results: Iterable[Any], *, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """Flatten check results into one row per failure.

    Parameters
    ----------
    results
        A :class:`gridmap.checks.CheckReport` or :class:`~gridmap.checks.CheckResult`
        objects: ``rule`` (the id, or an object with ``id``), ``title_zh``/``title_en``
        (or ``title`` as text or ``{"zh", "en"}``), ``source``, ``unit`` and
        ``failures`` (objects, mappings or a DataFrame with ``grid``, ``workers``,
        ``measured``, ``unit``, ``message``/``message_zh``, ``severity``).
    lang
        Language of rule titles and messages.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FAILURE_COLUMNS` (``severity`` is ``failure`` or
        ``advisory``), sorted by grid then rule.
    """
    rows = []
    for result in getattr(results, "results", results):
        rule = _get(result, "rule", default=result)
        meta = result if isinstance(rule, str) else rule
        rule_id = (
            rule if isinstance(rule, str) else str(_get(rule, "id", "rule_id", "name", default=""))
        )
        title = (
            _text(
                _get(meta, f"title_{lang}", "title_zh", "title", default=None)
                if not callable(getattr(meta, "title", None))
                else meta.title(lang),
                lang,
            )
            or rule_id
        )
        source = _text(_get(meta, "source", default=_get(result, "source", default="")), lang)
        unit = _get(meta, "unit", default=_get(result, "unit", default=""))
        failures = _get(result, "failures", default=())
        if isinstance(failures, pd.DataFrame):
            failures = failures.to_dict("records")
        for failure in failures:
            rows.append(
                {
                    "rule_id": rule_id,
                    "rule": title,
                    "source": source,
                    "grid": _get(failure, "grid", "grid_code", default=None),
                    "workers": _names(_get(failure, "workers", "worker_names", "worker")),
                    "measured": _measured(
                        _get(failure, "measured", "measured_value", "value"),
                        _get(failure, "unit", default=unit),
                    ),
                    "message": _message(failure, lang),
                    "severity": str(
                        _get(failure, "severity", default=_get(meta, "severity", default="failure"))
                    ),
                }
            )
    frame = pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))
    return frame.sort_values(["grid", "rule_id"], kind="stable", na_position="last").reset_index(
        drop=True
    )


def current_failures(
    store: Store,
    *,
    community: str | None = None,
    as_of: dt.date | None = None,
    lang: str = i18n.DEFAULT_LANG,
) -> pd.DataFrame:
    """Run every enabled check and return its failures.

    Parameters
    ----------
    store
        The store.
    community
        Only this community's checks.
    as_of
        Check the state on this date (default today).
    lang
        Language of rule titles and messages.

    Returns
    -------
    pandas.DataFrame
        :func:`failures_frame` of :func:`gridmap.checks.run_checks_on_store`'s report.
    """
    from gridmap.checks import run_checks_on_store

    report = run_checks_on_store(store, community=community, as_of=as_of)
    return failures_frame(report, lang=lang)


def _order_number(grid: str, day: dt.date) -> str:
    return f"DB{day:%Y%m%d}-{grid}"


def _pages(
    data: dict[str, Any],
    grids: pd.DataFrame,
    failures: pd.DataFrame,
    st: dict[str, Any],
    *,
    see_phones: bool,
    deadline: dt.date,
    issued: dt.date,
    lang: str,
) -> tuple[list[Any], int]:
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Spacer

    from gridmap.export._pdf import key_value_table, para, table

    story: list[Any] = []
    staff = workers_by_grid(data)
    wanted = set(grids["code"])
    failing = failures[failures["grid"].isin(wanted) & (failures["severity"] != "advisory")]
    orders = 0
    for _, grid in grids.iterrows():
        mine = failing[failing["grid"] == grid["code"]]
        if mine.empty:
            continue
        if orders:
            story.append(PageBreak())
        orders += 1
        people = staff[staff["grid"] == grid["code"]]
        names = [
            f"{r.name}（{i18n.label(r.role, lang, field='role')}）"
            f"{' ' + shown_phone(r.phone, see_phones=see_phones) if r.phone else ''}"
            for r in people.itertuples()
        ]
        story += [
            para(tr("export.supervision.title", lang), st["title"]),
            para(
                tr(
                    "export.supervision.number",
                    lang,
                    number=_order_number(str(grid["code"]), issued),
                ),
                st["subtitle"],
            ),
            key_value_table(
                [
                    (tr("export.col.community", lang), grid["community_name"]),
                    (tr("export.col.grid", lang), f"{grid['code']} {grid['name'] or ''}".strip()),
                    (
                        tr("export.col.workers", lang),
                        "；".join(names) or tr("export.dossier.no_workers", lang),
                    ),
                    (tr("export.col.issued", lang), issued.isoformat()),
                    (tr("export.col.deadline", lang), deadline.isoformat()),
                ],
                st,
                columns=1,
                width_cm=18,
            ),
            Spacer(1, 0.4 * cm),
            para(
                tr("export.supervision.intro", lang, n=len(mine), deadline=deadline.isoformat()),
                st["body"],
            ),
            Spacer(1, 0.3 * cm),
            table(
                [
                    [i + 1, r.rule, r.measured, r.message, r.source]
                    for i, r in enumerate(mine.itertuples())
                ],
                [
                    "#",
                    tr("export.col.rule", lang),
                    tr("export.col.measured", lang),
                    tr("export.col.message", lang),
                    tr("export.col.source", lang),
                ],
                [0.8, 3.6, 2.4, 7.2, 4.0],
                st,
            ),
            Spacer(1, 0.8 * cm),
            para(tr("export.supervision.feedback", lang), st["h3"]),
            Spacer(1, 2.5 * cm),
            table(
                [
                    [
                        tr("export.supervision.sign_inspector", lang),
                        "",
                        tr("export.supervision.sign_receiver", lang),
                        "",
                    ],
                    [
                        tr("export.supervision.sign_date", lang),
                        "",
                        tr("export.supervision.sign_date", lang),
                        "",
                    ],
                ],
                ["", "", "", ""],
                [3.5, 5.5, 3.5, 5.5],
                st,
                zebra=False,
            ),
        ]
    if not orders:
        story += [
            para(tr("export.supervision.title", lang), st["title"]),
            para(tr("export.supervision.none", lang), st["body"]),
        ]
    return story, orders


def export_supervision(
    store: Store,
    out: Output,
    *,
    user: User,
    community: str | None = None,
    grid: str | None = None,
    worker: str | None = None,
    as_of: dt.date | None = None,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    lang: str = i18n.DEFAULT_LANG,
) -> ExportResult:
    """Write supervision orders (PDF, one page per failing grid) and audit the export.

    Parameters
    ----------
    store
        The store.
    out
        A file path or a writable binary file.
    user
        Who issues the orders (needs the ``run_checks`` right within the scope);
        phone numbers are masked unless the user has ``see_phones``.
    community, grid, worker
        Narrow to a community, a grid or a worker's grids (default the user's
        communities).
    as_of
        Check the state on this date and issue the orders on it (default today).
    deadline_days
        Days given to fix the failures.
    lang
        Language (default Chinese).

    Returns
    -------
    ExportResult
        ``rows`` is the number of orders (grids with failures).

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not run checks in this scope.
    gridmap.errors.NotFound
        If the community, grid or worker does not exist.
    gridmap.errors.GridmapError
        If no CJK font is found.
    """
    from gridmap.export._pdf import build_pdf, styles

    if deadline_days < 0:
        msg = f"deadline_days must be 0 or more, got {deadline_days}"
        raise InputError(msg)
    auth.require(user, "run_checks", community=community)
    scope = Scope(community, grid, worker)
    data = load_data(store, as_of=as_of)
    grids = select_grids(data, scope, user)
    for code in set(grids["community"]):
        auth.require(user, "run_checks", community=str(code))
    issued = data["as_of"]
    failures = current_failures(store, community=community, as_of=issued, lang=lang)
    st = styles()
    story, orders = _pages(
        data,
        grids,
        failures,
        st,
        see_phones=auth.can(user, "see_phones"),
        deadline=issued + dt.timedelta(days=deadline_days),
        issued=issued,
        lang=lang,
    )
    payload = build_pdf(
        story,
        title=tr("export.supervision.title", lang).replace("　", ""),
        author=user.username,
        lang=lang,
    )
    result = finish_export(
        store,
        user,
        "supervision",
        scope,
        out,
        payload,
        fmt="pdf",
        rows=orders,
        as_of=issued,
        extra={"date": fmt_date(issued)},
    )
    from gridmap.notify import enqueue_supervision

    wanted = set(grids["code"])
    failing = sorted(
        {str(g) for g, sev in zip(failures["grid"], failures["severity"], strict=True)
         if g in wanted and sev != "advisory"}
    )
    enqueue_supervision(store, grids=failing, orders=orders,
                        deadline=issued + dt.timedelta(days=deadline_days))
    return result
