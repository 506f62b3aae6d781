"""Shared by app.py and the pages: session-state keys, cached loaders, login guard, widgets.

This is the one non-page module of the app that imports streamlit. It holds no
logic of its own: caches wrap library calls, and the widget helpers only turn
column schemas into inputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from gridmap import auth, config, conflicts, i18n, maps, photos, snapshot
from gridmap import tiles as map_tiles
from gridmap.auth import User
from gridmap.errors import ConflictError, GridmapError
from gridmap.maps import panels
from gridmap.model import LAYERS, Column
from gridmap.records import points
from gridmap.store import Store, default_url, open_store
from gridmap.web import sessions as web_sessions

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

#: Columns holding canonical enum values (shown through i18n.label).
ENUM_COLUMNS = frozenset(
    c.name for spec in LAYERS.values() for c in spec.columns if c.dtype == "enum"
)

# ---------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def favicon() -> Any:
    """A small grid icon drawn locally (served by the app, never from a CDN)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"]
    for i, color in enumerate(colors):
        x, y = (i % 2) * 16, (i // 2) * 16
        draw.rectangle([x + 1, y + 1, x + 14, y + 14], fill=color)
    return image


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
    return i18n.t(key, lang(), **{k: md(v) if isinstance(v, str) else v for k, v in fmt.items()})


def err_text(exc: BaseException) -> str:
    """Return a gridmap error's message in the session's language (passwords in URLs masked)."""
    shown = exc.text(lang()) if isinstance(exc, GridmapError) else str(exc)
    return config.mask_url(shown)


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
        return {s.name: s.default for s in config.SETTINGS}


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
        for key in list(st.session_state.keys()):
            if key not in (K_LANG, K_NOTICE, K_TOKEN) and str(key).startswith("gm_"):
                del st.session_state[key]
        if resolved.reason and resolved.reason in web_sessions.REASONS:
            kind = "info" if resolved.reason == "logout" else "warning"
            st.session_state[K_NOTICE] = (kind, tr(f"auth.ended.{resolved.reason}"))
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
    code = st.query_params.pop("login_error", None)
    if not code:
        return
    if code.startswith("locked-") and code[7:].isdigit():
        st.error(tr("auth.locked", minutes=int(code[7:])))
    else:
        st.error(tr("auth.failed"))


def next_path(url_path: str) -> str:
    """The address of the page asked for, with its query (where a login returns to)."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k != "login_error"}
    path = "/" + url_path
    return f"{path}?{urlencode(query)}" if query else path


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
    changes = getattr(err, "changes", None) or [str(err)]
    st.warning(tr("conflict.plan", changes="；".join(map(str, changes))))


# --- versioned edits: a stale save is told, never dropped ---------------------------------


def read_version(key: str, fresh: Any, values: Mapping[str, Any] | None = None) -> int:
    """Return the row version the open form ``key`` was read at (``fresh`` the first time).

    Kept until the form is saved or the user loads the other version, so that a save
    after somebody else's is refused and told instead of the form quietly showing the
    new version and dropping what the user typed. Build the form's key from it.
    ``values`` (the record as shown, kept with the version) lets :func:`changed_values`
    send only what the user changed.
    """
    versions = st.session_state.setdefault(K_READ, {})
    if key not in versions:
        versions[key] = (int(fresh), dict(values or {}))
    return int(versions[key][0])


def changed_values(key: str, entered: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of form ``key`` that differ from the record as the user read it.

    Saving only these, a re-applied change (:func:`conflict_notice`) keeps what the
    other person changed in the fields the user left alone.
    """
    read = st.session_state.get(K_READ, {}).get(key, (None, {}))[1]
    return conflicts.changed_values(entered, read)


def forget_read_versions(prefix: str, *, keep: str | None = None) -> None:
    """Forget the read versions of forms whose key starts with ``prefix``, but ``keep``.

    A page calls it when the user turns to another record, so that coming back shows
    the stored version afresh instead of refusing a save against an old read.
    """
    versions = st.session_state.get(K_READ, {})
    for key in [k for k in versions if k.startswith(prefix) and k != keep]:
        versions.pop(key)


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
        st.error(tr("error.generic", message=str(exc)))
        return None
    st.session_state.get(K_READ, {}).pop(key, None)
    st.session_state.get(K_CONFLICTS, {}).pop(key, None)
    if success:
        st.session_state[K_NOTICE] = ("success", success)
    return result


def _field_name(name: str) -> str:
    text = tr(f"field.{name}")
    return name if text == f"field.{name}" else text


def _field_value(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return tr("value.yes" if value else "value.no")
    if isinstance(value, str) and name in ENUM_COLUMNS:
        return lbl(value, name)
    return str(value)


def _conflict_message(err: ConflictError, change: conflicts.OtherChange | None) -> None:
    """The warning and the table of the other person's change."""
    if change is None:
        st.warning(tr("conflict.unknown", read=err.read_version, current=err.current_version))
        return
    at = change.at.strftime("%Y-%m-%d %H:%M UTC") if change.at else "—"
    st.warning(tr("conflict.title", who="、".join(change.who), at=at,
                  read=change.read_version, current=err.current_version))
    if change.fields:
        rows = [
            {
                tr("conflict.field"): _field_name(f.field),
                tr("conflict.before"): _field_value(f.field, f.before),
                tr("conflict.after"): _field_value(f.field, f.after),
            }
            for f in change.fields
        ]
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


#: What the grid panels of a store drawn from tiles read (the grids with their counts).
_PANEL_READS = snapshot.frame_reads(["grids", *snapshot.POINT_LAYERS])


@st.cache_resource(max_entries=32, show_spinner=False)
def _user_frames(
    url: str, versions: tuple, day: dt.date, layers: tuple[str, ...],
    scope: tuple[str, ...] | None, role: str,
) -> dict:  # fmt: skip
    user = User("cache", auth.UserRole(role), scope)
    return snapshot.visible_frames(_store(url), user, on=day, layers=layers,
                                   read=_reader(url, versions))  # fmt: skip


def _frames_key(user: User, layers: Any) -> tuple:
    """The key of :func:`_user_frames`: store, versions of the reads, day, layers, scope, role."""
    role = "inspector" if auth.can(user, "see_phones") else "viewer"
    wanted = tuple(snapshot.FRAME_LAYERS if layers is None else layers)
    versions = data_version(snapshot.frame_reads(wanted, scoped=user.scope is not None))
    return store_url(), versions, dt.date.today(), wanted, user.scope, role


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
    user = User("cache", auth.UserRole(role), scope)
    return panels.grid_panel(_store(url), code, user=user, on=day, frames=_frames)


def grid_panel(user: User, code: str) -> dict:
    """The side panel of one grid (cached per data version, scope and role).

    On a store drawn from tiles the panel reads only its grid from the store
    (:func:`gridmap.maps.panels.grid_panel` without frames); below the threshold
    it uses the frames the map page draws (``visible_frames(user, MAP_LAYERS)``,
    already loaded), so a click reads nothing more.
    """
    if tile_mode():
        role = "inspector" if auth.can(user, "see_phones") else "viewer"
        return _grid_panel_of_store(store_url(), data_version(_PANEL_READS), dt.date.today(),
                                    code, user.scope, role)
    key = _frames_key(user, snapshot.MAP_LAYERS)
    return _grid_panel(*key, code, _frames=_user_frames(*key))


@st.cache_resource(max_entries=256, show_spinner=False)
def _grid_panel_of_store(
    url: str, version: Any, day: dt.date, code: str, scope: tuple[str, ...] | None, role: str
) -> dict:
    user = User("cache", auth.UserRole(role), scope)
    return panels.grid_panel(_store(url), code, user=user, on=day)


# --- city size: the one switch and the reads of a map drawn from tiles ----------------------


@st.cache_resource(max_entries=8, show_spinner=False)
def _map_size(url: str, version: Any) -> int:
    return snapshot.map_size(_store(url))


def tile_threshold() -> int:
    """The ``map_tile_threshold`` setting."""
    return int(settings().get("map_tile_threshold", maps.tiles.TILE_THRESHOLD))


def map_size() -> int:
    """Features a map of the store draws (cached per data version)."""
    return _map_size(store_url(), data_version(("communities", "grids", *snapshot.POINT_LAYERS)))


def tile_mode() -> bool:
    """Whether maps are drawn from tiles (:func:`gridmap.maps.tiles.use_tiles`, the one switch)."""
    return maps.tiles.use_tiles(map_size(), tile_threshold())


@st.cache_resource(max_entries=32, show_spinner=False)
def _visible_extent(url: str, version: Any, scope: tuple[str, ...] | None) -> Any:
    return snapshot.visible_extent(_store(url), User("cache", auth.UserRole.VIEWER, scope))


def visible_extent(user: User) -> tuple[float, float, float, float] | None:
    """Bounds of the communities the user may see (cached per data version)."""
    return _visible_extent(store_url(), data_version(("communities",)), user.scope)


@st.cache_resource(max_entries=32, show_spinner=False)
def _communities(url: str, version: Any, scope: tuple[str, ...] | None) -> Any:
    frame = _store(url).read_layer("communities")
    if scope is not None:
        frame = frame[frame["code"].isin(set(scope))]
    return frame


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
    shown = format_func or str
    return where.selectbox(
        label,
        [None, *options],
        key=key,
        format_func=lambda v: tr("map.filter.all") if v is None else shown(v),
        placeholder=tr("widget.choose"),
    )


def column_input(column: Column, value: Any, *, key: str) -> Any:
    """One input widget for a schema column, pre-filled with ``value``; returns the entry."""
    text = tr(f"field.{column.name}")
    if column.required:
        text += " *"
    if column.dtype == "enum":
        options = [None, *column.choices] if not column.required else list(column.choices)
        index = options.index(value) if value in options else 0
        return st.selectbox(
            text,
            options,
            index=index,
            key=key,
            format_func=lambda v: "—" if v is None else lbl(v, column.name),
        )
    if column.dtype == "bool":
        return st.checkbox(
            text, value=bool(value) if value is not None else bool(column.default), key=key
        )
    if column.dtype == "int":
        return st.number_input(text, value=None if value is None else int(value), step=1, key=key)
    if column.dtype == "float":
        return st.number_input(text, value=None if value is None else float(value), key=key)
    if column.dtype == "date":
        return st.date_input(text, value=value, key=key)
    return st.text_input(text, value="" if value is None else str(value), key=key)


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
            choices = {k: v for k, v in column.choices.items() if k not in exclude[column.name]}
            column = Column(
                column.name,
                column.dtype,
                column.required,
                column.aliases,
                choices,
                column.default,
                column.doc,
            )
        with cells[i % 2]:
            out[column.name] = column_input(
                column, values.get(column.name), key=f"{key}_{column.name}"
            )
    return out


def coordinate_inputs(lon: float | None, lat: float | None, *, key: str) -> tuple[Any, Any, str]:
    """Longitude, latitude and their coordinate system (inside the caller's st.form)."""
    systems = ["wgs84", "gcj02", "bd09"]
    crs = st.radio(
        tr("points.crs"),
        systems,
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
    tiles.setdefault("tile_threshold", tile_threshold())
    tiles.setdefault("tile_version", map_tiles.tile_versions(get_store()))
    return tiles


def _draw_street_map(
    frames: Mapping[str, Any], *, basemap: str | None, reference: tuple[str, ...],
    picking: bool, tiles: dict[str, Any],
) -> tuple[Any, str, str | None]:  # fmt: skip
    """(map, basemap used, the warning of a basemap that fell back to none, or None)."""
    conf = settings()
    basemap = basemap or conf["basemap"]
    try:
        fmap = maps.street_map(
            frames,
            lang=lang(),
            basemap=basemap,
            reference=reference,
            tianditu_key=conf["tianditu_key"],
            tile_url=conf["tile_url"],
            picking=picking,
            **tiles,
        )
    except GridmapError as exc:
        fmap = maps.street_map(frames, lang=lang(), reference=reference, picking=picking,
                               **tiles)
        return fmap, "none", tr("map.basemap_failed", message=err_text(exc))
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
    marker = None
    if before is not None:
        import folium

        shown = maps.wgs84_to_display(*before, basemap=basemap)
        marker = folium.FeatureGroup(name="gm_pick")
        folium.CircleMarker(
            location=[shown[1], shown[0]], radius=9, color="#ffffff", weight=3,
            fill=True, fill_color="#d62728", fill_opacity=1.0, interactive=False,
        ).add_to(marker)
    out = st_folium(
        fmap,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=marker,
    )
    click = (out or {}).get("last_clicked")
    seen = f"{key}_seen"
    picked = before
    if click and click != st.session_state.get(seen):
        st.session_state[seen] = click
        picked = maps.display_to_wgs84(click["lng"], click["lat"], basemap=basemap)
        st.session_state[remembered] = picked
    show_pick(frames, picked)
    return picked


def show_pick(frames: Mapping[str, Any], picked: tuple[float, float] | None) -> None:
    """Show the caption under a picking map: the position and the grid it falls in (or a hint)."""
    if picked is None:
        st.caption(tr("pick.hint"))
        return
    lon, lat = picked
    place = panels.picked_place(frames, lon, lat)
    if place is None:
        st.caption(tr("pick.outside", lon=lon, lat=lat))
        return
    st.caption(tr("pick.where", lon=lon, lat=lat, grid=place[0], community=place[1]))


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
            ["inspected", "cleaned", "repaired", "replaced"],
            format_func=lambda v: lbl(v, "action"),
        )
        condition = c3.selectbox(
            tr("field.condition"),
            [None, "good", "fair", "poor", "broken"],
            format_func=lambda v: "—" if v is None else lbl(v),
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
    if click is not None:
        key = (round(click[0], 7), round(click[1], 7))
        if key != state.get(K_SEL_CLICK):
            state[K_SEL_CLICK] = key
            state[K_SEL] = ("click", float(click[0]), float(click[1]))
    if grid_code is not None and grid_code != state.get(K_SEL_HIT):
        state[K_SEL_HIT] = grid_code
        state[K_SEL] = ("grid", grid_code)
    return state.get(K_SEL)


# --- rendering ---------------------------------------------------------------------------


#: Columns holding a status whose values are labelled like ``status`` (a case timeline).
_STATUS_COLUMNS = frozenset({"from_status", "to_status"})


def dataframe(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """``st.dataframe`` with times local (``2026-12-05 14:30``) and blanks for missing values.

    Number columns stay numbers (they sort as numbers); the grid shows their gaps blank.
    """
    kwargs.setdefault("placeholder", "")
    return st.dataframe(i18n.format_frame(frame, blank_numbers=False), **kwargs)


def show_frame(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """Show a frame of canonical columns: enum values, times and headers translated."""
    shown = frame.copy()
    for column in shown.columns:
        field = "status" if column in _STATUS_COLUMNS else column
        if field in ENUM_COLUMNS:
            shown[column] = [lbl(v, field) if isinstance(v, str) else v for v in shown[column]]
    kwargs.setdefault("hide_index", True)
    return dataframe(shown.rename(columns=lambda c: tr(f"field.{c}")), **kwargs)


def table(rows: list[dict[str, Any]]) -> None:
    """Show rows whose keys are field names as a table with translated headers."""
    frame = pd.DataFrame(rows)
    dataframe(frame.rename(columns=lambda c: tr(f"field.{c}")), hide_index=True)


def show_fields(values: Mapping[str, Any], *, skip: tuple[str, ...] = ()) -> None:
    """Show a record's fields as a two-column table (enum values translated)."""

    def shown(key: str, value: Any) -> Any:
        if isinstance(value, bool):
            return tr("value.yes" if value else "value.no")
        if isinstance(value, str) and key in ENUM_COLUMNS:
            return lbl(value, key)
        return i18n.format_value(value)

    rows = [
        (tr(f"field.{k}"), md(shown(k, v)))  # st.table renders Markdown: escape the values
        for k, v in values.items()
        if k not in skip and v is not None
    ]
    frame = pd.DataFrame(rows, columns=[tr("panel.field"), tr("panel.value")])
    st.table(frame.astype(str))


def static_table(frame: pd.DataFrame) -> None:
    """Show a few rows as a static table (``st.table``): every cell escaped, times local.

    ``st.table`` renders each cell as Markdown, so every cell is escaped (:func:`md`);
    it draws a plain HTML table, which the browser draws far sooner than the data grid
    of ``st.dataframe``.
    """
    shown = i18n.format_frame(frame).astype(object)
    st.table(shown.map(lambda v: md(str(v))), hide_index=True)


def show_grid_panel(panel: Mapping[str, Any]) -> None:
    """Show the side panel of a grid (gridmap.maps.panels.grid_panel).

    A heading and static tables (:func:`static_table`): the grid's figures and point
    counts in one table, its workers, its open cases. A map click redraws the panel.
    """
    st.markdown(f"#### {tr('panel.grid')} {md(panel['code'])}")
    facts = [
        (tr("field.community"), panel["community_name"]),
        (tr("field.households"), panel["households"] or "—"),
        (tr("field.residents"), panel["residents"] or "—"),
        (tr("field.area_m2"), f"{panel['area_m2']:,.0f}"),
        *((lbl(k, "layer"), n) for k, n in panel["counts"].items()),
    ]
    static_table(pd.DataFrame(facts, columns=[tr("panel.field"), tr("panel.value")]))
    heads = [i18n.field_label(c, lang(), layer="workers") for c in ("name", "role", "phone")]
    workers = [(w["name"], lbl(w["role"], "role"), w["phone"] or "") for w in panel["workers"]]
    static_table(pd.DataFrame(workers, columns=heads))
    if panel["open_issues"]:
        st.markdown(f"**{tr('field.open_issues')}**")
        heads = [tr(f"field.{c}") for c in ("code", "category", "status", "reported_at")]
        cases = [
            (i["code"], i["category"], lbl(i["status"], "status"), i["reported_at"])
            for i in panel["open_issues"]
        ]
        static_table(pd.DataFrame(cases, columns=heads))


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

