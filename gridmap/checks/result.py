"""What a check run returns: one :class:`CheckResult` per rule, each with its failures.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from gridmap import i18n
from gridmap.errors import InputError

__all__ = ["FAILURE_COLUMNS", "SEVERITIES", "CheckReport", "CheckResult", "Failure"]

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
    failures
        One entry per failing object (or per uncovered stretch: a road can have
        several).
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
    failures: list[Failure] = field(default_factory=list)
    coverage_source: Any = field(default=None, repr=False, compare=False)
    note: str = ""
    elapsed_s: float = 0.0

    @property
    def coverage(self) -> gpd.GeoDataFrame | None:
        """Coverage shapes (EPSG:4326, ``kind`` column), built when first asked for."""
        if callable(self.coverage_source):
            self.coverage_source = self.coverage_source()
        return self.coverage_source

    @property
    def failed(self) -> int:
        """Number of distinct objects with at least one failure."""
        return len({(f.layer, f.object_id) for f in self.failures})

    @property
    def passed(self) -> int:
        """Number of checked objects without a failure."""
        return max(self.checked - self.failed, 0)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def title(self, lang: str = "zh") -> str:
        """Return the rule title in ``lang``."""
        return self.title_zh if lang == "zh" else self.title_en

    def threshold_label(self, lang: str = "en") -> str:
        """Return the threshold with its unit, as text in ``lang``."""
        return threshold_text(self.threshold, self.unit, lang=lang)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON data (one entry of the ``"rules"`` list)."""
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
            "failures": [f.as_dict() for f in self.failures],
        }

    def to_frame(self) -> gpd.GeoDataFrame:
        """Return the failures as a GeoDataFrame (EPSG:4326), columns :data:`FAILURE_COLUMNS`."""
        return _frame([(self, f) for f in self.failures])


def _frame(rows: list[tuple[CheckResult, Failure]]) -> gpd.GeoDataFrame:
    data: dict[str, list[Any]] = {name: [] for name in FAILURE_COLUMNS}
    geoms = []
    for result, f in rows:
        values = {
            "rule": f.rule,
            "family": result.family,
            "severity": f.severity,
            "rule_title_zh": result.title_zh,
            "rule_title_en": result.title_en,
            "source": result.source,
            "layer": f.layer,
            "object_id": f.object_id,
            "name": f.name,
            "community": f.community,
            "grid": f.grid,
            "workers": "、".join(f.workers),
            "measured": np.nan if f.measured is None else float(f.measured),
            "unit": f.unit,
            "threshold": threshold_text(f.threshold, f.unit),
            "message": f.message,
            "message_zh": f.message_zh,
            "lon": np.nan if f.lon is None else f.lon,
            "lat": np.nan if f.lat is None else f.lat,
        }
        for name in FAILURE_COLUMNS:
            data[name].append(values[name])
        geoms.append(f.geometry)
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
        msg = f"rule {rule!r} did not run; ran: {', '.join(r.rule for r in self.results)}"
        raise InputError(msg)

    @property
    def failures(self) -> list[Failure]:
        """Every failure of every rule, in rule order."""
        return [f for r in self.results for f in r.failures]

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON data: ``{"as_of", "community", "rules": [...]}``."""
        return {
            "as_of": self.as_of.isoformat(),
            "community": self.community,
            "rules": [r.as_dict() for r in self.results],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the report as JSON text (the contract of ``gridmap check --format json``)."""
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=indent)

    def to_frame(self) -> gpd.GeoDataFrame:
        """Return every failure as one GeoDataFrame (EPSG:4326), columns :data:`FAILURE_COLUMNS`."""
        return _frame([(r, f) for r in self.results for f in r.failures])

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
            msg = f"unknown score level {level!r}; use grid, community or worker"
            raise InputError(msg)
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
        for f in self.failures:
            if level == "grid":
                owners = [f.grid]
            elif level == "community":
                owners = [f.community]
            else:
                owners = list(f.workers)
            for owner in owners:
                if owner in failed:
                    failed[owner].add(f.rule)
                    counts[owner] += 1
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
