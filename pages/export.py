"""Export page: rosters, dossiers, supervision orders, weekly reports and data files."""

import datetime as dt
import io

import streamlit as st

from gridmap import auth, export
from pages import _shared as sh

user = sh.require_login("export")
store = sh.get_store()
frames = sh.visible_frames(user, ["communities", "grids", "workers"])
K_RESULT = "gm_export_result"  # (options, file name, bytes, rows)

KINDS = [k for k in export.KINDS if k != "supervision" or auth.can(user, "run_checks")]

st.subheader(sh.tr("nav.export"))
kind = st.selectbox(
    sh.tr("export.page.kind"),
    KINDS,
    key="gm_export_kind",
    format_func=lambda k: sh.tr(f"export.page.kind.{k}"),
)
c1, c2 = st.columns(2)
scope_kind = c1.radio(
    sh.tr("export.page.scope"),
    export.SCOPES[kind],
    horizontal=True,
    key=f"gm_export_scope_{kind}",
    format_func=lambda s: sh.tr(f"export.page.scope.{s}"),
)
names = sh.community_names(frames)
grid_names = dict(zip(frames["grids"]["code"], frames["grids"]["name"], strict=True))
people = sh.names_by_code(frames)
# scope -> (choices, label of a choice, widget key)
PICKERS = {
    "community": (list(names), lambda c: f"{names[c]} ({c})", "gm_export_comm"),
    "grid": (sorted(grid_names), lambda g: f"{g} {grid_names[g] or ''}", "gm_export_grid"),
    "worker": (sorted(people), lambda w: f"{people[w]} ({w})", "gm_export_worker"),
}
picked = dict.fromkeys(PICKERS)
if scope_kind in PICKERS:
    choices, label, key = PICKERS[scope_kind]
    picked[scope_kind] = c2.selectbox(
        sh.tr(f"export.page.scope.{scope_kind}"), choices, format_func=label, key=key
    )
community, grid, worker = picked["community"], picked["grid"], picked["worker"]

c3, c4 = st.columns(2)
as_of = week = None
if kind in ("roster", "dossier", "supervision"):
    as_of = c3.date_input(sh.tr("export.page.as_of"), value=dt.date.today(), key="gm_export_asof")
elif kind == "weekly":
    week = c3.date_input(sh.tr("export.page.week"), value=dt.date.today(), key="gm_export_week")
fmt = c4.radio(
    sh.tr("export.page.format"),
    export.FORMATS[kind],
    horizontal=True,
    key=f"gm_export_fmt_{kind}",
    format_func=str.upper,
)
crs = "wgs84"
if kind in ("gpkg", "geojson"):
    crs = st.radio(
        sh.tr("export.page.crs"),
        export.data.EXPORT_CRS,
        horizontal=True,
        key="gm_export_crs",
        format_func=lambda c: sh.tr(f"export.page.crs.{c}"),
    )
if not auth.can(user, "see_phones") and kind in ("roster", "dossier", "gpkg", "geojson"):
    st.caption(sh.tr("export.page.masked"))

options = (kind, community, grid, worker, as_of, week, fmt, crs, sh.lang())
lang = sh.lang()


def _generate(out: io.BytesIO, bar: object) -> object:
    def progress(done: int, total: int, label: str) -> None:
        text = sh.tr("export.page.progress", label=label, done=done, total=total)
        bar.progress(min(done / max(total, 1), 1.0), text=text)

    return export.run_export(
        kind,
        store,
        out,
        user=user,
        community=community,
        grid=grid,
        worker=worker,
        as_of=as_of,
        week=week,
        fmt=fmt,
        crs=crs,
        lang=lang,
        progress=progress,
    )


if st.button(sh.tr("export.page.generate"), type="primary", key="gm_export_go"):
    bar = st.progress(0.0, text=sh.tr("export.page.generate"))
    buf = io.BytesIO()
    result = sh.run_action(lambda: _generate(buf, bar))
    bar.empty()
    if result is not None:
        day = export.parse_week(week)[0] if week else as_of
        name = export.suggested_file_name(
            store, kind, user=user, community=community, grid=grid, worker=worker, day=day,
            fmt=fmt, lang=lang,
        )
        st.session_state[K_RESULT] = (options, name, buf.getvalue(), result.rows)

saved = st.session_state.get(K_RESULT)
if saved and saved[0] == options:
    _, name, payload, rows = saved
    st.success(sh.tr("export.page.done", rows=rows))
    st.download_button(
        sh.tr("export.page.download", file=name),
        payload,
        file_name=name,
        key="gm_export_download",
        type="primary",
    )
