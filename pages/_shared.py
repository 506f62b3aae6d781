"""Shared by app.py and the pages: session-state keys, cached loaders, login guard, widgets.

This is the one non-page module of the app that imports streamlit. It holds no
logic of its own: caches wrap library calls, and the widget helpers draw what the
library decides (:mod:`gridmap.web.views`, :mod:`gridmap.conflicts`,
:mod:`gridmap.maps.selection`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from gridmap import assets, auth, config, conflicts, i18n, maps, photos, snapshot
from gridmap import tiles as map_tiles
from gridmap.auth import User
from gridmap.errors import ConflictError, GridmapError
from gridmap.maps import panels, selection
from gridmap.model import ENUM_COLUMNS as ENUM_COLUMNS  # columns shown through i18n.label
from gridmap.model import Column
from gridmap.records import points
from gridmap.store import Store, default_url, open_store
from gridmap.web import sessions as web_sessions
from gridmap.web import views

# --- session-state keys -----------------------------------------------------------------
K_USER = "gm_user"  # the logged-in gridmap.auth.User
K_LANG = "gm_lang"  # "zh" or "en" (the sidebar widget's key)
K_SESSION = "gm_session"  # the gridmap.web.sessions.Session of this run
K_TOKEN = "gm_session_token"  # a session token for runs without a browser cookie (AppTest)
K_NOTICE = "gm_notice"  # (kind, text) shown once on the next run
K_POINT = "gm_point_request"  # point id the points page should select (popped there)
K_SEL = "gm_map_selection"  # what the map's side panel shows
K_SEL_CLICK = "gm_map_last_click"  # the last map click handled
K_SEL_HIT = "gm_map_last_hit"  # the last search hit handled
K_POINT_LAYER = "gm_point_layer_request"  # layer the points page should show (popped there)
K_READ = "gm_read_versions"  # form key -> row version the user's open form was read at
K_CONFLICTS = "gm_conflicts"  # form key -> a refused stale save (error, their change, retry)

# ---------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def favicon() -> Any:
    """A small grid icon drawn locally (gridmap.assets.favicon_image), kept once drawn."""
    return assets.favicon_image()


def store_url() -> str:
    """The store URL this app process serves ($GRIDMAP_DB, else the default file)."""
    return default_url()


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return open_store(url)


def get_store() -> Store:
    """The shared Store of this process (one engine, pooled connections)."""
    return _store(store_url())


def lang() -> str:
    """The session's language."""
    return i18n.normalize_lang(st.session_state.get(K_LANG))


#: Escape user text for anything Streamlit renders as Markdown (st.markdown, captions,
#: messages, widget labels, options, metric values, st.table cells): the one escaping.
md = i18n.escape_markdown


def tr(key: str, **fmt: object) -> str:
    """Translate a UI string key into the session's language; text arguments are escaped."""
    return views.escaped_text(key, lang(), **fmt)


def err_text(exc: BaseException) -> str:
    """Return a gridmap error's message in the session's language (passwords in URLs masked)."""
    return views.error_text(exc, lang())


def lbl(value: object, field: str | None = None) -> str:
    """Display name of a canonical value in the session's language."""
    return i18n.label(value, lang(), field=field)


def issue_config() -> Any:
    """The issue settings (:func:`gridmap.issues.load_issue_config`); a bad file stops the page."""
    from gridmap import issues

    try:
        return issues.load_issue_config()
    except GridmapError as exc:
        st.error(tr("error.generic", message=err_text(exc)))
        st.stop()


def settings() -> dict[str, Any]:
    """Current settings (defaults overridden by the TOML file); defaults if the file is bad."""
    try:
        return config.load_settings()
    except GridmapError as exc:
        st.warning(tr("settings.file_bad", message=err_text(exc)))
        return config.default_settings()


# --- login and session ------------------------------------------------------------------


def current_user() -> User | None:
    """The logged-in user of this run (resolved from the session cookie), or None."""
    return st.session_state.get(K_USER)


def current_session() -> web_sessions.Session | None:
    """The live login session of this run, or None."""
    return st.session_state.get(K_SESSION)


def track_session() -> None:
    """Note this run's session, so its memory is released once it has ended (gridmap.web.memory)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from gridmap.web.memory import REAPER

    ctx = get_script_run_ctx()
    if ctx is not None:
        REAPER.seen(ctx.session_id)


def resolve_login() -> bool:
    """Resolve the session cookie; return whether a user is logged in.

    Runs at the start of every run: the user's role, scope and active flag are
    re-read from the store, so a change by an admin (or the session's end)
    applies on the next click. A session that ended leaves its reason as the
    notice the login page shows.
    """
    token = st.context.cookies.get(web_sessions.COOKIE)
    if not isinstance(token, str) or not token:
        token = st.session_state.get(K_TOKEN)
    resolved = web_sessions.resolve_session(get_store(), token, settings=settings())
    if resolved.session is None:
        for key in views.stale_state_keys(list(st.session_state.keys()),
                                           keep=(K_LANG, K_NOTICE, K_TOKEN)):
            del st.session_state[key]
        notice = views.ended_notice(resolved.reason)
        if notice is not None:
            st.session_state[K_NOTICE] = (notice[0], tr(notice[1]))
        return False
    st.session_state[K_USER] = resolved.session.user
    st.session_state[K_SESSION] = resolved.session
    return True


def log_out() -> None:
    """End this browser's login session (the cookie then names an ended session)."""
    session = current_session()
    if session is not None:
        web_sessions.end_session(get_store(), session.id, by=session.user, reason="logout")


def show_login_error() -> None:
    """Show (once) why the last login failed, told by the login route in ``?login_error=``."""
    text = views.login_error_text(st.query_params.pop("login_error", None), lang())
    if text:
        st.error(text)


def next_path(url_path: str) -> str:
    """The address of the page asked for, with its query (where a login returns to)."""
    return views.next_path(url_path, st.query_params.to_dict())


def require_login(right: str = "view") -> User:
    """Return the user, or stop the page if nobody is logged in or the right is missing."""
    user = current_user()
    if user is None:
        st.warning(tr("auth.required"))
        st.stop()
    if not auth.can(user, right):
        st.error(tr("auth.no_right", role=lbl(user.role, "user_role")))
        st.stop()
    return user


def run_action(action: Callable[[], Any], *, success: str | None = None) -> Any:
    """Call a library write; show its gridmap error as a message instead of a traceback.

    Returns the action's result, or None when it failed.
    """
    try:
        result = action()
    except ConflictError as err:
        show_conflict(err)
        return None
    except GridmapError as exc:
        st.error(tr("error.generic", message=err_text(exc)))
        return None
    if success:
        st.session_state[K_NOTICE] = ("success", success)
    return result


def rerun_fragment() -> None:
    """Rerun only the running fragment (a full rerun when the page runs whole, as in AppTest)."""
    from streamlit.errors import StreamlitAPIException

    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # not during a fragment rerun
        st.rerun()


def show_conflict(err: ConflictError) -> None:
    """Tell a refused stale save in the user's language (no buttons; see conflict_notice).

    A row's conflict names who changed what (:func:`gridmap.conflicts.other_change`);
    a plan's conflict (grids, assignments) lists the changes the library found.
    """
    if err.table is not None:
        _conflict_message(err, conflicts.other_change(get_store(), err))
        return
    st.warning(tr("conflict.plan", changes=conflicts.plan_text(err)))


# --- versioned edits: a stale save is told, never dropped ---------------------------------


def read_version(key: str, fresh: Any, values: Mapping[str, Any] | None = None) -> int:
    """Return the row version the open form ``key`` was read at (``fresh`` the first time).

    Kept until the form is saved or the user loads the other version, so that a save
    after somebody else's is refused and told instead of the form quietly showing the
    new version and dropping what the user typed. Build the form's key from it.
    ``values`` (the record as shown, kept with the version) lets :func:`changed_values`
    send only what the user changed.
    """
    return conflicts.remember_read(st.session_state.setdefault(K_READ, {}), key, fresh, values)


def changed_values(key: str, entered: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of form ``key`` that differ from the record as the user read it.

    Saving only these, a re-applied change (:func:`conflict_notice`) keeps what the
    other person changed in the fields the user left alone.
    """
    read = conflicts.read_values(st.session_state.get(K_READ, {}), key)
    return conflicts.changed_values(entered, read)


def forget_read_versions(prefix: str, *, keep: str | None = None) -> None:
    """Forget the read versions of forms whose key starts with ``prefix``, but ``keep``.

    A page calls it when the user turns to another record, so that coming back shows
    the stored version afresh instead of refusing a save against an old read.
    """
    conflicts.forget_reads(st.session_state.get(K_READ, {}), prefix, keep=keep)


def versioned_action(
    action: Callable[[int], Any], *, key: str, version: int, success: str | None = None
) -> Any:
    """Run ``action(version)``, a versioned library write of the form ``key``.

    A :class:`~gridmap.errors.ConflictError` is kept with the other person's change
    (:func:`gridmap.conflicts.other_change`) and the page reruns, so that
    :func:`conflict_notice` shows it; other gridmap errors show as messages.
    Returns the action's result, or ``None`` when it failed.
    """
    try:
        result = action(version)
    except ConflictError as err:
        change = conflicts.other_change(get_store(), err)
        st.session_state.setdefault(K_CONFLICTS, {})[key] = {
            "error": err, "change": change, "retry": action, "success": success
        }
        st.rerun()
    except GridmapError as exc:
        st.error(tr("error.generic", message=err_text(exc)))
        return None
    st.session_state.get(K_READ, {}).pop(key, None)
    st.session_state.get(K_CONFLICTS, {}).pop(key, None)
    if success:
        st.session_state[K_NOTICE] = ("success", success)
    return result


def _conflict_message(err: ConflictError, change: conflicts.OtherChange | None) -> None:
    """The warning and the table of the other person's change."""
    key, fields = conflicts.conflict_title(err, change)
    st.warning(tr(key, **fields))
    rows = conflicts.change_rows(change, lang())
    if rows:
        st.table(pd.DataFrame(rows))


def conflict_notice(key: str) -> bool:
    """Show the refused stale save of form ``key``, if any, with its two ways out.

    The message names who changed the record and when, and each field as the user
    read it and as the other person left it. 载入对方版本 drops the user's change
    and shows the stored version; 以我的修改覆盖 applies the user's change again on
    the stored version (still versioned: a third save in between is told again).
    Call it outside any ``st.form``. Returns whether a conflict is shown.
    """
    pending = st.session_state.get(K_CONFLICTS, {}).get(key)
    if pending is None:
        return False
    err, change = pending["error"], pending["change"]
    current = err.current_version
    _conflict_message(err, change)
    reload_col, reapply_col = st.columns(2)
    if reload_col.button(tr("conflict.reload"), key=f"{key}_conflict_reload"):
        st.session_state[K_CONFLICTS].pop(key, None)
        st.session_state.get(K_READ, {}).pop(key, None)
        st.session_state[K_NOTICE] = ("info", tr("conflict.reloaded"))
        st.rerun()
    if reapply_col.button(tr("conflict.reapply"), key=f"{key}_conflict_reapply",
                          type="primary") and current is not None:
        done = versioned_action(pending["retry"], key=key, version=int(current),
                                success=pending["success"])
        if done is not None:
            st.rerun()
    return True


def guarded(action: Callable[[], Any]) -> Callable[[], None]:
    """Wrap a widget callback: its gridmap error becomes a message, never a traceback.

    Streamlit runs callbacks before the page script, outside the app's error
    handling, so a store that went down between two clicks would otherwise show
    a raw traceback.
    """

    def run() -> None:
        try:
            action()
        except GridmapError as exc:
            st.session_state[K_NOTICE] = ("error", tr("error.generic", message=err_text(exc)))

    return run


def show_notice() -> None:
    """Show (once) a message left by the previous run."""
    notice = st.session_state.pop(K_NOTICE, None)
    if notice:
        kind, text = notice
        getattr(st, kind, st.info)(text)


# --- cached data --------------------------------------------------------------------------


def data_version(layers: Any = None) -> tuple:
    """Version stamp of the data of ``layers`` (default all data): changes only when they do."""
    return snapshot.data_version(get_store(), layers)


@st.cache_resource(show_spinner=False)
def _read_cache(url: str) -> snapshot.ReadCache:
    return snapshot.ReadCache(max_reads=64)


def _reader(url: str, versions: tuple) -> snapshot.Reader:
    return _read_cache(url).reader(_store(url), dict(versions))


@st.cache_resource(max_entries=32, show_spinner=False)
def _user_frames(
    url: str, versions: tuple, day: dt.date, layers: tuple[str, ...],
    scope: tuple[str, ...] | None, role: str,
) -> dict:  # fmt: skip
    user = views.cache_user(role, scope)
    return snapshot.visible_frames(_store(url), user, on=day, layers=layers,
                                   read=_reader(url, versions))  # fmt: skip


def _frames_key(user: User, layers: Any) -> tuple:
    """The key of :func:`_user_frames` (gridmap.web.views.frames_key)."""
    return views.frames_key(get_store(), user, layers, url=store_url(), on=dt.date.today())


def visible_frames(user: User, layers: Any = None) -> dict:
    """The frames the user may see: ``layers`` (default all of ``snapshot.FRAME_LAYERS``).

    Cached per day, scope, role and the versions of the layers read for them
    (:func:`gridmap.snapshot.frame_reads`): a write to another layer, a login or an
    export keeps the cache; each layer read is itself kept per its own version, so
    after a write only the changed layers are read again. The frames are shared
    between sessions: treat them as read-only.
    """
    return _user_frames(*_frames_key(user, layers))


@st.cache_resource(max_entries=256, show_spinner=False)
def _grid_panel(
    url: str, versions: tuple, day: dt.date, layers: tuple[str, ...],
    scope: tuple[str, ...] | None, role: str, code: str, _frames: Mapping[str, Any],
) -> dict:  # fmt: skip
    user = views.cache_user(role, scope)
    return panels.grid_panel(_store(url), code, user=user, on=day, frames=_frames)


def grid_panel(user: User, code: str) -> dict:
    """The side panel of one grid (cached per data version, scope and role).

    On a store drawn from tiles the panel reads only its grid from the store
    (:func:`gridmap.maps.panels.grid_panel` without frames); below the threshold
    it uses the frames the map page draws (``visible_frames(user, MAP_LAYERS)``,
    already loaded), so a click reads nothing more.
    """
    if tile_mode():
        return _grid_panel_of_store(*views.store_panel_key(get_store(), user, code,
                                                           url=store_url(), on=dt.date.today()))
    key = _frames_key(user, snapshot.MAP_LAYERS)
    return _grid_panel(*key, code, _frames=_user_frames(*key))


@st.cache_resource(max_entries=256, show_spinner=False)
def _grid_panel_of_store(
    url: str, version: Any, day: dt.date, code: str, scope: tuple[str, ...] | None, role: str
) -> dict:
    return panels.grid_panel(_store(url), code, user=views.cache_user(role, scope), on=day)


# --- city size: the one switch and the reads of a map drawn from tiles ----------------------


@st.cache_resource(max_entries=8, show_spinner=False)
def _map_size(url: str, version: Any) -> int:
    return snapshot.map_size(_store(url))


def tile_threshold() -> int:
    """The ``map_tile_threshold`` setting."""
    return maps.tiles.tile_threshold(settings())


def map_size() -> int:
    """Features a map of the store draws (cached per data version)."""
    return _map_size(store_url(), data_version(("communities", "grids", *snapshot.POINT_LAYERS)))


def tile_mode() -> bool:
    """Whether maps are drawn from tiles (:func:`gridmap.maps.tiles.use_tiles`, the one switch)."""
    return maps.tiles.use_tiles(map_size(), tile_threshold())


@st.cache_resource(max_entries=32, show_spinner=False)
def _visible_extent(url: str, version: Any, scope: tuple[str, ...] | None) -> Any:
    return snapshot.visible_extent(_store(url), views.cache_user("viewer", scope))


def visible_extent(user: User) -> tuple[float, float, float, float] | None:
    """Bounds of the communities the user may see (cached per data version)."""
    return _visible_extent(store_url(), data_version(("communities",)), user.scope)


@st.cache_resource(max_entries=32, show_spinner=False)
def _communities(url: str, version: Any, scope: tuple[str, ...] | None) -> Any:
    return views.communities_in_scope(_store(url).read_layer("communities"), scope)


def visible_communities(user: User) -> Any:
    """The communities the user may see, with their outlines (cached per data version)."""
    return _communities(store_url(), data_version(("communities",)), user.scope)


# --- widgets ------------------------------------------------------------------------------


#: Visible community code -> name (:func:`gridmap.maps.panels.community_names`).
community_names = panels.community_names
#: Worker code -> name (:func:`gridmap.maps.panels.names_by_code`).
names_by_code = panels.names_by_code


def one_or_all(
    where: Any, label: str, options: list, *, key: str, format_func: Callable | None = None
) -> Any:
    """A selectbox (in ``where``, a column or ``st``) of 全部 (None) and ``options``."""
    return where.selectbox(
        label,
        views.one_or_all_options(options),
        key=key,
        format_func=lambda v: views.one_or_all_text(v, lang(), format_func),
        placeholder=tr("widget.choose"),
    )


def column_input(column: Column, value: Any, *, key: str) -> Any:
    """One input widget for a schema column, pre-filled with ``value``; returns the entry."""
    spec = views.input_spec(column, value, lang())
    if spec.kind == "select":
        return st.selectbox(
            spec.label,
            list(spec.options),
            index=spec.index,
            key=key,
            format_func=lambda v: views.choice_text(v, lang(), field=column.name),
        )
    if spec.kind == "checkbox":
        return st.checkbox(spec.label, value=spec.value, key=key)
    if spec.kind == "int":
        return st.number_input(spec.label, value=spec.value, step=1, key=key)
    if spec.kind == "float":
        return st.number_input(spec.label, value=spec.value, key=key)
    if spec.kind == "date":
        return st.date_input(spec.label, value=spec.value, key=key)
    return st.text_input(spec.label, value=spec.value, key=key)


def values_form(
    columns: tuple[Column, ...],
    values: Mapping[str, Any],
    *,
    key: str,
    exclude_choices: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, Any]:
    """Inputs for every column (inside the caller's st.form); returns column -> entry."""
    out: dict[str, Any] = {}
    exclude = exclude_choices or {}
    cells = st.columns(2)
    for i, column in enumerate(columns):
        if column.name in exclude:
            column = views.without_choices(column, exclude[column.name])
        with cells[i % 2]:
            out[column.name] = column_input(
                column, values.get(column.name), key=f"{key}_{column.name}"
            )
    return out


def coordinate_inputs(lon: float | None, lat: float | None, *, key: str) -> tuple[Any, Any, str]:
    """Longitude, latitude and their coordinate system (inside the caller's st.form)."""
    crs = st.radio(
        tr("points.crs"),
        list(views.COORDINATE_SYSTEMS),
        horizontal=True,
        key=f"{key}_crs",
        format_func=lambda s: tr(f"crs.{s}"),
    )
    c1, c2 = st.columns(2)
    lon_in = c1.number_input(
        tr("points.lon"), value=lon, format="%.6f", step=0.0001, min_value=-180.0, max_value=180.0
    )
    lat_in = c2.number_input(
        tr("points.lat"), value=lat, format="%.6f", step=0.0001, min_value=-90.0, max_value=90.0
    )
    return lon_in, lat_in, crs


def street_map(
    frames: Mapping[str, Any],
    *,
    basemap: str | None = None,
    reference: tuple[str, ...] = ("roads",),
    picking: bool = False,
    **tiles: Any,
) -> tuple[Any, str]:
    """The map of ``frames`` with the chosen (or configured) basemap; (map, basemap used).

    A misconfigured basemap (Tianditu without key, custom without URL) falls back to none.
    ``tiles`` are the tile arguments of :func:`gridmap.maps.street_map` (``n_features``,
    ``tile_version``, ``bounds``); the threshold is the ``map_tile_threshold`` setting.
    ``picking``: a map to pick a position on (gridmap.maps.street_map).
    """
    fmap, basemap, warning = _draw_street_map(frames, basemap=basemap, reference=reference,
                                              picking=picking, tiles=_tile_args(tiles))
    if warning:
        st.warning(warning)
    return fmap, basemap


def _tile_args(tiles: dict[str, Any]) -> dict[str, Any]:
    return maps.tiles.tile_args(tiles, threshold=tile_threshold(),
                                version=map_tiles.tile_versions(get_store()))


def _draw_street_map(
    frames: Mapping[str, Any], *, basemap: str | None, reference: tuple[str, ...],
    picking: bool, tiles: dict[str, Any],
) -> tuple[Any, str, str | None]:  # fmt: skip
    """(map, basemap used, the warning of a basemap that fell back to none, or None)."""
    fmap, basemap, error = maps.street.configured_street_map(
        frames, settings=settings(), lang=lang(), basemap=basemap, reference=reference,
        picking=picking, **tiles)  # fmt: skip
    if error is not None:
        return fmap, basemap, tr("map.basemap_failed", message=err_text(error))
    return fmap, basemap, None


def pick_location(
    frames: Mapping[str, Any],
    *,
    key: str,
    height: int = 300,
    reference: tuple[str, ...] = ("roads",),
    current: tuple[float, float] | None = None,
) -> tuple[float, float] | None:
    """Show a map to pick a position on; return the WGS-84 (lon, lat) of the newest pick.

    A tap anywhere (inside a grid, on a point, on a label) or the locate button picks.

    ``current`` is a position picked before (e.g. kept in a draft): it is marked and
    returned until the map is tapped; without one, the session's last pick on this
    map (``{key}_pos`` in the session state) is. Below the map: the position and its grid.
    """
    from streamlit_folium import st_folium

    remembered = f"{key}_pos"  # the last pick of this session, for pages without a draft
    before = current if current is not None else st.session_state.get(remembered)
    fmap, basemap = street_map(frames, reference=reference, picking=True)
    marker = None if before is None else maps.street.pick_marker(before, basemap=basemap)
    out = st_folium(
        fmap,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=marker,
    )
    seen = f"{key}_seen"
    picked = before
    fresh = selection.fresh_pick(out, seen=st.session_state.get(seen), basemap=basemap)
    if fresh is not None:
        st.session_state[seen], picked = fresh
        st.session_state[remembered] = picked
    show_pick(frames, picked)
    return picked


def show_pick(frames: Mapping[str, Any], picked: tuple[float, float] | None) -> None:
    """Show the caption under a picking map: the position and the grid it falls in (or a hint)."""
    key, fields = selection.pick_caption(frames, picked)
    st.caption(tr(key, **fields))


def phone_page() -> None:
    """Tighten the page for a phone (390 px): less padding, 44 px tap targets."""
    st.html(
        "<style>"
        "@media (max-width: 640px) {"
        ".block-container, [data-testid='stMainBlockContainer']"
        "{padding: 3.2rem 0.75rem 2rem 0.75rem !important;}"
        "}"
        ".stButton button, .stFormSubmitButton button, [data-testid='stBaseButton-pills']"
        "{min-height: 44px;}"
        "</style>"
    )


def maintenance_form(store: Store, user: User, point_id: int) -> None:
    """Form adding an entry to a point's maintenance log (records.points.add_maintenance)."""
    with st.form(f"gm_log_{point_id}", clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        today = dt.date.today()
        day = c1.date_input(tr("field.date"), value=today, max_value=today)
        action = c2.selectbox(
            tr("field.action"),
            list(views.MAINTENANCE_ACTIONS),
            format_func=lambda v: lbl(v, "action"),
        )
        condition = c3.selectbox(
            tr("field.condition"),
            list(views.CONDITIONS),
            format_func=lambda v: views.choice_text(v, lang()),
        )
        note = st.text_area(tr("field.note"))
        photo = st.file_uploader(tr("points.photo"), type=list(photos.PHOTO_TYPES))
        if st.form_submit_button(tr("points.log_add"), type="primary"):
            done = run_action(
                lambda: points.add_maintenance(
                    store,
                    user,
                    point_id,
                    date=day,
                    action=action,
                    condition=condition,
                    note=note,
                    photo=photo.getvalue() if photo else None,
                ),
                success=tr("points.logged"),
            )
            if done:
                st.rerun()


def show_history(store: Store, user: User, point_id: int) -> None:
    """A point's maintenance log with its photos."""
    history = points.maintenance_history(store, point_id, user=user)
    if history.empty:
        st.info(tr("points.log_empty"))
        return
    show_frame(history.drop(columns=["id"]))
    for entry_id in history.loc[history["has_photo"], "id"]:
        photo = points.maintenance_photo(store, int(entry_id), user=user)
        st.image(photo, width=320, caption=tr("points.photo_of", id=int(entry_id)))


def map_selection(click: tuple[float, float] | None, grid_code: str | None) -> tuple | None:
    """What the map's side panel shows: the newer of a map click and a search hit.

    ``click`` is the clicked (lon, lat) already turned into WGS-84, so a selection
    survives a change of basemap. Returns ``("click", lon, lat)``, ``("grid", code)``
    or None.
    """
    state = st.session_state
    keys = (K_SEL, K_SEL_CLICK, K_SEL_HIT)
    before = selection.MapSelection(*(state.get(k) for k in keys))
    after = selection.next_selection(before, click, grid_code)
    for k, value in zip(keys, after, strict=True):
        if value is not None:
            state[k] = value
    return after.shown


# --- rendering ---------------------------------------------------------------------------


def dataframe(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """``st.dataframe`` with times local (``2026-12-05 14:30``) and blanks for missing values.

    Number columns stay numbers (they sort as numbers); the grid shows their gaps blank.
    """
    kwargs.setdefault("placeholder", "")
    return st.dataframe(i18n.format_frame(frame, blank_numbers=False), **kwargs)


def show_frame(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """Show a frame of canonical columns: enum values, times and headers translated."""
    kwargs.setdefault("hide_index", True)
    return dataframe(views.labelled_frame(frame, lang()), **kwargs)


def table(rows: list[dict[str, Any]]) -> None:
    """Show rows whose keys are field names as a table with translated headers."""
    dataframe(views.headed_frame(rows, lang()), hide_index=True)


def show_fields(values: Mapping[str, Any], *, skip: tuple[str, ...] = ()) -> None:
    """Show a record's fields as a two-column table (enum values translated)."""
    st.table(views.field_table(values, lang(), skip=skip))  # values escaped: st.table is Markdown


def static_table(frame: pd.DataFrame) -> None:
    """Show a few rows as a static table (``st.table``): every cell escaped, times local.

    ``st.table`` renders each cell as Markdown, so every cell is escaped (:func:`md`);
    it draws a plain HTML table, which the browser draws far sooner than the data grid
    of ``st.dataframe``.
    """
    st.table(views.escaped_frame(frame), hide_index=True)


def show_grid_panel(panel: Mapping[str, Any]) -> None:
    """Show the side panel of a grid (gridmap.maps.panels.grid_panel).

    A heading and static tables (:func:`static_table`): the grid's figures and point
    counts in one table, its workers, its open cases. A map click redraws the panel.
    """
    shown = views.grid_panel_tables(panel, lang())
    st.markdown(shown.heading)
    static_table(shown.facts)
    static_table(shown.workers)
    if shown.cases is not None:
        st.markdown(shown.cases_heading)
        static_table(shown.cases)


def sections(titles: Mapping[str, str], *, key: str) -> str:
    """Show a row of section buttons and return the chosen one (the first by default).

    Used instead of ``st.tabs``: a st_folium map inside a tab is drawn 0 px high.
    ``titles`` maps each section to its translation key.
    """
    first = next(iter(titles))
    chosen = st.segmented_control(
        tr(titles[first]), list(titles), format_func=lambda v: tr(titles[v]),
        default=first, key=key, label_visibility="collapsed",
    )
    return chosen or first

