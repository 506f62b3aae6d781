"""Inspection page: run the check rules, see the gaps on the map and in a table, export them."""

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from gridmap import auth, checks, maps, snapshot
from gridmap.checks import display, export
from gridmap.errors import GridmapError
from pages import _shared as sh

K_REPORT = "gm_chk_report"

user = sh.require_login("run_checks")
store = sh.get_store()
st.subheader(sh.tr("nav.checks"))
frames = sh.visible_frames(user, snapshot.MAP_LAYERS)
names = sh.community_names(frames)
lang = sh.lang()
try:
    config = checks.load_rules()
except GridmapError as exc:
    st.warning(sh.tr("settings.file_bad", message=sh.err_text(exc)))
    config = checks.config.default_rules()
rules = {r.id: r for r in checks.all_rules()}

c1, c2, c3 = st.columns([5, 2, 1])
chosen = c1.multiselect(
    sh.tr("checks.rules"),
    list(rules),
    key="gm_chk_rules",
    default=[r for r in rules if config[r].enabled],
    format_func=lambda r: f"{sh.tr(f'checks.family.{rules[r].family}')} · {rules[r].title(lang)}",
    placeholder=sh.tr("widget.choose"),
)
scopes = ([None] if user.scope is None else []) + list(names)
community = c2.selectbox(
    sh.tr("checks.scope"),
    scopes,
    key="gm_chk_scope",
    format_func=lambda c: sh.tr("checks.scope_street") if c is None else names.get(c, c),
    placeholder=sh.tr("widget.choose"),
)
today = dt.date.today()
as_of = c3.date_input(sh.tr("checks.as_of"), value=today, key="gm_chk_as_of")

if st.button(sh.tr("checks.run"), type="primary", disabled=not chosen, key="gm_chk_run"):
    bar = st.progress(0.0)

    def progress(done: int, total: int, rule: str | None) -> None:
        text = sh.tr("checks.running", rule=rules[rule].title(lang)) if rule else ""
        bar.progress(done / max(total, 1), text=text)

    def run() -> checks.CheckReport:
        auth.require(user, "run_checks", community=community)
        return checks.run_checks_on_store(
            store,
            rules=chosen,
            community=community,
            as_of=None if as_of == today else as_of,
            progress=progress,
        )

    st.session_state[K_REPORT] = sh.run_action(run)
    bar.empty()

report = st.session_state.get(K_REPORT)
if report is None:
    st.info(sh.tr("checks.none_yet"))
    st.stop()
st.caption(sh.tr("checks.done", rules=len(report.results), seconds=report.elapsed_s))

with st.expander(sh.tr("checks.summary"), expanded=True):
    sh.dataframe(display.summary_table(report, lang=lang), hide_index=True)

failures = display.failure_frame(report, lang=lang)
f1, f2, f3, f4 = st.columns([2, 3, 3, 2])
severity = f1.multiselect(
    sh.tr("checks.filter_severity"),
    list(checks.SEVERITIES),
    key="gm_chk_sev",
    format_func=lambda s: sh.tr(f"checks.severity.{s}"),
    placeholder=sh.tr("map.filter.all"),
)
grids = f2.multiselect(
    sh.tr("checks.grid_filter"),
    sorted(failures["grid"].dropna().unique()),
    key="gm_chk_grids",
    placeholder=sh.tr("map.filter.all"),
)
text = f3.text_input(sh.tr("checks.filter_text"), key="gm_chk_text")
show_cov = f4.checkbox(sh.tr("checks.show_coverage"), key="gm_chk_cov")
show_buf = f4.checkbox(sh.tr("checks.show_buffers"), value=True, key="gm_chk_buf")
shown = display.filter_failures(failures, severities=severity, grids=grids, text=text)

st.markdown(f"**{sh.tr('checks.failures')}**")
picked = sh.dataframe(
    display.failure_table(shown, lang=lang),
    hide_index=True,
    height=300,
    key="gm_chk_table",
    on_select="rerun",
    selection_mode="single-row",
)
rows = picked.selection.rows if picked is not None else []
center, zoom = None, None
if rows and rows[0] < len(shown):
    row = shown.iloc[rows[0]]
    center, zoom = (float(row["lat"]), float(row["lon"])), 18

scope_frames = snapshot.filter_frames(
    frames, communities=[community] if community else None, layers=["-"]
)
fmap, basemap = sh.street_map(scope_frames)
maps.add_check_layers(
    fmap, report, lang=lang, basemap=basemap, coverage=show_cov, school_buffers=show_buf
)
st_folium(
    fmap,
    key="gm_chk_map",
    height=560,
    use_container_width=True,
    returned_objects=[],
    center=center,
    zoom=zoom,
)

s1, s2 = st.columns([1, 3])
level = s1.selectbox(
    sh.tr("checks.score_level"),
    ["grid", "community", "worker"],
    format_func=lambda v: sh.tr(f"checks.level.{v}"),
    key="gm_chk_level",
)
s2.markdown(f"**{sh.tr('checks.scores')}**")
s2.dataframe(display.scores_table(report, level, lang=lang), hide_index=True, height=240)

st.markdown(f"**{sh.tr('checks.download')}**")
# files are made when a button is clicked (callables), not on every rerun
files = export.downloads(report, lang=lang)
for column, f in zip(st.columns(len(files)), files, strict=True):
    column.download_button(f.label, f.make, f.filename, f.mime, key=f"gm_chk_dl_{f.name}")
