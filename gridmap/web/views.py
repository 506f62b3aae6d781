"""What the app's shared widgets, tables and caches show or key on, decided without Streamlit.

``pages/_shared.py`` reads the session, draws widgets and renders; every decision it
needs is here, so it is tested without a browser:

- texts: :func:`escaped_text` (a UI string whose text arguments are escaped for
  Markdown), :func:`error_text`, :func:`choice_text`, :func:`one_or_all_text`;
- login: :func:`ended_notice`, :func:`stale_state_keys`, :func:`login_error_text`,
  :func:`next_path`;
- caches: :func:`cache_role`, :func:`cache_user`, :func:`frames_key`,
  :func:`store_panel_key`, :func:`communities_in_scope`;
- forms: :func:`one_or_all_options`, :func:`input_spec`, :func:`without_choices`,
  :data:`COORDINATE_SYSTEMS`, :data:`MAINTENANCE_ACTIONS`, :data:`CONDITIONS`;
- tables: :func:`labelled_frame`, :func:`headed_frame`, :func:`field_table`,
  :func:`escaped_frame`, :func:`grid_panel_tables`.

Nothing here imports Streamlit or reads a widget; :func:`frames_key` and
:func:`store_panel_key` ask the store for its data versions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode

import pandas as pd

from gridmap import auth, config, i18n, snapshot
from gridmap.errors import GridmapError
from gridmap.model import ENUM_COLUMNS, Column, MaintenanceAction, UserRole

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "CONDITIONS",
    "COORDINATE_SYSTEMS",
    "MAINTENANCE_ACTIONS",
    "STATUS_COLUMNS",
    "GridPanelTables",
    "InputSpec",
    "cache_role",
    "cache_user",
    "choice_text",
    "communities_in_scope",
    "ended_notice",
    "error_text",
    "escaped_frame",
    "escaped_text",
    "field_table",
    "frames_key",
    "grid_panel_tables",
    "headed_frame",
    "input_spec",
    "labelled_frame",
    "login_error_text",
    "next_path",
    "one_or_all_options",
    "one_or_all_text",
    "stale_state_keys",
    "store_panel_key",
    "without_choices",
]

#: Columns holding a status whose values are labelled like ``status`` (a case timeline).
STATUS_COLUMNS = frozenset({"from_status", "to_status"})

#: The coordinate systems a position may be typed in (``crs.<name>`` names each).
COORDINATE_SYSTEMS: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

#: What a maintenance entry says was done, in the order the form offers it.
MAINTENANCE_ACTIONS: tuple[str, ...] = tuple(a.value for a in MaintenanceAction)

#: A point's condition in a maintenance entry; ``None`` for not stated (offered first).
CONDITIONS: tuple[str | None, ...] = (None, "good", "fair", "poor", "broken")

_BLANK = "—"


# --- texts -------------------------------------------------------------------------------


def escaped_text(key: str, lang: str, **fmt: object) -> str:
    r"""Return the UI string ``key`` with its text arguments escaped for Markdown.

    Parameters
    ----------
    key
        A key of :data:`gridmap.i18n.STRINGS`.
    lang
        ``"zh"`` or ``"en"``.
    **fmt
        Values for the text's fields: strings are escaped
        (:func:`gridmap.i18n.escape_markdown`), other values are filled in as they are.

    Returns
    -------
    str
        The translated text (the key itself when it is unknown).

    Examples
    --------
    >>> print(escaped_text("auth.logged_in_as", "zh", user="a*b"))
    当前用户：a\*b
    """
    args = {k: i18n.escape_markdown(v) if isinstance(v, str) else v for k, v in fmt.items()}
    return i18n.t(key, lang, **args)


def error_text(exc: BaseException, lang: str) -> str:
    """Return an error's message in ``lang``, with passwords in URLs masked.

    Parameters
    ----------
    exc
        A :class:`~gridmap.errors.GridmapError` (its keyed text in ``lang``) or any
        other exception (its ``str``).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The message, :func:`gridmap.config.mask_url` applied.
    """
    shown = exc.text(lang) if isinstance(exc, GridmapError) else str(exc)
    return config.mask_url(shown)


def choice_text(value: object, lang: str, *, field: str | None = None) -> str:
    """Return how a choice of a select box reads: ``—`` for none, else its label.

    Parameters
    ----------
    value
        A canonical value or ``None``.
    lang
        ``"zh"`` or ``"en"``.
    field
        The column the value belongs to (:func:`gridmap.i18n.label`'s ``field``).

    Returns
    -------
    str
        ``"—"`` for ``None``, else the value's display name.
    """
    return _BLANK if value is None else i18n.label(value, lang, field=field)


def one_or_all_options(options: Iterable[Any]) -> list[Any]:
    """Return the options of a "one or all" select box: ``None`` (all) first.

    Parameters
    ----------
    options
        The values to choose one of.

    Returns
    -------
    list
        ``[None, *options]``.

    Examples
    --------
    >>> one_or_all_options(["a", "b"])
    [None, 'a', 'b']
    """
    return [None, *options]


def one_or_all_text(
    value: Any, lang: str, format_func: Callable[[Any], str] | None = None
) -> str:
    """Return how an option of a "one or all" select box reads.

    Parameters
    ----------
    value
        ``None`` (all) or one of the options.
    lang
        ``"zh"`` or ``"en"``.
    format_func
        How an option reads (default ``str``).

    Returns
    -------
    str
        全部 / All for ``None``, else ``format_func(value)``.
    """
    if value is None:
        return i18n.t("map.filter.all", lang)
    return (format_func or str)(value)


# --- login -------------------------------------------------------------------------------


def ended_notice(reason: str | None) -> tuple[str, str] | None:
    """Return the notice a login page shows for a session that ended: ``(kind, key)``.

    Parameters
    ----------
    reason
        Why the session ended (one of :data:`gridmap.web.sessions.REASONS`), or ``None``.

    Returns
    -------
    tuple of str or None
        ``("info", "auth.ended.logout")`` after a logout, ``("warning",
        "auth.ended.<reason>")`` for another known reason, ``None`` without one.
    """
    from gridmap.web.sessions import REASONS

    if not reason or reason not in REASONS:
        return None
    return ("info" if reason == "logout" else "warning"), f"auth.ended.{reason}"


def stale_state_keys(keys: Iterable[Any], *, keep: Iterable[str]) -> list[Any]:
    """Return the session-state keys to drop when nobody is logged in.

    Parameters
    ----------
    keys
        The keys of the session state.
    keep
        Keys that outlive a login (the language, the notice, the token).

    Returns
    -------
    list
        The keys starting with ``gm_`` that are not in ``keep`` (widget keys of the
        pages stay).

    Examples
    --------
    >>> stale_state_keys(["gm_user", "gm_lang", "search"], keep=("gm_lang",))
    ['gm_user']
    """
    kept = set(keep)
    return [k for k in keys if k not in kept and str(k).startswith("gm_")]


def login_error_text(code: str | None, lang: str) -> str | None:
    """Return why the last login failed, from the login route's ``?login_error=`` code.

    Parameters
    ----------
    code
        ``"failed"``, ``"locked-N"`` (locked for N minutes) or ``None``.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str or None
        The message (``auth.locked`` with the minutes, else ``auth.failed``), or
        ``None`` without a code.
    """
    if not code:
        return None
    if code.startswith("locked-") and code[7:].isdigit():
        return i18n.t("auth.locked", lang, minutes=int(code[7:]))
    return i18n.t("auth.failed", lang)


def next_path(url_path: str, query: Mapping[str, str]) -> str:
    """Return the address of the page asked for, with its query (where a login returns to).

    Parameters
    ----------
    url_path
        The page's path without the leading ``/``.
    query
        The page's query parameters; ``login_error`` is left out.

    Returns
    -------
    str
        ``/<url_path>`` with ``?<query>`` when there is one.

    Examples
    --------
    >>> next_path("map", {"grid": "G1", "login_error": "failed"})
    '/map?grid=G1'
    """
    kept = {k: v for k, v in query.items() if k != "login_error"}
    path = "/" + url_path
    return f"{path}?{urlencode(kept)}" if kept else path


# --- caches ------------------------------------------------------------------------------


def cache_role(user: auth.User) -> str:
    """Return the role a cache keys the user's frames on: what the user sees of people.

    Parameters
    ----------
    user
        The logged-in user.

    Returns
    -------
    str
        ``"inspector"`` for a user who may see phone numbers, else ``"viewer"``.
    """
    return "inspector" if auth.can(user, "see_phones") else "viewer"


def cache_user(role: str, scope: tuple[str, ...] | None) -> auth.User:
    """Return the stand-in user a cache reads for: a :func:`cache_role` and a scope.

    Parameters
    ----------
    role
        ``"inspector"`` or ``"viewer"`` (:func:`cache_role`).
    scope
        The community codes of the user's scope, or ``None`` for all.

    Returns
    -------
    gridmap.auth.User
        A user named ``cache`` with that role and scope.
    """
    return auth.User("cache", UserRole(role), scope)


def frames_key(
    store: Store, user: auth.User, layers: Iterable[str] | None = None, *, url: str, on: dt.date
) -> tuple:
    """Return the key the frames a user may see are cached on.

    Parameters
    ----------
    store
        The store (asked for the data versions of the layers read).
    user
        Who sees the frames.
    layers
        The layers wanted (default :data:`gridmap.snapshot.FRAME_LAYERS`).
    url
        The store's URL.
    on
        The day the frames are for.

    Returns
    -------
    tuple
        ``(url, versions, on, layers, scope, role)``: the versions are those of the
        reads the layers need (:func:`gridmap.snapshot.frame_reads`), so a write to
        another layer keeps the key.
    """
    wanted = tuple(snapshot.FRAME_LAYERS if layers is None else layers)
    reads = snapshot.frame_reads(wanted, scoped=user.scope is not None)
    versions = snapshot.data_version(store, reads)
    return url, versions, on, wanted, user.scope, cache_role(user)


#: What the grid panels of a store drawn from tiles read (the grids with their counts).
_PANEL_READS = snapshot.frame_reads(["grids", *snapshot.POINT_LAYERS])


def store_panel_key(store: Store, user: auth.User, code: str, *, url: str, on: dt.date) -> tuple:
    """Return the key a grid's side panel read from the store (a tile map) is cached on.

    Parameters
    ----------
    store
        The store (asked for the data versions of the grids and point layers).
    user
        Who sees the panel.
    code
        The grid's code.
    url
        The store's URL.
    on
        The day the panel is for.

    Returns
    -------
    tuple
        ``(url, versions, on, code, scope, role)``.
    """
    versions = snapshot.data_version(store, _PANEL_READS)
    return url, versions, on, code, user.scope, cache_role(user)


def communities_in_scope(frame: pd.DataFrame, scope: Iterable[str] | None) -> pd.DataFrame:
    """Return the communities of ``frame`` inside a scope.

    Parameters
    ----------
    frame
        Communities with a ``code`` column (any CRS; kept as given).
    scope
        Community codes, or ``None`` for all.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself for ``None``, else its rows whose code is in ``scope``.
    """
    if scope is None:
        return frame
    return frame[frame["code"].isin(set(scope))]


# --- forms -------------------------------------------------------------------------------


class InputSpec(NamedTuple):
    """The input widget of one schema column.

    ``kind`` is ``"select"`` (``options`` and ``index``), ``"checkbox"``, ``"int"``,
    ``"float"``, ``"date"`` or ``"text"``; ``label`` is the translated field name
    (`` *`` for a required one); ``value`` is what the widget starts with.
    """

    kind: str
    label: str
    value: Any = None
    options: tuple[Any, ...] = ()
    index: int = 0


def input_spec(column: Column, value: Any, lang: str) -> InputSpec:
    """Return the input widget for a schema column, pre-filled with ``value``.

    Parameters
    ----------
    column
        The column (its type, choices, default and whether it is required).
    value
        The record's value, or ``None``.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    InputSpec
        A select box of the column's choices (``None`` first when not required,
        the value's position chosen, else the first); a checkbox (the value, else
        the column's default); a whole or decimal number; a date; else a text
        (``""`` for none).
    """
    label = i18n.t(f"field.{column.name}", lang)
    if column.required:
        label += " *"
    if column.dtype == "enum":
        options = tuple(column.choices) if column.required else (None, *column.choices)
        index = options.index(value) if value in options else 0
        return InputSpec("select", label, value, options, index)
    if column.dtype == "bool":
        return InputSpec("checkbox", label, bool(value if value is not None else column.default))
    if column.dtype == "int":
        return InputSpec("int", label, None if value is None else int(value))
    if column.dtype == "float":
        return InputSpec("float", label, None if value is None else float(value))
    if column.dtype == "date":
        return InputSpec("date", label, value)
    return InputSpec("text", label, "" if value is None else str(value))


def without_choices(column: Column, excluded: Iterable[str]) -> Column:
    """Return ``column`` without some of its choices (e.g. statuses a form may not set).

    Parameters
    ----------
    column
        An enum column.
    excluded
        Canonical values to leave out.

    Returns
    -------
    gridmap.model.Column
        A copy whose ``choices`` lack ``excluded``.
    """
    left_out = set(excluded)
    choices = {k: v for k, v in column.choices.items() if k not in left_out}
    return dataclasses.replace(column, choices=choices)


# --- tables ------------------------------------------------------------------------------


def _headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns=lambda c: i18n.t(f"field.{c}", lang))


def labelled_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return a frame of canonical columns as shown: enum values and headers translated.

    Parameters
    ----------
    frame
        Rows with canonical column names and values.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        A copy: text values of enum columns (:data:`gridmap.model.ENUM_COLUMNS`; the
        :data:`STATUS_COLUMNS` labelled as ``status``) shown by their display
        name, headers by their field names. Times are left to the table.
    """
    shown = frame.copy()
    for column in shown.columns:
        field = "status" if column in STATUS_COLUMNS else column
        if field in ENUM_COLUMNS:
            shown[column] = [
                i18n.label(v, lang, field=field) if isinstance(v, str) else v
                for v in shown[column]
            ]
    return _headers(shown, lang)


def headed_frame(rows: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """Return rows whose keys are field names as a frame with translated headers.

    Parameters
    ----------
    rows
        One dict per row.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        The rows, headed by their field names in ``lang``.
    """
    return _headers(pd.DataFrame(rows), lang)


def _field_text(key: str, value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return i18n.t("value.yes" if value else "value.no", lang)
    if isinstance(value, str) and key in ENUM_COLUMNS:
        return i18n.label(value, lang, field=key)
    return i18n.format_value(value)


def field_table(
    values: Mapping[str, Any], lang: str, *, skip: Iterable[str] = ()
) -> pd.DataFrame:
    """Return a record's fields as a two-column table of text, every value escaped.

    Parameters
    ----------
    values
        Field name -> value.
    lang
        ``"zh"`` or ``"en"``.
    skip
        Fields not listed; ``None`` values are not listed either.

    Returns
    -------
    pandas.DataFrame
        Columns 字段 and 值 (``panel.field``, ``panel.value``): the field's name and
        its value (yes/no, an enum's display name, a time local), escaped for
        Markdown (a static table renders each cell as Markdown).
    """
    skipped = set(skip)
    rows = [
        (i18n.t(f"field.{k}", lang), i18n.escape_markdown(_field_text(k, v, lang)))
        for k, v in values.items()
        if k not in skipped and v is not None
    ]
    frame = pd.DataFrame(rows, columns=[i18n.t("panel.field", lang), i18n.t("panel.value", lang)])
    return frame.astype(str)


def escaped_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a frame for a static table: times local, every cell text escaped for Markdown.

    Parameters
    ----------
    frame
        Any rows (:func:`gridmap.i18n.format_frame` formats times and blanks).

    Returns
    -------
    pandas.DataFrame
        The cells as escaped text (:func:`gridmap.i18n.escape_markdown`).
    """
    shown = i18n.format_frame(frame).astype(object)
    return shown.map(lambda v: i18n.escape_markdown(str(v)))


class GridPanelTables(NamedTuple):
    """What the side panel of a grid shows: a heading and its tables (not yet escaped).

    ``heading`` is Markdown (the code escaped); ``facts``, ``workers`` and ``cases``
    are frames for static tables; ``cases`` is ``None`` when the grid has no open
    case, and ``cases_heading`` is then unused.
    """

    heading: str
    facts: pd.DataFrame
    workers: pd.DataFrame
    cases_heading: str
    cases: pd.DataFrame | None


def grid_panel_tables(panel: Mapping[str, Any], lang: str) -> GridPanelTables:
    """Return the heading and tables of a grid's side panel.

    Parameters
    ----------
    panel
        The grid's panel (:func:`gridmap.maps.panels.grid_panel`).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    GridPanelTables
        The heading; the grid's figures and point counts per layer (``—`` for
        unknown households or residents, the area in m² without decimals); its
        workers (name, role, phone); its open cases (code, category, status,
        reported at), or ``None``.
    """

    def t(key: str) -> str:
        return i18n.t(key, lang)

    heading = f"#### {t('panel.grid')} {i18n.escape_markdown(panel['code'])}"
    facts = [
        (t("field.community"), panel["community_name"]),
        (t("field.households"), panel["households"] or _BLANK),
        (t("field.residents"), panel["residents"] or _BLANK),
        (t("field.area_m2"), f"{panel['area_m2']:,.0f}"),
        *((i18n.label(k, lang, field="layer"), n) for k, n in panel["counts"].items()),
    ]
    heads = [i18n.field_label(c, lang, layer="workers") for c in ("name", "role", "phone")]
    workers = [
        (w["name"], i18n.label(w["role"], lang, field="role"), w["phone"] or "")
        for w in panel["workers"]
    ]
    cases = None
    if panel["open_issues"]:
        rows = [
            (i["code"], i["category"], i18n.label(i["status"], lang, field="status"),
             i["reported_at"])
            for i in panel["open_issues"]
        ]  # fmt: skip
        cases = pd.DataFrame(
            rows, columns=[t(f"field.{c}") for c in ("code", "category", "status", "reported_at")]
        )
    return GridPanelTables(
        heading=heading,
        facts=pd.DataFrame(facts, columns=[t("panel.field"), t("panel.value")]),
        workers=pd.DataFrame(workers, columns=heads),
        cases_heading=f"**{t('field.open_issues')}**",
        cases=cases,
    )
