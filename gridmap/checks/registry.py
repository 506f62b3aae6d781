"""The rule registry: every rule as data, and :func:`run`, which runs them on a street.

A :class:`Rule` is data: an id, a title in Chinese and English, a family, the
source it enforces (standard and clause, or "campaign plan"), its severity, the
name of its threshold parameter and the unit, its parameters (defaults in
``gridmap/rules.toml``), the layers it reads, and the function that applies it.
The rule modules (:mod:`~gridmap.checks.integrity`, :mod:`~gridmap.checks.waste`,
:mod:`~gridmap.checks.boards`, :mod:`~gridmap.checks.schools`,
:mod:`~gridmap.checks.fitness`, :mod:`~gridmap.checks.issues`) register theirs
with the :func:`rule` decorator; the function's docstring is the rule's
documentation.

Each rule function takes a :class:`~gridmap.checks._context.Context` (the layers
in a metric CRS, grids and workers) and its parameters, and returns an
:class:`~gridmap.checks._context.Outcome`; :func:`run` turns it into a
:class:`~gridmap.checks.result.CheckResult` with the grid, community and workers
of every failure.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap import i18n
from gridmap.checks._context import ABSENT, FIELD_TZ, Context, Findings, Outcome
from gridmap.checks.config import RuleConfig, default_rules, load_rules
from gridmap.checks.result import CheckReport, CheckResult, FailureTable, threshold_text
from gridmap.errors import InputError

if TYPE_CHECKING:
    from gridmap.store import Store

__all__ = [
    "EDITABLE_COLUMNS",
    "FAMILIES",
    "Param",
    "Rule",
    "RuleRun",
    "StoreLayers",
    "all_rules",
    "editable_rules",
    "get_rule",
    "layers_for",
    "rule",
    "rule_changes",
    "rules_table",
    "run",
    "run_checks_on_store",
    "select_rules",
]

#: Rule families, in the order rules are listed and run.
FAMILIES = ("integrity", "waste", "boards", "schools", "fitness", "issues")

_MODULES = (
    *(f"gridmap.checks.{family}" for family in FAMILIES),
    "gridmap.checks.responsibility",  # integrity: road-segment owners (refs #19)
)
_REGISTRY: dict[str, Rule] = {}
_LOADED = False

#: Layers every run reads, whatever the rules.
BASE_LAYERS = ("communities", "grids", "assignments", "workers")


@dataclass(frozen=True)
class Param:
    """One parameter of a rule (its default value lives in ``gridmap/rules.toml``).

    Parameters
    ----------
    name
        Key in the rule's TOML table; units in the name (``max_distance_m``).
    unit
        Unit of the value (``"m"``, ``"days"``, ``""`` for lists and switches).
    help
        One English sentence saying what it does.
    """

    name: str
    unit: str
    help: str


@dataclass(frozen=True)
class Rule:
    """A check rule, as data.

    Parameters
    ----------
    id
        Stable identifier (``"bin_reach"``), used in TOML, the CLI and JSON.
    family
        One of :data:`FAMILIES`.
    title_zh, title_en
        Short title in each language.
    source
        Standard and clause, regulation and article, or ``"campaign plan"``.
    severity
        Default severity: ``"failure"`` or ``"advisory"``.
    threshold
        Name of the parameter shown as the threshold, or two names for a band
        (``("min_households", "max_households")``).
    unit
        Unit of the threshold and of the measured figure.
    params
        The parameters the rule takes.
    layers
        Layers the rule reads (besides grids, communities, assignments and workers).
    func
        ``func(ctx, params) -> Outcome``; its docstring documents the rule.
    """

    id: str
    family: str
    title_zh: str
    title_en: str
    source: str
    severity: str
    threshold: str | tuple[str, str]
    unit: str
    params: tuple[Param, ...]
    layers: tuple[str, ...]
    func: Callable[[Context, Mapping[str, Any]], Outcome]

    @property
    def doc(self) -> str:
        """The rule's documentation (its function's docstring)."""
        return (self.func.__doc__ or "").strip()

    def title(self, lang: str = "zh") -> str:
        """Return the title in ``lang``."""
        return self.title_zh if i18n.normalize_lang(lang) == "zh" else self.title_en

    def source_text(self, lang: str = "zh") -> str:
        """Return the source as a document cites it in ``lang`` (see :mod:`.sources`)."""
        from gridmap.checks.sources import citation

        return citation(self.id, lang, default=self.source)

    def threshold_value(self, params: Mapping[str, Any]) -> Any:
        """Return the threshold: one parameter's value, or ``[low, high]`` for a band."""
        if isinstance(self.threshold, tuple):
            return [params[name] for name in self.threshold]
        return params[self.threshold]


def rule(
    *,
    id: str,
    family: str,
    title_zh: str,
    title_en: str,
    source: str,
    params: Iterable[Param],
    threshold: str | tuple[str, str] | None = None,
    unit: str | None = None,
    layers: Iterable[str] = (),
    severity: str = "failure",
) -> Callable[[Callable[[Context, Mapping[str, Any]], Outcome]], Callable]:
    """Register the decorated function as a rule (see :class:`Rule` for the fields).

    ``threshold`` defaults to the first parameter's name, and ``unit`` to the unit
    of the (first) threshold parameter.

    Returns
    -------
    callable
        A decorator returning the function unchanged.

    Raises
    ------
    gridmap.errors.InputError
        If the rule has no parameters and no threshold, or its threshold names an
        unknown parameter.
    """
    params = tuple(params)
    units = {p.name: p.unit for p in params}
    if threshold is None and not params:
        msg = f"rule {id!r} names no threshold and has no parameters"
        raise InputError(msg)  # programmer error
    threshold = params[0].name if threshold is None else threshold
    first = threshold[0] if isinstance(threshold, tuple) else threshold
    if unit is None and first not in units:
        msg = f"rule {id!r}: threshold {first!r} is not one of its parameters"
        raise InputError(msg)  # programmer error
    unit = units[first] if unit is None else unit

    def decorate(func: Callable[[Context, Mapping[str, Any]], Outcome]) -> Callable:
        if id in _REGISTRY and _REGISTRY[id].func is not func:
            msg = f"rule {id!r} registered twice"
            raise InputError(msg)  # programmer error
        from gridmap.checks.sources import citation

        _REGISTRY[id] = Rule(
            id=id,
            family=family,
            title_zh=title_zh,
            title_en=title_en,
            source=citation(id, "zh", default=source),  # the citation documents print
            severity=severity,
            threshold=threshold,
            unit=unit,
            params=params,
            layers=tuple(layers),
            func=func,
        )
        return func

    return decorate


def _load() -> None:
    global _LOADED
    if not _LOADED:
        for module in _MODULES:
            importlib.import_module(module)
        _LOADED = True


def all_rules() -> list[Rule]:
    """Return every registered rule, by family (:data:`FAMILIES`) then registration order.

    Examples
    --------
    >>> [r.id for r in all_rules()][:2]
    ['tiling', 'staffing']
    """
    _load()
    order = {family: i for i, family in enumerate(FAMILIES)}
    return sorted(_REGISTRY.values(), key=lambda r: order.get(r.family, len(order)))


def get_rule(rule_id: str) -> Rule:
    """Return the rule ``rule_id``.

    Raises
    ------
    gridmap.errors.InputError
        If there is no such rule (the message lists the known ids).
    """
    _load()
    try:
        return _REGISTRY[rule_id]
    except KeyError:
        known = [r.id for r in all_rules()]
        raise InputError.keyed("rules.unknown", rule=rule_id, known=known) from None


def select_rules(
    rules: Iterable[str] | None,
    config: Mapping[str, RuleConfig] | None = None,
    *,
    families: Iterable[str] | None = None,
) -> list[Rule]:
    """Return the rules to run: the named ones (even if disabled), else every enabled one.

    Parameters
    ----------
    rules
        Rule ids, or ``None`` for every rule enabled in ``config``.
    config
        Rule configuration (default :func:`~gridmap.checks.config.load_rules`).
    families
        Keep only the rules of these families (:data:`FAMILIES`); default all.

    Returns
    -------
    list of Rule
        In registry order.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown rule id or family.
    """
    everything = all_rules()
    if families is not None:
        wanted_families = set(families)
        unknown = wanted_families - set(FAMILIES)
        if unknown:
            raise InputError.keyed(
                "rules.unknown_family", family=sorted(unknown)[0], known=list(FAMILIES)
            )
        everything = [r for r in everything if r.family in wanted_families]
    if rules is not None:
        wanted = list(dict.fromkeys(rules))
        for rule_id in wanted:
            get_rule(rule_id)
        return [r for r in everything if r.id in set(wanted)]
    cfg = load_rules() if config is None else config
    return [r for r in everything if r.id in cfg and cfg[r.id].enabled]


def rules_table(
    config: Mapping[str, RuleConfig] | None = None, *, lang: str = "zh"
) -> list[dict[str, Any]]:
    """Describe every rule with its configured threshold (what ``gridmap rules`` lists).

    Parameters
    ----------
    config
        Rule configuration (default :func:`~gridmap.checks.config.load_rules`).
    lang
        Language of ``title``.

    Returns
    -------
    list of dict
        ``id, title, title_zh, title_en, family, severity, threshold, unit,
        threshold_text, source, enabled, weight, params, doc`` per rule.
    """
    cfg = load_rules() if config is None else config
    out = []
    for r in all_rules():
        c = cfg[r.id]
        threshold = r.threshold_value(c.params)
        out.append(
            {
                "id": r.id,
                "title": r.title(lang),
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "family": r.family,
                "severity": c.severity,
                "threshold": threshold,
                "unit": r.unit,
                "threshold_text": threshold_text(threshold, r.unit, lang=lang),
                "source": r.source,
                "enabled": c.enabled,
                "weight": c.weight,
                "params": dict(c.params),
                "doc": r.doc,
            }
        )
    return out


#: Columns of :func:`editable_rules`.
EDITABLE_COLUMNS = ("id", "title", "enabled", "severity", "weight", "threshold", "unit")


def editable_rules(
    config: Mapping[str, RuleConfig] | None = None, *, lang: str = "zh"
) -> pd.DataFrame:
    """Return the rules as a table an admin edits: on/off, severity, weight, threshold.

    Parameters
    ----------
    config
        Rule configuration (default :func:`load_rules`).
    lang
        Language of the titles.

    Returns
    -------
    pandas.DataFrame
        One row per rule with :data:`EDITABLE_COLUMNS`; ``threshold`` holds the
        threshold when it is one number (bands and tables are edited in the TOML
        file) and is empty otherwise.
    """
    cfg = load_rules() if config is None else config
    rows = []
    for r in all_rules():
        c = cfg[r.id]
        value = r.threshold_value(c.params)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        rows.append({"id": r.id, "title": r.title(lang), "enabled": c.enabled,
                     "severity": c.severity, "weight": float(c.weight),
                     "threshold": float(value) if number else None,
                     "unit": r.unit})
    return pd.DataFrame(rows, columns=list(EDITABLE_COLUMNS))


def rule_changes(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return what an edited :func:`editable_rules` table changes, for :func:`save_rules`.

    Parameters
    ----------
    before, after
        The table as shown and as edited (same rows, same order).

    Returns
    -------
    dict
        Rule id -> ``{key: new value}`` for the changed cells only.
    """
    changes: dict[str, dict[str, Any]] = {}
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        diff: dict[str, Any] = {}
        for key in ("enabled", "severity", "weight"):
            if new[key] != old[key]:
                cast = {"enabled": bool, "weight": float, "severity": str}[key]
                diff[key] = cast(new[key])
        if (old["threshold"] is not None and not pd.isna(old["threshold"])
                and new["threshold"] != old["threshold"]):
            rule = get_rule(str(old["id"]))
            name = rule.threshold if isinstance(rule.threshold, str) else None
            if name is not None:
                default = default_rules()[rule.id].params[name]
                value = float(new["threshold"])
                keep_int = isinstance(default, int) and value.is_integer()
                diff[name] = int(value) if keep_int else value
        if diff:
            changes[str(old["id"])] = diff
    return changes


# --------------------------------------------------------------------------- running


def _moment(as_of: dt.date | dt.datetime | None) -> tuple[dt.date, dt.datetime]:
    """Return (date for assignments, UTC moment for deadlines); see :func:`run`."""
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(FIELD_TZ).date()
    if as_of is None:
        return today, now
    if isinstance(as_of, dt.datetime):
        local = as_of if as_of.tzinfo else as_of.replace(tzinfo=FIELD_TZ)
        return local.astimezone(FIELD_TZ).date(), local.astimezone(dt.UTC)
    if isinstance(as_of, dt.date):
        if as_of == today:
            return as_of, now
        start = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=FIELD_TZ)
        return as_of, start.astimezone(dt.UTC)
    raise InputError.keyed("rules.as_of", value=as_of)


def _details_to_lonlat(details: dict[str, np.ndarray], ctx: Context) -> dict[str, np.ndarray]:
    """Return the details columns as JSON-ready data: points as [lon, lat], other shapes dropped.

    Columns holding points come after the others (as a finding's points always did).
    """
    plain: dict[str, np.ndarray] = {}
    spots: dict[str, np.ndarray] = {}
    for name, col in details.items():
        if not any(issubclass(t, shapely.Geometry) for t in set(map(type, col.tolist()))):
            plain[name] = col
            continue
        is_geom = np.array([isinstance(v, shapely.Geometry) for v in col.tolist()], dtype=bool)
        is_point = np.array([isinstance(v, shapely.Point) for v in col.tolist()], dtype=bool)
        out = col.copy()
        out[is_geom] = ABSENT
        if is_point.any():
            xy = shapely.get_coordinates(ctx.to_wgs84(col[is_point]))
            pairs = np.empty(int(is_point.sum()), dtype=object)
            pairs[:] = [[round(float(x), 7), round(float(y), 7)] for x, y in xy.tolist()]
            out[is_point] = pairs
        (spots if is_point.any() else plain)[name] = out
    return {**plain, **spots}


def _geometry_wgs84(cols: Findings, keep: np.ndarray, ctx: Context) -> np.ndarray:
    """Return the findings' geometries in EPSG:4326: as the rule gave them, else projected."""
    geoms = cols.geometry[keep]
    if cols.geometry_wgs84 is None:
        return ctx.to_wgs84(geoms)
    out = cols.geometry_wgs84[keep]
    todo = np.flatnonzero(np.array([g is None for g in out.tolist()], dtype=bool)
                          & ~shapely.is_missing(geoms))
    if len(todo):
        out[todo] = ctx.to_wgs84(geoms[todo])
    return out


def _coverage_maker(outcome: Outcome, ctx: Context) -> Callable[[], gpd.GeoDataFrame] | None:
    """Return a function building the coverage frame (EPSG:4326) when first asked for."""
    if outcome.coverage is None:
        return None
    shapes = outcome.coverage

    def make() -> gpd.GeoDataFrame:
        geoms = shapes() if callable(shapes) else shapes
        kinds = outcome.coverage_kind
        if kinds is None or isinstance(kinds, str):
            kinds = [kinds or "coverage"] * len(geoms)
        return gpd.GeoDataFrame(
            {"kind": list(kinds)},
            geometry=gpd.GeoSeries(ctx.to_wgs84(geoms), crs="EPSG:4326"),
            crs="EPSG:4326",
        )

    return make


def _finish(
    r: Rule, cfg: RuleConfig, ctx: Context, outcome: Outcome, elapsed_s: float
) -> CheckResult:
    """Attach grid, community and workers to the findings (as columns) and build the result."""
    params = dict(cfg.params)
    threshold = r.threshold_value(params)
    found = outcome.findings
    cols = found if isinstance(found, Findings) else Findings.from_list(found)
    n = len(cols)
    geoms = cols.geometry
    anchors = np.full(n, None, dtype=object) if cols.anchor is None else cols.anchor.copy()
    need = np.array([a is None for a in anchors.tolist()], dtype=bool)
    if need.any():
        on = geoms[need]
        ok = ~(shapely.is_missing(on) | shapely.is_empty(on))
        pts = np.full(len(on), None, dtype=object)
        pts[ok] = shapely.point_on_surface(on[ok])
        anchors[need] = pts
    known_grid = np.full(n, None, dtype=object) if cols.grid is None else cols.grid
    no_grid = np.array([g is None for g in known_grid.tolist()], dtype=bool)
    # only a row that names no grid is placed by its anchor
    located = no_grid & np.array([a is not None for a in anchors.tolist()], dtype=bool)
    grid_idx = np.full(n, -1, dtype=np.int64)
    if located.any():
        grid_idx[located] = ctx.grid_index(anchors[located], nearest=True)

    known_comm = np.full(n, None, dtype=object) if cols.community is None else cols.community
    has = grid_idx >= 0
    safe = np.clip(grid_idx, 0, None)
    grids = known_grid.copy()
    if len(ctx.grid_codes):
        fill = no_grid & has
        grids[fill] = ctx.grid_codes[safe[fill]]
    communities = known_comm.copy()
    no_comm = np.array([c is None for c in communities.tolist()], dtype=bool)
    if len(ctx.grid_community):
        fill = no_comm & no_grid & has
        communities[fill] = ctx.grid_community[safe[fill]]
    still = np.array([c is None for c in communities.tolist()], dtype=bool)
    if still.any():
        lookup = ctx.community_of_grid
        communities[still] = [lookup.get(g) if g is not None else None
                              for g in grids[still].tolist()]
    if ctx.community is None:
        keep = np.arange(n)
    else:
        keep = np.flatnonzero(np.array([c == ctx.community for c in communities.tolist()],
                                       dtype=bool))
    lonlat = ctx.lonlat(anchors[keep])
    thresholds = np.empty(len(keep), dtype=object)
    thresholds.fill(threshold)
    if cols.threshold is not None:
        own = cols.threshold[keep]
        set_own = np.array([t is not None for t in own.tolist()], dtype=bool)
        thresholds[set_own] = own[set_own]
    table = FailureTable(
        rule=r.id,
        severity=cfg.severity,
        unit=r.unit,
        layer=cols.layer[keep],
        object_id=cols.object_id[keep],
        name=cols.name[keep],
        community=communities[keep],
        grid=grids[keep],
        measured=cols.measured[keep],
        threshold=thresholds,
        key=cols.key[keep],
        args={k: v[keep] for k, v in cols.args.items()},
        geometry=_geometry_wgs84(cols, keep, ctx),
        lon=lonlat[:, 0].copy(),
        lat=lonlat[:, 1].copy(),
        details=_details_to_lonlat({k: v[keep] for k, v in cols.details.items()}, ctx),
        workers_by_grid=ctx.grid_workers,
    )
    checked_comm = np.asarray(outcome.checked_community, dtype=object)
    checked = int((checked_comm == ctx.community).sum()) if ctx.community else len(checked_comm)
    return CheckResult(
        rule=r.id,
        family=r.family,
        title_zh=r.title_zh,
        title_en=r.title_en,
        source=r.source,
        severity=cfg.severity,
        threshold=threshold,
        unit=r.unit,
        params=params,
        checked=checked,
        table=table,
        coverage_source=_coverage_maker(outcome, ctx),
        note=outcome.note,
        elapsed_s=elapsed_s,
    )


def run(
    layers: Mapping[str, pd.DataFrame],
    *,
    rules: Iterable[str] | None = None,
    config: Mapping[str, RuleConfig] | None = None,
    as_of: dt.date | dt.datetime | None = None,
    community: str | None = None,
    progress: Callable[[int, int, str | None], None] | None = None,
    families: Iterable[str] | None = None,
) -> CheckReport:
    """Run check rules on in-memory layers.

    Parameters
    ----------
    layers
        Layer name -> frame, as :meth:`gridmap.store.Store.read_layer` returns it:
        GeoDataFrames in EPSG:4326 with the canonical columns of
        :data:`gridmap.model.LAYERS`; ``assignments`` (all rows, or those valid on
        ``as_of``), ``workers`` and ``maintenance`` as plain frames. Missing layers
        count as empty (rules that need them check nothing).
    rules
        Rule ids to run (even disabled ones); default every enabled rule.
    config
        Rule configuration; default :func:`~gridmap.checks.config.load_rules`.
    as_of
        The date whose assignments name the workers (default today). For deadlines
        and ages, a date means the start of that day in China time (UTC+8), except
        today, which means now; a datetime is used as it is (naive means China
        time, like field times).
    community
        Limit the results to this community's objects (neighbours outside it still
        count: a collection point across the road serves the building).
    progress
        Called as ``progress(done, total, rule_id)`` before each rule and once at the
        end with ``rule_id=None``.
    families
        Run only the rules of these families (``["integrity"]`` is what
        ``gridmap validate`` runs); default every family.

    Returns
    -------
    CheckReport
        One result per rule, in registry order.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown rule or community, or a bad configuration file.
    gridmap.errors.CRSError
        If a layer is not in EPSG:4326.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> grids = gpd.GeoDataFrame({"code": ["g1"], "community": ["c1"], "households": [120]},
    ...                          geometry=[shapely.box(120.0, 30.0, 120.01, 30.01)], crs=4326)
    >>> report = run({"grids": grids}, rules=["grid_households"], as_of=dt.date(2026, 11, 1))
    >>> report.result("grid_households").failures[0].measured
    120.0
    """
    start = time.perf_counter()
    plan = RuleRun(layers, rules=rules, config=config, as_of=as_of, community=community,
                   families=families)
    total = len(plan.selected)
    results = []
    for i, r in enumerate(plan.selected):
        if progress is not None:
            progress(i, total, r.id)
        results.append(plan.result(i))
    if progress is not None:
        progress(total, total, None)
    return plan.report(results, elapsed_s=time.perf_counter() - start)


class RuleRun:
    """One check run prepared: the rules selected, their configuration and the context.

    :func:`run` applies the rules one after another; the parallel writer
    (:mod:`gridmap.checks.parallel`) hands them to several processes, which
    each apply :meth:`result` to the rules they take. Both give the same results.

    Parameters
    ----------
    layers
        Layer name -> frame, as for :func:`run`; any mapping (a
        :class:`StoreLayers` reads each layer when a rule first asks for it).
    rules, config, as_of, community, families
        As for :func:`run`.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown rule or community, or a bad configuration file.
    """

    def __init__(
        self,
        layers: Mapping[str, pd.DataFrame],
        *,
        rules: Iterable[str] | None = None,
        config: Mapping[str, RuleConfig] | None = None,
        as_of: dt.date | dt.datetime | None = None,
        community: str | None = None,
        families: Iterable[str] | None = None,
    ) -> None:
        self.config = load_rules() if config is None else config
        self.selected = select_rules(rules, self.config, families=families)
        for r in self.selected:
            if self.config.get(r.id) is None:
                msg = f"rule {r.id!r} has no configuration"
                raise InputError(msg)  # programmer error
        self.day, moment = _moment(as_of)
        self.community = community
        self.ctx = Context(layers, as_of=self.day, now=moment, community=community)

    def result(self, i: int) -> CheckResult:
        """Apply rule ``i`` of :attr:`selected` and return its result."""
        r = self.selected[i]
        rule_cfg = self.config[r.id]
        t0 = time.perf_counter()
        outcome = r.func(self.ctx, dict(rule_cfg.params))
        return _finish(r, rule_cfg, self.ctx, outcome, time.perf_counter() - t0)

    def report(self, results: list[CheckResult], *, elapsed_s: float = 0.0) -> CheckReport:
        """Return the report of ``results`` (one per rule of :attr:`selected`, in order)."""
        return CheckReport(
            results=results,
            as_of=self.day,
            community=self.community,
            grids=self.ctx.grid_table(),
            elapsed_s=elapsed_s,
            weights={r.id: self.config[r.id].weight for r in self.selected},
        )


class StoreLayers(Mapping[str, pd.DataFrame]):
    """The layers of a check run, each read from the store when first asked for.

    A rule run reads only what its rules need; a process of the parallel writer
    reads only the layers of the rules it takes.

    Parameters
    ----------
    store
        The store.
    names
        The layers the run may read (:func:`layers_for`).
    """

    def __init__(self, store: Store, names: Iterable[str]) -> None:
        self.store = store
        self.names = list(dict.fromkeys(names))
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            if name not in self.names:
                raise KeyError(name)
            # (assignments of every period: the context keeps those of the day)
            self._frames[name] = self.store.read_layer(
                name, include_retired=name == "workers", bookkeeping=False, points_lonlat=True)
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def loaded(self) -> set[str]:
        """The layers read so far."""
        return set(self._frames)


def layers_for(selected: Iterable[Rule]) -> list[str]:
    """Return the layers a run of the rules ``selected`` reads: the base layers, then theirs."""
    return list(dict.fromkeys([*BASE_LAYERS, *(name for r in selected for name in r.layers)]))


def run_checks_on_store(
    store: Store,
    *,
    rules: Iterable[str] | None = None,
    config: Mapping[str, RuleConfig] | None = None,
    community: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
    progress: Callable[[int, int, str | None], None] | None = None,
    families: Iterable[str] | None = None,
) -> CheckReport:
    """Read the layers the rules need from the store, once, and run the rules.

    Parameters
    ----------
    store
        The store.
    rules, config, community, as_of, progress, families
        As for :func:`run`. Assignments are read as valid on ``as_of``'s date; the
        workers include those who have since left.

    Returns
    -------
    CheckReport
        The results.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown rule or community, or a bad configuration file.
    gridmap.errors.StoreError
        If the store cannot be read.
    """
    cfg = load_rules() if config is None else config
    selected = select_rules(rules, cfg, families=families)
    layers = StoreLayers(store, layers_for(selected))
    return run(
        layers,
        rules=[r.id for r in selected],
        config=cfg,
        as_of=as_of,
        community=community,
        progress=progress,
    )
