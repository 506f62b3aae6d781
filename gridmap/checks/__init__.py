"""The rule engine and the campaign and sanitation rules (创建与环卫检查).

Run every enabled rule on the stored street::

    from gridmap import checks
    report = checks.run_checks_on_store(store)          # or checks.run(layers)
    report.result("bin_reach").failures[0].workers      # grid head first
    report.to_json(); checks.export.to_csv(report)

Modules
-------
``registry``   :class:`Rule` (rules as data), :func:`run`, :func:`run_checks_on_store`,
               the admin's rules table (:func:`editable_rules`, :func:`rule_changes`)
``result``     :class:`CheckResult`, :class:`Failure`, :class:`CheckReport` (frames, JSON, scores)
``config``     packaged defaults (``gridmap/rules.toml``) and user overrides
``core``       the array cores: nearest distances, counts, gaps along lines, clusters
``export``     table text, JSON, CSV, GeoJSON, XLSX, supervision orders (督办单), downloads
``parallel``   :func:`write_checks`: the rules shared between processes, the report streamed
               (``gridmap check --jobs``)
``display``    failures prepared for display: popup columns, filters, translated tables
               (:func:`gridmap.maps.add_check_layers` draws them)
``cli``        the ``gridmap check`` and ``gridmap rules`` commands (``add_parsers``)
``integrity``, ``waste``, ``boards``, ``schools``, ``fitness``, ``issues``: the rules

Nothing here draws or imports Streamlit.
"""

from __future__ import annotations

from gridmap._lazy import lazy_exports

#: Formats of :func:`gridmap.checks.export.write_report` (its ``FORMATS``), here so that
#: ``gridmap check --help`` lists them without loading pandas.
REPORT_FORMATS = ("table", "json", "csv", "geojson")

# Everything loads on first use: ``gridmap check --help`` needs none of it. The rule
# modules register their rules when the registry first lists them (registry._load).
__getattr__, __dir__ = lazy_exports(
    __name__,
    modules=(
        "boards",
        "config",
        "core",
        "display",
        "export",
        "fitness",
        "integrity",
        "issues",
        "parallel",
        "registry",
        "result",
        "schools",
        "waste",
    ),
    names={
        "config": ("RuleConfig", "load_rules", "save_rules"),
        "registry": (
            "FAMILIES",
            "Param",
            "Rule",
            "all_rules",
            "editable_rules",
            "get_rule",
            "rule_changes",
            "rules_table",
            "run",
            "run_checks_on_store",
            "select_rules",
        ),
        "parallel": ("write_checks",),
        "result": ("SEVERITIES", "CheckReport", "CheckResult", "Failure"),
    },
)

__all__ = [
    "FAMILIES",
    "SEVERITIES",
    "CheckReport",
    "CheckResult",
    "Failure",
    "Param",
    "Rule",
    "RuleConfig",
    "all_rules",
    "editable_rules",
    "get_rule",
    "load_rules",
    "rule_changes",
    "rules_table",
    "run",
    "run_checks_on_store",
    "save_rules",
    "select_rules",
    "write_checks",
]
