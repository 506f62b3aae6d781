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

from gridmap import auth, config, i18n
from gridmap.checks.sources import citation
from gridmap.errors import InputError
from gridmap.export._common import (
    ExportResult,
    Output,
    Scope,
    finish_export,
    fmt_date,
    fmt_measure,
    load_data,
    official_date,
    select_grids,
    tr,
    workers_by_grid,
)
from gridmap.store import documents as store_documents

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = [
    "FAILURE_COLUMNS",
    "current_failures",
    "export_supervision",
    "failures_frame",
    "issuer",
]

#: Columns of :func:`current_failures`.
FAILURE_COLUMNS = (
    "rule_id", "rule", "source", "grid", "workers", "measured", "message", "severity",
    "place", "requirement",
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


def _requirement(threshold: Any, unit: Any, lang: str) -> str:
    if threshold is None:
        return ""
    from gridmap.checks.result import threshold_text

    try:
        return threshold_text(threshold, str(unit or ""), lang=lang)
    except (TypeError, ValueError):
        return str(threshold)


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
        source = citation(
            rule_id,
            lang,
            default=_text(_get(meta, "source", default=_get(result, "source", default="")), lang),
        )
        unit = _get(meta, "unit", default=_get(result, "unit", default=""))
        threshold = _get(result, "threshold", default=None)
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
                    "measured": fmt_measure(
                        _get(failure, "measured", "measured_value", "value"),
                        _get(failure, "unit", default=unit),
                        lang=lang,
                    ),
                    "message": _message(failure, lang),
                    "severity": str(
                        _get(failure, "severity", default=_get(meta, "severity", default="failure"))
                    ),
                    "place": str(_get(failure, "name", "object_id", default="") or ""),
                    "requirement": _requirement(
                        _get(failure, "threshold", default=threshold),
                        _get(failure, "unit", default=unit),
                        lang,
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
    report: Any = None,
) -> pd.DataFrame:
    """Run every enabled check (or take ``report``, their result) and return its failures.

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

    if report is None:
        report = run_checks_on_store(store, community=community, as_of=as_of)
    return failures_frame(report, lang=lang)


def issuer(communities: pd.DataFrame, lang: str = i18n.DEFAULT_LANG) -> tuple[str, str]:
    """Return the issuing office and the 文号 prefix (settings, else from the street's name).

    Examples
    --------
    >>> issuer(pd.DataFrame({"street": ["望江街道"]}))
    ('望江街道办事处', '望江街督')
    """
    try:
        settings = config.load_settings()
    except InputError:
        settings = {}
    street = ""
    if "street" in communities and communities["street"].notna().any():
        street = str(communities["street"].dropna().iloc[0])
    office = str(settings.get("issuing_office") or "") or (
        tr("export.supervision.office_default", lang, street=street) if street else ""
    )
    prefix = str(settings.get("document_prefix") or "")
    if not prefix:
        stem = street.removesuffix("街道").removesuffix("办事处") or street
        prefix = f"{stem}街督" if stem else "督"
    return office, prefix


def _pages(
    data: dict[str, Any],
    orders: list[dict[str, Any]],
    failures: pd.DataFrame,
    st: dict[str, Any],
    *,
    office: str,
    lang: str,
) -> list[Any]:
    """Lay out one 督办单 per order in the 公文 layout of GB/T 9704.

    版头: the issuing office's mark in red, the document number (文号) under it and a
    red rule; then the title, the addressee (主送: community and grid head), the body
    with a table of the failures (place, problem, measured value, requirement and
    source), the rectification requirement with its deadline, the signature and date
    with room for the seal, and the 版记 (printed by, receipt).
    """
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import HRFlowable, KeepTogether, PageBreak, Spacer

    from gridmap.export._pdf import para, table

    red = colors.HexColor("#c00000")
    mark = ParagraphStyle("gw_mark", parent=st["body"], fontSize=26, leading=34,
                          alignment=TA_CENTER, textColor=red)
    number_style = ParagraphStyle("gw_number", parent=st["body"], fontSize=12, leading=18,
                                  alignment=TA_CENTER)
    title = ParagraphStyle("gw_title", parent=st["body"], fontSize=16, leading=24,
                           alignment=TA_CENTER, spaceBefore=6, spaceAfter=10)
    body = ParagraphStyle("gw_body", parent=st["body"], fontSize=11.5, leading=20)
    indented = ParagraphStyle("gw_indent", parent=body, firstLineIndent=23)
    right = ParagraphStyle("gw_right", parent=body, alignment=TA_RIGHT, rightIndent=28)
    small = ParagraphStyle("gw_small", parent=body, fontSize=10.5, leading=18)

    staff = workers_by_grid(data)
    grids = data["grids"].set_index("code")
    story: list[Any] = []
    for i, order in enumerate(orders):
        code = order["grid"]
        grid = grids.loc[code]
        mine = failures[failures["grid"] == code]
        people = staff[staff["grid"] == code]
        heads = [r.name for r in people.itertuples() if r.role == "grid_head"]
        grid_label = str(grid["name"] or code)
        place = grid_label if grid_label.startswith(str(grid["community_name"])) else (
            f"{grid['community_name']}{grid_label}"
        )
        to = [str(grid["community_name"])]
        if heads:
            to.append(tr("export.supervision.addressee_head", lang, grid=grid_label,
                         name="、".join(heads)))
        rows = []
        for j, r in enumerate(mine.itertuples()):
            required = "；".join(x for x in (r.requirement, r.source) if x) if lang == "zh" else (
                "; ".join(x for x in (r.requirement, r.source) if x)
            )
            rows.append([j + 1, r.place or place, f"{r.rule}：{r.message}" if lang == "zh"
                         else f"{r.rule}: {r.message}", r.measured, required])
        if i:
            story.append(PageBreak())
        story += [
            para(tr("export.supervision.mark", lang, office=office), mark),
            Spacer(1, 0.2 * cm),
            para(order["number"], number_style),
            HRFlowable(width="100%", thickness=1.5, color=red, spaceBefore=2, spaceAfter=10),
            para(tr("export.supervision.doc_title", lang, place=place), title),
            para(tr("export.supervision.addressee", lang, to="、".join(to)), body),
            para(tr("export.supervision.body", lang, n=len(mine), code=code), indented),
            Spacer(1, 0.2 * cm),
            table(
                rows,
                [
                    "#",
                    tr("export.supervision.col.place", lang),
                    tr("export.supervision.col.problem", lang),
                    tr("export.supervision.col.measured", lang),
                    tr("export.supervision.col.required", lang),
                ],
                [0.8, 3.0, 6.2, 1.9, 5.6],
                st,
                zebra=False,
            ),
            Spacer(1, 0.3 * cm),
            para(
                tr(
                    "export.supervision.requirement",
                    lang,
                    deadline=official_date(order["deadline"], lang),
                    office=office,
                ),
                indented,
            ),
            KeepTogether(
                [
                    Spacer(1, 2.2 * cm),  # room for the seal over the signature
                    para(office, right),
                    para(official_date(order["issued_on"], lang), right),
                    Spacer(1, 0.8 * cm),
                    HRFlowable(width="100%", thickness=0.8, color=colors.black, spaceAfter=4),
                    para(tr("export.supervision.receipt", lang), small),
                    HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceBefore=4,
                               spaceAfter=4),
                    para(
                        tr(
                            "export.supervision.printed",
                            lang,
                            office=office,
                            date=official_date(order["issued_on"], lang),
                        ),
                        small,
                    ),
                    HRFlowable(width="100%", thickness=0.8, color=colors.black, spaceBefore=4),
                ]
            ),
        ]
    if not orders:
        story += [
            para(tr("export.supervision.title", lang), st["title"]),
            para(tr("export.supervision.none", lang), st["body"]),
        ]
    return story


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
        raise InputError.keyed("exports.deadline_days", days=deadline_days)
    auth.require(user, "run_checks", community=community)
    scope = Scope(community, grid, worker)
    data = load_data(store, as_of=as_of)
    grids = select_grids(data, scope, user)
    for code in set(grids["community"]):
        auth.require(user, "run_checks", community=str(code))
    issued = data["as_of"]
    deadline = issued + dt.timedelta(days=deadline_days)
    from gridmap.checks import run_checks_on_store
    from gridmap.supervision.service import items_of_report

    report = run_checks_on_store(store, community=community, as_of=issued)
    failures = current_failures(store, community=community, as_of=issued, lang=lang,
                                report=report)  # fmt: skip
    items = items_of_report(report)  # each order is tracked with its items (督办 loop)
    wanted = set(grids["code"])
    failing = failures[failures["grid"].isin(wanted) & (failures["severity"] != "advisory")]
    office, prefix = issuer(data["communities"], lang)
    planned = [
        {
            "grid": str(code),
            "community": str(row["community"]),
            "issued_on": issued,
            "deadline": deadline,
            "failures": int((failing["grid"] == code).sum()),
            "items": items.get(str(code), []),
        }
        for code, row in grids.set_index("code").iterrows()
        if (failing["grid"] == code).any()
    ]
    orders = store_documents.issue_orders(
        store,
        planned,
        year=issued.year,
        number=lambda seq: tr(
            "export.supervision.doc_number", lang, prefix=prefix, year=issued.year, seq=seq
        ),
        username=user.username,
    )
    st = styles()
    story = _pages(data, orders, failing, st, office=office, lang=lang)
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
        rows=len(orders),
        as_of=issued,
        extra={"date": fmt_date(issued), "numbers": [o["number"] for o in orders]},
    )
    from gridmap.notify import enqueue_supervision

    wanted = set(grids["code"])
    failing = sorted(
        {str(g) for g, sev in zip(failures["grid"], failures["severity"], strict=True)
         if g in wanted and sev != "advisory"}
    )
    enqueue_supervision(store, grids=failing, orders=len(orders),
                        deadline=issued + dt.timedelta(days=deadline_days))
    return result
