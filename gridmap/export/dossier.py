"""Per-grid dossier (一档一册一图: one file, one roster, one map per grid) as PDF.

A dossier covers one grid, or every grid of a community (then with a cover and
a contents page). Each grid gets: its basic facts (community, code, households,
residents, area in m² from the metric CRS), its workers on the chosen date, a
static map (:mod:`gridmap.export.mapimage`), the lists of boards, fitness
equipment and bins with status and last inspection, the open issue reports, and
the grid's current check failures (:func:`gridmap.export.supervision.current_failures`).
Chinese text is set in an embedded TrueType CJK font.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from gridmap import auth, i18n
from gridmap.export._common import (
    POINT_LAYERS,
    ExportResult,
    Output,
    Progress,
    Scope,
    finish_export,
    fmt_date,
    fmt_number,
    load_data,
    phones_shown,
    point_counts,
    scope_place,
    select_grids,
    shown_phone,
    tr,
    workers_by_grid,
)
from gridmap.export.mapimage import grid_map_png, project_frames
from gridmap.export.supervision import current_failures

if TYPE_CHECKING:
    from gridmap.auth import User
    from gridmap.store import Store

__all__ = ["export_dossier"]

_TYPE_COLUMN = {"boards": "board_type", "fitness": "equipment_type", "bins": "bin_type"}
_MAP_WIDTH_CM = 18.0


def _facility_rows(frame: pd.DataFrame, layer: str, lang: str) -> list[list[str]]:
    rows = []
    type_column = _TYPE_COLUMN[layer]
    for r in frame.sort_values("code", kind="stable").to_dict("records"):
        kind = i18n.label(r.get(type_column), lang, field=type_column)
        if layer == "bins" and r.get("category"):
            kind = f"{kind} · {i18n.label(r['category'], lang, field='category')}"
        if layer == "fitness" and r.get("condition"):
            kind = f"{kind} · {i18n.label(r['condition'], lang, field='condition')}"
        rows.append(
            [
                r.get("code") or "",
                r.get("name") or "",
                kind,
                i18n.label(r.get("status"), lang, field="status"),
                fmt_date(r.get("last_inspected")),
            ]
        )
    return rows


def _responsibility_rows(
    data: dict[str, Any], grid: pd.Series, lang: str
) -> dict[str, list[list[str]]]:
    """Rows of the grid's road segments (路段管理责任制), service centres and hoardings.

    A road is the grid's when its ``owner`` names the grid, or when it has no owner
    and at least half of it runs inside the grid (1 m in from the edge), as the
    ``road_owners`` rule counts it.
    """
    from gridmap.crs import to_metric

    code = str(grid["code"])
    crs = data.get("metric_crs")
    area = to_metric(gpd.GeoSeries([grid.geometry], crs="EPSG:4326"), crs=crs).iloc[0]
    inner = area.buffer(-1.0)
    out: dict[str, list[list[str]]] = {"roads": [], "service_centres": [], "hoardings": []}
    roads = data.get("roads")
    if roads is not None and len(roads):
        metric = to_metric(roads.geometry, crs=crs).to_numpy()
        lengths = shapely.length(metric)
        owners = roads["owner"] if "owner" in roads.columns else pd.Series([None] * len(roads))
        inside = shapely.length(shapely.intersection(metric, inner))
        for i, (name, cls, owner) in enumerate(zip(roads["name"], roads["road_class"], owners,
                                                    strict=True)):  # fmt: skip
            recorded = isinstance(owner, str) and owner.strip() != ""
            if recorded and owner.strip() != code:
                continue
            if not recorded and inside[i] < 0.5 * lengths[i]:
                continue
            basis = "export.dossier.owner_recorded" if recorded else "export.dossier.owner_through"
            out["roads"].append([
                name or "", i18n.label(cls, lang, field="road_class"),
                fmt_number(round(float(lengths[i]))), tr(basis, lang),
            ])  # fmt: skip
    for layer in ("service_centres", "hoardings"):
        frame = data.get(layer)
        if frame is None or not len(frame):
            continue
        points = shapely.point_on_surface(to_metric(frame.geometry, crs=crs).to_numpy())
        for r, here in zip(frame.to_dict("records"), shapely.within(points, area), strict=True):
            if here:
                out[layer].append([r.get("code") or "", r.get("name") or ""])
    return out


def _responsibility_story(
    data: dict[str, Any], grid: pd.Series, st: dict[str, Any], *, lang: str
) -> list[Any]:
    from gridmap.export._pdf import para, table

    rows = _responsibility_rows(data, grid, lang)
    story: list[Any] = []
    titles = {
        "roads": tr("export.dossier.roads", lang),
        "service_centres": i18n.label("service_centres", lang, field="layer"),
        "hoardings": i18n.label("hoardings", lang, field="layer"),
    }
    for key, title in titles.items():
        if key != "roads" and not rows[key]:
            continue
        story.append(para(f"{title}（{tr('export.dossier.count', lang, n=len(rows[key]))}）",
                          st["h3"]))  # fmt: skip
        if not rows[key]:
            story.append(para(tr("export.none", lang), st["body"]))
        elif key == "roads":
            story.append(table(rows[key], [
                tr("export.col.item", lang), tr("export.col.type", lang),
                tr("export.dossier.length_m", lang), tr("export.dossier.owner_basis", lang),
            ], [5.6, 3.6, 3.0, 5.8], st))  # fmt: skip
        else:
            story.append(table(rows[key], [tr("export.col.code", lang),
                                           tr("export.col.item", lang)], [5.0, 13.0], st))
    return story


def _grid_story(
    data: dict[str, Any],
    projected: dict[str, Any],
    grid: pd.Series,
    counts: pd.Series,
    staff: pd.DataFrame,
    failures: pd.DataFrame | None,
    st: dict[str, Any],
    *,
    see_phones: bool,
    lang: str,
) -> list[Any]:
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, KeepTogether, Spacer

    from gridmap.export._pdf import key_value_table, para, table

    code = str(grid["code"])
    heading = tr("export.dossier.grid_heading", lang, code=code, name=grid["name"] or "").strip()
    story: list[Any] = [para(heading, st["h1"])]
    story.append(para(tr("export.dossier.basic", lang), st["h2"]))
    story.append(
        key_value_table(
            [
                (tr("export.roster.community", lang), grid["community_name"]),
                (tr("export.roster.grid_code", lang), code),
                (tr("export.roster.households", lang), fmt_number(grid["households"])),
                (tr("export.roster.residents", lang), fmt_number(grid["residents"])),
                (tr("export.roster.area_m2", lang), fmt_number(grid["area_m2"])),
                (tr("export.roster.open_issues", lang), int(counts["open_issues"])),
                (tr("export.roster.boards", lang), int(counts["boards"])),
                (tr("export.roster.fitness", lang), int(counts["fitness"])),
                (tr("export.roster.bins", lang), int(counts["bins"])),
            ],
            st,
            columns=2,
        )
    )

    story.append(para(tr("export.dossier.workers", lang), st["h2"]))
    people = staff[staff["grid"] == code]
    if people.empty:
        story.append(para(tr("export.dossier.no_workers", lang), st["body"]))
    else:
        story.append(
            table(
                [
                    [
                        r.name,
                        i18n.label(r.role, lang, field="role"),
                        shown_phone(r.phone, see_phones=see_phones),
                        r.worker,
                    ]
                    for r in people.itertuples()
                ],
                [
                    tr("export.col.name", lang),
                    tr("export.col.role", lang),
                    tr("export.col.phone", lang),
                    tr("export.col.code", lang),
                ],
                [4.5, 4.5, 5.0, 4.0],
                st,
            )
        )

    png = grid_map_png(projected, code, lang=lang)
    image = Image(io.BytesIO(png), width=_MAP_WIDTH_CM * cm, height=_MAP_WIDTH_CM * 0.75 * cm)
    story.append(KeepTogether([para(tr("export.dossier.map", lang), st["h2"]), image]))

    story.append(para(tr("export.dossier.facilities", lang), st["h2"]))
    for layer in POINT_LAYERS:
        frame = data[layer]
        here = frame[(frame["grid"] == code).to_numpy()]
        title = (
            f"{i18n.label(layer, lang, field='layer')}"
            f"（{tr('export.dossier.count', lang, n=len(here))}）"
        )
        story.append(para(title, st["h3"]))
        if here.empty:
            story.append(para(tr("export.none", lang), st["body"]))
            continue
        story.append(
            table(
                _facility_rows(here, layer, lang),
                [
                    tr("export.col.code", lang),
                    tr("export.col.item", lang),
                    tr("export.col.type", lang),
                    tr("export.col.status", lang),
                    tr("export.col.last_inspected", lang),
                ],
                [3.4, 5.6, 4.2, 2.2, 2.6],
                st,
            )
        )

    story.extend(_responsibility_story(data, grid, st, lang=lang))

    story.append(para(tr("export.dossier.issues", lang), st["h2"]))
    issues = data["issues"]
    mine = issues[((issues["grid"] == code) & issues["open"]).to_numpy(dtype=bool)]
    if mine.empty:
        story.append(para(tr("export.none", lang), st["body"]))
    else:
        mine = mine.sort_values("reported_at", kind="stable")
        story.append(
            table(
                [
                    [
                        r.get("code") or "",
                        " / ".join(x for x in (r.get("category"), r.get("subcategory"))
                                   if isinstance(x, str) and x),
                        r.get("description") or "",
                        i18n.label(r.get("status"), lang, field="status"),
                        fmt_date(r.get("reported_at")),
                        fmt_date(r.get("deadline")),
                    ]
                    for r in mine.to_dict("records")
                ],
                [
                    tr("export.col.code", lang),
                    tr("export.col.category", lang),
                    tr("export.col.description", lang),
                    tr("export.col.status", lang),
                    tr("export.col.reported_at", lang),
                    tr("export.col.deadline", lang),
                ],
                [2.9, 3.0, 5.4, 1.5, 2.6, 2.6],
                st,
            )
        )

    story.append(para(tr("export.dossier.checks", lang), st["h2"]))
    fails = failures[failures["grid"] == code]
    if "severity" in fails:  # failures first, advisories after
        fails = fails.sort_values("severity", key=lambda v: v.eq("advisory"), kind="stable")
    if fails.empty:
        story.append(para(tr("export.dossier.no_checks", lang), st["body"]))
    else:
        story.append(
            table(
                [[r.rule, r.measured, r.message, r.source] for r in fails.itertuples()],
                [
                    tr("export.col.rule", lang),
                    tr("export.col.measured", lang),
                    tr("export.col.message", lang),
                    tr("export.col.source", lang),
                ],
                [4.0, 2.6, 7.4, 4.0],
                st,
            )
        )
    story.append(Spacer(1, 0.2 * cm))
    return story


def _doc_class() -> type:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    class _DossierDoc(BaseDocTemplate):
        def __init__(self, filename: Any, **kw: Any):
            super().__init__(filename, **kw)
            frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
            self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's name
            style = getattr(flowable, "style", None)
            if style is not None and style.name == "GridHeading":
                text = flowable.getPlainText()
                key = f"grid-{self.seq.nextf('gridheading')}"
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(text, key, level=0, closed=True)
                self.notify("TOCEntry", (0, text, self.page, key))

    return _DossierDoc


def export_dossier(
    store: Store,
    out: Output,
    *,
    user: User,
    community: str | None = None,
    grid: str | None = None,
    as_of: dt.date | None = None,
    lang: str = i18n.DEFAULT_LANG,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the dossier of one grid, or of every grid of a community, as one PDF.

    Parameters
    ----------
    store
        The store.
    out
        A file path or a writable binary file.
    user
        Who exports (needs the ``export`` right in the community's scope); phone
        numbers are masked unless the user has ``see_phones``.
    community
        A community code: every grid of it, with a cover and contents page.
    grid
        A grid code: that grid only. Without ``community`` and ``grid``, every grid
        the user may see.
    as_of
        The date whose workers are listed (default today).
    lang
        Language (default Chinese).
    progress
        Called as ``progress(done, total, grid_code)`` after each grid is
        prepared, and ``progress(total, total, "pdf")`` when the file is written.

    Returns
    -------
    ExportResult
        ``rows`` is the number of grids in the dossier.

    Raises
    ------
    gridmap.errors.PermissionDenied
        If the user may not export this scope.
    gridmap.errors.NotFound
        If the community or grid does not exist, or the scope has no grids.
    gridmap.errors.GridmapError
        If no CJK font is found.
    """
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Spacer
    from reportlab.platypus.tableofcontents import TableOfContents

    from gridmap.errors import NotFound
    from gridmap.export._pdf import build_pdf, para, styles
    from gridmap.messages import Msg

    scope = Scope(community, grid)
    auth.require(user, "export", community=community)
    data = load_data(store, as_of=as_of, roads=True)
    for layer in ("service_centres", "hoardings"):  # issue 19
        data[layer] = store.read_layer(layer)
    grids = select_grids(data, scope, user)
    if grids.empty:
        where = scope.describe() if scope.describe() != "street" else Msg("exports.scope_street")
        raise NotFound.keyed("exports.no_grids", scope=where)
    failures = current_failures(store, community=community, as_of=data["as_of"], lang=lang)
    projected = project_frames(data)
    staff = workers_by_grid(data)
    counts = point_counts(data, grids["code"])
    see_phones = auth.can(user, "see_phones")
    st = styles()
    place = scope_place(
        data["communities"], Scope(community, grid if len(grids) == 1 else None), user,
        grids=data["grids"], lang=lang,
    )
    title = tr("export.dossier.title", lang, place=place).strip()
    subtitle = tr("export.dossier.subtitle", lang, date=fmt_date(data["as_of"]))

    story: list[Any] = []
    multi = len(grids) > 1
    if multi:
        toc = TableOfContents()
        toc.levelStyles = [st["toc0"]]
        toc.dotsMinLevel = 0
        story += [
            Spacer(1, 3 * cm),
            para(title, st["title"]),
            para(subtitle, st["subtitle"]),
            Spacer(1, 0.6 * cm),
            para(tr("export.dossier.contents", lang), st["h2"]),
            toc,
        ]
    total = len(grids)
    for i, (pos, row) in enumerate(grids.reset_index(drop=True).iterrows()):
        if multi or i:
            story.append(PageBreak())
        story += _grid_story(
            data,
            projected,
            row,
            counts.iloc[pos],
            staff,
            failures,
            st,
            see_phones=see_phones,
            lang=lang,
        )
        if progress is not None:
            progress(i + 1, total, str(row["code"]))

    payload = build_pdf(
        story,
        title=title,
        author=user.username,
        subject=subtitle,
        header=f"{title} · {subtitle}",
        lang=lang,
        doc_class=_doc_class(),
        multi_pass=multi,
    )
    if progress is not None:
        progress(total, total, "pdf")
    return finish_export(
        store,
        user,
        "dossier",
        scope,
        out,
        payload,
        fmt="pdf",
        rows=total,
        as_of=data["as_of"],
        extra=phones_shown(see_phones=see_phones),
    )
