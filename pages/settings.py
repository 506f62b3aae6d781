"""Settings page (admins): basemap, Tianditu key, tile URL, numeric settings and check rules."""

import streamlit as st

from gridmap import checks, config, maps
from pages import _shared as sh

admin = sh.require_login("edit_settings")
current = sh.settings()

st.subheader(sh.tr("nav.settings"))
st.caption(sh.tr("settings.file", path=str(config.config_path())))
with st.form("gm_settings"):
    entered = {}
    for setting in config.SETTINGS:
        text = f"{sh.tr(f'setting.{setting.name}')}" + (
            f" ({setting.unit})" if setting.unit else ""
        )
        value = current[setting.name]
        if setting.name == "basemap":
            options = list(maps.BASEMAPS)
            entered[setting.name] = st.selectbox(
                text,
                options,
                index=options.index(value) if value in options else 0,
                format_func=lambda b: sh.tr(f"map.basemap.{b}"),
                help=sh.tr("settings.basemap_help"),
            )
        elif setting.name == "tianditu_key":
            entered[setting.name] = st.text_input(text, value=value, type="password")
        elif isinstance(setting.default, str):
            hint = "http://tiles.local/{z}/{x}/{y}.png" if setting.name == "tile_url" else None
            entered[setting.name] = st.text_input(text, value=value, placeholder=hint)
        elif isinstance(setting.default, int):
            entered[setting.name] = int(
                st.number_input(text, value=int(value), min_value=1, step=1)
            )
        else:
            entered[setting.name] = float(st.number_input(text, value=float(value), min_value=0.0))
    if st.form_submit_button(sh.tr("settings.save"), type="primary"):
        sh.run_action(
            lambda: config.save_settings(entered, by=admin), success=sh.tr("settings.saved")
        ) and st.rerun()

st.divider()
st.markdown(f"#### {sh.tr('settings.rules')}")
st.caption(sh.tr("settings.rules_help"))
shown = checks.editable_rules(lang=sh.lang())
edited = st.data_editor(
    shown,
    key="gm_rules_editor",
    hide_index=True,
    disabled=["id", "title", "unit"],
    column_config={
        "id": st.column_config.TextColumn(sh.tr("settings.rule_id")),
        "title": st.column_config.TextColumn(sh.tr("settings.rule_title"), width="large"),
        "enabled": st.column_config.CheckboxColumn(sh.tr("settings.rule_enabled")),
        "severity": st.column_config.SelectboxColumn(
            sh.tr("settings.rule_severity"), options=["failure", "advisory"]),
        "weight": st.column_config.NumberColumn(sh.tr("settings.rule_weight"), min_value=0.0),
        "threshold": st.column_config.NumberColumn(sh.tr("settings.rule_threshold")),
        "unit": st.column_config.TextColumn(sh.tr("settings.rule_unit")),
    },
)
if st.button(sh.tr("settings.rules_save"), key="gm_rules_save", type="primary"):
    changes = checks.rule_changes(shown, edited)
    sh.run_action(
        lambda: checks.save_rules(changes, by=admin), success=sh.tr("settings.saved")
    ) and st.rerun()
