"""What a check run returns: one :class:`CheckResult` per rule, each with its failures.

A rule's failures are kept as columns (:class:`FailureTable`: ids, measured
values, grids and geometries as arrays, a message key and its values per row);
messages are formatted only for the rows shown or exported, and
:attr:`CheckResult.failures` turns rows into :class:`Failure` objects on demand.
A :class:`Failure` names the failing object, where it is (community, grid), who
answers for it (the grid's workers on the run's date, grid head first), the
measured figure with its unit, the threshold, and a geometry in EPSG:4326 to draw
(the building, the café with its line to the school, the uncovered stretch of
street, the grid or compound). A :class:`CheckReport` holds the results of one run
and turns them into frames, JSON, CSV, GeoJSON and scores
(:mod:`gridmap.checks.export` writes the files).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from gridmap import i18n
from gridmap.checks import _encode
from gridmap.checks._context import ABSENT
from gridmap.checks._encode import is_absent
from gridmap.errors import InputError
from gridmap.messages import Msg

__all__ = [
    "FAILURE_COLUMNS",
    "SEVERITIES",
    "CheckReport",
    "CheckResult",
    "Failure",
    "FailureTable",
]

#: Severities of a rule: a failure breaks a standard; an advisory falls short of a
#: recommended (stricter) figure.
SEVERITIES = ("failure", "advisory")

#: Columns of :meth:`CheckResult.to_frame` and :meth:`CheckReport.to_frame`.
FAILURE_COLUMNS = (
    "rule",
    "family",
    "severity",
    "rule_title_zh",
    "rule_title_en",
    "source",
    "layer",
    "object_id",
    "name",
    "community",
    "grid",
    "workers",
    "measured",
    "unit",
    "threshold",
    "message",
    "message_zh",
    "lon",
    "lat",
)

_WGS84 = "EPSG:4326"


def _jsonable(value: Any) -> Any:
    """Return ``value`` as plain JSON data (numbers, strings, lists, dicts, None)."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float | np.floating):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else round(f, 3)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence | np.ndarray | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


def threshold_text(threshold: Any, unit: str, *, lang: str = "en") -> str:
    """Return a threshold as short text: ``"120 m"``, ``"300–500户"``.

    Parameters
    ----------
    threshold
        A number, a ``[low, high]`` pair, a list of names, or a table of numbers
        (e.g. per road class).
    unit
        Its unit (translated through ``checks.unit.<unit>`` in :mod:`gridmap.i18n`).
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> threshold_text([300, 500], "households", lang="zh")
    '300–500户'
    >>> threshold_text(120.0, "m")
    '120 m'
    """
    key = f"checks.unit.{unit}"
    label = i18n.t(key, lang) if unit else ""
    label = "" if label == key else label
    sep = "" if (lang == "zh" and label and not label[0].isascii()) or label == "%" else " "
    if isinstance(threshold, Mapping):
        return ", ".join(
            f"{i18n.label(k, lang)} {_num(v)}{sep}{label}" for k, v in threshold.items()
        )
    if (
        isinstance(threshold, list | tuple)
        and len(threshold) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in threshold)
    ):
        body = f"{_num(threshold[0])}–{_num(threshold[1])}"
    elif isinstance(threshold, list | tuple):
        return "、".join(str(v) for v in threshold)
    elif isinstance(threshold, int | float) and not isinstance(threshold, bool):
        body = _num(threshold)
    else:
        body = str(threshold)
    return f"{body}{sep}{label}".strip()


def _num(value: float) -> str:
    f = float(value)
    return f"{int(f):,}" if f.is_integer() else f"{f:,.1f}"


@dataclass(frozen=True)
class Failure:
    """One object that fails a rule.

    Parameters
    ----------
    rule
        Id of the rule.
    severity
        ``"failure"`` or ``"advisory"``.
    layer
        Layer of the failing object (``"buildings"``, ``"roads"``, ``"grids"`` ...).
    object_id
        Its code (or name, for layers keyed by name; road name and stretch number
        for road stretches).
    name
        Its name, if any.
    community, grid
        Codes of the community and grid it lies in (the grid holding its
        representative point; the nearest grid when it lies in none).
    workers
        Names of that grid's workers on the run's date, grid head first.
    measured
        The measured figure (distance or gap length in m, count, days, hours,
        percent); ``None`` when it cannot be measured (e.g. never inspected).
    unit
        Unit of ``measured`` and of the threshold.
    threshold
        The threshold the figure was compared with.
    message, message_zh
        One sentence in English and in Chinese.
    geometry
        What to draw, EPSG:4326: a point, a line (a road stretch, or the line from
        a café to a school) or a polygon (building, compound, grid, gap).
    lon, lat
        Representative point (EPSG:4326) used to find the grid; the map zooms to it.
    details
        Rule-specific extra figures (nearest object, stretch start and end ...).
    """

    rule: str
    severity: str
    layer: str
    object_id: str
    name: str | None
    community: str | None
    grid: str | None
    workers: tuple[str, ...]
    measured: float | None
    unit: str
    threshold: Any
    message: str
    message_zh: str
    geometry: BaseGeometry | None = field(default=None, repr=False, compare=False)
    lon: float | None = None
    lat: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def text(self, lang: str = "zh") -> str:
        """Return the message in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.message_zh if lang == "zh" else self.message

    def as_dict(self) -> dict[str, Any]:
        """Return the failure as JSON data (the stable ``gridmap check --format json`` shape)."""
        return {
            "layer": self.layer,
            "object_id": self.object_id,
            "name": self.name,
            "community": self.community,
            "grid": self.grid,
            "workers": list(self.workers),
            "measured": _jsonable(self.measured),
            "unit": self.unit,
            "threshold": _jsonable(self.threshold),
            "severity": self.severity,
            "message": self.message,
            "message_zh": self.message_zh,
            "lon": _jsonable(self.lon),
            "lat": _jsonable(self.lat),
            "details": _jsonable(dict(self.details)),
        }


def _positional(template: str, names: list[str]) -> str | None:
    """Return ``template`` with its named fields numbered (``names`` then ``threshold``).

    ``None`` when a field is not a plain name among them (attribute or index
    access, positional fields, a missing name): such templates are formatted by name.
    """
    order = {name: i for i, name in enumerate([*names, "threshold"])}
    parts = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for literal, field_name, spec, conversion in parsed:
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if field_name is None:
            continue
        if field_name not in order or "{" in (spec or ""):
            return None
        conv = f"!{conversion}" if conversion else ""
        parts.append("{" + str(order[field_name]) + conv + (f":{spec}" if spec else "") + "}")
    return "".join(parts)


def _optional_float(value: float) -> float | None:
    return None if math.isnan(value) else value


@dataclass(eq=False)
class FailureTable:
    """The failures of one rule as columns: one array per field, one row per failure.

    Rules hand the registry their findings as columns; nothing here makes a
    Python object per failure. Messages are rendered only when asked for
    (:meth:`messages`, for the rows shown or exported), and :meth:`failures`
    materialises :class:`Failure` objects for the rows a caller wants.

    Parameters
    ----------
    rule, severity, unit
        The rule's id, severity and unit (the same on every row).
    layer, object_id, name, community, grid
        Object arrays, one value per row.
    measured
        float64; NaN where the figure cannot be measured (``None`` in a Failure).
    threshold
        Object array: the threshold each row was held to.
    key
        Object array: message key of each row (``checks.msg.<key>`` in :mod:`gridmap.i18n`).
    args
        Name -> object array: the message's fields (:data:`ABSENT` where a row lacks one).
    geometry
        Object array of shapely geometries in EPSG:4326 (``None`` allowed).
    lon, lat
        float64 representative point; NaN where there is none.
    details
        Name -> object array of JSON-ready extra figures (:data:`ABSENT` where missing).
    workers_by_grid
        Grid code -> worker names (grid head first) on the run's date.
    """

    rule: str
    severity: str
    unit: str
    layer: np.ndarray
    object_id: np.ndarray
    name: np.ndarray
    community: np.ndarray
    grid: np.ndarray
    measured: np.ndarray
    threshold: np.ndarray
    key: np.ndarray
    args: dict[str, np.ndarray]
    geometry: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    details: dict[str, np.ndarray]
    workers_by_grid: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def empty(cls, rule: str, severity: str, unit: str) -> FailureTable:
        """Return a table with no rows."""
        obj = np.zeros(0, dtype=object)
        num = np.zeros(0, dtype=np.float64)
        return cls(rule, severity, unit, obj, obj, obj, obj, obj, num, obj, obj, {}, obj,
                   num, num, {})

    def __len__(self) -> int:
        return len(self.object_id)

    def take(self, rows: Any) -> FailureTable:
        """Return the rows ``rows`` (positions, a slice or a boolean mask) as a new table."""
        def cut(a: np.ndarray) -> np.ndarray:
            return a[rows]

        return FailureTable(
            self.rule, self.severity, self.unit,
            cut(self.layer), cut(self.object_id), cut(self.name), cut(self.community),
            cut(self.grid), cut(self.measured), cut(self.threshold), cut(self.key),
            {k: cut(v) for k, v in self.args.items()}, cut(self.geometry), cut(self.lon),
            cut(self.lat), {k: cut(v) for k, v in self.details.items()}, self.workers_by_grid,
        )

    def chunks(self, size: int = 20_000) -> Any:
        """Yield the table in consecutive pieces of at most ``size`` rows."""
        for start in range(0, len(self), size):
            yield self.take(slice(start, start + size))

    def workers(self) -> list[tuple[str, ...]]:
        """Return the workers of each row's grid (grid head first)."""
        get = self.workers_by_grid.get
        return [get(g, ()) if g is not None else () for g in self.grid.tolist()]

    def failed(self) -> int:
        """Return the number of distinct (layer, object) pairs with at least one row."""
        if not len(self):
            return 0
        ids = self.object_id.tolist()
        if len(set(self.layer.tolist())) == 1:  # the common case: no pairs to make
            return len(set(ids))
        return len(set(zip(self.layer.tolist(), ids, strict=True)))

    def threshold_texts(self, lang: str = "en") -> list[str]:
        """Return each row's threshold as text in ``lang`` (each distinct one formatted once)."""
        return self._per_threshold(lambda value: threshold_text(value, self.unit, lang=lang))

    def _per_threshold(self, render: Any) -> list[Any]:
        """Return ``render(threshold)`` of each row, computed once per distinct threshold.

        Rows share threshold objects (a rule holds every row to one figure), so
        the objects are told apart by identity first (no hashing of lists or
        tables), then by ``repr``.
        """
        values = self.threshold.tolist()
        if not values:
            return []
        ids = np.fromiter(map(id, values), dtype=np.uint64, count=len(values))
        _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        by_repr: dict[str, Any] = {}
        rendered = np.empty(len(first), dtype=object)
        for j, i in enumerate(first.tolist()):
            rep = repr(values[i])
            if rep not in by_repr:
                by_repr[rep] = render(values[i])
            rendered[j] = by_repr[rep]
        return rendered[inverse.ravel()].tolist()

    def messages(self, lang: str = "en") -> list[str]:
        """Return each row's message in ``lang``, formatted from its key and values.

        Each template is looked up once and, where every row of a key has every
        field, applied by one ``str.format`` per row with no Python loop around
        it; a row whose values do not fit its template gets the template
        unformatted (as :func:`gridmap.i18n.t` does).
        """
        n = len(self)
        if not n:
            return []
        thresholds = np.array(self.threshold_texts(lang), dtype=object)
        codes, keys = pd.factorize(self.key)
        if len(keys) == 1:
            return self._messages_of(str(keys[0]), slice(None), thresholds, lang)
        out = np.empty(n, dtype=object)
        for code, key in enumerate(keys):
            rows = np.flatnonzero(codes == code)
            out[rows] = self._messages_of(str(key), rows, thresholds, lang)
        return out.tolist()

    def _messages_of(self, key: str, rows: Any, thresholds: np.ndarray, lang: str) -> list[str]:
        """Return the messages of the rows ``rows``, which all have the message key ``key``."""
        template = i18n.t(f"checks.msg.{key}", lang)
        columns, sparse = {}, set()
        for name, col in self.args.items():
            values = col[rows].tolist()
            missing = sum(is_absent(values, ABSENT))
            if missing == len(values):
                continue
            if Msg in set(map(type, values)):  # a value that is a message itself (a tiling
                values = [v.text(lang) if type(v) is Msg else v for v in values]  # reason)
            columns[name] = values
            if missing:
                sparse.add(name)
        held = thresholds[rows].tolist()
        positional = None if sparse else _positional(template, list(columns))
        if positional is not None:  # the fast path: every row has every field
            try:
                return list(map(positional.format, *columns.values(), held))
            except (IndexError, ValueError, KeyError, TypeError, AttributeError):
                pass  # a value that does not fit: format row by row below
        out = []
        for i, threshold in enumerate(held):
            values = {name: col[i] for name, col in columns.items()
                      if name not in sparse or col[i] is not ABSENT}
            try:
                out.append(template.format(**values, threshold=threshold))
            except (KeyError, IndexError, ValueError):
                out.append(template)
        return out

    def records(
        self, *, messages: tuple[list[str], list[str]] | None = None
    ) -> list[dict[str, Any]]:
        """Return the rows as JSON data (the shape of :meth:`Failure.as_dict`).

        :meth:`json_lines` read back, so the two never differ.
        """
        return [json.loads(line) for line in self.json_lines(messages=messages)]

    def json_lines(
        self, *, messages: tuple[list[str], list[str]] | None = None
    ) -> list[str]:
        """Return each row as compact JSON text: ``json.dumps`` of :meth:`records`, column-wise.

        The text is what ``json.dumps(record, ensure_ascii=False)`` writes for each
        record, built a column at a time (:mod:`gridmap.checks._encode`) so that a
        city's hundreds of thousands of failures are written without a dict each.
        """
        n = len(self)
        if not n:
            return []
        en, zh = messages if messages is not None else (self.messages("en"), self.messages("zh"))
        worker_texts = {g: _encode.json_cells([list(w)], _jsonable)[0]
                        for g, w in self.workers_by_grid.items()}
        grids = self.grid.tolist()
        fields: list[tuple[str, Any]] = [
            ("layer", _encode.json_cells(self.layer.tolist(), _jsonable)),
            ("object_id", _encode.json_cells(self.object_id.tolist(), _jsonable)),
            ("name", _encode.json_cells(self.name.tolist(), _jsonable)),
            ("community", _encode.json_cells(self.community.tolist(), _jsonable)),
            ("grid", _encode.json_cells(grids, _jsonable)),
            ("workers", list(map(worker_texts.get, grids, repeat("[]")))),
            ("measured", _encode.float_cells(self.measured)),
            ("unit", _encode.json_cells([self.unit], _jsonable)[0]),
            ("threshold", self._per_threshold(
                lambda value: _encode.json_cells([value], _jsonable)[0])),
            ("severity", _encode.json_cells([self.severity], _jsonable)[0]),
            ("message", _encode.json_cells(en, _jsonable)),
            ("message_zh", _encode.json_cells(zh, _jsonable)),
            ("lon", _encode.float_cells(self.lon)),
            ("lat", _encode.float_cells(self.lat)),
            ("details", _encode.object_cells(self.details, n, ABSENT, _jsonable)),
        ]
        return _encode.row_texts(fields, n)

    def failures(self) -> list[Failure]:
        """Return the rows as :class:`Failure` objects (messages rendered for these rows)."""
        en, zh = self.messages("en"), self.messages("zh")
        details = self._raw_details()
        return [
            Failure(
                rule=self.rule,
                severity=self.severity,
                layer=layer,
                object_id=oid,
                name=name,
                community=community,
                grid=grid,
                workers=workers,
                measured=_optional_float(measured),
                unit=self.unit,
                threshold=threshold,
                message=m_en,
                message_zh=m_zh,
                geometry=geom,
                lon=_optional_float(lon),
                lat=_optional_float(lat),
                details=detail,
            )
            for layer, oid, name, community, grid, workers, measured, threshold, m_en, m_zh,
            geom, lon, lat, detail in zip(
                self.layer.tolist(), self.object_id.tolist(), self.name.tolist(),
                self.community.tolist(), self.grid.tolist(), self.workers(),
                self.measured.tolist(), self.threshold.tolist(), en, zh, self.geometry,
                self.lon.tolist(), self.lat.tolist(), details, strict=True,
            )
        ]

    def _raw_details(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [{} for _ in range(len(self))]
        for name, col in self.details.items():
            for row, value in zip(rows, col.tolist(), strict=True):
                if value is not ABSENT:
                    row[name] = value
        return rows

    def frame_columns(self, *, family: str, title_zh: str, title_en: str,
                      source: str) -> dict[str, Any]:
        """Return the :data:`FAILURE_COLUMNS` of these rows as columns."""
        n = len(self)
        return {
            "rule": [self.rule] * n,
            "family": [family] * n,
            "severity": [self.severity] * n,
            "rule_title_zh": [title_zh] * n,
            "rule_title_en": [title_en] * n,
            "source": [source] * n,
            "layer": self.layer.tolist(),
            "object_id": self.object_id.tolist(),
            "name": self.name.tolist(),
            "community": self.community.tolist(),
            "grid": self.grid.tolist(),
            "workers": ["、".join(w) for w in self.workers()],
            "measured": self.measured,
            "unit": [self.unit] * n,
            "threshold": self.threshold_texts("en"),
            "message": self.messages("en"),
            "message_zh": self.messages("zh"),
            "lon": self.lon,
            "lat": self.lat,
        }


@dataclass
class CheckResult:
    """The outcome of one rule.

    Parameters
    ----------
    rule
        Rule id.
    family
        Rule family (``integrity``, ``waste``, ``boards``, ``schools``, ``fitness``,
        ``issues``).
    title_zh, title_en
        The rule's title.
    source
        Standard and clause (or "campaign plan") the rule comes from.
    severity
        ``"failure"`` or ``"advisory"``.
    threshold
        The threshold used (its primary parameter).
    unit
        Unit of the threshold and of each failure's measured figure.
    params
        Every parameter the rule ran with.
    checked
        Number of objects checked.
    table
        The failures as columns (:class:`FailureTable`): one row per failing
        object (or per uncovered stretch: a road can have several).
        :attr:`failures` gives them as :class:`Failure` objects.
    coverage_source
        Context to draw with the failures (coverage circles, the 200 m buffers
        around schools): a GeoDataFrame (EPSG:4326, ``kind`` column), ``None``, or a
        function making it, called when :attr:`coverage` is first read.
    note
        Why nothing was checked, when a needed layer is empty.
    elapsed_s
        Run time of the rule in seconds.
    """

    rule: str
    family: str
    title_zh: str
    title_en: str
    source: str
    severity: str
    threshold: Any
    unit: str
    params: Mapping[str, Any]
    checked: int
    table: FailureTable | None = field(default=None, repr=False, compare=False)
    coverage_source: Any = field(default=None, repr=False, compare=False)
    note: str = ""
    elapsed_s: float = 0.0

    def __post_init__(self) -> None:
        if self.table is None:
            self.table = FailureTable.empty(self.rule, self.severity, self.unit)
        self._failures: list[Failure] | None = None

    @property
    def failures(self) -> list[Failure]:
        """The failures as :class:`Failure` objects, made from :attr:`table` when first read."""
        if self._failures is None:
            self._failures = self.table.failures()
        return self._failures

    def __len__(self) -> int:
        return len(self.table)

    @property
    def coverage(self) -> gpd.GeoDataFrame | None:
        """Coverage shapes (EPSG:4326, ``kind`` column), built when first asked for."""
        if callable(self.coverage_source):
            self.coverage_source = self.coverage_source()
        return self.coverage_source

    @property
    def failed(self) -> int:
        """Number of distinct objects with at least one failure."""
        return self.table.failed()

    @property
    def passed(self) -> int:
        """Number of checked objects without a failure."""
        return max(self.checked - self.failed, 0)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not len(self.table)

    def title(self, lang: str = "zh") -> str:
        """Return the rule title in ``lang``."""
        return self.title_zh if lang == "zh" else self.title_en

    def threshold_label(self, lang: str = "en") -> str:
        """Return the threshold with its unit, as text in ``lang``."""
        return threshold_text(self.threshold, self.unit, lang=lang)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON data (one entry of the ``"rules"`` list)."""
        return {**self._head(), "failures": self.table.records()}

    def header(self) -> dict[str, Any]:
        """Return :meth:`as_dict` without ``failures`` (what a streaming writer writes first)."""
        return self._head()

    def _head(self) -> dict[str, Any]:
        return {
            "id": self.rule,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "family": self.family,
            "source": self.source,
            "severity": self.severity,
            "threshold": _jsonable(self.threshold),
            "unit": self.unit,
            "params": _jsonable(dict(self.params)),
            "checked": self.checked,
            "passed": self.passed,
            "failed": self.failed,
            "note": self.note,
        }

    def to_frame(self, rows: Any = None) -> gpd.GeoDataFrame:
        """Return the failures (or rows ``rows`` of :attr:`table`) as a GeoDataFrame (EPSG:4326).

        Columns :data:`FAILURE_COLUMNS`; messages are rendered for these rows only.
        """
        return _frames([(self, self.table if rows is None else self.table.take(rows))])

    def to_frame_of(self, table: FailureTable) -> gpd.GeoDataFrame:
        """Return ``table`` (rows of :attr:`table`) as a GeoDataFrame, like :meth:`to_frame`."""
        return _frames([(self, table)])

    def frame_columns(self, table: FailureTable) -> dict[str, Any]:
        """Return the :data:`FAILURE_COLUMNS` of ``table`` (rows of this rule)."""
        return table.frame_columns(family=self.family, title_zh=self.title_zh,
                                   title_en=self.title_en, source=self.source)


def _frames(parts: list[tuple[CheckResult, FailureTable]]) -> gpd.GeoDataFrame:
    """Return the rows of several rules' tables as one GeoDataFrame (:data:`FAILURE_COLUMNS`)."""
    data: dict[str, list[Any]] = {name: [] for name in FAILURE_COLUMNS}
    geoms: list[Any] = []
    for result, table in parts:
        columns = result.frame_columns(table)
        for name in FAILURE_COLUMNS:
            data[name].extend(np.asarray(columns[name]).tolist()
                              if isinstance(columns[name], np.ndarray) else columns[name])
        geoms.extend(table.geometry.tolist())
    frame = pd.DataFrame(data, columns=list(FAILURE_COLUMNS))
    frame["measured"] = frame["measured"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    frame["lat"] = frame["lat"].astype(float)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=_WGS84), crs=_WGS84)


@dataclass
class CheckReport:
    """The results of one check run.

    Parameters
    ----------
    results
        One :class:`CheckResult` per rule run, in registry order.
    as_of
        The date whose assignments name the workers.
    community
        Community code the run was limited to, or ``None`` for the whole street.
    grids
        One row per grid in scope: ``code``, ``community``, ``workers`` (tuple of
        names, grid head first); used for scores.
    elapsed_s
        Total run time in seconds.
    """

    results: list[CheckResult]
    as_of: dt.date
    community: str | None = None
    grids: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"code": [], "community": [], "workers": []})
    )
    elapsed_s: float = 0.0
    weights: Mapping[str, float] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def result(self, rule: str) -> CheckResult:
        """Return the result of rule ``rule``.

        Raises
        ------
        gridmap.errors.InputError
            If that rule did not run.
        """
        for r in self.results:
            if r.rule == rule:
                return r
        ran = [r.rule for r in self.results]
        raise InputError.keyed("rules.did_not_run", rule=rule, ran=ran)

    @property
    def failures(self) -> list[Failure]:
        """Every failure of every rule, in rule order (materialised: prefer :meth:`tables`)."""
        return [f for r in self.results for f in r.failures]

    def tables(self) -> list[tuple[CheckResult, FailureTable]]:
        """Return each rule's result with its failure table, in rule order."""
        return [(r, r.table) for r in self.results]

    def failure_count(self) -> int:
        """Return the number of failure rows of every rule (without materialising them)."""
        return sum(len(r.table) for r in self.results)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON data: ``{"as_of", "community", "rules": [...]}``."""
        return {
            "as_of": self.as_of.isoformat(),
            "community": self.community,
            "rules": [r.as_dict() for r in self.results],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the report as JSON text (the contract of ``gridmap check --format json``).

        Indented, each failure is one line (as ``gridmap check`` streams it, see
        :func:`gridmap.checks.export.write_json`); ``indent=None`` gives one line.
        """
        if indent is None:
            return json.dumps(self.as_dict(), ensure_ascii=False)
        import io

        from gridmap.checks.export import write_json

        buffer = io.StringIO()
        write_json(self, buffer)
        return buffer.getvalue()

    def to_frame(self) -> gpd.GeoDataFrame:
        """Return every failure as one GeoDataFrame (EPSG:4326), columns :data:`FAILURE_COLUMNS`."""
        return _frames(self.tables())

    def summary(self) -> pd.DataFrame:
        """Return one row per rule: id, titles, family, severity, threshold, counts, source."""
        return pd.DataFrame(
            {
                "rule": [r.rule for r in self.results],
                "rule_title_zh": [r.title_zh for r in self.results],
                "rule_title_en": [r.title_en for r in self.results],
                "family": [r.family for r in self.results],
                "severity": [r.severity for r in self.results],
                "threshold": [r.threshold_label() for r in self.results],
                "checked": [r.checked for r in self.results],
                "passed": [r.passed for r in self.results],
                "failed": [r.failed for r in self.results],
                "source": [r.source for r in self.results],
            }
        )

    def coverage(self) -> gpd.GeoDataFrame:
        """Return the coverage shapes of every rule (EPSG:4326), with ``rule`` and ``kind``."""
        parts = [
            r.coverage.assign(rule=r.rule)
            for r in self.results
            if r.coverage is not None and len(r.coverage)
        ]
        if not parts:
            return gpd.GeoDataFrame({"rule": [], "kind": []}, geometry=[], crs=_WGS84)
        return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=_WGS84)

    def scores(self, level: str = "grid") -> pd.DataFrame:
        """Return the share of rules met per grid, community or worker, weighted by rule.

        A grid meets a rule when no failure of that rule is attributed to it; a
        community or a worker meets it when none of its grids has one. The score is
        ``100 × Σ weight(rules met) / Σ weight(rules run)``; weights come from the
        rule configuration (``weight``, default 1 for failures, 0.5 for advisories).

        Parameters
        ----------
        level
            ``"grid"``, ``"community"`` or ``"worker"``.

        Returns
        -------
        pandas.DataFrame
            ``key`` (grid code, community code or worker name), ``score`` (0–100),
            ``failures`` (count), ``rules_failed`` (ids, comma-separated); lowest score
            first.

        Raises
        ------
        gridmap.errors.InputError
            For an unknown level.
        """
        if level not in ("grid", "community", "worker"):
            raise InputError.keyed("rules.score_level", level=level)
        weights = {r.rule: float(self.weights.get(r.rule, 1.0)) for r in self.results}
        total = sum(weights.values())
        grids = self.grids
        if level == "grid":
            keys = list(grids["code"])
        elif level == "community":
            keys = sorted({c for c in grids["community"] if isinstance(c, str)})
        else:
            keys = sorted({w for ws in grids["workers"] for w in ws})
        failed: dict[str, set[str]] = {k: set() for k in keys}
        counts: dict[str, int] = dict.fromkeys(keys, 0)
        for r in self.results:
            table = r.table
            if not len(table):
                continue
            if level == "worker":
                owners = pd.Series([w for ws in table.workers() for w in ws], dtype=object)
            else:
                column = table.grid if level == "grid" else table.community
                owners = pd.Series(column, dtype=object)
            for owner, n in owners.value_counts(dropna=True).items():
                if owner in failed:
                    failed[owner].add(r.rule)
                    counts[owner] += int(n)
        score = [
            100.0 * (total - sum(weights[r] for r in failed[k])) / total if total else 100.0
            for k in keys
        ]
        out = pd.DataFrame(
            {
                "key": keys,
                "score": np.round(score, 1),
                "failures": [counts[k] for k in keys],
                "rules_failed": [", ".join(sorted(failed[k])) for k in keys],
            }
        )
        return out.sort_values(["score", "key"], kind="stable").reset_index(drop=True)
