"""Issue dashboard: cases by status, by category over time, overdue by grid; monthly ranking."""

import datetime as dt

import streamlit as st

from gridmap import auth, i18n, issues, ledger
from pages import _shared as sh

user = sh.require_login()
store = sh.get_store()
st.subheader(sh.tr("nav.dashboard"))
cfg = sh.issue_config()
lang = sh.lang()

found = issues.list_issues(store, user, config=cfg)
stats = issues.issue_stats(found, timezone=cfg.working_hours.timezone)

c1, c2 = st.columns(2)
with c1:
    st.markdown(f"**{sh.tr('dash.by_status')}**")
    by_status = stats["by_status"].rename(index=lambda s: sh.lbl(s, "status"))
    st.bar_chart(by_status.rename(columns={"count": sh.tr("field.count")}), horizontal=True)
with c2:
    st.markdown(f"**{sh.tr('dash.by_category')}**")
    by_category = stats["by_category"].rename(
        columns=lambda c: cfg.categories[c].label(lang) if c in cfg.categories else c
    )
    st.bar_chart(by_category)
st.markdown(f"**{sh.tr('dash.overdue_by_grid')}**")
overdue = stats["overdue_by_grid"]
if overdue.empty:
    st.caption("—")
else:
    st.bar_chart(overdue.rename(columns={"overdue": sh.tr("field.overdue")}))

months = sorted(set(stats["by_category"].index), reverse=True)
this_month = i18n.format_date(dt.datetime.now(dt.UTC))[:7]
months = months if this_month in months else [this_month, *months]
month = st.selectbox(sh.tr("dash.month"), months, key="gm_dash_month")
for by, title in (("grid", "dash.ranking_grid"), ("worker", "dash.ranking_worker")):
    st.markdown(f"**{sh.tr(title)}**")
    table = issues.month_scores(store, month=month, by=by, user=user, config=cfg)
    if table.empty:
        st.caption(sh.tr("dash.no_cases"))
        continue
    shown = table.rename(columns={"worker": "code"})  # the name column is headed 网格员
    for column in ("closure_rate", "on_time_rate"):
        shown[column] = (shown[column] * 100).round(1)
    shown["mean_handling_h"] = shown["mean_handling_h"].round(1)
    sh.show_frame(shown)
st.caption(sh.tr("dash.dismissed_note"))
st.download_button(
    sh.tr("dash.download"),
    data=issues.scores_workbook(store, month=month, user=user, config=cfg, audit=False),
    file_name=f"issue-scores-{month}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click=sh.guarded(lambda: issues.record_scores_export(store, user, month=month)),
    key="gm_dash_download",
)

# the monthly 考核 ledger: checks, cases and 督办单 in one score per grid, worker, community
st.markdown(f"**{sh.tr('ledger.title')}**")
lines = ledger.ledger_lines(store, month=month, user=user, config=cfg)
level = st.radio(
    sh.tr("ledger.col.key"), list(ledger.LEVELS), horizontal=True, key="gm_dash_ledger_level",
    format_func=lambda v: sh.tr(f"ledger.level.{v}"),
)  # fmt: skip
ranking = ledger.ledger_scores(store, lines, level=level, month=month, user=user)
ranking.columns = [sh.tr(f"ledger.col.{c}") for c in ranking.columns]
sh.dataframe(ranking, hide_index=True, key="gm_dash_ledger")
if lines.empty:
    st.caption(sh.tr("ledger.empty"))
else:
    detail = lines.assign(cause=[sh.tr(f"ledger.cause.{c}") for c in lines["cause"]])[
        ["cause", "ref", "points", "grid", "detail"]
    ]
    detail.columns = [sh.tr(f"ledger.col.{c}") for c in ("cause", "ref", "points", "key", "detail")]
    with st.expander(sh.tr("ledger.col.lines")):
        sh.dataframe(detail, hide_index=True, key="gm_dash_ledger_lines")
if auth.can(user, "export"):
    c1, c2 = st.columns(2)
    c1.download_button(
        sh.tr("ledger.download_xlsx"),
        data=ledger.ledger_xlsx(store, month=month, user=user, lang=lang, audit=False, lines=lines),
        file_name=f"ledger-{month}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="gm_dash_ledger_xlsx",
        on_click=lambda: ledger.record_ledger_export(store, user, month, "xlsx"),
    )
    c2.download_button(
        sh.tr("ledger.download_pdf"),
        data=ledger.ledger_pdf(store, month=month, user=user, lang=lang, audit=False, lines=lines),
        file_name=f"ledger-{month}.pdf",
        mime="application/pdf",
        key="gm_dash_ledger_pdf",
        on_click=lambda: ledger.record_ledger_export(store, user, month, "pdf"),
    )
