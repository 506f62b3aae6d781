"""Settings page (admins): basemap, Tianditu key, tile URL, numeric settings, check rules and
notification channels (with a "send test" button each; secrets are never shown)."""

import streamlit as st

from gridmap import checks, config, maps
from gridmap.notify import config as notify_config
from gridmap.notify import outbox as notify_outbox
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

st.divider()
st.markdown(f"#### {sh.tr('notify.settings')}")
st.caption(sh.tr("notify.settings_help"))
notify_cfg = sh.run_action(notify_config.load_notify)
for channel in notify_cfg.channels if notify_cfg else ():
    shown = channel.public()
    left, right = st.columns([4, 1])
    left.markdown(
        f"**{sh.md(channel.name)}** · {sh.tr(f'notify.type.{channel.type}')} · "
        f"{sh.md(shown['url'] or shown['host'])} · "
        + "、".join(sh.tr(f"notify.audience.{a}") for a in channel.audience)
    )
    if right.button(sh.tr("notify.test"), key=f"gm_notify_test_{channel.name}"):
        result = sh.run_action(
            lambda c=channel.name: notify_outbox.send_test(
                sh.get_store(), c, by=admin, lang=sh.lang()
            )
        )
        if result and result["status"] == "sent":
            st.success(sh.tr("notify.test_ok", name=channel.name))
        elif result:
            error = sh.md(result["error"])
            st.error(sh.tr("notify.test_failed", name=channel.name, error=error))
if notify_cfg is not None and not notify_cfg.channels:
    st.info(sh.tr("notify.none"))
with st.expander(sh.tr("notify.edit")), st.form("gm_notify_channel"):
    name = st.text_input(sh.tr("notify.name"), max_chars=64)
    kind = st.selectbox(sh.tr("notify.type"), notify_config.CHANNEL_TYPES,
                        format_func=lambda k: sh.tr(f"notify.type.{k}"))
    url = st.text_input(sh.tr("notify.url"))
    secret = st.text_input(sh.tr("notify.secret"), type="password")
    audience = st.multiselect(sh.tr("notify.audience"), notify_config.AUDIENCES,
                              default=list(notify_config.AUDIENCES),
                              format_func=lambda a: sh.tr(f"notify.audience.{a}"),
                              placeholder=sh.tr("widget.choose"))
    role = st.selectbox(sh.tr("notify.role"), ["viewer", "inspector", "planner", "admin"],
                        format_func=sh.lbl)
    host = st.text_input(sh.tr("notify.smtp_host"))
    port = st.number_input(sh.tr("notify.smtp_port"), min_value=0, max_value=65535, value=0)
    security = st.selectbox(sh.tr("notify.smtp_security"), ["starttls", "ssl", "none"],
                            format_func=lambda v: sh.tr(f"notify.smtp_security.{v}"))
    user = st.text_input(sh.tr("notify.smtp_user"))
    password_env = st.text_input(sh.tr("notify.smtp_password_env"))
    to = st.text_input(sh.tr("notify.smtp_to"))
    if st.form_submit_button(sh.tr("notify.save"), type="primary"):
        values = {"type": kind, "url": url, "secret": secret, "audience": audience, "role": role,
                  "host": host, "port": int(port), "security": security, "user": user,
                  "password_env": password_env,
                  "to": [a.strip() for a in to.split(",") if a.strip()]}
        sh.run_action(lambda: notify_config.save_channel(name.strip(), values, by=admin),
                      success=sh.tr("notify.saved")) and st.rerun()
if notify_cfg is not None:
    with st.form("gm_notify_general"):
        st.markdown(f"**{sh.tr('notify.general')}**")
        general = {
            "public_url": st.text_input(sh.tr("notify.public_url"), value=notify_cfg.public_url),
            "warn_share": st.slider(sh.tr("notify.warn_share"), 0.05, 0.95,
                                    float(notify_cfg.warn_share), 0.05),
            "daily_at": st.time_input(sh.tr("notify.daily_at"),
                                      value=notify_cfg.daily_at).strftime("%H:%M"),
            "max_attempts": int(st.number_input(sh.tr("notify.max_attempts"), min_value=1,
                                                max_value=50, value=notify_cfg.max_attempts)),
        }
        if st.form_submit_button(sh.tr("settings.save")):
            sh.run_action(lambda: notify_config.save_notify(general, by=admin),
                          success=sh.tr("settings.saved")) and st.rerun()
